/*
 * INTERVAL input: PostgreSQL 15's ParseDateTime, DecodeInterval (with its
 * overflow checks) and DecodeISO8601Interval, and the type modifier
 * (AdjustIntervalForTypmod).
 */
#include "sql/sql_interval.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_dt_internal.h"
#include "sql/sql_value_internal.h"

#define USECS_PER_SEC INT64_C(1000000)
#define USECS_PER_MINUTE INT64_C(60000000)
#define USECS_PER_HOUR INT64_C(3600000000)
#define USECS_PER_DAY INT64_C(86400000000)
#define DAYS_PER_MONTH 30
#define MONTHS_PER_YEAR 12

static int range_error(alopex_diag *d)
{
	return alx_diag_set(d, ALOPEX_ESQL, "22008", "interval out of range");
}

/* ---- input: ParseDateTime -------------------------------------------- */

/* interval_in's limits: MAXDATEFIELDS fields in a 256-byte work buffer. */
#define IV_MAXFIELDS 25
#define IV_WORKBUF 256

enum {
	F_NUMBER,
	F_STRING,
	F_DATE,
	F_TIME,
	F_TZ,
	F_SPECIAL,
};

enum {
	DTERR_BAD_FORMAT = -1,
	DTERR_FIELD_OVERFLOW = -2,
};

struct ivfields {
	char buf[IV_WORKBUF];
	size_t pos;
	char *field[IV_MAXFIELDS];
	int ftype[IV_MAXFIELDS];
	int nf;
};

static int c_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static int c_isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int c_isalnum(int c)
{
	return c_isdigit(c) || c_isalpha(c);
}

static int c_ispunct(int c)
{
	return c > 32 && c < 127 && !c_isalnum(c);
}

static char c_lower(int c)
{
	return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

#define APPEND(F, ch)                              \
	do {                                       \
		if ((F)->pos + 1 >= IV_WORKBUF)    \
			return DTERR_BAD_FORMAT;   \
		(F)->buf[(F)->pos++] = (char)(ch); \
	} while (0)

/* str is NUL-terminated. */
static int parse_fields(const char *str, struct ivfields *f)
{
	const unsigned char *cp = (const unsigned char *)str;
	f->nf = 0;
	f->pos = 0;
	while (*cp != '\0') {
		if (alx_sql_isspace(*cp)) {
			cp++;
			continue;
		}
		if (f->nf >= IV_MAXFIELDS)
			return DTERR_BAD_FORMAT;
		int nf = f->nf;
		f->field[nf] = f->buf + f->pos;
		if (c_isdigit(*cp)) {
			APPEND(f, *cp++);
			while (c_isdigit(*cp))
				APPEND(f, *cp++);
			if (*cp == ':') {
				f->ftype[nf] = F_TIME;
				APPEND(f, *cp++);
				while (c_isdigit(*cp) || *cp == ':' ||
				       *cp == '.')
					APPEND(f, *cp++);
			} else if (*cp == '-' || *cp == '/' || *cp == '.') {
				unsigned char delim = *cp;
				APPEND(f, *cp++);
				if (c_isdigit(*cp)) {
					f->ftype[nf] = delim == '.' ? F_NUMBER
								    : F_DATE;
					while (c_isdigit(*cp))
						APPEND(f, *cp++);
					if (*cp == delim) {
						f->ftype[nf] = F_DATE;
						APPEND(f, *cp++);
						while (c_isdigit(*cp) ||
						       *cp == delim)
							APPEND(f, *cp++);
					}
				} else {
					f->ftype[nf] = F_DATE;
					while (c_isalnum(*cp) || *cp == delim)
						APPEND(f, c_lower(*cp++));
				}
			} else {
				f->ftype[nf] = F_NUMBER;
			}
		} else if (*cp == '.') {
			APPEND(f, *cp++);
			while (c_isdigit(*cp))
				APPEND(f, *cp++);
			f->ftype[nf] = F_NUMBER;
		} else if (c_isalpha(*cp)) {
			f->ftype[nf] = F_STRING;
			APPEND(f, c_lower(*cp++));
			while (c_isalpha(*cp))
				APPEND(f, c_lower(*cp++));
			bool is_date = false;
			if (*cp == '-' || *cp == '/' || *cp == '.') {
				is_date = true;
			} else if (*cp == '+' || c_isdigit(*cp)) {
				f->buf[f->pos] = '\0';
				is_date = !alx_dt_is_core_token(f->field[nf]);
			}
			if (is_date) {
				f->ftype[nf] = F_DATE;
				do {
					APPEND(f, c_lower(*cp++));
				} while (*cp == '+' || *cp == '-' ||
					 *cp == '/' || *cp == '_' ||
					 *cp == '.' || *cp == ':' ||
					 c_isalnum(*cp));
			}
		} else if (*cp == '+' || *cp == '-') {
			APPEND(f, *cp++);
			while (alx_sql_isspace(*cp))
				cp++;
			if (c_isdigit(*cp)) {
				f->ftype[nf] = F_TZ;
				APPEND(f, *cp++);
				while (c_isdigit(*cp) || *cp == ':' ||
				       *cp == '.' || *cp == '-')
					APPEND(f, *cp++);
			} else if (c_isalpha(*cp)) {
				f->ftype[nf] = F_SPECIAL;
				APPEND(f, c_lower(*cp++));
				while (c_isalpha(*cp))
					APPEND(f, c_lower(*cp++));
			} else {
				return DTERR_BAD_FORMAT;
			}
		} else if (c_ispunct(*cp)) {
			cp++;
			continue;
		} else {
			return DTERR_BAD_FORMAT;
		}
		f->buf[f->pos++] = '\0';
		f->nf++;
	}
	return 0;
}

#undef APPEND

/* ---- input: DecodeInterval ------------------------------------------- */

/* DecodeUnits: tokens compare on their first 10 characters, so
 * "microseconds" is "microsecon". */
static int decode_unit(const char *s)
{
	enum alx_dt_unit u = alx_dt_delta_unit(s);
	return u == ALX_DTU_TZ_HOUR || u == ALX_DTU_TZ_MINUTE ? ALX_DTU_TZ
							      : (int)u;
}

/* A DecodeInterval state beyond the units: after "ago", where a number is
 * an error. */
#define IV_AFTER_AGO (-1)

/* struct pg_itm_in */
struct itm_in {
	int64_t usec;
	int32_t mday, mon, year;
};

/* Field masks (DTK_M), to refuse a unit given twice. */
enum {
	M_MICRO = 1 << 0,
	M_MILLI = 1 << 1,
	M_SEC = 1 << 2,
	M_MIN = 1 << 3,
	M_HOUR = 1 << 4,
	M_DAY = 1 << 5,
	M_WEEK = 1 << 6,
	M_MONTH = 1 << 7,
	M_YEAR = 1 << 8,
	M_DECADE = 1 << 9,
	M_CENTURY = 1 << 10,
	M_MILLENNIUM = 1 << 11,
};
#define M_ALL_SECS (M_SEC | M_MILLI | M_MICRO)
#define M_TIME (M_HOUR | M_MIN | M_ALL_SECS)

static bool mul_add64(int64_t val, int64_t mul, int64_t *sum)
{
	int64_t p;
	return !__builtin_mul_overflow(val, mul, &p) &&
	       !__builtin_add_overflow(*sum, p, sum);
}

/* AdjustFractMicroseconds: |frac| < 1; round half away from zero, but
 * only strictly above a half, as PostgreSQL. */
static bool adj_frac_usec(double frac, int64_t scale, struct itm_in *r)
{
	if (frac == 0)
		return true;
	frac *= (double)scale;
	int64_t usec = (int64_t)frac;
	frac -= (double)usec;
	if (frac > 0.5)
		usec++;
	else if (frac < -0.5)
		usec--;
	return !__builtin_add_overflow(r->usec, usec, &r->usec);
}

static bool adj_frac_days(double frac, int scale, struct itm_in *r)
{
	if (frac == 0)
		return true;
	frac *= scale;
	int extra = (int)frac;
	if (__builtin_add_overflow(r->mday, extra, &r->mday))
		return false;
	frac -= extra;
	return adj_frac_usec(frac, USECS_PER_DAY, r);
}

static bool adj_frac_years(double frac, int scale, struct itm_in *r)
{
	int extra = (int)rint(frac * scale * MONTHS_PER_YEAR);
	return !__builtin_add_overflow(r->mon, extra, &r->mon);
}

static bool adj_usec(int64_t val, double fval, int64_t scale, struct itm_in *r)
{
	return mul_add64(val, scale, &r->usec) && adj_frac_usec(fval, scale, r);
}

static bool adj_days(int64_t val, int scale, struct itm_in *r)
{
	int32_t days;
	if (val < INT32_MIN || val > INT32_MAX)
		return false;
	return !__builtin_mul_overflow((int32_t)val, scale, &days) &&
	       !__builtin_add_overflow(r->mday, days, &r->mday);
}

static bool adj_months(int64_t val, struct itm_in *r)
{
	if (val < INT32_MIN || val > INT32_MAX)
		return false;
	return !__builtin_add_overflow(r->mon, (int32_t)val, &r->mon);
}

static bool adj_years(int64_t val, int scale, struct itm_in *r)
{
	int32_t years;
	if (val < INT32_MIN || val > INT32_MAX)
		return false;
	return !__builtin_mul_overflow((int32_t)val, scale, &years) &&
	       !__builtin_add_overflow(r->year, years, &r->year);
}

/* strtol limited to int as PostgreSQL's strtoint(): *ovf on overflow. */
static int strtoint(const char *s, char **end, bool *ovf)
{
	errno = 0;
	long v = strtol(s, end, 10);
	*ovf = errno == ERANGE || v > INT_MAX || v < INT_MIN;
	return (int)v;
}

/* ParseFraction: ".ddd"; a lone "." is zero. */
static int parse_fraction(const char *cp, double *frac)
{
	if (cp[1] == '\0') {
		*frac = 0;
		return 0;
	}
	char *end;
	errno = 0;
	*frac = alx_sql_strtod(cp, &end);
	if (*end != '\0' || errno != 0)
		return DTERR_BAD_FORMAT;
	return 0;
}

/* DecodeTime + DecodeTimeForInterval: h:m[:s][.f], or m:s.f. */
static int decode_time(const char *str, int range, int *tmask, struct itm_in *r)
{
	char *cp;
	bool ovf;
	int32_t fsec = 0;
	*tmask = M_TIME;
	errno = 0;
	long long hour = strtoll(str, &cp, 10);
	if (errno == ERANGE)
		return DTERR_FIELD_OVERFLOW;
	if (*cp != ':')
		return DTERR_BAD_FORMAT;
	long long min = strtoint(cp + 1, &cp, &ovf);
	long long sec = 0;
	if (ovf)
		return DTERR_FIELD_OVERFLOW;
	if (*cp == '\0') {
		if (range == (ALX_IV_MINUTE | ALX_IV_SECOND)) {
			/* MINUTE TO SECOND takes two fields as mm:ss */
			if (hour > INT_MAX || hour < INT_MIN)
				return DTERR_FIELD_OVERFLOW;
			sec = min;
			min = hour;
			hour = 0;
		}
	} else if (*cp == '.') {
		/* mm:ss.sss is always MINUTE TO SECOND */
		double frac;
		int rc = parse_fraction(cp, &frac);
		if (rc != 0)
			return rc;
		fsec = (int32_t)rint(frac * 1000000);
		if (hour > INT_MAX || hour < INT_MIN)
			return DTERR_FIELD_OVERFLOW;
		sec = min;
		min = hour;
		hour = 0;
	} else if (*cp == ':') {
		sec = strtoint(cp + 1, &cp, &ovf);
		if (ovf)
			return DTERR_FIELD_OVERFLOW;
		if (*cp == '.') {
			double frac;
			int rc = parse_fraction(cp, &frac);
			if (rc != 0)
				return rc;
			fsec = (int32_t)rint(frac * 1000000);
		} else if (*cp != '\0') {
			return DTERR_BAD_FORMAT;
		}
	} else {
		return DTERR_BAD_FORMAT;
	}
	if (hour < 0 || min < 0 || min > 59 || sec < 0 || sec > 60 ||
	    fsec < 0 || fsec > USECS_PER_SEC)
		return DTERR_FIELD_OVERFLOW;
	int64_t usec = fsec;
	if (!mul_add64(hour, USECS_PER_HOUR, &usec) ||
	    !mul_add64(min, USECS_PER_MINUTE, &usec) ||
	    !mul_add64(sec, USECS_PER_SEC, &usec))
		return DTERR_FIELD_OVERFLOW;
	/* The time of day replaces what was there, as PostgreSQL's does. */
	r->usec = usec;
	return 0;
}

/* The unit of a bare number at the right end: the modifier's last field. */
static int default_unit(int range)
{
	switch (range) {
	case ALX_IV_YEAR:
		return ALX_DTU_YEAR;
	case ALX_IV_MONTH:
	case ALX_IV_YEAR | ALX_IV_MONTH:
		return ALX_DTU_MONTH;
	case ALX_IV_DAY:
		return ALX_DTU_DAY;
	case ALX_IV_HOUR:
	case ALX_IV_DAY | ALX_IV_HOUR:
		return ALX_DTU_HOUR;
	case ALX_IV_MINUTE:
	case ALX_IV_HOUR | ALX_IV_MINUTE:
	case ALX_IV_DAY | ALX_IV_HOUR | ALX_IV_MINUTE:
		return ALX_DTU_MINUTE;
	default:
		return ALX_DTU_SECOND;
	}
}

/* A number field (possibly signed, "y-m", with a fraction) in unit *type. */
static int decode_number(const char *field, int *type, int range,
			 bool force_negative, int *tmask, struct itm_in *r)
{
	char *cp;
	double fval;
	if (*type == ALX_DTU_IGNORE)
		*type = default_unit(range);
	errno = 0;
	long long lval = strtoll(field, &cp, 10);
	if (errno == ERANGE)
		return DTERR_FIELD_OVERFLOW;
	int64_t val = lval;
	if (*cp == '-') {
		/* SQL "years-months" */
		bool ovf;
		int val2 = strtoint(cp + 1, &cp, &ovf);
		if (ovf || val2 < 0 || val2 >= MONTHS_PER_YEAR)
			return DTERR_FIELD_OVERFLOW;
		if (*cp != '\0')
			return DTERR_BAD_FORMAT;
		*type = ALX_DTU_MONTH;
		if (*field == '-')
			val2 = -val2;
		if (__builtin_mul_overflow(val, MONTHS_PER_YEAR, &val) ||
		    __builtin_add_overflow(val, val2, &val))
			return DTERR_FIELD_OVERFLOW;
		fval = 0;
	} else if (*cp == '.') {
		int rc = parse_fraction(cp, &fval);
		if (rc != 0)
			return rc;
		if (*field == '-')
			fval = -fval;
	} else if (*cp == '\0') {
		fval = 0;
	} else {
		return DTERR_BAD_FORMAT;
	}
	if (force_negative) {
		if (val > 0)
			val = -val;
		if (fval > 0)
			fval = -fval;
	}
	bool ok;
	switch (*type) {
	case ALX_DTU_MICROSEC:
		ok = adj_usec(val, fval, 1, r);
		*tmask = M_MICRO;
		break;
	case ALX_DTU_MILLISEC:
		ok = adj_usec(val, fval, 1000, r);
		*tmask = M_MILLI;
		break;
	case ALX_DTU_SECOND:
		ok = adj_usec(val, fval, USECS_PER_SEC, r);
		/* a fraction counts as milli- and microseconds too */
		*tmask = fval == 0 ? M_SEC : M_ALL_SECS;
		break;
	case ALX_DTU_MINUTE:
		ok = adj_usec(val, fval, USECS_PER_MINUTE, r);
		*tmask = M_MIN;
		break;
	case ALX_DTU_HOUR:
		ok = adj_usec(val, fval, USECS_PER_HOUR, r);
		*tmask = M_HOUR;
		*type = ALX_DTU_DAY; /* for the next field to the left */
		break;
	case ALX_DTU_DAY:
		ok = adj_days(val, 1, r) &&
		     adj_frac_usec(fval, USECS_PER_DAY, r);
		*tmask = M_DAY;
		break;
	case ALX_DTU_WEEK:
		ok = adj_days(val, 7, r) && adj_frac_days(fval, 7, r);
		*tmask = M_WEEK;
		break;
	case ALX_DTU_MONTH:
		ok = adj_months(val, r) &&
		     adj_frac_days(fval, DAYS_PER_MONTH, r);
		*tmask = M_MONTH;
		break;
	case ALX_DTU_YEAR:
		ok = adj_years(val, 1, r) && adj_frac_years(fval, 1, r);
		*tmask = M_YEAR;
		break;
	case ALX_DTU_DECADE:
		ok = adj_years(val, 10, r) && adj_frac_years(fval, 10, r);
		*tmask = M_DECADE;
		break;
	case ALX_DTU_CENTURY:
		ok = adj_years(val, 100, r) && adj_frac_years(fval, 100, r);
		*tmask = M_CENTURY;
		break;
	case ALX_DTU_MILLENNIUM:
		ok = adj_years(val, 1000, r) && adj_frac_years(fval, 1000, r);
		*tmask = M_MILLENNIUM;
		break;
	default:
		return DTERR_BAD_FORMAT;
	}
	return ok ? 0 : DTERR_FIELD_OVERFLOW;
}

static int decode_interval(struct ivfields *f, int range, int style,
			   struct itm_in *r)
{
	bool force_negative = false, is_before = false;
	int fmask = 0, tmask, type = ALX_DTU_IGNORE;
	memset(r, 0, sizeof(*r));
	/*
	 * sql_standard reads '-1 1:00:00' as all negative, unless another
	 * field has its own sign.
	 */
	if (style == ALX_INTERVALSTYLE_SQL_STANDARD && f->nf > 0 &&
	    *f->field[0] == '-') {
		force_negative = true;
		for (int i = 1; i < f->nf; i++) {
			if (*f->field[i] == '-' || *f->field[i] == '+') {
				force_negative = false;
				break;
			}
		}
	}
	/* Right to left, so that units come before their numbers. */
	for (int i = f->nf - 1; i >= 0; i--) {
		const char *field = f->field[i];
		int rc;
		tmask = 0;
		switch (f->ftype[i]) {
		case F_TIME:
			rc = decode_time(field, range, &tmask, r);
			if (rc != 0)
				return rc;
			if (force_negative && r->usec > 0)
				r->usec = -r->usec;
			type = ALX_DTU_DAY;
			break;
		case F_TZ:
			/* A signed hh:mm[:ss] is a time with its sign. */
			if (strchr(field + 1, ':') != NULL &&
			    decode_time(field + 1, range, &tmask, r) == 0) {
				if (*field == '-') {
					if (r->usec == INT64_MIN)
						return DTERR_FIELD_OVERFLOW;
					r->usec = -r->usec;
				}
				if (force_negative && r->usec > 0)
					r->usec = -r->usec;
				type = ALX_DTU_DAY;
				break;
			}
			/* otherwise a signed number */
			/* fall through */
		case F_DATE:
		case F_NUMBER:
			rc = decode_number(field, &type, range, force_negative,
					   &tmask, r);
			if (rc != 0)
				return rc;
			break;
		case F_STRING:
		case F_SPECIAL: {
			int u = decode_unit(field);
			if (u == ALX_DTU_IGNORE) {
				type = ALX_DTU_IGNORE;
				continue;
			}
			if (u == ALX_DTU_AGO) {
				is_before = true;
				type = IV_AFTER_AGO;
			} else if (u == ALX_DTU_UNKNOWN) {
				return DTERR_BAD_FORMAT;
			} else {
				type = u;
			}
			break;
		}
		default:
			return DTERR_BAD_FORMAT;
		}
		if (tmask & fmask)
			return DTERR_BAD_FORMAT;
		fmask |= tmask;
	}
	if (fmask == 0)
		return DTERR_BAD_FORMAT;
	if (is_before) {
		if (r->usec == INT64_MIN || r->mday == INT32_MIN ||
		    r->mon == INT32_MIN || r->year == INT32_MIN)
			return DTERR_FIELD_OVERFLOW;
		r->usec = -r->usec;
		r->mday = -r->mday;
		r->mon = -r->mon;
		r->year = -r->year;
	}
	return 0;
}

/* ---- input: ISO 8601 -------------------------------------------------- */

/* ParseISO8601Number: what strtod takes, |value| <= 1e15, split into an
 * integer part (towards zero) and a fraction. */
static int iso_number(const char *str, const char **end, int64_t *ipart,
		      double *fpart)
{
	if (!(c_isdigit((unsigned char)*str) || *str == '-' || *str == '.'))
		return DTERR_BAD_FORMAT;
	char *e;
	errno = 0;
	double val = alx_sql_strtod(str, &e);
	if (e == str || errno != 0)
		return DTERR_BAD_FORMAT;
	if (isnan(val) || val < -1.0e15 || val > 1.0e15)
		return DTERR_FIELD_OVERFLOW;
	*ipart = val >= 0 ? (int64_t)floor(val) : -(int64_t)floor(-val);
	*fpart = val - (double)*ipart;
	*end = e;
	return 0;
}

/* Integer digits of a field (sign and fraction not counted). */
static size_t iso_int_width(const char *s)
{
	if (*s == '-')
		s++;
	return strspn(s, "0123456789");
}

static int decode_iso8601(const char *str, struct itm_in *r)
{
	bool datepart = true, havefield = false;
	memset(r, 0, sizeof(*r));
	if (strlen(str) < 2 || str[0] != 'P')
		return DTERR_BAD_FORMAT;
	str++;
	while (*str) {
		if (*str == 'T') {
			datepart = false;
			havefield = false;
			str++;
			continue;
		}
		const char *fieldstart = str;
		int64_t val;
		double fval;
		int rc = iso_number(str, &str, &val, &fval);
		if (rc != 0)
			return rc;
		/* Exits below whenever unit is the terminator. */
		char unit = *str++;
		if (datepart) {
			switch (unit) {
			case 'Y':
				if (!adj_years(val, 1, r) ||
				    !adj_frac_years(fval, 1, r))
					return DTERR_FIELD_OVERFLOW;
				break;
			case 'M':
				if (!adj_months(val, r) ||
				    !adj_frac_days(fval, DAYS_PER_MONTH, r))
					return DTERR_FIELD_OVERFLOW;
				break;
			case 'W':
				if (!adj_days(val, 7, r) ||
				    !adj_frac_days(fval, 7, r))
					return DTERR_FIELD_OVERFLOW;
				break;
			case 'D':
				if (!adj_days(val, 1, r) ||
				    !adj_frac_usec(fval, USECS_PER_DAY, r))
					return DTERR_FIELD_OVERFLOW;
				break;
			case 'T':
			case '\0':
				/* alternative format, basic: YYYYMMDD */
				if (iso_int_width(fieldstart) == 8 &&
				    !havefield) {
					if (!adj_years(val / 10000, 1, r) ||
					    !adj_months((val / 100) % 100, r) ||
					    !adj_days(val % 100, 1, r) ||
					    !adj_frac_usec(fval, USECS_PER_DAY,
							   r))
						return DTERR_FIELD_OVERFLOW;
					if (unit == '\0')
						return 0;
					datepart = false;
					havefield = false;
					continue;
				}
				/* else extended, YYYY-MM-DD */
				/* fall through */
			case '-':
				if (havefield)
					return DTERR_BAD_FORMAT;
				if (!adj_years(val, 1, r) ||
				    !adj_frac_years(fval, 1, r))
					return DTERR_FIELD_OVERFLOW;
				if (unit == '\0')
					return 0;
				if (unit == 'T') {
					datepart = false;
					havefield = false;
					continue;
				}
				rc = iso_number(str, &str, &val, &fval);
				if (rc != 0)
					return rc;
				if (!adj_months(val, r) ||
				    !adj_frac_days(fval, DAYS_PER_MONTH, r))
					return DTERR_FIELD_OVERFLOW;
				if (*str == '\0')
					return 0;
				if (*str == 'T') {
					datepart = false;
					havefield = false;
					continue;
				}
				if (*str != '-')
					return DTERR_BAD_FORMAT;
				str++;
				rc = iso_number(str, &str, &val, &fval);
				if (rc != 0)
					return rc;
				if (!adj_days(val, 1, r) ||
				    !adj_frac_usec(fval, USECS_PER_DAY, r))
					return DTERR_FIELD_OVERFLOW;
				if (*str == '\0')
					return 0;
				if (*str == 'T') {
					datepart = false;
					havefield = false;
					continue;
				}
				return DTERR_BAD_FORMAT;
			default:
				return DTERR_BAD_FORMAT;
			}
		} else {
			switch (unit) {
			case 'H':
				if (!adj_usec(val, fval, USECS_PER_HOUR, r))
					return DTERR_FIELD_OVERFLOW;
				break;
			case 'M':
				if (!adj_usec(val, fval, USECS_PER_MINUTE, r))
					return DTERR_FIELD_OVERFLOW;
				break;
			case 'S':
				if (!adj_usec(val, fval, USECS_PER_SEC, r))
					return DTERR_FIELD_OVERFLOW;
				break;
			case '\0':
				/* alternative format, basic: hhmmss */
				if (iso_int_width(fieldstart) == 6 &&
				    !havefield) {
					if (!adj_usec(val / 10000, 0,
						      USECS_PER_HOUR, r) ||
					    !adj_usec((val / 100) % 100, 0,
						      USECS_PER_MINUTE, r) ||
					    !adj_usec(val % 100, 0,
						      USECS_PER_SEC, r) ||
					    !adj_frac_usec(fval, 1, r))
						return DTERR_FIELD_OVERFLOW;
					return 0;
				}
				/* else extended, hh:mm:ss */
				/* fall through */
			case ':':
				if (havefield)
					return DTERR_BAD_FORMAT;
				if (!adj_usec(val, fval, USECS_PER_HOUR, r))
					return DTERR_FIELD_OVERFLOW;
				if (unit == '\0')
					return 0;
				rc = iso_number(str, &str, &val, &fval);
				if (rc != 0)
					return rc;
				if (!adj_usec(val, fval, USECS_PER_MINUTE, r))
					return DTERR_FIELD_OVERFLOW;
				if (*str == '\0')
					return 0;
				if (*str != ':')
					return DTERR_BAD_FORMAT;
				str++;
				rc = iso_number(str, &str, &val, &fval);
				if (rc != 0)
					return rc;
				if (!adj_usec(val, fval, USECS_PER_SEC, r))
					return DTERR_FIELD_OVERFLOW;
				if (*str == '\0')
					return 0;
				return DTERR_BAD_FORMAT;
			default:
				return DTERR_BAD_FORMAT;
			}
		}
		havefield = true;
	}
	return 0;
}

/* ---- input: interval_in ---------------------------------------------- */

int alx_interval_in(struct alx_arena *a, const char *text, size_t len,
		    int32_t prec, int32_t fields, int style,
		    struct alx_interval *out, alopex_diag *d)
{
	int n = len > 400 ? 400 : (int)len;
	char stackbuf[512], *str = stackbuf;
	/* PostgreSQL never sees a NUL inside a string. */
	if (memchr(text, '\0', len) != NULL)
		goto bad_format;
	if (len >= sizeof(stackbuf)) {
		str = alx_arena_alloc(a, len + 1);
		if (str == NULL)
			return alx_sql_oom(d);
	}
	memcpy(str, text, len);
	str[len] = '\0';

	struct ivfields f;
	struct itm_in r;
	int rc = parse_fields(str, &f);
	if (rc == 0)
		rc = decode_interval(&f, fields, style, &r);
	if (rc == DTERR_BAD_FORMAT)
		rc = decode_iso8601(str, &r);
	if (rc == DTERR_FIELD_OVERFLOW)
		return alx_diag_set(d, ALOPEX_ESQL, "22015",
				    "interval field value out of range: "
				    "\"%.*s\"",
				    n, text);
	if (rc != 0)
		goto bad_format;
	int64_t months = (int64_t)r.year * MONTHS_PER_YEAR + r.mon;
	if (months > INT32_MAX || months < INT32_MIN)
		return range_error(d);
	struct alx_interval iv = {r.usec, r.mday, (int32_t)months};
	rc = alx_interval_typmod(&iv, prec, fields, d);
	if (rc != 0)
		return rc;
	*out = iv;
	return 0;
bad_format:
	return alx_diag_set(d, ALOPEX_ESQL, "22007",
			    "invalid input syntax for type interval: "
			    "\"%.*s\"",
			    n, text);
}

int alx_interval_typmod(struct alx_interval *iv, int32_t prec, int32_t fields,
			alopex_diag *d)
{
	static const int64_t scales[7] = {1000000, 100000, 10000, 1000,
					  100,	   10,	   1};
	switch (fields) {
	case ALX_IV_YEAR:
		iv->month = (iv->month / MONTHS_PER_YEAR) * MONTHS_PER_YEAR;
		iv->day = 0;
		iv->time = 0;
		break;
	case ALX_IV_MONTH:
	case ALX_IV_YEAR | ALX_IV_MONTH:
		iv->day = 0;
		iv->time = 0;
		break;
	case ALX_IV_DAY:
		iv->time = 0;
		break;
	case ALX_IV_HOUR:
	case ALX_IV_DAY | ALX_IV_HOUR:
		iv->time = (iv->time / USECS_PER_HOUR) * USECS_PER_HOUR;
		break;
	case ALX_IV_MINUTE:
	case ALX_IV_DAY | ALX_IV_HOUR | ALX_IV_MINUTE:
	case ALX_IV_HOUR | ALX_IV_MINUTE:
		iv->time = (iv->time / USECS_PER_MINUTE) * USECS_PER_MINUTE;
		break;
	default:
		/* all fields, or ending in SECOND: only the precision */
		break;
	}
	if (prec < 0 || prec >= 6)
		return 0;
	/*
	 * Half away from zero. PostgreSQL 15 adds the half without an
	 * overflow check (it builds with -fwrapv), so the largest times
	 * wrap around; done here in unsigned arithmetic to the same result.
	 */
	uint64_t sc = (uint64_t)scales[prec], half = sc / 2;
	if (iv->time >= 0) {
		int64_t t = (int64_t)((uint64_t)iv->time + half);
		iv->time = (int64_t)((uint64_t)(t / (int64_t)sc) * sc);
	} else {
		int64_t t = (int64_t)((uint64_t)0 - (uint64_t)iv->time + half);
		iv->time = (int64_t)((uint64_t)0 -
				     (uint64_t)(t / (int64_t)sc) * sc);
	}
	(void)d;
	return 0;
}
