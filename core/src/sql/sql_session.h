/*
 * SQL sessions: everything a client connection has (transaction state,
 * settings, prepared statements, portals), kept out of the database so a
 * server can run many sessions over one database. An alopex_db owns one
 * default session for alopex_exec/alopex_prepare.
 *
 * The entry points follow PostgreSQL's extended protocol, which the
 * protocol plugins map onto:
 *   alx_session_prepare   Parse: one statement, parameter types given
 *                         (0 / UNKNOWN: inferred) -> struct alx_prep
 *   alx_prep_describe     the parameter types and result columns
 *   alx_portal_create     Bind: a prepared statement plus values
 *   alx_portal_next       Execute: rows one at a time; a caller stopping
 *                         after N rows and calling again later is portal
 *                         suspension and resumption
 *   alx_portal_tag        CommandComplete's tag ("INSERT 0 3", ...)
 *   alx_session_execute   Simple query: every statement of a text
 * COPY FROM STDIN / TO STDOUT stream through alx_portal_copy_* (text and
 * CSV formats).
 *
 * A session is used by one thread at a time. Errors are negative codes
 * with the session's diag filled (alx_session_diag): SQLSTATE and
 * PostgreSQL's message, a DETAIL after a '\n' in the message. An error
 * in a COPY row ends with a last line "CONTEXT:  COPY t, line 3, ..."
 * (after the DETAIL if any), PostgreSQL's CONTEXT field.
 */
#ifndef ALX_SQL_SESSION_H
#define ALX_SQL_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alopex.h"
#include "runtime/alx_arena.h"
#include "sql/sql_value.h"

struct alx_session;
struct alx_prep;
struct alx_portal;
struct alx_catalog;
struct alx_seq_cache;
struct alx_tz;

/* ---- per-database SQL state (owned by alopex_db) ----------------------- */

struct alx_sql_db;
int alx_sql_db_create(alopex_db *db, struct alx_sql_db **out, alopex_diag *d);
void alx_sql_db_destroy(struct alx_sql_db *sdb);
struct alx_seq_cache *alx_sql_db_seqs(struct alx_sql_db *sdb);

/* ---- sessions ---------------------------------------------------------- */

int alx_session_create(alopex_db *db, struct alx_session **out, alopex_diag *d);
/* Rolls back an open transaction, frees prepared statements and portals.
 * NULL-safe. */
void alx_session_destroy(struct alx_session *s);
const alopex_diag *alx_session_diag(const struct alx_session *s);

/* The last statement's NOTICE or WARNING message (NULL when it sent
 * none), with its level ("NOTICE", "WARNING") and SQLSTATE. */
const char *alx_session_last_notice(const struct alx_session *s,
				    const char **level, const char **sqlstate);
/* The statement's i-th NOTICE or WARNING, in the order raised (NULL past
 * the last), with its level and SQLSTATE. */
const char *alx_session_notice_at(const struct alx_session *s, uint32_t i,
				  const char **level, const char **sqlstate);

/* Transaction status as ReadyForQuery reports it: 'I' idle, 'T' in a
 * transaction block, 'E' in a failed one. */
char alx_session_txn_status(const struct alx_session *s);

/* Settings (SET/SHOW); NULL when unknown. */
const char *alx_session_setting(struct alx_session *s, const char *name);
/* Value formatting of the session (extra_float_digits, TimeZone). */
const struct alx_value_fmt *alx_session_fmt(const struct alx_session *s);
/* search_path as schema names; *n entries. */
const char *const *alx_session_search_path(const struct alx_session *s,
					   uint32_t *n);

/* currval bookkeeping (nextval/setval remember, currval reads). */
int alx_session_seq_remember(struct alx_session *s, uint32_t id, int64_t v);
int alx_session_seq_current(struct alx_session *s, uint32_t id, int64_t *v);

/* ---- statements -------------------------------------------------------- */

/* One result column, as RowDescription needs it. */
struct alx_sql_col {
	const char *name;
	struct alx_type type;
	uint32_t type_oid;
	int32_t typmod; /* PostgreSQL's atttypmod: -1 when none */
	int16_t typlen;
};

/*
 * Parse (and bind) one statement. param_oids[i] (n_oids of them, may be
 * NULL) fix $i+1's type; 0 lets the statement infer it. More than one
 * statement in sql: 42601 `cannot insert multiple commands into a
 * prepared statement`; an empty one gives an empty statement (no columns,
 * tag "").
 */
int alx_session_prepare(struct alx_session *s, const char *sql, size_t len,
			const uint32_t *param_oids, uint32_t n_oids,
			struct alx_prep **out);
void alx_prep_destroy(struct alx_prep *p);
/*
 * Parameter types and result columns. A statement whose plan is stale
 * after DDL is bound again first; errors then are the statement's.
 */
int alx_prep_describe(struct alx_prep *p, uint32_t *nparams,
		      const struct alx_type **param_types, uint32_t *ncols,
		      const struct alx_sql_col **cols);
/* Whether the statement returns rows (SELECT, RETURNING, SHOW, ...). */
bool alx_prep_returns_rows(struct alx_prep *p);
/* Whether the statement, as bound now, is a plain SELECT whose plan is a
 * bounded point read (alx_plan_is_point_read); false when not bound. */
bool alx_prep_is_point_read(const struct alx_prep *p);
/*
 * Whether the statement, as bound now, is an INSERT of one VALUES row or
 * an UPDATE/DELETE of at most one row by primary key, with bounded
 * expressions (alx_plan_is_point_write), on a table without vector
 * indexes: cheap unless it must wait for a row lock.
 */
bool alx_prep_is_point_write(const struct alx_prep *p);

/*
 * on: s's statements never wait for a row lock or a table gate (for a
 * statement run on an event loop). One that would is undone and its
 * portal left as new: alx_portal_next fails with ALOPEX_EBUSY and
 * alx_session_blocked is true; run it again with noblock off.
 */
void alx_session_set_noblock(struct alx_session *s, bool on);
/* The last alx_portal_next failed only because it would have waited. */
bool alx_session_blocked(const struct alx_session *s);
/*
 * With noblock on, a COMMIT of a transaction that wrote (no DDL) returns
 * once the commit is in the engine's log, without waiting for its fsync:
 * the log position to wait for (alx_kv_sync_to) before anyone is told of
 * its success, once; 0 when none is owed.
 */
uint64_t alx_session_take_sync_pos(struct alx_session *s);
/* Whether COMMIT now is such a commit (a block that wrote, no DDL). */
bool alx_session_commit_defers(const struct alx_session *s);

/* A parameter value as the client sent it, before conversion. */
enum alx_param_kind {
	ALX_PARAM_NULL = 0,
	ALX_PARAM_TEXT, /* text format: the type's input function */
	ALX_PARAM_INT64,
	ALX_PARAM_DOUBLE,
	ALX_PARAM_BLOB,	  /* bytea bytes */
	ALX_PARAM_VECTOR, /* float array */
	ALX_PARAM_VALUE,  /* an alx_value of the parameter's type */
};
struct alx_param {
	uint8_t kind;
	const void *ptr; /* TEXT/BLOB bytes, VECTOR floats */
	size_t len;	 /* bytes; VECTOR: elements */
	int64_t i;
	double f;
	struct alx_value v;
};

/*
 * Bind: values are converted to the parameter types now (22P02 and
 * friends are reported here) and copied; the statement must outlive the
 * portal.
 */
int alx_portal_create(struct alx_prep *p, const struct alx_param *params,
		      uint32_t nparams, struct alx_portal **out);
/*
 * ALOPEX_ROW with *row (portal's result columns, valid until the next
 * call), ALOPEX_DONE when the statement finished (the tag is then set),
 * or an error. DML, DDL and transaction control run to completion at the
 * first call. For COPY FROM STDIN the first call returns ALOPEX_AGAIN:
 * feed the data with alx_portal_copy_in, then alx_portal_copy_done.
 */
int alx_portal_next(struct alx_portal *pt, const struct alx_value **row);
/* "SELECT 3", "INSERT 0 1", "UPDATE 2", "CREATE TABLE", "BEGIN", ... */
const char *alx_portal_tag(const struct alx_portal *pt);
/* Rows affected (or returned so far). */
uint64_t alx_portal_rows(const struct alx_portal *pt);
/* Columns of the portal's rows (same as the statement's). */
uint32_t alx_portal_ncols(const struct alx_portal *pt);
const struct alx_sql_col *alx_portal_cols(const struct alx_portal *pt);
/* Text of a value as PostgreSQL prints it with the session's settings;
 * NULL for SQL NULL. Valid until the next call on the portal. */
const char *alx_portal_text(struct alx_portal *pt, const struct alx_value *v,
			    size_t *len);
/* Closes the portal; an unfinished autocommit statement is rolled back. */
void alx_portal_destroy(struct alx_portal *pt);
/*
 * Ends the portal's run as destroy would (an unfinished autocommit
 * statement is rolled back) but keeps the portal and its memory, to run
 * the statement again with alx_portal_rebind. false: a kind of statement
 * that is not kept (destroy it instead).
 */
bool alx_portal_recycle(struct alx_portal *pt);
/* A recycled portal with new parameter values, as alx_portal_create
 * makes one; on an error, destroy it. */
int alx_portal_rebind(struct alx_portal *pt, const struct alx_param *params,
		      uint32_t nparams);

/* ---- COPY -------------------------------------------------------------- */

struct alx_copy_info {
	bool from; /* COPY ... FROM STDIN */
	bool csv;  /* CSV; else text format */
	uint32_t ncols;
};
/* What a COPY portal expects (after ALOPEX_AGAIN or for COPY TO). */
int alx_portal_copy_info(const struct alx_portal *pt,
			 struct alx_copy_info *out);
/* COPY FROM STDIN: any chunking of the data stream. */
int alx_portal_copy_in(struct alx_portal *pt, const void *data, size_t len);
/* End of the data: rows are checked and written; tag "COPY n". */
int alx_portal_copy_done(struct alx_portal *pt);
/* COPY FROM STDIN abandoned by the client (CopyFail). */
int alx_portal_copy_fail(struct alx_portal *pt, const char *why);
/*
 * COPY TO STDOUT: the next line of output (with its newline) in *data,
 * valid until the next call; ALOPEX_ROW per line, ALOPEX_DONE at the end.
 */
int alx_portal_copy_out(struct alx_portal *pt, const void **data, size_t *len);

/* ---- simple query ------------------------------------------------------- */

/*
 * Called for each statement's results: cols/ncols describe the rows
 * (ncols 0 for statements without rows); row is NULL once the statement
 * finished, with its tag. Return non-zero to stop.
 */
typedef int (*alx_session_row_fn)(void *arg, struct alx_portal *pt,
				  const struct alx_value *row);

/*
 * Run every statement of sql (alopex_exec): each statement in its own
 * autocommit transaction unless inside BEGIN ... COMMIT. fn may be NULL.
 * Stops at the first error.
 */
int alx_session_execute(struct alx_session *s, const char *sql, size_t len,
			alx_session_row_fn fn, void *arg);

enum alx_exec_flags {
	/*
	 * PostgreSQL's simple query protocol: several statements outside a
	 * transaction block run as one implicit transaction (all or
	 * nothing). Texts with their own BEGIN/COMMIT/... keep per-statement
	 * behaviour.
	 */
	ALX_EXEC_IMPLICIT_TXN = 1 << 0,
};
int alx_session_execute_ex(struct alx_session *s, const char *sql, size_t len,
			   unsigned flags, alx_session_row_fn fn, void *arg);

#endif
