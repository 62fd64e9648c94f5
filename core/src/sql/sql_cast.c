/*
 * Casts between SQL types as PostgreSQL 15 performs them: pg_cast's
 * functions for the number, date/time and JSON types, the automatic I/O
 * conversion casts to and from the string types, and the length
 * coercions of VARCHAR(n)/CHAR(n), NUMERIC(p,s), TIMESTAMP(p) and
 * VECTOR(n).
 */
#include <math.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_datetime.h"
#include "sql/sql_interval.h"
#include "sql/sql_json.h"
#include "sql/sql_numeric.h"
#include "sql/sql_value.h"
#include "sql/sql_value_internal.h"

#define USECS_PER_DAY INT64_C(86400000000)
/* PostgreSQL's timestamp range ends at 294277-01-01: dates from this many
 * days after 2000-01-01 on have no timestamp. */
#define TIMESTAMP_END_DAYS (109203489 - 2451545)

static int cast_error(alopex_diag *diag, int from, int to)
{
	return alx_sql_error(diag, "42846", "cannot cast type %s to %s",
			     alx_type_name(from), alx_type_name(to));
}

static int string_value(struct alx_arena *a, int type, const char *p, size_t n,
			struct alx_value *out, alopex_diag *diag)
{
	char *q = alx_arena_alloc(a, n + 1);
	if (q == NULL)
		return alx_sql_oom(diag);
	if (n > 0)
		memcpy(q, p, n);
	q[n] = '\0';
	*out = alx_value_bytes(type, q, n);
	return 0;
}

/*
 * The length coercion of a type modifier: varchar(), bpchar(), numeric(),
 * timestamp(), vector() with PostgreSQL's isExplicit rules.
 */
static int apply_typmod(struct alx_arena *a, struct alx_value *v,
			struct alx_type to, bool explicit_cast,
			alopex_diag *diag)
{
	if (to.id == ALX_T_INTERVAL)
		return alx_interval_typmod(&v->u.iv, to.mod, to.scale, diag);
	if (to.mod < 0)
		return 0;
	switch (to.id) {
	case ALX_T_NUMERIC: {
		struct alx_num_ref n = {v->u.s.ptr, v->u.s.len}, r;
		int rc = alx_numeric_typmod(a, n, to.mod, to.scale, &r, diag);
		if (rc != 0)
			return rc;
		v->u.s.ptr = r.ptr;
		v->u.s.len = r.len;
		return 0;
	}
	case ALX_T_VARCHAR:
	case ALX_T_BPCHAR: {
		const uint8_t *s = v->u.s.ptr;
		size_t len = v->u.s.len, maxlen = (size_t)to.mod;
		size_t chars = alx_utf8_chars(s, len);
		if (chars > maxlen) {
			size_t cut = alx_utf8_prefix(s, len, maxlen);
			if (!explicit_cast) {
				for (size_t j = cut; j < len; j++)
					if (s[j] != ' ')
						return alx_sql_error(
							diag, "22001",
							"value too long for "
							"type %s(%d)",
							to.id == ALX_T_VARCHAR
								? "character "
								  "varying"
								: "character",
							(int)to.mod);
			}
			v->u.s.len = cut;
			return 0;
		}
		if (to.id == ALX_T_BPCHAR && chars < maxlen) {
			size_t pad = maxlen - chars;
			char *q = alx_arena_alloc(a, len + pad + 1);
			if (q == NULL)
				return alx_sql_oom(diag);
			memcpy(q, s, len);
			memset(q + len, ' ', pad);
			q[len + pad] = '\0';
			v->u.s.ptr = (const uint8_t *)q;
			v->u.s.len = len + pad;
		}
		return 0;
	}
	case ALX_T_TIMESTAMP:
	case ALX_T_TIMESTAMPTZ:
		v->u.ts = alx_timestamp_round(v->u.ts, to.mod);
		return 0;
	case ALX_T_VECTOR:
		if (v->u.vec.dim != (uint32_t)to.mod)
			return alx_sql_error(diag, "22000",
					     "expected %d dimensions, not %u",
					     (int)to.mod, v->u.vec.dim);
		return 0;
	default:
		return 0;
	}
}

/* Local time of a UTC instant in the session's zone, and back. */
static int64_t utc_to_local(int64_t ts, const struct alx_value_fmt *fmt)
{
	if (ts == INT64_MIN || ts == INT64_MAX)
		return ts;
	int32_t off = fmt->tz != NULL ? alx_tz_offset_at(fmt->tz, ts)
				      : fmt->tz_offset_sec;
	return ts + (int64_t)off * 1000000;
}

static int64_t local_to_utc(int64_t ts, const struct alx_value_fmt *fmt)
{
	if (ts == INT64_MIN || ts == INT64_MAX)
		return ts;
	if (fmt->tz == NULL)
		return ts - (int64_t)fmt->tz_offset_sec * 1000000;
	/* The offset in force at the local time: guess with the offset at
	 * the same reading taken as UTC, then correct once. */
	int32_t off = alx_tz_offset_at(fmt->tz, ts);
	int64_t utc = ts - (int64_t)off * 1000000;
	int32_t off2 = alx_tz_offset_at(fmt->tz, utc);
	if (off2 != off)
		utc = ts - (int64_t)off2 * 1000000;
	return utc;
}

static int date_to_timestamp(int32_t d, int64_t *out, alopex_diag *diag)
{
	if (d == INT32_MIN) {
		*out = INT64_MIN;
		return 0;
	}
	if (d == INT32_MAX) {
		*out = INT64_MAX;
		return 0;
	}
	if (d >= TIMESTAMP_END_DAYS)
		return alx_sql_error(diag, "22008",
				     "date out of range for timestamp");
	*out = (int64_t)d * USECS_PER_DAY;
	return 0;
}

static int32_t timestamp_to_date(int64_t ts)
{
	if (ts == INT64_MIN)
		return INT32_MIN;
	if (ts == INT64_MAX)
		return INT32_MAX;
	int64_t d = ts / USECS_PER_DAY;
	if (ts % USECS_PER_DAY < 0)
		d--;
	return (int32_t)d;
}

/* What a normalised JSONB text holds at top level, in jsonb_* cast
 * messages' words. */
static const char *jsonb_kind(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n && alx_sql_isspace(p[i]))
		i++;
	if (i >= n)
		return "null";
	switch (p[i]) {
	case '{':
		return "object";
	case '[':
		return "array";
	case '"':
		return "string";
	case 'n':
		return "null";
	case 't':
	case 'f':
		return "boolean";
	default:
		return "numeric";
	}
}

static int from_jsonb(struct alx_arena *a, const struct alx_value *in,
		      struct alx_type to, struct alx_value *out,
		      alopex_diag *diag)
{
	const char *kind = jsonb_kind(in->u.s.ptr, in->u.s.len);
	if (to.id == ALX_T_BOOL) {
		if (strcmp(kind, "boolean") != 0)
			return alx_sql_error(diag, "22023",
					     "cannot cast jsonb %s to type %s",
					     kind, alx_type_name(to.id));
		size_t i = 0;
		while (i < in->u.s.len && alx_sql_isspace(in->u.s.ptr[i]))
			i++;
		*out = alx_value_bool(in->u.s.ptr[i] == 't');
		return 0;
	}
	if (strcmp(kind, "numeric") != 0)
		return alx_sql_error(diag, "22023",
				     "cannot cast jsonb %s to type %s", kind,
				     alx_type_name(to.id));
	struct alx_num_ref n;
	int rc = alx_numeric_in(a, (const char *)in->u.s.ptr, in->u.s.len, -1,
				0, &n, diag);
	if (rc != 0)
		return rc;
	struct alx_value nv = alx_value_bytes(ALX_T_NUMERIC, n.ptr, n.len);
	return alx_value_cast(a, &nv, to, true, NULL, out, diag);
}

static int number_cast(struct alx_arena *a, const struct alx_value *in,
		       struct alx_type to, struct alx_value *out,
		       alopex_diag *diag)
{
	int from = in->type;
	struct alx_value v = {.type = to.id, .null = false};
	if (alx_type_is_int(to.id)) {
		int64_t min, max;
		alx_int_range(to.id, &min, &max);
		const char *tname = alx_type_name(to.id);
		if (alx_type_is_int(from)) {
			if (in->u.i < min || in->u.i > max)
				return alx_sql_error(diag, "22003",
						     "%s out of range", tname);
			v.u.i = in->u.i;
		} else if (alx_type_is_float(from)) {
			/* dtoi4 and friends: rint, then the range. */
			double d = rint(in->u.f);
			if (isnan(d) || !(d >= (double)min && d < -(double)min))
				return alx_sql_error(diag, "22003",
						     "%s out of range", tname);
			v.u.i = (int64_t)d;
		} else {
			struct alx_num_ref n = {in->u.s.ptr, in->u.s.len};
			int rc = alx_numeric_to_int(n, min, max, tname, &v.u.i,
						    diag);
			if (rc != 0)
				return rc;
		}
	} else if (alx_type_is_float(to.id)) {
		bool f4 = to.id == ALX_T_FLOAT4;
		if (alx_type_is_int(from)) {
			v.u.f = f4 ? (double)(float)in->u.i : (double)in->u.i;
		} else if (alx_type_is_float(from)) {
			double d = in->u.f;
			if (f4) {
				float f = (float)d;
				if (isinf(f) && !isinf(d))
					return alx_sql_error(
						diag, "22003",
						"value out of range: overflow");
				if (f == 0.0f && d != 0.0)
					return alx_sql_error(
						diag, "22003",
						"value out of range: "
						"underflow");
				d = f;
			}
			v.u.f = d;
		} else {
			struct alx_num_ref n = {in->u.s.ptr, in->u.s.len};
			int rc = alx_numeric_to_double(a, n, f4, &v.u.f, diag);
			if (rc != 0)
				return rc;
		}
	} else {
		struct alx_num_ref n = {in->u.s.ptr, in->u.s.len};
		int rc = 0;
		if (alx_type_is_int(from))
			rc = alx_numeric_from_int(a, in->u.i, &n) == 0
				     ? 0
				     : alx_sql_oom(diag);
		else if (alx_type_is_float(from))
			rc = alx_numeric_from_double(
				a, in->u.f, from == ALX_T_FLOAT4, &n, diag);
		if (rc != 0)
			return rc;
		v = alx_value_bytes(ALX_T_NUMERIC, n.ptr, n.len);
	}
	*out = v;
	return 0;
}

int alx_value_cast(struct alx_arena *a, const struct alx_value *in,
		   struct alx_type to, bool explicit_cast,
		   const struct alx_value_fmt *fmt, struct alx_value *out,
		   alopex_diag *diag)
{
	struct alx_value_fmt deflt;
	if (fmt == NULL) {
		alx_value_fmt_default(&deflt);
		fmt = &deflt;
	}
	int from = in->type;
	if (to.id >= ALX_T_COUNT_ || from >= ALX_T_COUNT_)
		return alx_diag_set(diag, ALOPEX_EINVAL, "XX000",
				    "unknown type id");
	if (in->null) {
		*out = alx_value_null(to.id);
		return 0;
	}
	int ctx = alx_cast_context(from, to.id);
	if (ctx == ALX_CAST_NONE ||
	    ctx < (explicit_cast ? ALX_CAST_EXPLICIT : ALX_CAST_ASSIGN))
		return cast_error(diag, from, to.id);

	struct alx_type base = to;
	base.mod = -1;
	if (to.id == ALX_T_INTERVAL)
		base.scale = 0; /* the fields too are applied afterwards */
	struct alx_value v = *in;
	int rc = 0;
	if (from == to.id) {
		/* only the modifier to apply */
	} else if (from == ALX_T_UNKNOWN ||
		   (alx_type_is_string(from) && !alx_type_is_string(to.id))) {
		/* Through the target's input function. A literal cast to
		 * INTERVAL DAY TO HOUR reads '1 2' with those fields, as
		 * PostgreSQL passes the typmod to interval_in there. */
		size_t len = in->u.s.len;
		if (from == ALX_T_UNKNOWN && explicit_cast &&
		    to.id == ALX_T_INTERVAL)
			base = to;
		rc = alx_value_in(a, base, (const char *)in->u.s.ptr, len, fmt,
				  &v, diag);
	} else if (alx_type_is_string(to.id)) {
		if (alx_type_is_string(from)) {
			/* CHAR(n) loses its padding when it becomes text. */
			size_t len = in->u.s.len;
			if (from == ALX_T_BPCHAR && to.id != ALX_T_BPCHAR)
				len = alx_bpchar_trimmed(in->u.s.ptr, len);
			v = alx_value_bytes(to.id, in->u.s.ptr, len);
		} else if (from == ALX_T_BOOL) {
			const char *s = in->u.b ? "true" : "false";
			v = alx_value_bytes(to.id, s, strlen(s));
		} else {
			const char *s;
			size_t len;
			rc = alx_value_out(a, in, fmt, &s, &len, diag);
			if (rc == 0)
				rc = string_value(a, to.id, s, len, &v, diag);
		}
	} else if (alx_type_is_number(from) && alx_type_is_number(to.id)) {
		rc = number_cast(a, in, to, &v, diag);
	} else if (from == ALX_T_BOOL && to.id == ALX_T_INT4) {
		v = alx_value_int(ALX_T_INT4, in->u.b ? 1 : 0);
	} else if (from == ALX_T_INT4 && to.id == ALX_T_BOOL) {
		v = alx_value_bool(in->u.i != 0);
	} else if (from == ALX_T_DATE) {
		int64_t ts = 0; /* set unless rc says otherwise */
		rc = date_to_timestamp(in->u.date, &ts, diag);
		if (rc == 0 && to.id == ALX_T_TIMESTAMPTZ)
			ts = local_to_utc(ts, fmt);
		v.type = to.id;
		v.u.ts = ts;
	} else if (from == ALX_T_TIMESTAMP || from == ALX_T_TIMESTAMPTZ) {
		int64_t ts = in->u.ts;
		if (from == ALX_T_TIMESTAMPTZ)
			ts = utc_to_local(ts, fmt);
		v.type = to.id;
		if (to.id == ALX_T_DATE)
			v.u.date = timestamp_to_date(ts);
		else if (to.id == ALX_T_TIMESTAMPTZ)
			v.u.ts = local_to_utc(ts, fmt);
		else
			v.u.ts = ts;
	} else if (from == ALX_T_JSON && to.id == ALX_T_JSONB) {
		const char *s;
		size_t len;
		rc = alx_jsonb_normalize(a, (const char *)in->u.s.ptr,
					 in->u.s.len, &s, &len, diag);
		if (rc == 0)
			v = alx_value_bytes(ALX_T_JSONB, s, len);
	} else if (from == ALX_T_JSONB && to.id == ALX_T_JSON) {
		v = alx_value_bytes(ALX_T_JSON, in->u.s.ptr, in->u.s.len);
	} else if (from == ALX_T_JSONB) {
		rc = from_jsonb(a, in, to, &v, diag);
	} else {
		return cast_error(diag, from, to.id);
	}
	if (rc != 0)
		return rc;
	v.type = to.id;
	v.null = false;
	rc = apply_typmod(a, &v, to, explicit_cast, diag);
	if (rc != 0)
		return rc;
	*out = v;
	return 0;
}
