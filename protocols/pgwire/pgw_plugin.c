/*
 * The pgwire protocol plugin: PostgreSQL's frontend/backend protocol 3.0
 * for psql, libpq and every driver built on them. Descriptor, config
 * schema and the server-facing callbacks; the state machine is in
 * pgw_session.c and pgw_query.c, the pure codec in pgw_msg.c,
 * pgw_binary.c and pgw_scram.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "pgw_int.h"

#define F(key, type, field, def, lo, hi, flags, doc)                        \
	{                                                                   \
		key, type, offsetof(struct pgw_config, field), def, lo, hi, \
			NULL, flags, doc                                    \
	}

static const struct alopex_cfg_field fields[] = {
	F("enabled", ALOPEX_CFG_BOOL, enabled, "true", 1, 0, 0,
	  "serve the PostgreSQL protocol"),
	F("listen_address", ALOPEX_CFG_STRING, listen_address, "127.0.0.1", 1,
	  0, 0,
	  "numeric IPv4 or IPv6 address to listen on (0.0.0.0 or :: for "
	  "every interface)"),
	F("port", ALOPEX_CFG_INT, port, "5432", 0, 65535, 0,
	  "TCP port (alopex-server --port overrides it; 0: any free port)"),
	F("max_connections", ALOPEX_CFG_INT, max_connections, "100", 1, 100000,
	  0,
	  "clients served at once; more get FATAL 53300 \"sorry, too many "
	  "clients already\""),
	F("max_message_size", ALOPEX_CFG_SIZE, max_message_size, "64MB", 1024,
	  1073741824.0, 0,
	  "largest message a client may send; a larger one closes that "
	  "connection with FATAL 54000"),
	F("output_buffer", ALOPEX_CFG_SIZE, output_buffer, "1MB", 16384,
	  1073741824.0, 0,
	  "bytes of results queued for a slow client before the statement "
	  "waits for it to read"),
	F("tls_cert", ALOPEX_CFG_STRING, tls_cert, NULL, 1, 0, 0,
	  "PEM certificate (chain) file; with tls_key, SSLRequest is "
	  "answered 'S' and TLS is used"),
	F("tls_key", ALOPEX_CFG_STRING, tls_key, NULL, 1, 0, ALOPEX_CFG_SECRET,
	  "PEM private key file for tls_cert"),
	F("auth", ALOPEX_CFG_STRLIST, auth,
	  "['127.0.0.1/32 trust', '::1/128 trust']", 1, 0, 0,
	  "authentication by client address and user, first match wins: "
	  "entries 'ADDRESS[/BITS] [USER] "
	  "trust|password|scram-sha-256|reject' (no USER or 'all': every "
	  "user); a client no entry matches is refused"),
	F("statement_timeout", ALOPEX_CFG_DURATION, statement_timeout, "0", 0,
	  2147483647.0, 0,
	  "default statement_timeout of sessions (0: none); 57014 when a "
	  "statement runs longer"),
	F("idle_session_timeout", ALOPEX_CFG_DURATION, idle_session_timeout,
	  "0", 0, 2147483647.0, 0,
	  "close a session idle outside a transaction this long (0: never)"),
	F("cleartext_without_tls", ALOPEX_CFG_BOOL, cleartext_without_tls,
	  "false", 1, 0, 0,
	  "let the 'password' method (the password travels in cleartext) "
	  "run on connections without TLS; when false such logins get "
	  "FATAL 28000"),
};

static const struct alopex_cfg_schema schema = {
	.size = sizeof(struct alopex_cfg_schema),
	.config_size = sizeof(struct pgw_config),
	.field_count = sizeof(fields) / sizeof(fields[0]),
	.fields = fields,
	.doc = "PostgreSQL wire protocol (psql, libpq, JDBC, ...)",
};

static int pgw_init(const struct alopex_host *host, const void *config,
		    void **instance, alopex_diag *diag)
{
	const struct pgw_config *cfg = config;
	struct pgw_inst *in = host->alloc(host->ctx, sizeof(*in));
	if (in == NULL)
		return host->diag_set(diag, ALOPEX_ENOMEM, NULL,
				      "pgwire: out of memory");
	memset(in, 0, sizeof(*in));
	in->host = host;
	in->cfg = cfg;
	if (cfg->auth.count > 0) {
		in->rules = host->alloc(host->ctx,
					cfg->auth.count * sizeof(*in->rules));
		if (in->rules == NULL) {
			host->free(host->ctx, in);
			return host->diag_set(diag, ALOPEX_ENOMEM, NULL,
					      "pgwire: out of memory");
		}
	}
	for (size_t i = 0; i < cfg->auth.count; i++) {
		char err[160];
		if (pgw_auth_parse_rule(cfg->auth.items[i], &in->rules[i], err,
					sizeof(err)) != 0) {
			host->free(host->ctx, in->rules);
			host->free(host->ctx, in);
			return host->diag_set(diag, ALOPEX_ECONFIG, NULL,
					      "protocols.pgwire.auth entry "
					      "'%s': %s",
					      cfg->auth.items[i], err);
		}
		in->nrules++;
	}
	if ((cfg->tls_cert == NULL) != (cfg->tls_key == NULL)) {
		host->free(host->ctx, in->rules);
		host->free(host->ctx, in);
		return host->diag_set(diag, ALOPEX_ECONFIG, NULL,
				      "protocols.pgwire: tls_cert and tls_key "
				      "go together");
	}
	if (RAND_bytes(in->mock_secret, sizeof(in->mock_secret)) != 1) {
		host->free(host->ctx, in->rules);
		host->free(host->ctx, in);
		return host->diag_set(diag, ALOPEX_EINTERNAL, NULL,
				      "pgwire: no random bytes for SCRAM");
	}
	pthread_mutex_init(&in->mu, NULL);
	in->next_pid = 1000;
	*instance = in;
	return 0;
}

static void pgw_fini(void *instance)
{
	struct pgw_inst *in = instance;
	if (in == NULL)
		return;
	pthread_mutex_destroy(&in->mu);
	in->host->free(in->host->ctx, in->rules);
	in->host->free(in->host->ctx, in);
}

static int pgw_start(void *instance, const struct alopex_proto_host *host,
		     struct alopex_listen_spec *listen, alopex_diag *diag)
{
	struct pgw_inst *in = instance;
	if (host->size < sizeof(struct alopex_proto_host))
		return in->host->diag_set(diag, ALOPEX_EABI, NULL,
					  "pgwire: the server's host table "
					  "is too old");
	in->ph = host;
	listen->addr = in->cfg->listen_address;
	listen->port = in->cfg->enabled ? (int)in->cfg->port : -1;
	listen->tls_cert = in->cfg->tls_cert;
	listen->tls_key = in->cfg->tls_key;
	return 0;
}

static int pgw_on_accept(void *instance, alopex_conn *c, void **state)
{
	struct pgw_inst *in = instance;
	struct pgw_conn *pc = calloc(1, sizeof(*pc));
	if (pc == NULL)
		return ALOPEX_ENOMEM;
	pc->in = in;
	pc->c = c;
	pc->ph = in->ph;
	pc->state = PGW_ST_STARTUP;
	pc->last_active_ms = pgw_now_ms();
	*state = pc;
	return 0;
}

static int pgw_on_data(void *state, alopex_slice data)
{
	return pgw_conn_data(state, data);
}

static int pgw_on_data_inline(void *state, alopex_slice data)
{
	return pgw_conn_data_inline(state, data);
}

static int pgw_on_durable(void *state, const alopex_diag *failed)
{
	return pgw_conn_durable(state, failed);
}

static void pgw_on_timer(void *state)
{
	pgw_conn_timer(state);
}

static void pgw_on_stop(void *state)
{
	pgw_conn_stop(state);
}

static void pgw_on_close(void *state)
{
	pgw_conn_free(state);
}

static const struct alopex_protocol_ops ops = {
	.size = sizeof(struct alopex_protocol_ops),
	.caps = 0,
	.start = pgw_start,
	.on_accept = pgw_on_accept,
	.on_data = pgw_on_data,
	.on_timer = pgw_on_timer,
	.on_stop = pgw_on_stop,
	.on_close = pgw_on_close,
	.stop = NULL,
	.on_data_inline = pgw_on_data_inline,
	.on_durable = pgw_on_durable,
};

static const struct alopex_plugin descriptor = {
	.size = sizeof(struct alopex_plugin),
	.abi_major = ALOPEX_PLUGIN_ABI_MAJOR,
	.abi_minor = ALOPEX_PLUGIN_ABI_MINOR,
	.kind = ALOPEX_PLUGIN_PROTOCOL,
	.name = "pgwire",
	.version = "0.1.0",
	.description = "PostgreSQL frontend/backend protocol 3.0",
	.config = &schema,
	.init = pgw_init,
	.fini = pgw_fini,
	.ops = &ops,
};

ALOPEX_PLUGIN_DEFINE(pgwire, descriptor)
