/*
 * VECTOR: pgvector's text format (element text checked against PostgreSQL
 * 15's float4 output, which pgvector shares; messages as in pgvector's
 * vector.c), and the distance kernels against double-precision references.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_vector.h"
#include "types2_tests.h"

struct f4_case {
	const char *in, *out;
};
static const struct f4_case f4_cases[] = {
#include "float4_cases.inc"
	{"1.1", "1.1"},
	{"3.4028235e38", "3.4028235e+38"},
	{"1e-10", "1e-10"},
	{"1e6", "1e+06"},
	{"123456", "123456"},
	{"0.0001", "0.0001"},
	{"0.00001", "1e-05"},
	{"16777215", "1.6777215e+07"},
	{"1.4e-45", "1e-45"},
	{"-0", "-0"},
	{"100", "100"},
	{"1234567", "1.234567e+06"},
	{"-68747424", "-6.8747424e+07"},
};

static struct alx_runtime *rt;
static struct alx_arena arena;

static int setup(void)
{
	if (alx_runtime_create(NULL, &rt, NULL) != 0)
		return -1;
	alx_arena_init(&arena, rt, 0);
	return 0;
}

static int teardown(void)
{
	alx_arena_fini(&arena);
	alx_runtime_destroy(rt);
	return 0;
}

static void test_float4_out(void)
{
	size_t n = sizeof(f4_cases) / sizeof(f4_cases[0]);
	CU_ASSERT(n > 300);
	for (size_t i = 0; i < n; i++) {
		char buf[ALX_FLOAT4_BUFSZ];
		float f = strtof(f4_cases[i].in, NULL);
		int len = alx_float4_out(f, buf);
		CU_ASSERT_EQUAL((size_t)len, strlen(buf));
		if (strcmp(buf, f4_cases[i].out) != 0) {
			fprintf(stderr, "\nfloat4 %s: got %s want %s\n",
				f4_cases[i].in, buf, f4_cases[i].out);
			CU_FAIL("float4 text differs from PostgreSQL 15");
		}
		/* Shortest digits still read back exactly. */
		CU_ASSERT(strtof(buf, NULL) == f);
	}
}

static void test_io(void)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{"[1,2,3]", "[1,2,3]"},
		{"[ 1 , 2.5e0, -3 ]", "[1,2.5,-3]"},
		{" \t[1.1]\n", "[1.1]"},
		{"[0.1,1e-7,1e20,-0]", "[0.1,1e-07,1e+20,-0]"},
		{"[0x10, 1e-50]", "[16,0]"},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		const float *v;
		uint32_t dim;
		alopex_diag d;
		memset(&d, 0, sizeof(d));
		int rc = alx_vector_in(&arena, ok[i].in, strlen(ok[i].in), -1,
				       &v, &dim, &d);
		CU_ASSERT_EQUAL(rc, 0);
		if (rc != 0)
			continue;
		const char *out;
		size_t len;
		CU_ASSERT_EQUAL(alx_vector_out(&arena, v, dim, &out, &len, &d),
				0);
		CU_ASSERT_STRING_EQUAL(out, ok[i].out);
		CU_ASSERT_EQUAL(len, strlen(ok[i].out));
	}
	const float *v;
	uint32_t dim;
	CU_ASSERT_EQUAL(alx_vector_in(&arena, "[1,2,3]", 7, 3, &v, &dim, NULL),
			0);
	CU_ASSERT_EQUAL(dim, 3);
	alx_arena_reset(&arena);
}

static void test_errors(void)
{
	static const struct {
		const char *in;
		int32_t dims;
		const char *state, *msg;
	} bad[] = {
		{"1,2", -1, "22P02",
		 "invalid input syntax for type vector: \"1,2\"\nVector "
		 "contents must start with \"[\"."},
		{"[]", -1, "22000", "vector must have at least 1 dimension"},
		{"[ ]", -1, "22000", "vector must have at least 1 dimension"},
		{"[1,]", -1, "22P02",
		 "invalid input syntax for type vector: "
		 "\"[1,]\""},
		{"[1,2", -1, "22P02",
		 "invalid input syntax for type vector: "
		 "\"[1,2\""},
		{"[1 2]", -1, "22P02",
		 "invalid input syntax for type vector: "
		 "\"[1 2]\""},
		{"[a]", -1, "22P02",
		 "invalid input syntax for type vector: "
		 "\"[a]\""},
		{"[1] x", -1, "22P02",
		 "invalid input syntax for type vector: \"[1] x\"\nJunk after "
		 "closing right brace."},
		{"[NaN]", -1, "22000", "NaN not allowed in vector"},
		{"[1,inf]", -1, "22000",
		 "infinite value not allowed in vector"},
		{"[1e39]", -1, "22003",
		 "\"1e39\" is out of range for type "
		 "vector"},
		{"[1,2]", 3, "22000", "expected 3 dimensions, not 2"},
		{"", -1, "22P02",
		 "invalid input syntax for type vector: \"\"\n"
		 "Vector contents must start with \"[\"."},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const float *v;
		uint32_t dim;
		alopex_diag d;
		memset(&d, 0, sizeof(d));
		CU_ASSERT_EQUAL(alx_vector_in(&arena, bad[i].in,
					      strlen(bad[i].in), bad[i].dims,
					      &v, &dim, &d),
				ALOPEX_ESQL);
		CU_ASSERT_STRING_EQUAL(d.sqlstate, bad[i].state);
		CU_ASSERT_STRING_EQUAL(d.message, bad[i].msg);
	}
	/* 16,000 dimensions pass, 16,001 do not. */
	size_t cap = 2 * (ALX_VECTOR_MAX_DIM + 1) + 2;
	char *s = malloc(cap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	for (int extra = 0; extra <= 1; extra++) {
		size_t n = 0, count = ALX_VECTOR_MAX_DIM + (size_t)extra;
		s[n++] = '[';
		for (size_t i = 0; i < count; i++) {
			s[n++] = '1';
			s[n++] = i + 1 < count ? ',' : ']';
		}
		const float *v;
		uint32_t dim = 0;
		alopex_diag d;
		memset(&d, 0, sizeof(d));
		int rc = alx_vector_in(&arena, s, n, -1, &v, &dim, &d);
		if (extra == 0) {
			CU_ASSERT_EQUAL(rc, 0);
			CU_ASSERT_EQUAL(dim, ALX_VECTOR_MAX_DIM);
		} else {
			CU_ASSERT_EQUAL(rc, ALOPEX_ESQL);
			CU_ASSERT_STRING_EQUAL(d.sqlstate, "54000");
			CU_ASSERT_STRING_EQUAL(d.message,
					       "vector cannot have more than "
					       "16000 dimensions");
		}
	}
	free(s);
	alopex_diag d;
	memset(&d, 0, sizeof(d));
	CU_ASSERT_EQUAL(alx_vec_check_dims(3, 2, &d), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.message,
			       "different vector dimensions 3 and 2");
	CU_ASSERT_EQUAL(alx_vec_check_dims(4, 4, NULL), 0);
	alx_arena_reset(&arena);
}

/* A small deterministic generator (xorshift), no process state. */
static float rnd(uint64_t *s, int positive)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	float u = (float)((*s >> 40) & 0xffffff) / 16777216.0f;
	return positive ? u : 2 * u - 1;
}

static int close_to(double got, double want, double scale)
{
	return fabs(got - want) <= 1e-5 * scale;
}

static void test_kernels(void)
{
	uint64_t seed = 0x9e3779b97f4a7c15u;
	float *a = malloc(4096 * sizeof(float));
	float *b = malloc(4096 * sizeof(float));
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	int failures = 0;
	for (uint32_t dim = 1; dim <= 4096;
	     dim = dim < 40 ? dim + 1 : dim * 3 / 2 + 1) {
		for (int positive = 0; positive <= 1; positive++) {
			for (uint32_t i = 0; i < dim; i++) {
				a[i] = rnd(&seed, positive);
				b[i] = rnd(&seed, positive);
			}
			/* Relative error; for sums of mixed signs relative
			 * to the sum of magnitudes (its condition). */
			double mag = 0, l2 = alx_vec_l2_squared_ref(a, b, dim);
			for (uint32_t i = 0; i < dim; i++)
				mag += fabs((double)a[i] * b[i]);
			double na = alx_vec_norm_ref(a, dim);
			double nb = alx_vec_norm_ref(b, dim);
			failures += !close_to(alx_vec_l2_squared(a, b, dim), l2,
					      l2);
			failures += !close_to(alx_vec_l2_distance(a, b, dim),
					      sqrt(l2), sqrt(l2));
			failures += !close_to(alx_vec_dot(a, b, dim),
					      alx_vec_dot_ref(a, b, dim), mag);
			failures += !close_to(alx_vec_norm(a, dim), na, na);
			failures += !close_to(
				alx_vec_cosine_distance(a, b, dim),
				alx_vec_cosine_distance_ref(a, b, dim),
				mag / (na * nb) + 1e-300);
		}
	}
	CU_ASSERT_EQUAL(failures, 0);
	/* Known values (pgvector's tests): */
	float x[3] = {1, 2, 3}, y[3] = {4, 5, 6}, z[3] = {0, 0, 0};
	CU_ASSERT_DOUBLE_EQUAL(alx_vec_l2_squared(x, y, 3), 27, 0);
	CU_ASSERT_DOUBLE_EQUAL(alx_vec_dot(x, y, 3), 32, 0);
	CU_ASSERT_DOUBLE_EQUAL(alx_vec_norm(y, 3), sqrt(77.0), 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(alx_vec_cosine_distance(x, x, 3), 0, 1e-7);
	CU_ASSERT(isnan(alx_vec_cosine_distance(x, z, 3)));
	float p[2] = {1, 0}, q[2] = {-1, 0};
	CU_ASSERT_DOUBLE_EQUAL(alx_vec_cosine_distance(p, q, 2), 2, 0);
	free(a);
	free(b);
}

static const struct alx_test_case cases[] = {{"float4_out", test_float4_out},
					     {"io", test_io},
					     {"errors", test_errors},
					     {"kernels", test_kernels},
					     {NULL, NULL}};

const struct alx_test_suite types2_vector_suite = {"sql/vector", setup,
						   teardown, cases};
