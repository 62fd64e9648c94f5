/*
 * The unit words of PostgreSQL 15's deltatktbl, looked up as DecodeUnits
 * does, for interval input and the date/time functions that take a unit.
 */
#include <string.h>

#include "sql/sql_dt_internal.h"

#define TOKMAXLEN 10

static const struct {
	const char *name;
	enum alx_dt_unit unit;
} delta_tokens[] = {
	{"@", ALX_DTU_IGNORE},
	{"ago", ALX_DTU_AGO},
	{"c", ALX_DTU_CENTURY},
	{"cent", ALX_DTU_CENTURY},
	{"centuries", ALX_DTU_CENTURY},
	{"century", ALX_DTU_CENTURY},
	{"d", ALX_DTU_DAY},
	{"day", ALX_DTU_DAY},
	{"days", ALX_DTU_DAY},
	{"dec", ALX_DTU_DECADE},
	{"decade", ALX_DTU_DECADE},
	{"decades", ALX_DTU_DECADE},
	{"decs", ALX_DTU_DECADE},
	{"h", ALX_DTU_HOUR},
	{"hour", ALX_DTU_HOUR},
	{"hours", ALX_DTU_HOUR},
	{"hr", ALX_DTU_HOUR},
	{"hrs", ALX_DTU_HOUR},
	{"m", ALX_DTU_MINUTE},
	{"microsecon", ALX_DTU_MICROSEC},
	{"mil", ALX_DTU_MILLENNIUM},
	{"millennia", ALX_DTU_MILLENNIUM},
	{"millennium", ALX_DTU_MILLENNIUM},
	{"millisecon", ALX_DTU_MILLISEC},
	{"mils", ALX_DTU_MILLENNIUM},
	{"min", ALX_DTU_MINUTE},
	{"mins", ALX_DTU_MINUTE},
	{"minute", ALX_DTU_MINUTE},
	{"minutes", ALX_DTU_MINUTE},
	{"mon", ALX_DTU_MONTH},
	{"mons", ALX_DTU_MONTH},
	{"month", ALX_DTU_MONTH},
	{"months", ALX_DTU_MONTH},
	{"ms", ALX_DTU_MILLISEC},
	{"msec", ALX_DTU_MILLISEC},
	{"mseconds", ALX_DTU_MILLISEC},
	{"msecs", ALX_DTU_MILLISEC},
	{"qtr", ALX_DTU_QUARTER},
	{"quarter", ALX_DTU_QUARTER},
	{"s", ALX_DTU_SECOND},
	{"sec", ALX_DTU_SECOND},
	{"second", ALX_DTU_SECOND},
	{"seconds", ALX_DTU_SECOND},
	{"secs", ALX_DTU_SECOND},
	{"timezone", ALX_DTU_TZ},
	{"timezone_h", ALX_DTU_TZ_HOUR},
	{"timezone_m", ALX_DTU_TZ_MINUTE},
	{"us", ALX_DTU_MICROSEC},
	{"usec", ALX_DTU_MICROSEC},
	{"useconds", ALX_DTU_MICROSEC},
	{"usecs", ALX_DTU_MICROSEC},
	{"w", ALX_DTU_WEEK},
	{"week", ALX_DTU_WEEK},
	{"weeks", ALX_DTU_WEEK},
	{"y", ALX_DTU_YEAR},
	{"year", ALX_DTU_YEAR},
	{"years", ALX_DTU_YEAR},
	{"yr", ALX_DTU_YEAR},
	{"yrs", ALX_DTU_YEAR},
};

enum alx_dt_unit alx_dt_delta_unit(const char *s)
{
	for (size_t i = 0; i < sizeof(delta_tokens) / sizeof(delta_tokens[0]);
	     i++)
		if (strncmp(s, delta_tokens[i].name, TOKMAXLEN) == 0)
			return delta_tokens[i].unit;
	return ALX_DTU_UNKNOWN;
}
