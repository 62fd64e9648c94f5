/*
 * Functions that tools' catalog queries call (psql's \d family, drivers):
 * format_type, pg_get_indexdef, pg_get_constraintdef, visibility and
 * privilege tests, descriptions, sizes, reg* input and output, the ~
 * regular expression operators (POSIX extended, as <regex.h> has them),
 * and arrays as their text literal ('{a,b}') with ANY, subscripts,
 * array_to_string, array_upper and unnest.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_exec.h"
#include "sql/sql_func.h"
#include "sql/sql_lex.h"
#include "sql/sql_session.h"
#include "sql/sql_syscat.h"

static int oom(struct alx_ev *ev)
{
	return alx_exec_oom(ev->ex);
}

static int text_out(struct alx_ev *ev, const char *s, struct alx_value *out)
{
	if (s == NULL) {
		*out = alx_value_null(ALX_T_TEXT);
		return 0;
	}
	char *c = alx_arena_strdup(ev->a, s);
	if (c == NULL)
		return oom(ev);
	*out = alx_value_bytes(ALX_T_TEXT, c, strlen(c));
	return 0;
}

static char *cstr(struct alx_ev *ev, const struct alx_value *v)
{
	return alx_arena_strndup(ev->a, (const char *)v->u.s.ptr, v->u.s.len);
}

/* ---- arrays as text literals ------------------------------------------- */

struct elems {
	uint32_t n;
	char **v; /* NULL: a NULL element */
};

/* One-dimensional array literal: '{a,"b c",NULL}'. */
static int array_parse(struct alx_ev *ev, const struct alx_value *arr,
		       struct elems *out)
{
	const char *s = (const char *)arr->u.s.ptr;
	size_t len = arr->u.s.len, i = 0;
	out->n = 0;
	out->v = NULL;
	while (i < len && s[i] == ' ')
		i++;
	if (i >= len || s[i] != '{')
		goto bad;
	i++;
	uint32_t cap = 0;
	char *buf = alx_arena_alloc(ev->a, len + 1);
	if (buf == NULL)
		return oom(ev);
	while (i < len && s[i] == ' ')
		i++;
	if (i < len && s[i] == '}')
		return 0;
	for (;;) {
		size_t o = 0;
		bool quoted = false;
		while (i < len && s[i] == ' ')
			i++;
		if (i < len && s[i] == '"') {
			quoted = true;
			for (i++; i < len && s[i] != '"'; i++) {
				if (s[i] == '\\' && i + 1 < len)
					i++;
				buf[o++] = s[i];
			}
			if (i >= len)
				goto bad;
			i++;
		} else {
			for (; i < len && s[i] != ',' && s[i] != '}'; i++) {
				if (s[i] == '\\' && i + 1 < len)
					i++;
				buf[o++] = s[i];
			}
			while (o > 0 && buf[o - 1] == ' ')
				o--;
		}
		if (out->n == cap) {
			cap = cap ? cap * 2 : 8;
			char **v = alx_arena_alloc(ev->a, cap * sizeof(*v));
			if (v == NULL)
				return oom(ev);
			if (out->n > 0)
				memcpy(v, out->v, out->n * sizeof(*v));
			out->v = v;
		}
		bool isnull =
			!quoted && o == 4 && strncasecmp(buf, "NULL", 4) == 0;
		out->v[out->n] =
			isnull ? NULL : alx_arena_strndup(ev->a, buf, o);
		if (!isnull && out->v[out->n] == NULL)
			return oom(ev);
		out->n++;
		while (i < len && s[i] == ' ')
			i++;
		if (i < len && s[i] == ',') {
			i++;
			continue;
		}
		if (i < len && s[i] == '}')
			return 0;
		goto bad;
	}
bad:
	return alx_exec_err(ev->ex, "22P02",
			    "malformed array literal: \"%.*s\"", (int)len, s);
}

/* Append one element as PostgreSQL's array output quotes it. */
static size_t elem_put(char *dst, const char *s, size_t len)
{
	bool q = len == 0 || (len == 4 && strncasecmp(s, "NULL", 4) == 0);
	for (size_t i = 0; i < len && !q; i++)
		q = strchr("{},\"\\ \t\n\r\v\f", s[i]) != NULL;
	size_t o = 0;
	if (q)
		dst[o++] = '"';
	for (size_t i = 0; i < len; i++) {
		if (q && (s[i] == '"' || s[i] == '\\'))
			dst[o++] = '\\';
		dst[o++] = s[i];
	}
	if (q)
		dst[o++] = '"';
	return o;
}

int alx_array_literal(struct alx_arena *a, const struct alx_value *v,
		      uint32_t n, const struct alx_value_fmt *fmt,
		      struct alx_value *out, alopex_diag *d)
{
	const char **txt = alx_arena_calloc(a, n + 1, sizeof(*txt));
	size_t *lens = alx_arena_calloc(a, n + 1, sizeof(*lens));
	if (txt == NULL || lens == NULL)
		return alx_diag_set(d, ALOPEX_ENOMEM, "53200", "out of memory");
	size_t total = 3;
	for (uint32_t i = 0; i < n; i++) {
		if (v[i].null) {
			total += 5;
			continue;
		}
		int rc = alx_value_out(a, &v[i], fmt, &txt[i], &lens[i], d);
		if (rc != 0)
			return rc;
		total += lens[i] * 2 + 3;
	}
	char *s = alx_arena_alloc(a, total);
	if (s == NULL)
		return alx_diag_set(d, ALOPEX_ENOMEM, "53200", "out of memory");
	size_t o = 0;
	s[o++] = '{';
	for (uint32_t i = 0; i < n; i++) {
		if (i > 0)
			s[o++] = ',';
		if (v[i].null) {
			memcpy(s + o, "NULL", 4);
			o += 4;
		} else {
			o += elem_put(s + o, txt[i], lens[i]);
		}
	}
	s[o++] = '}';
	s[o] = 0;
	*out = alx_value_bytes(ALX_T_TEXT, s, o);
	return 0;
}

static int f_array_to_string(struct alx_ev *ev, const struct alx_bx *c,
			     const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	struct elems e;
	int rc = array_parse(ev, &a[0], &e);
	if (rc != 0)
		return rc;
	const char *null_as = NULL;
	size_t nl = 0;
	if (c->nargs > 2 && !a[2].null) {
		null_as = (const char *)a[2].u.s.ptr;
		nl = a[2].u.s.len;
	}
	size_t total = 1;
	for (uint32_t i = 0; i < e.n; i++)
		total += (e.v[i] ? strlen(e.v[i]) : nl) + a[1].u.s.len;
	char *s = alx_arena_alloc(ev->a, total);
	if (s == NULL)
		return oom(ev);
	size_t o = 0;
	bool first = true;
	for (uint32_t i = 0; i < e.n; i++) {
		if (e.v[i] == NULL && null_as == NULL)
			continue;
		if (!first) {
			memcpy(s + o, a[1].u.s.ptr, a[1].u.s.len);
			o += a[1].u.s.len;
		}
		first = false;
		const char *p = e.v[i] ? e.v[i] : null_as;
		size_t l = e.v[i] ? strlen(p) : nl;
		memcpy(s + o, p, l);
		o += l;
	}
	*out = alx_value_bytes(ALX_T_TEXT, s, o);
	return 0;
}

static int f_array_upper(struct alx_ev *ev, const struct alx_bx *c,
			 const struct alx_value *a, struct alx_value *out)
{
	struct elems e;
	int rc = array_parse(ev, &a[0], &e);
	if (rc != 0)
		return rc;
	bool lower = strcmp(c->u.func.def->name, "array_lower") == 0;
	if (e.n == 0 || a[1].u.i != 1) {
		*out = alx_value_null(ALX_T_INT4);
		return 0;
	}
	*out = alx_value_int(ALX_T_INT4, lower ? 1 : e.n);
	return 0;
}

static int f_array_length(struct alx_ev *ev, const struct alx_bx *c,
			  const struct alx_value *a, struct alx_value *out)
{
	struct elems e;
	int rc = array_parse(ev, &a[0], &e);
	if (rc != 0)
		return rc;
	if (c->nargs > 1 && (e.n == 0 || a[1].u.i != 1)) {
		*out = alx_value_null(ALX_T_INT4);
		return 0;
	}
	*out = alx_value_int(ALX_T_INT4, e.n);
	return 0;
}

/* x op ANY|ALL (array): args x, array, op code (ALX_CMP_*, +16 for ALL). */
static int r_any_array(struct alx_bind_ctx *b, struct alx_bx *c)
{
	if (c->args[0]->type.id == ALX_T_UNKNOWN) {
		int rc = alx_bind_coerce(b, &c->args[0],
					 alx_type_make(ALX_T_TEXT),
					 ALX_CAST_IMPLICIT, NULL);
		if (rc != 0)
			return rc;
	}
	int rc = alx_func_arg(b, c, 1, ALX_T_TEXT);
	if (rc == 0)
		rc = alx_func_arg(b, c, 2, ALX_T_INT4);
	c->type = alx_type_make(ALX_T_BOOL);
	return rc;
}

static int f_any_array(struct alx_ev *ev, const struct alx_bx *c,
		       const struct alx_value *a, struct alx_value *out)
{
	if (a[1].null || a[2].null) {
		*out = alx_value_null(ALX_T_BOOL);
		return 0;
	}
	struct elems e;
	int rc = array_parse(ev, &a[1], &e);
	if (rc != 0)
		return rc;
	int code = (int)(a[2].u.i & 15);
	bool all = (a[2].u.i & 16) != 0;
	bool saw_null = a[0].null && e.n > 0;
	bool result = all;
	struct alx_type et = c->args[0]->type;
	for (uint32_t i = 0; i < e.n && !a[0].null; i++) {
		if (e.v[i] == NULL) {
			saw_null = true;
			continue;
		}
		struct alx_value ev_;
		rc = alx_value_in(ev->a, alx_type_make(et.id), e.v[i],
				  strlen(e.v[i]), ev->ex->fmt, &ev_, ev->ex->d);
		if (rc != 0)
			return rc;
		int k = alx_value_cmp(&a[0], &ev_);
		bool t = code == ALX_CMP_EQ   ? k == 0
			 : code == ALX_CMP_NE ? k != 0
			 : code == ALX_CMP_LT ? k < 0
			 : code == ALX_CMP_LE ? k <= 0
			 : code == ALX_CMP_GT ? k > 0
					      : k >= 0;
		if (all && !t) {
			*out = alx_value_bool(false);
			return 0;
		}
		if (!all && t) {
			*out = alx_value_bool(true);
			return 0;
		}
	}
	*out = saw_null ? alx_value_null(ALX_T_BOOL) : alx_value_bool(result);
	return 0;
}

/* arr[i]: the element's text, typed unknown so the context reads it. */
static int f_array_elem(struct alx_ev *ev, const struct alx_bx *c,
			const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	struct elems e;
	int rc = array_parse(ev, &a[0], &e);
	if (rc != 0)
		return rc;
	int64_t i = a[1].u.i;
	if (i < 1 || i > e.n || e.v[i - 1] == NULL) {
		*out = alx_value_null(ALX_T_UNKNOWN);
		return 0;
	}
	*out = alx_value_bytes(ALX_T_UNKNOWN, e.v[i - 1], strlen(e.v[i - 1]));
	return 0;
}

int alx_array_elements(struct alx_ev *ev, const struct alx_value *arr,
		       struct alx_value **out, uint32_t *n)
{
	struct elems e;
	int rc = array_parse(ev, arr, &e);
	if (rc != 0)
		return rc;
	struct alx_value *v = alx_arena_calloc(ev->a, e.n + 1, sizeof(*v));
	if (v == NULL)
		return oom(ev);
	for (uint32_t i = 0; i < e.n; i++)
		v[i] = e.v[i] ? alx_value_bytes(ALX_T_TEXT, e.v[i],
						strlen(e.v[i]))
			      : alx_value_null(ALX_T_TEXT);
	*out = v;
	*n = e.n;
	return 0;
}

/* ---- regular expressions -------------------------------------------------- */

static int f_regex(struct alx_ev *ev, const struct alx_bx *c,
		   const struct alx_value *a, struct alx_value *out)
{
	const char *name = c->u.func.def->name;
	bool icase = strstr(name, "icregex") != NULL;
	bool neg = strstr(name, "ne") == name + strlen(name) - 2;
	char *pat = cstr(ev, &a[1]), *str = cstr(ev, &a[0]);
	if (pat == NULL || str == NULL)
		return oom(ev);
	regex_t re;
	int r = regcomp(&re, pat,
			REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0));
	if (r != 0) {
		char msg[128];
		regerror(r, &re, msg, sizeof(msg));
		regfree(&re);
		return alx_exec_err(ev->ex, "2201B",
				    "invalid regular expression: %s", msg);
	}
	r = regexec(&re, str, 0, NULL, 0);
	regfree(&re);
	*out = alx_value_bool((r == 0) != neg);
	return 0;
}

/* ---- format_type and the reg* types ---------------------------------------- */

static const char *format_oid(struct alx_arena *a, int64_t oid, int64_t typmod,
			      bool has_mod)
{
	static const struct {
		int64_t oid;
		const char *name;
	} extra[] = {
		{26, "oid"},
		{19, "name"},
		{18, "\"char\""},
		{24, "regproc"},
		{2205, "regclass"},
		{2206, "regtype"},
		{4089, "regnamespace"},
		{194, "pg_node_tree"},
		{1009, "text[]"},
		{705, "unknown"},
	};
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (extra[i].oid == oid)
			return extra[i].name;
	struct alx_type t;
	if (!alx_syscat_type_from_oid(oid, typmod, has_mod, &t))
		return oid == 0 ? "-" : "???";
	char buf[128];
	if (t.id == ALX_T_BPCHAR && t.mod < 0)
		return "bpchar";
	alx_type_format(t, buf, sizeof(buf));
	return alx_arena_strdup(a, buf);
}

static int f_format_type(struct alx_ev *ev, const struct alx_bx *c,
			 const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	if (a[0].null) {
		*out = alx_value_null(ALX_T_TEXT);
		return 0;
	}
	return text_out(ev, format_oid(ev->a, a[0].u.i, a[1].u.i, !a[1].null),
			out);
}

static int f_regclassin(struct alx_ev *ev, const struct alx_bx *c,
			const struct alx_value *a, struct alx_value *out)
{
	uint32_t np = 0;
	const char *const *path = alx_session_search_path(ev->ex->s, &np);
	int64_t oid =
		ev->ex->cat == NULL
			? -1
			: alx_syscat_relname_oid(ev->ex->cat, path, np,
						 (const char *)a[0].u.s.ptr,
						 a[0].u.s.len);
	if (oid < 0) {
		/* all digits: an OID given as text */
		bool digits = a[0].u.s.len > 0;
		int64_t v = 0;
		for (size_t i = 0; i < a[0].u.s.len && digits; i++) {
			digits = a[0].u.s.ptr[i] >= '0' &&
				 a[0].u.s.ptr[i] <= '9';
			v = v * 10 + (a[0].u.s.ptr[i] - '0');
			if (v > UINT32_MAX)
				digits = false;
		}
		if (digits) {
			oid = v;
		} else if (strcmp(c->u.func.def->name, "to_regclass") == 0) {
			*out = alx_value_null(ALX_T_INT8);
			return 0;
		} else {
			return alx_exec_err(ev->ex, "42P01",
					    "relation \"%.*s\" does not exist",
					    (int)a[0].u.s.len, a[0].u.s.ptr);
		}
	}
	*out = alx_value_int(ALX_T_INT8, oid);
	return 0;
}

static const char *quote_id(struct alx_arena *a, const char *s);

/* A relation's name as regclass prints it: quoted where needed, qualified
 * when its schema is not on the search path (NULL: no such relation or
 * out of memory). */
static const char *relname(struct alx_ev *ev, int64_t oid, bool qualify)
{
	struct alx_syscat_obj_ref r;
	alx_syscat_lookup(ev->ex->cat, oid, &r);
	if (r.kind == ALX_SYSOBJ_NONE || r.kind == ALX_SYSOBJ_CHECK)
		return NULL;
	bool visible = strcmp(r.schema, "pg_catalog") == 0;
	uint32_t np = 0;
	const char *const *path = alx_session_search_path(ev->ex->s, &np);
	for (uint32_t i = 0; i < np && !visible; i++)
		visible = strcmp(path[i], r.schema) == 0;
	const char *name = quote_id(ev->a, r.name);
	if (visible || !qualify || name == NULL)
		return name;
	const char *schema = quote_id(ev->a, r.schema);
	return schema ? alx_arena_printf(ev->a, "%s.%s", schema, name) : NULL;
}

static int f_regclassout(struct alx_ev *ev, const struct alx_bx *c,
			 const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	/* InvalidOid prints as "-", an unknown OID as its number */
	const char *n = a[0].u.i == 0 ? "-" : relname(ev, a[0].u.i, true);
	if (n == NULL)
		n = alx_arena_printf(ev->a, "%lld", (long long)a[0].u.i);
	return text_out(ev, n, out);
}

static int f_regtypeout(struct alx_ev *ev, const struct alx_bx *c,
			const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	const char *n = format_oid(ev->a, a[0].u.i, -1, false);
	if (strcmp(n, "???") == 0)
		n = alx_arena_printf(ev->a, "%lld", (long long)a[0].u.i);
	return text_out(ev, n, out);
}

static int f_regnamespaceout(struct alx_ev *ev, const struct alx_bx *c,
			     const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	int64_t oid = a[0].u.i;
	const char *n = NULL;
	if (oid == ALX_OID_PG_CATALOG)
		n = "pg_catalog";
	else if (oid == ALX_OID_INFO_SCHEMA)
		n = "information_schema";
	for (uint32_t i = 0;
	     n == NULL && ev->ex->cat && i < ev->ex->cat->nschemas; i++)
		if (alx_syscat_schema_oid(ev->ex->cat->schemas[i]->id) == oid)
			n = ev->ex->cat->schemas[i]->name;
	if (n == NULL)
		n = alx_arena_printf(ev->a, "%lld", (long long)oid);
	return text_out(ev, n, out);
}

static int f_regroleout(struct alx_ev *ev, const struct alx_bx *c,
			const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	const char *n = alx_syscat_role_name(ev->ex->cat, a[0].u.i);
	if (n == NULL)
		n = alx_arena_printf(ev->a, "%lld", (long long)a[0].u.i);
	return text_out(ev, n, out);
}

static int f_regtypein(struct alx_ev *ev, const struct alx_bx *c,
		       const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	char *s = cstr(ev, &a[0]);
	if (s == NULL)
		return oom(ev);
	const char *n = strncmp(s, "pg_catalog.", 11) == 0 ? s + 11 : s;
	struct alx_type t;
	alopex_diag d = {0};
	if (alx_type_from_name(n, -1, 0, &t, &d) != 0)
		return alx_exec_err(ev->ex, "42704",
				    "type \"%s\" does not exist", s);
	*out = alx_value_int(ALX_T_INT8, alx_type_info(t.id)->oid);
	return 0;
}

/* ---- describing objects ------------------------------------------------------ */

/* PostgreSQL's quote_identifier: quoted unless plain lower-case letters,
 * digits and '_' that are not a keyword other than an unreserved one. */
static const char *quote_id(struct alx_arena *a, const char *s)
{
	bool plain = (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_';
	for (const char *p = s; *p && plain; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			*p == '_';
	if (plain) {
		int kw = alx_sql_keyword(s, strlen(s));
		if (kw == ALX_NOT_KW || alx_sql_keyword_cat(kw) == ALX_KWC_U)
			return s;
	}
	size_t n = strlen(s);
	char *o = alx_arena_alloc(a, n * 2 + 3);
	if (o == NULL)
		return NULL;
	size_t k = 0;
	o[k++] = '"';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			o[k++] = '"';
		o[k++] = s[i];
	}
	o[k++] = '"';
	o[k] = 0;
	return o;
}

static int f_quote_ident(struct alx_ev *ev, const struct alx_bx *c,
			 const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	char *s = cstr(ev, &a[0]);
	if (s == NULL)
		return oom(ev);
	return text_out(ev, quote_id(ev->a, s), out);
}

/* "(a, b)" or, for one column k > 0, just that column's name. */
static const char *index_cols(struct alx_ev *ev, const struct alx_cat_table *t,
			      const struct alx_cat_index *x, bool with_ops)
{
	size_t cap = 16;
	for (uint32_t i = 0; i < x->ncols; i++)
		cap += strlen(t->cols[x->cols[i]].name) * 2 + 48;
	char *s = alx_arena_alloc(ev->a, cap);
	if (s == NULL)
		return NULL;
	size_t o = 0;
	s[o++] = '(';
	for (uint32_t i = 0; i < x->ncols; i++) {
		const char *q = quote_id(ev->a, t->cols[x->cols[i]].name);
		if (q == NULL)
			return NULL;
		o += (size_t)snprintf(s + o, cap - o, "%s%s", i ? ", " : "", q);
		if (with_ops && x->opclass != NULL)
			o += (size_t)snprintf(s + o, cap - o, " %s",
					      x->opclass);
		if (x->flags != NULL && (x->flags[i] & 1))
			o += (size_t)snprintf(s + o, cap - o, " DESC");
	}
	snprintf(s + o, cap - o, ")");
	return s;
}

static int f_indexdef(struct alx_ev *ev, const struct alx_bx *c,
		      const struct alx_value *a, struct alx_value *out)
{
	struct alx_syscat_obj_ref r;
	alx_syscat_lookup(ev->ex->cat, a[0].u.i, &r);
	if (r.kind != ALX_SYSOBJ_INDEX) {
		*out = alx_value_null(ALX_T_TEXT);
		return 0;
	}
	const struct alx_cat_table *t = r.table;
	const struct alx_cat_index *x = r.index;
	int64_t col = c->nargs > 1 && !a[1].null ? a[1].u.i : 0;
	bool pretty = c->nargs > 2 && !a[2].null && a[2].u.b;
	if (col > 0) {
		if (col > x->ncols) {
			*out = alx_value_null(ALX_T_TEXT);
			return 0;
		}
		return text_out(ev,
				quote_id(ev->a, t->cols[x->cols[col - 1]].name),
				out);
	}
	const char *cols = index_cols(ev, t, x, true);
	const char *tn = quote_id(ev->a, t->name);
	if (cols == NULL || tn == NULL)
		return oom(ev);
	const char *qual =
		pretty ? relname(ev, alx_syscat_rel_oid(t->id), true)
		       : alx_arena_printf(ev->a, "%s.%s",
					  quote_id(ev->a, r.schema), tn);
	char *s = alx_arena_printf(
		ev->a, "CREATE %sINDEX %s ON %s USING %s %s%s%s%s",
		x->unique || x->primary ? "UNIQUE " : "",
		quote_id(ev->a, x->name), qual, x->method ? x->method : "btree",
		cols, x->options ? " WITH (" : "", x->options ? x->options : "",
		x->options ? ")" : "");
	return text_out(ev, s, out);
}

/* Whether x is one parenthesised expression: "(a) AND (b)" is not. */
static bool encloses(const char *x, size_t n)
{
	if (n < 2 || x[0] != '(' || x[n - 1] != ')')
		return false;
	int depth = 0;
	bool str = false;
	for (size_t i = 0; i < n; i++) {
		if (x[i] == '\'')
			str = !str;
		if (str)
			continue;
		depth += x[i] == '(' ? 1 : x[i] == ')' ? -1 : 0;
		if (depth == 0 && i + 1 < n)
			return false;
	}
	return true;
}

static int f_constraintdef(struct alx_ev *ev, const struct alx_bx *c,
			   const struct alx_value *a, struct alx_value *out)
{
	struct alx_syscat_obj_ref r;
	alx_syscat_lookup(ev->ex->cat, a[0].u.i, &r);
	if (r.kind == ALX_SYSOBJ_CHECK) {
		/* pretty: the bare expression; else in its own parentheses */
		bool pretty = c->nargs > 1 && !a[1].null && a[1].u.b;
		const char *x = alx_syscat_pretty_expr(
			ev->a, r.table->checks[r.check].expr, NULL);
		if (x == NULL)
			return oom(ev);
		size_t n = strlen(x);
		if (encloses(x, n)) {
			x++;
			n -= 2;
		}
		return text_out(ev,
				alx_arena_printf(ev->a,
						 pretty ? "CHECK (%.*s)"
							: "CHECK ((%.*s))",
						 (int)n, x),
				out);
	}
	if (r.kind == ALX_SYSOBJ_INDEX &&
	    (r.index->primary || r.index->unique)) {
		const char *cols = index_cols(ev, r.table, r.index, false);
		if (cols == NULL)
			return oom(ev);
		return text_out(ev,
				alx_arena_printf(ev->a, "%s %s",
						 r.index->primary
							 ? "PRIMARY KEY"
							 : "UNIQUE",
						 cols),
				out);
	}
	*out = alx_value_null(ALX_T_TEXT);
	return 0;
}

static int f_get_expr(struct alx_ev *ev, const struct alx_bx *c,
		      const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	*out = alx_value_bytes(ALX_T_TEXT, a[0].u.s.ptr, a[0].u.s.len);
	return 0;
}

static int f_table_is_visible(struct alx_ev *ev, const struct alx_bx *c,
			      const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	struct alx_syscat_obj_ref r;
	alx_syscat_lookup(ev->ex->cat, a[0].u.i, &r);
	if (r.kind == ALX_SYSOBJ_NONE || r.kind == ALX_SYSOBJ_CHECK) {
		*out = alx_value_null(ALX_T_BOOL);
		return 0;
	}
	/* visible: the first relation of that name along pg_catalog, then
	 * the search path, is this one */
	uint32_t np = 0;
	const char *const *path = alx_session_search_path(ev->ex->s, &np);
	const char *q = quote_id(ev->a, r.name);
	if (q == NULL)
		return oom(ev);
	int64_t first =
		alx_syscat_relname_oid(ev->ex->cat, path, np, q, strlen(q));
	*out = alx_value_bool(first == a[0].u.i);
	return 0;
}

static int f_true(struct alx_ev *ev, const struct alx_bx *c,
		  const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	(void)a;
	*out = alx_value_bool(true);
	return 0;
}

static int f_false(struct alx_ev *ev, const struct alx_bx *c,
		   const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	(void)a;
	*out = alx_value_bool(false);
	return 0;
}

static int f_null_text(struct alx_ev *ev, const struct alx_bx *c,
		       const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	(void)a;
	*out = alx_value_null(ALX_T_TEXT);
	return 0;
}

static int f_userbyid(struct alx_ev *ev, const struct alx_bx *c,
		      const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	const char *n = alx_syscat_role_name(ev->ex->cat, a[0].u.i);
	if (n == NULL)
		n = alx_arena_printf(ev->a, "unknown (OID=%lld)",
				     (long long)a[0].u.i);
	return text_out(ev, n, out);
}

static int f_encoding_to_char(struct alx_ev *ev, const struct alx_bx *c,
			      const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	return text_out(ev,
			a[0].u.i == 6	? "UTF8"
			: a[0].u.i == 0 ? "SQL_ASCII"
					: "",
			out);
}

/* Sizes: the KV engines keep no per-table size, so 0 bytes. */
static int f_size(struct alx_ev *ev, const struct alx_bx *c,
		  const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	(void)a;
	*out = alx_value_int(ALX_T_INT8, 0);
	return 0;
}

/* pg_size_pretty(bigint), PostgreSQL 15's units and half rounding. */
static int f_size_pretty(struct alx_ev *ev, const struct alx_bx *c,
			 const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	static const struct {
		const char *name;
		int64_t limit;
		bool round;
		int bits;
	} units[] = {
		{"bytes", 10 * 1024, false, 0},
		{"kB", 20 * 1024 - 1, true, 10},
		{"MB", 20 * 1024 - 1, true, 20},
		{"GB", 20 * 1024 - 1, true, 30},
		{"TB", 20 * 1024 - 1, true, 40},
		{"PB", 20 * 1024 - 1, true, 50},
	};
	int64_t size = a[0].u.i;
	size_t nu = sizeof(units) / sizeof(units[0]);
	for (size_t i = 0; i < nu; i++) {
		/* Negating INT64_MIN is UB; PostgreSQL 15 treats it as
		 * larger than every limit (prints "-8192 PB"). */
		int64_t abs = size;
		if (size == INT64_MIN)
			abs = INT64_MAX;
		else if (size < 0)
			abs = -size;
		if (i + 1 == nu || abs < units[i].limit) {
			if (units[i].round)
				size = (size + (size < 0 ? -1 : 1)) / 2;
			return text_out(ev,
					alx_arena_printf(ev->a, "%lld %s",
							 (long long)size,
							 units[i].name),
					out);
		}
		int bits = units[i + 1].bits - units[i].bits -
			   (units[i + 1].round ? 1 : 0) +
			   (units[i].round ? 1 : 0);
		size /= (int64_t)1 << bits;
	}
	return 0;
}

static int f_backend_pid(struct alx_ev *ev, const struct alx_bx *c,
			 const struct alx_value *a, struct alx_value *out)
{
	(void)ev;
	(void)c;
	(void)a;
	*out = alx_value_int(ALX_T_INT4, (int64_t)getpid());
	return 0;
}

static int f_current_schemas(struct alx_ev *ev, const struct alx_bx *c,
			     const struct alx_value *a, struct alx_value *out)
{
	(void)c;
	uint32_t np = 0;
	const char *const *path = alx_session_search_path(ev->ex->s, &np);
	struct alx_value *v = alx_arena_calloc(ev->a, np + 2, sizeof(*v));
	if (v == NULL)
		return oom(ev);
	uint32_t n = 0;
	if (a[0].u.b)
		v[n++] = alx_value_bytes(ALX_T_TEXT, "pg_catalog", 10);
	for (uint32_t i = 0; i < np; i++)
		if (ev->ex->cat && alx_cat_schema_find(ev->ex->cat, path[i]))
			v[n++] = alx_value_bytes(ALX_T_TEXT, path[i],
						 strlen(path[i]));
	return alx_array_literal(ev->a, v, n, ev->ex->fmt, out, ev->ex->d);
}

#define F(n, mn, mx, fl, ret, a0, a1, a2, res, ev)        \
	{                                                 \
		n, mn, mx, fl, ret, {a0, a1, a2}, res, ev \
	}
#define S ALX_FN_STRICT
#define ST (ALX_FN_STRICT | ALX_FN_STABLE)
#define I8 ALX_T_INT8
#define I4 ALX_T_INT4
#define TX ALX_T_TEXT
#define BO ALX_T_BOOL

const struct alx_func_def alx_funcs_syscat[] = {
	F("format_type", 2, 2, 0, TX, I8, I8, 0, NULL, f_format_type),
	F("pg_get_indexdef", 1, 3, ST, TX, I8, I4, BO, NULL, f_indexdef),
	F("pg_get_constraintdef", 1, 2, ST, TX, I8, BO, 0, NULL,
	  f_constraintdef),
	F("pg_get_expr", 2, 3, S, TX, TX, I8, BO, NULL, f_get_expr),
	F("pg_table_is_visible", 1, 1, ST, BO, I8, 0, 0, NULL,
	  f_table_is_visible),
	F("pg_type_is_visible", 1, 1, S, BO, I8, 0, 0, NULL, f_true),
	F("pg_function_is_visible", 1, 1, S, BO, I8, 0, 0, NULL, f_true),
	F("pg_get_userbyid", 1, 1, ST, TX, I8, 0, 0, NULL, f_userbyid),
	F("obj_description", 1, 2, 0, TX, I8, TX, 0, NULL, f_null_text),
	F("col_description", 2, 2, 0, TX, I8, I4, 0, NULL, f_null_text),
	F("shobj_description", 2, 2, 0, TX, I8, TX, 0, NULL, f_null_text),
	F("pg_get_statisticsobjdef_columns", 1, 1, 0, TX, I8, 0, 0, NULL,
	  f_null_text),
	F("pg_get_viewdef", 1, 2, 0, TX, I8, BO, 0, NULL, f_null_text),
	F("pg_get_function_result", 1, 1, 0, TX, I8, 0, 0, NULL, f_null_text),
	F("pg_get_function_arguments", 1, 1, 0, TX, I8, 0, 0, NULL,
	  f_null_text),
	F("pg_relation_is_publishable", 1, 1, S, BO, I8, 0, 0, NULL, f_false),
	F("pg_is_in_recovery", 0, 0, 0, BO, 0, 0, 0, NULL, f_false),
	F("pg_encoding_to_char", 1, 1, S, TX, I4, 0, 0, NULL,
	  f_encoding_to_char),
	F("pg_relation_size", 1, 2, S, I8, I8, TX, 0, NULL, f_size),
	F("pg_table_size", 1, 1, S, I8, I8, 0, 0, NULL, f_size),
	F("pg_indexes_size", 1, 1, S, I8, I8, 0, 0, NULL, f_size),
	F("pg_total_relation_size", 1, 1, S, I8, I8, 0, 0, NULL, f_size),
	F("pg_database_size", 1, 1, S, I8, TX, 0, 0, NULL, f_size),
	F("pg_size_pretty", 1, 1, S, TX, I8, 0, 0, NULL, f_size_pretty),
	F("has_table_privilege", 2, 3, S, BO, TX, TX, TX, NULL, f_true),
	F("has_schema_privilege", 2, 3, S, BO, TX, TX, TX, NULL, f_true),
	F("has_database_privilege", 2, 3, S, BO, TX, TX, TX, NULL, f_true),
	F("has_column_privilege", 3, 4, S, BO, TX, TX, TX, NULL, f_true),
	F("has_sequence_privilege", 2, 3, S, BO, TX, TX, TX, NULL, f_true),
	F("pg_backend_pid", 0, 0, 0, I4, 0, 0, 0, NULL, f_backend_pid),
	F("current_schemas", 1, 1, ST, TX, BO, 0, 0, NULL, f_current_schemas),
	F("quote_ident", 1, 1, S, TX, TX, 0, 0, NULL, f_quote_ident),
	F("array_to_string", 2, 3, S, TX, TX, TX, TX, NULL, f_array_to_string),
	F("array_upper", 2, 2, S, I4, TX, I4, 0, NULL, f_array_upper),
	F("array_lower", 2, 2, S, I4, TX, I4, 0, NULL, f_array_upper),
	F("array_length", 2, 2, S, I4, TX, I4, 0, NULL, f_array_length),
	F("cardinality", 1, 1, S, I4, TX, 0, 0, NULL, f_array_length),
	F("unnest", 1, 1, S | ALX_FN_VOLATILE, TX, TX, 0, 0, NULL,
	  alx_func_srf_outside_from),
	F("textregexeq", 2, 2, S, BO, TX, TX, 0, NULL, f_regex),
	F("textregexne", 2, 2, S, BO, TX, TX, 0, NULL, f_regex),
	F("texticregexeq", 2, 2, S, BO, TX, TX, 0, NULL, f_regex),
	F("texticregexne", 2, 2, S, BO, TX, TX, 0, NULL, f_regex),
	F("regclassin", 1, 1, ST, I8, TX, 0, 0, NULL, f_regclassin),
	F("to_regclass", 1, 1, ST, I8, TX, 0, 0, NULL, f_regclassin),
	F("regclassout", 1, 1, ST, TX, I8, 0, 0, NULL, f_regclassout),
	F("regtypein", 1, 1, ST, I8, TX, 0, 0, NULL, f_regtypein),
	F("regtypeout", 1, 1, S, TX, I8, 0, 0, NULL, f_regtypeout),
	F("regnamespaceout", 1, 1, ST, TX, I8, 0, 0, NULL, f_regnamespaceout),
	F("regroleout", 1, 1, ST, TX, I8, 0, 0, NULL, f_regroleout),
	/* internal: x op ANY (array literal), arr[i] */
	F("alx_any_array", 3, 3, 0, BO, ALX_T_ANY, ALX_T_ANY, ALX_T_ANY,
	  r_any_array, f_any_array),
	F("alx_array_elem", 2, 2, S, ALX_T_UNKNOWN, TX, I4, 0, NULL,
	  f_array_elem),
	{0},
};
