/*
 * DATE / TIMESTAMP / TIMESTAMPTZ: input and output against tables whose
 * expected values were produced by PostgreSQL 15 (see the .inc files),
 * round trips, the clock words, zones, arithmetic, date_trunc, extract.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_datetime.h"
#include "types2_tests.h"

struct dt_case {
	const char *in, *zone, *date, *ts, *tstz;
};
static const struct dt_case dt_cases[] = {
#include "dt_cases.inc"
};

struct part_case {
	const char *zone, *field, *value, *type, *out;
};
static const struct part_case extract_cases[] = {
#include "extract_cases.inc"
};
static const struct part_case trunc_cases[] = {
#include "trunc_cases.inc"
};

static struct alx_runtime *rt;
static struct alx_arena arena;

static int setup(void)
{
	if (alx_runtime_create(NULL, &rt, NULL) != 0)
		return -1;
	alx_arena_init(&arena, rt, 0);
	return 0;
}

static int teardown(void)
{
	alx_arena_fini(&arena);
	alx_runtime_destroy(rt);
	return 0;
}

/* IANA zones need the system's zoneinfo (package tzdata). */
static int have_zoneinfo(void)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	snprintf(path, sizeof(path), "%s/America/New_York",
		 dir != NULL && dir[0] ? dir : "/usr/share/zoneinfo");
	return access(path, R_OK) == 0;
}

static struct alx_tz *zone(const char *name)
{
	struct alx_tz *tz = NULL;
	alopex_diag d;
	memset(&d, 0, sizeof(d));
	int rc = alx_tz_load(&arena, name, strlen(name), &tz, &d);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return tz;
}

static int mentions_iana(const char *s)
{
	return strchr(s, '/') != NULL || strstr(s, "posixrules") ||
	       strstr(s, "Japan") || strstr(s, "EST5EDT") ||
	       strstr(s, "europe") || strstr(s, "america");
}

static void check(const char *what, const char *in, const char *zone_name,
		  const char *got, const char *want)
{
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "\n%s(\"%s\") in %s: got [%s] want [%s]\n",
			what, in, zone_name, got, want);
		CU_FAIL("output differs from PostgreSQL 15");
	} else {
		CU_PASS("ok");
	}
}

static void test_input_output_table(void)
{
	int iana = have_zoneinfo();
	if (!iana)
		fprintf(stderr, "\n(no zoneinfo: IANA zone cases skipped)\n");
	size_t n = sizeof(dt_cases) / sizeof(dt_cases[0]), ran = 0;
	CU_ASSERT(n > 300);
	for (size_t i = 0; i < n; i++) {
		const struct dt_case *c = &dt_cases[i];
		if (!iana &&
		    (strcmp(c->zone, "UTC") != 0 || mentions_iana(c->in)))
			continue;
		struct alx_tz *tz = zone(c->zone);
		char buf[ALX_DATETIME_BUFSZ], err[700];
		alopex_diag d;
		size_t len = strlen(c->in);
		int32_t date;
		int64_t ts;

		memset(&d, 0, sizeof(d));
		if (alx_date_in_at(c->in, len, tz, 0, ALX_DT_NO_CLOCK, &date,
				   &d) == 0) {
			alx_date_out(date, buf);
			check("date", c->in, c->zone, buf, c->date);
		} else {
			CU_ASSERT_EQUAL(d.code, ALOPEX_ESQL);
			types2_err_text(&d, err, sizeof(err));
			check("date", c->in, c->zone, err, c->date);
		}
		for (int with_tz = 0; with_tz <= 1; with_tz++) {
			const char *want = with_tz ? c->tstz : c->ts;
			memset(&d, 0, sizeof(d));
			if (alx_timestamp_in(c->in, len, with_tz, tz, 0, &ts,
					     &d) == 0) {
				alx_timestamp_out(ts, with_tz, tz, 0, buf);
				check(with_tz ? "timestamptz" : "timestamp",
				      c->in, c->zone, buf, want);
			} else {
				types2_err_text(&d, err, sizeof(err));
				check(with_tz ? "timestamptz" : "timestamp",
				      c->in, c->zone, err, want);
			}
		}
		ran++;
	}
	CU_ASSERT(ran > 100);
	alx_arena_reset(&arena);
}

/* Whatever prints must read back as the same value. */
static void test_round_trip(void)
{
	static const int64_t samples[] = {
		0,
		1,
		-1,
		INT64_C(86399999999),
		INT64_C(-63517787999500000),
		INT64_C(-211813488000000000), /* 4714-11-24 BC */
		INT64_C(9223371331199999999), /* 294276-12-31 23:59:59.999999 */
		INT64_C(760019696789000),
	};
	struct alx_tz *ny = have_zoneinfo() ? zone("America/New_York") : NULL;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		for (int with_tz = 0; with_tz <= 1; with_tz++) {
			char buf[ALX_DATETIME_BUFSZ];
			int64_t back = 0;
			alopex_diag d;
			memset(&d, 0, sizeof(d));
			alx_timestamp_out(samples[i], with_tz, ny, 3600, buf);
			int rc = alx_timestamp_in(buf, strlen(buf), with_tz, ny,
						  3600, &back, &d);
			CU_ASSERT_EQUAL(rc, 0);
			CU_ASSERT_EQUAL(back, samples[i]);
		}
	}
	for (int64_t day = -2451545; day < 2147483494 - 2451545;
	     day += 9999991) {
		int32_t date = (int32_t)day;
		char buf[ALX_DATETIME_BUFSZ];
		int32_t back = 0;
		alx_date_out(date, buf);
		CU_ASSERT_EQUAL(alx_date_in(buf, strlen(buf), &back, NULL), 0);
		CU_ASSERT_EQUAL(back, date);
	}
	char buf[ALX_DATETIME_BUFSZ];
	alx_date_out(ALX_DATE_NOEND, buf);
	CU_ASSERT_STRING_EQUAL(buf, "infinity");
	alx_timestamp_out(ALX_TS_NOBEGIN, 1, NULL, 0, buf);
	CU_ASSERT_STRING_EQUAL(buf, "-infinity");
	alx_arena_reset(&arena);
}

/* now/today/... use the clock given; without one they are refused. */
static void test_clock_words(void)
{
	/* 2024-01-31 02:30:00.25 UTC */
	int64_t now = INT64_C(759983400250000);
	char buf[ALX_DATETIME_BUFSZ];
	int32_t date;
	int64_t ts;
	alopex_diag d;
	memset(&d, 0, sizeof(d));
	CU_ASSERT_EQUAL(alx_timestamp_in_at("now", 3, 1, NULL, 0, now, &ts, &d),
			0);
	CU_ASSERT_EQUAL(ts, now);
	/* In UTC-05 it is still the 30th. */
	CU_ASSERT_EQUAL(
		alx_date_in_at("today", 5, NULL, -5 * 3600, now, &date, &d), 0);
	alx_date_out(date, buf);
	CU_ASSERT_STRING_EQUAL(buf, "2024-01-30");
	CU_ASSERT_EQUAL(alx_date_in_at("tomorrow", 8, NULL, 0, now, &date, &d),
			0);
	alx_date_out(date, buf);
	CU_ASSERT_STRING_EQUAL(buf, "2024-02-01");
	CU_ASSERT_EQUAL(alx_timestamp_in_at("yesterday", 9, 1, NULL, 3600, now,
					    &ts, &d),
			0);
	alx_timestamp_out(ts, 1, NULL, 3600, buf);
	CU_ASSERT_STRING_EQUAL(buf, "2024-01-30 00:00:00+01");
	CU_ASSERT_EQUAL(
		alx_timestamp_in_at("now", 3, 0, NULL, 3600, now, &ts, &d), 0);
	alx_timestamp_out(ts, 0, NULL, 0, buf);
	CU_ASSERT_STRING_EQUAL(buf, "2024-01-31 03:30:00.25");
	memset(&d, 0, sizeof(d));
	CU_ASSERT_EQUAL(alx_date_in("today", 5, &date, &d), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "0A000");
}

static void test_round(void)
{
	/* Checked against PG 15: '2024-01-31 12:34:56.789'::timestamp(p). */
	int64_t ts;
	char buf[ALX_DATETIME_BUFSZ];
	const char *in = "2024-01-31 12:34:56.789";
	CU_ASSERT_EQUAL(alx_timestamp_in(in, strlen(in), 0, NULL, 0, &ts, NULL),
			0);
	static const char *const want[] = {
		"2024-01-31 12:34:57",	   "2024-01-31 12:34:56.8",
		"2024-01-31 12:34:56.79",  "2024-01-31 12:34:56.789",
		"2024-01-31 12:34:56.789", "2024-01-31 12:34:56.789",
		"2024-01-31 12:34:56.789"};
	for (int p = 0; p <= 6; p++) {
		alx_timestamp_out(alx_timestamp_round(ts, p), 0, NULL, 0, buf);
		CU_ASSERT_STRING_EQUAL(buf, want[p]);
	}
	/* Half away from zero on the raw value, so for BC times towards the
	 * past (PG: '0044-03-15 10:00:00.5 BC'::timestamp(0) is 10:00:00 BC). */
	in = "0044-03-15 10:00:00.5 BC";
	CU_ASSERT_EQUAL(alx_timestamp_in(in, strlen(in), 0, NULL, 0, &ts, NULL),
			0);
	alx_timestamp_out(alx_timestamp_round(ts, 0), 0, NULL, 0, buf);
	CU_ASSERT_STRING_EQUAL(buf, "0044-03-15 10:00:00 BC");
	CU_ASSERT_EQUAL(alx_timestamp_round(ALX_TS_NOEND, 0), ALX_TS_NOEND);
}

static void test_zones(void)
{
	alopex_diag d;
	struct alx_tz *tz = NULL;
	memset(&d, 0, sizeof(d));
	CU_ASSERT_EQUAL(alx_tz_load(&arena, "Mars/Base", 9, &tz, &d),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "22023");
	CU_ASSERT_STRING_EQUAL(d.message,
			       "time zone \"Mars/Base\" not recognized");
	CU_ASSERT_EQUAL(alx_tz_load(&arena, "FOO", 3, &tz, &d), ALOPEX_ESQL);
	CU_ASSERT_EQUAL(alx_tz_load(&arena, "../../etc/passwd", 16, &tz, &d),
			ALOPEX_ESQL);
	/* As PG's SET TIME ZONE (checked): a number is hours east, "UTC+3"
	 * and "+05:30" are POSIX strings, west of UTC. */
	static const struct {
		const char *name;
		int32_t jan, jul; /* offsets at 2024-01-01 / 07-01 12:00 UTC */
		int iana;
	} z[] = {
		{"UTC", 0, 0, 0},
		{"+3", 3 * 3600, 3 * 3600, 0},
		{"-3.5", -12600, -12600, 0},
		{"+05:30", -19800, -19800, 0},
		{"UTC+3", -10800, -10800, 0},
		{"utc+3", -10800, -10800, 0},
		{"<+03>-3", 10800, 10800, 0},
		{"XYZ-5", 18000, 18000, 0},
		{"UTC+3:30", -12600, -12600, 0},
		{"ABC5DEF", -18000, -14400, 0},
		{"EST5EDT", -18000, -14400, 1},
		{"America/New_York", -18000, -14400, 1},
		{"america/new_york", -18000, -14400, 1},
		{"Europe/Berlin", 3600, 7200, 1},
		{"Australia/Sydney", 39600, 36000, 1},
		{"Asia/Kathmandu", 20700, 20700, 1},
		{"Etc/GMT+3", -10800, -10800, 1},
	};
	int64_t jan = INT64_C(757425600000000), jul = INT64_C(773064000000000);
	for (size_t i = 0; i < sizeof(z) / sizeof(z[0]); i++) {
		if (z[i].iana && !have_zoneinfo())
			continue;
		memset(&d, 0, sizeof(d));
		int rc = alx_tz_load(&arena, z[i].name, strlen(z[i].name), &tz,
				     &d);
		CU_ASSERT_EQUAL(rc, 0);
		if (rc != 0) {
			fprintf(stderr, "\nzone %s: %s\n", z[i].name,
				d.message);
			continue;
		}
		CU_ASSERT_STRING_EQUAL(alx_tz_name(tz), z[i].name);
		CU_ASSERT_EQUAL(alx_tz_offset_at(tz, jan), z[i].jan);
		CU_ASSERT_EQUAL(alx_tz_offset_at(tz, jul), z[i].jul);
	}
	if (have_zoneinfo()) {
		/* DST gap and overlap, local seconds since 2000-01-01. */
		tz = zone("America/New_York");
		int64_t day = (int64_t)8835 * 86400; /* 2024-03-10 */
		CU_ASSERT_EQUAL(alx_tz_offset_local(tz, day + 2 * 3600 + 1800),
				-18000);
		day = (int64_t)9073 * 86400; /* 2024-11-03 */
		CU_ASSERT_EQUAL(alx_tz_offset_local(tz, day + 3600 + 1800),
				-18000);
		CU_ASSERT_EQUAL(alx_tz_offset_local(tz, day), -14400);
		/* Past the file's transitions the footer rule applies. */
		const char *in = "2300-07-01 12:00:00+00";
		int64_t ts;
		char buf[ALX_DATETIME_BUFSZ];
		CU_ASSERT_EQUAL(
			alx_timestamp_in(in, strlen(in), 1, tz, 0, &ts, NULL),
			0);
		alx_timestamp_out(ts, 1, tz, 0, buf);
		CU_ASSERT_STRING_EQUAL(buf, "2300-07-01 08:00:00-04");
		/* Local mean time before 1883 prints seconds. */
		in = "1800-01-01 00:00:00+00";
		CU_ASSERT_EQUAL(
			alx_timestamp_in(in, strlen(in), 1, tz, 0, &ts, NULL),
			0);
		alx_timestamp_out(ts, 1, tz, 0, buf);
		CU_ASSERT_STRING_EQUAL(buf, "1799-12-31 19:03:58-04:56:02");
	}
	alx_arena_reset(&arena);
}

static void test_arith(void)
{
	/* Expected values checked against PG 15. */
	alopex_diag d;
	int32_t date, out;
	int64_t ts;
	char buf[ALX_DATETIME_BUFSZ];
	CU_ASSERT_EQUAL(alx_date_in("2024-02-28", 10, &date, NULL), 0);
	CU_ASSERT_EQUAL(alx_date_add_days(date, 1, &out, NULL), 0);
	alx_date_out(out, buf);
	CU_ASSERT_STRING_EQUAL(buf, "2024-02-29");
	CU_ASSERT_EQUAL(alx_date_add_days(date, -739009, &out, NULL), 0);
	alx_date_out(out, buf);
	CU_ASSERT_STRING_EQUAL(buf, "0001-10-27 BC");
	memset(&d, 0, sizeof(d));
	CU_ASSERT_EQUAL(alx_date_in("5874897-12-31", 13, &date, NULL), 0);
	CU_ASSERT_EQUAL(alx_date_add_days(date, 1, &out, &d), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.message, "date out of range");
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "22008");
	CU_ASSERT_EQUAL(alx_date_add_days(ALX_DATE_NOEND, 1, &out, NULL), 0);
	CU_ASSERT_EQUAL(out, ALX_DATE_NOEND);
	int32_t a, b, diff;
	CU_ASSERT_EQUAL(alx_date_in("2024-03-01", 10, &a, NULL), 0);
	CU_ASSERT_EQUAL(alx_date_in("2023-03-01", 10, &b, NULL), 0);
	CU_ASSERT_EQUAL(alx_date_diff(a, b, &diff, NULL), 0);
	CU_ASSERT_EQUAL(diff, 366);
	memset(&d, 0, sizeof(d));
	CU_ASSERT_EQUAL(alx_date_diff(ALX_DATE_NOEND, b, &diff, &d),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.message, "cannot subtract infinite dates");
	/* date -> timestamp(tz) -> date */
	CU_ASSERT_EQUAL(alx_date_to_timestamp(a, 1, NULL, -18000, &ts, NULL),
			0);
	alx_timestamp_out(ts, 1, NULL, 0, buf);
	CU_ASSERT_STRING_EQUAL(buf, "2024-03-01 05:00:00+00");
	CU_ASSERT_EQUAL(
		alx_timestamp_to_date(ts, 1, NULL, 3600 * 14, &out, NULL), 0);
	alx_date_out(out, buf);
	CU_ASSERT_STRING_EQUAL(buf, "2024-03-01");
	CU_ASSERT_EQUAL(alx_date_in("294277-01-01", 12, &date, NULL), 0);
	memset(&d, 0, sizeof(d));
	CU_ASSERT_EQUAL(alx_date_to_timestamp(date, 0, NULL, 0, &ts, &d),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.message, "date out of range for timestamp");
	/* timestamp <-> timestamptz through the session zone */
	const char *in = "2024-07-01 12:00:00";
	CU_ASSERT_EQUAL(alx_timestamp_in(in, strlen(in), 0, NULL, 0, &ts, NULL),
			0);
	int64_t tstz, back;
	CU_ASSERT_EQUAL(
		alx_timestamp_to_timestamptz(ts, NULL, 7200, &tstz, NULL), 0);
	alx_timestamp_out(tstz, 1, NULL, 0, buf);
	CU_ASSERT_STRING_EQUAL(buf, "2024-07-01 10:00:00+00");
	CU_ASSERT_EQUAL(
		alx_timestamptz_to_timestamp(tstz, NULL, -3600, &back, NULL),
		0);
	alx_timestamp_out(back, 0, NULL, 0, buf);
	CU_ASSERT_STRING_EQUAL(buf, "2024-07-01 09:00:00");
}

static void run_part_cases(const struct part_case *cases, size_t n, int trunc)
{
	int iana = have_zoneinfo();
	size_t ran = 0;
	for (size_t i = 0; i < n; i++) {
		const struct part_case *c = &cases[i];
		if (!iana && strcmp(c->zone, "UTC") != 0)
			continue;
		struct alx_tz *tz = zone(c->zone);
		int kind = strcmp(c->type, "date") == 0	       ? 0
			   : strcmp(c->type, "timestamp") == 0 ? 1
							       : 2;
		int32_t date = 0;
		int64_t ts = 0;
		int rc;
		if (kind == 0)
			rc = alx_date_in_at(c->value, strlen(c->value), tz, 0,
					    ALX_DT_NO_CLOCK, &date, NULL);
		else
			rc = alx_timestamp_in(c->value, strlen(c->value),
					      kind == 2, tz, 0, &ts, NULL);
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		char got[700];
		alopex_diag d;
		memset(&d, 0, sizeof(d));
		if (trunc) {
			int64_t r;
			if (alx_timestamp_trunc(c->field, strlen(c->field), ts,
						kind == 2, tz, 0, &r, &d) == 0)
				alx_timestamp_out(r, kind == 2, tz, 0, got);
			else
				types2_err_text(&d, got, sizeof(got));
		} else {
			int is_null = 0;
			char buf[ALX_DATETIME_BUFSZ];
			if (alx_datetime_extract(c->field, strlen(c->field),
						 kind, date, ts, tz, 0, buf,
						 &is_null, &d) == 0)
				snprintf(got, sizeof(got), "%s",
					 is_null ? "NULL" : buf);
			else
				types2_err_text(&d, got, sizeof(got));
		}
		char what[128];
		snprintf(what, sizeof(what), "%s(%s, %s)",
			 trunc ? "date_trunc" : "extract", c->field, c->type);
		check(what, c->value, c->zone, got, c->out);
		ran++;
	}
	CU_ASSERT(ran > 100);
	alx_arena_reset(&arena);
}

static void test_extract(void)
{
	run_part_cases(extract_cases,
		       sizeof(extract_cases) / sizeof(extract_cases[0]), 0);
}

static void test_trunc(void)
{
	run_part_cases(trunc_cases,
		       sizeof(trunc_cases) / sizeof(trunc_cases[0]), 1);
}

static const struct alx_test_case cases[] = {
	{"input_output_table", test_input_output_table},
	{"round_trip", test_round_trip},
	{"clock_words", test_clock_words},
	{"round", test_round},
	{"zones", test_zones},
	{"arith", test_arith},
	{"extract", test_extract},
	{"trunc", test_trunc},
	{NULL, NULL}};

const struct alx_test_suite types2_datetime_suite = {"sql/datetime", setup,
						     teardown, cases};
