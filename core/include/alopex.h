/*
 * alopex.h - the embedded Alopex API.
 *
 * Shaped like SQLite's C API so C users know it on sight: open a data
 * directory, prepare/bind/step/column/finalize statements, read errors from
 * the database handle. A transactional key-value API lives beside SQL in its
 * own key space (alopex_kv_*), for RESP and for users who want plain KV.
 *
 * Return codes: 0 is OK, errors are negative members of enum alopex_code,
 * positive values are flow control (ALOPEX_ROW, ALOPEX_DONE). Codes are
 * never renumbered.
 *
 * Threads: one alopex_db may be used from several threads; each transaction,
 * cursor and statement belongs to one thread at a time. alopex_errmsg() and
 * alopex_sqlstate() describe the most recent failure on that database handle,
 * so a multi-threaded caller should read them from the thread that failed,
 * before its next call (as with sqlite3_errmsg).
 */
#ifndef ALOPEX_H
#define ALOPEX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define ALOPEX_API __attribute__((visibility("default")))
#else
#define ALOPEX_API
#endif

#define ALOPEX_VERSION "0.1.0"
#define ALOPEX_VERSION_NUMBER 100 /* major * 10000 + minor * 100 + patch */

enum alopex_code {
	ALOPEX_OK = 0,

	/* Errors: negative, never renumbered. */
	ALOPEX_ENOMEM = -1,    /* out of memory */
	ALOPEX_EINVAL = -2,    /* invalid argument */
	ALOPEX_ENOTFOUND = -3, /* key, object or file not found */
	ALOPEX_EEXIST = -4,    /* already exists */
	ALOPEX_EBUSY = -5,     /* locked or in use (e.g. data directory) */
	ALOPEX_EIO = -6,       /* I/O failure */
	ALOPEX_ECONFLICT = -7, /* write-write conflict: retry the transaction */
	ALOPEX_EREADONLY =
		-8,	      /* write in a read-only transaction or database */
	ALOPEX_ENOTSUP = -9,  /* not supported (yet) */
	ALOPEX_EPROTO = -10,  /* protocol violation */
	ALOPEX_ECONFIG = -11, /* invalid configuration */
	ALOPEX_EABI = -12,    /* plugin ABI mismatch */
	ALOPEX_EINTERNAL = -13, /* internal error: a bug */
	ALOPEX_ECORRUPT = -14,	/* data is corrupt or not an Alopex directory */
	ALOPEX_EMISUSE = -15,	/* API called out of sequence */
	ALOPEX_ERANGE = -16,	/* value out of range */
	ALOPEX_ESQL = -17,	/* SQL error: see alopex_sqlstate() */

	/* Flow control: positive. */
	ALOPEX_ROW = 100,   /* a row (or key) is available */
	ALOPEX_DONE = 101,  /* no more rows; statement finished */
	ALOPEX_AGAIN = 102, /* would block: call again */
};

/* Short, stable name of a code ("ALOPEX_ECONFLICT"). Never NULL. */
ALOPEX_API const char *alopex_code_name(int code);
/* One-line description of a code ("write-write conflict"). Never NULL. */
ALOPEX_API const char *alopex_code_str(int code);

/*
 * Diagnostics: filled without allocating. file/line/col locate the cause
 * when it is a configuration file (line 0 when not applicable).
 */
typedef struct alopex_diag {
	int code;
	char sqlstate[6];
	char message[512];
	char file[256];
	unsigned line, col;
} alopex_diag;

typedef struct alopex_db alopex_db;
typedef struct alopex_stmt alopex_stmt;
typedef struct alopex_kv_txn alopex_kv_txn;
typedef struct alopex_kv_cursor alopex_kv_cursor;

/* ---- opening and closing ---------------------------------------------- */

/* Optional allocator; all memory the database allocates goes through it. */
typedef struct alopex_allocator {
	void *(*malloc_fn)(void *ctx, size_t size);
	void *(*realloc_fn)(void *ctx, void *ptr, size_t size);
	void (*free_fn)(void *ctx, void *ptr);
	void *ctx;
} alopex_allocator;

/* Log levels, for options and plugins. */
enum alopex_log_level {
	ALOPEX_LOG_ERROR = 0,
	ALOPEX_LOG_WARN = 1,
	ALOPEX_LOG_INFO = 2,
	ALOPEX_LOG_DEBUG = 3,
};

typedef void (*alopex_log_fn)(void *arg, int level, const char *component,
			      const char *message);

/*
 * Open options; zero-initialise and set .size = sizeof(alopex_open_options)
 * so that later fields can be added.
 */
typedef struct alopex_open_options {
	size_t size;
	const alopex_allocator *allocator; /* NULL: libc */
	alopex_log_fn log_fn; /* NULL: one line per entry to stderr */
	void *log_arg;
	/* Level while the configuration loads (0 = ERROR); from then on the
	 * configuration's log_level applies (default info). */
	int log_level;
	int create_if_missing; /* 1 (default when options are NULL) */
} alopex_open_options;

/*
 * Open (creating if needed) the data directory `dir`. `config_path` is a YAML
 * file or NULL for the embedded default (WiredTiger in `dir`, no network).
 * A directory in use by another process fails with ALOPEX_EBUSY.
 */
ALOPEX_API int alopex_open(const char *dir, const char *config_path,
			   alopex_db **out);
/* As alopex_open, with options and a place for the error when it fails. */
ALOPEX_API int alopex_open_ex(const char *dir, const char *config_path,
			      const alopex_open_options *options,
			      alopex_db **out, alopex_diag *diag);
/*
 * Closes the database. Fails with ALOPEX_EBUSY (and closes nothing) while
 * transactions are open. NULL is a no-op.
 */
ALOPEX_API int alopex_close(alopex_db *db);

/* Last error on this handle: message, SQLSTATE ("00000" when none), code. */
ALOPEX_API const char *alopex_errmsg(alopex_db *db);
ALOPEX_API const char *alopex_sqlstate(alopex_db *db);
ALOPEX_API int alopex_errcode(alopex_db *db);

/* ---- SQL -------------------------------------------------------------- */

enum alopex_type {
	ALOPEX_TYPE_NULL = 0,
	ALOPEX_TYPE_BOOL = 1,
	ALOPEX_TYPE_INT64 = 2,
	ALOPEX_TYPE_DOUBLE = 3,
	ALOPEX_TYPE_TEXT = 4,
	ALOPEX_TYPE_BLOB = 5,
	ALOPEX_TYPE_VECTOR = 6,
	ALOPEX_TYPE_NUMERIC = 7,
	ALOPEX_TYPE_DATE = 8,
	ALOPEX_TYPE_TIMESTAMP = 9,
	ALOPEX_TYPE_TIMESTAMPTZ = 10,
	ALOPEX_TYPE_JSON = 11,
};

/* Run one or more statements, discarding rows. */
ALOPEX_API int alopex_exec(alopex_db *db, const char *sql);
ALOPEX_API int alopex_prepare(alopex_db *db, const char *sql,
			      alopex_stmt **out);
/* Parameters are numbered from 1, as $1 in the SQL text. */
ALOPEX_API int alopex_bind_null(alopex_stmt *stmt, int idx);
ALOPEX_API int alopex_bind_int64(alopex_stmt *stmt, int idx, int64_t value);
ALOPEX_API int alopex_bind_double(alopex_stmt *stmt, int idx, double value);
/* len < 0: text is NUL-terminated. The text is copied. */
ALOPEX_API int alopex_bind_text(alopex_stmt *stmt, int idx, const char *text,
				int len);
ALOPEX_API int alopex_bind_blob(alopex_stmt *stmt, int idx, const void *data,
				size_t len);
ALOPEX_API int alopex_bind_vector(alopex_stmt *stmt, int idx,
				  const float *values, size_t count);
/* Returns ALOPEX_ROW, ALOPEX_DONE or a negative error. */
ALOPEX_API int alopex_step(alopex_stmt *stmt);
ALOPEX_API int alopex_reset(alopex_stmt *stmt);
ALOPEX_API int alopex_column_count(alopex_stmt *stmt);
/* Columns are numbered from 0. */
ALOPEX_API const char *alopex_column_name(alopex_stmt *stmt, int col);
ALOPEX_API int alopex_column_type(alopex_stmt *stmt, int col);
ALOPEX_API int64_t alopex_column_int64(alopex_stmt *stmt, int col);
ALOPEX_API double alopex_column_double(alopex_stmt *stmt, int col);
ALOPEX_API const void *alopex_column_blob(alopex_stmt *stmt, int col,
					  size_t *len);
/* Any value as PostgreSQL's text output renders it; NULL for SQL NULL. */
ALOPEX_API const char *alopex_column_text(alopex_stmt *stmt, int col);
ALOPEX_API int alopex_finalize(alopex_stmt *stmt);

/* ---- key-value -------------------------------------------------------- */

/*
 * Plain transactional KV in its own key space, separate from SQL tables.
 * Snapshot isolation: a transaction sees the data committed before it began
 * plus its own writes. A write that conflicts with a concurrent committed or
 * uncommitted write fails with ALOPEX_ECONFLICT; roll back and retry.
 */
enum alopex_kv_flags {
	ALOPEX_KV_READONLY = 1 << 0,
};
enum alopex_scan_flags {
	ALOPEX_SCAN_REVERSE = 1 << 0,
};

/* Keys up to this length; values up to ALOPEX_KV_MAX_VALUE. */
#define ALOPEX_KV_MAX_KEY (16u * 1024u)
#define ALOPEX_KV_MAX_VALUE (256u * 1024u * 1024u)

ALOPEX_API int alopex_kv_begin(alopex_db *db, unsigned flags,
			       alopex_kv_txn **out);
/* Commits and frees the transaction, whatever the result. */
ALOPEX_API int alopex_kv_commit(alopex_kv_txn *txn);
/* Rolls back and frees the transaction. NULL is a no-op. */
ALOPEX_API void alopex_kv_rollback(alopex_kv_txn *txn);
ALOPEX_API int alopex_kv_put(alopex_kv_txn *txn, const void *key, size_t klen,
			     const void *val, size_t vlen);
/*
 * ALOPEX_ENOTFOUND when absent. The value stays valid until the next call
 * on this transaction.
 */
ALOPEX_API int alopex_kv_get(alopex_kv_txn *txn, const void *key, size_t klen,
			     const void **val, size_t *vlen);
/* ALOPEX_ENOTFOUND when absent. */
ALOPEX_API int alopex_kv_delete(alopex_kv_txn *txn, const void *key,
				size_t klen);
/*
 * Keys k with lo <= k < hi in byte order (memcmp, shorter prefix first).
 * A NULL bound is open. ALOPEX_SCAN_REVERSE walks from hi down to lo.
 */
ALOPEX_API int alopex_kv_scan(alopex_kv_txn *txn, const void *lo, size_t lolen,
			      const void *hi, size_t hilen, unsigned flags,
			      alopex_kv_cursor **out);
/*
 * ALOPEX_ROW with key and value (valid until the next call on the cursor or
 * its transaction), ALOPEX_DONE at the end, or a negative error.
 */
ALOPEX_API int alopex_kv_cursor_next(alopex_kv_cursor *cur, const void **key,
				     size_t *klen, const void **val,
				     size_t *vlen);
ALOPEX_API void alopex_kv_cursor_close(alopex_kv_cursor *cur);
/* Message of the last failure on this transaction (or ""). */
ALOPEX_API const char *alopex_kv_errmsg(alopex_kv_txn *txn);

/* ---- change stream ---------------------------------------------------- */

/*
 * Every committed write transaction becomes one batch of mutations in the
 * order they were made, with a log position that increases by one per batch.
 * Keys are the engine keys: the first byte names the key space
 * (ALOPEX_SPACE_KV for alopex_kv_*, others for SQL).
 */
enum alopex_mutation_op {
	ALOPEX_MUT_PUT = 1,
	ALOPEX_MUT_DELETE = 2,
	/*
	 * Every key k with key <= k < val was deleted (DROP TABLE, TRUNCATE,
	 * DROP INDEX, a table's old storage): key/klen is the lower bound,
	 * val/vlen the upper one; both are always given. Keys are not listed.
	 */
	ALOPEX_MUT_DELETE_RANGE = 3,
};
#define ALOPEX_SPACE_KV 0x01

typedef struct alopex_mutation {
	int op;
	const uint8_t *key;
	size_t klen;
	const uint8_t *val; /* NULL for deletes; DELETE_RANGE: upper bound */
	size_t vlen;
} alopex_mutation;

typedef struct alopex_batch {
	uint64_t position;
	size_t count;
	const alopex_mutation *mutations;
} alopex_batch;

/*
 * Called once per committed batch, in position order, on the committing
 * thread, before the commit returns to its caller. Must not call back into
 * the database. Return 0.
 */
typedef int (*alopex_batch_fn)(void *arg, const alopex_batch *batch);

typedef struct alopex_subscription alopex_subscription;

ALOPEX_API int alopex_subscribe(alopex_db *db, alopex_batch_fn fn, void *arg,
				alopex_subscription **out);
ALOPEX_API void alopex_unsubscribe(alopex_db *db, alopex_subscription *sub);
/*
 * Replays the retained batches with position > after, in order, until fn
 * returns non-zero (which is then returned). ALOPEX_ENOTFOUND when batches
 * after `after` are no longer retained (the caller needs a snapshot).
 */
ALOPEX_API int alopex_log_read(alopex_db *db, uint64_t after,
			       alopex_batch_fn fn, void *arg);
/* Position of the last committed batch (0 when none). */
ALOPEX_API uint64_t alopex_log_position(alopex_db *db);

/* ---- COPY ------------------------------------------------------------- */

/*
 * COPY ... FROM STDIN and COPY ... TO STDOUT on the database's default
 * session, streamed as PostgreSQL's protocol streams them (text and CSV
 * formats, the options PostgreSQL's COPY takes):
 *
 *   alopex_copy *cp;
 *   alopex_copy_begin(db, "COPY t FROM STDIN (FORMAT csv)", &cp);
 *   alopex_copy_write(cp, "1,one\n2,t", 9);   any chunking: rows may
 *   alopex_copy_write(cp, "wo\n", 3);          break anywhere
 *   alopex_copy_end(cp);                       checks the end, commits
 *
 *   alopex_copy_begin(db, "COPY (SELECT ...) TO STDOUT", &cp);
 *   while (alopex_copy_read(cp, &data, &len) == ALOPEX_ROW) ...
 *   alopex_copy_end(cp);
 *
 * Outside BEGIN ... COMMIT a COPY is one transaction: a bad row (or an
 * abort) leaves the table as it was. Inside a block, a failed COPY fails
 * the block as any statement does. Errors carry PostgreSQL's SQLSTATE
 * and message; a row's error ends with the line PostgreSQL prints as
 * CONTEXT, after the DETAIL if any:
 *   invalid input syntax for type integer: "x"
 *   CONTEXT:  COPY t, line 3, column b: "x"
 * While a COPY is open, other SQL calls on the handle (alopex_exec,
 * alopex_prepare, alopex_step) fail with ALOPEX_EMISUSE and
 * alopex_close with ALOPEX_EBUSY; the KV API is not affected.
 */
typedef struct alopex_copy alopex_copy;

enum alopex_copy_flags {
	ALOPEX_COPY_FROM = 1 << 0, /* FROM STDIN: write; else TO STDOUT: read */
	ALOPEX_COPY_CSV = 1 << 1,  /* CSV format; else text */
};

/*
 * Starts one COPY statement. Anything but COPY ... FROM STDIN or
 * COPY ... TO STDOUT fails with ALOPEX_EINVAL and runs nothing; errors of
 * the statement itself (an unknown table, 42P01) are ALOPEX_ESQL.
 */
ALOPEX_API int alopex_copy_begin(alopex_db *db, const char *sql,
				 alopex_copy **out);
/* ALOPEX_COPY_* flags of a started COPY. */
ALOPEX_API unsigned alopex_copy_flags(const alopex_copy *copy);
/*
 * FROM STDIN: the next bytes of data, in any chunking. Complete rows are
 * checked and written as they arrive; "\." alone on a line ends the data
 * early. After an error the COPY is failed: every later write returns the
 * same error; finish with alopex_copy_end or alopex_copy_abort.
 */
ALOPEX_API int alopex_copy_write(alopex_copy *copy, const void *data,
				 size_t len);
/*
 * TO STDOUT: ALOPEX_ROW with the next line of output, newline included
 * (valid until the next call on the copy), ALOPEX_DONE after the last
 * one, or a negative error.
 */
ALOPEX_API int alopex_copy_read(alopex_copy *copy, const void **data,
				size_t *len);
/* Rows written (FROM) or read (TO) so far. */
ALOPEX_API uint64_t alopex_copy_rows(const alopex_copy *copy);
/*
 * Finishes and frees the COPY, whatever the result. FROM STDIN: the last
 * row needs no newline; the rows are committed (outside a block) and 0
 * returned, or the COPY's error. TO STDOUT: stopping before ALOPEX_DONE
 * discards the rest; returns 0.
 */
ALOPEX_API int alopex_copy_end(alopex_copy *copy);
/*
 * Abandons and frees the COPY. FROM STDIN: nothing of it is written and
 * the handle's error is PostgreSQL's 57014 "COPY from stdin failed: msg"
 * (msg may be NULL); inside a block the block fails. NULL is a no-op.
 */
ALOPEX_API void alopex_copy_abort(alopex_copy *copy, const char *msg);

#ifdef __cplusplus
}
#endif
#endif /* ALOPEX_H */
