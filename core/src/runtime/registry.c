/*
 * The plugin registry: validated descriptors with their origin ("static" or
 * the file they were loaded from) and, for shared objects, the dlopen
 * handle. Descriptors are checked field by field before anything trusts
 * them, in the order that keeps every read inside what the plugin declared:
 * size, then ABI major, then the rest of the 1.0 fields.
 *
 * Not synchronised: plugins are added while a database or server is set up,
 * before any thread looks them up.
 */
#include "alx_diag.h"
#include "alx_registry.h"
#include "alx_runtime.h"
#include "config/alx_config.h"
#include "runtime_internal.h"

#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

struct registry_entry {
	const struct alopex_plugin *plugin;
	char *origin;
	void *handle; /* dlopen handle, NULL for static plugins */
};

struct alx_registry {
	struct alx_runtime *rt;
	size_t count, cap;
	struct registry_entry *entries;
};

/* What every kind's ops table starts with. */
struct ops_header {
	uint32_t size;
	uint64_t caps;
};

#define NAME_MAX_LEN 63

static const struct {
	const char *name;
	const char *section;
} kinds[] = {
	[ALOPEX_PLUGIN_ENGINE] = {"engine", "engines"},
	[ALOPEX_PLUGIN_PROTOCOL] = {"protocol", "protocols"},
	[ALOPEX_PLUGIN_INDEX] = {"index", "indexes"},
	[ALOPEX_PLUGIN_REPLICATION] = {"replication", "replication"},
	[ALOPEX_PLUGIN_SHARDING] = {"sharding", "sharding"},
	[ALOPEX_PLUGIN_SCRIPT] = {"script", "scripts"},
};

static int kind_known(int kind)
{
	return kind >= 1 && kind <= ALOPEX_PLUGIN_KIND_MAX;
}

const char *alx_plugin_kind_name(int kind)
{
	return kind_known(kind) ? kinds[kind].name : NULL;
}

const char *alx_plugin_kind_section(int kind)
{
	return kind_known(kind) ? kinds[kind].section : NULL;
}

size_t alx_plugin_kind_ops_min_size(int kind)
{
	if (!kind_known(kind))
		return 0;
	/* ABI 1.0 ended before the appended ops (insert onwards); callers
	 * check ops->size before using those, so 1.0 engines still load. */
	if (kind == ALOPEX_PLUGIN_ENGINE)
		return offsetof(struct alopex_engine_ops, insert);
	/* Kinds without an ops struct yet: the common header only. */
	return sizeof(struct ops_header);
}

int alx_registry_create(struct alx_runtime *rt, struct alx_registry **out,
			alopex_diag *diag)
{
	struct alx_registry *reg = alx_calloc(rt, 1, sizeof(*reg));
	if (reg == NULL)
		return alx_diag_set(diag, ALOPEX_ENOMEM, NULL,
				    "plugin registry: out of memory");
	reg->rt = rt;
	*out = reg;
	return 0;
}

void alx_registry_destroy(struct alx_registry *reg)
{
	if (reg == NULL)
		return;
	struct alx_runtime *rt = reg->rt;
	/* Reverse order: a later plugin may use an earlier one. */
	for (size_t i = reg->count; i-- > 0;) {
		struct registry_entry *e = &reg->entries[i];
		if (e->handle != NULL)
			dlclose(e->handle);
		alx_free(rt, e->origin);
	}
	alx_free(rt, reg->entries);
	alx_free(rt, reg);
}

struct alx_runtime *alx_registry_runtime(const struct alx_registry *reg)
{
	return reg->rt;
}

static int name_valid(const char *name)
{
	size_t n = 0;
	for (; name[n] != '\0'; n++) {
		char c = name[n];
		if (n >= NAME_MAX_LEN)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return 0;
	}
	return n > 0;
}

static const struct registry_entry *find_name(const struct alx_registry *reg,
					      const char *name)
{
	for (size_t i = 0; i < reg->count; i++)
		if (strcmp(reg->entries[i].plugin->name, name) == 0)
			return &reg->entries[i];
	return NULL;
}

/*
 * Everything about a descriptor that does not depend on other plugins.
 * Messages start with the origin so that every rejection names the file.
 */
static int check_descriptor(const struct alopex_plugin *p, const char *origin,
			    alopex_diag *diag)
{
	const size_t need = sizeof(struct alopex_plugin);

	if (p == NULL)
		return alx_diag_set(diag, ALOPEX_EABI, NULL,
				    "%s: the plugin entry returned no "
				    "descriptor (NULL)",
				    origin);
	/* size and the ABI version sit first in every ABI; read those. */
	if (p->size < offsetof(struct alopex_plugin, kind))
		return alx_diag_set(diag, ALOPEX_EABI, NULL,
				    "%s: short plugin descriptor: size %u, "
				    "ABI %d.%d needs %zu bytes",
				    origin, (unsigned)p->size,
				    ALOPEX_PLUGIN_ABI_MAJOR,
				    ALOPEX_PLUGIN_ABI_MINOR, need);
	if (p->abi_major != ALOPEX_PLUGIN_ABI_MAJOR)
		return alx_diag_set(
			diag, ALOPEX_EABI, NULL,
			"%s: plugin ABI version %u.%u does not "
			"match this build's ABI version %d.%d "
			"(major versions must be equal)",
			origin, (unsigned)p->abi_major, (unsigned)p->abi_minor,
			ALOPEX_PLUGIN_ABI_MAJOR, ALOPEX_PLUGIN_ABI_MINOR);
	if (p->size < need)
		return alx_diag_set(diag, ALOPEX_EABI, NULL,
				    "%s: short plugin descriptor: size %u, "
				    "ABI %d.%d needs %zu bytes",
				    origin, (unsigned)p->size,
				    ALOPEX_PLUGIN_ABI_MAJOR,
				    ALOPEX_PLUGIN_ABI_MINOR, need);
	if (p->name == NULL)
		return alx_diag_set(diag, ALOPEX_EINVAL, NULL,
				    "%s: plugin has no name", origin);
	if (!name_valid(p->name))
		return alx_diag_set(diag, ALOPEX_EINVAL, NULL,
				    "%s: invalid plugin name '%.80s': names "
				    "are 1 to %d characters of [a-z0-9_]",
				    origin, p->name, NAME_MAX_LEN);
	if (!kind_known((int)p->kind))
		return alx_diag_set(diag, ALOPEX_EABI, NULL,
				    "%s: plugin '%s' has unknown kind %u "
				    "(this build knows 1 to %d: engine, "
				    "protocol, index, replication, sharding, "
				    "script)",
				    origin, p->name, (unsigned)p->kind,
				    ALOPEX_PLUGIN_KIND_MAX);
	if (p->init == NULL || p->fini == NULL || p->ops == NULL)
		return alx_diag_set(diag, ALOPEX_EINVAL, NULL,
				    "%s: plugin '%s' is missing%s%s%s", origin,
				    p->name, p->init == NULL ? " init" : "",
				    p->fini == NULL ? " fini" : "",
				    p->ops == NULL ? " ops" : "");
	uint32_t ops_size = *(const uint32_t *)p->ops;
	size_t ops_min = alx_plugin_kind_ops_min_size((int)p->kind);
	if (ops_size < ops_min)
		return alx_diag_set(diag, ALOPEX_EABI, NULL,
				    "%s: plugin '%s': %s ops table size %u is "
				    "smaller than the ABI %d.%d minimum of %zu "
				    "bytes",
				    origin, p->name,
				    alx_plugin_kind_name((int)p->kind),
				    (unsigned)ops_size, ALOPEX_PLUGIN_ABI_MAJOR,
				    ALOPEX_PLUGIN_ABI_MINOR, ops_min);
	if (p->config != NULL) {
		int rc = alx_cfg_schema_check(p->config, p->name, diag);
		if (rc != 0) {
			/* Its message names the plugin; add the file. */
			alx_diag_prefix(diag, "%s", origin);
			return rc;
		}
	}
	return 0;
}

int alx_registry_add_handle(struct alx_registry *reg,
			    const struct alopex_plugin *p, const char *origin,
			    void *handle, alopex_diag *diag)
{
	struct alx_runtime *rt = reg->rt;
	int rc;

	if (origin == NULL)
		origin = "(unknown origin)";
	if ((rc = check_descriptor(p, origin, diag)) != 0)
		return rc;
	const struct registry_entry *dup = find_name(reg, p->name);
	if (dup != NULL)
		return alx_diag_set(
			diag, ALOPEX_EEXIST, NULL,
			"%s: plugin name '%s' is already taken by "
			"the %s plugin from %s",
			origin, p->name,
			alx_plugin_kind_name((int)dup->plugin->kind),
			dup->origin);

	if (reg->count == reg->cap) {
		size_t cap = reg->cap ? reg->cap * 2 : 8;
		struct registry_entry *e = alx_realloc(
			rt, reg->entries, cap * sizeof(*reg->entries));
		if (e == NULL)
			return alx_diag_set(diag, ALOPEX_ENOMEM, NULL,
					    "%s: out of memory registering "
					    "plugin '%s'",
					    origin, p->name);
		reg->entries = e;
		reg->cap = cap;
	}
	char *copy = alx_strdup(rt, origin);
	if (copy == NULL)
		return alx_diag_set(diag, ALOPEX_ENOMEM, NULL,
				    "%s: out of memory registering plugin '%s'",
				    origin, p->name);
	reg->entries[reg->count++] = (struct registry_entry){
		.plugin = p,
		.origin = copy,
		.handle = handle,
	};
	return 0;
}

int alx_registry_add(struct alx_registry *reg, const struct alopex_plugin *p,
		     const char *origin, alopex_diag *diag)
{
	return alx_registry_add_handle(reg, p, origin, NULL, diag);
}

int alx_registry_add_static(struct alx_registry *reg, alopex_diag *diag)
{
	for (size_t i = 0; alx_static_plugin_entries[i] != NULL; i++) {
		int rc = alx_registry_add(reg, alx_static_plugin_entries[i](),
					  "static", diag);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* kind 0 matches any kind: names are unique across kinds. */
const struct alopex_plugin *alx_registry_find(const struct alx_registry *reg,
					      int kind, const char *name)
{
	if (reg == NULL || name == NULL)
		return NULL;
	const struct registry_entry *e = find_name(reg, name);
	if (e == NULL || (kind != 0 && (int)e->plugin->kind != kind))
		return NULL;
	return e->plugin;
}

const char *alx_registry_origin(const struct alx_registry *reg,
				const struct alopex_plugin *p)
{
	if (reg == NULL)
		return NULL;
	for (size_t i = 0; i < reg->count; i++)
		if (reg->entries[i].plugin == p)
			return reg->entries[i].origin;
	return NULL;
}

size_t alx_registry_count(const struct alx_registry *reg)
{
	return reg != NULL ? reg->count : 0;
}

const struct alopex_plugin *alx_registry_at(const struct alx_registry *reg,
					    size_t i)
{
	if (reg == NULL || i >= reg->count)
		return NULL;
	return reg->entries[i].plugin;
}
