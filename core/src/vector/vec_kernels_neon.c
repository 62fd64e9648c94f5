/*
 * AArch64 NEON kernels (NEON is part of the base ISA there, so no
 * dispatch is needed beyond the compile guard).
 */
#include "vector/vec_kernels.h"

#ifdef ALX_VEC_HAVE_NEON

#include <arm_neon.h>

static float neon_l2sq(const float *a, const float *b, size_t n)
{
	float32x4_t s0 = vdupq_n_f32(0), s1 = vdupq_n_f32(0);
	float32x4_t s2 = vdupq_n_f32(0), s3 = vdupq_n_f32(0);
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		float32x4_t d0 = vsubq_f32(vld1q_f32(a + i), vld1q_f32(b + i));
		float32x4_t d1 =
			vsubq_f32(vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));
		float32x4_t d2 =
			vsubq_f32(vld1q_f32(a + i + 8), vld1q_f32(b + i + 8));
		float32x4_t d3 =
			vsubq_f32(vld1q_f32(a + i + 12), vld1q_f32(b + i + 12));
		s0 = vfmaq_f32(s0, d0, d0);
		s1 = vfmaq_f32(s1, d1, d1);
		s2 = vfmaq_f32(s2, d2, d2);
		s3 = vfmaq_f32(s3, d3, d3);
	}
	for (; i + 4 <= n; i += 4) {
		float32x4_t d = vsubq_f32(vld1q_f32(a + i), vld1q_f32(b + i));
		s0 = vfmaq_f32(s0, d, d);
	}
	float r = vaddvq_f32(vaddq_f32(vaddq_f32(s0, s1), vaddq_f32(s2, s3)));
	for (; i < n; i++) {
		float t = a[i] - b[i];
		r += t * t;
	}
	return r;
}

static float neon_dot(const float *a, const float *b, size_t n)
{
	float32x4_t s0 = vdupq_n_f32(0), s1 = vdupq_n_f32(0);
	float32x4_t s2 = vdupq_n_f32(0), s3 = vdupq_n_f32(0);
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		s0 = vfmaq_f32(s0, vld1q_f32(a + i), vld1q_f32(b + i));
		s1 = vfmaq_f32(s1, vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));
		s2 = vfmaq_f32(s2, vld1q_f32(a + i + 8), vld1q_f32(b + i + 8));
		s3 = vfmaq_f32(s3, vld1q_f32(a + i + 12),
			       vld1q_f32(b + i + 12));
	}
	for (; i + 4 <= n; i += 4)
		s0 = vfmaq_f32(s0, vld1q_f32(a + i), vld1q_f32(b + i));
	float r = vaddvq_f32(vaddq_f32(vaddq_f32(s0, s1), vaddq_f32(s2, s3)));
	for (; i < n; i++)
		r += a[i] * b[i];
	return r;
}

static void neon_cosine_parts(const float *a, const float *b, size_t n,
			      float out[3])
{
	float32x4_t d = vdupq_n_f32(0), na = vdupq_n_f32(0);
	float32x4_t nb = vdupq_n_f32(0);
	size_t i = 0;
	for (; i + 4 <= n; i += 4) {
		float32x4_t x = vld1q_f32(a + i), y = vld1q_f32(b + i);
		d = vfmaq_f32(d, x, y);
		na = vfmaq_f32(na, x, x);
		nb = vfmaq_f32(nb, y, y);
	}
	float rd = vaddvq_f32(d), ra = vaddvq_f32(na), rb = vaddvq_f32(nb);
	for (; i < n; i++) {
		rd += a[i] * b[i];
		ra += a[i] * a[i];
		rb += b[i] * b[i];
	}
	out[0] = rd;
	out[1] = ra;
	out[2] = rb;
}

static double neon_norm_sq(const float *a, size_t n)
{
	float64x2_t s0 = vdupq_n_f64(0), s1 = vdupq_n_f64(0);
	size_t i = 0;
	for (; i + 4 <= n; i += 4) {
		float32x4_t x = vld1q_f32(a + i);
		float64x2_t lo = vcvt_f64_f32(vget_low_f32(x));
		float64x2_t hi = vcvt_high_f64_f32(x);
		s0 = vfmaq_f64(s0, lo, lo);
		s1 = vfmaq_f64(s1, hi, hi);
	}
	double r = vaddvq_f64(vaddq_f64(s0, s1));
	for (; i < n; i++)
		r += (double)a[i] * (double)a[i];
	return r;
}

const struct alopex_vector_kernels alx_vec_kernels_neon = {
	.size = sizeof(struct alopex_vector_kernels),
	.name = "neon",
	.l2sq = neon_l2sq,
	.dot = neon_dot,
	.cosine_parts = neon_cosine_parts,
	.norm_sq = neon_norm_sq,
};

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int alx_vec_kernels_neon_unused;
#endif
