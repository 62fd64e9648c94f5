/*
 * The type table: names as PostgreSQL spells them, OIDs, type modifiers and
 * their checks, format_type(), and pg_cast's contexts for our types.
 */
#include <stdio.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_numeric.h"
#include "sql/sql_value.h"
#include "sql/sql_value_internal.h"
#include "sql/sql_vector.h"

static const struct alx_type_info types[ALX_T_COUNT_] = {
	[ALX_T_UNKNOWN] = {"unknown", "unknown", 705, -2, 'X'},
	[ALX_T_BOOL] = {"boolean", "bool", 16, 1, 'B'},
	[ALX_T_INT2] = {"smallint", "int2", 21, 2, 'N'},
	[ALX_T_INT4] = {"integer", "int4", 23, 4, 'N'},
	[ALX_T_INT8] = {"bigint", "int8", 20, 8, 'N'},
	[ALX_T_FLOAT4] = {"real", "float4", 700, 4, 'N'},
	[ALX_T_FLOAT8] = {"double precision", "float8", 701, 8, 'N'},
	[ALX_T_NUMERIC] = {"numeric", "numeric", 1700, -1, 'N'},
	[ALX_T_TEXT] = {"text", "text", 25, -1, 'S'},
	[ALX_T_VARCHAR] = {"character varying", "varchar", 1043, -1, 'S'},
	[ALX_T_BPCHAR] = {"character", "bpchar", 1042, -1, 'S'},
	[ALX_T_BYTEA] = {"bytea", "bytea", 17, -1, 'U'},
	[ALX_T_DATE] = {"date", "date", 1082, 4, 'D'},
	[ALX_T_TIMESTAMP] = {"timestamp without time zone", "timestamp", 1114,
			     8, 'D'},
	[ALX_T_TIMESTAMPTZ] = {"timestamp with time zone", "timestamptz", 1184,
			       8, 'D'},
	[ALX_T_JSON] = {"json", "json", 114, -1, 'U'},
	[ALX_T_JSONB] = {"jsonb", "jsonb", 3802, -1, 'U'},
	[ALX_T_VECTOR] = {"vector", "vector", ALX_VECTOR_OID, -1, 'U'},
	[ALX_T_INTERVAL] = {"interval", "interval", 1186, 16, 'T'},
};

const struct alx_type_info *alx_type_info(int id)
{
	if (id < 0 || id >= ALX_T_COUNT_)
		return NULL;
	return &types[id];
}

const char *alx_type_name(int id)
{
	const struct alx_type_info *ti = alx_type_info(id);
	return ti != NULL ? ti->name : "???";
}

void alx_int_range(int t, int64_t *min, int64_t *max)
{
	switch (t) {
	case ALX_T_INT2:
		*min = INT16_MIN;
		*max = INT16_MAX;
		break;
	case ALX_T_INT4:
		*min = INT32_MIN;
		*max = INT32_MAX;
		break;
	default:
		*min = INT64_MIN;
		*max = INT64_MAX;
		break;
	}
}

size_t alx_bpchar_trimmed(const uint8_t *p, size_t len)
{
	while (len > 0 && p[len - 1] == ' ')
		len--;
	return len;
}

void alx_value_fmt_default(struct alx_value_fmt *f)
{
	memset(f, 0, sizeof(*f));
	f->extra_float_digits = 1;
	f->tz_offset_sec = 0;
	f->tz = NULL;
	f->datestyle_iso = 1;
}

/* ---- names --------------------------------------------------------------- */

static const struct {
	const char *name;
	int id;
} names[] = {
	{"bool", ALX_T_BOOL},
	{"boolean", ALX_T_BOOL},
	{"int2", ALX_T_INT2},
	{"smallint", ALX_T_INT2},
	{"int4", ALX_T_INT4},
	{"int", ALX_T_INT4},
	{"integer", ALX_T_INT4},
	{"int8", ALX_T_INT8},
	{"bigint", ALX_T_INT8},
	{"float4", ALX_T_FLOAT4},
	{"real", ALX_T_FLOAT4},
	{"float8", ALX_T_FLOAT8},
	{"double precision", ALX_T_FLOAT8},
	{"float", ALX_T_FLOAT8},
	{"numeric", ALX_T_NUMERIC},
	{"decimal", ALX_T_NUMERIC},
	{"dec", ALX_T_NUMERIC},
	{"text", ALX_T_TEXT},
	{"varchar", ALX_T_VARCHAR},
	{"character varying", ALX_T_VARCHAR},
	{"char varying", ALX_T_VARCHAR},
	{"bpchar", ALX_T_BPCHAR},
	{"char", ALX_T_BPCHAR},
	{"character", ALX_T_BPCHAR},
	{"bytea", ALX_T_BYTEA},
	{"date", ALX_T_DATE},
	{"timestamp", ALX_T_TIMESTAMP},
	{"timestamp without time zone", ALX_T_TIMESTAMP},
	{"timestamptz", ALX_T_TIMESTAMPTZ},
	{"timestamp with time zone", ALX_T_TIMESTAMPTZ},
	{"json", ALX_T_JSON},
	{"jsonb", ALX_T_JSONB},
	{"vector", ALX_T_VECTOR},
	{"interval", ALX_T_INTERVAL},
	{"unknown", ALX_T_UNKNOWN},
};

/* Lower-case the name and collapse runs of spaces into one. */
static size_t normalize_name(const char *in, char *out, size_t size)
{
	size_t n = 0;
	bool space = false;
	for (const char *p = in; *p != '\0'; p++) {
		if (alx_sql_isspace((unsigned char)*p)) {
			space = n > 0;
			continue;
		}
		if (n + 2 >= size)
			return 0;
		if (space)
			out[n++] = ' ';
		space = false;
		out[n++] = (char)alx_sql_tolower((unsigned char)*p);
	}
	out[n] = '\0';
	return n;
}

static int no_typmod(alopex_diag *diag, const char *name)
{
	return alx_sql_error(diag, "42601",
			     "type modifier is not allowed for type \"%s\"",
			     name);
}

int alx_type_from_name(const char *name, int32_t mod, int32_t scale,
		       struct alx_type *out, alopex_diag *diag)
{
	char n[64];
	if (name == NULL || normalize_name(name, n, sizeof(n)) == 0)
		return alx_sql_error(diag, "42704",
				     "type \"%s\" does not exist",
				     name != NULL ? name : "");
	int id = -1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(n, names[i].name) == 0) {
			id = names[i].id;
			break;
		}
	}
	if (id < 0)
		return alx_sql_error(diag, "42704",
				     "type \"%s\" does not exist", name);
	struct alx_type t = alx_type_make(id);
	switch (id) {
	case ALX_T_FLOAT8:
		if (strcmp(n, "float") == 0 && mod >= 0) {
			if (mod < 1)
				return alx_sql_error(diag, "22023",
						     "precision for type float "
						     "must be at least 1 bit");
			if (mod > 53)
				return alx_sql_error(
					diag, "22023",
					"precision for type float "
					"must be less than 54 bits");
			if (mod <= 24)
				t.id = ALX_T_FLOAT4;
			break;
		}
		if (mod >= 0)
			return no_typmod(diag, types[id].pgname);
		break;
	case ALX_T_NUMERIC:
		if (mod < 0)
			break;
		if (mod < 1 || mod > ALX_NUMERIC_MAX_PRECISION)
			return alx_sql_error(diag, "22023",
					     "NUMERIC precision %d must be "
					     "between 1 and %d",
					     (int)mod,
					     ALX_NUMERIC_MAX_PRECISION);
		if (scale < -ALX_NUMERIC_MAX_PRECISION ||
		    scale > ALX_NUMERIC_MAX_PRECISION)
			return alx_sql_error(diag, "22023",
					     "NUMERIC scale %d must be between "
					     "%d and %d",
					     (int)scale,
					     -ALX_NUMERIC_MAX_PRECISION,
					     ALX_NUMERIC_MAX_PRECISION);
		t.mod = mod;
		t.scale = scale;
		break;
	case ALX_T_VARCHAR:
	case ALX_T_BPCHAR: {
		const char *tn = id == ALX_T_VARCHAR ? "varchar" : "char";
		if (mod < 0) {
			/* CHAR alone is CHAR(1); bpchar is unlimited. */
			if (id == ALX_T_BPCHAR && strcmp(n, "bpchar") != 0)
				t.mod = 1;
			break;
		}
		if (mod < 1)
			return alx_sql_error(diag, "22023",
					     "length for type %s must be at "
					     "least 1",
					     tn);
		if (mod > 10485760)
			return alx_sql_error(diag, "22023",
					     "length for type %s cannot exceed "
					     "10485760",
					     tn);
		t.mod = mod;
		break;
	}
	case ALX_T_TIMESTAMP:
	case ALX_T_TIMESTAMPTZ:
		if (mod < 0 && mod != -1)
			return alx_sql_error(diag, "22023",
					     "TIMESTAMP(%d)%s precision must "
					     "not be negative",
					     (int)mod,
					     id == ALX_T_TIMESTAMPTZ
						     ? " WITH TIME ZONE"
						     : "");
		/* PostgreSQL warns and reduces anything above 6. */
		t.mod = mod > 6 ? 6 : mod;
		break;
	case ALX_T_INTERVAL:
		if (mod < -1)
			return alx_sql_error(diag, "22023",
					     "INTERVAL(%d) precision must not "
					     "be negative",
					     (int)mod);
		/* PostgreSQL warns and reduces anything above 6. */
		t.mod = mod > 6 ? 6 : mod;
		t.scale = scale & (ALX_IV_YEAR | ALX_IV_MONTH | ALX_IV_DAY |
				   ALX_IV_HOUR | ALX_IV_MINUTE | ALX_IV_SECOND);
		break;
	case ALX_T_VECTOR:
		if (mod < 0 && mod != -1)
			mod = 0;
		if (mod == -1)
			break;
		if (mod < 1)
			return alx_sql_error(diag, "22023",
					     "dimensions for type vector must "
					     "be at least 1");
		if (mod > ALX_VECTOR_MAX_DIM)
			return alx_sql_error(diag, "22023",
					     "dimensions for type vector "
					     "cannot exceed %d",
					     ALX_VECTOR_MAX_DIM);
		t.mod = mod;
		break;
	default:
		if (mod >= 0)
			return no_typmod(diag, types[id].pgname);
		break;
	}
	*out = t;
	return 0;
}

void alx_type_format(struct alx_type t, char *buf, size_t size)
{
	if (size == 0)
		return;
	const struct alx_type_info *ti = alx_type_info(t.id);
	if (ti == NULL) {
		snprintf(buf, size, "???");
		return;
	}
	switch (t.id) {
	case ALX_T_NUMERIC:
		if (t.mod >= 0)
			snprintf(buf, size, "numeric(%d,%d)", (int)t.mod,
				 (int)t.scale);
		else
			snprintf(buf, size, "numeric");
		return;
	case ALX_T_VARCHAR:
	case ALX_T_VECTOR:
		if (t.mod >= 0)
			snprintf(buf, size, "%s(%d)", ti->name, (int)t.mod);
		else
			snprintf(buf, size, "%s", ti->name);
		return;
	case ALX_T_BPCHAR:
		/* format_type() names an unlimited bpchar by its typname. */
		if (t.mod >= 0)
			snprintf(buf, size, "character(%d)", (int)t.mod);
		else
			snprintf(buf, size, "bpchar");
		return;
	case ALX_T_TIMESTAMP:
	case ALX_T_TIMESTAMPTZ:
		if (t.mod >= 0)
			snprintf(buf, size, "timestamp(%d) %s time zone",
				 (int)t.mod,
				 t.id == ALX_T_TIMESTAMP ? "without" : "with");
		else
			snprintf(buf, size, "%s", ti->name);
		return;
	case ALX_T_INTERVAL: {
		/* intervaltypmodout: " day to second" then "(p)" */
		static const char *const fnames[] = {
			"year", "month", "day", "hour", "minute", "second",
		};
		char fields[32] = "";
		int first = -1, last = -1;
		for (int i = 0; i < 6; i++) {
			if (t.scale & (1 << i)) {
				if (first < 0)
					first = i;
				last = i;
			}
		}
		if (first >= 0 && first == last)
			snprintf(fields, sizeof(fields), " %s", fnames[first]);
		else if (first >= 0)
			snprintf(fields, sizeof(fields), " %s to %s",
				 fnames[first], fnames[last]);
		if (t.mod >= 0)
			snprintf(buf, size, "interval%s(%d)", fields,
				 (int)t.mod);
		else
			snprintf(buf, size, "interval%s", fields);
		return;
	}
	default:
		snprintf(buf, size, "%s", ti->name);
		return;
	}
}

/* ---- casts --------------------------------------------------------------- */

#define I ALX_CAST_IMPLICIT
#define A ALX_CAST_ASSIGN
#define E ALX_CAST_EXPLICIT

/*
 * pg_cast for the number types (rows: from, columns: to), in the order
 * INT2, INT4, INT8, FLOAT4, FLOAT8, NUMERIC.
 */
static const unsigned char number_casts[6][6] = {
	/* INT2 */ {I, I, I, I, I, I},
	/* INT4 */ {A, I, I, I, I, I},
	/* INT8 */ {A, A, I, I, I, I},
	/* FLOAT4 */ {A, A, A, I, I, A},
	/* FLOAT8 */ {A, A, A, A, I, A},
	/* NUMERIC */ {A, A, A, I, I, I},
};

int alx_cast_context(int from, int to)
{
	if (from < 0 || from >= ALX_T_COUNT_ || to < 0 || to >= ALX_T_COUNT_)
		return ALX_CAST_NONE;
	if (from == to)
		return I;
	if (from == ALX_T_UNKNOWN)
		return I;
	if (to == ALX_T_UNKNOWN)
		return ALX_CAST_NONE;
	if (alx_type_is_number(from) && alx_type_is_number(to))
		return number_casts[from - ALX_T_INT2][to - ALX_T_INT2];
	if (alx_type_is_string(from) && alx_type_is_string(to))
		return I;
	/* Automatic I/O conversion casts: to a string type in assignment,
	 * from one only explicitly. */
	if (alx_type_is_string(to))
		return A;
	if (alx_type_is_string(from))
		return E;
	switch (from) {
	case ALX_T_BOOL:
		return to == ALX_T_INT4 ? E : ALX_CAST_NONE;
	case ALX_T_INT4:
		return to == ALX_T_BOOL ? E : ALX_CAST_NONE;
	case ALX_T_DATE:
		return to == ALX_T_TIMESTAMP || to == ALX_T_TIMESTAMPTZ
			       ? I
			       : ALX_CAST_NONE;
	case ALX_T_TIMESTAMP:
		if (to == ALX_T_DATE)
			return A;
		return to == ALX_T_TIMESTAMPTZ ? I : ALX_CAST_NONE;
	case ALX_T_TIMESTAMPTZ:
		return to == ALX_T_DATE || to == ALX_T_TIMESTAMP
			       ? A
			       : ALX_CAST_NONE;
	case ALX_T_JSON:
		return to == ALX_T_JSONB ? A : ALX_CAST_NONE;
	case ALX_T_JSONB:
		if (to == ALX_T_JSON)
			return A;
		if (to == ALX_T_BOOL || alx_type_is_number(to))
			return E;
		return ALX_CAST_NONE;
	default:
		return ALX_CAST_NONE;
	}
}

#undef I
#undef A
#undef E

/* ---- buffers ------------------------------------------------------------- */

void alx_buf_init(struct alx_buf *b, struct alx_arena *a)
{
	b->a = a;
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
}

int alx_buf_append(struct alx_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (b->cap - b->len < n) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap - b->len < n) {
			if (cap > SIZE_MAX / 2)
				return ALOPEX_ENOMEM;
			cap *= 2;
		}
		uint8_t *q = alx_arena_alloc(b->a, cap);
		if (q == NULL)
			return ALOPEX_ENOMEM;
		if (b->len > 0)
			memcpy(q, b->ptr, b->len);
		b->ptr = q;
		b->cap = cap;
	}
	memcpy(b->ptr + b->len, p, n);
	b->len += n;
	return 0;
}
