/*
 * pgw_scram: RFC 7677's worked example, a verifier PostgreSQL 15 created
 * itself, a full exchange with the client proof computed from the RFC
 * formulas, malformed messages with PG's wording, and (with libpq) a real
 * libpq client authenticating against pgw_scram over loopback.
 */
#include "codec_tests.h"
#include "pgw_msg.h"
#include "pgw_scram.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

/* RFC 7677 section 3. */
#define RFC_CFIRST "n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
#define RFC_SNONCE "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
#define RFC_SFIRST                                                \
	"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=" \
	"W22ZaJ0SNY7soE"                                          \
	"sUEjb6gQ==,i=4096"
#define RFC_CFINAL                                                             \
	"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZa" \
	"pWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
#define RFC_SFINAL "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="

/*
 * Made by PostgreSQL 15.18: SET password_encryption='scram-sha-256';
 * CREATE ROLE u2 LOGIN PASSWORD 'pencil'; SELECT rolpassword FROM pg_authid.
 */
#define PG15_VERIFIER                                                          \
	"SCRAM-SHA-256$4096:BzHTE7KcjY6D+6T5Dg0BKQ==$yR1zu5u3tWcbkISWrfsE11dv" \
	"x1IbY+sZDXtAQiitrmM=:pDKh6VXHNgYzlhFPX2kTp7wOSJO4fjf86q5b4BOtzWo="
#define PG15_VERIFIER_P                                                        \
	"SCRAM-SHA-256$4096:Mx5HnvK9r2OZKcfjztn4pA==$Nl2aojWIMt7QpFgVUBYaVJDQ" \
	"h/igkG4dAZD5hNTycAM=:bKFzE8vlqWf4ZPLUF1UrjVZbnM4TgkQJTEe4z9vUfuQ="

static struct pgw_slice sl(const char *s)
{
	return (struct pgw_slice){(const uint8_t *)s, strlen(s)};
}

/* Appends NUL so the buffer can be compared as a string. */
static const char *str(struct pgw_buf *b)
{
	if (pgw_buf_reserve(b, 1) < 0)
		return "";
	b->p[b->len] = 0;
	return (const char *)b->p;
}

static void test_make_verifier(void)
{
	static const uint8_t rfc_salt[] = {0x5b, 0x6d, 0x99, 0x68, 0x9d, 0x12,
					   0x35, 0x8e, 0xec, 0xa0, 0x4b, 0x14,
					   0x12, 0x36, 0xfa, 0x81};
	uint8_t salt[16];
	char v[256];
	int l;

	/* PG 15's own verifiers for 'pencil' and 'p', from their salts. */
	l = EVP_DecodeBlock(
		salt, (const unsigned char *)"BzHTE7KcjY6D+6T5Dg0BKQ==", 24);
	CU_ASSERT_EQUAL(l, 18); /* 16 bytes + 2 for the padding */
	CU_ASSERT_EQUAL(
		pgw_scram_make_verifier("pencil", salt, 16, 4096, v, sizeof(v)),
		0);
	CU_ASSERT_STRING_EQUAL(v, PG15_VERIFIER);
	EVP_DecodeBlock(salt,
			(const unsigned char *)"Mx5HnvK9r2OZKcfjztn4pA==", 24);
	CU_ASSERT_EQUAL(
		pgw_scram_make_verifier("p", salt, 16, 4096, v, sizeof(v)), 0);
	CU_ASSERT_STRING_EQUAL(v, PG15_VERIFIER_P);
	/* RFC 7677's salt: the verifier parses and drives the example. */
	CU_ASSERT_EQUAL(pgw_scram_make_verifier("pencil", rfc_salt, 16, 4096, v,
						sizeof(v)),
			0);
	CU_ASSERT_EQUAL(
		strncmp(v, "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$", 44),
		0);
	CU_ASSERT_EQUAL(
		pgw_scram_make_verifier("pencil", rfc_salt, 16, 4096, v, 20),
		-EINVAL);
	CU_ASSERT_EQUAL(pgw_scram_make_verifier("pencil", rfc_salt, 0, 4096, v,
						sizeof(v)),
			-EINVAL);
	CU_ASSERT_EQUAL(pgw_scram_make_verifier("pencil", rfc_salt, 16, 0, v,
						sizeof(v)),
			-EINVAL);
}

static void test_rfc7677(void)
{
	static const uint8_t rfc_salt[] = {0x5b, 0x6d, 0x99, 0x68, 0x9d, 0x12,
					   0x35, 0x8e, 0xec, 0xa0, 0x4b, 0x14,
					   0x12, 0x36, 0xfa, 0x81};
	struct pgw_scram *s = NULL;
	struct pgw_buf b = {0};
	char v[256];

	CU_ASSERT_EQUAL(pgw_scram_make_verifier("pencil", rfc_salt, 16, 4096, v,
						sizeof(v)),
			0);
	CU_ASSERT_EQUAL_FATAL(pgw_scram_begin_with_nonce(v, RFC_SNONCE, &s), 0);
	CU_ASSERT_FALSE(pgw_scram_done(s));
	CU_ASSERT_EQUAL(pgw_scram_step(s, sl(RFC_CFIRST), &b), 0);
	CU_ASSERT_STRING_EQUAL(str(&b), RFC_SFIRST);
	b.len = 0;
	CU_ASSERT_EQUAL(pgw_scram_step(s, sl(RFC_CFINAL), &b), 0);
	CU_ASSERT_STRING_EQUAL(str(&b), RFC_SFINAL);
	CU_ASSERT(pgw_scram_done(s));
	CU_ASSERT_PTR_NULL(pgw_scram_error(s, NULL));
	/* A third message is a protocol error. */
	b.len = 0;
	CU_ASSERT_EQUAL(pgw_scram_step(s, sl("x"), &b), -EPROTO);
	pgw_scram_free(s);
	pgw_buf_free(&b);
}

static void b64(const uint8_t *p, size_t n, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
}

/*
 * Client side from RFC 5802's formulas: the proof for password over the
 * given server-first, and the expected server signature.
 */
static void client_final(const char *password, const char *cfirst_bare,
			 const char *sfirst, char *final, size_t flen,
			 char *want_sig)
{
	uint8_t salt[64], salted[32], ck[32], stored[32], sig[32], proof[32],
		sk[32], ssig[32];
	char auth[1024], without[256], pb[64];
	const char *r = strstr(sfirst, "r=") + 2,
		   *s = strstr(sfirst, ",s=") + 3,
		   *i = strstr(sfirst, ",i=") + 3;
	unsigned len;
	int saltlen;

	saltlen = EVP_DecodeBlock(salt, (const unsigned char *)s,
				  (int)(i - 3 - s));
	saltlen -= (i[-4] == '=') + (i[-5] == '=');
	PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, saltlen,
			  atoi(i), EVP_sha256(), 32, salted);
	HMAC(EVP_sha256(), salted, 32, (const uint8_t *)"Client Key", 10, ck,
	     &len);
	SHA256(ck, 32, stored);
	snprintf(without, sizeof(without), "c=biws,r=%.*s", (int)(s - 3 - r),
		 r);
	snprintf(auth, sizeof(auth), "%s,%s,%s", cfirst_bare, sfirst, without);
	HMAC(EVP_sha256(), stored, 32, (const uint8_t *)auth, strlen(auth), sig,
	     &len);
	for (int k = 0; k < 32; k++)
		proof[k] = ck[k] ^ sig[k];
	b64(proof, 32, pb);
	snprintf(final, flen, "%s,p=%s", without, pb);
	HMAC(EVP_sha256(), salted, 32, (const uint8_t *)"Server Key", 10, sk,
	     &len);
	HMAC(EVP_sha256(), sk, 32, (const uint8_t *)auth, strlen(auth), ssig,
	     &len);
	strcpy(want_sig, "v=");
	b64(ssig, 32, want_sig + 2);
}

/* Against PG 15's own verifier, with a random server nonce. */
static void test_exchange_pg15_verifier(void)
{
	struct pgw_scram *s = NULL;
	struct pgw_buf b = {0};
	char final[512], sig[64], sfirst[256];
	const char *msg, *detail;

	for (int round = 0; round < 2; round++) {
		const char *pw = round ? "wrong" : "pencil";

		CU_ASSERT_EQUAL_FATAL(pgw_scram_begin(PG15_VERIFIER, &s), 0);
		b.len = 0;
		CU_ASSERT_EQUAL(pgw_scram_step(s, sl("n,,n=,r=abcDEF123"), &b),
				0);
		snprintf(sfirst, sizeof(sfirst), "%s", str(&b));
		/* r = client nonce + 24 base64 chars of 18 random bytes */
		CU_ASSERT_EQUAL(strncmp(sfirst, "r=abcDEF123", 11), 0);
		CU_ASSERT_EQUAL(strcspn(sfirst + 11, ","), 24);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(sfirst, ",s=BzHTE7KcjY6D+6T5Dg0BKQ==,i=4096"));
		client_final(pw, "n=,r=abcDEF123", sfirst, final, sizeof(final),
			     sig);
		b.len = 0;
		if (!round) {
			CU_ASSERT_EQUAL(pgw_scram_step(s, sl(final), &b), 0);
			CU_ASSERT_STRING_EQUAL(str(&b), sig);
			CU_ASSERT(pgw_scram_done(s));
		} else {
			CU_ASSERT_EQUAL(pgw_scram_step(s, sl(final), &b),
					-EACCES);
			CU_ASSERT_EQUAL(b.len, 0);
			CU_ASSERT_FALSE(pgw_scram_done(s));
			msg = pgw_scram_error(s, &detail);
			CU_ASSERT_STRING_EQUAL(
				msg, "password authentication failed");
		}
		pgw_scram_free(s);
		s = NULL;
	}
	pgw_buf_free(&b);
}

struct bad_case {
	const char *first, *final; /* final NULL: first must fail */
	int rc;
	const char *msg, *detail;
};

static void test_malformed(void)
{
	static const struct bad_case cases[] = {
		{"p=tls-server-end-point,,n=,r=abc", NULL, -EPROTO,
		 "malformed SCRAM message",
		 "The client selected SCRAM-SHA-256 without channel binding, "
		 "but the SCRAM message includes channel binding data."},
		{"", NULL, -EPROTO, "malformed SCRAM message",
		 "The message is empty."},
		{"x,,n=,r=abc", NULL, -EPROTO, "malformed SCRAM message",
		 "Unexpected channel-binding flag \"x\"."},
		{"n,a=bob,n=,r=abc", NULL, -ENOTSUP,
		 "client uses authorization identity, but it is not "
		 "supported",
		 NULL},
		{"n,,m=ext,n=,r=abc", NULL, -ENOTSUP,
		 "client requires an unsupported SCRAM extension", NULL},
		{"n,,r=abc", NULL, -EPROTO, "malformed SCRAM message",
		 "Expected attribute \"n\" but found \"r\"."},
		{"n,,n=,r", NULL, -EPROTO, "malformed SCRAM message",
		 "Expected character \"=\" for attribute \"r\"."},
		{"n,,n=,r=", NULL, -EPROTO, "malformed SCRAM message",
		 "The client nonce is empty."},
		{"n,,n=,r=SNONCE", "c=eSws,r=abcSNONCE,p=AAAA", -EPROTO,
		 "unexpected SCRAM channel-binding attribute in "
		 "client-final-message",
		 NULL},
		{"n,,n=,r=abc", "c=biws,r=abcX,p=AAAA", -EPROTO,
		 "invalid SCRAM response", "Nonce does not match."},
		{"n,,n=,r=abc", "c=biws,r=abcSNONCE,p=AAAA", -EPROTO,
		 "malformed SCRAM message",
		 "Malformed proof in client-final-message."},
		{"n,,n=,r=abc", "c=biws,r=abcSNONCE", -EPROTO,
		 "malformed SCRAM message",
		 "Expected attribute \"p\" but found \"?\"."},
		{"n,,n=,r=abc", "r=abcSNONCE,c=biws,p=AAAA", -EPROTO,
		 "malformed SCRAM message",
		 "Expected attribute \"c\" but found \"r\"."},
		{"n,,n=,r=abc",
		 "c=biws,r=abcSNONCE,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7A"
		 "ndVQ=,x=1",
		 -EPROTO, "malformed SCRAM message",
		 "Garbage found at the end of client-final-message."},
	};
	struct pgw_buf b = {0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_case *c = &cases[i];
		struct pgw_scram *s = NULL;
		const char *detail = "unset", *msg;
		int rc;

		CU_ASSERT_EQUAL_FATAL(
			pgw_scram_begin_with_nonce(PG15_VERIFIER, "SNONCE", &s),
			0);
		b.len = 0;
		rc = pgw_scram_step(s, sl(c->first), &b);
		if (c->final) {
			CU_ASSERT_EQUAL(rc, 0);
			b.len = 0;
			rc = pgw_scram_step(s, sl(c->final), &b);
		}
		CU_ASSERT_EQUAL(rc, c->rc);
		msg = pgw_scram_error(s, &detail);
		CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
		CU_ASSERT_STRING_EQUAL(msg, c->msg);
		if (c->detail) {
			CU_ASSERT_STRING_EQUAL(detail ? detail : "(null)",
					       c->detail);
		} else {
			CU_ASSERT_PTR_NULL(detail);
		}
		if (rc != c->rc)
			fprintf(stderr, "\n  case %zu: rc %d %s / %s\n", i, rc,
				msg, detail ? detail : "");
		/* The exchange is over after any failure. */
		CU_ASSERT_EQUAL(pgw_scram_step(s, sl("n,,n=,r=abc"), &b),
				-EPROTO);
		CU_ASSERT_FALSE(pgw_scram_done(s));
		pgw_scram_free(s);
	}
	pgw_buf_free(&b);
}

static void test_bad_verifiers(void)
{
	static const char *bad[] = {
		"md5a3556571e93b0d20722ba62be61e8c2d",
		"SCRAM-SHA-256$:c2FsdA==$AAAA:AAAA",
		"SCRAM-SHA-256$4096:c2FsdA==$AAAA:AAAA",
		"SCRAM-SHA-256$4096:$yR1zu5u3tWcbkISWrfsE11dvx1IbY+"
		"sZDXtAQiitrmM=:"
		"pDKh6VXHNgYzlhFPX2kTp7wOSJO4fjf86q5b4BOtzWo=",
		"SCRAM-SHA-256$4096:c2Fsd!==$yR1zu5u3tWcbkISWrfsE11dvx1IbY+"
		"sZDXtA"
		"QiitrmM=:pDKh6VXHNgYzlhFPX2kTp7wOSJO4fjf86q5b4BOtzWo=",
		"SCRAM-SHA-256$4096x:BzHTE7KcjY6D+6T5Dg0BKQ==$"
		"yR1zu5u3tWcbkISWrfsE"
		"11dvx1IbY+sZDXtAQiitrmM=:"
		"pDKh6VXHNgYzlhFPX2kTp7wOSJO4fjf86q5b4BO"
		"tzWo=",
		""};
	struct pgw_scram *s = (struct pgw_scram *)&s; /* must stay as is */

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(pgw_scram_begin(bad[i], &s), -EINVAL);
	CU_ASSERT_PTR_EQUAL(s, (struct pgw_scram *)&s);
	pgw_scram_free(NULL);
	CU_ASSERT_FALSE(pgw_scram_done(NULL));
}

#ifdef PGWC_HAVE_LIBPQ
#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/*
 * A minimal server on loopback: startup, SASL with pgw_scram, then
 * AuthenticationOk + ReadyForQuery (or 28P01), then waits for Terminate.
 */
struct mini {
	int lfd;
	const char *verifier;
	int result; /* 1 authenticated, 2 rejected, <0 server-side failure */
};

static int send_all(int fd, struct pgw_buf *b)
{
	size_t off = 0;

	while (off < b->len) {
		ssize_t n = send(fd, b->p + off, b->len - off, MSG_NOSIGNAL);

		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	b->len = 0;
	return 0;
}

/* Reads until one message parses; its bytes stay in rx[0..used). */
static int read_msg(int fd, uint8_t *rx, size_t *have, int startup,
		    struct pgw_fe_msg *m, size_t *used)
{
	char err[200];

	for (int spins = 0; spins < 1000; spins++) {
		int rc = pgw_parse(rx, *have, startup, 8192, m, used, err,
				   sizeof(err));
		ssize_t n;

		if (rc != 0)
			return rc;
		n = recv(fd, rx + *have, 8192 - *have, 0);
		if (n <= 0)
			return -1;
		*have += (size_t)n;
	}
	return -1;
}

static void consume(uint8_t *rx, size_t *have, size_t used)
{
	memmove(rx, rx + used, *have - used);
	*have -= used;
}

static void *mini_server(void *arg)
{
	struct mini *ms = arg;
	static const char mechs[] = "SCRAM-SHA-256\0";
	struct timeval tv = {10, 0};
	struct pgw_buf out = {0}, sasl = {0};
	struct pgw_scram *s = NULL;
	struct pgw_fe_msg m;
	struct pgw_slice mech, data;
	uint8_t *rx = malloc(8192);
	size_t have = 0, used;
	int fd = accept(ms->lfd, NULL, NULL);

	ms->result = -1;
	if (fd < 0 || !rx)
		goto done;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (read_msg(fd, rx, &have, 1, &m, &used) != 1 ||
	    m.kind != PGW_FE_STARTUP)
		goto done;
	consume(rx, &have, used);
	if (pgw_scram_begin(ms->verifier, &s) < 0 ||
	    pgw_put_auth(&out, 10, mechs, sizeof(mechs)) < 0 ||
	    send_all(fd, &out) < 0)
		goto done;
	if (read_msg(fd, rx, &have, 0, &m, &used) != 1 ||
	    m.kind != PGW_FE_PASSWORD ||
	    pgw_parse_sasl_initial(m.u.password.data, &mech, &data) < 0 ||
	    mech.n != 13 || memcmp(mech.p, "SCRAM-SHA-256", 13) != 0 ||
	    pgw_scram_step(s, data, &sasl) < 0)
		goto done;
	consume(rx, &have, used);
	if (pgw_put_auth(&out, 11, sasl.p, sasl.len) < 0 ||
	    send_all(fd, &out) < 0)
		goto done;
	sasl.len = 0;
	if (read_msg(fd, rx, &have, 0, &m, &used) != 1 ||
	    m.kind != PGW_FE_PASSWORD)
		goto done;
	if (pgw_scram_step(s, m.u.password.data, &sasl) == -EACCES) {
		struct pgw_err_fields f = {
			.severity = "FATAL",
			.sqlstate = "28P01",
			.message = "password authentication failed for user "
				   "\"u2\""};

		if (pgw_put_error(&out, 'E', &f) == 0 &&
		    send_all(fd, &out) == 0)
			ms->result = 2;
		goto done;
	}
	consume(rx, &have, used);
	if (!pgw_scram_done(s) ||
	    pgw_put_auth(&out, 12, sasl.p, sasl.len) < 0 ||
	    pgw_put_auth(&out, 0, NULL, 0) < 0 ||
	    pgw_put_param_status(&out, "server_version", "15.0") < 0 ||
	    pgw_put_param_status(&out, "client_encoding", "UTF8") < 0 ||
	    pgw_put_backend_key(&out, 1, 2) < 0 ||
	    pgw_put_ready(&out, 'I') < 0 || send_all(fd, &out) < 0)
		goto done;
	if (read_msg(fd, rx, &have, 0, &m, &used) == 1 &&
	    m.kind == PGW_FE_TERMINATE)
		ms->result = 1;
done:
	if (fd >= 0)
		close(fd);
	pgw_scram_free(s);
	pgw_buf_free(&out);
	pgw_buf_free(&sasl);
	free(rx);
	return NULL;
}

static void libpq_round(const char *password, int want_result)
{
	struct sockaddr_in a = {0};
	socklen_t al = sizeof(a);
	struct mini ms = {-1, PG15_VERIFIER, 0};
	pthread_t th;
	char conninfo[256];
	PGconn *c;

	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ms.lfd = socket(AF_INET, SOCK_STREAM, 0);
	CU_ASSERT_FATAL(ms.lfd >= 0);
	CU_ASSERT_FATAL(bind(ms.lfd, (struct sockaddr *)&a, sizeof(a)) == 0);
	CU_ASSERT_FATAL(listen(ms.lfd, 1) == 0);
	CU_ASSERT_FATAL(getsockname(ms.lfd, (struct sockaddr *)&a, &al) == 0);
	CU_ASSERT_FATAL(pthread_create(&th, NULL, mini_server, &ms) == 0);
	snprintf(conninfo, sizeof(conninfo),
		 "host=127.0.0.1 port=%d user=u2 dbname=postgres password=%s "
		 "sslmode=disable gssencmode=disable connect_timeout=10 "
		 "require_auth=scram-sha-256",
		 ntohs(a.sin_port), password);
	c = PQconnectdb(conninfo);
	if (PQstatus(c) == CONNECTION_BAD &&
	    strstr(PQerrorMessage(c), "require_auth")) {
		/* libpq < 16 does not know require_auth: connect without. */
		PQfinish(c);
		*strstr(conninfo, " require_auth") = 0;
		c = PQconnectdb(conninfo);
	}
	if (want_result == 1) {
		CU_ASSERT_EQUAL(PQstatus(c), CONNECTION_OK);
		if (PQstatus(c) != CONNECTION_OK)
			fprintf(stderr, "\n  libpq: %s\n", PQerrorMessage(c));
	} else {
		CU_ASSERT_EQUAL(PQstatus(c), CONNECTION_BAD);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(PQerrorMessage(c),
			       "password authentication failed for user "
			       "\"u2\""));
	}
	PQfinish(c);
	pthread_join(th, NULL);
	close(ms.lfd);
	CU_ASSERT_EQUAL(ms.result, want_result);
}

static void test_libpq_client(void)
{
	libpq_round("pencil", 1);
	libpq_round("penciL", 2);
}
#endif

static const struct alx_test_case cases[] = {
	{"make_verifier", test_make_verifier},
	{"rfc7677", test_rfc7677},
	{"exchange_pg15_verifier", test_exchange_pg15_verifier},
	{"malformed", test_malformed},
	{"bad_verifiers", test_bad_verifiers},
#ifdef PGWC_HAVE_LIBPQ
	{"libpq_client", test_libpq_client},
#endif
	{NULL, NULL}};

const struct alx_test_suite suite_pgw_scram = {"pgwire/scram", NULL, NULL,
					       cases};
