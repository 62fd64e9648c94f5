/* One-line structured log entries on stderr: ts=... level=... msg="...". */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "server/srv.h"

static const char *level_name(int level)
{
	switch (level) {
	case ALOPEX_LOG_ERROR:
		return "error";
	case ALOPEX_LOG_WARN:
		return "warn";
	case ALOPEX_LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

/* msg as a quoted value: quotes and backslashes escaped, controls hidden. */
static size_t quote(char *out, size_t cap, const char *s)
{
	size_t n = 0;
	if (cap < 4)
		return 0;
	out[n++] = '"';
	for (; *s != '\0' && n + 3 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[n++] = '\\';
			out[n++] = (char)c;
		} else if (c == '\n') {
			out[n++] = '\\';
			out[n++] = 'n';
		} else if (c < 0x20) {
			out[n++] = ' ';
		} else {
			out[n++] = (char)c;
		}
	}
	out[n++] = '"';
	out[n] = '\0';
	return n;
}

static void emit(int level, const char *component, const char *msg,
		 const char *kv)
{
	char line[2048], q[1200];
	struct timeval tv;
	gettimeofday(&tv, NULL);
	struct tm tm;
	gmtime_r(&tv.tv_sec, &tm);
	quote(q, sizeof(q), msg);
	int n = snprintf(line, sizeof(line),
			 "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (long)(tv.tv_usec / 1000), level_name(level));
	if (component != NULL && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n,
			      " component=%s", component);
	if (n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, " msg=%s%s\n",
			      q, kv ? kv : "");
	if (n > 0 && (size_t)n >= sizeof(line)) {
		line[sizeof(line) - 2] = '\n';
		n = (int)sizeof(line) - 1;
	}
	/* one write per entry keeps lines whole between threads */
	if (n > 0)
		fwrite(line, 1, (size_t)n, stderr);
}

void alx_srv_log(const struct alx_srv_log *lg, int level, const char *msg,
		 const char *kvfmt, ...)
{
	if (lg != NULL && level > lg->level)
		return;
	char kv[768] = "";
	if (kvfmt != NULL) {
		kv[0] = ' ';
		va_list ap;
		va_start(ap, kvfmt);
		vsnprintf(kv + 1, sizeof(kv) - 1, kvfmt, ap);
		va_end(ap);
	}
	emit(level, NULL, msg, kv);
}

void alx_srv_log_sink(void *arg, int level, const char *component,
		      const char *message)
{
	const struct alx_srv_log *lg = arg;
	if (lg != NULL && level > lg->level)
		return;
	emit(level, component, message, NULL);
}
