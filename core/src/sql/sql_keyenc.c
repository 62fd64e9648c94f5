/*
 * Key and row encodings of SQL values.
 *
 * Keys are compared with memcmp by the storage engine, so each column is
 * written so that byte order is SQL order: a marker byte (NULL or not),
 * then the value:
 *   BOOL        one byte, 0 or 1
 *   INT2/4/8    0x80 + n then n big-endian bytes for a positive value,
 *               0x80 - n then the one's complement of the magnitude's n
 *               bytes for a negative one, 0x80 alone for zero: small
 *               values take two bytes and every width shares the encoding
 *   FLOAT4/8    the double's bits, big-endian, sign bit flipped for
 *               positives and all bits flipped for negatives; -0 is 0 and
 *               every NaN the one NaN above +Infinity, as PostgreSQL sorts
 *   NUMERIC     a class byte (-Inf, negative, zero, positive, +Inf, NaN),
 *               then for finite values the base-10000 weight and digits
 *               (each + 1, two bytes big-endian) and a 0x0000 terminator,
 *               all inverted for negatives so larger magnitudes sort first
 *   strings     the bytes with 0x00 written as 0x00 0xff, ended by 0x00
 *               0x01: prefixes sort first and the next column starts
 *               cleanly (CHAR(n) without its trailing spaces)
 *   DATE        four bytes, TIMESTAMP[TZ] eight: big-endian, sign flipped
 *   INTERVAL    twelve bytes: what PostgreSQL compares (months as 30 days,
 *               days as 24 hours, in microseconds), big-endian, sign
 *               flipped; '1 mon' and '30 days' are one key, as they are
 *               one value to btree and GROUP BY in PostgreSQL
 *   VECTOR      0x01 + four order-preserving bytes per element, then 0x00
 * DESC inverts every byte of the column (marker included); every column
 * encoding is prefix-free, so that reverses its order exactly.
 *
 * Rows are versioned and compact; see alx_row_encode in sql_value.h.
 */
#include <math.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_interval.h"
#include "sql/sql_numeric.h"
#include "sql/sql_value.h"
#include "sql/sql_value_internal.h"
#include "sql/sql_vector.h"

#define MARK_NULL_FIRST 0x00
#define MARK_VALUE 0x01
#define MARK_NULL_LAST 0x02

/* The row layout's version byte, shared with readers in sql_value.h. */
#define ROW_VERSION ALX_ROW_VERSION

enum {
	NUM_NINF = 1,
	NUM_NEG = 2,
	NUM_ZERO = 3,
	NUM_POS = 4,
	NUM_PINF = 5,
	NUM_NAN = 6,
};

unsigned alx_key_flags(bool desc, int nulls)
{
	unsigned f = desc ? ALX_KEY_DESC : 0;
	/* Defaults: ASC NULLS LAST, DESC NULLS FIRST. */
	if ((nulls == 1 && !desc) || (nulls == 0 && desc))
		f |= ALX_KEY_NULLS_FIRST;
	return f;
}

static int enc_oom(alopex_diag *diag)
{
	return alx_sql_oom(diag);
}

/* PostgreSQL's DATE and TIMESTAMP ranges (plus the infinities): stored
 * bytes outside them are corrupt, and would trip the calendar code. */
#define DATE_MIN (-2451545)
#define DATE_END (2147483494 - 2451545)
#define TS_MIN INT64_C(-211813488000000000)
#define TS_END INT64_C(9223371331200000000)

static bool date_ok(int32_t d)
{
	return d == INT32_MIN || d == INT32_MAX ||
	       (d >= DATE_MIN && d < DATE_END);
}

static bool ts_ok(int64_t t)
{
	return t == INT64_MIN || t == INT64_MAX || (t >= TS_MIN && t < TS_END);
}

static bool vector_ok(const float *f, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (isnan(f[i]) || isinf(f[i]))
			return false;
	return true;
}

static int corrupt(alopex_diag *diag, const char *what)
{
	return alx_diag_set(diag, ALOPEX_ECORRUPT, "XX001", "corrupt %s", what);
}

static uint64_t double_key(double d)
{
	if (d == 0)
		d = 0; /* -0 */
	if (isnan(d))
		d = NAN;
	uint64_t u;
	memcpy(&u, &d, sizeof(u));
	if (isnan(d))
		u = UINT64_C(0x7ff8000000000000);
	return (u & UINT64_C(0x8000000000000000))
		       ? ~u
		       : u | UINT64_C(0x8000000000000000);
}

static double key_double(uint64_t u)
{
	u = (u & UINT64_C(0x8000000000000000))
		    ? u & ~UINT64_C(0x8000000000000000)
		    : ~u;
	double d;
	memcpy(&d, &u, sizeof(d));
	return d;
}

static uint32_t float_key(float f)
{
	if (f == 0)
		f = 0;
	uint32_t u;
	memcpy(&u, &f, sizeof(u));
	return (u & 0x80000000u) ? ~u : u | 0x80000000u;
}

static float key_float(uint32_t u)
{
	u = (u & 0x80000000u) ? u & ~0x80000000u : ~u;
	float f;
	memcpy(&f, &u, sizeof(f));
	return f;
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* ---- key encoding -------------------------------------------------------- */

static int put_escaped(struct alx_buf *b, const uint8_t *p, size_t n)
{
	static const uint8_t esc[2] = {0x00, 0xff}, end[2] = {0x00, 0x01};
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] != 0)
			continue;
		if (alx_buf_append(b, p + start, i - start) != 0 ||
		    alx_buf_append(b, esc, 2) != 0)
			return ALOPEX_ENOMEM;
		start = i + 1;
	}
	if (alx_buf_append(b, p + start, n - start) != 0 ||
	    alx_buf_append(b, end, 2) != 0)
		return ALOPEX_ENOMEM;
	return 0;
}

/* An integer's key bytes into tmp (9 bytes written, the rest after the
 * key are junk); returns the key's length. */
static size_t int_key(uint8_t tmp[9], int64_t v)
{
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
	__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* Every point lookup and insert encodes one: no byte loops. */
	int nb = mag == 0 ? 0 : (71 - __builtin_clzll(mag)) / 8;
	uint64_t body = v >= 0 ? mag : ~mag;
	tmp[0] = (uint8_t)(v >= 0 ? 0x80 + nb : 0x80 - nb);
	uint64_t be = nb == 0 ? 0 : __builtin_bswap64(body << (64 - 8 * nb));
	memcpy(tmp + 1, &be, 8);
	return (size_t)nb + 1;
#else
	int n = 0;
	for (uint64_t m = mag; m != 0; m >>= 8)
		n++;
	if (v >= 0) {
		tmp[0] = (uint8_t)(0x80 + n);
		put_be(tmp + 1, mag, n);
	} else {
		tmp[0] = (uint8_t)(0x80 - n);
		put_be(tmp + 1, ~mag, n);
	}
	return (size_t)n + 1;
#endif
}

static int put_int_key(struct alx_buf *b, int64_t v)
{
	uint8_t tmp[9];
	return alx_buf_append(b, tmp, int_key(tmp, v));
}

static int put_numeric_key(struct alx_buf *b, const struct alx_value *v)
{
	struct alx_num_ref n = {v->u.s.ptr, v->u.s.len};
	struct alx_num_parts p;
	alx_numeric_parts(n, &p);
	uint8_t c;
	switch (p.kind) {
	case ALX_NUM_NAN:
		c = NUM_NAN;
		return alx_buf_append(b, &c, 1);
	case ALX_NUM_PINF:
		c = NUM_PINF;
		return alx_buf_append(b, &c, 1);
	case ALX_NUM_NINF:
		c = NUM_NINF;
		return alx_buf_append(b, &c, 1);
	default:
		break;
	}
	if (p.ndigits == 0) {
		c = NUM_ZERO;
		return alx_buf_append(b, &c, 1);
	}
	bool neg = p.kind == ALX_NUM_NEG;
	uint8_t inv = neg ? 0xff : 0x00;
	c = neg ? NUM_NEG : NUM_POS;
	if (alx_buf_append(b, &c, 1) != 0)
		return ALOPEX_ENOMEM;
	uint8_t w[2];
	put_be(w, (uint16_t)(p.weight + 0x8000), 2);
	w[0] ^= inv;
	w[1] ^= inv;
	if (alx_buf_append(b, w, 2) != 0)
		return ALOPEX_ENOMEM;
	for (size_t i = 0; i < p.ndigits; i++) {
		unsigned d = (unsigned)p.digits[2 * i] |
			     (unsigned)p.digits[2 * i + 1] << 8;
		uint8_t e[2];
		put_be(e, d + 1, 2);
		e[0] ^= inv;
		e[1] ^= inv;
		if (alx_buf_append(b, e, 2) != 0)
			return ALOPEX_ENOMEM;
	}
	uint8_t end[2] = {inv, inv};
	return alx_buf_append(b, end, 2);
}

static int put_key_value(struct alx_buf *b, const struct alx_value *v)
{
	uint8_t tmp[8];
	if (alx_type_is_varlen(v->type))
		return put_escaped(
			b, v->u.s.ptr,
			v->type == ALX_T_BPCHAR
				? alx_bpchar_trimmed(v->u.s.ptr, v->u.s.len)
				: v->u.s.len);
	switch (v->type) {
	case ALX_T_BOOL:
		tmp[0] = v->u.b ? 1 : 0;
		return alx_buf_append(b, tmp, 1);
	case ALX_T_INT2:
	case ALX_T_INT4:
	case ALX_T_INT8:
		return put_int_key(b, v->u.i);
	case ALX_T_FLOAT4:
	case ALX_T_FLOAT8:
		put_be(tmp, double_key(v->u.f), 8);
		return alx_buf_append(b, tmp, 8);
	case ALX_T_NUMERIC:
		return put_numeric_key(b, v);
	case ALX_T_DATE:
		put_be(tmp, (uint32_t)v->u.date ^ 0x80000000u, 4);
		return alx_buf_append(b, tmp, 4);
	case ALX_T_TIMESTAMP:
	case ALX_T_TIMESTAMPTZ:
		put_be(tmp, (uint64_t)v->u.ts ^ UINT64_C(0x8000000000000000),
		       8);
		return alx_buf_append(b, tmp, 8);
	case ALX_T_INTERVAL: {
		uint8_t k[ALX_INTERVAL_KEYSZ];
		alx_interval_key(&v->u.iv, k);
		return alx_buf_append(b, k, sizeof(k));
	}
	case ALX_T_VECTOR:
		for (uint32_t i = 0; i < v->u.vec.dim; i++) {
			tmp[0] = 0x01;
			put_be(tmp + 1, float_key(v->u.vec.ptr[i]), 4);
			if (alx_buf_append(b, tmp, 5) != 0)
				return ALOPEX_ENOMEM;
		}
		tmp[0] = 0x00;
		return alx_buf_append(b, tmp, 1);
	default:
		return ALOPEX_EINVAL;
	}
}

int alx_key_encode(struct alx_buf *b, const struct alx_value *v, unsigned flags,
		   alopex_diag *diag)
{
	if (!v->null && (v->type == ALX_T_UNKNOWN || v->type >= ALX_T_COUNT_))
		return alx_diag_set(diag, ALOPEX_EINVAL, "XX000",
				    "key column of unresolved type");
	size_t start = b->len;
	uint8_t m;
	int rc;
	if (!v->null && (v->type == ALX_T_INT8 || v->type == ALX_T_INT4 ||
			 v->type == ALX_T_INT2)) {
		/* The usual key column: marker and value at once, straight
		 * into the buffer when it has room (a point lookup's key). */
		uint8_t tmp[10] = {MARK_VALUE};
		size_t n = 1 + int_key(tmp + 1, v->u.i);
		if (b->ptr != NULL && b->cap - b->len >= sizeof(tmp)) {
			memcpy(b->ptr + b->len, tmp, sizeof(tmp));
			b->len += n;
			rc = 0;
		} else {
			rc = alx_buf_append(b, tmp, n);
		}
	} else if (v->null) {
		m = (flags & ALX_KEY_NULLS_FIRST) ? MARK_NULL_FIRST
						  : MARK_NULL_LAST;
		rc = alx_buf_append(b, &m, 1);
	} else {
		m = MARK_VALUE;
		rc = alx_buf_append(b, &m, 1);
		if (rc == 0)
			rc = put_key_value(b, v);
	}
	if (rc == ALOPEX_EINVAL)
		return alx_diag_set(diag, ALOPEX_EINVAL, "XX000",
				    "type %d cannot be a key", (int)v->type);
	if (rc != 0)
		return enc_oom(diag);
	if (flags & ALX_KEY_DESC)
		for (size_t i = start; i < b->len; i++)
			b->ptr[i] ^= 0xff;
	return 0;
}

/* ---- key decoding -------------------------------------------------------- */

struct kreader {
	const uint8_t *p;
	size_t len, pos;
	uint8_t inv;
};

static bool kget(struct kreader *r, uint8_t *out)
{
	if (r->pos >= r->len)
		return false;
	*out = r->p[r->pos++] ^ r->inv;
	return true;
}

static bool kget_n(struct kreader *r, uint8_t *out, size_t n)
{
	if (r->len - r->pos < n)
		return false;
	for (size_t i = 0; i < n; i++)
		out[i] = r->p[r->pos + i] ^ r->inv;
	r->pos += n;
	return true;
}

static int get_escaped(struct alx_arena *a, struct kreader *r, int type,
		       int32_t pad_to, struct alx_value *out, alopex_diag *diag)
{
	/* First pass: find the terminator and the unescaped length. */
	size_t i = r->pos, n = 0;
	for (;;) {
		if (i >= r->len)
			return corrupt(diag, "key: unterminated string");
		uint8_t c = r->p[i] ^ r->inv;
		if (c != 0) {
			i++;
			n++;
			continue;
		}
		if (i + 1 >= r->len)
			return corrupt(diag, "key: unterminated string");
		uint8_t d = r->p[i + 1] ^ r->inv;
		if (d == 0x01)
			break;
		if (d != 0xff)
			return corrupt(diag, "key: bad string escape");
		i += 2;
		n++;
	}
	size_t chars = 0, pad = 0;
	uint8_t *q = alx_arena_alloc(a, n + 1);
	if (q == NULL)
		return enc_oom(diag);
	size_t k = 0;
	while (r->pos < i) {
		uint8_t c = r->p[r->pos] ^ r->inv;
		q[k++] = c;
		r->pos += c == 0 ? 2 : 1;
	}
	r->pos = i + 2;
	q[k] = 0;
	if (type == ALX_T_BPCHAR && pad_to > 0) {
		chars = alx_utf8_chars(q, n);
		if (chars < (size_t)pad_to) {
			pad = (size_t)pad_to - chars;
			uint8_t *p2 = alx_arena_alloc(a, n + pad + 1);
			if (p2 == NULL)
				return enc_oom(diag);
			memcpy(p2, q, n);
			memset(p2 + n, ' ', pad);
			p2[n + pad] = 0;
			q = p2;
		}
	}
	*out = alx_value_bytes(type, q, n + pad);
	return 0;
}

static int get_numeric_key(struct alx_arena *a, struct kreader *r,
			   struct alx_value *out, alopex_diag *diag)
{
	uint8_t c;
	if (!kget(r, &c))
		return corrupt(diag, "key: truncated numeric");
	int kind;
	switch (c) {
	case NUM_NAN:
		kind = ALX_NUM_NAN;
		break;
	case NUM_PINF:
		kind = ALX_NUM_PINF;
		break;
	case NUM_NINF:
		kind = ALX_NUM_NINF;
		break;
	case NUM_ZERO:
		kind = ALX_NUM_POS;
		break;
	case NUM_POS:
	case NUM_NEG:
		kind = c == NUM_POS ? ALX_NUM_POS : ALX_NUM_NEG;
		break;
	default:
		return corrupt(diag, "key: bad numeric class");
	}
	struct alx_num_ref n;
	int rc;
	if (c != NUM_POS && c != NUM_NEG) {
		rc = alx_numeric_pack(a, kind, 0, 0, NULL, 0, &n, diag);
	} else {
		uint8_t inv = c == NUM_NEG ? 0xff : 0x00, w[2];
		if (!kget_n(r, w, 2))
			return corrupt(diag, "key: truncated numeric");
		int weight = (int)((w[0] ^ inv) << 8 | (w[1] ^ inv)) - 0x8000;
		/* Count digits up to the terminator. */
		size_t nd = 0, scan = r->pos;
		for (;;) {
			if (r->len - scan < 2)
				return corrupt(diag, "key: truncated numeric");
			unsigned d =
				(unsigned)((r->p[scan] ^ r->inv ^ inv) << 8) |
				(r->p[scan + 1] ^ r->inv ^ inv);
			scan += 2;
			if (d == 0)
				break;
			if (d > 10000)
				return corrupt(diag, "key: bad numeric digit");
			nd++;
		}
		uint16_t *digits = alx_arena_alloc(a, (nd + 1) * 2);
		if (digits == NULL)
			return enc_oom(diag);
		for (size_t i = 0; i < nd; i++) {
			uint8_t e[2] = {
				0, 0}; /* kget_n fills both: checked above */
			kget_n(r, e, 2);
			digits[i] =
				(uint16_t)(((e[0] ^ inv) << 8 | (e[1] ^ inv)) -
					   1);
		}
		r->pos += 2;
		/* The smallest display scale that shows every digit. */
		long frac = ((long)nd - weight - 1) * 4;
		if (frac > 0 && nd > 0) {
			unsigned last = digits[nd - 1];
			while (last != 0 && last % 10 == 0) {
				last /= 10;
				frac--;
			}
		}
		if (frac < 0)
			frac = 0;
		if (frac > ALX_NUMERIC_MAX_DSCALE)
			return corrupt(diag, "key: numeric scale");
		rc = alx_numeric_pack(a, kind, weight, (int)frac, digits, nd,
				      &n, diag);
	}
	if (rc != 0)
		return rc;
	*out = alx_value_bytes(ALX_T_NUMERIC, n.ptr, n.len);
	return 0;
}

int alx_key_decode(struct alx_arena *a, const uint8_t *key, size_t len,
		   size_t *pos, struct alx_type t, unsigned flags,
		   struct alx_value *out, alopex_diag *diag)
{
	struct kreader r = {key, len, *pos, (flags & ALX_KEY_DESC) ? 0xff : 0};
	uint8_t m, tmp[8];
	if (!kget(&r, &m))
		return corrupt(diag, "key: truncated");
	uint8_t null_mark = (flags & ALX_KEY_NULLS_FIRST) ? MARK_NULL_FIRST
							  : MARK_NULL_LAST;
	struct alx_value v = {.type = t.id, .null = false};
	int rc = 0;
	if (m == null_mark) {
		v.null = true;
		goto done;
	}
	if (m != MARK_VALUE)
		return corrupt(diag, "key: bad marker");
	switch (t.id) {
	case ALX_T_BOOL:
		if (!kget(&r, tmp) || tmp[0] > 1)
			return corrupt(diag, "key: bad boolean");
		v.u.b = tmp[0] != 0;
		break;
	case ALX_T_INT2:
	case ALX_T_INT4:
	case ALX_T_INT8: {
		if (!kget(&r, tmp))
			return corrupt(diag, "key: truncated integer");
		int n = (int)tmp[0] - 0x80;
		bool neg = n < 0;
		if (neg)
			n = -n;
		if (n > 8 || (neg && n == 0))
			return corrupt(diag, "key: bad integer");
		if (!kget_n(&r, tmp, (size_t)n))
			return corrupt(diag, "key: truncated integer");
		uint64_t mag = get_be(tmp, n);
		if (neg)
			mag = ~mag & (n == 8 ? UINT64_MAX
					     : ((UINT64_C(1) << (8 * n)) - 1));
		/* The shortest form only: a leading zero byte is not ours. */
		if (n > 0 && (mag >> (8 * (n - 1))) == 0)
			return corrupt(diag, "key: bad integer");
		int64_t min, max;
		alx_int_range(t.id, &min, &max);
		if (neg ? mag > (uint64_t)0 - (uint64_t)min
			: mag > (uint64_t)max)
			return corrupt(diag, "key: integer out of range");
		v.u.i = neg ? (mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN
							      : -(int64_t)mag)
			    : (int64_t)mag;
		break;
	}
	case ALX_T_FLOAT4:
	case ALX_T_FLOAT8:
		if (!kget_n(&r, tmp, 8))
			return corrupt(diag, "key: truncated float");
		v.u.f = key_double(get_be(tmp, 8));
		if (t.id == ALX_T_FLOAT4)
			v.u.f = (double)(float)v.u.f;
		break;
	case ALX_T_NUMERIC:
		rc = get_numeric_key(a, &r, &v, diag);
		break;
	case ALX_T_DATE:
		if (!kget_n(&r, tmp, 4))
			return corrupt(diag, "key: truncated date");
		v.u.date = (int32_t)(uint32_t)(get_be(tmp, 4) ^ 0x80000000u);
		if (!date_ok(v.u.date))
			return corrupt(diag, "key: date out of range");
		break;
	case ALX_T_TIMESTAMP:
	case ALX_T_TIMESTAMPTZ:
		if (!kget_n(&r, tmp, 8))
			return corrupt(diag, "key: truncated timestamp");
		v.u.ts = (int64_t)(get_be(tmp, 8) ^
				   UINT64_C(0x8000000000000000));
		if (!ts_ok(v.u.ts))
			return corrupt(diag, "key: timestamp out of range");
		break;
	case ALX_T_INTERVAL: {
		uint8_t k[ALX_INTERVAL_KEYSZ];
		if (!kget_n(&r, k, sizeof(k)))
			return corrupt(diag, "key: truncated interval");
		if (alx_interval_from_key(k, &v.u.iv) != 0)
			return corrupt(diag, "key: interval out of range");
		break;
	}
	case ALX_T_VECTOR: {
		size_t n = 0, scan = r.pos;
		for (;;) {
			if (scan >= r.len)
				return corrupt(diag, "key: truncated vector");
			uint8_t c = r.p[scan] ^ r.inv;
			if (c == 0)
				break;
			if (c != 1 || r.len - scan < 5)
				return corrupt(diag, "key: bad vector");
			scan += 5;
			if (++n > ALX_VECTOR_MAX_DIM)
				return corrupt(diag, "key: vector too long");
		}
		float *f = alx_arena_alloc(a, n * sizeof(float) + 1);
		if (f == NULL)
			return enc_oom(diag);
		for (size_t i = 0; i < n; i++) {
			kget_n(&r, tmp, 5);
			f[i] = key_float((uint32_t)get_be(tmp + 1, 4));
		}
		r.pos++;
		if (!vector_ok(f, n))
			return corrupt(diag, "key: vector element not finite");
		v.u.vec.ptr = f;
		v.u.vec.dim = (uint32_t)n;
		break;
	}
	default:
		if (!alx_type_is_varlen(t.id))
			return alx_diag_set(diag, ALOPEX_EINVAL, "XX000",
					    "type %d cannot be a key",
					    (int)t.id);
		rc = get_escaped(a, &r, t.id, t.mod, &v, diag);
		break;
	}
	if (rc != 0)
		return rc;
done:
	*pos = r.pos;
	*out = v;
	return 0;
}

/* ---- rows ---------------------------------------------------------------- */

/* At most 10 bytes. */
static uint8_t *put_varint_at(uint8_t *p, uint64_t v)
{
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		*p++ = v != 0 ? (uint8_t)(c | 0x80) : c;
	} while (v != 0);
	return p;
}

static bool get_varint(const uint8_t *p, size_t len, size_t *pos, uint64_t *out)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*pos >= len)
			return false;
		uint8_t c = p[(*pos)++];
		if (shift == 63 && (c & 0x7e) != 0)
			return false;
		v |= (uint64_t)(c & 0x7f) << shift;
		if ((c & 0x80) == 0) {
			/* The shortest form only (one encoding per row). */
			if (c == 0 && shift != 0)
				return false;
			*out = v;
			return true;
		}
	}
	return false;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* Row encoding writes every fixed-width value through here: whole
	 * stores for the usual widths, as get_le loads them. */
	if (n == 8) {
		memcpy(p, &v, 8);
		return;
	}
	if (n == 4) {
		uint32_t u = (uint32_t)v;
		memcpy(p, &u, 4);
		return;
	}
#endif
	for (int i = 0; i < n; i++) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t get_le(const uint8_t *p, int n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* Row decoding reads every fixed-width value through here: whole
	 * loads rather than a byte loop. */
	switch (n) {
	case 8: {
		uint64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	case 4: {
		uint32_t v;
		memcpy(&v, p, 4);
		return v;
	}
	case 2: {
		uint16_t v;
		memcpy(&v, p, 2);
		return v;
	}
	default:
		break;
	}
#endif
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int fixed_width(int type)
{
	switch (type) {
	case ALX_T_BOOL:
		return 1;
	case ALX_T_INT2:
		return 2;
	case ALX_T_INT4:
	case ALX_T_FLOAT4:
	case ALX_T_DATE:
		return 4;
	case ALX_T_INT8:
	case ALX_T_FLOAT8:
	case ALX_T_TIMESTAMP:
	case ALX_T_TIMESTAMPTZ:
		return 8;
	default:
		return 0;
	}
}

static bool host_little_endian(void)
{
	const uint16_t one = 1;
	uint8_t b;
	memcpy(&b, &one, 1);
	return b == 1;
}

/* Intervals in rows: time, days, months as zigzag varints ('1 day' takes
 * three bytes). */
static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/*
 * The most bytes v takes in a row (vector padding included), or false for
 * a type rows cannot hold.
 */
static bool row_value_max(const struct alx_value *v, size_t *out)
{
	int w = fixed_width(v->type);
	if (w > 0) {
		*out = (size_t)w;
		return true;
	}
	if (v->type == ALX_T_NUMERIC || alx_type_is_varlen(v->type)) {
		*out = 10 + v->u.s.len;
		return true;
	}
	switch (v->type) {
	case ALX_T_INTERVAL:
		*out = 3 * 10;
		return true;
	case ALX_T_VECTOR:
		*out = 10 + 3 + (size_t)v->u.vec.dim * 4;
		return true;
	default:
		return false;
	}
}

/*
 * Write v at p, which has row_value_max(v) bytes of room; row is the row's
 * first byte (vectors are aligned from it).
 */
static uint8_t *put_row_value(const uint8_t *row, uint8_t *p,
			      const struct alx_value *v)
{
	int w = fixed_width(v->type);
	if (w > 0) {
		uint64_t bits;
		switch (v->type) {
		case ALX_T_BOOL:
			bits = v->u.b ? 1 : 0;
			break;
		case ALX_T_FLOAT4: {
			float f = (float)v->u.f;
			uint32_t u;
			memcpy(&u, &f, 4);
			bits = u;
			break;
		}
		case ALX_T_FLOAT8:
			memcpy(&bits, &v->u.f, 8);
			break;
		case ALX_T_DATE:
			bits = (uint32_t)v->u.date;
			break;
		case ALX_T_TIMESTAMP:
		case ALX_T_TIMESTAMPTZ:
			bits = (uint64_t)v->u.ts;
			break;
		default:
			bits = (uint64_t)v->u.i;
			break;
		}
		put_le(p, bits, w);
		return p + w;
	}
	switch (v->type) {
	case ALX_T_INTERVAL:
		p = put_varint_at(p, zigzag(v->u.iv.time));
		p = put_varint_at(p, zigzag(v->u.iv.day));
		return put_varint_at(p, zigzag(v->u.iv.month));
	case ALX_T_VECTOR: {
		p = put_varint_at(p, v->u.vec.dim);
		/* Pad to a multiple of four from the row start, so aligned
		 * rows decode without copying. */
		size_t pad = (4 - (size_t)(p - row) % 4) % 4;
		memset(p, 0, pad);
		p += pad;
		for (uint32_t i = 0; i < v->u.vec.dim; i++) {
			uint32_t u;
			memcpy(&u, &v->u.vec.ptr[i], 4);
			put_le(p, u, 4);
			p += 4;
		}
		return p;
	}
	default: /* the string types (row_value_max admitted no other) */
		p = put_varint_at(p, v->u.s.len);
		if (v->u.s.len > 0)
			memcpy(p, v->u.s.ptr, v->u.s.len);
		return p + v->u.s.len;
	}
}

/* Room for n more bytes at the end of b, grown as alx_buf_append grows. */
static uint8_t *buf_room(struct alx_buf *b, size_t n)
{
	if (b->ptr != NULL && b->cap - b->len >= n)
		return b->ptr + b->len;
	size_t cap = b->cap ? b->cap : 64;
	while (cap - b->len < n) {
		if (cap > SIZE_MAX / 2)
			return NULL;
		cap *= 2;
	}
	uint8_t *q = alx_arena_alloc(b->a, cap);
	if (q == NULL)
		return NULL;
	if (b->len > 0)
		memcpy(q, b->ptr, b->len);
	b->ptr = q;
	b->cap = cap;
	return q + b->len;
}

int alx_row_encode(struct alx_buf *b, const struct alx_value *cols,
		   size_t ncols, alopex_diag *diag)
{
	/*
	 * Size the row, then write it in place in one piece: a bulk INSERT
	 * encodes a row per statement, and an append per value was a third
	 * of the encoding's cost. Nothing is written on an error.
	 */
	size_t nbytes = (ncols + 7) / 8;
	size_t need = 1 + 10 + nbytes;
	for (size_t i = 0; i < ncols; i++) {
		size_t n;
		if (cols[i].null)
			continue;
		if (!row_value_max(&cols[i], &n))
			return alx_diag_set(diag, ALOPEX_EINVAL, "XX000",
					    "row column of unresolved type %d",
					    (int)cols[i].type);
		if (n > SIZE_MAX - need)
			return enc_oom(diag);
		need += n;
	}
	uint8_t *row = buf_room(b, need);
	if (row == NULL)
		return enc_oom(diag);
	/* The header: version, count, NULL bitmap. */
	uint8_t *p = row;
	*p++ = ROW_VERSION;
	p = put_varint_at(p, ncols);
	/* a row of up to 8 columns: no memset call for its bitmap */
	if (nbytes == 1)
		p[0] = 0;
	else
		memset(p, 0, nbytes);
	for (size_t i = 0; i < ncols; i++)
		if (cols[i].null)
			p[i / 8] |= (uint8_t)(1u << (i % 8));
	p += nbytes;
	for (size_t i = 0; i < ncols; i++)
		if (!cols[i].null)
			p = put_row_value(row, p, &cols[i]);
	b->len += (size_t)(p - row);
	return 0;
}

static int get_row_value(struct alx_arena *a, const uint8_t *row, size_t len,
			 size_t *pos, struct alx_type t, struct alx_value *out,
			 alopex_diag *diag)
{
	struct alx_value v = {.type = t.id, .null = false};
	int w = fixed_width(t.id);
	if (w > 0) {
		if (len - *pos < (size_t)w)
			return corrupt(diag, "row: truncated value");
		uint64_t bits = get_le(row + *pos, w);
		*pos += (size_t)w;
		switch (t.id) {
		case ALX_T_BOOL:
			if (bits > 1)
				return corrupt(diag, "row: bad boolean");
			v.u.b = bits != 0;
			break;
		case ALX_T_INT2:
			v.u.i = (int16_t)(uint16_t)bits;
			break;
		case ALX_T_INT4:
			v.u.i = (int32_t)(uint32_t)bits;
			break;
		case ALX_T_INT8:
			v.u.i = (int64_t)bits;
			break;
		case ALX_T_FLOAT4: {
			uint32_t u = (uint32_t)bits;
			float f;
			memcpy(&f, &u, 4);
			v.u.f = f;
			break;
		}
		case ALX_T_FLOAT8:
			memcpy(&v.u.f, &bits, 8);
			break;
		case ALX_T_DATE:
			v.u.date = (int32_t)(uint32_t)bits;
			if (!date_ok(v.u.date))
				return corrupt(diag, "row: date out of range");
			break;
		default:
			v.u.ts = (int64_t)bits;
			if (!ts_ok(v.u.ts))
				return corrupt(diag,
					       "row: timestamp out of range");
			break;
		}
		*out = v;
		return 0;
	}
	uint64_t n;
	if (t.id == ALX_T_INTERVAL) {
		uint64_t d, m;
		if (!get_varint(row, len, pos, &n) ||
		    !get_varint(row, len, pos, &d) ||
		    !get_varint(row, len, pos, &m))
			return corrupt(diag, "row: truncated interval");
		int64_t dd = unzigzag(d), mm = unzigzag(m);
		if (dd < INT32_MIN || dd > INT32_MAX || mm < INT32_MIN ||
		    mm > INT32_MAX)
			return corrupt(diag, "row: interval out of range");
		v.u.iv.time = unzigzag(n);
		v.u.iv.day = (int32_t)dd;
		v.u.iv.month = (int32_t)mm;
		*out = v;
		return 0;
	}
	if (!get_varint(row, len, pos, &n))
		return corrupt(diag, "row: bad length");
	if (t.id == ALX_T_NUMERIC || alx_type_is_varlen(t.id)) {
		if (n > len - *pos)
			return corrupt(diag, "row: length past the end");
		if (t.id == ALX_T_NUMERIC &&
		    !alx_numeric_valid(row + *pos, (size_t)n))
			return corrupt(diag, "row: bad numeric");
		v.u.s.ptr = row + *pos;
		v.u.s.len = (size_t)n;
		*pos += (size_t)n;
		*out = v;
		return 0;
	}
	switch (t.id) {
	case ALX_T_VECTOR: {
		if (n > ALX_VECTOR_MAX_DIM)
			return corrupt(diag, "row: vector too long");
		size_t padn = (4 - *pos % 4) % 4;
		if (len - *pos < padn || (len - *pos - padn) / 4 < n)
			return corrupt(diag, "row: vector past the end");
		*pos += padn;
		const uint8_t *src = row + *pos;
		if (host_little_endian() &&
		    ((uintptr_t)src % _Alignof(float)) == 0) {
			v.u.vec.ptr = (const float *)(const void *)src;
		} else {
			float *f = alx_arena_alloc(a, (size_t)n * 4 + 1);
			if (f == NULL)
				return enc_oom(diag);
			for (uint64_t i = 0; i < n; i++) {
				uint32_t u = (uint32_t)get_le(src + 4 * i, 4);
				memcpy(&f[i], &u, 4);
			}
			v.u.vec.ptr = f;
		}
		if (!vector_ok(v.u.vec.ptr, n))
			return corrupt(diag, "row: vector element not finite");
		v.u.vec.dim = (uint32_t)n;
		*pos += (size_t)n * 4;
		break;
	}
	default:
		return alx_diag_set(diag, ALOPEX_EINVAL, "XX000",
				    "row column of unresolved type %d",
				    (int)t.id);
	}
	*out = v;
	return 0;
}

int alx_row_decode(struct alx_arena *a, const uint8_t *row, size_t len,
		   const struct alx_type *types, size_t ncols,
		   struct alx_value *cols, alopex_diag *diag)
{
	size_t pos = 0;
	if (len < 1 || row[0] != ROW_VERSION)
		return corrupt(diag, "row: unknown format version");
	pos = 1;
	uint64_t stored;
	if (!get_varint(row, len, &pos, &stored))
		return corrupt(diag, "row: bad column count");
	uint64_t nbytes = (stored + 7) / 8;
	if (stored > len * 8 || nbytes > len - pos)
		return corrupt(diag, "row: null bitmap past the end");
	const uint8_t *bm = row + pos;
	pos += (size_t)nbytes;
	/* Decode aside, so cols is written only when the whole row is good. */
	struct alx_value stack[32], *tmp = stack;
	if (ncols > sizeof(stack) / sizeof(stack[0])) {
		tmp = alx_arena_calloc(a, ncols, sizeof(*tmp));
		if (tmp == NULL)
			return enc_oom(diag);
	}
	for (size_t i = 0; i < ncols; i++) {
		if (i >= stored || (bm[i / 8] >> (i % 8)) & 1) {
			tmp[i] = alx_value_null(types[i].id);
			continue;
		}
		int rc = get_row_value(a, row, len, &pos, types[i], &tmp[i],
				       diag);
		if (rc != 0)
			return rc;
	}
	if (stored <= ncols && pos != len)
		return corrupt(diag, "row: bytes after the last column");
	if (ncols > 0)
		memcpy(cols, tmp, ncols * sizeof(*tmp));
	return 0;
}

/* Step over one non-NULL value of type t; false when the bytes are bad. */
static bool skip_row_value(const uint8_t *row, size_t len, size_t *pos, int t)
{
	int w = fixed_width(t);
	if (w > 0) {
		if (len - *pos < (size_t)w)
			return false;
		*pos += (size_t)w;
		return true;
	}
	uint64_t n, d, m;
	if (t == ALX_T_INTERVAL)
		return get_varint(row, len, pos, &n) &&
		       get_varint(row, len, pos, &d) &&
		       get_varint(row, len, pos, &m);
	if (!get_varint(row, len, pos, &n))
		return false;
	if (t == ALX_T_VECTOR) {
		size_t padn = (4 - *pos % 4) % 4;
		if (n > ALX_VECTOR_MAX_DIM || len - *pos < padn ||
		    (len - *pos - padn) / 4 < n)
			return false;
		*pos += padn + (size_t)n * 4;
		return true;
	}
	if (n > len - *pos)
		return false;
	*pos += (size_t)n;
	return true;
}

int alx_row_ints(const uint8_t *row, size_t len, const struct alx_type *types,
		 size_t ncols, uint64_t want, int64_t *vals, uint64_t *nulls)
{
	if (len < 1 || row[0] != ROW_VERSION)
		return -1;
	size_t pos = 1;
	uint64_t stored;
	if (!get_varint(row, len, &pos, &stored))
		return -1;
	uint64_t nbytes = (stored + 7) / 8;
	if (stored > len * 8 || nbytes > len - pos)
		return -1;
	const uint8_t *bm = row + pos;
	pos += (size_t)nbytes;
	uint64_t isnull = 0;
	for (size_t i = 0; i < ncols && i < 64 && (want >> i) != 0; i++) {
		bool wanted = (want >> i) & 1;
		if (i >= stored || (bm[i / 8] >> (i % 8)) & 1) {
			isnull |= (uint64_t)wanted << i;
			continue;
		}
		int t = types[i].id;
		if (!wanted) {
			if (!skip_row_value(row, len, &pos, t))
				return -1;
			continue;
		}
		int w = fixed_width(t);
		if (len - pos < (size_t)w)
			return -1;
		uint64_t bits = get_le(row + pos, w);
		pos += (size_t)w;
		switch (t) {
		case ALX_T_INT2:
			vals[i] = (int16_t)(uint16_t)bits;
			break;
		case ALX_T_INT4:
			vals[i] = (int32_t)(uint32_t)bits;
			break;
		case ALX_T_INT8:
			vals[i] = (int64_t)bits;
			break;
		default:
			return -1;
		}
	}
	*nulls = isnull;
	return 0;
}

void alx_row_pick_init(struct alx_row_pick *p, const struct alx_type *types,
		       size_t ncols, uint64_t want)
{
	memset(p, 0, sizeof(*p));
	if (ncols > 64)
		ncols = 64;
	p->want = want;
	p->ncols = (uint32_t)ncols;
	p->fixed = true;
	uint32_t off = 0;
	for (uint32_t i = 0; i < ncols; i++) {
		p->types[i] = types[i];
		int w = fixed_width(types[i].id);
		if (w == 0)
			p->fixed = false;
		if ((want >> i) & 1) {
			p->col[p->nwant] = (uint8_t)i;
			p->width[p->nwant] = (uint8_t)w;
			p->off[p->nwant] = off;
			p->nwant++;
		}
		off += (uint32_t)w;
	}
	p->end = off;
}

int alx_row_pick(const struct alx_row_pick *p, const uint8_t *row, size_t len,
		 int64_t *vals, uint64_t *nulls)
{
	/* Fast: a one-byte column count covering the wanted columns, none
	 * of the first ncols NULL. */
	if (p->fixed && len >= 2 && row[0] == ROW_VERSION && row[1] < 0x80 &&
	    row[1] >= p->ncols) {
		size_t nbytes = ((size_t)row[1] + 7) / 8, start = 2 + nbytes;
		bool clear = len >= start + p->end;
		for (uint32_t b = 0; clear && b * 8 < p->ncols; b++) {
			uint32_t left = p->ncols - b * 8;
			uint8_t mask =
				left >= 8 ? 0xff : (uint8_t)((1u << left) - 1);
			clear = (row[2 + b] & mask) == 0;
		}
		if (clear) {
			for (uint32_t i = 0; i < p->nwant; i++) {
				uint64_t bits = get_le(row + start + p->off[i],
						       p->width[i]);
				switch (p->types[p->col[i]].id) {
				case ALX_T_INT2:
					vals[p->col[i]] =
						(int16_t)(uint16_t)bits;
					break;
				case ALX_T_INT4:
					vals[p->col[i]] =
						(int32_t)(uint32_t)bits;
					break;
				case ALX_T_INT8:
					vals[p->col[i]] = (int64_t)bits;
					break;
				default:
					return -1;
				}
			}
			*nulls = 0;
			return 0;
		}
	}
	return alx_row_ints(row, len, p->types, p->ncols, p->want, vals, nulls);
}

int alx_row_vector(const uint8_t *row, size_t len, const struct alx_type *types,
		   size_t ncols, uint32_t col, const uint8_t **elems,
		   uint32_t *dim)
{
	size_t pos = 1;
	uint64_t stored;
	if (col >= ncols || types[col].id != ALX_T_VECTOR || len < 1 ||
	    row[0] != ROW_VERSION || !get_varint(row, len, &pos, &stored) ||
	    stored > len * 8 || (stored + 7) / 8 > len - pos)
		return -1;
	const uint8_t *bm = row + pos;
	pos += (size_t)((stored + 7) / 8);
	if (col >= stored || (bm[col / 8] >> (col % 8)) & 1)
		return 0;
	for (uint32_t i = 0; i < col; i++) {
		if ((bm[i / 8] >> (i % 8)) & 1)
			continue;
		if (!skip_row_value(row, len, &pos, types[i].id))
			return -1;
	}
	uint64_t n;
	if (!get_varint(row, len, &pos, &n))
		return -1;
	size_t pad = (4 - pos % 4) % 4;
	if (n > ALX_VECTOR_MAX_DIM || len - pos < pad ||
	    (len - pos - pad) / 4 < n)
		return -1;
	*elems = row + pos + pad;
	*dim = (uint32_t)n;
	return 1;
}
