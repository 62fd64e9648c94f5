/*
 * The SQL lexer. Rules mirror PostgreSQL 15's scan.l; where a rule looks
 * odd (operator splitting, numeric junk, string continuation) the comment
 * says which PostgreSQL behaviour it reproduces.
 */
#include "sql/sql_lex.h"

#include <stdio.h>
#include <string.h>

#include "alopex.h"
#include "runtime/alx_arena.h"

/* ---- keywords ---------------------------------------------------------- */

struct kwinfo {
	const char *word;
	uint8_t cat;
	uint8_t bare;
};

static const struct kwinfo kwtab[] = {{"", 0, 0},
#define ALX_KW_TAB(id, word, cat, bare) {word, ALX_KWC_##cat, bare},
				      ALX_KEYWORDS(ALX_KW_TAB)
#undef ALX_KW_TAB
};

#define KW_MAXLEN 17

int alx_sql_keyword(const char *word, size_t len)
{
	if (len == 0 || len > KW_MAXLEN)
		return ALX_NOT_KW;
	int lo = 1, hi = ALX_KW_COUNT_ - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		const char *w = kwtab[mid].word;
		int c = strncmp(w, word, len);
		if (c == 0 && w[len] != '\0')
			c = 1;
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return ALX_NOT_KW;
}

const char *alx_sql_keyword_text(int kw)
{
	return kw > 0 && kw < ALX_KW_COUNT_ ? kwtab[kw].word : "";
}

int alx_sql_keyword_cat(int kw)
{
	return kw > 0 && kw < ALX_KW_COUNT_ ? kwtab[kw].cat : ALX_KWC_U;
}

bool alx_sql_keyword_bare(int kw)
{
	return kw > 0 && kw < ALX_KW_COUNT_ && kwtab[kw].bare;
}

/* ---- character classes ------------------------------------------------- */

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int hexval(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	return (c | 0x20) - 'a' + 10;
}

static bool is_ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c >= 0x80;
}

static bool is_ident_cont(unsigned char c)
{
	return is_ident_start(c) || is_digit(c) || c == '$';
}

static bool is_op_char(unsigned char c)
{
	return c != '\0' && strchr("~!@#^&|`?+-*/%<>=", c) != NULL;
}

static bool is_self_char(unsigned char c)
{
	return c != '\0' && strchr(",()[].;:+-*/%^<>=", c) != NULL;
}

/* ---- scanning ---------------------------------------------------------- */

struct scan {
	const unsigned char *s;
	size_t len;
};

static unsigned char at(const struct scan *sc, size_t i)
{
	return i < sc->len ? sc->s[i] : '\0';
}

/* Skips a -- comment (not its newline). */
static size_t skip_line_comment(const struct scan *sc, size_t p)
{
	while (p < sc->len && sc->s[p] != '\n' && sc->s[p] != '\r')
		p++;
	return p;
}

/*
 * After a closing quote at r: PostgreSQL joins 'a' <newline> 'b' into one
 * literal when only whitespace with at least one newline (and -- comments)
 * separates them. Returns the offset just past the next opening quote, or 0.
 */
static size_t quote_continue(const struct scan *sc, size_t r)
{
	size_t s = r;
	for (;;) {
		unsigned char c = at(sc, s);
		if (c == ' ' || c == '\t' || c == '\f')
			s++;
		else if (c == '-' && at(sc, s + 1) == '-')
			s = skip_line_comment(sc, s);
		else
			break;
	}
	if (at(sc, s) != '\n' && at(sc, s) != '\r')
		return 0;
	s++;
	for (;;) {
		unsigned char c = at(sc, s);
		if (s < sc->len && is_space(c)) {
			s++;
		} else if (c == '-' && at(sc, s + 1) == '-') {
			s = skip_line_comment(sc, s);
			if (s >= sc->len)
				return 0;
		} else {
			break;
		}
	}
	return at(sc, s) == '\'' && s < sc->len ? s + 1 : 0;
}

static void set_err(struct alx_sql_token *t, int err, size_t start, size_t end)
{
	t->kind = ALX_TOK_ERROR;
	t->kw = (uint16_t)err;
	t->start = (uint32_t)start;
	t->end = (uint32_t)end;
}

/* Validates \u and \U escapes at q (the backslash); 0 or the error. */
static int check_unicode(const struct scan *sc, size_t q, size_t *next,
			 struct alx_sql_token *t, uint32_t *pending_hi)
{
	size_t ndig = at(sc, q + 1) == 'u' ? 4 : 8;
	uint32_t v = 0;
	for (size_t i = 0; i < ndig; i++) {
		unsigned char c = at(sc, q + 2 + i);
		if (q + 2 + i >= sc->len || !is_hex(c)) {
			set_err(t, ALX_LEXERR_UNICODE_ESCAPE, q, q + 2 + i);
			return -1;
		}
		v = v * 16 + (uint32_t)hexval(c);
	}
	size_t end = q + 2 + ndig;
	if (*pending_hi != 0) {
		if (v < 0xDC00 || v > 0xDFFF) {
			set_err(t, ALX_LEXERR_UNICODE_SURROGATE, q, end);
			return -1;
		}
		*pending_hi = 0;
	} else if (v >= 0xD800 && v <= 0xDBFF) {
		*pending_hi = v;
	} else if (v >= 0xDC00 && v <= 0xDFFF) {
		set_err(t, ALX_LEXERR_UNICODE_SURROGATE, q, end);
		return -1;
	} else if (v == 0 || v > 0x10FFFF) {
		set_err(t, ALX_LEXERR_UNICODE_VALUE, q, end);
		return -1;
	}
	*next = end;
	return 0;
}

/*
 * A high surrogate not followed by a low one: PostgreSQL points at what
 * follows, quoting the quote, the next escape or the run of plain text.
 */
static void surrogate_error(const struct scan *sc, size_t q,
			    struct alx_sql_token *t)
{
	size_t e = q + 1;
	if (at(sc, q) == '\\')
		e = q + 2;
	else if (at(sc, q) != '\'')
		while (e < sc->len && sc->s[e] != '\\' && sc->s[e] != '\'')
			e++;
	if (e > sc->len)
		e = sc->len;
	set_err(t, ALX_LEXERR_UNICODE_SURROGATE, q, e);
}

/* A quoted string from the quote at q; escapes: E'' rules. */
static void scan_string(const struct scan *sc, size_t start, size_t q, int kind,
			int unterminated, struct alx_sql_token *t)
{
	bool esc = kind == ALX_TOK_ESCONST;
	bool plain = kind == ALX_TOK_SCONST || esc;
	uint32_t hi = 0;
	q++;
	for (;;) {
		if (q >= sc->len) {
			set_err(t, unterminated, start, sc->len);
			return;
		}
		unsigned char c = sc->s[q];
		if (hi != 0 && !(c == '\\' && (at(sc, q + 1) == 'u' ||
					       at(sc, q + 1) == 'U'))) {
			surrogate_error(sc, q, t);
			return;
		}
		if (esc && c == '\\') {
			unsigned char d = at(sc, q + 1);
			if (q + 1 >= sc->len) {
				set_err(t, unterminated, start, sc->len);
				return;
			}
			if (d == 'u' || d == 'U') {
				if (check_unicode(sc, q, &q, t, &hi) != 0)
					return;
				continue;
			}
			q += 2;
			continue;
		}
		if (c == '\'') {
			if (plain && at(sc, q + 1) == '\'' && q + 1 < sc->len) {
				q += 2;
				continue;
			}
			size_t r = quote_continue(sc, q + 1);
			if (r != 0) {
				q = r;
				continue;
			}
			t->kind = (uint16_t)kind;
			t->start = (uint32_t)start;
			t->end = (uint32_t)(q + 1);
			return;
		}
		q++;
	}
}

static void scan_dollar(const struct scan *sc, size_t p,
			struct alx_sql_token *t)
{
	/* $tag$: the tag is [A-Za-z_\200-\377][A-Za-z_0-9\200-\377]* */
	size_t q = p + 1;
	if (q < sc->len && sc->s[q] != '$') {
		while (q < sc->len &&
		       (is_ident_start(sc->s[q]) || is_digit(sc->s[q])))
			q++;
	}
	if (at(sc, q) != '$' || q >= sc->len) {
		/* "$abc" without a closing $: a lone '$' token. */
		t->kind = '$';
		t->start = (uint32_t)p;
		t->end = (uint32_t)(p + 1);
		return;
	}
	size_t taglen = q + 1 - p;
	const unsigned char *tag = sc->s + p;
	for (size_t r = q + 1; r + taglen <= sc->len; r++) {
		if (sc->s[r] == '$' && memcmp(sc->s + r, tag, taglen) == 0) {
			t->kind = ALX_TOK_DCONST;
			t->start = (uint32_t)p;
			t->end = (uint32_t)(r + taglen);
			return;
		}
	}
	set_err(t, ALX_LEXERR_UNTERMINATED_DOLLAR, p, sc->len);
}

static void scan_param(const struct scan *sc, size_t p, struct alx_sql_token *t)
{
	size_t q = p + 1;
	uint32_t v = 0;
	while (q < sc->len && is_digit(sc->s[q])) {
		if (v <= ALX_SQL_MAX_PARAM)
			v = v * 10 + (uint32_t)(sc->s[q] - '0');
		q++;
	}
	if (q < sc->len && is_ident_cont(sc->s[q])) {
		size_t e = q;
		while (e < sc->len && is_ident_cont(sc->s[e]))
			e++;
		set_err(t, ALX_LEXERR_PARAM_JUNK, p, e);
		return;
	}
	if (v > ALX_SQL_MAX_PARAM) {
		set_err(t, ALX_LEXERR_PARAM_TOO_LARGE, p, q);
		return;
	}
	t->kind = ALX_TOK_PARAM;
	t->start = (uint32_t)p;
	t->end = (uint32_t)q;
}

static void scan_number(const struct scan *sc, size_t p,
			struct alx_sql_token *t)
{
	size_t q = p;
	int kind = ALX_TOK_ICONST;
	while (q < sc->len && is_digit(sc->s[q]))
		q++;
	if (at(sc, q) == '.' && q < sc->len) {
		/* 1..2 is 1 followed by "..", as in PostgreSQL. */
		if (!(q > p && at(sc, q + 1) == '.' && q + 1 < sc->len)) {
			q++;
			while (q < sc->len && is_digit(sc->s[q]))
				q++;
			kind = ALX_TOK_FCONST;
		}
	}
	if (q < sc->len && (sc->s[q] == 'e' || sc->s[q] == 'E')) {
		size_t r = q + 1;
		bool sign = r < sc->len && (sc->s[r] == '+' || sc->s[r] == '-');
		if (sign)
			r++;
		if (r < sc->len && is_digit(sc->s[r])) {
			while (r < sc->len && is_digit(sc->s[r]))
				r++;
			q = r;
			kind = ALX_TOK_FCONST;
		} else if (sign) {
			set_err(t, ALX_LEXERR_NUMERIC_JUNK, p, r);
			return;
		}
	}
	if (q < sc->len && is_ident_start(sc->s[q])) {
		size_t e = q;
		while (e < sc->len && is_ident_cont(sc->s[e]))
			e++;
		set_err(t, ALX_LEXERR_NUMERIC_JUNK, p, e);
		return;
	}
	t->kind = (uint16_t)kind;
	t->start = (uint32_t)p;
	t->end = (uint32_t)q;
}

static void scan_operator(const struct scan *sc, size_t p,
			  struct alx_sql_token *t)
{
	size_t q = p;
	while (q < sc->len && is_op_char(sc->s[q]))
		q++;
	size_t n = q - p;
	const unsigned char *s = sc->s + p;
	/* A comment start ends the operator. */
	for (size_t i = 1; i + 1 < n; i++) {
		if ((s[i] == '/' && s[i + 1] == '*') ||
		    (s[i] == '-' && s[i + 1] == '-')) {
			n = i;
			break;
		}
	}
	/*
	 * A trailing + or - is split off unless the operator has a character
	 * only operators use, so that a<-1 is a < -1 but a@-1 is a @- 1.
	 */
	if (n > 1 && (s[n - 1] == '+' || s[n - 1] == '-')) {
		bool special = false;
		for (size_t i = 0; i < n; i++)
			if (strchr("~!@#^&|`?%", s[i]) != NULL)
				special = true;
		if (!special)
			while (n > 1 && (s[n - 1] == '+' || s[n - 1] == '-'))
				n--;
	}
	t->start = (uint32_t)p;
	t->end = (uint32_t)(p + n);
	if (n == 1 && is_self_char(s[0])) {
		t->kind = s[0];
		return;
	}
	if (n == 2) {
		if (s[0] == '=' && s[1] == '>')
			t->kind = ALX_TOK_EQUALS_GREATER;
		else if (s[0] == '>' && s[1] == '=')
			t->kind = ALX_TOK_GREATER_EQUALS;
		else if (s[0] == '<' && s[1] == '=')
			t->kind = ALX_TOK_LESS_EQUALS;
		else if ((s[0] == '<' && s[1] == '>') ||
			 (s[0] == '!' && s[1] == '='))
			t->kind = ALX_TOK_NOT_EQUALS;
		else
			t->kind = ALX_TOK_OP;
		return;
	}
	if (n >= ALX_SQL_NAME_MAX + 1) {
		set_err(t, ALX_LEXERR_OP_TOO_LONG, p, p + n);
		return;
	}
	t->kind = ALX_TOK_OP;
}

static void scan_ident(const struct scan *sc, size_t p, struct alx_sql_token *t)
{
	size_t q = p;
	while (q < sc->len && is_ident_cont(sc->s[q]))
		q++;
	t->kind = ALX_TOK_IDENT;
	t->start = (uint32_t)p;
	t->end = (uint32_t)q;
	size_t n = q - p;
	if (n <= KW_MAXLEN) {
		char buf[KW_MAXLEN];
		for (size_t i = 0; i < n; i++) {
			unsigned char c = sc->s[p + i];
			buf[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		t->kw = (uint16_t)alx_sql_keyword(buf, n);
	}
}

static void scan_qident(const struct scan *sc, size_t p,
			struct alx_sql_token *t)
{
	size_t q = p + 1;
	for (;;) {
		if (q >= sc->len) {
			set_err(t, ALX_LEXERR_UNTERMINATED_QIDENT, p, sc->len);
			return;
		}
		if (sc->s[q] == '"') {
			if (at(sc, q + 1) == '"' && q + 1 < sc->len) {
				q += 2;
				continue;
			}
			break;
		}
		q++;
	}
	if (q == p + 1) {
		set_err(t, ALX_LEXERR_ZERO_LENGTH_IDENT, p, q + 1);
		return;
	}
	t->kind = ALX_TOK_QIDENT;
	t->start = (uint32_t)p;
	t->end = (uint32_t)(q + 1);
}

void alx_sql_lex_next(const char *sql, size_t len, size_t *pos,
		      struct alx_sql_token *tok)
{
	struct scan sc = {(const unsigned char *)sql, len};
	size_t p = *pos;
	memset(tok, 0, sizeof(*tok));

	for (;;) {
		while (p < len && is_space(sc.s[p]))
			p++;
		if (at(&sc, p) == '-' && at(&sc, p + 1) == '-' && p + 1 < len) {
			p = skip_line_comment(&sc, p);
			continue;
		}
		if (at(&sc, p) == '/' && at(&sc, p + 1) == '*' && p + 1 < len) {
			size_t q = p + 2;
			unsigned depth = 1;
			while (q < len && depth > 0) {
				if (sc.s[q] == '/' && at(&sc, q + 1) == '*' &&
				    q + 1 < len) {
					depth++;
					q += 2;
				} else if (sc.s[q] == '*' &&
					   at(&sc, q + 1) == '/' &&
					   q + 1 < len) {
					depth--;
					q += 2;
				} else {
					q++;
				}
			}
			if (depth > 0) {
				set_err(tok, ALX_LEXERR_UNTERMINATED_COMMENT, p,
					len);
				*pos = len;
				return;
			}
			p = q;
			continue;
		}
		break;
	}
	if (p >= len) {
		tok->kind = ALX_TOK_EOF;
		tok->start = tok->end = (uint32_t)len;
		*pos = len;
		return;
	}
	unsigned char c = sc.s[p], d = at(&sc, p + 1);
	bool has_d = p + 1 < len;
	if (c == '\'') {
		scan_string(&sc, p, p, ALX_TOK_SCONST,
			    ALX_LEXERR_UNTERMINATED_STRING, tok);
	} else if ((c == 'e' || c == 'E') && d == '\'' && has_d) {
		scan_string(&sc, p, p + 1, ALX_TOK_ESCONST,
			    ALX_LEXERR_UNTERMINATED_STRING, tok);
	} else if ((c == 'b' || c == 'B') && d == '\'' && has_d) {
		scan_string(&sc, p, p + 1, ALX_TOK_BCONST,
			    ALX_LEXERR_UNTERMINATED_BIT, tok);
	} else if ((c == 'x' || c == 'X') && d == '\'' && has_d) {
		scan_string(&sc, p, p + 1, ALX_TOK_XCONST,
			    ALX_LEXERR_UNTERMINATED_HEX, tok);
	} else if ((c == 'u' || c == 'U') && d == '&' &&
		   (at(&sc, p + 2) == '\'' || at(&sc, p + 2) == '"') &&
		   p + 2 < len) {
		set_err(tok, ALX_LEXERR_UNICODE_STRING, p, p + 3);
	} else if (c == '"') {
		scan_qident(&sc, p, tok);
	} else if (c == '$' && is_digit(d) && has_d) {
		scan_param(&sc, p, tok);
	} else if (c == '$') {
		scan_dollar(&sc, p, tok);
	} else if (is_digit(c) || (c == '.' && is_digit(d) && has_d)) {
		scan_number(&sc, p, tok);
	} else if (c == '.') {
		tok->start = (uint32_t)p;
		tok->kind = d == '.' && has_d ? ALX_TOK_DOT_DOT : '.';
		tok->end = (uint32_t)(p + (tok->kind == '.' ? 1 : 2));
	} else if (c == ':') {
		tok->start = (uint32_t)p;
		tok->end = (uint32_t)(p + 2);
		if (d == ':' && has_d) {
			tok->kind = ALX_TOK_TYPECAST;
		} else if (d == '=' && has_d) {
			tok->kind = ALX_TOK_COLON_EQUALS;
		} else {
			tok->kind = ':';
			tok->end = (uint32_t)(p + 1);
		}
	} else if (is_op_char(c)) {
		scan_operator(&sc, p, tok);
	} else if (is_ident_start(c)) {
		scan_ident(&sc, p, tok);
	} else if (c == '\0') {
		/* What the wire protocol would refuse; say it the same way. */
		set_err(tok, ALX_LEXERR_NUL_BYTE, p, p + 1);
	} else {
		tok->kind = c;
		tok->start = (uint32_t)p;
		tok->end = (uint32_t)(p + 1);
	}
	*pos = tok->kind == ALX_TOK_ERROR ? len : tok->end;
}

/* ---- decoding ---------------------------------------------------------- */

/* Truncation on a character boundary, as PostgreSQL's pg_mbcliplen. */
static size_t clip_name(const char *s, size_t n)
{
	if (n <= ALX_SQL_NAME_MAX)
		return n;
	n = ALX_SQL_NAME_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

char *alx_sql_lex_ident(struct alx_arena *a, const char *sql,
			const struct alx_sql_token *tok, uint32_t *len)
{
	const char *s = sql + tok->start;
	size_t n = tok->end - tok->start;
	char *out = alx_arena_alloc(a, n + 1);
	if (out == NULL)
		return NULL;
	size_t k = 0;
	if (tok->kind == ALX_TOK_QIDENT) {
		for (size_t i = 1; i + 1 < n; i++) {
			out[k++] = s[i];
			if (s[i] == '"')
				i++;
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			char c = s[i];
			out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
	}
	k = clip_name(out, k);
	out[k] = '\0';
	*len = (uint32_t)k;
	return out;
}

static size_t put_utf8(char *o, uint32_t v)
{
	if (v < 0x80) {
		o[0] = (char)v;
		return 1;
	}
	if (v < 0x800) {
		o[0] = (char)(0xC0 | (v >> 6));
		o[1] = (char)(0x80 | (v & 0x3F));
		return 2;
	}
	if (v < 0x10000) {
		o[0] = (char)(0xE0 | (v >> 12));
		o[1] = (char)(0x80 | ((v >> 6) & 0x3F));
		o[2] = (char)(0x80 | (v & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (v >> 18));
	o[1] = (char)(0x80 | ((v >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((v >> 6) & 0x3F));
	o[3] = (char)(0x80 | (v & 0x3F));
	return 4;
}

/* Length of the valid UTF-8 character at s, or 0. */
static size_t utf8_char(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t l;
	uint32_t min, v;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		l = 2;
		min = 0x80;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		l = 3;
		min = 0x800;
		v = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		l = 4;
		min = 0x10000;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (n < l)
		return 0;
	for (size_t i = 1; i < l; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	return l;
}

/* The expected length of a sequence from its first byte (pg_mblen). */
static size_t utf8_expected(unsigned char c)
{
	if (c >= 0xF0)
		return 4;
	if (c >= 0xE0)
		return 3;
	if (c >= 0xC0)
		return 2;
	return 1;
}

static int check_text(const char *s, size_t n, char bad[32])
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		size_t l = u[i] == 0 ? 0 : utf8_char(u + i, n - i);
		if (l == 0) {
			size_t want = utf8_expected(u[i]);
			if (want > n - i)
				want = n - i;
			size_t k = 0;
			for (size_t j = 0; j < want; j++)
				k += (size_t)snprintf(bad + k, 32 - k,
						      "%s0x%02x", j ? " " : "",
						      u[i + j]);
			return ALOPEX_ESQL;
		}
		i += l;
	}
	return 0;
}

/* Decodes one backslash escape at s[i] (E'' strings) into o. */
static size_t decode_escape(const char *s, size_t n, size_t *ip, char *o)
{
	size_t i = *ip + 1;
	unsigned char c = (unsigned char)s[i];
	size_t k = 0;
	switch (c) {
	case 'b':
		o[k++] = '\b';
		i++;
		break;
	case 'f':
		o[k++] = '\f';
		i++;
		break;
	case 'n':
		o[k++] = '\n';
		i++;
		break;
	case 'r':
		o[k++] = '\r';
		i++;
		break;
	case 't':
		o[k++] = '\t';
		i++;
		break;
	case 'u':
	case 'U': {
		size_t nd = c == 'u' ? 4 : 8;
		uint32_t v = 0;
		i++;
		for (size_t j = 0; j < nd && i < n; j++)
			v = v * 16 + (uint32_t)hexval((unsigned char)s[i++]);
		if (v >= 0xD800 && v <= 0xDBFF && i + 1 < n && s[i] == '\\') {
			/* The lexer checked the pair. */
			size_t nd2 = s[i + 1] == 'u' ? 4 : 8;
			uint32_t lo = 0;
			i += 2;
			for (size_t j = 0; j < nd2 && i < n; j++)
				lo = lo * 16 +
				     (uint32_t)hexval((unsigned char)s[i++]);
			v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
		}
		k = put_utf8(o, v);
		break;
	}
	case 'x':
		if (i + 1 < n && is_hex((unsigned char)s[i + 1])) {
			unsigned v = 0;
			i++;
			for (int j = 0;
			     j < 2 && i < n && is_hex((unsigned char)s[i]); j++)
				v = v * 16 +
				    (unsigned)hexval((unsigned char)s[i++]);
			o[k++] = (char)v;
		} else {
			o[k++] = 'x';
			i++;
		}
		break;
	default:
		if (c >= '0' && c <= '7') {
			unsigned v = 0;
			for (int j = 0;
			     j < 3 && i < n && s[i] >= '0' && s[i] <= '7'; j++)
				v = v * 8 + (unsigned)(s[i++] - '0');
			o[k++] = (char)(v & 0xFF);
		} else {
			o[k++] = (char)c;
			i++;
		}
		break;
	}
	*ip = i;
	return k;
}

int alx_sql_lex_string(struct alx_arena *a, const char *sql,
		       const struct alx_sql_token *tok, char **out,
		       uint32_t *len, char bad[32])
{
	struct scan sc = {(const unsigned char *)sql, tok->end};
	const char *s = sql;
	size_t n = tok->end;
	char *o = alx_arena_alloc(a, tok->end - tok->start + 1);
	if (o == NULL)
		return ALOPEX_ENOMEM;
	size_t k = 0;
	if (tok->kind == ALX_TOK_DCONST) {
		size_t tl = 1;
		while (s[tok->start + tl] != '$')
			tl++;
		tl++;
		size_t body = tok->end - tok->start - 2 * tl;
		memcpy(o, s + tok->start + tl, body);
		k = body;
	} else {
		size_t i = tok->start;
		while (s[i] != '\'')
			i++;
		i++;
		bool esc = tok->kind == ALX_TOK_ESCONST;
		bool plain = esc || tok->kind == ALX_TOK_SCONST;
		while (i < n) {
			char c = s[i];
			if (esc && c == '\\') {
				k += decode_escape(s, n, &i, o + k);
			} else if (c == '\'') {
				if (plain && i + 1 < n && s[i + 1] == '\'') {
					o[k++] = '\'';
					i += 2;
					continue;
				}
				size_t r = quote_continue(&sc, i + 1);
				if (r == 0)
					break;
				i = r;
			} else {
				o[k++] = c;
				i++;
			}
		}
	}
	o[k] = '\0';
	if (check_text(o, k, bad) != 0)
		return ALOPEX_ESQL;
	*out = o;
	*len = (uint32_t)k;
	return 0;
}

/* ---- errors and positions --------------------------------------------- */

struct lexerr_info {
	const char *msg, *state, *hint;
};

static const struct lexerr_info lexerrs[] = {
	[ALX_LEXERR_NONE] = {"syntax error", "42601", NULL},
	[ALX_LEXERR_UNTERMINATED_STRING] = {"unterminated quoted string",
					    "42601", NULL},
	[ALX_LEXERR_UNTERMINATED_QIDENT] = {"unterminated quoted identifier",
					    "42601", NULL},
	[ALX_LEXERR_UNTERMINATED_DOLLAR] = {"unterminated dollar-quoted string",
					    "42601", NULL},
	[ALX_LEXERR_UNTERMINATED_COMMENT] = {"unterminated /* comment", "42601",
					     NULL},
	[ALX_LEXERR_UNTERMINATED_BIT] = {"unterminated bit string literal",
					 "42601", NULL},
	[ALX_LEXERR_UNTERMINATED_HEX] = {"unterminated hexadecimal string "
					 "literal",
					 "42601", NULL},
	[ALX_LEXERR_ZERO_LENGTH_IDENT] = {"zero-length delimited identifier",
					  "42601", NULL},
	[ALX_LEXERR_NUMERIC_JUNK] = {"trailing junk after numeric literal",
				     "42601", NULL},
	[ALX_LEXERR_PARAM_JUNK] = {"trailing junk after parameter", "42601",
				   NULL},
	[ALX_LEXERR_PARAM_TOO_LARGE] =
		{"parameter number too large", "42601",
		 "Parameters are numbered $1 to $65535."},
	[ALX_LEXERR_OP_TOO_LONG] = {"operator too long", "42601", NULL},
	[ALX_LEXERR_UNICODE_ESCAPE] = {"invalid Unicode escape", "22025",
				       "Unicode escapes must be \\uXXXX or "
				       "\\UXXXXXXXX."},
	[ALX_LEXERR_UNICODE_VALUE] = {"invalid Unicode escape value", "42601",
				      NULL},
	[ALX_LEXERR_UNICODE_SURROGATE] = {"invalid Unicode surrogate pair",
					  "42601", NULL},
	[ALX_LEXERR_UNICODE_STRING] = {"Unicode escape strings (U&'...') are "
				       "not supported",
				       "0A000", "Use E'...' with \\u escapes."},
	[ALX_LEXERR_NUL_BYTE] = {"invalid byte sequence for encoding \"UTF8\": "
				 "0x00",
				 "22021", NULL},
};

const char *alx_sql_lex_err_message(int err)
{
	if (err < 0 || err >= (int)(sizeof(lexerrs) / sizeof(lexerrs[0])))
		err = 0;
	return lexerrs[err].msg;
}

const char *alx_sql_lex_err_sqlstate(int err)
{
	if (err < 0 || err >= (int)(sizeof(lexerrs) / sizeof(lexerrs[0])))
		err = 0;
	return lexerrs[err].state;
}

const char *alx_sql_lex_err_hint(int err)
{
	if (err < 0 || err >= (int)(sizeof(lexerrs) / sizeof(lexerrs[0])))
		err = 0;
	return lexerrs[err].hint;
}

bool alx_sql_lex_err_at_or_near(int err)
{
	return err != ALX_LEXERR_UNICODE_ESCAPE &&
	       err != ALX_LEXERR_UNICODE_STRING && err != ALX_LEXERR_NUL_BYTE;
}

uint32_t alx_sql_char_position(const char *sql, size_t len, size_t off)
{
	uint32_t n = 1;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++)
		if (((unsigned char)sql[i] & 0xC0) != 0x80)
			n++;
	return n;
}
