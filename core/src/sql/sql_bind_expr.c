/* Expressions: names, types, operators, coercion (PostgreSQL's rules). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_bind.h"
#include "sql/sql_bind_int.h"
#include "sql/sql_exec.h"
#include "sql/sql_func.h"
#include "sql/sql_numeric.h"
#include "sql/sql_session.h"
#include "sql/sql_vector.h"

int alx_bind_err(struct alx_bind_ctx *b, const char *sqlstate, const char *fmt,
		 ...)
{
	char msg[sizeof(b->d->message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return alx_diag_set(b->d, ALOPEX_ESQL, sqlstate, "%s", msg);
}

void alx_bind_note_pos(struct alx_bind_ctx *b, int rc, int32_t loc)
{
	/* the innermost name wins; only "does not exist" and "ambiguous"
	 * errors point at a name, as PostgreSQL's do */
	const char *st = b->d->sqlstate;
	if (rc == 0 || b->err_pos != 0 || loc < 0)
		return;
	if (strcmp(st, "42P01") == 0 || strcmp(st, "42703") == 0 ||
	    strcmp(st, "42702") == 0)
		b->err_pos = (uint32_t)loc + 1;
}

int alx_bind_oom(struct alx_bind_ctx *b)
{
	return alx_diag_set(b->d, ALOPEX_ENOMEM, "53200", "out of memory");
}

const char *alx_type_sqlname(struct alx_type t, char *buf, size_t size)
{
	if (t.id == ALX_T_UNKNOWN) {
		snprintf(buf, size, "unknown");
		return buf;
	}
	alx_type_format(t, buf, size);
	return buf;
}

static const char *tname(struct alx_type t, char *buf)
{
	return alx_type_sqlname(alx_type_make(t.id), buf, 64);
}

struct alx_bx *alx_bx_new(struct alx_bind_ctx *b, int kind, struct alx_type t,
			  uint32_t nargs)
{
	struct alx_bx *e = alx_arena_calloc(b->a, 1, sizeof(*e));
	if (e == NULL)
		return NULL;
	e->kind = (uint8_t)kind;
	e->type = t;
	e->nargs = nargs;
	if (nargs > 0) {
		e->args = alx_arena_calloc(b->a, nargs, sizeof(*e->args));
		if (e->args == NULL)
			return NULL;
	}
	return e;
}

struct alx_bx *alx_bx_const(struct alx_bind_ctx *b, struct alx_value v,
			    struct alx_type t)
{
	struct alx_bx *e = alx_bx_new(b, ALX_BX_CONST, t, 0);
	if (e != NULL) {
		e->u.v = v;
		e->u.v.type = t.id;
	}
	return e;
}

bool alx_bx_is_const(const struct alx_bx *e)
{
	switch (e->kind) {
	case ALX_BX_CONST:
		return true;
	case ALX_BX_PARAM:
	case ALX_BX_VAR:
	case ALX_BX_AGGREF:
	case ALX_BX_SUBLINK:
		return false;
	case ALX_BX_FUNC:
		if (e->u.func.def->flags & (ALX_FN_VOLATILE | ALX_FN_STABLE))
			return false;
		break;
	default:
		break;
	}
	for (uint32_t i = 0; i < e->nargs; i++)
		if (!alx_bx_is_const(e->args[i]))
			return false;
	return true;
}

bool alx_bx_uses_slots(const struct alx_bx *e, uint32_t lo, uint32_t hi)
{
	if (e->kind == ALX_BX_VAR)
		return e->u.var.level == 0 && e->u.var.slot >= lo &&
		       e->u.var.slot < hi;
	for (uint32_t i = 0; i < e->nargs; i++)
		if (alx_bx_uses_slots(e->args[i], lo, hi))
			return true;
	return false;
}

bool alx_bx_has_outer(const struct alx_bx *e, uint32_t level)
{
	if (e->kind == ALX_BX_VAR)
		return e->u.var.level > level;
	if (e->kind == ALX_BX_SUBLINK && e->u.sub.correlated && level == 0)
		return true;
	for (uint32_t i = 0; i < e->nargs; i++)
		if (alx_bx_has_outer(e->args[i], level))
			return true;
	return false;
}

bool alx_bx_equal(const struct alx_bx *a, const struct alx_bx *b)
{
	if (a->kind != b->kind || a->type.id != b->type.id ||
	    a->nargs != b->nargs)
		return false;
	switch (a->kind) {
	case ALX_BX_CONST:
		if (a->u.v.null != b->u.v.null)
			return false;
		if (a->u.v.null)
			return true;
		if (a->u.v.type != b->u.v.type)
			return false;
		return alx_value_cmp(&a->u.v, &b->u.v) == 0;
	case ALX_BX_PARAM:
		return a->u.param == b->u.param;
	case ALX_BX_VAR:
		return a->u.var.level == b->u.var.level &&
		       a->u.var.slot == b->u.var.slot;
	case ALX_BX_CMP:
	case ALX_BX_ARITH:
		if (a->u.op.code != b->u.op.code)
			return false;
		break;
	case ALX_BX_FUNC:
		if (a->u.func.def != b->u.func.def ||
		    a->u.func.data != b->u.func.data)
			return false;
		break;
	case ALX_BX_AGGREF:
		return a->u.agg.index == b->u.agg.index;
	case ALX_BX_SUBLINK:
		return false;
	case ALX_BX_TEST:
	case ALX_BX_DISTINCT:
	case ALX_BX_IN:
		if (a->u.test.what != b->u.test.what ||
		    a->u.test.negated != b->u.test.negated)
			return false;
		break;
	case ALX_BX_LIKE:
		if (a->u.like.kind != b->u.like.kind ||
		    a->u.like.negated != b->u.like.negated)
			return false;
		break;
	case ALX_BX_CAST:
		if (a->type.mod != b->type.mod)
			return false;
		break;
	default:
		break;
	}
	for (uint32_t i = 0; i < a->nargs; i++)
		if (!alx_bx_equal(a->args[i], b->args[i]))
			return false;
	return true;
}

/* ---- coercion -------------------------------------------------------- */

int alx_bind_fold(struct alx_bind_ctx *b, struct alx_bx **e)
{
	if ((*e)->kind == ALX_BX_CONST || !alx_bx_is_const(*e))
		return 0;
	struct alx_value v;
	int rc = alx_eval_const(b, *e, &v);
	if (rc != 0)
		return rc;
	struct alx_bx *c = alx_bx_const(b, v, (*e)->type);
	if (c == NULL)
		return alx_bind_oom(b);
	*e = c;
	return 0;
}

static void set_param_type(struct alx_bind_ctx *b, struct alx_bx *e,
			   struct alx_type t)
{
	if (e->u.param < b->nparams &&
	    b->param_types[e->u.param].id == ALX_T_UNKNOWN)
		b->param_types[e->u.param] = t;
	e->type = b->param_types[e->u.param];
}

int alx_bind_coerce(struct alx_bind_ctx *b, struct alx_bx **e,
		    struct alx_type t, int min_ctx, const char *what)
{
	struct alx_bx *x = *e;
	char b1[64], b2[64];
	if (t.id == ALX_T_UNKNOWN)
		return 0;
	if (x->kind == ALX_BX_PARAM && x->type.id == ALX_T_UNKNOWN) {
		set_param_type(b, x, alx_type_make(t.id));
		if (x->type.id == t.id && (t.mod < 0 || x->type.mod == t.mod))
			return 0;
	}
	if (x->kind == ALX_BX_CONST && x->type.id == ALX_T_UNKNOWN) {
		struct alx_value v;
		/* An explicit cast to VARCHAR(n)/CHAR(n) truncates, so the
		 * literal is read without the length, then cast. */
		if (min_ctx == ALX_CAST_EXPLICIT && t.mod >= 0 &&
		    (t.id == ALX_T_VARCHAR || t.id == ALX_T_BPCHAR) &&
		    !x->u.v.null) {
			struct alx_type plain = alx_type_make(t.id);
			int rc = alx_bind_coerce(b, e, plain, min_ctx, what);
			if (rc != 0)
				return rc;
			x = *e;
			struct alx_bx *c = alx_bx_new(b, ALX_BX_CAST, t, 1);
			if (c == NULL)
				return alx_bind_oom(b);
			c->args[0] = x;
			c->u.cast.explicit_ = true;
			*e = c;
			return alx_bind_fold(b, e);
		}
		if (x->u.v.null) {
			v = alx_value_null(t.id);
		} else {
			int rc = alx_value_in(b->a, t,
					      (const char *)x->u.v.u.s.ptr,
					      x->u.v.u.s.len,
					      alx_session_fmt(b->s), &v, b->d);
			if (rc != 0)
				return rc;
		}
		struct alx_bx *c = alx_bx_const(b, v, t);
		if (c == NULL)
			return alx_bind_oom(b);
		*e = c;
		return 0;
	}
	/* INTERVAL's fields are a modifier too (INTERVAL YEAR). */
	bool iv = t.id == ALX_T_INTERVAL;
	if (x->type.id == t.id &&
	    ((t.mod < 0 && !(iv && t.scale != 0)) ||
	     (x->type.mod == t.mod && (!iv || x->type.scale == t.scale)) ||
	     (min_ctx != ALX_CAST_EXPLICIT && min_ctx != ALX_CAST_ASSIGN)))
		return 0;
	int ctx = alx_cast_context(x->type.id, t.id);
	if (ctx < min_ctx || ctx == ALX_CAST_NONE) {
		if (what != NULL)
			return alx_bind_err(
				b, "42804",
				"column \"%s\" is of type %s but expression "
				"is of type %s",
				what, tname(t, b1), tname(x->type, b2));
		if (ctx == ALX_CAST_NONE)
			return alx_bind_err(b, "42846",
					    "cannot cast type %s to %s",
					    tname(x->type, b1), tname(t, b2));
		return alx_bind_err(b, "42804",
				    "expression is of type %s but %s was "
				    "expected",
				    tname(x->type, b1), tname(t, b2));
	}
	struct alx_bx *c = alx_bx_new(b, ALX_BX_CAST, t, 1);
	if (c == NULL)
		return alx_bind_oom(b);
	c->args[0] = x;
	c->u.cast.explicit_ = min_ctx == ALX_CAST_EXPLICIT;
	*e = c;
	return alx_bind_fold(b, e);
}

int alx_bind_bool(struct alx_bind_ctx *b, struct alx_bx **e, const char *clause)
{
	char buf[64];
	struct alx_bx *x = *e;
	if (x->type.id == ALX_T_BOOL)
		return 0;
	if (x->type.id == ALX_T_UNKNOWN)
		return alx_bind_coerce(b, e, alx_type_make(ALX_T_BOOL),
				       ALX_CAST_IMPLICIT, NULL);
	return alx_bind_err(b, "42804",
			    "argument of %s must be type boolean, not type %s",
			    clause, tname(x->type, buf));
}

static bool preferred(int t)
{
	return t == ALX_T_TEXT || t == ALX_T_FLOAT8 || t == ALX_T_TIMESTAMPTZ;
}

int alx_bind_common_type(struct alx_bind_ctx *b, struct alx_bx **v, uint32_t n,
			 const char *construct, struct alx_type *out)
{
	char b1[64], b2[64];
	int cand = -1;
	int32_t mod = -1, scale = 0;
	bool mod_same = true;
	for (uint32_t i = 0; i < n; i++) {
		int t = v[i]->type.id;
		if (t == ALX_T_UNKNOWN)
			continue;
		if (cand < 0) {
			cand = t;
			mod = v[i]->type.mod;
			scale = v[i]->type.scale;
			continue;
		}
		if (v[i]->type.mod != mod || v[i]->type.scale != scale)
			mod_same = false;
		if (t == cand)
			continue;
		int to = alx_cast_context(cand, t);
		int back = alx_cast_context(t, cand);
		bool c2t = to == ALX_CAST_IMPLICIT;
		bool t2c = back == ALX_CAST_IMPLICIT;
		if (c2t && (!t2c || preferred(t)))
			cand = t;
		else if (!c2t && !t2c)
			return alx_bind_err(b, "42804",
					    "%s types %s and %s cannot be "
					    "matched",
					    construct,
					    tname(alx_type_make(cand), b1),
					    tname(v[i]->type, b2));
		mod_same = false;
	}
	struct alx_type t = alx_type_make(cand < 0 ? ALX_T_TEXT : cand);
	if (cand >= 0 && mod_same) {
		t.mod = mod;
		t.scale = scale;
	}
	for (uint32_t i = 0; i < n; i++) {
		int rc = alx_bind_coerce(b, &v[i], t, ALX_CAST_IMPLICIT, NULL);
		if (rc != 0)
			return rc;
	}
	*out = t;
	return 0;
}

/* ---- constants ------------------------------------------------------- */

static int bind_const(struct alx_bind_ctx *b, const struct alx_sql_expr *x,
		      struct alx_bx **out)
{
	struct alx_value v;
	struct alx_type t;
	switch (x->u.cnst.kind) {
	case ALX_SQL_C_NULL:
		t = alx_type_make(ALX_T_UNKNOWN);
		v = alx_value_null(ALX_T_UNKNOWN);
		break;
	case ALX_SQL_C_BOOL:
		t = alx_type_make(ALX_T_BOOL);
		v = alx_value_bool(x->u.cnst.ival != 0);
		break;
	case ALX_SQL_C_INT: {
		int64_t i = x->u.cnst.ival;
		int id = i >= INT32_MIN && i <= INT32_MAX ? ALX_T_INT4
							  : ALX_T_INT8;
		t = alx_type_make(id);
		v = alx_value_int(id, i);
		break;
	}
	case ALX_SQL_C_NUMERIC: {
		t = alx_type_make(ALX_T_NUMERIC);
		int rc = alx_value_in(b->a, t, x->u.cnst.str.ptr,
				      x->u.cnst.str.len, NULL, &v, b->d);
		if (rc != 0)
			return rc;
		break;
	}
	case ALX_SQL_C_STRING:
		t = alx_type_make(ALX_T_UNKNOWN);
		v = alx_value_bytes(ALX_T_UNKNOWN, x->u.cnst.str.ptr,
				    x->u.cnst.str.len);
		break;
	default:
		return alx_bind_err(b, "0A000",
				    "bit string literals are not supported");
	}
	*out = alx_bx_const(b, v, t);
	return *out ? 0 : alx_bind_oom(b);
}

/* ---- operators ------------------------------------------------------- */

const char *alx_cmp_text(int code)
{
	switch (code) {
	case ALX_CMP_EQ:
		return "=";
	case ALX_CMP_NE:
		return "<>";
	case ALX_CMP_LT:
		return "<";
	case ALX_CMP_LE:
		return "<=";
	case ALX_CMP_GT:
		return ">";
	default:
		return ">=";
	}
}

int alx_cmp_from_op(int op)
{
	switch (op) {
	case ALX_SQL_OP_EQ:
		return ALX_CMP_EQ;
	case ALX_SQL_OP_NE:
		return ALX_CMP_NE;
	case ALX_SQL_OP_LT:
		return ALX_CMP_LT;
	case ALX_SQL_OP_LE:
		return ALX_CMP_LE;
	case ALX_SQL_OP_GT:
		return ALX_CMP_GT;
	case ALX_SQL_OP_GE:
		return ALX_CMP_GE;
	default:
		return 0;
	}
}

/* Make l and r comparable: unknowns take the other side's type. */
int alx_bind_cmp_args(struct alx_bind_ctx *b, const char *op, struct alx_bx **l,
		      struct alx_bx **r)
{
	int rc = 0;
	int lt = (*l)->type.id, rt = (*r)->type.id;
	if (lt == ALX_T_UNKNOWN && rt == ALX_T_UNKNOWN) {
		struct alx_type t = alx_type_make(ALX_T_TEXT);
		rc = alx_bind_coerce(b, l, t, ALX_CAST_IMPLICIT, NULL);
		if (rc == 0)
			rc = alx_bind_coerce(b, r, t, ALX_CAST_IMPLICIT, NULL);
		return rc;
	}
	if (lt == ALX_T_UNKNOWN)
		return alx_bind_coerce(b, l, alx_type_make(rt),
				       ALX_CAST_IMPLICIT, NULL);
	if (rt == ALX_T_UNKNOWN)
		return alx_bind_coerce(b, r, alx_type_make(lt),
				       ALX_CAST_IMPLICIT, NULL);
	rc = alx_cmp_check(op, (*l)->type, (*r)->type, b->d);
	if (rc == 0)
		return 0;
	/* An implicit cast may still make them comparable. */
	if (alx_cast_context(lt, rt) == ALX_CAST_IMPLICIT &&
	    alx_cmp_check(op, alx_type_make(rt), (*r)->type, NULL) == 0)
		return alx_bind_coerce(b, l, alx_type_make(rt),
				       ALX_CAST_IMPLICIT, NULL);
	if (alx_cast_context(rt, lt) == ALX_CAST_IMPLICIT &&
	    alx_cmp_check(op, (*l)->type, alx_type_make(lt), NULL) == 0)
		return alx_bind_coerce(b, r, alx_type_make(lt),
				       ALX_CAST_IMPLICIT, NULL);
	return rc;
}

int alx_bind_make_cmp(struct alx_bind_ctx *b, int code, struct alx_bx *l,
		      struct alx_bx *r, struct alx_bx **out)
{
	int rc = alx_bind_cmp_args(b, alx_cmp_text(code), &l, &r);
	if (rc != 0)
		return rc;
	struct alx_bx *e =
		alx_bx_new(b, ALX_BX_CMP, alx_type_make(ALX_T_BOOL), 2);
	if (e == NULL)
		return alx_bind_oom(b);
	e->u.op.code = code;
	e->args[0] = l;
	e->args[1] = r;
	*out = e;
	return alx_bind_fold(b, out);
}

static int binop_code(int op)
{
	switch (op) {
	case ALX_SQL_OP_ADD:
		return ALX_OP_ADD;
	case ALX_SQL_OP_SUB:
		return ALX_OP_SUB;
	case ALX_SQL_OP_MUL:
		return ALX_OP_MUL;
	case ALX_SQL_OP_DIV:
		return ALX_OP_DIV;
	case ALX_SQL_OP_MOD:
		return ALX_OP_MOD;
	case ALX_SQL_OP_POW:
		return ALX_OP_POW;
	case ALX_SQL_OP_CONCAT:
		return ALX_OP_CONCAT;
	default:
		return 0;
	}
}

/* A call of a built-in by name with bound arguments. */
static int make_call(struct alx_bind_ctx *b, const char *name,
		     struct alx_bx **args, uint32_t nargs, struct alx_bx **out)
{
	const struct alx_func_def *def = alx_func_find(name, nargs);
	if (def == NULL)
		return alx_func_no_match(b, name, args, nargs);
	struct alx_bx *e =
		alx_bx_new(b, ALX_BX_FUNC, alx_type_make(def->ret), nargs);
	if (e == NULL)
		return alx_bind_oom(b);
	e->u.func.def = def;
	for (uint32_t i = 0; i < nargs; i++)
		e->args[i] = args[i];
	int rc;
	if (def->resolve != NULL) {
		rc = def->resolve(b, e);
	} else {
		rc = 0;
		for (uint32_t i = 0; rc == 0 && i < nargs; i++) {
			int t = def->argt[i < 3 ? i : 2];
			if (t != ALX_T_ANY)
				rc = alx_func_arg(b, e, i, t);
		}
	}
	if (rc != 0)
		return rc;
	if (def->flags & (ALX_FN_VOLATILE | ALX_FN_STABLE))
		b->volatile_seen = true;
	*out = e;
	return alx_bind_fold(b, out);
}

/* A parameter's type from the other operand: its own type, or what
 * timestamps and intervals take (timestamp + $1: interval). */
static int param_operand_type(int op, int known, bool known_left)
{
	if (known == ALX_T_DATE)
		return known;
	return alx_binop_unknown_type(op, known, known_left);
}

static int bind_op(struct alx_bind_ctx *b, struct alx_scope *sc,
		   const struct alx_sql_expr *x, int ectx, struct alx_bx **out)
{
	struct alx_bx *l = NULL, *r = NULL;
	int rc;
	char b1[64], b2[64];
	const char *name = x->u.op.name.ptr ? x->u.op.name.ptr : "?";
	if (x->u.op.l != NULL) {
		rc = alx_bind_expr(b, sc, x->u.op.l, ectx, &l);
		if (rc != 0)
			return rc;
	}
	rc = alx_bind_expr(b, sc, x->u.op.r, ectx, &r);
	if (rc != 0)
		return rc;
	if (l == NULL) {
		/* prefix */
		if (x->u.op.code == ALX_SQL_OP_ADD)
			*out = r;
		if (x->u.op.code == ALX_SQL_OP_ADD)
			return 0;
		if (x->u.op.code == ALX_SQL_OP_OTHER && strcmp(name, "~") == 0)
			return make_call(b, "int_bitnot", &r, 1, out);
		if (x->u.op.code != ALX_SQL_OP_SUB)
			return alx_bind_err(b, "42883",
					    "operator does not exist: %s %s",
					    name, tname(r->type, b1));
		if (r->type.id == ALX_T_UNKNOWN)
			rc = alx_bind_coerce(b, &r,
					     alx_type_make(ALX_T_NUMERIC),
					     ALX_CAST_IMPLICIT, NULL);
		if (rc == 0 &&
		    !(r->type.id >= ALX_T_INT2 &&
		      r->type.id <= ALX_T_NUMERIC) &&
		    r->type.id != ALX_T_INTERVAL)
			return alx_bind_err(b, "42883",
					    "operator does not exist: - %s",
					    tname(r->type, b1));
		struct alx_bx *e = alx_bx_new(b, ALX_BX_NEG, r->type, 1);
		if (e == NULL)
			return alx_bind_oom(b);
		e->args[0] = r;
		*out = e;
		return rc != 0 ? rc : alx_bind_fold(b, out);
	}
	int cmp = alx_cmp_from_op(x->u.op.code);
	if (cmp != 0)
		return alx_bind_make_cmp(b, cmp, l, r, out);
	int bop = binop_code(x->u.op.code);
	if (bop != 0) {
		/* Parameters take the other side's type, as PostgreSQL
		 * resolves unknown + integer to integer + integer. */
		if (l->kind == ALX_BX_PARAM && l->type.id == ALX_T_UNKNOWN &&
		    r->type.id != ALX_T_UNKNOWN)
			set_param_type(b, l,
				       alx_type_make(param_operand_type(
					       bop, r->type.id, false)));
		if (r->kind == ALX_BX_PARAM && r->type.id == ALX_T_UNKNOWN &&
		    l->type.id != ALX_T_UNKNOWN)
			set_param_type(b, r,
				       alx_type_make(param_operand_type(
					       bop, l->type.id, true)));
		struct alx_type rt;
		rc = alx_binop_result_type(bop, l->type, r->type, &rt, b->d);
		if (rc != 0)
			return rc;
		/* Unknown literals become the resolved operand type. */
		if (bop == ALX_OP_CONCAT) {
			if (l->type.id == ALX_T_UNKNOWN)
				rc = alx_bind_coerce(
					b, &l,
					alx_type_make(rt.id == ALX_T_TEXT
							      ? ALX_T_TEXT
							      : rt.id),
					ALX_CAST_IMPLICIT, NULL);
			if (rc == 0 && r->type.id == ALX_T_UNKNOWN)
				rc = alx_bind_coerce(
					b, &r,
					alx_type_make(rt.id == ALX_T_TEXT
							      ? ALX_T_TEXT
							      : rt.id),
					ALX_CAST_IMPLICIT, NULL);
		} else {
			if (l->type.id == ALX_T_UNKNOWN)
				rc = alx_bind_coerce(
					b, &l,
					alx_type_make(alx_binop_unknown_type(
						bop, r->type.id, false)),
					ALX_CAST_IMPLICIT, NULL);
			if (rc == 0 && r->type.id == ALX_T_UNKNOWN)
				rc = alx_bind_coerce(
					b, &r,
					alx_type_make(alx_binop_unknown_type(
						bop, l->type.id, true)),
					ALX_CAST_IMPLICIT, NULL);
		}
		if (rc != 0)
			return rc;
		struct alx_bx *e = alx_bx_new(b, ALX_BX_ARITH, rt, 2);
		if (e == NULL)
			return alx_bind_oom(b);
		e->u.op.code = bop;
		e->args[0] = l;
		e->args[1] = r;
		*out = e;
		return alx_bind_fold(b, out);
	}
	struct alx_bx *args[2] = {l, r};
	switch (x->u.op.code) {
	case ALX_SQL_OP_L2:
		return make_call(b, "l2_distance", args, 2, out);
	case ALX_SQL_OP_COSINE:
		return make_call(b, "cosine_distance", args, 2, out);
	case ALX_SQL_OP_NEG_IP:
		return make_call(b, "negative_inner_product", args, 2, out);
	case ALX_SQL_OP_JSON_GET:
		return make_call(b, "json_get_op", args, 2, out);
	case ALX_SQL_OP_JSON_TEXT:
		return make_call(b, "json_get_text_op", args, 2, out);
	case ALX_SQL_OP_LIKE:
	case ALX_SQL_OP_NOT_LIKE:
	case ALX_SQL_OP_ILIKE:
	case ALX_SQL_OP_NOT_ILIKE: {
		struct alx_bx *e = alx_bx_new(b, ALX_BX_LIKE,
					      alx_type_make(ALX_T_BOOL), 2);
		if (e == NULL)
			return alx_bind_oom(b);
		e->u.like.kind =
			x->u.op.code == ALX_SQL_OP_LIKE ||
					x->u.op.code == ALX_SQL_OP_NOT_LIKE
				? ALX_SQL_LIKE
				: ALX_SQL_ILIKE;
		e->u.like.negated = x->u.op.code == ALX_SQL_OP_NOT_LIKE ||
				    x->u.op.code == ALX_SQL_OP_NOT_ILIKE;
		e->args[0] = l;
		e->args[1] = r;
		struct alx_type tt = alx_type_make(ALX_T_TEXT);
		for (int i = 0; i < 2; i++) {
			if (!(e->args[i]->type.id == ALX_T_UNKNOWN ||
			      e->args[i]->type.id == ALX_T_TEXT ||
			      e->args[i]->type.id == ALX_T_VARCHAR ||
			      e->args[i]->type.id == ALX_T_BPCHAR))
				return alx_bind_err(
					b, "42883",
					"operator does not exist: %s %s %s",
					tname(l->type, b1), name,
					tname(r->type, b2));
			rc = alx_bind_coerce(b, &e->args[i], tt,
					     ALX_CAST_IMPLICIT, NULL);
			if (rc != 0)
				return rc;
		}
		*out = e;
		return 0;
	}
	default:
		break;
	}
	/* & | # << >>: integer bit operators */
	static const char *const bit_ops[][2] = {
		{"&", "int_bitand"}, {"|", "int_bitor"}, {"#", "int_bitxor"},
		{"<<", "int_shl"},   {">>", "int_shr"},
	};
	for (size_t i = 0; i < sizeof(bit_ops) / sizeof(bit_ops[0]); i++)
		if (strcmp(name, bit_ops[i][0]) == 0)
			return make_call(b, bit_ops[i][1], args, 2, out);
	/* ~ !~ ~* !~*: POSIX regular expressions (psql's \d patterns) */
	static const char *const re_ops[][2] = {
		{"~", "textregexeq"},
		{"!~", "textregexne"},
		{"~*", "texticregexeq"},
		{"!~*", "texticregexne"},
	};
	for (size_t i = 0; i < sizeof(re_ops) / sizeof(re_ops[0]); i++)
		if (strcmp(name, re_ops[i][0]) == 0)
			return make_call(b, re_ops[i][1], args, 2, out);
	return alx_bind_err(b, "42883", "operator does not exist: %s %s %s",
			    tname(l->type, b1), name, tname(r->type, b2));
}

/* ---- the rest -------------------------------------------------------- */

static int bind_list(struct alx_bind_ctx *b, struct alx_scope *sc,
		     const struct alx_sql_exprs *l, int ectx, struct alx_bx *e,
		     uint32_t first)
{
	for (uint32_t i = 0; i < l->n; i++) {
		int rc = alx_bind_expr(b, sc, l->v[i], ectx,
				       &e->args[first + i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int bind_logic(struct alx_bind_ctx *b, struct alx_scope *sc,
		      const struct alx_sql_expr *x, int ectx,
		      struct alx_bx **out)
{
	int kind = x->kind == ALX_SQL_E_AND  ? ALX_BX_AND
		   : x->kind == ALX_SQL_E_OR ? ALX_BX_OR
					     : ALX_BX_NOT;
	uint32_t n = kind == ALX_BX_NOT ? 1 : x->u.list.n;
	struct alx_bx *e = alx_bx_new(b, kind, alx_type_make(ALX_T_BOOL), n);
	if (e == NULL)
		return alx_bind_oom(b);
	const char *what = kind == ALX_BX_AND  ? "AND"
			   : kind == ALX_BX_OR ? "OR"
					       : "NOT";
	for (uint32_t i = 0; i < n; i++) {
		const struct alx_sql_expr *a =
			kind == ALX_BX_NOT ? x->u.unary.arg : x->u.list.v[i];
		int rc = alx_bind_expr(b, sc, a, ectx, &e->args[i]);
		if (rc == 0)
			rc = alx_bind_bool(b, &e->args[i], what);
		if (rc != 0)
			return rc;
	}
	*out = e;
	return alx_bind_fold(b, out);
}

static int bind_test(struct alx_bind_ctx *b, struct alx_scope *sc,
		     const struct alx_sql_expr *x, int ectx,
		     struct alx_bx **out)
{
	struct alx_bx *e =
		alx_bx_new(b, ALX_BX_TEST, alx_type_make(ALX_T_BOOL), 1);
	if (e == NULL)
		return alx_bind_oom(b);
	e->u.test.what = x->u.test.what;
	e->u.test.negated = x->u.test.negated;
	int rc = alx_bind_expr(b, sc, x->u.test.arg, ectx, &e->args[0]);
	if (rc == 0 && x->u.test.what != ALX_SQL_TEST_NULL)
		rc = alx_bind_bool(b, &e->args[0], "IS TRUE");
	if (rc != 0)
		return rc;
	*out = e;
	return alx_bind_fold(b, out);
}

static int bind_between(struct alx_bind_ctx *b, struct alx_scope *sc,
			const struct alx_sql_expr *x, int ectx,
			struct alx_bx **out)
{
	struct alx_bx *v, *lo, *hi, *c1, *c2;
	int rc = alx_bind_expr(b, sc, x->u.between.arg, ectx, &v);
	if (rc == 0)
		rc = alx_bind_expr(b, sc, x->u.between.lo, ectx, &lo);
	if (rc == 0)
		rc = alx_bind_expr(b, sc, x->u.between.hi, ectx, &hi);
	if (rc == 0)
		rc = alx_bind_make_cmp(b, ALX_CMP_GE, v, lo, &c1);
	if (rc == 0)
		rc = alx_bind_make_cmp(b, ALX_CMP_LE, v, hi, &c2);
	if (rc != 0)
		return rc;
	struct alx_bx *e =
		alx_bx_new(b, ALX_BX_AND, alx_type_make(ALX_T_BOOL), 2);
	if (e == NULL)
		return alx_bind_oom(b);
	e->args[0] = c1;
	e->args[1] = c2;
	if (x->u.between.symmetric) {
		struct alx_bx *d1, *d2;
		rc = alx_bind_make_cmp(b, ALX_CMP_GE, v, hi, &d1);
		if (rc == 0)
			rc = alx_bind_make_cmp(b, ALX_CMP_LE, v, lo, &d2);
		if (rc != 0)
			return rc;
		struct alx_bx *e2 =
			alx_bx_new(b, ALX_BX_AND, alx_type_make(ALX_T_BOOL), 2);
		struct alx_bx *o =
			alx_bx_new(b, ALX_BX_OR, alx_type_make(ALX_T_BOOL), 2);
		if (e2 == NULL || o == NULL)
			return alx_bind_oom(b);
		e2->args[0] = d1;
		e2->args[1] = d2;
		o->args[0] = e;
		o->args[1] = e2;
		e = o;
	}
	if (x->u.between.negated) {
		struct alx_bx *n =
			alx_bx_new(b, ALX_BX_NOT, alx_type_make(ALX_T_BOOL), 1);
		if (n == NULL)
			return alx_bind_oom(b);
		n->args[0] = e;
		e = n;
	}
	*out = e;
	return alx_bind_fold(b, out);
}

static int bind_in(struct alx_bind_ctx *b, struct alx_scope *sc,
		   const struct alx_sql_expr *x, int ectx, struct alx_bx **out)
{
	uint32_t n = x->u.in.list.n;
	struct alx_bx *e =
		alx_bx_new(b, ALX_BX_IN, alx_type_make(ALX_T_BOOL), n + 1);
	if (e == NULL)
		return alx_bind_oom(b);
	e->u.test.negated = x->u.in.negated;
	int rc = alx_bind_expr(b, sc, x->u.in.arg, ectx, &e->args[0]);
	if (rc == 0)
		rc = bind_list(b, sc, &x->u.in.list, ectx, e, 1);
	if (rc != 0)
		return rc;
	/* All of them to one type when the value is unknown; else each
	 * item is compared with the value as x = item would be. */
	if (e->args[0]->type.id == ALX_T_UNKNOWN) {
		struct alx_type t;
		rc = alx_bind_common_type(b, e->args, n + 1, "IN", &t);
		if (rc != 0)
			return rc;
	}
	for (uint32_t i = 1; i <= n; i++) {
		rc = alx_bind_cmp_args(b, "=", &e->args[0], &e->args[i]);
		if (rc != 0)
			return rc;
	}
	*out = e;
	return alx_bind_fold(b, out);
}

static int bind_like(struct alx_bind_ctx *b, struct alx_scope *sc,
		     const struct alx_sql_expr *x, int ectx,
		     struct alx_bx **out)
{
	if (x->u.like.kind == ALX_SQL_SIMILAR)
		return alx_bind_err(b, "0A000",
				    "SIMILAR TO is not supported yet");
	uint32_t n = x->u.like.escape ? 3 : 2;
	struct alx_bx *e =
		alx_bx_new(b, ALX_BX_LIKE, alx_type_make(ALX_T_BOOL), n);
	if (e == NULL)
		return alx_bind_oom(b);
	e->u.like.kind = x->u.like.kind;
	e->u.like.negated = x->u.like.negated;
	int rc = alx_bind_expr(b, sc, x->u.like.arg, ectx, &e->args[0]);
	if (rc == 0)
		rc = alx_bind_expr(b, sc, x->u.like.pattern, ectx, &e->args[1]);
	if (rc == 0 && n == 3)
		rc = alx_bind_expr(b, sc, x->u.like.escape, ectx, &e->args[2]);
	if (rc != 0)
		return rc;
	char b1[64], b2[64];
	for (uint32_t i = 0; i < n; i++) {
		int t = e->args[i]->type.id;
		if (t != ALX_T_UNKNOWN && t != ALX_T_TEXT &&
		    t != ALX_T_VARCHAR && t != ALX_T_BPCHAR)
			return alx_bind_err(
				b, "42883", "operator does not exist: %s %s %s",
				tname(e->args[0]->type, b1),
				x->u.like.kind == ALX_SQL_LIKE ? "~~" : "~~*",
				tname(e->args[1]->type, b2));
		/* PostgreSQL's bpchar ~~ text matches the padded value: only
		 * the pattern and escape lose CHAR(n)'s trailing spaces. */
		if (i == 0 && t == ALX_T_BPCHAR)
			continue;
		rc = alx_bind_coerce(b, &e->args[i], alx_type_make(ALX_T_TEXT),
				     ALX_CAST_IMPLICIT, NULL);
		if (rc != 0)
			return rc;
	}
	*out = e;
	return alx_bind_fold(b, out);
}

static int bind_case(struct alx_bind_ctx *b, struct alx_scope *sc,
		     const struct alx_sql_expr *x, int ectx,
		     struct alx_bx **out)
{
	/* args: cond0, res0, cond1, res1, ..., else; CASE x WHEN v is
	 * bound as WHEN x = v. */
	uint32_t nw = x->u.kase.nwhens;
	uint32_t n = 2 * nw + 1;
	struct alx_bx *e = alx_bx_new(b, ALX_BX_CASE, alx_type_make(0), n);
	struct alx_bx **results =
		alx_arena_calloc(b->a, nw + 1, sizeof(*results));
	if (e == NULL || results == NULL)
		return alx_bind_oom(b);
	e->u.kase.has_else = x->u.kase.else_ != NULL;
	int rc = 0;
	struct alx_bx *arg = NULL;
	if (x->u.kase.arg != NULL)
		rc = alx_bind_expr(b, sc, x->u.kase.arg, ectx, &arg);
	for (uint32_t i = 0; rc == 0 && i < nw; i++) {
		struct alx_bx *c = NULL;
		rc = alx_bind_expr(b, sc, x->u.kase.whens[i].cond, ectx, &c);
		if (rc == 0 && arg != NULL)
			rc = alx_bind_make_cmp(b, ALX_CMP_EQ, arg, c, &c);
		if (rc == 0)
			rc = alx_bind_bool(b, &c, "CASE/WHEN");
		if (rc == 0)
			rc = alx_bind_expr(b, sc, x->u.kase.whens[i].result,
					   ectx, &results[i]);
		e->args[2 * i] = c;
	}
	if (rc == 0) {
		if (x->u.kase.else_ != NULL) {
			rc = alx_bind_expr(b, sc, x->u.kase.else_, ectx,
					   &results[nw]);
		} else {
			results[nw] =
				alx_bx_const(b, alx_value_null(ALX_T_UNKNOWN),
					     alx_type_make(ALX_T_UNKNOWN));
			if (results[nw] == NULL)
				rc = alx_bind_oom(b);
		}
	}
	if (rc == 0)
		rc = alx_bind_common_type(b, results, nw + 1, "CASE", &e->type);
	if (rc != 0)
		return rc;
	for (uint32_t i = 0; i < nw; i++)
		e->args[2 * i + 1] = results[i];
	e->args[n - 1] = results[nw];
	*out = e;
	return 0;
}

static int bind_varlist(struct alx_bind_ctx *b, struct alx_scope *sc,
			const struct alx_sql_expr *x, int ectx,
			struct alx_bx **out)
{
	int kind = x->kind == ALX_SQL_E_COALESCE   ? ALX_BX_COALESCE
		   : x->kind == ALX_SQL_E_NULLIF   ? ALX_BX_NULLIF
		   : x->kind == ALX_SQL_E_GREATEST ? ALX_BX_GREATEST
						   : ALX_BX_LEAST;
	const char *what = kind == ALX_BX_COALESCE   ? "COALESCE"
			   : kind == ALX_BX_NULLIF   ? "NULLIF"
			   : kind == ALX_BX_GREATEST ? "GREATEST"
						     : "LEAST";
	uint32_t n = x->u.list.n;
	struct alx_bx *e = alx_bx_new(b, kind, alx_type_make(0), n);
	if (e == NULL)
		return alx_bind_oom(b);
	int rc = bind_list(b, sc, &x->u.list, ectx, e, 0);
	if (rc != 0)
		return rc;
	if (kind == ALX_BX_NULLIF) {
		rc = alx_bind_cmp_args(b, "=", &e->args[0], &e->args[1]);
		e->type = e->args[0]->type;
	} else {
		rc = alx_bind_common_type(b, e->args, n, what, &e->type);
	}
	if (rc != 0)
		return rc;
	*out = e;
	return alx_bind_fold(b, out);
}

/* Type names of casts: qualified pg_catalog names and regclass. */
int alx_bind_typename(struct alx_bind_ctx *b, const struct alx_sql_typename *tn,
		      struct alx_type *out)
{
	const char *name = tn->names.v[tn->names.n - 1].ptr;
	if (tn->names.n > 1) {
		const char *schema = tn->names.v[0].ptr;
		if (strcmp(schema, "pg_catalog") != 0 &&
		    strcmp(schema, "public") != 0)
			return alx_bind_err(b, "42704",
					    "type \"%s.%s\" does not exist",
					    schema, name);
	}
	if (tn->array_dims > 0)
		return alx_bind_err(b, "0A000",
				    "array types are not supported yet");
	if (strcmp(name, "regclass") == 0 || strcmp(name, "name") == 0) {
		*out = alx_type_make(ALX_T_TEXT);
		return 0;
	}
	int32_t mod = tn->nmods > 0 ? tn->mods[0] : -1;
	int32_t scale = tn->nmods > 1 ? tn->mods[1] : 0;
	if (tn->interval_fields != 0)
		scale = tn->interval_fields; /* INTERVAL DAY TO SECOND */
	return alx_type_from_name(name, mod, scale, out, b->d);
}

/*
 * Casts to the catalog types tools use (sql_syscat.h): oid and reg* values
 * are bigint OIDs; text to reg* looks the name up, an OID to reg* gives its
 * name as text; array casts keep the array literal text. 1: not one of
 * those.
 */
static int bind_syscat_cast(struct alx_bind_ctx *b,
			    const struct alx_sql_typename *tn, struct alx_bx *e,
			    struct alx_bx **out)
{
	const char *name = tn->names.v[tn->names.n - 1].ptr;
	bool from_text = e->type.id == ALX_T_UNKNOWN ||
			 e->type.id == ALX_T_TEXT ||
			 e->type.id == ALX_T_VARCHAR;
	bool from_int = e->type.id == ALX_T_INT2 || e->type.id == ALX_T_INT4 ||
			e->type.id == ALX_T_INT8;
	struct alx_bx *args[1] = {e};
	if (tn->array_dims > 0) {
		if (!from_text)
			return alx_bind_err(
				b, "0A000",
				"array types are not supported yet");
		int rc = alx_bind_coerce(b, &args[0], alx_type_make(ALX_T_TEXT),
					 ALX_CAST_EXPLICIT, NULL);
		*out = args[0];
		return rc;
	}
	if (strcmp(name, "oid") == 0 || strcmp(name, "regproc") == 0) {
		int rc = alx_bind_coerce(b, &args[0], alx_type_make(ALX_T_INT8),
					 ALX_CAST_EXPLICIT, NULL);
		*out = args[0];
		return rc;
	}
	static const char *const reg[][3] = {
		{"regclass", "regclassin", "regclassout"},
		{"regtype", "regtypein", "regtypeout"},
		{"regnamespace", NULL, "regnamespaceout"},
		{"regrole", NULL, "regroleout"},
	};
	for (size_t i = 0; i < sizeof(reg) / sizeof(reg[0]); i++) {
		if (strcmp(name, reg[i][0]) != 0)
			continue;
		if (from_text && reg[i][1] != NULL)
			return make_call(b, reg[i][1], args, 1, out);
		if (from_int)
			return make_call(b, reg[i][2], args, 1, out);
		return alx_bind_err(b, "42846", "cannot cast to %s", name);
	}
	/* 'name'::regclass::text: the name again, as PostgreSQL prints it */
	if (e->kind == ALX_BX_FUNC &&
	    (strcmp(name, "text") == 0 || strcmp(name, "varchar") == 0)) {
		const char *fn = e->u.func.def->name;
		if (strcmp(fn, "regclassin") == 0)
			return make_call(b, "regclassout", args, 1, out);
		if (strcmp(fn, "regtypein") == 0)
			return make_call(b, "regtypeout", args, 1, out);
	}
	return 1;
}

static int bind_cast(struct alx_bind_ctx *b, struct alx_scope *sc,
		     const struct alx_sql_expr *x, int ectx,
		     struct alx_bx **out)
{
	struct alx_type t;
	struct alx_bx *e;
	int rc = alx_bind_expr(b, sc, x->u.cast.arg, ectx, &e);
	if (rc != 0)
		return rc;
	rc = bind_syscat_cast(b, x->u.cast.type, e, out);
	if (rc <= 0)
		return rc;
	rc = alx_bind_typename(b, x->u.cast.type, &t);
	if (rc != 0)
		return rc;
	if (e->kind == ALX_BX_PARAM && e->type.id == ALX_T_UNKNOWN)
		set_param_type(b, e, t);
	if (e->type.id == t.id && e->type.mod == t.mod &&
	    e->type.scale == t.scale) {
		*out = e;
		return 0;
	}
	rc = alx_bind_coerce(b, &e, t, ALX_CAST_EXPLICIT, NULL);
	if (rc == 0 && e->kind == ALX_BX_CAST)
		e->u.cast.explicit_ = true;
	*out = e;
	return rc;
}

static int bind_sqlvalue(struct alx_bind_ctx *b, const struct alx_sql_expr *x,
			 struct alx_bx **out)
{
	const char *fn = NULL;
	switch (x->u.sqlvalue.kind) {
	case ALX_SQL_V_CURRENT_DATE:
		fn = "current_date";
		break;
	case ALX_SQL_V_CURRENT_TIMESTAMP:
		fn = "now";
		break;
	case ALX_SQL_V_LOCALTIMESTAMP:
		fn = "localtimestamp";
		break;
	case ALX_SQL_V_CURRENT_TIME:
	case ALX_SQL_V_LOCALTIME:
		return alx_bind_err(b, "0A000",
				    "the time type is not supported yet");
	case ALX_SQL_V_CURRENT_SCHEMA:
		fn = "current_schema";
		break;
	case ALX_SQL_V_CURRENT_CATALOG:
		fn = "current_database";
		break;
	default:
		fn = "current_user";
		break;
	}
	return make_call(b, fn, NULL, 0, out);
}

static int bind_vector(struct alx_bind_ctx *b, const struct alx_sql_expr *x,
		       struct alx_bx **out)
{
	const float *v;
	uint32_t dim;
	int rc = alx_vector_in(b->a, x->u.vector.text.ptr, x->u.vector.text.len,
			       -1, &v, &dim, b->d);
	if (rc != 0)
		return rc;
	struct alx_value val = {.type = ALX_T_VECTOR, .null = false};
	val.u.vec.ptr = v;
	val.u.vec.dim = dim;
	*out = alx_bx_const(b, val, alx_type_make(ALX_T_VECTOR));
	return *out ? 0 : alx_bind_oom(b);
}

int alx_bind_func(struct alx_bind_ctx *b, struct alx_scope *sc,
		  const struct alx_sql_expr *x, int ectx, struct alx_bx **out)
{
	const struct alx_sql_names *nm = &x->u.func.name;
	const char *name = nm->v[nm->n - 1].ptr;
	if (nm->n > 1 && strcmp(nm->v[0].ptr, "pg_catalog") != 0 &&
	    strcmp(nm->v[0].ptr, "public") != 0)
		return alx_bind_err(b, "42883", "function %s.%s does not exist",
				    nm->v[0].ptr, name);
	int agg = alx_agg_kind(name);
	if (agg != 0 || x->u.func.star || x->u.func.distinct ||
	    x->u.func.filter || x->u.func.norder) {
		return alx_bind_agg(b, sc, x, ectx, out);
	}
	uint32_t n = x->u.func.args.n;
	struct alx_bx **args = NULL;
	if (n > 0) {
		args = alx_arena_calloc(b->a, n, sizeof(*args));
		if (args == NULL)
			return alx_bind_oom(b);
	}
	for (uint32_t i = 0; i < n; i++) {
		int rc = alx_bind_expr(b, sc, x->u.func.args.v[i], ectx,
				       &args[i]);
		if (rc != 0)
			return rc;
	}
	return make_call(b, name, args, n, out);
}

/* x op ANY|ALL (array) and arr[i] over array literal text (the catalogs'
 * array columns, ARRAY(subquery)). */
static int bind_array_op(struct alx_bind_ctx *b, struct alx_scope *sc,
			 const struct alx_sql_expr *x, int ectx,
			 struct alx_bx **out)
{
	struct alx_bx *args[3];
	char tb[64];
	int rc;
	if (x->kind == ALX_SQL_E_SUBSCRIPT) {
		if (x->u.subscript.slice)
			return alx_bind_err(b, "0A000",
					    "array slices are not supported");
		rc = alx_bind_expr(b, sc, x->u.subscript.base, ectx, &args[0]);
		if (rc == 0)
			rc = alx_bind_expr(b, sc, x->u.subscript.lo, ectx,
					   &args[1]);
		if (rc != 0)
			return rc;
		if (args[0]->type.id != ALX_T_TEXT &&
		    args[0]->type.id != ALX_T_UNKNOWN)
			return alx_bind_err(b, "42804",
					    "cannot subscript type %s because "
					    "it does not support subscripting",
					    tname(args[0]->type, tb));
		return make_call(b, "alx_array_elem", args, 2, out);
	}
	int cmp = alx_cmp_from_op(x->u.array_cmp.op_code);
	if (cmp == 0)
		return alx_bind_err(b, "0A000",
				    "operator %s in ANY/ALL is not supported",
				    x->u.array_cmp.op_name.ptr);
	rc = alx_bind_expr(b, sc, x->u.array_cmp.l, ectx, &args[0]);
	if (rc == 0)
		rc = alx_bind_expr(b, sc, x->u.array_cmp.r, ectx, &args[1]);
	if (rc != 0)
		return rc;
	if (args[1]->type.id != ALX_T_TEXT && args[1]->type.id != ALX_T_UNKNOWN)
		return alx_bind_err(b, "42809",
				    "op ANY/ALL (array) requires array on "
				    "right side");
	struct alx_value code =
		alx_value_int(ALX_T_INT4, cmp + (x->u.array_cmp.all ? 16 : 0));
	args[2] = alx_bx_const(b, code, alx_type_make(ALX_T_INT4));
	if (args[2] == NULL)
		return alx_bind_oom(b);
	return make_call(b, "alx_any_array", args, 3, out);
}

int alx_bind_make_distinct(struct alx_bind_ctx *b, struct alx_bx *l,
			   struct alx_bx *r, bool negated, struct alx_bx **out)
{
	int rc = alx_bind_cmp_args(b, "=", &l, &r);
	if (rc != 0)
		return rc;
	struct alx_bx *e =
		alx_bx_new(b, ALX_BX_DISTINCT, alx_type_make(ALX_T_BOOL), 2);
	if (e == NULL)
		return alx_bind_oom(b);
	e->u.test.negated = negated;
	e->args[0] = l;
	e->args[1] = r;
	*out = e;
	return alx_bind_fold(b, out);
}

int alx_bind_expr(struct alx_bind_ctx *b, struct alx_scope *sc,
		  const struct alx_sql_expr *x, int ectx, struct alx_bx **out)
{
	switch (x->kind) {
	case ALX_SQL_E_CONST:
		return bind_const(b, x, out);
	case ALX_SQL_E_COLUMN: {
		if (ectx == ALX_ECTX_DEFAULT_EXPR)
			return alx_bind_err(b, "0A000",
					    "cannot use column reference in "
					    "DEFAULT expression");
		int rc = alx_bind_column(b, sc, x, out);
		alx_bind_note_pos(b, rc, x->loc);
		return rc;
	}
	case ALX_SQL_E_PARAM: {
		uint32_t n = x->u.param.number;
		if (n == 0 || n > b->nparams)
			return alx_bind_err(b, "42P02",
					    "there is no parameter $%u", n);
		struct alx_bx *e =
			alx_bx_new(b, ALX_BX_PARAM, b->param_types[n - 1], 0);
		if (e == NULL)
			return alx_bind_oom(b);
		e->u.param = n - 1;
		*out = e;
		return 0;
	}
	case ALX_SQL_E_OP:
		if (x->u.op.l != NULL && alx_cmp_from_op(x->u.op.code) != 0 &&
		    (alx_sql_is_row(x->u.op.l) || alx_sql_is_row(x->u.op.r)))
			return alx_bind_row_op(b, sc, x, ectx, out);
		return bind_op(b, sc, x, ectx, out);
	case ALX_SQL_E_AND:
	case ALX_SQL_E_OR:
	case ALX_SQL_E_NOT:
		return bind_logic(b, sc, x, ectx, out);
	case ALX_SQL_E_TEST:
		return bind_test(b, sc, x, ectx, out);
	case ALX_SQL_E_DISTINCT: {
		if (alx_sql_is_row(x->u.binary.l) ||
		    alx_sql_is_row(x->u.binary.r))
			return alx_bind_row_distinct(b, sc, x, ectx, out);
		struct alx_bx *l, *r;
		int rc = alx_bind_expr(b, sc, x->u.binary.l, ectx, &l);
		if (rc == 0)
			rc = alx_bind_expr(b, sc, x->u.binary.r, ectx, &r);
		if (rc != 0)
			return rc;
		return alx_bind_make_distinct(b, l, r, x->u.binary.negated,
					      out);
	}
	case ALX_SQL_E_BETWEEN:
		return bind_between(b, sc, x, ectx, out);
	case ALX_SQL_E_IN:
		if (alx_sql_is_row(x->u.in.arg))
			return alx_bind_row_in(b, sc, x, ectx, out);
		return bind_in(b, sc, x, ectx, out);
	case ALX_SQL_E_LIKE:
		return bind_like(b, sc, x, ectx, out);
	case ALX_SQL_E_SUBLINK:
		if (ectx == ALX_ECTX_DEFAULT_EXPR)
			return alx_bind_err(b, "0A000",
					    "cannot use subquery in DEFAULT "
					    "expression");
		return alx_bind_sublink(b, sc, x, ectx, out);
	case ALX_SQL_E_CASE:
		return bind_case(b, sc, x, ectx, out);
	case ALX_SQL_E_CAST:
		return bind_cast(b, sc, x, ectx, out);
	case ALX_SQL_E_FUNC:
		return alx_bind_func(b, sc, x, ectx, out);
	case ALX_SQL_E_COALESCE:
	case ALX_SQL_E_NULLIF:
	case ALX_SQL_E_GREATEST:
	case ALX_SQL_E_LEAST:
		return bind_varlist(b, sc, x, ectx, out);
	case ALX_SQL_E_SQLVALUE:
		return bind_sqlvalue(b, x, out);
	case ALX_SQL_E_VECTOR:
		return bind_vector(b, x, out);
	case ALX_SQL_E_COLLATE:
		return alx_bind_expr(b, sc, x->u.collate.arg, ectx, out);
	case ALX_SQL_E_DEFAULT:
		return alx_bind_err(b, "42601",
				    "DEFAULT is not allowed in this context");
	case ALX_SQL_E_ARRAY_CMP:
	case ALX_SQL_E_SUBSCRIPT:
		return bind_array_op(b, sc, x, ectx, out);
	case ALX_SQL_E_ARRAY:
		return alx_bind_err(b, "0A000", "arrays are not supported yet");
	case ALX_SQL_E_ROW:
		return alx_bind_err(b, "0A000",
				    "row constructors are not supported yet");
	default:
		return alx_bind_err(b, "0A000",
				    "expression kind %d is not supported",
				    x->kind);
	}
}

void alx_bind_finish_params(struct alx_bind_ctx *b)
{
	for (uint32_t i = 0; i < b->nparams; i++)
		if (b->param_types[i].id == ALX_T_UNKNOWN)
			b->param_types[i] = alx_type_make(ALX_T_TEXT);
}
