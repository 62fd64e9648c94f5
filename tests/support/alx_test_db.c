/* Test fixture: a database on either engine; see alx_test_db.h. */
#include "alx_test_db.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alx_test.h"

void alx_test_log_quiet(void *arg, int level, const char *component,
			const char *message)
{
	(void)arg;
	if (level <= ALOPEX_LOG_WARN)
		fprintf(stderr, "alopex %s: %s\n", component, message);
}

const alopex_open_options alx_test_quiet_open = {
	.size = sizeof(alopex_open_options),
	.log_fn = alx_test_log_quiet,
	.log_level = ALOPEX_LOG_WARN,
	.create_if_missing = 1,
};

int alx_test_memory_config(const char *tag, char **cfgdir, char **cfg)
{
	char *dir = alx_test_tmpdir(tag);
	if (dir == NULL)
		return -1;
	size_t n = strlen(dir) + 32;
	char *path = malloc(n);
	if (path == NULL)
		goto fail;
	snprintf(path, n, "%s/memory.yaml", dir);
	char text[1024];
	snprintf(text, sizeof(text),
		 "plugin_dirs: [\"%s\"]\n"
		 "load: [alopex-memory.so]\n"
		 "engine: memory\n",
		 alx_test_plugin_dir());
	if (alx_test_write_file(path, text) != 0)
		goto fail;
	*cfgdir = dir;
	*cfg = path;
	return 0;
fail:
	free(path);
	alx_test_rmdir(dir);
	free(dir);
	return -1;
}

void alx_test_memory_config_free(char **cfgdir, char **cfg)
{
	alx_test_rmdir(*cfgdir);
	free(*cfgdir);
	free(*cfg);
	*cfgdir = *cfg = NULL;
}

alopex_db *alx_test_open_dir(const char *dir, const char *cfg)
{
	return alx_test_open_dir_log(dir, cfg, alx_test_log_quiet,
				     ALOPEX_LOG_WARN);
}

alopex_db *alx_test_open_dir_log(const char *dir, const char *cfg,
				 alopex_log_fn log_fn, int log_level)
{
	alopex_open_options o = {.size = sizeof(o),
				 .log_fn = log_fn,
				 .log_level = log_level,
				 .create_if_missing = 1};
	alopex_db *db = NULL;
	alopex_diag d = {0};
	int rc = alopex_open_ex(dir, cfg, &o, &db, &d);
	if (rc != 0)
		fprintf(stderr, "open %s: %s\n", dir, d.message);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return db;
}

static alopex_db *open_tmp_cfg(const char *tag, const char *cfg, char **dir)
{
	*dir = alx_test_tmpdir(tag);
	CU_ASSERT_PTR_NOT_NULL_FATAL(*dir);
	return alx_test_open_dir(*dir, cfg);
}

alopex_db *alx_test_open_tmp(const char *tag, char **dir)
{
	return open_tmp_cfg(tag, NULL, dir);
}

void alx_test_close(alopex_db *db)
{
	if (db == NULL)
		return;
	int rc = alopex_close(db);
	if (rc != 0)
		fprintf(stderr, "close: %s\n", alopex_errmsg(db));
	CU_ASSERT_EQUAL(rc, 0);
}

void alx_test_close_dir(alopex_db *db, char *dir)
{
	alx_test_close(db);
	alx_test_rmdir(dir);
	free(dir);
}

/* The memory suite's config while it runs (suites run one at a time;
 * CUnit's setup takes no argument). */
static char *engine_cfgdir, *engine_cfg;

static int engine_memory_setup(void)
{
	return alx_test_memory_config("engine-cfg", &engine_cfgdir,
				      &engine_cfg);
}

static int engine_memory_teardown(void)
{
	alx_test_memory_config_free(&engine_cfgdir, &engine_cfg);
	return 0;
}

int alx_test_engines_main(int argc, char **argv, const char *name,
			  const struct alx_test_case *cases)
{
	char wt[128], mem[128];
	snprintf(wt, sizeof(wt), "%s/wiredtiger", name);
	snprintf(mem, sizeof(mem), "%s/memory", name);
	const struct alx_test_suite suite_wt = {wt, NULL, NULL, cases};
	const struct alx_test_suite suite_mem = {mem, engine_memory_setup,
						 engine_memory_teardown, cases};
	const struct alx_test_suite *s[] = {&suite_wt, &suite_mem, NULL};
	return alx_test_main(argc, argv, s);
}

const char *alx_test_engine_cfg(void)
{
	return engine_cfg;
}

int alx_test_engine_is_memory(void)
{
	return engine_cfg != NULL;
}

alopex_db *alx_test_engine_open(const char *tag, char **dir)
{
	return open_tmp_cfg(tag, engine_cfg, dir);
}

void alx_test_db_open(struct alx_test_db *f, const char *tag,
		      enum alx_test_engine engine)
{
	memset(f, 0, sizeof(*f));
	f->dir = alx_test_tmpdir(tag);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->dir);
	if (engine == ALX_TEST_ENGINE_MEMORY) {
		char cfgtag[64];
		snprintf(cfgtag, sizeof(cfgtag), "%scfg", tag);
		CU_ASSERT_FATAL(alx_test_memory_config(cfgtag, &f->cfgdir,
						       &f->cfg) == 0);
	}
	alx_test_db_reopen(f);
}

void alx_test_db_reopen(struct alx_test_db *f)
{
	f->db = alx_test_open_dir(f->dir, f->cfg);
}

void alx_test_db_close(struct alx_test_db *f)
{
	alx_test_close_dir(f->db, f->dir);
	alx_test_rmdir(f->cfgdir);
	free(f->cfgdir);
	free(f->cfg);
	memset(f, 0, sizeof(*f));
}

/* alopex_exec, a failure printed with the caller's place. */
static int exec_printed(alopex_db *db, const char *sql, const char *file,
			int line)
{
	int rc = alopex_exec(db, sql);
	if (rc != 0)
		fprintf(stderr, "%s:%d: %s\n  -> %s %s\n", file, line, sql,
			alopex_sqlstate(db), alopex_errmsg(db));
	return rc;
}

void alx_test_exec_at(alopex_db *db, const char *sql, const char *file,
		      int line)
{
	CU_ASSERT_EQUAL(exec_printed(db, sql, file, line), 0);
}

void alx_test_exec_fatal_at(alopex_db *db, const char *sql, const char *file,
			    int line)
{
	CU_ASSERT_EQUAL_FATAL(exec_printed(db, sql, file, line), 0);
}

int alx_test_expect_error_at(alopex_db *db, const char *sql,
			     const char *sqlstate, const char *msg,
			     const char *file, int line)
{
	int rc = alopex_exec(db, sql);
	const char *st = alopex_sqlstate(db), *m = alopex_errmsg(db);
	bool msg_ok = msg == NULL || (m != NULL && strstr(m, msg) != NULL);
	if (rc == 0 || strcmp(st, sqlstate) != 0 || !msg_ok)
		fprintf(stderr, "%s:%d: %s\n  -> rc %d %s %s (wanted %s%s%s)\n",
			file, line, sql, rc, st, m, sqlstate, msg ? " " : "",
			msg ? msg : "");
	CU_ASSERT(rc < 0);
	CU_ASSERT_STRING_EQUAL(st, sqlstate);
	CU_ASSERT(msg_ok);
	return rc;
}

alopex_stmt *alx_test_prepare_at(alopex_db *db, const char *sql,
				 const char *file, int line)
{
	alopex_stmt *st = NULL;
	int rc = alopex_prepare(db, sql, &st);
	if (rc != 0)
		fprintf(stderr, "%s:%d: prepare %s\n  -> %s %s\n", file, line,
			sql, alopex_sqlstate(db), alopex_errmsg(db));
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return st;
}

/* Appends a and b to buf at *n, cut at cap (*n stops at cap - 1). */
static void text_add(char *buf, size_t cap, size_t *n, const char *a,
		     const char *b)
{
	if (*n >= cap - 1)
		return;
	int w = snprintf(buf + *n, cap - *n, "%s%s", a, b);
	*n = w < 0 || (size_t)w >= cap - *n ? cap - 1 : *n + (size_t)w;
}

/*
 * The rows st has left (at most max) into buf as lines "a|b\n", NULL as
 * "<null>", cut at cap; *len is the text's length. alopex_step's last
 * code: ALOPEX_DONE when every row was read.
 */
static int rows_text(alopex_stmt *st, int max, char *buf, size_t cap,
		     size_t *len)
{
	size_t n = 0;
	buf[0] = '\0';
	int rc = ALOPEX_DONE;
	for (int rows = 0; rows < max; rows++) {
		rc = alopex_step(st);
		if (rc != ALOPEX_ROW)
			break;
		for (int c = 0; c < alopex_column_count(st); c++) {
			const char *t = alopex_column_text(st, c);
			text_add(buf, cap, &n, c ? "|" : "", t ? t : "<null>");
		}
		text_add(buf, cap, &n, "\n", "");
	}
	*len = n;
	return rc;
}

/* The buffer alx_test_stmt_lines and alx_test_query_lines fill (per
 * thread: tests query from several threads at once). */
static _Thread_local char lines_buf[8192];

static const char *lines_error(alopex_db *db)
{
	snprintf(lines_buf, sizeof(lines_buf), "error %s: %s",
		 alopex_sqlstate(db), alopex_errmsg(db));
	return lines_buf;
}

const char *alx_test_stmt_lines(alopex_db *db, alopex_stmt *st)
{
	size_t n;
	int rc = rows_text(st, 10000, lines_buf, sizeof(lines_buf), &n);
	if (rc != ALOPEX_DONE && rc != ALOPEX_ROW)
		return lines_error(db);
	return lines_buf;
}

const char *alx_test_query_lines(alopex_db *db, const char *sql)
{
	alopex_stmt *st = NULL;
	if (alopex_prepare(db, sql, &st) != 0)
		return lines_error(db);
	const char *out = alx_test_stmt_lines(db, st);
	alopex_finalize(st);
	return out;
}

int alx_test_suite_open(const char *tag, alopex_db **db, char **dir)
{
	char *d = alx_test_tmpdir(tag);
	if (d == NULL)
		return -1;
	alopex_db *h = NULL;
	alopex_diag diag = {0};
	if (alopex_open_ex(d, NULL, &alx_test_quiet_open, &h, &diag) != 0) {
		fprintf(stderr, "open %s: %s\n", d, diag.message);
		alx_test_rmdir(d);
		free(d);
		return -1;
	}
	*db = h;
	*dir = d;
	return 0;
}

int alx_test_suite_close(alopex_db *db, char *dir)
{
	int rc = alopex_close(db);
	alx_test_rmdir(dir);
	free(dir);
	return rc;
}

const char *alx_test_query_text_buf(alopex_db *db, const char *sql, char *buf,
				    size_t cap)
{
	alopex_stmt *st = NULL;
	buf[0] = '\0';
	if (alopex_prepare(db, sql, &st) != 0) {
		snprintf(buf, cap, "%s", alopex_sqlstate(db));
		return buf;
	}
	int rc = alopex_step(st);
	if (rc == ALOPEX_ROW) {
		const char *t = alopex_column_text(st, 0);
		snprintf(buf, cap, "%s", t ? t : "<null>");
	} else if (rc != ALOPEX_DONE) {
		snprintf(buf, cap, "%s", alopex_sqlstate(db));
	}
	alopex_finalize(st);
	return buf;
}

const char *alx_test_query_text(alopex_db *db, const char *sql)
{
	/* per thread: tests query from several threads at once */
	static _Thread_local char buf[256];
	return alx_test_query_text_buf(db, sql, buf, sizeof(buf));
}

const char *alx_test_query_rows(alopex_db *db, const char *sql, char *buf,
				size_t cap)
{
	alopex_stmt *st = NULL;
	if (alopex_prepare(db, sql, &st) != 0) {
		fprintf(stderr, "prepare failed: %s %s\n%s\n",
			alopex_sqlstate(db), alopex_errmsg(db), sql);
		return NULL;
	}
	size_t n;
	int rc = rows_text(st, 100000, buf, cap, &n);
	if (n > 0 && buf[n - 1] == '\n') /* rows joined, not ended */
		buf[n - 1] = '\0';
	if (rc != ALOPEX_DONE)
		fprintf(stderr, "step failed: %s %s\n%s\n", alopex_sqlstate(db),
			alopex_errmsg(db), sql);
	alopex_finalize(st);
	return rc == ALOPEX_DONE ? buf : NULL;
}

struct alx_session *alx_test_session(alopex_db *db)
{
	struct alx_session *s = NULL;
	alopex_diag d = {0};
	CU_ASSERT_EQUAL_FATAL(alx_session_create(db, &s, &d), 0);
	return s;
}

int alx_test_session_run(struct alx_session *s, const char *sql,
			 alx_session_row_fn fn, void *arg)
{
	return alx_session_execute(s, sql, strlen(sql), fn, arg);
}

void alx_test_session_ok_at(struct alx_session *s, const char *sql,
			    alx_session_row_fn fn, void *arg, const char *file,
			    int line)
{
	int rc = alx_test_session_run(s, sql, fn, arg);
	if (rc != 0)
		fprintf(stderr, "%s:%d: %s\n  -> %s %s\n", file, line, sql,
			alx_session_diag(s)->sqlstate,
			alx_session_diag(s)->message);
	CU_ASSERT_EQUAL(rc, 0);
}

void alx_test_session_err_at(struct alx_session *s, const char *sql,
			     alx_session_row_fn fn, void *arg,
			     const char *state, const char *msg,
			     const char *file, int line)
{
	int rc = alx_test_session_run(s, sql, fn, arg);
	const alopex_diag *d = alx_session_diag(s);
	if (rc == 0 || strcmp(d->sqlstate, state) != 0 ||
	    strcmp(d->message, msg) != 0)
		fprintf(stderr, "%s:%d: %s -> rc %d %s '%s' (wanted %s '%s')\n",
			file, line, sql, rc, d->sqlstate, d->message, state,
			msg);
	CU_ASSERT(rc < 0);
	CU_ASSERT_STRING_EQUAL(d->sqlstate, state);
	CU_ASSERT_STRING_EQUAL(d->message, msg);
}
