-- Isolation levels: READ COMMITTED (the default, as in PostgreSQL: a snapshot
-- per statement) and REPEATABLE READ (one snapshot); no SERIALIZABLE.
BEGIN ISOLATION LEVEL SERIALIZABLE;
BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SHOW transaction_isolation;
COMMIT;
-- READ UNCOMMITTED runs as READ COMMITTED (PostgreSQL's SHOW would still
-- say "read uncommitted" inside such a block).
BEGIN ISOLATION LEVEL READ COMMITTED;
SHOW transaction_isolation;
COMMIT;
START TRANSACTION ISOLATION LEVEL READ UNCOMMITTED, READ ONLY;
SHOW transaction_isolation;
COMMIT;
BEGIN;
SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
SHOW transaction_isolation;
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
COMMIT;
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ UNCOMMITTED;
SHOW default_transaction_isolation;
SET transaction_isolation = 'read committed';
SHOW transaction_isolation;
BEGIN ISOLATION LEVEL REPEATABLE READ;
COMMIT;
SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;
SET default_transaction_isolation = 'serializable';
SET default_transaction_isolation = 'read committed';
SHOW default_transaction_isolation;
SELECT 1 FOR UPDATE;
