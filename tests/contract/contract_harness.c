/*
 * Contract suite harness: finds the engine in the real registry, builds its
 * config with the real config layer, opens instances on temporary
 * directories, records on_commit calls and renders scans for comparison.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/alx_config.h"
#include "contract.h"

struct ct_state ct;

/* ---- captured logging ------------------------------------------------- */

#define CT_LOG_KEEP 256

struct ct_log_line {
	char component[32];
	char text[480];
};

static struct {
	pthread_mutex_t mu;
	size_t count; /* total, the last CT_LOG_KEEP kept */
	struct ct_log_line lines[CT_LOG_KEEP];
} ct_logs = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void ct_log_fn(void *arg, int level, const char *component,
		      const char *message)
{
	(void)arg;
	pthread_mutex_lock(&ct_logs.mu);
	struct ct_log_line *l = &ct_logs.lines[ct_logs.count % CT_LOG_KEEP];
	snprintf(l->component, sizeof(l->component), "%s",
		 component ? component : "");
	snprintf(l->text, sizeof(l->text), "%s", message);
	ct_logs.count++;
	pthread_mutex_unlock(&ct_logs.mu);
	if (getenv("CT_VERBOSE") != NULL)
		fprintf(stderr, "[log %d %s] %s\n", level, component, message);
}

size_t ct_log_count(const char *component, const char *needle)
{
	size_t n = 0;
	pthread_mutex_lock(&ct_logs.mu);
	size_t kept = ct_logs.count < CT_LOG_KEEP ? ct_logs.count : CT_LOG_KEEP;
	for (size_t i = 0; i < kept; i++) {
		const struct ct_log_line *l = &ct_logs.lines[i];
		if (component != NULL && strcmp(l->component, component) != 0)
			continue;
		if (needle != NULL && strstr(l->text, needle) == NULL)
			continue;
		n++;
	}
	pthread_mutex_unlock(&ct_logs.mu);
	return n;
}

void ct_log_reset(void)
{
	pthread_mutex_lock(&ct_logs.mu);
	ct_logs.count = 0;
	pthread_mutex_unlock(&ct_logs.mu);
}

int ct_runtime_create(const alopex_allocator *allocator,
		      struct alx_runtime **out)
{
	alopex_open_options opts;
	memset(&opts, 0, sizeof(opts));
	opts.size = sizeof(opts);
	opts.allocator = allocator;
	opts.log_fn = ct_log_fn;
	opts.log_level = ALOPEX_LOG_DEBUG;
	alopex_diag diag;
	int rc = alx_runtime_create(&opts, out, &diag);
	if (rc != 0)
		fprintf(stderr, "runtime: %s\n", diag.message);
	return rc;
}

/* ---- the engine under test -------------------------------------------- */

void ct_plugin_file(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "alopex-%s.so", name);
}

const struct alopex_plugin *ct_find_engine(struct alx_runtime *rt,
					   const char *name, alopex_diag *diag)
{
	struct alx_registry *reg = alx_runtime_registry(rt);
	const struct alopex_plugin *p =
		alx_registry_find(reg, ALOPEX_PLUGIN_ENGINE, name);
	if (p != NULL)
		return p;
	char file[64], path[1024];
	ct_plugin_file(name, file, sizeof(file));
	snprintf(path, sizeof(path), "%s/%s", alx_test_plugin_dir(), file);
	if (access(path, R_OK) != 0)
		return NULL; /* built OFF */
	const char *dirs[] = {alx_test_plugin_dir()};
	if (alx_registry_load(reg, dirs, 1, file, diag) != 0)
		return NULL;
	return alx_registry_find(reg, ALOPEX_PLUGIN_ENGINE, name);
}

int ct_suite_setup(const char *name)
{
	memset(&ct, 0, sizeof(ct));
	ct.name = name;
	if (ct_runtime_create(NULL, &ct.rt) != 0)
		return 1;
	alopex_diag diag = {0};
	ct.plugin = ct_find_engine(ct.rt, name, &diag);
	if (ct.plugin == NULL) {
		fprintf(stderr, "contract/%s: cannot get the engine: %s\n",
			name, diag.message);
		return 1;
	}
	ct.ops = ct.plugin->ops;
	ct.durable = (ct.ops->caps & ALOPEX_ENGINE_DURABLE) != 0;
	return 0;
}

int ct_suite_teardown(void)
{
	alx_runtime_destroy(ct.rt);
	memset(&ct, 0, sizeof(ct));
	return 0;
}

int ct_instance(struct alx_runtime *rt, const char *yaml,
		struct alx_plugin_instance **out, alopex_diag *diag)
{
	const struct alopex_plugin *p = ct.plugin;
	if (rt != ct.rt) {
		p = ct_find_engine(rt, ct.name, diag);
		if (p == NULL)
			return ALOPEX_ENOTFOUND;
	}
	struct alx_cfg_doc *doc = NULL;
	const struct alx_cfg_node *map = NULL;
	int rc;
	if (yaml != NULL) {
		rc = alx_cfg_parse_string(rt, "contract.yaml", yaml,
					  strlen(yaml), &doc, diag);
		if (rc != 0)
			return rc;
		map = alx_cfg_doc_root(doc);
	}
	char section[64];
	snprintf(section, sizeof(section), "engines.%s", ct.name);
	void *config = NULL;
	rc = alx_cfg_apply(rt, p->config, map, section, &config, diag);
	alx_cfg_doc_destroy(doc);
	if (rc != 0)
		return rc;
	return alx_plugin_instance_create(rt, p, config, out, diag);
}

/* ---- instances on temporary directories ------------------------------- */

static void ct_on_commit(void *arg, uint64_t pos, alopex_slice record)
{
	struct ct_commits *c = arg;
	pthread_mutex_lock(&c->mu);
	if (pos <= c->last_pos)
		c->out_of_order = 1;
	c->last_pos = pos;
	if (c->count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct ct_commit_rec *r = realloc(c->recs, cap * sizeof(*r));
		if (r == NULL)
			abort(); /* test harness: not a user condition */
		c->recs = r;
		c->cap = cap;
	}
	struct ct_commit_rec *r = &c->recs[c->count++];
	r->pos = pos;
	r->len = record.len;
	r->data = malloc(record.len + 1);
	if (r->data == NULL)
		abort();
	if (record.len > 0)
		memcpy(r->data, record.ptr, record.len);
	r->data[record.len] = '\0';
	pthread_mutex_unlock(&c->mu);
}

static void commits_clear(struct ct_commits *c)
{
	for (size_t i = 0; i < c->count; i++)
		free(c->recs[i].data);
	free(c->recs);
	c->recs = NULL;
	c->count = c->cap = 0;
	c->last_pos = 0;
	c->out_of_order = 0;
}

const struct ct_commit_rec *ct_commit_find(struct ct_db *db, uint64_t pos)
{
	const struct ct_commit_rec *found = NULL;
	pthread_mutex_lock(&db->commits.mu);
	for (size_t i = 0; i < db->commits.count; i++)
		if (db->commits.recs[i].pos == pos)
			found = &db->commits.recs[i];
	pthread_mutex_unlock(&db->commits.mu);
	return found;
}

static int db_start(struct ct_db *db, int create, alopex_diag *diag)
{
	int rc = ct_instance(ct.rt, db->yaml, &db->inst, diag);
	if (rc != 0)
		return rc;
	db->eng = db->inst->instance;
	db->ops = ct.ops;
	struct alopex_engine_env env = {
		.size = sizeof(env),
		.dir = db->dir,
		.create = create,
		.on_commit = ct_on_commit,
		.on_commit_arg = &db->commits,
	};
	rc = db->ops->open(db->eng, &env, diag);
	if (rc != 0) {
		alx_plugin_instance_destroy(db->inst);
		db->inst = NULL;
		return rc;
	}
	db->open = 1;
	return 0;
}

int ct_db_open(struct ct_db *db, const char *yaml, alopex_diag *diag)
{
	memset(db, 0, sizeof(*db));
	pthread_mutex_init(&db->commits.mu, NULL);
	db->dir = alx_test_tmpdir(ct.name);
	db->yaml = yaml != NULL ? strdup(yaml) : NULL;
	int rc = db_start(db, 1, diag);
	if (rc != 0)
		ct_db_close(db);
	return rc;
}

static void db_stop(struct ct_db *db)
{
	if (db->open) {
		alopex_diag diag = {0};
		int rc = db->ops->close(db->eng, &diag);
		CU_ASSERT_EQUAL(rc, 0);
		if (rc != 0)
			fprintf(stderr, "close: %s\n", diag.message);
		db->open = 0;
	}
	alx_plugin_instance_destroy(db->inst);
	db->inst = NULL;
	db->eng = NULL;
}

int ct_db_reopen(struct ct_db *db, alopex_diag *diag)
{
	db_stop(db);
	commits_clear(&db->commits);
	return db_start(db, 0, diag);
}

void ct_db_close(struct ct_db *db)
{
	db_stop(db);
	commits_clear(&db->commits);
	pthread_mutex_destroy(&db->commits.mu);
	alx_test_rmdir(db->dir);
	free(db->dir);
	free(db->yaml);
	memset(db, 0, sizeof(*db));
}

/* ---- shorthands ------------------------------------------------------- */

const char *ct_fast(const char *extra)
{
	static char buf[512];
	snprintf(buf, sizeof(buf), "%s%s", extra ? extra : "",
		 strcmp(ct.name, "wiredtiger") == 0 ? "durability: none\n"
						    : "");
	return buf[0] ? buf : NULL;
}

alopex_slice ct_s(const char *s)
{
	if (s == NULL)
		return (alopex_slice){NULL, 0};
	return (alopex_slice){(const uint8_t *)s, strlen(s)};
}

alopex_slice ct_b(const void *p, size_t len)
{
	return (alopex_slice){p, len};
}

int ct_eq(alopex_slice s, const char *want)
{
	size_t n = strlen(want);
	return s.len == n && (n == 0 || (s.ptr && !memcmp(s.ptr, want, n)));
}

void *ct_begin(struct ct_db *db, unsigned flags)
{
	void *txn = NULL;
	alopex_diag diag = {0};
	int rc = db->ops->txn_begin(db->eng, flags, &txn, &diag);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return txn;
}

int ct_put(struct ct_db *db, void *txn, const char *key, const char *val)
{
	alopex_diag diag = {0};
	return db->ops->put(txn, ct_s(key), ct_s(val), &diag);
}

int ct_del(struct ct_db *db, void *txn, const char *key)
{
	alopex_diag diag = {0};
	return db->ops->del(txn, ct_s(key), &diag);
}

int ct_get(struct ct_db *db, void *txn, const char *key, char *buf, size_t size)
{
	alopex_diag diag = {0};
	alopex_slice v = {0};
	buf[0] = '\0';
	int rc = db->ops->get(txn, ct_s(key), &v, &diag);
	if (rc == 0)
		snprintf(buf, size, "%.*s", (int)v.len, (const char *)v.ptr);
	return rc;
}

uint64_t ct_commit(struct ct_db *db, void *txn, const char *record, int *rc)
{
	alopex_diag diag = {0};
	uint64_t pos = 0;
	int r = db->ops->txn_commit(txn, ct_s(record ? record : "rec"), &pos,
				    &diag);
	if (rc != NULL)
		*rc = r;
	return r == 0 ? pos : 0;
}

static void render_key(const uint8_t *k, size_t len, char *out, size_t size)
{
	int printable = len > 0;
	for (size_t i = 0; i < len; i++)
		if (k[i] < 0x21 || k[i] > 0x7e || k[i] == ',')
			printable = 0;
	if (printable) {
		snprintf(out, size, "%.*s", (int)len, (const char *)k);
		return;
	}
	size_t n = (size_t)snprintf(out, size, "0x");
	for (size_t i = 0; i < len && n + 3 < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%02x", k[i]);
}

int ct_scan(struct ct_db *db, void *txn, alopex_slice lo, alopex_slice hi,
	    unsigned flags, char *buf, size_t size)
{
	alopex_diag diag = {0};
	void *cur = NULL;
	int rc = db->ops->cursor_open(txn, lo, hi, flags, &cur, &diag);
	if (rc != 0)
		return rc;
	size_t used = 0;
	int rows = 0;
	buf[0] = '\0';
	for (int guard = 0; guard < 1000000; guard++) {
		alopex_slice k, v;
		rc = db->ops->cursor_next(cur, &k, &v, &diag);
		if (rc != ALOPEX_ROW)
			break;
		char one[128];
		render_key(k.ptr, k.len, one, sizeof(one));
		if (used + strlen(one) + 2 < size)
			used += (size_t)snprintf(buf + used, size - used,
						 "%s%s", rows ? "," : "", one);
		rows++;
	}
	db->ops->cursor_close(cur);
	if (rc != ALOPEX_DONE)
		return rc < 0 ? rc : ALOPEX_EINTERNAL;
	return rows;
}

void ct_fill(struct ct_db *db, const char *keys)
{
	void *txn = ct_begin(db, 0);
	char *copy = strdup(keys);
	char *save = NULL;
	for (char *k = strtok_r(copy, ",", &save); k != NULL;
	     k = strtok_r(NULL, ",", &save)) {
		char val[160];
		snprintf(val, sizeof(val), "v:%s", k);
		CU_ASSERT_EQUAL(ct_put(db, txn, k, val), 0);
	}
	free(copy);
	int rc;
	ct_commit(db, txn, "fill", &rc);
	CU_ASSERT_EQUAL(rc, 0);
}
