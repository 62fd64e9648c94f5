CREATE TABLE ic (id int PRIMARY KEY, k text UNIQUE, v text);
INSERT INTO ic VALUES (1, 'a', 'one'), (2, 'b', 'two');
INSERT INTO ic VALUES (1, 'z', 'dup id');
INSERT INTO ic VALUES (3, 'a', 'dup k');
INSERT INTO ic VALUES (2, 'a', 'dup both');
INSERT INTO ic VALUES (3, NULL, 'null k'), (4, NULL, 'null k too');
INSERT INTO ic VALUES (5, 'e', 'five'), (5, 'f', 'five again');
INSERT INTO ic VALUES (6, 'g', 'six'), (7, 'g', 'seven');
SELECT * FROM ic ORDER BY id;
INSERT INTO ic VALUES (1, 'x', 'ignored') ON CONFLICT DO NOTHING;
INSERT INTO ic VALUES (1, 'x', 'ignored') ON CONFLICT (id) DO NOTHING;
INSERT INTO ic VALUES (1, 'a2', 'updated') ON CONFLICT (id)
  DO UPDATE SET v = excluded.v, k = excluded.k RETURNING *;
INSERT INTO ic VALUES (8, 'h', 'eight') ON CONFLICT (id)
  DO UPDATE SET v = 'not this' RETURNING *;
INSERT INTO ic VALUES (2, 'b', 'where false') ON CONFLICT (id)
  DO UPDATE SET v = excluded.v WHERE ic.v = 'nothing';
INSERT INTO ic VALUES (9, 'b', 'ignored') ON CONFLICT (k) DO NOTHING;
INSERT INTO ic VALUES (9, 'b', 'k moved') ON CONFLICT (k)
  DO UPDATE SET v = excluded.v RETURNING *;
INSERT INTO ic VALUES (10, 'h', 'k of 8') ON CONFLICT (id) DO NOTHING;
SELECT * FROM ic ORDER BY id;
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
BEGIN;
INSERT INTO ic VALUES (20, 't', 'twenty');
