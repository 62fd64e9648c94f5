-- Isolation levels: Alopex transactions are snapshots (REPEATABLE READ).
BEGIN ISOLATION LEVEL SERIALIZABLE;
BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SHOW transaction_isolation;
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED;
COMMIT;
SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;
SET default_transaction_isolation = 'serializable';
SET default_transaction_isolation = 'read committed';
SHOW default_transaction_isolation;
SELECT 1 FOR UPDATE;
