/*
 * Every dispatched kernel against the scalar one and a double-precision
 * reference, on random data of every length 0..300 and sampled lengths up
 * to 4,100, from unaligned pointers (offsets 0..3 floats from a 64-byte
 * boundary). Kernels the CPU cannot run are reported and skipped.
 *
 * Tolerance: |kernel - reference| <= 1e-5 * M (+ 1e-30), where M is the
 * sum of the absolute terms (sum |a_i b_i|, sum (a_i - b_i)^2, ...): float
 * sums with 4 to 32 accumulators stay well inside that up to 4,100
 * elements (the worst-case bound n * eps / lanes is 1.5e-5 at n = 4,100
 * with 8 lanes; random signs make the real error ~sqrt(n) * eps).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alx_test.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_vector.h"
#include "vector/vec_kernels.h"

#define MAXN 4100
#define TOL 1e-5

static uint64_t rng_state = 42;

static double rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double)(rng_state >> 11) * 0x1p-53 * 2.0 - 1.0;
}

static float *aligned_buf(void **base)
{
	/* C11: the size must be a multiple of the alignment. */
	*base = aligned_alloc(64, (MAXN + 60) * sizeof(float));
	return *base;
}

struct refs {
	double l2, l2m, dot, dotm, na, nb;
};

static struct refs ref(const float *a, const float *b, size_t n)
{
	struct refs r = {0};
	for (size_t i = 0; i < n; i++) {
		double d = (double)a[i] - b[i];
		r.l2 += d * d;
		r.dot += (double)a[i] * b[i];
		r.dotm += fabs((double)a[i] * b[i]);
		r.na += (double)a[i] * a[i];
		r.nb += (double)b[i] * b[i];
	}
	r.l2m = r.l2;
	return r;
}

static int close_to(double got, double want, double mag)
{
	return fabs(got - want) <= TOL * mag + 1e-30;
}

static int check_kernel(const struct alopex_vector_kernels *k, const float *a,
			const float *b, size_t n)
{
	const struct alopex_vector_kernels *s = &alx_vec_kernels_scalar;
	struct refs r = ref(a, b, n);
	int bad = 0;
	float kl = k->l2sq(a, b, n), sl = s->l2sq(a, b, n);
	bad += !close_to(kl, r.l2, r.l2m) || !close_to(kl, sl, r.l2m);
	float kd = k->dot(a, b, n), sd = s->dot(a, b, n);
	bad += !close_to(kd, r.dot, r.dotm) || !close_to(kd, sd, r.dotm);
	float kc[3], sc[3];
	k->cosine_parts(a, b, n, kc);
	s->cosine_parts(a, b, n, sc);
	bad += !close_to(kc[0], r.dot, r.dotm) ||
	       !close_to(kc[0], sc[0], r.dotm);
	bad += !close_to(kc[1], r.na, r.na) || !close_to(kc[2], r.nb, r.nb);
	bad += !close_to(kc[1], sc[1], r.na) || !close_to(kc[2], sc[2], r.nb);
	/* The norm sums in double: much tighter. */
	bad += fabs(k->norm_sq(a, n) - r.na) > 1e-12 * r.na + 1e-300;
	if (bad && n < 5000)
		fprintf(stderr, "%s: n=%zu l2 %g/%g dot %g/%g\n", k->name, n,
			(double)kl, r.l2, (double)kd, r.dot);
	return bad;
}

static void fill(float *p, size_t n, double scale)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (float)(rnd() * scale);
}

static void test_all_kernels_match_scalar(void)
{
	void *ba, *bb;
	float *a = aligned_buf(&ba), *b = aligned_buf(&bb);
	CU_ASSERT_FATAL(a != NULL && b != NULL);
	int tested = 0;
	for (const struct alopex_vector_kernels *const *kp =
		     alx_vec_kernels_all();
	     *kp != NULL; kp++) {
		const struct alopex_vector_kernels *k = *kp;
		CU_ASSERT_EQUAL(k->size, sizeof(*k));
		if (alx_vec_kernels_by_name(k->name) == NULL) {
			printf("\n  [skip] %s: not supported by this CPU\n",
			       k->name);
			continue;
		}
		tested++;
		int bad = 0;
		for (size_t n = 0; n <= MAXN; n = n < 300 ? n + 1 : n + 97) {
			for (size_t off = 0; off < 4; off++) {
				/* Different offsets for a and b: unaligned. */
				float *pa = a + off, *pb = b + (3 - off);
				fill(pa, n, off == 2 ? 100.0 : 1.0);
				fill(pb, n, off == 2 ? 100.0 : 1.0);
				bad += check_kernel(k, pa, pb, n);
			}
		}
		/* Exactly representable: every kernel must be exact. */
		for (size_t i = 0; i < 37; i++) {
			a[i] = (float)(i % 5);
			b[i] = (float)(i % 3) - 1.0f;
		}
		struct refs r = ref(a, b, 37);
		CU_ASSERT_EQUAL(k->l2sq(a, b, 37), (float)r.l2);
		CU_ASSERT_EQUAL(k->dot(a, b, 37), (float)r.dot);
		CU_ASSERT_EQUAL(k->l2sq(a, b, 0), 0.0f);
		CU_ASSERT_EQUAL(k->dot(a, b, 0), 0.0f);
		CU_ASSERT_EQUAL(k->norm_sq(a, 0), 0.0);
		CU_ASSERT_EQUAL_FATAL(bad, 0);
	}
	/* At least scalar plus the best table of this machine. */
	CU_ASSERT(tested >= 1);
	free(ba);
	free(bb);
}

/* The whole buffer ends at the last element: a kernel reading past n
 * (say a full vector load for the tail) trips ASan here. */
static void test_no_overread(void)
{
	for (const struct alopex_vector_kernels *const *kp =
		     alx_vec_kernels_all();
	     *kp != NULL; kp++) {
		const struct alopex_vector_kernels *k = *kp;
		if (alx_vec_kernels_by_name(k->name) == NULL)
			continue;
		for (size_t n = 1; n <= 67; n++) {
			float *a = malloc(n * sizeof(float));
			float *b = malloc(n * sizeof(float));
			CU_ASSERT_FATAL(a != NULL && b != NULL);
			fill(a, n, 1);
			fill(b, n, 1);
			CU_ASSERT_EQUAL(check_kernel(k, a, b, n), 0);
			free(a);
			free(b);
		}
	}
}

static void test_dispatch(void)
{
	const struct alopex_vector_kernels *best = alx_vec_kernels_detect();
	CU_ASSERT_PTR_NOT_NULL_FATAL(best);
	CU_ASSERT_PTR_EQUAL(alx_vec_kernels_by_name(best->name), best);
	CU_ASSERT_PTR_EQUAL(alx_vec_kernels_by_name("scalar"),
			    &alx_vec_kernels_scalar);
	CU_ASSERT_PTR_NULL(alx_vec_kernels_by_name("mmx"));
	CU_ASSERT_PTR_NULL(alx_vec_kernels_by_name(NULL));
#if defined(__x86_64__)
	/* Every x86-64 has SSE2: scalar is never the pick there. */
	CU_ASSERT_STRING_NOT_EQUAL(best->name, "scalar");
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
	    !__builtin_cpu_supports("avx512f"))
		CU_ASSERT_STRING_EQUAL(best->name, "avx2+fma");
#endif
	printf("\n  dispatched kernels: %s\n", best->name);

	/* The runtime hands the same table to plugins. */
	struct alx_runtime *rt;
	alopex_diag d;
	CU_ASSERT_EQUAL_FATAL(alx_runtime_create(NULL, &rt, &d), 0);
	const struct alopex_host *h = alx_runtime_host(rt);
	CU_ASSERT(h->size >= offsetof(struct alopex_host, vector_kernels) +
				     sizeof(h->vector_kernels));
	CU_ASSERT_PTR_EQUAL(h->vector_kernels, best);
	alx_runtime_destroy(rt);
}

/* The SQL functions run on the same kernels (pgvector's semantics). */
static void test_sql_path(void)
{
	float x[19], y[19];
	for (int i = 0; i < 19; i++) {
		x[i] = (float)(i + 1);
		y[i] = (float)(19 - i);
	}
	const struct alopex_vector_kernels *k = alx_vec_kernels_detect();
	CU_ASSERT_EQUAL(alx_vec_l2_squared(x, y, 19),
			(double)k->l2sq(x, y, 19));
	CU_ASSERT_EQUAL(alx_vec_dot(x, y, 19), (double)k->dot(x, y, 19));
	CU_ASSERT_DOUBLE_EQUAL(alx_vec_norm(x, 19), sqrt(k->norm_sq(x, 19)), 0);
	float c[3];
	k->cosine_parts(x, y, 19, c);
	CU_ASSERT_EQUAL(alx_vec_cosine_distance(x, y, 19),
			alx_vec_cosine_from(c[0], c[1], c[2]));
	CU_ASSERT_DOUBLE_EQUAL(alx_vec_cosine_distance(x, x, 19), 0, 1e-7);
	float z[19] = {0};
	CU_ASSERT(isnan(alx_vec_cosine_distance(x, z, 19)));
}

static const struct alx_test_case cases[] = {
	{"all_kernels_match_scalar", test_all_kernels_match_scalar},
	{"no_overread", test_no_overread},
	{"dispatch", test_dispatch},
	{"sql_path", test_sql_path},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"vector/kernels", NULL, NULL,
					    cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
