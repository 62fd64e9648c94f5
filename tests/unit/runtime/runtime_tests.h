/* Suites of the runtime unit tests, and their shared helpers. */
#ifndef RUNTIME_TESTS_H
#define RUNTIME_TESTS_H

#include "alx_test.h"
#include "alopex.h"

extern const struct alx_test_suite diag_suite;
extern const struct alx_test_suite codes_suite;
extern const struct alx_test_suite alloc_suite;
extern const struct alx_test_suite log_suite;
extern const struct alx_test_suite host_suite;
extern const struct alx_test_suite timer_suite;
extern const struct alx_test_suite registry_suite;

/*
 * An allocator that counts calls and live blocks and can fail the Nth
 * allocation (fail_at = N, 1-based; 0 never fails). Thread-safe.
 */
struct test_alloc {
	long fail_at;
	long calls;
	long live;
};
void test_alloc_reset(long fail_at);
/* Fail the Nth call counted since the last reset; keeps the counts. */
void test_alloc_fail_at(long fail_at);
long test_alloc_calls(void);
long test_alloc_live(void);
extern const alopex_allocator test_allocator;

void test_sleep_ms(long ms);

#endif
