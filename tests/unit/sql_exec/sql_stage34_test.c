/* Stages 3 and 4 through the embedded API: savepoints and the commit
 * batch, settings, vectors with bound parameters, sequences. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql_exec_tests.h"

struct batches {
	int n;
	size_t table_muts[8];
};

static int count_batch(void *arg, const alopex_batch *b)
{
	struct batches *c = arg;
	size_t t = 0;
	for (size_t i = 0; i < b->count; i++)
		if (b->mutations[i].klen > 0 && b->mutations[i].key[0] == 0x10)
			t++;
	if (c->n < 8)
		c->table_muts[c->n] = t;
	c->n++;
	return 0;
}

/* ROLLBACK TO undoes the engine writes and trims the commit batch. */
static void test_savepoint_batch(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE TABLE sb (id int PRIMARY KEY, v text)");
	t_exec(db, "CREATE INDEX sb_v ON sb (v)");
	t_exec(db, "INSERT INTO sb VALUES (1, 'one')");
	struct batches b = {0};
	alopex_subscription *sub = NULL;
	CU_ASSERT_EQUAL_FATAL(alopex_subscribe(db, count_batch, &b, &sub), 0);
	t_exec(db, "BEGIN");
	t_exec(db, "INSERT INTO sb VALUES (2, 'two')");
	t_exec(db, "SAVEPOINT s");
	t_exec(db, "INSERT INTO sb VALUES (3, 'three')");
	t_exec(db, "UPDATE sb SET v = 'uno' WHERE id = 1");
	t_exec(db, "DELETE FROM sb WHERE id = 2");
	t_fail(db, "INSERT INTO sb VALUES (1, 'dup')", "23505");
	t_fail(db, "SELECT 1", "25P02");
	t_exec(db, "ROLLBACK TO SAVEPOINT s");
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT * FROM sb ORDER BY id"),
			       "1|one\n2|two");
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT id FROM sb WHERE v = "
					   "'one'"),
			       "1");
	t_exec(db, "COMMIT");
	alopex_unsubscribe(db, sub);
	/* one batch: row 2 and its index entry, nothing from after s */
	CU_ASSERT_EQUAL(b.n, 1);
	CU_ASSERT_EQUAL(b.table_muts[0], 2);
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT count(*) FROM sb WHERE v "
					   "= 'uno'"),
			       "0");
	t_fail(db, "RELEASE SAVEPOINT nope", "25P01");
	t_exec(db, "BEGIN");
	t_fail(db, "ROLLBACK TO nope", "3B001");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
			       "savepoint \"nope\" does not exist");
	t_exec(db, "ROLLBACK");
	t_close(db, dir);
}

static void test_settings(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	CU_ASSERT_STRING_EQUAL(t_query(db, "SHOW TimeZone"), "UTC");
	t_exec(db, "SET TimeZone = 'Europe/Paris'");
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT '2024-07-01 "
					   "12:00:00+00'::timestamptz"),
			       "2024-07-01 14:00:00+02");
	t_exec(db, "SET extra_float_digits = 0");
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT 0.1::float8 + 0.2"), "0.3");
	t_exec(db, "RESET extra_float_digits");
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT 0.1::float8 + 0.2"),
			       "0.30000000000000004");
	t_fail(db, "SET nosuch = 1", "42704");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
			       "unrecognized configuration parameter "
			       "\"nosuch\"");
	t_exec(db, "SET alopex.read_from = 'replica'");
	CU_ASSERT_STRING_EQUAL(t_query(db, "SHOW alopex.read_from"), "replica");
	t_exec(db, "SET statement_timeout = '1ms'");
	t_fail(db, "SELECT count(*) FROM generate_series(1, 50000000) a",
	       "57014");
	t_exec(db, "SET statement_timeout = 0");
	t_fail(db, "SET client_encoding = 'LATIN1'", "0A000");
	t_close(db, dir);
}

static void test_vectors(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE TABLE emb (id int PRIMARY KEY, cat int, v "
		   "vector(2))");
	alopex_stmt *ins = NULL, *knn = NULL;
	CU_ASSERT_EQUAL_FATAL(
		alopex_prepare(db, "INSERT INTO emb VALUES ($1, $2, $3)", &ins),
		0);
	for (int i = 0; i < 100; i++) {
		float v[2] = {(float)(i % 10), (float)(i / 10)};
		alopex_reset(ins);
		alopex_bind_int64(ins, 1, i);
		alopex_bind_int64(ins, 2, i % 3);
		alopex_bind_vector(ins, 3, v, 2);
		CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
	}
	alopex_finalize(ins);
	CU_ASSERT_EQUAL_FATAL(
		alopex_prepare(db,
			       "SELECT id, v <-> $1 FROM emb WHERE cat = $2 "
			       "ORDER BY v <-> $1, id LIMIT 3",
			       &knn),
		0);
	float q[2] = {4.2f, 4.9f};
	alopex_bind_vector(knn, 1, q, 2);
	alopex_bind_int64(knn, 2, 1);
	/* the exact answer, by brute force below */
	int got[3], n = 0;
	while (n < 3 && alopex_step(knn) == ALOPEX_ROW)
		got[n++] = (int)alopex_column_int64(knn, 0);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(alopex_step(knn), ALOPEX_DONE);
	alopex_finalize(knn);
	/* brute force in C */
	int best[3] = {-1, -1, -1};
	double bd[3] = {1e9, 1e9, 1e9};
	for (int i = 0; i < 100; i++) {
		if (i % 3 != 1)
			continue;
		double dx = (double)(float)(i % 10) - (double)q[0];
		double dy = (double)(float)(i / 10) - (double)q[1];
		double d = dx * dx + dy * dy;
		for (int k = 0; k < 3; k++) {
			if (d < bd[k]) {
				for (int m = 2; m > k; m--) {
					bd[m] = bd[m - 1];
					best[m] = best[m - 1];
				}
				bd[k] = d;
				best[k] = i;
				break;
			}
		}
	}
	for (int k = 0; k < 3 && k < n; k++)
		CU_ASSERT_EQUAL(got[k], best[k]);
	CU_ASSERT_STRING_EQUAL(
		t_query(db, "SELECT vector_dims(v), vector_norm(v) FROM emb "
			    "WHERE id = 34"),
		"2|5");
	t_fail(db, "SELECT v <-> '[1,2,3]' FROM emb", "22000");
	t_close(db, dir);
}

static void test_sequences(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE SEQUENCE sq START 10 INCREMENT 5");
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT nextval('sq'), "
					   "nextval('sq')"),
			       "10|15");
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT currval('sq')"), "15");
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT setval('sq', 100)"), "100");
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT nextval('sq')"), "105");
	CU_ASSERT_EQUAL(alopex_close(db), 0);
	db = t_reopen(dir);
	/* a new process continues after every value handed out */
	const char *r = t_query(db, "SELECT nextval('sq') > 105");
	CU_ASSERT_STRING_EQUAL(r, "t");
	t_fail(db, "SELECT currval('nosuch')", "42P01");
	t_exec(db, "CREATE SEQUENCE small AS smallint MAXVALUE 2");
	t_exec(db, "SELECT nextval('small'); SELECT nextval('small')");
	t_fail(db, "SELECT nextval('small')", "2200H");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
			       "nextval: reached maximum value of sequence "
			       "\"small\" (2)");
	t_close(db, dir);
}

static const struct alx_test_case cases[] = {
	{"savepoint_batch", test_savepoint_batch},
	{"settings", test_settings},
	{"vectors", test_vectors},
	{"sequences", test_sequences},
	{NULL, NULL},
};

const struct alx_test_suite sql_suite_stage34 = {"sql/stage34", NULL, NULL,
						 cases};
