/*
 * Fuzz target for the config layer: the bytes are parsed as a YAML config
 * (alx_cfg_parse_string) and applied to a schema with every field type, at
 * the top level and in each nested map; they are also tried as the default
 * text of a one-field schema of every type (alx_cfg_schema_check). Beyond
 * the sanitizers, it checks what the code promises: positions are 1-based,
 * map keys are unique scalars, every error has a code and a message.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/alx_config.h"
#include "fuzz.h"
#include "runtime/alx_runtime.h"

#define NAME "fuzz.yaml"

struct fuzz_cfg {
	bool flag;
	int64_t count;
	uint64_t size;
	uint64_t wait;
	double ratio;
	char *name;
	int mode;
	struct alopex_strlist tags;
	char *secret;
	int64_t free_int;
};

static const char *const modes[] = {"fast", "safe", "off", NULL};

#define FIELD(key, type, member, def, lo, hi, choices, flags)              \
	{                                                                  \
		key, type, offsetof(struct fuzz_cfg, member), def, lo, hi, \
			choices, flags, "fuzz field"                       \
	}

static const struct alopex_cfg_field fields[] = {
	FIELD("flag", ALOPEX_CFG_BOOL, flag, "true", 1, 0, NULL, 0),
	FIELD("count", ALOPEX_CFG_INT, count, "5", -100, 100, NULL, 0),
	FIELD("size", ALOPEX_CFG_SIZE, size, "64KB", 1024, 1e12, NULL, 0),
	FIELD("wait", ALOPEX_CFG_DURATION, wait, "2s", 1, 86400000, NULL, 0),
	FIELD("ratio", ALOPEX_CFG_DOUBLE, ratio, "0.5", 0, 1, NULL, 0),
	FIELD("name", ALOPEX_CFG_STRING, name, NULL, 1, 0, NULL,
	      ALOPEX_CFG_REQUIRED),
	FIELD("mode", ALOPEX_CFG_ENUM, mode, "safe", 1, 0, modes, 0),
	FIELD("tags", ALOPEX_CFG_STRLIST, tags, "[a, b]", 1, 0, NULL, 0),
	FIELD("secret", ALOPEX_CFG_STRING, secret, "x", 1, 0, NULL,
	      ALOPEX_CFG_SECRET),
	FIELD("free_int", ALOPEX_CFG_INT, free_int, "0", 1, 0, NULL, 0),
};

static const struct alopex_cfg_schema schema = {
	.size = sizeof(struct alopex_cfg_schema),
	.config_size = sizeof(struct fuzz_cfg),
	.field_count = sizeof(fields) / sizeof(fields[0]),
	.fields = fields,
	.doc = "fuzz schema",
};

/* A broken promise is a bug: stop where the fuzzer can see it. */
static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_config: %s\n", what);
		abort();
	}
}

static void check_error(int rc, const alopex_diag *d)
{
	check(rc < 0, "error code is not negative");
	check(d->code == rc, "diag code differs from the return code");
	check(d->message[0] != '\0', "error without a message");
	check(memchr(d->message, '\0', sizeof(d->message)) != NULL,
	      "message not terminated");
	if (d->line != 0)
		check(strcmp(d->file, NAME) == 0 ||
			      strncmp(d->file, "<default of", 11) == 0,
		      "error at a position in an unknown file");
}

static void check_tree(const struct alx_cfg_node *n, unsigned depth)
{
	check(depth <= 65, "tree deeper than the limit");
	check(n->line >= 1 && n->col >= 1, "position not 1-based");
	check(strcmp(n->file, NAME) == 0, "node without its file");
	if (n->kind == ALX_CFG_SCALAR) {
		check(n->scalar != NULL && n->count == 0, "bad scalar");
		return;
	}
	check(n->kind == ALX_CFG_MAP || n->kind == ALX_CFG_SEQ, "bad kind");
	for (size_t i = 0; i < n->count; i++) {
		if (n->kind == ALX_CFG_MAP) {
			check(n->keys[i]->kind == ALX_CFG_SCALAR,
			      "non-scalar key");
			/* Quadratic: only where it stays cheap. */
			for (size_t j = 0; j < i && n->count <= 64; j++)
				check(strcmp(n->keys[i]->scalar,
					     n->keys[j]->scalar) != 0,
				      "duplicate key accepted");
		}
		check_tree(n->items[i], depth + 1);
	}
}

static void apply(struct alx_runtime *rt, const struct alx_cfg_node *map,
		  const char *section)
{
	alopex_diag d;
	void *cfg = NULL;
	int rc = alx_cfg_apply(rt, &schema, map, section, &cfg, &d);
	if (rc != 0) {
		check(cfg == NULL, "config returned on error");
		check_error(rc, &d);
		return;
	}
	struct fuzz_cfg *c = cfg;
	check(c->name != NULL, "required string missing");
	check(c->count >= -100 && c->count <= 100, "int out of bounds");
	check(c->ratio >= 0 && c->ratio <= 1, "double out of bounds");
	check(c->mode >= 0 && c->mode <= 2, "enum out of range");
	alx_cfg_free(rt, &schema, cfg);
}

/* The input as the default of a one-field schema of each type. */
static void defaults(const uint8_t *data, size_t size)
{
	if (size > 4096 || memchr(data, '\0', size) != NULL)
		return;
	char *text = malloc(size + 1);
	if (text == NULL)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	for (int type = ALOPEX_CFG_BOOL; type <= ALOPEX_CFG_STRLIST; type++) {
		struct alopex_cfg_field f = {
			"x", type, 0, text, -1e6, 1e6, modes, 0, "doc",
		};
		struct alopex_cfg_schema s = {
			.size = sizeof(s),
			.config_size = sizeof(struct alopex_strlist),
			.field_count = 1,
			.fields = &f,
		};
		alopex_diag d;
		int rc = alx_cfg_schema_check(&s, "fuzz", &d);
		if (rc != 0)
			check_error(rc, &d);
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alx_runtime *rt = NULL;
	struct alx_cfg_doc *doc = NULL;
	alopex_diag d;

	check(alx_runtime_create(NULL, &rt, &d) == 0, "no runtime");
	int rc = alx_cfg_parse_string(rt, NAME, (const char *)data, size, &doc,
				      &d);
	if (rc != 0) {
		check(doc == NULL, "doc returned on error");
		check_error(rc, &d);
	} else {
		const struct alx_cfg_node *root = alx_cfg_doc_root(doc);
		check_tree(root, 1);
		apply(rt, root, NULL);
		/* Nested sections, as plugin sections are applied. */
		for (size_t i = 0;
		     root->kind == ALX_CFG_MAP && i < root->count && i < 16;
		     i++) {
			if (root->items[i]->kind == ALX_CFG_MAP)
				apply(rt, root->items[i],
				      root->keys[i]->scalar);
		}
		for (size_t i = 0; i < schema.field_count; i++)
			(void)alx_cfg_map_get(root, fields[i].key);
		alx_cfg_doc_destroy(doc);
	}
	alx_runtime_destroy(rt);
	defaults(data, size);
	return 0;
}
