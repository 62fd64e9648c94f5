/*
 * Configuration: libyaml events build one generic tree whose nodes remember
 * file:line:col; schemas (struct alopex_cfg_schema) validate subtrees into
 * plugin config structs. Validation is all-or-nothing: every problem is an
 * error with file:line:col and the valid keys, bounds or choices; nothing is
 * silently replaced.
 */
#ifndef ALX_CONFIG_H
#define ALX_CONFIG_H

#include <stdio.h>

#include "alopex.h"
#include "alopex_plugin.h"

struct alx_runtime;
struct alx_registry;

enum alx_cfg_node_kind {
	ALX_CFG_SCALAR = 1,
	ALX_CFG_MAP = 2,
	ALX_CFG_SEQ = 3,
};

struct alx_cfg_node {
	int kind;
	const char *file;	     /* shared by all nodes of a document */
	unsigned line, col;	     /* 1-based */
	char *scalar;		     /* SCALAR: the text (NUL-terminated) */
	int quoted;		     /* SCALAR: not plain ('', "", | or >) */
	size_t count;		     /* MAP: pairs; SEQ: items */
	struct alx_cfg_node **keys;  /* MAP: scalar key nodes */
	struct alx_cfg_node **items; /* MAP: values; SEQ: items */
};

struct alx_cfg_doc;

/*
 * Parse YAML (one document; an empty file is an empty map). Rejected with
 * file:line:col: syntax errors, aliases and anchors, non-scalar and
 * duplicate keys, more than one document, nesting deeper than 64, NUL
 * characters; files over 1 MiB.
 */
int alx_cfg_parse_file(struct alx_runtime *rt, const char *path,
		       struct alx_cfg_doc **out, alopex_diag *diag);
int alx_cfg_parse_string(struct alx_runtime *rt, const char *name,
			 const char *text, size_t len, struct alx_cfg_doc **out,
			 alopex_diag *diag);
void alx_cfg_doc_destroy(struct alx_cfg_doc *doc);
const struct alx_cfg_node *alx_cfg_doc_root(const struct alx_cfg_doc *doc);

/* MAP lookup; NULL when absent or when node is not a map. */
const struct alx_cfg_node *alx_cfg_map_get(const struct alx_cfg_node *map,
					   const char *key);

/*
 * Allocate a zeroed config struct of schema->config_size, fill every field
 * from `map` (may be NULL, or a YAML null: defaults only) or its default,
 * and validate. A field with neither value nor default stays zero (NULL
 * string, empty list). Value syntax: BOOL true/false, yes/no, on/off; INT
 * decimal with an optional sign; SIZE bytes or a whole number with a
 * 1024-based unit (K, KB, KiB = 1024; M, G, T likewise; any case);
 * DURATION milliseconds or a whole number with ms, s, m (minutes) or h;
 * DOUBLE plain decimal; STRING any scalar ('' for empty); ENUM one of the
 * choices exactly; STRLIST a YAML sequence of scalars (null: empty). SECRET
 * values never appear in messages.
 * `section` names the map for messages ("engines.wiredtiger"). Unknown keys,
 * wrong types, out-of-range values and missing required keys are errors at
 * the node's file:line:col naming the valid keys, bounds or choices.
 */
int alx_cfg_apply(struct alx_runtime *rt,
		  const struct alopex_cfg_schema *schema,
		  const struct alx_cfg_node *map, const char *section,
		  void **config_out, alopex_diag *diag);
/* Free a struct made by alx_cfg_apply (its strings and lists). NULL-safe. */
void alx_cfg_free(struct alx_runtime *rt,
		  const struct alopex_cfg_schema *schema, void *config);
/*
 * Check a schema itself, for the registry: keys [a-z0-9_]+ and unique,
 * known types, fields inside config_size, aligned and not overlapping, a
 * doc line each, ENUM choices present and unique, REQUIRED fields without a
 * default, every default converts and lies in its bounds. ALOPEX_EINVAL
 * (ALOPEX_EABI for a short struct). Needs no runtime: it allocates (and
 * frees) through libc.
 */
int alx_cfg_schema_check(const struct alopex_cfg_schema *schema,
			 const char *owner, alopex_diag *diag);
/*
 * Print a schema: a header line "section: doc", then per field
 * "  key: type" and indented lines "default:", "range:" or "choices:",
 * "flags:" (when any) and the doc line. SECRET defaults print as <secret>.
 */
void alx_cfg_describe(const struct alopex_cfg_schema *schema,
		      const char *section, FILE *out);

/*
 * The whole configuration of a database or server. Top-level keys of
 * alopex.yaml:
 *   log_level: error|warn|info|debug
 *   plugin_dirs: [dir, ...]     directories shared plugins load from
 *   load: [alopex-x.so, ...]    shared plugins to load (file names)
 *   engine: wiredtiger          the storage engine plugin
 *   engines:   { <name>: {...} }   per-plugin sections by kind, each
 *   protocols: { <name>: {...} }   validated by that plugin's schema
 *   indexes, replication, sharding, scripts: likewise
 */
struct alx_core_config {
	int log_level; /* enum alopex_log_level */
	struct alopex_strlist plugin_dirs;
	struct alopex_strlist load;
	char *engine;
};
extern const struct alopex_cfg_schema alx_core_config_schema;

struct alx_plugin_config {
	const struct alopex_plugin *plugin;
	void *config; /* alx_cfg_apply result, NULL when no schema */
};

struct alx_config {
	struct alx_runtime *rt;
	struct alx_core_config *core;
	size_t plugin_count;
	struct alx_plugin_config
		*plugins; /* one per plugin configured or used */
	char *path; /* file it came from, or NULL for the embedded default */
};

/*
 * Load a configuration: parse `path` (NULL: the embedded default text),
 * validate the core keys, load the shared plugins listed in `load` into the
 * runtime's registry from plugin_dirs, make sure the selected engine is
 * registered (loading alopex-<engine>.so from plugin_dirs when it is not),
 * then validate every plugin section; the selected engine gets its
 * defaults when it has no section. cfg->plugins holds one entry per plugin
 * named in a section, plus the engine.
 * All-or-nothing: on error nothing is returned. Shared plugins loaded on
 * the way stay registered (the registry cannot unload them); a plugin file
 * already loaded into the runtime is not loaded again.
 */
int alx_config_load(struct alx_runtime *rt, const char *path,
		    struct alx_config **out, alopex_diag *diag);
void alx_config_destroy(struct alx_config *cfg);
/*
 * Take a plugin's validated config struct out of cfg (ownership moves to the
 * caller, e.g. to alx_plugin_instance_create; free with alx_cfg_free); when
 * the plugin had no section, or its struct was taken before, a struct of
 * its defaults is made. *out is NULL for plugins without a schema.
 */
int alx_config_take_plugin(struct alx_config *cfg,
			   const struct alopex_plugin *p, void **out,
			   alopex_diag *diag);

/*
 * The embedded default configuration: the bytes of config/alopex.yaml,
 * generated at build time (core/CMakeLists.txt, cfg_embed.cmake).
 */
extern const char alx_default_config_yaml[];

#endif
