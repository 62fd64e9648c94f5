/* DDL: catalog changes and the data they imply, in the caller's txn. */
#ifndef ALX_SQL_EXEC_DDL_H
#define ALX_SQL_EXEC_DDL_H

#include "sql/sql_ast.h"
#include "sql/sql_bind.h"
#include "sql/sql_exec.h"
#include "sql/sql_table_gate.h"

struct alx_ddl {
	struct alx_exec *ex;	 /* txn, arena, diag */
	struct alx_bind_ctx *b;	 /* binds over cat */
	struct alx_catalog *cat; /* the transaction's private copy */
	char tag[64];
	char notice[300]; /* PostgreSQL's NOTICE, when it would send one */
	char notice_state[6];
	uint64_t rows; /* CREATE TABLE AS: rows written */
	/* ADD PRIMARY KEY that streamed (sql_exec_addpk.c): storage to
	 * delete once the transaction ended, by alx_ddl_after_commit: the
	 * old table id when it committed, the new one when not. 0: none. */
	uint32_t drop_after_commit, built_storage;
	/* The table whose write gate the rebuild holds (sql_table_gate.h). */
	uint32_t gated_table;
	/* Tables whose gates TRUNCATE holds to the commit, so it can delete
	 * their rows as ranges (alx_ddl_gate_table). */
	uint32_t range_gated[ALX_GATE_STRIPES];
	uint32_t nrange_gated;
};

/* Whether a statement kind is DDL run by alx_exec_ddl. */
bool alx_stmt_is_ddl(int kind);
int alx_exec_ddl(struct alx_ddl *c, const struct alx_sql_stmt *st);
/* Hand c->notice, if any, to the session now, so that a statement with
 * several (DROP a, b; ALTER with several commands) sends them all, in
 * order (sql_session_exec.c). */
void alx_ddl_flush_notice(struct alx_ddl *c);
/* sql_exec_alter.c */
int alx_exec_alter(struct alx_ddl *c, const struct alx_sql_alter_table *at);
int alx_exec_truncate(struct alx_ddl *c, const struct alx_sql_truncate *tr);

/* Shared helpers (sql_exec_ddl.c). */
int alx_ddl_err(struct alx_ddl *c, const char *sqlstate, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A relation name not yet taken in the schema: base, base1, base2... */
char *alx_ddl_unique_name(struct alx_ddl *c, uint32_t schema_id,
			  const char *base);
/* Check that a stored expression binds over t and has the right type. */
int alx_ddl_check_default(struct alx_ddl *c, const struct alx_cat_column *col,
			  const char *text);
int alx_ddl_check_check(struct alx_ddl *c, const struct alx_cat_table *t,
			const char *text);
/* An index's columns from names; 42703 for unknown ones. */
int alx_ddl_index_cols(struct alx_ddl *c, const struct alx_cat_table *t,
		       const struct alx_sql_index_elem *elems, uint32_t n,
		       struct alx_cat_index *x);
/*
 * Drop a table's rows and index entries. flags: ALX_KV_RANGE_KEYWISE
 * unless other writers are kept out of the table (alx_ddl_delete_prefix).
 */
int alx_ddl_drop_table_data(struct alx_ddl *c, const struct alx_cat_table *t,
			    unsigned flags);
/*
 * Delete every key under prefix in the statement's transaction: one range
 * delete (alx_kv_txn_del_range), or key by key with ALX_KV_RANGE_KEYWISE.
 * A range delete is for keys no other transaction writes until ours ends,
 * or whose later writes nobody reads: storage no catalog will name once
 * we commit (a dropped table: swept on open; a dropped index: index ids
 * are never reused).
 */
int alx_ddl_delete_prefix(struct alx_ddl *c, const uint8_t *prefix, size_t len,
			  unsigned flags);
/* Drop index i of nt (a table copy the caller will put): its entries, as a
 * range, and its place in nt->indexes. */
int alx_ddl_drop_index(struct alx_ddl *c, struct alx_cat_table *nt, uint32_t i);
/*
 * Keep other writers out of t until the statement's transaction ends, so
 * its rows can go as a range (TRUNCATE): 0 when held (ended by
 * alx_ddl_after_commit), 1 when not possible here (in a transaction block
 * the gate could not be held to the commit; REPEATABLE READ cannot see
 * what the writers waited for wrote): delete key by key then. An error
 * (cancel, lock_timeout) while waiting. Waits only while the statement
 * holds no gate and wrote nothing, so two of them never wait for each
 * other. The caller then refreshes its view (alx_kv_txn_refresh_view).
 */
int alx_ddl_gate_table(struct alx_ddl *c, const struct alx_cat_table *t);

/* sql_exec_addpk.c: ALTER TABLE ADD PRIMARY KEY's rows. old_t: the table
 * as stored; nt (with the key added) gets the new storage's id. alone:
 * the statement's only command. */
int alx_ddl_pk_rebuild(struct alx_ddl *c, const struct alx_cat_table *old_t,
		       struct alx_cat_table *nt, bool alone);
/* After the statement's transaction ended (committed or not): delete the
 * storage recorded in c (short transactions of its own; best effort). */
void alx_ddl_after_commit(struct alx_ddl *c, bool committed);
/* Delete the storage of table ids the catalog does not name (left by a
 * crash during or after ADD PRIMARY KEY); run when the catalog is first
 * loaded, before any statement. */
int alx_ddl_sweep_orphans(alopex_db *db, const struct alx_catalog *cat,
			  alopex_diag *d);

#endif
