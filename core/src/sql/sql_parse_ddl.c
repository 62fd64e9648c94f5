/*
 * DDL: CREATE/DROP/ALTER TABLE, CREATE INDEX (PostgreSQL's form and
 * Alopex's "ON t (col) USING HNSW WITH (...)"), TRUNCATE, schemas,
 * sequences, roles and extensions.
 */
#include "sql/sql_parse.h"

#include <string.h>

static int32_t loc_of(const struct parser *p, uint32_t ti)
{
	return (int32_t)p->toks[ti].start;
}

static void set_str(struct alx_sql_str *s, const char *text)
{
	s->ptr = text;
	s->len = (uint32_t)strlen(text);
}

static bool if_not_exists(struct parser *p, bool *out)
{
	if (pp_kw(p) != ALX_KW_IF)
		return true;
	pp_advance(p);
	*out = true;
	return pp_expect_kw(p, ALX_KW_NOT) && pp_expect_kw(p, ALX_KW_EXISTS);
}

static bool if_exists(struct parser *p, bool *out)
{
	if (pp_kw(p) != ALX_KW_IF)
		return true;
	pp_advance(p);
	*out = true;
	return pp_expect_kw(p, ALX_KW_EXISTS);
}

static uint8_t opt_behavior(struct parser *p)
{
	if (pp_accept_kw(p, ALX_KW_CASCADE))
		return ALX_SQL_BEHAVIOR_CASCADE;
	if (pp_accept_kw(p, ALX_KW_RESTRICT))
		return ALX_SQL_BEHAVIOR_RESTRICT;
	return ALX_SQL_BEHAVIOR_DEFAULT;
}

/* ---- reloptions -------------------------------------------------------- */

/* def_arg: a type-like word, keyword, number or string */
static bool def_arg(struct parser *p, struct alx_sql_val *v)
{
	const struct alx_sql_token *t = pp_cur(p);
	if (t->kind == ALX_TOK_IDENT || t->kind == ALX_TOK_QIDENT) {
		if (t->kind == ALX_TOK_IDENT &&
		    (t->kw == ALX_KW_TRUE || t->kw == ALX_KW_FALSE))
			return pp_option_value(p, v);
		v->kind = ALX_SQL_VAL_WORD;
		v->loc = loc_of(p, p->pos);
		return pp_name(p, &v->text);
	}
	return pp_option_value(p, v);
}

bool pp_reloptions(struct parser *p, struct alx_sql_defelem **out, uint32_t *n)
{
	struct pvec v = {0};
	if (!pp_expect(p, '('))
		return false;
	do {
		struct alx_sql_defelem d = {0};
		d.loc = loc_of(p, p->pos);
		if (!pp_collabel(p, &d.name))
			return false;
		if (pp_accept(p, '.')) {
			struct alx_sql_str sub;
			if (!pp_collabel(p, &sub))
				return false;
			char *s = alx_arena_printf(p->a, "%s.%s", d.name.ptr,
						   sub.ptr);
			if (s == NULL)
				return perr_nomem(p) != NULL;
			set_str(&d.name, s);
		}
		if (pp_accept(p, '=') && !def_arg(p, &d.val))
			return false;
		if (!pvec_push(p, &v, &d, sizeof(d)))
			return false;
	} while (pp_accept(p, ','));
	if (!pp_expect(p, ')'))
		return false;
	*out = v.v;
	*n = v.n;
	return true;
}

/* ---- constraints ------------------------------------------------------- */

static int fk_action(struct parser *p)
{
	switch (pp_kw(p)) {
	case ALX_KW_NO:
		pp_advance(p);
		return pp_expect_kw(p, ALX_KW_ACTION) ? ALX_SQL_FK_NO_ACTION
						      : -1;
	case ALX_KW_RESTRICT:
		pp_advance(p);
		return ALX_SQL_FK_RESTRICT;
	case ALX_KW_CASCADE:
		pp_advance(p);
		return ALX_SQL_FK_CASCADE;
	case ALX_KW_SET:
		pp_advance(p);
		if (pp_accept_kw(p, ALX_KW_NULL))
			return ALX_SQL_FK_SET_NULL;
		return pp_expect_kw(p, ALX_KW_DEFAULT) ? ALX_SQL_FK_SET_DEFAULT
						       : -1;
	default:
		perr_syntax(p);
		return -1;
	}
}

/* REFERENCES t [(cols)] [MATCH ...] [ON DELETE ...] [ON UPDATE ...] */
static bool references(struct parser *p, struct alx_sql_constraint *c)
{
	if (!pp_any_name(p, &c->ref_table))
		return false;
	if (pp_kind(p) == '(' &&
	    !pp_name_list_paren(p, &c->ref_cols, &c->nref_cols))
		return false;
	if (pp_accept_kw(p, ALX_KW_MATCH)) {
		if (pp_accept_kw(p, ALX_KW_FULL))
			c->match_full = true;
		else if (pp_kw(p) == ALX_KW_PARTIAL)
			return perr_unsupported(p, p->pos, "MATCH PARTIAL") !=
			       NULL;
		else if (!pp_expect_kw(p, ALX_KW_SIMPLE))
			return false;
	}
	while (pp_kw(p) == ALX_KW_ON) {
		pp_advance(p);
		bool del = pp_kw(p) == ALX_KW_DELETE;
		if (!del && pp_kw(p) != ALX_KW_UPDATE)
			return perr_syntax(p) != NULL;
		pp_advance(p);
		int a = fk_action(p);
		if (a < 0)
			return false;
		if (del)
			c->on_delete = (uint8_t)a;
		else
			c->on_update = (uint8_t)a;
	}
	return true;
}

/* DEFERRABLE / NOT DEFERRABLE / INITIALLY DEFERRED|IMMEDIATE */
static bool constraint_attrs(struct parser *p, struct alx_sql_constraint *c)
{
	for (;;) {
		if (pp_kw(p) == ALX_KW_NOT &&
		    pp_peek_kw(p, 1) == ALX_KW_DEFERRABLE) {
			pp_advance(p);
			pp_advance(p);
			c->deferrable = false;
		} else if (pp_accept_kw(p, ALX_KW_DEFERRABLE)) {
			c->deferrable = true;
		} else if (pp_accept_kw(p, ALX_KW_INITIALLY)) {
			if (pp_accept_kw(p, ALX_KW_DEFERRED))
				c->initially_deferred = true;
			else if (!pp_expect_kw(p, ALX_KW_IMMEDIATE))
				return false;
		} else {
			return true;
		}
	}
}

static bool index_params_tail(struct parser *p, struct alx_sql_constraint *c)
{
	if (pp_accept_kw(p, ALX_KW_INCLUDE) &&
	    !pp_name_list_paren(p, &c->include, &c->ninclude))
		return false;
	if (pp_kw(p) == ALX_KW_WITH && pp_peek(p, 1)->kind == '(') {
		pp_advance(p);
		if (!pp_reloptions(p, &c->with, &c->nwith))
			return false;
	}
	if (pp_kw(p) == ALX_KW_USING && pp_peek_kw(p, 1) == ALX_KW_INDEX)
		return perr_unsupported(p, p->pos, "USING INDEX TABLESPACE") !=
		       NULL;
	return true;
}

/* One column constraint; false with no error when none is there. */
static bool col_constraint(struct parser *p, struct alx_sql_constraint *c,
			   bool *found)
{
	*found = true;
	c->loc = loc_of(p, p->pos);
	if (pp_accept_kw(p, ALX_KW_CONSTRAINT) && !pp_colid(p, &c->name))
		return false;
	bool named = c->name.ptr != NULL;
	switch (pp_kw(p)) {
	case ALX_KW_NOT:
		pp_advance(p);
		c->kind = ALX_SQL_CONS_NOT_NULL;
		return pp_expect_kw(p, ALX_KW_NULL);
	case ALX_KW_NULL:
		pp_advance(p);
		c->kind = ALX_SQL_CONS_NULL;
		return true;
	case ALX_KW_UNIQUE:
		pp_advance(p);
		c->kind = ALX_SQL_CONS_UNIQUE;
		return index_params_tail(p, c) && constraint_attrs(p, c);
	case ALX_KW_PRIMARY:
		pp_advance(p);
		c->kind = ALX_SQL_CONS_PRIMARY;
		return pp_expect_kw(p, ALX_KW_KEY) && index_params_tail(p, c) &&
		       constraint_attrs(p, c);
	case ALX_KW_CHECK:
		pp_advance(p);
		c->kind = ALX_SQL_CONS_CHECK;
		if (!pp_expect(p, '(') || (c->expr = pp_expr(p)) == NULL ||
		    !pp_expect(p, ')'))
			return false;
		if (pp_kw(p) == ALX_KW_NO &&
		    pp_peek_kw(p, 1) == ALX_KW_INHERIT) {
			pp_advance(p);
			pp_advance(p);
		}
		return true;
	case ALX_KW_DEFAULT:
		pp_advance(p);
		c->kind = ALX_SQL_CONS_DEFAULT;
		return (c->expr = pp_b_expr(p)) != NULL;
	case ALX_KW_REFERENCES:
		pp_advance(p);
		c->kind = ALX_SQL_CONS_FOREIGN;
		return references(p, c) && constraint_attrs(p, c);
	case ALX_KW_GENERATED: {
		pp_advance(p);
		if (pp_accept_kw(p, ALX_KW_ALWAYS)) {
			c->always = true;
		} else if (!pp_expect_kw(p, ALX_KW_BY) ||
			   !pp_expect_kw(p, ALX_KW_DEFAULT)) {
			return false;
		}
		if (!pp_expect_kw(p, ALX_KW_AS))
			return false;
		if (pp_accept_kw(p, ALX_KW_IDENTITY)) {
			c->kind = ALX_SQL_CONS_IDENTITY;
			if (pp_kind(p) == '(') {
				struct pvec v = {0};
				if (!pp_seq_options(p, &v, true))
					return false;
				c->seq = v.v;
				c->nseq = v.n;
			}
			return true;
		}
		if (!c->always)
			return perr_syntax(p) != NULL;
		c->kind = ALX_SQL_CONS_GENERATED;
		if (!pp_expect(p, '(') || (c->expr = pp_expr(p)) == NULL ||
		    !pp_expect(p, ')'))
			return false;
		return pp_expect_kw(p, ALX_KW_STORED);
	}
	default:
		if (named)
			return perr_syntax(p) != NULL;
		*found = false;
		return true;
	}
}

/* Table constraint (after an optional CONSTRAINT name). */
static bool table_constraint(struct parser *p, struct alx_sql_constraint *c)
{
	c->loc = loc_of(p, p->pos);
	if (pp_accept_kw(p, ALX_KW_CONSTRAINT) && !pp_colid(p, &c->name))
		return false;
	switch (pp_kw(p)) {
	case ALX_KW_CHECK:
		pp_advance(p);
		c->kind = ALX_SQL_CONS_CHECK;
		if (!pp_expect(p, '(') || (c->expr = pp_expr(p)) == NULL ||
		    !pp_expect(p, ')'))
			return false;
		if (pp_kw(p) == ALX_KW_NO &&
		    pp_peek_kw(p, 1) == ALX_KW_INHERIT) {
			pp_advance(p);
			pp_advance(p);
		}
		return true;
	case ALX_KW_UNIQUE:
		pp_advance(p);
		c->kind = ALX_SQL_CONS_UNIQUE;
		return pp_name_list_paren(p, &c->keys, &c->nkeys) &&
		       index_params_tail(p, c) && constraint_attrs(p, c);
	case ALX_KW_PRIMARY:
		pp_advance(p);
		c->kind = ALX_SQL_CONS_PRIMARY;
		return pp_expect_kw(p, ALX_KW_KEY) &&
		       pp_name_list_paren(p, &c->keys, &c->nkeys) &&
		       index_params_tail(p, c) && constraint_attrs(p, c);
	case ALX_KW_FOREIGN:
		pp_advance(p);
		c->kind = ALX_SQL_CONS_FOREIGN;
		return pp_expect_kw(p, ALX_KW_KEY) &&
		       pp_name_list_paren(p, &c->keys, &c->nkeys) &&
		       pp_expect_kw(p, ALX_KW_REFERENCES) && references(p, c) &&
		       constraint_attrs(p, c);
	case ALX_KW_EXCLUDE:
		return perr_unsupported(p, p->pos, "EXCLUDE constraints") !=
		       NULL;
	default:
		return perr_syntax(p) != NULL;
	}
}

static bool is_table_constraint_start(const struct parser *p)
{
	switch (pp_kw(p)) {
	case ALX_KW_CONSTRAINT:
	case ALX_KW_CHECK:
	case ALX_KW_UNIQUE:
	case ALX_KW_PRIMARY:
	case ALX_KW_FOREIGN:
	case ALX_KW_EXCLUDE:
		return true;
	default:
		return false;
	}
}

static struct alx_sql_coldef *column_def(struct parser *p)
{
	struct alx_sql_coldef *c = pp_alloc(p, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->loc = loc_of(p, p->pos);
	if (!pp_colid(p, &c->name) || (c->type = pp_typename(p)) == NULL)
		return NULL;
	struct pvec v = {0};
	for (;;) {
		if (pp_accept_kw(p, ALX_KW_COLLATE)) {
			if (!pp_any_name(p, &c->collation))
				return NULL;
			continue;
		}
		struct alx_sql_constraint k = {0};
		bool found;
		if (!col_constraint(p, &k, &found))
			return NULL;
		if (!found)
			break;
		if (!pvec_push(p, &v, &k, sizeof(k)))
			return NULL;
	}
	c->constraints = v.v;
	c->nconstraints = v.n;
	return c;
}

/* ---- CREATE TABLE ------------------------------------------------------ */

/* (a, b) ...: the column names of CREATE TABLE AS */
static bool ctas_columns_ahead(const struct parser *p)
{
	uint32_t i = p->pos + 1;
	for (;;) {
		if (i >= p->ntoks || !pp_is_colid(&p->toks[i]))
			return false;
		i++;
		if (i < p->ntoks && p->toks[i].kind == ',') {
			i++;
			continue;
		}
		/* (a, b) with no types can only be CTAS column names */
		return i < p->ntoks && p->toks[i].kind == ')';
	}
}

static struct alx_sql_stmt *create_table(struct parser *p, uint32_t ti,
					 bool temp, bool unlogged)
{
	struct alx_sql_create_table *t = pp_alloc(p, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->temp = temp;
	t->unlogged = unlogged;
	pp_advance(p); /* TABLE */
	if (!if_not_exists(p, &t->if_not_exists) || !pp_any_name(p, &t->name))
		return NULL;
	bool ctas = pp_kind(p) != '(' || ctas_columns_ahead(p);
	if (ctas) {
		if (pp_kind(p) == '(' &&
		    !pp_name_list_paren(p, &t->as_cols, &t->nas_cols))
			return NULL;
	} else {
		struct pvec cols = {0}, cons = {0};
		pp_advance(p);
		while (pp_kind(p) != ')' || cols.n + cons.n > 0) {
			if (is_table_constraint_start(p)) {
				struct alx_sql_constraint c = {0};
				if (!table_constraint(p, &c) ||
				    !pvec_push(p, &cons, &c, sizeof(c)))
					return NULL;
			} else if (pp_kw(p) == ALX_KW_LIKE) {
				return perr_unsupported(p, p->pos,
							"CREATE TABLE ... "
							"(LIKE ...)");
			} else {
				struct alx_sql_coldef *c = column_def(p);
				if (c == NULL ||
				    !pvec_push(p, &cols, c, sizeof(*c)))
					return NULL;
			}
			if (!pp_accept(p, ','))
				break;
		}
		if (!pp_expect(p, ')'))
			return NULL;
		t->cols = cols.v;
		t->ncols = cols.n;
		t->constraints = cons.v;
		t->nconstraints = cons.n;
		if (pp_kw(p) == ALX_KW_INHERITS || pp_kw(p) == ALX_KW_PARTITION)
			return perr_unsupported(p, p->pos,
						pp_kw(p) == ALX_KW_INHERITS
							? "INHERITS"
							: "PARTITION BY");
	}
	if (pp_kw(p) == ALX_KW_WITH && pp_peek(p, 1)->kind == '(') {
		pp_advance(p);
		if (!pp_reloptions(p, &t->with, &t->nwith))
			return NULL;
	} else if (pp_kw(p) == ALX_KW_WITHOUT) {
		pp_advance(p);
		if (!pp_expect_kw(p, ALX_KW_OIDS))
			return NULL;
	}
	if (pp_kw(p) == ALX_KW_ON && pp_peek_kw(p, 1) == ALX_KW_COMMIT) {
		pp_advance(p);
		pp_advance(p);
		if (pp_accept_kw(p, ALX_KW_DROP) ||
		    pp_accept_kw(p, ALX_KW_PRESERVE)) {
			if (!pp_expect_kw(p, ALX_KW_ROWS))
				return NULL;
		} else if (!pp_expect_kw(p, ALX_KW_DELETE) ||
			   !pp_expect_kw(p, ALX_KW_ROWS)) {
			return NULL;
		}
	}
	if (pp_kw(p) == ALX_KW_TABLESPACE)
		return perr_unsupported(p, p->pos, "TABLESPACE");
	if (ctas) {
		uint32_t qti;
		if (!pp_expect_kw(p, ALX_KW_AS))
			return NULL;
		qti = p->pos;
		if (pp_kw(p) == ALX_KW_EXECUTE)
			return perr_unsupported(p, p->pos,
						"CREATE TABLE ... AS EXECUTE");
		struct alx_sql_select *q = pp_select(p);
		if (q == NULL)
			return NULL;
		t->query = pp_new_stmt(p, ALX_SQL_STMT_SELECT, qti);
		if (t->query == NULL)
			return NULL;
		t->query->u.select = q;
		t->query->end = p->toks[p->pos - 1].end;
		if (pp_kw(p) == ALX_KW_WITH) {
			pp_advance(p);
			if (pp_accept_kw(p, ALX_KW_NO))
				t->with_no_data = true;
			if (!pp_expect_kw(p, ALX_KW_DATA))
				return NULL;
		}
	}
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_CREATE_TABLE, ti);
	if (s != NULL)
		s->u.create_table = t;
	return s;
}

/* ---- CREATE INDEX ------------------------------------------------------ */

static bool index_method(struct parser *p, struct alx_sql_str *out)
{
	if (!pp_is_nonreserved(pp_cur(p)))
		return perr_syntax(p) != NULL;
	return pp_name(p, out);
}

static struct alx_sql_stmt *create_index(struct parser *p, uint32_t ti,
					 bool unique)
{
	struct alx_sql_create_index *x = pp_alloc(p, sizeof(*x));
	if (x == NULL)
		return NULL;
	x->unique = unique;
	pp_advance(p); /* INDEX */
	x->concurrently = pp_accept_kw(p, ALX_KW_CONCURRENTLY);
	if (pp_kw(p) == ALX_KW_IF) {
		if (!if_not_exists(p, &x->if_not_exists) ||
		    !pp_colid(p, &x->name))
			return NULL;
	} else if (pp_kw(p) != ALX_KW_ON && !pp_colid(p, &x->name)) {
		return NULL;
	}
	if (!pp_expect_kw(p, ALX_KW_ON))
		return NULL;
	x->only = pp_accept_kw(p, ALX_KW_ONLY);
	if (!pp_any_name(p, &x->table))
		return NULL;
	if (pp_accept_kw(p, ALX_KW_USING) && !index_method(p, &x->method))
		return NULL;
	if (!pp_expect(p, '(') || !pp_index_elems(p, &x->elems, &x->nelems) ||
	    !pp_expect(p, ')'))
		return NULL;
	if (x->method.ptr == NULL && pp_accept_kw(p, ALX_KW_USING)) {
		/* Alopex: CREATE INDEX i ON t (c) USING HNSW WITH (...) */
		if (!index_method(p, &x->method))
			return NULL;
		x->method_after_columns = true;
	}
	if (pp_accept_kw(p, ALX_KW_INCLUDE) &&
	    !pp_name_list_paren(p, &x->include, &x->ninclude))
		return NULL;
	if (pp_kw(p) == ALX_KW_NULLS)
		return perr_unsupported(p, p->pos, "NULLS [NOT] DISTINCT");
	if (pp_kw(p) == ALX_KW_WITH && pp_peek(p, 1)->kind == '(') {
		pp_advance(p);
		if (!pp_reloptions(p, &x->with, &x->nwith))
			return NULL;
	}
	if (pp_kw(p) == ALX_KW_TABLESPACE)
		return perr_unsupported(p, p->pos, "TABLESPACE");
	if (pp_accept_kw(p, ALX_KW_WHERE) && (x->where = pp_expr(p)) == NULL)
		return NULL;
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_CREATE_INDEX, ti);
	if (s != NULL)
		s->u.create_index = x;
	return s;
}

struct alx_sql_stmt *pp_create(struct parser *p)
{
	uint32_t ti = p->pos;
	pp_advance(p); /* CREATE */
	bool temp = false, unlogged = false;
	if (pp_kw(p) == ALX_KW_OR)
		return perr_unsupported(p, p->pos, "CREATE OR REPLACE");
	if (pp_kw(p) == ALX_KW_LOCAL || pp_kw(p) == ALX_KW_GLOBAL) {
		pp_advance(p);
		if (pp_kw(p) != ALX_KW_TEMP && pp_kw(p) != ALX_KW_TEMPORARY)
			return perr_syntax(p);
	}
	if (pp_accept_kw(p, ALX_KW_TEMP) || pp_accept_kw(p, ALX_KW_TEMPORARY))
		temp = true;
	else if (pp_accept_kw(p, ALX_KW_UNLOGGED))
		unlogged = true;
	switch (pp_kw(p)) {
	case ALX_KW_TABLE:
		return create_table(p, ti, temp, unlogged);
	case ALX_KW_SEQUENCE:
		if (unlogged)
			break;
		return pp_create_sequence(p, ti, temp);
	default:
		break;
	}
	if (temp || unlogged)
		return perr_syntax(p);
	switch (pp_kw(p)) {
	case ALX_KW_UNIQUE:
		pp_advance(p);
		if (pp_kw(p) != ALX_KW_INDEX)
			return perr_syntax(p);
		return create_index(p, ti, true);
	case ALX_KW_INDEX:
		return create_index(p, ti, false);
	case ALX_KW_SCHEMA:
		return pp_create_schema(p, ti);
	case ALX_KW_ROLE:
	case ALX_KW_USER:
	case ALX_KW_GROUP:
		return pp_create_role(p, ti);
	case ALX_KW_EXTENSION:
		return pp_create_extension(p, ti);
	case ALX_KW_VIEW:
	case ALX_KW_MATERIALIZED:
	case ALX_KW_FUNCTION:
	case ALX_KW_PROCEDURE:
	case ALX_KW_TRIGGER:
	case ALX_KW_TYPE:
	case ALX_KW_DOMAIN:
	case ALX_KW_DATABASE:
	case ALX_KW_TABLESPACE:
	case ALX_KW_RULE:
	case ALX_KW_POLICY:
	case ALX_KW_PUBLICATION:
	case ALX_KW_SUBSCRIPTION:
	case ALX_KW_AGGREGATE:
	case ALX_KW_OPERATOR:
	case ALX_KW_COLLATION:
	case ALX_KW_CAST:
	case ALX_KW_SERVER:
	case ALX_KW_FOREIGN: {
		char what[64];
		const char *w = alx_sql_keyword_text(pp_kw(p));
		size_t j = 0;
		for (; w[j] && j + 1 < sizeof(what) - 7; j++)
			what[j] = (char)(w[j] >= 'a' && w[j] <= 'z' ? w[j] - 32
								    : w[j]);
		what[j] = '\0';
		char *msg = alx_arena_printf(p->a, "CREATE %s", what);
		if (msg == NULL)
			return perr_nomem(p);
		return perr_unsupported(p, ti, msg);
	}
	default:
		break;
	}
	return perr_syntax(p);
}

/* ---- DROP -------------------------------------------------------------- */

struct alx_sql_stmt *pp_drop(struct parser *p)
{
	uint32_t ti = p->pos;
	struct alx_sql_drop *d = pp_alloc(p, sizeof(*d));
	if (d == NULL)
		return NULL;
	pp_advance(p); /* DROP */
	switch (pp_kw(p)) {
	case ALX_KW_TABLE:
		d->obj = ALX_SQL_OBJ_TABLE;
		break;
	case ALX_KW_INDEX:
		d->obj = ALX_SQL_OBJ_INDEX;
		break;
	case ALX_KW_SCHEMA:
		d->obj = ALX_SQL_OBJ_SCHEMA;
		break;
	case ALX_KW_SEQUENCE:
		d->obj = ALX_SQL_OBJ_SEQUENCE;
		break;
	case ALX_KW_VIEW:
		d->obj = ALX_SQL_OBJ_VIEW;
		break;
	case ALX_KW_EXTENSION:
		d->obj = ALX_SQL_OBJ_EXTENSION;
		break;
	case ALX_KW_ROLE:
	case ALX_KW_USER:
	case ALX_KW_GROUP:
		d->obj = ALX_SQL_OBJ_ROLE;
		break;
	default:
		if (pp_cur(p)->kind == ALX_TOK_IDENT && pp_kw(p) != 0) {
			char *msg = alx_arena_printf(
				p->a, "DROP %.*s",
				(int)(pp_cur(p)->end - pp_cur(p)->start),
				p->sql + pp_cur(p)->start);
			if (msg == NULL)
				return perr_nomem(p);
			for (char *c = msg; *c; c++)
				if (*c >= 'a' && *c <= 'z')
					*c = (char)(*c - 32);
			return perr_unsupported(p, ti, msg);
		}
		return perr_syntax(p);
	}
	pp_advance(p);
	if (d->obj == ALX_SQL_OBJ_INDEX)
		d->concurrently = pp_accept_kw(p, ALX_KW_CONCURRENTLY);
	if (!if_exists(p, &d->if_exists))
		return NULL;
	struct pvec v = {0};
	do {
		struct alx_sql_names n;
		if (d->obj == ALX_SQL_OBJ_ROLE) {
			struct alx_sql_str *s = pp_alloc(p, sizeof(*s));
			int kw = pp_kw(p);
			/* PostgreSQL's DropRole refuses these (and PUBLIC,
			 * checked when run) */
			if (kw == ALX_KW_CURRENT_USER ||
			    kw == ALX_KW_SESSION_USER ||
			    kw == ALX_KW_CURRENT_ROLE)
				return perr_at(p, p->pos, true, "22023", NULL,
					       "cannot use special role "
					       "specifier in DROP ROLE");
			if (s == NULL || !pp_role_name(p, s))
				return NULL;
			n.v = s;
			n.n = 1;
		} else if (!pp_any_name(p, &n)) {
			return NULL;
		}
		if (!pvec_push(p, &v, &n, sizeof(n)))
			return NULL;
	} while (pp_accept(p, ','));
	d->names = v.v;
	d->nnames = v.n;
	if (d->obj != ALX_SQL_OBJ_ROLE)
		d->behavior = opt_behavior(p);
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_DROP, ti);
	if (s != NULL)
		s->u.drop = d;
	return s;
}

/* ---- ALTER ------------------------------------------------------------- */

static bool alter_column(struct parser *p, struct alx_sql_alter_cmd *c)
{
	pp_accept_kw(p, ALX_KW_COLUMN);
	if (!pp_colid(p, &c->name))
		return false;
	if (pp_accept_kw(p, ALX_KW_SET)) {
		if (pp_accept_kw(p, ALX_KW_DEFAULT)) {
			c->kind = ALX_SQL_AT_SET_DEFAULT;
			return (c->expr = pp_expr(p)) != NULL;
		}
		if (pp_accept_kw(p, ALX_KW_NOT)) {
			c->kind = ALX_SQL_AT_SET_NOT_NULL;
			return pp_expect_kw(p, ALX_KW_NULL);
		}
		if (!pp_expect_kw(p, ALX_KW_DATA) ||
		    !pp_expect_kw(p, ALX_KW_TYPE))
			return false;
		goto type;
	}
	if (pp_accept_kw(p, ALX_KW_DROP)) {
		if (pp_accept_kw(p, ALX_KW_DEFAULT)) {
			c->kind = ALX_SQL_AT_DROP_DEFAULT;
			return true;
		}
		c->kind = ALX_SQL_AT_DROP_NOT_NULL;
		return pp_expect_kw(p, ALX_KW_NOT) &&
		       pp_expect_kw(p, ALX_KW_NULL);
	}
	if (!pp_expect_kw(p, ALX_KW_TYPE))
		return false;
type:
	c->kind = ALX_SQL_AT_ALTER_TYPE;
	if ((c->type = pp_typename(p)) == NULL)
		return false;
	if (pp_accept_kw(p, ALX_KW_COLLATE)) {
		struct alx_sql_names coll;
		if (!pp_any_name(p, &coll))
			return false;
	}
	if (pp_accept_kw(p, ALX_KW_USING))
		return (c->expr = pp_expr(p)) != NULL;
	return true;
}

static bool alter_cmd(struct parser *p, struct alx_sql_alter_cmd *c)
{
	c->loc = loc_of(p, p->pos);
	if (pp_accept_kw(p, ALX_KW_ADD)) {
		if (is_table_constraint_start(p)) {
			c->kind = ALX_SQL_AT_ADD_CONSTRAINT;
			c->constraint = pp_alloc(p, sizeof(*c->constraint));
			return c->constraint != NULL &&
			       table_constraint(p, c->constraint);
		}
		c->kind = ALX_SQL_AT_ADD_COLUMN;
		pp_accept_kw(p, ALX_KW_COLUMN);
		if (!if_not_exists(p, &c->if_not_exists))
			return false;
		return (c->coldef = column_def(p)) != NULL;
	}
	if (pp_accept_kw(p, ALX_KW_DROP)) {
		if (pp_accept_kw(p, ALX_KW_CONSTRAINT)) {
			c->kind = ALX_SQL_AT_DROP_CONSTRAINT;
		} else {
			c->kind = ALX_SQL_AT_DROP_COLUMN;
			pp_accept_kw(p, ALX_KW_COLUMN);
		}
		if (!if_exists(p, &c->if_exists) || !pp_colid(p, &c->name))
			return false;
		c->behavior = opt_behavior(p);
		return true;
	}
	if (pp_accept_kw(p, ALX_KW_ALTER))
		return alter_column(p, c);
	return perr_syntax(p) != NULL;
}

/* RENAME TO n | RENAME [COLUMN] a TO b | RENAME CONSTRAINT a TO b */
static bool rename_cmd(struct parser *p, struct alx_sql_alter_cmd *c)
{
	c->loc = loc_of(p, p->pos);
	pp_advance(p); /* RENAME */
	if (pp_accept_kw(p, ALX_KW_TO)) {
		c->kind = ALX_SQL_AT_RENAME_TABLE;
		return pp_colid(p, &c->newname);
	}
	if (pp_accept_kw(p, ALX_KW_CONSTRAINT))
		c->kind = ALX_SQL_AT_RENAME_CONSTRAINT;
	else
		c->kind = ALX_SQL_AT_RENAME_COLUMN;
	if (c->kind == ALX_SQL_AT_RENAME_COLUMN)
		pp_accept_kw(p, ALX_KW_COLUMN);
	return pp_colid(p, &c->name) && pp_expect_kw(p, ALX_KW_TO) &&
	       pp_colid(p, &c->newname);
}

struct alx_sql_stmt *pp_alter(struct parser *p)
{
	uint32_t ti = p->pos;
	pp_advance(p); /* ALTER */
	int kw = pp_kw(p);
	if (kw == ALX_KW_ROLE || kw == ALX_KW_USER)
		return pp_alter_role(p, ti);
	if (kw != ALX_KW_TABLE && kw != ALX_KW_INDEX) {
		if (pp_cur(p)->kind == ALX_TOK_IDENT && kw != 0) {
			char *msg = alx_arena_printf(
				p->a, "ALTER %.*s",
				(int)(pp_cur(p)->end - pp_cur(p)->start),
				p->sql + pp_cur(p)->start);
			if (msg == NULL)
				return perr_nomem(p);
			for (char *c = msg; *c; c++)
				if (*c >= 'a' && *c <= 'z')
					*c = (char)(*c - 32);
			return perr_unsupported(p, ti, msg);
		}
		return perr_syntax(p);
	}
	struct alx_sql_alter_table *a = pp_alloc(p, sizeof(*a));
	if (a == NULL)
		return NULL;
	a->obj = kw == ALX_KW_TABLE ? ALX_SQL_OBJ_TABLE : ALX_SQL_OBJ_INDEX;
	pp_advance(p);
	if (!if_exists(p, &a->if_exists))
		return NULL;
	a->only = pp_accept_kw(p, ALX_KW_ONLY);
	if (!pp_any_name(p, &a->table))
		return NULL;
	if (pp_kind(p) == '*')
		pp_advance(p);
	struct pvec v = {0};
	if (pp_kw(p) == ALX_KW_RENAME) {
		struct alx_sql_alter_cmd c = {0};
		if (a->obj == ALX_SQL_OBJ_INDEX &&
		    pp_peek_kw(p, 1) != ALX_KW_TO) {
			pp_advance(p);
			return perr_syntax(p);
		}
		if (!rename_cmd(p, &c) || !pvec_push(p, &v, &c, sizeof(c)))
			return NULL;
	} else if (a->obj == ALX_SQL_OBJ_INDEX) {
		return perr_unsupported(p, p->pos,
					"ALTER INDEX other than RENAME");
	} else {
		do {
			struct alx_sql_alter_cmd c = {0};
			if (!alter_cmd(p, &c) ||
			    !pvec_push(p, &v, &c, sizeof(c)))
				return NULL;
		} while (pp_accept(p, ','));
	}
	a->cmds = v.v;
	a->ncmds = v.n;
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_ALTER_TABLE, ti);
	if (s != NULL)
		s->u.alter_table = a;
	return s;
}

/* ---- TRUNCATE ---------------------------------------------------------- */

struct alx_sql_stmt *pp_truncate(struct parser *p)
{
	uint32_t ti = p->pos;
	struct alx_sql_truncate *t = pp_alloc(p, sizeof(*t));
	if (t == NULL)
		return NULL;
	pp_advance(p); /* TRUNCATE */
	pp_accept_kw(p, ALX_KW_TABLE);
	struct pvec v = {0};
	do {
		struct alx_sql_names n;
		pp_accept_kw(p, ALX_KW_ONLY);
		if (!pp_any_name(p, &n) || !pvec_push(p, &v, &n, sizeof(n)))
			return NULL;
		if (pp_kind(p) == '*')
			pp_advance(p);
	} while (pp_accept(p, ','));
	t->tables = v.v;
	t->ntables = v.n;
	if (pp_accept_kw(p, ALX_KW_RESTART)) {
		t->restart_identity = true;
		if (!pp_expect_kw(p, ALX_KW_IDENTITY))
			return NULL;
	} else if (pp_accept_kw(p, ALX_KW_CONTINUE)) {
		if (!pp_expect_kw(p, ALX_KW_IDENTITY))
			return NULL;
	}
	t->behavior = opt_behavior(p);
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_TRUNCATE, ti);
	if (s != NULL)
		s->u.truncate = t;
	return s;
}
