/*
 * The runtime object: allocator indirection, logging, the host services
 * table handed to plugins, and ownership of the timer thread and the plugin
 * registry. Everything a process global would otherwise hold lives here.
 */
#include "alx_diag.h"
#include "alx_registry.h"
#include "alx_runtime.h"
#include "kv/kv_batch.h"
#include "runtime_internal.h"
#include "vector/vec_kernels.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- allocation -------------------------------------------------------- */

static void *libc_malloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void *libc_realloc(void *ctx, void *ptr, size_t size)
{
	(void)ctx;
	return realloc(ptr, size);
}

static void libc_free(void *ctx, void *ptr)
{
	(void)ctx;
	free(ptr);
}

/*
 * Zero-byte requests become one byte: a NULL result must always mean "out
 * of memory", whatever the allocator does with zero.
 */
void *alx_malloc(struct alx_runtime *rt, size_t size)
{
	return rt->alloc.malloc_fn(rt->alloc.ctx, size ? size : 1);
}

void *alx_calloc(struct alx_runtime *rt, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	void *p = alx_malloc(rt, n * size);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

void *alx_realloc(struct alx_runtime *rt, void *ptr, size_t size)
{
	return rt->alloc.realloc_fn(rt->alloc.ctx, ptr, size ? size : 1);
}

void alx_free(struct alx_runtime *rt, void *ptr)
{
	if (ptr != NULL)
		rt->alloc.free_fn(rt->alloc.ctx, ptr);
}

char *alx_strndup(struct alx_runtime *rt, const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = alx_malloc(rt, len + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *alx_strdup(struct alx_runtime *rt, const char *s)
{
	return alx_strndup(rt, s, SIZE_MAX);
}

/* ---- logging ----------------------------------------------------------- */

static const char *const level_names[] = {"error", "warn", "info", "debug"};
static const char *const level_tags[] = {"ERROR", "WARN", "INFO", "DEBUG"};
#define LEVEL_COUNT (sizeof(level_names) / sizeof(level_names[0]))

int alx_log_level_parse(const char *name)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < LEVEL_COUNT; i++)
		if (strcasecmp(name, level_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *alx_log_level_name(int level)
{
	if (level < 0 || (size_t)level >= LEVEL_COUNT)
		return "unknown";
	return level_names[level];
}

void alx_runtime_set_log_level(struct alx_runtime *rt, int level)
{
	if (level < ALOPEX_LOG_ERROR)
		level = ALOPEX_LOG_ERROR;
	if (level > ALOPEX_LOG_DEBUG)
		level = ALOPEX_LOG_DEBUG;
	atomic_store(&rt->log_level, level);
}

int alx_runtime_log_level(struct alx_runtime *rt)
{
	return atomic_load(&rt->log_level);
}

/* "2026-11-25T23:59:59.123Z" (UTC, milliseconds) into buf. */
static void format_timestamp(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

void alx_vlog(struct alx_runtime *rt, int level, const char *component,
	      const char *fmt, va_list ap)
{
	if (rt == NULL || level > atomic_load(&rt->log_level))
		return;
	if (level < ALOPEX_LOG_ERROR)
		level = ALOPEX_LOG_ERROR;
	if (component == NULL)
		component = "alopex";
	/* Fixed buffers: logging must work when memory has run out. */
	char msg[1024];
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		snprintf(msg, sizeof(msg), "(unformattable log message)");
	else if ((size_t)n >= sizeof(msg))
		memcpy(msg + sizeof(msg) - 4, "...", 4);

	pthread_mutex_lock(&rt->log_lock);
	if (rt->log_fn != NULL) {
		rt->log_fn(rt->log_arg, level, component, msg);
	} else {
		/* One line per entry, whatever the message holds. */
		for (char *c = msg; *c != '\0'; c++)
			if (*c == '\n' || *c == '\r')
				*c = ' ';
		char ts[40];
		format_timestamp(ts, sizeof(ts));
		fprintf(stderr, "%s %s %s: %s\n", ts, level_tags[level],
			component, msg);
		fflush(stderr);
	}
	pthread_mutex_unlock(&rt->log_lock);
}

void alx_log(struct alx_runtime *rt, int level, const char *component,
	     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	alx_vlog(rt, level, component, fmt, ap);
	va_end(ap);
}

/* ---- host services ----------------------------------------------------- */

static void *host_alloc(void *ctx, size_t size)
{
	return alx_malloc(ctx, size);
}

static void *host_realloc(void *ctx, void *ptr, size_t size)
{
	return alx_realloc(ctx, ptr, size);
}

static void host_free(void *ctx, void *ptr)
{
	alx_free(ctx, ptr);
}

__attribute__((format(printf, 4, 5))) static void host_log(
	void *ctx, int level, const char *component, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	alx_vlog(ctx, level, component, fmt, ap);
	va_end(ap);
}

static void host_vlog(void *ctx, int level, const char *component,
		      const char *fmt, va_list ap)
{
	alx_vlog(ctx, level, component, fmt, ap);
}

static int host_timer_add(void *ctx, uint64_t interval_ms, alopex_timer_fn fn,
			  void *arg, alopex_timer **out)
{
	return alx_timer_add(ctx, interval_ms, fn, arg, out);
}

static void host_timer_cancel(void *ctx, alopex_timer *timer)
{
	alx_timer_cancel(ctx, timer);
}

static const struct alopex_plugin *host_lookup(void *ctx, int kind,
					       const char *name)
{
	struct alx_runtime *rt = ctx;
	if (name == NULL)
		return NULL;
	return alx_registry_find(rt->registry, kind, name);
}

/* Decoding stays in the core (kv_batch.c): engines treat records as opaque. */
static int host_log_record_apply(void *ctx, alopex_slice record,
				 alopex_mutation_fn fn, void *arg,
				 alopex_diag *diag)
{
	struct alx_runtime *rt = ctx;
	if (record.len == 0)
		return 0; /* a transaction that undid all it wrote */
	alopex_mutation *m = NULL;
	size_t n = 0;
	int rc = alx_batch_decode(rt, record, &m, &n, diag);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = fn(arg, &m[i], diag);
	alx_free(rt, m);
	return rc;
}

const struct alopex_host *alx_runtime_host(struct alx_runtime *rt)
{
	return &rt->host;
}

struct alx_registry *alx_runtime_registry(struct alx_runtime *rt)
{
	return rt->registry;
}

/* ---- lifecycle --------------------------------------------------------- */

/* Does an options struct of options->size bytes hold `field`? */
#define OPT_HAS(o, field) \
	((o)->size >= offsetof(alopex_open_options, field) + sizeof((o)->field))

static int check_options(const alopex_open_options *o, alopex_diag *diag)
{
	if (o->size < offsetof(alopex_open_options, allocator))
		return alx_diag_set(diag, ALOPEX_EINVAL, NULL,
				    "open options: size %zu is too small; set "
				    ".size = sizeof(alopex_open_options)",
				    o->size);
	const alopex_allocator *a = OPT_HAS(o, allocator) ? o->allocator : NULL;
	if (a != NULL && (a->malloc_fn == NULL || a->realloc_fn == NULL ||
			  a->free_fn == NULL))
		return alx_diag_set(diag, ALOPEX_EINVAL, NULL,
				    "open options: an allocator needs "
				    "malloc_fn, realloc_fn and free_fn");
	if (OPT_HAS(o, log_level) && (o->log_level < ALOPEX_LOG_ERROR ||
				      o->log_level > ALOPEX_LOG_DEBUG))
		return alx_diag_set(diag, ALOPEX_EINVAL, NULL,
				    "open options: log_level %d is not one of "
				    "0 (error) to 3 (debug)",
				    o->log_level);
	return 0;
}

int alx_runtime_create(const alopex_open_options *options,
		       struct alx_runtime **out, alopex_diag *diag)
{
	int rc;
	alopex_allocator alloc = {libc_malloc, libc_realloc, libc_free, NULL};
	int level = ALOPEX_LOG_INFO;

	if (out == NULL)
		return alx_diag_set(diag, ALOPEX_EINVAL, NULL,
				    "runtime: no place for the result");
	if (options != NULL) {
		if ((rc = check_options(options, diag)) != 0)
			return rc;
		if (OPT_HAS(options, allocator) && options->allocator != NULL)
			alloc = *options->allocator;
		level = OPT_HAS(options, log_level) ? options->log_level
						    : ALOPEX_LOG_ERROR;
	}

	struct alx_runtime *rt = alloc.malloc_fn(alloc.ctx, sizeof(*rt));
	if (rt == NULL)
		return alx_diag_set(diag, ALOPEX_ENOMEM, NULL,
				    "runtime: out of memory");
	memset(rt, 0, sizeof(*rt));
	rt->alloc = alloc;
	atomic_init(&rt->log_level, level);
	if (options != NULL && OPT_HAS(options, log_fn)) {
		rt->log_fn = options->log_fn;
		rt->log_arg =
			OPT_HAS(options, log_arg) ? options->log_arg : NULL;
	}
	if (pthread_mutex_init(&rt->log_lock, NULL) != 0) {
		alloc.free_fn(alloc.ctx, rt);
		return alx_diag_set(diag, ALOPEX_ENOMEM, NULL,
				    "runtime: cannot create a mutex");
	}
	if ((rc = alx_timers_init(&rt->timers)) != 0) {
		pthread_mutex_destroy(&rt->log_lock);
		alloc.free_fn(alloc.ctx, rt);
		return alx_diag_set(diag, rc, NULL,
				    "runtime: cannot set up the timer thread");
	}

	rt->host = (struct alopex_host){
		.size = sizeof(struct alopex_host),
		.abi_major = ALOPEX_PLUGIN_ABI_MAJOR,
		.abi_minor = ALOPEX_PLUGIN_ABI_MINOR,
		.ctx = rt,
		.alloc = host_alloc,
		.realloc = host_realloc,
		.free = host_free,
		.log = host_log,
		.vlog = host_vlog,
		.timer_add = host_timer_add,
		.timer_cancel = host_timer_cancel,
		.lookup = host_lookup,
		.diag_set = alx_diag_set,
		.vector_kernels = alx_vec_kernels_detect(),
		.log_record_apply = host_log_record_apply,
	};

	if ((rc = alx_registry_create(rt, &rt->registry, diag)) != 0)
		goto fail;
	if ((rc = alx_registry_add_static(rt->registry, diag)) != 0)
		goto fail;
	*out = rt;
	return 0;

fail:
	alx_runtime_destroy(rt);
	return rc;
}

void alx_runtime_destroy(struct alx_runtime *rt)
{
	if (rt == NULL)
		return;
	/* Timer callbacks may live in plugins: stop them before unloading. */
	alx_timers_fini(rt);
	alx_registry_destroy(rt->registry);
	pthread_mutex_destroy(&rt->log_lock);
	alopex_allocator alloc = rt->alloc;
	alloc.free_fn(alloc.ctx, rt);
}
