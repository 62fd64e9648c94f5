#include "alx_test.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int register_suite(const struct alx_test_suite *s, const char *only_test)
{
	CU_pSuite cs = CU_add_suite(s->name, s->setup, s->teardown);
	if (cs == NULL)
		return -1;
	int added = 0;
	for (const struct alx_test_case *c = s->cases; c->name != NULL; c++) {
		if (only_test != NULL && strcmp(only_test, c->name) != 0)
			continue;
		if (CU_add_test(cs, c->name, c->fn) == NULL)
			return -1;
		added++;
	}
	return added;
}

int alx_test_main(int argc, char **argv,
		  const struct alx_test_suite *const *suites)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "CUnit: cannot initialise the registry\n");
		return 2;
	}
	int matched = 0;
	for (size_t i = 0; suites[i] != NULL; i++) {
		const struct alx_test_suite *s = suites[i];
		const char *only_test = NULL;
		if (filter != NULL) {
			size_t n = strlen(s->name);
			if (strncmp(filter, s->name, n) != 0)
				continue;
			if (filter[n] == '/')
				only_test = filter + n + 1;
			else if (filter[n] != '\0')
				continue;
		}
		int added = register_suite(s, only_test);
		if (added < 0) {
			fprintf(stderr, "CUnit: cannot register suite %s\n",
				s->name);
			CU_cleanup_registry();
			return 2;
		}
		matched += added;
	}
	if (filter != NULL && matched == 0) {
		fprintf(stderr, "no suite or test matches '%s'\n", filter);
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() +
			  CU_get_number_of_tests_failed() +
			  CU_get_number_of_suites_failed();
	int err = CU_get_error();
	CU_cleanup_registry();
	fflush(stdout);
	return failed ? 1 : (err != CUE_SUCCESS ? 2 : 0);
}

char *alx_test_tmpdir(const char *tag)
{
	const char *base = getenv("TMPDIR");
	if (base == NULL || *base == '\0')
		base = "/tmp";
	size_t n = strlen(base) + strlen(tag) + 32;
	char *path = malloc(n);
	if (path == NULL)
		return NULL;
	snprintf(path, n, "%s/alopex-%s-XXXXXX", base, tag);
	if (mkdtemp(path) == NULL) {
		free(path);
		return NULL;
	}
	return path;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

void alx_test_rmdir(const char *path)
{
	if (path != NULL)
		nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *alx_test_plugin_dir(void)
{
	return ALX_TEST_PLUGIN_DIR;
}

const char *alx_test_source_dir(void)
{
	return ALX_TEST_SOURCE_DIR;
}

int alx_test_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	size_t n = strlen(text);
	int rc = fwrite(text, 1, n, f) == n ? 0 : -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}
