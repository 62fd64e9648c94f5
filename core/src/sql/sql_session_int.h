/* Session internals shared by the sql_session*.c files. */
#ifndef ALX_SQL_SESSION_INT_H
#define ALX_SQL_SESSION_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "kv/kv_txn.h"
#include "runtime/alx_diag.h"
#include "sql/sql_ast.h"
#include "sql/sql_bind.h"
#include "sql/sql_catalog.h"
#include "sql/sql_exec.h"
#include "sql/sql_session.h"
#include "sql/sql_table_gate.h"

struct alx_sql_db {
	alopex_db *db;
	pthread_mutex_t mu; /* cat, next_version; held across DDL commits */
	struct alx_catalog *cat; /* committed; NULL until first use */
	uint64_t next_version;
	/* cat->version, 0 before the load: lets a cached statement check it
	 * is current with one load instead of mu and a ref/unref. */
	_Atomic uint64_t cat_version;
	struct alx_seq_cache *seqs;
	struct alx_session *def;      /* alopex_exec/alopex_prepare's session */
	pthread_mutex_t def_mu;	      /* one API call on it at a time */
	atomic_int nstmts;	      /* alopex_stmt objects alive */
	atomic_int nsessions;	      /* sessions alive besides def */
	atomic_uint next_pid;	      /* sessions' numbers (alx_session.pid) */
	struct alx_vreg *vreg;	      /* open vector indexes (sql_vindex.h) */
	struct alx_table_gates gates; /* sql_table_gate.h */
};

enum alx_txn_state {
	ALX_TXN_IDLE = 0,
	ALX_TXN_BLOCK,	/* BEGIN ... */
	ALX_TXN_FAILED, /* an error inside the block: only ROLLBACK */
};

struct alx_savepoint {
	char *name;
	struct alx_kv_savepoint kv;
	struct alx_catalog *cat; /* private catalog then (ref), or NULL */
	uint32_t nlocal;	 /* SET LOCAL entries then */
	uint32_t vmark;		 /* vector index undo entries then */
};

struct alx_setting {
	char *name;  /* canonical (as SHOW prints its header) */
	char *value; /* as SHOW prints it */
};

/*
 * A setting changed inside a transaction block: the value to restore.
 * SET LOCAL's is restored when the transaction ends either way, a plain
 * SET's only when it rolls back (as PostgreSQL does); both when a
 * savepoint older than them is rolled back to.
 */
struct alx_local_undo {
	char *name;
	char *old;  /* NULL: the setting did not exist */
	bool local; /* SET LOCAL */
};

struct alx_named_prep {
	char *name;
	struct alx_prep *p;
};

struct alx_seqval {
	uint32_t id;
	int64_t v;
};

struct alx_session {
	alopex_db *db;
	struct alx_sql_db *sdb;
	alopex_diag diag;
	/* The last statement's NOTICE or WARNING, for protocols: level
	 * ("NOTICE", "WARNING"; "" when none), SQLSTATE and message. */
	char notice[300];
	char notice_level[8];
	char notice_state[6];

	/* transaction */
	int state;
	struct alx_kv_txn *txn;
	bool implicit; /* txn belongs to the running autocommit statement */
	struct alx_catalog *txn_cat; /* private catalog after DDL (ref) */
	int64_t txn_ts; /* BEGIN's clock; 0: not read yet (autocommit) */
	bool read_only;
	/* Isolation: default_transaction_isolation is REPEATABLE READ, the
	 * open transaction is; statements run in the open block (SET
	 * TRANSACTION ISOLATION LEVEL must come before the first). */
	bool iso_rr_default;
	bool iso_rr;
	uint32_t txn_nstmts;
	/* How long row-lock waits may last (lock_timeout, the statement's
	 * deadline, cancel); the session's transactions point at it. */
	int64_t lock_timeout_ms;
	struct alx_kv_wait kvwait;
	/* The execution of the portal running now (NULL: none), whose lazily
	 * read statement timestamp a lock wait fixes first (kvwait's
	 * before_wait). */
	struct alx_exec *cur_ex;
	/* alx_session_set_noblock; blocked: the last portal_next would have
	 * waited and was undone. */
	bool noblock, blocked;
	/* noblock: the last COMMIT's log position, not yet durable (0:
	 * none); see alx_session_take_sync_pos */
	uint64_t sync_pos;
	/* The session's number, naming it in a deadlock's DETAIL where
	 * PostgreSQL names the backend's process. */
	uint32_t pid;
	struct alx_savepoint *sps;
	uint32_t nsps, capsps;
	struct alx_local_undo *locals;
	uint32_t nlocals, caplocals;

	/* settings */
	struct alx_arena sa; /* setting strings */
	struct alx_setting *settings;
	uint32_t nsettings, capsettings;
	struct alx_value_fmt fmt;
	struct alx_arena tza;
	char **path;
	uint32_t npath;
	int64_t timeout_ms;

	struct alx_named_prep *named;
	uint32_t nnamed, capnamed;
	struct alx_seqval *seqv;
	uint32_t nseqv, capseqv;
	struct alx_portal *portals; /* open ones */
	/* A protocol's cancel request (any thread); the executor checks it
	 * with statement_timeout (alx_exec_tick) and fails with 57014. */
	atomic_int cancel_req;
	/* The authenticated role (alx_session_set_user); "" for embedded
	 * sessions, which run as the bootstrap superuser (sql_roles.c). */
	char user[64];
	/* Vector index changes of the open transaction (sql_vindex.c). */
	struct alx_vtxn *vtx;
	/* Table gate stripes the open transaction holds (sql_table_gate.h). */
	uint64_t gates_held;
	/* Every NOTICE/WARNING of the statement since notice_level was last
	 * cleared, in order: "level\0sqlstate\0message\0" each. Bounded:
	 * what does not fit is dropped (the last one stays in notice). */
	char notices[4096];
	uint32_t notices_len, nnotices;
};

/* A statement bound and planned against one catalog version. */
struct alx_bound {
	atomic_int refs;
	struct alx_arena a;
	struct alx_catalog *cat; /* ref */
	uint64_t version;
	uint32_t nsubs;
	struct alx_bq *q;      /* SELECT */
	struct alx_plan *plan; /* SELECT, or DML source */
	struct alx_bdml *dml;
	uint32_t ncols;
	struct alx_sql_col *cols;
	char **explain; /* EXPLAIN: the lines */
	uint32_t nexplain;
	/* alx_bound_is_point_read's answer: 0 not asked yet, 1 yes, 2 no */
	int point_read;
	/* Calls a stable or volatile function (now(), nextval(), defaults
	 * included): the statement's clock is read at its start. */
	bool reads_clock;
};

struct alx_prep {
	struct alx_session *s;
	struct alx_arena a; /* text and syntax tree */
	const char *sql;
	size_t len;
	const struct alx_sql_stmt *stmt; /* NULL: empty */
	uint32_t nparams;
	struct alx_type *param_types;
	bool *param_given;
	struct alx_bound *bd; /* NULL until bound (or for no-bind kinds) */
	uint32_t nportals;
};

enum alx_portal_state {
	ALX_PT_NEW = 0,
	ALX_PT_STREAM, /* SELECT rows from the executor */
	ALX_PT_ROWS,   /* buffered rows */
	ALX_PT_COPY_IN,
	ALX_PT_COPY_OUT,
	ALX_PT_DONE,
	ALX_PT_FAILED,
};

struct alx_copy_state;

struct alx_portal {
	struct alx_session *s;
	struct alx_prep *prep;
	struct alx_bound *bd;
	struct alx_arena a; /* params, exec, kept rows */
	struct alx_arena texta;
	struct alx_value *params; /* in pbuf (in a when none) */
	uint32_t nparams;
	/* The converted parameters' array, kept across rebinds (pcap
	 * entries); their payloads are in a. */
	struct alx_value *pbuf;
	uint32_t pcap;
	struct alx_exec ex;
	struct alx_node *root;
	int state;
	struct alx_kv_txn *own_txn; /* an autocommit SELECT's */
	struct alx_catalog *own_cat;
	bool on_session_txn; /* streaming on the block's txn */
	struct alx_value **rows;
	uint32_t nrows, caprows, pos;
	uint32_t ncols;
	const struct alx_sql_col *cols;
	struct alx_sql_col *own_cols;
	uint64_t count;
	char tag[64];
	struct alx_copy_state *copy;
	struct alx_prep *inner_prep; /* EXECUTE name */
	struct alx_portal *inner;
	struct alx_portal *next;
	/* A keepable SELECT's node tree (alx_node_tree_keepable) lives in
	 * na; between runs it is parked in kept, for kept_plan. */
	struct alx_arena na;
	struct alx_node *kept;
	const struct alx_plan *kept_plan;
};

/*
 * alx_diag_clear unless the session's diag is clear already: statements
 * clear it at every Bind and Execute, and most find nothing to clear.
 */
static inline void alx_session_diag_reset(struct alx_session *s)
{
	const alopex_diag *d = &s->diag;
	if (d->code != 0 || d->message[0] != '\0' || d->file[0] != '\0' ||
	    d->line != 0 || d->col != 0 || memcmp(d->sqlstate, "00000", 6) != 0)
		alx_diag_clear(&s->diag);
}

/* sql_session.c */
int alx_session_err(struct alx_session *s, const char *sqlstate,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* 0A000 for SERIALIZABLE, naming the levels there are. */
int alx_session_err_serializable(struct alx_session *s);
/* The catalog statements bind against now (a ref). */
int alx_session_catalog(struct alx_session *s, struct alx_catalog **out);
/* Whether that catalog has this version: no lock, no ref. */
bool alx_session_catalog_is(const struct alx_session *s, uint64_t version);
uint64_t alx_session_new_version(struct alx_session *s);
/* A private catalog for DDL in the current transaction. */
int alx_session_ddl_catalog(struct alx_session *s, struct alx_catalog **out);
void alx_session_set_txn_catalog(struct alx_session *s,
				 struct alx_catalog *cat);
/* Start the statement's transaction if none (autocommit). */
int alx_session_stmt_begin(struct alx_session *s);
/*
 * A READ COMMITTED statement met a newer committed row version
 * (alx_kv_txn_must_restart): an autocommit statement's transaction is
 * rolled back and begun again; in a block the caller rolls back to its
 * statement savepoint. Either way the next statement snapshot is fresh.
 */
int alx_session_stmt_restart(struct alx_session *s);
/* Deadlines of the statement starting now, for row-lock waits. */
void alx_session_stmt_wait_init(struct alx_session *s);
/* SET TRANSACTION ISOLATION LEVEL in a block, before its first query. */
int alx_session_set_txn_isolation(struct alx_session *s, bool rr);
/* End an autocommit statement's transaction (commit when ok). */
int alx_session_stmt_end(struct alx_session *s, bool ok);
/* An error inside a transaction block: the block fails. */
void alx_session_stmt_failed(struct alx_session *s);
int alx_session_txn_stmt(struct alx_session *s, const struct alx_sql_txn *t,
			 char *tag, size_t tagsz);
int64_t alx_session_clock(void);
void alx_session_notice(struct alx_session *s, const char *level,
			const char *sqlstate, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void alx_session_close_portals(struct alx_session *s);
/* Close the parked node tree, if any (sql_session_stmt.c). */
void alx_portal_drop_tree(struct alx_portal *pt);

/* sql_session_set.c */
int alx_session_settings_init(struct alx_session *s);
/* Set a setting's value directly (read-only ones too: is_superuser). */
int alx_session_setting_put(struct alx_session *s, const char *name,
			    const char *value);
int alx_session_set(struct alx_session *s, const struct alx_sql_set *st,
		    char *tag, size_t tagsz);
/* SHOW: name of the column and the value(s). */
int alx_session_show(struct alx_session *s, const char *name, const char **col,
		     const char **value);
void alx_session_local_end(struct alx_session *s, bool committed);
/* Undo the settings changed since mark (an nlocals value), newest first. */
void alx_session_settings_undo(struct alx_session *s, uint32_t mark);
/* sql_session_stmt.c */
int alx_prep_bind(struct alx_prep *p);
/* A prepared statement over an already parsed one (simple query). */
int alx_session_prep_stmt(struct alx_session *s, const char *sql,
			  const struct alx_sql_stmt *st, struct alx_prep **out);
void alx_bound_unref(struct alx_bound *bd);
/* alx_plan_is_point_read of a SELECT's plan, worked out once per bound
 * statement: every execution of a point read asks. */
bool alx_bound_is_point_read(struct alx_bound *bd);

/* sql_exec_copy.c */
int alx_copy_start(struct alx_portal *pt, const struct alx_sql_copy *c);
void alx_copy_free(struct alx_portal *pt);

/* sql_plan_explain.c: uses alx_plan_explain from sql_plan.h */

#endif
