/*
 * Helpers shared by the SQL value files (sql_value.c, sql_types.c,
 * sql_numeric.c, sql_float.c, sql_cast.c, sql_ops.c, sql_keyenc.c); not
 * for use outside them.
 */
#ifndef ALX_SQL_VALUE_INTERNAL_H
#define ALX_SQL_VALUE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alopex.h"
#include "sql/sql_value.h"

struct alx_arena;

/* ALOPEX_ESQL with a SQLSTATE and a printf message. */
int alx_sql_error(alopex_diag *d, const char *sqlstate, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* 22P02 `invalid input syntax for type <tname>: "<text>"`. */
int alx_sql_syntax_error(alopex_diag *d, const char *tname, const char *text,
			 size_t len);
/* ALOPEX_ENOMEM, SQLSTATE 53200 `out of memory`. */
int alx_sql_oom(alopex_diag *d);

/* isspace() in the C locale, as PostgreSQL's parsers use it. */
static inline bool alx_sql_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}
static inline int alx_sql_tolower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}
/* ASCII case-insensitive: does s[0..len) start with word? */
bool alx_sql_prefix_ci(const char *s, size_t len, const char *word);

/*
 * strtod/strtof that read '.' as the decimal point whatever the process
 * locale (an embedding application may have called setlocale). s must be
 * NUL-terminated; errno as strtod sets it.
 */
double alx_sql_strtod(const char *s, char **end);
float alx_sql_strtof(const char *s, char **end);
/* snprintf of one double with a %e/%g style conversion, '.' as decimal
 * point whatever the locale. */
int alx_sql_fmt_double(char *buf, size_t size, const char *fmt, int prec,
		       double v);

/* Characters (UTF-8 code points) in valid UTF-8. */
size_t alx_utf8_chars(const uint8_t *p, size_t len);
/* Byte length of the first n characters (all of it if shorter). */
size_t alx_utf8_prefix(const uint8_t *p, size_t len, size_t n);

/* Numbers: is this type INT2/INT4/INT8, FLOAT4/FLOAT8, any of NUMERIC? */
static inline bool alx_type_is_int(int t)
{
	return t == ALX_T_INT2 || t == ALX_T_INT4 || t == ALX_T_INT8;
}
static inline bool alx_type_is_float(int t)
{
	return t == ALX_T_FLOAT4 || t == ALX_T_FLOAT8;
}
static inline bool alx_type_is_number(int t)
{
	return alx_type_is_int(t) || alx_type_is_float(t) || t == ALX_T_NUMERIC;
}
static inline bool alx_type_is_string(int t)
{
	return t == ALX_T_TEXT || t == ALX_T_VARCHAR || t == ALX_T_BPCHAR;
}
/* Range of an integer type. */
void alx_int_range(int t, int64_t *min, int64_t *max);

/* The SQL name of a type for messages ("integer"); "unknown" too. */
const char *alx_type_name(int id);

/* Length of CHAR(n) data without trailing spaces. */
size_t alx_bpchar_trimmed(const uint8_t *p, size_t len);

/* The value as a double (ints, floats, numerics). */
double alx_value_to_double(const struct alx_value *v);

#endif
