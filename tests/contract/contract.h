/*
 * The storage engine contract suite: the same cases run against every
 * engine plugin (suites contract/wiredtiger and contract/memory). Engines
 * come from the real registry, configs from the real config layer, and
 * instances from alx_plugin_instance_create, as the core will use them.
 */
#ifndef CONTRACT_H
#define CONTRACT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alopex_plugin.h"
#include "alx_test.h"
#include "runtime/alx_registry.h"
#include "runtime/alx_runtime.h"

/* The engine the current suite runs against. */
struct ct_state {
	const char *name; /* "wiredtiger", "memory" */
	struct alx_runtime *rt;
	const struct alopex_plugin *plugin;
	const struct alopex_engine_ops *ops;
	int durable; /* caps has ALOPEX_ENGINE_DURABLE */
};
extern struct ct_state ct;

/* Everything on_commit saw, checked for order as it arrives. */
struct ct_commit_rec {
	uint64_t pos;
	size_t len;
	uint8_t *data;
};

struct ct_commits {
	pthread_mutex_t mu;
	size_t count;
	uint64_t last_pos;
	int out_of_order; /* a position not above the previous one */
	struct ct_commit_rec *recs;
	size_t cap;
};

/* One engine instance on its own temporary directory. */
struct ct_db {
	struct alx_plugin_instance *inst;
	void *eng;
	const struct alopex_engine_ops *ops;
	char *dir;
	char *yaml;
	int open;
	struct ct_commits commits;
};

/* Engine plugin file name for a shared build ("alopex-memory.so"). */
void ct_plugin_file(const char *name, char *buf, size_t size);
/* Find (or load from the build's plugin dir) the engine; NULL if absent. */
const struct alopex_plugin *ct_find_engine(struct alx_runtime *rt,
					   const char *name, alopex_diag *diag);
/* Runtime with quiet, captured logging; options may set an allocator. */
int ct_runtime_create(const alopex_allocator *allocator,
		      struct alx_runtime **out);
/* Messages the engines logged through host->log (component, text). */
size_t ct_log_count(const char *component, const char *needle);
void ct_log_reset(void);

/* Suite setup/teardown for an engine name. */
int ct_suite_setup(const char *name);
int ct_suite_teardown(void);

/*
 * Make an instance of the current engine with config from `yaml` (the
 * engine's section; NULL: defaults).
 */
int ct_instance(struct alx_runtime *rt, const char *yaml,
		struct alx_plugin_instance **out, alopex_diag *diag);
/* Instance + fresh temporary directory + open (create). */
int ct_db_open(struct ct_db *db, const char *yaml, alopex_diag *diag);
/* Close and make a new instance on the same directory (create = 0). */
int ct_db_reopen(struct ct_db *db, alopex_diag *diag);
/* Close, destroy and remove the directory. */
void ct_db_close(struct ct_db *db);
/* The record on_commit got for a position, or NULL. */
const struct ct_commit_rec *ct_commit_find(struct ct_db *db, uint64_t pos);

/* Slices. */
alopex_slice ct_s(const char *s); /* NULL: the unbounded slice */
alopex_slice ct_b(const void *p, size_t len);
/* Whether the slice holds exactly the string's bytes. */
int ct_eq(alopex_slice s, const char *want);

/* Shorthands that fail the test on unexpected errors. */
void *ct_begin(struct ct_db *db, unsigned flags);
int ct_put(struct ct_db *db, void *txn, const char *key, const char *val);
int ct_del(struct ct_db *db, void *txn, const char *key);
/* The value as a string into buf ("" when absent), or the error. */
int ct_get(struct ct_db *db, void *txn, const char *key, char *buf,
	   size_t size);
/* Commit with `record` (NULL: "rec"); the position or 0; rc in *rc. */
uint64_t ct_commit(struct ct_db *db, void *txn, const char *record, int *rc);
/*
 * Scan [lo, hi) and render the keys "a,b,0x6100" (hex when not printable)
 * into buf; returns the row count or a negative error.
 */
int ct_scan(struct ct_db *db, void *txn, alopex_slice lo, alopex_slice hi,
	    unsigned flags, char *buf, size_t size);
/* Put keys (comma-separated) with value "v:<key>" in one committed txn. */
void ct_fill(struct ct_db *db, const char *keys);

/*
 * Engine config text: `extra` plus, for WiredTiger, durability none (for
 * cases that commit a lot and test something else). Static buffer.
 */
const char *ct_fast(const char *extra);

#define OPEN_DB(db, yaml)                                                  \
	do {                                                               \
		alopex_diag open_diag_ = {0};                              \
		int open_rc_ = ct_db_open((db), (yaml), &open_diag_);      \
		if (open_rc_ != 0)                                         \
			fprintf(stderr, "open: %s\n", open_diag_.message); \
		CU_ASSERT_EQUAL_FATAL(open_rc_, 0);                        \
	} while (0)

/* The case lists. */
extern const struct alx_test_case ct_kv_cases[];
extern const struct alx_test_case ct_txn_cases[];
extern const struct alx_test_case ct_log_cases[];
extern const struct alx_test_case ct_special_cases[];
extern const struct alx_test_case ct_insert_cases[];
extern const struct alx_test_case ct_wt_cases[]; /* WiredTiger only */

#endif
