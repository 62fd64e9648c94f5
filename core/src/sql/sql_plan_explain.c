/* EXPLAIN: the plan tree as text lines, laid out as PostgreSQL does. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "sql/sql_plan.h"

struct ex {
	struct alx_arena *a;
	char **lines;
	uint32_t n, cap;
	int bad;
};

static void line(struct ex *x, int depth, bool node, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void line(struct ex *x, int depth, bool node, const char *fmt, ...)
{
	char body[400], pre[200];
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

static const char *join_word(int kind)
{
	return kind == ALX_SQL_JOIN_LEFT ? " Left Join" : "";
}

static void quals(struct ex *x, int depth, const struct alx_plan *p,
		  const char *what)
{
	if (p->nquals > 0)
		line(x, depth, false, "%s: %u condition%s", what, p->nquals,
		     p->nquals == 1 ? "" : "s");
}

static void walk(struct ex *x, const struct alx_plan *p, int depth)
{
	switch (p->kind) {
	case ALX_P_PROJECT:
		/* projections are not shown, as in PostgreSQL */
		walk(x, p->child, depth);
		return;
	case ALX_P_RESULT:
		line(x, depth, true, "Result");
		return;
	case ALX_P_SCAN: {
		const char *t = p->table->name;
		const char *alias =
			p->rte && p->rte->alias && strcmp(p->rte->alias, t) != 0
				? p->rte->alias
				: NULL;
		char on[200];
		snprintf(on, sizeof(on), "%s%s%s", t, alias ? " " : "",
			 alias ? alias : "");
		if (p->access == ALX_ACCESS_SEQ) {
			line(x, depth, true, "Seq Scan on %s", on);
		} else {
			line(x, depth, true, "Index Scan%s using %s on %s",
			     p->reverse ? " Backward" : "", p->index->name, on);
			if (p->neq == 0 && p->lo == NULL && p->hi == NULL)
				line(x, depth, false,
				     "Index Cond: none (all rows, in key "
				     "order)");
			else if (p->key_only)
				line(x, depth, false,
				     "Index Cond: point lookup on %u key "
				     "column%s",
				     p->neq, p->neq == 1 ? "" : "s");
			else
				line(x, depth, false,
				     "Index Cond: %u equality column%s%s%s",
				     p->neq, p->neq == 1 ? "" : "s",
				     p->lo ? ", lower bound" : "",
				     p->hi ? ", upper bound" : "");
		}
		quals(x, depth, p, "Filter");
		return;
	}
	case ALX_P_SUBQUERY:
		line(x, depth, true, "Subquery Scan on %s",
		     p->rte && p->rte->alias ? p->rte->alias : "subquery");
		quals(x, depth, p, "Filter");
		walk(x, p->child, depth + 1);
		return;
	case ALX_P_FUNCSCAN:
		if (p->rte && p->rte->kind == ALX_RTE_VALUES)
			line(x, depth, true, "Values Scan on \"*VALUES*\"");
		else
			line(x, depth, true, "Function Scan on %s",
			     p->rte && p->rte->alias ? p->rte->alias
						     : "function");
		quals(x, depth, p, "Filter");
		return;
	case ALX_P_FILTER:
		line(x, depth, true, "Filter");
		quals(x, depth, p, "Filter");
		walk(x, p->child, depth + 1);
		return;
	case ALX_P_NESTLOOP:
		line(x, depth, true, "Nested Loop%s%s", join_word(p->join),
		     p->param_right ? " (index lookup per outer row)" : "");
		quals(x, depth, p, "Join Filter");
		walk(x, p->child, depth + 1);
		walk(x, p->right, depth + 1);
		return;
	case ALX_P_HASHJOIN:
		line(x, depth, true, "Hash%s Join",
		     join_word(p->join)[0] ? " Left" : "");
		line(x, depth, false, "Hash Cond: %u key%s", p->nkeys,
		     p->nkeys == 1 ? "" : "s");
		walk(x, p->child, depth + 1);
		line(x, depth + 1, true, "Hash");
		walk(x, p->right, depth + 2);
		return;
	case ALX_P_AGG:
		line(x, depth, true, "%s",
		     p->q && p->q->ngroup > 0 ? "HashAggregate" : "Aggregate");
		if (p->q && p->q->ngroup > 0)
			line(x, depth, false, "Group Key: %u expression%s",
			     p->q->ngroup, p->q->ngroup == 1 ? "" : "s");
		walk(x, p->child, depth + 1);
		return;
	case ALX_P_DISTINCT:
		line(x, depth, true, "HashAggregate");
		line(x, depth, false, "Group Key: %u column%s (DISTINCT)",
		     p->ncols, p->ncols == 1 ? "" : "s");
		walk(x, p->child, depth + 1);
		return;
	case ALX_P_SORT:
		line(x, depth, true, "Sort");
		line(x, depth, false, "Sort Key: %u column%s", p->nsort,
		     p->nsort == 1 ? "" : "s");
		walk(x, p->child, depth + 1);
		return;
	case ALX_P_TOPK:
		line(x, depth, true, "Limit");
		line(x, depth + 1, true, "%s",
		     p->vector_topk ? "Top-K Sort (exact vector distance "
				      "scan, bounded heap)"
				    : "Top-K Sort (bounded heap)");
		line(x, depth + 1, false, "Sort Key: %u column%s", p->nsort,
		     p->nsort == 1 ? "" : "s");
		walk(x, p->child, depth + 2);
		return;
	case ALX_P_LIMIT:
		line(x, depth, true, "Limit");
		walk(x, p->child, depth + 1);
		return;
	case ALX_P_APPEND:
		line(x, depth, true, "Append");
		for (uint32_t i = 0; i < p->nchildren; i++)
			walk(x, p->children[i], depth + 1);
		return;
	case ALX_P_SETOP:
		line(x, depth, true, "HashSetOp %s%s",
		     p->setop == ALX_SQL_INTERSECT ? "Intersect" : "Except",
		     p->all ? " All" : "");
		walk(x, p->child, depth + 1);
		walk(x, p->right, depth + 1);
		return;
	default:
		line(x, depth, true, "Node %d", p->kind);
		return;
	}
}

int alx_plan_explain(struct alx_arena *a, const struct alx_plan *p,
		     char ***lines, uint32_t *nlines)
{
	struct ex x = {a, NULL, 0, 0, 0};
	walk(&x, p, 0);
	if (x.bad)
		return ALOPEX_ENOMEM;
	*lines = x.lines;
	*nlines = x.n;
	return 0;
}
