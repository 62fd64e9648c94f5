-- Integer bit operators: types, wrapping, shift counts, errors.
SELECT 1 << 4, 256 >> 2, 5 & 3, 5 | 3, 5 # 3, ~5;
SELECT pg_typeof(1::int2 & 3::int2), pg_typeof(1::int2 & 3), pg_typeof(1 & 3::int8),
       pg_typeof(1::int2 << 2), pg_typeof(1::int8 << 2), pg_typeof(~1::int2);
SELECT 1 << 31, 1 << 32, 1 << 33, 1::int8 << 63, 1::int8 << 64, 1::int2 << 15, 1::int2 << 16;
SELECT -16 >> 2, -16::int8 >> 62, (-1)::int2 >> 20, 1 << -1, 8 >> -1;
SELECT ~0, ~(-1::int8), ~32767::int2, 12 & -4, 7 # -1, -8 | 1;
SELECT NULL::int & 1, 1 << NULL::int, ~NULL::int8;
SELECT '6' & 3, 6 & '3';
SELECT x, x & 1 AS odd, x << 1 AS doubled FROM (VALUES (1), (2), (3)) v(x) ORDER BY x # 1;
SELECT 1.5 & 1;
SELECT 'a'::text | 1;
SELECT ~'x'::text;
SELECT 'z' & 1;
SELECT 1::int8 << 2::int8;
SELECT 1 >> 2::int8;
SELECT 1::int2 << 2::int2, pg_typeof(1::int2 >> 1::int2), -1::int8 >> 70, 3::int2 << 14;
