/*
 * Extended query protocol semantics and error positions, as PostgreSQL 15
 * has them. Raw protocol messages are written by hand and the server's
 * answer is compared, message by message, with what PostgreSQL 15 sends
 * for the same bytes (every expected trace below was recorded against a
 * real PostgreSQL 15 server): the Executes between two Syncs are one
 * implicit transaction (they commit together, an error rolls them all
 * back, BEGIN inside turns them into a transaction block, COMMIT and
 * ROLLBACK inside end them with a warning), Execute with a row limit and
 * PortalSuspended, portals living until Sync or Close (or the end of the
 * explicit block), Describe of a portal with its result formats, Flush.
 * libpq's pipeline mode checks the same from a real driver. Then the P
 * field of "relation/column does not exist" errors, through libpq and
 * psql's "LINE 1:" caret.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "alx_test.h"
#include "alx_test_pq.h"
#include "pgw_testlib.h"

ALX_TEST_PQ_SERVER_SUITE(srv, "pgwext", ALX_TEST_PQ_CONFIG)

#define TRACE_MS 700 /* silence that ends a trace (a Flush has no Z) */

static const char *const v1[] = {"1"}, *const v2[] = {"2"}, *const v3[] = {"3"};

/* The Executes up to a Sync are one transaction. */
static const struct pgwt_step implicit_steps[] = {
	{PGWT_A, "Q CREATE TABLE ext1 (id int PRIMARY KEY)", 1,
	 "C:CREATE TABLE Z:I", NULL},
	/* two inserts and a Flush, no Sync yet: answered, not committed */
	{PGWT_A, "P ins INSERT INTO ext1 VALUES ($1) | ins 1 | ins 2 | H", 1,
	 "1 2 C:INSERT 0 1 2 C:INSERT 0 1", NULL},
	{PGWT_O, "Q SELECT count(*) FROM ext1", 1, "T:0 D:0 C:SELECT 1 Z:I",
	 NULL},
	{PGWT_A, "S", 1, "Z:I", NULL},
	{PGWT_O, "Q SELECT count(*) FROM ext1", 1, "T:0 D:2 C:SELECT 1 Z:I",
	 NULL},
	/* an error skips to Sync and rolls back the Executes before it */
	{PGWT_A, "ins 3 | ins 1 | ins 4 | S", 1, "2 C:INSERT 0 1 2 E:23505 Z:I",
	 "duplicate key value violates unique constraint \"ext1_pkey\""},
	/* BEGIN inside makes the implicit transaction a block */
	{PGWT_A,
	 "P begin BEGIN | P commit COMMIT | P rollback ROLLBACK | ins 10 | "
	 "begin | S",
	 1, "1 1 1 2 C:INSERT 0 1 2 C:BEGIN Z:T", NULL},
	{PGWT_A, "rollback | S", 1, "2 C:ROLLBACK Z:I", NULL},
	/* COMMIT inside commits what came before, with a warning */
	{PGWT_A, "ins 11 | commit | ins 1 | S", 1,
	 "2 C:INSERT 0 1 2 N:25P01 C:COMMIT 2 E:23505 Z:I", NULL},
	/* Parse and Bind errors roll back the Executes before them too */
	{PGWT_A, "ins 12 | P - SELEC 1 | S", 1, "2 C:INSERT 0 1 E:42601 Z:I",
	 NULL},
	{PGWT_A, "ins 12 | nosuch | S", 1, "2 C:INSERT 0 1 E:26000 Z:I", NULL},
	/* ROLLBACK inside rolls back, with a warning */
	{PGWT_A, "ins 12 | rollback | S", 1,
	 "2 C:INSERT 0 1 2 N:25P01 C:ROLLBACK Z:I", NULL},
	{PGWT_O, "Q SELECT string_agg(id::text, ',' ORDER BY id) FROM ext1", 1,
	 "T:0 D:1,2,11 C:SELECT 1 Z:I", NULL},
};

static void test_implicit_transaction(void)
{
	pgwt_two_steps(srv.port, implicit_steps, PGWT_NSTEPS(implicit_steps),
		       TRACE_MS);
}

/* Row limits, portals, Describe, Flush. */
static void test_portals(void)
{
	int a = pgwt_raw_session(srv.port);
	CU_ASSERT_FATAL(a >= 0);
	struct pgwt_msgbuf b = {0};
	pgwt_put_parse(&b, "gs", "SELECT g FROM generate_series(1, 5) g");
	pgwt_put_bind(&b, "", "gs", 0, NULL, -1);
	for (int i = 0; i < 4; i++)
		pgwt_put_execute(&b, "", 2);
	pgwt_put_sync(&b);
	/* each Execute's tag counts its own rows; a finished portal
	 * answers "SELECT 0" */
	pgwt_expect(a, &b, 1, TRACE_MS,
		    "1 2 D:1 D:2 s D:3 D:4 s D:5 C:SELECT 1 C:SELECT 0 Z:I",
		    "row limit");

	/* a named portal lives until Sync ends the implicit transaction */
	pgwt_put_bind(&b, "p1", "gs", 0, NULL, -1);
	pgwt_put_execute(&b, "p1", 1);
	pgwt_put_sync(&b);
	pgwt_put_execute(&b, "p1", 1);
	pgwt_put_sync(&b);
	pgwt_expect(a, &b, 2, TRACE_MS, "2 D:1 s Z:I E:34000 Z:I",
		    "portal after Sync");
	CU_ASSERT_STRING_EQUAL(pgwt_last_error_field('M'),
			       "portal \"p1\" does not exist");
	/* ... and in a block until the block ends */
	pgwt_put_query(&b, "BEGIN");
	pgwt_put_bind(&b, "p2", "gs", 0, NULL, -1);
	pgwt_put_execute(&b, "p2", 1);
	pgwt_put_sync(&b);
	pgwt_put_execute(&b, "p2", 1);
	pgwt_put_sync(&b);
	pgwt_put_query(&b, "COMMIT");
	pgwt_put_execute(&b, "p2", 1);
	pgwt_put_sync(&b);
	pgwt_expect(
		a, &b, 5, TRACE_MS,
		"C:BEGIN Z:T 2 D:1 s Z:T D:2 s Z:T C:COMMIT Z:I E:34000 Z:I",
		"portal in a block");
	/* Close */
	pgwt_put_bind(&b, "p3", "gs", 0, NULL, -1);
	pgwt_put_close(&b, 'P', "p3");
	pgwt_put_execute(&b, "p3", 0);
	pgwt_put_sync(&b);
	pgwt_expect(a, &b, 1, TRACE_MS, "2 3 E:34000 Z:I", "closed portal");

	/* Describe: a portal has its result formats, a statement text */
	pgwt_put_parse(&b, "two", "SELECT 1::int4 AS a, 'x'::text AS b");
	pgwt_put_bind(&b, "", "two", 0, NULL, 1);
	pgwt_put_describe(&b, 'P', "");
	pgwt_put_execute(&b, "", 0);
	pgwt_put_describe(&b, 'S', "two");
	pgwt_put_sync(&b);
	pgwt_expect(a, &b, 1, TRACE_MS,
		    "1 2 T:11 D:(4 bytes) C:SELECT 1 t T:00 Z:I",
		    "Describe, binary");
	pgwt_put_bind(&b, "", "two", 0, NULL, -1);
	pgwt_put_describe(&b, 'P', "");
	pgwt_put_sync(&b);
	pgwt_expect(a, &b, 1, TRACE_MS, "2 T:00 Z:I", "Describe, text");

	/* Flush sends what is pending without a Sync */
	pgwt_put_parse(&b, "fl", "SELECT 1");
	pgwt_put_flush(&b);
	pgwt_expect(a, &b, 1, TRACE_MS, "1", "Flush");
	pgwt_put_sync(&b);
	pgwt_expect(a, &b, 1, TRACE_MS, "Z:I", "Sync after Flush");
	pgwt_msgbuf_free(&b);
	close(a);
}

/* libpq's pipeline mode: several Executes, one Sync. */
static void pipeline_results(PGconn *c, const ExecStatusType *want, int n)
{
	int got = 0;
	/* each query's result then a NULL; the sync has no NULL */
	for (int i = 0; i < 4 * n && got < n; i++) {
		PGresult *r = PQgetResult(c);
		if (r == NULL)
			continue;
		ExecStatusType st = PQresultStatus(r);
		if (st != want[got])
			fprintf(stderr, "pipeline result %d: %s (%s)\n", got,
				PQresStatus(st), PQresultErrorMessage(r));
		CU_ASSERT_EQUAL(st, want[got]);
		got++;
		PQclear(r);
	}
	CU_ASSERT_EQUAL(got, n);
}

static void test_pipeline(void)
{
	PGconn *c = alx_test_pq_connect(srv.conninfo);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	PQclear(PQexec(c, "CREATE TABLE pipe (id int PRIMARY KEY)"));
	CU_ASSERT_EQUAL_FATAL(PQenterPipelineMode(c), 1);
	CU_ASSERT_EQUAL(PQsendPrepare(c, "pins", "INSERT INTO pipe VALUES ($1)",
				      1, NULL),
			1);
	const char *const *vs[] = {v1, v2, v1, v3};
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(
			PQsendQueryPrepared(c, "pins", 1, vs[i], NULL, NULL, 0),
			1);
	CU_ASSERT_EQUAL(PQpipelineSync(c), 1);
	/* checked against PostgreSQL 15: the duplicate fails, the query
	 * after it is aborted, and the two inserts before it roll back */
	static const ExecStatusType first[] = {
		PGRES_COMMAND_OK,  PGRES_COMMAND_OK,	   PGRES_COMMAND_OK,
		PGRES_FATAL_ERROR, PGRES_PIPELINE_ABORTED, PGRES_PIPELINE_SYNC};
	pipeline_results(c, first, 6);
	CU_ASSERT_EQUAL(PQsendQueryPrepared(c, "pins", 1, v3, NULL, NULL, 0),
			1);
	CU_ASSERT_EQUAL(PQsendQueryPrepared(c, "pins", 1, v2, NULL, NULL, 0),
			1);
	CU_ASSERT_EQUAL(PQpipelineSync(c), 1);
	static const ExecStatusType second[] = {
		PGRES_COMMAND_OK, PGRES_COMMAND_OK, PGRES_PIPELINE_SYNC};
	pipeline_results(c, second, 3);
	CU_ASSERT_EQUAL(PQexitPipelineMode(c), 1);
	PGresult *r = PQexec(c, "SELECT string_agg(id::text, ',' ORDER BY id) "
				"FROM pipe");
	CU_ASSERT_EQUAL_FATAL(PQresultStatus(r), PGRES_TUPLES_OK);
	CU_ASSERT_STRING_EQUAL(PQgetvalue(r, 0, 0), "2,3");
	PQclear(r);
	PQfinish(c);
}

/* ---- error positions ------------------------------------------------------ */

static void check_position(PGconn *c, const char *sql, const char *state,
			   const char *msg, const char *pos)
{
	PGresult *r = PQexec(c, sql);
	const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	const char *p = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
	if (st == NULL || strcmp(st, state) != 0 || m == NULL ||
	    strcmp(m, msg) != 0 || p == NULL || strcmp(p, pos) != 0)
		fprintf(stderr, "%s: %s %s at %s\n", sql, st ? st : "-",
			m ? m : "-", p ? p : "-");
	CU_ASSERT_STRING_EQUAL(st ? st : "", state);
	CU_ASSERT_STRING_EQUAL(m ? m : "", msg);
	CU_ASSERT_STRING_EQUAL(p ? p : "", pos);
	PQclear(r);
}

static void test_error_positions(void)
{
	PGconn *c = alx_test_pq_connect(srv.conninfo);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	PQclear(PQexec(c, "CREATE TABLE pos (a int, b text)"));
	/* positions checked against PostgreSQL 15; characters, not bytes */
	check_position(c, "select * from nosuch", "42P01",
		       "relation \"nosuch\" does not exist", "15");
	check_position(c, "select nosuchcol from pos", "42703",
		       "column \"nosuchcol\" does not exist", "8");
	check_position(c, "SELECT 'é', nosuchcol FROM pos", "42703",
		       "column \"nosuchcol\" does not exist", "13");
	check_position(c, "select 1;\nselect p.a, zz from pos p", "42703",
		       "column \"zz\" does not exist", "23");
	check_position(c, "select * from pos c, (select nope from pos) s",
		       "42703", "column \"nope\" does not exist", "30");
	/* and in Parse, for the extended protocol */
	PGresult *r = PQprepare(c, "", "select a from   nosuch", 0, NULL);
	const char *p = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
	CU_ASSERT_STRING_EQUAL(p ? p : "", "17");
	PQclear(r);
	PQfinish(c);

	/* psql shows the line and a caret under the name */
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "timeout 30 psql -X '%s' -c 'select * from nosuch' "
		 "-c 'select nosuchcol from pos' 2>&1",
		 srv.conninfo);
	FILE *f = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	char out[2048];
	size_t n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	pclose(f);
	const char *want = "ERROR:  relation \"nosuch\" does not exist\n"
			   "LINE 1: select * from nosuch\n"
			   "                      ^\n"
			   "ERROR:  column \"nosuchcol\" does not exist\n"
			   "LINE 1: select nosuchcol from pos\n"
			   "               ^\n";
	if (strcmp(out, want) != 0)
		fprintf(stderr, "psql said:\n%s", out);
	CU_ASSERT_STRING_EQUAL(out, want);
}

static const struct alx_test_case cases[] = {
	{"implicit_transaction", test_implicit_transaction},
	{"portals", test_portals},
	{"pipeline", test_pipeline},
	{"error_positions", test_error_positions},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"pgwire/extended", setup, teardown,
					    cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_pq_main(argc, argv, s);
}
