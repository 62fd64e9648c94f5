/*
 * The graph's memory: index lifecycle, slot allocation, levels, scratch
 * pool and the neighbour-selection heuristic.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hnsw_internal.h"

#define PLAIN_MUTEXES 5

/* The mutexes of x after its rwlock, in one list for init and destroy. */
static void mutex_list(struct hnsw_index *x, pthread_mutex_t **m)
{
	m[0] = &x->pool_lock;
	m[1] = &x->ckpt_lock;
	m[2] = &x->entry_lock;
	m[3] = &x->alloc_lock;
	m[4] = &x->map_lock;
}

static void destroy_locks(struct hnsw_index *x, uint32_t nmutex,
			  uint32_t nstripe)
{
	pthread_mutex_t *m[PLAIN_MUTEXES];
	mutex_list(x, m);
	for (uint32_t i = 0; i < nstripe; i++)
		pthread_mutex_destroy(&x->link_locks[i]);
	for (uint32_t i = 0; i < nmutex; i++)
		pthread_mutex_destroy(m[i]);
	pthread_rwlock_destroy(&x->lock);
}

static int init_locks(struct hnsw_index *x)
{
	pthread_mutex_t *m[PLAIN_MUTEXES];
	uint32_t i = 0, j = 0;
	mutex_list(x, m);
	if (pthread_rwlock_init(&x->lock, NULL) != 0)
		return ALOPEX_ENOMEM;
	for (; i < PLAIN_MUTEXES; i++)
		if (pthread_mutex_init(m[i], NULL) != 0)
			goto fail;
	for (; j < HNSW_LOCK_STRIPES; j++)
		if (pthread_mutex_init(&x->link_locks[j], NULL) != 0)
			goto fail;
	return 0;
fail:
	destroy_locks(x, i, j);
	return ALOPEX_ENOMEM;
}

int hnsw_index_new(struct hnsw_plugin *p, uint32_t dim, uint32_t metric,
		   const struct hnsw_options *o, struct hnsw_index **out,
		   alopex_diag *diag)
{
	const struct alopex_host *h = p->host;
	if (dim == 0 || dim > 65535 || !vx_metric_ok(metric))
		return h->diag_set(diag, ALOPEX_EINVAL, NULL,
				   "hnsw: bad index parameters (dim %u, "
				   "metric %u)",
				   dim, metric);
	if (o->m < 2 || o->m > 100 || o->ef_construction < 4 ||
	    o->ef_construction > 1000)
		return h->diag_set(diag, ALOPEX_EINVAL, NULL,
				   "hnsw: m must be in 2..100 and "
				   "ef_construction in 4..1000");
	if (o->ef_construction < 2 * o->m)
		return h->diag_set(diag, ALOPEX_EINVAL, "22023",
				   "ef_construction must be greater than or "
				   "equal to 2 * m");
	struct hnsw_index *x = vx_calloc(h, 1, sizeof(*x));
	if (x == NULL)
		return h->diag_set(diag, ALOPEX_ENOMEM, NULL,
				   "hnsw: out of memory");
	x->host = h;
	x->k = p->k;
	x->dim = dim;
	x->metric = metric;
	x->M = (uint32_t)o->m;
	x->M0 = 2 * x->M;
	x->efc = (uint32_t)o->ef_construction;
	x->ef_search = 40;
	x->mL = 1.0 / log((double)x->M);
	x->links_off = (size_t)dim * sizeof(float);
	x->stride = (x->links_off + (x->M0 + 1) * sizeof(uint32_t) + 63) &
		    ~(size_t)63;
	x->entry = HNSW_NONE;
	x->max_level = -1;
	/* Fixed seed: the same inserts build the same graph. */
	x->rng = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)dim << 32 | metric);
	if (init_locks(x) != 0) {
		vx_free(h, x);
		return h->diag_set(diag, ALOPEX_ENOMEM, NULL,
				   "hnsw: cannot create a lock");
	}
	x->stamp_next = 1;
	x->gen_next = 1;
	*out = x;
	return 0;
}

static void scratch_free(const struct alopex_host *h, struct hnsw_scratch *sc)
{
	vx_free(h, sc->visited);
	vx_free(h, sc->cand);
	vx_free(h, sc->res);
	vx_free(h, sc->sel);
	vx_free(h, sc->q);
	vx_free(h, sc->plan);
	vx_free(h, sc);
}

void hnsw_index_free(struct hnsw_index *x)
{
	if (x == NULL)
		return;
	const struct alopex_host *h = x->host;
	while (x->pool != NULL) {
		struct hnsw_scratch *sc = x->pool;
		x->pool = sc->next;
		scratch_free(h, sc);
	}
	if (x->up != NULL)
		for (uint32_t s = 0; s < x->n; s++)
			vx_free(h, x->up[s]);
	vx_free(h, x->up);
	vx_free(h, x->nodes_mem);
	vx_free(h, x->ids);
	vx_free(h, x->levels);
	vx_free(h, x->flags);
	vx_free(h, x->free_slots);
	vx_free(h, x->stamps);
	vx_free(h, x->mods);
	vx_free(h, x->garbage);
	vx_idmap_fini(h, &x->map);
	destroy_locks(x, PLAIN_MUTEXES, HNSW_LOCK_STRIPES);
	vx_free(h, x);
}

#define GROW(field, type, per)                                             \
	do {                                                               \
		type *p_ = vx_realloc(h, x->field,                         \
				      (size_t)cap * (per) * sizeof(type)); \
		if (p_ == NULL)                                            \
			return ALOPEX_ENOMEM;                              \
		x->field = p_;                                             \
	} while (0)

/* The node blocks for cap slots: a fresh aligned array, the old copied. */
static int grow_nodes(struct hnsw_index *x, uint32_t cap)
{
	const struct alopex_host *h = x->host;
	if ((size_t)cap > (SIZE_MAX - 64) / x->stride)
		return ALOPEX_ENOMEM;
	void *mem = vx_alloc(h, (size_t)cap * x->stride + 64);
	if (mem == NULL)
		return ALOPEX_ENOMEM;
	uint8_t *nodes = (uint8_t *)(((uintptr_t)mem + 63) & ~(uintptr_t)63);
	if (x->n > 0)
		memcpy(nodes, x->nodes, (size_t)x->n * x->stride);
	vx_free(h, x->nodes_mem);
	x->nodes_mem = mem;
	x->nodes = nodes;
	return 0;
}

/* Grows every per-slot array together. */
int hnsw_reserve(struct hnsw_index *x)
{
	if (x->n < x->cap)
		return 0;
	const struct alopex_host *h = x->host;
	uint32_t cap = x->cap ? x->cap * 2 : 1024;
	if (grow_nodes(x, cap) != 0)
		return ALOPEX_ENOMEM;
	GROW(ids, uint64_t, 1);
	GROW(levels, uint8_t, 1);
	GROW(flags, uint8_t, 1);
	GROW(up, uint32_t *, 1);
	GROW(free_slots, uint32_t, 1);
	GROW(stamps, uint64_t, 1);
	GROW(mods, uint64_t, 1);
	x->cap = cap;
	return 0;
}

int hnsw_slot_alloc(struct hnsw_index *x, int level, uint32_t *out)
{
	uint32_t s;
	uint32_t *up = NULL;
	if (level > 0) {
		up = vx_alloc(x->host,
			      (size_t)level * (x->M + 1) * sizeof(uint32_t));
		if (up == NULL)
			return ALOPEX_ENOMEM;
		for (int lc = 0; lc < level; lc++)
			up[(size_t)lc * (x->M + 1)] = 0;
	}
	if (x->nfree > 0) {
		s = x->free_slots[--x->nfree];
	} else {
		int rc = hnsw_reserve(x);
		if (rc != 0) {
			vx_free(x->host, up);
			return rc;
		}
		s = x->n++;
	}
	x->up[s] = up;
	x->levels[s] = (uint8_t)level;
	x->flags[s] = 0;
	x->stamps[s] = 0;
	x->mods[s] = 0;
	hnsw_l0(x, s)[0] = 0;
	*out = s;
	return 0;
}

int hnsw_slot_take(struct hnsw_index *x, int level, uint32_t *up, uint32_t *out)
{
	uint32_t s;
	pthread_mutex_lock(&x->alloc_lock);
	if (x->nfree > 0) {
		s = x->free_slots[--x->nfree];
	} else if (x->n < x->cap) {
		s = x->n;
	} else {
		pthread_mutex_unlock(&x->alloc_lock);
		return 1;
	}
	/* Nothing links to s (free, or past n): only fill_unvisited's
	 * scan of 0..n may look at it, and it skips a HNSW_NEW slot. */
	hnsw_set_flags(x, s, HNSW_NEW);
	x->up[s] = up;
	x->levels[s] = (uint8_t)level;
	x->stamps[s] = 0;
	x->mods[s] = 0;
	hnsw_lstore(hnsw_l0(x, s), 0);
	for (int lc = 0; lc < level; lc++)
		up[(size_t)lc * (x->M + 1)] = 0;
	if (s == x->n)
		__atomic_store_n(&x->n, s + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&x->alloc_lock);
	*out = s;
	return 0;
}

void hnsw_entry_get(struct hnsw_index *x, uint32_t *entry, int *top)
{
	pthread_mutex_lock(&x->entry_lock);
	*entry = x->entry;
	*top = x->max_level;
	pthread_mutex_unlock(&x->entry_lock);
}

/* Back on the free list; the caller has unlinked it everywhere. */
void hnsw_slot_release(struct hnsw_index *x, uint32_t s)
{
	vx_free(x->host, x->up[s]);
	x->up[s] = NULL;
	x->flags[s] = HNSW_FREE;
	hnsw_l0(x, s)[0] = 0;
	x->levels[s] = 0;
	x->free_slots[x->nfree++] = s;
}

/* xorshift64*: the level draw needs speed and a fixed seed, not quality. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

int hnsw_random_level(struct hnsw_index *x)
{
	pthread_mutex_lock(&x->pool_lock);
	uint64_t r = next_rand(&x->rng);
	pthread_mutex_unlock(&x->pool_lock);
	double u = (double)(r >> 11) * 0x1p-53;
	if (u <= 0)
		u = 0x1p-53;
	double l = floor(-log(u) * x->mL);
	return l > HNSW_MAX_LEVEL ? HNSW_MAX_LEVEL : (int)l;
}

int hnsw_scratch_get(struct hnsw_index *x, struct hnsw_scratch **out)
{
	pthread_mutex_lock(&x->pool_lock);
	struct hnsw_scratch *sc = x->pool;
	if (sc != NULL)
		x->pool = sc->next;
	pthread_mutex_unlock(&x->pool_lock);
	if (sc == NULL) {
		sc = vx_calloc(x->host, 1, sizeof(*sc));
		if (sc == NULL)
			return ALOPEX_ENOMEM;
		sc->q = vx_alloc(x->host, x->dim * sizeof(float));
		if (sc->q == NULL) {
			vx_free(x->host, sc);
			return ALOPEX_ENOMEM;
		}
	}
	*out = sc;
	return 0;
}

void hnsw_scratch_put(struct hnsw_index *x, struct hnsw_scratch *sc)
{
	if (sc == NULL)
		return;
	pthread_mutex_lock(&x->pool_lock);
	sc->next = x->pool;
	x->pool = sc;
	pthread_mutex_unlock(&x->pool_lock);
}

int hnsw_scratch_begin(struct hnsw_index *x, struct hnsw_scratch *sc)
{
	if (sc->vcap < x->cap) {
		uint16_t *v = vx_realloc(x->host, sc->visited,
					 (size_t)x->cap * sizeof(uint16_t));
		if (v == NULL)
			return ALOPEX_ENOMEM;
		memset(v + sc->vcap, 0,
		       (size_t)(x->cap - sc->vcap) * sizeof(uint16_t));
		sc->visited = v;
		sc->vcap = x->cap;
	}
	if (++sc->epoch == 0) {
		memset(sc->visited, 0, (size_t)sc->vcap * sizeof(uint16_t));
		sc->epoch = 1;
	}
	sc->ncand = sc->nres = sc->nsel = 0;
	return 0;
}

static int cmp_pair(const void *a, const void *b)
{
	const struct vx_pair *x = a, *y = b;
	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

void hnsw_sort_pairs(struct vx_pair *p, uint32_t n)
{
	qsort(p, n, sizeof(*p), cmp_pair);
}

uint32_t hnsw_select(const struct hnsw_index *x, const struct vx_pair *cand,
		     uint32_t ncand, uint32_t max, uint32_t *out)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < ncand && n < max; i++) {
		const float *e = hnsw_vec(x, cand[i].slot);
		bool keep = true;
		for (uint32_t j = 0; j < n; j++) {
			if (hnsw_dist(x, e, out[j]) < cand[i].d) {
				keep = false;
				break;
			}
		}
		if (keep)
			out[n++] = cand[i].slot;
	}
	return n;
}

uint64_t hnsw_next_stamp(struct hnsw_index *x)
{
	pthread_mutex_lock(&x->pool_lock);
	uint64_t v = x->stamp_next++;
	pthread_mutex_unlock(&x->pool_lock);
	return v;
}

int hnsw_add_garbage(struct hnsw_index *x, uint64_t id)
{
	if (x->ngarbage == x->garbage_cap) {
		uint32_t c = x->garbage_cap ? x->garbage_cap * 2 : 64;
		struct hnsw_garbage *g =
			vx_realloc(x->host, x->garbage, c * sizeof(*g));
		if (g == NULL)
			return ALOPEX_ENOMEM;
		x->garbage = g;
		x->garbage_cap = c;
	}
	x->garbage[x->ngarbage++] = (struct hnsw_garbage){id, ++x->clock};
	return 0;
}
