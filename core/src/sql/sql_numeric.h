/*
 * NUMERIC: exact decimal arithmetic as PostgreSQL 15 does it. Values are
 * base-10000 digit strings with a weight and a display scale (dscale), so
 * results carry PostgreSQL's scales (1.50 + 1 = 2.50; 1/3.0 has 20
 * fractional digits) and the limits are PostgreSQL's: up to 131072 digits
 * before the decimal point and 16383 after, else 22003 `value overflows
 * numeric format`. NaN, Infinity and -Infinity exist as in PostgreSQL 15.
 *
 * Packed form (what alx_value.u.s holds for NUMERIC, and what rows store):
 *   byte 0       kind: 0 positive, 1 negative, 2 NaN, 3 +Infinity,
 *                4 -Infinity (the special kinds are that byte alone)
 *   bytes 1-2    dscale, uint16 little-endian (0..16383)
 *   bytes 3-4    weight of the first digit, int16 little-endian
 *   then         digits, uint16 little-endian each, 0..9999; no leading or
 *                trailing zero digit; zero has none (kind 0, weight 0)
 */
#ifndef ALX_SQL_NUMERIC_H
#define ALX_SQL_NUMERIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alopex.h"

struct alx_arena;

#define ALX_NUMERIC_MAX_PRECISION 1000
#define ALX_NUMERIC_MAX_DSCALE 16383

enum alx_numeric_kind {
	ALX_NUM_POS = 0,
	ALX_NUM_NEG = 1,
	ALX_NUM_NAN = 2,
	ALX_NUM_PINF = 3,
	ALX_NUM_NINF = 4,
};

/* A packed numeric, borrowed. */
struct alx_num_ref {
	const uint8_t *ptr;
	size_t len;
};

/* Whether bytes are a well-formed packed numeric (all the rules above). */
bool alx_numeric_valid(const uint8_t *p, size_t len);
/* The kind byte of a valid packed numeric. */
int alx_numeric_kind(struct alx_num_ref n);

/*
 * numeric_in, then the NUMERIC(prec, scale) modifier when prec >= 0
 * (rounding half away from zero; 22003 `numeric field overflow` with
 * PostgreSQL's detail).
 */
int alx_numeric_in(struct alx_arena *a, const char *text, size_t len,
		   int32_t prec, int32_t scale, struct alx_num_ref *out,
		   alopex_diag *diag);
/* numeric_out: digits to the display scale; NUL-terminated. */
int alx_numeric_out(struct alx_arena *a, struct alx_num_ref n, const char **out,
		    size_t *out_len);
/* Apply NUMERIC(prec, scale) to a value (prec < 0: unchanged). */
int alx_numeric_typmod(struct alx_arena *a, struct alx_num_ref n, int32_t prec,
		       int32_t scale, struct alx_num_ref *out,
		       alopex_diag *diag);

/* Total order: -Infinity < numbers < Infinity < NaN; NaN equals NaN. */
int alx_numeric_cmp(struct alx_num_ref x, struct alx_num_ref y);

/* op: enum alx_binop (ADD, SUB, MUL, DIV, MOD, POW), PostgreSQL's scales
 * and errors (22012 division by zero, 2201F for powers, 22003). */
int alx_numeric_arith(struct alx_arena *a, int op, struct alx_num_ref x,
		      struct alx_num_ref y, struct alx_num_ref *out,
		      alopex_diag *diag);
int alx_numeric_neg(struct alx_arena *a, struct alx_num_ref x,
		    struct alx_num_ref *out);

/* PostgreSQL 15's numeric sqrt(x), exp(x), ln(x), log(x, y) (x the base),
 * div(x, y) and power(x, y): the same special values, result scales and
 * errors (2201F, 2201E, 22012). y is read by LOG, DIV and POWER only. */
enum alx_numeric_fn {
	ALX_NUMFN_SQRT,
	ALX_NUMFN_EXP,
	ALX_NUMFN_LN,
	ALX_NUMFN_LOG,
	ALX_NUMFN_DIV,
	ALX_NUMFN_POWER,
};
int alx_numeric_fn(struct alx_arena *a, int fn, struct alx_num_ref x,
		   struct alx_num_ref y, struct alx_num_ref *out,
		   alopex_diag *diag);
/* round(x, scale) or trunc(x, scale) as numeric_round/numeric_trunc: the
 * result has scale `scale` (0 when negative: round(1234.5, -2) = 1200);
 * NaN and infinities are returned unchanged. */
int alx_numeric_round(struct alx_arena *a, struct alx_num_ref x, int scale,
		      bool trunc, struct alx_num_ref *out, alopex_diag *diag);

/* Conversions. To integers rounds half away from zero; out of the range
 * [min, max] is 22003 `<tname> out of range`; NaN/Infinity 0A000. */
int alx_numeric_from_int(struct alx_arena *a, int64_t v,
			 struct alx_num_ref *out);
/* The same into a caller's buffer (no allocation). */
#define ALX_NUMERIC_INT_BUFSZ 16
void alx_numeric_from_int_buf(int64_t v, uint8_t buf[ALX_NUMERIC_INT_BUFSZ],
			      struct alx_num_ref *out);
int alx_numeric_to_int(struct alx_num_ref n, int64_t min, int64_t max,
		       const char *tname, int64_t *out, alopex_diag *diag);
/* float8/float4 -> numeric through 15 (float4: 6) significant digits. */
int alx_numeric_from_double(struct alx_arena *a, double v, bool float4,
			    struct alx_num_ref *out, alopex_diag *diag);
/* numeric -> float8/float4 as float8in/float4in read numeric_out's text
 * (22003 when out of range). */
int alx_numeric_to_double(struct alx_arena *a, struct alx_num_ref n,
			  bool float4, double *out, alopex_diag *diag);
/* The nearest double (infinities when out of range); for hashing and
 * estimates, never fails. */
double alx_numeric_approx(struct alx_num_ref n);

/*
 * The parts of a packed numeric, for the key encoding (sql_keyenc.c).
 * digits holds ndigits uint16 little-endian values.
 */
struct alx_num_parts {
	int kind;
	int weight;
	int dscale;
	size_t ndigits;
	const uint8_t *digits;
};
void alx_numeric_parts(struct alx_num_ref n, struct alx_num_parts *out);
/*
 * Pack parts back (digits as plain uint16 values). Digits out of range,
 * leading or trailing zero digits, or a weight/scale out of range give
 * ALOPEX_ECORRUPT: this reads stored bytes.
 */
int alx_numeric_pack(struct alx_arena *a, int kind, int weight, int dscale,
		     const uint16_t *digits, size_t ndigits,
		     struct alx_num_ref *out, alopex_diag *diag);

#endif
