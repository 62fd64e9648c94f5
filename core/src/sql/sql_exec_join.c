/* Joins: nested loop (materialised or parameterised inner side), hash. */
#include <string.h>

#include "sql/sql_exec_int.h"

/* Keep the inner side's slots of a row. */
static int keep_right(struct alx_node *n, const struct alx_value *r,
		      struct alx_value **out)
{
	const struct alx_plan *p = n->p;
	return alx_exec_keep_row(n, r + p->rlo, p->rhi - p->rlo, out);
}

static int push_row(struct alx_node *n, struct alx_value *v)
{
	if (n->nrows == n->cap) {
		uint32_t cap = n->cap ? n->cap * 2 : 64;
		struct alx_value **rows =
			alx_arena_alloc(&n->keep, cap * sizeof(*rows));
		if (rows == NULL)
			return alx_exec_oom(n->ex);
		if (n->nrows > 0)
			memcpy(rows, n->rows, n->nrows * sizeof(*rows));
		n->rows = rows;
		n->cap = cap;
	}
	n->rows[n->nrows++] = v;
	return 0;
}

static void combine(struct alx_node *n, const struct alx_value *left,
		    const struct alx_value *right_slots)
{
	const struct alx_plan *p = n->p;
	if (left != n->row)
		memcpy(n->row, left, p->width * sizeof(*n->row));
	uint32_t w = p->rhi - p->rlo;
	if (right_slots != NULL) {
		memcpy(n->row + p->rlo, right_slots, w * sizeof(*n->row));
	} else {
		for (uint32_t i = 0; i < w; i++)
			n->row[p->rlo + i] =
				alx_value_null(p->slot_types[p->rlo + i].id);
	}
}

static int quals_ok(struct alx_node *n, int *ok)
{
	struct alx_ev ev = n->ev;
	ev.row = n->row;
	return alx_eval_quals(&ev, n->p->quals, n->p->nquals, ok);
}

static int materialize_right(struct alx_node *n)
{
	for (;;) {
		const struct alx_value *r;
		int rc = alx_node_next(n->right, &r);
		if (rc == ALOPEX_DONE)
			break;
		if (rc != ALOPEX_ROW)
			return rc;
		struct alx_value *k;
		rc = keep_right(n, r, &k);
		if (rc == 0)
			rc = push_row(n, k);
		if (rc != 0)
			return rc;
	}
	n->done = false;
	return 0;
}

static int next_left(struct alx_node *n)
{
	const struct alx_value *l;
	int rc = alx_node_next(n->child, &l);
	if (rc != ALOPEX_ROW)
		return rc;
	n->lrow = l;
	n->lmatched = false;
	n->pos = 0;
	alx_arena_reset(&n->rowa);
	return ALOPEX_ROW;
}

static int nestloop_next(struct alx_node *n, const struct alx_value **row)
{
	bool outer = n->p->join == ALX_SQL_JOIN_LEFT;
	if (!n->p->param_right && n->rows == NULL && n->cap == 0) {
		int rc = materialize_right(n);
		if (rc != 0)
			return rc;
		n->cap = n->cap ? n->cap : 1; /* materialised, maybe empty */
	}
	for (;;) {
		int rc;
		if (n->lrow == NULL) {
			rc = next_left(n);
			if (rc != ALOPEX_ROW)
				return rc;
			if (n->p->param_right) {
				rc = alx_node_rescan(n->right, n->lrow);
				if (rc != 0)
					return rc;
			}
		}
		for (;;) {
			const struct alx_value *rs = NULL;
			if (n->p->param_right) {
				const struct alx_value *r;
				rc = alx_node_next(n->right, &r);
				if (rc == ALOPEX_DONE)
					break;
				if (rc != ALOPEX_ROW)
					return rc;
				rs = r + n->p->rlo;
			} else {
				if (n->pos >= n->nrows)
					break;
				rs = n->rows[n->pos++];
			}
			combine(n, n->lrow, rs);
			int ok = 1;
			rc = quals_ok(n, &ok);
			if (rc != 0)
				return rc;
			if (ok) {
				n->lmatched = true;
				*row = n->row;
				return ALOPEX_ROW;
			}
		}
		const struct alx_value *l = n->lrow;
		n->lrow = NULL;
		if (outer && !n->lmatched) {
			combine(n, l, NULL);
			*row = n->row;
			return ALOPEX_ROW;
		}
	}
}

static int eval_keys(struct alx_node *n, struct alx_bx *const *exprs,
		     const struct alx_value *row, struct alx_arena *a,
		     struct alx_value *out, bool *has_null)
{
	struct alx_ev ev = n->ev;
	ev.row = row;
	ev.a = a;
	*has_null = false;
	for (uint32_t i = 0; i < n->p->nkeys; i++) {
		int rc = alx_eval(&ev, exprs[i], &out[i]);
		if (rc != 0)
			return rc;
		if (out[i].null)
			*has_null = true;
	}
	return 0;
}

static int hash_build(struct alx_node *n)
{
	const struct alx_plan *p = n->p;
	n->ht = alx_htab_create(n->ex, &n->keep, p->nkeys);
	n->keys = alx_arena_calloc(&n->keep, p->nkeys + 1, sizeof(*n->keys));
	if (n->ht == NULL || n->keys == NULL)
		return alx_exec_oom(n->ex);
	for (;;) {
		const struct alx_value *r;
		int rc = alx_node_next(n->right, &r);
		if (rc == ALOPEX_DONE)
			break;
		if (rc != ALOPEX_ROW)
			return rc;
		alx_arena_reset(&n->rowa);
		bool has_null;
		rc = eval_keys(n, p->rkeys, r, &n->rowa, n->keys, &has_null);
		if (rc != 0)
			return rc;
		if (has_null)
			continue; /* never equal to anything */
		struct alx_htab_entry *e;
		rc = alx_htab_add(n->ht, n->keys, &e);
		if (rc != 0)
			return rc;
		struct alx_value *k;
		rc = keep_right(n, r, &k);
		if (rc != 0)
			return rc;
		e->data = k;
	}
	return 0;
}

static int hashjoin_next(struct alx_node *n, const struct alx_value **row)
{
	bool outer = n->p->join == ALX_SQL_JOIN_LEFT;
	if (n->ht == NULL) {
		int rc = hash_build(n);
		if (rc != 0)
			return rc;
	}
	for (;;) {
		int rc;
		struct alx_htab_entry *e = n->chain;
		if (n->lrow == NULL) {
			rc = next_left(n);
			if (rc != ALOPEX_ROW)
				return rc;
			bool has_null;
			rc = eval_keys(n, n->p->lkeys, n->lrow, &n->rowa,
				       n->keys, &has_null);
			if (rc != 0)
				return rc;
			e = NULL;
			if (!has_null) {
				bool created;
				rc = alx_htab_get(n->ht, n->keys, false, &e,
						  &created);
				if (rc != 0)
					return rc;
			}
		} else if (e != NULL) {
			e = alx_htab_next_same(n->ht, e, n->keys);
		}
		while (e != NULL) {
			n->chain = e;
			combine(n, n->lrow, e->data);
			int ok = 1;
			rc = quals_ok(n, &ok);
			if (rc != 0)
				return rc;
			if (ok) {
				n->lmatched = true;
				*row = n->row;
				return ALOPEX_ROW;
			}
			e = alx_htab_next_same(n->ht, e, n->keys);
		}
		n->chain = NULL;
		const struct alx_value *l = n->lrow;
		n->lrow = NULL;
		if (outer && !n->lmatched) {
			combine(n, l, NULL);
			*row = n->row;
			return ALOPEX_ROW;
		}
	}
}

int alx_exec_join_next(struct alx_node *n, const struct alx_value **row)
{
	if (n->p->kind == ALX_P_HASHJOIN)
		return hashjoin_next(n, row);
	return nestloop_next(n, row);
}
