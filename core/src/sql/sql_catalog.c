/* The catalog in memory, its KV rows, loading and copying. */
#include "sql/sql_catalog.h"

#include <string.h>

#include "db/db_internal.h"
#include "kv/kv_space.h"
#include "kv/kv_txn.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_roles.h"

#define REC_VERSION 1
#define KIND_META 'M'
#define KIND_SCHEMA 'N'
#define KIND_TABLE 'T'
#define KIND_SEQ 'Q'
#define KIND_ROLE 'R'
#define NO_STR 0xffffffffu

static int oom(alopex_diag *d)
{
	return alx_diag_set(d, ALOPEX_ENOMEM, "53200", "out of memory");
}

static int corrupt(alopex_diag *d, const char *what)
{
	return alx_diag_set(d, ALOPEX_ECORRUPT, "XX001",
			    "catalog row is damaged: %s", what);
}

void alx_table_prefix(uint8_t out[ALX_TABLE_PREFIX_LEN], uint32_t table_id,
		      uint32_t index_id)
{
	out[0] = ALX_SPACE_TABLE;
	for (int i = 0; i < 4; i++) {
		out[1 + i] = (uint8_t)(table_id >> (24 - 8 * i));
		out[5 + i] = (uint8_t)(index_id >> (24 - 8 * i));
	}
}

static void cat_key(uint8_t out[6], uint8_t kind, uint32_t id)
{
	out[0] = ALX_SPACE_CATALOG;
	out[1] = kind;
	for (int i = 0; i < 4; i++)
		out[2 + i] = (uint8_t)(id >> (24 - 8 * i));
}

/* ---- a tiny record writer and reader ---------------------------------- */

static int w_bytes(struct alx_buf *b, const void *p, size_t n)
{
	return alx_buf_append(b, p, n);
}

static int w_u32(struct alx_buf *b, uint32_t v)
{
	uint8_t t[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16),
			(uint8_t)(v >> 8), (uint8_t)v};
	return w_bytes(b, t, 4);
}

static int w_i64(struct alx_buf *b, int64_t v)
{
	uint64_t u = (uint64_t)v;
	return w_u32(b, (uint32_t)(u >> 32)) || w_u32(b, (uint32_t)u);
}

static int w_u8(struct alx_buf *b, uint8_t v)
{
	return w_bytes(b, &v, 1);
}

static int w_str(struct alx_buf *b, const char *s)
{
	if (s == NULL)
		return w_u32(b, NO_STR);
	size_t n = strlen(s);
	return w_u32(b, (uint32_t)n) || w_bytes(b, s, n);
}

struct rd {
	const uint8_t *p, *end;
	struct alx_arena *a;
	int bad;
};

static uint32_t r_u32(struct rd *r)
{
	if (r->end - r->p < 4) {
		r->bad = 1;
		return 0;
	}
	uint32_t v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
		     (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	return v;
}

static int64_t r_i64(struct rd *r)
{
	uint64_t hi = r_u32(r), lo = r_u32(r);
	return (int64_t)(hi << 32 | lo);
}

static uint8_t r_u8(struct rd *r)
{
	if (r->p >= r->end) {
		r->bad = 1;
		return 0;
	}
	return *r->p++;
}

static char *r_str(struct rd *r)
{
	uint32_t n = r_u32(r);
	if (r->bad || n == NO_STR)
		return NULL;
	if ((size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return NULL;
	}
	char *s = alx_arena_strndup(r->a, (const char *)r->p, n);
	if (s == NULL)
		r->bad = 2;
	r->p += n;
	return s;
}

static uint8_t type_from_oid(uint32_t oid)
{
	for (int id = 0; id < ALX_T_COUNT_; id++) {
		const struct alx_type_info *ti = alx_type_info(id);
		if (ti != NULL && ti->oid == oid)
			return (uint8_t)id;
	}
	return ALX_T_COUNT_;
}

/* ---- encoding objects --------------------------------------------------- */

static int enc_table(struct alx_buf *b, const struct alx_cat_table *t)
{
	int e = w_u8(b, REC_VERSION) || w_u32(b, t->schema_id) ||
		w_str(b, t->name) || w_u8(b, t->has_pk) ||
		w_u32(b, t->next_index_id) || w_u32(b, t->ncols);
	for (uint32_t i = 0; !e && i < t->ncols; i++) {
		const struct alx_cat_column *c = &t->cols[i];
		e = w_str(b, c->name) ||
		    w_u32(b, alx_type_info(c->type.id)->oid) ||
		    w_u32(b, (uint32_t)c->type.mod) ||
		    w_u32(b, (uint32_t)c->type.scale) ||
		    w_u8(b, (uint8_t)(c->notnull | c->dropped << 1)) ||
		    w_str(b, c->default_expr) || w_u32(b, c->serial_seq);
	}
	e = e || w_u32(b, t->nindexes);
	for (uint32_t i = 0; !e && i < t->nindexes; i++) {
		const struct alx_cat_index *x = &t->indexes[i];
		e = w_u32(b, x->id) || w_str(b, x->name) ||
		    w_u8(b, (uint8_t)(x->unique | x->primary << 1)) ||
		    w_u32(b, x->ncols);
		for (uint32_t k = 0; !e && k < x->ncols; k++)
			e = w_u32(b, x->cols[k]) || w_u8(b, x->flags[k]);
		e = e || w_str(b, x->method) || w_str(b, x->opclass) ||
		    w_str(b, x->options);
	}
	e = e || w_u32(b, t->nchecks);
	for (uint32_t i = 0; !e && i < t->nchecks; i++)
		e = w_str(b, t->checks[i].name) || w_str(b, t->checks[i].expr);
	return e ? ALOPEX_ENOMEM : 0;
}

static int dec_table(struct rd *r, uint32_t id, struct alx_cat_table **out)
{
	struct alx_cat_table *t = alx_arena_calloc(r->a, 1, sizeof(*t));
	if (t == NULL)
		return ALOPEX_ENOMEM;
	t->id = id;
	if (r_u8(r) != REC_VERSION)
		return ALOPEX_ECORRUPT;
	t->schema_id = r_u32(r);
	t->name = r_str(r);
	t->has_pk = r_u8(r) != 0;
	t->next_index_id = r_u32(r);
	t->ncols = r_u32(r);
	if (r->bad || t->ncols > 1600)
		return ALOPEX_ECORRUPT;
	t->cols = alx_arena_calloc(r->a, t->ncols + 1, sizeof(*t->cols));
	if (t->cols == NULL)
		return ALOPEX_ENOMEM;
	for (uint32_t i = 0; i < t->ncols && !r->bad; i++) {
		struct alx_cat_column *c = &t->cols[i];
		c->name = r_str(r);
		c->type.id = type_from_oid(r_u32(r));
		c->type.mod = (int32_t)r_u32(r);
		c->type.scale = (int32_t)r_u32(r);
		uint8_t f = r_u8(r);
		c->notnull = f & 1;
		c->dropped = (f >> 1) & 1;
		c->default_expr = r_str(r);
		c->serial_seq = r_u32(r);
		if (c->type.id == ALX_T_COUNT_ || c->name == NULL)
			r->bad = 1;
	}
	t->nindexes = r_u32(r);
	if (r->bad || t->nindexes > 10000)
		return ALOPEX_ECORRUPT;
	t->indexes =
		alx_arena_calloc(r->a, t->nindexes + 1, sizeof(*t->indexes));
	if (t->indexes == NULL)
		return ALOPEX_ENOMEM;
	for (uint32_t i = 0; i < t->nindexes && !r->bad; i++) {
		struct alx_cat_index *x = &t->indexes[i];
		x->id = r_u32(r);
		x->name = r_str(r);
		uint8_t f = r_u8(r);
		x->unique = f & 1;
		x->primary = (f >> 1) & 1;
		x->ncols = r_u32(r);
		if (r->bad || x->ncols > 32)
			return ALOPEX_ECORRUPT;
		x->cols =
			alx_arena_calloc(r->a, x->ncols + 1, sizeof(*x->cols));
		x->flags = alx_arena_calloc(r->a, x->ncols + 1, 1);
		if (x->cols == NULL || x->flags == NULL)
			return ALOPEX_ENOMEM;
		for (uint32_t k = 0; k < x->ncols; k++) {
			x->cols[k] = r_u32(r);
			x->flags[k] = r_u8(r);
			if (x->cols[k] >= t->ncols)
				r->bad = 1;
		}
		x->method = r_str(r);
		x->opclass = r_str(r);
		x->options = r_str(r);
	}
	t->nchecks = r_u32(r);
	if (r->bad || t->nchecks > 10000)
		return ALOPEX_ECORRUPT;
	t->checks = alx_arena_calloc(r->a, t->nchecks + 1, sizeof(*t->checks));
	if (t->checks == NULL)
		return ALOPEX_ENOMEM;
	for (uint32_t i = 0; i < t->nchecks; i++) {
		t->checks[i].name = r_str(r);
		t->checks[i].expr = r_str(r);
	}
	if (r->bad || t->name == NULL)
		return r->bad == 2 ? ALOPEX_ENOMEM : ALOPEX_ECORRUPT;
	*out = t;
	return 0;
}

static int enc_seq(struct alx_buf *b, const struct alx_cat_sequence *s)
{
	int e = w_u8(b, REC_VERSION) || w_u32(b, s->schema_id) ||
		w_str(b, s->name) || w_u8(b, s->type) || w_i64(b, s->start) ||
		w_i64(b, s->increment) || w_i64(b, s->min) ||
		w_i64(b, s->max) || w_u8(b, s->cycle) ||
		w_u32(b, s->owner_table);
	return e ? ALOPEX_ENOMEM : 0;
}

static int dec_seq(struct rd *r, uint32_t id, struct alx_cat_sequence **out)
{
	struct alx_cat_sequence *s = alx_arena_calloc(r->a, 1, sizeof(*s));
	if (s == NULL)
		return ALOPEX_ENOMEM;
	s->id = id;
	if (r_u8(r) != REC_VERSION)
		return ALOPEX_ECORRUPT;
	s->schema_id = r_u32(r);
	s->name = r_str(r);
	s->type = r_u8(r);
	s->start = r_i64(r);
	s->increment = r_i64(r);
	s->min = r_i64(r);
	s->max = r_i64(r);
	s->cycle = r_u8(r) != 0;
	s->owner_table = r_u32(r);
	if (r->bad || s->name == NULL || s->increment == 0)
		return r->bad == 2 ? ALOPEX_ENOMEM : ALOPEX_ECORRUPT;
	*out = s;
	return 0;
}

enum {
	ROLE_SUPER = 1 << 0,
	ROLE_INHERIT = 1 << 1,
	ROLE_CREATEROLE = 1 << 2,
	ROLE_CREATEDB = 1 << 3,
	ROLE_LOGIN = 1 << 4,
	ROLE_REPLICATION = 1 << 5,
	ROLE_BYPASSRLS = 1 << 6,
};

static int enc_role(struct alx_buf *b, const struct alx_cat_role *r)
{
	uint8_t f = (uint8_t)((r->superuser ? ROLE_SUPER : 0) |
			      (r->inherit ? ROLE_INHERIT : 0) |
			      (r->createrole ? ROLE_CREATEROLE : 0) |
			      (r->createdb ? ROLE_CREATEDB : 0) |
			      (r->can_login ? ROLE_LOGIN : 0) |
			      (r->replication ? ROLE_REPLICATION : 0) |
			      (r->bypassrls ? ROLE_BYPASSRLS : 0));
	int e = w_u8(b, REC_VERSION) || w_str(b, r->name) || w_u8(b, f) ||
		w_u32(b, (uint32_t)r->connlimit) || w_str(b, r->verifier);
	return e ? ALOPEX_ENOMEM : 0;
}

static int dec_role(struct rd *r, uint32_t oid, struct alx_cat_role **out)
{
	struct alx_cat_role *x = alx_arena_calloc(r->a, 1, sizeof(*x));
	if (x == NULL)
		return ALOPEX_ENOMEM;
	x->oid = oid;
	if (r_u8(r) != REC_VERSION)
		return ALOPEX_ECORRUPT;
	x->name = r_str(r);
	uint8_t f = r_u8(r);
	x->superuser = f & ROLE_SUPER;
	x->inherit = f & ROLE_INHERIT;
	x->createrole = f & ROLE_CREATEROLE;
	x->createdb = f & ROLE_CREATEDB;
	x->can_login = f & ROLE_LOGIN;
	x->replication = f & ROLE_REPLICATION;
	x->bypassrls = f & ROLE_BYPASSRLS;
	x->connlimit = (int32_t)r_u32(r);
	x->verifier = r_str(r);
	if (r->bad || x->name == NULL)
		return r->bad == 2 ? ALOPEX_ENOMEM : ALOPEX_ECORRUPT;
	*out = x;
	return 0;
}

/* ---- the catalog object ------------------------------------------------- */

static struct alx_catalog *cat_new(struct alx_runtime *rt, uint64_t version)
{
	struct alx_catalog *c = alx_calloc(rt, 1, sizeof(*c));
	if (c == NULL)
		return NULL;
	alx_arena_init(&c->arena, rt, 16384);
	atomic_init(&c->refs, 1);
	c->version = version;
	c->next_id = ALX_CAT_FIRST_ID;
	return c;
}

struct alx_catalog *alx_catalog_ref(struct alx_catalog *c)
{
	if (c != NULL)
		atomic_fetch_add(&c->refs, 1);
	return c;
}

void alx_catalog_unref(struct alx_catalog *c)
{
	if (c == NULL || atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	struct alx_runtime *rt = c->arena.rt;
	alx_arena_fini(&c->arena);
	alx_free(rt, c);
}

/* Grow one of the pointer arrays (in the arena: the old one is garbage
 * until the catalog dies, which is fine at DDL rates). */
static int push_ptr(struct alx_catalog *c, void ***arr, uint32_t *n, void *p)
{
	void **na = alx_arena_alloc(&c->arena, (*n + 1) * sizeof(void *));
	if (na == NULL)
		return ALOPEX_ENOMEM;
	if (*n > 0)
		memcpy(na, *arr, *n * sizeof(void *));
	na[(*n)++] = p;
	*arr = na;
	return 0;
}

static struct alx_cat_role *role_copy(struct alx_catalog *c,
				      const struct alx_cat_role *r)
{
	int bad = 0;
	struct alx_cat_role *n = alx_arena_alloc(&c->arena, sizeof(*n));
	if (n == NULL)
		return NULL;
	*n = *r;
	n->name = alx_arena_strdup(&c->arena, r->name);
	if (r->verifier != NULL) {
		n->verifier = alx_arena_strdup(&c->arena, r->verifier);
		bad = n->verifier == NULL;
	}
	return n->name == NULL || bad ? NULL : n;
}

/* A database without role rows has the bootstrap superuser, as initdb
 * creates it: every attribute, no password. */
static int add_implicit_role(struct alx_catalog *c)
{
	struct alx_cat_role r = {
		.oid = ALX_ROLE_BOOTSTRAP_OID,
		.name = (char *)ALX_ROLE_BOOTSTRAP_DEFAULT,
		.superuser = true,
		.inherit = true,
		.createrole = true,
		.createdb = true,
		.can_login = true,
		.replication = true,
		.bypassrls = true,
		.connlimit = -1,
	};
	struct alx_cat_role *n = role_copy(c, &r);
	if (n == NULL)
		return ALOPEX_ENOMEM;
	return push_ptr(c, (void ***)&c->roles, &c->nroles, n);
}

static struct alx_cat_schema *schema_copy(struct alx_catalog *c,
					  const struct alx_cat_schema *s)
{
	struct alx_cat_schema *n = alx_arena_alloc(&c->arena, sizeof(*n));
	if (n == NULL)
		return NULL;
	n->id = s->id;
	n->name = alx_arena_strdup(&c->arena, s->name);
	return n->name ? n : NULL;
}

static char *sdup(struct alx_arena *a, const char *s, int *bad)
{
	if (s == NULL)
		return NULL;
	char *r = alx_arena_strdup(a, s);
	if (r == NULL)
		*bad = 1;
	return r;
}

struct alx_cat_table *alx_cat_table_copy(struct alx_catalog *c,
					 const struct alx_cat_table *t)
{
	struct alx_arena *a = &c->arena;
	int bad = 0;
	struct alx_cat_table *n = alx_arena_alloc(a, sizeof(*n));
	if (n == NULL)
		return NULL;
	*n = *t;
	n->name = sdup(a, t->name, &bad);
	n->cols = alx_arena_calloc(a, t->ncols + 1, sizeof(*n->cols));
	n->indexes = alx_arena_calloc(a, t->nindexes + 1, sizeof(*n->indexes));
	n->checks = alx_arena_calloc(a, t->nchecks + 1, sizeof(*n->checks));
	if (n->cols == NULL || n->indexes == NULL || n->checks == NULL)
		return NULL;
	for (uint32_t i = 0; i < t->ncols; i++) {
		n->cols[i] = t->cols[i];
		n->cols[i].name = sdup(a, t->cols[i].name, &bad);
		n->cols[i].default_expr =
			sdup(a, t->cols[i].default_expr, &bad);
	}
	for (uint32_t i = 0; i < t->nindexes; i++) {
		const struct alx_cat_index *x = &t->indexes[i];
		struct alx_cat_index *y = &n->indexes[i];
		*y = *x;
		y->name = sdup(a, x->name, &bad);
		y->method = sdup(a, x->method, &bad);
		y->opclass = sdup(a, x->opclass, &bad);
		y->options = sdup(a, x->options, &bad);
		y->cols = alx_arena_memdup(a, x->cols,
					   (x->ncols + 1) * sizeof(*x->cols));
		y->flags = alx_arena_memdup(a, x->flags, x->ncols + 1);
		if (y->cols == NULL || y->flags == NULL)
			return NULL;
	}
	for (uint32_t i = 0; i < t->nchecks; i++) {
		n->checks[i].name = sdup(a, t->checks[i].name, &bad);
		n->checks[i].expr = sdup(a, t->checks[i].expr, &bad);
	}
	return bad ? NULL : n;
}

static struct alx_cat_sequence *seq_copy(struct alx_catalog *c,
					 const struct alx_cat_sequence *s)
{
	struct alx_cat_sequence *n = alx_arena_alloc(&c->arena, sizeof(*n));
	if (n == NULL)
		return NULL;
	*n = *s;
	n->name = alx_arena_strdup(&c->arena, s->name);
	return n->name ? n : NULL;
}

int alx_catalog_create(struct alx_runtime *rt, uint64_t version,
		       struct alx_catalog **out, alopex_diag *d)
{
	struct alx_catalog *c = cat_new(rt, version);
	if (c == NULL)
		return oom(d);
	struct alx_cat_schema pub = {ALX_CAT_PUBLIC_SCHEMA_ID, "public"};
	struct alx_cat_schema *s = schema_copy(c, &pub);
	if (s == NULL ||
	    push_ptr(c, (void ***)&c->schemas, &c->nschemas, s) != 0 ||
	    add_implicit_role(c) != 0) {
		alx_catalog_unref(c);
		return oom(d);
	}
	*out = c;
	return 0;
}

int alx_catalog_clone(const struct alx_catalog *src, uint64_t version,
		      struct alx_catalog **out, alopex_diag *d)
{
	struct alx_catalog *c = cat_new(src->arena.rt, version);
	if (c == NULL)
		return oom(d);
	c->next_id = src->next_id;
	c->public_stored = src->public_stored;
	for (uint32_t i = 0; i < src->nschemas; i++) {
		struct alx_cat_schema *s = schema_copy(c, src->schemas[i]);
		if (s == NULL ||
		    push_ptr(c, (void ***)&c->schemas, &c->nschemas, s) != 0)
			goto fail;
	}
	for (uint32_t i = 0; i < src->ntables; i++) {
		struct alx_cat_table *t = alx_cat_table_copy(c, src->tables[i]);
		if (t == NULL ||
		    push_ptr(c, (void ***)&c->tables, &c->ntables, t) != 0)
			goto fail;
	}
	for (uint32_t i = 0; i < src->nsequences; i++) {
		struct alx_cat_sequence *s = seq_copy(c, src->sequences[i]);
		if (s == NULL || push_ptr(c, (void ***)&c->sequences,
					  &c->nsequences, s) != 0)
			goto fail;
	}
	c->roles_stored = src->roles_stored;
	for (uint32_t i = 0; i < src->nroles; i++) {
		struct alx_cat_role *r = role_copy(c, src->roles[i]);
		if (r == NULL ||
		    push_ptr(c, (void ***)&c->roles, &c->nroles, r) != 0)
			goto fail;
	}
	*out = c;
	return 0;
fail:
	alx_catalog_unref(c);
	return oom(d);
}

int alx_catalog_load(struct alx_runtime *rt, struct alx_kv_txn *txn,
		     uint64_t version, struct alx_catalog **out, alopex_diag *d)
{
	struct alx_catalog *c = cat_new(rt, version);
	if (c == NULL)
		return oom(d);
	int rc, meta_found = 0;
	uint8_t lo[1] = {ALX_SPACE_CATALOG}, hi[1] = {ALX_SPACE_CATALOG + 1};
	alopex_slice lower = {lo, 1}, upper = {hi, 1};
	struct alx_kv_cursor *cur = NULL;
	rc = alx_kv_cursor_open(txn, lower, upper, 0, &cur);
	if (rc != 0) {
		*d = txn->diag;
		goto fail;
	}
	for (;;) {
		alopex_slice k, v;
		rc = alx_kv_cursor_next(cur, &k, &v);
		if (rc == ALOPEX_DONE)
			break;
		if (rc != ALOPEX_ROW) {
			*d = txn->diag;
			goto fail;
		}
		struct rd r = {v.ptr, v.ptr + v.len, &c->arena, 0};
		if (k.len == 2 && k.ptr[1] == KIND_META) {
			c->next_id = r_u32(&r);
			meta_found = 1;
			if (r.bad || c->next_id < ALX_CAT_FIRST_ID) {
				rc = corrupt(d, "meta");
				goto fail;
			}
			continue;
		}
		if (k.len != 6) {
			rc = corrupt(d, "key length");
			goto fail;
		}
		uint32_t id = (uint32_t)k.ptr[2] << 24 |
			      (uint32_t)k.ptr[3] << 16 |
			      (uint32_t)k.ptr[4] << 8 | k.ptr[5];
		if (k.ptr[1] == KIND_SCHEMA) {
			struct alx_cat_schema s = {id, r_str(&r)};
			if (id == ALX_CAT_PUBLIC_SCHEMA_ID)
				c->public_stored = true;
			if (r.bad || s.name == NULL) {
				rc = corrupt(d, "schema");
				goto fail;
			}
			struct alx_cat_schema *n = schema_copy(c, &s);
			if (n == NULL || push_ptr(c, (void ***)&c->schemas,
						  &c->nschemas, n) != 0) {
				rc = oom(d);
				goto fail;
			}
		} else if (k.ptr[1] == KIND_TABLE) {
			struct alx_cat_table *t = NULL;
			rc = dec_table(&r, id, &t);
			if (rc == 0)
				rc = push_ptr(c, (void ***)&c->tables,
					      &c->ntables, t);
			if (rc != 0) {
				rc = rc == ALOPEX_ENOMEM ? oom(d)
							 : corrupt(d, "table");
				goto fail;
			}
		} else if (k.ptr[1] == KIND_SEQ) {
			struct alx_cat_sequence *s = NULL;
			rc = dec_seq(&r, id, &s);
			if (rc == 0)
				rc = push_ptr(c, (void ***)&c->sequences,
					      &c->nsequences, s);
			if (rc != 0) {
				rc = rc == ALOPEX_ENOMEM
					     ? oom(d)
					     : corrupt(d, "sequence");
				goto fail;
			}
		} else if (k.ptr[1] == KIND_ROLE) {
			struct alx_cat_role *x = NULL;
			rc = dec_role(&r, id, &x);
			if (rc == 0)
				rc = push_ptr(c, (void ***)&c->roles,
					      &c->nroles, x);
			if (rc != 0) {
				rc = rc == ALOPEX_ENOMEM ? oom(d)
							 : corrupt(d, "role");
				goto fail;
			}
			c->roles_stored = true;
		} else {
			rc = corrupt(d, "unknown kind");
			goto fail;
		}
	}
	alx_kv_cursor_close(cur);
	cur = NULL;
	if (c->nroles == 0 && add_implicit_role(c) != 0) {
		rc = oom(d);
		goto fail;
	}
	if (!meta_found) {
		/* A database without DDL yet: just the public schema. */
		struct alx_cat_schema pub = {ALX_CAT_PUBLIC_SCHEMA_ID,
					     "public"};
		struct alx_cat_schema *s = schema_copy(c, &pub);
		if (s == NULL ||
		    push_ptr(c, (void ***)&c->schemas, &c->nschemas, s) != 0) {
			rc = oom(d);
			goto fail;
		}
	}
	*out = c;
	return 0;
fail:
	alx_kv_cursor_close(cur);
	alx_catalog_unref(c);
	return rc;
}

/* ---- lookups ------------------------------------------------------------ */

struct alx_cat_schema *alx_cat_schema_find(const struct alx_catalog *c,
					   const char *name)
{
	for (uint32_t i = 0; i < c->nschemas; i++)
		if (strcmp(c->schemas[i]->name, name) == 0)
			return c->schemas[i];
	return NULL;
}

struct alx_cat_schema *alx_cat_schema_by_id(const struct alx_catalog *c,
					    uint32_t id)
{
	for (uint32_t i = 0; i < c->nschemas; i++)
		if (c->schemas[i]->id == id)
			return c->schemas[i];
	return NULL;
}

struct alx_cat_table *alx_cat_table_find(const struct alx_catalog *c,
					 uint32_t schema_id, const char *name)
{
	for (uint32_t i = 0; i < c->ntables; i++)
		if (c->tables[i]->schema_id == schema_id &&
		    strcmp(c->tables[i]->name, name) == 0)
			return c->tables[i];
	return NULL;
}

struct alx_cat_table *alx_cat_table_by_id(const struct alx_catalog *c,
					  uint32_t id)
{
	for (uint32_t i = 0; i < c->ntables; i++)
		if (c->tables[i]->id == id)
			return c->tables[i];
	return NULL;
}

struct alx_cat_sequence *alx_cat_seq_find(const struct alx_catalog *c,
					  uint32_t schema_id, const char *name)
{
	for (uint32_t i = 0; i < c->nsequences; i++)
		if (c->sequences[i]->schema_id == schema_id &&
		    strcmp(c->sequences[i]->name, name) == 0)
			return c->sequences[i];
	return NULL;
}

struct alx_cat_sequence *alx_cat_seq_by_id(const struct alx_catalog *c,
					   uint32_t id)
{
	for (uint32_t i = 0; i < c->nsequences; i++)
		if (c->sequences[i]->id == id)
			return c->sequences[i];
	return NULL;
}

struct alx_cat_index *alx_cat_index_find(const struct alx_catalog *c,
					 uint32_t schema_id, const char *name,
					 struct alx_cat_table **table)
{
	for (uint32_t i = 0; i < c->ntables; i++) {
		struct alx_cat_table *t = c->tables[i];
		if (t->schema_id != schema_id)
			continue;
		for (uint32_t k = 0; k < t->nindexes; k++) {
			if (strcmp(t->indexes[k].name, name) == 0) {
				if (table != NULL)
					*table = t;
				return &t->indexes[k];
			}
		}
	}
	return NULL;
}

bool alx_cat_relname_taken(const struct alx_catalog *c, uint32_t schema_id,
			   const char *name)
{
	return alx_cat_table_find(c, schema_id, name) != NULL ||
	       alx_cat_seq_find(c, schema_id, name) != NULL ||
	       alx_cat_index_find(c, schema_id, name, NULL) != NULL;
}

int alx_cat_column_find(const struct alx_cat_table *t, const char *name)
{
	for (uint32_t i = 0; i < t->ncols; i++)
		if (!t->cols[i].dropped && strcmp(t->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* ---- changes ------------------------------------------------------------ */

static int kv_fail(struct alx_kv_txn *txn, int rc, alopex_diag *d)
{
	if (txn->diag.code != 0)
		*d = txn->diag;
	else
		alx_diag_set(d, rc, NULL, "%s", alopex_code_str(rc));
	return rc;
}

static int store(struct alx_catalog *c, struct alx_kv_txn *txn, uint8_t kind,
		 uint32_t id, struct alx_buf *b, alopex_diag *d)
{
	uint8_t key[6];
	cat_key(key, kind, id);
	alopex_slice k = {key, 6}, v = {b->ptr, b->len};
	(void)c;
	int rc = alx_kv_txn_put(txn, k, v);
	return rc != 0 ? kv_fail(txn, rc, d) : 0;
}

static int write_meta(struct alx_catalog *c, struct alx_kv_txn *txn,
		      alopex_diag *d)
{
	uint8_t key[2] = {ALX_SPACE_CATALOG, KIND_META};
	uint8_t val[4] = {(uint8_t)(c->next_id >> 24),
			  (uint8_t)(c->next_id >> 16),
			  (uint8_t)(c->next_id >> 8), (uint8_t)c->next_id};
	alopex_slice k = {key, 2}, v = {val, 4};
	int rc = alx_kv_txn_put(txn, k, v);
	if (rc != 0)
		return kv_fail(txn, rc, d);
	/* Once a meta row exists, schemas are only what rows say: store the
	 * implicit public schema with it. */
	struct alx_cat_schema *pub =
		alx_cat_schema_by_id(c, ALX_CAT_PUBLIC_SCHEMA_ID);
	if (pub == NULL || c->public_stored)
		return 0;
	struct alx_buf b;
	alx_buf_init(&b, &c->arena);
	if (w_str(&b, pub->name) != 0)
		return oom(d);
	rc = store(c, txn, KIND_SCHEMA, pub->id, &b, d);
	if (rc == 0)
		c->public_stored = true;
	return rc;
}

int alx_cat_new_id(struct alx_catalog *c, struct alx_kv_txn *txn, uint32_t *out,
		   alopex_diag *d)
{
	uint32_t id = c->next_id++;
	int rc = write_meta(c, txn, d);
	if (rc != 0)
		return rc;
	*out = id;
	return 0;
}

static int remove_ptr(void **arr, uint32_t *n, const void *p)
{
	for (uint32_t i = 0; i < *n; i++) {
		if (arr[i] == p) {
			memmove(arr + i, arr + i + 1,
				(*n - i - 1) * sizeof(void *));
			(*n)--;
			return 0;
		}
	}
	return ALOPEX_ENOTFOUND;
}

static int replace_or_push(struct alx_catalog *c, void ***arr, uint32_t *n,
			   const void *old, void *p)
{
	for (uint32_t i = 0; old != NULL && i < *n; i++) {
		if ((*arr)[i] == old) {
			(*arr)[i] = p;
			return 0;
		}
	}
	return push_ptr(c, arr, n, p);
}

int alx_cat_put_table(struct alx_catalog *c, struct alx_kv_txn *txn,
		      const struct alx_cat_table *t, alopex_diag *d)
{
	struct alx_buf b;
	alx_buf_init(&b, &c->arena);
	struct alx_cat_table *n = alx_cat_table_copy(c, t);
	if (n == NULL || enc_table(&b, n) != 0)
		return oom(d);
	int rc = write_meta(c, txn, d);
	if (rc == 0)
		rc = store(c, txn, KIND_TABLE, t->id, &b, d);
	if (rc != 0)
		return rc;
	if (replace_or_push(c, (void ***)&c->tables, &c->ntables,
			    alx_cat_table_by_id(c, t->id), n) != 0)
		return oom(d);
	return 0;
}

int alx_cat_put_schema(struct alx_catalog *c, struct alx_kv_txn *txn,
		       const struct alx_cat_schema *s, alopex_diag *d)
{
	struct alx_buf b;
	alx_buf_init(&b, &c->arena);
	struct alx_cat_schema *n = schema_copy(c, s);
	if (n == NULL || w_str(&b, s->name) != 0)
		return oom(d);
	int rc = write_meta(c, txn, d);
	if (rc == 0)
		rc = store(c, txn, KIND_SCHEMA, s->id, &b, d);
	if (rc != 0)
		return rc;
	if (replace_or_push(c, (void ***)&c->schemas, &c->nschemas,
			    alx_cat_schema_by_id(c, s->id), n) != 0)
		return oom(d);
	return 0;
}

int alx_cat_put_sequence(struct alx_catalog *c, struct alx_kv_txn *txn,
			 const struct alx_cat_sequence *s, alopex_diag *d)
{
	struct alx_buf b;
	alx_buf_init(&b, &c->arena);
	struct alx_cat_sequence *n = seq_copy(c, s);
	if (n == NULL || enc_seq(&b, s) != 0)
		return oom(d);
	int rc = write_meta(c, txn, d);
	if (rc == 0)
		rc = store(c, txn, KIND_SEQ, s->id, &b, d);
	if (rc != 0)
		return rc;
	if (replace_or_push(c, (void ***)&c->sequences, &c->nsequences,
			    alx_cat_seq_by_id(c, s->id), n) != 0)
		return oom(d);
	return 0;
}

static int drop_row(struct alx_catalog *c, struct alx_kv_txn *txn, uint8_t kind,
		    uint32_t id, alopex_diag *d)
{
	int rc = write_meta(c, txn, d);
	if (rc != 0)
		return rc;
	uint8_t key[6];
	cat_key(key, kind, id);
	alopex_slice k = {key, 6};
	rc = alx_kv_txn_del(txn, k);
	if (rc == ALOPEX_ENOTFOUND)
		rc = 0; /* the public schema has no row until renamed */
	return rc != 0 ? kv_fail(txn, rc, d) : 0;
}

int alx_cat_drop_table(struct alx_catalog *c, struct alx_kv_txn *txn,
		       uint32_t id, alopex_diag *d)
{
	int rc = drop_row(c, txn, KIND_TABLE, id, d);
	if (rc == 0)
		remove_ptr((void **)c->tables, &c->ntables,
			   alx_cat_table_by_id(c, id));
	return rc;
}

int alx_cat_drop_schema(struct alx_catalog *c, struct alx_kv_txn *txn,
			uint32_t id, alopex_diag *d)
{
	int rc = drop_row(c, txn, KIND_SCHEMA, id, d);
	if (rc == 0)
		remove_ptr((void **)c->schemas, &c->nschemas,
			   alx_cat_schema_by_id(c, id));
	return rc;
}

int alx_cat_drop_sequence(struct alx_catalog *c, struct alx_kv_txn *txn,
			  uint32_t id, alopex_diag *d)
{
	int rc = drop_row(c, txn, KIND_SEQ, id, d);
	if (rc == 0)
		remove_ptr((void **)c->sequences, &c->nsequences,
			   alx_cat_seq_by_id(c, id));
	return rc;
}

int alx_cat_put_role(struct alx_catalog *c, struct alx_kv_txn *txn,
		     const struct alx_cat_role *r, alopex_diag *d)
{
	struct alx_buf b;
	alx_buf_init(&b, &c->arena);
	struct alx_cat_role *n = role_copy(c, r);
	if (n == NULL || enc_role(&b, n) != 0)
		return oom(d);
	int rc = write_meta(c, txn, d);
	/* The first role row: the implicit bootstrap superuser must get
	 * its row too, or it would vanish at the next load. */
	struct alx_cat_role *boot = NULL;
	for (uint32_t i = 0; i < c->nroles; i++)
		if (c->roles[i]->oid == ALX_ROLE_BOOTSTRAP_OID)
			boot = c->roles[i];
	if (rc == 0 && !c->roles_stored && boot != NULL &&
	    r->oid != ALX_ROLE_BOOTSTRAP_OID) {
		struct alx_buf bb;
		alx_buf_init(&bb, &c->arena);
		if (enc_role(&bb, boot) != 0)
			return oom(d);
		rc = store(c, txn, KIND_ROLE, boot->oid, &bb, d);
	}
	if (rc == 0)
		rc = store(c, txn, KIND_ROLE, r->oid, &b, d);
	if (rc != 0)
		return rc;
	c->roles_stored = true;
	const struct alx_cat_role *old = NULL;
	for (uint32_t i = 0; i < c->nroles; i++)
		if (c->roles[i]->oid == r->oid)
			old = c->roles[i];
	if (replace_or_push(c, (void ***)&c->roles, &c->nroles, old, n) != 0)
		return oom(d);
	return 0;
}

int alx_cat_drop_role(struct alx_catalog *c, struct alx_kv_txn *txn,
		      uint32_t oid, alopex_diag *d)
{
	int rc = drop_row(c, txn, KIND_ROLE, oid, d);
	for (uint32_t i = 0; rc == 0 && i < c->nroles; i++) {
		if (c->roles[i]->oid == oid) {
			remove_ptr((void **)c->roles, &c->nroles, c->roles[i]);
			break;
		}
	}
	return rc;
}
