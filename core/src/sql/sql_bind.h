/*
 * The binder: syntax trees (sql_ast.h) to bound trees whose names are
 * resolved against the catalog and whose expressions carry types, with
 * PostgreSQL's errors (42P01, 42703, 42702, 42804, 42883, 42803, ...).
 *
 * Rows. A query's FROM clause is a list of range-table entries (RTEs); the
 * "FROM row" is the concatenation of all their columns, so every column
 * has one slot number in the query. Plan nodes below the projection all
 * produce full-width rows (slots of RTEs outside their subtree are left
 * alone), so a column reference (ALX_BX_VAR) is a slot index wherever it
 * is evaluated. Aggregation produces an "agg row": group expressions, then
 * aggregate results; HAVING, targets and ORDER BY of an aggregated query
 * are rewritten to reference it. The projection row holds the targets,
 * then "junk" columns that only ORDER BY uses.
 *
 * Parameters ($n) get their type from the context of their first use, as
 * PostgreSQL infers them; those still unknown at the end become text.
 *
 * Everything lives in the arena given to the binder.
 */
#ifndef ALX_SQL_BIND_H
#define ALX_SQL_BIND_H

#include <stdbool.h>
#include <stdint.h>

#include "alopex.h"
#include "sql/sql_ast.h"
#include "sql/sql_catalog.h"
#include "sql/sql_value.h"

struct alx_arena;
struct alx_session;
struct alx_plan;
struct alx_ev;
struct alx_bq;

enum alx_bx_kind {
	ALX_BX_CONST = 1, /* u.v */
	ALX_BX_PARAM,	  /* u.param: 0-based */
	ALX_BX_VAR,	  /* u.var: level (0: this query), slot */
	ALX_BX_CMP,	  /* u.op: ALX_CMP_*, args[0..1] */
	ALX_BX_ARITH,	  /* u.op: enum alx_binop, args[0..1] */
	ALX_BX_NEG,	  /* args[0] */
	ALX_BX_AND,	  /* args */
	ALX_BX_OR,	  /* args */
	ALX_BX_NOT,	  /* args[0] */
	ALX_BX_TEST,	  /* u.test, args[0] */
	ALX_BX_DISTINCT,  /* u.test.negated: IS NOT DISTINCT; args[0..1] */
	ALX_BX_CAST,	  /* args[0] to e->type; u.cast */
	ALX_BX_FUNC,	  /* u.func, args */
	ALX_BX_AGGREF,	  /* u.agg: index into the query's aggregates */
	ALX_BX_CASE,	  /* args: [arg?] when, then, ..., else; u.kase */
	ALX_BX_COALESCE,  /* args */
	ALX_BX_NULLIF,	  /* args[0..1] */
	ALX_BX_GREATEST,  /* args */
	ALX_BX_LEAST,	  /* args */
	ALX_BX_LIKE,	  /* u.like; args: value, pattern[, escape] */
	ALX_BX_IN,	  /* u.test.negated; args: value, list... */
	ALX_BX_SUBLINK,	  /* u.sub */
};

enum alx_cmp {
	ALX_CMP_EQ = 1,
	ALX_CMP_NE,
	ALX_CMP_LT,
	ALX_CMP_LE,
	ALX_CMP_GT,
	ALX_CMP_GE,
};

struct alx_func_def;

struct alx_bx {
	uint8_t kind; /* enum alx_bx_kind */
	struct alx_type type;
	uint32_t nargs;
	struct alx_bx **args;
	union {
		struct alx_value v;
		uint32_t param;
		struct {
			uint32_t level, slot;
		} var;
		struct {
			int code;
		} op;
		struct {
			uint8_t what; /* enum alx_sql_test_kind */
			bool negated;
		} test;
		struct {
			bool explicit_;
		} cast;
		struct {
			const struct alx_func_def *def;
			const void *data; /* per call: a sequence, ... */
			int64_t idata;
		} func;
		struct {
			uint32_t index;
		} agg;
		struct {
			bool has_arg, has_else;
		} kase;
		struct {
			uint8_t kind; /* enum alx_sql_like_kind */
			bool negated;
		} like;
		struct {
			uint8_t kind; /* enum alx_sql_sublink_kind */
			bool negated;
			int cmp; /* IN/ANY/ALL: ALX_CMP_* */
			bool correlated;
			uint32_t id; /* runtime slot, unique per statement */
			struct alx_bq *query;
			struct alx_plan *plan;
		} sub;
	} u;
};

enum alx_agg_kind {
	ALX_AGG_COUNT_STAR = 1,
	ALX_AGG_COUNT,
	ALX_AGG_SUM,
	ALX_AGG_AVG,
	ALX_AGG_MIN,
	ALX_AGG_MAX,
	ALX_AGG_BOOL_AND,
	ALX_AGG_BOOL_OR,
	ALX_AGG_STRING_AGG,
	ALX_AGG_ARRAY_AGG,
};

struct alx_agg {
	uint8_t kind;
	bool distinct;
	struct alx_bx *arg;    /* over the FROM row; NULL for count(*) */
	struct alx_bx *arg2;   /* string_agg delimiter */
	struct alx_bx *filter; /* FILTER (WHERE ...) */
	struct alx_type type;  /* result */
	/* string_agg(x, d ORDER BY k, ...): the keys, over the FROM row */
	uint32_t norder;
	struct alx_bx **order;
	bool *order_desc;
	bool *nulls_first;
};

enum alx_rte_kind {
	ALX_RTE_TABLE = 1,
	ALX_RTE_SUBQUERY, /* also CTE references and VALUES in FROM */
	ALX_RTE_FUNCTION, /* generate_series */
	ALX_RTE_VALUES,
	ALX_RTE_SYSCAT, /* a pg_catalog/information_schema table (syscat) */
};

struct alx_rte {
	uint8_t kind;
	char *alias; /* the name columns are qualified with */
	uint32_t ncols;
	char **colnames;
	struct alx_type *coltypes;
	uint32_t off;  /* first slot */
	bool nullable; /* inner side of an outer join */
	/* TABLE */
	const struct alx_cat_table *table;
	bool want_key; /* DML target: the row key goes to key_slot */
	uint32_t key_slot;
	/* SUBQUERY */
	struct alx_bq *sub;
	/* FUNCTION */
	struct alx_bx *func;
	/* VALUES: rows of ncols expressions, already of coltypes */
	struct alx_bx ***rows;
	uint32_t nrows;
	/* columns merged away by JOIN USING: invisible unqualified */
	bool *hidden;
	/* the slots a column of this RTE takes: off + i; hidden columns of
	 * a table (dropped ones) keep their slots */
	/* SYSCAT: rows computed when the scan opens (sql_syscat.h) */
	const struct alx_syscat_def *syscat;
};

enum alx_from_kind {
	ALX_FROM_REL = 1, /* rte */
	ALX_FROM_JOIN,
};

struct alx_bfrom {
	uint8_t kind;
	uint32_t rte; /* REL */
	uint8_t join; /* enum alx_sql_join_kind */
	struct alx_bfrom *l, *r;
	struct alx_bx *on; /* NULL: none (CROSS) */
	char **using_cols; /* USING / NATURAL: listed first by * */
	uint32_t nusing;
	uint32_t rte_lo, rte_hi; /* RTEs of the subtree: [lo, hi) */
};

struct alx_sortkey {
	uint32_t col; /* column of the row being sorted */
	bool desc, nulls_first;
};

enum alx_bq_kind {
	ALX_BQ_SELECT = 1,
	ALX_BQ_SETOP,
};

struct alx_bq {
	uint8_t kind;
	/* FROM */
	uint32_t nrte;
	struct alx_rte **rtes;
	uint32_t width; /* slots of the FROM row */
	struct alx_type *slot_types;
	struct alx_bfrom *from; /* NULL: no FROM (one empty row) */
	struct alx_bx *where;
	/* aggregation */
	bool grouped;
	uint32_t ngroup;
	struct alx_bx **group; /* over the FROM row */
	uint32_t naggs;
	struct alx_agg **aggs;
	struct alx_bx *having; /* over the agg row */
	/* output: targets[0..ntargets) visible, then junk */
	uint32_t ntargets, nout;
	struct alx_bx **targets;
	char **names;
	struct alx_type *types;
	bool distinct;
	uint32_t nsort;
	struct alx_sortkey *sort; /* over the output row */
	struct alx_bx *limit, *offset;
	/* SETOP */
	uint8_t setop; /* enum alx_sql_setop */
	bool all;
	struct alx_bq *larg, *rarg;
	/* SELECT DISTINCT ON: the output columns that make a group; sort
	 * starts with them (the binder completes it), then each group's
	 * first row is kept */
	uint32_t ndistinct_on;
	uint32_t *distinct_on;
};

/* ---- DML ----------------------------------------------------------------- */

struct alx_bdml {
	uint8_t kind; /* ALX_SQL_STMT_INSERT / UPDATE / DELETE */
	const struct alx_cat_table *table;
	/* INSERT: the source produces ncols values in insert_cols order */
	struct alx_bq *source; /* INSERT ... SELECT/VALUES; the scan for
				  UPDATE/DELETE (FROM row incl. the key) */
	uint32_t ninsert;
	uint32_t *insert_cols;	  /* table column per source column */
	struct alx_bx **defaults; /* per table column: DEFAULT, NULL: none */
	struct alx_bx **checks;	  /* over the new row (slots = columns) */
	uint32_t nchecks;
	/* UPDATE: per table column, the new value over the source row, or
	 * NULL to keep; DEFAULT markers already replaced. */
	struct alx_bx **set;
	uint32_t target_off; /* slot of the target's first column */
	uint32_t key_slot;   /* slot of the row key */
	/* ON CONFLICT */
	uint8_t conflict; /* 0 none, ALX_SQL_CONFLICT_NOTHING/UPDATE */
	const struct alx_cat_index *conflict_index; /* NULL: any unique */
	struct alx_bx **conflict_set; /* over [existing row, excluded row] */
	struct alx_bx *conflict_where;
	/* RETURNING over the new (or deleted) row: slots = columns */
	uint32_t nreturning;
	struct alx_bx **returning;
	char **ret_names;
	struct alx_type *ret_types;
};

/* ---- the binder ---------------------------------------------------------- */

struct alx_bind_ctx {
	struct alx_arena *a;
	struct alx_session *s;
	const struct alx_catalog *cat;
	/* parameters: types as inferred (ALX_T_UNKNOWN: not yet) */
	uint32_t nparams;
	struct alx_type *param_types;
	bool params_fixed; /* types given by the caller: do not change */
	uint32_t nsublinks;
	bool volatile_seen; /* now(), nextval(): no constant folding */
	/* the next query bound is a set operation's operand: its unknown
	 * outputs stay unknown until the operation resolves them */
	bool keep_unknown;
	alopex_diag *d;
	/* 1 + the byte offset (sql_ast.h loc) of the name an error is
	 * about, for ErrorResponse's position; 0: none */
	uint32_t err_pos;
};

struct alx_scope; /* name resolution state of one query level */

/* Queries and statements. */
int alx_bind_select(struct alx_bind_ctx *b, const struct alx_sql_select *q,
		    struct alx_scope *outer, struct alx_bq **out);
int alx_bind_insert(struct alx_bind_ctx *b, const struct alx_sql_insert *q,
		    struct alx_bdml **out);
int alx_bind_update(struct alx_bind_ctx *b, const struct alx_sql_update *q,
		    struct alx_bdml **out);
int alx_bind_delete(struct alx_bind_ctx *b, const struct alx_sql_delete *q,
		    struct alx_bdml **out);
/* Unknown parameter types become text (after the whole statement). */
void alx_bind_finish_params(struct alx_bind_ctx *b);

/*
 * An expression over the columns of one table (defaults, checks, index
 * expressions): slot i is column i. tbl NULL: no columns.
 */
int alx_bind_table_expr(struct alx_bind_ctx *b, const struct alx_cat_table *t,
			const struct alx_sql_expr *e, struct alx_bx **out);
/* Parse and bind stored expression text (a default or a check). */
int alx_bind_expr_text(struct alx_bind_ctx *b, const struct alx_cat_table *t,
		       const char *text, struct alx_bx **out);

/* ---- expression binding (sql_bind_expr.c) ------------------------------- */

enum alx_expr_ctx {
	ALX_ECTX_DEFAULT = 0,
	ALX_ECTX_WHERE,	       /* no aggregates */
	ALX_ECTX_TARGET,       /* aggregates allowed */
	ALX_ECTX_HAVING,       /* aggregates allowed */
	ALX_ECTX_DEFAULT_EXPR, /* column default: no columns, no subqueries */
	ALX_ECTX_AGG_ARG,      /* inside an aggregate: no nested aggregates */
	ALX_ECTX_VALUES,
	ALX_ECTX_LIMIT,
};

int alx_bind_expr(struct alx_bind_ctx *b, struct alx_scope *sc,
		  const struct alx_sql_expr *e, int ectx, struct alx_bx **out);
/*
 * Coerce *e to type t: unknown literals and parameters take t (literals
 * through the input function), other types need a cast of `min_ctx` or
 * better (enum alx_cast_ctx). what: the column name for assignment
 * errors (42804 `column "a" is of type integer but expression is of type
 * text`), NULL for a generic 42804.
 */
int alx_bind_coerce(struct alx_bind_ctx *b, struct alx_bx **e,
		    struct alx_type t, int min_ctx, const char *what);
/* A boolean condition (WHERE, ON, HAVING): 42804 `argument of WHERE must
 * be type boolean, not type integer`. */
int alx_bind_bool(struct alx_bind_ctx *b, struct alx_bx **e,
		  const char *clause);
/* The common type of a set of expressions (CASE, COALESCE, UNION, VALUES,
 * IN), coercing them all: 42804 `CASE types integer and text cannot be
 * matched`. */
int alx_bind_common_type(struct alx_bind_ctx *b, struct alx_bx **v, uint32_t n,
			 const char *construct, struct alx_type *out);
struct alx_bx *alx_bx_new(struct alx_bind_ctx *b, int kind, struct alx_type t,
			  uint32_t nargs);
struct alx_bx *alx_bx_const(struct alx_bind_ctx *b, struct alx_value v,
			    struct alx_type t);
/* Fold a constant expression tree (no columns, params, volatile calls). */
bool alx_bx_is_const(const struct alx_bx *e);
/* Whether e references level-0 slots in [lo, hi); any_outer: level > 0. */
bool alx_bx_uses_slots(const struct alx_bx *e, uint32_t lo, uint32_t hi);
bool alx_bx_has_outer(const struct alx_bx *e, uint32_t level);
bool alx_bx_equal(const struct alx_bx *a, const struct alx_bx *b);

/* Scopes (sql_bind_query.c). */
struct alx_scope {
	struct alx_scope *parent;
	struct alx_bq *q;      /* RTEs to resolve names against */
	uint32_t nrte_visible; /* only the first n RTEs (during FROM) */
	/* aggregates collected while binding targets/having */
	bool agg_allowed;
	uint32_t depth; /* 0: the statement's top query */
	/* a table expression's columns (defaults, checks, RETURNING) */
	const struct alx_cat_table *table;
	const char *table_alias;
	uint32_t table_off;
	/* ON CONFLICT: "excluded" columns after the target's */
	const struct alx_cat_table *excluded;
	uint32_t excluded_off;
	/* WITH: the first nwith CTEs of `with` are visible */
	const struct alx_sql_with *with;
	uint32_t nwith;
	int ectx_clause; /* for messages: where aggregates are refused */
	bool nolevel;	 /* only holds CTEs: not a query level of its own */
};

/* Whether q references query levels above `level` (0: q's own). */
bool alx_bq_references_outer(const struct alx_bq *q, uint32_t level);

/* SQL text of an expression (sql_bind_deparse.c), for stored defaults
 * and checks; NULL when out of memory or not expressible. */
char *alx_sql_expr_deparse(struct alx_arena *a, const struct alx_sql_expr *e);
/* A table by possibly qualified name, through search_path: 42P01. */
int alx_bind_resolve_table(struct alx_bind_ctx *b,
			   const struct alx_sql_names *n,
			   const struct alx_cat_table **out);
/* The schema a new object goes to (first existing search_path entry). */
int alx_bind_create_schema(struct alx_bind_ctx *b,
			   const struct alx_sql_names *n,
			   const struct alx_cat_schema **out);
int alx_bind_typename(struct alx_bind_ctx *b, const struct alx_sql_typename *tn,
		      struct alx_type *out);

/* ---- errors --------------------------------------------------------------- */

int alx_bind_err(struct alx_bind_ctx *b, const char *sqlstate, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));
int alx_bind_oom(struct alx_bind_ctx *b);
/* After rc from binding the name at loc: remember loc for the error's
 * position (undefined table or column, ambiguous column). */
void alx_bind_note_pos(struct alx_bind_ctx *b, int rc, int32_t loc);
const char *alx_type_sqlname(struct alx_type t, char *buf, size_t size);

/* ---- row constructor comparisons (sql_bind_row.c) ------------------------ */

bool alx_sql_is_row(const struct alx_sql_expr *x);
/* (a, b) op (c, d) for op = <> < <= > >= (x is an ALX_SQL_E_OP). */
int alx_bind_row_op(struct alx_bind_ctx *b, struct alx_scope *sc,
		    const struct alx_sql_expr *x, int ectx,
		    struct alx_bx **out);
int alx_bind_row_distinct(struct alx_bind_ctx *b, struct alx_scope *sc,
			  const struct alx_sql_expr *x, int ectx,
			  struct alx_bx **out);
/* (a, b) [NOT] IN ((1, 2), ...): x->u.in.arg is a row. */
int alx_bind_row_in(struct alx_bind_ctx *b, struct alx_scope *sc,
		    const struct alx_sql_expr *x, int ectx,
		    struct alx_bx **out);
/* From sql_bind_expr.c: l op r with PostgreSQL's operand coercion, folded;
 * l IS [NOT] DISTINCT FROM r; constant folding; an ALX_CMP_* as text. */
int alx_bind_make_cmp(struct alx_bind_ctx *b, int code, struct alx_bx *l,
		      struct alx_bx *r, struct alx_bx **out);
int alx_bind_make_distinct(struct alx_bind_ctx *b, struct alx_bx *l,
			   struct alx_bx *r, bool negated, struct alx_bx **out);
int alx_bind_fold(struct alx_bind_ctx *b, struct alx_bx **e);
const char *alx_cmp_text(int code);

#endif
