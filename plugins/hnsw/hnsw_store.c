/*
 * The graph's KV records (see hnsw_internal.h): node records written in
 * the row's transaction, link records written by checkpoints, and open,
 * which puts the two back together.
 *
 * Checkpoints are incremental. Each writes the link records of the nodes
 * changed (mods[s]) since the clock at which the last *committed*
 * checkpoint began, deletes the link records of nodes vacuum freed since,
 * and stores its generation in "c". Whether a checkpoint committed is
 * learnt by the next one, which reads "c" in its own transaction: the
 * generations written but not seen committed stay in hist with their
 * clocks, so a checkpoint that failed or rolled back only makes the next
 * one write more.
 */
#include <string.h>

#include "hnsw_internal.h"

int hnsw_store_meta(const struct hnsw_index *x,
		    const struct alopex_index_kv *kv)
{
	uint8_t m[20];
	vx_put_le32(m, HNSW_VERSION);
	vx_put_le32(m + 4, x->dim);
	vx_put_le32(m + 8, x->metric);
	vx_put_le32(m + 12, x->M);
	vx_put_le32(m + 16, x->efc);
	return kv->put(kv->ctx, vx_slice("m", 1), vx_slice(m, sizeof(m)));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	vx_put_le32(p, (uint32_t)v);
	vx_put_le32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)vx_get_le32(p) | (uint64_t)vx_get_le32(p + 4) << 32;
}

static void id_key(uint8_t key[9], char kind, uint64_t id)
{
	key[0] = (uint8_t)kind;
	vx_put_be64(key + 1, id);
}

#define NODE_HEAD 12 /* level, 3 zero bytes, stamp */

int hnsw_store_node(const struct hnsw_index *x,
		    const struct alopex_index_kv *kv, uint64_t id, int level,
		    uint64_t stamp, const float *vec)
{
	const struct alopex_host *h = x->host;
	size_t len = NODE_HEAD + (size_t)x->dim * sizeof(float);
	uint8_t *v = vx_alloc(h, len);
	if (v == NULL)
		return ALOPEX_ENOMEM;
	v[0] = (uint8_t)level;
	v[1] = v[2] = v[3] = 0;
	put_le64(v + 4, stamp);
	memcpy(v + NODE_HEAD, vec, (size_t)x->dim * sizeof(float));
	uint8_t key[9];
	id_key(key, 'n', id);
	int rc = kv->put(kv->ctx, vx_slice(key, 9), vx_slice(v, len));
	vx_free(h, v);
	return rc;
}

int hnsw_drop_node(const struct hnsw_index *x, const struct alopex_index_kv *kv,
		   uint64_t id)
{
	(void)x;
	uint8_t key[9];
	id_key(key, 'n', id);
	int rc = kv->del(kv->ctx, vx_slice(key, 9));
	return rc == ALOPEX_ENOTFOUND ? 0 : rc;
}

/* ---- checkpoint ------------------------------------------------------------ */

struct ckpt_buf {
	uint8_t *p;
	size_t len, cap;
	uint32_t n;
};

static int buf_reserve(const struct alopex_host *h, struct ckpt_buf *b,
		       size_t more)
{
	if (b->len + more <= b->cap)
		return 0;
	size_t c = b->cap ? b->cap : 65536;
	while (c < b->len + more)
		c *= 2;
	uint8_t *p = vx_realloc(h, b->p, c);
	if (p == NULL)
		return ALOPEX_ENOMEM;
	b->p = p;
	b->cap = c;
	return 0;
}

/* Append one node's (key, value) as klen u32, vlen u32, bytes. */
static int serialise(const struct hnsw_index *x, uint32_t s, struct ckpt_buf *b)
{
	int level = x->levels[s];
	size_t vlen = 12;
	for (int lc = 0; lc <= level; lc++)
		vlen += 4 + (size_t)hnsw_links(x, s, lc)[0] * 8;
	int rc = buf_reserve(x->host, b, 8 + 9 + vlen);
	if (rc != 0)
		return rc;
	uint8_t *p = b->p + b->len;
	vx_put_le32(p, 9);
	vx_put_le32(p + 4, (uint32_t)vlen);
	id_key(p + 8, 'l', x->ids[s]);
	p += 17;
	put_le64(p, x->stamps[s]);
	p[8] = (uint8_t)level;
	p[9] = p[10] = p[11] = 0;
	p += 12;
	for (int lc = 0; lc <= level; lc++) {
		const uint32_t *l = hnsw_links(x, s, lc);
		vx_put_le32(p, l[0]);
		p += 4;
		for (uint32_t i = 1; i <= l[0]; i++, p += 8)
			vx_put_be64(p, x->ids[l[i]]);
	}
	b->len += 8 + 9 + vlen;
	b->n++;
	return 0;
}

static int flush(const struct alopex_index_kv *kv, struct ckpt_buf *b)
{
	int rc = 0;
	for (size_t off = 0; rc == 0 && off < b->len;) {
		uint32_t kl = vx_get_le32(b->p + off);
		uint32_t vl = vx_get_le32(b->p + off + 4);
		rc = kv->put(kv->ctx, vx_slice(b->p + off + 8, kl),
			     vx_slice(b->p + off + 8 + kl, vl));
		off += 8 + (size_t)kl + vl;
	}
	b->len = 0;
	b->n = 0;
	return rc;
}

/* Under ckpt_lock: the clock from which this checkpoint must write, given
 * the generation the transaction sees committed. */
static uint64_t base_clock(struct hnsw_index *x, uint64_t committed)
{
	if (committed == x->saved_gen)
		return x->saved_clock;
	for (uint32_t i = 0; i < x->nhist; i++) {
		if (x->hist[i].gen != committed)
			continue;
		x->saved_gen = committed;
		x->saved_clock = x->hist[i].clock;
		/* Older generations can no longer be the last committed. */
		uint32_t n = 0;
		for (uint32_t j = 0; j < x->nhist; j++)
			if (x->hist[j].gen > committed)
				x->hist[n++] = x->hist[j];
		x->nhist = n;
		return x->saved_clock;
	}
	/* A generation we did not write (or forgot): write everything. */
	return 0;
}

int hnsw_checkpoint(void *index, const struct alopex_index_kv *kv,
		    alopex_diag *diag)
{
	struct hnsw_index *x = index;
	const struct alopex_host *h = x->host;
	struct ckpt_buf b = {0};
	uint64_t *gone = NULL;
	uint32_t ngone = 0;
	if (kv == NULL)
		return 0;
	pthread_mutex_lock(&x->ckpt_lock);
	alopex_slice c;
	uint64_t committed = 0;
	int rc = kv->get(kv->ctx, vx_slice("c", 1), &c);
	if (rc == 0 && c.len == 8)
		committed = get_le64(c.ptr);
	else if (rc == 0 || rc == ALOPEX_ENOTFOUND)
		rc = 0;
	if (rc != 0)
		goto fail;
	uint64_t base = base_clock(x, committed);
	if (x->gen_next <= committed)
		x->gen_next = committed + 1;
	uint64_t gen = x->gen_next++;

	pthread_rwlock_rdlock(&x->lock);
	uint64_t start = __atomic_load_n(&x->clock, __ATOMIC_RELAXED);
	gone = vx_alloc(h, ((size_t)x->ngarbage + 1) * sizeof(uint64_t));
	if (gone == NULL) {
		pthread_rwlock_unlock(&x->lock);
		rc = ALOPEX_ENOMEM;
		goto fail;
	}
	for (uint32_t i = 0; i < x->ngarbage; i++)
		if (x->garbage[i].clock > base)
			gone[ngone++] = x->garbage[i].id;
	pthread_rwlock_unlock(&x->lock);

	/* Deletes first: a freed id inserted again is written below. */
	uint8_t key[9];
	for (uint32_t i = 0; rc == 0 && i < ngone; i++) {
		id_key(key, 'l', gone[i]);
		rc = kv->del(kv->ctx, vx_slice(key, 9));
		if (rc == ALOPEX_ENOTFOUND)
			rc = 0;
	}
	/*
	 * One consistent cut, serialised under one hold of the exclusive
	 * lock (inserts link under the shared one; memory copies only) and
	 * written after: a node in it has its in-links in it too, so a
	 * crash right after cannot leave a checkpointed node unreachable.
	 */
	if (rc == 0) {
		pthread_rwlock_wrlock(&x->lock);
		for (uint32_t s = 0; rc == 0 && s < x->n; s++) {
			if ((x->flags[s] & HNSW_FREE) || x->mods[s] <= base)
				continue;
			/* A replaced or forgotten node whose id has another
			 * node now: the key is that node's. Else it is
			 * written, so that open can repair around it. */
			if ((x->flags[s] & HNSW_ORPHAN) &&
			    vx_idmap_get(&x->map, x->ids[s]) != VX_MAP_EMPTY)
				continue;
			rc = serialise(x, s, &b);
		}
		pthread_rwlock_unlock(&x->lock);
	}
	if (rc == 0)
		rc = flush(kv, &b);
	if (rc == 0) {
		uint8_t g[8];
		put_le64(g, gen);
		rc = kv->put(kv->ctx, vx_slice("c", 1), vx_slice(g, 8));
	}
	if (rc != 0)
		goto fail;
	if (x->nhist == HNSW_CKPT_HIST) {
		/* The oldest is forgotten: if it turns out to be the last
		 * committed, the next checkpoint writes everything. */
		memmove(x->hist, x->hist + 1,
			(HNSW_CKPT_HIST - 1) * sizeof(x->hist[0]));
		x->nhist--;
	}
	x->hist[x->nhist++] = (struct hnsw_ckpt){gen, start};
	/* Garbage older than the committed base is deleted for good. */
	pthread_rwlock_wrlock(&x->lock);
	x->last_clock = start;
	uint32_t n = 0;
	for (uint32_t i = 0; i < x->ngarbage; i++)
		if (x->garbage[i].clock > x->saved_clock)
			x->garbage[n++] = x->garbage[i];
	x->ngarbage = n;
	pthread_rwlock_unlock(&x->lock);
	pthread_mutex_unlock(&x->ckpt_lock);
	vx_free(h, gone);
	vx_free(h, b.p);
	return 0;
fail:
	pthread_mutex_unlock(&x->ckpt_lock);
	vx_free(h, gone);
	vx_free(h, b.p);
	return h->diag_set(diag, rc, NULL,
			   "hnsw: checkpoint failed (roll its transaction "
			   "back; the next checkpoint writes again)");
}

/* ---- loading -------------------------------------------------------------- */

struct load_ctx {
	struct hnsw_index *x;
	const char *bad; /* what was damaged */
	uint64_t ghosts;
	uint8_t *linked; /* per slot: links came from the checkpoint */
	size_t linked_cap;
};

static int load_node(void *arg, alopex_slice key, alopex_slice val)
{
	struct load_ctx *c = arg;
	struct hnsw_index *x = c->x;
	if (key.len != 9 ||
	    val.len != NODE_HEAD + (size_t)x->dim * sizeof(float) ||
	    val.ptr[0] > HNSW_MAX_LEVEL) {
		c->bad = "a node record";
		return ALOPEX_ECORRUPT;
	}
	uint64_t id = vx_get_be64(key.ptr + 1);
	uint32_t s;
	int rc = hnsw_slot_alloc(x, val.ptr[0], &s);
	if (rc == 0)
		rc = vx_idmap_put(x->host, &x->map, id, s);
	if (rc != 0)
		return rc;
	memcpy(hnsw_vec_mut(x, s), val.ptr + NODE_HEAD,
	       (size_t)x->dim * sizeof(float));
	x->ids[s] = id;
	x->stamps[s] = get_le64(val.ptr + 4);
	if (x->stamps[s] >= x->stamp_next)
		x->stamp_next = x->stamps[s] + 1;
	x->live++;
	return 0;
}

/* A link record's shape; *level and *stamp from it. */
static bool links_ok(const struct hnsw_index *x, alopex_slice key,
		     alopex_slice val, int *level, uint64_t *stamp)
{
	if (key.len != 9 || val.len < 12 || val.ptr[8] > HNSW_MAX_LEVEL)
		return false;
	*stamp = get_le64(val.ptr);
	*level = val.ptr[8];
	size_t off = 12;
	for (int lc = 0; lc <= *level; lc++) {
		if (off + 4 > val.len)
			return false;
		uint32_t n = vx_get_le32(val.ptr + off);
		if (n > hnsw_max_links(x, lc) ||
		    off + 4 + (size_t)n * 8 > val.len)
			return false;
		off += 4 + (size_t)n * 8;
	}
	return off == val.len;
}

/*
 * First pass over the link records: a record whose id has no node record
 * is a ghost (the row was deleted, or never committed): it gets a slot,
 * removed, so that its neighbours can be repaired around it as vacuum
 * does. Its vector is never read: repair measures live nodes only.
 */
static int load_ghost(void *arg, alopex_slice key, alopex_slice val)
{
	struct load_ctx *c = arg;
	struct hnsw_index *x = c->x;
	int level;
	uint64_t stamp;
	if (!links_ok(x, key, val, &level, &stamp)) {
		c->bad = "a link record";
		return ALOPEX_ECORRUPT;
	}
	if (stamp >= x->stamp_next)
		x->stamp_next = stamp + 1;
	uint64_t id = vx_get_be64(key.ptr + 1);
	if (vx_idmap_get(&x->map, id) != VX_MAP_EMPTY)
		return 0;
	uint32_t s;
	int rc = hnsw_slot_alloc(x, level, &s);
	if (rc == 0)
		rc = vx_idmap_put(x->host, &x->map, id, s);
	if (rc != 0)
		return rc;
	memset(hnsw_vec_mut(x, s), 0, (size_t)x->dim * sizeof(float));
	x->ids[s] = id;
	x->stamps[s] = stamp;
	x->flags[s] = HNSW_DEAD | HNSW_RECLAIM;
	x->dead++;
	c->ghosts++;
	return 0;
}

/* Second pass: the links of nodes whose stamp matches, and of ghosts. */
static int load_links(void *arg, alopex_slice key, alopex_slice val)
{
	struct load_ctx *c = arg;
	struct hnsw_index *x = c->x;
	int level;
	uint64_t stamp;
	if (!links_ok(x, key, val, &level, &stamp))
		return ALOPEX_ECORRUPT; /* the first pass saw it whole */
	uint32_t s = vx_idmap_get(&x->map, vx_get_be64(key.ptr + 1));
	/* Another incarnation of the id (inserted again since): its
	 * record is stale, the node is re-inserted below. */
	if (s == VX_MAP_EMPTY || x->stamps[s] != stamp || x->levels[s] != level)
		return 0;
	size_t off = 12;
	for (int lc = 0; lc <= level; lc++) {
		uint32_t cnt = vx_get_le32(val.ptr + off), n = 0;
		uint32_t *l = hnsw_links(x, s, lc);
		off += 4;
		for (uint32_t i = 0; i < cnt; i++, off += 8) {
			uint32_t t = vx_idmap_get(&x->map,
						  vx_get_be64(val.ptr + off));
			/* Gone (a row that never committed and is no
			 * ghost either), itself, or too low for lc. */
			if (t != VX_MAP_EMPTY && t != s && x->levels[t] >= lc)
				l[1 + n++] = t;
		}
		l[0] = n;
	}
	c->linked[s] = 1;
	return 0;
}

/* The node on the highest level among those with links, as entry. */
static void pick_entry(struct hnsw_index *x, const uint8_t *linked)
{
	x->entry = HNSW_NONE;
	x->max_level = -1;
	for (uint32_t s = 0; s < x->n; s++)
		if (linked[s] && !(x->flags[s] & HNSW_DEAD) &&
		    (int)x->levels[s] > x->max_level) {
			x->entry = s;
			x->max_level = x->levels[s];
		}
}

/* Repair around the ghosts, free them, then re-insert the nodes the
 * checkpoint did not have. */
static int finish_load(struct hnsw_index *x, struct load_ctx *c)
{
	struct hnsw_scratch *sc = NULL;
	int rc = hnsw_scratch_get(x, &sc);
	if (rc != 0)
		return rc;
	pick_entry(x, c->linked);
	for (uint32_t s = 0; rc == 0 && c->ghosts > 0 && s < x->n; s++) {
		if (!c->linked[s] || (x->flags[s] & HNSW_DEAD))
			continue;
		for (int lc = 0; rc == 0 && lc <= x->levels[s]; lc++)
			rc = hnsw_repair(x, sc, s, lc);
	}
	if (rc == 0 && c->ghosts > 0)
		hnsw_anchor_reclaimed(x);
	for (uint32_t s = 0; rc == 0 && s < x->n; s++) {
		if (!(x->flags[s] & HNSW_RECLAIM))
			continue;
		vx_idmap_del(&x->map, x->ids[s]);
		rc = hnsw_add_garbage(x, x->ids[s]);
		hnsw_slot_release(x, s);
		x->dead--;
	}
	for (uint32_t s = 0; rc == 0 && s < x->n; s++) {
		if (c->linked[s] || (x->flags[s] & (HNSW_FREE | HNSW_DEAD)))
			continue;
		/* Stored after the checkpoint: link it as an insert does
		 * (what earlier re-inserts linked back to it stays). */
		rc = hnsw_link_node(x, sc, s, x->levels[s]);
		x->reinserted++;
	}
	/* Links to nodes that never committed (ghosts repaired around, or
	 * not in the checkpoint at all) are gone: what only they reached
	 * is linked in again. */
	if (rc == 0)
		rc = hnsw_connect(x, sc, &x->relinked);
	hnsw_scratch_put(x, sc);
	return rc;
}

int hnsw_load(struct hnsw_plugin *p, const struct alopex_index_kv *kv,
	      struct hnsw_index **out, alopex_diag *diag)
{
	const struct alopex_host *h = p->host;
	alopex_slice m;
	int rc = kv->get(kv->ctx, vx_slice("m", 1), &m);
	if (rc == ALOPEX_ENOTFOUND)
		return h->diag_set(diag, rc, NULL,
				   "hnsw: no index metadata under this key "
				   "range");
	if (rc != 0)
		return h->diag_set(diag, rc, NULL,
				   "hnsw: cannot read the index metadata");
	if (m.len != 20 || vx_get_le32(m.ptr) != HNSW_VERSION)
		return h->diag_set(diag, ALOPEX_ECORRUPT, NULL,
				   "hnsw: index metadata is damaged or of "
				   "another version");
	struct hnsw_options o = {vx_get_le32(m.ptr + 12),
				 vx_get_le32(m.ptr + 16)};
	struct hnsw_index *x = NULL;
	if ((rc = hnsw_index_new(p, vx_get_le32(m.ptr + 4),
				 vx_get_le32(m.ptr + 8), &o, &x, diag)) != 0)
		return rc;
	struct load_ctx c = {x, NULL, 0, NULL, 0};
	alopex_slice cv;
	rc = kv->get(kv->ctx, vx_slice("c", 1), &cv);
	if (rc == 0 && cv.len == 8) {
		x->saved_gen = get_le64(cv.ptr);
		x->gen_next = x->saved_gen + 1;
	} else if (rc == 0) {
		c.bad = "the checkpoint record";
		rc = ALOPEX_ECORRUPT;
	} else if (rc == ALOPEX_ENOTFOUND) {
		rc = 0;
	}
	if (rc == 0)
		rc = kv->scan(kv->ctx, vx_slice("n", 1), vx_slice("o", 1),
			      load_node, &c);
	if (rc == 0)
		rc = kv->scan(kv->ctx, vx_slice("l", 1), vx_slice("m", 1),
			      load_ghost, &c);
	if (rc == 0) {
		c.linked = vx_calloc(h, x->n ? x->n : 1, 1);
		if (c.linked == NULL)
			rc = ALOPEX_ENOMEM;
	}
	if (rc == 0)
		rc = kv->scan(kv->ctx, vx_slice("l", 1), vx_slice("m", 1),
			      load_links, &c);
	/* What was loaded is what the last checkpoint saved: clock 0. */
	if (rc == 0)
		rc = finish_load(x, &c);
	vx_free(h, c.linked);
	if (rc != 0) {
		hnsw_index_free(x);
		if (c.bad != NULL)
			return h->diag_set(diag, rc, NULL,
					   "hnsw: cannot load the index: %s "
					   "is damaged",
					   c.bad);
		return h->diag_set(diag, rc, NULL,
				   "hnsw: cannot load the index");
	}
	if (x->reinserted > 0 || c.ghosts > 0 || x->relinked > 0)
		h->log(h->ctx, ALOPEX_LOG_INFO, "hnsw",
		       "opened an index of %llu nodes: %llu re-inserted "
		       "(stored after checkpoint %llu), %llu removed since, "
		       "%llu cut off and linked in again",
		       (unsigned long long)x->live,
		       (unsigned long long)x->reinserted,
		       (unsigned long long)x->saved_gen,
		       (unsigned long long)c.ghosts,
		       (unsigned long long)x->relinked);
	/* Different from the build's sequence, still deterministic. */
	x->rng ^= x->n * 0x9e3779b97f4a7c15ULL;
	if (x->rng == 0)
		x->rng = 1;
	*out = x;
	return 0;
}
