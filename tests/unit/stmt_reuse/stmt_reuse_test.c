/*
 * Prepared statements run many times (alopex_step after alopex_reset or
 * after DONE) keep their portal and, for simple SELECTs, their executor
 * tree between runs. These tests run the same statements again and again
 * with new values, abandon runs midway, fail runs, change the table under
 * them, and check every result against what the data says; plus filtered
 * scans over rows of fixed-width types (decoded without a copy of the
 * engine's value) and integer comparisons across widths.
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
	return alx_test_suite_open("stmt_reuse", &db, &dir);
}

static int teardown(void)
{
	return alx_test_suite_close(db, dir);
}

/* id -> value the tables below hold. */
static int64_t val_of(int64_t id)
{
	return (id * 7919) % 1000;
}

static void load(int n)
{
	ALX_TEST_EXEC_FATAL(
		db, "CREATE TABLE t (id bigint PRIMARY KEY, v bigint, s text)");
	alopex_stmt *ins =
		ALX_TEST_PREPARE(db, "INSERT INTO t VALUES ($1, $2, $3)");
	ALX_TEST_EXEC_FATAL(db, "BEGIN");
	for (int64_t i = 1; i <= n; i++) {
		char s[32];
		snprintf(s, sizeof(s), "s%" PRId64, i);
		CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, i), 0);
		CU_ASSERT_EQUAL(alopex_bind_int64(ins, 2, val_of(i)), 0);
		CU_ASSERT_EQUAL(alopex_bind_text(ins, 3, s, -1), 0);
		/* no reset: stepping a finished statement runs it again */
		CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
	}
	ALX_TEST_EXEC_FATAL(db, "COMMIT");
	alopex_finalize(ins);
}

static void test_point_rerun(void)
{
	load(500);
	alopex_stmt *st =
		ALX_TEST_PREPARE(db, "SELECT v, s FROM t WHERE id = $1");
	for (int64_t k = 1; k <= 1200; k++) {
		int64_t id = (k * 37) % 600; /* 0 and 501..599 are absent */
		CU_ASSERT_EQUAL_FATAL(alopex_bind_int64(st, 1, id), 0);
		int rc = alopex_step(st);
		if (id < 1 || id > 500) {
			CU_ASSERT_EQUAL(rc, ALOPEX_DONE);
		} else {
			CU_ASSERT_EQUAL_FATAL(rc, ALOPEX_ROW);
			CU_ASSERT_EQUAL(alopex_column_int64(st, 0), val_of(id));
			char s[32];
			snprintf(s, sizeof(s), "s%" PRId64, id);
			CU_ASSERT_STRING_EQUAL(alopex_column_text(st, 1), s);
			/* every third run is left at its row */
			if (k % 3 != 0)
				CU_ASSERT_EQUAL(alopex_step(st), ALOPEX_DONE);
		}
		CU_ASSERT_EQUAL(alopex_reset(st), 0);
		/* after reset no row is current */
		CU_ASSERT_PTR_NULL(alopex_column_text(st, 0));
	}
	/* NULL key: no row */
	CU_ASSERT_EQUAL(alopex_bind_null(st, 1), 0);
	CU_ASSERT_EQUAL(alopex_step(st), ALOPEX_DONE);
	/* binding while a run is on its row is refused, as before */
	CU_ASSERT_EQUAL(alopex_bind_int64(st, 1, 5), 0);
	CU_ASSERT_EQUAL(alopex_step(st), ALOPEX_ROW);
	CU_ASSERT_EQUAL(alopex_bind_int64(st, 1, 6), ALOPEX_EMISUSE);
	CU_ASSERT_EQUAL(alopex_reset(st), 0);
	CU_ASSERT_EQUAL(alopex_bind_int64(st, 1, 6), 0);
	ALX_TEST_CHECK_ROWS(alx_test_stmt_lines(db, st), "514|s6\n");
	alopex_finalize(st);
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE t");
}

static void test_range_rerun(void)
{
	load(300);
	alopex_stmt *st =
		ALX_TEST_PREPARE(db, "SELECT id, v FROM t WHERE id >= $1 AND "
				     "v % 2 = 0 LIMIT 3");
	for (int64_t from = 1; from <= 320; from += 7) {
		char want[256];
		size_t n = 0;
		want[0] = '\0';
		int got = 0;
		for (int64_t id = from; id <= 300 && got < 3; id++)
			if (val_of(id) % 2 == 0) {
				n += (size_t)snprintf(
					want + n, sizeof(want) - n,
					"%" PRId64 "|%" PRId64 "\n", id,
					val_of(id));
				got++;
			}
		CU_ASSERT_EQUAL_FATAL(alopex_bind_int64(st, 1, from), 0);
		if (from % 3 == 0) {
			/* abandon the run after its first row */
			int rc = alopex_step(st);
			CU_ASSERT_EQUAL(rc, got ? ALOPEX_ROW : ALOPEX_DONE);
			CU_ASSERT_EQUAL(alopex_reset(st), 0);
			continue;
		}
		ALX_TEST_CHECK_ROWS(alx_test_stmt_lines(db, st), want);
	}
	/* In a block: the statement sees the block's own writes, and runs
	 * again after the block ended (its cursor closed with it). */
	ALX_TEST_EXEC_FATAL(db, "BEGIN");
	ALX_TEST_EXEC_FATAL(db, "UPDATE t SET v = 2 WHERE id = 299");
	CU_ASSERT_EQUAL(alopex_bind_int64(st, 1, 299), 0);
	ALX_TEST_CHECK_ROWS(alx_test_stmt_lines(db, st), "299|2\n300|700\n");
	CU_ASSERT_EQUAL(alopex_step(st), ALOPEX_ROW);
	ALX_TEST_EXEC_FATAL(db, "ROLLBACK");
	CU_ASSERT_EQUAL(alopex_reset(st), 0);
	ALX_TEST_CHECK_ROWS(alx_test_stmt_lines(db, st), "300|700\n");
	/* a row inserted since is found by the next run */
	ALX_TEST_EXEC_FATAL(db, "INSERT INTO t VALUES (301, 8, 'x')");
	ALX_TEST_CHECK_ROWS(alx_test_stmt_lines(db, st), "300|700\n301|8\n");
	alopex_finalize(st);
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE t");
}

static void test_table_changes(void)
{
	ALX_TEST_EXEC_FATAL(db, "CREATE TABLE c (id int PRIMARY KEY, a int)");
	ALX_TEST_EXEC_FATAL(db, "INSERT INTO c VALUES (1, 10), (2, 20)");
	alopex_stmt *st =
		ALX_TEST_PREPARE(db, "SELECT id, a FROM c WHERE id = $1");
	CU_ASSERT_EQUAL(alopex_bind_int64(st, 1, 2), 0);
	ALX_TEST_CHECK_ROWS(alx_test_stmt_lines(db, st), "2|20\n");
	/* bound again against the new table; the same result columns */
	ALX_TEST_EXEC_FATAL(db, "ALTER TABLE c ADD COLUMN b text DEFAULT 'z'");
	ALX_TEST_EXEC_FATAL(db, "UPDATE c SET a = 21 WHERE id = 2");
	ALX_TEST_CHECK_ROWS(alx_test_stmt_lines(db, st), "2|21\n");
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE c");
	CU_ASSERT_NOT_EQUAL(alopex_step(st), ALOPEX_ROW);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "42P01");
	ALX_TEST_EXEC_FATAL(db, "CREATE TABLE c (a int, id int PRIMARY KEY)");
	ALX_TEST_EXEC_FATAL(db, "INSERT INTO c VALUES (22, 2)");
	ALX_TEST_CHECK_ROWS(alx_test_stmt_lines(db, st), "2|22\n");
	/* as PostgreSQL: a cached plan must not change its result type */
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE c");
	ALX_TEST_EXEC_FATAL(db, "CREATE TABLE c (id int PRIMARY KEY, a text)");
	CU_ASSERT_NOT_EQUAL(alopex_step(st), ALOPEX_ROW);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "0A000");
	alopex_finalize(st);
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE c");
}

/* DDL in a block binds against the block's private catalog; after
 * ROLLBACK the statement is current with the committed one again. */
static void test_block_ddl(void)
{
	ALX_TEST_EXEC_FATAL(db, "CREATE TABLE d (id int PRIMARY KEY, a int)");
	ALX_TEST_EXEC_FATAL(db, "INSERT INTO d VALUES (1, 10)");
	alopex_stmt *st = ALX_TEST_PREPARE(db, "SELECT * FROM d WHERE id = $1");
	CU_ASSERT_EQUAL(alopex_bind_int64(st, 1, 1), 0);
	ALX_TEST_CHECK_ROWS(alx_test_stmt_lines(db, st), "1|10\n");
	ALX_TEST_EXEC_FATAL(db, "BEGIN");
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE d");
	ALX_TEST_EXEC_FATAL(
		db, "CREATE TABLE d (id int PRIMARY KEY, a int, b int)");
	ALX_TEST_EXEC_FATAL(db, "INSERT INTO d VALUES (1, 11, 5)");
	/* the block's table: one more column, so the plan may not change */
	CU_ASSERT_NOT_EQUAL(alopex_step(st), ALOPEX_ROW);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "0A000");
	ALX_TEST_EXEC_FATAL(db, "ROLLBACK");
	CU_ASSERT_EQUAL(alopex_reset(st), 0);
	ALX_TEST_CHECK_ROWS(alx_test_stmt_lines(db, st), "1|10\n");
	ALX_TEST_EXEC_FATAL(db, "BEGIN");
	ALX_TEST_EXEC_FATAL(db, "UPDATE d SET a = 12 WHERE id = 1");
	ALX_TEST_EXEC_FATAL(db, "ALTER TABLE d ADD COLUMN c text DEFAULT 'z'");
	CU_ASSERT_NOT_EQUAL(alopex_step(st), ALOPEX_ROW);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "0A000");
	ALX_TEST_EXEC_FATAL(db, "ROLLBACK");
	CU_ASSERT_EQUAL(alopex_reset(st), 0);
	ALX_TEST_CHECK_ROWS(alx_test_stmt_lines(db, st), "1|10\n");
	alopex_finalize(st);
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE d");
}

static void test_errors_then_rerun(void)
{
	alopex_stmt *div = ALX_TEST_PREPARE(db, "SELECT 100 / $1::int");
	CU_ASSERT_EQUAL(alopex_bind_int64(div, 1, 0), 0);
	CU_ASSERT_NOT_EQUAL(alopex_step(div), ALOPEX_ROW);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "22012");
	CU_ASSERT_EQUAL(alopex_bind_int64(div, 1, 4), 0);
	ALX_TEST_CHECK_ROWS(alx_test_stmt_lines(db, div), "25\n");
	alopex_finalize(div);

	ALX_TEST_EXEC_FATAL(db, "CREATE TABLE u (id int PRIMARY KEY)");
	alopex_stmt *ins = ALX_TEST_PREPARE(db, "INSERT INTO u VALUES ($1)");
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, 1), 0);
	CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
	CU_ASSERT_NOT_EQUAL(alopex_step(ins), ALOPEX_DONE);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "23505");
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, 2), 0);
	CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
	/* a bad value for the parameter's type fails at step */
	CU_ASSERT_EQUAL(alopex_bind_text(ins, 1, "x", -1), 0);
	CU_ASSERT_NOT_EQUAL(alopex_step(ins), ALOPEX_DONE);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "22P02");
	CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, 3), 0);
	CU_ASSERT_EQUAL(alopex_step(ins), ALOPEX_DONE);
	alopex_finalize(ins);
	ALX_TEST_CHECK_ROWS(
		alx_test_query_lines(db, "SELECT id FROM u ORDER BY id"),
		"1\n2\n3\n");
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE u");
}

static void test_fixed_width_scan(void)
{
	ALX_TEST_EXEC_FATAL(
		db,
		"CREATE TABLE f (id int PRIMARY KEY, a bigint, sm smallint, "
		"x float8, d date, ts timestamp, b bool, iv interval)");
	alopex_stmt *ins = ALX_TEST_PREPARE(
		db, "INSERT INTO f VALUES ($1, $2, $3, $4, "
		    "date '2024-01-01' + $1, "
		    "timestamp '2024-01-01' + $1 * interval '1 "
		    "hour', $1 % 2 = 0, $1 * interval '1 day')");
	ALX_TEST_EXEC_FATAL(db, "BEGIN");
	int64_t want = 0;
	for (int64_t i = 1; i <= 2000; i++) {
		CU_ASSERT_EQUAL(alopex_bind_int64(ins, 1, i), 0);
		if (i % 10 == 0) {
			CU_ASSERT_EQUAL(alopex_bind_null(ins, 2), 0);
		} else {
			CU_ASSERT_EQUAL(alopex_bind_int64(ins, 2, i * 3), 0);
			want += (i * 3) % 7 == 3;
		}
		CU_ASSERT_EQUAL(alopex_bind_int64(ins, 3, i % 100), 0);
		CU_ASSERT_EQUAL(alopex_bind_double(ins, 4, (double)i / 4), 0);
		CU_ASSERT_EQUAL_FATAL(alopex_step(ins), ALOPEX_DONE);
	}
	ALX_TEST_EXEC_FATAL(db, "COMMIT");
	alopex_finalize(ins);
	char buf[64];
	snprintf(buf, sizeof(buf), "%" PRId64 "\n", want);
	ALX_TEST_CHECK_ROWS(
		alx_test_query_lines(db,
				     "SELECT count(*) FROM f WHERE a % 7 = 3"),
		buf);
	/* the same through a kept statement, several times */
	alopex_stmt *cnt =
		ALX_TEST_PREPARE(db, "SELECT count(*) FROM f WHERE a % 7 = $1");
	for (int r = 0; r < 3; r++) {
		CU_ASSERT_EQUAL(alopex_bind_int64(cnt, 1, 3), 0);
		ALX_TEST_CHECK_ROWS(alx_test_stmt_lines(db, cnt), buf);
	}
	alopex_finalize(cnt);
	/* rows kept by a sort: every column decoded from its own row */
	ALX_TEST_CHECK_ROWS(
		alx_test_query_lines(
			db,
			"SELECT id, a, sm, x, d, ts, b, iv FROM f WHERE id IN "
			"(9, 10, 1999) ORDER BY x DESC"),
		"1999|5997|99|499.75|2029-06-22|2024-03-24 07:00:00|f|1999 "
		"days\n"
		"10|<null>|10|2.5|2024-01-11|2024-01-01 10:00:00|t|10 days\n"
		"9|27|9|2.25|2024-01-10|2024-01-01 09:00:00|f|9 days\n");
	/* integer comparisons across widths, and with NULLs */
	ALX_TEST_CHECK_ROWS(
		alx_test_query_lines(db, "SELECT count(*) FROM f WHERE sm = 7"),
		"20\n");
	ALX_TEST_CHECK_ROWS(
		alx_test_query_lines(
			db, "SELECT count(*) FROM f WHERE sm < 3000000000"),
		"2000\n");
	ALX_TEST_CHECK_ROWS(
		alx_test_query_lines(db,
				     "SELECT count(*) FROM f WHERE a >= 5997"),
		"1\n");
	ALX_TEST_CHECK_ROWS(alx_test_query_lines(
				    db, "SELECT count(*) FROM f WHERE a <> sm"),
			    "1800\n");
	ALX_TEST_CHECK_ROWS(
		alx_test_query_lines(db, "SELECT count(*) FROM f WHERE 2 * "
					 "sm > 197 OR a IS NULL"),
		"220\n");
	ALX_TEST_EXEC_FATAL(db, "DROP TABLE f");
}

static const struct alx_test_case cases[] = {
	{"point_rerun", test_point_rerun},
	{"range_rerun", test_range_rerun},
	{"table_changes", test_table_changes},
	{"block_ddl", test_block_ddl},
	{"errors_then_rerun", test_errors_then_rerun},
	{"fixed_width_scan", test_fixed_width_scan},
	{NULL, NULL}};

static const struct alx_test_suite suite = {"stmt_reuse", setup, teardown,
					    cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
