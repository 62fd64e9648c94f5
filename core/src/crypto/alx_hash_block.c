/* Block buffering and Merkle-Damgard padding for MD5 and SHA-256. */
#include "crypto/alx_hash_block.h"

#include <string.h>

void alx_hash_block_init(struct alx_hash_block *b)
{
	b->total = 0;
	b->nbuf = 0;
}

void alx_hash_block_update(struct alx_hash_block *b, uint32_t *h,
			   alx_hash_compress_fn compress, const void *data,
			   size_t len)
{
	const uint8_t *p = data;
	b->total += len;
	if (b->nbuf > 0) {
		size_t take = ALX_HASH_BLOCK - b->nbuf;
		if (take > len)
			take = len;
		memcpy(b->buf + b->nbuf, p, take);
		b->nbuf += take;
		p += take;
		len -= take;
		if (b->nbuf < ALX_HASH_BLOCK)
			return;
		compress(h, b->buf);
		b->nbuf = 0;
	}
	for (; len >= ALX_HASH_BLOCK;
	     p += ALX_HASH_BLOCK, len -= ALX_HASH_BLOCK)
		compress(h, p);
	if (len > 0)
		memcpy(b->buf, p, len);
	b->nbuf = len;
}

void alx_hash_block_final(struct alx_hash_block *b, uint32_t *h,
			  alx_hash_compress_fn compress, bool big_endian)
{
	uint64_t bits = b->total * 8;
	b->buf[b->nbuf++] = 0x80;
	if (b->nbuf > ALX_HASH_BLOCK - 8) {
		memset(b->buf + b->nbuf, 0, ALX_HASH_BLOCK - b->nbuf);
		compress(h, b->buf);
		b->nbuf = 0;
	}
	memset(b->buf + b->nbuf, 0, ALX_HASH_BLOCK - 8 - b->nbuf);
	for (int i = 0; i < 8; i++)
		b->buf[ALX_HASH_BLOCK - 8 + i] =
			(uint8_t)(bits >> (big_endian ? 56 - 8 * i : 8 * i));
	compress(h, b->buf);
}
