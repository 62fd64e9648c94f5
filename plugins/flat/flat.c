/*
 * flat: exact vector search. Vectors sit in one contiguous array scanned
 * with the host's dispatched kernels, a block of distances at a time; a
 * bounded max-heap keeps the k best. The filter is asked about each id
 * that would enter the heap, so a search returns k results whenever k
 * matching ids exist. Removal leaves a tombstone (so a
 * rolled-back delete can be restored, and a snapshot older than the
 * delete can still find it with ALOPEX_INDEX_QUERY_INCLUDE_REMOVED);
 * vacuum moves the last vectors into the holes. An id inserted again
 * after a remove keeps its old vector as a detached tombstone until vacuum.
 * Every record is keyed by its id (ALOPEX_INDEX_ROW_KEYED): there is
 * nothing to checkpoint.
 *
 * KV records (relative to the index prefix): "m" = version, dim, metric
 * (little-endian u32); "v" + id (big-endian u64) = the stored vector.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "alopex_plugin.h"
#include "vindex_common.h"

#define FLAT_VERSION 1
/* Distances computed per block, and how many vectors ahead to prefetch. */
#define FLAT_BLOCK 64
#define FLAT_AHEAD 4

enum { FLAT_DEAD = 1, FLAT_REPLACED = 2 };

struct flat_plugin {
	const struct alopex_host *host;
	const struct alopex_vector_kernels *k;
};

struct flat_index {
	const struct alopex_host *host;
	const struct alopex_vector_kernels *k;
	uint32_t dim, metric;
	pthread_rwlock_t lock;
	float *vecs;   /* cap * dim */
	uint64_t *ids; /* cap */
	/* cap: 0 live, DEAD removed, REPLACED removed and detached from
	 * the map (its id was inserted again); until vacuum */
	uint8_t *dead;
	uint32_t ndead;
	uint32_t n, cap;
	struct vx_idmap map;
	float *tmp; /* dim floats for inserts, under the write lock */
};

static int flat_init(const struct alopex_host *host, const void *config,
		     void **instance, alopex_diag *diag)
{
	(void)config;
	const struct alopex_vector_kernels *k = vx_kernels(host);
	if (k == NULL)
		return host->diag_set(diag, ALOPEX_EABI, NULL,
				      "flat: the host offers no vector "
				      "kernels (host table too old)");
	struct flat_plugin *p = vx_calloc(host, 1, sizeof(*p));
	if (p == NULL)
		return host->diag_set(diag, ALOPEX_ENOMEM, NULL,
				      "flat: out of memory");
	p->host = host;
	p->k = k;
	*instance = p;
	return 0;
}

static void flat_fini(void *instance)
{
	struct flat_plugin *p = instance;
	if (p != NULL)
		vx_free(p->host, p);
}

static void flat_close(void *index)
{
	struct flat_index *x = index;
	if (x == NULL)
		return;
	const struct alopex_host *h = x->host;
	pthread_rwlock_destroy(&x->lock);
	vx_free(h, x->vecs);
	vx_free(h, x->ids);
	vx_free(h, x->dead);
	vx_free(h, x->tmp);
	vx_idmap_fini(h, &x->map);
	vx_free(h, x);
}

static int flat_new(struct flat_plugin *p, uint32_t dim, uint32_t metric,
		    struct flat_index **out, alopex_diag *diag)
{
	const struct alopex_host *h = p->host;
	if (dim == 0 || !vx_metric_ok(metric))
		return h->diag_set(diag, ALOPEX_EINVAL, NULL,
				   "flat: bad index parameters (dim %u, "
				   "metric %u)",
				   dim, metric);
	struct flat_index *x = vx_calloc(h, 1, sizeof(*x));
	if (x == NULL)
		return h->diag_set(diag, ALOPEX_ENOMEM, NULL,
				   "flat: out of memory");
	x->host = h;
	x->k = p->k;
	x->dim = dim;
	x->metric = metric;
	x->tmp = vx_alloc(h, dim * sizeof(float));
	if (x->tmp == NULL || pthread_rwlock_init(&x->lock, NULL) != 0) {
		vx_free(h, x->tmp);
		vx_free(h, x);
		return h->diag_set(diag, ALOPEX_ENOMEM, NULL,
				   "flat: out of memory");
	}
	*out = x;
	return 0;
}

static int write_meta(struct flat_index *x, const struct alopex_index_kv *kv)
{
	uint8_t m[12];
	vx_put_le32(m, FLAT_VERSION);
	vx_put_le32(m + 4, x->dim);
	vx_put_le32(m + 8, x->metric);
	return kv->put(kv->ctx, vx_slice("m", 1), vx_slice(m, sizeof(m)));
}

static int flat_create(void *instance, const struct alopex_index_params *prm,
		       const struct alopex_index_kv *kv, void **index,
		       alopex_diag *diag)
{
	struct flat_plugin *p = instance;
	struct flat_index *x = NULL;
	int rc = flat_new(p, prm->dim, prm->metric, &x, diag);
	if (rc != 0)
		return rc;
	if (kv != NULL && (rc = write_meta(x, kv)) != 0) {
		flat_close(x);
		return p->host->diag_set(diag, rc, NULL,
					 "flat: cannot write the index "
					 "metadata");
	}
	*index = x;
	return 0;
}

/* Room for one more vector (write lock held). */
static int reserve(struct flat_index *x)
{
	if (x->n < x->cap)
		return 0;
	uint32_t cap = x->cap ? x->cap * 2 : 256;
	float *v = vx_realloc(x->host, x->vecs,
			      (size_t)cap * x->dim * sizeof(float));
	if (v == NULL)
		return ALOPEX_ENOMEM;
	x->vecs = v;
	uint64_t *ids = vx_realloc(x->host, x->ids, cap * sizeof(uint64_t));
	if (ids == NULL)
		return ALOPEX_ENOMEM;
	x->ids = ids;
	uint8_t *dead = vx_realloc(x->host, x->dead, cap);
	if (dead == NULL)
		return ALOPEX_ENOMEM;
	x->dead = dead;
	x->cap = cap;
	return 0;
}

/* Add a prepared vector (write lock held). */
static int add_prepared(struct flat_index *x, uint64_t id, const float *v)
{
	int rc = reserve(x);
	if (rc == 0)
		rc = vx_idmap_put(x->host, &x->map, id, x->n);
	if (rc != 0)
		return rc;
	memcpy(x->vecs + (size_t)x->n * x->dim, v, x->dim * sizeof(float));
	x->dead[x->n] = 0;
	x->ids[x->n++] = id;
	return 0;
}

struct load_ctx {
	struct flat_index *x;
	int bad;
};

static int load_row(void *arg, alopex_slice key, alopex_slice val)
{
	struct load_ctx *c = arg;
	struct flat_index *x = c->x;
	if (key.len != 9 || val.len != x->dim * sizeof(float)) {
		c->bad = 1;
		return ALOPEX_ECORRUPT;
	}
	memcpy(x->tmp, val.ptr, val.len);
	return add_prepared(x, vx_get_be64(key.ptr + 1), x->tmp);
}

static int flat_open(void *instance, const struct alopex_index_kv *kv,
		     void **index, alopex_diag *diag)
{
	struct flat_plugin *p = instance;
	const struct alopex_host *h = p->host;
	alopex_slice m;
	int rc = kv->get(kv->ctx, vx_slice("m", 1), &m);
	if (rc == ALOPEX_ENOTFOUND)
		return h->diag_set(diag, rc, NULL,
				   "flat: no index metadata under this key "
				   "range");
	if (rc != 0)
		return h->diag_set(diag, rc, NULL,
				   "flat: cannot read the index metadata");
	if (m.len != 12 || vx_get_le32(m.ptr) != FLAT_VERSION)
		return h->diag_set(diag, ALOPEX_ECORRUPT, NULL,
				   "flat: index metadata is damaged or of "
				   "another version");
	struct flat_index *x = NULL;
	if ((rc = flat_new(p, vx_get_le32(m.ptr + 4), vx_get_le32(m.ptr + 8),
			   &x, diag)) != 0)
		return rc;
	struct load_ctx c = {x, 0};
	rc = kv->scan(kv->ctx, vx_slice("v", 1), vx_slice("w", 1), load_row,
		      &c);
	if (rc != 0) {
		flat_close(x);
		return h->diag_set(diag, rc, NULL,
				   c.bad ? "flat: a vector record is damaged"
					 : "flat: cannot load the vectors");
	}
	*index = x;
	return 0;
}

static void drop_slot(struct flat_index *x, uint32_t s);

static void vec_key(uint8_t key[9], uint64_t id)
{
	key[0] = 'v';
	vx_put_be64(key + 1, id);
}

static int flat_insert(void *index, const struct alopex_index_kv *kv,
		       uint64_t id, const float *vec, alopex_diag *diag)
{
	struct flat_index *x = index;
	const struct alopex_host *h = x->host;
	int rc;
	pthread_rwlock_wrlock(&x->lock);
	uint32_t old = vx_idmap_get(&x->map, id);
	if (old != VX_MAP_EMPTY && !x->dead[old]) {
		rc = h->diag_set(diag, ALOPEX_EEXIST, NULL,
				 "flat: id %llu is already indexed",
				 (unsigned long long)id);
		goto out;
	}
	if ((rc = vx_prepare(x->k, x->metric, vec, x->tmp, x->dim)) != 0) {
		rc = h->diag_set(diag, rc, NULL,
				 "flat: vector %llu cannot be indexed for "
				 "this metric (zero or non-finite)",
				 (unsigned long long)id);
		goto out;
	}
	if (kv != NULL) {
		uint8_t key[9];
		vec_key(key, id);
		rc = kv->put(kv->ctx, vx_slice(key, 9),
			     vx_slice(x->tmp, x->dim * sizeof(float)));
		if (rc != 0) {
			rc = h->diag_set(diag, rc, NULL,
					 "flat: cannot store vector %llu",
					 (unsigned long long)id);
			goto out;
		}
	}
	if (old != VX_MAP_EMPTY) {
		/* Inserted again after a remove: the old vector stays for
		 * old snapshots until vacuum, detached from the id. */
		x->dead[old] = FLAT_REPLACED;
		vx_idmap_del(&x->map, id);
	}
	if ((rc = add_prepared(x, id, x->tmp)) != 0) {
		if (old != VX_MAP_EMPTY) {
			x->dead[old] = FLAT_DEAD;
			(void)vx_idmap_put(h, &x->map, id, old);
		}
		rc = h->diag_set(diag, rc, NULL, "flat: out of memory");
	}
out:
	pthread_rwlock_unlock(&x->lock);
	return rc;
}

/* Drop slot s, moving the last vector into it (write lock held). */
static void drop_slot(struct flat_index *x, uint32_t s)
{
	uint32_t last = x->n - 1;
	if (x->dead[s] != FLAT_REPLACED)
		vx_idmap_del(&x->map, x->ids[s]);
	if (x->dead[s])
		x->ndead--;
	if (s != last) {
		memcpy(x->vecs + (size_t)s * x->dim,
		       x->vecs + (size_t)last * x->dim, x->dim * sizeof(float));
		x->ids[s] = x->ids[last];
		x->dead[s] = x->dead[last];
		/* The map has room: this replaces an existing entry. */
		if (x->dead[s] != FLAT_REPLACED)
			vx_idmap_put(x->host, &x->map, x->ids[s], s);
	}
	x->n--;
}

static int flat_remove(void *index, const struct alopex_index_kv *kv,
		       uint64_t id, alopex_diag *diag)
{
	struct flat_index *x = index;
	const struct alopex_host *h = x->host;
	int rc = 0;
	pthread_rwlock_wrlock(&x->lock);
	uint32_t s = vx_idmap_get(&x->map, id);
	if (s == VX_MAP_EMPTY || x->dead[s]) {
		rc = h->diag_set(diag, ALOPEX_ENOTFOUND, NULL,
				 "flat: id %llu is not indexed",
				 (unsigned long long)id);
		goto out;
	}
	if (kv != NULL) {
		uint8_t key[9];
		vec_key(key, id);
		rc = kv->del(kv->ctx, vx_slice(key, 9));
		if (rc != 0 && rc != ALOPEX_ENOTFOUND) {
			rc = h->diag_set(diag, rc, NULL,
					 "flat: cannot remove vector %llu",
					 (unsigned long long)id);
			goto out;
		}
		rc = 0;
	}
	x->dead[s] = FLAT_DEAD;
	x->ndead++;
out:
	pthread_rwlock_unlock(&x->lock);
	return rc;
}

static int flat_search(void *index, const struct alopex_index_query *q,
		       struct alopex_index_result *out, uint32_t *count,
		       alopex_diag *diag)
{
	struct flat_index *x = index;
	const struct alopex_host *h = x->host;
	if (q->k == 0) {
		*count = 0;
		return 0;
	}
	float *qv = vx_alloc(h, x->dim * sizeof(float));
	struct vx_pair *heap = vx_alloc(h, (size_t)q->k * sizeof(*heap));
	int rc = 0;
	if (qv == NULL || heap == NULL) {
		rc = h->diag_set(diag, ALOPEX_ENOMEM, NULL,
				 "flat: out of memory");
		goto done;
	}
	if (vx_prepare(x->k, x->metric, q->vec, qv, x->dim) != 0) {
		/* No direction to compare with: nothing is close. */
		*count = 0;
		goto done;
	}
	uint32_t n = 0;
	bool removed = q->size >= offsetof(struct alopex_index_query, flags) +
					  sizeof(q->flags) &&
		       (q->flags & ALOPEX_INDEX_QUERY_INCLUDE_REMOVED);
	/* One kernel for the whole scan (vx_dist's choice, made once). */
	float (*kern)(const float *, const float *, size_t) =
		x->metric == ALOPEX_METRIC_L2 ? x->k->l2sq : x->k->dot;
	const size_t dim = x->dim;
	float dist[FLAT_BLOCK];
	pthread_rwlock_rdlock(&x->lock);
	bool skip_dead = !removed && x->ndead > 0;
	for (uint32_t b0 = 0; b0 < x->n; b0 += FLAT_BLOCK) {
		uint32_t nb = x->n - b0 < FLAT_BLOCK ? x->n - b0 : FLAT_BLOCK;
		const float *base = x->vecs + (size_t)b0 * dim;
		/* Distances of a block in one tight loop, the vectors a few
		 * ahead prefetched (the hardware stops at page ends). */
		for (uint32_t j = 0; j < nb; j++) {
			if (j + FLAT_AHEAD < nb) {
				const char *pf =
					(const char *)(base +
						       (j + FLAT_AHEAD) * dim);
				for (size_t o = 0; o < dim * sizeof(float);
				     o += 64)
					__builtin_prefetch(pf + o);
			}
			dist[j] = kern(qv, base + (size_t)j * dim, dim);
		}
		for (uint32_t j = 0; j < nb; j++) {
			uint32_t s = b0 + j;
			if (skip_dead && x->dead[s])
				continue;
			float d = x->metric == ALOPEX_METRIC_L2 ? dist[j]
				  : x->metric == ALOPEX_METRIC_COSINE
					  ? 1.0f - dist[j]
					  : -dist[j];
			/* Ties order by id, as an exact ORDER BY ..., id
			 * would. The filter (a row lookup for SQL) is asked
			 * only about ids that would enter the results. */
			bool enters = n < q->k || d < heap[0].d ||
				      (d == heap[0].d &&
				       x->ids[s] < x->ids[heap[0].slot]);
			if (!enters || (q->filter != NULL &&
					!q->filter(q->filter_arg, x->ids[s])))
				continue;
			struct vx_pair pr = {d, s};
			if (n == q->k)
				vx_heap_pop(heap, &n, true);
			vx_heap_push(heap, &n, pr, true);
		}
	}
	vx_heap_sort_ascending(heap, n);
	for (uint32_t i = 0; i < n; i++) {
		out[i].id = x->ids[heap[i].slot];
		out[i].distance = vx_output_distance(x->metric, heap[i].d);
	}
	pthread_rwlock_unlock(&x->lock);
	*count = n;
done:
	vx_free(h, qv);
	vx_free(h, heap);
	return rc;
}

static int flat_build(void *index, const struct alopex_index_kv *kv,
		      alopex_index_source_fn source, void *source_arg,
		      alopex_index_progress_fn progress, void *progress_arg,
		      alopex_diag *diag)
{
	uint64_t id, done = 0;
	const float *v;
	int rc;
	while ((rc = source(source_arg, &id, &v)) == ALOPEX_ROW) {
		if ((rc = flat_insert(index, kv, id, v, diag)) != 0)
			return rc;
		if (++done % 1024 == 0 && progress != NULL)
			progress(progress_arg, done, 0);
	}
	if (rc != ALOPEX_DONE)
		return rc;
	if (progress != NULL)
		progress(progress_arg, done, done);
	return 0;
}

static int flat_stats(void *index, struct alopex_index_stats *out)
{
	struct flat_index *x = index;
	struct alopex_index_stats s = {.size = sizeof(s)};
	pthread_rwlock_rdlock(&x->lock);
	s.dim = x->dim;
	s.metric = x->metric;
	s.count = x->n - x->ndead;
	s.deleted = x->ndead;
	s.memory_bytes = sizeof(*x) + (uint64_t)x->cap * x->dim * 4 +
			 (uint64_t)x->cap * 8 + x->map.cap * 12;
	pthread_rwlock_unlock(&x->lock);
	size_t n = out->size < sizeof(s) ? out->size : sizeof(s);
	memcpy(out, &s, n);
	out->size = (uint32_t)n;
	return 0;
}

static void flat_forget(void *index, uint64_t id)
{
	struct flat_index *x = index;
	pthread_rwlock_wrlock(&x->lock);
	uint32_t s = vx_idmap_get(&x->map, id);
	if (s != VX_MAP_EMPTY)
		drop_slot(x, s);
	pthread_rwlock_unlock(&x->lock);
}

static void flat_restore(void *index, uint64_t id)
{
	struct flat_index *x = index;
	pthread_rwlock_wrlock(&x->lock);
	uint32_t s = vx_idmap_get(&x->map, id);
	if (s != VX_MAP_EMPTY && x->dead[s] == FLAT_DEAD) {
		x->dead[s] = 0;
		x->ndead--;
	}
	pthread_rwlock_unlock(&x->lock);
}

/* The records went with the removes: only memory is compacted. */
static int flat_vacuum_some(void *index, const struct alopex_index_kv *kv,
			    alopex_index_filter_fn reclaim, void *reclaim_arg,
			    alopex_diag *diag)
{
	(void)kv;
	(void)diag;
	struct flat_index *x = index;
	pthread_rwlock_wrlock(&x->lock);
	/* Downwards: what drop_slot moves into s was judged already. */
	for (uint32_t s = x->n; s-- > 0;)
		if (x->dead[s] &&
		    (reclaim == NULL || reclaim(reclaim_arg, x->ids[s])))
			drop_slot(x, s);
	pthread_rwlock_unlock(&x->lock);
	return 0;
}

static int flat_vacuum(void *index, const struct alopex_index_kv *kv,
		       alopex_diag *diag)
{
	return flat_vacuum_some(index, kv, NULL, NULL, diag);
}

static const struct alopex_index_ops flat_ops = {
	.size = sizeof(struct alopex_index_ops),
	.caps = ALOPEX_INDEX_ORDERED | ALOPEX_INDEX_FILTER |
		ALOPEX_INDEX_EXACT | ALOPEX_INDEX_PERSISTENT |
		ALOPEX_INDEX_CONCURRENT | ALOPEX_INDEX_VACUUM |
		ALOPEX_INDEX_ROW_KEYED | ALOPEX_INDEX_SNAPSHOTS,
	.metrics = ALOPEX_METRIC_BIT(ALOPEX_METRIC_L2) |
		   ALOPEX_METRIC_BIT(ALOPEX_METRIC_COSINE) |
		   ALOPEX_METRIC_BIT(ALOPEX_METRIC_IP),
	.build_options = NULL,
	.query_options = NULL,
	.create = flat_create,
	.open = flat_open,
	.close = flat_close,
	.insert = flat_insert,
	.remove = flat_remove,
	.search = flat_search,
	.build = flat_build,
	.stats = flat_stats,
	.vacuum = flat_vacuum,
	.forget = flat_forget,
	.restore = flat_restore,
	.checkpoint = NULL,
	.vacuum_some = flat_vacuum_some,
};

static const struct alopex_plugin flat_plugin = {
	.size = sizeof(struct alopex_plugin),
	.abi_major = ALOPEX_PLUGIN_ABI_MAJOR,
	.abi_minor = ALOPEX_PLUGIN_ABI_MINOR,
	.kind = ALOPEX_PLUGIN_INDEX,
	.name = "flat",
	.version = "0.1.0",
	.description = "exact vector search: a SIMD scan with a bounded heap",
	.config = NULL,
	.init = flat_init,
	.fini = flat_fini,
	.ops = &flat_ops,
};

ALOPEX_PLUGIN_DEFINE(flat, flat_plugin)
