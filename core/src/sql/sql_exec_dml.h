/* Writing rows: INSERT, UPDATE, DELETE with constraints and indexes. */
#ifndef ALX_SQL_EXEC_DML_H
#define ALX_SQL_EXEC_DML_H

#include <stdint.h>

#include "sql/sql_exec.h"

/* Called with each RETURNING row (m->nreturning values). */
typedef int (*alx_dml_row_fn)(void *arg, const struct alx_value *row);

int alx_exec_dml(struct alx_exec *ex, const struct alx_bdml *m,
		 const struct alx_plan *source, alx_dml_row_fn fn, void *arg,
		 uint64_t *count);

/*
 * Write one new row of table t (all columns, already of the column types)
 * with its index entries, checking NOT NULL, unique keys and checks
 * (checks may be NULL). COPY FROM and ALTER TABLE use it too.
 */
int alx_exec_insert_row(struct alx_exec *ex, const struct alx_cat_table *t,
			struct alx_value *row, struct alx_bx *const *checks,
			uint32_t nchecks);

/* Write the index entries of every row of t for index x (CREATE INDEX). */
int alx_exec_build_index(struct alx_exec *ex, const struct alx_cat_table *t,
			 const struct alx_cat_index *x);
/* Rewrite every row of t through fn (ALTER TABLE ADD COLUMN ... DEFAULT). */
typedef int (*alx_row_map_fn)(void *arg, struct alx_exec *ex,
			      const struct alx_value *old,
			      struct alx_value *out);
int alx_exec_rewrite_rows(struct alx_exec *ex,
			  const struct alx_cat_table *old_t,
			  const struct alx_cat_table *new_t, alx_row_map_fn fn,
			  void *arg);

/* Every row of t (keys first, then each row: writes from fn are safe). */
typedef int (*alx_visit_fn)(struct alx_exec *ex, void *arg, struct alx_arena *a,
			    alopex_slice key, struct alx_value *row);
int alx_exec_visit_rows(struct alx_exec *ex, const struct alx_cat_table *t,
			alx_visit_fn fn, void *arg);

/* "(1, null, abc)" as PostgreSQL's DETAIL shows a row. */
const char *alx_exec_row_text(struct alx_exec *ex, struct alx_arena *a,
			      const struct alx_cat_table *t,
			      const struct alx_value *row);

#endif
