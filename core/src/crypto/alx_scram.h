/*
 * SCRAM-SHA-256 verifiers (RFC 5802, RFC 7677) in PostgreSQL's stored
 * format:
 *   SCRAM-SHA-256$<iterations>:<salt b64>$<StoredKey b64>:<ServerKey b64>
 * and the key derivations a SCRAM exchange needs on the server side.
 */
#ifndef ALX_SCRAM_H
#define ALX_SCRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/alx_sha256.h"

#define ALX_SCRAM_ITERATIONS 4096 /* PostgreSQL's scram_iterations */
#define ALX_SCRAM_SALT_LEN 16	  /* PostgreSQL's SCRAM_DEFAULT_SALT_LEN */
#define ALX_SCRAM_SALT_MAX 64	  /* the longest salt we parse */
/* Longest verifier text we produce or accept, with the NUL. */
#define ALX_SCRAM_VERIFIER_MAX 256

struct alx_scram_secret {
	uint32_t iterations;
	uint8_t salt[ALX_SCRAM_SALT_MAX];
	size_t salt_len;
	uint8_t stored_key[ALX_SHA256_LEN];
	uint8_t server_key[ALX_SHA256_LEN];
};

/*
 * The verifier of password with this salt and iteration count, written
 * NUL-terminated into out (cap >= ALX_SCRAM_VERIFIER_MAX). The password is
 * used as given (PostgreSQL applies SASLprep first, which leaves ASCII
 * unchanged).
 */
int alx_scram_verifier(const char *password, size_t pwlen, const uint8_t *salt,
		       size_t salt_len, uint32_t iterations, char *out,
		       size_t cap);

/* As above with a fresh random 16-byte salt and 4096 iterations. */
int alx_scram_verifier_new(const char *password, size_t pwlen, char *out,
			   size_t cap);

/* Parse a stored verifier (PostgreSQL's parse_scram_secret): 0, or
 * ALOPEX_EINVAL when text is not one. */
int alx_scram_parse(const char *text, struct alx_scram_secret *out);

/* SaltedPassword, ClientKey, StoredKey, ServerKey (RFC 5802 section 3). */
int alx_scram_salted_password(const char *password, size_t pwlen,
			      const uint8_t *salt, size_t salt_len,
			      uint32_t iterations, uint8_t out[ALX_SHA256_LEN]);
void alx_scram_client_key(const uint8_t salted[ALX_SHA256_LEN],
			  uint8_t out[ALX_SHA256_LEN]);
void alx_scram_server_key(const uint8_t salted[ALX_SHA256_LEN],
			  uint8_t out[ALX_SHA256_LEN]);

/* n bytes from the OS's random source (getrandom); ALOPEX_EIO if none. */
int alx_random_bytes(void *out, size_t n);

/* Constant-time comparison of n bytes: true when equal. */
bool alx_ct_equal(const void *a, const void *b, size_t n);

#endif
