/*
 * Primary expressions (PostgreSQL's c_expr and AexprConst): constants,
 * column references, parameters, function calls and the SQL special call
 * syntaxes, CASE, CAST, ARRAY, ROW, subqueries, Alopex's bare vector
 * literal; and type names (Typename) with their canonical spellings.
 */
#include "sql/sql_parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int32_t loc_of(const struct parser *p, uint32_t ti)
{
	return (int32_t)p->toks[ti].start;
}

/* ---- type names -------------------------------------------------------- */

static struct alx_sql_typename *new_type(struct parser *p, int32_t loc,
					 const char *canon)
{
	struct alx_sql_typename *t = pp_alloc(p, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->loc = loc;
	if (canon != NULL) {
		struct alx_sql_str *n = pp_alloc(p, sizeof(*n));
		if (n == NULL)
			return NULL;
		n->ptr = canon;
		n->len = (uint32_t)strlen(canon);
		t->names.v = n;
		t->names.n = 1;
	}
	return t;
}

/* '(' Iconst [',' Iconst] ')' when present. */
/*
 * '(' Iconst [',' Iconst] ')' when present. max 1: the SQL-standard types
 * whose grammar takes one (a ',' is a syntax error there, as in
 * PostgreSQL); max 2: NUMERIC and generic types, which PostgreSQL's
 * grammar lets take any number and its type input functions then refuse.
 */
static bool type_mods(struct parser *p, struct alx_sql_typename *t,
		      unsigned max)
{
	if (pp_kind(p) != '(')
		return true;
	pp_advance(p);
	for (;;) {
		int32_t v;
		if (!pp_signed_int(p, &v))
			return false;
		if (t->nmods == 2) {
			const char *n = t->names.n
						? t->names.v[t->names.n - 1].ptr
						: "?";
			if (strcmp(n, "numeric") == 0)
				return perr_at(p, pp_token_at(p, t->loc), true,
					       "22023", NULL,
					       "invalid NUMERIC type "
					       "modifier") != NULL;
			return perr_at(p, pp_token_at(p, t->loc), true, "22023",
				       NULL,
				       "type \"%s\" takes at most two type "
				       "modifiers",
				       n) != NULL;
		}
		t->mods[t->nmods++] = v;
		if (t->nmods >= max && max < 2)
			break;
		if (!pp_accept(p, ','))
			break;
	}
	return pp_expect(p, ')');
}

static int iv_field(int kw)
{
	switch (kw) {
	case ALX_KW_YEAR:
		return ALX_SQL_IV_YEAR;
	case ALX_KW_MONTH:
		return ALX_SQL_IV_MONTH;
	case ALX_KW_DAY:
		return ALX_SQL_IV_DAY;
	case ALX_KW_HOUR:
		return ALX_SQL_IV_HOUR;
	case ALX_KW_MINUTE:
		return ALX_SQL_IV_MINUTE;
	case ALX_KW_SECOND:
		return ALX_SQL_IV_SECOND;
	default:
		return 0;
	}
}

/* opt_interval: YEAR | DAY TO SECOND(3) | ... */
static bool interval_fields(struct parser *p, struct alx_sql_typename *t)
{
	int f = iv_field(pp_kw(p));
	if (f == 0)
		return true;
	pp_advance(p);
	int mask = f;
	if (f == ALX_SQL_IV_SECOND && !type_mods(p, t, 1))
		return false;
	if (f != ALX_SQL_IV_SECOND && f != ALX_SQL_IV_MONTH &&
	    pp_accept_kw(p, ALX_KW_TO)) {
		int g = iv_field(pp_kw(p));
		/* YEAR TO MONTH; DAY/HOUR/MINUTE TO a later field */
		bool ok = g > f &&
			  (f != ALX_SQL_IV_YEAR || g == ALX_SQL_IV_MONTH) &&
			  f != ALX_SQL_IV_MONTH;
		if (!ok) {
			perr_syntax(p);
			return false;
		}
		pp_advance(p);
		for (int b = f; b <= g; b <<= 1)
			mask |= b;
		if (g == ALX_SQL_IV_SECOND && !type_mods(p, t, 1))
			return false;
	}
	t->interval_fields = (uint16_t)mask;
	return true;
}

/* [WITH TIME ZONE | WITHOUT TIME ZONE]: true for WITH. */
static bool opt_timezone(struct parser *p, bool *with)
{
	*with = false;
	if (pp_kw(p) == ALX_KW_WITH && pp_peek_kw(p, 1) == ALX_KW_TIME) {
		pp_advance(p);
		pp_advance(p);
		*with = true;
		return pp_expect_kw(p, ALX_KW_ZONE);
	}
	if (pp_accept_kw(p, ALX_KW_WITHOUT))
		return pp_expect_kw(p, ALX_KW_TIME) &&
		       pp_expect_kw(p, ALX_KW_ZONE);
	return true;
}

/*
 * The SQL-standard type spellings (keywords), or NULL with no error when
 * the current token does not start one. literal: in a typed literal
 * (CHAR 'x' has no implied length).
 */
static struct alx_sql_typename *keyword_type(struct parser *p, bool literal,
					     bool *matched)
{
	int32_t loc = loc_of(p, p->pos);
	int kw = pp_kw(p);
	struct alx_sql_typename *t = NULL;
	*matched = true;
	switch (kw) {
	case ALX_KW_INT:
	case ALX_KW_INTEGER:
		pp_advance(p);
		return new_type(p, loc, "int4");
	case ALX_KW_SMALLINT:
		pp_advance(p);
		return new_type(p, loc, "int2");
	case ALX_KW_BIGINT:
		pp_advance(p);
		return new_type(p, loc, "int8");
	case ALX_KW_REAL:
		pp_advance(p);
		return new_type(p, loc, "float4");
	case ALX_KW_BOOLEAN:
		pp_advance(p);
		return new_type(p, loc, "bool");
	case ALX_KW_DOUBLE:
		if (pp_peek_kw(p, 1) != ALX_KW_PRECISION)
			break;
		pp_advance(p);
		pp_advance(p);
		return new_type(p, loc, "float8");
	case ALX_KW_FLOAT: {
		pp_advance(p);
		if (pp_kind(p) != '(')
			return new_type(p, loc, "float8");
		pp_advance(p);
		uint32_t ti = p->pos;
		int32_t prec;
		if (!pp_signed_int(p, &prec) || !pp_expect(p, ')'))
			return NULL;
		if (prec < 1)
			return perr_at(p, ti, true, "22023", NULL,
				       "precision for type float must be at "
				       "least 1 bit");
		if (prec > 53)
			return perr_at(p, ti, true, "22023", NULL,
				       "precision for type float must be less "
				       "than 54 bits");
		return new_type(p, loc, prec <= 24 ? "float4" : "float8");
	}
	case ALX_KW_DECIMAL:
	case ALX_KW_DEC:
	case ALX_KW_NUMERIC:
		pp_advance(p);
		t = new_type(p, loc, "numeric");
		return t && type_mods(p, t, 2) ? t : NULL;
	case ALX_KW_BIT: {
		pp_advance(p);
		bool varying = pp_accept_kw(p, ALX_KW_VARYING);
		t = new_type(p, loc, varying ? "varbit" : "bit");
		if (t == NULL || !type_mods(p, t, 1))
			return NULL;
		if (!varying && !literal && t->nmods == 0)
			t->mods[t->nmods++] = 1;
		return t;
	}
	case ALX_KW_NATIONAL:
	case ALX_KW_CHARACTER:
	case ALX_KW_CHAR:
	case ALX_KW_NCHAR:
	case ALX_KW_VARCHAR: {
		if (kw == ALX_KW_NATIONAL) {
			int n = pp_peek_kw(p, 1);
			if (n != ALX_KW_CHARACTER && n != ALX_KW_CHAR)
				break;
			pp_advance(p);
		}
		pp_advance(p);
		bool varying =
			kw == ALX_KW_VARCHAR || pp_accept_kw(p, ALX_KW_VARYING);
		t = new_type(p, loc, varying ? "varchar" : "bpchar");
		if (t == NULL || !type_mods(p, t, 1))
			return NULL;
		if (!varying && !literal && t->nmods == 0)
			t->mods[t->nmods++] = 1;
		return t;
	}
	case ALX_KW_TIMESTAMP:
	case ALX_KW_TIME: {
		pp_advance(p);
		t = new_type(p, loc, NULL);
		bool with;
		if (t == NULL || !type_mods(p, t, 1) || !opt_timezone(p, &with))
			return NULL;
		const char *n = kw == ALX_KW_TIME
					? (with ? "timetz" : "time")
					: (with ? "timestamptz" : "timestamp");
		struct alx_sql_typename *c = new_type(p, loc, n);
		if (c == NULL)
			return NULL;
		c->nmods = t->nmods;
		c->mods[0] = t->mods[0];
		return c;
	}
	case ALX_KW_INTERVAL:
		pp_advance(p);
		t = new_type(p, loc, "interval");
		if (t == NULL)
			return NULL;
		if (pp_kind(p) == '(')
			return type_mods(p, t, 1) ? t : NULL;
		if (!literal && !interval_fields(p, t))
			return NULL;
		return t;
	default:
		break;
	}
	*matched = false;
	return NULL;
}

/* GenericType: type_function_name [. attr ...] [(mods)] */
static struct alx_sql_typename *generic_type(struct parser *p)
{
	int32_t loc = loc_of(p, p->pos);
	if (!pp_is_type_func_name(pp_cur(p)))
		return perr_syntax(p);
	struct alx_sql_typename *t = new_type(p, loc, NULL);
	struct pvec v = {0};
	struct alx_sql_str s;
	if (t == NULL || !pp_name(p, &s) || !pvec_push(p, &v, &s, sizeof(s)))
		return NULL;
	while (pp_kind(p) == '.') {
		pp_advance(p);
		if (!pp_collabel(p, &s) || !pvec_push(p, &v, &s, sizeof(s)))
			return NULL;
	}
	t->names.v = v.v;
	t->names.n = v.n;
	return type_mods(p, t, 2) ? t : NULL;
}

static bool array_bounds(struct parser *p, struct alx_sql_typename *t)
{
	if (pp_accept_kw(p, ALX_KW_ARRAY)) {
		if (pp_accept(p, '[')) {
			if (pp_kind(p) != ALX_TOK_ICONST)
				return perr_syntax(p) != NULL;
			pp_advance(p);
			if (!pp_expect(p, ']'))
				return false;
		}
		t->array_dims = 1;
		return true;
	}
	while (pp_kind(p) == '[') {
		pp_advance(p);
		if (pp_kind(p) == ALX_TOK_ICONST)
			pp_advance(p);
		if (!pp_expect(p, ']'))
			return false;
		if (t->array_dims == UINT8_MAX)
			return perr_syntax(p) != NULL;
		t->array_dims++;
	}
	return true;
}

struct alx_sql_typename *pp_typename(struct parser *p)
{
	bool matched;
	if (pp_kw(p) == ALX_KW_SETOF)
		return perr_unsupported(p, p->pos, "SETOF");
	struct alx_sql_typename *t = keyword_type(p, false, &matched);
	if (!matched)
		t = generic_type(p);
	if (t == NULL || !array_bounds(p, t))
		return NULL;
	return t;
}

/* ---- constants --------------------------------------------------------- */

static struct alx_sql_expr *const_expr(struct parser *p, int kind)
{
	struct alx_sql_expr *e =
		pp_new_expr(p, ALX_SQL_E_CONST, loc_of(p, p->pos));
	if (e != NULL)
		e->u.cnst.kind = (uint8_t)kind;
	return e;
}

static struct alx_sql_expr *number(struct parser *p)
{
	const struct alx_sql_token *t = pp_cur(p);
	struct alx_sql_expr *e = const_expr(p, ALX_SQL_C_NUMERIC);
	if (e == NULL || !pp_token_text(p, t, &e->u.cnst.str))
		return NULL;
	if (t->kind == ALX_TOK_ICONST) {
		errno = 0;
		char *end;
		long long v = strtoll(e->u.cnst.str.ptr, &end, 10);
		if (errno == 0 && *end == '\0') {
			e->u.cnst.kind = ALX_SQL_C_INT;
			e->u.cnst.ival = v;
		}
	}
	pp_advance(p);
	return e;
}

static struct alx_sql_expr *string_const(struct parser *p)
{
	const struct alx_sql_token *t = pp_cur(p);
	int kind = t->kind == ALX_TOK_BCONST   ? ALX_SQL_C_BITS
		   : t->kind == ALX_TOK_XCONST ? ALX_SQL_C_HEXBITS
					       : ALX_SQL_C_STRING;
	struct alx_sql_expr *e = const_expr(p, kind);
	if (e == NULL)
		return NULL;
	return pp_decode_string(p, &e->u.cnst.str) ? e : NULL;
}

/* type 'literal' */
static struct alx_sql_expr *typed_literal(struct parser *p,
					  struct alx_sql_typename *t,
					  int32_t loc)
{
	struct alx_sql_expr *lit = string_const(p);
	if (lit == NULL)
		return NULL;
	if (t->names.n == 1 && strcmp(t->names.v[0].ptr, "interval") == 0 &&
	    t->nmods == 0 && !interval_fields(p, t))
		return NULL;
	struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_CAST, loc);
	if (e == NULL)
		return NULL;
	e->u.cast.arg = lit;
	e->u.cast.type = t;
	e->u.cast.form = ALX_SQL_CAST_PREFIX;
	return pp_finish(p, e);
}

/* ---- helpers ----------------------------------------------------------- */

bool pp_looks_like_query(const struct parser *p)
{
	uint32_t i = p->pos, limit = p->max_depth + 2;
	if (p->toks[i].kind != '(')
		return false;
	while (i < p->ntoks && p->toks[i].kind == '(' && limit-- > 0)
		i++;
	if (i >= p->ntoks || p->toks[i].kind != ALX_TOK_IDENT)
		return false;
	int kw = p->toks[i].kw;
	return kw == ALX_KW_SELECT || kw == ALX_KW_VALUES ||
	       kw == ALX_KW_WITH || kw == ALX_KW_TABLE;
}

static struct alx_sql_expr *sublink(struct parser *p, int kind, int32_t loc,
				    struct alx_sql_select *q)
{
	struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_SUBLINK, loc);
	if (e == NULL)
		return NULL;
	e->u.sublink.kind = (uint8_t)kind;
	e->u.sublink.query = q;
	return pp_finish(p, e);
}

/* [expr], [lo:hi] after a column, parameter or parenthesised expression */
static struct alx_sql_expr *subscripts(struct parser *p,
				       struct alx_sql_expr *base)
{
	while (base != NULL && pp_kind(p) == '[') {
		int32_t loc = loc_of(p, p->pos);
		pp_advance(p);
		struct alx_sql_expr *e =
			pp_new_expr(p, ALX_SQL_E_SUBSCRIPT, loc);
		if (e == NULL)
			return NULL;
		e->u.subscript.base = base;
		if (pp_kind(p) != ':') {
			e->u.subscript.lo = pp_expr(p);
			if (e->u.subscript.lo == NULL)
				return NULL;
		}
		if (pp_accept(p, ':')) {
			e->u.subscript.slice = true;
			if (pp_kind(p) != ']') {
				e->u.subscript.hi = pp_expr(p);
				if (e->u.subscript.hi == NULL)
					return NULL;
			}
		} else if (e->u.subscript.lo == NULL) {
			return perr_syntax(p);
		}
		if (!pp_expect(p, ']'))
			return NULL;
		base = pp_finish(p, e);
	}
	return base;
}

static struct alx_sql_expr *list_expr(struct parser *p, int kind, int32_t loc,
				      struct alx_sql_exprs l)
{
	struct alx_sql_expr *e = pp_new_expr(p, kind, loc);
	if (e == NULL)
		return NULL;
	e->u.list = l;
	return pp_finish(p, e);
}

/* '(' expr_list ')' for COALESCE, GREATEST, LEAST, NULLIF, ROW */
static struct alx_sql_expr *paren_list(struct parser *p, int kind, int32_t loc,
				       bool allow_empty)
{
	struct alx_sql_exprs l = {0};
	if (!pp_expect(p, '('))
		return NULL;
	if (!(allow_empty && pp_kind(p) == ')') && !pp_expr_list(p, &l))
		return NULL;
	if (!pp_expect(p, ')'))
		return NULL;
	return list_expr(p, kind, loc, l);
}

/* ---- parentheses ------------------------------------------------------- */

static struct alx_sql_expr *paren_expr(struct parser *p)
{
	int32_t loc = loc_of(p, p->pos);
	uint32_t save = p->pos;
	struct pp_mark m = {0};
	if (pp_looks_like_query(p)) {
		struct alx_sql_select *q = pp_select_parens(p);
		if (q != NULL) {
			struct alx_sql_expr *e =
				sublink(p, ALX_SQL_SUB_EXPR, loc, q);
			return subscripts(p, e);
		}
		if (!pp_backtrack(p, save, &m))
			return NULL;
	}
	pp_advance(p);
	struct alx_sql_expr *e = pp_expr(p);
	if (e != NULL && pp_kind(p) == ',') {
		struct pvec v = {0};
		if (!pvec_push_ptr(p, &v, e))
			return NULL;
		while (e != NULL && pp_accept(p, ',')) {
			e = pp_expr(p);
			if (e != NULL && !pvec_push_ptr(p, &v, e))
				return NULL;
		}
		if (e != NULL) {
			struct alx_sql_exprs l = {v.v, v.n};
			e = list_expr(p, ALX_SQL_E_ROW, loc, l);
		}
		if (e != NULL && !pp_expect(p, ')'))
			e = NULL;
		if (e == NULL)
			pp_furthest(p, &m);
		return e;
	}
	if (e == NULL || !pp_expect(p, ')')) {
		pp_furthest(p, &m);
		return NULL;
	}
	return subscripts(p, e);
}

/* ---- function calls ---------------------------------------------------- */

struct alx_sql_expr *pp_func_call(struct parser *p, struct alx_sql_names name,
				  int32_t loc)
{
	struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_FUNC, loc);
	if (e == NULL || !pp_expect(p, '('))
		return NULL;
	e->u.func.name = name;
	if (pp_accept(p, '*')) {
		e->u.func.star = true;
	} else if (pp_kind(p) != ')') {
		struct pvec args = {0}, names = {0};
		bool any_named = false;
		if (pp_accept_kw(p, ALX_KW_DISTINCT))
			e->u.func.distinct = true;
		else
			pp_accept_kw(p, ALX_KW_ALL);
		do {
			struct alx_sql_str an = {0};
			if (e->u.func.variadic)
				return perr_syntax(p);
			if (pp_accept_kw(p, ALX_KW_VARIADIC))
				e->u.func.variadic = true;
			int nk = pp_peek(p, 1)->kind;
			if ((nk == ALX_TOK_COLON_EQUALS ||
			     nk == ALX_TOK_EQUALS_GREATER) &&
			    pp_is_type_func_name(pp_cur(p))) {
				if (!pp_name(p, &an))
					return NULL;
				pp_advance(p);
				any_named = true;
			}
			struct alx_sql_expr *a = pp_expr(p);
			if (a == NULL || !pvec_push_ptr(p, &args, a) ||
			    !pvec_push(p, &names, &an, sizeof(an)))
				return NULL;
		} while (pp_accept(p, ','));
		e->u.func.args.v = args.v;
		e->u.func.args.n = args.n;
		if (any_named)
			e->u.func.arg_names = names.v;
		if (pp_kw(p) == ALX_KW_ORDER && pp_peek_kw(p, 1) == ALX_KW_BY) {
			pp_advance(p);
			pp_advance(p);
			if (!pp_sort_list(p, &e->u.func.order_by,
					  &e->u.func.norder))
				return NULL;
		}
	}
	if (!pp_expect(p, ')'))
		return NULL;
	if (pp_kw(p) == ALX_KW_WITHIN && pp_peek_kw(p, 1) == ALX_KW_GROUP)
		return perr_unsupported(p, p->pos, "WITHIN GROUP");
	if (pp_kw(p) == ALX_KW_FILTER && pp_peek(p, 1)->kind == '(') {
		pp_advance(p);
		pp_advance(p);
		if (!pp_expect_kw(p, ALX_KW_WHERE))
			return NULL;
		e->u.func.filter = pp_expr(p);
		if (e->u.func.filter == NULL || !pp_expect(p, ')'))
			return NULL;
	}
	if (pp_kw(p) == ALX_KW_OVER)
		return perr_unsupported(p, p->pos, "OVER");
	return pp_finish(p, e);
}

static struct alx_sql_expr *str_const(struct parser *p, const char *s,
				      int32_t loc)
{
	struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_CONST, loc);
	if (e == NULL)
		return NULL;
	e->u.cnst.kind = ALX_SQL_C_STRING;
	e->u.cnst.str.ptr = s;
	e->u.cnst.str.len = (uint32_t)strlen(s);
	return e;
}

/* EXTRACT(field FROM x) */
static struct alx_sql_expr *extract_expr(struct parser *p, int32_t loc)
{
	pp_advance(p);
	if (!pp_expect(p, '('))
		return NULL;
	const struct alx_sql_token *t = pp_cur(p);
	struct alx_sql_expr *field;
	if (pp_is_sconst(t)) {
		field = string_const(p);
	} else if ((t->kind == ALX_TOK_IDENT &&
		    (t->kw == 0 || iv_field(t->kw))) ||
		   t->kind == ALX_TOK_QIDENT) {
		field = str_const(p, "", loc_of(p, p->pos));
		if (field != NULL && !pp_name(p, &field->u.cnst.str))
			return NULL;
	} else {
		return perr_syntax(p);
	}
	if (field == NULL || !pp_expect_kw(p, ALX_KW_FROM))
		return NULL;
	struct alx_sql_expr *x = pp_expr(p);
	if (x == NULL || !pp_expect(p, ')'))
		return NULL;
	struct alx_sql_expr *args[2] = {field, x};
	return pp_mk_func(p, "extract", loc, args, 2);
}

/* POSITION(a IN b) -> position(b, a) */
static struct alx_sql_expr *position_expr(struct parser *p, int32_t loc)
{
	pp_advance(p);
	if (!pp_expect(p, '('))
		return NULL;
	struct alx_sql_expr *a = pp_b_expr(p);
	if (a == NULL || !pp_expect_kw(p, ALX_KW_IN))
		return NULL;
	struct alx_sql_expr *b = pp_b_expr(p);
	if (b == NULL || !pp_expect(p, ')'))
		return NULL;
	struct alx_sql_expr *args[2] = {b, a};
	return pp_mk_func(p, "position", loc, args, 2);
}

static struct alx_sql_expr *one_const(struct parser *p, int32_t loc)
{
	struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_CONST, loc);
	if (e == NULL)
		return NULL;
	e->u.cnst.kind = ALX_SQL_C_INT;
	e->u.cnst.ival = 1;
	e->u.cnst.str.ptr = "1";
	e->u.cnst.str.len = 1;
	return e;
}

/* SUBSTRING(x FROM a FOR b) and the plain call form */
static struct alx_sql_expr *substring_expr(struct parser *p, int32_t loc,
					   struct alx_sql_names name)
{
	uint32_t save = p->pos;
	pp_advance(p);
	if (!pp_expect(p, '('))
		return NULL;
	if (pp_kind(p) == ')') {
		p->pos = save + 1;
		return pp_func_call(p, name, loc);
	}
	struct alx_sql_expr *x = pp_expr(p);
	if (x == NULL)
		return NULL;
	struct alx_sql_expr *from = NULL, *for_ = NULL;
	if (pp_kind(p) != ALX_TOK_IDENT ||
	    (pp_kw(p) != ALX_KW_FROM && pp_kw(p) != ALX_KW_FOR)) {
		/* substring(x, a, b): an ordinary call */
		p->pos = save + 1;
		return pp_func_call(p, name, loc);
	}
	for (int i = 0; i < 2; i++) {
		if (from == NULL && pp_accept_kw(p, ALX_KW_FROM)) {
			from = pp_expr(p);
			if (from == NULL)
				return NULL;
		} else if (for_ == NULL && pp_accept_kw(p, ALX_KW_FOR)) {
			for_ = pp_expr(p);
			if (for_ == NULL)
				return NULL;
		}
	}
	if (!pp_expect(p, ')'))
		return NULL;
	if (from == NULL) {
		from = one_const(p, loc);
		if (from == NULL)
			return NULL;
	}
	struct alx_sql_expr *args[3] = {x, from, for_};
	return pp_mk_func(p, "substring", loc, args, for_ ? 3 : 2);
}

/* TRIM([BOTH|LEADING|TRAILING] [chars] FROM x) */
static struct alx_sql_expr *trim_expr(struct parser *p, int32_t loc)
{
	pp_advance(p);
	if (!pp_expect(p, '('))
		return NULL;
	const char *fn = "btrim";
	if (pp_accept_kw(p, ALX_KW_LEADING))
		fn = "ltrim";
	else if (pp_accept_kw(p, ALX_KW_TRAILING))
		fn = "rtrim";
	else
		pp_accept_kw(p, ALX_KW_BOTH);
	struct alx_sql_expr *chars = NULL;
	struct alx_sql_exprs l;
	if (!pp_accept_kw(p, ALX_KW_FROM)) {
		chars = pp_expr(p);
		if (chars == NULL)
			return NULL;
		if (!pp_accept_kw(p, ALX_KW_FROM)) {
			/* TRIM(x [, ...]) */
			struct pvec v = {0};
			if (!pvec_push_ptr(p, &v, chars))
				return NULL;
			while (pp_accept(p, ',')) {
				struct alx_sql_expr *a = pp_expr(p);
				if (a == NULL || !pvec_push_ptr(p, &v, a))
					return NULL;
			}
			if (!pp_expect(p, ')'))
				return NULL;
			return pp_mk_func(p, fn, loc, v.v, v.n);
		}
	}
	if (!pp_expr_list(p, &l) || !pp_expect(p, ')'))
		return NULL;
	struct pvec v = {0};
	for (uint32_t i = 0; i < l.n; i++)
		if (!pvec_push_ptr(p, &v, l.v[i]))
			return NULL;
	if (chars != NULL && !pvec_push_ptr(p, &v, chars))
		return NULL;
	return pp_mk_func(p, fn, loc, v.v, v.n);
}

/* OVERLAY(x PLACING y FROM a [FOR b]) or overlay(args) */
static struct alx_sql_expr *overlay_expr(struct parser *p, int32_t loc,
					 struct alx_sql_names name)
{
	uint32_t save = p->pos;
	pp_advance(p);
	if (!pp_expect(p, '('))
		return NULL;
	struct alx_sql_expr *x = pp_expr(p);
	if (x == NULL)
		return NULL;
	if (!pp_accept_kw(p, ALX_KW_PLACING)) {
		p->pos = save + 1;
		return pp_func_call(p, name, loc);
	}
	struct alx_sql_expr *args[4] = {x, NULL, NULL, NULL};
	uint32_t n = 3;
	if ((args[1] = pp_expr(p)) == NULL || !pp_expect_kw(p, ALX_KW_FROM) ||
	    (args[2] = pp_expr(p)) == NULL)
		return NULL;
	if (pp_accept_kw(p, ALX_KW_FOR)) {
		if ((args[3] = pp_expr(p)) == NULL)
			return NULL;
		n = 4;
	}
	if (!pp_expect(p, ')'))
		return NULL;
	return pp_mk_func(p, "overlay", loc, args, n);
}

/* ---- CASE, CAST, ARRAY, vectors --------------------------------------- */

static struct alx_sql_expr *case_expr(struct parser *p, int32_t loc)
{
	pp_advance(p);
	struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_CASE, loc);
	if (e == NULL)
		return NULL;
	if (pp_kw(p) != ALX_KW_WHEN) {
		e->u.kase.arg = pp_expr(p);
		if (e->u.kase.arg == NULL)
			return NULL;
	}
	struct pvec v = {0};
	if (pp_kw(p) != ALX_KW_WHEN)
		return perr_syntax(p);
	while (pp_accept_kw(p, ALX_KW_WHEN)) {
		struct alx_sql_when w;
		w.cond = pp_expr(p);
		if (w.cond == NULL || !pp_expect_kw(p, ALX_KW_THEN))
			return NULL;
		w.result = pp_expr(p);
		if (w.result == NULL || !pvec_push(p, &v, &w, sizeof(w)))
			return NULL;
	}
	e->u.kase.whens = v.v;
	e->u.kase.nwhens = v.n;
	if (pp_accept_kw(p, ALX_KW_ELSE)) {
		e->u.kase.else_ = pp_expr(p);
		if (e->u.kase.else_ == NULL)
			return NULL;
	}
	if (!pp_expect_kw(p, ALX_KW_END))
		return NULL;
	return pp_finish(p, e);
}

static struct alx_sql_expr *cast_expr(struct parser *p, int32_t loc)
{
	pp_advance(p);
	if (!pp_expect(p, '('))
		return NULL;
	struct alx_sql_expr *x = pp_expr(p);
	if (x == NULL || !pp_expect_kw(p, ALX_KW_AS))
		return NULL;
	struct alx_sql_typename *t = pp_typename(p);
	if (t == NULL || !pp_expect(p, ')'))
		return NULL;
	struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_CAST, loc);
	if (e == NULL)
		return NULL;
	e->u.cast.arg = x;
	e->u.cast.type = t;
	e->u.cast.form = ALX_SQL_CAST_FUNC;
	return pp_finish(p, e);
}

/* '[' ... ']' after ARRAY: expressions, or nested bracketed arrays */
static struct alx_sql_expr *array_body(struct parser *p)
{
	int32_t loc = loc_of(p, p->pos);
	struct alx_sql_exprs l = {0};
	if (!pp_enter(p))
		return NULL;
	if (!pp_expect(p, '['))
		return NULL;
	if (pp_kind(p) == '[') {
		struct pvec v = {0};
		do {
			struct alx_sql_expr *sub = array_body(p);
			if (sub == NULL || !pvec_push_ptr(p, &v, sub))
				return NULL;
		} while (pp_accept(p, ','));
		l.v = v.v;
		l.n = v.n;
	} else if (pp_kind(p) != ']' && !pp_expr_list(p, &l)) {
		return NULL;
	}
	if (!pp_expect(p, ']'))
		return NULL;
	pp_leave(p);
	return list_expr(p, ALX_SQL_E_ARRAY, loc, l);
}

/* Alopex's bare vector literal: [1, 2.5, -3] */
static struct alx_sql_expr *vector_literal(struct parser *p)
{
	int32_t loc = loc_of(p, p->pos);
	pp_advance(p);
	size_t cap = 2;
	for (uint32_t i = p->pos; i < p->ntoks && p->toks[i].kind != ']'; i++)
		cap += p->toks[i].end - p->toks[i].start + 1;
	char *buf = pp_alloc(p, cap);
	if (buf == NULL)
		return NULL;
	size_t n = 0;
	uint32_t dims = 0;
	buf[n++] = '[';
	if (pp_kind(p) != ']') {
		do {
			if (dims > 0)
				buf[n++] = ',';
			if (pp_kind(p) == '-' || pp_kind(p) == '+') {
				if (pp_kind(p) == '-')
					buf[n++] = '-';
				pp_advance(p);
			}
			const struct alx_sql_token *t = pp_cur(p);
			if (t->kind != ALX_TOK_ICONST &&
			    t->kind != ALX_TOK_FCONST)
				return perr_syntax(p);
			memcpy(buf + n, p->sql + t->start, t->end - t->start);
			n += t->end - t->start;
			dims++;
			pp_advance(p);
		} while (pp_accept(p, ','));
	}
	if (!pp_expect(p, ']'))
		return NULL;
	buf[n++] = ']';
	buf[n] = '\0';
	struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_VECTOR, loc);
	if (e == NULL)
		return NULL;
	e->u.vector.text.ptr = buf;
	e->u.vector.text.len = (uint32_t)n;
	e->u.vector.dims = dims;
	return e;
}

static struct alx_sql_expr *sqlvalue(struct parser *p, int kind, bool prec)
{
	struct alx_sql_expr *e =
		pp_new_expr(p, ALX_SQL_E_SQLVALUE, loc_of(p, p->pos));
	if (e == NULL)
		return NULL;
	pp_advance(p);
	e->u.sqlvalue.kind = (uint8_t)kind;
	e->u.sqlvalue.typmod = -1;
	if (prec && pp_accept(p, '(')) {
		if (!pp_signed_int(p, &e->u.sqlvalue.typmod) ||
		    !pp_expect(p, ')'))
			return NULL;
	}
	return e;
}

/* ---- names: columns, calls, typed literals ----------------------------- */

static bool is_type_keyword(int kw)
{
	switch (kw) {
	case ALX_KW_INT:
	case ALX_KW_INTEGER:
	case ALX_KW_SMALLINT:
	case ALX_KW_BIGINT:
	case ALX_KW_REAL:
	case ALX_KW_FLOAT:
	case ALX_KW_DOUBLE:
	case ALX_KW_DECIMAL:
	case ALX_KW_DEC:
	case ALX_KW_NUMERIC:
	case ALX_KW_BOOLEAN:
	case ALX_KW_BIT:
	case ALX_KW_CHARACTER:
	case ALX_KW_CHAR:
	case ALX_KW_VARCHAR:
	case ALX_KW_NATIONAL:
	case ALX_KW_NCHAR:
	case ALX_KW_TIMESTAMP:
	case ALX_KW_TIME:
	case ALX_KW_INTERVAL:
		return true;
	default:
		return false;
	}
}

/* INT '1', TIMESTAMP(3) WITH TIME ZONE '...', INTERVAL '1' DAY */
static struct alx_sql_expr *keyword_literal(struct parser *p, bool *matched)
{
	uint32_t save = p->pos;
	int32_t loc = loc_of(p, p->pos);
	bool kt;
	*matched = false;
	struct alx_sql_typename *t = keyword_type(p, true, &kt);
	if (t != NULL && pp_is_sconst(pp_cur(p))) {
		*matched = true;
		return typed_literal(p, t, loc);
	}
	if (p->err.fatal)
		return NULL;
	memset(&p->err, 0, sizeof(p->err));
	p->pos = save;
	*matched = false;
	return NULL;
}

static struct alx_sql_expr *name_expr(struct parser *p)
{
	uint32_t ti = p->pos;
	int32_t loc = loc_of(p, ti);
	const struct alx_sql_token *first = pp_cur(p);
	bool colid = pp_is_colid(first);
	bool funcname = pp_is_type_func_name(first);
	if (!colid && !funcname)
		return perr_syntax(p);
	struct pvec v = {0};
	struct alx_sql_str s;
	bool star = false;
	if (!pp_name(p, &s) || !pvec_push(p, &v, &s, sizeof(s)))
		return NULL;
	while (pp_kind(p) == '.') {
		pp_advance(p);
		if (pp_accept(p, '*')) {
			star = true;
			break;
		}
		if (!pp_collabel(p, &s) || !pvec_push(p, &v, &s, sizeof(s)))
			return NULL;
	}
	struct alx_sql_names names = {v.v, v.n};
	if (!star && pp_kind(p) == '(') {
		/* func_name: type_function_name, or ColId with attributes */
		if (v.n == 1 && !funcname)
			return perr_syntax(p);
		return pp_func_call(p, names, loc);
	}
	if (!star && pp_is_sconst(pp_cur(p)) && (v.n > 1 || funcname)) {
		/* func_name Sconst: DATE '2024-01-01', uuid '...' */
		struct alx_sql_typename *t = pp_alloc(p, sizeof(*t));
		if (t == NULL)
			return NULL;
		t->loc = loc;
		t->names = names;
		return typed_literal(p, t, loc);
	}
	if (!colid && v.n == 1)
		return perr_at(p, ti, false, "42601", NULL,
			       "syntax error at or near \"%.*s\"",
			       (int)(first->end - first->start),
			       p->sql + first->start);
	struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_COLUMN, loc);
	if (e == NULL)
		return NULL;
	e->u.column.names = names;
	e->u.column.star = star;
	if (star)
		return e;
	return subscripts(p, e);
}

struct alx_sql_expr *pp_primary(struct parser *p)
{
	const struct alx_sql_token *t = pp_cur(p);
	int32_t loc = loc_of(p, p->pos);
	switch (t->kind) {
	case ALX_TOK_ICONST:
	case ALX_TOK_FCONST:
		return number(p);
	case ALX_TOK_SCONST:
	case ALX_TOK_ESCONST:
	case ALX_TOK_DCONST:
	case ALX_TOK_BCONST:
	case ALX_TOK_XCONST:
		return string_const(p);
	case ALX_TOK_PARAM: {
		struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_PARAM, loc);
		if (e == NULL)
			return NULL;
		uint32_t v = 0;
		for (uint32_t i = t->start + 1; i < t->end; i++)
			v = v * 10 + (uint32_t)(p->sql[i] - '0');
		e->u.param.number = v;
		pp_advance(p);
		return subscripts(p, e);
	}
	case '(':
		return paren_expr(p);
	case '[':
		return vector_literal(p);
	case ALX_TOK_QIDENT:
		return name_expr(p);
	case ALX_TOK_IDENT:
		break;
	default:
		return perr_syntax(p);
	}
	int kw = t->kw;
	bool call = pp_peek(p, 1)->kind == '(';
	struct alx_sql_names fname = {0};
	struct alx_sql_str *fn = NULL;
	switch (kw) {
	case ALX_KW_NULL: {
		struct alx_sql_expr *e = const_expr(p, ALX_SQL_C_NULL);
		pp_advance(p);
		return e;
	}
	case ALX_KW_TRUE:
	case ALX_KW_FALSE: {
		struct alx_sql_expr *e = const_expr(p, ALX_SQL_C_BOOL);
		if (e != NULL)
			e->u.cnst.ival = kw == ALX_KW_TRUE;
		pp_advance(p);
		return e;
	}
	case ALX_KW_CASE:
		return case_expr(p, loc);
	case ALX_KW_CAST:
		return cast_expr(p, loc);
	case ALX_KW_EXISTS: {
		if (!call)
			break;
		pp_advance(p);
		struct alx_sql_select *q = pp_select_parens(p);
		return q ? sublink(p, ALX_SQL_SUB_EXISTS, loc, q) : NULL;
	}
	case ALX_KW_ARRAY: {
		pp_advance(p);
		if (pp_kind(p) == '(') {
			struct alx_sql_select *q = pp_select_parens(p);
			return q ? sublink(p, ALX_SQL_SUB_ARRAY, loc, q) : NULL;
		}
		struct alx_sql_expr *e = array_body(p);
		if (e != NULL)
			e->loc = loc;
		return e;
	}
	case ALX_KW_ROW:
		if (!call)
			break;
		pp_advance(p);
		return paren_list(p, ALX_SQL_E_ROW, loc, true);
	case ALX_KW_COALESCE:
	case ALX_KW_GREATEST:
	case ALX_KW_LEAST:
	case ALX_KW_NULLIF: {
		if (!call)
			break;
		pp_advance(p);
		int kind = kw == ALX_KW_COALESCE   ? ALX_SQL_E_COALESCE
			   : kw == ALX_KW_GREATEST ? ALX_SQL_E_GREATEST
			   : kw == ALX_KW_LEAST	   ? ALX_SQL_E_LEAST
						   : ALX_SQL_E_NULLIF;
		if (kind != ALX_SQL_E_NULLIF)
			return paren_list(p, kind, loc, false);
		struct alx_sql_expr *args[2];
		if (!pp_expect(p, '(') || (args[0] = pp_expr(p)) == NULL ||
		    !pp_expect(p, ',') || (args[1] = pp_expr(p)) == NULL ||
		    !pp_expect(p, ')'))
			return NULL;
		struct alx_sql_expr **v = pp_alloc(p, sizeof(args));
		if (v == NULL)
			return NULL;
		memcpy(v, args, sizeof(args));
		struct alx_sql_exprs l = {v, 2};
		return list_expr(p, kind, loc, l);
	}
	case ALX_KW_EXTRACT:
		if (!call)
			break;
		return extract_expr(p, loc);
	case ALX_KW_POSITION:
		if (!call)
			break;
		return position_expr(p, loc);
	case ALX_KW_TRIM:
		if (!call)
			break;
		return trim_expr(p, loc);
	case ALX_KW_SUBSTRING:
	case ALX_KW_OVERLAY:
		if (!call)
			break;
		fn = pp_alloc(p, sizeof(*fn));
		if (fn == NULL)
			return NULL;
		fn->ptr = kw == ALX_KW_SUBSTRING ? "substring" : "overlay";
		fn->len = (uint32_t)strlen(fn->ptr);
		fname.v = fn;
		fname.n = 1;
		return kw == ALX_KW_SUBSTRING ? substring_expr(p, loc, fname)
					      : overlay_expr(p, loc, fname);
	case ALX_KW_CURRENT_DATE:
		return sqlvalue(p, ALX_SQL_V_CURRENT_DATE, false);
	case ALX_KW_CURRENT_TIME:
		return sqlvalue(p, ALX_SQL_V_CURRENT_TIME, true);
	case ALX_KW_CURRENT_TIMESTAMP:
		return sqlvalue(p, ALX_SQL_V_CURRENT_TIMESTAMP, true);
	case ALX_KW_LOCALTIME:
		return sqlvalue(p, ALX_SQL_V_LOCALTIME, true);
	case ALX_KW_LOCALTIMESTAMP:
		return sqlvalue(p, ALX_SQL_V_LOCALTIMESTAMP, true);
	case ALX_KW_CURRENT_ROLE:
		return sqlvalue(p, ALX_SQL_V_CURRENT_ROLE, false);
	case ALX_KW_CURRENT_USER:
		return sqlvalue(p, ALX_SQL_V_CURRENT_USER, false);
	case ALX_KW_SESSION_USER:
		return sqlvalue(p, ALX_SQL_V_SESSION_USER, false);
	case ALX_KW_USER:
		return sqlvalue(p, ALX_SQL_V_USER, false);
	case ALX_KW_CURRENT_CATALOG:
		return sqlvalue(p, ALX_SQL_V_CURRENT_CATALOG, false);
	case ALX_KW_CURRENT_SCHEMA:
		if (call)
			break;
		return sqlvalue(p, ALX_SQL_V_CURRENT_SCHEMA, false);
	default:
		if (is_type_keyword(kw)) {
			bool matched;
			struct alx_sql_expr *e = keyword_literal(p, &matched);
			if (matched || p->err.failed)
				return e;
		}
		break;
	}
	return name_expr(p);
}
