/*
 * EXPLAIN: the plan tree as text lines, worded and laid out as
 * PostgreSQL's EXPLAIN (COSTS OFF) where the node exists there (Seq Scan
 * on t, Index Scan using t_pkey on t, Index Cond: (id = 1), Filter:,
 * Hash Cond:, Sort Key:, Group Key:). There is no cost model, so no
 * costs. Alopex's own strategies are named as such: "Top-N Sort" is the
 * bounded heap behind ORDER BY ... LIMIT, "Vector Top-N Sort (exact, l2)"
 * the same heap over exact distances.
 *
 * Conditions are printed from the bound expressions: columns by name
 * (qualified by their table's alias when the statement reads more than
 * one relation, as PostgreSQL does), constants with PostgreSQL's casts
 * ('c1'::text), every operator parenthesised.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "sql/sql_func.h"
#include "sql/sql_plan.h"
#include "sql/sql_value.h"
#include "sql/sql_vindex.h"

#define MAX_RTES 64

/* The relations whose slots one query level's expressions use. */
struct scope {
	const struct alx_rte *rtes[MAX_RTES];
	uint32_t n;
	const struct alx_plan *agg; /* VARs are the agg row's (HAVING,
				       targets of a grouped query) */
};

struct ex {
	struct alx_arena *a;
	char **lines;
	uint32_t n, cap;
	int bad;
	bool qualify; /* more than one relation in the statement */
};

static void line(struct ex *x, int depth, bool node, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void line(struct ex *x, int depth, bool node, const char *fmt, ...)
{
	char body[1024], pre[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	int ind = depth == 0 ? 0 : (depth - 1) * 6 + (node ? 2 : 8);
	if (depth == 0 && !node)
		ind = 2;
	if (ind > (int)sizeof(pre) - 8)
		ind = (int)sizeof(pre) - 8;
	memset(pre, ' ', (size_t)ind);
	pre[ind] = '\0';
	if (x->n == x->cap) {
		uint32_t cap = x->cap ? x->cap * 2 : 16;
		char **v = alx_arena_alloc(x->a, cap * sizeof(*v));
		if (v == NULL) {
			x->bad = 1;
			return;
		}
		if (x->n > 0)
			memcpy(v, x->lines, x->n * sizeof(*v));
		x->lines = v;
		x->cap = cap;
	}
	char *l = alx_arena_printf(x->a, "%s%s%s", pre,
				   node && depth > 0 ? "->  " : "", body);
	if (l == NULL)
		x->bad = 1;
	else
		x->lines[x->n++] = l;
}

/* ---- relations ------------------------------------------------------------------ */

static void scope_add(struct scope *sc, const struct alx_rte *r)
{
	if (r == NULL)
		return;
	for (uint32_t i = 0; i < sc->n; i++)
		if (sc->rtes[i] == r)
			return;
	if (sc->n < MAX_RTES)
		sc->rtes[sc->n++] = r;
}

/* The relations of p's query level (subqueries and set operation arms
 * have slots of their own). */
static void collect(struct scope *sc, const struct alx_plan *p)
{
	if (p == NULL)
		return;
	switch (p->kind) {
	case ALX_P_SCAN:
	case ALX_P_FUNCSCAN:
	case ALX_P_SUBQUERY:
		scope_add(sc, p->rte);
		return;
	case ALX_P_APPEND:
	case ALX_P_SETOP:
		return;
	default:
		collect(sc, p->child);
		collect(sc, p->right);
	}
}

/* Every relation of the statement, for PostgreSQL's qualification rule. */
static void count_all(struct scope *all, const struct alx_plan *p)
{
	if (p == NULL)
		return;
	if (p->kind == ALX_P_SCAN || p->kind == ALX_P_FUNCSCAN ||
	    p->kind == ALX_P_SUBQUERY)
		scope_add(all, p->rte);
	count_all(all, p->child);
	count_all(all, p->right);
	for (uint32_t i = 0; i < p->nchildren; i++)
		count_all(all, p->children[i]);
}

/* ---- expressions ------------------------------------------------------------------ */

struct out {
	struct alx_buf b;
	struct ex *x;
};

static void put(struct out *o, const char *s)
{
	if (alx_buf_append(&o->b, s, strlen(s)) != 0)
		o->x->bad = 1;
}

static void putf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void putf(struct out *o, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put(o, buf);
}

static void dx(struct out *o, const struct scope *sc, const struct alx_bx *e);

static void column(struct out *o, const struct scope *sc, uint32_t slot)
{
	for (uint32_t i = 0; i < sc->n; i++) {
		const struct alx_rte *r = sc->rtes[i];
		if (slot < r->off || slot >= r->off + r->ncols)
			continue;
		if (o->x->qualify && r->alias != NULL)
			putf(o, "%s.", r->alias);
		put(o, r->colnames[slot - r->off]);
		return;
	}
	putf(o, "$%u", slot);
}

static const char *agg_name(int kind)
{
	switch (kind) {
	case ALX_AGG_COUNT_STAR:
	case ALX_AGG_COUNT:
		return "count";
	case ALX_AGG_SUM:
		return "sum";
	case ALX_AGG_AVG:
		return "avg";
	case ALX_AGG_MIN:
		return "min";
	case ALX_AGG_MAX:
		return "max";
	case ALX_AGG_BOOL_AND:
		return "bool_and";
	case ALX_AGG_BOOL_OR:
		return "bool_or";
	case ALX_AGG_STRING_AGG:
		return "string_agg";
	case ALX_AGG_ARRAY_AGG:
		return "array_agg";
	default:
		return "aggregate";
	}
}

/* An aggregate of the agg row's query, over the FROM row. */
static void aggregate(struct out *o, const struct scope *sc, uint32_t idx)
{
	const struct alx_bq *q = sc->agg->q;
	if (idx >= q->naggs) {
		put(o, "?");
		return;
	}
	const struct alx_agg *g = q->aggs[idx];
	struct scope from = *sc;
	from.agg = NULL;
	putf(o, "%s(%s", agg_name(g->kind), g->distinct ? "DISTINCT " : "");
	if (g->arg == NULL)
		put(o, "*");
	else
		dx(o, &from, g->arg);
	if (g->arg2 != NULL) {
		put(o, ", ");
		dx(o, &from, g->arg2);
	}
	put(o, ")");
	if (g->filter != NULL) {
		put(o, " FILTER (WHERE ");
		dx(o, &from, g->filter);
		put(o, ")");
	}
}

static void var(struct out *o, const struct scope *sc, const struct alx_bx *e)
{
	if (e->u.var.level != 0) {
		put(o, "$outer");
		return;
	}
	if (sc->agg == NULL) {
		column(o, sc, e->u.var.slot);
		return;
	}
	/* the agg row: group expressions, then aggregates */
	const struct alx_bq *q = sc->agg->q;
	struct scope from = *sc;
	from.agg = NULL;
	if (e->u.var.slot < q->ngroup)
		dx(o, &from, q->group[e->u.var.slot]);
	else
		aggregate(o, sc, e->u.var.slot - q->ngroup);
}

/* A constant as PostgreSQL's deparser shows it: numbers bare unless
 * negative, everything else quoted with its type. */
static void constant(struct out *o, const struct alx_bx *e)
{
	char tn[96];
	alx_type_sqlname(e->type, tn, sizeof(tn));
	if (e->u.v.null) {
		putf(o, "NULL::%s", tn);
		return;
	}
	const char *s = NULL;
	size_t n = 0;
	if (alx_value_out(o->x->a, &e->u.v, NULL, &s, &n, NULL) != 0 ||
	    s == NULL) {
		put(o, "?");
		return;
	}
	uint8_t t = e->type.id;
	if ((t == ALX_T_INT4 || t == ALX_T_NUMERIC) && n > 0 && s[0] != '-') {
		putf(o, "%.*s", (int)n, s);
		return;
	}
	if (t == ALX_T_BOOL) {
		put(o, e->u.v.u.b ? "true" : "false");
		return;
	}
	put(o, "'");
	for (size_t i = 0; i < n; i++) {
		char c[3] = {s[i], s[i] == '\'' ? '\'' : '\0', '\0'};
		put(o, c);
	}
	putf(o, "'::%s", tn);
}

static void args(struct out *o, const struct scope *sc, const struct alx_bx *e,
		 uint32_t from, const char *sep)
{
	for (uint32_t i = from; i < e->nargs; i++) {
		if (i > from)
			put(o, sep);
		dx(o, sc, e->args[i]);
	}
}

static const char *cmp_op(int code)
{
	switch (code) {
	case ALX_CMP_EQ:
		return "=";
	case ALX_CMP_NE:
		return "<>";
	case ALX_CMP_LT:
		return "<";
	case ALX_CMP_LE:
		return "<=";
	case ALX_CMP_GT:
		return ">";
	default:
		return ">=";
	}
}

static const char *test_word(int what)
{
	switch (what) {
	case ALX_SQL_TEST_TRUE:
		return "TRUE";
	case ALX_SQL_TEST_FALSE:
		return "FALSE";
	case ALX_SQL_TEST_UNKNOWN:
		return "UNKNOWN";
	default:
		return "NULL";
	}
}

static void dx(struct out *o, const struct scope *sc, const struct alx_bx *e)
{
	if (e == NULL) {
		put(o, "?");
		return;
	}
	char tn[96];
	switch (e->kind) {
	case ALX_BX_CONST:
		constant(o, e);
		return;
	case ALX_BX_PARAM:
		putf(o, "$%u", e->u.param + 1);
		return;
	case ALX_BX_VAR:
		var(o, sc, e);
		return;
	case ALX_BX_CMP:
	case ALX_BX_ARITH:
		if (e->nargs < 2)
			break;
		put(o, "(");
		dx(o, sc, e->args[0]);
		putf(o, " %s ",
		     e->kind == ALX_BX_CMP ? cmp_op(e->u.op.code)
					   : alx_binop_symbol(e->u.op.code));
		dx(o, sc, e->args[1]);
		put(o, ")");
		return;
	case ALX_BX_NEG:
	case ALX_BX_NOT:
		put(o, e->kind == ALX_BX_NEG ? "(- " : "(NOT ");
		args(o, sc, e, 0, "");
		put(o, ")");
		return;
	case ALX_BX_AND:
	case ALX_BX_OR:
		put(o, "(");
		args(o, sc, e, 0, e->kind == ALX_BX_AND ? " AND " : " OR ");
		put(o, ")");
		return;
	case ALX_BX_TEST:
		put(o, "(");
		args(o, sc, e, 0, "");
		putf(o, " IS %s%s)", e->u.test.negated ? "NOT " : "",
		     test_word(e->u.test.what));
		return;
	case ALX_BX_DISTINCT:
		if (e->nargs < 2)
			break;
		put(o, "(");
		dx(o, sc, e->args[0]);
		putf(o, " IS %sDISTINCT FROM ",
		     e->u.test.negated ? "NOT " : "");
		dx(o, sc, e->args[1]);
		put(o, ")");
		return;
	case ALX_BX_CAST:
		put(o, "(");
		args(o, sc, e, 0, "");
		putf(o, ")::%s", alx_type_sqlname(e->type, tn, sizeof(tn)));
		return;
	case ALX_BX_FUNC:
		putf(o, "%s(", e->u.func.def ? e->u.func.def->name : "?");
		args(o, sc, e, 0, ", ");
		put(o, ")");
		return;
	case ALX_BX_AGGREF:
		if (sc->agg != NULL) {
			aggregate(o, sc, e->u.agg.index);
			return;
		}
		break;
	case ALX_BX_CASE: {
		uint32_t i = 0;
		put(o, "CASE");
		if (e->u.kase.has_arg && i < e->nargs) {
			put(o, " ");
			dx(o, sc, e->args[i++]);
		}
		uint32_t nelse = e->u.kase.has_else ? 1 : 0;
		uint32_t end = e->nargs >= nelse ? e->nargs - nelse : 0;
		for (; i + 1 < end; i += 2) {
			put(o, " WHEN ");
			dx(o, sc, e->args[i]);
			put(o, " THEN ");
			dx(o, sc, e->args[i + 1]);
		}
		if (e->u.kase.has_else && e->nargs > 0) {
			put(o, " ELSE ");
			dx(o, sc, e->args[e->nargs - 1]);
		}
		put(o, " END");
		return;
	}
	case ALX_BX_COALESCE:
	case ALX_BX_NULLIF:
	case ALX_BX_GREATEST:
	case ALX_BX_LEAST:
		put(o, e->kind == ALX_BX_COALESCE   ? "COALESCE("
		       : e->kind == ALX_BX_NULLIF   ? "NULLIF("
		       : e->kind == ALX_BX_GREATEST ? "GREATEST("
						    : "LEAST(");
		args(o, sc, e, 0, ", ");
		put(o, ")");
		return;
	case ALX_BX_LIKE:
		if (e->nargs < 2)
			break;
		put(o, "(");
		dx(o, sc, e->args[0]);
		putf(o, " %s%s ", e->u.like.negated ? "!" : "",
		     e->u.like.kind == ALX_SQL_ILIKE	 ? "~~*"
		     : e->u.like.kind == ALX_SQL_SIMILAR ? "~ similar"
							 : "~~");
		dx(o, sc, e->args[1]);
		put(o, ")");
		return;
	case ALX_BX_IN:
		if (e->nargs < 1)
			break;
		/* PostgreSQL's form of IN (list) */
		put(o, "(");
		dx(o, sc, e->args[0]);
		put(o,
		    e->u.test.negated ? " <> ALL (ARRAY[" : " = ANY (ARRAY[");
		args(o, sc, e, 1, ", ");
		put(o, "]))");
		return;
	case ALX_BX_SUBLINK:
		putf(o, "(SubPlan %u)", e->u.sub.id + 1);
		return;
	default:
		break;
	}
	put(o, "?");
}

static const char *text(struct ex *x, const struct scope *sc,
			const struct alx_bx *e, bool paren_non_var)
{
	struct out o = {.x = x};
	alx_buf_init(&o.b, x->a);
	/* PostgreSQL parenthesises keys that are not plain columns */
	bool plain = e != NULL && e->kind == ALX_BX_VAR;
	if (plain && sc->agg != NULL && e->u.var.level == 0) {
		const struct alx_bq *q = sc->agg->q;
		plain = e->u.var.slot < q->ngroup &&
			q->group[e->u.var.slot]->kind == ALX_BX_VAR;
	}
	bool wrap = paren_non_var && e != NULL && !plain;
	if (wrap)
		put(&o, "(");
	dx(&o, sc, e);
	if (wrap)
		put(&o, ")");
	if (alx_buf_append(&o.b, "", 1) != 0 || o.b.ptr == NULL) {
		x->bad = 1;
		return "";
	}
	return (const char *)o.b.ptr;
}

/* "Filter: ((a) AND (b))" from a list of conditions that all must hold. */
static void cond_line(struct ex *x, int depth, const char *what,
		      const struct scope *sc, struct alx_bx *const *v,
		      uint32_t n, const bool *skip)
{
	struct out o = {.x = x};
	alx_buf_init(&o.b, x->a);
	uint32_t shown = 0;
	for (uint32_t i = 0; i < n; i++)
		shown += !(skip && skip[i]);
	if (shown == 0)
		return;
	if (shown > 1)
		put(&o, "(");
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (skip && skip[i])
			continue;
		if (k++ > 0)
			put(&o, " AND ");
		dx(&o, sc, v[i]);
	}
	if (shown > 1)
		put(&o, ")");
	if (alx_buf_append(&o.b, "", 1) != 0 || o.b.ptr == NULL) {
		x->bad = 1;
		return;
	}
	line(x, depth, false, "%s: %s", what, (const char *)o.b.ptr);
}

/* ---- index conditions --------------------------------------------------------------- */

static bool is_key_var(const struct alx_plan *p, const struct alx_bx *e,
		       uint32_t k)
{
	return e->kind == ALX_BX_VAR && e->u.var.level == 0 && p->rte &&
	       e->u.var.slot == p->rte->off + p->index->cols[k];
}

static int flip(int op)
{
	return op == ALX_CMP_LT	  ? ALX_CMP_GT
	       : op == ALX_CMP_LE ? ALX_CMP_GE
	       : op == ALX_CMP_GT ? ALX_CMP_LT
	       : op == ALX_CMP_GE ? ALX_CMP_LE
				  : op;
}

/* Whether qual q is one the index condition already states. */
static bool in_index_cond(const struct alx_plan *p, const struct alx_bx *q)
{
	if (q->kind != ALX_BX_CMP || q->nargs != 2)
		return false;
	for (int side = 0; side < 2; side++) {
		const struct alx_bx *col = q->args[side], *v = q->args[!side];
		int op = side == 0 ? q->u.op.code : flip(q->u.op.code);
		for (uint32_t k = 0; k < p->neq && k < p->index->ncols; k++)
			if (op == ALX_CMP_EQ && is_key_var(p, col, k) &&
			    alx_bx_equal(v, p->eq[k]))
				return true;
		if (p->neq >= p->index->ncols || !is_key_var(p, col, p->neq))
			continue;
		if (p->lo != NULL && alx_bx_equal(v, p->lo) &&
		    op == (p->lo_incl ? ALX_CMP_GE : ALX_CMP_GT))
			return true;
		if (p->hi != NULL && alx_bx_equal(v, p->hi) &&
		    op == (p->hi_incl ? ALX_CMP_LE : ALX_CMP_LT))
			return true;
	}
	return false;
}

static void index_cond(struct ex *x, int depth, const struct scope *sc,
		       const struct alx_plan *p)
{
	const struct alx_cat_index *ix = p->index;
	const struct alx_cat_table *t = p->table;
	uint32_t nconds =
		p->neq + (p->lo != NULL ? 1 : 0) + (p->hi != NULL ? 1 : 0);
	if (nconds == 0)
		return; /* the whole index, in key order */
	struct out o = {.x = x};
	alx_buf_init(&o.b, x->a);
	if (nconds > 1)
		put(&o, "(");
	uint32_t k = 0;
	for (uint32_t i = 0; i < p->neq && i < ix->ncols; i++) {
		if (k++ > 0)
			put(&o, " AND ");
		putf(&o, "(%s = ", t->cols[ix->cols[i]].name);
		dx(&o, sc, p->eq[i]);
		put(&o, ")");
	}
	const char *col =
		p->neq < ix->ncols ? t->cols[ix->cols[p->neq]].name : "?";
	if (p->lo != NULL) {
		if (k++ > 0)
			put(&o, " AND ");
		putf(&o, "(%s %s ", col, p->lo_incl ? ">=" : ">");
		dx(&o, sc, p->lo);
		put(&o, ")");
	}
	if (p->hi != NULL) {
		if (k++ > 0)
			put(&o, " AND ");
		putf(&o, "(%s %s ", col, p->hi_incl ? "<=" : "<");
		dx(&o, sc, p->hi);
		put(&o, ")");
	}
	if (nconds > 1)
		put(&o, ")");
	if (alx_buf_append(&o.b, "", 1) != 0 || o.b.ptr == NULL) {
		x->bad = 1;
		return;
	}
	line(x, depth, false, "Index Cond: %s", (const char *)o.b.ptr);
}

/*
 * A join's conditions that its Hash Cond or its inner side's Index Cond
 * already state: shown there, as PostgreSQL does, though Alopex checks
 * them again on the joined row.
 */
static bool *join_skip(struct ex *x, const struct alx_plan *p)
{
	bool *skip = alx_arena_calloc(x->a, p->nquals + 1, sizeof(*skip));
	if (skip == NULL)
		return NULL;
	const struct alx_plan *r = p->right;
	bool lookup = p->kind == ALX_P_NESTLOOP && p->param_right &&
		      r != NULL && r->kind == ALX_P_SCAN &&
		      r->access != ALX_ACCESS_SEQ;
	for (uint32_t i = 0; i < p->nquals; i++) {
		const struct alx_bx *q = p->quals[i];
		if (lookup && in_index_cond(r, q)) {
			skip[i] = true;
			continue;
		}
		if (p->kind != ALX_P_HASHJOIN || q->kind != ALX_BX_CMP ||
		    q->u.op.code != ALX_CMP_EQ || q->nargs != 2)
			continue;
		for (uint32_t k = 0; k < p->nkeys; k++)
			if ((alx_bx_equal(q->args[0], p->lkeys[k]) &&
			     alx_bx_equal(q->args[1], p->rkeys[k])) ||
			    (alx_bx_equal(q->args[1], p->lkeys[k]) &&
			     alx_bx_equal(q->args[0], p->rkeys[k])))
				skip[i] = true;
	}
	return skip;
}

/* ---- nodes ------------------------------------------------------------------------- */

static void walk(struct ex *x, const struct scope *sc, const struct alx_plan *p,
		 int depth, const struct alx_plan *filter);

/* The keys of a sort or DISTINCT over `in`'s output row. */
static void keys_line(struct ex *x, int depth, const char *what,
		      const struct scope *sc, const struct alx_plan *in,
		      const struct alx_sortkey *keys, uint32_t n)
{
	struct scope inner = *sc;
	if (in != NULL && in->kind == ALX_P_APPEND && in->nchildren > 0) {
		/* a set operation: the first arm's names, as PostgreSQL */
		in = in->children[0];
		memset(&inner, 0, sizeof(inner));
		collect(&inner, in);
	}
	const struct alx_plan *proj =
		in != NULL && in->kind == ALX_P_PROJECT ? in : NULL;
	if (proj != NULL) {
		const struct alx_plan *c = proj->child;
		while (c != NULL && c->kind == ALX_P_FILTER)
			c = c->child;
		inner.agg = c != NULL && c->kind == ALX_P_AGG ? c : NULL;
	}
	struct out o = {.x = x};
	alx_buf_init(&o.b, x->a);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t col = keys ? keys[i].col : i;
		if (i > 0)
			put(&o, ", ");
		if (proj != NULL && col < proj->nexprs)
			put(&o, text(x, &inner, proj->exprs[col], true));
		else
			putf(&o, "column%u", col + 1);
		if (keys != NULL && keys[i].desc)
			put(&o, " DESC");
		if (keys != NULL && keys[i].nulls_first != keys[i].desc)
			put(&o, keys[i].nulls_first ? " NULLS FIRST"
						    : " NULLS LAST");
	}
	if (alx_buf_append(&o.b, "", 1) != 0 || o.b.ptr == NULL) {
		x->bad = 1;
		return;
	}
	line(x, depth, false, "%s: %s", what, (const char *)o.b.ptr);
}

/* The metric of a vector top-N's first key, for its node name. */
static const char *vector_metric(const struct alx_plan *p)
{
	const struct alx_plan *in = p->child;
	if (in == NULL || in->kind != ALX_P_PROJECT || p->nsort == 0 ||
	    p->keys[0].col >= in->nexprs)
		return "distance";
	const struct alx_bx *k = in->exprs[p->keys[0].col];
	if (k->kind != ALX_BX_FUNC || k->u.func.def == NULL)
		return "distance";
	const char *n = k->u.func.def->name;
	if (strcmp(n, "l2_distance") == 0)
		return "l2";
	if (strcmp(n, "cosine_distance") == 0)
		return "cosine";
	if (strstr(n, "inner_product") != NULL)
		return "inner product";
	if (k->nargs == 3 && k->args[2]->kind == ALX_BX_CONST &&
	    !k->args[2]->u.v.null)
		return "by metric argument";
	return "distance";
}

/* A TOPK over the vector index scan that orders its rows. */
static bool vector_index_below(const struct alx_plan *p)
{
	const struct alx_plan *in = p->child;
	return p->vector_topk && in != NULL && in->kind == ALX_P_PROJECT &&
	       in->child != NULL && in->child->kind == ALX_P_SCAN &&
	       in->child->access == ALX_ACCESS_VECTOR &&
	       in->child->vscan->strategy != ALX_VSCAN_EXACT;
}

static void scan(struct ex *x, const struct scope *sc, const struct alx_plan *p,
		 int depth, const struct alx_plan *filter)
{
	const char *t = p->table->name;
	const char *alias =
		p->rte && p->rte->alias && strcmp(p->rte->alias, t) != 0
			? p->rte->alias
			: NULL;
	char on[200];
	snprintf(on, sizeof(on), "%s%s%s", t, alias ? " " : "",
		 alias ? alias : "");
	bool *skip = NULL;
	if (p->access == ALX_ACCESS_VECTOR) {
		char vl[400];
		alx_plan_vector_label(p, vl, sizeof(vl));
		line(x, depth, true, "%s", vl);
	} else if (p->access == ALX_ACCESS_SEQ) {
		line(x, depth, true, "Seq Scan on %s", on);
	} else {
		line(x, depth, true, "Index Scan%s using %s on %s",
		     p->reverse ? " Backward" : "", p->index->name, on);
		index_cond(x, depth, sc, p);
		skip = alx_arena_calloc(x->a, p->nquals + 1, sizeof(*skip));
		for (uint32_t i = 0; skip != NULL && i < p->nquals; i++)
			skip[i] = in_index_cond(p, p->quals[i]);
	}
	cond_line(x, depth, "Filter", sc, p->quals, p->nquals, skip);
	if (filter != NULL)
		cond_line(x, depth, "Filter", sc, filter->quals, filter->nquals,
			  NULL);
}

static void walk(struct ex *x, const struct scope *sc, const struct alx_plan *p,
		 int depth, const struct alx_plan *filter)
{
	struct scope inner;
	switch (p->kind) {
	case ALX_P_PROJECT:
		/* projections are not shown, as in PostgreSQL */
		walk(x, sc, p->child, depth, filter);
		return;
	case ALX_P_FILTER:
		/* PostgreSQL shows these conditions on the node below */
		if (filter != NULL) {
			line(x, depth, true, "Result");
			cond_line(x, depth, "Filter", sc, filter->quals,
				  filter->nquals, NULL);
			depth++;
		}
		walk(x, sc, p->child, depth, p);
		return;
	case ALX_P_RESULT:
		line(x, depth, true, "Result");
		break;
	case ALX_P_SCAN:
		scan(x, sc, p, depth, filter);
		return;
	case ALX_P_SUBQUERY:
		line(x, depth, true, "Subquery Scan on %s",
		     p->rte && p->rte->alias ? p->rte->alias : "subquery");
		cond_line(x, depth, "Filter", sc, p->quals, p->nquals, NULL);
		if (filter != NULL)
			cond_line(x, depth, "Filter", sc, filter->quals,
				  filter->nquals, NULL);
		memset(&inner, 0, sizeof(inner));
		collect(&inner, p->child);
		walk(x, &inner, p->child, depth + 1, NULL);
		return;
	case ALX_P_FUNCSCAN:
		if (p->rte && p->rte->kind == ALX_RTE_VALUES)
			line(x, depth, true, "Values Scan on \"*VALUES*\"");
		else
			line(x, depth, true, "Function Scan on %s",
			     p->rte && p->rte->alias ? p->rte->alias
						     : "function");
		cond_line(x, depth, "Filter", sc, p->quals, p->nquals, NULL);
		break;
	case ALX_P_NESTLOOP:
		line(x, depth, true, "Nested Loop%s",
		     p->join == ALX_SQL_JOIN_LEFT ? " Left Join" : "");
		cond_line(x, depth, "Join Filter", sc, p->quals, p->nquals,
			  join_skip(x, p));
		if (filter != NULL)
			cond_line(x, depth, "Filter", sc, filter->quals,
				  filter->nquals, NULL);
		walk(x, sc, p->child, depth + 1, NULL);
		walk(x, sc, p->right, depth + 1, NULL);
		return;
	case ALX_P_HASHJOIN: {
		line(x, depth, true, "Hash%s Join",
		     p->join == ALX_SQL_JOIN_LEFT ? " Left" : "");
		struct out o = {.x = x};
		alx_buf_init(&o.b, x->a);
		if (p->nkeys > 1)
			put(&o, "(");
		for (uint32_t i = 0; i < p->nkeys; i++) {
			if (i > 0)
				put(&o, " AND ");
			put(&o, "(");
			dx(&o, sc, p->lkeys[i]);
			put(&o, " = ");
			dx(&o, sc, p->rkeys[i]);
			put(&o, ")");
		}
		if (p->nkeys > 1)
			put(&o, ")");
		if (alx_buf_append(&o.b, "", 1) == 0 && o.b.ptr != NULL)
			line(x, depth, false, "Hash Cond: %s",
			     (const char *)o.b.ptr);
		else
			x->bad = 1;
		cond_line(x, depth, "Join Filter", sc, p->quals, p->nquals,
			  join_skip(x, p));
		if (filter != NULL)
			cond_line(x, depth, "Filter", sc, filter->quals,
				  filter->nquals, NULL);
		walk(x, sc, p->child, depth + 1, NULL);
		line(x, depth + 1, true, "Hash");
		walk(x, sc, p->right, depth + 2, NULL);
		return;
	}
	case ALX_P_AGG: {
		bool grouped = p->q && p->q->ngroup > 0;
		line(x, depth, true, "%s",
		     grouped ? "HashAggregate" : "Aggregate");
		if (grouped) {
			struct out o = {.x = x};
			alx_buf_init(&o.b, x->a);
			for (uint32_t i = 0; i < p->q->ngroup; i++) {
				if (i > 0)
					put(&o, ", ");
				put(&o, text(x, sc, p->q->group[i], true));
			}
			if (alx_buf_append(&o.b, "", 1) == 0 && o.b.ptr)
				line(x, depth, false, "Group Key: %s",
				     (const char *)o.b.ptr);
			else
				x->bad = 1;
		}
		if (filter != NULL) {
			/* HAVING: over the agg row */
			inner = *sc;
			inner.agg = p;
			cond_line(x, depth, "Filter", &inner, filter->quals,
				  filter->nquals, NULL);
		}
		walk(x, sc, p->child, depth + 1, NULL);
		return;
	}
	case ALX_P_DISTINCT:
		line(x, depth, true, "HashAggregate");
		keys_line(x, depth, "Group Key", sc, p->child, NULL, p->ncols);
		walk(x, sc, p->child, depth + 1, NULL);
		return;
	case ALX_P_SORT:
		if (p->nunique > 0) {
			/* DISTINCT ON: PostgreSQL's Unique over its Sort */
			line(x, depth, true, "Unique");
			depth++;
		}
		line(x, depth, true, "Sort");
		keys_line(x, depth, "Sort Key", sc, p->child, p->keys,
			  p->nsort);
		walk(x, sc, p->child, depth + 1, NULL);
		return;
	case ALX_P_TOPK:
		/* ORDER BY ... LIMIT: a bounded heap, never a full sort */
		line(x, depth, true, "Limit");
		if (vector_index_below(p)) {
			/* the index gives the order (pgvector's words) */
			const struct alx_plan *sp = p->child->child;
			char vl[400];
			alx_plan_vector_label(sp, vl, sizeof(vl));
			line(x, depth + 1, true, "%s", vl);
			keys_line(x, depth + 1, "Order By", sc, p->child,
				  p->keys, p->nsort);
			cond_line(x, depth + 1, "Filter", sc, sp->quals,
				  sp->nquals, NULL);
			return;
		}
		if (p->vector_topk)
			line(x, depth + 1, true,
			     "Vector Top-N Sort (exact, %s)", vector_metric(p));
		else
			line(x, depth + 1, true, "Top-N Sort");
		keys_line(x, depth + 1, "Sort Key", sc, p->child, p->keys,
			  p->nsort);
		walk(x, sc, p->child, depth + 2, NULL);
		return;
	case ALX_P_LIMIT:
		line(x, depth, true, "Limit");
		walk(x, sc, p->child, depth + 1, NULL);
		return;
	case ALX_P_APPEND:
		line(x, depth, true, "Append");
		for (uint32_t i = 0; i < p->nchildren; i++) {
			memset(&inner, 0, sizeof(inner));
			collect(&inner, p->children[i]);
			walk(x, &inner, p->children[i], depth + 1, NULL);
		}
		return;
	case ALX_P_SETOP:
		line(x, depth, true, "HashSetOp %s%s",
		     p->setop == ALX_SQL_INTERSECT ? "Intersect" : "Except",
		     p->all ? " All" : "");
		memset(&inner, 0, sizeof(inner));
		collect(&inner, p->child);
		walk(x, &inner, p->child, depth + 1, NULL);
		memset(&inner, 0, sizeof(inner));
		collect(&inner, p->right);
		walk(x, &inner, p->right, depth + 1, NULL);
		return;
	default:
		line(x, depth, true, "Node %d", p->kind);
		return;
	}
	if (filter != NULL)
		cond_line(x, depth, "Filter", sc, filter->quals, filter->nquals,
			  NULL);
}

int alx_plan_explain(struct alx_arena *a, const struct alx_plan *p,
		     char ***lines, uint32_t *nlines)
{
	struct ex x = {a, NULL, 0, 0, 0, false};
	struct scope all = {0}, sc = {0};
	count_all(&all, p);
	x.qualify = all.n > 1;
	collect(&sc, p);
	walk(&x, &sc, p, 0, NULL);
	if (x.bad)
		return ALOPEX_ENOMEM;
	*lines = x.lines;
	*nlines = x.n;
	return 0;
}
