/*
 * TRUNCATE, DROP TABLE, DROP INDEX and ADD PRIMARY KEY's old storage go
 * as engine range deletes (alx_kv_txn_del_range) on both engines: the
 * tables stored next to them keep every row, a rolled-back block brings
 * the rows back, an autocommit TRUNCATE waits for the table's open
 * writers (as PostgreSQL's ACCESS EXCLUSIVE lock does) and sees what they
 * wrote, and the deletes survive a crash. The change stream shows one
 * ALOPEX_MUT_DELETE_RANGE per dropped range instead of a delete per key.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "sql/sql_session.h"
#include "sql/sql_session_int.h"

#define NROWS 500

#define OK(db, sql) ALX_TEST_EXEC(db, sql)
#define SOK(s, sql) ALX_TEST_SESSION_OK(s, sql)

/* t1, t2, t3 made one after the other: neighbouring table ids, so their
 * rows are neighbouring key ranges. t2 and t3 have an index on b. */
static void make_tables(alopex_db *db)
{
	char sql[200];
	for (int i = 1; i <= 3; i++) {
		snprintf(sql, sizeof(sql),
			 "CREATE TABLE t%d (a int PRIMARY KEY, b text)", i);
		OK(db, sql);
		snprintf(sql, sizeof(sql),
			 "INSERT INTO t%d SELECT g, 'v' || (g %% 50) FROM "
			 "generate_series(1, %d) g",
			 i, NROWS);
		OK(db, sql);
	}
	OK(db, "CREATE INDEX t2_b ON t2 (b)");
	OK(db, "CREATE INDEX t3_b ON t3 (b)");
}

static void expect_count(alopex_db *db, const char *table, int n, int line)
{
	char sql[100], want[32];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	snprintf(want, sizeof(want), "%d", n);
	const char *got = alx_test_query_text(db, sql);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "line %d: %s: %s, want %s\n", line, sql, got,
			want);
	CU_ASSERT_STRING_EQUAL(got, want);
}
#define COUNT(db, t, n) expect_count(db, t, n, __LINE__)

/* The SQL data mutations of committed batches. */
struct seen {
	int ranges, dels;
	uint8_t lo[4][16], hi[4][16];
	size_t lolen[4], hilen[4];
};

static int see(void *arg, const alopex_batch *b)
{
	struct seen *s = arg;
	for (size_t i = 0; i < b->count; i++) {
		const alopex_mutation *m = &b->mutations[i];
		if (m->klen == 0 || m->key[0] != 0x10)
			continue; /* not table data */
		if (m->op == ALOPEX_MUT_DELETE)
			s->dels++;
		if (m->op != ALOPEX_MUT_DELETE_RANGE)
			continue;
		int k = s->ranges++;
		if (k < 4 && m->klen <= 16 && m->vlen <= 16) {
			memcpy(s->lo[k], m->key, m->klen);
			memcpy(s->hi[k], m->val, m->vlen);
			s->lolen[k] = m->klen;
			s->hilen[k] = m->vlen;
		}
	}
	return 0;
}

/* A whole table's range: 0x10 + id, up to 0x10 + id + 1. */
static void check_table_range(const struct seen *s, int k)
{
	CU_ASSERT_EQUAL_FATAL(s->lolen[k], 5);
	CU_ASSERT_EQUAL_FATAL(s->hilen[k], 5);
	uint32_t lo = (uint32_t)s->lo[k][1] << 24 |
		      (uint32_t)s->lo[k][2] << 16 | (uint32_t)s->lo[k][3] << 8 |
		      s->lo[k][4];
	uint32_t hi = (uint32_t)s->hi[k][1] << 24 |
		      (uint32_t)s->hi[k][2] << 16 | (uint32_t)s->hi[k][3] << 8 |
		      s->hi[k][4];
	CU_ASSERT_EQUAL(s->hi[k][0], 0x10);
	CU_ASSERT_EQUAL(hi, lo + 1);
}

static void test_neighbours(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("sqlrange", &dir);
	make_tables(db);
	struct seen s = {0};
	alopex_subscription *sub;
	CU_ASSERT_EQUAL_FATAL(alopex_subscribe(db, see, &s, &sub), 0);

	OK(db, "TRUNCATE t2");
	CU_ASSERT_EQUAL(s.ranges, 1);
	CU_ASSERT_EQUAL(s.dels, 0);
	check_table_range(&s, 0);
	COUNT(db, "t1", NROWS);
	COUNT(db, "t2", 0);
	COUNT(db, "t3", NROWS);
	CU_ASSERT_STRING_EQUAL(alx_test_query_text(db,
						   "SELECT count(*) FROM t2 "
						   "WHERE b = 'v7'"),
			       "0");
	/* the table and its index take rows again */
	OK(db, "INSERT INTO t2 VALUES (1, 'v7'), (2, 'v8')");
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text(db, "SELECT a FROM t2 WHERE b = 'v7'"),
		"1");

	/* DROP INDEX: the index entries as one range, rows stay */
	OK(db, "DROP INDEX t3_b");
	CU_ASSERT_EQUAL(s.ranges, 2);
	CU_ASSERT_EQUAL(s.lolen[1], 9); /* table prefix with index id */
	COUNT(db, "t3", NROWS);
	CU_ASSERT_STRING_EQUAL(alx_test_query_text(db,
						   "SELECT count(*) FROM t3 "
						   "WHERE b = 'v7'"),
			       "10");
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text(db, "SELECT b FROM t3 WHERE a = 57"), "v7");

	OK(db, "DROP TABLE t2");
	CU_ASSERT_EQUAL(s.ranges, 3);
	CU_ASSERT_EQUAL(s.dels, 0);
	check_table_range(&s, 2);
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text(db, "SELECT count(*) FROM t2"), "42P01");
	COUNT(db, "t1", NROWS);
	COUNT(db, "t3", NROWS);
	CU_ASSERT_STRING_EQUAL(alx_test_query_text(db, "SELECT sum(a) FROM t1"),
			       "125250");
	CU_ASSERT_STRING_EQUAL(alx_test_query_text(db, "SELECT sum(a) FROM t3"),
			       "125250");
	alopex_unsubscribe(db, sub);

	/* the same after a reopen */
	CU_ASSERT_EQUAL(alopex_close(db), 0);
	if (!alx_test_engine_is_memory()) {
		db = alx_test_open_dir(dir, alx_test_engine_cfg());
		COUNT(db, "t1", NROWS);
		COUNT(db, "t3", NROWS);
		CU_ASSERT_STRING_EQUAL(
			alx_test_query_text(db, "SELECT count(*) FROM t2"),
			"42P01");
		CU_ASSERT_EQUAL(alopex_close(db), 0);
	}
	alx_test_rmdir(dir);
	free(dir);
}

/* Inside a block (key by key there) and under a savepoint: a rollback
 * brings every row back; a commit keeps the neighbours. */
static void test_rollback(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("sqlrange", &dir);
	make_tables(db);
	OK(db, "BEGIN");
	OK(db, "TRUNCATE t1");
	COUNT(db, "t1", 0);
	OK(db, "DROP TABLE t3");
	OK(db, "ROLLBACK");
	COUNT(db, "t1", NROWS);
	COUNT(db, "t3", NROWS);
	CU_ASSERT_STRING_EQUAL(alx_test_query_text(db,
						   "SELECT count(*) FROM t3 "
						   "WHERE b = 'v7'"),
			       "10");

	OK(db, "BEGIN");
	OK(db, "SAVEPOINT s");
	OK(db, "DROP INDEX t2_b");
	OK(db, "TRUNCATE t2");
	COUNT(db, "t2", 0);
	OK(db, "ROLLBACK TO s");
	COUNT(db, "t2", NROWS);
	OK(db, "COMMIT");
	COUNT(db, "t2", NROWS);
	CU_ASSERT_STRING_EQUAL(alx_test_query_text(db,
						   "SELECT count(*) FROM t2 "
						   "WHERE b = 'v7'"),
			       "10");

	OK(db, "BEGIN");
	OK(db, "TRUNCATE t2");
	OK(db, "COMMIT");
	COUNT(db, "t1", NROWS);
	COUNT(db, "t2", 0);
	COUNT(db, "t3", NROWS);
	alx_test_close_dir(db, dir);
}

/* ADD PRIMARY KEY: the old storage goes as one range once the new one
 * is named; the rows are all there, keyed anew. */
static void test_add_pk(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("sqlrange", &dir);
	OK(db, "CREATE TABLE p (a int NOT NULL, b text)");
	OK(db, "INSERT INTO p SELECT (g * 7919) % 3000, 'v' || g FROM "
	       "generate_series(0, 2999) g");
	OK(db, "CREATE TABLE q (a int PRIMARY KEY)");
	OK(db, "INSERT INTO q SELECT g FROM generate_series(1, 100) g");
	struct seen s = {0};
	alopex_subscription *sub;
	CU_ASSERT_EQUAL_FATAL(alopex_subscribe(db, see, &s, &sub), 0);
	OK(db, "ALTER TABLE p ADD PRIMARY KEY (a)");
	alopex_unsubscribe(db, sub);
	CU_ASSERT_EQUAL(s.ranges, 1);
	CU_ASSERT_EQUAL(s.dels, 0);
	check_table_range(&s, 0);
	COUNT(db, "p", 3000);
	COUNT(db, "q", 100);
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text(db, "SELECT b FROM p WHERE a = 7919 "
					"% 3000"),
		"v1");
	CU_ASSERT_NOT_EQUAL(alopex_exec(db, "INSERT INTO p VALUES (5, 'x')"),
			    0);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "23505");
	alx_test_close_dir(db, dir);
}

struct job {
	struct alx_session *s;
	const char *sql;
	int rc;
	char sqlstate[6];
	atomic_int done;
};

static void *job_main(void *arg)
{
	struct job *j = arg;
	j->rc = alx_session_execute(j->s, j->sql, strlen(j->sql), NULL, NULL);
	snprintf(j->sqlstate, sizeof(j->sqlstate), "%s",
		 alx_session_diag(j->s)->sqlstate);
	atomic_store(&j->done, 1);
	return NULL;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/*
 * An autocommit TRUNCATE waits for a transaction that wrote the table
 * and removes its rows too once it committed (as in PostgreSQL); with
 * lock_timeout it gives up with 55P03. Writers of other tables go on.
 */
static void test_truncate_waits(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("sqlrange", &dir);
	make_tables(db);
	struct alx_session *a = NULL, *b = NULL;
	alopex_diag d = {0};
	CU_ASSERT_EQUAL_FATAL(alx_session_create(db, &a, &d), 0);
	CU_ASSERT_EQUAL_FATAL(alx_session_create(db, &b, &d), 0);

	SOK(b, "BEGIN");
	SOK(b, "INSERT INTO t1 VALUES (-1, 'open')");
	SOK(a, "SET lock_timeout = 100");
	CU_ASSERT_NOT_EQUAL(
		alx_session_execute(a, "TRUNCATE t1", 11, NULL, NULL), 0);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(a)->sqlstate, "55P03");
	CU_ASSERT_STRING_EQUAL(alx_session_diag(a)->message,
			       "canceling statement due to lock timeout");
	SOK(a, "SET lock_timeout = 0");

	struct job j = {.s = a, .sql = "TRUNCATE t1"};
	pthread_t th;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, job_main, &j), 0);
	/* Not a timing assertion: it cannot finish while b is open. */
	sleep_ms(300);
	CU_ASSERT_EQUAL(atomic_load(&j.done), 0);
	SOK(b, "INSERT INTO t1 VALUES (-2, 'open')");
	SOK(b, "COMMIT");
	pthread_join(th, NULL);
	CU_ASSERT_EQUAL(j.rc, 0);
	COUNT(db, "t1", 0);
	COUNT(db, "t2", NROWS);
	/* the gate is free again */
	SOK(b, "INSERT INTO t1 VALUES (1, 'again')");
	COUNT(db, "t1", 1);
	alx_session_destroy(a);
	alx_session_destroy(b);
	alx_test_close_dir(db, dir);
}

/* WiredTiger: TRUNCATE and DROP TABLE committed by a process that then
 * dies without closing are redone by recovery; the neighbours stay. */
static void test_crash(void)
{
	if (alx_test_engine_is_memory())
		return;
	char *dir;
	alopex_db *db = alx_test_engine_open("sqlrange", &dir);
	make_tables(db);
	CU_ASSERT_EQUAL(alopex_close(db), 0);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		alopex_db *cdb = NULL;
		if (alopex_open(dir, NULL, &cdb) != 0 ||
		    alopex_exec(cdb, "TRUNCATE t2") != 0 ||
		    alopex_exec(cdb, "DROP TABLE t3") != 0 ||
		    alopex_exec(cdb, "INSERT INTO t2 VALUES (7, 'after')") != 0)
			_exit(3);
		_exit(0);
	}
	int st = 0;
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	db = alx_test_open_dir(dir, alx_test_engine_cfg());
	COUNT(db, "t1", NROWS);
	COUNT(db, "t2", 1);
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text(db, "SELECT b FROM t2 WHERE a = 7"),
		"after");
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text(db, "SELECT count(*) FROM t3"), "42P01");
	CU_ASSERT_STRING_EQUAL(alx_test_query_text(db, "SELECT sum(a) FROM t1"),
			       "125250");
	alx_test_close_dir(db, dir);
}

static const struct alx_test_case cases[] = {
	{"neighbours", test_neighbours},
	{"rollback", test_rollback},
	{"add_pk", test_add_pk},
	{"truncate_waits", test_truncate_waits},
	{"crash", test_crash},
	{NULL, NULL},
};

int main(int argc, char **argv)
{
	return alx_test_engines_main(argc, argv, "sql_range", cases);
}
