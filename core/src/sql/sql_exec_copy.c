/*
 * COPY ... FROM STDIN and COPY ... TO STDOUT in PostgreSQL's text and CSV
 * formats, streamed: COPY FROM takes the data in any chunking and writes
 * rows as lines complete; COPY TO produces one line per call.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "db/db_internal.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_exec_dml.h"
#include "sql/sql_session_int.h"

struct alx_copy_state {
	bool from, csv, header;
	bool header_done, ended;
	bool eol_seen; /* a record has ended with a newline */
	char delim, quote, escape;
	char *null_str;
	size_t null_len;
	struct alx_catalog *cat;
	const struct alx_cat_table *table;
	uint32_t ncols;
	uint32_t *cols;
	struct alx_bx **defaults; /* per table column */
	struct alx_bx **checks;
	uint32_t nchecks;
	uint8_t *buf;
	size_t len, cap, start;
	uint64_t line;
	struct alx_arena rowa;
	struct alx_buf out; /* COPY TO: the current line */
	char *query_sql;
	struct alx_prep *qprep;
};

static int oom(struct alx_session *s)
{
	return alx_diag_set(&s->diag, ALOPEX_ENOMEM, "53200", "out of memory");
}

void alx_copy_free(struct alx_portal *pt)
{
	struct alx_copy_state *c = pt->copy;
	if (c == NULL)
		return;
	struct alx_runtime *rt = pt->s->db->rt;
	if (pt->state == ALX_PT_COPY_IN) {
		/* abandoned mid-stream: its rows go with its transaction */
		pt->state = ALX_PT_FAILED;
		alx_session_stmt_failed(pt->s);
	}
	if (pt->inner != NULL) {
		alx_portal_destroy(pt->inner);
		pt->inner = NULL;
	}
	alx_prep_destroy(c->qprep);
	alx_catalog_unref(c->cat);
	alx_arena_fini(&c->rowa);
	alx_free(rt, c->buf);
	pt->copy = NULL;
}

/* ---- options ---------------------------------------------------------------------- */

static int one_char(struct alx_session *s, const struct alx_sql_defelem *d,
		    char *out)
{
	if (d->val.text.len != 1)
		return alx_session_err(s, "0A000",
				       "COPY %s must be a single one-byte "
				       "character",
				       d->name.ptr);
	*out = d->val.text.ptr[0];
	return 0;
}

static int options(struct alx_portal *pt, const struct alx_sql_copy *cp,
		   struct alx_copy_state *c)
{
	struct alx_session *s = pt->s;
	const char *null_given = NULL;
	bool delim_given = false;
	for (uint32_t i = 0; i < cp->noptions; i++) {
		const struct alx_sql_defelem *d = &cp->options[i];
		const char *n = d->name.ptr;
		const char *v = d->val.text.ptr ? d->val.text.ptr : "";
		int rc = 0;
		if (strcmp(n, "format") == 0) {
			if (strcmp(v, "csv") == 0)
				c->csv = true;
			else if (strcmp(v, "binary") == 0)
				return alx_session_err(s, "0A000",
						       "COPY format \"%s\" is "
						       "not supported",
						       v);
			else if (strcmp(v, "text") != 0) /* PostgreSQL's */
				return alx_session_err(s, "22023",
						       "COPY format \"%s\" not "
						       "recognized",
						       v);
		} else if (strcmp(n, "header") == 0) {
			c->header = d->val.kind == ALX_SQL_VAL_NONE ||
				    strcmp(v, "true") == 0 ||
				    strcmp(v, "on") == 0 || strcmp(v, "1") == 0;
		} else if (strcmp(n, "delimiter") == 0) {
			rc = one_char(s, d, &c->delim);
			delim_given = true;
		} else if (strcmp(n, "quote") == 0) {
			rc = one_char(s, d, &c->quote);
		} else if (strcmp(n, "escape") == 0) {
			rc = one_char(s, d, &c->escape);
		} else if (strcmp(n, "null") == 0) {
			null_given = v;
		} else if (strcmp(n, "encoding") == 0) {
			if (strcasecmp(v, "utf8") != 0 &&
			    strcasecmp(v, "utf-8") != 0)
				return alx_session_err(s, "0A000",
						       "COPY encoding \"%s\" "
						       "is not supported",
						       v);
		} else if (strcmp(n, "freeze") != 0) {
			return alx_session_err(s, "0A000",
					       "COPY option \"%s\" is not "
					       "supported",
					       n);
		}
		if (rc != 0)
			return rc;
	}
	if (!c->csv && (c->quote != 0 || c->escape != 0))
		return alx_session_err(s, "0A000",
				       "COPY %s available only in CSV mode",
				       c->quote != 0 ? "quote" : "escape");
	if (!delim_given)
		c->delim = c->csv ? ',' : '\t';
	if (c->quote == 0)
		c->quote = '"';
	if (c->escape == 0)
		c->escape = c->quote;
	if (c->header && !c->csv)
		return alx_session_err(s, "0A000",
				       "COPY HEADER available only in CSV "
				       "mode");
	const char *ns = null_given ? null_given : c->csv ? "" : "\\N";
	/* ProcessCopyOptions' checks: lines, escapes and quotes must stay
	 * unambiguous. */
	if (c->delim == '\n' || c->delim == '\r')
		return alx_session_err(s, "22023",
				       "COPY delimiter cannot be newline or "
				       "carriage return");
	if (strpbrk(ns, "\r\n") != NULL)
		return alx_session_err(s, "22023",
				       "COPY null representation cannot use "
				       "newline or carriage return");
	if (!c->csv && c->delim != 0 &&
	    strchr("\\.abcdefghijklmnopqrstuvwxyz0123456789", c->delim) != NULL)
		return alx_session_err(s, "22023",
				       "COPY delimiter cannot be \"%c\"",
				       c->delim);
	if (c->csv && c->delim == c->quote)
		return alx_session_err(s, "22023",
				       "COPY delimiter and quote must be "
				       "different");
	if (strchr(ns, c->delim) != NULL && c->delim != 0)
		return alx_session_err(s, "22023",
				       "COPY delimiter must not appear in the "
				       "NULL specification");
	if (c->csv && strchr(ns, c->quote) != NULL)
		return alx_session_err(s, "22023",
				       "CSV quote character must not appear "
				       "in the NULL specification");
	c->null_str = alx_arena_strdup(&pt->a, ns);
	if (c->null_str == NULL)
		return oom(s);
	c->null_len = strlen(ns);
	return 0;
}

/* ---- COPY FROM -------------------------------------------------------------------- */

static int target_columns(struct alx_portal *pt, const struct alx_sql_copy *cp,
			  struct alx_copy_state *c)
{
	const struct alx_cat_table *t = c->table;
	c->cols = alx_arena_calloc(&pt->a, t->ncols + 1, sizeof(*c->cols));
	if (c->cols == NULL)
		return oom(pt->s);
	if (cp->ncols == 0) {
		for (uint32_t i = 0; i < t->ncols; i++)
			if (!t->cols[i].dropped)
				c->cols[c->ncols++] = i;
		return 0;
	}
	for (uint32_t i = 0; i < cp->ncols; i++) {
		int col = alx_cat_column_find(t, cp->cols[i].ptr);
		if (col < 0)
			return alx_session_err(pt->s, "42703",
					       "column \"%s\" of relation "
					       "\"%s\" does not exist",
					       cp->cols[i].ptr, t->name);
		for (uint32_t k = 0; k < c->ncols; k++)
			if (c->cols[k] == (uint32_t)col)
				return alx_session_err(pt->s, "42701",
						       "column \"%s\" "
						       "specified more than "
						       "once",
						       cp->cols[i].ptr);
		c->cols[c->ncols++] = (uint32_t)col;
	}
	return 0;
}

/*
 * The table and the column list of COPY t (cols), FROM or TO, as
 * PostgreSQL checks them (CopyGetAttnums): COPY TO's generated SELECT
 * would report a missing column in its own words ("column "x" does not
 * exist") or accept one twice.
 */
static int resolve_columns(struct alx_portal *pt, const struct alx_sql_copy *cp,
			   struct alx_copy_state *c, struct alx_bind_ctx *b)
{
	struct alx_session *s = pt->s;
	int rc = alx_session_catalog(s, &c->cat);
	if (rc != 0)
		return rc;
	*b = (struct alx_bind_ctx){0};
	b->a = &pt->a;
	b->s = s;
	b->cat = c->cat;
	b->d = &s->diag;
	rc = alx_bind_resolve_table(b, &cp->table, &c->table);
	if (rc == 0)
		rc = target_columns(pt, cp, c);
	return rc;
}

static int start_from(struct alx_portal *pt, const struct alx_sql_copy *cp,
		      struct alx_copy_state *c)
{
	struct alx_session *s = pt->s;
	if (cp->where != NULL)
		return alx_session_err(s, "0A000",
				       "COPY FROM ... WHERE is not supported "
				       "yet");
	struct alx_bind_ctx b;
	int rc = resolve_columns(pt, cp, c, &b);
	if (rc != 0)
		return rc;
	const struct alx_cat_table *t = c->table;
	c->defaults =
		alx_arena_calloc(&pt->a, t->ncols + 1, sizeof(*c->defaults));
	c->checks =
		alx_arena_calloc(&pt->a, t->nchecks + 1, sizeof(*c->checks));
	if (c->defaults == NULL || c->checks == NULL)
		return oom(s);
	for (uint32_t i = 0; rc == 0 && i < t->ncols; i++) {
		if (t->cols[i].dropped || t->cols[i].default_expr == NULL)
			continue;
		rc = alx_bind_expr_text(&b, NULL, t->cols[i].default_expr,
					&c->defaults[i]);
		if (rc == 0)
			rc = alx_bind_coerce(&b, &c->defaults[i],
					     t->cols[i].type, ALX_CAST_ASSIGN,
					     t->cols[i].name);
	}
	for (uint32_t i = 0; rc == 0 && i < t->nchecks; i++)
		rc = alx_bind_expr_text(&b, t, t->checks[i].expr,
					&c->checks[i]);
	c->nchecks = t->nchecks;
	if (rc == 0)
		rc = alx_session_stmt_begin(s);
	if (rc != 0)
		return rc;
	struct alx_exec *ex = &pt->ex;
	memset(ex, 0, sizeof(*ex));
	ex->s = s;
	ex->db = s->db;
	ex->txn = s->txn;
	ex->a = &pt->a;
	ex->fmt = &s->fmt;
	ex->stmt_ts = alx_session_clock();
	ex->txn_ts = s->txn_ts;
	ex->d = &s->diag;
	ex->cat = c->cat;
	pt->state = ALX_PT_COPY_IN;
	return 0;
}

/* Text format field: backslash escapes. */
static size_t unescape_text(const uint8_t *p, size_t n, uint8_t *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '\\') {
			out[k++] = p[i];
			continue;
		}
		/* a backslash that ends the line is dropped, as in
		 * CopyReadAttributesText */
		if (i + 1 >= n)
			break;
		uint8_t ch = p[++i];
		switch (ch) {
		case 'b':
			out[k++] = '\b';
			break;
		case 'f':
			out[k++] = '\f';
			break;
		case 'n':
			out[k++] = '\n';
			break;
		case 'r':
			out[k++] = '\r';
			break;
		case 't':
			out[k++] = '\t';
			break;
		case 'v':
			out[k++] = '\v';
			break;
		case 'x': {
			int v = 0, d = 0;
			while (d < 2 && i + 1 < n &&
			       ((p[i + 1] >= '0' && p[i + 1] <= '9') ||
				((p[i + 1] | 32) >= 'a' &&
				 (p[i + 1] | 32) <= 'f'))) {
				uint8_t h = p[++i];
				v = v * 16 +
				    (h <= '9' ? h - '0' : (h | 32) - 'a' + 10);
				d++;
			}
			if (d == 0)
				out[k++] = 'x';
			else
				out[k++] = (uint8_t)v;
			break;
		}
		default:
			if (ch >= '0' && ch <= '7') {
				int v = ch - '0', d = 1;
				while (d < 3 && i + 1 < n && p[i + 1] >= '0' &&
				       p[i + 1] <= '7') {
					v = v * 8 + (p[++i] - '0');
					d++;
				}
				out[k++] = (uint8_t)v;
			} else {
				out[k++] = ch;
			}
		}
	}
	return k;
}

struct field {
	const uint8_t *p;
	size_t n;
	bool null;
};

/* Split one text-format line into fields (escapes resolved). */
static int split_text(struct alx_copy_state *c, const uint8_t *line, size_t len,
		      struct field *f, uint32_t max, uint32_t *nf)
{
	uint32_t n = 0;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		/* a backslash escapes the next byte; one that ends the line
		 * ends its last field too */
		if (i < len && line[i] == '\\') {
			if (i + 1 < len)
				i++;
			continue;
		}
		if (i < len && line[i] != (uint8_t)c->delim)
			continue;
		if (n == max)
			return -1;
		size_t fl = (i > len ? len : i) - start;
		const uint8_t *fp = line + start;
		f[n].null =
			fl == c->null_len && memcmp(fp, c->null_str, fl) == 0;
		uint8_t *u = alx_arena_alloc(&c->rowa, fl + 1);
		if (u == NULL)
			return -2;
		f[n].n = unescape_text(fp, fl, u);
		f[n].p = u;
		n++;
		start = i + 1;
	}
	*nf = n;
	return 0;
}

/* The end of one text-format line: its newline, or -1 when incomplete. A
 * backslash escapes the next byte, a newline too (CopyReadLineText). */
static int64_t text_record_end(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\\')
			i++;
		else if (p[i] == '\n')
			return (int64_t)i;
	}
	return -1;
}

/* Find the end of one CSV record from `from`: index of its newline, or
 * -1 when incomplete. */
static int64_t csv_record_end(struct alx_copy_state *c, const uint8_t *p,
			      size_t n)
{
	bool inq = false;
	for (size_t i = 0; i < n; i++) {
		if (inq) {
			if (p[i] == (uint8_t)c->escape &&
			    c->escape != c->quote && i + 1 < n &&
			    p[i + 1] == (uint8_t)c->quote) {
				i++;
				continue;
			}
			if (p[i] == (uint8_t)c->quote) {
				if (c->escape == c->quote && i + 1 < n &&
				    p[i + 1] == (uint8_t)c->quote) {
					i++;
					continue;
				}
				inq = false;
			}
			continue;
		}
		if (p[i] == (uint8_t)c->quote)
			inq = true;
		else if (p[i] == '\n')
			return (int64_t)i;
	}
	return -1;
}

static int split_csv(struct alx_copy_state *c, const uint8_t *line, size_t len,
		     struct field *f, uint32_t max, uint32_t *nf)
{
	uint32_t n = 0;
	size_t i = 0;
	for (;;) {
		if (n == max)
			return -1;
		uint8_t *u = alx_arena_alloc(&c->rowa, len + 1);
		if (u == NULL)
			return -2;
		size_t k = 0;
		bool quoted = false, inq = false;
		size_t raw_start = i;
		while (i < len) {
			uint8_t ch = line[i];
			if (inq) {
				if (ch == (uint8_t)c->escape && i + 1 < len &&
				    line[i + 1] == (uint8_t)c->quote &&
				    (c->escape != c->quote || true)) {
					if (c->escape == c->quote ||
					    line[i + 1] == (uint8_t)c->quote) {
						u[k++] = line[i + 1];
						i += 2;
						continue;
					}
				}
				if (ch == (uint8_t)c->quote) {
					inq = false;
					i++;
					continue;
				}
				u[k++] = ch;
				i++;
				continue;
			}
			if (ch == (uint8_t)c->delim)
				break;
			if (ch == (uint8_t)c->quote) {
				inq = true;
				quoted = true;
				i++;
				continue;
			}
			u[k++] = ch;
			i++;
		}
		if (inq)
			return -3; /* the data ended inside quotes */
		f[n].p = u;
		f[n].n = k;
		/* an unquoted NULL string is NULL; a quoted one is data */
		f[n].null =
			!quoted && i - raw_start == c->null_len &&
			memcmp(line + raw_start, c->null_str, c->null_len) == 0;
		n++;
		if (i >= len)
			break;
		i++; /* the delimiter */
	}
	*nf = n;
	return 0;
}

/*
 * PostgreSQL's CONTEXT for an error in a row, after the message and its
 * DETAIL as "\nCONTEXT:  COPY t, line 3, column b: \"x\"" (col and data
 * optional). Data longer than 100 bytes is cut at a character boundary
 * and marked "...", as PostgreSQL's limit_printout_length does.
 */
static void copy_context(struct alx_session *s, const struct alx_copy_state *c,
			 const char *col, const uint8_t *data, size_t n,
			 bool with_data)
{
	char ctx[400];
	int k = snprintf(ctx, sizeof(ctx), "\nCONTEXT:  COPY %s, line %llu",
			 c->table->name, (unsigned long long)c->line);
	if (col != NULL && k > 0 && (size_t)k < sizeof(ctx))
		k += snprintf(ctx + k, sizeof(ctx) - (size_t)k, ", column %s",
			      col);
	if (with_data && k > 0 && (size_t)k < sizeof(ctx)) {
		size_t shown = n;
		if (n > 100) {
			shown = 100;
			while (shown > 0 && (data[shown] & 0xc0) == 0x80)
				shown--;
		}
		k += snprintf(ctx + k, sizeof(ctx) - (size_t)k, ": \"%.*s%s\"",
			      (int)shown, n ? (const char *)data : "",
			      shown < n ? "..." : "");
	}
	if (k < 0)
		return;
	size_t ml = strlen(s->diag.message), room = sizeof(s->diag.message);
	if (ml + 1 < room)
		snprintf(s->diag.message + ml, room - ml, "%s", ctx);
}

static int copy_row(struct alx_portal *pt, const uint8_t *line, size_t len)
{
	struct alx_session *s = pt->s;
	struct alx_copy_state *c = pt->copy;
	const struct alx_cat_table *t = c->table;
	c->line++;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	/* "\." alone on a line ends the data (in CSV outside quotes too) */
	if (len == 2 && line[0] == '\\' && line[1] == '.') {
		c->ended = true;
		return 0;
	}
	/* PostgreSQL counts the newlines inside quoted CSV fields, once it
	 * has seen the first line end */
	for (size_t i = 0; c->csv && c->eol_seen && i + 1 < len; i++)
		c->line += line[i] == '\n';
	c->eol_seen = true;
	if (c->csv && c->header && !c->header_done) {
		c->header_done = true;
		return 0;
	}
	alx_arena_reset(&c->rowa);
	struct field *f = alx_arena_calloc(&c->rowa, c->ncols + 2, sizeof(*f));
	if (f == NULL)
		return oom(s);
	uint32_t nf = 0;
	int r = c->csv ? split_csv(c, line, len, f, c->ncols + 1, &nf)
		       : split_text(c, line, len, f, c->ncols + 1, &nf);
	if (r == -2)
		return oom(s);
	int rc = 0;
	if (r == -3)
		rc = alx_session_err(s, "22P04",
				     "unterminated CSV quoted field");
	else if (r == -1 || nf > c->ncols)
		rc = alx_session_err(s, "22P04",
				     "extra data after last expected column");
	else if (nf < c->ncols)
		rc = alx_session_err(s, "22P04",
				     "missing data for column \"%s\"",
				     t->cols[c->cols[nf]].name);
	if (rc != 0) {
		copy_context(s, c, NULL, line, len, true);
		return rc;
	}
	struct alx_value *row =
		alx_arena_calloc(&c->rowa, t->ncols + 1, sizeof(*row));
	uint8_t *given = alx_arena_calloc(&c->rowa, t->ncols + 1, 1);
	if (row == NULL || given == NULL)
		return oom(s);
	for (uint32_t i = 0; i < c->ncols; i++) {
		uint32_t col = c->cols[i];
		given[col] = 1;
		if (f[i].null) {
			row[col] = alx_value_null(t->cols[col].type.id);
			continue;
		}
		rc = alx_value_in(&c->rowa, t->cols[col].type,
				  (const char *)f[i].p, f[i].n, &s->fmt,
				  &row[col], &s->diag);
		if (rc != 0) {
			copy_context(s, c, t->cols[col].name, f[i].p, f[i].n,
				     true);
			return rc;
		}
	}
	struct alx_ev ev = {&pt->ex, &c->rowa, NULL, NULL};
	for (uint32_t i = 0; i < t->ncols; i++) {
		if (given[i])
			continue;
		if (c->defaults[i] != NULL) {
			rc = alx_eval(&ev, c->defaults[i], &row[i]);
			if (rc != 0) {
				copy_context(s, c, NULL, line, len, true);
				return rc;
			}
		} else {
			row[i] = alx_value_null(t->cols[i].type.id);
		}
	}
	rc = alx_exec_insert_row(&pt->ex, t, row, c->checks, c->nchecks);
	if (rc == 0) {
		pt->count++;
		return 0;
	}
	/* PostgreSQL finds duplicates when it flushes a batch of rows, with
	 * the line number but no longer its text */
	copy_context(s, c, NULL, line, len,
		     strcmp(s->diag.sqlstate, "23505") != 0);
	return rc;
}

/* Consume the complete records in the buffer. */
static int drain(struct alx_portal *pt, bool final)
{
	struct alx_copy_state *c = pt->copy;
	while (!c->ended && c->start < c->len) {
		const uint8_t *p = c->buf + c->start;
		size_t n = c->len - c->start;
		int64_t end;
		if (c->csv)
			end = csv_record_end(c, p, n);
		else
			end = text_record_end(p, n);
		if (end < 0) {
			if (!final)
				break;
			end = (int64_t)n; /* the last line without newline */
		}
		int rc = copy_row(pt, p, (size_t)end);
		if (rc != 0)
			return rc;
		c->start += (size_t)end + ((size_t)end < n ? 1 : 0);
	}
	/* keep the partial record at the front */
	if (c->start > 0) {
		memmove(c->buf, c->buf + c->start, c->len - c->start);
		c->len -= c->start;
		c->start = 0;
	}
	return 0;
}

int alx_portal_copy_in(struct alx_portal *pt, const void *data, size_t len)
{
	struct alx_session *s = pt->s;
	if (pt->state != ALX_PT_COPY_IN)
		return alx_session_err(s, "08P01",
				       "no COPY FROM STDIN is in progress");
	struct alx_copy_state *c = pt->copy;
	if (c->ended)
		return 0;
	if (c->cap - c->len < len) {
		size_t cap = c->cap ? c->cap : 65536;
		while (cap - c->len < len)
			cap *= 2;
		uint8_t *b = alx_realloc(s->db->rt, c->buf, cap);
		if (b == NULL) {
			oom(s);
			goto fail;
		}
		c->buf = b;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, data, len);
	c->len += len;
	if (drain(pt, false) == 0)
		return 0;
fail:
	pt->state = ALX_PT_FAILED;
	alx_session_stmt_failed(s);
	return s->diag.code ? s->diag.code : ALOPEX_ESQL;
}

int alx_portal_copy_done(struct alx_portal *pt)
{
	struct alx_session *s = pt->s;
	if (pt->state != ALX_PT_COPY_IN)
		return alx_session_err(s, "08P01",
				       "no COPY FROM STDIN is in progress");
	int rc = drain(pt, true);
	if (rc == 0)
		rc = alx_session_stmt_end(s, true);
	if (rc != 0) {
		pt->state = ALX_PT_FAILED;
		alx_session_stmt_failed(s);
		return rc;
	}
	snprintf(pt->tag, sizeof(pt->tag), "COPY %llu",
		 (unsigned long long)pt->count);
	pt->state = ALX_PT_DONE;
	return 0;
}

int alx_portal_copy_fail(struct alx_portal *pt, const char *why)
{
	struct alx_session *s = pt->s;
	if (pt->state != ALX_PT_COPY_IN)
		return 0;
	pt->state = ALX_PT_FAILED;
	alx_session_err(s, "57014", "COPY from stdin failed: %s", why);
	alx_session_stmt_failed(s);
	return 0;
}

/* ---- COPY TO ---------------------------------------------------------------------- */

static int start_to(struct alx_portal *pt, const struct alx_sql_copy *cp,
		    struct alx_copy_state *c)
{
	struct alx_session *s = pt->s;
	const char *sql;
	if (cp->query == NULL && cp->ncols > 0) {
		struct alx_bind_ctx b;
		int rc = resolve_columns(pt, cp, c, &b);
		if (rc != 0)
			return rc;
	}
	if (cp->query != NULL) {
		if (cp->query->kind != ALX_SQL_STMT_SELECT)
			return alx_session_err(s, "0A000",
					       "COPY (INSERT/UPDATE/DELETE) TO "
					       "is not supported yet");
		sql = pt->prep->sql;
	} else {
		struct alx_buf b;
		alx_buf_init(&b, &pt->a);
		alx_buf_append(&b, "SELECT ", 7);
		for (uint32_t i = 0; i < cp->ncols; i++) {
			if (i > 0)
				alx_buf_append(&b, ", ", 2);
			alx_buf_append(&b, "\"", 1);
			alx_buf_append(&b, cp->cols[i].ptr, cp->cols[i].len);
			alx_buf_append(&b, "\"", 1);
		}
		if (cp->ncols == 0)
			alx_buf_append(&b, "*", 1);
		alx_buf_append(&b, " FROM ", 6);
		for (uint32_t i = 0; i < cp->table.n; i++) {
			if (i > 0)
				alx_buf_append(&b, ".", 1);
			alx_buf_append(&b, "\"", 1);
			alx_buf_append(&b, cp->table.v[i].ptr,
				       cp->table.v[i].len);
			alx_buf_append(&b, "\"", 1);
		}
		alx_buf_append(&b, "", 1);
		sql = (const char *)b.ptr;
	}
	if (sql == NULL)
		return oom(s);
	/* The query was parsed with the COPY; bound as a simple query (a
	 * utility statement has no parameters: $1 is 42P02, as in
	 * PostgreSQL), its positions still in the COPY's text. */
	int rc = cp->query != NULL ? alx_session_prep_stmt(s, pt->prep->sql,
							   cp->query, &c->qprep)
				   : alx_session_prepare(s, sql, strlen(sql),
							 NULL, 0, &c->qprep);
	if (rc == 0)
		rc = alx_portal_create(c->qprep, NULL, 0, &pt->inner);
	if (rc != 0)
		return rc;
	pt->state = ALX_PT_COPY_OUT;
	alx_buf_init(&c->out, &c->rowa);
	return 0;
}

static void put_text_field(struct alx_copy_state *c, const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char ch = v[i];
		const char *esc = NULL;
		switch (ch) {
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		case '\v':
			esc = "\\v";
			break;
		default:
			if (ch == c->delim) {
				alx_buf_append(&c->out, "\\", 1);
				alx_buf_append(&c->out, &ch, 1);
				continue;
			}
		}
		if (esc != NULL)
			alx_buf_append(&c->out, esc, 2);
		else
			alx_buf_append(&c->out, &ch, 1);
	}
}

static void put_csv_field(struct alx_copy_state *c, const char *v, size_t n)
{
	bool need =
		n == 0 || (n == c->null_len && memcmp(v, c->null_str, n) == 0);
	for (size_t i = 0; !need && i < n; i++)
		if (v[i] == c->delim || v[i] == c->quote || v[i] == '\n' ||
		    v[i] == '\r' || (v[i] == '\\' && n == 2 && v[1] == '.'))
			need = true;
	if (!need) {
		alx_buf_append(&c->out, v, n);
		return;
	}
	alx_buf_append(&c->out, &c->quote, 1);
	for (size_t i = 0; i < n; i++) {
		if (v[i] == c->quote || v[i] == c->escape)
			alx_buf_append(&c->out, &c->escape, 1);
		alx_buf_append(&c->out, &v[i], 1);
	}
	alx_buf_append(&c->out, &c->quote, 1);
}

int alx_portal_copy_out(struct alx_portal *pt, const void **data, size_t *len)
{
	struct alx_session *s = pt->s;
	struct alx_copy_state *c = pt->copy;
	if (pt->state == ALX_PT_DONE)
		return ALOPEX_DONE;
	if (pt->state != ALX_PT_COPY_OUT || c == NULL)
		return alx_session_err(s, "08P01",
				       "no COPY TO STDOUT is in progress");
	alx_arena_reset(&c->rowa);
	alx_buf_init(&c->out, &c->rowa);
	uint32_t ncols, np;
	const struct alx_sql_col *cols;
	const struct alx_type *pts;
	int drc = alx_prep_describe(c->qprep, &np, &pts, &ncols, &cols);
	if (drc != 0) {
		pt->state = ALX_PT_FAILED;
		return drc;
	}
	if (c->header && !c->header_done) {
		c->header_done = true;
		for (uint32_t i = 0; i < ncols; i++) {
			if (i > 0)
				alx_buf_append(&c->out, &c->delim, 1);
			put_csv_field(c, cols[i].name, strlen(cols[i].name));
		}
	} else {
		const struct alx_value *row;
		int rc = alx_portal_next(pt->inner, &row);
		if (rc == ALOPEX_DONE) {
			pt->count = alx_portal_rows(pt->inner);
			snprintf(pt->tag, sizeof(pt->tag), "COPY %llu",
				 (unsigned long long)pt->count);
			pt->state = ALX_PT_DONE;
			return ALOPEX_DONE;
		}
		if (rc != ALOPEX_ROW) {
			pt->state = ALX_PT_FAILED;
			return rc;
		}
		for (uint32_t i = 0; i < ncols; i++) {
			if (i > 0)
				alx_buf_append(&c->out, &c->delim, 1);
			size_t n;
			const char *t = alx_portal_text(pt->inner, &row[i], &n);
			if (t == NULL) {
				alx_buf_append(&c->out, c->null_str,
					       c->null_len);
				continue;
			}
			if (c->csv)
				put_csv_field(c, t, n);
			else
				put_text_field(c, t, n);
		}
	}
	if (alx_buf_append(&c->out, "\n", 1) != 0)
		return oom(s);
	*data = c->out.ptr;
	*len = c->out.len;
	return ALOPEX_ROW;
}

int alx_portal_copy_info(const struct alx_portal *pt, struct alx_copy_info *out)
{
	const struct alx_copy_state *c = pt->copy;
	if (c == NULL)
		return ALOPEX_EMISUSE;
	out->from = c->from;
	out->csv = c->csv;
	out->ncols = c->ncols;
	if (!c->from) {
		uint32_t np;
		const struct alx_type *pts;
		const struct alx_sql_col *cols;
		if (c->qprep == NULL) /* its start failed */
			return ALOPEX_EMISUSE;
		if (alx_prep_describe(c->qprep, &np, &pts, &out->ncols,
				      &cols) != 0)
			return ALOPEX_ESQL;
	}
	return 0;
}

int alx_copy_start(struct alx_portal *pt, const struct alx_sql_copy *cp)
{
	struct alx_session *s = pt->s;
	if (cp->filename.ptr != NULL || cp->program)
		return alx_session_err(s, "0A000",
				       "COPY to or from a file or program is "
				       "not supported: use STDIN or STDOUT");
	struct alx_copy_state *c = alx_arena_calloc(&pt->a, 1, sizeof(*c));
	if (c == NULL)
		return oom(s);
	alx_arena_init(&c->rowa, s->db->rt, 0);
	pt->copy = c;
	c->from = cp->is_from;
	int rc = options(pt, cp, c);
	if (rc != 0)
		return rc;
	return c->from ? start_from(pt, cp, c) : start_to(pt, cp, c);
}
