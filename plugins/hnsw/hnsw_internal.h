/*
 * HNSW (Malkov & Yashunin, "Efficient and robust approximate nearest
 * neighbor search using Hierarchical Navigable Small World graphs", 2016/
 * 2018): the in-memory graph shared by the files of this plugin.
 *
 * Layout, for speed: nodes are slots 0..n-1, each one block of `stride`
 * bytes in one array, 64-byte aligned: the vector, then its layer-0 links
 * (a count then M0 slots), so that measuring a node brings the list the
 * walk reads next with it (hnswlib's layout; two arrays cost a cache miss
 * more per expanded node). Upper layers sit in one small block per node
 * that has them. External ids map to slots through a hash map.
 *
 * Concurrency: one rwlock per index. Searches and inserts hold it shared
 * (each with its own scratch from a pool); remove, vacuum, growing the
 * per-slot arrays and a checkpoint's serialisation hold it exclusively.
 * Under the shared lock, inserts change link lists under striped link
 * locks (two at most, taken in stripe order), the entry point under
 * entry_lock, slot allocation under alloc_lock and the id map under
 * map_lock. Searches read link lists without locks: a writer stores the
 * entries, then the count, each with release semantics, and readers load
 * them with acquire and never read past the count, so a reader sees each
 * entry as some valid slot (a list mid-update may show old and new ones
 * mixed, which a walk tolerates). A new slot is flagged HNSW_NEW until its
 * insert finishes: walked through, never returned. KV writes happen
 * outside the graph lock.
 *
 * Persistence (ALOPEX_INDEX_ROW_KEYED): a row's transaction writes only
 * its node record (key unique to the id), so concurrent inserts never
 * conflict; the links live in memory and a checkpoint, in a transaction
 * of its own, writes the link records of the nodes changed since the last
 * committed checkpoint. open loads the node records (exactly the
 * committed rows), takes the links of the nodes whose checkpointed record
 * matches (same stamp), repairs around checkpointed nodes whose row is
 * gone (ghosts) and re-inserts the rest.
 *
 * KV records, relative to the index prefix (ids big-endian u64, numbers
 * little-endian):
 *   "m"      version u32, dim, metric, M, ef_construction (u32 each)
 *   "n" id   level u8, 3 zero bytes, stamp u64, the vector as stored
 *            (unit length for cosine); the row's transaction puts and
 *            deletes it
 *   "l" id   stamp u64, level u8, 3 zero bytes, then per level 0..level
 *            a count u32 and that many neighbour ids (big-endian u64);
 *            written by checkpoints only
 *   "c"      the last committed checkpoint's generation u64
 *
 * A stamp is unique per insert (a counter past every stamp stored): it
 * tells a node's current incarnation from an earlier one of the same id.
 */
#ifndef HNSW_INTERNAL_H
#define HNSW_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "alopex_plugin.h"
#include "vindex_common.h"

#define HNSW_VERSION 2
#define HNSW_MAX_LEVEL 15
#define HNSW_NONE UINT32_MAX

/* Slot flags. */
enum {
	HNSW_DEAD = 1,	   /* removed: traversed, never returned */
	HNSW_FREE = 2,	   /* reclaimed by vacuum; on the free list */
	HNSW_ORPHAN = 4,   /* dead and detached from its id and KV records */
	HNSW_VOID = 8,	   /* never committed (forgotten): never returned */
	HNSW_RECLAIM = 16, /* vacuum: reclaimed in this pass */
	HNSW_NEW = 32,	   /* being inserted: walked, not yet returned */
};

/* Link-lock stripes (a power of two): with few writer threads a clash is
 * rare, and a lock per node would cost 40 bytes per vector. */
#define HNSW_LOCK_STRIPES 1024

/* Internal query flag: an insert's own walk, which may pick nodes that
 * are still being inserted as neighbours. */
#define HNSW_Q_BUILD (1u << 31)

/* A checkpoint in flight: its generation and the clock when it began. */
struct hnsw_ckpt {
	uint64_t gen, clock;
};

#define HNSW_CKPT_HIST 16

/* A link record to delete at the next checkpoint (its node is gone). */
struct hnsw_garbage {
	uint64_t id, clock;
};

/* WITH (...) options, stored with the index. */
struct hnsw_options {
	int64_t m;
	int64_t ef_construction;
};

/* Per-query settings (SET hnsw.ef_search). */
struct hnsw_query_options {
	int64_t ef_search;
};

struct hnsw_plugin {
	const struct alopex_host *host;
	const struct alopex_vector_kernels *k;
};

/* Per-search working memory, pooled so searches do not allocate. */
struct hnsw_scratch {
	struct hnsw_scratch *next;
	/* == epoch: seen in this search. 16 bits as hnswlib: half the
	 * cache footprint, a clear every 65535 searches. */
	uint16_t *visited;
	uint16_t epoch;
	uint32_t vcap;
	struct vx_pair *cand, *res, *sel;
	uint32_t ncand, nres, nsel;
	uint32_t ccap, rcap, scap;
	float *q; /* the prepared query */
	/* An insert's planned neighbours: level lc's candidates, sorted,
	 * are plan[plan_off[lc] .. plan_off[lc] + plan_n[lc]). */
	struct vx_pair *plan;
	uint32_t nplan, pcap;
	uint32_t plan_off[HNSW_MAX_LEVEL + 1], plan_n[HNSW_MAX_LEVEL + 1];
};

struct hnsw_index {
	const struct alopex_host *host;
	const struct alopex_vector_kernels *k;
	uint32_t dim, metric;
	uint32_t M, M0, efc, ef_search;
	double mL;
	pthread_rwlock_t lock;

	uint32_t n, cap;  /* slots in use (incl. dead/free), allocated */
	uint8_t *nodes;	  /* cap blocks of stride bytes, aligned */
	void *nodes_mem;  /* what was allocated for them */
	size_t stride;	  /* bytes per node block, a multiple of 64 */
	size_t links_off; /* the layer-0 list's offset in a block */
	uint64_t *ids;
	uint8_t *levels;
	uint8_t *flags;
	uint32_t **up;
	uint32_t *free_slots;
	uint32_t nfree;
	struct vx_idmap map;

	/* Under the shared lock, read and changed under entry_lock only. */
	uint32_t entry; /* HNSW_NONE: empty */
	int max_level;
	uint64_t live, dead; /* atomic under the shared lock */
	uint64_t rng;	     /* level draws, under pool_lock */

	pthread_mutex_t entry_lock;
	pthread_mutex_t alloc_lock; /* n, free list, a slot's init */
	pthread_mutex_t map_lock;   /* map, under the shared lock */
	pthread_mutex_t link_locks[HNSW_LOCK_STRIPES];

	pthread_mutex_t pool_lock;
	struct hnsw_scratch *pool;

	/* Persistence: a clock ticked by every link change (slot's mods[s]:
	 * when it last changed), stamps and the checkpoint state. */
	uint64_t *stamps, *mods;
	uint64_t clock;
	uint64_t stamp_next; /* under pool_lock */
	uint64_t reinserted;
	uint64_t relinked; /* cut off from the entry, linked in again */
	struct hnsw_garbage *garbage; /* under the write lock */
	uint32_t ngarbage, garbage_cap;
	pthread_mutex_t ckpt_lock;	 /* one checkpoint at a time; below */
	uint64_t saved_gen, saved_clock; /* known committed */
	uint64_t last_clock; /* where the last began; under the lock */
	uint64_t gen_next;
	struct hnsw_ckpt hist[HNSW_CKPT_HIST]; /* written, not yet seen */
	uint32_t nhist;
};

/* Link-list words: see Concurrency above. */
static inline uint32_t hnsw_lload(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void hnsw_lstore(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Replace list l by the n slots in v: entries first, then the count. */
static inline void hnsw_lset(uint32_t *l, const uint32_t *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		hnsw_lstore(l + 1 + i, v[i]);
	hnsw_lstore(l, n);
}

/* Append t to list l (its writer holds its lock, room checked). */
static inline void hnsw_lappend(uint32_t *l, uint32_t t)
{
	uint32_t n = l[0];
	hnsw_lstore(l + 1 + n, t);
	hnsw_lstore(l, n + 1);
}

/* Flags, which an insert changes for its slot under the shared lock. */
static inline uint8_t hnsw_flags(const struct hnsw_index *x, uint32_t s)
{
	return __atomic_load_n(&x->flags[s], __ATOMIC_ACQUIRE);
}

static inline void hnsw_set_flags(struct hnsw_index *x, uint32_t s, uint8_t f)
{
	__atomic_store_n(&x->flags[s], f, __ATOMIC_RELEASE);
}

static inline pthread_mutex_t *hnsw_link_lock(struct hnsw_index *x, uint32_t s)
{
	return &x->link_locks[s & (HNSW_LOCK_STRIPES - 1)];
}

static inline float *hnsw_vec_mut(const struct hnsw_index *x, uint32_t s)
{
	return (float *)(void *)(x->nodes + (size_t)s * x->stride);
}

static inline const float *hnsw_vec(const struct hnsw_index *x, uint32_t s)
{
	return hnsw_vec_mut(x, s);
}

static inline uint32_t *hnsw_l0(const struct hnsw_index *x, uint32_t s)
{
	return (uint32_t *)(void *)(x->nodes + (size_t)s * x->stride +
				    x->links_off);
}

static inline uint32_t *hnsw_links(const struct hnsw_index *x, uint32_t s,
				   int lc)
{
	if (lc == 0)
		return hnsw_l0(x, s);
	return x->up[s] + (size_t)(lc - 1) * (x->M + 1);
}

static inline uint32_t hnsw_max_links(const struct hnsw_index *x, int lc)
{
	return lc == 0 ? x->M0 : x->M;
}

/* s's links changed (or s is new): under the write lock, or s's link
 * lock (so a node's mods only grow; the clock is shared). */
static inline void hnsw_touch(struct hnsw_index *x, uint32_t s)
{
	x->mods[s] = __atomic_add_fetch(&x->clock, 1, __ATOMIC_RELAXED);
}

static inline float hnsw_dist(const struct hnsw_index *x, const float *q,
			      uint32_t s)
{
	return vx_dist(x->k, x->metric, q, hnsw_vec(x, s), x->dim);
}

/* Append (heap: push) p, growing the array; inline: the walk's hot path. */
static inline int hnsw_pair_push(const struct alopex_host *h,
				 struct vx_pair **arr, uint32_t *n,
				 uint32_t *cap, struct vx_pair p, bool heap,
				 bool max)
{
	if (*n == *cap) {
		uint32_t c = *cap ? *cap * 2 : 64;
		struct vx_pair *a = vx_realloc(h, *arr, c * sizeof(*a));
		if (a == NULL)
			return ALOPEX_ENOMEM;
		*arr = a;
		*cap = c;
	}
	if (heap)
		vx_heap_push(*arr, n, p, max);
	else
		(*arr)[(*n)++] = p;
	return 0;
}

/* hnsw_graph.c */
int hnsw_index_new(struct hnsw_plugin *p, uint32_t dim, uint32_t metric,
		   const struct hnsw_options *o, struct hnsw_index **out,
		   alopex_diag *diag);
void hnsw_index_free(struct hnsw_index *x);
/* A fresh slot with level `level` (links empty, flags 0); the caller
 * holds the write lock or is the only user. */
int hnsw_slot_alloc(struct hnsw_index *x, int level, uint32_t *out);
/*
 * Under the shared lock: a slot for a concurrent insert, flagged HNSW_NEW,
 * with up (level * (M + 1) words, or NULL) as its upper lists; 1 when the
 * arrays are full (grow them with hnsw_reserve under the write lock).
 */
int hnsw_slot_take(struct hnsw_index *x, int level, uint32_t *up,
		   uint32_t *out);
/* Room for one more slot (write lock held). */
int hnsw_reserve(struct hnsw_index *x);
/* The entry point and top level, consistent (shared lock held). */
void hnsw_entry_get(struct hnsw_index *x, uint32_t *entry, int *top);
void hnsw_slot_release(struct hnsw_index *x, uint32_t s);
int hnsw_random_level(struct hnsw_index *x);
int hnsw_scratch_get(struct hnsw_index *x, struct hnsw_scratch **out);
void hnsw_scratch_put(struct hnsw_index *x, struct hnsw_scratch *sc);
/* Start a search: a new visited epoch sized to the graph. */
int hnsw_scratch_begin(struct hnsw_index *x, struct hnsw_scratch *sc);
/*
 * The paper's neighbour-selection heuristic (algorithm 4): from
 * candidates sorted by ascending distance to the base, keep e unless a
 * kept r is closer to e than the base is. Writes up to max slots.
 */
uint32_t hnsw_select(const struct hnsw_index *x, const struct vx_pair *cand,
		     uint32_t ncand, uint32_t max, uint32_t *out);
void hnsw_sort_pairs(struct vx_pair *p, uint32_t n);
uint64_t hnsw_next_stamp(struct hnsw_index *x);
/* Under the write lock: delete id's link record at the next checkpoint. */
int hnsw_add_garbage(struct hnsw_index *x, uint64_t id);

/* hnsw_scan.c */
/* Greedy descent on one upper level (ef = 1). */
uint32_t hnsw_greedy(const struct hnsw_index *x, const float *q, uint32_t ep,
		     float *epd, int lc);
/*
 * SEARCH-LAYER (algorithm 2) from the entry points in sc->res (nres of
 * them, visited already marked): the ef closest admissible nodes are left
 * in sc->res as a max-heap. Admissible: not removed and passing the
 * filter (NULL: any); with ALOPEX_INDEX_QUERY_INCLUDE_REMOVED in qflags
 * removed nodes that were committed once are admissible too.
 * Non-admissible nodes are still walked through, so the walk goes on until
 * ef admissible nodes are found or the reachable graph is exhausted.
 */
int hnsw_search_layer(struct hnsw_index *x, struct hnsw_scratch *sc,
		      const float *q, uint32_t ef, int lc,
		      alopex_index_filter_fn filter, void *filter_arg,
		      uint32_t qflags);
int hnsw_search(void *index, const struct alopex_index_query *q,
		struct alopex_index_result *out, uint32_t *count,
		alopex_diag *diag);

/* hnsw_insert.c */
/* Link the prepared vector in slot s (level `level`) into the graph,
 * searching from the entry point (shared lock held: concurrent inserts
 * link through the link locks; or the write lock). */
int hnsw_link_node(struct hnsw_index *x, struct hnsw_scratch *sc, uint32_t s,
		   int level);
/*
 * Link into level 0 every node that level 0 does not reach from the entry
 * (write lock held): removals repaired around, and links lost with nodes
 * that never committed, can cut nodes off. *fixed counts them.
 */
int hnsw_connect(struct hnsw_index *x, struct hnsw_scratch *sc,
		 uint64_t *fixed);
/*
 * Make u's nearest level-0 neighbour link to u (write lock held): after a
 * repair dropped a way in to u (it came through a reclaimed node), the
 * way a search for u's own neighbourhood takes.
 */
void hnsw_anchor(struct hnsw_index *x, uint32_t u);
/* After repairs around the reclaimed nodes: anchor what they linked to. */
void hnsw_anchor_reclaimed(struct hnsw_index *x);
int hnsw_insert(void *index, const struct alopex_index_kv *kv, uint64_t id,
		const float *vec, alopex_diag *diag);
int hnsw_remove(void *index, const struct alopex_index_kv *kv, uint64_t id,
		alopex_diag *diag);
void hnsw_forget(void *index, uint64_t id);
void hnsw_restore(void *index, uint64_t id);
int hnsw_build(void *index, const struct alopex_index_kv *kv,
	       alopex_index_source_fn source, void *source_arg,
	       alopex_index_progress_fn progress, void *progress_arg,
	       alopex_diag *diag);

/* hnsw_store.c */
int hnsw_store_meta(const struct hnsw_index *x,
		    const struct alopex_index_kv *kv);
/* The node record of id: level, stamp and the prepared vector. */
int hnsw_store_node(const struct hnsw_index *x,
		    const struct alopex_index_kv *kv, uint64_t id, int level,
		    uint64_t stamp, const float *vec);
int hnsw_drop_node(const struct hnsw_index *x, const struct alopex_index_kv *kv,
		   uint64_t id);
int hnsw_checkpoint(void *index, const struct alopex_index_kv *kv,
		    alopex_diag *diag);
int hnsw_load(struct hnsw_plugin *p, const struct alopex_index_kv *kv,
	      struct hnsw_index **out, alopex_diag *diag);

/* hnsw_vacuum.c */
/* Relink s on level lc around the neighbours marked HNSW_RECLAIM. */
int hnsw_repair(struct hnsw_index *x, struct hnsw_scratch *sc, uint32_t s,
		int lc);
int hnsw_vacuum(void *index, const struct alopex_index_kv *kv,
		alopex_diag *diag);
int hnsw_vacuum_some(void *index, const struct alopex_index_kv *kv,
		     alopex_index_filter_fn reclaim, void *reclaim_arg,
		     alopex_diag *diag);

#endif
