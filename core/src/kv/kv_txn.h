/*
 * The core transaction: one engine transaction plus the commit batch that
 * the change stream and replication see, and an undo log for savepoints.
 * The public KV API (db_kv.c) and SQL sessions both run on it, with whole
 * engine keys (key-space byte first, kv_space.h).
 *
 * Every write goes to the engine and to the batch, in that order, so the
 * batch is exactly the transaction's mutations. The engine has no
 * savepoints: while one is open, each write first records the key's old
 * value (or its absence); rolling back to the savepoint writes those back
 * through the engine transaction and trims the batch to where it was.
 *
 * Errors fill the transaction's diag. A write the engine refused with
 * ECONFLICT, ENOMEM or EIO dooms the transaction: every later operation
 * fails and only rollback is left.
 */
#ifndef ALX_KV_TXN_H
#define ALX_KV_TXN_H

#include <stddef.h>
#include <stdint.h>

#include "alopex.h"
#include "alopex_plugin.h"
#include "kv/kv_batch.h"

struct alx_kv_cursor;

enum alx_kv_txn_flags {
	ALX_KV_TXN_READONLY = 1 << 0,
};

struct alx_kv_undo_entry {
	size_t off; /* key bytes, then the old value, in undo_buf */
	uint32_t klen;
	int64_t vlen; /* -1: the key was absent */
};

struct alx_kv_txn {
	alopex_db *db;
	void *etxn;
	unsigned flags;
	int doomed; /* the engine transaction can only be rolled back */
	int doom_code;
	struct alx_batch_writer batch;
	struct alx_kv_cursor *cursors;
	alopex_diag diag;
	/* savepoints */
	uint32_t nsavepoints;
	struct alx_kv_undo_entry *undo;
	size_t nundo, undo_cap;
	uint8_t *undo_buf;
	size_t undo_len, undo_buf_cap;
};

/* Where a savepoint was taken; restored by alx_kv_txn_rollback_to. */
struct alx_kv_savepoint {
	size_t nundo, undo_len;
	size_t batch_len;
	uint64_t batch_count;
};

int alx_kv_txn_begin(alopex_db *db, unsigned flags, struct alx_kv_txn **out,
		     alopex_diag *diag);
/*
 * Closes the cursors, commits and frees the transaction whatever the
 * result. A doomed transaction is rolled back and reports its doom
 * (ALOPEX_ECONFLICT for a conflict, SQLSTATE 40001). *position (may be
 * NULL) gets the log position of a write transaction.
 */
int alx_kv_txn_commit(struct alx_kv_txn *t, uint64_t *position,
		      alopex_diag *diag);
/* Closes the cursors, rolls back and frees. NULL is a no-op. */
void alx_kv_txn_rollback(struct alx_kv_txn *t);

/* ALOPEX_ENOTFOUND when absent; the value stays valid until the next call
 * on the transaction. */
int alx_kv_txn_get(struct alx_kv_txn *t, alopex_slice key, alopex_slice *val);
int alx_kv_txn_put(struct alx_kv_txn *t, alopex_slice key, alopex_slice val);
/* ALOPEX_ENOTFOUND when absent (nothing is recorded then). */
int alx_kv_txn_del(struct alx_kv_txn *t, alopex_slice key);

/*
 * lower <= key < upper (a NULL ptr is unbounded); flags:
 * ALOPEX_CURSOR_REVERSE. The bounds are copied.
 */
int alx_kv_cursor_open(struct alx_kv_txn *t, alopex_slice lower,
		       alopex_slice upper, unsigned flags,
		       struct alx_kv_cursor **out);
/* ALOPEX_ROW (key and value valid until the next call on the cursor or
 * its transaction), ALOPEX_DONE, or an error in the transaction's diag. */
int alx_kv_cursor_next(struct alx_kv_cursor *c, alopex_slice *key,
		       alopex_slice *val);
/* NULL-safe. */
void alx_kv_cursor_close(struct alx_kv_cursor *c);

/* Start recording undo; the mark goes to *out. */
int alx_kv_txn_savepoint(struct alx_kv_txn *t, struct alx_kv_savepoint *out);
/*
 * Undo every write made since sp (the savepoint stays open, as SQL's
 * ROLLBACK TO keeps it). Fails on a doomed transaction.
 */
int alx_kv_txn_rollback_to(struct alx_kv_txn *t,
			   const struct alx_kv_savepoint *sp);
/* Forget a savepoint (RELEASE, or after ROLLBACK TO for inner ones). */
void alx_kv_txn_release(struct alx_kv_txn *t);

/* Whether the transaction wrote anything. */
static inline int alx_kv_txn_wrote(const struct alx_kv_txn *t)
{
	return t->batch.count > 0;
}

#endif
