/*
 * Sequences outside transactions: nextval hands out values from a block
 * cached per database; a block is reserved by a short transaction of its
 * own that moves the stored "next value" past it (retried on conflict).
 * A crash loses the rest of a block, as PostgreSQL's sequence cache does.
 *
 * Stored value (ALX_SPACE_SEQUENCE, 4-byte id): int64 next value
 * big-endian, then one byte: 1 when the sequence is exhausted.
 */
#include <pthread.h>
#include <string.h>

#include "db/db_internal.h"
#include "kv/kv_space.h"
#include "kv/kv_txn.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_catalog.h"

#define USER_BLOCK 32
#define ROWID_BLOCK 1024
#define MAX_RETRIES 100

struct seq_entry {
	uint32_t id;
	int64_t next;
	int64_t left; /* values left in the block */
};

struct alx_seq_cache {
	struct alx_runtime *rt;
	pthread_mutex_t mu;
	struct seq_entry *v;
	size_t n, cap;
};

int alx_seq_cache_create(struct alx_runtime *rt, struct alx_seq_cache **out)
{
	struct alx_seq_cache *sc = alx_calloc(rt, 1, sizeof(*sc));
	if (sc == NULL)
		return ALOPEX_ENOMEM;
	sc->rt = rt;
	pthread_mutex_init(&sc->mu, NULL);
	*out = sc;
	return 0;
}

void alx_seq_cache_destroy(struct alx_seq_cache *sc)
{
	if (sc == NULL)
		return;
	pthread_mutex_destroy(&sc->mu);
	alx_free(sc->rt, sc->v);
	alx_free(sc->rt, sc);
}

static struct seq_entry *entry(struct alx_seq_cache *sc, uint32_t id)
{
	for (size_t i = 0; i < sc->n; i++)
		if (sc->v[i].id == id)
			return &sc->v[i];
	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 8;
		struct seq_entry *p =
			alx_realloc(sc->rt, sc->v, cap * sizeof(*p));
		if (p == NULL)
			return NULL;
		sc->v = p;
		sc->cap = cap;
	}
	struct seq_entry *e = &sc->v[sc->n++];
	memset(e, 0, sizeof(*e));
	e->id = id;
	return e;
}

void alx_seq_forget(struct alx_seq_cache *sc, uint32_t seq_id)
{
	pthread_mutex_lock(&sc->mu);
	for (size_t i = 0; i < sc->n; i++)
		if (sc->v[i].id == seq_id)
			sc->v[i].left = 0;
	pthread_mutex_unlock(&sc->mu);
}

static void seq_key(uint8_t key[5], uint32_t id)
{
	key[0] = ALX_SPACE_SEQUENCE;
	for (int i = 0; i < 4; i++)
		key[1 + i] = (uint8_t)(id >> (24 - 8 * i));
}

static void put_i64(uint8_t *p, int64_t v)
{
	uint64_t u = (uint64_t)v;
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(u >> (56 - 8 * i));
}

static int64_t get_i64(const uint8_t *p)
{
	uint64_t u = 0;
	for (int i = 0; i < 8; i++)
		u = u << 8 | p[i];
	return (int64_t)u;
}

struct seq_def {
	uint32_t id;
	const char *name;
	int64_t start, incr, min, max;
	bool cycle;
	int64_t block;
};

static void seq_def_of(const struct alx_cat_sequence *seq, struct seq_def *s)
{
	if (seq == NULL) {
		*s = (struct seq_def){0, "rowid",   1,	   1,
				      1, INT64_MAX, false, ROWID_BLOCK};
		return;
	}
	*s = (struct seq_def){seq->id,	seq->name, seq->start, seq->increment,
			      seq->min, seq->max,  seq->cycle, USER_BLOCK};
}

/* Values from cur on that stay within the bounds (at most `want`). */
static int64_t values_left(const struct seq_def *s, int64_t cur, int64_t want)
{
	__int128 room = s->incr > 0 ? ((__int128)s->max - cur) / s->incr
				    : ((__int128)s->min - cur) / s->incr;
	if (room < 0)
		return 0;
	return room + 1 < want ? (int64_t)(room + 1) : want;
}

/*
 * One reservation transaction: [*first, +n values), at log position *pos.
 * It does not wait for its fsync here, under sc->mu, where every nextval
 * would wait with it (see alx_seq_next).
 */
static int reserve(alopex_db *db, const struct seq_def *s, int64_t *first,
		   int64_t *n, uint64_t *pos, alopex_diag *d)
{
	struct alx_kv_txn *t = NULL;
	int rc = alx_kv_txn_begin(
		db, ALX_KV_TXN_NOSYNC | ALX_KV_TXN_UNVERSIONED, &t, d);
	if (rc != 0)
		return rc;
	uint8_t key[5], val[9];
	seq_key(key, s->id);
	alopex_slice k = {key, 5}, v;
	int64_t cur = s->start;
	int exhausted = 0;
	rc = alx_kv_txn_get(t, k, &v);
	if (rc == 0 && v.len == 9) {
		cur = get_i64(v.ptr);
		exhausted = v.ptr[8] != 0;
	} else if (rc == 0) {
		rc = alx_diag_set(d, ALOPEX_ECORRUPT, "XX001",
				  "sequence \"%s\" value is damaged", s->name);
		goto fail;
	} else if (rc != ALOPEX_ENOTFOUND) {
		*d = t->diag;
		goto fail;
	}
	int64_t cnt = exhausted ? 0 : values_left(s, cur, s->block);
	if (cnt == 0) {
		if (!s->cycle) {
			rc = alx_diag_set(
				d, ALOPEX_ESQL, "2200H",
				"nextval: reached %s value of sequence \"%s\" "
				"(%lld)",
				s->incr > 0 ? "maximum" : "minimum", s->name,
				(long long)(s->incr > 0 ? s->max : s->min));
			goto fail;
		}
		cur = s->incr > 0 ? s->min : s->max;
		cnt = values_left(s, cur, s->block);
	}
	__int128 next = (__int128)cur + (__int128)cnt * s->incr;
	int ex = next > s->max || next < s->min;
	put_i64(val, ex ? cur : (int64_t)next);
	val[8] = (uint8_t)ex;
	alopex_slice nv = {val, 9};
	rc = alx_kv_txn_put(t, k, nv);
	if (rc != 0) {
		*d = t->diag;
		goto fail;
	}
	rc = alx_kv_txn_commit(t, pos, d);
	if (rc != 0)
		return rc;
	*first = cur;
	*n = cnt;
	return 0;
fail:
	alx_kv_txn_rollback(t);
	return rc;
}

int alx_seq_next(alopex_db *db, struct alx_seq_cache *sc,
		 const struct alx_cat_sequence *seq, int64_t *out,
		 alopex_diag *d)
{
	struct seq_def s;
	seq_def_of(seq, &s);
	pthread_mutex_lock(&sc->mu);
	int rc = 0;
	uint64_t pos = 0;
	int64_t v = 0;
	struct seq_entry *e = entry(sc, s.id);
	if (e == NULL) {
		rc = alx_diag_set(d, ALOPEX_ENOMEM, "53200", "out of memory");
		goto out;
	}
	if (e->left == 0) {
		int64_t first = 0, n = 0;
		for (int i = 0; i < MAX_RETRIES; i++) {
			rc = reserve(db, &s, &first, &n, &pos, d);
			if (rc != ALOPEX_ECONFLICT)
				break;
		}
		if (rc != 0)
			goto out;
		e->next = first;
		e->left = n;
	}
	v = e->next;
	e->left--;
	if (e->left > 0)
		e->next += s.incr;
out:
	pthread_mutex_unlock(&sc->mu);
	/* The caller that reserved a block gets its value once the block is
	 * durable, as PostgreSQL's nextval makes its commit flush the
	 * sequence's WAL record; others take values meanwhile, and any commit
	 * storing one is later in the log, so durable only with the block. */
	if (rc == 0 && pos != 0)
		rc = alx_kv_sync_to(db, pos, d);
	if (rc == 0)
		*out = v;
	return rc;
}

int alx_seq_set(alopex_db *db, struct alx_seq_cache *sc,
		const struct alx_cat_sequence *seq, int64_t v, bool is_called,
		alopex_diag *d)
{
	struct seq_def s;
	seq_def_of(seq, &s);
	if (v < s.min || v > s.max)
		return alx_diag_set(d, ALOPEX_ESQL, "22003",
				    "setval: value %lld is out of bounds for "
				    "sequence \"%s\" (%lld..%lld)",
				    (long long)v, s.name, (long long)s.min,
				    (long long)s.max);
	pthread_mutex_lock(&sc->mu);
	int rc = 0;
	for (int i = 0; i < MAX_RETRIES; i++) {
		struct alx_kv_txn *t = NULL;
		rc = alx_kv_txn_begin(db, ALX_KV_TXN_UNVERSIONED, &t, d);
		if (rc != 0)
			break;
		uint8_t key[5], val[9];
		seq_key(key, s.id);
		__int128 next = is_called ? (__int128)v + s.incr : v;
		int ex = next > s.max || next < s.min;
		put_i64(val, ex ? v : (int64_t)next);
		val[8] = (uint8_t)ex;
		alopex_slice k = {key, 5}, nv = {val, 9};
		rc = alx_kv_txn_put(t, k, nv);
		if (rc != 0) {
			*d = t->diag;
			alx_kv_txn_rollback(t);
		} else {
			rc = alx_kv_txn_commit(t, NULL, d);
		}
		if (rc != ALOPEX_ECONFLICT)
			break;
	}
	if (rc == 0) {
		struct seq_entry *e = entry(sc, s.id);
		if (e != NULL)
			e->left = 0;
	}
	pthread_mutex_unlock(&sc->mu);
	return rc;
}
