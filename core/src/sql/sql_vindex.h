/*
 * Vector indexes under SQL (hnsw, flat): the per-database registry of open
 * indexes, their maintenance by INSERT/UPDATE/DELETE inside the
 * statement's transaction, undo after ROLLBACK (TO SAVEPOINT), VACUUM, and
 * the index scan behind ORDER BY col <-> $1 LIMIT k.
 *
 * Row ids: an index labels rows by a 64-bit id that is the row key: the
 * hidden row id, or the value of a one-column integer primary key. Other
 * tables cannot take a vector index yet.
 *
 * The in-memory structure of an index is shared by every session; its KV
 * records are written in the writer's transaction. Writers of one index
 * hold a writer token from the first index change until commit or
 * rollback: alone when the index writes records shared between rows (so
 * no two open transactions write the same records), shared among them
 * when it is ALOPEX_INDEX_ROW_KEYED; VACUUM takes it alone, so it only
 * ever sees committed removals. Indexes with ops->checkpoint save their
 * shared state after CREATE INDEX, VACUUM, every few thousand changes
 * and at close.
 */
#ifndef ALX_SQL_VINDEX_H
#define ALX_SQL_VINDEX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alopex.h"
#include "alopex_plugin.h"
#include "sql/sql_catalog.h"
#include "sql/sql_exec.h"

struct alx_vreg;
struct alx_session;
struct alx_sql_db;

/* One open index; counted references (alx_vidx_release). */
struct alx_vidx {
	struct alx_vreg *reg;
	uint32_t table_id, index_id;
	const struct alopex_index_ops *ops;
	void *index;
	uint32_t dim, metric;
	char method[16];
	atomic_int refs;
	/* the writer token: the session whose transaction changes it;
	 * for ALOPEX_INDEX_ROW_KEYED indexes writers share it (nshared)
	 * and only VACUUM takes it alone */
	struct alx_session *writer;
	uint32_t nshared;
	/* Removes asked of the index (counted before and after each), and
	 * that count when its stats last reported no removed entry: while
	 * equal, a search needs no (possibly slow) stats call. */
	atomic_uint_fast64_t nremoves, clean_at;
};

/* Counters for tests and monitoring. */
struct alx_vreg_stats {
	uint64_t builds; /* indexes built from table rows */
	uint64_t opens;	 /* indexes loaded from their KV records */
	uint64_t vacuums;
	uint64_t index_scans, exact_fallbacks;
};

int alx_vreg_create(alopex_db *db, struct alx_vreg **out);
/* NULL-safe; closes every index (the records stay). */
void alx_vreg_destroy(struct alx_vreg *r);
void alx_vreg_stats(struct alx_vreg *r, struct alx_vreg_stats *out);
/* Count a vector scan: by the index, or exact. */
void alx_vreg_note(struct alx_vreg *r, bool exact);
/* The registry of a database (its SQL state made on first use). */
struct alx_vreg *alx_sql_db_vreg(struct alx_sql_db *sdb);

/* Whether x is a vector index (method other than btree). */
bool alx_vsql_is_vector(const struct alx_cat_index *x);
/* enum alopex_vector_metric of a vector index (op class, WITH metric). */
uint32_t alx_vsql_metric(const struct alx_cat_index *x);

/*
 * The open index for (t, x): loaded from its records on first use (through
 * a transaction of its own at the newest snapshot), built from the rows
 * when it has none. A reference the caller releases.
 */
int alx_vsql_acquire(struct alx_session *s, const struct alx_cat_table *t,
		     const struct alx_cat_index *x, struct alx_vidx **out,
		     alopex_diag *d);
void alx_vidx_release(struct alx_vidx *v);

/* CREATE INDEX (and rebuilds by ALTER TABLE): make and fill the index in
 * ex's transaction. */
int alx_vsql_build(struct alx_exec *ex, const struct alx_cat_table *t,
		   const struct alx_cat_index *x);

/* Before a statement writes rows of t: the writer tokens of its vector
 * indexes (an autocommit statement that had to wait takes a new
 * snapshot). */
int alx_vsql_dml_begin(struct alx_exec *ex, const struct alx_cat_table *t);
/* A row of t changed: old (key, values) out, new in; either may be NULL. */
bool alx_vsql_table_has(const struct alx_cat_table *t);
int alx_vsql_row_change(struct alx_exec *ex, const struct alx_cat_table *t,
			const alopex_slice *old_key,
			const struct alx_value *old_row,
			const alopex_slice *new_key,
			const struct alx_value *new_row);

/* Transaction ends (after the KV commit or rollback). */
void alx_vsql_txn_end(struct alx_session *s, bool committed, bool had_ddl);
/* Savepoints: a mark, and undo back to it (after the KV rollback_to). */
uint32_t alx_vsql_mark(struct alx_session *s);
void alx_vsql_rollback_to(struct alx_session *s, uint32_t mark);
/* Session teardown: whatever the transaction end left. */
void alx_vsql_session_free(struct alx_session *s);

/* VACUUM: reclaim removed rows of t's vector indexes (every table's when
 * t is NULL). */
int alx_vsql_vacuum(struct alx_session *s, const struct alx_catalog *cat,
		    const struct alx_cat_table *t);

/* ---- planning and execution (sql_plan_vector.c, sql_exec_vindex.c) ---- */

/*
 * With a WHERE, the strategy is chosen again at every execution from a
 * sample of the rows; the planner's choice is what EXPLAIN shows.
 */
enum alx_vscan_strategy {
	ALX_VSCAN_PLAIN = 0, /* no filter: index search, visibility check */
	ALX_VSCAN_RUNTIME,   /* filter with parameters: not known yet */
	ALX_VSCAN_TRAVERSAL, /* filter evaluated inside the traversal */
	ALX_VSCAN_EXACT,     /* filter too selective: exact scan */
};

struct alx_vscan_plan {
	struct alx_bx *query; /* the query vector (no columns) */
	uint32_t metric, col;
	uint8_t strategy;
	double est_sel; /* estimated at plan time; < 0: unknown */
	uint32_t ef;	/* hnsw.ef_search when planned (EXPLAIN) */
	const char *method;
	bool col_first; /* the column is the distance's first argument */
	/* only the distance orders (ASC NULLS LAST): the exact scan may
	 * keep the top k itself */
	bool topk;
};

/* Whether an exact scan beats a filtered traversal. */
bool alx_vscan_exact_wins(double sel, uint64_t nrows, uint32_t ef, uint64_t k);
/* Plan time: the share of t's rows (a sample) the scan's quals pass,
 * read in the session's transaction or a snapshot of its own. */
int alx_vscan_estimate_now(struct alx_bind_ctx *b, const struct alx_plan *scan,
			   double *sel, uint64_t *nrows);

/* Use a vector index for the TOPK s over PROJECT over SCAN when one fits
 * (ORDER BY col <op> expr LIMIT k); without one, the exact vector scan
 * (index NULL, strategy EXACT) when the distance is the only sort key.
 * Leaves the plan alone otherwise. */
int alx_plan_vector_index(struct alx_bind_ctx *b, const struct alx_bq *q,
			  struct alx_plan *s);
/* EXPLAIN's line for a vector index scan (or the exact scan chosen). */
void alx_plan_vector_label(const struct alx_plan *p, char *buf, size_t n);

struct alx_node;
int alx_exec_vscan_open(struct alx_node *n);
int alx_exec_vscan_next(struct alx_node *n, const struct alx_value **row);
void alx_exec_vscan_close(struct alx_node *n);

/* The range of a plugin's query setting (SET hnsw.ef_search); *lo and
 * *hi are left alone when the plugin or the key is unknown. */
void alx_vsql_query_bounds(struct alx_session *s, const char *method,
			   const char *key, long *lo, long *hi);
/* hnsw.ef_search of the session (the plugin's default when unset). */
uint32_t alx_vsql_ef_search(struct alx_session *s);

/* Row id <-> row key of t. */
int alx_vsql_key_id(const struct alx_cat_table *t, alopex_slice key,
		    uint64_t *id);
int alx_vsql_id_key(struct alx_arena *a, const struct alx_cat_table *t,
		    uint64_t id, alopex_slice *key);

#endif
