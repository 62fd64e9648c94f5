/*
 * NUMERIC square root, exp, ln and power (the ^ operator), following the
 * structure of PostgreSQL 15's numeric.c: the same argument reductions,
 * the same working scales and the same result scales, so that results
 * (including their display scale, e.g. 2.0 ^ 3 = 8.0000000000000000) are
 * PostgreSQL's.
 */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_numeric.h"
#include "sql/sql_numeric_internal.h"
#include "sql/sql_value.h"
#include "sql/sql_value_internal.h"

/* Bounds on loops whose count depends on the input; generous. */
#define MAX_REDUCTIONS 400
#define MAX_NEWTON 10000
#define MAX_SERIES 1000000

static int internal_error(struct nctx *c, const char *what)
{
	return alx_diag_set(c->diag, ALOPEX_EINTERNAL, "XX000",
			    "numeric %s did not converge", what);
}

static int power_error(struct nctx *c, const char *msg)
{
	return alx_sql_error(c->diag, "2201F", "%s", msg);
}

static int overflow_error(struct nctx *c)
{
	return alx_sql_error(c->diag, "22003",
			     "value overflows numeric format");
}

/* A small constant: digits d0 (and d1) with the given weight and scale. */
static int nv_const(struct nctx *c, struct nvar *v, int d0, int d1, int weight,
		    int dscale)
{
	int rc = nv_alloc(c, v, d1 >= 0 ? 2 : 1);
	if (rc != 0)
		return rc;
	v->digits[0] = (int16_t)d0;
	if (d1 >= 0)
		v->digits[1] = (int16_t)d1;
	v->weight = weight;
	v->dscale = dscale;
	v->sign = ALX_NUM_POS;
	return 0;
}

/* 10^exp exactly. */
static int power_ten(struct nctx *c, int exp, struct nvar *v)
{
	int rc = nv_const(c, v, 1, -1, 0, 0);
	if (rc != 0)
		return rc;
	v->dscale = exp < 0 ? -exp : 0;
	if (exp >= 0)
		v->weight = exp / DEC_DIGITS;
	else
		v->weight = (exp + 1) / DEC_DIGITS - 1;
	exp -= v->weight * DEC_DIGITS;
	while (exp-- > 0)
		v->digits[0] = (int16_t)(v->digits[0] * 10);
	return 0;
}

static int decimal_digits(const struct nvar *v)
{
	int d = v->digits[0];
	int n = d >= 1000 ? 4 : d >= 100 ? 3 : d >= 10 ? 2 : 1;
	return v->weight * DEC_DIGITS + n;
}

/* Integer square root of an integer N > 0 by Newton's method from above. */
static int isqrt(struct nctx *c, const struct nvar *n, struct nvar *res)
{
	struct nvar x, q, two;
	int rc = power_ten(c, (decimal_digits(n) + 1) / 2, &x);
	if (rc == 0)
		rc = nv_const(c, &two, 2, -1, 0, 0);
	for (int it = 0; rc == 0; it++) {
		if (it > MAX_NEWTON)
			return internal_error(c, "square root");
		struct nvar y;
		rc = nv_div(c, n, &x, &q, 0, false);
		if (rc == 0)
			rc = nv_add(c, &x, &q, &y);
		if (rc == 0)
			rc = nv_div(c, &y, &two, &y, 0, false);
		if (rc != 0)
			break;
		if (nv_cmp(&y, &x) >= 0) {
			*res = x;
			return 0;
		}
		x = y;
	}
	return rc;
}

/*
 * sqrt(x) rounded to rscale (which may be negative): the integer square
 * root of x * 10^(2k), k = rscale + 1, is sqrt(x) truncated to k digits,
 * and the extra digit makes the rounding exact.
 */
int nv_sqrt(struct nctx *c, const struct nvar *x, struct nvar *res, int rscale)
{
	struct nvar r;
	if (x->ndigits == 0) {
		nv_zero(&r);
		r.dscale = rscale;
		*res = r;
		return 0;
	}
	if (x->sign == ALX_NUM_NEG)
		return power_error(
			c, "cannot take square root of a negative number");
	int k = rscale + 1;
	struct nvar p, n, s;
	int rc = power_ten(c, 2 * k, &p);
	if (rc == 0)
		rc = nv_mul(c, x, &p, &n, x->dscale + p.dscale);
	if (rc != 0)
		return rc;
	nv_trunc(&n, 0);
	nv_strip(&n);
	if (n.ndigits == 0) {
		nv_zero(&r);
		r.dscale = rscale;
		*res = r;
		return 0;
	}
	rc = isqrt(c, &n, &s);
	if (rc == 0)
		rc = power_ten(c, -k, &p);
	if (rc == 0)
		rc = nv_mul(c, &s, &p, &r, k > 0 ? k : 0);
	if (rc == 0)
		rc = nv_round(c, &r, rscale);
	if (rc != 0)
		return rc;
	nv_strip(&r);
	*res = r;
	return 0;
}

static int div_int(struct nctx *c, const struct nvar *x, int64_t d,
		   struct nvar *res, int rscale)
{
	struct nvar dv;
	int rc = nv_from_int(c, d, &dv);
	if (rc == 0)
		rc = nv_div(c, x, &dv, res, rscale, true);
	return rc;
}

/* e^x to rscale digits: halve x until small, Taylor series, square. */
static int exp_var(struct nctx *c, const struct nvar *arg, struct nvar *res,
		   int rscale)
{
	struct nvar x, elem, r, one;
	int rc = nv_copy(c, arg, &x);
	if (rc != 0)
		return rc;
	double val = nv_to_double(&x);
	if (fabs(val) >= MAX_RESULT_SCALE * 3) {
		if (val > 0)
			return overflow_error(c);
		nv_zero(&r);
		r.dscale = rscale;
		*res = r;
		return 0;
	}
	int dweight = (int)(val * 0.434294481903252);
	int ndiv2 = 0;
	if (fabs(val) > 0.01) {
		ndiv2 = 1;
		val /= 2;
		while (fabs(val) > 0.01) {
			ndiv2++;
			val /= 2;
		}
		rc = div_int(c, &x, (int64_t)1 << ndiv2, &x, x.dscale + ndiv2);
		if (rc != 0)
			return rc;
	}
	int sig_digits =
		1 + dweight + rscale + (int)(ndiv2 * 0.301029995663981);
	sig_digits = (sig_digits > 0 ? sig_digits : 0) + 8;
	int local_rscale = sig_digits - 1;
	rc = nv_const(c, &one, 1, -1, 0, 0);
	if (rc == 0)
		rc = nv_add(c, &one, &x, &r);
	if (rc == 0)
		rc = nv_mul(c, &x, &x, &elem, local_rscale);
	int64_t ni = 2;
	if (rc == 0)
		rc = div_int(c, &elem, ni, &elem, local_rscale);
	while (rc == 0 && elem.ndigits != 0) {
		if (ni > MAX_SERIES)
			return internal_error(c, "exp");
		rc = nv_add(c, &r, &elem, &r);
		if (rc == 0)
			rc = nv_mul(c, &elem, &x, &elem, local_rscale);
		ni++;
		if (rc == 0)
			rc = div_int(c, &elem, ni, &elem, local_rscale);
	}
	while (rc == 0 && ndiv2-- > 0) {
		local_rscale = sig_digits - r.weight * 2 * DEC_DIGITS;
		if (local_rscale < MIN_DISPLAY_SCALE)
			local_rscale = MIN_DISPLAY_SCALE;
		rc = nv_mul(c, &r, &r, &r, local_rscale);
	}
	if (rc == 0)
		rc = nv_round(c, &r, rscale);
	if (rc == 0)
		*res = r;
	return rc;
}

/* Approximate decimal weight of ln(var), to choose working scales. */
static int estimate_ln_dweight(struct nctx *c, const struct nvar *var, int *out)
{
	struct nvar p9, p11, x;
	*out = 0;
	if (var->sign != ALX_NUM_POS)
		return 0;
	int rc = nv_const(c, &p9, 9000, -1, -1, 1);
	if (rc == 0)
		rc = nv_const(c, &p11, 1, 1000, 0, 1);
	if (rc != 0)
		return rc;
	if (nv_cmp(var, &p9) >= 0 && nv_cmp(var, &p11) <= 0) {
		/* Near 1: ln(1 + x) ~= x. */
		struct nvar one;
		rc = nv_const(c, &one, 1, -1, 0, 0);
		if (rc == 0)
			rc = nv_sub(c, var, &one, &x);
		if (rc != 0)
			return rc;
		if (x.ndigits > 0)
			*out = x.weight * DEC_DIGITS + (int)log10(x.digits[0]);
		return 0;
	}
	if (var->ndigits > 0) {
		int digits = var->digits[0];
		int dweight = var->weight * DEC_DIGITS;
		if (var->ndigits > 1) {
			digits = digits * NBASE + var->digits[1];
			dweight -= DEC_DIGITS;
		}
		double ln = log((double)digits) + dweight * 2.302585092994046;
		*out = (int)log10(fabs(ln));
	}
	return 0;
}

/* ln(x) to rscale digits: square roots down to 0.9 < x < 1.1, then the
 * series of 2 atanh((x - 1) / (x + 1)). */
static int ln_var(struct nctx *c, const struct nvar *arg, struct nvar *res,
		  int rscale)
{
	if (arg->ndigits == 0)
		return alx_sql_error(c->diag, "2201E",
				     "cannot take logarithm of zero");
	if (arg->sign == ALX_NUM_NEG)
		return alx_sql_error(c->diag, "2201E",
				     "cannot take logarithm of a negative "
				     "number");
	struct nvar x, xx, elem, fact, r, p9, p11, one, two;
	int rc = nv_copy(c, arg, &x);
	if (rc == 0)
		rc = nv_const(c, &two, 2, -1, 0, 0);
	if (rc == 0)
		rc = nv_const(c, &fact, 2, -1, 0, 0);
	if (rc == 0)
		rc = nv_const(c, &one, 1, -1, 0, 0);
	if (rc == 0)
		rc = nv_const(c, &p9, 9000, -1, -1, 1);
	if (rc == 0)
		rc = nv_const(c, &p11, 1, 1000, 0, 1);
	if (rc != 0)
		return rc;
	/* PostgreSQL's two loops (x <= 0.9, then x >= 1.1) in one: square
	 * roots of x below 0.9 stay below 1, those of x above 1.1 above 1, so
	 * only one of them ever runs. */
	int nsqrt = 0;
	while (nv_cmp(&x, &p9) <= 0 || nv_cmp(&x, &p11) >= 0) {
		if (nsqrt > MAX_REDUCTIONS)
			return internal_error(c, "ln");
		int local_rscale = rscale - x.weight * DEC_DIGITS / 2 + 8;
		rc = nv_sqrt(c, &x, &x, local_rscale);
		if (rc == 0)
			rc = nv_mul(c, &fact, &two, &fact, 0);
		if (rc != 0)
			return rc;
		nsqrt++;
	}
	int local_rscale = rscale + (int)((nsqrt + 1) * 0.301029995663981) + 8;
	rc = nv_sub(c, &x, &one, &r);
	if (rc == 0)
		rc = nv_add(c, &x, &one, &elem);
	if (rc == 0)
		rc = nv_div(c, &r, &elem, &r, local_rscale, true);
	if (rc == 0)
		rc = nv_copy(c, &r, &xx);
	if (rc == 0)
		rc = nv_mul(c, &r, &r, &x, local_rscale);
	int64_t ni = 1;
	while (rc == 0) {
		if (ni > MAX_SERIES)
			return internal_error(c, "ln");
		ni += 2;
		rc = nv_mul(c, &xx, &x, &xx, local_rscale);
		if (rc == 0)
			rc = div_int(c, &xx, ni, &elem, local_rscale);
		if (rc != 0 || elem.ndigits == 0)
			break;
		rc = nv_add(c, &r, &elem, &r);
		if (rc == 0 &&
		    elem.weight < r.weight - local_rscale * 2 / DEC_DIGITS)
			break;
	}
	if (rc == 0)
		rc = nv_mul(c, &r, &fact, res, rscale);
	return rc;
}

/* base ^ exp for an integer exp, by repeated squaring at scales large
 * enough for rscale digits. */
static int power_var_int(struct nctx *c, const struct nvar *base, int exp,
			 struct nvar *res, int rscale)
{
	struct nvar r, one;
	int rc;
	switch (exp) {
	case 0:
		rc = nv_const(c, &r, 1, -1, 0, rscale);
		if (rc == 0)
			*res = r;
		return rc;
	case 1:
		rc = nv_copy(c, base, &r);
		if (rc == 0)
			rc = nv_round(c, &r, rscale);
		if (rc == 0)
			*res = r;
		return rc;
	case -1:
		rc = nv_const(c, &one, 1, -1, 0, 0);
		if (rc == 0)
			rc = nv_div(c, &one, base, res, rscale, true);
		return rc;
	case 2:
		return nv_mul(c, base, base, res, rscale);
	default:
		break;
	}
	if (base->ndigits == 0) {
		if (exp < 0)
			return alx_sql_error(c->diag, "22012",
					     "division by zero");
		nv_zero(&r);
		r.dscale = rscale;
		*res = r;
		return 0;
	}
	/* Estimate the result's weight to know how many digits to keep. */
	double f = base->digits[0];
	int p = base->weight * DEC_DIGITS;
	for (int i = 1; i < base->ndigits && i * DEC_DIGITS < 16; i++) {
		f = f * NBASE + base->digits[i];
		p -= DEC_DIGITS;
	}
	f = exp * (log10(f) + p);
	if (f > 3 * SHRT_MAX * DEC_DIGITS)
		return overflow_error(c);
	if (f + 1 < -rscale || f + 1 < -MAX_DISPLAY_SCALE) {
		nv_zero(&r);
		r.dscale = rscale;
		*res = r;
		return 0;
	}
	int sig_digits = 1 + rscale + (int)f;
	sig_digits += (int)log(fabs((double)exp)) + 8;
	bool neg = exp < 0;
	unsigned mask = neg ? 0u - (unsigned)exp : (unsigned)exp;
	struct nvar prod;
	rc = nv_copy(c, base, &prod);
	if (rc != 0)
		return rc;
	if (mask & 1)
		rc = nv_copy(c, base, &r);
	else
		rc = nv_const(c, &r, 1, -1, 0, 0);
	while (rc == 0 && (mask >>= 1) > 0) {
		int lr = sig_digits - 2 * prod.weight * DEC_DIGITS;
		if (lr > 2 * prod.dscale)
			lr = 2 * prod.dscale;
		if (lr < MIN_DISPLAY_SCALE)
			lr = MIN_DISPLAY_SCALE;
		rc = nv_mul(c, &prod, &prod, &prod, lr);
		if (rc == 0 && (mask & 1)) {
			lr = sig_digits - (prod.weight + r.weight) * DEC_DIGITS;
			if (lr > prod.dscale + r.dscale)
				lr = prod.dscale + r.dscale;
			if (lr < MIN_DISPLAY_SCALE)
				lr = MIN_DISPLAY_SCALE;
			rc = nv_mul(c, &prod, &r, &r, lr);
		}
		if (rc == 0 &&
		    (prod.weight > SHRT_MAX || r.weight > SHRT_MAX)) {
			/* Past any storable weight: overflow, or zero for a
			 * negative exponent. */
			if (!neg)
				return overflow_error(c);
			nv_zero(&r);
			neg = false;
			break;
		}
	}
	if (rc != 0)
		return rc;
	if (neg) {
		rc = nv_const(c, &one, 1, -1, 0, 0);
		if (rc == 0)
			rc = nv_div(c, &one, &r, &r, rscale, true);
	} else {
		rc = nv_round(c, &r, rscale);
	}
	if (rc == 0)
		*res = r;
	return rc;
}

static bool is_integral(const struct nvar *v)
{
	return v->ndigits == 0 || v->ndigits <= v->weight + 1;
}

/* power_var: scales chosen from a low-precision estimate of the result. */
static int power_var(struct nctx *c, const struct nvar *base,
		     const struct nvar *exp, struct nvar *res)
{
	if (is_integral(exp)) {
		int64_t e;
		if (nv_to_int(exp, &e) && e >= INT_MIN && e <= INT_MAX) {
			/* at least 16 digits: the display bounds are inert */
			int rscale =
				nv_result_scale(MIN_SIG_DIGITS, base, NULL);
			return power_var_int(c, base, (int)e, res, rscale);
		}
	}
	struct nvar r;
	if (base->ndigits == 0) {
		nv_zero(&r);
		r.dscale = MIN_SIG_DIGITS;
		*res = r;
		return 0;
	}
	int res_sign = ALX_NUM_POS;
	struct nvar abs_base;
	if (base->sign == ALX_NUM_NEG) {
		if (!is_integral(exp))
			return power_error(c, "a negative number raised to a "
					      "non-integer power yields a "
					      "complex result");
		if (exp->ndigits > 0 && exp->ndigits == exp->weight + 1 &&
		    (exp->digits[exp->ndigits - 1] & 1))
			res_sign = ALX_NUM_NEG;
		abs_base = *base;
		abs_base.sign = ALX_NUM_POS;
		base = &abs_base;
	}
	int ln_dweight;
	struct nvar ln_base, ln_num;
	int rc = estimate_ln_dweight(c, base, &ln_dweight);
	if (rc != 0)
		return rc;
	int local_rscale = 8 - ln_dweight;
	if (local_rscale < MIN_DISPLAY_SCALE)
		local_rscale = MIN_DISPLAY_SCALE;
	rc = ln_var(c, base, &ln_base, local_rscale);
	if (rc == 0)
		rc = nv_mul(c, &ln_base, exp, &ln_num, local_rscale);
	if (rc != 0)
		return rc;
	double val = nv_to_double(&ln_num);
	if (fabs(val) > MAX_RESULT_SCALE * 3.01) {
		if (val > 0)
			return overflow_error(c);
		nv_zero(&r);
		r.dscale = MAX_DISPLAY_SCALE;
		*res = r;
		return 0;
	}
	val *= 0.434294481903252; /* decimal weight of the result */
	int rscale = nv_result_scale(MIN_SIG_DIGITS - (int)val, base, exp);
	int sig_digits = rscale + (int)val;
	if (sig_digits < 0)
		sig_digits = 0;
	local_rscale = sig_digits - ln_dweight + 8;
	if (local_rscale < MIN_DISPLAY_SCALE)
		local_rscale = MIN_DISPLAY_SCALE;
	rc = ln_var(c, base, &ln_base, local_rscale);
	if (rc == 0)
		rc = nv_mul(c, &ln_base, exp, &ln_num, local_rscale);
	if (rc == 0)
		rc = exp_var(c, &ln_num, &r, rscale);
	if (rc != 0)
		return rc;
	if (res_sign == ALX_NUM_NEG && r.ndigits > 0)
		r.sign = ALX_NUM_NEG;
	*res = r;
	return 0;
}

/* numeric_power: POSIX pow()'s rules for NaN and infinities, then
 * power_var. */
static int nv_power(struct nctx *c, const struct nvar *x, const struct nvar *y,
		    struct nvar *res)
{
	struct nvar one, r;
	int rc = nv_const(c, &one, 1, -1, 0, 0);
	if (rc != 0)
		return rc;
	bool xs = x->sign >= ALX_NUM_NAN, ys = y->sign >= ALX_NUM_NAN;
	int s1 = nv_sign(x), s2 = nv_sign(y);
	if (xs || ys) {
		if (x->sign == ALX_NUM_NAN) {
			if (!ys && y->ndigits == 0)
				return nv_copy(c, &one, res);
			return nv_special(res, ALX_NUM_NAN);
		}
		if (y->sign == ALX_NUM_NAN) {
			if (!xs && nv_cmp(x, &one) == 0)
				return nv_copy(c, &one, res);
			return nv_special(res, ALX_NUM_NAN);
		}
		if (s1 == 0 && s2 < 0)
			return power_error(c, "zero raised to a negative "
					      "power is undefined");
		if (s1 < 0 && !ys && !is_integral(y))
			return power_error(c, "a negative number raised to a "
					      "non-integer power yields a "
					      "complex result");
		if (!xs && nv_cmp(x, &one) == 0)
			return nv_copy(c, &one, res);
		if (s2 == 0)
			return nv_copy(c, &one, res);
		if (s1 == 0 && s2 > 0)
			return nv_special(res, ALX_NUM_POS);
		if (ys) {
			bool abs_x_gt_one = true;
			if (!xs) {
				struct nvar ax = *x;
				if (x->sign == ALX_NUM_NEG &&
				    nv_cmp_abs(x, &one) == 0)
					return nv_copy(c, &one, res);
				ax.sign = ALX_NUM_POS;
				abs_x_gt_one = nv_cmp(&ax, &one) > 0;
			}
			if (abs_x_gt_one == (s2 > 0))
				return nv_special(res, ALX_NUM_PINF);
			return nv_special(res, ALX_NUM_POS);
		}
		if (x->sign == ALX_NUM_PINF) {
			if (s2 > 0)
				return nv_special(res, ALX_NUM_PINF);
			return nv_special(res, ALX_NUM_POS);
		}
		/* x is -Infinity */
		if (s2 < 0)
			return nv_special(res, ALX_NUM_POS);
		if (y->ndigits > 0 && y->ndigits == y->weight + 1 &&
		    (y->digits[y->ndigits - 1] & 1))
			return nv_special(res, ALX_NUM_NINF);
		return nv_special(res, ALX_NUM_PINF);
	}
	if (s1 == 0 && s2 < 0)
		return power_error(
			c, "zero raised to a negative power is undefined");
	rc = power_var(c, x, y, &r);
	if (rc == 0)
		*res = r;
	return rc;
}

static int log_error(struct nctx *c, int sign)
{
	return alx_sql_error(c->diag, "2201E",
			     sign < 0 ? "cannot take logarithm of a negative "
					"number"
				      : "cannot take logarithm of zero");
}

/* numeric_log(base, x): ln(x) / ln(base), each ln with more digits than
 * the result needs. */
static int log_var(struct nctx *c, const struct nvar *base,
		   const struct nvar *num, struct nvar *res)
{
	if (base->sign == ALX_NUM_NAN || num->sign == ALX_NUM_NAN)
		return nv_special(res, ALX_NUM_NAN);
	int s1 = nv_sign(base), s2 = nv_sign(num);
	if (base->sign >= ALX_NUM_NAN || num->sign >= ALX_NUM_NAN) {
		if (s1 <= 0 || s2 <= 0)
			return log_error(c, s1 < 0 || s2 < 0 ? -1 : 0);
		if (base->sign == ALX_NUM_PINF) {
			if (num->sign == ALX_NUM_PINF)
				return nv_special(res, ALX_NUM_NAN);
			return nv_special(res, ALX_NUM_POS);
		}
		return nv_special(res, ALX_NUM_PINF);
	}
	int bdw, ndw;
	int rc = estimate_ln_dweight(c, base, &bdw);
	if (rc == 0)
		rc = estimate_ln_dweight(c, num, &ndw);
	if (rc != 0)
		return rc;
	int result_dw = ndw - bdw;
	int rscale = nv_result_scale(MIN_SIG_DIGITS - result_dw, base, num);
	int brs = rscale + result_dw - bdw + 8;
	int nrs = rscale + result_dw - ndw + 8;
	struct nvar lb, ln;
	rc = ln_var(c, base, &lb, brs > MIN_DISPLAY_SCALE ? brs : 0);
	if (rc == 0)
		rc = ln_var(c, num, &ln, nrs > MIN_DISPLAY_SCALE ? nrs : 0);
	if (rc == 0)
		rc = nv_div(c, &ln, &lb, res, rscale, true);
	return rc;
}

/* numeric_div_trunc: the quotient truncated to an integer. */
static int div_trunc(struct nctx *c, const struct nvar *x, const struct nvar *y,
		     struct nvar *res)
{
	if (x->sign == ALX_NUM_NAN || y->sign == ALX_NUM_NAN)
		return nv_special(res, ALX_NUM_NAN);
	if (x->sign >= ALX_NUM_NAN) {
		int s2 = nv_sign(y);
		if (y->sign >= ALX_NUM_NAN)
			return nv_special(res, ALX_NUM_NAN);
		if (s2 == 0)
			return alx_sql_error(c->diag, "22012",
					     "division by zero");
		bool pos = (x->sign == ALX_NUM_PINF) == (s2 > 0);
		return nv_special(res, pos ? ALX_NUM_PINF : ALX_NUM_NINF);
	}
	if (y->sign >= ALX_NUM_NAN)
		return nv_special(res, ALX_NUM_POS);
	return nv_div(c, x, y, res, 0, false);
}

/* numeric_sqrt, numeric_exp, numeric_ln, numeric_log and
 * numeric_div_trunc: the special values first, then PostgreSQL's result
 * scales. */
int nv_fn(struct nctx *c, int fn, const struct nvar *x, const struct nvar *y,
	  struct nvar *res)
{
	struct nvar r;
	int rscale, rc;
	bool xs = x->sign >= ALX_NUM_NAN;
	switch (fn) {
	case ALX_NUMFN_SQRT: {
		if (x->sign == ALX_NUM_NINF)
			return power_error(c, "cannot take square root of a "
					      "negative number");
		if (xs)
			return nv_special(res, x->sign);
		int sweight = (x->weight + 1) * DEC_DIGITS / 2 - 1;
		rscale = MIN_SIG_DIGITS - sweight;
		break;
	}
	case ALX_NUMFN_EXP: {
		if (x->sign == ALX_NUM_NINF)
			return nv_special(res, ALX_NUM_POS);
		if (xs)
			return nv_special(res, x->sign);
		double val = nv_to_double(x) * 0.434294481903252;
		if (val < -MAX_RESULT_SCALE)
			val = -MAX_RESULT_SCALE;
		if (val > MAX_RESULT_SCALE)
			val = MAX_RESULT_SCALE;
		rscale = MIN_SIG_DIGITS - (int)val;
		break;
	}
	case ALX_NUMFN_LN: {
		if (x->sign == ALX_NUM_NINF)
			return alx_sql_error(c->diag, "2201E",
					     "cannot take logarithm of a "
					     "negative number");
		if (xs)
			return nv_special(res, x->sign);
		int dw;
		rc = estimate_ln_dweight(c, x, &dw);
		if (rc != 0)
			return rc;
		rscale = MIN_SIG_DIGITS - dw;
		break;
	}
	case ALX_NUMFN_LOG:
		return log_var(c, x, y, res);
	case ALX_NUMFN_DIV:
		return div_trunc(c, x, y, res);
	case ALX_NUMFN_POWER:
		return nv_power(c, x, y, res);
	default:
		return internal_error(c, "function");
	}
	rscale = nv_result_scale(rscale, x, NULL);
	if (fn == ALX_NUMFN_SQRT)
		rc = nv_sqrt(c, x, &r, rscale);
	else if (fn == ALX_NUMFN_EXP)
		rc = exp_var(c, x, &r, rscale);
	else
		rc = ln_var(c, x, &r, rscale);
	if (rc == 0)
		*res = r;
	return rc;
}
