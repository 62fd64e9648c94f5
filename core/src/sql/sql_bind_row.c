/*
 * Row constructor comparisons: (a, b) op (c, d), IS [NOT] DISTINCT FROM
 * and [NOT] IN lists of rows, bound as PostgreSQL 15 defines them
 * (9.24.5). They expand into scalar comparisons, so execution and the
 * range planner need nothing new: = is the AND of the pairs (PostgreSQL's
 * make_row_comparison_op), <> their OR, and an ordering operator, one
 * RowCompareExpr in PostgreSQL, becomes the OR/AND chain that decides at
 * the first pair that is not equal, with the same NULL results.
 */
#include <stdbool.h>
#include <stdint.h>

#include "runtime/alx_arena.h"
#include "sql/sql_bind.h"
#include "sql/sql_bind_int.h"
#include "sql/sql_exec.h"
#include "sql/sql_value.h"

bool alx_sql_is_row(const struct alx_sql_expr *x)
{
	return x != NULL && x->kind == ALX_SQL_E_ROW;
}

/* Two row constructors to compare, pair by pair. */
struct row_src {
	struct alx_scope *sc;
	int ectx;
	const struct alx_sql_expr *l, *r;
};

/*
 * Every use of an element binds it afresh: later passes (the GROUP BY
 * rewrite) change bound trees in place and must not meet a node twice.
 */
static int pair_bind(struct alx_bind_ctx *b, const struct row_src *rs,
		     uint32_t i, struct alx_bx **l, struct alx_bx **r)
{
	int rc = alx_bind_expr(b, rs->sc, rs->l->u.list.v[i], rs->ectx, l);
	if (rc == 0)
		rc = alx_bind_expr(b, rs->sc, rs->r->u.list.v[i], rs->ectx, r);
	return rc;
}

static int pair_cmp(struct alx_bind_ctx *b, const struct row_src *rs,
		    uint32_t i, int code, struct alx_bx **out)
{
	struct alx_bx *l, *r;
	int rc = pair_bind(b, rs, i, &l, &r);
	return rc != 0 ? rc : alx_bind_make_cmp(b, code, l, r, out);
}

/* PostgreSQL binds both rows whole, then checks their lengths. */
static int row_check(struct alx_bind_ctx *b, const struct row_src *rs)
{
	const struct alx_sql_expr *side[2] = {rs->l, rs->r};
	for (int k = 0; k < 2; k++) {
		for (uint32_t i = 0; i < side[k]->u.list.n; i++) {
			struct alx_bx *v;
			int rc = alx_bind_expr(b, rs->sc, side[k]->u.list.v[i],
					       rs->ectx, &v);
			if (rc != 0)
				return rc;
		}
	}
	if (rs->l->u.list.n != rs->r->u.list.n)
		return alx_bind_err(b, "42601",
				    "unequal number of entries in row "
				    "expressions");
	return 0;
}

/* A row against a scalar: PostgreSQL looks for `record op type`. */
static int row_vs_scalar(struct alx_bind_ctx *b, struct alx_scope *sc,
			 const struct alx_sql_expr *l,
			 const struct alx_sql_expr *r, const char *op, int ectx)
{
	char b1[64];
	struct alx_bx *v;
	bool row_left = alx_sql_is_row(l);
	int rc = alx_bind_expr(b, sc, row_left ? r : l, ectx, &v);
	if (rc != 0)
		return rc;
	return alx_bind_err(
		b, "42883", "operator does not exist: %s %s %s",
		row_left ? "record" : alx_type_sqlname(v->type, b1, sizeof(b1)),
		op,
		row_left ? alx_type_sqlname(v->type, b1, sizeof(b1))
			 : "record");
}

/* AND or OR of n boolean nodes; one node stands for itself. */
static int make_logic(struct alx_bind_ctx *b, int kind, struct alx_bx **v,
		      uint32_t n, struct alx_bx **out)
{
	if (n == 1) {
		*out = v[0];
		return 0;
	}
	struct alx_bx *e = alx_bx_new(b, kind, alx_type_make(ALX_T_BOOL), n);
	if (e == NULL)
		return alx_bind_oom(b);
	for (uint32_t i = 0; i < n; i++)
		e->args[i] = v[i];
	*out = e;
	return alx_bind_fold(b, out);
}

static int make_logic2(struct alx_bind_ctx *b, int kind, struct alx_bx *x,
		       struct alx_bx *y, struct alx_bx **out)
{
	struct alx_bx *v[2] = {x, y};
	return make_logic(b, kind, v, 2, out);
}

/* Two row constructors compared with code. */
static int make_row_cmp(struct alx_bind_ctx *b, const struct row_src *rs,
			int code, struct alx_bx **out)
{
	int rc = row_check(b, rs);
	if (rc != 0)
		return rc;
	uint32_t n = rs->l->u.list.n;
	if (n == 0)
		return alx_bind_err(b, "0A000",
				    "cannot compare rows of zero length");
	struct alx_bx **c = alx_arena_alloc(b->a, n * sizeof(*c));
	if (c == NULL)
		return alx_bind_oom(b);
	/* Every pair with the operator itself first, left to right, so a
	 * type error names the pair PostgreSQL names. */
	for (uint32_t i = 0; i < n; i++) {
		rc = pair_cmp(b, rs, i, code, &c[i]);
		if (rc != 0)
			return rc;
	}
	if (code == ALX_CMP_EQ)
		return make_logic(b, ALX_BX_AND, c, n, out);
	if (code == ALX_CMP_NE)
		return make_logic(b, ALX_BX_OR, c, n, out);
	/* l0 < r0 OR (l0 = r0 AND (l1 < r1 OR (l1 = r1 AND l2 <= r2))):
	 * NULL as soon as a pair that is reached has a NULL. */
	int strict = code == ALX_CMP_LE	  ? ALX_CMP_LT
		     : code == ALX_CMP_GE ? ALX_CMP_GT
					  : code;
	struct alx_bx *acc = c[n - 1];
	for (uint32_t i = n - 1; i-- > 0;) {
		struct alx_bx *lt = c[i], *eq, *both;
		if (strict != code)
			rc = pair_cmp(b, rs, i, strict, &lt);
		if (rc == 0)
			rc = pair_cmp(b, rs, i, ALX_CMP_EQ, &eq);
		if (rc == 0)
			rc = make_logic2(b, ALX_BX_AND, eq, acc, &both);
		if (rc == 0)
			rc = make_logic2(b, ALX_BX_OR, lt, both, &acc);
		if (rc != 0)
			return rc;
	}
	if (n > 1) {
		/* A redundant l0 >= r0 (or <=) conjunct: it is NULL or false
		 * exactly when the whole is, and gives the range planner a
		 * bound on a leading key column (keyset pagination). */
		int wide = code == ALX_CMP_LT || code == ALX_CMP_LE
				   ? ALX_CMP_LE
				   : ALX_CMP_GE;
		struct alx_bx *lead;
		rc = pair_cmp(b, rs, 0, wide, &lead);
		if (rc == 0)
			rc = make_logic2(b, ALX_BX_AND, lead, acc, &acc);
		if (rc != 0)
			return rc;
	}
	*out = acc;
	return 0;
}

int alx_bind_row_op(struct alx_bind_ctx *b, struct alx_scope *sc,
		    const struct alx_sql_expr *x, int ectx, struct alx_bx **out)
{
	int code = alx_cmp_from_op(x->u.op.code);
	if (!alx_sql_is_row(x->u.op.l) || !alx_sql_is_row(x->u.op.r))
		return row_vs_scalar(b, sc, x->u.op.l, x->u.op.r,
				     alx_cmp_text(code), ectx);
	struct row_src rs = {sc, ectx, x->u.op.l, x->u.op.r};
	return make_row_cmp(b, &rs, code, out);
}

/* (a, b) IS [NOT] DISTINCT FROM (c, d): OR (AND) of the pairs. */
int alx_bind_row_distinct(struct alx_bind_ctx *b, struct alx_scope *sc,
			  const struct alx_sql_expr *x, int ectx,
			  struct alx_bx **out)
{
	bool neg = x->u.binary.negated;
	if (!alx_sql_is_row(x->u.binary.l) || !alx_sql_is_row(x->u.binary.r))
		return row_vs_scalar(b, sc, x->u.binary.l, x->u.binary.r, "=",
				     ectx);
	struct row_src rs = {sc, ectx, x->u.binary.l, x->u.binary.r};
	int rc = row_check(b, &rs);
	if (rc != 0)
		return rc;
	uint32_t n = rs.l->u.list.n;
	if (n == 0) {
		/* No pair differs: PostgreSQL's constant false (true). */
		*out = alx_bx_const(b, alx_value_bool(neg),
				    alx_type_make(ALX_T_BOOL));
		return *out ? 0 : alx_bind_oom(b);
	}
	struct alx_bx **c = alx_arena_alloc(b->a, n * sizeof(*c));
	if (c == NULL)
		return alx_bind_oom(b);
	for (uint32_t i = 0; i < n; i++) {
		struct alx_bx *l, *r;
		rc = pair_bind(b, &rs, i, &l, &r);
		if (rc == 0)
			rc = alx_bind_make_distinct(b, l, r, neg, &c[i]);
		if (rc != 0)
			return rc;
	}
	return make_logic(b, neg ? ALX_BX_AND : ALX_BX_OR, c, n, out);
}

/* (a, b) [NOT] IN ((1, 2), ...): OR of = (AND of <>), as PostgreSQL. */
int alx_bind_row_in(struct alx_bind_ctx *b, struct alx_scope *sc,
		    const struct alx_sql_expr *x, int ectx, struct alx_bx **out)
{
	bool neg = x->u.in.negated;
	int code = neg ? ALX_CMP_NE : ALX_CMP_EQ;
	uint32_t n = x->u.in.list.n;
	struct alx_bx **c = alx_arena_alloc(b->a, (n + 1) * sizeof(*c));
	if (c == NULL)
		return alx_bind_oom(b);
	for (uint32_t i = 0; i < n; i++) {
		const struct alx_sql_expr *item = x->u.in.list.v[i];
		if (!alx_sql_is_row(item))
			return row_vs_scalar(b, sc, x->u.in.arg, item,
					     alx_cmp_text(code), ectx);
		struct row_src rs = {sc, ectx, x->u.in.arg, item};
		int rc = make_row_cmp(b, &rs, code, &c[i]);
		if (rc != 0)
			return rc;
	}
	return make_logic(b, neg ? ALX_BX_AND : ALX_BX_OR, c, n, out);
}
