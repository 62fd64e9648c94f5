/*
 * Expressions: precedence climbing over PostgreSQL 15's operator table
 * (gram.y), the special call syntaxes (CAST, EXTRACT, SUBSTRING, TRIM, ...),
 * typed literals, and type names.
 */
#include "sql/sql_parse.h"

#include <stdio.h>
#include <string.h>

/* ---- nodes ------------------------------------------------------------- */

struct alx_sql_expr *pp_new_expr(struct parser *p, int kind, int32_t loc)
{
	struct alx_sql_expr *e = pp_alloc(p, sizeof(*e));
	if (e == NULL)
		return NULL;
	e->kind = (uint8_t)kind;
	e->loc = loc;
	e->height = 1;
	return e;
}

static uint32_t hmax(uint32_t h, const struct alx_sql_expr *e)
{
	return e != NULL && e->height > h ? e->height : h;
}

static uint32_t hlist(uint32_t h, const struct alx_sql_exprs *l)
{
	for (uint32_t i = 0; i < l->n; i++)
		h = hmax(h, l->v[i]);
	return h;
}

bool pp_set_height(struct parser *p, struct alx_sql_expr *e)
{
	uint32_t h = 0;
	switch (e->kind) {
	case ALX_SQL_E_OP:
		h = hmax(hmax(h, e->u.op.l), e->u.op.r);
		break;
	case ALX_SQL_E_AND:
	case ALX_SQL_E_OR:
	case ALX_SQL_E_COALESCE:
	case ALX_SQL_E_NULLIF:
	case ALX_SQL_E_GREATEST:
	case ALX_SQL_E_LEAST:
	case ALX_SQL_E_ARRAY:
	case ALX_SQL_E_ROW:
		h = hlist(h, &e->u.list);
		break;
	case ALX_SQL_E_NOT:
		h = hmax(h, e->u.unary.arg);
		break;
	case ALX_SQL_E_TEST:
		h = hmax(h, e->u.test.arg);
		break;
	case ALX_SQL_E_DISTINCT:
		h = hmax(hmax(h, e->u.binary.l), e->u.binary.r);
		break;
	case ALX_SQL_E_BETWEEN:
		h = hmax(hmax(hmax(h, e->u.between.arg), e->u.between.lo),
			 e->u.between.hi);
		break;
	case ALX_SQL_E_IN:
		h = hlist(hmax(h, e->u.in.arg), &e->u.in.list);
		break;
	case ALX_SQL_E_LIKE:
		h = hmax(hmax(hmax(h, e->u.like.arg), e->u.like.pattern),
			 e->u.like.escape);
		break;
	case ALX_SQL_E_SUBLINK:
		h = hmax(h, e->u.sublink.test);
		break;
	case ALX_SQL_E_ARRAY_CMP:
		h = hmax(hmax(h, e->u.array_cmp.l), e->u.array_cmp.r);
		break;
	case ALX_SQL_E_CASE:
		h = hmax(hmax(h, e->u.kase.arg), e->u.kase.else_);
		for (uint32_t i = 0; i < e->u.kase.nwhens; i++)
			h = hmax(hmax(h, e->u.kase.whens[i].cond),
				 e->u.kase.whens[i].result);
		break;
	case ALX_SQL_E_CAST:
		h = hmax(h, e->u.cast.arg);
		break;
	case ALX_SQL_E_FUNC:
		h = hmax(hlist(h, &e->u.func.args), e->u.func.filter);
		for (uint32_t i = 0; i < e->u.func.norder; i++)
			h = hmax(h, e->u.func.order_by[i].expr);
		break;
	case ALX_SQL_E_SUBSCRIPT:
		h = hmax(hmax(hmax(h, e->u.subscript.base), e->u.subscript.lo),
			 e->u.subscript.hi);
		break;
	case ALX_SQL_E_COLLATE:
		h = hmax(h, e->u.collate.arg);
		break;
	default:
		break;
	}
	e->height = h + 1;
	/*
	 * Left-associative chains (1 + 2 + ... ) are built in a loop, not by
	 * recursion; their height is what a walker will recurse through.
	 */
	if (e->height + p->depth > p->max_depth) {
		perr_at(p, p->pos, true, "54001",
			"The statement nests expressions, operators or "
			"subqueries too deeply; simplify it.",
			"stack depth limit exceeded");
		return false;
	}
	return true;
}

struct alx_sql_expr *pp_finish(struct parser *p, struct alx_sql_expr *e)
{
	return e != NULL && pp_set_height(p, e) ? e : NULL;
}

static int32_t loc_of(const struct parser *p, uint32_t ti)
{
	return (int32_t)p->toks[ti].start;
}

/* ---- operators --------------------------------------------------------- */

static const struct {
	const char *text;
	int code;
} optab[] = {
	{"=", ALX_SQL_OP_EQ},		{"<>", ALX_SQL_OP_NE},
	{"<", ALX_SQL_OP_LT},		{">", ALX_SQL_OP_GT},
	{"<=", ALX_SQL_OP_LE},		{">=", ALX_SQL_OP_GE},
	{"+", ALX_SQL_OP_ADD},		{"-", ALX_SQL_OP_SUB},
	{"*", ALX_SQL_OP_MUL},		{"/", ALX_SQL_OP_DIV},
	{"%", ALX_SQL_OP_MOD},		{"^", ALX_SQL_OP_POW},
	{"||", ALX_SQL_OP_CONCAT},	{"->", ALX_SQL_OP_JSON_GET},
	{"->>", ALX_SQL_OP_JSON_TEXT},	{"#>", ALX_SQL_OP_JSON_PATH},
	{"#>>", ALX_SQL_OP_JSON_PTEXT}, {"@>", ALX_SQL_OP_CONTAINS},
	{"<@", ALX_SQL_OP_CONTAINED},	{"?", ALX_SQL_OP_JSON_HAS},
	{"~~", ALX_SQL_OP_LIKE},	{"!~~", ALX_SQL_OP_NOT_LIKE},
	{"~~*", ALX_SQL_OP_ILIKE},	{"!~~*", ALX_SQL_OP_NOT_ILIKE},
	{"<->", ALX_SQL_OP_L2},		{"<=>", ALX_SQL_OP_COSINE},
	{"<#>", ALX_SQL_OP_NEG_IP},
};

int pp_op_code(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(optab) / sizeof(optab[0]); i++)
		if (strlen(optab[i].text) == len &&
		    memcmp(optab[i].text, name, len) == 0)
			return optab[i].code;
	return ALX_SQL_OP_OTHER;
}

const char *pp_op_text(int code)
{
	for (size_t i = 0; i < sizeof(optab) / sizeof(optab[0]); i++)
		if (optab[i].code == code)
			return optab[i].text;
	return "?";
}

/* An operator token's name ("!=" is "<>", as PostgreSQL's lexer says). */
static bool op_name(struct parser *p, struct alx_sql_str *name, uint8_t *code)
{
	const struct alx_sql_token *t = pp_cur(p);
	if (t->kind == ALX_TOK_NOT_EQUALS) {
		name->ptr = "<>";
		name->len = 2;
	} else if (!pp_token_text(p, t, name)) {
		return false;
	}
	*code = (uint8_t)pp_op_code(name->ptr, name->len);
	pp_advance(p);
	return true;
}

/* OPERATOR '(' [schema '.'] op ')' */
static bool qual_op(struct parser *p, struct alx_sql_str *schema,
		    struct alx_sql_str *name, uint8_t *code)
{
	pp_advance(p); /* OPERATOR */
	if (!pp_expect(p, '('))
		return false;
	while (pp_is_colid(pp_cur(p))) {
		if (!pp_name(p, schema) || !pp_expect(p, '.'))
			return false;
	}
	int k = pp_kind(p);
	bool is_op = k == ALX_TOK_OP || k == ALX_TOK_NOT_EQUALS ||
		     k == ALX_TOK_LESS_EQUALS || k == ALX_TOK_GREATER_EQUALS ||
		     (k < 256 && k != 0 && strchr("+-*/%^<>=", k) != NULL);
	if (!is_op) {
		perr_syntax(p);
		return false;
	}
	return op_name(p, name, code) && pp_expect(p, ')');
}

static bool is_like_kw(int kw)
{
	return kw == ALX_KW_BETWEEN || kw == ALX_KW_IN || kw == ALX_KW_LIKE ||
	       kw == ALX_KW_ILIKE || kw == ALX_KW_SIMILAR;
}

/* The token after the current one may follow a column label. */
static bool label_follows(const struct parser *p)
{
	const struct alx_sql_token *t = pp_peek(p, 1);
	switch (t->kind) {
	case ',':
	case ')':
	case ';':
	case ALX_TOK_EOF:
		return true;
	case ALX_TOK_IDENT:
		break;
	default:
		return false;
	}
	switch (t->kw) {
	case ALX_KW_FROM:
	case ALX_KW_INTO:
	case ALX_KW_WHERE:
	case ALX_KW_GROUP:
	case ALX_KW_HAVING:
	case ALX_KW_WINDOW:
	case ALX_KW_ORDER:
	case ALX_KW_LIMIT:
	case ALX_KW_OFFSET:
	case ALX_KW_FETCH:
	case ALX_KW_FOR:
	case ALX_KW_UNION:
	case ALX_KW_INTERSECT:
	case ALX_KW_EXCEPT:
		return true;
	default:
		return false;
	}
}

/* The precedence of the operator at the current token, 0 when none. */
static int infix_prec(const struct parser *p, bool bexpr)
{
	int k = pp_kind(p);
	switch (k) {
	case '=':
	case '<':
	case '>':
	case ALX_TOK_LESS_EQUALS:
	case ALX_TOK_GREATER_EQUALS:
	case ALX_TOK_NOT_EQUALS:
		return PREC_CMP;
	case ALX_TOK_OP:
		return PREC_OP;
	case '+':
	case '-':
		return PREC_ADD;
	case '*':
	case '/':
	case '%':
		return PREC_MUL;
	case '^':
		return PREC_EXP;
	case ALX_TOK_TYPECAST:
		return PREC_TYPECAST;
	case ALX_TOK_IDENT:
		break;
	default:
		return 0;
	}
	int kw = pp_kw(p);
	if (p->alias_depth == p->depth && alx_sql_keyword_bare(kw) &&
	    label_follows(p))
		return 0;
	switch (kw) {
	case ALX_KW_OPERATOR:
		return pp_peek(p, 1)->kind == '(' ? PREC_OP : 0;
	case ALX_KW_IS: {
		/* b_expr keeps only IS [NOT] DISTINCT FROM. */
		int n = pp_peek_kw(p, 1);
		if (n == ALX_KW_NOT)
			n = pp_peek_kw(p, 2);
		return !bexpr || n == ALX_KW_DISTINCT ? PREC_IS : 0;
	}
	default:
		break;
	}
	if (bexpr)
		return 0;
	switch (kw) {
	case ALX_KW_OR:
		return PREC_OR;
	case ALX_KW_AND:
		return PREC_AND;
	case ALX_KW_ISNULL:
	case ALX_KW_NOTNULL:
		return PREC_IS;
	case ALX_KW_NOT:
		return is_like_kw(pp_peek_kw(p, 1)) ? PREC_LIKE : 0;
	case ALX_KW_BETWEEN:
	case ALX_KW_IN:
	case ALX_KW_LIKE:
	case ALX_KW_ILIKE:
	case ALX_KW_SIMILAR:
		return PREC_LIKE;
	case ALX_KW_AT:
		return pp_peek_kw(p, 1) == ALX_KW_TIME ? PREC_AT : 0;
	case ALX_KW_COLLATE:
		return PREC_COLLATE;
	default:
		return 0;
	}
}

static struct alx_sql_expr *expr_prec(struct parser *p, int minprec,
				      bool bexpr);
static struct alx_sql_expr *prefix_expr(struct parser *p, bool bexpr);

/* x op ANY|SOME|ALL (subquery or array) */
static struct alx_sql_expr *any_all(struct parser *p, struct alx_sql_expr *l,
				    uint8_t code, struct alx_sql_str name,
				    int32_t loc)
{
	bool all = pp_kw(p) == ALX_KW_ALL;
	pp_advance(p);
	if (pp_looks_like_query(p)) {
		uint32_t save = p->pos;
		struct alx_sql_select *q = pp_select_parens(p);
		if (q != NULL) {
			struct alx_sql_expr *e =
				pp_new_expr(p, ALX_SQL_E_SUBLINK, loc);
			if (e == NULL)
				return NULL;
			e->u.sublink.kind =
				all ? ALX_SQL_SUB_ALL : ALX_SQL_SUB_ANY;
			e->u.sublink.test = l;
			e->u.sublink.op_code = code;
			e->u.sublink.op_name = name;
			e->u.sublink.query = q;
			return pp_finish(p, e);
		}
		struct pp_mark m;
		if (!pp_backtrack(p, save, &m))
			return NULL;
		struct alx_sql_expr *e = any_all(p, l, code, name, loc);
		if (e == NULL)
			pp_furthest(p, &m);
		return e;
	}
	if (!pp_expect(p, '('))
		return NULL;
	struct alx_sql_expr *r = pp_expr(p);
	if (r == NULL || !pp_expect(p, ')'))
		return NULL;
	struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_ARRAY_CMP, loc);
	if (e == NULL)
		return NULL;
	e->u.array_cmp.op_code = code;
	e->u.array_cmp.op_name = name;
	e->u.array_cmp.all = all;
	e->u.array_cmp.l = l;
	e->u.array_cmp.r = r;
	return pp_finish(p, e);
}

static bool at_any_all(const struct parser *p)
{
	int kw = pp_kw(p);
	return kw == ALX_KW_ANY || kw == ALX_KW_ALL || kw == ALX_KW_SOME;
}

static struct alx_sql_expr *binop(struct parser *p, struct alx_sql_expr *l,
				  int prec, bool bexpr)
{
	int32_t loc = loc_of(p, p->pos);
	struct alx_sql_str name = {0}, schema = {0};
	uint8_t code;
	if (pp_kw(p) == ALX_KW_OPERATOR) {
		if (!qual_op(p, &schema, &name, &code))
			return NULL;
	} else if (!op_name(p, &name, &code)) {
		return NULL;
	}
	if (at_any_all(p))
		return any_all(p, l, code, name, loc);
	struct alx_sql_expr *r = expr_prec(p, prec + 1, bexpr);
	if (r == NULL)
		return NULL;
	struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_OP, loc);
	if (e == NULL)
		return NULL;
	e->u.op.code = code;
	e->u.op.name = name;
	e->u.op.schema = schema;
	e->u.op.l = l;
	e->u.op.r = r;
	return pp_finish(p, e);
}

/* AND/OR chains become one node, flattening nested ones as PostgreSQL's
 * makeAndExpr does. */
static struct alx_sql_expr *bool_chain(struct parser *p, struct alx_sql_expr *l,
				       int kw, int prec)
{
	int kind = kw == ALX_KW_AND ? ALX_SQL_E_AND : ALX_SQL_E_OR;
	int32_t loc = loc_of(p, p->pos);
	struct pvec v = {0};
	if (l->kind == kind) {
		for (uint32_t i = 0; i < l->u.list.n; i++)
			if (!pvec_push_ptr(p, &v, l->u.list.v[i]))
				return NULL;
	} else if (!pvec_push_ptr(p, &v, l)) {
		return NULL;
	}
	while (pp_kw(p) == kw) {
		pp_advance(p);
		struct alx_sql_expr *r = expr_prec(p, prec + 1, false);
		if (r == NULL)
			return NULL;
		if (r->kind == kind) {
			for (uint32_t i = 0; i < r->u.list.n; i++)
				if (!pvec_push_ptr(p, &v, r->u.list.v[i]))
					return NULL;
		} else if (!pvec_push_ptr(p, &v, r)) {
			return NULL;
		}
	}
	struct alx_sql_expr *e = pp_new_expr(p, kind, loc);
	if (e == NULL)
		return NULL;
	e->u.list.v = v.v;
	e->u.list.n = v.n;
	return pp_finish(p, e);
}

static struct alx_sql_expr *test_node(struct parser *p,
				      struct alx_sql_expr *arg, int what,
				      bool negated, int32_t loc)
{
	struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_TEST, loc);
	if (e == NULL)
		return NULL;
	e->u.test.arg = arg;
	e->u.test.what = (uint8_t)what;
	e->u.test.negated = negated;
	return pp_finish(p, e);
}

/* IS [NOT] NULL|TRUE|FALSE|UNKNOWN|DISTINCT FROM x */
static struct alx_sql_expr *is_expr(struct parser *p, struct alx_sql_expr *l,
				    int *nonassoc)
{
	int32_t loc = loc_of(p, p->pos);
	pp_advance(p); /* IS */
	bool neg = pp_accept_kw(p, ALX_KW_NOT);
	int what = 0;
	switch (pp_kw(p)) {
	case ALX_KW_NULL:
		what = ALX_SQL_TEST_NULL;
		break;
	case ALX_KW_TRUE:
		what = ALX_SQL_TEST_TRUE;
		break;
	case ALX_KW_FALSE:
		what = ALX_SQL_TEST_FALSE;
		break;
	case ALX_KW_UNKNOWN:
		what = ALX_SQL_TEST_UNKNOWN;
		break;
	case ALX_KW_DISTINCT: {
		pp_advance(p);
		if (!pp_expect_kw(p, ALX_KW_FROM))
			return NULL;
		struct alx_sql_expr *r = expr_prec(p, PREC_IS + 1, false);
		if (r == NULL)
			return NULL;
		struct alx_sql_expr *e =
			pp_new_expr(p, ALX_SQL_E_DISTINCT, loc);
		if (e == NULL)
			return NULL;
		e->u.binary.l = l;
		e->u.binary.r = r;
		e->u.binary.negated = neg;
		*nonassoc = PREC_IS;
		return pp_finish(p, e);
	}
	default:
		return perr_syntax(p);
	}
	pp_advance(p);
	return test_node(p, l, what, neg, loc);
}

static struct alx_sql_expr *in_expr(struct parser *p, struct alx_sql_expr *l,
				    bool neg, int32_t loc)
{
	if (pp_kind(p) != '(')
		return perr_syntax(p);
	if (pp_looks_like_query(p)) {
		uint32_t save = p->pos;
		struct alx_sql_select *q = pp_select_parens(p);
		if (q != NULL) {
			struct alx_sql_expr *e =
				pp_new_expr(p, ALX_SQL_E_SUBLINK, loc);
			if (e == NULL)
				return NULL;
			e->u.sublink.kind = ALX_SQL_SUB_IN;
			e->u.sublink.negated = neg;
			e->u.sublink.test = l;
			e->u.sublink.op_code = ALX_SQL_OP_EQ;
			e->u.sublink.op_name.ptr = "=";
			e->u.sublink.op_name.len = 1;
			e->u.sublink.query = q;
			return pp_finish(p, e);
		}
		struct pp_mark m;
		if (!pp_backtrack(p, save, &m))
			return NULL;
		pp_advance(p);
		struct alx_sql_exprs list;
		if (!pp_expr_list(p, &list) || !pp_expect(p, ')')) {
			pp_furthest(p, &m);
			return NULL;
		}
		struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_IN, loc);
		if (e == NULL)
			return NULL;
		e->u.in.arg = l;
		e->u.in.list = list;
		e->u.in.negated = neg;
		return pp_finish(p, e);
	}
	pp_advance(p);
	struct alx_sql_exprs list;
	if (!pp_expr_list(p, &list) || !pp_expect(p, ')'))
		return NULL;
	struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_IN, loc);
	if (e == NULL)
		return NULL;
	e->u.in.arg = l;
	e->u.in.list = list;
	e->u.in.negated = neg;
	return pp_finish(p, e);
}

/* [NOT] BETWEEN/IN/LIKE/ILIKE/SIMILAR TO */
static struct alx_sql_expr *like_level(struct parser *p, struct alx_sql_expr *l,
				       int *nonassoc)
{
	int32_t loc = loc_of(p, p->pos);
	bool neg = pp_accept_kw(p, ALX_KW_NOT);
	int kw = pp_kw(p);
	pp_advance(p);
	if (kw == ALX_KW_IN)
		return in_expr(p, l, neg, loc);
	if (kw == ALX_KW_BETWEEN) {
		bool sym = false;
		if (pp_accept_kw(p, ALX_KW_SYMMETRIC))
			sym = true;
		else
			pp_accept_kw(p, ALX_KW_ASYMMETRIC);
		struct alx_sql_expr *lo = expr_prec(p, PREC_NONE, true);
		if (lo == NULL || !pp_expect_kw(p, ALX_KW_AND))
			return NULL;
		struct alx_sql_expr *hi = expr_prec(p, PREC_LIKE + 1, false);
		if (hi == NULL)
			return NULL;
		struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_BETWEEN, loc);
		if (e == NULL)
			return NULL;
		e->u.between.arg = l;
		e->u.between.lo = lo;
		e->u.between.hi = hi;
		e->u.between.negated = neg;
		e->u.between.symmetric = sym;
		*nonassoc = PREC_LIKE;
		return pp_finish(p, e);
	}
	int kind = kw == ALX_KW_ILIKE  ? ALX_SQL_ILIKE
		   : kw == ALX_KW_LIKE ? ALX_SQL_LIKE
				       : ALX_SQL_SIMILAR;
	if (kind == ALX_SQL_SIMILAR && !pp_expect_kw(p, ALX_KW_TO))
		return NULL;
	if (kind != ALX_SQL_SIMILAR && at_any_all(p)) {
		/* x LIKE ANY (array): the operator form, ~~ and friends. */
		static const char *const names[2][2] = {{"~~", "!~~"},
							{"~~*", "!~~*"}};
		struct alx_sql_str name;
		name.ptr = names[kind == ALX_SQL_ILIKE][neg];
		name.len = (uint32_t)strlen(name.ptr);
		return any_all(p, l, (uint8_t)pp_op_code(name.ptr, name.len),
			       name, loc);
	}
	struct alx_sql_expr *pat = expr_prec(p, PREC_LIKE + 1, false);
	if (pat == NULL)
		return NULL;
	struct alx_sql_expr *esc = NULL;
	if (pp_accept_kw(p, ALX_KW_ESCAPE)) {
		esc = expr_prec(p, PREC_LIKE + 1, false);
		if (esc == NULL)
			return NULL;
	}
	struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_LIKE, loc);
	if (e == NULL)
		return NULL;
	e->u.like.arg = l;
	e->u.like.pattern = pat;
	e->u.like.escape = esc;
	e->u.like.kind = (uint8_t)kind;
	e->u.like.negated = neg;
	*nonassoc = PREC_LIKE;
	return pp_finish(p, e);
}

struct alx_sql_expr *pp_mk_func(struct parser *p, const char *name, int32_t loc,
				struct alx_sql_expr **args, uint32_t nargs)
{
	struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_FUNC, loc);
	struct alx_sql_str *n = pp_alloc(p, sizeof(*n));
	struct alx_sql_expr **v = pp_alloc(p, sizeof(*v) * (nargs ? nargs : 1));
	if (e == NULL || n == NULL || v == NULL)
		return NULL;
	n->ptr = name;
	n->len = (uint32_t)strlen(name);
	memcpy(v, args, sizeof(*v) * nargs);
	e->u.func.name.v = n;
	e->u.func.name.n = 1;
	e->u.func.args.v = v;
	e->u.func.args.n = nargs;
	e->u.func.form = ALX_SQL_FUNC_SQL_SYNTAX;
	return pp_finish(p, e);
}

static struct alx_sql_expr *expr_prec(struct parser *p, int minprec, bool bexpr)
{
	if (!pp_enter(p))
		return NULL;
	struct alx_sql_expr *left = prefix_expr(p, bexpr);
	int nonassoc = 0;
	while (left != NULL) {
		int prec = infix_prec(p, bexpr);
		if (prec == 0 || prec < minprec)
			break;
		if (prec == nonassoc) {
			left = perr_syntax(p);
			break;
		}
		nonassoc = 0;
		int32_t loc = loc_of(p, p->pos);
		int kw = pp_kw(p);
		if (pp_kind(p) == ALX_TOK_TYPECAST) {
			pp_advance(p);
			struct alx_sql_typename *t = pp_typename(p);
			struct alx_sql_expr *e =
				t ? pp_new_expr(p, ALX_SQL_E_CAST, loc) : NULL;
			if (e != NULL) {
				e->u.cast.arg = left;
				e->u.cast.type = t;
				e->u.cast.form = ALX_SQL_CAST_OP;
			}
			left = pp_finish(p, e);
		} else if (kw == ALX_KW_AND || kw == ALX_KW_OR) {
			left = bool_chain(p, left, kw, prec);
		} else if (kw == ALX_KW_IS) {
			left = is_expr(p, left, &nonassoc);
		} else if (kw == ALX_KW_ISNULL || kw == ALX_KW_NOTNULL) {
			pp_advance(p);
			left = test_node(p, left, ALX_SQL_TEST_NULL,
					 kw == ALX_KW_NOTNULL, loc);
		} else if (prec == PREC_LIKE) {
			left = like_level(p, left, &nonassoc);
		} else if (kw == ALX_KW_AT) {
			pp_advance(p);
			pp_advance(p); /* TIME */
			if (!pp_expect_kw(p, ALX_KW_ZONE)) {
				left = NULL;
				break;
			}
			struct alx_sql_expr *z =
				expr_prec(p, PREC_AT + 1, false);
			struct alx_sql_expr *args[2] = {z, left};
			left = z ? pp_mk_func(p, "timezone", loc, args, 2)
				 : NULL;
		} else if (kw == ALX_KW_COLLATE) {
			pp_advance(p);
			struct alx_sql_names coll;
			struct alx_sql_expr *e = NULL;
			if (pp_any_name(p, &coll))
				e = pp_new_expr(p, ALX_SQL_E_COLLATE, loc);
			if (e != NULL) {
				e->u.collate.arg = left;
				e->u.collate.collation = coll;
			}
			left = pp_finish(p, e);
		} else {
			left = binop(p, left, prec, bexpr);
			if (prec == PREC_CMP)
				nonassoc = PREC_CMP;
		}
	}
	pp_leave(p);
	return left;
}

struct alx_sql_expr *pp_expr(struct parser *p)
{
	return expr_prec(p, PREC_NONE, false);
}

struct alx_sql_expr *pp_b_expr(struct parser *p)
{
	return expr_prec(p, PREC_NONE, true);
}

bool pp_expr_list(struct parser *p, struct alx_sql_exprs *out)
{
	struct pvec v = {0};
	do {
		struct alx_sql_expr *e = pp_expr(p);
		if (e == NULL || !pvec_push_ptr(p, &v, e))
			return false;
	} while (pp_accept(p, ','));
	out->v = v.v;
	out->n = v.n;
	return true;
}

/* ---- prefix operators -------------------------------------------------- */

/* -5 is one constant, as PostgreSQL's doNegate makes it. */
static bool negate_const(struct parser *p, struct alx_sql_expr *e)
{
	char *s = alx_arena_printf(p->a, "-%s", e->u.cnst.str.ptr);
	if (s == NULL) {
		perr_nomem(p);
		return false;
	}
	if (s[1] == '-')
		s += 2; /* --5 folds back */
	e->u.cnst.str.ptr = s;
	e->u.cnst.str.len = (uint32_t)strlen(s);
	if (e->u.cnst.kind == ALX_SQL_C_INT) {
		e->u.cnst.ival = -e->u.cnst.ival;
	} else if (strcmp(s, "-9223372036854775808") == 0) {
		e->u.cnst.kind = ALX_SQL_C_INT;
		e->u.cnst.ival = INT64_MIN;
	}
	return true;
}

static struct alx_sql_expr *prefix_expr(struct parser *p, bool bexpr)
{
	int k = pp_kind(p);
	int32_t loc = loc_of(p, p->pos);
	if (k == '-' || k == '+') {
		pp_advance(p);
		struct alx_sql_expr *arg = expr_prec(p, PREC_UMINUS + 1, bexpr);
		if (arg == NULL)
			return NULL;
		if (k == '-' && arg->kind == ALX_SQL_E_CONST &&
		    (arg->u.cnst.kind == ALX_SQL_C_INT ||
		     arg->u.cnst.kind == ALX_SQL_C_NUMERIC)) {
			if (!negate_const(p, arg))
				return NULL;
			arg->loc = loc;
			return arg;
		}
		struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_OP, loc);
		if (e == NULL)
			return NULL;
		e->u.op.code = k == '-' ? ALX_SQL_OP_SUB : ALX_SQL_OP_ADD;
		e->u.op.name.ptr = k == '-' ? "-" : "+";
		e->u.op.name.len = 1;
		e->u.op.r = arg;
		return pp_finish(p, e);
	}
	if (pp_kw(p) == ALX_KW_NOT && !bexpr) {
		pp_advance(p);
		struct alx_sql_expr *arg = expr_prec(p, PREC_NOT + 1, false);
		if (arg == NULL)
			return NULL;
		struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_NOT, loc);
		if (e == NULL)
			return NULL;
		e->u.unary.arg = arg;
		return pp_finish(p, e);
	}
	if (k == ALX_TOK_OP ||
	    (pp_kw(p) == ALX_KW_OPERATOR && pp_peek(p, 1)->kind == '(')) {
		struct alx_sql_str name = {0}, schema = {0};
		uint8_t code;
		if (k == ALX_TOK_OP ? !op_name(p, &name, &code)
				    : !qual_op(p, &schema, &name, &code))
			return NULL;
		struct alx_sql_expr *arg = expr_prec(p, PREC_OP + 1, bexpr);
		if (arg == NULL)
			return NULL;
		struct alx_sql_expr *e = pp_new_expr(p, ALX_SQL_E_OP, loc);
		if (e == NULL)
			return NULL;
		e->u.op.code = code;
		e->u.op.name = name;
		e->u.op.schema = schema;
		e->u.op.r = arg;
		return pp_finish(p, e);
	}
	return pp_primary(p);
}
