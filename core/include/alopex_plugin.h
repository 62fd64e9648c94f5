/*
 * alopex_plugin.h - the plugin SDK.
 *
 * A plugin is one descriptor (struct alopex_plugin) returned by an entry
 * function, one config schema and a kind-specific ops table. Shared objects
 * export ALOPEX_PLUGIN_ENTRY_SYMBOL; static builds register the same
 * descriptor through alopex_plugin_entry_<name>, so one source serves shared,
 * static and WASM builds (see ALOPEX_PLUGIN_DEFINE).
 *
 * Rules of the ABI (as SQLite's sqlite3_vfs and dqlite's size-prefixed
 * structs):
 *  - every struct that crosses the boundary starts with its own size as the
 *    plugin (or host) was compiled; fields are only ever appended;
 *  - a major version change breaks compatibility, a minor adds fields;
 *  - plugins reach the core only through struct alopex_host, never by
 *    linking core symbols; the host table only grows.
 * Optional callbacks are marked "may be NULL".
 */
#ifndef ALOPEX_PLUGIN_H
#define ALOPEX_PLUGIN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "alopex.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ALOPEX_PLUGIN_ABI_MAJOR 1
#define ALOPEX_PLUGIN_ABI_MINOR 0
#define ALOPEX_PLUGIN_ENTRY_SYMBOL "alopex_plugin_entry"

/* Bytes as a slice; never assume a NUL. */
typedef struct alopex_slice {
	const uint8_t *ptr;
	size_t len;
} alopex_slice;

enum alopex_plugin_kind {
	ALOPEX_PLUGIN_ENGINE = 1,
	ALOPEX_PLUGIN_PROTOCOL = 2,
	ALOPEX_PLUGIN_INDEX = 3,
	ALOPEX_PLUGIN_REPLICATION = 4,
	ALOPEX_PLUGIN_SHARDING = 5,
	ALOPEX_PLUGIN_SCRIPT = 6,
};
#define ALOPEX_PLUGIN_KIND_MAX ALOPEX_PLUGIN_SCRIPT

/* ---- config schema ---------------------------------------------------- */

enum alopex_cfg_type {
	ALOPEX_CFG_BOOL = 1,	 /* bool; true/false (also yes/no, on/off) */
	ALOPEX_CFG_INT = 2,	 /* int64_t, within [min, max] */
	ALOPEX_CFG_SIZE = 3,	 /* uint64_t bytes: 64MB, 1GiB, 4096 */
	ALOPEX_CFG_DURATION = 4, /* uint64_t milliseconds: 10ms, 2s, 1m */
	ALOPEX_CFG_DOUBLE = 5,	 /* double, within [min, max] */
	ALOPEX_CFG_STRING = 6,	 /* char *, owned by the config */
	ALOPEX_CFG_ENUM = 7,	 /* int: index into choices */
	ALOPEX_CFG_STRLIST = 8,	 /* struct alopex_strlist */
};

enum alopex_cfg_flags {
	ALOPEX_CFG_REQUIRED = 1 << 0,	/* no default: must be given */
	ALOPEX_CFG_RELOADABLE = 1 << 1, /* may change on reload */
	ALOPEX_CFG_SECRET = 1 << 2,	/* never printed */
};

struct alopex_strlist {
	size_t count;
	char **items;
};

/*
 * One field of a schema: where the parsed value goes (offset into the
 * plugin's config struct), its default as YAML text (parsed like a value in
 * the file), its bounds or choices, flags and a one-line doc.
 */
struct alopex_cfg_field {
	const char *key;
	int type;		   /* enum alopex_cfg_type */
	size_t offset;		   /* offsetof(struct my_config, field) */
	const char *default_value; /* NULL: none (REQUIRED or empty) */
	double min, max; /* INT, SIZE, DURATION, DOUBLE; min > max: unbounded */
	const char *const *choices; /* ENUM: NULL-terminated */
	unsigned flags;		    /* enum alopex_cfg_flags */
	const char *doc;
};

struct alopex_cfg_schema {
	uint32_t size;	    /* sizeof(struct alopex_cfg_schema) */
	size_t config_size; /* sizeof the plugin's config struct */
	size_t field_count;
	const struct alopex_cfg_field *fields;
	const char *doc; /* one line about the section */
};

/* ---- diagnostics ------------------------------------------------------ */

/* Fill a diag (may be NULL) with code, SQLSTATE (may be NULL) and message. */
typedef int (*alopex_diag_set_fn)(alopex_diag *diag, int code,
				  const char *sqlstate, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- host services ---------------------------------------------------- */

typedef struct alopex_timer alopex_timer;
struct alopex_vector_kernels;
typedef void (*alopex_timer_fn)(void *arg);
/* One mutation of a decoded commit record (host->log_record_apply). */
typedef int (*alopex_mutation_fn)(void *arg, const alopex_mutation *m,
				  alopex_diag *diag);

/*
 * What the core offers a plugin. Handed to init; valid until fini returns.
 * Append-only: check host->size before using a field added after 1.0.
 */
struct alopex_host {
	uint32_t size;
	uint16_t abi_major, abi_minor;
	void *ctx; /* pass back as the first argument */

	void *(*alloc)(void *ctx, size_t size);
	void *(*realloc)(void *ctx, void *ptr, size_t size);
	void (*free)(void *ctx, void *ptr);

	void (*log)(void *ctx, int level, const char *component,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
	void (*vlog)(void *ctx, int level, const char *component,
		     const char *fmt, va_list ap);

	/*
	 * Run fn(arg) every interval_ms on the runtime's timer thread until
	 * cancelled. timer_cancel waits for a running callback to finish;
	 * called from inside that timer's own callback it does not wait:
	 * the timer never runs again and is freed when the callback returns.
	 */
	int (*timer_add)(void *ctx, uint64_t interval_ms, alopex_timer_fn fn,
			 void *arg, alopex_timer **out);
	void (*timer_cancel)(void *ctx, alopex_timer *timer);

	/* A registered plugin of that kind and name, or NULL. */
	const struct alopex_plugin *(*lookup)(void *ctx, int kind,
					      const char *name);

	alopex_diag_set_fn diag_set;

	/*
	 * Appended for vector indexes (check size before use): the distance
	 * kernels chosen for this CPU when the runtime was made.
	 */
	const struct alopex_vector_kernels *vector_kernels;

	/*
	 * Appended for engines whose data is recovered from the change log
	 * (check size before use): decode one commit record (the log_record
	 * an engine was given at txn_commit) and call fn once per mutation,
	 * in order; an empty record has none. fn's non-zero return stops the
	 * walk and is returned. A damaged record is ALOPEX_ECORRUPT with a
	 * message, before fn sees any of its mutations.
	 */
	int (*log_record_apply)(void *ctx, alopex_slice record,
				alopex_mutation_fn fn, void *arg,
				alopex_diag *diag);
};

/* ---- descriptor ------------------------------------------------------- */

struct alopex_plugin {
	uint32_t size; /* sizeof(struct alopex_plugin) as compiled */
	uint16_t abi_major, abi_minor;
	uint32_t kind;	     /* enum alopex_plugin_kind */
	const char *name;    /* [a-z0-9_]+, unique among loaded plugins */
	const char *version; /* the plugin's own version */
	const char *description;
	const struct alopex_cfg_schema *config; /* may be NULL: no config */

	/*
	 * Create an instance. `config` points to a struct of
	 * config->config_size bytes filled from YAML and defaults (NULL when
	 * the plugin has no schema); it stays valid until fini.
	 */
	int (*init)(const struct alopex_host *host, const void *config,
		    void **instance, alopex_diag *diag);
	void (*fini)(void *instance); /* accepts NULL */

	/* Kind-specific ops: starts with uint32_t size, uint64_t caps. */
	const void *ops;
};

typedef const struct alopex_plugin *(*alopex_plugin_entry_fn)(void);

#if defined(__GNUC__)
#define ALOPEX_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define ALOPEX_PLUGIN_EXPORT
#endif

/*
 * ALOPEX_PLUGIN_DEFINE(name, descriptor) in exactly one file of a plugin.
 * The build defines ALOPEX_PLUGIN_SHARED when the plugin is its own shared
 * object, which then also exports the generic entry symbol.
 */
#ifdef ALOPEX_PLUGIN_SHARED
#define ALOPEX_PLUGIN_DEFINE(name, desc)                                      \
	const struct alopex_plugin *alopex_plugin_entry_##name(void);         \
	ALOPEX_PLUGIN_EXPORT const struct alopex_plugin *alopex_plugin_entry( \
		void);                                                        \
	const struct alopex_plugin *alopex_plugin_entry_##name(void)          \
	{                                                                     \
		return &(desc);                                               \
	}                                                                     \
	ALOPEX_PLUGIN_EXPORT const struct alopex_plugin *alopex_plugin_entry( \
		void)                                                         \
	{                                                                     \
		return &(desc);                                               \
	}
#else
#define ALOPEX_PLUGIN_DEFINE(name, desc)                              \
	const struct alopex_plugin *alopex_plugin_entry_##name(void); \
	const struct alopex_plugin *alopex_plugin_entry_##name(void)  \
	{                                                             \
		return &(desc);                                       \
	}
#endif

/* ---- engine kind ------------------------------------------------------ */

/*
 * A storage engine: one ordered key space of byte keys (memcmp order, a
 * prefix sorts first), transactions with snapshot isolation, and a change
 * log of committed batches. The engine knows nothing of SQL; the core puts
 * its key spaces (SQL tables, catalog, plain KV) under one prefix encoding.
 */
enum alopex_engine_caps {
	ALOPEX_ENGINE_DURABLE = 1 << 0,	 /* survives a crash and restart */
	ALOPEX_ENGINE_SNAPSHOT = 1 << 1, /* snapshot isolation */
	ALOPEX_ENGINE_LOG = 1 << 2,	 /* retains committed batches */
	ALOPEX_ENGINE_READONLY = 1 << 3, /* cannot write (snapshot viewer) */
	ALOPEX_ENGINE_INSERT = 1 << 4,	 /* has the insert op (below) */
	/* has txn_snapshot and ALOPEX_TXN_READ_COMMITTED (below) */
	ALOPEX_ENGINE_STMT_SNAPSHOT = 1 << 5,
	/* has txn_commit_nosync and sync_to (below) */
	ALOPEX_ENGINE_SYNC_SPLIT = 1 << 6,
	ALOPEX_ENGINE_DEL_RANGE = 1 << 7, /* has del_range (below) */
	/* has sync_visible (below) */
	ALOPEX_ENGINE_SYNC_VISIBLE = 1 << 8,
	ALOPEX_ENGINE_PUT_SORTED = 1 << 9, /* has put_sorted (below) */
};

enum alopex_txn_flags {
	ALOPEX_TXN_READONLY = 1 << 0,
	/*
	 * With ALOPEX_ENGINE_STMT_SNAPSHOT: reads see the snapshot of the last
	 * txn_snapshot call (or of the first read) instead of one taken at
	 * begin. The core locks every key before writing it (kv_lock.h) and
	 * checks for versions newer than the statement's snapshot itself, so
	 * the engine need not detect write-write conflicts for these
	 * transactions.
	 */
	ALOPEX_TXN_READ_COMMITTED = 1 << 1,
};

enum alopex_cursor_flags {
	ALOPEX_CURSOR_REVERSE = 1 << 0,
};

/*
 * Called by the engine for every committed write transaction, in position
 * order (the engine serialises commits around this call), after the
 * transaction is committed and before the commit returns. `record` is the
 * opaque log record the core passed to txn_commit.
 */
typedef void (*alopex_engine_commit_fn)(void *arg, uint64_t position,
					alopex_slice record);
/* Log replay: return non-zero to stop (that value is returned). */
typedef int (*alopex_engine_log_fn)(void *arg, uint64_t position,
				    alopex_slice record);

struct alopex_engine_env {
	uint32_t size;
	const char *dir; /* the engine's own directory; exists */
	int create;	 /* 1: a new data directory */
	alopex_engine_commit_fn on_commit;
	void *on_commit_arg;
};

struct alopex_engine_ops {
	uint32_t size;
	uint64_t caps; /* enum alopex_engine_caps */

	/*
	 * Open the store for the instance. Errors: ALOPEX_ECORRUPT for data
	 * that is damaged or not the engine's, ALOPEX_EBUSY when in use,
	 * ALOPEX_EIO otherwise.
	 */
	int (*open)(void *instance, const struct alopex_engine_env *env,
		    alopex_diag *diag);
	/* Flush and close. Open transactions must be finished first. */
	int (*close)(void *instance, alopex_diag *diag);

	/* Transactions may run concurrently, each on one thread. */
	int (*txn_begin)(void *instance, unsigned flags, void **txn,
			 alopex_diag *diag);
	/*
	 * Commit. For a transaction that wrote, `log_record` (non-empty) is
	 * stored with it atomically under the next position, which is written
	 * to *position; on_commit is then called. A read-only transaction
	 * gets an empty record and *position is left alone. The transaction
	 * is freed whatever the result; on error nothing was committed.
	 * Durability follows the engine's config. The record lists the
	 * transaction's mutations (host->log_record_apply decodes it), so
	 * an engine may recover its data by replaying records.
	 */
	int (*txn_commit)(void *txn, alopex_slice log_record,
			  uint64_t *position, alopex_diag *diag);
	void (*txn_rollback)(void *txn); /* frees the transaction */

	/*
	 * Point ops. get: ALOPEX_ENOTFOUND when absent; the value stays
	 * valid until the next call on the transaction. Write conflicts
	 * return ALOPEX_ECONFLICT and leave the transaction usable only for
	 * rollback.
	 */
	int (*get)(void *txn, alopex_slice key, alopex_slice *value,
		   alopex_diag *diag);
	int (*put)(void *txn, alopex_slice key, alopex_slice value,
		   alopex_diag *diag);
	/* ALOPEX_ENOTFOUND when absent. */
	int (*del)(void *txn, alopex_slice key, alopex_diag *diag);

	/*
	 * Range cursor over lower <= key < upper (an empty slice with a NULL
	 * ptr is unbounded), forward or reverse; sees the transaction's own
	 * writes. next: ALOPEX_ROW with key/value valid until the next call
	 * on the cursor or its transaction, ALOPEX_DONE, or an error.
	 */
	int (*cursor_open)(void *txn, alopex_slice lower, alopex_slice upper,
			   unsigned flags, void **cursor, alopex_diag *diag);
	int (*cursor_next)(void *cursor, alopex_slice *key, alopex_slice *value,
			   alopex_diag *diag);
	void (*cursor_close)(void *cursor);

	/*
	 * Replay retained log records with position > after, in order.
	 * ALOPEX_ENOTFOUND when the record at after + 1 is no longer retained
	 * (and after is below the last position).
	 */
	int (*log_read)(void *instance, uint64_t after, alopex_engine_log_fn fn,
			void *arg, alopex_diag *diag);
	/* Position of the last committed record (0: none). */
	uint64_t (*log_position)(void *instance);

	/*
	 * Appended (ABI 1.0 engines may stop before it): present when size
	 * covers it and caps has ALOPEX_ENGINE_INSERT. Write key only if the
	 * transaction sees no value there, in one lookup: ALOPEX_EEXIST
	 * (transaction still usable, nothing written) when it does. Otherwise
	 * as put; callers without it use get then put.
	 */
	int (*insert)(void *txn, alopex_slice key, alopex_slice value,
		      alopex_diag *diag);

	/*
	 * Appended: present when size covers it and caps has
	 * ALOPEX_ENGINE_STMT_SNAPSHOT. For a READ_COMMITTED transaction: later
	 * reads see every transaction committed before this call, and the
	 * transaction's own writes (READ COMMITTED's statement snapshot).
	 * What cursors still open see afterwards is the engine's choice.
	 */
	int (*txn_snapshot)(void *txn, alopex_diag *diag);

	/*
	 * Appended: present when size covers them and caps has
	 * ALOPEX_ENGINE_SYNC_SPLIT. txn_commit_nosync is txn_commit (same
	 * results, positions and on_commit) except that it may return before
	 * the commit is durable; sync_to returns once every position up to
	 * `position` is as durable as txn_commit would have left it
	 * (ALOPEX_EIO when syncing failed: the commit stands, undurable).
	 * The core frees a writer's row locks between the two: a transaction
	 * that then writes those rows commits later in the log, so it cannot
	 * be durable first, and nobody is told of success before sync_to.
	 */
	int (*txn_commit_nosync)(void *txn, alopex_slice log_record,
				 uint64_t *position, alopex_diag *diag);
	int (*sync_to)(void *instance, uint64_t position, alopex_diag *diag);

	/*
	 * Appended: present when size covers it and caps has
	 * ALOPEX_ENGINE_DEL_RANGE. Delete every key lower <= key < upper
	 * (an empty slice with a NULL ptr is unbounded) that the transaction
	 * sees, inside the transaction and atomically with it: its commit
	 * removes them all, its rollback none. Keys absent are no error; a
	 * successful call counts as a write (the commit gets a position)
	 * even when the range was empty. It need not cost O(keys): an engine
	 * may drop whole pages. Keys other transactions write in the range
	 * while this one runs are the caller's business (the core keeps them
	 * out): an engine may conflict on them, keep them, or, after a crash,
	 * lose them. Errors leave the transaction usable only for rollback.
	 * Without the op the core deletes key by key.
	 */
	int (*del_range)(void *txn, alopex_slice lower, alopex_slice upper,
			 alopex_diag *diag);

	/*
	 * Appended: present when size covers it and caps has
	 * ALOPEX_ENGINE_SYNC_VISIBLE. A commit is visible to readers before
	 * it is durable (txn_commit syncs after committing; sync_to later).
	 * Return once every commit a transaction could have seen (one made
	 * visible before the call) is as durable as txn_commit leaves it
	 * (ALOPEX_EIO when syncing failed). The core calls it before a
	 * transaction that wrote nothing reports success, so nobody is told
	 * of data that a crash then loses. It must cost next to nothing when
	 * nothing is pending: every read-only transaction calls it.
	 */
	int (*sync_visible)(void *instance, alopex_diag *diag);

	/*
	 * Appended: present when size covers it and caps has
	 * ALOPEX_ENGINE_PUT_SORTED. Put n keys (every op ALOPEX_MUT_PUT) in
	 * strictly ascending key order, as n put calls would: the core's
	 * deferred writes of a transaction as one run, which a B-tree takes
	 * far faster than keys in random order. Keys out of order may be
	 * refused (ALOPEX_EINVAL). Errors leave the transaction usable only
	 * for rollback. Without the op the core calls put per key.
	 */
	int (*put_sorted)(void *txn, const alopex_mutation *muts, size_t n,
			  alopex_diag *diag);
};

/* ---- vector kernels --------------------------------------------------- */

/*
 * Distance kernels over float4 vectors, picked once for the CPU when the
 * runtime is created (AVX-512F, AVX2+FMA, SSE2, NEON or scalar) and handed
 * to plugins as host->vector_kernels. Any length (0 included), any
 * alignment. Sums are float with several accumulators, so results differ
 * from a double-precision sum by a small relative error (tests allow
 * 1e-5 of the sum of |terms| up to 4,100 elements).
 */
struct alopex_vector_kernels {
	uint32_t size;
	const char *name; /* "avx512f", "avx2+fma", "sse2", "neon", "scalar" */
	/* sum (a[i] - b[i])^2 */
	float (*l2sq)(const float *a, const float *b, size_t n);
	/* sum a[i] * b[i] */
	float (*dot)(const float *a, const float *b, size_t n);
	/* out[0] = a.b, out[1] = a.a, out[2] = b.b in one pass (cosine). */
	void (*cosine_parts)(const float *a, const float *b, size_t n,
			     float out[3]);
	/* a.a summed in double (pgvector's vector_norm does). */
	double (*norm_sq)(const float *a, size_t n);
};

/* ---- index kind ------------------------------------------------------- */

/*
 * A vector index (hnsw, flat): an object per CREATE INDEX, made by the
 * plugin instance's ops->create or ops->open. Capabilities are data, as
 * PostgreSQL's IndexAmRoutine; the planner reads them rather than the name.
 *
 * Ids are the caller's 64-bit row labels. Distances are what SQL shows:
 * L2 the Euclidean distance (<->), COSINE 1 - cos (<=>), IP the negative
 * inner product (<#>); smaller is closer for all three.
 *
 * Persistence: every write op gets a struct alopex_index_kv, a view of the
 * index's own key range inside the caller's transaction, so the index
 * records commit or roll back with the row. The in-memory structure is
 * shared by all transactions and may run ahead of a transaction that later
 * rolls back: the caller then calls forget (insert) or restore (remove),
 * and must re-check that a returned id is visible to it (a filter callback
 * that checks visibility keeps the result count at k). kv may be NULL: the
 * change is made in memory only (an index that is not persisted).
 * Indexes with ALOPEX_INDEX_ROW_KEYED write only per-id records there;
 * what they share between rows is saved by ops->checkpoint in a
 * transaction of its own.
 */
enum alopex_vector_metric {
	ALOPEX_METRIC_L2 = 1,	  /* <->, vector_l2_ops */
	ALOPEX_METRIC_COSINE = 2, /* <=>, vector_cosine_ops */
	ALOPEX_METRIC_IP = 3,	  /* <#>, vector_ip_ops */
};
#define ALOPEX_METRIC_BIT(m) (1u << (m))

enum alopex_index_caps {
	ALOPEX_INDEX_ORDERED = 1 << 0, /* results by ascending distance */
	/* search takes a filter and still returns k when k matching ids
	 * exist (the filter is applied inside the traversal) */
	ALOPEX_INDEX_FILTER = 1 << 1,
	ALOPEX_INDEX_EXACT = 1 << 2,	  /* results equal an exact scan */
	ALOPEX_INDEX_PERSISTENT = 1 << 3, /* open loads its KV records */
	/* search may run on many threads alongside insert/remove */
	ALOPEX_INDEX_CONCURRENT = 1 << 4,
	ALOPEX_INDEX_VACUUM = 1 << 5, /* vacuum reclaims tombstones */
	/*
	 * insert and remove write only records keyed by the id (nothing
	 * shared between rows), so transactions that change different ids
	 * never conflict on index records: writers need no serialising.
	 * State shared between rows, if any, is saved by ops->checkpoint.
	 */
	ALOPEX_INDEX_ROW_KEYED = 1 << 6,
	/* search honours ALOPEX_INDEX_QUERY_INCLUDE_REMOVED */
	ALOPEX_INDEX_SNAPSHOTS = 1 << 7,
};

/* struct alopex_index_query.flags */
enum alopex_index_query_flags {
	/*
	 * Also offer removed ids that vacuum has not reclaimed to the filter
	 * (and return them when it accepts): for a snapshot older than the
	 * removing transaction's commit, whose filter checks visibility. An
	 * id removed and inserted again may then come twice, once per
	 * vector; a result's distance is to the vector the index holds, so
	 * such a caller recomputes it from the row version it sees.
	 */
	ALOPEX_INDEX_QUERY_INCLUDE_REMOVED = 1 << 0,
};

typedef int (*alopex_index_kv_row_fn)(void *arg, alopex_slice key,
				      alopex_slice value);

/*
 * The index's key range in one transaction. Keys are relative: the host
 * puts the index prefix (space, table id, index id) in front. get:
 * ALOPEX_ENOTFOUND when absent, the value valid until the next call. scan
 * calls fn for lower <= key < upper (an empty slice is unbounded) in key
 * order; a non-zero return from fn stops the scan and is returned.
 */
struct alopex_index_kv {
	uint32_t size;
	void *ctx;
	int (*get)(void *ctx, alopex_slice key, alopex_slice *value);
	int (*put)(void *ctx, alopex_slice key, alopex_slice value);
	int (*del)(void *ctx, alopex_slice key);
	int (*scan)(void *ctx, alopex_slice lower, alopex_slice upper,
		    alopex_index_kv_row_fn fn, void *arg);
};

/* What CREATE INDEX fixes for the life of the index. */
struct alopex_index_params {
	uint32_t size;
	uint32_t dim;
	uint32_t metric; /* enum alopex_vector_metric */
	/* ops->build_options->config_size bytes (WITH (...) applied to the
	 * schema's defaults); NULL: the defaults. The index stores them. */
	const void *options;
};

/* Non-zero: the id may be returned. Called under the index's read lock:
 * it must not call back into the index. */
typedef int (*alopex_index_filter_fn)(void *arg, uint64_t id);
typedef void (*alopex_index_progress_fn)(void *arg, uint64_t done,
					 uint64_t total);
/* Build input: ALOPEX_ROW with *id and *vec (valid until the next call),
 * ALOPEX_DONE at the end, or an error. */
typedef int (*alopex_index_source_fn)(void *arg, uint64_t *id,
				      const float **vec);

struct alopex_index_query {
	uint32_t size;
	const float *vec; /* dim floats */
	uint32_t k;
	/* Per-query effort (hnsw.ef_search); 0: the query_options default.
	 * Indexes raise it to at least k. */
	uint32_t ef;
	alopex_index_filter_fn filter; /* may be NULL */
	void *filter_arg;
	/* Appended (read only when size covers it): enum
	 * alopex_index_query_flags. */
	uint32_t flags;
};

struct alopex_index_result {
	uint64_t id;
	float distance;
};

struct alopex_index_stats {
	uint32_t size;
	uint32_t dim, metric;
	uint32_t levels;       /* graph levels; 0 for a flat index */
	uint64_t count;	       /* live vectors */
	uint64_t deleted;      /* tombstones not yet reclaimed */
	uint64_t memory_bytes; /* held by the in-memory structure */
	/* Appended (filled when size covers them). */
	uint64_t unsaved;    /* nodes changed since the last checkpoint */
	uint64_t reinserted; /* nodes open re-inserted (not checkpointed) */
};

struct alopex_index_ops {
	uint32_t size;
	uint64_t caps;	  /* enum alopex_index_caps */
	uint32_t metrics; /* ALOPEX_METRIC_BIT of each supported metric */
	/* Build-time options (WITH (m = 16, ...)), stored with the index;
	 * may be NULL. */
	const struct alopex_cfg_schema *build_options;
	/* Per-query settings (SET <plugin>.ef_search); may be NULL. */
	const struct alopex_cfg_schema *query_options;

	/* A new, empty index; writes its metadata through kv. */
	int (*create)(void *instance, const struct alopex_index_params *params,
		      const struct alopex_index_kv *kv, void **index,
		      alopex_diag *diag);
	/* Load an index from its KV records (ALOPEX_ENOTFOUND: none). */
	int (*open)(void *instance, const struct alopex_index_kv *kv,
		    void **index, alopex_diag *diag);
	void (*close)(void *index); /* NULL-safe; the records stay */

	/* ALOPEX_EEXIST when id is live; ALOPEX_EINVAL for a vector the
	 * metric cannot index (cosine of a zero vector). */
	int (*insert)(void *index, const struct alopex_index_kv *kv,
		      uint64_t id, const float *vec, alopex_diag *diag);
	/* Tombstone: never returned again. ALOPEX_ENOTFOUND when absent. */
	int (*remove)(void *index, const struct alopex_index_kv *kv,
		      uint64_t id, alopex_diag *diag);
	/* Up to q->k results into out (room for q->k), *count set. */
	int (*search)(void *index, const struct alopex_index_query *q,
		      struct alopex_index_result *out, uint32_t *count,
		      alopex_diag *diag);
	/* Insert everything from source, reporting progress; may be NULL. */
	int (*build)(void *index, const struct alopex_index_kv *kv,
		     alopex_index_source_fn source, void *source_arg,
		     alopex_index_progress_fn progress, void *progress_arg,
		     alopex_diag *diag);
	int (*stats)(void *index, struct alopex_index_stats *out);
	/* Repair links around tombstones and reclaim them; only when every
	 * remove is committed and older than every open snapshot (else use
	 * vacuum_some). May be NULL. */
	int (*vacuum)(void *index, const struct alopex_index_kv *kv,
		      alopex_diag *diag);
	/* Memory-only undo after a rollback: forget an insert, restore a
	 * removed id. */
	void (*forget)(void *index, uint64_t id);
	void (*restore)(void *index, uint64_t id);

	/* ---- appended: check size before use ---- */

	/*
	 * Save what the row transactions do not write (hnsw: the graph's
	 * links) through kv, which must be a transaction of the caller's
	 * own that writes nothing else; the caller commits it. May be NULL:
	 * every record is written in the row's transaction.
	 *
	 * Runs alongside inserts, removes and searches (they do not wait
	 * for the writes). It writes only keys that row transactions never
	 * write, so it conflicts with no row transaction; two checkpoints
	 * in flight may conflict with each other, and a checkpoint whose
	 * transaction fails or rolls back is harmless: the next one writes
	 * what it missed. open re-inserts the rows stored since the last
	 * committed checkpoint (stats.reinserted counts them), so call it at
	 * close, after VACUUM and when stats.unsaved grows (every few
	 * thousand changes) to keep opens fast. A crash between checkpoints
	 * loses no row: every committed row is found after open, no rolled
	 * back one is.
	 */
	int (*checkpoint)(void *index, const struct alopex_index_kv *kv,
			  alopex_diag *diag);
	/*
	 * vacuum, reclaiming only the tombstones whose id `reclaim` accepts
	 * (NULL: every one, as vacuum does). A reclaimed id is never offered
	 * again, not even with ALOPEX_INDEX_QUERY_INCLUDE_REMOVED, so accept
	 * an id only once the transaction that removed it has committed and
	 * every snapshot still open began after that commit. The others stay
	 * linked in the graph and are asked about again by the next vacuum.
	 * Tombstones of inserts that were forgotten are always reclaimed.
	 * reclaim runs under the index's write lock and must not call back
	 * into the index. With kv, records are written as vacuum's are (for
	 * hnsw: a checkpoint). May be NULL.
	 */
	int (*vacuum_some)(void *index, const struct alopex_index_kv *kv,
			   alopex_index_filter_fn reclaim, void *reclaim_arg,
			   alopex_diag *diag);
};

/* ---- protocol kind ---------------------------------------------------- */

/*
 * A protocol plugin turns bytes into requests on SQL sessions and results
 * into bytes; the server owns sockets, TLS and the event loops (DESIGN.md:
 * the runtime owns the loop). The server calls a connection's callbacks
 * (on_accept, on_data, on_timer, on_stop, on_close) one at a time, in
 * order, on an executor thread, never on an event loop thread: a statement
 * that waits (a commit's fsync, a slow reader) blocks only its own
 * connection. Different connections run in parallel. The one exception is
 * on_data_inline, for work the protocol knows to be cheap.
 */
typedef struct alopex_conn alopex_conn;
typedef struct alopex_sql_session alopex_sql_session;
typedef struct alopex_sql_prep alopex_sql_prep;
typedef struct alopex_sql_portal alopex_sql_portal;
typedef struct alopex_sql_script alopex_sql_script;
typedef struct alopex_sql_row alopex_sql_row; /* a row of a portal */

/* A result column, as PostgreSQL's RowDescription has it. */
struct alopex_sql_coldesc {
	const char *name;
	uint32_t type_oid;
	int32_t typmod; /* -1: none */
	int16_t typlen;
	uint32_t table_oid; /* 0: not a table column */
	int16_t attnum;
};

struct alopex_sql_copy_info {
	int from; /* COPY ... FROM STDIN */
	int csv;  /* CSV; else text */
	uint32_t ncols;
};

/* A login role, for authentication. */
struct alopex_role {
	int can_login, superuser;
	char verifier[256]; /* SCRAM-SHA-256 verifier; "" when no password */
};

/* Where a protocol instance listens; filled by the plugin's start. */
struct alopex_listen_spec {
	uint32_t size;
	const char *addr; /* numeric IPv4/IPv6 address */
	int port;
	const char *tls_cert, *tls_key; /* PEM files; NULL: no TLS */
};

/*
 * What the server offers a protocol plugin, handed to start; valid until
 * stop returns. Append-only, like struct alopex_host. Connection functions
 * may be called from any thread; SQL objects belong to one connection.
 * SQL errors are negative codes with the session's diag filled (SQLSTATE,
 * message; a DETAIL after a '\n'; col: the 1-based character position of
 * a syntax error in the statement text, ErrorResponse's P field, 0 when
 * none).
 */
struct alopex_proto_host {
	uint32_t size;
	void *ctx; /* pass back where a function takes ctx */

	/* Queue bytes for the client. ALOPEX_EIO once the socket is gone. */
	int (*conn_write)(alopex_conn *c, const void *data, size_t len);
	/* Bytes written but not yet sent. */
	size_t (*conn_out_pending)(alopex_conn *c);
	/*
	 * Backpressure: wait until fewer than `below` bytes are pending. 0,
	 * ALOPEX_EIO (socket gone), ALOPEX_EBUSY (timeout_ms passed; 0 waits
	 * without a bound, until the socket goes or the server stops).
	 */
	int (*conn_wait_drain)(alopex_conn *c, size_t below,
			       uint64_t timeout_ms);
	/* Send what is queued, then close; on_close follows. */
	void (*conn_close)(alopex_conn *c);
	/* 1 when the listener has a certificate and key. */
	int (*conn_tls_available)(alopex_conn *c);
	/*
	 * Write `reply` (e.g. pgwire's 'S') in plain text, then make the
	 * connection a TLS server: later on_data bytes are decrypted, writes
	 * encrypted. ALOPEX_ENOTSUP when no TLS is configured.
	 */
	int (*conn_start_tls)(alopex_conn *c, const void *reply, size_t len);
	int (*conn_is_tls)(alopex_conn *c);
	/*
	 * Peer address: family 4 or 6 and the address bytes (4 or 16) in
	 * network order; text like "127.0.0.1:5555" in buf.
	 */
	int (*conn_peer)(alopex_conn *c, int *family, uint8_t addr[16],
			 char *buf, size_t buflen);
	/* Stop (1) or resume (0) reading from the socket. */
	void (*conn_pause_read)(alopex_conn *c, int pause);
	/* on_timer after ms (0: cancel); one timer per connection. */
	int (*conn_set_timer)(alopex_conn *c, uint64_t ms);
	/* 1 once the server began to stop. */
	int (*stopping)(void *ctx);

	/* SQL sessions over the server's database. */
	int (*sql_session_create)(void *ctx, const char *user,
				  alopex_sql_session **out, alopex_diag *diag);
	void (*sql_session_destroy)(alopex_sql_session *s); /* NULL-safe */
	const alopex_diag *(*sql_diag)(alopex_sql_session *s);
	char (*sql_txn_status)(alopex_sql_session *s); /* 'I', 'T', 'E' */
	const char *(*sql_setting)(alopex_sql_session *s, const char *name);
	/* SET name = value, as a client would. */
	int (*sql_set)(alopex_sql_session *s, const char *name,
		       const char *value);
	const char *(*sql_last_notice)(alopex_sql_session *s,
				       const char **level,
				       const char **sqlstate);
	/*
	 * Cancel the statement running on s (any thread): it fails with
	 * 57014. sql_cancel_clear forgets a request that came too late.
	 */
	void (*sql_cancel)(alopex_sql_session *s);
	void (*sql_cancel_clear)(alopex_sql_session *s);

	/* Extended query: Parse, Describe, Bind, Execute. */
	int (*sql_prepare)(alopex_sql_session *s, const char *sql, size_t len,
			   const uint32_t *param_oids, uint32_t n_oids,
			   alopex_sql_prep **out);
	void (*sql_prep_destroy)(alopex_sql_prep *p); /* NULL-safe */
	int (*sql_prep_describe)(alopex_sql_prep *p, uint32_t *nparams,
				 uint32_t *ncols);
	/* After a successful describe. */
	uint32_t (*sql_prep_param_oid)(alopex_sql_prep *p, uint32_t i);
	int (*sql_prep_col)(alopex_sql_prep *p, uint32_t i,
			    struct alopex_sql_coldesc *out);
	int (*sql_prep_returns_rows)(alopex_sql_prep *p);
	/* Parameters as text (NULL ptr: SQL NULL), converted now. */
	int (*sql_portal_create)(alopex_sql_prep *p, const alopex_slice *params,
				 uint32_t n, alopex_sql_portal **out);
	/* ALOPEX_ROW, ALOPEX_DONE, an error, or ALOPEX_AGAIN for a COPY
	 * (sql_copy_info says which way: feed it or read it). */
	int (*sql_portal_next)(alopex_sql_portal *pt,
			       const alopex_sql_row **row);
	uint32_t (*sql_portal_ncols)(alopex_sql_portal *pt);
	int (*sql_portal_col)(alopex_sql_portal *pt, uint32_t i,
			      struct alopex_sql_coldesc *out);
	/* PostgreSQL's text of a value; NULL for SQL NULL. Valid until the
	 * next call on the portal. */
	const char *(*sql_value_text)(alopex_sql_portal *pt,
				      const alopex_sql_row *row, uint32_t col,
				      size_t *len);
	const char *(*sql_portal_tag)(alopex_sql_portal *pt);
	void (*sql_portal_destroy)(alopex_sql_portal *pt); /* NULL-safe */
	/* ALOPEX_ENOTFOUND: not a COPY portal. */
	int (*sql_copy_info)(alopex_sql_portal *pt,
			     struct alopex_sql_copy_info *out);
	int (*sql_copy_in)(alopex_sql_portal *pt, const void *data, size_t len);
	int (*sql_copy_done)(alopex_sql_portal *pt);
	int (*sql_copy_fail)(alopex_sql_portal *pt, const char *why);
	/* ALOPEX_ROW with one line, ALOPEX_DONE, or an error. */
	int (*sql_copy_out)(alopex_sql_portal *pt, const void **data,
			    size_t *len);

	/*
	 * Simple query: the statements of sql one portal at a time (several
	 * outside a transaction block run as one implicit transaction).
	 * script_next: ALOPEX_ROW with *pt (owned by the script, valid until
	 * the next call), ALOPEX_DONE, or an error (parse or bind). Drive *pt
	 * as an extended-query portal. script_close(ok): ends the implicit
	 * transaction (commit when ok, else rollback); returns the commit's
	 * error. NULL-safe.
	 */
	int (*sql_script_open)(alopex_sql_session *s, const char *sql,
			       size_t len, alopex_sql_script **out);
	int (*sql_script_next)(alopex_sql_script *sc, alopex_sql_portal **pt);
	int (*sql_script_close)(alopex_sql_script *sc, int ok);

	/* A role by name: 0, ALOPEX_ENOTFOUND, ALOPEX_ENOTSUP (no roles). */
	int (*role_get)(void *ctx, const char *name, struct alopex_role *out);

	/*
	 * Extended query as PostgreSQL runs it: the Executes up to a Sync
	 * share one implicit transaction. xact_begin before an Execute opens
	 * it when no transaction is open (transaction control and DISCARD
	 * ALL run on their own); BEGIN inside turns it into a transaction
	 * block, COMMIT or ROLLBACK inside end it with PostgreSQL's warning.
	 * xact_fail: a protocol-level error (Parse, Bind, ...) fails the open
	 * transaction, as any error does in PostgreSQL. xact_end at Sync
	 * commits the implicit transaction (rolls it back when it failed);
	 * returns the commit's error with the diag filled. No-ops when no
	 * implicit transaction is open.
	 */
	int (*sql_xact_begin)(alopex_sql_prep *p);
	void (*sql_xact_fail)(alopex_sql_session *s);
	int (*sql_xact_end)(alopex_sql_session *s);

	/*
	 * 1 when executing p now is known to be cheap: a plain SELECT that
	 * reads at most one row by primary key, bound against the current
	 * catalog, with no function calls or subqueries, so it cannot wait
	 * on a lock, an fsync or a long computation (its implicit
	 * transaction's commit writes nothing). Such work may run in
	 * on_data_inline. 0 otherwise.
	 */
	int (*sql_prep_is_point_read)(alopex_sql_prep *p);
	/*
	 * The same for what is left of a simple query: 1 when it is one
	 * such statement, which is then bound already (script_next uses
	 * it). Parsing happened in script_open; call before script_next.
	 */
	int (*sql_script_is_point_read)(alopex_sql_script *sc);

	/*
	 * The running (or last) statement's i-th NOTICE or WARNING, in the
	 * order raised, as sql_last_notice gives the last one; NULL past the
	 * end. A protocol sends them all before the statement's completion.
	 */
	const char *(*sql_notice_at)(alopex_sql_session *s, uint32_t i,
				     const char **level, const char **sqlstate);

	/*
	 * Appended (check size before use). 1 when executing p now is cheap
	 * unless it must wait for a row lock: BEGIN, or, inside a
	 * transaction block the client opened, an INSERT of one VALUES row
	 * or an UPDATE/DELETE of at most one row by primary key, with
	 * bounded expressions, bound against the current catalog. Such work
	 * may run in on_data_inline with sql_set_noblock on. 0 otherwise.
	 */
	int (*sql_prep_is_point_write)(alopex_sql_prep *p);
	/*
	 * on (1): s's statements never wait for a row lock or a table gate.
	 * One that would is undone and sql_portal_next returns ALOPEX_EBUSY
	 * (no error sent, nothing to report) with the portal as before it
	 * ran: run it again with noblock off (0), where waiting is fine.
	 */
	void (*sql_set_noblock)(alopex_sql_session *s, int on);

	/*
	 * Appended (check size before use): reuse a portal for the next Bind
	 * of the same statement instead of destroying it and creating one,
	 * as the unnamed portal of a prepared statement is rebound on every
	 * execution. sql_portal_recycle ends what pt was running (its rows
	 * are gone) and keeps its executor state: 1 when pt may be rebound,
	 * 0 when it must be destroyed (a kind that cannot be reused).
	 * sql_portal_rebind gives a recycled portal new parameters, as
	 * sql_portal_create would (the statement's diag on error, after
	 * which pt may only be destroyed).
	 */
	int (*sql_portal_recycle)(alopex_sql_portal *pt);
	int (*sql_portal_rebind)(alopex_sql_portal *pt,
				 const alopex_slice *params, uint32_t n);

	/*
	 * Appended (check size before use). With noblock on, a COMMIT of a
	 * transaction that wrote returns once it is in the log, without
	 * waiting for its fsync (its locks are free, others see it). The
	 * log position to wait for, once (0: none): the client must not
	 * learn of the success before it is durable (conn_after_durable).
	 * sql_prep_is_point_write answers 2 for such a COMMIT: inline only
	 * for a protocol that waits so.
	 */
	uint64_t (*sql_take_sync_pos)(alopex_sql_session *s);
	/*
	 * From on_data_inline, which then returns ALOPEX_EBUSY: hold the
	 * connection (its callbacks, not its reads) until log position pos
	 * is durable, without blocking the event loop; on_durable follows
	 * there. 0, or ALOPEX_ENOTSUP (no such waiter).
	 */
	int (*conn_after_durable)(alopex_conn *c, uint64_t pos);
	/*
	 * Appended (issue 3). What a prepared statement is to a failed
	 * transaction block: 1 COMMIT, ROLLBACK or ROLLBACK TO (they end
	 * it), 2 the empty query, 0 anything else (refused there, 25P02).
	 */
	int (*sql_prep_txn_exit)(alopex_sql_prep *p);
	/*
	 * Appended (issue 3). Whether the portal's statement returns rows,
	 * zero columns too (SELECT FROM t): a RowDescription, then DataRows.
	 */
	int (*sql_portal_returns_rows)(alopex_sql_portal *pt);
};

struct alopex_protocol_ops {
	uint32_t size;
	uint64_t caps; /* none defined yet */

	/*
	 * The server starts the instance: keep host, fill *listen (strings
	 * owned by the instance). Called once, before any connection.
	 */
	int (*start)(void *instance, const struct alopex_proto_host *host,
		     struct alopex_listen_spec *listen, alopex_diag *diag);
	/* A new connection; *state is passed to the callbacks below.
	 * Non-zero: the server closes it (on_close is not called). */
	int (*on_accept)(void *instance, alopex_conn *c, void **state);
	/* Bytes from the client (decrypted). Non-zero: close it. */
	int (*on_data)(void *state, alopex_slice data);
	void (*on_timer)(void *state); /* may be NULL */
	/* The server is stopping: finish up and conn_close. */
	void (*on_stop)(void *state);
	/* The socket is gone: free state. */
	void (*on_close)(void *state);
	/* After the last on_close. May be NULL. */
	void (*stop)(void *instance);

	/*
	 * May be NULL. Bytes from the client, on the event loop thread that
	 * read them, with no other callback of the connection running: the
	 * protocol consumes only work known to be cheap (no lock waits,
	 * fsyncs, long statements, backpressure waits), keeps the rest
	 * buffered and returns ALOPEX_AGAIN; the server then calls on_data
	 * with an empty slice on an executor thread to go on. 0: all
	 * consumed; ALOPEX_EBUSY: wait for durability (conn_after_durable,
	 * on_durable); another non-zero: close it. This saves two thread
	 * hops per request for point reads.
	 */
	int (*on_data_inline)(void *state, alopex_slice data);
	/*
	 * Appended; may be NULL (then ALOPEX_EBUSY from on_data_inline
	 * closes). After on_data_inline returned ALOPEX_EBUSY having called
	 * conn_after_durable: the position is durable (failed NULL) or the
	 * wait failed (failed: why). On the event loop thread; returns as
	 * on_data_inline, and goes on with what it kept buffered.
	 */
	int (*on_durable)(void *state, const alopex_diag *failed);
};

#ifdef __cplusplus
}
#endif
#endif /* ALOPEX_PLUGIN_H */
