/*
 * The extended protocol in a failed transaction block (issue 3): after an
 * error inside BEGIN, PostgreSQL 15 refuses with 25P02 "current
 * transaction is aborted, commands ignored until end of transaction
 * block" a Parse of anything but COMMIT / ROLLBACK (an empty query
 * passes), a Bind of anything but those (and of them with parameters),
 * a Describe of a statement or portal that returns rows (a statement
 * without result columns is described), an Execute of a portal bound
 * before the error, and a simple query; COMMIT or ROLLBACK end the block.
 * Every expected trace below was recorded against a real PostgreSQL 15
 * server (PGWT_EXTERNAL_PORT, see pgw_testlib.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alx_test.h"
#include "alx_test_pq.h"
#include "pgw_testlib.h"

ALX_TEST_PQ_SERVER_SUITE(srv, "pgwfail", ALX_TEST_PQ_CONFIG)

#define TRACE_MS 700 /* silence that ends a trace */

static const char aborted[] = "current transaction is aborted, commands "
			      "ignored until end of transaction block";

static const char *const v1[] = {"1"};

/*
 * A session with statements prepared outside any block: sel (rows, one
 * parameter), ins (no rows, one parameter), roll (ROLLBACK), comm
 * (COMMIT); then BEGIN, a named portal pp of sel, and an error.
 */
static int failed_session(struct pgwt_msgbuf *b)
{
	int a = pgwt_raw_session(srv.port);
	if (a < 0)
		return -1;
	pgwt_put_query(b, "CREATE TABLE IF NOT EXISTS ft (id int PRIMARY KEY)");
	pgwt_expect_has(a, b, 1, TRACE_MS, "Z:I", "table");
	pgwt_put_parse(b, "sel", "SELECT id FROM ft WHERE id = $1");
	pgwt_put_parse(b, "ins", "INSERT INTO ft VALUES ($1)");
	pgwt_put_parse(b, "roll", "ROLLBACK");
	pgwt_put_parse(b, "comm", "COMMIT");
	pgwt_put_sync(b);
	pgwt_expect(a, b, 1, TRACE_MS, "1 1 1 1 Z:I", "prepare");
	pgwt_put_query(b, "BEGIN");
	pgwt_put_bind(b, "pp", "sel", 1, v1, -1);
	pgwt_put_sync(b);
	pgwt_expect(a, b, 2, TRACE_MS, "C:BEGIN Z:T 2 Z:T", "begin, portal");
	pgwt_put_query(b, "SELECT 1/0");
	pgwt_expect(a, b, 1, TRACE_MS, "E:22012 Z:E", "the error");
	return a;
}

/* Send b, want `want`, and the 25P02 message when it has an error. */
static void expect_aborted(int a, struct pgwt_msgbuf *b, const char *want,
			   const char *what)
{
	pgwt_expect(a, b, 1, TRACE_MS, want, what);
	if (strstr(want, "E:25P02") != NULL)
		CU_ASSERT_STRING_EQUAL(pgwt_last_error_field('M'), aborted);
}

/* Parse: only COMMIT, ROLLBACK and the empty query. */
static void test_parse(void)
{
	struct pgwt_msgbuf b = {0};
	int a = failed_session(&b);
	CU_ASSERT_FATAL(a >= 0);
	pgwt_put_parse(&b, "x", "SELECT 1");
	pgwt_put_sync(&b);
	expect_aborted(a, &b, "E:25P02 Z:E", "parse SELECT");
	pgwt_put_parse(&b, "y", "INSERT INTO ft VALUES (7)");
	pgwt_put_sync(&b);
	expect_aborted(a, &b, "E:25P02 Z:E", "parse INSERT");
	/* a syntax error is found first, a missing table is not */
	pgwt_put_parse(&b, "y", "SELEC 1");
	pgwt_put_sync(&b);
	expect_aborted(a, &b, "E:42601 Z:E", "parse syntax error");
	pgwt_put_parse(&b, "y", "SELECT * FROM nosuch");
	pgwt_put_sync(&b);
	expect_aborted(a, &b, "E:25P02 Z:E", "parse missing table");
	pgwt_put_parse(&b, "", "");
	pgwt_put_parse(&b, "r2", "ROLLBACK");
	pgwt_put_parse(&b, "c2", "COMMIT");
	pgwt_put_sync(&b);
	expect_aborted(a, &b, "1 1 1 Z:E", "parse empty, ROLLBACK, COMMIT");
	/* the refused Parse created nothing */
	pgwt_put_describe(&b, 'S', "x");
	pgwt_put_sync(&b);
	expect_aborted(a, &b, "E:26000 Z:E", "describe refused statement");
	/* an error in the pipeline skips to Sync, ROLLBACK then runs */
	pgwt_put_parse(&b, "z", "SELECT 2");
	pgwt_put_bind(&b, "", "r2", 0, NULL, -1);
	pgwt_put_execute(&b, "", 0);
	pgwt_put_sync(&b);
	pgwt_put_bind(&b, "", "r2", 0, NULL, -1);
	pgwt_put_execute(&b, "", 0);
	pgwt_put_sync(&b);
	pgwt_expect(a, &b, 2, TRACE_MS, "E:25P02 Z:E 2 C:ROLLBACK Z:I",
		    "skip, then ROLLBACK");
	pgwt_put_parse(&b, "x", "SELECT 1");
	pgwt_put_sync(&b);
	pgwt_expect(a, &b, 1, TRACE_MS, "1 Z:I", "parse after the block");
	pgwt_msgbuf_free(&b);
	close(a);
}

/* Bind: only COMMIT and ROLLBACK, without parameters. */
static void test_bind(void)
{
	struct pgwt_msgbuf b = {0};
	int a = failed_session(&b);
	CU_ASSERT_FATAL(a >= 0);
	pgwt_put_bind(&b, "", "sel", 1, v1, -1);
	pgwt_put_sync(&b);
	expect_aborted(a, &b, "E:25P02 Z:E", "bind SELECT");
	pgwt_put_bind(&b, "", "ins", 1, v1, -1);
	pgwt_put_execute(&b, "", 0);
	pgwt_put_sync(&b);
	expect_aborted(a, &b, "E:25P02 Z:E", "bind INSERT");
	/* the parameter count is checked first */
	pgwt_put_bind(&b, "", "sel", 0, NULL, -1);
	pgwt_put_sync(&b);
	expect_aborted(a, &b, "E:08P01 Z:E", "bind, parameters missing");
	CU_ASSERT_STRING_EQUAL(pgwt_last_error_field('M'),
			       "bind message supplies 0 parameters, but "
			       "prepared statement \"sel\" requires 1");
	/* a portal that already exists: the state is checked first */
	pgwt_put_bind(&b, "pp", "sel", 1, v1, -1);
	pgwt_put_sync(&b);
	expect_aborted(a, &b, "E:25P02 Z:E", "bind existing portal");
	/* COMMIT in a failed block rolls back */
	pgwt_put_bind(&b, "", "comm", 0, NULL, -1);
	pgwt_put_describe(&b, 'P', "");
	pgwt_put_execute(&b, "", 0);
	pgwt_put_sync(&b);
	expect_aborted(a, &b, "2 n C:ROLLBACK Z:I", "bind COMMIT");
	pgwt_put_bind(&b, "", "sel", 1, v1, -1);
	pgwt_put_execute(&b, "", 0);
	pgwt_put_sync(&b);
	pgwt_expect(a, &b, 1, TRACE_MS, "2 C:SELECT 0 Z:I",
		    "bind after the block");
	pgwt_msgbuf_free(&b);
	close(a);
}

/* Describe: refused for what returns rows; Execute: refused. */
static void test_describe_execute(void)
{
	struct pgwt_msgbuf b = {0};
	int a = failed_session(&b);
	CU_ASSERT_FATAL(a >= 0);
	pgwt_put_describe(&b, 'S', "sel");
	pgwt_put_sync(&b);
	expect_aborted(a, &b, "E:25P02 Z:E", "describe SELECT statement");
	pgwt_put_describe(&b, 'S', "ins");
	pgwt_put_describe(&b, 'S', "roll");
	pgwt_put_sync(&b);
	expect_aborted(a, &b, "t n t n Z:E", "describe INSERT, ROLLBACK");
	pgwt_put_describe(&b, 'P', "pp");
	pgwt_put_sync(&b);
	expect_aborted(a, &b, "E:25P02 Z:E", "describe portal");
	pgwt_put_execute(&b, "pp", 0);
	pgwt_put_sync(&b);
	expect_aborted(a, &b, "E:25P02 Z:E", "execute portal");
	pgwt_put_query(&b, "SELECT 1");
	expect_aborted(a, &b, "E:25P02 Z:E", "simple query");
	pgwt_put_query(&b, "ROLLBACK");
	pgwt_expect(a, &b, 1, TRACE_MS, "C:ROLLBACK Z:I", "rollback");
	/* the block's portals are gone with it */
	pgwt_put_execute(&b, "pp", 0);
	pgwt_put_sync(&b);
	pgwt_expect(a, &b, 1, TRACE_MS, "E:34000 Z:I", "portal after");
	pgwt_msgbuf_free(&b);
	close(a);
}

static const struct alx_test_case cases[] = {
	{"parse", test_parse},
	{"bind", test_bind},
	{"describe_execute", test_describe_execute},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"pgwire/failed_txn", setup,
					    teardown, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_pq_main(argc, argv, s);
}
