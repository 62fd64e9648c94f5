/*
 * Return codes: one table gives each code its stable name, its one-line
 * description and the SQLSTATE it maps to when nothing more precise is
 * known (PostgreSQL's error classes, so pgwire clients see familiar values).
 */
#include "alopex.h"
#include "alx_diag.h"

#include <stddef.h>

struct code_info {
	int code;
	const char *name;
	const char *str;
	const char *sqlstate;
};

static const struct code_info codes[] = {
	{ALOPEX_OK, "ALOPEX_OK", "not an error", "00000"},
	{ALOPEX_ENOMEM, "ALOPEX_ENOMEM", "out of memory", "53200"},
	{ALOPEX_EINVAL, "ALOPEX_EINVAL", "invalid argument", "22023"},
	{ALOPEX_ENOTFOUND, "ALOPEX_ENOTFOUND", "not found", "42704"},
	{ALOPEX_EEXIST, "ALOPEX_EEXIST", "already exists", "42710"},
	{ALOPEX_EBUSY, "ALOPEX_EBUSY", "locked or in use", "55006"},
	{ALOPEX_EIO, "ALOPEX_EIO", "I/O failure", "58030"},
	{ALOPEX_ECONFLICT, "ALOPEX_ECONFLICT",
	 "write-write conflict: retry the transaction", "40001"},
	{ALOPEX_EREADONLY, "ALOPEX_EREADONLY",
	 "read-only transaction or database", "25006"},
	{ALOPEX_ENOTSUP, "ALOPEX_ENOTSUP", "not supported", "0A000"},
	{ALOPEX_EPROTO, "ALOPEX_EPROTO", "protocol violation", "08P01"},
	{ALOPEX_ECONFIG, "ALOPEX_ECONFIG", "invalid configuration", "F0000"},
	{ALOPEX_EABI, "ALOPEX_EABI", "plugin ABI mismatch", "58000"},
	{ALOPEX_EINTERNAL, "ALOPEX_EINTERNAL", "internal error", "XX000"},
	{ALOPEX_ECORRUPT, "ALOPEX_ECORRUPT",
	 "data is corrupt or not an Alopex directory", "XX001"},
	{ALOPEX_EMISUSE, "ALOPEX_EMISUSE", "API called out of sequence",
	 "55000"},
	{ALOPEX_ERANGE, "ALOPEX_ERANGE", "value out of range", "22003"},
	{ALOPEX_ESQL, "ALOPEX_ESQL", "SQL error", "42000"},
	{ALOPEX_ROW, "ALOPEX_ROW", "a row is available", "00000"},
	{ALOPEX_DONE, "ALOPEX_DONE", "no more rows", "00000"},
	{ALOPEX_AGAIN, "ALOPEX_AGAIN", "would block: call again", "00000"},
};

static const struct code_info *code_find(int code)
{
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == code)
			return &codes[i];
	return NULL;
}

const char *alopex_code_name(int code)
{
	const struct code_info *c = code_find(code);
	return c != NULL ? c->name : "ALOPEX_UNKNOWN";
}

const char *alopex_code_str(int code)
{
	const struct code_info *c = code_find(code);
	return c != NULL ? c->str : "unknown code";
}

const char *alx_code_sqlstate(int code)
{
	const struct code_info *c = code_find(code);
	if (c != NULL)
		return c->sqlstate;
	/* An unknown error is our bug; unknown flow values are not errors. */
	return code < 0 ? "XX000" : "00000";
}
