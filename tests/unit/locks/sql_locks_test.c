/*
 * Row locks and READ COMMITTED through SQL sessions, several at once on
 * threads: a second writer of a row waits for the first and then (READ
 * COMMITTED) applies its change to the newest version, or (REPEATABLE
 * READ) fails with 40001; deadlocks, lock_timeout, statement_timeout and
 * cancel end a wait; concurrent inserts of one unique key wait and then
 * fail with 23505 or succeed. On both engines.
 *
 * Every SQLSTATE and message below was checked against PostgreSQL 15
 * (two psql sessions, the same statements).
 *
 * A waiter is "still waiting" when it has not returned 200 ms after it
 * started: it can only return early when it did not wait. Every waiting
 * session has a lock_timeout of 20 s so that a broken lock table fails a
 * test instead of hanging it.
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
#include "sql/sql_session.h"
#include "sql/sql_session_int.h"

/* ---- fixture: a database on either engine (alx_test_db.h) ------------- */

static int run(struct alx_session *s, const char *sql)
{
	return alx_test_session_run(s, sql, NULL, NULL);
}

#define OK(s, sql) ALX_TEST_SESSION_OK(s, sql)

/* A session that waits: bounded, so a missing wake-up fails, not hangs. */
static struct alx_session *waiter(alopex_db *db)
{
	struct alx_session *s = alx_test_session(db);
	OK(s, "SET lock_timeout = '20s'");
	return s;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- one statement on another thread ---------------------------------- */

struct bg {
	struct alx_session *s;
	const char *sql;
	pthread_t th;
	atomic_bool done;
	int rc;
	alopex_diag diag;
	int64_t ms; /* how long the statement took */
};

static void *bg_main(void *arg)
{
	struct bg *b = arg;
	int64_t t0 = now_ms();
	b->rc = run(b->s, b->sql);
	b->diag = *alx_session_diag(b->s);
	b->ms = now_ms() - t0;
	atomic_store(&b->done, true);
	return NULL;
}

static void bg_start(struct bg *b, struct alx_session *s, const char *sql)
{
	memset(b, 0, sizeof(*b));
	b->s = s;
	b->sql = sql;
	atomic_init(&b->done, false);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&b->th, NULL, bg_main, b), 0);
}

/* Whether b is still blocked 200 ms after it started. */
static bool bg_blocked(struct bg *b)
{
	usleep(200 * 1000);
	return !atomic_load(&b->done);
}

static void bg_join(struct bg *b)
{
	pthread_join(b->th, NULL);
}

static void expect_err(const struct bg *b, const char *sqlstate,
		       const char *message)
{
	CU_ASSERT(b->rc < 0);
	CU_ASSERT_STRING_EQUAL(b->diag.sqlstate, sqlstate);
	CU_ASSERT_STRING_EQUAL(b->diag.message, message);
	if (b->rc >= 0 || strcmp(b->diag.sqlstate, sqlstate) != 0 ||
	    strcmp(b->diag.message, message) != 0)
		fprintf(stderr, "%s\n  -> rc %d %s %s (wanted %s %s)\n", b->sql,
			b->rc, b->diag.sqlstate, b->diag.message, sqlstate,
			message);
}

static const char counter_ddl[] = "CREATE TABLE r (id int PRIMARY KEY, v int);"
				  "INSERT INTO r VALUES (1, 0), (2, 0)";

/* ---- a second writer waits; READ COMMITTED applies to the newest row -- */

static void wait_then_newest(bool memory, bool commit)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "locks", ALX_TEST_ENGINE(memory));
	ALX_TEST_EXEC(f.db, counter_ddl);
	struct alx_session *a = alx_test_session(f.db), *b = waiter(f.db);
	OK(a, "BEGIN; UPDATE r SET v = v + 1 WHERE id = 1");
	struct bg w;
	/* autocommit, READ COMMITTED (the default, as in PostgreSQL) */
	bg_start(&w, b, "UPDATE r SET v = v + 10 WHERE id = 1");
	CU_ASSERT(bg_blocked(&w));
	/* the other row is free */
	OK(a, "UPDATE r SET v = v + 100 WHERE id = 2");
	OK(a, commit ? "COMMIT" : "ROLLBACK");
	bg_join(&w);
	CU_ASSERT_EQUAL(w.rc, 0);
	char buf[64];
	/* PostgreSQL: 11 after the commit (b re-reads the row), 10 after
	 * the rollback */
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db, "SELECT v FROM r WHERE id = 1",
					buf, sizeof(buf)),
		commit ? "11" : "10");
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db, "SELECT v FROM r WHERE id = 2",
					buf, sizeof(buf)),
		commit ? "100" : "0");
	/* in a block too: the statement waits, then sees a's commit */
	OK(a, "BEGIN; UPDATE r SET v = 0 WHERE id = 2");
	OK(b, "BEGIN; SELECT v FROM r WHERE id = 2");
	bg_start(&w, b, "UPDATE r SET v = v + 5 WHERE id = 2");
	CU_ASSERT(bg_blocked(&w));
	OK(a, "COMMIT");
	bg_join(&w);
	CU_ASSERT_EQUAL(w.rc, 0);
	OK(b, "COMMIT");
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db, "SELECT v FROM r WHERE id = 2",
					buf, sizeof(buf)),
		"5");
	alx_session_destroy(a);
	alx_session_destroy(b);
	alx_test_db_close(&f);
}

static void test_wait_commit_wt(void)
{
	wait_then_newest(false, true);
}
static void test_wait_rollback_wt(void)
{
	wait_then_newest(false, false);
}
static void test_wait_commit_mem(void)
{
	wait_then_newest(true, true);
}
static void test_wait_rollback_mem(void)
{
	wait_then_newest(true, false);
}

/* ---- N threads x M increments of one row ------------------------------ */

#define NTHREADS 4
#define NINCR 40

struct incr {
	alopex_db *db;
	int id;
	int failures;
	char last_err[600];
};

static void *incr_main(void *arg)
{
	struct incr *w = arg;
	struct alx_session *s = NULL;
	alopex_diag d = {0};
	if (alx_session_create(w->db, &s, &d) != 0) {
		w->failures = NINCR;
		return NULL;
	}
	const char *set = "SET lock_timeout = '20s'";
	if (run(s, set) != 0)
		w->failures++;
	for (int i = 0; i < NINCR; i++) {
		/* odd threads in blocks (a statement savepoint undoes a
		 * re-run), even ones in autocommit (the transaction is begun
		 * again) */
		const char *sql =
			w->id % 2 ? "BEGIN; UPDATE r SET v = v + 1 WHERE id "
				    "= 1; UPDATE r SET v = v + 1 WHERE id = "
				    "2; COMMIT"
				  : "UPDATE r SET v = v + 1 WHERE id = 1";
		if (run(s, sql) != 0) {
			w->failures++;
			snprintf(w->last_err, sizeof(w->last_err), "%s %s",
				 alx_session_diag(s)->sqlstate,
				 alx_session_diag(s)->message);
			run(s, "ROLLBACK");
		}
	}
	alx_session_destroy(s);
	return NULL;
}

static void increments(bool memory)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "locks", ALX_TEST_ENGINE(memory));
	ALX_TEST_EXEC(f.db, counter_ddl);
	struct incr w[NTHREADS];
	pthread_t th[NTHREADS];
	for (int i = 0; i < NTHREADS; i++) {
		w[i] = (struct incr){.db = f.db, .id = i};
		CU_ASSERT_EQUAL_FATAL(
			pthread_create(&th[i], NULL, incr_main, &w[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		if (w[i].failures != 0)
			fprintf(stderr, "thread %d: %d failures, last %s\n", i,
				w[i].failures, w[i].last_err);
		CU_ASSERT_EQUAL(w[i].failures, 0);
	}
	char buf[64];
	char want[32];
	snprintf(want, sizeof(want), "%d", NTHREADS * NINCR);
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db, "SELECT v FROM r WHERE id = 1",
					buf, sizeof(buf)),
		want);
	snprintf(want, sizeof(want), "%d", NTHREADS / 2 * NINCR);
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db, "SELECT v FROM r WHERE id = 2",
					buf, sizeof(buf)),
		want);
	alx_test_db_close(&f);
}

static void test_increments_wt(void)
{
	increments(false);
}
static void test_increments_mem(void)
{
	increments(true);
}

/* ---- deadlock --------------------------------------------------------- */

/* One DETAIL line: "Process P waits for ShareLock on transaction X;
 * blocked by process Q." Returns the rest after it, NULL if malformed. */
static const char *deadlock_line(const char *p, unsigned *proc, unsigned *xid,
				 unsigned *blocker)
{
	int n = 0;
	if (sscanf(p,
		   "Process %u waits for ShareLock on transaction %u; "
		   "blocked by process %u.%n",
		   proc, xid, blocker, &n) != 3 ||
	    n == 0)
		return NULL;
	return p + n;
}

static void deadlock(bool memory)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "locks", ALX_TEST_ENGINE(memory));
	ALX_TEST_EXEC(f.db, counter_ddl);
	struct alx_session *a = waiter(f.db), *b = waiter(f.db);
	OK(a, "BEGIN; UPDATE r SET v = v + 1 WHERE id = 1");
	OK(b, "BEGIN; UPDATE r SET v = v + 10 WHERE id = 2");
	struct bg w;
	bg_start(&w, a, "UPDATE r SET v = v + 1 WHERE id = 2");
	CU_ASSERT(bg_blocked(&w));
	/* b closes the cycle: b fails at once (PostgreSQL picks the one
	 * whose deadlock_timeout expires first; with a wait this short,
	 * the second). */
	int64_t t0 = now_ms();
	CU_ASSERT_EQUAL(run(b, "UPDATE r SET v = v + 10 WHERE id = 1"),
			ALOPEX_ECONFLICT);
	CU_ASSERT(now_ms() - t0 < 5000);
	const alopex_diag *d = alx_session_diag(b);
	CU_ASSERT_STRING_EQUAL(d->sqlstate, "40P01");
	/*
	 * PostgreSQL 15:
	 *   ERROR:  deadlock detected
	 *   DETAIL:  Process 27758 waits for ShareLock on transaction 725;
	 *   blocked by process 27753.
	 *   Process 27753 waits for ShareLock on transaction 726; blocked
	 *   by process 27758.
	 * (the DETAIL follows the message after a newline here)
	 */
	const char *head = "deadlock detected\n";
	CU_ASSERT_NSTRING_EQUAL(d->message, head, strlen(head));
	unsigned p1 = 0, x1 = 0, q1 = 0, p2 = 0, x2 = 0, q2 = 0;
	const char *rest = strncmp(d->message, head, strlen(head)) == 0
				   ? deadlock_line(d->message + strlen(head),
						   &p1, &x1, &q1)
				   : NULL;
	CU_ASSERT_PTR_NOT_NULL(rest);
	if (rest != NULL) {
		CU_ASSERT_EQUAL(rest[0], '\n');
		rest = deadlock_line(rest + 1, &p2, &x2, &q2);
		CU_ASSERT_PTR_NOT_NULL(rest);
		if (rest != NULL)
			CU_ASSERT_EQUAL(rest[0], '\0');
		/* b waits for a, which waits for b */
		CU_ASSERT_NOT_EQUAL(p1, q1);
		CU_ASSERT_EQUAL(q1, p2);
		CU_ASSERT_EQUAL(q2, p1);
		CU_ASSERT_NOT_EQUAL(x1, x2);
	}
	if (strncmp(d->message, head, strlen(head)) != 0 || rest == NULL)
		fprintf(stderr, "deadlock message: %s\n", d->message);
	CU_ASSERT_EQUAL(alx_session_txn_status(b), 'E');
	OK(b, "ROLLBACK");
	/* b's locks are gone: a goes on */
	bg_join(&w);
	CU_ASSERT_EQUAL(w.rc, 0);
	OK(a, "COMMIT");
	char buf[64];
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db,
					"SELECT string_agg(v::text, ',' ORDER "
					"BY id) FROM r",
					buf, sizeof(buf)),
		"1,1");
	alx_session_destroy(a);
	alx_session_destroy(b);
	alx_test_db_close(&f);
}

static void test_deadlock_wt(void)
{
	deadlock(false);
}
static void test_deadlock_mem(void)
{
	deadlock(true);
}

/* ---- REPEATABLE READ: 40001 after the other commits ------------------- */

static void repeatable_read(bool memory)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "locks", ALX_TEST_ENGINE(memory));
	ALX_TEST_EXEC(f.db, counter_ddl);
	struct alx_session *a = alx_test_session(f.db), *b = waiter(f.db);
	char buf[64];

	/* the other commits: 40001 once it has */
	OK(a, "BEGIN; UPDATE r SET v = v + 1 WHERE id = 1");
	OK(b, "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT v FROM r");
	struct bg w;
	bg_start(&w, b, "UPDATE r SET v = v + 10 WHERE id = 1");
	CU_ASSERT(bg_blocked(&w));
	OK(a, "COMMIT");
	bg_join(&w);
	expect_err(&w, "40001",
		   "could not serialize access due to concurrent update");
	CU_ASSERT_EQUAL(alx_session_txn_status(b), 'E');
	OK(b, "ROLLBACK");
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db, "SELECT v FROM r WHERE id = 1",
					buf, sizeof(buf)),
		"1");

	/* the other rolls back: b goes on and commits */
	OK(a, "BEGIN; UPDATE r SET v = v + 1 WHERE id = 1");
	OK(b, "START TRANSACTION ISOLATION LEVEL REPEATABLE READ; SELECT v "
	      "FROM r");
	bg_start(&w, b, "UPDATE r SET v = v + 10 WHERE id = 1");
	CU_ASSERT(bg_blocked(&w));
	OK(a, "ROLLBACK");
	bg_join(&w);
	CU_ASSERT_EQUAL(w.rc, 0);
	OK(b, "COMMIT");
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db, "SELECT v FROM r WHERE id = 1",
					buf, sizeof(buf)),
		"11");

	/* a row committed after the snapshot, no wait at all: 40001 too */
	OK(b, "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT v FROM r");
	OK(a, "UPDATE r SET v = 0 WHERE id = 2");
	CU_ASSERT_EQUAL(run(b, "UPDATE r SET v = 5 WHERE id = 2"),
			ALOPEX_ECONFLICT);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(b)->sqlstate, "40001");
	OK(b, "ROLLBACK");
	alx_session_destroy(a);
	alx_session_destroy(b);
	alx_test_db_close(&f);
}

static void test_repeatable_read_wt(void)
{
	repeatable_read(false);
}
static void test_repeatable_read_mem(void)
{
	repeatable_read(true);
}

/* ---- what ends a wait: lock_timeout, statement_timeout, cancel -------- */

static void test_lock_timeout(void)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "locks", ALX_TEST_ENGINE_DEFAULT);
	ALX_TEST_EXEC(f.db, counter_ddl);
	struct alx_session *a = alx_test_session(f.db),
			   *b = alx_test_session(f.db);
	OK(a, "BEGIN; UPDATE r SET v = 1 WHERE id = 1");
	OK(b, "SET lock_timeout = '150ms'");
	int64_t t0 = now_ms();
	CU_ASSERT_EQUAL(run(b, "UPDATE r SET v = 2 WHERE id = 1"), ALOPEX_ESQL);
	int64_t ms = now_ms() - t0;
	CU_ASSERT(ms >= 140 && ms < 10000);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(b)->sqlstate, "55P03");
	CU_ASSERT_STRING_EQUAL(alx_session_diag(b)->message,
			       "canceling statement due to lock timeout");
	/* in a block: the block fails, and its other locks go at ROLLBACK */
	OK(b, "BEGIN; UPDATE r SET v = 2 WHERE id = 2");
	CU_ASSERT_EQUAL(run(b, "UPDATE r SET v = 2 WHERE id = 1"), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(b)->sqlstate, "55P03");
	CU_ASSERT_EQUAL(alx_session_txn_status(b), 'E');
	OK(b, "ROLLBACK");
	OK(a, "UPDATE r SET v = 3 WHERE id = 2; COMMIT");
	char buf[64];
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db,
					"SELECT string_agg(v::text, ',' ORDER "
					"BY id) FROM r",
					buf, sizeof(buf)),
		"1,3");
	alx_session_destroy(a);
	alx_session_destroy(b);
	alx_test_db_close(&f);
}

static void test_statement_timeout(void)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "locks", ALX_TEST_ENGINE_DEFAULT);
	ALX_TEST_EXEC(f.db, counter_ddl);
	struct alx_session *a = alx_test_session(f.db),
			   *b = alx_test_session(f.db);
	OK(a, "BEGIN; UPDATE r SET v = 1 WHERE id = 1");
	/* the statement's deadline comes first: 57014, not 55P03 */
	OK(b, "SET statement_timeout = '150ms'; SET lock_timeout = '20s'");
	int64_t t0 = now_ms();
	CU_ASSERT_EQUAL(run(b, "UPDATE r SET v = 2 WHERE id = 1"), ALOPEX_ESQL);
	int64_t ms = now_ms() - t0;
	CU_ASSERT(ms >= 140 && ms < 10000);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(b)->sqlstate, "57014");
	CU_ASSERT_STRING_EQUAL(alx_session_diag(b)->message,
			       "canceling statement due to statement timeout");
	/* and the lock's deadline when it comes first */
	OK(b, "SET statement_timeout = '20s'; SET lock_timeout = '100ms'");
	CU_ASSERT_EQUAL(run(b, "UPDATE r SET v = 2 WHERE id = 1"), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(b)->sqlstate, "55P03");
	OK(a, "COMMIT");
	OK(b, "UPDATE r SET v = 2 WHERE id = 1");
	alx_session_destroy(a);
	alx_session_destroy(b);
	alx_test_db_close(&f);
}

static void cancel_wait(bool memory)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "locks", ALX_TEST_ENGINE(memory));
	ALX_TEST_EXEC(f.db, counter_ddl);
	struct alx_session *a = alx_test_session(f.db), *b = waiter(f.db);
	OK(a, "BEGIN; UPDATE r SET v = 1 WHERE id = 1");
	struct bg w;
	bg_start(&w, b, "UPDATE r SET v = 2 WHERE id = 1");
	CU_ASSERT(bg_blocked(&w));
	/* what the protocol's cancel request does (srv_sql.c) */
	atomic_store(&b->cancel_req, 1);
	bg_join(&w);
	expect_err(&w, "57014", "canceling statement due to user request");
	/* well before the 20 s lock_timeout */
	CU_ASSERT(w.ms < 10000);
	OK(a, "COMMIT");
	/* the request was used up: the next statement runs */
	OK(b, "UPDATE r SET v = 2 WHERE id = 1");
	char buf[64];
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db, "SELECT v FROM r WHERE id = 1",
					buf, sizeof(buf)),
		"2");
	alx_session_destroy(a);
	alx_session_destroy(b);
	alx_test_db_close(&f);
}

static void test_cancel_wt(void)
{
	cancel_wait(false);
}
static void test_cancel_mem(void)
{
	cancel_wait(true);
}

/* ---- one unique key inserted by two transactions ---------------------- */

static void unique_race(bool memory, const char *iso)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "locks", ALX_TEST_ENGINE(memory));
	ALX_TEST_EXEC(f.db,
		      "CREATE TABLE u (id int PRIMARY KEY, e text UNIQUE)");
	struct alx_session *a = alx_test_session(f.db), *b = waiter(f.db);
	char begin_b[128];
	snprintf(begin_b, sizeof(begin_b),
		 "BEGIN ISOLATION LEVEL %s; SELECT count(*) FROM u", iso);
	char buf[64];
	struct bg w;

	/* the unique index: wait, then 23505 once the first commits */
	OK(a, "BEGIN; INSERT INTO u VALUES (1, 'a')");
	OK(b, begin_b);
	bg_start(&w, b, "INSERT INTO u VALUES (2, 'a')");
	CU_ASSERT(bg_blocked(&w));
	OK(a, "COMMIT");
	bg_join(&w);
	expect_err(&w, "23505",
		   "duplicate key value violates unique constraint "
		   "\"u_e_key\"\nKey (e)=(a) already exists.");
	OK(b, "ROLLBACK");

	/* the primary key likewise */
	OK(a, "BEGIN; INSERT INTO u VALUES (3, 'c')");
	OK(b, begin_b);
	bg_start(&w, b, "INSERT INTO u VALUES (3, 'd')");
	CU_ASSERT(bg_blocked(&w));
	OK(a, "COMMIT");
	bg_join(&w);
	expect_err(&w, "23505",
		   "duplicate key value violates unique constraint "
		   "\"u_pkey\"\nKey (id)=(3) already exists.");
	OK(b, "ROLLBACK");

	/* the first rolls back: the second inserts */
	OK(a, "BEGIN; INSERT INTO u VALUES (4, 'x'), (5, 'y')");
	OK(b, begin_b);
	bg_start(&w, b, "INSERT INTO u VALUES (5, 'x')");
	CU_ASSERT(bg_blocked(&w));
	OK(a, "ROLLBACK");
	bg_join(&w);
	CU_ASSERT_EQUAL(w.rc, 0);
	OK(b, "COMMIT");
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db,
					"SELECT string_agg(id || ':' || e, ',' "
					"ORDER BY id) FROM u",
					buf, sizeof(buf)),
		"1:a,3:c,5:x");

	/* autocommit waits too */
	OK(a, "BEGIN; INSERT INTO u VALUES (6, 'z')");
	bg_start(&w, b, "INSERT INTO u VALUES (7, 'z')");
	CU_ASSERT(bg_blocked(&w));
	OK(a, "COMMIT");
	bg_join(&w);
	expect_err(&w, "23505",
		   "duplicate key value violates unique constraint "
		   "\"u_e_key\"\nKey (e)=(z) already exists.");
	CU_ASSERT_EQUAL(alx_session_txn_status(b), 'I');
	alx_session_destroy(a);
	alx_session_destroy(b);
	alx_test_db_close(&f);
}

static void test_unique_rc_wt(void)
{
	unique_race(false, "READ COMMITTED");
}
static void test_unique_rc_mem(void)
{
	unique_race(true, "READ COMMITTED");
}
static void test_unique_rr_wt(void)
{
	unique_race(false, "REPEATABLE READ");
}
static void test_unique_rr_mem(void)
{
	unique_race(true, "REPEATABLE READ");
}

/* ---- isolation settings, as PostgreSQL shows them --------------------- */

/* SHOW's value */
static const char *show(struct alx_session *s, const char *name)
{
	const char *col = NULL, *value = NULL;
	if (alx_session_show(s, name, &col, &value) != 0)
		return "<error>";
	return value;
}

static void test_isolation_settings(void)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "locks", ALX_TEST_ENGINE_DEFAULT);
	struct alx_session *s = alx_test_session(f.db);
	/* PostgreSQL's default, with no NOTICE */
	CU_ASSERT_STRING_EQUAL(show(s, "transaction_isolation"),
			       "read committed");
	OK(s, "BEGIN ISOLATION LEVEL READ COMMITTED");
	CU_ASSERT_PTR_NULL(alx_session_last_notice(s, NULL, NULL));
	OK(s, "COMMIT");
	OK(s, "BEGIN; SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
	CU_ASSERT_STRING_EQUAL(show(s, "transaction_isolation"),
			       "repeatable read");
	OK(s, "SELECT 1");
	/* PostgreSQL 15: 25001 "SET TRANSACTION ISOLATION LEVEL must be
	 * called before any query" */
	CU_ASSERT_EQUAL(run(s, "SET TRANSACTION ISOLATION LEVEL READ "
			       "COMMITTED"),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(s)->sqlstate, "25001");
	CU_ASSERT_STRING_EQUAL(alx_session_diag(s)->message,
			       "SET TRANSACTION ISOLATION LEVEL must be "
			       "called before any query");
	OK(s, "ROLLBACK");
	OK(s, "SET default_transaction_isolation = 'repeatable read'");
	OK(s, "BEGIN");
	CU_ASSERT_STRING_EQUAL(show(s, "transaction_isolation"),
			       "repeatable read");
	OK(s, "COMMIT");
	alx_session_destroy(s);
	alx_test_db_close(&f);
}

static const struct alx_test_case cases[] = {
	{"wait_commit_wt", test_wait_commit_wt},
	{"wait_rollback_wt", test_wait_rollback_wt},
	{"wait_commit_mem", test_wait_commit_mem},
	{"wait_rollback_mem", test_wait_rollback_mem},
	{"increments_wt", test_increments_wt},
	{"increments_mem", test_increments_mem},
	{"deadlock_wt", test_deadlock_wt},
	{"deadlock_mem", test_deadlock_mem},
	{"repeatable_read_wt", test_repeatable_read_wt},
	{"repeatable_read_mem", test_repeatable_read_mem},
	{"lock_timeout", test_lock_timeout},
	{"statement_timeout", test_statement_timeout},
	{"cancel_wt", test_cancel_wt},
	{"cancel_mem", test_cancel_mem},
	{"unique_rc_wt", test_unique_rc_wt},
	{"unique_rc_mem", test_unique_rc_mem},
	{"unique_rr_wt", test_unique_rr_wt},
	{"unique_rr_mem", test_unique_rr_mem},
	{"isolation_settings", test_isolation_settings},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"sql/locks", NULL, NULL, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {&suite, NULL};
	return alx_test_main(argc, argv, suites);
}
