-- Stage 1: CREATE TABLE with every type, keys, defaults, constraints.
CREATE TABLE all_types (
  id integer PRIMARY KEY,
  b boolean,
  i2 smallint,
  i4 int,
  i8 bigint,
  f4 real,
  f8 double precision,
  n numeric,
  n52 numeric(5,2),
  t text,
  vc varchar(5),
  c char(3),
  by bytea,
  d date,
  ts timestamp,
  tstz timestamptz,
  j json,
  jb jsonb
);
INSERT INTO all_types VALUES (1, true, 32767, -2147483648, 9223372036854775807,
  1.5, 2.25, 123456789.123456789, 123.456, 'hello', 'abc', 'x', '\xdeadbeef',
  '2024-02-29', '2024-01-02 03:04:05.678', '2024-01-02 03:04:05+02',
  '{"a": [1, 2]}', '{"b": 1, "a": 2}');
INSERT INTO all_types (id) VALUES (2);
SELECT * FROM all_types ORDER BY id;
INSERT INTO all_types (id, vc) VALUES (3, 'toolong');
INSERT INTO all_types (id, n52) VALUES (4, 1234.5);
INSERT INTO all_types (id, i2) VALUES (5, 40000);
INSERT INTO all_types (id, d) VALUES (6, '2024-02-30');
INSERT INTO all_types (id, j) VALUES (7, '{bad');
CREATE TABLE all_types (x int);
CREATE TABLE IF NOT EXISTS all_types (x int);
CREATE TABLE dup_col (a int, a text);
CREATE TABLE two_pk (a int PRIMARY KEY, b int PRIMARY KEY);
CREATE TABLE bad_type (a nosuchtype);
CREATE TABLE comp (a int, b text, c int NOT NULL DEFAULT 7,
  PRIMARY KEY (a, b));
INSERT INTO comp (a, b) VALUES (1, 'x'), (1, 'y'), (2, 'x');
INSERT INTO comp VALUES (1, 'x', 0);
INSERT INTO comp (a) VALUES (3);
SELECT * FROM comp ORDER BY a, b;
CREATE TABLE ser (id serial PRIMARY KEY, big bigserial, name text UNIQUE,
  qty int CHECK (qty > 0), price numeric DEFAULT 1.50);
INSERT INTO ser (name, qty) VALUES ('a', 1), ('b', 2);
INSERT INTO ser (name, qty) VALUES ('c', 0);
INSERT INTO ser (name, qty) VALUES ('a', 5);
INSERT INTO ser (name, qty) VALUES (NULL, 3), (NULL, 4);
SELECT * FROM ser ORDER BY id;
CREATE TABLE chk (a int, b int, CHECK (a < b), CONSTRAINT named CHECK (a > 0));
INSERT INTO chk VALUES (1, 2);
INSERT INTO chk VALUES (3, 2);
INSERT INTO chk VALUES (-1, 2);
INSERT INTO chk VALUES (NULL, 2);
SELECT * FROM chk;
CREATE TABLE nopk (a int, b text);
INSERT INTO nopk VALUES (1, 'x'), (1, 'x'), (NULL, NULL);
SELECT count(*) FROM nopk;
DROP TABLE nopk;
DROP TABLE nopk;
DROP TABLE IF EXISTS nopk;
DROP TABLE IF EXISTS comp, chk;
SELECT * FROM comp;
CREATE TABLE public.qualified (a int);
INSERT INTO public.qualified VALUES (1);
SELECT * FROM public.qualified;
SELECT * FROM nosuchschema.qualified;
