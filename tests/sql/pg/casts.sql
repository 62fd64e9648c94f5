-- Casts (CAST, ::, typed literals), boolean input, text output of every
-- scalar type, pg_typeof names, three-valued logic.
SELECT true, false, true::text, 't'::bool, 'off'::bool, ' yes '::bool, 'TRUE'::bool, '1'::bool;
SELECT 'maybe'::bool;
SELECT 2::bool, 0::bool, (-1)::bool;
SELECT true::int, false::int;
SELECT 1.5::text, 1.50::text, 1.5::float8::text, 1::int8::text, '1'::int8, 'abc'::varchar::text;
SELECT CAST(1.5 AS int), CAST('42' AS bigint), CAST(42 AS text), CAST('2024-01-01' AS timestamp), CAST(1 AS numeric(5,2));
SELECT '10'::text::int + 1, '1.5'::text::numeric * 2, '1.5'::text::float8 * 2;
SELECT 1::int2::int4::int8::numeric::float4::float8::text;
SELECT 1.5::numeric::int2, 1.5::float4::int2, 65535::int4::int2;
SELECT 'abc'::bytea::text;
SELECT 1::bytea;
SELECT '2024-01-01'::date::int;
SELECT int4 '42', float8 '1.5', text 'x', date '2024-01-01', timestamp '2024-01-01 10:00', timestamptz '2024-01-01 10:00', interval '1 day', numeric '1.50', bool 'yes';
SELECT int '1' + int '2', varchar(3) 'abcd';
SELECT NULL::int, NULL::text IS NULL, CAST(NULL AS date), NULL::bool AND false, NULL::bool OR true, NOT (NULL::bool);
SELECT NULL = 1, NULL <> NULL, NULL > 1, 1 + NULL, 'a' || NULL, NULL::int IN (1, 2), 1 IN (NULL, 2), 1 NOT IN (NULL, 2), NULL IS DISTINCT FROM NULL;
SELECT (NULL::int IS NULL) IS TRUE, NULL::bool IS NOT TRUE, NULL::bool IS FALSE, NULL::bool IS NOT UNKNOWN;
SELECT CASE WHEN NULL THEN 'y' ELSE 'n' END, CASE NULL WHEN NULL THEN 'eq' ELSE 'ne' END;
