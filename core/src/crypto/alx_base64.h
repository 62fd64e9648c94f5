/* Base64 (RFC 4648, standard alphabet, with padding), as SCRAM and
 * PostgreSQL's verifiers use it. */
#ifndef ALX_BASE64_H
#define ALX_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Encoded length of n bytes, without the NUL. */
#define ALX_BASE64_ENC_LEN(n) ((((n) + 2) / 3) * 4)

/* Encode into out (ALX_BASE64_ENC_LEN(len) + 1 bytes: NUL-terminated);
 * returns the length written without the NUL. */
size_t alx_base64_encode(const uint8_t *in, size_t len, char *out);

/*
 * Decode len characters into out (cap bytes). The input must be
 * canonical padded base64 (length a multiple of 4, '=' only at the end).
 * Returns the decoded length, or -1 for bad input or a too small out.
 */
long alx_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap);

#endif
