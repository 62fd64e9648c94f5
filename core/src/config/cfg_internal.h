/*
 * Private to core/src/config: helpers shared by the tree (cfg_tree.c),
 * schema (cfg_schema.c) and whole-config (cfg_load.c) code.
 */
#ifndef ALX_CFG_INTERNAL_H
#define ALX_CFG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/alx_config.h"

/* Limits on what a config file may be; beyond them it is an error. */
#define ALX_CFG_MAX_BYTES ((size_t)1 << 20) /* 1 MiB */
#define ALX_CFG_MAX_DEPTH 64		    /* nested maps and lists */

/*
 * Allocation through the runtime; with rt == NULL, through libc. Only
 * alx_cfg_schema_check runs without a runtime: plugins are checked before
 * they are registered with one, and it frees all it allocates.
 */
void *alx_cfg_calloc(struct alx_runtime *rt, size_t size);
void *alx_cfg_realloc(struct alx_runtime *rt, void *ptr, size_t size);
void alx_cfg_mfree(struct alx_runtime *rt, void *ptr);
char *alx_cfg_strdup(struct alx_runtime *rt, const char *s);

/*
 * Parse one YAML value (a default from a schema). Unlike
 * alx_cfg_parse_string, an empty text is a null scalar, not an empty map.
 */
int alx_cfg_parse_value(struct alx_runtime *rt, const char *name,
			const char *text, size_t len, struct alx_cfg_doc **out,
			alopex_diag *diag);

/* A plain empty, "~" or "null" scalar: YAML's null. */
int alx_cfg_is_null(const struct alx_cfg_node *node);
/* "a map", "a list" or "a scalar", for messages. */
const char *alx_cfg_kind_name(const struct alx_cfg_node *node);

/*
 * Set diag to code and the formatted message, at node's file:line:col
 * (node may be NULL: no position). Returns code.
 */
int alx_cfg_error(alopex_diag *diag, int code, const struct alx_cfg_node *node,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Value syntax (cfg_value.c). Each parses the whole text or fails:
 * ALX_CFG_PARSE_BAD for text that is not of the type, _OVERFLOW for a value
 * too large for it. Sizes: bytes, or a whole number with a 1024-based unit
 * (K/KB/KiB, M.., G.., T..; any case). Durations: milliseconds, or a whole
 * number with ms, s, m (minutes) or h. Doubles: plain decimal, finite.
 */
enum {
	ALX_CFG_PARSE_OK = 0,
	ALX_CFG_PARSE_BAD = 1,
	ALX_CFG_PARSE_OVERFLOW = 2,
};
int alx_cfg_parse_int(const char *s, int64_t *out);
int alx_cfg_parse_size(const char *s, uint64_t *out);
int alx_cfg_parse_duration(const char *s, uint64_t *out);
int alx_cfg_parse_double(const char *s, double *out);
int alx_cfg_parse_bool(const char *s, bool *out);

/* Does f have bounds (a numeric type with min <= max)? */
int alx_cfg_has_bounds(const struct alopex_cfg_field *f);
/* f's bounds in its unit: "between 1MB and 1TB", "at least 1s". */
void alx_cfg_format_range(const struct alopex_cfg_field *f, char *buf,
			  size_t size);

#endif
