-- Row comparisons in Alopex plans: = over a composite key is a point
-- lookup; an ordering comparison carries a redundant bound on its first
-- column, which a key range uses (keyset pagination).
CREATE TABLE rc (a int, b int, c text, PRIMARY KEY (a, b));
INSERT INTO rc SELECT g / 10, g % 10, 'v' || g FROM generate_series(0, 99) g;
EXPLAIN SELECT * FROM rc WHERE (a, b) = (1, 2);
EXPLAIN SELECT * FROM rc WHERE (a, b) > (3, 4) ORDER BY a, b LIMIT 3;
EXPLAIN SELECT * FROM rc WHERE (a, b) <= (2, 1) AND (a, b) >= (1, 8);
EXPLAIN SELECT * FROM rc WHERE (b, a) < (1, 2);
EXPLAIN SELECT * FROM rc WHERE (a, b) IN ((1, 2), (3, 4));
SELECT a, b, c FROM rc WHERE (a, b) > (3, 8) ORDER BY a, b LIMIT 3;
SELECT a, b, c FROM rc WHERE (a, b) <= (2, 1) AND (a, b) >= (1, 8)
  ORDER BY a, b;
DROP TABLE rc;
