-- Stage 3: aggregates, GROUP BY, HAVING, DISTINCT, result types.
CREATE TABLE sales (region text, item text, qty int, amount numeric(10,2), w float8, big bigint, ok bool);
INSERT INTO sales VALUES
  ('north', 'a', 1, 10.50, 0.5, 10, true),
  ('north', 'b', 2, 20.00, 1.5, 20, true),
  ('south', 'a', 3, 5.25, 2.5, 30, false),
  ('south', 'a', NULL, NULL, NULL, NULL, NULL),
  ('east', 'c', 5, 100.00, 4.0, 9223372036854775807, true),
  ('east', 'c', 5, 100.00, 4.0, 1, true);
SELECT count(*), count(qty), sum(qty), avg(qty), min(qty), max(qty) FROM sales;
SELECT pg_typeof(sum(qty)), pg_typeof(avg(qty)), pg_typeof(sum(big)), pg_typeof(sum(amount)), pg_typeof(avg(w)), pg_typeof(count(*)) FROM sales;
SELECT sum(big) FROM sales;
SELECT sum(amount), avg(amount), min(amount), max(item), min(region) FROM sales;
SELECT sum(w), avg(w) FROM sales;
SELECT bool_and(ok), bool_or(ok), every(ok) FROM sales;
SELECT region, count(*), sum(qty) FROM sales GROUP BY region ORDER BY region;
SELECT region, sum(amount) AS total FROM sales GROUP BY region HAVING sum(amount) > 20 ORDER BY total DESC;
SELECT region, item, count(*) FROM sales GROUP BY region, item ORDER BY 1, 2;
SELECT region FROM sales GROUP BY 1 ORDER BY 1;
SELECT item, count(DISTINCT region) FROM sales GROUP BY item ORDER BY item;
SELECT count(DISTINCT qty), sum(DISTINCT qty) FROM sales;
SELECT count(*) FILTER (WHERE qty > 2), sum(qty) FILTER (WHERE region = 'east') FROM sales;
SELECT string_agg(item, ',') FROM (SELECT item FROM sales ORDER BY item) s;
SELECT DISTINCT region FROM sales ORDER BY region;
SELECT DISTINCT item, qty FROM sales ORDER BY item, qty;
SELECT count(*) FROM sales WHERE qty > 100;
SELECT sum(qty), avg(qty), max(region) FROM sales WHERE qty > 100;
SELECT region, count(*) FROM sales WHERE qty > 100 GROUP BY region;
SELECT region, qty FROM sales GROUP BY region;
SELECT sum(qty) FROM sales WHERE sum(qty) > 1;
SELECT sum(sum(qty)) FROM sales;
SELECT region, max(qty) - min(qty) AS spread, count(*) * 2 FROM sales GROUP BY region ORDER BY spread NULLS LAST, region;
SELECT avg(x) FROM (VALUES (1), (2), (2)) v(x);
SELECT avg(x), sum(x) FROM (VALUES (1.5), (2.25)) v(x);
SELECT count(*) AS n FROM sales HAVING count(*) > 100;
SELECT max(d), min(d) FROM (VALUES ('2024-01-01'::date), ('2023-05-05'::date)) v(d);
SELECT 1 + sum(qty) AS plus FROM sales;
