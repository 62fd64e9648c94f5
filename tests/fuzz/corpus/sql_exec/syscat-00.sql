CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL DEFAULT 'x', v numeric(10,2), c varchar(20), ts timestamptz, b boolean);
CREATE INDEX t_name ON t (name);
CREATE SEQUENCE s1;
CREATE TABLE t2 (id serial PRIMARY KEY, a int CHECK (a > 0), b bigint);
SELECT format_type(1043, 24), format_type(1700, 655366), format_type(1114, 3), format_type(1184, -1);
SELECT format_type(23, NULL), format_type(0, NULL), format_type(999999, NULL), format_type(1042, 5), format_type(1042, -1), format_type(16, NULL), format_type(3802, -1), format_type(701, -1), format_type(700, -1), format_type(17, -1), format_type(1082, -1), format_type(25, NULL), format_type(20, NULL), format_type(21, NULL);
SELECT pg_size_pretty(0::bigint), pg_size_pretty(10239::bigint), pg_size_pretty(10240::bigint), pg_size_pretty(123456789::bigint), pg_size_pretty(-5000000000::bigint), pg_size_pretty(20971519::bigint);
SELECT 'abc' ~ 'b' AS a, 'abc' !~ 'b' AS b, 'ABC' ~* 'b' AS c, 'ABC' !~* 'x' AS d, 't1' OPERATOR(pg_catalog.~) '^(t.*)$' COLLATE pg_catalog.default AS e;
SELECT quote_ident('a b'), quote_ident('ab'), quote_ident('Ab'), current_schemas(true), current_schemas(false);
SELECT 't'::regclass::text, 'public.t'::regclass::text, 'pg_class'::regclass::text;
SELECT array_to_string('{a,NULL,"b c"}'::text[], '-'), array_upper('{1,2,3}'::int[], 1), 2 = ANY ('{1,2}'::int[]);
SELECT n.nspname, c.relname, c.relkind, c.relnatts, c.relhasindex, c.relchecks, c.relpersistence
FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' ORDER BY 2;
SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atthasdef, a.attnum
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = 'public.t'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum;
SELECT c2.relname, i.indisprimary, i.indisunique, i.indkey, pg_catalog.pg_get_indexdef(i.indexrelid), pg_catalog.pg_get_indexdef(i.indexrelid, 0, true), pg_catalog.pg_get_indexdef(i.indexrelid, 1, true)
FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c2 ON c2.oid = i.indexrelid
WHERE i.indrelid = 't'::regclass ORDER BY 1;
SELECT conname, contype, pg_catalog.pg_get_constraintdef(oid), pg_catalog.pg_get_constraintdef(oid, true)
FROM pg_catalog.pg_constraint WHERE conrelid = 't2'::regclass ORDER BY 1;
SELECT a.attname, pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
FROM pg_catalog.pg_attrdef d JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
WHERE d.adrelid IN ('t'::regclass, 't2'::regclass) ORDER BY 1;
SELECT pg_catalog.format_type(seqtypid, NULL), seqstart, seqmin, seqmax, seqincrement, seqcycle
FROM pg_catalog.pg_sequence WHERE seqrelid = 's1'::regclass;
