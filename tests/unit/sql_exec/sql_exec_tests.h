/* SQL execution tests through the embedded API (and the session API for
 * what only protocols reach: COPY, several sessions). */
#ifndef SQL_EXEC_TESTS_H
#define SQL_EXEC_TESTS_H

#include "alopex.h"
#include "alx_test.h"

extern const struct alx_test_suite sql_suite_stage1;
extern const struct alx_test_suite sql_suite_stage2;
extern const struct alx_test_suite sql_suite_stage34;
extern const struct alx_test_suite sql_suite_session;

/* A fresh database in a temporary directory (quiet logging). */
alopex_db *t_open(char **dir);
alopex_db *t_reopen(const char *dir);
void t_close(alopex_db *db, char *dir);

/* alopex_exec, asserting success (the error is printed otherwise). */
void t_exec_at(alopex_db *db, const char *sql, const char *file, int line);
#define t_exec(db, sql) t_exec_at(db, sql, __FILE__, __LINE__)
/* alopex_exec that must fail with this SQLSTATE; returns the code. */
int t_fail_at(alopex_db *db, const char *sql, const char *sqlstate,
	      const char *file, int line);
#define t_fail(db, sql, st) t_fail_at(db, sql, st, __FILE__, __LINE__)
/*
 * The rows of a query as text: columns joined by '|', rows by '\n', SQL
 * NULL as "<null>". Static buffer: valid until the next call. NULL when
 * the query fails.
 */
const char *t_query(alopex_db *db, const char *sql);

#endif
