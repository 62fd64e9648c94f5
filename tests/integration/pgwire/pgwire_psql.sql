-- psql -f through alopex-server: DDL, DML, queries, errors, transactions, COPY.
CREATE TABLE fox (id int PRIMARY KEY, name text NOT NULL, weight numeric(5,2));
INSERT INTO fox VALUES (1, 'arctic', 3.50), (2, 'red', 6.25), (3, 'fennec', NULL);
SELECT id, name, weight FROM fox ORDER BY id;
SELECT count(*) AS n, max(weight) AS heaviest FROM fox;
UPDATE fox SET weight = 4.00 WHERE id = 3;
DELETE FROM fox WHERE name = 'red';
SELECT * FROM fox ORDER BY id;
SELECT * FROM nosuch;
SELEC 1;
BEGIN;
INSERT INTO fox VALUES (4, 'kit', 2.10);
SELECT 1/0;
SELECT 1;
ROLLBACK;
SELECT count(*) FROM fox;
COPY fox FROM STDIN;
10	bat-eared	4.10
11	swift	\N
\.
COPY (SELECT id, name FROM fox WHERE id >= 10 ORDER BY id) TO STDOUT WITH (FORMAT csv);
SELECT 'multi' AS a; SELECT 'line' AS b;
