/*
 * pgwire connection state machine: input framing, SSLRequest and
 * GSSENCRequest, CancelRequest, the startup packet, authentication
 * (trust, cleartext password, SCRAM-SHA-256), the session's first
 * ParameterStatus burst, and dispatch of the query-phase messages.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/rand.h>
#include <openssl/evp.h>

#include "pgw_int.h"
#include "pgw_scram.h"

#define PROTO_3_0 196608u
#define STAGE_FLUSH (64 * 1024)

int64_t pgw_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- output -------------------------------------------------------------- */

int pgw_flush(struct pgw_conn *pc)
{
	if (pc->out.len == 0)
		return 0;
	int rc = pc->ph->conn_write(pc->c, pc->out.p, pc->out.len);
	pc->out.len = 0;
	return rc;
}

int pgw_flush_some(struct pgw_conn *pc)
{
	if (pc->out.len < STAGE_FLUSH)
		return 0;
	int rc = pgw_flush(pc);
	if (rc != 0)
		return rc;
	size_t bound = (size_t)pc->in->cfg->output_buffer;
	/* a slow reader: stop producing rows until it caught up; never on
	 * the event loop, which is what sends them (pgw_msg_cheap keeps
	 * inline output to one point read's row past the bound) */
	if (!pc->inline_mode && pc->ph->conn_out_pending(pc->c) > bound)
		rc = pc->ph->conn_wait_drain(pc->c, bound / 2, 0);
	return rc;
}

int pgw_send_error(struct pgw_conn *pc, const char *severity,
		   const char *sqlstate, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct pgw_err_fields f;
	memset(&f, 0, sizeof(f));
	snprintf(f.severity, sizeof(f.severity), "%s", severity);
	f.sqlstate = sqlstate;
	f.message = msg;
	return pgw_put_error(&pc->out, 'E', &f) != 0 ? ALOPEX_ENOMEM : 0;
}

int pgw_send_diag(struct pgw_conn *pc, const alopex_diag *d)
{
	char msg[sizeof(d->message)];
	snprintf(msg, sizeof(msg), "%s", d->message);
	char *detail = strchr(msg, '\n');
	if (detail != NULL)
		*detail++ = '\0';
	char pos[16];
	struct pgw_err_fields f;
	memset(&f, 0, sizeof(f));
	snprintf(f.severity, sizeof(f.severity), "ERROR");
	f.sqlstate = d->sqlstate[0] && strcmp(d->sqlstate, "00000") != 0
			     ? d->sqlstate
			     : "XX000";
	f.message = msg[0] ? msg : "internal error";
	f.detail = detail;
	if (d->col > 0 && d->line == 0) {
		snprintf(pos, sizeof(pos), "%u", d->col);
		f.position = pos;
	}
	return pgw_put_error(&pc->out, 'E', &f) != 0 ? ALOPEX_ENOMEM : 0;
}

static int send_one_notice(struct pgw_conn *pc, const char *msg,
			   const char *level, const char *state)
{
	if (msg == NULL || msg[0] == '\0')
		return 0;
	struct pgw_err_fields f;
	memset(&f, 0, sizeof(f));
	snprintf(f.severity, sizeof(f.severity), "%s",
		 level && level[0] ? level : "NOTICE");
	f.sqlstate = state && state[0] ? state : "00000";
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", msg);
	char *detail = strchr(buf, '\n');
	if (detail != NULL)
		*detail++ = '\0';
	f.message = buf;
	f.detail = detail;
	return pgw_put_error(&pc->out, 'N', &f) != 0 ? ALOPEX_ENOMEM : 0;
}

int pgw_send_notice(struct pgw_conn *pc)
{
	const struct alopex_proto_host *ph = pc->ph;
	const char *level = NULL, *state = NULL, *msg;
	if (ph->size < offsetof(struct alopex_proto_host, sql_notice_at) +
			       sizeof(ph->sql_notice_at) ||
	    ph->sql_notice_at == NULL) {
		msg = ph->sql_last_notice(pc->sess, &level, &state);
		return send_one_notice(pc, msg, level, state);
	}
	/* every one the statement raised, in order (bounded by the
	 * session's notice list) */
	for (uint32_t i = 0;
	     (msg = ph->sql_notice_at(pc->sess, i, &level, &state)) != NULL;
	     i++) {
		int rc = send_one_notice(pc, msg, level, state);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int pgw_send_ready(struct pgw_conn *pc)
{
	char st = pc->sess ? pc->ph->sql_txn_status(pc->sess) : 'I';
	if (st == 'I')
		pgw_portals_drop(pc);
	if (pgw_put_ready(&pc->out, st) != 0)
		return ALOPEX_ENOMEM;
	uint64_t idle = pc->in->cfg->idle_session_timeout;
	pc->heavy = false;
	pc->last_active_ms = pgw_now_ms();
	if (idle > 0 && st == 'I')
		pc->ph->conn_set_timer(pc->c, idle);
	return pgw_flush(pc);
}

/* FATAL: send, flush, and have the connection closed. */
static int fatal(struct pgw_conn *pc, const char *sqlstate, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));
static int fatal(struct pgw_conn *pc, const char *sqlstate, const char *fmt,
		 ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pgw_send_error(pc, "FATAL", sqlstate, "%s", msg);
	pgw_flush(pc);
	pc->state = PGW_ST_CLOSED;
	pc->ph->conn_close(pc->c);
	return 0;
}

/* ---- auth rules ------------------------------------------------------------ */

int pgw_auth_parse_rule(const char *text, struct pgw_auth_rule *out, char *err,
			size_t errlen)
{
	char addr[80], method[64], user[64], extra[8];
	int n = sscanf(text, "%79s %63s %63s %7s", addr, user, method, extra);
	if (n == 2)
		memcpy(method, user, sizeof(method));
	if (n != 2 && n != 3) {
		snprintf(err, errlen,
			 "expected 'ADDRESS[/BITS] [USER] METHOD', e.g. "
			 "'127.0.0.1/32 trust'");
		return ALOPEX_EINVAL;
	}
	memset(out, 0, sizeof(*out));
	/* a user column, as pg_hba.conf's; "all" is every user */
	if (n == 3 && strcmp(user, "all") != 0)
		snprintf(out->user, sizeof(out->user), "%s", user);
	char *slash = strchr(addr, '/');
	int bits = -1;
	if (slash != NULL) {
		*slash = '\0';
		char *end;
		long b = strtol(slash + 1, &end, 10);
		if (*end != '\0' || end == slash + 1 || b < 0 || b > 128) {
			snprintf(err, errlen, "bad prefix length '%s'",
				 slash + 1);
			return ALOPEX_EINVAL;
		}
		bits = (int)b;
	}
	if (inet_pton(AF_INET, addr, out->addr) == 1) {
		out->family = 4;
		if (bits > 32) {
			snprintf(err, errlen, "IPv4 prefix over 32 bits");
			return ALOPEX_EINVAL;
		}
		out->bits = bits < 0 ? 32 : bits;
	} else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
		out->family = 6;
		out->bits = bits < 0 ? 128 : bits;
	} else {
		snprintf(err, errlen, "'%s' is not a numeric IP address", addr);
		return ALOPEX_EINVAL;
	}
	if (strcmp(method, "trust") == 0)
		out->method = PGW_AUTH_TRUST;
	else if (strcmp(method, "password") == 0)
		out->method = PGW_AUTH_PASSWORD;
	else if (strcmp(method, "scram-sha-256") == 0)
		out->method = PGW_AUTH_SCRAM;
	else if (strcmp(method, "reject") == 0)
		out->method = PGW_AUTH_REJECT;
	else {
		snprintf(err, errlen,
			 "unknown method '%s' (trust, password, "
			 "scram-sha-256, reject)",
			 method);
		return ALOPEX_EINVAL;
	}
	return 0;
}

static bool prefix_match(const uint8_t *a, const uint8_t *b, int bits)
{
	int i = 0;
	for (; bits >= 8; bits -= 8, i++)
		if (a[i] != b[i])
			return false;
	if (bits == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - bits));
	return (a[i] & mask) == (b[i] & mask);
}

/* The method for the peer, or -1 when no rule matches. */
static int auth_method(struct pgw_conn *pc, char *peer, size_t peerlen)
{
	int family = 0;
	uint8_t addr[16];
	char buf[80];
	pc->ph->conn_peer(pc->c, &family, addr, buf, sizeof(buf));
	/* the host part only, as pg_hba messages name it */
	snprintf(peer, peerlen, "%s", buf[0] == '[' ? buf + 1 : buf);
	char *colon = strrchr(peer, family == 6 ? ']' : ':');
	if (colon != NULL)
		*colon = '\0';
	/* an IPv4-mapped IPv6 peer matches IPv4 rules */
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0,    0,
					   0, 0, 0, 0, 0xff, 0xff};
	uint8_t v4[4];
	bool has_v4 = family == 4;
	if (family == 4)
		memcpy(v4, addr, 4);
	else if (family == 6 && memcmp(addr, mapped, 12) == 0) {
		memcpy(v4, addr + 12, 4);
		has_v4 = true;
	}
	for (size_t i = 0; i < pc->in->nrules; i++) {
		const struct pgw_auth_rule *r = &pc->in->rules[i];
		if (r->user[0] != '\0' && strcmp(r->user, pc->user) != 0)
			continue;
		if (r->family == 4 && has_v4 &&
		    prefix_match(r->addr, v4, r->bits))
			return r->method;
		if (r->family == 6 && family == 6 &&
		    prefix_match(r->addr, addr, r->bits))
			return r->method;
	}
	return -1;
}

/* ---- startup --------------------------------------------------------------- */

static void registry_add(struct pgw_conn *pc)
{
	struct pgw_inst *in = pc->in;
	pthread_mutex_lock(&in->mu);
	pc->next = in->conns;
	if (in->conns != NULL)
		in->conns->prev = pc;
	in->conns = pc;
	pthread_mutex_unlock(&in->mu);
}

static void registry_remove(struct pgw_conn *pc)
{
	struct pgw_inst *in = pc->in;
	pthread_mutex_lock(&in->mu);
	if (pc->counted) {
		in->nsessions--;
		pc->counted = false;
	}
	if (pc->prev != NULL)
		pc->prev->next = pc->next;
	else if (in->conns == pc)
		in->conns = pc->next;
	if (pc->next != NULL)
		pc->next->prev = pc->prev;
	pc->prev = pc->next = NULL;
	pthread_mutex_unlock(&in->mu);
}

static void handle_cancel(struct pgw_conn *pc, int32_t pid, int32_t key)
{
	struct pgw_inst *in = pc->in;
	pthread_mutex_lock(&in->mu);
	for (struct pgw_conn *o = in->conns; o != NULL; o = o->next) {
		if (o->pid == pid && o->key == key && o->sess != NULL) {
			if (atomic_load(&o->busy))
				pc->ph->sql_cancel(o->sess);
			break;
		}
	}
	pthread_mutex_unlock(&in->mu);
	/* no reply: the client closes, so do we */
	pc->state = PGW_ST_CLOSED;
	pc->ph->conn_close(pc->c);
}

static int random_key(int32_t *out)
{
	FILE *f = fopen("/dev/urandom", "rb");
	int32_t k = 0;
	size_t n = f ? fread(&k, sizeof(k), 1, f) : 0;
	if (f != NULL)
		fclose(f);
	if (n != 1)
		k = (int32_t)(pgw_now_ms() * 2654435761u);
	*out = k;
	return 0;
}

static int keep_params(struct pgw_conn *pc, const struct pgw_fe_msg *m)
{
	size_t total = 0;
	for (size_t i = 0; i < m->u.startup.nparams; i++)
		total += m->u.startup.names[i].n + m->u.startup.values[i].n + 2;
	pc->params = malloc(total + 1);
	if (pc->params == NULL)
		return ALOPEX_ENOMEM;
	char *w = pc->params;
	for (size_t i = 0; i < m->u.startup.nparams; i++) {
		const struct pgw_slice *n = &m->u.startup.names[i];
		const struct pgw_slice *v = &m->u.startup.values[i];
		memcpy(w, n->p, n->n);
		w += n->n;
		*w++ = '\0';
		memcpy(w, v->p, v->n);
		w += v->n;
		*w++ = '\0';
	}
	pc->params_len = (size_t)(w - pc->params);
	return 0;
}

static void slice_str(struct pgw_slice s, char *out, size_t cap)
{
	size_t n = s.n < cap - 1 ? s.n : cap - 1;
	memcpy(out, s.p, n);
	out[n] = '\0';
}

static int finish_login(struct pgw_conn *pc);

static int begin_auth(struct pgw_conn *pc)
{
	char peer[80];
	int method = auth_method(pc, peer, sizeof(peer));
	const char *enc =
		pc->ph->conn_is_tls(pc->c) ? "SSL encryption" : "no encryption";
	if (method < 0 || method == PGW_AUTH_REJECT)
		return fatal(pc, "28000",
			     "%s entry for host \"%s\", user \"%s\", "
			     "database \"%s\", %s",
			     method < 0 ? "no pg_hba.conf"
					: "pg_hba.conf rejects connection",
			     peer, pc->user, pc->database, enc);
	int rc = pc->ph->role_get(pc->ph->ctx, pc->user, &pc->role);
	bool no_roles = rc == ALOPEX_ENOTSUP;
	if (rc == ALOPEX_ENOTFOUND && method == PGW_AUTH_TRUST)
		return fatal(pc, "28000", "role \"%s\" does not exist",
			     pc->user);
	if (rc != 0 && !no_roles && rc != ALOPEX_ENOTFOUND)
		return fatal(pc, "XX000", "cannot look up role \"%s\"",
			     pc->user);
	/* LOGIN is checked after authentication, as PostgreSQL does, so
	 * a wrong password says no more than that */
	if (no_roles) {
		/* a core without roles: everyone is the superuser */
		memset(&pc->role, 0, sizeof(pc->role));
		pc->role.can_login = 1;
		pc->role.superuser = 1;
	}
	if (rc == ALOPEX_ENOTFOUND)
		pc->role.verifier[0] = '\0';
	pc->superuser = pc->role.superuser;
	switch (method) {
	case PGW_AUTH_TRUST:
		return finish_login(pc);
	case PGW_AUTH_PASSWORD:
		/* a cleartext password on a plain socket: refused unless
		 * the configuration says otherwise */
		if (!pc->ph->conn_is_tls(pc->c) &&
		    !pc->in->cfg->cleartext_without_tls)
			return fatal(pc, "28000",
				     "cleartext password authentication for "
				     "user \"%s\" requires an SSL connection",
				     pc->user);
		pc->state = PGW_ST_AUTH_PASSWORD;
		if (pgw_put_auth(&pc->out, 3, NULL, 0) != 0)
			return ALOPEX_ENOMEM;
		return pgw_flush(pc);
	default:
		pc->state = PGW_ST_AUTH_SASL;
		if (pgw_put_auth(&pc->out, 10, "SCRAM-SHA-256\0", 15) != 0)
			return ALOPEX_ENOMEM;
		return pgw_flush(pc);
	}
}

static int auth_failed(struct pgw_conn *pc)
{
	return fatal(pc, "28P01",
		     "password authentication failed for user "
		     "\"%s\"",
		     pc->user);
}

static int b64_decode(const char *in, size_t n, uint8_t *out, size_t cap,
		      size_t *outlen)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
				  "rstuvwxyz0123456789+/";
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (in[i] == '=')
			break;
		const char *p = strchr(tab, in[i]);
		if (p == NULL || in[i] == '\0')
			return -1;
		acc = (acc << 6) | (uint32_t)(p - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	*outlen = o;
	return 0;
}

/* Cleartext password against the stored SCRAM verifier. */
static bool password_ok(const char *verifier, const char *password)
{
	/* SCRAM-SHA-256$<iter>:<salt>$<stored>:<server> */
	if (strncmp(verifier, "SCRAM-SHA-256$", 14) != 0)
		return false;
	const char *p = verifier + 14;
	char *end;
	long iter = strtol(p, &end, 10);
	if (*end != ':' || iter <= 0)
		return false;
	const char *salt = end + 1;
	const char *dollar = strchr(salt, '$');
	if (dollar == NULL)
		return false;
	uint8_t raw[128];
	size_t rawlen;
	if (b64_decode(salt, (size_t)(dollar - salt), raw, sizeof(raw),
		       &rawlen) != 0)
		return false;
	char built[256];
	if (pgw_scram_make_verifier(password, raw, rawlen, (int)iter, built,
				    sizeof(built)) != 0)
		return false;
	return strcmp(built, verifier) == 0;
}

/*
 * A verifier for a role that cannot log in with a password: the salt is
 * derived from the user name and the instance's secret (the same on
 * every try, like a real one), the password is random.
 */
static int mock_verifier(struct pgw_conn *pc, char *out, size_t cap)
{
	uint8_t in[sizeof(pc->in->mock_secret) + sizeof(pc->user)];
	uint8_t salt[EVP_MAX_MD_SIZE], pw[24];
	char pwtext[2 * sizeof(pw) + 1];
	size_t ulen = strlen(pc->user);
	memcpy(in, pc->in->mock_secret, sizeof(pc->in->mock_secret));
	memcpy(in + sizeof(pc->in->mock_secret), pc->user, ulen);
	if (EVP_Digest(in, sizeof(pc->in->mock_secret) + ulen, salt, NULL,
		       EVP_sha256(), NULL) != 1 ||
	    RAND_bytes(pw, sizeof(pw)) != 1)
		return -1;
	for (size_t i = 0; i < sizeof(pw); i++)
		snprintf(pwtext + 2 * i, 3, "%02x", pw[i]);
	return pgw_scram_make_verifier(pwtext, salt, 16, 4096, out, cap);
}

static int on_password(struct pgw_conn *pc, struct pgw_slice body)
{
	if (pc->state == PGW_ST_AUTH_PASSWORD) {
		char pw[1024];
		if (body.n == 0 || body.n > sizeof(pw) ||
		    body.p[body.n - 1] != '\0')
			return fatal(pc, "08P01", "invalid password packet");
		memcpy(pw, body.p, body.n);
		bool ok = pc->role.verifier[0] &&
			  password_ok(pc->role.verifier, pw);
		memset(pw, 0, sizeof(pw));
		return ok ? finish_login(pc) : auth_failed(pc);
	}
	struct pgw_buf reply = {0};
	int rc = 0;
	if (pc->state == PGW_ST_AUTH_SASL) {
		struct pgw_slice mech, data;
		if (pgw_parse_sasl_initial(body, &mech, &data) != 0)
			return fatal(pc, "08P01",
				     "malformed SASLInitialResponse");
		if (mech.n != 13 || memcmp(mech.p, "SCRAM-SHA-256", 13) != 0)
			return fatal(pc, "28000",
				     "client selected an invalid SASL "
				     "authentication mechanism");
		char mock[256];
		const char *ver = pc->role.verifier;
		/* no such role or no password: go through the exchange
		 * with a made-up verifier, as PostgreSQL's mock
		 * authentication does, so the reply does not tell */
		if (ver[0] == '\0' &&
		    mock_verifier(pc, mock, sizeof(mock)) == 0)
			ver = mock;
		if (ver[0] == '\0' || pgw_scram_begin(ver, &pc->scram) != 0)
			return auth_failed(pc);
		rc = pgw_scram_step(pc->scram, data, &reply);
		if (rc == 0) {
			pc->state = PGW_ST_AUTH_SASL_FINAL;
			if (pgw_put_auth(&pc->out, 11, reply.p, reply.len) != 0)
				rc = -ENOMEM;
		}
	} else {
		rc = pgw_scram_step(pc->scram, body, &reply);
		if (rc == 0 && pgw_scram_done(pc->scram)) {
			if (pgw_put_auth(&pc->out, 12, reply.p, reply.len) != 0)
				rc = -ENOMEM;
		} else if (rc == 0) {
			rc = -EACCES;
		}
	}
	pgw_buf_free(&reply);
	if (rc == -EACCES)
		return auth_failed(pc);
	if (rc == -ENOMEM)
		return ALOPEX_ENOMEM;
	if (rc != 0)
		return fatal(pc, "08P01", "malformed SCRAM message");
	if (pc->state == PGW_ST_AUTH_SASL_FINAL && pgw_scram_done(pc->scram))
		return finish_login(pc);
	return pgw_flush(pc);
}

static int apply_params(struct pgw_conn *pc)
{
	const char *p = pc->params, *end = pc->params + pc->params_len;
	bool timeout_given = false;
	while (p != NULL && p < end) {
		const char *name = p;
		const char *value = name + strlen(name) + 1;
		p = value + strlen(value) + 1;
		if (strcmp(name, "user") == 0 ||
		    strcmp(name, "database") == 0 ||
		    strcmp(name, "replication") == 0)
			continue;
		if (strcmp(name, "options") == 0) {
			/* "-c name=value" pairs, as libpq's PGOPTIONS */
			char buf[1024];
			snprintf(buf, sizeof(buf), "%s", value);
			char *save = NULL;
			for (char *t = strtok_r(buf, " ", &save); t;
			     t = strtok_r(NULL, " ", &save)) {
				if (strcmp(t, "-c") == 0)
					continue;
				if (strncmp(t, "--", 2) == 0)
					t += 2;
				else if (strncmp(t, "-c", 2) == 0)
					t += 2;
				char *eq = strchr(t, '=');
				if (eq == NULL)
					continue;
				*eq = '\0';
				if (strcmp(t, "statement_timeout") == 0)
					timeout_given = true;
				if (pc->ph->sql_set(pc->sess, t, eq + 1) != 0)
					return fatal(pc, "42704", "%s",
						     pc->ph->sql_diag(pc->sess)
							     ->message);
			}
			continue;
		}
		if (strcmp(name, "statement_timeout") == 0)
			timeout_given = true;
		const char *v = value;
		/* libpq in a C locale asks for SQL_ASCII: bytes pass
		 * through unchanged, which UTF8 text satisfies */
		if (strcasecmp(name, "client_encoding") == 0 &&
		    strcasecmp(value, "SQL_ASCII") == 0)
			v = "UTF8";
		if (pc->ph->sql_set(pc->sess, name, v) != 0) {
			const alopex_diag *d = pc->ph->sql_diag(pc->sess);
			return fatal(pc, d->sqlstate[0] ? d->sqlstate : "42704",
				     "%s", d->message);
		}
	}
	uint64_t st = pc->in->cfg->statement_timeout;
	if (!timeout_given && st > 0) {
		char v[32];
		snprintf(v, sizeof(v), "%llu", (unsigned long long)st);
		if (pc->ph->sql_set(pc->sess, "statement_timeout", v) != 0)
			return fatal(pc, "XX000",
				     "cannot set statement_timeout");
	}
	return 0;
}

static int param_status(struct pgw_conn *pc, const char *name,
			const char *value)
{
	return pgw_put_param_status(&pc->out, name, value ? value : "") != 0
		       ? ALOPEX_ENOMEM
		       : 0;
}

static int finish_login(struct pgw_conn *pc)
{
	const struct alopex_proto_host *ph = pc->ph;
	if (!pc->role.can_login)
		return fatal(pc, "28000",
			     "role \"%s\" is not permitted to log in",
			     pc->user);
	/* PostgreSQL checks the database after authentication */
	if (strcmp(pc->database, "alopex") != 0 &&
	    strcmp(pc->database, "postgres") != 0)
		return fatal(pc, "3D000", "database \"%s\" does not exist",
			     pc->database);
	alopex_diag d;
	memset(&d, 0, sizeof(d));
	alopex_sql_session *sess = NULL;
	if (ph->sql_session_create(ph->ctx, pc->user, &sess, &d) != 0)
		return fatal(pc, d.sqlstate[0] ? d.sqlstate : "XX000", "%s",
			     d.message);
	/* CancelRequests read it from other threads */
	pthread_mutex_lock(&pc->in->mu);
	pc->sess = sess;
	pthread_mutex_unlock(&pc->in->mu);
	int rc = apply_params(pc);
	if (rc != 0 || pc->state == PGW_ST_CLOSED)
		return rc;
	random_key(&pc->key);
	if (pgw_put_auth(&pc->out, 0, NULL, 0) != 0)
		return ALOPEX_ENOMEM;
	const char *app = ph->sql_setting(pc->sess, "application_name");
	rc = param_status(pc, "application_name", app);
	rc = rc ? rc : param_status(pc, "client_encoding", "UTF8");
	rc = rc ? rc
		: param_status(pc, "DateStyle",
			       ph->sql_setting(pc->sess, "DateStyle"));
	rc = rc ? rc : param_status(pc, "default_transaction_read_only", "off");
	rc = rc ? rc : param_status(pc, "in_hot_standby", "off");
	rc = rc ? rc : param_status(pc, "integer_datetimes", "on");
	rc = rc ? rc
		: param_status(pc, "IntervalStyle",
			       ph->sql_setting(pc->sess, "IntervalStyle"));
	rc = rc ? rc
		: param_status(pc, "is_superuser",
			       pc->superuser ? "on" : "off");
	rc = rc ? rc : param_status(pc, "server_encoding", "UTF8");
	rc = rc ? rc
		: param_status(pc, "server_version",
			       "15.0 (Alopex " ALOPEX_VERSION ")");
	rc = rc ? rc : param_status(pc, "session_authorization", pc->user);
	rc = rc ? rc : param_status(pc, "standard_conforming_strings", "on");
	rc = rc ? rc
		: param_status(pc, "TimeZone",
			       ph->sql_setting(pc->sess, "TimeZone"));
	if (rc != 0)
		return rc;
	pthread_mutex_lock(&pc->in->mu);
	pc->pid = (int32_t)pc->in->next_pid++;
	pthread_mutex_unlock(&pc->in->mu);
	if (pgw_put_backend_key(&pc->out, pc->pid, pc->key) != 0)
		return ALOPEX_ENOMEM;
	pc->state = PGW_ST_READY;
	pc->in->host->log(pc->in->host->ctx, ALOPEX_LOG_DEBUG, "pgwire",
			  "connection authorized: user=%s database=%s pid=%d",
			  pc->user, pc->database, (int)pc->pid);
	return pgw_send_ready(pc);
}

static int on_startup(struct pgw_conn *pc, const struct pgw_fe_msg *m)
{
	const struct alopex_proto_host *ph = pc->ph;
	switch (m->kind) {
	case PGW_FE_SSL_REQUEST:
		if (ph->conn_tls_available(pc->c) && !ph->conn_is_tls(pc->c))
			return ph->conn_start_tls(pc->c, "S", 1);
		return ph->conn_write(pc->c, "N", 1);
	case PGW_FE_GSSENC_REQUEST:
		return ph->conn_write(pc->c, "N", 1);
	case PGW_FE_CANCEL:
		handle_cancel(pc, m->u.cancel.pid, m->u.cancel.key);
		return 0;
	case PGW_FE_STARTUP:
		break;
	default:
		return fatal(pc, "08P01", "invalid startup packet");
	}
	if (m->u.startup.version >> 16 != 3)
		return fatal(pc, "0A000",
			     "unsupported frontend protocol %u.%u: server "
			     "supports 3.0 to 3.0",
			     m->u.startup.version >> 16,
			     m->u.startup.version & 0xffff);
	for (size_t i = 0; i < m->u.startup.nparams; i++) {
		struct pgw_slice n = m->u.startup.names[i];
		if (n.n == 4 && memcmp(n.p, "user", 4) == 0)
			slice_str(m->u.startup.values[i], pc->user,
				  sizeof(pc->user));
		else if (n.n == 8 && memcmp(n.p, "database", 8) == 0)
			slice_str(m->u.startup.values[i], pc->database,
				  sizeof(pc->database));
		else if (n.n == 11 && memcmp(n.p, "replication", 11) == 0)
			return fatal(pc, "0A000",
				     "replication connections are not "
				     "supported");
	}
	if (pc->user[0] == '\0')
		return fatal(pc, "28000",
			     "no PostgreSQL user name specified in startup "
			     "packet");
	if (pc->database[0] == '\0')
		snprintf(pc->database, sizeof(pc->database), "%s", pc->user);
	if (keep_params(pc, m) != 0)
		return ALOPEX_ENOMEM;
	/* count it now: CancelRequests and refused logins are not clients */
	struct pgw_inst *in = pc->in;
	pthread_mutex_lock(&in->mu);
	bool full = in->nsessions >= in->cfg->max_connections;
	if (!full) {
		in->nsessions++;
		pc->counted = true;
	}
	pthread_mutex_unlock(&in->mu);
	if (full)
		return fatal(pc, "53300", "sorry, too many clients already");
	registry_add(pc);
	return begin_auth(pc);
}

/* ---- dispatch ------------------------------------------------------------------ */

static int on_message(struct pgw_conn *pc, const struct pgw_fe_msg *m)
{
	if (pc->state == PGW_ST_STARTUP)
		return on_startup(pc, m);
	if (pc->state == PGW_ST_AUTH_PASSWORD ||
	    pc->state == PGW_ST_AUTH_SASL ||
	    pc->state == PGW_ST_AUTH_SASL_FINAL) {
		if (m->kind != PGW_FE_PASSWORD)
			return fatal(pc, "08P01",
				     "expected password response, got "
				     "message type %d",
				     (int)m->kind);
		return on_password(pc, m->u.password.data);
	}
	if (pc->state == PGW_ST_COPY_IN)
		return pgw_copy_msg(pc, m);
	switch (m->kind) {
	case PGW_FE_TERMINATE:
		pc->state = PGW_ST_CLOSED;
		pc->ph->conn_close(pc->c);
		return 0;
	case PGW_FE_SYNC:
		return pgw_sync(pc);
	case PGW_FE_COPY_DATA:
	case PGW_FE_COPY_DONE:
	case PGW_FE_COPY_FAIL:
		/* stray COPY messages are ignored, as PostgreSQL does */
		return 0;
	default:
		break;
	}
	if (pc->skip_to_sync)
		return 0;
	switch (m->kind) {
	case PGW_FE_QUERY:
		return pgw_simple_query(pc, m->u.query.sql);
	case PGW_FE_PARSE:
	case PGW_FE_BIND:
	case PGW_FE_DESCRIBE:
	case PGW_FE_EXECUTE:
	case PGW_FE_CLOSE:
	case PGW_FE_FLUSH:
		return pgw_extended(pc, m);
	case PGW_FE_FUNCTION_CALL:
		pgw_send_error(pc, "ERROR", "0A000",
			       "fastpath function calls are not supported");
		return pgw_send_ready(pc);
	default:
		return fatal(pc, "08P01", "unexpected message type %d",
			     (int)m->kind);
	}
}

int pgw_conn_data(struct pgw_conn *pc, alopex_slice data)
{
	if (pc->state == PGW_ST_CLOSED)
		return 0;
	if (pc->in->cfg->idle_session_timeout > 0)
		pc->ph->conn_set_timer(pc->c, 0);
	pc->last_active_ms = pgw_now_ms();
	if (pc->ilen + data.len > pc->icap) {
		size_t cap = pc->icap ? pc->icap : 8192;
		while (cap < pc->ilen + data.len)
			cap *= 2;
		uint8_t *p = realloc(pc->ib, cap);
		if (p == NULL)
			return fatal(pc, "53200", "out of memory");
		pc->ib = p;
		pc->icap = cap;
	}
	if (data.len > 0)
		memcpy(pc->ib + pc->ilen, data.ptr, data.len);
	pc->ilen += data.len;
	size_t off = 0;
	int rc = 0;
	bool deferred = false, parked = false;
	if (!pc->inline_mode && pc->deferred_script != NULL)
		rc = pgw_query_resume(pc);
	while (rc == 0 && pc->state != PGW_ST_CLOSED) {
		struct pgw_fe_msg m;
		size_t used = 0;
		char err[256];
		err[0] = '\0'; /* not all 256: this runs per message */
		int startup = pc->state == PGW_ST_STARTUP;
		int r = pgw_parse(pc->ib + off, pc->ilen - off, startup,
				  (size_t)pc->in->cfg->max_message_size, &m,
				  &used, err, sizeof(err));
		if (r == 0)
			break;
		if (r < 0) {
			/* oversized or garbled: this connection only */
			bool big = strstr(err, "too large") != NULL;
			fatal(pc, big ? "54000" : "08P01", "%s",
			      err[0] ? err : "invalid message");
			break;
		}
		/* the rest waits for an executor thread */
		if (pc->inline_mode && !pgw_msg_cheap(pc, &m)) {
			deferred = true;
			break;
		}
		/* a password message during authentication is 'p', but so
		 * is nothing else; pgw_parse reports it as PASSWORD */
		size_t mark = pc->out.len;
		rc = on_message(pc, &m);
		if (rc == ALOPEX_EBUSY && pc->inline_mode) {
			/* an Execute that would wait, undone: it stays in
			 * the input for an executor to run again */
			rc = 0;
			deferred = true;
			break;
		}
		off += used;
		/* a COMMIT in the log, not yet durable: its reply and what
		 * follows wait, off the event loop (pgw_conn_durable) */
		uint64_t pos = 0;
		if (rc == 0 && pc->inline_mode && pc->sess != NULL &&
		    pgw_can_park(pc->ph))
			pos = pc->ph->sql_take_sync_pos(pc->sess);
		if (pos != 0) {
			pc->dur_mark = mark;
			if (pc->ph->conn_after_durable(pc->c, pos) == 0) {
				parked = true;
				break;
			}
			/* nobody to wait: never tell of the success */
			pc->out.len = mark;
			fatal(pc, "58030",
			      "cannot wait for the commit to be "
			      "durable");
			break;
		}
		if (rc == ALOPEX_AGAIN) {
			/* consumed, but the rest of it runs on an executor */
			rc = 0;
			deferred = true;
			break;
		}
		/* TLS began: what follows must be read through it */
		if (m.kind == PGW_FE_SSL_REQUEST)
			break;
	}
	if (off > 0) {
		memmove(pc->ib, pc->ib + off, pc->ilen - off);
		pc->ilen -= off;
	}
	/* the output waits for pgw_conn_durable */
	if (parked)
		return ALOPEX_EBUSY;
	if (rc == 0 && pc->state != PGW_ST_CLOSED)
		rc = pgw_flush(pc);
	if (rc == ALOPEX_EIO)
		return rc;
	if (rc == ALOPEX_ENOMEM)
		return fatal(pc, "53200", "out of memory"), rc;
	return deferred && pc->state != PGW_ST_CLOSED ? ALOPEX_AGAIN : 0;
}

int pgw_conn_data_inline(struct pgw_conn *pc, alopex_slice data)
{
	const struct alopex_proto_host *ph = pc->ph;
	/* statements run here never wait for a row lock (pgw_msg_cheap) */
	bool nb = pc->sess != NULL &&
		  ph->size >=
			  offsetof(struct alopex_proto_host, sql_set_noblock) +
				  sizeof(ph->sql_set_noblock) &&
		  ph->sql_set_noblock != NULL;
	if (nb)
		ph->sql_set_noblock(pc->sess, 1);
	pc->inline_mode = true;
	pc->inline_pending = ph->conn_out_pending(pc->c);
	int rc = pgw_conn_data(pc, data);
	pc->inline_mode = false;
	/* the session may be gone (fatal) */
	if (nb && pc->sess != NULL)
		ph->sql_set_noblock(pc->sess, 0);
	return rc;
}

bool pgw_can_park(const struct alopex_proto_host *ph)
{
	return ph->size >=
		       offsetof(struct alopex_proto_host, conn_after_durable) +
			       sizeof(ph->conn_after_durable) &&
	       ph->sql_take_sync_pos != NULL && ph->conn_after_durable != NULL;
}

int pgw_conn_durable(struct pgw_conn *pc, const alopex_diag *failed)
{
	if (failed != NULL && pc->state != PGW_ST_CLOSED) {
		/* the COMMIT's success was never sent: its error instead,
		 * and the rest of the pipeline up to Sync is skipped */
		pc->out.len = pc->dur_mark;
		if (pgw_send_diag(pc, failed) != 0)
			return fatal(pc, "53200", "out of memory"),
			       ALOPEX_ENOMEM;
		pc->skip_to_sync = true;
	}
	alopex_slice none = {NULL, 0};
	return pgw_conn_data_inline(pc, none);
}

void pgw_conn_timer(struct pgw_conn *pc)
{
	uint64_t idle = pc->in->cfg->idle_session_timeout;
	if (idle == 0 || pc->state != PGW_ST_READY || pc->sess == NULL ||
	    pc->ph->sql_txn_status(pc->sess) != 'I')
		return;
	int64_t quiet = pgw_now_ms() - pc->last_active_ms;
	if (quiet + 5 < (int64_t)idle) {
		pc->ph->conn_set_timer(pc->c, idle - (uint64_t)quiet);
		return;
	}
	fatal(pc, "57P05",
	      "terminating connection due to idle-session timeout");
}

void pgw_conn_stop(struct pgw_conn *pc)
{
	if (pc->state == PGW_ST_CLOSED)
		return;
	fatal(pc, "57P01",
	      "terminating connection due to administrator command");
}

void pgw_conn_free(struct pgw_conn *pc)
{
	if (pc == NULL)
		return;
	registry_remove(pc);
	pgw_query_free(pc);
	pc->ph->sql_session_destroy(pc->sess);
	pgw_scram_free(pc->scram);
	pgw_buf_free(&pc->out);
	pgw_buf_free(&pc->tmp);
	free(pc->params);
	free(pc->ib);
	free(pc);
}
