/*
 * INTERVAL as PostgreSQL 15 has it: months, days and microseconds kept
 * apart (struct alx_interval in sql_value.h), its text input (the postgres
 * forms '1 day 02:00', '@ 1 minute ago', '1-2', SQL-standard signs, ISO
 * 8601 'P1Y2M3DT4H5M6S' and 'P0001-02-03T04:05:06') and output in the four
 * IntervalStyles, type modifiers (fields and precision), comparison by
 * PostgreSQL's 30-day-month linearisation, and the arithmetic with
 * intervals and timestamps.
 *
 * Errors are ALOPEX_ESQL with PostgreSQL 15's SQLSTATE and message:
 *   22007 invalid input syntax for type interval: "..."
 *   22015 interval field value out of range: "..."
 *   22008 interval out of range / timestamp out of range / cannot
 *         subtract infinite timestamps
 *   22012 division by zero
 */
#ifndef ALX_SQL_INTERVAL_H
#define ALX_SQL_INTERVAL_H

#include <stddef.h>
#include <stdint.h>

#include "alopex.h"
#include "sql/sql_value.h"

struct alx_arena;
struct alx_tz;

/* Output buffers of this size always suffice. */
#define ALX_INTERVAL_BUFSZ 128
/* Bytes of the order-preserving key form. */
#define ALX_INTERVAL_KEYSZ 12

/*
 * interval_in: text (len bytes, no NUL needed) read as PostgreSQL does,
 * with the type modifier applied: prec -1 or 0..6, fields 0 or ALX_IV_*
 * bits (they also say what a bare number means: INTERVAL '1' DAY). style:
 * enum alx_intervalstyle (sql_standard changes how a leading '-' reads).
 * The arena is used only for very long texts.
 */
int alx_interval_in(struct alx_arena *a, const char *text, size_t len,
		    int32_t prec, int32_t fields, int style,
		    struct alx_interval *out, alopex_diag *d);
/* interval_out in the given IntervalStyle; returns the length. */
size_t alx_interval_out(const struct alx_interval *iv, int style,
			char buf[ALX_INTERVAL_BUFSZ]);
/* AdjustIntervalForTypmod: zero the fields right of the last one named,
 * round the fraction of seconds to prec digits. */
int alx_interval_typmod(struct alx_interval *iv, int32_t prec, int32_t fields,
			alopex_diag *d);

/* interval_cmp: months as 30 days, days as 24 hours. */
int alx_interval_cmp(const struct alx_interval *a,
		     const struct alx_interval *b);
/* The compared quantity, big-endian with the sign flipped: memcmp order is
 * alx_interval_cmp order (equal intervals, '1 mon' and '30 days', share
 * a key). */
void alx_interval_key(const struct alx_interval *iv,
		      uint8_t out[ALX_INTERVAL_KEYSZ]);
/* A key back to an interval with that value (justified: '30 days' comes
 * back as '1 mon'). 0, or -1 when no interval has that value. */
int alx_interval_from_key(const uint8_t in[ALX_INTERVAL_KEYSZ],
			  struct alx_interval *out);

/* interval_pl / interval_mi (sub), interval_um. */
int alx_interval_add(const struct alx_interval *x, const struct alx_interval *y,
		     int sub, struct alx_interval *out, alopex_diag *d);
int alx_interval_neg(const struct alx_interval *x, struct alx_interval *out,
		     alopex_diag *d);
/* interval_mul / interval_div: fractions of months cascade into days and
 * of days into time, never upwards. */
int alx_interval_mul(const struct alx_interval *x, double f,
		     struct alx_interval *out, alopex_diag *d);
int alx_interval_div(const struct alx_interval *x, double f,
		     struct alx_interval *out, alopex_diag *d);

enum alx_justify {
	ALX_JUSTIFY_HOURS = 1,
	ALX_JUSTIFY_DAYS,
	ALX_JUSTIFY_INTERVAL,
};
int alx_interval_justify(const struct alx_interval *x, int how,
			 struct alx_interval *out, alopex_diag *d);

/*
 * timestamp[tz] + interval (sub: minus): months first (clamped to the end
 * of the month), then days, then the time; for with_tz the months and
 * days are added to the local time in the zone (tz, or fixed offset off
 * east of UTC when tz is NULL) and the offset determined again, so that
 * '1 day' across a DST change keeps the wall-clock time. Infinities are
 * unchanged.
 */
int alx_timestamp_pl_interval(int64_t ts, const struct alx_interval *iv,
			      int sub, int with_tz, const struct alx_tz *tz,
			      int32_t off, int64_t *out, alopex_diag *d);
/* timestamp - timestamp, justified into days and time as PostgreSQL. */
int alx_timestamp_mi(int64_t x, int64_t y, struct alx_interval *out,
		     alopex_diag *d);
/* age(x, y): the symbolic difference in years, months, days, time (for
 * with_tz in the session zone). */
int alx_timestamp_age(int64_t x, int64_t y, int with_tz,
		      const struct alx_tz *tz, int32_t off,
		      struct alx_interval *out, alopex_diag *d);
/* make_interval(years, months, weeks, days, hours, mins, secs). */
int alx_make_interval(int64_t years, int64_t months, int64_t weeks,
		      int64_t days, int64_t hours, int64_t mins, double secs,
		      struct alx_interval *out, alopex_diag *d);

/*
 * extract(field FROM interval) as NUMERIC text in buf, and date_part()'s
 * float8 (computed as PostgreSQL does it in double) in *f. Unknown unit:
 * 22023 `unit "foo" not recognized for type interval`; 0A000 `unit "week"
 * not supported for type interval`. (In sql_dt_func.c, with the other
 * unit tables.)
 */
int alx_interval_extract(const char *field, size_t flen,
			 const struct alx_interval *iv, char buf[64], double *f,
			 alopex_diag *d);
/* date_trunc(field, interval): 22023 for units outside deltatktbl, 0A000
 * `unit "week" not supported for type interval`. */
int alx_interval_trunc(const char *field, size_t flen,
		       const struct alx_interval *iv, struct alx_interval *out,
		       alopex_diag *d);

#endif
