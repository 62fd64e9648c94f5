/*
 * Every row is logged once: the WiredTiger engine keeps its data table out
 * of WiredTiger's log, and open re-applies the change log records after the
 * last checkpoint's P0 (engines/wiredtiger/wt_ckpt.c).
 *
 * A child process runs a scripted workload around checkpoints - puts,
 * deletes, range deletes and overwrites of checkpointed keys - reports its
 * positions on a pipe once everything is acknowledged (durability fsync)
 * and is SIGKILLed. The parent then opens the directory with WiredTiger
 * itself: the data table must be back at its checkpoint (a key deleted
 * after it is still there) and no WiredTiger log record may touch it. Then
 * it reopens through alopex and compares every key with a model of the
 * script, the log position and the change log.
 *
 * Cases: a plain crash after a checkpoint; a crash while a checkpoint is
 * held after recording its P0 (more commits follow it); a crash during a
 * real checkpoint of much dirty data (wherever the kill lands); damaged
 * and missing records (ECORRUPT, then fine once restored); a directory
 * whose data table was made logged (kept logged, nothing replayed).
 */
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wiredtiger.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "alx_test_proc.h"
#include "db/db_internal.h"
#include "kv/kv_txn.h"
#include "wt_debug.h"

#define NKEYS 2000 /* w/a0000 .. w/d0499 */
#define PER_LETTER 500
#define BULK_KEYS 40000 /* x/0000000 ..: dirty data for a long checkpoint */
#define BULK_TXNS 4
#define VAL_MAX 48
#define MSG_WAIT_MS 120000 /* ASan, and a machine shared by many builds */
#define CHILD_MAX_MS 150000

enum mode { M_BASIC, M_HELD, M_LIVE, M_OLD };
enum msg_kind { MSG_P0 = 1, MSG_DONE, MSG_CKPT_STARTED };

struct msg {
	uint32_t kind;
	uint64_t a;
};

/* No checkpoint of the engine's own during a case: P0 stays the test's. */
static const char yaml[] = "engines:\n"
			   "  wiredtiger:\n"
			   "    durability: fsync\n"
			   "    checkpoint_interval: 3600s\n"
			   "    checkpoint_log_size: 1GB\n";

/* ---- the script and its model ------------------------------------------ */

struct model {
	uint8_t has[NKEYS];
	char val[NKEYS][VAL_MAX];
};

struct script {
	alopex_db *db; /* NULL: the model only */
	struct alx_kv_txn *txn;
	struct model *m;
	uint64_t pos; /* of the last commit */
};

/* Engine key of index i (i == NKEYS: past the last one). */
static alopex_slice wkey(uint8_t buf[32], unsigned i)
{
	buf[0] = ALOPEX_SPACE_KV;
	int n = snprintf((char *)buf + 1, 31, "w/%c%04u",
			 (char)('a' + i / PER_LETTER), i % PER_LETTER);
	return (alopex_slice){buf, (size_t)n + 1};
}

static alopex_slice bkey(uint8_t buf[32], unsigned i)
{
	buf[0] = ALOPEX_SPACE_KV;
	int n = snprintf((char *)buf + 1, 31, "x/%07u", i);
	return (alopex_slice){buf, (size_t)n + 1};
}

/* Lengths vary, so a torn or misplaced value shows. */
static size_t make_val(char out[VAL_MAX], unsigned tag, unsigned i)
{
	int n = snprintf(out, VAL_MAX, "v%u/%u/", tag, i);
	size_t len = (size_t)n + i % 13;
	for (size_t k = (size_t)n; k < len; k++)
		out[k] = (char)('a' + (tag + i + k) % 26);
	return len;
}

static void child_fail(const char *what, const char *msg, int rc)
{
	fprintf(stderr, "replay child: %s: %s (%s)\n", what, msg ? msg : "",
		alopex_code_name(rc));
	_exit(3);
}

static void s_begin(struct script *s)
{
	if (s->db == NULL || s->txn != NULL)
		return;
	alopex_diag d = {0};
	int rc = alx_kv_txn_begin(s->db, 0, &s->txn, &d);
	if (rc != 0)
		child_fail("begin", d.message, rc);
}

static void s_put(struct script *s, unsigned i, unsigned tag)
{
	char v[VAL_MAX];
	size_t len = make_val(v, tag, i);
	if (s->db != NULL) {
		uint8_t kb[32];
		s_begin(s);
		int rc =
			alx_kv_txn_put(s->txn, wkey(kb, i),
				       (alopex_slice){(const uint8_t *)v, len});
		if (rc != 0)
			child_fail("put", s->txn->diag.message, rc);
	}
	s->m->has[i] = 1;
	memset(s->m->val[i], 0, VAL_MAX);
	memcpy(s->m->val[i], v, len);
}

static void s_del(struct script *s, unsigned i)
{
	if (s->db != NULL) {
		uint8_t kb[32];
		s_begin(s);
		int rc = alx_kv_txn_del(s->txn, wkey(kb, i));
		if (rc != 0 && rc != ALOPEX_ENOTFOUND)
			child_fail("delete", s->txn->diag.message, rc);
	}
	s->m->has[i] = 0;
}

static void s_range(struct script *s, unsigned lo, unsigned hi)
{
	if (s->db != NULL) {
		uint8_t a[32], b[32];
		s_begin(s);
		int rc = alx_kv_txn_del_range(s->txn, wkey(a, lo), wkey(b, hi),
					      0);
		if (rc != 0)
			child_fail("range delete", s->txn->diag.message, rc);
	}
	for (unsigned i = lo; i < hi && i < NKEYS; i++)
		s->m->has[i] = 0;
}

static void s_commit(struct script *s)
{
	if (s->db == NULL || s->txn == NULL)
		return;
	alopex_diag d = {0};
	int rc = alx_kv_txn_commit(s->txn, &s->pos, &d);
	s->txn = NULL;
	if (rc != 0)
		child_fail("commit", d.message, rc);
}

/* Before the first checkpoint: every key. */
static void phase1(struct script *s)
{
	for (unsigned t = 0; t < 10; t++) {
		for (unsigned i = t * 200; i < t * 200 + 200; i++)
			s_put(s, i, 1);
		s_commit(s);
	}
}

/* After it: overwrites, deletes and range deletes of checkpointed keys. */
static void phase2(struct script *s)
{
	for (unsigned i = 0; i < 300; i++)
		s_put(s, i, 2);
	s_commit(s);
	for (unsigned i = 300; i < 600; i++)
		s_del(s, i);
	s_commit(s);
	s_range(s, 700, 1100);
	s_commit(s);
	for (unsigned i = 750; i < 800; i++)
		s_put(s, i, 2);
	s_del(s, 760);
	s_commit(s);
	s_put(s, 1500, 2);
	s_del(s, 1500);
	s_put(s, 1501, 2);
	s_range(s, 1600, 1650);
	s_put(s, 1610, 2);
	s_commit(s);
	for (unsigned i = 300; i < 310; i++)
		s_put(s, i, 3);
	s_commit(s);
}

/* After a second checkpoint's P0 (held, or the last before a crash). */
static void phase3(struct script *s)
{
	for (unsigned i = 1200; i < 1300; i++)
		s_put(s, i, 4);
	s_range(s, 1900, NKEYS);
	s_commit(s);
	for (unsigned i = 0; i < 10; i++)
		s_del(s, i);
	s_commit(s);
	for (unsigned i = 1600; i < 1650; i++)
		s_put(s, i, 4);
	s_commit(s);
}

static void bulk_load(struct script *s)
{
	char v[VAL_MAX + 64];
	for (unsigned t = 0; t < BULK_TXNS; t++) {
		s_begin(s);
		for (unsigned i = t * (BULK_KEYS / BULK_TXNS);
		     i < (t + 1) * (BULK_KEYS / BULK_TXNS); i++) {
			uint8_t kb[32];
			int n = snprintf(v, sizeof(v), "bulk/%u/", i);
			memset(v + n, 'b', 60);
			int rc = alx_kv_txn_put(
				s->txn, bkey(kb, i),
				(alopex_slice){(const uint8_t *)v,
					       (size_t)n + 60});
			if (rc != 0)
				child_fail("bulk put", s->txn->diag.message,
					   rc);
		}
		s_commit(s);
	}
}

/* The whole script of a mode, on a model only (the parent's expectation). */
static void expected(struct model *m, enum mode mode)
{
	memset(m, 0, sizeof(*m));
	struct script s = {.m = m};
	phase1(&s);
	phase2(&s);
	phase3(&s);
	(void)mode;
}

/* ---- the child --------------------------------------------------------- */

static void send_msg(int fd, uint32_t kind, uint64_t a)
{
	struct msg m = {kind, a};
	if (write(fd, &m, sizeof(m)) != (ssize_t)sizeof(m))
		_exit(4);
}

static void *ckpt_thread(void *arg)
{
	alopex_db *db = arg;
	int rc = alx_wt_debug_checkpoint(db->einst);
	if (rc != 0)
		child_fail("checkpoint thread", NULL, rc);
	return NULL;
}

struct child_args {
	const char *dir;
	enum mode mode;
};

static void child_main(void *arg, int fd)
{
	const struct child_args *ca = arg;
	const char *dir = ca->dir;
	enum mode mode = ca->mode;
	int64_t start = alx_test_now_ms();
	char cfg[600];
	snprintf(cfg, sizeof(cfg), "%s.yaml", dir);
	alopex_db *db = NULL;
	alopex_diag diag = {0};
	int rc = alopex_open_ex(dir, cfg, &alx_test_quiet_open, &db, &diag);
	if (rc != ALOPEX_OK)
		child_fail("open", diag.message, rc);
	static struct model m;
	struct script s = {.db = db, .m = &m};
	phase1(&s);
	rc = alx_wt_debug_checkpoint(db->einst);
	if (rc != 0)
		child_fail("checkpoint", NULL, rc);
	send_msg(fd, MSG_P0, alx_wt_debug_ckpt_state(db->einst, NULL));
	phase2(&s);
	if (mode == M_LIVE)
		bulk_load(&s);
	pthread_t th;
	if (mode == M_HELD) {
		/* The checkpoint records P0 = now, then waits: more commits
		 * follow, and the crash comes before it completes. */
		alx_wt_debug_hold_checkpoint(db->einst, 1);
		if (pthread_create(&th, NULL, ckpt_thread, db) != 0)
			_exit(5);
		int held = 0;
		while (!held && alx_test_now_ms() - start < CHILD_MAX_MS) {
			alx_wt_debug_ckpt_state(db->einst, &held);
			usleep(1000);
		}
		if (!held)
			child_fail("checkpoint never held", NULL, 0);
	}
	phase3(&s);
	send_msg(fd, MSG_DONE, s.pos);
	if (mode == M_LIVE) {
		/* Much dirty data: the kill likely lands inside it. */
		if (pthread_create(&th, NULL, ckpt_thread, db) != 0)
			_exit(5);
		send_msg(fd, MSG_CKPT_STARTED, 0);
	}
	alx_test_child_linger(start, CHILD_MAX_MS);
}

/* Run the child to the end of its script and SIGKILL it there. */
static int crash_child(const char *dir, enum mode mode, uint64_t *p0,
		       uint64_t *done)
{
	struct child_args ca = {dir, mode};
	int rfd;
	pid_t pid = alx_test_child_start(child_main, &ca, &rfd);
	CU_ASSERT_FATAL(pid >= 0);
	uint32_t last = mode == M_LIVE ? MSG_CKPT_STARTED : MSG_DONE;
	int ok = 0;
	int64_t t0 = alx_test_now_ms();
	while (!ok && alx_test_now_ms() - t0 < MSG_WAIT_MS) {
		struct pollfd p = {rfd, POLLIN, 0};
		if (poll(&p, 1, 1000) <= 0)
			continue;
		struct msg m;
		ssize_t n = read(rfd, &m, sizeof(m));
		if (n != (ssize_t)sizeof(m))
			break; /* the child died */
		if (m.kind == MSG_P0)
			*p0 = m.a;
		else if (m.kind == MSG_DONE)
			*done = m.a;
		ok = m.kind == last;
	}
	CU_ASSERT_EQUAL(alx_test_child_kill(pid, NULL), 0);
	close(rfd);
	return ok ? 0 : -1;
}

/* ---- WiredTiger's own view --------------------------------------------- */

static WT_CONNECTION *wt_open(const char *dir)
{
	/* The log settings are not persisted: recovery needs them. No
	 * archiving, so every log file stays readable. */
	WT_CONNECTION *conn = NULL;
	int ret = wiredtiger_open(dir, NULL, "log=(enabled=true,archive=false)",
				  &conn);
	if (ret != 0)
		fprintf(stderr, "wiredtiger_open: %s\n",
			wiredtiger_strerror(ret));
	return ret == 0 ? conn : NULL;
}

static int64_t file_id(WT_SESSION *s, const char *uri)
{
	WT_CURSOR *c = NULL;
	int64_t id = -1;
	if (s->open_cursor(s, "metadata:", NULL, NULL, &c) != 0)
		return -1;
	c->set_key(c, uri);
	const char *v = NULL;
	if (c->search(c) == 0 && c->get_value(c, &v) == 0) {
		const char *p = strstr(v, ",id=");
		if (p != NULL)
			id = strtoll(p + 4, NULL, 10);
	}
	c->close(c);
	return id;
}

struct wt_view {
	uint64_t data_ops, log_ops; /* WiredTiger log operations per table */
	int data_has_300;	    /* w/a0300, deleted after the checkpoint */
};

static void wt_inspect(const char *dir, struct wt_view *out)
{
	memset(out, 0, sizeof(*out));
	WT_CONNECTION *conn = wt_open(dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(conn);
	WT_SESSION *s = NULL;
	CU_ASSERT_EQUAL_FATAL(conn->open_session(conn, NULL, NULL, &s), 0);
	int64_t data_id = file_id(s, "file:alopex_data.wt");
	int64_t log_id = file_id(s, "file:alopex_log.wt");
	CU_ASSERT(data_id > 0 && log_id > 0 && data_id != log_id);

	WT_CURSOR *c = NULL;
	CU_ASSERT_EQUAL_FATAL(s->open_cursor(s, "log:", NULL, NULL, &c), 0);
	int ret;
	while ((ret = c->next(c)) == 0) {
		uint32_t file, offset, opcount, rectype, optype, fileid;
		int64_t txnid;
		WT_ITEM k, v;
		CU_ASSERT_EQUAL_FATAL(c->get_key(c, &file, &offset, &opcount),
				      0);
		CU_ASSERT_EQUAL_FATAL(c->get_value(c, &txnid, &rectype, &optype,
						   &fileid, &k, &v),
				      0);
		/* One entry per operation of a commit (a single-operation
		 * commit comes as one entry with its operation). */
		if (rectype != WT_LOGREC_COMMIT || optype == WT_LOGOP_INVALID)
			continue;
		if ((int64_t)fileid == data_id)
			out->data_ops++;
		else if ((int64_t)fileid == log_id)
			out->log_ops++;
	}
	CU_ASSERT_EQUAL(ret, WT_NOTFOUND);
	c->close(c);

	CU_ASSERT_EQUAL_FATAL(
		s->open_cursor(s, "table:alopex_data", NULL, NULL, &c), 0);
	uint8_t kb[32];
	alopex_slice key = wkey(kb, 300);
	WT_ITEM k = {.data = key.ptr, .size = key.len};
	c->set_key(c, &k);
	out->data_has_300 = c->search(c) == 0;
	c->close(c);
	conn->close(conn, NULL);
}

/* Replace (val non-NULL) or remove the record at pos; *old gets a copy. */
static void wt_edit_record(const char *dir, uint64_t pos, const void *val,
			   size_t len, WT_ITEM *old, uint8_t *oldbuf,
			   size_t oldcap)
{
	WT_CONNECTION *conn = wt_open(dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(conn);
	WT_SESSION *s = NULL;
	CU_ASSERT_EQUAL_FATAL(conn->open_session(conn, NULL, NULL, &s), 0);
	WT_CURSOR *c = NULL;
	CU_ASSERT_EQUAL_FATAL(
		s->open_cursor(s, "table:alopex_log", NULL, NULL, &c), 0);
	uint8_t kbuf[8];
	for (int i = 7; i >= 0; i--)
		kbuf[i] = (uint8_t)(pos >> (8 * (7 - i)));
	WT_ITEM k = {.data = kbuf, .size = 8};
	c->set_key(c, &k);
	if (old != NULL) {
		WT_ITEM v;
		CU_ASSERT_EQUAL_FATAL(c->search(c), 0);
		CU_ASSERT_EQUAL_FATAL(c->get_value(c, &v), 0);
		CU_ASSERT_FATAL(v.size <= oldcap);
		memcpy(oldbuf, v.data, v.size);
		old->data = oldbuf;
		old->size = v.size;
		c->set_key(c, &k);
	}
	if (val != NULL) {
		WT_ITEM v = {.data = val, .size = len};
		c->set_value(c, &v);
		CU_ASSERT_EQUAL_FATAL(c->insert(c), 0);
	} else {
		CU_ASSERT_EQUAL_FATAL(c->remove(c), 0);
	}
	c->close(c);
	CU_ASSERT_EQUAL(conn->close(conn, NULL), 0);
}

/* Make the data table of an alopex directory the old way: logged. */
static void wt_make_data_logged(const char *dir)
{
	WT_CONNECTION *conn = wt_open(dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(conn);
	WT_SESSION *s = NULL;
	CU_ASSERT_EQUAL_FATAL(conn->open_session(conn, NULL, NULL, &s), 0);
	CU_ASSERT_EQUAL_FATAL(
		s->create(s, "table:old", "key_format=u,value_format=u"), 0);
	WT_CURSOR *from = NULL, *to = NULL;
	CU_ASSERT_EQUAL_FATAL(
		s->open_cursor(s, "table:alopex_data", NULL, NULL, &from), 0);
	CU_ASSERT_EQUAL_FATAL(s->open_cursor(s, "table:old", NULL, NULL, &to),
			      0);
	while (from->next(from) == 0) {
		WT_ITEM k, v;
		from->get_key(from, &k);
		from->get_value(from, &v);
		to->set_key(to, &k);
		to->set_value(to, &v);
		CU_ASSERT_EQUAL_FATAL(to->insert(to), 0);
	}
	from->close(from);
	to->close(to);
	CU_ASSERT_EQUAL_FATAL(s->drop(s, "table:alopex_data", NULL), 0);
	CU_ASSERT_EQUAL_FATAL(s->drop(s, "table:alopex_ckpt", NULL), 0);
	CU_ASSERT_EQUAL_FATAL(
		s->rename(s, "table:old", "table:alopex_data", NULL), 0);
	CU_ASSERT_EQUAL(conn->close(conn, NULL), 0);
}

/* ---- checks through alopex --------------------------------------------- */

struct log_walk {
	uint64_t next, count;
};

static int on_batch(void *arg, const alopex_batch *b)
{
	struct log_walk *w = arg;
	if (b->position != w->next)
		return -1;
	w->next++;
	w->count++;
	return 0;
}

/* Every key against the model; the bulk keys when there are some. */
static void check_contents(alopex_db *db, const struct model *m, unsigned bulk)
{
	struct alx_kv_txn *t = NULL;
	alopex_diag d = {0};
	CU_ASSERT_EQUAL_FATAL(alx_kv_txn_begin(db, 0, &t, &d), 0);
	uint8_t lo[32], hi[32];
	struct alx_kv_cursor *c = NULL;
	CU_ASSERT_EQUAL_FATAL(
		alx_kv_cursor_open(t, wkey(lo, 0), wkey(hi, NKEYS), 0, &c), 0);
	unsigned i = 0, bad = 0;
	alopex_slice k, v;
	while (alx_kv_cursor_next(c, &k, &v) == ALOPEX_ROW) {
		while (i < NKEYS && !m->has[i])
			i++;
		uint8_t kb[32];
		alopex_slice want = i < NKEYS ? wkey(kb, i) : (alopex_slice){0};
		if (i >= NKEYS || k.len != want.len ||
		    memcmp(k.ptr, want.ptr, k.len) != 0 ||
		    v.len != strlen(m->val[i]) ||
		    memcmp(v.ptr, m->val[i], v.len) != 0) {
			if (bad++ == 0)
				fprintf(stderr,
					"first mismatch: got %.*s = %.*s, "
					"want %s = %s\n",
					(int)k.len - 1, (const char *)k.ptr + 1,
					(int)v.len, (const char *)v.ptr,
					i < NKEYS ? (const char *)want.ptr + 1
						  : "(end)",
					i < NKEYS ? m->val[i] : "");
		}
		i++;
	}
	while (i < NKEYS && !m->has[i])
		i++;
	if (i < NKEYS && bad++ == 0)
		fprintf(stderr, "first mismatch: w/%u missing\n", i);
	CU_ASSERT_EQUAL(bad, 0);
	alx_kv_cursor_close(c);

	unsigned n = 0;
	CU_ASSERT_EQUAL_FATAL(
		alx_kv_cursor_open(t, bkey(lo, 0), bkey(hi, 10000000), 0, &c),
		0);
	while (alx_kv_cursor_next(c, &k, &v) == ALOPEX_ROW) {
		char want[64];
		int len = snprintf(want, sizeof(want), "bulk/%u/", n);
		if (v.len != (size_t)len + 60 ||
		    memcmp(v.ptr, want, (size_t)len) != 0)
			bad++;
		n++;
	}
	alx_kv_cursor_close(c);
	CU_ASSERT_EQUAL(n, bulk);
	CU_ASSERT_EQUAL(bad, 0);
	alx_kv_txn_rollback(t);
}

static void check_db(const char *dir, const char *cfg, const struct model *m,
		     unsigned bulk, uint64_t done, int logged)
{
	alopex_db *db = NULL;
	alopex_diag diag = {0};
	int rc = alopex_open_ex(dir, cfg, &alx_test_quiet_open, &db, &diag);
	if (rc != ALOPEX_OK)
		fprintf(stderr, "reopen after kill: %s (%s)\n", diag.message,
			alopex_code_name(rc));
	CU_ASSERT_EQUAL_FATAL(rc, ALOPEX_OK);
	CU_ASSERT_EQUAL(alx_wt_debug_data_logged(db->einst), logged);
	CU_ASSERT_EQUAL(alopex_log_position(db), done);
	if (!logged) /* the replay ends with a checkpoint of everything */
		CU_ASSERT_EQUAL(alx_wt_debug_ckpt_state(db->einst, NULL), done);
	check_contents(db, m, bulk);
	struct log_walk w = {1, 0};
	CU_ASSERT_EQUAL(alopex_log_read(db, 0, on_batch, &w), 0);
	CU_ASSERT_EQUAL(w.count, done);
	CU_ASSERT_EQUAL(alopex_close(db), ALOPEX_OK);

	/* A clean close after recovery reopens to the same state. */
	db = NULL;
	CU_ASSERT_EQUAL_FATAL(
		alopex_open_ex(dir, cfg, &alx_test_quiet_open, &db, &diag),
		ALOPEX_OK);
	CU_ASSERT_EQUAL(alopex_log_position(db), done);
	check_contents(db, m, bulk);
	alopex_close(db);
}

/* ---- cases ------------------------------------------------------------- */

struct fixture {
	char *tmp;
	char dir[512], cfg[600];
	char wtdir[600]; /* the engine's directory inside */
};

static void fixture_init(struct fixture *f, const char *tag)
{
	f->tmp = alx_test_tmpdir(tag);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->tmp);
	snprintf(f->dir, sizeof(f->dir), "%s/data", f->tmp);
	snprintf(f->cfg, sizeof(f->cfg), "%s.yaml", f->dir);
	snprintf(f->wtdir, sizeof(f->wtdir), "%s/wiredtiger", f->dir);
	CU_ASSERT_EQUAL_FATAL(alx_test_write_file(f->cfg, yaml), 0);
}

static void fixture_fini(struct fixture *f)
{
	alx_test_rmdir(f->tmp);
	free(f->tmp);
}

static void run_case(const char *tag, enum mode mode)
{
	struct fixture f;
	fixture_init(&f, tag);
	if (mode == M_OLD) {
		/* An old directory: made, then its data table logged. */
		alopex_db *db = NULL;
		alopex_diag diag = {0};
		CU_ASSERT_EQUAL_FATAL(alopex_open_ex(f.dir, f.cfg,
						     &alx_test_quiet_open, &db,
						     &diag),
				      ALOPEX_OK);
		CU_ASSERT_EQUAL(alx_wt_debug_data_logged(db->einst), 0);
		alopex_close(db);
		wt_make_data_logged(f.wtdir);
	}
	uint64_t p0 = 0, done = 0;
	CU_ASSERT_EQUAL_FATAL(crash_child(f.dir, mode, &p0, &done), 0);
	CU_ASSERT(p0 > 0 && done > p0);

	struct wt_view view;
	wt_inspect(f.wtdir, &view);
	printf("\n  %s: P0 %" PRIu64 ", last %" PRIu64 "; WiredTiger log "
	       "ops: data table %" PRIu64 ", change log %" PRIu64,
	       tag, p0, done, view.data_ops, view.log_ops);
	CU_ASSERT(view.log_ops > 0);
	if (mode == M_OLD) {
		CU_ASSERT(view.data_ops > 0);
	} else {
		CU_ASSERT_EQUAL(view.data_ops, 0);
		/* Back at the checkpoint: only the replay deletes it. */
		if (mode != M_LIVE)
			CU_ASSERT(view.data_has_300);
	}
	static struct model m;
	expected(&m, mode);
	check_db(f.dir, f.cfg, &m, mode == M_LIVE ? BULK_KEYS : 0, done,
		 mode == M_OLD);
	fixture_fini(&f);
}

static void test_crash_after_checkpoint(void)
{
	run_case("replay-basic", M_BASIC);
}

static void test_crash_checkpoint_held(void)
{
	run_case("replay-held", M_HELD);
}

static void test_crash_during_checkpoint(void)
{
	run_case("replay-live", M_LIVE);
}

static void test_old_directory_logged(void)
{
	run_case("replay-old", M_OLD);
}

static void expect_corrupt(const char *dir, const char *cfg,
			   const char *needle1, const char *needle2)
{
	alopex_db *db = NULL;
	alopex_diag diag = {0};
	int rc = alopex_open_ex(dir, cfg, &alx_test_quiet_open, &db, &diag);
	CU_ASSERT_EQUAL(rc, ALOPEX_ECORRUPT);
	CU_ASSERT_PTR_NULL(db);
	if (strstr(diag.message, needle1) == NULL ||
	    strstr(diag.message, needle2) == NULL)
		fprintf(stderr, "unexpected message: %s\n", diag.message);
	CU_ASSERT_PTR_NOT_NULL(strstr(diag.message, needle1));
	CU_ASSERT_PTR_NOT_NULL(strstr(diag.message, needle2));
	if (db != NULL)
		alopex_close(db);
}

static void test_damaged_record(void)
{
	struct fixture f;
	fixture_init(&f, "replay-damaged");
	uint64_t p0 = 0, done = 0;
	CU_ASSERT_EQUAL_FATAL(crash_child(f.dir, M_BASIC, &p0, &done), 0);
	CU_ASSERT_FATAL(done > p0 + 2);

	/* A record that does not decode: version 1, 3 mutations, garbage. */
	static uint8_t saved[1 << 20], saved2[1 << 20];
	WT_ITEM old, old2;
	const uint8_t garbage[] = {1, 3, 9, 9, 9};
	uint64_t bad = done - 1;
	wt_edit_record(f.wtdir, bad, garbage, sizeof(garbage), &old, saved,
		       sizeof(saved));
	char at[64];
	snprintf(at, sizeof(at), "position %" PRIu64 ":", bad);
	expect_corrupt(f.dir, f.cfg, at, "malformed commit log record");

	/* Put it back, and take an earlier one out: a gap. */
	wt_edit_record(f.wtdir, bad, old.data, old.size, NULL, NULL, 0);
	wt_edit_record(f.wtdir, done - 2, NULL, 0, &old2, saved2,
		       sizeof(saved2));
	snprintf(at, sizeof(at), "position %" PRIu64 " is missing", done - 2);
	expect_corrupt(f.dir, f.cfg, at, "cannot recover");

	/* Whole again: the failed opens changed nothing. */
	wt_edit_record(f.wtdir, done - 2, old2.data, old2.size, NULL, NULL, 0);
	static struct model m;
	expected(&m, M_BASIC);
	check_db(f.dir, f.cfg, &m, 0, done, 0);
	fixture_fini(&f);
}

static const struct alx_test_case cases[] = {
	{"crash_after_checkpoint", test_crash_after_checkpoint},
	{"crash_checkpoint_held", test_crash_checkpoint_held},
	{"crash_during_checkpoint", test_crash_during_checkpoint},
	{"damaged_record", test_damaged_record},
	{"old_directory_logged", test_old_directory_logged},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"wt_replay", NULL, NULL, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {&suite, NULL};
	return alx_test_main(argc, argv, suites);
}
