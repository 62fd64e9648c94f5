/*
 * Binding a prepared statement again and again: a text or blob slot keeps
 * its buffer between binds (grown, shrunk after a big value), so these
 * tests bind values of changing sizes, change the caller's buffer after
 * the bind, rebind without stepping, and check every stored value. Also:
 * UTF-8 checks of text parameters past the first eight bytes, the
 * handle's error cleared by the next successful call, and a portal
 * recycled by alopex_reset and by a DONE step alike.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"

static alopex_db *db;
static char *dir;

static int setup(void)
{
	return alx_test_suite_open("stmt_bind", &db, &dir);
}

static int teardown(void)
{
	return alx_test_suite_close(db, dir);
}

/* The length of row i's text: short, long, very long, empty, in turn. */
static size_t len_of(int64_t i)
{
	static const size_t lens[] = {3, 200, 100000, 0, 17, 70000, 1, 64, 65};
	return lens[i % (int64_t)(sizeof(lens) / sizeof(lens[0]))];
}

/* Row i's text: len_of(i) bytes, from a pattern that depends on i. */
static void text_of(int64_t i, char *buf)
{
	size_t n = len_of(i);
	for (size_t j = 0; j < n; j++)
		buf[j] = (char)('a' + (i * 7 + (int64_t)j) % 26);
	buf[n] = '\0';
}

static void test_text_sizes(void)
{
	ALX_TEST_EXEC_FATAL(
		db, "CREATE TABLE t (id bigint PRIMARY KEY, v text, b bytea)");
	alopex_stmt *ins =
		ALX_TEST_PREPARE(db, "INSERT INTO t VALUES ($1, $2, $3)");
	char *buf = malloc(100001);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	for (int64_t i = 0; i < 60; i++) {
		text_of(i, buf);
		size_t n = len_of(i);
		CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, i), 0);
		CU_ASSERT_EQUAL(alopex_bind_text(ins, 2, buf, (int)n), 0);
		CU_ASSERT_EQUAL(alopex_bind_blob(ins, 3, buf, n / 2), 0);
		/* The bind copied: what the caller's buffer holds now is
		 * not what is inserted. */
		memset(buf, 'Z', n);
		CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
		if (i % 2 == 0)
			CU_ASSERT_EQUAL(alopex_reset(ins), 0);
	}
	alopex_finalize(ins);

	alopex_stmt *sel =
		ALX_TEST_PREPARE(db, "SELECT v, b FROM t WHERE id = $1");
	char *want = malloc(100001);
	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	for (int64_t i = 59; i >= 0; i--) {
		text_of(i, want);
		size_t n = len_of(i);
		CU_ASSERT_EQUAL(alopex_bind_int64(sel, 1, i), 0);
		CU_ASSERT_EQUAL_FATAL(alopex_step(sel), ALOPEX_ROW);
		const char *v = alopex_column_text(sel, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(v);
		CU_ASSERT_EQUAL(strlen(v), n);
		CU_ASSERT(memcmp(v, want, n) == 0);
		size_t blen = 99;
		const void *b = alopex_column_blob(sel, 1, &blen);
		CU_ASSERT_EQUAL(blen, n / 2);
		CU_ASSERT(blen == 0 || memcmp(b, want, blen) == 0);
		CU_ASSERT_EQUAL(alopex_step(sel), ALOPEX_DONE);
		CU_ASSERT_EQUAL(alopex_reset(sel), 0);
	}
	alopex_finalize(sel);
	free(want);
	free(buf);
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE t");
}

/* Binding a slot again before stepping: the last value counts, whatever
 * the sizes; NULL and a number replace a text. */
static void test_rebind_before_step(void)
{
	ALX_TEST_EXEC_FATAL(db,
			    "CREATE TABLE r (id bigint PRIMARY KEY, v text)");
	alopex_stmt *ins =
		ALX_TEST_PREPARE(db, "INSERT INTO r VALUES ($1, $2)");
	char big[5000];
	memset(big, 'x', sizeof(big));
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, 1), 0);
	CU_ASSERT_EQUAL(alopex_bind_text(ins, 2, big, (int)sizeof(big)), 0);
	CU_ASSERT_EQUAL(alopex_bind_text(ins, 2, "short", -1), 0);
	CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
	CU_ASSERT_EQUAL(alopex_reset(ins), 0);
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, 2), 0);
	CU_ASSERT_EQUAL(alopex_bind_text(ins, 2, "gone", -1), 0);
	CU_ASSERT_EQUAL(alopex_bind_null(ins, 2), 0);
	CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
	CU_ASSERT_EQUAL(alopex_reset(ins), 0);
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, 3), 0);
	CU_ASSERT_EQUAL(alopex_bind_text(ins, 2, big, 100), 0);
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 2, 42), 0);
	/* an integer for a text parameter is assigned as its text */
	CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
	CU_ASSERT_EQUAL(alopex_reset(ins), 0);
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, 4), 0);
	CU_ASSERT_EQUAL(alopex_bind_text(ins, 2, "", 0), 0);
	CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
	alopex_finalize(ins);

	alopex_stmt *sel =
		ALX_TEST_PREPARE(db, "SELECT id, coalesce(v, '<null>') FROM r "
				     "ORDER BY id");
	const char *want[] = {"1:short", "2:<null>", "3:42", "4:"};
	for (int i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL_FATAL(alopex_step(sel), ALOPEX_ROW);
		char got[64];
		snprintf(got, sizeof(got), "%" PRId64 ":%s",
			 alopex_column_int64(sel, 0),
			 alopex_column_text(sel, 1));
		CU_ASSERT_STRING_EQUAL(got, want[i]);
	}
	CU_ASSERT_EQUAL(alopex_step(sel), ALOPEX_DONE);
	alopex_finalize(sel);
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE r");
}

/* Bad UTF-8 in a text parameter, before and after whole ASCII words, in
 * text and varchar columns: 22021 naming the bytes, nothing inserted. */
static void test_bad_utf8(void)
{
	ALX_TEST_EXEC_FATAL(
		db,
		"CREATE TABLE u (id bigint PRIMARY KEY, v text, w varchar)");
	alopex_stmt *ins =
		ALX_TEST_PREPARE(db, "INSERT INTO u VALUES ($1, $2, $3)");
	static const struct {
		const char *bytes;
		int col; /* 2: v, 3: w */
		const char *shown;
	} cases[] = {
		{"abcdefgh\xff", 2, "0xff"},
		{"abcdefghijklmnop\xc3\x28xyz", 2, "0xc3 0x28"},
		{"abcdefg\x80zzzzzzzz", 3, "0x80"},
		{"\xe2\x82", 3, "0xe2 0x82"},
	};
	for (int i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, i), 0);
		CU_ASSERT_EQUAL(alopex_bind_text(ins, 2, "ok", -1), 0);
		CU_ASSERT_EQUAL(alopex_bind_text(ins, 3, "ok", -1), 0);
		CU_ASSERT_EQUAL(
			alopex_bind_text(ins, cases[i].col, cases[i].bytes, -1),
			0);
		CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_ESQL);
		CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "22021");
		char want[128];
		snprintf(want, sizeof(want),
			 "invalid byte sequence for encoding \"UTF8\": %s",
			 cases[i].shown);
		CU_ASSERT_STRING_EQUAL(alopex_errmsg(db), want);
		CU_ASSERT_EQUAL(alopex_reset(ins), 0);
	}
	/* A NUL inside the given length is refused too. */
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, 9), 0);
	CU_ASSERT_EQUAL(alopex_bind_text(ins, 2, "abcdefghij\0klm", 14), 0);
	CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
			       "invalid byte sequence for encoding \"UTF8\": "
			       "0x00");
	CU_ASSERT_EQUAL(alopex_reset(ins), 0);
	/* Valid multi-byte text after ASCII words goes in whole. */
	const char *good = "abcdefghijklmnop\xc3\xa9\xe2\x82\xac"
			   "qrstuvwx\xf0\x9f\x98\x80";
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, 10), 0);
	CU_ASSERT_EQUAL(alopex_bind_text(ins, 2, good, -1), 0);
	CU_ASSERT_EQUAL(alopex_bind_text(ins, 3, good, -1), 0);
	CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
	alopex_finalize(ins);
	alopex_stmt *sel =
		ALX_TEST_PREPARE(db, "SELECT count(*), min(v), min(w) FROM u");
	CU_ASSERT_EQUAL_FATAL(alopex_step(sel), ALOPEX_ROW);
	CU_ASSERT_EQUAL(alopex_column_int64(sel, 0), 1);
	CU_ASSERT_STRING_EQUAL(alopex_column_text(sel, 1), good);
	CU_ASSERT_STRING_EQUAL(alopex_column_text(sel, 2), good);
	alopex_finalize(sel);
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE u");
}

/* The handle's error stays until the next call that succeeds. */
static void test_error_cleared(void)
{
	ALX_TEST_EXEC_FATAL(db, "CREATE TABLE e (id bigint PRIMARY KEY)");
	alopex_stmt *ins = ALX_TEST_PREPARE(db, "INSERT INTO e VALUES ($1)");
	for (int round = 0; round < 3; round++) {
		CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, 7), 0);
		int rc = alopex_step(ins);
		CU_ASSERT_EQUAL(rc, round == 0 ? ALOPEX_DONE : ALOPEX_ESQL);
		if (round > 0) {
			CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "23505");
			CU_ASSERT_NOT_EQUAL(alopex_errcode(db), 0);
			CU_ASSERT(strstr(alopex_errmsg(db), "duplicate key") !=
				  NULL);
		}
		CU_ASSERT_EQUAL(alopex_reset(ins), 0);
		CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, 100 + round), 0);
		CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
		CU_ASSERT_EQUAL(alopex_errcode(db), 0);
		CU_ASSERT_STRING_EQUAL(alopex_errmsg(db), "");
		CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "00000");
		CU_ASSERT_EQUAL(alopex_reset(ins), 0);
	}
	/* A failed alopex_exec, then a successful one. */
	CU_ASSERT_NOT_EQUAL(alopex_exec(db, "SELECT * FROM nope"), 0);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "42P01");
	ALX_TEST_EXEC_FATAL(db, "SELECT 1");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db), "");
	alopex_finalize(ins);
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE e");
}

/*
 * A statement reset twice, stepped after DONE without a reset, reset in
 * the middle of its rows: every run sees the values bound for it.
 */
static void test_reset_patterns(void)
{
	ALX_TEST_EXEC_FATAL(db,
			    "CREATE TABLE p (id bigint PRIMARY KEY, v text)");
	ALX_TEST_EXEC_FATAL(
		db,
		"INSERT INTO p SELECT g, 'v' || g FROM generate_series(1, 50) "
		"g");
	alopex_stmt *sel = ALX_TEST_PREPARE(
		db, "SELECT v FROM p WHERE id >= $1 AND id < $2 "
		    "ORDER BY id");
	for (int64_t k = 1; k <= 40; k++) {
		CU_ASSERT_EQUAL(alopex_bind_int64(sel, 1, k), 0);
		CU_ASSERT_EQUAL(alopex_bind_int64(sel, 2, k + 3), 0);
		int64_t want = k;
		int stop = (int)(k % 5); /* 0: run to DONE */
		int got = 0;
		int rc;
		while ((rc = alopex_step(sel)) == ALOPEX_ROW) {
			char w[32];
			snprintf(w, sizeof(w), "v%" PRId64, want++);
			CU_ASSERT_STRING_EQUAL(alopex_column_text(sel, 0), w);
			if (++got == stop)
				break;
			if (got > 10)
				break;
		}
		if (stop == 0 || stop > 3)
			CU_ASSERT_EQUAL(rc, ALOPEX_DONE);
		if (k % 3 == 0 && rc == ALOPEX_DONE)
			continue; /* no reset: the next step runs it again */
		CU_ASSERT_EQUAL(alopex_reset(sel), 0);
		if (k % 2 == 0)
			CU_ASSERT_EQUAL(alopex_reset(sel), 0);
	}
	alopex_finalize(sel);
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE p");
}

static const struct alx_test_case cases[] = {
	{"text_sizes", test_text_sizes},
	{"rebind_before_step", test_rebind_before_step},
	{"bad_utf8", test_bad_utf8},
	{"error_cleared", test_error_cleared},
	{"reset_patterns", test_reset_patterns},
	{NULL, NULL}};

static const struct alx_test_suite suite = {"stmt_bind", setup, teardown,
					    cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
