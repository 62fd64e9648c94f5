/*
 * Planning ORDER BY col <op> q LIMIT k over a vector index: the TOPK
 * stays (it orders the k rows and applies OFFSET); the scan below it
 * becomes a vector index scan when an index on col has the operator's
 * metric. EXPLAIN's words for it.
 */
#include <stdio.h>
#include <string.h>

#include "sql/sql_func.h"
#include "sql/sql_session_int.h"
#include "sql/sql_vindex.h"

/* No column of any query level, no subquery, no aggregate. */
static bool free_of_rows(const struct alx_bx *e)
{
	if (e->kind == ALX_BX_VAR || e->kind == ALX_BX_SUBLINK ||
	    e->kind == ALX_BX_AGGREF)
		return false;
	for (uint32_t i = 0; i < e->nargs; i++)
		if (!free_of_rows(e->args[i]))
			return false;
	return true;
}

static bool has_params(const struct alx_bx *e)
{
	if (e->kind == ALX_BX_PARAM || e->kind == ALX_BX_SUBLINK ||
	    (e->kind == ALX_BX_VAR && e->u.var.level != 0))
		return true;
	for (uint32_t i = 0; i < e->nargs; i++)
		if (has_params(e->args[i]))
			return true;
	return false;
}

/* The metric a distance call orders by (0: none an index gives). */
static uint32_t call_metric(const struct alx_bx *k)
{
	if (k->kind != ALX_BX_FUNC || k->u.func.def == NULL)
		return 0;
	const char *n = k->u.func.def->name;
	if (strcmp(n, "l2_distance") == 0 && k->nargs == 2)
		return ALOPEX_METRIC_L2;
	if (strcmp(n, "cosine_distance") == 0 && k->nargs == 2)
		return ALOPEX_METRIC_COSINE;
	if (strcmp(n, "negative_inner_product") == 0 && k->nargs == 2)
		return ALOPEX_METRIC_IP;
	if (strcmp(n, "vector_distance") == 0 && k->nargs == 3 &&
	    k->args[2]->kind == ALX_BX_CONST && !k->args[2]->u.v.null) {
		const struct alx_value *m = &k->args[2]->u.v;
		const char *s = (const char *)m->u.s.ptr;
		size_t len = m->u.s.len;
		if (len == 2 && strncmp(s, "l2", 2) == 0)
			return ALOPEX_METRIC_L2;
		if (len == 6 && strncmp(s, "cosine", 6) == 0)
			return ALOPEX_METRIC_COSINE;
		if (len == 5 && strncmp(s, "inner", 5) == 0)
			return ALOPEX_METRIC_IP;
	}
	return 0;
}

int alx_plan_vector_index(struct alx_bind_ctx *b, const struct alx_bq *q,
			  struct alx_plan *s)
{
	struct alx_plan *in = s->child;
	if (b->s == NULL || q->kind != ALX_BQ_SELECT || q->grouped ||
	    q->distinct || s->kind != ALX_P_TOPK || s->limit == NULL ||
	    !free_of_rows(s->limit) ||
	    (s->offset != NULL && !free_of_rows(s->offset)) || in == NULL ||
	    in->kind != ALX_P_PROJECT || in->child == NULL ||
	    in->child->kind != ALX_P_SCAN ||
	    in->child->access != ALX_ACCESS_SEQ || q->nsort == 0 ||
	    q->sort[0].desc || q->sort[0].col >= q->nout)
		return 0;
	struct alx_plan *scan = in->child;
	const struct alx_rte *r = scan->rte;
	const struct alx_bx *k = q->targets[q->sort[0].col];
	uint32_t metric = call_metric(k);
	if (metric == 0 || r == NULL)
		return 0;
	struct alx_bx *qv = NULL;
	int col = -1;
	bool col_first = false;
	for (int i = 0; i < 2; i++) {
		const struct alx_bx *a = k->args[i], *o = k->args[1 - i];
		if (a->kind == ALX_BX_VAR && a->u.var.level == 0 &&
		    a->u.var.slot >= r->off &&
		    a->u.var.slot < r->off + r->ncols && free_of_rows(o)) {
			col = (int)(a->u.var.slot - r->off);
			col_first = i == 0;
			qv = k->args[1 - i];
			break;
		}
	}
	if (col < 0)
		return 0;
	const struct alx_cat_table *t = scan->table;
	const struct alx_cat_index *x = NULL;
	for (uint32_t i = 0; i < t->nindexes && x == NULL; i++) {
		const struct alx_cat_index *c = &t->indexes[i];
		if (alx_vsql_is_vector(c) && c->ncols == 1 &&
		    c->cols[0] == (uint32_t)col && alx_vsql_metric(c) == metric)
			x = c;
	}
	bool topk = q->nsort == 1 && !q->sort[0].nulls_first;
	if (x == NULL && !topk)
		return 0; /* the TOPK orders every row */
	struct alx_vscan_plan *vp = alx_arena_calloc(b->a, 1, sizeof(*vp));
	if (vp == NULL)
		return alx_bind_oom(b);
	vp->query = qv;
	vp->metric = metric;
	vp->col = (uint32_t)col;
	vp->col_first = col_first;
	vp->topk = topk;
	if (x == NULL) {
		/* No index with the operator's metric: the exact scan, which
		 * reads the vectors in place and hands the TOPK k rows. */
		vp->strategy = ALX_VSCAN_EXACT;
		vp->est_sel = -1;
		vp->method = "exact";
		scan->access = ALX_ACCESS_VECTOR;
		scan->index = NULL;
		scan->vscan = vp;
		scan->limit = s->limit;
		scan->offset = s->offset;
		return 0;
	}
	vp->ef = alx_vsql_ef_search(b->s);
	vp->method = x->method;
	vp->est_sel = -1;
	vp->strategy = ALX_VSCAN_PLAIN;
	if (scan->nquals > 0) {
		bool params = false;
		for (uint32_t i = 0; i < scan->nquals; i++)
			params = params || has_params(scan->quals[i]);
		vp->strategy = ALX_VSCAN_RUNTIME;
		if (!params) {
			/* For EXPLAIN: what the execution will choose now. */
			double sel = 1;
			uint64_t rows = 0;
			int rc = alx_vscan_estimate_now(b, scan, &sel, &rows);
			if (rc != 0)
				return rc;
			struct alx_vidx *v;
			rc = alx_vsql_acquire(b->s, t, x, &v, b->d);
			if (rc != 0)
				return rc;
			struct alopex_index_stats st = {.size = sizeof(st)};
			v->ops->stats(v->index, &st);
			alx_vidx_release(v);
			vp->est_sel = sel;
			vp->strategy =
				alx_vscan_exact_wins(sel, st.count, vp->ef, 10)
					? ALX_VSCAN_EXACT
					: ALX_VSCAN_TRAVERSAL;
		}
	}
	scan->access = ALX_ACCESS_VECTOR;
	scan->index = x;
	scan->vscan = vp;
	scan->limit = s->limit;
	scan->offset = s->offset;
	return 0;
}

static const char *metric_word(uint32_t m)
{
	return m == ALOPEX_METRIC_L2	   ? "l2"
	       : m == ALOPEX_METRIC_COSINE ? "cosine"
					   : "inner product";
}

static void pct(double sel, char *buf, size_t n)
{
	double p = sel * 100;
	snprintf(buf, n, p > 0 && p < 0.95 ? "%.1f%%" : "%.0f%%", p);
}

void alx_plan_vector_label(const struct alx_plan *p, char *buf, size_t n)
{
	const struct alx_vscan_plan *vp = p->vscan;
	const char *t = p->table->name;
	const char *alias =
		p->rte && p->rte->alias && strcmp(p->rte->alias, t) != 0
			? p->rte->alias
			: NULL;
	char on[160], knobs[64], sel[16];
	snprintf(on, sizeof(on), "%s%s%s", t, alias ? " " : "",
		 alias ? alias : "");
	if (p->index == NULL) {
		/* no index: what a sequential scan shows */
		snprintf(buf, n, "Seq Scan on %s", on);
		return;
	}
	if (strcmp(vp->method, "hnsw") == 0)
		snprintf(knobs, sizeof(knobs), "%s, %s, ef_search=%u",
			 vp->method, metric_word(vp->metric), vp->ef);
	else
		snprintf(knobs, sizeof(knobs), "%s, %s", vp->method,
			 metric_word(vp->metric));
	pct(vp->est_sel, sel, sizeof(sel));
	switch (vp->strategy) {
	case ALX_VSCAN_EXACT:
		snprintf(buf, n,
			 "Seq Scan on %s (exact scan (filter selectivity %s); "
			 "index %s not used)",
			 on, sel, p->index->name);
		break;
	case ALX_VSCAN_TRAVERSAL:
		snprintf(buf, n,
			 "Index Scan using %s on %s (%s, filtered traversal, "
			 "filter selectivity %s)",
			 p->index->name, on, knobs, sel);
		break;
	case ALX_VSCAN_RUNTIME:
		snprintf(buf, n,
			 "Index Scan using %s on %s (%s, filtered traversal "
			 "or exact scan by filter selectivity)",
			 p->index->name, on, knobs);
		break;
	default:
		snprintf(buf, n, "Index Scan using %s on %s (%s)",
			 p->index->name, on, knobs);
	}
}
