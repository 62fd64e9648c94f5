/*
 * MD5 (RFC 1321), written from the specification as SHA-256 is, so the
 * core needs no crypto library (it must also build for WASM). For SQL's
 * md5() and checksums only: MD5 is broken for anything secret.
 */
#ifndef ALX_MD5_H
#define ALX_MD5_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/alx_hash_block.h"

#define ALX_MD5_LEN 16

struct alx_md5 {
	uint32_t h[4];
	struct alx_hash_block blk;
};

void alx_md5_init(struct alx_md5 *c);
void alx_md5_update(struct alx_md5 *c, const void *data, size_t len);
/* Writes the digest; c must be initialised again before reuse. */
void alx_md5_final(struct alx_md5 *c, uint8_t out[ALX_MD5_LEN]);
void alx_md5(const void *data, size_t len, uint8_t out[ALX_MD5_LEN]);

#endif
