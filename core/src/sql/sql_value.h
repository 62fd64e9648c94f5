/*
 * SQL values: the types of the PostgreSQL dialect Alopex speaks, their text
 * input and output (byte-identical to PostgreSQL 15's), casts, comparison,
 * arithmetic, and the order-preserving key encoding used for primary keys
 * and secondary indexes.
 *
 * A value is flat: variable-length payloads point into memory owned by an
 * arena (or by the row they were decoded from). Functions that make new
 * values take the arena to allocate from. Errors are ALOPEX_ESQL with a
 * PostgreSQL SQLSTATE and message in the diag; out of memory is
 * ALOPEX_ENOMEM.
 *
 * Where PostgreSQL adds a DETAIL to an error, the diag message holds the
 * primary message, a newline (ALX_SQL_DETAIL_SEP) and the detail text:
 * "numeric field overflow\nA field with precision 5, scale 2 must round to
 * an absolute value less than 10^3." Protocols split it at the first
 * newline (pgwire: M and D fields).
 */
#ifndef ALX_SQL_VALUE_H
#define ALX_SQL_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alopex.h"

struct alx_arena;
struct alx_tz;

#define ALX_SQL_DETAIL_SEP '\n'

enum alx_type_id {
	ALX_T_UNKNOWN = 0, /* an untyped literal or parameter: resolved later */
	ALX_T_BOOL,
	ALX_T_INT2,
	ALX_T_INT4,
	ALX_T_INT8,
	ALX_T_FLOAT4,
	ALX_T_FLOAT8,
	ALX_T_NUMERIC,
	ALX_T_TEXT,
	ALX_T_VARCHAR,
	ALX_T_BPCHAR, /* CHAR(n) */
	ALX_T_BYTEA,
	ALX_T_DATE,
	ALX_T_TIMESTAMP,
	ALX_T_TIMESTAMPTZ,
	ALX_T_JSON,
	ALX_T_JSONB,
	ALX_T_VECTOR,
	ALX_T_INTERVAL,
	ALX_T_COUNT_
};

/*
 * A type with its modifier: VARCHAR(n)/CHAR(n): n characters; NUMERIC(p,s):
 * precision and scale; VECTOR(n): dimensions; TIMESTAMP(p): precision;
 * INTERVAL: mod the fractional-second precision, scale the fields
 * (ALX_IV_* bits, 0: all, as INTERVAL without fields).
 * mod == -1 when absent (for NUMERIC: scale is meaningful only when
 * precision >= 0). CHAR without a length is CHAR(1), as in PostgreSQL;
 * alx_type_from_name gives mod 1 for "char"/"character" and -1 for
 * "bpchar".
 */
struct alx_type {
	uint8_t id;    /* enum alx_type_id */
	int32_t mod;   /* n, precision or dimensions; -1: none */
	int32_t scale; /* NUMERIC; INTERVAL: the fields */
};

/* INTERVAL fields: INTERVAL DAY TO SECOND is DAY|HOUR|MINUTE|SECOND (the
 * same bits as the parser's ALX_SQL_IV_*). */
enum alx_iv_fields {
	ALX_IV_YEAR = 1 << 0,
	ALX_IV_MONTH = 1 << 1,
	ALX_IV_DAY = 1 << 2,
	ALX_IV_HOUR = 1 << 3,
	ALX_IV_MINUTE = 1 << 4,
	ALX_IV_SECOND = 1 << 5,
};

static inline struct alx_type alx_type_make(int id)
{
	struct alx_type t = {.id = (uint8_t)id, .mod = -1, .scale = 0};
	return t;
}

/*
 * TEXT, VARCHAR, BPCHAR, BYTEA, JSON, JSONB: the variable-length types whose
 * value is its own bytes in u.s. NUMERIC (an encoding in u.s) and UNKNOWN (a
 * literal's text) are not in it; callers that treat them alike name them.
 */
static inline bool alx_type_is_varlen(int id)
{
	switch (id) {
	case ALX_T_TEXT:
	case ALX_T_VARCHAR:
	case ALX_T_BPCHAR:
	case ALX_T_BYTEA:
	case ALX_T_JSON:
	case ALX_T_JSONB:
		return true;
	default:
		return false;
	}
}

/* Static facts about a type. */
struct alx_type_info {
	const char *name;   /* SQL name as PostgreSQL prints it: "integer" */
	const char *pgname; /* pg_type.typname: "int4" */
	uint32_t oid;	    /* PostgreSQL's type OID (vector: see below) */
	int16_t typlen;	    /* pg_type.typlen: -1 for varlena */
	char category;	    /* pg_type.typcategory: 'N', 'S', 'D', ... */
};
/* pgvector's type has no fixed OID; Alopex answers with this one. */
#define ALX_VECTOR_OID 16385

/* NULL for ids out of range. ALX_T_UNKNOWN is PostgreSQL's "unknown". */
const struct alx_type_info *alx_type_info(int id);
/*
 * Parse a type name as SQL writes it ("int", "double precision",
 * "character varying", "timestamp with time zone", "float", "vector", ...;
 * case-insensitive, single spaces between words); mods are given
 * separately (-1: none; for "float", mod is the precision in bits). Checks
 * the modifiers as PostgreSQL does (22023 `length for type varchar must be
 * at least 1`, `NUMERIC precision 1001 must be between 1 and 1000`, ...).
 * Unknown names: 42704 `type "foo" does not exist`.
 */
int alx_type_from_name(const char *name, int32_t mod, int32_t scale,
		       struct alx_type *out, alopex_diag *diag);
/* As format_type(): "character varying(10)", "numeric(10,2)", "vector(3)",
 * "timestamp(3) without time zone" into buf (always NUL-terminated). */
void alx_type_format(struct alx_type t, char *buf, size_t size);

/* INTERVAL as PostgreSQL keeps it: months, days and microseconds apart. */
struct alx_interval {
	int64_t time; /* microseconds */
	int32_t day;
	int32_t month;
};

struct alx_value {
	uint8_t type; /* enum alx_type_id */
	bool null;
	union {
		bool b;
		int64_t i; /* INT2, INT4, INT8 */
		double f; /* FLOAT4 (held as double, rounded to float), FLOAT8 */
		int32_t date; /* days since 2000-01-01, as PostgreSQL */
		int64_t ts; /* microseconds since 2000-01-01 00:00 (UTC for tz) */
		struct {
			const uint8_t *ptr;
			size_t len;
		} s; /* TEXT, VARCHAR, BPCHAR, BYTEA (bytes), JSON, JSONB
			(normalised text), NUMERIC (sql_numeric.h encoding),
			UNKNOWN (the literal's text) */
		struct {
			const float *ptr;
			uint32_t dim;
		} vec;
		struct alx_interval iv; /* INTERVAL */
	} u;
};

/* Session settings that change how values read and print. */
struct alx_value_fmt {
	int extra_float_digits;	 /* PostgreSQL default 1: shortest exact */
	int32_t tz_offset_sec;	 /* TimeZone as a fixed offset east of UTC */
	const struct alx_tz *tz; /* when not NULL, a zone with rules */
	int datestyle_iso;	 /* 1: ISO, MDY (the only one supported) */
	int intervalstyle;	 /* enum alx_intervalstyle */
};
/* IntervalStyle; postgres (0) is PostgreSQL's default. */
enum alx_intervalstyle {
	ALX_INTERVALSTYLE_POSTGRES = 0,
	ALX_INTERVALSTYLE_POSTGRES_VERBOSE,
	ALX_INTERVALSTYLE_SQL_STANDARD,
	ALX_INTERVALSTYLE_ISO_8601,
};
void alx_value_fmt_default(struct alx_value_fmt *f);

static inline struct alx_value alx_value_null(int type)
{
	struct alx_value v = {.type = (uint8_t)type, .null = true};
	return v;
}
/* INT2/INT4/INT8 (the caller keeps i in the type's range). */
static inline struct alx_value alx_value_int(int type, int64_t i)
{
	struct alx_value v = {.type = (uint8_t)type, .null = false};
	v.u.i = i;
	return v;
}
static inline struct alx_value alx_value_bool(bool b)
{
	struct alx_value v = {.type = ALX_T_BOOL, .null = false};
	v.u.b = b;
	return v;
}
/* FLOAT8, or FLOAT4 when f is already a float value. */
static inline struct alx_value alx_value_float(int type, double f)
{
	struct alx_value v = {.type = (uint8_t)type, .null = false};
	v.u.f = f;
	return v;
}
/* TIMESTAMP or TIMESTAMPTZ: microseconds since 2000-01-01. */
static inline struct alx_value alx_value_ts(int type, int64_t ts)
{
	struct alx_value v = {.type = (uint8_t)type, .null = false};
	v.u.ts = ts;
	return v;
}
/* DATE: days since 2000-01-01. */
static inline struct alx_value alx_value_date(int32_t date)
{
	struct alx_value v = {.type = ALX_T_DATE, .null = false};
	v.u.date = date;
	return v;
}
/* TEXT/VARCHAR/BPCHAR/BYTEA/JSON/JSONB/UNKNOWN bytes (borrowed). */
static inline struct alx_value alx_value_bytes(int type, const void *p,
					       size_t len)
{
	struct alx_value v = {.type = (uint8_t)type, .null = false};
	v.u.s.ptr = (const uint8_t *)p;
	v.u.s.len = len;
	return v;
}

/*
 * Text input as PostgreSQL's type input functions do it, applying the
 * modifier (VARCHAR(n) too long: 22001; NUMERIC(p,s) rounding and 22003;
 * VECTOR(n) dimension mismatch: 22000 naming both dimensions). Bad syntax:
 * 22P02 `invalid input syntax for type integer: "abc"`. Text must be valid
 * UTF-8 (22021 `invalid byte sequence for encoding "UTF8": 0xff`). For
 * ALX_T_UNKNOWN the text is kept as is.
 */
int alx_value_in(struct alx_arena *a, struct alx_type t, const char *text,
		 size_t len, const struct alx_value_fmt *fmt,
		 struct alx_value *out, alopex_diag *diag);
/* Text output, byte-identical to PostgreSQL 15; NUL-terminated. A NULL
 * value gives *out NULL and *len 0. */
int alx_value_out(struct alx_arena *a, const struct alx_value *v,
		  const struct alx_value_fmt *fmt, const char **out,
		  size_t *len, alopex_diag *diag);

/*
 * PostgreSQL's pg_cast contexts: an implicit cast may be applied anywhere,
 * an assignment cast when storing into a column (INSERT/UPDATE), an
 * explicit one only for CAST/::. Larger is more permissive.
 */
enum alx_cast_ctx {
	ALX_CAST_NONE = 0, /* no cast: 42846 */
	ALX_CAST_EXPLICIT,
	ALX_CAST_ASSIGN,
	ALX_CAST_IMPLICIT,
};
/* The context in which `from` may be cast to `to` (same type: implicit;
 * UNKNOWN to anything: implicit, through the input function). */
int alx_cast_context(int from, int to);

/*
 * Cast. `explicit`: CAST/:: (allows e.g. float -> int rounding, text ->
 * anything, truncating VARCHAR(n)/CHAR(n)); otherwise PostgreSQL's
 * assignment rules (what INSERT/UPDATE apply; too long strings fail with
 * 22001). Also applies the target's modifier (NUMERIC(p,s), VARCHAR(n),
 * TIMESTAMP(p), VECTOR(n)). Disallowed: 42846 `cannot cast type boolean to
 * date`. A NULL casts to a NULL of the target type. The result may share
 * the input's payload (string to string casts).
 */
int alx_value_cast(struct alx_arena *a, const struct alx_value *in,
		   struct alx_type to, bool explicit_cast,
		   const struct alx_value_fmt *fmt, struct alx_value *out,
		   alopex_diag *diag);

/*
 * Total order within a type family (numbers compare across int/float/
 * numeric as PostgreSQL does after implicit promotion: int against float
 * and numeric against float in double precision, int against numeric
 * exactly; NaN above every number; text types compare by bytes, "C"
 * collation, CHAR(n) ignoring trailing spaces; bool false < true; bytea by
 * memcmp then length; JSONB by its normalised text (not PostgreSQL's jsonb
 * order); DATE against TIMESTAMP[TZ] as its midnight (UTC for TZ: no zone
 * here); intervals as PostgreSQL does, by months of 30 days and days of
 * 24 hours; vectors element by element, then by dimension). Non-NULL inputs
 * of comparable types (alx_cmp_check); an UNKNOWN literal compares only
 * with text types, cast it to the other side's type first otherwise.
 * Returns <0, 0, >0.
 */
int alx_value_cmp(const struct alx_value *a, const struct alx_value *b);
/* Equal values (alx_value_cmp == 0) hash equal, across types too. */
uint64_t alx_value_hash(const struct alx_value *v);
/*
 * Whether `l op r` has a comparison operator (op: "=", "<", ... for the
 * message): 0, or 42883 `operator does not exist: integer = text`.
 */
int alx_cmp_check(const char *op, struct alx_type l, struct alx_type r,
		  alopex_diag *diag);

/* Arithmetic and string operators; overflow 22003, division by zero 22012. */
enum alx_binop {
	ALX_OP_ADD = 1,
	ALX_OP_SUB,
	ALX_OP_MUL,
	ALX_OP_DIV,
	ALX_OP_MOD,
	ALX_OP_POW,
	ALX_OP_CONCAT, /* || */
};
/* The operator as SQL spells it ("+", "||"), "?" for another code. */
const char *alx_binop_symbol(int op);
/*
 * `l op r` for values of any types alx_binop_result_type accepts (UNKNOWN
 * operands are read as the type PostgreSQL resolves them to). A NULL
 * operand gives a NULL of the result type.
 */
int alx_value_binop(struct alx_arena *a, int op, const struct alx_value *l,
		    const struct alx_value *r, struct alx_value *out,
		    alopex_diag *diag);
/*
 * As alx_value_binop, with the session settings that timestamptz +/-
 * interval needs (days and months are added in the session TimeZone, as
 * PostgreSQL does across DST changes). fmt NULL: UTC.
 */
int alx_value_binop_fmt(struct alx_arena *a, int op, const struct alx_value *l,
			const struct alx_value *r,
			const struct alx_value_fmt *fmt, struct alx_value *out,
			alopex_diag *diag);
/*
 * The type an UNKNOWN operand of `op` takes when the other operand has
 * type `known` (on the left when known_left): timestamp + 'x' reads 'x'
 * as interval, interval * 'x' as double precision, mostly the other
 * side's own type. ALX_T_UNKNOWN when PostgreSQL finds no single choice.
 */
int alx_binop_unknown_type(int op, int known, bool known_left);
/* Unary minus (numbers, intervals; vectors are not negatable in
 * pgvector). */
int alx_value_neg(struct alx_arena *a, const struct alx_value *v,
		  struct alx_value *out, alopex_diag *diag);
/*
 * Result type of `l op r` per PostgreSQL's operator resolution; 42883
 * `operator does not exist: integer + boolean`, 42725 `operator is not
 * unique: unknown + unknown`.
 */
int alx_binop_result_type(int op, struct alx_type l, struct alx_type r,
			  struct alx_type *out, alopex_diag *diag);

/* 0, or 22021 `invalid byte sequence for encoding "UTF8": 0xc3 0x28`
 * (PostgreSQL's rules: no NUL, no surrogates, nothing above U+10FFFF). */
int alx_utf8_check(const uint8_t *p, size_t len, alopex_diag *diag);

/*
 * Floats as PostgreSQL prints them (float4: the float value held in a
 * double): extra_float_digits > 0 gives the shortest digits that read back
 * to the same value, in PostgreSQL's layout ("1e+100", "1.5e-05", "0.1",
 * "100000", "-0", "NaN", "Infinity"); <= 0 gives %.*g with 15 (float4: 6)
 * + extra_float_digits digits. Returns the length.
 */
#define ALX_FLOAT_BUFSZ 40
size_t alx_float_out(double v, bool float4, int extra_float_digits,
		     char buf[ALX_FLOAT_BUFSZ]);
/* float8in/float4in: 22P02 on bad syntax, 22003 `"1e400" is out of range
 * for type double precision`. The arena is used only for long inputs. */
int alx_float_in(struct alx_arena *a, const char *text, size_t len, bool float4,
		 double *out, alopex_diag *diag);

/* ---- key and row encoding ------------------------------------------------ */

/* A growable byte buffer in an arena. */
struct alx_buf {
	struct alx_arena *a;
	uint8_t *ptr;
	size_t len, cap;
};
void alx_buf_init(struct alx_buf *b, struct alx_arena *a);
int alx_buf_append(struct alx_buf *b, const void *p, size_t n);

/*
 * Order-preserving key encoding: memcmp order of the encodings equals the
 * SQL order of the values, and concatenations of encoded columns compare
 * column by column. Integers of every width share one encoding (an INT2
 * key compares right against an INT8 one); NUMERIC keys keep the value, not its
 * display scale (1.50 and 1.5 are the same key); CHAR(n) keys drop the
 * trailing spaces.
 *
 * Flags: ALX_KEY_DESC inverts every byte of the column. NULL sorts after
 * every value before that inversion, so by default NULLs come last for ASC
 * and first for DESC (PostgreSQL's defaults); ALX_KEY_NULLS_FIRST flips
 * that placement. alx_key_flags() maps SQL's words to flags.
 */
enum alx_key_flags {
	ALX_KEY_DESC = 1 << 0,
	ALX_KEY_NULLS_FIRST = 1 << 1,
};
/* desc: DESC was written; nulls: 1 NULLS FIRST, 0 NULLS LAST, -1 neither. */
unsigned alx_key_flags(bool desc, int nulls);
/* The value's type must be known (not UNKNOWN). */
int alx_key_encode(struct alx_buf *b, const struct alx_value *v, unsigned flags,
		   alopex_diag *diag);
/*
 * Decode one column of type t; *pos advances. Payloads point into the
 * arena (escaped strings, vectors, numerics are rebuilt there). Malformed
 * bytes: ALOPEX_ECORRUPT.
 */
int alx_key_decode(struct alx_arena *a, const uint8_t *key, size_t len,
		   size_t *pos, struct alx_type t, unsigned flags,
		   struct alx_value *out, alopex_diag *diag);

/*
 * Rows: a compact encoding of all columns. Byte 0 is the format version
 * (1), then the column count (varint), a NULL bitmap, and the non-NULL
 * payloads in column order: fixed-width little-endian numbers, varint
 * length + bytes for variable-length values. Each value must have its
 * column's type (UNKNOWN is refused).
 */
int alx_row_encode(struct alx_buf *b, const struct alx_value *cols,
		   size_t ncols, alopex_diag *diag);
/*
 * Decode into cols[0..ncols) with the given types. Payloads point into row,
 * except vector elements when row is not 4-byte aligned, which are copied
 * into `a`. A row written with fewer columns (an older table version)
 * decodes the missing trailing columns as NULL; one with more columns has
 * its extra columns ignored. Bad bytes (truncated, wrong version, invalid
 * numeric, lengths past the end): ALOPEX_ECORRUPT; never reads past len.
 */
int alx_row_decode(struct alx_arena *a, const uint8_t *row, size_t len,
		   const struct alx_type *types, size_t ncols,
		   struct alx_value *cols, alopex_diag *diag);

/*
 * The integer (INT2/4/8) columns of a row named by the bits of `want`
 * (columns below 64), without decoding the others: vals[i] for each wanted
 * column, bit i of *nulls set when it is NULL. For filters that reject a
 * row before it is decoded. -1 when a wanted column is not an integer or
 * the bytes are bad (alx_row_decode then says what is wrong).
 */
int alx_row_ints(const uint8_t *row, size_t len, const struct alx_type *types,
		 size_t ncols, uint64_t want, int64_t *vals, uint64_t *nulls);

/*
 * alx_row_ints with the column offsets worked out once: when every column
 * up to the last wanted one is fixed-width, a row whose NULL bitmap is
 * clear there is read at fixed offsets. Other rows take alx_row_ints.
 */
struct alx_row_pick {
	uint64_t want;
	uint32_t ncols; /* columns up to the last wanted one */
	bool fixed;	/* all of them fixed-width: off[] is valid */
	uint32_t nwant;
	uint8_t col[64], width[64];
	uint32_t off[64]; /* wanted column's offset after the header */
	uint32_t end;	  /* bytes the first ncols columns take */
	struct alx_type types[64];
};
void alx_row_pick_init(struct alx_row_pick *p, const struct alx_type *types,
		       size_t ncols, uint64_t want);
int alx_row_pick(const struct alx_row_pick *p, const uint8_t *row, size_t len,
		 int64_t *vals, uint64_t *nulls);

/*
 * The stored elements of vector column col (little-endian float4, aligned
 * to 4 bytes from the row's start) without decoding the other columns:
 * 1 with *elems and *dim, 0 when the value is NULL, -1 when the bytes are
 * bad or col is not a vector (alx_row_decode then says what is wrong).
 */
int alx_row_vector(const uint8_t *row, size_t len, const struct alx_type *types,
		   size_t ncols, uint32_t col, const uint8_t **elems,
		   uint32_t *dim);

/*
 * A stored row starts with this byte (sql_keyenc.c writes it), then
 * its column count (one byte when below 0x80), the NULL bitmap, and the
 * values of the columns not NULL. For readers that test the layout
 * themselves (sql_exec_iqual.c).
 */
#define ALX_ROW_VERSION 1

#endif
