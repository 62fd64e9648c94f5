#include "vindex_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vindex_common.h"

struct rng {
	uint64_t s[4];
	int has_spare;
	double spare;
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

static double uniform(struct rng *r)
{
	return (double)(next(r) >> 11) * 0x1p-53;
}

/* Box-Muller; the second value of each pair is kept for the next call. */
static double normal(struct rng *r)
{
	if (r->has_spare) {
		r->has_spare = 0;
		return r->spare;
	}
	double u1 = uniform(r), u2 = uniform(r);
	if (u1 < 1e-300)
		u1 = 1e-300;
	double m = sqrt(-2.0 * log(u1));
	r->spare = m * sin(2 * M_PI * u2);
	r->has_spare = 1;
	return m * cos(2 * M_PI * u2);
}

int vd_generate(const struct vd_spec *s, struct vd_set *out)
{
	struct rng r = {0};
	uint64_t x = s->seed;
	for (int i = 0; i < 4; i++)
		r.s[i] = splitmix64(&x);
	size_t D = s->dim, R = s->rank, C = s->clusters;
	size_t N = (size_t)s->nbase + s->nquery;
	double *cent = malloc(C * D * sizeof(double));
	double *w = malloc(C * D * (R ? R : 1) * sizeof(double));
	double *z = malloc((R ? R : 1) * sizeof(double));
	float *all = malloc(N * D * sizeof(float));
	if (cent == NULL || w == NULL || z == NULL || all == NULL) {
		free(cent);
		free(w);
		free(z);
		free(all);
		return -1;
	}
	for (size_t i = 0; i < C * D; i++)
		cent[i] = normal(&r);
	for (size_t i = 0; i < C * D * R; i++)
		w[i] = normal(&r) / sqrt((double)R);
	for (size_t p = 0; p < N; p++) {
		size_t k = next(&r) % C;
		for (size_t j = 0; j < R; j++)
			z[j] = normal(&r);
		float *v = all + p * D;
		double norm = 0;
		for (size_t i = 0; i < D; i++) {
			double e = cent[k * D + i];
			for (size_t j = 0; j < R; j++)
				e += w[(k * D + i) * R + j] * z[j];
			e += s->sigma * normal(&r);
			v[i] = (float)e;
			norm += e * e;
		}
		if (s->normalize && norm > 0)
			for (size_t i = 0; i < D; i++)
				v[i] = (float)(v[i] / sqrt(norm));
	}
	free(cent);
	free(w);
	free(z);
	out->spec = *s;
	out->base = all;
	out->query = all + (size_t)s->nbase * D;
	return 0;
}

void vd_free(struct vd_set *d)
{
	free(d->base);
	d->base = d->query = NULL;
}

uint32_t vd_exact(const struct alopex_vector_kernels *k, uint32_t metric,
		  const struct vd_set *d, const float *q, uint32_t kk,
		  vd_keep_fn keep, void *arg, uint64_t *gt)
{
	uint32_t D = d->spec.dim;
	float *qp = malloc(D * sizeof(float)), *vp = malloc(D * sizeof(float));
	struct vx_pair *heap = malloc((kk + 1) * sizeof(*heap));
	uint32_t n = 0;
	if (qp == NULL || vp == NULL || heap == NULL ||
	    vx_prepare(k, metric, q, qp, D) != 0)
		goto out;
	for (uint32_t i = 0; i < d->spec.nbase; i++) {
		if (keep != NULL && !keep(arg, i))
			continue;
		if (vx_prepare(k, metric, d->base + (size_t)i * D, vp, D) != 0)
			continue;
		struct vx_pair p = {vx_dist(k, metric, qp, vp, D), i};
		if (n < kk) {
			vx_heap_push(heap, &n, p, true);
		} else if (vx_before(p, heap[0], false)) {
			vx_heap_pop(heap, &n, true);
			vx_heap_push(heap, &n, p, true);
		}
	}
	vx_heap_sort_ascending(heap, n);
	for (uint32_t i = 0; i < n; i++)
		gt[i] = heap[i].slot;
out:
	free(qp);
	free(vp);
	free(heap);
	return n;
}

double vd_recall(const uint64_t *gt, uint32_t ngt,
		 const struct alopex_index_result *r, uint32_t nr)
{
	uint32_t hit = 0;
	for (uint32_t i = 0; i < nr; i++)
		for (uint32_t j = 0; j < ngt; j++)
			if (r[i].id == gt[j]) {
				hit++;
				break;
			}
	return ngt ? (double)hit / ngt : 1.0;
}

double vd_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}
