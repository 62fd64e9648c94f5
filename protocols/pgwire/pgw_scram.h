/*
 * Server side of SCRAM-SHA-256 (RFC 5802/7677) as PostgreSQL speaks it:
 * no channel binding (advertise only "SCRAM-SHA-256"), gs2 header "n,," or
 * "y,,", a "p=" header is rejected. The user name in the client-first
 * message is ignored, as in PG (the startup packet names the role).
 * OpenSSL supplies HMAC, SHA-256, PBKDF2 and the nonce; link libcrypto.
 *
 * verifier is PG's format
 * "SCRAM-SHA-256$<iter>:<salt b64>$<StoredKey b64>:<ServerKey b64>".
 */
#ifndef PGW_SCRAM_H
#define PGW_SCRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pgw_msg.h"

struct pgw_scram; /* opaque */

/* Parses verifier; -EINVAL when it is not a SCRAM-SHA-256 verifier,
 * -ENOMEM. */
int pgw_scram_begin(const char *verifier, struct pgw_scram **out);
/*
 * client-first -> server-first (appended to out); later client-final ->
 * server-final. Returns 0 ok, -EACCES when the proof is wrong (caller sends
 * 28P01), -EPROTO malformed.
 */
int pgw_scram_step(struct pgw_scram *s, struct pgw_slice in,
		   struct pgw_buf *out);
/* True once the client's proof was verified and server-final produced. */
bool pgw_scram_done(const struct pgw_scram *s);
void pgw_scram_free(struct pgw_scram *s);
/*
 * Build a verifier (used by tests and by the core's CREATE ROLE ... PASSWORD,
 * which has its own copy in core: both must agree with PostgreSQL's format).
 * 0, -EINVAL (bad arguments, out too small) or -ENOMEM.
 */
int pgw_scram_make_verifier(const char *password, const uint8_t *salt,
			    size_t saltlen, int iterations, char *out,
			    size_t outlen);

/* ---- appended after the first contract ---- */

/*
 * pgw_scram_step may also return -ENOTSUP (client asks for an
 * authorization identity or a mandatory extension: PG's 0A000), -ENOMEM,
 * and -EINVAL for NULL arguments. Any failure ends the exchange.
 */

/*
 * PG's wording of the last failure: the error message (e.g. "malformed
 * SCRAM message", "invalid SCRAM response") and, through *detail, its
 * DETAIL line or NULL. NULL when nothing failed. For -EACCES the caller
 * sends PG's own "password authentication failed for user \"..\"".
 */
const char *pgw_scram_error(const struct pgw_scram *s, const char **detail);

/* pgw_scram_begin with a fixed server nonce (printable, no ','): for
 * tests reproducing RFC 7677's example; servers use pgw_scram_begin. */
int pgw_scram_begin_with_nonce(const char *verifier, const char *server_nonce,
			       struct pgw_scram **out);

#endif
