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

#define TRACE_MS 700 /* silence that ends a trace (a Flush has no Z) */

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
	int a = pgwt_raw_session(srv.port);
	CU_ASSERT_FATAL(a >= 0);
	struct pgwt_msgbuf b = {0};
	pgwt_put_query(&b, "CREATE TABLE reu (id int PRIMARY KEY, v text); "
			   "INSERT INTO reu VALUES (1, 'one'), (2, 'two'), "
			   "(3, 'three')");
	pgwt_expect(a, &b, 1, TRACE_MS, "C:CREATE TABLE C:INSERT 0 3 Z:I",
		    "setup");

	pgwt_put_parse(&b, "pr", "SELECT id, v FROM reu WHERE id = $1");
	run1(&b, "pr", "1", -1, 1);
	pgwt_put_sync(&b);
	run1(&b, "pr", "2", 1, 1);
	pgwt_put_sync(&b);
	run1(&b, "pr", "3", -1, 1);
	pgwt_put_sync(&b);
	pgwt_expect(a, &b, 3, TRACE_MS,
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
	pgwt_expect(a, &b, 3, TRACE_MS,
		    "2 C:SELECT 0 Z:I 2 C:SELECT 0 Z:I E:22P02 Z:I",
		    "no row, NULL, bad parameter");
	CU_ASSERT_STRING_EQUAL(pgwt_last_error_field('M'),
			       "invalid input syntax for type integer: \"x\"");
	run1(&b, "pr", "2", -1, 0);
	pgwt_put_sync(&b);
	pgwt_expect(a, &b, 1, TRACE_MS, "2 D:2 C:SELECT 1 Z:I",
		    "after the error");

	/* several Executes of rebinds before one Sync, and Close between */
	run1(&b, "pr", "1", -1, 0);
	run1(&b, "pr", "3", -1, 0);
	pgwt_put_close(&b, 'P', "");
	run1(&b, "pr", "2", -1, 0);
	pgwt_put_sync(&b);
	pgwt_expect(a, &b, 1, TRACE_MS,
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
	pgwt_expect(a, &b, 1, TRACE_MS,
		    "2 D:1 C:SELECT 1 3 2 D:3 C:SELECT 1 E:34000 Z:I",
		    "named portals");
	pgwt_put_bind(&b, "n3", "pr", 1, k1, -1);
	pgwt_put_bind(&b, "n3", "pr", 1, k3, -1);
	pgwt_put_sync(&b);
	pgwt_put_bind(&b, "n3", "pr", 1, k3, -1);
	pgwt_put_execute(&b, "n3", 0);
	pgwt_put_sync(&b);
	pgwt_expect(a, &b, 2, TRACE_MS, "2 E:42P03 Z:I 2 D:3 C:SELECT 1 Z:I",
		    "named portal twice");

	/* a row limit: the rest of a suspended point read goes at Sync */
	pgwt_put_bind(&b, "", "pr", 1, k1, -1);
	pgwt_put_execute(&b, "", 1);
	pgwt_put_sync(&b);
	pgwt_put_execute(&b, "", 1);
	pgwt_put_sync(&b);
	run1(&b, "pr", "3", -1, 0);
	pgwt_put_sync(&b);
	pgwt_expect(a, &b, 3, TRACE_MS,
		    "2 D:1 s Z:I E:34000 Z:I 2 D:3 C:SELECT 1 Z:I",
		    "suspended, then rebound");
	pgwt_msgbuf_free(&b);
	close(a);
}

/* Other sessions' writes and DDL between the executions of one portal. */
static void changes_between(int a, int o, struct pgwt_msgbuf *b)
{
	pgwt_put_query(b, "CREATE TABLE chg (id int PRIMARY KEY, v text); "
			  "INSERT INTO chg VALUES (1, 'one'), (2, 'two')");
	pgwt_expect(o, b, 1, TRACE_MS, "C:CREATE TABLE C:INSERT 0 2 Z:I",
		    "setup");
	pgwt_put_parse(b, "pv", "SELECT v FROM chg WHERE id = $1");
	run1(b, "pv", "1", -1, 0);
	pgwt_put_sync(b);
	pgwt_expect(a, b, 1, TRACE_MS, "1 2 D:one C:SELECT 1 Z:I", "first");
	/* each change on o, then the portal again on a; after DDL the
	 * statement is bound again and the portal follows */
	static const struct {
		const char *sql, *done, *id;
		int describe;
		const char *want;
	} steps[] = {
		{"UPDATE chg SET v = 'uno' WHERE id = 1", "C:UPDATE 1 Z:I", "1",
		 0, "2 D:uno C:SELECT 1 Z:I"},
		{"CREATE INDEX chg_v ON chg (v)", "C:CREATE INDEX Z:I", "2", 1,
		 "2 T:0 D:two C:SELECT 1 Z:I"},
		{"ALTER TABLE chg ADD COLUMN w int DEFAULT 7",
		 "C:ALTER TABLE Z:I", "1", 1, "2 T:0 D:uno C:SELECT 1 Z:I"},
		{"DROP TABLE chg", "C:DROP TABLE Z:I", "1", 0, "E:42P01 Z:I"},
	};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		pgwt_put_query(b, steps[i].sql);
		pgwt_expect(o, b, 1, TRACE_MS, steps[i].done, steps[i].sql);
		run1(b, "pv", steps[i].id, -1, steps[i].describe);
		pgwt_put_sync(b);
		pgwt_expect(a, b, 1, TRACE_MS, steps[i].want, steps[i].sql);
	}
	CU_ASSERT_STRING_EQUAL(pgwt_last_error_field('M'),
			       "relation \"chg\" does not exist");
}

static void test_changes_between(void)
{
	pgwt_two_run(srv.port, changes_between);
}

/* A point read first in the Executes up to a Sync. */
static const struct pgwt_step point_read_steps[] = {
	{PGWT_O,
	 "Q CREATE TABLE ptx (id int PRIMARY KEY, v text); "
	 "INSERT INTO ptx VALUES (1, 'one'), (2, 'two')",
	 1, "C:CREATE TABLE C:INSERT 0 2 Z:I", NULL},
	/* an error later rolls back the write after the read */
	{PGWT_A,
	 "P pv SELECT v FROM ptx WHERE id = $1 | "
	 "P ins INSERT INTO ptx VALUES ($1, 'x') | pv 1 | ins 10 | ins 1 | "
	 "pv 2 | S",
	 1, "1 1 2 D:one C:SELECT 1 2 C:INSERT 0 1 2 E:23505 Z:I", NULL},
	{PGWT_O, "Q SELECT count(*) FROM ptx WHERE id = 10", 1,
	 "T:0 D:0 C:SELECT 1 Z:I", NULL},
	/* a read after a write sees it; both commit at Sync */
	{PGWT_A, "pv 1 | ins 11 | pv 11 | H", 1,
	 "2 D:one C:SELECT 1 2 C:INSERT 0 1 2 D:x C:SELECT 1", NULL},
	{PGWT_O, "Q SELECT count(*) FROM ptx WHERE id = 11", 1,
	 "T:0 D:0 C:SELECT 1 Z:I", NULL},
	{PGWT_A, "S", 1, "Z:I", NULL},
	{PGWT_O, "Q SELECT count(*) FROM ptx WHERE id = 11", 1,
	 "T:0 D:1 C:SELECT 1 Z:I", NULL},
	/* BEGIN after the read makes a block; the read stays answered */
	{PGWT_A, "P begin BEGIN | pv 2 | begin | ins 12 | pv 12 | S", 1,
	 "1 2 D:two C:SELECT 1 2 C:BEGIN 2 C:INSERT 0 1 2 D:x C:SELECT 1 Z:T",
	 NULL},
	{PGWT_O, "Q SELECT count(*) FROM ptx WHERE id = 12", 1,
	 "T:0 D:0 C:SELECT 1 Z:I", NULL},
	{PGWT_A, "Q ROLLBACK", 1, "C:ROLLBACK Z:I", NULL},
	/* an error in the read itself: nothing is left open */
	{PGWT_A,
	 "P pdiv SELECT 1 / (id - 1) FROM ptx WHERE id = $1 | pdiv 1 | "
	 "ins 13 | S | pdiv 2 | S",
	 2, "1 2 E:22012 Z:I 2 D:1 C:SELECT 1 Z:I", NULL},
	{PGWT_O, "Q SELECT count(*) FROM ptx WHERE id = 13", 1,
	 "T:0 D:0 C:SELECT 1 Z:I", NULL},
};

/* READ COMMITTED: each Execute a fresh snapshot; REPEATABLE READ: the
 * first Execute's, until Sync. */
static const struct pgwt_step isolation_steps[] = {
	{PGWT_O,
	 "Q CREATE TABLE iso (id int PRIMARY KEY, v text); "
	 "INSERT INTO iso VALUES (1, 'a')",
	 1, "C:CREATE TABLE C:INSERT 0 1 Z:I", NULL},
	{PGWT_A, "P pv SELECT v FROM iso WHERE id = $1 | pv 1 | H", 1,
	 "1 2 D:a C:SELECT 1", NULL},
	{PGWT_O, "Q UPDATE iso SET v = 'b'", 1, "C:UPDATE 1 Z:I", NULL},
	{PGWT_A, "pv 1 | S", 1, "2 D:b C:SELECT 1 Z:I", NULL},
	{PGWT_A, "Q SET default_transaction_isolation = 'repeatable read'", 1,
	 "C:SET Z:I", NULL},
	{PGWT_A, "pv 1 | H", 1, "2 D:b C:SELECT 1", NULL},
	{PGWT_O, "Q UPDATE iso SET v = 'c'", 1, "C:UPDATE 1 Z:I", NULL},
	{PGWT_A, "pv 1 | S", 1, "2 D:b C:SELECT 1 Z:I", NULL},
	/* the next transaction sees the update */
	{PGWT_A, "pv 1 | S", 1, "2 D:c C:SELECT 1 Z:I", NULL},
};

static void test_point_read_transaction(void)
{
	pgwt_two_steps(srv.port, point_read_steps,
		       PGWT_NSTEPS(point_read_steps), TRACE_MS);
}

static void test_isolation(void)
{
	pgwt_two_steps(srv.port, isolation_steps, PGWT_NSTEPS(isolation_steps),
		       TRACE_MS);
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
