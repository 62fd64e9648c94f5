-- EXPLAIN of what Alopex cannot explain yet is refused with 0A000, never a
-- crash (EXPLAIN EXECUTE and EXPLAIN CREATE TABLE AS are PostgreSQL's, and
-- the parser takes them); the session goes on.
PREPARE p(int) AS SELECT $1 + 1;
EXPLAIN EXECUTE p(1);
EXPLAIN (COSTS OFF) EXECUTE p(2);
EXPLAIN CREATE TABLE x AS SELECT 1;
EXPLAIN ANALYZE CREATE TABLE x AS SELECT 1;
EXECUTE p(41);
BEGIN;
EXPLAIN EXECUTE p(1);
ROLLBACK;
SELECT count(*) FROM pg_class WHERE relname = 'x';
