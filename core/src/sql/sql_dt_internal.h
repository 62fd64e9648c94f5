/* Internals shared by sql_datetime.c, sql_dt_func.c and sql_tz.c. */
#ifndef ALX_SQL_DT_INTERNAL_H
#define ALX_SQL_DT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "alopex.h"

struct alx_arena;
struct alx_tz;

/* Proleptic Gregorian calendar: days since 1970-01-01 and back. */
int64_t alx_dt_days_from_civil(int64_t y, int m, int d);
void alx_dt_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* A POSIX TZ rule. */
struct alx_dt_rule_time {
	char kind; /* 'J': Julian 1..365 w/o Feb 29, 'D': 0..365, 'M' */
	int day, week, mon;
	int32_t secs; /* local time of day of the change */
};
struct alx_dt_rule {
	int32_t std_off, dst_off; /* east of UTC */
	int has_dst;
	struct alx_dt_rule_time start, end;
};

/*
 * A zone: TZif data used in place (big-endian, decoded on access), and/or
 * a POSIX rule (the TZif footer, or the whole zone).
 */
struct alx_tz {
	const char *name;
	size_t ntrans;
	int tsize; /* 4 (v1) or 8 bytes per transition time */
	const uint8_t *times, *idx, *types; /* types: 6 bytes each */
	size_t ntypes;
	int deftype;
	int has_rule;
	struct alx_dt_rule rule;
};

/* Zone files are read whole into this much memory (real ones: < 4 KiB). */
#define ALX_TZ_FILE_MAX 8192

int64_t alx_dt_tz_trans(const struct alx_tz *tz, size_t i);
/* pg_tzset() into caller storage (buf of cap bytes keeps the file). 0 or
 * -1 unknown. */
int alx_dt_tz_lookup_into(struct alx_tz *tz, uint8_t *buf, size_t cap,
			  const char *name, size_t len);
/* pg_tzset(): a zoneinfo file (case-insensitive) or a POSIX TZ string.
 * 0, -1 unknown, -2 out of memory. */
int alx_dt_tz_lookup(struct alx_arena *a, const char *name, size_t len,
		     struct alx_tz **out);
/* A zone with a fixed offset east of UTC. */
struct alx_tz *alx_dt_tz_fixed(struct alx_arena *a, int32_t off_east);

/* Is s (lower case) a token of datetktbl, the core date/time words? Used
 * by the interval tokenizer as ParseDateTime uses it. */
int alx_dt_is_core_token(const char *s);

/* Broken-down time, as PostgreSQL's struct pg_tm (year 0 = 1 BC). */
struct alx_dt_tm {
	int year, mon, mday, hour, min, sec;
	int32_t fsec; /* microseconds */
	int gmtoff;   /* seconds east of UTC */
};

/* PostgreSQL's limits. */
#define ALX_POSTGRES_EPOCH_JDATE 2451545
#define ALX_MIN_TIMESTAMP INT64_C(-211813488000000000)
#define ALX_END_TIMESTAMP INT64_C(9223371331200000000)
#define ALX_DATE_END_JULIAN 2147483494
#define ALX_TS_END_JULIAN 109203528

int alx_dt_date2j(int y, int m, int d);
void alx_dt_j2date(int jd, int *y, int *m, int *d);
int alx_dt_valid_julian(int y, int m, int d);
int alx_dt_valid_ts(int64_t ts);
/* ts -> broken-down time; with a zone (tz, or fixed off when tz NULL)
 * when with_tz. 0, or -1 out of range. */
int alx_dt_ts2tm(int64_t ts, int with_tz, const struct alx_tz *tz, int32_t off,
		 struct alx_dt_tm *tm);
/* tm -> ts; offset east applied when with_offset. 0, or -1 out of range. */
int alx_dt_tm2ts(const struct alx_dt_tm *tm, int with_offset, int32_t off_east,
		 int64_t *out);
/* Offset east for local wall time tm in the zone (or fixed off). */
int32_t alx_dt_local_offset(const struct alx_dt_tm *tm, const struct alx_tz *tz,
			    int32_t off);

/* Units of PostgreSQL's deltatktbl (DecodeUnits), shared by interval input
 * and extract()/date_part()/date_trunc(); the last six come only from
 * datetktbl, for extract(). */
enum alx_dt_unit {
	ALX_DTU_UNKNOWN,
	ALX_DTU_IGNORE, /* "@": the type modifier decides */
	ALX_DTU_AGO,
	ALX_DTU_MICROSEC,
	ALX_DTU_MILLISEC,
	ALX_DTU_SECOND,
	ALX_DTU_MINUTE,
	ALX_DTU_HOUR,
	ALX_DTU_DAY,
	ALX_DTU_WEEK,
	ALX_DTU_MONTH,
	ALX_DTU_QUARTER,
	ALX_DTU_YEAR,
	ALX_DTU_DECADE,
	ALX_DTU_CENTURY,
	ALX_DTU_MILLENNIUM,
	ALX_DTU_TZ,
	ALX_DTU_TZ_HOUR,
	ALX_DTU_TZ_MINUTE,
	ALX_DTU_DOW,
	ALX_DTU_ISODOW,
	ALX_DTU_DOY,
	ALX_DTU_ISOYEAR,
	ALX_DTU_JULIAN,
	ALX_DTU_EPOCH,
};
/* s lower case and NUL-terminated; like PostgreSQL, only its first 10
 * characters count ("microseconds" is "microsecon"). */
enum alx_dt_unit alx_dt_delta_unit(const char *s);

#endif
