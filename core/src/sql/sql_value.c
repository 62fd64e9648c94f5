/*
 * Text input and output of every SQL type (PostgreSQL 15's input and
 * output functions), comparison and hashing. The types of the other SQL
 * modules (dates and timestamps, JSON, vectors) are dispatched to them.
 */
#include "sql/sql_value.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_datetime.h"
#include "sql/sql_interval.h"
#include "sql/sql_json.h"
#include "sql/sql_numeric.h"
#include "sql/sql_value_internal.h"
#include "sql/sql_vector.h"

/* ---- UTF-8 --------------------------------------------------------------- */

/* Sequence length announced by a lead byte (pg_utf_mblen). */
static size_t utf8_mblen(uint8_t c)
{
	if ((c & 0x80) == 0)
		return 1;
	if ((c & 0xe0) == 0xc0)
		return 2;
	if ((c & 0xf0) == 0xe0)
		return 3;
	if ((c & 0xf8) == 0xf0)
		return 4;
	return 1;
}

/* pg_utf8_islegal: the well-formed sequences of RFC 3629. */
static bool utf8_legal(const uint8_t *s, size_t n)
{
	uint8_t a;
	switch (n) {
	case 4:
		a = s[3];
		if (a < 0x80 || a > 0xbf)
			return false;
		/* fall through */
	case 3:
		a = s[2];
		if (a < 0x80 || a > 0xbf)
			return false;
		/* fall through */
	case 2:
		a = s[1];
		switch (s[0]) {
		case 0xe0:
			if (a < 0xa0 || a > 0xbf)
				return false;
			break;
		case 0xed:
			if (a < 0x80 || a > 0x9f)
				return false;
			break;
		case 0xf0:
			if (a < 0x90 || a > 0xbf)
				return false;
			break;
		case 0xf4:
			if (a < 0x80 || a > 0x8f)
				return false;
			break;
		default:
			if (a < 0x80 || a > 0xbf)
				return false;
			break;
		}
		/* fall through */
	case 1:
		a = s[0];
		if (a >= 0x80 && a < 0xc2)
			return false;
		if (a > 0xf4)
			return false;
		return true;
	default:
		return false;
	}
}

/* Whether the 8 bytes at p are ASCII without a NUL. */
static inline bool ascii8(const uint8_t *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	const uint64_t ones = UINT64_C(0x0101010101010101);
	const uint64_t highs = UINT64_C(0x8080808080808080);
	/* a high bit set, or a zero byte (the classic has-zero test) */
	return ((w | ((w - ones) & ~w)) & highs) == 0;
}

int alx_utf8_check(const uint8_t *p, size_t len, alopex_diag *diag)
{
	size_t i = 0;
	while (i < len) {
		/* Most text is ASCII: eight bytes at a time while it is. */
		if (len - i >= 8 && ascii8(p + i)) {
			i += 8;
			continue;
		}
		if (p[i] < 0x80 && p[i] != 0) {
			i++;
			continue;
		}
		size_t l = utf8_mblen(p[i]);
		if (p[i] != 0 && l <= len - i && utf8_legal(p + i, l)) {
			i += l;
			continue;
		}
		/* PostgreSQL shows the bytes of the announced sequence. */
		char bytes[32];
		size_t n = 0, lim = l < len - i ? l : len - i;
		for (size_t j = 0; j < lim; j++)
			n += (size_t)snprintf(
				bytes + n, sizeof(bytes) - n,
				j + 1 < lim ? "0x%02x " : "0x%02x", p[i + j]);
		return alx_sql_error(diag, "22021",
				     "invalid byte sequence for encoding "
				     "\"UTF8\": %s",
				     bytes);
	}
	return 0;
}

size_t alx_utf8_chars(const uint8_t *p, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			n++;
	return n;
}

size_t alx_utf8_prefix(const uint8_t *p, size_t len, size_t n)
{
	size_t i = 0, chars = 0;
	while (i < len) {
		if ((p[i] & 0xc0) != 0x80) {
			if (chars == n)
				return i;
			chars++;
		}
		i++;
	}
	return len;
}

/* ---- input --------------------------------------------------------------- */

static int bool_in(const char *s, size_t len, bool *out, alopex_diag *diag)
{
	size_t i = 0, n = len;
	while (i < n && alx_sql_isspace((unsigned char)s[i]))
		i++;
	while (n > i && alx_sql_isspace((unsigned char)s[n - 1]))
		n--;
	const char *p = s + i;
	size_t l = n - i;
	/* parse_bool_with_len: any unique prefix of the words. */
	static const struct {
		const char *word;
		size_t min;
		bool val;
	} words[] = {
		{"true", 1, true}, {"false", 1, false}, {"yes", 1, true},
		{"no", 1, false},  {"on", 2, true},	{"off", 2, false},
		{"1", 1, true},	   {"0", 1, false},
	};
	for (size_t k = 0; l > 0 && k < sizeof(words) / sizeof(words[0]); k++) {
		size_t wl = strlen(words[k].word);
		if (l < words[k].min || l > wl)
			continue;
		bool match = true;
		for (size_t j = 0; j < l && match; j++)
			match = alx_sql_tolower((unsigned char)p[j]) ==
				words[k].word[j];
		if (match) {
			*out = words[k].val;
			return 0;
		}
	}
	return alx_sql_syntax_error(diag, "boolean", s, len);
}

/* pg_strtoint16/32/64: spaces, a sign, digits, spaces. */
static int int_in(int type, const char *s, size_t len, int64_t *out,
		  alopex_diag *diag)
{
	const char *tname = alx_type_name(type);
	int64_t min, max;
	alx_int_range(type, &min, &max);
	size_t i = 0;
	while (i < len && alx_sql_isspace((unsigned char)s[i]))
		i++;
	bool neg = false;
	if (i < len && (s[i] == '-' || s[i] == '+')) {
		neg = s[i] == '-';
		i++;
	}
	if (i >= len || s[i] < '0' || s[i] > '9')
		return alx_sql_syntax_error(diag, tname, s, len);
	/* Accumulate the magnitude; the range check is as the type's. */
	uint64_t limit = neg ? (uint64_t)0 - (uint64_t)min : (uint64_t)max;
	uint64_t acc = 0;
	while (i < len && s[i] >= '0' && s[i] <= '9') {
		uint64_t d = (uint64_t)(s[i] - '0');
		if (acc > (limit - d) / 10)
			goto out_of_range;
		acc = acc * 10 + d;
		i++;
	}
	while (i < len && alx_sql_isspace((unsigned char)s[i]))
		i++;
	if (i != len)
		return alx_sql_syntax_error(diag, tname, s, len);
	if (neg)
		*out = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN
						      : -(int64_t)acc;
	else
		*out = (int64_t)acc;
	return 0;
out_of_range:;
	int n = len > 4096 ? 4096 : (int)len;
	return alx_sql_error(diag, "22003",
			     "value \"%.*s\" is out of range for type %s", n, s,
			     tname);
}

static int hex_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* byteain: "\x" hex (spaces between pairs allowed) or the escape form. */
static int bytea_in(struct alx_arena *a, const char *text, size_t len,
		    struct alx_value *out, alopex_diag *diag)
{
	const uint8_t *s = (const uint8_t *)text;
	uint8_t *buf;
	size_t n = 0;
	if (len >= 2 && s[0] == '\\' && s[1] == 'x') {
		buf = alx_arena_alloc(a, (len - 2) / 2 + 1);
		if (buf == NULL)
			return alx_sql_oom(diag);
		size_t i = 2;
		while (i < len) {
			uint8_t c = s[i];
			if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
				i++;
				continue;
			}
			int hi = hex_value(c);
			if (hi < 0) {
				size_t l = utf8_mblen(c);
				if (l > len - i)
					l = len - i;
				return alx_sql_error(diag, "22023",
						     "invalid hexadecimal "
						     "digit: \"%.*s\"",
						     (int)l, text + i);
			}
			i++;
			if (i >= len)
				return alx_sql_error(
					diag, "22023",
					"invalid hexadecimal data: "
					"odd number of digits");
			int lo = hex_value(s[i]);
			if (lo < 0) {
				size_t l = utf8_mblen(s[i]);
				if (l > len - i)
					l = len - i;
				return alx_sql_error(diag, "22023",
						     "invalid hexadecimal "
						     "digit: \"%.*s\"",
						     (int)l, text + i);
			}
			i++;
			buf[n++] = (uint8_t)(hi << 4 | lo);
		}
	} else {
		buf = alx_arena_alloc(a, len + 1);
		if (buf == NULL)
			return alx_sql_oom(diag);
		size_t i = 0;
		while (i < len) {
			if (s[i] != '\\') {
				buf[n++] = s[i++];
			} else if (i + 3 < len && s[i + 1] >= '0' &&
				   s[i + 1] <= '3' && s[i + 2] >= '0' &&
				   s[i + 2] <= '7' && s[i + 3] >= '0' &&
				   s[i + 3] <= '7') {
				buf[n++] = (uint8_t)((s[i + 1] - '0') << 6 |
						     (s[i + 2] - '0') << 3 |
						     (s[i + 3] - '0'));
				i += 4;
			} else if (i + 1 < len && s[i + 1] == '\\') {
				buf[n++] = '\\';
				i += 2;
			} else {
				return alx_sql_error(diag, "22P02",
						     "invalid input syntax for "
						     "type bytea");
			}
		}
	}
	*out = alx_value_bytes(ALX_T_BYTEA, buf, n);
	return 0;
}

/* Bytes copied into the arena, NUL-terminated for convenience. */
static int copy_bytes(struct alx_arena *a, int type, const void *p, size_t n,
		      struct alx_value *out, alopex_diag *diag)
{
	char *q = alx_arena_alloc(a, n + 1);
	if (q == NULL)
		return alx_sql_oom(diag);
	if (n > 0)
		memcpy(q, p, n);
	q[n] = '\0';
	*out = alx_value_bytes(type, q, n);
	return 0;
}

/*
 * VARCHAR(n)/CHAR(n) input (varchar_input, bpchar_input): too many
 * characters fail unless the excess is spaces; CHAR(n) pads to n.
 */
static int string_in(struct alx_arena *a, struct alx_type t, const char *text,
		     size_t len, struct alx_value *out, alopex_diag *diag)
{
	const uint8_t *s = (const uint8_t *)text;
	int rc = alx_utf8_check(s, len, diag);
	if (rc != 0)
		return rc;
	if (t.id == ALX_T_TEXT || t.mod < 0)
		return copy_bytes(a, t.id, s, len, out, diag);
	size_t maxlen = (size_t)t.mod;
	size_t chars = alx_utf8_chars(s, len);
	if (chars > maxlen) {
		size_t cut = alx_utf8_prefix(s, len, maxlen);
		for (size_t j = cut; j < len; j++)
			if (s[j] != ' ')
				return alx_sql_error(
					diag, "22001",
					"value too long for type %s(%d)",
					t.id == ALX_T_VARCHAR
						? "character varying"
						: "character",
					(int)t.mod);
		return copy_bytes(a, t.id, s, cut, out, diag);
	}
	if (t.id == ALX_T_VARCHAR || chars == maxlen)
		return copy_bytes(a, t.id, s, len, out, diag);
	size_t pad = maxlen - chars;
	char *q = alx_arena_alloc(a, len + pad + 1);
	if (q == NULL)
		return alx_sql_oom(diag);
	memcpy(q, s, len);
	memset(q + len, ' ', pad);
	q[len + pad] = '\0';
	*out = alx_value_bytes(ALX_T_BPCHAR, q, len + pad);
	return 0;
}

int alx_value_in(struct alx_arena *a, struct alx_type t, const char *text,
		 size_t len, const struct alx_value_fmt *fmt,
		 struct alx_value *out, alopex_diag *diag)
{
	struct alx_value_fmt deflt;
	if (fmt == NULL) {
		alx_value_fmt_default(&deflt);
		fmt = &deflt;
	}
	struct alx_value v = {.type = t.id, .null = false};
	int rc = 0;
	switch (t.id) {
	case ALX_T_UNKNOWN:
		rc = alx_utf8_check((const uint8_t *)text, len, diag);
		if (rc == 0)
			rc = copy_bytes(a, ALX_T_UNKNOWN, text, len, &v, diag);
		break;
	case ALX_T_BOOL:
		rc = bool_in(text, len, &v.u.b, diag);
		break;
	case ALX_T_INT2:
	case ALX_T_INT4:
	case ALX_T_INT8:
		rc = int_in(t.id, text, len, &v.u.i, diag);
		break;
	case ALX_T_FLOAT4:
	case ALX_T_FLOAT8:
		rc = alx_float_in(a, text, len, t.id == ALX_T_FLOAT4, &v.u.f,
				  diag);
		break;
	case ALX_T_NUMERIC: {
		struct alx_num_ref n;
		rc = alx_numeric_in(a, text, len, t.mod, t.scale, &n, diag);
		if (rc == 0)
			v = alx_value_bytes(ALX_T_NUMERIC, n.ptr, n.len);
		break;
	}
	case ALX_T_TEXT:
	case ALX_T_VARCHAR:
	case ALX_T_BPCHAR:
		rc = string_in(a, t, text, len, &v, diag);
		break;
	case ALX_T_BYTEA:
		rc = bytea_in(a, text, len, &v, diag);
		break;
	case ALX_T_DATE:
		rc = alx_date_in(text, len, &v.u.date, diag);
		break;
	case ALX_T_TIMESTAMP:
	case ALX_T_TIMESTAMPTZ:
		rc = alx_timestamp_in(text, len, t.id == ALX_T_TIMESTAMPTZ,
				      fmt->tz, fmt->tz_offset_sec, &v.u.ts,
				      diag);
		if (rc == 0 && t.mod >= 0)
			v.u.ts = alx_timestamp_round(v.u.ts, t.mod);
		break;
	case ALX_T_JSON:
		rc = alx_utf8_check((const uint8_t *)text, len, diag);
		if (rc == 0)
			rc = alx_json_validate(text, len, diag);
		if (rc == 0)
			rc = copy_bytes(a, ALX_T_JSON, text, len, &v, diag);
		break;
	case ALX_T_JSONB: {
		const char *s;
		size_t n;
		rc = alx_utf8_check((const uint8_t *)text, len, diag);
		if (rc == 0)
			rc = alx_jsonb_normalize(a, text, len, &s, &n, diag);
		if (rc == 0)
			v = alx_value_bytes(ALX_T_JSONB, s, n);
		break;
	}
	case ALX_T_VECTOR:
		rc = alx_vector_in(a, text, len, t.mod, &v.u.vec.ptr,
				   &v.u.vec.dim, diag);
		break;
	case ALX_T_INTERVAL:
		rc = alx_interval_in(a, text, len, t.mod, t.scale,
				     fmt->intervalstyle, &v.u.iv, diag);
		break;
	default:
		return alx_diag_set(diag, ALOPEX_EINVAL, "XX000",
				    "unknown type id %d", (int)t.id);
	}
	if (rc != 0)
		return rc;
	v.type = t.id;
	v.null = false;
	*out = v;
	return 0;
}

/* ---- output -------------------------------------------------------------- */

int alx_value_out(struct alx_arena *a, const struct alx_value *v,
		  const struct alx_value_fmt *fmt, const char **out,
		  size_t *len, alopex_diag *diag)
{
	struct alx_value_fmt deflt;
	if (fmt == NULL) {
		alx_value_fmt_default(&deflt);
		fmt = &deflt;
	}
	if (v->null) {
		*out = NULL;
		*len = 0;
		return 0;
	}
	char buf[ALX_FLOAT_BUFSZ > ALX_DATETIME_BUFSZ ? ALX_FLOAT_BUFSZ
						      : ALX_DATETIME_BUFSZ];
	size_t n;
	switch (v->type) {
	case ALX_T_BOOL:
		*out = v->u.b ? "t" : "f";
		*len = 1;
		return 0;
	case ALX_T_INT2:
	case ALX_T_INT4:
	case ALX_T_INT8:
		n = (size_t)snprintf(buf, sizeof(buf), "%" PRId64, v->u.i);
		break;
	case ALX_T_FLOAT4:
	case ALX_T_FLOAT8:
		n = alx_float_out(v->u.f, v->type == ALX_T_FLOAT4,
				  fmt->extra_float_digits, buf);
		break;
	case ALX_T_NUMERIC: {
		struct alx_num_ref r = {v->u.s.ptr, v->u.s.len};
		int rc = alx_numeric_out(a, r, out, len);
		if (rc == ALOPEX_ENOMEM)
			return alx_sql_oom(diag);
		if (rc != 0)
			return alx_diag_set(diag, ALOPEX_ECORRUPT, "XX001",
					    "invalid packed numeric value");
		return 0;
	}
	case ALX_T_UNKNOWN:
	case ALX_T_TEXT:
	case ALX_T_VARCHAR:
	case ALX_T_BPCHAR:
	case ALX_T_JSON:
	case ALX_T_JSONB: {
		char *q = alx_arena_strndup(a, (const char *)v->u.s.ptr,
					    v->u.s.len);
		if (q == NULL)
			return alx_sql_oom(diag);
		*out = q;
		*len = v->u.s.len;
		return 0;
	}
	case ALX_T_BYTEA: {
		static const char hex[] = "0123456789abcdef";
		size_t l = v->u.s.len;
		char *q = alx_arena_alloc(a, 2 * l + 3);
		if (q == NULL)
			return alx_sql_oom(diag);
		q[0] = '\\';
		q[1] = 'x';
		for (size_t i = 0; i < l; i++) {
			q[2 + 2 * i] = hex[v->u.s.ptr[i] >> 4];
			q[3 + 2 * i] = hex[v->u.s.ptr[i] & 15];
		}
		q[2 * l + 2] = '\0';
		*out = q;
		*len = 2 * l + 2;
		return 0;
	}
	case ALX_T_DATE:
		alx_date_out(v->u.date, buf);
		n = strlen(buf);
		break;
	case ALX_T_TIMESTAMP:
	case ALX_T_TIMESTAMPTZ:
		alx_timestamp_out(v->u.ts, v->type == ALX_T_TIMESTAMPTZ,
				  fmt->tz, fmt->tz_offset_sec, buf);
		n = strlen(buf);
		break;
	case ALX_T_VECTOR:
		return alx_vector_out(a, v->u.vec.ptr, v->u.vec.dim, out, len,
				      diag);
	case ALX_T_INTERVAL: {
		char ib[ALX_INTERVAL_BUFSZ];
		n = alx_interval_out(&v->u.iv, fmt->intervalstyle, ib);
		char *q = alx_arena_strndup(a, ib, n);
		if (q == NULL)
			return alx_sql_oom(diag);
		*out = q;
		*len = n;
		return 0;
	}
	default:
		return alx_diag_set(diag, ALOPEX_EINVAL, "XX000",
				    "unknown type id %d", (int)v->type);
	}
	char *q = alx_arena_strndup(a, buf, n);
	if (q == NULL)
		return alx_sql_oom(diag);
	*out = q;
	*len = n;
	return 0;
}

/* ---- comparison ---------------------------------------------------------- */

double alx_value_to_double(const struct alx_value *v)
{
	switch (v->type) {
	case ALX_T_INT2:
	case ALX_T_INT4:
	case ALX_T_INT8:
		return (double)v->u.i;
	case ALX_T_FLOAT4:
	case ALX_T_FLOAT8:
		return v->u.f;
	case ALX_T_NUMERIC: {
		struct alx_num_ref r = {v->u.s.ptr, v->u.s.len};
		return alx_numeric_approx(r);
	}
	default:
		return 0;
	}
}

/* float8_cmp_internal: NaN equals NaN and sorts above everything. */
static int double_cmp(double x, double y)
{
	if (isnan(x))
		return isnan(y) ? 0 : 1;
	if (isnan(y))
		return -1;
	return x < y ? -1 : x > y ? 1 : 0;
}

static int number_cmp(const struct alx_value *a, const struct alx_value *b)
{
	int ta = a->type, tb = b->type;
	if (alx_type_is_int(ta) && alx_type_is_int(tb))
		return a->u.i < b->u.i ? -1 : a->u.i > b->u.i ? 1 : 0;
	if (alx_type_is_float(ta) || alx_type_is_float(tb))
		return double_cmp(alx_value_to_double(a),
				  alx_value_to_double(b));
	/* numeric with numeric or int: exactly */
	uint8_t ba[ALX_NUMERIC_INT_BUFSZ], bb[ALX_NUMERIC_INT_BUFSZ];
	struct alx_num_ref x = {a->u.s.ptr, a->u.s.len};
	struct alx_num_ref y = {b->u.s.ptr, b->u.s.len};
	if (alx_type_is_int(ta))
		alx_numeric_from_int_buf(a->u.i, ba, &x);
	if (alx_type_is_int(tb))
		alx_numeric_from_int_buf(b->u.i, bb, &y);
	return alx_numeric_cmp(x, y);
}

static int bytes_cmp(const uint8_t *p, size_t n, const uint8_t *q, size_t m)
{
	size_t k = n < m ? n : m;
	int c = k > 0 ? memcmp(p, q, k) : 0;
	if (c != 0)
		return c < 0 ? -1 : 1;
	return n < m ? -1 : n > m ? 1 : 0;
}

static bool is_stringish(int t)
{
	return alx_type_is_string(t) || t == ALX_T_UNKNOWN;
}

/* A date as the timestamp of its midnight; dates past the timestamp
 * range (and infinity) become infinity, as date2timestamp_no_overflow. */
static int64_t as_timestamp(const struct alx_value *v)
{
	if (v->type != ALX_T_DATE)
		return v->u.ts;
	if (v->u.date == INT32_MIN)
		return INT64_MIN;
	if (v->u.date >= 109203489 - 2451545)
		return INT64_MAX;
	return (int64_t)v->u.date * INT64_C(86400000000);
}

static bool is_datetime(int t)
{
	return t == ALX_T_DATE || t == ALX_T_TIMESTAMP ||
	       t == ALX_T_TIMESTAMPTZ;
}

int alx_value_cmp(const struct alx_value *a, const struct alx_value *b)
{
	int ta = a->type, tb = b->type;
	if (alx_type_is_number(ta) && alx_type_is_number(tb))
		return number_cmp(a, b);
	if (is_stringish(ta) && is_stringish(tb)) {
		size_t la = a->u.s.len, lb = b->u.s.len;
		/* CHAR(n) against CHAR/VARCHAR compares as CHAR (both
		 * trimmed); against TEXT the CHAR side becomes text (its
		 * trailing spaces dropped). */
		bool bpa = ta == ALX_T_BPCHAR, bpb = tb == ALX_T_BPCHAR;
		if (bpa || (bpb && ta != ALX_T_TEXT))
			la = alx_bpchar_trimmed(a->u.s.ptr, la);
		if (bpb || (bpa && tb != ALX_T_TEXT))
			lb = alx_bpchar_trimmed(b->u.s.ptr, lb);
		return bytes_cmp(a->u.s.ptr, la, b->u.s.ptr, lb);
	}
	if (ta == ALX_T_BOOL && tb == ALX_T_BOOL)
		return (int)a->u.b - (int)b->u.b;
	if (is_datetime(ta) && is_datetime(tb)) {
		if (ta == ALX_T_DATE && tb == ALX_T_DATE)
			return a->u.date < b->u.date   ? -1
			       : a->u.date > b->u.date ? 1
						       : 0;
		int64_t x = as_timestamp(a), y = as_timestamp(b);
		return x < y ? -1 : x > y ? 1 : 0;
	}
	if (ta == ALX_T_INTERVAL && tb == ALX_T_INTERVAL)
		return alx_interval_cmp(&a->u.iv, &b->u.iv);
	if (ta == ALX_T_VECTOR && tb == ALX_T_VECTOR) {
		uint32_t n = a->u.vec.dim < b->u.vec.dim ? a->u.vec.dim
							 : b->u.vec.dim;
		for (uint32_t i = 0; i < n; i++) {
			float x = a->u.vec.ptr[i], y = b->u.vec.ptr[i];
			if (x < y)
				return -1;
			if (x > y)
				return 1;
		}
		return a->u.vec.dim < b->u.vec.dim   ? -1
		       : a->u.vec.dim > b->u.vec.dim ? 1
						     : 0;
	}
	/* Same byte-payload types (bytea, json, jsonb): by bytes. An UNKNOWN
	 * literal against a non-text type has no payload to compare with
	 * here; the binder casts it first. */
	if (ta == tb &&
	    (ta == ALX_T_BYTEA || ta == ALX_T_JSON || ta == ALX_T_JSONB))
		return bytes_cmp(a->u.s.ptr, a->u.s.len, b->u.s.ptr,
				 b->u.s.len);
	/* Not comparable (alx_cmp_check refuses these): order by type. */
	return ta < tb ? -1 : 1;
}

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const uint8_t *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static uint64_t hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

uint64_t alx_value_hash(const struct alx_value *v)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	if (v->null)
		return hash_mix(h ^ 0x6e756c6c);
	int t = v->type;
	if (alx_type_is_number(t)) {
		/* Numbers that compare equal across types convert to the
		 * same double; -0 and NaNs are made one. */
		double d = alx_value_to_double(v);
		if (d == 0)
			d = 0;
		if (isnan(d))
			d = NAN;
		uint64_t bits;
		memcpy(&bits, &d, sizeof(bits));
		return hash_mix(hash_bytes(h ^ 'N', &bits, sizeof(bits)));
	}
	if (is_stringish(t))
		return hash_mix(
			hash_bytes(h ^ 'S', v->u.s.ptr,
				   alx_bpchar_trimmed(v->u.s.ptr, v->u.s.len)));
	if (is_datetime(t)) {
		int64_t ts = as_timestamp(v);
		return hash_mix(hash_bytes(h ^ 'D', &ts, sizeof(ts)));
	}
	switch (t) {
	case ALX_T_BOOL:
		return hash_mix(h ^ 'B' ^ (uint64_t)v->u.b << 8);
	case ALX_T_INTERVAL: {
		/* what the comparison sees: '1 mon' and '30 days' are equal */
		uint8_t k[ALX_INTERVAL_KEYSZ];
		alx_interval_key(&v->u.iv, k);
		return hash_mix(hash_bytes(h ^ 'I', k, sizeof(k)));
	}
	case ALX_T_VECTOR:
		h ^= 'V';
		for (uint32_t i = 0; i < v->u.vec.dim; i++) {
			float f = v->u.vec.ptr[i];
			if (f == 0)
				f = 0;
			h = hash_bytes(h, &f, sizeof(f));
		}
		return hash_mix(h);
	default:
		return hash_mix(
			hash_bytes(h ^ (uint64_t)t, v->u.s.ptr, v->u.s.len));
	}
}

/* Which comparison family a type belongs to (0: none). */
static int cmp_family(int t)
{
	if (alx_type_is_number(t))
		return 1;
	if (alx_type_is_string(t))
		return 2;
	if (is_datetime(t))
		return 3;
	switch (t) {
	case ALX_T_BOOL:
		return 4;
	case ALX_T_BYTEA:
		return 5;
	case ALX_T_JSONB:
		return 6;
	case ALX_T_VECTOR:
		return 7;
	case ALX_T_INTERVAL:
		return 8;
	default:
		return 0; /* JSON has no comparison operators */
	}
}

int alx_cmp_check(const char *op, struct alx_type l, struct alx_type r,
		  alopex_diag *diag)
{
	int fl = cmp_family(l.id), fr = cmp_family(r.id);
	if (l.id == ALX_T_UNKNOWN && r.id == ALX_T_UNKNOWN)
		return 0;
	if (l.id == ALX_T_UNKNOWN && fr != 0)
		return 0;
	if (r.id == ALX_T_UNKNOWN && fl != 0)
		return 0;
	if (fl != 0 && fl == fr)
		return 0;
	return alx_sql_error(diag, "42883", "operator does not exist: %s %s %s",
			     alx_type_name(l.id), op, alx_type_name(r.id));
}
