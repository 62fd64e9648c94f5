/* String functions (UTF-8 aware where PostgreSQL counts characters). */
#include <stdio.h>
#include <string.h>

#include "crypto/alx_md5.h"
#include "crypto/alx_sha256.h"
#include "sql/sql_exec_int.h"
#include "sql/sql_func.h"
#include "sql/sql_session.h"

static size_t u8len(uint8_t c)
{
	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

static size_t nchars(const uint8_t *p, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; n++)
		i += u8len(p[i]);
	return n;
}

/* Byte offset of character k (or len). */
static size_t char_off(const uint8_t *p, size_t len, int64_t k)
{
	size_t i = 0;
	while (k > 0 && i < len) {
		i += u8len(p[i]);
		k--;
	}
	return i > len ? len : i;
}

static size_t trimmed(const uint8_t *p, size_t n)
{
	while (n > 0 && p[n - 1] == ' ')
		n--;
	return n;
}

static struct alx_value text(const void *p, size_t n)
{
	return alx_value_bytes(ALX_T_TEXT, n ? p : "", n);
}

static int oom(struct alx_ev *ev)
{
	return alx_exec_oom(ev->ex);
}

/* The bytes that count for length(): CHAR(n)'s padding is cut. */
static size_t text_bytes(const struct alx_value *v)
{
	return v->type == ALX_T_BPCHAR ? trimmed(v->u.s.ptr, v->u.s.len)
				       : v->u.s.len;
}

/* length, char_length, character_length: characters (bytes of a bytea) */
static int f_length(struct alx_ev *ev, const struct alx_bx *c,
		    const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	size_t n = a[0].type == ALX_T_BYTEA
			   ? a[0].u.s.len
			   : nchars(a[0].u.s.ptr, text_bytes(&a[0]));
	*out = alx_value_int(ALX_T_INT4, (int64_t)n);
	return 0;
}

/* octet_length: every byte, CHAR(n)'s padding included */
static int f_octet_length(struct alx_ev *ev, const struct alx_bx *c,
			  const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	*out = alx_value_int(ALX_T_INT4, (int64_t)a[0].u.s.len);
	return 0;
}

static int f_bit_length(struct alx_ev *ev, const struct alx_bx *c,
			const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	*out = alx_value_int(ALX_T_INT4, 8 * (int64_t)text_bytes(&a[0]));
	return 0;
}

static int r_length(struct alx_bind_ctx *b, struct alx_bx *c)
{
	int t = c->args[0]->type.id;
	if (t == ALX_T_BYTEA || t == ALX_T_BPCHAR)
		return 0;
	return alx_func_arg(b, c, 0, ALX_T_TEXT);
}

static int f_case(struct alx_ev *ev, const struct alx_bx *c,
		  const struct alx_value *a, struct alx_value *out)
{
	const char *fn = c->u.func.def->name;
	uint8_t *p = alx_arena_alloc(ev->a, a[0].u.s.len + 1);
	if (p == NULL)
		return oom(ev);
	bool upper = fn[0] == 'u', init = fn[0] == 'i', word = false;
	for (size_t i = 0; i < a[0].u.s.len; i++) {
		uint8_t ch = a[0].u.s.ptr[i];
		bool alnum = (ch >= 'a' && ch <= 'z') ||
			     (ch >= 'A' && ch <= 'Z') ||
			     (ch >= '0' && ch <= '9');
		bool up = init ? !word : upper;
		if (up && ch >= 'a' && ch <= 'z')
			ch = (uint8_t)(ch - 32);
		else if (!up && ch >= 'A' && ch <= 'Z')
			ch = (uint8_t)(ch + 32);
		/* The C locale's isalnum, as PostgreSQL's initdb --no-locale:
		 * a non-ASCII letter ends a word (initcap('élan') = éLan). */
		word = alnum;
		p[i] = ch;
	}
	*out = text(p, a[0].u.s.len);
	return 0;
}

/* substring(s, from[, for]): a text `from` is PostgreSQL's regular
 * expression form, which Alopex does not have: refused rather than read
 * as a position (substring('hello', '2') is NULL there). */
static int r_substring(struct alx_bind_ctx *b, struct alx_bx *c)
{
	const struct alx_bx *f = c->args[1];
	int t = f->type.id;
	if (f->kind != ALX_BX_PARAM &&
	    (t == ALX_T_UNKNOWN || t == ALX_T_TEXT || t == ALX_T_VARCHAR ||
	     t == ALX_T_BPCHAR))
		return alx_bind_err(b, "0A000",
				    "substring with a regular expression is "
				    "not supported yet");
	/* the positions first: a mismatch names the string's own type */
	int rc = 0;
	for (uint32_t i = 1; rc == 0 && i < c->nargs; i++)
		rc = alx_func_arg(b, c, i, ALX_T_INT4);
	return rc != 0 ? rc : alx_func_arg(b, c, 0, ALX_T_TEXT);
}

static int f_substr(struct alx_ev *ev, const struct alx_bx *c,
		    const struct alx_value *a, struct alx_value *out)
{
	const uint8_t *p = a[0].u.s.ptr;
	size_t len = a[0].u.s.len;
	int64_t start = a[1].u.i, n = -1;
	if (c->nargs > 2) {
		n = a[2].u.i;
		if (n < 0)
			return alx_exec_err(ev->ex, "22011",
					    "negative substring length not "
					    "allowed");
	}
	int64_t end = n < 0				       ? INT64_MAX
		      : __builtin_add_overflow(start, n, &end) ? INT64_MAX
							       : start + n;
	if (start < 1)
		start = 1;
	if (end <= start) {
		*out = text("", 0);
		return 0;
	}
	size_t b = char_off(p, len, start - 1);
	size_t e = end == INT64_MAX ? len : char_off(p, len, end - 1);
	*out = text(p + b, e > b ? e - b : 0);
	return 0;
}

static const uint8_t *find(const uint8_t *h, size_t hl, const uint8_t *n,
			   size_t nl)
{
	if (nl == 0)
		return h;
	for (size_t i = 0; i + nl <= hl; i++)
		if (memcmp(h + i, n, nl) == 0)
			return h + i;
	return NULL;
}

static int f_strpos(struct alx_ev *ev, const struct alx_bx *c,
		    const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	const uint8_t *f =
		find(a[0].u.s.ptr, a[0].u.s.len, a[1].u.s.ptr, a[1].u.s.len);
	*out = alx_value_int(
		ALX_T_INT4,
		f ? (int64_t)nchars(a[0].u.s.ptr, (size_t)(f - a[0].u.s.ptr)) +
				1
		  : 0);
	return 0;
}

static int f_replace(struct alx_ev *ev, const struct alx_bx *c,
		     const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	struct alx_buf b;
	alx_buf_init(&b, ev->a);
	const uint8_t *p = a[0].u.s.ptr, *end = p + a[0].u.s.len;
	if (a[1].u.s.len == 0) {
		*out = a[0];
		return 0;
	}
	for (;;) {
		const uint8_t *f =
			find(p, (size_t)(end - p), a[1].u.s.ptr, a[1].u.s.len);
		size_t n = f ? (size_t)(f - p) : (size_t)(end - p);
		if (alx_buf_append(&b, p, n) != 0)
			return oom(ev);
		if (f == NULL)
			break;
		if (alx_buf_append(&b, a[2].u.s.ptr, a[2].u.s.len) != 0)
			return oom(ev);
		p = f + a[1].u.s.len;
	}
	*out = text(b.ptr, b.len);
	return 0;
}

/* translate(s, from, to): each character of s found in from becomes the
 * character of to at the same place, or goes when to is shorter. */
static int f_translate(struct alx_ev *ev, const struct alx_bx *c,
		       const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	struct alx_buf b;
	alx_buf_init(&b, ev->a);
	const uint8_t *p = a[0].u.s.ptr, *fr = a[1].u.s.ptr, *to = a[2].u.s.ptr;
	size_t len = a[0].u.s.len, fl = a[1].u.s.len, tl = a[2].u.s.len;
	for (size_t i = 0; i < len;) {
		size_t cl = u8len(p[i]);
		if (cl > len - i)
			cl = len - i;
		size_t k = 0, j = 0;
		bool found = false;
		for (; j < fl; j += u8len(fr[j]), k++)
			if (u8len(fr[j]) == cl && j + cl <= fl &&
			    memcmp(fr + j, p + i, cl) == 0) {
				found = true;
				break;
			}
		int rc = 0;
		if (!found) {
			rc = alx_buf_append(&b, p + i, cl);
		} else {
			size_t t = char_off(to, tl, (int64_t)k);
			if (t < tl) {
				size_t n = u8len(to[t]);
				rc = alx_buf_append(&b, to + t,
						    n < tl - t ? n : tl - t);
			}
		}
		if (rc != 0)
			return oom(ev);
		i += cl;
	}
	*out = text(b.ptr, b.len);
	return 0;
}

static bool in_set(const uint8_t *s, size_t sl, const uint8_t *ch, size_t cl)
{
	for (size_t i = 0; i < sl; i += u8len(s[i]))
		if (u8len(s[i]) == cl && memcmp(s + i, ch, cl) == 0)
			return true;
	return false;
}

static int f_trim(struct alx_ev *ev, const struct alx_bx *c,
		  const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	const char *fn = c->u.func.def->name;
	bool left = fn[0] != 'r', right = fn[0] != 'l';
	const uint8_t *set = (const uint8_t *)" ";
	size_t sl = 1;
	if (c->nargs > 1) {
		set = a[1].u.s.ptr;
		sl = a[1].u.s.len;
	}
	const uint8_t *p = a[0].u.s.ptr;
	size_t b = 0, e = a[0].u.s.len;
	while (left && b < e && in_set(set, sl, p + b, u8len(p[b])))
		b += u8len(p[b]);
	while (right && e > b) {
		size_t k = e - 1;
		while (k > b && (p[k] & 0xc0) == 0x80)
			k--;
		if (!in_set(set, sl, p + k, e - k))
			break;
		e = k;
	}
	*out = text(p + b, e - b);
	return 0;
}

static int f_concat_ws(struct alx_ev *ev, const struct alx_bx *c,
		       const struct alx_value *a, struct alx_value *out);

/* concat(any...), concat_ws(sep, any...): arguments through their
 * output functions (true prints as t, as in PostgreSQL). */
static int r_concat(struct alx_bind_ctx *b, struct alx_bx *c)
{
	bool ws = c->u.func.def->eval == f_concat_ws;
	for (uint32_t i = 0; i < c->nargs; i++) {
		if (c->args[i]->type.id != ALX_T_UNKNOWN && !(i == 0 && ws))
			continue;
		int rc = alx_bind_coerce(b, &c->args[i],
					 alx_type_make(ALX_T_TEXT),
					 ALX_CAST_IMPLICIT, NULL);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int text_of(struct alx_ev *ev, const struct alx_value *v,
		   const uint8_t **p, size_t *n)
{
	if (v->type == ALX_T_TEXT || v->type == ALX_T_VARCHAR ||
	    v->type == ALX_T_BPCHAR) {
		*p = v->u.s.ptr;
		*n = v->u.s.len;
		return 0;
	}
	const char *s;
	int rc = alx_value_out(ev->a, v, ev->ex->fmt, &s, n, ev->ex->d);
	*p = (const uint8_t *)s;
	return rc;
}

static int concat(struct alx_ev *ev, const struct alx_bx *c,
		  const struct alx_value *a, bool ws, struct alx_value *out)
{
	if (ws && a[0].null) {
		*out = alx_value_null(ALX_T_TEXT);
		return 0;
	}
	struct alx_buf b;
	alx_buf_init(&b, ev->a);
	bool first = true;
	for (uint32_t i = ws ? 1 : 0; i < c->nargs; i++) {
		if (a[i].null)
			continue;
		const uint8_t *p;
		size_t n;
		int rc = text_of(ev, &a[i], &p, &n);
		if (rc != 0)
			return rc;
		if (ws && !first &&
		    alx_buf_append(&b, a[0].u.s.ptr, a[0].u.s.len) != 0)
			return oom(ev);
		if (alx_buf_append(&b, p, n) != 0)
			return oom(ev);
		first = false;
	}
	*out = text(b.ptr, b.len);
	return 0;
}

static int f_concat(struct alx_ev *ev, const struct alx_bx *c,
		    const struct alx_value *a, struct alx_value *out)
{
	return concat(ev, c, a, false, out);
}

static int f_concat_ws(struct alx_ev *ev, const struct alx_bx *c,
		       const struct alx_value *a, struct alx_value *out)
{
	return concat(ev, c, a, true, out);
}

static int f_left_right(struct alx_ev *ev, const struct alx_bx *c,
			const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	const uint8_t *p = a[0].u.s.ptr;
	size_t len = a[0].u.s.len;
	int64_t total = (int64_t)nchars(p, len), n = a[1].u.i;
	bool left = c->u.func.def->name[0] == 'l';
	int64_t take = n >= 0 ? (n < total ? n : total)
			      : (total + n > 0 ? total + n : 0);
	if (left) {
		*out = text(p, char_off(p, len, take));
	} else {
		size_t off = char_off(p, len, total - take);
		*out = text(p + off, len - off);
	}
	return 0;
}

static int f_repeat(struct alx_ev *ev, const struct alx_bx *c,
		    const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	int64_t n = a[1].u.i < 0 ? 0 : a[1].u.i;
	size_t len = a[0].u.s.len;
	if (len > 0 && (uint64_t)n > ((uint64_t)1 << 30) / len)
		return alx_exec_err(ev->ex, "54000",
				    "requested length too large");
	uint8_t *p = alx_arena_alloc(ev->a, len * (size_t)n + 1);
	if (p == NULL)
		return oom(ev);
	for (int64_t i = 0; i < n; i++)
		memcpy(p + (size_t)i * len, a[0].u.s.ptr, len);
	*out = text(p, len * (size_t)n);
	return 0;
}

static int f_reverse(struct alx_ev *ev, const struct alx_bx *c,
		     const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	size_t len = a[0].u.s.len;
	uint8_t *p = alx_arena_alloc(ev->a, len + 1);
	if (p == NULL)
		return oom(ev);
	const uint8_t *s = a[0].u.s.ptr;
	for (size_t i = 0; i < len;) {
		size_t n = u8len(s[i]);
		if (n > len - i)
			n = len - i;
		memcpy(p + len - i - n, s + i, n);
		i += n;
	}
	*out = text(p, len);
	return 0;
}

static int f_pad(struct alx_ev *ev, const struct alx_bx *c,
		 const struct alx_value *a, struct alx_value *out)
{
	bool left = c->u.func.def->name[0] == 'l';
	const uint8_t *fill = (const uint8_t *)" ";
	size_t fl = 1;
	if (c->nargs > 2) {
		fill = a[2].u.s.ptr;
		fl = a[2].u.s.len;
	}
	int64_t want = a[1].u.i < 0 ? 0 : a[1].u.i;
	if (want > (1 << 28))
		return alx_exec_err(ev->ex, "54000",
				    "requested length too large");
	const uint8_t *s = a[0].u.s.ptr;
	size_t len = a[0].u.s.len;
	int64_t have = (int64_t)nchars(s, len);
	if (have >= want || fl == 0) {
		*out = text(s, char_off(s, len, want < have ? want : have));
		return 0;
	}
	struct alx_buf b;
	alx_buf_init(&b, ev->a);
	int64_t need = want - have;
	if (!left && alx_buf_append(&b, s, len) != 0)
		return oom(ev);
	for (size_t i = 0; need > 0; need--) {
		size_t n = u8len(fill[i]);
		if (alx_buf_append(&b, fill + i, n) != 0)
			return oom(ev);
		i += n;
		if (i >= fl)
			i = 0;
	}
	if (left && alx_buf_append(&b, s, len) != 0)
		return oom(ev);
	*out = text(b.ptr, b.len);
	return 0;
}

static int f_split_part(struct alx_ev *ev, const struct alx_bx *c,
			const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	int64_t n = a[2].u.i;
	if (n == 0)
		return alx_exec_err(ev->ex, "22023",
				    "field position must not be zero");
	const uint8_t *p = a[0].u.s.ptr, *end = p + a[0].u.s.len;
	const uint8_t *d = a[1].u.s.ptr;
	size_t dl = a[1].u.s.len;
	/* collect field boundaries */
	const uint8_t *starts[1024], *ends[1024];
	int nf = 0;
	if (dl == 0) {
		starts[0] = p;
		ends[0] = end;
		nf = 1;
	} else {
		const uint8_t *q = p;
		while (nf < 1024) {
			const uint8_t *f = find(q, (size_t)(end - q), d, dl);
			starts[nf] = q;
			ends[nf] = f ? f : end;
			nf++;
			if (f == NULL)
				break;
			q = f + dl;
		}
	}
	if (a[0].u.s.len == 0)
		nf = 0;
	int64_t k = n > 0 ? n - 1 : nf + n;
	if (k < 0 || k >= nf) {
		*out = text("", 0);
		return 0;
	}
	*out = text(starts[k], (size_t)(ends[k] - starts[k]));
	return 0;
}

static int f_starts_with(struct alx_ev *ev, const struct alx_bx *c,
			 const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	*out = alx_value_bool(
		a[1].u.s.len <= a[0].u.s.len &&
		memcmp(a[0].u.s.ptr, a[1].u.s.ptr, a[1].u.s.len) == 0);
	return 0;
}

static int f_chr(struct alx_ev *ev, const struct alx_bx *c,
		 const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	int64_t cp = a[0].u.i;
	if (cp == 0)
		return alx_exec_err(ev->ex, "54000",
				    "null character not permitted");
	if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return alx_exec_err(ev->ex, "54000",
				    "requested character too large for "
				    "encoding: %lld",
				    (long long)cp);
	uint8_t *p = alx_arena_alloc(ev->a, 4);
	if (p == NULL)
		return oom(ev);
	size_t n;
	if (cp < 0x80) {
		p[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		p[0] = (uint8_t)(0xc0 | cp >> 6);
		p[1] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		p[0] = (uint8_t)(0xe0 | cp >> 12);
		p[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		p[2] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		p[0] = (uint8_t)(0xf0 | cp >> 18);
		p[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		p[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		p[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	}
	*out = text(p, n);
	return 0;
}

static int f_ascii(struct alx_ev *ev, const struct alx_bx *c,
		   const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	const uint8_t *p = a[0].u.s.ptr;
	size_t len = a[0].u.s.len;
	int64_t cp = 0;
	if (len > 0) {
		size_t n = u8len(p[0]);
		cp = n == 1 ? p[0] : p[0] & (0x7f >> n);
		for (size_t i = 1; i < n && i < len; i++)
			cp = cp << 6 | (p[i] & 0x3f);
	}
	*out = alx_value_int(ALX_T_INT4, cp);
	return 0;
}

static int f_to_hex(struct alx_ev *ev, const struct alx_bx *c,
		    const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	char buf[24];
	uint64_t v = a[0].type == ALX_T_INT8 ? (uint64_t)a[0].u.i
					     : (uint32_t)a[0].u.i;
	int n = snprintf(buf, sizeof(buf), "%llx", (unsigned long long)v);
	char *p = alx_arena_strndup(ev->a, buf, (size_t)n);
	if (p == NULL)
		return oom(ev);
	*out = text(p, (size_t)n);
	return 0;
}

static int r_to_hex(struct alx_bind_ctx *b, struct alx_bx *c)
{
	int t = c->args[0]->type.id;
	return alx_func_arg(b, c, 0, t == ALX_T_INT8 ? ALX_T_INT8 : ALX_T_INT4);
}

/* quote_literal(text), quote_nullable(text): a string literal PostgreSQL
 * reads back (E'...' when there is a backslash); quote_nullable(NULL) is
 * the text NULL. */
/* quote_literal(anyelement): any value through its text form. */
static int r_quote(struct alx_bind_ctx *b, struct alx_bx *c)
{
	return alx_bind_coerce(b, &c->args[0], alx_type_make(ALX_T_TEXT),
			       ALX_CAST_EXPLICIT, NULL);
}

static int f_quote_literal(struct alx_ev *ev, const struct alx_bx *c,
			   const struct alx_value *a, struct alx_value *out)
{
	if (a[0].null) {
		if (c->u.func.def->name[6] == 'n') /* quote_nullable */
			*out = text("NULL", 4);
		else
			*out = alx_value_null(ALX_T_TEXT);
		return 0;
	}
	const uint8_t *p = a[0].u.s.ptr;
	size_t n = a[0].u.s.len;
	struct alx_buf b;
	alx_buf_init(&b, ev->a);
	int rc = 0;
	if (memchr(p, '\\', n) != NULL)
		rc = alx_buf_append(&b, "E", 1);
	if (rc == 0)
		rc = alx_buf_append(&b, "'", 1);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (p[i] == '\'' || p[i] == '\\')
			rc = alx_buf_append(&b, p + i, 1);
		if (rc == 0)
			rc = alx_buf_append(&b, p + i, 1);
	}
	if (rc == 0)
		rc = alx_buf_append(&b, "'", 1);
	if (rc != 0)
		return oom(ev);
	*out = text(b.ptr, b.len);
	return 0;
}

/* ---- encode, decode ---------------------------------------------------------- */

/* As PostgreSQL's encode.c: hex, base64 (a newline after each 76
 * characters) and escape; format names in any case. */
enum { ENC_HEX = 1, ENC_BASE64, ENC_ESCAPE };

static int enc_format(struct alx_ev *ev, const struct alx_value *v)
{
	static const char *const names[] = {"hex", "base64", "escape"};
	int i = alx_func_lookup_word(v, names, 3);
	if (i >= 0)
		return i + 1;
	return alx_exec_err(ev->ex, "22023", "unrecognized encoding: \"%.*s\"",
			    (int)v->u.s.len, (const char *)v->u.s.ptr);
}

static const char b64_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int f_encode(struct alx_ev *ev, const struct alx_bx *c,
		    const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	int fmt = enc_format(ev, &a[1]);
	if (fmt < 0)
		return fmt;
	const uint8_t *p = a[0].u.s.ptr;
	size_t n = a[0].u.s.len;
	struct alx_buf b;
	alx_buf_init(&b, ev->a);
	int rc = 0;
	char q[4];
	if (fmt == ENC_HEX) {
		for (size_t i = 0; rc == 0 && i < n; i++) {
			snprintf(q, sizeof(q), "%02x", p[i]);
			rc = alx_buf_append(&b, q, 2);
		}
	} else if (fmt == ENC_ESCAPE) {
		for (size_t i = 0; rc == 0 && i < n; i++) {
			if (p[i] == 0 || p[i] >= 0x80) {
				char o[5];
				snprintf(o, sizeof(o), "\\%03o", p[i]);
				rc = alx_buf_append(&b, o, 4);
			} else if (p[i] == '\\') {
				rc = alx_buf_append(&b, "\\\\", 2);
			} else {
				rc = alx_buf_append(&b, p + i, 1);
			}
		}
	} else {
		uint32_t buf = 0;
		int pos = 2;
		size_t line = 0;
		for (size_t i = 0; rc == 0 && i < n; i++) {
			buf |= (uint32_t)p[i] << (pos << 3);
			if (--pos < 0) {
				for (int k = 0; k < 4; k++)
					q[k] = b64_chars[(buf >> (18 - 6 * k)) &
							 0x3f];
				rc = alx_buf_append(&b, q, 4);
				line += 4;
				pos = 2;
				buf = 0;
			}
			if (rc == 0 && line >= 76) {
				rc = alx_buf_append(&b, "\n", 1);
				line = 0;
			}
		}
		if (rc == 0 && pos != 2) {
			q[0] = b64_chars[(buf >> 18) & 0x3f];
			q[1] = b64_chars[(buf >> 12) & 0x3f];
			q[2] = pos == 0 ? b64_chars[(buf >> 6) & 0x3f] : '=';
			q[3] = '=';
			rc = alx_buf_append(&b, q, 4);
		}
	}
	if (rc != 0)
		return oom(ev);
	*out = text(b.ptr, b.len);
	return 0;
}

static int hex_val(uint8_t ch)
{
	return ch >= '0' && ch <= '9'	? ch - '0'
	       : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
	       : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
					: -1;
}

static bool is_ws(uint8_t ch)
{
	return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
}

static int f_decode(struct alx_ev *ev, const struct alx_bx *c,
		    const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	int fmt = enc_format(ev, &a[1]);
	if (fmt < 0)
		return fmt;
	const uint8_t *s = a[0].u.s.ptr;
	size_t n = a[0].u.s.len, i = 0;
	uint8_t *d = alx_arena_alloc(ev->a, n + 1);
	if (d == NULL)
		return oom(ev);
	size_t len = 0;
	if (fmt == ENC_HEX) {
		while (i < n) {
			if (is_ws(s[i])) {
				i++;
				continue;
			}
			int hi = hex_val(s[i]), lo;
			if (hi < 0)
				goto bad_hex;
			if (++i >= n)
				return alx_exec_err(ev->ex, "22023",
						    "invalid hexadecimal data: "
						    "odd number of digits");
			if ((lo = hex_val(s[i])) < 0)
				goto bad_hex;
			i++;
			d[len++] = (uint8_t)(hi << 4 | lo);
		}
	} else if (fmt == ENC_ESCAPE) {
		while (i < n) {
			if (s[i] != '\\') {
				d[len++] = s[i++];
			} else if (i + 3 < n && s[i + 1] >= '0' &&
				   s[i + 1] <= '3' && s[i + 2] >= '0' &&
				   s[i + 2] <= '7' && s[i + 3] >= '0' &&
				   s[i + 3] <= '7') {
				d[len++] = (uint8_t)((s[i + 1] - '0') << 6 |
						     (s[i + 2] - '0') << 3 |
						     (s[i + 3] - '0'));
				i += 4;
			} else if (i + 1 < n && s[i + 1] == '\\') {
				d[len++] = '\\';
				i += 2;
			} else {
				return alx_exec_err(ev->ex, "22P02",
						    "invalid input syntax for "
						    "type bytea");
			}
		}
	} else {
		uint32_t buf = 0;
		int pos = 0, end = 0;
		for (; i < n; i++) {
			uint8_t ch = s[i];
			int v = 0;
			if (is_ws(ch))
				continue;
			if (ch == '=') {
				if (end == 0) {
					if (pos == 2)
						end = 1;
					else if (pos == 3)
						end = 2;
					else
						return alx_exec_err(
							ev->ex, "22023",
							"unexpected \"=\" "
							"while decoding base64 "
							"sequence");
				}
			} else {
				const char *f =
					ch != 0 ? strchr(b64_chars, ch) : NULL;
				if (f == NULL)
					return alx_exec_err(
						ev->ex, "22023",
						"invalid symbol \"%.*s\" found "
						"while decoding base64 "
						"sequence",
						(int)u8len(ch) <= (int)(n - i)
							? (int)u8len(ch)
							: (int)(n - i),
						(const char *)s + i);
				v = (int)(f - b64_chars);
			}
			buf = (buf << 6) + (uint32_t)v;
			if (++pos == 4) {
				d[len++] = (uint8_t)(buf >> 16);
				if (end == 0 || end > 1)
					d[len++] = (uint8_t)(buf >> 8);
				if (end == 0 || end > 2)
					d[len++] = (uint8_t)buf;
				buf = 0;
				pos = 0;
			}
		}
		if (pos != 0)
			return alx_exec_err(ev->ex, "22023",
					    "invalid base64 end sequence");
	}
	*out = alx_value_bytes(ALX_T_BYTEA, d, len);
	return 0;
bad_hex:
	return alx_exec_err(ev->ex, "22023",
			    "invalid hexadecimal digit: \"%.*s\"",
			    (int)u8len(s[i]) <= (int)(n - i) ? (int)u8len(s[i])
							     : (int)(n - i),
			    (const char *)s + i);
}

/* ---- md5, sha256 ----------------------------------------------------------- */

static int r_md5(struct alx_bind_ctx *b, struct alx_bx *c)
{
	if (c->args[0]->type.id == ALX_T_BYTEA)
		return 0;
	return alx_func_arg(b, c, 0, ALX_T_TEXT);
}

/* md5(text | bytea): the digest in lowercase hex, as text. */
static int f_md5(struct alx_ev *ev, const struct alx_bx *c,
		 const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	uint8_t d[ALX_MD5_LEN];
	alx_md5(a[0].u.s.ptr, a[0].u.s.len, d);
	char *hex = alx_arena_alloc(ev->a, 2 * ALX_MD5_LEN + 1);
	if (hex == NULL)
		return oom(ev);
	for (int i = 0; i < ALX_MD5_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	*out = text(hex, 2 * ALX_MD5_LEN);
	return 0;
}

static int f_sha256(struct alx_ev *ev, const struct alx_bx *c,
		    const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	uint8_t *d = alx_arena_alloc(ev->a, ALX_SHA256_LEN);
	if (d == NULL)
		return oom(ev);
	alx_sha256(a[0].u.s.ptr, a[0].u.s.len, d);
	*out = alx_value_bytes(ALX_T_BYTEA, d, ALX_SHA256_LEN);
	return 0;
}

#define F(n, mn, mx, fl, ret, a0, a1, a2, res, ev)        \
	{                                                 \
		n, mn, mx, fl, ret, {a0, a1, a2}, res, ev \
	}
#define S ALX_FN_STRICT
#define T ALX_T_TEXT
#define I ALX_T_INT4

const struct alx_func_def alx_funcs_str[] = {
	F("length", 1, 1, S, I, T, 0, 0, r_length, f_length),
	F("char_length", 1, 1, S, I, T, 0, 0, r_length, f_length),
	F("character_length", 1, 1, S, I, T, 0, 0, r_length, f_length),
	F("octet_length", 1, 1, S, I, T, 0, 0, r_length, f_octet_length),
	F("bit_length", 1, 1, S, I, T, 0, 0, r_length, f_bit_length),
	F("translate", 3, 3, S, T, T, T, T, NULL, f_translate),
	F("md5", 1, 1, S, T, ALX_T_ANY, 0, 0, r_md5, f_md5),
	F("quote_literal", 1, 1, S, T, ALX_T_ANY, 0, 0, r_quote,
	  f_quote_literal),
	F("quote_nullable", 1, 1, 0, T, ALX_T_ANY, 0, 0, r_quote,
	  f_quote_literal),
	F("sha256", 1, 1, S, ALX_T_BYTEA, ALX_T_BYTEA, 0, 0, NULL, f_sha256),
	F("encode", 2, 2, S, T, ALX_T_BYTEA, T, 0, NULL, f_encode),
	F("decode", 2, 2, S, ALX_T_BYTEA, T, T, 0, NULL, f_decode),
	F("lower", 1, 1, S, T, T, 0, 0, NULL, f_case),
	F("upper", 1, 1, S, T, T, 0, 0, NULL, f_case),
	F("initcap", 1, 1, S, T, T, 0, 0, NULL, f_case),
	F("substr", 2, 3, S, T, T, I, I, NULL, f_substr),
	F("substring", 2, 3, S, T, T, I, I, r_substring, f_substr),
	F("strpos", 2, 2, S, I, T, T, 0, NULL, f_strpos),
	F("position", 2, 2, S, I, T, T, 0, NULL, f_strpos),
	F("replace", 3, 3, S, T, T, T, T, NULL, f_replace),
	F("btrim", 1, 2, S, T, T, T, 0, NULL, f_trim),
	F("ltrim", 1, 2, S, T, T, T, 0, NULL, f_trim),
	F("rtrim", 1, 2, S, T, T, T, 0, NULL, f_trim),
	F("concat", 1, -1, 0, T, T, T, T, r_concat, f_concat),
	F("concat_ws", 2, -1, 0, T, T, T, T, r_concat, f_concat_ws),
	F("left", 2, 2, S, T, T, I, 0, NULL, f_left_right),
	F("right", 2, 2, S, T, T, I, 0, NULL, f_left_right),
	F("repeat", 2, 2, S, T, T, I, 0, NULL, f_repeat),
	F("reverse", 1, 1, S, T, T, 0, 0, NULL, f_reverse),
	F("lpad", 2, 3, S, T, T, I, T, NULL, f_pad),
	F("rpad", 2, 3, S, T, T, I, T, NULL, f_pad),
	F("split_part", 3, 3, S, T, T, T, I, NULL, f_split_part),
	F("starts_with", 2, 2, S, ALX_T_BOOL, T, T, 0, NULL, f_starts_with),
	F("chr", 1, 1, S, T, I, 0, 0, NULL, f_chr),
	F("ascii", 1, 1, S, I, T, 0, 0, NULL, f_ascii),
	F("to_hex", 1, 1, S, T, ALX_T_ANY, 0, 0, r_to_hex, f_to_hex),
	{0},
};
