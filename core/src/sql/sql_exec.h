/*
 * The executor: plan nodes (sql_plan.h) as iterators over rows of
 * struct alx_value, and expression evaluation.
 *
 * A row returned by alx_node_next stays valid until the next call on that
 * node (or its close); nodes that keep rows (sort, hash, aggregation)
 * copy them. Per-row memory comes from arenas the nodes reset as they go;
 * the execution arena holds what lives as long as the execution.
 *
 * Errors are negative codes with the execution's diag filled (ALOPEX_ESQL
 * and a SQLSTATE for SQL errors).
 */
#ifndef ALX_SQL_EXEC_H
#define ALX_SQL_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "alopex.h"
#include "alopex_plugin.h"
#include "sql/sql_bind.h"
#include "sql/sql_plan.h"
#include "sql/sql_value.h"

struct alx_session;
struct alx_kv_txn;
struct alx_node;
struct alx_htab;

/* Uncorrelated subquery results, computed once per execution; for a
 * correlated one, its executor, opened once and rescanned per row. */
struct alx_subcache {
	struct alx_node *node;
	bool done;
	struct alx_value v; /* EXPR: the value; EXISTS: bool */
	uint32_t nrows;
	struct alx_value *rows; /* IN/ANY/ALL: first column of each row */
	bool has_null;
	struct alx_htab *set; /* IN over many rows: the rows hashed */
};

struct alx_exec {
	struct alx_session *s;
	alopex_db *db;
	struct alx_kv_txn *txn;
	struct alx_arena *a; /* lives as long as the execution */
	const struct alx_value *params;
	uint32_t nparams;
	const struct alx_value_fmt *fmt;
	/* Microseconds since 2000-01-01 UTC; 0: not read yet. Read them
	 * with alx_exec_txn_ts/alx_exec_stmt_ts. */
	int64_t txn_ts, stmt_ts;
	alopex_diag *d;
	struct alx_subcache *subs;
	uint32_t nsubs;
	const struct alx_catalog *cat;
	int64_t deadline_us; /* statement_timeout; 0: none */
	uint32_t ticks;
	uint64_t rng; /* random() state */
};

/*
 * statement_timestamp(): the clock is read at the statement's first use of
 * it, not at every statement's start (most never ask; a bulk load's
 * INSERTs paid a clock read each). An autocommit statement's transaction
 * takes the same reading, as PostgreSQL's now() equals the first
 * statement's timestamp.
 */
int64_t alx_exec_stmt_ts(struct alx_exec *ex);
/* now(), transaction_timestamp(): BEGIN's reading, else as above. */
int64_t alx_exec_txn_ts(struct alx_exec *ex);

/* Where an expression is evaluated. */
struct alx_ev {
	struct alx_exec *ex;
	struct alx_arena *a; /* results go here */
	const struct alx_value *row;
	const struct alx_ev *outer; /* the enclosing query's row */
};

int alx_eval(struct alx_ev *ev, const struct alx_bx *e, struct alx_value *out);
/* A condition: *out 1 only for true (false and NULL are 0). */
int alx_eval_cond(struct alx_ev *ev, const struct alx_bx *e, int *out);
/* All conditions true. */
int alx_eval_quals(struct alx_ev *ev, struct alx_bx *const *q, uint32_t n,
		   int *out);
/* Evaluate a constant-foldable expression at bind time. */
int alx_eval_const(struct alx_bind_ctx *b, const struct alx_bx *e,
		   struct alx_value *out);

int alx_node_open(struct alx_exec *ex, const struct alx_plan *p,
		  const struct alx_ev *outer, struct alx_node **out);
/* ALOPEX_ROW with *row, ALOPEX_DONE, or an error. */
int alx_node_next(struct alx_node *n, const struct alx_value **row);
/* Start over; param: the row parameterised scans take their keys from. */
int alx_node_rescan(struct alx_node *n, const struct alx_value *param);
void alx_node_close(struct alx_node *n);
/* A plan whose node tree may be kept between runs of a prepared statement
 * (a chain of table scan, filter, project, limit, result nodes): parked
 * after a run, started again with alx_node_rescan. */
bool alx_node_tree_keepable(const struct alx_plan *p);
/* Close the cursors of a keepable tree (its transaction ends); keep the
 * nodes and their memory. */
void alx_node_park(struct alx_node *n);
/* Point a node tree at another enclosing row (correlated subqueries). */
void alx_node_set_outer(struct alx_node *n, const struct alx_ev *outer);
/* Close what the execution keeps (correlated subquery executors). */
void alx_exec_finish(struct alx_exec *ex);

/* Deep copy of a value's payload into a (for nodes that keep rows). */
int alx_value_copy(struct alx_arena *a, const struct alx_value *in,
		   struct alx_value *out);
/* Sort comparison with NULL placement. */
int alx_value_sort_cmp(const struct alx_value *a, const struct alx_value *b,
		       bool desc, bool nulls_first);

/* SQL errors from the executor. */
int alx_exec_err(struct alx_exec *ex, const char *sqlstate, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));
int alx_exec_oom(struct alx_exec *ex);
/* Check statement_timeout now and then (57014). */
int alx_exec_tick(struct alx_exec *ex);
/* The same check every time: for waits. */
int alx_exec_interrupted(struct alx_exec *ex);
/* A KV error as the executor reports it: the transaction's message, and
 * 40001 for a write conflict (a deadlock keeps its 40P01). Returns rc. */
int alx_exec_kv_err(struct alx_exec *ex, int rc);

/* Row keys and rows of a table (sql_exec_dml.c). */
int alx_table_row_key(struct alx_arena *a, const struct alx_cat_table *t,
		      const struct alx_value *row, int64_t rowid,
		      struct alx_buf *out, alopex_diag *d);
int alx_table_decode_row(struct alx_arena *a, const struct alx_cat_table *t,
			 alopex_slice val, struct alx_value *cols,
			 alopex_diag *d);

#endif
