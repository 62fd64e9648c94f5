/* alopex_diag formatting and the code tables. */
#include "runtime/alx_diag.h"
#include "runtime_tests.h"

#include <string.h>

static void test_clear(void)
{
	alopex_diag d;
	memset(&d, 'x', sizeof(d));
	alx_diag_clear(&d);
	CU_ASSERT_EQUAL(d.code, ALOPEX_OK);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "00000");
	CU_ASSERT_STRING_EQUAL(d.message, "");
	CU_ASSERT_STRING_EQUAL(d.file, "");
	CU_ASSERT_EQUAL(d.line, 0);
	alx_diag_clear(NULL); /* NULL-safe */
}

static void test_set(void)
{
	alopex_diag d;
	alx_diag_clear(&d);
	int rc = alx_diag_set(&d, ALOPEX_ENOMEM, NULL, "need %d bytes for %s",
			      64, "rows");
	CU_ASSERT_EQUAL(rc, ALOPEX_ENOMEM);
	CU_ASSERT_EQUAL(d.code, ALOPEX_ENOMEM);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "53200");
	CU_ASSERT_STRING_EQUAL(d.message, "need 64 bytes for rows");

	/* An explicit SQLSTATE wins over the code's. */
	alx_diag_set(&d, ALOPEX_ESQL, "42P01", "relation \"t\" does not exist");
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "42P01");
	CU_ASSERT_STRING_EQUAL(d.message, "relation \"t\" does not exist");

	/* A new error drops the old location. */
	alx_diag_set_at(&d, ALOPEX_ECONFIG, "a.yaml", 3, 7, "bad");
	alx_diag_set(&d, ALOPEX_EIO, NULL, "disk");
	CU_ASSERT_STRING_EQUAL(d.file, "");
	CU_ASSERT_EQUAL(d.line, 0);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "58030");

	CU_ASSERT_EQUAL(alx_diag_set(NULL, ALOPEX_EBUSY, NULL, "x"),
			ALOPEX_EBUSY);
}

static void test_set_from_itself(void)
{
	/* Wrapping the current message must not read what it overwrites. */
	alopex_diag d;
	alx_diag_set(&d, ALOPEX_EIO, NULL, "disk full");
	alx_diag_set(&d, d.code, NULL, "saving %s: %s", "t", d.message);
	CU_ASSERT_STRING_EQUAL(d.message, "saving t: disk full");
	alx_diag_set_at(&d, ALOPEX_ECONFIG, "x.yaml", 1, 2, "bad");
	alx_diag_set_at(&d, ALOPEX_ECONFIG, d.file, d.line + 1, 1, "%s!",
			d.message);
	CU_ASSERT_STRING_EQUAL(d.file, "x.yaml");
	CU_ASSERT_EQUAL(d.line, 2);
	CU_ASSERT_STRING_EQUAL(d.message, "bad!");
}

static void test_format_location(void)
{
	alopex_diag d;
	char buf[600];
	alx_diag_set_at(&d, ALOPEX_ECONFIG, "/etc/alopex.yaml", 12, 5,
			"unknown key '%s'", "prot");
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "F0000");
	CU_ASSERT_STRING_EQUAL(d.file, "/etc/alopex.yaml");
	CU_ASSERT_EQUAL(d.line, 12);
	CU_ASSERT_EQUAL(d.col, 5);
	alx_diag_format(&d, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf,
			       "/etc/alopex.yaml:12:5: unknown key 'prot'");

	d.col = 0;
	alx_diag_format(&d, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "/etc/alopex.yaml:12: unknown key 'prot'");

	alx_diag_set(&d, ALOPEX_EINVAL, NULL, "plain");
	alx_diag_format(&d, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "plain");

	alx_diag_format(NULL, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "");
}

static void test_truncation(void)
{
	alopex_diag d;
	char big[2000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';

	alx_diag_set(&d, ALOPEX_EINVAL, NULL, "%s", big);
	CU_ASSERT_EQUAL(strlen(d.message), sizeof(d.message) - 1);
	CU_ASSERT_STRING_EQUAL(d.message + sizeof(d.message) - 4, "...");
	CU_ASSERT_EQUAL(d.message[0], 'x');

	/* Multi-byte UTF-8 is never cut in the middle of a character. */
	char utf[2000] = "";
	for (size_t i = 0; i + 2 < sizeof(utf); i += 2)
		memcpy(utf + i, "\xc3\xa9", 3); /* é */
	alx_diag_set(&d, ALOPEX_EINVAL, NULL, "a%s", utf);
	size_t n = strlen(d.message);
	CU_ASSERT_STRING_EQUAL(d.message + n - 3, "...");
	/* "a" then whole two-byte characters up to the dots. */
	CU_ASSERT_EQUAL((n - 3 - 1) % 2, 0);
	CU_ASSERT_EQUAL((unsigned char)d.message[n - 5], 0xc3);
	CU_ASSERT_EQUAL((unsigned char)d.message[n - 4], 0xa9);

	/* Formatting into a small buffer truncates the same way. */
	char small[16];
	alx_diag_set_at(&d, ALOPEX_ECONFIG, "file.yaml", 1, 1, "message");
	alx_diag_format(&d, small, sizeof(small));
	CU_ASSERT_STRING_EQUAL(small, "file.yaml:1:...");

	/* Long paths keep their tail, which names the file. */
	char path[400];
	memset(path, 'd', sizeof(path));
	memcpy(path + sizeof(path) - 13, "/alopex.yaml", 13);
	alx_diag_set_at(&d, ALOPEX_ECONFIG, path, 2, 3, "bad");
	CU_ASSERT_EQUAL(strlen(d.file), sizeof(d.file) - 1);
	CU_ASSERT_EQUAL(strncmp(d.file, "...ddd", 6), 0);
	CU_ASSERT_STRING_EQUAL(d.file + strlen(d.file) - 12, "/alopex.yaml");
}

static void test_prefix(void)
{
	alopex_diag d;
	alx_diag_set(&d, ALOPEX_ENOTFOUND, NULL, "no such table");
	alx_diag_prefix(&d, "loading %s", "catalog");
	CU_ASSERT_STRING_EQUAL(d.message, "loading catalog: no such table");
	CU_ASSERT_EQUAL(d.code, ALOPEX_ENOTFOUND);

	alx_diag_clear(&d);
	alx_diag_prefix(&d, "only prefix");
	CU_ASSERT_STRING_EQUAL(d.message, "only prefix");

	/* Prefixing a full message truncates the end, not the prefix. */
	char big[600];
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	alx_diag_set(&d, ALOPEX_EIO, NULL, "%s", big);
	alx_diag_prefix(&d, "pre");
	CU_ASSERT_EQUAL(strncmp(d.message, "pre: yyy", 8), 0);
	CU_ASSERT_EQUAL(strlen(d.message), sizeof(d.message) - 1);
	CU_ASSERT_STRING_EQUAL(d.message + sizeof(d.message) - 4, "...");
	alx_diag_prefix(NULL, "x");
}

static const struct alx_test_case diag_cases[] = {
	{"clear", test_clear},
	{"set", test_set},
	{"set_from_itself", test_set_from_itself},
	{"format_location", test_format_location},
	{"truncation", test_truncation},
	{"prefix", test_prefix},
	{NULL, NULL},
};

const struct alx_test_suite diag_suite = {"runtime/diag", NULL, NULL,
					  diag_cases};

/* ---- codes -------------------------------------------------------------- */

static void test_code_names(void)
{
	CU_ASSERT_STRING_EQUAL(alopex_code_name(ALOPEX_ECONFLICT),
			       "ALOPEX_ECONFLICT");
	CU_ASSERT_STRING_EQUAL(alopex_code_name(ALOPEX_OK), "ALOPEX_OK");
	CU_ASSERT_STRING_EQUAL(alopex_code_name(ALOPEX_ROW), "ALOPEX_ROW");
	CU_ASSERT_STRING_EQUAL(alopex_code_str(ALOPEX_ECONFLICT),
			       "write-write conflict: retry the transaction");
	CU_ASSERT_STRING_EQUAL(alopex_code_str(ALOPEX_EABI),
			       "plugin ABI mismatch");
	CU_ASSERT_STRING_EQUAL(alopex_code_name(-999), "ALOPEX_UNKNOWN");
	CU_ASSERT_STRING_EQUAL(alopex_code_str(12345), "unknown code");

	/* Every error code has its own name, a description and a class. */
	for (int c = ALOPEX_ESQL; c < 0; c++) {
		const char *name = alopex_code_name(c);
		CU_ASSERT_EQUAL(strncmp(name, "ALOPEX_E", 8), 0);
		CU_ASSERT_STRING_NOT_EQUAL(alopex_code_str(c), "unknown code");
		CU_ASSERT_EQUAL(strlen(alx_code_sqlstate(c)), 5);
		CU_ASSERT_STRING_NOT_EQUAL(alx_code_sqlstate(c), "00000");
		for (int o = ALOPEX_ESQL; o < c; o++)
			CU_ASSERT_STRING_NOT_EQUAL(name, alopex_code_name(o));
	}
}

static void test_sqlstates(void)
{
	static const struct {
		int code;
		const char *state;
	} want[] = {
		{ALOPEX_OK, "00000"},
		{ALOPEX_ENOMEM, "53200"},
		{ALOPEX_EINVAL, "22023"},
		{ALOPEX_ENOTFOUND, "42704"},
		{ALOPEX_EEXIST, "42710"},
		{ALOPEX_EBUSY, "55006"},
		{ALOPEX_EIO, "58030"},
		{ALOPEX_ECONFLICT, "40001"},
		{ALOPEX_EREADONLY, "25006"},
		{ALOPEX_ENOTSUP, "0A000"},
		{ALOPEX_EPROTO, "08P01"},
		{ALOPEX_ECONFIG, "F0000"},
		{ALOPEX_EABI, "58000"},
		{ALOPEX_EINTERNAL, "XX000"},
		{ALOPEX_ECORRUPT, "XX001"},
		{ALOPEX_EMISUSE, "55000"},
		{ALOPEX_ERANGE, "22003"},
		{ALOPEX_ROW, "00000"},
		{-999, "XX000"},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CU_ASSERT_STRING_EQUAL(alx_code_sqlstate(want[i].code),
				       want[i].state);
}

static const struct alx_test_case codes_cases[] = {
	{"names", test_code_names},
	{"sqlstates", test_sqlstates},
	{NULL, NULL},
};

const struct alx_test_suite codes_suite = {"runtime/codes", NULL, NULL,
					   codes_cases};
