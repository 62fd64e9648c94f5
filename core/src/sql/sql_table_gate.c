/*
 * Table write gates (sql_table_gate.h).
 */
#include "sql/sql_table_gate.h"

#include <string.h>
#include <time.h>

#include "runtime/alx_diag.h"
#include "sql/sql_catalog.h"
#include "sql/sql_exec.h"
#include "sql/sql_exec_int.h"
#include "sql/sql_session_int.h"

/* How often a waiter looks at cancel and its deadlines. */
#define GATE_POLL_MS 50

int alx_gates_init(struct alx_table_gates *g)
{
	memset(g, 0, sizeof(*g));
	if (pthread_mutex_init(&g->mu, NULL) != 0)
		return ALOPEX_ENOMEM;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	int rc = pthread_cond_init(&g->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (rc != 0) {
		pthread_mutex_destroy(&g->mu);
		return ALOPEX_ENOMEM;
	}
	return 0;
}

void alx_gates_fini(struct alx_table_gates *g)
{
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
}

static uint32_t stripe_of(uint32_t table_id)
{
	return (table_id * 2654435761u) >> 26; /* 64 stripes */
}

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Under g->mu: sleep one poll, then whether the wait must end (cancel,
 * statement_timeout, lock_timeout since start_us), with ex's error set. */
static int wait_poll(struct alx_exec *ex, struct alx_table_gates *g,
		     int64_t start_us)
{
	/* the statement's timestamp, read lazily, is from before the wait */
	alx_exec_stmt_ts(ex);
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += GATE_POLL_MS * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&g->cv, &g->mu, &ts);
	int rc = alx_exec_interrupted(ex);
	if (rc != 0)
		return rc;
	int64_t lt = ex->s->lock_timeout_ms;
	if (lt > 0 && now_us() - start_us > lt * 1000)
		return alx_exec_err(ex, "55P03",
				    "canceling statement due to lock timeout");
	return 0;
}

int alx_gate_write(struct alx_exec *ex, const struct alx_cat_table *t)
{
	struct alx_session *s = ex->s;
	if (s == NULL)
		return 0;
	uint32_t st = stripe_of(t->id);
	uint64_t bit = UINT64_C(1) << st;
	if ((s->gates_held & bit) != 0)
		return 0;
	struct alx_table_gates *g = &s->sdb->gates;
	int64_t start = now_us();
	int rc = 0;
	pthread_mutex_lock(&g->mu);
	while (g->owner[st] != NULL && g->owner[st] != s) {
		if (s->noblock && s->txn != NULL) {
			/* must not wait here: undone and run again where it
			 * may (alx_session_set_noblock) */
			s->txn->lk.would_block = true;
			rc = alx_exec_err(ex, "55P03",
					  "could not obtain lock on relation "
					  "without waiting");
			goto out;
		}
		rc = wait_poll(ex, g, start);
		if (rc != 0)
			goto out;
	}
	uint32_t n =
		g->nretired < ALX_GATE_RETIRED ? g->nretired : ALX_GATE_RETIRED;
	for (uint32_t i = 0; i < n; i++)
		if (g->retired[i] == t->id) {
			rc = alx_exec_err(ex, "40001",
					  "could not serialize access: "
					  "relation \"%s\" was rewritten by a "
					  "concurrent ALTER TABLE",
					  t->name);
			goto out;
		}
	g->shared[st]++;
	s->gates_held |= bit;
out:
	pthread_mutex_unlock(&g->mu);
	return rc;
}

void alx_gate_release(struct alx_session *s)
{
	if (s->gates_held == 0)
		return;
	struct alx_table_gates *g = &s->sdb->gates;
	bool wake = false;
	pthread_mutex_lock(&g->mu);
	for (uint32_t st = 0; st < ALX_GATE_STRIPES; st++)
		if ((s->gates_held & (UINT64_C(1) << st)) != 0 &&
		    --g->shared[st] == 0)
			wake = true;
	s->gates_held = 0;
	if (wake)
		pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

int alx_gate_rewrite_begin(struct alx_exec *ex, const struct alx_cat_table *t)
{
	struct alx_session *s = ex->s;
	uint32_t st = stripe_of(t->id);
	struct alx_table_gates *g = &s->sdb->gates;
	int64_t start = now_us();
	int rc = 0;
	pthread_mutex_lock(&g->mu);
	/* New writers are not held back while this waits: a writer that
	 * waits for a row lock of another writer of the stripe can never
	 * be blocked by a rewrite that does not hold the gate yet. */
	for (;;) {
		uint32_t mine = (s->gates_held >> st) & 1;
		if (g->owner[st] == NULL && g->shared[st] == mine)
			break;
		rc = wait_poll(ex, g, start);
		if (rc != 0)
			goto out;
	}
	g->owner[st] = s;
out:
	pthread_mutex_unlock(&g->mu);
	return rc;
}

void alx_gate_rewrite_end(struct alx_session *s, uint32_t table_id,
			  bool retired)
{
	uint32_t st = stripe_of(table_id);
	struct alx_table_gates *g = &s->sdb->gates;
	pthread_mutex_lock(&g->mu);
	if (retired)
		g->retired[g->nretired++ % ALX_GATE_RETIRED] = table_id;
	if (g->owner[st] == s)
		g->owner[st] = NULL;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

int alx_gate_rewrite_try(struct alx_session *s, uint32_t table_id)
{
	uint32_t st = stripe_of(table_id);
	struct alx_table_gates *g = &s->sdb->gates;
	int rc = ALOPEX_EBUSY;
	pthread_mutex_lock(&g->mu);
	uint32_t mine = (s->gates_held >> st) & 1;
	if (g->owner[st] == s) {
		rc = 1;
	} else if (g->owner[st] == NULL && g->shared[st] == mine) {
		g->owner[st] = s;
		rc = 0;
	}
	pthread_mutex_unlock(&g->mu);
	return rc;
}
