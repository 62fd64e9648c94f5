/* VECTOR(n): float4 elements, pgvector's text format, distance functions. */
#ifndef ALX_SQL_VECTOR_H
#define ALX_SQL_VECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "alopex.h"

struct alx_arena;

#define ALX_VECTOR_MAX_DIM 16000

/*
 * '[1,2,3]' (whitespace allowed around elements and brackets). Errors as
 * pgvector 0.7+ words them: 22P02 `invalid input syntax for type vector:
 * "..."` (a second message line carries pgvector's DETAIL where it has one),
 * 22000 `vector must have at least 1 dimension`, 54000 `vector cannot have
 * more than 16000 dimensions`, 22000 `NaN not allowed in vector` /
 * `infinite value not allowed in vector`, 22003 `"1e99" is out of range for
 * type vector`. dims -1: any; else 22000 `expected 3 dimensions, not 2`.
 */
int alx_vector_in(struct alx_arena *a, const char *text, size_t len,
		  int32_t dims, const float **out, uint32_t *out_dim,
		  alopex_diag *d);
/* pgvector's output: "[1,2.5,3]" with float4 shortest round-trip digits. */
int alx_vector_out(struct alx_arena *a, const float *v, uint32_t dim,
		   const char **out, size_t *out_len, alopex_diag *d);

/* Bytes alx_float4_out may write, NUL included. */
#define ALX_FLOAT4_BUFSZ 16
/*
 * A float4 as PostgreSQL prints it with extra_float_digits >= 1 (and as
 * pgvector prints elements): shortest digits that read back to the same
 * float, fixed notation for decimal exponents -4..5, else "1e+06" style;
 * "NaN", "Infinity", "-Infinity", "-0". Returns the length.
 */
int alx_float4_out(float v, char buf[ALX_FLOAT4_BUFSZ]);

/* 22000 `different vector dimensions 3 and 2` unless a_dim == b_dim. */
int alx_vec_check_dims(uint32_t a_dim, uint32_t b_dim, alopex_diag *d);

/*
 * Distances, as pgvector computes them: sums in float (several
 * accumulators, so GCC vectorises the loops), results as double. Callers
 * check dimensions first (alx_vec_check_dims).
 */
double alx_vec_l2_squared(const float *a, const float *b, uint32_t dim);
double alx_vec_l2_distance(const float *a, const float *b, uint32_t dim);
double alx_vec_dot(const float *a, const float *b, uint32_t dim);
/* 1 - cos, clamped to [0, 2]; NaN when either norm is 0 (as pgvector). */
double alx_vec_cosine_distance(const float *a, const float *b, uint32_t dim);
/* Euclidean norm; pgvector sums this one in double. */
double alx_vec_norm(const float *a, uint32_t dim);

/* Plain double-precision references for tests. */
double alx_vec_l2_squared_ref(const float *a, const float *b, uint32_t dim);
double alx_vec_dot_ref(const float *a, const float *b, uint32_t dim);
double alx_vec_cosine_distance_ref(const float *a, const float *b,
				   uint32_t dim);
double alx_vec_norm_ref(const float *a, uint32_t dim);

#endif
