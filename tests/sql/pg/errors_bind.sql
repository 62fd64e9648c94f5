-- Binder errors: ambiguous and unknown columns, GROUP BY/HAVING rules,
-- DISTINCT with ORDER BY, type mismatches in CASE/COALESCE/IN/UNION, DDL
-- on missing objects.
CREATE TABLE e1 (a int, b text);
CREATE TABLE e2 (a int, c text);
INSERT INTO e1 VALUES (1, 'x'), (2, 'y');
INSERT INTO e2 VALUES (1, 'p');
SELECT a FROM e1, e2;
SELECT DISTINCT b FROM e1 ORDER BY a;
SELECT a, count(*) FROM e1;
SELECT * FROM e1 WHERE count(*) > 1;
SELECT a FROM e1 GROUP BY b;
SELECT b, sum(a) FROM e1 GROUP BY 1 HAVING b > 'a' ORDER BY 1;
SELECT sum(a) FROM e1 HAVING a > 1;
SELECT a FROM e1 ORDER BY nosuch;
SELECT e1.a, e2.c FROM e1 JOIN e2 USING (a);
SELECT e1.* FROM e1 JOIN e2 USING (nosuch);
INSERT INTO e1 SELECT a FROM e2 RETURNING nosuch;
UPDATE e1 SET a = a + 1 RETURNING e2.a;
DELETE FROM e1 WHERE nosuch = 1;
SELECT a FROM e1 UNION SELECT c FROM e2;
SELECT a FROM e1 LIMIT 1 OFFSET 'a';
SELECT a::text::int + '2' FROM e1 ORDER BY 1;
SELECT CASE WHEN a = 1 THEN 'one' ELSE a END FROM e1;
SELECT coalesce(a, 'x') FROM e1;
SELECT a IN ('1', '2') FROM e1 ORDER BY a;
SELECT a IN ('x') FROM e1;
SELECT 'abc' > 1;
SELECT a BETWEEN '1' AND 'x' FROM e1;
SELECT b || a FROM e1 ORDER BY 1;
SELECT max(b), min(a)::text || 'z' FROM e1;
CREATE TABLE e1 (z int);
CREATE INDEX e1_idx ON e1 (a, a);
DROP INDEX nosuch_idx;
ALTER TABLE nosuch ADD COLUMN x int;
ALTER TABLE e1 DROP COLUMN nosuch;
INSERT INTO e1 VALUES (1, 'x', 'extra');
