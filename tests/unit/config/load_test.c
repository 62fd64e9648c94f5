/*
 * Whole configurations: the core keys, plugin sections against registered
 * test plugins, the engine selection, the shipped files and the embedded
 * default.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config_tests.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_registry.h"
#include "runtime/alx_runtime.h"

/* ---- test plugins --------------------------------------------------------- */

struct ecfg {
	int64_t level;
};
static const struct alopex_cfg_field efields[] = {
	{"level", ALOPEX_CFG_INT, offsetof(struct ecfg, level), "1", 0, 10,
	 NULL, 0, "A level."},
};
static const struct alopex_cfg_schema eschema = {
	.size = sizeof(struct alopex_cfg_schema),
	.config_size = sizeof(struct ecfg),
	.field_count = 1,
	.fields = efields,
};

struct ncfg {
	char *path;
};
static const struct alopex_cfg_field nfields[] = {
	{"path", ALOPEX_CFG_STRING, offsetof(struct ncfg, path), NULL, 1, 0,
	 NULL, ALOPEX_CFG_REQUIRED, "A path."},
};
static const struct alopex_cfg_schema nschema = {
	.size = sizeof(struct alopex_cfg_schema),
	.config_size = sizeof(struct ncfg),
	.field_count = 1,
	.fields = nfields,
};

struct pcfg {
	int64_t port;
};
static const struct alopex_cfg_field pfields[] = {
	{"port", ALOPEX_CFG_INT, offsetof(struct pcfg, port), "5432", 1, 65535,
	 NULL, 0, "A port."},
};
static const struct alopex_cfg_schema pschema = {
	.size = sizeof(struct alopex_cfg_schema),
	.config_size = sizeof(struct pcfg),
	.field_count = 1,
	.fields = pfields,
};

static int t_init(const struct alopex_host *host, const void *config,
		  void **instance, alopex_diag *diag)
{
	*instance = NULL;
	return 0;
}

static void t_fini(void *instance)
{
}

static const struct alopex_engine_ops t_engine_ops = {
	.size = sizeof(struct alopex_engine_ops),
};
static const struct {
	uint32_t size;
	uint64_t caps;
} t_ops = {sizeof(t_ops), 0};

#define DESC(kind_, name_, schema_, ops_)                                      \
	{                                                                      \
		.size = sizeof(struct alopex_plugin),                          \
		.abi_major = ALOPEX_PLUGIN_ABI_MAJOR,                          \
		.abi_minor = ALOPEX_PLUGIN_ABI_MINOR, .kind = kind_,           \
		.name = name_, .version = "1", .description = "test",          \
		.config = schema_, .init = t_init, .fini = t_fini, .ops = ops_ \
	}

static const struct alopex_plugin p_eng =
	DESC(ALOPEX_PLUGIN_ENGINE, "cfgeng", &eschema, &t_engine_ops);
static const struct alopex_plugin p_needs =
	DESC(ALOPEX_PLUGIN_ENGINE, "cfgneeds", &nschema, &t_engine_ops);
static const struct alopex_plugin p_proto =
	DESC(ALOPEX_PLUGIN_PROTOCOL, "cfgproto", &pschema, &t_ops);
static const struct alopex_plugin p_noconf =
	DESC(ALOPEX_PLUGIN_SCRIPT, "cfgnoconf", NULL, &t_ops);

/* ---- fixtures ------------------------------------------------------------- */

static char *tmpdir;
static char path[600];

static int setup(void)
{
	tmpdir = alx_test_tmpdir("cfg-load");
	if (tmpdir == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/test.yaml", tmpdir);
	return 0;
}

static int teardown(void)
{
	alx_test_rmdir(tmpdir);
	free(tmpdir);
	tmpdir = NULL;
	return 0;
}

/* A runtime with the static plugins and the test plugins. */
static struct alx_runtime *test_runtime(void)
{
	struct alx_runtime *rt = cfgt_runtime();
	struct alx_registry *reg = alx_runtime_registry(rt);
	const struct alopex_plugin *ps[] = {&p_eng, &p_needs, &p_proto,
					    &p_noconf};
	alopex_diag d;
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		int rc = alx_registry_add(reg, ps[i], "test", &d);
		if (rc != 0)
			fprintf(stderr, "alx_registry_add: %s\n", d.message);
		CU_ASSERT_FATAL(rc == 0);
	}
	return rt;
}

/* Write the config file (printf-style; "%1$s" is the tmpdir). */
static void write_cfg(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void write_cfg(const char *fmt, ...)
{
	char text[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	CU_ASSERT_FATAL(alx_test_write_file(path, text) == 0);
}

/* Load the file; the config, or NULL with *d set and *out untouched. */
static struct alx_config *load(struct alx_runtime *rt, alopex_diag *d)
{
	struct alx_config *canary = (struct alx_config *)d;
	struct alx_config *cfg = canary;
	int rc = alx_config_load(rt, path, &cfg, d);
	if (rc != 0) {
		CU_ASSERT(cfg == canary);
		CU_ASSERT_EQUAL(d->code, rc);
		return NULL;
	}
	if (cfg == NULL || cfg == canary) {
		CU_FAIL("alx_config_load returned 0 without a config");
		return NULL;
	}
	return cfg;
}

static bool have_engine(struct alx_runtime *rt, const char *name)
{
	return alx_registry_find(alx_runtime_registry(rt), ALOPEX_PLUGIN_ENGINE,
				 name) != NULL;
}

/* ---- the embedded default and the shipped files --------------------------- */

static char *read_file(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	CU_ASSERT_FATAL(f != NULL);
	char *buf = malloc(1 << 20);
	CU_ASSERT_FATAL(buf != NULL);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static void test_embedded_equals_file(void)
{
	char file[512];
	size_t len;
	snprintf(file, sizeof(file), "%s/config/alopex.yaml",
		 alx_test_source_dir());
	char *text = read_file(file, &len);
	CU_ASSERT(len > 0);
	CU_ASSERT_EQUAL(strlen(alx_default_config_yaml), len);
	CU_ASSERT(memcmp(alx_default_config_yaml, text, len) == 0);
	free(text);
}

static void test_default_config(void)
{
	struct alx_runtime *rt = test_runtime();
	struct alx_config *cfg = NULL;
	alopex_diag d;

	if (!have_engine(rt, "wiredtiger")) {
		printf("\n  skipped: the wiredtiger engine is not built in\n");
		alx_runtime_destroy(rt);
		return;
	}
	CU_ASSERT_EQUAL_FATAL(alx_config_load(rt, NULL, &cfg, &d), 0);
	CU_ASSERT_PTR_NULL(cfg->path);
	CU_ASSERT_EQUAL(cfg->core->log_level, ALOPEX_LOG_INFO);
	CU_ASSERT_STRING_EQUAL(cfg->core->engine, "wiredtiger");
	CU_ASSERT_EQUAL(cfg->core->load.count, 0);
	CU_ASSERT_EQUAL_FATAL(cfg->core->plugin_dirs.count, 1);
	CU_ASSERT_STRING_EQUAL(cfg->core->plugin_dirs.items[0],
			       ALOPEX_PLUGIN_INSTALL_DIR);
	CU_ASSERT_EQUAL_FATAL(cfg->plugin_count, 1);
	const struct alopex_plugin *wt = cfg->plugins[0].plugin;
	CU_ASSERT_STRING_EQUAL(wt->name, "wiredtiger");
	void *c = NULL;
	CU_ASSERT_EQUAL(alx_config_take_plugin(cfg, wt, &c, &d), 0);
	CU_ASSERT(c != NULL);
	alx_cfg_free(rt, wt->config, c);
	alx_config_destroy(cfg);
	alx_runtime_destroy(rt);
}

/* alx_config_load on a shipped file, skipped when its engine is absent. */
static void load_shipped(const char *file)
{
	struct alx_runtime *rt = test_runtime();
	struct alx_cfg_doc *doc = NULL;
	struct alx_config *cfg = NULL;
	alopex_diag d;

	CU_ASSERT_EQUAL_FATAL(alx_cfg_parse_file(rt, file, &doc, &d), 0);
	const struct alx_cfg_node *e =
		alx_cfg_map_get(alx_cfg_doc_root(doc), "engine");
	char engine[64];
	snprintf(engine, sizeof(engine), "%s", e ? e->scalar : "wiredtiger");
	alx_cfg_doc_destroy(doc);
	if (!have_engine(rt, engine)) {
		printf("\n  skipped %s: engine '%s' is not built in\n", file,
		       engine);
		alx_runtime_destroy(rt);
		return;
	}
	int rc = alx_config_load(rt, file, &cfg, &d);
	if (rc != 0) {
		char buf[1024];
		alx_diag_format(&d, buf, sizeof(buf));
		fprintf(stderr, "\n  %s\n", buf);
	}
	CU_ASSERT_EQUAL(rc, 0);
	if (rc == 0)
		CU_ASSERT_STRING_EQUAL(cfg->core->engine, engine);
	alx_config_destroy(cfg);
	alx_runtime_destroy(rt);
}

static void test_shipped_files(void)
{
	char file[1024], dir[512];
	int examples = 0;

	snprintf(file, sizeof(file), "%s/config/alopex.yaml",
		 alx_test_source_dir());
	load_shipped(file);
	snprintf(dir, sizeof(dir), "%s/config/examples", alx_test_source_dir());
	DIR *dp = opendir(dir);
	CU_ASSERT_FATAL(dp != NULL);
	for (struct dirent *de; (de = readdir(dp)) != NULL;) {
		size_t n = strlen(de->d_name);
		if (n < 6 || strcmp(de->d_name + n - 5, ".yaml") != 0)
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, de->d_name);
		load_shipped(file);
		examples++;
	}
	closedir(dp);
	CU_ASSERT(examples >= 1); /* at least embedded.yaml */
}

/* ---- core keys ------------------------------------------------------------ */

static void test_empty_file_defaults(void)
{
	struct alx_runtime *rt = test_runtime();
	alopex_diag d;

	/* Only the engine named: every other core key is its default. */
	write_cfg("engine: cfgeng\n");
	struct alx_config *cfg = load(rt, &d);
	CU_ASSERT_FATAL(cfg != NULL);
	CU_ASSERT_STRING_EQUAL(cfg->path, path);
	CU_ASSERT_EQUAL(cfg->core->log_level, ALOPEX_LOG_INFO);
	CU_ASSERT_EQUAL(cfg->core->load.count, 0);
	CU_ASSERT_EQUAL_FATAL(cfg->core->plugin_dirs.count, 1);
	CU_ASSERT_STRING_EQUAL(cfg->core->plugin_dirs.items[0],
			       ALOPEX_PLUGIN_INSTALL_DIR);
	alx_config_destroy(cfg);

	write_cfg("%s", "");
	if (have_engine(rt, "wiredtiger")) {
		cfg = load(rt, &d);
		CU_ASSERT_FATAL(cfg != NULL);
		CU_ASSERT_STRING_EQUAL(cfg->core->engine, "wiredtiger");
		CU_ASSERT_EQUAL(cfg->core->log_level, ALOPEX_LOG_INFO);
		alx_config_destroy(cfg);
	} else {
		printf("\n  skipped the empty file: no wiredtiger engine\n");
	}
	alx_runtime_destroy(rt);
}

static void test_core_keys(void)
{
	struct alx_runtime *rt = test_runtime();
	alopex_diag d;

	write_cfg("log_level: debug\nplugin_dirs: [/a, /b]\nengine: cfgeng\n"
		  "load: []\n");
	struct alx_config *cfg = load(rt, &d);
	CU_ASSERT_FATAL(cfg != NULL);
	CU_ASSERT_EQUAL(cfg->core->log_level, ALOPEX_LOG_DEBUG);
	CU_ASSERT_EQUAL_FATAL(cfg->core->plugin_dirs.count, 2);
	CU_ASSERT_STRING_EQUAL(cfg->core->plugin_dirs.items[1], "/b");
	alx_config_destroy(cfg);

	write_cfg("engine: cfgeng\nlog_level: loud\n");
	CU_ASSERT(load(rt, &d) == NULL);
	CU_ASSERT(cfgt_diag_in(&d, path, ALOPEX_ECONFIG, 2, 12,
			       "log_level: invalid value 'loud'; choices: "
			       "error, warn, info, debug",
			       true));
	write_cfg("plugin_dirs: /usr/lib\n");
	CU_ASSERT(load(rt, &d) == NULL);
	CU_ASSERT(cfgt_diag_in(&d, path, ALOPEX_ECONFIG, 1, 14,
			       "plugin_dirs: expected a list of strings such "
			       "as [a, b], found a scalar",
			       true));
	write_cfg("log_level: info\n\nbogus: 1\n");
	CU_ASSERT(load(rt, &d) == NULL);
	CU_ASSERT(cfgt_diag_in(&d, path, ALOPEX_ECONFIG, 3, 1,
			       "unknown key 'bogus' at the top level; valid "
			       "keys: log_level, plugin_dirs, load, engine, "
			       "engines, protocols, indexes, replication, "
			       "sharding, scripts",
			       true));
	write_cfg("- engine\n");
	CU_ASSERT(load(rt, &d) == NULL);
	CU_ASSERT(cfgt_diag_in(&d, path, ALOPEX_ECONFIG, 1, 1,
			       "expected a map of settings at the top level, "
			       "found a list",
			       true));
	alx_runtime_destroy(rt);
}

static void test_missing_file(void)
{
	struct alx_runtime *rt = test_runtime();
	struct alx_config *cfg = NULL;
	alopex_diag d;
	char missing[700];
	snprintf(missing, sizeof(missing), "%s/none.yaml", tmpdir);
	CU_ASSERT_EQUAL(alx_config_load(rt, missing, &cfg, &d),
			ALOPEX_ENOTFOUND);
	CU_ASSERT_PTR_NULL(cfg);
	CU_ASSERT(strstr(d.message, "cannot read config file") != NULL);
	CU_ASSERT(strstr(d.message, missing) != NULL);
	alx_runtime_destroy(rt);
}

/* ---- engine and sections -------------------------------------------------- */

static void test_engine_defaults(void)
{
	struct alx_runtime *rt = test_runtime();
	alopex_diag d;

	write_cfg("engine: cfgeng\n");
	struct alx_config *cfg = load(rt, &d);
	CU_ASSERT_FATAL(cfg != NULL);
	CU_ASSERT_EQUAL_FATAL(cfg->plugin_count, 1);
	CU_ASSERT(cfg->plugins[0].plugin == &p_eng);
	void *a = NULL, *b = NULL;
	CU_ASSERT_EQUAL(alx_config_take_plugin(cfg, &p_eng, &a, &d), 0);
	CU_ASSERT_FATAL(a != NULL);
	CU_ASSERT_EQUAL(((struct ecfg *)a)->level, 1);
	CU_ASSERT_PTR_NULL(cfg->plugins[0].config); /* moved out */
	/* Taken again, or never configured: a struct of defaults. */
	CU_ASSERT_EQUAL(alx_config_take_plugin(cfg, &p_eng, &b, &d), 0);
	CU_ASSERT(b != NULL && b != a);
	alx_cfg_free(rt, &eschema, b);
	CU_ASSERT_EQUAL(alx_config_take_plugin(cfg, &p_proto, &b, &d), 0);
	CU_ASSERT_FATAL(b != NULL);
	CU_ASSERT_EQUAL(((struct pcfg *)b)->port, 5432);
	alx_cfg_free(rt, &pschema, b);
	CU_ASSERT_EQUAL(alx_config_take_plugin(cfg, &p_noconf, &b, &d), 0);
	CU_ASSERT_PTR_NULL(b);
	alx_cfg_free(rt, &eschema, a);
	alx_config_destroy(cfg);

	/* A required key and no section: the engine's defaults fail. */
	write_cfg("engine: cfgneeds\n");
	CU_ASSERT(load(rt, &d) == NULL);
	CU_ASSERT(cfgt_diag_in(&d, path, ALOPEX_ECONFIG, 0, 0,
			       "engines.cfgneeds: missing required key 'path'",
			       true));
	write_cfg("engine: cfgneeds\nengines:\n  cfgneeds:\n    path: /x\n");
	cfg = load(rt, &d);
	CU_ASSERT_FATAL(cfg != NULL);
	CU_ASSERT_EQUAL(cfg->plugin_count, 1);
	alx_config_destroy(cfg);
	alx_runtime_destroy(rt);
}

static void test_sections(void)
{
	struct alx_runtime *rt = test_runtime();
	alopex_diag d;

	write_cfg("engine: cfgeng\n"
		  "engines:\n"
		  "  cfgeng:\n"
		  "    level: 7\n"
		  "protocols:\n"
		  "  cfgproto: {port: 99}\n"
		  "scripts:\n"
		  "  cfgnoconf:\n"
		  "indexes:\n");
	struct alx_config *cfg = load(rt, &d);
	CU_ASSERT_FATAL(cfg != NULL);
	CU_ASSERT_EQUAL(cfg->plugin_count, 3);
	void *c = NULL;
	CU_ASSERT_EQUAL(alx_config_take_plugin(cfg, &p_eng, &c, &d), 0);
	CU_ASSERT_EQUAL(((struct ecfg *)c)->level, 7);
	alx_cfg_free(rt, &eschema, c);
	CU_ASSERT_EQUAL(alx_config_take_plugin(cfg, &p_proto, &c, &d), 0);
	CU_ASSERT_EQUAL(((struct pcfg *)c)->port, 99);
	alx_cfg_free(rt, &pschema, c);
	alx_config_destroy(cfg);

	/* Errors inside a section: its path and the value's position. */
	write_cfg("engine: cfgeng\nengines:\n  cfgeng:\n    level: 11\n");
	CU_ASSERT(load(rt, &d) == NULL);
	CU_ASSERT(cfgt_diag_in(&d, path, ALOPEX_ECONFIG, 4, 12,
			       "engines.cfgeng.level: '11' is out of range; "
			       "it must be between 0 and 10",
			       true));
	write_cfg("engine: cfgeng\nengines:\n  cfgeng:\n    lvl: 1\n");
	CU_ASSERT(load(rt, &d) == NULL);
	CU_ASSERT(cfgt_diag_in(&d, path, ALOPEX_ECONFIG, 4, 5,
			       "unknown key 'lvl' in engines.cfgeng; valid "
			       "keys: level",
			       true));
	write_cfg("engine: cfgeng\nengines: 5\n");
	CU_ASSERT(load(rt, &d) == NULL);
	CU_ASSERT(cfgt_diag_in(&d, path, ALOPEX_ECONFIG, 2, 10,
			       "engines: expected a map of plugin names, "
			       "found a scalar",
			       true));
	write_cfg("engine: cfgeng\nprotocols:\n  cfgproto: [1]\n");
	CU_ASSERT(load(rt, &d) == NULL);
	CU_ASSERT(cfgt_diag_in(&d, path, ALOPEX_ECONFIG, 3, 13,
			       "protocols.cfgproto: expected a map of "
			       "settings, found a list",
			       true));
	write_cfg("engine: cfgeng\nscripts:\n  cfgnoconf:\n    x: 1\n");
	CU_ASSERT(load(rt, &d) == NULL);
	CU_ASSERT(cfgt_diag_in(&d, path, ALOPEX_ECONFIG, 4, 5,
			       "scripts.cfgnoconf: the script plugin "
			       "'cfgnoconf' has no settings",
			       true));
	alx_runtime_destroy(rt);
}

static void test_unknown_plugins(void)
{
	struct alx_runtime *rt = test_runtime();
	alopex_diag d;

	/* Not registered and no alopex-nope.so in plugin_dirs. */
	write_cfg("plugin_dirs: ['%s']\nengine: nope\n", tmpdir);
	CU_ASSERT(load(rt, &d) == NULL);
	CU_ASSERT(
		cfgt_diag_in(&d, path, ALOPEX_ECONFIG, 2, 9,
			     "unknown engine 'nope'; known engines: ", false));
	CU_ASSERT(strstr(d.message, "cfgeng") != NULL);
	CU_ASSERT(strstr(d.message, "cfgneeds") != NULL);
	CU_ASSERT(strstr(d.message, "cfgproto") == NULL);
	/* A plugin of another kind is no engine. */
	write_cfg("engine: cfgproto\n");
	CU_ASSERT(load(rt, &d) == NULL);
	CU_ASSERT(cfgt_diag_in(
		&d, path, ALOPEX_ECONFIG, 1, 9,
		"unknown engine 'cfgproto'; known engines: ", false));
	write_cfg("engine: ../evil\n");
	CU_ASSERT(load(rt, &d) == NULL);
	CU_ASSERT(cfgt_diag_in(&d, path, ALOPEX_ECONFIG, 1, 9,
			       "engine: invalid plugin name '../evil' (use "
			       "[a-z0-9_]+)",
			       true));

	write_cfg("engine: cfgeng\nengines:\n  nosuch: {}\n");
	CU_ASSERT(load(rt, &d) == NULL);
	CU_ASSERT(cfgt_diag_in(&d, path, ALOPEX_ECONFIG, 3, 3,
			       "unknown engine 'nosuch' in engines; known "
			       "engines: ",
			       false));
	CU_ASSERT(strstr(d.message, "cfgeng") != NULL);
	write_cfg("engine: cfgeng\nprotocols:\n  nosuch:\n");
	CU_ASSERT(load(rt, &d) == NULL);
	CU_ASSERT(cfgt_diag_in(&d, path, ALOPEX_ECONFIG, 3, 3,
			       "unknown protocol 'nosuch' in protocols; known "
			       "protocols: ",
			       false));
	CU_ASSERT(strstr(d.message, "cfgproto") != NULL);
	/* The wrong section for a registered plugin. */
	write_cfg("engine: cfgeng\nreplication:\n  cfgproto: {}\n");
	CU_ASSERT(load(rt, &d) == NULL);
	CU_ASSERT(cfgt_diag_in(&d, path, ALOPEX_ECONFIG, 3, 3,
			       "unknown replication 'cfgproto' in "
			       "replication; known replication plugins: ",
			       false));
	alx_runtime_destroy(rt);
}

static void test_load_list(void)
{
	struct alx_runtime *rt = test_runtime();
	alopex_diag d;
	char want[800];

	write_cfg("plugin_dirs: ['%s']\nengine: cfgeng\nload:\n"
		  "  - alopex-nothere.so\n",
		  tmpdir);
	CU_ASSERT(load(rt, &d) == NULL);
	snprintf(want, sizeof(want),
		 "plugin file 'alopex-nothere.so' not found in plugin_dirs "
		 "[%s]",
		 tmpdir);
	CU_ASSERT(cfgt_diag_in(&d, path, ALOPEX_ENOTFOUND, 4, 5, want, true));
	write_cfg("engine: cfgeng\nload: [../evil.so]\n");
	CU_ASSERT(load(rt, &d) == NULL);
	CU_ASSERT(cfgt_diag_in(&d, path, ALOPEX_EINVAL, 2, 8,
			       "plugin file '../evil.so' must be a bare file "
			       "name",
			       false));
	alx_runtime_destroy(rt);
}

/* The in-memory engine is a shared plugin: found through plugin_dirs. */
static void test_shared_engine(void)
{
	char so[600];
	struct stat st;
	snprintf(so, sizeof(so), "%s/alopex-memory.so", alx_test_plugin_dir());
	if (stat(so, &st) != 0) {
		printf("\n  skipped: %s is not built\n", so);
		return;
	}
	struct alx_runtime *rt = test_runtime();
	alopex_diag d;

	write_cfg("plugin_dirs: ['%s']\nengine: memory\n",
		  alx_test_plugin_dir());
	struct alx_config *cfg = load(rt, &d);
	CU_ASSERT_FATAL(cfg != NULL);
	CU_ASSERT(have_engine(rt, "memory"));
	CU_ASSERT_EQUAL(cfg->plugin_count, 1);
	alx_config_destroy(cfg);
	/* Loading again in the same runtime, also through `load`. */
	write_cfg("plugin_dirs: ['%s']\nengine: memory\n"
		  "load: [alopex-memory.so]\n",
		  alx_test_plugin_dir());
	cfg = load(rt, &d);
	CU_ASSERT(cfg != NULL);
	alx_config_destroy(cfg);
	alx_runtime_destroy(rt);
}

/* ---- allocation failures -------------------------------------------------- */

/* Fails the fail_at-th call (1-based; 0: never); counts live blocks. */
static long fa_calls, fa_fail_at, fa_live;

static void *fa_malloc(void *ctx, size_t size)
{
	if (++fa_calls == fa_fail_at)
		return NULL;
	void *p = malloc(size);
	if (p != NULL)
		fa_live++;
	return p;
}

static void *fa_realloc(void *ctx, void *ptr, size_t size)
{
	if (++fa_calls == fa_fail_at)
		return NULL;
	void *p = realloc(ptr, size);
	if (p != NULL && ptr == NULL)
		fa_live++;
	return p;
}

static void fa_free(void *ctx, void *ptr)
{
	if (ptr != NULL)
		fa_live--;
	free(ptr);
}

static const alopex_allocator fa_allocator = {fa_malloc, fa_realloc, fa_free,
					      NULL};

/*
 * Fail each allocation of a load in turn: every failure is ALOPEX_ENOMEM
 * and frees all the load allocated, until a run needs no more.
 */
static void test_alloc_failures(void)
{
	alopex_open_options opts = {.size = sizeof(opts),
				    .allocator = &fa_allocator};
	alopex_diag d;
	long n;
	bool done = false;

	write_cfg("engine: cfgeng\n"
		  "log_level: warn\n"
		  "plugin_dirs: [/a, /b]\n"
		  "engines:\n"
		  "  cfgeng: {level: 3}\n"
		  "protocols:\n"
		  "  cfgproto:\n"
		  "    port: 80\n");
	for (n = 1; n <= 5000 && !done; n++) {
		struct alx_runtime *rt = NULL;
		struct alx_config *cfg = NULL;
		fa_fail_at = 0;
		CU_ASSERT_FATAL(alx_runtime_create(&opts, &rt, &d) == 0);
		struct alx_registry *reg = alx_runtime_registry(rt);
		CU_ASSERT_FATAL(alx_registry_add(reg, &p_eng, "test", &d) == 0);
		CU_ASSERT_FATAL(alx_registry_add(reg, &p_proto, "test", &d) ==
				0);
		long live = fa_live;
		fa_calls = 0;
		fa_fail_at = n;
		int rc = alx_config_load(rt, path, &cfg, &d);
		fa_fail_at = 0;
		if (rc == 0) {
			CU_ASSERT(fa_calls < n); /* nothing failed */
			CU_ASSERT_EQUAL(cfg->plugin_count, 2);
			alx_config_destroy(cfg);
			done = true;
		} else {
			if (rc != ALOPEX_ENOMEM)
				fprintf(stderr, "\n  call %ld: %s\n", n,
					d.message);
			CU_ASSERT_EQUAL(rc, ALOPEX_ENOMEM);
			CU_ASSERT_PTR_NULL(cfg);
		}
		CU_ASSERT_EQUAL(fa_live, live);
		alx_runtime_destroy(rt);
	}
	CU_ASSERT(done);
	CU_ASSERT(n > 20); /* the load did allocate through the runtime */
	CU_ASSERT_EQUAL(fa_live, 0);
}

static const struct alx_test_case cases[] = {
	{"embedded_equals_file", test_embedded_equals_file},
	{"default_config", test_default_config},
	{"shipped_files", test_shipped_files},
	{"empty_file_defaults", test_empty_file_defaults},
	{"core_keys", test_core_keys},
	{"missing_file", test_missing_file},
	{"engine_defaults", test_engine_defaults},
	{"sections", test_sections},
	{"unknown_plugins", test_unknown_plugins},
	{"load_list", test_load_list},
	{"shared_engine", test_shared_engine},
	{"alloc_failures", test_alloc_failures},
	{NULL, NULL},
};

const struct alx_test_suite load_suite = {"config/load", setup, teardown,
					  cases};
