/* The function table; math, vector, sequence, JSON and info functions. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "db/db_internal.h"
#include "runtime/alx_diag.h"
#include "sql/sql_catalog.h"
#include "sql/sql_exec_int.h"
#include "sql/sql_func.h"
#include "sql/sql_json.h"
#include "sql/sql_numeric.h"
#include "sql/sql_roles.h"
#include "sql/sql_session.h"
#include "sql/sql_vector.h"

/* ---- lookup ------------------------------------------------------------------- */

static const struct alx_func_def *const tables[] = {
	alx_funcs_core,
	alx_funcs_str,
	alx_funcs_dt,
	alx_funcs_syscat,
};

const struct alx_func_def *alx_func_find(const char *name, uint32_t nargs)
{
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct alx_func_def *f = tables[t]; f->name; f++)
			if (strcmp(f->name, name) == 0 &&
			    (int)nargs >= f->min_args &&
			    (f->max_args < 0 || (int)nargs <= f->max_args))
				return f;
	return NULL;
}

bool alx_func_known(const char *name)
{
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct alx_func_def *f = tables[t]; f->name; f++)
			if (strcmp(f->name, name) == 0)
				return true;
	return false;
}

int alx_agg_kind(const char *name)
{
	static const struct {
		const char *name;
		int kind;
	} aggs[] = {
		{"count", ALX_AGG_COUNT},
		{"sum", ALX_AGG_SUM},
		{"avg", ALX_AGG_AVG},
		{"min", ALX_AGG_MIN},
		{"max", ALX_AGG_MAX},
		{"bool_and", ALX_AGG_BOOL_AND},
		{"every", ALX_AGG_BOOL_AND},
		{"bool_or", ALX_AGG_BOOL_OR},
		{"string_agg", ALX_AGG_STRING_AGG},
		{"array_agg", ALX_AGG_ARRAY_AGG},
	};
	for (size_t i = 0; i < sizeof(aggs) / sizeof(aggs[0]); i++)
		if (strcmp(aggs[i].name, name) == 0)
			return aggs[i].kind;
	return 0;
}

int alx_func_no_match(struct alx_bind_ctx *b, const char *name,
		      struct alx_bx *const *args, uint32_t nargs)
{
	char list[400] = "";
	size_t n = 0;
	for (uint32_t i = 0; i < nargs && n < sizeof(list) - 80; i++) {
		char t[64];
		alx_type_sqlname(alx_type_make(args[i]->type.id), t, sizeof(t));
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
				      i ? ", " : "", t);
	}
	return alx_bind_err(b, "42883", "function %s(%s) does not exist", name,
			    list);
}

int alx_func_arg(struct alx_bind_ctx *b, struct alx_bx *call, uint32_t i,
		 int type)
{
	struct alx_bx *a = call->args[i];
	if (a->type.id != ALX_T_UNKNOWN && a->type.id != type &&
	    alx_cast_context(a->type.id, type) != ALX_CAST_IMPLICIT)
		return alx_func_no_match(b, call->u.func.def->name, call->args,
					 call->nargs);
	return alx_bind_coerce(b, &call->args[i], alx_type_make(type),
			       ALX_CAST_IMPLICIT, NULL);
}

int alx_func_lookup_word(const struct alx_value *v, const char *const *names,
			 int n)
{
	for (int i = 0; i < n; i++)
		if (v->u.s.len == strlen(names[i]) &&
		    strncasecmp((const char *)v->u.s.ptr, names[i],
				v->u.s.len) == 0)
			return i;
	return -1;
}

static bool is_int(int t)
{
	return t == ALX_T_INT2 || t == ALX_T_INT4 || t == ALX_T_INT8;
}

/* ---- math ---------------------------------------------------------------------- */

/* abs, sign: the argument's numeric type. */
static int r_same_number(struct alx_bind_ctx *b, struct alx_bx *c)
{
	int t = c->args[0]->type.id;
	if (t == ALX_T_UNKNOWN)
		t = ALX_T_FLOAT8;
	if (!is_int(t) && t != ALX_T_FLOAT4 && t != ALX_T_FLOAT8 &&
	    t != ALX_T_NUMERIC)
		return alx_func_no_match(b, c->u.func.def->name, c->args,
					 c->nargs);
	if (strcmp(c->u.func.def->name, "sign") == 0 && t != ALX_T_NUMERIC)
		t = ALX_T_FLOAT8;
	c->type = alx_type_make(t);
	return alx_func_arg(b, c, 0, t);
}

/* round, trunc, ceil, floor: float8 or numeric (integers: float8). */
static int r_round(struct alx_bind_ctx *b, struct alx_bx *c)
{
	int t = c->args[0]->type.id;
	int want = t == ALX_T_NUMERIC ? ALX_T_NUMERIC : ALX_T_FLOAT8;
	if (c->nargs == 2)
		want = ALX_T_NUMERIC;
	if (t == ALX_T_UNKNOWN && c->nargs == 1)
		want = ALX_T_FLOAT8;
	if (c->nargs == 2 && t != ALX_T_UNKNOWN && !is_int(t) &&
	    t != ALX_T_NUMERIC)
		return alx_func_no_match(b, c->u.func.def->name, c->args,
					 c->nargs);
	c->type = alx_type_make(want);
	int rc = alx_func_arg(b, c, 0, want);
	if (rc == 0 && c->nargs == 2)
		rc = alx_func_arg(b, c, 1, ALX_T_INT4);
	return rc;
}

static int numeric_text_op(struct alx_ev *ev, const struct alx_value *v,
			   int scale, int mode, struct alx_value *out)
{
	/* mode 0 round, 1 trunc, 2 ceil, 3 floor, through numeric ops */
	struct alx_num_ref n = {v->u.s.ptr, v->u.s.len}, r;
	int kind = alx_numeric_kind(n);
	if (kind == ALX_NUM_NAN || kind == ALX_NUM_PINF ||
	    kind == ALX_NUM_NINF) {
		*out = *v;
		return 0;
	}
	const char *txt;
	size_t len;
	int rc = alx_numeric_out(ev->a, n, &txt, &len);
	if (rc != 0)
		return alx_exec_oom(ev->ex);
	if (mode == 0) {
		rc = alx_numeric_typmod(ev->a, n, ALX_NUMERIC_MAX_PRECISION,
					scale, &r, ev->ex->d);
		if (rc != 0)
			return rc;
	} else {
		/* cut the digits after `scale` (trunc), then adjust */
		const char *dot = memchr(txt, '.', len);
		size_t keep = len;
		bool cut_nonzero = false;
		if (dot != NULL) {
			size_t int_end = (size_t)(dot - txt);
			keep = scale > 0 ? int_end + 1 + (size_t)scale
					 : int_end;
			if (keep > len)
				keep = len;
			for (size_t i = keep; i < len; i++)
				if (txt[i] >= '1' && txt[i] <= '9')
					cut_nonzero = true;
		}
		rc = alx_numeric_in(ev->a, txt, keep, -1, 0, &r, ev->ex->d);
		if (rc != 0)
			return rc;
		bool neg = txt[0] == '-';
		if (cut_nonzero &&
		    ((mode == 2 && !neg) || (mode == 3 && neg))) {
			struct alx_num_ref one;
			rc = alx_numeric_in(ev->a, neg ? "-1" : "1",
					    neg ? 2 : 1, -1, 0, &one,
					    ev->ex->d);
			if (rc == 0)
				rc = alx_numeric_arith(ev->a, ALX_OP_ADD, r,
						       one, &r, ev->ex->d);
			if (rc != 0)
				return rc;
		}
	}
	*out = alx_value_bytes(ALX_T_NUMERIC, r.ptr, r.len);
	return 0;
}

static int f_abs(struct alx_ev *ev, const struct alx_bx *c,
		 const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	*out = a[0];
	switch (a[0].type) {
	case ALX_T_INT2:
	case ALX_T_INT4:
	case ALX_T_INT8: {
		int64_t mn, mx;
		mn = a[0].type == ALX_T_INT8   ? INT64_MIN
		     : a[0].type == ALX_T_INT4 ? INT32_MIN
					       : INT16_MIN;
		mx = 0;
		(void)mx;
		if (a[0].u.i == mn)
			return alx_exec_err(ev->ex, "22003", "%s out of range",
					    a[0].type == ALX_T_INT8 ? "bigint"
					    : a[0].type == ALX_T_INT4
						    ? "integer"
						    : "smallint");
		out->u.i = a[0].u.i < 0 ? -a[0].u.i : a[0].u.i;
		return 0;
	}
	case ALX_T_FLOAT4:
	case ALX_T_FLOAT8:
		out->u.f = fabs(a[0].u.f);
		return 0;
	default: {
		struct alx_num_ref n = {a[0].u.s.ptr, a[0].u.s.len}, r;
		if (alx_numeric_kind(n) == ALX_NUM_NEG ||
		    alx_numeric_kind(n) == ALX_NUM_NINF) {
			int rc = alx_numeric_neg(ev->a, n, &r);
			if (rc != 0)
				return alx_exec_oom(ev->ex);
			*out = alx_value_bytes(ALX_T_NUMERIC, r.ptr, r.len);
		}
		return 0;
	}
	}
}

static int f_sign(struct alx_ev *ev, const struct alx_bx *c,
		  const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	if (a[0].type == ALX_T_NUMERIC) {
		int k = alx_numeric_kind(
			(struct alx_num_ref){a[0].u.s.ptr, a[0].u.s.len});
		/* zero is the 5-byte header alone; Infinity is positive */
		const char *s = k == ALX_NUM_NEG || k == ALX_NUM_NINF	? "-1"
				: k == ALX_NUM_NAN			? "NaN"
				: k == ALX_NUM_POS && a[0].u.s.len <= 5 ? "0"
									: "1";
		return alx_value_in(ev->a, alx_type_make(ALX_T_NUMERIC), s,
				    strlen(s), NULL, out, ev->ex->d);
	}
	double f = a[0].u.f;
	*out = alx_value_float(ALX_T_FLOAT8, f > 0 ? 1 : f < 0 ? -1 : 0);
	return 0;
}

static int round_common(struct alx_ev *ev, const struct alx_bx *c,
			const struct alx_value *a, struct alx_value *out,
			int mode)
{
	if (a[0].type == ALX_T_NUMERIC) {
		int64_t scale = c->nargs > 1 ? a[1].u.i : 0;
		if (scale < -100000 || scale > 100000) /* clamped further on */
			scale = scale < 0 ? -100000 : 100000;
		if (mode <= 1) {
			struct alx_num_ref n = {a[0].u.s.ptr, a[0].u.s.len}, r;
			int rc = alx_numeric_round(ev->a, n, (int)scale,
						   mode == 1, &r, ev->ex->d);
			if (rc != 0)
				return rc;
			*out = alx_value_bytes(ALX_T_NUMERIC, r.ptr, r.len);
			return 0;
		}
		return numeric_text_op(ev, &a[0], (int)scale, mode, out);
	}
	double f = a[0].u.f, r;
	switch (mode) {
	case 0:
		r = rint(f);
		break;
	case 1:
		r = trunc(f);
		break;
	case 2:
		r = ceil(f);
		break;
	default:
		r = floor(f);
		break;
	}
	*out = alx_value_float(ALX_T_FLOAT8, r);
	return 0;
}

static int f_round(struct alx_ev *ev, const struct alx_bx *c,
		   const struct alx_value *a, struct alx_value *out)
{
	return round_common(ev, c, a, out, 0);
}

static int f_trunc(struct alx_ev *ev, const struct alx_bx *c,
		   const struct alx_value *a, struct alx_value *out)
{
	return round_common(ev, c, a, out, 1);
}

static int f_ceil(struct alx_ev *ev, const struct alx_bx *c,
		  const struct alx_value *a, struct alx_value *out)
{
	return round_common(ev, c, a, out, 2);
}

static int f_floor(struct alx_ev *ev, const struct alx_bx *c,
		   const struct alx_value *a, struct alx_value *out)
{
	return round_common(ev, c, a, out, 3);
}

static int float_result(struct alx_ev *ev, double r, struct alx_value *out)
{
	if (isinf(r))
		return alx_exec_err(ev->ex, "22003",
				    "value out of range: overflow");
	*out = alx_value_float(ALX_T_FLOAT8, r);
	return 0;
}

/* sqrt, exp, ln, log, log10, power: numeric when an argument is numeric
 * and none is a float, else float8 (PostgreSQL's preferred type, which
 * integers and unknowns resolve to). log(b, x) exists for numerics only. */
static int r_fmath(struct alx_bind_ctx *b, struct alx_bx *c)
{
	bool fl = false, nu = false;
	for (uint32_t i = 0; i < c->nargs; i++) {
		int t = c->args[i]->type.id;
		fl = fl || t == ALX_T_FLOAT4 || t == ALX_T_FLOAT8;
		nu = nu || t == ALX_T_NUMERIC;
	}
	int want = nu && !fl ? ALX_T_NUMERIC : ALX_T_FLOAT8;
	if (c->nargs == 2 && strcmp(c->u.func.def->name, "log") == 0)
		want = ALX_T_NUMERIC;
	c->type = alx_type_make(want);
	int rc = 0;
	for (uint32_t i = 0; rc == 0 && i < c->nargs; i++)
		rc = alx_func_arg(b, c, i, want);
	return rc;
}

static int numeric_fn(struct alx_ev *ev, int fn, const struct alx_value *x,
		      const struct alx_value *y, struct alx_value *out)
{
	struct alx_num_ref nx = {x->u.s.ptr, x->u.s.len}, ny = nx, r;
	if (y != NULL)
		ny = (struct alx_num_ref){y->u.s.ptr, y->u.s.len};
	int rc = alx_numeric_fn(ev->a, fn, nx, ny, &r, ev->ex->d);
	if (rc != 0)
		return rc;
	*out = alx_value_bytes(ALX_T_NUMERIC, r.ptr, r.len);
	return 0;
}

/* log(x) and log10(x) of a numeric: PostgreSQL's log(10, x). */
static int numeric_log10(struct alx_ev *ev, const struct alx_value *x,
			 struct alx_value *out)
{
	uint8_t buf[ALX_NUMERIC_INT_BUFSZ];
	struct alx_num_ref ten;
	alx_numeric_from_int_buf(10, buf, &ten);
	struct alx_value t = alx_value_bytes(ALX_T_NUMERIC, ten.ptr, ten.len);
	return numeric_fn(ev, ALX_NUMFN_LOG, &t, x, out);
}

static int f_div(struct alx_ev *ev, const struct alx_bx *c,
		 const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	return numeric_fn(ev, ALX_NUMFN_DIV, &a[0], &a[1], out);
}

/* scale(numeric): the display scale; NULL for NaN and infinities. */
static int f_scale(struct alx_ev *ev, const struct alx_bx *c,
		   const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	struct alx_num_parts p;
	alx_numeric_parts((struct alx_num_ref){a[0].u.s.ptr, a[0].u.s.len}, &p);
	if (p.kind >= ALX_NUM_NAN)
		*out = alx_value_null(ALX_T_INT4);
	else
		*out = alx_value_int(ALX_T_INT4, p.dscale);
	return 0;
}

static int f_sqrt(struct alx_ev *ev, const struct alx_bx *c,
		  const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	if (a[0].type == ALX_T_NUMERIC)
		return numeric_fn(ev, ALX_NUMFN_SQRT, &a[0], NULL, out);
	if (a[0].u.f < 0)
		return alx_exec_err(ev->ex, "2201F",
				    "cannot take square root of a negative "
				    "number");
	return float_result(ev, sqrt(a[0].u.f), out);
}

static int f_cbrt(struct alx_ev *ev, const struct alx_bx *c,
		  const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	return float_result(ev, cbrt(a[0].u.f), out);
}

static int f_exp(struct alx_ev *ev, const struct alx_bx *c,
		 const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	if (a[0].type == ALX_T_NUMERIC)
		return numeric_fn(ev, ALX_NUMFN_EXP, &a[0], NULL, out);
	return float_result(ev, exp(a[0].u.f), out);
}

static int log_check(struct alx_ev *ev, double x)
{
	if (x == 0)
		return alx_exec_err(ev->ex, "2201E",
				    "cannot take logarithm of zero");
	if (x < 0)
		return alx_exec_err(ev->ex, "2201E",
				    "cannot take logarithm of a negative "
				    "number");
	return 0;
}

static int f_ln(struct alx_ev *ev, const struct alx_bx *c,
		const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	if (a[0].type == ALX_T_NUMERIC)
		return numeric_fn(ev, ALX_NUMFN_LN, &a[0], NULL, out);
	int rc = log_check(ev, a[0].u.f);
	return rc ? rc : float_result(ev, log(a[0].u.f), out);
}

static int f_log10(struct alx_ev *ev, const struct alx_bx *c,
		   const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	if (c->nargs == 2)
		return numeric_fn(ev, ALX_NUMFN_LOG, &a[0], &a[1], out);
	if (a[0].type == ALX_T_NUMERIC)
		return numeric_log10(ev, &a[0], out);
	int rc = log_check(ev, a[0].u.f);
	return rc ? rc : float_result(ev, log10(a[0].u.f), out);
}

static int f_power(struct alx_ev *ev, const struct alx_bx *c,
		   const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	if (a[0].type == ALX_T_NUMERIC)
		return alx_value_binop(ev->a, ALX_OP_POW, &a[0], &a[1], out,
				       ev->ex->d);
	double x = a[0].u.f, y = a[1].u.f;
	if (x == 0 && y < 0)
		return alx_exec_err(ev->ex, "2201F",
				    "zero raised to a negative power is "
				    "undefined");
	if (x < 0 && floor(y) != y)
		return alx_exec_err(ev->ex, "2201F",
				    "a negative number raised to a "
				    "non-integer power yields a complex "
				    "result");
	return float_result(ev, pow(x, y), out);
}

static int f_pi(struct alx_ev *ev, const struct alx_bx *c,
		const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	(void)a;
	*out = alx_value_float(ALX_T_FLOAT8, M_PI);
	return 0;
}

static int f_random(struct alx_ev *ev, const struct alx_bx *c,
		    const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	(void)a;
	/* xorshift on the execution: no process globals */
	uint64_t *s = &ev->ex->rng;
	if (*s == 0)
		*s = (uint64_t)alx_exec_stmt_ts(ev->ex) ^
		     0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)ev->ex;
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	*out = alx_value_float(ALX_T_FLOAT8,
			       (double)(*s >> 11) / 9007199254740992.0);
	return 0;
}

static int r_mod(struct alx_bind_ctx *b, struct alx_bx *c)
{
	struct alx_type t;
	int rc = alx_binop_result_type(ALX_OP_MOD, c->args[0]->type,
				       c->args[1]->type, &t, b->d);
	if (rc != 0)
		return alx_func_no_match(b, "mod", c->args, c->nargs);
	c->type = t;
	rc = alx_func_arg(b, c, 0, t.id);
	if (rc == 0)
		rc = alx_func_arg(b, c, 1, t.id);
	return rc;
}

static int f_mod(struct alx_ev *ev, const struct alx_bx *c,
		 const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	return alx_value_binop(ev->a, ALX_OP_MOD, &a[0], &a[1], out, ev->ex->d);
}

/* ---- integer bit operators: & | # << >> and prefix ~ --------------------------- */

/*
 * PostgreSQL's C semantics on x86: the result wraps to its type, a shift
 * count is taken modulo the width (32 for smallint and integer, which C
 * promotes, 64 for bigint). One evaluation function an operator; each
 * hands its raw result to bit_result to be wrapped.
 */
static int bit_result(const struct alx_bx *c, const struct alx_value *a,
		      uint64_t r, struct alx_value *out)
{
	int t = c->type.id;
	*out = a[0];
	out->type = t;
	out->u.i = t == ALX_T_INT8   ? (int64_t)r
		   : t == ALX_T_INT4 ? (int32_t)(uint32_t)r
				     : (int16_t)(uint16_t)r;
	return 0;
}

static unsigned shift_count(const struct alx_bx *c, const struct alx_value *a)
{
	return (unsigned)a[1].u.i & (c->type.id == ALX_T_INT8 ? 63u : 31u);
}

static int f_bitand(struct alx_ev *ev, const struct alx_bx *c,
		    const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	return bit_result(c, a, (uint64_t)a[0].u.i & (uint64_t)a[1].u.i, out);
}

static int f_bitor(struct alx_ev *ev, const struct alx_bx *c,
		   const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	return bit_result(c, a, (uint64_t)a[0].u.i | (uint64_t)a[1].u.i, out);
}

static int f_bitxor(struct alx_ev *ev, const struct alx_bx *c,
		    const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	return bit_result(c, a, (uint64_t)a[0].u.i ^ (uint64_t)a[1].u.i, out);
}

static int f_bitnot(struct alx_ev *ev, const struct alx_bx *c,
		    const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	return bit_result(c, a, ~(uint64_t)a[0].u.i, out);
}

static int f_shl(struct alx_ev *ev, const struct alx_bx *c,
		 const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	unsigned n = shift_count(c, a);
	uint64_t x = (uint64_t)a[0].u.i;
	return bit_result(c, a,
			  c->type.id == ALX_T_INT8 ? x << n : (uint32_t)x << n,
			  out);
}

/* arithmetic: the sign bit is copied in */
static int f_shr(struct alx_ev *ev, const struct alx_bx *c,
		 const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	unsigned n = shift_count(c, a);
	int64_t x = a[0].u.i;
	return bit_result(c, a,
			  (uint64_t)(c->type.id == ALX_T_INT8
					     ? x >> n
					     : (int64_t)((int32_t)x >> n)),
			  out);
}

/*
 * Both sides integers (an unknown literal is one): & | # give the wider
 * type, << >> the left side's with an integer count (not a bigint), ~ its
 * operand's. The evaluation function says which operator the call is.
 */
static int r_bitop(struct alx_bind_ctx *b, struct alx_bx *c)
{
	alx_func_eval_fn op = c->u.func.def->eval;
	bool shift = op == f_shl || op == f_shr;
	int t[2] = {ALX_T_INT4, ALX_T_INT4};
	bool ok = true;
	for (uint32_t i = 0; i < c->nargs; i++) {
		t[i] = c->args[i]->type.id;
		if (t[i] == ALX_T_UNKNOWN)
			t[i] = ALX_T_INT4;
		ok = ok && is_int(t[i]);
	}
	if (shift && t[1] == ALX_T_INT8)
		ok = false; /* PostgreSQL has no int << int8 */
	if (!ok) {
		char l[64], r[64];
		alx_type_sqlname(alx_type_make(c->args[0]->type.id), l,
				 sizeof(l));
		if (c->nargs == 1)
			return alx_bind_err(b, "42883",
					    "operator does not exist: ~ %s", l);
		alx_type_sqlname(alx_type_make(c->args[1]->type.id), r,
				 sizeof(r));
		const char *sym = op == f_bitand   ? "&"
				  : op == f_bitor  ? "|"
				  : op == f_bitxor ? "#"
				  : op == f_shl	   ? "<<"
						   : ">>";
		return alx_bind_err(b, "42883",
				    "operator does not exist: %s %s %s", l, sym,
				    r);
	}
	int rt = t[0];
	if (c->nargs == 2 && !shift && t[1] > rt)
		rt = t[1]; /* int2 < int4 < int8 */
	c->type = alx_type_make(rt);
	int rc = alx_func_arg(b, c, 0, rt);
	if (rc == 0 && c->nargs == 2)
		rc = alx_func_arg(b, c, 1, shift ? ALX_T_INT4 : rt);
	return rc;
}

/* ---- vectors ---------------------------------------------------------------------- */

static int r_vec2(struct alx_bind_ctx *b, struct alx_bx *c)
{
	int rc = 0;
	for (uint32_t i = 0; rc == 0 && i < 2; i++)
		rc = alx_func_arg(b, c, i, ALX_T_VECTOR);
	for (uint32_t i = 2; rc == 0 && i < c->nargs; i++)
		rc = alx_func_arg(b, c, i, ALX_T_TEXT);
	return rc;
}

static int vec_dims(struct alx_ev *ev, const struct alx_value *a)
{
	return alx_vec_check_dims(a[0].u.vec.dim, a[1].u.vec.dim, ev->ex->d);
}

enum vec_metric { VM_L2, VM_COSINE, VM_INNER };

/* The distance from a[0] to a[1] in metric m; for inner the negative dot
 * product, as pgvector's <#> (lower is closer in every metric). */
static int vec_distance(struct alx_ev *ev, int m, const struct alx_value *a,
			double *out)
{
	int rc = vec_dims(ev, a);
	if (rc != 0)
		return rc;
	const float *x = a[0].u.vec.ptr, *y = a[1].u.vec.ptr;
	uint32_t n = a[0].u.vec.dim;
	*out = m == VM_L2	? alx_vec_l2_distance(x, y, n)
	       : m == VM_COSINE ? alx_vec_cosine_distance(x, y, n)
				: -alx_vec_dot(x, y, n);
	return 0;
}

static int vec_distance_value(struct alx_ev *ev, int m,
			      const struct alx_value *a, struct alx_value *out)
{
	double d;
	int rc = vec_distance(ev, m, a, &d);
	if (rc != 0)
		return rc;
	*out = alx_value_float(ALX_T_FLOAT8, d);
	return 0;
}

static int f_l2(struct alx_ev *ev, const struct alx_bx *c,
		const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	return vec_distance_value(ev, VM_L2, a, out);
}

static int f_cosine(struct alx_ev *ev, const struct alx_bx *c,
		    const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	return vec_distance_value(ev, VM_COSINE, a, out);
}

/* negative_inner_product is pgvector's <#>, the VM_INNER distance */
static int f_neg_inner(struct alx_ev *ev, const struct alx_bx *c,
		       const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	return vec_distance_value(ev, VM_INNER, a, out);
}

static int f_inner(struct alx_ev *ev, const struct alx_bx *c,
		   const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	double d;
	int rc = vec_distance(ev, VM_INNER, a, &d);
	if (rc != 0)
		return rc;
	*out = alx_value_float(ALX_T_FLOAT8, -d);
	return 0;
}

static int f_l1(struct alx_ev *ev, const struct alx_bx *c,
		const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	int rc = vec_dims(ev, a);
	if (rc != 0)
		return rc;
	float s = 0;
	for (uint32_t i = 0; i < a[0].u.vec.dim; i++)
		s += fabsf(a[0].u.vec.ptr[i] - a[1].u.vec.ptr[i]);
	*out = alx_value_float(ALX_T_FLOAT8, s);
	return 0;
}

/* The metric named by m, in the order of enum vec_metric. */
static int metric_of(struct alx_ev *ev, const struct alx_value *m)
{
	static const char *const names[] = {"l2", "cosine", "inner"};
	int i = alx_func_lookup_word(m, names, 3);
	if (i >= 0)
		return i;
	return alx_exec_err(ev->ex, "22023",
			    "unknown vector metric \"%.*s\" (expected l2, "
			    "cosine or inner)",
			    (int)m->u.s.len, (const char *)m->u.s.ptr);
}

static int f_vector_distance(struct alx_ev *ev, const struct alx_bx *c,
			     const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	int m = metric_of(ev, &a[2]);
	if (m < 0)
		return m;
	return vec_distance_value(ev, m, a, out);
}

/* Higher is closer: cosine 1 - distance, inner the dot product, l2
 * 1 / (1 + distance). */
static int f_vector_similarity(struct alx_ev *ev, const struct alx_bx *c,
			       const struct alx_value *a, struct alx_value *out)
{
	int m = VM_COSINE;
	if (c->nargs > 2) {
		m = metric_of(ev, &a[2]);
		if (m < 0)
			return m;
	}
	double d;
	int rc = vec_distance(ev, m, a, &d);
	if (rc != 0)
		return rc;
	double s = m == VM_L2 ? 1.0 / (1.0 + d) : m == VM_COSINE ? 1.0 - d : -d;
	*out = alx_value_float(ALX_T_FLOAT8, s);
	return 0;
}

static int f_vector_dims(struct alx_ev *ev, const struct alx_bx *c,
			 const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	*out = alx_value_int(ALX_T_INT4, a[0].u.vec.dim);
	return 0;
}

static int f_vector_norm(struct alx_ev *ev, const struct alx_bx *c,
			 const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	*out = alx_value_float(ALX_T_FLOAT8,
			       alx_vec_norm(a[0].u.vec.ptr, a[0].u.vec.dim));
	return 0;
}

/* ---- sequences -------------------------------------------------------------------- */

/* nextval('name'): the sequence is found at bind time when the name is a
 * constant (as regclass does in PostgreSQL). */
/* One name part of "a.b" / "\"A\".b": quoted parts keep their case. */
static const char *name_part(const char *p, char *out, size_t size)
{
	size_t k = 0;
	if (*p == '"') {
		p++;
		while (*p && k + 1 < size) {
			if (*p == '"' && p[1] == '"') {
				out[k++] = '"';
				p += 2;
			} else if (*p == '"') {
				p++;
				break;
			} else {
				out[k++] = *p++;
			}
		}
	} else {
		while (*p && *p != '.' && k + 1 < size) {
			char ch = *p++;
			out[k++] =
				ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch;
		}
	}
	out[k] = '\0';
	return p;
}

static const struct alx_cat_sequence *seq_lookup(const struct alx_catalog *cat,
						 struct alx_session *s,
						 const char *name, size_t len)
{
	char buf[2 * ALX_NAME_MAX + 8], a[ALX_NAME_MAX + 2],
		b[ALX_NAME_MAX + 2];
	if (len >= sizeof(buf))
		return NULL;
	memcpy(buf, name, len);
	buf[len] = '\0';
	const char *p = name_part(buf, a, sizeof(a));
	if (*p == '.') {
		name_part(p + 1, b, sizeof(b));
		const struct alx_cat_schema *sc = alx_cat_schema_find(cat, a);
		return sc ? alx_cat_seq_find(cat, sc->id, b) : NULL;
	}
	uint32_t np;
	const char *const *path = alx_session_search_path(s, &np);
	for (uint32_t i = 0; i < np; i++) {
		const struct alx_cat_schema *sc =
			alx_cat_schema_find(cat, path[i]);
		const struct alx_cat_sequence *q =
			sc ? alx_cat_seq_find(cat, sc->id, a) : NULL;
		if (q != NULL)
			return q;
	}
	return NULL;
}

static int r_seq(struct alx_bind_ctx *b, struct alx_bx *c)
{
	/* nextval('s'::regclass): the sequence by its name (regclass input
	 * is a catalog lookup, sql_func_syscat.c) */
	if (c->args[0]->kind == ALX_BX_FUNC && c->args[0]->nargs == 1 &&
	    strcmp(c->args[0]->u.func.def->name, "regclassin") == 0)
		c->args[0] = c->args[0]->args[0];
	int rc = alx_func_arg(b, c, 0, ALX_T_TEXT);
	if (rc == 0 && c->nargs > 1)
		rc = alx_func_arg(b, c, 1, ALX_T_INT8);
	if (rc == 0 && c->nargs > 2)
		rc = alx_func_arg(b, c, 2, ALX_T_BOOL);
	if (rc != 0)
		return rc;
	const struct alx_bx *a = c->args[0];
	if (a->kind == ALX_BX_CONST && !a->u.v.null) {
		const struct alx_cat_sequence *q =
			seq_lookup(b->cat, b->s, (const char *)a->u.v.u.s.ptr,
				   a->u.v.u.s.len);
		if (q == NULL)
			return alx_bind_err(b, "42P01",
					    "relation \"%.*s\" does not exist",
					    (int)a->u.v.u.s.len,
					    (const char *)a->u.v.u.s.ptr);
		c->u.func.data = q;
	}
	return 0;
}

static int seq_of(struct alx_ev *ev, const struct alx_bx *c,
		  const struct alx_value *a,
		  const struct alx_cat_sequence **out)
{
	*out = c->u.func.data;
	if (*out != NULL)
		return 0;
	*out = seq_lookup(ev->ex->cat, ev->ex->s, (const char *)a[0].u.s.ptr,
			  a[0].u.s.len);
	if (*out == NULL)
		return alx_exec_err(
			ev->ex, "42P01", "relation \"%.*s\" does not exist",
			(int)a[0].u.s.len, (const char *)a[0].u.s.ptr);
	return 0;
}

static int f_nextval(struct alx_ev *ev, const struct alx_bx *c,
		     const struct alx_value *a, struct alx_value *out)
{
	const struct alx_cat_sequence *q;
	int rc = seq_of(ev, c, a, &q);
	if (rc != 0)
		return rc;
	int64_t v;
	rc = alx_exec_nextval(ev->ex, q, &v);
	if (rc != 0)
		return rc;
	alx_session_seq_remember(ev->ex->s, q->id, v);
	*out = alx_value_int(ALX_T_INT8, v);
	return 0;
}

static int f_currval(struct alx_ev *ev, const struct alx_bx *c,
		     const struct alx_value *a, struct alx_value *out)
{
	const struct alx_cat_sequence *q;
	int rc = seq_of(ev, c, a, &q);
	if (rc != 0)
		return rc;
	int64_t v;
	if (alx_session_seq_current(ev->ex->s, q->id, &v) != 0)
		return alx_exec_err(ev->ex, "55000",
				    "currval of sequence \"%s\" is not yet "
				    "defined in this session",
				    q->name);
	*out = alx_value_int(ALX_T_INT8, v);
	return 0;
}

static int f_setval(struct alx_ev *ev, const struct alx_bx *c,
		    const struct alx_value *a, struct alx_value *out)
{
	const struct alx_cat_sequence *q;
	int rc = seq_of(ev, c, a, &q);
	if (rc != 0)
		return rc;
	bool called = c->nargs > 2 ? a[2].u.b : true;
	rc = alx_seq_set(ev->ex->db, alx_sql_db_seqs(ev->ex->db->sql), q,
			 a[1].u.i, called, ev->ex->d);
	if (rc != 0)
		return rc;
	if (called)
		alx_session_seq_remember(ev->ex->s, q->id, a[1].u.i);
	*out = alx_value_int(ALX_T_INT8, a[1].u.i);
	return 0;
}

/* ---- JSON ------------------------------------------------------------------------- */

/* -> and ->>: one evaluation function each, which the resolver reads. */
static int json_get(struct alx_ev *ev, const struct alx_bx *c,
		    const struct alx_value *a, bool as_text,
		    struct alx_value *out)
{
	bool jsonb = a[0].type == ALX_T_JSONB;
	const char *res;
	size_t len;
	int found;
	bool idx = a[1].type == ALX_T_INT4;
	int rc = alx_json_get(ev->a, (const char *)a[0].u.s.ptr, a[0].u.s.len,
			      idx ? NULL : (const char *)a[1].u.s.ptr,
			      idx ? 0 : a[1].u.s.len, idx ? (long)a[1].u.i : 0,
			      as_text, jsonb, &res, &len, &found, ev->ex->d);
	if (rc != 0)
		return rc;
	if (!found) {
		*out = alx_value_null(c->type.id);
		return 0;
	}
	*out = alx_value_bytes(c->type.id, res, len);
	return 0;
}

static int f_json_get(struct alx_ev *ev, const struct alx_bx *c,
		      const struct alx_value *a, struct alx_value *out)
{
	return json_get(ev, c, a, false, out);
}

static int f_json_get_text(struct alx_ev *ev, const struct alx_bx *c,
			   const struct alx_value *a, struct alx_value *out)
{
	return json_get(ev, c, a, true, out);
}

static int r_json_get(struct alx_bind_ctx *b, struct alx_bx *c)
{
	bool as_text = c->u.func.def->eval == f_json_get_text;
	int t = c->args[0]->type.id;
	if (t == ALX_T_UNKNOWN)
		t = ALX_T_JSON;
	if (t != ALX_T_JSON && t != ALX_T_JSONB)
		return alx_bind_err(
			b, "42883", "operator does not exist: %s %s unknown",
			alx_type_info(t)->name, as_text ? "->>" : "->");
	int rc = alx_func_arg(b, c, 0, t);
	int k = c->args[1]->type.id;
	if (rc == 0)
		rc = alx_func_arg(b, c, 1, is_int(k) ? ALX_T_INT4 : ALX_T_TEXT);
	c->type = alx_type_make(as_text ? ALX_T_TEXT : t);
	return rc;
}

/* ---- information -------------------------------------------------------------------- */

static int f_version(struct alx_ev *ev, const struct alx_bx *c,
		     const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	(void)a;
	static const char v[] = "PostgreSQL 15.0 (Alopex " ALOPEX_VERSION ")";
	*out = alx_value_bytes(ALX_T_TEXT, v, sizeof(v) - 1);
	return 0;
}

static int f_current_user(struct alx_ev *ev, const struct alx_bx *c,
			  const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	(void)a;
	/* Copied: the name may live in a catalog the result outlives. */
	const char *u = alx_arena_strdup(
		ev->a, alx_sql_session_user(ev->ex->s, ev->ex->cat));
	if (u == NULL)
		return alx_exec_oom(ev->ex);
	*out = alx_value_bytes(ALX_T_TEXT, u, strlen(u));
	return 0;
}

static int f_current_schema(struct alx_ev *ev, const struct alx_bx *c,
			    const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	(void)a;
	uint32_t np;
	const char *const *path = alx_session_search_path(ev->ex->s, &np);
	for (uint32_t i = 0; i < np; i++) {
		if (ev->ex->cat != NULL &&
		    alx_cat_schema_find(ev->ex->cat, path[i]) != NULL) {
			*out = alx_value_bytes(ALX_T_TEXT, path[i],
					       strlen(path[i]));
			return 0;
		}
	}
	*out = alx_value_null(ALX_T_TEXT);
	return 0;
}

/* current_setting(name [, missing_ok]): what SHOW name prints. */
static int f_current_setting(struct alx_ev *ev, const struct alx_bx *c,
			     const struct alx_value *a, struct alx_value *out)
{
	char name[128];
	size_t n = a[0].u.s.len < sizeof(name) - 1 ? a[0].u.s.len
						   : sizeof(name) - 1;
	memcpy(name, a[0].u.s.ptr, n);
	name[n] = '\0';
	const char *v = alx_session_setting(ev->ex->s, name);
	if (v == NULL && c->nargs > 1 && a[1].u.b) {
		*out = alx_value_null(ALX_T_TEXT);
		return 0;
	}
	if (v == NULL)
		return alx_exec_err(ev->ex, "42704",
				    "unrecognized configuration parameter "
				    "\"%.*s\"",
				    (int)a[0].u.s.len,
				    (const char *)a[0].u.s.ptr);
	*out = alx_value_bytes(ALX_T_TEXT, v, strlen(v));
	return 0;
}

static int f_current_database(struct alx_ev *ev, const struct alx_bx *c,
			      const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	(void)a;
	*out = alx_value_bytes(ALX_T_TEXT, "alopex", 6);
	return 0;
}

static int r_typeof(struct alx_bind_ctx *b, struct alx_bx *c)
{
	char buf[80];
	struct alx_type t = c->args[0]->type;
	/* regtype shows no typmod: character, not character(3) (nor the
	 * bpchar of a typmod-less column) */
	t = alx_type_make(t.id);
	alx_type_sqlname(t, buf, sizeof(buf));
	if (t.id == ALX_T_BPCHAR)
		snprintf(buf, sizeof(buf), "character");
	char *s = alx_arena_strdup(b->a, buf);
	if (s == NULL)
		return alx_bind_oom(b);
	c->u.func.data = s;
	c->type = alx_type_make(ALX_T_TEXT);
	return 0;
}

static int f_typeof(struct alx_ev *ev, const struct alx_bx *c,
		    const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)a;
	const char *s = c->u.func.data;
	*out = alx_value_bytes(ALX_T_TEXT, s, strlen(s));
	return 0;
}

/* generate_series(start, stop[, step]) over integers: FROM only. */
static int r_series(struct alx_bind_ctx *b, struct alx_bx *c)
{
	int t = ALX_T_INT4;
	for (uint32_t i = 0; i < c->nargs; i++) {
		int a = c->args[i]->type.id;
		if (a == ALX_T_INT8)
			t = ALX_T_INT8;
		else if (a != ALX_T_INT2 && a != ALX_T_INT4 &&
			 a != ALX_T_UNKNOWN)
			return alx_func_no_match(b, "generate_series", c->args,
						 c->nargs);
	}
	int rc = 0;
	for (uint32_t i = 0; rc == 0 && i < c->nargs; i++)
		rc = alx_func_arg(b, c, i, t);
	c->type = alx_type_make(t);
	return rc;
}

int alx_func_srf_outside_from(struct alx_ev *ev, const struct alx_bx *c,
			      const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	(void)a;
	(void)out;
	return alx_exec_err(ev->ex, "0A000",
			    "set-returning functions are only supported in "
			    "FROM");
}

#define F(n, mn, mx, fl, ret, a0, a1, a2, res, ev)        \
	{                                                 \
		n, mn, mx, fl, ret, {a0, a1, a2}, res, ev \
	}
#define S ALX_FN_STRICT
#define ANY ALX_T_ANY

const struct alx_func_def alx_funcs_core[] = {
	F("abs", 1, 1, S, ANY, ANY, ANY, ANY, r_same_number, f_abs),
	F("sign", 1, 1, S, ANY, ANY, ANY, ANY, r_same_number, f_sign),
	F("round", 1, 2, S, ANY, ANY, ANY, ANY, r_round, f_round),
	F("trunc", 1, 2, S, ANY, ANY, ANY, ANY, r_round, f_trunc),
	F("ceil", 1, 1, S, ANY, ANY, ANY, ANY, r_round, f_ceil),
	F("ceiling", 1, 1, S, ANY, ANY, ANY, ANY, r_round, f_ceil),
	F("floor", 1, 1, S, ANY, ANY, ANY, ANY, r_round, f_floor),
	F("sqrt", 1, 1, S, ANY, ANY, 0, 0, r_fmath, f_sqrt),
	F("cbrt", 1, 1, S, ALX_T_FLOAT8, ALX_T_FLOAT8, 0, 0, NULL, f_cbrt),
	F("exp", 1, 1, S, ANY, ANY, 0, 0, r_fmath, f_exp),
	F("ln", 1, 1, S, ANY, ANY, 0, 0, r_fmath, f_ln),
	F("log", 1, 2, S, ANY, ANY, ANY, 0, r_fmath, f_log10),
	F("log10", 1, 1, S, ANY, ANY, 0, 0, r_fmath, f_log10),
	F("power", 2, 2, S, ANY, ANY, ANY, 0, r_fmath, f_power),
	F("pow", 2, 2, S, ANY, ANY, ANY, 0, r_fmath, f_power),
	F("div", 2, 2, S, ALX_T_NUMERIC, ALX_T_NUMERIC, ALX_T_NUMERIC, 0, NULL,
	  f_div),
	F("scale", 1, 1, S, ALX_T_INT4, ALX_T_NUMERIC, 0, 0, NULL, f_scale),
	F("pi", 0, 0, 0, ALX_T_FLOAT8, 0, 0, 0, NULL, f_pi),
	F("random", 0, 0, ALX_FN_VOLATILE, ALX_T_FLOAT8, 0, 0, 0, NULL,
	  f_random),
	F("mod", 2, 2, S, ANY, ANY, ANY, ANY, r_mod, f_mod),
	F("int_bitand", 2, 2, S, ANY, ANY, ANY, 0, r_bitop, f_bitand),
	F("int_bitor", 2, 2, S, ANY, ANY, ANY, 0, r_bitop, f_bitor),
	F("int_bitxor", 2, 2, S, ANY, ANY, ANY, 0, r_bitop, f_bitxor),
	F("int_shl", 2, 2, S, ANY, ANY, ANY, 0, r_bitop, f_shl),
	F("int_shr", 2, 2, S, ANY, ANY, ANY, 0, r_bitop, f_shr),
	F("int_bitnot", 1, 1, S, ANY, ANY, 0, 0, r_bitop, f_bitnot),
	F("l2_distance", 2, 2, S, ALX_T_FLOAT8, ANY, ANY, ANY, r_vec2, f_l2),
	F("cosine_distance", 2, 2, S, ALX_T_FLOAT8, ANY, ANY, ANY, r_vec2,
	  f_cosine),
	F("inner_product", 2, 2, S, ALX_T_FLOAT8, ANY, ANY, ANY, r_vec2,
	  f_inner),
	F("negative_inner_product", 2, 2, S, ALX_T_FLOAT8, ANY, ANY, ANY,
	  r_vec2, f_neg_inner),
	F("l1_distance", 2, 2, S, ALX_T_FLOAT8, ANY, ANY, ANY, r_vec2, f_l1),
	F("vector_distance", 3, 3, S, ALX_T_FLOAT8, ANY, ANY, ANY, r_vec2,
	  f_vector_distance),
	F("vector_similarity", 2, 3, S, ALX_T_FLOAT8, ANY, ANY, ANY, r_vec2,
	  f_vector_similarity),
	F("vector_dims", 1, 1, S, ALX_T_INT4, ALX_T_VECTOR, 0, 0, NULL,
	  f_vector_dims),
	F("vector_norm", 1, 1, S, ALX_T_FLOAT8, ALX_T_VECTOR, 0, 0, NULL,
	  f_vector_norm),
	F("nextval", 1, 1, S | ALX_FN_VOLATILE, ALX_T_INT8, ANY, 0, 0, r_seq,
	  f_nextval),
	F("currval", 1, 1, S | ALX_FN_VOLATILE, ALX_T_INT8, ANY, 0, 0, r_seq,
	  f_currval),
	F("setval", 2, 3, S | ALX_FN_VOLATILE, ALX_T_INT8, ANY, ANY, ANY, r_seq,
	  f_setval),
	F("json_get_op", 2, 2, S, ANY, ANY, ANY, ANY, r_json_get, f_json_get),
	F("json_get_text_op", 2, 2, S, ANY, ANY, ANY, ANY, r_json_get,
	  f_json_get_text),
	F("version", 0, 0, 0, ALX_T_TEXT, 0, 0, 0, NULL, f_version),
	F("current_user", 0, 0, ALX_FN_STABLE, ALX_T_TEXT, 0, 0, 0, NULL,
	  f_current_user),
	F("session_user", 0, 0, ALX_FN_STABLE, ALX_T_TEXT, 0, 0, 0, NULL,
	  f_current_user),
	F("current_schema", 0, 0, ALX_FN_STABLE, ALX_T_TEXT, 0, 0, 0, NULL,
	  f_current_schema),
	F("current_database", 0, 0, 0, ALX_T_TEXT, 0, 0, 0, NULL,
	  f_current_database),
	F("current_setting", 1, 2, S | ALX_FN_STABLE, ALX_T_TEXT, ALX_T_TEXT,
	  ALX_T_BOOL, 0, NULL, f_current_setting),
	F("pg_typeof", 1, 1, 0, ALX_T_TEXT, ANY, 0, 0, r_typeof, f_typeof),
	F("generate_series", 2, 3, ALX_FN_VOLATILE, ANY, ANY, ANY, ANY,
	  r_series, alx_func_srf_outside_from),
	{0},
};
