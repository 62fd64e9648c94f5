#include "kv/kv_lock.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"

#define NSHARDS 64u
/* 2^20 version slots (8 MiB): a collision costs a statement restart. */
#define NVERSION_BITS 20
#define NVERSIONS (1u << NVERSION_BITS)
/* A waiter wakes this often to see a cancel request; its holder's
 * release wakes it at once. */
#define WAKE_US 50000

struct slot {
	uint64_t h; /* 0: empty (hashes are never 0) */
	struct alx_kv_lockowner *owner;
};

struct shard {
	pthread_mutex_t mu;
	struct slot *slots;
	size_t cap, n; /* cap: 0 or a power of two */
	char pad[64];  /* shards are locked by different threads */
};

struct alx_kv_locks {
	struct alx_runtime *rt;
	struct shard shards[NSHARDS];
	_Atomic uint64_t seq;
	_Atomic uint64_t next_xid;
	_Atomic uint64_t *versions;
	/* The waits-for graph and sleeping waiters. Lock order: wait_mu,
	 * then a shard's mu. Each waiter sleeps on its own condition, which
	 * only the release of the owner it waits for signals. */
	pthread_mutex_t wait_mu;
	pthread_condattr_t cv_attr; /* CLOCK_MONOTONIC */
	_Atomic int nwaiting;	    /* changed under wait_mu */
	struct alx_kv_lockowner *waiters;
	/* Solo mode (kv_lock.h). Lock order: gate_mu before a shard's mu;
	 * never taken under wait_mu or a shard's mu. */
	pthread_mutex_t gate_mu;
	size_t nregistered; /* owners holding locks, under gate_mu */
	/* The solo owner: written under gate_mu, read without it only as a
	 * hint (the prefetch). */
	struct alx_kv_lockowner *_Atomic solo;
};

uint64_t alx_kv_lock_hash(alopex_slice key)
{
	/* 8 bytes a step, multiply-xorshift mixing; never 0. */
	uint64_t h = 0x9e3779b97f4a7c15ull ^ key.len;
	const uint8_t *p = key.ptr;
	size_t n = key.len;
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		p += 8;
		n -= 8;
	}
	uint64_t w = 0;
	if (n > 0 && key.len >= 8) {
		/* The last 8 bytes of the key, shifted to leave its last n:
		 * the bytes and the value the loop below assembles. */
		memcpy(&w, p + n - 8, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		w = __builtin_bswap64(w);
#endif
		w >>= 8 * (8 - n);
	} else {
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)p[i] << (8 * i);
	}
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 32;
	return h != 0 ? h : 1;
}

int alx_kv_locks_create(struct alx_runtime *rt, struct alx_kv_locks **out)
{
	struct alx_kv_locks *l = alx_calloc(rt, 1, sizeof(*l));
	if (l == NULL)
		return ALOPEX_ENOMEM;
	l->versions = alx_calloc(rt, NVERSIONS, sizeof(*l->versions));
	if (l->versions == NULL) {
		alx_free(rt, l);
		return ALOPEX_ENOMEM;
	}
	l->rt = rt;
	for (unsigned i = 0; i < NSHARDS; i++)
		pthread_mutex_init(&l->shards[i].mu, NULL);
	pthread_mutex_init(&l->wait_mu, NULL);
	pthread_mutex_init(&l->gate_mu, NULL);
	atomic_init(&l->solo, NULL);
	pthread_condattr_init(&l->cv_attr);
	pthread_condattr_setclock(&l->cv_attr, CLOCK_MONOTONIC);
	atomic_init(&l->nwaiting, 0);
	atomic_init(&l->seq, 0);
	atomic_init(&l->next_xid, 0);
	*out = l;
	return 0;
}

void alx_kv_locks_destroy(struct alx_kv_locks *l)
{
	if (l == NULL)
		return;
	for (unsigned i = 0; i < NSHARDS; i++) {
		pthread_mutex_destroy(&l->shards[i].mu);
		alx_free(l->rt, l->shards[i].slots);
	}
	pthread_mutex_destroy(&l->wait_mu);
	pthread_mutex_destroy(&l->gate_mu);
	pthread_condattr_destroy(&l->cv_attr);
	alx_free(l->rt, (void *)l->versions);
	alx_free(l->rt, l);
}

void alx_kv_lockowner_init(struct alx_kv_lockowner *o, struct alx_kv_locks *l)
{
	memset(o, 0, sizeof(*o));
	o->locks = l;
	if (l != NULL)
		o->xid = atomic_fetch_add(&l->next_xid, 1) + 1;
}

void alx_kv_lockowner_fini(struct alx_kv_lockowner *o)
{
	if (o == NULL || o->locks == NULL)
		return;
	/* An owner must release first; one that did not must at least not
	 * stay registered (or solo) once freed. */
	alx_kv_unlock_all(o, 0);
	if (o->cv_ready) {
		pthread_cond_destroy(&o->cv);
		o->cv_ready = false;
	}
	alx_free(o->locks->rt, o->held);
	o->held = NULL;
	o->nheld = o->cap = 0;
}

uint64_t alx_kv_locks_seq(struct alx_kv_locks *l)
{
	return atomic_load(&l->seq);
}

uint64_t alx_kv_locks_next_seq(struct alx_kv_locks *l)
{
	return atomic_fetch_add(&l->seq, 1) + 1;
}

/*
 * h's version slot, by the hash's top bits: the shard's bits lead, so a
 * release grouped by shard records its versions in one 1/64 of the table
 * (which stays in cache) rather than all over it.
 */
static _Atomic uint64_t *version_of(struct alx_kv_locks *l, uint64_t h)
{
	return &l->versions[h >> (64 - NVERSION_BITS)];
}

uint64_t alx_kv_locks_version(struct alx_kv_locks *l, uint64_t h)
{
	return atomic_load(version_of(l, h));
}

bool alx_kv_locks_newer(struct alx_kv_locks *l, uint64_t h, uint64_t seq)
{
	/*
	 * A slot only ever holds a sequence already handed out, and a
	 * committer numbers its commit before it records it: with the
	 * counter still at seq, no slot can be newer. The record a waiter
	 * must see comes before the lock it takes, and so does the count.
	 */
	if (atomic_load(&l->seq) <= seq)
		return false;
	return atomic_load(version_of(l, h)) > seq;
}

/* ---- one shard's open-addressing table -------------------------------- */

static unsigned shard_no(uint64_t h)
{
	return (unsigned)(h >> 58) & (NSHARDS - 1);
}

static struct shard *shard_of(struct alx_kv_locks *l, uint64_t h)
{
	return &l->shards[shard_no(h)];
}

/* The slot holding h, or the empty slot where it would go. */
static struct slot *probe(struct shard *sh, uint64_t h)
{
	size_t mask = sh->cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct slot *s = &sh->slots[i];
		if (s->h == h || s->h == 0)
			return s;
	}
}

void alx_kv_locks_prefetch(struct alx_kv_locks *l, uint64_t h)
{
#if defined(__GNUC__)
	/* Without the shard mutex: a table being regrown gives a stale
	 * address, which a prefetch may touch harmlessly (it never faults).
	 * A solo owner's lock goes to its own list, not to the table. */
	if (atomic_load_explicit(&l->solo, memory_order_relaxed) != NULL)
		return;
	struct shard *sh = shard_of(l, h);
	size_t cap = __atomic_load_n(&sh->cap, __ATOMIC_RELAXED);
	struct slot *slots = __atomic_load_n(&sh->slots, __ATOMIC_RELAXED);
	if (cap != 0 && slots != NULL)
		__builtin_prefetch(&slots[(size_t)h & (cap - 1)], 1);
#else
	(void)l;
	(void)h;
#endif
}

static int grow(struct alx_runtime *rt, struct shard *sh)
{
	size_t cap = sh->cap ? sh->cap * 2 : 64;
	struct slot *old = sh->slots;
	size_t ocap = sh->cap;
	struct slot *ns = alx_calloc(rt, cap, sizeof(*ns));
	if (ns == NULL)
		return ALOPEX_ENOMEM;
	sh->slots = ns;
	sh->cap = cap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].h != 0)
			*probe(sh, old[i].h) = old[i];
	alx_free(rt, old);
	return 0;
}

/* Backward-shift deletion keeps probe chains without tombstones. */
static void remove_slot(struct shard *sh, struct slot *s)
{
	size_t mask = sh->cap - 1;
	size_t i = (size_t)(s - sh->slots);
	for (size_t j = (i + 1) & mask;; j = (j + 1) & mask) {
		struct slot *t = &sh->slots[j];
		if (t->h == 0)
			break;
		size_t home = (size_t)t->h & mask;
		/* t may move to i when i lies cyclically in [home, j) */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && (home <= i && home > j))) {
			sh->slots[i] = *t;
			i = j;
		}
	}
	sh->slots[i].h = 0;
	sh->slots[i].owner = NULL;
	sh->n--;
}

/* Under sh->mu: drop o's lock on h. */
static void release_one(struct alx_kv_lockowner *o, struct shard *sh,
			uint64_t h)
{
	struct slot *s = probe(sh, h);
	if (s->h == h && s->owner == o)
		remove_slot(sh, s);
}

static int remember(struct alx_kv_lockowner *o, uint64_t h)
{
	if (o->nheld == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 16;
		uint64_t *p =
			alx_realloc(o->locks->rt, o->held, cap * sizeof(*p));
		if (p == NULL)
			return ALOPEX_ENOMEM;
		o->held = p;
		o->cap = cap;
	}
	o->held[o->nheld++] = h;
	return 0;
}

/*
 * Under sh->mu: take h when free (1), find o already holds it (1), or
 * report its holder (0, *holder set). < 0: out of memory.
 */
static int try_take(struct alx_kv_lockowner *o, struct shard *sh, uint64_t h,
		    struct alx_kv_lockowner **holder)
{
	if (sh->cap == 0 || (sh->n + 1) * 2 > sh->cap) {
		if (grow(o->locks->rt, sh) != 0)
			return ALOPEX_ENOMEM;
	}
	struct slot *s = probe(sh, h);
	if (s->h == h) {
		if (s->owner == o)
			return 1;
		*holder = s->owner;
		return 0;
	}
	if (remember(o, h) != 0)
		return ALOPEX_ENOMEM;
	s->h = h;
	s->owner = o;
	sh->n++;
	return 1;
}

/* Where each shard's run starts when hs[0..n) are grouped by shard:
 * start[s] .. start[s + 1]. */
static void shard_runs(const uint64_t *hs, size_t n, size_t start[NSHARDS + 1])
{
	memset(start, 0, (NSHARDS + 1) * sizeof(*start));
	for (size_t i = 0; i < n; i++)
		start[shard_no(hs[i]) + 1]++;
	for (unsigned s = 0; s < NSHARDS; s++)
		start[s + 1] += start[s];
}

/* ---- solo mode ---------------------------------------------------------- */

/* Under gate_mu: o no longer counts among the owners holding locks. */
static void deregister(struct alx_kv_lockowner *o)
{
	struct alx_kv_locks *l = o->locks;
	o->registered = false;
	l->nregistered--;
	if (atomic_load(&o->solo)) {
		atomic_store(&o->solo, false);
		atomic_store(&l->solo, NULL);
	}
}

/*
 * Under gate_mu: put the solo owner o's locks into the shared table, as if
 * it had taken each there, and end its solo mode. Nobody else holds a lock
 * now, so no slot can be another's. All or nothing: out of memory, every
 * slot already placed is taken out again and o stays solo. o->held is only
 * read: o may be reading it too (alx_kv_unlock_all).
 */
static int publish(struct alx_kv_locks *l, struct alx_kv_lockowner *o)
{
	size_t n = o->nheld;
	uint64_t *byshard =
		n > 0 ? alx_malloc(l->rt, n * sizeof(*byshard)) : NULL;
	if (n > 0 && byshard == NULL)
		return ALOPEX_ENOMEM;
	size_t start[NSHARDS + 1];
	shard_runs(o->held, n, start);
	size_t next[NSHARDS];
	memcpy(next, start, sizeof(next));
	for (size_t i = 0; i < n; i++)
		byshard[next[shard_no(o->held[i])]++] = o->held[i];
	unsigned s = 0;
	int rc = 0;
	for (; s < NSHARDS && rc == 0; s++) {
		size_t count = start[s + 1] - start[s];
		if (count == 0)
			continue;
		struct shard *sh = &l->shards[s];
		pthread_mutex_lock(&sh->mu);
		/* try_take's bound, for all of them at once */
		while (rc == 0 && (sh->n + count + 1) * 2 > sh->cap)
			rc = grow(l->rt, sh);
		for (size_t i = start[s]; rc == 0 && i < start[s + 1]; i++) {
			struct slot *slot = probe(sh, byshard[i]);
			if (slot->h == 0) {
				slot->h = byshard[i];
				slot->owner = o;
				sh->n++;
			}
		}
		pthread_mutex_unlock(&sh->mu);
	}
	if (rc != 0) {
		/* s - 1 failed before it placed anything */
		for (unsigned u = 0; u + 1 < s; u++) {
			struct shard *sh = &l->shards[u];
			pthread_mutex_lock(&sh->mu);
			for (size_t i = start[u]; i < start[u + 1]; i++)
				release_one(o, sh, byshard[i]);
			pthread_mutex_unlock(&sh->mu);
		}
	} else {
		atomic_store(&o->solo, false);
		atomic_store(&l->solo, NULL);
	}
	alx_free(l->rt, byshard);
	return rc;
}

/*
 * The gate every owner passes at its first lock, and a solo owner at each:
 * 1: h is now o's (solo); 0: take h in the table; else an error, in diag.
 */
static int gate_take(struct alx_kv_lockowner *o, uint64_t h, alopex_diag *diag)
{
	struct alx_kv_locks *l = o->locks;
	int rc = 0;
	pthread_mutex_lock(&l->gate_mu);
	if (!o->registered) {
		struct alx_kv_lockowner *solo = atomic_load(&l->solo);
		if (solo != NULL && publish(l, solo) != 0) {
			rc = ALOPEX_ENOMEM;
			goto out;
		}
		o->registered = true;
		if (l->nregistered++ == 0) {
			atomic_store(&o->solo, true);
			atomic_store(&l->solo, o);
		}
	}
	if (atomic_load(&o->solo)) {
		/* A row written over and over is remembered once. */
		if (o->nheld > 0 && o->held[o->nheld - 1] == h)
			rc = 1;
		else if (remember(o, h) == 0)
			rc = 1;
		else
			rc = ALOPEX_ENOMEM;
		if (rc < 0 && o->nheld == 0)
			deregister(o);
	}
out:
	pthread_mutex_unlock(&l->gate_mu);
	if (rc < 0)
		return alx_diag_set(diag, ALOPEX_ENOMEM, "53200",
				    "out of memory");
	return rc;
}

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int conflict_now(alopex_diag *diag)
{
	return alx_diag_set(diag, ALOPEX_ECONFLICT, "40001",
			    "could not serialize access due to concurrent "
			    "update");
}

/* Under wait_mu: whether o waiting for holder closes a cycle. */
static bool closes_cycle(const struct alx_kv_lockowner *o,
			 const struct alx_kv_lockowner *holder)
{
	/* Each owner waits for one other, so the walk is a path; the bound
	 * only guards against a corrupted graph. */
	size_t steps = 0;
	for (const struct alx_kv_lockowner *p = holder;
	     p != NULL && steps < 1000000; p = p->waits_for, steps++)
		if (p == o)
			return true;
	return false;
}

/*
 * Under wait_mu, o's wait for holder closing a cycle: 40P01 with
 * PostgreSQL's DETAIL (after the message's newline), one line per waiter
 * from o round to o. Lines that do not fit in the message are left out.
 */
static int deadlock_report(const struct alx_kv_lockowner *o,
			   const struct alx_kv_lockowner *holder,
			   alopex_diag *diag)
{
	char detail[400];
	size_t n = 0;
	detail[0] = '\0';
	const struct alx_kv_lockowner *w = o, *b = holder;
	for (size_t i = 0; b != NULL && i < 64; i++) {
		int k = snprintf(detail + n, sizeof(detail) - n,
				 "%sProcess %u waits for ShareLock on "
				 "transaction %llu; blocked by process %u.",
				 n > 0 ? "\n" : "", (unsigned)w->pid,
				 (unsigned long long)b->xid, (unsigned)b->pid);
		if (k < 0 || (size_t)k >= sizeof(detail) - n) {
			detail[n] = '\0';
			break;
		}
		n += (size_t)k;
		if (b == o)
			break;
		w = b;
		b = b->waits_for;
	}
	return alx_diag_set(diag, ALOPEX_ECONFLICT, "40P01",
			    "deadlock detected\n%s", detail);
}

/* Why a wait must stop now (0: it may go on). */
static int wait_over(const struct alx_kv_wait *w, int64_t now,
		     alopex_diag *diag)
{
	if (w->cancel != NULL && atomic_exchange(w->cancel, 0) != 0)
		return alx_diag_set(diag, ALOPEX_ESQL, "57014",
				    "canceling statement due to user "
				    "request");
	if (w->stmt_deadline_us != 0 && now >= w->stmt_deadline_us &&
	    (w->lock_deadline_us == 0 ||
	     w->stmt_deadline_us <= w->lock_deadline_us))
		return alx_diag_set(diag, ALOPEX_ESQL, "57014",
				    "canceling statement due to statement "
				    "timeout");
	if (w->lock_deadline_us != 0 && now >= w->lock_deadline_us)
		return alx_diag_set(diag, ALOPEX_ESQL, "55P03",
				    "canceling statement due to lock "
				    "timeout");
	return 0;
}

int alx_kv_lock(struct alx_kv_lockowner *o, uint64_t h,
		const struct alx_kv_wait *w, alopex_diag *diag)
{
	struct alx_kv_locks *l = o->locks;
	struct shard *sh = shard_of(l, h);
	struct alx_kv_lockowner *holder = NULL;
	o->waited_commit = false;
	/* Acquire: a publisher that ended o's solo mode read o's list
	 * first, and o writes to it after this. */
	if (!o->registered ||
	    atomic_load_explicit(&o->solo, memory_order_acquire)) {
		int grc = gate_take(o, h, diag);
		if (grc != 0)
			return grc > 0 ? 0 : grc;
	}
	pthread_mutex_lock(&sh->mu);
	int rc = try_take(o, sh, h, &holder);
	pthread_mutex_unlock(&sh->mu);
	if (rc == 1)
		return 0;
	if (rc < 0)
		return alx_diag_set(diag, ALOPEX_ENOMEM, "53200",
				    "out of memory");
	if (w == NULL || w->nowait)
		return conflict_now(diag);
	if (w->noblock) {
		o->would_block = true;
		return alx_diag_set(diag, ALOPEX_EBUSY, "55P03",
				    "could not obtain lock on row without "
				    "waiting");
	}

	if (w->before_wait != NULL)
		w->before_wait(w->before_wait_arg);
	/* Slow path: under wait_mu a holder seen in its shard cannot finish
	 * (its unlock passes wait_mu once it sees nwaiting, which we raise
	 * before looking) nor be freed. */
	if (!o->cv_ready) {
		if (pthread_cond_init(&o->cv, &l->cv_attr) != 0)
			return alx_diag_set(diag, ALOPEX_ENOMEM, "53200",
					    "out of memory");
		o->cv_ready = true;
	}
	pthread_mutex_lock(&l->wait_mu);
	atomic_fetch_add(&l->nwaiting, 1);
	o->wprev = NULL;
	o->wnext = l->waiters;
	if (l->waiters != NULL)
		l->waiters->wprev = o;
	l->waiters = o;
	for (;;) {
		pthread_mutex_lock(&sh->mu);
		rc = try_take(o, sh, h, &holder);
		pthread_mutex_unlock(&sh->mu);
		if (rc == 1) {
			rc = 0;
			break;
		}
		if (rc < 0) {
			rc = alx_diag_set(diag, ALOPEX_ENOMEM, "53200",
					  "out of memory");
			break;
		}
		int64_t now = now_us();
		rc = wait_over(w, now, diag);
		if (rc != 0)
			break;
		if (closes_cycle(o, holder)) {
			rc = deadlock_report(o, holder, diag);
			break;
		}
		o->waits_for = holder;
		int64_t until = now + WAKE_US;
		if (w->lock_deadline_us != 0 && w->lock_deadline_us < until)
			until = w->lock_deadline_us;
		if (w->stmt_deadline_us != 0 && w->stmt_deadline_us < until)
			until = w->stmt_deadline_us;
		struct timespec ts = {(time_t)(until / 1000000),
				      (long)(until % 1000000) * 1000};
		int e = pthread_cond_timedwait(&o->cv, &l->wait_mu, &ts);
		/* timeouts and wakeups are both rechecked above */
		if (e == 0)
			o->nwoken++;
		o->waits_for = NULL;
		/* The holder ended; whether it committed is for the caller's
		 * version check, which sees the recorded sequence. */
		o->waited_commit = true;
	}
	o->waits_for = NULL;
	if (o->wprev != NULL)
		o->wprev->wnext = o->wnext;
	else
		l->waiters = o->wnext;
	if (o->wnext != NULL)
		o->wnext->wprev = o->wprev;
	o->wnext = o->wprev = NULL;
	atomic_fetch_sub(&l->nwaiting, 1);
	pthread_mutex_unlock(&l->wait_mu);
	return rc;
}

/* Version slots asked for ahead of record_versions' stores. */
#define VERSION_PREFETCH 8

/* Record commit_seq for h's slot (0: nothing to record). */
static void record_version(struct alx_kv_locks *l, uint64_t h,
			   uint64_t commit_seq)
{
	if (commit_seq == 0)
		return;
	_Atomic uint64_t *v = version_of(l, h);
	uint64_t cur = atomic_load(v);
	while (cur < commit_seq &&
	       !atomic_compare_exchange_weak(v, &cur, commit_seq))
		;
}

/*
 * record_version for hs[0..n): a big transaction's slots are all over the
 * 8 MiB table, and each was a cache miss the loop stalled on.
 */
static void record_versions(struct alx_kv_locks *l, const uint64_t *hs,
			    size_t n, uint64_t commit_seq)
{
	if (commit_seq == 0)
		return;
	for (size_t i = 0; i < n; i++) {
#if defined(__GNUC__)
		if (i + VERSION_PREFETCH < n)
			__builtin_prefetch((const void *)version_of(
						   l, hs[i + VERSION_PREFETCH]),
					   1);
#endif
		record_version(l, hs[i], commit_seq);
	}
}

/* Locks held from which grouping them by shard pays for its passes. */
#define GROUP_MIN 32

/*
 * Release o's locks with one mutex acquisition per shard: held is first
 * sorted by shard in place (counting, then swapping each hash into its
 * shard's run), which needs no memory that could be missing now.
 */
static void release_grouped(struct alx_kv_lockowner *o, uint64_t commit_seq)
{
	struct alx_kv_locks *l = o->locks;
	uint64_t *held = o->held;
	size_t n = o->nheld;
	size_t start[NSHARDS + 1];
	shard_runs(held, n, start);
	size_t next[NSHARDS];
	memcpy(next, start, sizeof(next));
	/* Each swap puts one hash in its run for good: n swaps at most. */
	for (unsigned s = 0; s < NSHARDS; s++) {
		while (next[s] < start[s + 1]) {
			uint64_t h = held[next[s]];
			unsigned hs = shard_no(h);
			if (hs == s) {
				next[s]++;
				continue;
			}
			held[next[s]] = held[next[hs]];
			held[next[hs]++] = h;
		}
	}
	for (unsigned s = 0; s < NSHARDS; s++) {
		if (start[s] == start[s + 1])
			continue;
		struct shard *sh = &l->shards[s];
		/* Before the lock is free: a waiter that takes it then sees
		 * this commit. */
		record_versions(l, held + start[s], start[s + 1] - start[s],
				commit_seq);
		pthread_mutex_lock(&sh->mu);
		for (size_t i = start[s]; i < start[s + 1]; i++)
			release_one(o, sh, held[i]);
		pthread_mutex_unlock(&sh->mu);
	}
}

/*
 * A solo owner's release: nobody can have seen its locks, so recording
 * the versions frees them (true). Unless another owner published them
 * meanwhile (false): they are in the table then, and the versions are
 * recorded, as the table's release needs before freeing a lock.
 */
static bool release_solo(struct alx_kv_lockowner *o, uint64_t commit_seq)
{
	struct alx_kv_locks *l = o->locks;
	/* Without gate_mu: a publisher only reads held. */
	record_versions(l, o->held, o->nheld, commit_seq);
	pthread_mutex_lock(&l->gate_mu);
	bool solo = atomic_load(&o->solo);
	if (solo) {
		o->nheld = 0;
		deregister(o);
	}
	pthread_mutex_unlock(&l->gate_mu);
	return solo;
}

void alx_kv_unlock_all(struct alx_kv_lockowner *o, uint64_t commit_seq)
{
	struct alx_kv_locks *l = o->locks;
	if (!o->registered)
		return;
	if (atomic_load(&o->solo) && release_solo(o, commit_seq))
		goto out;
	if (o->nheld == 0) {
		/* registered by a lock that was refused */
	} else if (o->nheld >= GROUP_MIN) {
		release_grouped(o, commit_seq);
	} else {
		for (size_t i = 0; i < o->nheld; i++) {
			uint64_t h = o->held[i];
			/* Before the lock is free: see release_grouped. */
			record_version(l, h, commit_seq);
			struct shard *sh = shard_of(l, h);
			pthread_mutex_lock(&sh->mu);
			release_one(o, sh, h);
			pthread_mutex_unlock(&sh->mu);
		}
	}
	o->nheld = 0;
	/*
	 * A waiter raises nwaiting before it looks for a holder in a shard,
	 * and our slots are gone from the shards now: seeing none, no waiter
	 * can have seen us as a holder, and wait_mu can be skipped.
	 * Otherwise passing wait_mu orders us after any waiter that still
	 * looks at o as a holder (see alx_kv_lock).
	 */
	if (atomic_load(&l->nwaiting) != 0) {
		pthread_mutex_lock(&l->wait_mu);
		/* No sleeping waiter may keep pointing at o, which its
		 * transaction frees after this: deadlock checks walk it. Only
		 * o's waiters wake. */
		for (struct alx_kv_lockowner *p = l->waiters; p != NULL;
		     p = p->wnext)
			if (p->waits_for == o) {
				p->waits_for = NULL;
				pthread_cond_signal(&p->cv);
			}
		pthread_mutex_unlock(&l->wait_mu);
	}
	/* Only now that none of o's slots is left: a new owner may go solo
	 * once nobody counts. */
	pthread_mutex_lock(&l->gate_mu);
	deregister(o);
	pthread_mutex_unlock(&l->gate_mu);
out:
	/* Big transactions give their memory back at once. */
	if (o->cap > 4096) {
		alx_free(l->rt, o->held);
		o->held = NULL;
		o->cap = 0;
	}
}
