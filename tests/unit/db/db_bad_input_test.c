/*
 * Bad input at open: foreign, damaged and locked directories, broken
 * configurations, missing plugins, allocation failures. Each gets a clear
 * error and leaves the data as it was.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alopex.h"
#include "alx_test_db.h"
#include "db_tests.h"

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static int exists(const char *dir, const char *name)
{
	char *p = join(dir, name);
	struct stat st;
	int rc = stat(p, &st) == 0;
	free(p);
	return rc;
}

/* Create dir holding greeting=hello under the given config, and close it. */
static void make_db(const char *dir, const char *config)
{
	alopex_db *db = alx_test_open_dir(dir, config);
	alopex_kv_txn *t;
	CU_ASSERT_EQUAL_FATAL(alopex_kv_begin(db, 0, &t), 0);
	CU_ASSERT_EQUAL(alopex_kv_put(t, "greeting", 8, "hello", 5), 0);
	CU_ASSERT_EQUAL(alopex_kv_commit(t), 0);
	CU_ASSERT_EQUAL(alopex_close(db), 0);
}

/* The greeting is still readable with the embedded default. */
static void assert_intact(const char *dir)
{
	alopex_db *db = alx_test_open_dir(dir, NULL);
	alopex_kv_txn *t;
	CU_ASSERT_EQUAL_FATAL(alopex_kv_begin(db, ALOPEX_KV_READONLY, &t), 0);
	const void *v;
	size_t vl;
	CU_ASSERT_EQUAL(alopex_kv_get(t, "greeting", 8, &v, &vl), 0);
	CU_ASSERT(vl == 5 && memcmp(v, "hello", 5) == 0);
	alopex_kv_rollback(t);
	alopex_close(db);
}

static int open_fails(const char *dir, const char *config, alopex_diag *d)
{
	alopex_db *db = NULL;
	int rc = alopex_open_ex(dir, config, NULL, &db, d);
	CU_ASSERT_PTR_NULL(db);
	if (db != NULL)
		alopex_close(db);
	return rc;
}

static void test_foreign_directory(void)
{
	char *dir = alx_test_tmpdir("foreign");
	char *notes = join(dir, "notes.txt");
	CU_ASSERT_FATAL(alx_test_write_file(notes, "my precious notes") == 0);
	alopex_diag d;
	CU_ASSERT_EQUAL(open_fails(dir, NULL, &d), ALOPEX_ECORRUPT);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(d.message, "not an Alopex data directory"));
	/* Nothing was written into it. */
	CU_ASSERT_FALSE(exists(dir, "alopex.lock"));
	CU_ASSERT_FALSE(exists(dir, "ALOPEX"));
	CU_ASSERT_FALSE(exists(dir, "wiredtiger"));
	FILE *f = fopen(notes, "r");
	char buf[64] = "";
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT(fgets(buf, sizeof(buf), f) != NULL);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(buf, "my precious notes");
	/* A file where the directory should be. */
	CU_ASSERT_EQUAL(open_fails(notes, NULL, &d), ALOPEX_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "not a directory"));
	free(notes);
	alx_test_rmdir(dir);
	free(dir);
}

static void test_damaged_marker(void)
{
	char *dir = alx_test_tmpdir("marker");
	make_db(dir, NULL);
	char *marker = join(dir, "ALOPEX");
	alopex_diag d;
	CU_ASSERT_FATAL(alx_test_write_file(marker, "\x7f"
						    "ELF garbage\n") == 0);
	CU_ASSERT_EQUAL(open_fails(dir, NULL, &d), ALOPEX_ECORRUPT);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "damaged"));
	CU_ASSERT_FATAL(
		alx_test_write_file(marker,
				    "# Alopex data directory.\n"
				    "format: 99\nengine: wiredtiger\n") == 0);
	CU_ASSERT_EQUAL(open_fails(dir, NULL, &d), ALOPEX_ECORRUPT);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "format 99"));
	CU_ASSERT_FATAL(
		alx_test_write_file(marker,
				    "# Alopex data directory.\n"
				    "format: 1\nengine: wiredtiger\n") == 0);
	assert_intact(dir);
	free(marker);
	alx_test_rmdir(dir);
	free(dir);
}

static void test_engine_mismatch(void)
{
	char *dir = alx_test_tmpdir("mismatch");
	char *cfgdir, *memcfg;
	CU_ASSERT_FATAL(alx_test_memory_config("cfg", &cfgdir, &memcfg) == 0);
	make_db(dir, NULL);
	alopex_diag d;
	CU_ASSERT_EQUAL(open_fails(dir, memcfg, &d), ALOPEX_ECONFIG);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(d.message, "created with engine 'wiredtiger'"));
	assert_intact(dir);
	alx_test_memory_config_free(&cfgdir, &memcfg);
	alx_test_rmdir(dir);
	free(dir);
}

/*
 * Open a damaged store in a child so that a crash inside the engine shows
 * up as a failed assertion rather than killing the suite. The child sends
 * back the code and message.
 */
static void open_damaged_in_child(const char *dir, int *code, char *msg,
				  size_t size, int *crashed)
{
	int fds[2];
	CU_ASSERT_FATAL(pipe(fds) == 0);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		alopex_db *db = NULL;
		alopex_diag d;
		int rc = alopex_open_ex(dir, NULL, NULL, &db, &d);
		if (rc == 0) {
			alopex_kv_txn *t;
			const void *v;
			size_t vl;
			rc = alopex_kv_begin(db, ALOPEX_KV_READONLY, &t);
			if (rc == 0) {
				rc = alopex_kv_get(t, "greeting", 8, &v, &vl);
				alopex_kv_rollback(t);
			}
			snprintf(d.message, sizeof(d.message), "%s",
				 rc == 0 ? "opened and read"
					 : alopex_errmsg(db));
			alopex_close(db);
		}
		if (write(fds[1], &rc, sizeof(rc)) < 0 ||
		    write(fds[1], d.message, strlen(d.message) + 1) < 0)
			_exit(3);
		_exit(0);
	}
	close(fds[1]);
	int status = 0;
	*code = 1;
	msg[0] = '\0';
	if (read(fds[0], code, sizeof(*code)) == (ssize_t)sizeof(*code)) {
		ssize_t n = read(fds[0], msg, size - 1);
		msg[n > 0 ? n : 0] = '\0';
	}
	close(fds[0]);
	waitpid(pid, &status, 0);
	*crashed = !WIFEXITED(status);
}

static void test_damaged_engine_files(void)
{
	/* WiredTiger's metadata and our data table (the plain "WiredTiger"
	 * version file is informational: WiredTiger ignores its content). */
	static const char *victims[] = {"WiredTiger.turtle", "WiredTiger.wt",
					"alopex_data.wt"};
	for (size_t i = 0; i < sizeof(victims) / sizeof(victims[0]); i++) {
		char *dir = alx_test_tmpdir("damaged");
		make_db(dir, NULL);
		char *edir = join(dir, "wiredtiger");
		char *victim = join(edir, victims[i]);
		CU_ASSERT_FATAL(alx_test_write_file(
					victim, "this is not a WiredTiger file "
						"at all, just bytes\n") == 0);
		int code, crashed;
		char msg[600];
		open_damaged_in_child(dir, &code, msg, sizeof(msg), &crashed);
		CU_ASSERT_FALSE(crashed);
		if (crashed)
			fprintf(stderr, "open crashed after damaging %s\n",
				victims[i]);
		CU_ASSERT(code == ALOPEX_ECORRUPT || code == ALOPEX_EIO);
		if (!(code == ALOPEX_ECORRUPT || code == ALOPEX_EIO))
			fprintf(stderr, "damaged %s: code %d: %s\n", victims[i],
				code, msg);
		/* The message says which directory could not be opened. */
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, dir));
		free(victim);
		free(edir);
		alx_test_rmdir(dir);
		free(dir);
	}
}

/* Bytes flipped inside the data file, its size unchanged (bit rot). */
static void test_bit_rot_in_data_file(void)
{
	char *dir = alx_test_tmpdir("bitrot");
	make_db(dir, NULL);
	char *edir = join(dir, "wiredtiger");
	char *victim = join(edir, "alopex_data.wt");
	FILE *f = fopen(victim, "r+");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fseek(f, 0, SEEK_END), 0);
	long size = ftell(f);
	CU_ASSERT(size > 4096);
	for (long off = 4096; off < size; off += 4096) {
		fseek(f, off + 100, SEEK_SET);
		fwrite("ROTROTROTROTROTROTROTROTROTROTROT", 1, 32, f);
	}
	fclose(f);
	int code, crashed;
	char msg[600];
	open_damaged_in_child(dir, &code, msg, sizeof(msg), &crashed);
	CU_ASSERT_FALSE(crashed);
	/* Opening may succeed (blocks are read lazily); reading must not
	 * crash either, which the child checks through the greeting. */
	if (code != 0)
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, dir));
	free(victim);
	free(edir);
	alx_test_rmdir(dir);
	free(dir);
}

static void test_locked_by_other_process(void)
{
	char *dir = alx_test_tmpdir("locked");
	make_db(dir, NULL);
	int ready[2], quit[2];
	CU_ASSERT_FATAL(pipe(ready) == 0 && pipe(quit) == 0);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		close(ready[0]);
		close(quit[1]);
		alopex_db *db = NULL;
		char c = alopex_open(dir, NULL, &db) == 0 ? 'y' : 'n';
		if (c == 'y') {
			alopex_kv_txn *t;
			if (alopex_kv_begin(db, 0, &t) != 0 ||
			    alopex_kv_put(t, "child", 5, "was here", 8) != 0 ||
			    alopex_kv_commit(t) != 0)
				c = 'n';
		}
		if (write(ready[1], &c, 1) != 1)
			_exit(3);
		/* Hold the directory until the parent says stop. */
		if (read(quit[0], &c, 1) < 0)
			_exit(3);
		alopex_close(db);
		_exit(0);
	}
	close(ready[1]);
	close(quit[0]);
	char c = 0;
	CU_ASSERT_EQUAL_FATAL(read(ready[0], &c, 1), 1);
	CU_ASSERT_EQUAL_FATAL(c, 'y');

	alopex_diag d;
	CU_ASSERT_EQUAL(open_fails(dir, NULL, &d), ALOPEX_EBUSY);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "locked"));
	char pidtext[32];
	snprintf(pidtext, sizeof(pidtext), "pid %ld", (long)pid);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, pidtext));

	CU_ASSERT_EQUAL(write(quit[1], "q", 1), 1);
	int status;
	waitpid(pid, &status, 0);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(ready[0]);
	close(quit[1]);

	/* Nothing was damaged: both writers' data is there. */
	assert_intact(dir);
	alopex_db *db = alx_test_open_dir(dir, NULL);
	alopex_kv_txn *t;
	CU_ASSERT_EQUAL_FATAL(alopex_kv_begin(db, ALOPEX_KV_READONLY, &t), 0);
	const void *v;
	size_t vl;
	CU_ASSERT_EQUAL(alopex_kv_get(t, "child", 5, &v, &vl), 0);
	alopex_kv_rollback(t);

	/* A second handle in the same process is refused too. */
	CU_ASSERT_EQUAL(open_fails(dir, NULL, &d), ALOPEX_EBUSY);
	alopex_close(db);
	alx_test_rmdir(dir);
	free(dir);
}

static void test_bad_configs(void)
{
	char *dir = alx_test_tmpdir("cfgdb");
	char *cfgdir = alx_test_tmpdir("cfg");
	make_db(dir, NULL);
	alopex_diag d;

	/* Missing file. */
	char *missing = join(cfgdir, "nope.yaml");
	CU_ASSERT(open_fails(dir, missing, &d) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "nope.yaml"));

	/* A directory is not a readable config file. */
	CU_ASSERT(open_fails(dir, cfgdir, &d) < 0);
	CU_ASSERT(d.message[0] != '\0');

	/* Malformed YAML: position reported. */
	char *bad = join(cfgdir, "bad.yaml");
	CU_ASSERT_FATAL(alx_test_write_file(bad, "log_level: info\n"
						 "engine: [wiredtiger\n") == 0);
	CU_ASSERT(open_fails(dir, bad, &d) < 0);
	CU_ASSERT(d.line >= 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.file, "bad.yaml"));

	/* Unknown key. */
	CU_ASSERT_FATAL(alx_test_write_file(bad, "log_level: info\n"
						 "engnie: memory\n") == 0);
	CU_ASSERT_EQUAL(open_fails(dir, bad, &d), ALOPEX_ECONFIG);
	CU_ASSERT_EQUAL(d.line, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "engnie"));

	/* Out-of-range engine setting. */
	CU_ASSERT_FATAL(alx_test_write_file(bad, "engines:\n"
						 "  wiredtiger:\n"
						 "    cache_size: 1KB\n") == 0);
	CU_ASSERT_EQUAL(open_fails(dir, bad, &d), ALOPEX_ECONFIG);
	CU_ASSERT_EQUAL(d.line, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "cache_size"));

	/* A plugin file that is not there. */
	char text[512];
	snprintf(text, sizeof(text),
		 "plugin_dirs: [\"%s\"]\nload: [alopex-missing.so]\n", cfgdir);
	CU_ASSERT_FATAL(alx_test_write_file(bad, text) == 0);
	CU_ASSERT(open_fails(dir, bad, &d) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "alopex-missing.so"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, cfgdir));

	/* An engine nobody has. */
	CU_ASSERT_FATAL(alx_test_write_file(bad, "engine: leveldb\n") == 0);
	CU_ASSERT(open_fails(dir, bad, &d) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "leveldb"));

	/* After all that, the data is as it was. */
	assert_intact(dir);
	free(missing);
	free(bad);
	alx_test_rmdir(cfgdir);
	free(cfgdir);
	alx_test_rmdir(dir);
	free(dir);
}

/* An allocator that fails the Nth allocation. */
struct failing_alloc {
	long countdown; /* fail when it reaches 0; <0: never */
	long calls;
};

static void *fa_malloc(void *ctx, size_t n)
{
	struct failing_alloc *fa = ctx;
	fa->calls++;
	if (fa->countdown >= 0 && fa->countdown-- == 0)
		return NULL;
	return malloc(n);
}

static void *fa_realloc(void *ctx, void *p, size_t n)
{
	struct failing_alloc *fa = ctx;
	fa->calls++;
	if (fa->countdown >= 0 && fa->countdown-- == 0)
		return NULL;
	return realloc(p, n);
}

static void fa_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static void test_allocation_failures(void)
{
	char *cfgdir, *memcfg;
	CU_ASSERT_FATAL(alx_test_memory_config("cfg", &cfgdir, &memcfg) == 0);
	int succeeded = 0;
	long n;
	for (n = 0; n < 5000 && !succeeded; n++) {
		char *dir = alx_test_tmpdir("oom");
		struct failing_alloc fa = {n, 0};
		alopex_allocator a = {fa_malloc, fa_realloc, fa_free, &fa};
		alopex_open_options o = {.size = sizeof(o),
					 .allocator = &a,
					 .create_if_missing = 1};
		alopex_db *db = NULL;
		alopex_diag d;
		int rc = alopex_open_ex(dir, memcfg, &o, &db, &d);
		if (rc == 0) {
			alopex_kv_txn *t;
			rc = alopex_kv_begin(db, 0, &t);
			if (rc == 0) {
				rc = alopex_kv_put(t, "k", 1, "v", 1);
				if (rc == 0)
					rc = alopex_kv_commit(t);
				else
					alopex_kv_rollback(t);
			}
			CU_ASSERT(rc == 0 || rc == ALOPEX_ENOMEM);
			succeeded = rc == 0 && fa.countdown >= 0;
			CU_ASSERT_EQUAL(alopex_close(db), 0);
		} else {
			CU_ASSERT(rc < 0);
			CU_ASSERT(d.message[0] != '\0');
		}
		alx_test_rmdir(dir);
		free(dir);
	}
	CU_ASSERT_TRUE(succeeded);
	CU_ASSERT(n > 10); /* open does allocate: failures were exercised */
	alx_test_memory_config_free(&cfgdir, &memcfg);
}

static const struct alx_test_case cases[] = {
	{"foreign_directory", test_foreign_directory},
	{"damaged_marker", test_damaged_marker},
	{"engine_mismatch", test_engine_mismatch},
	{"damaged_engine_files", test_damaged_engine_files},
	{"bit_rot_in_data_file", test_bit_rot_in_data_file},
	{"locked_by_other_process", test_locked_by_other_process},
	{"bad_configs", test_bad_configs},
	{"allocation_failures", test_allocation_failures},
	{NULL, NULL},
};

const struct alx_test_suite db_suite_bad_input = {"db/bad_input", NULL, NULL,
						  cases};
