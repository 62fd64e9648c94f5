/*
 * The shared-object loader against plugins broken on purpose (tp_*.c, built
 * into ALX_TEST_BROKEN_DIR): each must be refused with the right code and a
 * message naming the file and the reason, leave the registry as it was and
 * leave no handle open. One good plugin loads, runs on host services and
 * finishes cleanly.
 */
#include "alx_test.h"
#include "config/alx_config.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_registry.h"
#include "runtime/alx_runtime.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const test_dirs[] = {ALX_TEST_BROKEN_DIR};

/* ---- a counting allocator and a log capture ----------------------------- */

static atomic_long live_allocs;

static void *count_malloc(void *ctx, size_t size)
{
	void *p = malloc(size);
	if (p != NULL)
		atomic_fetch_add(&live_allocs, 1);
	return p;
}

static void *count_realloc(void *ctx, void *ptr, size_t size)
{
	void *p = realloc(ptr, size);
	if (p != NULL && ptr == NULL)
		atomic_fetch_add(&live_allocs, 1);
	return p;
}

static void count_free(void *ctx, void *ptr)
{
	if (ptr != NULL)
		atomic_fetch_sub(&live_allocs, 1);
	free(ptr);
}

static const alopex_allocator counting = {count_malloc, count_realloc,
					  count_free, NULL};

#define LOG_MAX 2048 /* more than the good plugin ever logs */
static struct {
	pthread_mutex_t lock;
	int count;
	char lines[LOG_MAX][200];
} logs = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void capture_log(void *arg, int level, const char *component,
			const char *message)
{
	pthread_mutex_lock(&logs.lock);
	if (logs.count < LOG_MAX)
		snprintf(logs.lines[logs.count++], sizeof(logs.lines[0]),
			 "%s: %s", component, message);
	pthread_mutex_unlock(&logs.lock);
}

static int log_count_matching(const char *needle)
{
	int n = 0;
	pthread_mutex_lock(&logs.lock);
	for (int i = 0; i < logs.count; i++)
		if (strstr(logs.lines[i], needle) != NULL)
			n++;
	pthread_mutex_unlock(&logs.lock);
	return n;
}

static int log_count_exact(const char *line)
{
	int n = 0;
	pthread_mutex_lock(&logs.lock);
	for (int i = 0; i < logs.count; i++)
		if (strcmp(logs.lines[i], line) == 0)
			n++;
	pthread_mutex_unlock(&logs.lock);
	return n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static struct alx_runtime *runtime_new(void)
{
	alopex_open_options o = {
		.size = sizeof(o),
		.allocator = &counting,
		.log_fn = capture_log,
		.log_level = ALOPEX_LOG_INFO,
	};
	struct alx_runtime *rt = NULL;
	alopex_diag d;
	pthread_mutex_lock(&logs.lock);
	logs.count = 0;
	pthread_mutex_unlock(&logs.lock);
	CU_ASSERT_EQUAL_FATAL(alx_runtime_create(&o, &rt, &d), 0);
	return rt;
}

static char *plugin_path(const char *file)
{
	static char buf[1024];
	snprintf(buf, sizeof(buf), "%s/%s", ALX_TEST_BROKEN_DIR, file);
	return buf;
}

/* Is the file still mapped in the process? */
static int still_loaded(const char *file)
{
	void *h = dlopen(plugin_path(file), RTLD_NOW | RTLD_NOLOAD);
	if (h == NULL)
		return 0;
	dlclose(h);
	return 1;
}

/*
 * Load `file` and expect `code` with a message that names the file and
 * contains every one of the NULL-terminated reasons.
 */
static void expect_rejected(const char *file, int code, ...)
{
	struct alx_runtime *rt = runtime_new();
	struct alx_registry *reg = alx_runtime_registry(rt);
	size_t before = alx_registry_count(reg);
	alopex_diag d;
	alx_diag_clear(&d);

	int rc = alx_registry_load(reg, test_dirs, 1, file, &d);
	CU_ASSERT_EQUAL(rc, code);
	CU_ASSERT_EQUAL(d.code, code);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, plugin_path(file)));
	va_list ap;
	va_start(ap, code);
	for (const char *r; (r = va_arg(ap, const char *)) != NULL;) {
		if (strstr(d.message, r) == NULL) {
			fprintf(stderr, "message '%s' lacks '%s'\n", d.message,
				r);
			CU_FAIL("reason missing from the message");
		}
	}
	va_end(ap);
	CU_ASSERT_EQUAL(alx_registry_count(reg), before);
	CU_ASSERT_FALSE(still_loaded(file));
	alx_runtime_destroy(rt);
	CU_ASSERT_EQUAL(atomic_load(&live_allocs), 0);
}

/* ---- rejections --------------------------------------------------------- */

static void test_missing_entry(void)
{
	expect_rejected("no_entry.so", ALOPEX_EABI, "no entry point",
			ALOPEX_PLUGIN_ENTRY_SYMBOL, NULL);
}

static void test_null_descriptor(void)
{
	expect_rejected("null_desc.so", ALOPEX_EABI, "no descriptor", NULL);
}

static void test_wrong_abi(void)
{
	expect_rejected("wrong_abi.so", ALOPEX_EABI, "plugin ABI version 2.3",
			"build's ABI version 1.0", NULL);
}

static void test_short_descriptor(void)
{
	char reason[64];
	snprintf(reason, sizeof(reason), "short plugin descriptor: size %zu",
		 offsetof(struct alopex_plugin, init));
	expect_rejected("short_desc.so", ALOPEX_EABI, reason, NULL);
}

static void test_unknown_kind(void)
{
	expect_rejected("unknown_kind.so", ALOPEX_EABI, "unknown kind 47",
			NULL);
}

static void test_bad_name(void)
{
	expect_rejected("bad_name.so", ALOPEX_EINVAL,
			"invalid plugin name 'Bad-Name'", "[a-z0-9_]", NULL);
}

static void test_missing_fini(void)
{
	expect_rejected("missing_fini.so", ALOPEX_EINVAL,
			"'missing_fini' is missing fini", NULL);
}

static void test_short_ops(void)
{
	char reason[96];
	snprintf(reason, sizeof(reason),
		 "engine ops table size 16 is smaller than the ABI 1.0 "
		 "minimum of %zu",
		 offsetof(struct alopex_engine_ops, insert));
	expect_rejected("short_ops.so", ALOPEX_EABI, reason, NULL);
}

static void test_undefined_symbol(void)
{
	/* RTLD_NOW: refused at load, with the loader's own text. */
	expect_rejected("undefined_sym.so", ALOPEX_EABI, "cannot load plugin",
			"alx_test_no_such_function", NULL);
}

static void test_duplicate_name(void)
{
	struct alx_runtime *rt = runtime_new();
	struct alx_registry *reg = alx_runtime_registry(rt);
	alopex_diag d;

	CU_ASSERT_EQUAL(alx_registry_load(reg, test_dirs, 1, "dup_a.so", &d),
			0);
	size_t before = alx_registry_count(reg);
	int rc = alx_registry_load(reg, test_dirs, 1, "dup_b.so", &d);
	CU_ASSERT_EQUAL(rc, ALOPEX_EEXIST);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, plugin_path("dup_a.so")));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, plugin_path("dup_b.so")));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "'dup_twin'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "already taken"));
	CU_ASSERT_EQUAL(alx_registry_count(reg), before);
	CU_ASSERT_FALSE(still_loaded("dup_b.so"));
	/* The first one stays, as a script, from its own file. */
	const struct alopex_plugin *p =
		alx_registry_find(reg, ALOPEX_PLUGIN_SCRIPT, "dup_twin");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(alx_registry_origin(reg, p),
			       plugin_path("dup_a.so"));
	CU_ASSERT_TRUE(still_loaded("dup_a.so"));
	alx_runtime_destroy(rt);
	CU_ASSERT_FALSE(still_loaded("dup_a.so"));
	CU_ASSERT_EQUAL(atomic_load(&live_allocs), 0);
}

static void test_path_in_name(void)
{
	struct alx_runtime *rt = runtime_new();
	alopex_diag d;
	const char *bad[] = {"../broken/good.so", "sub/good.so", "/abs/x.so",
			     "..", "a..so"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = alx_registry_load(alx_runtime_registry(rt), test_dirs,
					   1, bad[i], &d);
		CU_ASSERT_EQUAL(rc, ALOPEX_EINVAL);
		CU_ASSERT_PTR_NOT_NULL(strstr(d.message, bad[i]));
		CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "bare file name"));
	}
	CU_ASSERT_EQUAL(alx_registry_load(alx_runtime_registry(rt), test_dirs,
					  1, "", &d),
			ALOPEX_EINVAL);
	alx_runtime_destroy(rt);
}

static void test_missing_file(void)
{
	struct alx_runtime *rt = runtime_new();
	alopex_diag d;
	const char *dirs[] = {"/nonexistent/alopex-a", ALX_TEST_BROKEN_DIR};
	int rc = alx_registry_load(alx_runtime_registry(rt), dirs, 2,
				   "absent.so", &d);
	CU_ASSERT_EQUAL(rc, ALOPEX_ENOTFOUND);
	char want[1024];
	snprintf(want, sizeof(want),
		 "plugin file 'absent.so' not found in plugin_dirs "
		 "[/nonexistent/alopex-a, %s]",
		 ALX_TEST_BROKEN_DIR);
	CU_ASSERT_STRING_EQUAL(d.message, want);

	/* No directories at all. */
	rc = alx_registry_load(alx_runtime_registry(rt), dirs, 0, "good.so",
			       &d);
	CU_ASSERT_EQUAL(rc, ALOPEX_ENOTFOUND);
	CU_ASSERT_STRING_EQUAL(d.message, "plugin file 'good.so' not found in "
					  "plugin_dirs []");
	alx_runtime_destroy(rt);
}

static void test_search_order(void)
{
	/* The first directory holding the file wins; missing ones are
	 * skipped. */
	struct alx_runtime *rt = runtime_new();
	struct alx_registry *reg = alx_runtime_registry(rt);
	alopex_diag d;
	const char *dirs[] = {"/nonexistent/alopex-b", ALX_TEST_BROKEN_DIR,
			      ALX_TEST_BROKEN_DIR "/../broken"};
	CU_ASSERT_EQUAL(alx_registry_load(reg, dirs, 3, "dup_a.so", &d), 0);
	const struct alopex_plugin *p = alx_registry_find(reg, 0, "dup_twin");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(alx_registry_origin(reg, p),
			       plugin_path("dup_a.so"));
	alx_runtime_destroy(rt);
}

static void test_not_elf(void)
{
	char *dir = alx_test_tmpdir("loader");
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	char path[1024];
	snprintf(path, sizeof(path), "%s/x.so", dir);
	CU_ASSERT_EQUAL_FATAL(
		alx_test_write_file(path, "this is not an ELF file, it is "
					  "plain text long enough to hold "
					  "an ELF header and then some\n"),
		0);
	/* The text dlopen itself gives for the file. */
	CU_ASSERT_PTR_NULL(dlopen(path, RTLD_NOW | RTLD_LOCAL));
	char why[512];
	snprintf(why, sizeof(why), "%s", dlerror());

	struct alx_runtime *rt = runtime_new();
	alopex_diag d;
	const char *dirs[] = {dir};
	int rc = alx_registry_load(alx_runtime_registry(rt), dirs, 1, "x.so",
				   &d);
	CU_ASSERT_EQUAL(rc, ALOPEX_EABI);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, path));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, why));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "cannot load plugin"));
	alx_runtime_destroy(rt);
	alx_test_rmdir(dir);
	free(dir);
}

/* ---- plugins that load ------------------------------------------------- */

static void test_init_fails(void)
{
	struct alx_runtime *rt = runtime_new();
	struct alx_registry *reg = alx_runtime_registry(rt);
	alopex_diag d;
	CU_ASSERT_EQUAL_FATAL(
		alx_registry_load(reg, test_dirs, 1, "init_fails.so", &d), 0);
	const struct alopex_plugin *p =
		alx_registry_find(reg, ALOPEX_PLUGIN_SCRIPT, "init_fails");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);

	struct alx_plugin_instance *inst = (void *)&d; /* must stay put */
	int rc = alx_plugin_instance_create(rt, p, NULL, &inst, &d);
	CU_ASSERT_EQUAL(rc, ALOPEX_ECONFIG);
	CU_ASSERT_EQUAL(d.code, ALOPEX_ECONFIG);
	CU_ASSERT_PTR_EQUAL(inst, (void *)&d);
	char want[1200];
	snprintf(want, sizeof(want),
		 "plugin 'init_fails' (from %s) failed to initialise: the "
		 "frobnicator is not configured (42)",
		 plugin_path("init_fails.so"));
	CU_ASSERT_STRING_EQUAL(d.message, want);
	alx_runtime_destroy(rt);
	CU_ASSERT_EQUAL(atomic_load(&live_allocs), 0);
}

static void test_good_plugin(void)
{
	struct alx_runtime *rt = runtime_new();
	struct alx_registry *reg = alx_runtime_registry(rt);
	alopex_diag d;
	alx_diag_clear(&d);
	size_t before = alx_registry_count(reg);
	int rc = alx_registry_load(reg, test_dirs, 1, "good.so", &d);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL(alx_registry_count(reg), before + 1);
	const struct alopex_plugin *p =
		alx_registry_find(reg, ALOPEX_PLUGIN_SCRIPT, "good");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_EQUAL(alx_registry_at(reg, before), p);
	CU_ASSERT_PTR_NULL(
		alx_registry_find(reg, ALOPEX_PLUGIN_ENGINE, "good"));
	CU_ASSERT_STRING_EQUAL(p->version, "1.2.3");
	CU_ASSERT_STRING_EQUAL(alx_registry_origin(reg, p),
			       plugin_path("good.so"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(p->config);

	/* Its section from YAML, through its own schema. */
	static const char yaml[] = "greeting: howdy\ninterval: 2ms\n";
	struct alx_cfg_doc *doc = NULL;
	CU_ASSERT_EQUAL_FATAL(alx_cfg_parse_string(rt, "test.yaml", yaml,
						   sizeof(yaml) - 1, &doc, &d),
			      0);
	void *cfg = NULL;
	rc = alx_cfg_apply(rt, p->config, alx_cfg_doc_root(doc), "scripts.good",
			   &cfg, &d);
	alx_cfg_doc_destroy(doc);
	CU_ASSERT_EQUAL_FATAL(rc, 0);

	long base = atomic_load(&live_allocs);
	struct alx_plugin_instance *inst = NULL;
	rc = alx_plugin_instance_create(rt, p, cfg, &inst, &d);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_PTR_EQUAL(inst->plugin, p);
	CU_ASSERT_PTR_EQUAL(inst->config, cfg);
	CU_ASSERT_PTR_NOT_NULL(inst->instance);
	/* State, greeting copy and timer all came from our allocator. */
	CU_ASSERT_TRUE(atomic_load(&live_allocs) >= base + 3);
	CU_ASSERT_EQUAL(log_count_exact("good: init greeting=howdy "
					"interval=2ms"),
			1);

	/* Ticks arrive on the timer thread, each logged through the host. */
	for (int i = 0; i < 500 && log_count_exact("good: howdy tick 3") == 0;
	     i++)
		sleep_ms(10);
	CU_ASSERT_EQUAL(log_count_exact("good: howdy tick 1"), 1);
	CU_ASSERT_EQUAL(log_count_exact("good: howdy tick 3"), 1);

	alx_plugin_instance_destroy(inst);
	CU_ASSERT_EQUAL(log_count_matching("good: fini after"), 1);
	int ticks = log_count_matching("howdy tick");
	sleep_ms(30);
	CU_ASSERT_EQUAL(log_count_matching("howdy tick"), ticks);
	/* The instance, its config and the plugin's memory are all gone. */
	CU_ASSERT_TRUE(atomic_load(&live_allocs) < base);

	alx_runtime_destroy(rt);
	CU_ASSERT_FALSE(still_loaded("good.so"));
	CU_ASSERT_EQUAL(atomic_load(&live_allocs), 0);
}

static const struct alx_test_case loader_cases[] = {
	{"missing_entry", test_missing_entry},
	{"null_descriptor", test_null_descriptor},
	{"wrong_abi", test_wrong_abi},
	{"short_descriptor", test_short_descriptor},
	{"unknown_kind", test_unknown_kind},
	{"bad_name", test_bad_name},
	{"missing_fini", test_missing_fini},
	{"short_ops", test_short_ops},
	{"undefined_symbol", test_undefined_symbol},
	{"duplicate_name", test_duplicate_name},
	{"path_in_name", test_path_in_name},
	{"missing_file", test_missing_file},
	{"search_order", test_search_order},
	{"not_elf", test_not_elf},
	{"init_fails", test_init_fails},
	{"good_plugin", test_good_plugin},
	{NULL, NULL},
};

static const struct alx_test_suite loader_suite = {"plugins/loader", NULL, NULL,
						   loader_cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {&loader_suite, NULL};
	return alx_test_main(argc, argv, suites);
}
