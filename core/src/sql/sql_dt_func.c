/*
 * Date/time functions for the function library: date arithmetic, casts
 * between date, timestamp and timestamptz, date_trunc() and extract(), as
 * PostgreSQL 15's date.c and timestamp.c compute them. extract() returns
 * NUMERIC in PostgreSQL 14+; here its exact text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/alx_diag.h"
#include "sql/sql_datetime.h"
#include "sql/sql_dt_internal.h"
#include "sql/sql_interval.h"

#define USECS_PER_SEC INT64_C(1000000)
#define USECS_PER_DAY INT64_C(86400000000)
#define UNIX_EPOCH_JDATE 2440588
#define TOKMAXLEN 10

static int valid_date(int64_t date)
{
	return date >= -ALX_POSTGRES_EPOCH_JDATE &&
	       date < ALX_DATE_END_JULIAN - ALX_POSTGRES_EPOCH_JDATE;
}

static int date_not_finite(int32_t d)
{
	return d == ALX_DATE_NOBEGIN || d == ALX_DATE_NOEND;
}

static int ts_not_finite(int64_t t)
{
	return t == ALX_TS_NOBEGIN || t == ALX_TS_NOEND;
}

static int ts_range_error(alopex_diag *d)
{
	return alx_diag_set(d, ALOPEX_ESQL, "22008", "timestamp out of range");
}

int alx_date_add_days(int32_t date, int64_t days, int32_t *out, alopex_diag *d)
{
	if (date_not_finite(date)) {
		*out = date;
		return 0;
	}
	int64_t r = (int64_t)date + days;
	if (days > INT32_MAX || days < INT32_MIN || !valid_date(r))
		return alx_diag_set(d, ALOPEX_ESQL, "22008",
				    "date out of range");
	*out = (int32_t)r;
	return 0;
}

int alx_date_diff(int32_t a, int32_t b, int32_t *out, alopex_diag *d)
{
	if (date_not_finite(a) || date_not_finite(b))
		return alx_diag_set(d, ALOPEX_ESQL, "22008",
				    "cannot subtract infinite dates");
	*out = a - b;
	return 0;
}

int alx_date_to_timestamp(int32_t date, int with_tz, const struct alx_tz *tz,
			  int32_t tz_offset_sec, int64_t *out, alopex_diag *d)
{
	if (date == ALX_DATE_NOBEGIN || date == ALX_DATE_NOEND) {
		*out = date == ALX_DATE_NOBEGIN ? ALX_TS_NOBEGIN : ALX_TS_NOEND;
		return 0;
	}
	if (date >= ALX_TS_END_JULIAN - ALX_POSTGRES_EPOCH_JDATE)
		return alx_diag_set(d, ALOPEX_ESQL, "22008",
				    "date out of range for timestamp");
	int64_t r = (int64_t)date * USECS_PER_DAY;
	if (with_tz) {
		struct alx_dt_tm tm = {0};
		alx_dt_j2date(date + ALX_POSTGRES_EPOCH_JDATE, &tm.year,
			      &tm.mon, &tm.mday);
		r -= (int64_t)alx_dt_local_offset(&tm, tz, tz_offset_sec) *
		     USECS_PER_SEC;
		if (!alx_dt_valid_ts(r))
			return alx_diag_set(d, ALOPEX_ESQL, "22008",
					    "date out of range for timestamp");
	}
	*out = r;
	return 0;
}

int alx_timestamp_to_date(int64_t ts, int with_tz, const struct alx_tz *tz,
			  int32_t tz_offset_sec, int32_t *out, alopex_diag *d)
{
	if (ts_not_finite(ts)) {
		*out = ts == ALX_TS_NOBEGIN ? ALX_DATE_NOBEGIN : ALX_DATE_NOEND;
		return 0;
	}
	struct alx_dt_tm tm;
	if (alx_dt_ts2tm(ts, with_tz, tz, tz_offset_sec, &tm) != 0)
		return ts_range_error(d);
	*out = alx_dt_date2j(tm.year, tm.mon, tm.mday) -
	       ALX_POSTGRES_EPOCH_JDATE;
	return 0;
}

int alx_timestamp_to_timestamptz(int64_t ts, const struct alx_tz *tz,
				 int32_t tz_offset_sec, int64_t *out,
				 alopex_diag *d)
{
	if (ts_not_finite(ts)) {
		*out = ts;
		return 0;
	}
	struct alx_dt_tm tm;
	if (alx_dt_ts2tm(ts, 0, NULL, 0, &tm) != 0)
		return ts_range_error(d);
	int32_t off = alx_dt_local_offset(&tm, tz, tz_offset_sec);
	int64_t r = ts - (int64_t)off * USECS_PER_SEC;
	if (!alx_dt_valid_ts(r))
		return ts_range_error(d);
	*out = r;
	return 0;
}

int alx_timestamptz_to_timestamp(int64_t ts, const struct alx_tz *tz,
				 int32_t tz_offset_sec, int64_t *out,
				 alopex_diag *d)
{
	if (ts_not_finite(ts)) {
		*out = ts;
		return 0;
	}
	struct alx_dt_tm tm;
	if (alx_dt_ts2tm(ts, 1, tz, tz_offset_sec, &tm) != 0 ||
	    alx_dt_tm2ts(&tm, 0, 0, out) != 0)
		return ts_range_error(d);
	return 0;
}

/* ---- units ------------------------------------------------------------ */

struct unit_tok {
	const char *name;
	enum alx_dt_unit u;
};

/* datetktbl's entries that extract() accepts as units. */
static const struct unit_tok date_units[] = {
	{"d", ALX_DTU_DAY},	      {"dow", ALX_DTU_DOW},
	{"doy", ALX_DTU_DOY},	      {"epoch", ALX_DTU_EPOCH},
	{"h", ALX_DTU_HOUR},	      {"isodow", ALX_DTU_ISODOW},
	{"isoyear", ALX_DTU_ISOYEAR}, {"j", ALX_DTU_JULIAN},
	{"jd", ALX_DTU_JULIAN},	      {"julian", ALX_DTU_JULIAN},
	{"m", ALX_DTU_MONTH},	      {"mm", ALX_DTU_MINUTE},
	{"s", ALX_DTU_SECOND},	      {"y", ALX_DTU_YEAR},
};

static enum alx_dt_unit find_unit(const struct unit_tok *t, size_t n,
				  const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(s, t[i].name, TOKMAXLEN) == 0)
			return t[i].u;
	return ALX_DTU_UNKNOWN;
}

/* deltatktbl's UNITS entries; "@" and "ago" are not units here. */
static enum alx_dt_unit delta_unit(const char *s)
{
	enum alx_dt_unit u = alx_dt_delta_unit(s);
	return u == ALX_DTU_IGNORE || u == ALX_DTU_AGO ? ALX_DTU_UNKNOWN : u;
}

/* downcase_truncate_identifier(): ASCII lower case, 63 bytes. */
static void lower_units(const char *f, size_t n, char out[64])
{
	if (n > 63)
		n = 63;
	for (size_t i = 0; i < n; i++) {
		char c = f[i];
		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	out[n] = '\0';
}

static const char *type_name(int kind)
{
	return kind == 0   ? "date"
	       : kind == 1 ? "timestamp without time zone"
			   : "timestamp with time zone";
}

/* ---- ISO weeks -------------------------------------------------------- */

static int j2day(int jd)
{
	return (int)(((unsigned)jd + 1) % 7);
}

static int date2isoweek(int year, int mon, int mday)
{
	int dayn = alx_dt_date2j(year, mon, mday);
	int day4 = alx_dt_date2j(year, 1, 4);
	int day0 = j2day(day4 - 1);
	if (dayn < day4 - day0) {
		day4 = alx_dt_date2j(year - 1, 1, 4);
		day0 = j2day(day4 - 1);
	}
	int result = (dayn - (day4 - day0)) / 7 + 1;
	if (result >= 52) {
		day4 = alx_dt_date2j(year + 1, 1, 4);
		day0 = j2day(day4 - 1);
		if (dayn >= day4 - day0)
			result = (dayn - (day4 - day0)) / 7 + 1;
	}
	return result;
}

static int date2isoyear(int year, int mon, int mday)
{
	int dayn = alx_dt_date2j(year, mon, mday);
	int day4 = alx_dt_date2j(year, 1, 4);
	int day0 = j2day(day4 - 1);
	if (dayn < day4 - day0) {
		day4 = alx_dt_date2j(year - 1, 1, 4);
		day0 = j2day(day4 - 1);
		year--;
	}
	int result = (dayn - (day4 - day0)) / 7 + 1;
	if (result >= 52) {
		day4 = alx_dt_date2j(year + 1, 1, 4);
		day0 = j2day(day4 - 1);
		if (dayn >= day4 - day0)
			year++;
	}
	return year;
}

static void isoweek2date(int woy, int *year, int *mon, int *mday)
{
	int day4 = alx_dt_date2j(*year, 1, 4);
	int day0 = j2day(day4 - 1);
	alx_dt_j2date((woy - 1) * 7 + (day4 - day0), year, mon, mday);
}

/* ---- date_trunc --------------------------------------------------------- */

int alx_timestamp_trunc(const char *field, size_t flen, int64_t ts, int with_tz,
			const struct alx_tz *tz, int32_t tz_offset_sec,
			int64_t *out, alopex_diag *d)
{
	const char *tname = with_tz ? "timestamp with time zone"
				    : "timestamp without time zone";
	if (ts_not_finite(ts)) {
		*out = ts;
		return 0;
	}
	char units[64];
	lower_units(field, flen, units);
	enum alx_dt_unit u = delta_unit(units);
	if (u == ALX_DTU_UNKNOWN)
		return alx_diag_set(d, ALOPEX_ESQL, "22023",
				    "unit \"%s\" not recognized for type %s",
				    units, tname);
	struct alx_dt_tm tm;
	if (alx_dt_ts2tm(ts, with_tz, tz, tz_offset_sec, &tm) != 0)
		return ts_range_error(d);
	int redotz = 0;
	switch (u) {
	case ALX_DTU_WEEK: {
		int woy = date2isoweek(tm.year, tm.mon, tm.mday);
		if (woy >= 52 && tm.mon == 1)
			--tm.year;
		if (woy <= 1 && tm.mon == 12)
			++tm.year;
		isoweek2date(woy, &tm.year, &tm.mon, &tm.mday);
		tm.hour = tm.min = tm.sec = 0;
		tm.fsec = 0;
		redotz = 1;
		break;
	}
	case ALX_DTU_MILLENNIUM:
	case ALX_DTU_CENTURY:
	case ALX_DTU_DECADE:
	case ALX_DTU_YEAR:
	case ALX_DTU_QUARTER:
	case ALX_DTU_MONTH:
	case ALX_DTU_DAY:
		if (u == ALX_DTU_MILLENNIUM) {
			if (tm.year > 0)
				tm.year = ((tm.year + 999) / 1000) * 1000 - 999;
			else
				tm.year =
					-((999 - (tm.year - 1)) / 1000) * 1000 +
					1;
		}
		if (u == ALX_DTU_MILLENNIUM || u == ALX_DTU_CENTURY) {
			if (tm.year > 0)
				tm.year = ((tm.year + 99) / 100) * 100 - 99;
			else
				tm.year =
					-((99 - (tm.year - 1)) / 100) * 100 + 1;
		}
		if (u == ALX_DTU_DECADE) {
			if (tm.year > 0)
				tm.year = (tm.year / 10) * 10;
			else
				tm.year = -((8 - (tm.year - 1)) / 10) * 10;
		}
		if (u >= ALX_DTU_YEAR)
			tm.mon = 1;
		if (u >= ALX_DTU_QUARTER)
			tm.mon = (3 * ((tm.mon - 1) / 3)) + 1;
		if (u >= ALX_DTU_MONTH)
			tm.mday = 1;
		tm.hour = tm.min = tm.sec = 0;
		tm.fsec = 0;
		redotz = 1;
		break;
	case ALX_DTU_HOUR:
		tm.min = 0;
		tm.sec = 0;
		tm.fsec = 0;
		break;
	case ALX_DTU_MINUTE:
		tm.sec = 0;
		tm.fsec = 0;
		break;
	case ALX_DTU_SECOND:
		tm.fsec = 0;
		break;
	case ALX_DTU_MILLISEC:
		tm.fsec = (tm.fsec / 1000) * 1000;
		break;
	case ALX_DTU_MICROSEC:
		break;
	default:
		return alx_diag_set(d, ALOPEX_ESQL, "0A000",
				    "unit \"%s\" not supported for type %s",
				    units, tname);
	}
	int32_t off = tm.gmtoff;
	if (with_tz && redotz)
		off = alx_dt_local_offset(&tm, tz, tz_offset_sec);
	if (alx_dt_tm2ts(&tm, with_tz, off, out) != 0)
		return ts_range_error(d);
	return 0;
}

/* ---- extract ---------------------------------------------------------- */

/* val / 10^scale as NUMERIC text (int64_div_fast_to_numeric). */
static void scaled_text(int64_t val, int scale, char *buf, size_t n)
{
	int neg = val < 0;
	uint64_t u = neg ? (uint64_t)0 - (uint64_t)val : (uint64_t)val;
	uint64_t p = 1;
	for (int i = 0; i < scale; i++)
		p *= 10;
	if (scale == 0)
		snprintf(buf, n, "%s%llu", neg ? "-" : "",
			 (unsigned long long)u);
	else
		snprintf(buf, n, "%s%llu.%0*llu", neg ? "-" : "",
			 (unsigned long long)(u / p), scale,
			 (unsigned long long)(u % p));
}

/* Base-10000 weight and first digit of a positive value, as numeric.c
 * sees it (0: weight 0, digit 0). */
static void nbase(uint64_t v, int *weight, int *first)
{
	*weight = 0;
	*first = 0;
	if (v == 0)
		return;
	int w = 0;
	while (v >= 10000) {
		v /= 10000;
		w++;
	}
	*weight = w;
	*first = (int)v;
}

/*
 * Julian day with fraction: jd + usecs / 86400000000 with the division's
 * scale picked as select_div_scale() does, rounded half up.
 */
static void julian_text(int jd, int64_t usecs, char *buf, size_t n)
{
	int w1, f1, w2, f2;
	nbase((uint64_t)usecs, &w1, &f1);
	nbase((uint64_t)USECS_PER_DAY, &w2, &f2);
	int qweight = w1 - w2;
	if (f1 <= f2)
		qweight--;
	int rscale = 16 - qweight * 4;
	if (rscale < 0)
		rscale = 0;
	/* Long division of usecs by a day, rscale + 1 digits, rounded. */
	char frac[40];
	uint64_t rem = (uint64_t)usecs;
	int k = 0;
	for (; k <= rscale && k < 39; k++) {
		rem *= 10;
		frac[k] = (char)('0' + rem / (uint64_t)USECS_PER_DAY);
		rem %= (uint64_t)USECS_PER_DAY;
	}
	int carry = frac[k - 1] >= '5';
	k--;
	for (int i = k - 1; i >= 0 && carry; i--) {
		if (frac[i] == '9') {
			frac[i] = '0';
		} else {
			frac[i]++;
			carry = 0;
		}
	}
	frac[k] = '\0';
	if (rscale == 0)
		snprintf(buf, n, "%d", jd + carry);
	else
		snprintf(buf, n, "%d.%s", jd + carry, frac);
}

static int year_field(enum alx_dt_unit u, int y)
{
	switch (u) {
	case ALX_DTU_YEAR:
		return y > 0 ? y : y - 1;
	case ALX_DTU_DECADE:
		return y >= 0 ? y / 10 : -((8 - (y - 1)) / 10);
	case ALX_DTU_CENTURY:
		return y > 0 ? (y + 99) / 100 : -((99 - (y - 1)) / 100);
	case ALX_DTU_MILLENNIUM:
		return y > 0 ? (y + 999) / 1000 : -((999 - (y - 1)) / 1000);
	default:
		return 0;
	}
}

int alx_datetime_extract(const char *field, size_t flen, int kind, int32_t date,
			 int64_t ts, const struct alx_tz *tz,
			 int32_t tz_offset_sec, char buf[ALX_DATETIME_BUFSZ],
			 int *is_null, alopex_diag *d)
{
	char units[64];
	lower_units(field, flen, units);
	enum alx_dt_unit u = delta_unit(units);
	if (u == ALX_DTU_UNKNOWN)
		u = find_unit(date_units,
			      sizeof(date_units) / sizeof(date_units[0]),
			      units);
	if (u == ALX_DTU_UNKNOWN)
		return alx_diag_set(d, ALOPEX_ESQL, "22023",
				    "unit \"%s\" not recognized for type %s",
				    units, type_name(kind));
	int infinite = kind == 0 ? date_not_finite(date) : ts_not_finite(ts);
	int supported;
	if (kind == 0)
		supported = u == ALX_DTU_DAY || u == ALX_DTU_MONTH ||
			    u == ALX_DTU_QUARTER || u == ALX_DTU_WEEK ||
			    u == ALX_DTU_YEAR || u == ALX_DTU_DECADE ||
			    u == ALX_DTU_CENTURY || u == ALX_DTU_MILLENNIUM ||
			    u == ALX_DTU_DOW || u == ALX_DTU_ISODOW ||
			    u == ALX_DTU_ISOYEAR || u == ALX_DTU_DOY ||
			    u == ALX_DTU_EPOCH || u == ALX_DTU_JULIAN;
	else if (kind == 1 && !infinite)
		supported = u != ALX_DTU_TZ && u != ALX_DTU_TZ_HOUR &&
			    u != ALX_DTU_TZ_MINUTE;
	else
		supported = 1; /* NonFiniteTimestampTzPart() knows them all */
	if (!supported)
		return alx_diag_set(d, ALOPEX_ESQL, "0A000",
				    "unit \"%s\" not supported for type %s",
				    units, type_name(kind));
	if (infinite) {
		int neg = kind == 0 ? date == ALX_DATE_NOBEGIN
				    : ts == ALX_TS_NOBEGIN;
		/* Fields that grow with time are +-Infinity, others NULL. */
		if (u == ALX_DTU_YEAR || u == ALX_DTU_DECADE ||
		    u == ALX_DTU_CENTURY || u == ALX_DTU_MILLENNIUM ||
		    u == ALX_DTU_JULIAN || u == ALX_DTU_ISOYEAR ||
		    u == ALX_DTU_EPOCH) {
			strcpy(buf, neg ? "-Infinity" : "Infinity");
			*is_null = 0;
		} else {
			buf[0] = '\0';
			*is_null = 1;
		}
		return 0;
	}
	struct alx_dt_tm tm;
	memset(&tm, 0, sizeof(tm));
	if (kind == 0) {
		alx_dt_j2date(date + ALX_POSTGRES_EPOCH_JDATE, &tm.year,
			      &tm.mon, &tm.mday);
	} else if (alx_dt_ts2tm(ts, kind == 2, tz, tz_offset_sec, &tm) != 0) {
		return ts_range_error(d);
	}
	int64_t usec_of_min = (int64_t)tm.sec * USECS_PER_SEC + tm.fsec;
	int64_t v = 0;
	*is_null = 0;
	switch (u) {
	case ALX_DTU_MICROSEC:
		v = usec_of_min;
		break;
	case ALX_DTU_MILLISEC:
		scaled_text(usec_of_min, 3, buf, ALX_DATETIME_BUFSZ);
		return 0;
	case ALX_DTU_SECOND:
		scaled_text(usec_of_min, 6, buf, ALX_DATETIME_BUFSZ);
		return 0;
	case ALX_DTU_MINUTE:
		v = tm.min;
		break;
	case ALX_DTU_HOUR:
		v = tm.hour;
		break;
	case ALX_DTU_DAY:
		v = tm.mday;
		break;
	case ALX_DTU_MONTH:
		v = tm.mon;
		break;
	case ALX_DTU_QUARTER:
		v = (tm.mon - 1) / 3 + 1;
		break;
	case ALX_DTU_WEEK:
		v = date2isoweek(tm.year, tm.mon, tm.mday);
		break;
	case ALX_DTU_YEAR:
	case ALX_DTU_DECADE:
	case ALX_DTU_CENTURY:
	case ALX_DTU_MILLENNIUM:
		v = year_field(u, tm.year);
		break;
	case ALX_DTU_DOW:
	case ALX_DTU_ISODOW:
		v = j2day(alx_dt_date2j(tm.year, tm.mon, tm.mday));
		if (u == ALX_DTU_ISODOW && v == 0)
			v = 7;
		break;
	case ALX_DTU_DOY:
		v = alx_dt_date2j(tm.year, tm.mon, tm.mday) -
		    alx_dt_date2j(tm.year, 1, 1) + 1;
		break;
	case ALX_DTU_ISOYEAR:
		v = date2isoyear(tm.year, tm.mon, tm.mday);
		if (v <= 0)
			v -= 1;
		break;
	case ALX_DTU_TZ:
		v = tm.gmtoff;
		break;
	case ALX_DTU_TZ_HOUR:
		v = tm.gmtoff / 3600;
		break;
	case ALX_DTU_TZ_MINUTE:
		v = (tm.gmtoff / 60) % 60;
		break;
	case ALX_DTU_EPOCH:
		if (kind == 0) {
			v = ((int64_t)date -
			     (UNIX_EPOCH_JDATE - ALX_POSTGRES_EPOCH_JDATE)) *
			    86400;
			break;
		}
		scaled_text(ts - ALX_UNIX_EPOCH_TS, 6, buf, ALX_DATETIME_BUFSZ);
		return 0;
	case ALX_DTU_JULIAN: {
		int jd = alx_dt_date2j(tm.year, tm.mon, tm.mday);
		if (kind == 0) {
			v = jd;
			break;
		}
		int64_t usecs =
			(((int64_t)tm.hour * 60 + tm.min) * 60 + tm.sec) *
				USECS_PER_SEC +
			tm.fsec;
		julian_text(jd, usecs, buf, ALX_DATETIME_BUFSZ);
		return 0;
	}
	default:
		return alx_diag_set(d, ALOPEX_EINTERNAL, NULL,
				    "extract: unhandled unit");
	}
	snprintf(buf, ALX_DATETIME_BUFSZ, "%lld", (long long)v);
	return 0;
}

/* ---- intervals -------------------------------------------------------- */

/* interval2itm: every part has the sign of its field. */
struct iv_parts {
	int64_t usec, sec, min, hour, mday;
	int32_t mon, year;
};

static void iv_split(const struct alx_interval *iv, struct iv_parts *p)
{
	int64_t t = iv->time;
	p->year = iv->month / 12;
	p->mon = iv->month % 12;
	p->mday = iv->day;
	p->hour = t / (3600 * USECS_PER_SEC);
	t -= p->hour * 3600 * USECS_PER_SEC;
	p->min = t / (60 * USECS_PER_SEC);
	t -= p->min * 60 * USECS_PER_SEC;
	p->sec = t / USECS_PER_SEC;
	p->usec = t - p->sec * USECS_PER_SEC;
}

/* v / 10^6 as NUMERIC text, for 128-bit v (epoch of long intervals). */
static void scaled6_text128(__int128 v, char *buf, size_t n)
{
	int neg = v < 0;
	unsigned __int128 u =
		neg ? -(unsigned __int128)v : (unsigned __int128)v;
	unsigned __int128 ip = u / 1000000;
	unsigned frac = (unsigned)(u % 1000000);
	char digits[48];
	int k = 0;
	do {
		digits[k++] = (char)('0' + (int)(ip % 10));
		ip /= 10;
	} while (ip != 0 && k < 47);
	size_t pos = 0;
	if (neg && pos + 1 < n)
		buf[pos++] = '-';
	while (k > 0 && pos + 1 < n)
		buf[pos++] = digits[--k];
	snprintf(buf + pos, n - pos, ".%06u", frac);
}

int alx_interval_extract(const char *field, size_t flen,
			 const struct alx_interval *iv, char buf[64], double *f,
			 alopex_diag *d)
{
	char units[64];
	lower_units(field, flen, units);
	enum alx_dt_unit u = delta_unit(units);
	if (u == ALX_DTU_UNKNOWN)
		u = find_unit(date_units,
			      sizeof(date_units) / sizeof(date_units[0]),
			      units);
	if (u == ALX_DTU_UNKNOWN)
		return alx_diag_set(d, ALOPEX_ESQL, "22023",
				    "unit \"%s\" not recognized for type "
				    "interval",
				    units);
	struct iv_parts p;
	iv_split(iv, &p);
	int64_t sec_usec = p.sec * USECS_PER_SEC + p.usec;
	int64_t v;
	switch (u) {
	case ALX_DTU_MICROSEC:
		v = sec_usec;
		break;
	case ALX_DTU_MILLISEC:
		scaled_text(sec_usec, 3, buf, 64);
		*f = (double)p.sec * 1000.0 + (double)p.usec / 1000.0;
		return 0;
	case ALX_DTU_SECOND:
		scaled_text(sec_usec, 6, buf, 64);
		*f = (double)p.sec + (double)p.usec / 1000000.0;
		return 0;
	case ALX_DTU_MINUTE:
		v = p.min;
		break;
	case ALX_DTU_HOUR:
		v = p.hour;
		break;
	case ALX_DTU_DAY:
		v = p.mday;
		break;
	case ALX_DTU_MONTH:
		v = p.mon;
		break;
	case ALX_DTU_QUARTER:
		v = p.mon / 3 + 1;
		break;
	case ALX_DTU_YEAR:
		v = p.year;
		break;
	case ALX_DTU_DECADE:
		v = p.year / 10;
		break;
	case ALX_DTU_CENTURY:
		v = p.year / 100;
		break;
	case ALX_DTU_MILLENNIUM:
		v = p.year / 1000;
		break;
	case ALX_DTU_EPOCH: {
		/* 365.25 days a year, 30 a month: times 4 to stay integral */
		int64_t secs = ((int64_t)1461 * (iv->month / 12) +
				(int64_t)120 * (iv->month % 12) +
				(int64_t)4 * iv->day) *
			       (86400 / 4);
		scaled6_text128((__int128)secs * 1000000 + iv->time, buf, 64);
		*f = (double)iv->time / 1000000.0;
		*f += (365.25 * 86400) * (iv->month / 12);
		*f += (30.0 * 86400) * (iv->month % 12);
		*f += 86400.0 * iv->day;
		return 0;
	}
	default:
		return alx_diag_set(d, ALOPEX_ESQL, "0A000",
				    "unit \"%s\" not supported for type "
				    "interval",
				    units);
	}
	snprintf(buf, 64, "%lld", (long long)v);
	*f = (double)v;
	return 0;
}

int alx_interval_trunc(const char *field, size_t flen,
		       const struct alx_interval *iv, struct alx_interval *out,
		       alopex_diag *d)
{
	char units[64];
	lower_units(field, flen, units);
	/* interval_trunc knows only deltatktbl's units */
	enum alx_dt_unit u = delta_unit(units);
	if (u == ALX_DTU_UNKNOWN)
		return alx_diag_set(d, ALOPEX_ESQL, "22023",
				    "unit \"%s\" not recognized for type "
				    "interval",
				    units);
	struct iv_parts p;
	iv_split(iv, &p);
	switch (u) {
	case ALX_DTU_MILLENNIUM:
		p.year = (p.year / 1000) * 1000;
		/* fall through */
	case ALX_DTU_CENTURY:
		p.year = (p.year / 100) * 100;
		/* fall through */
	case ALX_DTU_DECADE:
		p.year = (p.year / 10) * 10;
		/* fall through */
	case ALX_DTU_YEAR:
		p.mon = 0;
		/* fall through */
	case ALX_DTU_QUARTER:
		p.mon = 3 * (p.mon / 3);
		/* fall through */
	case ALX_DTU_MONTH:
		p.mday = 0;
		/* fall through */
	case ALX_DTU_DAY:
		p.hour = 0;
		/* fall through */
	case ALX_DTU_HOUR:
		p.min = 0;
		/* fall through */
	case ALX_DTU_MINUTE:
		p.sec = 0;
		/* fall through */
	case ALX_DTU_SECOND:
		p.usec = 0;
		break;
	case ALX_DTU_MILLISEC:
		p.usec = (p.usec / 1000) * 1000;
		break;
	case ALX_DTU_MICROSEC:
		break;
	default:
		return alx_diag_set(
			d, ALOPEX_ESQL, "0A000",
			u == ALX_DTU_WEEK
				? "unit \"%s\" not supported for type "
				  "interval\nMonths usually have "
				  "fractional weeks."
				: "unit \"%s\" not supported for type "
				  "interval",
			units);
	}
	/* the parts came from an interval: only the hours can overflow
	 * on the way back, and they cannot (they were its time) */
	out->month = p.year * 12 + p.mon;
	out->day = (int32_t)p.mday;
	out->time =
		((p.hour * 60 + p.min) * 60 + p.sec) * USECS_PER_SEC + p.usec;
	return 0;
}
