/*
 * NUMERIC storage, text I/O, conversions and + - * / % with PostgreSQL
 * 15's result scales and limits. The arithmetic follows numeric.c's
 * definitions (same digit base, same rounding points, same truncation of
 * products to the requested scale plus guard digits) so that results agree
 * to the last digit, including those of the transcendental functions in
 * sql_numeric_math.c that are built on these.
 */
#include "sql/sql_numeric.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_numeric_internal.h"
#include "sql/sql_value.h"
#include "sql/sql_value_internal.h"

static const int round_powers[4] = {0, 1000, 100, 10};

static int overflow_error(struct nctx *c)
{
	return alx_sql_error(c->diag, "22003",
			     "value overflows numeric format");
}

static int corrupt_error(alopex_diag *d)
{
	return alx_diag_set(d, ALOPEX_ECORRUPT, "XX001",
			    "invalid packed numeric value");
}

static int divzero_error(struct nctx *c)
{
	return alx_sql_error(c->diag, "22012", "division by zero");
}

/* ---- variables ----------------------------------------------------------- */

int nv_alloc(struct nctx *c, struct nvar *v, int ndigits)
{
	if (ndigits < 0)
		ndigits = 0;
	int16_t *b =
		alx_arena_alloc(c->a, ((size_t)ndigits + 1) * sizeof(int16_t));
	if (b == NULL)
		return alx_sql_oom(c->diag);
	b[0] = 0;
	v->buf = b;
	v->digits = b + 1;
	v->ndigits = ndigits;
	return 0;
}

int nv_copy(struct nctx *c, const struct nvar *src, struct nvar *dst)
{
	struct nvar t = *src;
	int rc = nv_alloc(c, &t, src->ndigits);
	if (rc != 0)
		return rc;
	if (src->ndigits > 0)
		memcpy(t.digits, src->digits,
		       (size_t)src->ndigits * sizeof(int16_t));
	*dst = t;
	return 0;
}

void nv_zero(struct nvar *v)
{
	v->ndigits = 0;
	v->weight = 0;
	v->sign = ALX_NUM_POS;
	v->buf = NULL;
	v->digits = NULL;
}

int nv_special(struct nvar *v, int kind)
{
	nv_zero(v);
	v->dscale = 0;
	v->sign = kind;
	return 0;
}

int nv_sign(const struct nvar *v)
{
	if (v->sign == ALX_NUM_PINF)
		return 1;
	if (v->sign == ALX_NUM_NINF)
		return -1;
	if (v->ndigits == 0)
		return 0;
	return v->sign == ALX_NUM_NEG ? -1 : 1;
}

int nv_result_scale(int rscale, const struct nvar *x, const struct nvar *y)
{
	if (rscale < x->dscale)
		rscale = x->dscale;
	if (y != NULL && rscale < y->dscale)
		rscale = y->dscale;
	if (rscale < MIN_DISPLAY_SCALE)
		rscale = MIN_DISPLAY_SCALE;
	if (rscale > MAX_DISPLAY_SCALE)
		rscale = MAX_DISPLAY_SCALE;
	return rscale;
}

void nv_strip(struct nvar *v)
{
	int16_t *d = v->digits;
	int n = v->ndigits;
	while (n > 0 && *d == 0) {
		d++;
		v->weight--;
		n--;
	}
	while (n > 0 && d[n - 1] == 0)
		n--;
	if (n == 0) {
		v->sign = ALX_NUM_POS;
		v->weight = 0;
	}
	v->digits = d;
	v->ndigits = n;
}

int nv_from_int(struct nctx *c, int64_t val, struct nvar *v)
{
	uint64_t u = val < 0 ? (uint64_t)0 - (uint64_t)val : (uint64_t)val;
	int16_t tmp[8];
	int n = 0;
	while (u != 0) {
		tmp[n++] = (int16_t)(u % NBASE);
		u /= NBASE;
	}
	struct nvar r = {0};
	int rc = nv_alloc(c, &r, n);
	if (rc != 0)
		return rc;
	for (int i = 0; i < n; i++)
		r.digits[i] = tmp[n - 1 - i];
	r.weight = n - 1;
	r.sign = val < 0 ? ALX_NUM_NEG : ALX_NUM_POS;
	r.dscale = 0;
	if (n == 0)
		r.weight = 0;
	*v = r;
	return 0;
}

bool nv_to_int(const struct nvar *v, int64_t *out)
{
	/* Round half away from zero at the decimal point, then accumulate
	 * the integer digits (those past ndigits are zeros). */
	if (v->ndigits == 0 || v->weight < -1) {
		*out = 0;
		return true;
	}
	bool up = false;
	int fi = v->weight + 1; /* index of the first fractional digit */
	if (fi >= 0 && fi < v->ndigits)
		up = v->digits[fi] >= HALF_NBASE;
	if (v->weight > 4)
		return false; /* >= 10^20 */
	uint64_t acc = 0;
	for (int i = 0; i <= v->weight; i++) {
		uint64_t d = i < v->ndigits ? (uint64_t)v->digits[i] : 0;
		if (acc > (UINT64_MAX - d) / NBASE)
			return false;
		acc = acc * NBASE + d;
	}
	if (up) {
		if (acc == UINT64_MAX)
			return false;
		acc++;
	}
	if (v->sign == ALX_NUM_NEG) {
		if (acc > (uint64_t)INT64_MAX + 1)
			return false;
		*out = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN
						      : -(int64_t)acc;
	} else {
		if (acc > (uint64_t)INT64_MAX)
			return false;
		*out = (int64_t)acc;
	}
	return true;
}

int nv_cmp_abs(const struct nvar *x, const struct nvar *y)
{
	int i1 = 0, i2 = 0, w1 = x->weight, w2 = y->weight;
	const int16_t *d1 = x->digits, *d2 = y->digits;
	while (w1 > w2 && i1 < x->ndigits) {
		if (d1[i1++] != 0)
			return 1;
		w1--;
	}
	while (w2 > w1 && i2 < y->ndigits) {
		if (d2[i2++] != 0)
			return -1;
		w2--;
	}
	if (w1 == w2) {
		while (i1 < x->ndigits && i2 < y->ndigits) {
			int s = d1[i1++] - d2[i2++];
			if (s != 0)
				return s > 0 ? 1 : -1;
		}
	}
	while (i1 < x->ndigits)
		if (d1[i1++] != 0)
			return 1;
	while (i2 < y->ndigits)
		if (d2[i2++] != 0)
			return -1;
	return 0;
}

int nv_cmp(const struct nvar *x, const struct nvar *y)
{
	if (x->ndigits == 0) {
		if (y->ndigits == 0)
			return 0;
		return y->sign == ALX_NUM_NEG ? 1 : -1;
	}
	if (y->ndigits == 0)
		return x->sign == ALX_NUM_POS ? 1 : -1;
	if (x->sign == ALX_NUM_POS) {
		if (y->sign == ALX_NUM_NEG)
			return 1;
		return nv_cmp_abs(x, y);
	}
	if (y->sign == ALX_NUM_POS)
		return -1;
	return nv_cmp_abs(y, x);
}

/*
 * |x| + |y| (sign 1), or |x| - |y| (sign -1, where |x| >= |y|):
 * PostgreSQL's add_abs and sub_abs as one walk over the aligned digits,
 * carrying or borrowing.
 */
static int addsub_abs(struct nctx *c, const struct nvar *x,
		      const struct nvar *y, int sign, struct nvar *res)
{
	/* a sum may carry into one more digit */
	int w = sign > 0 ? (x->weight > y->weight ? x->weight : y->weight) + 1
			 : x->weight;
	int ds = x->dscale > y->dscale ? x->dscale : y->dscale;
	int rs1 = x->ndigits - x->weight - 1, rs2 = y->ndigits - y->weight - 1;
	int rs = rs1 > rs2 ? rs1 : rs2;
	int nd = rs + w + 1;
	if (nd <= 0)
		nd = 1;
	struct nvar r = {0};
	int rc = nv_alloc(c, &r, nd);
	if (rc != 0)
		return rc;
	int i1 = rs + x->weight + 1, i2 = rs + y->weight + 1, carry = 0;
	for (int i = nd - 1; i >= 0; i--) {
		i1--;
		i2--;
		if (i1 >= 0 && i1 < x->ndigits)
			carry += x->digits[i1];
		if (i2 >= 0 && i2 < y->ndigits)
			carry += sign * y->digits[i2];
		if (carry >= NBASE) {
			r.digits[i] = (int16_t)(carry - NBASE);
			carry = 1;
		} else if (carry < 0) {
			r.digits[i] = (int16_t)(carry + NBASE);
			carry = -1;
		} else {
			r.digits[i] = (int16_t)carry;
			carry = 0;
		}
	}
	r.weight = w;
	r.dscale = ds;
	r.sign = ALX_NUM_POS;
	nv_strip(&r);
	*res = r;
	return 0;
}

int nv_add(struct nctx *c, const struct nvar *x, const struct nvar *y,
	   struct nvar *res)
{
	int rc, sign;
	struct nvar r = {0};
	if (x->sign == y->sign) {
		rc = addsub_abs(c, x, y, 1, &r);
		sign = x->sign;
	} else {
		int cmp = nv_cmp_abs(x, y);
		if (cmp == 0) {
			nv_zero(&r);
			r.dscale =
				x->dscale > y->dscale ? x->dscale : y->dscale;
			*res = r;
			return 0;
		}
		if (cmp > 0) {
			rc = addsub_abs(c, x, y, -1, &r);
			sign = x->sign;
		} else {
			rc = addsub_abs(c, y, x, -1, &r);
			sign = y->sign;
		}
	}
	if (rc != 0)
		return rc;
	r.sign = r.ndigits == 0 ? ALX_NUM_POS : sign;
	*res = r;
	return 0;
}

int nv_sub(struct nctx *c, const struct nvar *x, const struct nvar *y,
	   struct nvar *res)
{
	struct nvar ny = *y;
	ny.sign = y->sign == ALX_NUM_NEG ? ALX_NUM_POS : ALX_NUM_NEG;
	return nv_add(c, x, &ny, res);
}

/* A writable digit buffer with a spare leading digit in front. */
static int ensure_spare(struct nctx *c, struct nvar *v)
{
	if (v->buf != NULL && v->digits > v->buf)
		return 0;
	return nv_copy(c, v, v);
}

int nv_round(struct nctx *c, struct nvar *v, int rscale)
{
	v->dscale = rscale;
	int di = (v->weight + 1) * DEC_DIGITS + rscale;
	if (di < 0) {
		v->ndigits = 0;
		v->weight = 0;
		v->sign = ALX_NUM_POS;
		return 0;
	}
	int nd = (di + DEC_DIGITS - 1) / DEC_DIGITS;
	di %= DEC_DIGITS;
	if (!(nd < v->ndigits || (nd == v->ndigits && di > 0)))
		return 0;
	int rc = ensure_spare(c, v);
	if (rc != 0)
		return rc;
	int16_t *d = v->digits;
	v->ndigits = nd;
	int carry;
	if (di == 0) {
		carry = d[nd] >= HALF_NBASE;
	} else {
		int pow10 = round_powers[di];
		int extra = d[--nd] % pow10;
		d[nd] = (int16_t)(d[nd] - extra);
		carry = 0;
		if (extra >= pow10 / 2) {
			pow10 += d[nd];
			if (pow10 >= NBASE) {
				pow10 -= NBASE;
				carry = 1;
			}
			d[nd] = (int16_t)pow10;
		}
	}
	while (carry) {
		/* The spare digit in front takes a carry out of the top. */
		carry += d[--nd];
		if (carry >= NBASE) {
			d[nd] = (int16_t)(carry - NBASE);
			carry = 1;
		} else {
			d[nd] = (int16_t)carry;
			carry = 0;
		}
	}
	if (nd < 0) {
		v->digits--;
		v->ndigits++;
		v->weight++;
	}
	return 0;
}

void nv_trunc(struct nvar *v, int rscale)
{
	v->dscale = rscale;
	int di = (v->weight + 1) * DEC_DIGITS + rscale;
	if (di <= 0) {
		v->ndigits = 0;
		v->weight = 0;
		v->sign = ALX_NUM_POS;
		return;
	}
	int nd = (di + DEC_DIGITS - 1) / DEC_DIGITS;
	if (nd > v->ndigits)
		return;
	v->ndigits = nd;
	di %= DEC_DIGITS;
	if (di > 0) {
		/* Digits are shared only with vars that nv_copy made, and
		 * truncation is applied to fresh results only. */
		int pow10 = round_powers[di];
		v->digits[nd - 1] = (int16_t)(v->digits[nd - 1] -
					      v->digits[nd - 1] % pow10);
	}
}

/*
 * Product rounded to rscale. As numeric.c's mul_var: digits that can only
 * affect positions beyond rscale plus MUL_GUARD_DIGITS are left out, which
 * makes results identical to PostgreSQL's even where that truncation shows.
 */
int nv_mul(struct nctx *c, const struct nvar *x, const struct nvar *y,
	   struct nvar *res, int rscale)
{
	int n1 = x->ndigits, n2 = y->ndigits;
	struct nvar r = {0};
	if (n1 == 0 || n2 == 0) {
		nv_zero(&r);
		r.dscale = rscale;
		*res = r;
		return 0;
	}
	int sign = x->sign == y->sign ? ALX_NUM_POS : ALX_NUM_NEG;
	int w = x->weight + y->weight + 2;
	int nd = n1 + n2 + 1;
	int maxd = w + 1 + (rscale + DEC_DIGITS - 1) / DEC_DIGITS +
		   MUL_GUARD_DIGITS;
	if (nd > maxd)
		nd = maxd;
	if (nd < 3) {
		nv_zero(&r);
		r.dscale = rscale;
		*res = r;
		return 0;
	}
	int64_t *acc = alx_arena_calloc(c->a, (size_t)nd, sizeof(int64_t));
	if (acc == NULL)
		return alx_sql_oom(c->diag);
	for (int i1 = 0; i1 < n1 && i1 <= nd - 3; i1++) {
		int64_t d1 = x->digits[i1];
		if (d1 == 0)
			continue;
		int lim = nd - i1 - 2;
		if (lim > n2)
			lim = n2;
		int64_t *dst = acc + i1 + 2;
		for (int i2 = 0; i2 < lim; i2++)
			dst[i2] += d1 * y->digits[i2];
	}
	int rc = nv_alloc(c, &r, nd);
	if (rc != 0)
		return rc;
	int64_t carry = 0;
	for (int i = nd - 1; i >= 0; i--) {
		int64_t t = acc[i] + carry;
		carry = t / NBASE;
		r.digits[i] = (int16_t)(t - carry * NBASE);
	}
	r.weight = w;
	r.sign = sign;
	rc = nv_round(c, &r, rscale);
	if (rc != 0)
		return rc;
	nv_strip(&r);
	*res = r;
	return 0;
}

/*
 * Quotient to rscale digits, rounded or truncated: exact long division
 * (Knuth's algorithm D on base-10000 digits), one more digit than needed
 * when rounding so the rounding digit is exact.
 */
int nv_div(struct nctx *c, const struct nvar *x, const struct nvar *y,
	   struct nvar *res, int rscale, bool round)
{
	int n1 = x->ndigits, n2 = y->ndigits;
	if (n2 == 0 || y->digits[0] == 0)
		return divzero_error(c);
	struct nvar r = {0};
	if (n1 == 0) {
		nv_zero(&r);
		r.dscale = rscale;
		*res = r;
		return 0;
	}
	int sign = x->sign == y->sign ? ALX_NUM_POS : ALX_NUM_NEG;
	int w = x->weight - y->weight;
	int nq = w + 1 + (rscale + DEC_DIGITS - 1) / DEC_DIGITS;
	if (nq < 1)
		nq = 1;
	if (round)
		nq++;
	int nrem = nq + n2;
	if (nrem < n1)
		nrem = n1;
	/* rem[0] is a zero in front of the dividend; the divisor is dv. */
	int64_t *rem = alx_arena_calloc(c->a, (size_t)nrem + 1 + (size_t)n2,
					sizeof(int64_t));
	if (rem == NULL)
		return alx_sql_oom(c->diag);
	int64_t *dv = rem + nrem + 1;
	for (int i = 0; i < n1; i++)
		rem[i + 1] = x->digits[i];
	for (int i = 0; i < n2; i++)
		dv[i] = y->digits[i];
	int rc = nv_alloc(c, &r, nq);
	if (rc != 0)
		return rc;
	/* Normalise so the divisor's first digit is at least NBASE/2. */
	int64_t d = NBASE / (dv[0] + 1);
	if (d > 1) {
		int64_t carry = 0;
		for (int i = n2 - 1; i >= 0; i--) {
			int64_t t = dv[i] * d + carry;
			dv[i] = t % NBASE;
			carry = t / NBASE;
		}
		carry = 0;
		for (int i = nrem; i >= 0; i--) {
			int64_t t = rem[i] * d + carry;
			rem[i] = t % NBASE;
			carry = t / NBASE;
		}
	}
	for (int j = 0; j < nq; j++) {
		int64_t num = rem[j] * NBASE + rem[j + 1];
		int64_t qhat = num / dv[0];
		int64_t rhat = num - qhat * dv[0];
		if (qhat >= NBASE) {
			qhat = NBASE - 1;
			rhat = num - qhat * dv[0];
		}
		if (n2 >= 2) {
			while (rhat < NBASE &&
			       qhat * dv[1] > rhat * NBASE + rem[j + 2]) {
				qhat--;
				rhat += dv[0];
			}
		}
		if (qhat > 0) {
			int64_t borrow = 0;
			for (int i = n2 - 1; i >= 0; i--) {
				int64_t t =
					rem[j + 1 + i] - qhat * dv[i] - borrow;
				int64_t b = 0;
				if (t < 0) {
					b = (-t + NBASE - 1) / NBASE;
					t += b * NBASE;
				}
				rem[j + 1 + i] = t;
				borrow = b;
			}
			int64_t top = rem[j] - borrow;
			if (top < 0) {
				/* qhat was one too large: add back. */
				qhat--;
				int64_t carry = 0;
				for (int i = n2 - 1; i >= 0; i--) {
					int64_t t =
						rem[j + 1 + i] + dv[i] + carry;
					carry = t >= NBASE;
					rem[j + 1 + i] = t - carry * NBASE;
				}
				top += carry;
			}
			rem[j] = top;
		}
		r.digits[j] = (int16_t)qhat;
	}
	r.weight = w;
	r.sign = sign;
	if (round) {
		rc = nv_round(c, &r, rscale);
		if (rc != 0)
			return rc;
	} else {
		nv_trunc(&r, rscale);
	}
	nv_strip(&r);
	*res = r;
	return 0;
}

/* numeric.c's select_div_scale: at least 16 significant digits. */
static int div_scale(const struct nvar *x, const struct nvar *y)
{
	int w1 = 0, w2 = 0, f1 = 0, f2 = 0;
	for (int i = 0; i < x->ndigits; i++) {
		if (x->digits[i] != 0) {
			f1 = x->digits[i];
			w1 = x->weight - i;
			break;
		}
	}
	for (int i = 0; i < y->ndigits; i++) {
		if (y->digits[i] != 0) {
			f2 = y->digits[i];
			w2 = y->weight - i;
			break;
		}
	}
	int qw = w1 - w2;
	if (f1 <= f2)
		qw--;
	return nv_result_scale(MIN_SIG_DIGITS - qw * DEC_DIGITS, x, y);
}

/* x - trunc(x / y) * y: the sign of x, the larger scale of the two. */
static int mod_var(struct nctx *c, const struct nvar *x, const struct nvar *y,
		   struct nvar *res)
{
	struct nvar q;
	int rc = nv_div(c, x, y, &q, 0, false);
	if (rc == 0)
		rc = nv_mul(c, y, &q, &q, y->dscale);
	if (rc == 0)
		rc = nv_sub(c, x, &q, res);
	return rc;
}

double nv_to_double(const struct nvar *v)
{
	/* Up to 60 significant digits and a sticky 1 for any nonzero digit
	 * cut off: enough for strtod to round as it would the whole text. */
	char buf[96];
	size_t n = 0;
	if (v->ndigits == 0)
		return 0.0;
	if (v->sign == ALX_NUM_NEG)
		buf[n++] = '-';
	int ndec = 0;
	bool sticky = false, started = false;
	int exp10 = 0;
	for (int i = 0; i < v->ndigits; i++) {
		int dg = v->digits[i];
		for (int p = 1000; p >= 1; p /= 10) {
			int x = (dg / p) % 10;
			if (!started) {
				if (x == 0)
					continue;
				started = true;
				/* position of this digit: 10^(4*(w-i)+log p) */
				exp10 = DEC_DIGITS * (v->weight - i) +
					(p == 1000  ? 3
					 : p == 100 ? 2
					 : p == 10  ? 1
						    : 0);
			}
			if (ndec < 60) {
				buf[n++] = (char)('0' + x);
				if (ndec == 0)
					buf[n++] = '.';
				ndec++;
			} else if (x != 0) {
				sticky = true;
			}
		}
	}
	if (sticky)
		buf[n++] = '1';
	snprintf(buf + n, sizeof(buf) - n, "e%d", exp10);
	return alx_sql_strtod(buf, NULL);
}

/* ---- packed form --------------------------------------------------------- */

static inline unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] | ((unsigned)p[1] << 8);
}

static inline void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v & 0xff);
	p[1] = (uint8_t)(v >> 8);
}

bool alx_numeric_valid(const uint8_t *p, size_t len)
{
	if (p == NULL || len < 1 || p[0] > ALX_NUM_NINF)
		return false;
	if (p[0] >= ALX_NUM_NAN)
		return len == 1;
	if (len < 5 || (len - 5) % 2 != 0)
		return false;
	size_t nd = (len - 5) / 2;
	unsigned dscale = get16(p + 1);
	int weight = (int16_t)get16(p + 3);
	if (dscale > ALX_NUMERIC_MAX_DSCALE)
		return false;
	if (nd == 0)
		return p[0] == ALX_NUM_POS && weight == 0;
	for (size_t i = 0; i < nd; i++)
		if (get16(p + 5 + 2 * i) >= NBASE)
			return false;
	if (get16(p + 5) == 0 || get16(p + 5 + 2 * (nd - 1)) == 0)
		return false;
	/* No digit may hide beyond the display scale. */
	long frac = ((long)nd - weight - 1) * DEC_DIGITS;
	if (frac > 0) {
		unsigned last = get16(p + 5 + 2 * (nd - 1));
		while (last % 10 == 0) {
			last /= 10;
			frac--;
		}
		if (frac > (long)dscale)
			return false;
	}
	return true;
}

int alx_numeric_kind(struct alx_num_ref n)
{
	return n.len > 0 ? n.ptr[0] : ALX_NUM_NAN;
}

static int nv_unpack(struct nctx *c, struct alx_num_ref n, struct nvar *v)
{
	if (n.len < 1 || n.ptr[0] > ALX_NUM_NINF)
		return corrupt_error(c->diag);
	nv_zero(v);
	v->dscale = 0;
	v->sign = n.ptr[0];
	if (n.ptr[0] >= ALX_NUM_NAN)
		return 0;
	if (n.len < 5 || (n.len - 5) % 2 != 0)
		return corrupt_error(c->diag);
	int nd = (int)((n.len - 5) / 2);
	struct nvar r = {0};
	int rc = nv_alloc(c, &r, nd);
	if (rc != 0)
		return rc;
	for (int i = 0; i < nd; i++) {
		unsigned d = get16(n.ptr + 5 + 2 * i);
		if (d >= NBASE)
			return corrupt_error(c->diag);
		r.digits[i] = (int16_t)d;
	}
	r.sign = n.ptr[0];
	r.dscale = (int)get16(n.ptr + 1);
	r.weight = (int16_t)get16(n.ptr + 3);
	*v = r;
	return 0;
}

/* make_result: strip, check the storage limits, pack. */
static int nv_pack(struct nctx *c, struct nvar *v, struct alx_num_ref *out)
{
	uint8_t *p;
	if (v->sign >= ALX_NUM_NAN) {
		p = alx_arena_alloc(c->a, 1);
		if (p == NULL)
			return alx_sql_oom(c->diag);
		p[0] = (uint8_t)v->sign;
		out->ptr = p;
		out->len = 1;
		return 0;
	}
	nv_strip(v);
	if (v->weight > NUM_WEIGHT_MAX || v->weight < NUM_WEIGHT_MIN ||
	    v->dscale > ALX_NUMERIC_MAX_DSCALE || v->dscale < 0)
		return overflow_error(c);
	size_t len = 5 + 2 * (size_t)v->ndigits;
	p = alx_arena_alloc(c->a, len);
	if (p == NULL)
		return alx_sql_oom(c->diag);
	p[0] = (uint8_t)v->sign;
	put16(p + 1, (unsigned)v->dscale);
	put16(p + 3, (unsigned)(uint16_t)(int16_t)v->weight);
	for (int i = 0; i < v->ndigits; i++)
		put16(p + 5 + 2 * i, (unsigned)v->digits[i]);
	out->ptr = p;
	out->len = len;
	return 0;
}

void alx_numeric_parts(struct alx_num_ref n, struct alx_num_parts *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = alx_numeric_kind(n);
	if (out->kind >= ALX_NUM_NAN || n.len < 5)
		return;
	out->dscale = (int)get16(n.ptr + 1);
	out->weight = (int16_t)get16(n.ptr + 3);
	out->ndigits = (n.len - 5) / 2;
	out->digits = n.ptr + 5;
}

int alx_numeric_pack(struct alx_arena *a, int kind, int weight, int dscale,
		     const uint16_t *digits, size_t ndigits,
		     struct alx_num_ref *out, alopex_diag *diag)
{
	if (kind < 0 || kind > ALX_NUM_NINF ||
	    (kind >= ALX_NUM_NAN && ndigits != 0) || weight > NUM_WEIGHT_MAX ||
	    weight < NUM_WEIGHT_MIN || dscale < 0 ||
	    dscale > ALX_NUMERIC_MAX_DSCALE || ndigits > 200000)
		return corrupt_error(diag);
	size_t len = kind >= ALX_NUM_NAN ? 1 : 5 + 2 * ndigits;
	uint8_t *p = alx_arena_alloc(a, len);
	if (p == NULL)
		return alx_sql_oom(diag);
	p[0] = (uint8_t)kind;
	if (kind < ALX_NUM_NAN) {
		put16(p + 1, (unsigned)dscale);
		put16(p + 3, (unsigned)(uint16_t)(int16_t)weight);
		for (size_t i = 0; i < ndigits; i++)
			put16(p + 5 + 2 * i, digits[i]);
	}
	if (!alx_numeric_valid(p, len))
		return corrupt_error(diag);
	out->ptr = p;
	out->len = len;
	return 0;
}

/* ---- text ---------------------------------------------------------------- */

static bool is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

/*
 * numeric_in's parser (set_var_from_str plus the special values and the
 * surrounding spaces). Sets v to a finite value or a special one.
 */
static int nv_parse(struct nctx *c, const char *text, size_t len,
		    struct nvar *v)
{
	size_t i = 0;
	while (i < len && alx_sql_isspace((unsigned char)text[i]))
		i++;
	static const struct {
		const char *word;
		int kind;
	} specials[] = {
		{"NaN", ALX_NUM_NAN},	     {"Infinity", ALX_NUM_PINF},
		{"+Infinity", ALX_NUM_PINF}, {"-Infinity", ALX_NUM_NINF},
		{"inf", ALX_NUM_PINF},	     {"+inf", ALX_NUM_PINF},
		{"-inf", ALX_NUM_NINF},
	};
	for (size_t k = 0; k < sizeof(specials) / sizeof(specials[0]); k++) {
		if (alx_sql_prefix_ci(text + i, len - i, specials[k].word)) {
			size_t j = i + strlen(specials[k].word);
			while (j < len &&
			       alx_sql_isspace((unsigned char)text[j]))
				j++;
			if (j != len)
				return alx_sql_syntax_error(c->diag, "numeric",
							    text, len);
			nv_zero(v);
			v->dscale = 0;
			v->sign = specials[k].kind;
			return 0;
		}
	}
	int sign = ALX_NUM_POS;
	if (i < len && (text[i] == '+' || text[i] == '-')) {
		sign = text[i] == '-' ? ALX_NUM_NEG : ALX_NUM_POS;
		i++;
	}
	bool have_dp = false;
	if (i < len && text[i] == '.') {
		have_dp = true;
		i++;
	}
	if (i >= len || !is_digit((unsigned char)text[i]))
		return alx_sql_syntax_error(c->diag, "numeric", text, len);
	uint8_t *dd = alx_arena_alloc(c->a, len - i + 2 * DEC_DIGITS);
	if (dd == NULL)
		return alx_sql_oom(c->diag);
	memset(dd, 0, DEC_DIGITS);
	size_t k = DEC_DIGITS;
	int64_t dweight = -1, dscale = 0;
	while (i < len) {
		if (is_digit((unsigned char)text[i])) {
			dd[k++] = (uint8_t)(text[i++] - '0');
			if (!have_dp)
				dweight++;
			else
				dscale++;
		} else if (text[i] == '.') {
			if (have_dp)
				return alx_sql_syntax_error(c->diag, "numeric",
							    text, len);
			have_dp = true;
			i++;
		} else {
			break;
		}
	}
	int64_t ddigits = (int64_t)k - DEC_DIGITS;
	memset(dd + k, 0, DEC_DIGITS - 1);
	if (i < len && (text[i] == 'e' || text[i] == 'E')) {
		/* strtol's grammar: spaces, a sign, digits. */
		size_t j = i + 1;
		while (j < len && alx_sql_isspace((unsigned char)text[j]))
			j++;
		bool eneg = false;
		if (j < len && (text[j] == '+' || text[j] == '-')) {
			eneg = text[j] == '-';
			j++;
		}
		if (j >= len || !is_digit((unsigned char)text[j]))
			return alx_sql_syntax_error(c->diag, "numeric", text,
						    len);
		int64_t ex = 0;
		while (j < len && is_digit((unsigned char)text[j])) {
			if (ex < 100000000000LL)
				ex = ex * 10 + (text[j] - '0');
			j++;
		}
		if (eneg)
			ex = -ex;
		if (ex >= INT_MAX / 2 || ex <= -(INT_MAX / 2))
			return overflow_error(c);
		i = j;
		dweight += ex;
		dscale -= ex;
		if (dscale < 0)
			dscale = 0;
	}
	while (i < len && alx_sql_isspace((unsigned char)text[i]))
		i++;
	if (i != len)
		return alx_sql_syntax_error(c->diag, "numeric", text, len);
	if (dweight > INT_MAX / 2 || dweight < -(INT_MAX / 2) ||
	    dscale > INT_MAX / 2)
		return overflow_error(c);
	int weight;
	if (dweight >= 0)
		weight = (int)((dweight + 1 + DEC_DIGITS - 1) / DEC_DIGITS - 1);
	else
		weight = (int)-((-dweight - 1) / DEC_DIGITS + 1);
	int offset = (weight + 1) * DEC_DIGITS - (int)(dweight + 1);
	int nd = (int)((ddigits + offset + DEC_DIGITS - 1) / DEC_DIGITS);
	struct nvar r = {0};
	int rc = nv_alloc(c, &r, nd);
	if (rc != 0)
		return rc;
	r.sign = sign;
	r.weight = weight;
	r.dscale = (int)dscale;
	size_t pos = DEC_DIGITS - (size_t)offset;
	for (int n = 0; n < nd; n++, pos += DEC_DIGITS)
		r.digits[n] = (int16_t)(((dd[pos] * 10 + dd[pos + 1]) * 10 +
					 dd[pos + 2]) *
						10 +
					dd[pos + 3]);
	nv_strip(&r);
	*v = r;
	return 0;
}

/* get_str_from_var: every digit down to the display scale. */
static int nv_to_str(struct nctx *c, const struct nvar *v, const char **out,
		     size_t *out_len)
{
	int dscale = v->dscale;
	int i = (v->weight + 1) * DEC_DIGITS;
	if (i <= 0)
		i = 1;
	char *str = alx_arena_alloc(c->a, (size_t)i + (size_t)dscale +
						  DEC_DIGITS + 2);
	if (str == NULL)
		return alx_sql_oom(c->diag);
	char *cp = str;
	if (v->sign == ALX_NUM_NEG)
		*cp++ = '-';
	int d;
	if (v->weight < 0) {
		d = v->weight + 1;
		*cp++ = '0';
	} else {
		for (d = 0; d <= v->weight; d++) {
			int dig = d < v->ndigits ? v->digits[d] : 0;
			bool putit = d > 0;
			for (int p = 1000; p >= 10; p /= 10) {
				int d1 = dig / p;
				dig -= d1 * p;
				putit |= d1 > 0;
				if (putit)
					*cp++ = (char)(d1 + '0');
			}
			*cp++ = (char)(dig + '0');
		}
	}
	if (dscale > 0) {
		*cp++ = '.';
		char *endcp = cp + dscale;
		for (i = 0; i < dscale; d++, i += DEC_DIGITS) {
			int dig = d >= 0 && d < v->ndigits ? v->digits[d] : 0;
			for (int p = 1000; p >= 1; p /= 10) {
				int d1 = dig / p;
				dig -= d1 * p;
				*cp++ = (char)(d1 + '0');
			}
		}
		cp = endcp;
	}
	*cp = '\0';
	*out = str;
	*out_len = (size_t)(cp - str);
	return 0;
}

static int typmod_overflow(struct nctx *c, int prec, int scale, bool inf)
{
	int maxdigits = prec - scale;
	if (inf)
		return alx_sql_error(c->diag, "22003",
				     "numeric field overflow\nA field with "
				     "precision %d, scale %d cannot hold an "
				     "infinite value.",
				     prec, scale);
	return alx_sql_error(c->diag, "22003",
			     "numeric field overflow\nA field with precision "
			     "%d, scale %d must round to an absolute value "
			     "less than %s%d.",
			     prec, scale, maxdigits ? "10^" : "",
			     maxdigits ? maxdigits : 1);
}

/* apply_typmod: round to the scale, then check the integer digits. */
static int nv_typmod(struct nctx *c, struct nvar *v, int prec, int scale)
{
	if (prec < 0)
		return 0;
	if (v->sign >= ALX_NUM_NAN) {
		if (v->sign == ALX_NUM_NAN)
			return 0;
		return typmod_overflow(c, prec, scale, true);
	}
	int maxdigits = prec - scale;
	int rc = nv_round(c, v, scale);
	if (rc != 0)
		return rc;
	if (v->dscale < 0)
		v->dscale = 0;
	int ddigits = (v->weight + 1) * DEC_DIGITS;
	if (ddigits > maxdigits) {
		for (int i = 0; i < v->ndigits; i++) {
			int dig = v->digits[i];
			if (dig != 0) {
				if (dig < 10)
					ddigits -= 3;
				else if (dig < 100)
					ddigits -= 2;
				else if (dig < 1000)
					ddigits -= 1;
				if (ddigits > maxdigits)
					return typmod_overflow(c, prec, scale,
							       false);
				break;
			}
			ddigits -= DEC_DIGITS;
		}
	}
	return 0;
}

/* ---- public API ---------------------------------------------------------- */

int alx_numeric_in(struct alx_arena *a, const char *text, size_t len,
		   int32_t prec, int32_t scale, struct alx_num_ref *out,
		   alopex_diag *diag)
{
	struct nctx c = {a, diag};
	struct nvar v;
	int rc = nv_parse(&c, text, len, &v);
	if (rc == 0)
		rc = nv_typmod(&c, &v, prec, scale);
	if (rc == 0)
		rc = nv_pack(&c, &v, out);
	return rc;
}

int alx_numeric_typmod(struct alx_arena *a, struct alx_num_ref n, int32_t prec,
		       int32_t scale, struct alx_num_ref *out,
		       alopex_diag *diag)
{
	if (prec < 0) {
		*out = n;
		return 0;
	}
	struct nctx c = {a, diag};
	struct nvar v;
	int rc = nv_unpack(&c, n, &v);
	if (rc == 0)
		rc = nv_typmod(&c, &v, prec, scale);
	if (rc == 0)
		rc = nv_pack(&c, &v, out);
	return rc;
}

int alx_numeric_out(struct alx_arena *a, struct alx_num_ref n, const char **out,
		    size_t *out_len)
{
	const char *special = NULL;
	switch (alx_numeric_kind(n)) {
	case ALX_NUM_NAN:
		special = "NaN";
		break;
	case ALX_NUM_PINF:
		special = "Infinity";
		break;
	case ALX_NUM_NINF:
		special = "-Infinity";
		break;
	default:
		break;
	}
	if (special != NULL) {
		*out = special;
		*out_len = strlen(special);
		return 0;
	}
	struct nctx c = {a, NULL};
	struct nvar v;
	int rc = nv_unpack(&c, n, &v);
	if (rc == 0)
		rc = nv_to_str(&c, &v, out, out_len);
	return rc;
}

/* Compare two finite packed values digit by digit. */
static int cmp_packed_finite(struct alx_num_ref x, struct alx_num_ref y)
{
	size_t n1 = (x.len - 5) / 2, n2 = (y.len - 5) / 2;
	int s1 = n1 == 0 ? 0 : x.ptr[0] == ALX_NUM_NEG ? -1 : 1;
	int s2 = n2 == 0 ? 0 : y.ptr[0] == ALX_NUM_NEG ? -1 : 1;
	if (s1 != s2)
		return s1 < s2 ? -1 : 1;
	if (s1 == 0)
		return 0;
	int w1 = (int16_t)get16(x.ptr + 3), w2 = (int16_t)get16(y.ptr + 3);
	int mag;
	if (w1 != w2) {
		mag = w1 > w2 ? 1 : -1;
	} else {
		mag = 0;
		size_t n = n1 < n2 ? n1 : n2;
		for (size_t i = 0; i < n && mag == 0; i++) {
			unsigned a = get16(x.ptr + 5 + 2 * i);
			unsigned b = get16(y.ptr + 5 + 2 * i);
			if (a != b)
				mag = a > b ? 1 : -1;
		}
		if (mag == 0 && n1 != n2)
			mag = n1 > n2 ? 1 : -1;
	}
	return s1 * mag;
}

int alx_numeric_cmp(struct alx_num_ref x, struct alx_num_ref y)
{
	/* Rank: -Infinity, finite, Infinity, NaN. */
	static const int rank[] = {1, 1, 3, 2, 0};
	int kx = alx_numeric_kind(x), ky = alx_numeric_kind(y);
	int rx = kx <= ALX_NUM_NINF ? rank[kx] : 3;
	int ry = ky <= ALX_NUM_NINF ? rank[ky] : 3;
	if (rx != ry)
		return rx < ry ? -1 : 1;
	if (rx != 1)
		return 0;
	if (x.len < 5 || y.len < 5)
		return (x.len >= 5) - (y.len >= 5);
	return cmp_packed_finite(x, y);
}

static int special_result(struct nctx *c, int kind, struct alx_num_ref *out)
{
	struct nvar v;
	nv_special(&v, kind);
	return nv_pack(c, &v, out);
}

/* The special-value rules of numeric_add/sub/mul/div/mod; *done set when
 * the result is decided without arithmetic. */
static int special_arith(struct nctx *c, int op, const struct nvar *x,
			 const struct nvar *y, struct alx_num_ref *out,
			 bool *done)
{
	*done = true;
	bool xs = x->sign >= ALX_NUM_NAN, ys = y->sign >= ALX_NUM_NAN;
	if (x->sign == ALX_NUM_NAN || y->sign == ALX_NUM_NAN)
		return special_result(c, ALX_NUM_NAN, out);
	int sx = nv_sign(x), sy = nv_sign(y);
	switch (op) {
	case ALX_OP_ADD:
	case ALX_OP_SUB: {
		if (op == ALX_OP_SUB)
			sy = -sy;
		if (xs && ys)
			return special_result(c,
					      sx == sy ? (sx > 0 ? ALX_NUM_PINF
								 : ALX_NUM_NINF)
						       : ALX_NUM_NAN,
					      out);
		int s = xs ? sx : sy;
		return special_result(c, s > 0 ? ALX_NUM_PINF : ALX_NUM_NINF,
				      out);
	}
	case ALX_OP_MUL: {
		int s = sx * sy;
		return special_result(c,
				      s == 0  ? ALX_NUM_NAN
				      : s > 0 ? ALX_NUM_PINF
					      : ALX_NUM_NINF,
				      out);
	}
	case ALX_OP_DIV:
		if (xs) {
			if (ys)
				return special_result(c, ALX_NUM_NAN, out);
			if (sy == 0)
				return divzero_error(c);
			return special_result(
				c, sx * sy > 0 ? ALX_NUM_PINF : ALX_NUM_NINF,
				out);
		}
		/* finite / infinity: zero, not an underflow */
		return special_result(c, ALX_NUM_POS, out);
	case ALX_OP_MOD:
		if (xs) {
			if (sy == 0)
				return divzero_error(c);
			return special_result(c, ALX_NUM_NAN, out);
		}
		/* finite % infinity: the finite value */
		*done = false;
		return 0;
	default:
		*done = false;
		return 0;
	}
}

/* nv_fn(fn, x, y), packed into c's arena. The working memory of ln and exp
 * (powers, logarithms) can be large: it stays in a scratch arena freed
 * here, out of the caller's. */
static int fn_packed(struct nctx *c, int fn, const struct nvar *x,
		     const struct nvar *y, struct alx_num_ref *out)
{
	struct alx_arena tmp;
	alx_arena_init(&tmp, c->a->rt, 0);
	struct nctx tc = {&tmp, c->diag};
	struct nvar r;
	int rc = nv_fn(&tc, fn, x, y, &r);
	if (rc == 0)
		rc = nv_pack(c, &r, out);
	alx_arena_fini(&tmp);
	return rc;
}

int alx_numeric_arith(struct alx_arena *a, int op, struct alx_num_ref x,
		      struct alx_num_ref y, struct alx_num_ref *out,
		      alopex_diag *diag)
{
	struct nctx c = {a, diag};
	struct nvar vx, vy, r;
	int rc = nv_unpack(&c, x, &vx);
	if (rc == 0)
		rc = nv_unpack(&c, y, &vy);
	if (rc != 0)
		return rc;
	bool special = vx.sign >= ALX_NUM_NAN || vy.sign >= ALX_NUM_NAN;
	if (special && op != ALX_OP_POW) {
		bool done;
		rc = special_arith(&c, op, &vx, &vy, out, &done);
		if (rc != 0 || done)
			return rc;
		/* finite % infinity */
		return nv_pack(&c, &vx, out);
	}
	switch (op) {
	case ALX_OP_ADD:
		rc = nv_add(&c, &vx, &vy, &r);
		break;
	case ALX_OP_SUB:
		rc = nv_sub(&c, &vx, &vy, &r);
		break;
	case ALX_OP_MUL:
		rc = nv_mul(&c, &vx, &vy, &r, vx.dscale + vy.dscale);
		if (rc == 0 && r.dscale > ALX_NUMERIC_MAX_DSCALE)
			rc = nv_round(&c, &r, ALX_NUMERIC_MAX_DSCALE);
		break;
	case ALX_OP_DIV:
		rc = nv_div(&c, &vx, &vy, &r, div_scale(&vx, &vy), true);
		break;
	case ALX_OP_MOD:
		rc = mod_var(&c, &vx, &vy, &r);
		break;
	case ALX_OP_POW:
		return fn_packed(&c, ALX_NUMFN_POWER, &vx, &vy, out);
	default:
		return alx_sql_error(diag, "42883",
				     "operator does not exist for numeric");
	}
	if (rc == 0)
		rc = nv_pack(&c, &r, out);
	return rc;
}

int alx_numeric_fn(struct alx_arena *a, int fn, struct alx_num_ref x,
		   struct alx_num_ref y, struct alx_num_ref *out,
		   alopex_diag *diag)
{
	struct nctx c = {a, diag};
	struct nvar vx, vy;
	int rc = nv_unpack(&c, x, &vx);
	if (rc == 0 && (fn == ALX_NUMFN_LOG || fn == ALX_NUMFN_DIV ||
			fn == ALX_NUMFN_POWER))
		rc = nv_unpack(&c, y, &vy);
	else
		vy = vx;
	if (rc != 0)
		return rc;
	return fn_packed(&c, fn, &vx, &vy, out);
}

int alx_numeric_round(struct alx_arena *a, struct alx_num_ref x, int scale,
		      bool trunc, struct alx_num_ref *out, alopex_diag *diag)
{
	struct nctx c = {a, diag};
	struct nvar v;
	int rc = nv_unpack(&c, x, &v);
	if (rc != 0)
		return rc;
	if (v.sign >= ALX_NUM_NAN)
		return nv_pack(&c, &v, out);
	/* PostgreSQL's bounds, which keep the digit arithmetic in range */
	if (scale < -MAX_RESULT_SCALE)
		scale = -MAX_RESULT_SCALE;
	if (scale > MAX_RESULT_SCALE)
		scale = MAX_RESULT_SCALE;
	if (trunc)
		nv_trunc(&v, scale); /* v's digits are nv_unpack's copy */
	else
		rc = nv_round(&c, &v, scale);
	if (rc != 0)
		return rc;
	if (scale < 0)
		v.dscale = 0;
	return nv_pack(&c, &v, out);
}

int alx_numeric_neg(struct alx_arena *a, struct alx_num_ref x,
		    struct alx_num_ref *out)
{
	uint8_t *p = alx_arena_memdup(a, x.ptr, x.len);
	if (p == NULL)
		return ALOPEX_ENOMEM;
	switch (p[0]) {
	case ALX_NUM_POS:
		if (x.len > 5)
			p[0] = ALX_NUM_NEG;
		break;
	case ALX_NUM_NEG:
		p[0] = ALX_NUM_POS;
		break;
	case ALX_NUM_PINF:
		p[0] = ALX_NUM_NINF;
		break;
	case ALX_NUM_NINF:
		p[0] = ALX_NUM_PINF;
		break;
	default:
		break;
	}
	out->ptr = p;
	out->len = x.len;
	return 0;
}

int alx_numeric_from_int(struct alx_arena *a, int64_t v,
			 struct alx_num_ref *out)
{
	struct nctx c = {a, NULL};
	struct nvar r = {0};
	int rc = nv_from_int(&c, v, &r);
	if (rc == 0)
		rc = nv_pack(&c, &r, out);
	return rc;
}

void alx_numeric_from_int_buf(int64_t v, uint8_t buf[ALX_NUMERIC_INT_BUFSZ],
			      struct alx_num_ref *out)
{
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	unsigned tmp[5];
	int n = 0;
	while (u != 0) {
		tmp[n++] = (unsigned)(u % NBASE);
		u /= NBASE;
	}
	/* Trailing zero digits are dropped: 10000 is one digit, weight 1. */
	int lo = 0;
	while (lo < n && tmp[lo] == 0)
		lo++;
	buf[0] = v < 0 ? ALX_NUM_NEG : ALX_NUM_POS;
	put16(buf + 1, 0);
	put16(buf + 3, (unsigned)(uint16_t)(int16_t)(n > 0 ? n - 1 : 0));
	int k = 0;
	for (int i = n - 1; i >= lo; i--, k++)
		put16(buf + 5 + 2 * k, tmp[i]);
	out->ptr = buf;
	out->len = 5 + 2 * (size_t)k;
}

/* v as a view of n's first max digits, copied into digs (n finite, at
 * least its 5-byte header); the number of digits n has. */
static size_t view_digits(struct alx_num_ref n, int16_t *digs, int max,
			  struct nvar *v)
{
	size_t nd = (n.len - 5) / 2;
	v->sign = n.ptr[0];
	v->weight = (int16_t)get16(n.ptr + 3);
	v->dscale = 0;
	v->buf = NULL;
	v->digits = digs;
	v->ndigits = nd < (size_t)max ? (int)nd : max;
	for (int i = 0; i < v->ndigits; i++)
		digs[i] = (int16_t)get16(n.ptr + 5 + 2 * i);
	return nd;
}

int alx_numeric_to_int(struct alx_num_ref n, int64_t min, int64_t max,
		       const char *tname, int64_t *out, alopex_diag *diag)
{
	int kind = alx_numeric_kind(n);
	if (kind == ALX_NUM_NAN)
		return alx_sql_error(diag, "0A000", "cannot convert NaN to %s",
				     tname);
	if (kind >= ALX_NUM_PINF)
		return alx_sql_error(diag, "0A000",
				     "cannot convert infinity to %s", tname);
	if (n.len < 5)
		return corrupt_error(diag);
	/* Eight digits are plenty: only values with at most five integer
	 * digits can fit. */
	int16_t digs[8];
	struct nvar v;
	view_digits(n, digs, 8, &v);
	int64_t r;
	if (!nv_to_int(&v, &r) || r < min || r > max)
		return alx_sql_error(diag, "22003", "%s out of range", tname);
	*out = r;
	return 0;
}

int alx_numeric_from_double(struct alx_arena *a, double v, bool float4,
			    struct alx_num_ref *out, alopex_diag *diag)
{
	struct nctx c = {a, diag};
	if (isnan(v))
		return special_result(&c, ALX_NUM_NAN, out);
	if (isinf(v))
		return special_result(&c, v < 0 ? ALX_NUM_NINF : ALX_NUM_PINF,
				      out);
	char buf[64];
	int n = alx_sql_fmt_double(buf, sizeof(buf), "%.*g", float4 ? 6 : 15,
				   v);
	return alx_numeric_in(a, buf, (size_t)n, -1, 0, out, diag);
}

int alx_numeric_to_double(struct alx_arena *a, struct alx_num_ref n,
			  bool float4, double *out, alopex_diag *diag)
{
	switch (alx_numeric_kind(n)) {
	case ALX_NUM_NAN:
		*out = NAN;
		return 0;
	case ALX_NUM_PINF:
		*out = INFINITY;
		return 0;
	case ALX_NUM_NINF:
		*out = -INFINITY;
		return 0;
	default:
		break;
	}
	const char *s;
	size_t len;
	int rc = alx_numeric_out(a, n, &s, &len);
	if (rc != 0)
		return rc == ALOPEX_ENOMEM ? alx_sql_oom(diag)
					   : corrupt_error(diag);
	return alx_float_in(a, s, len, float4, out, diag);
}

double alx_numeric_approx(struct alx_num_ref n)
{
	switch (alx_numeric_kind(n)) {
	case ALX_NUM_NAN:
		return NAN;
	case ALX_NUM_PINF:
		return INFINITY;
	case ALX_NUM_NINF:
		return -INFINITY;
	default:
		break;
	}
	if (n.len < 5)
		return 0;
	/* 20 digits are 80 decimal ones, more than nv_to_double reads; a
	 * nonzero digit further on only matters as the sticky digit. */
	int16_t digs[20];
	struct nvar v;
	size_t nd = view_digits(n, digs, 20, &v);
	if (nd > 20 && v.ndigits == 20 && digs[19] == 0)
		digs[19] = 1;
	return nv_to_double(&v);
}
