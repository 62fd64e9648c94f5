-- SELECT DISTINCT ON: the first row of each group of equal DISTINCT ON
-- values in ORDER BY order. Where ORDER BY leaves ties the kept row is
-- unspecified, so every query here orders by a unique tie-breaker or
-- prints only the DISTINCT ON columns.
CREATE TABLE don (id int PRIMARY KEY, g int, s text, n numeric, f float8);
INSERT INTO don VALUES (1, 1, 'a', 1.0, 0.5), (2, 1, 'b', 1.00, -1), (3, 2, 'c', NULL, 2), (4, NULL, 'd', 2, NULL), (5, NULL, 'A', 2.0, 'NaN'), (6, 2, NULL, 3, 'NaN'), (7, 3, 'a', NULL, 0), (8, 1, NULL, 1, 7);
-- basic: first and last id per group; NULLs form one group, sorted last
SELECT DISTINCT ON (g) g, id, s FROM don ORDER BY g, id;
SELECT DISTINCT ON (g) g, id, s FROM don ORDER BY g, id DESC;
SELECT DISTINCT ON (g) g, id FROM don ORDER BY g DESC, id;
SELECT DISTINCT ON (g) g, id FROM don ORDER BY g NULLS FIRST, id DESC;
SELECT DISTINCT ON (g) g, id FROM don ORDER BY g DESC NULLS LAST, id DESC;
-- without ORDER BY: sorted on the DISTINCT ON expressions
SELECT DISTINCT ON (g) g FROM don;
SELECT DISTINCT ON (s) s FROM don;
SELECT DISTINCT ON (g, s) g, s FROM don;
-- DISTINCT ON columns ORDER BY lacks are sorted after it
SELECT DISTINCT ON (g, s) g, s FROM don ORDER BY g DESC;
-- in any order at the head of ORDER BY, repeated
SELECT DISTINCT ON (g, s) g, s, id FROM don ORDER BY s, g, id DESC;
SELECT DISTINCT ON (g, g) g, id FROM don ORDER BY g, g, id;
SELECT DISTINCT ON (g) g, id FROM don ORDER BY g, id, g;
-- positions, output names, expressions, junk columns
SELECT DISTINCT ON (1) g, id FROM don ORDER BY 1, 2 DESC;
SELECT DISTINCT ON (2, 1) s, g, id FROM don ORDER BY g, s, id;
SELECT DISTINCT ON (grp) g AS grp, id FROM don ORDER BY grp, id;
SELECT DISTINCT ON (grp) g AS grp, id FROM don ORDER BY g, id DESC;
SELECT DISTINCT ON (g) g AS x, id AS x FROM don ORDER BY g, 2;
SELECT DISTINCT ON (g % 2) g % 2 AS parity, id FROM don ORDER BY g % 2, id DESC;
SELECT DISTINCT ON (lower(s)) lower(s), s, id FROM don ORDER BY lower(s), id;
SELECT DISTINCT ON (g) id FROM don ORDER BY g, id;
SELECT DISTINCT ON (g) id, s FROM don ORDER BY g DESC, s NULLS FIRST, id;
SELECT DISTINCT ON (coalesce(g, 0)) id FROM don ORDER BY coalesce(g, 0), id DESC;
SELECT DISTINCT ON (g) * FROM don ORDER BY g, id;
-- equal values of different text: numeric 1.0 = 1.00 = 1, NaN = NaN
SELECT DISTINCT ON (n) n, id FROM don ORDER BY n, id;
SELECT DISTINCT ON (n) n, id FROM don ORDER BY n, id DESC;
SELECT DISTINCT ON (f) f, id FROM don ORDER BY f, id;
SELECT DISTINCT ON (g, n) g, n, id FROM don ORDER BY g, n, id;
-- LIMIT and OFFSET count the kept rows
SELECT DISTINCT ON (g) g, id FROM don ORDER BY g, id LIMIT 2;
SELECT DISTINCT ON (g) g, id FROM don ORDER BY g, id DESC LIMIT 2 OFFSET 1;
SELECT DISTINCT ON (g) g, id FROM don ORDER BY g, id OFFSET 3;
SELECT DISTINCT ON (g) g, id FROM don ORDER BY g, id OFFSET 4;
SELECT DISTINCT ON (g) g, id FROM don ORDER BY g, id LIMIT 0;
SELECT DISTINCT ON (g) g FROM don LIMIT 3;
-- WHERE, and no rows at all
SELECT DISTINCT ON (g) g, id FROM don WHERE id > 2 ORDER BY g, id;
SELECT DISTINCT ON (g) g, id FROM don WHERE id > 100 ORDER BY g, id;
SELECT DISTINCT ON (1) 42 AS k, 'x' AS v;
-- joins
CREATE TABLE don_ev (id int PRIMARY KEY, who int, at int, what text);
INSERT INTO don_ev VALUES (1, 1, 10, 'login'), (2, 1, 30, 'logout'), (3, 2, 20, 'login'), (4, 3, 5, 'login'), (5, 3, 50, 'buy'), (6, 3, 50, 'sell'), (7, 1, 30, 'buy');
SELECT DISTINCT ON (d.id) d.id, e.at, e.what FROM don d JOIN don_ev e ON e.who = d.id ORDER BY d.id, e.at DESC, e.id;
SELECT DISTINCT ON (d.id) d.id, e.what FROM don d LEFT JOIN don_ev e ON e.who = d.id ORDER BY d.id, e.at DESC NULLS LAST, e.id DESC;
SELECT DISTINCT ON (e.who) e.who, d.s FROM don_ev e JOIN don d ON d.g = e.who ORDER BY e.who, d.s DESC NULLS LAST, d.id;
SELECT DISTINCT ON (d.g) d.g, e.what FROM don d CROSS JOIN don_ev e WHERE e.at > 20 ORDER BY d.g, e.what, d.id;
-- after grouping: aggregates in the target list, DISTINCT ON, ORDER BY
SELECT DISTINCT ON (g % 2) g % 2 AS parity, g, count(*) FROM don GROUP BY g ORDER BY g % 2, count(*) DESC, g;
SELECT DISTINCT ON (count(*)) count(*), g FROM don GROUP BY g ORDER BY count(*), g DESC NULLS LAST;
SELECT DISTINCT ON (max(id) > 4) max(id) > 4 AS big, g FROM don GROUP BY g ORDER BY max(id) > 4, g;
SELECT DISTINCT ON (g) g, count(*) FROM don GROUP BY g HAVING count(*) > 1 ORDER BY g;
SELECT DISTINCT ON (g) count(*), min(id) FROM don GROUP BY g ORDER BY g DESC;
SELECT DISTINCT ON (g / 2) max(s) FROM don GROUP BY g ORDER BY g / 2, max(s) DESC;
SELECT DISTINCT ON (who) who, at, count(*) FROM don_ev GROUP BY who, at ORDER BY who, count(*) DESC, at;
SELECT DISTINCT ON (sum(id) % 2) sum(id) % 2 FROM don GROUP BY g;
-- a volatile aggregate written twice is computed twice
SELECT count(*) FROM (SELECT sum(random()) AS a, sum(random()) AS b FROM generate_series(1, 10)) x WHERE a = b;
SELECT DISTINCT ON (sum(id)) sum(id), count(*) FILTER (WHERE id > 2), count(*) FROM don GROUP BY g ORDER BY sum(id), count(*);
-- subqueries and CTEs
SELECT * FROM (SELECT DISTINCT ON (who) who, what, at FROM don_ev ORDER BY who, at DESC, id) last_ev ORDER BY at;
SELECT count(*) FROM (SELECT DISTINCT ON (g) g FROM don) x;
SELECT id, (SELECT DISTINCT ON (who) what FROM don_ev e WHERE e.who = d.id ORDER BY who, at, id) AS first_what FROM don d ORDER BY id;
SELECT id FROM don WHERE id IN (SELECT DISTINCT ON (g) id FROM don ORDER BY g, id DESC) ORDER BY id;
WITH latest AS (SELECT DISTINCT ON (who) who, id, at FROM don_ev ORDER BY who, at DESC, id DESC) SELECT l.who, l.id, d.s FROM latest l JOIN don d ON d.id = l.who ORDER BY l.who;
WITH firsts AS (SELECT DISTINCT ON (g) g, id FROM don ORDER BY g, id) SELECT DISTINCT ON (id % 2) id % 2, g, id FROM firsts ORDER BY id % 2, g DESC NULLS FIRST;
(SELECT DISTINCT ON (g) g, id FROM don ORDER BY g, id) UNION ALL (SELECT DISTINCT ON (g) g, id FROM don ORDER BY g, id DESC) ORDER BY 1, 2;
SELECT DISTINCT ON (g) g FROM don UNION SELECT 10 ORDER BY 1;
SELECT DISTINCT ON (column1) column1, column2 FROM (VALUES (1, 'x'), (1, 'y'), (NULL, 'z'), (NULL, 'w')) v ORDER BY column1, column2;
SELECT DISTINCT ON (i % 7) i % 7 AS r, i FROM generate_series(1, 1000) i ORDER BY i % 7, i DESC;
-- in data changes
CREATE TABLE don_first AS SELECT DISTINCT ON (g) g, id FROM don ORDER BY g, id DESC;
SELECT * FROM don_first ORDER BY id;
INSERT INTO don_first SELECT DISTINCT ON (who) who, id FROM don_ev ORDER BY who, id;
SELECT * FROM don_first ORDER BY id, g;
-- errors
SELECT DISTINCT ON (g) g, id FROM don ORDER BY id;
SELECT DISTINCT ON (g) g, id FROM don ORDER BY id, g;
SELECT DISTINCT ON (g, s) g, id FROM don ORDER BY g, id;
SELECT DISTINCT ON (g, s) g, id FROM don ORDER BY g, id, s;
SELECT DISTINCT ON (g) g AS a, g AS b FROM don ORDER BY b;
SELECT DISTINCT ON (3) g, id FROM don ORDER BY 1, 2;
SELECT DISTINCT ON (0) g FROM don;
SELECT DISTINCT ON ('x') g FROM don;
SELECT DISTINCT ON (1.5) g FROM don;
SELECT DISTINCT ON (NULL) g FROM don;
SELECT DISTINCT ON (a) g AS a, id AS a FROM don ORDER BY 1;
SELECT DISTINCT ON (nosuch) g FROM don;
SELECT DISTINCT ON (g) g FROM don ORDER BY nosuch;
SELECT DISTINCT ON (sum(id)) g FROM don;
SELECT DISTINCT ON (g) s FROM don GROUP BY g;
SELECT DISTINCT ON (j) g FROM don, (VALUES ('{"a":1}'::json)) x(j);
SELECT DISTINCT ON (g) g, j FROM don, (VALUES ('{"a":1}'::json)) x(j) ORDER BY g, id;
SELECT DISTINCT ON () g FROM don;
SELECT DISTINCT ON g FROM don;
-- ORDER BY and GROUP BY take positions by the same rule: other constants
-- (bigger than int4 too) are errors
SELECT g FROM don ORDER BY 'x';
SELECT g FROM don ORDER BY NULL;
SELECT g FROM don ORDER BY 99999999999;
SELECT g FROM don ORDER BY -2147483648;
SELECT g FROM don GROUP BY 1.5;
SELECT 1 UNION SELECT 2 ORDER BY true;
VALUES (1) ORDER BY 'x';
SELECT DISTINCT ON (2147483648) g FROM don;
