/*
 * Test fixture: a database in a temporary directory on either engine, and
 * the statement helpers tests share.
 *
 *   struct alx_test_db f;
 *   alx_test_db_open(&f, "locks", ALX_TEST_ENGINE_MEMORY);
 *   ALX_TEST_EXEC(f.db, "CREATE TABLE t (a int)");
 *   CU_ASSERT_STRING_EQUAL(alx_test_query_text(f.db, "SELECT 1"), "1");
 *   alx_test_db_close(&f);
 *
 * Failures are CUnit assertions; a helper that cannot go on (open) uses a
 * FATAL one. Every failing statement prints the caller's file and line,
 * the SQL and the error, so a failed assertion says what went wrong.
 */
#ifndef ALX_TEST_DB_H
#define ALX_TEST_DB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alopex.h"
#include "alx_test.h"
#include "sql/sql_session.h"

enum alx_test_engine {
	ALX_TEST_ENGINE_DEFAULT = 0, /* WiredTiger, no config file */
	ALX_TEST_ENGINE_MEMORY,	     /* the memory engine as a shared plugin */
};

/* The memory engine when memory is true, else the default. */
#define ALX_TEST_ENGINE(memory) \
	((memory) ? ALX_TEST_ENGINE_MEMORY : ALX_TEST_ENGINE_DEFAULT)

struct alx_test_db {
	alopex_db *db;
	char *dir;    /* the data directory */
	char *cfgdir; /* NULL for the default engine */
	char *cfg;    /* cfgdir/memory.yaml, or NULL */
};

/* Result text as expected (CU_ASSERT_STRING_EQUAL), printing both with
 * the caller's line when not. */
#define ALX_TEST_CHECK_ROWS(got, want)                                  \
	do {                                                            \
		const char *g_ = (got), *w_ = (want);                   \
		if (strcmp(g_, w_) != 0)                                \
			fprintf(stderr, "line %d: got\n%s\nwant\n%s\n", \
				__LINE__, g_, w_);                      \
		CU_ASSERT_STRING_EQUAL(g_, w_);                         \
	} while (0)

/* Log callback: prints warnings and errors only. */
void alx_test_log_quiet(void *arg, int level, const char *component,
			const char *message);
/* Open options with that callback at ALOPEX_LOG_WARN and
 * create_if_missing (a config's log_level still wins: hence the filter in
 * the callback). */
extern const alopex_open_options alx_test_quiet_open;

/*
 * A memory.yaml (plugin_dirs, load, engine: memory) in a fresh temporary
 * directory of its own: open refuses a foreign file in the data
 * directory. 0 and both paths (caller frees; alx_test_rmdir the dir), or
 * -1 with nothing to free.
 */
int alx_test_memory_config(const char *tag, char **cfgdir, char **cfg);
/* Removes *cfgdir, frees both and sets them NULL; NULL-safe. */
void alx_test_memory_config_free(char **cfgdir, char **cfg);

/* alopex_open_ex(dir, cfg) with quiet logging and create_if_missing; a
 * failure is printed and FATAL. cfg NULL: the default engine. */
alopex_db *alx_test_open_dir(const char *dir, const char *cfg);
/* The same with the test's own log callback and level, for tests that
 * look at what was logged. */
alopex_db *alx_test_open_dir_log(const char *dir, const char *cfg,
				 alopex_log_fn log_fn, int log_level);
/* Closes db, asserting success (the error is printed); NULL-safe. */
void alx_test_close(alopex_db *db);

/* The same in a fresh temporary directory *dir (for tests that keep the
 * directory themselves); alx_test_close_dir ends both. */
alopex_db *alx_test_open_tmp(const char *tag, char **dir);
/* alx_test_close(db), then removes dir and frees it. */
void alx_test_close_dir(alopex_db *db, char *dir);

/*
 * One set of cases run on each engine, as suites "<name>/wiredtiger" and
 * "<name>/memory": alx_test_main over both. While the memory suite runs,
 * alx_test_engine_cfg() is its config (memory.yaml in a temporary
 * directory of its own), else NULL: the default engine, WiredTiger.
 */
int alx_test_engines_main(int argc, char **argv, const char *name,
			  const struct alx_test_case *cases);
const char *alx_test_engine_cfg(void);
int alx_test_engine_is_memory(void);
/* A fresh database on the running suite's engine in a new temporary
 * directory *dir; alx_test_close_dir ends both. FATAL on failure. */
alopex_db *alx_test_engine_open(const char *tag, char **dir);

/* A fresh database: temp dirs named after tag, opened on engine. */
void alx_test_db_open(struct alx_test_db *f, const char *tag,
		      enum alx_test_engine engine);
/* Opens f->dir with f->cfg again into f->db (after a close or a crash). */
void alx_test_db_reopen(struct alx_test_db *f);
/* Closes f->db (asserting success) unless NULL, removes the directories
 * and frees the paths. */
void alx_test_db_close(struct alx_test_db *f);

/* alopex_exec must succeed. */
void alx_test_exec_at(alopex_db *db, const char *sql, const char *file,
		      int line);
#define ALX_TEST_EXEC(db, sql) alx_test_exec_at(db, sql, __FILE__, __LINE__)

/* alopex_exec must fail with sqlstate and, unless msg is NULL, a message
 * containing msg. Returns alopex_exec's code. */
int alx_test_expect_error_at(alopex_db *db, const char *sql,
			     const char *sqlstate, const char *msg,
			     const char *file, int line);
#define alx_test_expect_error(db, sql, st, msg) \
	alx_test_expect_error_at(db, sql, st, msg, __FILE__, __LINE__)

/*
 * The first column of the first row as text: "<null>" for SQL NULL, ""
 * when there is no row, the SQLSTATE when the query fails. Into buf, or,
 * for alx_test_query_text, a per-thread buffer valid until the next call.
 */
const char *alx_test_query_text_buf(alopex_db *db, const char *sql, char *buf,
				    size_t cap);
const char *alx_test_query_text(alopex_db *db, const char *sql);

/* All rows as text into buf: columns joined by '|', rows by '\n', NULL as
 * "<null>". NULL (the error printed) when the query fails. */
const char *alx_test_query_rows(alopex_db *db, const char *sql, char *buf,
				size_t cap);

/* alopex_exec must succeed, or the test ends (FATAL): for statements the
 * rest of the test builds on. */
void alx_test_exec_fatal_at(alopex_db *db, const char *sql, const char *file,
			    int line);
#define ALX_TEST_EXEC_FATAL(db, sql) \
	alx_test_exec_fatal_at(db, sql, __FILE__, __LINE__)

/* alopex_prepare must succeed (FATAL; the SQL and error printed). */
alopex_stmt *alx_test_prepare_at(alopex_db *db, const char *sql,
				 const char *file, int line);
#define ALX_TEST_PREPARE(db, sql) \
	alx_test_prepare_at(db, sql, __FILE__, __LINE__)

/*
 * The rows st (of db) has left as lines "a|b\n" (NULL as "<null>"), at most 10000;
 * a failed step gives "error <SQLSTATE>: <message>" instead. Into a
 * per-thread buffer of 8 KiB (longer output is cut), valid until the next
 * call of this or alx_test_query_lines.
 */
const char *alx_test_stmt_lines(alopex_db *db, alopex_stmt *st);
/* The same for sql, prepared and finalized here; a failed prepare gives
 * the same "error ..." text. */
const char *alx_test_query_lines(alopex_db *db, const char *sql);

/*
 * For a suite's setup, where no CUnit assertion may run: a fresh database
 * on the default engine in a new temporary directory named after tag. 0
 * with both set, or -1 (the error printed) with nothing left behind.
 */
int alx_test_suite_open(const char *tag, alopex_db **db, char **dir);
/* For its teardown: alopex_close's code; dir removed and freed. */
int alx_test_suite_close(alopex_db *db, char *dir);

/* Sessions (sql_session.h). */
struct alx_session *alx_test_session(alopex_db *db); /* FATAL on failure */
/* alx_session_execute; rows (and the end, row NULL) go to fn if not NULL. */
int alx_test_session_run(struct alx_session *s, const char *sql,
			 alx_session_row_fn fn, void *arg);
/* The statement must succeed. */
void alx_test_session_ok_at(struct alx_session *s, const char *sql,
			    alx_session_row_fn fn, void *arg, const char *file,
			    int line);
#define ALX_TEST_SESSION_OK(s, sql) \
	alx_test_session_ok_at(s, sql, NULL, NULL, __FILE__, __LINE__)
/* The statement must fail with this SQLSTATE and exactly this message. */
void alx_test_session_err_at(struct alx_session *s, const char *sql,
			     alx_session_row_fn fn, void *arg,
			     const char *state, const char *msg,
			     const char *file, int line);

#endif
