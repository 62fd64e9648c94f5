/*
 * JSON and JSONB text handling, following PostgreSQL 15's jsonapi.c
 * lexer and parser: the same tokens, the same order of checks and the same
 * error details, so the first error reported is the one PostgreSQL
 * reports. The parser is iterative (an explicit stack) so deep nesting
 * ends in a clean error, never in a stack overflow.
 *
 * JSONB is built as a small tree in the arena, its objects sorted and
 * deduplicated as jsonb_util.c does, and printed as JsonbToCString does.
 */
#include "sql/sql_json.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"

/* ---- lexer ------------------------------------------------------------ */

enum tok {
	T_END,
	T_OBJ_START,
	T_OBJ_END,
	T_ARR_START,
	T_ARR_END,
	T_COMMA,
	T_COLON,
	T_STRING,
	T_NUMBER,
	T_TRUE,
	T_FALSE,
	T_NULL,
};

/* What went wrong, as PostgreSQL's JsonParseErrorType. */
enum jerr {
	J_OK = 0,
	J_ESCAPING_INVALID,
	J_ESCAPING_REQUIRED,
	J_EXPECTED_ARRAY_NEXT,
	J_EXPECTED_COLON,
	J_EXPECTED_END,
	J_EXPECTED_JSON,
	J_EXPECTED_MORE,
	J_EXPECTED_OBJECT_FIRST,
	J_EXPECTED_OBJECT_NEXT,
	J_EXPECTED_STRING,
	J_INVALID_TOKEN,
	J_CODE_POINT_ZERO,
	J_ESCAPE_FORMAT,
	J_HIGH_SURROGATE,
	J_LOW_SURROGATE,
	J_DEPTH,
	J_NOMEM,
};

/* The parse contexts report_parse_error() distinguishes. */
enum pctx {
	P_VALUE,
	P_STRING,
	P_ARRAY_NEXT,
	P_OBJECT_START,
	P_OBJECT_LABEL,
	P_OBJECT_NEXT,
	P_END,
};

/*
 * A NUL-terminated string grown in an arena; after a failed allocation it
 * takes no more and nomem stays set, so callers check once at the end.
 */
struct jbuf {
	struct alx_arena *a;
	char *p;
	size_t n, cap;
	int nomem;
};

static void jbuf_put(struct jbuf *b, const char *s, size_t n)
{
	if (b->nomem)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *np = alx_arena_alloc(b->a, cap);
		if (np == NULL) {
			b->nomem = 1;
			return;
		}
		if (b->n)
			memcpy(np, b->p, b->n);
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

struct lexer {
	const char *in;
	size_t len;
	size_t tok_start, tok_end; /* current token: [tok_start, tok_end) */
	int tok_start_null;	   /* END: PostgreSQL's token_start == NULL */
	enum tok type;
	/* De-escaping (jsonb, operators): strings go to sbuf. */
	int need_escapes;
	struct alx_arena *a;
	struct jbuf sbuf;
};

static void lexer_init(struct lexer *lx, struct alx_arena *a, const char *in,
		       size_t len, int need_escapes)
{
	lx->in = in;
	lx->len = len;
	lx->need_escapes = need_escapes;
	lx->a = a;
	lx->sbuf.a = a;
}

static int is_alnum_json(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

/* pg_encoding_mblen_bounded for UTF-8, bounded by the input's end. */
static size_t mblen_bounded(const struct lexer *lx, size_t pos)
{
	unsigned char c = (unsigned char)lx->in[pos];
	size_t n = 1;
	if ((c & 0xe0) == 0xc0)
		n = 2;
	else if ((c & 0xf0) == 0xe0)
		n = 3;
	else if ((c & 0xf8) == 0xf0)
		n = 4;
	size_t i = 0;
	while (i < n && pos + i < lx->len && lx->in[pos + i] != '\0')
		i++;
	return i;
}

static void sbuf_put_cp(struct lexer *lx, uint32_t cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	jbuf_put(&lx->sbuf, u, n);
}

/* Make room for n + 1 elements of size sz in an arena array. */
static int grow(struct alx_arena *a, void **arr, size_t *cap, size_t n,
		size_t sz)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 32;
	void *na = alx_arena_alloc(a, nc * sz);
	if (na == NULL)
		return -1;
	if (*cap)
		memcpy(na, *arr, *cap * sz);
	*arr = na;
	*cap = nc;
	return 0;
}

static enum jerr lex_string(struct lexer *lx)
{
	size_t s = lx->tok_start;
	long hi = -1;
	lx->sbuf.n = 0;
	if (lx->need_escapes)
		jbuf_put(&lx->sbuf, "", 0);
	for (;;) {
		s++;
		if (s >= lx->len) {
			lx->tok_end = s;
			return J_INVALID_TOKEN;
		}
		unsigned char c = (unsigned char)lx->in[s];
		if (c == '"')
			break;
		if (c < 32) {
			lx->tok_end = s;
			return J_ESCAPING_REQUIRED;
		}
		if (c == '\\') {
			s++;
			if (s >= lx->len) {
				lx->tok_end = s;
				return J_INVALID_TOKEN;
			}
			c = (unsigned char)lx->in[s];
			if (c == 'u') {
				uint32_t ch = 0;
				for (int i = 1; i <= 4; i++) {
					s++;
					if (s >= lx->len) {
						lx->tok_end = s;
						return J_INVALID_TOKEN;
					}
					unsigned char h =
						(unsigned char)lx->in[s];
					if (h >= '0' && h <= '9')
						ch = ch * 16 + (h - '0');
					else if (h >= 'a' && h <= 'f')
						ch = ch * 16 + (h - 'a') + 10;
					else if (h >= 'A' && h <= 'F')
						ch = ch * 16 + (h - 'A') + 10;
					else {
						lx->tok_end =
							s +
							mblen_bounded(lx, s);
						return J_ESCAPE_FORMAT;
					}
				}
				if (!lx->need_escapes)
					continue;
				if (ch >= 0xd800 && ch <= 0xdbff) {
					if (hi != -1)
						return J_HIGH_SURROGATE;
					hi = (long)ch;
					continue;
				} else if (ch >= 0xdc00 && ch <= 0xdfff) {
					if (hi == -1)
						return J_LOW_SURROGATE;
					ch = 0x10000 +
					     (((uint32_t)hi - 0xd800) << 10) +
					     (ch - 0xdc00);
					hi = -1;
				}
				if (hi != -1)
					return J_LOW_SURROGATE;
				if (ch == 0)
					return J_CODE_POINT_ZERO;
				sbuf_put_cp(lx, ch);
			} else if (lx->need_escapes) {
				if (hi != -1)
					return J_LOW_SURROGATE;
				char e;
				switch (c) {
				case '"':
				case '\\':
				case '/':
					e = (char)c;
					break;
				case 'b':
					e = '\b';
					break;
				case 'f':
					e = '\f';
					break;
				case 'n':
					e = '\n';
					break;
				case 'r':
					e = '\r';
					break;
				case 't':
					e = '\t';
					break;
				default:
					lx->tok_start = s;
					lx->tok_end = s + mblen_bounded(lx, s);
					return J_ESCAPING_INVALID;
				}
				jbuf_put(&lx->sbuf, &e, 1);
			} else if (strchr("\"\\/bfnrt", c) == NULL || c == 0) {
				lx->tok_start = s;
				lx->tok_end = s + mblen_bounded(lx, s);
				return J_ESCAPING_INVALID;
			}
		} else if (lx->need_escapes) {
			if (hi != -1)
				return J_LOW_SURROGATE;
			jbuf_put(&lx->sbuf, (const char *)&lx->in[s], 1);
		}
	}
	if (lx->need_escapes && hi != -1)
		return J_LOW_SURROGATE;
	lx->tok_end = s + 1;
	return lx->sbuf.nomem ? J_NOMEM : J_OK;
}

static enum jerr lex_number(struct lexer *lx, size_t s)
{
	int error = 0;
	const char *in = lx->in;
	size_t n = lx->len;
	if (s < n && in[s] == '0') {
		s++;
	} else if (s < n && in[s] >= '1' && in[s] <= '9') {
		do
			s++;
		while (s < n && in[s] >= '0' && in[s] <= '9');
	} else {
		error = 1;
	}
	if (s < n && in[s] == '.') {
		s++;
		if (s == n || in[s] < '0' || in[s] > '9')
			error = 1;
		else
			do
				s++;
			while (s < n && in[s] >= '0' && in[s] <= '9');
	}
	if (s < n && (in[s] == 'e' || in[s] == 'E')) {
		s++;
		if (s < n && (in[s] == '+' || in[s] == '-'))
			s++;
		if (s == n || in[s] < '0' || in[s] > '9')
			error = 1;
		else
			do
				s++;
			while (s < n && in[s] >= '0' && in[s] <= '9');
	}
	for (; s < n && is_alnum_json((unsigned char)in[s]); s++)
		error = 1;
	lx->tok_end = s;
	return error ? J_INVALID_TOKEN : J_OK;
}

static enum jerr lex_next(struct lexer *lx)
{
	size_t s = lx->tok_end;
	while (s < lx->len && (lx->in[s] == ' ' || lx->in[s] == '\t' ||
			       lx->in[s] == '\n' || lx->in[s] == '\r'))
		s++;
	lx->tok_start = s;
	lx->tok_start_null = 0;
	if (s >= lx->len) {
		lx->tok_start_null = 1;
		lx->tok_end = s;
		lx->type = T_END;
		return J_OK;
	}
	char c = lx->in[s];
	switch (c) {
	case '{':
	case '}':
	case '[':
	case ']':
	case ',':
	case ':':
		lx->tok_end = s + 1;
		lx->type = c == '{'   ? T_OBJ_START
			   : c == '}' ? T_OBJ_END
			   : c == '[' ? T_ARR_START
			   : c == ']' ? T_ARR_END
			   : c == ',' ? T_COMMA
				      : T_COLON;
		return J_OK;
	case '"':
		lx->type = T_STRING;
		return lex_string(lx);
	case '-':
		lx->type = T_NUMBER;
		return lex_number(lx, s + 1);
	default:
		break;
	}
	if (c >= '0' && c <= '9') {
		lx->type = T_NUMBER;
		return lex_number(lx, s);
	}
	size_t p = s;
	while (p < lx->len && is_alnum_json((unsigned char)lx->in[p]))
		p++;
	if (p == s) {
		lx->tok_end = s + 1;
		return J_INVALID_TOKEN;
	}
	lx->tok_end = p;
	if (p - s == 4 && memcmp(lx->in + s, "true", 4) == 0)
		lx->type = T_TRUE;
	else if (p - s == 4 && memcmp(lx->in + s, "null", 4) == 0)
		lx->type = T_NULL;
	else if (p - s == 5 && memcmp(lx->in + s, "false", 5) == 0)
		lx->type = T_FALSE;
	else
		return J_INVALID_TOKEN;
	return J_OK;
}

static enum jerr parse_error(const struct lexer *lx, enum pctx ctx)
{
	if (lx->tok_start_null || lx->type == T_END)
		return J_EXPECTED_MORE;
	switch (ctx) {
	case P_END:
		return J_EXPECTED_END;
	case P_VALUE:
		return J_EXPECTED_JSON;
	case P_STRING:
		return J_EXPECTED_STRING;
	case P_ARRAY_NEXT:
		return J_EXPECTED_ARRAY_NEXT;
	case P_OBJECT_START:
		return J_EXPECTED_OBJECT_FIRST;
	case P_OBJECT_LABEL:
		return J_EXPECTED_COLON;
	case P_OBJECT_NEXT:
		return J_EXPECTED_OBJECT_NEXT;
	}
	return J_EXPECTED_JSON;
}

/* What a J_EXPECTED_* error expected: "Expected <this>, but found ...". */
static const char *const expected[] = {
	[J_EXPECTED_ARRAY_NEXT] = "\",\" or \"]\"",
	[J_EXPECTED_COLON] = "\":\"",
	[J_EXPECTED_END] = "end of input",
	[J_EXPECTED_JSON] = "JSON value",
	[J_EXPECTED_OBJECT_FIRST] = "string or \"}\"",
	[J_EXPECTED_OBJECT_NEXT] = "\",\" or \"}\"",
	[J_EXPECTED_STRING] = "string",
};

static int report(const struct lexer *lx, enum jerr e, alopex_diag *d)
{
	const char *syn = "invalid input syntax for type json";
	int tl = (int)(lx->tok_end - lx->tok_start);
	const char *tok = lx->in + lx->tok_start;
	if (lx->tok_end < lx->tok_start)
		tl = 0;
	switch (e) {
	case J_OK:
		return 0;
	case J_NOMEM:
		return alx_diag_set(d, ALOPEX_ENOMEM, NULL, "out of memory");
	case J_DEPTH:
		return alx_diag_set(d, ALOPEX_ESQL, "54001",
				    "stack depth limit exceeded");
	case J_CODE_POINT_ZERO:
		return alx_diag_set(d, ALOPEX_ESQL, "22P05",
				    "unsupported Unicode escape sequence\n"
				    "\\u0000 cannot be converted to text.");
	case J_ESCAPING_INVALID:
		return alx_diag_set(
			d, ALOPEX_ESQL, "22P02",
			"%s\nEscape sequence \"\\%.*s\" is invalid.", syn, tl,
			tok);
	case J_ESCAPING_REQUIRED:
		return alx_diag_set(
			d, ALOPEX_ESQL, "22P02",
			"%s\nCharacter with value 0x%02x must be "
			"escaped.",
			syn, (unsigned)(unsigned char)lx->in[lx->tok_end]);
	case J_EXPECTED_ARRAY_NEXT:
	case J_EXPECTED_COLON:
	case J_EXPECTED_END:
	case J_EXPECTED_JSON:
	case J_EXPECTED_OBJECT_FIRST:
	case J_EXPECTED_OBJECT_NEXT:
	case J_EXPECTED_STRING:
		return alx_diag_set(d, ALOPEX_ESQL, "22P02",
				    "%s\nExpected %s, but found \"%.*s\".", syn,
				    expected[e], tl, tok);
	case J_EXPECTED_MORE:
		return alx_diag_set(d, ALOPEX_ESQL, "22P02",
				    "%s\nThe input string ended unexpectedly.",
				    syn);
	case J_INVALID_TOKEN:
		return alx_diag_set(d, ALOPEX_ESQL, "22P02",
				    "%s\nToken \"%.*s\" is invalid.", syn, tl,
				    tok);
	case J_ESCAPE_FORMAT:
		return alx_diag_set(d, ALOPEX_ESQL, "22P02",
				    "%s\n\"\\u\" must be followed by four "
				    "hexadecimal digits.",
				    syn);
	case J_HIGH_SURROGATE:
		return alx_diag_set(d, ALOPEX_ESQL, "22P02",
				    "%s\nUnicode high surrogate must not "
				    "follow a high surrogate.",
				    syn);
	case J_LOW_SURROGATE:
		return alx_diag_set(d, ALOPEX_ESQL, "22P02",
				    "%s\nUnicode low surrogate must follow a "
				    "high surrogate.",
				    syn);
	}
	return alx_diag_set(d, ALOPEX_EINTERNAL, NULL, "json: bad error");
}

/* ---- NUMERIC text of a JSON number ----------------------------------- */

/* NUMERIC limits (numeric.c): 10^131072 overflows, dscale <= 16383. */
#define NUM_MAX_INT_DIGITS 131072
#define NUM_MAX_DSCALE 16383

/*
 * The text numeric_out gives for numeric_in of a valid JSON number:
 * exponents folded in, scale = max(0, fraction digits - exponent), no
 * negative zero. NULL with *overflow set when NUMERIC cannot hold it.
 */
static char *numeric_text(struct alx_arena *a, const char *s, size_t n,
			  size_t *out_len, int *overflow)
{
	size_t i = 0;
	int neg = 0;
	*overflow = 0;
	if (i < n && s[i] == '-') {
		neg = 1;
		i++;
	}
	size_t int_start = i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	size_t int_end = i, frac_start = i, frac_end = i;
	if (i < n && s[i] == '.') {
		frac_start = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		frac_end = i;
	}
	long long ex = 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		int eneg = 0;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		for (; i < n; i++) {
			if (ex < 10000000000LL)
				ex = ex * 10 + (s[i] - '0');
		}
		if (eneg)
			ex = -ex;
	}
	/* numeric_in refuses exponents beyond INT_MAX / 2. */
	if (ex > INT_MAX / 2 || ex < -(INT_MAX / 2)) {
		*overflow = 1;
		return NULL;
	}
	size_t nint = int_end - int_start, nfrac = frac_end - frac_start;
	long long dscale = (long long)nfrac - ex;
	if (dscale < 0)
		dscale = 0;
	if (dscale > NUM_MAX_DSCALE) {
		*overflow = 1;
		return NULL;
	}
	/* Digits d[0..nd) with the decimal point after position nint + ex. */
	size_t nd = nint + nfrac;
	size_t first = 0; /* first nonzero digit */
#define DIG(k) ((k) < nint ? s[int_start + (k)] : s[frac_start + (k)-nint])
	while (first < nd && DIG(first) == '0')
		first++;
	int zero = first == nd;
	long long point = (long long)nint + ex; /* digits before the point */
	if (!zero && point - (long long)first > NUM_MAX_INT_DIGITS) {
		*overflow = 1;
		return NULL;
	}
	long long int_digits = point - (long long)first; /* significant */
	if (int_digits < 1 || zero)
		int_digits = 1;
	size_t cap = (size_t)int_digits + (size_t)dscale + 4;
	char *out = alx_arena_alloc(a, cap);
	if (out == NULL)
		return NULL;
	size_t o = 0;
	if (neg && !zero)
		out[o++] = '-';
	if (zero || point - (long long)first <= 0) {
		out[o++] = '0';
	} else {
		for (long long k = (long long)first; k < point; k++)
			out[o++] = k < (long long)nd ? DIG((size_t)k) : '0';
	}
	if (dscale > 0) {
		out[o++] = '.';
		for (long long k = point; k < point + dscale; k++)
			out[o++] = (k >= 0 && k < (long long)nd && !zero)
					   ? DIG((size_t)k)
					   : '0';
	}
#undef DIG
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* ---- parser ----------------------------------------------------------- */

enum jkind { JV_NULL, JV_TRUE, JV_FALSE, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct jv {
	enum jkind kind;
	const char *s; /* JV_STR: de-escaped bytes; JV_NUM: numeric text */
	size_t n;
	const char *key; /* member of an object: its de-escaped key */
	size_t klen;
	size_t order;	 /* position among its siblings */
	struct jv *next; /* next sibling while building */
	struct jv *head, *tail;
	struct jv **items; /* after closing: children in print order */
	size_t count;
};

struct parser {
	struct lexer lx;
	int build;	   /* make the jsonb tree */
	struct jv **stack; /* building: open containers */
	size_t stack_cap;
	unsigned char *kinds; /* not building: bit per level, 1 = object */
	size_t depth;
	const char *pending_key; /* key of the value about to be parsed */
	size_t pending_klen;
	struct jv *root;
	int overflow; /* a number NUMERIC cannot hold */
};

static int key_cmp(const struct jv *x, const struct jv *y)
{
	/* jsonb order: shorter keys first, then bytes; equal keys put the
	 * later one first, so deduplication keeps the last. */
	if (x->klen != y->klen)
		return x->klen < y->klen ? -1 : 1;
	int c = memcmp(x->key, y->key, x->klen);
	if (c != 0)
		return c;
	return x->order > y->order ? -1 : (x->order < y->order);
}

static void merge_sort(struct jv **v, struct jv **tmp, size_t n)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	merge_sort(v, tmp, h);
	merge_sort(v + h, tmp, n - h);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = key_cmp(v[i], v[j]) <= 0 ? v[i++] : v[j++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

static enum jerr close_container(struct parser *p, struct jv *c)
{
	struct alx_arena *a = p->lx.a;
	size_t n = 0;
	for (struct jv *x = c->head; x != NULL; x = x->next)
		n++;
	c->items = alx_arena_alloc(a, (n ? n : 1) * sizeof(*c->items));
	if (c->items == NULL)
		return J_NOMEM;
	n = 0;
	for (struct jv *x = c->head; x != NULL; x = x->next)
		c->items[n++] = x;
	c->count = n;
	if (c->kind == JV_OBJ && n > 1) {
		struct jv **tmp = alx_arena_alloc(a, n * sizeof(*tmp));
		if (tmp == NULL)
			return J_NOMEM;
		merge_sort(c->items, tmp, n);
		size_t w = 1;
		for (size_t r = 1; r < n; r++) {
			struct jv *prev = c->items[w - 1], *cur = c->items[r];
			if (prev->klen == cur->klen &&
			    memcmp(prev->key, cur->key, cur->klen) == 0)
				continue;
			c->items[w++] = cur;
		}
		c->count = w;
	}
	return J_OK;
}

static struct jv *new_value(struct parser *p, enum jkind kind)
{
	struct jv *v = alx_arena_calloc(p->lx.a, 1, sizeof(*v));
	if (v == NULL)
		return NULL;
	v->kind = kind;
	v->key = p->pending_key;
	v->klen = p->pending_klen;
	p->pending_key = NULL;
	p->pending_klen = 0;
	if (p->depth > 0) {
		struct jv *c = p->stack[p->depth - 1];
		v->order = c->tail ? c->tail->order + 1 : 0;
		if (c->tail)
			c->tail->next = v;
		else
			c->head = v;
		c->tail = v;
	} else {
		p->root = v;
	}
	return v;
}

static enum jerr push(struct parser *p, int obj)
{
	if (p->depth >= ALX_JSON_MAX_DEPTH)
		return J_DEPTH;
	if (p->build) {
		if (grow(p->lx.a, (void **)&p->stack, &p->stack_cap, p->depth,
			 sizeof(*p->stack)) != 0)
			return J_NOMEM;
		struct jv *v = new_value(p, obj ? JV_OBJ : JV_ARR);
		if (v == NULL)
			return J_NOMEM;
		p->stack[p->depth] = v;
	} else {
		unsigned char bit = (unsigned char)(1u << (p->depth % 8));
		if (obj)
			p->kinds[p->depth / 8] |= bit;
		else
			p->kinds[p->depth / 8] &= (unsigned char)~bit;
	}
	p->depth++;
	return J_OK;
}

static int top_is_obj(const struct parser *p)
{
	if (p->build)
		return p->stack[p->depth - 1]->kind == JV_OBJ;
	size_t t = p->depth - 1;
	return (p->kinds[t / 8] >> (t % 8)) & 1;
}

/* A scalar: the token is current; its value is recorded after the next
 * token is read, as parse_scalar() calls the semantic action. */
static enum jerr scalar(struct parser *p)
{
	struct lexer *lx = &p->lx;
	enum tok t = lx->type;
	const char *s = NULL;
	size_t n = 0;
	if (p->build) {
		if (t == T_STRING) {
			s = alx_arena_memdup(lx->a, lx->sbuf.p, lx->sbuf.n + 1);
			n = lx->sbuf.n;
			if (s == NULL)
				return J_NOMEM;
		} else {
			s = lx->in + lx->tok_start;
			n = lx->tok_end - lx->tok_start;
		}
	}
	enum jerr e = lex_next(lx);
	if (e != J_OK || !p->build)
		return e;
	enum jkind k = t == T_STRING   ? JV_STR
		       : t == T_NUMBER ? JV_NUM
		       : t == T_TRUE   ? JV_TRUE
		       : t == T_FALSE  ? JV_FALSE
				       : JV_NULL;
	if (k == JV_NUM) {
		size_t nl = 0;
		int ovf;
		const char *num = numeric_text(lx->a, s, n, &nl, &ovf);
		if (num == NULL) {
			if (ovf) {
				p->overflow = 1;
				return J_NOMEM; /* reported as overflow */
			}
			return J_NOMEM;
		}
		s = num;
		n = nl;
	}
	struct jv *v = new_value(p, k);
	if (v == NULL)
		return J_NOMEM;
	v->s = s;
	v->n = n;
	return J_OK;
}

static enum jerr run_parser(struct parser *p)
{
	struct lexer *lx = &p->lx;
	enum jerr e = lex_next(lx);
	if (e != J_OK)
		return e;
	enum { S_VALUE, S_FIELD, S_AFTER } st = S_VALUE;
	for (;;) {
		switch (st) {
		case S_VALUE:
			if (lx->type == T_OBJ_START) {
				if ((e = push(p, 1)) != J_OK ||
				    (e = lex_next(lx)) != J_OK)
					return e;
				if (lx->type == T_STRING) {
					st = S_FIELD;
				} else if (lx->type == T_OBJ_END) {
					if ((e = lex_next(lx)) != J_OK)
						return e;
					goto close;
				} else {
					return parse_error(lx, P_OBJECT_START);
				}
			} else if (lx->type == T_ARR_START) {
				if ((e = push(p, 0)) != J_OK ||
				    (e = lex_next(lx)) != J_OK)
					return e;
				if (lx->type == T_ARR_END) {
					if ((e = lex_next(lx)) != J_OK)
						return e;
					goto close;
				}
				st = S_VALUE;
			} else if (lx->type == T_STRING ||
				   lx->type == T_NUMBER || lx->type == T_TRUE ||
				   lx->type == T_FALSE || lx->type == T_NULL) {
				if ((e = scalar(p)) != J_OK)
					return e;
				st = S_AFTER;
			} else {
				return parse_error(lx, P_VALUE);
			}
			break;
		case S_FIELD:
			if (lx->type != T_STRING)
				return parse_error(lx, P_STRING);
			if (p->build) {
				p->pending_key = alx_arena_memdup(
					lx->a, lx->sbuf.p, lx->sbuf.n + 1);
				p->pending_klen = lx->sbuf.n;
				if (p->pending_key == NULL)
					return J_NOMEM;
			}
			if ((e = lex_next(lx)) != J_OK)
				return e;
			if (lx->type != T_COLON)
				return parse_error(lx, P_OBJECT_LABEL);
			if ((e = lex_next(lx)) != J_OK)
				return e;
			st = S_VALUE;
			break;
		case S_AFTER:
			if (p->depth == 0) {
				if (lx->type != T_END)
					return parse_error(lx, P_END);
				return J_OK;
			}
			if (lx->type == T_COMMA) {
				if ((e = lex_next(lx)) != J_OK)
					return e;
				st = top_is_obj(p) ? S_FIELD : S_VALUE;
				break;
			}
			if (top_is_obj(p) ? lx->type != T_OBJ_END
					  : lx->type != T_ARR_END)
				return parse_error(lx, top_is_obj(p)
							       ? P_OBJECT_NEXT
							       : P_ARRAY_NEXT);
			if ((e = lex_next(lx)) != J_OK)
				return e;
			goto close;
		}
		continue;
	close:
		p->depth--;
		if (p->build &&
		    (e = close_container(p, p->stack[p->depth])) != J_OK)
			return e;
		st = S_AFTER;
	}
}

static int parse(struct alx_arena *a, const char *text, size_t len,
		 int need_escapes, int build, struct jv **root, alopex_diag *d)
{
	unsigned char kinds[(ALX_JSON_MAX_DEPTH + 7) / 8];
	struct parser p;
	memset(&p, 0, sizeof(p));
	lexer_init(&p.lx, a, text, len, need_escapes);
	p.build = build;
	p.kinds = kinds;
	enum jerr e = run_parser(&p);
	if (e != J_OK) {
		if (p.overflow)
			return alx_diag_set(d, ALOPEX_ESQL, "22003",
					    "value overflows numeric format");
		return report(&p.lx, e, d);
	}
	if (root != NULL)
		*root = p.root;
	return 0;
}

int alx_json_validate(const char *text, size_t len, alopex_diag *d)
{
	return parse(NULL, text, len, 0, 0, NULL, d);
}

/* ---- jsonb output ----------------------------------------------------- */

/* escape_json(): the escapes PostgreSQL writes, others as \u00xx. */
static void out_string(struct jbuf *b, const char *s, size_t n)
{
	jbuf_put(b, "\"", 1);
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *e = NULL;
		char hex[8];
		switch (c) {
		case '\b':
			e = "\\b";
			break;
		case '\f':
			e = "\\f";
			break;
		case '\n':
			e = "\\n";
			break;
		case '\r':
			e = "\\r";
			break;
		case '\t':
			e = "\\t";
			break;
		case '"':
			e = "\\\"";
			break;
		case '\\':
			e = "\\\\";
			break;
		default:
			if (c < ' ') {
				static const char hx[] = "0123456789abcdef";
				memcpy(hex, "\\u00", 4);
				hex[4] = hx[c >> 4];
				hex[5] = hx[c & 15];
				hex[6] = '\0';
				e = hex;
			}
		}
		if (e == NULL) {
			run++;
			continue;
		}
		jbuf_put(b, s + i - run, run);
		run = 0;
		jbuf_put(b, e, strlen(e));
	}
	jbuf_put(b, s + n - run, run);
	jbuf_put(b, "\"", 1);
}

/* Print iteratively: a value, then ", " / "]" / "}" as containers end. */
static int out_value(struct jbuf *b, struct jv *root)
{
	struct frame {
		struct jv *c;
		size_t i;
	};
	struct frame *st = NULL;
	size_t cap = 0, depth = 0;
	struct jv *v = root;
	for (;;) {
		if (v != NULL) {
			if (depth > 0 && st[depth - 1].c->kind == JV_OBJ) {
				out_string(b, v->key, v->klen);
				jbuf_put(b, ": ", 2);
			}
			switch (v->kind) {
			case JV_NULL:
				jbuf_put(b, "null", 4);
				break;
			case JV_TRUE:
				jbuf_put(b, "true", 4);
				break;
			case JV_FALSE:
				jbuf_put(b, "false", 5);
				break;
			case JV_NUM:
				jbuf_put(b, v->s, v->n);
				break;
			case JV_STR:
				out_string(b, v->s, v->n);
				break;
			case JV_ARR:
			case JV_OBJ:
				jbuf_put(b, v->kind == JV_ARR ? "[" : "{", 1);
				if (grow(b->a, (void **)&st, &cap, depth,
					 sizeof(*st)) != 0)
					return -1;
				st[depth].c = v;
				st[depth].i = 0;
				depth++;
				break;
			}
		}
		if (depth == 0)
			break;
		struct frame *f = &st[depth - 1];
		if (f->i < f->c->count) {
			if (f->i > 0)
				jbuf_put(b, ", ", 2);
			v = f->c->items[f->i++];
			continue;
		}
		jbuf_put(b, f->c->kind == JV_ARR ? "]" : "}", 1);
		depth--;
		v = NULL;
	}
	return b->nomem ? -1 : 0;
}

int alx_jsonb_normalize(struct alx_arena *a, const char *text, size_t len,
			const char **out, size_t *out_len, alopex_diag *d)
{
	struct jv *root = NULL;
	int rc = parse(a, text, len, 1, 1, &root, d);
	if (rc != 0)
		return rc;
	struct jbuf b = {.a = a};
	jbuf_put(&b, "", 0);
	if (root == NULL || out_value(&b, root) != 0 || b.nomem)
		return alx_diag_set(d, ALOPEX_ENOMEM, NULL, "out of memory");
	*out = b.p;
	*out_len = b.n;
	return 0;
}

/* ---- operators -------------------------------------------------------- */

/*
 * Navigation over text already known to be valid JSON. Each step reads
 * with the lexer, so it stays within the bytes even if it is not.
 */
struct nav {
	struct lexer lx;
};

/* Skip the value starting at the current token; leaves the token after
 * it current. */
static int nav_skip(struct nav *nv)
{
	size_t depth = 0;
	do {
		enum tok t = nv->lx.type;
		if (t == T_OBJ_START || t == T_ARR_START)
			depth++;
		else if (t == T_OBJ_END || t == T_ARR_END) {
			if (depth == 0)
				return -1;
			depth--;
		} else if (t == T_END)
			return -1;
		if (lex_next(&nv->lx) != J_OK)
			return -1;
		/* Inside containers, commas and colons pass by. */
	} while (depth > 0);
	return 0;
}

/* Value span [start, end) of the current value, leaving the lexer after
 * it. */
static int nav_value(struct nav *nv, size_t *start, size_t *end)
{
	*start = nv->lx.tok_start;
	size_t last_end = nv->lx.tok_end;
	size_t depth = 0;
	do {
		enum tok t = nv->lx.type;
		if (t == T_OBJ_START || t == T_ARR_START)
			depth++;
		else if (t == T_OBJ_END || t == T_ARR_END) {
			if (depth == 0)
				return -1;
			depth--;
		} else if (t == T_END)
			return -1;
		last_end = nv->lx.tok_end;
		if (lex_next(&nv->lx) != J_OK)
			return -1;
	} while (depth > 0);
	*end = last_end;
	return 0;
}

static int parse_index(const char *s, size_t n, long *out)
{
	/* strtol with the whole element consumed, as get_path_all(). */
	char buf[32];
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	char *end;
	errno = 0;
	long v = strtol(buf, &end, 10);
	if (end == buf || *end != '\0' || errno != 0)
		return -1;
	*out = v;
	return 0;
}

/*
 * One step: the current token starts a value; find member key (or element
 * index) and leave its first token current. Returns 1 found, 0 not, -1
 * malformed.
 */
static int nav_step(struct nav *nv, const char *key, size_t klen, long index)
{
	struct lexer *lx = &nv->lx;
	if (key != NULL) {
		if (lx->type != T_OBJ_START)
			return 0;
		if (lex_next(lx) != J_OK)
			return -1;
		/* json keeps the last duplicate: remember the last match. */
		size_t found_at = 0;
		int found = 0;
		while (lx->type == T_STRING) {
			int match = lx->sbuf.n == klen &&
				    memcmp(lx->sbuf.p, key, klen) == 0;
			if (lex_next(lx) != J_OK || lx->type != T_COLON ||
			    lex_next(lx) != J_OK)
				return -1;
			if (match) {
				found = 1;
				found_at = lx->tok_start;
			}
			if (nav_skip(nv) != 0)
				return -1;
			if (lx->type == T_COMMA) {
				if (lex_next(lx) != J_OK)
					return -1;
			}
		}
		if (!found)
			return 0;
		/* Back to the match; re-read its token (the string buffer
		 * has been reused since). */
		lx->tok_end = found_at;
		return lex_next(lx) == J_OK ? 1 : -1;
	}
	if (lx->type != T_ARR_START)
		return 0;
	if (index < 0) {
		/* Count the elements first. */
		struct lexer save = *lx;
		long count = 0;
		if (lex_next(lx) != J_OK)
			return -1;
		while (lx->type != T_ARR_END) {
			if (nav_skip(nv) != 0)
				return -1;
			count++;
			if (lx->type == T_COMMA && lex_next(lx) != J_OK)
				return -1;
		}
		*lx = save;
		if (-index > count)
			return 0;
		index += count;
	}
	if (lex_next(lx) != J_OK)
		return -1;
	for (long i = 0; lx->type != T_ARR_END; i++) {
		if (i == index)
			return 1;
		if (nav_skip(nv) != 0)
			return -1;
		if (lx->type == T_COMMA && lex_next(lx) != J_OK)
			return -1;
	}
	return 0;
}

static int get_result(struct alx_arena *a, struct nav *nv, int as_text,
		      const char **out, size_t *out_len, int *found,
		      alopex_diag *d)
{
	struct lexer *lx = &nv->lx;
	if (as_text && lx->type == T_NULL) {
		*found = 0;
		return 0;
	}
	if (as_text && lx->type == T_STRING) {
		char *s = alx_arena_memdup(a, lx->sbuf.p, lx->sbuf.n + 1);
		if (s == NULL)
			return alx_diag_set(d, ALOPEX_ENOMEM, NULL,
					    "out of memory");
		*out = s;
		*out_len = lx->sbuf.n;
		*found = 1;
		return 0;
	}
	size_t s, e;
	if (nav_value(nv, &s, &e) != 0)
		return alx_diag_set(d, ALOPEX_EINVAL, "XX000",
				    "malformed json document");
	char *r = alx_arena_strndup(a, lx->in + s, e - s);
	if (r == NULL)
		return alx_diag_set(d, ALOPEX_ENOMEM, NULL, "out of memory");
	*out = r;
	*out_len = e - s;
	*found = 1;
	return 0;
}

int alx_json_get_path(struct alx_arena *a, const char *doc, size_t len,
		      const struct alx_json_path_elem *path, size_t npath,
		      int as_text, int jsonb, const char **out, size_t *out_len,
		      int *found, alopex_diag *d)
{
	(void)jsonb;
	/* PostgreSQL parses the whole document with de-escaping first, so a
	 * \u0000 or a lone surrogate anywhere is an error. */
	int rc = parse(a, doc, len, 1, 0, NULL, d);
	if (rc != 0)
		return rc;
	struct nav nv;
	memset(&nv, 0, sizeof(nv));
	lexer_init(&nv.lx, a, doc, len, 1);
	if (lex_next(&nv.lx) != J_OK)
		return alx_diag_set(d, ALOPEX_EINVAL, "XX000",
				    "malformed json document");
	for (size_t i = 0; i < npath; i++) {
		int r;
		if (nv.lx.type == T_OBJ_START) {
			r = nav_step(&nv, path[i].ptr, path[i].len, 0);
		} else if (nv.lx.type == T_ARR_START) {
			long idx;
			if (parse_index(path[i].ptr, path[i].len, &idx) != 0) {
				*found = 0;
				return 0;
			}
			r = nav_step(&nv, NULL, 0, idx);
		} else {
			r = 0;
		}
		if (r < 0)
			return alx_diag_set(d, ALOPEX_EINVAL, "XX000",
					    "malformed json document");
		if (r == 0) {
			*found = 0;
			return 0;
		}
	}
	if (nv.lx.sbuf.nomem)
		return alx_diag_set(d, ALOPEX_ENOMEM, NULL, "out of memory");
	return get_result(a, &nv, as_text, out, out_len, found, d);
}

int alx_json_get(struct alx_arena *a, const char *doc, size_t len,
		 const char *key, size_t key_len, long index, int as_text,
		 int jsonb, const char **out, size_t *out_len, int *found,
		 alopex_diag *d)
{
	int rc = parse(a, doc, len, 1, 0, NULL, d);
	if (rc != 0)
		return rc;
	struct nav nv;
	memset(&nv, 0, sizeof(nv));
	lexer_init(&nv.lx, a, doc, len, 1);
	if (lex_next(&nv.lx) != J_OK)
		return alx_diag_set(d, ALOPEX_EINVAL, "XX000",
				    "malformed json document");
	int r;
	if (jsonb && key == NULL && nv.lx.type != T_ARR_START &&
	    nv.lx.type != T_OBJ_START)
		/* A jsonb scalar is stored as a one-element array, and its
		 * element operators see it so: 0 and -1 give the scalar. */
		r = index == 0 || index == -1;
	else
		r = nav_step(&nv, key, key_len, index);
	if (r < 0)
		return alx_diag_set(d, ALOPEX_EINVAL, "XX000",
				    "malformed json document");
	if (r == 0) {
		*found = 0;
		return 0;
	}
	return get_result(a, &nv, as_text, out, out_len, found, d);
}
