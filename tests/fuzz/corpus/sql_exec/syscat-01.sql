SELECT column_name, ordinal_position, column_default, is_nullable, data_type, character_maximum_length, character_octet_length, numeric_precision, numeric_precision_radix, numeric_scale, datetime_precision, udt_schema, udt_name, dtd_identifier, is_updatable
FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position;
SELECT table_schema, table_name, table_type, is_insertable_into, is_typed
FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name;
SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname !~ '^pg_toast' AND nspname !~ '^pg_temp' ORDER BY 1;
SELECT amname, amtype FROM pg_catalog.pg_am WHERE amname IN ('heap', 'btree') ORDER BY 1;
SELECT typname, typlen, typcategory FROM pg_catalog.pg_type WHERE oid IN (16, 20, 23, 25, 1043, 1700, 1184) ORDER BY oid;
