#include "bench_mem.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define BENCH_X86 1
#endif

/* ---- generic ----------------------------------------------------------- */

static double read_generic(const float *p, size_t n)
{
	float s[8] = {0};
	size_t i = 0;
	for (; i + 8 <= n; i += 8)
		for (int j = 0; j < 8; j++)
			s[j] += p[i + (size_t)j];
	for (; i < n; i++)
		s[0] += p[i];
	double t = 0;
	for (int j = 0; j < 8; j++)
		t += s[j];
	return t;
}

static float l2sq_generic(const float *a, const float *b, size_t dim)
{
	float s[8] = {0};
	size_t i = 0;
	for (; i + 8 <= dim; i += 8)
		for (int j = 0; j < 8; j++) {
			float d = a[i + (size_t)j] - b[i + (size_t)j];
			s[j] += d * d;
		}
	for (; i < dim; i++) {
		float d = a[i] - b[i];
		s[0] += d * d;
	}
	return ((s[0] + s[1]) + (s[2] + s[3])) +
	       ((s[4] + s[5]) + (s[6] + s[7]));
}

/* ---- AVX2 + FMA -------------------------------------------------------- */

#ifdef BENCH_X86
__attribute__((target("avx2"))) static float hsum256(__m256 v)
{
	__m128 lo = _mm256_castps256_ps128(v);
	__m128 hi = _mm256_extractf128_ps(v, 1);
	lo = _mm_add_ps(lo, hi);
	lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
	lo = _mm_add_ss(lo, _mm_shuffle_ps(lo, lo, 1));
	return _mm_cvtss_f32(lo);
}

/* Four independent accumulators: enough loads in flight for DRAM. */
__attribute__((target("avx2"))) static double read_avx2(const float *p,
							size_t n)
{
	__m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
	size_t i = 0;
	for (; i + 32 <= n; i += 32) {
		s0 = _mm256_add_ps(s0, _mm256_loadu_ps(p + i));
		s1 = _mm256_add_ps(s1, _mm256_loadu_ps(p + i + 8));
		s2 = _mm256_add_ps(s2, _mm256_loadu_ps(p + i + 16));
		s3 = _mm256_add_ps(s3, _mm256_loadu_ps(p + i + 24));
	}
	double t = hsum256(
		_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
	for (; i < n; i++)
		t += p[i];
	return t;
}

__attribute__((target("avx2,fma"))) static float l2sq_avx2(const float *a,
							   const float *b,
							   size_t dim)
{
	__m256 s0 = _mm256_setzero_ps(), s1 = s0;
	size_t i = 0;
	for (; i + 16 <= dim; i += 16) {
		__m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i),
					  _mm256_loadu_ps(b + i));
		__m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8),
					  _mm256_loadu_ps(b + i + 8));
		s0 = _mm256_fmadd_ps(d0, d0, s0);
		s1 = _mm256_fmadd_ps(d1, d1, s1);
	}
	for (; i + 8 <= dim; i += 8) {
		__m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i),
					  _mm256_loadu_ps(b + i));
		s0 = _mm256_fmadd_ps(d0, d0, s0);
	}
	float t = hsum256(_mm256_add_ps(s0, s1));
	for (; i < dim; i++) {
		float d = a[i] - b[i];
		t += d * d;
	}
	return t;
}

/* Cheap (reads the CPU model libgcc filled in): callers hoist it anyway. */
static int have_avx2(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
static int have_avx2(void)
{
	return 0;
}
#endif

/* ---- dispatch ---------------------------------------------------------- */

const char *bench_mem_isa(void)
{
	return have_avx2() ? "avx2+fma" : "generic";
}

double bench_mem_read_sum(const float *p, size_t n)
{
#ifdef BENCH_X86
	if (have_avx2())
		return read_avx2(p, n);
#endif
	return read_generic(p, n);
}

float bench_mem_l2sq(const float *a, const float *b, size_t dim)
{
#ifdef BENCH_X86
	if (have_avx2())
		return l2sq_avx2(a, b, dim);
#endif
	return l2sq_generic(a, b, dim);
}

double bench_mem_l2sq_exact(const float *a, const float *b, size_t dim)
{
	double s = 0;
	for (size_t i = 0; i < dim; i++) {
		double d = (double)a[i] - (double)b[i];
		s += d * d;
	}
	return s;
}

void bench_mem_knn(const float *base, size_t n, size_t dim, const float *q,
		   size_t k, uint32_t *out_ids)
{
	float best[BENCH_KNN_MAX_K];
	uint32_t ids[BENCH_KNN_MAX_K];
	size_t have = 0;
	int avx = have_avx2();
	for (size_t i = 0; i < n; i++) {
		const float *row = base + i * dim;
#ifdef BENCH_X86
		float d = avx ? l2sq_avx2(row, q, dim)
			      : l2sq_generic(row, q, dim);
#else
		(void)avx;
		float d = l2sq_generic(row, q, dim);
#endif
		if (have == k && d >= best[k - 1])
			continue;
		/* Insertion into the sorted top k; equal distances keep the
		 * earlier (lower) row first. */
		size_t j = have < k ? have++ : k - 1;
		while (j > 0 && best[j - 1] > d) {
			best[j] = best[j - 1];
			ids[j] = ids[j - 1];
			j--;
		}
		best[j] = d;
		ids[j] = (uint32_t)i;
	}
	for (size_t j = 0; j < have; j++)
		out_ids[j] = ids[j];
}
