/*
 * SHA-256 (FIPS 180-4), HMAC-SHA-256 (RFC 2104) and PBKDF2-HMAC-SHA-256
 * (RFC 8018), written from the specifications so the core needs no crypto
 * library (it must also build for WASM). Enough for SCRAM-SHA-256; not
 * constant-time against cache attacks beyond what the algorithms are.
 */
#ifndef ALX_SHA256_H
#define ALX_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/alx_hash_block.h"

#define ALX_SHA256_LEN 32
#define ALX_SHA256_BLOCK ALX_HASH_BLOCK

struct alx_sha256 {
	uint32_t h[8];
	struct alx_hash_block blk;
};

void alx_sha256_init(struct alx_sha256 *c);
void alx_sha256_update(struct alx_sha256 *c, const void *data, size_t len);
/* Writes the digest; c must be initialised again before reuse. */
void alx_sha256_final(struct alx_sha256 *c, uint8_t out[ALX_SHA256_LEN]);
void alx_sha256(const void *data, size_t len, uint8_t out[ALX_SHA256_LEN]);

struct alx_hmac_sha256 {
	struct alx_sha256 inner, outer;
};

void alx_hmac_sha256_init(struct alx_hmac_sha256 *c, const void *key,
			  size_t keylen);
void alx_hmac_sha256_update(struct alx_hmac_sha256 *c, const void *data,
			    size_t len);
void alx_hmac_sha256_final(struct alx_hmac_sha256 *c,
			   uint8_t out[ALX_SHA256_LEN]);
void alx_hmac_sha256(const void *key, size_t keylen, const void *data,
		     size_t len, uint8_t out[ALX_SHA256_LEN]);

/*
 * PBKDF2 with HMAC-SHA-256: dklen bytes into out. iterations >= 1;
 * ALOPEX_EINVAL otherwise (or for a dklen past RFC 8018's bound).
 */
int alx_pbkdf2_sha256(const void *password, size_t pwlen, const void *salt,
		      size_t saltlen, uint32_t iterations, uint8_t *out,
		      size_t dklen);

/* Zero memory in a way the compiler keeps (secrets on the stack). */
void alx_secure_zero(void *p, size_t n);

#endif
