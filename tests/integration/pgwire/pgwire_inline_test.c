/*
 * The server runs cheap protocol work (Bind, Describe, Execute of a
 * prepared primary-key point read, Sync, Close, Flush) on the I/O worker
 * that read it and hands a connection to an executor before the first
 * message that may block (srv_net.c, pgw_msg_cheap). Checked here by
 * result: a pipeline that mixes both kinds keeps its order, transactions
 * and answers; a statement waiting for a row lock on one connection does
 * not stall point reads on another connection served by the same (only)
 * I/O worker, even though the lock holder is that other connection.
 * Every expected trace was recorded against PostgreSQL 15 as well
 * (PGWT_EXTERNAL_PORT), which answers the same.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alx_test.h"
#include "alx_test_pq.h"
#include "pgw_testlib.h"

/* one I/O worker: every connection shares it */
ALX_TEST_PQ_SERVER_SUITE_WORKERS(srv, "pgwinl", ALX_TEST_PQ_CONFIG, 1)

#define TRACE_MS 3000 /* silence that ends a trace */

static void point(struct pgwt_msgbuf *b, const char *id)
{
	const char *v[] = {id};
	pgwt_put_run(b, "pr", 1, v);
}

static void insert(struct pgwt_msgbuf *b, const char *id, const char *val)
{
	const char *v[] = {id, val};
	pgwt_put_run(b, "ins", 2, v);
}

/* Cheap and executor work in one pipeline: order, results, transactions. */
static void test_pipelined_mix(void)
{
	int a = pgwt_raw_session(srv.port);
	CU_ASSERT_FATAL(a >= 0);
	struct pgwt_msgbuf b = {0};
	pgwt_put_query(&b, "DROP TABLE IF EXISTS inl1");
	pgwt_put_query(&b, "CREATE TABLE inl1 (id int PRIMARY KEY, v text)");
	pgwt_put_query(&b, "INSERT INTO inl1 VALUES (1, 'one'), (2, 'two'), "
			   "(3, 'three')");
	pgwt_expect_has(a, &b, 3, TRACE_MS, "C:INSERT 0 3 Z:I", "setup");

	/* everything below goes out in one write */
	pgwt_put_parse(&b, "pr", "SELECT v FROM inl1 WHERE id = $1");
	pgwt_put_parse(&b, "ins", "INSERT INTO inl1 VALUES ($1, $2)");
	point(&b, "1");
	pgwt_put_sync(&b);
	/* the INSERT and the read of its row share a transaction */
	insert(&b, "4", "four");
	point(&b, "4");
	pgwt_put_sync(&b);
	point(&b, "2");
	pgwt_put_sync(&b);
	pgwt_put_query(&b, "SELECT count(*) FROM inl1");
	point(&b, "99");
	pgwt_put_sync(&b);
	/* Describe of the portal, then its rows */
	const char *v3[] = {"3"};
	pgwt_put_bind(&b, "", "pr", 1, v3, -1);
	pgwt_put_describe(&b, 'P', "");
	pgwt_put_execute(&b, "", 0);
	pgwt_put_sync(&b);
	/* an error skips to Sync and rolls back the INSERT before it */
	insert(&b, "5", "five");
	point(&b, "5");
	point(&b, "x");
	point(&b, "1");
	pgwt_put_sync(&b);
	point(&b, "5");
	pgwt_put_sync(&b);
	/* a portal that does not exist */
	pgwt_put_execute(&b, "nosuch", 0);
	pgwt_put_sync(&b);
	point(&b, "4");
	pgwt_put_close(&b, 'S', "pr");
	pgwt_put_sync(&b);
	point(&b, "4");
	pgwt_put_sync(&b);
	pgwt_expect(a, &b, 11, TRACE_MS,
		    "1 1 2 D:one C:SELECT 1 Z:I "
		    "2 C:INSERT 0 1 2 D:four C:SELECT 1 Z:I "
		    "2 D:two C:SELECT 1 Z:I "
		    "T:0 D:4 C:SELECT 1 Z:I "
		    "2 C:SELECT 0 Z:I "
		    "2 T:0 D:three C:SELECT 1 Z:I "
		    "2 C:INSERT 0 1 2 D:five C:SELECT 1 E:22P02 Z:I "
		    "2 C:SELECT 0 Z:I "
		    "E:34000 Z:I "
		    "2 D:four C:SELECT 1 3 Z:I "
		    "E:26000 Z:I",
		    "pipeline");
	CU_ASSERT_STRING_EQUAL(pgwt_last_error_field('M'),
			       "prepared statement \"pr\" does not exist");

	/* many point reads in one write, each answered in order */
	pgwt_put_parse(&b, "pr", "SELECT v FROM inl1 WHERE id = $1");
	pgwt_put_sync(&b);
	pgwt_expect(a, &b, 1, TRACE_MS, "1 Z:I", "Parse again");
	char want[4096] = "";
	size_t wl = 0;
	static const char *const ids[] = {"1", "2", "3", "4"};
	static const char *const vals[] = {"one", "two", "three", "four"};
	for (int i = 0; i < 40; i++) {
		point(&b, ids[i % 4]);
		pgwt_put_sync(&b);
		wl += (size_t)snprintf(want + wl, sizeof(want) - wl,
				       "%s2 D:%s C:SELECT 1 Z:I", i ? " " : "",
				       vals[i % 4]);
	}
	pgwt_expect(a, &b, 40, TRACE_MS, want, "40 point reads");

	/* simple queries: point reads run where they arrive, the rest (and
	 * what follows them) on an executor */
	pgwt_put_query(&b, "SELECT v FROM inl1 WHERE id = 2");
	pgwt_put_query(&b, "SELECT v FROM inl1 WHERE id = 1; "
			   "SELECT v FROM inl1 WHERE id = 3");
	pgwt_put_query(&b, "SELECT v FROM inl1 WHERE id = 'x'");
	pgwt_put_query(&b, "");
	pgwt_put_query(&b, "SELECT v FROM inl1 WHERE id = 4");
	pgwt_put_query(&b, "UPDATE inl1 SET v = 'uno' WHERE id = 1");
	pgwt_put_query(&b, "SELECT v FROM inl1 WHERE id = 1");
	point(&b, "1");
	pgwt_put_sync(&b);
	pgwt_expect(a, &b, 8, TRACE_MS,
		    "T:0 D:two C:SELECT 1 Z:I "
		    "T:0 D:one C:SELECT 1 T:0 D:three C:SELECT 1 Z:I "
		    "E:22P02 Z:I "
		    "I Z:I "
		    "T:0 D:four C:SELECT 1 Z:I "
		    "C:UPDATE 1 Z:I "
		    "T:0 D:uno C:SELECT 1 Z:I "
		    "2 D:uno C:SELECT 1 Z:I",
		    "simple queries");
	pgwt_msgbuf_free(&b);
	close(a);
}

/*
 * b holds a row lock; a's UPDATE of the row waits for it on an executor.
 * b's point reads, on the same I/O worker, are answered meanwhile: were
 * the waiting UPDATE run on the worker, b could never get an answer nor
 * COMMIT, and a would never finish.
 */
static void lock_wait_other_connection(int a, int o, struct pgwt_msgbuf *b)
{
	pgwt_put_query(b, "DROP TABLE IF EXISTS inl2");
	pgwt_put_query(b, "CREATE TABLE inl2 (id int PRIMARY KEY, v text)");
	pgwt_put_query(b, "INSERT INTO inl2 VALUES (1, 'one'), (2, 'two')");
	pgwt_expect_has(o, b, 3, TRACE_MS, "C:INSERT 0 2 Z:I", "setup");

	pgwt_put_query(b, "BEGIN");
	pgwt_put_query(b, "UPDATE inl2 SET v = 'held' WHERE id = 1");
	pgwt_expect(o, b, 2, TRACE_MS, "C:BEGIN Z:T C:UPDATE 1 Z:T",
		    "lock the row");

	pgwt_put_query(b, "UPDATE inl2 SET v = 'waited' WHERE id = 1");
	CU_ASSERT_EQUAL_FATAL(pgwt_send(a, b), 0);

	pgwt_put_parse(b, "pr", "SELECT v FROM inl2 WHERE id = $1");
	pgwt_put_sync(b);
	pgwt_expect(o, b, 1, TRACE_MS, "1 Z:T", "Parse");
	for (int i = 0; i < 20; i++) {
		point(b, i % 2 ? "1" : "2");
		pgwt_put_sync(b);
		pgwt_expect(o, b, 1, 10000,
			    i % 2 ? "2 D:held C:SELECT 1 Z:T"
				  : "2 D:two C:SELECT 1 Z:T",
			    "point read while the other waits");
	}
	/* a is still waiting (nothing to read after a quiet while) */
	char tr[1024];
	pgwt_trace_n(a, 1, 1, 300, tr, sizeof(tr));
	CU_ASSERT_STRING_EQUAL(tr, "");

	pgwt_put_query(b, "COMMIT");
	pgwt_expect(o, b, 1, TRACE_MS, "C:COMMIT Z:I", "COMMIT");
	pgwt_trace(a, 1, 10000, tr, sizeof(tr));
	CU_ASSERT_STRING_EQUAL(tr, "C:UPDATE 1 Z:I");
	point(b, "1");
	pgwt_put_sync(b);
	pgwt_expect(o, b, 1, TRACE_MS, "2 D:waited C:SELECT 1 Z:I",
		    "after both");
}

static void test_lock_wait_other_connection(void)
{
	pgwt_two_run(srv.port, lock_wait_other_connection);
}

static const struct alx_test_case cases[] = {
	{"pipelined_mix", test_pipelined_mix},
	{"lock_wait_other_connection", test_lock_wait_other_connection},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"pgwire/inline", setup, teardown,
					    cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_pq_main(argc, argv, s);
}
