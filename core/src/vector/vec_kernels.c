/*
 * Dispatch and the portable scalar kernels. The scalar loops keep eight
 * independent float accumulators (as pgvector's do), which the compiler
 * may vectorise for the build's base ISA; the per-ISA files do better.
 */
#include "vector/vec_kernels.h"

#include <math.h>
#include <string.h>

#define LANES 8

static float sum_lanes(const float acc[LANES])
{
	return ((acc[0] + acc[4]) + (acc[1] + acc[5])) +
	       ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

static float scalar_l2sq(const float *a, const float *b, size_t n)
{
	float acc[LANES] = {0};
	size_t i = 0;
	for (; i + LANES <= n; i += LANES)
		for (int k = 0; k < LANES; k++) {
			float t = a[i + k] - b[i + k];
			acc[k] += t * t;
		}
	for (int k = 0; i < n; i++, k++) {
		float t = a[i] - b[i];
		acc[k] += t * t;
	}
	return sum_lanes(acc);
}

static float scalar_dot(const float *a, const float *b, size_t n)
{
	float acc[LANES] = {0};
	size_t i = 0;
	for (; i + LANES <= n; i += LANES)
		for (int k = 0; k < LANES; k++)
			acc[k] += a[i + k] * b[i + k];
	for (int k = 0; i < n; i++, k++)
		acc[k] += a[i] * b[i];
	return sum_lanes(acc);
}

static void scalar_cosine_parts(const float *a, const float *b, size_t n,
				float out[3])
{
	float d[LANES] = {0}, na[LANES] = {0}, nb[LANES] = {0};
	size_t i = 0;
	for (; i + LANES <= n; i += LANES)
		for (int k = 0; k < LANES; k++) {
			d[k] += a[i + k] * b[i + k];
			na[k] += a[i + k] * a[i + k];
			nb[k] += b[i + k] * b[i + k];
		}
	for (int k = 0; i < n; i++, k++) {
		d[k] += a[i] * b[i];
		na[k] += a[i] * a[i];
		nb[k] += b[i] * b[i];
	}
	out[0] = sum_lanes(d);
	out[1] = sum_lanes(na);
	out[2] = sum_lanes(nb);
}

static double scalar_norm_sq(const float *a, size_t n)
{
	double acc[4] = {0};
	size_t i = 0;
	for (; i + 4 <= n; i += 4)
		for (int k = 0; k < 4; k++)
			acc[k] += (double)a[i + k] * (double)a[i + k];
	for (int k = 0; i < n; i++, k++)
		acc[k] += (double)a[i] * (double)a[i];
	return (acc[0] + acc[2]) + (acc[1] + acc[3]);
}

const struct alopex_vector_kernels alx_vec_kernels_scalar = {
	.size = sizeof(struct alopex_vector_kernels),
	.name = "scalar",
	.l2sq = scalar_l2sq,
	.dot = scalar_dot,
	.cosine_parts = scalar_cosine_parts,
	.norm_sq = scalar_norm_sq,
};

double alx_vec_cosine_from(double dot, double na, double nb)
{
	/* sqrt(a * b) rather than sqrt(a) * sqrt(b), as pgvector. */
	double sim = dot / sqrt(na * nb);
	if (isnan(sim))
		return NAN;
	if (sim > 1)
		sim = 1;
	else if (sim < -1)
		sim = -1;
	return 1.0 - sim;
}

static const struct alopex_vector_kernels *const all_tables[] = {
#ifdef ALX_VEC_HAVE_X86
	&alx_vec_kernels_avx512, &alx_vec_kernels_avx2,
	&alx_vec_kernels_sse2,
#endif
#ifdef ALX_VEC_HAVE_NEON
	&alx_vec_kernels_neon,
#endif
	&alx_vec_kernels_scalar, NULL,
};

const struct alopex_vector_kernels *const *alx_vec_kernels_all(void)
{
	return all_tables;
}

/* Whether the CPU (and the OS, for the wide registers) runs table k. */
static int supported(const struct alopex_vector_kernels *k)
{
#ifdef ALX_VEC_HAVE_X86
	/* libgcc's model checks XGETBV too, so OS support is included. */
	if (k == &alx_vec_kernels_avx512)
		return __builtin_cpu_supports("avx512f");
	if (k == &alx_vec_kernels_avx2)
		return __builtin_cpu_supports("avx2") &&
		       __builtin_cpu_supports("fma");
	if (k == &alx_vec_kernels_sse2)
		return __builtin_cpu_supports("sse2");
#endif
	/* NEON is part of AArch64; scalar runs anywhere. */
	return 1;
}

const struct alopex_vector_kernels *alx_vec_kernels_detect(void)
{
	for (size_t i = 0; all_tables[i] != NULL; i++)
		if (supported(all_tables[i]))
			return all_tables[i];
	return &alx_vec_kernels_scalar;
}

const struct alopex_vector_kernels *alx_vec_kernels_by_name(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; all_tables[i] != NULL; i++)
		if (strcmp(all_tables[i]->name, name) == 0)
			return supported(all_tables[i]) ? all_tables[i] : NULL;
	return NULL;
}
