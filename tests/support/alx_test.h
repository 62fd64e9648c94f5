/*
 * Test support: CUnit suites declared as data, one runner per executable.
 *
 *   static const struct alx_test_case cases[] = {
 *       {"put_then_get", test_put_then_get}, {NULL, NULL}};
 *   const struct alx_test_suite suite_x = {"kv/basic", NULL, NULL, cases};
 *   int main(int argc, char **argv) {
 *       const struct alx_test_suite *s[] = {&suite_x, NULL};
 *       return alx_test_main(argc, argv, s);
 *   }
 *
 * Usage: test-binary [SUITE[/TEST]] runs everything, one suite or one test.
 * The exit code is non-zero when anything failed (CUnit's basic runner
 * alone returns 0 on failures).
 */
#ifndef ALX_TEST_H
#define ALX_TEST_H

#include <CUnit/CUnit.h>

struct alx_test_case {
	const char *name;
	void (*fn)(void);
};

struct alx_test_suite {
	const char *name;
	int (*setup)(void);		   /* may be NULL */
	int (*teardown)(void);		   /* may be NULL */
	const struct alx_test_case *cases; /* {NULL, NULL}-terminated */
};

int alx_test_main(int argc, char **argv,
		  const struct alx_test_suite *const *suites);

/* A fresh empty directory under $TMPDIR (or /tmp); caller frees the string. */
char *alx_test_tmpdir(const char *tag);
/* rm -rf; NULL-safe. */
void alx_test_rmdir(const char *path);
/* Directory of the build's shared plugins (ALOPEX_PLUGIN_BUILD_DIR). */
const char *alx_test_plugin_dir(void);
/* Source tree root (for config/ and tests/ data files). */
const char *alx_test_source_dir(void);
/* Write text to path; returns 0 or -1. */
int alx_test_write_file(const char *path, const char *text);

#endif
