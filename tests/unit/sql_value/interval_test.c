/*
 * INTERVAL: text input (postgres forms, ISO 8601, fields and precision,
 * fractional units cascading down, rounding of microseconds, overflow),
 * output in the four IntervalStyles, arithmetic with intervals and
 * timestamps, justify/age/make_interval/extract, comparison, keys and
 * rows. Every expected string was checked against PostgreSQL 15.
 */
#include <stdio.h>
#include <string.h>

#include "sql/sql_datetime.h"
#include "sql/sql_interval.h"
#include "sql_value_tests.h"

/* ---- input ------------------------------------------------------------ */

struct in_case {
	const char *in;
	int32_t prec, fields; /* fields: ALX_IV_* bits */
	const char *out;      /* output, or the error message */
	const char *state;    /* NULL: success */
};

/* CAST(in AS interval[fields][(prec)]) in PostgreSQL 15. */
static const struct in_case in_cases[] = {
	{"1 day 2 hours", -1, 0, "1 day 02:00:00", NULL},
	{"1 year 2 mons 3 days 04:05:06.789", -1, 0,
	 "1 year 2 mons 3 days 04:05:06.789", NULL},
	{"@ 1 minute ago", -1, 0, "-00:01:00", NULL},
	{"P1Y2M3DT4H5M6S", -1, 0, "1 year 2 mons 3 days 04:05:06", NULL},
	{"P0001-02-03T04:05:06", -1, 0, "1 year 2 mons 3 days 04:05:06", NULL},
	{"-1 day +02:03", -1, 0, "-1 days +02:03:00", NULL},
	{"1.5 months", -1, 0, "1 mon 15 days", NULL},
	{"1.5 weeks", -1, 0, "10 days 12:00:00", NULL},
	{"1.5 days", -1, 0, "1 day 12:00:00", NULL},
	{"1.5 years", -1, 0, "1 year 6 mons", NULL},
	{"-1.5 months", -1, 0, "-1 mons -15 days", NULL},
	{"-0.5 days", -1, 0, "-12:00:00", NULL},
	{"0.1 millennium", -1, 0, "100 years", NULL},
	{"1 day 2", -1, 0, "1 day 00:00:02", NULL},
	{"02:00 1.5 days", -1, 0, "1 day 02:00:00", NULL},
	{"1:30.5", -1, 0, "00:01:30.5", NULL},
	{"-1-2 3", -1, 0, "-1 years -2 mons +00:00:03", NULL},
	{"+1 -2:03", -1, 0, "1 day -02:03:00", NULL},
	{"1 microsecondsfoo", -1, 0, "00:00:00.000001", NULL},
	{"01:02:03.1234567", -1, 0, "01:02:03.123457", NULL},
	{"1.9999999 sec", -1, 0, "00:00:02", NULL},
	{"0.0000005 sec", -1, 0, "00:00:00", NULL},
	{"0.0000015 sec", -1, 0, "00:00:00.000001", NULL},
	{"-0.0000015 sec", -1, 0, "-00:00:00.000001", NULL},
	{"00:59:59.9999995", -1, 0, "01:00:00", NULL},
	{"9223372036854775807 us", -1, 0, "2562047788:00:54.775807", NULL},
	{"-9223372036854775808 us", -1, 0, "-2562047788:00:54.775808", NULL},
	{"178956970 years 7 mons", -1, 0, "178956970 years 7 mons", NULL},
	{"-2147483648 days", -1, 0, "-2147483648 days", NULL},
	{"1 week ago", -1, 0, "-7 days", NULL},
	{"1 day -2 hours ago", -1, 0, "-1 days +02:00:00", NULL},
	{"P1.5Y", -1, 0, "1 year 6 mons", NULL},
	{"PT1.5H", -1, 0, "01:30:00", NULL},
	{"P00010203T040506", -1, 0, "1 year 2 mons 3 days 04:05:06", NULL},
	{"PT", -1, 0, "00:00:00", NULL},
	{"P-1Y-2M", -1, 0, "-1 years -2 mons", NULL},
	{".", -1, 0, "00:00:00", NULL},
	{"1,day", -1, 0, "1 day", NULL},
	{"infinity", -1, 0,
	 "invalid input syntax for type interval: \"infinity\"", "22007"},
	{"1 2", -1, 0, "invalid input syntax for type interval: \"1 2\"",
	 "22007"},
	{"1 hour 02:00", -1, 0,
	 "invalid input syntax for type interval: \"1 hour 02:00\"", "22007"},
	{"2147483648 days", -1, 0,
	 "interval field value out of range: \"2147483648 days\"", "22015"},
	{"2147483647 days 1 day", -1, 0,
	 "interval field value out of range: \"2147483647 days 1 day\"",
	 "22015"},
	{"9223372036854775808 us", -1, 0,
	 "interval field value out of range: \"9223372036854775808 us\"",
	 "22015"},
	{"178956971 years", -1, 0, "interval out of range", "22008"},
	{"-9223372036854775808 us ago", -1, 0,
	 "interval field value out of range: \"-9223372036854775808 us ago\"",
	 "22015"},
	{"1:60", -1, 0, "interval field value out of range: \"1:60\"", "22015"},
	{"P-infY", -1, 0, "interval field value out of range: \"P-infY\"",
	 "22015"},
	{"P", -1, 0, "invalid input syntax for type interval: \"P\"", "22007"},
	{"1 ago", -1, 0, "invalid input syntax for type interval: \"1 ago\"",
	 "22007"},
	{"p1y", -1, 0, "invalid input syntax for type interval: \"p1y\"",
	 "22007"},
	{" P1Y", -1, 0, "invalid input syntax for type interval: \" P1Y\"",
	 "22007"},
	{"3 qtr", -1, 0, "invalid input syntax for type interval: \"3 qtr\"",
	 "22007"},
	{"", -1, 0, "invalid input syntax for type interval: \"\"", "22007"},
	{"1 day 1 day", -1, 0,
	 "invalid input syntax for type interval: \"1 day 1 day\"", "22007"},
	{"1", -1, 4, "1 day", NULL},
	{"1 2", -1, 12, "1 day 02:00:00", NULL},
	{"1:30", -1, 48, "00:01:30", NULL},
	{"1 day 2:03:04.5678", -1, 28, "1 day 02:03:00", NULL},
	{"1 year 5 mons", -1, 1, "1 year", NULL},
	{"1.5", -1, 1, "1 year", NULL},
	{"2", -1, 56, "00:00:02", NULL},
	{"1.555 sec", 2, 0, "00:00:01.56", NULL},
	{"-1.555 sec", 2, 32, "-00:00:01.56", NULL},
	{"1 day 2.555", 1, 60, "1 day 00:00:02.6", NULL},
	{"1.5", 0, 0, "00:00:02", NULL},
	{"-2.5", 0, 0, "-00:00:03", NULL},
	{"2562047788:00:54.775807", 0, 0, "-2562047788:00:54", NULL},
};

static void test_input(void)
{
	int failures = 0;
	for (size_t i = 0; i < sizeof(in_cases) / sizeof(in_cases[0]); i++) {
		const struct in_case *c = &in_cases[i];
		struct alx_value v = alx_value_null(ALX_T_INTERVAL);
		alopex_diag d;
		int rc = alx_value_in(
			tv_arena, tv_type(ALX_T_INTERVAL, c->prec, c->fields),
			c->in, strlen(c->in), NULL, &v, &d);
		char what[160];
		snprintf(what, sizeof(what), "'%s'::interval (%d, %d)", c->in,
			 (int)c->prec, (int)c->fields);
		if (!tv_expect(what, rc, &d, &v, c->out, c->state))
			failures++;
	}
	CU_ASSERT_EQUAL(failures, 0);
}

/* IntervalStyle sql_standard reads a leading '-' as the sign of every
 * field, unless another field has a sign of its own. */
static void test_input_sql_standard(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"-1 2:03:04", "-1 days -02:03:04"},
		{"-1 +2:03:04", "-1 days +02:03:04"},
		{"-1-2", "-1 years -2 mons"},
		{"-1 day 2 hours", "-1 days -02:00:00"},
	};
	struct alx_value_fmt fmt;
	alx_value_fmt_default(&fmt);
	fmt.intervalstyle = ALX_INTERVALSTYLE_SQL_STANDARD;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct alx_value v;
		alopex_diag d;
		CU_ASSERT_EQUAL_FATAL(
			alx_value_in(tv_arena, tv_type(ALX_T_INTERVAL, -1, 0),
				     cases[i].in, strlen(cases[i].in), &fmt, &v,
				     &d),
			0);
		/* printed in the default style */
		CU_ASSERT_STRING_EQUAL(tv_out(&v), cases[i].out);
	}
}

/* Texts longer than the 256-byte work buffer are not a postgres-style
 * interval (PostgreSQL's limit); a NUL inside is never valid. */
static void test_input_limits(void)
{
	char buf[600];
	size_t n = 0;
	while (n + 6 < 300)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "1 s ");
	struct alx_value v;
	alopex_diag d;
	CU_ASSERT_EQUAL(alx_value_in(tv_arena, tv_type(ALX_T_INTERVAL, -1, 0),
				     buf, n, NULL, &v, &d),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "22007");
	/* An ISO 8601 text has no such limit. */
	memset(buf, '0', sizeof(buf));
	buf[0] = 'P';
	buf[sizeof(buf) - 2] = '1';
	buf[sizeof(buf) - 1] = 'D';
	CU_ASSERT_EQUAL(alx_value_in(tv_arena, tv_type(ALX_T_INTERVAL, -1, 0),
				     buf, sizeof(buf), NULL, &v, &d),
			0);
	CU_ASSERT_STRING_EQUAL(tv_out(&v), "1 day");
	CU_ASSERT_EQUAL(alx_value_in(tv_arena, tv_type(ALX_T_INTERVAL, -1, 0),
				     "1 day\0x", 7, NULL, &v, &d),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "22007");
}

/* ---- output ----------------------------------------------------------- */

struct out_case {
	const char *in;
	const char *out[4]; /* postgres, postgres_verbose, sql_standard,
			       iso_8601 */
};

static const struct out_case out_cases[] = {
	{"0", {"00:00:00", "@ 0", "0", "PT0S"}},
	{"1 year 2 mons", {"1 year 2 mons", "@ 1 year 2 mons", "1-2", "P1Y2M"}},
	{"-1 year -2 mons",
	 {"-1 years -2 mons", "@ 1 year 2 mons ago", "-1-2", "P-1Y-2M"}},
	{"1 day -1 sec",
	 {"1 day -00:00:01", "@ 1 day -1 sec", "+0-0 +1 -0:00:01", "P1DT-1S"}},
	{"-1 day", {"-1 days", "@ 1 day ago", "-1 0:00:00", "P-1D"}},
	{"1 year -1 day 2 hours",
	 {"1 year -1 days +02:00:00", "@ 1 year -1 days 2 hours",
	  "+1-0 -1 +2:00:00", "P1Y-1DT2H"}},
	{"-1 mons +1 day -00:00:01.5",
	 {"-1 mons +1 day -00:00:01.5", "@ 1 mon -1 days 1.5 secs ago",
	  "-0-1 +1 -0:00:01.5", "P-1M1DT-1.5S"}},
	{"00:00:00.000001",
	 {"00:00:00.000001", "@ 0.000001 secs", "0:00:00.000001",
	  "PT0.000001S"}},
	{"-00:00:00.5",
	 {"-00:00:00.5", "@ 0.5 secs ago", "-0:00:00.5", "PT-0.5S"}},
	{"2562047788:00:54.775807",
	 {"2562047788:00:54.775807", "@ 2562047788 hours 54.775807 secs",
	  "2562047788:00:54.775807", "PT2562047788H54.775807S"}},
	{"-9223372036854775808 us",
	 {"-2562047788:00:54.775808", "@ 2562047788 hours 54.775808 secs ago",
	  "-2562047788:00:54.775808", "PT-2562047788H-54.775808S"}},
	{"1 sec", {"00:00:01", "@ 1 sec", "0:00:01", "PT1S"}},
	{"-1 sec", {"-00:00:01", "@ 1 sec ago", "-0:00:01", "PT-1S"}},
	{"3 days 04:05:06",
	 {"3 days 04:05:06", "@ 3 days 4 hours 5 mins 6 secs", "3 4:05:06",
	  "P3DT4H5M6S"}},
	{"-3 days -04:05:06",
	 {"-3 days -04:05:06", "@ 3 days 4 hours 5 mins 6 secs ago",
	  "-3 4:05:06", "P-3DT-4H-5M-6S"}},
	{"1 mon -1 day",
	 {"1 mon -1 days", "@ 1 mon -1 days", "+0-1 -1 +0:00:00", "P1M-1D"}},
	{"-178956970 years -8 mons",
	 {"-178956970 years -8 mons", "@ 178956970 years 8 mons ago",
	  "-178956970-8", "P-178956970Y-8M"}},
	{"-2147483648 days -2562047788 hours",
	 {"-2147483648 days -2562047788:00:00",
	  "@ 2147483648 days 2562047788 hours ago",
	  "-2147483648 2562047788:00:00", "P-2147483648DT-2562047788H"}},
	{"-1 day 1 sec",
	 {"-1 days +00:00:01", "@ 1 day -1 sec ago", "+0-0 -1 +0:00:01",
	  "P-1DT1S"}},
	{"1 day 1 sec ago",
	 {"-1 days -00:00:01", "@ 1 day 1 sec ago", "-1 0:00:01", "P-1DT-1S"}},
	{"1 min ago", {"-00:01:00", "@ 1 min ago", "-0:01:00", "PT-1M"}},
	{"-1 year +1 day",
	 {"-1 years +1 day", "@ 1 year -1 days ago", "-1-0 +1 +0:00:00",
	  "P-1Y1D"}},
	{"1 mon 1 sec",
	 {"1 mon 00:00:01", "@ 1 mon 1 sec", "+0-1 +0 +0:00:01", "P1MT1S"}},
	{"1.5 sec", {"00:00:01.5", "@ 1.5 secs", "0:00:01.5", "PT1.5S"}},
};

static void test_output_styles(void)
{
	int failures = 0;
	for (size_t i = 0; i < sizeof(out_cases) / sizeof(out_cases[0]); i++) {
		struct alx_value v = tv_in(ALX_T_INTERVAL, -1, out_cases[i].in);
		for (int st = 0; st < 4; st++) {
			char buf[ALX_INTERVAL_BUFSZ];
			size_t n = alx_interval_out(&v.u.iv, st, buf);
			if (n != strlen(buf) ||
			    strcmp(buf, out_cases[i].out[st]) != 0) {
				fprintf(stderr,
					"\n'%s' style %d: expected %s, got "
					"%s\n",
					out_cases[i].in, st,
					out_cases[i].out[st], buf);
				failures++;
			}
			/* every style reads back to the same interval */
			struct alx_value w;
			alopex_diag d;
			struct alx_value_fmt fmt;
			alx_value_fmt_default(&fmt);
			fmt.intervalstyle = st;
			int rc = alx_value_in(tv_arena,
					      tv_type(ALX_T_INTERVAL, -1, 0),
					      buf, n, &fmt, &w, &d);
			if (rc == 0 && (w.u.iv.month != v.u.iv.month ||
					w.u.iv.day != v.u.iv.day ||
					w.u.iv.time != v.u.iv.time))
				rc = -1;
			/* the minimum of a field does not read back: its
			 * digits overflow before the sign applies (as in
			 * PostgreSQL) */
			bool extreme = v.u.iv.time == INT64_MIN ||
				       v.u.iv.day == INT32_MIN;
			if (rc != 0 && !extreme) {
				fprintf(stderr, "\n'%s' does not read back\n",
					buf);
				failures++;
			}
		}
	}
	CU_ASSERT_EQUAL(failures, 0);
}

/* ---- arithmetic ------------------------------------------------------- */

static struct alx_interval iv(const char *s)
{
	return tv_in(ALX_T_INTERVAL, -1, s).u.iv;
}

static const char *ivs(const struct alx_interval *x)
{
	struct alx_value v = {.type = ALX_T_INTERVAL, .null = false};
	v.u.iv = *x;
	return tv_out(&v);
}

static void test_arith(void)
{
	struct alx_interval r, a, b;
	alopex_diag d;
	a = iv("1 year 2 mons 3 days 04:05:06.789");
	b = iv("-1 year 1 day -1 sec");
	CU_ASSERT_EQUAL(alx_interval_add(&a, &b, 0, &r, &d), 0);
	CU_ASSERT_STRING_EQUAL(ivs(&r), "2 mons 4 days 04:05:05.789");
	a = iv("1 day");
	b = iv("1 mon");
	CU_ASSERT_EQUAL(alx_interval_add(&a, &b, 1, &r, &d), 0);
	CU_ASSERT_STRING_EQUAL(ivs(&r), "-1 mons +1 day");
	/* months, days and time overflow separately */
	a = iv("2147483647 days");
	b = iv("1 day");
	CU_ASSERT_EQUAL(alx_interval_add(&a, &b, 0, &r, &d), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "22008");
	CU_ASSERT_STRING_EQUAL(d.message, "interval out of range");
	a = iv("-9223372036854775808 us");
	CU_ASSERT_EQUAL(alx_interval_neg(&a, &r, &d), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.message, "interval out of range");
	a = iv("1 mon -1 day 2 sec");
	CU_ASSERT_EQUAL(alx_interval_neg(&a, &r, &d), 0);
	CU_ASSERT_STRING_EQUAL(ivs(&r), "-1 mons +1 day -00:00:02");

	/* fractions cascade down: months to days, days to time */
	static const struct {
		const char *in;
		double f;
		int div;
		const char *out;
	} scale[] = {
		{"1 mon", 0.3, 0, "9 days"},
		{"1 day", 0.3333333, 0, "07:59:59.99712"},
		{"1 mon 1 day", 7, 1, "4 days 10:17:08.546743"},
		{"-1 mon", 7, 1, "-4 days -06:51:25.6896"},
		{"29 days 23:59:59.9999999", 1, 0, "29 days 24:00:00"},
		{"1 mon", 1.00000001, 0, "1 mon"},
		{"1 day", 2.5, 0, "2 days 12:00:00"},
		{"1 mon", 3, 1, "10 days"},
	};
	for (size_t i = 0; i < sizeof(scale) / sizeof(scale[0]); i++) {
		a = iv(scale[i].in);
		int rc = scale[i].div
				 ? alx_interval_div(&a, scale[i].f, &r, &d)
				 : alx_interval_mul(&a, scale[i].f, &r, &d);
		CU_ASSERT_EQUAL(rc, 0);
		if (rc == 0 && strcmp(ivs(&r), scale[i].out) != 0)
			fprintf(stderr, "\n%s %c %g: %s, expected %s\n",
				scale[i].in, scale[i].div ? '/' : '*',
				scale[i].f, ivs(&r), scale[i].out);
		CU_ASSERT_STRING_EQUAL(ivs(&r), scale[i].out);
	}
	a = iv("1 year 2 mons");
	CU_ASSERT_EQUAL(alx_interval_div(&a, 0, &r, &d), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "22012");
	CU_ASSERT_EQUAL(alx_interval_mul(&a, 1e10, &r, &d), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "22008");
	CU_ASSERT_EQUAL(alx_interval_mul(&a, 0.0 / 0.0, &r, &d), ALOPEX_ESQL);
	a = iv("2562047788:00:54.775807");
	CU_ASSERT_EQUAL(alx_interval_mul(&a, 3, &r, &d), ALOPEX_ESQL);
}

static void test_justify(void)
{
	static const struct {
		const char *in;
		int how;
		const char *out;
	} cases[] = {
		{"1 mon -1 hour", ALX_JUSTIFY_INTERVAL, "29 days 23:00:00"},
		{"-1 mon 1 hour", ALX_JUSTIFY_INTERVAL, "-29 days -23:00:00"},
		{"35 days", ALX_JUSTIFY_DAYS, "1 mon 5 days"},
		{"-35 days", ALX_JUSTIFY_DAYS, "-1 mons -5 days"},
		{"27 hours", ALX_JUSTIFY_HOURS, "1 day 03:00:00"},
		{"-27 hours", ALX_JUSTIFY_HOURS, "-1 days -03:00:00"},
		{"1 day -27 hours", ALX_JUSTIFY_HOURS, "-03:00:00"},
	};
	alopex_diag d;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct alx_interval a = iv(cases[i].in), r;
		CU_ASSERT_EQUAL(alx_interval_justify(&a, cases[i].how, &r, &d),
				0);
		CU_ASSERT_STRING_EQUAL(ivs(&r), cases[i].out);
	}
	struct alx_interval a = iv("-2147483648 days -24 hours"), r;
	CU_ASSERT_EQUAL(alx_interval_justify(&a, ALX_JUSTIFY_HOURS, &r, &d),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.message, "interval out of range");
}

/* ---- with timestamps -------------------------------------------------- */

static int64_t ts_in(const char *s, int with_tz, const struct alx_tz *tz)
{
	int64_t t = 0;
	alopex_diag d;
	CU_ASSERT_EQUAL(alx_timestamp_in(s, strlen(s), with_tz, tz, 0, &t, &d),
			0);
	return t;
}

static const char *ts_out(int64_t t, int with_tz, const struct alx_tz *tz)
{
	char buf[ALX_DATETIME_BUFSZ];
	alx_timestamp_out(t, with_tz, tz, 0, buf);
	return alx_arena_strdup(tv_arena, buf);
}

static void test_timestamp_arith(void)
{
	static const struct {
		const char *ts, *iv;
		int sub;
		const char *out;
	} cases[] = {
		/* the end of the month stays the end of the month */
		{"2020-01-31 10:00", "1 mon 1 day 1 hour", 0,
		 "2020-03-01 11:00:00"},
		{"2019-01-31", "1 mon", 0, "2019-02-28 00:00:00"},
		{"2020-02-29", "12 mons", 1, "2019-02-28 00:00:00"},
		{"2020-05-31", "-1 mon", 0, "2020-04-30 00:00:00"},
		{"2020-03-31", "1 mon", 1, "2020-02-29 00:00:00"},
		{"infinity", "1 day", 0, "infinity"},
	};
	alopex_diag d;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct alx_interval a = iv(cases[i].iv);
		int64_t r = 0;
		CU_ASSERT_EQUAL(alx_timestamp_pl_interval(
					ts_in(cases[i].ts, 0, NULL), &a,
					cases[i].sub, 0, NULL, 0, &r, &d),
				0);
		CU_ASSERT_STRING_EQUAL(ts_out(r, 0, NULL), cases[i].out);
	}
	struct alx_interval a = iv("1 day"), r;
	int64_t t;
	CU_ASSERT_EQUAL(
		alx_timestamp_pl_interval(ts_in("294276-12-31", 0, NULL), &a, 0,
					  0, NULL, 0, &t, &d),
		ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.message, "timestamp out of range");

	/* timestamp - timestamp: hours justified into days */
	CU_ASSERT_EQUAL(alx_timestamp_mi(ts_in("2020-01-01", 0, NULL),
					 ts_in("2019-01-01 12:00", 0, NULL), &r,
					 &d),
			0);
	CU_ASSERT_STRING_EQUAL(ivs(&r), "364 days 12:00:00");
	CU_ASSERT_EQUAL(alx_timestamp_mi(ALX_TS_NOEND, 0, &r, &d), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.message,
			       "cannot subtract infinite timestamps");
	/* beyond the int64 range PostgreSQL 15 wraps (it checks nothing) */
	CU_ASSERT_EQUAL(
		alx_timestamp_mi(ts_in("294276-12-31 23:59:59", 0, NULL),
				 ts_in("4713-11-24 BC", 0, NULL), &r, &d),
		0);
	CU_ASSERT_STRING_EQUAL(ivs(&r), "-104300820 days -08:01:50.551616");

	/* age: the symbolic difference, borrowing the month's length */
	CU_ASSERT_EQUAL(alx_timestamp_age(ts_in("2001-04-10", 0, NULL),
					  ts_in("1957-06-13", 0, NULL), 0, NULL,
					  0, &r, &d),
			0);
	CU_ASSERT_STRING_EQUAL(ivs(&r), "43 years 9 mons 27 days");
	CU_ASSERT_EQUAL(
		alx_timestamp_age(ts_in("2020-03-31", 0, NULL),
				  ts_in("2020-02-29 12:00:00.5", 0, NULL), 0,
				  NULL, 0, &r, &d),
		0);
	CU_ASSERT_STRING_EQUAL(ivs(&r), "1 mon 1 day 11:59:59.5");
	CU_ASSERT_EQUAL(
		alx_timestamp_age(ts_in("2020-02-29 12:00:00.5", 0, NULL),
				  ts_in("2020-03-31", 0, NULL), 0, NULL, 0, &r,
				  &d),
		0);
	CU_ASSERT_STRING_EQUAL(ivs(&r), "-1 mons -1 days -11:59:59.5");
}

/* Days and months are added to the wall-clock time across DST changes;
 * hours are not. */
static void test_timestamptz_dst(void)
{
	struct alx_tz *tz;
	alopex_diag d;
	const char *zone = "America/New_York";
	if (alx_tz_load(tv_arena, zone, strlen(zone), &tz, &d) != 0) {
		fprintf(stderr, "\n(no zoneinfo for %s: skipped)\n", zone);
		return;
	}
	static const struct {
		const char *ts, *iv;
		const char *out;
	} cases[] = {
		{"2020-03-07 12:00", "1 day", "2020-03-08 12:00:00-04"},
		{"2020-03-07 12:00", "24 hours", "2020-03-08 13:00:00-04"},
		{"2020-11-01 00:30", "1 day", "2020-11-02 00:30:00-05"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct alx_interval a = iv(cases[i].iv);
		int64_t r = 0;
		CU_ASSERT_EQUAL(
			alx_timestamp_pl_interval(ts_in(cases[i].ts, 1, tz), &a,
						  0, 1, tz, 0, &r, &d),
			0);
		CU_ASSERT_STRING_EQUAL(ts_out(r, 1, tz), cases[i].out);
	}
	struct alx_interval r;
	CU_ASSERT_EQUAL(alx_timestamp_mi(ts_in("2020-03-09 12:00", 1, tz),
					 ts_in("2020-03-07 12:00", 1, tz), &r,
					 &d),
			0);
	CU_ASSERT_STRING_EQUAL(ivs(&r), "1 day 23:00:00");
	CU_ASSERT_EQUAL(alx_timestamp_age(ts_in("2020-03-09 12:00", 1, tz),
					  ts_in("2020-02-07 13:00", 1, tz), 1,
					  tz, 0, &r, &d),
			0);
	CU_ASSERT_STRING_EQUAL(ivs(&r), "1 mon 1 day 23:00:00");
}

static void test_functions(void)
{
	struct alx_interval r;
	alopex_diag d;
	CU_ASSERT_EQUAL(alx_make_interval(1, 2, 3, 4, 5, 6, 7.5, &r, &d), 0);
	CU_ASSERT_STRING_EQUAL(ivs(&r), "1 year 2 mons 25 days 05:06:07.5");
	/* PostgreSQL 15 wraps here rather than failing */
	CU_ASSERT_EQUAL(alx_make_interval(178956971, 0, 0, 0, 0, 0, 0, &r, &d),
			0);
	CU_ASSERT_STRING_EQUAL(ivs(&r), "-178956970 years -4 mons");
	CU_ASSERT_EQUAL(alx_make_interval(0, 0, 0, 0, 0, 0, 1e300, &r, &d), 0);
	CU_ASSERT_STRING_EQUAL(ivs(&r), "-2562047788:00:54.775808");
	CU_ASSERT_EQUAL(alx_make_interval(0, 0, 0, 0, 0, 0, 1.0 / 0.0, &r, &d),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.message, "interval out of range");

	char buf[64];
	double f;
	struct alx_interval a = iv("1 year 1 mon 1 day 1.5 sec");
	CU_ASSERT_EQUAL(alx_interval_extract("epoch", 5, &a, buf, &f, &d), 0);
	CU_ASSERT_STRING_EQUAL(buf, "34236001.500000");
	CU_ASSERT_DOUBLE_EQUAL(f, 34236001.5, 0);
	a = iv("-178956970 years -2147483648 days");
	CU_ASSERT_EQUAL(alx_interval_extract("EPOCH", 5, &a, buf, &f, &d), 0);
	CU_ASSERT_STRING_EQUAL(buf, "-5832995063659200.000000");
	a = iv("-1.5 sec");
	CU_ASSERT_EQUAL(alx_interval_extract("second", 6, &a, buf, &f, &d), 0);
	CU_ASSERT_STRING_EQUAL(buf, "-1.500000");
	a = iv("-5 mons");
	CU_ASSERT_EQUAL(alx_interval_extract("quarter", 7, &a, buf, &f, &d), 0);
	CU_ASSERT_STRING_EQUAL(buf, "0");
	CU_ASSERT_EQUAL(alx_interval_extract("week", 4, &a, buf, &f, &d),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "0A000");
	CU_ASSERT_STRING_EQUAL(d.message,
			       "unit \"week\" not supported for type interval");
	CU_ASSERT_EQUAL(alx_interval_extract("foo", 3, &a, buf, &f, &d),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "22023");
	a = iv("1 year 5 mons 3 days");
	CU_ASSERT_EQUAL(alx_interval_trunc("quarter", 7, &a, &r, &d), 0);
	CU_ASSERT_STRING_EQUAL(ivs(&r), "1 year 3 mons");
	CU_ASSERT_EQUAL(alx_interval_trunc("week", 4, &a, &r, &d), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.message,
			       "unit \"week\" not supported for type "
			       "interval\nMonths usually have fractional "
			       "weeks.");
}

/* ---- comparison, keys, rows ------------------------------------------- */

static struct alx_interval random_iv(uint64_t *st)
{
	struct alx_interval x;
	uint64_t r = tv_rand(st);
	/* mostly small values, so that ties and near-ties happen */
	switch (r % 4) {
	case 0:
		x.month = (int32_t)(tv_rand(st) % 5) - 2;
		x.day = (int32_t)(tv_rand(st) % 61) - 30;
		x.time = ((int64_t)(tv_rand(st) % 49) - 24) * 3600000000;
		break;
	case 1:
		x.month = (int32_t)tv_rand(st);
		x.day = (int32_t)tv_rand(st);
		x.time = (int64_t)tv_rand(st);
		break;
	default:
		x.month = (int32_t)(tv_rand(st) % 25) - 12;
		x.day = (int32_t)(tv_rand(st) % 1000) - 500;
		x.time = (int64_t)(tv_rand(st) % 200000000000) - 100000000000;
		break;
	}
	return x;
}

static void test_compare_and_keys(void)
{
	/* PostgreSQL compares by 30-day months and 24-hour days */
	struct alx_value a = tv_in(ALX_T_INTERVAL, -1, "1 mon");
	struct alx_value b = tv_in(ALX_T_INTERVAL, -1, "30 days");
	struct alx_value c = tv_in(ALX_T_INTERVAL, -1, "720 hours");
	struct alx_value e = tv_in(ALX_T_INTERVAL, -1, "1 year");
	struct alx_value f = tv_in(ALX_T_INTERVAL, -1, "360 days");
	CU_ASSERT_EQUAL(alx_value_cmp(&a, &b), 0);
	CU_ASSERT_EQUAL(alx_value_cmp(&a, &c), 0);
	CU_ASSERT_EQUAL(alx_value_cmp(&e, &f), 0);
	CU_ASSERT_EQUAL(alx_value_hash(&a), alx_value_hash(&c));
	struct alx_value g = tv_in(ALX_T_INTERVAL, -1, "-1 mon");
	struct alx_value h = tv_in(ALX_T_INTERVAL, -1, "-29 days");
	CU_ASSERT(alx_value_cmp(&g, &h) < 0);

	uint64_t st = 42;
	for (int i = 0; i < 3000; i++) {
		struct alx_value x = {.type = ALX_T_INTERVAL, .null = false};
		struct alx_value y = x;
		x.u.iv = random_iv(&st);
		y.u.iv = i % 3 == 0 ? x.u.iv : random_iv(&st);
		unsigned flags = (unsigned)i % 4;
		struct alx_buf kx, ky;
		alopex_diag d;
		alx_buf_init(&kx, tv_arena);
		alx_buf_init(&ky, tv_arena);
		CU_ASSERT_EQUAL_FATAL(alx_key_encode(&kx, &x, flags, &d), 0);
		CU_ASSERT_EQUAL_FATAL(alx_key_encode(&ky, &y, flags, &d), 0);
		CU_ASSERT_EQUAL(kx.len, 1 + ALX_INTERVAL_KEYSZ);
		int mc = memcmp(kx.ptr, ky.ptr, kx.len);
		int vc = alx_value_cmp(&x, &y);
		if (flags & ALX_KEY_DESC)
			vc = -vc;
		CU_ASSERT_EQUAL((mc > 0) - (mc < 0), (vc > 0) - (vc < 0));
		if (vc == 0)
			CU_ASSERT_EQUAL(alx_value_hash(&x), alx_value_hash(&y));
		/* keys decode to an equal value */
		struct alx_value back;
		size_t pos = 0;
		CU_ASSERT_EQUAL_FATAL(
			alx_key_decode(tv_arena, kx.ptr, kx.len, &pos,
				       tv_type(ALX_T_INTERVAL, -1, 0), flags,
				       &back, &d),
			0);
		CU_ASSERT_EQUAL(pos, kx.len);
		CU_ASSERT_EQUAL(alx_value_cmp(&back, &x), 0);
		/* rows keep the three fields exactly */
		struct alx_value cols[2] = {x, alx_value_null(ALX_T_INTERVAL)};
		struct alx_type ts[2] = {tv_type(ALX_T_INTERVAL, -1, 0),
					 tv_type(ALX_T_INTERVAL, -1, 0)};
		struct alx_buf rb;
		alx_buf_init(&rb, tv_arena);
		CU_ASSERT_EQUAL_FATAL(alx_row_encode(&rb, cols, 2, &d), 0);
		struct alx_value rows[2];
		CU_ASSERT_EQUAL_FATAL(alx_row_decode(tv_arena, rb.ptr, rb.len,
						     ts, 2, rows, &d),
				      0);
		CU_ASSERT(rows[1].null);
		CU_ASSERT_EQUAL(rows[0].u.iv.month, x.u.iv.month);
		CU_ASSERT_EQUAL(rows[0].u.iv.day, x.u.iv.day);
		CU_ASSERT_EQUAL(rows[0].u.iv.time, x.u.iv.time);
	}
	/* a key decodes to the justified form */
	struct alx_buf k;
	alopex_diag d;
	alx_buf_init(&k, tv_arena);
	CU_ASSERT_EQUAL(alx_key_encode(&k, &c, 0, &d), 0);
	struct alx_value back;
	size_t pos = 0;
	CU_ASSERT_EQUAL(alx_key_decode(tv_arena, k.ptr, k.len, &pos,
				       tv_type(ALX_T_INTERVAL, -1, 0), 0, &back,
				       &d),
			0);
	CU_ASSERT_STRING_EQUAL(tv_out(&back), "1 mon");
	/* '1 day' takes 1 + 3 bytes in a row: small and cheap */
	struct alx_value one = tv_in(ALX_T_INTERVAL, -1, "1 day");
	struct alx_buf rb;
	alx_buf_init(&rb, tv_arena);
	CU_ASSERT_EQUAL(alx_row_encode(&rb, &one, 1, &d), 0);
	CU_ASSERT_EQUAL(rb.len, 3 + 3);
	/* truncated or impossible bytes are corrupt, not a crash */
	CU_ASSERT_EQUAL(
		alx_key_decode(tv_arena, k.ptr, k.len - 1, (pos = 0, &pos),
			       tv_type(ALX_T_INTERVAL, -1, 0), 0, &back, &d),
		ALOPEX_ECORRUPT);
	uint8_t bad[1 + ALX_INTERVAL_KEYSZ];
	memset(bad, 0xff, sizeof(bad));
	bad[0] = 0x01;
	pos = 0;
	CU_ASSERT_EQUAL(alx_key_decode(tv_arena, bad, sizeof(bad), &pos,
				       tv_type(ALX_T_INTERVAL, -1, 0), 0, &back,
				       &d),
			ALOPEX_ECORRUPT);
}

static void test_type_names(void)
{
	struct alx_type t;
	alopex_diag d;
	char buf[64];
	CU_ASSERT_EQUAL(alx_type_from_name("interval", 3, 0, &t, &d), 0);
	alx_type_format(t, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "interval(3)");
	CU_ASSERT_EQUAL(alx_type_from_name("interval", 2,
					   ALX_IV_DAY | ALX_IV_HOUR |
						   ALX_IV_MINUTE |
						   ALX_IV_SECOND,
					   &t, &d),
			0);
	alx_type_format(t, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "interval day to second(2)");
	CU_ASSERT_EQUAL(alx_type_from_name("interval", -1, ALX_IV_YEAR, &t, &d),
			0);
	alx_type_format(t, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "interval year");
	CU_ASSERT_EQUAL(alx_type_from_name("interval", -5, 0, &t, &d),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.message,
			       "INTERVAL(-5) precision must not be negative");
	CU_ASSERT_EQUAL(alx_type_info(ALX_T_INTERVAL)->oid, 1186);
}

static const struct alx_test_case interval_cases[] = {
	{"input", test_input},
	{"input_sql_standard", test_input_sql_standard},
	{"input_limits", test_input_limits},
	{"output_styles", test_output_styles},
	{"arith", test_arith},
	{"justify", test_justify},
	{"timestamp_arith", test_timestamp_arith},
	{"timestamptz_dst", test_timestamptz_dst},
	{"functions", test_functions},
	{"compare_and_keys", test_compare_and_keys},
	{"type_names", test_type_names},
	{NULL, NULL},
};

const struct alx_test_suite suite_interval = {"sql_value/interval", tv_setup,
					      tv_teardown, interval_cases};
