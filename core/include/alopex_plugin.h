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
typedef void (*alopex_timer_fn)(void *arg);

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
};

enum alopex_txn_flags {
	ALOPEX_TXN_READONLY = 1 << 0,
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
	 * Durability follows the engine's config.
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
};

#ifdef __cplusplus
}
#endif
#endif /* ALOPEX_PLUGIN_H */
