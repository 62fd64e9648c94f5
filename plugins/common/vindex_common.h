/*
 * Pieces both vector index plugins (flat, hnsw) use: host allocation, big
 * endian ids for KV keys, metric helpers, heaps of (distance, slot) pairs
 * and an id -> slot hash map. Header-only: plugins link no core symbols
 * and share no object files.
 */
#ifndef VINDEX_COMMON_H
#define VINDEX_COMMON_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "alopex_plugin.h"

/* ---- host allocation ---------------------------------------------------- */

static inline void *vx_alloc(const struct alopex_host *h, size_t n)
{
	return h->alloc(h->ctx, n ? n : 1);
}

static inline void *vx_calloc(const struct alopex_host *h, size_t n,
			      size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	void *p = vx_alloc(h, n * size);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

static inline void *vx_realloc(const struct alopex_host *h, void *p, size_t n)
{
	return h->realloc(h->ctx, p, n ? n : 1);
}

static inline void vx_free(const struct alopex_host *h, void *p)
{
	if (p != NULL)
		h->free(h->ctx, p);
}

/* The host's kernels, or NULL for a host older than the field. */
static inline const struct alopex_vector_kernels *vx_kernels(
	const struct alopex_host *h)
{
	if (h->size < offsetof(struct alopex_host, vector_kernels) +
			      sizeof(h->vector_kernels))
		return NULL;
	return h->vector_kernels;
}

/* ---- encoding ------------------------------------------------------------ */

static inline void vx_put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static inline uint64_t vx_get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static inline void vx_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t vx_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline alopex_slice vx_slice(const void *p, size_t n)
{
	return (alopex_slice){(const uint8_t *)p, n};
}

/* ---- metrics --------------------------------------------------------------- */

/*
 * Internal distances, smaller is closer: L2 the squared distance, cosine
 * 1 - a.b over unit vectors (stored and queried normalised), IP -a.b.
 */
static inline float vx_dist(const struct alopex_vector_kernels *k,
			    uint32_t metric, const float *a, const float *b,
			    size_t n)
{
	if (metric == ALOPEX_METRIC_L2)
		return k->l2sq(a, b, n);
	if (metric == ALOPEX_METRIC_COSINE)
		return 1.0f - k->dot(a, b, n);
	return -k->dot(a, b, n);
}

/* What SQL shows for an internal distance. */
static inline float vx_output_distance(uint32_t metric, float d)
{
	if (metric == ALOPEX_METRIC_L2)
		return sqrtf(d > 0 ? d : 0);
	if (metric == ALOPEX_METRIC_COSINE)
		return d < 0 ? 0 : (d > 2 ? 2 : d);
	return d;
}

/*
 * Copy v into out in the form the index stores: unit length for cosine.
 * ALOPEX_EINVAL for a cosine vector of norm 0 (no direction) or any
 * non-finite element.
 */
static inline int vx_prepare(const struct alopex_vector_kernels *k,
			     uint32_t metric, const float *v, float *out,
			     size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(v[i]))
			return ALOPEX_EINVAL;
	if (metric != ALOPEX_METRIC_COSINE) {
		memcpy(out, v, n * sizeof(float));
		return 0;
	}
	double norm = sqrt(k->norm_sq(v, n));
	if (!(norm > 0))
		return ALOPEX_EINVAL;
	for (size_t i = 0; i < n; i++)
		out[i] = (float)(v[i] / norm);
	return 0;
}

static inline bool vx_metric_ok(uint32_t metric)
{
	return metric >= ALOPEX_METRIC_L2 && metric <= ALOPEX_METRIC_IP;
}

/* ---- heaps ---------------------------------------------------------------- */

struct vx_pair {
	float d;
	uint32_t slot;
};

/*
 * Binary heaps over a caller's array. max: the largest distance on top
 * (result sets); min: the smallest (candidates). Ties order by slot so
 * results are deterministic.
 */
static inline bool vx_before(struct vx_pair a, struct vx_pair b, bool max)
{
	if (a.d != b.d)
		return max ? a.d > b.d : a.d < b.d;
	return max ? a.slot > b.slot : a.slot < b.slot;
}

static inline void vx_heap_push(struct vx_pair *h, uint32_t *n,
				struct vx_pair x, bool max)
{
	uint32_t i = (*n)++;
	while (i > 0) {
		uint32_t p = (i - 1) / 2;
		if (!vx_before(x, h[p], max))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = x;
}

static inline struct vx_pair vx_heap_pop(struct vx_pair *h, uint32_t *n,
					 bool max)
{
	struct vx_pair top = h[0], x = h[--(*n)];
	uint32_t i = 0;
	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && vx_before(h[c + 1], h[c], max))
			c++;
		if (!vx_before(h[c], x, max))
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n > 0)
		h[i] = x;
	return top;
}

/* Sort a max-heap of n pairs into ascending order, in place. */
static inline void vx_heap_sort_ascending(struct vx_pair *h, uint32_t n)
{
	uint32_t m = n;
	while (m > 1) {
		struct vx_pair top = vx_heap_pop(h, &m, true);
		h[m] = top;
	}
}

/* ---- id -> slot map ------------------------------------------------------- */

/* Open addressing, linear probing; slot values < VX_MAP_TOMB. */
#define VX_MAP_EMPTY UINT32_MAX
#define VX_MAP_TOMB (UINT32_MAX - 1)

struct vx_idmap {
	uint64_t *keys;
	uint32_t *vals;
	size_t cap; /* power of two, or 0 */
	size_t used, tombs;
};

static inline size_t vx_hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (size_t)x;
}

static inline uint32_t vx_idmap_get(const struct vx_idmap *m, uint64_t id)
{
	if (m->cap == 0)
		return VX_MAP_EMPTY;
	for (size_t i = vx_hash64(id) & (m->cap - 1);;
	     i = (i + 1) & (m->cap - 1)) {
		if (m->vals[i] == VX_MAP_EMPTY)
			return VX_MAP_EMPTY;
		if (m->vals[i] != VX_MAP_TOMB && m->keys[i] == id)
			return m->vals[i];
	}
}

static inline int vx_idmap_put(const struct alopex_host *h, struct vx_idmap *m,
			       uint64_t id, uint32_t val);

static inline int vx_idmap_grow(const struct alopex_host *h, struct vx_idmap *m)
{
	size_t cap = m->cap ? m->cap : 64;
	while ((m->used + 1) * 2 > cap)
		cap *= 2;
	struct vx_idmap n = {0};
	n.keys = vx_alloc(h, cap * sizeof(uint64_t));
	n.vals = vx_alloc(h, cap * sizeof(uint32_t));
	if (n.keys == NULL || n.vals == NULL) {
		vx_free(h, n.keys);
		vx_free(h, n.vals);
		return ALOPEX_ENOMEM;
	}
	n.cap = cap;
	for (size_t i = 0; i < cap; i++)
		n.vals[i] = VX_MAP_EMPTY;
	for (size_t i = 0; i < m->cap; i++)
		if (m->vals[i] < VX_MAP_TOMB)
			vx_idmap_put(h, &n, m->keys[i], m->vals[i]);
	vx_free(h, m->keys);
	vx_free(h, m->vals);
	*m = n;
	return 0;
}

/* Insert or replace. */
static inline int vx_idmap_put(const struct alopex_host *h, struct vx_idmap *m,
			       uint64_t id, uint32_t val)
{
	if ((m->used + m->tombs + 1) * 4 > m->cap * 3) {
		int rc = vx_idmap_grow(h, m);
		if (rc != 0)
			return rc;
	}
	size_t tomb = SIZE_MAX;
	for (size_t i = vx_hash64(id) & (m->cap - 1);;
	     i = (i + 1) & (m->cap - 1)) {
		if (m->vals[i] == VX_MAP_EMPTY) {
			if (tomb != SIZE_MAX) {
				i = tomb;
				m->tombs--;
			}
			m->keys[i] = id;
			m->vals[i] = val;
			m->used++;
			return 0;
		}
		if (m->vals[i] == VX_MAP_TOMB) {
			if (tomb == SIZE_MAX)
				tomb = i;
		} else if (m->keys[i] == id) {
			m->vals[i] = val;
			return 0;
		}
	}
}

static inline void vx_idmap_del(struct vx_idmap *m, uint64_t id)
{
	if (m->cap == 0)
		return;
	for (size_t i = vx_hash64(id) & (m->cap - 1);;
	     i = (i + 1) & (m->cap - 1)) {
		if (m->vals[i] == VX_MAP_EMPTY)
			return;
		if (m->vals[i] != VX_MAP_TOMB && m->keys[i] == id) {
			m->vals[i] = VX_MAP_TOMB;
			m->used--;
			m->tombs++;
			return;
		}
	}
}

static inline void vx_idmap_fini(const struct alopex_host *h,
				 struct vx_idmap *m)
{
	vx_free(h, m->keys);
	vx_free(h, m->vals);
	memset(m, 0, sizeof(*m));
}

#endif
