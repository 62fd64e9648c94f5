/*
 * Readers never report success on data that is not yet durable: a commit
 * is visible from the engine's commit on, durable only after the group
 * flush, so a transaction that read it waits for that flush before its
 * own commit returns (sync_visible, kv_txn.c). With WiredTiger the test
 * holds the group flush (the engine's testing hooks, wt_debug.h) and sees
 * the reader queue up behind it; with nothing pending a reader must not
 * touch the flush at all. The memory engine has nothing to wait for.
 *
 * No timing: every wait is a bounded poll for a state the engine reports
 * (who waits in the group commit), and a failure releases the flush
 * before joining, so it cannot hang.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "db/db_internal.h"
#include "kv/kv_txn.h"
#include "sql/sql_session.h"
#ifdef ALX_TEST_WT_HOOKS
#include "wt_debug.h"
#endif

/* ---- KV writers and readers on threads -------------------------------- */

struct actor {
	alopex_db *db;
	const char *val; /* writer: the value to put; reader: NULL */
	int rc;
	char seen[32]; /* reader: the value read, or "<absent>" */
	atomic_bool done;
	pthread_t th;
};

static const char KEY[] = "k";

static void *writer_main(void *arg)
{
	struct actor *a = arg;
	alopex_kv_txn *t = NULL;
	a->rc = alopex_kv_begin(a->db, 0, &t);
	if (a->rc == 0) {
		a->rc = alopex_kv_put(t, KEY, 1, a->val, strlen(a->val));
		if (a->rc == 0)
			a->rc = alopex_kv_commit(t);
		else
			alopex_kv_rollback(t);
	}
	atomic_store(&a->done, true);
	return NULL;
}

static void *reader_main(void *arg)
{
	struct actor *a = arg;
	alopex_kv_txn *t = NULL;
	snprintf(a->seen, sizeof(a->seen), "<none>");
	a->rc = alopex_kv_begin(a->db, ALOPEX_KV_READONLY, &t);
	if (a->rc != 0)
		goto out;
	const void *v = NULL;
	size_t vlen = 0;
	int rc = alopex_kv_get(t, KEY, 1, &v, &vlen);
	if (rc == 0)
		snprintf(a->seen, sizeof(a->seen), "%.*s", (int)vlen,
			 (const char *)v);
	else if (rc == ALOPEX_ENOTFOUND)
		snprintf(a->seen, sizeof(a->seen), "<absent>");
	if (rc != 0 && rc != ALOPEX_ENOTFOUND) {
		a->rc = rc;
		alopex_kv_rollback(t);
		goto out;
	}
	a->rc = alopex_kv_commit(t);
out:
	atomic_store(&a->done, true);
	return NULL;
}

static void start(struct actor *a, alopex_db *db, const char *val)
{
	memset(a, 0, sizeof(*a));
	a->db = db;
	a->val = val;
	atomic_init(&a->done, false);
	CU_ASSERT_EQUAL_FATAL(
		pthread_create(&a->th, NULL,
			       val != NULL ? writer_main : reader_main, a),
		0);
}

/* Poll pred every millisecond for up to 20 s. */
static bool eventually(bool (*pred)(void *), void *arg)
{
	for (int i = 0; i < 20000; i++) {
		if (pred(arg))
			return true;
		usleep(1000);
	}
	return pred(arg);
}

static bool actor_done(void *arg)
{
	return atomic_load(&((struct actor *)arg)->done);
}

/* ---- WiredTiger: the reader waits for the held flush ------------------ */

#ifdef ALX_TEST_WT_HOOKS
struct waiters_at_least {
	void *inst;
	unsigned n;
};

static bool have_waiters(void *arg)
{
	struct waiters_at_least *w = arg;
	unsigned n = 0;
	alx_wt_debug_sync_state(w->inst, &n);
	return n >= w->n;
}

static void test_reader_waits_wt(void)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "visible", ALX_TEST_ENGINE_DEFAULT);
	void *inst = f.db->einst;
	CU_ASSERT(f.db->eng->caps & ALOPEX_ENGINE_SYNC_VISIBLE);

	struct actor w, r;
	start(&w, f.db, "v0"); /* durable before the hold */
	pthread_join(w.th, NULL);
	CU_ASSERT_EQUAL(w.rc, 0);

	alx_wt_debug_hold_sync(inst, 1);
	start(&w, f.db, "v1");
	/* The writer is in the group commit: its engine commit returned,
	 * so v1 is visible, and it is not durable. */
	struct waiters_at_least one = {inst, 1}, two = {inst, 2};
	CU_ASSERT(eventually(have_waiters, &one));
	uint64_t committed = alopex_log_position(f.db);
	CU_ASSERT(alx_wt_debug_sync_state(inst, NULL) < committed);
	CU_ASSERT(!atomic_load(&w.done));

	start(&r, f.db, NULL);
	/* The reader reads v1, then waits in the group commit too. */
	CU_ASSERT(eventually(have_waiters, &two));
	CU_ASSERT(!atomic_load(&r.done));
	CU_ASSERT(!atomic_load(&w.done));

	alx_wt_debug_hold_sync(inst, 0);
	pthread_join(w.th, NULL);
	pthread_join(r.th, NULL);
	CU_ASSERT_EQUAL(w.rc, 0);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT_STRING_EQUAL(r.seen, "v1");
	CU_ASSERT(alx_wt_debug_sync_state(inst, NULL) >= committed);

	/* Nothing pending: a reader finishes while flushes are held. */
	alx_wt_debug_hold_sync(inst, 1);
	start(&r, f.db, NULL);
	CU_ASSERT(eventually(actor_done, &r));
	unsigned n = 99;
	alx_wt_debug_sync_state(inst, &n);
	CU_ASSERT_EQUAL(n, 0);
	alx_wt_debug_hold_sync(inst, 0);
	pthread_join(r.th, NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT_STRING_EQUAL(r.seen, "v1");
	alx_test_db_close(&f);
}

/* ---- the same through SQL: an autocommit SELECT after an UPDATE ------- */

struct sql_actor {
	alopex_db *db;
	struct alx_session *s;
	const char *sql;
	int rc;
	char seen[32];
	atomic_bool done;
	pthread_t th;
};

static void *sql_main(void *arg)
{
	struct sql_actor *a = arg;
	a->rc = alx_session_execute(a->s, a->sql, strlen(a->sql), NULL, NULL);
	atomic_store(&a->done, true);
	return NULL;
}

/* The db handle's own session answers a query (the first column). */
static void *query_main(void *arg)
{
	struct sql_actor *a = arg;
	alopex_stmt *st = NULL;
	snprintf(a->seen, sizeof(a->seen), "<none>");
	a->rc = alopex_prepare(a->db, a->sql, &st);
	if (a->rc == 0) {
		int rc = alopex_step(st);
		if (rc == ALOPEX_ROW) {
			const char *t = alopex_column_text(st, 0);
			snprintf(a->seen, sizeof(a->seen), "%s",
				 t != NULL ? t : "<null>");
			rc = alopex_step(st);
		}
		a->rc = rc == ALOPEX_DONE ? 0 : rc;
		alopex_finalize(st);
	}
	atomic_store(&a->done, true);
	return NULL;
}

static bool sql_done(void *arg)
{
	return atomic_load(&((struct sql_actor *)arg)->done);
}

static void test_select_waits_wt(void)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "visible", ALX_TEST_ENGINE_DEFAULT);
	void *inst = f.db->einst;
	CU_ASSERT_EQUAL_FATAL(
		alopex_exec(f.db, "CREATE TABLE t (k int PRIMARY KEY, v int);"
				  "INSERT INTO t VALUES (1, 10)"),
		0);
	struct sql_actor w = {.db = f.db,
			      .sql = "UPDATE t SET v = 11 WHERE k = 1"};
	struct sql_actor r = {.db = f.db, .sql = "SELECT v FROM t WHERE k = 1"};
	alopex_diag d = {0};
	CU_ASSERT_EQUAL_FATAL(alx_session_create(f.db, &w.s, &d), 0);
	atomic_init(&w.done, false);
	atomic_init(&r.done, false);

	alx_wt_debug_hold_sync(inst, 1);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&w.th, NULL, sql_main, &w), 0);
	struct waiters_at_least one = {inst, 1}, two = {inst, 2};
	CU_ASSERT(eventually(have_waiters, &one));
	CU_ASSERT_EQUAL_FATAL(pthread_create(&r.th, NULL, query_main, &r), 0);
	CU_ASSERT(eventually(have_waiters, &two));
	CU_ASSERT(!sql_done(&r));
	alx_wt_debug_hold_sync(inst, 0);
	pthread_join(w.th, NULL);
	pthread_join(r.th, NULL);
	CU_ASSERT_EQUAL(w.rc, 0);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT_STRING_EQUAL(r.seen, "11");
	alx_session_destroy(w.s);
	alx_test_db_close(&f);
}
#endif

/* ---- memory engine: nothing to wait for ------------------------------- */

static void test_reader_mem(void)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "visible", ALX_TEST_ENGINE_MEMORY);
	/* No sync_visible: the core must not call it. */
	CU_ASSERT((f.db->eng->caps & ALOPEX_ENGINE_SYNC_VISIBLE) == 0);
	struct actor w, r;
	start(&w, f.db, "m1");
	pthread_join(w.th, NULL);
	CU_ASSERT_EQUAL(w.rc, 0);
	start(&r, f.db, NULL);
	CU_ASSERT(eventually(actor_done, &r));
	pthread_join(r.th, NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT_STRING_EQUAL(r.seen, "m1");
	alx_test_db_close(&f);
}

/* ---- undo entries from the last read (kv_txn.c's memo) ---------------- */

static alopex_slice sl(const char *s)
{
	return (alopex_slice){(const uint8_t *)s, strlen(s)};
}

/* What t sees at key: the value, "<absent>", or "<error>". */
static const char *seen(struct alx_kv_txn *t, const char *key, char *buf,
			size_t n)
{
	alopex_slice v = {NULL, 0};
	int rc = alx_kv_txn_get(t, sl(key), &v);
	if (rc == ALOPEX_ENOTFOUND)
		return "<absent>";
	if (rc != 0)
		return "<error>";
	snprintf(buf, n, "%.*s", (int)v.len, (const char *)v.ptr);
	return buf;
}

/*
 * A write's undo entry may come from the copy of the row just read; it
 * must always be what the transaction saw before the write, also after a
 * rollback to a savepoint brought the batch's count back to the copy's.
 */
static void undo_memo(bool memory)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "visible", ALX_TEST_ENGINE(memory));
	alopex_diag d = {0};
	struct alx_kv_txn *t = NULL;
	char buf[64];
	CU_ASSERT_EQUAL_FATAL(alx_kv_txn_begin(f.db, 0, &t, &d), 0);
	struct alx_kv_savepoint s1, s2;

	/* read, write, read, write, roll back: the first value again */
	CU_ASSERT_EQUAL(alx_kv_txn_put(t, sl("memo-k"), sl("a")), 0);
	CU_ASSERT_EQUAL(alx_kv_txn_savepoint(t, &s1), 0);
	CU_ASSERT_STRING_EQUAL(seen(t, "memo-k", buf, sizeof(buf)), "a");
	CU_ASSERT_EQUAL(alx_kv_txn_put(t, sl("memo-k"), sl("b")), 0);
	CU_ASSERT_STRING_EQUAL(seen(t, "memo-k", buf, sizeof(buf)), "b");
	CU_ASSERT_EQUAL(alx_kv_txn_put(t, sl("memo-k"), sl("c")), 0);
	CU_ASSERT_EQUAL(alx_kv_txn_rollback_to(t, &s1), 0);
	CU_ASSERT_STRING_EQUAL(seen(t, "memo-k", buf, sizeof(buf)), "a");
	alx_kv_txn_release(t);

	/* An absent key read, then written: rolled back to absent. */
	CU_ASSERT_EQUAL(alx_kv_txn_savepoint(t, &s1), 0);
	CU_ASSERT_STRING_EQUAL(seen(t, "memo-n", buf, sizeof(buf)), "<absent>");
	CU_ASSERT_EQUAL(alx_kv_txn_put(t, sl("memo-n"), sl("n")), 0);
	CU_ASSERT_EQUAL(alx_kv_txn_rollback_to(t, &s1), 0);
	CU_ASSERT_STRING_EQUAL(seen(t, "memo-n", buf, sizeof(buf)), "<absent>");
	alx_kv_txn_release(t);

	/* The copy of a value a rollback removed must not be used once as
	 * many writes follow as were rolled back. */
	CU_ASSERT_EQUAL(alx_kv_txn_savepoint(t, &s1), 0);
	CU_ASSERT_EQUAL(alx_kv_txn_put(t, sl("memo-j"), sl("j1")), 0);
	CU_ASSERT_STRING_EQUAL(seen(t, "memo-j", buf, sizeof(buf)), "j1");
	CU_ASSERT_EQUAL(alx_kv_txn_rollback_to(t, &s1), 0);
	alx_kv_txn_release(t);
	/* no savepoint: no undo entry, the count goes up again */
	CU_ASSERT_EQUAL(alx_kv_txn_put(t, sl("memo-x"), sl("x")), 0);
	CU_ASSERT_EQUAL(alx_kv_txn_savepoint(t, &s2), 0);
	CU_ASSERT_EQUAL(alx_kv_txn_put(t, sl("memo-j"), sl("j2")), 0);
	CU_ASSERT_EQUAL(alx_kv_txn_rollback_to(t, &s2), 0);
	CU_ASSERT_STRING_EQUAL(seen(t, "memo-j", buf, sizeof(buf)), "<absent>");
	CU_ASSERT_STRING_EQUAL(seen(t, "memo-x", buf, sizeof(buf)), "x");
	alx_kv_txn_release(t);
	alx_kv_txn_rollback(t);
	alx_test_db_close(&f);
}

static void test_undo_memo_wt(void)
{
	undo_memo(false);
}

static void test_undo_memo_mem(void)
{
	undo_memo(true);
}

static const struct alx_test_case cases[] = {
#ifdef ALX_TEST_WT_HOOKS
	{"reader_waits_wt", test_reader_waits_wt},
	{"select_waits_wt", test_select_waits_wt},
#endif
	{"reader_mem", test_reader_mem},
	{"undo_memo_wt", test_undo_memo_wt},
	{"undo_memo_mem", test_undo_memo_mem},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"kv/visible", NULL, NULL, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {&suite, NULL};
	return alx_test_main(argc, argv, suites);
}
