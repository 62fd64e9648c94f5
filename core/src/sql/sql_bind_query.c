/* Queries: FROM, names, targets, grouping, ORDER BY, set operations. */
#include <stdio.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_bind.h"
#include "sql/sql_func.h"
#include "sql/sql_session.h"
#include "sql/sql_syscat.h"

#include "sql/sql_bind_int.h"

/* ---- helpers ---------------------------------------------------------- */

void *alx_bq_grow(struct alx_bind_ctx *b, void *old, uint32_t n, size_t size)
{
	void *p = alx_arena_alloc(b->a, (n + 1) * size);
	if (p != NULL && n > 0)
		memcpy(p, old, n * size);
	return p;
}

struct alx_bq *alx_bq_new(struct alx_bind_ctx *b, int kind)
{
	struct alx_bq *q = alx_arena_calloc(b->a, 1, sizeof(*q));
	if (q != NULL)
		q->kind = (uint8_t)kind;
	return q;
}

int alx_bq_add_rte(struct alx_bind_ctx *b, struct alx_bq *q, struct alx_rte *r)
{
	struct alx_rte **v = alx_bq_grow(b, q->rtes, q->nrte, sizeof(*v));
	struct alx_type *st =
		alx_arena_alloc(b->a, (q->width + r->ncols + 1) * sizeof(*st));
	if (v == NULL || st == NULL)
		return alx_bind_oom(b);
	if (q->width > 0)
		memcpy(st, q->slot_types, q->width * sizeof(*st));
	r->off = q->width;
	for (uint32_t i = 0; i < r->ncols; i++)
		st[q->width + i] = r->coltypes[i];
	q->width += r->ncols;
	q->slot_types = st;
	v[q->nrte++] = r;
	q->rtes = v;
	return 0;
}

int alx_bq_add_target(struct alx_bind_ctx *b, struct alx_bq *q,
		      struct alx_bx *e, const char *name)
{
	struct alx_bx **t = alx_bq_grow(b, q->targets, q->nout, sizeof(*t));
	char **n = alx_bq_grow(b, q->names, q->nout, sizeof(*n));
	struct alx_type *ty = alx_bq_grow(b, q->types, q->nout, sizeof(*ty));
	if (t == NULL || n == NULL || ty == NULL)
		return alx_bind_oom(b);
	t[q->nout] = e;
	n[q->nout] = (char *)name;
	ty[q->nout] = e->type;
	q->targets = t;
	q->names = n;
	q->types = ty;
	q->nout++;
	return 0;
}

/* ---- names ------------------------------------------------------------ */

bool alx_rte_col(const struct alx_rte *r, const char *name, uint32_t *col,
		 bool unqualified)
{
	for (uint32_t i = 0; i < r->ncols; i++) {
		if (r->colnames[i] == NULL || strcmp(r->colnames[i], name) != 0)
			continue;
		if (unqualified && r->hidden != NULL && r->hidden[i])
			continue;
		*col = i;
		return true;
	}
	return false;
}

static uint32_t visible_rtes(const struct alx_scope *sc)
{
	if (sc->q == NULL)
		return 0;
	return sc->nrte_visible ? sc->nrte_visible : sc->q->nrte;
}

struct alx_bx *alx_bx_var(struct alx_bind_ctx *b, uint32_t level, uint32_t slot,
			  struct alx_type t)
{
	struct alx_bx *e = alx_bx_new(b, ALX_BX_VAR, t, 0);
	if (e != NULL) {
		e->u.var.level = level;
		e->u.var.slot = slot;
	}
	return e;
}

const struct alx_rte *alx_scope_find_rte(struct alx_scope *sc,
					 const char *alias, const char *schema,
					 uint32_t *level)
{
	uint32_t lv = 0;
	for (struct alx_scope *s = sc; s != NULL;
	     lv += s->nolevel ? 0 : 1, s = s->parent) {
		uint32_t n = visible_rtes(s);
		for (uint32_t i = 0; i < n; i++) {
			const struct alx_rte *r = s->q->rtes[i];
			if (r->alias == NULL || strcmp(r->alias, alias) != 0)
				continue;
			(void)schema;
			*level = lv;
			return r;
		}
	}
	return NULL;
}

int alx_bind_missing_rte(struct alx_bind_ctx *b, struct alx_scope *sc,
			 const char *rel)
{
	/* a table named so but aliased otherwise: PostgreSQL's wording */
	for (struct alx_scope *s = sc; s != NULL; s = s->parent) {
		uint32_t n = visible_rtes(s);
		for (uint32_t i = 0; i < n; i++) {
			const struct alx_rte *r = s->q->rtes[i];
			if (r->table != NULL &&
			    strcmp(r->table->name, rel) == 0)
				return alx_bind_err(b, "42P01",
						    "invalid reference to "
						    "FROM-clause entry for "
						    "table \"%s\"",
						    rel);
		}
	}
	return alx_bind_err(b, "42P01",
			    "missing FROM-clause entry for table \"%s\"", rel);
}

int alx_bind_column(struct alx_bind_ctx *b, struct alx_scope *sc,
		    const struct alx_sql_expr *x, struct alx_bx **out)
{
	const struct alx_sql_names *nm = &x->u.column.names;
	if (x->u.column.star)
		return alx_bind_err(b, "42601",
				    "row expansion via \"*\" is not supported "
				    "here");
	const char *col = nm->v[nm->n - 1].ptr;
	if (nm->n == 1) {
		uint32_t lv = 0;
		for (struct alx_scope *s = sc; s != NULL;
		     lv += s->nolevel ? 0 : 1, s = s->parent) {
			if (s->table != NULL) {
				int c = alx_cat_column_find(s->table, col);
				if (c >= 0) {
					*out = alx_bx_var(
						b, lv,
						s->table_off + (uint32_t)c,
						s->table->cols[c].type);
					return *out ? 0 : alx_bind_oom(b);
				}
			}
			const struct alx_rte *hit = NULL;
			uint32_t hc = 0, n = visible_rtes(s);
			for (uint32_t i = 0; i < n; i++) {
				const struct alx_rte *r = s->q->rtes[i];
				uint32_t c;
				if (!alx_rte_col(r, col, &c, true))
					continue;
				if (hit != NULL)
					return alx_bind_err(
						b, "42702",
						"column reference \"%s\" is "
						"ambiguous",
						col);
				hit = r;
				hc = c;
			}
			if (hit != NULL) {
				*out = alx_bx_var(b, lv, hit->off + hc,
						  hit->coltypes[hc]);
				return *out ? 0 : alx_bind_oom(b);
			}
		}
		return alx_bind_err(b, "42703", "column \"%s\" does not exist",
				    col);
	}
	const char *rel = nm->v[nm->n - 2].ptr;
	const char *schema = nm->n > 2 ? nm->v[nm->n - 3].ptr : NULL;
	uint32_t lv = 0;
	/* excluded.col and the target's own name in ON CONFLICT */
	for (struct alx_scope *s = sc; s != NULL;
	     lv += s->nolevel ? 0 : 1, s = s->parent) {
		if (s->excluded != NULL && strcmp(rel, "excluded") == 0) {
			int c = alx_cat_column_find(s->excluded, col);
			if (c < 0)
				return alx_bind_err(
					b, "42703",
					"column excluded.%s does not exist",
					col);
			*out = alx_bx_var(b, lv, s->excluded_off + (uint32_t)c,
					  s->excluded->cols[c].type);
			return *out ? 0 : alx_bind_oom(b);
		}
		if (s->table != NULL &&
		    (strcmp(rel, s->table->name) == 0 ||
		     (s->table_alias && strcmp(rel, s->table_alias) == 0))) {
			int c = alx_cat_column_find(s->table, col);
			if (c < 0)
				return alx_bind_err(
					b, "42703",
					"column %s.%s does not exist", rel,
					col);
			*out = alx_bx_var(b, lv, s->table_off + (uint32_t)c,
					  s->table->cols[c].type);
			return *out ? 0 : alx_bind_oom(b);
		}
	}
	const struct alx_rte *r = alx_scope_find_rte(sc, rel, schema, &lv);
	if (r == NULL)
		return alx_bind_missing_rte(b, sc, rel);
	uint32_t c;
	if (!alx_rte_col(r, col, &c, false))
		return alx_bind_err(b, "42703", "column %s.%s does not exist",
				    rel, col);
	*out = alx_bx_var(b, lv, r->off + c, r->coltypes[c]);
	return *out ? 0 : alx_bind_oom(b);
}

/* ---- FROM -------------------------------------------------------------- */

static int bind_subquery_rte(struct alx_bind_ctx *b, struct alx_scope *sc,
			     const struct alx_sql_select *sel,
			     const char *alias, const struct alx_sql_alias *al,
			     struct alx_rte **out)
{
	struct alx_bq *sub;
	/* It sees the CTEs of this level but none of its FROM items. */
	struct alx_scope ctes = {0};
	ctes.parent = sc->parent;
	ctes.with = sc->with;
	ctes.nwith = sc->nwith;
	ctes.nolevel = true;
	int rc = alx_bind_select(b, sel, &ctes, &sub);
	if (rc != 0)
		return rc;
	struct alx_rte *r = alx_arena_calloc(b->a, 1, sizeof(*r));
	if (r == NULL)
		return alx_bind_oom(b);
	r->kind = ALX_RTE_SUBQUERY;
	r->sub = sub;
	r->alias = (char *)alias;
	r->ncols = sub->ntargets;
	r->colnames = alx_arena_calloc(b->a, r->ncols + 1, sizeof(char *));
	r->coltypes =
		alx_arena_calloc(b->a, r->ncols + 1, sizeof(struct alx_type));
	if (r->colnames == NULL || r->coltypes == NULL)
		return alx_bind_oom(b);
	if (al != NULL && al->ncols > r->ncols)
		return alx_bind_err(b, "42P10",
				    "table \"%s\" has %u columns available "
				    "but %u columns specified",
				    alias, r->ncols, al->ncols);
	for (uint32_t i = 0; i < r->ncols; i++) {
		r->colnames[i] = al != NULL && i < al->ncols
					 ? (char *)al->cols[i].ptr
					 : sub->names[i];
		r->coltypes[i] = sub->types[i];
	}
	*out = r;
	return 0;
}

static const struct alx_sql_cte *find_cte(struct alx_scope *sc,
					  const char *name,
					  struct alx_scope **where,
					  uint32_t *idx)
{
	for (struct alx_scope *s = sc; s != NULL; s = s->parent) {
		if (s->with == NULL)
			continue;
		for (uint32_t i = 0; i < s->nwith; i++) {
			if (strcmp(s->with->ctes[i].name.ptr, name) == 0) {
				*where = s;
				*idx = i;
				return &s->with->ctes[i];
			}
		}
	}
	return NULL;
}

static int bind_cte_rte(struct alx_bind_ctx *b, struct alx_scope *sc,
			struct alx_scope *cte_scope, uint32_t idx,
			const struct alx_sql_cte *cte, const char *alias,
			const struct alx_sql_alias *al, struct alx_rte **out)
{
	if (cte->stmt->kind != ALX_SQL_STMT_SELECT)
		return alx_bind_err(b, "0A000",
				    "data-modifying statements in WITH are "
				    "not supported yet");
	/* A CTE sees the CTEs before it, from its own WITH's level. */
	struct alx_scope holder = {0};
	holder.parent = cte_scope->parent;
	holder.with = cte_scope->with;
	holder.nwith = idx;
	holder.nolevel = true;
	(void)sc;
	int rc = bind_subquery_rte(b, &holder, cte->stmt->u.select, alias, al,
				   out);
	if (rc != 0)
		return rc;
	struct alx_rte *r = *out;
	if (alx_bq_references_outer(r->sub, 0))
		return alx_bind_err(b, "0A000",
				    "WITH queries that reference outer "
				    "queries are not supported yet");
	if (cte->ncols > r->ncols)
		return alx_bind_err(b, "42P10",
				    "WITH query \"%s\" has %u columns "
				    "available but %u columns specified",
				    cte->name.ptr, r->ncols, cte->ncols);
	for (uint32_t i = 0; i < cte->ncols; i++)
		if (al == NULL || i >= al->ncols)
			r->colnames[i] = (char *)cte->cols[i].ptr;
	return 0;
}

static int bind_table_rte(struct alx_bind_ctx *b, struct alx_scope *sc,
			  const struct alx_sql_from *f, struct alx_rte **out)
{
	const struct alx_sql_names *nm = &f->name;
	const char *alias =
		f->alias.name.ptr ? f->alias.name.ptr : nm->v[nm->n - 1].ptr;
	if (nm->n == 1) {
		struct alx_scope *where;
		uint32_t idx;
		const struct alx_sql_cte *cte =
			find_cte(sc, nm->v[0].ptr, &where, &idx);
		if (cte != NULL)
			return bind_cte_rte(b, sc, where, idx, cte, alias,
					    &f->alias, out);
	}
	bool sys_miss;
	const struct alx_syscat_def *sys = alx_syscat_find(nm, &sys_miss);
	if (sys != NULL || sys_miss) {
		if (sys_miss)
			return alx_bind_err(
				b, "42P01", "relation \"%s.%s\" does not exist",
				nm->v[nm->n - 2].ptr, nm->v[nm->n - 1].ptr);
		struct alx_rte *r = alx_arena_calloc(b->a, 1, sizeof(*r));
		if (r == NULL)
			return alx_bind_oom(b);
		int rc = alx_syscat_bind_rte(b, sys, alias, r);
		if (rc != 0)
			return rc;
		for (uint32_t i = 0; i < f->alias.ncols && i < r->ncols; i++)
			r->colnames[i] = (char *)f->alias.cols[i].ptr;
		*out = r;
		return 0;
	}
	const struct alx_cat_table *t;
	int rc = alx_bind_resolve_table(b, nm, &t);
	if (rc != 0)
		return rc;
	struct alx_rte *r = alx_arena_calloc(b->a, 1, sizeof(*r));
	if (r == NULL)
		return alx_bind_oom(b);
	r->kind = ALX_RTE_TABLE;
	r->table = t;
	r->alias = (char *)alias;
	r->ncols = t->ncols;
	r->colnames = alx_arena_calloc(b->a, t->ncols + 1, sizeof(char *));
	r->coltypes =
		alx_arena_calloc(b->a, t->ncols + 1, sizeof(struct alx_type));
	if (r->colnames == NULL || r->coltypes == NULL)
		return alx_bind_oom(b);
	uint32_t k = 0;
	for (uint32_t i = 0; i < t->ncols; i++) {
		r->coltypes[i] = t->cols[i].type;
		if (t->cols[i].dropped)
			continue;
		r->colnames[i] = k < f->alias.ncols
					 ? (char *)f->alias.cols[k].ptr
					 : t->cols[i].name;
		k++;
	}
	if (f->alias.ncols > k)
		return alx_bind_err(b, "42P10",
				    "table \"%s\" has %u columns available "
				    "but %u columns specified",
				    alias, k, f->alias.ncols);
	*out = r;
	return 0;
}

static int bind_func_rte(struct alx_bind_ctx *b, struct alx_scope *sc,
			 const struct alx_sql_from *f, struct alx_rte **out)
{
	const struct alx_sql_expr *x = f->func;
	const char *name = x->u.func.name.v[x->u.func.name.n - 1].ptr;
	if (strcmp(name, "generate_series") != 0 && strcmp(name, "unnest") != 0)
		return alx_bind_err(b, "0A000",
				    "function %s in FROM is not supported",
				    name);
	struct alx_bx *e;
	struct alx_scope outer = {0};
	outer.parent = sc->parent;
	int rc = alx_bind_expr(b, &outer, x, ALX_ECTX_DEFAULT, &e);
	if (rc != 0)
		return rc;
	struct alx_rte *r = alx_arena_calloc(b->a, 1, sizeof(*r));
	if (r == NULL)
		return alx_bind_oom(b);
	r->kind = ALX_RTE_FUNCTION;
	r->func = e;
	r->alias = f->alias.name.ptr ? (char *)f->alias.name.ptr : (char *)name;
	r->ncols = 1;
	r->colnames = alx_arena_calloc(b->a, 2, sizeof(char *));
	r->coltypes = alx_arena_calloc(b->a, 2, sizeof(struct alx_type));
	if (r->colnames == NULL || r->coltypes == NULL)
		return alx_bind_oom(b);
	r->colnames[0] = f->alias.ncols > 0  ? (char *)f->alias.cols[0].ptr
			 : f->alias.name.ptr ? (char *)f->alias.name.ptr
					     : (char *)name;
	r->coltypes[0] = e->type;
	*out = r;
	return 0;
}

static int bind_from_item(struct alx_bind_ctx *b, struct alx_scope *sc,
			  const struct alx_sql_from *f, struct alx_bfrom **out);

static int bind_using(struct alx_bind_ctx *b, struct alx_scope *sc,
		      struct alx_bfrom *j, const struct alx_sql_str *cols,
		      uint32_t n)
{
	struct alx_bq *q = sc->q;
	struct alx_bx *conj = NULL;
	j->using_cols = alx_arena_calloc(b->a, n + 1, sizeof(char *));
	if (j->using_cols == NULL)
		return alx_bind_oom(b);
	j->nusing = n;
	for (uint32_t k = 0; k < n; k++) {
		const char *name = cols[k].ptr;
		j->using_cols[k] = (char *)name;
		const struct alx_rte *lr = NULL, *rr = NULL;
		uint32_t lc = 0, rcol = 0;
		for (uint32_t i = j->l->rte_lo; i < j->l->rte_hi; i++) {
			uint32_t c;
			if (alx_rte_col(q->rtes[i], name, &c, true)) {
				if (lr != NULL)
					return alx_bind_err(
						b, "42702",
						"common column name \"%s\" "
						"appears more than once in "
						"left table",
						name);
				lr = q->rtes[i];
				lc = c;
			}
		}
		for (uint32_t i = j->r->rte_lo; i < j->r->rte_hi; i++) {
			uint32_t c;
			if (alx_rte_col(q->rtes[i], name, &c, true)) {
				if (rr != NULL)
					return alx_bind_err(
						b, "42702",
						"common column name \"%s\" "
						"appears more than once in "
						"right table",
						name);
				rr = q->rtes[i];
				rcol = c;
			}
		}
		if (lr == NULL)
			return alx_bind_err(b, "42703",
					    "column \"%s\" specified in USING "
					    "clause does not exist in left "
					    "table",
					    name);
		if (rr == NULL)
			return alx_bind_err(b, "42703",
					    "column \"%s\" specified in USING "
					    "clause does not exist in right "
					    "table",
					    name);
		struct alx_rte *rw = (struct alx_rte *)rr;
		if (rw->hidden == NULL) {
			rw->hidden = alx_arena_calloc(b->a, rw->ncols + 1, 1);
			if (rw->hidden == NULL)
				return alx_bind_oom(b);
		}
		rw->hidden[rcol] = true;
		struct alx_bx *l =
			alx_bx_var(b, 0, lr->off + lc, lr->coltypes[lc]);
		struct alx_bx *r =
			alx_bx_var(b, 0, rr->off + rcol, rr->coltypes[rcol]);
		if (l == NULL || r == NULL)
			return alx_bind_oom(b);
		int rc = alx_bind_cmp_args(b, "=", &l, &r);
		if (rc != 0)
			return rc;
		struct alx_bx *eq =
			alx_bx_new(b, ALX_BX_CMP, alx_type_make(ALX_T_BOOL), 2);
		if (eq == NULL)
			return alx_bind_oom(b);
		eq->u.op.code = ALX_CMP_EQ;
		eq->args[0] = l;
		eq->args[1] = r;
		if (conj == NULL) {
			conj = eq;
		} else {
			struct alx_bx *a = alx_bx_new(
				b, ALX_BX_AND, alx_type_make(ALX_T_BOOL), 2);
			if (a == NULL)
				return alx_bind_oom(b);
			a->args[0] = conj;
			a->args[1] = eq;
			conj = a;
		}
	}
	j->on = conj;
	return 0;
}

static int natural_cols(struct alx_bind_ctx *b, struct alx_scope *sc,
			struct alx_bfrom *j, struct alx_sql_str **cols,
			uint32_t *n)
{
	struct alx_bq *q = sc->q;
	*n = 0;
	*cols = alx_arena_calloc(b->a, q->width + 1, sizeof(**cols));
	if (*cols == NULL)
		return alx_bind_oom(b);
	for (uint32_t i = j->l->rte_lo; i < j->l->rte_hi; i++) {
		const struct alx_rte *r = q->rtes[i];
		for (uint32_t c = 0; c < r->ncols; c++) {
			if (r->colnames[c] == NULL ||
			    (r->hidden && r->hidden[c]))
				continue;
			for (uint32_t k = j->r->rte_lo; k < j->r->rte_hi; k++) {
				uint32_t rc;
				if (alx_rte_col(q->rtes[k], r->colnames[c], &rc,
						true)) {
					(*cols)[*n].ptr = r->colnames[c];
					(*cols)[*n].len = (uint32_t)strlen(
						r->colnames[c]);
					(*n)++;
					break;
				}
			}
		}
	}
	return 0;
}

static int bind_from_item(struct alx_bind_ctx *b, struct alx_scope *sc,
			  const struct alx_sql_from *f, struct alx_bfrom **out)
{
	struct alx_bfrom *n = alx_arena_calloc(b->a, 1, sizeof(*n));
	if (n == NULL)
		return alx_bind_oom(b);
	struct alx_rte *r = NULL;
	int rc = 0;
	if (f->lateral)
		return alx_bind_err(b, "0A000", "LATERAL is not supported yet");
	switch (f->kind) {
	case ALX_SQL_FROM_TABLE:
		rc = bind_table_rte(b, sc, f, &r);
		alx_bind_note_pos(b, rc, f->loc);
		break;
	case ALX_SQL_FROM_SUBQUERY:
		if (f->alias.name.ptr == NULL)
			return alx_bind_err(b, "42601",
					    "subquery in FROM must have an "
					    "alias");
		rc = bind_subquery_rte(b, sc, f->query, f->alias.name.ptr,
				       &f->alias, &r);
		break;
	case ALX_SQL_FROM_FUNCTION:
		rc = bind_func_rte(b, sc, f, &r);
		break;
	case ALX_SQL_FROM_JOIN: {
		n->kind = ALX_FROM_JOIN;
		n->join = f->join.kind;
		n->rte_lo = sc->q->nrte;
		if (n->join == ALX_SQL_JOIN_FULL)
			return alx_bind_err(b, "0A000",
					    "FULL JOIN is not supported yet");
		rc = bind_from_item(b, sc, f->join.left, &n->l);
		if (rc == 0)
			rc = bind_from_item(b, sc, f->join.right, &n->r);
		if (rc != 0)
			return rc;
		n->rte_hi = sc->q->nrte;
		const struct alx_bfrom *inner =
			n->join == ALX_SQL_JOIN_RIGHT ? n->l : n->r;
		if (n->join == ALX_SQL_JOIN_LEFT ||
		    n->join == ALX_SQL_JOIN_RIGHT)
			for (uint32_t i = inner->rte_lo; i < inner->rte_hi; i++)
				sc->q->rtes[i]->nullable = true;
		if (f->join.natural) {
			struct alx_sql_str *cols;
			uint32_t nc;
			rc = natural_cols(b, sc, n, &cols, &nc);
			if (rc == 0 && nc > 0)
				rc = bind_using(b, sc, n, cols, nc);
			if (rc == 0 && nc == 0 && n->join != ALX_SQL_JOIN_CROSS)
				n->join = n->join == ALX_SQL_JOIN_INNER
						  ? ALX_SQL_JOIN_CROSS
						  : n->join;
		} else if (f->join.nusing > 0) {
			rc = bind_using(b, sc, n, f->join.using_cols,
					f->join.nusing);
		} else if (f->join.on != NULL) {
			uint32_t saved = sc->nrte_visible;
			sc->nrte_visible = sc->q->nrte;
			int saved_ctx = sc->ectx_clause;
			sc->ectx_clause = 1;
			rc = alx_bind_expr(b, sc, f->join.on, ALX_ECTX_WHERE,
					   &n->on);
			sc->ectx_clause = saved_ctx;
			sc->nrte_visible = saved;
			if (rc == 0)
				rc = alx_bind_bool(b, &n->on, "JOIN/ON");
		}
		*out = n;
		return rc;
	}
	default:
		return alx_bind_err(b, "0A000", "unsupported FROM item");
	}
	if (rc != 0)
		return rc;
	n->kind = ALX_FROM_REL;
	n->rte = sc->q->nrte;
	n->rte_lo = n->rte;
	n->rte_hi = n->rte + 1;
	for (uint32_t i = 0; i < sc->q->nrte; i++)
		if (sc->q->rtes[i]->alias != NULL && r->alias != NULL &&
		    strcmp(sc->q->rtes[i]->alias, r->alias) == 0)
			return alx_bind_err(b, "42712",
					    "table name \"%s\" specified more "
					    "than once",
					    r->alias);
	rc = alx_bq_add_rte(b, sc->q, r);
	*out = n;
	return rc;
}

int alx_bind_from(struct alx_bind_ctx *b, struct alx_scope *sc,
		  struct alx_sql_from **items, uint32_t n)
{
	struct alx_bfrom *acc = NULL;
	for (uint32_t i = 0; i < n; i++) {
		struct alx_bfrom *f;
		sc->nrte_visible = sc->q->nrte;
		int rc = bind_from_item(b, sc, items[i], &f);
		sc->nrte_visible = 0;
		if (rc != 0)
			return rc;
		if (acc == NULL) {
			acc = f;
			continue;
		}
		struct alx_bfrom *j = alx_arena_calloc(b->a, 1, sizeof(*j));
		if (j == NULL)
			return alx_bind_oom(b);
		j->kind = ALX_FROM_JOIN;
		j->join = ALX_SQL_JOIN_CROSS;
		j->l = acc;
		j->r = f;
		j->rte_lo = acc->rte_lo;
		j->rte_hi = f->rte_hi;
		acc = j;
	}
	sc->q->from = acc;
	return 0;
}
