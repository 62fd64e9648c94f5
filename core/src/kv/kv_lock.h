/*
 * Row locks: one table per database. A transaction locks every key before
 * it writes it and holds the lock until it commits or rolls back, so a
 * second writer of the key waits for the first to finish (PostgreSQL's
 * tuple locks) instead of failing at once. Waits end at the deadline
 * (lock_timeout, statement_timeout), on cancel, or at once when waiting
 * would close a cycle (40P01 "deadlock detected").
 *
 * Keys are locked by a 64-bit hash: two keys with one hash share a lock,
 * which costs a needless wait, never a missed one.
 *
 * Solo mode: an owner that takes its first lock while no other owner holds
 * any keeps its locks in its own list only, with no probe of the shared
 * table (a bulk load's 100k inserts missed the cache on every one). The
 * next owner to take a first lock publishes the solo owner's list into the
 * table before it looks there, so nobody can miss a lock.
 *
 * The table also remembers, per hash slot of a fixed-size array, the
 * commit sequence of the last transaction that wrote a key there. A READ
 * COMMITTED statement whose snapshot is older than that number must not
 * apply its change on top of a version it did not see (kv_txn.c restarts
 * it); a collision makes the check answer "changed" for an unchanged key,
 * which only costs a restart.
 */
#ifndef ALX_KV_LOCK_H
#define ALX_KV_LOCK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alopex.h"
#include "alopex_plugin.h"

struct alx_runtime;
struct alx_kv_locks;

/* How long a lock request may wait. */
struct alx_kv_wait {
	bool nowait; /* conflict: ALOPEX_ECONFLICT (40001) at once */
	int64_t lock_deadline_us; /* CLOCK_MONOTONIC; 0: none (55P03) */
	int64_t stmt_deadline_us; /* CLOCK_MONOTONIC; 0: none (57014) */
	atomic_int *cancel;	  /* non-zero: stop (57014); NULL: none */
	/* Conflict: ALOPEX_EBUSY "55P03" at once and the owner's would_block
	 * set, for a statement run where it must not wait (an event loop);
	 * it is undone and run again where it may. */
	bool noblock;
	/* Called before a request may wait (NULL: none): SQL fixes the
	 * statement's timestamp, read lazily, to before the wait. */
	void (*before_wait)(void *arg);
	void *before_wait_arg;
};

/* One transaction's locks (embedded in it). */
struct alx_kv_lockowner {
	struct alx_kv_locks *locks;
	uint64_t *held; /* hashes, each once */
	size_t nheld, cap;
	/* Under the table's wait mutex: whom o waits for, and the list of
	 * waiting owners. */
	struct alx_kv_lockowner *waits_for;
	struct alx_kv_lockowner *wnext, *wprev;
	/* The last acquire waited for a transaction that committed. */
	bool waited_commit;
	/* An acquire refused to wait (alx_kv_wait.noblock); sticky until
	 * the owner's user clears it. */
	bool would_block;
	/* Signalled (under the wait mutex) when the owner o waits for
	 * releases its locks; initialised at o's first wait. */
	bool cv_ready;
	pthread_cond_t cv;
	/* Wakeups by a signal rather than a timeout, over o's life: a
	 * release that is not of o's holder must not add to it. */
	uint32_t nwoken;
	/* Named in a deadlock's DETAIL as PostgreSQL names backends and
	 * transactions: pid is the owner's session (set by it; 0: none),
	 * xid is handed out per owner by the table. */
	uint32_t pid;
	uint64_t xid;
	/* Under the table's gate mutex: o counts among the owners holding
	 * locks; o's locks are in held only (solo mode). */
	bool registered;
	/* Also read by o without the mutex, as a hint rechecked under it. */
	atomic_bool solo;
};

int alx_kv_locks_create(struct alx_runtime *rt, struct alx_kv_locks **out);
/* NULL-safe. Every owner must have released first. */
void alx_kv_locks_destroy(struct alx_kv_locks *l);

uint64_t alx_kv_lock_hash(alopex_slice key);

void alx_kv_lockowner_init(struct alx_kv_lockowner *o, struct alx_kv_locks *l);

/*
 * Lock hash h for o (a no-op when o holds it). When another owner holds it:
 * ALOPEX_ECONFLICT "40001" at once with w->nowait (or w NULL); else wait
 * until it is free, or with w->noblock return ALOPEX_EBUSY "55P03" and set
 * o->would_block. Errors, in diag: ALOPEX_ECONFLICT "40P01" deadlock,
 * ALOPEX_ESQL "55P03" lock timeout, ALOPEX_ESQL "57014" statement timeout
 * or cancel, ALOPEX_ENOMEM. Nothing is held for h on error.
 */
int alx_kv_lock(struct alx_kv_lockowner *o, uint64_t h,
		const struct alx_kv_wait *w, alopex_diag *diag);

/*
 * Release every lock of o and wake the waiters. commit_seq (from
 * alx_kv_locks_next_seq, after the engine committed) is recorded for each
 * hash first; 0 after a rollback. o can be used again afterwards.
 */
void alx_kv_unlock_all(struct alx_kv_lockowner *o, uint64_t commit_seq);
/* Frees o's memory (after alx_kv_unlock_all). NULL-safe. */
void alx_kv_lockowner_fini(struct alx_kv_lockowner *o);

/* The last commit sequence handed out; read it before taking a snapshot. */
uint64_t alx_kv_locks_seq(struct alx_kv_locks *l);
/* A new commit sequence, for a write transaction that just committed. */
uint64_t alx_kv_locks_next_seq(struct alx_kv_locks *l);
/* The newest commit sequence recorded for h's slot (0: none). */
uint64_t alx_kv_locks_version(struct alx_kv_locks *l, uint64_t h);
/*
 * alx_kv_locks_version(l, h) > seq, without touching the version table
 * while no commit was numbered after seq (a lone writer's bulk load).
 */
bool alx_kv_locks_newer(struct alx_kv_locks *l, uint64_t h, uint64_t seq);
/*
 * Ask the cache for h's slot in the lock table ahead of alx_kv_lock: a
 * big transaction's table outgrows the cache and every new key's probe
 * was a miss.
 */
void alx_kv_locks_prefetch(struct alx_kv_locks *l, uint64_t h);

#endif
