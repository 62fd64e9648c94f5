/*
 * Crash durability: a child process commits a numbered stream of
 * multi-key transactions and reports each acknowledged commit on a pipe;
 * the parent SIGKILLs it at a random point, reopens the directory and
 * checks that every acknowledged transaction is whole, that no transaction
 * is partial, and that the change log replays exactly the committed data.
 *
 * Transaction i of writer thread t puts txn/<t>/<i>/a, .../b, .../c and
 * ctr/<t> = i, in that order, so a torn commit shows as a partial set.
 *
 * The seed is printed; ALX_DURABILITY_SEED=<n> repeats a run.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "alx_test_proc.h"

#define MAX_THREADS 2
/* Per writer thread; far beyond what a round reaches with fsync. */
#define CHILD_MAX_TXNS 100000u
/* The child stops on its own after this, should the parent vanish. */
#define CHILD_MAX_MS 15000
/* Wait for the first acknowledged commit (open + first fsync). */
#define FIRST_ACK_MS 3000
/* Kill window after the first acknowledgement. */
#define KILL_DELAY_MAX_MS 1500
#define KILL_COUNT_MAX 400
#define ROUND_MAX_MS 5000
/* Stop starting rounds after this, whatever the round count. */
#define TEST_BUDGET_MS 60000
#define FSYNC_ROUNDS 8
#define PERIODIC_ROUNDS 4
#define CKPT_ROUNDS 4
#define VAL_LEN 48

struct ack {
	uint32_t thread;
	uint32_t seq;
};

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	/* splitmix64: tiny, seedable, good enough to pick kill points. */
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

static size_t txn_key(char *buf, size_t cap, unsigned t, unsigned i, char part)
{
	return (size_t)snprintf(buf, cap, "txn/%u/%08u/%c", t, i, part);
}

static size_t ctr_key(char *buf, size_t cap, unsigned t)
{
	return (size_t)snprintf(buf, cap, "ctr/%u", t);
}

/* Fixed-length value naming its key, so a misplaced value is caught too. */
static void txn_val(char *buf, unsigned t, unsigned i, char part)
{
	char tmp[VAL_LEN + 1];
	int n = snprintf(tmp, sizeof(tmp), "val/%u/%08u/%c/", t, i, part);
	for (int k = n; k < VAL_LEN; k++)
		tmp[k] = (char)('a' + (t * 7 + i * 13 + (unsigned)k) % 26);
	memcpy(buf, tmp, VAL_LEN);
}

static size_t ctr_val(char *buf, size_t cap, unsigned i)
{
	return (size_t)snprintf(buf, cap, "%08u", i);
}

/* ---- the child: commit until killed ----------------------------------- */

struct writer {
	alopex_db *db;
	int fd;
	unsigned thread;
	int64_t start_ms;
};

static void child_fail(const char *what, alopex_db *db, int rc)
{
	fprintf(stderr, "durability child: %s: %s (%s)\n", what,
		db ? alopex_errmsg(db) : "", alopex_code_name(rc));
	_exit(3);
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	char key[64], val[VAL_LEN + 16];
	for (unsigned i = 0; i < CHILD_MAX_TXNS; i++) {
		if (alx_test_now_ms() - w->start_ms > CHILD_MAX_MS)
			break;
		alopex_kv_txn *txn = NULL;
		int rc = alopex_kv_begin(w->db, 0, &txn);
		if (rc != ALOPEX_OK)
			child_fail("begin", w->db, rc);
		for (const char *p = "abc"; *p; p++) {
			size_t kl = txn_key(key, sizeof(key), w->thread, i, *p);
			txn_val(val, w->thread, i, *p);
			rc = alopex_kv_put(txn, key, kl, val, VAL_LEN);
			if (rc != ALOPEX_OK)
				child_fail("put", w->db, rc);
		}
		size_t kl = ctr_key(key, sizeof(key), w->thread);
		size_t vl = ctr_val(val, sizeof(val), i);
		rc = alopex_kv_put(txn, key, kl, val, vl);
		if (rc != ALOPEX_OK)
			child_fail("put counter", w->db, rc);
		rc = alopex_kv_commit(txn);
		if (rc != ALOPEX_OK)
			child_fail("commit", w->db, rc);
		/* Only now is transaction i acknowledged. */
		struct ack a = {w->thread, i};
		if (write(w->fd, &a, sizeof(a)) != (ssize_t)sizeof(a))
			_exit(4);
	}
	return NULL;
}

struct child_args {
	const char *dir, *config;
	unsigned nthreads;
};

static void child_main(void *arg, int fd)
{
	const struct child_args *ca = arg;
	const char *dir = ca->dir;
	unsigned nthreads = ca->nthreads;
	alopex_db *db = NULL;
	alopex_diag diag = {0};
	int rc = alopex_open_ex(dir, ca->config, &alx_test_quiet_open, &db,
				&diag);
	if (rc != ALOPEX_OK) {
		fprintf(stderr, "durability child: open %s: %s (%s)\n", dir,
			diag.message, alopex_code_name(rc));
		_exit(3);
	}
	struct writer w[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	int64_t start = alx_test_now_ms();
	for (unsigned t = 0; t < nthreads; t++) {
		w[t] = (struct writer){db, fd, t, start};
		if (pthread_create(&tid[t], NULL, writer_main, &w[t]) != 0)
			_exit(5);
	}
	for (unsigned t = 0; t < nthreads; t++)
		pthread_join(tid[t], NULL);
	alx_test_child_linger(start, CHILD_MAX_MS);
}

/* ---- the parent: kill, reopen, verify --------------------------------- */

struct round_spec {
	unsigned nthreads;
	int by_count; /* kill after kill_count acks, else delay */
	unsigned kill_count;
	unsigned kill_delay_ms;
	int check_acks; /* fsync mode: acknowledged means durable */
};

struct round_state {
	/* Highest acknowledged transaction per thread, -1 when none. */
	int64_t acked[MAX_THREADS];
	uint64_t total_acked;
	/* Per thread and transaction: bits 1/2/4 for parts a/b/c. */
	uint8_t *mask[MAX_THREADS];
	/* Highest transaction present in the data, -1 when none. */
	int64_t top[MAX_THREADS];
	/* Change-log replay. */
	uint64_t last_pos;
	uint64_t batches;
	int64_t log_next[MAX_THREADS];
	char err[256];
};

static void state_fail(struct round_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void state_fail(struct round_state *st, const char *fmt, ...)
{
	if (st->err[0] != '\0')
		return; /* keep the first failure */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->err, sizeof(st->err), fmt, ap);
	va_end(ap);
}

/* Take acks from buf; returns the bytes consumed (whole records only). */
static size_t take_acks(struct round_state *st, unsigned nthreads,
			const uint8_t *buf, size_t len)
{
	size_t used = 0;
	while (len - used >= sizeof(struct ack)) {
		struct ack a;
		memcpy(&a, buf + used, sizeof(a));
		used += sizeof(a);
		if (a.thread >= nthreads ||
		    (int64_t)a.seq != st->acked[a.thread] + 1) {
			state_fail(st, "ack out of order: thread %u txn %u",
				   a.thread, a.seq);
			continue;
		}
		st->acked[a.thread] = a.seq;
		st->total_acked++;
	}
	return used;
}

/*
 * Read acks until the kill condition (or the round deadline), kill the
 * child, then drain the pipe: everything written before death counts as
 * acknowledged.
 */
static void run_child(const struct round_spec *spec, pid_t pid, int fd,
		      struct round_state *st)
{
	uint8_t buf[4096];
	size_t have = 0;
	int64_t start = alx_test_now_ms(), first = -1;
	int eof = 0;
	for (;;) {
		int64_t now = alx_test_now_ms();
		if (first < 0 && now - start > FIRST_ACK_MS)
			break;
		if (first >= 0 && spec->by_count &&
		    st->total_acked >= spec->kill_count)
			break;
		if (first >= 0 && !spec->by_count &&
		    now - first >= spec->kill_delay_ms)
			break;
		if (now - start > ROUND_MAX_MS || eof)
			break;
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 5) <= 0)
			continue;
		ssize_t n = read(fd, buf + have, sizeof(buf) - have);
		if (n <= 0) {
			eof = n == 0 || errno != EINTR;
			continue;
		}
		have += (size_t)n;
		size_t used = take_acks(st, spec->nthreads, buf, have);
		memmove(buf, buf + used, have - used);
		have -= used;
		if (first < 0 && st->total_acked > 0)
			first = alx_test_now_ms();
	}
	int status = 0;
	int killed = alx_test_child_kill(pid, &status);
	/* The pipe now holds every ack the child wrote before it died. */
	for (int guard = 0; guard < 1000000; guard++) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		size_t used = take_acks(st, spec->nthreads, buf, have);
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	if (killed != 0)
		state_fail(st,
			   "child ended on its own (status %d) before "
			   "the kill: see its stderr",
			   status);
	else if (first < 0)
		state_fail(st, "no commit acknowledged within %d ms",
			   FIRST_ACK_MS);
	if (have != 0)
		state_fail(st, "torn ack record on the pipe (%zu bytes)", have);
}

static int parse_uint(const char *s, size_t len, unsigned *out)
{
	if (len == 0 || len > 9)
		return -1;
	unsigned v = 0;
	for (size_t k = 0; k < len; k++) {
		if (s[k] < '0' || s[k] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[k] - '0');
	}
	*out = v;
	return 0;
}

/* "txn/<t>/<8 digits>/<a|b|c>" */
static int parse_txn_key(const char *k, size_t len, unsigned *t, unsigned *i,
			 int *part)
{
	if (len != 4 + 1 + 1 + 8 + 1 + 1 || memcmp(k, "txn/", 4) != 0 ||
	    k[5] != '/' || k[14] != '/')
		return -1;
	if (parse_uint(k + 4, 1, t) != 0 || parse_uint(k + 6, 8, i) != 0)
		return -1;
	if (k[15] < 'a' || k[15] > 'c')
		return -1;
	*part = k[15] - 'a';
	return 0;
}

static void check_txn_entry(struct round_state *st, unsigned nthreads,
			    const char *k, size_t klen, const void *v,
			    size_t vlen)
{
	unsigned t, i;
	int part;
	char expect[VAL_LEN];
	if (parse_txn_key(k, klen, &t, &i, &part) != 0 || t >= nthreads ||
	    i >= CHILD_MAX_TXNS) {
		state_fail(st, "unexpected key '%.*s'", (int)klen, k);
		return;
	}
	txn_val(expect, t, i, (char)('a' + part));
	if (vlen != VAL_LEN || memcmp(v, expect, VAL_LEN) != 0) {
		state_fail(st, "wrong value under '%.*s'", (int)klen, k);
		return;
	}
	st->mask[t][i] |= (uint8_t)(1u << part);
	if ((int64_t)i > st->top[t])
		st->top[t] = i;
}

/* Walk every key in the KV space and record which parts are present. */
static void scan_data(alopex_db *db, unsigned nthreads, struct round_state *st,
		      int64_t ctr[MAX_THREADS])
{
	alopex_kv_txn *txn = NULL;
	alopex_kv_cursor *cur = NULL;
	int rc = alopex_kv_begin(db, ALOPEX_KV_READONLY, &txn);
	CU_ASSERT_EQUAL_FATAL(rc, ALOPEX_OK);
	rc = alopex_kv_scan(txn, NULL, 0, NULL, 0, 0, &cur);
	CU_ASSERT_EQUAL(rc, ALOPEX_OK);
	if (rc != ALOPEX_OK) {
		fprintf(stderr, "scan: %s\n", alopex_kv_errmsg(txn));
		alopex_kv_rollback(txn);
		return;
	}
	for (unsigned n = 0; n < MAX_THREADS * (CHILD_MAX_TXNS * 3 + 1); n++) {
		const void *k, *v;
		size_t klen, vlen;
		rc = alopex_kv_cursor_next(cur, &k, &klen, &v, &vlen);
		if (rc != ALOPEX_ROW)
			break;
		unsigned t;
		if (klen == 5 && memcmp(k, "ctr/", 4) == 0 &&
		    parse_uint((const char *)k + 4, 1, &t) == 0 &&
		    t < nthreads) {
			unsigned i;
			if (parse_uint(v, vlen, &i) != 0 || vlen != 8)
				state_fail(st, "bad counter value");
			else
				ctr[t] = i;
			continue;
		}
		check_txn_entry(st, nthreads, k, klen, v, vlen);
	}
	CU_ASSERT_EQUAL(rc, ALOPEX_DONE);
	if (rc != ALOPEX_DONE)
		fprintf(stderr, "cursor: %s (%s)\n", alopex_kv_errmsg(txn),
			alopex_code_name(rc));
	alopex_kv_cursor_close(cur);
	alopex_kv_rollback(txn);
}

/* The point-get path agrees with the scan on the counter and last txn. */
static void check_gets(alopex_db *db, unsigned nthreads, struct round_state *st)
{
	alopex_kv_txn *txn = NULL;
	int rc = alopex_kv_begin(db, ALOPEX_KV_READONLY, &txn);
	CU_ASSERT_EQUAL_FATAL(rc, ALOPEX_OK);
	for (unsigned t = 0; t < nthreads; t++) {
		char key[64], expect[VAL_LEN + 16];
		const void *v;
		size_t vlen;
		size_t kl = ctr_key(key, sizeof(key), t);
		rc = alopex_kv_get(txn, key, kl, &v, &vlen);
		if (st->top[t] < 0) {
			CU_ASSERT_EQUAL(rc, ALOPEX_ENOTFOUND);
			continue;
		}
		CU_ASSERT_EQUAL(rc, ALOPEX_OK);
		size_t el =
			ctr_val(expect, sizeof(expect), (unsigned)st->top[t]);
		if (rc == ALOPEX_OK)
			CU_ASSERT(vlen == el && memcmp(v, expect, el) == 0);
		kl = txn_key(key, sizeof(key), t, (unsigned)st->top[t], 'b');
		rc = alopex_kv_get(txn, key, kl, &v, &vlen);
		CU_ASSERT_EQUAL(rc, ALOPEX_OK);
		txn_val(expect, t, (unsigned)st->top[t], 'b');
		if (rc == ALOPEX_OK)
			CU_ASSERT(vlen == VAL_LEN &&
				  memcmp(v, expect, VAL_LEN) == 0);
		/* One past the top was never committed. */
		kl = txn_key(key, sizeof(key), t, (unsigned)st->top[t] + 1,
			     'a');
		CU_ASSERT_EQUAL(alopex_kv_get(txn, key, kl, &v, &vlen),
				ALOPEX_ENOTFOUND);
	}
	alopex_kv_rollback(txn);
}

struct log_check {
	struct round_state *st;
	unsigned nthreads;
};

/*
 * Each batch is one whole transaction: a, b, c then the counter, values as
 * written, present in the data, and in commit order per thread.
 */
static int log_batch(void *arg, const alopex_batch *b)
{
	struct log_check *lc = arg;
	struct round_state *st = lc->st;
	if (b->position != st->last_pos + 1) {
		state_fail(st, "log position %" PRIu64 " after %" PRIu64,
			   b->position, st->last_pos);
		return 1;
	}
	st->last_pos = b->position;
	const alopex_mutation *kv[4];
	size_t nkv = 0;
	for (size_t m = 0; m < b->count; m++) {
		const alopex_mutation *mu = &b->mutations[m];
		if (mu->klen == 0 || mu->key[0] != ALOPEX_SPACE_KV)
			continue; /* another key space: not ours to check */
		if (nkv == 4) {
			state_fail(st, "batch %" PRIu64 " has > 4 KV writes",
				   b->position);
			return 1;
		}
		kv[nkv++] = mu;
	}
	if (nkv == 0)
		return 0;
	st->batches++;
	unsigned t, i;
	int part;
	if (nkv != 4 || kv[0]->op != ALOPEX_MUT_PUT ||
	    parse_txn_key((const char *)kv[0]->key + 1, kv[0]->klen - 1, &t, &i,
			  &part) != 0 ||
	    t >= lc->nthreads || i >= CHILD_MAX_TXNS) {
		state_fail(st, "batch %" PRIu64 " is not one transaction",
			   b->position);
		return 1;
	}
	char key[64], val[VAL_LEN + 16];
	for (int p = 0; p < 4; p++) {
		size_t kl, vl;
		if (p < 3) {
			kl = txn_key(key, sizeof(key), t, i, (char)('a' + p));
			txn_val(val, t, i, (char)('a' + p));
			vl = VAL_LEN;
		} else {
			kl = ctr_key(key, sizeof(key), t);
			vl = ctr_val(val, sizeof(val), i);
		}
		const alopex_mutation *mu = kv[p];
		if (mu->op != ALOPEX_MUT_PUT || mu->klen != kl + 1 ||
		    memcmp(mu->key + 1, key, kl) != 0 || mu->vlen != vl ||
		    mu->val == NULL || memcmp(mu->val, val, vl) != 0) {
			state_fail(st,
				   "batch %" PRIu64 " mutation %d differs "
				   "from txn %u/%u",
				   b->position, p, t, i);
			return 1;
		}
	}
	if ((int64_t)i != st->log_next[t]) {
		state_fail(st, "log has txn %u/%u, expected %u/%" PRId64, t, i,
			   t, st->log_next[t]);
		return 1;
	}
	st->log_next[t]++;
	if (st->mask[t][i] != 7) {
		state_fail(st, "log has txn %u/%u, the data does not", t, i);
		return 1;
	}
	return 0;
}

static void check_log(alopex_db *db, unsigned nthreads, struct round_state *st,
		      int check_acks)
{
	uint64_t pos = alopex_log_position(db);
	uint64_t present = 0;
	for (unsigned t = 0; t < nthreads; t++)
		present += (uint64_t)(st->top[t] + 1);
	if (check_acks)
		CU_ASSERT(pos >= st->total_acked);
	CU_ASSERT(pos >= present);
	struct log_check lc = {st, nthreads};
	int rc = alopex_log_read(db, 0, log_batch, &lc);
	if (rc != 0 && st->err[0] == '\0')
		fprintf(stderr, "log_read: %s (%s)\n", alopex_errmsg(db),
			alopex_code_name(rc));
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(st->last_pos, pos);
	CU_ASSERT_EQUAL(st->batches, present);
	for (unsigned t = 0; t < nthreads; t++)
		CU_ASSERT_EQUAL(st->log_next[t], st->top[t] + 1);
}

static void verify(const char *dir, const char *config,
		   const struct round_spec *spec, struct round_state *st)
{
	alopex_db *db = NULL;
	alopex_diag diag = {0};
	int rc = alopex_open_ex(dir, config, &alx_test_quiet_open, &db, &diag);
	if (rc != ALOPEX_OK)
		fprintf(stderr, "reopen after kill: %s (%s)\n", diag.message,
			alopex_code_name(rc));
	CU_ASSERT_EQUAL_FATAL(rc, ALOPEX_OK);

	int64_t ctr[MAX_THREADS] = {-1, -1};
	scan_data(db, spec->nthreads, st, ctr);
	for (unsigned t = 0; t < spec->nthreads; t++) {
		for (int64_t i = 0; i <= st->top[t]; i++) {
			uint8_t m = st->mask[t][i];
			if (m != 7 && m != 0)
				state_fail(st,
					   "txn %u/%" PRId64 " partial "
					   "(parts mask %u)",
					   t, i, m);
			else if (m == 0)
				/* A hole: a later txn survived, this not. */
				state_fail(st, "txn %u/%" PRId64 " lost", t, i);
		}
		CU_ASSERT_EQUAL(ctr[t], st->top[t]);
		if (spec->check_acks) {
			/* Acked ones all survive; one more may be in flight. */
			if (st->top[t] < st->acked[t])
				state_fail(st,
					   "thread %u: acknowledged txn "
					   "%" PRId64 " lost (data ends at "
					   "%" PRId64 ")",
					   t, st->acked[t], st->top[t]);
			if (st->top[t] > st->acked[t] + 1)
				state_fail(st,
					   "thread %u: txn %" PRId64 " present "
					   "but only %" PRId64 " acknowledged",
					   t, st->top[t], st->acked[t]);
		}
	}
	check_gets(db, spec->nthreads, st);
	check_log(db, spec->nthreads, st, spec->check_acks);
	uint64_t pos = alopex_log_position(db);
	CU_ASSERT_EQUAL(alopex_close(db), ALOPEX_OK);

	/* A clean close after recovery reopens to the same state. */
	db = NULL;
	rc = alopex_open_ex(dir, config, &alx_test_quiet_open, &db, &diag);
	CU_ASSERT_EQUAL_FATAL(rc, ALOPEX_OK);
	CU_ASSERT_EQUAL(alopex_log_position(db), pos);
	alopex_close(db);
}

static void run_round(const char *dir, const char *config,
		      const struct round_spec *spec, unsigned round)
{
	struct round_state st;
	memset(&st, 0, sizeof(st));
	for (unsigned t = 0; t < MAX_THREADS; t++) {
		st.acked[t] = -1;
		st.top[t] = -1;
		st.mask[t] = calloc(CHILD_MAX_TXNS, 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(st.mask[t]);
	}
	struct child_args ca = {dir, config, spec->nthreads};
	int rfd;
	pid_t pid = alx_test_child_start(child_main, &ca, &rfd);
	CU_ASSERT_FATAL(pid >= 0);
	int64_t t0 = alx_test_now_ms();
	run_child(spec, pid, rfd, &st);
	close(rfd);
	int64_t t1 = alx_test_now_ms();
	if (st.err[0] == '\0')
		verify(dir, config, spec, &st);
	printf("\n  round %u: %u thread(s), kill %s %u, acked %" PRIu64
	       ", present %" PRId64 "+%" PRId64 ", %" PRId64 " ms + verify "
	       "%" PRId64 " ms%s%s",
	       round, spec->nthreads, spec->by_count ? "after ack" : "at ms",
	       spec->by_count ? spec->kill_count : spec->kill_delay_ms,
	       st.total_acked, st.top[0] + 1, st.top[1] + 1, t1 - t0,
	       alx_test_now_ms() - t1, st.err[0] ? ": FAIL " : "", st.err);
	if (st.err[0] != '\0')
		CU_FAIL(st.err);
	for (unsigned t = 0; t < MAX_THREADS; t++)
		free(st.mask[t]);
}

static uint64_t test_seed(void)
{
	const char *s = getenv("ALX_DURABILITY_SEED");
	if (s != NULL && *s != '\0')
		return strtoull(s, NULL, 0);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
	       (uint64_t)getpid();
}

static void run_rounds(const char *tag, unsigned rounds, const char *yaml,
		       int check_acks)
{
	uint64_t seed = test_seed();
	struct rng rng = {seed};
	printf("\n  seed %" PRIu64 " (ALX_DURABILITY_SEED=%" PRIu64
	       " repeats it)",
	       seed, seed);
	int64_t start = alx_test_now_ms();
	for (unsigned r = 0; r < rounds; r++) {
		if (alx_test_now_ms() - start > TEST_BUDGET_MS) {
			printf("\n  time budget spent after %u rounds", r);
			break;
		}
		char *tmp = alx_test_tmpdir(tag);
		CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
		char dir[512], cfg[512];
		snprintf(dir, sizeof(dir), "%s/data", tmp);
		snprintf(cfg, sizeof(cfg), "%s/alopex.yaml", tmp);
		if (yaml != NULL)
			CU_ASSERT_EQUAL_FATAL(alx_test_write_file(cfg, yaml),
					      0);
		struct round_spec spec = {
			.nthreads = 1 + (r & 1),
			.by_count = (r >> 1) & 1,
			.kill_count =
				1 + (unsigned)rng_below(&rng, KILL_COUNT_MAX),
			.kill_delay_ms = (unsigned)rng_below(
				&rng, KILL_DELAY_MAX_MS + 1),
			.check_acks = check_acks,
		};
		run_round(dir, yaml ? cfg : NULL, &spec, r);
		alx_test_rmdir(tmp);
		free(tmp);
	}
	printf("\n  ");
}

/* Embedded default: WiredTiger, fsync on every commit. */
static void test_kill_fsync(void)
{
	run_rounds("durability", FSYNC_ROUNDS, NULL, 1);
}

/*
 * Periodic sync may lose acknowledged commits by definition; atomicity
 * and recovery still hold.
 */
static void test_kill_periodic(void)
{
	run_rounds("durability-periodic", PERIODIC_ROUNDS,
		   "engines:\n"
		   "  wiredtiger:\n"
		   "    durability: periodic\n"
		   "    sync_interval: 50ms\n",
		   0);
}

/*
 * Checkpoints every second while the writers run: the kill lands before,
 * during or after one, and the data table (not in WiredTiger's log) comes
 * back from the last checkpoint plus the change log after its P0.
 */
static void test_kill_checkpoints(void)
{
	run_rounds("durability-ckpt", CKPT_ROUNDS,
		   "engines:\n"
		   "  wiredtiger:\n"
		   "    checkpoint_interval: 1s\n"
		   "    checkpoint_log_size: 1MB\n",
		   1);
}

static const struct alx_test_case cases[] = {
	{"kill_fsync", test_kill_fsync},
	{"kill_periodic", test_kill_periodic},
	{"kill_checkpoints", test_kill_checkpoints},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"durability", NULL, NULL, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {&suite, NULL};
	return alx_test_main(argc, argv, suites);
}
