/*
 * kv_contract_test: the storage engine contract, once per engine plugin.
 * An engine built OFF is skipped with a line saying so.
 */
#include <stdio.h>
#include <string.h>

#include "contract.h"

static int setup_wiredtiger(void)
{
	return ct_suite_setup("wiredtiger");
}

static int setup_memory(void)
{
	return ct_suite_setup("memory");
}

static int teardown(void)
{
	return ct_suite_teardown();
}

#define MAX_CASES 64

static struct alx_test_case wt_cases[MAX_CASES];
static struct alx_test_case mem_cases[MAX_CASES];

static size_t add_cases(struct alx_test_case *dst, size_t n,
			const struct alx_test_case *src)
{
	for (; src->name != NULL && n + 1 < MAX_CASES; src++)
		dst[n++] = *src;
	dst[n] = (struct alx_test_case){NULL, NULL};
	return n;
}

static void fill_cases(struct alx_test_case *dst, int wiredtiger)
{
	size_t n = 0;
	n = add_cases(dst, n, ct_kv_cases);
	n = add_cases(dst, n, ct_txn_cases);
	n = add_cases(dst, n, ct_log_cases);
	n = add_cases(dst, n, ct_special_cases);
	n = add_cases(dst, n, ct_insert_cases);
	if (wiredtiger)
		add_cases(dst, n, ct_wt_cases);
}

/* 1: registered (or failed to load: the suite setup reports it). */
static int engine_wanted(const char *name)
{
	struct alx_runtime *rt = NULL;
	if (ct_runtime_create(NULL, &rt) != 0)
		return 1;
	alopex_diag diag = {0};
	const struct alopex_plugin *p = ct_find_engine(rt, name, &diag);
	alx_runtime_destroy(rt);
	if (p != NULL || diag.code != 0)
		return 1;
	char upper[32];
	size_t i = 0;
	for (; name[i] != '\0' && i + 1 < sizeof(upper); i++)
		upper[i] = (char)(name[i] >= 'a' && name[i] <= 'z'
					  ? name[i] - 'a' + 'A'
					  : name[i]);
	upper[i] = '\0';
	printf("contract/%s: SKIPPED: the %s engine plugin is not built "
	       "(ALOPEX_PLUGIN_%s=OFF)\n",
	       name, name, upper);
	return 0;
}

int main(int argc, char **argv)
{
	static struct alx_test_suite wt_suite = {
		"contract/wiredtiger", setup_wiredtiger, teardown, wt_cases};
	static struct alx_test_suite mem_suite = {
		"contract/memory", setup_memory, teardown, mem_cases};
	fill_cases(wt_cases, 1);
	fill_cases(mem_cases, 0);
	const struct alx_test_suite *suites[3];
	size_t n = 0;
	if (engine_wanted("wiredtiger"))
		suites[n++] = &wt_suite;
	if (engine_wanted("memory"))
		suites[n++] = &mem_suite;
	suites[n] = NULL;
	return alx_test_main(argc, argv, suites);
}
