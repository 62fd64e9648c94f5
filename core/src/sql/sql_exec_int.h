/* Executor internals shared by the sql_exec*.c files. */
#ifndef ALX_SQL_EXEC_INT_H
#define ALX_SQL_EXEC_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/alx_arena.h"
#include "sql/sql_exec.h"

struct alx_kv_cursor;
struct alx_htab;

/* A row packed into one heap block (values, then their payloads). */
struct alx_rowblob {
	uint32_t n;
	struct alx_value v[];
};

struct alx_node {
	const struct alx_plan *p;
	struct alx_exec *ex;
	const struct alx_ev *outer; /* the enclosing query's evaluation */
	struct alx_ev ev;	    /* row evaluation: a = &rowa */
	struct alx_arena rowa;	    /* reset for every row */
	struct alx_arena keep;	    /* rows kept across calls */
	struct alx_value *row;	    /* output, p->width values */
	struct alx_node *child, *right;
	struct alx_node **children;
	const struct alx_value *param;
	bool started, done;

	/* SCAN */
	struct alx_kv_cursor *cur;
	struct alx_buf lo, hi;
	bool empty;	 /* a key value was NULL: no rows */
	bool point_done; /* key_only lookups */

	/* FUNCSCAN */
	int64_t gs_cur, gs_end, gs_step;
	uint32_t vrow;

	/* LIMIT, TOPK */
	int64_t limit, offset, seen;

	/* APPEND */
	uint32_t cur_child;

	/* NESTLOOP, HASHJOIN, SORT, TOPK, SETOP: kept rows */
	struct alx_value **rows;
	uint32_t nrows, cap, pos;
	const struct alx_value *lrow; /* current left row */
	bool lmatched;
	struct alx_htab *ht;
	void *chain; /* HASHJOIN: current bucket entry */
	struct alx_rowblob **heap;

	/* AGG */
	void *groups;
	uint32_t ngroups;
	struct alx_value *keys; /* scratch for key values */

	/* SCAN by a vector index (sql_exec_vindex.c) */
	struct alx_vscan_state *vs;

	/* SCAN: quals compiled for integers (sql_exec_iqual.c) */
	struct alx_iqual *iq;
	/* SCAN: the table's column types, made once for the row decoder */
	struct alx_type *types;
	bool by_value; /* all decode into the values (no copy of the row) */
};

/* Per-kind operations (sql_exec.c dispatches on p->kind). */
int alx_exec_scan_open(struct alx_node *n);
int alx_exec_scan_next(struct alx_node *n, const struct alx_value **row);
/* How many rows scan_next would return from here on, none decoded that
 * the compiled integer filters decide (count(*) without GROUP BY). */
int alx_exec_scan_count(struct alx_node *n, int64_t *count);
void alx_exec_scan_close(struct alx_node *n);
int alx_exec_join_next(struct alx_node *n, const struct alx_value **row);
int alx_exec_agg_next(struct alx_node *n, const struct alx_value **row);
int alx_exec_distinct_next(struct alx_node *n, const struct alx_value **row);
int alx_exec_setop_next(struct alx_node *n, const struct alx_value **row);
int alx_exec_sort_next(struct alx_node *n, const struct alx_value **row);
int alx_exec_topk_next(struct alx_node *n, const struct alx_value **row);
void alx_exec_node_free_rows(struct alx_node *n);

/* Kept rows: deep copies in n->keep. */
int alx_exec_keep_row(struct alx_node *n, const struct alx_value *row,
		      uint32_t width, struct alx_value **out);
struct alx_rowblob *alx_rowblob_make(struct alx_exec *ex,
				     const struct alx_value *row, uint32_t n);
void alx_rowblob_free(struct alx_exec *ex, struct alx_rowblob *b);

/* A hash table of rows keyed by some of their values (grouping, DISTINCT,
 * set operations, hash joins). NULLs are equal to each other here. */
struct alx_htab_entry {
	struct alx_htab_entry *next; /* bucket chain */
	struct alx_htab_entry *list; /* insertion order */
	uint64_t hash;
	struct alx_value *key; /* nkey values */
	void *data;
	int64_t count;
};
struct alx_htab *alx_htab_create(struct alx_exec *ex, struct alx_arena *a,
				 uint32_t nkey);
/* Find; *created set when a new entry (key copied) had to be made. */
int alx_htab_get(struct alx_htab *h, const struct alx_value *key, bool create,
		 struct alx_htab_entry **out, bool *created);
/* Next entry with the same key after e (for hash joins). */
struct alx_htab_entry *alx_htab_next_same(struct alx_htab *h,
					  struct alx_htab_entry *e,
					  const struct alx_value *key);
/* Always adds (duplicates allowed). */
int alx_htab_add(struct alx_htab *h, const struct alx_value *key,
		 struct alx_htab_entry **out);
struct alx_htab_entry *alx_htab_first(struct alx_htab *h);
void alx_htab_destroy(struct alx_htab *h);
uint64_t alx_row_hash(const struct alx_value *v, uint32_t n);
bool alx_row_equal(const struct alx_value *a, const struct alx_value *b,
		   uint32_t n);

/*
 * Scan quals compiled for integers (sql_exec_iqual.c). compile: at every
 * scan open (parameters are read then). count: how many leading quals
 * compiled (0: none). test on a stored row: 0 a compiled qual rejects it;
 * 1 they all hold (the rest of the quals still to test); -1 undecided,
 * every qual to test the generic way.
 */
int alx_iqual_compile(struct alx_node *n);
uint32_t alx_iqual_count(const struct alx_node *n);
int alx_iqual_test(const struct alx_node *n, alopex_slice row);

/*
 * The integer fast path the evaluator (sql_expr.c) and the compiled quals
 * share, so both give the generic path's answers. Inline: the quals run it
 * per row. rank: 1 INT2, 2 INT4, 3 INT8, 0 other types.
 */
static inline int alx_int_rank(int type)
{
	return type == ALX_T_INT2   ? 1
	       : type == ALX_T_INT4 ? 2
	       : type == ALX_T_INT8 ? 3
				    : 0;
}
/* Is z in the range of rank's type? */
static inline bool alx_int_fits(int rank, int64_t z)
{
	return rank == 3 || (rank == 2 && z >= INT32_MIN && z <= INT32_MAX) ||
	       (rank == 1 && z >= INT16_MIN && z <= INT16_MAX);
}
/* x op y (+ - * / %) in rank's type as the generic path computes it; false
 * when that path must decide (overflow, out of the type's range, a 0 or -1
 * divisor, another operator). */
static inline bool alx_int_arith_fast(int op, int rank, int64_t x, int64_t y,
				      int64_t *out)
{
	int64_t z;
	switch (op) {
	case ALX_OP_ADD:
		if (__builtin_add_overflow(x, y, &z))
			return false;
		break;
	case ALX_OP_SUB:
		if (__builtin_sub_overflow(x, y, &z))
			return false;
		break;
	case ALX_OP_MUL:
		if (__builtin_mul_overflow(x, y, &z))
			return false;
		break;
	case ALX_OP_DIV:
	case ALX_OP_MOD:
		if (y == 0 || y == -1)
			return false;
		z = op == ALX_OP_DIV ? x / y : x % y;
		break;
	default:
		return false;
	}
	if (!alx_int_fits(rank, z))
		return false;
	*out = z;
	return true;
}

/* The session's clock and sequences for functions. */
int alx_exec_nextval(struct alx_exec *ex, const struct alx_cat_sequence *seq,
		     int64_t *out);

#endif
