/*
 * Test and benchmark data for the vector indexes: the clustered recipe of
 * BENCHMARKS.md section 3 (xoshiro256** seeded by splitmix64, Box-Muller
 * normals, C centres, a rank-R spread per cluster, SIGMA noise, optional
 * L2 normalisation) and exact ground truth.
 */
#ifndef VINDEX_DATA_H
#define VINDEX_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "alopex_plugin.h"

struct vd_spec {
	uint32_t nbase, nquery, dim, clusters, rank;
	double sigma;
	uint64_t seed;
	int normalize;
};

struct vd_set {
	struct vd_spec spec;
	float *base;  /* nbase * dim */
	float *query; /* nquery * dim */
};

int vd_generate(const struct vd_spec *s, struct vd_set *out);
void vd_free(struct vd_set *d);

/* Filter over ids: keep(arg, id). NULL keeps all. */
typedef int (*vd_keep_fn)(void *arg, uint64_t id);

/*
 * Exact k nearest base rows (ids = row numbers) of query q by the index's
 * internal distance (vx_dist over vectors prepared as the index stores
 * them), ties by lower id. gt gets k ids; returns how many were found.
 */
uint32_t vd_exact(const struct alopex_vector_kernels *k, uint32_t metric,
		  const struct vd_set *d, const float *q, uint32_t kk,
		  vd_keep_fn keep, void *arg, uint64_t *gt);
/* |found ∩ gt| / k */
double vd_recall(const uint64_t *gt, uint32_t ngt,
		 const struct alopex_index_result *r, uint32_t nr);

/* Monotonic seconds. */
double vd_now(void);

#endif
