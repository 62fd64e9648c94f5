/* Schemas: every type's syntax, bounds, errors, checks and describe. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_tests.h"
#include "runtime/alx_runtime.h"

struct tcfg {
	bool flag;
	int64_t count;
	uint64_t size;
	uint64_t wait;
	double ratio;
	char *name;
	int mode;
	struct alopex_strlist tags;
	char *password;
	int64_t pin;
};

static const char *const modes[] = {"fast", "safe", "off", NULL};

#define F(key, type, member, def, lo, hi, choices, flags, doc)         \
	{                                                              \
		key, type, offsetof(struct tcfg, member), def, lo, hi, \
			choices, flags, doc                            \
	}

static const struct alopex_cfg_field tfields[] = {
	F("flag", ALOPEX_CFG_BOOL, flag, "false", 1, 0, NULL,
	  ALOPEX_CFG_RELOADABLE, "A switch."),
	F("count", ALOPEX_CFG_INT, count, "10", -5, 100, NULL, 0, "A count."),
	F("size", ALOPEX_CFG_SIZE, size, "64KB", 1024, 1073741824.0, NULL, 0,
	  "A size."),
	F("wait", ALOPEX_CFG_DURATION, wait, "2s", 1, 3600000, NULL, 0,
	  "A wait."),
	F("ratio", ALOPEX_CFG_DOUBLE, ratio, "0.5", 0, 1, NULL, 0, "A ratio."),
	F("name", ALOPEX_CFG_STRING, name, "alopex", 1, 0, NULL, 0, "A name."),
	F("mode", ALOPEX_CFG_ENUM, mode, "safe", 1, 0, modes, 0, "A mode."),
	F("tags", ALOPEX_CFG_STRLIST, tags, "[a, b]", 1, 0, NULL, 0, "Tags."),
	F("password", ALOPEX_CFG_STRING, password, "hunter2", 1, 0, NULL,
	  ALOPEX_CFG_SECRET, "A password."),
	F("pin", ALOPEX_CFG_INT, pin, "1234", 0, 9999, NULL, ALOPEX_CFG_SECRET,
	  "A pin."),
};

static const struct alopex_cfg_schema tschema = {
	.size = sizeof(struct alopex_cfg_schema),
	.config_size = sizeof(struct tcfg),
	.field_count = sizeof(tfields) / sizeof(tfields[0]),
	.fields = tfields,
	.doc = "A test section.",
};

static struct alx_runtime *rt;

static int setup(void)
{
	alopex_diag d;
	return alx_runtime_create(NULL, &rt, &d) == 0 ? 0 : -1;
}

static int teardown(void)
{
	alx_runtime_destroy(rt);
	rt = NULL;
	return 0;
}

/* Apply tschema (or `schema`) to text; the config, or NULL with *d set. */
static struct tcfg *apply_to(const struct alopex_cfg_schema *schema,
			     const char *text, alopex_diag *d)
{
	struct alx_cfg_doc *doc = cfgt_parse(rt, text, d);
	void *cfg = NULL;
	CU_ASSERT_FATAL(doc != NULL);
	int rc = alx_cfg_apply(rt, schema, alx_cfg_doc_root(doc), "test.sec",
			       &cfg, d);
	alx_cfg_doc_destroy(doc);
	CU_ASSERT((rc == 0) == (cfg != NULL));
	return cfg;
}

static struct tcfg *apply_text(const char *text, alopex_diag *d)
{
	return apply_to(&tschema, text, d);
}

static void free_cfg(struct tcfg *c)
{
	alx_cfg_free(rt, &tschema, c);
}

static void test_defaults(void)
{
	alopex_diag d;
	void *p = NULL;
	CU_ASSERT_EQUAL_FATAL(
		alx_cfg_apply(rt, &tschema, NULL, "test.sec", &p, &d), 0);
	struct tcfg *c = p;
	CU_ASSERT_FALSE(c->flag);
	CU_ASSERT_EQUAL(c->count, 10);
	CU_ASSERT_EQUAL(c->size, 65536);
	CU_ASSERT_EQUAL(c->wait, 2000);
	CU_ASSERT_DOUBLE_EQUAL(c->ratio, 0.5, 0);
	CU_ASSERT_STRING_EQUAL(c->name, "alopex");
	CU_ASSERT_EQUAL(c->mode, 1);
	CU_ASSERT_EQUAL_FATAL(c->tags.count, 2);
	CU_ASSERT_STRING_EQUAL(c->tags.items[0], "a");
	CU_ASSERT_STRING_EQUAL(c->tags.items[1], "b");
	CU_ASSERT_STRING_EQUAL(c->password, "hunter2");
	CU_ASSERT_EQUAL(c->pin, 1234);
	free_cfg(c);

	/* An empty map and a "section:" with nothing are defaults too. */
	c = apply_text("", &d);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(c->count, 10);
	free_cfg(c);
	c = apply_text("~", &d);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(c->size, 65536);
	free_cfg(c);
	alx_cfg_free(rt, &tschema, NULL);
}

static void test_every_type(void)
{
	alopex_diag d;
	struct tcfg *c = apply_text("flag: yes\n"
				    "count: -5\n"
				    "size: 1GB\n"
				    "wait: 1h\n"
				    "ratio: 1e-1\n"
				    "name: \"two words\"\n"
				    "mode: off\n"
				    "tags:\n"
				    "  - x\n"
				    "  - 'y z'\n"
				    "password: s3cret\n"
				    "pin: 0\n",
				    &d);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_TRUE(c->flag);
	CU_ASSERT_EQUAL(c->count, -5);
	CU_ASSERT_EQUAL(c->size, 1073741824ull);
	CU_ASSERT_EQUAL(c->wait, 3600000);
	CU_ASSERT_DOUBLE_EQUAL(c->ratio, 0.1, 1e-15);
	CU_ASSERT_STRING_EQUAL(c->name, "two words");
	CU_ASSERT_EQUAL(c->mode, 2);
	CU_ASSERT_EQUAL_FATAL(c->tags.count, 2);
	CU_ASSERT_STRING_EQUAL(c->tags.items[1], "y z");
	CU_ASSERT_STRING_EQUAL(c->password, "s3cret");
	CU_ASSERT_EQUAL(c->pin, 0);
	free_cfg(c);

	c = apply_text("name: ''\ntags: []\n", &d);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_STRING_EQUAL(c->name, "");
	CU_ASSERT_EQUAL(c->tags.count, 0);
	free_cfg(c);
	/* "tags:" with nothing: an empty list. */
	c = apply_text("tags:\n", &d);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(c->tags.count, 0);
	free_cfg(c);
}

/* One field's value: ok with the expected bits, or an error message. */
struct case_ {
	const char *text;
	int ok;
	double want;	 /* for numbers and bools */
	const char *msg; /* exact, when not ok */
};

/* Read the field `key` of c as a double. */
static double field_value(const struct tcfg *c, const char *key)
{
	if (strcmp(key, "flag") == 0)
		return c->flag;
	if (strcmp(key, "count") == 0)
		return (double)c->count;
	if (strcmp(key, "size") == 0)
		return (double)c->size;
	if (strcmp(key, "wait") == 0)
		return (double)c->wait;
	if (strcmp(key, "ratio") == 0)
		return c->ratio;
	if (strcmp(key, "pin") == 0)
		return (double)c->pin;
	return c->mode;
}

static void run_cases(const char *key, const struct case_ *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char text[256];
		alopex_diag d;
		snprintf(text, sizeof(text), "%s: %s\n", key, cases[i].text);
		struct tcfg *c = apply_text(text, &d);
		if (cases[i].ok) {
			if (c == NULL)
				fprintf(stderr, "\n  '%s' failed: %s\n", text,
					d.message);
			CU_ASSERT_FATAL(c != NULL);
			CU_ASSERT_DOUBLE_EQUAL(field_value(c, key),
					       cases[i].want, 0);
			free_cfg(c);
		} else {
			CU_ASSERT(c == NULL);
			free_cfg(c);
			/* An empty value sits right after the colon. */
			unsigned col = (unsigned)strlen(key) +
				       (cases[i].text[0] ? 3 : 2);
			CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 1, col,
					       cases[i].msg, true));
		}
	}
}

#define RUN(key, cases) run_cases(key, cases, sizeof(cases) / sizeof(cases[0]))

static void test_bool(void)
{
	static const struct case_ cases[] = {
		{"true", 1, 1, NULL},
		{"false", 1, 0, NULL},
		{"yes", 1, 1, NULL},
		{"no", 1, 0, NULL},
		{"on", 1, 1, NULL},
		{"off", 1, 0, NULL},
		{"True", 1, 1, NULL},
		{"NO", 1, 0, NULL},
		{"maybe", 0, 0,
		 "test.sec.flag: invalid value 'maybe'; expected a boolean "
		 "(true/false, yes/no, on/off)"},
		{"1", 0, 0,
		 "test.sec.flag: invalid value '1'; expected a boolean "
		 "(true/false, yes/no, on/off)"},
		{"", 0, 0,
		 "test.sec.flag: no value given; expected a boolean "
		 "(true/false, yes/no, on/off)"},
	};
	RUN("flag", cases);
}

static void test_int(void)
{
	static const struct case_ cases[] = {
		{"42", 1, 42, NULL},
		{"+7", 1, 7, NULL},
		{"-5", 1, -5, NULL},
		{"007", 1, 7, NULL},
		{"100", 1, 100, NULL},
		{"1.5", 0, 0,
		 "test.sec.count: invalid value '1.5'; expected an integer"},
		{"0x10", 0, 0,
		 "test.sec.count: invalid value '0x10'; expected an integer"},
		{"+", 0, 0,
		 "test.sec.count: invalid value '+'; expected an integer"},
		{"9223372036854775808", 0, 0,
		 "test.sec.count: '9223372036854775808' is too large for a "
		 "64-bit integer"},
		{"-9223372036854775809", 0, 0,
		 "test.sec.count: '-9223372036854775809' is too large for a "
		 "64-bit integer"},
		{"101", 0, 0,
		 "test.sec.count: '101' is out of range; it must be between -5 "
		 "and 100"},
		{"-9223372036854775808", 0, 0,
		 "test.sec.count: '-9223372036854775808' is out of range; it "
		 "must be between -5 and 100"},
	};
	RUN("count", cases);
}

static void test_size(void)
{
	static const struct case_ cases[] = {
		{"4096", 1, 4096, NULL},
		{"64KB", 1, 65536, NULL},
		{"64K", 1, 65536, NULL},
		{"64KiB", 1, 65536, NULL},
		{"64kb", 1, 65536, NULL},
		{"1024B", 1, 1024, NULL},
		{"2 MB", 1, 2097152, NULL},
		{"1GB", 1, 1073741824.0, NULL},
		{"1G", 1, 1073741824.0, NULL},
		{"2GB", 0, 0,
		 "test.sec.size: '2GB' is out of range; it must be between "
		 "1KB and 1GB"},
		{"1TB", 0, 0,
		 "test.sec.size: '1TB' is out of range; it must be between "
		 "1KB and 1GB"},
		{"1023", 0, 0,
		 "test.sec.size: '1023' is out of range; it must be between "
		 "1KB and 1GB"},
		{"1.5MB", 0, 0,
		 "test.sec.size: invalid value '1.5MB'; expected a size such "
		 "as 4096, 64KB or 1GB"},
		{"64XB", 0, 0,
		 "test.sec.size: invalid value '64XB'; expected a size such "
		 "as 4096, 64KB or 1GB"},
		{"-1", 0, 0,
		 "test.sec.size: invalid value '-1'; expected a size such "
		 "as 4096, 64KB or 1GB"},
		{"99999999999TB", 0, 0,
		 "test.sec.size: '99999999999TB' is too large for 64 bits"},
	};
	RUN("size", cases);
}

static void test_duration(void)
{
	static const struct case_ cases[] = {
		{"250ms", 1, 250, NULL},
		{"2s", 1, 2000, NULL},
		{"1m", 1, 60000, NULL},
		{"1h", 1, 3600000, NULL},
		{"15", 1, 15, NULL},
		{"0", 0, 0,
		 "test.sec.wait: '0' is out of range; it must be between 1ms "
		 "and 1h"},
		{"61m", 0, 0,
		 "test.sec.wait: '61m' is out of range; it must be between 1ms "
		 "and 1h"},
		{"1d", 0, 0,
		 "test.sec.wait: invalid value '1d'; expected a duration such "
		 "as 250ms, 2s, 1m or 1h"},
		{"2S", 0, 0,
		 "test.sec.wait: invalid value '2S'; expected a duration such "
		 "as 250ms, 2s, 1m or 1h"},
		{"1.5s", 0, 0,
		 "test.sec.wait: invalid value '1.5s'; expected a duration "
		 "such as 250ms, 2s, 1m or 1h"},
	};
	RUN("wait", cases);
}

static void test_double(void)
{
	static const struct case_ cases[] = {
		{"0.25", 1, 0.25, NULL},
		{"1", 1, 1, NULL},
		{"0", 1, 0, NULL},
		{"2.5e-1", 1, 0.25, NULL},
		{"1.5", 0, 0,
		 "test.sec.ratio: '1.5' is out of range; it must be between 0 "
		 "and 1"},
		{"abc", 0, 0,
		 "test.sec.ratio: invalid value 'abc'; expected a number"},
		{"nan", 0, 0,
		 "test.sec.ratio: invalid value 'nan'; expected a number"},
		{"inf", 0, 0,
		 "test.sec.ratio: invalid value 'inf'; expected a number"},
		{"0x1p-2", 0, 0,
		 "test.sec.ratio: invalid value '0x1p-2'; expected a number"},
		{"1e999", 0, 0,
		 "test.sec.ratio: '1e999' is too large for a double"},
	};
	RUN("ratio", cases);
}

static void test_enum(void)
{
	static const struct case_ cases[] = {
		{"fast", 1, 0, NULL},
		{"safe", 1, 1, NULL},
		{"off", 1, 2, NULL},
		{"FAST", 0, 0,
		 "test.sec.mode: invalid value 'FAST'; choices: fast, safe, "
		 "off"},
		{"[fast]", 0, 0,
		 "test.sec.mode: expected one of the choices, found a list"},
	};
	RUN("mode", cases);
}

static void test_string_and_list_errors(void)
{
	alopex_diag d;
	struct tcfg *c = apply_text("name:\n", &d);
	CU_ASSERT(c == NULL);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 1, 6,
			       "test.sec.name: no value given; expected a "
			       "string (write '' for an empty one)",
			       true));
	c = apply_text("name: {first: a}\n", &d);
	CU_ASSERT(c == NULL);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 1, 7,
			       "test.sec.name: expected a string, found a map",
			       true));
	/* A single scalar is not a list. */
	c = apply_text("tags: x\n", &d);
	CU_ASSERT(c == NULL);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 1, 7,
			       "test.sec.tags: expected a list of strings such "
			       "as [a, b], found a scalar",
			       true));
	c = apply_text("tags:\n  - a\n  - [b]\n", &d);
	CU_ASSERT(c == NULL);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 3, 5,
			       "test.sec.tags[1]: expected a string, found a "
			       "list",
			       true));
	c = apply_text("tags: [a, ~, b]\n", &d);
	CU_ASSERT(c == NULL);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 1, 11,
			       "test.sec.tags[1]: empty item", false));
}

static void test_unknown_key(void)
{
	alopex_diag d;
	struct tcfg *c = apply_text("count: 1\n\n  # comment\ncnt: 2\n", &d);
	CU_ASSERT(c == NULL);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 4, 1,
			       "unknown key 'cnt' in test.sec; valid keys: "
			       "flag, count, size, wait, ratio, name, mode, "
			       "tags, password, pin",
			       true));
}

static void test_wrong_shape(void)
{
	alopex_diag d;
	struct tcfg *c = apply_text("count: [1]\n", &d);
	CU_ASSERT(c == NULL);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 1, 8,
			       "test.sec.count: expected an integer, found a "
			       "list",
			       true));
	c = apply_text("size:\n  a: 1\n", &d);
	CU_ASSERT(c == NULL);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 2, 3,
			       "test.sec.size: expected a size such as 4096, "
			       "64KB or 1GB, found a map",
			       true));
	/* A section must be a map. */
	c = apply_text("- a\n- b\n", &d);
	CU_ASSERT(c == NULL);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 1, 1,
			       "test.sec: expected a map of settings, found a "
			       "list",
			       true));
	c = apply_text("just text\n", &d);
	CU_ASSERT(c == NULL);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 1, 1,
			       "test.sec: expected a map of settings, found a "
			       "scalar",
			       true));
}

struct rcfg {
	char *path;
	int64_t level;
};
static const struct alopex_cfg_field rfields[] = {
	{"path", ALOPEX_CFG_STRING, offsetof(struct rcfg, path), NULL, 1, 0,
	 NULL, ALOPEX_CFG_REQUIRED, "Where."},
	{"level", ALOPEX_CFG_INT, offsetof(struct rcfg, level), "3", 1, 0, NULL,
	 0, "How much."},
};
static const struct alopex_cfg_schema rschema = {
	.size = sizeof(struct alopex_cfg_schema),
	.config_size = sizeof(struct rcfg),
	.field_count = 2,
	.fields = rfields,
	.doc = NULL,
};

static void test_missing_required(void)
{
	alopex_diag d;
	void *c = apply_to(&rschema, "# a comment\n\nlevel: 5\n", &d);
	CU_ASSERT(c == NULL);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 3, 1,
			       "test.sec: missing required key 'path'", true));

	/* Nested: the line of the enclosing map. */
	struct alx_cfg_doc *doc =
		cfgt_parse(rt, "outer:\n  inner:\n    level: 1\n", &d);
	CU_ASSERT_FATAL(doc != NULL);
	const struct alx_cfg_node *inner = alx_cfg_map_get(
		alx_cfg_map_get(alx_cfg_doc_root(doc), "outer"), "inner");
	CU_ASSERT_EQUAL(
		alx_cfg_apply(rt, &rschema, inner, "outer.inner", &c, &d),
		ALOPEX_ECONFIG);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 3, 5,
			       "outer.inner: missing required key 'path'",
			       true));
	alx_cfg_doc_destroy(doc);

	/* No map at all: no position to give. */
	CU_ASSERT_EQUAL(alx_cfg_apply(rt, &rschema, NULL, "x", &c, &d),
			ALOPEX_ECONFIG);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 0, 0,
			       "x: missing required key 'path'", true));

	struct rcfg *r = (void *)apply_to(&rschema, "path: /tmp\n", &d);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_STRING_EQUAL(r->path, "/tmp");
	CU_ASSERT_EQUAL(r->level, 3);
	alx_cfg_free(rt, &rschema, r);
}

static void test_secret_not_echoed(void)
{
	alopex_diag d;
	struct tcfg *c = apply_text("pin: 123456\n", &d);
	CU_ASSERT(c == NULL);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 1, 6,
			       "test.sec.pin: (secret value not shown) is out "
			       "of range; it must be between 0 and 9999",
			       true));
	CU_ASSERT(strstr(d.message, "123456") == NULL);
	c = apply_text("pin: topsecret\n", &d);
	CU_ASSERT(c == NULL);
	CU_ASSERT(strstr(d.message, "topsecret") == NULL);
	CU_ASSERT(strstr(d.message, "test.sec.pin: invalid value") != NULL);
}

/* ---- schema_check ------------------------------------------------------- */

struct bad_schema {
	struct alopex_cfg_field field;
	size_t config_size;
	const char *msg; /* part of the expected message */
};

static const char *const no_choices[] = {NULL};
static const char *const dup_choices[] = {"a", "b", "a", NULL};

#define BF(key, type, off, def, lo, hi, ch, fl, doc)     \
	{                                                \
		key, type, off, def, lo, hi, ch, fl, doc \
	}

static const struct bad_schema bad_schemas[] = {
	{BF("x", ALOPEX_CFG_INT, 0, "abc", 1, 0, NULL, 0, "d"), 8,
	 "bad default for 'x': x: invalid value 'abc'; expected an integer"},
	{BF("x", ALOPEX_CFG_INT, 0, "200", 0, 100, NULL, 0, "d"), 8,
	 "bad default for 'x': x: '200' is out of range; it must be between "
	 "0 and 100"},
	{BF("x", ALOPEX_CFG_SIZE, 0, "1GB", 1024, 1048576, NULL, 0, "d"), 8,
	 "it must be between 1KB and 1MB"},
	{BF("x", ALOPEX_CFG_STRLIST, 0, "a", 1, 0, NULL, 0, "d"), 16,
	 "expected a list of strings"},
	{BF("x", ALOPEX_CFG_STRING, 0, "[a", 1, 0, NULL, 0, "d"), 8,
	 "bad default for 'x': YAML syntax error"},
	{BF("x", ALOPEX_CFG_INT, 8, "1", 1, 0, NULL, 0, "d"), 8,
	 "field 'x' (offset 8, 8 bytes) does not fit in config_size 8"},
	{BF("x", ALOPEX_CFG_INT, 4, "1", 1, 0, NULL, 0, "d"), 16,
	 "field 'x' is at a misaligned offset 4"},
	{BF("x", ALOPEX_CFG_ENUM, 0, NULL, 1, 0, NULL, 0, "d"), 8,
	 "enum field 'x' has no choices"},
	{BF("x", ALOPEX_CFG_ENUM, 0, NULL, 1, 0, no_choices, 0, "d"), 8,
	 "enum field 'x' has no choices"},
	{BF("x", ALOPEX_CFG_ENUM, 0, NULL, 1, 0, dup_choices, 0, "d"), 8,
	 "enum field 'x' repeats the choice 'a'"},
	{BF("x", ALOPEX_CFG_ENUM, 0, "c", 1, 0, dup_choices + 1, 0, "d"), 8,
	 "bad default for 'x': x: invalid value 'c'; choices: b, a"},
	{BF("x", ALOPEX_CFG_INT, 0, "1", 1, 0, NULL, ALOPEX_CFG_REQUIRED, "d"),
	 8, "field 'x' is required but has a default"},
	{BF("x", 99, 0, NULL, 1, 0, NULL, 0, "d"), 8,
	 "field 'x' has an unknown type 99"},
	{BF("Bad-Key", ALOPEX_CFG_INT, 0, NULL, 1, 0, NULL, 0, "d"), 8,
	 "field 0 has an invalid key 'Bad-Key'"},
	{BF(NULL, ALOPEX_CFG_INT, 0, NULL, 1, 0, NULL, 0, "d"), 8,
	 "field 0 has an invalid key '(null)'"},
	{BF("x", ALOPEX_CFG_INT, 0, NULL, 1, 0, NULL, 0, NULL), 8,
	 "field 'x' has no doc line"},
};

static void test_schema_check_rejects(void)
{
	alopex_diag d;
	CU_ASSERT_EQUAL(alx_cfg_schema_check(&tschema, "test", &d), 0);
	CU_ASSERT_EQUAL(alx_cfg_schema_check(&rschema, "test", &d), 0);
	CU_ASSERT_EQUAL(
		alx_cfg_schema_check(&alx_core_config_schema, "core", &d), 0);
	CU_ASSERT_EQUAL(alx_cfg_schema_check(NULL, "test", &d), 0);

	for (size_t i = 0; i < sizeof(bad_schemas) / sizeof(bad_schemas[0]);
	     i++) {
		const struct bad_schema *b = &bad_schemas[i];
		struct alopex_cfg_schema s = {
			.size = sizeof(s),
			.config_size = b->config_size,
			.field_count = 1,
			.fields = &b->field,
		};
		int rc = alx_cfg_schema_check(&s, "plug", &d);
		CU_ASSERT_EQUAL(rc, ALOPEX_EINVAL);
		CU_ASSERT(cfgt_diag_is(&d, ALOPEX_EINVAL, 0, 0,
				       "config schema of 'plug': ", false));
		CU_ASSERT(cfgt_diag_is(&d, ALOPEX_EINVAL, 0, 0, b->msg, false));
	}

	/* Two fields: the same key, or overlapping storage. */
	struct alopex_cfg_field two[2] = {
		BF("a", ALOPEX_CFG_INT, 0, NULL, 1, 0, NULL, 0, "d"),
		BF("a", ALOPEX_CFG_INT, 8, NULL, 1, 0, NULL, 0, "d"),
	};
	struct alopex_cfg_schema s = {.size = sizeof(s),
				      .config_size = 16,
				      .field_count = 2,
				      .fields = two};
	CU_ASSERT_EQUAL(alx_cfg_schema_check(&s, "plug", &d), ALOPEX_EINVAL);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_EINVAL, 0, 0,
			       "config schema of 'plug': key 'a' appears twice",
			       true));
	two[1].key = "b";
	two[1].offset = 4;
	two[1].type = ALOPEX_CFG_ENUM;
	two[1].choices = modes;
	CU_ASSERT_EQUAL(alx_cfg_schema_check(&s, "plug", &d), ALOPEX_EINVAL);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_EINVAL, 0, 0,
			       "config schema of 'plug': fields 'a' and 'b' "
			       "overlap in the config struct",
			       true));
	two[1].offset = 8;
	CU_ASSERT_EQUAL(alx_cfg_schema_check(&s, "plug", &d), 0);

	/* A schema struct shorter than 1.0's, or fields without a table. */
	s.size = 8;
	CU_ASSERT_EQUAL(alx_cfg_schema_check(&s, "plug", &d), ALOPEX_EABI);
	s.size = sizeof(s);
	s.fields = NULL;
	CU_ASSERT_EQUAL(alx_cfg_schema_check(&s, "plug", &d), ALOPEX_EINVAL);
}

/* ---- describe ------------------------------------------------------------ */

static char *describe(const struct alopex_cfg_schema *s, const char *section)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CU_ASSERT_FATAL(f != NULL);
	alx_cfg_describe(s, section, f);
	CU_ASSERT_FATAL(fclose(f) == 0);
	return buf;
}

static void test_describe(void)
{
	static const struct alopex_cfg_field fields[] = {
		F("size", ALOPEX_CFG_SIZE, size, "64KB", 1024, 1073741824.0,
		  NULL, ALOPEX_CFG_RELOADABLE, "Buffer size."),
		F("mode", ALOPEX_CFG_ENUM, mode, "safe", 1, 0, modes, 0,
		  "How careful to be."),
		F("wait", ALOPEX_CFG_DURATION, wait, NULL, 1000,
		  18446744073709551615.0, NULL, ALOPEX_CFG_REQUIRED,
		  "How long to wait."),
		F("password", ALOPEX_CFG_STRING, password, "hunter2", 1, 0,
		  NULL, ALOPEX_CFG_SECRET | ALOPEX_CFG_RELOADABLE,
		  "Login password."),
		F("count", ALOPEX_CFG_INT, count, "0", 1, 0, NULL, 0,
		  "Unbounded."),
	};
	const struct alopex_cfg_schema s = {
		.size = sizeof(s),
		.config_size = sizeof(struct tcfg),
		.field_count = sizeof(fields) / sizeof(fields[0]),
		.fields = fields,
		.doc = "A demo plugin.",
	};
	char *out = describe(&s, "engines.demo");
	CU_ASSERT_STRING_EQUAL(out,
			       "engines.demo: A demo plugin.\n"
			       "  size: size in bytes (units KB, MB, GB, TB "
			       "are 1024-based)\n"
			       "    default: 64KB\n"
			       "    range: between 1KB and 1GB\n"
			       "    flags: reloadable\n"
			       "    Buffer size.\n"
			       "  mode: enum\n"
			       "    default: safe\n"
			       "    choices: fast, safe, off\n"
			       "    How careful to be.\n"
			       "  wait: duration (ms, s, m, h; a bare number "
			       "is ms)\n"
			       "    default: none (required)\n"
			       "    range: at least 1s\n"
			       "    flags: required\n"
			       "    How long to wait.\n"
			       "  password: string\n"
			       "    default: <secret>\n"
			       "    flags: reloadable, secret\n"
			       "    Login password.\n"
			       "  count: integer\n"
			       "    default: 0\n"
			       "    Unbounded.\n");
	free(out);

	/* The full test schema: secrets stay hidden. */
	out = describe(&tschema, NULL);
	CU_ASSERT(strncmp(out, "(top level): A test section.\n", 29) == 0);
	CU_ASSERT(strstr(out, "hunter2") == NULL);
	CU_ASSERT(strstr(out, "1234") == NULL);
	CU_ASSERT(
		strstr(out, "  tags: list of strings\n    default: [a, b]\n") !=
		NULL);
	free(out);

	out = describe(NULL, "scripts.x");
	CU_ASSERT_STRING_EQUAL(out, "scripts.x: no settings\n");
	free(out);
}

static const struct alx_test_case cases[] = {
	{"defaults", test_defaults},
	{"every_type", test_every_type},
	{"bool", test_bool},
	{"int", test_int},
	{"size", test_size},
	{"duration", test_duration},
	{"double", test_double},
	{"enum", test_enum},
	{"string_and_list_errors", test_string_and_list_errors},
	{"unknown_key", test_unknown_key},
	{"wrong_shape", test_wrong_shape},
	{"missing_required", test_missing_required},
	{"secret_not_echoed", test_secret_not_echoed},
	{"schema_check_rejects", test_schema_check_rejects},
	{"describe", test_describe},
	{NULL, NULL},
};

const struct alx_test_suite schema_suite = {"config/schema", setup, teardown,
					    cases};
