/*
 * Integer columns through the server's own integer-to-text path
 * (srv_sql.c value_text): a prepared point read by primary key (run on
 * the I/O worker), the same in binary format, and a simple query, with
 * the extremes of int2/int4/int8, negatives and zero. The texts are what
 * PostgreSQL 15 prints for these values (checked with psql).
 * Then rows of no columns (SELECT FROM t, issue 3): a RowDescription of
 * no fields and DataRows of none, in the simple and the extended
 * protocol, and through libpq (traces recorded against PostgreSQL 15).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "alx_test.h"
#include "alx_test_pq.h"
#include "pgw_testlib.h"

ALX_TEST_PQ_SERVER_SUITE(srv, "pgwval", ALX_TEST_PQ_CONFIG)

static const struct {
	const char *id, *a, *b, *c;
} rows[] = {
	{"1", "-32768", "-2147483648", "-9223372036854775808"},
	{"2", "32767", "2147483647", "9223372036854775807"},
	{"3", "0", "0", "0"},
	{"4", "-7", "-10", "-100000000000"},
	{"5", "9", "10", "1000000000000"},
};

static void test_int_text(void)
{
	PGconn *c = alx_test_pq_connect(srv.conninfo);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	ALX_TEST_PQ_OK(c,
		       "CREATE TABLE vals (id int PRIMARY KEY, a int2, b int4, "
		       "c int8)");
	char sql[256];
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(sql, sizeof(sql),
			 "INSERT INTO vals VALUES (%s, %s, %s, %s)", rows[i].id,
			 rows[i].a, rows[i].b, rows[i].c);
		ALX_TEST_PQ_OK(c, sql);
	}
	ALX_TEST_PQ_OK(c, "INSERT INTO vals VALUES (6, NULL, NULL, NULL)");
	PGresult *r = PQprepare(
		c, "pr", "SELECT a, b, c FROM vals WHERE id = $1", 1, NULL);
	CU_ASSERT_EQUAL_FATAL(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *p[] = {rows[i].id};
		/* text: the prepared point read */
		r = PQexecPrepared(c, "pr", 1, p, NULL, NULL, 0);
		CU_ASSERT_EQUAL_FATAL(PQresultStatus(r), PGRES_TUPLES_OK);
		CU_ASSERT_EQUAL_FATAL(PQntuples(r), 1);
		CU_ASSERT_STRING_EQUAL(PQgetvalue(r, 0, 0), rows[i].a);
		CU_ASSERT_STRING_EQUAL(PQgetvalue(r, 0, 1), rows[i].b);
		CU_ASSERT_STRING_EQUAL(PQgetvalue(r, 0, 2), rows[i].c);
		PQclear(r);
		/* binary: big-endian int8 of the same value */
		r = PQexecPrepared(c, "pr", 1, p, NULL, NULL, 1);
		CU_ASSERT_EQUAL_FATAL(PQresultStatus(r), PGRES_TUPLES_OK);
		CU_ASSERT_EQUAL_FATAL(PQgetlength(r, 0, 2), 8);
		const unsigned char *b =
			(const unsigned char *)PQgetvalue(r, 0, 2);
		uint64_t u = 0;
		for (int k = 0; k < 8; k++)
			u = u << 8 | b[k];
		char t[32];
		snprintf(t, sizeof(t), "%lld", (long long)(int64_t)u);
		CU_ASSERT_STRING_EQUAL(t, rows[i].c);
		PQclear(r);
		/* simple query */
		snprintf(sql, sizeof(sql),
			 "SELECT a, b, c FROM vals WHERE id = %s", rows[i].id);
		r = PQexec(c, sql);
		CU_ASSERT_EQUAL_FATAL(PQresultStatus(r), PGRES_TUPLES_OK);
		CU_ASSERT_STRING_EQUAL(PQgetvalue(r, 0, 0), rows[i].a);
		CU_ASSERT_STRING_EQUAL(PQgetvalue(r, 0, 1), rows[i].b);
		CU_ASSERT_STRING_EQUAL(PQgetvalue(r, 0, 2), rows[i].c);
		PQclear(r);
	}
	/* NULLs stay NULL */
	const char *p6[] = {"6"};
	r = PQexecPrepared(c, "pr", 1, p6, NULL, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(PQresultStatus(r), PGRES_TUPLES_OK);
	CU_ASSERT(PQgetisnull(r, 0, 0) && PQgetisnull(r, 0, 1) &&
		  PQgetisnull(r, 0, 2));
	PQclear(r);
	/* an expression of integers in the point read */
	r = PQprepare(c, "pe", "SELECT b - 1, -c FROM vals WHERE id = $1", 1,
		      NULL);
	CU_ASSERT_EQUAL_FATAL(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	const char *p4[] = {"4"};
	r = PQexecPrepared(c, "pe", 1, p4, NULL, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(PQresultStatus(r), PGRES_TUPLES_OK);
	CU_ASSERT_STRING_EQUAL(PQgetvalue(r, 0, 0), "-11");
	CU_ASSERT_STRING_EQUAL(PQgetvalue(r, 0, 1), "100000000000");
	PQclear(r);
	PQfinish(c);
}

#define TRACE_MS 700 /* silence that ends a trace */

static void test_zero_columns(void)
{
	int a = pgwt_raw_session(srv.port);
	CU_ASSERT_FATAL(a >= 0);
	struct pgwt_msgbuf b = {0};
	pgwt_put_query(&b, "SELECT");
	pgwt_expect(a, &b, 1, TRACE_MS, "T: D:NULL C:SELECT 1 Z:I", "SELECT");
	pgwt_put_query(&b, "CREATE TABLE zc (a int); "
			   "INSERT INTO zc VALUES (1), (2), (3)");
	pgwt_expect(a, &b, 1, TRACE_MS, "C:CREATE TABLE C:INSERT 0 3 Z:I",
		    "setup");
	pgwt_put_query(&b, "SELECT FROM zc WHERE a > 1");
	pgwt_expect(a, &b, 1, TRACE_MS, "T: D:NULL D:NULL C:SELECT 2 Z:I",
		    "SELECT FROM zc");
	pgwt_put_query(&b, "SELECT FROM zc WHERE false");
	pgwt_expect(a, &b, 1, TRACE_MS, "T: C:SELECT 0 Z:I", "no rows");
	/* described as rows of no columns, not NoData; counted by Execute */
	const char *const v1[] = {"1"};
	pgwt_put_parse(&b, "z", "SELECT FROM zc WHERE a > $1");
	pgwt_put_describe(&b, 'S', "z");
	pgwt_put_bind(&b, "", "z", 1, v1, -1);
	pgwt_put_describe(&b, 'P', "");
	pgwt_put_execute(&b, "", 1);
	pgwt_put_execute(&b, "", 0);
	pgwt_put_sync(&b);
	pgwt_expect(a, &b, 1, TRACE_MS,
		    "1 t T: 2 T: D:NULL s D:NULL C:SELECT 1 Z:I", "extended");
	pgwt_msgbuf_free(&b);
	close(a);

	PGconn *c = alx_test_pq_connect(srv.conninfo);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	PGresult *r = PQexec(c, "SELECT FROM zc");
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_TUPLES_OK);
	CU_ASSERT_EQUAL(PQntuples(r), 3);
	CU_ASSERT_EQUAL(PQnfields(r), 0);
	CU_ASSERT_STRING_EQUAL(PQcmdTuples(r), "3");
	PQclear(r);
	PQfinish(c);
}

static const struct alx_test_case cases[] = {
	{"int_text", test_int_text},
	{"zero_columns", test_zero_columns},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"pgwire/values", setup, teardown,
					    cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_pq_main(argc, argv, s);
}
