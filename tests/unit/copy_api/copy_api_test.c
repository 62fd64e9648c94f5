/*
 * The public COPY API (alopex_copy_*): text and CSV both ways, data cut
 * into chunks of every size (so rows, escapes and quoted fields break
 * anywhere), bad rows with PostgreSQL's messages and CONTEXT lines and the
 * table left as it was, abort, transaction blocks, misuse.
 *
 * Expected outputs and error texts were checked against PostgreSQL 15
 * (psql, COPY ... FROM STDIN / TO STDOUT with the same data).
 */
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
	if (alx_test_suite_open("copy_api", &db, &dir) != 0)
		return -1;
	return alopex_exec(db, "CREATE TABLE t (id int PRIMARY KEY, name "
			       "text, n int DEFAULT 7, f float8, d date)");
}

static int teardown(void)
{
	return alx_test_suite_close(db, dir);
}

/*
 * COPY FROM with the data cut into pieces of `chunk` bytes (0: a
 * repeating pattern of 1, 2, 3, 5, 8 and 13 bytes). The result of
 * alopex_copy_end, or of the first failed write (then ended too).
 */
static int copy_in(const char *sql, const char *data, size_t len, size_t chunk,
		   uint64_t *rows)
{
	static const size_t pattern[] = {1, 2, 3, 5, 8, 13};
	alopex_copy *cp = NULL;
	int rc = alopex_copy_begin(db, sql, &cp);
	if (rc != 0)
		return rc;
	CU_ASSERT_EQUAL(alopex_copy_flags(cp) & ALOPEX_COPY_FROM,
			ALOPEX_COPY_FROM);
	size_t off = 0, k = 0;
	while (off < len) {
		size_t n = chunk ? chunk : pattern[k++ % 6];
		if (n > len - off)
			n = len - off;
		rc = alopex_copy_write(cp, data + off, n);
		off += n;
		if (rc != 0)
			break;
	}
	if (rc != 0) {
		/* the COPY stays failed: later writes give the same error */
		CU_ASSERT_EQUAL(alopex_copy_write(cp, "1\n", 2), rc);
		CU_ASSERT_EQUAL(alopex_copy_end(cp), rc);
		return rc;
	}
	if (rows != NULL)
		*rows = alopex_copy_rows(cp);
	return alopex_copy_end(cp);
}

/* The whole output of a COPY TO (or NULL on error). */
static const char *copy_out(const char *sql, uint64_t *rows)
{
	static char out[8192];
	size_t n = 0;
	alopex_copy *cp = NULL;
	if (alopex_copy_begin(db, sql, &cp) != 0)
		return NULL;
	CU_ASSERT_EQUAL(alopex_copy_flags(cp) & ALOPEX_COPY_FROM, 0);
	const void *data;
	size_t len;
	int rc, guard = 0;
	while ((rc = alopex_copy_read(cp, &data, &len)) == ALOPEX_ROW &&
	       guard++ < 100000) {
		CU_ASSERT(len > 0 && ((const char *)data)[len - 1] == '\n');
		if (n + len < sizeof(out)) {
			memcpy(out + n, data, len);
			n += len;
		}
	}
	out[n] = '\0';
	CU_ASSERT_EQUAL(rc, ALOPEX_DONE);
	/* reading past the end stays done */
	CU_ASSERT_EQUAL(alopex_copy_read(cp, &data, &len), ALOPEX_DONE);
	if (rows != NULL)
		*rows = alopex_copy_rows(cp);
	CU_ASSERT_EQUAL(alopex_copy_end(cp), 0);
	return rc == ALOPEX_DONE ? out : NULL;
}

static const char text_data[] = "1\tplain\t10\t1.5\t2024-01-02\n"
				"2\ttab\\there\t\\N\t-0\t2024-02-29\n"
				"3\tback\\\\slash\\nnewline\t3\t1e100\t\\N\n"
				"4\t\\x41\\101\\\\N\t4\tNaN\t1999-12-31\n";

/* COPY t TO STDOUT after text_data, as PostgreSQL 15 prints it. */
static const char text_out[] = "1\tplain\t10\t1.5\t2024-01-02\n"
			       "2\ttab\\there\t\\N\t-0\t2024-02-29\n"
			       "3\tback\\\\slash\\nnewline\t3\t1e+100\t\\N\n"
			       "4\tAA\\\\N\t4\tNaN\t1999-12-31\n";

static void test_text_chunks(void)
{
	size_t len = strlen(text_data);
	for (size_t chunk = 0; chunk <= len; chunk++) {
		uint64_t rows = 0;
		int rc = copy_in("COPY t FROM STDIN", text_data, len, chunk,
				 &rows);
		if (rc != 0)
			fprintf(stderr, "chunk %zu: %s\n", chunk,
				alopex_errmsg(db));
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		CU_ASSERT_EQUAL(rows, 4);
		const char *out = copy_out("COPY t TO STDOUT", &rows);
		CU_ASSERT_PTR_NOT_NULL_FATAL(out);
		CU_ASSERT_STRING_EQUAL(out, text_out);
		CU_ASSERT_EQUAL(rows, 4);
		CU_ASSERT_STRING_EQUAL(
			alx_test_query_lines(
				db, "SELECT name, n FROM t WHERE id IN (2, 4) "
				    "ORDER BY id"),
			"tab\there|<null>\nAA\\N|4\n");
		ALX_TEST_EXEC_FATAL(db, "TRUNCATE t");
	}
	/* "\." ends the data; what follows is ignored */
	const char ended[] = "5\tfive\t5\t5\t2005-05-05\n\\.\nnot a row\n";
	CU_ASSERT_EQUAL(
		copy_in("COPY t FROM STDIN", ended, strlen(ended), 4, NULL), 0);
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_lines(db, "SELECT id, name FROM t"), "5|five\n");
	ALX_TEST_EXEC_FATAL(db, "TRUNCATE t");
}

static const char csv_data[] = "id,name\n"
			       "10,\"a,b\"\n"
			       "11,\"multi\n"
			       "line\"\n"
			       "12,\"q\"\"uote\"\n"
			       "13,\n"
			       "14,\"\"\n"
			       "15,\\N";

static void test_csv_chunks(void)
{
	size_t len = strlen(csv_data);
	for (size_t chunk = 0; chunk <= len; chunk++) {
		uint64_t rows = 0;
		int rc = copy_in("COPY t (id, name) FROM STDIN (FORMAT csv, "
				 "HEADER)",
				 csv_data, len, chunk, &rows);
		if (rc != 0)
			fprintf(stderr, "chunk %zu: %s\n", chunk,
				alopex_errmsg(db));
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		/* the last row has no newline: alopex_copy_end writes it */
		CU_ASSERT_EQUAL(rows, 5);
		CU_ASSERT_STRING_EQUAL(
			copy_out("COPY (SELECT id, name, n FROM t ORDER BY id) "
				 "TO STDOUT (FORMAT csv, HEADER)",
				 &rows),
			"id,name,n\n10,\"a,b\",7\n11,\"multi\nline\",7\n"
			"12,\"q\"\"uote\",7\n13,,7\n14,\"\",7\n15,\\N,7\n");
		CU_ASSERT_EQUAL(rows, 6);
		ALX_TEST_EXEC_FATAL(db, "TRUNCATE t");
	}
}

static void test_out_formats(void)
{
	CU_ASSERT_EQUAL_FATAL(copy_in("COPY t FROM STDIN", text_data,
				      strlen(text_data), 0, NULL),
			      0);
	CU_ASSERT_EQUAL_FATAL(copy_in("COPY t (id, name) FROM STDIN (FORMAT "
				      "csv, HEADER)",
				      csv_data, strlen(csv_data), 0, NULL),
			      0);
	uint64_t rows = 0;
	const char *csv =
		copy_out("COPY (SELECT id, name FROM t ORDER BY id) TO STDOUT "
			 "(FORMAT csv)",
			 &rows);
	CU_ASSERT_STRING_EQUAL(csv, "1,plain\n2,tab\there\n3,\"back\\slash\n"
				    "newline\"\n4,AA\\N\n10,\"a,b\"\n11,"
				    "\"multi\nline\"\n12,\"q\"\"uote\"\n13,\n"
				    "14,\"\"\n15,\\N\n");
	CU_ASSERT_EQUAL(rows, 10);
	CU_ASSERT_STRING_EQUAL(
		copy_out("COPY (SELECT id, name, n FROM t ORDER BY id) TO "
			 "STDOUT (DELIMITER '|', NULL 'NULL')",
			 NULL),
		"1|plain|10\n2|tab\\there|NULL\n3|back\\\\slash\\nnewline|3\n"
		"4|AA\\\\N|4\n10|a,b|7\n11|multi\\nline|7\n12|q\"uote|7\n"
		"13|NULL|7\n14||7\n15|\\\\N|7\n");
	/* stopping early is fine; the rest is discarded */
	alopex_copy *cp = NULL;
	CU_ASSERT_EQUAL_FATAL(alopex_copy_begin(db, "COPY t TO STDOUT", &cp),
			      0);
	const void *data;
	size_t len;
	CU_ASSERT_EQUAL(alopex_copy_read(cp, &data, &len), ALOPEX_ROW);
	CU_ASSERT_EQUAL(alopex_copy_rows(cp), 1);
	CU_ASSERT_EQUAL(alopex_copy_end(cp), 0);
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_lines(db, "SELECT count(*) FROM t"), "10\n");
	ALX_TEST_EXEC_FATAL(db, "TRUNCATE t");
}

struct bad_case {
	const char *sql, *data, *sqlstate, *message;
};

/* Messages and CONTEXT lines as PostgreSQL 15 prints them. */
static const struct bad_case bad_cases[] = {
	{"COPY t FROM STDIN (FORMAT csv)",
	 "20,x,1,2.5,2020-01-01\n21,y,z,2.5,2020-01-01\n", "22P02",
	 "invalid input syntax for type integer: \"z\"\n"
	 "CONTEXT:  COPY t, line 2, column n: \"z\""},
	{"COPY t FROM STDIN",
	 "40\tx\t1\t2.5\t2020-01-01\n41\tx\t1\t2.5\t2020-01-01\n"
	 "40\tx\t1\t2.5\t2020-01-01\n",
	 "23505",
	 "duplicate key value violates unique constraint \"t_pkey\"\n"
	 "Key (id)=(40) already exists.\nCONTEXT:  COPY t, line 3"},
	{"COPY t (name) FROM STDIN", "x\n", "23502",
	 "null value in column \"id\" of relation \"t\" violates not-null "
	 "constraint\nFailing row contains (null, x, 7, null, null).\n"
	 "CONTEXT:  COPY t, line 1: \"x\""},
	{"COPY t FROM STDIN (FORMAT csv)", "20,x,1,2.5\n", "22P04",
	 "missing data for column \"d\"\n"
	 "CONTEXT:  COPY t, line 1: \"20,x,1,2.5\""},
	{"COPY t FROM STDIN", "20\tx\t1\t2.5\t2020-01-01\textra\n", "22P04",
	 "extra data after last expected column\n"
	 "CONTEXT:  COPY t, line 1: \"20\tx\t1\t2.5\t2020-01-01\textra\""},
	/* quoted newlines count as lines once a line end was seen */
	{"COPY t FROM STDIN (FORMAT csv)", "20,\"x\ny\",q,2.5,2020-01-01\n",
	 "22P02",
	 "invalid input syntax for type integer: \"q\"\n"
	 "CONTEXT:  COPY t, line 1, column n: \"q\""},
	{"COPY t FROM STDIN (FORMAT csv)",
	 "30,x,1,2.5,2020-01-01\n31,\"y\nyy\",z,2.5,2020-01-01\n", "22P02",
	 "invalid input syntax for type integer: \"z\"\n"
	 "CONTEXT:  COPY t, line 3, column n: \"z\""},
	{"COPY t FROM STDIN (FORMAT csv, HEADER)",
	 "id,name,n,f,d\n30,x,1,2.5,2020-01-01\n31,\"y\nyy\",z,2.5,"
	 "2020-01-01\n",
	 "22P02",
	 "invalid input syntax for type integer: \"z\"\n"
	 "CONTEXT:  COPY t, line 4, column n: \"z\""},
	/* data shown in CONTEXT is cut at 100 bytes */
	{"COPY t (id, n) FROM STDIN",
	 "30\t999999999999999999999999999999999999999999999999999999999999"
	 "999999999999999999999999999999999999999999999999999999999999\n",
	 "22003",
	 "value \"999999999999999999999999999999999999999999999999999999999999"
	 "999999999999999999999999999999999999999999999999999999999999\" is "
	 "out of range for type integer\nCONTEXT:  COPY t, line 1, column "
	 "n: \"99999999999999999999999999999999999999999999999999999999999999"
	 "99999999999999999999999999999999999999...\""},
	/* the data ended inside quotes (PostgreSQL also shows the line) */
	{"COPY t FROM STDIN (FORMAT csv)", "30,\"x\n", "22P04",
	 "unterminated CSV quoted field\n"
	 "CONTEXT:  COPY t, line 1: \"30,\"x\n\""},
	{NULL, NULL, NULL, NULL}};

static void test_bad_rows(void)
{
	ALX_TEST_EXEC_FATAL(
		db, "INSERT INTO t (id, name) VALUES (1, 'one'), (2, 'two')");
	const char *before = "1|one\n2|two\n";
	for (const struct bad_case *b = bad_cases; b->sql != NULL; b++) {
		size_t len = strlen(b->data);
		/* whole, and cut into small pieces */
		for (size_t chunk = 0; chunk <= 1; chunk++) {
			int rc = copy_in(b->sql, b->data, len, chunk ? 0 : len,
					 NULL);
			CU_ASSERT_EQUAL(rc, ALOPEX_ESQL);
			CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db),
					       b->sqlstate);
			CU_ASSERT_STRING_EQUAL(alopex_errmsg(db), b->message);
			if (strcmp(alopex_errmsg(db), b->message) != 0)
				fprintf(stderr, "expected: %s\nactual:   %s\n",
					b->message, alopex_errmsg(db));
			CU_ASSERT_STRING_EQUAL(
				alx_test_query_lines(
					db,
					"SELECT id, name FROM t ORDER BY id"),
				before);
		}
	}
	/* a good row before the bad one is not kept either */
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_lines(db, "SELECT count(*) FROM t"), "2\n");
	ALX_TEST_EXEC_FATAL(db, "TRUNCATE t");
}

static void test_abort(void)
{
	ALX_TEST_EXEC_FATAL(db, "INSERT INTO t (id, name) VALUES (1, 'one')");
	alopex_copy *cp = NULL;
	CU_ASSERT_EQUAL_FATAL(alopex_copy_begin(db, "COPY t FROM STDIN", &cp),
			      0);
	const char rows[] = "2\ttwo\t2\t2\t2002-02-02\n3\tthr";
	CU_ASSERT_EQUAL(alopex_copy_write(cp, rows, strlen(rows)), 0);
	CU_ASSERT_EQUAL(alopex_copy_rows(cp), 1);
	alopex_copy_abort(cp, "client gave up");
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "57014");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
			       "COPY from stdin failed: client gave up");
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_lines(db, "SELECT id FROM t ORDER BY id"),
		"1\n");
	alopex_copy_abort(NULL, "no-op");
	/* aborting a COPY TO just closes it */
	CU_ASSERT_EQUAL_FATAL(alopex_copy_begin(db, "COPY t TO STDOUT", &cp),
			      0);
	alopex_copy_abort(cp, NULL);
	/* the handle works again */
	CU_ASSERT_EQUAL(copy_in("COPY t (id) FROM STDIN", "2\n", 2, 0, NULL),
			0);
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_lines(db, "SELECT id FROM t ORDER BY id"),
		"1\n2\n");
	ALX_TEST_EXEC_FATAL(db, "TRUNCATE t");
}

static void test_block(void)
{
	/* rolled back with its block */
	ALX_TEST_EXEC_FATAL(db, "BEGIN");
	CU_ASSERT_EQUAL(copy_in("COPY t (id) FROM STDIN", "1\n2\n", 4, 0, NULL),
			0);
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_lines(db, "SELECT count(*) FROM t"), "2\n");
	ALX_TEST_EXEC_FATAL(db, "ROLLBACK");
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_lines(db, "SELECT count(*) FROM t"), "0\n");
	/* a failed COPY fails the block */
	ALX_TEST_EXEC_FATAL(db, "BEGIN");
	ALX_TEST_EXEC_FATAL(db, "INSERT INTO t (id) VALUES (5)");
	CU_ASSERT_EQUAL(copy_in("COPY t (id) FROM STDIN", "6\nx\n", 4, 0, NULL),
			ALOPEX_ESQL);
	CU_ASSERT_EQUAL(alopex_exec(db, "SELECT 1"), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "25P02");
	alopex_copy *cp = NULL;
	CU_ASSERT_EQUAL(alopex_copy_begin(db, "COPY t (id) FROM STDIN", &cp),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "25P02");
	CU_ASSERT_PTR_NULL(cp);
	ALX_TEST_EXEC_FATAL(db, "ROLLBACK");
	/* an aborted one too */
	ALX_TEST_EXEC_FATAL(db, "BEGIN");
	CU_ASSERT_EQUAL_FATAL(
		alopex_copy_begin(db, "COPY t (id) FROM STDIN", &cp), 0);
	CU_ASSERT_EQUAL(alopex_copy_write(cp, "7\n", 2), 0);
	alopex_copy_abort(cp, "stop");
	CU_ASSERT_EQUAL(alopex_exec(db, "SELECT 1"), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "25P02");
	ALX_TEST_EXEC_FATAL(db, "ROLLBACK");
	/* committed with its block */
	ALX_TEST_EXEC_FATAL(db, "BEGIN");
	CU_ASSERT_EQUAL(copy_in("COPY t (id) FROM STDIN", "8\n9", 3, 0, NULL),
			0);
	ALX_TEST_EXEC_FATAL(db, "COMMIT");
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_lines(db, "SELECT id FROM t ORDER BY id"),
		"8\n9\n");
	ALX_TEST_EXEC_FATAL(db, "TRUNCATE t");
}

static void test_misuse(void)
{
	ALX_TEST_EXEC_FATAL(db, "INSERT INTO t (id) VALUES (1)");
	alopex_copy *cp = NULL;
	/* not a COPY: runs nothing */
	CU_ASSERT_EQUAL(alopex_copy_begin(db, "DELETE FROM t", &cp),
			ALOPEX_EINVAL);
	CU_ASSERT_EQUAL(alopex_copy_begin(db, "SELECT 1", &cp), ALOPEX_EINVAL);
	CU_ASSERT_PTR_NULL(cp);
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_lines(db, "SELECT count(*) FROM t"), "1\n");
	CU_ASSERT_EQUAL(alopex_copy_begin(db, NULL, &cp), ALOPEX_EINVAL);
	CU_ASSERT_EQUAL(alopex_copy_begin(db, "COPY nosuch FROM STDIN", &cp),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "42P01");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
			       "relation \"nosuch\" does not exist");
	CU_ASSERT_EQUAL(
		alopex_copy_begin(db, "COPY t (id, nosuch) FROM STDIN", &cp),
		ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "42703");
	CU_ASSERT_EQUAL(alopex_copy_begin(db, "COPY t FROM '/tmp/x'", &cp),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "0A000");
	CU_ASSERT_EQUAL(
		alopex_copy_begin(db, "COPY t TO STDOUT; SELECT 1", &cp),
		ALOPEX_ESQL);
	CU_ASSERT_PTR_NULL(cp);

	/* while a COPY is open, the handle's other SQL waits for it */
	CU_ASSERT_EQUAL_FATAL(
		alopex_copy_begin(db, "COPY t (id) FROM STDIN", &cp), 0);
	CU_ASSERT_EQUAL(alopex_copy_flags(cp), ALOPEX_COPY_FROM);
	alopex_copy *other = NULL;
	CU_ASSERT_EQUAL(alopex_copy_begin(db, "COPY t TO STDOUT", &other),
			ALOPEX_EMISUSE);
	CU_ASSERT_EQUAL(alopex_exec(db, "SELECT 1"), ALOPEX_EMISUSE);
	alopex_stmt *st = NULL;
	CU_ASSERT_EQUAL(alopex_prepare(db, "SELECT 1", &st), ALOPEX_EMISUSE);
	CU_ASSERT_EQUAL(alopex_close(db), ALOPEX_EBUSY);
	const void *data;
	size_t len;
	CU_ASSERT_EQUAL(alopex_copy_read(cp, &data, &len), ALOPEX_EMISUSE);
	CU_ASSERT_EQUAL(alopex_copy_write(cp, NULL, 3), ALOPEX_EINVAL);
	CU_ASSERT_EQUAL(alopex_copy_write(cp, "2\n3", 3), 0);
	CU_ASSERT_EQUAL(alopex_copy_end(cp), 0);
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_lines(db, "SELECT id FROM t ORDER BY id"),
		"1\n2\n3\n");

	CU_ASSERT_EQUAL_FATAL(alopex_copy_begin(db,
						"COPY t (id) TO STDOUT "
						"(FORMAT csv)",
						&cp),
			      0);
	CU_ASSERT_EQUAL(alopex_copy_flags(cp), ALOPEX_COPY_CSV);
	CU_ASSERT_EQUAL(alopex_copy_write(cp, "1\n", 2), ALOPEX_EMISUSE);
	CU_ASSERT_EQUAL(alopex_copy_end(cp), 0);
	CU_ASSERT_EQUAL(alopex_copy_end(NULL), ALOPEX_EMISUSE);
	CU_ASSERT_EQUAL(alopex_copy_write(NULL, "1", 1), ALOPEX_EMISUSE);
	ALX_TEST_EXEC_FATAL(db, "TRUNCATE t");
}

/* Many rows in pseudo-random chunks, read back whole. */
static void test_many_rows(void)
{
	enum { N = 5000 };
	size_t cap = (size_t)N * 48, len = 0;
	char *buf = malloc(cap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(buf + len, cap - len,
					"%d\trow\\t%d\t%d\t\\N\t\\N\n", i, i,
					i % 10);
	alopex_copy *cp = NULL;
	CU_ASSERT_EQUAL_FATAL(alopex_copy_begin(db, "COPY t FROM STDIN", &cp),
			      0);
	uint64_t seed = 42;
	int rc = 0;
	for (size_t off = 0; off < len && rc == 0;) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		size_t n = 1 + (size_t)(seed >> 33) % 700;
		if (n > len - off)
			n = len - off;
		rc = alopex_copy_write(cp, buf + off, n);
		off += n;
	}
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(alopex_copy_rows(cp), N);
	CU_ASSERT_EQUAL(alopex_copy_end(cp), 0);
	free(buf);
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_lines(db, "SELECT count(*), sum(n), min(name), "
					 "max(id) FROM t"),
		"5000|22500|row\t0|4999\n");
	uint64_t rows = 0;
	CU_ASSERT_EQUAL_FATAL(alopex_copy_begin(db, "COPY t TO STDOUT", &cp),
			      0);
	const void *data;
	size_t n;
	int lines = 0;
	while (alopex_copy_read(cp, &data, &n) == ALOPEX_ROW && lines <= N)
		lines++;
	rows = alopex_copy_rows(cp);
	CU_ASSERT_EQUAL(alopex_copy_end(cp), 0);
	CU_ASSERT_EQUAL(lines, N);
	CU_ASSERT_EQUAL(rows, N);
	ALX_TEST_EXEC_FATAL(db, "TRUNCATE t");
}

static const struct alx_test_case cases[] = {{"text_chunks", test_text_chunks},
					     {"csv_chunks", test_csv_chunks},
					     {"out_formats", test_out_formats},
					     {"bad_rows", test_bad_rows},
					     {"abort", test_abort},
					     {"block", test_block},
					     {"misuse", test_misuse},
					     {"many_rows", test_many_rows},
					     {NULL, NULL}};

static const struct alx_test_suite suite = {"copy_api", setup, teardown, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
