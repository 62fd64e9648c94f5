#include <stdint.h>
#include <string.h>

#include "alx_test.h"
#include "runtime/alx_arena.h"
#include "runtime/alx_runtime.h"

static void test_alloc_align_reset(void)
{
	struct alx_runtime *rt = NULL;
	CU_ASSERT_EQUAL_FATAL(alx_runtime_create(NULL, &rt, NULL), 0);
	struct alx_arena a;
	alx_arena_init(&a, rt, 128);
	for (int i = 1; i < 200; i++) {
		unsigned char *p = alx_arena_alloc(&a, (size_t)i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		CU_ASSERT_EQUAL((uintptr_t)p % 16, 0);
		memset(p, i, (size_t)i); /* ASan catches overlap/overflow */
	}
	/* Bigger than a chunk. */
	char *big = alx_arena_alloc(&a, 10000);
	CU_ASSERT_PTR_NOT_NULL(big);
	memset(big, 1, 10000);
	CU_ASSERT_STRING_EQUAL(alx_arena_printf(&a, "%d-%s", 42, "x"), "42-x");
	CU_ASSERT_STRING_EQUAL(alx_arena_strndup(&a, "abcdef", 3), "abc");
	int *z = alx_arena_calloc(&a, 10, sizeof(int));
	CU_ASSERT(z[0] == 0 && z[9] == 0);
	CU_ASSERT_PTR_NULL(alx_arena_calloc(&a, SIZE_MAX / 2, 4));
	alx_arena_reset(&a);
	CU_ASSERT_EQUAL(a.used, 0);
	CU_ASSERT_PTR_NOT_NULL(alx_arena_alloc(&a, 64));
	/* Limits. */
	a.limit = 1024;
	CU_ASSERT_PTR_NULL(alx_arena_alloc(&a, 2048));
	CU_ASSERT_PTR_NOT_NULL(alx_arena_alloc(&a, 512));
	alx_arena_fini(&a);
	alx_runtime_destroy(rt);
}

int main(int argc, char **argv)
{
	static const struct alx_test_case cases[] = {
		{"alloc_align_reset", test_alloc_align_reset}, {NULL, NULL}};
	static const struct alx_test_suite suite = {"runtime/arena", NULL, NULL,
						    cases};
	const struct alx_test_suite *suites[] = {&suite, NULL};
	return alx_test_main(argc, argv, suites);
}
