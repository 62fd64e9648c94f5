/*
 * A streamed ALTER TABLE ADD PRIMARY KEY against other sessions' writes
 * (sql_table_gate.h): it waits for open writers of the table, honours
 * lock_timeout, and no write another session had acknowledged while the
 * table was being rebuilt is lost.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "sql/sql_session.h"
#include "sql/sql_session_int.h"

static int run(struct alx_session *s, const char *sql)
{
	return alx_test_session_run(s, sql, NULL, NULL);
}

#define OK(s, sql) ALX_TEST_SESSION_OK(s, sql)

static void fill(struct alx_session *s, int nrows)
{
	OK(s, "CREATE TABLE t (a int NOT NULL, b text)");
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "INSERT INTO t SELECT (g * 7919) %% %d, 'v' || g "
		 "FROM generate_series(0, %d) g",
		 nrows, nrows - 1);
	OK(s, sql);
}

struct alter_job {
	struct alx_session *s;
	const char *sql;
	int rc;
	char sqlstate[6];
	char message[600];
	atomic_int done;
};

static void *alter_main(void *arg)
{
	struct alter_job *j = arg;
	j->rc = run(j->s, j->sql);
	snprintf(j->sqlstate, sizeof(j->sqlstate), "%s",
		 alx_session_diag(j->s)->sqlstate);
	snprintf(j->message, sizeof(j->message), "%s",
		 alx_session_diag(j->s)->message);
	atomic_store(&j->done, 1);
	return NULL;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* An open transaction that wrote the table holds the ALTER back until
 * it commits; its row is then in the rebuilt table. */
static void test_waits_for_writer(void)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "pkgate", ALX_TEST_ENGINE_DEFAULT);
	alopex_db *db = f.db;
	struct alx_session *a = alx_test_session(db), *b = alx_test_session(db);
	fill(a, 5000);
	OK(b, "BEGIN");
	OK(b, "INSERT INTO t VALUES (-1, 'open')");
	struct alter_job j = {.s = a,
			      .sql = "ALTER TABLE t ADD PRIMARY KEY (a)"};
	pthread_t th;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, alter_main, &j), 0);
	/* Not a timing assertion: it cannot finish while b is open. */
	sleep_ms(300);
	CU_ASSERT_EQUAL(atomic_load(&j.done), 0);
	OK(b, "COMMIT");
	pthread_join(th, NULL);
	CU_ASSERT_EQUAL(j.rc, 0);
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text(db, "SELECT count(*) FROM t"), "5001");
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text(db, "SELECT b FROM t WHERE a = -1"),
		"open");
	CU_ASSERT_NOT_EQUAL(alopex_exec(db, "INSERT INTO t VALUES (-1, 'x')"),
			    0);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "23505");
	alx_session_destroy(a);
	alx_session_destroy(b);
	alx_test_db_close(&f);
}

/* lock_timeout ends the wait with PostgreSQL's error; nothing changed. */
static void test_lock_timeout(void)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "pkgate", ALX_TEST_ENGINE_DEFAULT);
	alopex_db *db = f.db;
	struct alx_session *a = alx_test_session(db), *b = alx_test_session(db);
	fill(a, 2000);
	OK(b, "BEGIN");
	OK(b, "UPDATE t SET b = 'held' WHERE a = 7");
	OK(a, "SET lock_timeout = '200ms'");
	CU_ASSERT_NOT_EQUAL(run(a, "ALTER TABLE t ADD PRIMARY KEY (a)"), 0);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(a)->sqlstate, "55P03");
	CU_ASSERT_STRING_EQUAL(alx_session_diag(a)->message,
			       "canceling statement due to lock timeout");
	OK(b, "COMMIT");
	/* still no key: a duplicate goes in */
	OK(a, "INSERT INTO t VALUES (7, 'dup')");
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text(db, "SELECT count(*) FROM t WHERE a = 7"),
		"2");
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text(db,
				    "SELECT count(*) FROM t WHERE b = 'held'"),
		"1");
	alx_session_destroy(a);
	alx_session_destroy(b);
	alx_test_db_close(&f);
}

/*
 * Another session inserts while the table is rebuilt: each insert either
 * succeeds or fails with 40001, and every one that succeeded is in the
 * table afterwards, with the key enforced.
 */
static void test_writers_during_rewrite(void)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "pkgate", ALX_TEST_ENGINE_DEFAULT);
	alopex_db *db = f.db;
	struct alx_session *a = alx_test_session(db), *b = alx_test_session(db);
	enum { NROWS = 40000 };
	fill(a, NROWS);
	struct alter_job j = {.s = a,
			      .sql = "ALTER TABLE t ADD PRIMARY KEY (a)"};
	pthread_t th;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, alter_main, &j), 0);
	int ok = 0, retry = 0, other = 0;
	time_t stop = time(NULL) + 300;
	for (int i = 0; i < 100000 && time(NULL) < stop; i++) {
		int finished = atomic_load(&j.done);
		char sql[96];
		snprintf(sql, sizeof(sql), "INSERT INTO t VALUES (%d, 'w')",
			 1000000 + i);
		if (run(b, sql) == 0)
			ok++;
		else if (strcmp(alx_session_diag(b)->sqlstate, "40001") == 0)
			retry++;
		else
			other++;
		if (finished)
			break; /* one insert after the ALTER, too */
		sleep_ms(1);
	}
	pthread_join(th, NULL);
	if (j.rc != 0)
		fprintf(stderr, "alter: %s %s\n", j.sqlstate, j.message);
	CU_ASSERT_EQUAL(j.rc, 0);
	CU_ASSERT_EQUAL(other, 0);
	CU_ASSERT(ok > 0);
	char want[32];
	snprintf(want, sizeof(want), "%d", ok);
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text(db, "SELECT count(*) FROM t WHERE b = 'w'"),
		want);
	snprintf(want, sizeof(want), "%d", NROWS + ok);
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text(db, "SELECT count(*) FROM t"), want);
	CU_ASSERT_NOT_EQUAL(alopex_exec(db, "INSERT INTO t VALUES (3, 'x')"),
			    0);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "23505");
	alx_session_destroy(a);
	alx_session_destroy(b);
	alx_test_db_close(&f);
	printf("inserts during the rebuild: %d ok, %d 40001\n", ok, retry);
}

static const struct alx_test_case cases[] = {
	{"waits_for_writer", test_waits_for_writer},
	{"lock_timeout", test_lock_timeout},
	{"writers_during_rewrite", test_writers_during_rewrite},
	{NULL, NULL},
};
static const struct alx_test_suite suite = {"alter_pk_gate", NULL, NULL, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
