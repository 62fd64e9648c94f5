/* Diagnostics: fill an alopex_diag without allocating. */
#ifndef ALX_DIAG_H
#define ALX_DIAG_H

#include "alopex.h"

/* Reset to OK, SQLSTATE "00000", empty message. NULL-safe. */
void alx_diag_clear(alopex_diag *diag);
/*
 * Set code, SQLSTATE (NULL: derived from the code) and message; returns
 * `code` so callers can `return alx_diag_set(...)`. NULL-safe.
 */
int alx_diag_set(alopex_diag *diag, int code, const char *sqlstate,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* As alx_diag_set, with the file:line:col the problem was found at. */
int alx_diag_set_at(alopex_diag *diag, int code, const char *file,
		    unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Prefix the existing message with "prefix: ". */
void alx_diag_prefix(alopex_diag *diag, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The SQLSTATE a code maps to when no better one is known. */
const char *alx_code_sqlstate(int code);
/* "file:line:col: message" (or the message alone) into buf. */
void alx_diag_format(const alopex_diag *diag, char *buf, size_t size);

#endif
