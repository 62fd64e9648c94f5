/*
 * What MD5 (RFC 1321) and SHA-256 (FIPS 180-4) share: 64-byte blocks fed
 * to a compression function, and the padding of the last one (a 0x80 byte,
 * zeros, then the message length in bits as 64 bits, little-endian for MD5
 * and big-endian for SHA-256). Each hash keeps its own chaining state h.
 */
#ifndef ALX_HASH_BLOCK_H
#define ALX_HASH_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ALX_HASH_BLOCK 64

typedef void (*alx_hash_compress_fn)(uint32_t *h,
				     const uint8_t blk[ALX_HASH_BLOCK]);

struct alx_hash_block {
	uint64_t total; /* bytes hashed so far */
	uint8_t buf[ALX_HASH_BLOCK];
	size_t nbuf;
};

void alx_hash_block_init(struct alx_hash_block *b);
/* Feeds data: every whole block goes through compress with h. */
void alx_hash_block_update(struct alx_hash_block *b, uint32_t *h,
			   alx_hash_compress_fn compress, const void *data,
			   size_t len);
/* Pads and compresses the last block(s); h is then the digest's words. */
void alx_hash_block_final(struct alx_hash_block *b, uint32_t *h,
			  alx_hash_compress_fn compress, bool big_endian);

#endif
