-- EXPLAIN of SELECT DISTINCT ON: PostgreSQL's Unique over a full Sort
-- (never the top-k heap: LIMIT counts the rows kept), the sort keys ORDER
-- BY's followed by the DISTINCT ON columns it lacks.
CREATE TABLE dp (id int PRIMARY KEY, cat text, price int);
INSERT INTO dp SELECT g, 'c' || (g % 3), g * 7 % 11 FROM generate_series(1, 20) g;
EXPLAIN SELECT DISTINCT ON (cat) cat, id FROM dp ORDER BY cat, price DESC, id;
EXPLAIN SELECT DISTINCT ON (cat) cat, id FROM dp;
EXPLAIN SELECT DISTINCT ON (cat, price) * FROM dp ORDER BY price;
EXPLAIN SELECT DISTINCT ON (cat) cat, id FROM dp ORDER BY cat, id LIMIT 2 OFFSET 1;
EXPLAIN SELECT DISTINCT ON (id) id FROM dp ORDER BY id;
EXPLAIN SELECT DISTINCT ON (cat) cat, count(*) FROM dp WHERE price > 2 GROUP BY cat, price ORDER BY cat, count(*) DESC;
EXPLAIN SELECT * FROM (SELECT DISTINCT ON (cat) cat, id FROM dp ORDER BY cat, id DESC) x WHERE id > 3;
SELECT DISTINCT ON (cat) cat, id FROM dp ORDER BY cat, id LIMIT 2 OFFSET 1;
SELECT DISTINCT ON (cat) cat, price % 2 AS odd, count(*) FROM dp GROUP BY cat, price % 2 ORDER BY cat, count(*) DESC, 2;
