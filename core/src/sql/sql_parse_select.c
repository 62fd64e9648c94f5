/*
 * Queries: SELECT, VALUES, TABLE, set operations with PostgreSQL's
 * precedence (INTERSECT above UNION and EXCEPT), WITH, ORDER BY, LIMIT /
 * OFFSET / FETCH, and the FROM clause with joins.
 */
#include "sql/sql_parse.h"

#include <string.h>

static int32_t loc_of(const struct parser *p, uint32_t ti)
{
	return (int32_t)p->toks[ti].start;
}

static struct alx_sql_select *new_select(struct parser *p, int kind,
					 uint32_t ti)
{
	struct alx_sql_select *q = pp_alloc(p, sizeof(*q));
	if (q == NULL)
		return NULL;
	q->kind = (uint8_t)kind;
	q->loc = loc_of(p, ti);
	return q;
}

/* ---- memo of parenthesised queries ------------------------------------- */

static struct memo_entry *memo_slot(struct parser *p, uint32_t ti, bool create)
{
	if (p->memo_cap == 0) {
		if (!create)
			return NULL;
		p->memo = pp_alloc(p, 64 * sizeof(*p->memo));
		if (p->memo == NULL)
			return NULL;
		p->memo_cap = 64;
	}
	if (create && (p->memo_n + 1) * 2 > p->memo_cap) {
		uint32_t cap = p->memo_cap * 2;
		struct memo_entry *nm = pp_alloc(p, cap * sizeof(*nm));
		if (nm == NULL)
			return NULL;
		for (uint32_t i = 0; i < p->memo_cap; i++) {
			if (p->memo[i].key == 0)
				continue;
			uint32_t h = (p->memo[i].key * 2654435761u) & (cap - 1);
			while (nm[h].key != 0)
				h = (h + 1) & (cap - 1);
			nm[h] = p->memo[i];
		}
		p->memo = nm;
		p->memo_cap = cap;
	}
	uint32_t key = ti + 1;
	uint32_t h = (key * 2654435761u) & (p->memo_cap - 1);
	while (p->memo[h].key != 0) {
		if (p->memo[h].key == key)
			return &p->memo[h];
		h = (h + 1) & (p->memo_cap - 1);
	}
	if (!create)
		return NULL;
	p->memo[h].key = key;
	p->memo_n++;
	return &p->memo[h];
}

/*
 * select_with_parens. The expression and FROM parsers try a parenthesised
 * query first and fall back to an expression or a join; remembering each
 * attempt keeps nested parentheses linear instead of exponential.
 */
struct alx_sql_select *pp_select_parens(struct parser *p)
{
	uint32_t ti = p->pos;
	struct memo_entry *m = memo_slot(p, ti, false);
	if (m != NULL) {
		if (m->state == 1) {
			p->pos = m->end;
			return m->q;
		}
		p->err = *m->err;
		return NULL;
	}
	if (!pp_enter(p))
		return NULL;
	struct alx_sql_select *q = NULL;
	if (pp_expect(p, '('))
		q = pp_select(p);
	if (q != NULL && !pp_expect(p, ')'))
		q = NULL;
	pp_leave(p);
	if (q == NULL && p->err.fatal)
		return NULL;
	m = memo_slot(p, ti, true);
	if (m == NULL)
		return NULL;
	if (q != NULL) {
		m->state = 1;
		m->end = p->pos;
		m->q = q;
		return q;
	}
	m->state = 2;
	m->err = pp_alloc(p, sizeof(*m->err));
	if (m->err == NULL)
		return NULL;
	*m->err = p->err;
	return NULL;
}

/* ---- target lists and sorting ------------------------------------------ */

static bool target_list_ends(const struct parser *p)
{
	int k = pp_kind(p);
	if (k == ';' || k == ')' || k == ALX_TOK_EOF)
		return true;
	switch (pp_kw(p)) {
	case ALX_KW_FROM:
	case ALX_KW_WHERE:
	case ALX_KW_GROUP:
	case ALX_KW_HAVING:
	case ALX_KW_ORDER:
	case ALX_KW_LIMIT:
	case ALX_KW_OFFSET:
	case ALX_KW_FETCH:
	case ALX_KW_UNION:
	case ALX_KW_INTERSECT:
	case ALX_KW_EXCEPT:
	case ALX_KW_INTO:
	case ALX_KW_WINDOW:
	case ALX_KW_FOR:
		return true;
	default:
		return false;
	}
}

bool pp_target_list(struct parser *p, struct alx_sql_target **out, uint32_t *n)
{
	struct pvec v = {0};
	do {
		struct alx_sql_target t = {0};
		t.loc = loc_of(p, p->pos);
		if (pp_kind(p) == '*') {
			t.expr = pp_new_expr(p, ALX_SQL_E_COLUMN, t.loc);
			if (t.expr == NULL)
				return false;
			t.expr->u.column.star = true;
			pp_advance(p);
		} else {
			uint32_t saved = p->alias_depth;
			p->alias_depth = p->depth + 1;
			t.expr = pp_expr(p);
			p->alias_depth = saved;
			if (t.expr == NULL)
				return false;
			if (pp_accept_kw(p, ALX_KW_AS)) {
				if (!pp_collabel(p, &t.alias))
					return false;
			} else if (pp_is_bare_label(pp_cur(p))) {
				if (!pp_name(p, &t.alias))
					return false;
			}
		}
		if (!pvec_push(p, &v, &t, sizeof(t)))
			return false;
	} while (pp_accept(p, ','));
	*out = v.v;
	*n = v.n;
	return true;
}

bool pp_sort_list(struct parser *p, struct alx_sql_sortby **out, uint32_t *n)
{
	struct pvec v = {0};
	do {
		struct alx_sql_sortby s = {0};
		s.loc = loc_of(p, p->pos);
		s.expr = pp_expr(p);
		if (s.expr == NULL)
			return false;
		if (pp_accept_kw(p, ALX_KW_ASC)) {
			s.dir = ALX_SQL_SORT_ASC;
		} else if (pp_accept_kw(p, ALX_KW_DESC)) {
			s.dir = ALX_SQL_SORT_DESC;
		} else if (pp_accept_kw(p, ALX_KW_USING)) {
			int k = pp_kind(p);
			if (k != ALX_TOK_OP && k != '<' && k != '>' &&
			    k != ALX_TOK_LESS_EQUALS &&
			    k != ALX_TOK_GREATER_EQUALS && k != '=')
				return perr_syntax(p) != NULL;
			if (!pp_token_text(p, pp_cur(p), &s.using_op))
				return false;
			pp_advance(p);
		}
		if (pp_kw(p) == ALX_KW_NULLS &&
		    (pp_peek_kw(p, 1) == ALX_KW_FIRST ||
		     pp_peek_kw(p, 1) == ALX_KW_LAST)) {
			pp_advance(p);
			s.nulls = pp_kw(p) == ALX_KW_FIRST ? ALX_SQL_NULLS_FIRST
							   : ALX_SQL_NULLS_LAST;
			pp_advance(p);
		}
		if (!pvec_push(p, &v, &s, sizeof(s)))
			return false;
	} while (pp_accept(p, ','));
	*out = v.v;
	*n = v.n;
	return true;
}

/* ---- FROM -------------------------------------------------------------- */

static struct alx_sql_from *new_from(struct parser *p, int kind, int32_t loc)
{
	struct alx_sql_from *f = pp_alloc(p, sizeof(*f));
	if (f != NULL) {
		f->kind = (uint8_t)kind;
		f->loc = loc;
	}
	return f;
}

/* [AS] ColId [(cols)]; required: an alias must be there */
static bool opt_alias(struct parser *p, struct alx_sql_alias *a, bool required)
{
	if (pp_accept_kw(p, ALX_KW_AS)) {
		if (!pp_colid(p, &a->name))
			return false;
	} else if (pp_is_colid(pp_cur(p))) {
		if (!pp_name(p, &a->name))
			return false;
	} else {
		if (required)
			return perr_syntax(p) != NULL;
		return true;
	}
	if (pp_kind(p) == '(')
		return pp_name_list_paren(p, &a->cols, &a->ncols);
	return true;
}

static bool is_join_start(const struct parser *p)
{
	switch (pp_kw(p)) {
	case ALX_KW_JOIN:
	case ALX_KW_INNER:
	case ALX_KW_LEFT:
	case ALX_KW_RIGHT:
	case ALX_KW_FULL:
	case ALX_KW_CROSS:
	case ALX_KW_NATURAL:
		return true;
	default:
		return false;
	}
}

static struct alx_sql_from *table_ref(struct parser *p);
static struct alx_sql_from *joins(struct parser *p, struct alx_sql_from *left);

static struct alx_sql_from *subquery_ref(struct parser *p, bool lateral,
					 int32_t loc, bool *no_query)
{
	uint32_t ti = p->pos;
	*no_query = false;
	struct alx_sql_select *q = pp_select_parens(p);
	if (q == NULL) {
		*no_query = true;
		return NULL;
	}
	struct alx_sql_from *f = new_from(p, ALX_SQL_FROM_SUBQUERY, loc);
	if (f == NULL)
		return NULL;
	f->query = q;
	f->lateral = lateral;
	if (!pp_is_colid(pp_cur(p)) && pp_kw(p) != ALX_KW_AS) {
		/* PostgreSQL 15 insists on the alias. */
		return perr_at(p, ti, true, "42601",
			       "For example, FROM (SELECT ...) [AS] foo.",
			       "subquery in FROM must have an alias");
	}
	return opt_alias(p, &f->alias, true) ? f : NULL;
}

/* A table reference without the joins that may follow it. */
static struct alx_sql_from *table_primary(struct parser *p)
{
	int32_t loc = loc_of(p, p->pos);
	bool lateral = pp_accept_kw(p, ALX_KW_LATERAL);
	if (pp_kind(p) == '(') {
		uint32_t save = p->pos;
		struct pp_mark m = {0};
		if (pp_looks_like_query(p)) {
			bool noq;
			struct alx_sql_from *f =
				subquery_ref(p, lateral, loc, &noq);
			if (f != NULL || !noq)
				return f;
			if (!pp_backtrack(p, save, &m))
				return NULL;
		}
		if (lateral) {
			struct alx_sql_from *f = perr_syntax(p);
			pp_furthest(p, &m);
			return f;
		}
		/* '(' joined_table ')' [alias] */
		struct alx_sql_from *f = NULL;
		if (pp_enter(p)) {
			pp_advance(p);
			f = table_ref(p);
			if (f != NULL && f->kind != ALX_SQL_FROM_JOIN)
				f = perr_syntax(p);
			if (f != NULL && !pp_expect(p, ')'))
				f = NULL;
			pp_leave(p);
		}
		if (f == NULL) {
			pp_furthest(p, &m);
			return NULL;
		}
		if (f->alias.name.ptr == NULL &&
		    (pp_kw(p) == ALX_KW_AS || pp_is_colid(pp_cur(p))) &&
		    !opt_alias(p, &f->alias, false))
			return NULL;
		return f;
	}
	if (pp_kw(p) == ALX_KW_ONLY) {
		pp_advance(p);
		struct alx_sql_from *f = new_from(p, ALX_SQL_FROM_TABLE, loc);
		if (f == NULL)
			return NULL;
		f->only = true;
		bool paren = pp_accept(p, '(');
		if (!pp_any_name(p, &f->name) || (paren && !pp_expect(p, ')')))
			return NULL;
		return opt_alias(p, &f->alias, false) ? f : NULL;
	}
	/* relation, or a function in FROM */
	const struct alx_sql_token *t = pp_cur(p);
	if (!pp_is_colid(t) && !pp_is_type_func_name(t))
		return perr_syntax(p);
	uint32_t save = p->pos;
	struct alx_sql_names name;
	struct alx_sql_str s;
	struct pvec v = {0};
	if (!pp_name(p, &s) || !pvec_push(p, &v, &s, sizeof(s)))
		return NULL;
	while (pp_kind(p) == '.') {
		pp_advance(p);
		if (!pp_collabel(p, &s) || !pvec_push(p, &v, &s, sizeof(s)))
			return NULL;
	}
	name.v = v.v;
	name.n = v.n;
	if (pp_kind(p) == '(') {
		p->pos = save;
		struct alx_sql_expr *fn = pp_primary(p);
		if (fn == NULL)
			return NULL;
		if (fn->kind != ALX_SQL_E_FUNC)
			return perr_syntax(p);
		struct alx_sql_from *f =
			new_from(p, ALX_SQL_FROM_FUNCTION, loc);
		if (f == NULL)
			return NULL;
		f->func = fn;
		f->lateral = lateral;
		if (pp_kw(p) == ALX_KW_WITH &&
		    pp_peek_kw(p, 1) == ALX_KW_ORDINALITY) {
			pp_advance(p);
			pp_advance(p);
			f->ordinality = true;
		}
		return opt_alias(p, &f->alias, false) ? f : NULL;
	}
	if (!pp_is_colid(t) || lateral) {
		p->pos = save + 1;
		return perr_syntax(p);
	}
	struct alx_sql_from *f = new_from(p, ALX_SQL_FROM_TABLE, loc);
	if (f == NULL)
		return NULL;
	f->name = name;
	if (pp_kind(p) == '*')
		pp_advance(p); /* t * : with descendants, the default */
	if (pp_kw(p) == ALX_KW_TABLESAMPLE)
		return perr_unsupported(p, p->pos, "TABLESAMPLE");
	return opt_alias(p, &f->alias, false) ? f : NULL;
}

/* join type keywords before JOIN; returns 0 when not at a join */
static int join_type(struct parser *p, bool *natural)
{
	*natural = false;
	if (pp_accept_kw(p, ALX_KW_CROSS)) {
		return pp_expect_kw(p, ALX_KW_JOIN) ? ALX_SQL_JOIN_CROSS : -1;
	}
	if (pp_accept_kw(p, ALX_KW_NATURAL))
		*natural = true;
	int jt = ALX_SQL_JOIN_INNER;
	switch (pp_kw(p)) {
	case ALX_KW_INNER:
		pp_advance(p);
		break;
	case ALX_KW_LEFT:
	case ALX_KW_RIGHT:
	case ALX_KW_FULL:
		jt = pp_kw(p) == ALX_KW_LEFT	? ALX_SQL_JOIN_LEFT
		     : pp_kw(p) == ALX_KW_RIGHT ? ALX_SQL_JOIN_RIGHT
						: ALX_SQL_JOIN_FULL;
		pp_advance(p);
		pp_accept_kw(p, ALX_KW_OUTER);
		break;
	default:
		break;
	}
	return pp_expect_kw(p, ALX_KW_JOIN) ? jt : -1;
}

static struct alx_sql_from *joins(struct parser *p, struct alx_sql_from *left)
{
	uint32_t chain = 0;
	while (left != NULL && is_join_start(p)) {
		int32_t loc = loc_of(p, p->pos);
		bool natural;
		int jt = join_type(p, &natural);
		if (jt < 0)
			return NULL;
		struct alx_sql_from *right = table_primary(p);
		if (right == NULL)
			return NULL;
		bool qual = jt != ALX_SQL_JOIN_CROSS && !natural;
		if (qual && is_join_start(p)) {
			/* a JOIN b JOIN c ON x ON y: b JOIN c nests */
			if (!pp_enter(p))
				return NULL;
			right = joins(p, right);
			pp_leave(p);
			if (right == NULL)
				return NULL;
		}
		struct alx_sql_from *j = new_from(p, ALX_SQL_FROM_JOIN, loc);
		if (j == NULL)
			return NULL;
		j->loc = left->loc;
		j->join.kind = (uint8_t)jt;
		j->join.natural = natural;
		j->join.left = left;
		j->join.right = right;
		if (qual) {
			if (pp_accept_kw(p, ALX_KW_ON)) {
				j->join.on = pp_expr(p);
				if (j->join.on == NULL)
					return NULL;
			} else if (pp_accept_kw(p, ALX_KW_USING)) {
				if (!pp_name_list_paren(p, &j->join.using_cols,
							&j->join.nusing))
					return NULL;
			} else {
				return perr_syntax(p);
			}
		}
		if (++chain + p->depth > p->max_depth)
			return perr_at(p, p->pos, true, "54001",
				       "The statement nests expressions, "
				       "operators or subqueries too deeply; "
				       "simplify it.",
				       "stack depth limit exceeded");
		left = j;
	}
	return left;
}

static struct alx_sql_from *table_ref(struct parser *p)
{
	struct alx_sql_from *f = table_primary(p);
	return f ? joins(p, f) : NULL;
}

bool pp_from_list(struct parser *p, struct alx_sql_from ***out, uint32_t *n)
{
	struct pvec v = {0};
	do {
		struct alx_sql_from *f = table_ref(p);
		if (f == NULL || !pvec_push_ptr(p, &v, f))
			return false;
	} while (pp_accept(p, ','));
	*out = v.v;
	*n = v.n;
	return true;
}

bool pp_relation_opt_alias(struct parser *p, struct alx_sql_names *name,
			   bool *only, struct alx_sql_str *alias)
{
	*only = pp_accept_kw(p, ALX_KW_ONLY);
	if (!pp_any_name(p, name))
		return false;
	if (pp_kind(p) == '*')
		pp_advance(p);
	if (pp_accept_kw(p, ALX_KW_AS))
		return pp_colid(p, alias);
	/* UPDATE t SET ...: SET is never the alias (gram.y %prec SET). */
	if (pp_is_colid(pp_cur(p)) && pp_kw(p) != ALX_KW_SET)
		return pp_name(p, alias);
	return true;
}

/* ---- SELECT ------------------------------------------------------------ */

static struct alx_sql_select *simple_select(struct parser *p)
{
	uint32_t ti = p->pos;
	struct alx_sql_select *q = new_select(p, ALX_SQL_SELECT_SIMPLE, ti);
	if (q == NULL)
		return NULL;
	pp_advance(p); /* SELECT */
	if (pp_accept_kw(p, ALX_KW_DISTINCT)) {
		q->distinct = ALX_SQL_DISTINCT_ALL;
		if (pp_accept_kw(p, ALX_KW_ON)) {
			q->distinct = ALX_SQL_DISTINCT_ON;
			if (!pp_expect(p, '(') ||
			    !pp_expr_list(p, &q->distinct_on) ||
			    !pp_expect(p, ')'))
				return NULL;
		}
	} else if (pp_accept_kw(p, ALX_KW_ALL)) {
		/* SELECT ALL: the default */
	}
	/* the list may be empty (SELECT FROM t), but not after DISTINCT:
	 * PostgreSQL's grammar then wants a target */
	if ((q->distinct != ALX_SQL_DISTINCT_NONE || !target_list_ends(p)) &&
	    !pp_target_list(p, &q->targets, &q->ntargets))
		return NULL;
	if (pp_kw(p) == ALX_KW_INTO)
		return perr_at(p, p->pos, true, "0A000",
			       "Use CREATE TABLE ... AS SELECT.",
			       "SELECT INTO is not supported");
	if (pp_accept_kw(p, ALX_KW_FROM) &&
	    !pp_from_list(p, &q->from, &q->nfrom))
		return NULL;
	if (pp_accept_kw(p, ALX_KW_WHERE)) {
		q->where = pp_expr(p);
		if (q->where == NULL)
			return NULL;
	}
	if (pp_kw(p) == ALX_KW_GROUP) {
		pp_advance(p);
		if (!pp_expect_kw(p, ALX_KW_BY))
			return NULL;
		if (pp_accept_kw(p, ALX_KW_DISTINCT))
			q->group_distinct = true;
		else
			pp_accept_kw(p, ALX_KW_ALL);
		if (!pp_expr_list(p, &q->group_by))
			return NULL;
	}
	if (pp_accept_kw(p, ALX_KW_HAVING)) {
		q->having = pp_expr(p);
		if (q->having == NULL)
			return NULL;
	}
	if (pp_kw(p) == ALX_KW_WINDOW)
		return perr_unsupported(p, p->pos, "WINDOW");
	return q;
}

static struct alx_sql_select *values_select(struct parser *p)
{
	uint32_t ti = p->pos;
	struct alx_sql_select *q = new_select(p, ALX_SQL_SELECT_VALUES, ti);
	if (q == NULL)
		return NULL;
	pp_advance(p); /* VALUES */
	struct pvec rows = {0};
	do {
		struct pvec row = {0};
		if (!pp_expect(p, '('))
			return NULL;
		do {
			struct alx_sql_expr *e;
			int nk = pp_peek(p, 1)->kind;
			if (pp_kw(p) == ALX_KW_DEFAULT &&
			    (nk == ',' || nk == ')')) {
				e = pp_new_expr(p, ALX_SQL_E_DEFAULT,
						loc_of(p, p->pos));
				pp_advance(p);
			} else {
				e = pp_expr(p);
			}
			if (e == NULL || !pvec_push_ptr(p, &row, e))
				return NULL;
		} while (pp_accept(p, ','));
		if (!pp_expect(p, ')'))
			return NULL;
		struct alx_sql_exprs r = {row.v, row.n};
		if (!pvec_push(p, &rows, &r, sizeof(r)))
			return NULL;
	} while (pp_accept(p, ','));
	q->rows = rows.v;
	q->nrows = rows.n;
	return q;
}

/* TABLE name: SELECT * FROM name */
static struct alx_sql_select *table_select(struct parser *p)
{
	uint32_t ti = p->pos;
	struct alx_sql_select *q = new_select(p, ALX_SQL_SELECT_SIMPLE, ti);
	struct alx_sql_target *t = pp_alloc(p, sizeof(*t));
	struct alx_sql_from **fl = pp_alloc(p, sizeof(*fl));
	if (q == NULL || t == NULL || fl == NULL)
		return NULL;
	pp_advance(p); /* TABLE */
	int32_t loc = loc_of(p, p->pos);
	bool only = pp_accept_kw(p, ALX_KW_ONLY);
	fl[0] = new_from(p, ALX_SQL_FROM_TABLE, loc);
	t->expr = pp_new_expr(p, ALX_SQL_E_COLUMN, loc_of(p, ti));
	if (fl[0] == NULL || t->expr == NULL || !pp_any_name(p, &fl[0]->name))
		return NULL;
	fl[0]->only = only;
	if (pp_kind(p) == '*')
		pp_advance(p);
	t->loc = loc_of(p, ti);
	t->expr->u.column.star = true;
	q->targets = t;
	q->ntargets = 1;
	q->from = fl;
	q->nfrom = 1;
	return q;
}

static struct alx_sql_select *select_primary(struct parser *p)
{
	switch (pp_kw(p)) {
	case ALX_KW_SELECT:
		return simple_select(p);
	case ALX_KW_VALUES:
		return values_select(p);
	case ALX_KW_TABLE:
		return table_select(p);
	default:
		break;
	}
	if (pp_kind(p) == '(')
		return pp_select_parens(p);
	return perr_syntax(p);
}

static int setop_prec(const struct parser *p, int *op)
{
	switch (pp_kw(p)) {
	case ALX_KW_UNION:
		*op = ALX_SQL_UNION;
		return 1;
	case ALX_KW_EXCEPT:
		*op = ALX_SQL_EXCEPT;
		return 1;
	case ALX_KW_INTERSECT:
		*op = ALX_SQL_INTERSECT;
		return 2;
	default:
		return 0;
	}
}

static struct alx_sql_select *setop_expr(struct parser *p, int minprec)
{
	if (!pp_enter(p))
		return NULL;
	uint32_t ti = p->pos;
	struct alx_sql_select *left = select_primary(p);
	uint32_t chain = 0;
	int op;
	int prec;
	while (left != NULL && (prec = setop_prec(p, &op)) != 0 &&
	       prec >= minprec) {
		pp_advance(p);
		bool all = false;
		if (pp_accept_kw(p, ALX_KW_ALL))
			all = true;
		else
			pp_accept_kw(p, ALX_KW_DISTINCT);
		struct alx_sql_select *right = setop_expr(p, prec + 1);
		if (right == NULL) {
			left = NULL;
			break;
		}
		struct alx_sql_select *s =
			new_select(p, ALX_SQL_SELECT_SETOP, ti);
		if (s == NULL) {
			left = NULL;
			break;
		}
		s->setop = (uint8_t)op;
		s->all = all;
		s->larg = left;
		s->rarg = right;
		left = s;
		if (++chain + p->depth > p->max_depth) {
			left = perr_at(p, p->pos, true, "54001",
				       "The statement nests expressions, "
				       "operators or subqueries too deeply; "
				       "simplify it.",
				       "stack depth limit exceeded");
		}
	}
	pp_leave(p);
	return left;
}

/* LIMIT / OFFSET / FETCH FIRST, in either order, each at most once */
static bool limit_clauses(struct parser *p, struct alx_sql_select *q, bool *any)
{
	bool have_limit = false, have_offset = false;
	for (;;) {
		uint32_t ti = p->pos;
		int kw = pp_kw(p);
		if (kw == ALX_KW_LIMIT && !have_limit) {
			pp_advance(p);
			have_limit = true;
			if (pp_accept_kw(p, ALX_KW_ALL)) {
				q->limit_all = true;
			} else {
				q->limit = pp_expr(p);
				if (q->limit == NULL)
					return false;
			}
			if (pp_kind(p) == ',')
				return perr_at(p, ti, true, "42601",
					       "Use separate LIMIT and OFFSET "
					       "clauses.",
					       "LIMIT #,# syntax is not "
					       "supported") != NULL;
		} else if (kw == ALX_KW_FETCH && !have_limit) {
			pp_advance(p);
			have_limit = true;
			if (!pp_accept_kw(p, ALX_KW_FIRST) &&
			    !pp_expect_kw(p, ALX_KW_NEXT))
				return false;
			int32_t loc = loc_of(p, p->pos);
			if (pp_kw(p) == ALX_KW_ROW || pp_kw(p) == ALX_KW_ROWS) {
				q->limit = pp_new_expr(p, ALX_SQL_E_CONST, loc);
				if (q->limit == NULL)
					return false;
				q->limit->u.cnst.kind = ALX_SQL_C_INT;
				q->limit->u.cnst.ival = 1;
				q->limit->u.cnst.str.ptr = "1";
				q->limit->u.cnst.str.len = 1;
			} else {
				/* c_expr, or a signed number */
				if (pp_kind(p) == '+' || pp_kind(p) == '-')
					q->limit = pp_expr(p);
				else
					q->limit = pp_primary(p);
				if (q->limit == NULL)
					return false;
			}
			if (!pp_accept_kw(p, ALX_KW_ROW) &&
			    !pp_expect_kw(p, ALX_KW_ROWS))
				return false;
			if (pp_kw(p) == ALX_KW_WITH)
				return perr_unsupported(
					       p, p->pos,
					       "FETCH ... WITH TIES") != NULL;
			if (!pp_expect_kw(p, ALX_KW_ONLY))
				return false;
		} else if (kw == ALX_KW_OFFSET && !have_offset) {
			pp_advance(p);
			have_offset = true;
			q->offset = pp_expr(p);
			if (q->offset == NULL)
				return false;
			if (!pp_accept_kw(p, ALX_KW_ROW))
				pp_accept_kw(p, ALX_KW_ROWS);
		} else {
			break;
		}
		*any = true;
	}
	return true;
}

/* Copies q before adding clauses: a memoised node may be shared. */
static struct alx_sql_select *own(struct parser *p, struct alx_sql_select *q)
{
	struct alx_sql_select *c = pp_alloc(p, sizeof(*c));
	if (c != NULL)
		*c = *q;
	return c;
}

static struct alx_sql_select *query_tail(struct parser *p,
					 struct alx_sql_select *q,
					 struct alx_sql_with *with)
{
	struct alx_sql_sortby *order = NULL;
	uint32_t norder = 0, order_ti = 0;
	if (pp_kw(p) == ALX_KW_ORDER) {
		order_ti = p->pos;
		pp_advance(p);
		if (!pp_expect_kw(p, ALX_KW_BY) ||
		    !pp_sort_list(p, &order, &norder))
			return NULL;
	}
	struct alx_sql_select lim = {0};
	bool any_limit = false;
	uint32_t limit_ti = p->pos;
	if (!limit_clauses(p, &lim, &any_limit))
		return NULL;
	if (pp_kw(p) == ALX_KW_FOR)
		return perr_at(p, p->pos, true, "0A000",
			       "UPDATE and DELETE lock the rows they change; "
			       "explicit row locks are not implemented yet.",
			       "SELECT ... FOR UPDATE/SHARE is not supported");
	if (norder == 0 && !any_limit && with == NULL)
		return q;
	q = own(p, q);
	if (q == NULL)
		return NULL;
	if (norder > 0) {
		if (q->norder > 0)
			return perr_at(p, order_ti, true, "42601", NULL,
				       "multiple ORDER BY clauses not "
				       "allowed");
		q->order_by = order;
		q->norder = norder;
	}
	if (any_limit) {
		if ((lim.offset != NULL && q->offset != NULL))
			return perr_at(p, limit_ti, true, "42601", NULL,
				       "multiple OFFSET clauses not allowed");
		if ((lim.limit != NULL || lim.limit_all) &&
		    (q->limit != NULL || q->limit_all))
			return perr_at(p, limit_ti, true, "42601", NULL,
				       "multiple LIMIT clauses not allowed");
		if (lim.offset != NULL)
			q->offset = lim.offset;
		if (lim.limit != NULL || lim.limit_all) {
			q->limit = lim.limit;
			q->limit_all = lim.limit_all;
		}
	}
	if (with != NULL) {
		if (q->with != NULL)
			return perr_at(p, p->pos, true, "42601", NULL,
				       "multiple WITH clauses not allowed");
		q->with = with;
	}
	return q;
}

struct alx_sql_select *pp_select_after_with(struct parser *p,
					    struct alx_sql_with *with)
{
	struct alx_sql_select *q = setop_expr(p, 1);
	return q ? query_tail(p, q, with) : NULL;
}

struct alx_sql_select *pp_select(struct parser *p)
{
	struct alx_sql_with *with = NULL;
	if (pp_kw(p) == ALX_KW_WITH) {
		with = pp_with(p);
		if (with == NULL)
			return NULL;
	}
	return pp_select_after_with(p, with);
}

/* ---- WITH -------------------------------------------------------------- */

struct alx_sql_with *pp_with(struct parser *p)
{
	struct alx_sql_with *w = pp_alloc(p, sizeof(*w));
	if (w == NULL)
		return NULL;
	w->loc = loc_of(p, p->pos);
	pp_advance(p); /* WITH */
	w->recursive = pp_accept_kw(p, ALX_KW_RECURSIVE);
	struct pvec v = {0};
	do {
		struct alx_sql_cte c = {0};
		c.loc = loc_of(p, p->pos);
		if (!pp_colid(p, &c.name))
			return NULL;
		if (pp_kind(p) == '(' &&
		    !pp_name_list_paren(p, &c.cols, &c.ncols))
			return NULL;
		if (!pp_expect_kw(p, ALX_KW_AS))
			return NULL;
		if (pp_accept_kw(p, ALX_KW_MATERIALIZED)) {
			c.materialized = ALX_SQL_CTE_MATERIALIZED;
		} else if (pp_kw(p) == ALX_KW_NOT) {
			pp_advance(p);
			if (!pp_expect_kw(p, ALX_KW_MATERIALIZED))
				return NULL;
			c.materialized = ALX_SQL_CTE_NOT_MATERIALIZED;
		}
		if (!pp_expect(p, '(') || !pp_enter(p))
			return NULL;
		c.stmt = pp_preparable(p);
		pp_leave(p);
		if (c.stmt == NULL || !pp_expect(p, ')'))
			return NULL;
		c.stmt->end = p->toks[p->pos - 2].end;
		if (pp_kw(p) == ALX_KW_SEARCH || pp_kw(p) == ALX_KW_CYCLE)
			return perr_unsupported(p, p->pos,
						"WITH ... SEARCH/CYCLE");
		if (!pvec_push(p, &v, &c, sizeof(c)))
			return NULL;
	} while (pp_accept(p, ','));
	w->ctes = v.v;
	w->nctes = v.n;
	return w;
}
