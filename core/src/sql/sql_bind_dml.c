/* INSERT, UPDATE, DELETE; table names; stored expressions. */
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_bind.h"
#include "sql/sql_session.h"

/* ---- names -------------------------------------------------------------- */

int alx_bind_resolve_table(struct alx_bind_ctx *b,
			   const struct alx_sql_names *n,
			   const struct alx_cat_table **out)
{
	const char *name = n->v[n->n - 1].ptr;
	if (n->n > 3)
		return alx_bind_err(b, "42601",
				    "improper relation name (too many dotted "
				    "names)");
	if (n->n >= 2) {
		const char *sname = n->v[n->n - 2].ptr;
		const struct alx_cat_schema *s =
			alx_cat_schema_find(b->cat, sname);
		const struct alx_cat_table *t =
			s ? alx_cat_table_find(b->cat, s->id, name) : NULL;
		if (t == NULL)
			return alx_bind_err(b, "42P01",
					    "relation \"%s.%s\" does not exist",
					    sname, name);
		*out = t;
		return 0;
	}
	uint32_t np;
	const char *const *path = alx_session_search_path(b->s, &np);
	for (uint32_t i = 0; i < np; i++) {
		const struct alx_cat_schema *s =
			alx_cat_schema_find(b->cat, path[i]);
		if (s == NULL)
			continue;
		const struct alx_cat_table *t =
			alx_cat_table_find(b->cat, s->id, name);
		if (t != NULL) {
			*out = t;
			return 0;
		}
	}
	return alx_bind_err(b, "42P01", "relation \"%s\" does not exist", name);
}

int alx_bind_create_schema(struct alx_bind_ctx *b,
			   const struct alx_sql_names *n,
			   const struct alx_cat_schema **out)
{
	if (n->n > 2)
		return alx_bind_err(b, "42601",
				    "improper qualified name (too many dotted "
				    "names)");
	if (n->n == 2) {
		const char *sname = n->v[0].ptr;
		const struct alx_cat_schema *s =
			alx_cat_schema_find(b->cat, sname);
		if (s == NULL)
			return alx_bind_err(b, "3F000",
					    "schema \"%s\" does not exist",
					    sname);
		*out = s;
		return 0;
	}
	uint32_t np;
	const char *const *path = alx_session_search_path(b->s, &np);
	for (uint32_t i = 0; i < np; i++) {
		const struct alx_cat_schema *s =
			alx_cat_schema_find(b->cat, path[i]);
		if (s != NULL) {
			*out = s;
			return 0;
		}
	}
	return alx_bind_err(b, "3F000",
			    "no schema has been selected to create in");
}

/* ---- stored expressions -------------------------------------------------- */

int alx_bind_table_expr(struct alx_bind_ctx *b, const struct alx_cat_table *t,
			const struct alx_sql_expr *e, struct alx_bx **out)
{
	struct alx_scope sc = {0};
	sc.table = t;
	return alx_bind_expr(b, &sc, e,
			     t ? ALX_ECTX_WHERE : ALX_ECTX_DEFAULT_EXPR, out);
}

int alx_bind_expr_text(struct alx_bind_ctx *b, const struct alx_cat_table *t,
		       const char *text, struct alx_bx **out)
{
	const char *sql = alx_arena_printf(b->a, "SELECT %s", text);
	if (sql == NULL)
		return alx_bind_oom(b);
	struct alx_sql_stmt_list l;
	struct alx_sql_error err;
	int rc = alx_sql_parse(b->a, sql, strlen(sql), NULL, &l, &err, b->d);
	if (rc != 0)
		return rc;
	if (l.n != 1 || l.v[0]->kind != ALX_SQL_STMT_SELECT ||
	    l.v[0]->u.select->ntargets != 1)
		return alx_bind_err(b, "XX000",
				    "stored expression \"%s\" is damaged",
				    text);
	return alx_bind_table_expr(b, t, l.v[0]->u.select->targets[0].expr,
				   out);
}

/* Per column: its default (NULL when none) as a bound expression. */
static int bind_defaults(struct alx_bind_ctx *b, const struct alx_cat_table *t,
			 struct alx_bx ***out)
{
	struct alx_bx **d = alx_arena_calloc(b->a, t->ncols + 1, sizeof(*d));
	if (d == NULL)
		return alx_bind_oom(b);
	for (uint32_t i = 0; i < t->ncols; i++) {
		const struct alx_cat_column *c = &t->cols[i];
		if (c->dropped || c->default_expr == NULL)
			continue;
		int rc = alx_bind_expr_text(b, NULL, c->default_expr, &d[i]);
		if (rc == 0)
			rc = alx_bind_coerce(b, &d[i], c->type, ALX_CAST_ASSIGN,
					     c->name);
		if (rc != 0)
			return rc;
	}
	*out = d;
	return 0;
}

static int bind_checks(struct alx_bind_ctx *b, struct alx_bdml *m)
{
	const struct alx_cat_table *t = m->table;
	m->nchecks = t->nchecks;
	m->checks = alx_arena_calloc(b->a, t->nchecks + 1, sizeof(*m->checks));
	if (m->checks == NULL)
		return alx_bind_oom(b);
	for (uint32_t i = 0; i < t->nchecks; i++) {
		int rc = alx_bind_expr_text(b, t, t->checks[i].expr,
					    &m->checks[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The expression for DEFAULT in a column: its default or a NULL. */
static int default_of(struct alx_bind_ctx *b, struct alx_bdml *m, uint32_t col,
		      struct alx_bx **out)
{
	if (m->defaults[col] != NULL) {
		*out = m->defaults[col];
		return 0;
	}
	struct alx_type t = m->table->cols[col].type;
	*out = alx_bx_const(b, alx_value_null(t.id), t);
	return *out ? 0 : alx_bind_oom(b);
}

/* ---- RETURNING ------------------------------------------------------------ */

static const char *target_name(const struct alx_sql_target *t)
{
	if (t->alias.ptr)
		return t->alias.ptr;
	const struct alx_sql_expr *x = t->expr;
	if (x->kind == ALX_SQL_E_COLUMN && x->u.column.names.n > 0)
		return x->u.column.names.v[x->u.column.names.n - 1].ptr;
	if (x->kind == ALX_SQL_E_FUNC)
		return x->u.func.name.v[x->u.func.name.n - 1].ptr;
	if (x->kind == ALX_SQL_E_CAST &&
	    x->u.cast.arg->kind == ALX_SQL_E_COLUMN)
		return x->u.cast.arg->u.column.names
			.v[x->u.cast.arg->u.column.names.n - 1]
			.ptr;
	return "?column?";
}

static int bind_returning(struct alx_bind_ctx *b, struct alx_bdml *m,
			  const struct alx_sql_target *ts, uint32_t n,
			  const char *alias)
{
	const struct alx_cat_table *t = m->table;
	uint32_t cap = n + t->ncols;
	m->returning = alx_arena_calloc(b->a, cap + 1, sizeof(*m->returning));
	m->ret_names = alx_arena_calloc(b->a, cap + 1, sizeof(char *));
	m->ret_types = alx_arena_calloc(b->a, cap + 1, sizeof(*m->ret_types));
	if (m->returning == NULL || m->ret_names == NULL ||
	    m->ret_types == NULL)
		return alx_bind_oom(b);
	struct alx_scope sc = {0};
	sc.table = t;
	sc.table_alias = alias;
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		const struct alx_sql_expr *x = ts[i].expr;
		if (x->kind == ALX_SQL_E_COLUMN && x->u.column.star) {
			for (uint32_t c = 0; c < t->ncols; c++) {
				if (t->cols[c].dropped)
					continue;
				struct alx_bx *v = alx_bx_new(
					b, ALX_BX_VAR, t->cols[c].type, 0);
				if (v == NULL)
					return alx_bind_oom(b);
				v->u.var.slot = c;
				m->returning[k] = v;
				m->ret_names[k] = t->cols[c].name;
				m->ret_types[k++] = v->type;
			}
			continue;
		}
		int rc = alx_bind_expr(b, &sc, x, ALX_ECTX_WHERE,
				       &m->returning[k]);
		if (rc == 0 && m->returning[k]->type.id == ALX_T_UNKNOWN)
			rc = alx_bind_coerce(b, &m->returning[k],
					     alx_type_make(ALX_T_TEXT),
					     ALX_CAST_IMPLICIT, NULL);
		if (rc != 0)
			return rc;
		m->ret_names[k] = (char *)target_name(&ts[i]);
		m->ret_types[k] = m->returning[k]->type;
		k++;
	}
	m->nreturning = k;
	return 0;
}

/* ---- INSERT ---------------------------------------------------------------- */

static int insert_columns(struct alx_bind_ctx *b, struct alx_bdml *m,
			  const struct alx_sql_insert *q)
{
	const struct alx_cat_table *t = m->table;
	uint32_t n = q->ncols;
	m->insert_cols = alx_arena_calloc(b->a, t->ncols + 1, sizeof(uint32_t));
	if (m->insert_cols == NULL)
		return alx_bind_oom(b);
	if (n == 0) {
		for (uint32_t i = 0; i < t->ncols; i++)
			if (!t->cols[i].dropped)
				m->insert_cols[m->ninsert++] = i;
		return 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		int c = alx_cat_column_find(t, q->cols[i].ptr);
		if (c < 0)
			return alx_bind_err(b, "42703",
					    "column \"%s\" of relation \"%s\" "
					    "does not exist",
					    q->cols[i].ptr, t->name);
		for (uint32_t k = 0; k < m->ninsert; k++)
			if (m->insert_cols[k] == (uint32_t)c)
				return alx_bind_err(b, "42701",
						    "column \"%s\" specified "
						    "more than once",
						    q->cols[i].ptr);
		m->insert_cols[m->ninsert++] = (uint32_t)c;
	}
	return 0;
}

static int bind_insert_values(struct alx_bind_ctx *b, struct alx_bdml *m,
			      const struct alx_sql_select *v,
			      bool implicit_cols)
{
	const struct alx_cat_table *t = m->table;
	struct alx_rte *r = alx_arena_calloc(b->a, 1, sizeof(*r));
	struct alx_bq *q = alx_arena_calloc(b->a, 1, sizeof(*q));
	if (r == NULL || q == NULL)
		return alx_bind_oom(b);
	uint32_t nrows = v ? v->nrows : 1, ncols = m->ninsert;
	r->kind = ALX_RTE_VALUES;
	r->alias = "*VALUES*";
	r->ncols = ncols;
	r->nrows = nrows;
	r->rows = alx_arena_calloc(b->a, nrows, sizeof(*r->rows));
	r->colnames = alx_arena_calloc(b->a, ncols + 1, sizeof(char *));
	r->coltypes = alx_arena_calloc(b->a, ncols + 1, sizeof(*r->coltypes));
	if (r->rows == NULL || r->colnames == NULL || r->coltypes == NULL)
		return alx_bind_oom(b);
	for (uint32_t c = 0; c < ncols; c++)
		r->coltypes[c] = t->cols[m->insert_cols[c]].type;
	struct alx_scope sc = {0};
	for (uint32_t i = 0; i < nrows; i++) {
		r->rows[i] =
			alx_arena_calloc(b->a, ncols + 1, sizeof(**r->rows));
		if (r->rows[i] == NULL)
			return alx_bind_oom(b);
		if (v != NULL && v->rows[i].n > ncols)
			return alx_bind_err(b, "42601",
					    "INSERT has more expressions than "
					    "target columns");
		if (v != NULL && v->rows[i].n < ncols && !implicit_cols)
			return alx_bind_err(b, "42601",
					    "INSERT has more target columns "
					    "than expressions");
		for (uint32_t c = 0; c < ncols; c++) {
			uint32_t col = m->insert_cols[c];
			const struct alx_sql_expr *x =
				v && c < v->rows[i].n ? v->rows[i].v[c] : NULL;
			int rc;
			if (x == NULL || x->kind == ALX_SQL_E_DEFAULT) {
				rc = default_of(b, m, col, &r->rows[i][c]);
			} else {
				rc = alx_bind_expr(b, &sc, x, ALX_ECTX_VALUES,
						   &r->rows[i][c]);
				if (rc == 0)
					rc = alx_bind_coerce(b, &r->rows[i][c],
							     t->cols[col].type,
							     ALX_CAST_ASSIGN,
							     t->cols[col].name);
			}
			if (rc != 0)
				return rc;
		}
	}
	q->kind = ALX_BQ_SELECT;
	q->rtes = alx_arena_calloc(b->a, 1, sizeof(*q->rtes));
	q->from = alx_arena_calloc(b->a, 1, sizeof(*q->from));
	q->targets = alx_arena_calloc(b->a, ncols + 1, sizeof(*q->targets));
	q->types = r->coltypes;
	q->names = r->colnames;
	if (q->rtes == NULL || q->from == NULL || q->targets == NULL)
		return alx_bind_oom(b);
	q->rtes[0] = r;
	q->nrte = 1;
	q->width = ncols;
	q->slot_types = r->coltypes;
	q->from->kind = ALX_FROM_REL;
	q->from->rte_hi = 1;
	for (uint32_t c = 0; c < ncols; c++) {
		struct alx_bx *e = alx_bx_new(b, ALX_BX_VAR, r->coltypes[c], 0);
		if (e == NULL)
			return alx_bind_oom(b);
		e->u.var.slot = c;
		q->targets[c] = e;
	}
	q->ntargets = q->nout = ncols;
	m->source = q;
	return 0;
}

/* INSERT ... SELECT: SELECT * FROM (query) with casts to the columns. */
static int bind_insert_select(struct alx_bind_ctx *b, struct alx_bdml *m,
			      const struct alx_sql_select *s,
			      bool implicit_cols)
{
	struct alx_bq *sub;
	int rc = alx_bind_select(b, s, NULL, &sub);
	if (rc != 0)
		return rc;
	if (sub->ntargets > m->ninsert)
		return alx_bind_err(b, "42601",
				    "INSERT has more expressions than target "
				    "columns");
	if (sub->ntargets < m->ninsert && !implicit_cols)
		return alx_bind_err(b, "42601",
				    "INSERT has more target columns than "
				    "expressions");
	/* Without a column list, the query fills the first columns. */
	m->ninsert = sub->ntargets;
	uint32_t n = sub->ntargets;
	struct alx_rte *r = alx_arena_calloc(b->a, 1, sizeof(*r));
	struct alx_bq *q = alx_arena_calloc(b->a, 1, sizeof(*q));
	if (r == NULL || q == NULL)
		return alx_bind_oom(b);
	r->kind = ALX_RTE_SUBQUERY;
	r->sub = sub;
	r->alias = "*SELECT*";
	r->ncols = n;
	r->colnames = sub->names;
	r->coltypes = sub->types;
	q->kind = ALX_BQ_SELECT;
	q->rtes = alx_arena_calloc(b->a, 1, sizeof(*q->rtes));
	q->from = alx_arena_calloc(b->a, 1, sizeof(*q->from));
	q->targets = alx_arena_calloc(b->a, n + 1, sizeof(*q->targets));
	q->types = alx_arena_calloc(b->a, n + 1, sizeof(*q->types));
	if (q->rtes == NULL || q->from == NULL || q->targets == NULL ||
	    q->types == NULL)
		return alx_bind_oom(b);
	q->rtes[0] = r;
	q->nrte = 1;
	q->width = n;
	q->slot_types = sub->types;
	q->from->kind = ALX_FROM_REL;
	q->from->rte_hi = 1;
	q->names = sub->names;
	for (uint32_t c = 0; c < n; c++) {
		const struct alx_cat_column *col =
			&m->table->cols[m->insert_cols[c]];
		struct alx_bx *e = alx_bx_new(b, ALX_BX_VAR, sub->types[c], 0);
		if (e == NULL)
			return alx_bind_oom(b);
		e->u.var.slot = c;
		rc = alx_bind_coerce(b, &e, col->type, ALX_CAST_ASSIGN,
				     col->name);
		if (rc != 0)
			return rc;
		q->targets[c] = e;
		q->types[c] = e->type;
	}
	q->ntargets = q->nout = n;
	m->source = q;
	return 0;
}

static bool same_cols(const struct alx_cat_index *x, const uint32_t *cols,
		      uint32_t n)
{
	if (x->ncols != n)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		bool found = false;
		for (uint32_t k = 0; k < n; k++)
			if (x->cols[k] == cols[i])
				found = true;
		if (!found)
			return false;
	}
	return true;
}

static int bind_assignments(struct alx_bind_ctx *b, struct alx_bdml *m,
			    struct alx_scope *sc,
			    const struct alx_sql_assign *set, uint32_t nset,
			    struct alx_bx ***out);

static int bind_on_conflict(struct alx_bind_ctx *b, struct alx_bdml *m,
			    const struct alx_sql_on_conflict *oc,
			    const char *alias)
{
	const struct alx_cat_table *t = m->table;
	m->conflict = oc->action;
	if (oc->constraint.ptr != NULL) {
		for (uint32_t i = 0; i < t->nindexes; i++)
			if (t->indexes[i].unique &&
			    strcmp(t->indexes[i].name, oc->constraint.ptr) == 0)
				m->conflict_index = &t->indexes[i];
		if (m->conflict_index == NULL)
			return alx_bind_err(
				b, "42704",
				"constraint \"%s\" for table \"%s\" "
				"does not exist",
				oc->constraint.ptr, t->name);
	} else if (oc->ntarget > 0) {
		uint32_t cols[32];
		if (oc->ntarget > 32)
			return alx_bind_err(b, "54011", "too many columns");
		for (uint32_t i = 0; i < oc->ntarget; i++) {
			if (oc->target[i].column.ptr == NULL)
				return alx_bind_err(
					b, "0A000",
					"ON CONFLICT on expressions "
					"is not supported");
			int c = alx_cat_column_find(t,
						    oc->target[i].column.ptr);
			if (c < 0)
				return alx_bind_err(
					b, "42703",
					"column \"%s\" does not exist",
					oc->target[i].column.ptr);
			cols[i] = (uint32_t)c;
		}
		for (uint32_t i = 0; i < t->nindexes; i++)
			if (t->indexes[i].unique &&
			    same_cols(&t->indexes[i], cols, oc->ntarget))
				m->conflict_index = &t->indexes[i];
		if (m->conflict_index == NULL)
			return alx_bind_err(b, "42P10",
					    "there is no unique or exclusion "
					    "constraint matching the ON "
					    "CONFLICT specification");
	} else if (oc->action == ALX_SQL_CONFLICT_UPDATE) {
		return alx_bind_err(b, "42601",
				    "ON CONFLICT DO UPDATE requires inference "
				    "specification or constraint name");
	}
	if (oc->action != ALX_SQL_CONFLICT_UPDATE)
		return 0;
	struct alx_scope sc = {0};
	sc.table = t;
	sc.table_alias = alias;
	sc.excluded = t;
	sc.excluded_off = t->ncols;
	int rc = bind_assignments(b, m, &sc, oc->set, oc->nset,
				  &m->conflict_set);
	if (rc == 0 && oc->where != NULL) {
		rc = alx_bind_expr(b, &sc, oc->where, ALX_ECTX_WHERE,
				   &m->conflict_where);
		if (rc == 0)
			rc = alx_bind_bool(b, &m->conflict_where, "WHERE");
	}
	return rc;
}

int alx_bind_insert(struct alx_bind_ctx *b, const struct alx_sql_insert *q,
		    struct alx_bdml **out)
{
	if (q->with != NULL)
		return alx_bind_err(b, "0A000",
				    "WITH in INSERT is not supported yet");
	struct alx_bdml *m = alx_arena_calloc(b->a, 1, sizeof(*m));
	if (m == NULL)
		return alx_bind_oom(b);
	m->kind = ALX_SQL_STMT_INSERT;
	int rc = alx_bind_resolve_table(b, &q->table, &m->table);
	if (rc == 0)
		rc = insert_columns(b, m, q);
	if (rc == 0)
		rc = bind_defaults(b, m->table, &m->defaults);
	if (rc == 0)
		rc = bind_checks(b, m);
	if (rc != 0)
		return rc;
	bool implicit = q->ncols == 0;
	if (q->source == NULL) {
		rc = bind_insert_values(b, m, NULL, implicit);
	} else if (q->source->kind == ALX_SQL_SELECT_VALUES &&
		   q->source->norder == 0 && q->source->limit == NULL &&
		   q->source->offset == NULL && q->source->with == NULL) {
		/* Without a column list, short rows fill the first columns;
		 * the rest get their defaults. */
		if (implicit) {
			uint32_t widest = 0;
			for (uint32_t i = 0; i < q->source->nrows; i++)
				if (q->source->rows[i].n > widest)
					widest = q->source->rows[i].n;
			if (widest < m->ninsert)
				m->ninsert = widest;
		}
		rc = bind_insert_values(b, m, q->source, implicit);
	} else {
		rc = bind_insert_select(b, m, q->source, implicit);
	}
	if (rc == 0 && q->on_conflict != NULL)
		rc = bind_on_conflict(b, m, q->on_conflict, q->alias.ptr);
	if (rc == 0)
		rc = bind_returning(b, m, q->returning, q->nreturning,
				    q->alias.ptr);
	if (rc != 0)
		return rc;
	*out = m;
	return 0;
}

/* ---- UPDATE and DELETE ------------------------------------------------------ */

static int bind_assignments(struct alx_bind_ctx *b, struct alx_bdml *m,
			    struct alx_scope *sc,
			    const struct alx_sql_assign *set, uint32_t nset,
			    struct alx_bx ***out)
{
	const struct alx_cat_table *t = m->table;
	struct alx_bx **v = alx_arena_calloc(b->a, t->ncols + 1, sizeof(*v));
	if (v == NULL)
		return alx_bind_oom(b);
	for (uint32_t i = 0; i < nset; i++) {
		const struct alx_sql_assign *as = &set[i];
		if (as->ncols != 1)
			return alx_bind_err(b, "0A000",
					    "multiple-column assignment is not "
					    "supported yet");
		const char *name = as->cols[0].ptr;
		int c = alx_cat_column_find(t, name);
		if (c < 0)
			return alx_bind_err(b, "42703",
					    "column \"%s\" of relation \"%s\" "
					    "does not exist",
					    name, t->name);
		if (v[c] != NULL)
			return alx_bind_err(b, "42601",
					    "multiple assignments to same "
					    "column \"%s\"",
					    name);
		int rc;
		if (as->value->kind == ALX_SQL_E_DEFAULT) {
			rc = default_of(b, m, (uint32_t)c, &v[c]);
		} else {
			rc = alx_bind_expr(b, sc, as->value, ALX_ECTX_WHERE,
					   &v[c]);
			if (rc == 0)
				rc = alx_bind_coerce(b, &v[c], t->cols[c].type,
						     ALX_CAST_ASSIGN, name);
		}
		if (rc != 0)
			return rc;
	}
	*out = v;
	return 0;
}

/* The source of UPDATE/DELETE: the target (with its key slot) first. */
static int bind_target_source(struct alx_bind_ctx *b, struct alx_bdml *m,
			      const struct alx_sql_names *table,
			      const char *alias, struct alx_sql_from **from,
			      uint32_t nfrom, const struct alx_sql_expr *where,
			      struct alx_scope *sc)
{
	/* Bind "SELECT FROM table [, from...] WHERE where" by hand so the
	 * target RTE can ask for its key slot. */
	struct alx_sql_from tf = {0};
	tf.kind = ALX_SQL_FROM_TABLE;
	tf.name = *table;
	tf.alias.name.ptr = alias;
	tf.alias.name.len = alias ? (uint32_t)strlen(alias) : 0;
	struct alx_sql_from **items =
		alx_arena_calloc(b->a, nfrom + 1, sizeof(*items));
	if (items == NULL)
		return alx_bind_oom(b);
	items[0] = &tf;
	for (uint32_t i = 0; i < nfrom; i++)
		items[i + 1] = from[i];
	struct alx_sql_select sel = {0};
	sel.kind = ALX_SQL_SELECT_SIMPLE;
	sel.from = items;
	sel.nfrom = nfrom + 1;
	sel.where = (struct alx_sql_expr *)where;
	struct alx_bq *q;
	int rc = alx_bind_select(b, &sel, NULL, &q);
	if (rc != 0)
		return rc;
	/* The target's key slot goes at the end of the FROM row. */
	struct alx_rte *r = q->rtes[0];
	r->want_key = true;
	struct alx_type *st =
		alx_arena_alloc(b->a, (q->width + 2) * sizeof(*st));
	if (st == NULL)
		return alx_bind_oom(b);
	memcpy(st, q->slot_types, q->width * sizeof(*st));
	st[q->width] = alx_type_make(ALX_T_BYTEA);
	m->key_slot = q->width;
	r->key_slot = q->width;
	q->slot_types = st;
	q->width++;
	m->table = r->table;
	m->target_off = r->off;
	m->source = q;
	sc->q = q;
	return 0;
}

int alx_bind_update(struct alx_bind_ctx *b, const struct alx_sql_update *u,
		    struct alx_bdml **out)
{
	if (u->with != NULL)
		return alx_bind_err(b, "0A000",
				    "WITH in UPDATE is not supported yet");
	struct alx_bdml *m = alx_arena_calloc(b->a, 1, sizeof(*m));
	if (m == NULL)
		return alx_bind_oom(b);
	m->kind = ALX_SQL_STMT_UPDATE;
	struct alx_scope sc = {0};
	int rc = bind_target_source(b, m, &u->table, u->alias.ptr, u->from,
				    u->nfrom, u->where, &sc);
	if (rc == 0)
		rc = bind_defaults(b, m->table, &m->defaults);
	if (rc == 0)
		rc = bind_checks(b, m);
	if (rc == 0)
		rc = bind_assignments(b, m, &sc, u->set, u->nset, &m->set);
	if (rc == 0)
		rc = bind_returning(b, m, u->returning, u->nreturning,
				    u->alias.ptr);
	if (rc != 0)
		return rc;
	*out = m;
	return 0;
}

int alx_bind_delete(struct alx_bind_ctx *b, const struct alx_sql_delete *q,
		    struct alx_bdml **out)
{
	if (q->with != NULL)
		return alx_bind_err(b, "0A000",
				    "WITH in DELETE is not supported yet");
	struct alx_bdml *m = alx_arena_calloc(b->a, 1, sizeof(*m));
	if (m == NULL)
		return alx_bind_oom(b);
	m->kind = ALX_SQL_STMT_DELETE;
	struct alx_scope sc = {0};
	int rc = bind_target_source(b, m, &q->table, q->alias.ptr, q->using_,
				    q->nusing, q->where, &sc);
	if (rc == 0)
		rc = bind_returning(b, m, q->returning, q->nreturning,
				    q->alias.ptr);
	if (rc != 0)
		return rc;
	*out = m;
	return 0;
}
