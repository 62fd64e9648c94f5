/*
 * TPC-B's statements in a transaction block (BEGIN, UPDATE, SELECT and
 * INSERT by key) run on the I/O worker that read them, with row locks
 * that never wait there: one that would is undone and the same Execute
 * goes to an executor, which runs it again and waits as usual (srv_net.c,
 * pgw_msg_cheap, alx_session_set_noblock). Checked by result, with one I/O
 * worker so that every connection shares it: the waiting writer gets one
 * result, after the holder commits, with the newest value; lock_timeout,
 * statement_timeout, cancel and deadlocks end its wait as before; a
 * pipeline that hands off in the middle keeps its order.
 *
 * The traces are what PostgreSQL 15 sends for the same messages (checked
 * with PGWT_EXTERNAL_PORT; the deadlock case accepts either loser).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "alx_test.h"
#include "alx_test_pq.h"
#include "pgw_testlib.h"

/* one I/O worker: a statement waiting there would stall everyone */
ALX_TEST_PQ_SERVER_SUITE_WORKERS(srv, "pgwtpcb", ALX_TEST_PQ_CONFIG, 1)

#define TRACE_MS 5000 /* silence that ends a trace */

/* The TPC-B statements prepared on session fd. */
static void prepare(int fd, const char *table)
{
	char sql[256];
	struct pgwt_msgbuf b = {0};
	pgwt_put_parse(&b, "beg", "BEGIN");
	pgwt_put_parse(&b, "end", "END");
	snprintf(sql, sizeof(sql), "UPDATE %s SET v = v + $1 WHERE id = $2",
		 table);
	pgwt_put_parse(&b, "upd", sql);
	snprintf(sql, sizeof(sql), "SELECT v FROM %s WHERE id = $1", table);
	pgwt_put_parse(&b, "sel", sql);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO %s_h VALUES ($1, $2, CURRENT_TIMESTAMP)", table);
	pgwt_put_parse(&b, "ins", sql);
	pgwt_put_sync(&b);
	pgwt_expect(fd, &b, 1, TRACE_MS, "1 1 1 1 1 Z:I", "Parse");
	pgwt_msgbuf_free(&b);
}

/* fn on two sessions with the statements prepared, after making table
 * (rows of v = 0) and its history table table_h. */
static void run_tpcb(const char *table, int rows, pgwt_two_fn fn)
{
	int fd = pgwt_raw_session(srv.port);
	CU_ASSERT_FATAL(fd >= 0);
	char sql[256];
	struct pgwt_msgbuf b = {0};
	snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s, %s_h", table,
		 table);
	pgwt_put_query(&b, sql);
	snprintf(sql, sizeof(sql),
		 "CREATE TABLE %s (id int PRIMARY KEY, v int NOT NULL)", table);
	pgwt_put_query(&b, sql);
	snprintf(sql, sizeof(sql),
		 "CREATE TABLE %s_h (id int, delta int, t timestamptz)", table);
	pgwt_put_query(&b, sql);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO %s SELECT g, 0 FROM generate_series(1, %d) g",
		 table, rows);
	pgwt_put_query(&b, sql);
	pgwt_expect_has(fd, &b, 4, TRACE_MS, "C:INSERT 0", "create");
	pgwt_msgbuf_free(&b);
	close(fd);
	struct pgwt_two t;
	pgwt_two_open(&t, srv.port);
	prepare(t.a, table);
	prepare(t.o, table);
	fn(t.a, t.o, &t.b);
	pgwt_two_close(&t);
}

static void stmt0(struct pgwt_msgbuf *b, const char *name)
{
	pgwt_put_run(b, name, 0, NULL);
	pgwt_put_sync(b);
}

static void upd(struct pgwt_msgbuf *b, const char *delta, const char *id)
{
	const char *v[] = {delta, id};
	pgwt_put_run(b, "upd", 2, v);
	pgwt_put_sync(b);
}

static void sel(struct pgwt_msgbuf *b, const char *id)
{
	const char *v[] = {id};
	pgwt_put_run(b, "sel", 1, v);
	pgwt_put_sync(b);
}

static void ins(struct pgwt_msgbuf *b, const char *id, const char *delta)
{
	const char *v[] = {id, delta};
	pgwt_put_run(b, "ins", 2, v);
	pgwt_put_sync(b);
}

/* BEGIN and an UPDATE of row id: the block holds its lock. */
static void lock_row(int fd, struct pgwt_msgbuf *b, const char *delta,
		     const char *id, const char *what)
{
	stmt0(b, "beg");
	upd(b, delta, id);
	pgwt_expect(fd, b, 2, TRACE_MS, "2 C:BEGIN Z:T 2 C:UPDATE 1 Z:T", what);
}

/* Rows 1 and 2 hold v1 and v2 (read outside a block). */
static void expect_values(int fd, struct pgwt_msgbuf *b, const char *v1,
			  const char *v2)
{
	char want[128];
	snprintf(want, sizeof(want),
		 "2 D:%s C:SELECT 1 Z:I 2 D:%s C:SELECT 1 Z:I", v1, v2);
	sel(b, "1");
	sel(b, "2");
	pgwt_expect(fd, b, 2, TRACE_MS, want, "values");
}

/*
 * Send b on fd, then check that no statement completes within 300 ms: it
 * waits. What did arrive (BindComplete, results of statements before it)
 * goes to got, to be joined with the rest.
 */
static void send_blocked(int fd, struct pgwt_msgbuf *b, char *got, size_t cap,
			 const char *what)
{
	CU_ASSERT_EQUAL_FATAL(pgwt_send(fd, b), 0);
	pgwt_trace_n(fd, 100, 100, 300, got, cap);
	/* still waiting: its CommandComplete must not have come */
	if (strstr(got, "EOF") != NULL)
		fprintf(stderr, "%s: connection closed: %s\n", what, got);
	CU_ASSERT_PTR_NULL(strstr(got, "EOF"));
}

/* The rest of a blocked pipeline, after what send_blocked saw. */
static void expect_rest(int fd, int nready, const char *got, const char *want,
			const char *what)
{
	char rest[4096], all[8192];
	pgwt_trace(fd, nready, 10000, rest, sizeof(rest));
	snprintf(all, sizeof(all), "%s%s%s", got, got[0] && rest[0] ? " " : "",
		 rest);
	pgwt_check_trace(all, want, what);
}

/* Two transactions update one row: the second waits, then applies its
 * change to the first's committed value; one result each. */
static void same_row(int a, int o, struct pgwt_msgbuf *b)
{
	lock_row(a, b, "1", "1", "a locks row 1");

	lock_row(o, b, "5", "2", "o locks row 2");
	char got[1024];
	upd(b, "10", "1");
	send_blocked(o, b, got, sizeof(got), "o waits for row 1");
	CU_ASSERT_PTR_NULL(strstr(got, "C:"));

	/* a goes on meanwhile, on the same I/O worker */
	sel(b, "1");
	ins(b, "1", "1");
	stmt0(b, "end");
	pgwt_expect(a, b, 3, TRACE_MS,
		    "2 D:1 C:SELECT 1 Z:T 2 C:INSERT 0 1 Z:T 2 C:COMMIT Z:I",
		    "a commits");
	expect_rest(o, 1, got, "2 C:UPDATE 1 Z:T", "o after a's commit");
	sel(b, "1");
	sel(b, "2");
	stmt0(b, "end");
	pgwt_expect(o, b, 3, TRACE_MS,
		    "2 D:11 C:SELECT 1 Z:T 2 D:5 C:SELECT 1 Z:T 2 C:COMMIT Z:I",
		    "o sees its own change on the newest version");
	sel(b, "1");
	pgwt_expect(a, b, 1, TRACE_MS, "2 D:11 C:SELECT 1 Z:I",
		    "both committed");

	/* the holder rolls back: the waiter's change applies to the old
	 * value */
	lock_row(a, b, "100", "3", "a locks row 3");
	stmt0(b, "beg");
	pgwt_expect(o, b, 1, TRACE_MS, "2 C:BEGIN Z:T", "o begins");
	upd(b, "7", "3");
	send_blocked(o, b, got, sizeof(got), "o waits for row 3");
	pgwt_put_query(b, "ROLLBACK");
	pgwt_expect(a, b, 1, TRACE_MS, "C:ROLLBACK Z:I", "a rolls back");
	expect_rest(o, 1, got, "2 C:UPDATE 1 Z:T", "o after a's rollback");
	stmt0(b, "end");
	pgwt_expect(o, b, 1, TRACE_MS, "2 C:COMMIT Z:I", "o commits");
	sel(b, "3");
	pgwt_expect(a, b, 1, TRACE_MS, "2 D:7 C:SELECT 1 Z:I",
		    "only o's change");

	/* two transactions in one write: each COMMIT's reply waits for its
	 * durability, the rest of the pipeline behind it, in order */
	for (int i = 0; i < 2; i++) {
		stmt0(b, "beg");
		upd(b, "1", "4");
		ins(b, "4", "1");
		stmt0(b, "end");
	}
	sel(b, "4");
	pgwt_expect(a, b, 9, TRACE_MS,
		    "2 C:BEGIN Z:T 2 C:UPDATE 1 Z:T 2 C:INSERT 0 1 Z:T "
		    "2 C:COMMIT Z:I "
		    "2 C:BEGIN Z:T 2 C:UPDATE 1 Z:T 2 C:INSERT 0 1 Z:T "
		    "2 C:COMMIT Z:I 2 D:2 C:SELECT 1 Z:I",
		    "two transactions pipelined");
}

static void test_same_row(void)
{
	run_tpcb("tb1", 10, same_row);
}

/* lock_timeout and statement_timeout end a wait that began on the I/O
 * worker and went on on an executor. */
static void timeouts(int a, int o, struct pgwt_msgbuf *b)
{
	lock_row(a, b, "1", "1", "a locks row 1");

	pgwt_put_query(b, "SET lock_timeout = '300ms'");
	stmt0(b, "beg");
	upd(b, "1", "2");
	upd(b, "1", "1");
	pgwt_expect(o, b, 4, TRACE_MS,
		    "C:SET Z:I 2 C:BEGIN Z:T 2 C:UPDATE 1 Z:T 2 E:55P03 Z:E",
		    "lock timeout");
	CU_ASSERT_STRING_EQUAL(pgwt_last_error_field('M'),
			       "canceling statement due to lock timeout");
	pgwt_put_query(b, "ROLLBACK");
	pgwt_expect(o, b, 1, TRACE_MS, "C:ROLLBACK Z:I", "after the timeout");

	pgwt_put_query(b, "SET lock_timeout = 0");
	pgwt_put_query(b, "SET statement_timeout = '300ms'");
	stmt0(b, "beg");
	upd(b, "1", "1");
	pgwt_expect(o, b, 4, TRACE_MS,
		    "C:SET Z:I C:SET Z:I 2 C:BEGIN Z:T 2 E:57014 Z:E",
		    "statement timeout");
	CU_ASSERT_STRING_EQUAL(pgwt_last_error_field('M'),
			       "canceling statement due to statement timeout");
	pgwt_put_query(b, "ROLLBACK");
	pgwt_put_query(b, "SET statement_timeout = 0");
	pgwt_expect(o, b, 2, TRACE_MS, "C:ROLLBACK Z:I C:SET Z:I", "reset");

	stmt0(b, "end");
	pgwt_expect(a, b, 1, TRACE_MS, "2 C:COMMIT Z:I", "a commits");
	/* o's timed-out changes are gone, row 2 too */
	expect_values(o, b, "1", "0");
}

static void test_timeouts(void)
{
	run_tpcb("tb2", 4, timeouts);
}

/*
 * A deadlock between two blocks: 40P01 to one, the other goes on. Here
 * the second waiter sees the cycle at once; PostgreSQL reports it to the
 * one whose deadlock_timeout fires first (the first waiter).
 */
static void deadlock(int a, int o, struct pgwt_msgbuf *b)
{
	lock_row(a, b, "1", "1", "a locks row 1");
	lock_row(o, b, "1", "2", "o locks row 2");
	char got_a[1024], tr[1024];
	upd(b, "1", "2");
	send_blocked(a, b, got_a, sizeof(got_a), "a waits for row 2");
	CU_ASSERT_PTR_NULL(strstr(got_a, "C:"));
	upd(b, "1", "1");
	CU_ASSERT_EQUAL_FATAL(pgwt_send(o, b), 0);
	pgwt_trace(o, 1, 10000, tr, sizeof(tr));
	bool o_lost = strcmp(tr, "2 E:40P01 Z:E") == 0;
	int loser = o_lost ? o : a, winner = o_lost ? a : o;
	if (o_lost) {
		CU_ASSERT_STRING_EQUAL(pgwt_last_error_field('M'),
				       "deadlock detected");
		/* a failed block keeps its row locks until it ends */
		pgwt_put_query(b, "ROLLBACK");
		pgwt_expect(o, b, 1, TRACE_MS, "C:ROLLBACK Z:I",
			    "o rolls back");
		expect_rest(a, 1, got_a, "2 C:UPDATE 1 Z:T", "a goes on");
	} else {
		CU_ASSERT_STRING_EQUAL(tr, "2 C:UPDATE 1 Z:T");
		expect_rest(a, 1, got_a, "2 E:40P01 Z:E", "a lost");
		CU_ASSERT_STRING_EQUAL(pgwt_last_error_field('M'),
				       "deadlock detected");
		pgwt_put_query(b, "ROLLBACK");
		pgwt_expect(a, b, 1, TRACE_MS, "C:ROLLBACK Z:I",
			    "a rolls back");
	}
	stmt0(b, "end");
	pgwt_expect(winner, b, 1, TRACE_MS, "2 C:COMMIT Z:I",
		    "the winner commits");
	/* the winner's two increments */
	expect_values(loser, b, "1", "1");
}

static void test_deadlock(void)
{
	run_tpcb("tb3", 4, deadlock);
}

/* A whole TPC-B transaction in one write; its second UPDATE waits, so
 * the rest goes to an executor behind it, in order. */
static void pipeline_handoff(int a, int o, struct pgwt_msgbuf *b)
{
	lock_row(a, b, "1", "5", "a locks row 5");

	stmt0(b, "beg");
	upd(b, "3", "6");
	upd(b, "3", "5");
	sel(b, "5");
	sel(b, "6");
	ins(b, "5", "3");
	stmt0(b, "end");
	sel(b, "5");
	char got[2048];
	send_blocked(o, b, got, sizeof(got), "o's pipeline waits");
	/* BEGIN and the first UPDATE are answered, the second waits */
	CU_ASSERT_PTR_NULL(strstr(got, "C:UPDATE 1 Z:T 2 C:UPDATE"));
	/* the holder commits on the same worker */
	stmt0(b, "end");
	pgwt_expect(a, b, 1, TRACE_MS, "2 C:COMMIT Z:I", "a commits");
	expect_rest(o, 8, got,
		    "2 C:BEGIN Z:T 2 C:UPDATE 1 Z:T 2 C:UPDATE 1 Z:T "
		    "2 D:4 C:SELECT 1 Z:T 2 D:3 C:SELECT 1 Z:T "
		    "2 C:INSERT 0 1 Z:T 2 C:COMMIT Z:I 2 D:4 C:SELECT 1 Z:I",
		    "o's pipeline in order");
	pgwt_put_query(b, "SELECT count(*) FROM tb4_h");
	pgwt_expect(a, b, 1, TRACE_MS, "T:0 D:1 C:SELECT 1 Z:I",
		    "one history row");
}

static void test_pipeline_handoff(void)
{
	run_tpcb("tb4", 10, pipeline_handoff);
}

/* A cancel request reaches a statement that went to an executor to wait. */
static void cancel(int a, int o, struct pgwt_msgbuf *b)
{
	(void)o;
	lock_row(a, b, "1", "1", "a locks row 1");

	PGconn *c = PQconnectdb(srv.conninfo);
	CU_ASSERT_FATAL(PQstatus(c) == CONNECTION_OK);
	PGresult *r = PQexec(c, "BEGIN");
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	r = PQprepare(c, "u", "UPDATE tb5 SET v = v + $1 WHERE id = $2", 0,
		      NULL);
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	const char *v[] = {"10", "1"};
	CU_ASSERT_FATAL(PQsendQueryPrepared(c, "u", 2, v, NULL, NULL, 0) == 1);
	pgwt_sleep_ms(300);
	/* still waiting */
	CU_ASSERT_EQUAL(PQconsumeInput(c), 1);
	CU_ASSERT_EQUAL(PQisBusy(c), 1);
	char err[256];
	PGcancel *cc = PQgetCancel(c);
	CU_ASSERT_FATAL(cc != NULL);
	CU_ASSERT_EQUAL(PQcancel(cc, err, sizeof(err)), 1);
	PQfreeCancel(cc);
	r = PQgetResult(c);
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_FATAL_ERROR);
	CU_ASSERT_STRING_EQUAL(PQresultErrorField(r, PG_DIAG_SQLSTATE),
			       "57014");
	CU_ASSERT_STRING_EQUAL(PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY),
			       "canceling statement due to user request");
	PQclear(r);
	while ((r = PQgetResult(c)) != NULL)
		PQclear(r);
	r = PQexec(c, "ROLLBACK");
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	PQfinish(c);
	stmt0(b, "end");
	sel(b, "1");
	pgwt_expect(a, b, 2, TRACE_MS, "2 C:COMMIT Z:I 2 D:1 C:SELECT 1 Z:I",
		    "a commits");
}

static void test_cancel(void)
{
	run_tpcb("tb5", 4, cancel);
}

static const struct alx_test_case cases[] = {
	{"same_row", test_same_row},
	{"timeouts", test_timeouts},
	{"deadlock", test_deadlock},
	{"pipeline_handoff", test_pipeline_handoff},
	{"cancel", test_cancel},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"pgwire/tpcb", setup, teardown,
					    cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_pq_main(argc, argv, s);
}
