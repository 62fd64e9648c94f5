/*
 * NUMERIC at large precision: algebraic identities on random values of up
 * to a few thousand digits (exact + - * and truncated division must agree
 * with each other), text round trips, PostgreSQL's storage limits, and
 * malformed packed values.
 */
#include <stdio.h>
#include <string.h>

#include "sql/sql_numeric.h"
#include "sql_value_tests.h"

/* A random decimal string: up to `before` integer and `after` fraction
 * digits, random sign. */
static char *random_decimal(uint64_t *seed, int before, int after)
{
	int nb = (int)(tv_rand(seed) % (uint64_t)(before + 1));
	int na = (int)(tv_rand(seed) % (uint64_t)(after + 1));
	char *s = alx_arena_alloc(tv_arena, (size_t)nb + (size_t)na + 4);
	size_t k = 0;
	if (tv_rand(seed) & 1)
		s[k++] = '-';
	if (nb == 0)
		s[k++] = '0';
	for (int i = 0; i < nb; i++)
		s[k++] = (char)('0' + tv_rand(seed) % 10);
	if (na > 0) {
		s[k++] = '.';
		for (int i = 0; i < na; i++)
			s[k++] = (char)('0' + tv_rand(seed) % 10);
	}
	s[k] = '\0';
	return s;
}

static struct alx_value num(const char *s)
{
	return tv_in(ALX_T_NUMERIC, -1, s);
}

static struct alx_value op(int o, const struct alx_value *x,
			   const struct alx_value *y)
{
	struct alx_value r = alx_value_null(ALX_T_NUMERIC);
	alopex_diag d;
	int rc = alx_value_binop(tv_arena, o, x, y, &r, &d);
	if (rc != 0)
		fprintf(stderr, "\nop %d failed: %s\n", o, d.message);
	CU_ASSERT_EQUAL(rc, 0);
	return r;
}

/* Text round trip: output of input is the input without redundant
 * zeros in front, and the display scale is kept. */
static void test_round_trip_large(void)
{
	uint64_t seed = 42;
	for (int i = 0; i < 300; i++) {
		char *s = random_decimal(&seed, 1200, 1200);
		struct alx_value v = num(s);
		const char *out = tv_out(&v);
		/* Canonical form: strip leading zeros of the integer part. */
		const char *p = s;
		char *want = alx_arena_alloc(tv_arena, strlen(s) + 2);
		size_t k = 0;
		if (*p == '-')
			want[k++] = *p++;
		while (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
			p++;
		strcpy(want + k, p);
		/* -0.000 prints without its sign */
		bool zero = true;
		for (const char *q = want; *q; q++)
			if (*q >= '1' && *q <= '9')
				zero = false;
		if (zero && want[0] == '-')
			memmove(want, want + 1, strlen(want));
		if (strcmp(out, want) != 0)
			fprintf(stderr, "\nround trip of %.40s...\n", s);
		CU_ASSERT_STRING_EQUAL(out, want);
	}
}

/* (a + b) - b == a, a * b / b == a, a = trunc(a / b) * b + a % b. */
static void test_identities(void)
{
	uint64_t seed = 7;
	for (int i = 0; i < 200; i++) {
		struct alx_value a = num(random_decimal(&seed, 1000, 1000));
		struct alx_value b = num(random_decimal(&seed, 1000, 1000));
		struct alx_value sum = op(ALX_OP_ADD, &a, &b);
		struct alx_value back = op(ALX_OP_SUB, &sum, &b);
		CU_ASSERT_EQUAL(alx_value_cmp(&back, &a), 0);
		struct alx_value diff = op(ALX_OP_SUB, &a, &b);
		struct alx_value neg = op(ALX_OP_SUB, &b, &a);
		struct alx_value zero = op(ALX_OP_ADD, &diff, &neg);
		CU_ASSERT_EQUAL(alx_numeric_kind((struct alx_num_ref){
					zero.u.s.ptr, zero.u.s.len}),
				ALX_NUM_POS);
		CU_ASSERT_EQUAL(zero.u.s.len, 5);
		if (alx_value_cmp(&b, &zero) == 0)
			continue;
		/* Products are exact and the quotient's scale covers the
		 * product's: (a * b) / b gives a back exactly. */
		struct alx_value prod = op(ALX_OP_MUL, &a, &b);
		struct alx_value q = op(ALX_OP_DIV, &prod, &b);
		CU_ASSERT_EQUAL(alx_value_cmp(&q, &a), 0);
		/* a - a % b is a multiple of b: its remainder is zero; and
		 * |a % b| < |b|. */
		struct alx_value mod = op(ALX_OP_MOD, &a, &b);
		struct alx_value m = op(ALX_OP_SUB, &a, &mod);
		struct alx_value m2 = op(ALX_OP_MOD, &m, &b);
		CU_ASSERT_EQUAL(alx_value_cmp(&m2, &zero), 0);
		struct alx_value amod = mod, ab = b;
		alopex_diag d;
		if (alx_value_cmp(&mod, &zero) < 0)
			CU_ASSERT_EQUAL(
				alx_value_neg(tv_arena, &mod, &amod, &d), 0);
		if (alx_value_cmp(&b, &zero) < 0)
			CU_ASSERT_EQUAL(alx_value_neg(tv_arena, &b, &ab, &d),
					0);
		CU_ASSERT(alx_value_cmp(&amod, &ab) < 0);
	}
}

/* Known values at 1,000+ digits: 10^1000 - 1 digit patterns, 1/3 at the
 * 1000-digit display limit. */
static void test_large_known(void)
{
	char *nines = alx_arena_alloc(tv_arena, 1003);
	memset(nines, '9', 1000);
	nines[1000] = '\0';
	struct alx_value a = num(nines), one = num("1");
	struct alx_value s = op(ALX_OP_ADD, &a, &one);
	const char *out = tv_out(&s);
	CU_ASSERT_EQUAL(strlen(out), 1001);
	CU_ASSERT(out[0] == '1' && strspn(out + 1, "0") == 1000);
	/* 1 / 3 with a dividend of scale 1000 keeps 1000 digits. */
	char *third = alx_arena_alloc(tv_arena, 1010);
	strcpy(third, "1.");
	memset(third + 2, '0', 1000);
	third[1002] = '\0';
	struct alx_value t = num(third), three = num("3");
	struct alx_value q = op(ALX_OP_DIV, &t, &three);
	out = tv_out(&q);
	CU_ASSERT_EQUAL(strlen(out), 1002);
	CU_ASSERT(strncmp(out, "0.333", 5) == 0 && out[1001] == '3');
	/* 2^3000 exactly: 904 digits, checked by halving back. */
	struct alx_value two = num("2"), p = num("1");
	for (int i = 0; i < 3000; i++)
		p = op(ALX_OP_MUL, &p, &two);
	CU_ASSERT_EQUAL(strlen(tv_out(&p)), 904);
	for (int i = 0; i < 3000; i++) {
		struct alx_value r = op(ALX_OP_MOD, &p, &two);
		CU_ASSERT_STRING_EQUAL(tv_out(&r), "0");
		struct alx_value h = op(ALX_OP_DIV, &p, &two);
		/* Division gives a display scale; trim it with the cast to
		 * numeric(1000,0). */
		alopex_diag d;
		CU_ASSERT_EQUAL_FATAL(
			alx_value_cast(tv_arena, &h,
				       tv_type(ALX_T_NUMERIC, 1000, 0), false,
				       NULL, &p, &d),
			0);
	}
	CU_ASSERT_STRING_EQUAL(tv_out(&p), "1");
}

/* PostgreSQL's limits: 131072 digits before the point, 16383 after. */
static void test_limits(void)
{
	alopex_diag d;
	struct alx_value v;
	size_t n = 131072;
	char *big = alx_arena_alloc(tv_arena, n + 2);
	memset(big, '7', n);
	big[n] = '\0';
	CU_ASSERT_EQUAL(alx_value_in(tv_arena, tv_type(ALX_T_NUMERIC, -1, 0),
				     big, n, NULL, &v, &d),
			0);
	CU_ASSERT_EQUAL(strlen(tv_out(&v)), n);
	big[n] = '7';
	big[n + 1] = '\0';
	CU_ASSERT_EQUAL(alx_value_in(tv_arena, tv_type(ALX_T_NUMERIC, -1, 0),
				     big, n + 1, NULL, &v, &d),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "22003");
	CU_ASSERT_STRING_EQUAL(d.message, "value overflows numeric format");
	/* The largest value times ten overflows in arithmetic too. */
	big[n] = '\0';
	struct alx_value m = num(big), ten = num("10");
	CU_ASSERT_EQUAL(alx_value_binop(tv_arena, ALX_OP_MUL, &m, &ten, &v, &d),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(d.message, "value overflows numeric format");
	/* Products past 16383 fractional digits are rounded to it. */
	struct alx_value s = num("1e-10000");
	struct alx_value p = op(ALX_OP_MUL, &s, &s);
	const char *out = tv_out(&p);
	CU_ASSERT_EQUAL(strlen(out), 16385);
}

/* Malformed packed values are refused, never read past their end. */
static void test_packed_validation(void)
{
	static const struct {
		const char *bytes;
		size_t len;
		bool valid;
	} cases[] = {
		{"\x00\x00\x00\x00\x00", 5, true},	    /* 0 */
		{"\x02", 1, true},			    /* NaN */
		{"\x02\x00", 2, false},			    /* NaN with data */
		{"\x05", 1, false},			    /* bad kind */
		{"\x00\x00\x00\x00", 4, false},		    /* short header */
		{"\x00\x00\x00\x00\x00\x01", 6, false},	    /* odd digits */
		{"\x01\x00\x00\x00\x00", 5, false},	    /* negative zero */
		{"\x00\x00\x00\x01\x00", 5, false},	    /* zero, weight 1 */
		{"\x00\x00\x00\x00\x00\x10\x27", 7, false}, /* digit 10000 */
		{"\x00\x00\x00\x00\x00\x00\x00", 7, false}, /* leading zero */
		{"\x00\x00\x00\x00\x00\x01\x00", 7, true},  /* 1 */
		{"\x00\x00\x00\xff\xff\x01\x00", 7,
		 false},				   /* 0.0001, scale 0 */
		{"\x00\x04\x00\xff\xff\x01\x00", 7, true}, /* 0.0001 */
		{"\x00\xff\x7f\x00\x00\x01\x00", 7, false}, /* scale 32767 */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_EQUAL(
			alx_numeric_valid((const uint8_t *)cases[i].bytes,
					  cases[i].len),
			cases[i].valid);
}

/* Integer conversions at the int64 edges (PostgreSQL rounds). */
static void test_int_conversions(void)
{
	static const struct {
		const char *in;
		int64_t want;
		bool ok;
	} cases[] = {
		{"9223372036854775807", INT64_MAX, true},
		{"9223372036854775807.4999", INT64_MAX, true},
		{"9223372036854775807.5", 0, false},
		{"-9223372036854775808", INT64_MIN, true},
		{"-9223372036854775808.5", 0, false},
		{"0.5", 1, true},
		{"-0.5", -1, true},
		{"0.4999999999999999999999", 0, true},
		{"100000000000000000000", 0, false},
		{"10000", 10000, true},
		{"123456789012.5", 123456789013, true},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct alx_value v = num(cases[i].in);
		struct alx_num_ref r = {v.u.s.ptr, v.u.s.len};
		int64_t out = 0;
		alopex_diag d;
		int rc = alx_numeric_to_int(r, INT64_MIN, INT64_MAX, "bigint",
					    &out, &d);
		CU_ASSERT_EQUAL(rc == 0, cases[i].ok);
		if (rc == 0) {
			CU_ASSERT_EQUAL(out, cases[i].want);
		} else {
			CU_ASSERT_STRING_EQUAL(d.message,
					       "bigint out of range");
		}
	}
	/* from_int and from_int_buf agree with text input */
	int64_t vals[] = {0,	     1,		-1,	   9999,
			  10000,     -10000,	123456789, INT64_MAX,
			  INT64_MIN, 100000000, -20000};
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		struct alx_num_ref a, b;
		uint8_t buf[ALX_NUMERIC_INT_BUFSZ];
		CU_ASSERT_EQUAL(alx_numeric_from_int(tv_arena, vals[i], &a), 0);
		alx_numeric_from_int_buf(vals[i], buf, &b);
		CU_ASSERT(alx_numeric_valid(a.ptr, a.len));
		CU_ASSERT(alx_numeric_valid(b.ptr, b.len));
		CU_ASSERT_EQUAL(a.len, b.len);
		CU_ASSERT(memcmp(a.ptr, b.ptr, a.len) == 0);
		char txt[32];
		snprintf(txt, sizeof(txt), "%lld", (long long)vals[i]);
		struct alx_value v = num(txt);
		CU_ASSERT_EQUAL(v.u.s.len, a.len);
		CU_ASSERT(memcmp(v.u.s.ptr, a.ptr, a.len) == 0);
	}
}

static const struct alx_test_case numeric_cases[] = {
	{"round_trip_large", test_round_trip_large},
	{"identities", test_identities},
	{"large_known", test_large_known},
	{"limits", test_limits},
	{"packed_validation", test_packed_validation},
	{"int_conversions", test_int_conversions},
	{NULL, NULL},
};

const struct alx_test_suite suite_numeric = {"sql_value/numeric", tv_setup,
					     tv_teardown, numeric_cases};
