/*
 * The in-memory storage engine plugin: descriptor, config schema, instance
 * lifecycle and the change log. Nothing survives close; meant for tests and
 * for trying Alopex without a disk. All memory comes from the host table.
 */
#include <stddef.h>
#include <string.h>

#include "mem_internal.h"

static const struct alopex_cfg_field mem_fields[] = {
	{"log_retain", ALOPEX_CFG_INT,
	 offsetof(struct alx_mem_config, log_retain), "100000", 0, 1e15, NULL,
	 0, "committed batches kept for log_read (0: none)"},
};

static const struct alopex_cfg_schema mem_schema = {
	.size = sizeof(struct alopex_cfg_schema),
	.config_size = sizeof(struct alx_mem_config),
	.field_count = sizeof(mem_fields) / sizeof(mem_fields[0]),
	.fields = mem_fields,
	.doc = "the in-memory storage engine (nothing survives close)",
};

void *alx_mem_alloc(const struct alx_mem_engine *eng, size_t size)
{
	return eng->host->alloc(eng->host->ctx, size);
}

void alx_mem_free(const struct alx_mem_engine *eng, void *ptr)
{
	if (ptr != NULL)
		eng->host->free(eng->host->ctx, ptr);
}

int alx_mem_nomem(const struct alx_mem_engine *eng, alopex_diag *diag)
{
	return eng->host->diag_set(diag, ALOPEX_ENOMEM, NULL,
				   "memory: out of memory");
}

/* ---- instance --------------------------------------------------------- */

static int engine_init(const struct alopex_host *host, const void *config,
		       void **instance, alopex_diag *diag)
{
	if (config == NULL)
		return host->diag_set(diag, ALOPEX_EINVAL, NULL,
				      "memory: no configuration given");
	struct alx_mem_engine *eng = host->alloc(host->ctx, sizeof(*eng));
	if (eng == NULL)
		return host->diag_set(diag, ALOPEX_ENOMEM, NULL,
				      "memory: out of memory");
	memset(eng, 0, sizeof(*eng));
	eng->host = host;
	eng->cfg = config;
	if (pthread_mutex_init(&eng->mu, NULL) != 0)
		goto fail;
	if (pthread_mutex_init(&eng->commit_mu, NULL) != 0) {
		pthread_mutex_destroy(&eng->mu);
		goto fail;
	}
	*instance = eng;
	return 0;
fail:
	host->free(host->ctx, eng);
	return host->diag_set(diag, ALOPEX_ENOMEM, NULL,
			      "memory: cannot create a mutex");
}

static void log_clear(struct alx_mem_engine *eng)
{
	for (size_t i = 0; i < eng->log_count; i++)
		alx_mem_free(eng,
			     eng->log[(eng->log_head + i) % eng->log_cap].data);
	alx_mem_free(eng, eng->log);
	eng->log = NULL;
	eng->log_cap = eng->log_head = eng->log_count = 0;
}

static void engine_shutdown(struct alx_mem_engine *eng)
{
	alx_mem_index_destroy(eng);
	log_clear(eng);
	eng->opened = 0;
}

static void engine_fini(void *instance)
{
	struct alx_mem_engine *eng = instance;
	if (eng == NULL)
		return;
	if (eng->opened)
		engine_shutdown(eng);
	pthread_mutex_destroy(&eng->commit_mu);
	pthread_mutex_destroy(&eng->mu);
	eng->host->free(eng->host->ctx, eng);
}

static int engine_open(void *instance, const struct alopex_engine_env *env,
		       alopex_diag *diag)
{
	struct alx_mem_engine *eng = instance;
	if (eng->opened)
		return eng->host->diag_set(diag, ALOPEX_EMISUSE, NULL,
					   "memory: already open");
	if (env == NULL ||
	    env->size < offsetof(struct alopex_engine_env, on_commit_arg) +
				sizeof(void *))
		return eng->host->diag_set(diag, ALOPEX_EINVAL, NULL,
					   "memory: no environment given");
	if (alx_mem_index_create(eng) != 0)
		return alx_mem_nomem(eng, diag);
	eng->on_commit = env->on_commit;
	eng->on_commit_arg = env->on_commit_arg;
	eng->seq = 0;
	eng->log_first = 1;
	eng->opened = 1;
	return 0;
}

static int engine_close(void *instance, alopex_diag *diag)
{
	struct alx_mem_engine *eng = instance;
	if (!eng->opened)
		return 0;
	pthread_mutex_lock(&eng->mu);
	size_t live = eng->live_count;
	pthread_mutex_unlock(&eng->mu);
	if (live != 0)
		return eng->host->diag_set(
			diag, ALOPEX_EMISUSE, NULL,
			"memory: %zu transactions are still open", live);
	engine_shutdown(eng);
	return 0;
}

/* ---- change log ------------------------------------------------------- */

int alx_mem_log_reserve(struct alx_mem_engine *eng)
{
	uint64_t retain = (uint64_t)eng->cfg->log_retain;
	if (retain == 0 || eng->log_count < eng->log_cap ||
	    eng->log_count >= retain)
		return 0;
	size_t cap = eng->log_cap > 0 ? eng->log_cap * 2 : 64;
	if (cap > retain)
		cap = (size_t)retain;
	struct alx_mem_logrec *log = alx_mem_alloc(eng, cap * sizeof(*log));
	if (log == NULL)
		return ALOPEX_ENOMEM;
	for (size_t i = 0; i < eng->log_count; i++)
		log[i] = eng->log[(eng->log_head + i) % eng->log_cap];
	alx_mem_free(eng, eng->log);
	eng->log = log;
	eng->log_cap = cap;
	eng->log_head = 0;
	return 0;
}

void alx_mem_log_append(struct alx_mem_engine *eng, uint8_t *data, size_t len)
{
	uint64_t retain = (uint64_t)eng->cfg->log_retain;
	if (retain == 0) {
		alx_mem_free(eng, data);
		return;
	}
	if (eng->log_count == retain) {
		alx_mem_free(eng, eng->log[eng->log_head].data);
		eng->log_head = (eng->log_head + 1) % eng->log_cap;
		eng->log_count--;
		eng->log_first++;
	}
	if (eng->log_count == 0)
		eng->log_first = eng->seq;
	size_t idx = (eng->log_head + eng->log_count) % eng->log_cap;
	eng->log[idx] = (struct alx_mem_logrec){.len = len, .data = data};
	eng->log_count++;
}

static int not_retained(const struct alx_mem_engine *eng, alopex_diag *diag,
			uint64_t pos)
{
	return eng->host->diag_set(diag, ALOPEX_ENOTFOUND, NULL,
				   "log position %llu is no longer retained",
				   (unsigned long long)pos);
}

/*
 * Each record is copied out under the mutex and handed to fn without it, so
 * fn may take its time (or call the engine) without blocking commits.
 */
static int log_read(void *instance, uint64_t after, alopex_engine_log_fn fn,
		    void *arg, alopex_diag *diag)
{
	struct alx_mem_engine *eng = instance;
	if (!eng->opened)
		return eng->host->diag_set(diag, ALOPEX_EMISUSE, NULL,
					   "memory: not open");
	pthread_mutex_lock(&eng->mu);
	uint64_t last = eng->seq;
	pthread_mutex_unlock(&eng->mu);
	uint8_t *buf = NULL;
	size_t cap = 0;
	int rc = 0;
	for (uint64_t pos = after + 1; pos <= last && rc == 0; pos++) {
		pthread_mutex_lock(&eng->mu);
		if (eng->log_count == 0 || pos < eng->log_first) {
			pthread_mutex_unlock(&eng->mu);
			rc = not_retained(eng, diag, pos);
			break;
		}
		const struct alx_mem_logrec *rec =
			&eng->log[(eng->log_head + (pos - eng->log_first)) %
				  eng->log_cap];
		size_t len = rec->len;
		if (len > cap) {
			uint8_t *nbuf =
				eng->host->realloc(eng->host->ctx, buf, len);
			if (nbuf == NULL) {
				pthread_mutex_unlock(&eng->mu);
				rc = alx_mem_nomem(eng, diag);
				break;
			}
			buf = nbuf;
			cap = len;
		}
		if (len > 0)
			memcpy(buf, rec->data, len);
		pthread_mutex_unlock(&eng->mu);
		rc = fn(arg, pos,
			(alopex_slice){buf != NULL ? buf : (const uint8_t *)"",
				       len});
	}
	alx_mem_free(eng, buf);
	return rc;
}

static uint64_t log_position(void *instance)
{
	struct alx_mem_engine *eng = instance;
	pthread_mutex_lock(&eng->mu);
	uint64_t pos = eng->seq;
	pthread_mutex_unlock(&eng->mu);
	return pos;
}

/* ---- descriptor ------------------------------------------------------- */

static const struct alopex_engine_ops mem_ops = {
	.size = sizeof(struct alopex_engine_ops),
	.caps = ALOPEX_ENGINE_SNAPSHOT | ALOPEX_ENGINE_LOG |
		ALOPEX_ENGINE_INSERT | ALOPEX_ENGINE_STMT_SNAPSHOT |
		ALOPEX_ENGINE_DEL_RANGE,
	.open = engine_open,
	.close = engine_close,
	.txn_begin = alx_mem_txn_begin,
	.txn_commit = alx_mem_txn_commit,
	.txn_rollback = alx_mem_txn_rollback,
	.get = alx_mem_get,
	.put = alx_mem_put,
	.del = alx_mem_del,
	.cursor_open = alx_mem_cursor_open,
	.cursor_next = alx_mem_cursor_next,
	.cursor_close = alx_mem_cursor_close,
	.log_read = log_read,
	.log_position = log_position,
	.insert = alx_mem_insert,
	.txn_snapshot = alx_mem_txn_snapshot,
	.del_range = alx_mem_del_range,
};

static const struct alopex_plugin mem_plugin = {
	.size = sizeof(struct alopex_plugin),
	.abi_major = ALOPEX_PLUGIN_ABI_MAJOR,
	.abi_minor = ALOPEX_PLUGIN_ABI_MINOR,
	.kind = ALOPEX_PLUGIN_ENGINE,
	.name = "memory",
	.version = "0.1.0",
	.description = "in-memory MVCC storage for tests (not durable)",
	.config = &mem_schema,
	.init = engine_init,
	.fini = engine_fini,
	.ops = &mem_ops,
};

ALOPEX_PLUGIN_DEFINE(memory, mem_plugin)
