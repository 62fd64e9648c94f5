/*
 * Search: greedy descent through the upper levels, then the layer-0 beam
 * search (SEARCH-LAYER with ef) with removed and filtered-out nodes walked
 * through but never returned. When the reachable graph runs out before k
 * admissible nodes are found (removals can cut parts off until vacuum),
 * an exact pass over the unvisited nodes fills up, so a search never comes
 * up short while k matching ids exist.
 */
#include <stddef.h>
#include <string.h>

#include "hnsw_internal.h"

uint32_t hnsw_greedy(const struct hnsw_index *x, const float *q, uint32_t ep,
		     float *epd, int lc)
{
	float best = *epd;
	for (bool changed = true; changed;) {
		changed = false;
		const uint32_t *l = hnsw_links(x, ep, lc);
		uint32_t cnt = hnsw_lload(l);
		for (uint32_t i = 1; i <= cnt; i++) {
			uint32_t t = hnsw_lload(l + i);
			float d = hnsw_dist(x, q, t);
			if (d < best) {
				best = d;
				ep = t;
				changed = true;
			}
		}
	}
	*epd = best;
	return ep;
}

static inline bool admissible(const struct hnsw_index *x, uint32_t s,
			      alopex_index_filter_fn filter, void *arg,
			      uint32_t qflags)
{
	uint8_t f = hnsw_flags(x, s);
	/* Removed: only for an old snapshot, and never an insert that
	 * did not commit. Being inserted: only for another insert. */
	if ((f & HNSW_DEAD) &&
	    (!(qflags & ALOPEX_INDEX_QUERY_INCLUDE_REMOVED) || (f & HNSW_VOID)))
		return false;
	if ((f & HNSW_NEW) && !(qflags & HNSW_Q_BUILD))
		return false;
	return filter == NULL || filter(arg, x->ids[s]);
}

int hnsw_search_layer(struct hnsw_index *x, struct hnsw_scratch *sc,
		      const float *q, uint32_t ef, int lc,
		      alopex_index_filter_fn filter, void *filter_arg,
		      uint32_t qflags)
{
	const struct alopex_host *h = x->host;
	uint16_t *visited = sc->visited, epoch = sc->epoch;
	int rc;
	/* The entry points come in sc->res; admit the admissible ones. */
	uint32_t neps = sc->nres;
	sc->ncand = 0;
	for (uint32_t i = 0; i < neps; i++)
		if ((rc = hnsw_pair_push(h, &sc->cand, &sc->ncand, &sc->ccap,
					 sc->res[i], true, false)) != 0)
			return rc;
	sc->nres = 0;
	for (uint32_t i = 0; i < sc->ncand; i++) {
		struct vx_pair e = sc->cand[i];
		if (admissible(x, e.slot, filter, filter_arg, qflags) &&
		    (rc = hnsw_pair_push(h, &sc->res, &sc->nres, &sc->rcap, e,
					 true, true)) != 0)
			return rc;
	}
	while (sc->nres > ef)
		vx_heap_pop(sc->res, &sc->nres, true);

	while (sc->ncand > 0) {
		struct vx_pair c = vx_heap_pop(sc->cand, &sc->ncand, false);
		if (sc->nres >= ef && c.d > sc->res[0].d)
			break;
		const uint32_t *l = hnsw_links(x, c.slot, lc);
		/* Lock-free: the count, then no entry past it. */
		uint32_t cnt = hnsw_lload(l);
		uint32_t next = cnt > 0 ? hnsw_lload(l + 1) : 0;
		/* The walk is bound by memory latency: ask for the next
		 * neighbour's mark and vector while this one is measured. */
		if (cnt > 0) {
			__builtin_prefetch(&visited[next]);
			__builtin_prefetch(hnsw_vec(x, next));
			__builtin_prefetch(l + 16);
		}
		for (uint32_t i = 1; i <= cnt; i++) {
			uint32_t e = next;
			if (i < cnt) {
				next = hnsw_lload(l + i + 1);
				__builtin_prefetch(&visited[next]);
				__builtin_prefetch(hnsw_vec(x, next));
			}
			if (visited[e] == epoch)
				continue;
			visited[e] = epoch;
			float d = hnsw_dist(x, q, e);
			if (sc->nres < ef || d < sc->res[0].d) {
				struct vx_pair p = {d, e};
				if ((rc = hnsw_pair_push(h, &sc->cand,
							 &sc->ncand, &sc->ccap,
							 p, true, false)) != 0)
					return rc;
				/* The next node to expand: its list. */
				if (lc == 0)
					__builtin_prefetch(
						hnsw_l0(x, sc->cand[0].slot));
				if (!admissible(x, e, filter, filter_arg,
						qflags))
					continue;
				if ((rc = hnsw_pair_push(h, &sc->res, &sc->nres,
							 &sc->rcap, p, true,
							 true)) != 0)
					return rc;
				if (sc->nres > ef)
					vx_heap_pop(sc->res, &sc->nres, true);
			}
		}
	}
	return 0;
}

/* Exact pass over the nodes the walk never reached. */
static int fill_unvisited(struct hnsw_index *x, struct hnsw_scratch *sc,
			  const float *q, uint32_t ef,
			  alopex_index_filter_fn filter, void *arg,
			  uint32_t qflags)
{
	/* Slots past n, or HNSW_NEW, may be mid-insert: not looked at. */
	uint32_t n = __atomic_load_n(&x->n, __ATOMIC_ACQUIRE);
	for (uint32_t s = 0; s < n; s++) {
		if (sc->visited[s] == sc->epoch ||
		    (hnsw_flags(x, s) & (HNSW_FREE | HNSW_NEW)) ||
		    !admissible(x, s, filter, arg, qflags))
			continue;
		struct vx_pair p = {hnsw_dist(x, q, s), s};
		if (sc->nres >= ef && !vx_before(sc->res[0], p, true))
			continue;
		int rc = hnsw_pair_push(x->host, &sc->res, &sc->nres, &sc->rcap,
					p, true, true);
		if (rc != 0)
			return rc;
		if (sc->nres > ef)
			vx_heap_pop(sc->res, &sc->nres, true);
	}
	return 0;
}

int hnsw_search(void *index, const struct alopex_index_query *q,
		struct alopex_index_result *out, uint32_t *count,
		alopex_diag *diag)
{
	struct hnsw_index *x = index;
	const struct alopex_host *h = x->host;
	struct hnsw_scratch *sc = NULL;
	int rc = 0;
	if (q->k == 0) {
		*count = 0;
		return 0;
	}
	if ((rc = hnsw_scratch_get(x, &sc)) != 0)
		return h->diag_set(diag, rc, NULL, "hnsw: out of memory");
	if (vx_prepare(x->k, x->metric, q->vec, sc->q, x->dim) != 0) {
		/* A zero cosine query has no direction: nothing is close. */
		hnsw_scratch_put(x, sc);
		*count = 0;
		return 0;
	}
	uint32_t ef = q->ef != 0 ? q->ef : x->ef_search;
	uint32_t qflags =
		q->size >= offsetof(struct alopex_index_query, flags) +
					sizeof(q->flags)
			? q->flags
			: 0;
	qflags &= ~HNSW_Q_BUILD;
	if (ef < q->k)
		ef = q->k;

	pthread_rwlock_rdlock(&x->lock);
	uint32_t n = 0, ep;
	int top;
	hnsw_entry_get(x, &ep, &top);
	if (ep == HNSW_NONE)
		goto done;
	if ((rc = hnsw_scratch_begin(x, sc)) != 0)
		goto done;
	float epd = hnsw_dist(x, sc->q, ep);
	for (int lc = top; lc > 0; lc--)
		ep = hnsw_greedy(x, sc->q, ep, &epd, lc);
	sc->visited[ep] = sc->epoch;
	if ((rc = hnsw_pair_push(h, &sc->res, &sc->nres, &sc->rcap,
				 (struct vx_pair){epd, ep}, true, true)) != 0)
		goto done;
	rc = hnsw_search_layer(x, sc, sc->q, ef, 0, q->filter, q->filter_arg,
			       qflags);
	if (rc == 0 && sc->nres < q->k)
		rc = fill_unvisited(x, sc, sc->q, ef, q->filter, q->filter_arg,
				    qflags);
	if (rc != 0)
		goto done;
	/* Only the k nearest are returned: drop the rest before sorting. */
	while (sc->nres > q->k)
		vx_heap_pop(sc->res, &sc->nres, true);
	vx_heap_sort_ascending(sc->res, sc->nres);
	n = sc->nres < q->k ? sc->nres : q->k;
	for (uint32_t i = 0; i < n; i++) {
		out[i].id = x->ids[sc->res[i].slot];
		out[i].distance = vx_output_distance(x->metric, sc->res[i].d);
	}
done:
	pthread_rwlock_unlock(&x->lock);
	hnsw_scratch_put(x, sc);
	if (rc != 0)
		return h->diag_set(diag, rc, NULL, "hnsw: out of memory");
	*count = n;
	return 0;
}
