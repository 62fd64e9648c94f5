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

#define NROWS 600 /* table t */
#define FROWS 800 /* table f */

/* The rows, as stored: d NULL when dnull; e (table f only) NULL when
 * enull. */
struct row {
	int64_t id, c, e;
	int32_t a, d;
	int16_t b;
	int dnull, enull;
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
	r->enull = i <= FROWS / 2;
	r->e = (i * 13) % 1000 - 300;
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

/*
 * One filter over table (its first nrows rows made by make_row): count(*)
 * (counted undecoded where it compiles), the same through the generic
 * evaluator ("IS TRUE" is never compiled) and sum(id) (rows decoded) must
 * give what the C predicate gives.
 */
static void check_filter(alopex_db *db, const char *table,
			 const struct pcase *c, int64_t nrows)
{
	int64_t want = 0, want_sum = 0;
	for (int64_t k = 1; k <= nrows; k++) {
		struct row r;
		make_row(k, &r);
		if (c->pred(&r)) {
			want++;
			want_sum += k;
		}
	}
	char q[256], g[256], m[256];
	snprintf(q, sizeof(q), "SELECT count(*) FROM %s WHERE %s", table,
		 c->where);
	snprintf(g, sizeof(g), "SELECT count(*) FROM %s WHERE (%s) IS TRUE",
		 table, c->where);
	snprintf(m, sizeof(m), "SELECT coalesce(sum(id), 0) FROM %s WHERE %s",
		 table, c->where);
	int64_t got = count_of(db, q), gen = count_of(db, g);
	int64_t sum = count_of(db, m);
	if (got != want || gen != want || sum != want_sum)
		fprintf(stderr,
			"%s: got %" PRId64 ", generic %" PRId64
			", want %" PRId64 "; sum %" PRId64 ", want %" PRId64
			"\n",
			c->where, got, gen, want, sum, want_sum);
	CU_ASSERT_EQUAL(got, want);
	CU_ASSERT_EQUAL(gen, want);
	CU_ASSERT_EQUAL(sum, want_sum);
}

struct ecase {
	const char *sql, *state, *msg;
};

/* Each statement fails with exactly this SQLSTATE and message. */
static void check_errors(alopex_db *db, const struct ecase *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		t_fail(db, e[i].sql, e[i].state);
		CU_ASSERT_STRING_EQUAL(alopex_errmsg(db), e[i].msg);
	}
}

/* Each filter, after a reopen too (rows read from disk pages rather than
 * the in-memory tree). */
static void test_filters(void)
{
	char *dir = NULL;
	alopex_db *db = load(&dir);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			check_filter(db, "t", &cases[i], NROWS);
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
	static const struct ecase errs[] = {
		{"SELECT count(*) FROM t WHERE c * 2 > 0", "22003",
		 "bigint out of range"},
		{"SELECT count(*) FROM t WHERE a / (b - b) = 1", "22012",
		 "division by zero"},
		{"SELECT count(*) FROM t WHERE b + 32767::smallint > 0",
		 "22003", "smallint out of range"},
		{"SELECT count(*) FROM t WHERE c::int = 1", "22003",
		 "integer out of range"},
	};
	check_errors(db, errs, sizeof(errs) / sizeof(errs[0]));
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

/* ---- fixed-width rows: the direct reader and count(*) ------------------ */

/*
 * A table of integers only, so the simple filters read the stored row at
 * fixed offsets. Half the rows are written before ADD COLUMN e (they store
 * one column fewer, e reads as NULL), d is NULL in every fifth row: those
 * rows must take the general reader and give the same answers.
 */
static void insert_frows(alopex_db *db, int64_t from, int64_t to, int with_e)
{
	alopex_stmt *ins = NULL;
	CU_ASSERT_EQUAL_FATAL(
		alopex_prepare(db,
			       with_e ? "INSERT INTO f VALUES ($1, $2, $3, "
					"$4, $5, $6)"
				      : "INSERT INTO f VALUES ($1, $2, $3, "
					"$4, $5)",
			       &ins),
		0);
	t_exec(db, "BEGIN");
	for (int64_t i = from; i <= to; i++) {
		struct row r;
		make_row(i, &r);
		int rc = alopex_bind_int64(ins, 1, r.id);
		rc = rc ? rc : alopex_bind_int64(ins, 2, r.a);
		rc = rc ? rc : alopex_bind_int64(ins, 3, r.b);
		rc = rc ? rc : alopex_bind_int64(ins, 4, r.c);
		rc = rc	       ? rc
		     : r.dnull ? alopex_bind_null(ins, 5)
			       : alopex_bind_int64(ins, 5, r.d);
		if (rc == 0 && with_e)
			rc = alopex_bind_int64(ins, 6, r.e);
		if (rc == 0)
			rc = alopex_step(ins) == ALOPEX_DONE ? 0 : -1;
		alopex_reset(ins);
		CU_ASSERT_EQUAL_FATAL(rc, 0);
	}
	t_exec(db, "COMMIT");
	alopex_finalize(ins);
}

static alopex_db *load_fixed(char **dir)
{
	alopex_db *db = t_open(dir);
	t_exec(db, "CREATE TABLE f (id BIGINT PRIMARY KEY, a INT, "
		   "b SMALLINT, c BIGINT, d INT)");
	insert_frows(db, 1, FROWS / 2, 0);
	t_exec(db, "ALTER TABLE f ADD COLUMN e BIGINT");
	insert_frows(db, FROWS / 2 + 1, FROWS, 1);
	return db;
}

static int f_mod(const struct row *r)
{
	return r->c % 7 == 3;
}
static int f_div_neg(const struct row *r)
{
	return r->a / -3 > 50;
}
static int f_sub(const struct row *r)
{
	return r->b - 40 >= 10;
}
static int f_mod_neg(const struct row *r)
{
	return r->a % 7 == -3;
}
static int f_null_d(const struct row *r)
{
	return !r->dnull && r->d % 4 == 1;
}
static int f_added_e(const struct row *r)
{
	return !r->enull && r->e % 3 == 1;
}
static int f_two(const struct row *r)
{
	return r->c % 5 == 1 && r->b < 50;
}
static int f_mod_minus1(const struct row *r)
{
	(void)r;
	return 1;
}
static int f_plain(const struct row *r)
{
	return r->b <= 20;
}
static int f_bigmod(const struct row *r)
{
	return r->c % 123456789012 < 1000;
}
static int f_bigdiv(const struct row *r)
{
	return r->c / 1000000007 > 5;
}
static int f_mod_2_62(const struct row *r)
{
	return r->c % 4611686018427387904 > 0;
}
static int f_mod_past(const struct row *r)
{
	return r->c % 4611686018427387905 < -7;
}
static int f_negdiv(const struct row *r)
{
	return r->c / -7 < -100;
}
static int f_odd(const struct row *r)
{
	return r->a % 2 == -1;
}

static const struct pcase fcases[] = {
	{"c % 7 = 3", f_mod},
	{"a / -3 > 50", f_div_neg},
	{"b - 40 >= 10", f_sub},
	{"a % 7 = -3", f_mod_neg},
	{"d % 4 = 1", f_null_d},
	{"e % 3 = 1", f_added_e},
	{"c % 5 = 1 AND b < 50", f_two},
	/* -1: left to the generic path (INT64_MIN % -1) */
	{"c % -1 = 0", f_mod_minus1},
	{"b <= 20", f_plain},
	/* large, boundary and negative divisors */
	{"c % 123456789012 < 1000", f_bigmod},
	{"c / 1000000007 > 5", f_bigdiv},
	{"c % 4611686018427387904 > 0", f_mod_2_62},
	{"c % 4611686018427387905 < -7", f_mod_past},
	{"c / -7 < -100", f_negdiv},
	{"a % 2 = -1", f_odd},
};

/* Each filter, before and after a reopen. */
static void test_fixed_rows(void)
{
	char *dir = NULL;
	alopex_db *db = load_fixed(&dir);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < sizeof(fcases) / sizeof(fcases[0]); i++)
			check_filter(db, "f", &fcases[i], FROWS);
		CU_ASSERT_EQUAL(alopex_close(db), 0);
		db = t_reopen(dir);
	}
	/* Undecidable rows still raise the generic path's error. */
	static const struct ecase errs[] = {
		{"SELECT count(*) FROM f WHERE c * 2 > 0", "22003",
		 "bigint out of range"},
		{"SELECT count(*) FROM f WHERE a % (b - b) = 1", "22012",
		 "division by zero"},
	};
	check_errors(db, errs, sizeof(errs) / sizeof(errs[0]));
	t_close(db, dir);
}

/* count(*) counted by the scan: the shapes around it. */
static void test_count_scan(void)
{
	char *dir = NULL;
	alopex_db *db = load_fixed(&dir);
	int64_t mod = 0, hi = 0, above400 = 0;
	for (int64_t k = 1; k <= FROWS; k++) {
		struct row r;
		make_row(k, &r);
		mod += r.c % 7 == 3;
		hi += k > 100 && r.c % 7 == 3;
		above400 += k > 400 && r.c % 7 == 3;
	}
	char want[128];
	snprintf(want, sizeof(want), "%" PRId64 "|%" PRId64 "|%" PRId64, mod,
		 mod, mod + 1);
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT count(*), count(*), "
					   "count(*) + 1 FROM f WHERE "
					   "c % 7 = 3"),
			       want);
	CU_ASSERT_EQUAL(count_of(db, "SELECT count(*) FROM f"), FROWS);
	CU_ASSERT_EQUAL(count_of(db, "SELECT count(*) FROM f WHERE id = 5"), 1);
	CU_ASSERT_EQUAL(count_of(db, "SELECT count(*) FROM f WHERE id = -5"),
			0);
	CU_ASSERT_EQUAL(count_of(db, "SELECT count(*) FROM f WHERE id > 100 "
				     "AND c % 7 = 3"),
			hi);
	CU_ASSERT_EQUAL(count_of(db, "SELECT count(*) FILTER (WHERE "
				     "c % 7 = 3) FROM f"),
			mod);
	CU_ASSERT_STRING_EQUAL(t_query(db,
				       "SELECT count(*) FROM f WHERE "
				       "c % 7 = 3 HAVING count(*) > 100000"),
			       "");
	/* A qual that does not compile: every row is decoded. */
	CU_ASSERT_EQUAL(count_of(db, "SELECT count(*) FROM f WHERE "
				     "c % 7 = 3 AND (b IS NOT NULL)"),
			mod);
	/* The transaction's own writes, then none after ROLLBACK. */
	t_exec(db, "BEGIN");
	t_exec(db, "INSERT INTO f VALUES (100001, 0, 0, 3, 0, 0), "
		   "(100002, 0, 0, 10, NULL, NULL)");
	CU_ASSERT_EQUAL(count_of(db, "SELECT count(*) FROM f WHERE c % 7 = 3"),
			mod + 2);
	t_exec(db, "DELETE FROM f WHERE c % 7 = 3 AND id <= 400");
	CU_ASSERT_EQUAL(count_of(db, "SELECT count(*) FROM f WHERE c % 7 = 3"),
			above400 + 2);
	t_exec(db, "ROLLBACK");
	CU_ASSERT_EQUAL(count_of(db, "SELECT count(*) FROM f WHERE c % 7 = 3"),
			mod);
	t_exec(db, "CREATE TABLE empty (id BIGINT PRIMARY KEY, v BIGINT)");
	CU_ASSERT_STRING_EQUAL(
		t_query(db, "SELECT count(*) FROM empty WHERE v % 7 = 3"), "0");
	t_close(db, dir);
}

/* Divisions by a constant on values spread over the whole bigint range,
 * read directly from the stored rows: counts against C's own / and %. */
static uint64_t mix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static void test_division(void)
{
	enum { N = 3000 };
	static int64_t v[N];
	char *dir = NULL;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE TABLE r (id BIGINT PRIMARY KEY, v BIGINT)");
	alopex_stmt *ins = NULL;
	CU_ASSERT_EQUAL_FATAL(
		alopex_prepare(db, "INSERT INTO r VALUES ($1, $2)", &ins), 0);
	uint64_t seed = 42;
	t_exec(db, "BEGIN");
	for (int i = 0; i < N; i++) {
		uint64_t z = mix(&seed);
		/* all magnitudes, both signs, and the extremes */
		v[i] = (int64_t)(z >> (z % 64));
		if (i % 2)
			v[i] = -v[i];
		if (i < 4)
			v[i] = i < 2 ? INT64_MIN + i : INT64_MAX - i + 2;
		int rc = alopex_bind_int64(ins, 1, i);
		rc = rc ? rc : alopex_bind_int64(ins, 2, v[i]);
		if (rc == 0)
			rc = alopex_step(ins) == ALOPEX_DONE ? 0 : -1;
		alopex_reset(ins);
		CU_ASSERT_EQUAL_FATAL(rc, 0);
	}
	t_exec(db, "COMMIT");
	alopex_finalize(ins);
	static const int64_t ds[] = {2,
				     3,
				     7,
				     -7,
				     10,
				     1000,
				     65537,
				     2147483647,
				     -1000000007,
				     4611686018427387903,
				     4611686018427387904,
				     INT64_MAX};
	for (size_t k = 0; k < sizeof(ds) / sizeof(ds[0]); k++) {
		int64_t d = ds[k];
		int64_t nmod = 0, ndiv = 0;
		for (int i = 0; i < N; i++) {
			nmod += v[i] % d > d / 3;
			ndiv += v[i] / d > 12345;
		}
		char q[256];
		snprintf(q, sizeof(q),
			 "SELECT count(*) FROM r WHERE v %% %" PRId64
			 " > %" PRId64,
			 d, d / 3);
		int64_t got = count_of(db, q);
		if (got != nmod)
			fprintf(stderr, "%s: %" PRId64 ", want %" PRId64 "\n",
				q, got, nmod);
		CU_ASSERT_EQUAL(got, nmod);
		snprintf(q, sizeof(q),
			 "SELECT count(*) FROM r WHERE v %% %" PRId64
			 " = %" PRId64,
			 d, v[7] % d);
		int64_t same = 0;
		for (int i = 0; i < N; i++)
			same += v[i] % d == v[7] % d;
		CU_ASSERT_EQUAL(count_of(db, q), same);
		snprintf(q, sizeof(q),
			 "SELECT count(*) FROM r WHERE v / %" PRId64 " > 12345",
			 d);
		got = count_of(db, q);
		if (got != ndiv)
			fprintf(stderr, "%s: %" PRId64 ", want %" PRId64 "\n",
				q, got, ndiv);
		CU_ASSERT_EQUAL(got, ndiv);
	}
	t_close(db, dir);
}

static const struct alx_test_case scan_cases[] = {
	{"filters", test_filters},	 {"errors", test_errors},
	{"params", test_params},	 {"access_paths", test_access_paths},
	{"fixed_rows", test_fixed_rows}, {"count_scan", test_count_scan},
	{"division", test_division},	 {NULL, NULL},
};

static const struct alx_test_suite scan_suite = {"sql/scan", NULL, NULL,
						 scan_cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {&scan_suite, NULL};
	return alx_test_main(argc, argv, suites);
}
