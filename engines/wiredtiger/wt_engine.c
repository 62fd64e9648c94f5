/*
 * The WiredTiger storage engine plugin: descriptor, config schema, instance
 * lifecycle, open/close of the data directory and error mapping.
 *
 * WiredTiger 3.2.1 (Debian 12) is the target: its log configuration is not
 * persisted, so every open passes the same log settings, and durability is
 * done by flushing the log after commits (see wt_txn.c). The data table is
 * not in WiredTiger's log; open replays our change log over its last
 * checkpoint, and the engine takes the checkpoints (wt_ckpt.c).
 */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "wt_internal.h"

/* ---- config ----------------------------------------------------------- */

static const char *const durability_choices[] = {"fsync", "periodic", "none",
						 NULL};

static const struct alopex_cfg_field wt_fields[] = {
	/*
	 * WiredTiger keeps a transaction's updates in the cache until it
	 * commits: CREATE INDEX USING hnsw over 100k 768-d vectors writes
	 * ~330 MB in one transaction and was rolled back at 256MB. The cache
	 * is allocated as it fills, so a small database pays nothing.
	 */
	{"cache_size", ALOPEX_CFG_SIZE,
	 offsetof(struct alx_wt_config, cache_size), "1GB", 1048576.0,
	 1125899906842624.0, NULL, 0, "WiredTiger cache size"},
	{"durability", ALOPEX_CFG_ENUM,
	 offsetof(struct alx_wt_config, durability), "fsync", 0, 0,
	 durability_choices, 0,
	 "fsync: every commit is on disk when it returns; periodic: the log "
	 "is synced every sync_interval; none: the OS decides"},
	{"sync_interval", ALOPEX_CFG_DURATION,
	 offsetof(struct alx_wt_config, sync_interval), "100ms", 1, 60000, NULL,
	 0, "log sync interval for durability: periodic"},
	{"log_retain", ALOPEX_CFG_INT,
	 offsetof(struct alx_wt_config, log_retain), "100000", 0, 1e15, NULL, 0,
	 "committed batches kept for log_read (0: none)"},
	{"checkpoint_interval", ALOPEX_CFG_DURATION,
	 offsetof(struct alx_wt_config, checkpoint_interval), "60s", 1000,
	 86400000, NULL, 0,
	 "time between checkpoints (when something was committed)"},
	/* What a crash replays at most: the bound on recovery time. */
	{"checkpoint_log_size", ALOPEX_CFG_SIZE,
	 offsetof(struct alx_wt_config, checkpoint_log_size), "256MB",
	 1048576.0, 1099511627776.0, NULL, 0,
	 "change log bytes after which a checkpoint starts; a crash replays "
	 "at most about this much"},
};

static const struct alopex_cfg_schema wt_schema = {
	.size = sizeof(struct alopex_cfg_schema),
	.config_size = sizeof(struct alx_wt_config),
	.field_count = sizeof(wt_fields) / sizeof(wt_fields[0]),
	.fields = wt_fields,
	.doc = "the WiredTiger storage engine",
};

/* ---- helpers shared by the engine's files ----------------------------- */

void *alx_wt_alloc(const struct alx_wt_engine *eng, size_t size)
{
	return eng->host->alloc(eng->host->ctx, size);
}

void alx_wt_free(const struct alx_wt_engine *eng, void *ptr)
{
	if (ptr != NULL)
		eng->host->free(eng->host->ctx, ptr);
}

int alx_wt_error(const struct alx_wt_engine *eng, alopex_diag *diag, int ret,
		 const char *what)
{
	int code;
	switch (ret) {
	case WT_ROLLBACK:
	case WT_PREPARE_CONFLICT:
		code = ALOPEX_ECONFLICT;
		break;
	case WT_NOTFOUND:
		code = ALOPEX_ENOTFOUND;
		break;
	case WT_DUPLICATE_KEY:
		code = ALOPEX_EEXIST;
		break;
	case WT_CACHE_FULL:
	case ENOMEM:
		code = ALOPEX_ENOMEM;
		break;
	case WT_RUN_RECOVERY:
	case WT_TRY_SALVAGE:
		code = ALOPEX_ECORRUPT;
		break;
	case EBUSY:
		code = ALOPEX_EBUSY;
		break;
	case EINVAL:
		code = ALOPEX_EINVAL;
		break;
	default: /* WT_PANIC, WT_ERROR, I/O and other errno values */
		code = ALOPEX_EIO;
		break;
	}
	return eng->host->diag_set(diag, code, NULL, "%s: %s", what,
				   wiredtiger_strerror(ret));
}

int alx_wt_check_key(const struct alx_wt_engine *eng, alopex_slice key,
		     alopex_diag *diag)
{
	if (key.len == 0 || key.ptr == NULL)
		return eng->host->diag_set(diag, ALOPEX_EINVAL, NULL,
					   "empty key");
	if (key.len > ALOPEX_KV_MAX_KEY)
		return eng->host->diag_set(
			diag, ALOPEX_EINVAL, NULL,
			"key of %zu bytes is longer than the %u-byte limit",
			key.len, ALOPEX_KV_MAX_KEY);
	return 0;
}

void alx_wt_encode_pos(uint8_t out[8], uint64_t pos)
{
	for (int i = 7; i >= 0; i--) {
		out[i] = (uint8_t)(pos & 0xff);
		pos >>= 8;
	}
}

uint64_t alx_wt_decode_pos(const uint8_t in[8])
{
	uint64_t pos = 0;
	for (int i = 0; i < 8; i++)
		pos = (pos << 8) | in[i];
	return pos;
}

/* ---- WiredTiger event handler: messages go to the host log ------------ */

/* WiredTiger prefixes messages with "[time][pid:thread], "; drop that. */
static const char *strip_prefix(const char *msg)
{
	const char *p = msg;
	while (*p == '[') {
		const char *end = strchr(p, ']');
		if (end == NULL)
			return msg;
		p = end + 1;
	}
	if (p[0] == ',' && p[1] == ' ')
		p += 2;
	return p;
}

/* Past "where: __function, 123: ", for messages to users. */
static const char *strip_location(const char *msg)
{
	const char *fn = strstr(msg, "__");
	const char *comma = fn ? strchr(fn, ',') : NULL;
	if (comma == NULL || comma[1] != ' ')
		return msg;
	const char *p = comma + 2;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p == comma + 2 || p[0] != ':' || p[1] != ' ')
		return msg;
	return p + 2;
}

static int on_wt_error(WT_EVENT_HANDLER *handler, WT_SESSION *session,
		       int error, const char *message)
{
	struct alx_wt_engine *eng = (struct alx_wt_engine *)handler;
	const char *text = strip_prefix(message);
	eng->host->log(eng->host->ctx, ALOPEX_LOG_ERROR, ALX_WT_COMPONENT, "%s",
		       text);
	/* Keep the first error after a reset: it names the cause. */
	pthread_mutex_lock(&eng->err_mu);
	if (eng->last_error[0] == '\0')
		snprintf(eng->last_error, sizeof(eng->last_error), "%s",
			 strip_location(text));
	pthread_mutex_unlock(&eng->err_mu);
	return 0;
}

static int on_wt_message(WT_EVENT_HANDLER *handler, WT_SESSION *session,
			 const char *message)
{
	struct alx_wt_engine *eng = (struct alx_wt_engine *)handler;
	eng->host->log(eng->host->ctx, ALOPEX_LOG_INFO, ALX_WT_COMPONENT, "%s",
		       strip_prefix(message));
	return 0;
}

/* ---- instance --------------------------------------------------------- */

static int engine_init(const struct alopex_host *host, const void *config,
		       void **instance, alopex_diag *diag)
{
	if (config == NULL)
		return host->diag_set(diag, ALOPEX_EINVAL, NULL,
				      "wiredtiger: no configuration given");
	struct alx_wt_engine *eng = host->alloc(host->ctx, sizeof(*eng));
	if (eng == NULL)
		return host->diag_set(diag, ALOPEX_ENOMEM, NULL,
				      "wiredtiger: out of memory");
	memset(eng, 0, sizeof(*eng));
	eng->host = host;
	eng->cfg = config;
	eng->handler.handle_error = on_wt_error;
	eng->handler.handle_message = on_wt_message;
	int n = 0;
	if (pthread_mutex_init(&eng->pool_mu, NULL) != 0)
		goto fail;
	n++;
	if (pthread_mutex_init(&eng->commit_mu, NULL) != 0)
		goto fail;
	n++;
	if (pthread_mutex_init(&eng->err_mu, NULL) != 0)
		goto fail;
	n++;
	if (pthread_mutex_init(&eng->sync_mu, NULL) != 0)
		goto fail;
	n++;
	if (pthread_cond_init(&eng->sync_cv, NULL) != 0)
		goto fail;
	n++;
	if (pthread_mutex_init(&eng->ckpt_mu, NULL) != 0)
		goto fail;
	n++;
	if (pthread_mutex_init(&eng->ckpt_wait_mu, NULL) != 0)
		goto fail;
	n++;
	if (pthread_cond_init(&eng->ckpt_cv, NULL) != 0)
		goto fail;
	*instance = eng;
	return 0;
fail:
	if (n > 6)
		pthread_mutex_destroy(&eng->ckpt_wait_mu);
	if (n > 5)
		pthread_mutex_destroy(&eng->ckpt_mu);
	if (n > 4)
		pthread_cond_destroy(&eng->sync_cv);
	if (n > 3)
		pthread_mutex_destroy(&eng->sync_mu);
	if (n > 2)
		pthread_mutex_destroy(&eng->err_mu);
	if (n > 1)
		pthread_mutex_destroy(&eng->commit_mu);
	if (n > 0)
		pthread_mutex_destroy(&eng->pool_mu);
	host->free(host->ctx, eng);
	return host->diag_set(diag, ALOPEX_ENOMEM, NULL,
			      "wiredtiger: cannot create a mutex");
}

/* Close the connection and everything hanging off it. */
static int engine_shutdown(struct alx_wt_engine *eng, alopex_diag *diag)
{
	int rc = 0;
	if (eng->sync_timer != NULL) {
		eng->host->timer_cancel(eng->host->ctx, eng->sync_timer);
		eng->sync_timer = NULL;
	}
	alx_wt_ckpt_stop(eng);
	/* Only after a complete open: a failed replay must leave P0 as it
	 * was (the data table does not hold everything up to last_pos). */
	if (eng->opened && eng->conn != NULL)
		rc = alx_wt_checkpoint(eng, diag);
	if (eng->conn != NULL) {
		/* Closes every session too, with a final checkpoint. */
		int ret = eng->conn->close(eng->conn, NULL);
		if (ret != 0 && rc == 0)
			rc = alx_wt_error(eng, diag, ret,
					  "closing the WiredTiger connection");
		eng->conn = NULL;
	}
	eng->sync_session = NULL;
	eng->ckpt_session = NULL;
	eng->ckpt_cursor = NULL;
	alx_wt_pool_destroy(eng);
	alx_wt_free(eng, eng->dir);
	eng->dir = NULL;
	eng->opened = 0;
	return rc;
}

static void engine_fini(void *instance)
{
	struct alx_wt_engine *eng = instance;
	if (eng == NULL)
		return;
	if (eng->opened) {
		eng->host->log(eng->host->ctx, ALOPEX_LOG_WARN,
			       ALX_WT_COMPONENT,
			       "instance freed while open: closing it");
		engine_shutdown(eng, NULL);
	}
	pthread_cond_destroy(&eng->ckpt_cv);
	pthread_mutex_destroy(&eng->ckpt_wait_mu);
	pthread_mutex_destroy(&eng->ckpt_mu);
	pthread_cond_destroy(&eng->sync_cv);
	pthread_mutex_destroy(&eng->sync_mu);
	pthread_mutex_destroy(&eng->err_mu);
	pthread_mutex_destroy(&eng->commit_mu);
	pthread_mutex_destroy(&eng->pool_mu);
	eng->host->free(eng->host->ctx, eng);
}

/* ---- open/close ------------------------------------------------------- */

/*
 * What the directory holds: WiredTiger files, anything else. WiredTiger
 * would happily create a database among foreign files, so refuse that here.
 */
static int inspect_dir(const struct alx_wt_engine *eng, const char *dir,
		       int *has_wt, int *has_other, alopex_diag *diag)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		int err = errno;
		return eng->host->diag_set(
			diag, err == ENOENT ? ALOPEX_ENOTFOUND : ALOPEX_EIO,
			NULL, "cannot open the directory %s: %s", dir,
			strerror(err));
	}
	*has_wt = 0;
	*has_other = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (strcmp(e->d_name, "WiredTiger") == 0 ||
		    strcmp(e->d_name, "WiredTiger.wt") == 0 ||
		    strcmp(e->d_name, "WiredTiger.turtle") == 0)
			*has_wt = 1;
		else if (strncmp(e->d_name, "WiredTiger", 10) != 0)
			*has_other = 1; /* lock, logs: left by a creation */
	}
	closedir(d);
	return 0;
}

static int open_error(struct alx_wt_engine *eng, alopex_diag *diag, int ret)
{
	char msg[sizeof(eng->last_error)];
	pthread_mutex_lock(&eng->err_mu);
	snprintf(msg, sizeof(msg), "%s",
		 eng->last_error[0] ? eng->last_error
				    : wiredtiger_strerror(ret));
	pthread_mutex_unlock(&eng->err_mu);
	int code;
	switch (ret) {
	case EBUSY:
		code = ALOPEX_EBUSY; /* WiredTiger.lock is held */
		break;
	case ENOMEM:
		code = ALOPEX_ENOMEM;
		break;
	case EACCES:
	case EPERM:
	case EROFS:
	case ENOSPC:
	case EIO:
	case EMFILE:
	case ENFILE:
		code = ALOPEX_EIO;
		break;
	default: /* damaged metadata, turtle or log: WT_ERROR, WT_PANIC... */
		code = ALOPEX_ECORRUPT;
		break;
	}
	return eng->host->diag_set(diag, code, NULL,
				   "WiredTiger could not open %s: %s", eng->dir,
				   msg);
}

static void sync_tick(void *arg)
{
	struct alx_wt_engine *eng = arg;
	int ret = eng->sync_session->log_flush(eng->sync_session, "sync=on");
	if (ret != 0)
		eng->host->log(eng->host->ctx, ALOPEX_LOG_ERROR,
			       ALX_WT_COMPONENT, "periodic log sync: %s",
			       wiredtiger_strerror(ret));
}

static int create_tables(struct alx_wt_engine *eng, alopex_diag *diag)
{
	WT_SESSION *s = NULL;
	int ret = eng->conn->open_session(eng->conn, NULL, NULL, &s);
	if (ret != 0)
		return alx_wt_error(eng, diag, ret, "opening a session");
	/*
	 * create is a no-op for an existing table with the same format, and
	 * keeps its creation config: a data table made logged stays logged
	 * (alx_wt_ckpt_load reads which it is).
	 *
	 * memory_page_max: a leaf page is split in memory at 1MB, not 5MB.
	 * Random inserts into a large uncommitted transaction otherwise
	 * search skiplists of tens of thousands of entries (bulk loads ran
	 * at half the speed).
	 *
	 * The data table is not logged: our change log records hold every
	 * mutation, and open replays them (wt_ckpt.c) - unless the host
	 * cannot decode them for us.
	 */
	int can_replay = alx_wt_host_can_decode(eng->host);
	ret = s->create(s, ALX_WT_DATA_URI,
			can_replay ? "key_format=u,value_format=u,"
				     "memory_page_max=1MB,log=(enabled=false)"
				   : "key_format=u,value_format=u,"
				     "memory_page_max=1MB");
	if (ret == 0)
		ret = s->create(s, ALX_WT_LOG_URI,
				"key_format=u,value_format=u");
	if (ret == 0)
		ret = s->create(s, ALX_WT_CKPT_URI,
				"key_format=u,value_format=u,"
				"log=(enabled=false)");
	int rc = 0;
	if (ret != 0)
		rc = eng->host->diag_set(diag, ALOPEX_ECORRUPT, NULL,
					 "cannot create the tables in %s: %s",
					 eng->dir, wiredtiger_strerror(ret));
	s->close(s, NULL);
	return rc;
}

static int engine_open(void *instance, const struct alopex_engine_env *env,
		       alopex_diag *diag)
{
	struct alx_wt_engine *eng = instance;
	const struct alopex_host *host = eng->host;
	int rc;
	if (eng->opened)
		return host->diag_set(diag, ALOPEX_EMISUSE, NULL,
				      "wiredtiger: already open");
	if (env == NULL || env->dir == NULL ||
	    env->size < offsetof(struct alopex_engine_env, on_commit_arg) +
				sizeof(void *))
		return host->diag_set(diag, ALOPEX_EINVAL, NULL,
				      "wiredtiger: no environment given");
	int has_wt = 0, has_other = 0;
	rc = inspect_dir(eng, env->dir, &has_wt, &has_other, diag);
	if (rc != 0)
		return rc;
	if (!has_wt && has_other)
		return host->diag_set(diag, ALOPEX_ECORRUPT, NULL,
				      "%s is not a WiredTiger data directory "
				      "(it holds other files)",
				      env->dir);
	/*
	 * An empty directory when the caller expected data: the creation was
	 * probably interrupted (the core marks a directory before the engine
	 * creates its files). Nothing can be lost by creating it now.
	 */
	if (!has_wt && !env->create)
		host->log(host->ctx, ALOPEX_LOG_WARN, ALX_WT_COMPONENT,
			  "%s holds no database: creating a new one", env->dir);
	size_t dlen = strlen(env->dir);
	eng->dir = alx_wt_alloc(eng, dlen + 1);
	if (eng->dir == NULL)
		return host->diag_set(diag, ALOPEX_ENOMEM, NULL,
				      "wiredtiger: out of memory");
	memcpy(eng->dir, env->dir, dlen + 1);
	eng->on_commit = env->on_commit;
	eng->on_commit_arg = env->on_commit_arg;

	/*
	 * The log settings are not persisted by 3.2.1: pass them every time,
	 * or recovery is skipped. Commits never sync by themselves; the
	 * engine flushes the log per the durability setting.
	 */
	char config[512];
	snprintf(config, sizeof(config),
		 "create,cache_size=%llu,session_max=1024,"
		 "log=(enabled=true,archive=true,file_max=32MB),"
		 "transaction_sync=(enabled=false),"
		 /* No checkpoint=(): ours record P0 (wt_ckpt.c). */
		 /* Uncommitted updates cannot be evicted: with the default
		  * dirty trigger (20% of the cache) a transaction that writes
		  * more than a fifth of the cache (pgbench -i's 1M-row COPY in
		  * a 1GB cache) is rolled back by eviction. Let dirty data use
		  * most of the cache; checkpoints and the log keep it safe. */
		 "eviction_dirty_target=50,eviction_dirty_trigger=90",
		 (unsigned long long)eng->cfg->cache_size);
	pthread_mutex_lock(&eng->err_mu);
	eng->last_error[0] = '\0';
	pthread_mutex_unlock(&eng->err_mu);
	int ret = wiredtiger_open(eng->dir, &eng->handler, config, &eng->conn);
	if (ret != 0) {
		eng->conn = NULL;
		rc = open_error(eng, diag, ret);
		goto fail;
	}
	rc = create_tables(eng, diag);
	if (rc != 0)
		goto fail;
	rc = alx_wt_ckpt_load(eng, diag);
	if (rc != 0)
		goto fail;
	rc = alx_wt_log_recover(eng, diag);
	if (rc != 0)
		goto fail;
	rc = alx_wt_ckpt_replay(eng, diag);
	if (rc != 0)
		goto fail;
	rc = alx_wt_ckpt_start(eng, diag);
	if (rc != 0)
		goto fail;
	if (eng->cfg->durability == ALX_WT_DUR_PERIODIC) {
		ret = eng->conn->open_session(eng->conn, NULL, NULL,
					      &eng->sync_session);
		if (ret != 0) {
			rc = alx_wt_error(eng, diag, ret, "opening a session");
			goto fail;
		}
		rc = host->timer_add(host->ctx, eng->cfg->sync_interval,
				     sync_tick, eng, &eng->sync_timer);
		if (rc != 0) {
			rc = host->diag_set(diag, rc, NULL,
					    "wiredtiger: cannot start the log "
					    "sync timer");
			goto fail;
		}
	}
	eng->opened = 1;
	host->log(host->ctx, ALOPEX_LOG_DEBUG, ALX_WT_COMPONENT,
		  "opened %s at log position %llu (data table %s)", eng->dir,
		  (unsigned long long)atomic_load(&eng->last_pos),
		  eng->data_logged ? "logged" : "recovered from the log");
	return 0;
fail:
	engine_shutdown(eng, NULL);
	return rc;
}

static int engine_close(void *instance, alopex_diag *diag)
{
	struct alx_wt_engine *eng = instance;
	if (!eng->opened)
		return 0;
	pthread_mutex_lock(&eng->pool_mu);
	size_t live = eng->live_txns;
	pthread_mutex_unlock(&eng->pool_mu);
	if (live != 0)
		return eng->host->diag_set(
			diag, ALOPEX_EMISUSE, NULL,
			"wiredtiger: %zu transactions are still open", live);
	return engine_shutdown(eng, diag);
}

/* ---- descriptor ------------------------------------------------------- */

static const struct alopex_engine_ops wt_ops = {
	.size = sizeof(struct alopex_engine_ops),
	.caps = ALOPEX_ENGINE_DURABLE | ALOPEX_ENGINE_SNAPSHOT |
		ALOPEX_ENGINE_LOG | ALOPEX_ENGINE_INSERT |
		ALOPEX_ENGINE_STMT_SNAPSHOT | ALOPEX_ENGINE_SYNC_SPLIT |
		ALOPEX_ENGINE_DEL_RANGE | ALOPEX_ENGINE_SYNC_VISIBLE |
		ALOPEX_ENGINE_PUT_SORTED,
	.open = engine_open,
	.close = engine_close,
	.txn_begin = alx_wt_txn_begin,
	.txn_commit = alx_wt_txn_commit,
	.txn_rollback = alx_wt_txn_rollback,
	.get = alx_wt_get,
	.put = alx_wt_put,
	.del = alx_wt_del,
	.cursor_open = alx_wt_cursor_open,
	.cursor_next = alx_wt_cursor_next,
	.cursor_close = alx_wt_cursor_close,
	.log_read = alx_wt_log_read,
	.log_position = alx_wt_log_position,
	.insert = alx_wt_insert,
	.txn_snapshot = alx_wt_txn_snapshot,
	.txn_commit_nosync = alx_wt_txn_commit_nosync,
	.sync_to = alx_wt_sync_to,
	.del_range = alx_wt_del_range,
	.sync_visible = alx_wt_sync_visible,
	.put_sorted = alx_wt_put_sorted,
};

static const struct alopex_plugin wt_plugin = {
	.size = sizeof(struct alopex_plugin),
	.abi_major = ALOPEX_PLUGIN_ABI_MAJOR,
	.abi_minor = ALOPEX_PLUGIN_ABI_MINOR,
	.kind = ALOPEX_PLUGIN_ENGINE,
	.name = "wiredtiger",
	.version = "0.1.0",
	.description = "durable storage on " WIREDTIGER_VERSION_STRING,
	.config = &wt_schema,
	.init = engine_init,
	.fini = engine_fini,
	.ops = &wt_ops,
};

ALOPEX_PLUGIN_DEFINE(wiredtiger, wt_plugin)
