/*
 * ALTER TABLE ... ADD PRIMARY KEY moves every row to a new key and
 * rebuilds the secondary indexes in one transaction. These tests check
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

#define NROWS 3000

static void quiet_log(void *arg, int level, const char *component,
		      const char *message)
{
	(void)arg;
	if (level <= ALOPEX_LOG_WARN)
		fprintf(stderr, "alopex %s: %s\n", component, message);
}

static const alopex_open_options open_opts = {
	.size = sizeof(alopex_open_options),
	.log_fn = quiet_log,
	.log_level = ALOPEX_LOG_WARN,
	.create_if_missing = 1,
};

static alopex_db *open_db(const char *dir)
{
	alopex_db *db = NULL;
	alopex_diag d = {0};
	int rc = alopex_open_ex(dir, NULL, &open_opts, &db, &d);
	if (rc != 0)
		fprintf(stderr, "open: %s\n", d.message);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return db;
}

static void exec_ok(alopex_db *db, const char *sql)
{
	int rc = alopex_exec(db, sql);
	if (rc != 0)
		fprintf(stderr, "%s: %s\n", sql, alopex_errmsg(db));
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

/* The first row's columns as "a|b"; "" when no row. */
static const char *query(alopex_db *db, const char *sql)
{
	static char out[512];
	out[0] = '\0';
	alopex_stmt *st = NULL;
	if (alopex_prepare(db, sql, &st) != 0)
		return alopex_errmsg(db);
	if (alopex_step(st) == ALOPEX_ROW) {
		size_t n = 0;
		for (int i = 0; i < alopex_column_count(st); i++) {
			const char *v = alopex_column_text(st, i);
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s",
					      i ? "|" : "", v ? v : "<null>");
		}
	}
	alopex_finalize(st);
	return out;
}

/*
 * t(a, b, c serial, d): no primary key yet; a = 0..NROWS-1 inserted in a
 * scrambled order, b = 'v' || a with an index on it, d unique.
 */
static void fill(alopex_db *db)
{
	exec_ok(db, "CREATE TABLE t (a int, b text, c serial, d int UNIQUE)");
	exec_ok(db, "CREATE INDEX t_b ON t (b)");
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "INSERT INTO t (a, b, d) SELECT (g * 7919) %% %d, 'v' || "
		 "((g * 7919) %% %d), g FROM generate_series(0, %d) g",
		 NROWS, NROWS, NROWS - 1);
	exec_ok(db, sql);
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
		exec_ok(db, "DELETE FROM t WHERE d = -1");
	}
}

static void test_failed_alter_reopen(void)
{
	char *dir = alx_test_tmpdir("alter_pk_fail");
	alopex_db *db = open_db(dir);
	fill(db);
	exec_ok(db, "INSERT INTO t (a, b, d) VALUES (17, 'v17', -2)");
	CU_ASSERT_EQUAL(alopex_exec(db, "ALTER TABLE t ADD PRIMARY KEY (a)"),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "23505");
	CU_ASSERT_STRING_EQUAL(alopex_errmsg(db),
			       "could not create unique index \"t_pkey\"\n"
			       "Key (a)=(17) is duplicated.");
	exec_ok(db, "DELETE FROM t WHERE d = -2");
	exec_ok(db, "INSERT INTO t (b, d) VALUES ('null key', -3)");
	CU_ASSERT_EQUAL(alopex_exec(db, "ALTER TABLE t ADD PRIMARY KEY (a)"),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "23502");
	exec_ok(db, "DELETE FROM t WHERE d = -3");
	CU_ASSERT_EQUAL(alopex_close(db), 0);

	/* nothing of the failed ALTERs is on disk */
	db = open_db(dir);
	check_rows(db, NROWS);
	check_pk(db, 0);
	exec_ok(db, "ALTER TABLE t ADD PRIMARY KEY (a)");
	check_pk(db, 1);
	CU_ASSERT_EQUAL(alopex_close(db), 0);

	/* the new key, the indexes and the sequence after a reopen */
	db = open_db(dir);
	check_rows(db, NROWS);
	check_pk(db, 1);
	exec_ok(db, "INSERT INTO t (a, b, d) VALUES (3000, 'v3000', 3000)");
	/* the serial's sequence kept going (blocks may leave a gap) */
	CU_ASSERT_STRING_EQUAL(query(db, "SELECT c > 3000, c IS NOT NULL "
					 "FROM t WHERE a = 3000"),
			       "t|t");
	CU_ASSERT_EQUAL(alopex_exec(db, "ALTER TABLE t ADD PRIMARY KEY (b)"),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "42P16");
	CU_ASSERT_EQUAL(alopex_close(db), 0);
	alx_test_rmdir(dir);
	free(dir);
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
	alopex_db *db = NULL;
	alopex_diag d = {0};
	if (alopex_open_ex(dir, NULL, &open_opts, &db, &d) != 0)
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
	char *dir = alx_test_tmpdir("alter_pk_crash");
	alopex_db *db = open_db(dir);
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

	db = open_db(dir);
	check_rows(db, NROWS);
	check_pk(db, commit);
	if (!commit) {
		/* the table is as it was and takes the ALTER again */
		exec_ok(db, "ALTER TABLE t ADD PRIMARY KEY (a)");
		check_pk(db, 1);
		check_rows(db, NROWS);
	}
	CU_ASSERT_EQUAL(alopex_close(db), 0);
	alx_test_rmdir(dir);
	free(dir);
}

static void test_crash_uncommitted(void)
{
	crash_during(0);
}

static void test_crash_committed(void)
{
	crash_during(1);
}

static const struct alx_test_case cases[] = {
	{"failed_alter_reopen", test_failed_alter_reopen},
	{"crash_uncommitted", test_crash_uncommitted},
	{"crash_committed", test_crash_committed},
	{NULL, NULL}};

static const struct alx_test_suite suite = {"alter_pk", NULL, NULL, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
