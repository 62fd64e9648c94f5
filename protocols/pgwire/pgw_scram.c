/*
 * Server side of SCRAM-SHA-256 following PostgreSQL 15's auth-scram.c:
 * same message checks, same error words (message + detail), same
 * verifier format. No channel binding is offered, so the client must send
 * gs2 flag 'n' (or 'y': it could bind but believes we cannot, which is
 * true) and "c=biws" / "c=eSws" in its final message.
 */
#include "pgw_scram.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#define KEY_LEN 32
/* SCRAM_RAW_NONCE_LEN in PG: 18 random bytes, 24 base64 characters. */
#define RAW_NONCE_LEN 18
#define MAX_SALT 64

enum scram_state { ST_INIT, ST_FINAL, ST_DONE, ST_FAILED };

struct pgw_scram {
	enum scram_state state;
	int iterations;
	uint8_t salt[MAX_SALT];
	size_t saltlen;
	uint8_t stored_key[KEY_LEN], server_key[KEY_LEN];
	char cbind_flag;
	char *client_first_bare; /* kept for the AuthMessage */
	char *server_first;
	char *nonce; /* client nonce + server nonce */
	char server_nonce[64];
	const char *msg;
	char detail[160];
};

/* ---- base64 (RFC 4648, padded, strict: what pg_b64_* accept) ---- */

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_enc(const uint8_t *in, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = b64chars[v >> 18 & 63];
		out[o++] = b64chars[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64chars[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64chars[v & 63] : '=';
	}
	out[o] = 0;
	return o;
}

/* Decodes into out (cap bytes); -1 on bad input or overflow. */
static long b64_dec(const char *in, size_t n, uint8_t *out, size_t cap)
{
	size_t o = 0;

	if (n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		uint32_t v = 0;
		int pad = 0;

		for (int k = 0; k < 4; k++) {
			const char *c;
			char ch = in[i + k];

			if (ch == '=' && i + 4 == n && k >= 2) {
				pad++;
				v <<= 6;
				continue;
			}
			c = ch ? strchr(b64chars, ch) : NULL;
			if (!c || pad)
				return -1;
			v = v << 6 | (uint32_t)(c - b64chars);
		}
		if (o + 3 - (size_t)pad > cap)
			return -1;
		out[o++] = (uint8_t)(v >> 16);
		if (pad < 2)
			out[o++] = (uint8_t)(v >> 8);
		if (pad < 1)
			out[o++] = (uint8_t)v;
	}
	return (long)o;
}

/* ---- crypto helpers ---- */

static int hmac(const uint8_t *key, size_t keylen, const void *d, size_t n,
		uint8_t out[KEY_LEN])
{
	unsigned int l = 0;

	if (!HMAC(EVP_sha256(), key, (int)keylen, d, n, out, &l) ||
	    l != KEY_LEN)
		return -EINVAL;
	return 0;
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}

static int bad(struct pgw_scram *s, int code, const char *msg, const char *fmt,
	       ...)
{
	va_list ap;

	s->msg = msg;
	s->detail[0] = 0;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(s->detail, sizeof(s->detail), fmt, ap);
		va_end(ap);
	}
	s->state = ST_FAILED;
	return code;
}

/* ---- verifier ---- */

int pgw_scram_make_verifier(const char *password, const uint8_t *salt,
			    size_t saltlen, int iterations, char *out,
			    size_t outlen)
{
	uint8_t salted[KEY_LEN], ck[KEY_LEN], sk[KEY_LEN], stored[KEY_LEN];
	char sb[4 * MAX_SALT / 3 + 8], kb1[48], kb2[48];
	int n, rc = -EINVAL;

	if (!password || !salt || saltlen == 0 || saltlen > MAX_SALT ||
	    iterations < 1 || !out)
		return -EINVAL;
	/*
	 * PG runs the password through SASLprep first; for ASCII that is
	 * the identity. Non-ASCII passwords are used as raw bytes, which
	 * matches PG only when NFKC leaves them unchanged.
	 */
	if (!PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt,
			       (int)saltlen, iterations, EVP_sha256(), KEY_LEN,
			       salted))
		goto fail;
	if (hmac(salted, KEY_LEN, "Client Key", 10, ck) < 0 ||
	    hmac(salted, KEY_LEN, "Server Key", 10, sk) < 0)
		goto fail;
	SHA256(ck, KEY_LEN, stored);
	b64_enc(salt, saltlen, sb);
	b64_enc(stored, KEY_LEN, kb1);
	b64_enc(sk, KEY_LEN, kb2);
	n = snprintf(out, outlen, "SCRAM-SHA-256$%d:%s$%s:%s", iterations, sb,
		     kb1, kb2);
	if (n < 0 || (size_t)n >= outlen)
		goto fail;
	rc = 0;
fail:
	OPENSSL_cleanse(salted, sizeof(salted));
	OPENSSL_cleanse(ck, sizeof(ck));
	return rc;
}

static int parse_verifier(const char *v, struct pgw_scram *s)
{
	static const char pfx[] = "SCRAM-SHA-256$";
	const char *p, *colon, *dollar, *colon2;
	long iter = 0, l;

	if (strncmp(v, pfx, sizeof(pfx) - 1) != 0)
		return -EINVAL;
	p = v + sizeof(pfx) - 1;
	colon = strchr(p, ':');
	if (!colon || colon == p)
		return -EINVAL;
	for (const char *c = p; c < colon; c++) {
		if (*c < '0' || *c > '9' || iter > 100000000)
			return -EINVAL;
		iter = iter * 10 + (*c - '0');
	}
	if (iter < 1)
		return -EINVAL;
	dollar = strchr(colon + 1, '$');
	if (!dollar)
		return -EINVAL;
	l = b64_dec(colon + 1, (size_t)(dollar - colon - 1), s->salt, MAX_SALT);
	if (l <= 0)
		return -EINVAL;
	s->saltlen = (size_t)l;
	colon2 = strchr(dollar + 1, ':');
	if (!colon2 ||
	    b64_dec(dollar + 1, (size_t)(colon2 - dollar - 1), s->stored_key,
		    KEY_LEN) != KEY_LEN ||
	    b64_dec(colon2 + 1, strlen(colon2 + 1), s->server_key, KEY_LEN) !=
		    KEY_LEN)
		return -EINVAL;
	s->iterations = (int)iter;
	return 0;
}

int pgw_scram_begin_with_nonce(const char *verifier, const char *server_nonce,
			       struct pgw_scram **out)
{
	struct pgw_scram *s;
	uint8_t raw[RAW_NONCE_LEN];
	int rc = -ENOMEM;

	if (!verifier || !out)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if ((rc = parse_verifier(verifier, s)) < 0)
		goto fail;
	if (server_nonce) {
		size_t n = strlen(server_nonce);

		rc = -EINVAL;
		if (n == 0 || n >= sizeof(s->server_nonce) ||
		    strchr(server_nonce, ','))
			goto fail;
		memcpy(s->server_nonce, server_nonce, n + 1);
	} else {
		rc = -EIO;
		if (RAND_bytes(raw, sizeof(raw)) != 1)
			goto fail;
		b64_enc(raw, sizeof(raw), s->server_nonce);
	}
	s->state = ST_INIT;
	*out = s;
	return 0;
fail:
	pgw_scram_free(s);
	return rc;
}

int pgw_scram_begin(const char *verifier, struct pgw_scram **out)
{
	return pgw_scram_begin_with_nonce(verifier, NULL, out);
}

void pgw_scram_free(struct pgw_scram *s)
{
	if (!s)
		return;
	free(s->client_first_bare);
	free(s->server_first);
	free(s->nonce);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

bool pgw_scram_done(const struct pgw_scram *s)
{
	return s && s->state == ST_DONE;
}

const char *pgw_scram_error(const struct pgw_scram *s, const char **detail)
{
	if (!s || !s->msg)
		return NULL;
	if (detail)
		*detail = s->detail[0] ? s->detail : NULL;
	return s->msg;
}

/* ---- message parsing (a cursor over the NUL-free message) ---- */

struct cur {
	const char *p, *end;
};

static char printable(char c)
{
	return c >= 0x21 && c <= 0x7e ? c : '?';
}

/* "<attr>=<value>" up to ',' or the end; the cursor moves past ','. */
static int read_attr(struct pgw_scram *s, struct cur *c, char attr,
		     const char **v, size_t *vn)
{
	const char *e;

	if (c->p >= c->end || *c->p != attr)
		return bad(s, -EPROTO, "malformed SCRAM message",
			   "Expected attribute \"%c\" but found \"%c\".", attr,
			   c->p < c->end ? printable(*c->p) : '?');
	if (c->p + 1 >= c->end || c->p[1] != '=')
		return bad(s, -EPROTO, "malformed SCRAM message",
			   "Expected character \"=\" for attribute \"%c\".",
			   attr);
	c->p += 2;
	e = memchr(c->p, ',', (size_t)(c->end - c->p));
	if (!e)
		e = c->end;
	*v = c->p;
	*vn = (size_t)(e - c->p);
	c->p = e < c->end ? e + 1 : e;
	return 0;
}

static int client_first(struct pgw_scram *s, const char *m, size_t n,
			struct pgw_buf *out)
{
	struct cur c = {m, m + n};
	const char *bare, *v = NULL;
	size_t vn = 0;
	char sb[4 * MAX_SALT / 3 + 8];
	int rc, len;

	if (n == 0)
		return bad(s, -EPROTO, "malformed SCRAM message",
			   "The message is empty.");
	switch (*c.p) {
	case 'n':
	case 'y':
		s->cbind_flag = *c.p;
		if (c.p + 1 >= c.end || c.p[1] != ',')
			return bad(s, -EPROTO, "malformed SCRAM message",
				   "Comma expected, but found character "
				   "\"%c\".",
				   c.p + 1 < c.end ? printable(c.p[1]) : '?');
		c.p += 2;
		break;
	case 'p':
		/* We never advertise SCRAM-SHA-256-PLUS. */
		return bad(s, -EPROTO, "malformed SCRAM message",
			   "The client selected SCRAM-SHA-256 without channel "
			   "binding, but the SCRAM message includes channel "
			   "binding data.");
	default:
		return bad(s, -EPROTO, "malformed SCRAM message",
			   "Unexpected channel-binding flag \"%c\".",
			   printable(*c.p));
	}
	if (c.p < c.end && *c.p == 'a')
		return bad(s, -ENOTSUP,
			   "client uses authorization identity, but it is "
			   "not supported",
			   NULL);
	if (c.p >= c.end || *c.p != ',')
		return bad(
			s, -EPROTO, "malformed SCRAM message",
			"Unexpected attribute \"%c\" in client-first-message.",
			c.p < c.end ? printable(*c.p) : '?');
	c.p++;
	bare = c.p;
	if (c.p < c.end && *c.p == 'm')
		return bad(s, -ENOTSUP,
			   "client requires an unsupported SCRAM extension",
			   NULL);
	/* The user name is ignored: the startup packet named the role. */
	if ((rc = read_attr(s, &c, 'n', &v, &vn)) < 0 ||
	    (rc = read_attr(s, &c, 'r', &v, &vn)) < 0)
		return rc;
	if (vn == 0)
		return bad(s, -EPROTO, "malformed SCRAM message",
			   "The client nonce is empty.");
	for (size_t i = 0; i < vn; i++)
		if (v[i] < 0x21 || v[i] > 0x7e)
			return bad(s, -EPROTO, "malformed SCRAM message",
				   "The client nonce contains an invalid "
				   "character.");
	/* Extensions after the nonce are read and ignored, as PG does. */
	s->client_first_bare = dup_n(bare, (size_t)(c.end - bare));
	s->nonce = malloc(vn + strlen(s->server_nonce) + 1);
	if (!s->client_first_bare || !s->nonce)
		return -ENOMEM;
	memcpy(s->nonce, v, vn);
	strcpy(s->nonce + vn, s->server_nonce);
	b64_enc(s->salt, s->saltlen, sb);
	len = snprintf(NULL, 0, "r=%s,s=%s,i=%d", s->nonce, sb, s->iterations);
	s->server_first = malloc((size_t)len + 1);
	if (!s->server_first)
		return -ENOMEM;
	snprintf(s->server_first, (size_t)len + 1, "r=%s,s=%s,i=%d", s->nonce,
		 sb, s->iterations);
	if ((rc = pgw_buf_reserve(out, (size_t)len)) < 0)
		return rc;
	memcpy(out->p + out->len, s->server_first, (size_t)len);
	out->len += (size_t)len;
	s->state = ST_FINAL;
	return 0;
}

static int client_final(struct pgw_scram *s, const char *m, size_t n,
			struct pgw_buf *out)
{
	struct cur c = {m, m + n};
	const char *v = NULL, *proof_at, *pv = NULL;
	size_t vn = 0, pn = 0, alen;
	uint8_t proof[KEY_LEN + 3], sig[KEY_LEN], ck[KEY_LEN], h[KEY_LEN];
	char *auth = NULL, sv[48];
	long pl;
	int rc;

	if ((rc = read_attr(s, &c, 'c', &v, &vn)) < 0)
		return rc;
	if (!((vn == 4 && memcmp(v, "biws", 4) == 0 && s->cbind_flag == 'n') ||
	      (vn == 4 && memcmp(v, "eSws", 4) == 0 && s->cbind_flag == 'y')))
		return bad(s, -EPROTO,
			   "unexpected SCRAM channel-binding attribute in "
			   "client-final-message",
			   NULL);
	if ((rc = read_attr(s, &c, 'r', &v, &vn)) < 0)
		return rc;
	if (vn != strlen(s->nonce) || memcmp(v, s->nonce, vn) != 0)
		return bad(s, -EPROTO, "invalid SCRAM response",
			   "Nonce does not match.");
	/* Skip extensions up to the proof, which must come last. */
	for (;;) {
		if (c.p >= c.end)
			return bad(s, -EPROTO, "malformed SCRAM message",
				   "Expected attribute \"p\" but found \"?\".");
		if (*c.p == 'p')
			break;
		if ((rc = read_attr(s, &c, *c.p, &v, &vn)) < 0)
			return rc;
	}
	proof_at = c.p;
	if ((rc = read_attr(s, &c, 'p', &pv, &pn)) < 0)
		return rc;
	if (pv + pn != c.end)
		return bad(s, -EPROTO, "malformed SCRAM message",
			   "Garbage found at the end of client-final-message.");
	pl = b64_dec(pv, pn, proof, sizeof(proof));
	if (pl != KEY_LEN)
		return bad(s, -EPROTO, "malformed SCRAM message",
			   "Malformed proof in client-final-message.");
	/* AuthMessage = client-first-bare "," server-first "," final
	 * without ",p=..." */
	alen = strlen(s->client_first_bare) + strlen(s->server_first) +
	       (size_t)(proof_at - 1 - m) + 2;
	auth = malloc(alen + 1);
	if (!auth)
		return -ENOMEM;
	snprintf(auth, alen + 1, "%s,%s,%.*s", s->client_first_bare,
		 s->server_first, (int)(proof_at - 1 - m), m);
	rc = hmac(s->stored_key, KEY_LEN, auth, alen, sig);
	if (rc < 0)
		goto out;
	for (int i = 0; i < KEY_LEN; i++)
		ck[i] = proof[i] ^ sig[i];
	SHA256(ck, KEY_LEN, h);
	if (CRYPTO_memcmp(h, s->stored_key, KEY_LEN) != 0) {
		rc = bad(s, -EACCES, "password authentication failed", NULL);
		goto out;
	}
	if ((rc = hmac(s->server_key, KEY_LEN, auth, alen, sig)) < 0)
		goto out;
	b64_enc(sig, KEY_LEN, sv);
	if ((rc = pgw_buf_reserve(out, 2 + strlen(sv))) < 0)
		goto out;
	memcpy(out->p + out->len, "v=", 2);
	memcpy(out->p + out->len + 2, sv, strlen(sv));
	out->len += 2 + strlen(sv);
	s->state = ST_DONE;
	rc = 0;
out:
	OPENSSL_cleanse(ck, sizeof(ck));
	free(auth);
	return rc;
}

int pgw_scram_step(struct pgw_scram *s, struct pgw_slice in,
		   struct pgw_buf *out)
{
	const char *m = (const char *)in.p;
	int rc;

	if (!s || !out || (!in.p && in.n))
		return -EINVAL;
	if (in.n && memchr(in.p, 0, in.n))
		return bad(s, -EPROTO, "malformed SCRAM message",
			   "The message contains a NUL byte.");
	switch (s->state) {
	case ST_INIT:
		rc = client_first(s, m ? m : "", in.n, out);
		break;
	case ST_FINAL:
		rc = client_final(s, m ? m : "", in.n, out);
		break;
	default:
		return bad(s, -EPROTO, "malformed SCRAM message",
			   "The SASL exchange is already complete.");
	}
	/* Any failure ends the exchange, as in PG. */
	if (rc < 0)
		s->state = ST_FAILED;
	return rc;
}
