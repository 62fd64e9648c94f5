/*
 * VECTOR values in pgvector's text format and the distance kernels.
 *
 * The distances run on the dispatched kernels of vector/vec_kernels.h
 * (AVX-512F, AVX2+FMA, SSE2, NEON or scalar), the same ones the vector
 * index plugins get through the host table.
 */
#include "sql/sql_vector.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "vector/vec_kernels.h"

/* ---- float4 text output -------------------------------------------- */

/* Significant digits and exponent of a decimal string "d.ddde±x". */
static void sig_digits(const char *s, char *dig, size_t cap, int *exp10)
{
	size_t n = 0;
	for (; *s != 'e' && *s != '\0'; s++)
		if (*s >= '0' && *s <= '9' && n + 1 < cap)
			dig[n++] = *s;
	while (n > 1 && dig[n - 1] == '0')
		n--;
	dig[n] = '\0';
	*exp10 = *s == 'e' ? atoi(s + 1) : 0;
}

/* Is m * 10^x exactly the double mid (a midpoint between floats)? */
static int is_exactly(uint64_t m, int x, double mid)
{
	char a[96], b[40], da[96], db[40];
	int ea, eb;
	/* A float midpoint has at most 25 significant bits: 80 digits are
	 * more than its exact expansion can need to match 10 digits. */
	snprintf(a, sizeof(a), "%.80e", mid);
	snprintf(b, sizeof(b), "%.*e", 20, (double)m);
	sig_digits(a, da, sizeof(da), &ea);
	sig_digits(b, db, sizeof(db), &eb);
	return ea == eb + x && strcmp(da, db) == 0;
}

/*
 * Does v = m * 10^x (m < 10^10) lie strictly inside f's rounding interval?
 * PostgreSQL's Ryu runs without STRICTLY_SHORTEST, so a decimal exactly on
 * the boundary does not count even when it would read back as f.
 */
static int roundtrips(uint64_t m, int x, float f)
{
	char buf[40];
	snprintf(buf, sizeof(buf), "%llue%d", (unsigned long long)m, x);
	if (strtof(buf, NULL) != f)
		return 0;
	double lo = ((double)f + (double)nextafterf(f, 0)) / 2;
	double hi = ((double)f + (double)nextafterf(f, INFINITY)) / 2;
	return !is_exactly(m, x, lo) && !is_exactly(m, x, hi);
}

/*
 * Shortest digits that read back as f (f finite, > 0): the first length p
 * at which the correctly rounded p-digit decimal, or its neighbour on the
 * other side of f, lies in f's rounding interval; the correctly rounded one
 * wins when both do. That is what Ryu (PostgreSQL's f2s.c) computes; here
 * the exact arithmetic is left to the C library's printf and strtof.
 */
static void shortest_digits(float f, uint64_t *mant, int *exp10)
{
	for (int p = 1; p <= 9; p++) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%.*e", p - 1, (double)f);
		uint64_t m = 0;
		const char *s = buf;
		for (; *s != 'e'; s++)
			if (*s >= '0' && *s <= '9')
				m = m * 10 + (uint64_t)(*s - '0');
		int e = atoi(s + 1);
		int x = e - (p - 1);
		if (roundtrips(m, x, f)) {
			*mant = m;
			*exp10 = x;
			return;
		}
		/* The neighbour on the other side of f. */
		char cmp[40];
		snprintf(cmp, sizeof(cmp), "%llue%d", (unsigned long long)m, x);
		double rd = strtod(cmp, NULL);
		uint64_t other = rd > (double)f ? m - 1 : m + 1;
		if (other > 0 && roundtrips(other, x, f)) {
			*mant = other;
			*exp10 = x;
			return;
		}
	}
	/* Unreachable: 9 digits always round-trip a float. */
	*mant = 0;
	*exp10 = 0;
}

int alx_float4_out(float v, char buf[ALX_FLOAT4_BUFSZ])
{
	if (isnan(v))
		return snprintf(buf, ALX_FLOAT4_BUFSZ, "NaN");
	if (isinf(v))
		return snprintf(buf, ALX_FLOAT4_BUFSZ, "%s",
				v < 0 ? "-Infinity" : "Infinity");
	int n = 0;
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
	shortest_digits(v, &m, &x);
	while (m % 10 == 0) {
		m /= 10;
		x++;
	}
	char dig[24];
	int nd = snprintf(dig, sizeof(dig), "%llu", (unsigned long long)m);
	int e = x + nd - 1; /* exponent of the first digit */
	if (e >= -4 && e < 6) {
		if (e < 0) {
			buf[n++] = '0';
			buf[n++] = '.';
			for (int i = 0; i < -e - 1; i++)
				buf[n++] = '0';
			memcpy(buf + n, dig, (size_t)nd);
			n += nd;
		} else if (nd <= e + 1) {
			memcpy(buf + n, dig, (size_t)nd);
			n += nd;
			for (int i = nd; i <= e; i++)
				buf[n++] = '0';
		} else {
			memcpy(buf + n, dig, (size_t)e + 1);
			n += e + 1;
			buf[n++] = '.';
			memcpy(buf + n, dig + e + 1, (size_t)(nd - e - 1));
			n += nd - e - 1;
		}
		buf[n] = '\0';
		return n;
	}
	buf[n++] = dig[0];
	if (nd > 1) {
		buf[n++] = '.';
		memcpy(buf + n, dig + 1, (size_t)nd - 1);
		n += nd - 1;
	}
	n += snprintf(buf + n, (size_t)(ALX_FLOAT4_BUFSZ - n), "e%c%02d",
		      e < 0 ? '-' : '+', e < 0 ? -e : e);
	return n;
}

/* ---- text input and output ------------------------------------------ */

static int vec_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static int syntax_error(alopex_diag *d, const char *lit, const char *detail)
{
	if (detail != NULL)
		return alx_diag_set(d, ALOPEX_ESQL, "22P02",
				    "invalid input syntax for type vector: "
				    "\"%s\"\n%s",
				    lit, detail);
	return alx_diag_set(d, ALOPEX_ESQL, "22P02",
			    "invalid input syntax for type vector: \"%s\"",
			    lit);
}

int alx_vector_in(struct alx_arena *a, const char *text, size_t len,
		  int32_t dims, const float **out, uint32_t *out_dim,
		  alopex_diag *d)
{
	char *lit = alx_arena_strndup(a, text, len);
	if (lit == NULL)
		return alx_diag_set(d, ALOPEX_ENOMEM, NULL, "out of memory");
	/* A NUL ends a C string early; SQL text never holds one. */
	if (strlen(lit) != len)
		return syntax_error(d, lit, NULL);
	size_t cap = 1;
	for (size_t i = 0; i < len && cap <= ALX_VECTOR_MAX_DIM; i++)
		cap += text[i] == ',';
	float *x = alx_arena_alloc(a, cap * sizeof(float));
	if (x == NULL)
		return alx_diag_set(d, ALOPEX_ENOMEM, NULL, "out of memory");

	const char *pt = lit;
	while (vec_isspace(*pt))
		pt++;
	if (*pt != '[')
		return syntax_error(d, lit,
				    "Vector contents must start with \"[\".");
	pt++;
	while (vec_isspace(*pt))
		pt++;
	if (*pt == ']')
		return alx_diag_set(d, ALOPEX_ESQL, "22000",
				    "vector must have at least 1 dimension");
	uint32_t dim = 0;
	for (;;) {
		if (dim == ALX_VECTOR_MAX_DIM)
			return alx_diag_set(d, ALOPEX_ESQL, "54000",
					    "vector cannot have more than %d "
					    "dimensions",
					    ALX_VECTOR_MAX_DIM);
		while (vec_isspace(*pt))
			pt++;
		if (*pt == '\0')
			return syntax_error(d, lit, NULL);
		char *end;
		errno = 0;
		/* strtof, as pgvector: no double rounding. */
		float val = strtof(pt, &end);
		if (end == pt)
			return syntax_error(d, lit, NULL);
		if (errno == ERANGE && isinf(val))
			return alx_diag_set(d, ALOPEX_ESQL, "22003",
					    "\"%.*s\" is out of range for "
					    "type vector",
					    (int)(end - pt), pt);
		if (isnan(val))
			return alx_diag_set(d, ALOPEX_ESQL, "22000",
					    "NaN not allowed in vector");
		if (isinf(val))
			return alx_diag_set(d, ALOPEX_ESQL, "22000",
					    "infinite value not allowed in "
					    "vector");
		x[dim++] = val;
		pt = end;
		while (vec_isspace(*pt))
			pt++;
		if (*pt == ',') {
			pt++;
		} else if (*pt == ']') {
			pt++;
			break;
		} else {
			return syntax_error(d, lit, NULL);
		}
	}
	while (vec_isspace(*pt))
		pt++;
	if (*pt != '\0')
		return syntax_error(d, lit, "Junk after closing right brace.");
	if (dims >= 0 && (uint32_t)dims != dim)
		return alx_diag_set(d, ALOPEX_ESQL, "22000",
				    "expected %d dimensions, not %u", dims,
				    dim);
	*out = x;
	*out_dim = dim;
	return 0;
}

int alx_vector_out(struct alx_arena *a, const float *v, uint32_t dim,
		   const char **out, size_t *out_len, alopex_diag *d)
{
	/* Each element fits in ALX_FLOAT4_BUFSZ - 1 bytes plus a comma. */
	char *buf = alx_arena_alloc(a, (size_t)dim * ALX_FLOAT4_BUFSZ + 3);
	if (buf == NULL)
		return alx_diag_set(d, ALOPEX_ENOMEM, NULL, "out of memory");
	size_t n = 0;
	buf[n++] = '[';
	for (uint32_t i = 0; i < dim; i++) {
		if (i > 0)
			buf[n++] = ',';
		n += (size_t)alx_float4_out(v[i], buf + n);
	}
	buf[n++] = ']';
	buf[n] = '\0';
	*out = buf;
	*out_len = n;
	return 0;
}

/* ---- distances -------------------------------------------------------- */

int alx_vec_check_dims(uint32_t a_dim, uint32_t b_dim, alopex_diag *d)
{
	if (a_dim != b_dim)
		return alx_diag_set(d, ALOPEX_ESQL, "22000",
				    "different vector dimensions %u and %u",
				    a_dim, b_dim);
	return 0;
}

/*
 * The SQL functions use the runtime's dispatched kernels
 * (vector/vec_kernels.h). They have no runtime at hand, so they ask the
 * dispatcher each call: it holds no state and only reads the CPU model
 * libgcc fills in before main, a few loads and branches per call.
 */
#define KERNELS() alx_vec_kernels_detect()

double alx_vec_l2_squared(const float *a, const float *b, uint32_t dim)
{
	return (double)KERNELS()->l2sq(a, b, dim);
}

double alx_vec_l2_distance(const float *a, const float *b, uint32_t dim)
{
	return sqrt((double)KERNELS()->l2sq(a, b, dim));
}

double alx_vec_dot(const float *a, const float *b, uint32_t dim)
{
	return (double)KERNELS()->dot(a, b, dim);
}

static double cosine_from(double dot, double na, double nb)
{
	return alx_vec_cosine_from(dot, na, nb);
}

double alx_vec_cosine_distance(const float *a, const float *b, uint32_t dim)
{
	float s[3];
	KERNELS()->cosine_parts(a, b, dim, s);
	return cosine_from((double)s[0], (double)s[1], (double)s[2]);
}

double alx_vec_norm(const float *a, uint32_t dim)
{
	return sqrt(KERNELS()->norm_sq(a, dim));
}

double alx_vec_l2_squared_ref(const float *a, const float *b, uint32_t dim)
{
	double s = 0;
	for (uint32_t i = 0; i < dim; i++) {
		double t = (double)a[i] - (double)b[i];
		s += t * t;
	}
	return s;
}

double alx_vec_dot_ref(const float *a, const float *b, uint32_t dim)
{
	double s = 0;
	for (uint32_t i = 0; i < dim; i++)
		s += (double)a[i] * (double)b[i];
	return s;
}

double alx_vec_cosine_distance_ref(const float *a, const float *b, uint32_t dim)
{
	double na = 0, nb = 0;
	for (uint32_t i = 0; i < dim; i++) {
		na += (double)a[i] * (double)a[i];
		nb += (double)b[i] * (double)b[i];
	}
	return cosine_from(alx_vec_dot_ref(a, b, dim), na, nb);
}

double alx_vec_norm_ref(const float *a, uint32_t dim)
{
	double s = 0;
	for (uint32_t i = 0; i < dim; i++)
		s += (double)a[i] * (double)a[i];
	return sqrt(s);
}
