/*
 * x86 kernels: SSE2 (every x86-64), AVX2+FMA and AVX-512F, each compiled
 * with a target attribute so the file builds for the base ISA and the
 * dispatcher (vec_kernels.c) picks what the CPU runs. Loads are unaligned;
 * tails go through scalar code (AVX-512: a masked load, which cannot
 * fault on the lanes it skips).
 */
#include "vector/vec_kernels.h"

#ifdef ALX_VEC_HAVE_X86

#include <immintrin.h>

#define T_AVX2 __attribute__((target("avx2,fma")))
#define T_AVX512 __attribute__((target("avx512f")))

/* ---- SSE2 ------------------------------------------------------------- */

static inline float sse_hsum(__m128 v)
{
	__m128 sh = _mm_shuffle_ps(v, v, _MM_SHUFFLE(2, 3, 0, 1));
	__m128 s = _mm_add_ps(v, sh);
	sh = _mm_movehl_ps(sh, s);
	s = _mm_add_ss(s, sh);
	return _mm_cvtss_f32(s);
}

static float sse2_l2sq(const float *a, const float *b, size_t n)
{
	__m128 s0 = _mm_setzero_ps(), s1 = _mm_setzero_ps();
	__m128 s2 = _mm_setzero_ps(), s3 = _mm_setzero_ps();
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		__m128 d0 =
			_mm_sub_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i));
		__m128 d1 = _mm_sub_ps(_mm_loadu_ps(a + i + 4),
				       _mm_loadu_ps(b + i + 4));
		__m128 d2 = _mm_sub_ps(_mm_loadu_ps(a + i + 8),
				       _mm_loadu_ps(b + i + 8));
		__m128 d3 = _mm_sub_ps(_mm_loadu_ps(a + i + 12),
				       _mm_loadu_ps(b + i + 12));
		s0 = _mm_add_ps(s0, _mm_mul_ps(d0, d0));
		s1 = _mm_add_ps(s1, _mm_mul_ps(d1, d1));
		s2 = _mm_add_ps(s2, _mm_mul_ps(d2, d2));
		s3 = _mm_add_ps(s3, _mm_mul_ps(d3, d3));
	}
	for (; i + 4 <= n; i += 4) {
		__m128 d = _mm_sub_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i));
		s0 = _mm_add_ps(s0, _mm_mul_ps(d, d));
	}
	float r = sse_hsum(_mm_add_ps(_mm_add_ps(s0, s1), _mm_add_ps(s2, s3)));
	for (; i < n; i++) {
		float t = a[i] - b[i];
		r += t * t;
	}
	return r;
}

static float sse2_dot(const float *a, const float *b, size_t n)
{
	__m128 s0 = _mm_setzero_ps(), s1 = _mm_setzero_ps();
	__m128 s2 = _mm_setzero_ps(), s3 = _mm_setzero_ps();
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		s0 = _mm_add_ps(s0, _mm_mul_ps(_mm_loadu_ps(a + i),
					       _mm_loadu_ps(b + i)));
		s1 = _mm_add_ps(s1, _mm_mul_ps(_mm_loadu_ps(a + i + 4),
					       _mm_loadu_ps(b + i + 4)));
		s2 = _mm_add_ps(s2, _mm_mul_ps(_mm_loadu_ps(a + i + 8),
					       _mm_loadu_ps(b + i + 8)));
		s3 = _mm_add_ps(s3, _mm_mul_ps(_mm_loadu_ps(a + i + 12),
					       _mm_loadu_ps(b + i + 12)));
	}
	for (; i + 4 <= n; i += 4)
		s0 = _mm_add_ps(s0, _mm_mul_ps(_mm_loadu_ps(a + i),
					       _mm_loadu_ps(b + i)));
	float r = sse_hsum(_mm_add_ps(_mm_add_ps(s0, s1), _mm_add_ps(s2, s3)));
	for (; i < n; i++)
		r += a[i] * b[i];
	return r;
}

static void sse2_cosine_parts(const float *a, const float *b, size_t n,
			      float out[3])
{
	__m128 d0 = _mm_setzero_ps(), d1 = _mm_setzero_ps();
	__m128 na0 = _mm_setzero_ps(), na1 = _mm_setzero_ps();
	__m128 nb0 = _mm_setzero_ps(), nb1 = _mm_setzero_ps();
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		__m128 x0 = _mm_loadu_ps(a + i), y0 = _mm_loadu_ps(b + i);
		__m128 x1 = _mm_loadu_ps(a + i + 4),
		       y1 = _mm_loadu_ps(b + i + 4);
		d0 = _mm_add_ps(d0, _mm_mul_ps(x0, y0));
		d1 = _mm_add_ps(d1, _mm_mul_ps(x1, y1));
		na0 = _mm_add_ps(na0, _mm_mul_ps(x0, x0));
		na1 = _mm_add_ps(na1, _mm_mul_ps(x1, x1));
		nb0 = _mm_add_ps(nb0, _mm_mul_ps(y0, y0));
		nb1 = _mm_add_ps(nb1, _mm_mul_ps(y1, y1));
	}
	float d = sse_hsum(_mm_add_ps(d0, d1));
	float na = sse_hsum(_mm_add_ps(na0, na1));
	float nb = sse_hsum(_mm_add_ps(nb0, nb1));
	for (; i < n; i++) {
		d += a[i] * b[i];
		na += a[i] * a[i];
		nb += b[i] * b[i];
	}
	out[0] = d;
	out[1] = na;
	out[2] = nb;
}

static double sse2_norm_sq(const float *a, size_t n)
{
	__m128d s0 = _mm_setzero_pd(), s1 = _mm_setzero_pd();
	size_t i = 0;
	for (; i + 4 <= n; i += 4) {
		__m128 x = _mm_loadu_ps(a + i);
		__m128d lo = _mm_cvtps_pd(x);
		__m128d hi = _mm_cvtps_pd(_mm_movehl_ps(x, x));
		s0 = _mm_add_pd(s0, _mm_mul_pd(lo, lo));
		s1 = _mm_add_pd(s1, _mm_mul_pd(hi, hi));
	}
	__m128d s = _mm_add_pd(s0, s1);
	double r = _mm_cvtsd_f64(s) + _mm_cvtsd_f64(_mm_unpackhi_pd(s, s));
	for (; i < n; i++)
		r += (double)a[i] * (double)a[i];
	return r;
}

const struct alopex_vector_kernels alx_vec_kernels_sse2 = {
	.size = sizeof(struct alopex_vector_kernels),
	.name = "sse2",
	.l2sq = sse2_l2sq,
	.dot = sse2_dot,
	.cosine_parts = sse2_cosine_parts,
	.norm_sq = sse2_norm_sq,
};

/* ---- AVX2 + FMA ------------------------------------------------------- */

T_AVX2 static inline float avx2_hsum(__m256 v)
{
	__m128 s = _mm_add_ps(_mm256_castps256_ps128(v),
			      _mm256_extractf128_ps(v, 1));
	__m128 sh = _mm_movehdup_ps(s);
	s = _mm_add_ps(s, sh);
	sh = _mm_movehl_ps(sh, s);
	s = _mm_add_ss(s, sh);
	return _mm_cvtss_f32(s);
}

T_AVX2 static float avx2_l2sq(const float *a, const float *b, size_t n)
{
	__m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
	__m256 s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
	size_t i = 0;
	for (; i + 32 <= n; i += 32) {
		__m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i),
					  _mm256_loadu_ps(b + i));
		__m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8),
					  _mm256_loadu_ps(b + i + 8));
		__m256 d2 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 16),
					  _mm256_loadu_ps(b + i + 16));
		__m256 d3 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 24),
					  _mm256_loadu_ps(b + i + 24));
		s0 = _mm256_fmadd_ps(d0, d0, s0);
		s1 = _mm256_fmadd_ps(d1, d1, s1);
		s2 = _mm256_fmadd_ps(d2, d2, s2);
		s3 = _mm256_fmadd_ps(d3, d3, s3);
	}
	for (; i + 8 <= n; i += 8) {
		__m256 d = _mm256_sub_ps(_mm256_loadu_ps(a + i),
					 _mm256_loadu_ps(b + i));
		s0 = _mm256_fmadd_ps(d, d, s0);
	}
	float r = avx2_hsum(
		_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
	for (; i < n; i++) {
		float t = a[i] - b[i];
		r += t * t;
	}
	return r;
}

T_AVX2 static float avx2_dot(const float *a, const float *b, size_t n)
{
	__m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
	__m256 s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
	size_t i = 0;
	for (; i + 32 <= n; i += 32) {
		s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i),
				     _mm256_loadu_ps(b + i), s0);
		s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8),
				     _mm256_loadu_ps(b + i + 8), s1);
		s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16),
				     _mm256_loadu_ps(b + i + 16), s2);
		s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24),
				     _mm256_loadu_ps(b + i + 24), s3);
	}
	for (; i + 8 <= n; i += 8)
		s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i),
				     _mm256_loadu_ps(b + i), s0);
	float r = avx2_hsum(
		_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
	for (; i < n; i++)
		r += a[i] * b[i];
	return r;
}

T_AVX2 static void avx2_cosine_parts(const float *a, const float *b, size_t n,
				     float out[3])
{
	__m256 d0 = _mm256_setzero_ps(), d1 = _mm256_setzero_ps();
	__m256 na0 = _mm256_setzero_ps(), na1 = _mm256_setzero_ps();
	__m256 nb0 = _mm256_setzero_ps(), nb1 = _mm256_setzero_ps();
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		__m256 x0 = _mm256_loadu_ps(a + i), y0 = _mm256_loadu_ps(b + i);
		__m256 x1 = _mm256_loadu_ps(a + i + 8);
		__m256 y1 = _mm256_loadu_ps(b + i + 8);
		d0 = _mm256_fmadd_ps(x0, y0, d0);
		d1 = _mm256_fmadd_ps(x1, y1, d1);
		na0 = _mm256_fmadd_ps(x0, x0, na0);
		na1 = _mm256_fmadd_ps(x1, x1, na1);
		nb0 = _mm256_fmadd_ps(y0, y0, nb0);
		nb1 = _mm256_fmadd_ps(y1, y1, nb1);
	}
	for (; i + 8 <= n; i += 8) {
		__m256 x = _mm256_loadu_ps(a + i), y = _mm256_loadu_ps(b + i);
		d0 = _mm256_fmadd_ps(x, y, d0);
		na0 = _mm256_fmadd_ps(x, x, na0);
		nb0 = _mm256_fmadd_ps(y, y, nb0);
	}
	float d = avx2_hsum(_mm256_add_ps(d0, d1));
	float na = avx2_hsum(_mm256_add_ps(na0, na1));
	float nb = avx2_hsum(_mm256_add_ps(nb0, nb1));
	for (; i < n; i++) {
		d += a[i] * b[i];
		na += a[i] * a[i];
		nb += b[i] * b[i];
	}
	out[0] = d;
	out[1] = na;
	out[2] = nb;
}

T_AVX2 static double avx2_norm_sq(const float *a, size_t n)
{
	__m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		__m256d x0 = _mm256_cvtps_pd(_mm_loadu_ps(a + i));
		__m256d x1 = _mm256_cvtps_pd(_mm_loadu_ps(a + i + 4));
		s0 = _mm256_fmadd_pd(x0, x0, s0);
		s1 = _mm256_fmadd_pd(x1, x1, s1);
	}
	__m256d s = _mm256_add_pd(s0, s1);
	__m128d h = _mm_add_pd(_mm256_castpd256_pd128(s),
			       _mm256_extractf128_pd(s, 1));
	double r = _mm_cvtsd_f64(h) + _mm_cvtsd_f64(_mm_unpackhi_pd(h, h));
	for (; i < n; i++)
		r += (double)a[i] * (double)a[i];
	return r;
}

const struct alopex_vector_kernels alx_vec_kernels_avx2 = {
	.size = sizeof(struct alopex_vector_kernels),
	.name = "avx2+fma",
	.l2sq = avx2_l2sq,
	.dot = avx2_dot,
	.cosine_parts = avx2_cosine_parts,
	.norm_sq = avx2_norm_sq,
};

/* ---- AVX-512F --------------------------------------------------------- */

T_AVX512 static inline __mmask16 tail_mask(size_t left)
{
	return (__mmask16)((1u << left) - 1u);
}

T_AVX512 static float avx512_l2sq(const float *a, const float *b, size_t n)
{
	__m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
	size_t i = 0;
	for (; i + 32 <= n; i += 32) {
		__m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(a + i),
					  _mm512_loadu_ps(b + i));
		__m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 16),
					  _mm512_loadu_ps(b + i + 16));
		s0 = _mm512_fmadd_ps(d0, d0, s0);
		s1 = _mm512_fmadd_ps(d1, d1, s1);
	}
	for (; i + 16 <= n; i += 16) {
		__m512 d = _mm512_sub_ps(_mm512_loadu_ps(a + i),
					 _mm512_loadu_ps(b + i));
		s0 = _mm512_fmadd_ps(d, d, s0);
	}
	if (i < n) {
		__mmask16 m = tail_mask(n - i);
		__m512 d = _mm512_sub_ps(_mm512_maskz_loadu_ps(m, a + i),
					 _mm512_maskz_loadu_ps(m, b + i));
		s1 = _mm512_fmadd_ps(d, d, s1);
	}
	return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

T_AVX512 static float avx512_dot(const float *a, const float *b, size_t n)
{
	__m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
	size_t i = 0;
	for (; i + 32 <= n; i += 32) {
		s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i),
				     _mm512_loadu_ps(b + i), s0);
		s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16),
				     _mm512_loadu_ps(b + i + 16), s1);
	}
	for (; i + 16 <= n; i += 16)
		s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i),
				     _mm512_loadu_ps(b + i), s0);
	if (i < n) {
		__mmask16 m = tail_mask(n - i);
		s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + i),
				     _mm512_maskz_loadu_ps(m, b + i), s1);
	}
	return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

T_AVX512 static void avx512_cosine_parts(const float *a, const float *b,
					 size_t n, float out[3])
{
	__m512 d = _mm512_setzero_ps(), na = _mm512_setzero_ps();
	__m512 nb = _mm512_setzero_ps();
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		__m512 x = _mm512_loadu_ps(a + i), y = _mm512_loadu_ps(b + i);
		d = _mm512_fmadd_ps(x, y, d);
		na = _mm512_fmadd_ps(x, x, na);
		nb = _mm512_fmadd_ps(y, y, nb);
	}
	if (i < n) {
		__mmask16 m = tail_mask(n - i);
		__m512 x = _mm512_maskz_loadu_ps(m, a + i);
		__m512 y = _mm512_maskz_loadu_ps(m, b + i);
		d = _mm512_fmadd_ps(x, y, d);
		na = _mm512_fmadd_ps(x, x, na);
		nb = _mm512_fmadd_ps(y, y, nb);
	}
	out[0] = _mm512_reduce_add_ps(d);
	out[1] = _mm512_reduce_add_ps(na);
	out[2] = _mm512_reduce_add_ps(nb);
}

T_AVX512 static double avx512_norm_sq(const float *a, size_t n)
{
	__m512d s0 = _mm512_setzero_pd(), s1 = _mm512_setzero_pd();
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		__m512d x0 = _mm512_cvtps_pd(_mm256_loadu_ps(a + i));
		__m512d x1 = _mm512_cvtps_pd(_mm256_loadu_ps(a + i + 8));
		s0 = _mm512_fmadd_pd(x0, x0, s0);
		s1 = _mm512_fmadd_pd(x1, x1, s1);
	}
	double r = _mm512_reduce_add_pd(_mm512_add_pd(s0, s1));
	for (; i < n; i++)
		r += (double)a[i] * (double)a[i];
	return r;
}

const struct alopex_vector_kernels alx_vec_kernels_avx512 = {
	.size = sizeof(struct alopex_vector_kernels),
	.name = "avx512f",
	.l2sq = avx512_l2sq,
	.dot = avx512_dot,
	.cosine_parts = avx512_cosine_parts,
	.norm_sq = avx512_norm_sq,
};

#endif /* ALX_VEC_HAVE_X86 */
