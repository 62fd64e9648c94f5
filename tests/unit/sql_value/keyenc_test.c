/*
 * Key and row encodings, by property: for thousands of random value pairs
 * of every key type (edge values included) the memcmp order of the
 * encodings is the SQL order of the values, in every ASC/DESC and NULLS
 * FIRST/LAST combination and column by column in multi-column keys;
 * decoding gives the value back; malformed bytes are refused.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sql/sql_numeric.h"
#include "sql_value_tests.h"

#define NVALUES 160

static int sign(int x)
{
	return x < 0 ? -1 : x > 0;
}

static int memcmp_keys(const struct alx_buf *a, const struct alx_buf *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = n > 0 ? memcmp(a->ptr, b->ptr, n) : 0;
	if (c != 0)
		return sign(c);
	return a->len < b->len ? -1 : a->len > b->len;
}

/* SQL order with NULL placement: what the key must reproduce. */
static int sql_order(const struct alx_value *a, const struct alx_value *b,
		     unsigned flags)
{
	bool desc = flags & ALX_KEY_DESC;
	bool nulls_first = desc != ((flags & ALX_KEY_NULLS_FIRST) != 0);
	if (a->null || b->null) {
		if (a->null && b->null)
			return 0;
		return a->null == nulls_first ? -1 : 1;
	}
	int c = sign(alx_value_cmp(a, b));
	return desc ? -c : c;
}

static char *random_digits(uint64_t *seed, int max)
{
	int nb = (int)(tv_rand(seed) % (uint64_t)max);
	int na = (int)(tv_rand(seed) % (uint64_t)max);
	char *s = alx_arena_alloc(tv_arena, (size_t)(nb + na) + 8);
	size_t k = 0;
	if (tv_rand(seed) & 1)
		s[k++] = '-';
	s[k++] = (char)('0' + tv_rand(seed) % 10);
	for (int i = 0; i < nb; i++)
		s[k++] = (char)('0' + tv_rand(seed) % 10);
	s[k++] = '.';
	s[k++] = '0';
	for (int i = 0; i < na; i++)
		s[k++] = (char)(tv_rand(seed) % 3 ? '0' + tv_rand(seed) % 10
						  : '0');
	s[k] = '\0';
	return s;
}

/* A random value of type t; edge values are favoured. */
static struct alx_value random_value(int t, uint64_t *seed)
{
	uint64_t r = tv_rand(seed);
	switch (t) {
	case ALX_T_BOOL:
		return alx_value_bool(r & 1);
	case ALX_T_INT2:
	case ALX_T_INT4:
	case ALX_T_INT8: {
		int64_t min, max, v;
		if (t == ALX_T_INT2) {
			min = INT16_MIN;
			max = INT16_MAX;
		} else if (t == ALX_T_INT4) {
			min = INT32_MIN;
			max = INT32_MAX;
		} else {
			min = INT64_MIN;
			max = INT64_MAX;
		}
		static const int64_t edges[] = {0,    1,    -1,	  255,	 256,
						-255, -256, -257, 65535, 65536};
		switch (r % 5) {
		case 0:
			v = edges[tv_rand(seed) % 10];
			break;
		case 1:
			v = tv_rand(seed) & 1 ? min : max;
			break;
		default: {
			int bits = (int)(tv_rand(seed) % 64);
			v = (int64_t)(tv_rand(seed) >> (63 - bits));
			if (tv_rand(seed) & 1)
				v = -v;
		}
		}
		if (v < min)
			v = min;
		if (v > max)
			v = max;
		return alx_value_int(t, v);
	}
	case ALX_T_FLOAT4:
	case ALX_T_FLOAT8: {
		static const double edges[] = {
			0.0, -0.0,   1.0,     -1.0,   INFINITY, -INFINITY,
			NAN, 5e-324, -5e-324, 1e-310, 1.5,	DBL_MAX};
		double d;
		if (r % 3 == 0) {
			d = edges[tv_rand(seed) % 12];
		} else {
			uint64_t bits = tv_rand(seed);
			memcpy(&d, &bits, 8);
			if (tv_rand(seed) & 1)
				d = (double)(int)(tv_rand(seed) % 200) - 100;
		}
		if (t == ALX_T_FLOAT4)
			d = (double)(float)d;
		return alx_value_float(t, d);
	}
	case ALX_T_NUMERIC: {
		static const char *edges[] = {
			"NaN",	  "Infinity", "-Infinity", "0",
			"0.000",  "-0",	      "1",	   "-1",
			"0.0001", "10000",    "9999.9999", "-10000.0001",
			"1e100",  "-1e-100"};
		const char *s = r % 3 == 0 ? edges[tv_rand(seed) % 14]
					   : random_digits(seed, 30);
		return tv_in(ALX_T_NUMERIC, -1, s);
	}
	case ALX_T_TEXT:
	case ALX_T_BYTEA:
	case ALX_T_BPCHAR: {
		/* Short strings over a small alphabet with NUL and 0xff, so
		 * prefixes and equal values are common. */
		static const uint8_t alpha[] = {0x00, 0x01, 'a',  'b',
						' ',  0xff, 0xfe, 0x7f};
		size_t n = (size_t)(tv_rand(seed) % 6);
		uint8_t *p = alx_arena_alloc(tv_arena, n + 1);
		for (size_t i = 0; i < n; i++)
			p[i] = alpha[tv_rand(seed) % 8];
		return alx_value_bytes(t, p, n);
	}
	case ALX_T_DATE: {
		struct alx_value v = {.type = ALX_T_DATE};
		v.u.date =
			r % 7 == 0
				? (tv_rand(seed) & 1 ? INT32_MIN : INT32_MAX)
				: (int32_t)(tv_rand(seed) % 2000000) - 1000000;
		return v;
	}
	case ALX_T_TIMESTAMP: {
		struct alx_value v = {.type = ALX_T_TIMESTAMP};
		/* PostgreSQL's range: 4714-11-24 BC to 294276 AD. */
		int64_t span = INT64_C(9223371331200000000) / 2;
		v.u.ts = r % 7 == 0
				 ? (tv_rand(seed) & 1 ? INT64_MIN : INT64_MAX)
				 : (int64_t)(tv_rand(seed) % (uint64_t)span) -
					   INT64_C(211813488000000000);
		return v;
	}
	case ALX_T_VECTOR: {
		uint32_t n = (uint32_t)(tv_rand(seed) % 4);
		float *f = alx_arena_alloc(tv_arena, n * sizeof(float) + 1);
		for (uint32_t i = 0; i < n; i++) {
			int k = (int)(tv_rand(seed) % 5);
			f[i] = k == 0 ? 0.0f
			       : k == 1
				       ? -0.0f
				       : (float)((int)(tv_rand(seed) % 7) - 3) /
						 2.0f;
		}
		struct alx_value v = {.type = ALX_T_VECTOR};
		v.u.vec.ptr = f;
		v.u.vec.dim = n;
		return v;
	}
	default:
		return alx_value_null(t);
	}
}

static struct alx_buf encode(const struct alx_value *v, unsigned flags)
{
	struct alx_buf b;
	alx_buf_init(&b, tv_arena);
	alopex_diag d;
	CU_ASSERT_EQUAL(alx_key_encode(&b, v, flags, &d), 0);
	return b;
}

static bool same_value(const struct alx_value *a, const struct alx_value *b)
{
	if (a->null || b->null)
		return a->null && b->null;
	if (a->type != b->type)
		return false;
	if (alx_value_cmp(a, b) != 0)
		return false;
	if (a->type == ALX_T_BYTEA || a->type == ALX_T_TEXT)
		return a->u.s.len == b->u.s.len;
	return true;
}

static void check_type(int t, unsigned flags, uint64_t *seed)
{
	struct alx_value vals[NVALUES];
	struct alx_buf keys[NVALUES];
	for (int i = 0; i < NVALUES; i++) {
		vals[i] =
			i % 17 == 0 ? alx_value_null(t) : random_value(t, seed);
		keys[i] = encode(&vals[i], flags);
	}
	int failures = 0;
	for (int i = 0; i < NVALUES; i++) {
		for (int j = 0; j < NVALUES; j++) {
			int want = sql_order(&vals[i], &vals[j], flags);
			int got = memcmp_keys(&keys[i], &keys[j]);
			if (want != got && failures++ < 5)
				fprintf(stderr,
					"\ntype %d flags %u: order %d, key %d "
					"(%s vs %s)\n",
					t, flags, want, got,
					vals[i].null ? "NULL"
						     : tv_out(&vals[i]),
					vals[j].null ? "NULL"
						     : tv_out(&vals[j]));
		}
		/* decode(encode(x)) == x, consuming exactly the key */
		struct alx_value back;
		size_t pos = 0;
		alopex_diag d;
		int rc =
			alx_key_decode(tv_arena, keys[i].ptr, keys[i].len, &pos,
				       tv_type(t, -1, 0), flags, &back, &d);
		if (rc != 0 || pos != keys[i].len ||
		    !same_value(&vals[i], &back)) {
			if (failures++ < 5)
				fprintf(stderr, "\ntype %d: decode failed %s\n",
					t, rc ? d.message : "");
		}
		/* Every proper prefix is refused as corrupt. */
		for (size_t cut = 0; cut < keys[i].len; cut++) {
			pos = 0;
			rc = alx_key_decode(tv_arena, keys[i].ptr, cut, &pos,
					    tv_type(t, -1, 0), flags, &back,
					    &d);
			if (rc != ALOPEX_ECORRUPT && failures++ < 5)
				fprintf(stderr,
					"\ntype %d: prefix %zu of %zu gave "
					"%d\n",
					t, cut, keys[i].len, rc);
		}
	}
	CU_ASSERT_EQUAL(failures, 0);
}

static const int key_types[] = {
	ALX_T_BOOL,   ALX_T_INT2,      ALX_T_INT4,   ALX_T_INT8,  ALX_T_FLOAT4,
	ALX_T_FLOAT8, ALX_T_NUMERIC,   ALX_T_TEXT,   ALX_T_BYTEA, ALX_T_BPCHAR,
	ALX_T_DATE,   ALX_T_TIMESTAMP, ALX_T_VECTOR,
};

static void test_key_order(void)
{
	uint64_t seed = 12345;
	for (size_t i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
		for (unsigned flags = 0; flags < 4; flags++)
			check_type(key_types[i], flags, &seed);
}

/* Integers of every width share the encoding. */
static void test_key_int_widths(void)
{
	struct alx_value a = alx_value_int(ALX_T_INT2, -300);
	struct alx_value b = alx_value_int(ALX_T_INT8, -300);
	struct alx_value c = alx_value_int(ALX_T_INT4, 70000);
	struct alx_buf ka = encode(&a, 0), kb = encode(&b, 0),
		       kc = encode(&c, 0);
	CU_ASSERT_EQUAL(memcmp_keys(&ka, &kb), 0);
	CU_ASSERT_EQUAL(memcmp_keys(&ka, &kc), -1);
	/* small values are short: marker, header, one byte */
	struct alx_value s = alx_value_int(ALX_T_INT8, 42);
	CU_ASSERT_EQUAL(encode(&s, 0).len, 3);
	/* An INT8 key out of INT2's range does not decode as INT2. */
	struct alx_value big = alx_value_int(ALX_T_INT8, 40000), back;
	struct alx_buf kbig = encode(&big, 0);
	size_t pos = 0;
	alopex_diag d;
	CU_ASSERT_EQUAL(alx_key_decode(tv_arena, kbig.ptr, kbig.len, &pos,
				       tv_type(ALX_T_INT2, -1, 0), 0, &back,
				       &d),
			ALOPEX_ECORRUPT);
}

/* NUMERIC keys hold the value, not the display scale; CHAR(n) keys drop
 * the padding and decode it back. */
static void test_key_scale_and_padding(void)
{
	struct alx_value a = tv_in(ALX_T_NUMERIC, -1, "1.50");
	struct alx_value b = tv_in(ALX_T_NUMERIC, -1, "1.5");
	struct alx_buf ka = encode(&a, 0), kb = encode(&b, 0);
	CU_ASSERT_EQUAL(memcmp_keys(&ka, &kb), 0);
	struct alx_value back;
	size_t pos = 0;
	alopex_diag d;
	CU_ASSERT_EQUAL(alx_key_decode(tv_arena, ka.ptr, ka.len, &pos,
				       tv_type(ALX_T_NUMERIC, -1, 0), 0, &back,
				       &d),
			0);
	CU_ASSERT_STRING_EQUAL(tv_out(&back), "1.5");
	struct alx_value c = tv_in(ALX_T_BPCHAR, 4, "ab");
	struct alx_value e = tv_in(ALX_T_BPCHAR, 2, "ab");
	struct alx_buf kc = encode(&c, 0), ke = encode(&e, 0);
	CU_ASSERT_EQUAL(memcmp_keys(&kc, &ke), 0);
	pos = 0;
	CU_ASSERT_EQUAL(alx_key_decode(tv_arena, kc.ptr, kc.len, &pos,
				       tv_type(ALX_T_BPCHAR, 4, 0), 0, &back,
				       &d),
			0);
	CU_ASSERT_EQUAL(back.u.s.len, 4);
	CU_ASSERT(memcmp(back.u.s.ptr, "ab  ", 4) == 0);
}

/* Multi-column keys: concatenations compare column by column. */
static void test_key_tuples(void)
{
	uint64_t seed = 99;
	enum { NT = 300, NC = 3 };
	static const int types[NC] = {ALX_T_INT4, ALX_T_TEXT, ALX_T_NUMERIC};
	struct alx_value vals[NT][NC];
	struct alx_buf keys[NT];
	unsigned flags[NC];
	int failures = 0;
	for (int round = 0; round < 8; round++) {
		for (int c = 0; c < NC; c++)
			flags[c] = (unsigned)(tv_rand(&seed) % 4);
		for (int i = 0; i < NT; i++) {
			alx_buf_init(&keys[i], tv_arena);
			for (int c = 0; c < NC; c++) {
				/* few distinct values so ties are common */
				struct alx_value v =
					tv_rand(&seed) % 9 == 0
						? alx_value_null(types[c])
						: random_value(types[c], &seed);
				if (types[c] == ALX_T_INT4 && !v.null)
					v.u.i %= 3;
				vals[i][c] = v;
				alopex_diag d;
				CU_ASSERT_EQUAL(alx_key_encode(&keys[i], &v,
							       flags[c], &d),
						0);
			}
		}
		for (int i = 0; i < NT; i++) {
			for (int j = 0; j < NT; j++) {
				int want = 0;
				for (int c = 0; c < NC && want == 0; c++)
					want = sql_order(&vals[i][c],
							 &vals[j][c], flags[c]);
				if (memcmp_keys(&keys[i], &keys[j]) != want)
					failures++;
			}
			/* Decoding walks the columns in turn. */
			size_t pos = 0;
			for (int c = 0; c < NC; c++) {
				struct alx_value back;
				alopex_diag d;
				int rc = alx_key_decode(
					tv_arena, keys[i].ptr, keys[i].len,
					&pos, tv_type(types[c], -1, 0),
					flags[c], &back, &d);
				if (rc != 0 || !same_value(&vals[i][c], &back))
					failures++;
			}
			if (pos != keys[i].len)
				failures++;
		}
	}
	CU_ASSERT_EQUAL(failures, 0);
}

static void test_key_flags(void)
{
	CU_ASSERT_EQUAL(alx_key_flags(false, -1), 0);
	CU_ASSERT_EQUAL(alx_key_flags(false, 0), 0);
	CU_ASSERT_EQUAL(alx_key_flags(false, 1), ALX_KEY_NULLS_FIRST);
	CU_ASSERT_EQUAL(alx_key_flags(true, -1), ALX_KEY_DESC);
	CU_ASSERT_EQUAL(alx_key_flags(true, 1), ALX_KEY_DESC);
	CU_ASSERT_EQUAL(alx_key_flags(true, 0),
			ALX_KEY_DESC | ALX_KEY_NULLS_FIRST);
	/* DESC NULLS LAST puts NULL after every value */
	struct alx_value n = alx_value_null(ALX_T_INT4);
	struct alx_value v = alx_value_int(ALX_T_INT4, INT32_MIN);
	unsigned f = alx_key_flags(true, 0);
	struct alx_buf kn = encode(&n, f), kv = encode(&v, f);
	CU_ASSERT_EQUAL(memcmp_keys(&kn, &kv), 1);
	f = alx_key_flags(false, 1);
	kn = encode(&n, f);
	kv = encode(&v, f);
	CU_ASSERT_EQUAL(memcmp_keys(&kn, &kv), -1);
}

/* Garbage never crashes the decoder and is refused or consumed within
 * the bounds given. */
static void test_key_garbage(void)
{
	uint64_t seed = 2024;
	for (int i = 0; i < 20000; i++) {
		uint8_t buf[24];
		size_t n = (size_t)(tv_rand(&seed) % sizeof(buf));
		for (size_t k = 0; k < n; k++)
			buf[k] = (uint8_t)tv_rand(&seed);
		if (n > 0 && tv_rand(&seed) % 2)
			buf[0] = 0x01; /* a value marker, to get further */
		int t = key_types[tv_rand(&seed) %
				  (sizeof(key_types) / sizeof(key_types[0]))];
		size_t pos = 0;
		struct alx_value v;
		alopex_diag d;
		int rc = alx_key_decode(tv_arena, buf, n, &pos,
					tv_type(t, -1, 0),
					(unsigned)(tv_rand(&seed) % 4), &v, &d);
		CU_ASSERT(rc == 0 || rc == ALOPEX_ECORRUPT);
		CU_ASSERT(pos <= n);
		if (rc == 0 && !v.null && t == ALX_T_NUMERIC)
			CU_ASSERT(alx_numeric_valid(v.u.s.ptr, v.u.s.len));
	}
}

/* ---- rows ---------------------------------------------------------------- */

static const int row_types[] = {
	ALX_T_BOOL,   ALX_T_INT2,   ALX_T_INT4,	       ALX_T_INT8,
	ALX_T_FLOAT4, ALX_T_FLOAT8, ALX_T_NUMERIC,     ALX_T_TEXT,
	ALX_T_BYTEA,  ALX_T_BPCHAR, ALX_T_DATE,	       ALX_T_TIMESTAMP,
	ALX_T_VECTOR, ALX_T_JSONB,  ALX_T_TIMESTAMPTZ, ALX_T_VARCHAR,
};
#define NROW (sizeof(row_types) / sizeof(row_types[0]))

static bool row_value_equal(const struct alx_value *a,
			    const struct alx_value *b)
{
	if (a->null || b->null)
		return a->null && b->null;
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case ALX_T_FLOAT4:
	case ALX_T_FLOAT8:
		return memcmp(&a->u.f, &b->u.f, 8) == 0 ||
		       (isnan(a->u.f) && isnan(b->u.f));
	case ALX_T_NUMERIC:
	case ALX_T_TEXT:
	case ALX_T_BYTEA:
	case ALX_T_BPCHAR:
	case ALX_T_JSONB:
	case ALX_T_VARCHAR:
		return a->u.s.len == b->u.s.len &&
		       memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0;
	case ALX_T_VECTOR:
		return a->u.vec.dim == b->u.vec.dim &&
		       memcmp(a->u.vec.ptr, b->u.vec.ptr,
			      a->u.vec.dim * sizeof(float)) == 0;
	default:
		return alx_value_cmp(a, b) == 0;
	}
}

static void random_row(struct alx_value *cols, uint64_t *seed)
{
	for (size_t c = 0; c < NROW; c++) {
		int t = row_types[c];
		int gen = t == ALX_T_JSONB	   ? ALX_T_TEXT
			  : t == ALX_T_TIMESTAMPTZ ? ALX_T_TIMESTAMP
			  : t == ALX_T_VARCHAR	   ? ALX_T_TEXT
						   : t;
		cols[c] = tv_rand(seed) % 4 == 0 ? alx_value_null(t)
						 : random_value(gen, seed);
		cols[c].type = (uint8_t)t;
	}
}

static void test_row_round_trip(void)
{
	uint64_t seed = 77;
	struct alx_type types[NROW];
	for (size_t c = 0; c < NROW; c++)
		types[c] = tv_type(row_types[c], -1, 0);
	int failures = 0;
	for (int i = 0; i < 500; i++) {
		struct alx_value cols[NROW], back[NROW];
		random_row(cols, &seed);
		struct alx_buf b;
		alx_buf_init(&b, tv_arena);
		alopex_diag d;
		CU_ASSERT_EQUAL_FATAL(alx_row_encode(&b, cols, NROW, &d), 0);
		CU_ASSERT_EQUAL(b.ptr[0], 1); /* format version */
		/* Decode from an odd address too: vectors are then copied. */
		for (int shift = 0; shift < 2; shift++) {
			uint8_t *copy = alx_arena_alloc(tv_arena, b.len + 1);
			memcpy(copy + shift, b.ptr, b.len);
			int rc = alx_row_decode(tv_arena, copy + shift, b.len,
						types, NROW, back, &d);
			if (rc != 0) {
				failures++;
				continue;
			}
			for (size_t c = 0; c < NROW; c++)
				if (!row_value_equal(&cols[c], &back[c]))
					failures++;
		}
		/* Every proper prefix is refused. */
		for (size_t cut = 0; cut < b.len; cut++) {
			int rc = alx_row_decode(tv_arena, b.ptr, cut, types,
						NROW, back, &d);
			if (rc != ALOPEX_ECORRUPT)
				failures++;
		}
	}
	CU_ASSERT_EQUAL(failures, 0);
}

static void test_row_versions(void)
{
	struct alx_value cols[3] = {alx_value_int(ALX_T_INT4, 7),
				    tv_in(ALX_T_TEXT, -1, "x"),
				    tv_in(ALX_T_NUMERIC, -1, "1.50")};
	struct alx_type types[4] = {
		tv_type(ALX_T_INT4, -1, 0), tv_type(ALX_T_TEXT, -1, 0),
		tv_type(ALX_T_NUMERIC, -1, 0), tv_type(ALX_T_INT8, -1, 0)};
	struct alx_buf b;
	alx_buf_init(&b, tv_arena);
	alopex_diag d;
	CU_ASSERT_EQUAL_FATAL(alx_row_encode(&b, cols, 3, &d), 0);
	/* compact: version, count, bitmap, 4 + (1+1) + (1+9) */
	CU_ASSERT_EQUAL(b.len, 3 + 4 + 2 + 10);
	struct alx_value out[4];
	/* A column added later decodes as NULL. */
	CU_ASSERT_EQUAL(
		alx_row_decode(tv_arena, b.ptr, b.len, types, 4, out, &d), 0);
	CU_ASSERT_EQUAL(out[0].u.i, 7);
	CU_ASSERT_STRING_EQUAL(tv_out(&out[2]), "1.50");
	CU_ASSERT(out[3].null && out[3].type == ALX_T_INT8);
	/* A dropped trailing column is ignored. */
	CU_ASSERT_EQUAL(
		alx_row_decode(tv_arena, b.ptr, b.len, types, 2, out, &d), 0);
	CU_ASSERT_EQUAL(out[1].u.s.len, 1);
	/* Wrong version, trailing bytes, a bad numeric: corrupt. */
	uint8_t *bad = alx_arena_memdup(tv_arena, b.ptr, b.len + 1);
	bad[0] = 2;
	CU_ASSERT_EQUAL(alx_row_decode(tv_arena, bad, b.len, types, 3, out, &d),
			ALOPEX_ECORRUPT);
	bad[0] = 1;
	bad[b.len] = 0;
	CU_ASSERT_EQUAL(
		alx_row_decode(tv_arena, bad, b.len + 1, types, 3, out, &d),
		ALOPEX_ECORRUPT);
	bad[b.len - 9] = 9; /* numeric kind byte */
	CU_ASSERT_EQUAL(alx_row_decode(tv_arena, bad, b.len, types, 3, out, &d),
			ALOPEX_ECORRUPT);
	/* A length past the end. */
	bad[b.len - 9] = 0;
	bad[b.len - 10] = 100;
	CU_ASSERT_EQUAL(alx_row_decode(tv_arena, bad, b.len, types, 3, out, &d),
			ALOPEX_ECORRUPT);
	/* Unresolved values are refused. */
	struct alx_value unk = tv_in(ALX_T_UNKNOWN, -1, "1");
	CU_ASSERT_EQUAL(alx_row_encode(&b, &unk, 1, &d), ALOPEX_EINVAL);
}

static void test_row_garbage(void)
{
	uint64_t seed = 31337;
	struct alx_type types[NROW];
	for (size_t c = 0; c < NROW; c++)
		types[c] = tv_type(row_types[c], -1, 0);
	for (int i = 0; i < 20000; i++) {
		uint8_t buf[64];
		size_t n = (size_t)(tv_rand(&seed) % sizeof(buf));
		for (size_t k = 0; k < n; k++)
			buf[k] = (uint8_t)(tv_rand(&seed) % 4
						   ? tv_rand(&seed) % 3
						   : tv_rand(&seed));
		if (n > 1) {
			buf[0] = 1;
			buf[1] = (uint8_t)(tv_rand(&seed) % (NROW + 2));
		}
		struct alx_value out[NROW];
		alopex_diag d;
		int rc = alx_row_decode(tv_arena, buf, n, types, NROW, out, &d);
		CU_ASSERT(rc == 0 || rc == ALOPEX_ECORRUPT);
		if (rc == 0)
			for (size_t c = 0; c < NROW; c++)
				if (!out[c].null &&
				    out[c].type == ALX_T_NUMERIC)
					CU_ASSERT(alx_numeric_valid(
						out[c].u.s.ptr,
						out[c].u.s.len));
	}
}

/* Stored dates, timestamps and vectors outside what the types allow are
 * corrupt: they never come from a valid value. */
static void test_decode_ranges(void)
{
	struct alx_value d = {.type = ALX_T_DATE};
	d.u.date = 2147483610; /* past PostgreSQL's last date */
	struct alx_value t = {.type = ALX_T_TIMESTAMP};
	t.u.ts = INT64_MAX - 1;
	float nan = NAN;
	struct alx_value v = {.type = ALX_T_VECTOR};
	v.u.vec.ptr = &nan;
	v.u.vec.dim = 1;
	const struct alx_value *bad[] = {&d, &t, &v};
	for (size_t i = 0; i < 3; i++) {
		struct alx_buf k = encode(bad[i], 0), r;
		struct alx_value out;
		size_t pos = 0;
		alopex_diag diag;
		CU_ASSERT_EQUAL(alx_key_decode(tv_arena, k.ptr, k.len, &pos,
					       tv_type(bad[i]->type, -1, 0), 0,
					       &out, &diag),
				ALOPEX_ECORRUPT);
		alx_buf_init(&r, tv_arena);
		CU_ASSERT_EQUAL(alx_row_encode(&r, bad[i], 1, &diag), 0);
		struct alx_type ty = tv_type(bad[i]->type, -1, 0);
		CU_ASSERT_EQUAL(alx_row_decode(tv_arena, r.ptr, r.len, &ty, 1,
					       &out, &diag),
				ALOPEX_ECORRUPT);
	}
	/* The infinities are fine. */
	d.u.date = INT32_MAX;
	t.u.ts = INT64_MIN;
	const struct alx_value *good[] = {&d, &t};
	for (size_t i = 0; i < 2; i++) {
		struct alx_buf k = encode(good[i], ALX_KEY_DESC);
		struct alx_value out;
		size_t pos = 0;
		alopex_diag diag;
		CU_ASSERT_EQUAL(alx_key_decode(tv_arena, k.ptr, k.len, &pos,
					       tv_type(good[i]->type, -1, 0),
					       ALX_KEY_DESC, &out, &diag),
				0);
		CU_ASSERT_EQUAL(alx_value_cmp(&out, good[i]), 0);
	}
}

/*
 * A row encoded after bytes already in the buffer is the same row (vector
 * padding counts from the row's start), the earlier bytes are kept, and a
 * failed encoding leaves the buffer as it was.
 */
static void test_row_append(void)
{
	uint64_t seed = 4242;
	int failures = 0;
	for (int i = 0; i < 300; i++) {
		struct alx_value cols[NROW];
		random_row(cols, &seed);
		struct alx_buf alone, after;
		alopex_diag d;
		alx_buf_init(&alone, tv_arena);
		CU_ASSERT_EQUAL_FATAL(alx_row_encode(&alone, cols, NROW, &d),
				      0);
		size_t lead = (size_t)i % 7;
		alx_buf_init(&after, tv_arena);
		for (size_t k = 0; k < lead; k++) {
			uint8_t c = (uint8_t)(0xa0 + k);
			CU_ASSERT_EQUAL_FATAL(alx_buf_append(&after, &c, 1), 0);
		}
		CU_ASSERT_EQUAL_FATAL(alx_row_encode(&after, cols, NROW, &d),
				      0);
		if (after.len != lead + alone.len ||
		    memcmp(after.ptr + lead, alone.ptr, alone.len) != 0)
			failures++;
		for (size_t k = 0; k < lead; k++)
			if (after.ptr[k] != (uint8_t)(0xa0 + k))
				failures++;
	}
	CU_ASSERT_EQUAL(failures, 0);

	/* The exact bytes of a small row: INT8 7, NULL, TEXT "ab". */
	struct alx_value three[3] = {alx_value_int(ALX_T_INT8, 7),
				     alx_value_null(ALX_T_TEXT),
				     tv_in(ALX_T_TEXT, -1, "ab")};
	static const uint8_t want[] = {1, 3, 0x02, 7, 0, 0,   0,
				       0, 0, 0,	   0, 2, 'a', 'b'};
	struct alx_buf b;
	alopex_diag d;
	alx_buf_init(&b, tv_arena);
	CU_ASSERT_EQUAL_FATAL(alx_row_encode(&b, three, 3, &d), 0);
	CU_ASSERT_EQUAL(b.len, sizeof(want));
	CU_ASSERT(b.len == sizeof(want) && memcmp(b.ptr, want, b.len) == 0);

	/* An unresolved column: an error, and nothing written. */
	struct alx_value bad[2] = {alx_value_int(ALX_T_INT8, 1),
				   tv_in(ALX_T_UNKNOWN, -1, "1")};
	size_t len = b.len;
	CU_ASSERT_EQUAL(alx_row_encode(&b, bad, 2, &d), ALOPEX_EINVAL);
	CU_ASSERT_EQUAL(b.len, len);
	CU_ASSERT(strstr(d.message, "unresolved type") != NULL);
}

/* alx_row_vector finds a vector after fixed, variable and NULL columns. */
static void test_row_vector(void)
{
	struct alx_type types[5] = {{.id = ALX_T_INT8},
				    {.id = ALX_T_TEXT},
				    {.id = ALX_T_INTERVAL},
				    {.id = ALX_T_VECTOR},
				    {.id = ALX_T_VECTOR}};
	struct alx_value cols[5] = {alx_value_int(ALX_T_INT8, 7),
				    tv_in(ALX_T_TEXT, -1, "abc"),
				    tv_in(ALX_T_INTERVAL, -1, "1 day 2 hours"),
				    tv_in(ALX_T_VECTOR, -1, "[1.5,-2,3]"),
				    alx_value_null(ALX_T_VECTOR)};
	struct alx_buf b;
	alopex_diag d;
	alx_buf_init(&b, tv_arena);
	CU_ASSERT_EQUAL_FATAL(alx_row_encode(&b, cols, 5, &d), 0);
	const uint8_t *e = NULL;
	uint32_t dim = 0;
	CU_ASSERT_EQUAL(alx_row_vector(b.ptr, b.len, types, 5, 3, &e, &dim), 1);
	CU_ASSERT_EQUAL(dim, 3);
	if (e != NULL && dim == 3) {
		float f[3];
		memcpy(f, e, sizeof(f));
		CU_ASSERT(f[0] == 1.5f && f[1] == -2.0f && f[2] == 3.0f);
		CU_ASSERT_EQUAL((size_t)(e - b.ptr) % 4, 0);
	}
	CU_ASSERT_EQUAL(alx_row_vector(b.ptr, b.len, types, 5, 4, &e, &dim), 0);
	/* Not a vector column; a row cut short inside the vector. */
	CU_ASSERT_EQUAL(alx_row_vector(b.ptr, b.len, types, 5, 1, &e, &dim),
			-1);
	CU_ASSERT_EQUAL(alx_row_vector(b.ptr, b.len - 6, types, 5, 3, &e, &dim),
			-1);
}

static const struct alx_test_case keyenc_cases[] = {
	{"decode_ranges", test_decode_ranges},
	{"key_order", test_key_order},
	{"key_int_widths", test_key_int_widths},
	{"key_scale_and_padding", test_key_scale_and_padding},
	{"key_tuples", test_key_tuples},
	{"key_flags", test_key_flags},
	{"key_garbage", test_key_garbage},
	{"row_round_trip", test_row_round_trip},
	{"row_versions", test_row_versions},
	{"row_garbage", test_row_garbage},
	{"row_append", test_row_append},
	{"row_vector", test_row_vector},
	{NULL, NULL},
};

const struct alx_test_suite suite_keyenc = {"sql_value/keyenc", tv_setup,
					    tv_teardown, keyenc_cases};
