/*
 * Contract cases beyond the common ones: allocation failure injection (every
 * engine) and WiredTiger's own: foreign or damaged directories, a directory
 * in use, durability settings and a crash after an fsync'ed commit.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "contract.h"
#include "kv/kv_batch.h"

/* ---- fault injection -------------------------------------------------- */

/* Fails exactly one allocation: call number fail_at. Counts live blocks. */
struct fault_alloc {
	pthread_mutex_t mu;
	long live;
	long calls;
	long fail_at; /* 0: never */
	long failed;
};

static void *fault_malloc(void *ctx, size_t size)
{
	struct fault_alloc *fa = ctx;
	pthread_mutex_lock(&fa->mu);
	long call = ++fa->calls;
	if (fa->fail_at != 0 && call == fa->fail_at) {
		fa->failed++;
		pthread_mutex_unlock(&fa->mu);
		return NULL;
	}
	void *p = malloc(size);
	if (p != NULL)
		fa->live++;
	pthread_mutex_unlock(&fa->mu);
	return p;
}

static void *fault_realloc(void *ctx, void *ptr, size_t size)
{
	if (ptr == NULL)
		return fault_malloc(ctx, size);
	struct fault_alloc *fa = ctx;
	pthread_mutex_lock(&fa->mu);
	long call = ++fa->calls;
	void *p = NULL;
	if (fa->fail_at != 0 && call == fa->fail_at)
		fa->failed++;
	else
		p = realloc(ptr, size);
	pthread_mutex_unlock(&fa->mu);
	return p;
}

static void fault_free(void *ctx, void *ptr)
{
	struct fault_alloc *fa = ctx;
	if (ptr == NULL)
		return;
	pthread_mutex_lock(&fa->mu);
	fa->live--;
	pthread_mutex_unlock(&fa->mu);
	free(ptr);
}

static void fault_arm(struct fault_alloc *fa, long n)
{
	pthread_mutex_lock(&fa->mu);
	fa->fail_at = n > 0 ? fa->calls + n : 0;
	pthread_mutex_unlock(&fa->mu);
}

static int log_count_fn(void *arg, uint64_t pos, alopex_slice record)
{
	(*(int *)arg)++;
	return 0;
}

/* 0 or ALOPEX_ENOMEM is fine; anything else is a failure. */
#define FAULT_OK(rc) CU_ASSERT((rc) == 0 || (rc) == ALOPEX_ENOMEM)

/*
 * One round of operations; returns whether the commit went through, and in
 * *value2 whether the overwrite of the first key did.
 */
static int fault_round(struct ct_db *db, long round, int *value2)
{
	const struct alopex_engine_ops *ops = db->ops;
	alopex_diag diag = {0};
	char keys[4][48];
	for (int i = 0; i < 4; i++)
		snprintf(keys[i], sizeof(keys[i]), "f%ld-%d", round, i);
	uint64_t before = ops->log_position(db->eng);
	void *txn = NULL;
	int rc = ops->txn_begin(db->eng, 0, &txn, &diag);
	FAULT_OK(rc);
	if (rc != 0)
		return 0;
	for (int i = 0; i < 4; i++) {
		rc = ops->put(txn, ct_s(keys[i]), ct_s("value"), &diag);
		FAULT_OK(rc);
		if (rc != 0) {
			CU_ASSERT_EQUAL(diag.code, ALOPEX_ENOMEM);
			ops->txn_rollback(txn);
			return 0;
		}
	}
	/* Overwrite one: the engine may need memory for that too. */
	rc = ops->put(txn, ct_s(keys[0]), ct_s("value2"), &diag);
	FAULT_OK(rc);
	*value2 = rc == 0;
	alopex_slice v;
	rc = ops->get(txn, ct_s(keys[1]), &v, &diag);
	FAULT_OK(rc);
	void *cur = NULL;
	rc = ops->cursor_open(txn, ct_s("f"), ct_s("g"), 0, &cur, &diag);
	FAULT_OK(rc);
	if (rc == 0) {
		alopex_slice k;
		int rows = 0;
		while (rows < 100000 &&
		       ops->cursor_next(cur, &k, &v, &diag) == ALOPEX_ROW)
			rows++;
		CU_ASSERT(rows >= 4);
		ops->cursor_close(cur);
	}
	uint64_t pos = 0;
	rc = ops->txn_commit(txn, ct_s("fault"), &pos, &diag);
	FAULT_OK(rc);
	int committed = rc == 0;
	if (committed) {
		CU_ASSERT_EQUAL(pos, before + 1);
	} else {
		CU_ASSERT_EQUAL(ops->log_position(db->eng), before);
	}
	int n = 0;
	rc = ops->log_read(db->eng, before, log_count_fn, &n, &diag);
	FAULT_OK(rc);
	return committed;
}

/* Disarmed: the round's keys are all there or none is. */
static void fault_verify(struct ct_db *db, long round, int committed,
			 int value2)
{
	void *txn = ct_begin(db, ALOPEX_TXN_READONLY);
	for (int i = 0; i < 4; i++) {
		char key[32], buf[32];
		snprintf(key, sizeof(key), "f%ld-%d", round, i);
		int rc = ct_get(db, txn, key, buf, sizeof(buf));
		CU_ASSERT_EQUAL(rc, committed ? 0 : ALOPEX_ENOTFOUND);
		if (committed && i == 0)
			CU_ASSERT_STRING_EQUAL(buf,
					       value2 ? "value2" : "value");
	}
	db->ops->txn_rollback(txn);
}

static void test_alloc_failures(void)
{
	struct fault_alloc fa = {.mu = PTHREAD_MUTEX_INITIALIZER};
	alopex_allocator alloc = {fault_malloc, fault_realloc, fault_free, &fa};
	struct alx_runtime *saved_rt = ct.rt;
	struct alx_runtime *rt = NULL;
	CU_ASSERT_EQUAL_FATAL(ct_runtime_create(&alloc, &rt), 0);
	alopex_diag diag = {0};
	/* Loading into this runtime; its memory is the baseline. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(ct_find_engine(rt, ct.name, &diag));
	long baseline = fa.live;

	/* The harness works on ct.rt: point it at this runtime meanwhile. */
	ct.rt = rt;
	struct ct_db db;
	int rc = ct_db_open(&db, NULL, &diag);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0) {
		ct.rt = saved_rt;
		alx_runtime_destroy(rt);
		return;
	}
	long injected = 0, commits = 0;
	int finished = 0;
	for (long n = 1; n <= 400 && !finished; n++) {
		long failed_before = fa.failed;
		fault_arm(&fa, n);
		int value2 = 0;
		int committed = fault_round(&db, n, &value2);
		fault_arm(&fa, 0);
		fault_verify(&db, n, committed, value2);
		commits += committed;
		if (fa.failed == failed_before)
			finished = committed; /* ran past the last allocation */
		else
			injected++;
	}
	CU_ASSERT(finished);
	CU_ASSERT(injected > 0);
	printf("\n    %s: %ld allocation failures injected, %ld rounds "
	       "committed\n",
	       ct.name, injected, commits);
	/* Memory engine: every allocation is the engine's, so all failed. */
	if (strcmp(ct.name, "memory") == 0)
		CU_ASSERT(injected >= 5);
	ct_db_close(&db);
	CU_ASSERT_EQUAL(fa.live, baseline);
	ct.rt = saved_rt;
	alx_runtime_destroy(rt);
	CU_ASSERT_EQUAL(fa.live, 0);
}

const struct alx_test_case ct_special_cases[] = {
	{"alloc_failures", test_alloc_failures},
	{NULL, NULL},
};

/* ---- WiredTiger only -------------------------------------------------- */

/* Open an instance of the current engine on dir; the instance on success. */
static int open_dir(const char *dir, const char *yaml, int create,
		    struct alx_plugin_instance **out, alopex_diag *diag)
{
	struct alx_plugin_instance *inst = NULL;
	int rc = ct_instance(ct.rt, yaml, &inst, diag);
	if (rc != 0)
		return rc;
	struct alopex_engine_env env = {
		.size = sizeof(env), .dir = dir, .create = create};
	rc = ct.ops->open(inst->instance, &env, diag);
	if (rc != 0) {
		alx_plugin_instance_destroy(inst);
		return rc;
	}
	*out = inst;
	return 0;
}

static void close_inst(struct alx_plugin_instance *inst)
{
	alopex_diag diag = {0};
	CU_ASSERT_EQUAL(ct.ops->close(inst->instance, &diag), 0);
	alx_plugin_instance_destroy(inst);
}

static void test_wt_foreign_directory(void)
{
	char *dir = alx_test_tmpdir("wt-foreign");
	char path[1024];
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	CU_ASSERT_EQUAL_FATAL(alx_test_write_file(path, "mine\n"), 0);
	struct alx_plugin_instance *inst = NULL;
	alopex_diag diag = {0};
	int rc = open_dir(dir, NULL, 1, &inst, &diag);
	CU_ASSERT_EQUAL(rc, ALOPEX_ECORRUPT);
	CU_ASSERT_EQUAL(diag.code, ALOPEX_ECORRUPT);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(diag.message, "not a WiredTiger data directory"));
	/* Nothing was created next to the foreign file. */
	snprintf(path, sizeof(path), "%s/WiredTiger", dir);
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
	alx_test_rmdir(dir);
	free(dir);

	/* Empty without create (an interrupted creation): made, with a
	 * warning. */
	dir = alx_test_tmpdir("wt-empty");
	ct_log_reset();
	rc = open_dir(dir, NULL, 0, &inst, &diag);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(ct_log_count("wiredtiger", "creating a new one"), 1);
	if (rc == 0)
		close_inst(inst);
	alx_test_rmdir(dir);
	free(dir);
}

/*
 * Open dir in a child process and report rc and message: WiredTiger 3.2.1
 * leaks an internal session when wiredtiger_open fails on damaged metadata,
 * which LeakSanitizer would pin on this suite.
 */
static int open_in_child(const char *dir, alopex_diag *diag)
{
	int fds[2];
	if (pipe(fds) != 0)
		return ALOPEX_EIO;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return ALOPEX_EIO;
	if (pid == 0) {
		close(fds[0]);
		struct alx_runtime *rt = NULL;
		struct alx_plugin_instance *inst = NULL;
		alopex_diag d = {0};
		int rc = ct_runtime_create(NULL, &rt);
		if (rc == 0)
			rc = ct_instance(rt, NULL, &inst, &d);
		if (rc == 0) {
			struct alopex_engine_env env = {
				.size = sizeof(env), .dir = dir, .create = 0};
			rc = ct.ops->open(inst->instance, &env, &d);
		}
		char out[600];
		int n = snprintf(out, sizeof(out), "%d\n%s", rc, d.message);
		if (write(fds[1], out, (size_t)n) != n)
			_exit(1);
		_exit(0); /* no cleanup: the point of the child */
	}
	close(fds[1]);
	char in[600];
	size_t got = 0;
	ssize_t n;
	while (got + 1 < sizeof(in) &&
	       (n = read(fds[0], in + got, sizeof(in) - 1 - got)) > 0)
		got += (size_t)n;
	in[got] = '\0';
	close(fds[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got == 0)
		return ALOPEX_EINTERNAL;
	char *nl = strchr(in, '\n');
	snprintf(diag->message, sizeof(diag->message), "%s", nl ? nl + 1 : "");
	return (int)strtol(in, NULL, 10);
}

static void test_wt_damaged_metadata(void)
{
	static const char *const files[] = {"WiredTiger.turtle",
					    "WiredTiger.wt"};
	for (size_t i = 0; i < 2; i++) {
		struct ct_db db;
		OPEN_DB(&db, NULL);
		ct_fill(&db, "a,b");
		/* Keep the directory: close the engine only. */
		alopex_diag diag = {0};
		CU_ASSERT_EQUAL(db.ops->close(db.eng, &diag), 0);
		db.open = 0;
		char path[1024], junk[8192];
		snprintf(path, sizeof(path), "%s/%s", db.dir, files[i]);
		memset(junk, 'Z', sizeof(junk) - 1);
		junk[sizeof(junk) - 1] = '\0';
		CU_ASSERT_EQUAL(alx_test_write_file(path, junk), 0);
		int rc = open_in_child(db.dir, &diag);
		CU_ASSERT_EQUAL(rc, ALOPEX_ECORRUPT);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(diag.message, "WiredTiger could not open"));
		CU_ASSERT_PTR_NOT_NULL(strstr(diag.message, db.dir));
		printf("\n    %s: %s", files[i], diag.message);
		ct_db_close(&db);
	}
}

static void test_wt_busy(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	ct_log_reset();
	struct alx_plugin_instance *inst = NULL;
	alopex_diag diag = {0};
	int rc = open_dir(db.dir, NULL, 0, &inst, &diag);
	CU_ASSERT_EQUAL(rc, ALOPEX_EBUSY);
	CU_ASSERT_EQUAL(diag.code, ALOPEX_EBUSY);
	CU_ASSERT_PTR_NOT_NULL(strstr(diag.message, db.dir));
	/* WiredTiger's own message came through host->log, not stderr. */
	CU_ASSERT(ct_log_count("wiredtiger", "already being managed") >= 1);
	if (rc == 0)
		close_inst(inst);
	/* The first instance is unaffected. */
	ct_fill(&db, "still-works");
	ct_db_close(&db);
}

static void test_wt_durability_modes(void)
{
	static const char *const modes[] = {
		"durability: fsync\n",
		"durability: periodic\nsync_interval: 10ms\n",
		"durability: none\ncache_size: 8MB\n",
	};
	for (size_t i = 0; i < 3; i++) {
		struct ct_db db;
		OPEN_DB(&db, modes[i]);
		ct_fill(&db, "m1,m2");
		usleep(30 * 1000); /* let a periodic sync run */
		alopex_diag diag = {0};
		CU_ASSERT_EQUAL_FATAL(ct_db_reopen(&db, &diag), 0);
		char buf[32];
		void *t = ct_begin(&db, 0);
		CU_ASSERT_EQUAL(ct_get(&db, t, "m2", buf, sizeof(buf)), 0);
		CU_ASSERT_STRING_EQUAL(buf, "v:m2");
		db.ops->txn_rollback(t);
		ct_db_close(&db);
	}
	/* Values outside the schema are refused by the config layer. */
	static const char *const bad[] = {
		"durability: sometimes\n", "sync_interval: 0ms\n",
		"cache_size: 1KB\n",	   "log_retain: -1\n",
		"no_such_key: 1\n",
	};
	for (size_t i = 0; i < 5; i++) {
		struct alx_plugin_instance *inst = NULL;
		alopex_diag diag = {0};
		int rc = ct_instance(ct.rt, bad[i], &inst, &diag);
		CU_ASSERT_EQUAL(rc, ALOPEX_ECONFIG);
		if (rc == 0)
			alx_plugin_instance_destroy(inst);
	}
}

/* Child: commit with durability fsync and die without closing. */
static void crash_child(const char *dir)
{
	struct alx_runtime *rt = NULL;
	struct alx_plugin_instance *inst = NULL;
	alopex_diag diag = {0};
	if (ct_runtime_create(NULL, &rt) != 0 ||
	    ct_instance(rt, "durability: fsync\n", &inst, &diag) != 0)
		_exit(2);
	const struct alopex_engine_ops *ops = inst->plugin->ops;
	struct alopex_engine_env env = {
		.size = sizeof(env), .dir = dir, .create = 0};
	void *txn = NULL;
	uint64_t pos = 0;
	/* A real commit batch: WiredTiger's data table is recovered by
	 * replaying the records after its last checkpoint (wt_ckpt.c). */
	struct alx_batch_writer w;
	alx_batch_writer_init(&w, rt);
	if (alx_batch_add(&w, ALOPEX_MUT_PUT, ct_s("crash"),
			  ct_s("survived")) != 0)
		_exit(2);
	if (ops->open(inst->instance, &env, &diag) != 0 ||
	    ops->txn_begin(inst->instance, 0, &txn, &diag) != 0 ||
	    ops->put(txn, ct_s("crash"), ct_s("survived"), &diag) != 0 ||
	    ops->txn_commit(txn, alx_batch_finish(&w), &pos, &diag) != 0 ||
	    pos != 2)
		_exit(3);
	_exit(0); /* no close, no checkpoint: only the log has it */
}

static void test_wt_crash_durability(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	ct_fill(&db, "before");
	alopex_diag diag = {0};
	CU_ASSERT_EQUAL(db.ops->close(db.eng, &diag), 0);
	db.open = 0;
	fflush(NULL);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0)
		crash_child(db.dir);
	int status = 0;
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	CU_ASSERT_EQUAL_FATAL(ct_db_reopen(&db, &diag), 0);
	CU_ASSERT_EQUAL(db.ops->log_position(db.eng), 2);
	char buf[32];
	void *t = ct_begin(&db, ALOPEX_TXN_READONLY);
	CU_ASSERT_EQUAL(ct_get(&db, t, "crash", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "survived");
	CU_ASSERT_EQUAL(ct_get(&db, t, "before", buf, sizeof(buf)), 0);
	db.ops->txn_rollback(t);
	int n = 0;
	CU_ASSERT_EQUAL(db.ops->log_read(db.eng, 1, log_count_fn, &n, &diag),
			0);
	CU_ASSERT_EQUAL(n, 1);
	ct_db_close(&db);
}

const struct alx_test_case ct_wt_cases[] = {
	{"wt_foreign_directory", test_wt_foreign_directory},
	{"wt_damaged_metadata", test_wt_damaged_metadata},
	{"wt_busy", test_wt_busy},
	{"wt_durability_modes", test_wt_durability_modes},
	{"wt_crash_durability", test_wt_crash_durability},
	{NULL, NULL},
};
