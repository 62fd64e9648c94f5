/*
 * FLOAT4 and FLOAT8 text input and output as PostgreSQL 15 does it
 * (float8in/float4in, float8out/float4out), plus locale-proof wrappers of
 * strtod and printf: an application embedding Alopex may have switched
 * LC_NUMERIC to a locale whose decimal point is ',', and SQL text must not
 * change meaning because of that.
 */
#include <errno.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_value.h"
#include "sql/sql_value_internal.h"

/* ---- errors -------------------------------------------------------------- */

int alx_sql_error(alopex_diag *d, const char *sqlstate, const char *fmt, ...)
{
	/* Larger than the diag's buffer, so an overlong message reaches
	 * alx_diag_set whole enough for it to mark the cut. */
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return alx_diag_set(d, ALOPEX_ESQL, sqlstate, "%s", buf);
}

int alx_sql_syntax_error(alopex_diag *d, const char *tname, const char *text,
			 size_t len)
{
	/* A message too long for the diag is cut and marked there. */
	int n = len > 4096 ? 4096 : (int)len;
	return alx_sql_error(d, "22P02",
			     "invalid input syntax for type %s: \"%.*s\"",
			     tname, n, text);
}

int alx_sql_oom(alopex_diag *d)
{
	return alx_diag_set(d, ALOPEX_ENOMEM, "53200", "out of memory");
}

bool alx_sql_prefix_ci(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);
	if (len < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (alx_sql_tolower((unsigned char)s[i]) !=
		    alx_sql_tolower((unsigned char)word[i]))
			return false;
	return true;
}

/* ---- locale-proof conversions -------------------------------------------- */

/* The locale's decimal point when it is not "." (NULL otherwise). */
static const char *foreign_point(void)
{
	const struct lconv *lc = localeconv();
	if (lc == NULL || lc->decimal_point == NULL ||
	    strcmp(lc->decimal_point, ".") == 0 || lc->decimal_point[0] == 0)
		return NULL;
	return lc->decimal_point;
}

/*
 * Run strtod/strtof on s with '.' rewritten to the locale's point. Only the
 * first kilobyte is rewritten: in a foreign locale a longer number is cut
 * there (and then rejected by the caller's end check), which beats
 * allocating on every conversion.
 */
static double strto_local(const char *s, char **end, bool f4)
{
	const char *dp = foreign_point();
	if (dp == NULL) {
		if (f4)
			return strtof(s, end);
		return strtod(s, end);
	}
	char buf[1024];
	size_t dpl = strlen(dp), n = 0, i = 0;
	size_t map[1024]; /* buf offset -> s offset */
	for (; s[i] != '\0' && n + dpl + 1 < sizeof(buf); i++) {
		if (s[i] == '.') {
			for (size_t k = 0; k < dpl; k++) {
				map[n] = i;
				buf[n++] = dp[k];
			}
		} else {
			map[n] = i;
			buf[n++] = s[i];
		}
	}
	map[n] = i;
	buf[n] = '\0';
	char *e = NULL;
	double v = f4 ? strtof(buf, &e) : strtod(buf, &e);
	if (end != NULL)
		*end = (char *)s + map[e - buf];
	return v;
}

double alx_sql_strtod(const char *s, char **end)
{
	return strto_local(s, end, false);
}

float alx_sql_strtof(const char *s, char **end)
{
	return (float)strto_local(s, end, true);
}

int alx_sql_fmt_double(char *buf, size_t size, const char *fmt, int prec,
		       double v)
{
	int n = snprintf(buf, size, fmt, prec, v);
	const char *dp = foreign_point();
	if (dp == NULL || n < 0)
		return n;
	/* Put '.' back where the locale wrote its own point. */
	size_t dpl = strlen(dp);
	char *p = strstr(buf, dp);
	if (p != NULL) {
		*p = '.';
		memmove(p + 1, p + dpl, strlen(p + dpl) + 1);
		n -= (int)(dpl - 1);
	}
	return n;
}

/* ---- output -------------------------------------------------------------- */

/*
 * Exact comparison of a decimal m * 10^x with a binary b * 2^e, on small
 * big integers (2560 bits hold every case of a double).
 */
#define BIG_LIMBS 80

struct big {
	uint32_t w[BIG_LIMBS];
	int n; /* limbs in use */
};

static void big_set(struct big *a, uint64_t v)
{
	a->n = 0;
	while (v != 0) {
		a->w[a->n++] = (uint32_t)v;
		v >>= 32;
	}
}

static void big_mul_small(struct big *a, uint32_t f)
{
	uint64_t carry = 0;
	for (int i = 0; i < a->n; i++) {
		uint64_t t = (uint64_t)a->w[i] * f + carry;
		a->w[i] = (uint32_t)t;
		carry = t >> 32;
	}
	if (carry != 0 && a->n < BIG_LIMBS)
		a->w[a->n++] = (uint32_t)carry;
}

static void big_shl(struct big *a, int bits)
{
	int limbs = bits / 32, r = bits % 32;
	if (a->n == 0)
		return;
	if (r != 0) {
		uint32_t carry = 0;
		for (int i = 0; i < a->n; i++) {
			uint32_t t = a->w[i];
			a->w[i] = t << r | carry;
			carry = t >> (32 - r);
		}
		if (carry != 0 && a->n < BIG_LIMBS)
			a->w[a->n++] = carry;
	}
	if (limbs > 0 && a->n + limbs <= BIG_LIMBS) {
		memmove(a->w + limbs, a->w, (size_t)a->n * sizeof(uint32_t));
		memset(a->w, 0, (size_t)limbs * sizeof(uint32_t));
		a->n += limbs;
	}
}

static int big_cmp(const struct big *a, const struct big *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (int i = a->n - 1; i >= 0; i--)
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	return 0;
}

/* sign(m * 10^x - b * 2^e) */
static int dec_cmp_bin(uint64_t m, int x, uint64_t b, int e)
{
	struct big l, r;
	big_set(&l, m);
	big_set(&r, b);
	int lshift = 0, rshift = 0;
	if (x >= 0) {
		for (int i = 0; i < x; i++)
			big_mul_small(&l, 5);
		lshift += x;
	} else {
		for (int i = 0; i < -x; i++)
			big_mul_small(&r, 5);
		rshift -= x;
	}
	if (e >= 0)
		rshift += e;
	else
		lshift -= e;
	int common = lshift < rshift ? lshift : rshift;
	big_shl(&l, lshift - common);
	big_shl(&r, rshift - common);
	return big_cmp(&l, &r);
}

/* v (finite, > 0) as mant * 2^e; pow2: the gap below v is half as wide. */
static void decompose(double v, bool f4, uint64_t *mant, int *e, bool *pow2)
{
	if (f4) {
		float f = (float)v;
		uint32_t u;
		memcpy(&u, &f, 4);
		int be = (int)(u >> 23);
		*mant = u & 0x7fffff;
		*pow2 = *mant == 0 && be > 1;
		if (be == 0) {
			*e = 1 - 150;
		} else {
			*mant |= 0x800000;
			*e = be - 150;
		}
		return;
	}
	uint64_t u;
	memcpy(&u, &v, 8);
	int be = (int)(u >> 52);
	*mant = u & ((UINT64_C(1) << 52) - 1);
	*pow2 = *mant == 0 && be > 1;
	if (be == 0) {
		*e = 1 - 1075;
	} else {
		*mant |= UINT64_C(1) << 52;
		*e = be - 1075;
	}
}

/*
 * Is m * 10^x strictly between the midpoints from v to its neighbours?
 * PostgreSQL builds Ryu with STRICTLY_SHORTEST 0: a decimal on a midpoint
 * is never printed, even where round-half-even would read it back right.
 */
static bool inside(uint64_t m, int x, uint64_t mant, int e, bool pow2)
{
	if (dec_cmp_bin(m, x, 2 * mant + 1, e - 1) >= 0)
		return false;
	if (pow2)
		return dec_cmp_bin(m, x, 4 * mant - 1, e - 2) > 0;
	return dec_cmp_bin(m, x, 2 * mant - 1, e - 1) > 0;
}

/*
 * Shortest decimal m * 10^x strictly inside v's rounding interval (v
 * finite, > 0), closest to v among those of that length: what PostgreSQL's
 * Ryu prints. For each length p the correctly rounded p-digit decimal
 * (printf's, exact) is tried, then its neighbour on the other side of v.
 */
static void shortest(double v, bool f4, uint64_t *mant, int *exp10)
{
	int maxp = f4 ? 9 : 17;
	uint64_t vm;
	int ve;
	bool pow2;
	decompose(v, f4, &vm, &ve, &pow2);
	for (int p = 1; p <= maxp; p++) {
		char buf[48];
		alx_sql_fmt_double(buf, sizeof(buf), "%.*e", p - 1, v);
		uint64_t m = 0;
		const char *s = buf;
		for (; *s != 'e' && *s != '\0'; s++)
			if (*s >= '0' && *s <= '9')
				m = m * 10 + (uint64_t)(*s - '0');
		int e = *s == 'e' ? atoi(s + 1) : 0;
		int x = e - (p - 1);
		if (inside(m, x, vm, ve, pow2)) {
			*mant = m;
			*exp10 = x;
			return;
		}
		/* m * 10^x is past one midpoint: try the decimal on the
		 * other side of v. */
		uint64_t other = dec_cmp_bin(m, x, vm, ve) > 0 ? m - 1 : m + 1;
		if (other > 0 && inside(other, x, vm, ve, pow2)) {
			*mant = other;
			*exp10 = x;
			return;
		}
	}
	/* 17 (9) digits always fit strictly inside; not reached. */
	*mant = 0;
	*exp10 = 0;
}

size_t alx_float_out(double v, bool f4, int extra_float_digits,
		     char buf[ALX_FLOAT_BUFSZ])
{
	if (isnan(v))
		return (size_t)snprintf(buf, ALX_FLOAT_BUFSZ, "NaN");
	if (isinf(v))
		return (size_t)snprintf(buf, ALX_FLOAT_BUFSZ, "%s",
					v < 0 ? "-Infinity" : "Infinity");
	if (extra_float_digits <= 0) {
		int ndig = (f4 ? FLT_DIG : DBL_DIG) + extra_float_digits;
		if (ndig < 1)
			ndig = 1;
		return (size_t)alx_sql_fmt_double(buf, ALX_FLOAT_BUFSZ, "%.*g",
						  ndig, v);
	}
	size_t n = 0;
	if (signbit(v)) {
		buf[n++] = '-';
		v = -v;
	}
	if (v == 0) {
		buf[n++] = '0';
		buf[n] = '\0';
		return n;
	}
	uint64_t m;
	int x;
	shortest(v, f4, &m, &x);
	while (m % 10 == 0) {
		m /= 10;
		x++;
	}
	char dig[24];
	int nd = snprintf(dig, sizeof(dig), "%llu", (unsigned long long)m);
	int e = x + nd - 1; /* decimal exponent of the first digit */
	/* PostgreSQL prints fixed notation where printf's %g would. */
	if (e >= -4 && e < (f4 ? 6 : 15)) {
		if (e < 0) {
			buf[n++] = '0';
			buf[n++] = '.';
			for (int i = 0; i < -e - 1; i++)
				buf[n++] = '0';
			memcpy(buf + n, dig, (size_t)nd);
			n += (size_t)nd;
		} else if (nd <= e + 1) {
			memcpy(buf + n, dig, (size_t)nd);
			n += (size_t)nd;
			for (int i = nd; i <= e; i++)
				buf[n++] = '0';
		} else {
			memcpy(buf + n, dig, (size_t)e + 1);
			n += (size_t)e + 1;
			buf[n++] = '.';
			memcpy(buf + n, dig + e + 1, (size_t)(nd - e - 1));
			n += (size_t)(nd - e - 1);
		}
		buf[n] = '\0';
		return n;
	}
	buf[n++] = dig[0];
	if (nd > 1) {
		buf[n++] = '.';
		memcpy(buf + n, dig + 1, (size_t)nd - 1);
		n += (size_t)nd - 1;
	}
	n += (size_t)snprintf(buf + n, ALX_FLOAT_BUFSZ - n, "e%c%02d",
			      e < 0 ? '-' : '+', e < 0 ? -e : e);
	return n;
}

/* ---- input --------------------------------------------------------------- */

static const struct {
	const char *word;
	double sign; /* 0: NaN */
} specials[] = {
	{"NaN", 0}, {"Infinity", 1}, {"+Infinity", 1}, {"-Infinity", -1},
	{"inf", 1}, {"+inf", 1},     {"-inf", -1},
};

int alx_float_in(struct alx_arena *a, const char *text, size_t len, bool f4,
		 double *out, alopex_diag *diag)
{
	const char *tname = f4 ? "real" : "double precision";
	size_t i = 0, end = len;
	while (i < len && alx_sql_isspace((unsigned char)text[i]))
		i++;
	while (end > i && alx_sql_isspace((unsigned char)text[end - 1]))
		end--;
	size_t n = end - i;
	/* strtod needs a terminated string; an embedded NUL ends it early,
	 * which then fails the end-of-input check below. */
	char stack[256];
	char *s = stack;
	if (n >= sizeof(stack)) {
		s = alx_arena_alloc(a, n + 1);
		if (s == NULL)
			return alx_sql_oom(diag);
	}
	memcpy(s, text + i, n);
	s[n] = '\0';
	if (n == 0)
		return alx_sql_syntax_error(diag, tname, text, len);

	char *ep = NULL;
	errno = 0;
	double v = f4 ? (double)alx_sql_strtof(s, &ep) : alx_sql_strtod(s, &ep);
	int err = errno;
	if (ep == s || err != 0) {
		bool found = false;
		for (size_t k = 0; k < sizeof(specials) / sizeof(specials[0]);
		     k++) {
			if (alx_sql_prefix_ci(s, n, specials[k].word)) {
				v = specials[k].sign == 0
					    ? NAN
					    : specials[k].sign * INFINITY;
				ep = s + strlen(specials[k].word);
				found = true;
				break;
			}
		}
		if (!found) {
			if (err == ERANGE && ep != s) {
				/* Denormals may set ERANGE too: accept. */
				if (v == 0.0 || isinf(v)) {
					int m = (int)(ep - s) > 4096
							? 4096
							: (int)(ep - s);
					return alx_sql_error(
						diag, "22003",
						"\"%.*s\" is out of range for "
						"type %s",
						m, s, tname);
				}
			} else {
				return alx_sql_syntax_error(diag, tname, text,
							    len);
			}
		}
	}
	if ((size_t)(ep - s) != n)
		return alx_sql_syntax_error(diag, tname, text, len);
	if (f4)
		v = (double)(float)v;
	*out = v;
	return 0;
}
