/*
 * WITH (...) options of a vector index, checked against the plugin's
 * schema (build_options or query_options) and written into its struct.
 */
#include "vector/vec_index.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/alx_diag.h"

static int set_value(const struct alopex_cfg_field *f, const char *v, void *out,
		     alopex_diag *diag)
{
	uint8_t *dst = (uint8_t *)out + f->offset;
	char *end;
	bool bounded = f->min <= f->max;
	switch (f->type) {
	case ALOPEX_CFG_INT: {
		errno = 0;
		long long x = strtoll(v, &end, 10);
		if (errno != 0 || end == v || *end != '\0')
			return alx_diag_set(diag, ALOPEX_EINVAL, "22023",
					    "invalid value for parameter "
					    "\"%s\": \"%s\"",
					    f->key, v);
		if (bounded && ((double)x < f->min || (double)x > f->max))
			return alx_diag_set(diag, ALOPEX_EINVAL, "22023",
					    "value %s out of bounds for option "
					    "\"%s\" (valid range %.0f to %.0f)",
					    v, f->key, f->min, f->max);
		int64_t y = x;
		memcpy(dst, &y, sizeof(y));
		return 0;
	}
	case ALOPEX_CFG_DOUBLE: {
		errno = 0;
		double x = strtod(v, &end);
		if (errno != 0 || end == v || *end != '\0' || !isfinite(x))
			return alx_diag_set(diag, ALOPEX_EINVAL, "22023",
					    "invalid value for parameter "
					    "\"%s\": \"%s\"",
					    f->key, v);
		if (bounded && (x < f->min || x > f->max))
			return alx_diag_set(diag, ALOPEX_EINVAL, "22023",
					    "value %s out of bounds for option "
					    "\"%s\" (valid range %g to %g)",
					    v, f->key, f->min, f->max);
		memcpy(dst, &x, sizeof(x));
		return 0;
	}
	case ALOPEX_CFG_BOOL: {
		bool b;
		if (strcasecmp(v, "true") == 0 || strcasecmp(v, "on") == 0 ||
		    strcasecmp(v, "yes") == 0 || strcmp(v, "1") == 0)
			b = true;
		else if (strcasecmp(v, "false") == 0 ||
			 strcasecmp(v, "off") == 0 ||
			 strcasecmp(v, "no") == 0 || strcmp(v, "0") == 0)
			b = false;
		else
			return alx_diag_set(diag, ALOPEX_EINVAL, "22023",
					    "invalid value for boolean option "
					    "\"%s\": %s",
					    f->key, v);
		memcpy(dst, &b, sizeof(b));
		return 0;
	}
	case ALOPEX_CFG_ENUM:
		for (int i = 0; f->choices != NULL && f->choices[i] != NULL;
		     i++)
			if (strcasecmp(v, f->choices[i]) == 0) {
				memcpy(dst, &i, sizeof(i));
				return 0;
			}
		return alx_diag_set(diag, ALOPEX_EINVAL, "22023",
				    "invalid value for option \"%s\": \"%s\"",
				    f->key, v);
	default:
		return alx_diag_set(diag, ALOPEX_ENOTSUP, NULL,
				    "option \"%s\": type %d is not supported "
				    "for index options",
				    f->key, f->type);
	}
}

static const struct alopex_cfg_field *find_field(
	const struct alopex_cfg_schema *s, const char *key, size_t len)
{
	for (size_t i = 0; i < s->field_count; i++)
		if (strlen(s->fields[i].key) == len &&
		    strncasecmp(s->fields[i].key, key, len) == 0)
			return &s->fields[i];
	return NULL;
}

/* [p, e) without surrounding blanks and one pair of quotes. */
static void trim(const char **p, const char **e)
{
	while (*p < *e && isspace((unsigned char)**p))
		(*p)++;
	while (*e > *p && isspace((unsigned char)(*e)[-1]))
		(*e)--;
	if (*e - *p >= 2 && (**p == '\'' || **p == '"') && (*e)[-1] == **p) {
		(*p)++;
		(*e)--;
	}
}

int alx_vindex_options_parse(const struct alopex_cfg_schema *schema,
			     const char *text, size_t len, void *out,
			     alopex_diag *diag)
{
	if (schema == NULL)
		return text == NULL || len == 0
			       ? 0
			       : alx_diag_set(diag, ALOPEX_EINVAL, "22023",
					      "this index takes no options");
	memset(out, 0, schema->config_size);
	char val[64];
	int rc;
	for (size_t i = 0; i < schema->field_count; i++) {
		const struct alopex_cfg_field *f = &schema->fields[i];
		if (f->default_value != NULL &&
		    (rc = set_value(f, f->default_value, out, diag)) != 0)
			return rc;
	}
	const char *p = text, *end = text != NULL ? text + len : NULL;
	while (p != NULL && p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *item_end = comma != NULL ? comma : end;
		const char *eq = memchr(p, '=', (size_t)(item_end - p));
		const char *k = p, *ke = eq != NULL ? eq : item_end;
		trim(&k, &ke);
		if (eq == NULL) {
			if (ke > k)
				return alx_diag_set(diag, ALOPEX_EINVAL,
						    "22023",
						    "option \"%.*s\" has no "
						    "value",
						    (int)(ke - k), k);
		} else {
			const struct alopex_cfg_field *f =
				find_field(schema, k, (size_t)(ke - k));
			if (f == NULL)
				return alx_diag_set(diag, ALOPEX_EINVAL,
						    "22023",
						    "unrecognized parameter "
						    "\"%.*s\"",
						    (int)(ke - k), k);
			const char *v = eq + 1, *ve = item_end;
			trim(&v, &ve);
			if ((size_t)(ve - v) >= sizeof(val))
				return alx_diag_set(diag, ALOPEX_EINVAL,
						    "22023",
						    "value for \"%s\" is too "
						    "long",
						    f->key);
			memcpy(val, v, (size_t)(ve - v));
			val[ve - v] = '\0';
			if ((rc = set_value(f, val, out, diag)) != 0)
				return rc;
		}
		p = comma != NULL ? comma + 1 : end;
	}
	return 0;
}

uint32_t alx_vindex_metric_of_opclass(const char *opclass)
{
	if (opclass == NULL || *opclass == '\0' ||
	    strcasecmp(opclass, "vector_l2_ops") == 0)
		return ALOPEX_METRIC_L2;
	if (strcasecmp(opclass, "vector_cosine_ops") == 0)
		return ALOPEX_METRIC_COSINE;
	if (strcasecmp(opclass, "vector_ip_ops") == 0)
		return ALOPEX_METRIC_IP;
	return 0;
}

uint32_t alx_vindex_metric_of_func(const char *name, const char *arg)
{
	if (name == NULL)
		return 0;
	if (strcmp(name, "l2_distance") == 0)
		return ALOPEX_METRIC_L2;
	if (strcmp(name, "cosine_distance") == 0)
		return ALOPEX_METRIC_COSINE;
	if (strcmp(name, "negative_inner_product") == 0)
		return ALOPEX_METRIC_IP;
	if (strcmp(name, "vector_distance") == 0 && arg != NULL) {
		if (strcasecmp(arg, "l2") == 0)
			return ALOPEX_METRIC_L2;
		if (strcasecmp(arg, "cosine") == 0)
			return ALOPEX_METRIC_COSINE;
		if (strcasecmp(arg, "inner") == 0)
			return ALOPEX_METRIC_IP;
	}
	return 0;
}
