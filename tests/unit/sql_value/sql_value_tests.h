/* Shared helpers of the SQL value tests (sql_value_test_main.c). */
#ifndef SQL_VALUE_TESTS_H
#define SQL_VALUE_TESTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alx_test.h"
#include "runtime/alx_arena.h"
#include "sql/sql_value.h"

/* One arena per test binary run, reset by each suite's setup. */
extern struct alx_arena *tv_arena;

int tv_setup(void);
int tv_teardown(void);

struct alx_type tv_type(int id, int mod, int scale);
/* alx_value_in that must succeed (a CUnit failure otherwise). */
struct alx_value tv_in(int id, int mod, const char *text);
/* alx_value_out of a value that must succeed; "" for failures. */
const char *tv_out(const struct alx_value *v);
/* Describe a failure: "<sqlstate> <message>" or "OK <output>". */
const char *tv_result(int rc, const alopex_diag *d, const struct alx_value *v);
/* A deterministic pseudo-random generator (xorshift64*). */
uint64_t tv_rand(uint64_t *state);

/* Check one expected result: out is the expected output when state is
 * NULL, else the expected message; prints the case on mismatch. */
bool tv_expect(const char *what, int rc, const alopex_diag *d,
	       const struct alx_value *v, const char *out, const char *state);

extern const struct alx_test_suite suite_io;
extern const struct alx_test_suite suite_ops;
extern const struct alx_test_suite suite_numeric;
extern const struct alx_test_suite suite_keyenc;
extern const struct alx_test_suite suite_interval;

#endif
