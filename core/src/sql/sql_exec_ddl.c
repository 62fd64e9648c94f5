/* CREATE/DROP of tables, indexes, schemas, sequences; CREATE TABLE AS. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv/kv_space.h"
#include "kv/kv_txn.h"
#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_catalog.h"
#include "sql/sql_exec_ddl.h"
#include "sql/sql_exec_dml.h"
#include "sql/sql_plan.h"
#include "sql/sql_roles.h"
#include "sql/sql_session.h"
#include "sql/sql_session_int.h"

int alx_ddl_err(struct alx_ddl *c, const char *sqlstate, const char *fmt, ...)
{
	char msg[sizeof(c->ex->d->message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return alx_diag_set(c->ex->d, ALOPEX_ESQL, sqlstate, "%s", msg);
}

static int oom(struct alx_ddl *c)
{
	return alx_exec_oom(c->ex);
}

bool alx_stmt_is_ddl(int kind)
{
	switch (kind) {
	case ALX_SQL_STMT_CREATE_TABLE:
	case ALX_SQL_STMT_CREATE_INDEX:
	case ALX_SQL_STMT_DROP:
	case ALX_SQL_STMT_ALTER_TABLE:
	case ALX_SQL_STMT_TRUNCATE:
	case ALX_SQL_STMT_CREATE_SCHEMA:
	case ALX_SQL_STMT_CREATE_SEQUENCE:
	case ALX_SQL_STMT_CREATE_EXTENSION:
	case ALX_SQL_STMT_CREATE_ROLE:
	case ALX_SQL_STMT_ALTER_ROLE:
		return true;
	default:
		return false;
	}
}

char *alx_ddl_unique_name(struct alx_ddl *c, uint32_t schema_id,
			  const char *base)
{
	char buf[ALX_NAME_MAX + 16];
	snprintf(buf, sizeof(buf), "%.*s", ALX_NAME_MAX, base);
	for (int i = 1; i < 10000; i++) {
		if (!alx_cat_relname_taken(c->cat, schema_id, buf))
			return alx_arena_strdup(c->b->a, buf);
		char suffix[16];
		int n = snprintf(suffix, sizeof(suffix), "%d", i);
		int keep = ALX_NAME_MAX - n;
		snprintf(buf, sizeof(buf), "%.*s%s", keep, base, suffix);
	}
	return NULL;
}

/* PostgreSQL's ChooseRelationName: table_col1_col2_suffix. */
static char *choose_name(struct alx_ddl *c, uint32_t schema_id,
			 const char *table, const char *const *cols,
			 uint32_t ncols, const char *suffix)
{
	char base[256];
	size_t n = (size_t)snprintf(base, sizeof(base), "%s", table);
	for (uint32_t i = 0; i < ncols && n < sizeof(base); i++)
		n += (size_t)snprintf(base + n, sizeof(base) - n, "_%s",
				      cols[i]);
	if (n < sizeof(base))
		snprintf(base + n, sizeof(base) - n, "_%s", suffix);
	return alx_ddl_unique_name(c, schema_id, base);
}

int alx_ddl_check_default(struct alx_ddl *c, const struct alx_cat_column *col,
			  const char *text)
{
	struct alx_bx *e;
	int rc = alx_bind_expr_text(c->b, NULL, text, &e);
	if (rc == 0)
		rc = alx_bind_coerce(c->b, &e, col->type, ALX_CAST_ASSIGN,
				     col->name);
	return rc;
}

int alx_ddl_check_check(struct alx_ddl *c, const struct alx_cat_table *t,
			const char *text)
{
	struct alx_bx *e;
	int rc = alx_bind_expr_text(c->b, t, text, &e);
	if (rc == 0)
		rc = alx_bind_bool(c->b, &e, "CHECK");
	return rc;
}

static bool btree_ok(struct alx_type t)
{
	return t.id != ALX_T_JSON;
}

int alx_ddl_index_cols(struct alx_ddl *c, const struct alx_cat_table *t,
		       const struct alx_sql_index_elem *elems, uint32_t n,
		       struct alx_cat_index *x)
{
	x->ncols = n;
	x->cols = alx_arena_calloc(c->b->a, n + 1, sizeof(*x->cols));
	x->flags = alx_arena_calloc(c->b->a, n + 1, 1);
	if (x->cols == NULL || x->flags == NULL)
		return oom(c);
	if (n > 32)
		return alx_ddl_err(c, "54011",
				   "cannot use more than 32 columns in an "
				   "index");
	for (uint32_t i = 0; i < n; i++) {
		if (elems[i].column.ptr == NULL)
			return alx_ddl_err(c, "0A000",
					   "indexes on expressions are not "
					   "supported yet");
		int col = alx_cat_column_find(t, elems[i].column.ptr);
		if (col < 0)
			return alx_ddl_err(c, "42703",
					   "column \"%s\" does not exist",
					   elems[i].column.ptr);
		x->cols[i] = (uint32_t)col;
		x->flags[i] = (uint8_t)alx_key_flags(
			elems[i].dir == ALX_SQL_SORT_DESC,
			elems[i].nulls == ALX_SQL_NULLS_FIRST  ? 1
			: elems[i].nulls == ALX_SQL_NULLS_LAST ? 0
							       : -1);
	}
	return 0;
}

/* ---- CREATE TABLE ------------------------------------------------------------ */

struct keydef {
	bool pk;
	const char *name;
	const struct alx_sql_str *keys;
	uint32_t nkeys;
	struct alx_sql_str one;
};

struct checkdef {
	const char *name;
	const char *col;
	const struct alx_sql_expr *expr;
};

static int serial_type(const struct alx_sql_typename *tn, int *type)
{
	if (tn->names.n != 1 || tn->nmods > 0 || tn->array_dims)
		return 0;
	const char *n = tn->names.v[0].ptr;
	if (strcmp(n, "serial") == 0 || strcmp(n, "serial4") == 0)
		*type = ALX_T_INT4;
	else if (strcmp(n, "bigserial") == 0 || strcmp(n, "serial8") == 0)
		*type = ALX_T_INT8;
	else if (strcmp(n, "smallserial") == 0 || strcmp(n, "serial2") == 0)
		*type = ALX_T_INT2;
	else
		return 0;
	return 1;
}

static int make_sequence(struct alx_ddl *c, uint32_t schema_id,
			 const char *name, int type, uint32_t owner,
			 struct alx_cat_sequence *out)
{
	memset(out, 0, sizeof(*out));
	int rc = alx_cat_new_id(c->cat, c->ex->txn, &out->id, c->ex->d);
	if (rc != 0)
		return rc;
	out->schema_id = schema_id;
	out->name = (char *)name;
	out->type = (uint8_t)type;
	out->start = 1;
	out->increment = 1;
	out->min = 1;
	out->max = type == ALX_T_INT2	? INT16_MAX
		   : type == ALX_T_INT4 ? INT32_MAX
					: INT64_MAX;
	out->owner_table = owner;
	return 0;
}

/* The n items of size bytes at v with item after them, copied to the
 * statement's arena; NULL when out of memory. */
static void *append_copy(struct alx_ddl *c, const void *v, uint32_t n,
			 const void *item, size_t size)
{
	uint8_t *nv = alx_arena_alloc(c->b->a, ((size_t)n + 1) * size);
	if (nv == NULL)
		return NULL;
	if (n > 0)
		memcpy(nv, v, (size_t)n * size);
	memcpy(nv + (size_t)n * size, item, size);
	return nv;
}

static int constraint(struct alx_ddl *c, const struct alx_sql_constraint *k,
		      const char *col, struct keydef **keys, uint32_t *nkeys,
		      struct checkdef **checks, uint32_t *nchecks)
{
	switch (k->kind) {
	case ALX_SQL_CONS_PRIMARY:
	case ALX_SQL_CONS_UNIQUE: {
		struct keydef d = {0};
		d.pk = k->kind == ALX_SQL_CONS_PRIMARY;
		d.name = k->name.ptr;
		if (col != NULL) {
			d.one.ptr = col;
			d.one.len = (uint32_t)strlen(col);
			d.keys = &d.one;
			d.nkeys = 1;
		} else {
			d.keys = k->keys;
			d.nkeys = k->nkeys;
		}
		if (k->ninclude > 0)
			return alx_ddl_err(c, "0A000",
					   "INCLUDE is not supported yet");
		struct keydef *nv =
			append_copy(c, *keys, *nkeys, &d, sizeof(d));
		if (nv == NULL)
			return oom(c);
		struct keydef *last = &nv[(*nkeys)++];
		if (col != NULL) /* the copy's own one */
			last->keys = &last->one;
		*keys = nv;
		return 0;
	}
	case ALX_SQL_CONS_CHECK: {
		struct checkdef d = {k->name.ptr, col, k->expr};
		struct checkdef *nv =
			append_copy(c, *checks, *nchecks, &d, sizeof(d));
		if (nv == NULL)
			return oom(c);
		(*nchecks)++;
		*checks = nv;
		return 0;
	}
	case ALX_SQL_CONS_FOREIGN:
		return alx_ddl_err(c, "0A000",
				   "foreign keys are not supported yet");
	case ALX_SQL_CONS_GENERATED:
		return alx_ddl_err(c, "0A000",
				   "generated columns are not supported yet");
	default:
		return 0;
	}
}

static int build_key(struct alx_ddl *c, struct alx_cat_table *t,
		     const struct keydef *k, struct alx_cat_index *x)
{
	memset(x, 0, sizeof(*x));
	x->ncols = k->nkeys;
	x->cols = alx_arena_calloc(c->b->a, k->nkeys + 1, sizeof(*x->cols));
	x->flags = alx_arena_calloc(c->b->a, k->nkeys + 1, 1);
	const char **names =
		alx_arena_calloc(c->b->a, k->nkeys + 1, sizeof(*names));
	if (x->cols == NULL || x->flags == NULL || names == NULL)
		return oom(c);
	for (uint32_t i = 0; i < k->nkeys; i++) {
		int col = alx_cat_column_find(t, k->keys[i].ptr);
		if (col < 0)
			return alx_ddl_err(
				c, "42703",
				"column \"%s\" named in key does not "
				"exist",
				k->keys[i].ptr);
		for (uint32_t j = 0; j < i; j++)
			if (x->cols[j] == (uint32_t)col)
				return alx_ddl_err(
					c, "42701",
					"column \"%s\" appears twice in %s "
					"constraint",
					k->keys[i].ptr,
					k->pk ? "primary key" : "unique");
		if (!btree_ok(t->cols[col].type))
			return alx_ddl_err(c, "42704",
					   "data type json has no default "
					   "operator class for access method "
					   "\"btree\"");
		x->cols[i] = (uint32_t)col;
		names[i] = t->cols[col].name;
		if (k->pk)
			t->cols[col].notnull = true;
	}
	x->unique = true;
	x->primary = k->pk;
	x->method = "btree";
	if (k->name != NULL) {
		if (alx_cat_relname_taken(c->cat, t->schema_id, k->name))
			return alx_ddl_err(c, "42P07",
					   "relation \"%s\" already exists",
					   k->name);
		x->name = (char *)k->name;
	} else if (k->pk) {
		x->name =
			choose_name(c, t->schema_id, t->name, NULL, 0, "pkey");
	} else {
		x->name = choose_name(c, t->schema_id, t->name, names, k->nkeys,
				      "key");
	}
	return x->name ? 0 : oom(c);
}

static int create_table_as(struct alx_ddl *c,
			   const struct alx_sql_create_table *ct,
			   struct alx_cat_table *t);

static int create_table(struct alx_ddl *c,
			const struct alx_sql_create_table *ct)
{
	const struct alx_cat_schema *sch;
	int rc = alx_bind_create_schema(c->b, &ct->name, &sch);
	if (rc != 0)
		return rc;
	const char *name = ct->name.v[ct->name.n - 1].ptr;
	snprintf(c->tag, sizeof(c->tag),
		 ct->query ? "SELECT 0" : "CREATE TABLE");
	/* A temporary table would outlive its session here: refuse. */
	if (ct->temp)
		return alx_ddl_err(c, "0A000",
				   "temporary tables are not supported yet");
	if (alx_cat_relname_taken(c->cat, sch->id, name)) {
		if (ct->if_not_exists) {
			snprintf(c->notice, sizeof(c->notice),
				 "relation \"%s\" already exists, skipping",
				 name);
			snprintf(c->notice_state, 6, "42P07");
			if (ct->query)
				snprintf(c->tag, sizeof(c->tag),
					 "CREATE TABLE AS");
			return 0;
		}
		return alx_ddl_err(c, "42P07", "relation \"%s\" already exists",
				   name);
	}
	struct alx_cat_table *t = alx_arena_calloc(c->b->a, 1, sizeof(*t));
	if (t == NULL)
		return oom(c);
	rc = alx_cat_new_id(c->cat, c->ex->txn, &t->id, c->ex->d);
	if (rc != 0)
		return rc;
	t->schema_id = sch->id;
	t->name = (char *)name;
	t->next_index_id = 1;
	if (ct->query != NULL)
		return create_table_as(c, ct, t);
	if (ct->ncols > 1600)
		return alx_ddl_err(c, "54011",
				   "tables can have at most 1600 columns");
	t->ncols = ct->ncols;
	t->cols = alx_arena_calloc(c->b->a, ct->ncols + 1, sizeof(*t->cols));
	struct alx_cat_sequence *seqs =
		alx_arena_calloc(c->b->a, ct->ncols + 1, sizeof(*seqs));
	if (t->cols == NULL || seqs == NULL)
		return oom(c);
	uint32_t nseqs = 0;
	struct keydef *keys = NULL;
	struct checkdef *checks = NULL;
	uint32_t nkeys = 0, nchecks = 0;
	for (uint32_t i = 0; i < ct->ncols; i++) {
		const struct alx_sql_coldef *cd = &ct->cols[i];
		struct alx_cat_column *col = &t->cols[i];
		col->name = (char *)cd->name.ptr;
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(t->cols[j].name, col->name) == 0)
				return alx_ddl_err(c, "42701",
						   "column \"%s\" specified "
						   "more than once",
						   col->name);
		int st;
		bool serial = serial_type(cd->type, &st);
		if (serial) {
			col->type = alx_type_make(st);
		} else {
			rc = alx_bind_typename(c->b, cd->type, &col->type);
			if (rc != 0)
				return rc;
			if (col->type.id == ALX_T_UNKNOWN)
				return alx_ddl_err(c, "42804",
						   "column \"%s\" has pseudo-"
						   "type unknown",
						   col->name);
		}
		bool identity = false;
		for (uint32_t k = 0; k < cd->nconstraints; k++) {
			const struct alx_sql_constraint *cons =
				&cd->constraints[k];
			switch (cons->kind) {
			case ALX_SQL_CONS_NOT_NULL:
				col->notnull = true;
				break;
			case ALX_SQL_CONS_NULL:
				break;
			case ALX_SQL_CONS_DEFAULT:
				if (serial)
					return alx_ddl_err(
						c, "42601",
						"multiple default values "
						"specified for column \"%s\" "
						"of table \"%s\"",
						col->name, name);
				col->default_expr = alx_sql_expr_deparse(
					c->b->a, cons->expr);
				if (col->default_expr == NULL)
					return alx_ddl_err(
						c, "0A000",
						"this DEFAULT expression is "
						"not supported");
				rc = alx_ddl_check_default(c, col,
							   col->default_expr);
				if (rc != 0)
					return rc;
				break;
			case ALX_SQL_CONS_IDENTITY:
				identity = true;
				break;
			default:
				rc = constraint(c, cons, col->name, &keys,
						&nkeys, &checks, &nchecks);
				if (rc != 0)
					return rc;
			}
		}
		int ct_id = col->type.id;
		if (serial || identity) {
			if (identity && ct_id != ALX_T_INT2 &&
			    ct_id != ALX_T_INT4 && ct_id != ALX_T_INT8)
				return alx_ddl_err(
					c, "22023",
					"identity column type must be "
					"smallint, integer, or bigint");
			const char *cn[1] = {col->name};
			char *sname =
				choose_name(c, sch->id, name, cn, 1, "seq");
			if (sname == NULL)
				return oom(c);
			rc = make_sequence(c, sch->id, sname, col->type.id,
					   t->id, &seqs[nseqs]);
			if (rc != 0)
				return rc;
			/* reserve the name against later choices */
			rc = alx_cat_put_sequence(c->cat, c->ex->txn,
						  &seqs[nseqs], c->ex->d);
			if (rc != 0)
				return rc;
			col->serial_seq = seqs[nseqs].id;
			col->notnull = true;
			col->default_expr = alx_arena_printf(
				c->b->a, "nextval('\"%s\".\"%s\"'::regclass)",
				sch->name, sname);
			if (col->default_expr == NULL)
				return oom(c);
			nseqs++;
		}
	}
	for (uint32_t k = 0; k < ct->nconstraints; k++) {
		rc = constraint(c, &ct->constraints[k], NULL, &keys, &nkeys,
				&checks, &nchecks);
		if (rc != 0)
			return rc;
	}
	/* the primary key first: it keys the rows */
	t->indexes = alx_arena_calloc(c->b->a, nkeys + 1, sizeof(*t->indexes));
	if (t->indexes == NULL)
		return oom(c);
	for (uint32_t k = 0; k < nkeys; k++) {
		if (!keys[k].pk)
			continue;
		if (t->has_pk)
			return alx_ddl_err(c, "42P16",
					   "multiple primary keys for table "
					   "\"%s\" are not allowed",
					   name);
		t->has_pk = true;
		rc = build_key(c, t, &keys[k], &t->indexes[0]);
		if (rc != 0)
			return rc;
		t->indexes[0].id = 0;
		t->nindexes = 1;
	}
	for (uint32_t k = 0; k < nkeys; k++) {
		if (keys[k].pk)
			continue;
		struct alx_cat_index *x = &t->indexes[t->nindexes];
		rc = build_key(c, t, &keys[k], x);
		if (rc != 0)
			return rc;
		/* A UNIQUE equal to the primary key adds nothing. */
		x->id = t->next_index_id++;
		t->nindexes++;
		/* reserve the name: put a provisional table */
		rc = alx_cat_put_table(c->cat, c->ex->txn, t, c->ex->d);
		if (rc != 0)
			return rc;
	}
	t->checks = alx_arena_calloc(c->b->a, nchecks + 1, sizeof(*t->checks));
	if (t->checks == NULL)
		return oom(c);
	for (uint32_t k = 0; k < nchecks; k++) {
		struct alx_cat_check *ch = &t->checks[k];
		ch->expr = alx_sql_expr_deparse(c->b->a, checks[k].expr);
		if (ch->expr == NULL)
			return alx_ddl_err(c, "0A000",
					   "this CHECK expression is not "
					   "supported");
		if (checks[k].name != NULL) {
			ch->name = (char *)checks[k].name;
		} else {
			/* PostgreSQL names a column's check after the
			 * column, a table's after the table alone */
			const char *col = checks[k].col;
			char base[200];
			snprintf(base, sizeof(base), "%s_%s%scheck", name,
				 col ? col : "", col ? "_" : "");
			ch->name = alx_arena_strdup(c->b->a, base);
			for (int n = 1; ch->name != NULL && n < 1000; n++) {
				bool dup = false;
				for (uint32_t j = 0; j < k; j++)
					if (strcmp(t->checks[j].name,
						   ch->name) == 0)
						dup = true;
				if (!dup)
					break;
				ch->name = alx_arena_printf(c->b->a, "%s%d",
							    base, n);
			}
			if (ch->name == NULL)
				return oom(c);
		}
		t->nchecks = k + 1;
		rc = alx_ddl_check_check(c, t, ch->expr);
		if (rc != 0)
			return rc;
	}
	return alx_cat_put_table(c->cat, c->ex->txn, t, c->ex->d);
}

static int create_table_as(struct alx_ddl *c,
			   const struct alx_sql_create_table *ct,
			   struct alx_cat_table *t)
{
	if (ct->query->kind != ALX_SQL_STMT_SELECT)
		return alx_ddl_err(c, "0A000",
				   "CREATE TABLE AS needs a SELECT");
	struct alx_bq *q;
	int rc = alx_bind_select(c->b, ct->query->u.select, NULL, &q);
	if (rc != 0)
		return rc;
	if (ct->nas_cols > q->ntargets)
		return alx_ddl_err(c, "42601",
				   "too many column names were specified");
	t->ncols = q->ntargets;
	t->cols = alx_arena_calloc(c->b->a, t->ncols + 1, sizeof(*t->cols));
	if (t->cols == NULL)
		return oom(c);
	for (uint32_t i = 0; i < t->ncols; i++) {
		t->cols[i].name = i < ct->nas_cols ? (char *)ct->as_cols[i].ptr
						   : q->names[i];
		t->cols[i].type = q->types[i];
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(t->cols[j].name, t->cols[i].name) == 0)
				return alx_ddl_err(c, "42701",
						   "column \"%s\" specified "
						   "more than once",
						   t->cols[i].name);
	}
	rc = alx_cat_put_table(c->cat, c->ex->txn, t, c->ex->d);
	if (rc != 0 || ct->with_no_data)
		return rc;
	struct alx_plan *p;
	rc = alx_plan_query(c->b, q, &p);
	if (rc != 0)
		return rc;
	struct alx_exec *ex = c->ex;
	if (c->b->nsublinks > ex->nsubs) {
		ex->subs = alx_arena_calloc(ex->a, c->b->nsublinks,
					    sizeof(*ex->subs));
		if (ex->subs == NULL)
			return oom(c);
		ex->nsubs = c->b->nsublinks;
	}
	const struct alx_cat_table *st = alx_cat_table_by_id(c->cat, t->id);
	struct alx_node *n;
	rc = alx_node_open(ex, p, NULL, &n);
	if (rc != 0)
		return rc;
	struct alx_value *row =
		alx_arena_calloc(ex->a, t->ncols + 1, sizeof(*row));
	uint64_t count = 0;
	for (rc = row ? 0 : oom(c); rc == 0;) {
		const struct alx_value *r;
		rc = alx_node_next(n, &r);
		if (rc == ALOPEX_DONE) {
			rc = 0;
			break;
		}
		if (rc != ALOPEX_ROW)
			break;
		memcpy(row, r, t->ncols * sizeof(*row));
		rc = alx_exec_insert_row(ex, st, row, NULL, 0);
		count++;
	}
	alx_node_close(n);
	c->rows = count;
	snprintf(c->tag, sizeof(c->tag), "SELECT %llu",
		 (unsigned long long)count);
	return rc;
}

/* ---- CREATE INDEX, SCHEMA, SEQUENCE ----------------------------------------- */

static char *options_text(struct alx_ddl *c, const struct alx_sql_defelem *d,
			  uint32_t n)
{
	if (n == 0)
		return NULL;
	struct alx_buf b;
	alx_buf_init(&b, c->b->a);
	for (uint32_t i = 0; i < n; i++) {
		if (i > 0)
			alx_buf_append(&b, ",", 1);
		alx_buf_append(&b, d[i].name.ptr, d[i].name.len);
		alx_buf_append(&b, "=", 1);
		alx_buf_append(&b, d[i].val.text.ptr ? d[i].val.text.ptr : "",
			       d[i].val.text.len);
	}
	alx_buf_append(&b, "", 1);
	return (char *)b.ptr;
}

static int create_index(struct alx_ddl *c,
			const struct alx_sql_create_index *ci)
{
	const struct alx_cat_table *t0;
	int rc = alx_bind_resolve_table(c->b, &ci->table, &t0);
	if (rc != 0)
		return rc;
	snprintf(c->tag, sizeof(c->tag), "CREATE INDEX");
	if (ci->where != NULL)
		return alx_ddl_err(c, "0A000",
				   "partial indexes are not supported yet");
	if (ci->ninclude > 0)
		return alx_ddl_err(c, "0A000", "INCLUDE is not supported yet");
	struct alx_cat_table *t = alx_cat_table_copy(c->cat, t0);
	if (t == NULL)
		return oom(c);
	struct alx_cat_index x = {0};
	rc = alx_ddl_index_cols(c, t, ci->elems, ci->nelems, &x);
	if (rc != 0)
		return rc;
	const char *method = ci->method.ptr ? ci->method.ptr : "btree";
	bool vec = strcmp(method, "hnsw") == 0 ||
		   strcmp(method, "ivfflat") == 0 ||
		   strcmp(method, "flat") == 0;
	if (!vec && strcmp(method, "btree") != 0)
		return alx_ddl_err(c, "42704",
				   "access method \"%s\" does not exist",
				   method);
	for (uint32_t i = 0; i < x.ncols; i++) {
		struct alx_type ty = t->cols[x.cols[i]].type;
		char tn[64];
		alx_type_sqlname(alx_type_make(ty.id), tn, sizeof(tn));
		if (vec && ty.id != ALX_T_VECTOR)
			return alx_ddl_err(c, "42804",
					   "%s indexes need a vector column, "
					   "not %s",
					   method, tn);
		if (!vec && !btree_ok(ty))
			return alx_ddl_err(c, "42704",
					   "data type %s has no default "
					   "operator class for access method "
					   "\"btree\"",
					   tn);
	}
	if (vec && x.ncols != 1)
		return alx_ddl_err(c, "0A000",
				   "%s indexes take exactly one column",
				   method);
	if (vec && ci->unique)
		return alx_ddl_err(c, "0A000",
				   "access method \"%s\" does not support "
				   "unique indexes",
				   method);
	x.method = (char *)method;
	x.unique = ci->unique;
	if (ci->nelems > 0 && ci->elems[0].opclass.n > 0)
		x.opclass = (char *)ci->elems[0]
				    .opclass.v[ci->elems[0].opclass.n - 1]
				    .ptr;
	x.options = options_text(c, ci->with, ci->nwith);
	if (ci->name.ptr != NULL) {
		if (alx_cat_relname_taken(c->cat, t->schema_id, ci->name.ptr)) {
			if (ci->if_not_exists) {
				snprintf(c->notice, sizeof(c->notice),
					 "relation \"%s\" already exists, "
					 "skipping",
					 ci->name.ptr);
				snprintf(c->notice_state, 6, "42P07");
				return 0;
			}
			return alx_ddl_err(c, "42P07",
					   "relation \"%s\" already exists",
					   ci->name.ptr);
		}
		x.name = (char *)ci->name.ptr;
	} else {
		const char *names[32];
		for (uint32_t i = 0; i < x.ncols; i++)
			names[i] = t->cols[x.cols[i]].name;
		x.name = choose_name(c, t->schema_id, t->name, names, x.ncols,
				     "idx");
		if (x.name == NULL)
			return oom(c);
	}
	x.id = t->next_index_id++;
	struct alx_cat_index *nx =
		alx_arena_calloc(c->b->a, t->nindexes + 2, sizeof(*nx));
	if (nx == NULL)
		return oom(c);
	memcpy(nx, t->indexes, t->nindexes * sizeof(*nx));
	nx[t->nindexes++] = x;
	t->indexes = nx;
	rc = alx_cat_put_table(c->cat, c->ex->txn, t, c->ex->d);
	if (rc != 0)
		return rc;
	const struct alx_cat_table *st = alx_cat_table_by_id(c->cat, t->id);
	return alx_exec_build_index(c->ex, st, &st->indexes[st->nindexes - 1]);
}

static int create_schema(struct alx_ddl *c,
			 const struct alx_sql_create_schema *cs)
{
	snprintf(c->tag, sizeof(c->tag), "CREATE SCHEMA");
	const char *name = cs->name.ptr ? cs->name.ptr : cs->authorization.ptr;
	if (alx_cat_schema_find(c->cat, name) != NULL) {
		if (cs->if_not_exists) {
			snprintf(c->notice, sizeof(c->notice),
				 "schema \"%s\" already exists, skipping",
				 name);
			snprintf(c->notice_state, 6, "42P06");
			return 0;
		}
		return alx_ddl_err(c, "42P06", "schema \"%s\" already exists",
				   name);
	}
	if (strncmp(name, "pg_", 3) == 0)
		return alx_ddl_err(c, "42939",
				   "unacceptable schema name \"%s\"\nThe "
				   "prefix \"pg_\" is reserved for system "
				   "schemas.",
				   name);
	struct alx_cat_schema s = {0, (char *)name};
	int rc = alx_cat_new_id(c->cat, c->ex->txn, &s.id, c->ex->d);
	if (rc == 0)
		rc = alx_cat_put_schema(c->cat, c->ex->txn, &s, c->ex->d);
	return rc;
}

static int seq_number(struct alx_ddl *c, const struct alx_sql_defelem *d,
		      int64_t *out)
{
	char *end;
	const char *txt = d->val.text.ptr;
	long long v = strtoll(txt ? txt : "", &end, 10);
	if (txt == NULL || *end != '\0')
		return alx_ddl_err(c, "22023", "invalid value for %s: \"%s\"",
				   d->name.ptr, txt ? txt : "");
	*out = v;
	return 0;
}

static int create_sequence(struct alx_ddl *c,
			   const struct alx_sql_create_sequence *cs)
{
	snprintf(c->tag, sizeof(c->tag), "CREATE SEQUENCE");
	const struct alx_cat_schema *sch;
	int rc = alx_bind_create_schema(c->b, &cs->name, &sch);
	if (rc != 0)
		return rc;
	const char *name = cs->name.v[cs->name.n - 1].ptr;
	if (alx_cat_relname_taken(c->cat, sch->id, name)) {
		if (cs->if_not_exists) {
			snprintf(c->notice, sizeof(c->notice),
				 "relation \"%s\" already exists, skipping",
				 name);
			snprintf(c->notice_state, 6, "42P07");
			return 0;
		}
		return alx_ddl_err(c, "42P07", "relation \"%s\" already exists",
				   name);
	}
	struct alx_cat_sequence s;
	rc = make_sequence(c, sch->id, name, ALX_T_INT8, 0, &s);
	if (rc != 0)
		return rc;
	bool has_min = false, has_max = false, has_start = false;
	for (uint32_t i = 0; rc == 0 && i < cs->noptions; i++) {
		const struct alx_sql_defelem *d = &cs->options[i];
		const char *n = d->name.ptr;
		if (strcmp(n, "increment") == 0)
			rc = seq_number(c, d, &s.increment);
		else if (strcmp(n, "start") == 0)
			rc = seq_number(c, d, &s.start), has_start = true;
		else if (strcmp(n, "minvalue") == 0 &&
			 d->val.kind != ALX_SQL_VAL_NULL)
			rc = seq_number(c, d, &s.min), has_min = true;
		else if (strcmp(n, "maxvalue") == 0 &&
			 d->val.kind != ALX_SQL_VAL_NULL)
			rc = seq_number(c, d, &s.max), has_max = true;
		else if (strcmp(n, "cycle") == 0)
			s.cycle = d->val.text.ptr &&
				  strcmp(d->val.text.ptr, "true") == 0;
		else if (strcmp(n, "as") == 0) {
			struct alx_type ty;
			rc = alx_type_from_name(d->val.text.ptr, -1, 0, &ty,
						c->ex->d);
			if (rc == 0 && ty.id != ALX_T_INT2 &&
			    ty.id != ALX_T_INT4 && ty.id != ALX_T_INT8)
				rc = alx_ddl_err(
					c, "22023",
					"sequence type must be "
					"smallint, integer, or bigint");
			if (rc == 0)
				s.type = ty.id;
		}
	}
	if (rc != 0)
		return rc;
	if (s.increment == 0)
		return alx_ddl_err(c, "22023", "INCREMENT must not be zero");
	int64_t tmax = s.type == ALX_T_INT2   ? INT16_MAX
		       : s.type == ALX_T_INT4 ? INT32_MAX
					      : INT64_MAX;
	if (!has_max)
		s.max = s.increment > 0 ? tmax : -1;
	if (!has_min)
		s.min = s.increment > 0 ? 1 : -tmax - 1;
	if (!has_start)
		s.start = s.increment > 0 ? s.min : s.max;
	if (s.min >= s.max)
		return alx_ddl_err(c, "22023",
				   "MINVALUE (%lld) must be less than MAXVALUE "
				   "(%lld)",
				   (long long)s.min, (long long)s.max);
	if (s.start < s.min || s.start > s.max)
		return alx_ddl_err(
			c, "22023",
			"START value (%lld) cannot be %s than %s "
			"(%lld)",
			(long long)s.start,
			s.start < s.min ? "less" : "greater",
			s.start < s.min ? "MINVALUE" : "MAXVALUE",
			(long long)(s.start < s.min ? s.min : s.max));
	return alx_cat_put_sequence(c->cat, c->ex->txn, &s, c->ex->d);
}

/* ---- DROP ----------------------------------------------------------------------- */

int alx_ddl_delete_prefix(struct alx_ddl *c, const uint8_t *prefix, size_t len,
			  unsigned flags)
{
	struct alx_exec *ex = c->ex;
	uint8_t hi[ALX_TABLE_PREFIX_LEN];
	if (len == 0 || len > sizeof(hi))
		return alx_exec_err(ex, "XX000", "bad key prefix");
	/* the first key after every key with the prefix */
	memcpy(hi, prefix, len);
	size_t hlen = len;
	while (hlen > 0 && hi[hlen - 1] == 0xff)
		hlen--;
	if (hlen == 0)
		return alx_exec_err(ex, "XX000", "bad key prefix");
	hi[hlen - 1]++;
	alopex_slice lo = {prefix, len}, up = {hi, hlen};
	int rc = alx_kv_txn_del_range(ex->txn, lo, up, flags);
	return rc != 0 ? alx_exec_kv_err(ex, rc) : 0;
}

int alx_ddl_drop_index(struct alx_ddl *c, struct alx_cat_table *nt, uint32_t i)
{
	struct alx_cat_index *x = &nt->indexes[i];
	uint8_t pre[ALX_TABLE_PREFIX_LEN];
	alx_table_prefix(pre, nt->id, x->id);
	/* a range: nobody reads what a concurrent writer adds under a dropped
	 * index's id (never reused) */
	int rc = alx_ddl_delete_prefix(c, pre, sizeof(pre), 0);
	if (rc != 0)
		return rc;
	memmove(x, x + 1, (nt->nindexes - i - 1) * sizeof(*x));
	nt->nindexes--;
	return 0;
}

int alx_ddl_gate_table(struct alx_ddl *c, const struct alx_cat_table *t)
{
	struct alx_exec *ex = c->ex;
	struct alx_session *s = ex->s;
	if (s == NULL || !s->implicit || ex->txn != s->txn ||
	    !alx_kv_txn_read_committed(ex->txn) ||
	    c->nrange_gated >= ALX_GATE_STRIPES)
		return 1;
	int rc;
	if (c->nrange_gated == 0 && c->gated_table == 0 &&
	    !alx_kv_txn_wrote(ex->txn)) {
		rc = alx_gate_rewrite_begin(ex, t);
		if (rc != 0)
			return rc;
	} else {
		rc = alx_gate_rewrite_try(s, t->id);
		if (rc == 1)
			return 0;
		if (rc != 0)
			return 1;
	}
	c->range_gated[c->nrange_gated++] = t->id;
	return 0;
}

int alx_ddl_drop_table_data(struct alx_ddl *c, const struct alx_cat_table *t,
			    unsigned flags)
{
	uint8_t pre[5] = {ALX_SPACE_TABLE, (uint8_t)(t->id >> 24),
			  (uint8_t)(t->id >> 16), (uint8_t)(t->id >> 8),
			  (uint8_t)t->id};
	return alx_ddl_delete_prefix(c, pre, sizeof(pre), flags);
}

static int drop_seq_value(struct alx_ddl *c, uint32_t id)
{
	uint8_t key[5] = {ALX_SPACE_SEQUENCE, (uint8_t)(id >> 24),
			  (uint8_t)(id >> 16), (uint8_t)(id >> 8), (uint8_t)id};
	/* one key: a range buys nothing */
	return alx_ddl_delete_prefix(c, key, sizeof(key), ALX_KV_RANGE_KEYWISE);
}

static int drop_table(struct alx_ddl *c, const struct alx_cat_table *t)
{
	uint32_t id = t->id;
	/* As a range without the table's gate: a row another transaction
	 * commits meanwhile is in storage no catalog names, swept when the
	 * database opens (whether or not crash recovery kept it). */
	int rc = alx_ddl_drop_table_data(c, t, 0);
	for (uint32_t i = 0; rc == 0 && i < c->cat->nsequences;) {
		struct alx_cat_sequence *s = c->cat->sequences[i];
		if (s->owner_table != id) {
			i++;
			continue;
		}
		uint32_t sid = s->id;
		rc = drop_seq_value(c, sid);
		if (rc == 0)
			rc = alx_cat_drop_sequence(c->cat, c->ex->txn, sid,
						   c->ex->d);
	}
	if (rc == 0)
		rc = alx_cat_drop_table(c->cat, c->ex->txn, id, c->ex->d);
	return rc;
}

static const char *obj_word(int obj)
{
	switch (obj) {
	case ALX_SQL_OBJ_TABLE:
		return "table";
	case ALX_SQL_OBJ_INDEX:
		return "index";
	case ALX_SQL_OBJ_SCHEMA:
		return "schema";
	case ALX_SQL_OBJ_SEQUENCE:
		return "sequence";
	case ALX_SQL_OBJ_VIEW:
		return "view";
	case ALX_SQL_OBJ_EXTENSION:
		return "extension";
	default:
		return "role";
	}
}

static int drop_one(struct alx_ddl *c, const struct alx_sql_drop *d,
		    const struct alx_sql_names *nm)
{
	const char *name = nm->v[nm->n - 1].ptr;
	const struct alx_cat_schema *sch = NULL;
	int rc;
	if (d->obj == ALX_SQL_OBJ_EXTENSION) {
		if (strcmp(name, "vector") == 0)
			return 0; /* built in */
		if (d->if_exists) {
			snprintf(c->notice, sizeof(c->notice),
				 "extension \"%s\" does not exist, skipping",
				 name);
			return 0;
		}
		return alx_ddl_err(c, "42704",
				   "extension \"%s\" does not exist", name);
	}
	if (d->obj == ALX_SQL_OBJ_SCHEMA) {
		const struct alx_cat_schema *s =
			alx_cat_schema_find(c->cat, name);
		if (s == NULL)
			goto missing;
		uint32_t sid = s->id;
		bool used = false;
		for (uint32_t i = 0; i < c->cat->ntables; i++)
			if (c->cat->tables[i]->schema_id == sid)
				used = true;
		for (uint32_t i = 0; i < c->cat->nsequences; i++)
			if (c->cat->sequences[i]->schema_id == sid)
				used = true;
		if (used && d->behavior != ALX_SQL_BEHAVIOR_CASCADE)
			return alx_ddl_err(c, "2BP01",
					   "cannot drop schema %s because "
					   "other objects depend on it",
					   name);
		while (rc = 0, used) {
			used = false;
			for (uint32_t i = 0; rc == 0 && i < c->cat->ntables;
			     i++) {
				if (c->cat->tables[i]->schema_id == sid) {
					rc = drop_table(c, c->cat->tables[i]);
					used = true;
					break;
				}
			}
			for (uint32_t i = 0;
			     rc == 0 && !used && i < c->cat->nsequences; i++) {
				if (c->cat->sequences[i]->schema_id == sid) {
					uint32_t q = c->cat->sequences[i]->id;
					rc = drop_seq_value(c, q);
					if (rc == 0)
						rc = alx_cat_drop_sequence(
							c->cat, c->ex->txn, q,
							c->ex->d);
					used = true;
					break;
				}
			}
			if (rc != 0)
				return rc;
		}
		return alx_cat_drop_schema(c->cat, c->ex->txn, sid, c->ex->d);
	}
	if (d->obj != ALX_SQL_OBJ_TABLE && d->obj != ALX_SQL_OBJ_INDEX &&
	    d->obj != ALX_SQL_OBJ_SEQUENCE)
		return alx_ddl_err(c, "0A000", "DROP %s is not supported",
				   obj_word(d->obj));
	/* find the object through the schema or search_path */
	uint32_t np = 1;
	const char *const *path = NULL;
	if (nm->n > 1) {
		sch = alx_cat_schema_find(c->cat, nm->v[nm->n - 2].ptr);
		if (sch == NULL)
			goto missing;
	} else {
		path = alx_session_search_path(c->b->s, &np);
	}
	for (uint32_t i = 0; i < np; i++) {
		const struct alx_cat_schema *s =
			path ? alx_cat_schema_find(c->cat, path[i]) : sch;
		if (s == NULL)
			continue;
		if (d->obj == ALX_SQL_OBJ_TABLE) {
			const struct alx_cat_table *t =
				alx_cat_table_find(c->cat, s->id, name);
			if (t != NULL)
				return drop_table(c, t);
		} else if (d->obj == ALX_SQL_OBJ_SEQUENCE) {
			const struct alx_cat_sequence *q =
				alx_cat_seq_find(c->cat, s->id, name);
			if (q == NULL)
				continue;
			if (q->owner_table != 0 &&
			    d->behavior != ALX_SQL_BEHAVIOR_CASCADE) {
				const struct alx_cat_table *ot =
					alx_cat_table_by_id(c->cat,
							    q->owner_table);
				const char *col = "?";
				for (uint32_t k = 0; ot && k < ot->ncols; k++)
					if (ot->cols[k].serial_seq == q->id)
						col = ot->cols[k].name;
				return alx_ddl_err(
					c, "2BP01",
					"cannot drop sequence %s because other "
					"objects depend on it\ndefault value "
					"for column %s of table %s depends on "
					"sequence %s",
					name, col, ot ? ot->name : "?", name);
			}
			uint32_t qid = q->id;
			rc = drop_seq_value(c, qid);
			return rc ? rc
				  : alx_cat_drop_sequence(c->cat, c->ex->txn,
							  qid, c->ex->d);
		} else {
			struct alx_cat_table *t;
			struct alx_cat_index *x =
				alx_cat_index_find(c->cat, s->id, name, &t);
			if (x == NULL)
				continue;
			if (x->primary)
				return alx_ddl_err(
					c, "2BP01",
					"cannot drop index %s because "
					"constraint %s on table %s requires "
					"it",
					name, name, t->name);
			struct alx_cat_table *nt =
				alx_cat_table_copy(c->cat, t);
			if (nt == NULL)
				return oom(c);
			rc = alx_ddl_drop_index(c, nt,
						(uint32_t)(x - t->indexes));
			return rc ? rc
				  : alx_cat_put_table(c->cat, c->ex->txn, nt,
						      c->ex->d);
		}
	}
missing:
	if (d->if_exists) {
		snprintf(c->notice, sizeof(c->notice),
			 "%s \"%s\" does not exist, skipping", obj_word(d->obj),
			 name);
		return 0;
	}
	if (d->obj == ALX_SQL_OBJ_SCHEMA)
		return alx_ddl_err(c, "3F000", "schema \"%s\" does not exist",
				   name);
	return alx_ddl_err(c, d->obj == ALX_SQL_OBJ_INDEX ? "42704" : "42P01",
			   "%s \"%s\" does not exist", obj_word(d->obj), name);
}

static int drop(struct alx_ddl *c, const struct alx_sql_drop *d)
{
	static const char *const tags[] = {
		[ALX_SQL_OBJ_TABLE] = "DROP TABLE",
		[ALX_SQL_OBJ_INDEX] = "DROP INDEX",
		[ALX_SQL_OBJ_SCHEMA] = "DROP SCHEMA",
		[ALX_SQL_OBJ_SEQUENCE] = "DROP SEQUENCE",
		[ALX_SQL_OBJ_VIEW] = "DROP VIEW",
		[ALX_SQL_OBJ_ROLE] = "DROP ROLE",
		[ALX_SQL_OBJ_EXTENSION] = "DROP EXTENSION",
	};
	if (d->obj <= ALX_SQL_OBJ_EXTENSION)
		snprintf(c->tag, sizeof(c->tag), "%s", tags[d->obj]);
	if (d->obj == ALX_SQL_OBJ_ROLE)
		return alx_exec_drop_role(c, d);
	for (uint32_t i = 0; i < d->nnames; i++) {
		int rc = drop_one(c, d, &d->names[i]);
		if (rc != 0)
			return rc;
		alx_ddl_flush_notice(c);
	}
	return 0;
}

int alx_exec_ddl(struct alx_ddl *c, const struct alx_sql_stmt *st)
{
	c->notice[0] = '\0';
	snprintf(c->notice_state, sizeof(c->notice_state), "00000");
	switch (st->kind) {
	case ALX_SQL_STMT_CREATE_TABLE:
		return create_table(c, st->u.create_table);
	case ALX_SQL_STMT_CREATE_INDEX:
		return create_index(c, st->u.create_index);
	case ALX_SQL_STMT_DROP:
		return drop(c, st->u.drop);
	case ALX_SQL_STMT_ALTER_TABLE:
		return alx_exec_alter(c, st->u.alter_table);
	case ALX_SQL_STMT_TRUNCATE:
		return alx_exec_truncate(c, st->u.truncate);
	case ALX_SQL_STMT_CREATE_SCHEMA:
		return create_schema(c, st->u.create_schema);
	case ALX_SQL_STMT_CREATE_SEQUENCE:
		return create_sequence(c, st->u.create_sequence);
	case ALX_SQL_STMT_CREATE_EXTENSION:
		snprintf(c->tag, sizeof(c->tag), "CREATE EXTENSION");
		if (strcmp(st->u.create_extension->name.ptr, "vector") == 0)
			return 0; /* vectors are built in */
		return alx_ddl_err(c, "0A000",
				   "extension \"%s\" is not available",
				   st->u.create_extension->name.ptr);
	case ALX_SQL_STMT_CREATE_ROLE:
	case ALX_SQL_STMT_ALTER_ROLE:
		return alx_exec_role(c, st);
	default:
		return alx_ddl_err(c, "0A000", "statement is not DDL");
	}
}
