-- COPY TO STDOUT and FROM STDIN in text and CSV: quoting, NULL, escapes,
-- HEADER, column lists, options, errors; SQL-level PREPARE/EXECUTE.
CREATE TABLE cp (id int PRIMARY KEY, t text, n numeric, b bytea, d date, f float8, j jsonb);
INSERT INTO cp VALUES (1, 'plain', 1.50, '\x00ff', '2024-01-01', 0.1, '{"a": [1, "x"]}'), (2, 'tab	and "quote", comma', NULL, NULL, NULL, 'NaN', NULL), (3, '', -0.0, '', 'infinity', -1e300, 'null'), (4, E'back\\slash\nnewline', 1e20, 'abc', '0001-01-01 BC', 1.5, '"s"'), (5, NULL, 0, NULL, NULL, NULL, NULL), (6, '\N', NULL, NULL, NULL, NULL, NULL);
COPY cp TO STDOUT;
COPY cp TO STDOUT WITH (FORMAT csv);
COPY cp TO STDOUT WITH (FORMAT csv, HEADER true);
COPY cp (t, id) TO STDOUT WITH CSV HEADER;
COPY (SELECT id, t FROM cp WHERE id < 3 ORDER BY id DESC) TO STDOUT WITH (FORMAT csv);
COPY cp TO STDOUT WITH (FORMAT text, NULL '', DELIMITER ',');
COPY nosuch TO STDOUT;
COPY cp TO STDOUT WITH (FORMAT xml);
COPY cp TO STDOUT WITH (DELIMITER '||');
CREATE TABLE ci (id int PRIMARY KEY, t text, n numeric);
COPY ci FROM STDIN;
1	one	1.5
2	\N	\N
3	tab\there	-0
\.
COPY ci FROM STDIN WITH (FORMAT csv);
4,"quoted, comma",7
5,,
6,"",8
\.
COPY ci FROM STDIN;
7	bad	x
\.
SELECT * FROM ci ORDER BY id;
PREPARE p1 AS SELECT $1::int + 1;
EXECUTE p1(41);
EXECUTE p1('x');
PREPARE p2 AS SELECT $1 || 'x', $2 + 1;
EXECUTE p2('a', 1);
EXECUTE p2('a');
PREPARE p3 (int, text) AS SELECT $2 || $1;
EXECUTE p3(7, 'n');
CREATE TABLE pp (id int PRIMARY KEY, v text);
PREPARE ins (int, text) AS INSERT INTO pp VALUES ($1, $2) RETURNING *;
EXECUTE ins(1, 'one');
EXECUTE ins(2, NULL);
EXECUTE ins(1, 'dup');
PREPARE sel AS SELECT v FROM pp WHERE id = $1;
EXECUTE sel(1);
EXECUTE sel(3);
DEALLOCATE p1;
EXECUTE p1(1);
DEALLOCATE ALL;
EXECUTE p2('a', 1);
EXECUTE nosuch;
PREPARE p1 AS SELECT 1;
PREPARE p1 AS SELECT 2;
COPY pp TO STDOUT WITH (FORMAT Csv);
COPY pp TO STDOUT WITH (FORMAT xml);
