/* Shared tables of the SQL parser tests. */
#ifndef SQL_PARSE_TESTS_H
#define SQL_PARSE_TESTS_H

#include <stddef.h>

/* A statement text and the tree alx_sql_stmt_print() must give for it
 * (several statements: their trees joined by one space). */
struct sql_case {
	const char *sql;
	const char *tree;
};

/* An invalid statement and the error to report. */
struct sql_error_case {
	const char *sql;
	const char *sqlstate;
	const char *message;
	unsigned position; /* 1-based characters; 0: none */
	const char *hint;  /* NULL: none */
};

extern const struct sql_case sql_cases[];
extern const struct sql_error_case sql_error_cases[];

#endif
