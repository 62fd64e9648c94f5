/*
 * The commit path under concurrency: lock waiters are woken only by the
 * release of the owner they wait for; a TPC-B-like mix (pgbench's default
 * script) on threads keeps its balances consistent while writers release
 * their row locks before their commit is durable (kv_txn.c) and commits
 * share fsyncs (the WiredTiger engine's group commit); concurrent SERIAL
 * inserts all commit with distinct ids, and every acknowledged commit is
 * there after a reopen.
 *
 * Waiting is bounded: every waiting session has a lock_timeout of 20 s, so
 * a missing wakeup fails a test instead of hanging it.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "kv/kv_lock.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_session.h"
#include "sql/sql_session_int.h"

/* ---- lock wakeups ------------------------------------------------------ */

struct lk_waiter {
	struct alx_kv_lockowner o;
	uint64_t h;
	struct alx_kv_wait w;
	int rc;
	atomic_bool done;
	alopex_diag diag;
};

static void *lk_wait_main(void *arg)
{
	struct lk_waiter *x = arg;
	x->rc = alx_kv_lock(&x->o, x->h, &x->w, &x->diag);
	atomic_store(&x->done, true);
	return NULL;
}

/* Whether x is still waiting 200 ms after it started. */
static bool lk_blocked(struct lk_waiter *x)
{
	usleep(200 * 1000);
	return !atomic_load(&x->done);
}

static void test_precise_wakeup(void)
{
	struct alx_runtime *rt = NULL;
	alopex_diag d = {0};
	CU_ASSERT_EQUAL_FATAL(alx_runtime_create(NULL, &rt, &d), 0);
	struct alx_kv_locks *l = NULL;
	CU_ASSERT_EQUAL_FATAL(alx_kv_locks_create(rt, &l), 0);
	uint64_t ha = alx_kv_lock_hash((alopex_slice){(const uint8_t *)"a", 1});
	uint64_t hb = alx_kv_lock_hash((alopex_slice){(const uint8_t *)"b", 1});

	struct alx_kv_lockowner holder, other;
	alx_kv_lockowner_init(&holder, l);
	alx_kv_lockowner_init(&other, l);
	CU_ASSERT_EQUAL_FATAL(alx_kv_lock(&holder, ha, NULL, &d), 0);
	/* Not waiting: 40001 at once. */
	CU_ASSERT_EQUAL(alx_kv_lock(&other, ha, NULL, &d), ALOPEX_ECONFLICT);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "40001");

	static struct lk_waiter x; /* big: off the stack */
	memset(&x, 0, sizeof(x));
	alx_kv_lockowner_init(&x.o, l);
	x.h = ha;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	x.w.lock_deadline_us =
		(int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 + 20000000;
	atomic_init(&x.done, false);
	pthread_t th;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, lk_wait_main, &x), 0);
	CU_ASSERT(lk_blocked(&x));

	/* Other transactions come and go on another key: the waiter must
	 * sleep through them (a broadcast to all waiters woke it 200 times,
	 * each a context switch). */
	for (int i = 0; i < 200; i++) {
		CU_ASSERT_EQUAL(alx_kv_lock(&other, hb, NULL, &d), 0);
		alx_kv_unlock_all(&other, i % 2 ? alx_kv_locks_next_seq(l) : 0);
	}
	CU_ASSERT(!atomic_load(&x.done));

	/* The holder's commit wakes it, and it takes the lock. */
	uint64_t seq = alx_kv_locks_next_seq(l);
	alx_kv_unlock_all(&holder, seq);
	pthread_join(th, NULL);
	CU_ASSERT_EQUAL(x.rc, 0);
	CU_ASSERT(x.o.waited_commit);
	/* Woken once by its holder (a spurious wakeup is allowed). */
	CU_ASSERT(x.o.nwoken >= 1 && x.o.nwoken <= 2);
	CU_ASSERT_EQUAL(alx_kv_locks_version(l, ha), seq);
	/* Now the waiter holds a: the holder must wait or fail. */
	CU_ASSERT_EQUAL(alx_kv_lock(&holder, ha, NULL, &d), ALOPEX_ECONFLICT);
	alx_kv_unlock_all(&x.o, 0);
	CU_ASSERT_EQUAL(alx_kv_lock(&holder, ha, NULL, &d), 0);
	alx_kv_unlock_all(&holder, 0);

	alx_kv_lockowner_fini(&x.o);
	alx_kv_lockowner_fini(&other);
	alx_kv_lockowner_fini(&holder);
	alx_kv_locks_destroy(l);
	alx_runtime_destroy(rt);
}

/* ---- fixture: a database on either engine (alx_test_db.h) ------------- */

static int run(struct alx_session *s, const char *sql)
{
	return alx_test_session_run(s, sql, NULL, NULL);
}

/* ---- TPC-B-like mix on threads ---------------------------------------- */

#define NCLIENTS 8
#define NTXNS 12
#define NBRANCHES 2
#define NTELLERS 6
#define NACCOUNTS 50

struct client {
	alopex_db *db;
	int id;
	int failures;
	char last_err[600];
};

/* pgbench's built-in "TPC-B (sort of)" script, one transaction. */
static int tpcb_txn(struct alx_session *s, unsigned *seed)
{
	int aid = 1 + (int)(rand_r(seed) % NACCOUNTS);
	int tid = 1 + (int)(rand_r(seed) % NTELLERS);
	int bid = 1 + (int)(rand_r(seed) % NBRANCHES);
	int delta = (int)(rand_r(seed) % 10001) - 5000;
	char sql[1024];
	snprintf(sql, sizeof(sql),
		 "BEGIN;"
		 "UPDATE pgbench_accounts SET abalance = abalance + %d "
		 "WHERE aid = %d;"
		 "SELECT abalance FROM pgbench_accounts WHERE aid = %d;"
		 "UPDATE pgbench_tellers SET tbalance = tbalance + %d "
		 "WHERE tid = %d;"
		 "UPDATE pgbench_branches SET bbalance = bbalance + %d "
		 "WHERE bid = %d;"
		 "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) "
		 "VALUES (%d, %d, %d, %d, CURRENT_TIMESTAMP);"
		 "END",
		 delta, aid, aid, delta, tid, delta, bid, tid, bid, aid, delta);
	return run(s, sql);
}

static void *client_main(void *arg)
{
	struct client *c = arg;
	struct alx_session *s = NULL;
	alopex_diag d = {0};
	if (alx_session_create(c->db, &s, &d) != 0) {
		c->failures = NTXNS;
		return NULL;
	}
	if (run(s, "SET lock_timeout = '20s'") != 0)
		c->failures++;
	unsigned seed = 1234u + (unsigned)c->id;
	for (int i = 0; i < NTXNS; i++) {
		if (tpcb_txn(s, &seed) != 0) {
			c->failures++;
			snprintf(c->last_err, sizeof(c->last_err), "%s %s",
				 alx_session_diag(s)->sqlstate,
				 alx_session_diag(s)->message);
			run(s, "ROLLBACK");
		}
	}
	alx_session_destroy(s);
	return NULL;
}

static void run_clients(alopex_db *db, void *(*fn)(void *))
{
	struct client c[NCLIENTS];
	pthread_t th[NCLIENTS];
	for (int i = 0; i < NCLIENTS; i++) {
		c[i] = (struct client){.db = db, .id = i};
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, fn, &c[i]),
				      0);
	}
	for (int i = 0; i < NCLIENTS; i++) {
		pthread_join(th[i], NULL);
		if (c[i].failures != 0)
			fprintf(stderr, "client %d: %d failures, last %s\n", i,
				c[i].failures, c[i].last_err);
		CU_ASSERT_EQUAL(c[i].failures, 0);
	}
}

static void tpcb(bool memory)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "commit", ALX_TEST_ENGINE(memory));
	ALX_TEST_EXEC(
		f.db,
		"CREATE TABLE pgbench_branches (bid int PRIMARY KEY, "
		"bbalance int, filler char(88));"
		"CREATE TABLE pgbench_tellers (tid int PRIMARY KEY, bid "
		"int, tbalance int, filler char(84));"
		"CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid "
		"int, abalance int, filler char(84));"
		"CREATE TABLE pgbench_history (tid int, bid int, aid int, "
		"delta int, mtime timestamp, filler char(22))");
	char sql[256];
	for (int i = 1; i <= NBRANCHES; i++) {
		snprintf(sql, sizeof(sql),
			 "INSERT INTO pgbench_branches VALUES (%d, 0)", i);
		ALX_TEST_EXEC(f.db, sql);
	}
	for (int i = 1; i <= NTELLERS; i++) {
		snprintf(sql, sizeof(sql),
			 "INSERT INTO pgbench_tellers VALUES (%d, %d, 0)", i,
			 1 + (i - 1) % NBRANCHES);
		ALX_TEST_EXEC(f.db, sql);
	}
	snprintf(sql, sizeof(sql),
		 "INSERT INTO pgbench_accounts SELECT g, 1, 0 FROM "
		 "generate_series(1, %d) g",
		 NACCOUNTS);
	ALX_TEST_EXEC(f.db, sql);

	run_clients(f.db, client_main);

	/* Every committed delta is in each table exactly once. */
	char want[64], buf[64];
	snprintf(want, sizeof(want), "%d", NCLIENTS * NTXNS);
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db,
					"SELECT count(*) FROM pgbench_history",
					buf, sizeof(buf)),
		want);
	snprintf(want, sizeof(want), "%s",
		 alx_test_query_text_buf(
			 f.db, "SELECT sum(delta) FROM pgbench_history", buf,
			 sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db,
					"SELECT sum(bbalance) FROM "
					"pgbench_branches",
					buf, sizeof(buf)),
		want);
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db,
					"SELECT sum(tbalance) FROM "
					"pgbench_tellers",
					buf, sizeof(buf)),
		want);
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db,
					"SELECT sum(abalance) FROM "
					"pgbench_accounts",
					buf, sizeof(buf)),
		want);
	/* Per branch too: no update was applied to a stale version. */
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db,
					"SELECT count(*) FROM pgbench_branches "
					"b WHERE bbalance <> (SELECT "
					"coalesce(sum(delta), 0) FROM "
					"pgbench_history h WHERE h.bid = "
					"b.bid)",
					buf, sizeof(buf)),
		"0");
	if (!memory) {
		/* Every acknowledged commit survives a reopen. */
		CU_ASSERT_EQUAL(alopex_close(f.db), 0);
		alx_test_db_reopen(&f);
		snprintf(want, sizeof(want), "%d", NCLIENTS * NTXNS);
		CU_ASSERT_STRING_EQUAL(
			alx_test_query_text_buf(
				f.db, "SELECT count(*) FROM pgbench_history",
				buf, sizeof(buf)),
			want);
	}
	alx_test_db_close(&f);
}

static void test_tpcb_wt(void)
{
	tpcb(false);
}

static void test_tpcb_mem(void)
{
	tpcb(true);
}

/* ---- concurrent SERIAL inserts (group commit) ------------------------- */

#define NINSERTS 25

static void *insert_main(void *arg)
{
	struct client *c = arg;
	struct alx_session *s = NULL;
	alopex_diag d = {0};
	if (alx_session_create(c->db, &s, &d) != 0) {
		c->failures = NINSERTS;
		return NULL;
	}
	for (int i = 0; i < NINSERTS; i++) {
		char sql[160];
		snprintf(sql, sizeof(sql),
			 "INSERT INTO vins (k, emb) VALUES (%d, "
			 "'[%d, 0.5, -1.25]')",
			 c->id * 1000 + i, i);
		if (run(s, sql) != 0) {
			c->failures++;
			snprintf(c->last_err, sizeof(c->last_err), "%s %s",
				 alx_session_diag(s)->sqlstate,
				 alx_session_diag(s)->message);
		}
	}
	alx_session_destroy(s);
	return NULL;
}

static void inserts(bool memory)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "commit", ALX_TEST_ENGINE(memory));
	ALX_TEST_EXEC(f.db,
		      "CREATE TABLE vins (id bigserial PRIMARY KEY, k int, "
		      "emb vector(3))");
	run_clients(f.db, insert_main);
	char want[64], buf[64];
	snprintf(want, sizeof(want), "%d", NCLIENTS * NINSERTS);
	const char *checks[] = {
		"SELECT count(*) FROM vins",
		"SELECT count(DISTINCT id) FROM vins",
		"SELECT count(DISTINCT k) FROM vins",
		"SELECT max(id) FROM vins",
	};
	for (int round = 0; round < (memory ? 1 : 2); round++) {
		for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
			CU_ASSERT_STRING_EQUAL(
				alx_test_query_text_buf(f.db, checks[i], buf,
							sizeof(buf)),
				want);
		CU_ASSERT_STRING_EQUAL(
			alx_test_query_text_buf(
				f.db, "SELECT emb FROM vins WHERE k = 7003",
				buf, sizeof(buf)),
			"[3,0.5,-1.25]");
		if (!memory && round == 0) {
			/* Acknowledged means durable: all there after a
			 * reopen. */
			CU_ASSERT_EQUAL(alopex_close(f.db), 0);
			alx_test_db_reopen(&f);
		}
	}
	alx_test_db_close(&f);
}

static void test_inserts_wt(void)
{
	inserts(false);
}

static void test_inserts_mem(void)
{
	inserts(true);
}

static const struct alx_test_case cases[] = {
	{"precise_wakeup", test_precise_wakeup},
	{"tpcb_wt", test_tpcb_wt},
	{"tpcb_mem", test_tpcb_mem},
	{"inserts_wt", test_inserts_wt},
	{"inserts_mem", test_inserts_mem},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"kv/commit", NULL, NULL, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {&suite, NULL};
	return alx_test_main(argc, argv, suites);
}
