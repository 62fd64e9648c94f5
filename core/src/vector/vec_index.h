/*
 * Core side of the vector index ABI (alopex_plugin.h, index kind): the KV
 * view an index writes through, WITH (...) option parsing against an
 * index plugin's build_options / query_options schema, and the metric
 * lookups the planner needs.
 */
#ifndef ALX_VEC_INDEX_H
#define ALX_VEC_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "alopex.h"
#include "alopex_plugin.h"

struct alx_kv_txn;

#define ALX_VINDEX_PREFIX_MAX 16
#define ALX_VINDEX_KEY_MAX 256

/*
 * struct alopex_index_kv bound to one core transaction and one key prefix
 * (for SQL: alx_table_prefix(table id, index id), so DROP TABLE/INDEX
 * removes the index records with the rest of the range). Caller's
 * storage; used on the transaction's thread only.
 */
struct alx_vindex_kv {
	struct alx_kv_txn *txn;
	uint8_t prefix[ALX_VINDEX_PREFIX_MAX];
	size_t plen;
	uint8_t key[ALX_VINDEX_PREFIX_MAX + ALX_VINDEX_KEY_MAX];
	uint8_t upper[ALX_VINDEX_PREFIX_MAX + ALX_VINDEX_KEY_MAX];
	struct alopex_index_kv ops;
};

/* ALOPEX_EINVAL for a prefix longer than ALX_VINDEX_PREFIX_MAX. */
int alx_vindex_kv_init(struct alx_vindex_kv *b, struct alx_kv_txn *txn,
		       const uint8_t *prefix, size_t plen);

/*
 * Fill `out` (schema->config_size bytes) from the schema defaults, then
 * from "key=value" pairs separated by commas (spaces allowed), as the
 * binder turns WITH (m = 16, ef_construction = 64) into text. Unknown
 * keys, bad values and out-of-range numbers are ALOPEX_EINVAL with a
 * message naming the key. INT, DOUBLE, BOOL and ENUM fields only.
 * text NULL or empty: defaults only.
 */
int alx_vindex_options_parse(const struct alopex_cfg_schema *schema,
			     const char *text, size_t len, void *out,
			     alopex_diag *diag);

/*
 * The metric an index was built for, from its operator class
 * (vector_l2_ops, vector_cosine_ops, vector_ip_ops; NULL or empty: l2, as
 * pgvector's default); 0 for an unknown class.
 */
uint32_t alx_vindex_metric_of_opclass(const char *opclass);
/*
 * The metric whose index order an ORDER BY <function>(col, query) ASC
 * follows: l2_distance (<->), cosine_distance (<=>),
 * negative_inner_product (<#>); 0 otherwise (inner_product ascending
 * is the reverse order). vector_distance(col, q, 'l2'|'cosine'|'inner')
 * carries its metric as a third argument: pass it as `arg` (NULL: none).
 */
uint32_t alx_vindex_metric_of_func(const char *name, const char *arg);

#endif
