/*
 * The in-memory engine's ordered index: a skiplist of keys (memcmp order, a
 * prefix first) with a back link on level 0 for reverse scans, each node
 * holding its version chain; plus the garbage collector of versions.
 * Everything here runs under eng->mu.
 */
#include <string.h>

#include "mem_internal.h"

int alx_mem_key_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
		    size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = n > 0 ? memcmp(a, b, n) : 0;
	if (c != 0)
		return c;
	return alen < blen ? -1 : (alen > blen ? 1 : 0);
}

static int node_cmp(const struct alx_mem_node *node, const uint8_t *key,
		    size_t klen)
{
	return alx_mem_key_cmp(node->key, node->klen, key, klen);
}

int alx_mem_index_create(struct alx_mem_engine *eng)
{
	size_t size = sizeof(struct alx_mem_node) +
		      ALX_MEM_MAX_LEVEL * sizeof(struct alx_mem_node *);
	struct alx_mem_node *head = alx_mem_alloc(eng, size);
	if (head == NULL)
		return ALOPEX_ENOMEM;
	memset(head, 0, size);
	head->level = ALX_MEM_MAX_LEVEL;
	eng->head = head;
	eng->level = 1;
	eng->nodes = 0;
	/* Any non-zero seed; the level sequence needs no secrecy. */
	eng->rng = 0x9e3779b97f4a7c15ull ^ (uintptr_t)eng;
	return 0;
}

void alx_mem_version_free(const struct alx_mem_engine *eng,
			  struct alx_mem_version *v)
{
	alx_mem_free(eng, v->val);
	alx_mem_free(eng, v);
}

static void chain_free(const struct alx_mem_engine *eng,
		       struct alx_mem_version *v)
{
	while (v != NULL) {
		struct alx_mem_version *older = v->older;
		alx_mem_version_free(eng, v);
		v = older;
	}
}

void alx_mem_index_destroy(struct alx_mem_engine *eng)
{
	if (eng->head == NULL)
		return;
	struct alx_mem_node *node = eng->head->next[0];
	while (node != NULL) {
		struct alx_mem_node *next = node->next[0];
		chain_free(eng, node->head);
		alx_mem_free(eng, node);
		node = next;
	}
	alx_mem_free(eng, eng->head);
	eng->head = NULL;
	eng->gc_first = eng->gc_last = NULL;
	eng->nodes = 0;
}

/* Fill update[] with the last node < key on every level. */
static void find_preds(struct alx_mem_engine *eng, const uint8_t *key,
		       size_t klen, struct alx_mem_node **update)
{
	struct alx_mem_node *x = eng->head;
	for (int l = eng->level - 1; l >= 0; l--) {
		while (x->next[l] != NULL &&
		       node_cmp(x->next[l], key, klen) < 0)
			x = x->next[l];
		update[l] = x;
	}
}

struct alx_mem_node *alx_mem_index_ge(struct alx_mem_engine *eng,
				      const uint8_t *key, size_t klen)
{
	if (key == NULL)
		return eng->head->next[0];
	struct alx_mem_node *update[ALX_MEM_MAX_LEVEL];
	find_preds(eng, key, klen, update);
	return update[0]->next[0];
}

struct alx_mem_node *alx_mem_index_find(struct alx_mem_engine *eng,
					const uint8_t *key, size_t klen)
{
	struct alx_mem_node *node = alx_mem_index_ge(eng, key, klen);
	if (node != NULL && node_cmp(node, key, klen) == 0)
		return node;
	return NULL;
}

struct alx_mem_node *alx_mem_index_lt(struct alx_mem_engine *eng,
				      const uint8_t *key, size_t klen)
{
	struct alx_mem_node *x = eng->head;
	for (int l = eng->level - 1; l >= 0; l--) {
		while (x->next[l] != NULL &&
		       (key == NULL || node_cmp(x->next[l], key, klen) < 0))
			x = x->next[l];
	}
	return x == eng->head ? NULL : x;
}

static int random_level(struct alx_mem_engine *eng)
{
	/* xorshift64; each level with probability 1/4. */
	uint64_t x = eng->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	eng->rng = x;
	int level = 1;
	while (level < ALX_MEM_MAX_LEVEL && (x & 3) == 0) {
		level++;
		x >>= 2;
	}
	return level;
}

struct alx_mem_node *alx_mem_index_insert(struct alx_mem_engine *eng,
					  const uint8_t *key, size_t klen)
{
	struct alx_mem_node *update[ALX_MEM_MAX_LEVEL];
	find_preds(eng, key, klen, update);
	int level = random_level(eng);
	size_t links = (size_t)level * sizeof(struct alx_mem_node *);
	struct alx_mem_node *node =
		alx_mem_alloc(eng, sizeof(*node) + links + klen);
	if (node == NULL)
		return NULL;
	memset(node, 0, sizeof(*node) + links);
	node->key = (uint8_t *)node + sizeof(*node) + links;
	memcpy(node->key, key, klen);
	node->klen = klen;
	node->level = level;
	for (int l = eng->level; l < level; l++)
		update[l] = eng->head;
	if (level > eng->level)
		eng->level = level;
	for (int l = 0; l < level; l++) {
		node->next[l] = update[l]->next[l];
		update[l]->next[l] = node;
	}
	node->prev = update[0] == eng->head ? NULL : update[0];
	if (node->next[0] != NULL)
		node->next[0]->prev = node;
	eng->nodes++;
	return node;
}

void alx_mem_index_remove(struct alx_mem_engine *eng, struct alx_mem_node *node)
{
	struct alx_mem_node *update[ALX_MEM_MAX_LEVEL];
	find_preds(eng, node->key, node->klen, update);
	for (int l = 0; l < node->level; l++) {
		if (update[l]->next[l] == node)
			update[l]->next[l] = node->next[l];
	}
	if (node->next[0] != NULL)
		node->next[0]->prev = node->prev;
	while (eng->level > 1 && eng->head->next[eng->level - 1] == NULL)
		eng->level--;
	eng->nodes--;
	alx_mem_free(eng, node);
}

struct alx_mem_version *alx_mem_visible(const struct alx_mem_node *node,
					const struct alx_mem_txn *txn)
{
	for (struct alx_mem_version *v = node->head; v != NULL; v = v->older) {
		if (v->owner == txn)
			return v;
		if (v->owner == NULL && v->seq <= txn->snap)
			return v;
	}
	return NULL;
}

/*
 * Committed versions queue up in commit order. Once the oldest live
 * snapshot reaches a version's sequence, every transaction sees it or
 * something newer, so the versions below it go; a tombstone left alone takes
 * its node with it. Versions below were queued (and popped) earlier, so the
 * queue never points at freed memory.
 *
 * Cursors keep a pointer to the node they last returned. That node cannot
 * go: its transaction sees a value there, and a removable node shows every
 * live transaction a tombstone.
 */
void alx_mem_gc(struct alx_mem_engine *eng)
{
	uint64_t horizon =
		eng->live_first != NULL ? eng->live_first->snap : eng->seq;
	while (eng->gc_first != NULL && eng->gc_first->seq <= horizon) {
		struct alx_mem_version *v = eng->gc_first;
		eng->gc_first = v->link;
		if (eng->gc_first == NULL)
			eng->gc_last = NULL;
		v->link = NULL;
		chain_free(eng, v->older);
		v->older = NULL;
		struct alx_mem_node *node = v->node;
		if (v->tombstone && node->head == v) {
			alx_mem_index_remove(eng, node);
			alx_mem_version_free(eng, v);
		}
	}
}
