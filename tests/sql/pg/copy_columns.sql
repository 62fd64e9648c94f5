-- COPY with a column list: a column that does not exist or is named twice
-- fails before any data is read (issue 3), TO STDOUT as FROM STDIN.
-- A COPY FROM that fails at its statement is last: psql would run the
-- lines after it as SQL.
CREATE TABLE cc (a int, b text, "Mixed" int);
INSERT INTO cc VALUES (1, 'one', 10), (2, NULL, 20);
COPY cc (nosuch) TO STDOUT;
COPY cc (a, nosuch) TO STDOUT;
COPY cc (a, a) TO STDOUT;
COPY cc (mixed) TO STDOUT;
COPY cc ("Mixed", b) TO STDOUT;
COPY cc (b, a) TO STDOUT WITH (FORMAT csv, HEADER true);
COPY nosuch (a) TO STDOUT;
COPY cc (b, a) FROM STDIN;
three	3
\N	4
\.
SELECT * FROM cc ORDER BY a;
COPY cc (a, nosuch) FROM STDIN;
