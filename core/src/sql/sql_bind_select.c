/* Queries: targets, grouping, ORDER BY, set operations, subqueries. */
#include <stdio.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_bind.h"
#include "sql/sql_bind_int.h"
#include "sql/sql_func.h"
#include "sql/sql_session.h"

/* ---- targets ---------------------------------------------------------- */

/* PostgreSQL's FigureColname: a name and how strong a claim it is (2 for
 * columns and functions, 1 for constructs and type names). */
static const char *figure_name_s(const struct alx_sql_expr *x, int *strength)
{
	*strength = 1;
	switch (x->kind) {
	case ALX_SQL_E_COLUMN:
		*strength = 2;
		if (x->u.column.names.n > 0)
			return x->u.column.names.v[x->u.column.names.n - 1].ptr;
		*strength = 0;
		break;
	case ALX_SQL_E_FUNC:
		*strength = 2;
		return x->u.func.name.v[x->u.func.name.n - 1].ptr;
	case ALX_SQL_E_CAST: {
		int st;
		const char *n = figure_name_s(x->u.cast.arg, &st);
		if (n != NULL && st > 1) {
			*strength = st;
			return n;
		}
		const struct alx_sql_names *tn = &x->u.cast.type->names;
		return tn->v[tn->n - 1].ptr;
	}
	case ALX_SQL_E_CASE:
		return "case";
	case ALX_SQL_E_COALESCE:
		return "coalesce";
	case ALX_SQL_E_NULLIF:
		return "nullif";
	case ALX_SQL_E_GREATEST:
		return "greatest";
	case ALX_SQL_E_LEAST:
		return "least";
	case ALX_SQL_E_ARRAY:
		return "array";
	case ALX_SQL_E_ROW:
		return "row";
	case ALX_SQL_E_COLLATE:
		return figure_name_s(x->u.collate.arg, strength);
	case ALX_SQL_E_SUBLINK:
		*strength = 2;
		if (x->u.sublink.kind == ALX_SQL_SUB_EXISTS)
			return "exists";
		if (x->u.sublink.kind == ALX_SQL_SUB_ARRAY)
			return "array";
		if (x->u.sublink.kind == ALX_SQL_SUB_EXPR) {
			const struct alx_sql_select *q = x->u.sublink.query;
			while (q->kind == ALX_SQL_SELECT_SETOP)
				q = q->larg;
			if (q->kind == ALX_SQL_SELECT_SIMPLE &&
			    q->ntargets == 1) {
				if (q->targets[0].alias.ptr)
					return q->targets[0].alias.ptr;
				int st;
				const char *n =
					figure_name_s(q->targets[0].expr, &st);
				*strength = n ? st : 0;
				return n;
			}
		}
		*strength = 0;
		break;
	case ALX_SQL_E_SQLVALUE:
		switch (x->u.sqlvalue.kind) {
		case ALX_SQL_V_CURRENT_DATE:
			return "current_date";
		case ALX_SQL_V_CURRENT_TIME:
			return "current_time";
		case ALX_SQL_V_CURRENT_TIMESTAMP:
			return "current_timestamp";
		case ALX_SQL_V_LOCALTIME:
			return "localtime";
		case ALX_SQL_V_LOCALTIMESTAMP:
			return "localtimestamp";
		case ALX_SQL_V_CURRENT_ROLE:
			return "current_role";
		case ALX_SQL_V_CURRENT_USER:
			return "current_user";
		case ALX_SQL_V_SESSION_USER:
			return "session_user";
		case ALX_SQL_V_USER:
			return "user";
		case ALX_SQL_V_CURRENT_CATALOG:
			return "current_catalog";
		default:
			return "current_schema";
		}
	default:
		break;
	}
	*strength = 0;
	return NULL;
}

static const char *figure_name(const struct alx_sql_expr *x)
{
	int st;
	return figure_name_s(x, &st);
}

/* Expand * or t.* over the FROM tree in PostgreSQL's order. */
static int expand_from(struct alx_bind_ctx *b, struct alx_bq *q,
		       const struct alx_bfrom *f, char **skip, uint32_t nskip)
{
	if (f->kind == ALX_FROM_REL) {
		const struct alx_rte *r = q->rtes[f->rte];
		for (uint32_t i = 0; i < r->ncols; i++) {
			if (r->colnames[i] == NULL)
				continue;
			if (r->hidden && r->hidden[i])
				continue;
			bool skipped = false;
			for (uint32_t k = 0; k < nskip; k++)
				if (strcmp(skip[k], r->colnames[i]) == 0)
					skipped = true;
			if (skipped)
				continue;
			struct alx_bx *v =
				alx_bx_var(b, 0, r->off + i, r->coltypes[i]);
			if (v == NULL)
				return alx_bind_oom(b);
			int rc = alx_bq_add_target(b, q, v, r->colnames[i]);
			if (rc != 0)
				return rc;
		}
		return 0;
	}
	if (f->nusing > 0) {
		/* the merged columns first, from the left side */
		for (uint32_t k = 0; k < f->nusing; k++) {
			for (uint32_t i = f->l->rte_lo; i < f->l->rte_hi; i++) {
				uint32_t c;
				const struct alx_rte *r = q->rtes[i];
				if (!alx_rte_col(r, f->using_cols[k], &c, true))
					continue;
				struct alx_bx *v = alx_bx_var(b, 0, r->off + c,
							      r->coltypes[c]);
				if (v == NULL)
					return alx_bind_oom(b);
				int rc = alx_bq_add_target(b, q, v,
							   r->colnames[c]);
				if (rc != 0)
					return rc;
				break;
			}
		}
		int rc = expand_from(b, q, f->l, f->using_cols, f->nusing);
		if (rc == 0)
			rc = expand_from(b, q, f->r, NULL, 0);
		return rc;
	}
	int rc = expand_from(b, q, f->l, skip, nskip);
	if (rc == 0)
		rc = expand_from(b, q, f->r, skip, nskip);
	return rc;
}

static int bind_targets(struct alx_bind_ctx *b, struct alx_scope *sc,
			const struct alx_sql_select *s)
{
	struct alx_bq *q = sc->q;
	for (uint32_t i = 0; i < s->ntargets; i++) {
		const struct alx_sql_target *t = &s->targets[i];
		const struct alx_sql_expr *x = t->expr;
		if (x->kind == ALX_SQL_E_COLUMN && x->u.column.star) {
			const struct alx_sql_names *nm = &x->u.column.names;
			int rc;
			if (nm->n == 0) {
				if (q->from == NULL)
					return alx_bind_err(
						b, "42601",
						"SELECT * with no tables "
						"specified is not valid");
				rc = expand_from(b, q, q->from, NULL, 0);
			} else {
				const char *rel = nm->v[nm->n - 1].ptr;
				uint32_t lv;
				const struct alx_rte *r =
					alx_scope_find_rte(sc, rel, NULL, &lv);
				if (r == NULL || lv != 0)
					return alx_bind_missing_rte(b, sc, rel);
				rc = 0;
				for (uint32_t c = 0; rc == 0 && c < r->ncols;
				     c++) {
					if (r->colnames[c] == NULL)
						continue;
					struct alx_bx *v =
						alx_bx_var(b, 0, r->off + c,
							   r->coltypes[c]);
					rc = v ? alx_bq_add_target(
							 b, q, v,
							 r->colnames[c])
					       : alx_bind_oom(b);
				}
			}
			if (rc != 0)
				return rc;
			continue;
		}
		struct alx_bx *e;
		int rc = alx_bind_expr(b, sc, x, ALX_ECTX_TARGET, &e);
		if (rc != 0)
			return rc;
		const char *name = t->alias.ptr ? t->alias.ptr : figure_name(x);
		rc = alx_bq_add_target(b, q, e, name ? name : "?column?");
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- aggregates and grouping ------------------------------------------ */

static int slot_name(const struct alx_bq *q, uint32_t slot, char *buf,
		     size_t size)
{
	for (uint32_t i = 0; i < q->nrte; i++) {
		const struct alx_rte *r = q->rtes[i];
		if (slot >= r->off && slot < r->off + r->ncols) {
			snprintf(buf, size, "%s.%s", r->alias ? r->alias : "",
				 r->colnames[slot - r->off]
					 ? r->colnames[slot - r->off]
					 : "?");
			return 0;
		}
	}
	snprintf(buf, size, "?");
	return 0;
}

/* Rewrite e (over the FROM row) to the agg row. */
static int to_agg_row(struct alx_bind_ctx *b, struct alx_bq *q,
		      struct alx_bx **pe)
{
	struct alx_bx *e = *pe;
	for (uint32_t i = 0; i < q->ngroup; i++) {
		if (alx_bx_equal(e, q->group[i])) {
			*pe = alx_bx_var(b, 0, i, e->type);
			return *pe ? 0 : alx_bind_oom(b);
		}
	}
	switch (e->kind) {
	case ALX_BX_AGGREF:
		*pe = alx_bx_var(b, 0, q->ngroup + e->u.agg.index, e->type);
		return *pe ? 0 : alx_bind_oom(b);
	case ALX_BX_VAR:
		if (e->u.var.level == 0) {
			char name[160];
			slot_name(q, e->u.var.slot, name, sizeof(name));
			return alx_bind_err(
				b, "42803",
				"column \"%s\" must appear in the GROUP BY "
				"clause or be used in an aggregate function",
				name);
		}
		return 0;
	case ALX_BX_SUBLINK:
		if (e->u.sub.correlated)
			return alx_bind_err(b, "0A000",
					    "correlated subqueries in an "
					    "aggregated query's output are not "
					    "supported yet");
		return 0;
	default:
		break;
	}
	for (uint32_t i = 0; i < e->nargs; i++) {
		int rc = to_agg_row(b, q, &e->args[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static bool has_volatile(const struct alx_bx *e)
{
	if (e == NULL)
		return false;
	if (e->kind == ALX_BX_FUNC && (e->u.func.def->flags & ALX_FN_VOLATILE))
		return true;
	for (uint32_t i = 0; i < e->nargs; i++)
		if (has_volatile(e->args[i]))
			return true;
	return false;
}

static bool bx_same(const struct alx_bx *x, const struct alx_bx *y)
{
	if (x == NULL || y == NULL)
		return x == y;
	return alx_bx_equal(x, y) && !has_volatile(x);
}

/* Whether two aggregate calls of one query always compute the same. */
static bool agg_same(const struct alx_agg *x, const struct alx_agg *y)
{
	if (x->kind != y->kind || x->distinct != y->distinct ||
	    x->type.id != y->type.id || x->norder != y->norder ||
	    !bx_same(x->arg, y->arg) || !bx_same(x->arg2, y->arg2) ||
	    !bx_same(x->filter, y->filter))
		return false;
	for (uint32_t i = 0; i < x->norder; i++)
		if (!bx_same(x->order[i], y->order[i]) ||
		    x->order_desc[i] != y->order_desc[i] ||
		    x->nulls_first[i] != y->nulls_first[i])
			return false;
	return true;
}

int alx_bind_agg(struct alx_bind_ctx *b, struct alx_scope *sc,
		 const struct alx_sql_expr *x, int ectx, struct alx_bx **out)
{
	const char *name = x->u.func.name.v[x->u.func.name.n - 1].ptr;
	int kind = alx_agg_kind(name);
	char b1[64];
	if (kind == 0)
		return alx_bind_err(b, "42809",
				    "%s is not an aggregate function", name);
	if (ectx != ALX_ECTX_TARGET && ectx != ALX_ECTX_HAVING) {
		const char *where =
			sc->ectx_clause == 1	   ? "JOIN conditions"
			: ectx == ALX_ECTX_AGG_ARG ? "aggregate function calls"
			: ectx == ALX_ECTX_VALUES  ? "VALUES"
			: ectx == ALX_ECTX_DEFAULT_EXPR ? "DEFAULT expressions"
			: sc->ectx_clause == 2		? "GROUP BY"
							: "WHERE";
		if (ectx == ALX_ECTX_AGG_ARG)
			return alx_bind_err(b, "42803",
					    "aggregate function calls cannot "
					    "be nested");
		return alx_bind_err(b, "42803",
				    "aggregate functions are not allowed in "
				    "%s",
				    where);
	}
	if (sc->q == NULL)
		return alx_bind_err(b, "42803",
				    "aggregate functions are not allowed here");
	if (x->u.func.norder > 0 && kind != ALX_AGG_STRING_AGG)
		return alx_bind_err(b, "0A000",
				    "ORDER BY in aggregates is not supported "
				    "yet");
	struct alx_agg *ag = alx_arena_calloc(b->a, 1, sizeof(*ag));
	if (ag == NULL)
		return alx_bind_oom(b);
	ag->kind = (uint8_t)kind;
	ag->distinct = x->u.func.distinct;
	uint32_t n = x->u.func.args.n;
	int rc = 0;
	if (x->u.func.star) {
		if (kind != ALX_AGG_COUNT) /* PostgreSQL's words for f(*) */
			return alx_bind_err(b, "42883",
					    "function %s() does not exist",
					    name);
		ag->kind = ALX_AGG_COUNT_STAR;
		ag->type = alx_type_make(ALX_T_INT8);
	} else {
		uint32_t want = kind == ALX_AGG_STRING_AGG ? 2 : 1;
		if (n != want) {
			/* PostgreSQL names the argument types */
			struct alx_bx **args =
				alx_arena_calloc(b->a, n + 1, sizeof(*args));
			if (args == NULL)
				return alx_bind_oom(b);
			for (uint32_t i = 0; i < n; i++) {
				rc = alx_bind_expr(b, sc, x->u.func.args.v[i],
						   ALX_ECTX_AGG_ARG, &args[i]);
				if (rc != 0)
					return rc;
			}
			return alx_func_no_match(b, name, args, n);
		}
		rc = alx_bind_expr(b, sc, x->u.func.args.v[0], ALX_ECTX_AGG_ARG,
				   &ag->arg);
		if (rc == 0 && n == 2)
			rc = alx_bind_expr(b, sc, x->u.func.args.v[1],
					   ALX_ECTX_AGG_ARG, &ag->arg2);
		if (rc != 0)
			return rc;
		int t = ag->arg->type.id;
		switch (kind) {
		case ALX_AGG_COUNT:
			ag->type = alx_type_make(ALX_T_INT8);
			break;
		case ALX_AGG_SUM:
		case ALX_AGG_AVG:
			if (t == ALX_T_UNKNOWN) /* as PostgreSQL: no guess */
				return alx_bind_err(b, "42725",
						    "function %s(unknown) is "
						    "not unique",
						    name);
			if (t == ALX_T_INT2 || t == ALX_T_INT4)
				ag->type = alx_type_make(
					kind == ALX_AGG_SUM ? ALX_T_INT8
							    : ALX_T_NUMERIC);
			else if (t == ALX_T_INT8 || t == ALX_T_NUMERIC)
				ag->type = alx_type_make(ALX_T_NUMERIC);
			else if (t == ALX_T_FLOAT4)
				ag->type = alx_type_make(
					kind == ALX_AGG_SUM ? ALX_T_FLOAT4
							    : ALX_T_FLOAT8);
			else if (t == ALX_T_FLOAT8)
				ag->type = alx_type_make(ALX_T_FLOAT8);
			else if (t == ALX_T_VECTOR)
				ag->type = alx_type_make(ALX_T_VECTOR);
			else if (t == ALX_T_INTERVAL)
				ag->type = alx_type_make(ALX_T_INTERVAL);
			else
				return alx_bind_err(
					b, "42883",
					"function %s(%s) does not exist", name,
					alx_type_sqlname(ag->arg->type, b1,
							 sizeof(b1)));
			break;
		case ALX_AGG_MIN:
		case ALX_AGG_MAX:
			if (t == ALX_T_UNKNOWN)
				rc = alx_bind_coerce(b, &ag->arg,
						     alx_type_make(ALX_T_TEXT),
						     ALX_CAST_IMPLICIT, NULL);
			if (t == ALX_T_JSON)
				return alx_bind_err(
					b, "42883",
					"function %s(json) does not exist",
					name);
			ag->type = ag->arg->type;
			ag->type.mod = -1;
			break;
		case ALX_AGG_BOOL_AND:
		case ALX_AGG_BOOL_OR:
			rc = alx_bind_coerce(b, &ag->arg,
					     alx_type_make(ALX_T_BOOL),
					     ALX_CAST_IMPLICIT, NULL);
			ag->type = alx_type_make(ALX_T_BOOL);
			break;
		case ALX_AGG_STRING_AGG:
			rc = alx_bind_coerce(b, &ag->arg,
					     alx_type_make(ALX_T_TEXT),
					     ALX_CAST_IMPLICIT, NULL);
			if (rc == 0)
				rc = alx_bind_coerce(b, &ag->arg2,
						     alx_type_make(ALX_T_TEXT),
						     ALX_CAST_IMPLICIT, NULL);
			ag->type = alx_type_make(ALX_T_TEXT);
			break;
		default:
			return alx_bind_err(b, "0A000",
					    "aggregate %s is not supported yet",
					    name);
		}
		if (rc != 0)
			return rc;
	}
	if (x->u.func.norder > 0) {
		uint32_t k = x->u.func.norder;
		ag->order = alx_arena_calloc(b->a, k, sizeof(*ag->order));
		ag->order_desc = alx_arena_calloc(b->a, k, sizeof(bool));
		ag->nulls_first = alx_arena_calloc(b->a, k, sizeof(bool));
		if (ag->order == NULL || ag->order_desc == NULL ||
		    ag->nulls_first == NULL)
			return alx_bind_oom(b);
		for (uint32_t i = 0; i < k; i++) {
			const struct alx_sql_sortby *o = &x->u.func.order_by[i];
			if (o->using_op.len > 0)
				return alx_bind_err(b, "0A000",
						    "ORDER BY ... USING is not "
						    "supported yet");
			rc = alx_bind_expr(b, sc, o->expr, ALX_ECTX_AGG_ARG,
					   &ag->order[i]);
			if (rc != 0)
				return rc;
			bool desc = o->dir == ALX_SQL_SORT_DESC;
			ag->order_desc[i] = desc;
			ag->nulls_first[i] =
				o->nulls == ALX_SQL_NULLS_FIRST ||
				(o->nulls == ALX_SQL_NULLS_DEFAULT && desc);
		}
		ag->norder = k;
	}
	if (x->u.func.filter != NULL) {
		rc = alx_bind_expr(b, sc, x->u.func.filter, ALX_ECTX_AGG_ARG,
				   &ag->filter);
		if (rc == 0)
			rc = alx_bind_bool(b, &ag->filter, "FILTER");
		if (rc != 0)
			return rc;
	}
	struct alx_bq *q = sc->q;
	struct alx_bx *e = alx_bx_new(b, ALX_BX_AGGREF, ag->type, 0);
	if (e == NULL)
		return alx_bind_oom(b);
	/* The same call written twice (target, HAVING, ORDER BY, DISTINCT
	 * ON) is one aggregate, so those clauses see equal expressions. */
	for (uint32_t i = 0; i < q->naggs; i++)
		if (agg_same(q->aggs[i], ag)) {
			e->u.agg.index = i;
			*out = e;
			return 0;
		}
	struct alx_agg **v = alx_bq_grow(b, q->aggs, q->naggs, sizeof(*v));
	if (v == NULL)
		return alx_bind_oom(b);
	v[q->naggs] = ag;
	q->aggs = v;
	e->u.agg.index = q->naggs++;
	*out = e;
	return 0;
}

/*
 * A GROUP BY, ORDER BY or DISTINCT ON item naming an output column: its
 * index. Any other constant is an error there, as in PostgreSQL, whose
 * integer constants are int4 (bigger ones are numeric).
 */
static int output_ref(struct alx_bind_ctx *b, struct alx_bq *q,
		      const struct alx_sql_expr *x, const char *clause,
		      bool names_first, int *idx)
{
	*idx = -1;
	if (x->kind == ALX_SQL_E_CONST &&
	    (x->u.cnst.kind != ALX_SQL_C_INT || x->u.cnst.ival > INT32_MAX ||
	     x->u.cnst.ival < -INT32_MAX))
		return alx_bind_err(b, "42601", "non-integer constant in %s",
				    clause);
	if (x->kind == ALX_SQL_E_CONST) {
		int64_t n = x->u.cnst.ival;
		if (n < 1 || n > (int64_t)q->ntargets)
			return alx_bind_err(b, "42P10",
					    "%s position %lld is not in select "
					    "list",
					    clause, (long long)n);
		*idx = (int)n - 1;
		return 0;
	}
	if (!names_first || x->kind != ALX_SQL_E_COLUMN || x->u.column.star ||
	    x->u.column.names.n != 1)
		return 0;
	const char *name = x->u.column.names.v[0].ptr;
	for (uint32_t i = 0; i < q->ntargets; i++) {
		if (q->names[i] == NULL || strcmp(q->names[i], name) != 0)
			continue;
		if (*idx >= 0 && !alx_bx_equal(q->targets[*idx], q->targets[i]))
			return alx_bind_err(b, "42702",
					    "%s \"%s\" is ambiguous", clause,
					    name);
		if (*idx < 0)
			*idx = (int)i;
	}
	return 0;
}

static int bind_group_by(struct alx_bind_ctx *b, struct alx_scope *sc,
			 const struct alx_sql_select *s)
{
	struct alx_bq *q = sc->q;
	if (s->group_by.n == 0)
		return 0;
	q->group = alx_arena_calloc(b->a, s->group_by.n + 1, sizeof(*q->group));
	if (q->group == NULL)
		return alx_bind_oom(b);
	for (uint32_t i = 0; i < s->group_by.n; i++) {
		const struct alx_sql_expr *x = s->group_by.v[i];
		int idx;
		int rc = output_ref(b, q, x, "GROUP BY", false, &idx);
		if (rc != 0)
			return rc;
		struct alx_bx *e = NULL;
		if (idx < 0) {
			sc->ectx_clause = 2;
			rc = alx_bind_expr(b, sc, x, ALX_ECTX_WHERE, &e);
			sc->ectx_clause = 0;
			if (rc == ALOPEX_ESQL &&
			    strcmp(b->d->sqlstate, "42703") == 0 &&
			    x->kind == ALX_SQL_E_COLUMN &&
			    x->u.column.names.n == 1) {
				/* an output column alias */
				const char *n = x->u.column.names.v[0].ptr;
				for (uint32_t k = 0; k < q->ntargets; k++)
					if (q->names[k] &&
					    strcmp(q->names[k], n) == 0) {
						idx = (int)k;
						break;
					}
				if (idx >= 0)
					rc = 0;
			}
			if (rc != 0)
				return rc;
		}
		if (idx >= 0) {
			e = q->targets[idx];
			if (e->kind == ALX_BX_AGGREF)
				return alx_bind_err(b, "42803",
						    "aggregate functions are "
						    "not allowed in GROUP BY");
		}
		q->group[q->ngroup++] = e;
	}
	return 0;
}

static int add_sort(struct alx_bind_ctx *b, struct alx_bq *q, uint32_t col,
		    const struct alx_sql_sortby *sb)
{
	struct alx_sortkey *v = alx_bq_grow(b, q->sort, q->nsort, sizeof(*v));
	if (v == NULL)
		return alx_bind_oom(b);
	if (sb->using_op.ptr != NULL)
		return alx_bind_err(b, "0A000",
				    "ORDER BY USING is not supported");
	bool desc = sb->dir == ALX_SQL_SORT_DESC;
	v[q->nsort].col = col;
	v[q->nsort].desc = desc;
	v[q->nsort].nulls_first = sb->nulls == ALX_SQL_NULLS_FIRST ||
				  (sb->nulls == ALX_SQL_NULLS_DEFAULT && desc);
	q->sort = v;
	q->nsort++;
	return 0;
}

/*
 * An ORDER BY or DISTINCT ON item that names no output column: bound as an
 * expression, it is the output column it equals, or a hidden one added
 * for it (an unknown literal as text). not_hidden: the 42P10 message when
 * a hidden column is not allowed (SELECT DISTINCT), else NULL.
 */
static int target_of(struct alx_bind_ctx *b, struct alx_scope *sc,
		     const struct alx_sql_expr *x, const char *not_hidden,
		     int *idx)
{
	struct alx_bq *q = sc->q;
	struct alx_bx *e;
	int rc = alx_bind_expr(b, sc, x, ALX_ECTX_TARGET, &e);
	if (rc != 0)
		return rc;
	for (uint32_t k = 0; k < q->nout; k++)
		if (alx_bx_equal(e, q->targets[k])) {
			*idx = (int)k;
			return 0;
		}
	if (not_hidden != NULL)
		return alx_bind_err(b, "42P10", "%s", not_hidden);
	if (e->type.id == ALX_T_UNKNOWN) {
		rc = alx_bind_coerce(b, &e, alx_type_make(ALX_T_TEXT),
				     ALX_CAST_IMPLICIT, NULL);
		if (rc != 0)
			return rc;
	}
	*idx = (int)q->nout;
	return alx_bq_add_target(b, q, e, NULL);
}

static int bind_order_by(struct alx_bind_ctx *b, struct alx_scope *sc,
			 const struct alx_sql_select *s)
{
	struct alx_bq *q = sc->q;
	for (uint32_t i = 0; i < s->norder; i++) {
		const struct alx_sql_sortby *sb = &s->order_by[i];
		int idx;
		int rc = output_ref(b, q, sb->expr, "ORDER BY", true, &idx);
		if (rc != 0)
			return rc;
		if (idx < 0) {
			rc = target_of(b, sc, sb->expr,
				       q->distinct ? "for SELECT DISTINCT, "
						     "ORDER BY expressions "
						     "must appear in select "
						     "list"
						   : NULL,
				       &idx);
			if (rc != 0)
				return rc;
		}
		if (q->types[idx].id == ALX_T_JSON)
			return alx_bind_err(b, "42883",
					    "could not identify an ordering "
					    "operator for type json");
		rc = add_sort(b, q, (uint32_t)idx, sb);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static bool has_col(const uint32_t *v, uint32_t n, uint32_t col)
{
	for (uint32_t i = 0; i < n; i++)
		if (v[i] == col)
			return true;
	return false;
}

static int distinct_on_mismatch(struct alx_bind_ctx *b, int32_t loc)
{
	if (b->err_pos == 0 && loc >= 0)
		b->err_pos = (uint32_t)loc + 1;
	return alx_bind_err(b, "42P10",
			    "SELECT DISTINCT ON expressions must match "
			    "initial ORDER BY expressions");
}

/*
 * SELECT DISTINCT ON (exprs), as PostgreSQL's transformDistinctOnClause:
 * each expression is an output column (a position, an output name, an
 * equal target, else a junk column, as in ORDER BY). ORDER BY must begin
 * with those columns, in any order; the ones it lacks are sorted after
 * it, ascending, so equal groups are adjacent and each group's first row
 * in ORDER BY order is the one kept.
 */
static int bind_distinct_on(struct alx_bind_ctx *b, struct alx_scope *sc,
			    const struct alx_sql_select *s)
{
	struct alx_bq *q = sc->q;
	uint32_t n = s->distinct_on.n;
	uint32_t *cols = alx_arena_calloc(b->a, n + 1, sizeof(*cols));
	int32_t *locs = alx_arena_calloc(b->a, n + 1, sizeof(*locs));
	if (cols == NULL || locs == NULL)
		return alx_bind_oom(b);
	uint32_t ncols = 0;
	for (uint32_t i = 0; i < n; i++) {
		const struct alx_sql_expr *x = s->distinct_on.v[i];
		int idx;
		int rc = output_ref(b, q, x, "DISTINCT ON", true, &idx);
		if (rc != 0)
			return rc;
		if (idx < 0) {
			rc = target_of(b, sc, x, NULL, &idx);
			if (rc != 0)
				return rc;
		}
		if (q->types[idx].id == ALX_T_JSON)
			return alx_bind_err(b, "42883",
					    "could not identify an equality "
					    "operator for type json");
		if (!has_col(cols, ncols, (uint32_t)idx)) {
			locs[ncols] = x->loc;
			cols[ncols++] = (uint32_t)idx;
		}
	}
	/* ORDER BY items outside the DISTINCT ON columns may only follow
	 * all of them. */
	bool skipped = false;
	uint32_t nsort = q->nsort;
	for (uint32_t i = 0; i < nsort; i++) {
		uint32_t col = q->sort[i].col;
		bool again = false; /* PostgreSQL drops repeated items */
		for (uint32_t k = 0; k < i; k++)
			if (q->sort[k].col == col)
				again = true;
		if (again)
			continue;
		if (!has_col(cols, ncols, col)) {
			skipped = true;
			continue;
		}
		if (skipped) {
			uint32_t k = 0;
			while (cols[k] != col)
				k++;
			return distinct_on_mismatch(b, locs[k]);
		}
	}
	for (uint32_t k = 0; k < ncols; k++) {
		bool sorted = false;
		for (uint32_t i = 0; i < nsort; i++)
			if (q->sort[i].col == cols[k])
				sorted = true;
		if (sorted)
			continue;
		if (skipped)
			return distinct_on_mismatch(b, locs[k]);
		const struct alx_sql_sortby asc = {0};
		int rc = add_sort(b, q, cols[k], &asc);
		if (rc != 0)
			return rc;
	}
	q->distinct_on = cols;
	q->ndistinct_on = ncols;
	return 0;
}

static int bind_limit(struct alx_bind_ctx *b, struct alx_scope *sc,
		      const struct alx_sql_expr *x, const char *what,
		      struct alx_bx **out)
{
	struct alx_scope ls = {0};
	ls.parent = sc->parent;
	ls.with = NULL;
	int rc = alx_bind_expr(b, &ls, x, ALX_ECTX_LIMIT, out);
	if (rc == ALOPEX_ESQL && strcmp(b->d->sqlstate, "42703") == 0)
		return alx_bind_err(b, "42P10",
				    "argument of %s must not contain variables",
				    what);
	if (rc == 0)
		rc = alx_bind_coerce(b, out, alx_type_make(ALX_T_INT8),
				     ALX_CAST_IMPLICIT, NULL);
	if (rc == ALOPEX_ESQL && strcmp(b->d->sqlstate, "42804") == 0) {
		char b1[64];
		return alx_bind_err(
			b, "42804",
			"argument of %s must be type bigint, not "
			"type %s",
			what, alx_type_sqlname((*out)->type, b1, sizeof(b1)));
	}
	return rc;
}

/* ---- VALUES and set operations ---------------------------------------- */

static int bind_values(struct alx_bind_ctx *b, struct alx_scope *sc,
		       const struct alx_sql_select *s, struct alx_bq *q)
{
	uint32_t nrows = s->nrows, ncols = s->rows[0].n;
	struct alx_rte *r = alx_arena_calloc(b->a, 1, sizeof(*r));
	if (r == NULL)
		return alx_bind_oom(b);
	r->kind = ALX_RTE_VALUES;
	r->alias = "*VALUES*";
	r->ncols = ncols;
	r->nrows = nrows;
	r->rows = alx_arena_calloc(b->a, nrows, sizeof(*r->rows));
	r->colnames = alx_arena_calloc(b->a, ncols + 1, sizeof(char *));
	r->coltypes = alx_arena_calloc(b->a, ncols + 1, sizeof(*r->coltypes));
	struct alx_bx **col = alx_arena_calloc(b->a, nrows, sizeof(*col));
	if (r->rows == NULL || r->colnames == NULL || r->coltypes == NULL ||
	    col == NULL)
		return alx_bind_oom(b);
	struct alx_scope vs = {0};
	vs.parent = sc->parent;
	for (uint32_t i = 0; i < nrows; i++) {
		if (s->rows[i].n != ncols)
			return alx_bind_err(b, "42601",
					    "VALUES lists must all be the same "
					    "length");
		r->rows[i] = alx_arena_calloc(b->a, ncols, sizeof(**r->rows));
		if (r->rows[i] == NULL)
			return alx_bind_oom(b);
		for (uint32_t c = 0; c < ncols; c++) {
			int rc = alx_bind_expr(b, &vs, s->rows[i].v[c],
					       ALX_ECTX_VALUES, &r->rows[i][c]);
			if (rc != 0)
				return rc;
		}
	}
	for (uint32_t c = 0; c < ncols; c++) {
		for (uint32_t i = 0; i < nrows; i++)
			col[i] = r->rows[i][c];
		int rc = alx_bind_common_type(b, col, nrows, "VALUES",
					      &r->coltypes[c]);
		if (rc != 0)
			return rc;
		for (uint32_t i = 0; i < nrows; i++)
			r->rows[i][c] = col[i];
		r->colnames[c] = alx_arena_printf(b->a, "column%u", c + 1);
		if (r->colnames[c] == NULL)
			return alx_bind_oom(b);
	}
	int rc = alx_bq_add_rte(b, q, r);
	if (rc != 0)
		return rc;
	q->from = alx_arena_calloc(b->a, 1, sizeof(*q->from));
	if (q->from == NULL)
		return alx_bind_oom(b);
	q->from->kind = ALX_FROM_REL;
	q->from->rte = 0;
	q->from->rte_hi = 1;
	for (uint32_t c = 0; c < ncols; c++) {
		struct alx_bx *v = alx_bx_var(b, 0, c, r->coltypes[c]);
		rc = v ? alx_bq_add_target(b, q, v, r->colnames[c])
		       : alx_bind_oom(b);
		if (rc != 0)
			return rc;
	}
	q->ntargets = q->nout;
	return 0;
}

static int bind_setop(struct alx_bind_ctx *b, struct alx_scope *sc,
		      const struct alx_sql_select *s, struct alx_bq *q)
{
	const char *what = s->setop == ALX_SQL_UNION	   ? "UNION"
			   : s->setop == ALX_SQL_INTERSECT ? "INTERSECT"
							   : "EXCEPT";
	q->kind = ALX_BQ_SETOP;
	q->setop = s->setop;
	q->all = s->all;
	b->keep_unknown = true;
	int rc = alx_bind_select(b, s->larg, sc, &q->larg);
	b->keep_unknown = true;
	if (rc == 0)
		rc = alx_bind_select(b, s->rarg, sc, &q->rarg);
	b->keep_unknown = false;
	if (rc != 0)
		return rc;
	if (q->larg->ntargets != q->rarg->ntargets)
		return alx_bind_err(b, "42601",
				    "each %s query must have the same number "
				    "of columns",
				    what);
	uint32_t n = q->larg->ntargets;
	q->ntargets = q->nout = n;
	q->names = q->larg->names;
	q->types = alx_arena_calloc(b->a, n + 1, sizeof(*q->types));
	if (q->types == NULL)
		return alx_bind_oom(b);
	for (uint32_t i = 0; i < n; i++) {
		/* Unify through placeholder expressions of each side's
		 * output type; the planner casts the sides to the result. */
		struct alx_bx lv = {.kind = ALX_BX_VAR,
				    .type = q->larg->types[i]};
		struct alx_bx rv = {.kind = ALX_BX_VAR,
				    .type = q->rarg->types[i]};
		/* A simple operand's own output expression takes the result
		 * type (so an unknown literal is read as it); the planner
		 * casts set operation operands. */
		bool ls = q->larg->kind == ALX_BQ_SELECT;
		bool rs = q->rarg->kind == ALX_BQ_SELECT;
		struct alx_bx *pair[2] = {ls ? q->larg->targets[i] : &lv,
					  rs ? q->rarg->targets[i] : &rv};
		rc = alx_bind_common_type(b, pair, 2, what, &q->types[i]);
		if (rc != 0)
			return rc;
		if (ls) {
			q->larg->targets[i] = pair[0];
			q->larg->types[i] = pair[0]->type;
		}
		if (rs) {
			q->rarg->targets[i] = pair[1];
			q->rarg->types[i] = pair[1]->type;
		}
		if (q->types[i].id == ALX_T_JSON && !s->all)
			return alx_bind_err(b, "42883",
					    "could not identify an equality "
					    "operator for type json");
	}
	for (uint32_t i = 0; i < s->norder; i++) {
		int idx;
		rc = output_ref(b, q, s->order_by[i].expr, "ORDER BY", true,
				&idx);
		if (rc != 0)
			return rc;
		if (idx < 0)
			return alx_bind_err(b, "0A000",
					    "invalid UNION/INTERSECT/EXCEPT "
					    "ORDER BY clause");
		rc = add_sort(b, q, (uint32_t)idx, &s->order_by[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int finish_unknown_targets(struct alx_bind_ctx *b, struct alx_bq *q)
{
	for (uint32_t i = 0; i < q->nout; i++) {
		if (q->targets[i]->type.id != ALX_T_UNKNOWN)
			continue;
		int rc = alx_bind_coerce(b, &q->targets[i],
					 alx_type_make(ALX_T_TEXT),
					 ALX_CAST_IMPLICIT, NULL);
		if (rc != 0)
			return rc;
		q->types[i] = q->targets[i]->type;
	}
	return 0;
}

int alx_bind_select(struct alx_bind_ctx *b, const struct alx_sql_select *s,
		    struct alx_scope *outer, struct alx_bq **out)
{
	struct alx_bq *q = alx_bq_new(b, ALX_BQ_SELECT);
	if (q == NULL)
		return alx_bind_oom(b);
	bool keep_unknown = b->keep_unknown;
	b->keep_unknown = false;
	struct alx_scope sc = {0};
	sc.parent = outer;
	sc.q = q;
	sc.depth = outer ? outer->depth + 1 : 0;
	if (s->with != NULL) {
		if (s->with->recursive)
			return alx_bind_err(b, "0A000",
					    "WITH RECURSIVE is not supported "
					    "yet");
		sc.with = s->with;
		sc.nwith = s->with->nctes;
	}
	int rc = 0;
	if (s->kind == ALX_SQL_SELECT_SETOP) {
		rc = bind_setop(b, &sc, s, q);
	} else if (s->kind == ALX_SQL_SELECT_VALUES) {
		rc = bind_values(b, &sc, s, q);
		for (uint32_t i = 0; rc == 0 && i < s->norder; i++) {
			int idx;
			rc = output_ref(b, q, s->order_by[i].expr, "ORDER BY",
					true, &idx);
			if (rc == 0 && idx < 0)
				rc = alx_bind_err(b, "0A000",
						  "ORDER BY of VALUES must "
						  "name an output column");
			if (rc == 0)
				rc = add_sort(b, q, (uint32_t)idx,
					      &s->order_by[i]);
		}
	} else {
		q->distinct = s->distinct == ALX_SQL_DISTINCT_ALL;
		rc = alx_bind_from(b, &sc, s->from, s->nfrom);
		if (rc == 0 && s->where != NULL) {
			rc = alx_bind_expr(b, &sc, s->where, ALX_ECTX_WHERE,
					   &q->where);
			if (rc == 0)
				rc = alx_bind_bool(b, &q->where, "WHERE");
		}
		if (rc == 0)
			rc = bind_targets(b, &sc, s);
		if (rc == 0) {
			q->ntargets = q->nout;
			if (!keep_unknown)
				rc = finish_unknown_targets(b, q);
		}
		if (rc == 0)
			rc = bind_group_by(b, &sc, s);
		if (rc == 0 && s->having != NULL) {
			rc = alx_bind_expr(b, &sc, s->having, ALX_ECTX_HAVING,
					   &q->having);
			if (rc == 0)
				rc = alx_bind_bool(b, &q->having, "HAVING");
		}
		if (rc == 0)
			rc = bind_order_by(b, &sc, s);
		if (rc == 0 && s->distinct == ALX_SQL_DISTINCT_ON)
			rc = bind_distinct_on(b, &sc, s);
		if (rc == 0 &&
		    (q->naggs > 0 || q->ngroup > 0 || q->having != NULL)) {
			q->grouped = true;
			for (uint32_t i = 0; rc == 0 && i < q->nout; i++)
				rc = to_agg_row(b, q, &q->targets[i]);
			if (rc == 0 && q->having != NULL)
				rc = to_agg_row(b, q, &q->having);
		}
	}
	if (rc == 0 && s->limit != NULL)
		rc = bind_limit(b, &sc, s->limit, "LIMIT", &q->limit);
	if (rc == 0 && s->offset != NULL)
		rc = bind_limit(b, &sc, s->offset, "OFFSET", &q->offset);
	if (rc != 0)
		return rc;
	*out = q;
	return 0;
}

/* ---- sublinks --------------------------------------------------------- */

int alx_bind_sublink(struct alx_bind_ctx *b, struct alx_scope *sc,
		     const struct alx_sql_expr *x, int ectx,
		     struct alx_bx **out)
{
	int kind = x->u.sublink.kind;
	struct alx_bq *sub;
	int rc = alx_bind_select(b, x->u.sublink.query, sc, &sub);
	if (rc != 0)
		return rc;
	struct alx_bx *e =
		alx_bx_new(b, ALX_BX_SUBLINK, alx_type_make(ALX_T_BOOL),
			   x->u.sublink.test ? 1 : 0);
	if (e == NULL)
		return alx_bind_oom(b);
	e->u.sub.kind = (uint8_t)kind;
	e->u.sub.negated = x->u.sublink.negated;
	e->u.sub.query = sub;
	e->u.sub.id = b->nsublinks++;
	if (kind == ALX_SQL_SUB_EXPR && sub->ntargets != 1)
		return alx_bind_err(b, "42601",
				    "subquery must return only one column");
	if (kind != ALX_SQL_SUB_EXISTS && sub->ntargets != 1)
		return alx_bind_err(b, "42601",
				    sub->ntargets > 1
					    ? "subquery has too many columns"
					    : "subquery has too few columns");
	if (kind == ALX_SQL_SUB_EXPR) {
		e->type = sub->types[0];
	} else if (kind == ALX_SQL_SUB_ARRAY) {
		/* arrays are their literal text (sql_syscat.h) */
		e->type = alx_type_make(ALX_T_TEXT);
	} else if (kind != ALX_SQL_SUB_EXISTS) {
		rc = alx_bind_expr(b, sc, x->u.sublink.test, ectx, &e->args[0]);
		if (rc != 0)
			return rc;
		e->u.sub.cmp = kind == ALX_SQL_SUB_IN
				       ? ALX_CMP_EQ
				       : alx_cmp_from_op(x->u.sublink.op_code);
		if (e->u.sub.cmp == 0)
			return alx_bind_err(b, "0A000",
					    "operator %s in ANY/ALL is not "
					    "supported",
					    x->u.sublink.op_name.ptr);
		struct alx_bx probe = {.kind = ALX_BX_VAR,
				       .type = sub->types[0]};
		struct alx_bx *pp = &probe;
		rc = alx_bind_cmp_args(b, "=", &e->args[0], &pp);
		if (rc != 0)
			return rc;
	}
	/* Correlated: the subquery references this or an outer level. */
	e->u.sub.correlated = alx_bq_references_outer(sub, 0);
	*out = e;
	return 0;
}

/* ---- correlation -------------------------------------------------------- */

static bool bx_refs(const struct alx_bx *e, uint32_t level);

static bool from_refs(const struct alx_bfrom *f, uint32_t level)
{
	if (f == NULL || f->kind != ALX_FROM_JOIN)
		return false;
	return bx_refs(f->on, level) || from_refs(f->l, level) ||
	       from_refs(f->r, level);
}

static bool bx_refs(const struct alx_bx *e, uint32_t level)
{
	if (e == NULL)
		return false;
	if (e->kind == ALX_BX_VAR)
		return e->u.var.level > level;
	if (e->kind == ALX_BX_SUBLINK &&
	    alx_bq_references_outer(e->u.sub.query, level + 1))
		return true;
	for (uint32_t i = 0; i < e->nargs; i++)
		if (bx_refs(e->args[i], level))
			return true;
	return false;
}

bool alx_bq_references_outer(const struct alx_bq *q, uint32_t level)
{
	if (q->kind == ALX_BQ_SETOP)
		return alx_bq_references_outer(q->larg, level) ||
		       alx_bq_references_outer(q->rarg, level);
	for (uint32_t i = 0; i < q->nrte; i++) {
		const struct alx_rte *r = q->rtes[i];
		/* FROM subqueries and functions see the outer levels as
		 * this query does, not this query itself. */
		if (r->sub != NULL && alx_bq_references_outer(r->sub, level))
			return true;
		if (bx_refs(r->func, level))
			return true;
		for (uint32_t k = 0; k < r->nrows; k++)
			for (uint32_t c = 0; c < r->ncols; c++)
				if (bx_refs(r->rows[k][c], level))
					return true;
	}
	if (bx_refs(q->where, level) || bx_refs(q->having, level) ||
	    bx_refs(q->limit, level) || bx_refs(q->offset, level))
		return true;
	for (uint32_t i = 0; i < q->nout; i++)
		if (bx_refs(q->targets[i], level))
			return true;
	for (uint32_t i = 0; i < q->ngroup; i++)
		if (bx_refs(q->group[i], level))
			return true;
	for (uint32_t i = 0; i < q->naggs; i++) {
		if (bx_refs(q->aggs[i]->arg, level) ||
		    bx_refs(q->aggs[i]->arg2, level) ||
		    bx_refs(q->aggs[i]->filter, level))
			return true;
		for (uint32_t k = 0; k < q->aggs[i]->norder; k++)
			if (bx_refs(q->aggs[i]->order[k], level))
				return true;
	}
	return from_refs(q->from, level);
}
