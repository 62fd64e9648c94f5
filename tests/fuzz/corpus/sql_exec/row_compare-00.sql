CREATE TABLE rc (a int, b int, c text, PRIMARY KEY (a, b));
INSERT INTO rc VALUES (1, 1, 'x'), (1, 2, NULL), (2, 1, 'y'), (3, 3, 'z');
SELECT * FROM rc WHERE (a, b) > (1, 1) ORDER BY a, b LIMIT 2;
SELECT * FROM rc WHERE (a, b) <= (2, 1) AND (a, c) IS DISTINCT FROM (1, NULL);
SELECT (a, b) IN ((1, 1), (3, 3)), (a, c) NOT IN ((2, 'y')), ROW(a, b) = ROW(b, a) FROM rc;
SELECT (1, 2) < (1, 2, 3);
SELECT ROW() = ROW();
SELECT (a, true) = (1, b) FROM rc;
