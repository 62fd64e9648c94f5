/*
 * The core transaction: one engine transaction plus the commit batch that
 * the change stream and replication see, and an undo log for savepoints.
 * The public KV API (db_kv.c) and SQL sessions both run on it, with whole
 * engine keys (key-space byte first, kv_space.h).
 *
 * Every write goes to the engine and to the batch, in that order, so the
 * batch is exactly the transaction's mutations; inserts and fresh puts may
 * wait in a pending set and go to the engine later in key order (see
 * alx_kv_txn.pend), which no caller can tell apart. The engine has no
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
#include "kv/kv_lock.h"

struct alx_kv_cursor;

enum alx_kv_txn_flags {
	ALX_KV_TXN_READONLY = 1 << 0,
	/*
	 * READ COMMITTED: alx_kv_txn_stmt_snapshot starts each statement on a
	 * fresh snapshot, and a write to a key committed by another
	 * transaction after it fails with alx_kv_txn_must_restart true: the
	 * caller undoes the statement and runs it again on a new snapshot.
	 * Without it (and on engines without statement snapshots) the
	 * transaction is one snapshot (REPEATABLE READ); a write to a key
	 * committed after it dooms the transaction (40001).
	 */
	ALX_KV_TXN_READ_COMMITTED = 1 << 1,
	/*
	 * Commit returns once the commit is in the engine's log, without
	 * waiting for it to be durable (on engines that can split the two).
	 * For bookkeeping whose loss in a crash harms nobody unless a durable
	 * commit depends on it, which then commits later in the same log and
	 * makes it durable too: a sequence's block reservation.
	 */
	ALX_KV_TXN_NOSYNC = 1 << 2,
	/*
	 * The commit records no version for its keys in the lock table.
	 * Only for keys no READ COMMITTED transaction ever writes (a
	 * sequence's stored value): the version table is lossy (keys share
	 * slots), and a statement whose own block reservations committed a
	 * key sharing a slot with a key it writes later was told "changed
	 * since your snapshot" on every re-run (a livelock found with a
	 * 40k-row INSERT ... SELECT into a table with a unique index).
	 */
	ALX_KV_TXN_UNVERSIONED = 1 << 3,
};

/*
 * A deferred write (kv_txn.c): recorded in the batch, locked, not yet in
 * the engine. off: where its batch record starts, from pend_base (the
 * batch moves as it grows); the value's length is in the record. 16
 * bytes: the flush sorts in this array and the pending set's.
 */
struct alx_kv_pending {
	uint64_t h; /* alx_kv_lock_hash of the key */
	uint32_t off, klen;
};

/*
 * A slot of the pending set: idx1 a pend index + 1 (0: empty) and the
 * high half of its hash, so a probe passing other keys' slots need not
 * read their entries (each a cache miss in a big transaction).
 */
struct alx_kv_pend_slot {
	uint32_t tag, idx1;
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
	/* Row locks on every key written (kv_lock.h); how long a lock
	 * request may wait (NULL: not at all, 40001 at once). */
	struct alx_kv_lockowner lk;
	const struct alx_kv_wait *wait;
	uint64_t stmt_seq; /* READ COMMITTED: commit sequence at the snapshot */
	bool restart;	   /* READ COMMITTED: the statement must run again */
	/* savepoints */
	uint32_t nsavepoints;
	struct alx_kv_undo_entry *undo;
	size_t nundo, undo_cap;
	uint8_t *undo_buf;
	size_t undo_len, undo_buf_cap;
	/*
	 * Under a savepoint, a copy of the last get (key, then value unless
	 * absent), so the undo entry of an UPDATE's write needs no second
	 * lookup of the row it just read. Valid while batch.count is still
	 * memo_count: every write adds to the batch; statement snapshots and
	 * rollback_to drop it. memo_klen SIZE_MAX: none.
	 */
	uint8_t *memo;
	size_t memo_cap, memo_klen, memo_vlen;
	bool memo_absent;
	uint64_t memo_count;
	/*
	 * Deferred writes: inserts checked absent, and put_fresh keys, that
	 * are locked and in the batch but not yet written to the engine.
	 * They go to it as one run in key order (which a B-tree takes far
	 * faster than random order) before anything that could see or
	 * touch them: a cursor, a write or delete of such a key, a range
	 * delete, the commit; get answers them from the batch. pend is in
	 * batch order; pend_slots a hash set of its entries, whose used
	 * slots pend_ctrl marks (a byte each: a probe reads a table that
	 * stays in the cache). pend_lcp: how many leading bytes every
	 * pending key shares with the first one.
	 */
	struct alx_kv_pending *pend;
	size_t npend, pend_cap, pend_bytes;
	size_t pend_base; /* batch offset of pend[0]'s record */
	size_t pend_lcp;
	struct alx_kv_pend_slot *pend_slots;
	uint8_t *pend_ctrl;
	size_t pend_slots_cap;	   /* 0 or a power of two */
	alopex_mutation *pend_run; /* one put_sorted call's rows (kv_txn.c) */
	/*
	 * A key range (gap_lo, gap_hi) the engine held no key in, as the
	 * transaction saw it with every commit up to gap_seq (kv_txn.c,
	 * gap_learn): an insert there of a key no later commit wrote needs
	 * no engine lookup. Bounds NULL: unbounded. Dropped at the
	 * transaction's own next engine write.
	 */
	uint8_t *gap_lo, *gap_hi;
	size_t gap_lo_len, gap_hi_len, gap_lo_cap, gap_hi_cap;
	bool gap_valid;
	uint64_t gap_seq;
	uint32_t gap_learns, gap_hits;
	/*
	 * Gaps are learnt once this many writes are pending: a small
	 * transaction would pay the cursors for nothing. Tests set it to 0.
	 * (Writing a transaction's first keys at once instead would cost
	 * more: a random key already in a page's insert list takes the
	 * sorted run off WiredTiger's append path.)
	 */
	uint32_t gap_min;
	/* Bytes of pending writes that make them go to the engine at once
	 * (kv_txn.c, PEND_MAX_BYTES; tests lower it). */
	size_t pend_max;
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
 * NULL) gets the log position of a write transaction. Returns once the
 * commit is as durable as the engine's config makes it (not waited for
 * with ALX_KV_TXN_NOSYNC); row locks are freed as soon as the commit is
 * in the engine's log, before that wait, where the engine can split them.
 */
int alx_kv_txn_commit(struct alx_kv_txn *t, uint64_t *position,
		      alopex_diag *diag);
/*
 * Return once log position pos (from alx_kv_txn_commit) is as durable as
 * the engine's config makes commits: for ALX_KV_TXN_NOSYNC commits. 0 at
 * once where commits always waited themselves.
 */
int alx_kv_sync_to(alopex_db *db, uint64_t pos, alopex_diag *diag);
/* Closes the cursors, rolls back and frees. NULL is a no-op. */
void alx_kv_txn_rollback(struct alx_kv_txn *t);

/* ALOPEX_ENOTFOUND when absent; the value stays valid until the next call
 * on the transaction. */
int alx_kv_txn_get(struct alx_kv_txn *t, alopex_slice key, alopex_slice *val);
int alx_kv_txn_put(struct alx_kv_txn *t, alopex_slice key, alopex_slice val);
/*
 * As alx_kv_txn_put for a key the statement creates (a new row's key, a new
 * row's index entries): no READ COMMITTED "changed since the statement's
 * snapshot" check, which only protects read-modify-writes; a COPY could not
 * be re-run after a false alarm.
 */
int alx_kv_txn_put_fresh(struct alx_kv_txn *t, alopex_slice key,
			 alopex_slice val);
/* ALOPEX_ENOTFOUND when absent (nothing is recorded then). */
int alx_kv_txn_del(struct alx_kv_txn *t, alopex_slice key);
/*
 * Put key only if the transaction sees no value there: ALOPEX_EEXIST
 * (nothing written, the transaction stays usable) when it does. One engine
 * lookup when the engine has the insert op, else get then put. Without
 * READ COMMITTED, a key committed by another transaction after the
 * snapshot is ALOPEX_EEXIST too, as PostgreSQL's unique checks see it,
 * but the transaction is then doomed (the engine gave it up).
 */
int alx_kv_txn_insert(struct alx_kv_txn *t, alopex_slice key, alopex_slice val);
/*
 * A caller that knows the key before it has the value (SQL: the row's key,
 * then its encoding) asks for the key's bookkeeping early, so its cache
 * misses overlap that work: returns the key's hash, for
 * alx_kv_txn_insert_hashed (as alx_kv_txn_insert; h must come from this
 * call with the same key bytes).
 */
uint64_t alx_kv_txn_prefetch(struct alx_kv_txn *t, alopex_slice key);
int alx_kv_txn_insert_hashed(struct alx_kv_txn *t, alopex_slice key,
			     alopex_slice val, uint64_t h);

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

/*
 * READ COMMITTED: a new snapshot for the next statement (a no-op for
 * other transactions). Clears alx_kv_txn_must_restart.
 */
int alx_kv_txn_stmt_snapshot(struct alx_kv_txn *t);

/* Whether the transaction runs READ COMMITTED (the engine can). */
static inline int alx_kv_txn_read_committed(const struct alx_kv_txn *t)
{
	return (t->flags & ALX_KV_TXN_READ_COMMITTED) != 0;
}

/* After a failed write: the statement met a newer committed version. */
static inline bool alx_kv_txn_must_restart(const struct alx_kv_txn *t)
{
	return t->restart;
}

/* Whether the transaction wrote anything. */
static inline int alx_kv_txn_wrote(const struct alx_kv_txn *t)
{
	return t->batch.count > 0;
}

enum alx_kv_range_flags {
	/* Key by key even where the engine could delete the range whole. */
	ALX_KV_RANGE_KEYWISE = 1 << 0,
};

/*
 * Delete every key lower <= key < upper (both bounds given, lower < upper)
 * that the transaction sees. Where the engine has del_range and no
 * savepoint is open: one engine call and one ALOPEX_MUT_DELETE_RANGE
 * mutation, with no row locks and no READ COMMITTED version check. The
 * caller must then keep every other writer out of the range until this
 * transaction ends (SQL: the table's write gate held alone, or storage no
 * catalog names): the engine may keep a key another transaction writes
 * there meanwhile and lose it in crash recovery. Otherwise
 * (ALX_KV_RANGE_KEYWISE, a savepoint, an engine without the op) each key
 * is deleted as alx_kv_txn_del deletes it. Errors in the transaction's
 * diag; a failed engine range delete dooms the transaction.
 */
int alx_kv_txn_del_range(struct alx_kv_txn *t, alopex_slice lower,
			 alopex_slice upper, unsigned flags);
/*
 * READ COMMITTED: later reads see every commit up to now, as
 * alx_kv_txn_stmt_snapshot, but writes still check for versions newer
 * than the statement's first snapshot (what the statement decided on).
 * For a statement that waited for writers to finish and must see what
 * they wrote (TRUNCATE after the table's write gate). A no-op otherwise.
 */
int alx_kv_txn_refresh_view(struct alx_kv_txn *t);

#endif
