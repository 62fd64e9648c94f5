/*
 * The change stream: every committed write transaction reaches subscribers
 * as one batch with its log position (the hook replication will use), and
 * retained batches can be replayed from the engine's log.
 */
#include "db/db_internal.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"

int alopex_subscribe(alopex_db *db, alopex_batch_fn fn, void *arg,
		     alopex_subscription **out)
{
	if (db == NULL || fn == NULL || out == NULL)
		return ALOPEX_EINVAL;
	alopex_subscription *s = alx_calloc(db->rt, 1, sizeof(*s));
	if (s == NULL)
		return alx_db_failf(db, ALOPEX_ENOMEM, NULL, "out of memory");
	s->fn = fn;
	s->arg = arg;
	pthread_rwlock_wrlock(&db->sub_lock);
	/* Append: subscribers are called in subscription order. */
	alopex_subscription **pp = &db->subs;
	while (*pp != NULL)
		pp = &(*pp)->next;
	*pp = s;
	pthread_rwlock_unlock(&db->sub_lock);
	*out = s;
	return 0;
}

void alopex_unsubscribe(alopex_db *db, alopex_subscription *sub)
{
	if (db == NULL || sub == NULL)
		return;
	pthread_rwlock_wrlock(&db->sub_lock);
	for (alopex_subscription **pp = &db->subs; *pp != NULL;
	     pp = &(*pp)->next) {
		if (*pp == sub) {
			*pp = sub->next;
			alx_free(db->rt, sub);
			break;
		}
	}
	pthread_rwlock_unlock(&db->sub_lock);
}

void alx_db_on_commit(void *arg, uint64_t position, alopex_slice record)
{
	alopex_db *db = arg;
	pthread_rwlock_rdlock(&db->sub_lock);
	if (db->subs == NULL) {
		pthread_rwlock_unlock(&db->sub_lock);
		return;
	}
	alopex_diag d;
	alx_diag_clear(&d);
	alopex_mutation *m = NULL;
	size_t count = 0;
	/*
	 * The transaction is already committed: a subscriber that cannot be
	 * told is logged loudly, it cannot undo the commit.
	 */
	if (alx_batch_decode(db->rt, record, &m, &count, &d) != 0) {
		alx_log(db->rt, ALOPEX_LOG_ERROR, "log",
			"batch %llu not delivered to subscribers: %s",
			(unsigned long long)position, d.message);
		pthread_rwlock_unlock(&db->sub_lock);
		return;
	}
	alopex_batch b = {position, count, m};
	for (alopex_subscription *s = db->subs; s != NULL; s = s->next) {
		int rc = s->fn(s->arg, &b);
		if (rc != 0)
			alx_log(db->rt, ALOPEX_LOG_WARN, "log",
				"subscriber returned %d for batch %llu", rc,
				(unsigned long long)position);
	}
	pthread_rwlock_unlock(&db->sub_lock);
	alx_free(db->rt, m);
}

struct replay {
	alopex_db *db;
	alopex_batch_fn fn;
	void *arg;
	int decode_rc;
	alopex_diag diag;
};

static int replay_one(void *arg, uint64_t position, alopex_slice record)
{
	struct replay *r = arg;
	alopex_mutation *m = NULL;
	size_t count = 0;
	int rc = alx_batch_decode(r->db->rt, record, &m, &count, &r->diag);
	if (rc != 0) {
		alx_diag_prefix(&r->diag, "log position %llu",
				(unsigned long long)position);
		r->decode_rc = rc;
		return rc;
	}
	alopex_batch b = {position, count, m};
	rc = r->fn(r->arg, &b);
	alx_free(r->db->rt, m);
	return rc;
}

int alopex_log_read(alopex_db *db, uint64_t after, alopex_batch_fn fn,
		    void *arg)
{
	if (db == NULL || fn == NULL)
		return ALOPEX_EINVAL;
	struct replay r = {.db = db, .fn = fn, .arg = arg};
	alx_diag_clear(&r.diag);
	alopex_diag d;
	alx_diag_clear(&d);
	int rc = db->eng->log_read(db->einst, after, replay_one, &r, &d);
	if (r.decode_rc != 0)
		return alx_db_fail(db, &r.diag);
	if (rc < 0)
		return d.code != 0 ? alx_db_fail(db, &d)
				   : alx_db_failf(db, rc, NULL, "%s",
						  alopex_code_str(rc));
	return rc;
}

uint64_t alopex_log_position(alopex_db *db)
{
	if (db == NULL)
		return 0;
	return db->eng->log_position(db->einst);
}
