/*
 * pgwire plugin internals: the instance (config, auth rules, connection
 * registry for CancelRequest) and the per-connection state machine shared
 * by pgw_plugin.c, pgw_session.c (startup, TLS, authentication, dispatch)
 * and pgw_query.c (simple and extended query, COPY).
 */
#ifndef PGW_INT_H
#define PGW_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alopex_plugin.h"
#include "pgw_msg.h"

struct pgw_config {
	bool enabled;
	char *listen_address;
	int64_t port;
	int64_t max_connections;
	uint64_t max_message_size;
	uint64_t output_buffer;
	char *tls_cert;
	char *tls_key;
	struct alopex_strlist auth;
	uint64_t statement_timeout;
	uint64_t idle_session_timeout;
	bool cleartext_without_tls;
};

enum pgw_auth_method {
	PGW_AUTH_TRUST = 0,
	PGW_AUTH_PASSWORD,
	PGW_AUTH_SCRAM,
	PGW_AUTH_REJECT,
};

struct pgw_auth_rule {
	int family; /* 4 or 6 */
	uint8_t addr[16];
	int bits;
	int method;
	char user[64]; /* "": every user */
};

struct pgw_conn;

struct pgw_inst {
	const struct alopex_host *host;
	const struct pgw_config *cfg;
	const struct alopex_proto_host *ph;
	struct pgw_auth_rule *rules;
	size_t nrules;

	uint8_t mock_secret[16]; /* SCRAM salts for unknown roles */

	pthread_mutex_t mu; /* below */
	int64_t nsessions;  /* connections past startup */
	struct pgw_conn *conns;
	uint32_t next_pid;
};

enum pgw_state {
	PGW_ST_STARTUP = 0,
	PGW_ST_AUTH_PASSWORD,
	PGW_ST_AUTH_SASL,
	PGW_ST_AUTH_SASL_FINAL,
	PGW_ST_READY,
	PGW_ST_COPY_IN,
	PGW_ST_CLOSED,
};

struct pgw_stmt {
	char *name;
	alopex_sql_prep *prep;
	uint32_t nparams, ncols;
	uint32_t *param_oids;
	struct pgw_stmt *next;
	/* a dropped portal of this statement, kept for its next Bind
	 * (sql_portal_recycle): not in pgw_conn.portals */
	struct pgw_portal *spare;
};

#define PGW_FMTS_INL 16

struct pgw_portal {
	char *name; /* name_inl or malloc'd */
	struct pgw_stmt *stmt;
	alopex_sql_portal *pt;
	uint32_t ncols;
	int16_t *fmts; /* per result column: fmts_inl or malloc'd */
	bool empty;    /* an empty query */
	struct pgw_portal *next;
	/* a short name and a narrow result need no allocation */
	char name_inl[24];
	int16_t fmts_inl[PGW_FMTS_INL];
};

struct pgw_conn {
	struct pgw_inst *in;
	alopex_conn *c;
	const struct alopex_proto_host *ph;
	int state;
	struct pgw_conn *prev, *next; /* in->conns once counted */
	bool counted;

	uint8_t *ib; /* unparsed input */
	size_t ilen, icap;
	struct pgw_buf out;
	struct pgw_buf tmp;

	alopex_sql_session *sess;
	char user[64], database[64];
	int32_t pid, key;
	bool superuser;
	struct pgw_scram *scram;
	struct alopex_role role;
	/* startup parameters to apply once the session exists */
	char *params; /* name\0value\0 pairs */
	size_t params_len;

	bool skip_to_sync; /* extended-query error */
	struct pgw_stmt *stmts;
	struct pgw_portal *portals;

	/* COPY FROM STDIN in progress */
	alopex_sql_portal *copy_pt;
	alopex_sql_script *copy_script; /* simple query it belongs to */
	bool copy_failed;

	atomic_int busy; /* a statement runs: CancelRequest applies */
	int64_t last_active_ms;

	/* on the event loop (on_data_inline): only cheap messages run */
	bool inline_mode;
	size_t inline_pending; /* output the server held when it began */
	/* an Execute ran on an executor since the last ReadyForQuery: its
	 * implicit transaction may have written, so Sync may fsync */
	bool heavy;
	/* a simple query opened inline, to run on an executor */
	alopex_sql_script *deferred_script;
	/* an Execute that would have waited inline, left to an executor
	 * unconsumed: its rerun keeps the cancel request and busy flag */
	bool blocked_exec;
	/* on_data_inline parked the connection until a COMMIT is durable
	 * (conn_after_durable): pc->out holds its reply from dur_mark on */
	size_t dur_mark;
};

/* pgw_session.c */
int pgw_conn_data(struct pgw_conn *pc, alopex_slice data);
/* The same on an event loop thread: stops before the first message that
 * may block or run long and returns ALOPEX_AGAIN (pgw_session.c). */
int pgw_conn_data_inline(struct pgw_conn *pc, alopex_slice data);
/* The COMMIT it parked for is durable (failed NULL) or not: send its
 * reply or the error, and go on inline (pgw_session.c). */
int pgw_conn_durable(struct pgw_conn *pc, const alopex_diag *failed);
/* The server can hold a connection until a commit is durable. */
bool pgw_can_park(const struct alopex_proto_host *ph);
void pgw_conn_stop(struct pgw_conn *pc);
void pgw_conn_timer(struct pgw_conn *pc);
void pgw_conn_free(struct pgw_conn *pc);
int pgw_auth_parse_rule(const char *text, struct pgw_auth_rule *out, char *err,
			size_t errlen);

/* Output: flush staged bytes; 0 or ALOPEX_EIO (the client is gone). */
int pgw_flush(struct pgw_conn *pc);
/* Flush when enough is staged; wait while the client is slow to read. */
int pgw_flush_some(struct pgw_conn *pc);
/* ErrorResponse/NoticeResponse from a session diag or text. */
int pgw_send_diag(struct pgw_conn *pc, const alopex_diag *d);
int pgw_send_error(struct pgw_conn *pc, const char *severity,
		   const char *sqlstate, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int pgw_send_notice(struct pgw_conn *pc);
int pgw_send_ready(struct pgw_conn *pc);
int64_t pgw_now_ms(void);

/* pgw_query.c */
int pgw_simple_query(struct pgw_conn *pc, struct pgw_slice sql);
int pgw_extended(struct pgw_conn *pc, const struct pgw_fe_msg *m);
int pgw_copy_msg(struct pgw_conn *pc, const struct pgw_fe_msg *m);
void pgw_query_free(struct pgw_conn *pc);
/* Run the simple query pgw_simple_query left for an executor, if any. */
int pgw_query_resume(struct pgw_conn *pc);
/* Sync: end the implicit transaction, then ReadyForQuery. */
int pgw_sync(struct pgw_conn *pc);
/* A transaction ended: its portals go, as in PostgreSQL. */
void pgw_portals_drop(struct pgw_conn *pc);
/* m is cheap enough to run on an event loop thread (pgw_query.c). */
bool pgw_msg_cheap(struct pgw_conn *pc, const struct pgw_fe_msg *m);

#endif
