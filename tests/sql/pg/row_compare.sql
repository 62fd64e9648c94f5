-- Row constructor comparisons (PostgreSQL 15, 9.24.5 and 4.2.13).
-- = and <>: the pairs decide; NULL when none decides and a pair is NULL.
SELECT (1, 2) = (1, 2) AS eq, (1, 2) = (1, 3) AS ne, (1, NULL) = (1, 2) AS n1,
  (2, NULL) = (1, 2) AS decided, (NULL, 2) = (1, 3) AS decided2;
SELECT (1, 2) <> (1, 2) AS a, (1, 2) <> (1, 3) AS b, (1, NULL) <> (1, 2) AS c,
  (2, NULL) <> (1, 2) AS d, (NULL, NULL) <> (NULL, NULL) AS e;
-- Ordering operators stop at the first pair that is not equal.
SELECT (1, 2) < (1, 3) AS a, (1, 2) < (2, 1) AS b, (1, NULL) < (2, 1) AS c,
  (NULL, 1) < (2, 1) AS d, (1, NULL) < (1, 2) AS e, (1, 2) < (1, NULL) AS f,
  (1, 2) < (1, 2) AS g;
SELECT (1, 2, 3) <= (1, 2, 3) AS a, (1, 2, 4) <= (1, 2, 3) AS b,
  (1, 2) <= (1, NULL) AS c, (0, NULL) <= (1, 2) AS d;
SELECT (1, 2) > (1, 1) AS a, (2, 0) > (1, 9) AS b, (1, 1) > (1, 1) AS c,
  (2, NULL) > (1, 5) AS d, (1, NULL) > (1, 5) AS e;
SELECT (1, 2, 3) >= (1, 2, 4) AS a, (1, 2, 3) >= (1, 2, 3) AS b,
  (1, 3, 0) >= (1, 2, 9) AS c, (1, 2, NULL) >= (1, 2, 3) AS d;
-- ROW() spelling, one-element rows, mixed types.
SELECT ROW(1, 2) = ROW(1, 2) AS a, ROW(1) = ROW(1) AS b,
  ROW(1, 'a') < ROW(1, 'b') AS c, (1, 2.5) = (1, 2.5::float8) AS d,
  (1::int8, 'x'::text) > (1, 'w') AS e, ('a', 'b') < ('a', 'c') AS f;
-- IS [NOT] DISTINCT FROM: NULLs compare as values.
SELECT (1, 2) IS DISTINCT FROM (1, NULL) AS a,
  (1, NULL) IS DISTINCT FROM (1, NULL) AS b,
  (1, NULL) IS NOT DISTINCT FROM (1, NULL) AS c,
  (1, 2) IS NOT DISTINCT FROM (1, 3) AS d,
  (NULL, 2) IS DISTINCT FROM (NULL, 2) AS e,
  ROW() IS DISTINCT FROM ROW() AS f, ROW() IS NOT DISTINCT FROM ROW() AS g;
-- IN and NOT IN with row lists.
SELECT (1, 2) IN ((1, 2), (3, 4)) AS a, (1, 2) IN ((3, 4), (5, 6)) AS b,
  (1, 2) IN ((1, NULL), (3, 4)) AS c, (1, 2) IN ((1, NULL), (1, 2)) AS d,
  (1, 2) NOT IN ((1, NULL), (3, 4)) AS e, (1, 2) NOT IN ((2, NULL), (3, 4)) AS f,
  (1, 2) NOT IN ((3, 4)) AS g, (1, 2) NOT IN ((1, 2), (3, 4)) AS h;
-- Errors.
SELECT (1, 2) = (1, 2, 3);
SELECT (1, 2) < (1, 2, 3);
SELECT (1, 2) IS DISTINCT FROM (1, 2, 3);
SELECT (1, 2) IN ((1, 2), (1, 2, 3));
SELECT (1, 2) NOT IN ((1, 2, 3));
SELECT (1, true) = (1, 2);
SELECT (1, true) < (1, 2);
SELECT (true, 1) >= (1, true);
SELECT (1, 'a') = (1, 2);
SELECT (1, 2) IS DISTINCT FROM (1, true);
SELECT (1, true) IN ((1, 2));
SELECT (1, true) NOT IN ((1, 2));
SELECT ROW() = ROW();
SELECT ROW() < ROW();
SELECT ROW() IN (ROW());
SELECT (1, 2) = 1;
SELECT 1 = (1, 2);
SELECT (1, 2) <> 1;
SELECT (1, 2) IS DISTINCT FROM 1;
SELECT (1, 2) IN (1, 2);
SELECT (1, 2) NOT IN (1, 2);
SELECT (1, '{}'::json) = (1, '{}'::json);
SELECT (a, b) = (1, 2) FROM (SELECT 1 AS a) s;
-- Over a table with a composite primary key.
CREATE TABLE rc (a int, b int, c text, PRIMARY KEY (a, b));
INSERT INTO rc VALUES (1, 1, 'x'), (1, 2, 'y'), (1, 3, NULL), (2, 1, 'x'),
  (2, 2, NULL), (3, 1, 'z'), (3, 2, 'z');
SELECT a, b FROM rc WHERE (a, b) = (2, 1);
SELECT a, b FROM rc WHERE (a, b) <> (1, 1) ORDER BY a, b;
SELECT a, b FROM rc WHERE (a, b) > (1, 2) ORDER BY a, b;
SELECT a, b FROM rc WHERE (a, b) >= (1, 2) ORDER BY a, b LIMIT 3;
SELECT a, b FROM rc WHERE (a, b) < (2, 2) ORDER BY a, b;
SELECT a, b FROM rc WHERE (a, b) <= (2, 2) AND (a, b) > (1, 1) ORDER BY a, b;
SELECT a, b FROM rc WHERE ROW(b, a) > ROW(1, 2) ORDER BY a, b;
SELECT a, b, c FROM rc WHERE (a, c) = (1, 'y') ORDER BY a, b;
SELECT a, b, c FROM rc WHERE (b, c) < (2, 'y') ORDER BY a, b;
SELECT a, b, c FROM rc WHERE (a, c) IS NOT DISTINCT FROM (2, NULL) ORDER BY a, b;
SELECT a, b, c FROM rc WHERE (c, a) IS DISTINCT FROM ('x', 1) ORDER BY a, b;
SELECT a, b FROM rc WHERE (a, b) IN ((1, 3), (3, 1), (9, 9)) ORDER BY a, b;
SELECT a, b, c FROM rc WHERE (a, c) NOT IN ((1, 'x'), (3, 'z')) ORDER BY a, b;
SELECT a, b, c FROM rc WHERE (a, c) IN ((1, 'x'), (2, NULL)) ORDER BY a, b;
SELECT a, b, (a, b) < (2, 1) AS lt, (a, c) = (1, 'y') AS eq,
  (c, a) IS DISTINCT FROM ('x', 1) AS d, (a, b) IN ((1, 1), (3, 2)) AS i
  FROM rc ORDER BY a, b;
-- Keyset pagination with parameters.
PREPARE page(int, int) AS
  SELECT a, b, c FROM rc WHERE (a, b) > ($1, $2) ORDER BY a, b LIMIT 2;
EXECUTE page(0, 0);
EXECUTE page(1, 2);
EXECUTE page(2, 2);
EXECUTE page(3, 2);
DEALLOCATE page;
SELECT a, b FROM rc WHERE (a, b) > (1, nope) ORDER BY a, b;
PREPARE page2 AS SELECT a, b FROM rc WHERE (a, b) >= ($1, $2) ORDER BY a, b;
EXECUTE page2(2, 2);
DEALLOCATE page2;
-- Grouped and aggregated operands.
SELECT (a + 1, b) < (3, 2) AS lt, count(*) FROM rc GROUP BY a + 1, b
  ORDER BY 1, 2;
SELECT (count(*), max(a)) > (6, 3) AS gt, (a, 1) = (1, 1) AS eq FROM rc
  GROUP BY a ORDER BY a;
DROP TABLE rc;
