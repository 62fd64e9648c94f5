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
#include "sql/sql_session.h"
#include "sql/sql_session_int.h"

static void quiet_log(void *arg, int level, const char *component,
		      const char *message)
{
	(void)arg;
	if (level <= ALOPEX_LOG_WARN)
		fprintf(stderr, "alopex %s: %s\n", component, message);
}

static alopex_db *open_db(const char *dir)
{
	alopex_open_options o = {.size = sizeof(o),
				 .log_fn = quiet_log,
				 .log_level = ALOPEX_LOG_WARN,
				 .create_if_missing = 1};
	alopex_db *db = NULL;
	alopex_diag d = {0};
	int rc = alopex_open_ex(dir, NULL, &o, &db, &d);
	if (rc != 0)
		fprintf(stderr, "open %s: %s\n", dir, d.message);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return db;
}

static struct alx_session *session(alopex_db *db)
{
	struct alx_session *s = NULL;
	alopex_diag d = {0};
	CU_ASSERT_EQUAL_FATAL(alx_session_create(db, &s, &d), 0);
	return s;
}

static int run(struct alx_session *s, const char *sql)
{
	return alx_session_execute(s, sql, strlen(sql), NULL, NULL);
}

static void ok_at(struct alx_session *s, const char *sql, int line)
{
	int rc = run(s, sql);
	if (rc != 0)
		fprintf(stderr, "line %d: %s\n  -> %s %s\n", line, sql,
			alx_session_diag(s)->sqlstate,
			alx_session_diag(s)->message);
	CU_ASSERT_EQUAL(rc, 0);
}
#define OK(s, sql) ok_at(s, sql, __LINE__)

/* The first column of the first row, as text. */
static const char *query1(alopex_db *db, const char *sql)
{
	static char buf[128];
	alopex_stmt *st = NULL;
	buf[0] = '\0';
	if (alopex_prepare(db, sql, &st) != 0)
		return "<error>";
	if (alopex_step(st) == ALOPEX_ROW) {
		const char *t = alopex_column_text(st, 0);
		snprintf(buf, sizeof(buf), "%s", t ? t : "<null>");
	}
	alopex_finalize(st);
	return buf;
}

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
	char *dir = alx_test_tmpdir("pkgate");
	alopex_db *db = open_db(dir);
	struct alx_session *a = session(db), *b = session(db);
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
	CU_ASSERT_STRING_EQUAL(query1(db, "SELECT count(*) FROM t"), "5001");
	CU_ASSERT_STRING_EQUAL(query1(db, "SELECT b FROM t WHERE a = -1"),
			       "open");
	CU_ASSERT_NOT_EQUAL(alopex_exec(db, "INSERT INTO t VALUES (-1, 'x')"),
			    0);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "23505");
	alx_session_destroy(a);
	alx_session_destroy(b);
	CU_ASSERT_EQUAL(alopex_close(db), 0);
	alx_test_rmdir(dir);
	free(dir);
}

/* lock_timeout ends the wait with PostgreSQL's error; nothing changed. */
static void test_lock_timeout(void)
{
	char *dir = alx_test_tmpdir("pkgate");
	alopex_db *db = open_db(dir);
	struct alx_session *a = session(db), *b = session(db);
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
	CU_ASSERT_STRING_EQUAL(query1(db, "SELECT count(*) FROM t WHERE a = 7"),
			       "2");
	CU_ASSERT_STRING_EQUAL(
		query1(db, "SELECT count(*) FROM t WHERE b = 'held'"), "1");
	alx_session_destroy(a);
	alx_session_destroy(b);
	CU_ASSERT_EQUAL(alopex_close(db), 0);
	alx_test_rmdir(dir);
	free(dir);
}

/*
 * Another session inserts while the table is rebuilt: each insert either
 * succeeds or fails with 40001, and every one that succeeded is in the
 * table afterwards, with the key enforced.
 */
static void test_writers_during_rewrite(void)
{
	char *dir = alx_test_tmpdir("pkgate");
	alopex_db *db = open_db(dir);
	struct alx_session *a = session(db), *b = session(db);
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
		query1(db, "SELECT count(*) FROM t WHERE b = 'w'"), want);
	snprintf(want, sizeof(want), "%d", NROWS + ok);
	CU_ASSERT_STRING_EQUAL(query1(db, "SELECT count(*) FROM t"), want);
	CU_ASSERT_NOT_EQUAL(alopex_exec(db, "INSERT INTO t VALUES (3, 'x')"),
			    0);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "23505");
	alx_session_destroy(a);
	alx_session_destroy(b);
	CU_ASSERT_EQUAL(alopex_close(db), 0);
	alx_test_rmdir(dir);
	free(dir);
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
