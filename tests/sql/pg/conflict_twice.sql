-- ON CONFLICT meeting a row the same statement inserted or updated:
-- DO UPDATE cannot change a row a second time (21000, nothing changed),
-- DO NOTHING skips the later rows.
CREATE TABLE m (a int, b text, n int, PRIMARY KEY (a, b));
INSERT INTO m VALUES (1,'x',5),(1,'x',6) ON CONFLICT (a,b) DO UPDATE SET n = excluded.n;
SELECT * FROM m;
INSERT INTO m VALUES (1,'x',5),(1,'x',6) ON CONFLICT (a,b) DO NOTHING;
SELECT * FROM m;
INSERT INTO m VALUES (2,'x',5),(2,'x',6),(2,'y',7) ON CONFLICT DO NOTHING RETURNING *;
-- an existing row, updated twice by one statement
INSERT INTO m VALUES (1,'x',8),(3,'z',1),(1,'x',9) ON CONFLICT (a,b) DO UPDATE SET n = excluded.n;
SELECT * FROM m ORDER BY a, b;
-- updated once, or by different rows: fine
INSERT INTO m VALUES (1,'x',10),(2,'x',11) ON CONFLICT (a,b) DO UPDATE SET n = excluded.n RETURNING *;
-- a WHERE that skips the first conflict: the row was not changed
INSERT INTO m VALUES (1,'x',12),(1,'x',13) ON CONFLICT (a,b)
  DO UPDATE SET n = excluded.n WHERE excluded.n = 13 RETURNING *;
INSERT INTO m VALUES (1,'x',14),(1,'x',15) ON CONFLICT (a,b)
  DO UPDATE SET n = excluded.n WHERE excluded.n = 14 RETURNING *;
INSERT INTO m VALUES (1,'x',16),(1,'x',17) ON CONFLICT (a,b)
  DO UPDATE SET n = excluded.n WHERE m.n < 0;
SELECT * FROM m ORDER BY a, b;
-- the update moves the row to a key a later row then meets
INSERT INTO m VALUES (1,'x',0),(4,'x',0) ON CONFLICT (a,b)
  DO UPDATE SET a = 4;
INSERT INTO m VALUES (1,'x',0),(5,'x',0) ON CONFLICT (a,b)
  DO UPDATE SET a = 6 RETURNING *;
SELECT * FROM m ORDER BY a, b;
-- from a SELECT
INSERT INTO m SELECT 7, 'q', g FROM generate_series(1, 3) g
  ON CONFLICT (a,b) DO UPDATE SET n = excluded.n;
INSERT INTO m SELECT 7, 'q', g FROM generate_series(1, 3) g
  ON CONFLICT (a,b) DO NOTHING;
SELECT * FROM m WHERE a = 7;
-- the arbiter a unique index; no primary key
CREATE TABLE u (k text UNIQUE, v int);
INSERT INTO u VALUES ('a', 1), ('b', 2), ('a', 3) ON CONFLICT (k) DO UPDATE SET v = excluded.v;
INSERT INTO u VALUES ('a', 1), ('b', 2), ('a', 3) ON CONFLICT (k) DO NOTHING;
INSERT INTO u VALUES ('a', 4), ('b', 5) ON CONFLICT (k) DO UPDATE SET v = excluded.v;
INSERT INTO u VALUES ('b', 6), ('b', 7) ON CONFLICT (k) DO UPDATE SET v = excluded.v;
-- NULLs never conflict
INSERT INTO u VALUES (NULL, 8), (NULL, 9) ON CONFLICT (k) DO UPDATE SET v = excluded.v;
SELECT * FROM u ORDER BY k, v;
-- in a transaction block: rows of earlier statements are not this one's
BEGIN;
INSERT INTO u VALUES ('c', 10);
INSERT INTO u VALUES ('c', 11) ON CONFLICT (k) DO UPDATE SET v = excluded.v;
INSERT INTO u VALUES ('c', 12), ('c', 13) ON CONFLICT (k) DO UPDATE SET v = excluded.v;
ROLLBACK;
BEGIN;
INSERT INTO u VALUES ('d', 14);
INSERT INTO u VALUES ('d', 15) ON CONFLICT (k) DO UPDATE SET v = excluded.v;
INSERT INTO u VALUES ('d', 16) ON CONFLICT (k) DO UPDATE SET v = excluded.v;
COMMIT;
SELECT * FROM u ORDER BY k, v;
