/*
 * A whole configuration: the core keys of alopex.yaml, the shared plugins
 * it loads, the engine it selects and one validated struct per configured
 * plugin. Built completely or not at all; nothing is returned on error.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config/alx_config.h"
#include "config/cfg_internal.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_registry.h"
#include "runtime/alx_runtime.h"

/* A compile definition of the core target: where `make install` puts
 * shared plugins. */
#ifndef ALOPEX_PLUGIN_INSTALL_DIR
#error "ALOPEX_PLUGIN_INSTALL_DIR must be defined by the build"
#endif

/* The file name errors in the embedded default are reported against. */
#define DEFAULT_CONFIG_NAME "<default config>"

/* In enum alopex_log_level order: the index is the level. */
static const char *const log_level_choices[] = {"error", "warn", "info",
						"debug", NULL};

static const struct alopex_cfg_field core_fields[] = {
	{"log_level", ALOPEX_CFG_ENUM,
	 offsetof(struct alx_core_config, log_level), "info", 1, 0,
	 log_level_choices, ALOPEX_CFG_RELOADABLE,
	 "Least severe messages logged: error, warn, info or debug."},
	{"plugin_dirs", ALOPEX_CFG_STRLIST,
	 offsetof(struct alx_core_config, plugin_dirs),
	 "['" ALOPEX_PLUGIN_INSTALL_DIR "']", 1, 0, NULL, 0,
	 "Directories shared plugins are loaded from, searched in order."},
	{"load", ALOPEX_CFG_STRLIST, offsetof(struct alx_core_config, load),
	 "[]", 1, 0, NULL, 0,
	 "Shared plugin files (alopex-<name>.so) to load from plugin_dirs."},
	{"engine", ALOPEX_CFG_STRING, offsetof(struct alx_core_config, engine),
	 "wiredtiger", 1, 0, NULL, 0,
	 "The storage engine plugin; alopex-<engine>.so is loaded from "
	 "plugin_dirs when it is not built in."},
};

const struct alopex_cfg_schema alx_core_config_schema = {
	.size = sizeof(struct alopex_cfg_schema),
	.config_size = sizeof(struct alx_core_config),
	.field_count = sizeof(core_fields) / sizeof(core_fields[0]),
	.fields = core_fields,
	.doc = "Top level of alopex.yaml: logging, plugins and the engine.",
};

/* ---- helpers ------------------------------------------------------------ */

static int is_core_key(const char *key)
{
	for (size_t i = 0; i < alx_core_config_schema.field_count; i++) {
		if (strcmp(core_fields[i].key, key) == 0)
			return 1;
	}
	return 0;
}

/* The plugin kind whose section is `key`, or 0. */
static int section_kind(const char *key)
{
	for (int kind = 1; kind <= ALOPEX_PLUGIN_KIND_MAX; kind++) {
		const char *section = alx_plugin_kind_section(kind);
		if (section != NULL && strcmp(section, key) == 0)
			return kind;
	}
	return 0;
}

/* "engines", or "replication plugins" where the section is no plural. */
static void kind_plural(int kind, char *buf, size_t size)
{
	const char *name = alx_plugin_kind_name(kind);
	const char *section = alx_plugin_kind_section(kind);
	if (name == NULL || section == NULL)
		snprintf(buf, size, "plugins");
	else if (strcmp(name, section) == 0)
		snprintf(buf, size, "%s plugins", name);
	else
		snprintf(buf, size, "%s", section);
}

static void append(char *buf, size_t size, size_t *used, const char *s)
{
	int n;
	if (*used >= size)
		return;
	n = snprintf(buf + *used, size - *used, "%s%s", *used ? ", " : "", s);
	if (n > 0)
		*used += (size_t)n;
}

/* Names of the registered plugins of `kind`: "a, b" or "(none)". */
static void known_plugins(struct alx_registry *reg, int kind, char *buf,
			  size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < alx_registry_count(reg); i++) {
		const struct alopex_plugin *p = alx_registry_at(reg, i);
		if ((int)p->kind == kind)
			append(buf, size, &used, p->name);
	}
	if (used == 0)
		snprintf(buf, size, "(none)");
}

static int valid_plugin_name(const char *name)
{
	if (name == NULL || name[0] == '\0')
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") ==
	       strlen(name);
}

/* Was a plugin already loaded from a file of this name (any directory)? */
static int loaded_from(struct alx_registry *reg, const char *file)
{
	for (size_t i = 0; i < alx_registry_count(reg); i++) {
		const char *origin =
			alx_registry_origin(reg, alx_registry_at(reg, i));
		const char *base = origin ? strrchr(origin, '/') : NULL;
		if (base != NULL && strcmp(base + 1, file) == 0)
			return 1;
	}
	return 0;
}

/* Move an error from the registry to node's position, keeping its text. */
static int at_node(alopex_diag *diag, int rc, const struct alx_cfg_node *node)
{
	char msg[sizeof(diag->message)];
	if (diag == NULL || node == NULL)
		return rc;
	snprintf(msg, sizeof(msg), "%s", diag->message);
	return alx_cfg_error(diag, rc, node, "%s", msg);
}

static int load_plugin(struct alx_config *cfg, const char *file,
		       alopex_diag *diag)
{
	struct alx_registry *reg = alx_runtime_registry(cfg->rt);
	const struct alopex_strlist *dirs = &cfg->core->plugin_dirs;

	/* Loading twice would be a duplicate name: a runtime that loaded
	 * this config before already has the plugin. */
	if (loaded_from(reg, file))
		return 0;
	return alx_registry_load(reg, (const char *const *)dirs->items,
				 dirs->count, file, diag);
}

static int add_plugin_config(struct alx_config *cfg,
			     const struct alopex_plugin *p, void *config,
			     alopex_diag *diag)
{
	struct alx_plugin_config *pc =
		alx_realloc(cfg->rt, cfg->plugins,
			    (cfg->plugin_count + 1) * sizeof(*cfg->plugins));
	if (pc == NULL) {
		alx_cfg_free(cfg->rt, p->config, config);
		return alx_diag_set(diag, ALOPEX_ENOMEM, NULL,
				    "out of memory loading the config");
	}
	cfg->plugins = pc;
	pc[cfg->plugin_count].plugin = p;
	pc[cfg->plugin_count].config = config;
	cfg->plugin_count++;
	return 0;
}

static struct alx_plugin_config *find_plugin_config(
	struct alx_config *cfg, const struct alopex_plugin *p)
{
	for (size_t i = 0; i < cfg->plugin_count; i++) {
		if (cfg->plugins[i].plugin == p)
			return &cfg->plugins[i];
	}
	return NULL;
}

/* ---- the steps of a load ------------------------------------------------ */

/* Top-level keys: the core's and the plugin sections, nothing else. */
static int check_top_level(const struct alx_cfg_node *root, alopex_diag *diag)
{
	char list[400];
	size_t used = 0;

	if (root->kind != ALX_CFG_MAP)
		return alx_cfg_error(diag, ALOPEX_ECONFIG, root,
				     "expected a map of settings at the top "
				     "level, found %s",
				     alx_cfg_kind_name(root));
	for (size_t i = 0; i < root->count; i++) {
		const char *key = root->keys[i]->scalar;
		if (is_core_key(key) || section_kind(key) != 0)
			continue;
		list[0] = '\0';
		for (size_t f = 0; f < alx_core_config_schema.field_count; f++)
			append(list, sizeof(list), &used, core_fields[f].key);
		for (int kind = 1; kind <= ALOPEX_PLUGIN_KIND_MAX; kind++) {
			const char *section = alx_plugin_kind_section(kind);
			if (section != NULL)
				append(list, sizeof(list), &used, section);
		}
		return alx_cfg_error(diag, ALOPEX_ECONFIG, root->keys[i],
				     "unknown key '%.64s' at the top level; "
				     "valid keys: %s",
				     key, list);
	}
	return 0;
}

/* The core schema sees only the core keys of the top-level map. */
static int apply_core(struct alx_config *cfg, const struct alx_cfg_node *root,
		      alopex_diag *diag)
{
	struct alx_cfg_node core = *root;
	void *config = NULL;
	int rc;

	core.count = 0;
	core.keys = NULL;
	core.items = NULL;
	if (root->count > 0) {
		core.keys =
			alx_calloc(cfg->rt, root->count, sizeof(*core.keys));
		core.items =
			alx_calloc(cfg->rt, root->count, sizeof(*core.items));
		if (core.keys == NULL || core.items == NULL) {
			rc = alx_diag_set(diag, ALOPEX_ENOMEM, NULL,
					  "out of memory loading the config");
			goto done;
		}
	}
	for (size_t i = 0; i < root->count; i++) {
		if (!is_core_key(root->keys[i]->scalar))
			continue;
		core.keys[core.count] = root->keys[i];
		core.items[core.count] = root->items[i];
		core.count++;
	}
	rc = alx_cfg_apply(cfg->rt, &alx_core_config_schema, &core, NULL,
			   &config, diag);
	if (rc == 0)
		cfg->core = config;
done:
	alx_free(cfg->rt, core.keys);
	alx_free(cfg->rt, core.items);
	return rc;
}

/* Each file of `load`, errors at its item in the list. */
static int load_listed(struct alx_config *cfg, const struct alx_cfg_node *root,
		       alopex_diag *diag)
{
	const struct alx_cfg_node *list = alx_cfg_map_get(root, "load");

	for (size_t i = 0; i < cfg->core->load.count; i++) {
		const struct alx_cfg_node *item = NULL;
		int rc;
		if (list != NULL && list->kind == ALX_CFG_SEQ &&
		    i < list->count)
			item = list->items[i];
		rc = load_plugin(cfg, cfg->core->load.items[i], diag);
		if (rc != 0)
			return at_node(diag, rc, item);
	}
	return 0;
}

/* The selected engine, loaded as alopex-<engine>.so when not built in. */
static int select_engine(struct alx_config *cfg,
			 const struct alx_cfg_node *root,
			 const struct alopex_plugin **out, alopex_diag *diag)
{
	struct alx_registry *reg = alx_runtime_registry(cfg->rt);
	const struct alx_cfg_node *node = alx_cfg_map_get(root, "engine");
	const char *name = cfg->core->engine;
	const struct alopex_plugin *p;
	char known[300], file[96];
	int rc;

	if (!valid_plugin_name(name) || strlen(name) > 63)
		return alx_cfg_error(diag, ALOPEX_ECONFIG, node,
				     "engine: invalid plugin name '%.64s' (use "
				     "[a-z0-9_]+)",
				     name);
	p = alx_registry_find(reg, ALOPEX_PLUGIN_ENGINE, name);
	/* A plugin of another kind by that name: no file will help. */
	if (p == NULL && cfg->core->plugin_dirs.count > 0 &&
	    alx_registry_find(reg, 0, name) == NULL) {
		snprintf(file, sizeof(file), "alopex-%s.so", name);
		rc = load_plugin(cfg, file, diag);
		if (rc != 0 && rc != ALOPEX_ENOTFOUND)
			return at_node(diag, rc, node);
		p = alx_registry_find(reg, ALOPEX_PLUGIN_ENGINE, name);
	}
	if (p == NULL) {
		known_plugins(reg, ALOPEX_PLUGIN_ENGINE, known, sizeof(known));
		if (node != NULL)
			return alx_cfg_error(diag, ALOPEX_ECONFIG, node,
					     "unknown engine '%s'; known "
					     "engines: %s",
					     name, known);
		return alx_cfg_error(diag, ALOPEX_ECONFIG, NULL,
				     "%s: unknown engine '%s' (the default; "
				     "set 'engine'); known engines: %s",
				     root->file, name, known);
	}
	*out = p;
	return 0;
}

/* Every child of every plugin section, against its plugin's schema. */
static int apply_sections(struct alx_config *cfg,
			  const struct alx_cfg_node *root, alopex_diag *diag)
{
	struct alx_registry *reg = alx_runtime_registry(cfg->rt);
	char path[200], known[300], plural[64];
	int rc;

	for (size_t s = 0; s < root->count; s++) {
		const char *section = root->keys[s]->scalar;
		const struct alx_cfg_node *map = root->items[s];
		int kind = section_kind(section);

		if (kind == 0 || alx_cfg_is_null(map))
			continue; /* core key, or "section:" with nothing */
		if (map->kind != ALX_CFG_MAP)
			return alx_cfg_error(diag, ALOPEX_ECONFIG, map,
					     "%s: expected a map of plugin "
					     "names, found %s",
					     section, alx_cfg_kind_name(map));
		for (size_t i = 0; i < map->count; i++) {
			const char *name = map->keys[i]->scalar;
			const struct alopex_plugin *p =
				alx_registry_find(reg, kind, name);
			void *config = NULL;

			if (p == NULL) {
				known_plugins(reg, kind, known, sizeof(known));
				kind_plural(kind, plural, sizeof(plural));
				return alx_cfg_error(
					diag, ALOPEX_ECONFIG, map->keys[i],
					"unknown %s '%.64s' in %s; known %s: "
					"%s",
					alx_plugin_kind_name(kind), name,
					section, plural, known);
			}
			snprintf(path, sizeof(path), "%s.%s", section, name);
			if (p->config == NULL) {
				/* Listed, so used, but nothing to set. */
				if (alx_cfg_is_null(map->items[i]) ||
				    (map->items[i]->kind == ALX_CFG_MAP &&
				     map->items[i]->count == 0)) {
					rc = add_plugin_config(cfg, p, NULL,
							       diag);
					if (rc != 0)
						return rc;
					continue;
				}
				return alx_cfg_error(
					diag, ALOPEX_ECONFIG, map->items[i],
					"%s: the %s plugin '%s' has no "
					"settings",
					path, alx_plugin_kind_name(kind), name);
			}
			rc = alx_cfg_apply(cfg->rt, p->config, map->items[i],
					   path, &config, diag);
			if (rc == 0)
				rc = add_plugin_config(cfg, p, config, diag);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* The engine gets its defaults when it has no section. */
static int engine_defaults(struct alx_config *cfg,
			   const struct alopex_plugin *p, alopex_diag *diag)
{
	char path[200];
	void *config = NULL;
	int rc;

	if (find_plugin_config(cfg, p) != NULL)
		return 0;
	if (p->config != NULL) {
		snprintf(path, sizeof(path), "engines.%s", p->name);
		rc = alx_cfg_apply(cfg->rt, p->config, NULL, path, &config,
				   diag);
		if (rc != 0)
			return rc;
	}
	return add_plugin_config(cfg, p, config, diag);
}

int alx_config_load(struct alx_runtime *rt, const char *path,
		    struct alx_config **out, alopex_diag *diag)
{
	struct alx_cfg_doc *doc = NULL;
	struct alx_config *cfg = NULL;
	const struct alx_cfg_node *root;
	const struct alopex_plugin *engine = NULL;
	int rc;

	if (rt == NULL || out == NULL)
		return alx_diag_set(diag, ALOPEX_EINVAL, NULL,
				    "alx_config_load: no runtime or result");
	if (path != NULL)
		rc = alx_cfg_parse_file(rt, path, &doc, diag);
	else
		rc = alx_cfg_parse_string(
			rt, DEFAULT_CONFIG_NAME, alx_default_config_yaml,
			strlen(alx_default_config_yaml), &doc, diag);
	if (rc != 0)
		return rc;
	root = alx_cfg_doc_root(doc);
	cfg = alx_calloc(rt, 1, sizeof(*cfg));
	if (cfg != NULL)
		cfg->rt = rt;
	if (cfg == NULL ||
	    (path != NULL && (cfg->path = alx_strdup(rt, path)) == NULL)) {
		rc = alx_diag_set(diag, ALOPEX_ENOMEM, NULL,
				  "out of memory loading the config");
		goto fail;
	}
	if ((rc = check_top_level(root, diag)) != 0 ||
	    (rc = apply_core(cfg, root, diag)) != 0 ||
	    (rc = load_listed(cfg, root, diag)) != 0 ||
	    (rc = select_engine(cfg, root, &engine, diag)) != 0 ||
	    (rc = apply_sections(cfg, root, diag)) != 0 ||
	    (rc = engine_defaults(cfg, engine, diag)) != 0)
		goto fail;
	alx_cfg_doc_destroy(doc);
	*out = cfg;
	return 0;
fail:
	alx_cfg_doc_destroy(doc);
	alx_config_destroy(cfg);
	return rc;
}

void alx_config_destroy(struct alx_config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->plugin_count; i++)
		alx_cfg_free(cfg->rt, cfg->plugins[i].plugin->config,
			     cfg->plugins[i].config);
	alx_free(cfg->rt, cfg->plugins);
	alx_cfg_free(cfg->rt, &alx_core_config_schema, cfg->core);
	alx_free(cfg->rt, cfg->path);
	alx_free(cfg->rt, cfg);
}

int alx_config_take_plugin(struct alx_config *cfg,
			   const struct alopex_plugin *p, void **out,
			   alopex_diag *diag)
{
	struct alx_plugin_config *pc;
	char path[200];
	void *config = NULL;
	int rc;

	if (cfg == NULL || p == NULL || out == NULL)
		return alx_diag_set(diag, ALOPEX_EINVAL, NULL,
				    "alx_config_take_plugin: missing argument");
	pc = find_plugin_config(cfg, p);
	if (pc != NULL && pc->config != NULL) {
		*out = pc->config;
		pc->config = NULL;
		return 0;
	}
	if (p->config == NULL) {
		*out = NULL;
		return 0;
	}
	/* No section (or taken before): a struct of its defaults. */
	snprintf(path, sizeof(path), "%s.%s",
		 alx_plugin_kind_section((int)p->kind)
			 ? alx_plugin_kind_section((int)p->kind)
			 : "plugins",
		 p->name);
	rc = alx_cfg_apply(cfg->rt, p->config, NULL, path, &config, diag);
	if (rc != 0)
		return rc;
	*out = config;
	return 0;
}
