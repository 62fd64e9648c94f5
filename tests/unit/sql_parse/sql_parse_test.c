/*
 * SQL lexer and parser tests: the table of statements and trees, the
 * table of errors checked against PostgreSQL 15, the one-at-a-time API,
 * nesting and length limits, allocation failures, and the lexer's
 * operator and identifier rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alx_test.h"
#include "runtime/alx_arena.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_ast.h"
#include "sql/sql_lex.h"
#include "sql_parse_tests.h"

static struct alx_runtime *rt;

static int setup(void)
{
	alopex_diag d;
	return alx_runtime_create(NULL, &rt, &d) == 0 ? 0 : -1;
}

static int teardown(void)
{
	alx_runtime_destroy(rt);
	rt = NULL;
	return 0;
}

/* Parses every statement and prints the trees joined by spaces. */
static int parse_print(struct alx_arena *a, const char *sql, size_t len,
		       const struct alx_sql_parse_opts *opts, char **out,
		       struct alx_sql_error *err, alopex_diag *d)
{
	struct alx_sql_stmt_list l;
	int rc = alx_sql_parse(a, sql, len, opts, &l, err, d);
	if (rc != 0)
		return rc;
	size_t cap = 64, n = 0;
	char *buf = alx_arena_alloc(a, cap);
	if (buf == NULL)
		return ALOPEX_ENOMEM;
	buf[0] = '\0';
	for (uint32_t i = 0; i < l.n; i++) {
		char *t = alx_sql_stmt_print(a, l.v[i]);
		if (t == NULL)
			return ALOPEX_ENOMEM;
		size_t tl = strlen(t);
		if (n + tl + 2 > cap) {
			while (n + tl + 2 > cap)
				cap *= 2;
			char *nb = alx_arena_alloc(a, cap);
			if (nb == NULL)
				return ALOPEX_ENOMEM;
			memcpy(nb, buf, n + 1);
			buf = nb;
		}
		if (i)
			buf[n++] = ' ';
		memcpy(buf + n, t, tl + 1);
		n += tl;
	}
	*out = buf;
	return 0;
}

static void test_cases(void)
{
	int count = 0, bad = 0;
	for (const struct sql_case *c = sql_cases; c->sql != NULL; c++) {
		struct alx_arena a;
		struct alx_sql_error err;
		alopex_diag d;
		char *tree = NULL;
		alx_arena_init(&a, rt, 0);
		int rc = parse_print(&a, c->sql, strlen(c->sql), NULL, &tree,
				     &err, &d);
		if (rc != 0 || strcmp(tree, c->tree) != 0) {
			fprintf(stderr, "\nSQL:  %s\nwant: %s\ngot:  %s\n",
				c->sql, c->tree, rc ? d.message : tree);
			bad++;
		}
		alx_arena_fini(&a);
		count++;
	}
	CU_ASSERT(count >= 250);
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_errors(void)
{
	int count = 0, bad = 0;
	for (const struct sql_error_case *c = sql_error_cases; c->sql != NULL;
	     c++) {
		struct alx_arena a;
		struct alx_sql_error err = {0};
		alopex_diag d;
		char *tree = NULL;
		alx_arena_init(&a, rt, 0);
		int rc = parse_print(&a, c->sql, strlen(c->sql), NULL, &tree,
				     &err, &d);
		bool ok = rc == ALOPEX_ESQL && d.code == ALOPEX_ESQL &&
			  strcmp(d.sqlstate, c->sqlstate) == 0 &&
			  strcmp(d.message, c->message) == 0 &&
			  err.position == c->position &&
			  ((c->hint == NULL && err.hint == NULL) ||
			   (c->hint != NULL && err.hint != NULL &&
			    strcmp(c->hint, err.hint) == 0));
		if (!ok) {
			fprintf(stderr,
				"\nSQL:  %s\nwant: %s %u %s\ngot:  rc=%d %s %u "
				"%s%s%s\n",
				c->sql, c->sqlstate, c->position, c->message,
				rc, rc ? d.sqlstate : "-", err.position,
				rc ? d.message : tree, err.hint ? " HINT " : "",
				err.hint ? err.hint : "");
			bad++;
		}
		alx_arena_fini(&a);
		count++;
	}
	CU_ASSERT(count >= 60);
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_parse_next(void)
{
	const char *sql = "select 1; ;select 2 ;  -- c\n ; ";
	size_t len = strlen(sql), next = 0, off = 0;
	struct alx_arena a;
	struct alx_sql_stmt *s;
	struct alx_sql_error err;
	alopex_diag d;
	alx_arena_init(&a, rt, 0);
	CU_ASSERT_EQUAL(alx_sql_parse_next(&a, sql, len, off, NULL, &s, &next,
					   &err, &d),
			0);
	CU_ASSERT_EQUAL(s->kind, ALX_SQL_STMT_SELECT);
	CU_ASSERT_EQUAL(s->start, 0);
	CU_ASSERT_EQUAL(s->end, 8);
	CU_ASSERT_EQUAL(next, 9);
	off = next;
	CU_ASSERT_EQUAL(alx_sql_parse_next(&a, sql, len, off, NULL, &s, &next,
					   &err, &d),
			0);
	CU_ASSERT_EQUAL(s->start, 11);
	CU_ASSERT_EQUAL(s->end, 19);
	CU_ASSERT_EQUAL(s->loc, 11);
	CU_ASSERT_EQUAL(next, 21);
	off = next;
	next = 12345;
	CU_ASSERT_EQUAL(alx_sql_parse_next(&a, sql, len, off, NULL, &s, &next,
					   &err, &d),
			ALOPEX_DONE);
	CU_ASSERT_EQUAL(next, 12345);
	/* nothing at all */
	CU_ASSERT_EQUAL(
		alx_sql_parse_next(&a, "", 0, 0, NULL, &s, &next, &err, &d),
		ALOPEX_DONE);
	struct alx_sql_stmt_list l;
	CU_ASSERT_EQUAL(alx_sql_parse(&a, " ;; -- x", 8, NULL, &l, &err, &d),
			0);
	CU_ASSERT_EQUAL(l.n, 0);
	/* the last statement needs no ';' */
	CU_ASSERT_EQUAL(
		alx_sql_parse(&a, "begin; commit", 13, NULL, &l, &err, &d), 0);
	CU_ASSERT_EQUAL(l.n, 2);
	/* positions count from the start of the whole text */
	const char *two = "select 1; select (";
	CU_ASSERT_EQUAL(alx_sql_parse_next(&a, two, strlen(two), 9, NULL, &s,
					   &next, &err, &d),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.message, "syntax error at end of input");
	CU_ASSERT_EQUAL(err.position, 19);
	CU_ASSERT_EQUAL(err.offset, 18);
	/* an error anywhere fails the whole text, as PostgreSQL does */
	CU_ASSERT_EQUAL(
		alx_sql_parse(&a, "select 1; selec 2", 17, NULL, &l, &err, &d),
		ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.message, "syntax error at or near \"selec\"");
	CU_ASSERT_EQUAL(err.position, 11);
	alx_arena_fini(&a);
}

static char *repeat(const char *head, const char *unit, size_t n,
		    const char *mid, const char *unit2, size_t n2,
		    const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), ml = strlen(mid),
	       u2 = strlen(unit2), tl = strlen(tail);
	char *s = malloc(hl + ul * n + ml + u2 * n2 + tl + 1);
	if (s == NULL)
		return NULL;
	char *p = s;
	memcpy(p, head, hl);
	p += hl;
	for (size_t i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, mid, ml);
	p += ml;
	for (size_t i = 0; i < n2; i++, p += u2)
		memcpy(p, unit2, u2);
	memcpy(p, tail, tl + 1);
	return s;
}

/* The statement must fail with 54001 and a hint, not crash. */
static void expect_too_deep(const char *sql, const char *what)
{
	struct alx_arena a;
	struct alx_sql_stmt_list l;
	struct alx_sql_error err = {0};
	alopex_diag d;
	alx_arena_init(&a, rt, 0);
	int rc = alx_sql_parse(&a, sql, strlen(sql), NULL, &l, &err, &d);
	if (rc != ALOPEX_ESQL || strcmp(d.sqlstate, "54001") != 0)
		fprintf(stderr, "\n%s: rc %d %s\n", what, rc, d.message);
	CU_ASSERT_EQUAL(rc, ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "54001");
	CU_ASSERT_STRING_EQUAL(d.message, "stack depth limit exceeded");
	CU_ASSERT_PTR_NOT_NULL(err.hint);
	CU_ASSERT(err.position > 0);
	alx_arena_fini(&a);
}

#define DEEP 100000

static void test_depth_limits(void)
{
	struct {
		const char *head, *unit, *mid, *unit2, *tail, *what;
	} deep[] = {
		{"select ", "(", "1", ")", "", "parentheses"},
		{"select 1", "+1", "", "", "", "chained +"},
		{"select 1", "||1", "", "", "", "chained ||"},
		{"select 1", "::int", "", "", "", "chained casts"},
		{"select ", "- ", "1", "", "", "unary minus"},
		{"select ", "not ", "true", "", "", "NOT"},
		{"select ", "(select ", "1", ")", "", "subqueries"},
		{"select ", "f(", "1", ")", "", "function calls"},
		{"select array", "[", "1", "]", "", "nested arrays"},
		{"select ", "case when true then ", "1", " end", "", "CASE"},
		{"select 1", " union select 1", "", "", "", "UNION chain"},
		{"select * from t", " join t on true", "", "", "", "joins"},
		{"select * from ", "(", "t join t on true", ")", "",
		 "paren joins"},
		{"select 1 from t where a", " in (select a from t where a", "",
		 ")", "", "IN subqueries"},
		{"select ", "((select 1) + ", "1", ")", "",
		 "query/expr parens"},
		{"select ", "row(", "1", ")", "", "rows"},
		{"select a", "[1]", "", "", "", "subscripts"},
		{"select ", "coalesce(", "1", ")", "", "COALESCE"},
	};
	for (size_t i = 0; i < sizeof(deep) / sizeof(deep[0]); i++) {
		char *sql = repeat(deep[i].head, deep[i].unit, DEEP,
				   deep[i].mid, deep[i].unit2,
				   *deep[i].unit2 ? DEEP : 0, deep[i].tail);
		CU_ASSERT_PTR_NOT_NULL_FATAL(sql);
		expect_too_deep(sql, deep[i].what);
		free(sql);
	}
}

/* AND and OR chains are flattened, so 100,000 of them are fine. */
static void test_flat_bool_chains(void)
{
	const char *ops[] = {" and a", " or a"};
	for (int k = 0; k < 2; k++) {
		char *sql = repeat("select a", ops[k], DEEP, "", "", 0, "");
		struct alx_arena a;
		struct alx_sql_stmt_list l;
		struct alx_sql_error err;
		alopex_diag d;
		alx_arena_init(&a, rt, 0);
		CU_ASSERT_EQUAL_FATAL(
			alx_sql_parse(&a, sql, strlen(sql), NULL, &l, &err, &d),
			0);
		const struct alx_sql_expr *e =
			l.v[0]->u.select->targets[0].expr;
		CU_ASSERT_EQUAL(e->kind, k ? ALX_SQL_E_OR : ALX_SQL_E_AND);
		CU_ASSERT_EQUAL(e->u.list.n, DEEP + 1);
		CU_ASSERT_EQUAL(e->height, 2);
		alx_arena_fini(&a);
		free(sql);
	}
}

static void test_configured_limits(void)
{
	struct alx_arena a;
	struct alx_sql_stmt_list l;
	struct alx_sql_error err;
	alopex_diag d;
	struct alx_sql_parse_opts o = {0};
	alx_arena_init(&a, rt, 0);
	o.max_depth = 10;
	CU_ASSERT_EQUAL(
		alx_sql_parse(&a, "select ((((1))))", 16, &o, &l, &err, &d), 0);
	CU_ASSERT_EQUAL(alx_sql_parse(&a, "select ((((((((((1))))))))))", 28,
				      &o, &l, &err, &d),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "54001");
	/* a long + chain against a small limit */
	CU_ASSERT_EQUAL(alx_sql_parse(&a, "select 1+1+1+1+1+1+1+1+1+1+1", 28,
				      &o, &l, &err, &d),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "54001");
	o.max_depth = 0;
	o.max_len = 12;
	CU_ASSERT_EQUAL(alx_sql_parse(&a, "select 12345", 12, &o, &l, &err, &d),
			0);
	CU_ASSERT_EQUAL(
		alx_sql_parse(&a, "select 123456", 13, &o, &l, &err, &d),
		ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "54000");
	CU_ASSERT_EQUAL(err.position, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "too long"));
	alx_arena_fini(&a);
}

static void test_params(void)
{
	struct alx_arena a;
	struct alx_sql_stmt_list l;
	struct alx_sql_error err;
	alopex_diag d;
	alx_arena_init(&a, rt, 0);
	CU_ASSERT_EQUAL_FATAL(alx_sql_parse(&a, "select $1, $65535; select 1",
					    27, NULL, &l, &err, &d),
			      0);
	CU_ASSERT_EQUAL(l.v[0]->max_param, 65535);
	CU_ASSERT_EQUAL(l.v[1]->max_param, 0);
	CU_ASSERT_EQUAL(l.v[0]->u.select->targets[1].expr->u.param.number,
			65535);
	/* $0 is the binder's to refuse ("there is no parameter $0") */
	CU_ASSERT_EQUAL(alx_sql_parse(&a, "select $0", 9, NULL, &l, &err, &d),
			0);
	CU_ASSERT_EQUAL(alx_sql_parse(&a, "select $99999999999999999999", 28,
				      NULL, &l, &err, &d),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.message,
			       "parameter number too large at or near "
			       "\"$99999999999999999999\"");
	alx_arena_fini(&a);
}

/* Every allocation failure ends in ALOPEX_ENOMEM, never a crash. */
static void test_out_of_memory(void)
{
	const char *sql =
		"with x as (select a, b from t where c in (1, 2) order by a) "
		"insert into u (a, b) select * from x on conflict (a) do "
		"update set b = excluded.b returning *; create table v (a "
		"int primary key, b text default 'x'); select f(a) filter "
		"(where a > 0) from t join u using (a) group by 1";
	bool succeeded = false;
	for (size_t limit = 256; limit < (1u << 20) && !succeeded;
	     limit += 256) {
		struct alx_arena a;
		struct alx_sql_stmt_list l;
		struct alx_sql_error err;
		alopex_diag d;
		alx_arena_init(&a, rt, 1024);
		a.limit = limit;
		int rc =
			alx_sql_parse(&a, sql, strlen(sql), NULL, &l, &err, &d);
		CU_ASSERT(rc == 0 || rc == ALOPEX_ENOMEM);
		if (rc == ALOPEX_ENOMEM)
			CU_ASSERT_STRING_EQUAL(d.sqlstate, "53200");
		succeeded = rc == 0;
		alx_arena_fini(&a);
	}
	CU_ASSERT(succeeded);
}

static void test_nul_and_bad_bytes(void)
{
	struct alx_arena a;
	struct alx_sql_stmt_list l;
	struct alx_sql_error err;
	alopex_diag d;
	alx_arena_init(&a, rt, 0);
	CU_ASSERT_EQUAL(alx_sql_parse(&a, "select 1\0", 9, NULL, &l, &err, &d),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "22021");
	CU_ASSERT_EQUAL(err.position, 0);
	/* checked against PostgreSQL 15: E'\xc3(' is 0xc3 0x28 */
	CU_ASSERT_EQUAL(
		alx_sql_parse(&a, "select e'\\xc3('", 15, NULL, &l, &err, &d),
		ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(
		d.message,
		"invalid byte sequence for encoding \"UTF8\": 0xc3 0x28");
	alx_arena_fini(&a);
}

/* Common column names that are keywords stay usable, and the tree keeps
 * them as plain names. */
static void test_keyword_identifiers(void)
{
	static const char *const words[] = {
		"name",	  "value",     "key",	   "type",     "text",
		"date",	  "timestamp", "data",	   "position", "year",
		"action", "level",     "status",   "password", "role",
		"zone",	  "source",    "interval", "time",     "char",
		"int",	  "left",      "right",
	};
	struct alx_arena a;
	alx_arena_init(&a, rt, 0);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		const char *w = words[i];
		/* type_func_name keywords (left, right) need quoting in
		 * column definitions and select lists, as in PostgreSQL */
		bool quote = strcmp(w, "left") == 0 || strcmp(w, "right") == 0;
		char *sql = alx_arena_printf(
			&a,
			"create table t (%s%s%s int); select t.%s, %s%s%s from "
			"t",
			quote ? "\"" : "", w, quote ? "\"" : "", w,
			quote ? "\"" : "", w, quote ? "\"" : "");
		struct alx_sql_stmt_list l;
		struct alx_sql_error err;
		alopex_diag d;
		int rc =
			alx_sql_parse(&a, sql, strlen(sql), NULL, &l, &err, &d);
		if (rc != 0)
			fprintf(stderr, "\n%s: %s\n", sql, d.message);
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		CU_ASSERT_STRING_EQUAL(l.v[0]->u.create_table->cols[0].name.ptr,
				       w);
		const struct alx_sql_select *q = l.v[1]->u.select;
		CU_ASSERT_EQUAL(q->ntargets, 2);
		CU_ASSERT_STRING_EQUAL(
			q->targets[0].expr->u.column.names.v[1].ptr, w);
		CU_ASSERT_STRING_EQUAL(
			q->targets[1].expr->u.column.names.v[0].ptr, w);
	}
	alx_arena_fini(&a);
}

static int lex_kinds(const char *sql, int *kinds, int max)
{
	size_t pos = 0;
	int n = 0;
	for (; n < max; n++) {
		struct alx_sql_token t;
		alx_sql_lex_next(sql, strlen(sql), &pos, &t);
		kinds[n] = t.kind;
		if (t.kind == ALX_TOK_EOF || t.kind == ALX_TOK_ERROR)
			return n;
	}
	return n;
}

/* PostgreSQL's operator rules (scan.l), checked against PG 15. */
static void test_lexer_operators(void)
{
	int k[8];
	CU_ASSERT_EQUAL(lex_kinds("a<-1", k, 8), 4);
	CU_ASSERT(k[0] == ALX_TOK_IDENT && k[1] == '<' && k[2] == '-' &&
		  k[3] == ALX_TOK_ICONST);
	CU_ASSERT_EQUAL(lex_kinds("a<->b", k, 8), 3);
	CU_ASSERT_EQUAL(k[1], ALX_TOK_OP);
	CU_ASSERT_EQUAL(lex_kinds("a < ->b", k, 8), 4);
	CU_ASSERT(k[1] == '<' && k[2] == ALX_TOK_OP);
	CU_ASSERT_EQUAL(lex_kinds("a@-1", k, 8), 3);
	CU_ASSERT_EQUAL(k[1], ALX_TOK_OP);
	CU_ASSERT_EQUAL(lex_kinds("a!=b<>c<=d>=e", k, 8), 8);
	CU_ASSERT(k[1] == ALX_TOK_NOT_EQUALS && k[3] == ALX_TOK_NOT_EQUALS &&
		  k[5] == ALX_TOK_LESS_EQUALS &&
		  k[7] == ALX_TOK_GREATER_EQUALS);
	CU_ASSERT_EQUAL(lex_kinds("x::int", k, 8), 3);
	CU_ASSERT_EQUAL(k[1], ALX_TOK_TYPECAST);
	CU_ASSERT_EQUAL(lex_kinds("1..2", k, 8), 3);
	CU_ASSERT(k[0] == ALX_TOK_ICONST && k[1] == ALX_TOK_DOT_DOT);
	CU_ASSERT_EQUAL(lex_kinds("a+/*c*/b", k, 8), 3);
	CU_ASSERT_EQUAL(k[1], '+');
	CU_ASSERT_EQUAL(lex_kinds("a*--c\nb", k, 8), 3);
	CU_ASSERT_EQUAL(k[1], '*');
	CU_ASSERT_EQUAL(lex_kinds("1e5 .5 1.", k, 8), 3);
	CU_ASSERT(k[0] == ALX_TOK_FCONST && k[1] == ALX_TOK_FCONST &&
		  k[2] == ALX_TOK_FCONST);
	CU_ASSERT_EQUAL(lex_kinds("$a$x$a$ $$y$$", k, 8), 2);
	CU_ASSERT(k[0] == ALX_TOK_DCONST && k[1] == ALX_TOK_DCONST);
	CU_ASSERT_EQUAL(alx_sql_keyword_cat(alx_sql_keyword("select", 6)),
			ALX_KWC_R);
	CU_ASSERT_EQUAL(alx_sql_keyword_cat(alx_sql_keyword("name", 4)),
			ALX_KWC_U);
	CU_ASSERT_EQUAL(alx_sql_keyword_cat(alx_sql_keyword("left", 4)),
			ALX_KWC_T);
	CU_ASSERT_EQUAL(alx_sql_keyword_cat(alx_sql_keyword("between", 7)),
			ALX_KWC_C);
	CU_ASSERT_EQUAL(alx_sql_keyword("vector", 6), ALX_NOT_KW);
	CU_ASSERT(alx_sql_keyword_bare(ALX_KW_VALUE));
	CU_ASSERT(!alx_sql_keyword_bare(ALX_KW_FROM));
}

static void test_identifier_truncation(void)
{
	struct alx_arena a;
	struct alx_sql_token t;
	char sql[128];
	size_t pos = 0;
	uint32_t len;
	alx_arena_init(&a, rt, 0);
	/* 62 ASCII bytes then a 2-byte character: cut before it */
	memset(sql, 'x', 62);
	memcpy(sql + 62, "\xc3\xa9yz", 5);
	alx_sql_lex_next(sql, strlen(sql), &pos, &t);
	char *name = alx_sql_lex_ident(&a, sql, &t, &len);
	CU_ASSERT_EQUAL(len, 62);
	CU_ASSERT_EQUAL(strlen(name), 62);
	/* quoted: case kept, "" undoubled */
	const char *q = "\"Ab\"\"C\"";
	pos = 0;
	alx_sql_lex_next(q, strlen(q), &pos, &t);
	name = alx_sql_lex_ident(&a, q, &t, &len);
	CU_ASSERT_STRING_EQUAL(name, "Ab\"C");
	alx_arena_fini(&a);
}

/* Node locations are byte offsets of the token PostgreSQL reports at. */
static void test_locations(void)
{
	struct alx_arena a;
	struct alx_sql_stmt_list l;
	struct alx_sql_error err;
	alopex_diag d;
	const char *sql = "select a + b, f(x) from t where c";
	alx_arena_init(&a, rt, 0);
	CU_ASSERT_EQUAL_FATAL(
		alx_sql_parse(&a, sql, strlen(sql), NULL, &l, &err, &d), 0);
	const struct alx_sql_select *q = l.v[0]->u.select;
	CU_ASSERT_EQUAL(q->loc, 0);
	CU_ASSERT_EQUAL(q->targets[0].loc, 7);
	CU_ASSERT_EQUAL(q->targets[0].expr->loc, 9); /* the operator */
	CU_ASSERT_EQUAL(q->targets[0].expr->u.op.l->loc, 7);
	CU_ASSERT_EQUAL(q->targets[1].expr->loc, 14);
	CU_ASSERT_EQUAL(q->from[0]->loc, 24);
	CU_ASSERT_EQUAL(q->where->loc, 32);
	alx_arena_fini(&a);
}

static const struct alx_test_case cases[] = {
	{"statements", test_cases},
	{"errors", test_errors},
	{"parse_next", test_parse_next},
	{"depth_limits", test_depth_limits},
	{"flat_bool_chains", test_flat_bool_chains},
	{"configured_limits", test_configured_limits},
	{"params", test_params},
	{"out_of_memory", test_out_of_memory},
	{"nul_and_bad_bytes", test_nul_and_bad_bytes},
	{"keyword_identifiers", test_keyword_identifiers},
	{"lexer_operators", test_lexer_operators},
	{"identifier_truncation", test_identifier_truncation},
	{"locations", test_locations},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"sql/parse", setup, teardown,
					    cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
