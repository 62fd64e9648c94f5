/*
 * The SQL catalog: schemas, tables (columns, indexes, check constraints)
 * and sequences, stored as KV rows in ALX_SPACE_CATALOG and cached in
 * memory per database.
 *
 * A catalog object is immutable once published and reference counted:
 * statements keep the catalog they were planned against. DDL works on a
 * private copy (alx_catalog_clone) that belongs to its transaction, writes
 * the changed objects through that transaction (so a rolled-back CREATE
 * TABLE leaves nothing) and, when the transaction commits, the copy
 * becomes the database's catalog. Every DDL also rewrites the catalog's
 * meta row, so two concurrent DDL transactions conflict (40001) instead of
 * publishing copies that miss each other's changes.
 *
 * Every catalog object gets a fresh version number from the database:
 * a prepared statement whose catalog version differs from the session's
 * current one is planned again.
 *
 * Keys: 0x02 'M' -> meta (next object id); 0x02 'N' id -> schema;
 * 0x02 'T' id -> table with its columns, indexes and checks;
 * 0x02 'Q' id -> sequence definition; 0x02 'R' oid -> role. Ids are
 * 4-byte big-endian and never reused, so rows of a dropped table can
 * never reappear under a new one.
 */
#ifndef ALX_SQL_CATALOG_H
#define ALX_SQL_CATALOG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alopex.h"
#include "runtime/alx_arena.h"
#include "sql/sql_value.h"

struct alx_kv_txn;
struct alx_buf;
struct alx_cat_role;

#define ALX_CAT_PUBLIC_SCHEMA_ID 1
#define ALX_CAT_FIRST_ID 100
/* Longest identifier, as PostgreSQL's NAMEDATALEN - 1. */
#define ALX_NAME_MAX 63

struct alx_cat_column {
	char *name;
	struct alx_type type;
	bool notnull;
	bool dropped;	     /* kept so stored rows keep their layout */
	char *default_expr;  /* SQL text, NULL: none */
	uint32_t serial_seq; /* SERIAL: the sequence it owns; 0: none */
};

struct alx_cat_index {
	uint32_t id; /* 0: the primary key (the table's rows) */
	char *name;
	bool unique, primary;
	uint32_t ncols;
	uint32_t *cols; /* column positions */
	uint8_t *flags; /* ALX_KEY_* per column */
	char *method;	/* "btree", "hnsw", "flat" */
	char *opclass;	/* vector_l2_ops...; NULL: default */
	char *options;	/* WITH (...) as "m=16,ef_construction=64"; NULL */
};

struct alx_cat_check {
	char *name;
	char *expr; /* SQL text */
};

struct alx_cat_table {
	uint32_t id, schema_id;
	char *name;
	uint32_t ncols;
	struct alx_cat_column *cols;
	/* Primary key first when has_pk; secondary indexes after it. */
	uint32_t nindexes;
	struct alx_cat_index *indexes;
	bool has_pk; /* else rows are keyed by a hidden int8 row id */
	uint32_t next_index_id;
	uint32_t nchecks;
	struct alx_cat_check *checks;
};

struct alx_cat_schema {
	uint32_t id;
	char *name;
};

struct alx_cat_sequence {
	uint32_t id, schema_id;
	char *name;
	uint8_t type; /* ALX_T_INT2/INT4/INT8 */
	int64_t start, increment, min, max;
	bool cycle;
	uint32_t owner_table; /* SERIAL: the table, 0: none */
};

struct alx_catalog {
	struct alx_arena arena;
	atomic_int refs;
	uint64_t version;
	uint32_t next_id;
	bool public_stored; /* the public schema has its row */
	uint32_t nschemas, ntables, nsequences;
	struct alx_cat_schema **schemas;
	struct alx_cat_table **tables;
	struct alx_cat_sequence **sequences;
	/* Roles (sql_roles.h) in oid order. roles_stored is false while the
	 * bootstrap superuser is implicit: a database without role rows has
	 * just it, written out with the first role change. */
	uint32_t nroles;
	struct alx_cat_role **roles;
	bool roles_stored;
};

/* An empty catalog with the public schema (what a new database has). */
int alx_catalog_create(struct alx_runtime *rt, uint64_t version,
		       struct alx_catalog **out, alopex_diag *d);
/* Read the catalog rows through txn. */
int alx_catalog_load(struct alx_runtime *rt, struct alx_kv_txn *txn,
		     uint64_t version, struct alx_catalog **out,
		     alopex_diag *d);
/* A deep, private copy with a new version. */
int alx_catalog_clone(const struct alx_catalog *c, uint64_t version,
		      struct alx_catalog **out, alopex_diag *d);
struct alx_catalog *alx_catalog_ref(struct alx_catalog *c);
/* NULL-safe; frees on the last reference. */
void alx_catalog_unref(struct alx_catalog *c);

/* Lookups: NULL when absent. */
struct alx_cat_schema *alx_cat_schema_find(const struct alx_catalog *c,
					   const char *name);
struct alx_cat_schema *alx_cat_schema_by_id(const struct alx_catalog *c,
					    uint32_t id);
struct alx_cat_table *alx_cat_table_find(const struct alx_catalog *c,
					 uint32_t schema_id, const char *name);
struct alx_cat_table *alx_cat_table_by_id(const struct alx_catalog *c,
					  uint32_t id);
struct alx_cat_sequence *alx_cat_seq_find(const struct alx_catalog *c,
					  uint32_t schema_id, const char *name);
struct alx_cat_sequence *alx_cat_seq_by_id(const struct alx_catalog *c,
					   uint32_t id);
/* An index of any table of the schema by name; *table gets its table. */
struct alx_cat_index *alx_cat_index_find(const struct alx_catalog *c,
					 uint32_t schema_id, const char *name,
					 struct alx_cat_table **table);
/* Whether a table, index or sequence of the schema has this name. */
bool alx_cat_relname_taken(const struct alx_catalog *c, uint32_t schema_id,
			   const char *name);
/* Column position by name (dropped ones skipped), or -1. */
int alx_cat_column_find(const struct alx_cat_table *t, const char *name);

/* ---- changes (on a private clone; each also writes through txn) ------ */

/* A new object id; the meta row is rewritten. */
int alx_cat_new_id(struct alx_catalog *c, struct alx_kv_txn *txn, uint32_t *out,
		   alopex_diag *d);
/* Add or replace (same id) and store; the catalog keeps its own copy. */
int alx_cat_put_table(struct alx_catalog *c, struct alx_kv_txn *txn,
		      const struct alx_cat_table *t, alopex_diag *d);
int alx_cat_put_schema(struct alx_catalog *c, struct alx_kv_txn *txn,
		       const struct alx_cat_schema *s, alopex_diag *d);
int alx_cat_put_sequence(struct alx_catalog *c, struct alx_kv_txn *txn,
			 const struct alx_cat_sequence *s, alopex_diag *d);
/* Remove and delete the row. */
int alx_cat_drop_table(struct alx_catalog *c, struct alx_kv_txn *txn,
		       uint32_t id, alopex_diag *d);
int alx_cat_drop_schema(struct alx_catalog *c, struct alx_kv_txn *txn,
			uint32_t id, alopex_diag *d);
int alx_cat_drop_sequence(struct alx_catalog *c, struct alx_kv_txn *txn,
			  uint32_t id, alopex_diag *d);
/* Roles (0x02 'R' oid): add or replace by oid, remove. */
int alx_cat_put_role(struct alx_catalog *c, struct alx_kv_txn *txn,
		     const struct alx_cat_role *r, alopex_diag *d);
int alx_cat_drop_role(struct alx_catalog *c, struct alx_kv_txn *txn,
		      uint32_t oid, alopex_diag *d);
/* A copy of a table in the catalog's arena, for editing before put. */
struct alx_cat_table *alx_cat_table_copy(struct alx_catalog *c,
					 const struct alx_cat_table *t);

/* ---- keys -------------------------------------------------------------- */

/* 0x10, table id, index id: the prefix of a table's rows or an index. */
#define ALX_TABLE_PREFIX_LEN 9
void alx_table_prefix(uint8_t out[ALX_TABLE_PREFIX_LEN], uint32_t table_id,
		      uint32_t index_id);

/* ---- sequences (sql_catalog_seq.c) ------------------------------------ */

struct alx_seq_cache;
int alx_seq_cache_create(struct alx_runtime *rt, struct alx_seq_cache **out);
void alx_seq_cache_destroy(struct alx_seq_cache *sc);
/*
 * nextval: values come from blocks reserved in short transactions of
 * their own (retried on conflict), never from the caller's transaction,
 * so they are not rolled back and never conflict, as in PostgreSQL.
 * seq NULL: the database's hidden row-id sequence.
 */
int alx_seq_next(alopex_db *db, struct alx_seq_cache *sc,
		 const struct alx_cat_sequence *seq, int64_t *out,
		 alopex_diag *d);
/* setval(seq, v, is_called): the next nextval returns v (+increment). */
int alx_seq_set(alopex_db *db, struct alx_seq_cache *sc,
		const struct alx_cat_sequence *seq, int64_t v, bool is_called,
		alopex_diag *d);
/* Forget a dropped sequence's cached block. */
void alx_seq_forget(struct alx_seq_cache *sc, uint32_t seq_id);

#endif
