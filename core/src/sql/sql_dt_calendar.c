/*
 * DATE / TIMESTAMP / TIMESTAMPTZ: the calendar (Julian days, broken-down
 * time in a zone) and ISO DateStyle output, as PostgreSQL 15's
 * timestamp2tm(), tm2timestamp() and EncodeDateTime() do them.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sql/sql_datetime.h"
#include "sql/sql_dt_internal.h"

/* ---- calendar ----------------------------------------------------------- */

#define UNIX_EPOCH_JDATE 2440588
#define USECS_PER_SEC INT64_C(1000000)
#define USECS_PER_DAY INT64_C(86400000000)
#define SECS_PER_DAY 86400

int alx_dt_date2j(int y, int m, int d)
{
	return (int)(alx_dt_days_from_civil(y, m, d) + UNIX_EPOCH_JDATE);
}

void alx_dt_j2date(int jd, int *y, int *m, int *d)
{
	int64_t yy;
	alx_dt_civil_from_days((int64_t)jd - UNIX_EPOCH_JDATE, &yy, m, d);
	*y = (int)yy;
}

int alx_dt_valid_julian(int y, int m, int d)
{
	(void)d;
	return (y > -4713 || (y == -4713 && m >= 11)) &&
	       (y < 5874898 || (y == 5874898 && m < 6));
}

int alx_dt_valid_ts(int64_t ts)
{
	return ts >= ALX_MIN_TIMESTAMP && ts < ALX_END_TIMESTAMP;
}

static int64_t dt_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int alx_dt_ts2tm(int64_t ts, int with_tz, const struct alx_tz *tz, int32_t off,
		 struct alx_dt_tm *tm)
{
	/* timestamp2tm(): the UTC date must be a valid Julian day; the local
	 * time (pg_localtime) may fall just outside. */
	int64_t udays = dt_floor_div(ts, USECS_PER_DAY);
	int64_t ujd = udays + ALX_POSTGRES_EPOCH_JDATE;
	if (ujd < 0 || ujd > INT_MAX)
		return -1;
	int32_t gmtoff = 0;
	if (with_tz)
		gmtoff = tz != NULL ? alx_tz_offset_at(tz, ts) : off;
	int64_t local = ts + (int64_t)gmtoff * USECS_PER_SEC;
	if ((gmtoff > 0 && local < ts) || (gmtoff < 0 && local > ts))
		return -1;
	int64_t days = dt_floor_div(local, USECS_PER_DAY);
	int64_t time = local - days * USECS_PER_DAY;
	int64_t y;
	alx_dt_civil_from_days(days + alx_dt_days_from_civil(2000, 1, 1), &y,
			       &tm->mon, &tm->mday);
	tm->year = (int)y;
	tm->hour = (int)(time / (3600 * USECS_PER_SEC));
	time -= (int64_t)tm->hour * 3600 * USECS_PER_SEC;
	tm->min = (int)(time / (60 * USECS_PER_SEC));
	time -= (int64_t)tm->min * 60 * USECS_PER_SEC;
	tm->sec = (int)(time / USECS_PER_SEC);
	tm->fsec = (int32_t)(time - tm->sec * USECS_PER_SEC);
	tm->gmtoff = gmtoff;
	return 0;
}

/*
 * Seconds of the time of day as PostgreSQL computes them, in int: the
 * labelled ISO fields ("y2024m01d01h99") are not range-checked, and its
 * arithmetic wraps at 32 bits (done here without undefined behaviour).
 */
static int32_t day_secs(const struct alx_dt_tm *tm)
{
	uint32_t v = (uint32_t)tm->hour * 60u + (uint32_t)tm->min;
	v = v * 60u + (uint32_t)tm->sec;
	return (int32_t)v;
}

int alx_dt_tm2ts(const struct alx_dt_tm *tm, int with_offset, int32_t off_east,
		 int64_t *out)
{
	if (!alx_dt_valid_julian(tm->year, tm->mon, tm->mday))
		return -1;
	int64_t date = alx_dt_date2j(tm->year, tm->mon, tm->mday) -
		       ALX_POSTGRES_EPOCH_JDATE;
	int64_t time = (int64_t)day_secs(tm) * USECS_PER_SEC + tm->fsec;
	/* |date| < 2^31 and |time| is tiny: no overflow in int64 here
	 * except at the extremes, which the checks below catch. */
	if (date > INT64_MAX / USECS_PER_DAY - 1 ||
	    date < INT64_MIN / USECS_PER_DAY + 1)
		return -1;
	int64_t r = date * USECS_PER_DAY + time;
	/* caution: 1999-12-31 24:00:00 is allowed */
	if ((r < 0 && date > 0) || (r > 0 && date < -1))
		return -1;
	if (with_offset)
		r -= (int64_t)off_east * USECS_PER_SEC;
	if (!alx_dt_valid_ts(r))
		return -1;
	*out = r;
	return 0;
}

int32_t alx_dt_local_offset(const struct alx_dt_tm *tm, const struct alx_tz *tz,
			    int32_t off)
{
	if (tz == NULL)
		return off;
	/* Local seconds since 2000-01-01, computed without range limits. */
	int64_t days = alx_dt_days_from_civil(tm->year, tm->mon, tm->mday) -
		       alx_dt_days_from_civil(2000, 1, 1);
	int64_t secs = days * SECS_PER_DAY + day_secs(tm);
	return alx_tz_offset_local(tz, secs);
}

/* ---- output ------------------------------------------------------------ */

static char *put_uint(char *p, long long v, int width)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (n < width)
		tmp[n++] = '0';
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

static char *put_date(char *p, int y, int m, int d)
{
	p = put_uint(p, y > 0 ? y : -(y - 1), 4);
	*p++ = '-';
	p = put_uint(p, m, 2);
	*p++ = '-';
	return put_uint(p, d, 2);
}

void alx_date_out(int32_t date, char buf[ALX_DATETIME_BUFSZ])
{
	if (date == ALX_DATE_NOBEGIN) {
		strcpy(buf, "-infinity");
		return;
	}
	if (date == ALX_DATE_NOEND) {
		strcpy(buf, "infinity");
		return;
	}
	int y, m, dd;
	alx_dt_j2date(date + ALX_POSTGRES_EPOCH_JDATE, &y, &m, &dd);
	char *p = put_date(buf, y, m, dd);
	if (y <= 0) {
		memcpy(p, " BC", 3);
		p += 3;
	}
	*p = '\0';
}

void alx_timestamp_out(int64_t ts, int with_tz, const struct alx_tz *tz,
		       int32_t tz_offset_sec, char buf[ALX_DATETIME_BUFSZ])
{
	if (ts == ALX_TS_NOBEGIN) {
		strcpy(buf, "-infinity");
		return;
	}
	if (ts == ALX_TS_NOEND) {
		strcpy(buf, "infinity");
		return;
	}
	struct alx_dt_tm tm;
	if (alx_dt_ts2tm(ts, with_tz, tz, tz_offset_sec, &tm) != 0) {
		/* PostgreSQL errors here ("timestamp out of range"); stored
		 * values are always in range, so this is defensive. */
		strcpy(buf, "timestamp out of range");
		return;
	}
	char *p = put_date(buf, tm.year, tm.mon, tm.mday);
	*p++ = ' ';
	p = put_uint(p, tm.hour, 2);
	*p++ = ':';
	p = put_uint(p, tm.min, 2);
	*p++ = ':';
	p = put_uint(p, tm.sec, 2);
	if (tm.fsec != 0) {
		*p++ = '.';
		int v = tm.fsec, w = 6;
		while (v % 10 == 0) {
			v /= 10;
			w--;
		}
		p = put_uint(p, v, w);
	}
	if (with_tz) {
		int tzw = -tm.gmtoff; /* PostgreSQL's sign */
		int sec = abs(tzw), min = sec / 60;
		sec -= min * 60;
		int hour = min / 60;
		min -= hour * 60;
		*p++ = tzw <= 0 ? '+' : '-';
		p = put_uint(p, hour, 2);
		if (sec != 0) {
			*p++ = ':';
			p = put_uint(p, min, 2);
			*p++ = ':';
			p = put_uint(p, sec, 2);
		} else if (min != 0) {
			*p++ = ':';
			p = put_uint(p, min, 2);
		}
	}
	if (tm.year <= 0) {
		memcpy(p, " BC", 3);
		p += 3;
	}
	*p = '\0';
}

int64_t alx_timestamp_round(int64_t ts, int precision)
{
	static const int64_t scales[7] = {1000000, 100000, 10000, 1000,
					  100,	   10,	   1};
	static const int64_t offsets[7] = {500000, 50000, 5000, 500, 50, 5, 0};
	if (ts == ALX_TS_NOBEGIN || ts == ALX_TS_NOEND || precision < 0 ||
	    precision >= 6)
		return ts;
	/* AdjustTimestampForTypmod(): round half away from zero. */
	if (ts >= 0)
		return ((ts + offsets[precision]) / scales[precision]) *
		       scales[precision];
	return -((((-ts) + offsets[precision]) / scales[precision]) *
		 scales[precision]);
}
