/*
 * Vacuum: repair the links around removed nodes, then reclaim them.
 *
 * The nodes to reclaim are marked first (HNSW_RECLAIM): every removed node
 * the caller's reclaim callback accepts (all for plain vacuum), and every
 * insert that never committed. Removed nodes it does not accept stay in
 * the graph, linked, so that a snapshot older than their removal still
 * finds them (ALOPEX_INDEX_QUERY_INCLUDE_REMOVED).
 *
 * For every remaining node with a marked neighbour on some level, the
 * list keeps its unmarked neighbours and fills the marked ones' places,
 * with the same heuristic, from the unmarked neighbours of the marked
 * ones (the detour the marked node used to provide); each of those gets
 * a link from its nearest neighbour (hnsw_anchor), and a node only the
 * marked ones reached is linked in again (hnsw_connect). Then nothing
 * points at a marked node, and marked slots go back on the free list; the
 * link records of the freed ids are deleted by the next checkpoint.
 */
#include <string.h>

#include "hnsw_internal.h"

int hnsw_repair(struct hnsw_index *x, struct hnsw_scratch *sc, uint32_t s,
		int lc)
{
	uint32_t *l = hnsw_links(x, s, lc);
	uint32_t n = 0, old = l[0];
	for (uint32_t i = 1; i <= old; i++)
		if (x->flags[l[i]] & HNSW_RECLAIM)
			n++;
	if (n == 0)
		return 0;
	int rc = hnsw_scratch_begin(x, sc);
	if (rc != 0)
		return rc;
	const float *v = hnsw_vec(x, s);
	sc->visited[s] = sc->epoch;
	/* The live links stay: dropping one could cut off a node that only
	 * s links to. The reclaimed ones are the places to fill. */
	uint32_t live[2 * 100], gone[2 * 100];
	uint32_t ngone = 0;
	n = 0;
	for (uint32_t i = 1; i <= old; i++) {
		uint32_t t = l[i];
		if (x->flags[t] & HNSW_RECLAIM) {
			gone[ngone++] = t;
		} else {
			sc->visited[t] = sc->epoch;
			live[n++] = t;
		}
	}
	for (uint32_t g = 0; g < ngone; g++) {
		uint32_t t = gone[g];
		const uint32_t *via =
			lc <= x->levels[t] ? hnsw_links(x, t, lc) : NULL;
		for (uint32_t j = 1; via != NULL && j <= via[0]; j++) {
			uint32_t u = via[j];
			if (sc->visited[u] == sc->epoch ||
			    (x->flags[u] & HNSW_RECLAIM) || x->levels[u] < lc)
				continue;
			sc->visited[u] = sc->epoch;
			struct vx_pair p = {hnsw_dist(x, v, u), u};
			if ((rc = hnsw_pair_push(x->host, &sc->sel, &sc->nsel,
						 &sc->scap, p, false, false)) !=
			    0)
				return rc; /* the list as it was */
		}
	}
	/* The detours the removed nodes were, chosen with the heuristic. */
	hnsw_sort_pairs(sc->sel, sc->nsel);
	memcpy(l + 1, live, n * sizeof(uint32_t));
	n += hnsw_select(x, sc->sel, sc->nsel, hnsw_max_links(x, lc) - n,
			 l + 1 + n);
	l[0] = n;
	hnsw_touch(x, s);
	return 0;
}

void hnsw_anchor_reclaimed(struct hnsw_index *x)
{
	for (uint32_t g = 0; g < x->n; g++) {
		if (!(x->flags[g] & HNSW_RECLAIM))
			continue;
		const uint32_t *l = hnsw_l0(x, g);
		for (uint32_t i = 1; i <= l[0]; i++)
			if (!(x->flags[l[i]] & (HNSW_RECLAIM | HNSW_FREE)))
				hnsw_anchor(x, l[i]);
	}
}

/* A new entry point: the node on the highest level, live ones first. */
static void pick_entry(struct hnsw_index *x)
{
	x->entry = HNSW_NONE;
	x->max_level = -1;
	bool live = false;
	for (uint32_t s = 0; s < x->n; s++) {
		if (x->flags[s] & (HNSW_RECLAIM | HNSW_FREE))
			continue;
		bool l = !(x->flags[s] & HNSW_DEAD);
		if ((int)x->levels[s] > x->max_level ||
		    ((int)x->levels[s] == x->max_level && l && !live)) {
			x->entry = s;
			x->max_level = x->levels[s];
			live = l;
		}
	}
}

int hnsw_vacuum_some(void *index, const struct alopex_index_kv *kv,
		     alopex_index_filter_fn reclaim, void *reclaim_arg,
		     alopex_diag *diag)
{
	struct hnsw_index *x = index;
	const struct alopex_host *h = x->host;
	struct hnsw_scratch *sc = NULL;
	int rc = hnsw_scratch_get(x, &sc);
	if (rc != 0)
		return h->diag_set(diag, rc, NULL, "hnsw: out of memory");
	pthread_rwlock_wrlock(&x->lock);
	uint32_t marked = 0;
	for (uint32_t s = 0; s < x->n; s++) {
		if ((x->flags[s] & (HNSW_DEAD | HNSW_FREE)) != HNSW_DEAD)
			continue;
		if ((x->flags[s] & HNSW_VOID) || reclaim == NULL ||
		    reclaim(reclaim_arg, x->ids[s])) {
			x->flags[s] |= HNSW_RECLAIM;
			marked++;
		}
	}
	if (marked == 0)
		goto out;
	for (uint32_t s = 0; rc == 0 && s < x->n; s++) {
		if (x->flags[s] & (HNSW_RECLAIM | HNSW_FREE))
			continue;
		for (int lc = 0; rc == 0 && lc <= x->levels[s]; lc++)
			rc = hnsw_repair(x, sc, s, lc);
	}
	if (rc != 0) {
		/* Partly repaired lists are valid lists: keep them, and
		 * reclaim nothing this time. */
		for (uint32_t s = 0; s < x->n; s++)
			x->flags[s] &= (uint8_t)~HNSW_RECLAIM;
		goto out;
	}
	hnsw_anchor_reclaimed(x);
	if (x->entry != HNSW_NONE && (x->flags[x->entry] & HNSW_RECLAIM))
		pick_entry(x);
	for (uint32_t s = 0; s < x->n; s++) {
		if (!(x->flags[s] & HNSW_RECLAIM))
			continue;
		if (!(x->flags[s] & HNSW_ORPHAN)) {
			vx_idmap_del(&x->map, x->ids[s]);
			/* Out of memory: the record stays until an open
			 * finds it without a node and drops it. */
			(void)hnsw_add_garbage(x, x->ids[s]);
		}
		hnsw_slot_release(x, s);
		x->dead--;
	}
	/* A node only the reclaimed reached is linked in again. Out of
	 * memory here: the slots are freed already, so the vacuum stands;
	 * the next vacuum or open links such a node in. */
	(void)hnsw_connect(x, sc, &x->relinked);
out:
	pthread_rwlock_unlock(&x->lock);
	hnsw_scratch_put(x, sc);
	if (rc != 0)
		return h->diag_set(diag, rc, NULL, "hnsw: out of memory");
	/* The repaired lists go to KV as a checkpoint would write them. */
	return kv != NULL ? hnsw_checkpoint(x, kv, diag) : 0;
}

int hnsw_vacuum(void *index, const struct alopex_index_kv *kv,
		alopex_diag *diag)
{
	return hnsw_vacuum_some(index, kv, NULL, NULL, diag);
}
