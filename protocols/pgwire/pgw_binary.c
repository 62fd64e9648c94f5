/*
 * PostgreSQL binary send/recv formats <-> PostgreSQL text output, per type
 * OID. The binary readers check what PG 15's *_recv functions check and
 * word their errors the same way; the text writers reproduce PG's *_out
 * byte for byte (verified against a PG 15 server, see the unit tests).
 */
#include "pgw_binary.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_OID 26
#define OID_JSON 114
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_BPCHAR 1042
#define OID_VARCHAR 1043
#define OID_DATE 1082
#define OID_TIMESTAMP 1114
#define OID_TIMESTAMPTZ 1184
#define OID_INTERVAL 1186
#define OID_NUMERIC 1700
#define OID_JSONB 3802

/* PG's date/time constants (datatype/timestamp.h). */
#define POSTGRES_EPOCH_JDATE 2451545
#define USECS_PER_DAY INT64_C(86400000000)
#define USECS_PER_HOUR INT64_C(3600000000)
#define USECS_PER_MINUTE INT64_C(60000000)
#define USECS_PER_SEC INT64_C(1000000)
#define DATE_END_JULIAN 2147483494
#define MIN_TIMESTAMP INT64_C(-211813488000000000)
#define END_TIMESTAMP INT64_C(9223371331200000000)

/* NUMERIC sign words and limits (utils/adt/numeric.c). */
#define NUMERIC_POS 0x0000
#define NUMERIC_NEG 0x4000
#define NUMERIC_NAN 0xC000
#define NUMERIC_PINF 0xD000
#define NUMERIC_NINF 0xF000
#define NUMERIC_DSCALE_MASK 0x3FFF
#define NUMERIC_MAX_PRECISION 1000
#define NBASE 10000
#define DEC_DIGITS 4

/* pgvector's VECTOR_MAX_DIM. */
#define VECTOR_MAX_DIM 16000

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -code;
}

/* Quoted input in messages is cut so err never needs to be large. */
#define QFMT "\"%.*s\""
#define QARG(t, n) (int)((n) > 200 ? 200 : (n)), (t)

static int put(struct pgw_buf *b, const void *p, size_t n)
{
	int rc = pgw_buf_reserve(b, n);

	if (rc < 0)
		return rc;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

static int put_be(struct pgw_buf *b, uint64_t v, int bytes)
{
	uint8_t t[8];

	for (int i = 0; i < bytes; i++)
		t[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
	return put(b, t, (size_t)bytes);
}

static uint64_t get_be(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

/* Text results end with a NUL that is not counted in len. */
static int put_text_end(struct pgw_buf *b)
{
	int rc = pgw_buf_reserve(b, 1);

	if (rc < 0)
		return rc;
	b->p[b->len] = 0;
	return 0;
}

static int put_str(struct pgw_buf *b, const char *s)
{
	return put(b, s, strlen(s));
}

/* Fixed-width recv: PG's pq_getmsg* and the bind "all consumed" check. */
static int want_len(size_t n, size_t w, char *err, size_t errlen)
{
	if (n < w)
		return fail(err, errlen, EINVAL,
			    "insufficient data left in message");
	if (n > w)
		return fail(err, errlen, EINVAL,
			    "incorrect binary data format");
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static void trim(const char **t, size_t *n)
{
	while (*n && is_space(**t)) {
		(*t)++;
		(*n)--;
	}
	while (*n && is_space((*t)[*n - 1]))
		(*n)--;
}

static bool ieq(const char *t, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n && word[i]; i++) {
		char c = t[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c != word[i])
			return false;
	}
	return i == n && word[i] == 0;
}

/* ---- UTF-8 (PG verifies client text on receipt) ---- */

static int utf8_check(const uint8_t *p, size_t n, char *err, size_t errlen)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = p[i];
		size_t l = c < 0x80		? 1
			   : (c & 0xe0) == 0xc0 ? 2
			   : (c & 0xf0) == 0xe0 ? 3
			   : (c & 0xf8) == 0xf0 ? 4
						: 0;
		bool ok = c != 0 && l != 0 && i + l <= n;

		if (ok && l > 1) {
			uint32_t cp = c & (0x7f >> l);

			for (size_t k = 1; k < l; k++) {
				if ((p[i + k] & 0xc0) != 0x80)
					ok = false;
				cp = cp << 6 | (p[i + k] & 0x3f);
			}
			if (ok &&
			    ((l == 2 && cp < 0x80) || (l == 3 && cp < 0x800) ||
			     (l == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
			     (cp >= 0xd800 && cp <= 0xdfff)))
				ok = false;
		}
		if (!ok) {
			char hex[32];
			size_t m = l ? l : 1, o = 0;

			if (m > n - i)
				m = n - i;
			for (size_t k = 0; k < m; k++)
				o += (size_t)snprintf(hex + o, sizeof(hex) - o,
						      "%s0x%02x", k ? " " : "",
						      p[i + k]);
			return fail(err, errlen, EINVAL,
				    "invalid byte sequence for encoding "
				    "\"UTF8\": %s",
				    hex);
		}
		i += l;
	}
	return 0;
}

/* ---- integers ---- */

static int int_in(const char *t0, size_t n0, int64_t lo, int64_t hi,
		  const char *tname, int64_t *out, char *err, size_t errlen)
{
	const char *t = t0;
	size_t n = n0, i = 0;
	bool neg = false;
	uint64_t v = 0, lim;

	trim(&t, &n);
	if (i < n && (t[i] == '+' || t[i] == '-'))
		neg = t[i++] == '-';
	if (i == n)
		goto syntax;
	lim = neg ? (uint64_t)(-(lo + 1)) + 1 : (uint64_t)hi;
	for (; i < n; i++) {
		if (t[i] < '0' || t[i] > '9')
			goto syntax;
		if (v > (lim - (uint64_t)(t[i] - '0')) / 10)
			goto range;
		v = v * 10 + (uint64_t)(t[i] - '0');
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
syntax:
	return fail(err, errlen, EINVAL,
		    "invalid input syntax for type %s: " QFMT, tname,
		    QARG(t0, n0));
range:
	/* The remaining characters still have to be digits for PG to say
	 * "out of range" rather than "invalid syntax". */
	for (; i < n; i++)
		if (t[i] < '0' || t[i] > '9')
			goto syntax;
	return fail(err, errlen, EINVAL,
		    "value " QFMT " is out of range for type %s", QARG(t0, n0),
		    tname);
}

static int int_out(struct pgw_buf *out, int64_t v)
{
	char s[24];
	int rc;

	snprintf(s, sizeof(s), "%lld", (long long)v);
	if ((rc = put_str(out, s)) < 0)
		return rc;
	return put_text_end(out);
}

/* ---- bool ---- */

static int bool_in(const char *t0, size_t n0, bool *v, char *err, size_t errlen)
{
	static const struct {
		const char *w;
		size_t min;
		bool v;
	} words[] = {{"true", 1, true}, {"false", 1, false}, {"yes", 1, true},
		     {"no", 1, false},	{"on", 2, true},     {"off", 2, false},
		     {"1", 1, true},	{"0", 1, false}};
	const char *t = t0;
	size_t n = n0;

	trim(&t, &n);
	/* Unique prefixes, as parse_bool_with_len accepts them. */
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t wl = strlen(words[i].w), k;

		if (n < words[i].min || n > wl)
			continue;
		for (k = 0; k < n; k++) {
			char c = t[k];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c + 32);
			if (c != words[i].w[k])
				break;
		}
		if (k == n) {
			*v = words[i].v;
			return 0;
		}
	}
	return fail(err, errlen, EINVAL,
		    "invalid input syntax for type boolean: " QFMT,
		    QARG(t0, n0));
}

/* ---- bytea ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int bytea_in(const char *t, size_t n, struct pgw_buf *out, char *err,
		    size_t errlen)
{
	size_t i;
	int rc;

	if (n >= 2 && t[0] == '\\' && t[1] == 'x') {
		if ((rc = pgw_buf_reserve(out, (n - 2) / 2)) < 0)
			return rc;
		for (i = 2; i < n;) {
			int hi, lo;

			if (is_space(t[i])) {
				i++;
				continue;
			}
			hi = hexval(t[i]);
			if (hi < 0)
				return fail(err, errlen, EINVAL,
					    "invalid hexadecimal digit: "
					    "\"%c\"",
					    t[i]);
			if (i + 1 >= n)
				return fail(err, errlen, EINVAL,
					    "invalid hexadecimal data: odd "
					    "number of digits");
			lo = hexval(t[i + 1]);
			if (lo < 0)
				return fail(err, errlen, EINVAL,
					    "invalid hexadecimal digit: "
					    "\"%c\"",
					    t[i + 1]);
			out->p[out->len++] = (uint8_t)(hi << 4 | lo);
			i += 2;
		}
		return 0;
	}
	/* Traditional escape format. */
	if ((rc = pgw_buf_reserve(out, n)) < 0)
		return rc;
	for (i = 0; i < n;) {
		if (t[i] != '\\') {
			out->p[out->len++] = (uint8_t)t[i++];
		} else if (i + 1 < n && t[i + 1] == '\\') {
			out->p[out->len++] = '\\';
			i += 2;
		} else if (i + 3 < n && t[i + 1] >= '0' && t[i + 1] <= '3' &&
			   t[i + 2] >= '0' && t[i + 2] <= '7' &&
			   t[i + 3] >= '0' && t[i + 3] <= '7') {
			out->p[out->len++] = (uint8_t)((t[i + 1] - '0') << 6 |
						       (t[i + 2] - '0') << 3 |
						       (t[i + 3] - '0'));
			i += 4;
		} else {
			return fail(err, errlen, EINVAL,
				    "invalid input syntax for type bytea");
		}
	}
	return 0;
}

static int bytea_out(const uint8_t *p, size_t n, struct pgw_buf *out)
{
	static const char hx[] = "0123456789abcdef";
	int rc;

	if (n > (SIZE_MAX - 3) / 2)
		return -ENOMEM;
	if ((rc = pgw_buf_reserve(out, 3 + 2 * n)) < 0)
		return rc;
	out->p[out->len++] = '\\';
	out->p[out->len++] = 'x';
	for (size_t i = 0; i < n; i++) {
		out->p[out->len++] = (uint8_t)hx[p[i] >> 4];
		out->p[out->len++] = (uint8_t)hx[p[i] & 15];
	}
	out->p[out->len] = 0;
	return 0;
}

/* ---- floats ---- */

/*
 * PG's Ryu does not take a decimal lying exactly halfway to a neighbour
 * even when strtod would round it back to v (1e23 prints as
 * 9.999999999999999e+22). long double holds both midpoints exactly.
 */
static bool midpoint(const char *cand, double v, bool single)
{
	long double c = strtold(cand, NULL), lo, hi;

	if (single) {
		float f = (float)v;

		lo = ((long double)f + nextafterf(f, -INFINITY)) / 2;
		hi = ((long double)f + nextafterf(f, INFINITY)) / 2;
	} else {
		lo = ((long double)v + nextafter(v, -INFINITY)) / 2;
		hi = ((long double)v + nextafter(v, INFINITY)) / 2;
	}
	return c == lo || c == hi;
}

/*
 * Shortest decimal that reads back as v, the closest one among equally
 * short candidates: what PG's Ryu output prints. Digits go to dig (no
 * point), the decimal exponent of the first digit to *e10.
 */
static int shortest(double v, bool single, char *dig, int *e10)
{
	char s[40], cand[40];
	int maxp = single ? 9 : 17;

	for (int p = 1; p <= maxp; p++) {
		char *e;
		int nd = 0, ex;

		snprintf(s, sizeof(s), "%.*e", p - 1, v);
		/* s = [-]d[.ddd]e[+-]xx */
		for (const char *c = s; *c && *c != 'e'; c++)
			if (*c >= '0' && *c <= '9')
				dig[nd++] = *c;
		e = strchr(s, 'e');
		ex = atoi(e + 1);
		for (int step = 0; step < 3; step++) {
			char d2[20];
			int ex2 = ex;
			double back;
			size_t o = 0;

			memcpy(d2, dig, (size_t)nd);
			if (step > 0) {
				/* Neighbours of the correctly rounded one:
				 * one of them may read back at the
				 * asymmetric gap below a power of two. */
				double w = strtod(s, NULL);
				bool up = (step == 1) == (fabs(w) < fabs(v));
				int k = nd - 1;

				if (up) {
					while (k >= 0 && d2[k] == '9')
						d2[k--] = '0';
					if (k < 0) {
						d2[0] = '1';
						ex2++;
					} else {
						d2[k]++;
					}
				} else {
					while (k >= 0 && d2[k] == '0')
						d2[k--] = '9';
					if (k < 0 ||
					    (k == 0 && d2[0] == '1' && nd == 1))
						continue;
					d2[k]--;
					if (d2[0] == '0')
						continue;
				}
			}
			if (v < 0)
				cand[o++] = '-';
			cand[o++] = d2[0];
			if (nd > 1) {
				cand[o++] = '.';
				memcpy(cand + o, d2 + 1, (size_t)nd - 1);
				o += (size_t)nd - 1;
			}
			snprintf(cand + o, sizeof(cand) - o, "e%d", ex2);
			back = single ? (double)strtof(cand, NULL)
				      : strtod(cand, NULL);
			if (back == v && !midpoint(cand, v, single)) {
				memcpy(dig, d2, (size_t)nd);
				*e10 = ex2;
				return nd;
			}
		}
	}
	return -1; /* not reached for finite v */
}

static int float_out(double v, bool single, struct pgw_buf *out)
{
	char dig[20], s[48];
	int nd, e, o = 0, fixmax = single ? 6 : 15;
	int rc;

	if (isnan(v))
		strcpy(s, "NaN");
	else if (isinf(v))
		strcpy(s, v < 0 ? "-Infinity" : "Infinity");
	else if (v == 0)
		strcpy(s, signbit(v) ? "-0" : "0");
	else {
		nd = shortest(v, single, dig, &e);
		if (nd < 0)
			return -EINVAL;
		if (v < 0)
			s[o++] = '-';
		if (e >= -4 && e < fixmax) {
			if (e < 0) {
				s[o++] = '0';
				s[o++] = '.';
				for (int k = 0; k < -e - 1; k++)
					s[o++] = '0';
				memcpy(s + o, dig, (size_t)nd);
				o += nd;
			} else {
				for (int k = 0; k <= e || k < nd; k++) {
					if (k == e + 1)
						s[o++] = '.';
					s[o++] = k < nd ? dig[k] : '0';
				}
			}
			s[o] = 0;
		} else {
			s[o++] = dig[0];
			if (nd > 1) {
				s[o++] = '.';
				memcpy(s + o, dig + 1, (size_t)nd - 1);
				o += nd - 1;
			}
			snprintf(s + o, sizeof(s) - (size_t)o, "e%c%02d",
				 e < 0 ? '-' : '+', e < 0 ? -e : e);
		}
	}
	if ((rc = put_str(out, s)) < 0)
		return rc;
	return put_text_end(out);
}

static int float_in(const char *t0, size_t n0, bool single, double *v,
		    char *err, size_t errlen)
{
	const char *tname = single ? "real" : "double precision";
	const char *t = t0;
	size_t n = n0;
	char buf[512], *end;
	double d;

	trim(&t, &n);
	if (n == 0 || n >= sizeof(buf))
		goto syntax;
	memcpy(buf, t, n);
	buf[n] = 0;
	/* strtod takes what PG's float8in takes, via the same strtod. */
	errno = 0;
	if (single)
		d = strtof(buf, &end);
	else
		d = strtod(buf, &end);
	if (end != buf + n)
		goto syntax;
	/* strtod keeps the sign of "-NaN", which prints as NaN and would
	 * read back as another bit pattern: one NaN, as the core keeps. */
	if (isnan(d))
		d = NAN;
	if (errno == ERANGE && (d == 0 || isinf(d)))
		return fail(err, errlen, EINVAL,
			    QFMT " is out of range for type %s", QARG(t0, n0),
			    tname);
	*v = d;
	return 0;
syntax:
	return fail(err, errlen, EINVAL,
		    "invalid input syntax for type %s: " QFMT, tname,
		    QARG(t0, n0));
}

/* ---- numeric ---- */

static int numeric_in(const char *t0, size_t n0, struct pgw_buf *out, char *err,
		      size_t errlen)
{
	const char *t = t0;
	size_t n = n0, i = 0, nd = 0, fracd = 0;
	bool neg = false, seen_dot = false, any = false;
	long exp10 = 0, dscale, dweight, weight, offset, ndig;
	char *dig = NULL;
	int rc;

	trim(&t, &n);
	if (ieq(t, n, "nan"))
		return put_be(out, (uint64_t)NUMERIC_NAN << 16, 8);
	if (i < n && (t[i] == '+' || t[i] == '-'))
		neg = t[i++] == '-';
	if (ieq(t + i, n - i, "infinity") || ieq(t + i, n - i, "inf"))
		return put_be(out,
			      (uint64_t)(neg ? NUMERIC_NINF : NUMERIC_PINF)
					      << 16 |
				      0x20,
			      8);
	dig = malloc(n + 1);
	if (!dig)
		return -ENOMEM;
	/* dweight: decimal weight of the first kept digit. */
	dweight = -1;
	for (; i < n; i++) {
		char c = t[i];

		if (c >= '0' && c <= '9') {
			any = true;
			if (seen_dot)
				fracd++;
			if (nd == 0 && c == '0') {
				/* leading zeros carry no digits */
				if (seen_dot)
					dweight--;
				continue;
			}
			dig[nd++] = c;
			if (!seen_dot)
				dweight++;
		} else if (c == '.' && !seen_dot) {
			seen_dot = true;
		} else {
			break;
		}
	}
	if (!any)
		goto syntax;
	if (i < n && (t[i] == 'e' || t[i] == 'E')) {
		bool eneg = false, edig = false;

		i++;
		if (i < n && (t[i] == '+' || t[i] == '-'))
			eneg = t[i++] == '-';
		for (; i < n && t[i] >= '0' && t[i] <= '9'; i++) {
			edig = true;
			exp10 = exp10 * 10 + (t[i] - '0');
			if (exp10 > NUMERIC_MAX_PRECISION)
				goto syntax;
		}
		if (!edig)
			goto syntax;
		if (eneg)
			exp10 = -exp10;
	}
	if (i != n)
		goto syntax;
	dscale = (long)fracd - exp10;
	if (dscale < 0)
		dscale = 0;
	if (dscale > NUMERIC_DSCALE_MASK) {
		free(dig);
		return fail(err, errlen, EINVAL,
			    "value overflows numeric format");
	}
	/* Drop trailing zero digits: the stored form has none. */
	while (nd > 0 && dig[nd - 1] == '0')
		nd--;
	if (nd == 0) {
		free(dig);
		return put_be(out, (uint64_t)dscale, 8);
	}
	dweight += exp10;
	/* Group into base-10000 digits exactly as set_var_from_str. */
	if (dweight >= 0)
		weight = (dweight + 1 + DEC_DIGITS - 1) / DEC_DIGITS - 1;
	else
		weight = -((-dweight - 1) / DEC_DIGITS + 1);
	offset = (weight + 1) * DEC_DIGITS - (dweight + 1);
	ndig = ((long)nd + offset + DEC_DIGITS - 1) / DEC_DIGITS;
	if (weight > INT16_MAX || weight < INT16_MIN) {
		free(dig);
		return fail(err, errlen, EINVAL,
			    "value overflows numeric format");
	}
	if ((rc = pgw_buf_reserve(out, 8 + 2 * (size_t)ndig)) < 0)
		goto done;
	put_be(out, (uint64_t)ndig, 2);
	put_be(out, (uint64_t)(uint16_t)(int16_t)weight, 2);
	put_be(out, neg ? NUMERIC_NEG : NUMERIC_POS, 2);
	put_be(out, (uint64_t)dscale, 2);
	for (long g = 0; g < ndig; g++) {
		int d = 0;

		for (long k = 0; k < DEC_DIGITS; k++) {
			long pos = g * DEC_DIGITS + k - offset;

			d = d * 10 +
			    (pos >= 0 && pos < (long)nd ? dig[pos] - '0' : 0);
		}
		put_be(out, (uint64_t)d, 2);
	}
	rc = 0;
done:
	free(dig);
	return rc;
syntax:
	free(dig);
	return fail(err, errlen, EINVAL,
		    "invalid input syntax for type numeric: " QFMT,
		    QARG(t0, n0));
}

/* Decimal digit at 10^pos of a base-10000 digit array. */
static int num_digit(const uint8_t *digs, uint16_t ndig, int16_t weight,
		     long pos)
{
	long gw = pos >= 0 ? pos / DEC_DIGITS
			   : -((-pos + DEC_DIGITS - 1) / DEC_DIGITS);
	long g = (long)weight - gw;
	int v;

	if (g < 0 || g >= ndig)
		return 0;
	v = (int)get_be(digs + 2 * (size_t)g, 2);
	for (long q = pos - gw * DEC_DIGITS; q > 0; q--)
		v /= 10;
	return v % 10;
}

static int numeric_out(const uint8_t *p, size_t n, struct pgw_buf *out,
		       char *err, size_t errlen)
{
	uint16_t ndig, sign, dscale;
	int16_t weight;
	const uint8_t *digs = p + 8;
	long top, pos;
	bool nz = false, started = false;
	int rc;

	if (n < 8)
		return fail(err, errlen, EINVAL,
			    "insufficient data left in message");
	ndig = (uint16_t)get_be(p, 2);
	weight = (int16_t)get_be(p + 2, 2);
	sign = (uint16_t)get_be(p + 4, 2);
	dscale = (uint16_t)get_be(p + 6, 2);
	if ((rc = want_len(n - 8, 2 * (size_t)ndig, err, errlen)) < 0)
		return rc;
	if (sign != NUMERIC_POS && sign != NUMERIC_NEG && sign != NUMERIC_NAN &&
	    sign != NUMERIC_PINF && sign != NUMERIC_NINF)
		return fail(err, errlen, EINVAL,
			    "invalid sign in external \"numeric\" value");
	if ((dscale & NUMERIC_DSCALE_MASK) != dscale)
		return fail(err, errlen, EINVAL,
			    "invalid scale in external \"numeric\" value");
	for (uint16_t i = 0; i < ndig; i++) {
		int16_t d = (int16_t)get_be(digs + 2 * (size_t)i, 2);

		if (d < 0 || d >= NBASE)
			return fail(err, errlen, EINVAL,
				    "invalid digit in external \"numeric\" "
				    "value");
	}
	if (sign == NUMERIC_NAN || sign == NUMERIC_PINF ||
	    sign == NUMERIC_NINF) {
		rc = put_str(out, sign == NUMERIC_NAN	 ? "NaN"
				  : sign == NUMERIC_PINF ? "Infinity"
							 : "-Infinity");
		return rc < 0 ? rc : put_text_end(out);
	}
	/*
	 * numeric_recv truncates to dscale, and make_result turns a zero
	 * into +0, so "-" goes out only if a digit survives truncation.
	 */
	top = (long)weight * DEC_DIGITS + DEC_DIGITS - 1;
	for (pos = top; pos >= -(long)dscale && !nz; pos--)
		nz = num_digit(digs, ndig, weight, pos) != 0;
	if (top < 0)
		top = 0;
	if ((rc = pgw_buf_reserve(out, (size_t)(top + dscale) + 4)) < 0)
		return rc;
	if (sign == NUMERIC_NEG && nz)
		out->p[out->len++] = '-';
	for (pos = top; pos >= 0; pos--) {
		int d = num_digit(digs, ndig, weight, pos);

		if (!started && d == 0 && pos > 0)
			continue;
		started = true;
		out->p[out->len++] = (uint8_t)('0' + d);
	}
	if (dscale)
		out->p[out->len++] = '.';
	for (pos = -1; pos >= -(long)dscale; pos--)
		out->p[out->len++] =
			(uint8_t)('0' + num_digit(digs, ndig, weight, pos));
	out->p[out->len] = 0;
	return 0;
}

/* ---- date/time ---- */

static int date2j(int y, int m, int d)
{
	int julian, century;

	if (m > 2) {
		m += 1;
		y += 4800;
	} else {
		m += 13;
		y += 4799;
	}
	century = y / 100;
	julian = y * 365 - 32167;
	julian += y / 4 - century + century / 4;
	julian += 7834 * m / 256 + d;
	return julian;
}

static void j2date(int jd, int *year, int *month, int *day)
{
	unsigned int julian, quad, extra;
	int y;

	julian = (unsigned)jd;
	julian += 32044;
	quad = julian / 146097;
	extra = (julian - quad * 146097) * 4 + 3;
	julian += 60 + quad * 3 + extra / 146097;
	quad = julian / 1461;
	julian -= quad * 1461;
	y = (int)(julian * 4 / 1461);
	julian = ((y != 0) ? ((julian + 305) % 365) : ((julian + 306) % 366)) +
		 123;
	y += (int)(quad * 4);
	*year = y - 4800;
	quad = julian * 2141 / 65536;
	*day = (int)(julian - 7834 * quad / 256);
	*month = (int)((quad + 10) % 12 + 1);
}

static bool valid_date(int64_t d)
{
	return d >= -POSTGRES_EPOCH_JDATE &&
	       d < DATE_END_JULIAN - POSTGRES_EPOCH_JDATE;
}

static bool leap(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int mdays(int y, int m)
{
	static const int md[] = {31, 28, 31, 30, 31, 30,
				 31, 31, 30, 31, 30, 31};

	return m == 2 && leap(y) ? 29 : md[m - 1];
}

/* "YYYY-MM-DD" year as printed: BC years are shown as -(year - 1). */
static int put_ymd(struct pgw_buf *b, int jd)
{
	char s[32];
	int y, m, d;

	j2date(jd, &y, &m, &d);
	snprintf(s, sizeof(s), "%04d-%02d-%02d", y > 0 ? y : -(y - 1), m, d);
	return put_str(b, s);
}

static int put_bc(struct pgw_buf *b, int jd)
{
	int y, m, d;

	j2date(jd, &y, &m, &d);
	return y <= 0 ? put_str(b, " BC") : 0;
}

/* HH:MM:SS[.ffffff] with trailing fraction zeros trimmed. */
static int put_hms(struct pgw_buf *b, int64_t t)
{
	char s[40];
	int64_t us = t % USECS_PER_SEC;
	int n;

	t /= USECS_PER_SEC;
	n = snprintf(s, sizeof(s), "%02d:%02d:%02d", (int)(t / 3600),
		     (int)(t / 60 % 60), (int)(t % 60));
	if (us) {
		n += snprintf(s + n, sizeof(s) - (size_t)n, ".%06d", (int)us);
		while (s[n - 1] == '0')
			s[--n] = 0;
	}
	return put_str(b, s);
}

static int ts_out(int64_t ts, bool tz, struct pgw_buf *out, char *err,
		  size_t errlen)
{
	int64_t date, time;
	int rc;

	if (ts == INT64_MAX || ts == INT64_MIN) {
		rc = put_str(out, ts == INT64_MAX ? "infinity" : "-infinity");
		return rc < 0 ? rc : put_text_end(out);
	}
	if (ts < MIN_TIMESTAMP || ts >= END_TIMESTAMP)
		return fail(err, errlen, EINVAL, "timestamp out of range");
	date = ts / USECS_PER_DAY;
	time = ts - date * USECS_PER_DAY;
	if (time < 0) {
		time += USECS_PER_DAY;
		date--;
	}
	date += POSTGRES_EPOCH_JDATE;
	if ((rc = put_ymd(out, (int)date)) < 0 || (rc = put(out, " ", 1)) < 0 ||
	    (rc = put_hms(out, time)) < 0 ||
	    (tz && (rc = put_str(out, "+00")) < 0) ||
	    (rc = put_bc(out, (int)date)) < 0)
		return rc;
	return put_text_end(out);
}

/* Reads 1+ digits as an int (bounded), advancing *i. */
static bool rd_num(const char *t, size_t n, size_t *i, int maxd, int64_t *v,
		   int *ndig)
{
	int64_t x = 0;
	int k = 0;

	while (*i < n && t[*i] >= '0' && t[*i] <= '9') {
		if (k == maxd)
			return false;
		x = x * 10 + (t[*i] - '0');
		(*i)++;
		k++;
	}
	if (!k)
		return false;
	*v = x;
	if (ndig)
		*ndig = k;
	return true;
}

/*
 * ".ddd" at t[*i] as microseconds, rounded the way PG's
 * ParseFractionalSecond does it: rint(strtod(frac) * 1e6).
 */
static bool rd_frac(const char *t, size_t n, size_t *i, int64_t *us)
{
	char buf[40];
	size_t k = 1, j = *i + 1;

	buf[0] = '.';
	while (j < n && t[j] >= '0' && t[j] <= '9') {
		/* Digits beyond the 38th cannot change the rounding. */
		if (k < sizeof(buf) - 1)
			buf[k++] = t[j];
		j++;
	}
	if (j == *i + 1)
		return false;
	buf[k] = 0;
	*us = (int64_t)rint(strtod(buf, NULL) * 1e6);
	*i = j;
	return true;
}

/* " BC" / " AD" suffix (case-insensitive) at t[*i..n). */
static bool rd_era(const char *t, size_t n, size_t *i, bool *bc)
{
	size_t j = *i;

	while (j < n && t[j] == ' ')
		j++;
	if (n - j == 2 && (ieq(t + j, 2, "bc") || ieq(t + j, 2, "ad"))) {
		*bc = ieq(t + j, 2, "bc");
		*i = n;
		return true;
	}
	return false;
}

/*
 * Date part "Y-M-D": -1 syntax error, -2 field out of range, else 0 and
 * the Julian day (era applied by the caller through *y).
 */
static int rd_date(const char *t, size_t n, size_t *i, int64_t *y, int64_t *m,
		   int64_t *d)
{
	if (!rd_num(t, n, i, 7, y, NULL) || *i >= n || t[*i] != '-')
		return -1;
	(*i)++;
	if (!rd_num(t, n, i, 2, m, NULL) || *i >= n || t[*i] != '-')
		return -1;
	(*i)++;
	if (!rd_num(t, n, i, 2, d, NULL))
		return -1;
	return 0;
}

static int date_fields(int64_t y, int64_t m, int64_t d, bool bc, int64_t *jd)
{
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return -2;
	/* Past PG's last date (5874897 AD): keeps date2j in int range. */
	if (!bc && y > 5874898)
		return -3;
	if (bc && y > 4714)
		return -3;
	if (bc)
		y = 1 - y;
	if (d > mdays((int)y, (int)m))
		return -2;
	/* Before 4714-11-24 BC Julian days go negative: out of range. */
	if (y < -4713 || (y == -4713 && (m < 11 || (m == 11 && d < 24))))
		return -3;
	*jd = date2j((int)y, (int)m, (int)d);
	return 0;
}

static int date_in(const char *t0, size_t n0, int32_t *v, char *err,
		   size_t errlen)
{
	const char *t = t0;
	size_t n = n0, i = 0;
	int64_t y, m, d, jd;
	bool bc = false;
	int rc;

	trim(&t, &n);
	if (ieq(t, n, "infinity") || ieq(t, n, "+infinity")) {
		*v = INT32_MAX;
		return 0;
	}
	if (ieq(t, n, "-infinity")) {
		*v = INT32_MIN;
		return 0;
	}
	if (rd_date(t, n, &i, &y, &m, &d) < 0 ||
	    (i < n && !rd_era(t, n, &i, &bc)))
		return fail(err, errlen, EINVAL,
			    "invalid input syntax for type date: " QFMT,
			    QARG(t0, n0));
	rc = date_fields(y, m, d, bc, &jd);
	if (rc == -2)
		return fail(err, errlen, EINVAL,
			    "date/time field value out of range: " QFMT,
			    QARG(t0, n0));
	if (rc < 0 || !valid_date(jd - POSTGRES_EPOCH_JDATE))
		return fail(err, errlen, EINVAL, "date out of range: " QFMT,
			    QARG(t0, n0));
	*v = (int32_t)(jd - POSTGRES_EPOCH_JDATE);
	return 0;
}

static int date_out(int32_t d, struct pgw_buf *out, char *err, size_t errlen)
{
	int rc;

	if (d == INT32_MAX || d == INT32_MIN)
		rc = put_str(out, d == INT32_MAX ? "infinity" : "-infinity");
	else if (!valid_date(d))
		return fail(err, errlen, EINVAL, "date out of range");
	else if ((rc = put_ymd(out, d + POSTGRES_EPOCH_JDATE)) == 0)
		rc = put_bc(out, d + POSTGRES_EPOCH_JDATE);
	return rc < 0 ? rc : put_text_end(out);
}

/*
 * "Y-M-D[ T]H:M[:S[.f]][offset][ BC]"; offsets are +HH, +HH:MM,
 * +HH:MM:SS or Z. Without an offset a timestamptz is taken as UTC (no
 * session time zone here).
 */
static int ts_in(const char *t0, size_t n0, bool tz, int64_t *v, char *err,
		 size_t errlen)
{
	const char *tname = tz ? "timestamp with time zone" : "timestamp";
	const char *t = t0;
	size_t n = n0, i = 0;
	int64_t y, mo, d, hh = 0, mi = 0, ss = 0, us = 0, jd, off = 0, ts;
	bool bc = false;
	int rc;

	trim(&t, &n);
	if (ieq(t, n, "infinity") || ieq(t, n, "+infinity")) {
		*v = INT64_MAX;
		return 0;
	}
	if (ieq(t, n, "-infinity")) {
		*v = INT64_MIN;
		return 0;
	}
	if (rd_date(t, n, &i, &y, &mo, &d) < 0)
		goto syntax;
	if (i < n && (t[i] == ' ' || t[i] == 'T' || t[i] == 't') && i + 1 < n &&
	    t[i + 1] >= '0' && t[i + 1] <= '9') {
		i++;
		if (!rd_num(t, n, &i, 2, &hh, NULL) || i >= n || t[i] != ':')
			goto syntax;
		i++;
		if (!rd_num(t, n, &i, 2, &mi, NULL))
			goto syntax;
		if (i < n && t[i] == ':') {
			i++;
			if (!rd_num(t, n, &i, 2, &ss, NULL))
				goto syntax;
			if (i < n && t[i] == '.' && !rd_frac(t, n, &i, &us))
				goto syntax;
		}
	}
	if (i < n &&
	    (t[i] == '+' || t[i] == '-' || t[i] == 'Z' || t[i] == 'z')) {
		int64_t oh = 0, om = 0, os = 0;
		int sgn = t[i] == '-' ? -1 : 1;

		if (t[i] == 'Z' || t[i] == 'z') {
			i++;
		} else {
			i++;
			if (!rd_num(t, n, &i, 2, &oh, NULL))
				goto syntax;
			if (i < n && t[i] == ':') {
				i++;
				if (!rd_num(t, n, &i, 2, &om, NULL))
					goto syntax;
				if (i < n && t[i] == ':') {
					i++;
					if (!rd_num(t, n, &i, 2, &os, NULL))
						goto syntax;
				}
			}
		}
		if (oh > 15 || om > 59 || os > 59)
			return fail(
				err, errlen, EINVAL,
				"time zone displacement out of range: " QFMT,
				QARG(t0, n0));
		off = sgn * (oh * 3600 + om * 60 + os);
	}
	if (i < n && !rd_era(t, n, &i, &bc))
		goto syntax;
	if (i != n)
		goto syntax;
	rc = date_fields(y, mo, d, bc, &jd);
	if (rc == -2 || hh > 24 || mi > 59 || ss > 60 ||
	    (hh == 24 && (mi || ss || us)))
		return fail(err, errlen, EINVAL,
			    "date/time field value out of range: " QFMT,
			    QARG(t0, n0));
	/* Dates run to 5874897 AD, timestamps to 294276 AD: check the day
	 * before it is scaled to microseconds, which would overflow. */
	if (rc < 0 || jd - POSTGRES_EPOCH_JDATE > END_TIMESTAMP / USECS_PER_DAY)
		goto range;
	ts = (jd - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY +
	     ((hh * 60 + mi) * 60 + ss) * USECS_PER_SEC + us -
	     (tz ? off * USECS_PER_SEC : 0);
	if (ts < MIN_TIMESTAMP || ts >= END_TIMESTAMP)
		goto range;
	*v = ts;
	return 0;
syntax:
	return fail(err, errlen, EINVAL,
		    "invalid input syntax for type %s: " QFMT, tname,
		    QARG(t0, n0));
range:
	return fail(err, errlen, EINVAL, "timestamp out of range: " QFMT,
		    QARG(t0, n0));
}

/* ---- interval (IntervalStyle postgres) ---- */

static int add_int_part(char *s, int *o, int v, const char *unit, bool *is_zero,
			bool *is_before)
{
	if (v == 0)
		return 0;
	*o += snprintf(s + *o, 160 - (size_t)*o, "%s%s%d %s%s",
		       !*is_zero ? " " : "", *is_before && v > 0 ? "+" : "", v,
		       unit, v != 1 ? "s" : "");
	*is_before = v < 0;
	*is_zero = false;
	return 0;
}

static int interval_out(int64_t time, int32_t day, int32_t month,
			struct pgw_buf *out)
{
	char s[160];
	int o = 0, rc;
	bool is_zero = true, is_before = false;
	int64_t hour = time / USECS_PER_HOUR;
	int64_t rest = time - hour * USECS_PER_HOUR;
	int min = (int)(rest / USECS_PER_MINUTE);
	int64_t r2 = rest - min * USECS_PER_MINUTE;
	int sec = (int)(r2 / USECS_PER_SEC);
	int fsec = (int)(r2 - sec * USECS_PER_SEC);

	s[0] = 0;
	add_int_part(s, &o, month / 12, "year", &is_zero, &is_before);
	add_int_part(s, &o, month % 12, "mon", &is_zero, &is_before);
	add_int_part(s, &o, day, "day", &is_zero, &is_before);
	if (is_zero || hour != 0 || min != 0 || sec != 0 || fsec != 0) {
		bool minus = hour < 0 || min < 0 || sec < 0 || fsec < 0;

		o += snprintf(s + o, sizeof(s) - (size_t)o,
			      "%s%s%02llu:%02d:%02d", is_zero ? "" : " ",
			      minus ? "-" : (is_before ? "+" : ""),
			      (unsigned long long)(hour < 0 ? -(uint64_t)hour
							    : (uint64_t)hour),
			      abs(min), abs(sec));
		if (fsec) {
			o += snprintf(s + o, sizeof(s) - (size_t)o, ".%06d",
				      abs(fsec));
			while (s[o - 1] == '0')
				s[--o] = 0;
		}
	}
	if ((rc = put_str(out, s)) < 0)
		return rc;
	return put_text_end(out);
}

/*
 * *us += sgn * (a * mul + extra) (all >= 0) unless int64 overflows; the
 * magnitude is unsigned so that PG's extreme -2562047788:00:54.775808
 * (INT64_MIN microseconds) still reads back.
 */
static bool add_us(int64_t *us, int sgn, int64_t a, int64_t mul, int64_t extra)
{
	uint64_t mag;
	int64_t d;

	if (__builtin_mul_overflow((uint64_t)a, (uint64_t)mul, &mag) ||
	    __builtin_add_overflow(mag, (uint64_t)extra, &mag))
		return false;
	if (sgn < 0) {
		if (mag > (uint64_t)INT64_MAX + 1)
			return false;
		d = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	} else {
		if (mag > (uint64_t)INT64_MAX)
			return false;
		d = (int64_t)mag;
	}
	return !__builtin_add_overflow(*us, d, us);
}

/*
 * Reads PG's own interval output back (postgres style: "<n> <unit>"
 * pairs and an optional [+-]HH:MM:SS[.f] part) plus plain unit names.
 */
static int interval_in(const char *t0, size_t n0, struct pgw_buf *out,
		       char *err, size_t errlen)
{
	static const struct {
		const char *u;
		int kind; /* 0 month, 1 day, 2 us */
		int64_t mul;
	} units[] = {
		{"year", 0, 12},
		{"years", 0, 12},
		{"mon", 0, 1},
		{"mons", 0, 1},
		{"month", 0, 1},
		{"months", 0, 1},
		{"week", 1, 7},
		{"weeks", 1, 7},
		{"day", 1, 1},
		{"days", 1, 1},
		{"hour", 2, USECS_PER_HOUR},
		{"hours", 2, USECS_PER_HOUR},
		{"min", 2, USECS_PER_MINUTE},
		{"mins", 2, USECS_PER_MINUTE},
		{"minute", 2, USECS_PER_MINUTE},
		{"minutes", 2, USECS_PER_MINUTE},
		{"sec", 2, USECS_PER_SEC},
		{"secs", 2, USECS_PER_SEC},
		{"second", 2, USECS_PER_SEC},
		{"seconds", 2, USECS_PER_SEC},
	};
	const char *t = t0;
	size_t n = n0, i = 0;
	int64_t mon = 0, day = 0, us = 0;
	bool any = false;

	trim(&t, &n);
	while (i < n) {
		int sgn = 1;
		int64_t a, fr;
		size_t j;

		while (i < n && t[i] == ' ')
			i++;
		if (i == n)
			break;
		if (t[i] == '+' || t[i] == '-')
			sgn = t[i++] == '-' ? -1 : 1;
		if (!rd_num(t, n, &i, 18, &a, NULL))
			goto syntax;
		fr = 0;
		if (i < n && t[i] == '.' && !rd_frac(t, n, &i, &fr))
			goto syntax;
		if (i < n && t[i] == ':') {
			if (fr)
				goto syntax;
			int64_t mi = 0, ss = 0, f = 0;

			i++;
			if (!rd_num(t, n, &i, 2, &mi, NULL) || mi > 59)
				goto syntax;
			if (i < n && t[i] == ':') {
				i++;
				if (!rd_num(t, n, &i, 2, &ss, NULL) || ss > 59)
					goto syntax;
				if (i < n && t[i] == '.' &&
				    !rd_frac(t, n, &i, &f))
					goto syntax;
			}
			if (!add_us(&us, sgn, a, USECS_PER_HOUR,
				    mi * USECS_PER_MINUTE + ss * USECS_PER_SEC +
					    f))
				goto range;
			any = true;
			continue;
		}
		while (i < n && t[i] == ' ')
			i++;
		j = i;
		while (j < n && t[j] >= 'a' && t[j] <= 'z')
			j++;
		{
			size_t k;

			for (k = 0; k < sizeof(units) / sizeof(units[0]); k++)
				if (ieq(t + i, j - i, units[k].u))
					break;
			if (k == sizeof(units) / sizeof(units[0]))
				goto syntax;
			/*
			 * Fractions spill down as in PG's DecodeInterval:
			 * months -> 30-day days -> microseconds (fr is the
			 * fraction in millionths).
			 */
			if (units[k].kind == 0) {
				int64_t fm = fr * units[k].mul; /* 1e-6 mon */

				if (a > (INT64_C(1) << 33))
					goto range;
				mon += sgn * (a * units[k].mul + fm / 1000000);
				fm %= 1000000;
				day += sgn * (fm * 30 / 1000000);
				if (!add_us(&us, sgn, 0, 0,
					    (int64_t)rint((double)(fm * 30 %
								   1000000) *
							  86400.0)))
					goto range;
			} else if (units[k].kind == 1) {
				int64_t fd = fr * units[k].mul; /* 1e-6 day */

				if (a > (INT64_C(1) << 33))
					goto range;
				day += sgn * (a * units[k].mul + fd / 1000000);
				if (!add_us(&us, sgn, 0, 0,
					    (int64_t)rint(
						    (double)(fd % 1000000) *
						    86400.0)))
					goto range;
			} else if (!add_us(&us, sgn, a, units[k].mul,
					   (int64_t)rint((double)fr *
							 (double)units[k].mul /
							 1e6))) {
				goto range;
			}
		}
		i = j;
		any = true;
		if (mon > INT32_MAX || mon < INT32_MIN || day > INT32_MAX ||
		    day < INT32_MIN)
			goto range;
	}
	if (!any)
		goto syntax;
	{
		int rc = pgw_buf_reserve(out, 16);

		if (rc < 0)
			return rc;
		put_be(out, (uint64_t)us, 8);
		put_be(out, (uint64_t)(uint32_t)(int32_t)day, 4);
		put_be(out, (uint64_t)(uint32_t)(int32_t)mon, 4);
	}
	return 0;
syntax:
	return fail(err, errlen, EINVAL,
		    "invalid input syntax for type interval: " QFMT,
		    QARG(t0, n0));
range:
	return fail(err, errlen, EINVAL, "interval out of range");
}

/* ---- vector (pgvector) ---- */

static int vector_in(const char *t0, size_t n0, struct pgw_buf *out, char *err,
		     size_t errlen)
{
	const char *t = t0;
	size_t n = n0, i, dimpos;
	int dim = 0, rc;
	char buf[64];

	trim(&t, &n);
	if (n < 2 || t[0] != '[' || t[n - 1] != ']')
		goto syntax;
	dimpos = out->len;
	if ((rc = put_be(out, 0, 4)) < 0)
		return rc;
	i = 1;
	while (i < n - 1) {
		size_t j;
		char *end;
		float f;

		while (i < n - 1 && is_space(t[i]))
			i++;
		j = i;
		while (j < n - 1 && t[j] != ',' && !is_space(t[j]))
			j++;
		if (j == i || j - i >= sizeof(buf))
			goto syntax_undo;
		memcpy(buf, t + i, j - i);
		buf[j - i] = 0;
		errno = 0;
		f = strtof(buf, &end);
		if (end != buf + (j - i))
			goto syntax_undo;
		if (isnan(f)) {
			out->len = dimpos;
			return fail(err, errlen, EINVAL,
				    "NaN not allowed in vector");
		}
		/* pgvector: overflow is a range error, a literal "inf" is
		 * rejected as infinite, underflow is accepted. */
		if (isinf(f) && errno == ERANGE) {
			out->len = dimpos;
			return fail(err, errlen, EINVAL,
				    "\"%s\" is out of range for type vector",
				    buf);
		}
		if (isinf(f)) {
			out->len = dimpos;
			return fail(err, errlen, EINVAL,
				    "infinite value not allowed in vector");
		}
		if (++dim > VECTOR_MAX_DIM) {
			out->len = dimpos;
			return fail(err, errlen, EINVAL,
				    "vector cannot have more than %d "
				    "dimensions",
				    VECTOR_MAX_DIM);
		}
		{
			uint32_t u;

			memcpy(&u, &f, 4);
			if ((rc = put_be(out, u, 4)) < 0) {
				out->len = dimpos;
				return rc;
			}
		}
		i = j;
		while (i < n - 1 && is_space(t[i]))
			i++;
		if (i < n - 1) {
			if (t[i] != ',')
				goto syntax_undo;
			i++;
			if (i == n - 1)
				goto syntax_undo;
		}
	}
	if (dim < 1) {
		out->len = dimpos;
		return fail(err, errlen, EINVAL,
			    "vector must have at least 1 dimension");
	}
	out->p[dimpos] = (uint8_t)(dim >> 8);
	out->p[dimpos + 1] = (uint8_t)dim;
	return 0;
syntax_undo:
	out->len = dimpos;
syntax:
	return fail(err, errlen, EINVAL,
		    "invalid input syntax for type vector: " QFMT,
		    QARG(t0, n0));
}

static int vector_out(const uint8_t *p, size_t n, struct pgw_buf *out,
		      char *err, size_t errlen)
{
	int16_t dim, unused;
	size_t start = out->len;
	int rc;

	if (n < 4)
		return fail(err, errlen, EINVAL,
			    "insufficient data left in message");
	dim = (int16_t)get_be(p, 2);
	unused = (int16_t)get_be(p + 2, 2);
	if (dim < 1)
		return fail(err, errlen, EINVAL,
			    "vector must have at least 1 dimension");
	if (dim > VECTOR_MAX_DIM)
		return fail(err, errlen, EINVAL,
			    "vector cannot have more than %d dimensions",
			    VECTOR_MAX_DIM);
	if (unused != 0)
		return fail(err, errlen, EINVAL,
			    "expected unused to be 0, not %d", unused);
	if ((rc = want_len(n, 4 + 4 * (size_t)dim, err, errlen)) < 0)
		return rc;
	for (int i = 0; i < dim; i++) {
		uint32_t u = (uint32_t)get_be(p + 4 + 4 * (size_t)i, 4);
		float f;

		memcpy(&f, &u, 4);
		if (isnan(f) || isinf(f)) {
			out->len = start;
			return fail(err, errlen, EINVAL,
				    isnan(f) ? "NaN not allowed in vector"
					     : "infinite value not allowed in "
					       "vector");
		}
		if ((rc = put(out, i ? "," : "[", 1)) < 0 ||
		    (rc = float_out(f, true, out)) < 0) {
			out->len = start;
			return rc;
		}
	}
	if ((rc = put(out, "]", 1)) < 0) {
		out->len = start;
		return rc;
	}
	return put_text_end(out);
}

/* ---- dispatch ---- */

bool pgw_binary_supported(uint32_t oid)
{
	switch (oid) {
	case OID_BOOL:
	case OID_BYTEA:
	case OID_INT8:
	case OID_INT2:
	case OID_INT4:
	case OID_TEXT:
	case OID_OID:
	case OID_JSON:
	case OID_FLOAT4:
	case OID_FLOAT8:
	case OID_BPCHAR:
	case OID_VARCHAR:
	case OID_DATE:
	case OID_TIMESTAMP:
	case OID_TIMESTAMPTZ:
	case OID_INTERVAL:
	case OID_NUMERIC:
	case OID_JSONB:
	case PGW_OID_VECTOR:
		return true;
	default:
		return false;
	}
}

int pgw_text_to_binary(uint32_t oid, const char *text, size_t n,
		       struct pgw_buf *out, char *err, size_t errlen)
{
	int64_t i64 = 0;
	double d = 0;
	int32_t i32 = 0;
	bool b = false;
	int rc;

	switch (oid) {
	case OID_BOOL:
		if ((rc = bool_in(text, n, &b, err, errlen)) < 0)
			return rc;
		return put_be(out, b ? 1 : 0, 1);
	case OID_BYTEA: {
		size_t start = out->len;

		rc = bytea_in(text, n, out, err, errlen);
		if (rc < 0)
			out->len = start;
		return rc;
	}
	case OID_INT2:
		if ((rc = int_in(text, n, INT16_MIN, INT16_MAX, "smallint",
				 &i64, err, errlen)) < 0)
			return rc;
		return put_be(out, (uint64_t)i64, 2);
	case OID_INT4:
		if ((rc = int_in(text, n, INT32_MIN, INT32_MAX, "integer", &i64,
				 err, errlen)) < 0)
			return rc;
		return put_be(out, (uint64_t)i64, 4);
	case OID_INT8:
		if ((rc = int_in(text, n, INT64_MIN, INT64_MAX, "bigint", &i64,
				 err, errlen)) < 0)
			return rc;
		return put_be(out, (uint64_t)i64, 8);
	case OID_OID:
		/* oidin takes -2^31..2^32-1; negatives wrap as in PG. */
		if ((rc = int_in(text, n, INT32_MIN, UINT32_MAX, "oid", &i64,
				 err, errlen)) < 0)
			return rc;
		return put_be(out, (uint64_t)(uint32_t)i64, 4);
	case OID_TEXT:
	case OID_JSON:
	case OID_BPCHAR:
	case OID_VARCHAR:
		/* What we send must be what a client may send back. */
		if ((rc = utf8_check((const uint8_t *)text, n, err, errlen)) <
		    0)
			return rc;
		return put(out, text, n);
	case OID_JSONB:
		if ((rc = utf8_check((const uint8_t *)text, n, err, errlen)) <
			    0 ||
		    (rc = put_be(out, 1, 1)) < 0)
			return rc;
		if ((rc = put(out, text, n)) < 0)
			out->len--;
		return rc;
	case OID_FLOAT4:
		if ((rc = float_in(text, n, true, &d, err, errlen)) < 0)
			return rc;
		{
			float f = (float)d;
			uint32_t u;

			memcpy(&u, &f, 4);
			return put_be(out, u, 4);
		}
	case OID_FLOAT8:
		if ((rc = float_in(text, n, false, &d, err, errlen)) < 0)
			return rc;
		{
			uint64_t u;

			memcpy(&u, &d, 8);
			return put_be(out, u, 8);
		}
	case OID_NUMERIC:
		return numeric_in(text, n, out, err, errlen);
	case OID_DATE:
		if ((rc = date_in(text, n, &i32, err, errlen)) < 0)
			return rc;
		return put_be(out, (uint32_t)i32, 4);
	case OID_TIMESTAMP:
	case OID_TIMESTAMPTZ:
		if ((rc = ts_in(text, n, oid == OID_TIMESTAMPTZ, &i64, err,
				errlen)) < 0)
			return rc;
		return put_be(out, (uint64_t)i64, 8);
	case OID_INTERVAL:
		return interval_in(text, n, out, err, errlen);
	case PGW_OID_VECTOR:
		return vector_in(text, n, out, err, errlen);
	default:
		return fail(err, errlen, ENOTSUP,
			    "no binary input function available for type %u",
			    oid);
	}
}

int pgw_binary_to_text(uint32_t oid, const uint8_t *p, size_t n,
		       struct pgw_buf *out, char *err, size_t errlen)
{
	int rc;

	switch (oid) {
	case OID_BOOL:
		if ((rc = want_len(n, 1, err, errlen)) < 0)
			return rc;
		if ((rc = put_str(out, p[0] ? "t" : "f")) < 0)
			return rc;
		return put_text_end(out);
	case OID_BYTEA:
		return bytea_out(p, n, out);
	case OID_INT2:
		if ((rc = want_len(n, 2, err, errlen)) < 0)
			return rc;
		return int_out(out, (int16_t)get_be(p, 2));
	case OID_INT4:
		if ((rc = want_len(n, 4, err, errlen)) < 0)
			return rc;
		return int_out(out, (int32_t)get_be(p, 4));
	case OID_OID:
		if ((rc = want_len(n, 4, err, errlen)) < 0)
			return rc;
		return int_out(out, (int64_t)get_be(p, 4));
	case OID_INT8:
		if ((rc = want_len(n, 8, err, errlen)) < 0)
			return rc;
		return int_out(out, (int64_t)get_be(p, 8));
	case OID_JSONB:
		if (n < 1)
			return fail(err, errlen, EINVAL,
				    "insufficient data left in message");
		if (p[0] != 1)
			return fail(err, errlen, EINVAL,
				    "unsupported jsonb version number %d",
				    p[0]);
		p++;
		n--;
		/* fall through */
	case OID_TEXT:
	case OID_JSON:
	case OID_BPCHAR:
	case OID_VARCHAR:
		if ((rc = utf8_check(p, n, err, errlen)) < 0 ||
		    (rc = put(out, p, n)) < 0)
			return rc;
		return put_text_end(out);
	case OID_FLOAT4: {
		uint32_t u;
		float f;

		if ((rc = want_len(n, 4, err, errlen)) < 0)
			return rc;
		u = (uint32_t)get_be(p, 4);
		memcpy(&f, &u, 4);
		return float_out(f, true, out);
	}
	case OID_FLOAT8: {
		uint64_t u;
		double d;

		if ((rc = want_len(n, 8, err, errlen)) < 0)
			return rc;
		u = get_be(p, 8);
		memcpy(&d, &u, 8);
		return float_out(d, false, out);
	}
	case OID_NUMERIC:
		return numeric_out(p, n, out, err, errlen);
	case OID_DATE:
		if ((rc = want_len(n, 4, err, errlen)) < 0)
			return rc;
		return date_out((int32_t)get_be(p, 4), out, err, errlen);
	case OID_TIMESTAMP:
	case OID_TIMESTAMPTZ:
		if ((rc = want_len(n, 8, err, errlen)) < 0)
			return rc;
		return ts_out((int64_t)get_be(p, 8), oid == OID_TIMESTAMPTZ,
			      out, err, errlen);
	case OID_INTERVAL:
		if ((rc = want_len(n, 16, err, errlen)) < 0)
			return rc;
		return interval_out((int64_t)get_be(p, 8),
				    (int32_t)get_be(p + 8, 4),
				    (int32_t)get_be(p + 12, 4), out);
	case PGW_OID_VECTOR:
		return vector_out(p, n, out, err, errlen);
	default:
		return fail(err, errlen, ENOTSUP,
			    "no binary output function available for type %u",
			    oid);
	}
}
