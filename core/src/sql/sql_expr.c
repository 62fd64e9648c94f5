/* Expression evaluation: three-valued logic, operators, subqueries. */
#include <string.h>

#include "runtime/alx_diag.h"
#include "sql/sql_exec_int.h"
#include "sql/sql_func.h"
#include "sql/sql_session.h"
#include "sql/sql_syscat.h"

static int cmp_result(int code, int c)
{
	switch (code) {
	case ALX_CMP_EQ:
		return c == 0;
	case ALX_CMP_NE:
		return c != 0;
	case ALX_CMP_LT:
		return c < 0;
	case ALX_CMP_LE:
		return c <= 0;
	case ALX_CMP_GT:
		return c > 0;
	default:
		return c >= 0;
	}
}

/* ---- LIKE ---------------------------------------------------------------------- */

static size_t utf8_len(uint8_t c)
{
	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

static uint8_t fold(uint8_t c, bool ci)
{
	return ci && c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* PostgreSQL's MatchText: % any run, _ one character, escape char. */
static int like_match(const uint8_t *t, size_t tl, const uint8_t *p, size_t pl,
		      int esc, bool ci, uint32_t depth)
{
	if (depth > 10000)
		return -1;
	while (pl > 0) {
		if (p[0] == '%') {
			while (pl > 0 && (p[0] == '%' || p[0] == '_')) {
				if (p[0] == '_') {
					if (tl == 0)
						return 0;
					size_t n = utf8_len(t[0]);
					t += n > tl ? tl : n;
					tl -= n > tl ? tl : n;
				}
				p++;
				pl--;
			}
			if (pl == 0)
				return 1;
			while (tl > 0) {
				int r = like_match(t, tl, p, pl, esc, ci,
						   depth + 1);
				if (r != 0)
					return r;
				size_t n = utf8_len(t[0]);
				t += n > tl ? tl : n;
				tl -= n > tl ? tl : n;
			}
			return 0;
		}
		if (tl == 0)
			return 0;
		if (p[0] == '_') {
			size_t n = utf8_len(t[0]);
			t += n > tl ? tl : n;
			tl -= n > tl ? tl : n;
			p++;
			pl--;
			continue;
		}
		if (esc >= 0 && p[0] == (uint8_t)esc) {
			p++;
			pl--;
			if (pl == 0)
				return -2;
		}
		if (fold(p[0], ci) != fold(t[0], ci))
			return 0;
		p++;
		pl--;
		t++;
		tl--;
	}
	return tl == 0;
}

static int eval_like(struct alx_ev *ev, const struct alx_bx *e,
		     struct alx_value *out)
{
	struct alx_value v[3];
	for (uint32_t i = 0; i < e->nargs; i++) {
		int rc = alx_eval(ev, e->args[i], &v[i]);
		if (rc != 0)
			return rc;
		if (v[i].null) {
			*out = alx_value_null(ALX_T_BOOL);
			return 0;
		}
	}
	int esc = '\\';
	if (e->nargs == 3) {
		if (v[2].u.s.len == 0)
			esc = -1;
		else if (v[2].u.s.len == 1)
			esc = v[2].u.s.ptr[0];
		else
			return alx_exec_err(ev->ex, "22025",
					    "invalid escape string");
	}
	int r = like_match(v[0].u.s.ptr, v[0].u.s.len, v[1].u.s.ptr,
			   v[1].u.s.len, esc, e->u.like.kind == ALX_SQL_ILIKE,
			   0);
	if (r == -2)
		return alx_exec_err(ev->ex, "22025",
				    "LIKE pattern must not end with escape "
				    "character");
	if (r < 0)
		return alx_exec_err(ev->ex, "54001",
				    "LIKE pattern is too complex");
	*out = alx_value_bool(e->u.like.negated ? !r : r);
	return 0;
}

/* ---- subqueries ----------------------------------------------------------------- */

static int sub_rows(struct alx_ev *ev, const struct alx_bx *e,
		    struct alx_subcache *c)
{
	struct alx_exec *ex = ev->ex;
	struct alx_node *n;
	int rc;
	/* A correlated subquery runs once per outer row: keep its
	 * executor and start it over, rather than building it anew. */
	struct alx_subcache *keep =
		e->u.sub.correlated && e->u.sub.id < ex->nsubs
			? &ex->subs[e->u.sub.id]
			: NULL;
	if (keep != NULL && keep->node != NULL) {
		n = keep->node;
		alx_node_set_outer(n, ev);
		rc = alx_node_rescan(n, NULL);
	} else {
		rc = alx_node_open(ex, e->u.sub.plan, ev, &n);
		if (rc == 0 && keep != NULL)
			keep->node = n;
	}
	if (rc != 0)
		return rc;
	int kind = e->u.sub.kind;
	uint32_t cap = 0;
	c->nrows = 0;
	c->has_null = false;
	c->v = alx_value_null(e->type.id);
	for (;;) {
		const struct alx_value *r;
		rc = alx_node_next(n, &r);
		if (rc == ALOPEX_DONE) {
			rc = 0;
			break;
		}
		if (rc != ALOPEX_ROW)
			break;
		if (kind == ALX_SQL_SUB_EXISTS) {
			c->nrows = 1;
			rc = 0;
			break;
		}
		if (kind == ALX_SQL_SUB_EXPR) {
			if (c->nrows > 0) {
				rc = alx_exec_err(ex, "21000",
						  "more than one row returned "
						  "by a subquery used as an "
						  "expression");
				break;
			}
			rc = alx_value_copy(ev->a, &r[0], &c->v);
			c->nrows = 1;
			if (rc != 0) {
				rc = alx_exec_oom(ex);
				break;
			}
			continue;
		}
		if (r[0].null && kind != ALX_SQL_SUB_ARRAY) {
			c->has_null = true;
			continue;
		}
		if (c->nrows == cap) {
			cap = cap ? cap * 2 : 16;
			struct alx_value *v =
				alx_arena_alloc(ev->a, cap * sizeof(*v));
			if (v == NULL) {
				rc = alx_exec_oom(ex);
				break;
			}
			if (c->nrows > 0)
				memcpy(v, c->rows, c->nrows * sizeof(*v));
			c->rows = v;
		}
		if (alx_value_copy(ev->a, &r[0], &c->rows[c->nrows]) != 0) {
			rc = alx_exec_oom(ex);
			break;
		}
		c->nrows++;
	}
	if (keep == NULL)
		alx_node_close(n);
	if (rc == 0)
		c->done = true;
	return rc;
}

static int eval_sublink(struct alx_ev *ev, const struct alx_bx *e,
			struct alx_value *out)
{
	struct alx_exec *ex = ev->ex;
	struct alx_subcache local = {0}, *c = &local;
	int rc;
	if (!e->u.sub.correlated && e->u.sub.id < ex->nsubs) {
		c = &ex->subs[e->u.sub.id];
		if (!c->done) {
			/* cached results outlive this row: keep them in the
			 * execution arena */
			struct alx_ev cev = *ev;
			cev.a = ex->a;
			rc = sub_rows(&cev, e, c);
			if (rc != 0)
				return rc;
		}
	} else {
		rc = sub_rows(ev, e, c);
		if (rc != 0)
			return rc;
	}
	int kind = e->u.sub.kind;
	if (kind == ALX_SQL_SUB_EXISTS) {
		*out = alx_value_bool(c->nrows > 0);
		return 0;
	}
	if (kind == ALX_SQL_SUB_EXPR) {
		*out = c->v;
		if (out->null)
			*out = alx_value_null(e->type.id);
		return 0;
	}
	if (kind == ALX_SQL_SUB_ARRAY)
		return alx_array_literal(ev->a, c->rows, c->nrows, ex->fmt, out,
					 ex->d);
	struct alx_value x;
	rc = alx_eval(ev, e->args[0], &x);
	if (rc != 0)
		return rc;
	bool all = kind == ALX_SQL_SUB_ALL;
	bool saw_null = c->has_null;
	int result = all ? 1 : 0;
	if (!all && e->u.sub.cmp == ALX_CMP_EQ && c->nrows > 16 && !x.null) {
		/* x IN (many rows): hash them once */
		if (c->set == NULL) {
			struct alx_arena *a = c == &local ? ev->a : ex->a;
			c->set = alx_htab_create(ex, a, 1);
			if (c->set == NULL)
				return alx_exec_oom(ex);
			for (uint32_t i = 0; i < c->nrows; i++) {
				struct alx_htab_entry *he;
				bool created;
				rc = alx_htab_get(c->set, &c->rows[i], true,
						  &he, &created);
				if (rc != 0)
					return rc;
			}
		}
		struct alx_htab_entry *he;
		bool created;
		rc = alx_htab_get(c->set, &x, false, &he, &created);
		if (rc != 0)
			return rc;
		result = he != NULL ? 1 : saw_null ? -1 : 0;
	} else if (x.null && (c->nrows > 0 || c->has_null)) {
		saw_null = true;
		result = -1;
	} else {
		for (uint32_t i = 0; i < c->nrows; i++) {
			int m = cmp_result(e->u.sub.cmp,
					   alx_value_cmp(&x, &c->rows[i]));
			if (!all && m) {
				result = 1;
				break;
			}
			if (all && !m) {
				result = 0;
				break;
			}
		}
		if (saw_null && ((all && result == 1) || (!all && result == 0)))
			result = -1;
	}
	if (result < 0) {
		*out = alx_value_null(ALX_T_BOOL);
		return 0;
	}
	bool r = result == 1;
	if (e->u.sub.negated)
		r = !r;
	*out = alx_value_bool(r);
	return 0;
}

/* ---- the evaluator --------------------------------------------------------------- */

static int eval_args(struct alx_ev *ev, const struct alx_bx *e,
		     struct alx_value *v)
{
	for (uint32_t i = 0; i < e->nargs; i++) {
		const struct alx_bx *a = e->args[i];
		/* Constants and this row's columns inline, as alx_eval
		 * gives them: they are most operands of a filter. */
		if (a->kind == ALX_BX_CONST) {
			v[i] = a->u.v;
			continue;
		}
		if (a->kind == ALX_BX_VAR && a->u.var.level == 0 &&
		    ev->row != NULL) {
			v[i] = ev->row[a->u.var.slot];
			if (v[i].null)
				v[i].type = a->type.id;
			continue;
		}
		int rc = alx_eval(ev, a, &v[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int eval_func(struct alx_ev *ev, const struct alx_bx *e,
		     struct alx_value *out)
{
	struct alx_value stack[8], *v = stack;
	if (e->nargs > 8) {
		v = alx_arena_alloc(ev->a, e->nargs * sizeof(*v));
		if (v == NULL)
			return alx_exec_oom(ev->ex);
	}
	int rc = eval_args(ev, e, v);
	if (rc != 0)
		return rc;
	if (e->u.func.def->flags & ALX_FN_STRICT) {
		for (uint32_t i = 0; i < e->nargs; i++) {
			if (v[i].null) {
				*out = alx_value_null(e->type.id);
				return 0;
			}
		}
	}
	rc = e->u.func.def->eval(ev, e, v, out);
	if (rc == 0 && out->null)
		out->type = e->type.id;
	return rc;
}

static int eval_logic(struct alx_ev *ev, const struct alx_bx *e,
		      struct alx_value *out)
{
	bool is_and = e->kind == ALX_BX_AND;
	bool saw_null = false;
	for (uint32_t i = 0; i < e->nargs; i++) {
		struct alx_value v;
		int rc = alx_eval(ev, e->args[i], &v);
		if (rc != 0)
			return rc;
		if (v.null) {
			saw_null = true;
			continue;
		}
		if (is_and && !v.u.b) {
			*out = alx_value_bool(false);
			return 0;
		}
		if (!is_and && v.u.b) {
			*out = alx_value_bool(true);
			return 0;
		}
	}
	*out = saw_null ? alx_value_null(ALX_T_BOOL) : alx_value_bool(is_and);
	return 0;
}

static int eval_minmax(struct alx_ev *ev, const struct alx_bx *e,
		       struct alx_value *out)
{
	bool greatest = e->kind == ALX_BX_GREATEST;
	*out = alx_value_null(e->type.id);
	for (uint32_t i = 0; i < e->nargs; i++) {
		struct alx_value v;
		int rc = alx_eval(ev, e->args[i], &v);
		if (rc != 0)
			return rc;
		if (v.null)
			continue;
		if (out->null) {
			*out = v;
			continue;
		}
		int c = alx_value_cmp(&v, out);
		if (greatest ? c > 0 : c < 0)
			*out = v;
	}
	return 0;
}

static int eval_in(struct alx_ev *ev, const struct alx_bx *e,
		   struct alx_value *out)
{
	struct alx_value x;
	int rc = alx_eval(ev, e->args[0], &x);
	if (rc != 0)
		return rc;
	if (x.null) {
		*out = alx_value_null(ALX_T_BOOL);
		return 0;
	}
	bool saw_null = false, found = false;
	for (uint32_t i = 1; i < e->nargs && !found; i++) {
		struct alx_value v;
		rc = alx_eval(ev, e->args[i], &v);
		if (rc != 0)
			return rc;
		if (v.null)
			saw_null = true;
		else if (alx_value_cmp(&x, &v) == 0)
			found = true;
	}
	if (!found && saw_null) {
		*out = alx_value_null(ALX_T_BOOL);
		return 0;
	}
	*out = alx_value_bool(e->u.test.negated ? !found : found);
	return 0;
}

/*
 * Integer + - * / % that cannot fail, as filters over int columns mostly
 * are: computed here, skipping the generic path's type lookups and casts
 * (a third of a filtered scan's time). The result type is the wider
 * operand's, as the generic path gives; anything else, errors included,
 * goes the generic way.
 */
static bool int_arith_fast(const struct alx_bx *e, const struct alx_value *l,
			   const struct alx_value *r, struct alx_value *out)
{
	int rank = alx_int_rank(e->type.id), lr = alx_int_rank(l->type),
	    rr = alx_int_rank(r->type);
	if (rank == 0 || lr == 0 || rr == 0 || rank != (lr > rr ? lr : rr))
		return false;
	int64_t z;
	if (!alx_int_arith_fast(e->u.op.code, rank, l->u.i, r->u.i, &z))
		return false;
	*out = alx_value_int(e->type.id, z);
	return true;
}

int alx_eval(struct alx_ev *ev, const struct alx_bx *e, struct alx_value *out)
{
	struct alx_value v[2];
	int rc;
	switch (e->kind) {
	case ALX_BX_CONST:
		*out = e->u.v;
		return 0;
	case ALX_BX_PARAM:
		if (e->u.param >= ev->ex->nparams)
			return alx_exec_err(ev->ex, "08P01",
					    "no value for parameter $%u",
					    e->u.param + 1);
		*out = ev->ex->params[e->u.param];
		return 0;
	case ALX_BX_VAR: {
		const struct alx_ev *x = ev;
		for (uint32_t l = 0; l < e->u.var.level && x != NULL; l++)
			x = x->outer;
		if (x == NULL || x->row == NULL)
			return alx_exec_err(ev->ex, "XX000",
					    "column reference without a row");
		*out = x->row[e->u.var.slot];
		if (out->null)
			out->type = e->type.id;
		return 0;
	}
	case ALX_BX_CMP:
		rc = eval_args(ev, e, v);
		if (rc != 0)
			return rc;
		if (v[0].null || v[1].null)
			*out = alx_value_null(ALX_T_BOOL);
		else if (alx_int_rank(v[0].type) != 0 &&
			 alx_int_rank(v[1].type) != 0)
			/* integers of any width compare as int64 */
			*out = alx_value_bool(cmp_result(
				e->u.op.code, v[0].u.i < v[1].u.i   ? -1
					      : v[0].u.i > v[1].u.i ? 1
								    : 0));
		else
			*out = alx_value_bool(cmp_result(
				e->u.op.code, alx_value_cmp(&v[0], &v[1])));
		return 0;
	case ALX_BX_ARITH:
		rc = eval_args(ev, e, v);
		if (rc != 0)
			return rc;
		if (v[0].null || v[1].null) {
			*out = alx_value_null(e->type.id);
			return 0;
		}
		if (int_arith_fast(e, &v[0], &v[1], out))
			return 0;
		return alx_value_binop_fmt(ev->a, e->u.op.code, &v[0], &v[1],
					   ev->ex->fmt, out, ev->ex->d);
	case ALX_BX_NEG:
		rc = alx_eval(ev, e->args[0], &v[0]);
		if (rc != 0)
			return rc;
		if (v[0].null) {
			*out = alx_value_null(e->type.id);
			return 0;
		}
		return alx_value_neg(ev->a, &v[0], out, ev->ex->d);
	case ALX_BX_AND:
	case ALX_BX_OR:
		return eval_logic(ev, e, out);
	case ALX_BX_NOT:
		rc = alx_eval(ev, e->args[0], &v[0]);
		if (rc != 0)
			return rc;
		*out = v[0].null ? v[0] : alx_value_bool(!v[0].u.b);
		return 0;
	case ALX_BX_TEST: {
		rc = alx_eval(ev, e->args[0], &v[0]);
		if (rc != 0)
			return rc;
		bool r;
		switch (e->u.test.what) {
		case ALX_SQL_TEST_NULL:
			r = v[0].null;
			break;
		case ALX_SQL_TEST_TRUE:
			r = !v[0].null && v[0].u.b;
			break;
		case ALX_SQL_TEST_FALSE:
			r = !v[0].null && !v[0].u.b;
			break;
		default:
			r = v[0].null;
			break;
		}
		*out = alx_value_bool(e->u.test.negated ? !r : r);
		return 0;
	}
	case ALX_BX_DISTINCT: {
		rc = eval_args(ev, e, v);
		if (rc != 0)
			return rc;
		bool same = v[0].null || v[1].null
				    ? v[0].null == v[1].null
				    : alx_value_cmp(&v[0], &v[1]) == 0;
		*out = alx_value_bool(e->u.test.negated ? same : !same);
		return 0;
	}
	case ALX_BX_CAST:
		rc = alx_eval(ev, e->args[0], &v[0]);
		if (rc != 0)
			return rc;
		if (v[0].null) {
			*out = alx_value_null(e->type.id);
			return 0;
		}
		return alx_value_cast(ev->a, &v[0], e->type,
				      e->u.cast.explicit_, ev->ex->fmt, out,
				      ev->ex->d);
	case ALX_BX_FUNC:
		return eval_func(ev, e, out);
	case ALX_BX_CASE:
		for (uint32_t i = 0; i + 1 < e->nargs; i += 2) {
			int ok;
			rc = alx_eval_cond(ev, e->args[i], &ok);
			if (rc != 0)
				return rc;
			if (ok)
				return alx_eval(ev, e->args[i + 1], out);
		}
		return alx_eval(ev, e->args[e->nargs - 1], out);
	case ALX_BX_COALESCE:
		for (uint32_t i = 0; i < e->nargs; i++) {
			rc = alx_eval(ev, e->args[i], out);
			if (rc != 0 || !out->null)
				return rc;
		}
		*out = alx_value_null(e->type.id);
		return 0;
	case ALX_BX_NULLIF:
		rc = eval_args(ev, e, v);
		if (rc != 0)
			return rc;
		if (!v[0].null && !v[1].null &&
		    alx_value_cmp(&v[0], &v[1]) == 0)
			*out = alx_value_null(e->type.id);
		else
			*out = v[0];
		return 0;
	case ALX_BX_GREATEST:
	case ALX_BX_LEAST:
		return eval_minmax(ev, e, out);
	case ALX_BX_LIKE:
		return eval_like(ev, e, out);
	case ALX_BX_IN:
		return eval_in(ev, e, out);
	case ALX_BX_SUBLINK:
		return eval_sublink(ev, e, out);
	default:
		return alx_exec_err(ev->ex, "XX000",
				    "unexpected expression kind %d", e->kind);
	}
}

int alx_eval_cond(struct alx_ev *ev, const struct alx_bx *e, int *out)
{
	struct alx_value v;
	int rc = alx_eval(ev, e, &v);
	if (rc != 0)
		return rc;
	*out = !v.null && v.u.b;
	return 0;
}

int alx_eval_quals(struct alx_ev *ev, struct alx_bx *const *q, uint32_t n,
		   int *out)
{
	for (uint32_t i = 0; i < n; i++) {
		int rc = alx_eval_cond(ev, q[i], out);
		if (rc != 0 || !*out)
			return rc;
	}
	*out = 1;
	return 0;
}

int alx_eval_const(struct alx_bind_ctx *b, const struct alx_bx *e,
		   struct alx_value *out)
{
	struct alx_exec ex = {0};
	ex.a = b->a;
	ex.fmt = alx_session_fmt(b->s);
	ex.d = b->d;
	struct alx_ev ev = {0};
	ev.ex = &ex;
	ev.a = b->a;
	return alx_eval(&ev, e, out);
}
