/*
 * Schemas: a plugin's static table of fields validates one map of the tree
 * into its config struct. Values and defaults go through the same
 * conversion, so a default that would be rejected in a file is rejected in
 * the schema (alx_cfg_schema_check) before the plugin is registered.
 */
#include <math.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/alx_config.h"
#include "config/cfg_internal.h"
#include "runtime/alx_diag.h"

struct cfg_type_info {
	const char *name;   /* for describe */
	const char *expect; /* "expected ..." in messages */
	size_t size, align;
};

static const struct cfg_type_info cfg_types[] = {
	[ALOPEX_CFG_BOOL] = {"bool (true/false, yes/no, on/off)",
			     "a boolean (true/false, yes/no, on/off)",
			     sizeof(bool), alignof(bool)},
	[ALOPEX_CFG_INT] = {"integer", "an integer", sizeof(int64_t),
			    alignof(int64_t)},
	[ALOPEX_CFG_SIZE] = {"size in bytes (units KB, MB, GB, TB are "
			     "1024-based)",
			     "a size such as 4096, 64KB or 1GB",
			     sizeof(uint64_t), alignof(uint64_t)},
	[ALOPEX_CFG_DURATION] = {"duration (ms, s, m, h; a bare number is ms)",
				 "a duration such as 250ms, 2s, 1m or 1h",
				 sizeof(uint64_t), alignof(uint64_t)},
	[ALOPEX_CFG_DOUBLE] = {"number", "a number", sizeof(double),
			       alignof(double)},
	[ALOPEX_CFG_STRING] = {"string", "a string", sizeof(char *),
			       alignof(char *)},
	[ALOPEX_CFG_ENUM] = {"enum", "one of the choices", sizeof(int),
			     alignof(int)},
	[ALOPEX_CFG_STRLIST] = {"list of strings",
				"a list of strings such as [a, b]",
				sizeof(struct alopex_strlist),
				alignof(struct alopex_strlist)},
};

static const struct cfg_type_info *type_info(int type)
{
	if (type < ALOPEX_CFG_BOOL || type > ALOPEX_CFG_STRLIST)
		return NULL;
	return &cfg_types[type];
}

static void *field_slot(void *config, const struct alopex_cfg_field *f)
{
	return (char *)config + f->offset;
}

/* "section.key", or "key" at the top level (cut short if very long). */
static void field_path(char *buf, size_t size, const char *section,
		       const char *key)
{
	if (section != NULL && section[0] != '\0')
		snprintf(buf, size, "%s.%s", section, key);
	else
		snprintf(buf, size, "%s", key);
}

/* How a value appears in messages: quoted, cut short, never a secret. */
static const char *shown(const struct alopex_cfg_field *f, const char *text,
			 char *buf, size_t size)
{
	if (f->flags & ALOPEX_CFG_SECRET)
		return "(secret value not shown)";
	if (strlen(text) > 60)
		snprintf(buf, size, "'%.60s...'", text);
	else
		snprintf(buf, size, "'%s'", text);
	return buf;
}

/* "a, b, c" into buf (cut short when long). */
static void join_choices(const char *const *choices, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; choices != NULL && choices[i] != NULL; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
				 choices[i]);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

static void join_keys(const struct alopex_cfg_schema *schema, char *buf,
		      size_t size)
{
	size_t used = 0;
	snprintf(buf, size, "(none)");
	for (size_t i = 0; i < schema->field_count; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
				 schema->fields[i].key);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

static int check_range(const struct alopex_cfg_field *f, double v,
		       const struct alx_cfg_node *n, const char *path,
		       alopex_diag *diag)
{
	char range[128], buf[96];
	if (!alx_cfg_has_bounds(f) || (v >= f->min && v <= f->max))
		return 0;
	alx_cfg_format_range(f, range, sizeof(range));
	return alx_cfg_error(diag, ALOPEX_ECONFIG, n,
			     "%s: %s is out of range; it must be %s", path,
			     shown(f, n->scalar, buf, sizeof(buf)), range);
}

/* ---- values ------------------------------------------------------------- */

static void slot_release(struct alx_runtime *rt,
			 const struct alopex_cfg_field *f, void *slot)
{
	if (f->type == ALOPEX_CFG_STRING) {
		char **s = slot;
		alx_cfg_mfree(rt, *s);
		*s = NULL;
	} else if (f->type == ALOPEX_CFG_STRLIST) {
		struct alopex_strlist *l = slot;
		for (size_t i = 0; i < l->count; i++)
			alx_cfg_mfree(rt, l->items[i]);
		alx_cfg_mfree(rt, l->items);
		l->items = NULL;
		l->count = 0;
	}
}

static int nomem(alopex_diag *diag, const char *path)
{
	return alx_diag_set(diag, ALOPEX_ENOMEM, NULL,
			    "%s: out of memory while applying the config",
			    path);
}

static int convert_list(struct alx_runtime *rt,
			const struct alopex_cfg_field *f,
			const struct alx_cfg_node *n, const char *path,
			struct alopex_strlist *out, alopex_diag *diag)
{
	struct alopex_strlist l = {0};
	int rc;

	if (alx_cfg_is_null(n)) {
		*out = l; /* "key:" with nothing: an empty list */
		return 0;
	}
	if (n->kind != ALX_CFG_SEQ)
		return alx_cfg_error(
			diag, ALOPEX_ECONFIG, n, "%s: expected %s, found %s",
			path, cfg_types[f->type].expect, alx_cfg_kind_name(n));
	if (n->count > 0) {
		l.items = alx_cfg_calloc(rt, n->count * sizeof(*l.items));
		if (l.items == NULL)
			return nomem(diag, path);
	}
	for (size_t i = 0; i < n->count; i++) {
		const struct alx_cfg_node *item = n->items[i];
		if (item->kind != ALX_CFG_SCALAR) {
			rc = alx_cfg_error(diag, ALOPEX_ECONFIG, item,
					   "%s[%zu]: expected a string, found "
					   "%s",
					   path, i, alx_cfg_kind_name(item));
			goto fail;
		}
		if (alx_cfg_is_null(item)) {
			rc = alx_cfg_error(diag, ALOPEX_ECONFIG, item,
					   "%s[%zu]: empty item (write '' for "
					   "an empty string)",
					   path, i);
			goto fail;
		}
		l.items[i] = alx_cfg_strdup(rt, item->scalar);
		if (l.items[i] == NULL) {
			rc = nomem(diag, path);
			goto fail;
		}
		l.count = i + 1;
	}
	*out = l;
	return 0;
fail:
	slot_release(rt, f, &l);
	return rc;
}

/*
 * Convert node n into field f's slot (already released). path names the
 * field for messages ("engines.wiredtiger.cache_size").
 */
static int convert(struct alx_runtime *rt, const struct alopex_cfg_field *f,
		   const struct alx_cfg_node *n, const char *path, void *slot,
		   alopex_diag *diag)
{
	const struct cfg_type_info *t = type_info(f->type);
	char buf[96], choices[256];
	uint64_t u = 0;
	int64_t i = 0;
	double d = 0;
	bool b = false;
	int rc = ALX_CFG_PARSE_BAD;

	if (t == NULL)
		return alx_diag_set(diag, ALOPEX_EINVAL, NULL,
				    "%s: unknown type %d in the schema", path,
				    f->type);
	if (f->type == ALOPEX_CFG_STRLIST)
		return convert_list(rt, f, n, path, slot, diag);
	if (n->kind != ALX_CFG_SCALAR)
		return alx_cfg_error(diag, ALOPEX_ECONFIG, n,
				     "%s: expected %s, found %s", path,
				     t->expect, alx_cfg_kind_name(n));
	if (alx_cfg_is_null(n))
		return alx_cfg_error(diag, ALOPEX_ECONFIG, n,
				     "%s: no value given; expected %s%s", path,
				     t->expect,
				     f->type == ALOPEX_CFG_STRING
					     ? " (write '' for an empty one)"
					     : "");
	switch (f->type) {
	case ALOPEX_CFG_BOOL:
		if ((rc = alx_cfg_parse_bool(n->scalar, &b)) ==
		    ALX_CFG_PARSE_OK)
			*(bool *)slot = b;
		break;
	case ALOPEX_CFG_INT:
		if ((rc = alx_cfg_parse_int(n->scalar, &i)) ==
		    ALX_CFG_PARSE_OK) {
			if ((rc = check_range(f, (double)i, n, path, diag)))
				return rc;
			*(int64_t *)slot = i;
		}
		break;
	case ALOPEX_CFG_SIZE:
	case ALOPEX_CFG_DURATION:
		rc = f->type == ALOPEX_CFG_SIZE
			     ? alx_cfg_parse_size(n->scalar, &u)
			     : alx_cfg_parse_duration(n->scalar, &u);
		if (rc == ALX_CFG_PARSE_OK) {
			if ((rc = check_range(f, (double)u, n, path, diag)))
				return rc;
			*(uint64_t *)slot = u;
		}
		break;
	case ALOPEX_CFG_DOUBLE:
		if ((rc = alx_cfg_parse_double(n->scalar, &d)) ==
		    ALX_CFG_PARSE_OK) {
			if ((rc = check_range(f, d, n, path, diag)))
				return rc;
			*(double *)slot = d;
		}
		break;
	case ALOPEX_CFG_STRING: {
		char *s = alx_cfg_strdup(rt, n->scalar);
		if (s == NULL)
			return nomem(diag, path);
		*(char **)slot = s;
		return 0;
	}
	case ALOPEX_CFG_ENUM:
		for (int k = 0; f->choices != NULL && f->choices[k] != NULL;
		     k++) {
			if (strcmp(n->scalar, f->choices[k]) == 0) {
				*(int *)slot = k;
				return 0;
			}
		}
		join_choices(f->choices, choices, sizeof(choices));
		return alx_cfg_error(diag, ALOPEX_ECONFIG, n,
				     "%s: invalid value %s; choices: %s", path,
				     shown(f, n->scalar, buf, sizeof(buf)),
				     choices);
	}
	if (rc == ALX_CFG_PARSE_OK)
		return 0;
	if (rc == ALX_CFG_PARSE_OVERFLOW)
		return alx_cfg_error(
			diag, ALOPEX_ECONFIG, n, "%s: %s is too large for %s",
			path, shown(f, n->scalar, buf, sizeof(buf)),
			f->type == ALOPEX_CFG_INT      ? "a 64-bit integer"
			: f->type == ALOPEX_CFG_DOUBLE ? "a double"
						       : "64 bits");
	return alx_cfg_error(diag, ALOPEX_ECONFIG, n,
			     "%s: invalid value %s; expected %s", path,
			     shown(f, n->scalar, buf, sizeof(buf)), t->expect);
}

/* Parse a field's default text and convert it like a value in a file. */
static int apply_default(struct alx_runtime *rt,
			 const struct alopex_cfg_field *f, const char *path,
			 void *slot, alopex_diag *diag)
{
	struct alx_cfg_doc *doc = NULL;
	char name[320];
	int rc;

	snprintf(name, sizeof(name), "<default of %.300s>", path);
	rc = alx_cfg_parse_value(rt, name, f->default_value,
				 strlen(f->default_value), &doc, diag);
	if (rc == 0)
		rc = convert(rt, f, alx_cfg_doc_root(doc), path, slot, diag);
	alx_cfg_doc_destroy(doc);
	return rc;
}

static void config_free(struct alx_runtime *rt,
			const struct alopex_cfg_schema *schema, void *config)
{
	if (config == NULL)
		return;
	for (size_t i = 0; schema != NULL && i < schema->field_count; i++)
		slot_release(rt, &schema->fields[i],
			     field_slot(config, &schema->fields[i]));
	alx_cfg_mfree(rt, config);
}

void alx_cfg_free(struct alx_runtime *rt,
		  const struct alopex_cfg_schema *schema, void *config)
{
	config_free(rt, schema, config);
}

static const struct alopex_cfg_field *find_field(
	const struct alopex_cfg_schema *schema, const char *key)
{
	for (size_t i = 0; i < schema->field_count; i++) {
		if (strcmp(schema->fields[i].key, key) == 0)
			return &schema->fields[i];
	}
	return NULL;
}

int alx_cfg_apply(struct alx_runtime *rt,
		  const struct alopex_cfg_schema *schema,
		  const struct alx_cfg_node *map, const char *section,
		  void **config_out, alopex_diag *diag)
{
	const struct alx_cfg_node *where = map; /* for missing keys */
	const char *in = section != NULL && section[0] != '\0' ? section : NULL;
	char path[320], list[400];
	void *config = NULL;
	int rc;

	if (schema == NULL)
		return alx_diag_set(diag, ALOPEX_EINVAL, NULL,
				    "%s: no config schema", in ? in : "config");
	if (alx_cfg_is_null(map))
		map = NULL; /* "section:" with nothing under it */
	if (map != NULL && map->kind != ALX_CFG_MAP)
		return alx_cfg_error(diag, ALOPEX_ECONFIG, map,
				     "%s: expected a map of settings, found %s",
				     in ? in : "the top level",
				     alx_cfg_kind_name(map));
	config = alx_cfg_calloc(rt,
				schema->config_size ? schema->config_size : 1);
	if (config == NULL)
		return nomem(diag, in ? in : "config");

	/* Keys in file order, so the first error is the first in the file. */
	for (size_t k = 0; map != NULL && k < map->count; k++) {
		const struct alx_cfg_node *key = map->keys[k];
		const struct alopex_cfg_field *f =
			find_field(schema, key->scalar);
		if (f == NULL) {
			join_keys(schema, list, sizeof(list));
			rc = alx_cfg_error(diag, ALOPEX_ECONFIG, key,
					   "unknown key '%.64s' %s%s; valid "
					   "keys: %s",
					   key->scalar, in ? "in " : "at ",
					   in ? in : "the top level", list);
			goto fail;
		}
		field_path(path, sizeof(path), in, f->key);
		slot_release(rt, f, field_slot(config, f));
		rc = convert(rt, f, map->items[k], path, field_slot(config, f),
			     diag);
		if (rc != 0)
			goto fail;
	}
	for (size_t i = 0; i < schema->field_count; i++) {
		const struct alopex_cfg_field *f = &schema->fields[i];
		if (alx_cfg_map_get(map, f->key) != NULL)
			continue;
		field_path(path, sizeof(path), in, f->key);
		if (f->default_value != NULL) {
			rc = apply_default(rt, f, path, field_slot(config, f),
					   diag);
			if (rc != 0)
				goto fail;
		} else if (f->flags & ALOPEX_CFG_REQUIRED) {
			rc = alx_cfg_error(diag, ALOPEX_ECONFIG, where,
					   "%s%smissing required key '%s'",
					   in ? in : "", in ? ": " : "",
					   f->key);
			goto fail;
		}
	}
	*config_out = config;
	return 0;
fail:
	config_free(rt, schema, config);
	return rc;
}

/* ---- checking a schema -------------------------------------------------- */

static int valid_key(const char *key)
{
	if (key == NULL || key[0] == '\0')
		return 0;
	for (const char *p = key; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			return 0;
	}
	return 1;
}

#define SCHEMA_ERROR(...) alx_diag_set(diag, ALOPEX_EINVAL, NULL, __VA_ARGS__)

static int check_field(const struct alopex_cfg_schema *schema, size_t idx,
		       const char *owner, alopex_diag *diag)
{
	const struct alopex_cfg_field *f = &schema->fields[idx];
	const struct cfg_type_info *t = type_info(f->type);
	const char *key = f->key;

	if (!valid_key(key))
		return SCHEMA_ERROR("config schema of '%s': field %zu has an "
				    "invalid key '%.64s' (use [a-z0-9_]+)",
				    owner, idx, key ? key : "(null)");
	if (t == NULL)
		return SCHEMA_ERROR("config schema of '%s': field '%s' has an "
				    "unknown type %d",
				    owner, key, f->type);
	if (f->offset > schema->config_size ||
	    t->size > schema->config_size - f->offset)
		return SCHEMA_ERROR("config schema of '%s': field '%s' (offset "
				    "%zu, %zu bytes) does not fit in "
				    "config_size %zu",
				    owner, key, f->offset, t->size,
				    schema->config_size);
	if (f->offset % t->align != 0)
		return SCHEMA_ERROR("config schema of '%s': field '%s' is at a "
				    "misaligned offset %zu",
				    owner, key, f->offset);
	if (f->doc == NULL || f->doc[0] == '\0')
		return SCHEMA_ERROR("config schema of '%s': field '%s' has no "
				    "doc line",
				    owner, key);
	if ((f->flags & ALOPEX_CFG_REQUIRED) && f->default_value != NULL)
		return SCHEMA_ERROR("config schema of '%s': field '%s' is "
				    "required but has a default",
				    owner, key);
	if (isnan(f->min) || isnan(f->max))
		return SCHEMA_ERROR("config schema of '%s': field '%s' has a "
				    "NaN bound",
				    owner, key);
	if (f->type == ALOPEX_CFG_ENUM) {
		if (f->choices == NULL || f->choices[0] == NULL)
			return SCHEMA_ERROR("config schema of '%s': enum field "
					    "'%s' has no choices",
					    owner, key);
		for (size_t i = 0; f->choices[i] != NULL; i++) {
			if (f->choices[i][0] == '\0')
				return SCHEMA_ERROR("config schema of '%s': "
						    "enum field '%s' has an "
						    "empty choice",
						    owner, key);
			for (size_t j = 0; j < i; j++) {
				if (strcmp(f->choices[i], f->choices[j]) == 0)
					return SCHEMA_ERROR(
						"config schema of '%s': enum "
						"field '%s' repeats the "
						"choice '%s'",
						owner, key, f->choices[i]);
			}
		}
	}
	for (size_t j = 0; j < idx; j++) {
		const struct alopex_cfg_field *g = &schema->fields[j];
		size_t gsize = cfg_types[g->type].size;
		if (strcmp(g->key, key) == 0)
			return SCHEMA_ERROR("config schema of '%s': key '%s' "
					    "appears twice",
					    owner, key);
		if (f->offset < g->offset + gsize &&
		    g->offset < f->offset + t->size)
			return SCHEMA_ERROR("config schema of '%s': fields "
					    "'%s' and '%s' overlap in the "
					    "config struct",
					    owner, g->key, key);
	}
	return 0;
}

int alx_cfg_schema_check(const struct alopex_cfg_schema *schema,
			 const char *owner, alopex_diag *diag)
{
	void *config = NULL;
	int rc = 0;

	if (owner == NULL)
		owner = "?";
	if (schema == NULL)
		return 0; /* a plugin without settings */
	if (schema->size < sizeof(*schema))
		return alx_diag_set(diag, ALOPEX_EABI, NULL,
				    "config schema of '%s': size %u is smaller "
				    "than %zu",
				    owner, (unsigned)schema->size,
				    sizeof(*schema));
	if (schema->field_count > 0 && schema->fields == NULL)
		return SCHEMA_ERROR("config schema of '%s': %zu fields but no "
				    "field table",
				    owner, schema->field_count);
	for (size_t i = 0; i < schema->field_count; i++) {
		if ((rc = check_field(schema, i, owner, diag)) != 0)
			return rc;
	}
	/* Every default must convert and lie in its bounds, as in a file. */
	config = alx_cfg_calloc(NULL,
				schema->config_size ? schema->config_size : 1);
	if (config == NULL)
		return alx_diag_set(diag, ALOPEX_ENOMEM, NULL,
				    "config schema of '%s': out of memory",
				    owner);
	for (size_t i = 0; i < schema->field_count; i++) {
		const struct alopex_cfg_field *f = &schema->fields[i];
		if (f->default_value == NULL)
			continue;
		rc = apply_default(NULL, f, f->key, field_slot(config, f),
				   diag);
		if (rc != 0) {
			char msg[sizeof(diag->message)] = "";
			if (diag != NULL)
				snprintf(msg, sizeof(msg), "%s", diag->message);
			rc = alx_diag_set(diag, ALOPEX_EINVAL, NULL,
					  "config schema of '%s': bad default "
					  "for '%s': %s",
					  owner, f->key, msg);
			break;
		}
	}
	config_free(NULL, schema, config);
	return rc;
}

/* ---- describing --------------------------------------------------------- */

void alx_cfg_describe(const struct alopex_cfg_schema *schema,
		      const char *section, FILE *out)
{
	const char *name =
		section != NULL && section[0] != '\0' ? section : "(top level)";
	char buf[256];

	if (out == NULL)
		return;
	if (schema == NULL) {
		fprintf(out, "%s: no settings\n", name);
		return;
	}
	if (schema->doc != NULL)
		fprintf(out, "%s: %s\n", name, schema->doc);
	else
		fprintf(out, "%s:\n", name);
	for (size_t i = 0; i < schema->field_count; i++) {
		const struct alopex_cfg_field *f = &schema->fields[i];
		const struct cfg_type_info *t = type_info(f->type);
		unsigned fl = f->flags;

		fprintf(out, "  %s: %s\n", f->key, t ? t->name : "?");
		if (f->default_value == NULL)
			fprintf(out, "    default: none%s\n",
				fl & ALOPEX_CFG_REQUIRED ? " (required)" : "");
		else if (fl & ALOPEX_CFG_SECRET)
			fprintf(out, "    default: <secret>\n");
		else
			fprintf(out, "    default: %s\n", f->default_value);
		if (f->type == ALOPEX_CFG_ENUM) {
			join_choices(f->choices, buf, sizeof(buf));
			fprintf(out, "    choices: %s\n", buf);
		} else if (alx_cfg_has_bounds(f)) {
			alx_cfg_format_range(f, buf, sizeof(buf));
			fprintf(out, "    range: %s\n", buf);
		}
		if (fl & (ALOPEX_CFG_REQUIRED | ALOPEX_CFG_RELOADABLE |
			  ALOPEX_CFG_SECRET)) {
			int first = 1;
			fprintf(out, "    flags:");
			if (fl & ALOPEX_CFG_REQUIRED) {
				fprintf(out, " required");
				first = 0;
			}
			if (fl & ALOPEX_CFG_RELOADABLE) {
				fprintf(out, "%s reloadable", first ? "" : ",");
				first = 0;
			}
			if (fl & ALOPEX_CFG_SECRET)
				fprintf(out, "%s secret", first ? "" : ",");
			fprintf(out, "\n");
		}
		if (f->doc != NULL)
			fprintf(out, "    %s\n", f->doc);
	}
}
