/*
 * The server: listeners, event loops, connections and the executor pool
 * behind alopex-server, and the services protocol plugins get through
 * struct alopex_proto_host.
 *
 * Threads:
 *  - the main thread runs the acceptor loop (listeners, signals);
 *  - `workers` I/O threads each run their own event_base; accepted
 *    sockets are spread over them round robin. They move bytes (read,
 *    write, TLS), fire timers, and run the work a protocol knows to be
 *    cheap where it arrives (on_data_inline: pgwire's Bind/Execute/Sync of
 *    a primary-key point read, and in a transaction block BEGIN, point
 *    UPDATE/INSERT/DELETE with row locks that never wait there, and
 *    COMMIT without its fsync), which saves two thread hops per request.
 *    A statement that would wait for a row lock is undone and handed to
 *    an executor as it came;
 *  - a durability waiter thread waits for the group fsync covering the
 *    commits made inline and hands each connection back to its worker,
 *    which then sends the COMMIT's reply (on_durable);
 *  - an executor pool runs everything else, one job per connection at a
 *    time, so a statement waiting for a lock, a commit fsync or a slow
 *    reader blocks its own connection and one executor thread, never an
 *    event loop. The pool grows on demand up to max_executors.
 *  Replies go straight to the socket when nothing is queued before them.
 */
#ifndef ALX_SRV_H
#define ALX_SRV_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "alopex.h"
#include "alopex_plugin.h"

struct alx_server;

/* ---- logging: one line per entry, key=value, to stderr ------------------- */

struct alx_srv_log {
	int level; /* enum alopex_log_level */
};

/* `ts=... level=... msg="..."` then kvfmt's " k=v" text (may be NULL). */
void alx_srv_log(const struct alx_srv_log *lg, int level, const char *msg,
		 const char *kvfmt, ...) __attribute__((format(printf, 4, 5)));
/* alopex_log_fn for the database's runtime; arg: struct alx_srv_log. */
void alx_srv_log_sink(void *arg, int level, const char *component,
		      const char *message);

/* ---- server -------------------------------------------------------------- */

struct alx_server_opts {
	int workers;	     /* I/O threads; 0: one per core */
	int min_executors;   /* executor threads kept; 0: 2 per core */
	int max_executors;   /* bound on the pool; 0: 256 */
	int port;	     /* overrides pgwire's port; -1: config */
	uint64_t stop_grace; /* ms in-flight statements get at stop */
	const struct alx_srv_log *log;
};

/*
 * Create the server over an open database: start every registered
 * protocol plugin (configured from the database's configuration) and
 * bind its listener. Errors name the address.
 */
int alx_server_create(alopex_db *db, const struct alx_server_opts *opts,
		      struct alx_server **out, alopex_diag *diag);
/*
 * Serve until SIGTERM or SIGINT, then stop gracefully: stop accepting,
 * let running statements finish (up to stop_grace, then cancel them),
 * close every session. 0, or ALOPEX_EBUSY when connections would not go.
 */
int alx_server_run(struct alx_server *srv);
/* Frees what is left; the database stays open. NULL-safe. */
void alx_server_destroy(struct alx_server *srv);

/* ---- SQL services (srv_sql.c) --------------------------------------------- */

struct alx_srv_sessions;
int alx_srv_sessions_create(alopex_db *db, struct alx_srv_sessions **out);
void alx_srv_sessions_destroy(struct alx_srv_sessions *ss);
/* Ask every session's running statement to stop (57014). */
void alx_srv_sessions_cancel_all(struct alx_srv_sessions *ss);
/* Fill the SQL part of a host table. */
void alx_srv_sql_fill(struct alopex_proto_host *h);

/* From a host table's ctx (srv_net.c). */
struct alx_srv_sessions *alx_srv_sessions_of(void *ctx);
alopex_db *alx_srv_db_of(void *ctx);

#endif
