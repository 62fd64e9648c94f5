/*
 * DATE, TIMESTAMP, TIMESTAMPTZ as PostgreSQL keeps them: days / microseconds
 * since 2000-01-01, ISO DateStyle text (PostgreSQL's default "ISO, MDY"),
 * time zones as fixed offsets, POSIX TZ strings or IANA rules read from the
 * system's zoneinfo (TZif files under $TZDIR or /usr/share/zoneinfo).
 *
 * Errors are ALOPEX_ESQL with PostgreSQL 15's SQLSTATE and message:
 *   22007 invalid input syntax for type date: "..."
 *   22008 date/time field value out of range: "..."  / date out of range:
 *         "..." / timestamp out of range: "..."
 *   22009 time zone displacement out of range: "..."
 *   22023 time zone "Mars/Base" not recognized
 * (PostgreSQL's HINT lines are not carried.) INTERVAL and the arithmetic
 * of timestamps with it are in sql_interval.h.
 */
#ifndef ALX_SQL_DATETIME_H
#define ALX_SQL_DATETIME_H

#include <stddef.h>
#include <stdint.h>

#include "alopex.h"

struct alx_arena;
struct alx_tz;

/* Output buffers of this size always suffice. */
#define ALX_DATETIME_BUFSZ 64

/* -infinity and infinity, as PostgreSQL's DATEVAL_NOBEGIN/NOEND etc. */
#define ALX_DATE_NOBEGIN INT32_MIN
#define ALX_DATE_NOEND INT32_MAX
#define ALX_TS_NOBEGIN INT64_MIN
#define ALX_TS_NOEND INT64_MAX
/* "No clock": now/today/tomorrow/yesterday are then rejected (0A000). */
#define ALX_DT_NO_CLOCK INT64_MIN

/* Microseconds per day; the Unix epoch as an Alopex timestamp. */
#define ALX_USECS_PER_DAY INT64_C(86400000000)
#define ALX_UNIX_EPOCH_TS INT64_C(-946684800000000)

/*
 * Input (no allocation: a zone named in the text, "... Europe/Paris", is
 * read into a buffer on the stack). tz / tz_offset_sec is the session
 * TimeZone (tz NULL: the fixed
 * offset tz_offset_sec, seconds east of UTC). It resolves times without an
 * explicit zone for TIMESTAMPTZ and the current date for "today".
 */
int alx_date_in(const char *text, size_t len, int32_t *out, alopex_diag *d);
int alx_date_in_at(const char *text, size_t len, const struct alx_tz *tz,
		   int32_t tz_offset_sec, int64_t now_utc, int32_t *out,
		   alopex_diag *d);
void alx_date_out(int32_t date, char buf[ALX_DATETIME_BUFSZ]);
/* with_tz 0: TIMESTAMP (a zone in the text is checked, then ignored). */
int alx_timestamp_in(const char *text, size_t len, int with_tz,
		     const struct alx_tz *tz, int32_t tz_offset_sec,
		     int64_t *out, alopex_diag *d);
/* now_utc: the statement's clock for "now", "today"...; or
 * ALX_DT_NO_CLOCK. */
int alx_timestamp_in_at(const char *text, size_t len, int with_tz,
			const struct alx_tz *tz, int32_t tz_offset_sec,
			int64_t now_utc, int64_t *out, alopex_diag *d);
void alx_timestamp_out(int64_t ts, int with_tz, const struct alx_tz *tz,
		       int32_t tz_offset_sec, char buf[ALX_DATETIME_BUFSZ]);
/* Round to TIMESTAMP(p) precision, p in 0..6 (half away from zero, as
 * PostgreSQL); infinities unchanged. */
int64_t alx_timestamp_round(int64_t ts, int precision);

/* ---- conversions and arithmetic -------------------------------------- */

/* date + days (negative subtracts); 22008 `date out of range`. */
int alx_date_add_days(int32_t date, int64_t days, int32_t *out, alopex_diag *d);
/* date - date in days; 22008 `cannot subtract infinite dates`. */
int alx_date_diff(int32_t a, int32_t b, int32_t *out, alopex_diag *d);
/* date -> timestamp[tz] (midnight; for tz in the session zone); 22008
 * `date out of range for timestamp`. */
int alx_date_to_timestamp(int32_t date, int with_tz, const struct alx_tz *tz,
			  int32_t tz_offset_sec, int64_t *out, alopex_diag *d);
/* timestamp[tz] -> date (for tz: the date in the session zone). */
int alx_timestamp_to_date(int64_t ts, int with_tz, const struct alx_tz *tz,
			  int32_t tz_offset_sec, int32_t *out, alopex_diag *d);
/* timestamp <-> timestamptz through the session zone; 22008 `timestamp out
 * of range`. */
int alx_timestamp_to_timestamptz(int64_t ts, const struct alx_tz *tz,
				 int32_t tz_offset_sec, int64_t *out,
				 alopex_diag *d);
int alx_timestamptz_to_timestamp(int64_t ts, const struct alx_tz *tz,
				 int32_t tz_offset_sec, int64_t *out,
				 alopex_diag *d);

/*
 * date_trunc(field, ts): microseconds .. millennium as PostgreSQL 15; for
 * timestamptz in the session zone. Unknown unit: 22023 `timestamp units
 * "foo" not recognized` (PostgreSQL's wording, "timestamp with time zone
 * units" for timestamptz); 0A000 `... not supported`.
 */
int alx_timestamp_trunc(const char *field, size_t flen, int64_t ts, int with_tz,
			const struct alx_tz *tz, int32_t tz_offset_sec,
			int64_t *out, alopex_diag *d);
/*
 * extract(field FROM ts) as PostgreSQL 15, which returns NUMERIC: *out is
 * its exact text ("2024", "56.789000", "1706704496.789000", "Infinity").
 * *is_null is set where PostgreSQL gives NULL (e.g. month of infinity).
 * date_part() is the same value as float8: strtod(buf) gives it exactly
 * for every field but epoch/julian with fractions. kind: 0 DATE (ts is
 * then ignored and date used), 1 TIMESTAMP, 2 TIMESTAMPTZ.
 * Unknown unit: 22023 `unit "foo" not recognized for type timestamp
 * without time zone`; 0A000 `unit "foo" not supported for type ...`.
 */
int alx_datetime_extract(const char *field, size_t flen, int kind, int32_t date,
			 int64_t ts, const struct alx_tz *tz,
			 int32_t tz_offset_sec, char buf[ALX_DATETIME_BUFSZ],
			 int *is_null, alopex_diag *d);

/* ---- time zones --------------------------------------------------------- */

/*
 * "UTC", "+05:30", "UTC+3" (POSIX: 3 hours WEST of UTC, as PostgreSQL
 * reads it), "EST5EDT,M3.2.0,M11.1.0", or an IANA name looked up
 * case-insensitively in the zoneinfo directory. The zone lives in the
 * arena. Unknown: 22023 `time zone "Mars/Base" not recognized`.
 */
int alx_tz_load(struct alx_arena *a, const char *name, size_t len,
		struct alx_tz **out, alopex_diag *d);
/* The zone's name as given (NUL-terminated). */
const char *alx_tz_name(const struct alx_tz *tz);
/* Offset east of UTC, in seconds, at UTC instant ts (microseconds). */
int32_t alx_tz_offset_at(const struct alx_tz *tz, int64_t ts_utc);
/*
 * Offset east of UTC for a local wall-clock time (seconds since
 * 2000-01-01 local), resolving DST gaps and overlaps as PostgreSQL's
 * DetermineTimeZoneOffset: a skipped time takes the offset before the
 * change, a repeated time the offset after it.
 */
int32_t alx_tz_offset_local(const struct alx_tz *tz, int64_t local_sec);

#endif
