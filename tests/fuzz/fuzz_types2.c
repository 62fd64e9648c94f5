/*
 * Fuzz target for the DATE/TIMESTAMP/TIMESTAMPTZ, JSON/JSONB and VECTOR
 * text formats. The first byte picks the session zone; the rest is tried as
 * every type. Beyond the sanitizers it checks what the modules promise:
 * whatever prints reads back as the same value, JSONB text is a fixed point
 * of normalisation and valid JSON, errors carry ALOPEX_ESQL with a
 * five-character SQLSTATE and a message, and the function library helpers
 * (date_trunc, extract, json operators) never fail on valid values except
 * with a proper error.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "runtime/alx_arena.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_datetime.h"
#include "sql/sql_json.h"
#include "sql/sql_vector.h"

/* A broken promise is a bug: stop where the fuzzer can see it. */
static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_types2: %s\n", what);
		abort();
	}
}

static void check_error(int rc, const alopex_diag *d)
{
	check(rc < 0, "error code is not negative");
	check(d->code == rc, "diag code differs from the return code");
	check(rc == ALOPEX_ESQL || rc == ALOPEX_ENOMEM, "unexpected code");
	check(strlen(d->sqlstate) == 5, "SQLSTATE is not five characters");
	check(d->message[0] != '\0', "error without a message");
}

static const char *const fields[] = {"microseconds",
				     "milliseconds",
				     "second",
				     "minute",
				     "hour",
				     "day",
				     "week",
				     "month",
				     "quarter",
				     "year",
				     "decade",
				     "century",
				     "millennium",
				     "dow",
				     "isodow",
				     "doy",
				     "isoyear",
				     "epoch",
				     "julian",
				     "timezone",
				     "timezone_hour",
				     "timezone_minute",
				     "foo"};

static void datetime(const char *s, size_t n, const struct alx_tz *tz,
		     int32_t off)
{
	alopex_diag d;
	char buf[ALX_DATETIME_BUFSZ], buf2[ALX_DATETIME_BUFSZ];
	int32_t date, date2;
	memset(&d, 0, sizeof(d));
	int rc = alx_date_in_at(s, n, tz, off, INT64_C(760019400250000), &date,
				&d);
	if (rc == 0) {
		alx_date_out(date, buf);
		memset(&d, 0, sizeof(d));
		rc = alx_date_in(buf, strlen(buf), &date2, &d);
		check(rc == 0 && date2 == date, "date output does not read "
						"back");
		alx_date_out(date2, buf2);
		check(strcmp(buf, buf2) == 0, "date output is not stable");
		int32_t moved;
		memset(&d, 0, sizeof(d));
		rc = alx_date_add_days(date, (int64_t)(date % 1000), &moved,
				       &d);
		if (rc != 0)
			check_error(rc, &d);
	} else {
		check_error(rc, &d);
	}
	for (int with_tz = 0; with_tz <= 1; with_tz++) {
		int64_t ts, ts2;
		memset(&d, 0, sizeof(d));
		rc = alx_timestamp_in(s, n, with_tz, tz, off, &ts, &d);
		if (rc != 0) {
			check_error(rc, &d);
			continue;
		}
		alx_timestamp_out(ts, with_tz, tz, off, buf);
		memset(&d, 0, sizeof(d));
		rc = alx_timestamp_in(buf, strlen(buf), with_tz, tz, off, &ts2,
				      &d);
		if (rc != 0 || ts2 != ts)
			fprintf(stderr, "[%s] -> %s\n", buf, d.message);
		check(rc == 0 && ts2 == ts, "timestamp output does not read "
					    "back");
		int64_t r = alx_timestamp_round(ts, (int)(n % 7));
		(void)r;
		const char *f = fields[n % (sizeof(fields) / sizeof(*fields))];
		int64_t t;
		memset(&d, 0, sizeof(d));
		rc = alx_timestamp_trunc(f, strlen(f), ts, with_tz, tz, off, &t,
					 &d);
		if (rc != 0)
			check_error(rc, &d);
		int is_null;
		memset(&d, 0, sizeof(d));
		rc = alx_datetime_extract(f, strlen(f), 1 + with_tz, 0, ts, tz,
					  off, buf2, &is_null, &d);
		if (rc != 0)
			check_error(rc, &d);
	}
}

static void json(struct alx_arena *a, const char *s, size_t n)
{
	alopex_diag d;
	memset(&d, 0, sizeof(d));
	int rc = alx_json_validate(s, n, &d);
	if (rc != 0)
		check_error(rc, &d);
	const char *out;
	size_t olen;
	memset(&d, 0, sizeof(d));
	int rcb = alx_jsonb_normalize(a, s, n, &out, &olen, &d);
	if (rcb != 0) {
		check_error(rcb, &d);
		check(rcb != 0 || rc == 0, "jsonb accepted what json refused");
		return;
	}
	check(rc == 0, "jsonb accepted what json refused");
	check(alx_json_validate(out, olen, NULL) == 0,
	      "jsonb output is not valid json");
	const char *again;
	size_t alen;
	check(alx_jsonb_normalize(a, out, olen, &again, &alen, NULL) == 0 &&
		      alen == olen && memcmp(again, out, olen) == 0,
	      "jsonb output is not a fixed point");
	/* Operators on both forms. */
	static const char *const keys[] = {"a", "", "b", "aa"};
	for (int jsonb = 0; jsonb <= 1; jsonb++) {
		const char *doc = jsonb ? out : s;
		size_t dlen = jsonb ? olen : n;
		const char *v;
		size_t vlen;
		int found;
		for (int i = 0; i < 4; i++) {
			memset(&d, 0, sizeof(d));
			rc = alx_json_get(a, doc, dlen, keys[i],
					  strlen(keys[i]), 0, i & 1, jsonb, &v,
					  &vlen, &found, &d);
			if (rc != 0)
				check_error(rc, &d);
			memset(&d, 0, sizeof(d));
			rc = alx_json_get(a, doc, dlen, NULL, 0, i - 2, i & 1,
					  jsonb, &v, &vlen, &found, &d);
			if (rc != 0)
				check_error(rc, &d);
			else if (found && !(i & 1))
				check(alx_json_validate(v, vlen, NULL) == 0,
				      "-> gave invalid json");
		}
		struct alx_json_path_elem path[2] = {{"0", 1}, {"a", 1}};
		memset(&d, 0, sizeof(d));
		rc = alx_json_get_path(a, doc, dlen, path, 2, 1, jsonb, &v,
				       &vlen, &found, &d);
		if (rc != 0)
			check_error(rc, &d);
	}
}

static void vector(struct alx_arena *a, const char *s, size_t n)
{
	const float *v, *v2;
	uint32_t dim, dim2;
	alopex_diag d;
	memset(&d, 0, sizeof(d));
	int rc = alx_vector_in(a, s, n, -1, &v, &dim, &d);
	if (rc != 0) {
		check_error(rc, &d);
		return;
	}
	check(dim >= 1 && dim <= ALX_VECTOR_MAX_DIM, "bad dimension count");
	const char *out;
	size_t olen;
	check(alx_vector_out(a, v, dim, &out, &olen, &d) == 0, "vector_out");
	check(alx_vector_in(a, out, olen, (int32_t)dim, &v2, &dim2, &d) == 0,
	      "vector output does not read back");
	check(dim2 == dim && memcmp(v, v2, dim * sizeof(float)) == 0,
	      "vector output reads back different");
	double l2 = alx_vec_l2_squared(v, v2, dim);
	check(l2 == 0, "distance to itself is not 0");
	double c = alx_vec_cosine_distance(v, v, dim);
	check(isnan(c) || (c >= -1e-6 && c <= 2), "cosine out of range");
	(void)alx_vec_dot(v, v, dim);
	(void)alx_vec_norm(v, dim);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	struct alx_runtime *rt = NULL;
	alopex_diag d;
	memset(&d, 0, sizeof(d));
	check(alx_runtime_create(NULL, &rt, &d) == 0, "no runtime");
	struct alx_arena a;
	alx_arena_init(&a, rt, 0);
	/* Large enough for 16,000-dimension vectors and big numbers. */
	a.limit = 64u << 20;

	static const char *const zones[] = {
		"UTC",		"America/New_York", "Australia/Lord_Howe",
		"+05:30",	"EST5EDT",	    "Europe/Dublin",
		"Asia/Kolkata", "<+0330>-3:30",	    "Pacific/Chatham"};
	unsigned sel = data[0];
	const char *zn = zones[sel % (sizeof(zones) / sizeof(zones[0]))];
	struct alx_tz *tz = NULL;
	if (alx_tz_load(&a, zn, strlen(zn), &tz, &d) != 0)
		tz = NULL; /* no zoneinfo here: fixed offsets only */
	int32_t off = (int32_t)((sel >> 4) * 1800) - 14400;
	if (sel & 8)
		tz = NULL;

	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	datetime(s, n, tz, off);
	json(&a, s, n);
	vector(&a, s, n);

	alx_arena_fini(&a);
	alx_runtime_destroy(rt);
	return 0;
}
