/*
 * INTERVAL: output (EncodeInterval in the four styles), comparison and
 * keys, arithmetic (timestamp.c's interval and timestamp operators).
 * Input is in sql_interval_in.c.
 */
#include "sql/sql_interval.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_datetime.h"
#include "sql/sql_dt_internal.h"
#include "sql/sql_value_internal.h"

#define USECS_PER_SEC INT64_C(1000000)
#define USECS_PER_MINUTE INT64_C(60000000)
#define USECS_PER_HOUR INT64_C(3600000000)
#define USECS_PER_DAY INT64_C(86400000000)
#define SECS_PER_DAY 86400
#define DAYS_PER_MONTH 30
#define MONTHS_PER_YEAR 12

static int range_error(alopex_diag *d)
{
	return alx_diag_set(d, ALOPEX_ESQL, "22008", "interval out of range");
}

static int ts_range_error(alopex_diag *d)
{
	return alx_diag_set(d, ALOPEX_ESQL, "22008", "timestamp out of range");
}

/* ---- output ----------------------------------------------------------- */

/* struct pg_itm */
struct itm {
	int64_t usec, sec, min, hour;
	int64_t mday;
	int32_t mon, year;
};

static void interval2itm(const struct alx_interval *iv, struct itm *t)
{
	int64_t time = iv->time;
	t->year = iv->month / MONTHS_PER_YEAR;
	t->mon = iv->month % MONTHS_PER_YEAR;
	t->mday = iv->day;
	t->hour = time / USECS_PER_HOUR;
	time -= t->hour * USECS_PER_HOUR;
	t->min = time / USECS_PER_MINUTE;
	time -= t->min * USECS_PER_MINUTE;
	t->sec = time / USECS_PER_SEC;
	t->usec = time - t->sec * USECS_PER_SEC;
}

struct obuf {
	char *p;
	size_t n, cap;
};

static void put(struct obuf *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct obuf *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(o->p + o->n, o->cap - o->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->n += (size_t)k < o->cap - o->n ? (size_t)k
						  : o->cap - o->n - 1;
}

static int64_t abs64(int64_t v)
{
	return v < 0 ? -v : v;
}

/* AppendSeconds: seconds, then up to six fraction digits without
 * trailing zeros; signs are the caller's. */
static void put_seconds(struct obuf *o, int64_t sec, int64_t usec,
			bool fillzeros)
{
	put(o, fillzeros ? "%02lld" : "%lld", (long long)abs64(sec));
	if (usec == 0)
		return;
	char frac[24];
	snprintf(frac, sizeof(frac), "%06lld", (long long)abs64(usec));
	size_t k = strlen(frac);
	while (k > 0 && frac[k - 1] == '0')
		k--;
	frac[k] = '\0';
	put(o, ".%s", frac);
}

static void postgres_part(struct obuf *o, int64_t value, const char *units,
			  bool *is_zero, bool *is_before)
{
	if (value == 0)
		return;
	put(o, "%s%s%lld %s%s", !*is_zero ? " " : "",
	    (*is_before && value > 0) ? "+" : "", (long long)value, units,
	    value != 1 ? "s" : "");
	/* each nonzero field sets is_before for the next one only */
	*is_before = value < 0;
	*is_zero = false;
}

static void verbose_part(struct obuf *o, int64_t value, const char *units,
			 bool *is_zero, bool *is_before)
{
	if (value == 0)
		return;
	/* the first nonzero value decides "ago" */
	if (*is_zero) {
		*is_before = value < 0;
		value = abs64(value);
	} else if (*is_before) {
		value = -value;
	}
	put(o, " %lld %s%s", (long long)value, units, value == 1 ? "" : "s");
	*is_zero = false;
}

static void iso_part(struct obuf *o, int64_t value, char units)
{
	if (value != 0)
		put(o, "%lld%c", (long long)value, units);
}

size_t alx_interval_out(const struct alx_interval *iv, int style,
			char buf[ALX_INTERVAL_BUFSZ])
{
	struct itm t;
	interval2itm(iv, &t);
	int64_t year = t.year, mon = t.mon, mday = t.mday, hour = t.hour;
	int64_t min = t.min, sec = t.sec, fsec = t.usec;
	bool is_before = false, is_zero = true;
	struct obuf o = {buf, 0, ALX_INTERVAL_BUFSZ};
	buf[0] = '\0';
	switch (style) {
	case ALX_INTERVALSTYLE_SQL_STANDARD: {
		bool neg = year < 0 || mon < 0 || mday < 0 || hour < 0 ||
			   min < 0 || sec < 0 || fsec < 0;
		bool pos = year > 0 || mon > 0 || mday > 0 || hour > 0 ||
			   min > 0 || sec > 0 || fsec > 0;
		bool has_ym = year != 0 || mon != 0;
		bool has_dt = mday != 0 || hour != 0 || min != 0 || sec != 0 ||
			      fsec != 0;
		bool std = !(neg && pos) && !(has_ym && has_dt);
		if (neg && std) {
			put(&o, "-");
			year = -year;
			mon = -mon;
			mday = -mday;
			hour = -hour;
			min = -min;
			sec = -sec;
			fsec = -fsec;
		}
		if (!neg && !pos) {
			put(&o, "0");
		} else if (!std) {
			/* mixed signs: every part signed */
			char ys = (year < 0 || mon < 0) ? '-' : '+';
			char ds = mday < 0 ? '-' : '+';
			char ss = (hour < 0 || min < 0 || sec < 0 || fsec < 0)
					  ? '-'
					  : '+';
			put(&o, "%c%lld-%lld %c%lld %c%lld:%02lld:", ys,
			    (long long)abs64(year), (long long)abs64(mon), ds,
			    (long long)abs64(mday), ss, (long long)abs64(hour),
			    (long long)abs64(min));
			put_seconds(&o, sec, fsec, true);
		} else if (has_ym) {
			put(&o, "%lld-%lld", (long long)year, (long long)mon);
		} else if (mday != 0) {
			put(&o, "%lld %lld:%02lld:", (long long)mday,
			    (long long)hour, (long long)min);
			put_seconds(&o, sec, fsec, true);
		} else {
			put(&o, "%lld:%02lld:", (long long)hour,
			    (long long)min);
			put_seconds(&o, sec, fsec, true);
		}
		break;
	}
	case ALX_INTERVALSTYLE_ISO_8601:
		if (year == 0 && mon == 0 && mday == 0 && hour == 0 &&
		    min == 0 && sec == 0 && fsec == 0) {
			put(&o, "PT0S");
			break;
		}
		put(&o, "P");
		iso_part(&o, year, 'Y');
		iso_part(&o, mon, 'M');
		iso_part(&o, mday, 'D');
		if (hour != 0 || min != 0 || sec != 0 || fsec != 0)
			put(&o, "T");
		iso_part(&o, hour, 'H');
		iso_part(&o, min, 'M');
		if (sec != 0 || fsec != 0) {
			if (sec < 0 || fsec < 0)
				put(&o, "-");
			put_seconds(&o, sec, fsec, false);
			put(&o, "S");
		}
		break;
	case ALX_INTERVALSTYLE_POSTGRES_VERBOSE:
		put(&o, "@");
		verbose_part(&o, year, "year", &is_zero, &is_before);
		verbose_part(&o, mon, "mon", &is_zero, &is_before);
		verbose_part(&o, mday, "day", &is_zero, &is_before);
		verbose_part(&o, hour, "hour", &is_zero, &is_before);
		verbose_part(&o, min, "min", &is_zero, &is_before);
		if (sec != 0 || fsec != 0) {
			put(&o, " ");
			if (sec < 0 || (sec == 0 && fsec < 0)) {
				if (is_zero)
					is_before = true;
				else if (!is_before)
					put(&o, "-");
			} else if (is_before) {
				put(&o, "-");
			}
			put_seconds(&o, sec, fsec, false);
			put(&o, " sec%s",
			    (abs64(sec) != 1 || fsec != 0) ? "s" : "");
			is_zero = false;
		}
		if (is_zero)
			put(&o, " 0");
		if (is_before)
			put(&o, " ago");
		break;
	default: /* postgres */
		postgres_part(&o, year, "year", &is_zero, &is_before);
		postgres_part(&o, mon, "mon", &is_zero, &is_before);
		postgres_part(&o, mday, "day", &is_zero, &is_before);
		if (is_zero || hour != 0 || min != 0 || sec != 0 || fsec != 0) {
			bool minus = hour < 0 || min < 0 || sec < 0 || fsec < 0;
			put(&o, "%s%s%02lld:%02lld:", is_zero ? "" : " ",
			    minus ? "-" : (is_before ? "+" : ""),
			    (long long)abs64(hour), (long long)abs64(min));
			put_seconds(&o, sec, fsec, true);
		}
		break;
	}
	return o.n;
}

/* ---- comparison and keys ---------------------------------------------- */

static __int128 span(const struct alx_interval *iv)
{
	int64_t days = (int64_t)iv->month * DAYS_PER_MONTH + iv->day;
	return (__int128)iv->time + (__int128)days * USECS_PER_DAY;
}

int alx_interval_cmp(const struct alx_interval *a, const struct alx_interval *b)
{
	__int128 x = span(a), y = span(b);
	return x < y ? -1 : x > y ? 1 : 0;
}

/* Spans fit in 74 bits; the key keeps 96, sign bit flipped. */
void alx_interval_key(const struct alx_interval *iv,
		      uint8_t out[ALX_INTERVAL_KEYSZ])
{
	unsigned __int128 u = (unsigned __int128)span(iv);
	u ^= (unsigned __int128)1 << 95;
	for (int i = ALX_INTERVAL_KEYSZ - 1; i >= 0; i--) {
		out[i] = (uint8_t)u;
		u >>= 8;
	}
}

int alx_interval_from_key(const uint8_t in[ALX_INTERVAL_KEYSZ],
			  struct alx_interval *out)
{
	unsigned __int128 u = 0;
	for (int i = 0; i < ALX_INTERVAL_KEYSZ; i++)
		u = u << 8 | in[i];
	u ^= (unsigned __int128)1 << 95;
	/* sign-extend from 96 bits */
	if (u & ((unsigned __int128)1 << 95))
		u |= ~(((unsigned __int128)1 << 96) - 1);
	__int128 s = (__int128)u;
	/* Greedy: as many whole months as fit, then days, then time. */
	const __int128 mu = (__int128)DAYS_PER_MONTH * USECS_PER_DAY;
	__int128 months = s / mu;
	if (months > INT32_MAX)
		months = INT32_MAX;
	if (months < INT32_MIN)
		months = INT32_MIN;
	s -= months * mu;
	__int128 days = s / USECS_PER_DAY;
	if (days > INT32_MAX)
		days = INT32_MAX;
	if (days < INT32_MIN)
		days = INT32_MIN;
	s -= days * USECS_PER_DAY;
	if (s > INT64_MAX || s < INT64_MIN)
		return -1;
	out->month = (int32_t)months;
	out->day = (int32_t)days;
	out->time = (int64_t)s;
	return 0;
}

/* ---- arithmetic ------------------------------------------------------- */

int alx_interval_add(const struct alx_interval *x, const struct alx_interval *y,
		     int sub, struct alx_interval *out, alopex_diag *d)
{
	struct alx_interval r;
	bool ovf = sub ? __builtin_sub_overflow(x->month, y->month, &r.month) ||
				   __builtin_sub_overflow(x->day, y->day,
							  &r.day) ||
				   __builtin_sub_overflow(x->time, y->time,
							  &r.time)
		       : __builtin_add_overflow(x->month, y->month, &r.month) ||
				   __builtin_add_overflow(x->day, y->day,
							  &r.day) ||
				   __builtin_add_overflow(x->time, y->time,
							  &r.time);
	if (ovf)
		return range_error(d);
	*out = r;
	return 0;
}

int alx_interval_neg(const struct alx_interval *x, struct alx_interval *out,
		     alopex_diag *d)
{
	if (x->time == INT64_MIN || x->day == INT32_MIN ||
	    x->month == INT32_MIN)
		return range_error(d);
	out->time = -x->time;
	out->day = -x->day;
	out->month = -x->month;
	return 0;
}

/* TSROUND: to microsecond precision, as PostgreSQL rounds cascades. */
static double tsround(double j)
{
	return rint(j * 1000000.0) / 1000000.0;
}

static bool fits_int32(double v)
{
	return !isnan(v) && v <= INT32_MAX && v >= INT32_MIN;
}

static bool fits_int64(double v)
{
	return !isnan(v) && v >= (double)INT64_MIN && v < -(double)INT64_MIN;
}

/*
 * interval_mul and interval_div share the cascade: months and days
 * scale, their fractions move down to days and seconds.
 */
static int scale_interval(const struct alx_interval *x, double f, bool div,
			  struct alx_interval *out, alopex_diag *d)
{
	double m = div ? x->month / f : x->month * f;
	double dd = div ? x->day / f : x->day * f;
	if (!fits_int32(m) || !fits_int32(dd))
		return range_error(d);
	struct alx_interval r;
	r.month = (int32_t)m;
	r.day = (int32_t)dd;
	double month_rem_days = tsround((m - r.month) * DAYS_PER_MONTH);
	double sec_rem =
		tsround((dd - r.day + month_rem_days - (int)month_rem_days) *
			SECS_PER_DAY);
	/* rounding may give 24:00:00, cascades more than a day */
	if (fabs(sec_rem) >= SECS_PER_DAY) {
		int whole = (int)(sec_rem / SECS_PER_DAY);
		if (__builtin_add_overflow(r.day, whole, &r.day))
			return range_error(d);
		sec_rem -= whole * SECS_PER_DAY;
	}
	if (__builtin_add_overflow(r.day, (int32_t)month_rem_days, &r.day))
		return range_error(d);
	double t = rint((div ? (double)x->time / f : (double)x->time * f) +
			sec_rem * USECS_PER_SEC);
	if (!fits_int64(t))
		return range_error(d);
	r.time = (int64_t)t;
	*out = r;
	return 0;
}

int alx_interval_mul(const struct alx_interval *x, double f,
		     struct alx_interval *out, alopex_diag *d)
{
	return scale_interval(x, f, false, out, d);
}

int alx_interval_div(const struct alx_interval *x, double f,
		     struct alx_interval *out, alopex_diag *d)
{
	if (f == 0.0)
		return alx_diag_set(d, ALOPEX_ESQL, "22012",
				    "division by zero");
	return scale_interval(x, f, true, out, d);
}

/* Whole days out of time into day. */
static int carry_days(struct alx_interval *r, alopex_diag *d)
{
	int64_t wholeday = r->time / USECS_PER_DAY;
	r->time -= wholeday * USECS_PER_DAY;
	if (wholeday > INT32_MAX || wholeday < INT32_MIN ||
	    __builtin_add_overflow(r->day, (int32_t)wholeday, &r->day))
		return range_error(d);
	return 0;
}

static int whole_months(struct alx_interval *r, alopex_diag *d)
{
	int32_t wholemonth = r->day / DAYS_PER_MONTH;
	r->day -= wholemonth * DAYS_PER_MONTH;
	if (__builtin_add_overflow(r->month, wholemonth, &r->month))
		return range_error(d);
	return 0;
}

static int sign_of(int64_t v)
{
	return (v > 0) - (v < 0);
}

/* Where month and rest (the sign of what follows it) disagree, one month
 * becomes days. */
static void borrow_month(struct alx_interval *r, int rest)
{
	if (r->month > 0 && rest < 0) {
		r->day += DAYS_PER_MONTH;
		r->month--;
	} else if (r->month < 0 && rest > 0) {
		r->day -= DAYS_PER_MONTH;
		r->month++;
	}
}

/* Where day and time disagree in sign, one day becomes time. */
static void borrow_day(struct alx_interval *r)
{
	if (r->day > 0 && r->time < 0) {
		r->time += USECS_PER_DAY;
		r->day--;
	} else if (r->day < 0 && r->time > 0) {
		r->time -= USECS_PER_DAY;
		r->day++;
	}
}

static int justify_hours(struct alx_interval *r, alopex_diag *d)
{
	int rc = carry_days(r, d);
	if (rc != 0)
		return rc;
	borrow_day(r);
	return 0;
}

int alx_interval_justify(const struct alx_interval *x, int how,
			 struct alx_interval *out, alopex_diag *d)
{
	struct alx_interval r = *x;
	int rc = 0;
	switch (how) {
	case ALX_JUSTIFY_HOURS:
		rc = justify_hours(&r, d);
		if (rc != 0)
			return rc;
		break;
	case ALX_JUSTIFY_DAYS:
		rc = whole_months(&r, d);
		if (rc != 0)
			return rc;
		borrow_month(&r, sign_of(r.day));
		break;
	default:
		/* days first when that may prevent an overflow */
		if ((r.day > 0 && r.time > 0) || (r.day < 0 && r.time < 0)) {
			rc = whole_months(&r, d);
			if (rc != 0)
				return rc;
		}
		rc = carry_days(&r, d);
		if (rc != 0)
			return rc;
		rc = whole_months(&r, d);
		if (rc != 0)
			return rc;
		borrow_month(&r, r.day != 0 ? sign_of(r.day) : sign_of(r.time));
		borrow_day(&r);
		break;
	}
	*out = r;
	return 0;
}

/* ---- with timestamps -------------------------------------------------- */

static const int mdays[2][12] = {
	{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
	{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
};

static int isleap(int y)
{
	return (y % 4 == 0) && (y % 100 != 0 || y % 400 == 0);
}

/* Back from broken-down local time: with_tz determines the offset the
 * zone has at that wall-clock time (DetermineTimeZoneOffset). */
static int tm_back(const struct alx_dt_tm *tm, int with_tz,
		   const struct alx_tz *tz, int32_t off, int64_t *out)
{
	int32_t east = with_tz ? alx_dt_local_offset(tm, tz, off) : 0;
	return alx_dt_tm2ts(tm, with_tz, east, out);
}

int alx_timestamp_pl_interval(int64_t ts, const struct alx_interval *iv,
			      int sub, int with_tz, const struct alx_tz *tz,
			      int32_t off, int64_t *out, alopex_diag *d)
{
	if (ts == ALX_TS_NOBEGIN || ts == ALX_TS_NOEND) {
		*out = ts;
		return 0;
	}
	/* minus negates each field; in 64 bits, so INT_MIN is fine */
	int64_t months = sub ? -(int64_t)iv->month : iv->month;
	int64_t days = sub ? -(int64_t)iv->day : iv->day;
	int64_t time = iv->time;
	struct alx_dt_tm tm;
	if (months != 0) {
		if (alx_dt_ts2tm(ts, with_tz, tz, off, &tm) != 0)
			return ts_range_error(d);
		int64_t mon = tm.mon + months, year = tm.year;
		if (mon > MONTHS_PER_YEAR) {
			year += (mon - 1) / MONTHS_PER_YEAR;
			mon = ((mon - 1) % MONTHS_PER_YEAR) + 1;
		} else if (mon < 1) {
			year += mon / MONTHS_PER_YEAR - 1;
			mon = mon % MONTHS_PER_YEAR + MONTHS_PER_YEAR;
		}
		if (year > INT32_MAX / 2 || year < INT32_MIN / 2)
			return ts_range_error(d);
		tm.year = (int)year;
		tm.mon = (int)mon;
		/* the end of the month stays the end of the month */
		int last = mdays[isleap(tm.year)][tm.mon - 1];
		if (tm.mday > last)
			tm.mday = last;
		if (tm_back(&tm, with_tz, tz, off, &ts) != 0)
			return ts_range_error(d);
	}
	if (days != 0) {
		if (alx_dt_ts2tm(ts, with_tz, tz, off, &tm) != 0)
			return ts_range_error(d);
		int64_t jd = alx_dt_date2j(tm.year, tm.mon, tm.mday) + days;
		if (jd < 0 || jd > INT32_MAX)
			return ts_range_error(d);
		alx_dt_j2date((int)jd, &tm.year, &tm.mon, &tm.mday);
		if (tm_back(&tm, with_tz, tz, off, &ts) != 0)
			return ts_range_error(d);
	}
	if (sub ? __builtin_sub_overflow(ts, time, &ts)
		: __builtin_add_overflow(ts, time, &ts))
		return ts_range_error(d);
	if (!alx_dt_valid_ts(ts))
		return ts_range_error(d);
	*out = ts;
	return 0;
}

int alx_timestamp_mi(int64_t x, int64_t y, struct alx_interval *out,
		     alopex_diag *d)
{
	if (x == ALX_TS_NOBEGIN || x == ALX_TS_NOEND || y == ALX_TS_NOBEGIN ||
	    y == ALX_TS_NOEND)
		return alx_diag_set(d, ALOPEX_ESQL, "22008",
				    "cannot subtract infinite timestamps");
	/* PostgreSQL 15 subtracts without an overflow check and builds
	 * with -fwrapv: far-apart timestamps wrap around. */
	struct alx_interval r = {(int64_t)((uint64_t)x - (uint64_t)y), 0, 0};
	/* PostgreSQL justifies hours into days here (documented as wrong,
	 * kept for compatibility). */
	int rc = justify_hours(&r, d);
	if (rc != 0)
		return rc;
	*out = r;
	return 0;
}

int alx_timestamp_age(int64_t x, int64_t y, int with_tz,
		      const struct alx_tz *tz, int32_t off,
		      struct alx_interval *out, alopex_diag *d)
{
	struct alx_dt_tm t1, t2;
	/* infinity breaks down as the year 294277, as in PostgreSQL;
	 * -infinity is out of range */
	if (alx_dt_ts2tm(x, with_tz, tz, off, &t1) != 0 ||
	    alx_dt_ts2tm(y, with_tz, tz, off, &t2) != 0)
		return ts_range_error(d);
	/* t1 - t2 field by field, the smallest first */
	enum { FSEC, SEC, MIN, HOUR, MDAY, MON, YEAR, NF };
	int64_t f[NF] = {
		[FSEC] = (int64_t)t1.fsec - t2.fsec,
		[SEC] = t1.sec - t2.sec,
		[MIN] = t1.min - t2.min,
		[HOUR] = t1.hour - t2.hour,
		[MDAY] = t1.mday - t2.mday,
		[MON] = t1.mon - t2.mon,
		[YEAR] = (int64_t)t1.year - t2.year,
	};
	/* computed as a positive difference, its sign put back after */
	bool flip = x < y;
	for (int i = 0; flip && i < NF; i++)
		f[i] = -f[i];
	/* borrow from the next field up; days by the month's length */
	const struct alx_dt_tm *b = flip ? &t1 : &t2;
	const int64_t unit[YEAR] = {
		[FSEC] = USECS_PER_SEC,
		[SEC] = 60,
		[MIN] = 60,
		[HOUR] = 24,
		[MDAY] = mdays[isleap(b->year)][b->mon - 1],
		[MON] = MONTHS_PER_YEAR,
	};
	for (int i = 0; i < YEAR; i++) {
		while (f[i] < 0) {
			f[i] += unit[i];
			f[i + 1]--;
		}
	}
	for (int i = 0; flip && i < NF; i++)
		f[i] = -f[i];
	int64_t months = f[YEAR] * MONTHS_PER_YEAR + f[MON];
	if (months > INT32_MAX || months < INT32_MIN || f[MDAY] > INT32_MAX ||
	    f[MDAY] < INT32_MIN)
		return range_error(d);
	out->month = (int32_t)months;
	out->day = (int32_t)f[MDAY];
	out->time = ((f[HOUR] * 60 + f[MIN]) * 60 + f[SEC]) * USECS_PER_SEC +
		    f[FSEC];
	return 0;
}

int alx_make_interval(int64_t years, int64_t months, int64_t weeks,
		      int64_t days, int64_t hours, int64_t mins, double secs,
		      struct alx_interval *out, alopex_diag *d)
{
	if (isinf(secs) || isnan(secs))
		return range_error(d);
	/*
	 * PostgreSQL 15 checks nothing else: int arithmetic wraps (it builds
	 * with -fwrapv) and seconds beyond the int64 range convert to
	 * INT64_MIN (x86-64's cvttsd2si). Done here with defined behaviour.
	 */
	double us = rint(secs * (double)USECS_PER_SEC);
	uint32_t m = (uint32_t)years * MONTHS_PER_YEAR + (uint32_t)months;
	uint32_t dd = (uint32_t)weeks * 7 + (uint32_t)days;
	uint64_t t = (uint64_t)hours * (uint64_t)USECS_PER_HOUR +
		     (uint64_t)mins * (uint64_t)USECS_PER_MINUTE +
		     (uint64_t)(fits_int64(us) ? (int64_t)us : INT64_MIN);
	(void)d;
	out->month = (int32_t)m;
	out->day = (int32_t)dd;
	out->time = (int64_t)t;
	return 0;
}
