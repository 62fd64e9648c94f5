/*
 * ALTER TABLE ... ADD PRIMARY KEY moves every row to new storage keyed by
 * the key and rebuilds the secondary indexes; an autocommit ALTER streams
 * (short transactions of its own, then a catalog flip), one inside a
 * block runs in the block's transaction. These tests check
 * that the table survives, on disk, what can go wrong: a failed ALTER
 * (duplicate, NULL) followed by a reopen, a process killed (SIGKILL) in
 * the middle of an uncommitted ALTER, and one killed right after the
 * ALTER committed. PostgreSQL's own wording is checked by
 * tests/sql/pg/alter_pkey.sql.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"

#define NROWS 3000

/* The rows as alx_test_query_rows gives them: "a|b", one line a row. */
static const char *query(alopex_db *db, const char *sql)
{
	static char out[512];
	const char *r = alx_test_query_rows(db, sql, out, sizeof(out));
	return r != NULL ? r : "<error>";
}

/*
 * t(a, b, c serial, d): no primary key yet; a = 0..NROWS-1 inserted in a
 * scrambled order, b = 'v' || a with an index on it, d unique.
 */
static void fill(alopex_db *db)
{
	ALX_TEST_EXEC(db,
		      "CREATE TABLE t (a int, b text, c serial, d int UNIQUE)");
	ALX_TEST_EXEC(db, "CREATE INDEX t_b ON t (b)");
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "INSERT INTO t (a, b, d) SELECT (g * 7919) %% %d, 'v' || "
		 "((g * 7919) %% %d), g FROM generate_series(0, %d) g",
		 NROWS, NROWS, NROWS - 1);
	ALX_TEST_EXEC(db, sql);
}

/* The table as fill() made it, however its rows are keyed. */
static void check_rows(alopex_db *db, int nrows)
{
	char want[64];
	snprintf(want, sizeof(want), "%d|%d|%d", nrows, nrows, nrows);
	CU_ASSERT_STRING_EQUAL(query(db, "SELECT count(*), count(DISTINCT a), "
					 "count(DISTINCT c) FROM t"),
			       want);
	CU_ASSERT_STRING_EQUAL(query(db, "SELECT count(*) FROM t WHERE b <> "
					 "'v' || a"),
			       "0");
	/* through the secondary indexes */
	CU_ASSERT_STRING_EQUAL(query(db, "SELECT a, b FROM t WHERE b = "
					 "'v1234'"),
			       "1234|v1234");
	CU_ASSERT_STRING_EQUAL(query(db, "SELECT a FROM t WHERE d = 1"),
			       "1919");
	CU_ASSERT_STRING_EQUAL(query(db, "SELECT a FROM t WHERE a = 2999"),
			       "2999");
}

/* Whether the table now has its primary key on a. */
static void check_pk(alopex_db *db, int want)
{
	int rc = alopex_exec(db, "INSERT INTO t (a, b, d) VALUES (5, 'x', -1)");
	if (want) {
		CU_ASSERT_EQUAL(rc, ALOPEX_ESQL);
		CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "23505");
		CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
				       "duplicate key value violates unique "
				       "constraint \"t_pkey\"\n"
				       "Key (a)=(5) already exists.");
	} else {
		CU_ASSERT_EQUAL(rc, 0);
		ALX_TEST_EXEC(db, "DELETE FROM t WHERE d = -1");
	}
}

static void test_failed_alter_reopen(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("alter_pk_fail", &dir);
	fill(db);
	ALX_TEST_EXEC(db, "INSERT INTO t (a, b, d) VALUES (17, 'v17', -2)");
	CU_ASSERT_EQUAL(alopex_exec(db, "ALTER TABLE t ADD PRIMARY KEY (a)"),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "23505");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
			       "could not create unique index \"t_pkey\"\n"
			       "Key (a)=(17) is duplicated.");
	ALX_TEST_EXEC(db, "DELETE FROM t WHERE d = -2");
	ALX_TEST_EXEC(db, "INSERT INTO t (b, d) VALUES ('null key', -3)");
	CU_ASSERT_EQUAL(alopex_exec(db, "ALTER TABLE t ADD PRIMARY KEY (a)"),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "23502");
	ALX_TEST_EXEC(db, "DELETE FROM t WHERE d = -3");
	CU_ASSERT_EQUAL(alopex_close(db), 0);

	/* nothing of the failed ALTERs is on disk */
	db = alx_test_open_dir(dir, NULL);
	check_rows(db, NROWS);
	check_pk(db, 0);
	ALX_TEST_EXEC(db, "ALTER TABLE t ADD PRIMARY KEY (a)");
	check_pk(db, 1);
	CU_ASSERT_EQUAL(alopex_close(db), 0);

	/* the new key, the indexes and the sequence after a reopen */
	db = alx_test_open_dir(dir, NULL);
	check_rows(db, NROWS);
	check_pk(db, 1);
	ALX_TEST_EXEC(db,
		      "INSERT INTO t (a, b, d) VALUES (3000, 'v3000', 3000)");
	/* the serial's sequence kept going (blocks may leave a gap) */
	CU_ASSERT_STRING_EQUAL(query(db, "SELECT c > 3000, c IS NOT NULL "
					 "FROM t WHERE a = 3000"),
			       "t|t");
	CU_ASSERT_EQUAL(alopex_exec(db, "ALTER TABLE t ADD PRIMARY KEY (b)"),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "42P16");
	alx_test_close_dir(db, dir);
}

/*
 * A child runs the ALTER (inside BEGIN when commit is 0), tells the parent
 * through the pipe and waits to be killed.
 */
static void child_main(const char *dir, int fd, int commit)
	__attribute__((noreturn));

static void child_main(const char *dir, int fd, int commit)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* no CUnit in the child: a failed open is its exit code */
	alopex_open_options o = {.size = sizeof(o),
				 .log_fn = alx_test_log_quiet,
				 .log_level = ALOPEX_LOG_WARN};
	alopex_db *db = NULL;
	alopex_diag d = {0};
	if (alopex_open_ex(dir, NULL, &o, &db, &d) != 0)
		_exit(3);
	if (!commit && alopex_exec(db, "BEGIN") != 0)
		_exit(4);
	if (alopex_exec(db, "ALTER TABLE t ADD PRIMARY KEY (a)") != 0) {
		fprintf(stderr, "child: %s\n", alopex_errmsg(db));
		_exit(5);
	}
	char ok = 'y';
	if (write(fd, &ok, 1) != 1)
		_exit(6);
	for (int i = 0; i < 3000; i++) /* at most 30 s */
		usleep(10000);
	_exit(0);
}

static void crash_during(int commit)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("alter_pk_crash", &dir);
	fill(db);
	CU_ASSERT_EQUAL_FATAL(alopex_close(db), 0);
	int fds[2];
	CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		child_main(dir, fds[1], commit);
	}
	close(fds[1]);
	char ok = 0;
	ssize_t n = read(fds[0], &ok, 1);
	close(fds[0]);
	kill(pid, SIGKILL);
	int status = 0;
	waitpid(pid, &status, 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(ok, 'y');
	CU_ASSERT(WIFSIGNALED(status));

	db = alx_test_open_dir(dir, NULL);
	check_rows(db, NROWS);
	check_pk(db, commit);
	if (!commit) {
		/* the table is as it was and takes the ALTER again */
		ALX_TEST_EXEC(db, "ALTER TABLE t ADD PRIMARY KEY (a)");
		check_pk(db, 1);
		check_rows(db, NROWS);
	}
	alx_test_close_dir(db, dir);
}

static void test_crash_uncommitted(void)
{
	crash_during(0);
}

static void test_crash_committed(void)
{
	crash_during(1);
}

/* An ALTER that must fail with this SQLSTATE and message. */
static void exec_err(alopex_db *db, const char *sql, const char *state,
		     const char *msg)
{
	CU_ASSERT_EQUAL(alopex_exec(db, sql), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), state);
	if (strcmp(alopex_errmsg(db), msg) != 0)
		fprintf(stderr, "%s: got \"%s\"\n", sql, alopex_errmsg(db));
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db), msg);
}

/*
 * Messages and their order, checked against PostgreSQL 15: a duplicate
 * is reported before a NULL in a key column (the index build comes before
 * the NOT NULL scan), composite keys name every column.
 */
static void test_messages(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("alter_pk_msg", &dir);
	ALX_TEST_EXEC(db, "CREATE TABLE t (a int, b int, c text)");
	ALX_TEST_EXEC(db, "INSERT INTO t VALUES (1, 1, 'x'), (2, NULL, 'y'), "
			  "(1, 2, 'z')");
	exec_err(db, "ALTER TABLE t ADD PRIMARY KEY (a)", "23505",
		 "could not create unique index \"t_pkey\"\n"
		 "Key (a)=(1) is duplicated.");
	exec_err(db, "ALTER TABLE t ADD PRIMARY KEY (b)", "23502",
		 "column \"b\" of relation \"t\" contains null values");
	ALX_TEST_EXEC(db, "ALTER TABLE t ADD PRIMARY KEY (a, c)");
	exec_err(db, "INSERT INTO t VALUES (1, 5, 'z')", "23505",
		 "duplicate key value violates unique constraint \"t_pkey\"\n"
		 "Key (a, c)=(1, z) already exists.");
	CU_ASSERT_STRING_EQUAL(query(db, "SELECT string_agg(a || c || "
					 "coalesce(b, -1), ',' ORDER BY a, c) "
					 "FROM t"),
			       "1x1,1z2,2y-1");

	ALX_TEST_EXEC(db, "CREATE TABLE u (a int, b text)");
	ALX_TEST_EXEC(db, "INSERT INTO u VALUES (1, 'a'), (1, 'a')");
	exec_err(db, "ALTER TABLE u ADD PRIMARY KEY (a, b)", "23505",
		 "could not create unique index \"u_pkey\"\n"
		 "Key (a, b)=(1, a) is duplicated.");
	exec_err(db, "ALTER TABLE u ADD CONSTRAINT upk PRIMARY KEY (b)",
		 "23505",
		 "could not create unique index \"upk\"\n"
		 "Key (b)=(a) is duplicated.");

	ALX_TEST_EXEC(db, "CREATE TABLE w (a int, b int)");
	ALX_TEST_EXEC(db, "INSERT INTO w VALUES (NULL, NULL), (1, 1), (1, 1)");
	exec_err(db, "ALTER TABLE w ADD PRIMARY KEY (a, b)", "23505",
		 "could not create unique index \"w_pkey\"\n"
		 "Key (a, b)=(1, 1) is duplicated.");
	ALX_TEST_EXEC(db, "DELETE FROM w WHERE a = 1");
	exec_err(db, "ALTER TABLE w ADD PRIMARY KEY (a, b)", "23502",
		 "column \"a\" of relation \"w\" contains null values");
	CU_ASSERT_STRING_EQUAL(query(db, "SELECT count(*) FROM w"), "1");
	alx_test_close_dir(db, dir);
}

#define BIG 40000

/*
 * big(id, k, v, emb vector(3)): BIG rows of ~100 bytes (more than one of
 * the build's 4 MB transactions), an index on k, a unique one on v.
 */
static void fill_big(alopex_db *db, int dup_first)
{
	ALX_TEST_EXEC(
		db, "CREATE TABLE big (id int, k int, v text, emb vector(3))");
	ALX_TEST_EXEC(db, "CREATE INDEX big_k ON big (k)");
	ALX_TEST_EXEC(db, "CREATE UNIQUE INDEX big_v ON big (v)");
	if (dup_first)
		ALX_TEST_EXEC(db, "INSERT INTO big VALUES (0, -1, 'dup', "
				  "'[0,0,0]')");
	char sql[300];
	snprintf(sql, sizeof(sql),
		 "INSERT INTO big SELECT g, g %% 100, 'v' || g || repeat('x', "
		 "80), ('[' || g || ',1,2]')::vector FROM "
		 "generate_series(0, %d) g",
		 BIG - 1);
	ALX_TEST_EXEC(db, sql);
}

static void check_big(alopex_db *db, int nrows)
{
	char want[80];
	snprintf(want, sizeof(want), "%d", nrows);
	CU_ASSERT_STRING_EQUAL(query(db, "SELECT count(*) FROM big"), want);
	/* the generated rows (the extra ones have k = -1) */
	snprintf(want, sizeof(want), "%d|%lld", BIG,
		 (long long)BIG * (BIG - 1) / 2);
	CU_ASSERT_STRING_EQUAL(query(db, "SELECT count(*), sum(id) FROM big "
					 "WHERE k >= 0"),
			       want);
	CU_ASSERT_STRING_EQUAL(query(db, "SELECT count(*) FROM big WHERE "
					 "k = 42"),
			       "400");
	CU_ASSERT_STRING_EQUAL(query(db, "SELECT id, k, emb FROM big WHERE v = "
					 "'v12345' || repeat('x', 80)"),
			       "12345|45|[12345,1,2]");
}

/* How far the table's oid moved: a streamed ALTER gives the table new
 * storage under an id well past the catalog's next one. */
static long oid_of(alopex_db *db, const char *table)
{
	char sql[120];
	snprintf(sql, sizeof(sql),
		 "SELECT oid FROM pg_class WHERE relname = '%s'", table);
	return atol(query(db, sql));
}

/* A duplicate found late, then early: the table is as it was, usable,
 * and takes the key once the duplicate is gone (also after a reopen). */
static void test_big_duplicates(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("alter_pk_big", &dir);
	fill_big(db, 0);
	ALX_TEST_EXEC(db,
		      "INSERT INTO big VALUES (39998, -1, 'late', '[1,1,1]')");
	exec_err(db, "ALTER TABLE big ADD PRIMARY KEY (id)", "23505",
		 "could not create unique index \"big_pkey\"\n"
		 "Key (id)=(39998) is duplicated.");
	check_big(db, BIG + 1);
	ALX_TEST_EXEC(db, "UPDATE big SET k = 7 WHERE v = 'late'");
	CU_ASSERT_STRING_EQUAL(query(db, "SELECT id FROM big WHERE k = 7 AND "
					 "v = 'late'"),
			       "39998");
	ALX_TEST_EXEC(db, "DELETE FROM big WHERE v = 'late'");
	long before = oid_of(db, "big");
	CU_ASSERT(before > 0);
	ALX_TEST_EXEC(db, "ALTER TABLE big ADD PRIMARY KEY (id)");
	CU_ASSERT(oid_of(db, "big") - before > 200); /* it streamed */
	check_big(db, BIG);
	CU_ASSERT_STRING_EQUAL(query(db, "SELECT v = 'v777' || repeat('x', 80) "
					 "FROM big WHERE id = 777"),
			       "t");
	exec_err(db, "INSERT INTO big VALUES (777, 0, 'new', NULL)", "23505",
		 "duplicate key value violates unique constraint "
		 "\"big_pkey\"\nKey (id)=(777) already exists.");
	exec_err(db,
		 "INSERT INTO big VALUES (-5, 0, 'v1' || repeat('x', 80), "
		 "NULL)",
		 "23505",
		 "duplicate key value violates unique constraint "
		 "\"big_v\"\nKey (v)=(v1"
		 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx) already exists.");
	CU_ASSERT_EQUAL(alopex_close(db), 0);

	db = alx_test_open_dir(dir, NULL);
	check_big(db, BIG);
	ALX_TEST_EXEC(db, "UPDATE big SET k = k + 1000 WHERE id < 10");
	CU_ASSERT_STRING_EQUAL(query(db, "SELECT count(*) FROM big WHERE k >= "
					 "1000"),
			       "10");
	ALX_TEST_EXEC(db, "DROP TABLE big");

	/* a duplicate met among the first rows */
	fill_big(db, 1);
	exec_err(db, "ALTER TABLE big ADD PRIMARY KEY (id)", "23505",
		 "could not create unique index \"big_pkey\"\n"
		 "Key (id)=(0) is duplicated.");
	check_big(db, BIG + 1);
	/* a NULL key is reported only after every row was checked */
	ALX_TEST_EXEC(db, "UPDATE big SET id = NULL WHERE v = 'dup'");
	exec_err(db, "ALTER TABLE big ADD PRIMARY KEY (id)", "23502",
		 "column \"id\" of relation \"big\" contains null values");
	ALX_TEST_EXEC(db, "DELETE FROM big WHERE v = 'dup'");
	ALX_TEST_EXEC(db, "ALTER TABLE big ADD PRIMARY KEY (id, k)");
	check_big(db, BIG);
	alx_test_close_dir(db, dir);
}

/* Inside a block the ALTER runs in the block's transaction. */
static void test_in_block(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("alter_pk_block", &dir);
	fill(db);
	ALX_TEST_EXEC(db, "BEGIN");
	ALX_TEST_EXEC(db, "ALTER TABLE t ADD PRIMARY KEY (a)");
	check_rows(db, NROWS);
	ALX_TEST_EXEC(db, "ROLLBACK");
	check_pk(db, 0);
	check_rows(db, NROWS);
	long before = oid_of(db, "t");
	ALX_TEST_EXEC(db, "BEGIN");
	ALX_TEST_EXEC(db,
		      "INSERT INTO t (a, b, d) VALUES (3000, 'v3000', 3000)");
	ALX_TEST_EXEC(db, "ALTER TABLE t ADD PRIMARY KEY (a)");
	ALX_TEST_EXEC(db, "COMMIT");
	/* it did not stream */
	CU_ASSERT(oid_of(db, "t") > before && oid_of(db, "t") - before < 200);
	check_pk(db, 1);
	check_rows(db, NROWS + 1);
	/* with another command: not streamed either */
	ALX_TEST_EXEC(db, "CREATE TABLE m (a int, b text)");
	ALX_TEST_EXEC(db, "INSERT INTO m SELECT g, 'b' || g FROM "
			  "generate_series(1, 100) g");
	ALX_TEST_EXEC(db, "ALTER TABLE m ADD PRIMARY KEY (a), ADD COLUMN z int "
			  "DEFAULT 7");
	CU_ASSERT_STRING_EQUAL(query(db, "SELECT count(*), sum(a), sum(z) "
					 "FROM m"),
			       "100|5050|700");
	CU_ASSERT_STRING_EQUAL(query(db, "SELECT b FROM m WHERE a = 42"),
			       "b42");
	alx_test_close_dir(db, dir);
}

static const struct alx_test_case cases[] = {
	{"failed_alter_reopen", test_failed_alter_reopen},
	{"crash_uncommitted", test_crash_uncommitted},
	{"crash_committed", test_crash_committed},
	{"messages", test_messages},
	{"big_duplicates", test_big_duplicates},
	{"in_block", test_in_block},
	{NULL, NULL}};

static const struct alx_test_suite suite = {"alter_pk", NULL, NULL, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
