#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql_exec_tests.h"

static void quiet_log(void *arg, int level, const char *component,
		      const char *message)
{
	(void)arg;
	if (level <= ALOPEX_LOG_WARN)
		fprintf(stderr, "alopex %s: %s\n", component, message);
}

alopex_db *t_reopen(const char *dir)
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

alopex_db *t_open(char **dir)
{
	*dir = alx_test_tmpdir("sqlexec");
	CU_ASSERT_PTR_NOT_NULL_FATAL(*dir);
	return t_reopen(*dir);
}

void t_close(alopex_db *db, char *dir)
{
	int rc = alopex_close(db);
	if (rc != 0)
		fprintf(stderr, "close: %s\n", alopex_errmsg(db));
	CU_ASSERT_EQUAL(rc, 0);
	alx_test_rmdir(dir);
	free(dir);
}

void t_exec_at(alopex_db *db, const char *sql, const char *file, int line)
{
	int rc = alopex_exec(db, sql);
	if (rc != 0)
		fprintf(stderr, "%s:%d: %s\n  -> %s %s\n", file, line, sql,
			alopex_sqlstate(db), alopex_errmsg(db));
	CU_ASSERT_EQUAL(rc, 0);
}

int t_fail_at(alopex_db *db, const char *sql, const char *sqlstate,
	      const char *file, int line)
{
	int rc = alopex_exec(db, sql);
	if (rc == 0 || strcmp(alopex_sqlstate(db), sqlstate) != 0)
		fprintf(stderr, "%s:%d: %s\n  -> rc %d %s %s (wanted %s)\n",
			file, line, sql, rc, alopex_sqlstate(db),
			alopex_errmsg(db), sqlstate);
	CU_ASSERT(rc < 0);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), sqlstate);
	return rc;
}

const char *t_query(alopex_db *db, const char *sql)
{
	static char buf[16384];
	alopex_stmt *st = NULL;
	if (alopex_prepare(db, sql, &st) != 0) {
		fprintf(stderr, "prepare %s: %s %s\n", sql, alopex_sqlstate(db),
			alopex_errmsg(db));
		return NULL;
	}
	size_t n = 0;
	buf[0] = '\0';
	int rc;
	for (int rows = 0; rows < 100000; rows++) {
		rc = alopex_step(st);
		if (rc != ALOPEX_ROW)
			break;
		if (n > 0 && n < sizeof(buf) - 1)
			buf[n++] = '\n';
		for (int c = 0; c < alopex_column_count(st); c++) {
			const char *t = alopex_column_text(st, c);
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
					      c ? "|" : "", t ? t : "<null>");
			if (n >= sizeof(buf))
				n = sizeof(buf) - 1;
		}
	}
	if (rc != ALOPEX_DONE)
		fprintf(stderr, "step %s: %s %s\n", sql, alopex_sqlstate(db),
			alopex_errmsg(db));
	alopex_finalize(st);
	return rc == ALOPEX_DONE ? buf : NULL;
}
