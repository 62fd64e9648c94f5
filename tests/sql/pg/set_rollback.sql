-- Settings changed inside a transaction block: a plain SET lasts past
-- COMMIT and is undone by ROLLBACK; SET LOCAL ends with the block either
-- way; ROLLBACK TO SAVEPOINT undoes both kinds made after the savepoint.
SHOW TimeZone;
BEGIN;
SET TimeZone = 'Asia/Tokyo';
SHOW TimeZone;
ROLLBACK;
SHOW TimeZone;
BEGIN;
SET TimeZone = 'Asia/Tokyo';
COMMIT;
SHOW TimeZone;
RESET TimeZone;
BEGIN;
SET extra_float_digits = 1;
SET LOCAL search_path = pg_catalog;
SHOW search_path;
COMMIT;
SHOW extra_float_digits;
SHOW search_path;
BEGIN;
SET LOCAL extra_float_digits = 2;
SET extra_float_digits = 3;
COMMIT;
SHOW extra_float_digits;
BEGIN;
SET TimeZone = 'Europe/Paris';
SAVEPOINT a;
SET TimeZone = 'Asia/Tokyo';
SET LOCAL statement_timeout = '5s';
SHOW TimeZone;
ROLLBACK TO SAVEPOINT a;
SHOW TimeZone;
SHOW statement_timeout;
RELEASE SAVEPOINT a;
ROLLBACK;
SHOW TimeZone;
-- an error fails the block; its ROLLBACK undoes the SET
BEGIN;
SET TimeZone = 'America/New_York';
SELECT 1 / 0;
ROLLBACK;
SHOW TimeZone;
-- COMMIT of a failed block rolls back too
BEGIN;
SET TimeZone = 'America/New_York';
SELECT 1 / 0;
COMMIT;
SHOW TimeZone;
-- a custom setting that did not exist before the block
BEGIN;
SET alopex_test.knob = 'on';
SHOW alopex_test.knob;
ROLLBACK;
SELECT current_setting('alopex_test.knob', true) IS NULL AS gone;
