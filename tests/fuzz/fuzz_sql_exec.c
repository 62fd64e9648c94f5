/*
 * Fuzz target for the SQL executor: the input's statements run through the
 * public API (alopex_prepare/step/column_text, alopex_copy_*) on a fresh
 * database over the in-memory engine (built in, or the shared plugin from
 * ALX_FUZZ_PLUGIN_DIR). The bytes before the first NUL are the SQL; the
 * bytes after it are the data every COPY ... FROM STDIN reads.
 *
 * Each input is bounded: at most MAX_STMTS statements of a text of at
 * most MAX_SQL bytes, MAX_ROWS rows or COPY lines read per statement, and
 * a statement_timeout that the harness puts back before every statement
 * (so a SET in the input cannot lift it). Beyond the sanitizers it checks
 * what the API promises: errors carry a negative code, a five-character
 * SQLSTATE and a message, and the database closes once every statement is
 * finalized.
 */
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alopex.h"
#include "db/db_internal.h"
#include "fuzz.h"
#include "runtime/alx_arena.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_ast.h"
#include "sql/sql_session_int.h"

#define MAX_SQL 4096
#define MAX_STMTS 32
#define MAX_ROWS 2000
#define TIMEOUT_MS 300

/* A broken promise is a bug: stop where the fuzzer can see it. */
static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_sql_exec: %s\n", what);
		abort();
	}
}

/* FUZZ_SQL_EXEC_VERBOSE=1: each statement, row and error on stderr, to
 * read a reproducer. */
static bool verbose(void)
{
	const char *v = getenv("FUZZ_SQL_EXEC_VERBOSE");
	return v != NULL && v[0] == '1';
}

static void check_error(alopex_db *db, int rc)
{
	if (verbose())
		fprintf(stderr, "  -> %d %s %s\n", rc, alopex_sqlstate(db),
			alopex_errmsg(db));
	check(rc < 0, "error code is not negative");
	const char *state = alopex_sqlstate(db);
	check(strlen(state) == 5, "SQLSTATE is not five characters");
	check(alopex_errmsg(db)[0] != '\0', "error without a message");
}

static void quiet_log(void *arg, int level, const char *component,
		      const char *message)
{
	(void)arg;
	(void)level;
	(void)component;
	(void)message;
}

static int remove_entry(const char *path, const struct stat *sb, int flag,
			struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* statement_timeout, whatever the input SET it to. */
static void bound_session(alopex_db *db)
{
	struct alx_session *s = NULL;
	if (alx_db_default_session(db, &s) == 0)
		s->timeout_ms = TIMEOUT_MS;
}

static void run_copy(alopex_db *db, const char *sql, const uint8_t *data,
		     size_t len)
{
	alopex_copy *cp = NULL;
	int rc = alopex_copy_begin(db, sql, &cp);
	if (rc != 0) {
		check_error(db, rc);
		return;
	}
	if (alopex_copy_flags(cp) & ALOPEX_COPY_FROM) {
		/* Uneven chunks: rows and escapes split across writes. */
		size_t off = 0, step = 1;
		while (rc == 0 && off < len) {
			size_t n = len - off < step ? len - off : step;
			rc = alopex_copy_write(cp, data + off, n);
			off += n;
			step = step * 3 + 1;
		}
		if (rc != 0)
			check_error(db, rc);
		if (len % 7 == 3) {
			alopex_copy_abort(cp, "fuzz");
			return;
		}
		rc = alopex_copy_end(cp);
	} else {
		const void *line;
		size_t n;
		for (int i = 0; i < MAX_ROWS; i++) {
			rc = alopex_copy_read(cp, &line, &n);
			if (rc != ALOPEX_ROW)
				break;
			check(n > 0 && ((const char *)line)[n - 1] == '\n',
			      "COPY TO line without its newline");
		}
		(void)alopex_copy_rows(cp);
		if (rc < 0)
			check_error(db, rc);
		rc = alopex_copy_end(cp);
	}
	if (rc < 0)
		check_error(db, rc);
}

static void run_stmt(alopex_db *db, const char *sql)
{
	alopex_stmt *st = NULL;
	int rc = alopex_prepare(db, sql, &st);
	if (rc != 0) {
		check_error(db, rc);
		return;
	}
	int rows = 0;
	while (rows < MAX_ROWS && (rc = alopex_step(st)) == ALOPEX_ROW) {
		int n = alopex_column_count(st);
		check(n >= 0, "negative column count");
		for (int c = 0; c < n; c++) {
			(void)alopex_column_name(st, c);
			(void)alopex_column_type(st, c);
			const char *t = alopex_column_text(st, c);
			if (verbose())
				fprintf(stderr, "%s%s", c ? "|" : "  ",
					t ? t : "<null>");
		}
		if (verbose())
			fprintf(stderr, "\n");
		rows++;
	}
	if (rc < 0)
		check_error(db, rc);
	check(alopex_finalize(st) == 0 || rc < 0, "finalize failed");
}

static void run_all(alopex_db *db, const char *sql, size_t len,
		    const uint8_t *data, size_t dlen)
{
	struct alx_runtime *rt = NULL;
	if (alx_runtime_create(NULL, &rt, NULL) != 0)
		return;
	struct alx_arena a;
	alx_arena_init(&a, rt, 0);
	a.limit = 16u << 20;
	char *text = malloc(len + 1);
	size_t off = 0;
	for (int i = 0; text != NULL && i < MAX_STMTS; i++) {
		struct alx_sql_stmt *s;
		struct alx_sql_error err = {0};
		alopex_diag d;
		size_t next = 0;
		/* Statements one at a time, as a client sends them: a
		 * later one that does not parse still lets the earlier
		 * ones run. */
		int rc = alx_sql_parse_next(&a, sql, len, off, NULL, &s, &next,
					    &err, &d);
		if (rc != 0) {
			if (rc != ALOPEX_DONE && verbose())
				fprintf(stderr, "parse: %s\n", d.message);
			break;
		}
		memcpy(text, sql + s->start, s->end - s->start);
		text[s->end - s->start] = '\0';
		if (verbose())
			fprintf(stderr, "%s\n", text);
		bound_session(db);
		if (s->kind == ALX_SQL_STMT_COPY)
			run_copy(db, text, data, dlen);
		else
			run_stmt(db, text);
		off = next;
	}
	free(text);
	alx_arena_fini(&a);
	alx_runtime_destroy(rt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t len = nul ? (size_t)(nul - data) : size;
	const uint8_t *copy = nul ? nul + 1 : data + size;
	size_t clen = nul ? size - len - 1 : 0;
	if (len == 0 || len > MAX_SQL)
		return 0;

	/* tmpfs where there is one: opening fsyncs the marker file. */
	char dir[64];
	snprintf(dir, sizeof(dir), "%s/alx-fuzz-sql-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	check(mkdtemp(dir) != NULL, "mkdtemp");
	char cfg[sizeof(dir) + 16], data_dir[sizeof(dir) + 16];
	snprintf(cfg, sizeof(cfg), "%s/memory.yaml", dir);
	snprintf(data_dir, sizeof(data_dir), "%s/data", dir);
	FILE *f = fopen(cfg, "w");
	check(f != NULL, "config file");
#ifdef ALX_FUZZ_PLUGIN_DIR
	fprintf(f, "plugin_dirs: [\"%s\"]\nload: [alopex-memory.so]\n",
		ALX_FUZZ_PLUGIN_DIR);
#endif
	fprintf(f, "engine: memory\nlog_level: error\n");
	check(fclose(f) == 0, "config file");

	alopex_open_options o = {
		.size = sizeof(o), .log_fn = quiet_log, .create_if_missing = 1};
	alopex_db *db = NULL;
	alopex_diag d = {0};
	int rc = alopex_open_ex(data_dir, cfg, &o, &db, &d);
	if (rc != 0)
		fprintf(stderr, "fuzz_sql_exec: open: %s\n", d.message);
	check(rc == 0, "cannot open the database");

	run_all(db, (const char *)data, len, copy, clen);

	rc = alopex_close(db);
	if (rc != 0)
		fprintf(stderr, "fuzz_sql_exec: close: %s\n",
			alopex_errmsg(db));
	check(rc == 0, "close failed with every statement finalized");
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
