/* Binder internals shared by the sql_bind*.c files. */
#ifndef ALX_SQL_BIND_INT_H
#define ALX_SQL_BIND_INT_H

#include "sql/sql_bind.h"

/* Growing arrays in the binder's arena (the old copy stays garbage). */
void *alx_bq_grow(struct alx_bind_ctx *b, void *old, uint32_t n, size_t size);
struct alx_bq *alx_bq_new(struct alx_bind_ctx *b, int kind);
/* Append an RTE: its columns take the next slots of the FROM row. */
int alx_bq_add_rte(struct alx_bind_ctx *b, struct alx_bq *q, struct alx_rte *r);
/* Append an output column (name may be NULL for junk). */
int alx_bq_add_target(struct alx_bind_ctx *b, struct alx_bq *q,
		      struct alx_bx *e, const char *name);
/* Column of an RTE by name; unqualified lookups skip USING's hidden. */
bool alx_rte_col(const struct alx_rte *r, const char *name, uint32_t *col,
		 bool unqualified);
struct alx_bx *alx_bx_var(struct alx_bind_ctx *b, uint32_t level, uint32_t slot,
			  struct alx_type t);
const struct alx_rte *alx_scope_find_rte(struct alx_scope *sc,
					 const char *alias, const char *schema,
					 uint32_t *level);
/* The FROM list of a SELECT into sc->q. */
int alx_bind_from(struct alx_bind_ctx *b, struct alx_scope *sc,
		  struct alx_sql_from **items, uint32_t n);

int alx_bind_column(struct alx_bind_ctx *b, struct alx_scope *sc,
		    const struct alx_sql_expr *x, struct alx_bx **out);
/* 42P01 for a qualifier naming no FROM item, in PostgreSQL's words. */
int alx_bind_missing_rte(struct alx_bind_ctx *b, struct alx_scope *sc,
			 const char *rel);
int alx_bind_sublink(struct alx_bind_ctx *b, struct alx_scope *sc,
		     const struct alx_sql_expr *x, int ectx,
		     struct alx_bx **out);
int alx_bind_agg(struct alx_bind_ctx *b, struct alx_scope *sc,
		 const struct alx_sql_expr *x, int ectx, struct alx_bx **out);
int alx_bind_func(struct alx_bind_ctx *b, struct alx_scope *sc,
		  const struct alx_sql_expr *x, int ectx, struct alx_bx **out);
/* Make l and r comparable (unknowns take the other side's type). */
int alx_bind_cmp_args(struct alx_bind_ctx *b, const char *op, struct alx_bx **l,
		      struct alx_bx **r);
/* ALX_SQL_OP_EQ... to ALX_CMP_EQ...; 0 for other operators. */
int alx_cmp_from_op(int op);

#endif
