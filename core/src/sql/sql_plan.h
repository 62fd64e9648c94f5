/*
 * The planner: bound queries (sql_bind.h) to trees of plan nodes that the
 * executor (sql_exec.h) runs as iterators.
 *
 * Access paths: a table is read by primary-key point or range lookups when
 * WHERE constrains a prefix of the key (equalities, then one range), by a
 * secondary index the same way, else by a full scan. The whole WHERE is
 * still checked on every row, so key bounds only need to be conservative.
 * Joins: an index nested loop when the inner side is a table whose key or
 * index starts with the join column, a hash join for other equi-joins,
 * otherwise a nested loop. ORDER BY with LIMIT is a bounded top-k heap,
 * never a full sort; ORDER BY a vector distance with LIMIT is the same
 * heap over an exact scan (no vector index kinds exist yet).
 */
#ifndef ALX_SQL_PLAN_H
#define ALX_SQL_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "sql/sql_bind.h"

enum alx_plan_kind {
	ALX_P_RESULT = 1, /* one empty row */
	ALX_P_SCAN,	  /* a table: seq, key or index access */
	ALX_P_SUBQUERY,	  /* child's output into the RTE's slots */
	ALX_P_FUNCSCAN,	  /* generate_series and friends */
	ALX_P_FILTER,
	ALX_P_NESTLOOP,
	ALX_P_HASHJOIN,
	ALX_P_AGG,
	ALX_P_PROJECT,
	ALX_P_DISTINCT,
	ALX_P_SORT,
	ALX_P_TOPK,
	ALX_P_LIMIT,
	ALX_P_APPEND,
	ALX_P_SETOP,
};

enum alx_access {
	ALX_ACCESS_SEQ = 0,
	ALX_ACCESS_PK,	   /* point or range on the primary key */
	ALX_ACCESS_INDEX,  /* a secondary index, then the row by key */
	ALX_ACCESS_VECTOR, /* a vector index search (plan->vscan) */
};

struct alx_plan {
	uint8_t kind;
	uint32_t width;		/* values per output row */
	struct alx_type *types; /* of the output row (may be NULL below
				   the projection: use the query's slots) */
	struct alx_plan *child, *right;
	struct alx_bx **quals; /* all must be true (FILTER, SCAN, joins) */
	uint32_t nquals;

	/* SCAN */
	const struct alx_cat_table *table;
	const struct alx_rte *rte;
	uint8_t access;
	const struct alx_cat_index *index;
	uint32_t neq;		/* leading key columns fixed by equality */
	struct alx_bx **eq;	/* their values (may use outer slots) */
	struct alx_bx *lo, *hi; /* range on key column neq; NULL: open */
	bool lo_incl, hi_incl;
	bool reverse;
	bool key_only; /* all key columns fixed: at most one row */

	/* SUBQUERY and FUNCSCAN */
	uint32_t off, ncols;
	struct alx_bx *func;

	/* NESTLOOP, HASHJOIN: the right side's slots [rlo, rhi) */
	uint8_t join; /* enum alx_sql_join_kind */
	uint32_t rlo, rhi;
	bool param_right; /* right is a scan keyed by the left row */
	uint32_t nkeys;
	struct alx_bx **lkeys, **rkeys; /* HASHJOIN */
	const struct alx_type *slot_types;

	/* AGG */
	const struct alx_bq *q;

	/* PROJECT */
	struct alx_bx **exprs;
	uint32_t nexprs;

	/* DISTINCT (first ncols), SETOP */
	uint8_t setop;
	bool all;

	/* SORT, TOPK */
	struct alx_sortkey *keys;
	uint32_t nsort;
	bool vector_topk; /* ORDER BY a distance: for EXPLAIN */

	/* TOPK, LIMIT */
	struct alx_bx *limit, *offset;

	/* APPEND */
	struct alx_plan **children;
	uint32_t nchildren;

	/* SCAN with ALX_ACCESS_VECTOR (sql_vindex.h); limit and offset
	 * are the TOPK's above it */
	struct alx_vscan_plan *vscan;

	/* SORT for DISTINCT ON: of each run of sorted rows equal on these
	 * columns (NULLs equal), only the first is returned */
	uint32_t *unique_cols;
	uint32_t nunique;
};

/* A query's plan; the output row has q->nout (or setop ntargets) values. */
int alx_plan_query(struct alx_bind_ctx *b, struct alx_bq *q,
		   struct alx_plan **out);
/*
 * The scan for UPDATE/DELETE: the FROM row of source (target first, with
 * its key slot), filtered by its WHERE, without projection.
 */
int alx_plan_dml_source(struct alx_bind_ctx *b, struct alx_bq *source,
			struct alx_plan **out);

/* Plan the subqueries inside an expression (DML's SET, RETURNING). */
int alx_plan_expr(struct alx_bind_ctx *b, struct alx_bx *e);

/* EXPLAIN text: one line per element of *lines. */
int alx_plan_explain(struct alx_arena *a, const struct alx_plan *p,
		     char ***lines, uint32_t *nlines);

/*
 * A bounded point read: at most one row of a user table by its whole
 * primary key, with expressions that do bounded work on values (no
 * function calls, subqueries or pattern matching). Running it takes no
 * lock and cannot wait for an fsync or a long computation, so a server
 * may run it on an event loop thread.
 */
bool alx_plan_is_point_read(const struct alx_plan *p);
/*
 * The same for a data change: an INSERT of one VALUES row, or an UPDATE or
 * DELETE whose source is a point read, with bounded expressions (the
 * clock and the session's names allowed: now(), current_user), no ON
 * CONFLICT and no column default that calls a function (nextval). It can
 * wait only for a row lock (and a table rewrite's gate).
 */
bool alx_plan_is_point_write(const struct alx_bdml *m,
			     const struct alx_plan *source);

#endif
