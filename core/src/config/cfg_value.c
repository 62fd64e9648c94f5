/*
 * Value syntax: the text of scalars as numbers, sizes, durations and
 * booleans, and bounds as a reader wants them ("between 1MB and 1TB").
 * Strict: the whole text must match, nothing is rounded or clamped.
 */
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/cfg_internal.h"

/* ---- scalar syntax ------------------------------------------------------ */

/* Decimal digits at *s (at least one); advances *s. */
static int parse_digits(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;
	int overflow = 0;

	if (*p < '0' || *p > '9')
		return ALX_CFG_PARSE_BAD;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			overflow = 1;
		else
			v = v * 10 + d;
	}
	*s = p;
	*out = v;
	return overflow ? ALX_CFG_PARSE_OVERFLOW : ALX_CFG_PARSE_OK;
}

int alx_cfg_parse_int(const char *s, int64_t *out)
{
	int neg = 0, rc;
	uint64_t v;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if ((rc = parse_digits(&s, &v)) == ALX_CFG_PARSE_BAD || *s != '\0')
		return ALX_CFG_PARSE_BAD;
	if (rc == ALX_CFG_PARSE_OVERFLOW || v > (uint64_t)INT64_MAX + neg)
		return ALX_CFG_PARSE_OVERFLOW;
	/* -(INT64_MAX + 1) without overflowing a signed type. */
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return ALX_CFG_PARSE_OK;
}

struct cfg_unit {
	const char *name;
	uint64_t factor;
};

/* Sizes: 1024-based, case-insensitive; K, KB and KiB all mean 1024. */
static const struct cfg_unit size_units[] = {
	{"", 1},
	{"b", 1},
	{"k", 1ull << 10},
	{"kb", 1ull << 10},
	{"kib", 1ull << 10},
	{"m", 1ull << 20},
	{"mb", 1ull << 20},
	{"mib", 1ull << 20},
	{"g", 1ull << 30},
	{"gb", 1ull << 30},
	{"gib", 1ull << 30},
	{"t", 1ull << 40},
	{"tb", 1ull << 40},
	{"tib", 1ull << 40},
	{NULL, 0},
};

/* Durations in milliseconds; "m" is minutes. */
static const struct cfg_unit duration_units[] = {
	{"", 1},      {"ms", 1},      {"s", 1000},
	{"m", 60000}, {"h", 3600000}, {NULL, 0},
};

static int parse_with_unit(const char *s, const struct cfg_unit *units,
			   int nocase, uint64_t *out)
{
	uint64_t v;
	int rc = parse_digits(&s, &v);

	if (rc == ALX_CFG_PARSE_BAD)
		return ALX_CFG_PARSE_BAD;
	while (*s == ' ')
		s++;
	for (const struct cfg_unit *u = units; u->name != NULL; u++) {
		if ((nocase ? strcasecmp(s, u->name) : strcmp(s, u->name)) != 0)
			continue;
		if (rc == ALX_CFG_PARSE_OVERFLOW || v > UINT64_MAX / u->factor)
			return ALX_CFG_PARSE_OVERFLOW;
		*out = v * u->factor;
		return ALX_CFG_PARSE_OK;
	}
	return ALX_CFG_PARSE_BAD;
}

int alx_cfg_parse_double(const char *s, double *out)
{
	char *end = NULL;
	locale_t c;
	double v;

	/* Plain decimal only: no hex floats, inf or nan from strtod. */
	if (s[0] == '\0' || strspn(s, "0123456789+-.eE") != strlen(s))
		return ALX_CFG_PARSE_BAD;
	/* The C locale, whatever the embedding program set: '.' decimals. */
	c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (c == (locale_t)0)
		return ALX_CFG_PARSE_BAD;
	v = strtod_l(s, &end, c);
	freelocale(c);
	if (end == s || *end != '\0')
		return ALX_CFG_PARSE_BAD;
	if (!isfinite(v))
		return ALX_CFG_PARSE_OVERFLOW;
	*out = v;
	return ALX_CFG_PARSE_OK;
}

int alx_cfg_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", NULL};
	static const char *const no[] = {"false", "no", "off", NULL};
	for (size_t i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return ALX_CFG_PARSE_OK;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return ALX_CFG_PARSE_OK;
		}
	}
	return ALX_CFG_PARSE_BAD;
}

/* ---- bounds ------------------------------------------------------------- */

/* Largest unit that divides v exactly: "64MB", "2s"; v otherwise. */
static void format_in_units(char *buf, size_t size, double v,
			    const struct cfg_unit *units, const char *base)
{
	const struct cfg_unit *best = NULL;
	uint64_t u;

	if (!(v >= 0 && v < 18446744073709551616.0) || v != floor(v)) {
		snprintf(buf, size, "%g%s", v, base);
		return;
	}
	u = (uint64_t)v;
	for (const struct cfg_unit *x = units; x->name != NULL; x++) {
		if (x->name[0] != '\0' && u != 0 && u % x->factor == 0 &&
		    (best == NULL || x->factor > best->factor))
			best = x;
	}
	if (best == NULL || best->factor == 1)
		snprintf(buf, size, "%llu%s", (unsigned long long)u, base);
	else
		snprintf(buf, size, "%llu%s",
			 (unsigned long long)(u / best->factor), best->name);
}

/* Unit names to print: upper-case sizes read better ("64MB"). */
static const struct cfg_unit size_units_shown[] = {
	{"KB", 1ull << 10}, {"MB", 1ull << 20}, {"GB", 1ull << 30},
	{"TB", 1ull << 40}, {NULL, 0},
};
static const struct cfg_unit duration_units_shown[] = {
	{"s", 1000},
	{"m", 60000},
	{"h", 3600000},
	{NULL, 0},
};

static void format_bound(const struct alopex_cfg_field *f, double v, char *buf,
			 size_t size)
{
	switch (f->type) {
	case ALOPEX_CFG_SIZE:
		format_in_units(buf, size, v, size_units_shown, "");
		break;
	case ALOPEX_CFG_DURATION:
		format_in_units(buf, size, v, duration_units_shown, "ms");
		break;
	case ALOPEX_CFG_INT:
		if (v == floor(v) && fabs(v) < 1e18)
			snprintf(buf, size, "%lld", (long long)v);
		else
			snprintf(buf, size, "%g", v);
		break;
	default:
		snprintf(buf, size, "%g", v);
	}
}

int alx_cfg_has_bounds(const struct alopex_cfg_field *f)
{
	return (f->type == ALOPEX_CFG_INT || f->type == ALOPEX_CFG_SIZE ||
		f->type == ALOPEX_CFG_DURATION ||
		f->type == ALOPEX_CFG_DOUBLE) &&
	       f->min <= f->max;
}

/* Is a bound at or beyond the type's own limit (so not worth printing)? */
static int bound_is_open(const struct alopex_cfg_field *f, double v, int upper)
{
	switch (f->type) {
	case ALOPEX_CFG_INT:
		return upper ? v >= 9223372036854775807.0
			     : v <= -9223372036854775807.0;
	case ALOPEX_CFG_SIZE:
	case ALOPEX_CFG_DURATION:
		return upper ? v >= 18446744073709551615.0 : v <= 0;
	default:
		return upper ? v >= HUGE_VAL : v <= -HUGE_VAL;
	}
}

/* "between 1MB and 1TB", "at least 1", "at most 10ms" */
void alx_cfg_format_range(const struct alopex_cfg_field *f, char *buf,
			  size_t size)
{
	char lo[48], hi[48];
	int open_lo = bound_is_open(f, f->min, 0);
	int open_hi = bound_is_open(f, f->max, 1);

	format_bound(f, f->min, lo, sizeof(lo));
	format_bound(f, f->max, hi, sizeof(hi));
	if (open_lo && open_hi)
		snprintf(buf, size, "any value");
	else if (open_hi)
		snprintf(buf, size, "at least %s", lo);
	else if (open_lo)
		snprintf(buf, size, "at most %s", hi);
	else
		snprintf(buf, size, "between %s and %s", lo, hi);
}

int alx_cfg_parse_size(const char *s, uint64_t *out)
{
	return parse_with_unit(s, size_units, 1, out);
}

int alx_cfg_parse_duration(const char *s, uint64_t *out)
{
	return parse_with_unit(s, duration_units, 0, out);
}
