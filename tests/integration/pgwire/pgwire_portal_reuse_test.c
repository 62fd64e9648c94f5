/*
 * The portal a prepared statement's Bind creates is kept when it is
 * dropped (at Sync, Close, or the next Bind) and rebound by the
 * statement's next Bind, and a point read first in an implicit
 * transaction runs on its own snapshot. Neither may show: results,
 * result formats, parameter errors, row limits, named portals, DDL
 * between executions and the implicit transaction's semantics are what
 * PostgreSQL 15 answers for the same messages (traces checked against a
 * PostgreSQL 15 server, as in pgwire_extended_test.c; the isolation case
 * too: READ COMMITTED reads each Execute on a fresh snapshot, REPEATABLE
 * READ keeps the first one until Sync).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alx_test.h"
#include "alx_test_pq.h"
#include "pgw_testlib.h"

ALX_TEST_PQ_SERVER_SUITE(srv, "pgwreuse", ALX_TEST_PQ_CONFIG)

static int raw_session(void)
{
	int fd = pgwt_raw_connect(srv.port);
	if (fd >= 0 && pgwt_raw_startup(fd, "postgres", "postgres") != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Send b, read until nready ReadyForQuery (or 700 ms of silence), and
 * compare the trace with want. */
static void expect(int fd, struct pgwt_msgbuf *b, int nready, const char *want,
		   const char *what)
{
	char tr[4096];
	CU_ASSERT_EQUAL_FATAL(pgwt_send(fd, b), 0);
	pgwt_trace(fd, nready, 700, tr, sizeof(tr));
	if (strcmp(tr, want) != 0)
		fprintf(stderr, "\n%s:\n  want: %s\n  got:  %s\n", what, want,
			tr);
	CU_ASSERT_STRING_EQUAL(tr, want);
}

/* Bind the unnamed portal to stmt with one parameter and execute it. */
static void run1(struct pgwt_msgbuf *b, const char *stmt, const char *param,
		 int rfmt, int describe)
{
	const char *const v[] = {param};
	pgwt_put_bind(b, "", stmt, 1, v, rfmt);
	if (describe)
		pgwt_put_describe(b, 'P', "");
	pgwt_put_execute(b, "", 0);
}

/* One portal rebound again and again: parameters, formats, errors. */
static void test_rebind(void)
{
	int a = raw_session();
	CU_ASSERT_FATAL(a >= 0);
	struct pgwt_msgbuf b = {0};
	pgwt_put_query(&b, "CREATE TABLE reu (id int PRIMARY KEY, v text); "
			   "INSERT INTO reu VALUES (1, 'one'), (2, 'two'), "
			   "(3, 'three')");
	expect(a, &b, 1, "C:CREATE TABLE C:INSERT 0 3 Z:I", "setup");

	pgwt_put_parse(&b, "pr", "SELECT id, v FROM reu WHERE id = $1");
	run1(&b, "pr", "1", -1, 1);
	pgwt_put_sync(&b);
	run1(&b, "pr", "2", 1, 1);
	pgwt_put_sync(&b);
	run1(&b, "pr", "3", -1, 1);
	pgwt_put_sync(&b);
	expect(a, &b, 3,
	       "1 2 T:00 D:1 C:SELECT 1 Z:I 2 T:11 D:(4 bytes) C:SELECT 1 "
	       "Z:I 2 T:00 D:3 C:SELECT 1 Z:I",
	       "text, binary, text again");

	/* no row, a NULL key, a bad parameter, then a good one */
	run1(&b, "pr", "4", -1, 0);
	pgwt_put_sync(&b);
	run1(&b, "pr", NULL, -1, 0);
	pgwt_put_sync(&b);
	run1(&b, "pr", "x", -1, 0);
	pgwt_put_sync(&b);
	expect(a, &b, 3, "2 C:SELECT 0 Z:I 2 C:SELECT 0 Z:I E:22P02 Z:I",
	       "no row, NULL, bad parameter");
	CU_ASSERT_STRING_EQUAL(pgwt_last_error_field('M'),
			       "invalid input syntax for type integer: \"x\"");
	run1(&b, "pr", "2", -1, 0);
	pgwt_put_sync(&b);
	expect(a, &b, 1, "2 D:2 C:SELECT 1 Z:I", "after the error");

	/* several Executes of rebinds before one Sync, and Close between */
	run1(&b, "pr", "1", -1, 0);
	run1(&b, "pr", "3", -1, 0);
	pgwt_put_close(&b, 'P', "");
	run1(&b, "pr", "2", -1, 0);
	pgwt_put_sync(&b);
	expect(a, &b, 1,
	       "2 D:1 C:SELECT 1 2 D:3 C:SELECT 1 3 2 D:2 C:SELECT 1 Z:I",
	       "rebinds in one transaction");

	/* a named portal: rebound under a new name, refused twice */
	const char *const k1[] = {"1"}, *const k3[] = {"3"};
	pgwt_put_bind(&b, "n1", "pr", 1, k1, -1);
	pgwt_put_execute(&b, "n1", 0);
	pgwt_put_close(&b, 'P', "n1");
	pgwt_put_bind(&b, "n2", "pr", 1, k3, -1);
	pgwt_put_execute(&b, "n2", 0);
	pgwt_put_execute(&b, "n1", 0);
	pgwt_put_sync(&b);
	expect(a, &b, 1, "2 D:1 C:SELECT 1 3 2 D:3 C:SELECT 1 E:34000 Z:I",
	       "named portals");
	pgwt_put_bind(&b, "n3", "pr", 1, k1, -1);
	pgwt_put_bind(&b, "n3", "pr", 1, k3, -1);
	pgwt_put_sync(&b);
	pgwt_put_bind(&b, "n3", "pr", 1, k3, -1);
	pgwt_put_execute(&b, "n3", 0);
	pgwt_put_sync(&b);
	expect(a, &b, 2, "2 E:42P03 Z:I 2 D:3 C:SELECT 1 Z:I",
	       "named portal twice");

	/* a row limit: the rest of a suspended point read goes at Sync */
	pgwt_put_bind(&b, "", "pr", 1, k1, -1);
	pgwt_put_execute(&b, "", 1);
	pgwt_put_sync(&b);
	pgwt_put_execute(&b, "", 1);
	pgwt_put_sync(&b);
	run1(&b, "pr", "3", -1, 0);
	pgwt_put_sync(&b);
	expect(a, &b, 3, "2 D:1 s Z:I E:34000 Z:I 2 D:3 C:SELECT 1 Z:I",
	       "suspended, then rebound");
	pgwt_msgbuf_free(&b);
	close(a);
}

/* Other sessions' writes and DDL between the executions of one portal. */
static void test_changes_between(void)
{
	int a = raw_session(), o = raw_session();
	CU_ASSERT_FATAL(a >= 0 && o >= 0);
	struct pgwt_msgbuf b = {0};
	pgwt_put_query(&b, "CREATE TABLE chg (id int PRIMARY KEY, v text); "
			   "INSERT INTO chg VALUES (1, 'one'), (2, 'two')");
	expect(o, &b, 1, "C:CREATE TABLE C:INSERT 0 2 Z:I", "setup");
	pgwt_put_parse(&b, "pv", "SELECT v FROM chg WHERE id = $1");
	run1(&b, "pv", "1", -1, 0);
	pgwt_put_sync(&b);
	expect(a, &b, 1, "1 2 D:one C:SELECT 1 Z:I", "first");
	pgwt_put_query(&b, "UPDATE chg SET v = 'uno' WHERE id = 1");
	expect(o, &b, 1, "C:UPDATE 1 Z:I", "update");
	run1(&b, "pv", "1", -1, 0);
	pgwt_put_sync(&b);
	expect(a, &b, 1, "2 D:uno C:SELECT 1 Z:I", "after the update");

	/* DDL: the statement is bound again, the portal follows */
	pgwt_put_query(&b, "CREATE INDEX chg_v ON chg (v)");
	expect(o, &b, 1, "C:CREATE INDEX Z:I", "index");
	run1(&b, "pv", "2", -1, 1);
	pgwt_put_sync(&b);
	expect(a, &b, 1, "2 T:0 D:two C:SELECT 1 Z:I", "after CREATE INDEX");
	pgwt_put_query(&b, "ALTER TABLE chg ADD COLUMN w int DEFAULT 7");
	expect(o, &b, 1, "C:ALTER TABLE Z:I", "add column");
	run1(&b, "pv", "1", -1, 1);
	pgwt_put_sync(&b);
	expect(a, &b, 1, "2 T:0 D:uno C:SELECT 1 Z:I", "after ADD COLUMN");
	pgwt_put_query(&b, "DROP TABLE chg");
	expect(o, &b, 1, "C:DROP TABLE Z:I", "drop");
	run1(&b, "pv", "1", -1, 0);
	pgwt_put_sync(&b);
	expect(a, &b, 1, "E:42P01 Z:I", "after DROP TABLE");
	CU_ASSERT_STRING_EQUAL(pgwt_last_error_field('M'),
			       "relation \"chg\" does not exist");
	pgwt_msgbuf_free(&b);
	close(a);
	close(o);
}

/* A point read first in the Executes up to a Sync. */
static void test_point_read_transaction(void)
{
	int a = raw_session(), o = raw_session();
	CU_ASSERT_FATAL(a >= 0 && o >= 0);
	struct pgwt_msgbuf b = {0};
	pgwt_put_query(&b, "CREATE TABLE ptx (id int PRIMARY KEY, v text); "
			   "INSERT INTO ptx VALUES (1, 'one'), (2, 'two')");
	expect(o, &b, 1, "C:CREATE TABLE C:INSERT 0 2 Z:I", "setup");
	pgwt_put_parse(&b, "pv", "SELECT v FROM ptx WHERE id = $1");
	pgwt_put_parse(&b, "ins", "INSERT INTO ptx VALUES ($1, 'x')");
	/* an error later rolls back the write after the read */
	run1(&b, "pv", "1", -1, 0);
	run1(&b, "ins", "10", -1, 0);
	run1(&b, "ins", "1", -1, 0);
	run1(&b, "pv", "2", -1, 0);
	pgwt_put_sync(&b);
	expect(a, &b, 1, "1 1 2 D:one C:SELECT 1 2 C:INSERT 0 1 2 E:23505 Z:I",
	       "read, write, error");
	pgwt_put_query(&b, "SELECT count(*) FROM ptx WHERE id = 10");
	expect(o, &b, 1, "T:0 D:0 C:SELECT 1 Z:I", "rolled back");

	/* a read after a write sees it; both commit at Sync */
	run1(&b, "pv", "1", -1, 0);
	run1(&b, "ins", "11", -1, 0);
	run1(&b, "pv", "11", -1, 0);
	pgwt_put_flush(&b);
	expect(a, &b, 1, "2 D:one C:SELECT 1 2 C:INSERT 0 1 2 D:x C:SELECT 1",
	       "read your write, before Sync");
	pgwt_put_query(&b, "SELECT count(*) FROM ptx WHERE id = 11");
	expect(o, &b, 1, "T:0 D:0 C:SELECT 1 Z:I", "not yet committed");
	pgwt_put_sync(&b);
	expect(a, &b, 1, "Z:I", "Sync");
	pgwt_put_query(&b, "SELECT count(*) FROM ptx WHERE id = 11");
	expect(o, &b, 1, "T:0 D:1 C:SELECT 1 Z:I", "committed");

	/* BEGIN after the read makes a block; the read stays answered */
	pgwt_put_parse(&b, "begin", "BEGIN");
	run1(&b, "pv", "2", -1, 0);
	pgwt_put_bind(&b, "", "begin", 0, NULL, -1);
	pgwt_put_execute(&b, "", 0);
	run1(&b, "ins", "12", -1, 0);
	run1(&b, "pv", "12", -1, 0);
	pgwt_put_sync(&b);
	expect(a, &b, 1,
	       "1 2 D:two C:SELECT 1 2 C:BEGIN 2 C:INSERT 0 1 2 D:x C:SELECT "
	       "1 Z:T",
	       "BEGIN after a read");
	pgwt_put_query(&b, "SELECT count(*) FROM ptx WHERE id = 12");
	expect(o, &b, 1, "T:0 D:0 C:SELECT 1 Z:I", "in the block");
	pgwt_put_query(&b, "ROLLBACK");
	expect(a, &b, 1, "C:ROLLBACK Z:I", "ROLLBACK");

	/* an error in the read itself: nothing is left open */
	pgwt_put_parse(&b, "pdiv",
		       "SELECT 1 / (id - 1) FROM ptx WHERE id = $1");
	run1(&b, "pdiv", "1", -1, 0);
	run1(&b, "ins", "13", -1, 0);
	pgwt_put_sync(&b);
	run1(&b, "pdiv", "2", -1, 0);
	pgwt_put_sync(&b);
	expect(a, &b, 2, "1 2 E:22012 Z:I 2 D:1 C:SELECT 1 Z:I",
	       "error in the read");
	pgwt_put_query(&b, "SELECT count(*) FROM ptx WHERE id = 13");
	expect(o, &b, 1, "T:0 D:0 C:SELECT 1 Z:I", "skipped after it");
	pgwt_msgbuf_free(&b);
	close(a);
	close(o);
}

/* READ COMMITTED: each Execute a fresh snapshot; REPEATABLE READ: the
 * first Execute's, until Sync. */
static void test_isolation(void)
{
	int a = raw_session(), o = raw_session();
	CU_ASSERT_FATAL(a >= 0 && o >= 0);
	struct pgwt_msgbuf b = {0};
	pgwt_put_query(&b, "CREATE TABLE iso (id int PRIMARY KEY, v text); "
			   "INSERT INTO iso VALUES (1, 'a')");
	expect(o, &b, 1, "C:CREATE TABLE C:INSERT 0 1 Z:I", "setup");
	pgwt_put_parse(&b, "pv", "SELECT v FROM iso WHERE id = $1");
	run1(&b, "pv", "1", -1, 0);
	pgwt_put_flush(&b);
	expect(a, &b, 1, "1 2 D:a C:SELECT 1", "read committed, first");
	pgwt_put_query(&b, "UPDATE iso SET v = 'b'");
	expect(o, &b, 1, "C:UPDATE 1 Z:I", "update 1");
	run1(&b, "pv", "1", -1, 0);
	pgwt_put_sync(&b);
	expect(a, &b, 1, "2 D:b C:SELECT 1 Z:I", "read committed, second");

	pgwt_put_query(&b, "SET default_transaction_isolation = "
			   "'repeatable read'");
	expect(a, &b, 1, "C:SET Z:I", "set");
	run1(&b, "pv", "1", -1, 0);
	pgwt_put_flush(&b);
	expect(a, &b, 1, "2 D:b C:SELECT 1", "repeatable read, first");
	pgwt_put_query(&b, "UPDATE iso SET v = 'c'");
	expect(o, &b, 1, "C:UPDATE 1 Z:I", "update 2");
	run1(&b, "pv", "1", -1, 0);
	pgwt_put_sync(&b);
	expect(a, &b, 1, "2 D:b C:SELECT 1 Z:I", "repeatable read, second");
	run1(&b, "pv", "1", -1, 0);
	pgwt_put_sync(&b);
	expect(a, &b, 1, "2 D:c C:SELECT 1 Z:I", "next transaction");
	pgwt_msgbuf_free(&b);
	close(a);
	close(o);
}

static const struct alx_test_case cases[] = {
	{"rebind", test_rebind},
	{"changes_between", test_changes_between},
	{"point_read_transaction", test_point_read_transaction},
	{"isolation", test_isolation},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"pgwire/portal_reuse", setup,
					    teardown, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_pq_main(argc, argv, s);
}
