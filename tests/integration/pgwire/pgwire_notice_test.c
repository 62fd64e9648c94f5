/*
 * Every NoticeResponse a statement raises reaches the client, in the
 * order raised, before its CommandComplete (or ErrorResponse), and none
 * is sent again for the next statement. The expected notices were
 * checked against PostgreSQL 15 (libpq notice receiver, and the raw
 * traces with PGWT_EXTERNAL_PORT), which sends the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "alx_test.h"
#include "alx_test_pq.h"
#include "pgw_testlib.h"

ALX_TEST_PQ_SERVER_SUITE(srv, "pgwntc", ALX_TEST_PQ_CONFIG)

/* What the notice receiver saw: "SEVERITY SQLSTATE message|" each. */
struct seen {
	char text[4096];
	int n;
};

static void receiver(void *arg, const PGresult *r)
{
	struct seen *s = arg;
	size_t len = strlen(s->text);
	snprintf(s->text + len, sizeof(s->text) - len, "%s %s %s|",
		 PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED),
		 PQresultErrorField(r, PG_DIAG_SQLSTATE),
		 PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
	s->n++;
}

static PGconn *connect_seen(struct seen *s)
{
	PGconn *c = alx_test_pq_connect(srv.conninfo);
	if (c == NULL)
		return NULL;
	memset(s, 0, sizeof(*s));
	PQsetNoticeReceiver(c, receiver, s);
	return c;
}

/* Run sql (simple query); its status must be want; then compare the
 * notices it raised with notices and forget them. */
static void run(PGconn *c, struct seen *s, const char *sql, ExecStatusType want,
		const char *notices)
{
	memset(s, 0, sizeof(*s));
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != want)
		fprintf(stderr, "\n%s: %s", sql, PQresultErrorMessage(r));
	CU_ASSERT_EQUAL(PQresultStatus(r), want);
	PQclear(r);
	if (strcmp(s->text, notices) != 0)
		fprintf(stderr, "\n%s:\n  want: %s\n  got:  %s\n", sql, notices,
			s->text);
	CU_ASSERT_STRING_EQUAL(s->text, notices);
}

static void test_drop_two_missing(void)
{
	struct seen s;
	PGconn *c = connect_seen(&s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	run(c, &s, "DROP TABLE IF EXISTS ntc_a, ntc_b", PGRES_COMMAND_OK,
	    "NOTICE 00000 table \"ntc_a\" does not exist, skipping|"
	    "NOTICE 00000 table \"ntc_b\" does not exist, skipping|");
	/* the next statement raises none and repeats none */
	run(c, &s, "SELECT 1", PGRES_TUPLES_OK, "");
	/* one existing table between two missing ones */
	run(c, &s, "CREATE TABLE ntc_t (x int)", PGRES_COMMAND_OK, "");
	run(c, &s, "DROP TABLE IF EXISTS ntc_a, ntc_t, ntc_b", PGRES_COMMAND_OK,
	    "NOTICE 00000 table \"ntc_a\" does not exist, skipping|"
	    "NOTICE 00000 table \"ntc_b\" does not exist, skipping|");
	PQfinish(c);
}

static void test_alter_several(void)
{
	struct seen s;
	PGconn *c = connect_seen(&s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	run(c, &s, "CREATE TABLE ntc_al (x int)", PGRES_COMMAND_OK, "");
	run(c, &s,
	    "ALTER TABLE ntc_al ADD COLUMN IF NOT EXISTS x int, "
	    "ADD COLUMN IF NOT EXISTS y int, ADD COLUMN IF NOT EXISTS y int",
	    PGRES_COMMAND_OK,
	    "NOTICE 42701 column \"x\" of relation \"ntc_al\" already exists, "
	    "skipping|"
	    "NOTICE 42701 column \"y\" of relation \"ntc_al\" already exists, "
	    "skipping|");
	run(c, &s, "DROP TABLE ntc_al", PGRES_COMMAND_OK, "");
	PQfinish(c);
}

static void test_many_and_script(void)
{
	struct seen s;
	PGconn *c = connect_seen(&s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	/* 20 missing tables: 20 notices, in the order named */
	char sql[1024] = "DROP TABLE IF EXISTS ";
	char want[4096] = "";
	for (int i = 0; i < 20; i++) {
		size_t n = strlen(sql);
		snprintf(sql + n, sizeof(sql) - n, "%sntc_m%d", i ? ", " : "",
			 i);
		n = strlen(want);
		snprintf(want + n, sizeof(want) - n,
			 "NOTICE 00000 table \"ntc_m%d\" does not exist, "
			 "skipping|",
			 i);
	}
	run(c, &s, sql, PGRES_COMMAND_OK, want);
	CU_ASSERT_EQUAL(s.n, 20);
	/* several statements in one query: each its own notices */
	run(c, &s,
	    "DROP TABLE IF EXISTS ntc_x, ntc_y; SELECT 1; "
	    "DROP TABLE IF EXISTS ntc_z",
	    PGRES_COMMAND_OK,
	    "NOTICE 00000 table \"ntc_x\" does not exist, skipping|"
	    "NOTICE 00000 table \"ntc_y\" does not exist, skipping|"
	    "NOTICE 00000 table \"ntc_z\" does not exist, skipping|");
	/* a WARNING from a transaction statement still arrives */
	run(c, &s, "COMMIT", PGRES_COMMAND_OK,
	    "WARNING 25P01 there is no transaction in progress|");
	PQfinish(c);
}

/* On the wire: both NoticeResponses before CommandComplete, in simple
 * and extended query. */
static void test_wire_order(void)
{
	int fd = pgwt_raw_connect(srv.port);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(pgwt_raw_startup(fd, "postgres", "postgres"), 0);
	struct pgwt_msgbuf b = {0};
	char tr[1024];
	pgwt_put_query(&b, "DROP TABLE IF EXISTS ntc_w1, ntc_w2");
	CU_ASSERT_EQUAL_FATAL(pgwt_send(fd, &b), 0);
	pgwt_trace(fd, 1, 3000, tr, sizeof(tr));
	CU_ASSERT_STRING_EQUAL(tr, "N:00000 N:00000 C:DROP TABLE Z:I");

	pgwt_put_parse(&b, "", "DROP TABLE IF EXISTS ntc_w1, ntc_w2");
	pgwt_put_bind(&b, "", "", 0, NULL, -1);
	pgwt_put_execute(&b, "", 0);
	pgwt_put_sync(&b);
	CU_ASSERT_EQUAL_FATAL(pgwt_send(fd, &b), 0);
	pgwt_trace(fd, 1, 3000, tr, sizeof(tr));
	CU_ASSERT_STRING_EQUAL(tr, "1 2 N:00000 N:00000 C:DROP TABLE Z:I");
	pgwt_msgbuf_free(&b);
	close(fd);
}

static const struct alx_test_case cases[] = {
	{"drop_two_missing", test_drop_two_missing},
	{"alter_several", test_alter_several},
	{"many_and_script", test_many_and_script},
	{"wire_order", test_wire_order},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"pgwire/notice", setup, teardown,
					    cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_pq_main(argc, argv, s);
}
