/*
 * PostgreSQL binary send/recv formats, converted from and to PostgreSQL's
 * text output, per type OID: bool 16, bytea 17, int8 20, int2 21, int4 23,
 * text 25, oid 26, json 114, float4 700, float8 701, bpchar 1042,
 * varchar 1043, date 1082, timestamp 1114, timestamptz 1184, interval 1186,
 * numeric 1700, jsonb 3802, and pgvector's vector (int16 dim, int16 unused,
 * float4[dim] BE; its OID is assigned at CREATE EXTENSION time, so callers
 * pass PGW_OID_VECTOR for it).
 *
 * Text is exactly PostgreSQL's text output (DateStyle ISO, MDY; timestamptz
 * text carries its offset and is stored as UTC; IntervalStyle postgres;
 * float text is shortest-exact so strtod round-trips). Pure: no I/O, no
 * core headers. Errors: -EINVAL (bad input, message in err), -ENOTSUP
 * (OID not handled), -ENOMEM.
 */
#ifndef PGW_BINARY_H
#define PGW_BINARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pgw_msg.h"

/* Alopex's fixed OID for vector (pgvector has none; see above). */
#define PGW_OID_VECTOR 16385u

int pgw_text_to_binary(uint32_t oid, const char *text, size_t n,
		       struct pgw_buf *out, char *err,
		       size_t errlen); /* appends the binary value */
int pgw_binary_to_text(uint32_t oid, const uint8_t *p, size_t n,
		       struct pgw_buf *out, char *err,
		       size_t errlen); /* appends text, NUL-terminated */
bool pgw_binary_supported(uint32_t oid);

#endif
