/*
 * Fuzz target for the SQL lexer and parser: the bytes are parsed as a
 * whole text (alx_sql_parse), statement by statement (alx_sql_parse_next)
 * and with a small nesting limit and arena, and every tree is printed.
 * Beyond the sanitizers it checks what the parser promises: errors carry
 * a code, an SQLSTATE and a message, positions fall inside the text, the
 * one-at-a-time API agrees with the whole-text one, and lexing always
 * moves forward.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "runtime/alx_arena.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_ast.h"
#include "sql/sql_lex.h"

/* A broken promise is a bug: stop where the fuzzer can see it. */
static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_sql_parse: %s\n", what);
		abort();
	}
}

static void check_error(int rc, const alopex_diag *d,
			const struct alx_sql_error *e, const char *sql,
			size_t len)
{
	check(rc == ALOPEX_ESQL || rc == ALOPEX_ENOMEM, "unexpected code");
	check(d->code == rc, "diag code differs from the return code");
	check(strlen(d->sqlstate) == 5, "SQLSTATE is not 5 characters");
	check(d->message[0] != '\0', "error without a message");
	check(e->position <= alx_sql_char_position(sql, len, len),
	      "error position past the end");
	check(e->position == 0 || e->offset <= len, "error offset past end");
}

static void lex_all(const char *sql, size_t len)
{
	size_t pos = 0;
	for (;;) {
		struct alx_sql_token t;
		size_t before = pos;
		alx_sql_lex_next(sql, len, &pos, &t);
		check(t.start <= t.end && t.end <= len, "token out of range");
		if (t.kind == ALX_TOK_EOF || t.kind == ALX_TOK_ERROR)
			break;
		check(pos > before, "lexer did not advance");
	}
}

static int parse_all(struct alx_runtime *rt, const char *sql, size_t len,
		     const struct alx_sql_parse_opts *opts, size_t limit,
		     uint32_t *nstmts)
{
	struct alx_arena a;
	struct alx_sql_stmt_list l;
	struct alx_sql_error err = {0};
	alopex_diag d;
	alx_arena_init(&a, rt, 0);
	a.limit = limit;
	int rc = alx_sql_parse(&a, sql, len, opts, &l, &err, &d);
	if (rc != 0) {
		check_error(rc, &d, &err, sql, len);
	} else {
		*nstmts = l.n;
		for (uint32_t i = 0; i < l.n; i++) {
			check(l.v[i]->start <= l.v[i]->end &&
				      l.v[i]->end <= len,
			      "statement text out of range");
			char *t = alx_sql_stmt_print(&a, l.v[i]);
			check(t != NULL || limit != 0, "printer failed");
		}
	}
	alx_arena_fini(&a);
	return rc;
}

/* The one-at-a-time API sees the same statements. */
static void parse_each(struct alx_runtime *rt, const char *sql, size_t len,
		       int whole_rc, uint32_t whole_n)
{
	struct alx_arena a;
	size_t off = 0;
	uint32_t n = 0;
	int rc;
	alx_arena_init(&a, rt, 0);
	for (;;) {
		struct alx_sql_stmt *s;
		struct alx_sql_error err = {0};
		alopex_diag d;
		size_t next = 0;
		rc = alx_sql_parse_next(&a, sql, len, off, NULL, &s, &next,
					&err, &d);
		if (rc == ALOPEX_DONE) {
			rc = 0;
			break;
		}
		if (rc != 0) {
			check_error(rc, &d, &err, sql, len);
			break;
		}
		check(next > off && next <= len, "next does not advance");
		off = next;
		n++;
	}
	check(rc == whole_rc, "statement-wise and whole parse disagree");
	check(rc != 0 || n == whole_n, "statement counts disagree");
	alx_arena_fini(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alx_runtime *rt = NULL;
	alopex_diag d;
	const char *sql = (const char *)data;
	uint32_t n = 0, n2 = 0;
	if (size > (1u << 20))
		return 0;
	check(alx_runtime_create(NULL, &rt, &d) == 0, "no runtime");
	lex_all(sql, size);
	int rc = parse_all(rt, sql, size, NULL, 0, &n);
	if (rc != ALOPEX_ENOMEM)
		parse_each(rt, sql, size, rc, n);
	/* Tight limits: errors, never crashes. */
	struct alx_sql_parse_opts tight = {.max_len = 0, .max_depth = 8};
	int rc2 = parse_all(rt, sql, size, &tight, 0, &n2);
	check(rc2 == 0 || rc2 == ALOPEX_ESQL, "tight depth: bad code");
	check(rc != ALOPEX_ESQL || rc2 == ALOPEX_ESQL,
	      "a smaller depth limit accepted what the default refused");
	(void)parse_all(rt, sql, size, NULL, 4096, &n2);
	alx_runtime_destroy(rt);
	return 0;
}
