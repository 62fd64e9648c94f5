UPDATE tq SET b = b * 1.01, d = d + interval '7 mons';
SELECT * FROM tq ORDER BY a, b;
SELECT a FROM tq WHERE a = '0';
SELECT CAST('5' AS interval day), '5'::interval day, '1:30'::interval minute to second, CAST('1 2' AS interval day to hour);
