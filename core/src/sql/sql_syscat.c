/*
 * pg_catalog and information_schema as virtual tables (sql_syscat.h): the
 * table definitions, binding and OID helpers. Rows: sql_syscat_rows.c.
 */
#include <stdio.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "sql/sql_bind.h"
#include "sql/sql_syscat.h"
#include "sql/sql_syscat_int.h"

/*
 * Column specs: "name:T,..." with T one of
 *   o oid, n name, c "char", t text, b bool, s int2, i int4, l int8,
 *   f float4, a array (text literal), z timestamptz, x pg_node_tree,
 *   v character varying.
 */
#define PGC "pg_catalog"
#define INFO "information_schema"

const struct alx_syscat_def alx_syscat_defs[] = {
	{PGC, "pg_class", 1259, 'r', ALX_SYSCAT_CLASS,
	 "oid:o,relname:n,relnamespace:o,reltype:o,reloftype:o,relowner:o,"
	 "relam:o,relfilenode:o,reltablespace:o,relpages:i,reltuples:f,"
	 "relallvisible:i,reltoastrelid:o,relhasindex:b,relisshared:b,"
	 "relpersistence:c,relkind:c,relnatts:s,relchecks:s,relhasrules:b,"
	 "relhastriggers:b,relhassubclass:b,relrowsecurity:b,"
	 "relforcerowsecurity:b,relispopulated:b,relreplident:c,"
	 "relispartition:b,relrewrite:o,relacl:a,reloptions:a,"
	 "relpartbound:x"},
	{PGC, "pg_namespace", 2615, 'r', ALX_SYSCAT_NAMESPACE,
	 "oid:o,nspname:n,nspowner:o,nspacl:a"},
	{PGC, "pg_attribute", 1249, 'r', ALX_SYSCAT_ATTRIBUTE,
	 "attrelid:o,attname:n,atttypid:o,attstattarget:i,attlen:s,attnum:s,"
	 "attndims:i,attcacheoff:i,atttypmod:i,attbyval:b,attalign:c,"
	 "attstorage:c,attcompression:c,attnotnull:b,atthasdef:b,"
	 "atthasmissing:b,attidentity:c,attgenerated:c,attisdropped:b,"
	 "attislocal:b,attinhcount:i,attcollation:o,attacl:a,attoptions:a,"
	 "attfdwoptions:a"},
	{PGC, "pg_type", 1247, 'r', ALX_SYSCAT_TYPE,
	 "oid:o,typname:n,typnamespace:o,typowner:o,typlen:s,typbyval:b,"
	 "typtype:c,typcategory:c,typispreferred:b,typisdefined:b,"
	 "typdelim:c,typrelid:o,typsubscript:t,typelem:o,typarray:o,"
	 "typinput:t,typoutput:t,typreceive:t,typsend:t,typmodin:t,"
	 "typmodout:t,typanalyze:t,typalign:c,typstorage:c,typnotnull:b,"
	 "typbasetype:o,typtypmod:i,typndims:i,typcollation:o,"
	 "typdefaultbin:x,typdefault:t,typacl:a"},
	{PGC, "pg_index", 2610, 'r', ALX_SYSCAT_INDEX,
	 "indexrelid:o,indrelid:o,indnatts:s,indnkeyatts:s,indisunique:b,"
	 "indnullsnotdistinct:b,indisprimary:b,indisexclusion:b,"
	 "indimmediate:b,indisclustered:b,indisvalid:b,indcheckxmin:b,"
	 "indisready:b,indislive:b,indisreplident:b,indkey:t,"
	 "indcollation:t,indclass:t,indoption:t,indexprs:x,indpred:x"},
	{PGC, "pg_database", 1262, 'r', ALX_SYSCAT_DATABASE,
	 "oid:o,datname:n,datdba:o,encoding:i,datlocprovider:c,"
	 "datistemplate:b,datallowconn:b,datconnlimit:i,dattablespace:o,"
	 "datcollate:t,datctype:t,daticulocale:t,datcollversion:t,datacl:a"},
	{PGC, "pg_roles", 12001, 'v', ALX_SYSCAT_ROLES,
	 "rolname:n,rolsuper:b,rolinherit:b,rolcreaterole:b,rolcreatedb:b,"
	 "rolcanlogin:b,rolreplication:b,rolconnlimit:i,rolpassword:t,"
	 "rolvaliduntil:z,rolbypassrls:b,rolconfig:a,oid:o"},
	{PGC, "pg_authid", 1260, 'r', ALX_SYSCAT_AUTHID,
	 "oid:o,rolname:n,rolsuper:b,rolinherit:b,rolcreaterole:b,"
	 "rolcreatedb:b,rolcanlogin:b,rolreplication:b,rolbypassrls:b,"
	 "rolconnlimit:i,rolpassword:t,rolvaliduntil:z"},
	{PGC, "pg_user", 12002, 'v', ALX_SYSCAT_USER,
	 "usename:n,usesysid:o,usecreatedb:b,usesuper:b,userepl:b,"
	 "usebypassrls:b,passwd:t,valuntil:z,useconfig:a"},
	{PGC, "pg_auth_members", 1261, 'r', ALX_SYSCAT_EMPTY,
	 "roleid:o,member:o,grantor:o,admin_option:b"},
	{PGC, "pg_settings", 12003, 'v', ALX_SYSCAT_SETTINGS,
	 "name:t,setting:t,unit:t,category:t,short_desc:t,extra_desc:t,"
	 "context:t,vartype:t,source:t,min_val:t,max_val:t,enumvals:a,"
	 "boot_val:t,reset_val:t,sourcefile:t,sourceline:i,"
	 "pending_restart:b"},
	{PGC, "pg_am", 2601, 'r', ALX_SYSCAT_AM,
	 "oid:o,amname:n,amhandler:t,amtype:c"},
	{PGC, "pg_attrdef", 2604, 'r', ALX_SYSCAT_ATTRDEF,
	 "oid:o,adrelid:o,adnum:s,adbin:x"},
	{PGC, "pg_constraint", 2606, 'r', ALX_SYSCAT_CONSTRAINT,
	 "oid:o,conname:n,connamespace:o,contype:c,condeferrable:b,"
	 "condeferred:b,convalidated:b,conrelid:o,contypid:o,conindid:o,"
	 "conparentid:o,confrelid:o,confupdtype:c,confdeltype:c,"
	 "confmatchtype:c,conislocal:b,coninhcount:i,connoinherit:b,"
	 "conkey:a,confkey:a,conpfeqop:a,conppeqop:a,conffeqop:a,"
	 "confdelsetcols:a,conexclop:a,conbin:x"},
	{PGC, "pg_description", 2609, 'r', ALX_SYSCAT_EMPTY,
	 "objoid:o,classoid:o,objsubid:i,description:t"},
	{PGC, "pg_shdescription", 2396, 'r', ALX_SYSCAT_EMPTY,
	 "objoid:o,classoid:o,description:t"},
	{PGC, "pg_inherits", 2611, 'r', ALX_SYSCAT_EMPTY,
	 "inhrelid:o,inhparent:o,inhseqno:i,inhdetachpending:b"},
	{PGC, "pg_collation", 3456, 'r', ALX_SYSCAT_COLLATION,
	 "oid:o,collname:n,collnamespace:o,collowner:o,collprovider:c,"
	 "collisdeterministic:b,collencoding:i,collcollate:t,collctype:t,"
	 "colliculocale:t,collversion:t"},
	{PGC, "pg_tablespace", 1213, 'r', ALX_SYSCAT_TABLESPACE,
	 "oid:o,spcname:n,spcowner:o,spcacl:a,spcoptions:a"},
	{PGC, "pg_policy", 3256, 'r', ALX_SYSCAT_EMPTY,
	 "oid:o,polname:n,polrelid:o,polcmd:c,polpermissive:b,polroles:a,"
	 "polqual:x,polwithcheck:x"},
	{PGC, "pg_publication", 6104, 'r', ALX_SYSCAT_EMPTY,
	 "oid:o,pubname:n,pubowner:o,puballtables:b,pubinsert:b,pubupdate:b,"
	 "pubdelete:b,pubtruncate:b,pubviaroot:b"},
	{PGC, "pg_publication_namespace", 6237, 'r', ALX_SYSCAT_EMPTY,
	 "oid:o,pnpubid:o,pnnspid:o"},
	{PGC, "pg_publication_rel", 6106, 'r', ALX_SYSCAT_EMPTY,
	 "oid:o,prpubid:o,prrelid:o,prqual:x,prattrs:a"},
	{PGC, "pg_statistic_ext", 3381, 'r', ALX_SYSCAT_EMPTY,
	 "oid:o,stxrelid:o,stxname:n,stxnamespace:o,stxowner:o,"
	 "stxstattarget:i,stxkeys:a,stxkind:a,stxexprs:x"},
	{PGC, "pg_trigger", 2620, 'r', ALX_SYSCAT_EMPTY,
	 "oid:o,tgrelid:o,tgparentid:o,tgname:n,tgfoid:o,tgtype:s,"
	 "tgenabled:c,tgisinternal:b,tgconstrrelid:o,tgconstrindid:o,"
	 "tgconstraint:o,tgdeferrable:b,tginitdeferred:b,tgnargs:s,tgattr:t,"
	 "tgargs:t,tgqual:x,tgoldtable:n,tgnewtable:n"},
	{PGC, "pg_rewrite", 2618, 'r', ALX_SYSCAT_EMPTY,
	 "oid:o,rulename:n,ev_class:o,ev_type:c,ev_enabled:c,is_instead:b,"
	 "ev_qual:x,ev_action:x"},
	{PGC, "pg_proc", 1255, 'r', ALX_SYSCAT_EMPTY,
	 "oid:o,proname:n,pronamespace:o,proowner:o,prolang:o,procost:f,"
	 "prorows:f,provariadic:o,prosupport:t,prokind:c,prosecdef:b,"
	 "proleakproof:b,proisstrict:b,proretset:b,provolatile:c,"
	 "proparallel:c,pronargs:s,pronargdefaults:s,prorettype:o,"
	 "proargtypes:t,proallargtypes:a,proargmodes:a,proargnames:a,"
	 "proargdefaults:x,protrftypes:a,prosrc:t,probin:t,prosqlbody:x,"
	 "proconfig:a,proacl:a"},
	{PGC, "pg_sequence", 2224, 'r', ALX_SYSCAT_SEQUENCE,
	 "seqrelid:o,seqtypid:o,seqstart:l,seqincrement:l,seqmax:l,seqmin:l,"
	 "seqcache:l,seqcycle:b"},
	{PGC, "pg_depend", 2608, 'r', ALX_SYSCAT_DEPEND,
	 "classid:o,objid:o,objsubid:i,refclassid:o,refobjid:o,"
	 "refobjsubid:i,deptype:c"},
	{PGC, "pg_extension", 3079, 'r', ALX_SYSCAT_EMPTY,
	 "oid:o,extname:n,extowner:o,extnamespace:o,extrelocatable:b,"
	 "extversion:t,extconfig:a,extcondition:a"},
	{INFO, "tables", 13101, 'v', ALX_SYSCAT_INFO_TABLES,
	 "table_catalog:n,table_schema:n,table_name:n,table_type:v,"
	 "self_referencing_column_name:n,reference_generation:v,"
	 "user_defined_type_catalog:n,user_defined_type_schema:n,"
	 "user_defined_type_name:n,is_insertable_into:v,is_typed:v,"
	 "commit_action:v"},
	{INFO, "columns", 13102, 'v', ALX_SYSCAT_INFO_COLUMNS,
	 "table_catalog:n,table_schema:n,table_name:n,column_name:n,"
	 "ordinal_position:i,column_default:v,is_nullable:v,data_type:v,"
	 "character_maximum_length:i,character_octet_length:i,"
	 "numeric_precision:i,numeric_precision_radix:i,numeric_scale:i,"
	 "datetime_precision:i,interval_type:v,interval_precision:i,"
	 "character_set_catalog:n,character_set_schema:n,"
	 "character_set_name:n,collation_catalog:n,collation_schema:n,"
	 "collation_name:n,domain_catalog:n,domain_schema:n,domain_name:n,"
	 "udt_catalog:n,udt_schema:n,udt_name:n,scope_catalog:n,"
	 "scope_schema:n,scope_name:n,maximum_cardinality:i,"
	 "dtd_identifier:n,is_self_referencing:v,is_identity:v,"
	 "identity_generation:v,identity_start:v,identity_increment:v,"
	 "identity_maximum:v,identity_minimum:v,identity_cycle:v,"
	 "is_generated:v,generation_expression:v,is_updatable:v"},
	{INFO, "schemata", 13103, 'v', ALX_SYSCAT_INFO_SCHEMATA,
	 "catalog_name:n,schema_name:n,schema_owner:n,"
	 "default_character_set_catalog:n,default_character_set_schema:n,"
	 "default_character_set_name:n,sql_path:v"},
	{0},
};

int alx_syscat_spec_type(char letter)
{
	switch (letter) {
	case 'o':
	case 'l':
		return ALX_T_INT8;
	case 'b':
		return ALX_T_BOOL;
	case 's':
		return ALX_T_INT2;
	case 'i':
		return ALX_T_INT4;
	case 'f':
		return ALX_T_FLOAT4;
	case 'z':
		return ALX_T_TIMESTAMPTZ;
	default:
		return ALX_T_TEXT;
	}
}

uint32_t alx_syscat_spec_typoid(char letter)
{
	switch (letter) {
	case 'o':
		return 26;
	case 'n':
		return 19;
	case 'c':
		return 18;
	case 'b':
		return 16;
	case 's':
		return 21;
	case 'i':
		return 23;
	case 'l':
		return 20;
	case 'f':
		return 700;
	case 'a':
		return 1009;
	case 'z':
		return 1184;
	case 'x':
		return 194;
	case 'v':
		return 1043;
	default:
		return 25;
	}
}

int alx_syscat_spec_parse(struct alx_arena *a, const char *spec,
			  struct alx_syscat_cols *out)
{
	uint32_t n = 1;
	for (const char *p = spec; *p; p++)
		n += *p == ',';
	out->names = alx_arena_calloc(a, n + 1, sizeof(char *));
	out->letters = alx_arena_calloc(a, n + 1, 1);
	if (out->names == NULL || out->letters == NULL)
		return ALOPEX_ENOMEM;
	out->n = 0;
	const char *p = spec;
	while (*p) {
		const char *colon = strchr(p, ':');
		if (colon == NULL)
			return ALOPEX_EINTERNAL;
		out->names[out->n] =
			alx_arena_strndup(a, p, (size_t)(colon - p));
		if (out->names[out->n] == NULL)
			return ALOPEX_ENOMEM;
		out->letters[out->n] = colon[1];
		out->n++;
		p = colon + 2;
		if (*p == ',')
			p++;
	}
	return 0;
}

const struct alx_syscat_def *alx_syscat_find(const struct alx_sql_names *n,
					     bool *qualified_miss)
{
	*qualified_miss = false;
	const char *schema = n->n >= 2 ? n->v[n->n - 2].ptr : NULL;
	const char *name = n->v[n->n - 1].ptr;
	if (n->n > 3)
		return NULL;
	if (schema != NULL && strcmp(schema, PGC) != 0 &&
	    strcmp(schema, INFO) != 0)
		return NULL;
	/* a catalog-qualified name must name our database */
	if (n->n == 3 && strcmp(n->v[0].ptr, "alopex") != 0)
		return NULL;
	for (const struct alx_syscat_def *d = alx_syscat_defs; d->name; d++) {
		if (strcmp(d->name, name) != 0)
			continue;
		if (schema == NULL ? strcmp(d->schema, PGC) == 0
				   : strcmp(d->schema, schema) == 0)
			return d;
	}
	*qualified_miss = schema != NULL;
	return NULL;
}

int alx_syscat_bind_rte(struct alx_bind_ctx *b,
			const struct alx_syscat_def *def, const char *alias,
			struct alx_rte *r)
{
	struct alx_syscat_cols c;
	int rc = alx_syscat_spec_parse(b->a, def->spec, &c);
	if (rc == ALOPEX_ENOMEM)
		return alx_bind_oom(b);
	if (rc != 0)
		return alx_bind_err(b, "XX000", "bad system catalog spec");
	r->kind = ALX_RTE_SYSCAT;
	r->syscat = def;
	r->alias = (char *)alias;
	r->ncols = c.n;
	r->colnames = c.names;
	r->coltypes = alx_arena_calloc(b->a, c.n + 1, sizeof(struct alx_type));
	if (r->coltypes == NULL)
		return alx_bind_oom(b);
	for (uint32_t i = 0; i < c.n; i++)
		r->coltypes[i] =
			alx_type_make(alx_syscat_spec_type(c.letters[i]));
	return 0;
}

/* ---- OIDs -------------------------------------------------------------- */

uint32_t alx_syscat_schema_oid(uint32_t schema_id)
{
	return schema_id == ALX_CAT_PUBLIC_SCHEMA_ID
		       ? ALX_OID_PUBLIC
		       : ALX_OID_USER_BASE + schema_id;
}

uint32_t alx_syscat_rel_oid(uint32_t id)
{
	return ALX_OID_USER_BASE + id;
}

uint32_t alx_syscat_index_oid(uint32_t table_id, uint32_t index_id)
{
	return ALX_OID_INDEX_BASE + (table_id << 10) + index_id;
}

static const char *schema_name(const struct alx_catalog *cat, uint32_t id,
			       uint32_t *oid)
{
	const struct alx_cat_schema *s = alx_cat_schema_by_id(cat, id);
	*oid = alx_syscat_schema_oid(id);
	return s ? s->name : "public";
}

void alx_syscat_lookup(const struct alx_catalog *cat, int64_t oid,
		       struct alx_syscat_obj_ref *out)
{
	memset(out, 0, sizeof(*out));
	if (oid <= 0 || oid > UINT32_MAX || cat == NULL)
		return;
	uint32_t o = (uint32_t)oid;
	for (const struct alx_syscat_def *d = alx_syscat_defs; d->name; d++) {
		if (d->oid != o)
			continue;
		out->kind = ALX_SYSOBJ_SYSREL;
		out->sys = d;
		out->name = d->name;
		out->schema = d->schema;
		out->schema_oid = strcmp(d->schema, PGC) == 0
					  ? ALX_OID_PG_CATALOG
					  : ALX_OID_INFO_SCHEMA;
		return;
	}
	if (o >= ALX_OID_INDEX_BASE) {
		uint32_t base = o >= ALX_OID_CHECK_BASE ? ALX_OID_CHECK_BASE
							: ALX_OID_INDEX_BASE;
		if (o >= ALX_OID_DEFAULT_BASE && o < ALX_OID_CHECK_BASE)
			return;
		uint32_t tid = (o - base) >> 10, k = (o - base) & 1023;
		const struct alx_cat_table *t = alx_cat_table_by_id(cat, tid);
		if (t == NULL)
			return;
		out->table = t;
		out->schema = schema_name(cat, t->schema_id, &out->schema_oid);
		if (base == ALX_OID_CHECK_BASE) {
			if (k >= t->nchecks)
				return;
			out->kind = ALX_SYSOBJ_CHECK;
			out->check = k;
			out->name = t->checks[k].name;
			return;
		}
		for (uint32_t i = 0; i < t->nindexes; i++) {
			if (t->indexes[i].id != k)
				continue;
			out->kind = ALX_SYSOBJ_INDEX;
			out->index = &t->indexes[i];
			out->name = t->indexes[i].name;
			return;
		}
		return;
	}
	if (o <= ALX_OID_USER_BASE)
		return;
	uint32_t id = o - ALX_OID_USER_BASE;
	const struct alx_cat_table *t = alx_cat_table_by_id(cat, id);
	if (t != NULL) {
		out->kind = ALX_SYSOBJ_TABLE;
		out->table = t;
		out->name = t->name;
		out->schema = schema_name(cat, t->schema_id, &out->schema_oid);
		return;
	}
	const struct alx_cat_sequence *s = alx_cat_seq_by_id(cat, id);
	if (s != NULL) {
		out->kind = ALX_SYSOBJ_SEQUENCE;
		out->seq = s;
		out->name = s->name;
		out->schema = schema_name(cat, s->schema_id, &out->schema_oid);
	}
}

static int64_t rel_in_schema(const struct alx_catalog *cat, const char *schema,
			     const char *name)
{
	for (const struct alx_syscat_def *d = alx_syscat_defs; d->name; d++)
		if (strcmp(d->schema, schema) == 0 &&
		    strcmp(d->name, name) == 0)
			return d->oid;
	const struct alx_cat_schema *s = alx_cat_schema_find(cat, schema);
	if (s == NULL)
		return -1;
	const struct alx_cat_table *t = alx_cat_table_find(cat, s->id, name);
	if (t != NULL)
		return alx_syscat_rel_oid(t->id);
	const struct alx_cat_sequence *q = alx_cat_seq_find(cat, s->id, name);
	if (q != NULL)
		return alx_syscat_rel_oid(q->id);
	struct alx_cat_table *it;
	const struct alx_cat_index *ix =
		alx_cat_index_find(cat, s->id, name, &it);
	if (ix != NULL)
		return alx_syscat_index_oid(it->id, ix->id);
	return -1;
}

/* One identifier of a regclass literal: "Quoted" keeps case, others fold
 * to lower case. */
static const char *ident(char *buf, size_t size, const char *s, size_t len,
			 size_t *used)
{
	size_t o = 0, i = 0;
	if (len > 0 && s[0] == '"') {
		for (i = 1; i < len; i++) {
			if (s[i] == '"') {
				if (i + 1 < len && s[i + 1] == '"') {
					i++;
				} else {
					i++;
					break;
				}
			}
			if (o + 1 < size)
				buf[o++] = s[i];
		}
	} else {
		for (; i < len && s[i] != '.'; i++)
			if (o + 1 < size)
				buf[o++] = (s[i] >= 'A' && s[i] <= 'Z')
						   ? (char)(s[i] + 32)
						   : s[i];
	}
	buf[o] = 0;
	*used = i;
	return buf;
}

int64_t alx_syscat_relname_oid(const struct alx_catalog *cat,
			       const char *const *path, uint32_t npath,
			       const char *name, size_t len)
{
	char a[ALX_NAME_MAX + 1], bname[ALX_NAME_MAX + 1];
	size_t used;
	ident(a, sizeof(a), name, len, &used);
	if (used < len && name[used] == '.') {
		size_t rest = len - used - 1, u2;
		ident(bname, sizeof(bname), name + used + 1, rest, &u2);
		return rel_in_schema(cat, a, bname);
	}
	/* pg_catalog first, as PostgreSQL searches it implicitly */
	int64_t oid = rel_in_schema(cat, PGC, a);
	for (uint32_t i = 0; oid < 0 && i < npath; i++)
		oid = rel_in_schema(cat, path[i], a);
	return oid;
}

/* ---- types --------------------------------------------------------------- */

/* INTERVAL_MASK bits of PostgreSQL's interval typmod range, in the order
 * of ours: YEAR 2, MONTH 1, DAY 3, HOUR 10, MINUTE 11, SECOND 12. */
static const int iv_bit[6] = {2, 1, 3, 10, 11, 12};
#define IV_FULL_RANGE 0x7fff
#define IV_FULL_PRECISION 0xffff

int32_t alx_syscat_typmod(struct alx_type t)
{
	switch (t.id) {
	case ALX_T_VARCHAR:
	case ALX_T_BPCHAR:
		return t.mod >= 0 ? t.mod + 4 : -1;
	case ALX_T_NUMERIC:
		/* make_numeric_typmod: the scale in 11 bits, so that
		 * PostgreSQL 15's negative scales fit */
		return t.mod >= 0 ? ((t.mod << 16) | (t.scale & 0x7ff)) + 4
				  : -1;
	case ALX_T_TIMESTAMP:
	case ALX_T_TIMESTAMPTZ:
	case ALX_T_VECTOR:
		return t.mod;
	case ALX_T_INTERVAL: {
		/* INTERVAL_TYPMOD(precision, range) */
		if (t.mod < 0 && t.scale == 0)
			return -1;
		int32_t range = t.scale == 0 ? IV_FULL_RANGE : 0;
		for (int i = 0; i < 6; i++)
			if (t.scale & (1 << i))
				range |= 1 << iv_bit[i];
		return (range << 16) | (t.mod < 0 ? IV_FULL_PRECISION : t.mod);
	}
	default:
		return -1;
	}
}

bool alx_syscat_type_from_oid(int64_t oid, int64_t typmod, bool has_mod,
			      struct alx_type *out)
{
	for (int id = 0; id < ALX_T_COUNT_; id++) {
		const struct alx_type_info *ti = alx_type_info(id);
		if (ti == NULL || ti->oid != oid)
			continue;
		struct alx_type t = alx_type_make(id);
		/* A typmod is an int4: one past it is no modifier (and would
		 * overflow the arithmetic below). */
		if (has_mod && typmod >= 0 && typmod <= INT32_MAX) {
			switch (id) {
			case ALX_T_VARCHAR:
			case ALX_T_BPCHAR:
				if (typmod >= 4)
					t.mod = (int32_t)typmod - 4;
				break;
			case ALX_T_NUMERIC:
				/* numeric_typmod_precision/_scale: the
				 * scale is 11 bits with its sign */
				if (typmod >= 4) {
					t.mod = (int32_t)(((typmod - 4) >> 16) &
							  0xffff);
					t.scale = (int32_t)((((typmod - 4) &
							      0x7ff) ^
							     1024) -
							    1024);
				}
				break;
			case ALX_T_INTERVAL: {
				int64_t range = (typmod >> 16) & IV_FULL_RANGE;
				int64_t prec = typmod & IV_FULL_PRECISION;
				t.mod = prec == IV_FULL_PRECISION
						? -1
						: (int32_t)prec;
				t.scale = 0;
				for (int i = 0; range != IV_FULL_RANGE && i < 6;
				     i++)
					if (range & (1 << iv_bit[i]))
						t.scale |= 1 << i;
				break;
			}
			default:
				t.mod = (int32_t)typmod;
			}
		} else if (id == ALX_T_BPCHAR) {
			t.mod = -1;
		}
		*out = t;
		return true;
	}
	return false;
}

/* ---- expressions as PostgreSQL's pg_get_expr prints them ---------------- */

static bool plain_ident(const char *s, size_t n)
{
	if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/* Copy s[0..n) dropping the quotes of plain "identifiers" and a
 * "public". schema qualification. */
static size_t unquote_idents(char *o, const char *s, size_t n, bool in_str)
{
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		if (!in_str && s[i] == '\'') {
			size_t j = i + 1;
			while (j < n && !(s[j] == '\'' &&
					  (j + 1 >= n || s[j + 1] != '\'')))
				j += s[j] == '\'' ? 2 : 1;
			o[k++] = '\'';
			k += unquote_idents(o + k, s + i + 1, j - i - 1, true);
			if (j < n)
				o[k++] = '\'';
			i = j + 1;
			continue;
		}
		if (s[i] == '"') {
			size_t j = i + 1;
			while (j < n && s[j] != '"')
				j++;
			if (j < n && plain_ident(s + i + 1, j - i - 1)) {
				if (j - i - 1 == 6 &&
				    strncmp(s + i + 1, "public", 6) == 0 &&
				    j + 1 < n && s[j + 1] == '.') {
					i = j + 2;
					continue;
				}
				memcpy(o + k, s + i + 1, j - i - 1);
				k += j - i - 1;
				i = j + 1;
				continue;
			}
		}
		o[k++] = s[i++];
	}
	return k;
}

const char *alx_syscat_pretty_expr(struct alx_arena *a, const char *text,
				   const struct alx_type *coltype)
{
	if (text == NULL)
		return NULL;
	size_t n = strlen(text);
	char *o = alx_arena_alloc(a, n + 1);
	if (o == NULL)
		return NULL;
	size_t k = unquote_idents(o, text, n, false);
	o[k] = 0;
	if (coltype == NULL)
		return o;
	/* a bare literal gets its column's type, as PostgreSQL stores it */
	bool str = k >= 2 && o[0] == '\'' && o[k - 1] == '\'';
	for (size_t i = 1; str && i + 1 < k; i++)
		if (o[i] == '\'') {
			if (o[i + 1] != '\'' || i + 2 >= k)
				str = false;
			i++;
		}
	bool neg = k >= 2 && o[0] == '-';
	for (size_t i = 1; neg && i < k; i++)
		neg = (o[i] >= '0' && o[i] <= '9') || o[i] == '.';
	if (!str && !neg)
		return o;
	const struct alx_type_info *ti = alx_type_info(coltype->id);
	if (ti == NULL || coltype->id == ALX_T_UNKNOWN)
		return o;
	if (neg)
		return alx_arena_printf(a, "'%s'::%s", o, ti->name);
	return alx_arena_printf(a, "%s::%s", o, ti->name);
}
