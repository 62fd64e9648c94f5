/*
 * ORDER BY: a full sort (stable merge sort of kept rows), or with LIMIT a
 * bounded top-k heap that never holds more than LIMIT + OFFSET rows. The
 * full sort also does DISTINCT ON: sorted, each group's rows are adjacent.
 */
#include <string.h>

#include "db/db_internal.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_exec_int.h"

static int row_cmp(const struct alx_plan *p, const struct alx_value *a,
		   const struct alx_value *b)
{
	for (uint32_t i = 0; i < p->nsort; i++) {
		const struct alx_sortkey *k = &p->keys[i];
		int c = alx_value_sort_cmp(&a[k->col], &b[k->col], k->desc,
					   k->nulls_first);
		if (c != 0)
			return c;
	}
	return 0;
}

static void merge_sort(const struct alx_plan *p, struct alx_value **v,
		       struct alx_value **tmp, uint32_t n)
{
	if (n < 2)
		return;
	uint32_t h = n / 2;
	merge_sort(p, v, tmp, h);
	merge_sort(p, v + h, tmp, n - h);
	uint32_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = row_cmp(p, v[j], v[i]) < 0 ? v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

/* DISTINCT ON: whether two rows fall in the same group (NULLs equal). */
static bool same_group(const struct alx_plan *p, const struct alx_value *a,
		       const struct alx_value *b)
{
	for (uint32_t i = 0; i < p->nunique; i++) {
		uint32_t c = p->unique_cols[i];
		if (alx_value_sort_cmp(&a[c], &b[c], false, false) != 0)
			return false;
	}
	return true;
}

/* Keep the first row of each run of sorted rows of one group. */
static void keep_group_firsts(const struct alx_plan *p, struct alx_node *n)
{
	uint32_t m = 0;
	for (uint32_t i = 0; i < n->nrows; i++)
		if (m == 0 || !same_group(p, n->rows[m - 1], n->rows[i]))
			n->rows[m++] = n->rows[i];
	n->nrows = m;
}

int alx_exec_sort_next(struct alx_node *n, const struct alx_value **row)
{
	if (n->rows == NULL && n->cap == 0) {
		for (;;) {
			const struct alx_value *r;
			int rc = alx_node_next(n->child, &r);
			if (rc == ALOPEX_DONE)
				break;
			if (rc != ALOPEX_ROW)
				return rc;
			rc = alx_exec_tick(n->ex);
			if (rc != 0)
				return rc;
			struct alx_value *k;
			rc = alx_exec_keep_row(n, r, n->p->width, &k);
			if (rc != 0)
				return rc;
			if (n->nrows == n->cap) {
				uint32_t cap = n->cap ? n->cap * 2 : 256;
				struct alx_value **v = alx_arena_alloc(
					&n->keep, cap * sizeof(*v));
				if (v == NULL)
					return alx_exec_oom(n->ex);
				if (n->nrows > 0)
					memcpy(v, n->rows,
					       n->nrows * sizeof(*v));
				n->rows = v;
				n->cap = cap;
			}
			n->rows[n->nrows++] = k;
		}
		if (n->nrows > 1) {
			struct alx_value **tmp = alx_malloc(
				n->ex->db->rt, n->nrows * sizeof(*tmp));
			if (tmp == NULL)
				return alx_exec_oom(n->ex);
			merge_sort(n->p, n->rows, tmp, n->nrows);
			alx_free(n->ex->db->rt, tmp);
			if (n->p->nunique > 0)
				keep_group_firsts(n->p, n);
		}
		if (n->cap == 0)
			n->cap = 1; /* sorted, maybe empty */
		n->pos = 0;
	}
	if (n->pos >= n->nrows)
		return ALOPEX_DONE;
	*row = n->rows[n->pos++];
	return ALOPEX_ROW;
}

/* ---- top-k -------------------------------------------------------------------- */

/* Max-heap by sort order: the root is the worst row kept. */
static void sift_down(const struct alx_plan *p, struct alx_rowblob **h,
		      uint32_t n, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && row_cmp(p, h[l]->v, h[m]->v) > 0)
			m = l;
		if (r < n && row_cmp(p, h[r]->v, h[m]->v) > 0)
			m = r;
		if (m == i)
			return;
		struct alx_rowblob *t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void sift_up(const struct alx_plan *p, struct alx_rowblob **h,
		    uint32_t i)
{
	while (i > 0) {
		uint32_t parent = (i - 1) / 2;
		if (row_cmp(p, h[i]->v, h[parent]->v) <= 0)
			return;
		struct alx_rowblob *t = h[i];
		h[i] = h[parent];
		h[parent] = t;
		i = parent;
	}
}

static int topk_consume(struct alx_node *n)
{
	const struct alx_plan *p = n->p;
	struct alx_exec *ex = n->ex;
	int64_t k = n->limit < 0 ? -1 : n->limit + n->offset;
	if (k == 0)
		return 0;
	uint32_t cap = k > 0 && k < 1024 ? (uint32_t)k : 1024;
	n->heap = alx_malloc(ex->db->rt, cap * sizeof(*n->heap));
	if (n->heap == NULL)
		return alx_exec_oom(ex);
	n->cap = cap;
	for (;;) {
		const struct alx_value *r;
		int rc = alx_node_next(n->child, &r);
		if (rc == ALOPEX_DONE)
			break;
		if (rc != ALOPEX_ROW)
			return rc;
		rc = alx_exec_tick(ex);
		if (rc != 0)
			return rc;
		if (k >= 0 && (int64_t)n->nrows == k) {
			if (row_cmp(p, r, n->heap[0]->v) >= 0)
				continue;
			struct alx_rowblob *b =
				alx_rowblob_make(ex, r, p->width);
			if (b == NULL)
				return alx_exec_oom(ex);
			alx_rowblob_free(ex, n->heap[0]);
			n->heap[0] = b;
			sift_down(p, n->heap, n->nrows, 0);
			continue;
		}
		if (n->nrows == n->cap) {
			uint32_t nc = n->cap * 2;
			struct alx_rowblob **h = alx_realloc(
				ex->db->rt, n->heap, nc * sizeof(*h));
			if (h == NULL)
				return alx_exec_oom(ex);
			n->heap = h;
			n->cap = nc;
		}
		struct alx_rowblob *b = alx_rowblob_make(ex, r, p->width);
		if (b == NULL)
			return alx_exec_oom(ex);
		n->heap[n->nrows] = b;
		sift_up(p, n->heap, n->nrows);
		n->nrows++;
	}
	/* Heap to sorted order: repeatedly move the worst to the end. */
	for (uint32_t m = n->nrows; m > 1; m--) {
		struct alx_rowblob *t = n->heap[0];
		n->heap[0] = n->heap[m - 1];
		n->heap[m - 1] = t;
		sift_down(p, n->heap, m - 1, 0);
	}
	return 0;
}

int alx_exec_topk_next(struct alx_node *n, const struct alx_value **row)
{
	if (!n->done && n->heap == NULL && n->nrows == 0) {
		int rc = topk_consume(n);
		if (rc != 0)
			return rc;
		n->done = true;
		n->pos =
			(uint32_t)(n->offset < n->nrows ? n->offset : n->nrows);
	}
	if (n->pos >= n->nrows)
		return ALOPEX_DONE;
	*row = n->heap[n->pos++]->v;
	return ALOPEX_ROW;
}
