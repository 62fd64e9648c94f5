/*
 * The in-memory engine: shared declarations of its parts (mem_engine.c:
 * plugin, open/close, change log; mem_index.c: the skiplist, version chains
 * and garbage collection; mem_txn.c: transactions, point ops, cursors).
 *
 * MVCC: every key has a chain of versions, newest first. Committed versions
 * carry the commit sequence; a transaction's uncommitted writes sit at the
 * head of their chains, owned by it, so another writer sees them and fails
 * (first updater wins). One mutex guards everything; a second one orders
 * commits so on_commit sees positions in order.
 *
 * Built as a shared module: it reaches the core only through the host table.
 */
#ifndef ALX_MEM_INTERNAL_H
#define ALX_MEM_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "alopex_plugin.h"

#define ALX_MEM_MAX_LEVEL 24
#define ALX_MEM_COMPONENT "memory"

struct alx_mem_config {
	int64_t log_retain;
};

struct alx_mem_txn;
struct alx_mem_node;

struct alx_mem_version {
	struct alx_mem_version *older;
	/* Uncommitted: the owner's write list. Committed: the GC queue. */
	struct alx_mem_version *link;
	struct alx_mem_node *node;
	struct alx_mem_txn *owner; /* uncommitted writer, NULL once committed */
	uint64_t seq;		   /* commit sequence */
	int tombstone;
	size_t len;
	uint8_t *val; /* NULL when len is 0 */
};

struct alx_mem_node {
	struct alx_mem_version *head;
	struct alx_mem_node *prev; /* level 0, NULL for the first node */
	uint8_t *key;		   /* stored after next[level] */
	size_t klen;
	int level;
	struct alx_mem_node *next[];
};

struct alx_mem_logrec {
	size_t len;
	uint8_t *data;
};

struct alx_mem_cursor;

struct alx_mem_txn {
	struct alx_mem_engine *eng;
	struct alx_mem_txn *live_prev, *live_next; /* in begin order */
	uint64_t snap; /* sees commits with seq <= snap */
	unsigned flags;
	int failed;			/* rollback-only after this error */
	struct alx_mem_version *writes; /* own uncommitted versions */
	struct alx_mem_cursor *cursors;
	/* A range delete ran: a write even when it found no key. */
	int wrote_range;
};

struct alx_mem_engine {
	const struct alopex_host *host;
	const struct alx_mem_config *cfg;
	pthread_mutex_t mu;	   /* everything below */
	pthread_mutex_t commit_mu; /* orders write commits and on_commit */
	int opened;
	alopex_engine_commit_fn on_commit;
	void *on_commit_arg;

	struct alx_mem_node *head; /* skiplist sentinel */
	int level;
	uint64_t rng;
	size_t nodes;

	uint64_t seq; /* last commit sequence = last log position */
	struct alx_mem_txn *live_first, *live_last;
	size_t live_count;
	struct alx_mem_version *gc_first, *gc_last;

	/* Retained log records: a ring of positions log_first.. */
	struct alx_mem_logrec *log;
	size_t log_cap, log_head, log_count;
	uint64_t log_first;
};

/* mem_engine.c */
void *alx_mem_alloc(const struct alx_mem_engine *eng, size_t size);
void alx_mem_free(const struct alx_mem_engine *eng, void *ptr);
int alx_mem_nomem(const struct alx_mem_engine *eng, alopex_diag *diag);
/* Under mu: room for one more record (before a commit is stamped). */
int alx_mem_log_reserve(struct alx_mem_engine *eng);
/* Under mu: keep `data` (adopted; NULL when nothing is retained). */
void alx_mem_log_append(struct alx_mem_engine *eng, uint8_t *data, size_t len);

/* mem_index.c */
int alx_mem_key_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
		    size_t blen);
int alx_mem_index_create(struct alx_mem_engine *eng);
/* Free every node and version and the sentinel. */
void alx_mem_index_destroy(struct alx_mem_engine *eng);
/* The node holding key, or NULL. */
struct alx_mem_node *alx_mem_index_find(struct alx_mem_engine *eng,
					const uint8_t *key, size_t klen);
/* The first node with key >= k (k NULL: the first node), or NULL. */
struct alx_mem_node *alx_mem_index_ge(struct alx_mem_engine *eng,
				      const uint8_t *key, size_t klen);
/* The last node with key < k (k NULL: the last node), or NULL. */
struct alx_mem_node *alx_mem_index_lt(struct alx_mem_engine *eng,
				      const uint8_t *key, size_t klen);
/* Insert a node for a key known to be absent; NULL when out of memory. */
struct alx_mem_node *alx_mem_index_insert(struct alx_mem_engine *eng,
					  const uint8_t *key, size_t klen);
/* Unlink and free a node whose chain is empty. */
void alx_mem_index_remove(struct alx_mem_engine *eng,
			  struct alx_mem_node *node);
void alx_mem_version_free(const struct alx_mem_engine *eng,
			  struct alx_mem_version *v);
/* The version txn sees at node (maybe a tombstone), or NULL. */
struct alx_mem_version *alx_mem_visible(const struct alx_mem_node *node,
					const struct alx_mem_txn *txn);
/* Free versions no live transaction can see any more. */
void alx_mem_gc(struct alx_mem_engine *eng);

/* mem_txn.c */
int alx_mem_txn_snapshot(void *txn, alopex_diag *diag);
int alx_mem_txn_begin(void *instance, unsigned flags, void **txn,
		      alopex_diag *diag);
int alx_mem_txn_commit(void *txn, alopex_slice log_record, uint64_t *position,
		       alopex_diag *diag);
void alx_mem_txn_rollback(void *txn);
int alx_mem_get(void *txn, alopex_slice key, alopex_slice *value,
		alopex_diag *diag);
int alx_mem_put(void *txn, alopex_slice key, alopex_slice value,
		alopex_diag *diag);
int alx_mem_del(void *txn, alopex_slice key, alopex_diag *diag);
int alx_mem_insert(void *txn, alopex_slice key, alopex_slice value,
		   alopex_diag *diag);
int alx_mem_del_range(void *txn, alopex_slice lower, alopex_slice upper,
		      alopex_diag *diag);
int alx_mem_cursor_open(void *txn, alopex_slice lower, alopex_slice upper,
			unsigned flags, void **cursor, alopex_diag *diag);
int alx_mem_cursor_next(void *cursor, alopex_slice *key, alopex_slice *value,
			alopex_diag *diag);
void alx_mem_cursor_close(void *cursor);

/* The plugin entry points (ALOPEX_PLUGIN_DEFINE defines them). */
const struct alopex_plugin *alopex_plugin_entry_memory(void);
#ifdef ALOPEX_PLUGIN_SHARED
ALOPEX_PLUGIN_EXPORT const struct alopex_plugin *alopex_plugin_entry(void);
#endif

#endif
