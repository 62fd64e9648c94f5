/*
 * Time zones: fixed offsets, POSIX TZ strings and IANA zones read from
 * TZif files, with the lookup rules of PostgreSQL's pg_tzset() (zone names
 * case-insensitive, POSIX strings as a fallback) and check_timezone() (a
 * bare number is hours EAST of UTC, SQL style; "UTC+3" is POSIX, 3 hours
 * west). Each zone is an object in an arena; nothing is cached globally.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_datetime.h"
#include "sql/sql_dt_internal.h"

#define TZ_NAME_MAX 255
#define SECS_PER_DAY 86400
/* Seconds from 1970-01-01 to 2000-01-01. */
#define EPOCH_2000_UNIX INT64_C(946684800)

/* ---- calendar helpers ------------------------------------------------- */

int64_t alx_dt_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468; /* days since 1970-01-01 */
}

void alx_dt_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yy + (*m <= 2);
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0) && (y % 100 != 0 || y % 400 == 0);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* ---- POSIX TZ strings (tzparse of PostgreSQL's localtime.c) ----------- */

static const char *get_zname(const char *s)
{
	while (*s != '\0' && !isdigit((unsigned char)*s) && *s != ',' &&
	       *s != '-' && *s != '+')
		s++;
	return s;
}

static const char *get_num(const char *s, int *out, int lo, int hi)
{
	if (!isdigit((unsigned char)*s))
		return NULL;
	int n = 0;
	while (isdigit((unsigned char)*s)) {
		n = n * 10 + (*s++ - '0');
		if (n > hi)
			return NULL;
	}
	if (n < lo)
		return NULL;
	*out = n;
	return s;
}

static const char *get_secs(const char *s, int32_t *out)
{
	int n;
	s = get_num(s, &n, 0, 24 * 7 - 1);
	if (s == NULL)
		return NULL;
	int32_t secs = n * 3600;
	if (*s == ':') {
		s = get_num(s + 1, &n, 0, 59);
		if (s == NULL)
			return NULL;
		secs += n * 60;
		if (*s == ':') {
			s = get_num(s + 1, &n, 0, 60);
			if (s == NULL)
				return NULL;
			secs += n;
		}
	}
	*out = secs;
	return s;
}

/* POSIX offset: positive WEST of UTC. */
static const char *get_offset(const char *s, int32_t *out)
{
	int neg = 0;
	if (*s == '-') {
		neg = 1;
		s++;
	} else if (*s == '+') {
		s++;
	}
	s = get_secs(s, out);
	if (s != NULL && neg)
		*out = -*out;
	return s;
}

static const char *get_rule(const char *s, struct alx_dt_rule_time *r)
{
	if (*s == 'J') {
		r->kind = 'J';
		s = get_num(s + 1, &r->day, 1, 365);
	} else if (*s == 'M') {
		r->kind = 'M';
		s = get_num(s + 1, &r->mon, 1, 12);
		if (s == NULL || *s++ != '.')
			return NULL;
		s = get_num(s, &r->week, 1, 5);
		if (s == NULL || *s++ != '.')
			return NULL;
		s = get_num(s, &r->day, 0, 6);
	} else if (isdigit((unsigned char)*s)) {
		r->kind = 'D';
		s = get_num(s, &r->day, 0, 365);
	} else {
		return NULL;
	}
	if (s == NULL)
		return NULL;
	if (*s == '/')
		return get_offset(s + 1, &r->secs);
	r->secs = 2 * 3600;
	return s;
}

static const char *get_qname(const char *s, const char **end)
{
	/* <...> quoted abbreviation */
	const char *p = s;
	while (*p != '\0' && *p != '>')
		p++;
	*end = p;
	return p;
}

/* Parse a POSIX TZ string; 0 on success. */
static int parse_posix(const char *name, struct alx_dt_rule *r)
{
	const char *s = name, *e;
	memset(r, 0, sizeof(*r));
	if (*s == '<') {
		get_qname(s + 1, &e);
		if (*e != '>')
			return -1;
		s = e + 1;
	} else {
		s = get_zname(s);
	}
	if (*s == '\0')
		return -1;
	int32_t stdoff, dstoff;
	s = get_offset(s, &stdoff);
	if (s == NULL)
		return -1;
	r->std_off = -stdoff;
	r->dst_off = r->std_off;
	if (*s == '\0')
		return 0;
	const char *dn = s;
	if (*s == '<') {
		get_qname(s + 1, &e);
		if (*e != '>')
			return -1;
		dn = s + 1;
		s = e + 1;
		if (e == dn)
			return -1;
	} else {
		s = get_zname(s);
		if (s == dn)
			return -1;
	}
	if (*s != '\0' && *s != ',' && *s != ';') {
		s = get_offset(s, &dstoff);
		if (s == NULL)
			return -1;
	} else {
		dstoff = stdoff - 3600;
	}
	/* No rules given: the default US rules (TZDEFRULESTRING). */
	if (*s == '\0')
		s = ",M3.2.0,M11.1.0";
	if (*s != ',' && *s != ';')
		return -1;
	s = get_rule(s + 1, &r->start);
	if (s == NULL || *s++ != ',')
		return -1;
	s = get_rule(s, &r->end);
	if (s == NULL || *s != '\0')
		return -1;
	r->dst_off = -dstoff;
	r->has_dst = 1;
	return 0;
}

/* Unix seconds (local) of a rule's change in year y. */
static int64_t rule_local(const struct alx_dt_rule_time *t, int64_t y)
{
	int64_t days;
	if (t->kind == 'J') {
		days = alx_dt_days_from_civil(y, 1, 1) + t->day - 1;
		if (is_leap(y) && t->day >= 60)
			days++;
	} else if (t->kind == 'D') {
		days = alx_dt_days_from_civil(y, 1, 1) + t->day;
	} else {
		static const int mdays[12] = {31, 28, 31, 30, 31, 30,
					      31, 31, 30, 31, 30, 31};
		int64_t first = alx_dt_days_from_civil(y, t->mon, 1);
		/* 1970-01-01 was a Thursday (4). */
		int wd = (int)(((first % 7) + 11) % 7);
		int64_t d = first + (t->day - wd + 7) % 7 + 7 * (t->week - 1);
		int ml = mdays[t->mon - 1] + (t->mon == 2 && is_leap(y));
		while (d >= first + ml)
			d -= 7;
		days = d;
	}
	return days * SECS_PER_DAY + t->secs;
}

static void rule_changes(const struct alx_dt_rule *r, int64_t y, int64_t *start,
			 int64_t *end)
{
	*start = rule_local(&r->start, y) - r->std_off;
	*end = rule_local(&r->end, y) - r->dst_off;
}

static int64_t year_of(int64_t unix_t)
{
	int64_t y;
	int m, d;
	alx_dt_civil_from_days(floor_div(unix_t, SECS_PER_DAY), &y, &m, &d);
	return y;
}

static int32_t rule_offset(const struct alx_dt_rule *r, int64_t t)
{
	if (!r->has_dst)
		return r->std_off;
	int64_t y = year_of(t + r->std_off), s, e;
	rule_changes(r, y, &s, &e);
	int dst = s < e ? (t >= s && t < e) : !(t >= e && t < s);
	return dst ? r->dst_off : r->std_off;
}

/* ---- TZif files --------------------------------------------------------- */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Check a TZif image and point tz at its v2 (or v1) data, in place. */
static int parse_tzif(const uint8_t *p, size_t n, struct alx_tz *tz)
{
	if (n < 44 || memcmp(p, "TZif", 4) != 0)
		return -1;
	int v2 = p[4] >= '2';
	uint32_t c[6];
	for (int i = 0; i < 6; i++)
		c[i] = be32(p + 20 + 4 * i);
	/* isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt */
	size_t tsize = 4;
	size_t body = (size_t)c[3] * 5 + (size_t)c[4] * 6 + c[5] +
		      (size_t)c[2] * 8 + c[1] + c[0];
	const uint8_t *q = p + 44;
	if (body > n - 44)
		return -1;
	if (v2) {
		q += body;
		if ((size_t)(q - p) + 44 > n || memcmp(q, "TZif", 4) != 0)
			return -1;
		for (int i = 0; i < 6; i++)
			c[i] = be32(q + 20 + 4 * i);
		q += 44;
		tsize = 8;
		body = (size_t)c[3] * 9 + (size_t)c[4] * 6 + c[5] +
		       (size_t)c[2] * 12 + c[1] + c[0];
		if (body > n - (size_t)(q - p))
			return -1;
	}
	if (c[4] == 0 || c[4] > 256)
		return -1;
	tz->ntrans = c[3];
	tz->tsize = (int)tsize;
	tz->times = q;
	tz->idx = q + (size_t)c[3] * tsize;
	tz->types = tz->idx + c[3];
	tz->ntypes = c[4];
	int used0 = 0;
	for (uint32_t i = 0; i < c[3]; i++) {
		if (tz->idx[i] >= c[4])
			return -1;
		used0 |= tz->idx[i] == 0;
	}
	for (uint32_t i = 0; i < c[4]; i++) {
		int32_t off = (int32_t)be32(tz->types + 6 * i);
		if (off < -25 * 3600 || off > 26 * 3600)
			return -1;
	}
	for (uint32_t i = 1; i < c[3]; i++)
		if (alx_dt_tz_trans(tz, i) <= alx_dt_tz_trans(tz, i - 1))
			return -1;
	q = tz->types + (size_t)c[4] * 6 + c[5] + (size_t)c[2] * (tsize + 4) +
	    c[1] + c[0];
	/* Times before the first transition: type 0 unless transitions use
	 * it, else the first standard-time type (tzcode's rule). */
	tz->deftype = 0;
	if (used0) {
		for (size_t i = 0; i < tz->ntypes; i++)
			if (!tz->types[6 * i + 4]) {
				tz->deftype = (int)i;
				break;
			}
	}
	/* The footer: a POSIX string for times after the last transition. */
	tz->has_rule = 0;
	if (v2 && (size_t)(q - p) < n && *q == '\n') {
		const uint8_t *e = memchr(q + 1, '\n', n - (size_t)(q - p) - 1);
		if (e != NULL && e > q + 1 && e - q - 1 < 128) {
			char buf[128];
			memcpy(buf, q + 1, (size_t)(e - q - 1));
			buf[e - q - 1] = '\0';
			if (parse_posix(buf, &tz->rule) == 0)
				tz->has_rule = 1;
		}
	}
	return 0;
}

int64_t alx_dt_tz_trans(const struct alx_tz *tz, size_t i)
{
	if (tz->tsize == 8)
		return be64(tz->times + 8 * i);
	return (int32_t)be32(tz->times + 4 * i);
}

static int32_t type_off(const struct alx_tz *tz, size_t type)
{
	return (int32_t)be32(tz->types + 6 * type);
}

/* Case-insensitive lookup of name under dir, as pg_open_tzfile(). */
static FILE *open_zone_file(const char *dir, const char *name)
{
	char path[1024];
	size_t pl = (size_t)snprintf(path, sizeof(path), "%s", dir);
	if (pl >= sizeof(path))
		return NULL;
	const char *s = name;
	while (*s != '\0') {
		const char *e = strchr(s, '/');
		size_t cl = e ? (size_t)(e - s) : strlen(s);
		if (cl == 0 || s[0] == '.')
			return NULL;
		DIR *dh = opendir(path);
		if (dh == NULL)
			return NULL;
		struct dirent *de;
		int found = 0;
		while ((de = readdir(dh)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			if (strlen(de->d_name) == cl &&
			    strncasecmp(de->d_name, s, cl) == 0) {
				if (pl + 1 + cl >= sizeof(path))
					break;
				path[pl++] = '/';
				memcpy(path + pl, de->d_name, cl);
				pl += cl;
				path[pl] = '\0';
				found = 1;
				break;
			}
		}
		closedir(dh);
		if (!found)
			return NULL;
		s += cl;
		if (*s == '/')
			s++;
	}
	return fopen(path, "rb");
}

/* Read a zone file into buf (cap bytes); -1 missing or bad, -3 too big. */
static int load_zone_file(const char *name, uint8_t *buf, size_t cap,
			  struct alx_tz *tz)
{
	const char *dir = getenv("TZDIR");
	if (dir == NULL || dir[0] == '\0')
		dir = "/usr/share/zoneinfo";
	FILE *f = open_zone_file(dir, name);
	if (f == NULL)
		return -1;
	size_t n = fread(buf, 1, cap, f);
	int more = fgetc(f) != EOF;
	fclose(f);
	if (more)
		return -3;
	return parse_tzif(buf, n, tz);
}

/* pg_tzset() into caller storage: a zone file, else a POSIX string. */
int alx_dt_tz_lookup_into(struct alx_tz *tz, uint8_t *buf, size_t cap,
			  const char *name, size_t len)
{
	char nm[TZ_NAME_MAX + 1];
	if (len == 0 || len > TZ_NAME_MAX || memchr(name, '\0', len) != NULL)
		return -1;
	memcpy(nm, name, len);
	nm[len] = '\0';
	memset(tz, 0, sizeof(*tz));
	if (load_zone_file(nm, buf, cap, tz) == 0)
		return 0;
	memset(tz, 0, sizeof(*tz));
	/* GMT is built in (pg_tzset); so is UTC here, for systems without
	 * zoneinfo. */
	if (strcasecmp(nm, "GMT") == 0 || strcasecmp(nm, "UTC") == 0) {
		tz->has_rule = 1;
		return 0;
	}
	for (size_t i = 0; i < len; i++)
		nm[i] = (char)toupper((unsigned char)nm[i]);
	if (nm[0] == ':' || parse_posix(nm, &tz->rule) != 0)
		return -1;
	tz->has_rule = 1;
	return 0;
}

int alx_dt_tz_lookup(struct alx_arena *a, const char *name, size_t len,
		     struct alx_tz **out)
{
	struct alx_tz *tz = alx_arena_calloc(a, 1, sizeof(*tz));
	uint8_t *buf = alx_arena_alloc(a, ALX_TZ_FILE_MAX);
	char *nm = alx_arena_strndup(a, name, len);
	if (tz == NULL || buf == NULL || nm == NULL)
		return -2;
	if (alx_dt_tz_lookup_into(tz, buf, ALX_TZ_FILE_MAX, name, len) != 0)
		return -1;
	tz->name = nm;
	*out = tz;
	return 0;
}

struct alx_tz *alx_dt_tz_fixed(struct alx_arena *a, int32_t off_east)
{
	struct alx_tz *tz = alx_arena_calloc(a, 1, sizeof(*tz));
	if (tz == NULL)
		return NULL;
	tz->name = "";
	tz->has_rule = 1;
	tz->rule.std_off = tz->rule.dst_off = off_east;
	return tz;
}

int alx_tz_load(struct alx_arena *a, const char *name, size_t len,
		struct alx_tz **out, alopex_diag *d)
{
	char buf[TZ_NAME_MAX + 1];
	int n = len > TZ_NAME_MAX ? TZ_NAME_MAX : (int)len;
	memcpy(buf, name, (size_t)n);
	buf[n] = '\0';
	/* check_timezone(): a number is hours east of UTC (SQL sign). */
	char *end;
	double hours = len > 0 && len <= TZ_NAME_MAX ? strtod(buf, &end) : 0;
	if (len > 0 && len <= TZ_NAME_MAX && end != buf && *end == '\0' &&
	    memchr(name, '\0', len) == NULL) {
		if (!(hours > -168 && hours < 168))
			return alx_diag_set(d, ALOPEX_ESQL, "22023",
					    "time zone \"%s\" not recognized",
					    buf);
		struct alx_tz *tz = alx_dt_tz_fixed(a, (int32_t)(hours * 3600));
		if (tz == NULL)
			return alx_diag_set(d, ALOPEX_ENOMEM, NULL,
					    "out of memory");
		tz->name = alx_arena_strdup(a, buf);
		*out = tz;
		return 0;
	}
	struct alx_tz *tz = NULL;
	int rc = alx_dt_tz_lookup(a, name, len, &tz);
	if (rc == -2)
		return alx_diag_set(d, ALOPEX_ENOMEM, NULL, "out of memory");
	if (rc != 0)
		return alx_diag_set(d, ALOPEX_ESQL, "22023",
				    "time zone \"%.*s\" not recognized", n,
				    name);
	*out = tz;
	return 0;
}

const char *alx_tz_name(const struct alx_tz *tz)
{
	return tz->name;
}

/* ---- offsets ------------------------------------------------------------ */

static int32_t offset_unix(const struct alx_tz *tz, int64_t t)
{
	if (tz->ntrans == 0 || t < alx_dt_tz_trans(tz, 0)) {
		if (tz->ntrans == 0 && tz->has_rule)
			return rule_offset(&tz->rule, t);
		if (tz->ntypes == 0)
			return tz->rule.std_off;
		return type_off(tz, (size_t)tz->deftype);
	}
	if (t >= alx_dt_tz_trans(tz, tz->ntrans - 1) && tz->has_rule)
		return rule_offset(&tz->rule, t);
	size_t lo = 0, hi = tz->ntrans; /* last trans <= t */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (alx_dt_tz_trans(tz, mid) <= t)
			lo = mid;
		else
			hi = mid;
	}
	return type_off(tz, tz->idx[lo]);
}

/* The first change strictly after t; 0 when there is none. */
static int next_change(const struct alx_tz *tz, int64_t t, int64_t *when)
{
	if (tz->ntrans > 0 && t < alx_dt_tz_trans(tz, tz->ntrans - 1)) {
		size_t lo = 0, hi = tz->ntrans - 1; /* first trans > t */
		if (alx_dt_tz_trans(tz, 0) > t) {
			*when = alx_dt_tz_trans(tz, 0);
			return 1;
		}
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;
			if (alx_dt_tz_trans(tz, mid) > t)
				hi = mid;
			else
				lo = mid;
		}
		*when = alx_dt_tz_trans(tz, hi);
		return 1;
	}
	if (!tz->has_rule || !tz->rule.has_dst)
		return 0;
	int64_t y = year_of(t), best = INT64_MAX;
	for (int64_t k = y - 1; k <= y + 1; k++) {
		int64_t s, e;
		rule_changes(&tz->rule, k, &s, &e);
		if (s > t && s < best)
			best = s;
		if (e > t && e < best)
			best = e;
	}
	if (best == INT64_MAX)
		return 0;
	*when = best;
	return 1;
}

int32_t alx_tz_offset_at(const struct alx_tz *tz, int64_t ts_utc)
{
	return offset_unix(tz, floor_div(ts_utc, 1000000) + EPOCH_2000_UNIX);
}

int32_t alx_tz_offset_local(const struct alx_tz *tz, int64_t local_sec)
{
	/* DetermineTimeZoneOffsetInternal(): find the change nearest the
	 * local time, then pick by the side the candidate instants fall. */
	int64_t t = local_sec + EPOCH_2000_UNIX;
	int64_t prev = t - SECS_PER_DAY, boundary;
	int32_t before = offset_unix(tz, prev);
	if (!next_change(tz, prev, &boundary))
		return before;
	int32_t after = offset_unix(tz, boundary);
	int64_t bt = t - before, at = t - after;
	if (bt < boundary && at < boundary)
		return before;
	if (bt >= boundary && at >= boundary)
		return after;
	return bt > at ? before : after;
}
