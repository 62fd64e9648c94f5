/*
 * Built-in scalar functions: a table of names with their resolution (arg
 * coercion and result type) and evaluation. Aggregates are not here: the
 * binder turns them into struct alx_agg (sql_bind.h).
 */
#ifndef ALX_SQL_FUNC_H
#define ALX_SQL_FUNC_H

#include <stdbool.h>
#include <stdint.h>

#include "sql/sql_bind.h"
#include "sql/sql_exec.h"

enum alx_func_flags {
	ALX_FN_STRICT = 1 << 0,	  /* a NULL argument gives NULL */
	ALX_FN_VOLATILE = 1 << 1, /* never folded (random, nextval) */
	ALX_FN_STABLE = 1 << 2,	  /* fixed within a statement (now) */
};

/* "any type" in a signature */
#define ALX_T_ANY ALX_T_COUNT_

typedef int (*alx_func_resolve_fn)(struct alx_bind_ctx *b, struct alx_bx *call);
typedef int (*alx_func_eval_fn)(struct alx_ev *ev, const struct alx_bx *call,
				const struct alx_value *args,
				struct alx_value *out);

struct alx_func_def {
	const char *name;
	int8_t min_args, max_args; /* max -1: any number */
	uint8_t flags;
	uint8_t ret;		     /* result type for the generic resolver */
	uint8_t argt[3];	     /* argument types (the last repeats) */
	alx_func_resolve_fn resolve; /* NULL: coerce to argt, return ret */
	alx_func_eval_fn eval;
};

/* A function with that name taking nargs arguments, or NULL. */
const struct alx_func_def *alx_func_find(const char *name, uint32_t nargs);
/* Whether any function has that name (for 42883 wording). */
bool alx_func_known(const char *name);
/* The aggregate kind of a name (count, sum, ...), or 0. */
int alx_agg_kind(const char *name);

/* Helpers for resolvers: 42883 `function f(integer, text) does not
 * exist` with the call's argument types. */
int alx_func_no_match(struct alx_bind_ctx *b, const char *name,
		      struct alx_bx *const *args, uint32_t nargs);
/* Coerce an argument implicitly, or report no match. */
int alx_func_arg(struct alx_bind_ctx *b, struct alx_bx *call, uint32_t i,
		 int type);
/* For keyword arguments ('hex', 'cosine'): the index of the text value v
 * among the n names, in any case, or -1. */
int alx_func_lookup_word(const struct alx_value *v, const char *const *names,
			 int n);

/* The evaluation function of the set-returning functions (generate_series,
 * unnest): FROM expands them itself, anywhere else they are 0A000. */
int alx_func_srf_outside_from(struct alx_ev *ev, const struct alx_bx *c,
			      const struct alx_value *a, struct alx_value *out);

/* Table pieces defined in the sql_func*.c files. */
extern const struct alx_func_def alx_funcs_core[];
extern const struct alx_func_def alx_funcs_str[];
extern const struct alx_func_def alx_funcs_dt[];
extern const struct alx_func_def alx_funcs_syscat[];

#endif
