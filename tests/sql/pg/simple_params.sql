-- $n in a simple query: there are no parameters, so any $n is the
-- binder's 42P02, the first one met (not a Bind's parameter count).
SELECT $1;
SELECT 1 + $2;
SELECT $2, $1;
SELECT 1 WHERE $3 = 1 OR $1 = 2;
SELECT $0;
EXPLAIN SELECT $1;
CREATE TABLE pp (a int DEFAULT $1);
CREATE TABLE pp (a int);
INSERT INTO pp VALUES ($1);
INSERT INTO pp VALUES (1), (2) ON CONFLICT DO NOTHING RETURNING a + $1;
UPDATE pp SET a = $1;
DELETE FROM pp WHERE a = $1;
SELECT * FROM pp WHERE a IN (SELECT $1);
ALTER TABLE pp ALTER a SET DEFAULT $1;
SELECT * FROM pp;
-- PREPARE's $n are its statement's; EXECUTE's arguments have none
PREPARE q AS SELECT $1::int + 1;
EXECUTE q(41);
EXECUTE q($1);
-- the error ends a transaction block's statements as any other
BEGIN;
SELECT $1;
SELECT 1;
ROLLBACK;
SELECT 1;
-- COPY's query takes no parameters either
COPY (SELECT $1) TO STDOUT;
COPY (SELECT 1 WHERE $2 = 1) TO STDOUT;
COPY (SELECT 7 AS seven) TO STDOUT;
