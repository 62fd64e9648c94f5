/*
 * Stage 1: tables, INSERT/SELECT/UPDATE/DELETE, parameters, column
 * accessors, transactions, errors, and the key layout. Expected texts
 * and messages were checked against PostgreSQL 15.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_value.h"
#include "sql_exec_tests.h"

static void test_types_roundtrip(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE TABLE all_types (id integer PRIMARY KEY, b "
		   "boolean, i2 smallint, i4 int, i8 bigint, f4 real, f8 "
		   "double precision, n numeric, n52 numeric(5,2), t text, vc "
		   "varchar(5), c char(3), by bytea, d date, ts timestamp, "
		   "tstz timestamptz, j json, jb jsonb, v vector(3))");
	t_exec(db, "INSERT INTO all_types VALUES (1, true, 32767, "
		   "-2147483648, 9223372036854775807, 1.5, 2.25, "
		   "123456789.123456789, 123.456, 'hello', 'abc', 'x', "
		   "'\\xdeadbeef', '2024-02-29', '2024-01-02 03:04:05.678', "
		   "'2024-01-02 03:04:05+02', '{\"a\": [1, 2]}', "
		   "'{\"b\": 1, \"a\": 2}', '[1,2.5,-3]')");
	t_exec(db, "INSERT INTO all_types (id) VALUES (2)");
	const char *r = t_query(db, "SELECT * FROM all_types ORDER BY id");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* PostgreSQL 15 prints row 1 exactly so (vector as pgvector). */
	CU_ASSERT_STRING_EQUAL(
		r, "1|t|32767|-2147483648|9223372036854775807|1.5|2.25|"
		   "123456789.123456789|123.46|hello|abc|x  |\\xdeadbeef|"
		   "2024-02-29|2024-01-02 03:04:05.678|2024-01-02 "
		   "01:04:05+00|{\"a\": [1, 2]}|{\"a\": 2, \"b\": 1}|"
		   "[1,2.5,-3]\n2|<null>|<null>|<null>|<null>|<null>|<null>|"
		   "<null>|<null>|<null>|<null>|<null>|<null>|<null>|<null>|"
		   "<null>|<null>|<null>|<null>");
	r = t_query(db, "SELECT 1e-7::float8, 123456789012345678::float8, "
			"'-0'::float8, 'nan'::float8, 'infinity'::float8, "
			"2.5::numeric(10,3), 1::numeric/3, false, "
			"'\\x00ff'::bytea, ''::bytea");
	CU_ASSERT_STRING_EQUAL(r, "1e-07|1.2345678901234568e+17|-0|NaN|"
				  "Infinity|2.500|0.33333333333333333333|f|"
				  "\\x00ff|\\x");
	r = t_query(db, "SELECT '2024-01-02 03:04:05.5+05:30'::timestamptz, "
			"'2024-01-02'::timestamp, 'epoch'::date");
	CU_ASSERT_STRING_EQUAL(r, "2024-01-01 21:34:05.5+00|2024-01-02 "
				  "00:00:00|1970-01-01");
	t_close(db, dir);
}

static void test_params_and_columns(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE TABLE p (id int PRIMARY KEY, name text, score "
		   "float8, data bytea, emb vector(3), n numeric)");
	alopex_stmt *ins = NULL;
	CU_ASSERT_EQUAL_FATAL(
		alopex_prepare(db,
			       "INSERT INTO p VALUES ($1, $2, $3, $4, $5, $6)",
			       &ins),
		0);
	CU_ASSERT_EQUAL(alopex_column_count(ins), 0);
	float v[3] = {1.0f, 0.5f, -2.0f};
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, 7), 0);
	CU_ASSERT_EQUAL(alopex_bind_text(ins, 2, "seven-and-more", 5), 0);
	CU_ASSERT_EQUAL(alopex_bind_double(ins, 3, 0.25), 0);
	CU_ASSERT_EQUAL(alopex_bind_blob(ins, 4, "\x00\x01\xff", 3), 0);
	CU_ASSERT_EQUAL(alopex_bind_vector(ins, 5, v, 3), 0);
	CU_ASSERT_EQUAL(alopex_bind_text(ins, 6, "12.50", -1), 0);
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 7, 1), ALOPEX_ERANGE);
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 0, 1), ALOPEX_ERANGE);
	CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
	/* Again with other values; unbound parameters are NULL. */
	CU_ASSERT_EQUAL(alopex_reset(ins), 0);
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, 8), 0);
	CU_ASSERT_EQUAL(alopex_bind_null(ins, 2), 0);
	CU_ASSERT_EQUAL(alopex_bind_null(ins, 3), 0);
	CU_ASSERT_EQUAL(alopex_bind_null(ins, 4), 0);
	CU_ASSERT_EQUAL(alopex_bind_null(ins, 5), 0);
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 6, 3), 0);
	CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
	/* A vector of the wrong size is the column's error. */
	CU_ASSERT_EQUAL(alopex_reset(ins), 0);
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, 9), 0);
	CU_ASSERT_EQUAL(alopex_bind_vector(ins, 5, v, 2), 0);
	CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "22000");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
			       "expected 3 dimensions, not 2");
	float bad[1] = {NAN};
	CU_ASSERT_EQUAL(alopex_reset(ins), 0);
	CU_ASSERT_EQUAL(alopex_bind_vector(ins, 5, bad, 1), ALOPEX_ESQL);
	/* text into an int parameter goes through the input function */
	CU_ASSERT_EQUAL(alopex_bind_text(ins, 1, "x1", -1), 0);
	CU_ASSERT_EQUAL(alopex_bind_null(ins, 5), 0);
	CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "22P02");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
			       "invalid input syntax for type integer: \"x1\"");
	alopex_finalize(ins);

	alopex_stmt *st = NULL;
	CU_ASSERT_EQUAL_FATAL(
		alopex_prepare(db,
			       "SELECT id, name, score, data, emb, n, id > $1 "
			       "AS big FROM p WHERE id >= $1 ORDER BY id",
			       &st),
		0);
	CU_ASSERT_EQUAL(alopex_column_count(st), 7);
	CU_ASSERT_STRING_EQUAL(alopex_column_name(st, 0), "id");
	CU_ASSERT_STRING_EQUAL(alopex_column_name(st, 6), "big");
	CU_ASSERT_PTR_NULL(alopex_column_name(st, 7));
	CU_ASSERT_EQUAL(alopex_bind_int64(st, 1, 7), 0);
	CU_ASSERT_EQUAL_FATAL(alopex_step(st), ALOPEX_ROW);
	CU_ASSERT_EQUAL(alopex_column_type(st, 0), ALOPEX_TYPE_INT64);
	CU_ASSERT_EQUAL(alopex_column_int64(st, 0), 7);
	CU_ASSERT_EQUAL(alopex_column_type(st, 1), ALOPEX_TYPE_TEXT);
	CU_ASSERT_STRING_EQUAL(alopex_column_text(st, 1), "seven");
	CU_ASSERT_EQUAL(alopex_column_type(st, 2), ALOPEX_TYPE_DOUBLE);
	CU_ASSERT_DOUBLE_EQUAL(alopex_column_double(st, 2), 0.25, 1e-12);
	CU_ASSERT_STRING_EQUAL(alopex_column_text(st, 2), "0.25");
	size_t len = 0;
	const void *b = alopex_column_blob(st, 3, &len);
	CU_ASSERT_EQUAL(alopex_column_type(st, 3), ALOPEX_TYPE_BLOB);
	CU_ASSERT_EQUAL(len, 3);
	CU_ASSERT(b != NULL && memcmp(b, "\x00\x01\xff", 3) == 0);
	CU_ASSERT_STRING_EQUAL(alopex_column_text(st, 3), "\\x0001ff");
	CU_ASSERT_EQUAL(alopex_column_type(st, 4), ALOPEX_TYPE_VECTOR);
	const float *f = alopex_column_blob(st, 4, &len);
	CU_ASSERT_EQUAL(len, 3 * sizeof(float));
	CU_ASSERT(f != NULL && f[1] == 0.5f && f[2] == -2.0f);
	CU_ASSERT_STRING_EQUAL(alopex_column_text(st, 4), "[1,0.5,-2]");
	CU_ASSERT_EQUAL(alopex_column_type(st, 5), ALOPEX_TYPE_NUMERIC);
	CU_ASSERT_STRING_EQUAL(alopex_column_text(st, 5), "12.50");
	CU_ASSERT_DOUBLE_EQUAL(alopex_column_double(st, 5), 12.5, 1e-12);
	CU_ASSERT_EQUAL(alopex_column_int64(st, 5), 13); /* rounded */
	CU_ASSERT_EQUAL(alopex_column_type(st, 6), ALOPEX_TYPE_BOOL);
	CU_ASSERT_STRING_EQUAL(alopex_column_text(st, 6), "f");
	CU_ASSERT_EQUAL_FATAL(alopex_step(st), ALOPEX_ROW);
	CU_ASSERT_EQUAL(alopex_column_int64(st, 0), 8);
	CU_ASSERT_EQUAL(alopex_column_type(st, 1), ALOPEX_TYPE_NULL);
	CU_ASSERT_PTR_NULL(alopex_column_text(st, 1));
	CU_ASSERT_PTR_NULL(alopex_column_blob(st, 4, &len));
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_STRING_EQUAL(alopex_column_text(st, 6), "t");
	/* binding while a statement runs is misuse */
	CU_ASSERT_EQUAL(alopex_bind_int64(st, 1, 0), ALOPEX_EMISUSE);
	CU_ASSERT_EQUAL(alopex_step(st), ALOPEX_DONE);
	/* a finished statement runs again with new values */
	CU_ASSERT_EQUAL(alopex_bind_int64(st, 1, 8), 0);
	CU_ASSERT_EQUAL(alopex_step(st), ALOPEX_ROW);
	CU_ASSERT_EQUAL(alopex_column_int64(st, 0), 8);
	CU_ASSERT_EQUAL(alopex_step(st), ALOPEX_DONE);
	alopex_finalize(st);

	/* $n types come from context: untyped ones become text */
	CU_ASSERT_EQUAL_FATAL(alopex_prepare(db, "SELECT $1, $2 + 1", &st), 0);
	CU_ASSERT_EQUAL(alopex_bind_int64(st, 1, 5), 0);
	CU_ASSERT_EQUAL(alopex_bind_text(st, 2, "41", -1), 0);
	CU_ASSERT_EQUAL_FATAL(alopex_step(st), ALOPEX_ROW);
	CU_ASSERT_EQUAL(alopex_column_type(st, 0), ALOPEX_TYPE_TEXT);
	CU_ASSERT_STRING_EQUAL(alopex_column_text(st, 0), "5");
	CU_ASSERT_EQUAL(alopex_column_int64(st, 1), 42);
	alopex_finalize(st);
	t_close(db, dir);
}

static void test_dml(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE TABLE t (id serial PRIMARY KEY, name text NOT "
		   "NULL, qty int DEFAULT 1 CHECK (qty >= 0), made timestamptz "
		   "DEFAULT now())");
	const char *r = t_query(db, "INSERT INTO t (name) VALUES ('a'), "
				    "('b') RETURNING id, name, qty");
	CU_ASSERT_STRING_EQUAL(r, "1|a|1\n2|b|1");
	r = t_query(db, "INSERT INTO t (name, qty) VALUES ('c', DEFAULT) "
			"RETURNING id, made <= now(), made > "
			"'2020-01-01'::timestamptz");
	CU_ASSERT_STRING_EQUAL(r, "3|t|t");
	r = t_query(db, "UPDATE t SET qty = qty + 10 WHERE id <> 2 "
			"RETURNING id, qty");
	CU_ASSERT_STRING_EQUAL(r, "1|11\n3|11");
	r = t_query(db, "DELETE FROM t WHERE qty > 10 RETURNING name");
	CU_ASSERT_STRING_EQUAL(r, "a\nc");
	r = t_query(db, "SELECT id, name, qty FROM t");
	CU_ASSERT_STRING_EQUAL(r, "2|b|1");
	t_fail(db, "INSERT INTO t (name, qty) VALUES ('x', -1)", "23514");
	CU_ASSERT_PTR_NOT_NULL(strstr(alopex_errmsg(db),
				      "new row for relation \"t\" violates "
				      "check constraint \"t_qty_check\"\n"));
	/* the row's last column is the clock: only its start is fixed */
	CU_ASSERT_PTR_NOT_NULL(
		strstr(alopex_errmsg(db), "Failing row contains (4, x, -1, "));
	t_fail(db, "INSERT INTO t (name) VALUES (NULL)", "23502");
	CU_ASSERT_PTR_NOT_NULL(strstr(alopex_errmsg(db),
				      "null value in column \"name\" of "
				      "relation \"t\" violates not-null "
				      "constraint"));
	t_fail(db, "INSERT INTO t (id, name) VALUES (2, 'dup')", "23505");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
			       "duplicate key value violates unique constraint "
			       "\"t_pkey\"\nKey (id)=(2) already exists.");
	/* sequence values are not rolled back (PostgreSQL 15 gives 7) */
	t_exec(db, "BEGIN");
	t_exec(db, "INSERT INTO t (name) VALUES ('rolled')");
	t_exec(db, "ROLLBACK");
	r = t_query(db, "INSERT INTO t (name) VALUES ('z') RETURNING id");
	CU_ASSERT_STRING_EQUAL(r, "7");
	t_close(db, dir);
}

static void test_errors(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE TABLE q (a int, b text); CREATE TABLE q2 (a int)");
	t_fail(db, "SELECT * FROM nope", "42P01");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
			       "relation \"nope\" does not exist");
	t_fail(db, "SELECT zz FROM q", "42703");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
			       "column \"zz\" does not exist");
	t_fail(db, "SELECT a FROM q, q2", "42702");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
			       "column reference \"a\" is ambiguous");
	t_fail(db, "INSERT INTO q VALUES ('x'::text, 'a')", "42804");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
			       "column \"a\" is of type integer but "
			       "expression is of type text");
	t_fail(db, "SELECT a FROM q WHERE a = b", "42883");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
			       "operator does not exist: integer = text");
	t_fail(db, "SELECT * FROM q WHERE a = 'zz'", "22P02");
	t_fail(db, "SELEC 1", "42601");
	CU_ASSERT_EQUAL(alopex_exec(db, "SELECT 1; SELECT * FROM nope"),
			ALOPEX_ESQL);
	alopex_stmt *st = NULL;
	CU_ASSERT_EQUAL(alopex_prepare(db, "SELECT 1; SELECT 2", &st),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "42601");
	CU_ASSERT_PTR_NULL(st);
	t_close(db, dir);
}

static void test_transactions(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE TABLE acct (id int PRIMARY KEY, bal int)");
	t_exec(db, "INSERT INTO acct VALUES (1, 100)");
	t_exec(db, "BEGIN; UPDATE acct SET bal = 0; ROLLBACK");
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT bal FROM acct"), "100");
	t_exec(db, "BEGIN");
	t_exec(db, "UPDATE acct SET bal = 1");
	t_fail(db, "SELECT 1/0", "22012");
	t_fail(db, "SELECT 1", "25P02");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
			       "current transaction is aborted, commands "
			       "ignored until end of transaction block");
	/* COMMIT of a failed block rolls back */
	t_exec(db, "COMMIT");
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT bal FROM acct"), "100");
	/* a rolled-back CREATE TABLE leaves nothing, not even a log entry */
	uint64_t pos = alopex_log_position(db);
	t_exec(db, "BEGIN; CREATE TABLE gone (a int PRIMARY KEY); INSERT "
		   "INTO gone VALUES (1); ROLLBACK");
	CU_ASSERT_EQUAL(alopex_log_position(db), pos);
	t_fail(db, "SELECT * FROM gone", "42P01");
	/* an open transaction is rolled back by close; the data stays */
	t_exec(db, "BEGIN; UPDATE acct SET bal = 5");
	int rc = alopex_close(db);
	CU_ASSERT_EQUAL(rc, 0);
	db = t_reopen(dir);
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT bal FROM acct"), "100");
	t_close(db, dir);
}

/* Rows and index entries have the documented key layout. */
struct captured {
	int n;
	uint8_t key[8][64];
	size_t klen[8];
	uint8_t val[8][64];
	size_t vlen[8];
};

static int capture(void *arg, const alopex_batch *b)
{
	struct captured *c = arg;
	for (size_t i = 0; i < b->count && c->n < 8; i++) {
		const alopex_mutation *m = &b->mutations[i];
		if (m->klen == 0 || m->key[0] != 0x10 || m->klen > 64)
			continue;
		memcpy(c->key[c->n], m->key, m->klen);
		c->klen[c->n] = m->klen;
		c->vlen[c->n] = m->val ? m->vlen : 0;
		if (m->val && m->vlen <= 64)
			memcpy(c->val[c->n], m->val, m->vlen);
		c->n++;
	}
	return 0;
}

static void test_key_layout(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE TABLE kl (a int, b text, c float8, PRIMARY KEY (a, "
		   "b))");
	t_exec(db, "CREATE INDEX kl_c_idx ON kl (c)");
	t_exec(db, "CREATE UNIQUE INDEX kl_c_uq ON kl (c)");
	struct captured cap = {0};
	alopex_subscription *sub = NULL;
	CU_ASSERT_EQUAL_FATAL(alopex_subscribe(db, capture, &cap, &sub), 0);
	t_exec(db, "INSERT INTO kl VALUES (7, 'x', 2.5)");
	alopex_unsubscribe(db, sub);
	CU_ASSERT_EQUAL_FATAL(cap.n, 3);
	struct alx_runtime *rt = NULL;
	alopex_diag rd;
	CU_ASSERT_EQUAL_FATAL(alx_runtime_create(NULL, &rt, &rd), 0);
	struct alx_arena a;
	alx_arena_init(&a, rt, 0);
	struct alx_buf pk, ix, row;
	alx_buf_init(&pk, &a);
	alx_buf_init(&ix, &a);
	alx_buf_init(&row, &a);
	struct alx_value v[3] = {alx_value_int(ALX_T_INT4, 7),
				 alx_value_bytes(ALX_T_TEXT, "x", 1),
				 alx_value_float(ALX_T_FLOAT8, 2.5)};
	alopex_diag d;
	/* row: 0x10, table id, index 0, then the key columns */
	const uint8_t *k = cap.key[0];
	CU_ASSERT_EQUAL(k[0], 0x10);
	CU_ASSERT(memcmp(k + 5, "\0\0\0\0", 4) == 0);
	CU_ASSERT_EQUAL(alx_key_encode(&pk, &v[0], 0, &d), 0);
	CU_ASSERT_EQUAL(alx_key_encode(&pk, &v[1], 0, &d), 0);
	CU_ASSERT_EQUAL(cap.klen[0], 9 + pk.len);
	CU_ASSERT(memcmp(k + 9, pk.ptr, pk.len) == 0);
	CU_ASSERT_EQUAL(alx_row_encode(&row, v, 3, &d), 0);
	CU_ASSERT_EQUAL(cap.vlen[0], row.len);
	CU_ASSERT(memcmp(cap.val[0], row.ptr, row.len) == 0);
	/* index entry: same table id, index 1, c, then the row's key */
	const uint8_t *e = cap.key[1];
	CU_ASSERT(memcmp(e, k, 5) == 0);
	CU_ASSERT(memcmp(e + 5, "\0\0\0\1", 4) == 0);
	CU_ASSERT_EQUAL(alx_key_encode(&ix, &v[2], 0, &d), 0);
	CU_ASSERT_EQUAL(cap.klen[1], 9 + ix.len + pk.len);
	CU_ASSERT(memcmp(e + 9, ix.ptr, ix.len) == 0);
	CU_ASSERT(memcmp(e + 9 + ix.len, pk.ptr, pk.len) == 0);
	CU_ASSERT_EQUAL(cap.vlen[1], 0);
	/* a unique entry is the columns alone; the row's key suffix is its
	 * value (so equal values written concurrently conflict) */
	const uint8_t *u = cap.key[2];
	CU_ASSERT(memcmp(u + 5, "\0\0\0\2", 4) == 0);
	CU_ASSERT_EQUAL(cap.klen[2], 9 + ix.len);
	CU_ASSERT(memcmp(u + 9, ix.ptr, ix.len) == 0);
	CU_ASSERT_EQUAL(cap.vlen[2], pk.len);
	CU_ASSERT(memcmp(cap.val[2], pk.ptr, pk.len) == 0);
	alx_arena_fini(&a);
	alx_runtime_destroy(rt);
	t_close(db, dir);
}

/* Statements planned before DDL are planned again. */
static void test_replan(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE TABLE r (a int, b text)");
	t_exec(db, "INSERT INTO r VALUES (1, 'x')");
	alopex_stmt *ins = NULL, *sel = NULL, *all = NULL;
	CU_ASSERT_EQUAL_FATAL(
		alopex_prepare(db, "INSERT INTO r (a, b) VALUES ($1, 'y')",
			       &ins),
		0);
	CU_ASSERT_EQUAL_FATAL(
		alopex_prepare(db, "SELECT b FROM r WHERE a = 2", &sel), 0);
	CU_ASSERT_EQUAL_FATAL(alopex_prepare(db, "SELECT * FROM r", &all), 0);
	t_exec(db, "CREATE UNIQUE INDEX r_a ON r (a)");
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, 2), 0);
	CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
	CU_ASSERT_EQUAL(alopex_reset(ins), 0);
	/* the new unique index applies to the old statement */
	CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "23505");
	CU_ASSERT_EQUAL(alopex_step(sel), ALOPEX_ROW);
	CU_ASSERT_STRING_EQUAL(alopex_column_text(sel, 0), "y");
	t_exec(db, "ALTER TABLE r ADD COLUMN c int");
	CU_ASSERT_EQUAL(alopex_step(all), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "0A000");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
			       "cached plan must not change result type");
	alopex_finalize(ins);
	alopex_finalize(sel);
	alopex_finalize(all);
	/* close refuses while statements are open */
	CU_ASSERT_EQUAL_FATAL(alopex_prepare(db, "SELECT 1", &sel), 0);
	CU_ASSERT_EQUAL(alopex_close(db), ALOPEX_EBUSY);
	alopex_finalize(sel);
	t_close(db, dir);
}

/* A SELECT streams on its own snapshot while other statements commit. */
static void test_interleave(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE TABLE il (a int PRIMARY KEY)");
	t_exec(db, "INSERT INTO il SELECT g FROM generate_series(1, 5) g");
	alopex_stmt *st = NULL;
	CU_ASSERT_EQUAL_FATAL(
		alopex_prepare(db, "SELECT a FROM il ORDER BY a", &st), 0);
	CU_ASSERT_EQUAL(alopex_step(st), ALOPEX_ROW);
	CU_ASSERT_EQUAL(alopex_column_int64(st, 0), 1);
	t_exec(db, "INSERT INTO il VALUES (6)");
	t_exec(db, "DELETE FROM il WHERE a = 2");
	int n = 1;
	while (alopex_step(st) == ALOPEX_ROW && n < 100)
		n++;
	CU_ASSERT_EQUAL(n, 5); /* the snapshot of the first step */
	alopex_finalize(st);
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT count(*) FROM il"), "5");
	t_close(db, dir);
}

/* The catalog and sequences survive a reopen. */
static void test_persistence(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE SCHEMA s2");
	t_exec(db, "CREATE TABLE s2.t (id bigserial PRIMARY KEY, v text "
		   "DEFAULT 'dv', CHECK (v <> 'bad'))");
	t_exec(db, "CREATE INDEX t_v ON s2.t (v)");
	t_exec(db, "INSERT INTO s2.t (v) VALUES ('a'), (DEFAULT)");
	CU_ASSERT_EQUAL(alopex_close(db), 0);
	db = t_reopen(dir);
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT * FROM s2.t ORDER BY id"),
			       "1|a\n2|dv");
	t_fail(db, "INSERT INTO s2.t (v) VALUES ('bad')", "23514");
	const char *r = t_query(db, "INSERT INTO s2.t DEFAULT VALUES "
				    "RETURNING id > 2, v");
	CU_ASSERT_STRING_EQUAL(r, "t|dv");
	CU_ASSERT_STRING_EQUAL(
		t_query(db, "SELECT count(*) FROM s2.t WHERE v = 'dv'"), "2");
	t_close(db, dir);
}

static const struct alx_test_case cases[] = {
	{"types_roundtrip", test_types_roundtrip},
	{"params_and_columns", test_params_and_columns},
	{"dml", test_dml},
	{"errors", test_errors},
	{"transactions", test_transactions},
	{"key_layout", test_key_layout},
	{"replan", test_replan},
	{"interleave", test_interleave},
	{"persistence", test_persistence},
	{NULL, NULL},
};

const struct alx_test_suite sql_suite_stage1 = {"sql/stage1", NULL, NULL,
						cases};
