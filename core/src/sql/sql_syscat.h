/*
 * System catalogs for tools: read-only virtual tables in the schemas
 * pg_catalog (searched implicitly first, as PostgreSQL does) and
 * information_schema, computed from the statement's catalog when the
 * statement runs (so they show its own transaction's DDL and nothing
 * committed after its snapshot).
 *
 * Columns carry PostgreSQL's names; their types map onto ours: oid and
 * reg* to bigint (prints the same digits), name and "char" to text,
 * arrays to text holding the array literal ('{a,b}', NULL when PostgreSQL
 * has NULL), pg_node_tree to the expression's SQL text.
 *
 * OIDs are stable across restarts, derived from catalog ids (never reused):
 *   schema, table, sequence id n      -> 16384 + n (public schema: 2200)
 *   index k of table n (k 0 = PK)     -> 0x80000000 + (n << 10) + k
 *   check constraint k of table n     -> 0xC0000000 + (n << 10) + k
 *   column default of column k        -> 0xA0000000 + (n << 10) + k
 *   type OIDs are PostgreSQL's; vector answers as ALX_VECTOR_OID.
 */
#ifndef ALX_SQL_SYSCAT_H
#define ALX_SQL_SYSCAT_H

#include <stdbool.h>
#include <stdint.h>

#include "sql/sql_catalog.h"
#include "sql/sql_value.h"

struct alx_exec;
struct alx_arena;
struct alx_bind_ctx;
struct alx_rte;
struct alx_sql_names;

#define ALX_OID_PG_CATALOG 11
#define ALX_OID_PUBLIC 2200
#define ALX_OID_INFO_SCHEMA 13000
#define ALX_OID_BOOTSTRAP_ROLE 10
#define ALX_OID_DATABASE 16383
#define ALX_OID_USER_BASE 16384u
#define ALX_OID_INDEX_BASE 0x80000000u
#define ALX_OID_DEFAULT_BASE 0xA0000000u
#define ALX_OID_CHECK_BASE 0xC0000000u

struct alx_syscat_def;

/*
 * The virtual table a FROM item names, or NULL: schema-qualified with
 * pg_catalog or information_schema, or unqualified and in pg_catalog.
 * *qualified_miss: qualified with one of those schemas but unknown (the
 * caller reports 42P01).
 */
const struct alx_syscat_def *alx_syscat_find(const struct alx_sql_names *n,
					     bool *qualified_miss);
/* Fill an RTE of kind ALX_RTE_SYSCAT for def (columns, names, types). */
int alx_syscat_bind_rte(struct alx_bind_ctx *b,
			const struct alx_syscat_def *def, const char *alias,
			struct alx_rte *r);
/*
 * The table's rows for the execution ex: an array of *nrows rows of
 * r->ncols values each, allocated in a.
 */
int alx_syscat_rows(struct alx_exec *ex, struct alx_arena *a,
		    const struct alx_rte *r, struct alx_value ***rows,
		    uint32_t *nrows);

/* ---- OIDs and names (also for sql_func_syscat.c) ---------------------- */

uint32_t alx_syscat_schema_oid(uint32_t schema_id);
uint32_t alx_syscat_rel_oid(uint32_t id);
uint32_t alx_syscat_index_oid(uint32_t table_id, uint32_t index_id);

/* What an OID names in cat (kind 0: nothing). */
enum alx_syscat_obj {
	ALX_SYSOBJ_NONE = 0,
	ALX_SYSOBJ_TABLE,
	ALX_SYSOBJ_INDEX,
	ALX_SYSOBJ_SEQUENCE,
	ALX_SYSOBJ_SYSREL, /* one of the virtual tables */
	ALX_SYSOBJ_CHECK,
};
struct alx_syscat_obj_ref {
	int kind;
	const struct alx_cat_table *table;  /* TABLE, INDEX, CHECK */
	const struct alx_cat_index *index;  /* INDEX */
	uint32_t check;			    /* CHECK */
	const struct alx_cat_sequence *seq; /* SEQUENCE */
	const struct alx_syscat_def *sys;   /* SYSREL */
	const char *name, *schema;
	uint32_t schema_oid;
};
void alx_syscat_lookup(const struct alx_catalog *cat, int64_t oid,
		       struct alx_syscat_obj_ref *out);
/* A relation's OID by (possibly qualified) name through the search path
 * (regclass input), or -1. */
int64_t alx_syscat_relname_oid(const struct alx_catalog *cat,
			       const char *const *path, uint32_t npath,
			       const char *name, size_t len);
/* Type OID to our type id (and PostgreSQL typmod to our modifiers);
 * false for OIDs that are none of ours. */
bool alx_syscat_type_from_oid(int64_t oid, int64_t typmod, bool has_mod,
			      struct alx_type *out);
/* pg_attribute.atttypmod of a type. */
int32_t alx_syscat_typmod(struct alx_type t);
/* ---- arrays as text literals (sql_func_syscat.c) ------------------------ */

struct alx_ev;
/* '{a,"b c",NULL}' from n values, quoted as PostgreSQL's array output. */
int alx_array_literal(struct alx_arena *a, const struct alx_value *v,
		      uint32_t n, const struct alx_value_fmt *fmt,
		      struct alx_value *out, alopex_diag *d);
/* The elements of a one-dimensional array literal, as text values. */
int alx_array_elements(struct alx_ev *ev, const struct alx_value *arr,
		       struct alx_value **out, uint32_t *n);

/*
 * Stored expression text (a default, a check) as pg_get_expr prints it:
 * plain identifiers unquoted, "public." dropped, and a bare literal cast to
 * the column's type ('x'::text, '-1'::integer). coltype NULL: no cast.
 */
const char *alx_syscat_pretty_expr(struct alx_arena *a, const char *text,
				   const struct alx_type *coltype);

/* The role name of an OID, or NULL. */
const char *alx_syscat_role_name(const struct alx_catalog *cat, int64_t oid);

#endif
