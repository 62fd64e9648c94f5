/*
 * hnsw: the plugin descriptor, its option schemas and the index
 * lifecycle. Build-time options (m, ef_construction) are stored with the
 * index; ef_search is a per-query setting.
 */
#include <stddef.h>
#include <string.h>

#include "hnsw_internal.h"

static const struct alopex_cfg_field build_fields[] = {
	{"m", ALOPEX_CFG_INT, offsetof(struct hnsw_options, m), "16", 2, 100,
	 NULL, 0, "links per node on the upper levels (2 * m on level 0)"},
	{"ef_construction", ALOPEX_CFG_INT,
	 offsetof(struct hnsw_options, ef_construction), "64", 4, 1000, NULL, 0,
	 "candidate list size while inserting (at least 2 * m)"},
};

static const struct alopex_cfg_schema build_schema = {
	.size = sizeof(struct alopex_cfg_schema),
	.config_size = sizeof(struct hnsw_options),
	.field_count = sizeof(build_fields) / sizeof(build_fields[0]),
	.fields = build_fields,
	.doc = "HNSW index options (CREATE INDEX ... WITH (...))",
};

static const struct alopex_cfg_field query_fields[] = {
	{"ef_search", ALOPEX_CFG_INT,
	 offsetof(struct hnsw_query_options, ef_search), "40", 1, 1000, NULL,
	 ALOPEX_CFG_RELOADABLE,
	 "candidate list size while searching (raised to at least k)"},
};

static const struct alopex_cfg_schema query_schema = {
	.size = sizeof(struct alopex_cfg_schema),
	.config_size = sizeof(struct hnsw_query_options),
	.field_count = 1,
	.fields = query_fields,
	.doc = "HNSW search settings (SET hnsw.ef_search = 40)",
};

static int hnsw_init(const struct alopex_host *host, const void *config,
		     void **instance, alopex_diag *diag)
{
	(void)config;
	const struct alopex_vector_kernels *k = vx_kernels(host);
	if (k == NULL)
		return host->diag_set(diag, ALOPEX_EABI, NULL,
				      "hnsw: the host offers no vector "
				      "kernels (host table too old)");
	struct hnsw_plugin *p = vx_calloc(host, 1, sizeof(*p));
	if (p == NULL)
		return host->diag_set(diag, ALOPEX_ENOMEM, NULL,
				      "hnsw: out of memory");
	p->host = host;
	p->k = k;
	*instance = p;
	return 0;
}

static void hnsw_fini(void *instance)
{
	struct hnsw_plugin *p = instance;
	if (p != NULL)
		vx_free(p->host, p);
}

static int hnsw_create(void *instance, const struct alopex_index_params *prm,
		       const struct alopex_index_kv *kv, void **index,
		       alopex_diag *diag)
{
	struct hnsw_plugin *p = instance;
	struct hnsw_options o = {16, 64};
	if (prm->options != NULL)
		memcpy(&o, prm->options, sizeof(o));
	struct hnsw_index *x = NULL;
	int rc = hnsw_index_new(p, prm->dim, prm->metric, &o, &x, diag);
	if (rc != 0)
		return rc;
	if (kv != NULL && (rc = hnsw_store_meta(x, kv)) != 0) {
		hnsw_index_free(x);
		return p->host->diag_set(diag, rc, NULL,
					 "hnsw: cannot write the index "
					 "metadata");
	}
	*index = x;
	return 0;
}

static int hnsw_open(void *instance, const struct alopex_index_kv *kv,
		     void **index, alopex_diag *diag)
{
	struct hnsw_index *x = NULL;
	int rc = hnsw_load(instance, kv, &x, diag);
	if (rc != 0)
		return rc;
	*index = x;
	return 0;
}

static void hnsw_close(void *index)
{
	hnsw_index_free(index);
}

static int hnsw_stats(void *index, struct alopex_index_stats *out)
{
	struct hnsw_index *x = index;
	struct alopex_index_stats s = {.size = sizeof(s)};
	/* Exclusive: inserts change levels and mods under the shared lock. */
	pthread_rwlock_wrlock(&x->lock);
	s.dim = x->dim;
	s.metric = x->metric;
	s.levels = (uint32_t)(x->max_level + 1);
	s.count = x->live;
	s.deleted = x->dead;
	uint64_t per_slot =
		(uint64_t)x->stride + 8 + 1 + 1 + 4 + 16 + sizeof(uint32_t *);
	uint64_t mem = sizeof(*x) + (uint64_t)x->cap * per_slot +
		       x->map.cap * 12 + (uint64_t)x->garbage_cap * 16;
	for (uint32_t i = 0; i < x->n; i++) {
		mem += (uint64_t)x->levels[i] * (x->M + 1) * 4;
		if (!(x->flags[i] & (HNSW_FREE | HNSW_ORPHAN | HNSW_VOID)) &&
		    x->mods[i] > x->last_clock)
			s.unsaved++;
	}
	s.memory_bytes = mem;
	s.reinserted = x->reinserted;
	pthread_rwlock_unlock(&x->lock);
	size_t n = out->size < sizeof(s) ? out->size : sizeof(s);
	memcpy(out, &s, n);
	out->size = (uint32_t)n;
	return 0;
}

static const struct alopex_index_ops hnsw_ops = {
	.size = sizeof(struct alopex_index_ops),
	.caps = ALOPEX_INDEX_ORDERED | ALOPEX_INDEX_FILTER |
		ALOPEX_INDEX_PERSISTENT | ALOPEX_INDEX_CONCURRENT |
		ALOPEX_INDEX_VACUUM | ALOPEX_INDEX_ROW_KEYED |
		ALOPEX_INDEX_SNAPSHOTS,
	.metrics = ALOPEX_METRIC_BIT(ALOPEX_METRIC_L2) |
		   ALOPEX_METRIC_BIT(ALOPEX_METRIC_COSINE) |
		   ALOPEX_METRIC_BIT(ALOPEX_METRIC_IP),
	.build_options = &build_schema,
	.query_options = &query_schema,
	.create = hnsw_create,
	.open = hnsw_open,
	.close = hnsw_close,
	.insert = hnsw_insert,
	.remove = hnsw_remove,
	.search = hnsw_search,
	.build = hnsw_build,
	.stats = hnsw_stats,
	.vacuum = hnsw_vacuum,
	.forget = hnsw_forget,
	.restore = hnsw_restore,
	.checkpoint = hnsw_checkpoint,
	.vacuum_some = hnsw_vacuum_some,
};

static const struct alopex_plugin hnsw_plugin = {
	.size = sizeof(struct alopex_plugin),
	.abi_major = ALOPEX_PLUGIN_ABI_MAJOR,
	.abi_minor = ALOPEX_PLUGIN_ABI_MINOR,
	.kind = ALOPEX_PLUGIN_INDEX,
	.name = "hnsw",
	.version = "0.1.0",
	.description = "approximate vector search on a hierarchical navigable "
		       "small world graph",
	.config = NULL,
	.init = hnsw_init,
	.fini = hnsw_fini,
	.ops = &hnsw_ops,
};

ALOPEX_PLUGIN_DEFINE(hnsw, hnsw_plugin)
