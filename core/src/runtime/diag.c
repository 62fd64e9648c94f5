/*
 * Diagnostics. Everything formats into the fixed buffers of alopex_diag so
 * that reporting an out-of-memory condition never needs memory. A message
 * too long for its buffer ends in "..." so a reader knows text was lost.
 */
#include "alx_diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Replace the end of a full buffer with "...", on a UTF-8 boundary. */
static void mark_truncated(char *buf, size_t size)
{
	if (size < 4)
		return;
	size_t pos = size - 4;
	while (pos > 0 && ((unsigned char)buf[pos] & 0xC0) == 0x80)
		pos--;
	memcpy(buf + pos, "...", 4);
}

/* vsnprintf that marks truncation; returns the length written. */
static size_t format_into(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);
	if (n < 0) {
		/* Only an invalid format gets here; say so rather than lie. */
		snprintf(buf, size, "(unformattable message)");
		return strlen(buf);
	}
	if ((size_t)n >= size) {
		mark_truncated(buf, size);
		return strlen(buf);
	}
	return (size_t)n;
}

static void set_sqlstate(alopex_diag *diag, int code, const char *sqlstate)
{
	if (sqlstate == NULL)
		sqlstate = alx_code_sqlstate(code);
	size_t n = strnlen(sqlstate, sizeof(diag->sqlstate) - 1);
	memcpy(diag->sqlstate, sqlstate, n);
	diag->sqlstate[n] = '\0';
}

void alx_diag_clear(alopex_diag *diag)
{
	if (diag == NULL)
		return;
	diag->code = ALOPEX_OK;
	set_sqlstate(diag, ALOPEX_OK, NULL);
	diag->message[0] = '\0';
	diag->file[0] = '\0';
	diag->line = 0;
	diag->col = 0;
}

int alx_diag_set(alopex_diag *diag, int code, const char *sqlstate,
		 const char *fmt, ...)
{
	if (diag == NULL)
		return code;
	size_t n = strlen(fmt);
	if (n < sizeof(diag->message) && memchr(fmt, '%', n) == NULL) {
		/* A constant message (an insert's "key not found" probe, once
		 * a row) needs no vsnprintf. */
		memmove(diag->message, fmt, n + 1);
	} else {
		/* Format first: the arguments may point into diag itself. */
		char buf[sizeof(diag->message)];
		va_list ap;
		va_start(ap, fmt);
		format_into(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		memcpy(diag->message, buf, sizeof(buf));
	}
	diag->code = code;
	set_sqlstate(diag, code, sqlstate);
	diag->file[0] = '\0';
	diag->line = 0;
	diag->col = 0;
	return code;
}

int alx_diag_set_at(alopex_diag *diag, int code, const char *file,
		    unsigned line, unsigned col, const char *fmt, ...)
{
	if (diag == NULL)
		return code;
	/* Format first: the arguments may point into diag itself. */
	char buf[sizeof(diag->message)];
	va_list ap;
	va_start(ap, fmt);
	format_into(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag->code = code;
	set_sqlstate(diag, code, NULL);
	if (file == NULL) {
		diag->file[0] = '\0';
	} else {
		size_t n = strlen(file);
		size_t room = sizeof(diag->file) - 1;
		if (n <= room) {
			memmove(diag->file, file, n + 1);
		} else {
			/* The end of a long path is the part that identifies
			 * the file. */
			memmove(diag->file + 3, file + n - (room - 3),
				room - 2);
			memcpy(diag->file, "...", 3);
		}
	}
	diag->line = line;
	diag->col = col;
	memcpy(diag->message, buf, sizeof(buf));
	return code;
}

void alx_diag_prefix(alopex_diag *diag, const char *fmt, ...)
{
	if (diag == NULL)
		return;
	/* A stack copy: the message may not move through the heap. */
	char buf[sizeof(diag->message)];
	va_list ap;
	va_start(ap, fmt);
	size_t n = format_into(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (diag->message[0] != '\0' && n + 1 < sizeof(buf)) {
		int m = snprintf(buf + n, sizeof(buf) - n, ": %s",
				 diag->message);
		if (m > 0 && (size_t)m >= sizeof(buf) - n)
			mark_truncated(buf, sizeof(buf));
	}
	memcpy(diag->message, buf, sizeof(buf));
}

void alx_diag_format(const alopex_diag *diag, char *buf, size_t size)
{
	if (buf == NULL || size == 0)
		return;
	if (diag == NULL) {
		buf[0] = '\0';
		return;
	}
	int n;
	if (diag->file[0] != '\0' && diag->line > 0 && diag->col > 0)
		n = snprintf(buf, size, "%s:%u:%u: %s", diag->file, diag->line,
			     diag->col, diag->message);
	else if (diag->file[0] != '\0' && diag->line > 0)
		n = snprintf(buf, size, "%s:%u: %s", diag->file, diag->line,
			     diag->message);
	else
		n = snprintf(buf, size, "%s", diag->message);
	if (n > 0 && (size_t)n >= size)
		mark_truncated(buf, size);
}
