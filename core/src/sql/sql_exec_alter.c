/* ALTER TABLE and TRUNCATE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "kv/kv_txn.h"
#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_catalog.h"
#include "sql/sql_exec_ddl.h"
#include "sql/sql_exec_dml.h"
#include "sql/sql_session.h"
#include "sql/sql_vindex.h"

static int oom(struct alx_ddl *c)
{
	return alx_exec_oom(c->ex);
}

/* ---- stored expressions after a column rename ----------------------------------- */

static void rename_refs(struct alx_sql_expr *e, const char *from,
			const char *to);

static void rename_list(struct alx_sql_exprs *l, const char *from,
			const char *to)
{
	for (uint32_t i = 0; i < l->n; i++)
		rename_refs(l->v[i], from, to);
}

static void rename_refs(struct alx_sql_expr *e, const char *from,
			const char *to)
{
	if (e == NULL)
		return;
	switch (e->kind) {
	case ALX_SQL_E_COLUMN: {
		struct alx_sql_names *n = &e->u.column.names;
		if (n->n > 0 && strcmp(n->v[n->n - 1].ptr, from) == 0) {
			n->v[n->n - 1].ptr = to;
			n->v[n->n - 1].len = (uint32_t)strlen(to);
		}
		break;
	}
	case ALX_SQL_E_OP:
		rename_refs(e->u.op.l, from, to);
		rename_refs(e->u.op.r, from, to);
		break;
	case ALX_SQL_E_AND:
	case ALX_SQL_E_OR:
	case ALX_SQL_E_COALESCE:
	case ALX_SQL_E_NULLIF:
	case ALX_SQL_E_GREATEST:
	case ALX_SQL_E_LEAST:
	case ALX_SQL_E_ROW:
	case ALX_SQL_E_ARRAY:
		rename_list(&e->u.list, from, to);
		break;
	case ALX_SQL_E_NOT:
		rename_refs(e->u.unary.arg, from, to);
		break;
	case ALX_SQL_E_TEST:
		rename_refs(e->u.test.arg, from, to);
		break;
	case ALX_SQL_E_DISTINCT:
		rename_refs(e->u.binary.l, from, to);
		rename_refs(e->u.binary.r, from, to);
		break;
	case ALX_SQL_E_BETWEEN:
		rename_refs(e->u.between.arg, from, to);
		rename_refs(e->u.between.lo, from, to);
		rename_refs(e->u.between.hi, from, to);
		break;
	case ALX_SQL_E_IN:
		rename_refs(e->u.in.arg, from, to);
		rename_list(&e->u.in.list, from, to);
		break;
	case ALX_SQL_E_LIKE:
		rename_refs(e->u.like.arg, from, to);
		rename_refs(e->u.like.pattern, from, to);
		rename_refs(e->u.like.escape, from, to);
		break;
	case ALX_SQL_E_CASE:
		rename_refs(e->u.kase.arg, from, to);
		for (uint32_t i = 0; i < e->u.kase.nwhens; i++) {
			rename_refs(e->u.kase.whens[i].cond, from, to);
			rename_refs(e->u.kase.whens[i].result, from, to);
		}
		rename_refs(e->u.kase.else_, from, to);
		break;
	case ALX_SQL_E_CAST:
		rename_refs(e->u.cast.arg, from, to);
		break;
	case ALX_SQL_E_FUNC:
		rename_list(&e->u.func.args, from, to);
		break;
	case ALX_SQL_E_COLLATE:
		rename_refs(e->u.collate.arg, from, to);
		break;
	default:
		break;
	}
}

static int rename_in_text(struct alx_ddl *c, char **text, const char *from,
			  const char *to)
{
	if (*text == NULL)
		return 0;
	const char *sql = alx_arena_printf(c->b->a, "SELECT %s", *text);
	if (sql == NULL)
		return oom(c);
	struct alx_sql_stmt_list l;
	struct alx_sql_error err;
	int rc = alx_sql_parse(c->b->a, sql, strlen(sql), NULL, &l, &err,
			       c->ex->d);
	if (rc != 0)
		return rc;
	struct alx_sql_expr *e = l.v[0]->u.select->targets[0].expr;
	rename_refs(e, from, to);
	char *t = alx_sql_expr_deparse(c->b->a, e);
	if (t == NULL)
		return oom(c);
	*text = t;
	return 0;
}

/* ---- row rewriting --------------------------------------------------------------- */

struct add_col {
	struct alx_ddl *c;
	const struct alx_cat_table *old_t, *new_t;
	struct alx_bx *def; /* NULL: NULL */
	uint32_t col;
};

static int add_col_map(void *arg, struct alx_exec *ex,
		       const struct alx_value *old, struct alx_value *out)
{
	struct add_col *a = arg;
	memcpy(out, old, a->old_t->ncols * sizeof(*out));
	for (uint32_t i = a->old_t->ncols; i < a->new_t->ncols; i++)
		out[i] = alx_value_null(a->new_t->cols[i].type.id);
	if (a->def != NULL) {
		struct alx_ev ev = {ex, ex->a, NULL, NULL};
		int rc = alx_eval(&ev, a->def, &out[a->col]);
		if (rc != 0)
			return rc;
	}
	if (out[a->col].null && a->new_t->cols[a->col].notnull)
		return alx_exec_err(ex, "23502",
				    "column \"%s\" of relation \"%s\" contains "
				    "null values",
				    a->new_t->cols[a->col].name,
				    a->new_t->name);
	return 0;
}

struct scan_check {
	const struct alx_cat_table *t;
	int col;	     /* NOT NULL check: the column; -1: check expr */
	struct alx_bx *expr; /* CHECK */
	const char *name;
};

static int scan_check_row(struct alx_exec *ex, void *arg, struct alx_arena *a,
			  alopex_slice key, struct alx_value *row)
{
	(void)key;
	struct scan_check *s = arg;
	if (s->col >= 0) {
		if (row[s->col].null)
			return alx_exec_err(ex, "23502",
					    "column \"%s\" of relation \"%s\" "
					    "contains null values",
					    s->t->cols[s->col].name,
					    s->t->name);
		return 0;
	}
	struct alx_ev ev = {ex, a, row, NULL};
	struct alx_value v;
	int rc = alx_eval(&ev, s->expr, &v);
	if (rc != 0)
		return rc;
	if (!v.null && !v.u.b)
		return alx_exec_err(ex, "23514",
				    "check constraint \"%s\" of relation "
				    "\"%s\" is violated by some row",
				    s->name, s->t->name);
	return 0;
}

/* ---- commands -------------------------------------------------------------------- */

static int add_index(struct alx_ddl *c, struct alx_cat_table *nt,
		     const uint32_t *cols, uint32_t ncols, const char *name,
		     bool unique)
{
	struct alx_cat_index x = {0};
	x.id = nt->next_index_id++;
	x.unique = unique;
	x.method = "btree";
	x.ncols = ncols;
	x.cols = alx_arena_calloc(c->b->a, ncols + 1, sizeof(*x.cols));
	x.flags = alx_arena_calloc(c->b->a, ncols + 1, 1);
	if (x.cols == NULL || x.flags == NULL)
		return oom(c);
	memcpy(x.cols, cols, ncols * sizeof(*cols));
	if (name != NULL) {
		if (alx_cat_relname_taken(c->cat, nt->schema_id, name))
			return alx_ddl_err(c, "42P07",
					   "relation \"%s\" already exists",
					   name);
		x.name = (char *)name;
	} else {
		char base[256];
		size_t n = (size_t)snprintf(base, sizeof(base), "%s", nt->name);
		for (uint32_t i = 0; i < ncols && n < sizeof(base); i++)
			n += (size_t)snprintf(base + n, sizeof(base) - n, "_%s",
					      nt->cols[cols[i]].name);
		if (n < sizeof(base))
			snprintf(base + n, sizeof(base) - n, "_key");
		x.name = alx_ddl_unique_name(c, nt->schema_id, base);
		if (x.name == NULL)
			return oom(c);
	}
	struct alx_cat_index *v =
		alx_arena_calloc(c->b->a, nt->nindexes + 2, sizeof(*v));
	if (v == NULL)
		return oom(c);
	memcpy(v, nt->indexes, nt->nindexes * sizeof(*v));
	v[nt->nindexes++] = x;
	nt->indexes = v;
	return 0;
}

static int add_check(struct alx_ddl *c, struct alx_cat_table *nt,
		     const struct alx_sql_constraint *k, const char *col)
{
	char *text = alx_sql_expr_deparse(c->b->a, k->expr);
	if (text == NULL)
		return alx_ddl_err(c, "0A000",
				   "this CHECK expression is not supported");
	const char *name = k->name.ptr;
	if (name == NULL) {
		name = alx_arena_printf(c->b->a, "%s_%s%scheck", nt->name,
					col ? col : "", col ? "_" : "");
		if (name == NULL)
			return oom(c);
	}
	for (uint32_t i = 0; i < nt->nchecks; i++)
		if (strcmp(nt->checks[i].name, name) == 0)
			return alx_ddl_err(c, "42710",
					   "constraint \"%s\" for relation "
					   "\"%s\" already exists",
					   name, nt->name);
	struct alx_cat_check *v =
		alx_arena_calloc(c->b->a, nt->nchecks + 2, sizeof(*v));
	if (v == NULL)
		return oom(c);
	memcpy(v, nt->checks, nt->nchecks * sizeof(*v));
	v[nt->nchecks].name = (char *)name;
	v[nt->nchecks].expr = text;
	nt->checks = v;
	nt->nchecks++;
	return alx_ddl_check_check(c, nt, text);
}

static int add_column(struct alx_ddl *c, struct alx_cat_table **pnt,
		      const struct alx_sql_alter_cmd *cmd, bool *rewrite,
		      struct alx_bx **def, uint32_t *defcol)
{
	struct alx_cat_table *nt = *pnt;
	const struct alx_sql_coldef *cd = cmd->coldef;
	const char *name = cd->name.ptr;
	if (alx_cat_column_find(nt, name) >= 0) {
		if (cmd->if_not_exists) {
			snprintf(c->notice, sizeof(c->notice),
				 "column \"%s\" of relation \"%s\" already "
				 "exists, skipping",
				 name, nt->name);
			snprintf(c->notice_state, 6, "42701");
			return 0;
		}
		return alx_ddl_err(c, "42701",
				   "column \"%s\" of relation \"%s\" already "
				   "exists",
				   name, nt->name);
	}
	if (nt->ncols >= 1600)
		return alx_ddl_err(c, "54011",
				   "tables can have at most 1600 columns");
	struct alx_cat_column *v =
		alx_arena_calloc(c->b->a, nt->ncols + 2, sizeof(*v));
	if (v == NULL)
		return oom(c);
	memcpy(v, nt->cols, nt->ncols * sizeof(*v));
	nt->cols = v;
	uint32_t idx = nt->ncols++;
	struct alx_cat_column *col = &nt->cols[idx];
	col->name = (char *)name;
	int rc = alx_bind_typename(c->b, cd->type, &col->type);
	if (rc != 0)
		return rc;
	for (uint32_t k = 0; k < cd->nconstraints; k++) {
		const struct alx_sql_constraint *cons = &cd->constraints[k];
		switch (cons->kind) {
		case ALX_SQL_CONS_NULL:
			break;
		case ALX_SQL_CONS_NOT_NULL:
			col->notnull = true;
			*rewrite = true;
			break;
		case ALX_SQL_CONS_DEFAULT:
			col->default_expr =
				alx_sql_expr_deparse(c->b->a, cons->expr);
			if (col->default_expr == NULL)
				return alx_ddl_err(c, "0A000",
						   "this DEFAULT expression is "
						   "not supported");
			rc = alx_ddl_check_default(c, col, col->default_expr);
			if (rc != 0)
				return rc;
			*rewrite = true;
			break;
		case ALX_SQL_CONS_CHECK:
			rc = add_check(c, nt, cons, name);
			if (rc != 0)
				return rc;
			break;
		case ALX_SQL_CONS_UNIQUE: {
			uint32_t cols[1] = {idx};
			rc = add_index(c, nt, cols, 1, cons->name.ptr, true);
			if (rc != 0)
				return rc;
			break;
		}
		default:
			return alx_ddl_err(c, "0A000",
					   "this constraint is not supported "
					   "in ADD COLUMN yet");
		}
	}
	if (col->default_expr != NULL) {
		rc = alx_bind_expr_text(c->b, NULL, col->default_expr, def);
		if (rc == 0)
			rc = alx_bind_coerce(c->b, def, col->type,
					     ALX_CAST_ASSIGN, name);
		if (rc != 0)
			return rc;
		*defcol = idx;
	} else if (col->notnull) {
		*defcol = idx;
	}
	return 0;
}

static int drop_column(struct alx_ddl *c, struct alx_cat_table *nt,
		       const struct alx_sql_alter_cmd *cmd)
{
	int col = alx_cat_column_find(nt, cmd->name.ptr);
	if (col < 0) {
		if (cmd->if_exists) {
			snprintf(c->notice, sizeof(c->notice),
				 "column \"%s\" of relation \"%s\" does not "
				 "exist, skipping",
				 cmd->name.ptr, nt->name);
			return 0;
		}
		return alx_ddl_err(c, "42703",
				   "column \"%s\" of relation \"%s\" does not "
				   "exist",
				   cmd->name.ptr, nt->name);
	}
	uint32_t live = 0;
	for (uint32_t i = 0; i < nt->ncols; i++)
		live += !nt->cols[i].dropped;
	for (uint32_t i = 0; i < nt->nindexes;) {
		struct alx_cat_index *x = &nt->indexes[i];
		bool uses = false;
		for (uint32_t k = 0; k < x->ncols; k++)
			if (x->cols[k] == (uint32_t)col)
				uses = true;
		if (!uses) {
			i++;
			continue;
		}
		if (x->primary)
			return alx_ddl_err(c, "0A000",
					   "dropping a primary key column is "
					   "not supported yet");
		int rc = alx_ddl_drop_index(c, nt, i);
		if (rc != 0)
			return rc;
	}
	const char *old = nt->cols[col].name;
	nt->cols[col].dropped = true;
	nt->cols[col].notnull = false;
	nt->cols[col].default_expr = NULL;
	nt->cols[col].name = alx_arena_printf(
		c->b->a, "........pg.dropped.%d........", col + 1);
	if (nt->cols[col].name == NULL)
		return oom(c);
	/* checks that named the column go with it, as in PostgreSQL */
	for (uint32_t i = 0; i < nt->nchecks;) {
		struct alx_bx *e;
		int rc = alx_bind_expr_text(c->b, nt, nt->checks[i].expr, &e);
		if (rc == ALOPEX_ESQL &&
		    strcmp(c->ex->d->sqlstate, "42703") == 0) {
			memmove(&nt->checks[i], &nt->checks[i + 1],
				(nt->nchecks - i - 1) * sizeof(*nt->checks));
			nt->nchecks--;
			continue;
		}
		if (rc != 0)
			return rc;
		i++;
	}
	(void)old;
	(void)live;
	return 0;
}

static int rename_column(struct alx_ddl *c, struct alx_cat_table *nt,
			 const struct alx_sql_alter_cmd *cmd)
{
	int col = alx_cat_column_find(nt, cmd->name.ptr);
	if (col < 0)
		return alx_ddl_err(c, "42703", "column \"%s\" does not exist",
				   cmd->name.ptr);
	if (alx_cat_column_find(nt, cmd->newname.ptr) >= 0)
		return alx_ddl_err(c, "42701",
				   "column \"%s\" of relation \"%s\" already "
				   "exists",
				   cmd->newname.ptr, nt->name);
	nt->cols[col].name = (char *)cmd->newname.ptr;
	for (uint32_t i = 0; i < nt->nchecks; i++) {
		int rc = rename_in_text(c, &nt->checks[i].expr, cmd->name.ptr,
					cmd->newname.ptr);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- ADD PRIMARY KEY ------------------------------------------------------------- */

/* The rows move to new storage keyed by the key (sql_exec_addpk.c).
 * alone: the statement's only command (it may then stream). */
static int add_primary_key(struct alx_ddl *c, struct alx_cat_table *nt,
			   const struct alx_sql_constraint *k, bool alone)
{
	/* PostgreSQL's order: the columns, the key's own checks, then the
	 * table's existing key, the name, the rows. */
	if (k->nkeys > 32)
		return alx_ddl_err(c, "54011",
				   "cannot use more than 32 columns in an "
				   "index");
	if (k->ninclude > 0)
		return alx_ddl_err(c, "0A000", "INCLUDE is not supported yet");
	uint32_t *cols = alx_arena_calloc(c->b->a, k->nkeys + 1, sizeof(*cols));
	uint8_t *flags = alx_arena_calloc(c->b->a, k->nkeys + 1, 1);
	if (cols == NULL || flags == NULL)
		return oom(c);
	for (uint32_t i = 0; i < k->nkeys; i++) {
		int col = alx_cat_column_find(nt, k->keys[i].ptr);
		if (col < 0)
			return alx_ddl_err(c, "42703",
					   "column \"%s\" of relation \"%s\" "
					   "does not exist",
					   k->keys[i].ptr, nt->name);
		for (uint32_t j = 0; j < i; j++)
			if (cols[j] == (uint32_t)col)
				return alx_ddl_err(c, "42701",
						   "column \"%s\" appears "
						   "twice in primary key "
						   "constraint",
						   k->keys[i].ptr);
		cols[i] = (uint32_t)col;
	}
	for (uint32_t i = 0; i < k->nkeys; i++)
		if (nt->cols[cols[i]].type.id == ALX_T_JSON)
			return alx_ddl_err(c, "42704",
					   "data type json has no default "
					   "operator class for access method "
					   "\"btree\"");
	if (nt->has_pk)
		return alx_ddl_err(c, "42P16",
				   "multiple primary keys for table \"%s\" are "
				   "not allowed",
				   nt->name);
	struct alx_cat_index x = {0};
	x.id = 0;
	x.unique = x.primary = true;
	x.method = "btree";
	x.ncols = k->nkeys;
	x.cols = cols;
	x.flags = flags;
	if (k->name.ptr != NULL) {
		if (alx_cat_relname_taken(c->cat, nt->schema_id, k->name.ptr))
			return alx_ddl_err(c, "42P07",
					   "relation \"%s\" already exists",
					   k->name.ptr);
		for (uint32_t i = 0; i < nt->nchecks; i++)
			if (strcmp(nt->checks[i].name, k->name.ptr) == 0)
				return alx_ddl_err(c, "42710",
						   "constraint \"%s\" for "
						   "relation \"%s\" already "
						   "exists",
						   k->name.ptr, nt->name);
		x.name = (char *)k->name.ptr;
	} else {
		char base[256];
		snprintf(base, sizeof(base), "%s_pkey", nt->name);
		x.name = alx_ddl_unique_name(c, nt->schema_id, base);
		if (x.name == NULL)
			return oom(c);
	}
	const struct alx_cat_table *before = alx_cat_table_copy(c->cat, nt);
	struct alx_cat_index *v =
		alx_arena_calloc(c->b->a, nt->nindexes + 2, sizeof(*v));
	if (before == NULL || v == NULL)
		return oom(c);
	/* the primary key first: it keys the rows */
	v[0] = x;
	memcpy(v + 1, nt->indexes, nt->nindexes * sizeof(*v));
	nt->indexes = v;
	nt->nindexes++;
	nt->has_pk = true;
	for (uint32_t i = 0; i < k->nkeys; i++)
		nt->cols[cols[i]].notnull = true;
	return alx_ddl_pk_rebuild(c, before, nt, alone);
}

static int add_constraint(struct alx_ddl *c, struct alx_cat_table *nt,
			  const struct alx_sql_constraint *k, bool alone)
{
	switch (k->kind) {
	case ALX_SQL_CONS_CHECK: {
		int rc = add_check(c, nt, k, NULL);
		if (rc != 0)
			return rc;
		struct scan_check s = {nt, -1, NULL,
				       nt->checks[nt->nchecks - 1].name};
		rc = alx_bind_expr_text(
			c->b, nt, nt->checks[nt->nchecks - 1].expr, &s.expr);
		return rc ? rc
			  : alx_exec_visit_rows(c->ex, nt, scan_check_row, &s);
	}
	case ALX_SQL_CONS_UNIQUE: {
		uint32_t cols[32];
		if (k->nkeys > 32)
			return alx_ddl_err(c, "54011", "too many columns");
		for (uint32_t i = 0; i < k->nkeys; i++) {
			int col = alx_cat_column_find(nt, k->keys[i].ptr);
			if (col < 0)
				return alx_ddl_err(c, "42703",
						   "column \"%s\" named in key "
						   "does not exist",
						   k->keys[i].ptr);
			cols[i] = (uint32_t)col;
		}
		int rc = add_index(c, nt, cols, k->nkeys, k->name.ptr, true);
		if (rc != 0)
			return rc;
		return alx_exec_build_index(c->ex, nt,
					    &nt->indexes[nt->nindexes - 1]);
	}
	case ALX_SQL_CONS_PRIMARY:
		return add_primary_key(c, nt, k, alone);
	default:
		return alx_ddl_err(c, "0A000",
				   "this constraint is not supported yet");
	}
}

static int drop_constraint(struct alx_ddl *c, struct alx_cat_table *nt,
			   const struct alx_sql_alter_cmd *cmd)
{
	const char *name = cmd->name.ptr;
	for (uint32_t i = 0; i < nt->nchecks; i++) {
		if (strcmp(nt->checks[i].name, name) != 0)
			continue;
		memmove(&nt->checks[i], &nt->checks[i + 1],
			(nt->nchecks - i - 1) * sizeof(*nt->checks));
		nt->nchecks--;
		return 0;
	}
	for (uint32_t i = 0; i < nt->nindexes; i++) {
		struct alx_cat_index *x = &nt->indexes[i];
		if (strcmp(x->name, name) != 0 || !x->unique)
			continue;
		if (x->primary)
			return alx_ddl_err(c, "0A000",
					   "dropping a primary key is not "
					   "supported yet");
		return alx_ddl_drop_index(c, nt, i);
	}
	if (cmd->if_exists) {
		snprintf(c->notice, sizeof(c->notice),
			 "constraint \"%s\" of relation \"%s\" does not exist, "
			 "skipping",
			 name, nt->name);
		return 0;
	}
	return alx_ddl_err(
		c, "42704",
		"constraint \"%s\" of relation \"%s\" does not exist", name,
		nt->name);
}

static int alter_cmd(struct alx_ddl *c, struct alx_cat_table **pnt,
		     const struct alx_cat_table *orig,
		     const struct alx_sql_alter_cmd *cmd, bool alone)
{
	struct alx_cat_table *nt = *pnt;
	int col;
	switch (cmd->kind) {
	case ALX_SQL_AT_ADD_COLUMN: {
		bool rewrite = false;
		struct alx_bx *def = NULL;
		uint32_t defcol = 0;
		const struct alx_cat_table *before =
			alx_cat_table_copy(c->cat, nt);
		if (before == NULL)
			return oom(c);
		int rc = add_column(c, pnt, cmd, &rewrite, &def, &defcol);
		if (rc != 0 || !rewrite)
			return rc;
		struct add_col a = {c, before, *pnt, def, defcol};
		rc = alx_exec_rewrite_rows(c->ex, before, *pnt, add_col_map,
					   &a);
		if (rc != 0)
			return rc;
		for (uint32_t i = 0; i < (*pnt)->nindexes; i++)
			if ((*pnt)->indexes[i].cols[0] == defcol &&
			    (*pnt)->indexes[i].ncols == 1 &&
			    !(*pnt)->indexes[i].primary)
				rc = alx_exec_build_index(c->ex, *pnt,
							  &(*pnt)->indexes[i]);
		return rc;
	}
	case ALX_SQL_AT_DROP_COLUMN:
		return drop_column(c, nt, cmd);
	case ALX_SQL_AT_RENAME_COLUMN:
		return rename_column(c, nt, cmd);
	case ALX_SQL_AT_RENAME_TABLE:
		if (alx_cat_relname_taken(c->cat, nt->schema_id,
					  cmd->newname.ptr))
			return alx_ddl_err(c, "42P07",
					   "relation \"%s\" already exists",
					   cmd->newname.ptr);
		nt->name = (char *)cmd->newname.ptr;
		return 0;
	case ALX_SQL_AT_SET_DEFAULT:
	case ALX_SQL_AT_DROP_DEFAULT:
	case ALX_SQL_AT_SET_NOT_NULL:
	case ALX_SQL_AT_DROP_NOT_NULL:
		col = alx_cat_column_find(nt, cmd->name.ptr);
		if (col < 0)
			return alx_ddl_err(c, "42703",
					   "column \"%s\" of relation \"%s\" "
					   "does not exist",
					   cmd->name.ptr, nt->name);
		if (cmd->kind == ALX_SQL_AT_SET_DEFAULT) {
			char *t = alx_sql_expr_deparse(c->b->a, cmd->expr);
			if (t == NULL)
				return alx_ddl_err(c, "0A000",
						   "this DEFAULT expression is "
						   "not supported");
			nt->cols[col].default_expr = t;
			return alx_ddl_check_default(c, &nt->cols[col], t);
		}
		if (cmd->kind == ALX_SQL_AT_DROP_DEFAULT) {
			nt->cols[col].default_expr = NULL;
			return 0;
		}
		if (cmd->kind == ALX_SQL_AT_DROP_NOT_NULL) {
			if (nt->has_pk)
				for (uint32_t i = 0; i < nt->indexes[0].ncols;
				     i++)
					if (nt->indexes[0].cols[i] ==
					    (uint32_t)col)
						return alx_ddl_err(
							c, "42P16",
							"column \"%s\" is in a "
							"primary key",
							cmd->name.ptr);
			nt->cols[col].notnull = false;
			return 0;
		}
		if (!nt->cols[col].notnull) {
			/* after ADD PRIMARY KEY the rows are under nt's id */
			const struct alx_cat_table *rt =
				nt->id == orig->id ? orig : nt;
			struct scan_check s = {rt, col, NULL, NULL};
			int rc = alx_exec_visit_rows(c->ex, rt, scan_check_row,
						     &s);
			if (rc != 0)
				return rc;
		}
		nt->cols[col].notnull = true;
		return 0;
	case ALX_SQL_AT_ADD_CONSTRAINT:
		return add_constraint(c, nt, cmd->constraint, alone);
	case ALX_SQL_AT_DROP_CONSTRAINT:
		return drop_constraint(c, nt, cmd);
	case ALX_SQL_AT_RENAME_CONSTRAINT:
		for (uint32_t i = 0; i < nt->nchecks; i++)
			if (strcmp(nt->checks[i].name, cmd->name.ptr) == 0) {
				nt->checks[i].name = (char *)cmd->newname.ptr;
				return 0;
			}
		for (uint32_t i = 0; i < nt->nindexes; i++)
			if (strcmp(nt->indexes[i].name, cmd->name.ptr) == 0) {
				nt->indexes[i].name = (char *)cmd->newname.ptr;
				return 0;
			}
		return alx_ddl_err(c, "42704",
				   "constraint \"%s\" for table \"%s\" does "
				   "not exist",
				   cmd->name.ptr, nt->name);
	default:
		return alx_ddl_err(c, "0A000",
				   "this ALTER TABLE command is not supported "
				   "yet");
	}
}

int alx_exec_alter(struct alx_ddl *c, const struct alx_sql_alter_table *at)
{
	snprintf(c->tag, sizeof(c->tag),
		 at->obj == ALX_SQL_OBJ_INDEX ? "ALTER INDEX" : "ALTER TABLE");
	if (at->obj == ALX_SQL_OBJ_INDEX) {
		/* ALTER INDEX name RENAME TO new */
		const char *name = at->table.v[at->table.n - 1].ptr;
		uint32_t np;
		const char *const *path = alx_session_search_path(c->b->s, &np);
		for (uint32_t i = 0; i < np; i++) {
			const struct alx_cat_schema *s =
				alx_cat_schema_find(c->cat, path[i]);
			struct alx_cat_table *t;
			struct alx_cat_index *x =
				s ? alx_cat_index_find(c->cat, s->id, name, &t)
				  : NULL;
			if (x == NULL)
				continue;
			const char *nn = at->cmds[0].newname.ptr;
			if (alx_cat_relname_taken(c->cat, s->id, nn))
				return alx_ddl_err(c, "42P07",
						   "relation \"%s\" already "
						   "exists",
						   nn);
			struct alx_cat_table *nt =
				alx_cat_table_copy(c->cat, t);
			if (nt == NULL)
				return oom(c);
			nt->indexes[x - t->indexes].name = (char *)nn;
			return alx_cat_put_table(c->cat, c->ex->txn, nt,
						 c->ex->d);
		}
		if (at->if_exists)
			return 0;
		return alx_ddl_err(c, "42P01", "relation \"%s\" does not exist",
				   name);
	}
	const struct alx_cat_table *t;
	int rc = alx_bind_resolve_table(c->b, &at->table, &t);
	if (rc != 0) {
		if (at->if_exists) {
			snprintf(c->notice, sizeof(c->notice),
				 "relation \"%s\" does not exist, skipping",
				 at->table.v[at->table.n - 1].ptr);
			return 0;
		}
		return rc;
	}
	struct alx_cat_table *nt = alx_cat_table_copy(c->cat, t);
	if (nt == NULL)
		return oom(c);
	for (uint32_t i = 0; i < at->ncmds; i++) {
		rc = alter_cmd(c, &nt, t, &at->cmds[i], at->ncmds == 1);
		if (rc != 0)
			return rc;
		alx_ddl_flush_notice(c);
	}
	return alx_cat_put_table(c->cat, c->ex->txn, nt, c->ex->d);
}

int alx_exec_truncate(struct alx_ddl *c, const struct alx_sql_truncate *tr)
{
	snprintf(c->tag, sizeof(c->tag), "TRUNCATE TABLE");
	const struct alx_cat_table **ts =
		alx_arena_calloc(c->b->a, tr->ntables + 1, sizeof(*ts));
	unsigned *flags =
		alx_arena_calloc(c->b->a, tr->ntables + 1, sizeof(*flags));
	if (ts == NULL || flags == NULL)
		return alx_exec_oom(c->ex);
	/* every name first, as PostgreSQL does, then the gates */
	for (uint32_t i = 0; i < tr->ntables; i++) {
		int rc = alx_bind_resolve_table(c->b, &tr->tables[i], &ts[i]);
		if (rc != 0)
			return rc;
	}
	/*
	 * The table stays, so a row another transaction writes while ours
	 * deletes the range must not be kept in memory and lost in crash
	 * recovery (alopex_plugin.h, del_range): a range needs the table's
	 * gate, held to our commit, and then a view that sees what the
	 * writers we waited for committed. Otherwise key by key, as
	 * alx_kv_txn_del would: a row committed after our snapshot stays.
	 */
	bool gated = false;
	for (uint32_t i = 0; i < tr->ntables; i++) {
		int rc = alx_ddl_gate_table(c, ts[i]);
		if (rc < 0)
			return rc;
		flags[i] = rc == 0 ? 0 : ALX_KV_RANGE_KEYWISE;
		gated = gated || rc == 0;
	}
	if (gated) {
		int rc = alx_kv_txn_refresh_view(c->ex->txn);
		if (rc != 0)
			return alx_exec_kv_err(c->ex, rc);
	}
	for (uint32_t i = 0; i < tr->ntables; i++) {
		const struct alx_cat_table *t = ts[i];
		int rc = alx_ddl_drop_table_data(c, t, flags[i]);
		/* vector indexes start again, empty (their records went
		 * with the table's) */
		for (uint32_t k = 0; rc == 0 && k < t->nindexes; k++)
			if (alx_vsql_is_vector(&t->indexes[k]))
				rc = alx_vsql_build(c->ex, t, &t->indexes[k]);
		if (rc != 0)
			return rc;
		if (!tr->restart_identity)
			continue;
		for (uint32_t k = 0; k < c->cat->nsequences; k++) {
			const struct alx_cat_sequence *q = c->cat->sequences[k];
			if (q->owner_table != t->id)
				continue;
			rc = alx_seq_set(c->ex->db,
					 alx_sql_db_seqs(c->ex->db->sql), q,
					 q->start, false, c->ex->d);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}
