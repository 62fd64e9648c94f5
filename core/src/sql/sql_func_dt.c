/* Date and time functions over sql_datetime.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sql/sql_datetime.h"
#include "sql/sql_dt_internal.h"
#include "sql/sql_exec_int.h"
#include "sql/sql_func.h"
#include "sql/sql_interval.h"
#include "sql/sql_session.h"

static const struct alx_value_fmt *fmt(struct alx_ev *ev)
{
	static const struct alx_value_fmt none = {1, 0, NULL, 1, 0};
	return ev->ex->fmt ? ev->ex->fmt : &none;
}

static int64_t clock_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 +
	       ALX_UNIX_EPOCH_TS;
}

static int f_now(struct alx_ev *ev, const struct alx_bx *c,
		 const struct alx_value *a, struct alx_value *out)
{
	(void)a;
	const char *fn = c->u.func.def->name;
	/* clock_timestamp() reads the statement's start first: it is
	 * never earlier than statement_timestamp() */
	int64_t t = fn[0] == 's'   ? alx_exec_stmt_ts(ev->ex)
		    : fn[0] == 'c' ? (alx_exec_stmt_ts(ev->ex), clock_now())
				   : alx_exec_txn_ts(ev->ex);
	*out = alx_value_ts(ALX_T_TIMESTAMPTZ, t);
	return 0;
}

static int f_current_date(struct alx_ev *ev, const struct alx_bx *c,
			  const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	(void)a;
	int32_t d;
	int rc = alx_timestamp_to_date(alx_exec_txn_ts(ev->ex), 1, fmt(ev)->tz,
				       fmt(ev)->tz_offset_sec, &d, ev->ex->d);
	if (rc != 0)
		return rc;
	*out = alx_value_date(d);
	return 0;
}

static int f_localtimestamp(struct alx_ev *ev, const struct alx_bx *c,
			    const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	(void)a;
	int64_t t;
	int rc = alx_timestamptz_to_timestamp(
		alx_exec_txn_ts(ev->ex), fmt(ev)->tz, fmt(ev)->tz_offset_sec,
		&t, ev->ex->d);
	if (rc != 0)
		return rc;
	*out = alx_value_ts(ALX_T_TIMESTAMP, t);
	return 0;
}

/* (text, timestamp|timestamptz|date): dates become timestamptz. */
static int r_text_ts(struct alx_bind_ctx *b, struct alx_bx *c)
{
	int rc = alx_func_arg(b, c, 0, ALX_T_TEXT);
	if (rc != 0)
		return rc;
	int t = c->args[1]->type.id;
	if (t == ALX_T_UNKNOWN || t == ALX_T_DATE)
		t = strcmp(c->u.func.def->name, "date_trunc") == 0
			    ? ALX_T_TIMESTAMPTZ
			    : (t == ALX_T_DATE ? ALX_T_DATE
					       : ALX_T_TIMESTAMPTZ);
	if (t != ALX_T_TIMESTAMP && t != ALX_T_TIMESTAMPTZ && t != ALX_T_DATE &&
	    t != ALX_T_INTERVAL)
		return alx_func_no_match(b, c->u.func.def->name, c->args,
					 c->nargs);
	rc = alx_func_arg(b, c, 1, t);
	if (rc != 0)
		return rc;
	const char *fn = c->u.func.def->name;
	if (strcmp(fn, "date_trunc") == 0)
		c->type = alx_type_make(t);
	else if (strcmp(fn, "extract") == 0)
		c->type = alx_type_make(ALX_T_NUMERIC);
	else
		c->type = alx_type_make(ALX_T_FLOAT8);
	return 0;
}

static int f_date_trunc(struct alx_ev *ev, const struct alx_bx *c,
			const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	if (a[1].type == ALX_T_INTERVAL) {
		struct alx_interval iv;
		int rc = alx_interval_trunc((const char *)a[0].u.s.ptr,
					    a[0].u.s.len, &a[1].u.iv, &iv,
					    ev->ex->d);
		if (rc != 0)
			return rc;
		*out = a[1];
		out->u.iv = iv;
		return 0;
	}
	int tz = a[1].type == ALX_T_TIMESTAMPTZ;
	int64_t r;
	int rc = alx_timestamp_trunc((const char *)a[0].u.s.ptr, a[0].u.s.len,
				     a[1].u.ts, tz, fmt(ev)->tz,
				     fmt(ev)->tz_offset_sec, &r, ev->ex->d);
	if (rc != 0)
		return rc;
	*out = a[1];
	out->u.ts = r;
	return 0;
}

static int f_extract(struct alx_ev *ev, const struct alx_bx *c,
		     const struct alx_value *a, struct alx_value *out)
{
	char buf[ALX_DATETIME_BUFSZ];
	int is_null = 0;
	if (a[1].type == ALX_T_INTERVAL) {
		double f;
		int rc = alx_interval_extract((const char *)a[0].u.s.ptr,
					      a[0].u.s.len, &a[1].u.iv, buf, &f,
					      ev->ex->d);
		if (rc != 0)
			return rc;
		if (c->type.id == ALX_T_FLOAT8) {
			*out = alx_value_float(ALX_T_FLOAT8, f);
			return 0;
		}
		return alx_value_in(ev->a, alx_type_make(ALX_T_NUMERIC), buf,
				    strlen(buf), NULL, out, ev->ex->d);
	}
	int kind = a[1].type == ALX_T_DATE	  ? 0
		   : a[1].type == ALX_T_TIMESTAMP ? 1
						  : 2;
	int rc = alx_datetime_extract(
		(const char *)a[0].u.s.ptr, a[0].u.s.len, kind,
		kind == 0 ? a[1].u.date : 0, kind == 0 ? 0 : a[1].u.ts,
		fmt(ev)->tz, fmt(ev)->tz_offset_sec, buf, &is_null, ev->ex->d);
	if (rc != 0)
		return rc;
	if (is_null) {
		*out = alx_value_null(c->type.id);
		return 0;
	}
	if (c->type.id == ALX_T_FLOAT8) {
		*out = alx_value_float(ALX_T_FLOAT8, strtod(buf, NULL));
		return 0;
	}
	return alx_value_in(ev->a, alx_type_make(ALX_T_NUMERIC), buf,
			    strlen(buf), NULL, out, ev->ex->d);
}

static int f_to_timestamp(struct alx_ev *ev, const struct alx_bx *c,
			  const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	double s = a[0].u.f;
	if (isnan(s))
		return alx_exec_err(ev->ex, "22008", "timestamp cannot be NaN");
	if (isinf(s)) {
		*out = alx_value_ts(ALX_T_TIMESTAMPTZ,
				    s > 0 ? ALX_TS_NOEND : ALX_TS_NOBEGIN);
		return 0;
	}
	double us = rint(s * 1e6);
	if (us > 9.2e18 || us < -9.2e18)
		return alx_exec_err(ev->ex, "22008",
				    "timestamp out of range: \"%g\"", s);
	*out = alx_value_ts(ALX_T_TIMESTAMPTZ, (int64_t)us + ALX_UNIX_EPOCH_TS);
	return 0;
}

/* PostgreSQL's ValidateDate for year y as given (negative: BC; there is
 * no year 0), month m and day dd. */
static bool date_fields_valid(long long y, long long m, long long dd)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};
	long long iy = y < 0 ? y + 1 : y;
	bool leap = iy % 4 == 0 && (iy % 100 != 0 || iy % 400 == 0);
	return y != 0 && m >= 1 && m <= 12 && dd >= 1 &&
	       dd <= mdays[m - 1] + (m == 2 && leap);
}

static int f_make_date(struct alx_ev *ev, const struct alx_bx *c,
		       const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	char buf[64];
	int64_t y = a[0].u.i;
	int n = y > 0 ? snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lld",
				 (long long)y, (long long)a[1].u.i,
				 (long long)a[2].u.i)
		      : snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lld BC",
				 (long long)(y == 0 ? 0 : -y),
				 (long long)a[1].u.i, (long long)a[2].u.i);
	/* Errors show the internal year, where 1 BC is 0 and 44 BC is -43. */
	long long iy = y < 0 ? y + 1 : y, m = a[1].u.i, dd = a[2].u.i;
	if (!date_fields_valid(y, m, dd))
		return alx_exec_err(ev->ex, "22008",
				    "date field value out of range: "
				    "%lld-%02lld-%02lld",
				    iy, m, dd);
	int32_t d;
	int rc = alx_date_in(buf, (size_t)n, &d, ev->ex->d);
	if (rc == ALOPEX_ENOMEM)
		return rc;
	if (rc != 0) /* a valid date past the representable range */
		return alx_exec_err(ev->ex, "22008",
				    "date out of range: %lld-%02lld-%02lld", iy,
				    m, dd);
	*out = alx_value_date(d);
	return 0;
}

/* isfinite(date | timestamp | timestamptz | interval) */
static int r_isfinite(struct alx_bind_ctx *b, struct alx_bx *c)
{
	int t = c->args[0]->type.id;
	if (t != ALX_T_DATE && t != ALX_T_TIMESTAMP && t != ALX_T_TIMESTAMPTZ &&
	    t != ALX_T_INTERVAL)
		return alx_func_no_match(b, "isfinite", c->args, c->nargs);
	return 0;
}

static int f_isfinite(struct alx_ev *ev, const struct alx_bx *c,
		      const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	bool fin = true; /* PostgreSQL 15's intervals are all finite */
	if (a[0].type == ALX_T_DATE)
		fin = a[0].u.date != ALX_DATE_NOBEGIN &&
		      a[0].u.date != ALX_DATE_NOEND;
	else if (a[0].type != ALX_T_INTERVAL)
		fin = a[0].u.ts != ALX_TS_NOBEGIN && a[0].u.ts != ALX_TS_NOEND;
	*out = alx_value_bool(fin);
	return 0;
}

/* PostgreSQL's float_time_overflows. */
static bool time_overflows(int64_t h, int64_t mi, double sec)
{
	if (h < 0 || h > 24 || mi < 0 || mi >= 60 || isnan(sec))
		return true;
	double us = rint(sec * 1e6);
	if (us < 0 || us > 60e6)
		return true;
	return (h * 60 + mi) * 60 * INT64_C(1000000) + (int64_t)us >
	       ALX_USECS_PER_DAY;
}

static int r_make_timestamp(struct alx_bind_ctx *b, struct alx_bx *c)
{
	int rc = 0;
	for (uint32_t i = 0; rc == 0 && i < 6; i++)
		rc = alx_func_arg(b, c, i, i < 5 ? ALX_T_INT4 : ALX_T_FLOAT8);
	return rc;
}

/* make_timestamp(year, month, day, hour, min, sec) as PostgreSQL 15's
 * make_timestamp_internal: negative years are BC; errors show the fields
 * as given. */
static int f_make_timestamp(struct alx_ev *ev, const struct alx_bx *c,
			    const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	long long y = a[0].u.i, m = a[1].u.i, dd = a[2].u.i, h = a[3].u.i,
		  mi = a[4].u.i;
	double sec = a[5].u.f;
	long long iy = y < 0 ? y + 1 : y;
	if (!date_fields_valid(y, m, dd))
		return alx_exec_err(ev->ex, "22008",
				    "date field value out of range: "
				    "%lld-%02lld-%02lld",
				    y, m, dd);
	if (!alx_dt_valid_julian((int)iy, (int)m, (int)dd))
		return alx_exec_err(ev->ex, "22008",
				    "date out of range: %lld-%02lld-%02lld", y,
				    m, dd);
	char st[40]; /* %02g as PostgreSQL's snprintf prints it */
	if (isnan(sec) || isinf(sec))
		snprintf(st, sizeof(st), "%s",
			 isnan(sec) ? "NaN"
			 : sec > 0  ? "Infinity"
				    : "-Infinity");
	else
		snprintf(st, sizeof(st), "%02g", sec);
	if (time_overflows(h, mi, sec))
		return alx_exec_err(ev->ex, "22008",
				    "time field value out of range: "
				    "%lld:%02lld:%s",
				    h, mi, st);
	int64_t date = alx_dt_date2j((int)iy, (int)m, (int)dd) -
		       ALX_POSTGRES_EPOCH_JDATE;
	int64_t time = (h * 60 + mi) * 60 * INT64_C(1000000) +
		       (int64_t)rint(sec * 1e6);
	int64_t ts;
	if (__builtin_mul_overflow(date, ALX_USECS_PER_DAY, &ts) ||
	    __builtin_add_overflow(ts, time, &ts) || (ts < 0 && date > 0) ||
	    (ts > 0 && date < -1) || !alx_dt_valid_ts(ts))
		return alx_exec_err(ev->ex, "22008",
				    "timestamp out of range: "
				    "%lld-%02lld-%02lld %lld:%02lld:%s",
				    y, m, dd, h, mi, st);
	*out = alx_value_ts(ALX_T_TIMESTAMP, ts);
	return 0;
}

/* timezone(zone, ts): x AT TIME ZONE zone. */
static int r_timezone(struct alx_bind_ctx *b, struct alx_bx *c)
{
	int rc = alx_func_arg(b, c, 0, ALX_T_TEXT);
	if (rc != 0)
		return rc;
	int t = c->args[1]->type.id;
	if (t == ALX_T_UNKNOWN || t == ALX_T_DATE)
		t = ALX_T_TIMESTAMPTZ;
	if (t != ALX_T_TIMESTAMP && t != ALX_T_TIMESTAMPTZ)
		return alx_func_no_match(b, "timezone", c->args, c->nargs);
	rc = alx_func_arg(b, c, 1, t);
	c->type = alx_type_make(t == ALX_T_TIMESTAMP ? ALX_T_TIMESTAMPTZ
						     : ALX_T_TIMESTAMP);
	return rc;
}

static int f_timezone(struct alx_ev *ev, const struct alx_bx *c,
		      const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	struct alx_tz *tz;
	int rc = alx_tz_load(ev->a, (const char *)a[0].u.s.ptr, a[0].u.s.len,
			     &tz, ev->ex->d);
	if (rc != 0)
		return rc;
	int64_t ts = a[1].u.ts, r;
	if (ts == ALX_TS_NOBEGIN || ts == ALX_TS_NOEND) {
		r = ts;
	} else if (a[1].type == ALX_T_TIMESTAMPTZ) {
		r = ts + (int64_t)alx_tz_offset_at(tz, ts) * 1000000;
	} else {
		int64_t local = ts / 1000000 - (ts % 1000000 < 0 ? 1 : 0);
		r = ts - (int64_t)alx_tz_offset_local(tz, local) * 1000000;
	}
	*out = alx_value_ts(a[1].type == ALX_T_TIMESTAMPTZ ? ALX_T_TIMESTAMP
							   : ALX_T_TIMESTAMPTZ,
			    r);
	return 0;
}

/* ---- intervals -------------------------------------------------------- */

static int f_justify(struct alx_ev *ev, const struct alx_bx *c,
		     const struct alx_value *a, struct alx_value *out)
{
	const char *fn = c->u.func.def->name;
	int how = strcmp(fn, "justify_hours") == 0  ? ALX_JUSTIFY_HOURS
		  : strcmp(fn, "justify_days") == 0 ? ALX_JUSTIFY_DAYS
						    : ALX_JUSTIFY_INTERVAL;
	struct alx_value v = a[0];
	int rc = alx_interval_justify(&a[0].u.iv, how, &v.u.iv, ev->ex->d);
	if (rc == 0)
		*out = v;
	return rc;
}

/*
 * age(timestamp, timestamp) or age(timestamptz, timestamptz), and the
 * one-argument forms against current_date: dates and unknown literals
 * take timestamptz (the preferred type), a timestamp with a timestamp
 * stays one.
 */
static int r_age(struct alx_bind_ctx *b, struct alx_bx *c)
{
	bool tz = false, ts = false, unknown = false;
	for (uint32_t i = 0; i < c->nargs; i++) {
		int t = c->args[i]->type.id;
		if (t == ALX_T_TIMESTAMPTZ || t == ALX_T_DATE)
			tz = true;
		else if (t == ALX_T_TIMESTAMP)
			ts = true;
		else if (t == ALX_T_UNKNOWN)
			unknown = true;
		else
			return alx_func_no_match(b, "age", c->args, c->nargs);
	}
	if (c->nargs == 1 && unknown)
		return alx_bind_err(b, "42725",
				    "function age(unknown) is not unique");
	int t = tz || !ts ? ALX_T_TIMESTAMPTZ : ALX_T_TIMESTAMP;
	for (uint32_t i = 0; i < c->nargs; i++) {
		int rc = alx_func_arg(b, c, i, t);
		if (rc != 0)
			return rc;
	}
	c->type = alx_type_make(ALX_T_INTERVAL);
	return 0;
}

static int f_age(struct alx_ev *ev, const struct alx_bx *c,
		 const struct alx_value *a, struct alx_value *out)
{
	int with_tz = a[0].type == ALX_T_TIMESTAMPTZ;
	const struct alx_value_fmt *f = fmt(ev);
	int64_t x, y;
	int rc = 0;
	if (c->nargs == 2) {
		x = a[0].u.ts;
		y = a[1].u.ts;
	} else {
		/* current_date as timestamp[tz] */
		int32_t today;
		y = a[0].u.ts;
		rc = alx_timestamp_to_date(alx_exec_txn_ts(ev->ex), 1, f->tz,
					   f->tz_offset_sec, &today, ev->ex->d);
		if (rc == 0)
			rc = alx_date_to_timestamp(today, with_tz, f->tz,
						   f->tz_offset_sec, &x,
						   ev->ex->d);
		if (rc != 0)
			return rc;
	}
	struct alx_value v = {.type = ALX_T_INTERVAL, .null = false};
	rc = alx_timestamp_age(x, y, with_tz, f->tz, f->tz_offset_sec, &v.u.iv,
			       ev->ex->d);
	if (rc == 0)
		*out = v;
	return rc;
}

/* make_interval(years, months, weeks, days, hours, mins int, secs
 * float8), every argument defaulting to 0. */
static int r_make_interval(struct alx_bind_ctx *b, struct alx_bx *c)
{
	for (uint32_t i = 0; i < c->nargs; i++) {
		int rc = alx_func_arg(b, c, i,
				      i == 6 ? ALX_T_FLOAT8 : ALX_T_INT4);
		if (rc != 0)
			return rc;
	}
	c->type = alx_type_make(ALX_T_INTERVAL);
	return 0;
}

static int f_make_interval(struct alx_ev *ev, const struct alx_bx *c,
			   const struct alx_value *a, struct alx_value *out)
{
	int64_t n[6] = {0, 0, 0, 0, 0, 0};
	double secs = 0;
	for (uint32_t i = 0; i < c->nargs; i++) {
		if (i < 6)
			n[i] = a[i].u.i;
		else
			secs = a[i].u.f;
	}
	struct alx_value v = {.type = ALX_T_INTERVAL, .null = false};
	int rc = alx_make_interval(n[0], n[1], n[2], n[3], n[4], n[5], secs,
				   &v.u.iv, ev->ex->d);
	if (rc == 0)
		*out = v;
	return rc;
}

#define F(n, mn, mx, fl, ret, a0, a1, a2, res, ev)        \
	{                                                 \
		n, mn, mx, fl, ret, {a0, a1, a2}, res, ev \
	}
#define S ALX_FN_STRICT
#define ST ALX_FN_STABLE
#define TZ ALX_T_TIMESTAMPTZ
#define ANY ALX_T_ANY
#define IV ALX_T_INTERVAL

const struct alx_func_def alx_funcs_dt[] = {
	F("now", 0, 0, ST, TZ, 0, 0, 0, NULL, f_now),
	F("transaction_timestamp", 0, 0, ST, TZ, 0, 0, 0, NULL, f_now),
	F("statement_timestamp", 0, 0, ST, TZ, 0, 0, 0, NULL, f_now),
	F("clock_timestamp", 0, 0, ALX_FN_VOLATILE, TZ, 0, 0, 0, NULL, f_now),
	F("current_date", 0, 0, ST, ALX_T_DATE, 0, 0, 0, NULL, f_current_date),
	F("localtimestamp", 0, 0, ST, ALX_T_TIMESTAMP, 0, 0, 0, NULL,
	  f_localtimestamp),
	F("date_trunc", 2, 2, S | ST, ANY, ANY, ANY, 0, r_text_ts,
	  f_date_trunc),
	F("extract", 2, 2, S | ST, ANY, ANY, ANY, 0, r_text_ts, f_extract),
	F("date_part", 2, 2, S | ST, ANY, ANY, ANY, 0, r_text_ts, f_extract),
	F("to_timestamp", 1, 1, S, TZ, ALX_T_FLOAT8, 0, 0, NULL,
	  f_to_timestamp),
	F("make_date", 3, 3, S, ALX_T_DATE, ALX_T_INT4, ALX_T_INT4, ALX_T_INT4,
	  NULL, f_make_date),
	F("isfinite", 1, 1, S, ALX_T_BOOL, ANY, 0, 0, r_isfinite, f_isfinite),
	F("make_timestamp", 6, 6, S, ALX_T_TIMESTAMP, ANY, ANY, ANY,
	  r_make_timestamp, f_make_timestamp),
	F("timezone", 2, 2, S | ST, ANY, ANY, ANY, 0, r_timezone, f_timezone),
	F("justify_hours", 1, 1, S, IV, IV, 0, 0, NULL, f_justify),
	F("justify_days", 1, 1, S, IV, IV, 0, 0, NULL, f_justify),
	F("justify_interval", 1, 1, S, IV, IV, 0, 0, NULL, f_justify),
	F("age", 1, 2, S | ST, IV, ANY, ANY, 0, r_age, f_age),
	F("make_interval", 0, 7, S, IV, ANY, ANY, ANY, r_make_interval,
	  f_make_interval),
	{0},
};
