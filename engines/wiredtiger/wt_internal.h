/*
 * The WiredTiger engine plugin: shared declarations of its parts
 * (wt_engine.c: plugin, open/close, errors; wt_txn.c: transactions, point ops
 * and cursors; wt_log.c: the change log; wt_ckpt.c: checkpoints and the
 * replay of the change log at open).
 *
 * Data lives in one table (byte keys and values, memcmp order); the change
 * log in a second table keyed by the position as 8 bytes big-endian, written
 * in the same WiredTiger transaction as the data. Only the change log is in
 * WiredTiger's log: the data table is not logged (each row is logged once,
 * inside our record) and is recovered from its last checkpoint plus the
 * records after it (wt_ckpt.c). Directories made before that keep a logged
 * data table and skip the replay.
 */
#ifndef ALX_WT_INTERNAL_H
#define ALX_WT_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <wiredtiger.h>

#include "alopex_plugin.h"

#define ALX_WT_DATA_URI "table:alopex_data"
#define ALX_WT_LOG_URI "table:alopex_log"
/* Unlogged: the position P0 the last checkpoint holds (wt_ckpt.c). */
#define ALX_WT_CKPT_URI "table:alopex_ckpt"
#define ALX_WT_COMPONENT "wiredtiger"
/* Trim the log once this many records beyond log_retain accumulated. */
#define ALX_WT_TRIM_SLACK 1000
/* Removes per trimming transaction, so one trim never grows the cache. */
#define ALX_WT_TRIM_BATCH 10000

enum alx_wt_durability {
	ALX_WT_DUR_FSYNC = 0,
	ALX_WT_DUR_PERIODIC = 1,
	ALX_WT_DUR_NONE = 2,
};

/* Filled by the config layer from the schema in wt_engine.c. */
struct alx_wt_config {
	uint64_t cache_size;
	int durability; /* enum alx_wt_durability */
	uint64_t sync_interval;
	int64_t log_retain;
	uint64_t checkpoint_interval; /* ms */
	uint64_t checkpoint_log_size; /* record bytes between checkpoints */
};

/*
 * A WiredTiger session with its cursors. Sessions are single-threaded, so
 * each transaction borrows one from the pool and gives it back at the end.
 */
struct alx_wt_session {
	struct alx_wt_session *next;
	WT_SESSION *session;
	WT_CURSOR *data;
	WT_CURSOR *log; /* opened on first use */
	/* overwrite=false, for insert: reports duplicates in one search */
	WT_CURSOR *data_new; /* opened on first use */
	/* The session's default isolation is read-committed (else
	 * snapshot, as opened): switched by reconfigure only when a
	 * transaction wants the other one. */
	int read_committed;
	/* The memory of the session's transaction, kept across them. */
	struct alx_wt_txn *txn;
};

struct alx_wt_engine {
	/* First member: the event callbacks get the engine back from it. */
	WT_EVENT_HANDLER handler;
	const struct alopex_host *host;
	const struct alx_wt_config *cfg;
	WT_CONNECTION *conn;
	char *dir;
	alopex_engine_commit_fn on_commit;
	void *on_commit_arg;

	pthread_mutex_t pool_mu;
	struct alx_wt_session *pool; /* idle sessions */
	size_t live_txns;

	/* Serialises write commits so positions reach on_commit in order. */
	pthread_mutex_t commit_mu;
	_Atomic uint64_t last_pos;  /* last committed position (0: none) */
	_Atomic uint64_t first_pos; /* oldest record still in the table */
	_Atomic int trimming;
	/* Set before a commit becomes visible (and put back if it fails):
	 * no reader sees a position above it. alx_wt_sync_visible. */
	_Atomic uint64_t visible_pos;

	/* Group commit (durability fsync): one committer at a time flushes
	 * the log for everyone committed so far; the rest wait for it. */
	pthread_mutex_t sync_mu;
	pthread_cond_t sync_cv;
	/* Positions on disk: written under sync_mu, read without it by
	 * alx_wt_sync_visible's fast path. */
	_Atomic uint64_t synced_pos;
	int syncing; /* under sync_mu: a flush is running */
	/* Testing (wt_debug.h), under sync_mu: leaders wait while hold is
	 * set; waiters counts the callers inside group_sync. */
	int debug_hold;
	unsigned debug_waiters;

	WT_SESSION *sync_session; /* periodic durability: the timer's own */
	alopex_timer *sync_timer;

	/* Checkpoints (wt_ckpt.c). data_logged: a directory made before
	 * the data table went unlogged; nothing to replay. */
	int data_logged;
	/* One checkpoint at a time; guards ckpt_session and ckpt_cursor. */
	pthread_mutex_t ckpt_mu;
	WT_SESSION *ckpt_session;
	WT_CURSOR *ckpt_cursor;
	/* P0 of the last completed checkpoint: every position <= it is in
	 * the checkpointed data table; the log keeps everything after it. */
	_Atomic uint64_t ckpt_pos;
	/* Record bytes committed since the last checkpoint started. */
	_Atomic uint64_t ckpt_bytes;
	_Atomic uint64_t ckpt_last_ms; /* when the last one ended */
	/* The checkpoint thread sleeps on ckpt_cv under ckpt_wait_mu. */
	pthread_mutex_t ckpt_wait_mu;
	pthread_cond_t ckpt_cv;
	pthread_t ckpt_thread;
	int ckpt_thread_on, ckpt_stop;
	/* Testing (wt_debug.h), under ckpt_wait_mu: a checkpoint waits
	 * after recording P0 while hold is set; held tells it waits. */
	int debug_ckpt_hold, debug_ckpt_held;

	/* The last WiredTiger error message, for open errors. */
	pthread_mutex_t err_mu;
	char last_error[400];
	int opened;
};

struct alx_wt_cursor;

struct alx_wt_txn {
	struct alx_wt_engine *eng;
	struct alx_wt_session *ses;
	unsigned flags;
	int wrote;
	int failed; /* the error that left the transaction rollback-only */
	/* The WiredTiger transaction runs: from begin, or with READ
	 * COMMITTED from the first write (alx_wt_txn_began). */
	int began;
	struct alx_wt_cursor *cursors;
};

/* wt_engine.c */
void *alx_wt_alloc(const struct alx_wt_engine *eng, size_t size);
void alx_wt_free(const struct alx_wt_engine *eng, void *ptr);
/* Map a WiredTiger return code to ours, with "what: <wt message>". */
int alx_wt_error(const struct alx_wt_engine *eng, alopex_diag *diag, int ret,
		 const char *what);
int alx_wt_check_key(const struct alx_wt_engine *eng, alopex_slice key,
		     alopex_diag *diag);
void alx_wt_encode_pos(uint8_t out[8], uint64_t pos);
uint64_t alx_wt_decode_pos(const uint8_t in[8]);

/* wt_txn.c */
int alx_wt_session_get(struct alx_wt_engine *eng, struct alx_wt_session **out,
		       alopex_diag *diag);
void alx_wt_session_put(struct alx_wt_engine *eng, struct alx_wt_session *ses);
/* As get and put, counting a live transaction (what close waits for) under
 * the same lock. */
int alx_wt_session_get_live(struct alx_wt_engine *eng,
			    struct alx_wt_session **out, alopex_diag *diag);
void alx_wt_session_put_live(struct alx_wt_engine *eng,
			     struct alx_wt_session *ses);
int alx_wt_session_log_cursor(struct alx_wt_engine *eng,
			      struct alx_wt_session *ses, alopex_diag *diag);
void alx_wt_pool_destroy(struct alx_wt_engine *eng);

int alx_wt_txn_snapshot(void *txn, alopex_diag *diag);
/* Before a write: start the WiredTiger transaction if it is not running. */
int alx_wt_txn_began(struct alx_wt_txn *txn, alopex_diag *diag);
/* txn_commit without the durability wait, and that wait (group commit). */
int alx_wt_txn_commit_nosync(void *txn, alopex_slice log_record,
			     uint64_t *position, alopex_diag *diag);
int alx_wt_sync_to(void *instance, uint64_t position, alopex_diag *diag);
/* Wait until every commit a reader could have seen is durable. */
int alx_wt_sync_visible(void *instance, alopex_diag *diag);
int alx_wt_txn_begin(void *instance, unsigned flags, void **txn,
		     alopex_diag *diag);
int alx_wt_txn_commit(void *txn, alopex_slice log_record, uint64_t *position,
		      alopex_diag *diag);
void alx_wt_txn_rollback(void *txn);
int alx_wt_get(void *txn, alopex_slice key, alopex_slice *value,
	       alopex_diag *diag);
int alx_wt_put(void *txn, alopex_slice key, alopex_slice value,
	       alopex_diag *diag);
int alx_wt_del(void *txn, alopex_slice key, alopex_diag *diag);
int alx_wt_insert(void *txn, alopex_slice key, alopex_slice value,
		  alopex_diag *diag);
int alx_wt_put_sorted(void *txn, const alopex_mutation *muts, size_t n,
		      alopex_diag *diag);
int alx_wt_cursor_open(void *txn, alopex_slice lower, alopex_slice upper,
		       unsigned flags, void **cursor, alopex_diag *diag);
int alx_wt_cursor_next(void *cursor, alopex_slice *key, alopex_slice *value,
		       alopex_diag *diag);
void alx_wt_cursor_close(void *cursor);

/* wt_range.c */
int alx_wt_del_range(void *txn, alopex_slice lower, alopex_slice upper,
		     alopex_diag *diag);

/* wt_log.c */
/* Find the first and last positions in the log table (at open). */
int alx_wt_log_recover(struct alx_wt_engine *eng, alopex_diag *diag);
/* Whether enough records accumulated beyond log_retain to trim. */
int alx_wt_log_trim_due(const struct alx_wt_engine *eng);
/* Remove records beyond log_retain (never the last) on an idle session. */
int alx_wt_log_trim(struct alx_wt_engine *eng, struct alx_wt_session *ses);
int alx_wt_log_read(void *instance, uint64_t after, alopex_engine_log_fn fn,
		    void *arg, alopex_diag *diag);
uint64_t alx_wt_log_position(void *instance);

/* wt_ckpt.c */
/* Whether the host decodes log records (log_record_apply) for a replay. */
int alx_wt_host_can_decode(const struct alopex_host *host);
/* Whether the data table is logged (old directory), P0, at open. */
int alx_wt_ckpt_load(struct alx_wt_engine *eng, alopex_diag *diag);
/* Re-apply every record after P0 to the data table (after log_recover). */
int alx_wt_ckpt_replay(struct alx_wt_engine *eng, alopex_diag *diag);
/* Record P0 = last_pos, then checkpoint the database. */
int alx_wt_checkpoint(struct alx_wt_engine *eng, alopex_diag *diag);
/* The thread running checkpoints by time and by log volume. */
int alx_wt_ckpt_start(struct alx_wt_engine *eng, alopex_diag *diag);
void alx_wt_ckpt_stop(struct alx_wt_engine *eng);

/* The plugin entry points (ALOPEX_PLUGIN_DEFINE defines them). */
const struct alopex_plugin *alopex_plugin_entry_wiredtiger(void);
#ifdef ALOPEX_PLUGIN_SHARED
ALOPEX_PLUGIN_EXPORT const struct alopex_plugin *alopex_plugin_entry(void);
#endif

#endif
