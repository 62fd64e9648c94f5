/*
 * Settings: SET, SET LOCAL, RESET, SHOW. Known settings are checked and
 * normalised as PostgreSQL does; names with a dot are custom settings
 * (alopex.*, anything an extension would own), except the hnsw prefix
 * whose names are fixed; other unknown names are 42704.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "db/db_internal.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_datetime.h"
#include "sql/sql_session_int.h"
#include "sql/sql_vindex.h"

enum {
	K_PLAIN = 0, /* any text */
	K_ENCODING,
	K_DATESTYLE,
	K_TIMEZONE,
	K_FLOATDIGITS,
	K_TIMEOUT,
	K_PATH,
	K_EFSEARCH,
	K_ISOLATION,
	K_BOOL,
	K_READONLY, /* can be shown, not set */
	K_INTERVALSTYLE,
	K_BYTEA_OUTPUT,
};

static const struct known {
	const char *name; /* canonical: SHOW's column header */
	const char *def;
	int kind;
} known[] = {
	{"application_name", "", K_PLAIN},
	{"client_encoding", "UTF8", K_ENCODING},
	{"DateStyle", "ISO, MDY", K_DATESTYLE},
	{"default_transaction_isolation", "read committed", K_ISOLATION},
	{"default_transaction_read_only", "off", K_BOOL},
	{"extra_float_digits", "1", K_FLOATDIGITS},
	{"hnsw.ef_search", "40", K_EFSEARCH},
	{"integer_datetimes", "on", K_READONLY},
	{"IntervalStyle", "postgres", K_INTERVALSTYLE},
	{"is_superuser", "on", K_READONLY},
	{"lc_collate", "C", K_READONLY},
	{"lc_ctype", "C", K_READONLY},
	{"lc_messages", "C", K_PLAIN},
	{"lc_monetary", "C", K_PLAIN},
	{"lc_numeric", "C", K_PLAIN},
	{"lc_time", "C", K_PLAIN},
	{"max_identifier_length", "63", K_READONLY},
	{"search_path", "\"$user\", public", K_PATH},
	{"server_encoding", "UTF8", K_READONLY},
	{"server_version", "15.0", K_READONLY},
	{"server_version_num", "150000", K_READONLY},
	{"session_authorization", "postgres", K_READONLY},
	{"standard_conforming_strings", "on", K_READONLY},
	{"statement_timeout", "0", K_TIMEOUT},
	{"synchronous_commit", "on", K_PLAIN},
	{"TimeZone", "UTC", K_TIMEZONE},
	{"transaction_isolation", "read committed", K_ISOLATION},
	{"transaction_read_only", "off", K_BOOL},
	{"client_min_messages", "notice", K_PLAIN},
	{"row_security", "on", K_BOOL},
	{"lock_timeout", "0", K_TIMEOUT},
	{"idle_in_transaction_session_timeout", "0", K_TIMEOUT},
	{"bytea_output", "hex", K_BYTEA_OUTPUT},
	{"xmloption", "content", K_PLAIN},
	{"intervalstyle", NULL, 0}, /* terminator guard */
};
#define NKNOWN (sizeof(known) / sizeof(known[0]) - 1)

static int oom(struct alx_session *s)
{
	return alx_diag_set(&s->diag, ALOPEX_ENOMEM, "53200", "out of memory");
}

static const struct known *find_known(const char *name)
{
	for (size_t i = 0; i < NKNOWN; i++)
		if (strcasecmp(known[i].name, name) == 0)
			return &known[i];
	return NULL;
}

static struct alx_setting *find(struct alx_session *s, const char *name)
{
	for (uint32_t i = 0; i < s->nsettings; i++)
		if (strcasecmp(s->settings[i].name, name) == 0)
			return &s->settings[i];
	return NULL;
}

static int store(struct alx_session *s, const char *name, const char *value)
{
	struct alx_setting *st = find(s, name);
	char *v = alx_arena_strdup(&s->sa, value);
	if (v == NULL)
		return oom(s);
	if (st != NULL) {
		st->value = v;
		return 0;
	}
	if (s->nsettings == s->capsettings) {
		uint32_t cap = s->capsettings ? s->capsettings * 2 : 64;
		struct alx_setting *p =
			alx_realloc(s->db->rt, s->settings, cap * sizeof(*p));
		if (p == NULL)
			return oom(s);
		s->settings = p;
		s->capsettings = cap;
	}
	char *n = alx_arena_strdup(&s->sa, name);
	if (n == NULL)
		return oom(s);
	s->settings[s->nsettings].name = n;
	s->settings[s->nsettings].value = v;
	s->nsettings++;
	return 0;
}

int alx_session_setting_put(struct alx_session *s, const char *name,
			    const char *value)
{
	return store(s, name, value);
}

const char *alx_session_setting(struct alx_session *s, const char *name)
{
	struct alx_setting *st = find(s, name);
	return st ? st->value : NULL;
}

/* ---- checking values ----------------------------------------------------------- */

static int bad_value(struct alx_session *s, const char *name, const char *v)
{
	return alx_session_err(s, "22023",
			       "invalid value for parameter \"%s\": \"%s\"",
			       name, v);
}

/* search_path "a, \"B\", public" into s->path. */
static int parse_path(struct alx_session *s, const char *v)
{
	char **path = NULL;
	uint32_t n = 0, cap = 0;
	const char *p = v;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		char buf[256];
		size_t k = 0;
		if (*p == '"') {
			p++;
			while (*p && k < sizeof(buf) - 1) {
				if (*p == '"' && p[1] == '"') {
					buf[k++] = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					buf[k++] = *p++;
				}
			}
		} else {
			while (*p && *p != ',' && *p != ' ' &&
			       k < sizeof(buf) - 1)
				buf[k++] = (char)tolower((unsigned char)*p++);
		}
		buf[k] = '\0';
		if (strcmp(buf, "$user") == 0 || k == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			char **np =
				alx_realloc(s->db->rt, path, cap * sizeof(*np));
			if (np == NULL) {
				alx_free(s->db->rt, path);
				return oom(s);
			}
			path = np;
		}
		path[n] = alx_arena_strdup(&s->sa, buf);
		if (path[n] == NULL) {
			alx_free(s->db->rt, path);
			return oom(s);
		}
		n++;
	}
	alx_free(s->db->rt, s->path);
	s->path = path;
	s->npath = n;
	return 0;
}

/* parse_ms: a number and unit, outside 0 .. INT_MAX ms (*out set). */
#define PARSE_MS_RANGE (-2)

static int parse_ms(const char *v, int64_t *out)
{
	char *end;
	double x = strtod(v, &end);
	while (*end == ' ')
		end++;
	double mul = 1;
	if (*end == '\0' || strcmp(end, "ms") == 0)
		mul = 1;
	else if (strcmp(end, "s") == 0)
		mul = 1000;
	else if (strcmp(end, "min") == 0)
		mul = 60000;
	else if (strcmp(end, "h") == 0)
		mul = 3600000;
	else if (strcmp(end, "d") == 0)
		mul = 86400000;
	else if (strcmp(end, "us") == 0)
		mul = 0.001;
	else
		return -1;
	if (end == v || !isfinite(x))
		return -1;
	double ms = rint(x * mul);
	if (ms < 0 || ms > 2147483647.0) {
		*out = ms < -1e15  ? (int64_t)-1e15
		       : ms > 1e15 ? (int64_t)1e15
				   : (int64_t)ms;
		return PARSE_MS_RANGE;
	}
	*out = (int64_t)ms;
	return 0;
}

/*
 * Check and normalise value for setting k; apply side effects (format,
 * path) when apply is set. *out: what SHOW will print.
 */
static int check_value(struct alx_session *s, const struct known *k,
		       const char *v, char *out, size_t outsz, bool apply)
{
	char *end;
	long n;
	snprintf(out, outsz, "%s", v);
	switch (k->kind) {
	case K_READONLY:
		return alx_session_err(s, "55P02",
				       "parameter \"%s\" cannot be changed",
				       k->name);
	case K_ENCODING:
		if (strcasecmp(v, "utf8") != 0 && strcasecmp(v, "utf-8") != 0 &&
		    strcasecmp(v, "unicode") != 0)
			return alx_session_err(s, "0A000",
					       "client encoding \"%s\" is not "
					       "supported: Alopex speaks UTF8",
					       v);
		snprintf(out, outsz, "UTF8");
		return 0;
	case K_DATESTYLE: {
		bool iso = false, other = false;
		char buf[64];
		snprintf(buf, sizeof(buf), "%s", v);
		for (char *tok = strtok(buf, ", "); tok;
		     tok = strtok(NULL, ", ")) {
			if (strcasecmp(tok, "iso") == 0)
				iso = true;
			else if (strcasecmp(tok, "mdy") == 0 ||
				 strcasecmp(tok, "us") == 0 ||
				 strcasecmp(tok, "noneuro") == 0 ||
				 strcasecmp(tok, "noneuropean") == 0 ||
				 strcasecmp(tok, "default") == 0)
				;
			else if (strcasecmp(tok, "sql") == 0 ||
				 strcasecmp(tok, "postgres") == 0 ||
				 strcasecmp(tok, "german") == 0 ||
				 strcasecmp(tok, "ymd") == 0 ||
				 strcasecmp(tok, "dmy") == 0 ||
				 strcasecmp(tok, "euro") == 0 ||
				 strcasecmp(tok, "european") == 0)
				other = true;
			else
				return alx_session_err(
					s, "22023",
					"invalid value for parameter "
					"\"%s\": \"%s\"\nUnrecognized key "
					"word: \"%s\".",
					k->name, v, tok);
		}
		if (other || !iso)
			return alx_session_err(s, "0A000",
					       "DateStyle \"%s\" is not "
					       "supported: only ISO, MDY",
					       v);
		snprintf(out, outsz, "ISO, MDY");
		return 0;
	}
	case K_BYTEA_OUTPUT:
		/* Values print in hex only: refuse escape rather than accept
		 * it and print hex anyway. */
		if (strcasecmp(v, "escape") == 0)
			return alx_session_err(s, "0A000",
					       "bytea_output \"%s\" is not "
					       "supported: only hex",
					       v);
		if (strcasecmp(v, "hex") != 0)
			return bad_value(s, k->name, v);
		snprintf(out, outsz, "hex");
		return 0;
	case K_INTERVALSTYLE: {
		static const char *const styles[] = {
			[ALX_INTERVALSTYLE_POSTGRES] = "postgres",
			[ALX_INTERVALSTYLE_POSTGRES_VERBOSE] =
				"postgres_verbose",
			[ALX_INTERVALSTYLE_SQL_STANDARD] = "sql_standard",
			[ALX_INTERVALSTYLE_ISO_8601] = "iso_8601",
		};
		for (int i = 0; i < 4; i++) {
			if (strcasecmp(v, styles[i]) != 0)
				continue;
			snprintf(out, outsz, "%s", styles[i]);
			if (apply)
				s->fmt.intervalstyle = i;
			return 0;
		}
		return bad_value(s, k->name, v);
	}
	case K_TIMEZONE: {
		if (strcasecmp(v, "local") == 0 ||
		    strcasecmp(v, "default") == 0)
			v = "UTC";
		struct alx_arena tmp;
		alx_arena_init(&tmp, s->db->rt, 0);
		struct alx_tz *tz;
		int rc = alx_tz_load(&tmp, v, strlen(v), &tz, &s->diag);
		alx_arena_fini(&tmp);
		if (rc != 0)
			return bad_value(s, k->name, v);
		snprintf(out, outsz, "%s", v);
		if (apply) {
			alx_arena_reset(&s->tza);
			rc = alx_tz_load(&s->tza, v, strlen(v), &tz, &s->diag);
			if (rc != 0)
				return rc;
			s->fmt.tz = tz;
			s->fmt.tz_offset_sec = 0;
		}
		return 0;
	}
	case K_FLOATDIGITS: {
		/* An integer setting takes a fraction, rounded half to even
		 * (PostgreSQL's rint). */
		double x = strtod(v, &end);
		while (*end == ' ')
			end++;
		if (*v == '\0' || *end != '\0' || !isfinite(x) || fabs(x) > 1e9)
			return alx_session_err(s, "22023",
					       "invalid value for parameter "
					       "\"%s\": \"%s\"",
					       k->name, v);
		n = (long)rint(x);
		if (n < -15 || n > 3)
			return alx_session_err(
				s, "22023",
				"%ld is outside the valid range "
				"for parameter \"%s\" (-15 .. 3)",
				n, k->name);
		if (apply)
			s->fmt.extra_float_digits = (int)n;
		snprintf(out, outsz, "%ld", n);
		return 0;
	}
	case K_TIMEOUT: {
		int64_t ms;
		int prc = parse_ms(v, &ms);
		if (prc == PARSE_MS_RANGE)
			return alx_session_err(s, "22023",
					       "%lld ms is outside the valid "
					       "range for parameter \"%s\" "
					       "(0 .. 2147483647)",
					       (long long)ms, k->name);
		if (prc != 0)
			return bad_value(s, k->name, v);
		if (apply && strcmp(k->name, "statement_timeout") == 0)
			s->timeout_ms = ms;
		if (apply && strcmp(k->name, "lock_timeout") == 0)
			s->lock_timeout_ms = ms;
		/* SHOW: the largest unit that divides it, as PostgreSQL. */
		static const struct {
			const char *unit;
			int64_t ms;
		} units[] = {{"d", 86400000},
			     {"h", 3600000},
			     {"min", 60000},
			     {"s", 1000},
			     {"ms", 1}};
		if (ms == 0) {
			snprintf(out, outsz, "0");
			return 0;
		}
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			if (ms % units[i].ms == 0) {
				snprintf(out, outsz, "%lld%s",
					 (long long)(ms / units[i].ms),
					 units[i].unit);
				break;
			}
		}
		return 0;
	}
	case K_PATH:
		return apply ? parse_path(s, v) : 0;
	case K_EFSEARCH:
		n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0')
			return alx_session_err(s, "22023",
					       "invalid value for parameter "
					       "\"%s\": \"%s\"",
					       k->name, v);
		long lo = 1, hi = 1000;
		/* the range is the plugin's (its query_options schema) */
		alx_vsql_query_bounds(s, "hnsw", "ef_search", &lo, &hi);
		if (n < lo || n > hi)
			return alx_session_err(
				s, "22023",
				"%ld is outside the valid range "
				"for parameter \"%s\" (%ld .. %ld)",
				n, k->name, lo, hi);
		return 0;
	case K_ISOLATION:
		if (strcasecmp(v, "serializable") == 0)
			return alx_session_err_serializable(s);
		if (strcasecmp(v, "repeatable read") != 0 &&
		    strcasecmp(v, "read committed") != 0 &&
		    strcasecmp(v, "read uncommitted") != 0)
			return bad_value(s, k->name, v);
		if (apply) {
			/* READ UNCOMMITTED runs as READ COMMITTED, as in
			 * PostgreSQL. */
			bool rr = strcasecmp(v, "repeatable read") == 0;
			int rc = strcmp(k->name, "transaction_isolation") == 0
					 ? alx_session_set_txn_isolation(s, rr)
					 : 0;
			if (rc != 0)
				return rc;
			if (strcmp(k->name, "default_transaction_isolation") ==
			    0)
				s->iso_rr_default = rr;
		}
		snprintf(out, outsz, "%s",
			 strcasecmp(v, "repeatable read") == 0
				 ? "repeatable read"
			 : strcasecmp(v, "read committed") == 0
				 ? "read committed"
				 : "read uncommitted");
		return 0;
	case K_BOOL:
		if (strcasecmp(v, "on") == 0 || strcasecmp(v, "true") == 0 ||
		    strcmp(v, "1") == 0 || strcasecmp(v, "yes") == 0)
			snprintf(out, outsz, "on");
		else if (strcasecmp(v, "off") == 0 ||
			 strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
			 strcasecmp(v, "no") == 0)
			snprintf(out, outsz, "off");
		else
			return alx_session_err(s, "22023",
					       "parameter \"%s\" requires a "
					       "Boolean value",
					       k->name);
		return 0;
	default:
		return 0;
	}
}

int alx_session_settings_init(struct alx_session *s)
{
	for (size_t i = 0; i < NKNOWN; i++) {
		char out[256];
		int rc = store(s, known[i].name, known[i].def);
		if (rc == 0 && known[i].kind != K_READONLY)
			rc = check_value(s, &known[i], known[i].def, out,
					 sizeof(out), true);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- SET, RESET, SHOW ------------------------------------------------------------- */

/* Whether SHOW must quote schema name t (PostgreSQL's quote_ident rule,
 * keywords aside): anything but a lower-case letter or underscore, then
 * lower-case letters, digits, underscores and dollars. */
static bool needs_quotes(const char *t)
{
	if (!((*t >= 'a' && *t <= 'z') || *t == '_'))
		return true;
	for (const char *c = t + 1; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		      *c == '_' || *c == '$'))
			return true;
	return false;
}

static int value_text(struct alx_session *s, const struct alx_sql_set *st,
		      char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < st->nvalues; i++) {
		const struct alx_sql_val *v = &st->values[i];
		const char *t = v->text.ptr ? v->text.ptr : "";
		/* search_path's items are schema names (a lone string is the
		 * whole list as text): kept quoted where a name needs it, so
		 * SHOW prints them as PostgreSQL does and parse_path keeps
		 * their case. */
		bool name =
			strcmp(st->name.ptr, "search_path") == 0 &&
			(v->kind == ALX_SQL_VAL_WORD ||
			 (v->kind == ALX_SQL_VAL_STRING && st->nvalues > 1));
		if (v->kind == ALX_SQL_VAL_LIST || v->kind == ALX_SQL_VAL_STAR)
			return alx_session_err(s, "22023",
					       "invalid value for parameter "
					       "\"%s\"",
					       st->name.ptr);
		if (i > 0)
			n += (size_t)snprintf(buf + n, n < size ? size - n : 0,
					      ", ");
		if (name && needs_quotes(t)) {
			n += (size_t)snprintf(buf + n, n < size ? size - n : 0,
					      "\"");
			for (const char *c = t; *c; c++)
				n += (size_t)snprintf(
					buf + n, n < size ? size - n : 0,
					*c == '"' ? "\"\"" : "%c", *c);
			n += (size_t)snprintf(buf + n, n < size ? size - n : 0,
					      "\"");
		} else {
			n += (size_t)snprintf(buf + n, n < size ? size - n : 0,
					      "%s", t);
		}
	}
	if (n >= size)
		return alx_session_err(s, "22023", "value too long");
	return 0;
}

static int remember_old(struct alx_session *s, const char *name, bool local)
{
	if (s->nlocals == s->caplocals) {
		uint32_t cap = s->caplocals ? s->caplocals * 2 : 8;
		struct alx_local_undo *p =
			alx_realloc(s->db->rt, s->locals, cap * sizeof(*p));
		if (p == NULL)
			return oom(s);
		s->locals = p;
		s->caplocals = cap;
	}
	const char *old = alx_session_setting(s, name);
	struct alx_local_undo *u = &s->locals[s->nlocals];
	u->name = alx_arena_strdup(&s->sa, name);
	u->old = old ? alx_arena_strdup(&s->sa, old) : NULL;
	u->local = local;
	if (u->name == NULL || (old && u->old == NULL))
		return oom(s);
	/* A plain SET outlives the block's SET LOCALs of the same setting
	 * at COMMIT: theirs are kept only for a rollback. */
	for (uint32_t i = 0; !local && i < s->nlocals; i++)
		if (s->locals[i].local &&
		    strcasecmp(s->locals[i].name, name) == 0)
			s->locals[i].local = false;
	s->nlocals++;
	return 0;
}

static void undo_one(struct alx_session *s, const struct alx_local_undo *u)
{
	if (u->old == NULL) {
		/* A custom setting first set in the block stays defined,
		 * empty, as PostgreSQL's placeholder does. */
		store(s, u->name, "");
		return;
	}
	const struct known *k = find_known(u->name);
	char out[256];
	if (k != NULL)
		check_value(s, k, u->old, out, sizeof(out), true);
	store(s, u->name, u->old);
}

void alx_session_settings_undo(struct alx_session *s, uint32_t mark)
{
	while (s->nlocals > mark)
		undo_one(s, &s->locals[--s->nlocals]);
}

void alx_session_local_end(struct alx_session *s, bool committed)
{
	while (s->nlocals > 0) {
		const struct alx_local_undo *u = &s->locals[--s->nlocals];
		if (u->local || !committed)
			undo_one(s, u);
	}
}

static int set_one(struct alx_session *s, const char *name, const char *value,
		   bool local)
{
	const struct known *k = find_known(name);
	if (k == NULL) {
		const char *dot = strchr(name, '.');
		if (dot == NULL)
			return alx_session_err(s, "42704",
					       "unrecognized configuration "
					       "parameter \"%s\"",
					       name);
		if (strncasecmp(name, "hnsw.", 5) == 0)
			return alx_session_err(
				s, "42602",
				"invalid configuration parameter name \"%s\"\n"
				"\"hnsw\" is a reserved prefix.",
				name);
	}
	char out[512];
	if (k != NULL) {
		int rc = check_value(s, k, value, out, sizeof(out), false);
		if (rc != 0)
			return rc;
	} else {
		snprintf(out, sizeof(out), "%s", value);
	}
	if (local) {
		if (s->state == ALX_TXN_IDLE && !s->implicit) {
			alx_session_notice(s, "WARNING", "25P01",
					   "SET LOCAL can only be used in "
					   "transaction blocks");
			return 0;
		}
		int rc = remember_old(s, k ? k->name : name, true);
		if (rc != 0)
			return rc;
	} else if (s->state != ALX_TXN_IDLE) {
		int rc = remember_old(s, k ? k->name : name, false);
		if (rc != 0)
			return rc;
	}
	if (k != NULL) {
		char tmp[512];
		int rc = check_value(s, k, value, tmp, sizeof(tmp), true);
		if (rc != 0)
			return rc;
	}
	return store(s, k ? k->name : name, out);
}

int alx_session_set(struct alx_session *s, const struct alx_sql_set *st,
		    char *tag, size_t tagsz)
{
	char value[512];
	int rc;
	switch (st->kind) {
	case ALX_SQL_SET_VALUE:
		snprintf(tag, tagsz, "SET");
		rc = value_text(s, st, value, sizeof(value));
		if (rc != 0)
			return rc;
		return set_one(s, st->name.ptr, value, st->local);
	case ALX_SQL_SET_DEFAULT:
	case ALX_SQL_SET_RESET: {
		snprintf(tag, tagsz,
			 st->kind == ALX_SQL_SET_RESET ? "RESET" : "SET");
		const struct known *k = find_known(st->name.ptr);
		if (k != NULL)
			return set_one(s, st->name.ptr, k->def, st->local);
		if (strchr(st->name.ptr, '.') == NULL)
			return alx_session_err(s, "42704",
					       "unrecognized configuration "
					       "parameter \"%s\"",
					       st->name.ptr);
		/* PostgreSQL keeps the placeholder, empty. */
		return store(s, st->name.ptr, "");
	}
	case ALX_SQL_SET_RESET_ALL:
		snprintf(tag, tagsz, "RESET");
		for (size_t i = 0; i < NKNOWN; i++) {
			if (known[i].kind == K_READONLY)
				continue;
			rc = set_one(s, known[i].name, known[i].def, false);
			if (rc != 0)
				return rc;
		}
		return 0;
	case ALX_SQL_SET_TRANSACTION:
	case ALX_SQL_SET_SESSION_DEFAULTS:
		snprintf(tag, tagsz, "SET");
		if (st->modes.isolation == ALX_SQL_ISO_SERIALIZABLE)
			return alx_session_err_serializable(s);
		if (st->kind == ALX_SQL_SET_TRANSACTION &&
		    s->state == ALX_TXN_IDLE) {
			alx_session_notice(s, "WARNING", "25P01",
					   "SET TRANSACTION can only be used "
					   "in transaction blocks");
			return 0;
		}
		if (st->modes.isolation != ALX_SQL_ISO_DEFAULT) {
			bool rr = st->modes.isolation ==
				  ALX_SQL_ISO_REPEATABLE_READ;
			const char *name = st->kind == ALX_SQL_SET_TRANSACTION
						   ? "transaction_isolation"
						   : "default_transaction_"
						     "isolation";
			rc = set_one(s, name,
				     rr ? "repeatable read"
				     : st->modes.isolation ==
						     ALX_SQL_ISO_READ_COMMITTED
					     ? "read committed"
					     : "read uncommitted",
				     st->kind == ALX_SQL_SET_TRANSACTION);
			if (rc != 0)
				return rc;
		}
		if (st->modes.read_only == 1 && s->state != ALX_TXN_IDLE)
			s->read_only = true;
		return 0;
	default:
		return alx_session_err(s, "0A000",
				       "SET FROM CURRENT is not supported");
	}
}

int alx_session_show(struct alx_session *s, const char *name, const char **col,
		     const char **value)
{
	const struct known *k = find_known(name);
	struct alx_setting *st = find(s, name);
	if (st == NULL)
		return alx_session_err(s, "42704",
				       "unrecognized configuration parameter "
				       "\"%s\"",
				       name);
	*col = k ? k->name : st->name;
	*value = st->value;
	/* The open transaction's level; outside one, the default's. */
	if (k != NULL && strcmp(k->name, "transaction_isolation") == 0) {
		if (s->state != ALX_TXN_IDLE)
			*value = s->iso_rr ? "repeatable read"
					   : "read committed";
		else if ((st = find(s, "default_transaction_isolation")) !=
			 NULL)
			*value = st->value;
	}
	return 0;
}
