/*
 * Registry validation with descriptors built in the test (no dlopen): each
 * defect is refused with its own code and a message naming the origin, and
 * the registry is unchanged afterwards.
 */
#include "runtime/alx_diag.h"
#include "runtime/alx_registry.h"
#include "runtime/alx_runtime.h"
#include "runtime_tests.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct ops_header {
	uint32_t size;
	uint64_t caps;
};

static const struct ops_header script_ops = {sizeof(script_ops), 0};
static const struct ops_header short_ops = {sizeof(uint32_t), 0};
static const struct alopex_engine_ops engine_ops = {.size = sizeof(engine_ops)};

static int nop_init(const struct alopex_host *host, const void *config,
		    void **instance, alopex_diag *diag)
{
	*instance = NULL;
	return 0;
}

static void nop_fini(void *instance)
{
}

static struct alopex_plugin valid(const char *name)
{
	return (struct alopex_plugin){
		.size = sizeof(struct alopex_plugin),
		.abi_major = ALOPEX_PLUGIN_ABI_MAJOR,
		.abi_minor = ALOPEX_PLUGIN_ABI_MINOR,
		.kind = ALOPEX_PLUGIN_SCRIPT,
		.name = name,
		.version = "1",
		.init = nop_init,
		.fini = nop_fini,
		.ops = &script_ops,
	};
}

static struct alx_runtime *rt;
static struct alx_registry *reg;

static int setup(void)
{
	alopex_diag d;
	test_alloc_reset(0);
	alopex_open_options o = {.size = sizeof(o),
				 .allocator = &test_allocator};
	if (alx_runtime_create(&o, &rt, &d) != 0)
		return 1;
	reg = alx_runtime_registry(rt);
	return 0;
}

static int teardown(void)
{
	alx_runtime_destroy(rt);
	return test_alloc_live() != 0;
}

/* Expect p to be refused with code, the origin and `reason` in the text. */
static void refused(const struct alopex_plugin *p, int code, const char *reason)
{
	alopex_diag d;
	size_t before = alx_registry_count(reg);
	int rc = alx_registry_add(reg, p, "/plugins/test-origin.so", &d);
	CU_ASSERT_EQUAL(rc, code);
	CU_ASSERT_EQUAL(d.code, code);
	CU_ASSERT_EQUAL(strncmp(d.message, "/plugins/test-origin.so: ", 25), 0);
	if (strstr(d.message, reason) == NULL) {
		fprintf(stderr, "message '%s' lacks '%s'\n", d.message, reason);
		CU_FAIL("reason missing from the message");
	}
	CU_ASSERT_EQUAL(alx_registry_count(reg), before);
}

static void test_kind_tables(void)
{
	static const char *const names[] = {"engine",	"protocol",
					    "index",	"replication",
					    "sharding", "script"};
	static const char *const sections[] = {"engines",  "protocols",
					       "indexes",  "replication",
					       "sharding", "scripts"};
	for (int k = 1; k <= ALOPEX_PLUGIN_KIND_MAX; k++) {
		CU_ASSERT_STRING_EQUAL(alx_plugin_kind_name(k), names[k - 1]);
		CU_ASSERT_STRING_EQUAL(alx_plugin_kind_section(k),
				       sections[k - 1]);
	}
	CU_ASSERT_PTR_NULL(alx_plugin_kind_name(0));
	CU_ASSERT_PTR_NULL(alx_plugin_kind_section(ALOPEX_PLUGIN_KIND_MAX + 1));
	CU_ASSERT_EQUAL(alx_plugin_kind_ops_min_size(ALOPEX_PLUGIN_ENGINE),
			offsetof(struct alopex_engine_ops, insert));
	CU_ASSERT_TRUE(alx_plugin_kind_ops_min_size(ALOPEX_PLUGIN_INDEX) >=
		       sizeof(uint32_t) + sizeof(uint64_t));
	CU_ASSERT_EQUAL(alx_plugin_kind_ops_min_size(99), 0);
}

static void test_add_and_find(void)
{
	alopex_diag d;
	size_t before = alx_registry_count(reg);
	static struct alopex_plugin p, e;
	p = valid("finder");
	e = valid("finder_engine");
	e.kind = ALOPEX_PLUGIN_ENGINE;
	e.ops = &engine_ops;
	CU_ASSERT_EQUAL_FATAL(alx_registry_add(reg, &p, "here", &d), 0);
	CU_ASSERT_EQUAL_FATAL(alx_registry_add(reg, &e, "there", &d), 0);
	CU_ASSERT_EQUAL(alx_registry_count(reg), before + 2);
	CU_ASSERT_PTR_EQUAL(alx_registry_at(reg, before), &p);
	CU_ASSERT_PTR_EQUAL(alx_registry_at(reg, before + 1), &e);
	CU_ASSERT_PTR_NULL(alx_registry_at(reg, before + 2));
	CU_ASSERT_PTR_EQUAL(
		alx_registry_find(reg, ALOPEX_PLUGIN_SCRIPT, "finder"), &p);
	CU_ASSERT_PTR_EQUAL(alx_registry_find(reg, 0, "finder_engine"), &e);
	CU_ASSERT_PTR_NULL(
		alx_registry_find(reg, ALOPEX_PLUGIN_ENGINE, "finder"));
	CU_ASSERT_PTR_NULL(alx_registry_find(reg, 0, "find"));
	CU_ASSERT_STRING_EQUAL(alx_registry_origin(reg, &p), "here");
	CU_ASSERT_STRING_EQUAL(alx_registry_origin(reg, &e), "there");
	struct alopex_plugin other = valid("other");
	CU_ASSERT_PTR_NULL(alx_registry_origin(reg, &other));

	/* A host lookup sees the same registry. */
	const struct alopex_host *h = alx_runtime_host(rt);
	CU_ASSERT_PTR_EQUAL(h->lookup(h->ctx, ALOPEX_PLUGIN_SCRIPT, "finder"),
			    &p);

	/* Many more entries: the table grows. */
	static char names[40][24];
	static struct alopex_plugin many[40];
	for (int i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "many_%d", i);
		many[i] = valid(names[i]);
		CU_ASSERT_EQUAL(alx_registry_add(reg, &many[i], "bulk", &d), 0);
	}
	CU_ASSERT_PTR_EQUAL(alx_registry_find(reg, 0, "many_39"), &many[39]);
}

static void test_duplicate(void)
{
	alopex_diag d;
	static struct alopex_plugin a;
	a = valid("twin");
	CU_ASSERT_EQUAL_FATAL(alx_registry_add(reg, &a, "/first/twin.so", &d),
			      0);
	struct alopex_plugin b = valid("twin");
	b.kind = ALOPEX_PLUGIN_INDEX; /* names are unique across kinds */
	refused(&b, ALOPEX_EEXIST,
		"plugin name 'twin' is already taken by the script plugin "
		"from /first/twin.so");

	/* Builds with static plugins: their names are taken too. */
	if (alx_static_plugin_entries[0] != NULL) {
		const struct alopex_plugin *sp = alx_static_plugin_entries[0]();
		struct alopex_plugin c = valid(sp->name);
		char want[128];
		snprintf(want, sizeof(want),
			 "plugin name '%s' is already taken by the %s plugin "
			 "from static",
			 sp->name, alx_plugin_kind_name((int)sp->kind));
		refused(&c, ALOPEX_EEXIST, want);
	}
}

static void test_structural(void)
{
	refused(NULL, ALOPEX_EABI, "no descriptor");

	struct alopex_plugin p = valid("tiny");
	p.size = 4;
	refused(&p, ALOPEX_EABI, "short plugin descriptor: size 4");

	p = valid("old");
	p.size = offsetof(struct alopex_plugin, ops);
	char want[96];
	snprintf(want, sizeof(want),
		 "short plugin descriptor: size %zu, ABI 1.0 needs %zu bytes",
		 offsetof(struct alopex_plugin, ops),
		 sizeof(struct alopex_plugin));
	refused(&p, ALOPEX_EABI, want);

	/* A different major is refused before its size is judged. */
	p = valid("future");
	p.abi_major = 2;
	p.abi_minor = 1;
	p.size = 12;
	refused(&p, ALOPEX_EABI,
		"plugin ABI version 2.1 does not match this build's ABI "
		"version 1.0");
	p.abi_major = 0;
	p.size = sizeof(p);
	refused(&p, ALOPEX_EABI, "plugin ABI version 0.1");

	/* A newer minor with a bigger descriptor is fine. */
	static struct {
		struct alopex_plugin p;
		void *later_field;
	} newer;
	newer.p = valid("newer_minor");
	newer.p.size = sizeof(newer);
	newer.p.abi_minor = ALOPEX_PLUGIN_ABI_MINOR + 1;
	alopex_diag d;
	CU_ASSERT_EQUAL(alx_registry_add(reg, &newer.p, "newer", &d), 0);
}

static void test_kind_and_ops(void)
{
	struct alopex_plugin p = valid("kindless");
	p.kind = 0;
	refused(&p, ALOPEX_EABI, "plugin 'kindless' has unknown kind 0");
	p.kind = ALOPEX_PLUGIN_KIND_MAX + 1;
	refused(&p, ALOPEX_EABI, "has unknown kind 7");

	p = valid("no_init");
	p.init = NULL;
	refused(&p, ALOPEX_EINVAL, "plugin 'no_init' is missing init");
	p = valid("nothing");
	p.init = NULL;
	p.fini = NULL;
	p.ops = NULL;
	refused(&p, ALOPEX_EINVAL, "is missing init fini ops");

	p = valid("short_script_ops");
	p.ops = &short_ops;
	refused(&p, ALOPEX_EABI, "script ops table size 4 is smaller");

	/* An engine needs the whole 1.0 engine ops table (the ops appended
	 * since are optional: callers check size). */
	p = valid("small_engine");
	p.kind = ALOPEX_PLUGIN_ENGINE;
	p.ops = &script_ops;
	char want[96];
	snprintf(want, sizeof(want),
		 "engine ops table size %zu is smaller than the ABI 1.0 "
		 "minimum of %zu bytes",
		 sizeof(script_ops),
		 offsetof(struct alopex_engine_ops, insert));
	refused(&p, ALOPEX_EABI, want);
}

static void test_names(void)
{
	static const char *const bad[] = {"",	    "Upper", "da-sh",
					  "sp ace", "dot.x", "é"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct alopex_plugin p = valid(bad[i]);
		refused(&p, ALOPEX_EINVAL, "invalid plugin name");
	}
	struct alopex_plugin p = valid(NULL);
	refused(&p, ALOPEX_EINVAL, "plugin has no name");

	char long_name[65];
	memset(long_name, 'a', 64);
	long_name[64] = '\0';
	p = valid(long_name);
	refused(&p, ALOPEX_EINVAL, "1 to 63 characters of [a-z0-9_]");

	static char max_name[64];
	memset(max_name, 'z', 63);
	static struct alopex_plugin ok;
	ok = valid(max_name);
	alopex_diag d;
	CU_ASSERT_EQUAL(alx_registry_add(reg, &ok, "max", &d), 0);
	static struct alopex_plugin digits;
	digits = valid("v2_0_index");
	CU_ASSERT_EQUAL(alx_registry_add(reg, &digits, "digits", &d), 0);
}

struct small_config {
	int64_t n;
};

static void test_bad_schema(void)
{
	static const struct alopex_cfg_field fields[] = {
		{.key = "n",
		 .type = ALOPEX_CFG_INT,
		 .offset = offsetof(struct small_config, n),
		 .default_value = "500",
		 .min = 1,
		 .max = 100,
		 .doc = "a bounded number"},
	};
	static const struct alopex_cfg_schema out_of_bounds = {
		.size = sizeof(struct alopex_cfg_schema),
		.config_size = sizeof(struct small_config),
		.field_count = 1,
		.fields = fields,
	};
	struct alopex_plugin p = valid("bad_default");
	p.config = &out_of_bounds;
	refused(&p, ALOPEX_EINVAL,
		"config schema of 'bad_default': bad default for 'n'");

	static const struct alopex_cfg_schema short_schema = {
		.size = 4,
		.config_size = sizeof(struct small_config),
		.field_count = 1,
		.fields = fields,
	};
	p = valid("short_schema");
	p.config = &short_schema;
	refused(&p, ALOPEX_EABI, "config schema of 'short_schema'");

	/* The same field with a default in bounds is accepted. */
	static struct alopex_cfg_field good_fields[1];
	good_fields[0] = fields[0];
	good_fields[0].default_value = "50";
	static struct alopex_cfg_schema good = {
		.size = sizeof(struct alopex_cfg_schema),
		.config_size = sizeof(struct small_config),
		.field_count = 1,
		.fields = good_fields,
	};
	static struct alopex_plugin ok;
	ok = valid("good_default");
	ok.config = &good;
	alopex_diag d;
	CU_ASSERT_EQUAL(alx_registry_add(reg, &ok, "good", &d), 0);
}

static const struct alx_test_case registry_cases[] = {
	{"kind_tables", test_kind_tables},
	{"add_and_find", test_add_and_find},
	{"duplicate", test_duplicate},
	{"structural", test_structural},
	{"kind_and_ops", test_kind_and_ops},
	{"names", test_names},
	{"bad_schema", test_bad_schema},
	{NULL, NULL},
};

const struct alx_test_suite registry_suite = {"runtime/registry", setup,
					      teardown, registry_cases};
