/* The embedded API: open/close, KV operations, the change stream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alopex.h"
#include "alx_test_db.h"
#include "db_tests.h"

static int put(alopex_db *db, const char *k, const char *v)
{
	alopex_kv_txn *t;
	int rc = alopex_kv_begin(db, 0, &t);
	if (rc != 0)
		return rc;
	rc = alopex_kv_put(t, k, strlen(k), v, strlen(v));
	if (rc != 0) {
		alopex_kv_rollback(t);
		return rc;
	}
	return alopex_kv_commit(t);
}

/* Value of k as a NUL-terminated copy in buf, or NULL when absent. */
static const char *get(alopex_db *db, const char *k, char *buf, size_t size)
{
	alopex_kv_txn *t;
	if (alopex_kv_begin(db, ALOPEX_KV_READONLY, &t) != 0)
		return NULL;
	const void *v;
	size_t vl;
	const char *out = NULL;
	if (alopex_kv_get(t, k, strlen(k), &v, &vl) == 0 && vl < size) {
		memcpy(buf, v, vl);
		buf[vl] = '\0';
		out = buf;
	}
	alopex_kv_rollback(t);
	return out;
}

static void run_basic(const char *config_path, const char *dir)
{
	alopex_db *db = NULL;
	alopex_diag d;
	int rc = alopex_open_ex(dir, config_path, NULL, &db, &d);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	if (rc != 0)
		fprintf(stderr, "open: %s\n", d.message);

	CU_ASSERT_EQUAL(put(db, "b", "2"), 0);
	CU_ASSERT_EQUAL(put(db, "a", "1"), 0);
	CU_ASSERT_EQUAL(put(db, "c", "3"), 0);
	char buf[64];
	CU_ASSERT_STRING_EQUAL(get(db, "a", buf, sizeof(buf)), "1");
	CU_ASSERT_PTR_NULL(get(db, "zz", buf, sizeof(buf)));

	/* Scans, both directions, with bounds. */
	alopex_kv_txn *t;
	CU_ASSERT_EQUAL_FATAL(alopex_kv_begin(db, ALOPEX_KV_READONLY, &t), 0);
	alopex_kv_cursor *c;
	CU_ASSERT_EQUAL_FATAL(alopex_kv_scan(t, NULL, 0, NULL, 0, 0, &c), 0);
	const void *k, *v;
	size_t kl, vl;
	char seen[8] = "";
	while (alopex_kv_cursor_next(c, &k, &kl, &v, &vl) == ALOPEX_ROW) {
		CU_ASSERT_EQUAL(kl, 1);
		strncat(seen, k, 1);
	}
	CU_ASSERT_STRING_EQUAL(seen, "abc");
	alopex_kv_cursor_close(c);
	CU_ASSERT_EQUAL_FATAL(
		alopex_kv_scan(t, "b", 1, NULL, 0, ALOPEX_SCAN_REVERSE, &c), 0);
	seen[0] = '\0';
	while (alopex_kv_cursor_next(c, &k, &kl, &v, &vl) == ALOPEX_ROW)
		strncat(seen, k, 1);
	CU_ASSERT_STRING_EQUAL(seen, "cb");
	alopex_kv_cursor_close(c);
	CU_ASSERT_EQUAL_FATAL(alopex_kv_scan(t, "a", 1, "c", 1, 0, &c), 0);
	seen[0] = '\0';
	while (alopex_kv_cursor_next(c, &k, &kl, &v, &vl) == ALOPEX_ROW)
		strncat(seen, k, 1);
	CU_ASSERT_STRING_EQUAL(seen, "ab");
	/* Left open on purpose: commit/rollback closes it. */
	CU_ASSERT_EQUAL(alopex_kv_put(t, "x", 1, "y", 1), ALOPEX_EREADONLY);
	CU_ASSERT_PTR_NOT_NULL(strstr(alopex_errmsg(db), "read-only"));
	alopex_kv_rollback(t);

	/* Delete, and delete of a missing key. */
	CU_ASSERT_EQUAL_FATAL(alopex_kv_begin(db, 0, &t), 0);
	CU_ASSERT_EQUAL(alopex_kv_delete(t, "b", 1), 0);
	CU_ASSERT_EQUAL(alopex_kv_delete(t, "nope", 4), ALOPEX_ENOTFOUND);
	CU_ASSERT_EQUAL(alopex_kv_commit(t), 0);
	CU_ASSERT_PTR_NULL(get(db, "b", buf, sizeof(buf)));

	/* Close refuses while a transaction is open. */
	CU_ASSERT_EQUAL_FATAL(alopex_kv_begin(db, 0, &t), 0);
	CU_ASSERT_EQUAL(alopex_close(db), ALOPEX_EBUSY);
	CU_ASSERT_PTR_NOT_NULL(strstr(alopex_errmsg(db), "still open"));
	alopex_kv_rollback(t);
	CU_ASSERT_EQUAL(alopex_close(db), 0);
}

static void test_basic_wiredtiger(void)
{
	char *dir = alx_test_tmpdir("db");
	run_basic(NULL, dir);
	/* Reopen: the data is still there; the marker names the engine. */
	alopex_db *db = NULL;
	CU_ASSERT_EQUAL_FATAL(alopex_open(dir, NULL, &db), 0);
	char buf[64];
	CU_ASSERT_STRING_EQUAL(get(db, "c", buf, sizeof(buf)), "3");
	CU_ASSERT_PTR_NULL(get(db, "b", buf, sizeof(buf)));
	alopex_close(db);
	char marker[512];
	snprintf(marker, sizeof(marker), "%s/ALOPEX", dir);
	FILE *f = fopen(marker, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	char text[256] = "";
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "engine: wiredtiger"));
	alx_test_rmdir(dir);
	free(dir);
}

static void test_basic_memory(void)
{
	char *cfgdir, *cfg;
	CU_ASSERT_FATAL(alx_test_memory_config("cfg", &cfgdir, &cfg) == 0);
	char *dir = alx_test_tmpdir("db");
	run_basic(cfg, dir);
	alx_test_rmdir(dir);
	free(dir);
	alx_test_memory_config_free(&cfgdir, &cfg);
}

struct collected {
	int batches;
	uint64_t positions[16];
	size_t counts[16];
	char first_key[16][32];
	int first_op[16];
};

static int collect(void *arg, const alopex_batch *b)
{
	struct collected *c = arg;
	if (c->batches < 16) {
		c->positions[c->batches] = b->position;
		c->counts[c->batches] = b->count;
		const alopex_mutation *m = &b->mutations[0];
		size_t n = m->klen < 31 ? m->klen : 31;
		memcpy(c->first_key[c->batches], m->key, n);
		c->first_key[c->batches][n] = '\0';
		c->first_op[c->batches] = m->op;
	}
	c->batches++;
	return 0;
}

static void test_change_stream(void)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "db", ALX_TEST_ENGINE_DEFAULT);
	alopex_db *db = f.db;
	uint64_t base = alopex_log_position(db);
	CU_ASSERT_EQUAL(base, 0);

	struct collected live = {0};
	alopex_subscription *sub;
	CU_ASSERT_EQUAL_FATAL(alopex_subscribe(db, collect, &live, &sub), 0);

	alopex_kv_txn *t;
	CU_ASSERT_EQUAL_FATAL(alopex_kv_begin(db, 0, &t), 0);
	CU_ASSERT_EQUAL(alopex_kv_put(t, "k1", 2, "v1", 2), 0);
	CU_ASSERT_EQUAL(alopex_kv_put(t, "k2", 2, "v2", 2), 0);
	CU_ASSERT_EQUAL(alopex_kv_delete(t, "k1", 2), 0);
	CU_ASSERT_EQUAL(alopex_kv_commit(t), 0);
	/* Read-only and empty transactions make no batch. */
	CU_ASSERT_EQUAL_FATAL(alopex_kv_begin(db, ALOPEX_KV_READONLY, &t), 0);
	CU_ASSERT_EQUAL(alopex_kv_commit(t), 0);
	CU_ASSERT_EQUAL_FATAL(alopex_kv_begin(db, 0, &t), 0);
	CU_ASSERT_EQUAL(alopex_kv_commit(t), 0);
	/* A rolled-back transaction makes none either. */
	CU_ASSERT_EQUAL_FATAL(alopex_kv_begin(db, 0, &t), 0);
	CU_ASSERT_EQUAL(alopex_kv_put(t, "gone", 4, "x", 1), 0);
	alopex_kv_rollback(t);
	CU_ASSERT_EQUAL(put(db, "k3", "v3"), 0);

	CU_ASSERT_EQUAL(live.batches, 2);
	CU_ASSERT_EQUAL(live.positions[0], 1);
	CU_ASSERT_EQUAL(live.positions[1], 2);
	CU_ASSERT_EQUAL(live.counts[0], 3);
	CU_ASSERT_EQUAL(live.counts[1], 1);
	/* Keys carry the KV space prefix byte. */
	CU_ASSERT_EQUAL(live.first_key[0][0], ALOPEX_SPACE_KV);
	CU_ASSERT_STRING_EQUAL(live.first_key[0] + 1, "k1");
	CU_ASSERT_EQUAL(live.first_op[0], ALOPEX_MUT_PUT);
	CU_ASSERT_EQUAL(alopex_log_position(db), 2);
	alopex_unsubscribe(db, sub);
	CU_ASSERT_EQUAL(put(db, "k4", "v4"), 0);
	CU_ASSERT_EQUAL(live.batches, 2);

	/* Replay from the log, also after a reopen. */
	CU_ASSERT_EQUAL(alopex_close(f.db), 0);
	alx_test_db_reopen(&f);
	db = f.db;
	CU_ASSERT_EQUAL(alopex_log_position(db), 3);
	struct collected replay = {0};
	CU_ASSERT_EQUAL(alopex_log_read(db, 0, collect, &replay), 0);
	CU_ASSERT_EQUAL(replay.batches, 3);
	CU_ASSERT_EQUAL(replay.positions[2], 3);
	CU_ASSERT_STRING_EQUAL(replay.first_key[2] + 1, "k4");
	struct collected tail = {0};
	CU_ASSERT_EQUAL(alopex_log_read(db, 2, collect, &tail), 0);
	CU_ASSERT_EQUAL(tail.batches, 1);
	CU_ASSERT_EQUAL(tail.positions[0], 3);
	alx_test_db_close(&f);
}

static void test_conflict(void)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "db", ALX_TEST_ENGINE_DEFAULT);
	alopex_db *db = f.db;
	CU_ASSERT_EQUAL(put(db, "counter", "0"), 0);
	alopex_kv_txn *a, *b;
	CU_ASSERT_EQUAL_FATAL(alopex_kv_begin(db, 0, &a), 0);
	CU_ASSERT_EQUAL_FATAL(alopex_kv_begin(db, 0, &b), 0);
	CU_ASSERT_EQUAL(alopex_kv_put(a, "counter", 7, "1", 1), 0);
	CU_ASSERT_EQUAL(alopex_kv_put(b, "counter", 7, "2", 1),
			ALOPEX_ECONFLICT);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "40001");
	/* The loser can only roll back; a commit reports the abort. */
	CU_ASSERT_EQUAL(alopex_kv_put(b, "other", 5, "x", 1), ALOPEX_EMISUSE);
	CU_ASSERT_EQUAL(alopex_kv_commit(b), ALOPEX_ECONFLICT);
	CU_ASSERT_EQUAL(alopex_kv_commit(a), 0);
	char buf[8];
	CU_ASSERT_STRING_EQUAL(get(db, "counter", buf, sizeof(buf)), "1");
	CU_ASSERT_PTR_NULL(get(db, "other", buf, sizeof(buf)));
	alx_test_db_close(&f);
}

static void test_limits_and_sql(void)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "db", ALX_TEST_ENGINE_DEFAULT);
	alopex_db *db = f.db;
	alopex_kv_txn *t;
	CU_ASSERT_EQUAL_FATAL(alopex_kv_begin(db, 0, &t), 0);
	char *big = calloc(1, ALOPEX_KV_MAX_KEY + 1);
	CU_ASSERT_EQUAL(alopex_kv_put(t, big, ALOPEX_KV_MAX_KEY + 1, "v", 1),
			ALOPEX_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(alopex_kv_errmsg(t), "limit"));
	/* Binary keys with NULs and an empty value round-trip. */
	CU_ASSERT_EQUAL(alopex_kv_put(t, "\0\xff\0", 3, "", 0), 0);
	const void *v;
	size_t vl = 99;
	CU_ASSERT_EQUAL(alopex_kv_get(t, "\0\xff\0", 3, &v, &vl), 0);
	CU_ASSERT_EQUAL(vl, 0);
	CU_ASSERT_EQUAL(alopex_kv_commit(t), 0);
	free(big);

	/* SQL errors come back with their SQLSTATE; nothing is prepared. */
	alopex_stmt *st = NULL;
	CU_ASSERT_EQUAL(alopex_prepare(db, "SELEC 1", &st), ALOPEX_ESQL);
	CU_ASSERT_PTR_NULL(st);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "42601");
	CU_ASSERT_PTR_NOT_NULL(strstr(alopex_errmsg(db), "syntax error"));
	CU_ASSERT_EQUAL(alopex_exec(db, "CREATE TABLE t (a nosuchtype)"),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "42704");
	CU_ASSERT_STRING_EQUAL(alopex_code_name(ALOPEX_ECONFLICT),
			       "ALOPEX_ECONFLICT");
	alx_test_db_close(&f);
}

/* Two databases in one process: no shared state between them. */
static void test_two_databases(void)
{
	struct alx_test_db fa, fb;
	alx_test_db_open(&fa, "db1", ALX_TEST_ENGINE_DEFAULT);
	alx_test_db_open(&fb, "db2", ALX_TEST_ENGINE_DEFAULT);
	alopex_db *a = fa.db, *b = fb.db;
	CU_ASSERT_EQUAL(put(a, "k", "in a"), 0);
	CU_ASSERT_EQUAL(put(b, "k", "in b"), 0);
	char buf[16];
	CU_ASSERT_STRING_EQUAL(get(a, "k", buf, sizeof(buf)), "in a");
	CU_ASSERT_STRING_EQUAL(get(b, "k", buf, sizeof(buf)), "in b");
	CU_ASSERT_EQUAL(alopex_log_position(a), 1);
	CU_ASSERT_EQUAL(alopex_log_position(b), 1);
	alx_test_db_close(&fa);
	alx_test_db_close(&fb);
}

static const struct alx_test_case cases[] = {
	{"basic_wiredtiger", test_basic_wiredtiger},
	{"basic_memory", test_basic_memory},
	{"change_stream", test_change_stream},
	{"conflict", test_conflict},
	{"limits_and_sql", test_limits_and_sql},
	{"two_databases", test_two_databases},
	{NULL, NULL},
};

const struct alx_test_suite db_suite_api = {"db/api", NULL, NULL, cases};
