/*
 * The SQL syntax tree: what the parser (sql_parse*.c) produces and the
 * binder consumes. PostgreSQL dialect; no catalog knowledge: names are as
 * written (folded), types are names plus modifiers.
 *
 * Conventions:
 * - Every node lives in the arena passed to the parser; nothing to free.
 * - `loc` is the byte offset, in the whole source text, of the token that
 *   starts the node (for error positions: alx_sql_char_position()), except
 *   that operator nodes (binary, postfix, IS, BETWEEN, IN, LIKE, ::, AND,
 *   OR, COLLATE, subscripts) point at their operator, as PostgreSQL's
 *   error positions do ("operator does not exist" points at the +).
 * - Lists are arrays with counts; a count of 0 means absent or empty.
 * - Strings (struct alx_sql_str) are slices that are also NUL-terminated
 *   (SQL text can hold no NUL); len 0 with ptr NULL means absent.
 * - Expression trees are at most opts->max_depth deep (the parser refuses
 *   deeper ones with 54001), so a walker recursing once per level, plus
 *   once per nested statement, stays within that many frames. AND and OR
 *   chains are flattened into one node with many arguments, as
 *   PostgreSQL does, so long chains stay shallow.
 *
 * Walking: switch on stmt->kind and take the matching union member;
 * queries are struct alx_sql_select (simple, VALUES, or a set operation of
 * two queries); expressions switch on expr->kind (see the union below for
 * the member each kind uses). alx_sql_stmt_print() shows the shape of
 * every node and is the reference for what the parser builds.
 */
#ifndef ALX_SQL_AST_H
#define ALX_SQL_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alopex.h"

struct alx_arena;

struct alx_sql_str {
	const char *ptr;
	uint32_t len;
};

/* A possibly qualified name: schema.table, table.column, a.b.c. */
struct alx_sql_names {
	struct alx_sql_str *v;
	uint32_t n;
};

struct alx_sql_expr;
struct alx_sql_select;
struct alx_sql_stmt;

struct alx_sql_exprs {
	struct alx_sql_expr **v;
	uint32_t n;
};

/*
 * A type as written. SQL-standard spellings are canonicalised as
 * PostgreSQL's grammar does: integer/int -> "int4", bigint -> "int8",
 * smallint -> "int2", real -> "float4", double precision -> "float8",
 * float(p) -> "float4" (p <= 24) or "float8", decimal -> "numeric",
 * boolean -> "bool", character varying/varchar -> "varchar",
 * character/char -> "bpchar" (char without a length gets mods [1]),
 * timestamp [without time zone] -> "timestamp", timestamp with time zone
 * -> "timestamptz", time [with time zone] -> "time"/"timetz", interval ->
 * "interval", bit [varying] -> "bit"/"varbit". Other names (int4, text,
 * vector, uuid, json, serial, ...) are kept folded as written, qualified
 * when written so (pg_catalog.int4, public.vector).
 */
struct alx_sql_typename {
	int32_t loc;
	struct alx_sql_names names;
	int32_t mods[2];
	uint8_t nmods;
	uint8_t array_dims; /* int[] and int ARRAY: 1; int[][]: 2 */
	/* INTERVAL fields: INTERVAL '1' DAY TO HOUR; 0 when absent */
	uint16_t interval_fields; /* ALX_SQL_IV_* bits */
};

enum alx_sql_interval_field {
	ALX_SQL_IV_YEAR = 1 << 0,
	ALX_SQL_IV_MONTH = 1 << 1,
	ALX_SQL_IV_DAY = 1 << 2,
	ALX_SQL_IV_HOUR = 1 << 3,
	ALX_SQL_IV_MINUTE = 1 << 4,
	ALX_SQL_IV_SECOND = 1 << 5,
};

/* ---- expressions ------------------------------------------------------- */

enum alx_sql_expr_kind {
	ALX_SQL_E_CONST = 1, /* u.cnst */
	ALX_SQL_E_COLUMN,    /* u.column: a, t.a, s.t.a, *, t.* */
	ALX_SQL_E_PARAM,     /* u.param: $n */
	ALX_SQL_E_OP,	     /* u.op: binary or prefix operator */
	ALX_SQL_E_AND,	     /* u.list: two or more arguments */
	ALX_SQL_E_OR,	     /* u.list */
	ALX_SQL_E_NOT,	     /* u.unary */
	ALX_SQL_E_TEST,	     /* u.test: IS [NOT] NULL/TRUE/FALSE/UNKNOWN */
	ALX_SQL_E_DISTINCT,  /* u.binary: IS [NOT] DISTINCT FROM */
	ALX_SQL_E_BETWEEN,   /* u.between */
	ALX_SQL_E_IN,	     /* u.in: x [NOT] IN (list) */
	ALX_SQL_E_LIKE,	     /* u.like: [NOT] LIKE/ILIKE/SIMILAR TO */
	ALX_SQL_E_SUBLINK, /* u.sublink: EXISTS, scalar, IN, ANY, ALL, ARRAY */
	ALX_SQL_E_ARRAY_CMP, /* u.array_cmp: x op ANY|ALL (array) */
	ALX_SQL_E_CASE,	     /* u.kase */
	ALX_SQL_E_CAST,	     /* u.cast: CAST(x AS t), x::t, t 'literal' */
	ALX_SQL_E_FUNC,	     /* u.func: f(...), count(*), SQL-syntax calls */
	ALX_SQL_E_COALESCE,  /* u.list */
	ALX_SQL_E_NULLIF,    /* u.list: two arguments */
	ALX_SQL_E_GREATEST,  /* u.list */
	ALX_SQL_E_LEAST,     /* u.list */
	ALX_SQL_E_SQLVALUE,  /* u.sqlvalue: CURRENT_DATE, CURRENT_USER, ... */
	ALX_SQL_E_ARRAY,     /* u.list: ARRAY[...] (elements may be ARRAYs) */
	ALX_SQL_E_ROW,	     /* u.list: ROW(a, b) or (a, b) */
	ALX_SQL_E_SUBSCRIPT, /* u.subscript: x[i], x[lo:hi] */
	ALX_SQL_E_VECTOR,    /* u.vector: Alopex's bare [1, 2.5, -3] */
	ALX_SQL_E_COLLATE,   /* u.collate: x COLLATE name */
	ALX_SQL_E_DEFAULT,   /* DEFAULT in VALUES rows and UPDATE SET */
};

enum alx_sql_const_kind {
	ALX_SQL_C_NULL = 1,
	ALX_SQL_C_BOOL,	   /* ival 0 or 1 */
	ALX_SQL_C_INT,	   /* fits int64: ival; str is the text */
	ALX_SQL_C_NUMERIC, /* decimal, exponent, or too big for int64: str */
	ALX_SQL_C_STRING,  /* str: decoded ('it''s' -> it's) */
	ALX_SQL_C_BITS,	   /* B'0101': str "0101" */
	ALX_SQL_C_HEXBITS, /* X'ff': str "ff" */
};

/* Operators by code; the text is in u.op.name for every operator. */
enum alx_sql_op {
	ALX_SQL_OP_OTHER = 0, /* any other operator: see name */
	ALX_SQL_OP_EQ,	      /* = */
	ALX_SQL_OP_NE,	      /* <> and != */
	ALX_SQL_OP_LT,
	ALX_SQL_OP_GT,
	ALX_SQL_OP_LE,
	ALX_SQL_OP_GE,
	ALX_SQL_OP_ADD, /* + (prefix: unary plus) */
	ALX_SQL_OP_SUB, /* - (prefix: negation) */
	ALX_SQL_OP_MUL,
	ALX_SQL_OP_DIV,
	ALX_SQL_OP_MOD,
	ALX_SQL_OP_POW,	       /* ^ */
	ALX_SQL_OP_CONCAT,     /* || */
	ALX_SQL_OP_JSON_GET,   /* -> */
	ALX_SQL_OP_JSON_TEXT,  /* ->> */
	ALX_SQL_OP_JSON_PATH,  /* #> */
	ALX_SQL_OP_JSON_PTEXT, /* #>> */
	ALX_SQL_OP_CONTAINS,   /* @> */
	ALX_SQL_OP_CONTAINED,  /* <@ */
	ALX_SQL_OP_JSON_HAS,   /* ? */
	ALX_SQL_OP_LIKE,       /* ~~ (LIKE as an operator) */
	ALX_SQL_OP_NOT_LIKE,   /* !~~ */
	ALX_SQL_OP_ILIKE,      /* ~~* */
	ALX_SQL_OP_NOT_ILIKE,  /* !~~* */
	ALX_SQL_OP_L2,	       /* <-> pgvector L2 distance */
	ALX_SQL_OP_COSINE,     /* <=> cosine distance */
	ALX_SQL_OP_NEG_IP,     /* <#> negative inner product */
};

enum alx_sql_test_kind {
	ALX_SQL_TEST_NULL = 1,
	ALX_SQL_TEST_TRUE,
	ALX_SQL_TEST_FALSE,
	ALX_SQL_TEST_UNKNOWN,
};

enum alx_sql_like_kind {
	ALX_SQL_LIKE = 1,
	ALX_SQL_ILIKE,
	ALX_SQL_SIMILAR,
};

enum alx_sql_sublink_kind {
	ALX_SQL_SUB_EXISTS = 1, /* EXISTS (q) */
	ALX_SQL_SUB_EXPR,	/* (q) as a value */
	ALX_SQL_SUB_IN,		/* test [NOT] IN (q) */
	ALX_SQL_SUB_ANY,	/* test op ANY|SOME (q) */
	ALX_SQL_SUB_ALL,	/* test op ALL (q) */
	ALX_SQL_SUB_ARRAY,	/* ARRAY(q) */
};

enum alx_sql_cast_form {
	ALX_SQL_CAST_FUNC = 1, /* CAST(x AS t) */
	ALX_SQL_CAST_OP,       /* x::t */
	ALX_SQL_CAST_PREFIX,   /* t 'literal': DATE '2024-01-01' */
};

enum alx_sql_func_form {
	ALX_SQL_FUNC_CALL = 0, /* f(args) */
	/*
	 * Written in SQL's special syntax and mapped, as PostgreSQL does, to
	 * a call: EXTRACT(f FROM x) -> extract('f', x); POSITION(a IN b) ->
	 * position(b, a); SUBSTRING(x FROM a FOR b) -> substring(x, a, b);
	 * TRIM([BOTH] c FROM x) -> btrim(x, c) (LEADING: ltrim, TRAILING:
	 * rtrim); OVERLAY(x PLACING y FROM a [FOR b]) -> overlay(x, y, a[, b]);
	 * x AT TIME ZONE z -> timezone(z, x).
	 */
	ALX_SQL_FUNC_SQL_SYNTAX,
};

enum alx_sql_sqlvalue_kind {
	ALX_SQL_V_CURRENT_DATE = 1,
	ALX_SQL_V_CURRENT_TIME,
	ALX_SQL_V_CURRENT_TIMESTAMP,
	ALX_SQL_V_LOCALTIME,
	ALX_SQL_V_LOCALTIMESTAMP,
	ALX_SQL_V_CURRENT_ROLE,
	ALX_SQL_V_CURRENT_USER,
	ALX_SQL_V_SESSION_USER,
	ALX_SQL_V_USER,
	ALX_SQL_V_CURRENT_CATALOG,
	ALX_SQL_V_CURRENT_SCHEMA,
};

enum alx_sql_sort_dir {
	ALX_SQL_SORT_DEFAULT = 0,
	ALX_SQL_SORT_ASC,
	ALX_SQL_SORT_DESC,
};

enum alx_sql_nulls_order {
	ALX_SQL_NULLS_DEFAULT = 0,
	ALX_SQL_NULLS_FIRST,
	ALX_SQL_NULLS_LAST,
};

/* ORDER BY item; also used inside aggregates. */
struct alx_sql_sortby {
	int32_t loc;
	struct alx_sql_expr *expr;
	uint8_t dir;   /* enum alx_sql_sort_dir */
	uint8_t nulls; /* enum alx_sql_nulls_order */
	/* ORDER BY x USING op: the operator text (dir is then DEFAULT). */
	struct alx_sql_str using_op;
};

struct alx_sql_when {
	struct alx_sql_expr *cond, *result;
};

struct alx_sql_expr {
	uint8_t kind; /* enum alx_sql_expr_kind */
	int32_t loc;
	uint32_t height; /* 1 for a leaf; 1 + the tallest child otherwise */
	union {
		struct {
			uint8_t kind; /* enum alx_sql_const_kind */
			int64_t ival;
			struct alx_sql_str str;
		} cnst;
		struct {
			struct alx_sql_names names; /* empty for a bare * */
			bool star;		    /* * or t.* */
		} column;
		struct {
			uint32_t number; /* 1..65535 */
		} param;
		struct {
			uint8_t code; /* enum alx_sql_op */
			struct alx_sql_str name;
			/* schema of OPERATOR(schema.op); absent otherwise */
			struct alx_sql_str schema;
			struct alx_sql_expr *l; /* NULL for a prefix operator */
			struct alx_sql_expr *r;
		} op;
		struct alx_sql_exprs list;
		struct {
			struct alx_sql_expr *arg;
		} unary;
		struct {
			struct alx_sql_expr *l, *r;
			bool negated; /* IS NOT DISTINCT FROM */
		} binary;
		struct {
			struct alx_sql_expr *arg;
			uint8_t what; /* enum alx_sql_test_kind */
			bool negated; /* IS NOT ...; NOTNULL */
		} test;
		struct {
			struct alx_sql_expr *arg, *lo, *hi;
			bool negated, symmetric;
		} between;
		struct {
			struct alx_sql_expr *arg;
			struct alx_sql_exprs list;
			bool negated;
		} in;
		struct {
			struct alx_sql_expr *arg, *pattern;
			struct alx_sql_expr *escape; /* NULL: none */
			uint8_t kind; /* enum alx_sql_like_kind */
			bool negated;
		} like;
		struct {
			uint8_t kind; /* enum alx_sql_sublink_kind */
			bool negated; /* NOT IN (q) */
			struct alx_sql_expr *test; /* IN, ANY, ALL */
			uint8_t op_code;	   /* ANY, ALL: the operator */
			struct alx_sql_str op_name;
			struct alx_sql_select *query;
		} sublink;
		struct {
			uint8_t op_code;
			struct alx_sql_str op_name;
			bool all; /* ALL; else ANY/SOME */
			struct alx_sql_expr *l, *r;
		} array_cmp;
		struct {
			struct alx_sql_expr *arg; /* CASE x WHEN ...: x */
			struct alx_sql_when *whens;
			uint32_t nwhens;
			struct alx_sql_expr *else_; /* NULL: ELSE NULL */
		} kase;
		struct {
			struct alx_sql_expr *arg;
			struct alx_sql_typename *type;
			uint8_t form; /* enum alx_sql_cast_form */
		} cast;
		struct {
			struct alx_sql_names name;
			struct alx_sql_exprs args;
			/* f(name => x): arg_names[i] for args[i], len 0 when
			 * positional; NULL when no argument is named */
			struct alx_sql_str *arg_names;
			bool star;     /* count(*) */
			bool distinct; /* count(DISTINCT x) */
			bool variadic; /* last argument given as VARIADIC */
			uint8_t form;  /* enum alx_sql_func_form */
			struct alx_sql_sortby *order_by; /* agg(x ORDER BY y) */
			uint32_t norder;
			struct alx_sql_expr *filter; /* FILTER (WHERE ...) */
		} func;
		struct {
			uint8_t kind;	/* enum alx_sql_sqlvalue_kind */
			int32_t typmod; /* CURRENT_TIMESTAMP(3): 3; else -1 */
		} sqlvalue;
		struct {
			struct alx_sql_expr *base;
			struct alx_sql_expr *lo; /* the index; slice: lower */
			struct alx_sql_expr *hi; /* slice only; NULL: open */
			bool slice;
		} subscript;
		struct {
			/* canonical text "[1,2.5,-3]" for the vector input
			 * function, and the number of elements */
			struct alx_sql_str text;
			uint32_t dims;
		} vector;
		struct {
			struct alx_sql_expr *arg;
			struct alx_sql_names collation;
		} collate;
	} u;
};

/* ---- queries ----------------------------------------------------------- */

/* target list entry: expr [AS alias]; also RETURNING */
struct alx_sql_target {
	int32_t loc;
	struct alx_sql_expr *expr;
	struct alx_sql_str alias; /* absent: none */
};

/* AS name (col, ...) */
struct alx_sql_alias {
	struct alx_sql_str name; /* absent: no alias */
	struct alx_sql_str *cols;
	uint32_t ncols;
};

enum alx_sql_from_kind {
	ALX_SQL_FROM_TABLE = 1, /* name, only */
	ALX_SQL_FROM_SUBQUERY,	/* query */
	ALX_SQL_FROM_FUNCTION,	/* func (an ALX_SQL_E_FUNC), ordinality */
	ALX_SQL_FROM_JOIN,	/* join */
};

enum alx_sql_join_kind {
	ALX_SQL_JOIN_INNER = 1,
	ALX_SQL_JOIN_LEFT,
	ALX_SQL_JOIN_RIGHT,
	ALX_SQL_JOIN_FULL,
	ALX_SQL_JOIN_CROSS, /* CROSS JOIN (no condition) */
};

struct alx_sql_from {
	uint8_t kind; /* enum alx_sql_from_kind */
	int32_t loc;
	bool lateral;
	bool only; /* ONLY t */
	struct alx_sql_names name;
	struct alx_sql_select *query;
	struct alx_sql_expr *func;
	bool ordinality; /* WITH ORDINALITY */
	struct {
		uint8_t kind; /* enum alx_sql_join_kind */
		bool natural;
		struct alx_sql_from *left, *right;
		struct alx_sql_expr *on;
		struct alx_sql_str *using_cols;
		uint32_t nusing;
	} join;
	struct alx_sql_alias alias;
};

enum alx_sql_cte_materialize {
	ALX_SQL_CTE_DEFAULT = 0,
	ALX_SQL_CTE_MATERIALIZED,
	ALX_SQL_CTE_NOT_MATERIALIZED,
};

struct alx_sql_cte {
	int32_t loc;
	struct alx_sql_str name;
	struct alx_sql_str *cols;
	uint32_t ncols;
	uint8_t materialized;	   /* enum alx_sql_cte_materialize */
	struct alx_sql_stmt *stmt; /* SELECT, or INSERT/UPDATE/DELETE */
};

struct alx_sql_with {
	int32_t loc;
	bool recursive;
	struct alx_sql_cte *ctes;
	uint32_t nctes;
};

enum alx_sql_select_kind {
	ALX_SQL_SELECT_SIMPLE = 1,
	ALX_SQL_SELECT_VALUES,
	ALX_SQL_SELECT_SETOP,
};

enum alx_sql_distinct {
	ALX_SQL_DISTINCT_NONE = 0, /* also SELECT ALL */
	ALX_SQL_DISTINCT_ALL,	   /* SELECT DISTINCT */
	ALX_SQL_DISTINCT_ON,	   /* SELECT DISTINCT ON (distinct_on) */
};

enum alx_sql_setop {
	ALX_SQL_UNION = 1,
	ALX_SQL_INTERSECT,
	ALX_SQL_EXCEPT,
};

/*
 * A query. ORDER BY / LIMIT / OFFSET / WITH apply to the whole query, so a
 * set operation carries them on the SETOP node, its operands carry their
 * own only when written in parentheses.
 */
struct alx_sql_select {
	uint8_t kind; /* enum alx_sql_select_kind */
	int32_t loc;
	struct alx_sql_with *with;
	/* SIMPLE */
	uint8_t distinct; /* enum alx_sql_distinct */
	struct alx_sql_exprs distinct_on;
	struct alx_sql_target *targets;
	uint32_t ntargets; /* 0 is legal: SELECT FROM t */
	struct alx_sql_from **from;
	uint32_t nfrom;
	struct alx_sql_expr *where;
	struct alx_sql_exprs group_by;
	bool group_distinct; /* GROUP BY DISTINCT */
	struct alx_sql_expr *having;
	/* VALUES: rows of expressions (DEFAULT is an ALX_SQL_E_DEFAULT) */
	struct alx_sql_exprs *rows;
	uint32_t nrows;
	/* SETOP */
	uint8_t setop; /* enum alx_sql_setop */
	bool all;
	struct alx_sql_select *larg, *rarg;
	/* every kind */
	struct alx_sql_sortby *order_by;
	uint32_t norder;
	struct alx_sql_expr *limit; /* NULL: none (limit_all: LIMIT ALL) */
	bool limit_all;
	struct alx_sql_expr *offset;
};

/* ---- generic options --------------------------------------------------- */

enum alx_sql_val_kind {
	ALX_SQL_VAL_NONE = 0, /* no value given: HEADER, ANALYZE */
	ALX_SQL_VAL_STRING,   /* 'text' */
	ALX_SQL_VAL_NUMBER,   /* 16, -1.5 (text, sign included) */
	ALX_SQL_VAL_WORD,     /* identifier or keyword, folded: csv, on */
	ALX_SQL_VAL_BOOL,     /* text "true" or "false" (TRUE, NOLOGIN, ...) */
	ALX_SQL_VAL_LIST,     /* (a, b): list */
	ALX_SQL_VAL_STAR,     /* * */
	ALX_SQL_VAL_NULL,     /* NULL (PASSWORD NULL) */
};

struct alx_sql_val {
	uint8_t kind; /* enum alx_sql_val_kind */
	int32_t loc;
	struct alx_sql_str text;
	struct alx_sql_names list;
};

/* name [=] value: WITH (m = 16), COPY options, EXPLAIN options, roles. */
struct alx_sql_defelem {
	int32_t loc;
	struct alx_sql_str name; /* folded; normalised names noted per use */
	struct alx_sql_val val;
};

/* ---- DML --------------------------------------------------------------- */

/* SET col = value (UPDATE, ON CONFLICT DO UPDATE). */
struct alx_sql_assign {
	int32_t loc;
	/*
	 * One column, or for (a, b) = (SELECT ...) the columns that the
	 * subquery's row fills. (a, b) = (x, y) and ROW(x, y) are split into
	 * one assignment per column, as PostgreSQL does.
	 */
	struct alx_sql_str *cols;
	uint32_t ncols;
	struct alx_sql_expr *value;
};

/* CREATE INDEX column; also ON CONFLICT (...) inference. */
struct alx_sql_index_elem {
	int32_t loc;
	struct alx_sql_str column; /* absent when expr is set */
	struct alx_sql_expr *expr; /* (expression) or a function call */
	struct alx_sql_names collation;
	struct alx_sql_names opclass;
	uint8_t dir;   /* enum alx_sql_sort_dir */
	uint8_t nulls; /* enum alx_sql_nulls_order */
};

enum alx_sql_conflict_action {
	ALX_SQL_CONFLICT_NOTHING = 1,
	ALX_SQL_CONFLICT_UPDATE,
};

struct alx_sql_on_conflict {
	int32_t loc;
	uint8_t action; /* enum alx_sql_conflict_action */
	struct alx_sql_index_elem *target;
	uint32_t ntarget;
	struct alx_sql_expr *target_where; /* ON CONFLICT (a) WHERE p */
	struct alx_sql_str constraint;	   /* ON CONSTRAINT name */
	struct alx_sql_assign *set;
	uint32_t nset;
	struct alx_sql_expr *where; /* DO UPDATE ... WHERE */
};

struct alx_sql_insert {
	struct alx_sql_with *with;
	struct alx_sql_names table;
	struct alx_sql_str alias;
	struct alx_sql_str *cols;
	uint32_t ncols;
	/* VALUES (a VALUES query) or any query; NULL: DEFAULT VALUES */
	struct alx_sql_select *source;
	struct alx_sql_on_conflict *on_conflict;
	struct alx_sql_target *returning;
	uint32_t nreturning;
};

struct alx_sql_update {
	struct alx_sql_with *with;
	struct alx_sql_names table;
	bool only;
	struct alx_sql_str alias;
	struct alx_sql_assign *set;
	uint32_t nset;
	struct alx_sql_from **from;
	uint32_t nfrom;
	struct alx_sql_expr *where;
	struct alx_sql_target *returning;
	uint32_t nreturning;
};

struct alx_sql_delete {
	struct alx_sql_with *with;
	struct alx_sql_names table;
	bool only;
	struct alx_sql_str alias;
	struct alx_sql_from **using_;
	uint32_t nusing;
	struct alx_sql_expr *where;
	struct alx_sql_target *returning;
	uint32_t nreturning;
};

/*
 * COPY. Options are normalised to the modern form: the legacy
 * "WITH CSV HEADER DELIMITER ','" becomes format 'csv', header (no value),
 * delimiter ','; BINARY becomes format binary; names are folded
 * (format, header, delimiter, null, quote, escape, force_quote,
 * force_not_null, force_null, encoding, freeze).
 */
struct alx_sql_copy {
	struct alx_sql_names table; /* absent for COPY (query) */
	struct alx_sql_str *cols;
	uint32_t ncols;
	struct alx_sql_stmt *query; /* COPY (query) TO */
	bool is_from;		    /* FROM (into the table) */
	bool program;		    /* FROM/TO PROGRAM 'cmd' */
	/* 'file' or PROGRAM 'cmd'; absent for STDIN/STDOUT */
	struct alx_sql_str filename;
	struct alx_sql_defelem *options;
	uint32_t noptions;
	struct alx_sql_expr *where; /* COPY ... FROM ... WHERE */
};

/* ---- DDL --------------------------------------------------------------- */

enum alx_sql_constraint_kind {
	ALX_SQL_CONS_NULL = 1, /* NULL */
	ALX_SQL_CONS_NOT_NULL,
	ALX_SQL_CONS_DEFAULT,	/* expr */
	ALX_SQL_CONS_CHECK,	/* expr */
	ALX_SQL_CONS_PRIMARY,	/* keys (table constraint) */
	ALX_SQL_CONS_UNIQUE,	/* keys (table constraint) */
	ALX_SQL_CONS_FOREIGN,	/* keys (table), ref_* */
	ALX_SQL_CONS_IDENTITY,	/* GENERATED ALWAYS|BY DEFAULT AS IDENTITY */
	ALX_SQL_CONS_GENERATED, /* GENERATED ALWAYS AS (expr) STORED */
};

enum alx_sql_fk_action {
	ALX_SQL_FK_NO_ACTION = 0,
	ALX_SQL_FK_RESTRICT,
	ALX_SQL_FK_CASCADE,
	ALX_SQL_FK_SET_NULL,
	ALX_SQL_FK_SET_DEFAULT,
};

struct alx_sql_constraint {
	uint8_t kind; /* enum alx_sql_constraint_kind */
	int32_t loc;
	struct alx_sql_str name; /* CONSTRAINT name */
	struct alx_sql_expr *expr;
	struct alx_sql_str *keys;
	uint32_t nkeys;
	struct alx_sql_str *include; /* INCLUDE (...) of PRIMARY/UNIQUE */
	uint32_t ninclude;
	struct alx_sql_defelem *with; /* WITH (...) of PRIMARY/UNIQUE */
	uint32_t nwith;
	struct alx_sql_names ref_table;
	struct alx_sql_str *ref_cols;
	uint32_t nref_cols;
	uint8_t on_delete, on_update; /* enum alx_sql_fk_action */
	bool match_full;
	bool deferrable, initially_deferred;
	bool always;		     /* IDENTITY: ALWAYS; else BY DEFAULT */
	struct alx_sql_defelem *seq; /* IDENTITY (sequence options) */
	uint32_t nseq;
};

struct alx_sql_coldef {
	int32_t loc;
	struct alx_sql_str name;
	struct alx_sql_typename *type;
	struct alx_sql_names collation;
	struct alx_sql_constraint *constraints;
	uint32_t nconstraints;
};

struct alx_sql_create_table {
	struct alx_sql_names name;
	bool temp, unlogged, if_not_exists;
	struct alx_sql_coldef *cols;
	uint32_t ncols;
	struct alx_sql_constraint *constraints; /* table constraints */
	uint32_t nconstraints;
	struct alx_sql_defelem *with;
	uint32_t nwith;
	/* CREATE TABLE name [(cols)] AS query [WITH [NO] DATA] */
	struct alx_sql_stmt *query;
	struct alx_sql_str *as_cols;
	uint32_t nas_cols;
	bool with_no_data;
};

struct alx_sql_create_index {
	struct alx_sql_str name; /* absent: the binder picks one */
	struct alx_sql_names table;
	bool unique, concurrently, if_not_exists, only;
	struct alx_sql_str method; /* folded (hnsw, btree); absent: default */
	bool method_after_columns; /* Alopex: ON t (c) USING HNSW WITH (...) */
	struct alx_sql_index_elem *elems;
	uint32_t nelems;
	struct alx_sql_str *include;
	uint32_t ninclude;
	struct alx_sql_defelem *with;
	uint32_t nwith;
	struct alx_sql_expr *where;
};

enum alx_sql_obj_kind {
	ALX_SQL_OBJ_TABLE = 1,
	ALX_SQL_OBJ_INDEX,
	ALX_SQL_OBJ_SCHEMA,
	ALX_SQL_OBJ_SEQUENCE,
	ALX_SQL_OBJ_VIEW,
	ALX_SQL_OBJ_ROLE, /* DROP ROLE and DROP USER */
	ALX_SQL_OBJ_EXTENSION,
};

enum alx_sql_behavior {
	ALX_SQL_BEHAVIOR_DEFAULT = 0,
	ALX_SQL_BEHAVIOR_RESTRICT,
	ALX_SQL_BEHAVIOR_CASCADE,
};

struct alx_sql_drop {
	uint8_t obj; /* enum alx_sql_obj_kind */
	bool if_exists, concurrently;
	uint8_t behavior; /* enum alx_sql_behavior */
	struct alx_sql_names *names;
	uint32_t nnames;
};

enum alx_sql_alter_kind {
	ALX_SQL_AT_ADD_COLUMN = 1,    /* coldef, if_not_exists */
	ALX_SQL_AT_DROP_COLUMN,	      /* name, if_exists, behavior */
	ALX_SQL_AT_ADD_CONSTRAINT,    /* constraint */
	ALX_SQL_AT_DROP_CONSTRAINT,   /* name, if_exists, behavior */
	ALX_SQL_AT_SET_DEFAULT,	      /* name, expr */
	ALX_SQL_AT_DROP_DEFAULT,      /* name */
	ALX_SQL_AT_SET_NOT_NULL,      /* name */
	ALX_SQL_AT_DROP_NOT_NULL,     /* name */
	ALX_SQL_AT_ALTER_TYPE,	      /* name, type, expr (USING) */
	ALX_SQL_AT_RENAME_TABLE,      /* newname (alone in its statement) */
	ALX_SQL_AT_RENAME_COLUMN,     /* name, newname (alone) */
	ALX_SQL_AT_RENAME_CONSTRAINT, /* name, newname (alone) */
};

struct alx_sql_alter_cmd {
	uint8_t kind; /* enum alx_sql_alter_kind */
	int32_t loc;
	struct alx_sql_str name, newname;
	struct alx_sql_coldef *coldef;
	struct alx_sql_constraint *constraint;
	struct alx_sql_expr *expr;
	struct alx_sql_typename *type;
	bool if_exists, if_not_exists;
	uint8_t behavior;
};

struct alx_sql_alter_table {
	uint8_t obj; /* TABLE, or INDEX for ALTER INDEX ... RENAME TO */
	struct alx_sql_names table;
	bool if_exists, only;
	struct alx_sql_alter_cmd *cmds;
	uint32_t ncmds;
};

struct alx_sql_truncate {
	struct alx_sql_names *tables;
	uint32_t ntables;
	bool restart_identity;
	uint8_t behavior;
};

struct alx_sql_create_schema {
	struct alx_sql_str name; /* absent: AUTHORIZATION role names it */
	struct alx_sql_str authorization;
	bool if_not_exists;
};

/* CREATE SEQUENCE; options: increment, start, minvalue, maxvalue (NULL
 * value for NO MINVALUE/NO MAXVALUE), cache, cycle (BOOL), owned_by (LIST),
 * as (WORD: the type name). */
struct alx_sql_create_sequence {
	struct alx_sql_names name;
	bool temp, if_not_exists;
	struct alx_sql_defelem *options;
	uint32_t noptions;
};

/*
 * CREATE/ALTER ROLE|USER. Options normalised as PostgreSQL does:
 * superuser, createdb, createrole, inherit, canlogin (LOGIN), isreplication
 * (REPLICATION), bypassrls: BOOL; password: STRING or NULL;
 * connectionlimit: NUMBER; validUntil: STRING; addroleto (IN ROLE),
 * rolemembers (ROLE), adminmembers (ADMIN): LIST; sysid: NUMBER.
 */
struct alx_sql_role {
	struct alx_sql_str name;
	bool is_user; /* CREATE USER: LOGIN by default */
	struct alx_sql_defelem *options;
	uint32_t noptions;
	/* ALTER ROLE name RENAME TO newname */
	struct alx_sql_str newname;
	/* ALTER ROLE CURRENT_USER ...: ALX_SQL_V_CURRENT_USER,
	 * _SESSION_USER or _CURRENT_ROLE (name is then the keyword); 0 for
	 * a role named by name */
	uint8_t spec;
};

struct alx_sql_create_extension {
	struct alx_sql_str name;
	bool if_not_exists;
	struct alx_sql_defelem *options; /* schema, version: WORD/STRING;
					    cascade */
	uint32_t noptions;
};

/* ---- transactions and session ------------------------------------------ */

enum alx_sql_txn_kind {
	ALX_SQL_TXN_BEGIN = 1, /* BEGIN and START TRANSACTION */
	ALX_SQL_TXN_COMMIT,    /* COMMIT, END */
	ALX_SQL_TXN_ROLLBACK,  /* ROLLBACK, ABORT */
	ALX_SQL_TXN_SAVEPOINT,
	ALX_SQL_TXN_RELEASE,
	ALX_SQL_TXN_ROLLBACK_TO,
};

enum alx_sql_isolation {
	ALX_SQL_ISO_DEFAULT = 0,
	ALX_SQL_ISO_READ_UNCOMMITTED,
	ALX_SQL_ISO_READ_COMMITTED,
	ALX_SQL_ISO_REPEATABLE_READ,
	ALX_SQL_ISO_SERIALIZABLE,
};

/* Transaction modes: BEGIN, START TRANSACTION, SET TRANSACTION. */
struct alx_sql_txn_modes {
	uint8_t isolation; /* enum alx_sql_isolation */
	int8_t read_only;  /* -1 unspecified, 0 READ WRITE, 1 READ ONLY */
	int8_t deferrable; /* -1 unspecified, 0 NOT DEFERRABLE, 1 DEFERRABLE */
};

struct alx_sql_txn {
	uint8_t kind; /* enum alx_sql_txn_kind */
	bool start;   /* written START TRANSACTION */
	struct alx_sql_txn_modes modes;
	struct alx_sql_str savepoint;
	bool chain; /* COMMIT AND CHAIN */
};

enum alx_sql_set_kind {
	ALX_SQL_SET_VALUE = 1,	  /* SET name TO values */
	ALX_SQL_SET_DEFAULT,	  /* SET name TO DEFAULT; SET TIME ZONE LOCAL */
	ALX_SQL_SET_FROM_CURRENT, /* SET name FROM CURRENT */
	ALX_SQL_SET_RESET,	  /* RESET name */
	ALX_SQL_SET_RESET_ALL,	  /* RESET ALL */
	ALX_SQL_SET_TRANSACTION,  /* SET TRANSACTION modes */
	ALX_SQL_SET_SESSION_DEFAULTS /* SET SESSION CHARACTERISTICS AS TRANSACTION */
};

/*
 * SET/RESET. Names are folded and dotted names joined ("hnsw.ef_search");
 * SQL spellings map to the setting: TIME ZONE -> timezone, NAMES ->
 * client_encoding, SCHEMA -> search_path, SESSION AUTHORIZATION ->
 * session_authorization, ROLE -> role; SHOW TRANSACTION ISOLATION LEVEL
 * -> transaction_isolation.
 */
struct alx_sql_set {
	uint8_t kind; /* enum alx_sql_set_kind */
	bool local;   /* SET LOCAL */
	struct alx_sql_str name;
	struct alx_sql_val *values;
	uint32_t nvalues;
	struct alx_sql_txn_modes modes; /* SET TRANSACTION */
};

struct alx_sql_show {
	struct alx_sql_str name; /* "all" for SHOW ALL */
};

/*
 * EXPLAIN: options normalised to the parenthesised form (EXPLAIN ANALYZE
 * VERBOSE x == EXPLAIN (analyze, verbose) x); values as written
 * (FORMAT TEXT -> format: WORD "text").
 */
struct alx_sql_explain {
	struct alx_sql_defelem *options;
	uint32_t noptions;
	struct alx_sql_stmt *stmt;
};

struct alx_sql_prepare {
	struct alx_sql_str name;
	struct alx_sql_typename **types;
	uint32_t ntypes;
	struct alx_sql_stmt *stmt;
};

struct alx_sql_execute {
	struct alx_sql_str name;
	struct alx_sql_exprs args;
};

struct alx_sql_deallocate {
	struct alx_sql_str name; /* absent: ALL */
};

enum alx_sql_discard_kind {
	ALX_SQL_DISCARD_ALL = 1,
	ALX_SQL_DISCARD_PLANS,
	ALX_SQL_DISCARD_SEQUENCES,
	ALX_SQL_DISCARD_TEMP,
};

/* ---- statements -------------------------------------------------------- */

enum alx_sql_stmt_kind {
	ALX_SQL_STMT_SELECT = 1,       /* u.select */
	ALX_SQL_STMT_INSERT,	       /* u.insert */
	ALX_SQL_STMT_UPDATE,	       /* u.update */
	ALX_SQL_STMT_DELETE,	       /* u.delete_ */
	ALX_SQL_STMT_COPY,	       /* u.copy */
	ALX_SQL_STMT_CREATE_TABLE,     /* u.create_table (also AS query) */
	ALX_SQL_STMT_CREATE_INDEX,     /* u.create_index */
	ALX_SQL_STMT_DROP,	       /* u.drop */
	ALX_SQL_STMT_ALTER_TABLE,      /* u.alter_table */
	ALX_SQL_STMT_TRUNCATE,	       /* u.truncate */
	ALX_SQL_STMT_CREATE_SCHEMA,    /* u.create_schema */
	ALX_SQL_STMT_CREATE_SEQUENCE,  /* u.create_sequence */
	ALX_SQL_STMT_CREATE_ROLE,      /* u.role */
	ALX_SQL_STMT_ALTER_ROLE,       /* u.role */
	ALX_SQL_STMT_CREATE_EXTENSION, /* u.create_extension */
	ALX_SQL_STMT_TXN,	       /* u.txn */
	ALX_SQL_STMT_SET,	       /* u.set (SET and RESET) */
	ALX_SQL_STMT_SHOW,	       /* u.show */
	ALX_SQL_STMT_EXPLAIN,	       /* u.explain */
	ALX_SQL_STMT_PREPARE,	       /* u.prepare */
	ALX_SQL_STMT_EXECUTE,	       /* u.execute */
	ALX_SQL_STMT_DEALLOCATE,       /* u.deallocate */
	ALX_SQL_STMT_DISCARD, /* u.discard: enum alx_sql_discard_kind */
	ALX_SQL_STMT_VACUUM,  /* u.vacuum (VACUUM and ANALYZE) */
};

/* VACUUM / ANALYZE [options] [table [(columns)], ...]: no tables: all. */
struct alx_sql_vacuum {
	struct alx_sql_names *tables;
	struct alx_sql_names *columns; /* per table; n == 0: none given */
	uint32_t ntables;
	bool vacuum;  /* VACUUM (else ANALYZE) */
	bool analyze; /* VACUUM ANALYZE, or ANALYZE */
	bool full;
};

struct alx_sql_stmt {
	uint8_t kind; /* enum alx_sql_stmt_kind */
	int32_t loc;  /* first token */
	/* The statement's text is sql[start, end): from its first token to
	 * the end of its last (without the ';'). */
	uint32_t start, end;
	/* Highest $n in the statement (0: none); PREPARE bodies included. */
	uint32_t max_param;
	union {
		struct alx_sql_select *select;
		struct alx_sql_insert *insert;
		struct alx_sql_update *update;
		struct alx_sql_delete *delete_;
		struct alx_sql_copy *copy;
		struct alx_sql_create_table *create_table;
		struct alx_sql_create_index *create_index;
		struct alx_sql_drop *drop;
		struct alx_sql_alter_table *alter_table;
		struct alx_sql_truncate *truncate;
		struct alx_sql_create_schema *create_schema;
		struct alx_sql_create_sequence *create_sequence;
		struct alx_sql_role *role;
		struct alx_sql_create_extension *create_extension;
		struct alx_sql_txn *txn;
		struct alx_sql_set *set;
		struct alx_sql_show *show;
		struct alx_sql_explain *explain;
		struct alx_sql_prepare *prepare;
		struct alx_sql_execute *execute;
		struct alx_sql_deallocate *deallocate;
		uint8_t discard;
		struct alx_sql_vacuum *vacuum;
	} u;
};

/* ---- parsing ----------------------------------------------------------- */

#define ALX_SQL_DEFAULT_MAX_LEN ((size_t)16 << 20)
#define ALX_SQL_DEFAULT_MAX_DEPTH 1000u

struct alx_sql_parse_opts {
	/* Longest SQL text accepted, all statements together (54000 past
	 * it); 0: 16 MiB. Capped at 1 GiB, PostgreSQL's own limit. Memory:
	 * the tree of a large INSERT ... VALUES takes about 25 times the
	 * text; bound it with the arena's limit (ALOPEX_ENOMEM past it). */
	size_t max_len;
	/* Deepest nesting of expressions and queries (54001); 0: 1000. */
	uint32_t max_depth;
};

/* Where a parse error was found; written only on error. */
struct alx_sql_error {
	/* 1-based character position in the whole text, PostgreSQL's
	 * ErrorResponse P field; 0 when the error has none (22021, 54000). */
	uint32_t position;
	size_t offset; /* byte offset of the same place */
	/* Static text for the ErrorResponse H field, or NULL. */
	const char *hint;
};

/*
 * Parses the statement that starts at or after byte `offset` of
 * sql[0, len): empty statements (bare ';') and trailing whitespace and
 * comments are skipped. On success *out is the statement and *next the
 * offset just past its ';' (or len); returns 0, or ALOPEX_DONE (out and
 * next untouched) when nothing but whitespace, comments and ';' remain.
 * Errors: ALOPEX_ESQL with diag code, SQLSTATE and PostgreSQL's message
 * (42601 syntax, 54001 too deep, 54000 too long, 0A000 unsupported,
 * 22021 bad bytes) and *err filled; ALOPEX_ENOMEM when the arena is
 * exhausted. Positions count from the start of sql, not from offset.
 * Nodes stay in the arena either way.
 */
int alx_sql_parse_next(struct alx_arena *a, const char *sql, size_t len,
		       size_t offset, const struct alx_sql_parse_opts *opts,
		       struct alx_sql_stmt **out, size_t *next,
		       struct alx_sql_error *err, alopex_diag *diag);

struct alx_sql_stmt_list {
	struct alx_sql_stmt **v;
	uint32_t n;
};

/*
 * Parses every statement of sql[0, len), as PostgreSQL's simple query
 * does: the first error fails the whole text. An empty text gives n == 0.
 */
int alx_sql_parse(struct alx_arena *a, const char *sql, size_t len,
		  const struct alx_sql_parse_opts *opts,
		  struct alx_sql_stmt_list *out, struct alx_sql_error *err,
		  alopex_diag *diag);

/*
 * A deterministic S-expression of a statement (or expression), for tests
 * and debugging: operators and precedence are explicit, e.g. 1 + 2 * 3 is
 * (+ 1 (* 2 3)). NUL-terminated text in the arena; NULL when out of memory.
 */
char *alx_sql_stmt_print(struct alx_arena *a, const struct alx_sql_stmt *s);
char *alx_sql_expr_print(struct alx_arena *a, const struct alx_sql_expr *e);

#endif
