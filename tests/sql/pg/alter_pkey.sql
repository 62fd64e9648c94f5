-- ALTER TABLE ... ADD PRIMARY KEY on tables that already hold rows: the
-- rows move to their new keys, secondary indexes follow, and every
-- failure leaves the table as it was.
CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (3, 'c'), (1, 'a'), (2, 'b'), (1, 'dup');
-- a duplicate key: nothing changes
ALTER TABLE t ADD PRIMARY KEY (a);
SELECT * FROM t ORDER BY a, b;
INSERT INTO t VALUES (1, 'still no key');
DELETE FROM t WHERE b IN ('dup', 'still no key');
-- a NULL in the key column
INSERT INTO t VALUES (NULL, 'null key');
ALTER TABLE t ADD PRIMARY KEY (a);
SELECT * FROM t ORDER BY a, b;
DELETE FROM t WHERE a IS NULL;
-- now it works; the column becomes NOT NULL
ALTER TABLE t ADD PRIMARY KEY (a);
SELECT * FROM t ORDER BY a;
SELECT * FROM t WHERE a = 2;
INSERT INTO t VALUES (2, 'again');
INSERT INTO t VALUES (NULL, 'x');
INSERT INTO t VALUES (4, 'd');
UPDATE t SET a = 10 WHERE a = 1;
UPDATE t SET a = 3 WHERE a = 2;
SELECT * FROM t ORDER BY a;
ALTER TABLE t ALTER COLUMN a DROP NOT NULL;
-- only one primary key
ALTER TABLE t ADD PRIMARY KEY (b);
ALTER TABLE t ADD CONSTRAINT t_other PRIMARY KEY (a);
-- bad column lists
CREATE TABLE w (a int, j json);
ALTER TABLE w ADD PRIMARY KEY (zz);
ALTER TABLE w ADD PRIMARY KEY (a, a);
ALTER TABLE w ADD PRIMARY KEY (j);
ALTER TABLE t ADD PRIMARY KEY (zz);
ALTER TABLE t ADD PRIMARY KEY (a, a);
-- names: taken by a relation or a check constraint
ALTER TABLE w ADD CONSTRAINT t PRIMARY KEY (a);
ALTER TABLE w ADD CONSTRAINT w_check CHECK (a > 0);
ALTER TABLE w ADD CONSTRAINT w_check PRIMARY KEY (a);
ALTER TABLE w ADD CONSTRAINT w_key PRIMARY KEY (a);
INSERT INTO w VALUES (1, '{}'), (2, '[]');
INSERT INTO w VALUES (1, 'null');
INSERT INTO w VALUES (0, 'null');
SELECT a, j::text FROM w ORDER BY a;
-- a composite key, with the key checks over two columns
CREATE TABLE u (a int, b int, c int);
INSERT INTO u VALUES (1, 1, 1), (1, 1, 2), (1, 2, NULL);
ALTER TABLE u ADD PRIMARY KEY (a, b);
ALTER TABLE u ADD PRIMARY KEY (a, c);
UPDATE u SET b = 3 WHERE c = 2;
ALTER TABLE u ADD PRIMARY KEY (b, a);
SELECT * FROM u ORDER BY a, b;
INSERT INTO u VALUES (1, 1, 9);
INSERT INTO u VALUES (1, 4, 9);
SELECT * FROM u WHERE a = 1 AND b = 4;
-- secondary indexes, defaults and sequences survive the rewrite
CREATE TABLE m (id int, v text DEFAULT 'dflt', s serial, q int UNIQUE);
CREATE INDEX m_v ON m (v);
INSERT INTO m (id, q) VALUES (30, 3), (10, 1), (20, NULL);
INSERT INTO m (id, v, q) VALUES (40, 'other', NULL);
ALTER TABLE m ADD PRIMARY KEY (id);
INSERT INTO m (id) VALUES (50);
SELECT * FROM m ORDER BY id;
SELECT id, s FROM m WHERE v = 'dflt' ORDER BY id;
SELECT id FROM m WHERE v = 'other';
SELECT id FROM m WHERE q = 1;
SELECT id FROM m WHERE q IS NULL ORDER BY id;
INSERT INTO m (id, q) VALUES (60, 1);
INSERT INTO m (id, q) VALUES (10, 7);
UPDATE m SET v = 'changed' WHERE id = 20;
SELECT id FROM m WHERE v = 'changed';
DELETE FROM m WHERE id = 30;
SELECT id FROM m WHERE q = 3;
-- inside a transaction block: the failure aborts the block, ROLLBACK
-- brings the table back
BEGIN;
CREATE TABLE n (a int);
INSERT INTO n VALUES (2), (1);
ALTER TABLE n ADD PRIMARY KEY (a);
INSERT INTO n VALUES (1);
ROLLBACK;
SELECT * FROM n;
CREATE TABLE n (a int, b int);
INSERT INTO n VALUES (1, 1), (2, 1);
BEGIN;
ALTER TABLE n ADD PRIMARY KEY (b);
SELECT * FROM n;
ROLLBACK;
SELECT * FROM n ORDER BY a;
BEGIN;
ALTER TABLE n ADD PRIMARY KEY (a), ADD COLUMN c int DEFAULT 7;
INSERT INTO n VALUES (3, 3);
SELECT * FROM n ORDER BY a;
COMMIT;
INSERT INTO n VALUES (3, 3);
SELECT * FROM n ORDER BY a;
-- an empty table
CREATE TABLE e (k text);
ALTER TABLE e ADD CONSTRAINT e_k PRIMARY KEY (k);
INSERT INTO e VALUES ('x'), ('y');
INSERT INTO e VALUES ('x');
SELECT * FROM e ORDER BY k;
