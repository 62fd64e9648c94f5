/*
 * DML: INSERT (with ON CONFLICT and RETURNING), UPDATE, DELETE, COPY, and
 * the generic "name value" option lists COPY and EXPLAIN share.
 */
#include "sql/sql_parse.h"

#include <string.h>

static int32_t loc_of(const struct parser *p, uint32_t ti)
{
	return (int32_t)p->toks[ti].start;
}

static bool set_str(struct alx_sql_str *s, const char *text)
{
	s->ptr = text;
	s->len = (uint32_t)strlen(text);
	return true;
}

/* ---- SET clauses ------------------------------------------------------- */

static bool assign_one(struct parser *p, struct pvec *out, int32_t loc,
		       struct alx_sql_str col, struct alx_sql_expr *value)
{
	struct alx_sql_assign a = {0};
	a.loc = loc;
	a.cols = pp_alloc(p, sizeof(*a.cols));
	if (a.cols == NULL)
		return false;
	a.cols[0] = col;
	a.ncols = 1;
	a.value = value;
	return pvec_push(p, out, &a, sizeof(a));
}

static struct alx_sql_expr *set_value(struct parser *p)
{
	int nk = pp_peek(p, 1)->kind;
	if (pp_kw(p) == ALX_KW_DEFAULT &&
	    (nk == ',' || nk == ';' || nk == ALX_TOK_EOF || nk == ')' ||
	     pp_peek_kw(p, 1) == ALX_KW_WHERE ||
	     pp_peek_kw(p, 1) == ALX_KW_FROM ||
	     pp_peek_kw(p, 1) == ALX_KW_RETURNING)) {
		struct alx_sql_expr *e =
			pp_new_expr(p, ALX_SQL_E_DEFAULT, loc_of(p, p->pos));
		pp_advance(p);
		return e;
	}
	return pp_expr(p);
}

/* set_clause_list: c = x, (a, b) = (x, y), (a, b) = (SELECT ...) */
static bool set_clauses(struct parser *p, struct alx_sql_assign **out,
			uint32_t *n)
{
	struct pvec v = {0};
	do {
		int32_t loc = loc_of(p, p->pos);
		if (pp_kind(p) != '(') {
			struct alx_sql_str col;
			if (!pp_colid(p, &col))
				return false;
			if (pp_kind(p) == '.' || pp_kind(p) == '[')
				return perr_unsupported(p, p->pos,
							"assigning to a field "
							"or element") != NULL;
			if (!pp_expect(p, '='))
				return false;
			struct alx_sql_expr *e = set_value(p);
			if (e == NULL || !assign_one(p, &v, loc, col, e))
				return false;
			continue;
		}
		struct alx_sql_assign a = {0};
		a.loc = loc;
		if (!pp_name_list_paren(p, &a.cols, &a.ncols) ||
		    !pp_expect(p, '='))
			return false;
		uint32_t vti = p->pos;
		struct alx_sql_expr *e = pp_expr(p);
		if (e == NULL)
			return false;
		if (e->kind == ALX_SQL_E_SUBLINK &&
		    e->u.sublink.kind == ALX_SQL_SUB_EXPR) {
			a.value = e;
			if (!pvec_push(p, &v, &a, sizeof(a)))
				return false;
			continue;
		}
		/* (a) = (x) is a plain parenthesised value, not a row */
		if (e->kind != ALX_SQL_E_ROW) {
			uint32_t eti = vti;
			while (eti < p->pos &&
			       p->toks[eti].start < (uint32_t)e->loc)
				eti++;
			return perr_at(p, eti, true, "0A000", NULL,
				       "source for a multiple-column UPDATE "
				       "item must be a sub-SELECT or ROW() "
				       "expression") != NULL;
		}
		struct alx_sql_exprs items = e->u.list;
		if (items.n != a.ncols)
			return perr_at(p, vti, true, "42601", NULL,
				       "number of columns does not match "
				       "number of values") != NULL;
		for (uint32_t i = 0; i < items.n; i++)
			if (!assign_one(p, &v, loc, a.cols[i], items.v[i]))
				return false;
	} while (pp_accept(p, ','));
	*out = v.v;
	*n = v.n;
	return true;
}

/* ---- INSERT ------------------------------------------------------------ */

/* index_params: col | (expr) | f(x), with collation, opclass, order */
bool pp_index_elems(struct parser *p, struct alx_sql_index_elem **out,
		    uint32_t *n)
{
	struct pvec v = {0};
	do {
		struct alx_sql_index_elem el = {0};
		el.loc = loc_of(p, p->pos);
		if (pp_kind(p) == '(') {
			pp_advance(p);
			el.expr = pp_expr(p);
			if (el.expr == NULL || !pp_expect(p, ')'))
				return false;
		} else if (pp_peek(p, 1)->kind == '(' ||
			   pp_peek(p, 1)->kind == '.') {
			el.expr = pp_primary(p);
			if (el.expr == NULL)
				return false;
			if (el.expr->kind == ALX_SQL_E_COLUMN &&
			    el.expr->u.column.names.n == 1) {
				el.column = el.expr->u.column.names.v[0];
				el.expr = NULL;
			}
		} else if (!pp_colid(p, &el.column)) {
			return false;
		}
		if (pp_accept_kw(p, ALX_KW_COLLATE) &&
		    !pp_any_name(p, &el.collation))
			return false;
		if (pp_is_colid(pp_cur(p)) &&
		    !(pp_kw(p) == ALX_KW_NULLS &&
		      (pp_peek_kw(p, 1) == ALX_KW_FIRST ||
		       pp_peek_kw(p, 1) == ALX_KW_LAST)) &&
		    !pp_any_name(p, &el.opclass))
			return false;
		if (pp_accept_kw(p, ALX_KW_ASC))
			el.dir = ALX_SQL_SORT_ASC;
		else if (pp_accept_kw(p, ALX_KW_DESC))
			el.dir = ALX_SQL_SORT_DESC;
		if (pp_kw(p) == ALX_KW_NULLS) {
			pp_advance(p);
			if (pp_accept_kw(p, ALX_KW_FIRST))
				el.nulls = ALX_SQL_NULLS_FIRST;
			else if (pp_expect_kw(p, ALX_KW_LAST))
				el.nulls = ALX_SQL_NULLS_LAST;
			else
				return false;
		}
		if (!pvec_push(p, &v, &el, sizeof(el)))
			return false;
	} while (pp_accept(p, ','));
	*out = v.v;
	*n = v.n;
	return true;
}

static struct alx_sql_on_conflict *on_conflict(struct parser *p)
{
	struct alx_sql_on_conflict *c = pp_alloc(p, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->loc = loc_of(p, p->pos);
	pp_advance(p); /* ON */
	if (!pp_expect_kw(p, ALX_KW_CONFLICT))
		return NULL;
	if (pp_accept(p, '(')) {
		if (!pp_index_elems(p, &c->target, &c->ntarget) ||
		    !pp_expect(p, ')'))
			return NULL;
		if (pp_accept_kw(p, ALX_KW_WHERE)) {
			c->target_where = pp_expr(p);
			if (c->target_where == NULL)
				return NULL;
		}
	} else if (pp_accept_kw(p, ALX_KW_ON)) {
		if (!pp_expect_kw(p, ALX_KW_CONSTRAINT) ||
		    !pp_colid(p, &c->constraint))
			return NULL;
	}
	if (!pp_expect_kw(p, ALX_KW_DO))
		return NULL;
	if (pp_accept_kw(p, ALX_KW_NOTHING)) {
		c->action = ALX_SQL_CONFLICT_NOTHING;
		return c;
	}
	if (!pp_expect_kw(p, ALX_KW_UPDATE) || !pp_expect_kw(p, ALX_KW_SET))
		return NULL;
	c->action = ALX_SQL_CONFLICT_UPDATE;
	if (!set_clauses(p, &c->set, &c->nset))
		return NULL;
	if (pp_accept_kw(p, ALX_KW_WHERE)) {
		c->where = pp_expr(p);
		if (c->where == NULL)
			return NULL;
	}
	return c;
}

static bool returning(struct parser *p, struct alx_sql_target **out,
		      uint32_t *n)
{
	if (!pp_accept_kw(p, ALX_KW_RETURNING))
		return true;
	return pp_target_list(p, out, n);
}

struct alx_sql_stmt *pp_insert(struct parser *p, struct alx_sql_with *with,
			       uint32_t ti)
{
	struct alx_sql_insert *ins = pp_alloc(p, sizeof(*ins));
	if (ins == NULL)
		return NULL;
	ins->with = with;
	pp_advance(p); /* INSERT */
	if (!pp_expect_kw(p, ALX_KW_INTO) || !pp_any_name(p, &ins->table))
		return NULL;
	if (pp_accept_kw(p, ALX_KW_AS) && !pp_colid(p, &ins->alias))
		return NULL;
	if (pp_kind(p) == '(' && !pp_looks_like_query(p) &&
	    !pp_name_list_paren(p, &ins->cols, &ins->ncols))
		return NULL;
	if (pp_kw(p) == ALX_KW_OVERRIDING)
		return perr_unsupported(p, p->pos, "OVERRIDING");
	if (pp_kw(p) == ALX_KW_DEFAULT) {
		pp_advance(p);
		if (!pp_expect_kw(p, ALX_KW_VALUES))
			return NULL;
	} else {
		ins->source = pp_select(p);
		if (ins->source == NULL)
			return NULL;
	}
	if (pp_kw(p) == ALX_KW_ON) {
		ins->on_conflict = on_conflict(p);
		if (ins->on_conflict == NULL)
			return NULL;
	}
	if (!returning(p, &ins->returning, &ins->nreturning))
		return NULL;
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_INSERT, ti);
	if (s != NULL)
		s->u.insert = ins;
	return s;
}

/* ---- UPDATE / DELETE --------------------------------------------------- */

static bool where_clause(struct parser *p, struct alx_sql_expr **out)
{
	if (!pp_accept_kw(p, ALX_KW_WHERE))
		return true;
	if (pp_kw(p) == ALX_KW_CURRENT && pp_peek_kw(p, 1) == ALX_KW_OF)
		return perr_unsupported(p, p->pos, "WHERE CURRENT OF") != NULL;
	*out = pp_expr(p);
	return *out != NULL;
}

struct alx_sql_stmt *pp_update(struct parser *p, struct alx_sql_with *with,
			       uint32_t ti)
{
	struct alx_sql_update *u = pp_alloc(p, sizeof(*u));
	if (u == NULL)
		return NULL;
	u->with = with;
	pp_advance(p); /* UPDATE */
	if (!pp_relation_opt_alias(p, &u->table, &u->only, &u->alias) ||
	    !pp_expect_kw(p, ALX_KW_SET) || !set_clauses(p, &u->set, &u->nset))
		return NULL;
	if (pp_accept_kw(p, ALX_KW_FROM) &&
	    !pp_from_list(p, &u->from, &u->nfrom))
		return NULL;
	if (!where_clause(p, &u->where) ||
	    !returning(p, &u->returning, &u->nreturning))
		return NULL;
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_UPDATE, ti);
	if (s != NULL)
		s->u.update = u;
	return s;
}

struct alx_sql_stmt *pp_delete(struct parser *p, struct alx_sql_with *with,
			       uint32_t ti)
{
	struct alx_sql_delete *d = pp_alloc(p, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->with = with;
	pp_advance(p); /* DELETE */
	if (!pp_expect_kw(p, ALX_KW_FROM) ||
	    !pp_relation_opt_alias(p, &d->table, &d->only, &d->alias))
		return NULL;
	if (pp_accept_kw(p, ALX_KW_USING) &&
	    !pp_from_list(p, &d->using_, &d->nusing))
		return NULL;
	if (!where_clause(p, &d->where) ||
	    !returning(p, &d->returning, &d->nreturning))
		return NULL;
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_DELETE, ti);
	if (s != NULL)
		s->u.delete_ = d;
	return s;
}

/* ---- options ----------------------------------------------------------- */

bool pp_option_value(struct parser *p, struct alx_sql_val *out)
{
	const struct alx_sql_token *t = pp_cur(p);
	out->loc = loc_of(p, p->pos);
	if (pp_is_sconst(t)) {
		out->kind = ALX_SQL_VAL_STRING;
		return pp_sconst(p, &out->text);
	}
	if (t->kind == ALX_TOK_ICONST || t->kind == ALX_TOK_FCONST ||
	    t->kind == '+' || t->kind == '-') {
		out->kind = ALX_SQL_VAL_NUMBER;
		return pp_numeric_only(p, &out->text);
	}
	if (t->kind == ALX_TOK_IDENT &&
	    (t->kw == ALX_KW_TRUE || t->kw == ALX_KW_FALSE)) {
		out->kind = ALX_SQL_VAL_BOOL;
		set_str(&out->text, t->kw == ALX_KW_TRUE ? "true" : "false");
		pp_advance(p);
		return true;
	}
	if (pp_is_nonreserved(t) ||
	    (t->kind == ALX_TOK_IDENT && t->kw == ALX_KW_ON)) {
		out->kind = ALX_SQL_VAL_WORD;
		return pp_name(p, &out->text);
	}
	return perr_syntax(p) != NULL;
}

/* '(' name [value], ... ')' */
bool pp_generic_options(struct parser *p, struct alx_sql_defelem **out,
			uint32_t *n)
{
	struct pvec v = {0};
	if (!pp_expect(p, '('))
		return false;
	do {
		struct alx_sql_defelem d = {0};
		d.loc = loc_of(p, p->pos);
		if (!pp_collabel(p, &d.name))
			return false;
		int k = pp_kind(p);
		if (k == '*') {
			d.val.kind = ALX_SQL_VAL_STAR;
			d.val.loc = loc_of(p, p->pos);
			pp_advance(p);
		} else if (k == '(') {
			d.val.kind = ALX_SQL_VAL_LIST;
			d.val.loc = loc_of(p, p->pos);
			struct alx_sql_str *cols;
			if (!pp_name_list_paren(p, &cols, &d.val.list.n))
				return false;
			d.val.list.v = cols;
		} else if (k != ',' && k != ')') {
			if (!pp_option_value(p, &d.val))
				return false;
		}
		if (!pvec_push(p, &v, &d, sizeof(d)))
			return false;
	} while (pp_accept(p, ','));
	if (!pp_expect(p, ')'))
		return false;
	*out = v.v;
	*n = v.n;
	return true;
}

/* ---- COPY -------------------------------------------------------------- */

static bool push_opt(struct parser *p, struct pvec *v, int32_t loc,
		     const char *name, int kind, struct alx_sql_str text)
{
	struct alx_sql_defelem d = {0};
	d.loc = loc;
	set_str(&d.name, name);
	d.val.kind = (uint8_t)kind;
	d.val.loc = loc;
	d.val.text = text;
	return pvec_push(p, v, &d, sizeof(d));
}

/* The pre-9.0 option list: WITH CSV HEADER DELIMITER ',' ... */
static bool legacy_copy_options(struct parser *p, struct pvec *v)
{
	for (;;) {
		int32_t loc = loc_of(p, p->pos);
		struct alx_sql_str s = {0}, w = {0};
		int kw = pp_kw(p);
		const char *name = NULL;
		switch (kw) {
		case ALX_KW_BINARY:
		case ALX_KW_CSV:
			pp_advance(p);
			set_str(&w, kw == ALX_KW_CSV ? "csv" : "binary");
			if (!push_opt(p, v, loc, "format", ALX_SQL_VAL_WORD, w))
				return false;
			continue;
		case ALX_KW_HEADER:
		case ALX_KW_FREEZE:
			pp_advance(p);
			set_str(&w, "true");
			if (!push_opt(p, v, loc,
				      kw == ALX_KW_HEADER ? "header" : "freeze",
				      ALX_SQL_VAL_BOOL, w))
				return false;
			continue;
		case ALX_KW_DELIMITER:
			name = "delimiter";
			break;
		case ALX_KW_NULL:
			name = "null";
			break;
		case ALX_KW_QUOTE:
			name = "quote";
			break;
		case ALX_KW_ESCAPE:
			name = "escape";
			break;
		case ALX_KW_ENCODING:
			name = "encoding";
			break;
		case ALX_KW_FORCE: {
			pp_advance(p);
			const char *fname;
			if (pp_accept_kw(p, ALX_KW_QUOTE)) {
				fname = "force_quote";
			} else if (pp_accept_kw(p, ALX_KW_NOT)) {
				if (!pp_expect_kw(p, ALX_KW_NULL))
					return false;
				fname = "force_not_null";
			} else if (pp_expect_kw(p, ALX_KW_NULL)) {
				fname = "force_null";
			} else {
				return false;
			}
			struct alx_sql_defelem d = {0};
			d.loc = loc;
			set_str(&d.name, fname);
			d.val.loc = loc_of(p, p->pos);
			if (pp_accept(p, '*') && kw == ALX_KW_FORCE) {
				d.val.kind = ALX_SQL_VAL_STAR;
			} else {
				struct alx_sql_str *cols;
				d.val.kind = ALX_SQL_VAL_LIST;
				if (!pp_name_list(p, &cols, &d.val.list.n))
					return false;
				d.val.list.v = cols;
			}
			if (!pvec_push(p, v, &d, sizeof(d)))
				return false;
			continue;
		}
		default:
			return true;
		}
		pp_advance(p);
		pp_accept_kw(p, ALX_KW_AS);
		if (!pp_sconst(p, &s) ||
		    !push_opt(p, v, loc, name, ALX_SQL_VAL_STRING, s))
			return false;
	}
}

struct alx_sql_stmt *pp_copy(struct parser *p)
{
	uint32_t ti = p->pos;
	struct alx_sql_copy *c = pp_alloc(p, sizeof(*c));
	struct pvec opts = {0};
	if (c == NULL)
		return NULL;
	pp_advance(p); /* COPY */
	if (pp_kind(p) == '(') {
		pp_advance(p);
		if (!pp_enter(p))
			return NULL;
		c->query = pp_preparable(p);
		pp_leave(p);
		if (c->query == NULL || !pp_expect(p, ')'))
			return NULL;
		c->query->end = p->toks[p->pos - 2].end;
		if (!pp_expect_kw(p, ALX_KW_TO))
			return NULL;
	} else {
		int32_t loc = loc_of(p, p->pos);
		if (pp_accept_kw(p, ALX_KW_BINARY)) {
			struct alx_sql_str w;
			set_str(&w, "binary");
			if (!push_opt(p, &opts, loc, "format", ALX_SQL_VAL_WORD,
				      w))
				return NULL;
		}
		if (!pp_any_name(p, &c->table))
			return NULL;
		if (pp_kind(p) == '(' &&
		    !pp_name_list_paren(p, &c->cols, &c->ncols))
			return NULL;
		if (pp_accept_kw(p, ALX_KW_FROM))
			c->is_from = true;
		else if (!pp_expect_kw(p, ALX_KW_TO))
			return NULL;
	}
	if (pp_accept_kw(p, ALX_KW_PROGRAM)) {
		c->program = true;
		if (!pp_sconst(p, &c->filename))
			return NULL;
	} else if (pp_kw(p) == ALX_KW_STDIN || pp_kw(p) == ALX_KW_STDOUT) {
		pp_advance(p);
	} else if (!pp_sconst(p, &c->filename)) {
		return NULL;
	}
	if (pp_kw(p) == ALX_KW_USING && pp_peek_kw(p, 1) == ALX_KW_DELIMITERS)
		pp_advance(p);
	if (pp_kw(p) == ALX_KW_DELIMITERS) {
		int32_t loc = loc_of(p, p->pos);
		struct alx_sql_str s;
		pp_advance(p);
		if (!pp_sconst(p, &s) || !push_opt(p, &opts, loc, "delimiter",
						   ALX_SQL_VAL_STRING, s))
			return NULL;
	}
	pp_accept_kw(p, ALX_KW_WITH);
	if (pp_kind(p) == '(') {
		struct alx_sql_defelem *d;
		uint32_t n;
		if (!pp_generic_options(p, &d, &n))
			return NULL;
		for (uint32_t i = 0; i < n; i++)
			if (!pvec_push(p, &opts, &d[i], sizeof(d[i])))
				return NULL;
	} else if (!legacy_copy_options(p, &opts)) {
		return NULL;
	}
	if (pp_accept_kw(p, ALX_KW_WHERE)) {
		c->where = pp_expr(p);
		if (c->where == NULL)
			return NULL;
	}
	c->options = opts.v;
	c->noptions = opts.n;
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_COPY, ti);
	if (s != NULL)
		s->u.copy = c;
	return s;
}
