/* The database object behind alopex.h. */
#ifndef ALX_DB_INTERNAL_H
#define ALX_DB_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "alopex.h"
#include "alopex_plugin.h"
#include "kv/kv_batch.h"

struct alx_runtime;
struct alx_config;
struct alx_plugin_instance;

struct alopex_subscription {
	alopex_batch_fn fn;
	void *arg;
	struct alopex_subscription *next;
};

struct alopex_db {
	struct alx_runtime *rt;
	struct alx_config *cfg;
	struct alx_plugin_instance *engine;
	const struct alopex_engine_ops *eng;
	void *einst; /* engine->instance, for the hot paths */
	int engine_open;
	char *dir;
	int lock_fd;

	atomic_long open_txns;
	/* A finished transaction's memory for the next begin (kv_txn.c). */
	_Atomic(struct alx_kv_txn *) txn_spare;
	/* Row locks of the writing transactions (kv/kv_lock.h). */
	struct alx_kv_locks *locks;

	pthread_mutex_t err_mu;
	alopex_diag err;
	/* err holds something (set under err_mu): clearing a clear handle,
	 * once per API call, then costs one load instead of the mutex. */
	atomic_bool err_set;

	/* Subscribers are read on every commit, changed rarely. */
	pthread_rwlock_t sub_lock;
	struct alopex_subscription *subs;

	/* SQL: catalog cache, sequences, the default session (db_sql.c);
	 * created on first use. */
	pthread_mutex_t sql_mu;
	struct alx_sql_db *sql;
	/* The COPY running on the default session (db_copy.c), under the
	 * session's def_mu: other SQL calls wait for its end. */
	struct alopex_copy *copy;
};

struct alopex_kv_cursor;
struct alx_kv_txn;
struct alx_sql_db;
struct alx_session;

/* The public KV transaction: a core transaction (kv/kv_txn.h) seen
 * through the ALOPEX_SPACE_KV prefix. */
struct alopex_kv_txn {
	alopex_db *db;
	struct alx_kv_txn *core;
	unsigned flags;
	int aborted;	 /* a write failed: only rollback is allowed */
	uint8_t *keybuf; /* space prefix + key, reused */
	size_t keycap;
	struct alopex_kv_cursor *cursors;
	alopex_diag diag;
};

/* Record a failure on the handle (copied from diag). */
int alx_db_fail(alopex_db *db, const alopex_diag *diag);
/* Convenience: set code + message on the handle. */
int alx_db_failf(alopex_db *db, int code, const char *sqlstate, const char *fmt,
		 ...) __attribute__((format(printf, 4, 5)));
void alx_db_clear_error(alopex_db *db);

/*
 * SQL state of the handle (db_sql.c). alx_db_sql_busy: statements still
 * open (alopex_close refuses then); alx_db_sql_close rolls back the default
 * session's transaction and frees everything.
 */
int alx_db_sql_busy(alopex_db *db);
void alx_db_sql_close(alopex_db *db);
/* The default session, created on first use. */
int alx_db_default_session(alopex_db *db, struct alx_session **out);
/* Copy a session's error to the handle; returns rc. */
int alx_db_session_fail(alopex_db *db, struct alx_session *s, int rc);
/* ALOPEX_EMISUSE on the handle: a COPY holds the default session. */
int alx_db_copy_busy(alopex_db *db);

/* The engine's commit hook: decode and fan out to subscribers. */
void alx_db_on_commit(void *arg, uint64_t position, alopex_slice record);

#endif
