/*
 * Statement and transaction timestamps, which the executor reads from the
 * clock at a statement's first use rather than at every statement's start
 * (alx_exec_stmt_ts): they must still say what PostgreSQL's do.
 * statement_timestamp() is one value for the whole statement, every row
 * of a multi-row INSERT included, and never later than a clock_timestamp()
 * of the statement, whichever is evaluated first; now() is BEGIN's in a
 * block and the statement's own in autocommit; each run of a prepared
 * statement has its own; a statement that waits for a row lock keeps the
 * timestamp of its start. Also: statement_timeout and lock_timeout still
 * end a prepared INSERT, which no longer reads the clock at its start, and
 * the prepared INSERT's inline paths (all columns given, bigint and text
 * parameters) keep their errors.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "sql/sql_session.h"
#include "sql/sql_session_int.h"

static alopex_db *db;
static char *dir;

static int setup(void)
{
	return alx_test_suite_open("stmt_clock", &db, &dir);
}

static int teardown(void)
{
	return alx_test_suite_close(db, dir);
}

/* Let the clock move past a microsecond's resolution. */
static void pause_ms(long ms)
{
	struct timespec ts = {0, ms * 1000000L};
	nanosleep(&ts, NULL);
}

/* A timestamptz as microseconds since the epoch (via extract). */
static int64_t query_us(const char *sql)
{
	const char *v = alx_test_query_text(db, sql);
	char *end = NULL;
	long long x = strtoll(v, &end, 10);
	if (end == v || *end != '\0')
		fprintf(stderr, "%s -> %s\n", sql, v);
	CU_ASSERT_FATAL(end != v && *end == '\0');
	return (int64_t)x;
}

#define US(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

static void test_multi_row_insert(void)
{
	ALX_TEST_EXEC_FATAL(db, "CREATE TABLE c (i int, ck timestamptz, "
				"st timestamptz, tt timestamptz)");
	/* clock_timestamp() is evaluated before statement_timestamp() in
	 * every row: the statement's start is still no later. */
	ALX_TEST_EXEC_FATAL(db, "INSERT INTO c SELECT g, clock_timestamp(), "
				"statement_timestamp(), now() "
				"FROM generate_series(1, 3000) g");
	ALX_TEST_CHECK_ROWS(
		alx_test_query_lines(
			db, "SELECT count(*), count(DISTINCT st), "
			    "count(DISTINCT tt), bool_and(st = tt), "
			    "bool_and(ck >= st), count(DISTINCT ck) > 1 "
			    "FROM c"),
		"3000|1|1|t|t|t\n");
	ALX_TEST_EXEC_FATAL(db, "DELETE FROM c");
	/* VALUES rows, and the statement's own timestamps differ from the
	 * last statement's */
	ALX_TEST_EXEC_FATAL(db, "INSERT INTO c VALUES "
				"(1, clock_timestamp(), statement_timestamp(), "
				"now()), (2, clock_timestamp(), "
				"statement_timestamp(), now()), "
				"(3, clock_timestamp(), statement_timestamp(), "
				"transaction_timestamp())");
	ALX_TEST_CHECK_ROWS(
		alx_test_query_lines(
			db, "SELECT count(DISTINCT st), bool_and(st = tt), "
			    "bool_and(ck >= st) FROM c"),
		"1|t|t\n");
	/* a SELECT: the same in its own snapshot's transaction */
	ALX_TEST_CHECK_ROWS(
		alx_test_query_lines(
			db,
			"SELECT clock_timestamp() >= statement_timestamp(), "
			"statement_timestamp() = now(), "
			"now() = transaction_timestamp(), "
			"count(DISTINCT statement_timestamp()) "
			"FROM generate_series(1, 500)"),
		"t|t|t|1\n");
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE c");
}

static void test_block(void)
{
	ALX_TEST_EXEC_FATAL(db, "CREATE TABLE b (i int, st timestamptz, "
				"tt timestamptz)");
	ALX_TEST_EXEC_FATAL(db, "BEGIN");
	int64_t begin_us = query_us("SELECT " US("now()"));
	pause_ms(3);
	alopex_stmt *ins = ALX_TEST_PREPARE(
		db, "INSERT INTO b VALUES ($1, statement_timestamp(), now())");
	for (int i = 1; i <= 5; i++) {
		CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, i), 0);
		CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
		CU_ASSERT_EQUAL(alopex_reset(ins), 0);
		pause_ms(2);
	}
	/* now() is BEGIN's throughout; each execution has its own later
	 * statement timestamp */
	CU_ASSERT_EQUAL(query_us("SELECT " US("max(tt)") " FROM b"), begin_us);
	CU_ASSERT_EQUAL(query_us("SELECT " US("min(tt)") " FROM b"), begin_us);
	ALX_TEST_CHECK_ROWS(
		alx_test_query_lines(
			db, "SELECT count(DISTINCT st), bool_and(st > tt) "
			    "FROM b"),
		"5|t\n");
	ALX_TEST_CHECK_ROWS(
		alx_test_query_lines(db, "SELECT count(*) FROM b x JOIN b y "
					 "ON y.i = x.i + 1 WHERE y.st > x.st"),
		"4\n");
	int64_t later = query_us("SELECT " US("statement_timestamp()"));
	CU_ASSERT(later > begin_us);
	CU_ASSERT_EQUAL(query_us("SELECT " US("transaction_timestamp()")),
			begin_us);
	ALX_TEST_EXEC_FATAL(db, "COMMIT");
	/* autocommit, prepared: each run's now() is its own statement's */
	ALX_TEST_EXEC_FATAL(db, "DELETE FROM b");
	for (int i = 1; i <= 5; i++) {
		CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, i), 0);
		CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
		CU_ASSERT_EQUAL(alopex_reset(ins), 0);
		pause_ms(2);
	}
	alopex_finalize(ins);
	ALX_TEST_CHECK_ROWS(
		alx_test_query_lines(
			db, "SELECT count(DISTINCT tt), bool_and(st = tt) "
			    "FROM b"),
		"5|t\n");
	CU_ASSERT(query_us("SELECT " US("min(tt)") " FROM b") > later);
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE b");
}

struct waiter {
	alopex_stmt *st;
	int rc;
	char ts[64];
	atomic_bool done;
};

static void *run_waiter(void *arg)
{
	struct waiter *w = arg;
	w->rc = alopex_step(w->st);
	if (w->rc == ALOPEX_ROW) {
		const char *t = alopex_column_text(w->st, 0);
		snprintf(w->ts, sizeof(w->ts), "%s", t ? t : "");
		w->rc = alopex_step(w->st);
	}
	atomic_store(&w->done, true);
	return NULL;
}

/*
 * An UPDATE waits for another transaction's row lock; while it waits, the
 * other reads clock_timestamp() and commits. The waiter's
 * statement_timestamp() (first asked for in RETURNING, after the wait) is
 * from before: the statement started before the other's reading.
 */
static void test_wait_keeps_start(void)
{
	ALX_TEST_EXEC_FATAL(db, "CREATE TABLE w (id int PRIMARY KEY, n int, "
				"ck timestamptz)");
	ALX_TEST_EXEC_FATAL(db, "INSERT INTO w VALUES (7, 0, NULL)");
	/* a lost wake-up fails the test instead of hanging it */
	ALX_TEST_EXEC_FATAL(db, "SET lock_timeout = '20s'");
	struct alx_session *other = alx_test_session(db);
	ALX_TEST_SESSION_OK(other, "BEGIN");
	ALX_TEST_SESSION_OK(other, "UPDATE w SET n = n + 10 WHERE id = 7");
	alopex_stmt *up = ALX_TEST_PREPARE(
		db, "UPDATE w SET n = n + 1 WHERE id = 7 RETURNING " US(
			    "statement_timestamp()"));
	static struct waiter x;
	memset(&x, 0, sizeof(x));
	x.st = up;
	atomic_init(&x.done, false);
	pthread_t th;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, run_waiter, &x), 0);
	pause_ms(200);
	CU_ASSERT(!atomic_load(&x.done)); /* it waits */
	ALX_TEST_SESSION_OK(other,
			    "UPDATE w SET ck = clock_timestamp() WHERE id = 7");
	ALX_TEST_SESSION_OK(other, "COMMIT");
	pthread_join(th, NULL);
	alx_session_destroy(other);
	CU_ASSERT_EQUAL(x.rc, ALOPEX_DONE);
	alopex_finalize(up);
	ALX_TEST_EXEC_FATAL(db, "SET lock_timeout = 0");
	int64_t ck = query_us("SELECT " US("ck") " FROM w");
	char *end = NULL;
	long long st = strtoll(x.ts, &end, 10);
	CU_ASSERT(end != x.ts && *end == '\0');
	if (!(st < ck))
		fprintf(stderr,
			"waiter's statement_timestamp %lld, other's "
			"clock_timestamp %" PRId64 "\n",
			st, ck);
	CU_ASSERT(st < ck);
	ALX_TEST_CHECK_ROWS(alx_test_query_lines(db, "SELECT n FROM w"),
			    "11\n");
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE w");
}

/* Step st; it must fail with sqlstate and a message containing msg. */
static void step_fails(alopex_stmt *st, const char *sqlstate, const char *msg)
{
	int rc = alopex_step(st);
	const char *got = alopex_sqlstate(db), *m = alopex_errmsg(db);
	if (rc >= 0 || strcmp(got, sqlstate) != 0 || strstr(m, msg) == NULL)
		fprintf(stderr, "step: rc %d %s %s (wanted %s %s)\n", rc, got,
			m, sqlstate, msg);
	CU_ASSERT(rc < 0);
	CU_ASSERT_STRING_EQUAL(got, sqlstate);
	CU_ASSERT_PTR_NOT_NULL(strstr(m, msg));
	CU_ASSERT_EQUAL(alopex_reset(st), 0);
}

static void test_timeouts(void)
{
	ALX_TEST_EXEC_FATAL(db, "CREATE TABLE k (id bigint PRIMARY KEY)");
	ALX_TEST_EXEC_FATAL(db, "SET statement_timeout = 300");
	/* the deadline is each run's: a run after a pause longer than the
	 * timeout still finishes */
	alopex_stmt *cnt = ALX_TEST_PREPARE(
		db, "SELECT count(*) FROM generate_series(1, $1)");
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(alopex_bind_int64(cnt, 1, 20000), 0);
		ALX_TEST_CHECK_ROWS(alx_test_stmt_lines(db, cnt), "20000\n");
		pause_ms(400);
	}
	alopex_finalize(cnt);
	ALX_TEST_EXEC_FATAL(db, "SET statement_timeout = 100");
	alopex_stmt *big = ALX_TEST_PREPARE(
		db, "INSERT INTO k SELECT g FROM generate_series(1, $1) g");
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(alopex_bind_int64(big, 1, 400000000), 0);
		step_fails(big, "57014",
			   "canceling statement due to statement timeout");
	}
	alopex_finalize(big);
	ALX_TEST_EXEC_FATAL(db, "SET statement_timeout = 0");
	ALX_TEST_CHECK_ROWS(alx_test_query_lines(db, "SELECT count(*) FROM k"),
			    "0\n");

	/* a row lock another session holds: lock_timeout ends the wait */
	struct alx_session *other = alx_test_session(db);
	ALX_TEST_SESSION_OK(other, "BEGIN");
	ALX_TEST_SESSION_OK(other, "INSERT INTO k VALUES (7)");
	ALX_TEST_EXEC_FATAL(db, "SET lock_timeout = '100ms'");
	alopex_stmt *ins = ALX_TEST_PREPARE(db, "INSERT INTO k VALUES ($1)");
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, 7), 0);
	step_fails(ins, "55P03", "canceling statement due to lock timeout");
	ALX_TEST_SESSION_OK(other, "ROLLBACK");
	alx_session_destroy(other);
	CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
	alopex_finalize(ins);
	ALX_TEST_EXEC_FATAL(db, "SET lock_timeout = 0");
	ALX_TEST_CHECK_ROWS(alx_test_query_lines(db, "SELECT id FROM k"),
			    "7\n");
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE k");
}

/* The prepared INSERT's inline paths fail as the general ones do. */
static void test_insert_errors(void)
{
	ALX_TEST_EXEC_FATAL(db, "CREATE TABLE e (id bigint PRIMARY KEY, "
				"v text NOT NULL, n int, d int DEFAULT 5)");
	alopex_stmt *ins =
		ALX_TEST_PREPARE(db, "INSERT INTO e VALUES ($1, $2, $3, $4)");
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, 1), 0);
	CU_ASSERT_EQUAL(alopex_bind_null(ins, 2), 0);
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 3, 2), 0);
	CU_ASSERT_EQUAL(alopex_bind_null(ins, 4), 0);
	step_fails(ins, "23502",
		   "null value in column \"v\" of relation \"e\" violates "
		   "not-null constraint");
	CU_ASSERT_EQUAL(alopex_bind_text(ins, 2, "a\xff", 2), 0);
	step_fails(ins, "22021",
		   "invalid byte sequence for encoding \"UTF8\": 0xff");
	CU_ASSERT_EQUAL(alopex_bind_text(ins, 2, "ok", -1), 0);
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 3, 5000000000), 0);
	step_fails(ins, "22003", "integer out of range");
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 3, 3), 0);
	CU_ASSERT_EQUAL(alopex_bind_text(ins, 1, "x1", -1), 0);
	step_fails(ins, "22P02",
		   "invalid input syntax for type bigint: \"x1\"");
	CU_ASSERT_EQUAL(alopex_bind_text(ins, 1, "11", -1), 0);
	CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
	CU_ASSERT_EQUAL(alopex_reset(ins), 0);
	step_fails(ins, "23505",
		   "duplicate key value violates unique constraint \"e_pkey\"");
	alopex_finalize(ins);
	/* columns left out take their defaults */
	ins = ALX_TEST_PREPARE(db, "INSERT INTO e (v, id) VALUES ($1, $2)");
	CU_ASSERT_EQUAL(alopex_bind_text(ins, 1, "two", -1), 0);
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 2, 2), 0);
	CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
	CU_ASSERT_EQUAL(alopex_reset(ins), 0);
	CU_ASSERT_EQUAL(alopex_bind_null(ins, 1), 0);
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 2, 3), 0);
	step_fails(ins, "23502", "Failing row contains (3, null, null, 5).");
	alopex_finalize(ins);
	ALX_TEST_CHECK_ROWS(
		alx_test_query_lines(db, "SELECT id, v, n IS NULL, d IS NULL "
					 "FROM e ORDER BY id"),
		"2|two|t|f\n11|ok|f|t\n");
	ALX_TEST_CHECK_ROWS(
		alx_test_query_lines(db, "SELECT d FROM e WHERE id = 2"),
		"5\n");
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE e");
}

static const struct alx_test_case cases[] = {
	{"multi_row_insert", test_multi_row_insert},
	{"block", test_block},
	{"timeouts", test_timeouts},
	{"insert_errors", test_insert_errors},
	{"wait_keeps_start", test_wait_keeps_start},
	{NULL, NULL}};

static const struct alx_test_suite suite = {"stmt_clock", setup, teardown,
					    cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
