/*
 * Listeners, I/O workers, connections, TLS and the executor pool (srv.h
 * has the thread model).
 *
 * Locks, always taken in this order and never the other way round:
 *   conn->io_mu  ->  a bufferevent's own lock  ->  conn->sched_mu  ->
 *   exec.mu
 * Bufferevent callbacks run with the bufferevent's lock held, so
 * write_cb and event_cb only set flags or activate the connection's
 * control event; everything that tears the socket down happens in ctl_cb,
 * which holds no bufferevent lock. The one exception is read_cb running
 * the protocol inline (below): it takes io_mu under the bufferevent's
 * lock, but only while it owns the connection, and then no other thread
 * takes that io_mu (only the owner and this worker's ctl_cb do).
 *
 * Who runs a connection's protocol callbacks: whoever set `queued` under
 * sched_mu, one at a time. Usually that is an executor job (kick), but
 * read_cb takes the connection itself when it is not queued and the
 * protocol has on_data_inline: the protocol consumes the cheap messages
 * (point reads) on the worker that read them, which saves the two thread
 * hops and wakeups of the executor round trip, and returns ALOPEX_AGAIN
 * before the first message that may block, which then goes to an
 * executor (P_RESUME). Replies are sent straight to the socket when
 * nothing is queued before them (h_write), from either thread. A COMMIT
 * made inline returns ALOPEX_EBUSY after conn_after_durable: the
 * connection stays owned (queued) by the durability waiter (dur_main)
 * until its position is durable, then by its worker again (dur_cb,
 * on_durable); what arrives meanwhile waits in pending.
 *
 * A plain socket is read by our own event (rd_cb), not the bufferevent:
 * one recv() per readiness into the connection's buffer, handed to the
 * protocol as it is. The bufferevent's own reading costs an
 * ioctl(FIONREAD), a copy through an evbuffer and a deferred callback
 * per request. The bufferevent still owns the socket and its output;
 * its input buffer holds what was read while an executor owns the
 * connection. TLS connections are read through the bufferevent filter.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "config/alx_config.h"
#include "db/db_internal.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_registry.h"
#include "runtime/alx_runtime.h"
#include "kv/kv_txn.h"
#include "server/srv.h"

#define READ_CHUNK (64 * 1024)
/* Bytes read ahead of the protocol before the socket stops being read. */
#define READ_HIGH_WATER (1024 * 1024)

enum {
	P_ACCEPT = 1 << 0,
	P_DATA = 1 << 1,
	P_TIMER = 1 << 2,
	P_STOP = 1 << 3,
	P_GONE = 1 << 4,
	P_RESUME = 1 << 5, /* on_data_inline returned ALOPEX_AGAIN */
	/* on_data_inline returned ALOPEX_EBUSY: held until a commit is
	 * durable (dur_main, dur_cb); never in pending */
	P_PARKED = 1 << 6,
};

struct srv_proto {
	struct alx_server *srv;
	const struct alopex_plugin *plugin;
	const struct alopex_protocol_ops *ops;
	int (*on_data_inline)(void *state, alopex_slice data);	   /* or NULL */
	int (*on_durable)(void *state, const alopex_diag *failed); /* or NULL */
	struct alx_plugin_instance *inst;
	struct alopex_listen_spec spec;
	SSL_CTX *tls;
	struct evconnlistener *lis;
	char where[96];
	int started;
};

struct srv_worker {
	struct alx_server *srv;
	struct event_base *base;
	pthread_t th;
	int started;
};

struct alopex_conn {
	struct alx_server *srv;
	struct srv_proto *proto;
	struct srv_worker *w;
	uint64_t id;

	pthread_mutex_t io_mu;	 /* bev, tls */
	pthread_cond_t drain_cv; /* with io_mu: output shrank or gone */
	struct bufferevent *bev; /* NULL once torn down */
	struct event *ev_ctl;	 /* worker-side control, any thread */
	struct event *ev_timer;	 /* the protocol's timer */
	struct event *ev_read;	 /* plain socket: rd_cb (io_mu) */
	evutil_socket_t fd;
	bool rd_added;	/* ev_read is added */
	bool rd_paused; /* h_pause_read */
	bool rd_full;	/* READ_HIGH_WATER bytes wait for the executor */
	bool rd_off;	/* TLS began: the filter reads the socket */
	int tls;
	atomic_int want_close; /* flush, then close */
	atomic_int io_dead;    /* EOF or error seen */

	pthread_mutex_t sched_mu; /* pending, queued (: owned, see above) */
	unsigned pending;
	bool queued;
	struct alopex_conn *qnext;

	/* the owner's only (queued) */
	void *state;
	bool have_state;
	bool stop_sent;
	uint8_t *inbuf;

	/* parked until dur_pos is durable: the waiter's (dnext, under
	 * srv->dur.mu), then dur_cb's on the worker (ev_dur) */
	struct event *ev_dur;
	uint64_t dur_pos;
	int dur_rc;
	alopex_diag dur_diag;
	struct alopex_conn *dnext;

	int family;
	uint8_t addr[16];
	char peer[64];
	struct alopex_conn *prev, *next; /* srv->conns, under conns_mu */
};

struct srv_exec {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct alopex_conn *head, *tail;
	int nthreads, idle, min, max;
	int stopping;
	pthread_t *threads;
};

/*
 * The durability waiter: one thread waits for the group fsync covering the
 * parked connections' commits (the newest position covers the rest) and
 * hands each back to its worker, so no event loop waits for an fsync and
 * no executor thread is woken per commit.
 */
struct srv_dur {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct alopex_conn *head;
	bool stop, started;
	pthread_t th;
};

struct alx_server {
	alopex_db *db;
	struct alx_server_opts opts;
	const struct alx_srv_log *log;
	struct event_base *main_base;
	struct event *ev_sigterm, *ev_sigint;
	struct srv_worker *workers;
	int nworkers;
	unsigned next_worker;
	struct srv_proto *protos;
	size_t nprotos;
	struct srv_exec exec;
	struct srv_dur dur;
	struct alx_srv_sessions *sessions;
	struct alopex_proto_host host;
	atomic_int stopping;
	atomic_ullong next_id;

	pthread_mutex_t conns_mu;
	pthread_cond_t conns_cv; /* a connection went */
	struct alopex_conn *conns;
	size_t nconns;
	int signal_seen;
};

struct alx_srv_sessions *alx_srv_sessions_of(void *ctx)
{
	return ((struct alx_server *)ctx)->sessions;
}

alopex_db *alx_srv_db_of(void *ctx)
{
	return ((struct alx_server *)ctx)->db;
}

/* ---- executor pool ------------------------------------------------------- */

static void run_conn(struct alopex_conn *c);

static void *exec_main(void *arg)
{
	struct srv_exec *ex = arg;
	pthread_mutex_lock(&ex->mu);
	for (;;) {
		while (ex->head == NULL && !ex->stopping) {
			ex->idle++;
			pthread_cond_wait(&ex->cv, &ex->mu);
			ex->idle--;
		}
		if (ex->head == NULL)
			break;
		struct alopex_conn *c = ex->head;
		ex->head = c->qnext;
		if (ex->head == NULL)
			ex->tail = NULL;
		c->qnext = NULL;
		pthread_mutex_unlock(&ex->mu);
		run_conn(c);
		pthread_mutex_lock(&ex->mu);
	}
	pthread_mutex_unlock(&ex->mu);
	return NULL;
}

/* Called with ex->mu held. */
static int exec_spawn(struct srv_exec *ex)
{
	if (ex->nthreads >= ex->max)
		return ALOPEX_EBUSY;
	if (pthread_create(&ex->threads[ex->nthreads], NULL, exec_main, ex) !=
	    0)
		return ALOPEX_ENOMEM;
	ex->nthreads++;
	return 0;
}

static void exec_push(struct srv_exec *ex, struct alopex_conn *c)
{
	pthread_mutex_lock(&ex->mu);
	c->qnext = NULL;
	if (ex->tail != NULL)
		ex->tail->qnext = c;
	else
		ex->head = c;
	ex->tail = c;
	/* every thread busy (in a statement, an fsync, a slow reader):
	 * grow, so that this connection does not wait behind them */
	if (ex->idle == 0)
		exec_spawn(ex);
	pthread_cond_signal(&ex->cv);
	pthread_mutex_unlock(&ex->mu);
}

static void exec_stop(struct srv_exec *ex)
{
	pthread_mutex_lock(&ex->mu);
	ex->stopping = 1;
	pthread_cond_broadcast(&ex->cv);
	int n = ex->nthreads;
	pthread_mutex_unlock(&ex->mu);
	for (int i = 0; i < n; i++)
		pthread_join(ex->threads[i], NULL);
	pthread_mutex_lock(&ex->mu);
	ex->nthreads = 0;
	pthread_mutex_unlock(&ex->mu);
}

/* Queue work for c's executor job (any thread, no io_mu needed). */
static void kick(struct alopex_conn *c, unsigned what)
{
	pthread_mutex_lock(&c->sched_mu);
	c->pending |= what;
	bool push = !c->queued;
	c->queued = true;
	pthread_mutex_unlock(&c->sched_mu);
	if (push)
		exec_push(&c->srv->exec, c);
}

/* ---- connections: worker side ---------------------------------------------- */

static void conn_teardown_locked(struct alopex_conn *c)
{
	if (c->bev == NULL)
		return;
	struct bufferevent *b = c->bev;
	c->bev = NULL;
	evtimer_del(c->ev_timer);
	if (c->rd_added)
		event_del_noblock(c->ev_read);
	c->rd_added = false;
	bufferevent_free(b);
	pthread_cond_broadcast(&c->drain_cv);
	kick(c, P_GONE);
}

static size_t out_len_locked(struct alopex_conn *c)
{
	if (c->bev == NULL)
		return 0;
	size_t n = evbuffer_get_length(bufferevent_get_output(c->bev));
	struct bufferevent *u = bufferevent_get_underlying(c->bev);
	if (u != NULL)
		n += evbuffer_get_length(bufferevent_get_output(u));
	return n;
}

static void ctl_cb(evutil_socket_t fd, short what, void *arg)
{
	struct alopex_conn *c = arg;
	pthread_mutex_lock(&c->io_mu);
	if (c->bev != NULL) {
		if (atomic_load(&c->io_dead))
			conn_teardown_locked(c);
		else if (atomic_load(&c->want_close) && out_len_locked(c) == 0)
			conn_teardown_locked(c);
	}
	pthread_mutex_unlock(&c->io_mu);
}

static void request_close(struct alopex_conn *c);

static void rd_update_locked(struct alopex_conn *c);

/* Move up to READ_CHUNK held input bytes to c->inbuf (the owner only). */
static int take_input(struct alopex_conn *c)
{
	int n = 0;
	pthread_mutex_lock(&c->io_mu);
	if (c->bev != NULL)
		n = evbuffer_remove(bufferevent_get_input(c->bev), c->inbuf,
				    READ_CHUNK);
	if (n <= 0 && c->rd_full) {
		/* drained: read the socket again */
		c->rd_full = false;
		rd_update_locked(c);
	}
	pthread_mutex_unlock(&c->io_mu);
	return n;
}

/* What on_data_inline's (or on_durable's) rc leaves to do. */
static unsigned inline_rc(struct alopex_conn *c, int rc)
{
	if (rc == 0)
		return 0;
	if (rc == ALOPEX_AGAIN)
		return P_RESUME | P_DATA;
	if (rc == ALOPEX_EBUSY && c->proto->on_durable != NULL &&
	    c->dur_pos != 0)
		return P_PARKED;
	request_close(c);
	return 0;
}

/* The protocol's cheap work on this worker; what to leave to an executor. */
static unsigned run_inline(struct alopex_conn *c)
{
	for (;;) {
		if (atomic_load(&c->want_close))
			return 0;
		int n = take_input(c);
		if (n <= 0)
			return 0;
		alopex_slice s = {c->inbuf, (size_t)n};
		unsigned more =
			inline_rc(c, c->proto->on_data_inline(c->state, s));
		if (more != 0)
			return more;
	}
}

static void dur_push(struct alopex_conn *c);

/*
 * After inline work: hand what is left to an executor, or give the
 * connection up; a parked one stays owned (queued) until dur_cb, and what
 * comes meanwhile (data, stop, gone) waits in pending for it.
 */
static void inline_end(struct alopex_conn *c, unsigned more)
{
	if (more & P_PARKED) {
		dur_push(c);
		return;
	}
	pthread_mutex_lock(&c->sched_mu);
	/* kicks that came meanwhile (stop) were left to us */
	c->pending |= more;
	bool push = c->pending != 0;
	if (!push)
		c->queued = false;
	pthread_mutex_unlock(&c->sched_mu);
	if (push)
		exec_push(&c->srv->exec, c);
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct alopex_conn *c = arg;
	pthread_mutex_lock(&c->sched_mu);
	/* have_state is read only when no executor owns the connection */
	bool own =
		!c->queued && c->have_state && c->proto->on_data_inline != NULL;
	bool push = false;
	if (!own) {
		c->pending |= P_DATA;
		push = !c->queued;
	}
	c->queued = true;
	pthread_mutex_unlock(&c->sched_mu);
	if (own) {
		inline_end(c, run_inline(c));
		return;
	}
	if (push)
		exec_push(&c->srv->exec, c);
}

/* Whether our read event should be armed; with io_mu held. */
static void rd_update_locked(struct alopex_conn *c)
{
	bool want = c->bev != NULL && !c->rd_off && !c->rd_paused &&
		    !c->rd_full && !atomic_load(&c->want_close) &&
		    !atomic_load(&c->io_dead);
	if (want && !c->rd_added) {
		c->rd_added = event_add(c->ev_read, NULL) == 0;
	} else if (!want && c->rd_added) {
		/* noblock: rd_cb may be waiting for the io_mu we hold */
		event_del_noblock(c->ev_read);
		c->rd_added = false;
	}
}

/*
 * One recv(), with io_mu held: into c->inbuf when we own the connection,
 * else into the input buffer the executor takes from (c->inbuf is the
 * owner's). >0 bytes, 0 none yet, <0 the socket is finished (EOF or
 * error: io_dead is set).
 */
static ssize_t rd_recv_locked(struct alopex_conn *c, bool own)
{
	if (c->bev == NULL || c->rd_off)
		return 0;
	struct evbuffer *in = bufferevent_get_input(c->bev);
	struct evbuffer_iovec v;
	/* behind bytes held for the executor: keep the order */
	bool held = !own || evbuffer_get_length(in) > 0;
	if (held) {
		/* the bufferevent keeps its input's end frozen but for its
		 * own reads; this is one */
		evbuffer_unfreeze(in, 0);
		if (evbuffer_reserve_space(in, READ_CHUNK, &v, 1) < 1) {
			evbuffer_freeze(in, 0);
			goto dead;
		}
	} else {
		v.iov_base = c->inbuf;
		v.iov_len = READ_CHUNK;
	}
	ssize_t n;
	do
		n = recv(c->fd, v.iov_base, v.iov_len, 0);
	while (n < 0 && errno == EINTR);
	int err = errno;
	if (held) {
		v.iov_len = n > 0 ? (size_t)n : 0;
		int crc = evbuffer_commit_space(in, &v, 1);
		evbuffer_freeze(in, 0);
		if (crc != 0)
			goto dead;
	}
	if (n < 0 && (err == EAGAIN || err == EWOULDBLOCK))
		return 0;
	if (n <= 0)
		goto dead;
	if (held) {
		if (evbuffer_get_length(in) >= READ_HIGH_WATER) {
			c->rd_full = true;
			rd_update_locked(c);
		}
	}
	return n;
dead:
	atomic_store(&c->io_dead, 1);
	rd_update_locked(c);
	event_active(c->ev_ctl, EV_READ, 0);
	return -1;
}

/* The plain socket is readable (worker thread). */
static void rd_cb(evutil_socket_t fd, short what, void *arg)
{
	struct alopex_conn *c = arg;
	pthread_mutex_lock(&c->sched_mu);
	bool own =
		!c->queued && c->have_state && c->proto->on_data_inline != NULL;
	if (own)
		c->queued = true;
	pthread_mutex_unlock(&c->sched_mu);

	pthread_mutex_lock(&c->io_mu);
	bool direct = own && c->bev != NULL &&
		      evbuffer_get_length(bufferevent_get_input(c->bev)) == 0;
	ssize_t n = rd_recv_locked(c, own);
	pthread_mutex_unlock(&c->io_mu);

	if (!own) {
		if (n <= 0)
			return;
		pthread_mutex_lock(&c->sched_mu);
		c->pending |= P_DATA;
		bool push = !c->queued;
		c->queued = true;
		pthread_mutex_unlock(&c->sched_mu);
		if (push)
			exec_push(&c->srv->exec, c);
		return;
	}
	unsigned more = 0;
	if (n > 0 && direct && !atomic_load(&c->want_close)) {
		alopex_slice s = {c->inbuf, (size_t)n};
		more = inline_rc(c, c->proto->on_data_inline(c->state, s));
	} else if (n > 0) {
		more = run_inline(c);
	}
	inline_end(c, more);
}

/* ---- the durability waiter ------------------------------------------------- */

static void dur_push(struct alopex_conn *c)
{
	struct srv_dur *d = &c->srv->dur;
	pthread_mutex_lock(&d->mu);
	c->dnext = d->head;
	d->head = c;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

static void *dur_main(void *arg)
{
	struct alx_server *srv = arg;
	struct srv_dur *d = &srv->dur;
	pthread_mutex_lock(&d->mu);
	for (;;) {
		while (d->head == NULL && !d->stop)
			pthread_cond_wait(&d->cv, &d->mu);
		if (d->head == NULL)
			break;
		struct alopex_conn *list = d->head;
		d->head = NULL;
		pthread_mutex_unlock(&d->mu);
		/* one wait covers every commit up to the newest */
		uint64_t pos = 0;
		for (struct alopex_conn *c = list; c != NULL; c = c->dnext)
			if (c->dur_pos > pos)
				pos = c->dur_pos;
		alopex_diag diag;
		alx_diag_clear(&diag);
		int rc = alx_kv_sync_to(srv->db, pos, &diag);
		while (list != NULL) {
			struct alopex_conn *c = list;
			list = c->dnext;
			c->dnext = NULL;
			c->dur_rc = rc;
			if (rc != 0)
				c->dur_diag = diag;
			/* c is its worker's from here: it may go at once */
			event_active(c->ev_dur, EV_READ, 0);
		}
		pthread_mutex_lock(&d->mu);
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

/* The commit c waited for is durable, or failed (worker thread). */
static void dur_cb(evutil_socket_t fd, short what, void *arg)
{
	struct alopex_conn *c = arg;
	c->dur_pos = 0;
	unsigned more = 0;
	if (c->have_state && !atomic_load(&c->want_close)) {
		/* input that came meanwhile is taken here, not by an
		 * executor: P_DATA set after this finds it in pending */
		pthread_mutex_lock(&c->sched_mu);
		c->pending &= ~(unsigned)P_DATA;
		pthread_mutex_unlock(&c->sched_mu);
		more = inline_rc(
			c, c->proto->on_durable(c->state, c->dur_rc != 0
								  ? &c->dur_diag
								  : NULL));
		if (more == 0)
			more = run_inline(c);
	}
	inline_end(c, more);
}

static int h_after_durable(alopex_conn *c, uint64_t pos)
{
	if (c->proto->on_durable == NULL || pos == 0)
		return ALOPEX_ENOTSUP;
	c->dur_pos = pos;
	return 0;
}

static void write_cb(struct bufferevent *bev, void *arg)
{
	struct alopex_conn *c = arg;
	/* signalling without io_mu: waiters poll on a short timeout */
	pthread_cond_broadcast(&c->drain_cv);
	if (atomic_load(&c->want_close))
		event_active(c->ev_ctl, EV_WRITE, 0);
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct alopex_conn *c = arg;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) {
		atomic_store(&c->io_dead, 1);
		event_active(c->ev_ctl, EV_READ, 0);
	}
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	kick(arg, P_TIMER);
}

static void conn_free(struct alopex_conn *c)
{
	struct alx_server *srv = c->srv;
	pthread_mutex_lock(&srv->conns_mu);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	srv->nconns--;
	pthread_cond_broadcast(&srv->conns_cv);
	pthread_mutex_unlock(&srv->conns_mu);
	/* event_free waits for a callback running on the worker */
	if (c->ev_ctl != NULL)
		event_free(c->ev_ctl);
	if (c->ev_timer != NULL)
		event_free(c->ev_timer);
	if (c->ev_read != NULL)
		event_free(c->ev_read);
	if (c->ev_dur != NULL)
		event_free(c->ev_dur);
	pthread_mutex_destroy(&c->io_mu);
	pthread_cond_destroy(&c->drain_cv);
	pthread_mutex_destroy(&c->sched_mu);
	free(c->inbuf);
	free(c);
}

static void accept_cb(struct evconnlistener *lis, evutil_socket_t fd,
		      struct sockaddr *sa, int salen, void *arg)
{
	struct srv_proto *pr = arg;
	struct alx_server *srv = pr->srv;
	if (atomic_load(&srv->stopping)) {
		evutil_closesocket(fd);
		return;
	}
	struct alopex_conn *c = calloc(1, sizeof(*c));
	uint8_t *inbuf = malloc(READ_CHUNK);
	if (c == NULL || inbuf == NULL) {
		free(c);
		free(inbuf);
		evutil_closesocket(fd);
		alx_srv_log(srv->log, ALOPEX_LOG_ERROR,
			    "out of memory accepting a connection", NULL);
		return;
	}
	c->inbuf = inbuf;
	c->srv = srv;
	c->proto = pr;
	c->id = atomic_fetch_add(&srv->next_id, 1) + 1;
	pthread_mutex_init(&c->io_mu, NULL);
	pthread_cond_init(&c->drain_cv, NULL);
	pthread_mutex_init(&c->sched_mu, NULL);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;
		c->family = 4;
		memcpy(c->addr, &in->sin_addr, 4);
		char a[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		snprintf(c->peer, sizeof(c->peer), "%s:%u", a,
			 (unsigned)ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		c->family = 6;
		memcpy(c->addr, &in6->sin6_addr, 16);
		char a[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		snprintf(c->peer, sizeof(c->peer), "[%s]:%u", a,
			 (unsigned)ntohs(in6->sin6_port));
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

	struct srv_worker *w =
		&srv->workers[srv->next_worker++ % (unsigned)srv->nworkers];
	c->w = w;
	c->bev = bufferevent_socket_new(w->base, fd,
					BEV_OPT_CLOSE_ON_FREE |
						BEV_OPT_THREADSAFE |
						BEV_OPT_DEFER_CALLBACKS);
	c->ev_ctl = event_new(w->base, -1, 0, ctl_cb, c);
	c->ev_timer = evtimer_new(w->base, timer_cb, c);
	c->fd = fd;
	c->ev_read = event_new(w->base, fd, EV_READ | EV_PERSIST, rd_cb, c);
	c->ev_dur = event_new(w->base, -1, 0, dur_cb, c);
	if (c->bev == NULL || c->ev_ctl == NULL || c->ev_timer == NULL ||
	    c->ev_read == NULL || c->ev_dur == NULL) {
		if (c->bev != NULL)
			bufferevent_free(c->bev);
		else
			evutil_closesocket(fd);
		if (c->ev_ctl != NULL)
			event_free(c->ev_ctl);
		if (c->ev_timer != NULL)
			event_free(c->ev_timer);
		if (c->ev_read != NULL)
			event_free(c->ev_read);
		if (c->ev_dur != NULL)
			event_free(c->ev_dur);
		pthread_mutex_destroy(&c->io_mu);
		pthread_cond_destroy(&c->drain_cv);
		pthread_mutex_destroy(&c->sched_mu);
		free(c->inbuf);
		free(c);
		alx_srv_log(srv->log, ALOPEX_LOG_ERROR,
			    "cannot set up a connection", NULL);
		return;
	}
	pthread_mutex_lock(&srv->conns_mu);
	c->next = srv->conns;
	if (srv->conns != NULL)
		srv->conns->prev = c;
	srv->conns = c;
	srv->nconns++;
	pthread_mutex_unlock(&srv->conns_mu);

	alx_srv_log(srv->log, ALOPEX_LOG_DEBUG, "connection accepted",
		    "proto=%s conn=%llu peer=%s", pr->plugin->name,
		    (unsigned long long)c->id, c->peer);
	pthread_mutex_lock(&c->io_mu);
	bufferevent_setcb(c->bev, read_cb, write_cb, event_cb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, READ_HIGH_WATER);
	kick(c, P_ACCEPT);
	/* the bufferevent only writes: rd_cb reads (see the top) */
	bufferevent_enable(c->bev, EV_WRITE);
	rd_update_locked(c);
	pthread_mutex_unlock(&c->io_mu);
}

/* ---- connections: executor side ------------------------------------------ */

static void request_close(struct alopex_conn *c)
{
	atomic_store(&c->want_close, 1);
	pthread_mutex_lock(&c->io_mu);
	if (c->bev != NULL) {
		/* nothing more is read; what is queued still goes out */
		bufferevent_disable(c->bev, EV_READ);
		rd_update_locked(c);
		event_active(c->ev_ctl, EV_WRITE, 0);
	}
	pthread_mutex_unlock(&c->io_mu);
}

/* Move what the socket delivered to the protocol. */
static void deliver_data(struct alopex_conn *c)
{
	const struct alopex_protocol_ops *ops = c->proto->ops;
	for (;;) {
		if (atomic_load(&c->want_close))
			return;
		int n = take_input(c);
		if (n <= 0)
			return;
		alopex_slice s = {c->inbuf, (size_t)n};
		if (ops->on_data(c->state, s) != 0) {
			request_close(c);
			return;
		}
	}
}

static void run_conn(struct alopex_conn *c)
{
	const struct alopex_protocol_ops *ops = c->proto->ops;
	for (;;) {
		pthread_mutex_lock(&c->sched_mu);
		unsigned f = c->pending;
		c->pending = 0;
		if (f == 0)
			c->queued = false;
		pthread_mutex_unlock(&c->sched_mu);
		if (f == 0)
			return;
		if (f & P_ACCEPT) {
			void *st = NULL;
			if (ops->on_accept(c->proto->inst->instance, c, &st) ==
			    0) {
				c->state = st;
				c->have_state = true;
			} else {
				request_close(c);
			}
		}
		if ((f & P_RESUME) && c->have_state &&
		    !atomic_load(&c->want_close)) {
			/* what on_data_inline kept buffered */
			alopex_slice none = {NULL, 0};
			if (ops->on_data(c->state, none) != 0)
				request_close(c);
		}
		if ((f & P_DATA) && c->have_state)
			deliver_data(c);
		if ((f & P_TIMER) && c->have_state && ops->on_timer != NULL &&
		    !atomic_load(&c->want_close))
			ops->on_timer(c->state);
		if ((f & P_STOP) && !c->stop_sent) {
			c->stop_sent = true;
			if (c->have_state)
				ops->on_stop(c->state);
			else
				request_close(c);
		}
		if (f & P_GONE) {
			if (c->have_state)
				ops->on_close(c->state);
			alx_srv_log(c->srv->log, ALOPEX_LOG_DEBUG,
				    "connection closed", "conn=%llu",
				    (unsigned long long)c->id);
			conn_free(c);
			return;
		}
	}
}

/* ---- host table: connections ------------------------------------------------ */

/*
 * Send what the kernel takes now, when nothing is queued before it: no
 * wakeup of the worker, no write event to arm and disarm. Called with
 * io_mu held; plain sockets only (TLS writes go through the filter).
 */
static size_t send_now(struct alopex_conn *c, const void *data, size_t len)
{
	struct bufferevent *b = c->bev;
	size_t sent = 0;
	bufferevent_lock(b);
	if (evbuffer_get_length(bufferevent_get_output(b)) == 0) {
		evutil_socket_t fd = bufferevent_getfd(b);
		/* bounded: each round sends something or stops */
		while (fd >= 0 && sent < len) {
			ssize_t n =
				send(fd, (const char *)data + sent, len - sent,
				     MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0)
				sent += (size_t)n;
			else if (n < 0 && errno == EINTR)
				continue;
			else
				break; /* full or failed: the bufferevent
					  sends the rest or reports it */
		}
	}
	bufferevent_unlock(b);
	return sent;
}

static int h_write(alopex_conn *c, const void *data, size_t len)
{
	int rc = 0;
	pthread_mutex_lock(&c->io_mu);
	if (c->bev == NULL || atomic_load(&c->io_dead)) {
		rc = ALOPEX_EIO;
	} else {
		size_t sent = c->tls ? 0 : send_now(c, data, len);
		if (sent < len &&
		    bufferevent_write(c->bev, (const char *)data + sent,
				      len - sent) != 0)
			rc = ALOPEX_ENOMEM;
	}
	pthread_mutex_unlock(&c->io_mu);
	return rc;
}

static size_t h_out_pending(alopex_conn *c)
{
	pthread_mutex_lock(&c->io_mu);
	size_t n = out_len_locked(c);
	pthread_mutex_unlock(&c->io_mu);
	return n;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int h_wait_drain(alopex_conn *c, size_t below, uint64_t timeout_ms)
{
	/* the worker is what drains the output: waiting there would hang */
	if (pthread_equal(pthread_self(), c->w->th))
		return 0;
	int64_t end = timeout_ms ? now_ms() + (int64_t)timeout_ms : 0;
	int rc = 0;
	pthread_mutex_lock(&c->io_mu);
	for (;;) {
		if (c->bev == NULL || atomic_load(&c->io_dead)) {
			rc = ALOPEX_EIO;
			break;
		}
		if (out_len_locked(c) < below)
			break;
		if (end != 0 && now_ms() >= end) {
			rc = ALOPEX_EBUSY;
			break;
		}
		/* write_cb signals without io_mu: poll on a short timeout */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 20 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&c->drain_cv, &c->io_mu, &ts);
	}
	pthread_mutex_unlock(&c->io_mu);
	return rc;
}

static void h_close(alopex_conn *c)
{
	request_close(c);
}

static int h_tls_available(alopex_conn *c)
{
	return c->proto->tls != NULL;
}

static int h_start_tls(alopex_conn *c, const void *reply, size_t len)
{
	if (c->proto->tls == NULL)
		return ALOPEX_ENOTSUP;
	int rc = 0;
	pthread_mutex_lock(&c->io_mu);
	if (c->bev == NULL || c->tls) {
		rc = c->bev == NULL ? ALOPEX_EIO : ALOPEX_EMISUSE;
		goto out;
	}
	/* the client sends its ClientHello only after the reply, so nothing
	 * the plain connection reads from now on is plain text */
	bufferevent_disable(c->bev, EV_READ);
	c->rd_off = true;
	rd_update_locked(c);
	if (len > 0 && bufferevent_write(c->bev, reply, len) != 0) {
		rc = ALOPEX_ENOMEM;
		goto out;
	}
	SSL *ssl = SSL_new(c->proto->tls);
	if (ssl == NULL) {
		rc = ALOPEX_ENOMEM;
		goto out;
	}
	struct bufferevent *tb = bufferevent_openssl_filter_new(
		c->w->base, c->bev, ssl, BUFFEREVENT_SSL_ACCEPTING,
		BEV_OPT_CLOSE_ON_FREE | BEV_OPT_THREADSAFE |
			BEV_OPT_DEFER_CALLBACKS);
	if (tb == NULL) {
		SSL_free(ssl);
		rc = ALOPEX_ENOMEM;
		goto out;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(tb, 1);
	c->bev = tb;
	c->tls = 1;
	bufferevent_setcb(tb, read_cb, write_cb, event_cb, c);
	bufferevent_setwatermark(tb, EV_READ, 0, READ_HIGH_WATER);
	bufferevent_enable(tb, EV_READ | EV_WRITE);
out:
	pthread_mutex_unlock(&c->io_mu);
	return rc;
}

static int h_is_tls(alopex_conn *c)
{
	pthread_mutex_lock(&c->io_mu);
	int t = c->tls;
	pthread_mutex_unlock(&c->io_mu);
	return t;
}

static int h_peer(alopex_conn *c, int *family, uint8_t addr[16], char *buf,
		  size_t buflen)
{
	if (family != NULL)
		*family = c->family;
	if (addr != NULL)
		memcpy(addr, c->addr, 16);
	if (buf != NULL && buflen > 0)
		snprintf(buf, buflen, "%s", c->peer);
	return 0;
}

static void h_pause_read(alopex_conn *c, int pause)
{
	pthread_mutex_lock(&c->io_mu);
	if (c->bev != NULL && c->tls) {
		if (pause)
			bufferevent_disable(c->bev, EV_READ);
		else if (!atomic_load(&c->want_close))
			bufferevent_enable(c->bev, EV_READ);
	} else if (c->bev != NULL) {
		c->rd_paused = pause != 0;
		rd_update_locked(c);
	}
	pthread_mutex_unlock(&c->io_mu);
}

static int h_set_timer(alopex_conn *c, uint64_t ms)
{
	int rc = 0;
	pthread_mutex_lock(&c->io_mu);
	if (c->bev == NULL) {
		rc = ALOPEX_EIO;
	} else if (ms == 0) {
		evtimer_del(c->ev_timer);
	} else {
		struct timeval tv = {(time_t)(ms / 1000),
				     (suseconds_t)(ms % 1000) * 1000};
		if (evtimer_add(c->ev_timer, &tv) != 0)
			rc = ALOPEX_ENOMEM;
	}
	pthread_mutex_unlock(&c->io_mu);
	return rc;
}

static int h_stopping(void *ctx)
{
	return atomic_load(&((struct alx_server *)ctx)->stopping);
}

/* ---- setup ----------------------------------------------------------------- */

static void *worker_main(void *arg)
{
	struct srv_worker *w = arg;
	event_base_loop(w->base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

static int tls_setup(struct srv_proto *pr, alopex_diag *d)
{
	const char *cert = pr->spec.tls_cert, *key = pr->spec.tls_key;
	if (cert == NULL || cert[0] == '\0' || key == NULL || key[0] == '\0')
		return 0;
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL)
		return alx_diag_set(d, ALOPEX_ENOMEM, NULL,
				    "cannot create a TLS context");
	char err[256] = "";
	int rc = 0;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* clients often close without close_notify (DEPENDENCIES.md) */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		ERR_error_string_n(ERR_get_error(), err, sizeof(err));
		rc = alx_diag_set(d, ALOPEX_ECONFIG, NULL,
				  "%s: cannot load TLS certificate %s: %s",
				  pr->plugin->name, cert, err);
	} else if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) !=
		   1) {
		ERR_error_string_n(ERR_get_error(), err, sizeof(err));
		rc = alx_diag_set(d, ALOPEX_ECONFIG, NULL,
				  "%s: cannot load TLS key %s: %s",
				  pr->plugin->name, key, err);
	} else if (SSL_CTX_check_private_key(ctx) != 1) {
		rc = alx_diag_set(d, ALOPEX_ECONFIG, NULL,
				  "%s: TLS key %s does not match certificate "
				  "%s",
				  pr->plugin->name, key, cert);
	}
	if (rc != 0) {
		SSL_CTX_free(ctx);
		return rc;
	}
	pr->tls = ctx;
	return 0;
}

static int listen_on(struct alx_server *srv, struct srv_proto *pr,
		     alopex_diag *d)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	socklen_t len = 0;
	const char *addr = pr->spec.addr ? pr->spec.addr : "127.0.0.1";
	struct sockaddr_in *in = (void *)&ss;
	struct sockaddr_in6 *in6 = (void *)&ss;
	if (inet_pton(AF_INET, addr, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)pr->spec.port);
		len = sizeof(*in);
	} else if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)pr->spec.port);
		len = sizeof(*in6);
	} else {
		return alx_diag_set(d, ALOPEX_ECONFIG, NULL,
				    "%s: listen address '%s' is not a numeric "
				    "IPv4 or IPv6 address",
				    pr->plugin->name, addr);
	}
	pr->lis = evconnlistener_new_bind(
		srv->main_base, accept_cb, pr,
		LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
			LEV_OPT_CLOSE_ON_EXEC,
		511, (struct sockaddr *)&ss, (int)len);
	if (pr->lis == NULL) {
		int e = errno;
		return alx_diag_set(
			d, e == EADDRINUSE ? ALOPEX_EBUSY : ALOPEX_EIO, NULL,
			"%s: cannot listen on %s%s%s:%d: %s", pr->plugin->name,
			len == sizeof(*in6) ? "[" : "", addr,
			len == sizeof(*in6) ? "]" : "", pr->spec.port,
			strerror(e));
	}
	/* the port the kernel chose when asked for 0 */
	struct sockaddr_storage got;
	socklen_t glen = sizeof(got);
	int port = pr->spec.port;
	if (getsockname(evconnlistener_get_fd(pr->lis), (void *)&got, &glen) ==
	    0)
		port = ntohs(got.ss_family == AF_INET6
				     ? ((struct sockaddr_in6 *)&got)->sin6_port
				     : ((struct sockaddr_in *)&got)->sin_port);
	snprintf(pr->where, sizeof(pr->where), "%s%s%s:%d",
		 len == sizeof(*in6) ? "[" : "", addr,
		 len == sizeof(*in6) ? "]" : "", port);
	return 0;
}

static int start_protocols(struct alx_server *srv, alopex_diag *d)
{
	struct alx_registry *reg = alx_runtime_registry(srv->db->rt);
	size_t n = 0;
	for (size_t i = 0; i < alx_registry_count(reg); i++)
		if (alx_registry_at(reg, i)->kind == ALOPEX_PLUGIN_PROTOCOL)
			n++;
	if (n == 0)
		return alx_diag_set(d, ALOPEX_ENOTFOUND, NULL,
				    "this build has no protocol plugin "
				    "(pgwire, RESP, HTTP, gRPC): nothing to "
				    "serve");
	srv->protos = calloc(n, sizeof(*srv->protos));
	if (srv->protos == NULL)
		return alx_diag_set(d, ALOPEX_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < alx_registry_count(reg); i++) {
		const struct alopex_plugin *p = alx_registry_at(reg, i);
		if (p->kind != ALOPEX_PLUGIN_PROTOCOL)
			continue;
		const struct alopex_protocol_ops *ops = p->ops;
		/* on_data_inline came later: older tables end before it */
		size_t need =
			offsetof(struct alopex_protocol_ops, on_data_inline);
		if (ops->size < need)
			return alx_diag_set(d, ALOPEX_EABI, NULL,
					    "protocol plugin '%s': ops table "
					    "is too short",
					    p->name);
		struct srv_proto *pr = &srv->protos[srv->nprotos++];
		pr->srv = srv;
		pr->plugin = p;
		pr->ops = ops;
		if (ops->size >=
		    offsetof(struct alopex_protocol_ops, on_data_inline) +
			    sizeof(ops->on_data_inline))
			pr->on_data_inline = ops->on_data_inline;
		if (ops->size >=
		    offsetof(struct alopex_protocol_ops, on_durable) +
			    sizeof(ops->on_durable))
			pr->on_durable = ops->on_durable;
		void *cfg = NULL;
		int rc = alx_config_take_plugin(srv->db->cfg, p, &cfg, d);
		if (rc == 0)
			rc = alx_plugin_instance_create(srv->db->rt, p, cfg,
							&pr->inst, d);
		if (rc != 0)
			return rc;
		pr->spec.size = sizeof(pr->spec);
		rc = ops->start(pr->inst->instance, &srv->host, &pr->spec, d);
		if (rc != 0)
			return rc;
		pr->started = 1;
		if (pr->spec.port < 0) /* the plugin is disabled */
			continue;
		if (srv->opts.port >= 0 && strcmp(p->name, "pgwire") == 0)
			pr->spec.port = srv->opts.port;
		rc = tls_setup(pr, d);
		if (rc == 0)
			rc = listen_on(srv, pr, d);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct alx_server *srv = arg;
	srv->signal_seen = (int)sig;
	event_base_loopbreak(srv->main_base);
}

int alx_server_create(alopex_db *db, const struct alx_server_opts *opts,
		      struct alx_server **out, alopex_diag *d)
{
	static const struct alx_srv_log quiet = {ALOPEX_LOG_INFO};
	if (evthread_use_pthreads() != 0)
		return alx_diag_set(d, ALOPEX_EINTERNAL, NULL,
				    "libevent: no pthreads support");
	struct alx_server *srv = calloc(1, sizeof(*srv));
	if (srv == NULL)
		return alx_diag_set(d, ALOPEX_ENOMEM, NULL, "out of memory");
	srv->db = db;
	srv->opts = *opts;
	srv->log = opts->log ? opts->log : &quiet;
	pthread_mutex_init(&srv->conns_mu, NULL);
	pthread_cond_init(&srv->conns_cv, NULL);
	pthread_mutex_init(&srv->exec.mu, NULL);
	pthread_cond_init(&srv->exec.cv, NULL);
	pthread_mutex_init(&srv->dur.mu, NULL);
	pthread_cond_init(&srv->dur.cv, NULL);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (cores < 1)
		cores = 1;
	int rc = 0;
	srv->nworkers = opts->workers > 0 ? opts->workers : (int)cores;
	srv->exec.min =
		opts->min_executors > 0 ? opts->min_executors : 2 * (int)cores;
	srv->exec.max = opts->max_executors > 0 ? opts->max_executors : 256;
	if (srv->exec.max < srv->exec.min)
		srv->exec.max = srv->exec.min;
	if (srv->opts.stop_grace == 0)
		srv->opts.stop_grace = 10000;

	struct alopex_proto_host *h = &srv->host;
	h->size = sizeof(*h);
	h->ctx = srv;
	h->conn_write = h_write;
	h->conn_out_pending = h_out_pending;
	h->conn_wait_drain = h_wait_drain;
	h->conn_close = h_close;
	h->conn_tls_available = h_tls_available;
	h->conn_start_tls = h_start_tls;
	h->conn_is_tls = h_is_tls;
	h->conn_peer = h_peer;
	h->conn_pause_read = h_pause_read;
	h->conn_set_timer = h_set_timer;
	h->stopping = h_stopping;
	alx_srv_sql_fill(h);
	h->conn_after_durable = h_after_durable;

	rc = alx_srv_sessions_create(db, &srv->sessions);
	if (rc != 0) {
		alx_diag_set(d, rc, NULL, "out of memory");
		goto fail;
	}
	srv->main_base = event_base_new();
	srv->workers = calloc((size_t)srv->nworkers, sizeof(*srv->workers));
	srv->exec.threads = calloc((size_t)srv->exec.max, sizeof(pthread_t));
	if (srv->main_base == NULL || srv->workers == NULL ||
	    srv->exec.threads == NULL) {
		rc = alx_diag_set(d, ALOPEX_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	rc = start_protocols(srv, d);
	if (rc != 0)
		goto fail;
	for (int i = 0; i < srv->nworkers; i++) {
		struct srv_worker *w = &srv->workers[i];
		w->srv = srv;
		w->base = event_base_new();
		if (w->base == NULL ||
		    pthread_create(&w->th, NULL, worker_main, w) != 0) {
			rc = alx_diag_set(d, ALOPEX_ENOMEM, NULL,
					  "cannot start I/O worker %d", i);
			goto fail;
		}
		w->started = 1;
	}
	if (pthread_create(&srv->dur.th, NULL, dur_main, srv) != 0) {
		rc = alx_diag_set(d, ALOPEX_ENOMEM, NULL,
				  "cannot start the durability waiter");
		goto fail;
	}
	srv->dur.started = true;
	pthread_mutex_lock(&srv->exec.mu);
	for (int i = 0; i < srv->exec.min && rc == 0; i++)
		if (exec_spawn(&srv->exec) != 0)
			rc = alx_diag_set(d, ALOPEX_ENOMEM, NULL,
					  "cannot start executor threads");
	pthread_mutex_unlock(&srv->exec.mu);
	if (rc != 0)
		goto fail;
	srv->ev_sigterm = evsignal_new(srv->main_base, SIGTERM, on_signal, srv);
	srv->ev_sigint = evsignal_new(srv->main_base, SIGINT, on_signal, srv);
	if (srv->ev_sigterm == NULL || srv->ev_sigint == NULL ||
	    evsignal_add(srv->ev_sigterm, NULL) != 0 ||
	    evsignal_add(srv->ev_sigint, NULL) != 0) {
		rc = alx_diag_set(d, ALOPEX_EIO, NULL,
				  "cannot install signal handlers");
		goto fail;
	}
	*out = srv;
	return 0;
fail:
	alx_server_destroy(srv);
	return rc;
}

/* Wait up to ms for every connection to go; 1 when none is left. */
static int wait_conns(struct alx_server *srv, int64_t ms)
{
	int64_t end = now_ms() + ms;
	pthread_mutex_lock(&srv->conns_mu);
	while (srv->nconns > 0 && now_ms() < end) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&srv->conns_cv, &srv->conns_mu, &ts);
	}
	int done = srv->nconns == 0;
	pthread_mutex_unlock(&srv->conns_mu);
	return done;
}

static void for_each_conn(struct alx_server *srv,
			  void (*fn)(struct alopex_conn *c))
{
	pthread_mutex_lock(&srv->conns_mu);
	for (struct alopex_conn *c = srv->conns; c != NULL; c = c->next)
		fn(c);
	pthread_mutex_unlock(&srv->conns_mu);
}

static void stop_one(struct alopex_conn *c)
{
	kick(c, P_STOP);
}

static void kill_one(struct alopex_conn *c)
{
	atomic_store(&c->io_dead, 1);
	event_active(c->ev_ctl, EV_READ, 0);
}

/* Stop accepting, let statements finish, close every connection. */
static int server_stop(struct alx_server *srv)
{
	atomic_store(&srv->stopping, 1);
	for (size_t i = 0; i < srv->nprotos; i++) {
		if (srv->protos[i].lis != NULL)
			evconnlistener_free(srv->protos[i].lis);
		srv->protos[i].lis = NULL;
	}
	size_t n;
	pthread_mutex_lock(&srv->conns_mu);
	n = srv->nconns;
	pthread_mutex_unlock(&srv->conns_mu);
	alx_srv_log(srv->log, ALOPEX_LOG_INFO, "shutting down",
		    "connections=%zu grace_ms=%llu", n,
		    (unsigned long long)srv->opts.stop_grace);
	/* on_stop runs after the statement a connection is running */
	for_each_conn(srv, stop_one);
	int rc = 0;
	if (!wait_conns(srv, (int64_t)srv->opts.stop_grace)) {
		alx_srv_log(srv->log, ALOPEX_LOG_WARN,
			    "statements still running after the grace "
			    "period; canceling them",
			    NULL);
		alx_srv_sessions_cancel_all(srv->sessions);
		if (!wait_conns(srv, 3000)) {
			for_each_conn(srv, kill_one);
			if (!wait_conns(srv, 3000)) {
				alx_srv_log(srv->log, ALOPEX_LOG_ERROR,
					    "connections would not close",
					    NULL);
				rc = ALOPEX_EBUSY;
			}
		}
	}
	return rc;
}

int alx_server_run(struct alx_server *srv)
{
	for (size_t i = 0; i < srv->nprotos; i++)
		if (srv->protos[i].lis != NULL)
			alx_srv_log(srv->log, ALOPEX_LOG_INFO, "listening",
				    "proto=%s addr=%s tls=%s",
				    srv->protos[i].plugin->name,
				    srv->protos[i].where,
				    srv->protos[i].tls ? "on" : "off");
	alx_srv_log(srv->log, ALOPEX_LOG_INFO, "ready",
		    "workers=%d executors=%d..%d", srv->nworkers, srv->exec.min,
		    srv->exec.max);
	event_base_loop(srv->main_base, EVLOOP_NO_EXIT_ON_EMPTY);
	alx_srv_log(srv->log, ALOPEX_LOG_INFO, "signal received", "signal=%s",
		    srv->signal_seen == SIGINT ? "SIGINT" : "SIGTERM");
	return server_stop(srv);
}

void alx_server_destroy(struct alx_server *srv)
{
	if (srv == NULL)
		return;
	atomic_store(&srv->stopping, 1);
	for (size_t i = 0; i < srv->nprotos; i++) {
		if (srv->protos[i].lis != NULL)
			evconnlistener_free(srv->protos[i].lis);
		srv->protos[i].lis = NULL;
	}
	pthread_mutex_lock(&srv->conns_mu);
	size_t left = srv->nconns;
	pthread_mutex_unlock(&srv->conns_mu);
	if (left > 0) {
		for_each_conn(srv, kill_one);
		wait_conns(srv, 3000);
	}
	/* what it still waits for is handed back before the loops stop */
	if (srv->dur.started) {
		pthread_mutex_lock(&srv->dur.mu);
		srv->dur.stop = true;
		pthread_cond_signal(&srv->dur.cv);
		pthread_mutex_unlock(&srv->dur.mu);
		pthread_join(srv->dur.th, NULL);
		srv->dur.started = false;
	}
	for (int i = 0; srv->workers != NULL && i < srv->nworkers; i++) {
		struct srv_worker *w = &srv->workers[i];
		if (w->started) {
			event_base_loopbreak(w->base);
			pthread_join(w->th, NULL);
		}
	}
	if (srv->exec.threads != NULL)
		exec_stop(&srv->exec);
	pthread_mutex_lock(&srv->conns_mu);
	left = srv->nconns;
	pthread_mutex_unlock(&srv->conns_mu);
	for (size_t i = 0; i < srv->nprotos; i++) {
		struct srv_proto *pr = &srv->protos[i];
		/* a connection that never went still points at the plugin */
		if (left > 0)
			continue;
		if (pr->started && pr->ops->stop != NULL)
			pr->ops->stop(pr->inst->instance);
		alx_plugin_instance_destroy(pr->inst);
		if (pr->tls != NULL)
			SSL_CTX_free(pr->tls);
	}
	free(srv->protos);
	if (srv->ev_sigterm != NULL)
		event_free(srv->ev_sigterm);
	if (srv->ev_sigint != NULL)
		event_free(srv->ev_sigint);
	for (int i = 0; srv->workers != NULL && i < srv->nworkers; i++)
		if (srv->workers[i].base != NULL && left == 0)
			event_base_free(srv->workers[i].base);
	free(srv->workers);
	if (srv->main_base != NULL)
		event_base_free(srv->main_base);
	free(srv->exec.threads);
	alx_srv_sessions_destroy(srv->sessions);
	pthread_mutex_destroy(&srv->exec.mu);
	pthread_cond_destroy(&srv->exec.cv);
	pthread_mutex_destroy(&srv->dur.mu);
	pthread_cond_destroy(&srv->dur.cv);
	pthread_mutex_destroy(&srv->conns_mu);
	pthread_cond_destroy(&srv->conns_cv);
	free(srv);
}
