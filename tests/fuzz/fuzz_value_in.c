/*
 * Fuzz target for SQL values. The first byte picks what to do:
 *  - text input of one of the types (with and without modifiers, INTERVAL
 *    with fields and precision too): when the
 *    bytes are accepted, the output must read back to an equal value with
 *    the same output, survive key and row encoding, and arithmetic with
 *    itself must not crash (only small values, so ^ stays cheap);
 *  - the row decoder on the raw bytes, for a column list also taken from
 *    the input;
 *  - the key decoder on the raw bytes.
 * Errors must carry a code, a SQLSTATE and a message. A broken promise
 * aborts, where the fuzzer sees it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "runtime/alx_arena.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_numeric.h"
#include "sql/sql_value.h"

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_value_in: %s\n", what);
		abort();
	}
}

static void check_error(int rc, const alopex_diag *d)
{
	check(rc < 0, "error code is not negative");
	check(d->code == rc, "diag code differs from the return code");
	check(d->message[0] != '\0', "error without a message");
	check(strlen(d->sqlstate) == 5, "error without a SQLSTATE");
}

static const struct alx_type types[] = {
	{ALX_T_BOOL, -1, 0},
	{ALX_T_INT2, -1, 0},
	{ALX_T_INT4, -1, 0},
	{ALX_T_INT8, -1, 0},
	{ALX_T_FLOAT4, -1, 0},
	{ALX_T_FLOAT8, -1, 0},
	{ALX_T_NUMERIC, -1, 0},
	{ALX_T_NUMERIC, 5, 2},
	{ALX_T_NUMERIC, 3, -2},
	{ALX_T_NUMERIC, 4, 6},
	{ALX_T_TEXT, -1, 0},
	{ALX_T_VARCHAR, -1, 0},
	{ALX_T_VARCHAR, 3, 0},
	{ALX_T_BPCHAR, -1, 0},
	{ALX_T_BPCHAR, 4, 0},
	{ALX_T_BYTEA, -1, 0},
	{ALX_T_DATE, -1, 0},
	{ALX_T_TIMESTAMP, -1, 0},
	{ALX_T_TIMESTAMPTZ, 3, 0},
	{ALX_T_JSON, -1, 0},
	{ALX_T_JSONB, -1, 0},
	{ALX_T_VECTOR, -1, 0},
	{ALX_T_UNKNOWN, -1, 0},
	{ALX_T_INTERVAL, -1, 0},
	{ALX_T_INTERVAL, 2,
	 ALX_IV_DAY | ALX_IV_HOUR | ALX_IV_MINUTE | ALX_IV_SECOND},
	{ALX_T_INTERVAL, -1, ALX_IV_YEAR | ALX_IV_MONTH},
	{ALX_T_INTERVAL, 0, ALX_IV_MINUTE | ALX_IV_SECOND},
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

/* Types a key or row column can have (not UNKNOWN). */
static const int stored[] = {
	ALX_T_BOOL,	 ALX_T_INT2,	    ALX_T_INT4,	   ALX_T_INT8,
	ALX_T_FLOAT4,	 ALX_T_FLOAT8,	    ALX_T_NUMERIC, ALX_T_TEXT,
	ALX_T_VARCHAR,	 ALX_T_BPCHAR,	    ALX_T_BYTEA,   ALX_T_DATE,
	ALX_T_TIMESTAMP, ALX_T_TIMESTAMPTZ, ALX_T_JSON,	   ALX_T_JSONB,
	ALX_T_VECTOR,	 ALX_T_INTERVAL,
};
#define NSTORED (sizeof(stored) / sizeof(stored[0]))

static void check_encodings(struct alx_arena *a, const struct alx_value *v,
			    struct alx_type t)
{
	alopex_diag d;
	for (unsigned flags = 0; flags < 4; flags++) {
		struct alx_buf b;
		alx_buf_init(&b, a);
		int rc = alx_key_encode(&b, v, flags, &d);
		check(rc == 0, "key encoding failed");
		struct alx_value back;
		size_t pos = 0;
		rc = alx_key_decode(a, b.ptr, b.len, &pos, t, flags, &back, &d);
		check(rc == 0, "key decoding failed");
		check(pos == b.len, "key decoding stopped short");
		check(alx_value_cmp(v, &back) == 0, "key round trip differs");
	}
	struct alx_value cols[2] = {*v, alx_value_null(t.id)};
	struct alx_type ts[2] = {t, t};
	struct alx_buf b;
	alx_buf_init(&b, a);
	check(alx_row_encode(&b, cols, 2, &d) == 0, "row encoding failed");
	struct alx_value back[2];
	check(alx_row_decode(a, b.ptr, b.len, ts, 2, back, &d) == 0,
	      "row decoding failed");
	check(!back[0].null && back[1].null, "row NULLs differ");
	check(alx_value_cmp(v, &back[0]) == 0, "row round trip differs");
}

static void fuzz_input(struct alx_arena *a, struct alx_type t, const char *text,
		       size_t len)
{
	struct alx_value v, w;
	alopex_diag d;
	int rc = alx_value_in(a, t, text, len, NULL, &v, &d);
	if (rc != 0) {
		check_error(rc, &d);
		return;
	}
	check(v.type == t.id && !v.null, "input gave the wrong type");
	if (t.id == ALX_T_NUMERIC)
		check(alx_numeric_valid(v.u.s.ptr, v.u.s.len),
		      "invalid packed numeric");
	const char *out;
	size_t olen;
	rc = alx_value_out(a, &v, NULL, &out, &olen, &d);
	check(rc == 0, "output of an accepted value failed");
	check(strlen(out) == olen, "output length");
	rc = alx_value_in(a, t, out, olen, NULL, &w, &d);
	/* PostgreSQL's interval of time INT64_MIN prints as hours that
	 * overflow before their sign applies: it does not read back there
	 * either. */
	if (rc != 0 && t.id == ALX_T_INTERVAL && v.u.iv.time == INT64_MIN)
		return;
	if (rc != 0)
		fprintf(stderr, "re-input of \"%s\": %s\n", out, d.message);
	check(rc == 0, "output does not read back");
	check(alx_value_cmp(&v, &w) == 0, "output reads back differently");
	check(alx_value_hash(&v) == alx_value_hash(&w), "hash differs");
	const char *out2;
	size_t olen2;
	check(alx_value_out(a, &w, NULL, &out2, &olen2, &d) == 0 &&
		      olen2 == olen && memcmp(out, out2, olen) == 0,
	      "output changes on re-input");
	if (t.id != ALX_T_UNKNOWN)
		check_encodings(a, &v, t);
	/* Casts to text and back. */
	struct alx_value s, c;
	rc = alx_value_cast(a, &v, alx_type_make(ALX_T_TEXT), true, NULL, &s,
			    &d);
	if (rc == 0)
		rc = alx_value_cast(a, &s, t, true, NULL, &c, &d);
	if (rc != 0)
		check_error(rc, &d);
	/* Operators with itself: errors are fine, crashes are not. x ^ x
	 * only for short x: 32767 ^ 32767 is legitimately slow (PostgreSQL
	 * takes a good part of a second too). */
	if (len <= 24) {
		for (int op = ALX_OP_ADD; op <= ALX_OP_CONCAT; op++) {
			if (op == ALX_OP_POW && olen > 4)
				continue;
			struct alx_value r;
			rc = alx_value_binop(a, op, &v, &v, &r, &d);
			if (rc != 0)
				check_error(rc, &d);
		}
		struct alx_value r;
		rc = alx_value_neg(a, &v, &r, &d);
		if (rc != 0)
			check_error(rc, &d);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct alx_runtime *rt = NULL;
	if (alx_runtime_create(NULL, &rt, NULL) != 0)
		return 0;
	struct alx_arena a;
	alx_arena_init(&a, rt, 0);
	/* Bound the memory one input may take. */
	a.limit = 256u << 20;
	uint8_t sel = data[0];
	const uint8_t *rest = data + 1;
	size_t n = size - 1;
	alopex_diag d;
	if (sel < 200) {
		fuzz_input(&a, types[sel % NTYPES], (const char *)rest, n);
	} else if (sel < 230 && n >= 1) {
		/* Rows: the next byte gives the column count, then one byte
		 * per column type. */
		size_t ncols = rest[0] % 9;
		if (n >= 1 + ncols) {
			struct alx_type ts[8];
			struct alx_value cols[8];
			for (size_t i = 0; i < ncols; i++)
				ts[i] = alx_type_make(
					stored[rest[1 + i] % NSTORED]);
			const uint8_t *row = rest + 1 + ncols;
			size_t len = n - 1 - ncols;
			int rc = alx_row_decode(&a, row, len, ts, ncols, cols,
						&d);
			check(rc == 0 || rc == ALOPEX_ECORRUPT,
			      "row decoder: unexpected code");
			for (size_t i = 0; rc == 0 && i < ncols; i++) {
				if (cols[i].null)
					continue;
				if (ts[i].id == ALX_T_NUMERIC)
					check(alx_numeric_valid(
						      cols[i].u.s.ptr,
						      cols[i].u.s.len),
					      "row gave a bad numeric");
				const char *out;
				size_t olen;
				(void)alx_value_out(&a, &cols[i], NULL, &out,
						    &olen, &d);
				(void)alx_value_hash(&cols[i]);
			}
		}
	} else if (n >= 1) {
		struct alx_type t = alx_type_make(stored[rest[0] % NSTORED]);
		unsigned flags = (rest[0] / NSTORED) % 4;
		size_t pos = 0;
		struct alx_value v;
		int rc = alx_key_decode(&a, rest + 1, n - 1, &pos, t, flags, &v,
					&d);
		check(rc == 0 || rc == ALOPEX_ECORRUPT,
		      "key decoder: unexpected code");
		check(pos <= n - 1, "key decoder read past the end");
		if (rc == 0 && !v.null) {
			if (t.id == ALX_T_NUMERIC)
				check(alx_numeric_valid(v.u.s.ptr, v.u.s.len),
				      "key gave a bad numeric");
			const char *out;
			size_t olen;
			(void)alx_value_out(&a, &v, NULL, &out, &olen, &d);
		}
	}
	alx_arena_fini(&a);
	alx_runtime_destroy(rt);
	return 0;
}
