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
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "alx_test.h"
#include "pgw_testlib.h"

static struct pgwt_server srv;

static int setup(void)
{
	if (pgwt_init(&srv, "pgwtpcb",
		      "protocols:\n  pgwire:\n    max_connections: 20\n") != 0)
		return -1;
	/* one I/O worker: a statement waiting there would stall everyone */
	srv.workers = 1;
	return pgwt_start(&srv);
}

static int teardown(void)
{
	int rc = pgwt_stop(&srv);
	pgwt_fini(&srv);
	return rc == 0 ? 0 : -1;
}

static void expect_t(int fd, struct pgwt_msgbuf *b, int nready, int timeout_ms,
		     const char *want, const char *what)
{
	char tr[4096];
	CU_ASSERT_EQUAL_FATAL(pgwt_send(fd, b), 0);
	pgwt_trace(fd, nready, timeout_ms, tr, sizeof(tr));
	if (strcmp(tr, want) != 0)
		fprintf(stderr, "\n%s:\n  want: %s\n  got:  %s\n", what, want,
			tr);
	CU_ASSERT_STRING_EQUAL(tr, want);
}

static void expect(int fd, struct pgwt_msgbuf *b, int nready, const char *want,
		   const char *what)
{
	expect_t(fd, b, nready, 5000, want, what);
}

/* A session with the TPC-B statements prepared. */
static int session(const char *table)
{
	int fd = pgwt_raw_connect(srv.port);
	if (fd >= 0 && pgwt_raw_startup(fd, "postgres", "postgres") != 0) {
		close(fd);
		return -1;
	}
	if (fd < 0)
		return -1;
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
	expect(fd, &b, 1, "1 1 1 1 1 Z:I", "Parse");
	pgwt_msgbuf_free(&b);
	return fd;
}

static void create(const char *table, int rows)
{
	int fd = pgwt_raw_connect(srv.port);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(pgwt_raw_startup(fd, "postgres", "postgres") == 0);
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
	char tr[1024];
	CU_ASSERT_EQUAL_FATAL(pgwt_send(fd, &b), 0);
	pgwt_trace(fd, 4, 5000, tr, sizeof(tr));
	CU_ASSERT_PTR_NOT_NULL(strstr(tr, "C:INSERT 0"));
	pgwt_msgbuf_free(&b);
	close(fd);
}

static void stmt0(struct pgwt_msgbuf *b, const char *name)
{
	pgwt_put_bind(b, "", name, 0, NULL, -1);
	pgwt_put_execute(b, "", 0);
	pgwt_put_sync(b);
}

static void upd(struct pgwt_msgbuf *b, const char *delta, const char *id)
{
	const char *v[] = {delta, id};
	pgwt_put_bind(b, "", "upd", 2, v, -1);
	pgwt_put_execute(b, "", 0);
	pgwt_put_sync(b);
}

static void sel(struct pgwt_msgbuf *b, const char *id)
{
	const char *v[] = {id};
	pgwt_put_bind(b, "", "sel", 1, v, -1);
	pgwt_put_execute(b, "", 0);
	pgwt_put_sync(b);
}

static void ins(struct pgwt_msgbuf *b, const char *id, const char *delta)
{
	const char *v[] = {id, delta};
	pgwt_put_bind(b, "", "ins", 2, v, -1);
	pgwt_put_execute(b, "", 0);
	pgwt_put_sync(b);
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
	if (strcmp(all, want) != 0)
		fprintf(stderr, "\n%s:\n  want: %s\n  got:  %s\n", what, want,
			all);
	CU_ASSERT_STRING_EQUAL(all, want);
}

/* Two transactions update one row: the second waits, then applies its
 * change to the first's committed value; one result each. */
static void test_same_row(void)
{
	create("tb1", 10);
	int a = session("tb1"), o = session("tb1");
	CU_ASSERT_FATAL(a >= 0 && o >= 0);
	struct pgwt_msgbuf b = {0};
	stmt0(&b, "beg");
	upd(&b, "1", "1");
	expect(a, &b, 2, "2 C:BEGIN Z:T 2 C:UPDATE 1 Z:T", "a locks row 1");

	stmt0(&b, "beg");
	upd(&b, "5", "2");
	expect(o, &b, 2, "2 C:BEGIN Z:T 2 C:UPDATE 1 Z:T", "o locks row 2");
	char got[1024];
	upd(&b, "10", "1");
	send_blocked(o, &b, got, sizeof(got), "o waits for row 1");
	CU_ASSERT_PTR_NULL(strstr(got, "C:"));

	/* a goes on meanwhile, on the same I/O worker */
	sel(&b, "1");
	ins(&b, "1", "1");
	stmt0(&b, "end");
	expect(a, &b, 3,
	       "2 D:1 C:SELECT 1 Z:T 2 C:INSERT 0 1 Z:T 2 C:COMMIT Z:I",
	       "a commits");
	expect_rest(o, 1, got, "2 C:UPDATE 1 Z:T", "o after a's commit");
	sel(&b, "1");
	sel(&b, "2");
	stmt0(&b, "end");
	expect(o, &b, 3,
	       "2 D:11 C:SELECT 1 Z:T 2 D:5 C:SELECT 1 Z:T 2 C:COMMIT Z:I",
	       "o sees its own change on the newest version");
	sel(&b, "1");
	expect(a, &b, 1, "2 D:11 C:SELECT 1 Z:I", "both committed");

	/* the holder rolls back: the waiter's change applies to the old
	 * value */
	stmt0(&b, "beg");
	upd(&b, "100", "3");
	expect(a, &b, 2, "2 C:BEGIN Z:T 2 C:UPDATE 1 Z:T", "a locks row 3");
	stmt0(&b, "beg");
	expect(o, &b, 1, "2 C:BEGIN Z:T", "o begins");
	upd(&b, "7", "3");
	send_blocked(o, &b, got, sizeof(got), "o waits for row 3");
	pgwt_put_query(&b, "ROLLBACK");
	expect(a, &b, 1, "C:ROLLBACK Z:I", "a rolls back");
	expect_rest(o, 1, got, "2 C:UPDATE 1 Z:T", "o after a's rollback");
	stmt0(&b, "end");
	expect(o, &b, 1, "2 C:COMMIT Z:I", "o commits");
	sel(&b, "3");
	expect(a, &b, 1, "2 D:7 C:SELECT 1 Z:I", "only o's change");

	/* two transactions in one write: each COMMIT's reply waits for its
	 * durability, the rest of the pipeline behind it, in order */
	for (int i = 0; i < 2; i++) {
		stmt0(&b, "beg");
		upd(&b, "1", "4");
		ins(&b, "4", "1");
		stmt0(&b, "end");
	}
	sel(&b, "4");
	expect(a, &b, 9,
	       "2 C:BEGIN Z:T 2 C:UPDATE 1 Z:T 2 C:INSERT 0 1 Z:T "
	       "2 C:COMMIT Z:I "
	       "2 C:BEGIN Z:T 2 C:UPDATE 1 Z:T 2 C:INSERT 0 1 Z:T "
	       "2 C:COMMIT Z:I 2 D:2 C:SELECT 1 Z:I",
	       "two transactions pipelined");
	pgwt_msgbuf_free(&b);
	close(a);
	close(o);
}

/* lock_timeout and statement_timeout end a wait that began on the I/O
 * worker and went on on an executor. */
static void test_timeouts(void)
{
	create("tb2", 4);
	int a = session("tb2"), o = session("tb2");
	CU_ASSERT_FATAL(a >= 0 && o >= 0);
	struct pgwt_msgbuf b = {0};
	stmt0(&b, "beg");
	upd(&b, "1", "1");
	expect(a, &b, 2, "2 C:BEGIN Z:T 2 C:UPDATE 1 Z:T", "a locks row 1");

	pgwt_put_query(&b, "SET lock_timeout = '300ms'");
	stmt0(&b, "beg");
	upd(&b, "1", "2");
	upd(&b, "1", "1");
	expect(o, &b, 4,
	       "C:SET Z:I 2 C:BEGIN Z:T 2 C:UPDATE 1 Z:T 2 E:55P03 Z:E",
	       "lock timeout");
	CU_ASSERT_STRING_EQUAL(pgwt_last_error_field('M'),
			       "canceling statement due to lock timeout");
	pgwt_put_query(&b, "ROLLBACK");
	expect(o, &b, 1, "C:ROLLBACK Z:I", "after the timeout");

	pgwt_put_query(&b, "SET lock_timeout = 0");
	pgwt_put_query(&b, "SET statement_timeout = '300ms'");
	stmt0(&b, "beg");
	upd(&b, "1", "1");
	expect(o, &b, 4, "C:SET Z:I C:SET Z:I 2 C:BEGIN Z:T 2 E:57014 Z:E",
	       "statement timeout");
	CU_ASSERT_STRING_EQUAL(pgwt_last_error_field('M'),
			       "canceling statement due to statement timeout");
	pgwt_put_query(&b, "ROLLBACK");
	pgwt_put_query(&b, "SET statement_timeout = 0");
	expect(o, &b, 2, "C:ROLLBACK Z:I C:SET Z:I", "reset");

	stmt0(&b, "end");
	expect(a, &b, 1, "2 C:COMMIT Z:I", "a commits");
	/* o's timed-out changes are gone, row 2 too */
	sel(&b, "1");
	sel(&b, "2");
	expect(o, &b, 2, "2 D:1 C:SELECT 1 Z:I 2 D:0 C:SELECT 1 Z:I", "values");
	pgwt_msgbuf_free(&b);
	close(a);
	close(o);
}

/*
 * A deadlock between two blocks: 40P01 to one, the other goes on. Here
 * the second waiter sees the cycle at once; PostgreSQL reports it to the
 * one whose deadlock_timeout fires first (the first waiter).
 */
static void test_deadlock(void)
{
	create("tb3", 4);
	int a = session("tb3"), o = session("tb3");
	CU_ASSERT_FATAL(a >= 0 && o >= 0);
	struct pgwt_msgbuf b = {0};
	stmt0(&b, "beg");
	upd(&b, "1", "1");
	expect(a, &b, 2, "2 C:BEGIN Z:T 2 C:UPDATE 1 Z:T", "a locks row 1");
	stmt0(&b, "beg");
	upd(&b, "1", "2");
	expect(o, &b, 2, "2 C:BEGIN Z:T 2 C:UPDATE 1 Z:T", "o locks row 2");
	char got_a[1024], tr[1024];
	upd(&b, "1", "2");
	send_blocked(a, &b, got_a, sizeof(got_a), "a waits for row 2");
	CU_ASSERT_PTR_NULL(strstr(got_a, "C:"));
	upd(&b, "1", "1");
	CU_ASSERT_EQUAL_FATAL(pgwt_send(o, &b), 0);
	pgwt_trace(o, 1, 10000, tr, sizeof(tr));
	bool o_lost = strcmp(tr, "2 E:40P01 Z:E") == 0;
	int loser = o_lost ? o : a, winner = o_lost ? a : o;
	if (o_lost) {
		CU_ASSERT_STRING_EQUAL(pgwt_last_error_field('M'),
				       "deadlock detected");
		/* a failed block keeps its row locks until it ends */
		pgwt_put_query(&b, "ROLLBACK");
		expect(o, &b, 1, "C:ROLLBACK Z:I", "o rolls back");
		expect_rest(a, 1, got_a, "2 C:UPDATE 1 Z:T", "a goes on");
	} else {
		CU_ASSERT_STRING_EQUAL(tr, "2 C:UPDATE 1 Z:T");
		expect_rest(a, 1, got_a, "2 E:40P01 Z:E", "a lost");
		CU_ASSERT_STRING_EQUAL(pgwt_last_error_field('M'),
				       "deadlock detected");
		pgwt_put_query(&b, "ROLLBACK");
		expect(a, &b, 1, "C:ROLLBACK Z:I", "a rolls back");
	}
	stmt0(&b, "end");
	expect(winner, &b, 1, "2 C:COMMIT Z:I", "the winner commits");
	/* the winner's two increments */
	sel(&b, "1");
	sel(&b, "2");
	expect(loser, &b, 2, "2 D:1 C:SELECT 1 Z:I 2 D:1 C:SELECT 1 Z:I",
	       "values");
	pgwt_msgbuf_free(&b);
	close(a);
	close(o);
}

/* A whole TPC-B transaction in one write; its second UPDATE waits, so
 * the rest goes to an executor behind it, in order. */
static void test_pipeline_handoff(void)
{
	create("tb4", 10);
	int a = session("tb4"), o = session("tb4");
	CU_ASSERT_FATAL(a >= 0 && o >= 0);
	struct pgwt_msgbuf b = {0};
	stmt0(&b, "beg");
	upd(&b, "1", "5");
	expect(a, &b, 2, "2 C:BEGIN Z:T 2 C:UPDATE 1 Z:T", "a locks row 5");

	stmt0(&b, "beg");
	upd(&b, "3", "6");
	upd(&b, "3", "5");
	sel(&b, "5");
	sel(&b, "6");
	ins(&b, "5", "3");
	stmt0(&b, "end");
	sel(&b, "5");
	char got[2048];
	send_blocked(o, &b, got, sizeof(got), "o's pipeline waits");
	/* BEGIN and the first UPDATE are answered, the second waits */
	CU_ASSERT_PTR_NULL(strstr(got, "C:UPDATE 1 Z:T 2 C:UPDATE"));
	/* the holder commits on the same worker */
	stmt0(&b, "end");
	expect(a, &b, 1, "2 C:COMMIT Z:I", "a commits");
	expect_rest(o, 8, got,
		    "2 C:BEGIN Z:T 2 C:UPDATE 1 Z:T 2 C:UPDATE 1 Z:T "
		    "2 D:4 C:SELECT 1 Z:T 2 D:3 C:SELECT 1 Z:T "
		    "2 C:INSERT 0 1 Z:T 2 C:COMMIT Z:I 2 D:4 C:SELECT 1 Z:I",
		    "o's pipeline in order");
	pgwt_put_query(&b, "SELECT count(*) FROM tb4_h");
	expect(a, &b, 1, "T:0 D:1 C:SELECT 1 Z:I", "one history row");
	pgwt_msgbuf_free(&b);
	close(a);
	close(o);
}

/* A cancel request reaches a statement that went to an executor to wait. */
static void test_cancel(void)
{
	create("tb5", 4);
	int a = session("tb5");
	CU_ASSERT_FATAL(a >= 0);
	struct pgwt_msgbuf b = {0};
	stmt0(&b, "beg");
	upd(&b, "1", "1");
	expect(a, &b, 2, "2 C:BEGIN Z:T 2 C:UPDATE 1 Z:T", "a locks row 1");

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
	stmt0(&b, "end");
	sel(&b, "1");
	expect(a, &b, 2, "2 C:COMMIT Z:I 2 D:1 C:SELECT 1 Z:I", "a commits");
	pgwt_msgbuf_free(&b);
	close(a);
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
	signal(SIGPIPE, SIG_IGN);
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
