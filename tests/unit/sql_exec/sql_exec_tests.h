/* SQL execution tests through the embedded API (and the session API for
 * what only protocols reach: COPY, several sessions). */
#ifndef SQL_EXEC_TESTS_H
#define SQL_EXEC_TESTS_H

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"

extern const struct alx_test_suite sql_suite_stage1;
extern const struct alx_test_suite sql_suite_stage2;
extern const struct alx_test_suite sql_suite_stage34;
extern const struct alx_test_suite sql_suite_session;

/* A fresh database in a temporary directory (quiet logging). */
alopex_db *t_open(char **dir);
alopex_db *t_reopen(const char *dir);
void t_close(alopex_db *db, char *dir);

/* alopex_exec, asserting success (the error is printed otherwise). */
#define t_exec(db, sql) ALX_TEST_EXEC(db, sql)
/* alopex_exec that must fail with this SQLSTATE; returns the code. */
#define t_fail(db, sql, st) alx_test_expect_error(db, sql, st, NULL)
/*
 * The rows of a query as text: columns joined by '|', rows by '\n', SQL
 * NULL as "<null>". Static buffer: valid until the next call. NULL when
 * the query fails.
 */
const char *t_query(alopex_db *db, const char *sql);

#endif
