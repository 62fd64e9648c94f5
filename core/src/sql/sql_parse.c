/*
 * The parser's core: token helpers, names, errors and limits, statement
 * dispatch, and the two entry points (one statement at a time, or all).
 */
#include "sql/sql_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runtime/alx_diag.h"

#define MAX_LEN_CAP ((size_t)1 << 30)

/* ---- allocation -------------------------------------------------------- */

void *pp_alloc(struct parser *p, size_t size)
{
	void *v = alx_arena_calloc(p->a, 1, size);
	if (v == NULL)
		perr_nomem(p);
	return v;
}

bool pvec_push(struct parser *p, struct pvec *vec, const void *elem,
	       size_t size)
{
	if (vec->n == vec->cap) {
		uint32_t cap = vec->cap ? vec->cap * 2 : 4;
		if (cap < vec->cap) {
			perr_nomem(p);
			return false;
		}
		void *nv = alx_arena_alloc(p->a, (size_t)cap * size);
		if (nv == NULL) {
			perr_nomem(p);
			return false;
		}
		if (vec->n)
			memcpy(nv, vec->v, (size_t)vec->n * size);
		vec->v = nv;
		vec->cap = cap;
	}
	memcpy((char *)vec->v + (size_t)vec->n * size, elem, size);
	vec->n++;
	return true;
}

/* ---- errors ------------------------------------------------------------ */

static void perr_set(struct parser *p, uint32_t ti, bool fatal, int code,
		     const char *state, bool has_pos, size_t offset,
		     const char *hint)
{
	p->err.failed = true;
	p->err.fatal = fatal;
	p->err.code = code;
	p->err.tokidx = ti;
	p->err.offset = offset;
	p->err.has_pos = has_pos;
	p->err.hint = hint;
	memcpy(p->err.sqlstate, state, 5);
	p->err.sqlstate[5] = '\0';
}

/* Appends token text, cut on a character boundary to fit. */
static void append_quoted(char *buf, size_t size, const char *s, size_t n)
{
	size_t used = strlen(buf);
	size_t room = size - used;
	if (room < 3)
		return;
	size_t take = n;
	if (take > room - 2) {
		take = room - 2;
		while (take > 0 && ((unsigned char)s[take] & 0xC0) == 0x80)
			take--;
	}
	buf[used++] = '"';
	memcpy(buf + used, s, take);
	used += take;
	buf[used++] = '"';
	buf[used] = '\0';
}

void *perr_syntax(struct parser *p)
{
	const struct alx_sql_token *t = pp_cur(p);
	if (p->err.failed)
		return NULL;
	if (t->kind == ALX_TOK_ERROR) {
		int e = t->kw;
		bool pos = e != ALX_LEXERR_NUL_BYTE;
		perr_set(p, p->pos, false, ALOPEX_ESQL,
			 alx_sql_lex_err_sqlstate(e), pos, t->start,
			 alx_sql_lex_err_hint(e));
		snprintf(p->err.msg, sizeof(p->err.msg), "%s",
			 alx_sql_lex_err_message(e));
		if (alx_sql_lex_err_at_or_near(e)) {
			strcat(p->err.msg, " at or near ");
			append_quoted(p->err.msg, sizeof(p->err.msg),
				      p->sql + t->start, t->end - t->start);
		}
		return NULL;
	}
	perr_set(p, p->pos, false, ALOPEX_ESQL, "42601", true, t->start, NULL);
	if (t->kind == ALX_TOK_EOF) {
		snprintf(p->err.msg, sizeof(p->err.msg),
			 "syntax error at end of input");
	} else {
		snprintf(p->err.msg, sizeof(p->err.msg),
			 "syntax error at or near ");
		append_quoted(p->err.msg, sizeof(p->err.msg), p->sql + t->start,
			      t->end - t->start);
	}
	return NULL;
}

void *perr_at(struct parser *p, uint32_t ti, bool fatal, const char *state,
	      const char *hint, const char *fmt, ...)
{
	if (p->err.failed)
		return NULL;
	if (ti >= p->ntoks)
		ti = p->ntoks - 1;
	perr_set(p, ti, fatal, ALOPEX_ESQL, state, true, p->toks[ti].start,
		 hint);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err.msg, sizeof(p->err.msg), fmt, ap);
	va_end(ap);
	return NULL;
}

uint32_t pp_token_at(const struct parser *p, int32_t offset)
{
	uint32_t lo = 0, hi = p->ntoks - 1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if ((int64_t)p->toks[mid].start < (int64_t)offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void *perr_nomem(struct parser *p)
{
	if (p->err.failed && p->err.fatal)
		return NULL;
	perr_set(p, p->pos, true, ALOPEX_ENOMEM, "53200", false, 0, NULL);
	snprintf(p->err.msg, sizeof(p->err.msg), "out of memory");
	return NULL;
}

void *perr_unsupported(struct parser *p, uint32_t ti, const char *what)
{
	return perr_at(p, ti, true, "0A000", NULL, "%s is not supported", what);
}

bool pp_enter(struct parser *p)
{
	if (p->depth >= p->max_depth) {
		perr_at(p, p->pos, true, "54001",
			"The statement nests expressions, operators or "
			"subqueries too deeply; simplify it.",
			"stack depth limit exceeded");
		return false;
	}
	p->depth++;
	return true;
}

bool pp_backtrack(struct parser *p, uint32_t pos, struct pp_mark *m)
{
	if (p->err.fatal)
		return false;
	m->err = p->err;
	m->pos = pos;
	memset(&p->err, 0, sizeof(p->err));
	p->pos = pos;
	return true;
}

void pp_furthest(struct parser *p, const struct pp_mark *m)
{
	if (p->err.failed && !p->err.fatal && m->err.failed &&
	    m->err.tokidx > p->err.tokidx)
		p->err = m->err;
}

/* ---- tokens ------------------------------------------------------------ */

bool pp_accept_kw(struct parser *p, int kw)
{
	if (pp_kw(p) != kw)
		return false;
	pp_advance(p);
	return true;
}

bool pp_expect_kw(struct parser *p, int kw)
{
	if (pp_accept_kw(p, kw))
		return true;
	perr_syntax(p);
	return false;
}

bool pp_accept(struct parser *p, int kind)
{
	if (pp_kind(p) != kind)
		return false;
	pp_advance(p);
	return true;
}

bool pp_expect(struct parser *p, int kind)
{
	if (pp_accept(p, kind))
		return true;
	perr_syntax(p);
	return false;
}

bool pp_is_op(const struct parser *p, const char *text)
{
	const struct alx_sql_token *t = pp_cur(p);
	size_t n = strlen(text);
	if (t->end - t->start != n)
		return false;
	if (t->kind != ALX_TOK_OP && t->kind >= 256)
		return false;
	return memcmp(p->sql + t->start, text, n) == 0;
}

/* ---- names ------------------------------------------------------------- */

static int tok_cat(const struct alx_sql_token *t)
{
	return t->kw ? alx_sql_keyword_cat(t->kw) : -1;
}

bool pp_is_colid(const struct alx_sql_token *t)
{
	if (t->kind == ALX_TOK_QIDENT)
		return true;
	if (t->kind != ALX_TOK_IDENT)
		return false;
	int c = tok_cat(t);
	return c < 0 || c == ALX_KWC_U || c == ALX_KWC_C;
}

bool pp_is_type_func_name(const struct alx_sql_token *t)
{
	if (t->kind == ALX_TOK_QIDENT)
		return true;
	if (t->kind != ALX_TOK_IDENT)
		return false;
	int c = tok_cat(t);
	return c < 0 || c == ALX_KWC_U || c == ALX_KWC_T;
}

bool pp_is_nonreserved(const struct alx_sql_token *t)
{
	if (t->kind == ALX_TOK_QIDENT)
		return true;
	return t->kind == ALX_TOK_IDENT && tok_cat(t) != ALX_KWC_R;
}

bool pp_is_collabel(const struct alx_sql_token *t)
{
	return t->kind == ALX_TOK_QIDENT || t->kind == ALX_TOK_IDENT;
}

bool pp_is_bare_label(const struct alx_sql_token *t)
{
	if (t->kind == ALX_TOK_QIDENT)
		return true;
	if (t->kind != ALX_TOK_IDENT)
		return false;
	return t->kw == 0 || alx_sql_keyword_bare(t->kw);
}

bool pp_name(struct parser *p, struct alx_sql_str *out)
{
	uint32_t n;
	char *s = alx_sql_lex_ident(p->a, p->sql, pp_cur(p), &n);
	if (s == NULL) {
		perr_nomem(p);
		return false;
	}
	out->ptr = s;
	out->len = n;
	pp_advance(p);
	return true;
}

bool pp_colid(struct parser *p, struct alx_sql_str *out)
{
	if (!pp_is_colid(pp_cur(p))) {
		perr_syntax(p);
		return false;
	}
	return pp_name(p, out);
}

bool pp_collabel(struct parser *p, struct alx_sql_str *out)
{
	if (!pp_is_collabel(pp_cur(p))) {
		perr_syntax(p);
		return false;
	}
	return pp_name(p, out);
}

bool pp_nonreserved(struct parser *p, struct alx_sql_str *out)
{
	if (!pp_is_nonreserved(pp_cur(p))) {
		perr_syntax(p);
		return false;
	}
	return pp_name(p, out);
}

bool pp_any_name(struct parser *p, struct alx_sql_names *out)
{
	struct pvec v = {0};
	struct alx_sql_str s;
	if (!pp_colid(p, &s) || !pvec_push(p, &v, &s, sizeof(s)))
		return false;
	while (pp_kind(p) == '.') {
		pp_advance(p);
		if (!pp_collabel(p, &s) || !pvec_push(p, &v, &s, sizeof(s)))
			return false;
	}
	out->v = v.v;
	out->n = v.n;
	return true;
}

bool pp_name_list(struct parser *p, struct alx_sql_str **out, uint32_t *n)
{
	struct pvec v = {0};
	do {
		struct alx_sql_str s;
		if (!pp_colid(p, &s) || !pvec_push(p, &v, &s, sizeof(s)))
			return false;
	} while (pp_accept(p, ','));
	*out = v.v;
	*n = v.n;
	return true;
}

bool pp_name_list_paren(struct parser *p, struct alx_sql_str **out, uint32_t *n)
{
	return pp_expect(p, '(') && pp_name_list(p, out, n) &&
	       pp_expect(p, ')');
}

bool pp_is_sconst(const struct alx_sql_token *t)
{
	return t->kind == ALX_TOK_SCONST || t->kind == ALX_TOK_ESCONST ||
	       t->kind == ALX_TOK_DCONST;
}

bool pp_decode_string(struct parser *p, struct alx_sql_str *out)
{
	const struct alx_sql_token *t = pp_cur(p);
	char *s;
	uint32_t n;
	char bad[32];
	int rc = alx_sql_lex_string(p->a, p->sql, t, &s, &n, bad);
	if (rc == ALOPEX_ENOMEM) {
		perr_nomem(p);
		return false;
	}
	if (rc != 0) {
		perr_at(p, p->pos, true, "22021", NULL,
			"invalid byte sequence for encoding \"UTF8\": %s", bad);
		p->err.has_pos = false;
		return false;
	}
	out->ptr = s;
	out->len = n;
	pp_advance(p);
	return true;
}

bool pp_sconst(struct parser *p, struct alx_sql_str *out)
{
	if (!pp_is_sconst(pp_cur(p))) {
		perr_syntax(p);
		return false;
	}
	return pp_decode_string(p, out);
}

bool pp_token_text(struct parser *p, const struct alx_sql_token *t,
		   struct alx_sql_str *out)
{
	char *s = alx_arena_strndup(p->a, p->sql + t->start, t->end - t->start);
	if (s == NULL) {
		perr_nomem(p);
		return false;
	}
	out->ptr = s;
	out->len = t->end - t->start;
	return true;
}

bool pp_numeric_only(struct parser *p, struct alx_sql_str *out)
{
	bool neg = false;
	if (pp_kind(p) == '+' || pp_kind(p) == '-') {
		neg = pp_kind(p) == '-';
		pp_advance(p);
	}
	const struct alx_sql_token *t = pp_cur(p);
	if (t->kind != ALX_TOK_ICONST && t->kind != ALX_TOK_FCONST) {
		perr_syntax(p);
		return false;
	}
	char *s = alx_arena_printf(p->a, "%s%.*s", neg ? "-" : "",
				   (int)(t->end - t->start), p->sql + t->start);
	if (s == NULL) {
		perr_nomem(p);
		return false;
	}
	out->ptr = s;
	out->len = (uint32_t)strlen(s);
	pp_advance(p);
	return true;
}

bool pp_signed_int(struct parser *p, int32_t *out)
{
	bool neg = false;
	if (pp_kind(p) == '+' || pp_kind(p) == '-') {
		neg = pp_kind(p) == '-';
		pp_advance(p);
	}
	const struct alx_sql_token *t = pp_cur(p);
	if (t->kind != ALX_TOK_ICONST) {
		perr_syntax(p);
		return false;
	}
	int64_t v = 0;
	for (uint32_t i = t->start; i < t->end; i++) {
		v = v * 10 + (p->sql[i] - '0');
		if (v > INT32_MAX) {
			/* PostgreSQL's Iconst is int4: larger is a FCONST. */
			perr_syntax(p);
			return false;
		}
	}
	*out = (int32_t)(neg ? -v : v);
	pp_advance(p);
	return true;
}

/* ---- statements -------------------------------------------------------- */

struct alx_sql_stmt *pp_new_stmt(struct parser *p, int kind, uint32_t ti)
{
	struct alx_sql_stmt *s = pp_alloc(p, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->kind = (uint8_t)kind;
	s->loc = (int32_t)p->toks[ti].start;
	s->start = p->toks[ti].start;
	return s;
}

static struct alx_sql_stmt *select_stmt(struct parser *p)
{
	uint32_t ti = p->pos;
	struct alx_sql_select *q = pp_select(p);
	if (q == NULL)
		return NULL;
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_SELECT, ti);
	if (s != NULL)
		s->u.select = q;
	return s;
}

struct alx_sql_stmt *pp_preparable(struct parser *p)
{
	uint32_t ti = p->pos;
	int kw = pp_kw(p);
	if (kw == ALX_KW_INSERT)
		return pp_insert(p, NULL, ti);
	if (kw == ALX_KW_UPDATE)
		return pp_update(p, NULL, ti);
	if (kw == ALX_KW_DELETE)
		return pp_delete(p, NULL, ti);
	if (kw == ALX_KW_WITH) {
		struct alx_sql_with *w = pp_with(p);
		if (w == NULL)
			return NULL;
		kw = pp_kw(p);
		if (kw == ALX_KW_INSERT)
			return pp_insert(p, w, ti);
		if (kw == ALX_KW_UPDATE)
			return pp_update(p, w, ti);
		if (kw == ALX_KW_DELETE)
			return pp_delete(p, w, ti);
		struct alx_sql_select *q = pp_select_after_with(p, w);
		if (q == NULL)
			return NULL;
		struct alx_sql_stmt *s =
			pp_new_stmt(p, ALX_SQL_STMT_SELECT, ti);
		if (s != NULL)
			s->u.select = q;
		return s;
	}
	if (kw == ALX_KW_SELECT || kw == ALX_KW_VALUES || kw == ALX_KW_TABLE ||
	    pp_kind(p) == '(')
		return select_stmt(p);
	return perr_syntax(p);
}

/* Statements PostgreSQL has and Alopex does not: a clear 0A000. */
static const int unsupported_kw[] = {
	ALX_KW_GRANT,	   ALX_KW_REVOKE,   ALX_KW_LOCK,    ALX_KW_CLUSTER,
	ALX_KW_REINDEX,	   ALX_KW_COMMENT,  ALX_KW_DO,	    ALX_KW_CALL,
	ALX_KW_CHECKPOINT, ALX_KW_LOAD,	    ALX_KW_FETCH,   ALX_KW_MOVE,
	ALX_KW_DECLARE,	   ALX_KW_CLOSE,    ALX_KW_REFRESH, ALX_KW_IMPORT,
	ALX_KW_SECURITY,   ALX_KW_REASSIGN, ALX_KW_LISTEN,  ALX_KW_NOTIFY,
	ALX_KW_UNLISTEN,
};

struct alx_sql_stmt *pp_statement(struct parser *p)
{
	int kw = pp_kw(p);
	switch (kw) {
	case ALX_KW_SELECT:
	case ALX_KW_VALUES:
	case ALX_KW_TABLE:
	case ALX_KW_WITH:
	case ALX_KW_INSERT:
	case ALX_KW_UPDATE:
	case ALX_KW_DELETE:
		return pp_preparable(p);
	case ALX_KW_COPY:
		return pp_copy(p);
	case ALX_KW_CREATE:
		return pp_create(p);
	case ALX_KW_DROP:
		return pp_drop(p);
	case ALX_KW_ALTER:
		return pp_alter(p);
	case ALX_KW_TRUNCATE:
		return pp_truncate(p);
	case ALX_KW_VACUUM:
	case ALX_KW_ANALYZE:
	case ALX_KW_ANALYSE:
		return pp_vacuum(p);
	default:
		break;
	}
	if (pp_kind(p) == '(')
		return pp_preparable(p);
	for (size_t i = 0; i < sizeof(unsupported_kw) / sizeof(int); i++) {
		if (kw == unsupported_kw[i]) {
			char word[32];
			const char *w = alx_sql_keyword_text(kw);
			size_t j = 0;
			for (; w[j] && j + 1 < sizeof(word); j++)
				word[j] = (char)(w[j] >= 'a' && w[j] <= 'z'
							 ? w[j] - 32
							 : w[j]);
			word[j] = '\0';
			return perr_unsupported(p, p->pos, word);
		}
	}
	if (kw != 0)
		return pp_utility(p);
	return perr_syntax(p);
}

/* ---- entry points ------------------------------------------------------ */

static int fail_diag(const struct perr *e, const char *sql, size_t len,
		     struct alx_sql_error *err, alopex_diag *diag)
{
	alx_diag_set(diag, e->code, e->sqlstate, "%s", e->msg);
	if (err != NULL) {
		err->hint = e->hint;
		err->offset = e->has_pos ? e->offset : 0;
		err->position =
			e->has_pos ? alx_sql_char_position(sql, len, e->offset)
				   : 0;
	}
	return e->code;
}

static void resolve_opts(const struct alx_sql_parse_opts *opts, size_t *max_len,
			 uint32_t *max_depth)
{
	*max_len =
		opts && opts->max_len ? opts->max_len : ALX_SQL_DEFAULT_MAX_LEN;
	if (*max_len > MAX_LEN_CAP)
		*max_len = MAX_LEN_CAP;
	*max_depth = opts && opts->max_depth ? opts->max_depth
					     : ALX_SQL_DEFAULT_MAX_DEPTH;
}

static bool is_terminator(const struct alx_sql_token *t)
{
	return t->kind == ';' || t->kind == ALX_TOK_EOF ||
	       t->kind == ALX_TOK_ERROR;
}

int alx_sql_parse_next(struct alx_arena *a, const char *sql, size_t len,
		       size_t offset, const struct alx_sql_parse_opts *opts,
		       struct alx_sql_stmt **out, size_t *next,
		       struct alx_sql_error *err, alopex_diag *diag)
{
	struct parser p;
	size_t max_len;
	uint32_t max_depth;
	resolve_opts(opts, &max_len, &max_depth);
	if (a == NULL || (sql == NULL && len > 0) || out == NULL ||
	    offset > len)
		return alx_diag_set(diag, ALOPEX_EINVAL, NULL,
				    "invalid arguments to the SQL parser");
	if (len > max_len) {
		if (err != NULL) {
			err->position = 0;
			err->offset = 0;
			err->hint = NULL;
		}
		return alx_diag_set(diag, ALOPEX_ESQL, "54000",
				    "statement is too long: %zu bytes, the "
				    "limit is %zu",
				    len, max_len);
	}

	/* Skip empty statements; count the tokens of the next one. */
	size_t pos = offset, start;
	struct alx_sql_token t;
	for (;;) {
		start = pos;
		alx_sql_lex_next(sql, len, &pos, &t);
		if (t.kind != ';')
			break;
	}
	if (t.kind == ALX_TOK_EOF)
		return ALOPEX_DONE;
	uint32_t n = 1;
	while (!is_terminator(&t)) {
		alx_sql_lex_next(sql, len, &pos, &t);
		n++;
	}

	memset(&p, 0, sizeof(p));
	p.a = a;
	p.sql = sql;
	p.len = len;
	p.max_depth = max_depth;
	p.toks = alx_arena_alloc(a, (size_t)n * sizeof(*p.toks));
	if (p.toks == NULL)
		return alx_diag_set(diag, ALOPEX_ENOMEM, "53200",
				    "out of memory");
	pos = start;
	for (uint32_t i = 0; i < n; i++)
		alx_sql_lex_next(sql, len, &pos, &p.toks[i]);
	p.ntoks = n;
	uint32_t max_param = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (p.toks[i].kind != ALX_TOK_PARAM)
			continue;
		uint32_t v = 0;
		for (uint32_t j = p.toks[i].start + 1; j < p.toks[i].end; j++)
			v = v * 10 + (uint32_t)(sql[j] - '0');
		if (v > max_param)
			max_param = v;
	}

	struct alx_sql_stmt *s = pp_statement(&p);
	if (s != NULL && !is_terminator(pp_cur(&p)))
		perr_syntax(&p);
	if (s != NULL && pp_kind(&p) == ALX_TOK_ERROR)
		perr_syntax(&p);
	if (p.err.failed)
		return fail_diag(&p.err, sql, len, err, diag);
	s->end = p.pos > 0 ? p.toks[p.pos - 1].end : s->start;
	/* PREPARE's $n belong to the statement it names, not to PREPARE */
	s->max_param = s->kind == ALX_SQL_STMT_PREPARE ? 0 : max_param;
	*out = s;
	if (next != NULL)
		*next = pp_kind(&p) == ';' ? pp_cur(&p)->end : len;
	return 0;
}

int alx_sql_parse(struct alx_arena *a, const char *sql, size_t len,
		  const struct alx_sql_parse_opts *opts,
		  struct alx_sql_stmt_list *out, struct alx_sql_error *err,
		  alopex_diag *diag)
{
	struct pvec v = {0};
	size_t off = 0;
	if (out == NULL)
		return alx_diag_set(diag, ALOPEX_EINVAL, NULL,
				    "invalid arguments to the SQL parser");
	for (;;) {
		struct alx_sql_stmt *s;
		size_t next;
		int rc = alx_sql_parse_next(a, sql, len, off, opts, &s, &next,
					    err, diag);
		if (rc == ALOPEX_DONE)
			break;
		if (rc != 0)
			return rc;
		if (v.n == v.cap) {
			uint32_t cap = v.cap ? v.cap * 2 : 4;
			void *nv = alx_arena_alloc(a, cap * sizeof(s));
			if (nv == NULL)
				return alx_diag_set(diag, ALOPEX_ENOMEM,
						    "53200", "out of memory");
			if (v.n)
				memcpy(nv, v.v, v.n * sizeof(s));
			v.v = nv;
			v.cap = cap;
		}
		((struct alx_sql_stmt **)v.v)[v.n++] = s;
		off = next;
	}
	out->v = v.v;
	out->n = v.n;
	return 0;
}
