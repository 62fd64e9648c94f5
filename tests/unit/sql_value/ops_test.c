/*
 * Operators, casts and comparison against PostgreSQL 15's results
 * (pg15_cases.inc via io_test.c's accessors; the hand tables here were
 * checked against the same server).
 */
#include <stdio.h>
#include <string.h>

#include "sql_value_tests.h"

struct arith_case {
	int ltype;
	int32_t lmod;
	const char *lin;
	int op;
	int rtype;
	int32_t rmod;
	const char *rin;
	const char *out;
	const char *state;
	const char *result_type;
};
struct cast_case {
	int from;
	int32_t fmod, fscale;
	const char *in;
	int to;
	int32_t tmod, tscale;
	int explicit_cast;
	const char *out;
	const char *state;
};
struct cmp_case {
	int ltype;
	int32_t lmod;
	const char *lin;
	int rtype;
	int32_t rmod;
	const char *rin;
	int sign;
	const char *error;
};
const struct arith_case *tv_arith_cases(size_t *n);
const struct cast_case *tv_cast_cases(size_t *n);
const struct cmp_case *tv_cmp_cases(size_t *n);

static const char *op_name(int op)
{
	static const char *names[] = {"?", "+", "-", "*", "/", "%", "^", "||"};
	return op >= 0 && op <= ALX_OP_CONCAT ? names[op] : "?";
}

static void test_pg_arith(void)
{
	size_t n;
	const struct arith_case *cases = tv_arith_cases(&n);
	CU_ASSERT(n > 150);
	int failures = 0;
	for (size_t i = 0; i < n; i++) {
		const struct arith_case *c = &cases[i];
		struct alx_value l = tv_in(c->ltype, c->lmod, c->lin);
		struct alx_value r = tv_in(c->rtype, c->rmod, c->rin);
		char what[256];
		snprintf(what, sizeof(what), "%s::%s %s %s::%s", c->lin,
			 alx_type_info(c->ltype)->name, op_name(c->op), c->rin,
			 alx_type_info(c->rtype)->name);
		/* The result type as pg_typeof() reports it. */
		struct alx_type rt;
		alopex_diag d;
		int rc =
			alx_binop_result_type(c->op, alx_type_make(c->ltype),
					      alx_type_make(c->rtype), &rt, &d);
		char got[64];
		if (rc == 0)
			snprintf(got, sizeof(got), "%s",
				 alx_type_info(rt.id)->name);
		else
			snprintf(got, sizeof(got), "ERR %s", d.sqlstate);
		/* A runtime error left PostgreSQL without a type to report. */
		bool typed = strncmp(c->result_type, "ERR ", 4) != 0 ||
			     strcmp(c->result_type, "ERR 42883") == 0 ||
			     strcmp(c->result_type, "ERR 42725") == 0;
		if (typed && strcmp(got, c->result_type) != 0) {
			fprintf(stderr, "\n%s: result type %s, want %s\n", what,
				got, c->result_type);
			failures++;
		}
		struct alx_value v = alx_value_null(0);
		rc = alx_value_binop(tv_arena, c->op, &l, &r, &v, &d);
		if (!tv_expect(what, rc, &d, &v, c->out, c->state))
			failures++;
		else if (rc == 0 && v.type != rt.id)
			failures++;
	}
	CU_ASSERT_EQUAL(failures, 0);
}

/* Unary minus; checked against PostgreSQL 15. */
static void test_negation(void)
{
	static const struct {
		int type;
		const char *in, *out, *state;
	} cases[] = {
		{ALX_T_INT2, "1", "-1", NULL},
		{ALX_T_INT2, "-32768", "smallint out of range", "22003"},
		{ALX_T_INT4, "-2147483648", "integer out of range", "22003"},
		{ALX_T_INT4, "-2147483647", "2147483647", NULL},
		{ALX_T_INT8, "-9223372036854775808", "bigint out of range",
		 "22003"},
		{ALX_T_FLOAT8, "0", "-0", NULL},
		{ALX_T_FLOAT8, "nan", "NaN", NULL},
		{ALX_T_FLOAT4, "-inf", "Infinity", NULL},
		{ALX_T_NUMERIC, "0.00", "0.00", NULL},
		{ALX_T_NUMERIC, "1.50", "-1.50", NULL},
		{ALX_T_NUMERIC, "inf", "-Infinity", NULL},
		{ALX_T_NUMERIC, "nan", "NaN", NULL},
		{ALX_T_BOOL, "true", "operator does not exist: - boolean",
		 "42883"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct alx_value v = tv_in(cases[i].type, -1, cases[i].in), r;
		alopex_diag d;
		int rc = alx_value_neg(tv_arena, &v, &r, &d);
		CU_ASSERT(tv_expect(cases[i].in, rc, &d, &r, cases[i].out,
				    cases[i].state));
	}
	struct alx_value nul = alx_value_null(ALX_T_INT4), r;
	alopex_diag d;
	CU_ASSERT_EQUAL(alx_value_neg(tv_arena, &nul, &r, &d), 0);
	CU_ASSERT(r.null && r.type == ALX_T_INT4);
}

static void test_null_operands(void)
{
	struct alx_value one = tv_in(ALX_T_INT4, -1, "1");
	struct alx_value nul = alx_value_null(ALX_T_NUMERIC), r;
	alopex_diag d;
	CU_ASSERT_EQUAL(
		alx_value_binop(tv_arena, ALX_OP_ADD, &one, &nul, &r, &d), 0);
	CU_ASSERT(r.null);
	CU_ASSERT_EQUAL(r.type, ALX_T_NUMERIC);
	/* Division by a NULL zero is NULL, not an error. */
	struct alx_value nz = alx_value_null(ALX_T_INT4);
	CU_ASSERT_EQUAL(
		alx_value_binop(tv_arena, ALX_OP_DIV, &one, &nz, &r, &d), 0);
	CU_ASSERT(r.null);
	struct alx_value t = tv_in(ALX_T_TEXT, -1, "a");
	CU_ASSERT_EQUAL(
		alx_value_binop(tv_arena, ALX_OP_CONCAT, &t, &nz, &r, &d), 0);
	CU_ASSERT(r.null && r.type == ALX_T_TEXT);
}

static void test_pg_casts(void)
{
	size_t n;
	const struct cast_case *cases = tv_cast_cases(&n);
	CU_ASSERT(n > 200);
	int failures = 0;
	for (size_t i = 0; i < n; i++) {
		const struct cast_case *c = &cases[i];
		struct alx_value in = tv_in(c->from, c->fmod, c->in), v;
		struct alx_type to = tv_type(c->to, c->tmod, c->tscale);
		char what[256];
		snprintf(what, sizeof(what), "%s %s::%s -> %s(%d,%d)",
			 c->explicit_cast ? "explicit" : "assignment", c->in,
			 alx_type_info(c->from)->name,
			 alx_type_info(c->to)->name, (int)c->tmod,
			 (int)c->tscale);
		alopex_diag d;
		v = alx_value_null(0);
		int rc = alx_value_cast(tv_arena, &in, to,
					c->explicit_cast != 0, NULL, &v, &d);
		if (!tv_expect(what, rc, &d, &v, c->out, c->state))
			failures++;
		else if (rc == 0 && v.type != c->to)
			failures++;
	}
	CU_ASSERT_EQUAL(failures, 0);
}

/* pg_cast contexts (from pg_cast of PostgreSQL 15). */
static void test_cast_contexts(void)
{
	static const struct {
		int from, to, ctx;
	} cases[] = {
		{ALX_T_INT2, ALX_T_INT4, ALX_CAST_IMPLICIT},
		{ALX_T_INT4, ALX_T_INT2, ALX_CAST_ASSIGN},
		{ALX_T_INT8, ALX_T_INT4, ALX_CAST_ASSIGN},
		{ALX_T_INT8, ALX_T_FLOAT4, ALX_CAST_IMPLICIT},
		{ALX_T_FLOAT8, ALX_T_FLOAT4, ALX_CAST_ASSIGN},
		{ALX_T_FLOAT4, ALX_T_NUMERIC, ALX_CAST_ASSIGN},
		{ALX_T_NUMERIC, ALX_T_FLOAT8, ALX_CAST_IMPLICIT},
		{ALX_T_NUMERIC, ALX_T_INT8, ALX_CAST_ASSIGN},
		{ALX_T_INT4, ALX_T_NUMERIC, ALX_CAST_IMPLICIT},
		{ALX_T_INT4, ALX_T_BOOL, ALX_CAST_EXPLICIT},
		{ALX_T_BOOL, ALX_T_INT4, ALX_CAST_EXPLICIT},
		{ALX_T_INT8, ALX_T_BOOL, ALX_CAST_NONE},
		{ALX_T_BOOL, ALX_T_TEXT, ALX_CAST_ASSIGN},
		{ALX_T_INT4, ALX_T_TEXT, ALX_CAST_ASSIGN},
		{ALX_T_TEXT, ALX_T_INT4, ALX_CAST_EXPLICIT},
		{ALX_T_TEXT, ALX_T_VARCHAR, ALX_CAST_IMPLICIT},
		{ALX_T_BPCHAR, ALX_T_TEXT, ALX_CAST_IMPLICIT},
		{ALX_T_DATE, ALX_T_TIMESTAMP, ALX_CAST_IMPLICIT},
		{ALX_T_TIMESTAMP, ALX_T_DATE, ALX_CAST_ASSIGN},
		{ALX_T_TIMESTAMPTZ, ALX_T_TIMESTAMP, ALX_CAST_ASSIGN},
		{ALX_T_TIMESTAMP, ALX_T_TIMESTAMPTZ, ALX_CAST_IMPLICIT},
		{ALX_T_JSON, ALX_T_JSONB, ALX_CAST_ASSIGN},
		{ALX_T_JSONB, ALX_T_INT4, ALX_CAST_EXPLICIT},
		{ALX_T_JSON, ALX_T_INT4, ALX_CAST_NONE},
		{ALX_T_BOOL, ALX_T_DATE, ALX_CAST_NONE},
		{ALX_T_INT4, ALX_T_BYTEA, ALX_CAST_NONE},
		{ALX_T_UNKNOWN, ALX_T_DATE, ALX_CAST_IMPLICIT},
		{ALX_T_INT4, ALX_T_UNKNOWN, ALX_CAST_NONE},
		{ALX_T_VECTOR, ALX_T_TEXT, ALX_CAST_ASSIGN},
		{ALX_T_NUMERIC, ALX_T_NUMERIC, ALX_CAST_IMPLICIT},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_EQUAL(alx_cast_context(cases[i].from, cases[i].to),
				cases[i].ctx);
	/* Assignment refuses explicit-only casts with PostgreSQL's error. */
	struct alx_value one = tv_in(ALX_T_INT4, -1, "1"), v;
	alopex_diag d;
	CU_ASSERT_EQUAL(alx_value_cast(tv_arena, &one,
				       alx_type_make(ALX_T_BOOL), false, NULL,
				       &v, &d),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "42846");
	CU_ASSERT_STRING_EQUAL(d.message,
			       "cannot cast type integer to boolean");
	CU_ASSERT_EQUAL(alx_value_cast(tv_arena, &one,
				       alx_type_make(ALX_T_BOOL), true, NULL,
				       &v, &d),
			0);
	CU_ASSERT(v.u.b);
	struct alx_value nul = alx_value_null(ALX_T_TEXT);
	CU_ASSERT_EQUAL(alx_value_cast(tv_arena, &nul,
				       alx_type_make(ALX_T_INT8), true, NULL,
				       &v, &d),
			0);
	CU_ASSERT(v.null && v.type == ALX_T_INT8);
}

static int sign(int x)
{
	return x < 0 ? -1 : x > 0;
}

static void test_pg_cmp(void)
{
	size_t n;
	const struct cmp_case *cases = tv_cmp_cases(&n);
	int failures = 0;
	for (size_t i = 0; i < n; i++) {
		const struct cmp_case *c = &cases[i];
		struct alx_value l = tv_in(c->ltype, c->lmod, c->lin);
		struct alx_value r = tv_in(c->rtype, c->rmod, c->rin);
		alopex_diag d;
		int rc = alx_cmp_check("=", alx_type_make(c->ltype),
				       alx_type_make(c->rtype), &d);
		if (c->error != NULL) {
			char want[160];
			snprintf(want, sizeof(want), "%s", c->error);
			/* The table's error is for "<"; ours names "=". */
			char *lt = strstr(want, " < ");
			if (lt != NULL)
				lt[1] = '=';
			if (rc != ALOPEX_ESQL || strcmp(d.message, want) != 0) {
				fprintf(stderr, "\n%s vs %s: got %s\n", c->lin,
					c->rin, rc ? d.message : "ok");
				failures++;
			}
			continue;
		}
		int s = sign(alx_value_cmp(&l, &r));
		int s2 = sign(alx_value_cmp(&r, &l));
		if (rc != 0 || s != c->sign || s2 != -c->sign) {
			fprintf(stderr, "\n%s vs %s: cmp %d/%d, want %d\n",
				c->lin, c->rin, s, s2, c->sign);
			failures++;
		}
		if (s == 0 && alx_value_hash(&l) != alx_value_hash(&r)) {
			fprintf(stderr, "\n%s vs %s: equal, hashes differ\n",
				c->lin, c->rin);
			failures++;
		}
	}
	CU_ASSERT_EQUAL(failures, 0);
}

/* Equal numbers of different types compare equal and hash equal. */
static void test_cross_type_hash(void)
{
	uint64_t seed = 5;
	for (int i = 0; i < 2000; i++) {
		int64_t k = (int64_t)(tv_rand(&seed) % 65536) - 32768;
		if (i % 3 == 0)
			k *= 1000000;
		char txt[64];
		snprintf(txt, sizeof(txt), "%lld", (long long)k);
		struct alx_value vals[6];
		int n = 0;
		if (k >= INT16_MIN && k <= INT16_MAX)
			vals[n++] = tv_in(ALX_T_INT2, -1, txt);
		vals[n++] = tv_in(ALX_T_INT8, -1, txt);
		vals[n++] = tv_in(ALX_T_FLOAT8, -1, txt);
		snprintf(txt, sizeof(txt), "%lld.000", (long long)k);
		vals[n++] = tv_in(ALX_T_NUMERIC, -1, txt);
		if (k > -16777216 && k < 16777216)
			vals[n++] = tv_in(ALX_T_FLOAT4, -1, txt);
		for (int a = 0; a < n; a++)
			for (int b = 0; b < n; b++) {
				CU_ASSERT_EQUAL(
					alx_value_cmp(&vals[a], &vals[b]), 0);
				CU_ASSERT_EQUAL(alx_value_hash(&vals[a]),
						alx_value_hash(&vals[b]));
			}
	}
	/* CHAR(n) and text agree when only trailing spaces differ. */
	struct alx_value c = tv_in(ALX_T_BPCHAR, 5, "ab");
	struct alx_value t = tv_in(ALX_T_TEXT, -1, "ab");
	CU_ASSERT_EQUAL(alx_value_cmp(&c, &t), 0);
	CU_ASSERT_EQUAL(alx_value_hash(&c), alx_value_hash(&t));
	/* A date and the timestamp of its midnight */
	struct alx_value d = tv_in(ALX_T_DATE, -1, "2021-03-04");
	struct alx_value ts = tv_in(ALX_T_TIMESTAMP, -1, "2021-03-04");
	CU_ASSERT_EQUAL(alx_value_cmp(&d, &ts), 0);
	CU_ASSERT_EQUAL(alx_value_hash(&d), alx_value_hash(&ts));
}

/*
 * Every operator on every pair of types: when alx_binop_result_type
 * accepts the pair, alx_value_binop gives a value of that type or a SQL
 * error; when it refuses, alx_value_binop refuses the same way.
 */
static void test_operator_matrix(void)
{
	static const struct {
		int type;
		const char *lit;
	} samples[] = {
		{ALX_T_UNKNOWN, "7"},
		{ALX_T_BOOL, "t"},
		{ALX_T_INT2, "-3"},
		{ALX_T_INT4, "100000"},
		{ALX_T_INT8, "-7"},
		{ALX_T_FLOAT4, "1.5"},
		{ALX_T_FLOAT8, "-0.25"},
		{ALX_T_NUMERIC, "12.50"},
		{ALX_T_TEXT, "x"},
		{ALX_T_VARCHAR, "y"},
		{ALX_T_BPCHAR, "z"},
		{ALX_T_BYTEA, "\\x00ff"},
		{ALX_T_DATE, "2020-01-01"},
		{ALX_T_TIMESTAMP, "2020-01-01 1:00"},
		{ALX_T_TIMESTAMPTZ, "2020-01-01 1:00+02"},
		{ALX_T_JSON, "[1]"},
		{ALX_T_JSONB, "{\"a\": 1}"},
		{ALX_T_VECTOR, "[1,2]"},
	};
	enum { NS = sizeof(samples) / sizeof(samples[0]) };
	struct alx_value vals[NS];
	for (int i = 0; i < NS; i++)
		vals[i] = tv_in(samples[i].type, -1, samples[i].lit);
	int failures = 0;
	for (int op = ALX_OP_ADD; op <= ALX_OP_CONCAT; op++) {
		for (int i = 0; i < NS; i++) {
			for (int j = 0; j < NS; j++) {
				struct alx_type rt;
				alopex_diag d1, d2;
				int rc1 = alx_binop_result_type(
					op, alx_type_make(samples[i].type),
					alx_type_make(samples[j].type), &rt,
					&d1);
				struct alx_value v;
				int rc2 =
					alx_value_binop(tv_arena, op, &vals[i],
							&vals[j], &v, &d2);
				if (rc1 != 0) {
					if (rc2 != rc1 ||
					    strcmp(d1.message, d2.message) != 0)
						failures++;
					continue;
				}
				if (rc2 == 0 ? v.type != rt.id
					     : rc2 != ALOPEX_ESQL ||
						       strlen(d2.sqlstate) != 5)
					failures++;
			}
		}
	}
	CU_ASSERT_EQUAL(failures, 0);
}

static const struct alx_test_case ops_cases[] = {
	{"cross_type_hash", test_cross_type_hash},
	{"operator_matrix", test_operator_matrix},
	{"pg_arith", test_pg_arith},
	{"negation", test_negation},
	{"null_operands", test_null_operands},
	{"pg_casts", test_pg_casts},
	{"cast_contexts", test_cast_contexts},
	{"pg_cmp", test_pg_cmp},
	{NULL, NULL},
};

const struct alx_test_suite suite_ops = {"sql_value/ops", tv_setup, tv_teardown,
					 ops_cases};
