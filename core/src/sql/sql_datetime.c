/*
 * DATE / TIMESTAMP / TIMESTAMPTZ text input (output and the calendar are in
 * sql_dt_calendar.c).
 *
 * Input follows PostgreSQL 15's datetime.c step for step (ParseDateTime
 * splits the text into typed fields, DecodeDateTime gives them meaning,
 * ValidateDate checks the result) because its acceptance rules are too
 * irregular to reproduce any other way: "Jan 5 2024", "20240105",
 * "2024-01-05T10:00Z", "J2451545", "5 jan 24 bc" all go through the same
 * field logic, and so do its error categories. DateStyle is ISO, MDY.
 */
#include "sql/sql_datetime.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_dt_internal.h"

#define USECS_PER_SEC INT64_C(1000000)
#define USECS_PER_DAY INT64_C(86400000000)

static int valid_date(int64_t date)
{
	return date >= -ALX_POSTGRES_EPOCH_JDATE &&
	       date < ALX_DATE_END_JULIAN - ALX_POSTGRES_EPOCH_JDATE;
}

static const int day_tab[2][12] = {
	{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
	{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}};

static int isleap(int y)
{
	return (y % 4 == 0) && (y % 100 != 0 || y % 400 == 0);
}

/* ---- ParseDateTime --------------------------------------------------- */

#define MAXDATEFIELDS 25
#define MAXDATELEN 128
#define TOKMAXLEN 10

enum ftype {
	F_NUMBER,
	F_STRING,
	F_DATE,
	F_TIME,
	F_TZ,
	F_SPECIAL,
};

/* Error categories of DecodeDateTime. */
enum {
	DTERR_BAD_FORMAT = -1,
	DTERR_FIELD_OVERFLOW = -2,
	DTERR_MD_FIELD_OVERFLOW = -3,
	DTERR_TZDISP_OVERFLOW = -5,
	DTERR_BAD_ZONE = -10, /* time zone "x" not recognized */
	DTERR_NO_CLOCK = -11,
	DTERR_NOMEM = -12,
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
static int c_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}
static int c_ispunct(int c)
{
	return c > 32 && c < 127 && !c_isalnum(c);
}
static char c_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

struct fields {
	char buf[MAXDATELEN + MAXDATEFIELDS];
	size_t cap, pos;
	char *field[MAXDATEFIELDS];
	int ftype[MAXDATEFIELDS];
	int nf;
};

#define APPEND(F, ch)                              \
	do {                                       \
		if ((F)->pos + 1 >= (F)->cap)      \
			return DTERR_BAD_FORMAT;   \
		(F)->buf[(F)->pos++] = (char)(ch); \
	} while (0)

static int is_core_token(const char *s);

static int parse_fields(const char *str, size_t len, struct fields *f)
{
	size_t i = 0;
	f->nf = 0;
	f->pos = 0;
#define CH(k) ((k) < len ? (unsigned char)str[k] : 0)
	while (i < len) {
		if (c_isspace(CH(i))) {
			i++;
			continue;
		}
		if (f->nf >= MAXDATEFIELDS)
			return DTERR_BAD_FORMAT;
		f->field[f->nf] = f->buf + f->pos;
		if (c_isdigit(CH(i))) {
			APPEND(f, CH(i));
			i++;
			while (c_isdigit(CH(i))) {
				APPEND(f, CH(i));
				i++;
			}
			if (CH(i) == ':') {
				f->ftype[f->nf] = F_TIME;
				APPEND(f, CH(i));
				i++;
				while (c_isdigit(CH(i)) || CH(i) == ':' ||
				       CH(i) == '.') {
					APPEND(f, CH(i));
					i++;
				}
			} else if (CH(i) == '-' || CH(i) == '/' ||
				   CH(i) == '.') {
				unsigned char delim = CH(i);
				APPEND(f, CH(i));
				i++;
				if (c_isdigit(CH(i))) {
					f->ftype[f->nf] = delim == '.'
								  ? F_NUMBER
								  : F_DATE;
					while (c_isdigit(CH(i))) {
						APPEND(f, CH(i));
						i++;
					}
					if (CH(i) == delim) {
						f->ftype[f->nf] = F_DATE;
						APPEND(f, CH(i));
						i++;
						while (c_isdigit(CH(i)) ||
						       CH(i) == delim) {
							APPEND(f, CH(i));
							i++;
						}
					}
				} else {
					f->ftype[f->nf] = F_DATE;
					while (c_isalnum(CH(i)) ||
					       CH(i) == delim) {
						APPEND(f, c_lower((char)CH(i)));
						i++;
					}
				}
			} else {
				f->ftype[f->nf] = F_NUMBER;
			}
		} else if (CH(i) == '.') {
			APPEND(f, CH(i));
			i++;
			while (c_isdigit(CH(i))) {
				APPEND(f, CH(i));
				i++;
			}
			f->ftype[f->nf] = F_NUMBER;
		} else if (c_isalpha(CH(i))) {
			f->ftype[f->nf] = F_STRING;
			APPEND(f, c_lower((char)CH(i)));
			i++;
			while (c_isalpha(CH(i))) {
				APPEND(f, c_lower((char)CH(i)));
				i++;
			}
			int is_date = 0;
			if (CH(i) == '-' || CH(i) == '/' || CH(i) == '.') {
				is_date = 1;
			} else if (CH(i) == '+' || c_isdigit(CH(i))) {
				f->buf[f->pos] = '\0';
				if (!is_core_token(f->field[f->nf]))
					is_date = 1;
			}
			if (is_date) {
				f->ftype[f->nf] = F_DATE;
				do {
					APPEND(f, c_lower((char)CH(i)));
					i++;
				} while (CH(i) == '+' || CH(i) == '-' ||
					 CH(i) == '/' || CH(i) == '_' ||
					 CH(i) == '.' || CH(i) == ':' ||
					 c_isalnum(CH(i)));
			}
		} else if (CH(i) == '+' || CH(i) == '-') {
			APPEND(f, CH(i));
			i++;
			while (c_isspace(CH(i)))
				i++;
			if (c_isdigit(CH(i))) {
				f->ftype[f->nf] = F_TZ;
				APPEND(f, CH(i));
				i++;
				while (c_isdigit(CH(i)) || CH(i) == ':' ||
				       CH(i) == '.' || CH(i) == '-') {
					APPEND(f, CH(i));
					i++;
				}
			} else if (c_isalpha(CH(i))) {
				f->ftype[f->nf] = F_SPECIAL;
				APPEND(f, c_lower((char)CH(i)));
				i++;
				while (c_isalpha(CH(i))) {
					APPEND(f, c_lower((char)CH(i)));
					i++;
				}
			} else {
				return DTERR_BAD_FORMAT;
			}
		} else if (c_ispunct(CH(i))) {
			i++;
			continue;
		} else {
			return DTERR_BAD_FORMAT;
		}
		/* force in a delimiter after each field */
		f->buf[f->pos++] = '\0';
		f->nf++;
	}
#undef CH
	return 0;
}

/* ---- tokens ------------------------------------------------------------- */

enum ttype {
	RESERV = 0,
	MONTH = 1,
	YEAR = 2,
	DAY = 3,
	JULIAN = 4,
	TZ = 5,
	DTZ = 6,
	IGNORE_DTF = 8,
	AMPM = 9,
	HOUR = 10,
	MINUTE = 11,
	SECOND = 12,
	MILLISECOND = 13,
	MICROSECOND = 14,
	DOY = 15,
	DOW = 16,
	UNITS = 17,
	ADBC = 18,
	ISOTIME = 23,
	DTZMOD = 28,
	UNKNOWN_FIELD = 31,
};

#define M(t) ((int)(1u << (t)))
#define DATE_M (M(YEAR) | M(MONTH) | M(DAY))
#define TIME_M \
	(M(HOUR) | M(MINUTE) | M(SECOND) | M(MILLISECOND) | M(MICROSECOND))
#define ALL_SECS_M (M(SECOND) | M(MILLISECOND) | M(MICROSECOND))

/* Values of RESERV and UNITS tokens (PostgreSQL's DTK_*). */
enum dtk {
	DTK_DATE = 2,
	DTK_TIME = 3,
	DTK_TZ = 4,
	DTK_EARLY = 9,
	DTK_LATE = 10,
	DTK_EPOCH = 11,
	DTK_NOW = 12,
	DTK_YESTERDAY = 13,
	DTK_TODAY = 14,
	DTK_TOMORROW = 15,
	DTK_ZULU = 16,
	DTK_SECOND = 18,
	DTK_MINUTE = 19,
	DTK_HOUR = 20,
	DTK_DAY = 21,
	DTK_MONTH = 23,
	DTK_YEAR = 25,
	DTK_JULIAN = 31,
	DTK_DOW = 32,
	DTK_DOY = 33,
	DTK_ISOYEAR = 36,
	DTK_ISODOW = 37,
};

enum { AM = 0, PM = 1, HR24 = 2, AD = 0, BC = 1 };

struct tok {
	const char *name;
	int type, value;
};

/* datetktbl of PostgreSQL 15, sorted. */
static const struct tok datetk[] = {
	{"-infinity", RESERV, DTK_EARLY},
	{"ad", ADBC, AD},
	{"allballs", RESERV, DTK_ZULU},
	{"am", AMPM, AM},
	{"apr", MONTH, 4},
	{"april", MONTH, 4},
	{"at", IGNORE_DTF, 0},
	{"aug", MONTH, 8},
	{"august", MONTH, 8},
	{"bc", ADBC, BC},
	{"d", UNITS, DTK_DAY},
	{"dec", MONTH, 12},
	{"december", MONTH, 12},
	{"dow", UNITS, DTK_DOW},
	{"doy", UNITS, DTK_DOY},
	{"dst", DTZMOD, 3600},
	{"epoch", RESERV, DTK_EPOCH},
	{"feb", MONTH, 2},
	{"february", MONTH, 2},
	{"fri", DOW, 5},
	{"friday", DOW, 5},
	{"h", UNITS, DTK_HOUR},
	{"infinity", RESERV, DTK_LATE},
	{"isodow", UNITS, DTK_ISODOW},
	{"isoyear", UNITS, DTK_ISOYEAR},
	{"j", UNITS, DTK_JULIAN},
	{"jan", MONTH, 1},
	{"january", MONTH, 1},
	{"jd", UNITS, DTK_JULIAN},
	{"jul", MONTH, 7},
	{"julian", UNITS, DTK_JULIAN},
	{"july", MONTH, 7},
	{"jun", MONTH, 6},
	{"june", MONTH, 6},
	{"m", UNITS, DTK_MONTH},
	{"mar", MONTH, 3},
	{"march", MONTH, 3},
	{"may", MONTH, 5},
	{"mm", UNITS, DTK_MINUTE},
	{"mon", DOW, 1},
	{"monday", DOW, 1},
	{"nov", MONTH, 11},
	{"november", MONTH, 11},
	{"now", RESERV, DTK_NOW},
	{"oct", MONTH, 10},
	{"october", MONTH, 10},
	{"on", IGNORE_DTF, 0},
	{"pm", AMPM, PM},
	{"s", UNITS, DTK_SECOND},
	{"sat", DOW, 6},
	{"saturday", DOW, 6},
	{"sep", MONTH, 9},
	{"sept", MONTH, 9},
	{"september", MONTH, 9},
	{"sun", DOW, 0},
	{"sunday", DOW, 0},
	{"t", ISOTIME, DTK_TIME},
	{"thu", DOW, 4},
	{"thur", DOW, 4},
	{"thurs", DOW, 4},
	{"thursday", DOW, 4},
	{"today", RESERV, DTK_TODAY},
	{"tomorrow", RESERV, DTK_TOMORROW},
	{"tue", DOW, 2},
	{"tues", DOW, 2},
	{"tuesday", DOW, 2},
	{"wed", DOW, 3},
	{"wednesday", DOW, 3},
	{"weds", DOW, 3},
	{"y", UNITS, DTK_YEAR},
	{"yesterday", RESERV, DTK_YESTERDAY},
};

/*
 * The fixed-offset abbreviations of PostgreSQL's "Default"
 * timezone_abbreviations set (offset east in seconds, DST flag). The
 * dynamic ones (e.g. MSK, defined by a zone's history) are not included.
 */
struct abbrev {
	const char *name;
	int32_t off;
	int dst;
};
static const struct abbrev abbrevs[] = {
	{"acdt", 37800, 1},   {"acsst", 37800, 1},  {"acst", 34200, 0},
	{"acwst", 31500, 0},  {"act", -18000, 0},   {"adt", -10800, 1},
	{"aedt", 39600, 1},   {"aesst", 39600, 1},  {"aest", 36000, 0},
	{"aft", 16200, 0},    {"akdt", -28800, 1},  {"akst", -32400, 0},
	{"almst", 25200, 1},  {"almt", 21600, 0},   {"amt", -14400, 0},
	{"ast", -14400, 0},   {"awsst", 32400, 1},  {"awst", 28800, 0},
	{"azost", 0, 1},      {"azot", -3600, 0},   {"bdt", 21600, 0},
	{"bnt", 28800, 0},    {"bort", 28800, 0},   {"bot", -14400, 0},
	{"bra", -10800, 0},   {"brst", -7200, 1},   {"brt", -10800, 0},
	{"bst", 3600, 1},     {"btt", 21600, 0},    {"cadt", 37800, 1},
	{"cast", 34200, 0},   {"cct", 28800, 0},    {"cdt", -18000, 1},
	{"cest", 7200, 1},    {"cet", 3600, 0},	    {"cetdst", 7200, 1},
	{"chadt", 49500, 1},  {"chast", 45900, 0},  {"ckt", -36000, 0},
	{"clst", -10800, 1},  {"cot", -18000, 0},   {"cst", -21600, 0},
	{"cxt", 25200, 0},    {"ddut", 36000, 0},   {"easst", -18000, 1},
	{"eat", 10800, 0},    {"edt", -14400, 1},   {"eest", 10800, 1},
	{"eet", 7200, 0},     {"eetdst", 10800, 1}, {"egst", 0, 1},
	{"egt", -3600, 0},    {"est", -18000, 0},   {"fjst", 46800, 1},
	{"fjt", 43200, 0},    {"fnst", -3600, 1},   {"fnt", -7200, 0},
	{"galt", -21600, 0},  {"gamt", -32400, 0},  {"gft", -10800, 0},
	{"gilt", 43200, 0},   {"gmt", 0, 0},	    {"hdt", -32400, 1},
	{"hkt", 28800, 0},    {"hst", -36000, 0},   {"ict", 25200, 0},
	{"idt", 10800, 1},    {"irt", 12600, 0},    {"ist", 7200, 0},
	{"jayt", 32400, 0},   {"jst", 32400, 0},    {"kdt", 36000, 1},
	{"kgst", 21600, 1},   {"kost", 39600, 0},   {"kst", 32400, 0},
	{"lhst", 37800, 0},   {"ligt", 36000, 0},   {"mart", -34200, 0},
	{"mest", 7200, 1},    {"metdst", 7200, 1},  {"met", 3600, 0},
	{"mez", 3600, 0},     {"mdt", -21600, 1},   {"mht", 43200, 0},
	{"mmt", 23400, 0},    {"mpt", 36000, 0},    {"mst", -25200, 0},
	{"mut", 14400, 0},    {"mvt", 18000, 0},    {"myt", 28800, 0},
	{"nct", 39600, 0},    {"ndt", -9000, 1},    {"nft", -12600, 0},
	{"npt", 20700, 0},    {"nst", -12600, 0},   {"nzdt", 46800, 1},
	{"nzst", 43200, 0},   {"nzt", 43200, 0},    {"pdt", -25200, 1},
	{"pet", -18000, 0},   {"pgt", 36000, 0},    {"pht", 28800, 0},
	{"pkst", 21600, 1},   {"pkt", 18000, 0},    {"pmdt", -7200, 1},
	{"pmst", -10800, 0},  {"pont", 39600, 0},   {"pst", -28800, 0},
	{"pwt", 32400, 0},    {"pyst", -10800, 1},  {"ret", 14400, 0},
	{"sadt", 37800, 1},   {"sast", 7200, 0},    {"sct", 14400, 0},
	{"tahst", -36000, 0}, {"tft", 18000, 0},    {"tjt", 18000, 0},
	{"tmt", 46800, 0},    {"tot", 46800, 0},    {"truk", 36000, 0},
	{"tvt", 43200, 0},    {"ulast", 32400, 1},  {"ut", 0, 0},
	{"utc", 0, 0},	      {"uyst", -7200, 1},   {"uyt", -10800, 0},
	{"uzst", 21600, 1},   {"uzt", 18000, 0},    {"vut", 39600, 0},
	{"wadt", 28800, 1},   {"wakt", 43200, 0},   {"wast", 25200, 0},
	{"wat", 3600, 0},     {"wdt", 32400, 1},    {"wet", 0, 0},
	{"wetdst", 3600, 1},  {"wft", 43200, 0},    {"wgst", -7200, 1},
	{"wgt", -10800, 0},   {"xjt", 21600, 0},    {"yapt", 36000, 0},
	{"yekst", 21600, 1},  {"z", 0, 0},	    {"zulu", 0, 0},
};

static const struct tok *find_token(const char *s)
{
	/* Keys compare on their first TOKMAXLEN characters, as
	 * datebsearch(); every token is shorter, so that is equality. */
	size_t lo = 0, hi = sizeof(datetk) / sizeof(datetk[0]);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(s, datetk[mid].name, TOKMAXLEN);
		if (c == 0)
			return &datetk[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int is_core_token(const char *s)
{
	return find_token(s) != NULL;
}

int alx_dt_is_core_token(const char *s)
{
	return is_core_token(s);
}

static const struct abbrev *find_abbrev(const char *s)
{
	for (size_t i = 0; i < sizeof(abbrevs) / sizeof(abbrevs[0]); i++)
		if (strncmp(s, abbrevs[i].name, TOKMAXLEN) == 0)
			return &abbrevs[i];
	return NULL;
}

/* ---- Decode* helpers ---------------------------------------------------- */

/* strtol limited to int, as PostgreSQL's strtoint(). */
static int strtoint(const char *s, char **end, int *ovf)
{
	errno = 0;
	long v = strtol(s, end, 10);
	*ovf = errno == ERANGE || v > INT_MAX || v < INT_MIN;
	return (int)v;
}

/* atoi() as glibc does it: strtol truncated to int. */
static int c_atoi(const char *s)
{
	long v = strtol(s, NULL, 10);
	return (int)(unsigned int)(unsigned long)v;
}

/* ParseFraction(): ".ddd"; a lone "." is zero. */
static int parse_fraction(const char *cp, double *frac)
{
	if (cp[1] == '\0') {
		*frac = 0;
		return 0;
	}
	char *end;
	errno = 0;
	*frac = strtod(cp, &end);
	if (*end != '\0' || errno != 0)
		return DTERR_BAD_FORMAT;
	return 0;
}

static int parse_frac_second(const char *cp, int32_t *fsec)
{
	double frac;
	int r = parse_fraction(cp, &frac);
	if (r)
		return r;
	*fsec = (int32_t)rint(frac * 1000000);
	return 0;
}

struct dstate {
	struct alx_dt_tm tm;
	int32_t fsec;
	int tz;	     /* PostgreSQL convention: seconds WEST of UTC */
	int have_tz; /* tzp != NULL in PostgreSQL terms: always here */
	int is2digits;
	int yday;
	int isdst;
};

static int decode_number_field(int len, char *str, int fmask, int *tmask,
			       struct dstate *st)
{
	char *cp = strchr(str, '.');
	if (cp != NULL) {
		if (cp[1] == '\0') {
			st->fsec = 0;
		} else {
			errno = 0;
			double frac = strtod(cp, NULL);
			if (errno != 0)
				return DTERR_BAD_FORMAT;
			st->fsec = (int32_t)rint(frac * 1000000);
		}
		*cp = '\0';
		len = (int)strlen(str);
	} else if ((fmask & DATE_M) != DATE_M) {
		if (len >= 6) {
			*tmask = DATE_M;
			st->tm.mday = c_atoi(str + (len - 2));
			str[len - 2] = '\0';
			st->tm.mon = c_atoi(str + (len - 4));
			str[len - 4] = '\0';
			st->tm.year = c_atoi(str);
			if ((len - 4) == 2)
				st->is2digits = 1;
			return DTK_DATE;
		}
	}
	if ((fmask & TIME_M) != TIME_M) {
		if (len == 6) {
			*tmask = TIME_M;
			st->tm.sec = c_atoi(str + 4);
			str[4] = '\0';
			st->tm.min = c_atoi(str + 2);
			str[2] = '\0';
			st->tm.hour = c_atoi(str);
			return DTK_TIME;
		} else if (len == 4) {
			*tmask = TIME_M;
			st->tm.sec = 0;
			st->tm.min = c_atoi(str + 2);
			str[2] = '\0';
			st->tm.hour = c_atoi(str);
			return DTK_TIME;
		}
	}
	return DTERR_BAD_FORMAT;
}

static int decode_number(int flen, char *str, int have_text_month, int fmask,
			 int *tmask, struct dstate *st)
{
	char *cp;
	int ovf;
	*tmask = 0;
	int val = strtoint(str, &cp, &ovf);
	if (ovf)
		return DTERR_FIELD_OVERFLOW;
	if (cp == str)
		return DTERR_BAD_FORMAT;
	if (*cp == '.') {
		if (cp - str > 2) {
			int r = decode_number_field(flen, str, fmask | DATE_M,
						    tmask, st);
			return r < 0 ? r : 0;
		}
		int r = parse_frac_second(cp, &st->fsec);
		if (r)
			return r;
	} else if (*cp != '\0') {
		return DTERR_BAD_FORMAT;
	}
	if (flen == 3 && (fmask & DATE_M) == M(YEAR) && val >= 1 &&
	    val <= 366) {
		*tmask = M(DOY) | M(MONTH) | M(DAY);
		st->yday = val;
		return 0;
	}
	switch (fmask & DATE_M) {
	case 0:
		/* MDY: a three-digit-or-longer first field is a year. */
		if (flen >= 3) {
			*tmask = M(YEAR);
			st->tm.year = val;
		} else {
			*tmask = M(MONTH);
			st->tm.mon = val;
		}
		break;
	case M(YEAR):
		*tmask = M(MONTH);
		st->tm.mon = val;
		break;
	case M(MONTH):
		if (have_text_month) {
			if (flen >= 3) {
				*tmask = M(YEAR);
				st->tm.year = val;
			} else {
				*tmask = M(DAY);
				st->tm.mday = val;
			}
		} else {
			*tmask = M(DAY);
			st->tm.mday = val;
		}
		break;
	case M(YEAR) | M(MONTH):
		if (have_text_month) {
			if (flen >= 3 && st->is2digits) {
				*tmask = M(DAY);
				st->tm.mday = st->tm.year;
				st->tm.year = val;
				st->is2digits = 0;
			} else {
				*tmask = M(DAY);
				st->tm.mday = val;
			}
		} else {
			*tmask = M(DAY);
			st->tm.mday = val;
		}
		break;
	case M(DAY):
		*tmask = M(MONTH);
		st->tm.mon = val;
		break;
	case M(MONTH) | M(DAY):
		*tmask = M(YEAR);
		st->tm.year = val;
		break;
	case M(YEAR) | M(MONTH) | M(DAY): {
		int r = decode_number_field(flen, str, fmask, tmask, st);
		return r < 0 ? r : 0;
	}
	default:
		return DTERR_BAD_FORMAT;
	}
	if (*tmask == M(YEAR))
		st->is2digits = flen <= 2;
	return 0;
}

static int decode_date(char *str, int fmask, int *tmask, struct dstate *st)
{
	char *field[MAXDATEFIELDS];
	int nf = 0, have_text_month = 0, dmask = 0;
	*tmask = 0;
	while (*str != '\0' && nf < MAXDATEFIELDS) {
		while (*str != '\0' && !c_isalnum((unsigned char)*str))
			str++;
		if (*str == '\0')
			return DTERR_BAD_FORMAT;
		field[nf] = str;
		if (c_isdigit((unsigned char)*str)) {
			while (c_isdigit((unsigned char)*str))
				str++;
		} else if (c_isalpha((unsigned char)*str)) {
			while (c_isalpha((unsigned char)*str))
				str++;
		}
		if (*str != '\0')
			*str++ = '\0';
		nf++;
	}
	for (int i = 0; i < nf; i++) {
		if (!c_isalpha((unsigned char)*field[i]))
			continue;
		const struct tok *t = find_token(field[i]);
		int type = t ? t->type : UNKNOWN_FIELD;
		if (type == IGNORE_DTF)
			continue;
		dmask = M(type);
		if (type != MONTH)
			return DTERR_BAD_FORMAT;
		st->tm.mon = t->value;
		have_text_month = 1;
		if (fmask & dmask)
			return DTERR_BAD_FORMAT;
		fmask |= dmask;
		*tmask |= dmask;
		field[i] = NULL;
	}
	for (int i = 0; i < nf; i++) {
		if (field[i] == NULL)
			continue;
		int len = (int)strlen(field[i]);
		if (len <= 0)
			return DTERR_BAD_FORMAT;
		int r = decode_number(len, field[i], have_text_month, fmask,
				      &dmask, st);
		if (r)
			return r;
		if (fmask & dmask)
			return DTERR_BAD_FORMAT;
		fmask |= dmask;
		*tmask |= dmask;
	}
	if ((fmask & ~(M(DOY) | M(TZ))) != DATE_M)
		return DTERR_BAD_FORMAT;
	return 0;
}

static int decode_time(const char *str, int *tmask, struct dstate *st)
{
	char *cp;
	int ovf;
	*tmask = TIME_M;
	st->tm.hour = strtoint(str, &cp, &ovf);
	if (ovf)
		return DTERR_FIELD_OVERFLOW;
	if (*cp != ':')
		return DTERR_BAD_FORMAT;
	st->tm.min = strtoint(cp + 1, &cp, &ovf);
	if (ovf)
		return DTERR_FIELD_OVERFLOW;
	if (*cp == '\0') {
		st->tm.sec = 0;
		st->fsec = 0;
	} else if (*cp == '.') {
		/* mm:ss.sss */
		int r = parse_frac_second(cp, &st->fsec);
		if (r)
			return r;
		st->tm.sec = st->tm.min;
		st->tm.min = st->tm.hour;
		st->tm.hour = 0;
	} else if (*cp == ':') {
		st->tm.sec = strtoint(cp + 1, &cp, &ovf);
		if (ovf)
			return DTERR_FIELD_OVERFLOW;
		if (*cp == '\0') {
			st->fsec = 0;
		} else if (*cp == '.') {
			int r = parse_frac_second(cp, &st->fsec);
			if (r)
				return r;
		} else {
			return DTERR_BAD_FORMAT;
		}
	} else {
		return DTERR_BAD_FORMAT;
	}
	if (st->tm.hour < 0 || st->tm.min < 0 || st->tm.min > 59 ||
	    st->tm.sec < 0 || st->tm.sec > 60 || st->fsec < 0 ||
	    st->fsec > 1000000)
		return DTERR_FIELD_OVERFLOW;
	return 0;
}

static int decode_timezone(const char *str, int *tzp)
{
	char *cp;
	int ovf, hr, min, sec = 0;
	if (*str != '+' && *str != '-')
		return DTERR_BAD_FORMAT;
	hr = strtoint(str + 1, &cp, &ovf);
	if (ovf)
		return DTERR_TZDISP_OVERFLOW;
	if (*cp == ':') {
		min = strtoint(cp + 1, &cp, &ovf);
		if (ovf)
			return DTERR_TZDISP_OVERFLOW;
		if (*cp == ':') {
			sec = strtoint(cp + 1, &cp, &ovf);
			if (ovf)
				return DTERR_TZDISP_OVERFLOW;
		}
	} else if (*cp == '\0' && strlen(str) > 3) {
		min = hr % 100;
		hr = hr / 100;
	} else {
		min = 0;
	}
	if (hr < 0 || hr > 15)
		return DTERR_TZDISP_OVERFLOW;
	if (min < 0 || min >= 60)
		return DTERR_TZDISP_OVERFLOW;
	if (sec < 0 || sec >= 60)
		return DTERR_TZDISP_OVERFLOW;
	int tz = (hr * 60 + min) * 60 + sec;
	if (*str == '-')
		tz = -tz;
	*tzp = -tz;
	if (*cp != '\0')
		return DTERR_BAD_FORMAT;
	return 0;
}

static int validate_date(int fmask, int isjulian, int is2digits, int bc,
			 struct dstate *st)
{
	struct alx_dt_tm *tm = &st->tm;
	if (fmask & M(YEAR)) {
		if (isjulian) {
			/* tm_year is correct and should not be touched */
		} else if (bc) {
			if (tm->year <= 0)
				return DTERR_FIELD_OVERFLOW;
			tm->year = -(tm->year - 1);
		} else if (is2digits) {
			if (tm->year < 0)
				return DTERR_FIELD_OVERFLOW;
			if (tm->year < 70)
				tm->year += 2000;
			else if (tm->year < 100)
				tm->year += 1900;
		} else {
			if (tm->year <= 0)
				return DTERR_FIELD_OVERFLOW;
		}
	}
	if (fmask & M(DOY)) {
		if (!alx_dt_valid_julian(tm->year, 1, 1))
			return DTERR_FIELD_OVERFLOW;
		alx_dt_j2date(alx_dt_date2j(tm->year, 1, 1) + st->yday - 1,
			      &tm->year, &tm->mon, &tm->mday);
	}
	if (fmask & M(MONTH)) {
		if (tm->mon < 1 || tm->mon > 12)
			return DTERR_MD_FIELD_OVERFLOW;
	}
	if (fmask & M(DAY)) {
		if (tm->mday < 1 || tm->mday > 31)
			return DTERR_MD_FIELD_OVERFLOW;
	}
	if ((fmask & DATE_M) == DATE_M) {
		if (tm->mday > day_tab[isleap(tm->year)][tm->mon - 1])
			return DTERR_FIELD_OVERFLOW;
	}
	return 0;
}

static int time_overflows(int hour, int min, int sec, int32_t fsec)
{
	if (hour < 0 || hour > 24 || min < 0 || min >= 60 || sec < 0 ||
	    sec > 60 || fsec < 0 || fsec > 1000000)
		return 1;
	if ((((((int64_t)hour * 60 + min) * 60) + sec) * USECS_PER_SEC) + fsec >
	    USECS_PER_DAY)
		return 1;
	return 0;
}

struct session {
	const struct alx_tz *tz;
	int32_t off;
	int64_t now; /* ALX_DT_NO_CLOCK: none */
	char badzone[MAXDATELEN + 1];
	/* A zone named in the text: at most one can be used, so it lives
	 * here, file bytes included, and input needs no allocator. */
	struct alx_tz zone;
	uint8_t zbuf[ALX_TZ_FILE_MAX];
};

/* The current local time, as GetCurrentTimeUsec(). */
static int current_tm(const struct session *s, struct alx_dt_tm *tm)
{
	if (s->now == ALX_DT_NO_CLOCK)
		return DTERR_NO_CLOCK;
	if (alx_dt_ts2tm(s->now, 1, s->tz, s->off, tm) != 0)
		return DTERR_FIELD_OVERFLOW;
	return 0;
}

static int current_date_shift(const struct session *s, int shift,
			      struct dstate *st)
{
	struct alx_dt_tm cur;
	int r = current_tm(s, &cur);
	if (r)
		return r;
	alx_dt_j2date(alx_dt_date2j(cur.year, cur.mon, cur.mday) + shift,
		      &st->tm.year, &st->tm.mon, &st->tm.mday);
	return 0;
}

/* Look a zone name up, as pg_tzset(). */
static int named_zone(struct session *s, const char *name,
		      const struct alx_tz **out)
{
	if (alx_dt_tz_lookup_into(&s->zone, s->zbuf, sizeof(s->zbuf), name,
				  strlen(name)) != 0)
		return -1;
	*out = &s->zone;
	return 0;
}

static int decode_datetime(struct fields *f, struct session *s, int *dtype,
			   struct dstate *st)
{
	int fmask = 0, tmask, type, val, mer = HR24, have_text_month = 0;
	int isjulian = 0, bc = 0, ptype = 0, r;
	const struct alx_tz *named = NULL;
	*dtype = DTK_DATE;
	memset(st, 0, sizeof(*st));
	st->isdst = -1;
	for (int i = 0; i < f->nf; i++) {
		char *fld = f->field[i];
		switch (f->ftype[i]) {
		case F_DATE:
			if (ptype == DTK_JULIAN) {
				char *cp;
				int ovf;
				int jday = strtoint(fld, &cp, &ovf);
				if (ovf || jday < 0)
					return DTERR_FIELD_OVERFLOW;
				alx_dt_j2date(jday, &st->tm.year, &st->tm.mon,
					      &st->tm.mday);
				isjulian = 1;
				r = decode_timezone(cp, &st->tz);
				if (r)
					return r;
				tmask = DATE_M | TIME_M | M(TZ);
				ptype = 0;
				break;
			} else if (ptype != 0 ||
				   ((fmask & (M(MONTH) | M(DAY))) ==
				    (M(MONTH) | M(DAY)))) {
				if (c_isdigit((unsigned char)*fld) ||
				    ptype != 0) {
					if (ptype != 0) {
						if (ptype != DTK_TIME)
							return DTERR_BAD_FORMAT;
						ptype = 0;
					}
					if ((fmask & TIME_M) == TIME_M)
						return DTERR_BAD_FORMAT;
					char *cp = strchr(fld, '-');
					if (cp == NULL)
						return DTERR_BAD_FORMAT;
					r = decode_timezone(cp, &st->tz);
					if (r)
						return r;
					*cp = '\0';
					r = decode_number_field(
						(int)strlen(fld), fld, fmask,
						&tmask, st);
					if (r < 0)
						return r;
					tmask |= M(TZ);
				} else {
					r = named_zone(s, fld, &named);
					if (r != 0) {
						snprintf(s->badzone,
							 sizeof(s->badzone),
							 "%s", fld);
						return DTERR_BAD_ZONE;
					}
					tmask = M(TZ);
				}
			} else {
				r = decode_date(fld, fmask, &tmask, st);
				if (r)
					return r;
			}
			break;
		case F_TIME:
			if (ptype != 0) {
				if (ptype != DTK_TIME)
					return DTERR_BAD_FORMAT;
				ptype = 0;
			}
			r = decode_time(fld, &tmask, st);
			if (r)
				return r;
			if (time_overflows(st->tm.hour, st->tm.min, st->tm.sec,
					   st->fsec))
				return DTERR_FIELD_OVERFLOW;
			break;
		case F_TZ: {
			int tz;
			r = decode_timezone(fld, &tz);
			if (r)
				return r;
			st->tz = tz;
			tmask = M(TZ);
			break;
		}
		case F_NUMBER:
			if (ptype != 0) {
				char *cp;
				int ovf;
				int value = strtoint(fld, &cp, &ovf);
				if (ovf)
					return DTERR_FIELD_OVERFLOW;
				if (*cp == '.') {
					if (ptype != DTK_JULIAN &&
					    ptype != DTK_TIME &&
					    ptype != DTK_SECOND)
						return DTERR_BAD_FORMAT;
				} else if (*cp != '\0') {
					return DTERR_BAD_FORMAT;
				}
				switch (ptype) {
				case DTK_YEAR:
					st->tm.year = value;
					tmask = M(YEAR);
					break;
				case DTK_MONTH:
					if ((fmask & M(MONTH)) != 0 &&
					    (fmask & M(HOUR)) != 0) {
						st->tm.min = value;
						tmask = M(MINUTE);
					} else {
						st->tm.mon = value;
						tmask = M(MONTH);
					}
					break;
				case DTK_DAY:
					st->tm.mday = value;
					tmask = M(DAY);
					break;
				case DTK_HOUR:
					st->tm.hour = value;
					tmask = M(HOUR);
					break;
				case DTK_MINUTE:
					st->tm.min = value;
					tmask = M(MINUTE);
					break;
				case DTK_SECOND:
					st->tm.sec = value;
					tmask = M(SECOND);
					if (*cp == '.') {
						r = parse_frac_second(
							cp, &st->fsec);
						if (r)
							return r;
						tmask = ALL_SECS_M;
					}
					break;
				case DTK_JULIAN:
					if (value < 0)
						return DTERR_FIELD_OVERFLOW;
					tmask = DATE_M;
					alx_dt_j2date(value, &st->tm.year,
						      &st->tm.mon,
						      &st->tm.mday);
					isjulian = 1;
					if (*cp == '.') {
						double t;
						r = parse_fraction(cp, &t);
						if (r)
							return r;
						int64_t us = (int64_t)rint(
							t *
							(double)USECS_PER_DAY);
						st->tm.hour =
							(int)(us /
							      (3600 *
							       USECS_PER_SEC));
						us -= (int64_t)st->tm.hour *
						      3600 * USECS_PER_SEC;
						st->tm.min =
							(int)(us /
							      (60 *
							       USECS_PER_SEC));
						us -= (int64_t)st->tm.min * 60 *
						      USECS_PER_SEC;
						st->tm.sec =
							(int)(us /
							      USECS_PER_SEC);
						st->fsec =
							(int32_t)(us -
								  st->tm.sec *
									  USECS_PER_SEC);
						tmask |= TIME_M;
					}
					break;
				case DTK_TIME:
					r = decode_number_field(
						(int)strlen(fld), fld,
						fmask | DATE_M, &tmask, st);
					if (r < 0)
						return r;
					if (tmask != TIME_M)
						return DTERR_BAD_FORMAT;
					break;
				default:
					return DTERR_BAD_FORMAT;
				}
				ptype = 0;
				*dtype = DTK_DATE;
			} else {
				int flen = (int)strlen(fld);
				char *cp = strchr(fld, '.');
				if (cp != NULL && !(fmask & DATE_M)) {
					r = decode_date(fld, fmask, &tmask, st);
					if (r)
						return r;
				} else if (cp != NULL &&
					   flen - (int)strlen(cp) > 2) {
					r = decode_number_field(
						flen, fld, fmask, &tmask, st);
					if (r < 0)
						return r;
				} else if (flen >= 6 && (!(fmask & DATE_M) ||
							 !(fmask & TIME_M))) {
					r = decode_number_field(
						flen, fld, fmask, &tmask, st);
					if (r < 0)
						return r;
				} else {
					r = decode_number(flen, fld,
							  have_text_month,
							  fmask, &tmask, st);
					if (r)
						return r;
				}
			}
			break;
		case F_STRING:
		case F_SPECIAL: {
			const struct abbrev *ab = find_abbrev(fld);
			const struct tok *t = NULL;
			if (ab != NULL) {
				type = ab->dst ? DTZ : TZ;
				val = ab->off;
			} else {
				t = find_token(fld);
				type = t ? t->type : UNKNOWN_FIELD;
				val = t ? t->value : 0;
			}
			if (type == IGNORE_DTF)
				continue;
			tmask = M(type);
			switch (type) {
			case RESERV:
				switch (val) {
				case DTK_NOW:
					tmask = DATE_M | TIME_M | M(TZ);
					*dtype = DTK_DATE;
					r = current_tm(s, &st->tm);
					if (r)
						return r;
					st->fsec = st->tm.fsec;
					st->tz = -st->tm.gmtoff;
					break;
				case DTK_YESTERDAY:
				case DTK_TODAY:
				case DTK_TOMORROW:
					tmask = DATE_M;
					*dtype = DTK_DATE;
					r = current_date_shift(
						s,
						val == DTK_YESTERDAY ? -1
						: val == DTK_TODAY   ? 0
								     : 1,
						st);
					if (r)
						return r;
					break;
				case DTK_ZULU:
					tmask = TIME_M | M(TZ);
					*dtype = DTK_DATE;
					st->tm.hour = 0;
					st->tm.min = 0;
					st->tm.sec = 0;
					st->tz = 0;
					break;
				default: /* epoch, infinity, -infinity */
					tmask = DATE_M | TIME_M | M(TZ);
					*dtype = val;
					break;
				}
				break;
			case MONTH:
				if ((fmask & M(MONTH)) && !have_text_month &&
				    !(fmask & M(DAY)) && st->tm.mon >= 1 &&
				    st->tm.mon <= 31) {
					st->tm.mday = st->tm.mon;
					tmask = M(DAY);
				}
				have_text_month = 1;
				st->tm.mon = val;
				break;
			case DTZMOD:
				tmask |= M(DTZ);
				st->isdst = 1;
				st->tz -= val;
				break;
			case DTZ:
				tmask |= M(TZ);
				st->isdst = 1;
				st->tz = -val;
				break;
			case TZ:
				st->isdst = 0;
				st->tz = -val;
				break;
			case AMPM:
				mer = val;
				break;
			case ADBC:
				bc = val == BC;
				break;
			case DOW:
				break;
			case UNITS:
				tmask = 0;
				if (ptype != 0)
					return DTERR_BAD_FORMAT;
				ptype = val;
				break;
			case ISOTIME:
				tmask = 0;
				if ((fmask & DATE_M) != DATE_M)
					return DTERR_BAD_FORMAT;
				if (ptype != 0)
					return DTERR_BAD_FORMAT;
				if (i >= f->nf - 1 ||
				    (f->ftype[i + 1] != F_NUMBER &&
				     f->ftype[i + 1] != F_TIME &&
				     f->ftype[i + 1] != F_DATE))
					return DTERR_BAD_FORMAT;
				ptype = val;
				break;
			case UNKNOWN_FIELD:
				r = named_zone(s, fld, &named);
				if (r != 0)
					return DTERR_BAD_FORMAT;
				tmask = M(TZ);
				break;
			default:
				return DTERR_BAD_FORMAT;
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
	if (*dtype == DTK_DATE) {
		r = validate_date(fmask, isjulian, st->is2digits, bc, st);
		if (r)
			return r;
		if (mer != HR24 && st->tm.hour > 12)
			return DTERR_FIELD_OVERFLOW;
		if (mer == AM && st->tm.hour == 12)
			st->tm.hour = 0;
		else if (mer == PM && st->tm.hour != 12)
			st->tm.hour += 12;
		if ((fmask & DATE_M) != DATE_M) {
			if ((fmask & TIME_M) == TIME_M)
				return 1;
			return DTERR_BAD_FORMAT;
		}
		st->tm.fsec = st->fsec;
		if (named != NULL) {
			if (fmask & M(DTZMOD))
				return DTERR_BAD_FORMAT;
			st->tz = -alx_dt_local_offset(&st->tm, named, 0);
		}
		if (!(fmask & M(TZ))) {
			if (fmask & M(DTZMOD))
				return DTERR_BAD_FORMAT;
			st->tz = -alx_dt_local_offset(&st->tm, s->tz, s->off);
		}
	}
	st->tm.fsec = st->fsec;
	return 0;
}

/* DateTimeParseError(). */
static int parse_error(int dterr, const struct session *s, const char *str,
		       size_t len, const char *type, alopex_diag *d)
{
	int n = len > 400 ? 400 : (int)len;
	switch (dterr) {
	case DTERR_FIELD_OVERFLOW:
	case DTERR_MD_FIELD_OVERFLOW:
		return alx_diag_set(d, ALOPEX_ESQL, "22008",
				    "date/time field value out of range: "
				    "\"%.*s\"",
				    n, str);
	case DTERR_TZDISP_OVERFLOW:
		return alx_diag_set(d, ALOPEX_ESQL, "22009",
				    "time zone displacement out of range: "
				    "\"%.*s\"",
				    n, str);
	case DTERR_BAD_ZONE:
		return alx_diag_set(d, ALOPEX_ESQL, "22023",
				    "time zone \"%s\" not recognized",
				    s->badzone);
	case DTERR_NO_CLOCK:
		return alx_diag_set(d, ALOPEX_ESQL, "0A000",
				    "\"%.*s\" needs the current time, which "
				    "is not available here",
				    n, str);
	case DTERR_NOMEM:
		return alx_diag_set(d, ALOPEX_ENOMEM, NULL, "out of memory");
	default:
		return alx_diag_set(d, ALOPEX_ESQL, "22007",
				    "invalid input syntax for type %s: "
				    "\"%.*s\"",
				    type, n, str);
	}
}

static int decode_text(const char *text, size_t len, struct session *s,
		       int *dtype, struct dstate *st)
{
	struct fields f;
	f.cap = sizeof(f.buf);
	int r = parse_fields(text, len, &f);
	if (r == 0)
		r = decode_datetime(&f, s, dtype, st);
	return r;
}

/* ---- public input functions ---------------------------------------------- */

int alx_date_in(const char *text, size_t len, int32_t *out, alopex_diag *d)
{
	return alx_date_in_at(text, len, NULL, 0, ALX_DT_NO_CLOCK, out, d);
}

int alx_date_in_at(const char *text, size_t len, const struct alx_tz *tz,
		   int32_t tz_offset_sec, int64_t now_utc, int32_t *out,
		   alopex_diag *d)
{
	struct session s = {.tz = tz, .off = tz_offset_sec, .now = now_utc};
	int dtype;
	struct dstate st;
	int n = len > 400 ? 400 : (int)len;
	if (memchr(text, '\0', len) != NULL)
		return parse_error(DTERR_BAD_FORMAT, &s, text, len, "date", d);
	int r = decode_text(text, len, &s, &dtype, &st);
	if (r != 0)
		return parse_error(r, &s, text, len, "date", d);
	switch (dtype) {
	case DTK_DATE:
		break;
	case DTK_EPOCH:
		st.tm.year = 1970;
		st.tm.mon = 1;
		st.tm.mday = 1;
		break;
	case DTK_LATE:
		*out = ALX_DATE_NOEND;
		return 0;
	case DTK_EARLY:
		*out = ALX_DATE_NOBEGIN;
		return 0;
	default:
		return parse_error(DTERR_BAD_FORMAT, &s, text, len, "date", d);
	}
	if (!alx_dt_valid_julian(st.tm.year, st.tm.mon, st.tm.mday))
		return alx_diag_set(d, ALOPEX_ESQL, "22008",
				    "date out of range: \"%.*s\"", n, text);
	int32_t date = alx_dt_date2j(st.tm.year, st.tm.mon, st.tm.mday) -
		       ALX_POSTGRES_EPOCH_JDATE;
	if (!valid_date(date))
		return alx_diag_set(d, ALOPEX_ESQL, "22008",
				    "date out of range: \"%.*s\"", n, text);
	*out = date;
	return 0;
}

int alx_timestamp_in(const char *text, size_t len, int with_tz,
		     const struct alx_tz *tz, int32_t tz_offset_sec,
		     int64_t *out, alopex_diag *d)
{
	return alx_timestamp_in_at(text, len, with_tz, tz, tz_offset_sec,
				   ALX_DT_NO_CLOCK, out, d);
}

int alx_timestamp_in_at(const char *text, size_t len, int with_tz,
			const struct alx_tz *tz, int32_t tz_offset_sec,
			int64_t now_utc, int64_t *out, alopex_diag *d)
{
	const char *type = with_tz ? "timestamp with time zone" : "timestamp";
	struct session s = {.tz = tz, .off = tz_offset_sec, .now = now_utc};
	int dtype;
	struct dstate st;
	if (memchr(text, '\0', len) != NULL)
		return parse_error(DTERR_BAD_FORMAT, &s, text, len, type, d);
	int r = decode_text(text, len, &s, &dtype, &st);
	if (r != 0)
		return parse_error(r, &s, text, len, type, d);
	int64_t ts;
	switch (dtype) {
	case DTK_DATE:
		if (alx_dt_tm2ts(&st.tm, with_tz, -st.tz, &ts) != 0)
			return alx_diag_set(d, ALOPEX_ESQL, "22008",
					    "timestamp out of range: \"%.*s\"",
					    len > 400 ? 400 : (int)len, text);
		break;
	case DTK_EPOCH:
		ts = ALX_UNIX_EPOCH_TS;
		break;
	case DTK_LATE:
		ts = ALX_TS_NOEND;
		break;
	case DTK_EARLY:
		ts = ALX_TS_NOBEGIN;
		break;
	default:
		return parse_error(DTERR_BAD_FORMAT, &s, text, len, type, d);
	}
	*out = ts;
	return 0;
}
