/*
 * Opening and closing a data directory.
 *
 * Layout of a data directory:
 *   ALOPEX        marker: format version and engine name (refuse anything
 *                 without it, so a typo'd path never gets written into)
 *   alopex.lock   flock()ed while open; holds the owner's pid
 *   <engine>/     the storage engine's own files
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/alx_config.h"
#include "db/db_internal.h"
#include "kv/kv_lock.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_registry.h"
#include "runtime/alx_runtime.h"

#define MARKER_FILE "ALOPEX"
#define MARKER_TMP "ALOPEX.tmp"
#define LOCK_FILE "alopex.lock"
#define FORMAT_VERSION 1

static char *path_join(struct alx_runtime *rt, const char *dir,
		       const char *name)
{
	size_t n = strlen(dir) + 1 + strlen(name) + 1;
	char *p = alx_malloc(rt, n);
	if (p != NULL)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static int mkdir_parents(const char *dir, alopex_diag *d)
{
	char buf[4096];
	size_t n = strlen(dir);
	if (n == 0 || n >= sizeof(buf))
		return alx_diag_set(d, ALOPEX_EINVAL, NULL,
				    "data directory path is empty or too long");
	memcpy(buf, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		char saved = buf[i];
		buf[i] = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return alx_diag_set(d, ALOPEX_EIO, NULL,
					    "cannot create directory %s: %s",
					    buf, strerror(errno));
		buf[i] = saved;
	}
	return 0;
}

/* 1 when the directory holds anything besides what a crashed open leaves. */
static int dir_has_foreign_entries(const char *dir, alopex_diag *d)
{
	DIR *dh = opendir(dir);
	if (dh == NULL)
		return alx_diag_set(d, ALOPEX_EIO, NULL,
				    "cannot read data directory %s: %s", dir,
				    strerror(errno));
	int foreign = 0;
	struct dirent *e;
	while ((e = readdir(dh)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0 ||
		    strcmp(e->d_name, LOCK_FILE) == 0 ||
		    strcmp(e->d_name, MARKER_TMP) == 0)
			continue;
		foreign = 1;
		break;
	}
	closedir(dh);
	return foreign;
}

/*
 * Read the marker: 0 and the engine name, ALOPEX_ENOTFOUND when absent,
 * ALOPEX_ECORRUPT when it is not ours.
 */
static int marker_read(const char *path, char *engine, size_t engine_size,
		       alopex_diag *d)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		if (errno == ENOENT)
			return ALOPEX_ENOTFOUND;
		return alx_diag_set(d, ALOPEX_EIO, NULL, "cannot read %s: %s",
				    path, strerror(errno));
	}
	char line[256];
	long format = -1;
	engine[0] = '\0';
	int magic = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, "# Alopex data directory", 23) == 0)
			magic = 1;
		else if (strncmp(line, "format: ", 8) == 0)
			format = strtol(line + 8, NULL, 10);
		else if (strncmp(line, "engine: ", 8) == 0) {
			/* An over-long name is damage: leave it empty. */
			size_t n = strlen(line + 8);
			if (n < engine_size)
				memcpy(engine, line + 8, n + 1);
		}
	}
	fclose(f);
	if (!magic || format < 0 || engine[0] == '\0')
		return alx_diag_set(
			d, ALOPEX_ECORRUPT, NULL,
			"%s is damaged or not an Alopex marker file", path);
	if (format != FORMAT_VERSION)
		return alx_diag_set(d, ALOPEX_ECORRUPT, NULL,
				    "%s: data directory format %ld is not "
				    "supported (this build reads format %d)",
				    path, format, FORMAT_VERSION);
	return 0;
}

static int fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* Write the marker atomically: temp file, fsync, rename, fsync the dir. */
static int marker_write(alopex_db *db, const char *engine, alopex_diag *d)
{
	char *tmp = path_join(db->rt, db->dir, MARKER_TMP);
	char *path = path_join(db->rt, db->dir, MARKER_FILE);
	int rc = ALOPEX_ENOMEM;
	if (tmp == NULL || path == NULL) {
		alx_diag_set(d, rc, NULL, "out of memory");
		goto fail;
	}
	FILE *f = fopen(tmp, "w");
	if (f == NULL)
		goto io;
	fprintf(f,
		"# Alopex data directory. Do not edit or remove this file.\n"
		"format: %d\nengine: %s\n",
		FORMAT_VERSION, engine);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fclose(f);
		goto io;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0 ||
	    fsync_path(db->dir) != 0)
		goto io;
	rc = 0;
	goto fail;
io:
	rc = alx_diag_set(d, ALOPEX_EIO, NULL, "cannot write %s: %s", path,
			  strerror(errno));
fail:
	alx_free(db->rt, tmp);
	alx_free(db->rt, path);
	return rc;
}

static int lock_dir(alopex_db *db, alopex_diag *d)
{
	char *path = path_join(db->rt, db->dir, LOCK_FILE);
	if (path == NULL)
		return alx_diag_set(d, ALOPEX_ENOMEM, NULL, "out of memory");
	int rc = 0;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = alx_diag_set(d, ALOPEX_EIO, NULL, "cannot open %s: %s",
				  path, strerror(errno));
		goto out;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int err = errno;
		char pid[32] = "";
		ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		close(fd);
		if (err == EWOULDBLOCK)
			rc = alx_diag_set(
				d, ALOPEX_EBUSY, NULL,
				"data directory %s is locked: it is in use by "
				"another process%s%s%s or another handle of "
				"this one",
				db->dir, pid[0] ? " (pid " : "", pid,
				pid[0] ? ")" : "");
		else
			rc = alx_diag_set(d, ALOPEX_EIO, NULL,
					  "cannot lock %s: %s", path,
					  strerror(err));
		goto out;
	}
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)len, 0) != len) {
		rc = alx_diag_set(d, ALOPEX_EIO, NULL, "cannot write %s: %s",
				  path, strerror(errno));
		close(fd);
		goto out;
	}
	db->lock_fd = fd;
out:
	alx_free(db->rt, path);
	return rc;
}

/* Check or create the marker; *created tells whether the store is new. */
static int check_marker(alopex_db *db, const char *engine, int *created,
			alopex_diag *d)
{
	char *path = path_join(db->rt, db->dir, MARKER_FILE);
	if (path == NULL)
		return alx_diag_set(d, ALOPEX_ENOMEM, NULL, "out of memory");
	char found[128];
	int rc = marker_read(path, found, sizeof(found), d);
	if (rc == 0) {
		if (strcmp(found, engine) != 0)
			rc = alx_diag_set(
				d, ALOPEX_ECONFIG, NULL,
				"data directory %s was created with engine "
				"'%s' but the configuration selects '%s'",
				db->dir, found, engine);
		*created = 0;
	} else if (rc == ALOPEX_ENOTFOUND) {
		int foreign = dir_has_foreign_entries(db->dir, d);
		if (foreign < 0)
			rc = foreign;
		else if (foreign)
			rc = alx_diag_set(
				d, ALOPEX_ECORRUPT, NULL,
				"%s is not an Alopex data directory: it holds "
				"files but no %s marker; refusing to use it",
				db->dir, MARKER_FILE);
		else
			rc = 0;
		*created = 1;
	}
	alx_free(db->rt, path);
	return rc;
}

static int open_engine(alopex_db *db, alopex_diag *d)
{
	const char *name = db->cfg->core->engine;
	struct alx_registry *reg = alx_runtime_registry(db->rt);
	const struct alopex_plugin *p =
		alx_registry_find(reg, ALOPEX_PLUGIN_ENGINE, name);
	if (p == NULL)
		return alx_diag_set(d, ALOPEX_ECONFIG, NULL,
				    "storage engine '%s' is not available",
				    name);

	int created = 0;
	int rc = check_marker(db, name, &created, d);
	if (rc == 0 && created)
		rc = marker_write(db, name, d);
	if (rc != 0)
		return rc;

	void *config = NULL;
	rc = alx_config_take_plugin(db->cfg, p, &config, d);
	if (rc != 0)
		return rc;
	rc = alx_plugin_instance_create(db->rt, p, config, &db->engine, d);
	if (rc != 0)
		return rc;
	db->eng = p->ops;
	db->einst = db->engine->instance;

	char *edir = path_join(db->rt, db->dir, name);
	if (edir == NULL)
		return alx_diag_set(d, ALOPEX_ENOMEM, NULL, "out of memory");
	if (mkdir(edir, 0755) != 0 && errno != EEXIST) {
		rc = alx_diag_set(d, ALOPEX_EIO, NULL, "cannot create %s: %s",
				  edir, strerror(errno));
		alx_free(db->rt, edir);
		return rc;
	}
	struct alopex_engine_env env = {
		.size = sizeof(env),
		.dir = edir,
		.create = created,
		.on_commit = alx_db_on_commit,
		.on_commit_arg = db,
	};
	rc = db->eng->open(db->einst, &env, d);
	alx_free(db->rt, edir);
	if (rc != 0) {
		alx_diag_prefix(d, "opening data directory %s", db->dir);
		return rc;
	}
	db->engine_open = 1;
	return 0;
}

static void db_destroy(alopex_db *db)
{
	if (db == NULL)
		return;
	struct alx_runtime *rt = db->rt;
	alx_db_sql_close(db);
	if (db->engine_open) {
		alopex_diag d;
		alx_diag_clear(&d);
		if (db->eng->close(db->einst, &d) != 0)
			alx_log(rt, ALOPEX_LOG_ERROR, "db",
				"closing the engine: %s", d.message);
	}
	alx_plugin_instance_destroy(db->engine);
	while (db->subs != NULL) {
		struct alopex_subscription *s = db->subs;
		db->subs = s->next;
		alx_free(rt, s);
	}
	if (db->lock_fd >= 0)
		close(db->lock_fd); /* releases the flock */
	alx_config_destroy(db->cfg);
	alx_free(rt, db->dir);
	alx_kv_locks_destroy(db->locks);
	pthread_rwlock_destroy(&db->sub_lock);
	pthread_mutex_destroy(&db->sql_mu);
	pthread_mutex_destroy(&db->err_mu);
	alx_free(rt, atomic_load(&db->txn_spare));
	alx_free(rt, db);
	alx_runtime_destroy(rt);
}

int alopex_open_ex(const char *dir, const char *config_path,
		   const alopex_open_options *options, alopex_db **out,
		   alopex_diag *diag)
{
	alopex_diag local;
	alopex_diag *d = diag != NULL ? diag : &local;
	alx_diag_clear(d);
	if (dir == NULL || out == NULL)
		return alx_diag_set(
			d, ALOPEX_EINVAL, NULL,
			"alopex_open: dir and out must not be NULL");
	if (options != NULL && options->size < sizeof(size_t))
		return alx_diag_set(d, ALOPEX_EINVAL, NULL,
				    "alopex_open: options.size is not set");
	int create = 1;
	if (options != NULL &&
	    options->size >= offsetof(alopex_open_options, create_if_missing) +
				     sizeof(int))
		create = options->create_if_missing;

	struct alx_runtime *rt = NULL;
	int rc = alx_runtime_create(options, &rt, d);
	if (rc != 0)
		return rc;
	alopex_db *db = alx_calloc(rt, 1, sizeof(*db));
	if (db == NULL) {
		alx_runtime_destroy(rt);
		return alx_diag_set(d, ALOPEX_ENOMEM, NULL, "out of memory");
	}
	db->rt = rt;
	db->lock_fd = -1;
	pthread_mutex_init(&db->err_mu, NULL);
	pthread_mutex_init(&db->sql_mu, NULL);
	pthread_rwlock_init(&db->sub_lock, NULL);
	alx_diag_clear(&db->err);
	atomic_init(&db->err_set, false);
	atomic_init(&db->open_txns, 0);

	if (alx_kv_locks_create(rt, &db->locks) != 0) {
		rc = alx_diag_set(d, ALOPEX_ENOMEM, NULL, "out of memory");
		goto fail;
	}

	rc = alx_config_load(rt, config_path, &db->cfg, d);
	if (rc != 0)
		goto fail;
	alx_runtime_set_log_level(rt, db->cfg->core->log_level);

	db->dir = alx_strdup(rt, dir);
	if (db->dir == NULL) {
		rc = alx_diag_set(d, ALOPEX_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	struct stat st;
	if (stat(dir, &st) != 0) {
		if (errno != ENOENT || !create) {
			rc = alx_diag_set(d,
					  errno == ENOENT ? ALOPEX_ENOTFOUND
							  : ALOPEX_EIO,
					  NULL, "data directory %s: %s", dir,
					  strerror(errno));
			goto fail;
		}
		rc = mkdir_parents(dir, d);
		if (rc != 0)
			goto fail;
	} else if (!S_ISDIR(st.st_mode)) {
		rc = alx_diag_set(d, ALOPEX_EINVAL, NULL,
				  "data directory %s is not a directory", dir);
		goto fail;
	}
	/*
	 * Refuse a foreign directory before creating the lock file in it;
	 * the marker is checked again under the lock.
	 */
	int created = 0;
	rc = check_marker(db, db->cfg->core->engine, &created, d);
	if (rc != 0)
		goto fail;
	rc = lock_dir(db, d);
	if (rc != 0)
		goto fail;
	rc = open_engine(db, d);
	if (rc != 0)
		goto fail;
	alx_log(rt, ALOPEX_LOG_DEBUG, "db", "opened %s (engine %s)", dir,
		db->cfg->core->engine);
	*out = db;
	return 0;
fail:
	db_destroy(db);
	return rc;
}

int alopex_open(const char *dir, const char *config_path, alopex_db **out)
{
	return alopex_open_ex(dir, config_path, NULL, out, NULL);
}

int alopex_close(alopex_db *db)
{
	if (db == NULL)
		return 0;
	int stmts = alx_db_sql_busy(db);
	if (stmts > 0)
		return alx_db_failf(
			db, ALOPEX_EBUSY, NULL,
			"cannot close: %d SQL statement%s or session%s still "
			"open",
			stmts, stmts == 1 ? "" : "s", stmts == 1 ? "" : "s");
	/* Like a client disconnecting: the default session's open
	 * transaction is rolled back. */
	alx_db_sql_close(db);
	long open = atomic_load(&db->open_txns);
	if (open > 0)
		return alx_db_failf(
			db, ALOPEX_EBUSY, NULL,
			"cannot close: %ld transaction%s still open", open,
			open == 1 ? " is" : "s are");
	db_destroy(db);
	return 0;
}

int alx_db_fail(alopex_db *db, const alopex_diag *diag)
{
	pthread_mutex_lock(&db->err_mu);
	db->err = *diag;
	atomic_store_explicit(&db->err_set, true, memory_order_relaxed);
	pthread_mutex_unlock(&db->err_mu);
	return diag->code;
}

int alx_db_failf(alopex_db *db, int code, const char *sqlstate, const char *fmt,
		 ...)
{
	alopex_diag d;
	alx_diag_clear(&d);
	va_list ap;
	va_start(ap, fmt);
	char msg[sizeof(d.message)];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	alx_diag_set(&d, code, sqlstate, "%s", msg);
	return alx_db_fail(db, &d);
}

void alx_db_clear_error(alopex_db *db)
{
	/* A failure racing with this clear may win either way, as with the
	 * mutex alone. */
	if (!atomic_load_explicit(&db->err_set, memory_order_relaxed))
		return;
	pthread_mutex_lock(&db->err_mu);
	alx_diag_clear(&db->err);
	atomic_store_explicit(&db->err_set, false, memory_order_relaxed);
	pthread_mutex_unlock(&db->err_mu);
}

const char *alopex_errmsg(alopex_db *db)
{
	if (db == NULL)
		return "out of memory or invalid handle";
	return db->err.message;
}

const char *alopex_sqlstate(alopex_db *db)
{
	if (db == NULL)
		return "58000";
	return db->err.sqlstate;
}

int alopex_errcode(alopex_db *db)
{
	return db == NULL ? ALOPEX_EINVAL : db->err.code;
}
