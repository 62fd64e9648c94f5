/*
 * INSERT (algorithm 1 of the paper) and removal.
 *
 * An insert holds the shared lock throughout, so inserts from several
 * threads (and searches) run in parallel: it takes a slot (flagged
 * HNSW_NEW: walked through, not returned), walks the graph for its vector
 * keeping each level's ef_construction nearest as a plan, picks its
 * neighbours from the plan with the heuristic and links back. A link list
 * changes only under its node's link lock; linking back to s from e holds
 * e's and s's (adopt and attach write both), taken in stripe order so two
 * inserts never wait on each other in a cycle. Searches read the lists
 * without locks (hnsw_internal.h). Growing the slot arrays takes the
 * exclusive lock, between walks.
 *
 * Linking back keeps every node reachable on level 0: the heuristic alone
 * can leave a new node in no list (every neighbour has a closer one to
 * it) or drop an old node from the only list that had it, and a node
 * nothing links to is never found again (link_back, attach).
 *
 * The row's transaction gets only the node's own record (written before
 * the graph changes, deleted again if linking fails), never a neighbour's:
 * the links are saved by checkpoints (hnsw_store.c). So two transactions
 * inserting or removing different ids never write the same key.
 */
#include <string.h>

#include "hnsw_internal.h"

/* The index in list l (of node e) of the link farthest from e. */
static uint32_t farthest(const struct hnsw_index *x, uint32_t e,
			 const uint32_t *l)
{
	const float *ev = hnsw_vec(x, e);
	uint32_t at = 1;
	float far = -1;
	for (uint32_t i = 1; i <= l[0]; i++) {
		float d = hnsw_dist(x, ev, l[i]);
		if (d > far) {
			far = d;
			at = i;
		}
	}
	return at;
}

/* Whether level-lc list l holds slot t. */
static bool has_link(const uint32_t *l, uint32_t t)
{
	for (uint32_t i = 1; i <= l[0]; i++)
		if (l[i] == t)
			return true;
	return false;
}

static bool kept_in(const uint32_t *keep, uint32_t n, uint32_t t)
{
	for (uint32_t j = 0; j < n; j++)
		if (keep[j] == t)
			return true;
	return false;
}

/* Give new node s the out-link to t that a list of e lost for s, so that
 * t stays reachable through e -> s -> t; false when s has no room. */
static bool adopt(struct hnsw_index *x, uint32_t s, uint32_t t, int lc)
{
	uint32_t *l = hnsw_links(x, s, lc);
	if (t == s || has_link(l, t))
		return true;
	if (l[0] >= hnsw_max_links(x, lc))
		return false;
	hnsw_lappend(l, t);
	return true;
}

/*
 * Make e link to s on level lc: into a free place, else instead of the
 * farthest link s has too, else instead of e's farthest, which s takes
 * over (e -> s -> t keeps t reachable). When s has no room for it: with
 * evict, s's own farthest link goes (for a node nothing reaches yet, its
 * out-links reach nothing), else nothing is done and false returned.
 * Concurrent inserts: e's and s's link locks held.
 */
static bool attach(struct hnsw_index *x, uint32_t e, uint32_t s, int lc,
		   bool evict)
{
	uint32_t *ls = hnsw_links(x, s, lc);
	uint32_t *l = hnsw_links(x, e, lc);
	if (e == s || has_link(l, s))
		return true;
	if (l[0] < hnsw_max_links(x, lc)) {
		hnsw_lappend(l, s);
		hnsw_touch(x, e);
		return true;
	}
	/* The farthest of e's links that s has too: e's near ones are
	 * the way into e's neighbourhood. */
	const float *ev = hnsw_vec(x, e);
	uint32_t victim = 0;
	float far = -1;
	for (uint32_t i = 1; i <= l[0]; i++) {
		if (!has_link(ls, l[i]))
			continue;
		float d = hnsw_dist(x, ev, l[i]);
		if (d > far) {
			far = d;
			victim = i;
		}
	}
	if (victim == 0) {
		victim = farthest(x, e, l);
		if (!adopt(x, s, l[victim], lc)) {
			if (!evict)
				return false;
			hnsw_lstore(ls + farthest(x, s, ls), l[victim]);
		}
		hnsw_touch(x, s);
	}
	hnsw_lstore(l + victim, s);
	hnsw_touch(x, e);
	return true;
}

/*
 * Add new node `s` to the links of `e` on level lc, shrinking with the
 * heuristic when the list is full; *kept: s is in the list after. A full
 * list the heuristic would not take s into stays as it was (pruning it
 * then would only cut old nodes' in-links for nothing). On level 0, which
 * every search ends on, no node may lose its way in: a neighbour e drops
 * for s is one s links to already, or takes over (e -> s -> t), or goes
 * back into a free place of e's list; if none is left, s only replaces
 * one link of e (attach). Concurrent inserts: e's and s's link locks held.
 */
static int link_back(struct hnsw_index *x, struct hnsw_scratch *sc, uint32_t e,
		     uint32_t s, int lc, bool *kept)
{
	uint32_t *l = hnsw_links(x, e, lc);
	uint32_t max = hnsw_max_links(x, lc);
	*kept = true;
	if (has_link(l, s))
		return 0;
	if (l[0] < max) {
		hnsw_lappend(l, s);
		hnsw_touch(x, e);
		return 0;
	}
	const float *ev = hnsw_vec(x, e);
	sc->nsel = 0;
	int rc;
	for (uint32_t i = 1; i <= l[0]; i++) {
		struct vx_pair p = {hnsw_dist(x, ev, l[i]), l[i]};
		if ((rc = hnsw_pair_push(x->host, &sc->sel, &sc->nsel,
					 &sc->scap, p, false, false)) != 0)
			return rc;
	}
	struct vx_pair p = {hnsw_dist(x, ev, s), s};
	if ((rc = hnsw_pair_push(x->host, &sc->sel, &sc->nsel, &sc->scap, p,
				 false, false)) != 0)
		return rc;
	hnsw_sort_pairs(sc->sel, sc->nsel);
	uint32_t keep[2 * 100 + 1];
	uint32_t n = hnsw_select(x, sc->sel, sc->nsel, max, keep);
	*kept = kept_in(keep, n, s);
	if (!*kept)
		return 0;
	for (uint32_t i = 0; i < sc->nsel; i++) {
		uint32_t t = sc->sel[i].slot;
		if (t == s || kept_in(keep, n, t) || adopt(x, s, t, lc))
			continue;
		if (lc > 0)
			continue; /* upper levels only route */
		if (n < max) {
			keep[n++] = t;
			continue;
		}
		/* Nowhere to keep t: s replaces one link of e instead. */
		*kept = attach(x, e, s, lc, false);
		return 0;
	}
	hnsw_lset(l, keep, n);
	hnsw_touch(x, e);
	hnsw_touch(x, s);
	return 0;
}

/* The link locks of a and b (one when they share a stripe), in stripe
 * order: every insert takes them so, so none waits in a cycle. */
static void lock2(struct hnsw_index *x, uint32_t a, uint32_t b)
{
	pthread_mutex_t *ma = hnsw_link_lock(x, a), *mb = hnsw_link_lock(x, b);
	if (ma > mb) {
		pthread_mutex_t *t = ma;
		ma = mb;
		mb = t;
	}
	pthread_mutex_lock(ma);
	if (mb != ma)
		pthread_mutex_lock(mb);
}

static void unlock2(struct hnsw_index *x, uint32_t a, uint32_t b)
{
	pthread_mutex_t *ma = hnsw_link_lock(x, a), *mb = hnsw_link_lock(x, b);
	pthread_mutex_unlock(ma);
	if (mb != ma)
		pthread_mutex_unlock(mb);
}

/* attach(e, s) for an insert, under both link locks. */
static void attach_locked(struct hnsw_index *x, uint32_t e, uint32_t s, int lc)
{
	lock2(x, e, s);
	(void)attach(x, e, s, lc, false);
	unlock2(x, e, s);
}

/*
 * No neighbour took s on level lc (every list full and s covered by a
 * closer node each time): s would have no in-link there, and on level 0
 * no search would ever find it. Its nearest neighbour takes it. On level
 * 0 s always has room for what that one drops: no list took s, so s has
 * only the M links it selected, of 2 * M.
 */
static void force_in(struct hnsw_index *x, uint32_t s, int lc)
{
	const uint32_t *ls = hnsw_links(x, s, lc);
	pthread_mutex_lock(hnsw_link_lock(x, s));
	uint32_t e = ls[0] > 0 ? ls[1] : HNSW_NONE;
	pthread_mutex_unlock(hnsw_link_lock(x, s));
	if (e != HNSW_NONE)
		attach_locked(x, e, s, lc);
}

/* Link s back from its level-lc neighbours, the n in nb (nearest first;
 * s's list is set to them). */
static int link_level(struct hnsw_index *x, struct hnsw_scratch *sc, uint32_t s,
		      int lc, const uint32_t *nb, uint32_t n)
{
	bool any = false, nearest = false;
	for (uint32_t i = 0; i < n; i++) {
		bool kept;
		lock2(x, nb[i], s);
		int rc = link_back(x, sc, nb[i], s, lc, &kept);
		unlock2(x, nb[i], s);
		if (rc != 0)
			return rc;
		any |= kept;
		nearest |= kept && i == 0;
	}
	if (!any)
		force_in(x, s, lc);
	else if (lc == 0 && !nearest)
		/* A search for s's vector gets to its nearest neighbour
		 * first: a way in from there finds s, one from afar may
		 * not be walked. */
		attach_locked(x, nb[0], s, 0);
	pthread_mutex_lock(hnsw_link_lock(x, s));
	hnsw_touch(x, s);
	pthread_mutex_unlock(hnsw_link_lock(x, s));
	return 0;
}

void hnsw_anchor(struct hnsw_index *x, uint32_t u)
{
	const uint32_t *l = hnsw_l0(x, u);
	const float *v = hnsw_vec(x, u);
	uint32_t e = HNSW_NONE;
	float best = 0;
	for (uint32_t i = 1; i <= l[0]; i++) {
		if (x->flags[l[i]] & (HNSW_RECLAIM | HNSW_FREE))
			continue;
		float d = hnsw_dist(x, v, l[i]);
		if (e == HNSW_NONE || d < best) {
			e = l[i];
			best = d;
		}
	}
	if (e != HNSW_NONE)
		(void)attach(x, e, u, 0, false);
}

/* Mark what level 0 reaches from the nodes queued in q[*head..*tail). */
static void reach(const struct hnsw_index *x, uint8_t *seen, uint32_t *q,
		  uint32_t *head, uint32_t *tail)
{
	while (*head < *tail) {
		const uint32_t *l = hnsw_l0(x, q[(*head)++]);
		for (uint32_t i = 1; i <= l[0]; i++)
			if (!seen[l[i]]) {
				seen[l[i]] = 1;
				q[(*tail)++] = l[i];
			}
	}
}

/* The nearest node to s that level 0 reaches (seen), by a search. */
static int nearest_seen(struct hnsw_index *x, struct hnsw_scratch *sc,
			uint32_t s, const uint8_t *seen, uint32_t *out)
{
	const float *q = hnsw_vec(x, s);
	int rc = hnsw_scratch_begin(x, sc);
	if (rc != 0)
		return rc;
	uint32_t ep = x->entry;
	float epd = hnsw_dist(x, q, ep);
	for (int lc = x->max_level; lc > 0; lc--)
		ep = hnsw_greedy(x, q, ep, &epd, lc);
	if (!seen[ep]) { /* s itself, or a node as cut off as s */
		ep = x->entry;
		epd = hnsw_dist(x, q, ep);
	}
	sc->visited[s] = sc->epoch;
	sc->visited[ep] = sc->epoch;
	if ((rc = hnsw_pair_push(x->host, &sc->res, &sc->nres, &sc->rcap,
				 (struct vx_pair){epd, ep}, true, true)) != 0)
		return rc;
	if ((rc = hnsw_search_layer(x, sc, q, x->efc, 0, NULL, NULL, 0)) != 0)
		return rc;
	vx_heap_sort_ascending(sc->res, sc->nres);
	*out = x->entry;
	for (uint32_t i = 0; i < sc->nres; i++)
		if (seen[sc->res[i].slot]) {
			*out = sc->res[i].slot;
			break;
		}
	return 0;
}

int hnsw_connect(struct hnsw_index *x, struct hnsw_scratch *sc, uint64_t *fixed)
{
	const struct alopex_host *h = x->host;
	if (x->entry == HNSW_NONE)
		return 0;
	uint8_t *seen = vx_calloc(h, x->n, 1);
	uint32_t *q = vx_alloc(h, (size_t)x->n * sizeof(uint32_t));
	int rc = seen != NULL && q != NULL ? 0 : ALOPEX_ENOMEM;
	uint32_t head = 0, tail = 0;
	if (rc == 0) {
		seen[x->entry] = 1;
		q[tail++] = x->entry;
		reach(x, seen, q, &head, &tail);
	}
	for (uint32_t s = 0; rc == 0 && s < x->n; s++) {
		/* Never committed: walked through, never found. */
		if (seen[s] ||
		    (x->flags[s] & (HNSW_FREE | HNSW_RECLAIM | HNSW_VOID)))
			continue;
		uint32_t e;
		if ((rc = nearest_seen(x, sc, s, seen, &e)) != 0)
			break;
		(void)attach(x, e, s, 0, true);
		seen[s] = 1;
		q[tail++] = s;
		reach(x, seen, q, &head, &tail);
		(*fixed)++;
	}
	vx_free(h, seen);
	vx_free(h, q);
	return rc;
}

/*
 * The candidates of levels min(level, top)..0 for slot s's vector, from
 * entry point ep on level top: level lc's, sorted, are left in
 * sc->plan[plan_off[lc] .. + plan_n[lc]). *first gets min(level, top).
 */
static int plan_links(struct hnsw_index *x, struct hnsw_scratch *sc, uint32_t s,
		      uint32_t ep, int top, int level, int *first)
{
	const float *q = hnsw_vec(x, s);
	int rc;
	sc->nplan = 0;
	if ((rc = hnsw_scratch_begin(x, sc)) != 0)
		return rc;
	float epd = hnsw_dist(x, q, ep);
	for (int lc = top; lc > level; lc--)
		ep = hnsw_greedy(x, q, ep, &epd, lc);
	sc->visited[s] = sc->epoch; /* never a neighbour of itself */
	sc->visited[ep] = sc->epoch;
	if ((rc = hnsw_pair_push(x->host, &sc->res, &sc->nres, &sc->rcap,
				 (struct vx_pair){epd, ep}, true, true)) != 0)
		return rc;
	int t = level < top ? level : top;
	for (int lc = t; lc >= 0; lc--) {
		/* Each level starts a fresh walk from the last one's W. */
		if (lc != t) {
			uint32_t nres = sc->nres;
			if ((rc = hnsw_scratch_begin(x, sc)) != 0)
				return rc;
			sc->nres = nres;
			sc->visited[s] = sc->epoch;
			for (uint32_t i = 0; i < nres; i++)
				sc->visited[sc->res[i].slot] = sc->epoch;
		}
		if ((rc = hnsw_search_layer(x, sc, q, x->efc, lc, NULL, NULL,
					    HNSW_Q_BUILD)) != 0)
			return rc;
		/* W sorted ascending: the heuristic's input, and the next
		 * level's entry points (read as a list, not a heap). */
		vx_heap_sort_ascending(sc->res, sc->nres);
		sc->plan_off[lc] = sc->nplan;
		sc->plan_n[lc] = sc->nres;
		for (uint32_t i = 0; i < sc->nres; i++)
			if ((rc = hnsw_pair_push(x->host, &sc->plan, &sc->nplan,
						 &sc->pcap, sc->res[i], false,
						 false)) != 0)
				return rc;
	}
	*first = t;
	return 0;
}

/* Link slot s from the plan, levels first..0. */
static int apply_plan(struct hnsw_index *x, struct hnsw_scratch *sc, uint32_t s,
		      int first)
{
	uint32_t nb[100];
	for (int lc = first; lc >= 0; lc--) {
		const struct vx_pair *c = sc->plan + sc->plan_off[lc];
		uint32_t n = hnsw_select(x, c, sc->plan_n[lc], x->M, nb);
		uint32_t *l = hnsw_links(x, s, lc);
		pthread_mutex_lock(hnsw_link_lock(x, s));
		if (l[0] == 0) {
			hnsw_lset(l, nb, n);
		} else {
			/* Another insert got to s on this level already (a
			 * walk that came down to s from a level s is linked
			 * on) and linked s to its node, which may be the only
			 * way in to that one: keep those, add ours. */
			uint32_t all[2 * 100], m = l[0];
			memcpy(all, l + 1, m * sizeof(uint32_t));
			for (uint32_t i = 0; i < n; i++)
				if (m < hnsw_max_links(x, lc) &&
				    !kept_in(all, m, nb[i]))
					all[m++] = nb[i];
			hnsw_lset(l, all, m);
		}
		pthread_mutex_unlock(hnsw_link_lock(x, s));
		int rc = link_level(x, sc, s, lc, nb, n);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int hnsw_link_node(struct hnsw_index *x, struct hnsw_scratch *sc, uint32_t s,
		   int level)
{
	pthread_mutex_lock(hnsw_link_lock(x, s));
	hnsw_touch(x, s);
	pthread_mutex_unlock(hnsw_link_lock(x, s));
	pthread_mutex_lock(&x->entry_lock);
	uint32_t ep = x->entry;
	int top = x->max_level;
	if (ep == HNSW_NONE) {
		x->entry = s;
		x->max_level = level;
	}
	pthread_mutex_unlock(&x->entry_lock);
	if (ep == HNSW_NONE)
		return 0;
	int first, rc;
	if ((rc = plan_links(x, sc, s, ep, top, level, &first)) != 0 ||
	    (rc = apply_plan(x, sc, s, first)) != 0)
		return rc;
	/* Linked on every level it shares with the graph: a higher one
	 * makes it the entry. */
	pthread_mutex_lock(&x->entry_lock);
	if (level > x->max_level) {
		x->entry = s;
		x->max_level = level;
	}
	pthread_mutex_unlock(&x->entry_lock);
	return 0;
}

/* Under the shared lock: whether id has a live (not removed) node. */
static bool id_live(struct hnsw_index *x, uint64_t id, uint32_t *slot)
{
	uint32_t old = vx_idmap_get(&x->map, id);
	*slot = old;
	return old != VX_MAP_EMPTY && !(hnsw_flags(x, old) & HNSW_DEAD);
}

/* Under the shared lock: a slot for an insert, growing the arrays (under
 * the exclusive lock, the shared one let go meanwhile) when full. On
 * failure up is freed; else the slot owns it. */
static int take_slot(struct hnsw_index *x, int level, uint32_t *up,
		     uint32_t *out)
{
	int rc;
	while ((rc = hnsw_slot_take(x, level, up, out)) == 1) {
		pthread_rwlock_unlock(&x->lock);
		pthread_rwlock_wrlock(&x->lock);
		rc = x->nfree == 0 && x->n == x->cap ? hnsw_reserve(x) : 0;
		pthread_rwlock_unlock(&x->lock);
		pthread_rwlock_rdlock(&x->lock);
		if (rc != 0)
			break;
	}
	if (rc != 0)
		vx_free(x->host, up);
	return rc;
}

int hnsw_insert(void *index, const struct alopex_index_kv *kv, uint64_t id,
		const float *vec, alopex_diag *diag)
{
	struct hnsw_index *x = index;
	const struct alopex_host *h = x->host;
	struct hnsw_scratch *sc = NULL;
	uint32_t old, s;
	int rc;
	if ((rc = hnsw_scratch_get(x, &sc)) != 0)
		return h->diag_set(diag, rc, NULL, "hnsw: out of memory");
	if (vx_prepare(x->k, x->metric, vec, sc->q, x->dim) != 0) {
		hnsw_scratch_put(x, sc);
		return h->diag_set(diag, ALOPEX_EINVAL, NULL,
				   "hnsw: vector %llu cannot be indexed for "
				   "this metric (zero or non-finite)",
				   (unsigned long long)id);
	}

	int level = hnsw_random_level(x);
	pthread_rwlock_rdlock(&x->lock);
	pthread_mutex_lock(&x->map_lock);
	bool live = id_live(x, id, &old);
	pthread_mutex_unlock(&x->map_lock);
	pthread_rwlock_unlock(&x->lock);
	if (live) {
		hnsw_scratch_put(x, sc);
		return h->diag_set(diag, ALOPEX_EEXIST, NULL,
				   "hnsw: id %llu is already indexed",
				   (unsigned long long)id);
	}
	/* The record first, outside the lock: a KV write may wait. */
	uint64_t stamp = hnsw_next_stamp(x);
	if (kv != NULL &&
	    (rc = hnsw_store_node(x, kv, id, level, stamp, sc->q)) != 0) {
		hnsw_scratch_put(x, sc);
		return h->diag_set(diag, rc, NULL,
				   "hnsw: cannot store node %llu",
				   (unsigned long long)id);
	}
	uint32_t *up = NULL;
	if (level > 0 && (up = vx_alloc(h, (size_t)level * (x->M + 1) *
						   sizeof(uint32_t))) == NULL) {
		rc = h->diag_set(diag, ALOPEX_ENOMEM, NULL,
				 "hnsw: out of memory");
		goto drop;
	}

	pthread_rwlock_rdlock(&x->lock);
	if ((rc = take_slot(x, level, up, &s)) != 0) {
		pthread_rwlock_unlock(&x->lock);
		rc = h->diag_set(diag, rc, NULL, "hnsw: out of memory");
		goto drop;
	}
	memcpy(hnsw_vec_mut(x, s), sc->q, x->dim * sizeof(float));
	x->ids[s] = id;
	x->stamps[s] = stamp;
	rc = hnsw_link_node(x, sc, s, level);
	pthread_mutex_lock(&x->map_lock);
	if (rc == 0 && id_live(x, id, &old))
		/* Only memory-only inserts of one id can race here: with
		 * KV the second writer of the record gets ECONFLICT. */
		rc = h->diag_set(diag, ALOPEX_EEXIST, NULL,
				 "hnsw: id %llu is already indexed",
				 (unsigned long long)id);
	else if (rc == 0 && (rc = vx_idmap_put(h, &x->map, id, s)) != 0)
		rc = h->diag_set(diag, rc, NULL, "hnsw: out of memory");
	else if (rc != 0)
		rc = h->diag_set(diag, rc, NULL, "hnsw: out of memory");
	if (rc == 0) {
		/* Inserted again after a remove: the old node loses its
		 * id, vacuum frees it; until then old snapshots may still
		 * find it. */
		if (old != VX_MAP_EMPTY)
			__atomic_fetch_or(&x->flags[old], HNSW_ORPHAN,
					  __ATOMIC_RELEASE);
		hnsw_set_flags(x, s, 0);
		__atomic_add_fetch(&x->live, 1, __ATOMIC_RELAXED);
	} else {
		/* Half linked: keep it as a removed node (vacuum frees it). */
		hnsw_set_flags(x, s, HNSW_DEAD | HNSW_ORPHAN | HNSW_VOID);
		__atomic_add_fetch(&x->dead, 1, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&x->map_lock);
	pthread_rwlock_unlock(&x->lock);
drop:
	hnsw_scratch_put(x, sc);
	/* Failed: take the record back out of the caller's transaction. */
	if (rc != 0 && kv != NULL)
		(void)hnsw_drop_node(x, kv, id);
	return rc;
}

int hnsw_remove(void *index, const struct alopex_index_kv *kv, uint64_t id,
		alopex_diag *diag)
{
	struct hnsw_index *x = index;
	pthread_rwlock_wrlock(&x->lock);
	uint32_t s = vx_idmap_get(&x->map, id);
	if (s == VX_MAP_EMPTY || (x->flags[s] & HNSW_DEAD)) {
		pthread_rwlock_unlock(&x->lock);
		return x->host->diag_set(diag, ALOPEX_ENOTFOUND, NULL,
					 "hnsw: id %llu is not indexed",
					 (unsigned long long)id);
	}
	/* Links stay: the node is walked through, and old snapshots may
	 * still find it, until a vacuum reclaims it. */
	x->flags[s] |= HNSW_DEAD;
	x->live--;
	x->dead++;
	pthread_rwlock_unlock(&x->lock);
	int rc = kv != NULL ? hnsw_drop_node(x, kv, id) : 0;
	if (rc != 0) {
		hnsw_restore(x, id);
		rc = x->host->diag_set(diag, rc, NULL,
				       "hnsw: cannot remove node %llu",
				       (unsigned long long)id);
	}
	return rc;
}

void hnsw_forget(void *index, uint64_t id)
{
	struct hnsw_index *x = index;
	pthread_rwlock_wrlock(&x->lock);
	uint32_t s = vx_idmap_get(&x->map, id);
	if (s != VX_MAP_EMPTY) {
		if (!(x->flags[s] & HNSW_DEAD)) {
			x->live--;
			x->dead++;
		}
		/* Never committed: never returned, always reclaimable. */
		x->flags[s] |= HNSW_DEAD | HNSW_ORPHAN | HNSW_VOID;
		vx_idmap_del(&x->map, id);
	}
	pthread_rwlock_unlock(&x->lock);
}

void hnsw_restore(void *index, uint64_t id)
{
	struct hnsw_index *x = index;
	pthread_rwlock_wrlock(&x->lock);
	uint32_t s = vx_idmap_get(&x->map, id);
	if (s != VX_MAP_EMPTY && (x->flags[s] & HNSW_DEAD) &&
	    !(x->flags[s] & HNSW_ORPHAN)) {
		x->flags[s] &= (uint8_t)~HNSW_DEAD;
		x->live++;
		x->dead--;
	}
	pthread_rwlock_unlock(&x->lock);
}

int hnsw_build(void *index, const struct alopex_index_kv *kv,
	       alopex_index_source_fn source, void *source_arg,
	       alopex_index_progress_fn progress, void *progress_arg,
	       alopex_diag *diag)
{
	uint64_t id, done = 0;
	const float *v;
	int rc;
	while ((rc = source(source_arg, &id, &v)) == ALOPEX_ROW) {
		if ((rc = hnsw_insert(index, kv, id, v, diag)) != 0)
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
