/*
 * pgw_binary: text <-> binary per OID, byte-exact with PostgreSQL 15
 * (vectors in pg15_vectors.inc, taken from a PG 15 server), the recv-side
 * checks and their messages, and round trips.
 */
#include "codec_tests.h"
#include "pgw_binary.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vec {
	uint32_t oid;
	const char *in, *hex, *out;
};

static const struct vec vectors[] = {
#include "pg15_vectors.inc"
};

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = strlen(h) / 2;

	for (size_t i = 0; i < n; i++) {
		unsigned v;

		sscanf(h + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

static void tohex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = 0;
}

static void test_pg15_vectors(void)
{
	struct pgw_buf b = {0};
	char hex[256], err[256];
	uint8_t raw[128];
	int failures = 0;

	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vec *v = &vectors[i];
		size_t n = unhex(v->hex, raw);
		int rc;

		CU_ASSERT(pgw_binary_supported(v->oid));
		/* binary -> text is PG's output exactly */
		b.len = 0;
		rc = pgw_binary_to_text(v->oid, raw, n, &b, err, sizeof(err));
		if (rc != 0 || strcmp((char *)b.p, v->out) != 0 ||
		    strlen((char *)b.p) != b.len) {
			fprintf(stderr, "\n  b2t oid %u %s: got %s\n", v->oid,
				v->hex, rc ? err : (char *)b.p);
			failures++;
		}
		/* PG's output text -> PG's binary */
		b.len = 0;
		rc = pgw_text_to_binary(v->oid, v->out, strlen(v->out), &b, err,
					sizeof(err));
		tohex(b.p, rc ? 0 : b.len, hex);
		if (rc != 0 || strcmp(hex, v->hex) != 0) {
			fprintf(stderr, "\n  t2b oid %u '%s': got %s\n", v->oid,
				v->out, rc ? err : hex);
			failures++;
		}
		/* and the original input, except jsonb, whose text PG
		 * normalises (key order) before sending */
		if (v->oid == 3802)
			continue;
		b.len = 0;
		rc = pgw_text_to_binary(v->oid, v->in, strlen(v->in), &b, err,
					sizeof(err));
		tohex(b.p, rc ? 0 : b.len, hex);
		if (rc != 0 || strcmp(hex, v->hex) != 0) {
			fprintf(stderr, "\n  in oid %u '%s': got %s\n", v->oid,
				v->in, rc ? err : hex);
			failures++;
		}
	}
	CU_ASSERT_EQUAL(failures, 0);
	pgw_buf_free(&b);
}

/*
 * Binary values a client may send that PG's text never produces; the
 * expected text is what PG 15 stored from COPY ... (FORMAT binary) with
 * the same bytes (numeric_recv truncates to dscale and makes -0 +0).
 */
static void test_pg15_recv_only(void)
{
	static const struct vec recv[] = {
		{1700, NULL, "000200000000000000000005", "0"},
		{1700, NULL, "0001ffff40000002000a", "0.00"},
		{1700, NULL, "000200000000000200010929", "1.23"},
		{1700, NULL, "000200000000000600011388", "1.500000"},
		{1700, NULL, "0003000240000000000c00000007", "-1200000007"},
		{1700, NULL, "0001fffd00000008270f", "0.00000000"},
		{1700, NULL, "0000000500000000", "0"},
		{1186, NULL, "ffffffff2217873f0000000500000000",
		 "5 days -01:02:03.000001"},
		{1186, NULL, "80000000000000008000000080000000",
		 "-178956970 years -8 mons -2147483648 days "
		 "-2562047788:00:54.775808"},
		{1186, NULL, "7fffffffffffffff7fffffff7fffffff",
		 "178956970 years 7 mons 2147483647 days "
		 "2562047788:00:54.775807"},
		{1186, NULL, "0000000000000001000000000000000d",
		 "1 year 1 mon 00:00:00.000001"},
		{1114, NULL, "fd0f7cc1411fa000", "4714-11-24 00:00:00 BC"},
		{1184, NULL, "ffffffffffffffff",
		 "1999-12-31 23:59:59.999999+00"},
		{16, NULL, "07", "t"},
	};
	struct pgw_buf b = {0};
	char err[256];
	uint8_t raw[64];

	for (size_t i = 0; i < sizeof(recv) / sizeof(recv[0]); i++) {
		size_t n = unhex(recv[i].hex, raw);

		b.len = 0;
		CU_ASSERT_EQUAL(pgw_binary_to_text(recv[i].oid, raw, n, &b, err,
						   sizeof(err)),
				0);
		CU_ASSERT_STRING_EQUAL((char *)b.p, recv[i].out);
		/* Canonical ones (all but numeric and bool) read back. */
		if (recv[i].oid == 1700 || recv[i].oid == 16)
			continue;
		b.len = 0;
		CU_ASSERT_EQUAL(pgw_text_to_binary(recv[i].oid, recv[i].out,
						   strlen(recv[i].out), &b, err,
						   sizeof(err)),
				0);
		CU_ASSERT(b.len == n && memcmp(b.p, raw, n) == 0);
	}
	pgw_buf_free(&b);
}

static void expect_b2t_err(uint32_t oid, const char *hex, int rc,
			   const char *msg)
{
	struct pgw_buf b = {0};
	char err[256] = "";
	uint8_t raw[64];
	size_t n = unhex(hex, raw);

	CU_ASSERT_EQUAL(pgw_binary_to_text(oid, raw, n, &b, err, sizeof(err)),
			rc);
	CU_ASSERT_STRING_EQUAL(err, msg);
	CU_ASSERT_EQUAL(b.len, 0);
	pgw_buf_free(&b);
}

static void expect_t2b_err(uint32_t oid, const char *text, const char *msg)
{
	struct pgw_buf b = {0};
	char err[256] = "";

	CU_ASSERT_EQUAL(pgw_text_to_binary(oid, text, strlen(text), &b, err,
					   sizeof(err)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(err, msg);
	CU_ASSERT_EQUAL(b.len, 0);
	pgw_buf_free(&b);
}

/* Messages as PG 15 words them (checked with psql against PG 15). */
static void test_errors(void)
{
	expect_b2t_err(1700, "00000000a0000000", -EINVAL,
		       "invalid sign in external \"numeric\" value");
	expect_b2t_err(1700, "000000000000c000", -EINVAL,
		       "invalid scale in external \"numeric\" value");
	expect_b2t_err(1700, "00010000000000002710", -EINVAL,
		       "invalid digit in external \"numeric\" value");
	expect_b2t_err(1700, "0002000000000000", -EINVAL,
		       "insufficient data left in message");
	expect_b2t_err(1114, "fd0f7cc1411f9fff", -EINVAL,
		       "timestamp out of range");
	expect_b2t_err(1114, "7fffff5bb3b2a000", -EINVAL,
		       "timestamp out of range");
	expect_b2t_err(1082, "7fda970d", -EINVAL, "date out of range");
	expect_b2t_err(1082, "ffda97a6", -EINVAL, "date out of range");
	expect_b2t_err(23, "000001", -EINVAL,
		       "insufficient data left in message");
	expect_b2t_err(23, "0000000100", -EINVAL,
		       "incorrect binary data format");
	expect_b2t_err(16, "", -EINVAL, "insufficient data left in message");
	expect_b2t_err(3802, "02", -EINVAL,
		       "unsupported jsonb version number 2");
	expect_b2t_err(25, "61ff62", -EINVAL,
		       "invalid byte sequence for encoding \"UTF8\": 0xff");
	expect_b2t_err(25, "6100", -EINVAL,
		       "invalid byte sequence for encoding \"UTF8\": 0x00");
	expect_b2t_err(25, "c328", -EINVAL,
		       "invalid byte sequence for encoding \"UTF8\": 0xc3 "
		       "0x28");
	expect_b2t_err(25, "e282", -EINVAL,
		       "invalid byte sequence for encoding \"UTF8\": 0xe2 "
		       "0x82");
	expect_b2t_err(600, "00", -ENOTSUP,
		       "no binary output function available for type 600");

	expect_t2b_err(23, "abc",
		       "invalid input syntax for type integer: "
		       "\"abc\"");
	expect_t2b_err(21, "99999",
		       "value \"99999\" is out of range for type smallint");
	expect_t2b_err(20, "9223372036854775808",
		       "value \"9223372036854775808\" is out of range for type "
		       "bigint");
	expect_t2b_err(23, "", "invalid input syntax for type integer: \"\"");
	expect_t2b_err(701, "1e400",
		       "\"1e400\" is out of range for type double precision");
	expect_t2b_err(700, "1e40", "\"1e40\" is out of range for type real");
	expect_t2b_err(700, "1e-50", "\"1e-50\" is out of range for type real");
	expect_t2b_err(701, "1.5x",
		       "invalid input syntax for type double "
		       "precision: \"1.5x\"");
	expect_t2b_err(1700, "x",
		       "invalid input syntax for type numeric: "
		       "\"x\"");
	expect_t2b_err(1700, "1e",
		       "invalid input syntax for type numeric: "
		       "\"1e\"");
	expect_t2b_err(16, "maybe",
		       "invalid input syntax for type boolean: \"maybe\"");
	expect_t2b_err(17, "\\x0 1", "invalid hexadecimal digit: \" \"");
	expect_t2b_err(17, "\\x0g", "invalid hexadecimal digit: \"g\"");
	expect_t2b_err(17, "\\x123",
		       "invalid hexadecimal data: odd number of digits");
	expect_t2b_err(17, "a\\9", "invalid input syntax for type bytea");
	expect_t2b_err(1082, "2020-13-01",
		       "date/time field value out of range: \"2020-13-01\"");
	expect_t2b_err(1082, "2021-02-29",
		       "date/time field value out of range: \"2021-02-29\"");
	expect_t2b_err(1082, "xx",
		       "invalid input syntax for type date: "
		       "\"xx\"");
	expect_t2b_err(1082, "4714-11-23 BC",
		       "date out of range: \"4714-11-23 BC\"");
	expect_t2b_err(1114, "2020-01-01 25:00",
		       "date/time field value out of range: \"2020-01-01 "
		       "25:00\"");
	expect_t2b_err(1184, "2020-01-01 10:00+16",
		       "time zone displacement out of range: \"2020-01-01 "
		       "10:00+16\"");
	expect_t2b_err(1186, "1 parsec",
		       "invalid input syntax for type interval: \"1 parsec\"");
}

static void test_vector(void)
{
	struct pgw_buf b = {0};
	char err[256] = "";
	/* pgvector's vector_send layout: int16 dim, int16 0, float4 BE. */
	static const uint8_t want[] = {0,    3, 0, 0, 0x3f, 0x80, 0, 0,
				       0xc0, 0, 0, 0, 0x3e, 0x80, 0, 0};

	CU_ASSERT(pgw_binary_supported(PGW_OID_VECTOR));
	CU_ASSERT_EQUAL(pgw_text_to_binary(PGW_OID_VECTOR, "[1, -2,0.25]", 12,
					   &b, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(b.len, sizeof(want));
	CU_ASSERT_EQUAL(memcmp(b.p, want, sizeof(want)), 0);
	b.len = 0;
	CU_ASSERT_EQUAL(pgw_binary_to_text(PGW_OID_VECTOR, want, sizeof(want),
					   &b, err, sizeof(err)),
			0);
	CU_ASSERT_STRING_EQUAL((char *)b.p, "[1,-2,0.25]");
	/* Elements print as float4 shortest text, as pgvector does. */
	b.len = 0;
	CU_ASSERT_EQUAL(pgw_text_to_binary(PGW_OID_VECTOR, "[0.1,1e6]", 9, &b,
					   err, sizeof(err)),
			0);
	{
		struct pgw_buf t = {0};

		CU_ASSERT_EQUAL(pgw_binary_to_text(PGW_OID_VECTOR, b.p, b.len,
						   &t, err, sizeof(err)),
				0);
		CU_ASSERT_STRING_EQUAL((char *)t.p, "[0.1,1e+06]");
		pgw_buf_free(&t);
	}
	pgw_buf_free(&b);
	expect_t2b_err(PGW_OID_VECTOR, "[]",
		       "vector must have at least 1 dimension");
	expect_t2b_err(PGW_OID_VECTOR, "[1,]",
		       "invalid input syntax for type vector: \"[1,]\"");
	expect_t2b_err(PGW_OID_VECTOR, "1,2",
		       "invalid input syntax for type vector: \"1,2\"");
	expect_t2b_err(PGW_OID_VECTOR, "[NaN]", "NaN not allowed in vector");
	expect_t2b_err(PGW_OID_VECTOR, "[1e39]",
		       "\"1e39\" is out of range for type vector");
	expect_t2b_err(PGW_OID_VECTOR, "[1,-inf]",
		       "infinite value not allowed in vector");
	expect_b2t_err(PGW_OID_VECTOR, "00000000", -EINVAL,
		       "vector must have at least 1 dimension");
	expect_b2t_err(PGW_OID_VECTOR, "0001000100000000", -EINVAL,
		       "expected unused to be 0, not 1");
	expect_b2t_err(PGW_OID_VECTOR, "000100007fc00000", -EINVAL,
		       "NaN not allowed in vector");
	expect_b2t_err(PGW_OID_VECTOR, "0002000000000000", -EINVAL,
		       "insufficient data left in message");
	expect_b2t_err(PGW_OID_VECTOR, "3e81000000000000", -EINVAL,
		       "vector cannot have more than 16000 dimensions");
}

/* Every finite float4/float8 bit pattern sampled reads back exactly. */
static void test_float_round_trip(void)
{
	struct pgw_buf t = {0}, b = {0};
	char err[256];
	uint64_t x = 0x9e3779b97f4a7c15u;
	int bad = 0;

	for (int i = 0; i < 20000 && !bad; i++) {
		uint8_t raw[8];
		bool single = i & 1;
		size_t n = single ? 4 : 8;
		uint32_t oid = single ? 700 : 701;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		for (size_t k = 0; k < n; k++)
			raw[k] = (uint8_t)(x >> (8 * k));
		t.len = 0;
		b.len = 0;
		if (pgw_binary_to_text(oid, raw, n, &t, err, sizeof(err)) ||
		    pgw_text_to_binary(oid, (char *)t.p, t.len, &b, err,
				       sizeof(err))) {
			bad = 1;
			break;
		}
		/* NaN payloads collapse to PG's one NaN text. */
		if (strcmp((char *)t.p, "NaN") == 0)
			continue;
		if (b.len != n || memcmp(b.p, raw, n) != 0)
			bad = 1;
	}
	CU_ASSERT_FALSE(bad);
	pgw_buf_free(&t);
	pgw_buf_free(&b);
}

/* Wide numerics: the base-10000 grouping survives a round trip. */
static void test_numeric_round_trip(void)
{
	static const char *vals[] = {
		"123456789012345678901234567890.123456789012345678901",
		"-0.000000000000000000000000000001",
		"1000000000000000000000000000000000000000",
		"0.10000",
		"-9999.9999",
		"3.14159265358979323846264338327950288419716939937510"};
	struct pgw_buf b = {0}, t = {0};
	char err[256];

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		b.len = 0;
		t.len = 0;
		CU_ASSERT_EQUAL(pgw_text_to_binary(1700, vals[i],
						   strlen(vals[i]), &b, err,
						   sizeof(err)),
				0);
		CU_ASSERT_EQUAL(pgw_binary_to_text(1700, b.p, b.len, &t, err,
						   sizeof(err)),
				0);
		CU_ASSERT_STRING_EQUAL((char *)t.p, vals[i]);
	}
	pgw_buf_free(&b);
	pgw_buf_free(&t);
}

static void test_supported(void)
{
	static const uint32_t yes[] = {16,   17,   20,	 21,   23,   25,
				       26,   114,  700,	 701,  1042, 1043,
				       1082, 1114, 1184, 1186, 1700, 3802};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		CU_ASSERT(pgw_binary_supported(yes[i]));
	CU_ASSERT_FALSE(pgw_binary_supported(0));
	CU_ASSERT_FALSE(pgw_binary_supported(1083)); /* time */
	CU_ASSERT_FALSE(pgw_binary_supported(2950)); /* uuid */
}

static const struct alx_test_case cases[] = {
	{"pg15_vectors", test_pg15_vectors},
	{"pg15_recv_only", test_pg15_recv_only},
	{"errors", test_errors},
	{"vector", test_vector},
	{"float_round_trip", test_float_round_trip},
	{"numeric_round_trip", test_numeric_round_trip},
	{"supported", test_supported},
	{NULL, NULL}};

const struct alx_test_suite suite_pgw_binary = {"pgwire/binary", NULL, NULL,
						cases};
