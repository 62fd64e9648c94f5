/* The planner: access paths, join methods, the operators above them. */
#include <string.h>

#include "runtime/alx_arena.h"
#include "sql/sql_func.h"
#include "sql/sql_plan.h"
#include "sql/sql_vindex.h"

struct conj {
	struct alx_bx *e;
	bool used;
};

struct pool {
	struct conj *v;
	uint32_t n, cap;
};

static struct alx_plan *pnew(struct alx_bind_ctx *b, int kind, uint32_t width)
{
	struct alx_plan *p = alx_arena_calloc(b->a, 1, sizeof(*p));
	if (p != NULL) {
		p->kind = (uint8_t)kind;
		p->width = width;
	}
	return p;
}

static int pool_add(struct alx_bind_ctx *b, struct pool *pl, struct alx_bx *e)
{
	if (e == NULL)
		return 0;
	if (e->kind == ALX_BX_AND) {
		for (uint32_t i = 0; i < e->nargs; i++) {
			int rc = pool_add(b, pl, e->args[i]);
			if (rc != 0)
				return rc;
		}
		return 0;
	}
	if (pl->n == pl->cap) {
		uint32_t cap = pl->cap ? pl->cap * 2 : 8;
		struct conj *v = alx_arena_alloc(b->a, cap * sizeof(*v));
		if (v == NULL)
			return alx_bind_oom(b);
		if (pl->n > 0)
			memcpy(v, pl->v, pl->n * sizeof(*v));
		pl->v = v;
		pl->cap = cap;
	}
	pl->v[pl->n].e = e;
	pl->v[pl->n].used = false;
	pl->n++;
	return 0;
}

/* Whether every level-0 slot e uses lies in [lo, hi), and it uses one. */
static bool only_slots(const struct alx_bx *e, uint32_t lo, uint32_t hi,
		       bool *any)
{
	if (e->kind == ALX_BX_VAR) {
		if (e->u.var.level != 0)
			return true;
		*any = true;
		return e->u.var.slot >= lo && e->u.var.slot < hi;
	}
	for (uint32_t i = 0; i < e->nargs; i++)
		if (!only_slots(e->args[i], lo, hi, any))
			return false;
	return true;
}

static bool within(const struct alx_bx *e, uint32_t lo, uint32_t hi)
{
	bool any = false;
	return only_slots(e, lo, hi, &any) && any;
}

static bool no_slots(const struct alx_bx *e)
{
	bool any = false;
	only_slots(e, 0, 0, &any);
	return !any;
}

/* The slots of RTEs [rlo, rhi). A DML target's key slot (at the end of
 * the FROM row) is no column: no condition names it. */
static void slot_range(const struct alx_bq *q, uint32_t rlo, uint32_t rhi,
		       uint32_t *lo, uint32_t *hi)
{
	*lo = q->rtes[rlo]->off;
	const struct alx_rte *last = q->rtes[rhi - 1];
	*hi = last->off + last->ncols;
}

static int set_quals(struct alx_bind_ctx *b, struct alx_plan *p,
		     struct alx_bx **v, uint32_t n)
{
	if (n == 0)
		return 0;
	p->quals = alx_arena_alloc(b->a, n * sizeof(*v));
	if (p->quals == NULL)
		return alx_bind_oom(b);
	memcpy(p->quals, v, n * sizeof(*v));
	p->nquals = n;
	return 0;
}

/* Take the unused conjuncts within [lo, hi) into a list. */
static int take(struct alx_bind_ctx *b, struct pool *pl, uint32_t lo,
		uint32_t hi, struct alx_bx ***out, uint32_t *n)
{
	*n = 0;
	*out = alx_arena_calloc(b->a, pl->n + 1, sizeof(**out));
	if (*out == NULL)
		return alx_bind_oom(b);
	for (uint32_t i = 0; i < pl->n; i++) {
		if (pl->v[i].used || !within(pl->v[i].e, lo, hi))
			continue;
		pl->v[i].used = true;
		(*out)[(*n)++] = pl->v[i].e;
	}
	return 0;
}

/* ---- access paths --------------------------------------------------------- */

static bool key_compatible(int col, int val)
{
	if (col == val)
		return true;
	bool ci = col == ALX_T_INT2 || col == ALX_T_INT4 || col == ALX_T_INT8;
	bool vi = val == ALX_T_INT2 || val == ALX_T_INT4 || val == ALX_T_INT8;
	if (ci && vi)
		return true;
	bool cs = col == ALX_T_TEXT || col == ALX_T_VARCHAR;
	bool vs = val == ALX_T_TEXT || val == ALX_T_VARCHAR;
	return cs && vs;
}

/*
 * A conjunct `slot op expr` (either side) where expr is usable as a key
 * value: no slots of [lo, hi) and, unless params_ok, no level-0 slots.
 */
static bool key_conj(const struct alx_bx *e, uint32_t slot, uint32_t lo,
		     uint32_t hi, bool params_ok, int *cmp, struct alx_bx **val)
{
	if (e->kind != ALX_BX_CMP || e->u.op.code == ALX_CMP_NE)
		return false;
	for (int side = 0; side < 2; side++) {
		const struct alx_bx *c = e->args[side];
		struct alx_bx *v = e->args[1 - side];
		if (c->kind != ALX_BX_VAR || c->u.var.level != 0 ||
		    c->u.var.slot != slot)
			continue;
		bool any = false;
		bool ok = only_slots(v, 0, 0, &any);
		(void)ok;
		if (any && !params_ok)
			continue;
		if (any && alx_bx_uses_slots(v, lo, hi))
			continue;
		if (!key_compatible(c->type.id, v->type.id))
			continue;
		int code = e->u.op.code;
		if (side == 1) {
			/* expr op col: flip */
			code = code == ALX_CMP_LT   ? ALX_CMP_GT
			       : code == ALX_CMP_GT ? ALX_CMP_LT
			       : code == ALX_CMP_LE ? ALX_CMP_GE
			       : code == ALX_CMP_GE ? ALX_CMP_LE
						    : code;
		}
		*cmp = code;
		*val = v;
		return true;
	}
	return false;
}

struct path {
	const struct alx_cat_index *index;
	uint32_t neq;
	struct alx_bx *eq[32];
	struct alx_bx *lo, *hi;
	bool lo_incl, hi_incl;
	int score;
};

static void try_index(const struct alx_rte *r, const struct alx_cat_index *x,
		      struct alx_bx **conjs, uint32_t nconj, bool params_ok,
		      struct path *best)
{
	struct path p = {0};
	p.index = x;
	uint32_t lo = r->off, hi = r->off + r->ncols;
	for (uint32_t k = 0; k < x->ncols && k < 32; k++) {
		uint32_t slot = r->off + x->cols[k];
		struct alx_bx *found = NULL;
		for (uint32_t i = 0; i < nconj && found == NULL; i++) {
			int cmp;
			struct alx_bx *v;
			if (key_conj(conjs[i], slot, lo, hi, params_ok, &cmp,
				     &v) &&
			    cmp == ALX_CMP_EQ)
				found = v;
		}
		if (found == NULL)
			break;
		p.eq[p.neq++] = found;
	}
	if (p.neq < x->ncols && !(x->flags[p.neq] & ALX_KEY_DESC)) {
		uint32_t slot = r->off + x->cols[p.neq];
		for (uint32_t i = 0; i < nconj; i++) {
			int cmp;
			struct alx_bx *v;
			if (!key_conj(conjs[i], slot, lo, hi, params_ok, &cmp,
				      &v))
				continue;
			if ((cmp == ALX_CMP_GT || cmp == ALX_CMP_GE) &&
			    p.lo == NULL) {
				p.lo = v;
				p.lo_incl = cmp == ALX_CMP_GE;
			} else if ((cmp == ALX_CMP_LT || cmp == ALX_CMP_LE) &&
				   p.hi == NULL) {
				p.hi = v;
				p.hi_incl = cmp == ALX_CMP_LE;
			}
		}
	}
	if (p.neq == 0 && p.lo == NULL && p.hi == NULL)
		return;
	bool point = p.neq == x->ncols && x->unique;
	p.score = (point ? 1000 : 0) + (int)p.neq * 10 + (p.lo ? 2 : 0) +
		  (p.hi ? 2 : 0) + (x->primary ? 1 : 0);
	if (p.score > best->score)
		*best = p;
}

static int plan_scan(struct alx_bind_ctx *b, const struct alx_rte *r,
		     struct alx_bx **conjs, uint32_t nconj, bool params_ok,
		     uint32_t width, struct alx_plan **out)
{
	struct alx_plan *p = pnew(b, ALX_P_SCAN, width);
	if (p == NULL)
		return alx_bind_oom(b);
	const struct alx_cat_table *t = r->table;
	p->table = t;
	p->rte = r;
	struct path best = {0};
	for (uint32_t i = 0; i < t->nindexes; i++) {
		const struct alx_cat_index *x = &t->indexes[i];
		if (x->method != NULL && strcmp(x->method, "btree") != 0)
			continue;
		try_index(r, x, conjs, nconj, params_ok, &best);
	}
	if (best.index != NULL) {
		p->access =
			best.index->id == 0 ? ALX_ACCESS_PK : ALX_ACCESS_INDEX;
		p->index = best.index;
		p->neq = best.neq;
		if (best.neq > 0) {
			p->eq = alx_arena_alloc(b->a,
						best.neq * sizeof(*p->eq));
			if (p->eq == NULL)
				return alx_bind_oom(b);
			memcpy(p->eq, best.eq, best.neq * sizeof(*p->eq));
		}
		p->lo = best.lo;
		p->hi = best.hi;
		p->lo_incl = best.lo_incl;
		p->hi_incl = best.hi_incl;
		p->key_only =
			best.neq == best.index->ncols && best.index->unique;
	}
	/* Every conjunct is still checked on the rows read. */
	int rc = set_quals(b, p, conjs, nconj);
	if (rc != 0)
		return rc;
	*out = p;
	return 0;
}

static int plan_rel(struct alx_bind_ctx *b, const struct alx_bq *q,
		    uint32_t rti, struct pool *pl, struct alx_plan **out)
{
	const struct alx_rte *r = q->rtes[rti];
	uint32_t lo, hi;
	slot_range(q, rti, rti + 1, &lo, &hi);
	struct alx_bx **conjs;
	uint32_t n;
	int rc = take(b, pl, lo, hi, &conjs, &n);
	if (rc != 0)
		return rc;
	struct alx_plan *p;
	switch (r->kind) {
	case ALX_RTE_TABLE:
		return plan_scan(b, r, conjs, n, false, q->width, out);
	case ALX_RTE_SUBQUERY: {
		struct alx_plan *child;
		rc = alx_plan_query(b, r->sub, &child);
		if (rc != 0)
			return rc;
		p = pnew(b, ALX_P_SUBQUERY, q->width);
		if (p == NULL)
			return alx_bind_oom(b);
		p->child = child;
		break;
	}
	case ALX_RTE_FUNCTION:
	case ALX_RTE_VALUES:
	case ALX_RTE_SYSCAT:
		p = pnew(b, ALX_P_FUNCSCAN, q->width);
		if (p == NULL)
			return alx_bind_oom(b);
		p->func = r->func;
		break;
	default:
		return alx_bind_err(b, "XX000", "unknown range table entry");
	}
	p->rte = r;
	p->off = r->off;
	p->ncols = r->ncols;
	rc = set_quals(b, p, conjs, n);
	*out = p;
	return rc;
}

/* ---- joins ------------------------------------------------------------------- */

/* An equality between an expression over [llo, lhi) and one over
 * [rlo, rhi): *l and *r are those sides. */
static bool equi_pair(const struct alx_bx *e, uint32_t llo, uint32_t lhi,
		      uint32_t rlo, uint32_t rhi, struct alx_bx **l,
		      struct alx_bx **r)
{
	if (e->kind != ALX_BX_CMP || e->u.op.code != ALX_CMP_EQ)
		return false;
	for (int side = 0; side < 2; side++) {
		struct alx_bx *a = e->args[side], *c = e->args[1 - side];
		if (within(a, llo, lhi) && within(c, rlo, rhi)) {
			*l = a;
			*r = c;
			return true;
		}
	}
	return false;
}

static int plan_from(struct alx_bind_ctx *b, const struct alx_bq *q,
		     const struct alx_bfrom *f, struct pool *pl,
		     struct alx_plan **out);
static int plan_sublinks(struct alx_bind_ctx *b, struct alx_bq *q);

/* Try an index nested loop: the right side is one table whose key or an
 * index starts with the join columns. */
static int try_inl(struct alx_bind_ctx *b, const struct alx_bq *q,
		   const struct alx_bfrom *rf, struct pool *rpool,
		   struct alx_bx **jq, uint32_t njq, struct alx_plan **out)
{
	*out = NULL;
	if (rf->kind != ALX_FROM_REL)
		return 0;
	const struct alx_rte *r = q->rtes[rf->rte];
	if (r->kind != ALX_RTE_TABLE)
		return 0;
	uint32_t lo, hi;
	slot_range(q, rf->rte, rf->rte + 1, &lo, &hi);
	struct alx_bx **own;
	uint32_t nown;
	int rc = take(b, rpool, lo, hi, &own, &nown);
	if (rc != 0)
		return rc;
	/* Candidate conditions: the right side's own and the join's. */
	struct alx_bx **all =
		alx_arena_calloc(b->a, nown + njq + 1, sizeof(*all));
	if (all == NULL)
		return alx_bind_oom(b);
	memcpy(all, own, nown * sizeof(*all));
	memcpy(all + nown, jq, njq * sizeof(*all));
	struct alx_plan *scan;
	rc = plan_scan(b, r, all, nown + njq, true, q->width, &scan);
	if (rc != 0)
		return rc;
	bool keyed = false;
	for (uint32_t i = 0; i < scan->neq; i++)
		if (!no_slots(scan->eq[i]))
			keyed = true;
	if ((scan->lo && !no_slots(scan->lo)) ||
	    (scan->hi && !no_slots(scan->hi)))
		keyed = true;
	if (scan->access == ALX_ACCESS_SEQ || !keyed) {
		/* Not keyed by the left row: give the conditions back. */
		for (uint32_t i = 0; i < rpool->n; i++)
			for (uint32_t k = 0; k < nown; k++)
				if (rpool->v[i].e == own[k])
					rpool->v[i].used = false;
		return 0;
	}
	/* The scan checks only its own conditions; the join keeps the
	 * join conditions (the key lookup is a conservative prefilter). */
	rc = set_quals(b, scan, own, nown);
	if (nown == 0) {
		scan->quals = NULL;
		scan->nquals = 0;
	}
	*out = scan;
	return rc;
}

static int plan_join(struct alx_bind_ctx *b, const struct alx_bq *q,
		     const struct alx_bfrom *f, struct pool *pl,
		     struct alx_plan **out)
{
	int kind = f->join;
	const struct alx_bfrom *lf = f->l, *rf = f->r;
	if (kind == ALX_SQL_JOIN_RIGHT) {
		/* RIGHT is LEFT with the sides swapped: rows are slot
		 * arrays, so the order of the children does not matter. */
		lf = f->r;
		rf = f->l;
		kind = ALX_SQL_JOIN_LEFT;
	}
	bool outer = kind == ALX_SQL_JOIN_LEFT;
	uint32_t llo, lhi, rlo, rhi;
	slot_range(q, lf->rte_lo, lf->rte_hi, &llo, &lhi);
	slot_range(q, rf->rte_lo, rf->rte_hi, &rlo, &rhi);
	struct pool onp = {0};
	int rc = 0;
	if (!outer) {
		rc = pool_add(b, pl, f->on);
	} else {
		rc = pool_add(b, &onp, f->on);
	}
	if (rc != 0)
		return rc;
	struct alx_plan *left, *right = NULL;
	rc = plan_from(b, q, lf, pl, &left);
	if (rc != 0)
		return rc;
	struct pool *rpool = outer ? &onp : pl;
	/* Join conditions: over both sides within this join. */
	struct pool *jpool = outer ? &onp : pl;
	uint32_t lo = llo < rlo ? llo : rlo, hi = lhi > rhi ? lhi : rhi;
	struct alx_bx **jq = alx_arena_calloc(b->a, jpool->n + 1, sizeof(*jq));
	if (jq == NULL)
		return alx_bind_oom(b);
	uint32_t njq = 0;
	for (uint32_t i = 0; i < jpool->n; i++) {
		struct alx_bx *e = jpool->v[i].e;
		if (jpool->v[i].used || within(e, rlo, rhi))
			continue;
		if (!outer && !within(e, lo, hi))
			continue;
		if (!outer && within(e, llo, lhi))
			continue;
		jq[njq++] = e;
	}
	bool param = false;
	rc = try_inl(b, q, rf, rpool, jq, njq, &right);
	if (rc != 0)
		return rc;
	if (right != NULL)
		param = true;
	else
		rc = plan_from(b, q, rf, rpool, &right);
	if (rc != 0)
		return rc;
	for (uint32_t i = 0; i < jpool->n; i++)
		for (uint32_t k = 0; k < njq; k++)
			if (jpool->v[i].e == jq[k])
				jpool->v[i].used = true;
	/* What is left of an outer join's ON applies to the join too. */
	if (outer) {
		for (uint32_t i = 0; i < onp.n; i++) {
			if (onp.v[i].used)
				continue;
			onp.v[i].used = true;
			struct alx_bx **v =
				alx_arena_alloc(b->a, (njq + 1) * sizeof(*v));
			if (v == NULL)
				return alx_bind_oom(b);
			memcpy(v, jq, njq * sizeof(*v));
			v[njq++] = onp.v[i].e;
			jq = v;
		}
	}
	struct alx_plan *p;
	if (param) {
		p = pnew(b, ALX_P_NESTLOOP, q->width);
		if (p == NULL)
			return alx_bind_oom(b);
		p->param_right = true;
	} else {
		/* hash join on the equalities, if any */
		uint32_t nk = 0;
		struct alx_bx **lk =
			alx_arena_calloc(b->a, njq + 1, sizeof(*lk));
		struct alx_bx **rk =
			alx_arena_calloc(b->a, njq + 1, sizeof(*rk));
		if (lk == NULL || rk == NULL)
			return alx_bind_oom(b);
		for (uint32_t i = 0; i < njq; i++)
			if (equi_pair(jq[i], llo, lhi, rlo, rhi, &lk[nk],
				      &rk[nk]))
				nk++;
		p = pnew(b, nk > 0 ? ALX_P_HASHJOIN : ALX_P_NESTLOOP, q->width);
		if (p == NULL)
			return alx_bind_oom(b);
		p->nkeys = nk;
		p->lkeys = lk;
		p->rkeys = rk;
	}
	p->child = left;
	p->right = right;
	p->join = (uint8_t)kind;
	p->rlo = rlo;
	p->rhi = rhi;
	p->slot_types = q->slot_types;
	rc = set_quals(b, p, jq, njq);
	*out = p;
	return rc;
}

static int plan_from(struct alx_bind_ctx *b, const struct alx_bq *q,
		     const struct alx_bfrom *f, struct pool *pl,
		     struct alx_plan **out)
{
	if (f->kind == ALX_FROM_REL)
		return plan_rel(b, q, f->rte, pl, out);
	return plan_join(b, q, f, pl, out);
}

/* ---- the operators above FROM ------------------------------------------------ */

/* The order an index column's keys come in (see alx_key_flags). */
static void index_order(uint8_t f, bool *desc, bool *nulls_first)
{
	*desc = (f & ALX_KEY_DESC) != 0;
	bool flipped = (f & ALX_KEY_NULLS_FIRST) != 0;
	*nulls_first = *desc ? !flipped : flipped;
}

/*
 * ORDER BY columns of one table that an index (or the primary key)
 * already returns in order, forward or backward: then the scan gives the
 * order and no sort is needed. Returns true and adjusts the scan.
 */
static bool order_by_index(const struct alx_bq *q, struct alx_plan *in)
{
	if (q->kind != ALX_BQ_SELECT || q->grouped || q->distinct ||
	    q->ndistinct_on > 0 || in->kind != ALX_P_PROJECT ||
	    in->child->kind != ALX_P_SCAN)
		return false;
	struct alx_plan *scan = in->child;
	const struct alx_cat_table *t = scan->table;
	const struct alx_cat_index *x = scan->index;
	if (scan->access == ALX_ACCESS_SEQ) {
		if (!t->has_pk)
			return false;
		x = &t->indexes[0];
	}
	uint32_t first = scan->access == ALX_ACCESS_SEQ ? 0 : scan->neq;
	if (first + q->nsort > x->ncols)
		return false;
	int dir = 0; /* 1 forward, -1 backward */
	for (uint32_t i = 0; i < q->nsort; i++) {
		const struct alx_sortkey *k = &q->sort[i];
		const struct alx_bx *e = q->targets[k->col];
		if (e->kind != ALX_BX_VAR || e->u.var.level != 0 ||
		    e->u.var.slot != scan->rte->off + x->cols[first + i])
			return false;
		bool d, nf;
		index_order(x->flags[first + i], &d, &nf);
		int want = k->desc == d && k->nulls_first == nf	  ? 1
			   : k->desc != d && k->nulls_first != nf ? -1
								  : 0;
		if (want == 0 || (dir != 0 && want != dir))
			return false;
		dir = want;
	}
	if (scan->access == ALX_ACCESS_SEQ) {
		scan->access = ALX_ACCESS_PK;
		scan->index = x;
	}
	scan->reverse = dir < 0;
	return true;
}

static int plan_sort_limit(struct alx_bind_ctx *b, const struct alx_bq *q,
			   struct alx_plan *in, uint32_t width,
			   struct alx_plan **out)
{
	struct alx_plan *p = in;
	if (q->nsort > 0 && order_by_index(q, in)) {
		/* the scan returns the rows in order */
	} else if (q->nsort > 0) {
		/* DISTINCT ON: LIMIT counts groups, so no top-k heap */
		bool topk = q->limit != NULL && q->ndistinct_on == 0;
		struct alx_plan *s =
			pnew(b, topk ? ALX_P_TOPK : ALX_P_SORT, width);
		if (s == NULL)
			return alx_bind_oom(b);
		s->child = p;
		s->keys = q->sort;
		s->nsort = q->nsort;
		s->types = q->types;
		if (topk) {
			s->limit = q->limit;
			s->offset = q->offset;
		}
		s->unique_cols = q->distinct_on;
		s->nunique = q->ndistinct_on;
		/* ORDER BY a vector distance: the exact top-k scan. */
		if (q->kind == ALX_BQ_SELECT && q->sort[0].col < q->nout) {
			const struct alx_bx *k = q->targets[q->sort[0].col];
			if (k->kind == ALX_BX_FUNC &&
			    (strcmp(k->u.func.def->name, "l2_distance") == 0 ||
			     strcmp(k->u.func.def->name, "cosine_distance") ==
				     0 ||
			     strcmp(k->u.func.def->name,
				    "negative_inner_product") == 0 ||
			     strcmp(k->u.func.def->name, "vector_distance") ==
				     0 ||
			     strcmp(k->u.func.def->name, "inner_product") == 0))
				s->vector_topk = true;
		}
		/* ... or by a vector index with the operator's metric */
		if (s->vector_topk && topk) {
			int rc = alx_plan_vector_index(b, q, s);
			if (rc != 0)
				return rc;
		}
		p = s;
		if (topk) {
			*out = p;
			return 0;
		}
	}
	if (q->limit != NULL || q->offset != NULL) {
		struct alx_plan *l = pnew(b, ALX_P_LIMIT, width);
		if (l == NULL)
			return alx_bind_oom(b);
		l->child = p;
		l->limit = q->limit;
		l->offset = q->offset;
		p = l;
	}
	*out = p;
	return 0;
}

/* Cast a set operation side's columns to the result types. */
static int conform(struct alx_bind_ctx *b, struct alx_plan *child,
		   const struct alx_bq *side, const struct alx_bq *q,
		   struct alx_plan **out)
{
	bool same = true;
	for (uint32_t i = 0; i < q->ntargets; i++)
		if (side->types[i].id != q->types[i].id)
			same = false;
	if (same) {
		*out = child;
		return 0;
	}
	struct alx_plan *p = pnew(b, ALX_P_PROJECT, q->ntargets);
	if (p == NULL)
		return alx_bind_oom(b);
	p->child = child;
	p->nexprs = q->ntargets;
	p->exprs = alx_arena_calloc(b->a, q->ntargets + 1, sizeof(*p->exprs));
	if (p->exprs == NULL)
		return alx_bind_oom(b);
	for (uint32_t i = 0; i < q->ntargets; i++) {
		struct alx_bx *v = alx_bx_new(b, ALX_BX_VAR, side->types[i], 0);
		if (v == NULL)
			return alx_bind_oom(b);
		v->u.var.slot = i;
		int rc = alx_bind_coerce(b, &v, q->types[i], ALX_CAST_IMPLICIT,
					 NULL);
		if (rc != 0)
			return rc;
		p->exprs[i] = v;
	}
	*out = p;
	return 0;
}

static int plan_setop(struct alx_bind_ctx *b, struct alx_bq *q,
		      struct alx_plan **out)
{
	struct alx_plan *l, *r;
	int rc = alx_plan_query(b, q->larg, &l);
	if (rc == 0)
		rc = alx_plan_query(b, q->rarg, &r);
	if (rc == 0)
		rc = conform(b, l, q->larg, q, &l);
	if (rc == 0)
		rc = conform(b, r, q->rarg, q, &r);
	if (rc != 0)
		return rc;
	uint32_t n = q->ntargets;
	struct alx_plan *p;
	if (q->setop == ALX_SQL_UNION) {
		p = pnew(b, ALX_P_APPEND, n);
		if (p == NULL)
			return alx_bind_oom(b);
		p->children = alx_arena_calloc(b->a, 2, sizeof(*p->children));
		if (p->children == NULL)
			return alx_bind_oom(b);
		p->children[0] = l;
		p->children[1] = r;
		p->nchildren = 2;
		if (!q->all) {
			struct alx_plan *d = pnew(b, ALX_P_DISTINCT, n);
			if (d == NULL)
				return alx_bind_oom(b);
			d->child = p;
			d->ncols = n;
			p = d;
		}
	} else {
		p = pnew(b, ALX_P_SETOP, n);
		if (p == NULL)
			return alx_bind_oom(b);
		p->child = l;
		p->right = r;
		p->setop = q->setop;
		p->all = q->all;
		p->ncols = n;
	}
	p->types = q->types;
	return plan_sort_limit(b, q, p, n, out);
}

int alx_plan_query(struct alx_bind_ctx *b, struct alx_bq *q,
		   struct alx_plan **out)
{
	if (q->kind == ALX_BQ_SETOP)
		return plan_setop(b, q, out);
	struct pool pl = {0};
	int rc = pool_add(b, &pl, q->where);
	if (rc != 0)
		return rc;
	struct alx_plan *p;
	if (q->from == NULL) {
		p = pnew(b, ALX_P_RESULT, q->width);
		if (p == NULL)
			return alx_bind_oom(b);
	} else {
		rc = plan_from(b, q, q->from, &pl, &p);
		if (rc != 0)
			return rc;
	}
	/* What could not be pushed down filters the joined rows. */
	struct alx_bx **rest = alx_arena_calloc(b->a, pl.n + 1, sizeof(*rest));
	if (rest == NULL)
		return alx_bind_oom(b);
	uint32_t nrest = 0;
	for (uint32_t i = 0; i < pl.n; i++)
		if (!pl.v[i].used)
			rest[nrest++] = pl.v[i].e;
	if (nrest > 0) {
		struct alx_plan *f = pnew(b, ALX_P_FILTER, p->width);
		if (f == NULL)
			return alx_bind_oom(b);
		f->child = p;
		rc = set_quals(b, f, rest, nrest);
		if (rc != 0)
			return rc;
		p = f;
	}
	if (q->grouped) {
		struct alx_plan *a = pnew(b, ALX_P_AGG, q->ngroup + q->naggs);
		if (a == NULL)
			return alx_bind_oom(b);
		a->child = p;
		a->q = q;
		p = a;
		if (q->having != NULL) {
			struct alx_plan *f = pnew(b, ALX_P_FILTER, p->width);
			if (f == NULL)
				return alx_bind_oom(b);
			f->child = p;
			rc = set_quals(b, f, &q->having, 1);
			if (rc != 0)
				return rc;
			p = f;
		}
	}
	struct alx_plan *pr = pnew(b, ALX_P_PROJECT, q->nout);
	if (pr == NULL)
		return alx_bind_oom(b);
	pr->child = p;
	pr->exprs = q->targets;
	pr->nexprs = q->nout;
	pr->types = q->types;
	p = pr;
	if (q->distinct) {
		struct alx_plan *d = pnew(b, ALX_P_DISTINCT, q->nout);
		if (d == NULL)
			return alx_bind_oom(b);
		d->child = p;
		d->ncols = q->ntargets;
		d->types = q->types;
		p = d;
	}
	/* Plan the subqueries of every expression. */
	rc = plan_sublinks(b, q);
	if (rc != 0)
		return rc;
	return plan_sort_limit(b, q, p, q->nout, out);
}

int alx_plan_dml_source(struct alx_bind_ctx *b, struct alx_bq *q,
			struct alx_plan **out)
{
	struct pool pl = {0};
	int rc = pool_add(b, &pl, q->where);
	if (rc != 0)
		return rc;
	struct alx_plan *p;
	rc = plan_from(b, q, q->from, &pl, &p);
	if (rc != 0)
		return rc;
	struct alx_bx **rest = alx_arena_calloc(b->a, pl.n + 1, sizeof(*rest));
	if (rest == NULL)
		return alx_bind_oom(b);
	uint32_t nrest = 0;
	for (uint32_t i = 0; i < pl.n; i++)
		if (!pl.v[i].used)
			rest[nrest++] = pl.v[i].e;
	if (nrest > 0) {
		struct alx_plan *f = pnew(b, ALX_P_FILTER, p->width);
		if (f == NULL)
			return alx_bind_oom(b);
		f->child = p;
		rc = set_quals(b, f, rest, nrest);
		if (rc != 0)
			return rc;
		p = f;
	}
	rc = plan_sublinks(b, q);
	if (rc != 0)
		return rc;
	*out = p;
	return 0;
}

/* ---- subqueries in expressions ----------------------------------------------- */

static int sub_bx(struct alx_bind_ctx *b, struct alx_bx *e)
{
	if (e == NULL)
		return 0;
	if (e->kind == ALX_BX_SUBLINK && e->u.sub.plan == NULL) {
		int rc = alx_plan_query(b, e->u.sub.query, &e->u.sub.plan);
		if (rc != 0)
			return rc;
	}
	for (uint32_t i = 0; i < e->nargs; i++) {
		int rc = sub_bx(b, e->args[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int sub_from(struct alx_bind_ctx *b, const struct alx_bfrom *f)
{
	if (f == NULL || f->kind != ALX_FROM_JOIN)
		return 0;
	int rc = sub_bx(b, f->on);
	if (rc == 0)
		rc = sub_from(b, f->l);
	if (rc == 0)
		rc = sub_from(b, f->r);
	return rc;
}

int alx_plan_expr(struct alx_bind_ctx *b, struct alx_bx *e)
{
	return sub_bx(b, e);
}

static int plan_sublinks(struct alx_bind_ctx *b, struct alx_bq *q)
{
	int rc = sub_bx(b, q->where);
	if (rc == 0)
		rc = sub_bx(b, q->having);
	if (rc == 0)
		rc = sub_from(b, q->from);
	for (uint32_t i = 0; rc == 0 && i < q->nout; i++)
		rc = sub_bx(b, q->targets[i]);
	for (uint32_t i = 0; rc == 0 && i < q->ngroup; i++)
		rc = sub_bx(b, q->group[i]);
	for (uint32_t i = 0; rc == 0 && i < q->naggs; i++) {
		rc = sub_bx(b, q->aggs[i]->arg);
		if (rc == 0)
			rc = sub_bx(b, q->aggs[i]->filter);
		for (uint32_t k = 0; rc == 0 && k < q->aggs[i]->norder; k++)
			rc = sub_bx(b, q->aggs[i]->order[k]);
	}
	for (uint32_t i = 0; rc == 0 && i < q->nrte; i++) {
		const struct alx_rte *r = q->rtes[i];
		rc = sub_bx(b, r->func);
		for (uint32_t k = 0; rc == 0 && k < r->nrows; k++)
			for (uint32_t c = 0; rc == 0 && c < r->ncols; c++)
				rc = sub_bx(b, r->rows[k][c]);
	}
	return rc;
}

/* ---- point reads (alx_plan_is_point_read) ------------------------------ */

/* Bounded work on values: no function calls (pg_sleep, nextval), no
 * subqueries, no pattern matching. */
static bool bx_bounded(const struct alx_bx *e)
{
	if (e == NULL)
		return true;
	switch (e->kind) {
	case ALX_BX_CONST:
	case ALX_BX_PARAM:
	case ALX_BX_VAR:
	case ALX_BX_CMP:
	case ALX_BX_ARITH:
	case ALX_BX_NEG:
	case ALX_BX_AND:
	case ALX_BX_OR:
	case ALX_BX_NOT:
	case ALX_BX_TEST:
	case ALX_BX_DISTINCT:
	case ALX_BX_CAST:
	case ALX_BX_CASE:
	case ALX_BX_COALESCE:
	case ALX_BX_NULLIF:
	case ALX_BX_GREATEST:
	case ALX_BX_LEAST:
		break;
	default:
		return false;
	}
	for (uint32_t i = 0; i < e->nargs; i++)
		if (!bx_bounded(e->args[i]))
			return false;
	return true;
}

static bool bxs_bounded(struct alx_bx *const *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (!bx_bounded(v[i]))
			return false;
	return true;
}

bool alx_plan_is_point_read(const struct alx_plan *p)
{
	if (p == NULL || !bxs_bounded(p->quals, p->nquals))
		return false;
	switch (p->kind) {
	case ALX_P_RESULT:
		return true;
	case ALX_P_PROJECT:
		return bxs_bounded(p->exprs, p->nexprs) &&
		       alx_plan_is_point_read(p->child);
	case ALX_P_FILTER:
		return alx_plan_is_point_read(p->child);
	case ALX_P_LIMIT:
		return bx_bounded(p->limit) && bx_bounded(p->offset) &&
		       alx_plan_is_point_read(p->child);
	case ALX_P_SCAN:
		return p->rte != NULL && p->rte->kind == ALX_RTE_TABLE &&
		       p->table != NULL && p->table->has_pk &&
		       p->access == ALX_ACCESS_PK && p->key_only &&
		       p->vscan == NULL && bxs_bounded(p->eq, p->neq) &&
		       bx_bounded(p->lo) && bx_bounded(p->hi);
	default:
		return false;
	}
}

/* ---- point writes (alx_plan_is_point_write) ---------------------------- */

/* What bx_bounded allows, and calls of the clock or the session's names,
 * which read the transaction's timestamp or a setting. */
static bool bx_cheap(const struct alx_bx *e)
{
	static const char *const clock[] = {
		"now",		"transaction_timestamp", "statement_timestamp",
		"current_date", "localtimestamp",	 "current_user",
		"session_user",
	};
	if (e == NULL)
		return true;
	if (e->kind == ALX_BX_FUNC) {
		const struct alx_func_def *d = e->u.func.def;
		if (e->nargs != 0 || d == NULL || (d->flags & ALX_FN_VOLATILE))
			return false;
		for (size_t i = 0; i < sizeof(clock) / sizeof(clock[0]); i++)
			if (strcmp(d->name, clock[i]) == 0)
				return true;
		return false;
	}
	/* the node's own kind as bx_bounded judges it, its arguments here */
	struct alx_bx node = *e;
	node.nargs = 0;
	if (!bx_bounded(&node))
		return false;
	for (uint32_t i = 0; i < e->nargs; i++)
		if (!bx_cheap(e->args[i]))
			return false;
	return true;
}

static bool bxs_cheap(struct alx_bx *const *v, uint32_t n)
{
	for (uint32_t i = 0; v != NULL && i < n; i++)
		if (!bx_cheap(v[i]))
			return false;
	return true;
}

bool alx_plan_is_point_write(const struct alx_bdml *m,
			     const struct alx_plan *source)
{
	if (m == NULL || source == NULL || m->table == NULL ||
	    m->conflict != 0 || !bxs_cheap(m->checks, m->nchecks) ||
	    !bxs_cheap(m->returning, m->nreturning))
		return false;
	uint32_t ncols = m->table->ncols;
	if (m->kind == ALX_SQL_STMT_INSERT) {
		const struct alx_plan *fs = source->child;
		if (!bxs_cheap(m->defaults, ncols) ||
		    source->kind != ALX_P_PROJECT || source->nquals != 0 ||
		    !bxs_cheap(source->exprs, source->nexprs) || fs == NULL ||
		    fs->kind != ALX_P_FUNCSCAN || fs->rte == NULL ||
		    fs->rte->kind != ALX_RTE_VALUES || fs->rte->nrows != 1 ||
		    fs->nquals != 0 || fs->child != NULL || fs->right != NULL ||
		    fs->nchildren != 0)
			return false;
		return bxs_cheap(fs->rte->rows[0], fs->rte->ncols);
	}
	if (m->kind != ALX_SQL_STMT_UPDATE && m->kind != ALX_SQL_STMT_DELETE)
		return false;
	return bxs_cheap(m->set, m->kind == ALX_SQL_STMT_UPDATE ? ncols : 0) &&
	       alx_plan_is_point_read(source);
}
