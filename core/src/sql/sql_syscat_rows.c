/*
 * Rows of the virtual system catalogs, computed from the execution's
 * catalog (the statement's snapshot, with its transaction's own DDL) and
 * session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/alx_arena.h"
#include "sql/sql_exec.h"
#include "sql/sql_roles.h"
#include "sql/sql_session.h"
#include "sql/sql_session_int.h"
#include "sql/sql_syscat.h"
#include "sql/sql_syscat_int.h"

struct fill {
	struct alx_exec *ex;
	struct alx_arena *a;
	const struct alx_catalog *cat;
	struct alx_syscat_cols cols;
	struct alx_value **rows;
	uint32_t nrows, cap;
	struct alx_value *cur;
	int rc;
};

static int col_of(struct fill *f, const char *name)
{
	for (uint32_t i = 0; i < f->cols.n; i++)
		if (strcmp(f->cols.names[i], name) == 0)
			return (int)i;
	if (f->rc == 0)
		f->rc = alx_exec_err(f->ex, "XX000",
				     "system catalog column %s missing", name);
	return -1;
}

static void row_new(struct fill *f)
{
	f->cur = NULL;
	if (f->rc != 0)
		return;
	if (f->nrows == f->cap) {
		uint32_t cap = f->cap ? f->cap * 2 : 32;
		struct alx_value **r = alx_arena_alloc(f->a, cap * sizeof(*r));
		if (r == NULL) {
			f->rc = alx_exec_oom(f->ex);
			return;
		}
		if (f->nrows > 0)
			memcpy(r, f->rows, f->nrows * sizeof(*r));
		f->rows = r;
		f->cap = cap;
	}
	struct alx_value *v =
		alx_arena_alloc(f->a, (f->cols.n + 1) * sizeof(*v));
	if (v == NULL) {
		f->rc = alx_exec_oom(f->ex);
		return;
	}
	for (uint32_t i = 0; i < f->cols.n; i++)
		v[i] = alx_value_null(alx_syscat_spec_type(f->cols.letters[i]));
	f->rows[f->nrows++] = v;
	f->cur = v;
}

static void set_text(struct fill *f, const char *col, const char *s)
{
	int c = col_of(f, col);
	if (c < 0 || f->cur == NULL || s == NULL)
		return;
	f->cur[c] = alx_value_bytes(ALX_T_TEXT, s, strlen(s));
}

static void set_int(struct fill *f, const char *col, int64_t v)
{
	int c = col_of(f, col);
	if (c < 0 || f->cur == NULL)
		return;
	int t = alx_syscat_spec_type(f->cols.letters[c]);
	if (t == ALX_T_FLOAT4) {
		f->cur[c] = alx_value_float(t, (double)v);
		return;
	}
	if (t == ALX_T_TEXT) {
		set_text(f, col, alx_arena_printf(f->a, "%lld", (long long)v));
		return;
	}
	f->cur[c] = alx_value_int(t, v);
}

static void set_bool(struct fill *f, const char *col, bool b)
{
	int c = col_of(f, col);
	if (c < 0 || f->cur == NULL)
		return;
	f->cur[c] = alx_value_bool(b);
}

static void set_char(struct fill *f, const char *col, char ch)
{
	char *s = alx_arena_alloc(f->a, 2);
	if (s == NULL) {
		if (f->rc == 0)
			f->rc = alx_exec_oom(f->ex);
		return;
	}
	s[0] = ch;
	s[1] = 0;
	set_text(f, col, s);
}

/* Several columns of the same kind at once: "a,b,c". */
static void set_bools(struct fill *f, const char *cols, bool b)
{
	char name[64];
	const char *p = cols;
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, p, n);
		name[n] = 0;
		set_bool(f, name, b);
		p += n;
		if (*p == ',')
			p++;
	}
}

static void set_ints(struct fill *f, const char *cols, int64_t v)
{
	char name[64];
	const char *p = cols;
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, p, n);
		name[n] = 0;
		set_int(f, name, v);
		p += n;
		if (*p == ',')
			p++;
	}
}

static const char *schema_of(const struct alx_catalog *cat, uint32_t id)
{
	const struct alx_cat_schema *s = alx_cat_schema_by_id(cat, id);
	return s ? s->name : "public";
}

uint32_t alx_syscat_am_oid(const char *method)
{
	if (method == NULL || strcmp(method, "btree") == 0)
		return ALX_AM_BTREE;
	if (strcmp(method, "hnsw") == 0)
		return ALX_AM_HNSW;
	if (strcmp(method, "flat") == 0)
		return ALX_AM_FLAT;
	return 0;
}

/* ---- pg_class, pg_namespace ------------------------------------------- */

static void class_common(struct fill *f)
{
	set_ints(f,
		 "reltype,reloftype,reltablespace,relpages,relallvisible,"
		 "reltoastrelid,relrewrite,relchecks",
		 0);
	set_int(f, "relowner", ALX_OID_BOOTSTRAP_ROLE);
	set_int(f, "reltuples", -1);
	set_bools(f,
		  "relhasindex,relisshared,relhasrules,relhastriggers,"
		  "relhassubclass,relrowsecurity,relforcerowsecurity,"
		  "relispartition",
		  false);
	set_bool(f, "relispopulated", true);
	set_char(f, "relpersistence", 'p');
	set_char(f, "relreplident", 'n');
}

static void fill_class(struct fill *f)
{
	const struct alx_catalog *cat = f->cat;
	for (uint32_t i = 0; i < cat->ntables; i++) {
		const struct alx_cat_table *t = cat->tables[i];
		uint32_t oid = alx_syscat_rel_oid(t->id);
		row_new(f);
		class_common(f);
		set_int(f, "oid", oid);
		set_int(f, "relfilenode", oid);
		set_text(f, "relname", t->name);
		set_int(f, "relnamespace", alx_syscat_schema_oid(t->schema_id));
		set_int(f, "relam", ALX_AM_HEAP);
		set_char(f, "relkind", 'r');
		set_char(f, "relreplident", 'd');
		set_int(f, "relnatts", t->ncols);
		set_int(f, "relchecks", t->nchecks);
		set_bool(f, "relhasindex", t->nindexes > 0);
		for (uint32_t k = 0; k < t->nindexes; k++) {
			const struct alx_cat_index *x = &t->indexes[k];
			uint32_t xo = alx_syscat_index_oid(t->id, x->id);
			row_new(f);
			class_common(f);
			set_int(f, "oid", xo);
			set_int(f, "relfilenode", xo);
			set_text(f, "relname", x->name);
			set_int(f, "relnamespace",
				alx_syscat_schema_oid(t->schema_id));
			set_int(f, "relam", alx_syscat_am_oid(x->method));
			set_char(f, "relkind", 'i');
			set_int(f, "relnatts", x->ncols);
			set_int(f, "reltuples", 0);
			set_text(f, "reloptions",
				 x->options ? alx_arena_printf(f->a, "{%s}",
							       x->options)
					    : NULL);
		}
	}
	for (uint32_t i = 0; i < cat->nsequences; i++) {
		const struct alx_cat_sequence *s = cat->sequences[i];
		uint32_t oid = alx_syscat_rel_oid(s->id);
		row_new(f);
		class_common(f);
		set_int(f, "oid", oid);
		set_int(f, "relfilenode", oid);
		set_text(f, "relname", s->name);
		set_int(f, "relnamespace", alx_syscat_schema_oid(s->schema_id));
		set_int(f, "relam", 0);
		set_char(f, "relkind", 'S');
		set_int(f, "relnatts", 3);
		set_int(f, "reltuples", 1);
	}
	for (const struct alx_syscat_def *d = alx_syscat_defs; d->name; d++) {
		row_new(f);
		class_common(f);
		set_int(f, "oid", d->oid);
		set_int(f, "relfilenode", 0);
		set_text(f, "relname", d->name);
		set_int(f, "relnamespace",
			strcmp(d->schema, "pg_catalog") == 0
				? ALX_OID_PG_CATALOG
				: ALX_OID_INFO_SCHEMA);
		set_int(f, "relam", d->relkind == 'r' ? ALX_AM_HEAP : 0);
		set_char(f, "relkind", d->relkind);
		uint32_t n = 1;
		for (const char *p = d->spec; *p; p++)
			n += *p == ',';
		set_int(f, "relnatts", n);
	}
}

static void fill_namespace(struct fill *f)
{
	row_new(f);
	set_int(f, "oid", ALX_OID_PG_CATALOG);
	set_text(f, "nspname", "pg_catalog");
	set_int(f, "nspowner", ALX_OID_BOOTSTRAP_ROLE);
	row_new(f);
	set_int(f, "oid", ALX_OID_INFO_SCHEMA);
	set_text(f, "nspname", "information_schema");
	set_int(f, "nspowner", ALX_OID_BOOTSTRAP_ROLE);
	bool have_public = false;
	for (uint32_t i = 0; i < f->cat->nschemas; i++) {
		const struct alx_cat_schema *s = f->cat->schemas[i];
		have_public |= s->id == ALX_CAT_PUBLIC_SCHEMA_ID;
		row_new(f);
		set_int(f, "oid", alx_syscat_schema_oid(s->id));
		set_text(f, "nspname", s->name);
		set_int(f, "nspowner", ALX_OID_BOOTSTRAP_ROLE);
	}
	(void)have_public;
}

/* ---- pg_attribute, pg_attrdef, pg_type ---------------------------------- */

static char typstorage(int id)
{
	const struct alx_type_info *ti = alx_type_info(id);
	if (ti->typlen > 0)
		return 'p';
	if (id == ALX_T_NUMERIC)
		return 'm';
	if (id == ALX_T_VECTOR)
		return 'e';
	return 'x';
}

static char typalign(int id)
{
	const struct alx_type_info *ti = alx_type_info(id);
	switch (ti->typlen) {
	case 1:
		return 'c';
	case 2:
		return 's';
	case 8:
		return 'd';
	default:
		return 'i';
	}
}

static bool is_collatable(int id)
{
	return id == ALX_T_TEXT || id == ALX_T_VARCHAR || id == ALX_T_BPCHAR;
}

static void attr_row(struct fill *f, uint32_t relid, const char *name,
		     struct alx_type t, int attnum, bool notnull, bool hasdef,
		     bool dropped)
{
	const struct alx_type_info *ti = alx_type_info(t.id);
	row_new(f);
	set_int(f, "attrelid", relid);
	set_int(f, "atttypid", dropped ? 0 : ti->oid);
	set_int(f, "attstattarget", -1);
	set_int(f, "attlen", ti->typlen);
	set_int(f, "attnum", attnum);
	set_int(f, "attndims", 0);
	set_int(f, "attcacheoff", -1);
	set_int(f, "atttypmod", alx_syscat_typmod(t));
	set_bool(f, "attbyval", ti->typlen > 0 && ti->typlen <= 8);
	set_char(f, "attalign", typalign(t.id));
	set_char(f, "attstorage", typstorage(t.id));
	set_text(f, "attcompression", "");
	set_bool(f, "attnotnull", notnull);
	set_bool(f, "atthasdef", hasdef);
	set_bool(f, "atthasmissing", false);
	set_text(f, "attidentity", "");
	set_text(f, "attgenerated", "");
	set_bool(f, "attisdropped", dropped);
	set_bool(f, "attislocal", true);
	set_int(f, "attinhcount", 0);
	set_int(f, "attcollation", is_collatable(t.id) ? 100 : 0);
	if (dropped)
		set_text(f, "attname",
			 alx_arena_printf(f->a, "........pg.dropped.%d........",
					  attnum));
	else
		set_text(f, "attname", name);
}

static void fill_attribute(struct fill *f)
{
	const struct alx_catalog *cat = f->cat;
	for (uint32_t i = 0; i < cat->ntables; i++) {
		const struct alx_cat_table *t = cat->tables[i];
		for (uint32_t c = 0; c < t->ncols; c++) {
			const struct alx_cat_column *col = &t->cols[c];
			attr_row(f, alx_syscat_rel_oid(t->id), col->name,
				 col->type, (int)c + 1, col->notnull,
				 col->default_expr != NULL, col->dropped);
		}
		for (uint32_t k = 0; k < t->nindexes; k++) {
			const struct alx_cat_index *x = &t->indexes[k];
			for (uint32_t c = 0; c < x->ncols; c++) {
				const struct alx_cat_column *col =
					&t->cols[x->cols[c]];
				attr_row(f, alx_syscat_index_oid(t->id, x->id),
					 col->name, col->type, (int)c + 1,
					 false, false, false);
			}
		}
	}
	for (uint32_t i = 0; i < cat->nsequences; i++) {
		const struct alx_cat_sequence *s = cat->sequences[i];
		uint32_t o = alx_syscat_rel_oid(s->id);
		attr_row(f, o, "last_value", alx_type_make(ALX_T_INT8), 1, true,
			 false, false);
		attr_row(f, o, "log_cnt", alx_type_make(ALX_T_INT8), 2, true,
			 false, false);
		attr_row(f, o, "is_called", alx_type_make(ALX_T_BOOL), 3, true,
			 false, false);
	}
	/* the virtual tables' own columns (\d pg_class) */
	for (const struct alx_syscat_def *d = alx_syscat_defs; d->name; d++) {
		struct alx_syscat_cols c;
		if (alx_syscat_spec_parse(f->a, d->spec, &c) != 0) {
			if (f->rc == 0)
				f->rc = alx_exec_oom(f->ex);
			return;
		}
		for (uint32_t k = 0; k < c.n; k++) {
			int id = alx_syscat_spec_type(c.letters[k]);
			attr_row(f, d->oid, c.names[k], alx_type_make(id),
				 (int)k + 1, false, false, false);
			set_int(f, "atttypid",
				alx_syscat_spec_typoid(c.letters[k]));
			if (c.letters[k] == 'n' || c.letters[k] == 'c') {
				set_int(f, "attlen",
					c.letters[k] == 'n' ? 64 : 1);
				set_char(f, "attstorage", 'p');
				set_int(f, "attcollation",
					c.letters[k] == 'n' ? 950 : 0);
			}
		}
	}
}

static void fill_attrdef(struct fill *f)
{
	const struct alx_catalog *cat = f->cat;
	for (uint32_t i = 0; i < cat->ntables; i++) {
		const struct alx_cat_table *t = cat->tables[i];
		for (uint32_t c = 0; c < t->ncols; c++) {
			const struct alx_cat_column *col = &t->cols[c];
			if (col->default_expr == NULL || col->dropped)
				continue;
			row_new(f);
			set_int(f, "oid",
				ALX_OID_DEFAULT_BASE + (t->id << 10) + c);
			set_int(f, "adrelid", alx_syscat_rel_oid(t->id));
			set_int(f, "adnum", c + 1);
			set_text(f, "adbin",
				 alx_syscat_pretty_expr(f->a, col->default_expr,
							&col->type));
		}
	}
}

static void type_row(struct fill *f, uint32_t oid, const char *name,
		     uint32_t nsp, int typlen, char category, char storage,
		     uint32_t collation)
{
	row_new(f);
	set_int(f, "oid", oid);
	set_text(f, "typname", name);
	set_int(f, "typnamespace", nsp);
	set_int(f, "typowner", ALX_OID_BOOTSTRAP_ROLE);
	set_int(f, "typlen", typlen);
	set_bool(f, "typbyval", typlen > 0 && typlen <= 8);
	set_char(f, "typtype", 'b');
	set_char(f, "typcategory", category);
	set_bool(f, "typispreferred", false);
	set_bool(f, "typisdefined", true);
	set_char(f, "typdelim", ',');
	set_ints(f, "typrelid,typelem,typarray,typbasetype,typndims", 0);
	set_text(f, "typsubscript", "-");
	set_text(f, "typinput", alx_arena_printf(f->a, "%sin", name));
	set_text(f, "typoutput", alx_arena_printf(f->a, "%sout", name));
	set_text(f, "typreceive", alx_arena_printf(f->a, "%srecv", name));
	set_text(f, "typsend", alx_arena_printf(f->a, "%ssend", name));
	set_text(f, "typmodin", "-");
	set_text(f, "typmodout", "-");
	set_text(f, "typanalyze", "-");
	set_char(f, "typalign", typlen == 8 ? 'd' : typlen == 2 ? 's' : 'i');
	set_char(f, "typstorage", storage);
	set_bool(f, "typnotnull", false);
	set_int(f, "typtypmod", -1);
	set_int(f, "typcollation", collation);
}

static void fill_type(struct fill *f)
{
	for (int id = 0; id < ALX_T_COUNT_; id++) {
		const struct alx_type_info *ti = alx_type_info(id);
		if (ti == NULL || ti->name == NULL)
			continue;
		type_row(f, ti->oid, ti->pgname,
			 id == ALX_T_VECTOR ? ALX_OID_PUBLIC
					    : ALX_OID_PG_CATALOG,
			 ti->typlen, ti->category, typstorage(id),
			 is_collatable(id) ? 100 : 0);
		if (id == ALX_T_BOOL)
			set_char(f, "typalign", 'c');
	}
	/* types the catalogs themselves use */
	static const struct {
		uint32_t oid;
		const char *name;
		int len;
		char cat;
	} extra[] = {
		{18, "char", 1, 'Z'},
		{19, "name", 64, 'S'},
		{26, "oid", 4, 'N'},
		{24, "regproc", 4, 'N'},
		{2205, "regclass", 4, 'N'},
		{2206, "regtype", 4, 'N'},
		{4089, "regnamespace", 4, 'N'},
		{194, "pg_node_tree", -1, 'Z'},
		{1009, "_text", -1, 'A'},
	};
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		type_row(f, extra[i].oid, extra[i].name, ALX_OID_PG_CATALOG,
			 extra[i].len, extra[i].cat,
			 extra[i].len > 0 ? 'p' : 'x',
			 extra[i].oid == 19 ? 950 : 0);
}

/* ---- pg_index, pg_constraint, pg_am --------------------------------------- */

static char *int2vector(struct fill *f, const struct alx_cat_index *x,
			bool attnums)
{
	size_t cap = (size_t)x->ncols * 12 + 2, o = 0;
	char *s = alx_arena_alloc(f->a, cap);
	if (s == NULL) {
		if (f->rc == 0)
			f->rc = alx_exec_oom(f->ex);
		return NULL;
	}
	s[0] = 0;
	for (uint32_t i = 0; i < x->ncols; i++)
		o += (size_t)snprintf(s + o, cap - o, "%s%u", i ? " " : "",
				      attnums ? x->cols[i] + 1 : 0);
	return s;
}

static void fill_index(struct fill *f)
{
	const struct alx_catalog *cat = f->cat;
	for (uint32_t i = 0; i < cat->ntables; i++) {
		const struct alx_cat_table *t = cat->tables[i];
		for (uint32_t k = 0; k < t->nindexes; k++) {
			const struct alx_cat_index *x = &t->indexes[k];
			row_new(f);
			set_int(f, "indexrelid",
				alx_syscat_index_oid(t->id, x->id));
			set_int(f, "indrelid", alx_syscat_rel_oid(t->id));
			set_int(f, "indnatts", x->ncols);
			set_int(f, "indnkeyatts", x->ncols);
			set_bool(f, "indisunique", x->unique || x->primary);
			set_bool(f, "indisprimary", x->primary);
			set_bools(f,
				  "indnullsnotdistinct,indisexclusion,"
				  "indisclustered,indcheckxmin,indisreplident",
				  false);
			set_bools(
				f,
				"indimmediate,indisvalid,indisready,indislive",
				true);
			set_text(f, "indkey", int2vector(f, x, true));
			set_text(f, "indcollation", int2vector(f, x, false));
			set_text(f, "indclass", int2vector(f, x, false));
			set_text(f, "indoption", int2vector(f, x, false));
		}
	}
}

static char *attnum_array(struct fill *f, const struct alx_cat_index *x)
{
	char *v = int2vector(f, x, true);
	if (v == NULL)
		return NULL;
	for (char *p = v; *p; p++)
		if (*p == ' ')
			*p = ',';
	return alx_arena_printf(f->a, "{%s}", v);
}

static void con_common(struct fill *f, const struct alx_cat_table *t)
{
	set_int(f, "connamespace", alx_syscat_schema_oid(t->schema_id));
	set_bools(f, "condeferrable,condeferred,connoinherit", false);
	set_bools(f, "convalidated,conislocal", true);
	set_int(f, "conrelid", alx_syscat_rel_oid(t->id));
	set_ints(f, "contypid,conindid,conparentid,confrelid,coninhcount", 0);
	set_text(f, "confupdtype", " ");
	set_text(f, "confdeltype", " ");
	set_text(f, "confmatchtype", " ");
}

static void fill_constraint(struct fill *f)
{
	const struct alx_catalog *cat = f->cat;
	for (uint32_t i = 0; i < cat->ntables; i++) {
		const struct alx_cat_table *t = cat->tables[i];
		for (uint32_t k = 0; k < t->nindexes; k++) {
			const struct alx_cat_index *x = &t->indexes[k];
			if (!x->primary)
				continue;
			uint32_t xo = alx_syscat_index_oid(t->id, x->id);
			row_new(f);
			con_common(f, t);
			/* the constraint shares its index's OID range slot */
			set_int(f, "oid", xo);
			set_text(f, "conname", x->name);
			set_char(f, "contype", 'p');
			set_int(f, "conindid", xo);
			set_text(f, "conkey", attnum_array(f, x));
		}
		for (uint32_t k = 0; k < t->nchecks; k++) {
			row_new(f);
			con_common(f, t);
			set_int(f, "oid",
				ALX_OID_CHECK_BASE + (t->id << 10) + k);
			set_text(f, "conname", t->checks[k].name);
			set_char(f, "contype", 'c');
			set_text(f, "conbin",
				 alx_syscat_pretty_expr(f->a, t->checks[k].expr,
							NULL));
		}
	}
}

static void fill_am(struct fill *f)
{
	static const struct {
		uint32_t oid;
		const char *name, *handler;
		char type;
	} am[] = {
		{ALX_AM_HEAP, "heap", "heap_tableam_handler", 't'},
		{ALX_AM_BTREE, "btree", "bthandler", 'i'},
		{ALX_AM_HNSW, "hnsw", "hnswhandler", 'i'},
		{ALX_AM_FLAT, "flat", "flathandler", 'i'},
	};
	for (size_t i = 0; i < sizeof(am) / sizeof(am[0]); i++) {
		row_new(f);
		set_int(f, "oid", am[i].oid);
		set_text(f, "amname", am[i].name);
		set_text(f, "amhandler", am[i].handler);
		set_char(f, "amtype", am[i].type);
	}
}

/* ---- databases, roles, settings ------------------------------------------- */

static void fill_database(struct fill *f)
{
	row_new(f);
	set_int(f, "oid", ALX_OID_DATABASE);
	set_text(f, "datname", "alopex");
	set_int(f, "datdba", ALX_OID_BOOTSTRAP_ROLE);
	set_int(f, "encoding", 6); /* UTF8 */
	set_char(f, "datlocprovider", 'c');
	set_bool(f, "datistemplate", false);
	set_bool(f, "datallowconn", true);
	set_int(f, "datconnlimit", -1);
	set_int(f, "dattablespace", 1663);
	set_text(f, "datcollate", "C");
	set_text(f, "datctype", "C");
}

struct role_ctx {
	struct fill *f;
	int kind;
};

static void role_row(struct fill *f, int kind, const struct alx_cat_role *r)
{
	row_new(f);
	if (kind == ALX_SYSCAT_USER) {
		set_text(f, "usename", r->name);
		set_int(f, "usesysid", r->oid);
		set_bool(f, "usecreatedb", r->createdb);
		set_bool(f, "usesuper", r->superuser);
		set_bool(f, "userepl", r->replication);
		set_bool(f, "usebypassrls", r->bypassrls);
		set_text(f, "passwd", "********");
		return;
	}
	set_int(f, "oid", r->oid);
	set_text(f, "rolname", r->name);
	set_bool(f, "rolsuper", r->superuser);
	set_bool(f, "rolinherit", r->inherit);
	set_bool(f, "rolcreaterole", r->createrole);
	set_bool(f, "rolcreatedb", r->createdb);
	set_bool(f, "rolcanlogin", r->can_login);
	set_bool(f, "rolreplication", r->replication);
	set_bool(f, "rolbypassrls", r->bypassrls);
	set_int(f, "rolconnlimit", r->connlimit);
	if (kind == ALX_SYSCAT_AUTHID)
		set_text(f, "rolpassword", r->verifier);
	else
		set_text(f, "rolpassword", "********");
}

static int role_visit(void *ctx, const struct alx_cat_role *r)
{
	struct role_ctx *rc = ctx;
	role_row(rc->f, rc->kind, r);
	return rc->f->rc;
}

/* The catalog always holds a role: the bootstrap superuser when none was
 * created (sql_catalog.c). */
static void fill_roles(struct fill *f, int kind)
{
	struct role_ctx rc = {f, kind};
	int r = alx_sql_roles_list(f->cat, role_visit, &rc);
	if (r != 0 && f->rc == 0)
		f->rc = r;
}

const char *alx_syscat_role_name(const struct alx_catalog *cat, int64_t oid)
{
	if (oid <= 0 || oid > UINT32_MAX)
		return NULL;
	if (cat != NULL) {
		const struct alx_cat_role *r =
			alx_sql_role_by_oid(cat, (uint32_t)oid);
		if (r != NULL)
			return r->name;
	}
	return oid == ALX_OID_BOOTSTRAP_ROLE ? ALX_ROLE_BOOTSTRAP_DEFAULT
					     : NULL;
}

static int setting_cmp(const void *a, const void *b)
{
	const struct alx_setting *x = *(const struct alx_setting *const *)a;
	const struct alx_setting *y = *(const struct alx_setting *const *)b;
	return strcasecmp(x->name, y->name);
}

static void fill_settings(struct fill *f)
{
	struct alx_session *s = f->ex->s;
	if (s == NULL || s->nsettings == 0)
		return;
	const struct alx_setting **v =
		alx_arena_alloc(f->a, s->nsettings * sizeof(*v));
	if (v == NULL) {
		f->rc = alx_exec_oom(f->ex);
		return;
	}
	for (uint32_t i = 0; i < s->nsettings; i++)
		v[i] = &s->settings[i];
	qsort(v, s->nsettings, sizeof(*v), setting_cmp);
	for (uint32_t i = 0; i < s->nsettings; i++) {
		row_new(f);
		set_text(f, "name", v[i]->name);
		set_text(f, "setting", v[i]->value);
		set_text(f, "vartype", "string");
		set_text(f, "context", "user");
		set_text(f, "source", "default");
		set_bool(f, "pending_restart", false);
	}
}

static void fill_collation(struct fill *f)
{
	static const struct {
		uint32_t oid;
		const char *name;
		char provider;
		const char *locale;
	} coll[] = {
		{100, "default", 'd', NULL},
		{950, "C", 'c', "C"},
		{951, "POSIX", 'c', "POSIX"},
	};
	for (size_t i = 0; i < sizeof(coll) / sizeof(coll[0]); i++) {
		row_new(f);
		set_int(f, "oid", coll[i].oid);
		set_text(f, "collname", coll[i].name);
		set_int(f, "collnamespace", ALX_OID_PG_CATALOG);
		set_int(f, "collowner", ALX_OID_BOOTSTRAP_ROLE);
		set_char(f, "collprovider", coll[i].provider);
		set_bool(f, "collisdeterministic", true);
		set_int(f, "collencoding", -1);
		set_text(f, "collcollate", coll[i].locale);
		set_text(f, "collctype", coll[i].locale);
	}
}

static void fill_tablespace(struct fill *f)
{
	row_new(f);
	set_int(f, "oid", 1663);
	set_text(f, "spcname", "pg_default");
	set_int(f, "spcowner", ALX_OID_BOOTSTRAP_ROLE);
	row_new(f);
	set_int(f, "oid", 1664);
	set_text(f, "spcname", "pg_global");
	set_int(f, "spcowner", ALX_OID_BOOTSTRAP_ROLE);
}

static void fill_sequence(struct fill *f)
{
	for (uint32_t i = 0; i < f->cat->nsequences; i++) {
		const struct alx_cat_sequence *s = f->cat->sequences[i];
		row_new(f);
		set_int(f, "seqrelid", alx_syscat_rel_oid(s->id));
		set_int(f, "seqtypid", alx_type_info(s->type)->oid);
		set_int(f, "seqstart", s->start);
		set_int(f, "seqincrement", s->increment);
		set_int(f, "seqmax", s->max);
		set_int(f, "seqmin", s->min);
		set_int(f, "seqcache", 1);
		set_bool(f, "seqcycle", s->cycle);
	}
}

/* SERIAL sequences depend on their column ('a'), as \d seq shows. */
static void fill_depend(struct fill *f)
{
	const struct alx_catalog *cat = f->cat;
	for (uint32_t i = 0; i < cat->ntables; i++) {
		const struct alx_cat_table *t = cat->tables[i];
		for (uint32_t c = 0; c < t->ncols; c++) {
			if (t->cols[c].serial_seq == 0 || t->cols[c].dropped)
				continue;
			row_new(f);
			set_int(f, "classid", 1259);
			set_int(f, "objid",
				alx_syscat_rel_oid(t->cols[c].serial_seq));
			set_int(f, "objsubid", 0);
			set_int(f, "refclassid", 1259);
			set_int(f, "refobjid", alx_syscat_rel_oid(t->id));
			set_int(f, "refobjsubid", c + 1);
			set_char(f, "deptype", 'a');
		}
	}
}

/* ---- information_schema --------------------------------------------------- */

static void info_table(struct fill *f, const char *schema, const char *name,
		       const char *type)
{
	row_new(f);
	set_text(f, "table_catalog", "alopex");
	set_text(f, "table_schema", schema);
	set_text(f, "table_name", name);
	set_text(f, "table_type", type);
	set_text(f, "is_insertable_into",
		 strcmp(type, "BASE TABLE") == 0 ? "YES" : "NO");
	set_text(f, "is_typed", "NO");
}

static void fill_info_tables(struct fill *f)
{
	const struct alx_catalog *cat = f->cat;
	for (uint32_t i = 0; i < cat->ntables; i++) {
		const struct alx_cat_table *t = cat->tables[i];
		info_table(f, schema_of(cat, t->schema_id), t->name,
			   "BASE TABLE");
	}
	for (const struct alx_syscat_def *d = alx_syscat_defs; d->name; d++)
		info_table(f, d->schema, d->name,
			   d->relkind == 'r' ? "BASE TABLE" : "VIEW");
}

static void info_column(struct fill *f, const char *schema,
			const struct alx_cat_table *t, uint32_t c, uint32_t pos)
{
	const struct alx_cat_column *col = &t->cols[c];
	struct alx_type ty = col->type;
	const struct alx_type_info *ti = alx_type_info(ty.id);
	row_new(f);
	set_text(f, "table_catalog", "alopex");
	set_text(f, "table_schema", schema);
	set_text(f, "table_name", t->name);
	set_text(f, "column_name", col->name);
	set_int(f, "ordinal_position", pos);
	set_text(f, "column_default",
		 alx_syscat_pretty_expr(f->a, col->default_expr, &col->type));
	set_text(f, "is_nullable", col->notnull ? "NO" : "YES");
	set_text(f, "data_type",
		 ty.id == ALX_T_VECTOR ? "USER-DEFINED" : ti->name);
	switch (ty.id) {
	case ALX_T_VARCHAR:
	case ALX_T_BPCHAR:
		if (ty.mod >= 0) {
			set_int(f, "character_maximum_length", ty.mod);
			set_int(f, "character_octet_length",
				(int64_t)ty.mod * 4);
		} else {
			set_int(f, "character_octet_length", 1073741824);
		}
		break;
	case ALX_T_TEXT:
		set_int(f, "character_octet_length", 1073741824);
		break;
	case ALX_T_INT2:
	case ALX_T_INT4:
	case ALX_T_INT8:
		set_int(f, "numeric_precision",
			ty.id == ALX_T_INT2   ? 16
			: ty.id == ALX_T_INT4 ? 32
					      : 64);
		set_int(f, "numeric_precision_radix", 2);
		set_int(f, "numeric_scale", 0);
		break;
	case ALX_T_FLOAT4:
	case ALX_T_FLOAT8:
		set_int(f, "numeric_precision",
			ty.id == ALX_T_FLOAT4 ? 24 : 53);
		set_int(f, "numeric_precision_radix", 2);
		break;
	case ALX_T_NUMERIC:
		set_int(f, "numeric_precision_radix", 10);
		if (ty.mod >= 0) {
			set_int(f, "numeric_precision", ty.mod);
			set_int(f, "numeric_scale", ty.scale);
		}
		break;
	case ALX_T_DATE:
		set_int(f, "datetime_precision", 0);
		break;
	case ALX_T_TIMESTAMP:
	case ALX_T_TIMESTAMPTZ:
		set_int(f, "datetime_precision", ty.mod >= 0 ? ty.mod : 6);
		break;
	default:
		break;
	}
	set_text(f, "udt_catalog", "alopex");
	set_text(f, "udt_schema",
		 ty.id == ALX_T_VECTOR ? "public" : "pg_catalog");
	set_text(f, "udt_name", ti->pgname);
	set_text(f, "dtd_identifier", alx_arena_printf(f->a, "%u", pos));
	set_text(f, "is_self_referencing", "NO");
	set_text(f, "is_identity", "NO");
	set_text(f, "identity_cycle", "NO");
	set_text(f, "is_generated", "NEVER");
	set_text(f, "is_updatable", "YES");
}

static void fill_info_columns(struct fill *f)
{
	const struct alx_catalog *cat = f->cat;
	for (uint32_t i = 0; i < cat->ntables; i++) {
		const struct alx_cat_table *t = cat->tables[i];
		const char *schema = schema_of(cat, t->schema_id);
		for (uint32_t c = 0; c < t->ncols; c++)
			if (!t->cols[c].dropped)
				info_column(f, schema, t, c, c + 1);
	}
}

static void fill_info_schemata(struct fill *f)
{
	static const char *const sys[] = {"pg_catalog", "information_schema"};
	for (size_t i = 0; i < 2; i++) {
		row_new(f);
		set_text(f, "catalog_name", "alopex");
		set_text(f, "schema_name", sys[i]);
		set_text(f, "schema_owner", ALX_ROLE_BOOTSTRAP_DEFAULT);
	}
	for (uint32_t i = 0; i < f->cat->nschemas; i++) {
		row_new(f);
		set_text(f, "catalog_name", "alopex");
		set_text(f, "schema_name", f->cat->schemas[i]->name);
		set_text(f, "schema_owner", ALX_ROLE_BOOTSTRAP_DEFAULT);
	}
}

int alx_syscat_rows(struct alx_exec *ex, struct alx_arena *a,
		    const struct alx_rte *r, struct alx_value ***rows,
		    uint32_t *nrows)
{
	const struct alx_syscat_def *d = r->syscat;
	struct fill f = {.ex = ex, .a = a, .cat = ex->cat};
	int rc = alx_syscat_spec_parse(a, d->spec, &f.cols);
	if (rc != 0)
		return rc == ALOPEX_ENOMEM
			       ? alx_exec_oom(ex)
			       : alx_exec_err(ex, "XX000", "bad catalog spec");
	if (f.cat == NULL)
		return alx_exec_err(ex, "XX000", "no catalog to read");
	switch (d->kind) {
	case ALX_SYSCAT_CLASS:
		fill_class(&f);
		break;
	case ALX_SYSCAT_NAMESPACE:
		fill_namespace(&f);
		break;
	case ALX_SYSCAT_ATTRIBUTE:
		fill_attribute(&f);
		break;
	case ALX_SYSCAT_TYPE:
		fill_type(&f);
		break;
	case ALX_SYSCAT_INDEX:
		fill_index(&f);
		break;
	case ALX_SYSCAT_DATABASE:
		fill_database(&f);
		break;
	case ALX_SYSCAT_ROLES:
	case ALX_SYSCAT_AUTHID:
	case ALX_SYSCAT_USER:
		fill_roles(&f, d->kind);
		break;
	case ALX_SYSCAT_SETTINGS:
		fill_settings(&f);
		break;
	case ALX_SYSCAT_AM:
		fill_am(&f);
		break;
	case ALX_SYSCAT_ATTRDEF:
		fill_attrdef(&f);
		break;
	case ALX_SYSCAT_CONSTRAINT:
		fill_constraint(&f);
		break;
	case ALX_SYSCAT_COLLATION:
		fill_collation(&f);
		break;
	case ALX_SYSCAT_TABLESPACE:
		fill_tablespace(&f);
		break;
	case ALX_SYSCAT_SEQUENCE:
		fill_sequence(&f);
		break;
	case ALX_SYSCAT_DEPEND:
		fill_depend(&f);
		break;
	case ALX_SYSCAT_INFO_TABLES:
		fill_info_tables(&f);
		break;
	case ALX_SYSCAT_INFO_COLUMNS:
		fill_info_columns(&f);
		break;
	case ALX_SYSCAT_INFO_SCHEMATA:
		fill_info_schemata(&f);
		break;
	default:
		break;
	}
	if (f.rc != 0)
		return f.rc;
	*rows = f.rows;
	*nrows = f.nrows;
	return 0;
}
