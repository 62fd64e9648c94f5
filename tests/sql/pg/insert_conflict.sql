-- INSERT's unique checks: the primary key (checked by the engine while the
-- row is written), unique indexes, which one is reported when several are
-- taken, ON CONFLICT, and savepoints around inserts.
CREATE TABLE ic (id int PRIMARY KEY, k text UNIQUE, v text);
INSERT INTO ic VALUES (1, 'a', 'one'), (2, 'b', 'two');
-- the primary key taken
INSERT INTO ic VALUES (1, 'z', 'dup id');
-- a unique index taken
INSERT INTO ic VALUES (3, 'a', 'dup k');
-- both taken: the primary key is reported
INSERT INTO ic VALUES (2, 'a', 'dup both');
-- a NULL never conflicts
INSERT INTO ic VALUES (3, NULL, 'null k'), (4, NULL, 'null k too');
-- the statement's own earlier row
INSERT INTO ic VALUES (5, 'e', 'five'), (5, 'f', 'five again');
INSERT INTO ic VALUES (6, 'g', 'six'), (7, 'g', 'seven');
SELECT * FROM ic ORDER BY id;
-- ON CONFLICT on the primary key
INSERT INTO ic VALUES (1, 'x', 'ignored') ON CONFLICT DO NOTHING;
INSERT INTO ic VALUES (1, 'x', 'ignored') ON CONFLICT (id) DO NOTHING;
INSERT INTO ic VALUES (1, 'a2', 'updated') ON CONFLICT (id)
  DO UPDATE SET v = excluded.v, k = excluded.k RETURNING *;
INSERT INTO ic VALUES (8, 'h', 'eight') ON CONFLICT (id)
  DO UPDATE SET v = 'not this' RETURNING *;
INSERT INTO ic VALUES (2, 'b', 'where false') ON CONFLICT (id)
  DO UPDATE SET v = excluded.v WHERE ic.v = 'nothing';
-- ON CONFLICT on the unique index
INSERT INTO ic VALUES (9, 'b', 'ignored') ON CONFLICT (k) DO NOTHING;
INSERT INTO ic VALUES (9, 'b', 'k moved') ON CONFLICT (k)
  DO UPDATE SET v = excluded.v RETURNING *;
-- the arbiter is the index, another unique key taken is an error
INSERT INTO ic VALUES (10, 'h', 'k of 8') ON CONFLICT (id) DO NOTHING;
SELECT * FROM ic ORDER BY id;
-- deleted, then inserted again in one transaction
BEGIN;
DELETE FROM ic WHERE id = 8;
INSERT INTO ic VALUES (8, 'h', 'eight again');
INSERT INTO ic VALUES (8, 'h2', 'and again');
ROLLBACK;
BEGIN;
DELETE FROM ic WHERE id = 8;
INSERT INTO ic VALUES (8, 'h', 'eight again');
COMMIT;
SELECT * FROM ic WHERE id = 8;
-- savepoints: inserts undone, then made again
BEGIN;
INSERT INTO ic VALUES (20, 't', 'twenty');
SAVEPOINT s1;
INSERT INTO ic VALUES (21, 'u', 'twenty-one');
INSERT INTO ic VALUES (20, 'v', 'dup');
ROLLBACK TO SAVEPOINT s1;
INSERT INTO ic VALUES (21, 'u', 'twenty-one');
SAVEPOINT s2;
INSERT INTO ic VALUES (22, 'w', 'twenty-two');
ROLLBACK TO SAVEPOINT s2;
SELECT * FROM ic WHERE id >= 20 ORDER BY id;
INSERT INTO ic VALUES (22, 'w', 'twenty-two');
RELEASE SAVEPOINT s2;
COMMIT;
SELECT * FROM ic WHERE id >= 20 ORDER BY id;
-- an UPDATE onto a taken key, and INSERT ... SELECT
UPDATE ic SET id = 1 WHERE id = 2;
INSERT INTO ic SELECT id + 100, k, v FROM ic WHERE id = 2;
INSERT INTO ic SELECT id + 100, k || '!', v FROM ic WHERE id < 3;
SELECT count(*) FROM ic;
-- a composite primary key
CREATE TABLE ic2 (a int, b text, n int, PRIMARY KEY (a, b));
INSERT INTO ic2 VALUES (1, 'x', 1), (1, 'y', 2), (2, 'x', 3);
INSERT INTO ic2 VALUES (1, 'y', 4);
INSERT INTO ic2 VALUES (1, 'y', 5) ON CONFLICT (a, b) DO UPDATE
  SET n = ic2.n + excluded.n RETURNING *;
SELECT * FROM ic2 ORDER BY a, b;
-- no primary key: only the unique index is checked
CREATE TABLE ic3 (k int UNIQUE, v text);
INSERT INTO ic3 VALUES (1, 'a'), (NULL, 'b'), (NULL, 'c');
INSERT INTO ic3 VALUES (1, 'dup');
INSERT INTO ic3 VALUES (1, 'dup') ON CONFLICT DO NOTHING;
SELECT * FROM ic3 ORDER BY k, v;
DROP TABLE ic;
DROP TABLE ic2;
DROP TABLE ic3;
