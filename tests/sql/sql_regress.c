/*
 * SQL regression runner: runs a .sql script against a fresh Alopex
 * database and prints what `psql -X -a -A -v VERBOSITY=verbose` prints for
 * it (after regen-expected.sh's filter): every input line echoed, results
 * as unaligned tables with a header and a "(N rows)" footer, command tags,
 * errors as "ERROR:  <sqlstate>: <message>" plus "DETAIL:  ..." lines,
 * notices and warnings likewise.
 *
 *   sql_regress SCRIPT.sql EXPECTED.out   compare, print the differences
 *   sql_regress --print SCRIPT.sql        print the output
 *
 * Statements are split where psql splits them: at a ';' outside quotes,
 * comments and parentheses (and at the end of the file). COPY ... TO STDOUT
 * prints its lines; COPY ... FROM STDIN reads the lines that follow it, up
 * to "\.", as psql does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "db/db_internal.h" /* the runtime, for a parse arena */
#include "sql/sql_parse.h"
#include "sql/sql_session.h"
#include "sql/sql_session_int.h" /* a portal's COPY_OUT state */

struct out {
	char *buf;
	size_t len, cap;
};

static void emit(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 65536;
		while (cap < o->len + n + 1)
			cap *= 2;
		char *b = realloc(o->buf, cap);
		if (b == NULL) {
			fprintf(stderr, "sql_regress: out of memory\n");
			exit(2);
		}
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void emits(struct out *o, const char *s)
{
	emit(o, s, strlen(s));
}

/* ---- psql's statement splitting -------------------------------------------- */

struct scan {
	int state; /* 0 normal, 1 'str', 2 "ident", 3 -- comment, 4 block,
		      5 dollar */
	int depth, block_depth, paren;
	char dollar[64];
	size_t dlen;
	bool estring;
};

/* Feed one character; returns 1 when it ends a statement (';'). */
static int scan_char(struct scan *s, const char *p, size_t i, size_t n)
{
	char c = p[i];
	switch (s->state) {
	case 1:
		if (s->estring && c == '\\' && i + 1 < n) {
			s->depth = 1; /* skip the next character */
			return 0;
		}
		if (s->depth == 1) {
			s->depth = 0;
			return 0;
		}
		if (c == '\'')
			s->state = 0;
		return 0;
	case 2:
		if (c == '"')
			s->state = 0;
		return 0;
	case 3:
		if (c == '\n')
			s->state = 0;
		return 0;
	case 4:
		if (c == '*' && i + 1 < n && p[i + 1] == '/') {
			if (--s->block_depth == 0)
				s->state = 6; /* skip the '/' */
		} else if (c == '/' && i + 1 < n && p[i + 1] == '*') {
			s->block_depth++;
		}
		return 0;
	case 5:
		if (c == '$' && i + s->dlen <= n &&
		    memcmp(p + i, s->dollar, s->dlen) == 0)
			s->state = 7, s->depth = (int)s->dlen - 1;
		return 0;
	case 6:
		s->state = 0;
		return 0;
	case 7:
		if (--s->depth <= 0)
			s->state = 0;
		return 0;
	default:
		break;
	}
	if (c == '\'') {
		s->state = 1;
		s->depth = 0;
		s->estring = i > 0 && (p[i - 1] == 'E' || p[i - 1] == 'e');
	} else if (c == '"') {
		s->state = 2;
	} else if (c == '-' && i + 1 < n && p[i + 1] == '-') {
		s->state = 3;
	} else if (c == '/' && i + 1 < n && p[i + 1] == '*') {
		s->state = 4;
		s->block_depth = 1;
	} else if (c == '$') {
		size_t k = i + 1;
		while (k < n && (p[k] == '_' || (p[k] >= 'a' && p[k] <= 'z') ||
				 (p[k] >= 'A' && p[k] <= 'Z') ||
				 (k > i + 1 && p[k] >= '0' && p[k] <= '9')))
			k++;
		if (k < n && p[k] == '$' && k - i + 1 < sizeof(s->dollar)) {
			s->dlen = k - i + 1;
			memcpy(s->dollar, p + i, s->dlen);
			s->state = 7;
			s->depth = (int)s->dlen - 1;
			/* after the opening tag: the body */
			s->state = 8;
		}
	} else if (c == '(') {
		s->paren++;
	} else if (c == ')') {
		if (s->paren > 0)
			s->paren--;
	} else if (c == ';' && s->paren == 0) {
		return 1;
	}
	return 0;
}

/* ---- running ------------------------------------------------------------------ */

struct run {
	struct out *o;
	struct alx_session *s;
	bool noticed;
	bool header_done;
	uint64_t rows;
};

static void print_row(struct run *r, struct alx_portal *pt,
		      const struct alx_value *row)
{
	uint32_t n = alx_portal_ncols(pt);
	const struct alx_sql_col *cols = alx_portal_cols(pt);
	if (!r->header_done) {
		for (uint32_t i = 0; i < n; i++) {
			if (i > 0)
				emits(r->o, "|");
			emits(r->o, cols[i].name);
		}
		emits(r->o, "\n");
		r->header_done = true;
	}
	if (row == NULL)
		return;
	/* psql prints no line for a row of no columns, only counts it */
	if (n == 0) {
		r->rows++;
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (i > 0)
			emits(r->o, "|");
		size_t len;
		const char *t = alx_portal_text(pt, &row[i], &len);
		if (t != NULL)
			emit(r->o, t, len);
	}
	emits(r->o, "\n");
	r->rows++;
}

static void print_notice(struct run *r, struct alx_session *s);
static void print_notice(struct run *r, struct alx_session *s)
{
	const char *level, *state;
	const char *msg = alx_session_last_notice(s, &level, &state);
	if (msg == NULL)
		return;
	char line[512];
	snprintf(line, sizeof(line), "%s:  %s: %s\n", level, state, msg);
	emits(r->o, line);
}

static int on_row(void *arg, struct alx_portal *pt, const struct alx_value *row)
{
	struct run *r = arg;
	if (row != NULL) {
		print_row(r, pt, row);
		return 0;
	}
	const char *tag = alx_portal_tag(pt);
	/* SELECT FROM t: rows of no columns */
	bool rows = alx_portal_ncols(pt) > 0 || alx_prep_returns_rows(pt->prep);
	/* the server sends notices before CommandComplete */
	print_notice(r, r->s);
	r->noticed = true;
	if (rows) {
		print_row(r, pt, NULL);
		char foot[64];
		snprintf(foot, sizeof(foot), "(%llu row%s)\n",
			 (unsigned long long)r->rows, r->rows == 1 ? "" : "s");
		emits(r->o, foot);
	}
	if (tag[0] != '\0' && (!rows || strncmp(tag, "INSERT", 6) == 0 ||
			       strncmp(tag, "UPDATE", 6) == 0 ||
			       strncmp(tag, "DELETE", 6) == 0)) {
		emits(r->o, tag);
		emits(r->o, "\n");
	}
	return 0;
}

static void print_error(struct alx_session *s, struct out *o);

static void run_stmt(struct alx_session *s, struct out *o, const char *sql,
		     size_t len)
{
	struct run r = {o, s, false, false, 0};
	int rc = alx_session_execute(s, sql, len, on_row, &r);
	if (!r.noticed)
		print_notice(&r, s);
	if (rc == 0)
		return;
	print_error(s, o);
}

/* Whether a statement is COPY ... FROM STDIN / TO STDOUT: psql runs
 * those through the COPY sub-protocol. */
static bool is_copy(const char *p, size_t n, bool *from)
{
	size_t i = 0;
	while (i < n) {
		if (p[i] == '-' && i + 1 < n && p[i + 1] == '-') {
			while (i < n && p[i] != '\n')
				i++;
		} else if (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' ||
			   p[i] == '\r') {
			i++;
		} else {
			break;
		}
	}
	if (n - i < 5 || strncasecmp(p + i, "copy", 4) != 0 ||
	    !(p[i + 4] == ' ' || p[i + 4] == '\t' || p[i + 4] == '\n'))
		return false;
	for (size_t j = i; j + 5 <= n; j++) {
		if (strncasecmp(p + j, "stdin", 5) == 0) {
			*from = true;
			return true;
		}
		if (j + 6 <= n && strncasecmp(p + j, "stdout", 6) == 0) {
			*from = false;
			return true;
		}
	}
	return false;
}

/* COPY as psql drives it: FROM STDIN is fed the data lines that followed
 * the statement (up to "\."), TO STDOUT prints its lines and no tag. */
static void run_copy(struct alx_session *s, struct out *o, const char *sql,
		     size_t len, const char *data, size_t dlen)
{
	struct alx_prep *p = NULL;
	struct alx_portal *pt = NULL;
	const struct alx_value *row;
	struct alx_copy_info ci;
	/* a simple query, as psql sends it: no parameters */
	struct alx_arena a;
	alx_arena_init(&a, s->db->rt, 0);
	struct alx_sql_stmt_list l = {0};
	struct alx_sql_error err;
	const char *text = alx_arena_strndup(&a, sql, len);
	int rc = text == NULL ? ALOPEX_ENOMEM
			      : alx_sql_parse(&a, text, len, NULL, &l, &err,
					      &s->diag);
	if (rc == 0 && l.n == 1)
		rc = alx_session_prep_stmt(s, text, l.v[0], &p);
	else if (rc == 0)
		rc = alx_session_prepare(s, sql, len, NULL, 0, &p);
	if (rc == 0)
		rc = alx_portal_create(p, NULL, 0, &pt);
	if (rc == 0)
		rc = alx_portal_next(pt, &row);
	/* the first call starts the COPY: FROM then wants data (AGAIN), TO
	 * is read with alx_portal_copy_out (next refuses, as the server's
	 * portal_next knows) */
	bool out = rc < 0 && pt != NULL && pt->state == ALX_PT_COPY_OUT;
	if ((rc == ALOPEX_AGAIN && alx_portal_copy_info(pt, &ci) == 0 &&
	     ci.from) ||
	    out) {
		rc = 0;
		if (!out) {
			rc = alx_portal_copy_in(pt, data, dlen);
			if (rc == 0)
				rc = alx_portal_copy_done(pt);
			if (rc == 0) {
				emits(o, alx_portal_tag(pt));
				emits(o, "\n");
			}
		} else {
			const void *line;
			size_t n;
			while ((rc = alx_portal_copy_out(pt, &line, &n)) ==
			       ALOPEX_ROW)
				emit(o, line, n);
			if (rc == ALOPEX_DONE)
				rc = 0;
		}
	} else if (rc == ALOPEX_DONE || rc == ALOPEX_ROW) {
		rc = 0; /* not a COPY after all */
	}
	if (rc != 0)
		print_error(s, o);
	if (pt != NULL)
		alx_portal_destroy(pt);
	if (p != NULL)
		alx_prep_destroy(p);
	alx_arena_fini(&a);
}

static void print_error(struct alx_session *s, struct out *o)
{
	const alopex_diag *d = alx_session_diag(s);
	const char *msg = d->message;
	const char *nl = strchr(msg, '\n');
	char line[700];
	snprintf(line, sizeof(line), "ERROR:  %s: %.*s\n", d->sqlstate,
		 nl ? (int)(nl - msg) : (int)strlen(msg), msg);
	emits(o, line);
	/* regen-expected.sh drops PostgreSQL's CONTEXT lines */
	if (nl != NULL && strncmp(nl + 1, "CONTEXT:", 8) != 0) {
		snprintf(line, sizeof(line), "DETAIL:  %s\n", nl + 1);
		emits(o, line);
	}
}

static bool blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '-' && i + 1 < n && p[i + 1] == '-') {
			while (i < n && p[i] != '\n')
				i++;
			continue;
		}
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
			return false;
	}
	return true;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	struct out o = {0};
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		emit(&o, buf, n);
	fclose(f);
	if (o.buf == NULL)
		emit(&o, "", 0);
	*len = o.len;
	return o.buf;
}

static int run_script(const char *path, struct out *o)
{
	size_t len;
	char *text = slurp(path, &len);
	if (text == NULL) {
		fprintf(stderr, "sql_regress: cannot read %s\n", path);
		return 2;
	}
	char *dir = alx_test_tmpdir("sqlregress");
	alopex_db *db = NULL;
	alopex_diag diag = {0};
	alopex_open_options opts = {.size = sizeof(opts),
				    .log_fn = alx_test_log_quiet,
				    .log_level = ALOPEX_LOG_WARN,
				    .create_if_missing = 1};
	int rc = alopex_open_ex(dir, NULL, &opts, &db, &diag);
	if (rc != 0) {
		fprintf(stderr, "sql_regress: open: %s\n", diag.message);
		free(text);
		free(dir);
		return 2;
	}
	struct alx_session *s = NULL;
	rc = alx_session_create(db, &s, &diag);
	if (rc != 0) {
		fprintf(stderr, "sql_regress: session: %s\n", diag.message);
		return 2;
	}
	struct scan sc = {0};
	size_t stmt_start = 0, line_start = 0;
	for (size_t i = 0; i < len; i++) {
		int end = 0;
		if (sc.state == 8) {
			/* inside $tag$ ... $tag$ */
			if (text[i] == '$' && i + sc.dlen <= len &&
			    memcmp(text + i, sc.dollar, sc.dlen) == 0) {
				sc.state = 7;
				sc.depth = (int)sc.dlen - 1;
			}
		} else {
			end = scan_char(&sc, text, i, len);
		}
		if (end) {
			/* psql sends at the ';' but echoes the line first:
			 * remember the statement, run it at the line end */
			size_t stop = i + 1;
			size_t eol = stop;
			while (eol < len && text[eol] != '\n')
				eol++;
			/* echo through the end of this line once */
			if (line_start <= i) {
				emit(o, text + line_start, eol - line_start);
				emits(o, "\n");
				line_start = eol + 1;
			}
			bool from = false;
			if (is_copy(text + stmt_start, stop - stmt_start,
				    &from)) {
				/* FROM STDIN: the lines up to "\." are data,
				 * not echoed (as psql) */
				size_t d0 = line_start, d1 = d0, next = d0;
				while (from && next < len) {
					size_t e = next;
					while (e < len && text[e] != '\n')
						e++;
					if (e - next == 2 &&
					    memcmp(text + next, "\\.", 2) ==
						    0) {
						next = e < len ? e + 1 : e;
						break;
					}
					next = e < len ? e + 1 : e;
					d1 = next;
				}
				run_copy(s, o, text + stmt_start,
					 stop - stmt_start, text + d0, d1 - d0);
				if (from) {
					line_start = next;
					stop = next;
					i = next - 1;
				}
			} else if (!blank(text + stmt_start,
					  stop - stmt_start)) {
				run_stmt(s, o, text + stmt_start,
					 stop - stmt_start);
			}
			stmt_start = stop;
			continue;
		}
		if (text[i] == '\n' && i >= line_start) {
			emit(o, text + line_start, i - line_start);
			emits(o, "\n");
			line_start = i + 1;
		}
	}
	if (line_start < len) {
		emit(o, text + line_start, len - line_start);
		emits(o, "\n");
	}
	if (stmt_start < len && !blank(text + stmt_start, len - stmt_start)) {
		/* psql sends its buffer without the last line's newline */
		size_t end = len;
		if (end > stmt_start && text[end - 1] == '\n')
			end--;
		run_stmt(s, o, text + stmt_start, end - stmt_start);
	}
	alx_session_destroy(s);
	rc = alopex_close(db);
	if (rc != 0)
		fprintf(stderr, "sql_regress: close: %s\n", alopex_errmsg(db));
	alx_test_rmdir(dir);
	free(dir);
	free(text);
	return rc != 0 ? 2 : 0;
}

static int compare(const struct out *o, const char *expected_path)
{
	size_t elen;
	char *exp = slurp(expected_path, &elen);
	if (exp == NULL) {
		fprintf(stderr, "sql_regress: cannot read %s\n", expected_path);
		return 2;
	}
	int bad = 0;
	const char *a = o->buf ? o->buf : "", *e = exp;
	unsigned line = 1;
	while (*a || *e) {
		const char *an = strchr(a, '\n'), *en = strchr(e, '\n');
		size_t al = an ? (size_t)(an - a) : strlen(a);
		size_t el = en ? (size_t)(en - e) : strlen(e);
		if (al != el || memcmp(a, e, al) != 0) {
			if (bad++ < 20)
				fprintf(stderr,
					"line %u:\n  expected: %.*s\n  actual: "
					"  "
					"%.*s\n",
					line, (int)el, e, (int)al, a);
		}
		a = an ? an + 1 : a + al;
		e = en ? en + 1 : e + el;
		line++;
	}
	free(exp);
	if (bad)
		fprintf(stderr, "%d line(s) differ from %s\n", bad,
			expected_path);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct out o = {0};
	if (argc == 3 && strcmp(argv[1], "--print") == 0) {
		int rc = run_script(argv[2], &o);
		if (o.buf)
			fputs(o.buf, stdout);
		free(o.buf);
		return rc;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: sql_regress SCRIPT.sql EXPECTED.out\n"
				"       sql_regress --print SCRIPT.sql\n");
		return 2;
	}
	int rc = run_script(argv[1], &o);
	if (rc == 0)
		rc = compare(&o, argv[2]);
	if (rc != 0 && o.buf)
		fprintf(stderr, "---- actual output ----\n%s", o.buf);
	free(o.buf);
	return rc;
}
