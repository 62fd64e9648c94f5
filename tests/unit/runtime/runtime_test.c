/* The runtime object: creation under allocation failure, logging, host. */
#include "runtime/alx_diag.h"
#include "runtime/alx_registry.h"
#include "runtime/alx_runtime.h"
#include "runtime_tests.h"

#include <fcntl.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static alopex_open_options options_with(const alopex_allocator *a)
{
	alopex_open_options o = {
		.size = sizeof(o),
		.allocator = a,
		.log_level = ALOPEX_LOG_INFO,
	};
	return o;
}

/* ---- allocation --------------------------------------------------------- */

static void test_create_defaults(void)
{
	struct alx_runtime *rt = NULL;
	alopex_diag d;
	CU_ASSERT_EQUAL_FATAL(alx_runtime_create(NULL, &rt, &d), 0);
	CU_ASSERT_PTR_NOT_NULL(rt);
	CU_ASSERT_EQUAL(alx_runtime_log_level(rt), ALOPEX_LOG_INFO);
	CU_ASSERT_PTR_NOT_NULL(alx_runtime_registry(rt));
	alx_runtime_destroy(rt);
	alx_runtime_destroy(NULL);
}

static void test_create_fails_cleanly(void)
{
	alopex_open_options o = options_with(&test_allocator);
	struct alx_runtime *rt = NULL;
	alopex_diag d;

	/* Count what a successful creation allocates. */
	test_alloc_reset(0);
	CU_ASSERT_EQUAL_FATAL(alx_runtime_create(&o, &rt, &d), 0);
	long total = test_alloc_calls();
	CU_ASSERT_TRUE(total >= 2); /* the runtime and its registry */
	CU_ASSERT_TRUE(total < 1000);
	alx_runtime_destroy(rt);
	CU_ASSERT_EQUAL(test_alloc_live(), 0);

	/* Failing any one of those allocations fails the whole. */
	for (long n = 1; n <= total; n++) {
		test_alloc_reset(n);
		struct alx_runtime *sentinel = (struct alx_runtime *)&d;
		rt = sentinel;
		alx_diag_clear(&d);
		int rc = alx_runtime_create(&o, &rt, &d);
		CU_ASSERT_EQUAL(rc, ALOPEX_ENOMEM);
		CU_ASSERT_EQUAL(d.code, ALOPEX_ENOMEM);
		CU_ASSERT_STRING_EQUAL(d.sqlstate, "53200");
		CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "out of memory"));
		CU_ASSERT_PTR_EQUAL(rt, sentinel); /* out untouched */
		CU_ASSERT_EQUAL(test_alloc_live(), 0);
		CU_ASSERT_TRUE(test_alloc_calls() >= n);
	}
}

static void test_helpers_use_allocator(void)
{
	alopex_open_options o = options_with(&test_allocator);
	struct alx_runtime *rt = NULL;
	alopex_diag d;
	test_alloc_reset(0);
	CU_ASSERT_EQUAL_FATAL(alx_runtime_create(&o, &rt, &d), 0);
	long base = test_alloc_live();

	char *s = alx_strdup(rt, "hello");
	CU_ASSERT_STRING_EQUAL(s, "hello");
	char *t = alx_strndup(rt, "abcdef", 3);
	CU_ASSERT_STRING_EQUAL(t, "abc");
	int *z = alx_calloc(rt, 4, sizeof(int));
	CU_ASSERT_TRUE(z != NULL && z[0] == 0 && z[3] == 0);
	void *m = alx_malloc(rt, 0); /* zero bytes is not a failure */
	CU_ASSERT_PTR_NOT_NULL(m);
	CU_ASSERT_EQUAL(test_alloc_live(), base + 4);
	z = alx_realloc(rt, z, 100 * sizeof(int));
	CU_ASSERT_TRUE(z != NULL && z[3] == 0);
	CU_ASSERT_PTR_NULL(alx_calloc(rt, SIZE_MAX / 2, 4)); /* overflow */

	/* The next allocation fails: helpers report NULL. */
	test_alloc_fail_at(test_alloc_calls() + 1);
	CU_ASSERT_PTR_NULL(alx_strdup(rt, "x"));
	CU_ASSERT_EQUAL(test_alloc_live(), base + 4);

	alx_free(rt, s);
	alx_free(rt, t);
	alx_free(rt, z);
	alx_free(rt, m);
	alx_free(rt, NULL);
	alx_runtime_destroy(rt);
	CU_ASSERT_EQUAL(test_alloc_live(), 0);
}

static void test_bad_options(void)
{
	struct alx_runtime *rt = NULL;
	alopex_diag d;
	alopex_open_options o = {0}; /* .size not set */
	CU_ASSERT_EQUAL(alx_runtime_create(&o, &rt, &d), ALOPEX_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "size"));

	alopex_allocator half = {test_allocator.malloc_fn, NULL, NULL, NULL};
	o = options_with(&half);
	CU_ASSERT_EQUAL(alx_runtime_create(&o, &rt, &d), ALOPEX_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "free_fn"));

	o = options_with(NULL);
	o.log_level = 9;
	CU_ASSERT_EQUAL(alx_runtime_create(&o, &rt, &d), ALOPEX_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "log_level 9"));
	CU_ASSERT_PTR_NULL(rt);

	/* An older, shorter options struct: fields past its size are not
	 * read (log_level defaults to ERROR, as documented). */
	o = options_with(NULL);
	o.log_level = 77;
	o.size = offsetof(alopex_open_options, log_level);
	CU_ASSERT_EQUAL_FATAL(alx_runtime_create(&o, &rt, &d), 0);
	CU_ASSERT_EQUAL(alx_runtime_log_level(rt), ALOPEX_LOG_ERROR);
	alx_runtime_destroy(rt);
}

static const struct alx_test_case alloc_cases[] = {
	{"create_defaults", test_create_defaults},
	{"create_fails_cleanly", test_create_fails_cleanly},
	{"helpers_use_allocator", test_helpers_use_allocator},
	{"bad_options", test_bad_options},
	{NULL, NULL},
};

const struct alx_test_suite alloc_suite = {"runtime/alloc", NULL, NULL,
					   alloc_cases};

/* ---- logging ------------------------------------------------------------ */

#define CAP_MAX 1024
static struct {
	pthread_mutex_t lock;
	int count;
	int levels[CAP_MAX];
	char lines[CAP_MAX][96];
	void *arg;
} cap = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void capture(void *arg, int level, const char *component,
		    const char *message)
{
	pthread_mutex_lock(&cap.lock);
	cap.arg = arg;
	if (cap.count < CAP_MAX) {
		cap.levels[cap.count] = level;
		snprintf(cap.lines[cap.count], sizeof(cap.lines[0]), "%s|%s",
			 component, message);
		cap.count++;
	}
	pthread_mutex_unlock(&cap.lock);
}

static struct alx_runtime *capture_runtime(int level)
{
	static int marker;
	alopex_open_options o = {
		.size = sizeof(o),
		.log_fn = capture,
		.log_arg = &marker,
		.log_level = level,
	};
	struct alx_runtime *rt = NULL;
	alopex_diag d;
	cap.count = 0;
	cap.arg = NULL;
	CU_ASSERT_EQUAL_FATAL(alx_runtime_create(&o, &rt, &d), 0);
	CU_ASSERT_EQUAL(alx_runtime_log_level(rt), level);
	return rt;
}

static void test_log_filter(void)
{
	struct alx_runtime *rt = capture_runtime(ALOPEX_LOG_WARN);
	alx_log(rt, ALOPEX_LOG_ERROR, "wt", "disk %s", "gone");
	alx_log(rt, ALOPEX_LOG_WARN, "pgwire", "slow client %d", 7);
	alx_log(rt, ALOPEX_LOG_INFO, "core", "not shown");
	alx_log(rt, ALOPEX_LOG_DEBUG, "core", "not shown either");
	CU_ASSERT_EQUAL_FATAL(cap.count, 2);
	CU_ASSERT_EQUAL(cap.levels[0], ALOPEX_LOG_ERROR);
	CU_ASSERT_STRING_EQUAL(cap.lines[0], "wt|disk gone");
	CU_ASSERT_EQUAL(cap.levels[1], ALOPEX_LOG_WARN);
	CU_ASSERT_STRING_EQUAL(cap.lines[1], "pgwire|slow client 7");
	CU_ASSERT_PTR_NOT_NULL(cap.arg); /* log_arg is handed back */

	alx_runtime_set_log_level(rt, ALOPEX_LOG_DEBUG);
	CU_ASSERT_EQUAL(alx_runtime_log_level(rt), ALOPEX_LOG_DEBUG);
	alx_log(rt, ALOPEX_LOG_DEBUG, NULL, "now %s", "shown");
	CU_ASSERT_EQUAL_FATAL(cap.count, 3);
	CU_ASSERT_EQUAL(cap.levels[2], ALOPEX_LOG_DEBUG);
	CU_ASSERT_STRING_EQUAL(cap.lines[2], "alopex|now shown");

	alx_runtime_set_log_level(rt, ALOPEX_LOG_ERROR);
	alx_log(rt, ALOPEX_LOG_WARN, "core", "hidden again");
	CU_ASSERT_EQUAL(cap.count, 3);
	alx_runtime_destroy(rt);
}

static void test_level_names(void)
{
	CU_ASSERT_EQUAL(alx_log_level_parse("error"), ALOPEX_LOG_ERROR);
	CU_ASSERT_EQUAL(alx_log_level_parse("warn"), ALOPEX_LOG_WARN);
	CU_ASSERT_EQUAL(alx_log_level_parse("info"), ALOPEX_LOG_INFO);
	CU_ASSERT_EQUAL(alx_log_level_parse("DEBUG"), ALOPEX_LOG_DEBUG);
	CU_ASSERT_EQUAL(alx_log_level_parse("verbose"), -1);
	CU_ASSERT_EQUAL(alx_log_level_parse(NULL), -1);
	CU_ASSERT_STRING_EQUAL(alx_log_level_name(ALOPEX_LOG_WARN), "warn");
	CU_ASSERT_STRING_EQUAL(alx_log_level_name(42), "unknown");
}

#define LOG_THREADS 4
#define LOG_PER_THREAD 100

static void *log_worker(void *arg)
{
	struct alx_runtime *rt = arg;
	for (int i = 0; i < LOG_PER_THREAD; i++)
		alx_log(rt, ALOPEX_LOG_INFO, "worker", "entry %03d of %03d", i,
			LOG_PER_THREAD);
	return NULL;
}

static void test_log_threads(void)
{
	struct alx_runtime *rt = capture_runtime(ALOPEX_LOG_INFO);
	pthread_t th[LOG_THREADS];
	for (int i = 0; i < LOG_THREADS; i++)
		CU_ASSERT_EQUAL_FATAL(
			pthread_create(&th[i], NULL, log_worker, rt), 0);
	for (int i = 0; i < LOG_THREADS; i++)
		pthread_join(th[i], NULL);
	CU_ASSERT_EQUAL(cap.count, LOG_THREADS * LOG_PER_THREAD);
	int intact = 0;
	for (int i = 0; i < cap.count; i++)
		intact += strncmp(cap.lines[i], "worker|entry ", 13) == 0 &&
			  strcmp(cap.lines[i] + 16, " of 100") == 0;
	CU_ASSERT_EQUAL(intact, LOG_THREADS * LOG_PER_THREAD);
	alx_runtime_destroy(rt);
}

/* Run `fn` with stderr going to a file; return what it wrote. */
static char *capture_stderr(void (*fn)(struct alx_runtime *),
			    struct alx_runtime *rt)
{
	static char out[4096];
	char *dir = alx_test_tmpdir("stderr");
	char path[512];
	snprintf(path, sizeof(path), "%s/err.txt", dir);
	fflush(stderr);
	int saved = dup(2);
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);
	dup2(fd, 2);
	fn(rt);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	ssize_t n = read(fd, out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	alx_test_rmdir(dir);
	free(dir);
	return out;
}

static void log_two(struct alx_runtime *rt)
{
	alx_log(rt, ALOPEX_LOG_INFO, "config", "loaded %d plugins", 3);
	alx_log(rt, ALOPEX_LOG_DEBUG, "config", "filtered out");
	alx_log(rt, ALOPEX_LOG_ERROR, "wt", "two\nlines");
}

static void test_log_stderr_format(void)
{
	struct alx_runtime *rt = NULL;
	alopex_diag d;
	CU_ASSERT_EQUAL_FATAL(alx_runtime_create(NULL, &rt, &d), 0);
	const char *text = capture_stderr(log_two, rt);
	regex_t re;
	CU_ASSERT_EQUAL_FATAL(
		regcomp(&re,
			"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
			"\\.[0-9]{3}Z INFO config: loaded 3 plugins\n"
			"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
			"\\.[0-9]{3}Z ERROR wt: two lines\n$",
			REG_EXTENDED),
		0);
	int match = regexec(&re, text, 0, NULL, 0);
	if (match != 0)
		fprintf(stderr, "unexpected log text:\n%s", text);
	CU_ASSERT_EQUAL(match, 0);
	regfree(&re);
	alx_runtime_destroy(rt);
}

static const struct alx_test_case log_cases[] = {
	{"filter", test_log_filter},
	{"level_names", test_level_names},
	{"threads", test_log_threads},
	{"stderr_format", test_log_stderr_format},
	{NULL, NULL},
};

const struct alx_test_suite log_suite = {"runtime/log", NULL, NULL, log_cases};

/* ---- host table --------------------------------------------------------- */

__attribute__((format(printf, 3, 4))) static void via_vlog(
	const struct alopex_host *h, int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	h->vlog(h->ctx, level, "plug", fmt, ap);
	va_end(ap);
}

static void test_host_table(void)
{
	alopex_open_options o = {
		.size = sizeof(o),
		.allocator = &test_allocator,
		.log_fn = capture,
		.log_level = ALOPEX_LOG_INFO,
	};
	struct alx_runtime *rt = NULL;
	alopex_diag d;
	test_alloc_reset(0);
	cap.count = 0;
	CU_ASSERT_EQUAL_FATAL(alx_runtime_create(&o, &rt, &d), 0);
	const struct alopex_host *h = alx_runtime_host(rt);
	CU_ASSERT_EQUAL(h->size, sizeof(struct alopex_host));
	CU_ASSERT_EQUAL(h->abi_major, ALOPEX_PLUGIN_ABI_MAJOR);
	CU_ASSERT_EQUAL(h->abi_minor, ALOPEX_PLUGIN_ABI_MINOR);
	CU_ASSERT_PTR_EQUAL(h->ctx, rt);

	long base = test_alloc_live();
	void *p = h->alloc(h->ctx, 10);
	CU_ASSERT_EQUAL(test_alloc_live(), base + 1);
	p = h->realloc(h->ctx, p, 1000);
	CU_ASSERT_PTR_NOT_NULL(p);
	h->free(h->ctx, p);
	CU_ASSERT_EQUAL(test_alloc_live(), base);

	h->log(h->ctx, ALOPEX_LOG_WARN, "plug", "x=%d", 5);
	h->log(h->ctx, ALOPEX_LOG_DEBUG, "plug", "filtered");
	via_vlog(h, ALOPEX_LOG_INFO, "y=%s", "z");
	CU_ASSERT_EQUAL_FATAL(cap.count, 2);
	CU_ASSERT_STRING_EQUAL(cap.lines[0], "plug|x=5");
	CU_ASSERT_STRING_EQUAL(cap.lines[1], "plug|y=z");

	CU_ASSERT_EQUAL(h->diag_set(&d, ALOPEX_EPROTO, NULL, "bad %s", "frame"),
			ALOPEX_EPROTO);
	CU_ASSERT_STRING_EQUAL(d.message, "bad frame");
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "08P01");

	CU_ASSERT_PTR_NULL(h->lookup(h->ctx, ALOPEX_PLUGIN_ENGINE, "nope"));
	CU_ASSERT_PTR_NULL(h->lookup(h->ctx, ALOPEX_PLUGIN_ENGINE, NULL));
	/* Static plugins, if any, are registered and visible to lookup. */
	struct alx_registry *reg = alx_runtime_registry(rt);
	size_t n = 0;
	for (; alx_static_plugin_entries[n] != NULL; n++) {
		const struct alopex_plugin *sp = alx_static_plugin_entries[n]();
		CU_ASSERT_PTR_EQUAL(h->lookup(h->ctx, (int)sp->kind, sp->name),
				    sp);
		CU_ASSERT_STRING_EQUAL(alx_registry_origin(reg, sp), "static");
	}
	CU_ASSERT_EQUAL(alx_registry_count(reg), n);
	alx_runtime_destroy(rt);
	CU_ASSERT_EQUAL(test_alloc_live(), 0);
}

static const struct alx_test_case host_cases[] = {
	{"table", test_host_table},
	{NULL, NULL},
};

const struct alx_test_suite host_suite = {"runtime/host", NULL, NULL,
					  host_cases};
