/*
 * Arithmetic, || and unary minus as PostgreSQL 15 resolves and computes
 * them: the result type of the operator PostgreSQL would pick for the
 * operand types, the implicit promotions it implies, and the overflow,
 * underflow and division-by-zero errors of int.c, int8.c, float.c,
 * numeric.c, date.c and pgvector.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_interval.h"
#include "sql/sql_numeric.h"
#include "sql/sql_value.h"
#include "sql/sql_value_internal.h"
#include "sql/sql_vector.h"

const char *alx_binop_symbol(int op)
{
	switch (op) {
	case ALX_OP_ADD:
		return "+";
	case ALX_OP_SUB:
		return "-";
	case ALX_OP_MUL:
		return "*";
	case ALX_OP_DIV:
		return "/";
	case ALX_OP_MOD:
		return "%";
	case ALX_OP_POW:
		return "^";
	case ALX_OP_CONCAT:
		return "||";
	default:
		return "?";
	}
}

static int no_operator(alopex_diag *diag, int op, int l, int r)
{
	return alx_sql_error(diag, "42883", "operator does not exist: %s %s %s",
			     alx_type_name(l), alx_binop_symbol(op),
			     alx_type_name(r));
}

static int not_unique(alopex_diag *diag, int op, int l, int r)
{
	return alx_sql_error(diag, "42725", "operator is not unique: %s %s %s",
			     alx_type_name(l), alx_binop_symbol(op),
			     alx_type_name(r));
}

/* Rank of the number types in PostgreSQL's promotions. */
static int int_width(int t)
{
	return t == ALX_T_INT2 ? 2 : t == ALX_T_INT4 ? 4 : 8;
}

/* The operand type both sides are computed in, for two number types. */
static int number_result(int op, int l, int r)
{
	if (op == ALX_OP_POW) {
		/* Only float8 ^ float8 and numeric ^ numeric exist. */
		if (alx_type_is_float(l) || alx_type_is_float(r))
			return ALX_T_FLOAT8;
		if (l == ALX_T_NUMERIC || r == ALX_T_NUMERIC)
			return ALX_T_NUMERIC;
		return ALX_T_FLOAT8;
	}
	if (alx_type_is_int(l) && alx_type_is_int(r))
		return int_width(l) >= int_width(r) ? l : r;
	if (l == ALX_T_FLOAT4 && r == ALX_T_FLOAT4)
		return op == ALX_OP_MOD ? -1 : ALX_T_FLOAT4;
	if (alx_type_is_float(l) || alx_type_is_float(r)) {
		/* No float % operator, and numeric % needs an implicit cast
		 * that floats do not have. */
		if (op == ALX_OP_MOD)
			return -1;
		return ALX_T_FLOAT8;
	}
	return ALX_T_NUMERIC;
}

static bool is_ts(int t)
{
	return t == ALX_T_TIMESTAMP || t == ALX_T_TIMESTAMPTZ;
}

static bool is_timespan(int t)
{
	return is_ts(t) || t == ALX_T_INTERVAL;
}

int alx_binop_unknown_type(int op, int known, bool known_left)
{
	if (known == ALX_T_INTERVAL) {
		if (op == ALX_OP_ADD || op == ALX_OP_SUB)
			return ALX_T_INTERVAL;
		/* interval * float8, float8 * interval, interval / float8 */
		if (op == ALX_OP_MUL || (op == ALX_OP_DIV && known_left))
			return ALX_T_FLOAT8;
		return ALX_T_UNKNOWN;
	}
	if (is_ts(known)) {
		/* timestamp + interval is the only +; for - the same type
		 * matches exactly (timestamp - timestamp). */
		if (op == ALX_OP_ADD)
			return ALX_T_INTERVAL;
		return known;
	}
	if (known == ALX_T_DATE)
		return ALX_T_INT4;
	return known;
}

/*
 * Operators of intervals and timestamps, and of dates with them (a date
 * becomes a timestamp); -1: none.
 */
static int timespan_result(int op, int l, int r)
{
	bool li = l == ALX_T_INTERVAL, ri = r == ALX_T_INTERVAL;
	bool lt = is_ts(l) || l == ALX_T_DATE,
	     rtm = is_ts(r) || r == ALX_T_DATE;
	switch (op) {
	case ALX_OP_ADD:
		if (li && ri)
			return ALX_T_INTERVAL;
		if (li && rtm)
			return r == ALX_T_DATE ? ALX_T_TIMESTAMP : r;
		if (ri && lt)
			return l == ALX_T_DATE ? ALX_T_TIMESTAMP : l;
		return -1;
	case ALX_OP_SUB:
		if (li && ri)
			return ALX_T_INTERVAL;
		if (ri && lt)
			return l == ALX_T_DATE ? ALX_T_TIMESTAMP : l;
		if (lt && rtm && !(l == ALX_T_DATE && r == ALX_T_DATE))
			return ALX_T_INTERVAL;
		return -1;
	case ALX_OP_MUL:
		if ((li && alx_type_is_number(r)) ||
		    (ri && alx_type_is_number(l)))
			return ALX_T_INTERVAL;
		return -1;
	case ALX_OP_DIV:
		return li && alx_type_is_number(r) ? ALX_T_INTERVAL : -1;
	default:
		return -1;
	}
}

int alx_binop_result_type(int op, struct alx_type l, struct alx_type r,
			  struct alx_type *out, alopex_diag *diag)
{
	int lt = l.id, rt = r.id;
	int res = -1;
	if (op < ALX_OP_ADD || op > ALX_OP_CONCAT)
		return alx_diag_set(diag, ALOPEX_EINVAL, "XX000",
				    "unknown operator %d", op);
	if (op == ALX_OP_CONCAT) {
		if (lt == ALX_T_UNKNOWN && rt == ALX_T_UNKNOWN)
			res = ALX_T_TEXT;
		else if (lt == rt && (lt == ALX_T_BYTEA || lt == ALX_T_JSONB ||
				      lt == ALX_T_VECTOR))
			res = lt;
		else if ((lt == ALX_T_UNKNOWN &&
			  (rt == ALX_T_BYTEA || rt == ALX_T_JSONB ||
			   rt == ALX_T_VECTOR)) ||
			 (rt == ALX_T_UNKNOWN &&
			  (lt == ALX_T_BYTEA || lt == ALX_T_JSONB ||
			   lt == ALX_T_VECTOR)))
			res = lt == ALX_T_UNKNOWN ? rt : lt;
		else if (alx_type_is_string(lt) || alx_type_is_string(rt) ||
			 lt == ALX_T_UNKNOWN || rt == ALX_T_UNKNOWN)
			res = ALX_T_TEXT;
		if (res < 0)
			return no_operator(diag, op, lt, rt);
		*out = alx_type_make(res);
		return 0;
	}
	if (lt == ALX_T_UNKNOWN && rt == ALX_T_UNKNOWN)
		return not_unique(diag, op, lt, rt);
	/* An unknown literal takes the other side's type where that type
	 * has the operator. */
	if (lt == ALX_T_UNKNOWN && alx_type_is_number(rt))
		lt = op == ALX_OP_POW ? ALX_T_NUMERIC : rt;
	if (rt == ALX_T_UNKNOWN && alx_type_is_number(lt))
		rt = op == ALX_OP_POW ? ALX_T_NUMERIC : lt;
	if (op == ALX_OP_POW &&
	    (l.id == ALX_T_UNKNOWN || r.id == ALX_T_UNKNOWN)) {
		/* x ^ 'lit': numeric only when x is numeric. */
		int known = l.id == ALX_T_UNKNOWN ? r.id : l.id;
		if (alx_type_is_number(known)) {
			*out = alx_type_make(known == ALX_T_NUMERIC
						     ? ALX_T_NUMERIC
						     : ALX_T_FLOAT8);
			return 0;
		}
	}
	if (lt == ALX_T_UNKNOWN && is_timespan(rt))
		lt = alx_binop_unknown_type(op, rt, false);
	if (rt == ALX_T_UNKNOWN && is_timespan(lt))
		rt = alx_binop_unknown_type(op, lt, true);
	if (alx_type_is_number(lt) && alx_type_is_number(rt)) {
		res = number_result(op, lt, rt);
	} else if (is_timespan(lt) || is_timespan(rt)) {
		res = timespan_result(op, lt, rt);
	} else if (lt == ALX_T_DATE || rt == ALX_T_DATE) {
		int other = lt == ALX_T_DATE ? rt : lt;
		bool int_ok = other == ALX_T_INT4 || other == ALX_T_INT2;
		if (other == ALX_T_UNKNOWN &&
		    (op == ALX_OP_ADD || op == ALX_OP_SUB))
			return not_unique(diag, op, l.id, r.id);
		if (op == ALX_OP_ADD && int_ok)
			res = ALX_T_DATE;
		else if (op == ALX_OP_SUB && lt == ALX_T_DATE && int_ok)
			res = ALX_T_DATE;
		else if (op == ALX_OP_SUB && lt == ALX_T_DATE &&
			 rt == ALX_T_DATE)
			res = ALX_T_INT4;
	} else if ((lt == ALX_T_VECTOR || lt == ALX_T_UNKNOWN) &&
		   (rt == ALX_T_VECTOR || rt == ALX_T_UNKNOWN) &&
		   (op == ALX_OP_ADD || op == ALX_OP_SUB || op == ALX_OP_MUL)) {
		res = ALX_T_VECTOR;
	}
	if (res < 0)
		return no_operator(diag, op, l.id, r.id);
	*out = alx_type_make(res);
	return 0;
}

/* ---- values -------------------------------------------------------------- */

static int range_error(alopex_diag *diag, int type)
{
	return alx_sql_error(diag, "22003", "%s out of range",
			     alx_type_name(type));
}

static int divzero(alopex_diag *diag)
{
	return alx_sql_error(diag, "22012", "division by zero");
}

static int float_overflow(alopex_diag *diag)
{
	return alx_sql_error(diag, "22003", "value out of range: overflow");
}

static int float_underflow(alopex_diag *diag)
{
	return alx_sql_error(diag, "22003", "value out of range: underflow");
}

static int int_arith(int op, int type, int64_t x, int64_t y, int64_t *out,
		     alopex_diag *diag)
{
	int64_t r, min, max;
	alx_int_range(type, &min, &max);
	switch (op) {
	case ALX_OP_ADD:
		if (__builtin_add_overflow(x, y, &r))
			return range_error(diag, type);
		break;
	case ALX_OP_SUB:
		if (__builtin_sub_overflow(x, y, &r))
			return range_error(diag, type);
		break;
	case ALX_OP_MUL:
		if (__builtin_mul_overflow(x, y, &r))
			return range_error(diag, type);
		break;
	case ALX_OP_DIV:
		if (y == 0)
			return divzero(diag);
		/* -MIN / -1 does not fit; C would trap on INT64_MIN. */
		if (y == -1) {
			if (x == min)
				return range_error(diag, type);
			r = -x;
		} else {
			r = x / y;
		}
		break;
	case ALX_OP_MOD:
		if (y == 0)
			return divzero(diag);
		r = y == -1 ? 0 : x % y;
		break;
	default:
		return alx_sql_error(diag, "42883", "operator does not exist");
	}
	if (r < min || r > max)
		return range_error(diag, type);
	*out = r;
	return 0;
}

/* dpow: POSIX pow() rules spelled out, PostgreSQL's errors. */
static int float_pow(double x, double y, double *out, alopex_diag *diag)
{
	double r;
	if (isnan(x)) {
		*out = isnan(y) || y != 0.0 ? NAN : 1.0;
		return 0;
	}
	if (isnan(y)) {
		*out = x != 1.0 ? NAN : 1.0;
		return 0;
	}
	if (x == 0 && y < 0)
		return alx_sql_error(diag, "2201F",
				     "zero raised to a negative power is "
				     "undefined");
	if (x < 0 && floor(y) != y)
		return alx_sql_error(diag, "2201F",
				     "a negative number raised to a "
				     "non-integer power yields a complex "
				     "result");
	if (isinf(y)) {
		double ax = fabs(x);
		if (ax == 1.0)
			r = 1.0;
		else if (y > 0.0)
			r = ax > 1.0 ? y : 0.0;
		else
			r = ax > 1.0 ? 0.0 : -y;
	} else if (isinf(x)) {
		if (y == 0.0) {
			r = 1.0;
		} else if (x > 0.0) {
			r = y > 0.0 ? x : 0.0;
		} else {
			double half = y / 2;
			bool odd = floor(half) != half;
			if (y > 0.0)
				r = odd ? x : -x;
			else
				r = odd ? -0.0 : 0.0;
		}
	} else {
		errno = 0;
		r = pow(x, y);
		int err = errno;
		if (err == EDOM || isnan(r)) {
			/* Only a huge y gets here (old libm bugs). */
			double ax = fabs(x);
			if (x == 0.0)
				r = 0.0;
			else if (ax == 1.0)
				r = 1.0;
			else if (y >= 0.0 ? ax > 1.0 : ax < 1.0)
				return float_overflow(diag);
			else
				return float_underflow(diag);
		} else if (err == ERANGE) {
			if (r != 0.0)
				return float_overflow(diag);
			return float_underflow(diag);
		} else {
			if (isinf(r))
				return float_overflow(diag);
			if (r == 0.0 && x != 0.0)
				return float_underflow(diag);
		}
	}
	*out = r;
	return 0;
}

/*
 * x op y for FLOAT4 or FLOAT8 (type), with PostgreSQL's overflow, underflow
 * and division-by-zero errors. FLOAT4 rounds the double result to float:
 * for + - * / that is float arithmetic's own result, as double carries more
 * than twice float's precision.
 */
static int float_arith(int type, int op, double x, double y, double *out,
		       alopex_diag *diag)
{
	if (op == ALX_OP_POW && type == ALX_T_FLOAT8)
		return float_pow(x, y, out, diag);
	double r;
	switch (op) {
	case ALX_OP_ADD:
		r = x + y;
		break;
	case ALX_OP_SUB:
		r = x - y;
		break;
	case ALX_OP_MUL:
		r = x * y;
		break;
	case ALX_OP_DIV:
		if (y == 0.0 && !isnan(x))
			return divzero(diag);
		r = x / y;
		break;
	default: /* float4 has no ^ of its own */
		return alx_sql_error(diag, "42883", "operator does not exist");
	}
	if (type == ALX_T_FLOAT4)
		r = (float)r;
	if (isinf(r) && !isinf(x) && !isinf(y))
		return float_overflow(diag);
	if (r == 0.0 && x != 0.0 &&
	    ((op == ALX_OP_MUL && y != 0.0) || (op == ALX_OP_DIV && !isinf(y))))
		return float_underflow(diag);
	*out = r;
	return 0;
}

/* Dates: date.c's date_pli/date_mii/date_mi. */
#define DATE_MIN (-2451545)
#define DATE_END (2147483494 - 2451545)

static int date_arith(int op, const struct alx_value *l,
		      const struct alx_value *r, struct alx_value *out,
		      alopex_diag *diag)
{
	if (l->type == ALX_T_DATE && r->type == ALX_T_DATE) {
		int32_t a = l->u.date, b = r->u.date;
		if (a == INT32_MIN || a == INT32_MAX || b == INT32_MIN ||
		    b == INT32_MAX)
			return alx_sql_error(diag, "22008",
					     "cannot subtract infinite dates");
		*out = alx_value_int(ALX_T_INT4, (int64_t)a - b);
		return 0;
	}
	const struct alx_value *d = l->type == ALX_T_DATE ? l : r;
	const struct alx_value *n = l->type == ALX_T_DATE ? r : l;
	int32_t dv = d->u.date;
	if (dv == INT32_MIN || dv == INT32_MAX) {
		*out = *d;
		return 0;
	}
	int64_t days = op == ALX_OP_SUB ? -n->u.i : n->u.i;
	int64_t res = (int64_t)dv + days;
	if (res < DATE_MIN || res >= DATE_END)
		return alx_sql_error(diag, "22008", "date out of range");
	*out = alx_value_date((int32_t)res);
	return 0;
}

static int vector_arith(struct alx_arena *a, int op, const struct alx_value *l,
			const struct alx_value *r, struct alx_value *out,
			alopex_diag *diag)
{
	uint32_t n = l->u.vec.dim, m = r->u.vec.dim;
	float *res;
	if (op == ALX_OP_CONCAT) {
		if ((uint64_t)n + m > ALX_VECTOR_MAX_DIM)
			return alx_sql_error(diag, "54000",
					     "vector cannot have more than %d "
					     "dimensions",
					     ALX_VECTOR_MAX_DIM);
		res = alx_arena_alloc(a, ((size_t)n + m) * sizeof(float));
		if (res == NULL)
			return alx_sql_oom(diag);
		memcpy(res, l->u.vec.ptr, n * sizeof(float));
		memcpy(res + n, r->u.vec.ptr, m * sizeof(float));
		n += m;
	} else {
		int rc = alx_vec_check_dims(n, m, diag);
		if (rc != 0)
			return rc;
		res = alx_arena_alloc(a, (size_t)n * sizeof(float) + 1);
		if (res == NULL)
			return alx_sql_oom(diag);
		for (uint32_t i = 0; i < n; i++) {
			float x = l->u.vec.ptr[i], y = r->u.vec.ptr[i];
			float v = op == ALX_OP_ADD   ? x + y
				  : op == ALX_OP_SUB ? x - y
						     : x * y;
			if (isinf(v))
				return float_overflow(diag);
			if (op == ALX_OP_MUL && v == 0 && x != 0 && y != 0)
				return float_underflow(diag);
			res[i] = v;
		}
	}
	out->type = ALX_T_VECTOR;
	out->null = false;
	out->u.vec.ptr = res;
	out->u.vec.dim = n;
	return 0;
}

/* The operand as text for ||: its cast to text (bool gives "true"),
 * CHAR(n) trimmed. */
static int concat_text(struct alx_arena *a, const struct alx_value *v,
		       const char **s, size_t *n, alopex_diag *diag)
{
	if (alx_type_is_string(v->type) || v->type == ALX_T_UNKNOWN) {
		*s = (const char *)v->u.s.ptr;
		*n = v->u.s.len;
		if (v->type == ALX_T_BPCHAR)
			*n = alx_bpchar_trimmed(v->u.s.ptr, *n);
		return 0;
	}
	struct alx_value t;
	int rc = alx_value_cast(a, v, alx_type_make(ALX_T_TEXT), true, NULL, &t,
				diag);
	if (rc != 0)
		return rc;
	*s = (const char *)t.u.s.ptr;
	*n = t.u.s.len;
	return 0;
}

static int concat(struct alx_arena *a, int type, const struct alx_value *l,
		  const struct alx_value *r, struct alx_value *out,
		  alopex_diag *diag)
{
	const char *x, *y;
	size_t n, m;
	if (type == ALX_T_VECTOR)
		return vector_arith(a, ALX_OP_CONCAT, l, r, out, diag);
	if (type == ALX_T_JSONB)
		return alx_sql_error(diag, "0A000",
				     "jsonb || jsonb is not supported");
	if (type == ALX_T_BYTEA) {
		x = (const char *)l->u.s.ptr;
		n = l->u.s.len;
		y = (const char *)r->u.s.ptr;
		m = r->u.s.len;
	} else {
		int rc = concat_text(a, l, &x, &n, diag);
		if (rc == 0)
			rc = concat_text(a, r, &y, &m, diag);
		if (rc != 0)
			return rc;
	}
	char *q = alx_arena_alloc(a, n + m + 1);
	if (q == NULL)
		return alx_sql_oom(diag);
	if (n > 0)
		memcpy(q, x, n);
	if (m > 0)
		memcpy(q + n, y, m);
	q[n + m] = '\0';
	*out = alx_value_bytes(type, q, n + m);
	return 0;
}

/* The type an operand is read as: UNKNOWN literals become the other
 * operand's type (or text/numeric where PostgreSQL picks those). */
static int operand_type(int op, int self, int other, int res, bool self_left)
{
	if (self != ALX_T_UNKNOWN)
		return self;
	if (op == ALX_OP_CONCAT)
		return res == ALX_T_TEXT ? ALX_T_TEXT : res;
	if (op == ALX_OP_POW)
		return res;
	if (other == ALX_T_VECTOR)
		return ALX_T_VECTOR;
	if (is_timespan(other))
		return alx_binop_unknown_type(op, other, !self_left);
	return other;
}

/* The double an interval is scaled by. */
static double factor_of(const struct alx_value *v)
{
	return alx_value_to_double(v);
}

/* A date, timestamp or timestamptz as type `to` (session zone for tz). */
static int as_ts(struct alx_arena *a, const struct alx_value *v, int to,
		 const struct alx_value_fmt *fmt, int64_t *out,
		 alopex_diag *diag)
{
	if (v->type == to) {
		*out = v->u.ts;
		return 0;
	}
	struct alx_value c;
	int rc = alx_value_cast(a, v, alx_type_make(to), false, fmt, &c, diag);
	if (rc == 0)
		*out = c.u.ts;
	return rc;
}

static int timespan_arith(struct alx_arena *a, int op, int res,
			  const struct alx_value *l, const struct alx_value *r,
			  const struct alx_value_fmt *fmt,
			  struct alx_value *out, alopex_diag *diag)
{
	struct alx_value v = {.type = (uint8_t)res, .null = false};
	int rc;
	int lt = l->type, rt = r->type;
	if (lt == ALX_T_INTERVAL && rt == ALX_T_INTERVAL) {
		rc = alx_interval_add(&l->u.iv, &r->u.iv, op == ALX_OP_SUB,
				      &v.u.iv, diag);
	} else if (op == ALX_OP_MUL) {
		const struct alx_value *iv = lt == ALX_T_INTERVAL ? l : r;
		const struct alx_value *n = lt == ALX_T_INTERVAL ? r : l;
		rc = alx_interval_mul(&iv->u.iv, factor_of(n), &v.u.iv, diag);
	} else if (op == ALX_OP_DIV) {
		rc = alx_interval_div(&l->u.iv, factor_of(r), &v.u.iv, diag);
	} else if (res == ALX_T_INTERVAL) {
		/* timestamp - timestamp, in the common type */
		int ct = lt == ALX_T_TIMESTAMPTZ || rt == ALX_T_TIMESTAMPTZ
				 ? ALX_T_TIMESTAMPTZ
				 : ALX_T_TIMESTAMP;
		int64_t x = 0, y = 0;
		rc = as_ts(a, l, ct, fmt, &x, diag);
		if (rc == 0)
			rc = as_ts(a, r, ct, fmt, &y, diag);
		if (rc == 0)
			rc = alx_timestamp_mi(x, y, &v.u.iv, diag);
	} else {
		const struct alx_value *iv = lt == ALX_T_INTERVAL ? l : r;
		const struct alx_value *t = lt == ALX_T_INTERVAL ? r : l;
		int64_t ts = 0;
		rc = as_ts(a, t, res, fmt, &ts, diag);
		if (rc == 0)
			rc = alx_timestamp_pl_interval(
				ts, &iv->u.iv, op == ALX_OP_SUB,
				res == ALX_T_TIMESTAMPTZ, fmt->tz,
				fmt->tz_offset_sec, &v.u.ts, diag);
	}
	if (rc != 0)
		return rc;
	*out = v;
	return 0;
}

int alx_value_binop(struct alx_arena *a, int op, const struct alx_value *l,
		    const struct alx_value *r, struct alx_value *out,
		    alopex_diag *diag)
{
	return alx_value_binop_fmt(a, op, l, r, NULL, out, diag);
}

int alx_value_binop_fmt(struct alx_arena *a, int op, const struct alx_value *l,
			const struct alx_value *r,
			const struct alx_value_fmt *fmt, struct alx_value *out,
			alopex_diag *diag)
{
	struct alx_value_fmt deflt;
	if (fmt == NULL) {
		alx_value_fmt_default(&deflt);
		fmt = &deflt;
	}
	struct alx_type rt;
	int rc = alx_binop_result_type(op, alx_type_make(l->type),
				       alx_type_make(r->type), &rt, diag);
	if (rc != 0)
		return rc;
	int res = rt.id;
	if (l->null || r->null) {
		*out = alx_value_null(res);
		return 0;
	}
	/* Read UNKNOWN literals as the type the operator takes. */
	struct alx_value lv = *l, rv = *r;
	int ltype = operand_type(op, l->type, r->type, res, true);
	int rtype = operand_type(op, r->type, l->type, res, false);
	if (ltype != l->type) {
		rc = alx_value_in(a, alx_type_make(ltype),
				  (const char *)l->u.s.ptr, l->u.s.len, fmt,
				  &lv, diag);
		if (rc != 0)
			return rc;
	}
	if (rtype != r->type) {
		rc = alx_value_in(a, alx_type_make(rtype),
				  (const char *)r->u.s.ptr, r->u.s.len, fmt,
				  &rv, diag);
		if (rc != 0)
			return rc;
	}
	if (op == ALX_OP_CONCAT)
		return concat(a, res, &lv, &rv, out, diag);
	if (is_timespan(lv.type) || is_timespan(rv.type))
		return timespan_arith(a, op, res, &lv, &rv, fmt, out, diag);
	if (res == ALX_T_DATE || lv.type == ALX_T_DATE)
		return date_arith(op, &lv, &rv, out, diag);
	if (res == ALX_T_VECTOR)
		return vector_arith(a, op, &lv, &rv, out, diag);

	/* Numbers: promote both sides to the computation type. */
	struct alx_value x, y;
	struct alx_type ct = alx_type_make(res);
	rc = alx_value_cast(a, &lv, ct, false, NULL, &x, diag);
	if (rc == 0)
		rc = alx_value_cast(a, &rv, ct, false, NULL, &y, diag);
	if (rc != 0)
		return rc;
	struct alx_value v = {.type = (uint8_t)res, .null = false};
	switch (res) {
	case ALX_T_INT2:
	case ALX_T_INT4:
	case ALX_T_INT8:
		rc = int_arith(op, res, x.u.i, y.u.i, &v.u.i, diag);
		break;
	case ALX_T_FLOAT4:
		rc = float_arith(res, op, (float)x.u.f, (float)y.u.f, &v.u.f,
				 diag);
		break;
	case ALX_T_FLOAT8:
		rc = float_arith(res, op, x.u.f, y.u.f, &v.u.f, diag);
		break;
	case ALX_T_NUMERIC: {
		struct alx_num_ref nx = {x.u.s.ptr, x.u.s.len};
		struct alx_num_ref ny = {y.u.s.ptr, y.u.s.len}, nr;
		rc = alx_numeric_arith(a, op, nx, ny, &nr, diag);
		if (rc == 0)
			v = alx_value_bytes(ALX_T_NUMERIC, nr.ptr, nr.len);
		break;
	}
	default:
		return no_operator(diag, op, l->type, r->type);
	}
	if (rc != 0)
		return rc;
	*out = v;
	return 0;
}

int alx_value_neg(struct alx_arena *a, const struct alx_value *v,
		  struct alx_value *out, alopex_diag *diag)
{
	int t = v->type;
	if (!alx_type_is_number(t) && t != ALX_T_UNKNOWN && t != ALX_T_INTERVAL)
		return alx_sql_error(diag, "42883",
				     "operator does not exist: - %s",
				     alx_type_name(t));
	if (t == ALX_T_INTERVAL && !v->null) {
		struct alx_value x = *v;
		int rc = alx_interval_neg(&v->u.iv, &x.u.iv, diag);
		if (rc == 0)
			*out = x;
		return rc;
	}
	if (v->null) {
		*out = alx_value_null(t == ALX_T_UNKNOWN ? ALX_T_NUMERIC : t);
		return 0;
	}
	struct alx_value x = *v;
	if (t == ALX_T_UNKNOWN) {
		/* - 'lit' is ambiguous in PostgreSQL too. */
		return alx_sql_error(diag, "42725",
				     "operator is not unique: - unknown");
	}
	switch (t) {
	case ALX_T_INT2:
	case ALX_T_INT4:
	case ALX_T_INT8: {
		int64_t min, max;
		alx_int_range(t, &min, &max);
		if (x.u.i == min)
			return range_error(diag, t);
		x.u.i = -x.u.i;
		break;
	}
	case ALX_T_FLOAT4:
	case ALX_T_FLOAT8:
		x.u.f = -x.u.f;
		break;
	default: {
		struct alx_num_ref n = {x.u.s.ptr, x.u.s.len}, r;
		if (alx_numeric_neg(a, n, &r) != 0)
			return alx_sql_oom(diag);
		x.u.s.ptr = r.ptr;
		x.u.s.len = r.len;
		break;
	}
	}
	*out = x;
	return 0;
}
