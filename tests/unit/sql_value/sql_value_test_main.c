/*
 * SQL value tests: text I/O, operators, casts and comparison against
 * expectations taken from PostgreSQL 15 (pg15_cases.inc), NUMERIC at
 * large precision, and key/row encodings by property.
 */
#include <stdio.h>
#include <string.h>

#include "runtime/alx_runtime.h"
#include "sql_value_tests.h"

struct alx_arena *tv_arena;
static struct alx_arena arena;
static struct alx_runtime *runtime;

int tv_setup(void)
{
	if (runtime == NULL && alx_runtime_create(NULL, &runtime, NULL) != 0)
		return -1;
	alx_arena_fini(&arena);
	alx_arena_init(&arena, runtime, 0);
	tv_arena = &arena;
	return 0;
}

int tv_teardown(void)
{
	alx_arena_fini(&arena);
	tv_arena = NULL;
	return 0;
}

struct alx_type tv_type(int id, int mod, int scale)
{
	struct alx_type t = {.id = (uint8_t)id, .mod = mod, .scale = scale};
	return t;
}

struct alx_value tv_in(int id, int mod, const char *text)
{
	struct alx_value v = alx_value_null(id);
	alopex_diag d;
	int rc = alx_value_in(tv_arena, tv_type(id, mod, 0), text, strlen(text),
			      NULL, &v, &d);
	if (rc != 0)
		fprintf(stderr, "\ninput of \"%s\" as type %d failed: %s\n",
			text, id, d.message);
	CU_ASSERT_EQUAL(rc, 0);
	return v;
}

const char *tv_out(const struct alx_value *v)
{
	const char *s = NULL;
	size_t n = 0;
	alopex_diag d;
	int rc = alx_value_out(tv_arena, v, NULL, &s, &n, &d);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0 || s == NULL)
		return "";
	CU_ASSERT_EQUAL(strlen(s), n);
	return s;
}

const char *tv_result(int rc, const alopex_diag *d, const struct alx_value *v)
{
	if (rc != 0)
		return alx_arena_printf(tv_arena, "ERR %s %s", d->sqlstate,
					d->message);
	if (v->null)
		return "NULL";
	return alx_arena_printf(tv_arena, "OK %s", tv_out(v));
}

uint64_t tv_rand(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * UINT64_C(2685821657736338717);
}

bool tv_expect(const char *what, int rc, const alopex_diag *d,
	       const struct alx_value *v, const char *out, const char *state)
{
	bool ok;
	if (state == NULL) {
		ok = rc == 0 && strcmp(tv_out(v), out) == 0;
	} else if (strcmp(state, "PREFIX") == 0) {
		ok = rc == 0 && strncmp(tv_out(v), out, strlen(out)) == 0;
	} else {
		ok = rc == ALOPEX_ESQL && strcmp(d->sqlstate, state) == 0 &&
		     strcmp(d->message, out) == 0;
	}
	if (!ok)
		fprintf(stderr, "\n%s:\n  expected %s %s\n  got      %s\n",
			what, state ? state : "OK", out, tv_result(rc, d, v));
	return ok;
}

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {&suite_io,	  &suite_ops,
						 &suite_numeric,  &suite_keyenc,
						 &suite_interval, NULL};
	int rc = alx_test_main(argc, argv, suites);
	alx_arena_fini(&arena);
	alx_runtime_destroy(runtime);
	return rc;
}
