/*
 * JSON / JSONB: validation errors, JSONB normalisation and the -> ->> #>
 * #>> operators against tables produced by PostgreSQL 15.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_json.h"
#include "types2_tests.h"

struct json_case {
	const char *in, *json, *jsonb;
};
static const struct json_case json_cases[] = {
#include "json_cases.inc"
};

struct op_case {
	const char *type, *doc, *op, *arg, *out;
};
static const struct op_case op_cases[] = {
#include "jsonop_cases.inc"
};

static struct alx_runtime *rt;
static struct alx_arena arena;

static int setup(void)
{
	if (alx_runtime_create(NULL, &rt, NULL) != 0)
		return -1;
	alx_arena_init(&arena, rt, 0);
	return 0;
}

static int teardown(void)
{
	alx_arena_fini(&arena);
	alx_runtime_destroy(rt);
	return 0;
}

static void check(const char *what, const char *in, const char *got,
		  const char *want)
{
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "\n%s(%s): got [%s] want [%s]\n", what, in, got,
			want);
		CU_FAIL("output differs from PostgreSQL 15");
	} else {
		CU_PASS("ok");
	}
}

static void test_input_table(void)
{
	size_t n = sizeof(json_cases) / sizeof(json_cases[0]);
	CU_ASSERT(n > 150);
	for (size_t i = 0; i < n; i++) {
		const struct json_case *c = &json_cases[i];
		size_t len = strlen(c->in);
		char got[800];
		alopex_diag d;
		memset(&d, 0, sizeof(d));
		if (alx_json_validate(c->in, len, &d) == 0) {
			snprintf(got, sizeof(got), "%s", c->in);
		} else {
			CU_ASSERT_EQUAL(d.code, ALOPEX_ESQL);
			types2_err_text(&d, got, sizeof(got));
		}
		check("json", c->in, got, c->json);
		const char *out = NULL;
		size_t olen = 0;
		memset(&d, 0, sizeof(d));
		if (alx_jsonb_normalize(&arena, c->in, len, &out, &olen, &d) ==
		    0) {
			CU_ASSERT_EQUAL(strlen(out), olen);
			check("jsonb", c->in, out, c->jsonb);
			/* Normalised text is a fixed point. */
			const char *again = NULL;
			size_t alen = 0;
			CU_ASSERT_EQUAL(alx_jsonb_normalize(&arena, out, olen,
							    &again, &alen,
							    NULL),
					0);
			CU_ASSERT(again != NULL && strcmp(again, out) == 0);
		} else {
			types2_err_text(&d, got, sizeof(got));
			check("jsonb", c->in, got, c->jsonb);
		}
	}
	alx_arena_reset(&arena);
}

/* Parse the SQL argument of an operator case and run it. */
static void run_op(const struct op_case *c, const char *doc, size_t dlen,
		   int jsonb, char *got, size_t size)
{
	alopex_diag d;
	memset(&d, 0, sizeof(d));
	const char *out = NULL;
	size_t olen = 0;
	int found = 0, rc;
	int as_text = strstr(c->op, ">>") != NULL;
	char arg[128];
	snprintf(arg, sizeof(arg), "%s", c->arg);
	if (c->op[0] == '#') {
		/* '{a, b}' as PostgreSQL's array input reads it */
		struct alx_json_path_elem path[8];
		size_t np = 0;
		char *s = strchr(arg, '{') + 1;
		*strchr(s, '}') = '\0';
		while (*s != '\0' && np < 8) {
			while (*s == ' ')
				s++;
			char *e = strchr(s, ',');
			char *end = e ? e : s + strlen(s);
			char *t = end;
			while (t > s && t[-1] == ' ')
				t--;
			path[np].ptr = s;
			path[np].len = (size_t)(t - s);
			np++;
			s = e ? e + 1 : end;
		}
		rc = alx_json_get_path(&arena, doc, dlen, path, np, as_text,
				       jsonb, &out, &olen, &found, &d);
	} else if (arg[0] == '\'') {
		arg[strlen(arg) - 1] = '\0';
		rc = alx_json_get(&arena, doc, dlen, arg + 1, strlen(arg + 1),
				  0, as_text, jsonb, &out, &olen, &found, &d);
	} else {
		rc = alx_json_get(&arena, doc, dlen, NULL, 0, atol(arg),
				  as_text, jsonb, &out, &olen, &found, &d);
	}
	if (rc != 0)
		types2_err_text(&d, got, size);
	else if (!found)
		snprintf(got, size, "NULL");
	else
		snprintf(got, size, "%.*s", (int)olen, out);
}

static void test_operators(void)
{
	size_t n = sizeof(op_cases) / sizeof(op_cases[0]);
	CU_ASSERT(n > 500);
	for (size_t i = 0; i < n; i++) {
		const struct op_case *c = &op_cases[i];
		int jsonb = strcmp(c->type, "jsonb") == 0;
		const char *doc = c->doc;
		size_t dlen = strlen(doc);
		char got[800];
		alopex_diag d;
		memset(&d, 0, sizeof(d));
		if (jsonb && alx_jsonb_normalize(&arena, c->doc, dlen, &doc,
						 &dlen, &d) != 0) {
			types2_err_text(&d, got, sizeof(got));
		} else {
			CU_ASSERT_EQUAL(alx_json_validate(doc, dlen, NULL), 0);
			run_op(c, doc, dlen, jsonb, got, sizeof(got));
		}
		char what[64];
		snprintf(what, sizeof(what), "%s %s %s", c->type, c->op,
			 c->arg);
		check(what, c->doc, got, c->out);
	}
	alx_arena_reset(&arena);
}

static void test_depth(void)
{
	/* Nesting up to ALX_JSON_MAX_DEPTH passes; one more fails cleanly,
	 * as PostgreSQL's stack depth check does (somewhere above 10,000). */
	size_t depth = ALX_JSON_MAX_DEPTH;
	char *s = malloc(2 * depth + 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	for (int extra = 0; extra <= 1; extra++) {
		size_t n = depth + (size_t)extra;
		memset(s, '[', n);
		memset(s + n, ']', n);
		alopex_diag d;
		memset(&d, 0, sizeof(d));
		int rc = alx_json_validate(s, 2 * n, &d);
		const char *out;
		size_t olen;
		int rcb =
			alx_jsonb_normalize(&arena, s, 2 * n, &out, &olen, &d);
		if (extra == 0) {
			CU_ASSERT_EQUAL(rc, 0);
			CU_ASSERT_EQUAL(rcb, 0);
			CU_ASSERT_EQUAL(olen, 2 * n);
		} else {
			CU_ASSERT_EQUAL(rc, ALOPEX_ESQL);
			CU_ASSERT_EQUAL(rcb, ALOPEX_ESQL);
			CU_ASSERT_STRING_EQUAL(d.sqlstate, "54001");
			CU_ASSERT_STRING_EQUAL(d.message,
					       "stack depth limit exceeded");
		}
	}
	/* Unclosed deep nesting hits the same limit, not the end. */
	memset(s, '{', 1);
	for (size_t i = 0; i < depth + 1; i++)
		s[i] = '[';
	CU_ASSERT_EQUAL(alx_json_validate(s, depth + 1, NULL), ALOPEX_ESQL);
	free(s);
	alx_arena_reset(&arena);
}

static void test_arena_limit(void)
{
	/* Out of memory is an error, never a crash. */
	struct alx_arena small;
	alx_arena_init(&small, rt, 256);
	small.limit = 512;
	const char *doc = "{\"a\": [1, 2, 3, {\"b\": \"a long string value\"}],"
			  " \"c\": 1e300}";
	const char *out;
	size_t olen;
	alopex_diag d;
	memset(&d, 0, sizeof(d));
	CU_ASSERT_EQUAL(
		alx_jsonb_normalize(&small, doc, strlen(doc), &out, &olen, &d),
		ALOPEX_ENOMEM);
	alx_arena_fini(&small);
}

static const struct alx_test_case cases[] = {{"input_table", test_input_table},
					     {"operators", test_operators},
					     {"depth", test_depth},
					     {"arena_limit", test_arena_limit},
					     {NULL, NULL}};

const struct alx_test_suite types2_json_suite = {"sql/json", setup, teardown,
						 cases};
