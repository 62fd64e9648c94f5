/*
 * Commit batches: the mutations of one write transaction, in the order they
 * were made, encoded as one log record. The engine stores the record
 * opaquely with the transaction; the core decodes it for subscribers,
 * replication and log replay.
 *
 * Record layout (version 1):
 *   u8 version, varint count, then per mutation:
 *   u8 op (ALOPEX_MUT_PUT / ALOPEX_MUT_DELETE / ALOPEX_MUT_DELETE_RANGE),
 *   varint klen, key bytes, and for puts and range deletes varint vlen,
 *   value bytes (a range delete: key is the lower bound, the value the
 *   upper one; older readers reject the op as a malformed record).
 */
#ifndef ALX_KV_BATCH_H
#define ALX_KV_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "alopex.h"
#include "alopex_plugin.h"

struct alx_runtime;

#define ALX_BATCH_VERSION 1
/* Room reserved at the front for the header, filled in at finish. */
#define ALX_BATCH_HEADER_MAX (1 + 10)

struct alx_batch_writer {
	struct alx_runtime *rt;
	uint8_t *buf;
	size_t len, cap;
	uint64_t count;
};

void alx_batch_writer_init(struct alx_batch_writer *w, struct alx_runtime *rt);
void alx_batch_writer_fini(struct alx_batch_writer *w);
/* Forget the mutations, keep the buffer. */
void alx_batch_writer_reset(struct alx_batch_writer *w);
int alx_batch_add(struct alx_batch_writer *w, int op, alopex_slice key,
		  alopex_slice val);
/*
 * The finished record (valid until the writer changes), or an empty slice
 * when no mutation was added.
 */
alopex_slice alx_batch_finish(struct alx_batch_writer *w);

/*
 * Decode a record into an array of mutations pointing into `record`.
 * *out is allocated from rt (alx_free it); ALOPEX_ECORRUPT on a malformed
 * record.
 */
int alx_batch_decode(struct alx_runtime *rt, alopex_slice record,
		     alopex_mutation **out, size_t *count, alopex_diag *diag);

#endif
