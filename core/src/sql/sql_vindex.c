/*
 * Vector indexes under SQL: the per-database registry, building, row
 * maintenance with undo, VACUUM (see sql_vindex.h).
 */
#include "sql/sql_vindex.h"

#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "db/db_internal.h"
#include "kv/kv_txn.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_registry.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_session_int.h"
#include "vector/vec_index.h"

#define VREG_PLUGINS 8
/* Build: rows read per cursor pass (their vectors are copied). */
#define BUILD_BATCH 2048
/* Longest wait for another transaction's writer token without a
 * statement_timeout. */
#define TOKEN_WAIT_US (60LL * 1000000)
/* A commit vacuums an index it changed once this many removed rows, and
 * a fifth of the live ones, wait there. */
#define AUTOVACUUM_MIN 1000

struct vplugin {
	const struct alopex_plugin *p;
	void *inst;
};

struct alx_vreg {
	alopex_db *db;
	struct alx_runtime *rt;
	pthread_mutex_t mu; /* everything below, and every writer token */
	pthread_cond_t cv;  /* a writer token was released */
	struct alx_vidx **v;
	uint32_t n, cap;
	struct vplugin plugins[VREG_PLUGINS];
	uint32_t nplugins;
	struct alx_vreg_stats st;
};

enum { U_INS = 1, U_DEL = 2, U_CREATED = 3 };

struct vundo {
	struct alx_vidx *ix; /* a reference */
	uint64_t id;
	uint32_t seq;
	uint8_t op;
};

/* A session's vector-index changes in its open transaction. */
struct alx_vtxn {
	struct vundo *u;
	uint32_t n, cap;
	struct alx_vidx **tokens; /* held writer tokens (references) */
	uint32_t ntok, captok;
};

/* Extra per-index facts the registry keeps beside struct alx_vidx. */
struct vidx_full {
	struct alx_vidx v;
	uint32_t col;	     /* the indexed column */
	bool has_pk;	     /* else the hidden row id */
	struct alx_type kty; /* key column type */
	unsigned kflags;
	struct alx_vreg_stats *st;
};

static void auto_vacuum(struct alx_session *s, struct alx_vidx **v, uint32_t n);
static void auto_checkpoint(struct alx_session *s, struct alx_vtxn *vt);
static int checkpoint(struct alx_vreg *r, struct alx_vidx *v, alopex_diag *d);

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- registry ------------------------------------------------------------ */

int alx_vreg_create(alopex_db *db, struct alx_vreg **out)
{
	struct alx_vreg *r = alx_calloc(db->rt, 1, sizeof(*r));
	if (r == NULL)
		return ALOPEX_ENOMEM;
	r->db = db;
	r->rt = db->rt;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	*out = r;
	return 0;
}

static void vidx_free(struct alx_vidx *v)
{
	struct alx_vreg *r = v->reg;
	if (v->ops != NULL)
		v->ops->close(v->index);
	alx_free(r->rt, v);
}

void alx_vidx_release(struct alx_vidx *v)
{
	if (v != NULL && atomic_fetch_sub(&v->refs, 1) == 1)
		vidx_free(v);
}

/* Under r->mu: drop the registry's reference to entry i. */
static void evict_at(struct alx_vreg *r, uint32_t i)
{
	struct alx_vidx *v = r->v[i];
	r->v[i] = r->v[--r->n];
	alx_vidx_release(v);
}

void alx_vreg_destroy(struct alx_vreg *r)
{
	if (r == NULL)
		return;
	/* the shared state the rows' transactions did not write */
	for (uint32_t i = 0; i < r->n; i++) {
		alopex_diag d;
		alx_diag_clear(&d);
		checkpoint(r, r->v[i], &d);
	}
	while (r->n > 0)
		evict_at(r, r->n - 1);
	for (uint32_t i = 0; i < r->nplugins; i++)
		r->plugins[i].p->fini(r->plugins[i].inst);
	alx_free(r->rt, r->v);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	alx_free(r->rt, r);
}

void alx_vreg_stats(struct alx_vreg *r, struct alx_vreg_stats *out)
{
	pthread_mutex_lock(&r->mu);
	*out = r->st;
	pthread_mutex_unlock(&r->mu);
}

bool alx_vsql_is_vector(const struct alx_cat_index *x)
{
	return x->method != NULL && strcmp(x->method, "btree") != 0;
}

/* The WITH (...) value of key in "k=v,k=v" text, into buf. */
static bool option_value(const char *opts, const char *key, char *buf, size_t n)
{
	size_t kl = strlen(key);
	for (const char *p = opts; p != NULL && *p != '\0';) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		if (eq != NULL && (size_t)(eq - p) == kl &&
		    strncasecmp(p, key, kl) == 0) {
			size_t vl = len - kl - 1;
			if (vl >= n)
				vl = n - 1;
			memcpy(buf, eq + 1, vl);
			buf[vl] = '\0';
			return true;
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

static uint32_t metric_name(const char *s)
{
	if (strcasecmp(s, "l2") == 0 || strcasecmp(s, "euclidean") == 0)
		return ALOPEX_METRIC_L2;
	if (strcasecmp(s, "cosine") == 0)
		return ALOPEX_METRIC_COSINE;
	if (strcasecmp(s, "ip") == 0 || strcasecmp(s, "inner") == 0 ||
	    strcasecmp(s, "inner_product") == 0)
		return ALOPEX_METRIC_IP;
	return 0;
}

static uint32_t opclass_metric(const char *oc)
{
	if (oc == NULL)
		return 0;
	if (strcmp(oc, "vector_l2_ops") == 0)
		return ALOPEX_METRIC_L2;
	if (strcmp(oc, "vector_cosine_ops") == 0)
		return ALOPEX_METRIC_COSINE;
	if (strcmp(oc, "vector_ip_ops") == 0)
		return ALOPEX_METRIC_IP;
	return 0;
}

uint32_t alx_vsql_metric(const struct alx_cat_index *x)
{
	uint32_t m = opclass_metric(x->opclass);
	char buf[32];
	if (m == 0 && x->options != NULL &&
	    option_value(x->options, "metric", buf, sizeof(buf)))
		m = metric_name(buf);
	return m != 0 ? m : ALOPEX_METRIC_L2;
}

/* Under r->mu: the plugin instance of method (made on first use). */
static int plugin_of(struct alx_vreg *r, const char *method,
		     const struct alopex_plugin **p, void **inst,
		     alopex_diag *d)
{
	for (uint32_t i = 0; i < r->nplugins; i++) {
		if (strcmp(r->plugins[i].p->name, method) == 0) {
			*p = r->plugins[i].p;
			*inst = r->plugins[i].inst;
			return 0;
		}
	}
	const struct alopex_plugin *pl = alx_registry_find(
		alx_runtime_registry(r->rt), ALOPEX_PLUGIN_INDEX, method);
	if (pl == NULL || pl->ops == NULL ||
	    ((const struct alopex_index_ops *)pl->ops)->size <
		    sizeof(struct alopex_index_ops))
		return alx_diag_set(d, ALOPEX_ESQL, "42704",
				    "access method \"%s\" is not available "
				    "(its index plugin is not loaded)",
				    method);
	if (r->nplugins == VREG_PLUGINS)
		return alx_diag_set(d, ALOPEX_ENOMEM, "53200",
				    "too many index plugins");
	void *in = NULL;
	int rc = pl->init(alx_runtime_host(r->rt), NULL, &in, d);
	if (rc != 0)
		return rc;
	r->plugins[r->nplugins].p = pl;
	r->plugins[r->nplugins].inst = in;
	r->nplugins++;
	*p = pl;
	*inst = in;
	return 0;
}

static struct alx_vidx *find_locked(struct alx_vreg *r, uint32_t tid,
				    uint32_t iid)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (r->v[i]->table_id == tid && r->v[i]->index_id == iid)
			return r->v[i];
	return NULL;
}

/* Under r->mu: add v (the registry's reference), replacing an older
 * entry for the same index. */
static int add_locked(struct alx_vreg *r, struct alx_vidx *v)
{
	for (uint32_t i = 0; i < r->n; i++) {
		if (r->v[i]->table_id == v->table_id &&
		    r->v[i]->index_id == v->index_id) {
			evict_at(r, i);
			break;
		}
	}
	if (r->n == r->cap) {
		uint32_t cap = r->cap ? r->cap * 2 : 8;
		struct alx_vidx **nv =
			alx_realloc(r->rt, r->v, cap * sizeof(*nv));
		if (nv == NULL)
			return ALOPEX_ENOMEM;
		r->v = nv;
		r->cap = cap;
	}
	r->v[r->n++] = v;
	return 0;
}

/* ---- row ids --------------------------------------------------------------- */

static bool int_type(uint8_t id)
{
	return id == ALX_T_INT2 || id == ALX_T_INT4 || id == ALX_T_INT8;
}

/* Whether t's rows have 64-bit ids (see sql_vindex.h). */
static bool table_ok(const struct alx_cat_table *t)
{
	if (!t->has_pk)
		return true;
	const struct alx_cat_index *pk = &t->indexes[0];
	return pk->ncols == 1 && int_type(t->cols[pk->cols[0]].type.id);
}

static void key_info(const struct alx_cat_table *t, struct alx_type *ty,
		     unsigned *flags)
{
	if (!t->has_pk) {
		*ty = alx_type_make(ALX_T_INT8);
		*flags = 0;
		return;
	}
	const struct alx_cat_index *pk = &t->indexes[0];
	*ty = t->cols[pk->cols[0]].type;
	*flags = pk->flags[0];
}

static int key_id(struct alx_type ty, unsigned flags, alopex_slice key,
		  uint64_t *id)
{
	size_t pos = ALX_TABLE_PREFIX_LEN;
	struct alx_value v;
	alopex_diag d;
	int rc =
		alx_key_decode(NULL, key.ptr, key.len, &pos, ty, flags, &v, &d);
	if (rc != 0 || pos != key.len || v.null)
		return ALOPEX_ECORRUPT;
	*id = (uint64_t)v.u.i;
	return 0;
}

static int id_key(struct alx_arena *a, uint32_t tid, struct alx_type ty,
		  unsigned flags, uint64_t id, alopex_slice *key)
{
	uint8_t pre[ALX_TABLE_PREFIX_LEN];
	alx_table_prefix(pre, tid, 0);
	struct alx_buf b;
	alx_buf_init(&b, a);
	struct alx_value v = alx_value_int(ty.id, (int64_t)id);
	alopex_diag d;
	if (alx_buf_append(&b, pre, sizeof(pre)) != 0 ||
	    alx_key_encode(&b, &v, flags, &d) != 0)
		return ALOPEX_ENOMEM;
	*key = (alopex_slice){b.ptr, b.len};
	return 0;
}

int alx_vsql_key_id(const struct alx_cat_table *t, alopex_slice key,
		    uint64_t *id)
{
	struct alx_type ty;
	unsigned fl;
	key_info(t, &ty, &fl);
	return key_id(ty, fl, key, id);
}

int alx_vsql_id_key(struct alx_arena *a, const struct alx_cat_table *t,
		    uint64_t id, alopex_slice *key)
{
	struct alx_type ty;
	unsigned fl;
	key_info(t, &ty, &fl);
	return id_key(a, t->id, ty, fl, id, key);
}

/* ---- opening and building ------------------------------------------------- */

/* ALOPEX_ESQL with SQLSTATE and message (second line: DETAIL). */
#define SQLERR(d, st, ...) alx_diag_set(d, ALOPEX_ESQL, st, __VA_ARGS__)

/*
 * WITH (...) against the plugin's build schema, with pgvector's words:
 * the "metric" key (Alopex form) is taken out first; the rest goes to the
 * schema parser in *opts (schema->config_size bytes).
 */
static int parse_options(const struct alopex_index_ops *ops, const char *text,
			 const char *method, uint8_t *opts, size_t optsz,
			 alopex_diag *d)
{
	char rest[512];
	size_t rl = 0;
	rest[0] = '\0';
	for (const char *p = text; p != NULL && *p != '\0';) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t kl = eq ? (size_t)(eq - p) : len;
		char key[64], val[128];
		snprintf(key, sizeof(key), "%.*s", (int)kl, p);
		snprintf(val, sizeof(val), "%.*s", eq ? (int)(len - kl - 1) : 0,
			 eq ? eq + 1 : "");
		p = end ? end + 1 : NULL;
		if (strcasecmp(key, "metric") == 0) {
			if (metric_name(val) == 0)
				return SQLERR(d, "22023",
					      "invalid value for option "
					      "\"metric\": \"%s\"\nValid "
					      "values are \"l2\", \"cosine\" "
					      "and \"ip\".",
					      val);
			continue;
		}
		const struct alopex_cfg_schema *s = ops->build_options;
		const struct alopex_cfg_field *f = NULL;
		for (size_t i = 0; s != NULL && i < s->field_count; i++)
			if (strcasecmp(s->fields[i].key, key) == 0)
				f = &s->fields[i];
		if (f == NULL)
			return SQLERR(d, "22023",
				      "unrecognized parameter \"%s\"", key);
		if (f->type == ALOPEX_CFG_INT) {
			char *e;
			errno = 0;
			long long v = strtoll(val, &e, 10);
			if (val[0] == '\0' || *e != '\0' || errno != 0)
				return SQLERR(d, "22023",
					      "invalid value for integer "
					      "option \"%s\": \"%s\"",
					      f->key, val);
			if (f->min <= f->max && (v < f->min || v > f->max))
				return SQLERR(d, "22023",
					      "value %s out of bounds for "
					      "option \"%s\"\nValid values "
					      "are between \"%.0f\" and "
					      "\"%.0f\".",
					      val, f->key, f->min, f->max);
		}
		int w = snprintf(rest + rl, sizeof(rest) - rl, "%s%s=%s",
				 rl ? "," : "", key, val);
		if (w < 0 || (size_t)w >= sizeof(rest) - rl)
			return SQLERR(d, "22023", "too many options for %s",
				      method);
		rl += (size_t)w;
	}
	if (ops->build_options == NULL)
		return 0;
	if (ops->build_options->config_size > optsz)
		return SQLERR(d, "XX000", "%s options too large", method);
	alopex_diag pd;
	int rc = alx_vindex_options_parse(ops->build_options, rest, rl, opts,
					  &pd);
	if (rc != 0)
		return SQLERR(d, "22023", "%s", pd.message);
	return 0;
}

/* A new registry entry for (t, x) around an open or created index. */
static struct alx_vidx *vidx_new(struct alx_vreg *r,
				 const struct alx_cat_table *t,
				 const struct alx_cat_index *x,
				 const struct alopex_index_ops *ops,
				 void *index, uint32_t dim, uint32_t metric)
{
	struct vidx_full *f = alx_calloc(r->rt, 1, sizeof(*f));
	if (f == NULL)
		return NULL;
	f->v.reg = r;
	f->v.table_id = t->id;
	f->v.index_id = x->id;
	f->v.ops = ops;
	f->v.index = index;
	f->v.dim = dim;
	f->v.metric = metric;
	snprintf(f->v.method, sizeof(f->v.method), "%s", x->method);
	atomic_init(&f->v.refs, 1);
	/* unknown until a stats call: an opened index may hold removals */
	atomic_init(&f->v.nremoves, 0);
	atomic_init(&f->v.clean_at, UINT64_MAX);
	f->col = x->cols[0];
	f->has_pk = t->has_pk;
	key_info(t, &f->kty, &f->kflags);
	return &f->v;
}

static struct vidx_full *full(struct alx_vidx *v)
{
	return (struct vidx_full *)v;
}

struct progress {
	struct alx_runtime *rt;
	const char *name;
	uint64_t total, done;
	int64_t start, last;
	uint32_t last_pct;
};

static void progress_step(struct progress *p)
{
	p->done++;
	if ((p->done & 1023) != 0 || p->total < 20000)
		return;
	int64_t now = mono_us();
	uint32_t pct = (uint32_t)(p->done * 100 / p->total);
	if (pct / 10 == p->last_pct / 10 && now - p->last < 5000000)
		return;
	p->last = now;
	p->last_pct = pct;
	double s = (double)(now - p->start) / 1e6;
	alx_log(p->rt, ALOPEX_LOG_INFO, "sql",
		"building index \"%s\": %llu of %llu rows (%u%%), %.1fs",
		p->name, (unsigned long long)p->done,
		(unsigned long long)p->total, pct, s);
}

/*
 * Insert every row of t visible to txn into v (records through kv), in
 * batches: a cursor must not stay open across writes to its transaction.
 */
static int fill(struct alx_vreg *r, struct alx_kv_txn *txn,
		const struct alx_cat_table *t, const struct alx_cat_index *x,
		struct alx_vidx *v, const struct alopex_index_kv *kv,
		alopex_diag *d)
{
	struct vidx_full *f = full(v);
	uint8_t pre[ALX_TABLE_PREFIX_LEN], hi[ALX_TABLE_PREFIX_LEN];
	alx_table_prefix(pre, t->id, 0);
	alx_table_prefix(hi, t->id, 1);
	struct progress pg = {r->rt, x->name, 0, 0, mono_us(), 0, 0};
	pg.last = pg.start;
	/* Count first, for the progress line of large builds. */
	struct alx_kv_cursor *c;
	alopex_slice lo = {pre, sizeof(pre)}, up = {hi, sizeof(hi)}, k, val;
	int rc = alx_kv_cursor_open(txn, lo, up, 0, &c);
	if (rc != 0)
		return alx_diag_set(d, rc, "XX000", "%s", txn->diag.message);
	while ((rc = alx_kv_cursor_next(c, &k, &val)) == ALOPEX_ROW)
		pg.total++;
	alx_kv_cursor_close(c);
	if (rc != ALOPEX_DONE)
		return alx_diag_set(d, rc, "XX000", "%s", txn->diag.message);

	struct alx_arena a;
	alx_arena_init(&a, r->rt, 0);
	uint64_t *ids = alx_malloc(r->rt, BUILD_BATCH * sizeof(*ids));
	float *vecs =
		alx_malloc(r->rt, (size_t)BUILD_BATCH * v->dim * sizeof(float));
	uint8_t *last = alx_malloc(r->rt, 1024);
	size_t lastlen = 0;
	struct alx_value *row =
		alx_calloc(r->rt, t->ncols + 1, sizeof(struct alx_value));
	if (ids == NULL || vecs == NULL || last == NULL || row == NULL) {
		rc = alx_diag_set(d, ALOPEX_ENOMEM, "53200", "out of memory");
		goto out;
	}
	for (bool more = true; more;) {
		uint32_t n = 0;
		if (lastlen > 0) {
			lo = (alopex_slice){last, lastlen};
			/* strictly after the last key read */
			last[lastlen] = 0;
			lo.len = lastlen + 1;
		}
		rc = alx_kv_cursor_open(txn, lo, up, 0, &c);
		if (rc != 0) {
			rc = alx_diag_set(d, rc, "XX000", "%s",
					  txn->diag.message);
			goto out;
		}
		more = false;
		while (n < BUILD_BATCH &&
		       (rc = alx_kv_cursor_next(c, &k, &val)) == ALOPEX_ROW) {
			alx_arena_reset(&a);
			if (k.len >= 1023) {
				rc = ALOPEX_ECORRUPT;
				break;
			}
			memcpy(last, k.ptr, k.len);
			lastlen = k.len;
			rc = alx_table_decode_row(&a, t, val, row, d);
			if (rc == 0)
				rc = key_id(f->kty, f->kflags, k, &ids[n]);
			if (rc != 0)
				break;
			const struct alx_value *cv = &row[f->col];
			if (cv->null)
				continue;
			if (cv->u.vec.dim != v->dim) {
				rc = SQLERR(d, "22000",
					    "expected %u dimensions, not %u",
					    v->dim, cv->u.vec.dim);
				break;
			}
			memcpy(vecs + (size_t)n * v->dim, cv->u.vec.ptr,
			       v->dim * sizeof(float));
			n++;
		}
		if (rc == ALOPEX_ROW)
			more = true; /* the batch is full */
		else if (rc == ALOPEX_DONE)
			rc = 0;
		alx_kv_cursor_close(c);
		if (rc == ALOPEX_ECORRUPT)
			rc = alx_diag_set(d, rc, "XX001",
					  "table \"%s\" has a damaged row key",
					  t->name);
		if (rc < 0) {
			if (d->message[0] == '\0')
				alx_diag_set(d, rc, "XX000", "%s",
					     txn->diag.message);
			goto out;
		}
		for (uint32_t i = 0; i < n; i++) {
			rc = v->ops->insert(v->index, kv, ids[i],
					    vecs + (size_t)i * v->dim, d);
			/* cosine cannot index a zero vector: pgvector skips
			 * it, and so do we */
			if (rc == ALOPEX_EINVAL)
				rc = 0;
			if (rc != 0)
				goto out;
			progress_step(&pg);
		}
		more = more || n == BUILD_BATCH;
	}
	if (pg.total >= 20000)
		alx_log(r->rt, ALOPEX_LOG_INFO, "sql",
			"built index \"%s\": %llu rows in %.1fs", x->name,
			(unsigned long long)pg.done,
			(double)(mono_us() - pg.start) / 1e6);
out:
	alx_free(r->rt, ids);
	alx_free(r->rt, vecs);
	alx_free(r->rt, last);
	alx_free(r->rt, row);
	alx_arena_fini(&a);
	return rc;
}

/*
 * Make the index of (t, x) in txn, checking the definition, and fill it
 * from the rows. pl NULL: look the plugin up (takes r->mu, which the
 * caller must not hold then); the build itself runs without r->mu.
 */
static int create_in(struct alx_vreg *r, const struct alopex_plugin *pl,
		     void *inst, struct alx_kv_txn *txn,
		     const struct alx_cat_table *t,
		     const struct alx_cat_index *x, struct alx_vidx **out,
		     alopex_diag *d)
{
	if (!table_ok(t))
		return SQLERR(d, "0A000",
			      "%s indexes need a table keyed by one integer "
			      "column or without a primary key",
			      x->method);
	const struct alx_cat_column *col = &t->cols[x->cols[0]];
	if (col->type.id != ALX_T_VECTOR)
		return SQLERR(d, "42804", "%s indexes need a vector column",
			      x->method);
	if (col->type.mod <= 0)
		return SQLERR(d, "22023", "column does not have dimensions");
	uint32_t metric = opclass_metric(x->opclass);
	if (x->opclass != NULL && metric == 0)
		return SQLERR(d, "42704",
			      "operator class \"%s\" does not exist for "
			      "access method \"%s\"",
			      x->opclass, x->method);
	int rc;
	if (pl == NULL) {
		pthread_mutex_lock(&r->mu);
		rc = plugin_of(r, x->method, &pl, &inst, d);
		pthread_mutex_unlock(&r->mu);
		if (rc != 0)
			return rc;
	}
	const struct alopex_index_ops *ops = pl->ops;
	uint8_t opts[512];
	rc = parse_options(ops, x->options, x->method, opts, sizeof(opts), d);
	if (rc != 0)
		return rc;
	if (metric == 0)
		metric = alx_vsql_metric(x);
	if (!(ops->metrics & ALOPEX_METRIC_BIT(metric)))
		return SQLERR(d, "0A000",
			      "access method \"%s\" does not support this "
			      "metric",
			      x->method);
	struct alopex_index_params prm = {sizeof(prm), (uint32_t)col->type.mod,
					  metric,
					  ops->build_options ? opts : NULL};
	uint8_t pre[ALX_TABLE_PREFIX_LEN];
	alx_table_prefix(pre, t->id, x->id);
	struct alx_vindex_kv b;
	alx_vindex_kv_init(&b, txn, pre, sizeof(pre));
	void *index = NULL;
	alopex_diag pd;
	alx_diag_clear(&pd);
	rc = ops->create(inst, &prm, &b.ops, &index, &pd);
	if (rc != 0)
		return SQLERR(d, rc == ALOPEX_EINVAL ? "22023" : "XX000", "%s",
			      pd.message);
	struct alx_vidx *v = vidx_new(r, t, x, ops, index, prm.dim, prm.metric);
	if (v == NULL) {
		ops->close(index);
		return alx_diag_set(d, ALOPEX_ENOMEM, "53200", "out of memory");
	}
	rc = fill(r, txn, t, x, v, &b.ops, d);
	if (rc != 0) {
		alx_vidx_release(v);
		return rc;
	}
	*out = v;
	return 0;
}

static struct alx_vtxn *vtxn(struct alx_session *s)
{
	if (s->vtx == NULL)
		s->vtx = alx_calloc(s->db->rt, 1, sizeof(*s->vtx));
	return s->vtx;
}

static int log_undo(struct alx_session *s, struct alx_vidx *ix, uint64_t id,
		    uint8_t op)
{
	struct alx_vtxn *x = vtxn(s);
	if (x == NULL)
		return ALOPEX_ENOMEM;
	if (x->n == x->cap) {
		uint32_t cap = x->cap ? x->cap * 2 : 64;
		struct vundo *u =
			alx_realloc(s->db->rt, x->u, cap * sizeof(*u));
		if (u == NULL)
			return ALOPEX_ENOMEM;
		x->u = u;
		x->cap = cap;
	}
	atomic_fetch_add(&ix->refs, 1);
	x->u[x->n] = (struct vundo){ix, id, x->n, op};
	x->n++;
	return 0;
}

int alx_vsql_build(struct alx_exec *ex, const struct alx_cat_table *t,
		   const struct alx_cat_index *x)
{
	struct alx_session *s = ex->s;
	if (s == NULL)
		return alx_exec_err(ex, "XX000",
				    "vector index built without a session");
	struct alx_vreg *r = s->sdb->vreg;
	struct alx_vidx *v = NULL;
	/* Not under the registry lock: a build may take minutes. */
	int rc = create_in(r, NULL, NULL, ex->txn, t, x, &v, ex->d);
	pthread_mutex_lock(&r->mu);
	if (rc == 0) {
		r->st.builds++;
		/* A new index: no one else can write it before we commit. */
		v->writer = s;
		atomic_fetch_add(&v->refs, 1);
		rc = add_locked(r, v);
		if (rc != 0)
			alx_vidx_release(v);
	}
	pthread_mutex_unlock(&r->mu);
	if (rc != 0) {
		alx_vidx_release(v);
		return rc == ALOPEX_ENOMEM ? alx_exec_oom(ex) : rc;
	}
	struct alx_vtxn *vt = vtxn(s);
	rc = log_undo(s, v, 0, U_CREATED);
	if (rc == 0 && vt->ntok == vt->captok) {
		uint32_t cap = vt->captok ? vt->captok * 2 : 4;
		struct alx_vidx **tk =
			alx_realloc(s->db->rt, vt->tokens, cap * sizeof(*tk));
		if (tk == NULL)
			rc = ALOPEX_ENOMEM;
		else {
			vt->tokens = tk;
			vt->captok = cap;
		}
	}
	if (rc != 0) {
		pthread_mutex_lock(&r->mu);
		v->writer = NULL;
		pthread_mutex_unlock(&r->mu);
		alx_vidx_release(v);
		return alx_exec_oom(ex);
	}
	vt->tokens[vt->ntok++] = v; /* our reference */
	return 0;
}

int alx_vsql_acquire(struct alx_session *s, const struct alx_cat_table *t,
		     const struct alx_cat_index *x, struct alx_vidx **out,
		     alopex_diag *d)
{
	struct alx_vreg *r = s->sdb->vreg;
	pthread_mutex_lock(&r->mu);
	struct alx_vidx *v = find_locked(r, t->id, x->id);
	if (v != NULL) {
		atomic_fetch_add(&v->refs, 1);
		pthread_mutex_unlock(&r->mu);
		*out = v;
		return 0;
	}
	/* Load it at the newest snapshot: every change since the database
	 * opened went through this registry, so the records are complete
	 * there. Opens are rare: the registry lock is held throughout. */
	const struct alopex_plugin *pl;
	void *inst;
	int rc = plugin_of(r, x->method, &pl, &inst, d);
	struct alx_kv_txn *txn = NULL;
	if (rc == 0)
		rc = alx_kv_txn_begin(r->db, 0, &txn, d);
	if (rc != 0)
		goto out;
	const struct alopex_index_ops *ops = pl->ops;
	uint8_t pre[ALX_TABLE_PREFIX_LEN];
	alx_table_prefix(pre, t->id, x->id);
	struct alx_vindex_kv b;
	alx_vindex_kv_init(&b, txn, pre, sizeof(pre));
	void *index = NULL;
	alopex_diag pd;
	alx_diag_clear(&pd);
	rc = ops->open(inst, &b.ops, &index, &pd);
	if (rc == 0) {
		struct alopex_index_stats st = {.size = sizeof(st)};
		ops->stats(index, &st);
		v = vidx_new(r, t, x, ops, index, st.dim, st.metric);
		if (v == NULL) {
			ops->close(index);
			rc = alx_diag_set(d, ALOPEX_ENOMEM, "53200",
					  "out of memory");
		} else {
			r->st.opens++;
		}
	} else if (rc == ALOPEX_ENOTFOUND) {
		/* Cataloged without records (made before indexes were
		 * kept): build it now, committed on its own. */
		rc = create_in(r, pl, inst, txn, t, x, &v, d);
		if (rc == 0) {
			r->st.builds++;
			rc = alx_kv_txn_commit(txn, NULL, d);
			txn = NULL;
		}
		if (rc == 0)
			alx_log(r->rt, ALOPEX_LOG_INFO, "sql",
				"built index \"%s\" (it had no records)",
				x->name);
	} else {
		rc = alx_diag_set(d, rc, "XX001",
				  "cannot open index \"%s\": %s", x->name,
				  pd.message);
	}
	if (rc == 0) {
		rc = add_locked(r, v);
		if (rc == 0)
			atomic_fetch_add(&v->refs, 1);
		else
			alx_vidx_release(v);
	}
out:
	alx_kv_txn_rollback(txn);
	pthread_mutex_unlock(&r->mu);
	if (rc == 0)
		*out = v;
	return rc;
}

/* ---- row maintenance ----------------------------------------------------- */

bool alx_vsql_table_has(const struct alx_cat_table *t)
{
	for (uint32_t i = 0; i < t->nindexes; i++)
		if (alx_vsql_is_vector(&t->indexes[i]))
			return true;
	return false;
}

/* The writer token of v for s's transaction (waits for another's). */
static int take_token(struct alx_exec *ex, struct alx_vidx *v)
{
	struct alx_session *s = ex->s;
	struct alx_vreg *r = v->reg;
	struct alx_vtxn *vt = vtxn(s);
	if (vt == NULL)
		return alx_exec_oom(ex);
	for (uint32_t i = 0; i < vt->ntok; i++)
		if (vt->tokens[i] == v)
			return 0; /* held since the first change */
	if (vt->ntok == vt->captok) {
		uint32_t cap = vt->captok ? vt->captok * 2 : 4;
		struct alx_vidx **tk =
			alx_realloc(s->db->rt, vt->tokens, cap * sizeof(*tk));
		if (tk == NULL)
			return alx_exec_oom(ex);
		vt->tokens = tk;
		vt->captok = cap;
	}
	bool shared = (v->ops->caps & ALOPEX_INDEX_ROW_KEYED) != 0;
	int64_t limit = mono_us() + TOKEN_WAIT_US;
	if (ex->deadline_us != 0 && ex->deadline_us < limit)
		limit = ex->deadline_us;
	pthread_mutex_lock(&r->mu);
	while (v->writer != NULL && v->writer != s) {
		if (atomic_load(&s->cancel_req)) {
			pthread_mutex_unlock(&r->mu);
			atomic_store(&s->cancel_req, 0);
			return alx_exec_err(ex, "57014",
					    "canceling statement due to user "
					    "request");
		}
		if (mono_us() > limit) {
			pthread_mutex_unlock(&r->mu);
			return alx_exec_err(ex, "55P03",
					    "could not obtain the write lock "
					    "of a vector index: another "
					    "transaction holds it");
		}
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 20 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&r->cv, &r->mu, &ts);
	}
	if (shared)
		v->nshared++;
	else
		v->writer = s;
	pthread_mutex_unlock(&r->mu);
	atomic_fetch_add(&v->refs, 1);
	vt->tokens[vt->ntok++] = v;
	return 0;
}

static bool same_vec(const struct alx_value *a, const struct alx_value *b)
{
	return a->u.vec.dim == b->u.vec.dim &&
	       memcmp(a->u.vec.ptr, b->u.vec.ptr,
		      a->u.vec.dim * sizeof(float)) == 0;
}

static int index_fail(struct alx_exec *ex, int rc, const alopex_diag *pd)
{
	/* Index records are shared between rows (graph links): a writer
	 * whose snapshot predates another's commit conflicts with it. */
	if (rc == ALOPEX_ECONFLICT || pd->code == ALOPEX_ECONFLICT ||
	    ex->txn->doom_code == ALOPEX_ECONFLICT)
		return alx_exec_err(ex, "40001",
				    "could not serialize access due to "
				    "concurrent update of a vector index");
	return alx_exec_err(ex, "XX000", "vector index: %s", pd->message);
}

int alx_vsql_dml_begin(struct alx_exec *ex, const struct alx_cat_table *t)
{
	if (ex->s == NULL || !alx_vsql_table_has(t))
		return 0;
	for (uint32_t i = 0; i < t->nindexes; i++) {
		const struct alx_cat_index *x = &t->indexes[i];
		if (!alx_vsql_is_vector(x))
			continue;
		struct alx_vidx *v;
		int rc = alx_vsql_acquire(ex->s, t, x, &v, ex->d);
		if (rc != 0)
			return rc;
		rc = take_token(ex, v);
		alx_vidx_release(v);
		if (rc != 0)
			return rc;
	}
	/* An autocommit statement starts its snapshot again now that it
	 * holds the tokens (it has read and written nothing yet), so it
	 * sees the index records of the writer before it instead of
	 * conflicting with them. */
	struct alx_session *s = ex->s;
	struct alx_kv_txn *old = ex->txn;
	if (!s->implicit || old != s->txn || old->cursors != NULL ||
	    alx_kv_txn_wrote(old) || old->nsavepoints > 0)
		return 0;
	struct alx_kv_txn *nt = NULL;
	int rc = alx_kv_txn_begin(s->db, old->flags, &nt, ex->d);
	if (rc != 0)
		return rc;
	alx_kv_txn_rollback(old);
	s->txn = nt;
	ex->txn = nt;
	return 0;
}

int alx_vsql_row_change(struct alx_exec *ex, const struct alx_cat_table *t,
			const alopex_slice *old_key,
			const struct alx_value *old_row,
			const alopex_slice *new_key,
			const struct alx_value *new_row)
{
	if (ex->s == NULL)
		return alx_exec_err(ex, "XX000",
				    "vector index changed without a session");
	struct alx_type kty;
	unsigned kfl;
	key_info(t, &kty, &kfl);
	uint64_t oid = 0, nid = 0;
	if (old_key != NULL && key_id(kty, kfl, *old_key, &oid) != 0)
		return alx_exec_err(ex, "XX001", "damaged row key in \"%s\"",
				    t->name);
	if (new_key != NULL && key_id(kty, kfl, *new_key, &nid) != 0)
		return alx_exec_err(ex, "XX001", "damaged row key in \"%s\"",
				    t->name);
	for (uint32_t i = 0; i < t->nindexes; i++) {
		const struct alx_cat_index *x = &t->indexes[i];
		if (!alx_vsql_is_vector(x))
			continue;
		uint32_t c = x->cols[0];
		const struct alx_value *ov =
			old_row && !old_row[c].null ? &old_row[c] : NULL;
		const struct alx_value *nv =
			new_row && !new_row[c].null ? &new_row[c] : NULL;
		if (ov == NULL && nv == NULL)
			continue;
		if (ov != NULL && nv != NULL && oid == nid && same_vec(ov, nv))
			continue;
		struct alx_vidx *v;
		int rc = alx_vsql_acquire(ex->s, t, x, &v, ex->d);
		if (rc != 0)
			return rc;
		rc = take_token(ex, v);
		if (rc != 0) {
			alx_vidx_release(v);
			return rc;
		}
		uint8_t pre[ALX_TABLE_PREFIX_LEN];
		alx_table_prefix(pre, t->id, x->id);
		struct alx_vindex_kv b;
		alx_vindex_kv_init(&b, ex->txn, pre, sizeof(pre));
		alopex_diag pd;
		alx_diag_clear(&pd);
		if (ov != NULL) {
			/* before and after: a search reading the count on
			 * either side of the remove calls stats */
			atomic_fetch_add(&v->nremoves, 1);
			rc = v->ops->remove(v->index, &b.ops, oid, &pd);
			atomic_fetch_add(&v->nremoves, 1);
			if (rc == 0)
				rc = log_undo(ex->s, v, oid, U_DEL);
			else if (rc == ALOPEX_ENOTFOUND)
				rc = 0; /* never indexed (zero cosine) */
			else
				rc = index_fail(ex, rc, &pd);
		}
		if (rc == 0 && nv != NULL) {
			if (nv->u.vec.dim != v->dim) {
				rc = alx_exec_err(ex, "22000",
						  "expected %u dimensions, "
						  "not %u",
						  v->dim, nv->u.vec.dim);
			} else {
				/* the row's payload may be unaligned */
				float stackv[256], *buf = stackv;
				if (v->dim > 256)
					buf = alx_arena_alloc(
						ex->a, v->dim * sizeof(float));
				if (buf == NULL) {
					rc = alx_exec_oom(ex);
				} else {
					memcpy(buf, nv->u.vec.ptr,
					       v->dim * sizeof(float));
					rc = v->ops->insert(v->index, &b.ops,
							    nid, buf, &pd);
				}
				if (rc == 0)
					rc = log_undo(ex->s, v, nid, U_INS);
				else if (rc == ALOPEX_EINVAL)
					rc = 0; /* cosine of zero: skipped */
				else if (rc < 0 && rc != ALOPEX_ESQL)
					rc = index_fail(ex, rc, &pd);
			}
		}
		alx_vidx_release(v);
		if (rc == ALOPEX_ENOMEM)
			return alx_exec_oom(ex);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- transaction end --------------------------------------------------- */

static int undo_cmp(const void *a, const void *b)
{
	const struct vundo *x = a, *y = b;
	if (x->ix != y->ix)
		return (uintptr_t)x->ix < (uintptr_t)y->ix ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Put the in-memory index back to the state of the rows txn sees, for
 * every id changed by undo entries u[0..n): forget what was inserted,
 * restore what was removed, and re-add a row's vector when the index
 * lost it on the way (an update removes and inserts the same id).
 */
static void undo_entries(struct alx_session *s, struct vundo *u, uint32_t n,
			 struct alx_kv_txn *txn, const struct alx_catalog *cat)
{
	if (n == 0)
		return;
	qsort(u, n, sizeof(*u), undo_cmp);
	struct alx_arena a;
	alx_arena_init(&a, s->db->rt, 0);
	for (uint32_t i = 0; i < n;) {
		uint32_t j = i;
		bool ins = false;
		while (j < n && u[j].ix == u[i].ix && u[j].id == u[i].id) {
			ins = ins || u[j].op == U_INS;
			j++;
		}
		struct alx_vidx *v = u[i].ix;
		uint64_t id = u[i].id;
		i = j;
		if (u[j - 1].op == U_CREATED)
			continue;
		if (ins)
			v->ops->forget(v->index, id);
		v->ops->restore(v->index, id);
		if (txn == NULL || cat == NULL)
			continue;
		const struct alx_cat_table *t =
			alx_cat_table_by_id(cat, v->table_id);
		if (t == NULL)
			continue;
		struct vidx_full *f = full(v);
		alx_arena_reset(&a);
		alopex_slice key, val;
		if (id_key(&a, t->id, f->kty, f->kflags, id, &key) != 0 ||
		    alx_kv_txn_get(txn, key, &val) != 0)
			continue;
		struct alx_value *row =
			alx_arena_calloc(&a, t->ncols + 1, sizeof(*row));
		alopex_diag d;
		if (row == NULL || f->col >= t->ncols ||
		    alx_table_decode_row(&a, t, val, row, &d) != 0 ||
		    row[f->col].null || row[f->col].u.vec.dim != v->dim)
			continue;
		float *vec = alx_arena_alloc(&a, v->dim * sizeof(float));
		if (vec == NULL)
			continue;
		memcpy(vec, row[f->col].u.vec.ptr, v->dim * sizeof(float));
		/* in memory only: its records are as txn has them */
		int rc = v->ops->insert(v->index, NULL, id, vec, &d);
		(void)rc; /* EEXIST: restore brought it back */
	}
	alx_arena_fini(&a);
}

static struct alx_catalog *committed_catalog(struct alx_session *s)
{
	pthread_mutex_lock(&s->sdb->mu);
	struct alx_catalog *c =
		s->sdb->cat ? alx_catalog_ref(s->sdb->cat) : NULL;
	pthread_mutex_unlock(&s->sdb->mu);
	return c;
}

/* Under r->mu: drop entries whose index the catalog no longer has. */
static void sweep_locked(struct alx_vreg *r, const struct alx_catalog *cat)
{
	for (uint32_t i = 0; i < r->n;) {
		struct alx_vidx *v = r->v[i];
		const struct alx_cat_table *t =
			alx_cat_table_by_id(cat, v->table_id);
		bool keep = false;
		for (uint32_t k = 0; t != NULL && k < t->nindexes; k++)
			if (t->indexes[k].id == v->index_id &&
			    alx_vsql_is_vector(&t->indexes[k]))
				keep = true;
		if (keep)
			i++;
		else
			evict_at(r, i);
	}
}

void alx_vsql_txn_end(struct alx_session *s, bool committed, bool had_ddl)
{
	struct alx_vtxn *vt = s->vtx;
	struct alx_vreg *r = s->sdb->vreg;
	if (vt == NULL || (vt->n == 0 && vt->ntok == 0)) {
		if (committed && had_ddl && r != NULL) {
			struct alx_catalog *cat = committed_catalog(s);
			if (cat != NULL) {
				pthread_mutex_lock(&r->mu);
				sweep_locked(r, cat);
				pthread_mutex_unlock(&r->mu);
			}
			alx_catalog_unref(cat);
		}
		return;
	}
	if (!committed) {
		struct alx_catalog *cat = committed_catalog(s);
		struct alx_kv_txn *txn = NULL;
		alopex_diag d;
		if (alx_kv_txn_begin(s->db, ALX_KV_TXN_READONLY, &txn, &d) != 0)
			txn = NULL;
		undo_entries(s, vt->u, vt->n, txn, cat);
		alx_kv_txn_rollback(txn);
		alx_catalog_unref(cat);
	}
	pthread_mutex_lock(&r->mu);
	for (uint32_t i = 0; i < vt->n; i++) {
		/* an index made by a transaction that rolled back: its id
		 * may be given again */
		if (!committed && vt->u[i].op == U_CREATED) {
			struct alx_vidx *v = vt->u[i].ix;
			for (uint32_t k = 0; k < r->n; k++)
				if (r->v[k] == v) {
					evict_at(r, k);
					break;
				}
		}
	}
	if (committed && had_ddl) {
		struct alx_catalog *cat = committed_catalog(s);
		if (cat != NULL)
			sweep_locked(r, cat);
		alx_catalog_unref(cat);
	}
	for (uint32_t i = 0; i < vt->ntok; i++) {
		if (vt->tokens[i]->writer == s)
			vt->tokens[i]->writer = NULL;
		else if (vt->tokens[i]->nshared > 0)
			vt->tokens[i]->nshared--;
	}
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	if (committed) {
		auto_vacuum(s, vt->tokens, vt->ntok);
		auto_checkpoint(s, vt);
	}
	for (uint32_t i = 0; i < vt->ntok; i++)
		alx_vidx_release(vt->tokens[i]);
	for (uint32_t i = 0; i < vt->n; i++)
		alx_vidx_release(vt->u[i].ix);
	vt->n = 0;
	vt->ntok = 0;
}

uint32_t alx_vsql_mark(struct alx_session *s)
{
	return s->vtx ? s->vtx->n : 0;
}

void alx_vsql_rollback_to(struct alx_session *s, uint32_t mark)
{
	struct alx_vtxn *vt = s->vtx;
	if (vt == NULL || vt->n <= mark)
		return;
	struct alx_catalog *cat = NULL;
	alx_session_catalog(s, &cat);
	undo_entries(s, vt->u + mark, vt->n - mark, s->txn, cat);
	struct alx_vreg *r = s->sdb->vreg;
	pthread_mutex_lock(&r->mu);
	for (uint32_t i = mark; i < vt->n; i++) {
		if (vt->u[i].op != U_CREATED)
			continue;
		for (uint32_t k = 0; k < r->n; k++)
			if (r->v[k] == vt->u[i].ix) {
				evict_at(r, k);
				break;
			}
	}
	pthread_mutex_unlock(&r->mu);
	alx_catalog_unref(cat);
	for (uint32_t i = mark; i < vt->n; i++)
		alx_vidx_release(vt->u[i].ix);
	vt->n = mark;
	/* the writer tokens stay: the transaction goes on */
}

void alx_vsql_session_free(struct alx_session *s)
{
	struct alx_vtxn *vt = s->vtx;
	if (vt == NULL)
		return;
	alx_free(s->db->rt, vt->u);
	alx_free(s->db->rt, vt->tokens);
	alx_free(s->db->rt, vt);
	s->vtx = NULL;
}

/* ---- VACUUM ----------------------------------------------------------------- */

/*
 * Vacuum v in a transaction of its own, holding the writer token so that
 * no open transaction has removals that are not committed meanwhile:
 * waits up to wait_us for it (ALOPEX_EBUSY after).
 */
static int vacuum_vidx(struct alx_session *s, struct alx_vidx *v,
		       const char *name, int64_t wait_us, alopex_diag *d)
{
	struct alx_vreg *r = v->reg;
	if (v->ops->vacuum == NULL)
		return 0;
	pthread_mutex_lock(&r->mu);
	int64_t limit = mono_us() + wait_us;
	while ((v->writer != NULL || v->nshared > 0) && mono_us() < limit) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 20 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&r->cv, &r->mu, &ts);
	}
	if (v->writer != NULL || v->nshared > 0) {
		pthread_mutex_unlock(&r->mu);
		return alx_diag_set(d, ALOPEX_EBUSY, "55P03",
				    "could not vacuum index \"%s\": a "
				    "transaction is writing it",
				    name);
	}
	v->writer = s;
	pthread_mutex_unlock(&r->mu);
	struct alx_kv_txn *txn = NULL;
	int rc = alx_kv_txn_begin(s->db, 0, &txn, d);
	if (rc == 0) {
		uint8_t pre[ALX_TABLE_PREFIX_LEN];
		alx_table_prefix(pre, v->table_id, v->index_id);
		struct alx_vindex_kv b;
		alx_vindex_kv_init(&b, txn, pre, sizeof(pre));
		alopex_diag pd;
		alx_diag_clear(&pd);
		rc = v->ops->vacuum(v->index, &b.ops, &pd);
		if (rc == 0) {
			rc = alx_kv_txn_commit(txn, NULL, d);
		} else {
			alx_kv_txn_rollback(txn);
			rc = alx_diag_set(d, rc, "XX000",
					  "vacuum of index \"%s\": %s", name,
					  pd.message);
		}
	}
	pthread_mutex_lock(&r->mu);
	v->writer = NULL;
	if (rc == 0)
		r->st.vacuums++;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	if (rc == 0) {
		alopex_diag cd;
		alx_diag_clear(&cd);
		checkpoint(r, v, &cd);
	}
	return rc;
}

static int vacuum_one(struct alx_session *s, const struct alx_cat_table *t,
		      const struct alx_cat_index *x)
{
	struct alx_vidx *v;
	int rc = alx_vsql_acquire(s, t, x, &v, &s->diag);
	if (rc != 0)
		return rc;
	rc = vacuum_vidx(s, v, x->name, TOKEN_WAIT_US, &s->diag);
	alx_vidx_release(v);
	return rc;
}

/* After a commit: vacuum what it left with many removed rows. */
static void auto_vacuum(struct alx_session *s, struct alx_vidx **v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct alx_vreg *r = v[i]->reg;
		pthread_mutex_lock(&r->mu);
		bool live =
			find_locked(r, v[i]->table_id, v[i]->index_id) == v[i];
		pthread_mutex_unlock(&r->mu);
		struct alopex_index_stats st = {.size = sizeof(st)};
		if (!live || v[i]->ops->stats(v[i]->index, &st) != 0 ||
		    st.deleted < AUTOVACUUM_MIN || st.deleted * 5 < st.count)
			continue;
		alopex_diag d;
		alx_diag_clear(&d);
		/* someone writing it: the next commit tries again */
		int rc = vacuum_vidx(s, v[i], "(auto)", 0, &d);
		if (rc != 0 && rc != ALOPEX_EBUSY)
			alx_log(s->db->rt, ALOPEX_LOG_WARN, "sql",
				"vacuum of a vector index failed: %s",
				d.message);
	}
}

int alx_vsql_vacuum(struct alx_session *s, const struct alx_catalog *cat,
		    const struct alx_cat_table *t)
{
	for (uint32_t i = 0; i < cat->ntables; i++) {
		const struct alx_cat_table *tt = cat->tables[i];
		if (t != NULL && tt->id != t->id)
			continue;
		for (uint32_t k = 0; k < tt->nindexes; k++) {
			if (!alx_vsql_is_vector(&tt->indexes[k]))
				continue;
			int rc = vacuum_one(s, tt, &tt->indexes[k]);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

uint32_t alx_vsql_ef_search(struct alx_session *s)
{
	const char *v = s ? alx_session_setting(s, "hnsw.ef_search") : NULL;
	long n = v ? strtol(v, NULL, 10) : 0;
	return n > 0 ? (uint32_t)n : 40;
}

struct alx_vreg *alx_sql_db_vreg(struct alx_sql_db *sdb)
{
	return sdb->vreg;
}

void alx_vreg_note(struct alx_vreg *r, bool exact)
{
	pthread_mutex_lock(&r->mu);
	if (exact)
		r->st.exact_fallbacks++;
	else
		r->st.index_scans++;
	pthread_mutex_unlock(&r->mu);
}

void alx_vsql_query_bounds(struct alx_session *s, const char *method,
			   const char *key, long *lo, long *hi)
{
	const struct alopex_plugin *pl = alx_registry_find(
		alx_runtime_registry(s->db->rt), ALOPEX_PLUGIN_INDEX, method);
	const struct alopex_index_ops *ops = pl ? pl->ops : NULL;
	const struct alopex_cfg_schema *q = ops ? ops->query_options : NULL;
	for (size_t i = 0; q != NULL && i < q->field_count; i++) {
		const struct alopex_cfg_field *f = &q->fields[i];
		if (strcmp(f->key, key) == 0 && f->min <= f->max) {
			*lo = (long)f->min;
			*hi = (long)f->max;
			return;
		}
	}
}

/* ---- checkpoints -------------------------------------------------------- */

/* After this many changes not saved, a commit checkpoints the index. */
#define CHECKPOINT_UNSAVED 4096

static bool has_checkpoint(const struct alopex_index_ops *ops)
{
	return ops->size >= offsetof(struct alopex_index_ops, checkpoint) +
				    sizeof(ops->checkpoint) &&
	       ops->checkpoint != NULL;
}

/* Save v's shared state in a transaction of its own (errors logged: the
 * next checkpoint writes what this one missed). */
static int checkpoint(struct alx_vreg *r, struct alx_vidx *v, alopex_diag *d)
{
	if (!has_checkpoint(v->ops))
		return 0;
	struct alx_kv_txn *txn = NULL;
	int rc = alx_kv_txn_begin(r->db, 0, &txn, d);
	if (rc != 0)
		return rc;
	uint8_t pre[ALX_TABLE_PREFIX_LEN];
	alx_table_prefix(pre, v->table_id, v->index_id);
	struct alx_vindex_kv b;
	alx_vindex_kv_init(&b, txn, pre, sizeof(pre));
	alopex_diag pd;
	alx_diag_clear(&pd);
	rc = v->ops->checkpoint(v->index, &b.ops, &pd);
	if (rc == 0)
		rc = alx_kv_txn_commit(txn, NULL, d);
	else
		alx_kv_txn_rollback(txn);
	if (rc != 0)
		alx_log(r->rt, ALOPEX_LOG_WARN, "sql",
			"checkpoint of a vector index failed: %s",
			pd.message[0] ? pd.message : d->message);
	return rc;
}

static void auto_checkpoint(struct alx_session *s, struct alx_vtxn *vt)
{
	(void)s;
	for (uint32_t i = 0; i < vt->ntok; i++) {
		struct alx_vidx *v = vt->tokens[i];
		if (!has_checkpoint(v->ops))
			continue;
		bool created = false;
		for (uint32_t k = 0; k < vt->n && !created; k++)
			created = vt->u[k].ix == v && vt->u[k].op == U_CREATED;
		struct alopex_index_stats st = {.size = sizeof(st)};
		if (!created && (v->ops->stats(v->index, &st) != 0 ||
				 st.unsaved < CHECKPOINT_UNSAVED))
			continue;
		struct alx_vreg *r = v->reg;
		pthread_mutex_lock(&r->mu);
		bool live = find_locked(r, v->table_id, v->index_id) == v;
		pthread_mutex_unlock(&r->mu);
		alopex_diag d;
		alx_diag_clear(&d);
		if (live)
			checkpoint(r, v, &d);
	}
}
