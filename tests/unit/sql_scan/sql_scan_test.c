/*
 * Filtered scans: the integer filters compiled to run on stored rows
 * (sql_exec_iqual.c) must give exactly what the generic evaluator gives,
 * rows and errors alike. Every filter is checked against a count computed
 * here in C, and against the same filter written so that it cannot be
 * compiled ("(...) IS TRUE").
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql_exec_tests.h"

#define NROWS 600

/* The rows, as stored: d NULL when dnull. */
struct row {
	int64_t id, c;
	int32_t a, d;
	int16_t b;
	int dnull;
};

static void make_row(int64_t i, struct row *r)
{
	r->id = i;
	r->a = (int32_t)((i * 37) % 1000 - 500);
	r->b = (int16_t)(i % 100);
	r->c = i * i * 7919 - 1000000;
	/* A few extremes, for overflow in the filters. */
	if (i % 97 == 0)
		r->c = INT64_MAX - i;
	if (i % 89 == 0)
		r->c = INT64_MIN + i;
	r->dnull = i % 5 == 0;
	r->d = (int32_t)(i % 11);
}

static alopex_db *load(char **dir)
{
	alopex_db *db = t_open(dir);
	/* A text column before the integers: the stored-row reader must
	 * step over it. */
	t_exec(db, "CREATE TABLE t (id BIGINT PRIMARY KEY, s TEXT, a INT, "
		   "b SMALLINT, c BIGINT, d INT)");
	alopex_stmt *ins = NULL;
	CU_ASSERT_EQUAL_FATAL(
		alopex_prepare(db,
			       "INSERT INTO t VALUES ($1, $2, $3, $4, $5, "
			       "$6)",
			       &ins),
		0);
	t_exec(db, "BEGIN");
	for (int64_t i = 1; i <= NROWS; i++) {
		struct row r;
		make_row(i, &r);
		char s[32];
		int n = snprintf(s, sizeof(s), "row-%" PRId64 "-%s", i,
				 i % 3 ? "xx" : "a longer text value");
		int rc = alopex_bind_int64(ins, 1, r.id);
		rc = rc		  ? rc
		     : i % 7 == 0 ? alopex_bind_null(ins, 2)
				  : alopex_bind_text(ins, 2, s, (size_t)n);
		rc = rc ? rc : alopex_bind_int64(ins, 3, r.a);
		rc = rc ? rc : alopex_bind_int64(ins, 4, r.b);
		rc = rc ? rc : alopex_bind_int64(ins, 5, r.c);
		rc = rc	       ? rc
		     : r.dnull ? alopex_bind_null(ins, 6)
			       : alopex_bind_int64(ins, 6, r.d);
		if (rc == 0)
			rc = alopex_step(ins) == ALOPEX_DONE ? 0 : -1;
		alopex_reset(ins);
		CU_ASSERT_EQUAL_FATAL(rc, 0);
	}
	t_exec(db, "COMMIT");
	alopex_finalize(ins);
	return db;
}

static int64_t count_of(alopex_db *db, const char *sql)
{
	const char *r = t_query(db, sql);
	if (r == NULL) {
		fprintf(stderr, "failed: %s\n", sql);
		CU_FAIL("query failed");
		return -1;
	}
	return strtoll(r, NULL, 10);
}

typedef int (*row_pred)(const struct row *r);

static int p_mod(const struct row *r)
{
	return r->c % 7 == 3;
}
static int p_sum(const struct row *r)
{
	return r->a + r->b > 100;
}
static int p_not_and(const struct row *r)
{
	return !(r->a < 10) && r->b >= 50;
}
static int p_or(const struct row *r)
{
	return r->a < -400 || r->b == 7;
}
static int p_null_eq(const struct row *r)
{
	return !r->dnull && r->d == 5;
}
static int p_null_not(const struct row *r)
{
	return !r->dnull && r->d != 5;
}
static int p_null_or(const struct row *r)
{
	return r->a > 0 || (!r->dnull && r->d == 5);
}
static int p_two(const struct row *r)
{
	return r->b * 3 - 1 <= r->a / 7 && r->c % 2 == 0;
}
static int p_cast(const struct row *r)
{
	return (int64_t)r->b + 5 > 40;
}

struct pcase {
	const char *where;
	row_pred pred;
};

static const struct pcase cases[] = {
	{"c % 7 = 3", p_mod},
	{"a + b > 100", p_sum},
	{"NOT (a < 10) AND b >= 50", p_not_and},
	{"a < -400 OR b = 7", p_or},
	{"d = 5", p_null_eq},
	{"NOT (d = 5)", p_null_not},
	{"a > 0 OR d = 5", p_null_or},
	/* two quals: both compiled */
	{"b * 3 - 1 <= a / 7 AND c % 2 = 0", p_two},
	{"b::bigint + 5 > 40", p_cast},
};

static int64_t expected(row_pred pred)
{
	int64_t n = 0;
	for (int64_t i = 1; i <= NROWS; i++) {
		struct row r;
		make_row(i, &r);
		n += pred(&r) != 0;
	}
	return n;
}

/* Each filter: the count computed here, the same through the generic
 * evaluator ("IS TRUE" is never compiled), after a reopen too (rows read
 * from disk pages rather than the in-memory tree). */
static void test_filters(void)
{
	char *dir = NULL;
	alopex_db *db = load(&dir);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			char q[256], g[256];
			snprintf(q, sizeof(q),
				 "SELECT count(*) FROM t WHERE %s",
				 cases[i].where);
			snprintf(g, sizeof(g),
				 "SELECT count(*) FROM t WHERE (%s) IS TRUE",
				 cases[i].where);
			int64_t want = expected(cases[i].pred);
			int64_t got = count_of(db, q), gen = count_of(db, g);
			if (got != want || gen != want)
				fprintf(stderr,
					"%s: got %" PRId64 ", generic %" PRId64
					", want %" PRId64 "\n",
					cases[i].where, got, gen, want);
			CU_ASSERT_EQUAL(got, want);
			CU_ASSERT_EQUAL(gen, want);
		}
		/* A compiled qual then one that is not. */
		CU_ASSERT_STRING_EQUAL(
			t_query(db, "SELECT id, a, s FROM t WHERE c % 97 = 5 "
				    "AND s LIKE 'row-%' ORDER BY id LIMIT 3"),
			"45|165|row-45-a longer text value\n"
			"52|424|row-52-xx\n"
			"142|-246|row-142-xx");
		CU_ASSERT_EQUAL(alopex_close(db), 0);
		db = t_reopen(dir);
	}
	t_close(db, dir);
}

/* Rows a compiled filter cannot decide (overflow, division by zero, a
 * narrowing cast out of range) still raise the generic path's errors. */
static void test_errors(void)
{
	char *dir = NULL;
	alopex_db *db = load(&dir);
	t_fail(db, "SELECT count(*) FROM t WHERE c * 2 > 0", "22003");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db), "bigint out of range");
	t_fail(db, "SELECT count(*) FROM t WHERE a / (b - b) = 1", "22012");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db), "division by zero");
	t_fail(db, "SELECT count(*) FROM t WHERE b + 32767::smallint > 0",
	       "22003");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db), "smallint out of range");
	t_fail(db, "SELECT count(*) FROM t WHERE c::int = 1", "22003");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db), "integer out of range");
	/* The rows before the first bad one were filtered fine: LIMIT
	 * stops first. */
	CU_ASSERT_STRING_EQUAL(
		t_query(db, "SELECT id FROM t WHERE c * 2 > 0 ORDER BY id "
			    "LIMIT 2"),
		"12\n13");
	t_close(db, dir);
}

/* Parameters are read when the scan opens: a second execution with other
 * values must not reuse the first ones. */
static void test_params(void)
{
	char *dir = NULL;
	alopex_db *db = load(&dir);
	alopex_stmt *st = NULL;
	CU_ASSERT_EQUAL_FATAL(
		alopex_prepare(db, "SELECT count(*) FROM t WHERE a % $1 = $2",
			       &st),
		0);
	const int64_t args[][2] = {{3, 1}, {5, -2}, {7, 0}, {3, 1}};
	for (size_t k = 0; k < 4; k++) {
		int64_t want = 0;
		for (int64_t i = 1; i <= NROWS; i++) {
			struct row r;
			make_row(i, &r);
			want += r.a % args[k][0] == args[k][1];
		}
		CU_ASSERT_EQUAL(alopex_bind_int64(st, 1, args[k][0]), 0);
		CU_ASSERT_EQUAL(alopex_bind_int64(st, 2, args[k][1]), 0);
		CU_ASSERT_EQUAL(alopex_step(st), ALOPEX_ROW);
		CU_ASSERT_EQUAL(alopex_column_int64(st, 0), want);
		CU_ASSERT_EQUAL(alopex_step(st), ALOPEX_DONE);
		alopex_reset(st);
	}
	/* A NULL parameter: nothing compiles, every comparison is NULL. */
	CU_ASSERT_EQUAL(alopex_bind_int64(st, 1, 3), 0);
	CU_ASSERT_EQUAL(alopex_bind_null(st, 2), 0);
	CU_ASSERT_EQUAL(alopex_step(st), ALOPEX_ROW);
	CU_ASSERT_EQUAL(alopex_column_int64(st, 0), 0);
	alopex_reset(st);
	alopex_finalize(st);
	t_close(db, dir);
}

/* Index scans, join rescans and DML take the same filter path. */
static void test_access_paths(void)
{
	char *dir = NULL;
	alopex_db *db = load(&dir);
	t_exec(db, "CREATE INDEX t_b ON t (b)");
	int64_t want = 0, join = 0, del = 0;
	for (int64_t i = 1; i <= NROWS; i++) {
		struct row r;
		make_row(i, &r);
		want += r.b == 7 && r.c % 2 == 0;
		join += i >= 2 && r.c % 2 == 0;
		del += r.c % 5 == 1;
	}
	CU_ASSERT_EQUAL(count_of(db, "SELECT count(*) FROM t WHERE b = 7 "
				     "AND c % 2 = 0"),
			want);
	CU_ASSERT_EQUAL(count_of(db, "SELECT count(*) FROM t x JOIN t y "
				     "ON y.id = x.id + 1 WHERE y.c % 2 = 0"),
			join);
	t_exec(db, "BEGIN");
	t_exec(db, "DELETE FROM t WHERE c % 5 = 1");
	CU_ASSERT_EQUAL(count_of(db, "SELECT count(*) FROM t"), NROWS - del);
	t_exec(db, "UPDATE t SET a = 12345 WHERE c % 7 = 3");
	CU_ASSERT_EQUAL(count_of(db, "SELECT count(*) FROM t WHERE a = 12345"),
			count_of(db, "SELECT count(*) FROM t WHERE c % 7 = 3"));
	t_exec(db, "ROLLBACK");
	CU_ASSERT_EQUAL(count_of(db, "SELECT count(*) FROM t"), NROWS);
	t_close(db, dir);
}

static const struct alx_test_case scan_cases[] = {
	{"filters", test_filters},
	{"errors", test_errors},
	{"params", test_params},
	{"access_paths", test_access_paths},
	{NULL, NULL},
};

static const struct alx_test_suite scan_suite = {"sql/scan", NULL, NULL,
						 scan_cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {&scan_suite, NULL};
	return alx_test_main(argc, argv, suites);
}
