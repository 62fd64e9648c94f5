/*
 * The runtime: everything process-like that Alopex needs, hung off one
 * object instead of process globals (allocator, logger, timers, plugin
 * registry). Each embedded database and each server owns one.
 */
#ifndef ALX_RUNTIME_H
#define ALX_RUNTIME_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "alopex.h"
#include "alopex_plugin.h"

struct alx_runtime;
struct alx_registry;

/* options may be NULL: libc allocator, stderr logging at INFO. */
int alx_runtime_create(const alopex_open_options *options,
		       struct alx_runtime **out, alopex_diag *diag);
/* Cancels timers, unloads plugins. NULL-safe. */
void alx_runtime_destroy(struct alx_runtime *rt);

/* Allocation through the runtime's allocator. */
void *alx_malloc(struct alx_runtime *rt, size_t size);
void *alx_calloc(struct alx_runtime *rt, size_t n, size_t size);
void *alx_realloc(struct alx_runtime *rt, void *ptr, size_t size);
void alx_free(struct alx_runtime *rt, void *ptr);
char *alx_strdup(struct alx_runtime *rt, const char *s);
char *alx_strndup(struct alx_runtime *rt, const char *s, size_t n);

/* Logging: one line per entry, "ts level component: message". */
void alx_log(struct alx_runtime *rt, int level, const char *component,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void alx_vlog(struct alx_runtime *rt, int level, const char *component,
	      const char *fmt, va_list ap);
void alx_runtime_set_log_level(struct alx_runtime *rt, int level);
int alx_runtime_log_level(struct alx_runtime *rt);
/* "error", "warn", "info", "debug" -> level; -1 when unknown. */
int alx_log_level_parse(const char *name);
const char *alx_log_level_name(int level);

/*
 * Timers run on one thread per runtime, started on first use.
 * alx_timer_cancel waits for a running callback to finish; NULL-safe.
 * Called from inside the timer's own callback it cannot wait: the timer is
 * unlinked (never runs again) and freed when the callback returns. Either
 * way the handle is dead once cancel returns. interval_ms 0 or fn NULL:
 * ALOPEX_EINVAL. Do not destroy the runtime from a timer callback.
 */
int alx_timer_add(struct alx_runtime *rt, uint64_t interval_ms,
		  alopex_timer_fn fn, void *arg, alopex_timer **out);
void alx_timer_cancel(struct alx_runtime *rt, alopex_timer *timer);

/* The host services table handed to plugins' init. */
const struct alopex_host *alx_runtime_host(struct alx_runtime *rt);
struct alx_registry *alx_runtime_registry(struct alx_runtime *rt);

#endif
