/*
 * NUMERIC internals shared by sql_numeric.c (storage, I/O, + - * / %) and
 * sql_numeric_math.c (sqrt, exp, ln, power). A variable is PostgreSQL's
 * NumericVar: base-10000 digits with a weight and a display scale; the
 * digit buffer keeps a spare leading digit so rounding can carry out.
 */
#ifndef ALX_SQL_NUMERIC_INTERNAL_H
#define ALX_SQL_NUMERIC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "alopex.h"
#include "sql/sql_numeric.h"

struct alx_arena;

#define NBASE 10000
#define HALF_NBASE 5000
#define DEC_DIGITS 4
#define MUL_GUARD_DIGITS 2
#define MIN_SIG_DIGITS 16
#define MAX_DISPLAY_SCALE 1000
#define MIN_DISPLAY_SCALE 0
#define MAX_RESULT_SCALE 2000
#define NUM_WEIGHT_MAX 32767
#define NUM_WEIGHT_MIN (-32768)

struct nvar {
	int ndigits;
	int weight;
	int sign; /* enum alx_numeric_kind */
	int dscale;
	int16_t *buf; /* allocation start (spare digit), NULL: no digits */
	int16_t *digits;
};

/* Where working memory comes from and where errors go. */
struct nctx {
	struct alx_arena *a;
	alopex_diag *diag;
};

int nv_alloc(struct nctx *c, struct nvar *v, int ndigits);
int nv_copy(struct nctx *c, const struct nvar *src, struct nvar *dst);
void nv_zero(struct nvar *v);
/* v becomes zero (kind ALX_NUM_POS) or NaN/Infinity/-Infinity with no
 * digits and scale 0; returns 0, for `return nv_special(...)`. */
int nv_special(struct nvar *v, int kind);
/* -1, 0 or 1, infinities included; NaN, which has no digits, is 0. */
int nv_sign(const struct nvar *v);
/* A result scale: rscale raised to x's and y's display scales (y may be
 * NULL), then kept within the display scale bounds, as PostgreSQL's
 * select_div_scale, numeric_power and numeric_log end. */
int nv_result_scale(int rscale, const struct nvar *x, const struct nvar *y);
void nv_strip(struct nvar *v);
int nv_from_int(struct nctx *c, int64_t val, struct nvar *v);
/* Rounds half away from zero; false when it does not fit in int64. */
bool nv_to_int(const struct nvar *v, int64_t *out);
int nv_cmp(const struct nvar *x, const struct nvar *y);
int nv_cmp_abs(const struct nvar *x, const struct nvar *y);
int nv_add(struct nctx *c, const struct nvar *x, const struct nvar *y,
	   struct nvar *res);
int nv_sub(struct nctx *c, const struct nvar *x, const struct nvar *y,
	   struct nvar *res);
int nv_mul(struct nctx *c, const struct nvar *x, const struct nvar *y,
	   struct nvar *res, int rscale);
int nv_div(struct nctx *c, const struct nvar *x, const struct nvar *y,
	   struct nvar *res, int rscale, bool round);
int nv_round(struct nctx *c, struct nvar *v, int rscale);
void nv_trunc(struct nvar *v, int rscale);
double nv_to_double(const struct nvar *v);

/* sql_numeric_math.c */
int nv_sqrt(struct nctx *c, const struct nvar *x, struct nvar *res, int rscale);
/* fn: enum alx_numeric_fn; y is read by ALX_NUMFN_LOG (x the base),
 * ALX_NUMFN_DIV and ALX_NUMFN_POWER only. */
int nv_fn(struct nctx *c, int fn, const struct nvar *x, const struct nvar *y,
	  struct nvar *res);

#endif
