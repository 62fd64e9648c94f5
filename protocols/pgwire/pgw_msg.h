/*
 * pgwire message codec: a pure parser for frontend (client -> server)
 * messages and encoders for backend (server -> client) messages, protocol
 * version 3.0. No I/O and no core headers: the parser reads a byte slice
 * and the encoders append to a caller-owned growable buffer, so the session
 * state machine (pgw_session.c) and the fuzz target share one code path.
 *
 * Errors are negative errno values (-EPROTO malformed input, -ENOMEM): the
 * session maps them to SQLSTATEs (08P01 for protocol violations, 54000 for
 * oversized messages).
 */
#ifndef PGW_MSG_H
#define PGW_MSG_H

#include <stddef.h>
#include <stdint.h>

/* Borrowed bytes; not NUL-terminated. */
struct pgw_slice {
	const uint8_t *p;
	size_t n;
};

/* Growable malloc'd output buffer; zero-initialise before first use. */
struct pgw_buf {
	uint8_t *p;
	size_t len, cap;
};

/* Frees the storage and resets *b to empty; NULL-safe. */
void pgw_buf_free(struct pgw_buf *b);
/* Makes room for `extra` more bytes after len: 0 or -ENOMEM. */
int pgw_buf_reserve(struct pgw_buf *b, size_t extra);

enum pgw_fe_kind {
	PGW_FE_STARTUP = 1,
	PGW_FE_SSL_REQUEST,
	PGW_FE_GSSENC_REQUEST,
	PGW_FE_CANCEL,
	PGW_FE_QUERY,
	PGW_FE_PARSE,
	PGW_FE_BIND,
	PGW_FE_DESCRIBE,
	PGW_FE_EXECUTE,
	PGW_FE_SYNC,
	PGW_FE_FLUSH,
	PGW_FE_CLOSE,
	PGW_FE_TERMINATE,
	PGW_FE_COPY_DATA,
	PGW_FE_COPY_DONE,
	PGW_FE_COPY_FAIL,
	PGW_FE_PASSWORD, /* 'p': raw body; interpret with pgw_parse_sasl_initial/_response */
	PGW_FE_FUNCTION_CALL /* 'F': parsed only to reject with 0A000 */
};

#define PGW_MAX_PARAMS 65535

/*
 * One parsed frontend message. Slices and raw pointers point into the
 * buffer given to pgw_parse() and live as long as it does.
 */
struct pgw_fe_msg {
	enum pgw_fe_kind kind;
	union {
		struct {
			uint32_t version; /* 196608 = 3.0 */
			size_t nparams;
			struct pgw_slice names[64], values[64];
		} startup; /* > 64 pairs: error */
		struct {
			int32_t pid;
			int32_t key;
		} cancel;
		struct {
			struct pgw_slice sql;
		} query;
		struct {
			struct pgw_slice name, sql;
			uint16_t ntypes;
			const uint8_t *types;
		} parse;
		/* types: ntypes big-endian uint32 OIDs, read with pgw_get_u32(types + 4*i) */
		struct {
			struct pgw_slice portal, stmt;
			uint16_t nfmts;
			const uint8_t *fmts;
			uint16_t nparams;
			const uint8_t
				*params; /* raw; walk with pgw_bind_param() */
			uint16_t nrfmts;
			const uint8_t *rfmts;
		} bind;
		struct {
			char what; /* 'S' or 'P' */
			struct pgw_slice name;
		} describe, close;
		struct {
			struct pgw_slice portal;
			int32_t max_rows;
		} execute;
		struct {
			struct pgw_slice data;
		} copy_data, password;
		struct {
			struct pgw_slice msg;
		} copy_fail;
	} u;
};

/* Big-endian loads from unaligned memory. */
uint32_t pgw_get_u32(const uint8_t *p);
uint16_t pgw_get_u16(const uint8_t *p);

/*
 * i-th bind parameter: *is_null, value slice; 0 or -EPROTO. The parser
 * already validated the parameter area, so -EPROTO means i >= nparams.
 */
int pgw_bind_param(const struct pgw_fe_msg *bind, uint16_t i, int *is_null,
		   struct pgw_slice *val);
/* Format code of parameter i (0 text, 1 binary), applying PG's rule: no
 * codes -> all text, one code -> applies to all. */
int pgw_bind_param_format(const struct pgw_fe_msg *bind, uint16_t i);
/* Format code of result column col, same rule as above. */
int pgw_bind_result_format(const struct pgw_fe_msg *bind, uint16_t col);

/*
 * Parse one message from buf[0..len). Returns 1 and sets *used when a whole
 * message was parsed (out's slices point into buf), 0 when more bytes are
 * needed, or a negative error with a PG-style message in err (e.g. "invalid
 * message length", "unexpected message type 0x..", "message too large (N
 * bytes; max M)"). startup_phase selects the untyped startup packet format.
 * max_len bounds the declared length (oversized -> error before buffering).
 */
int pgw_parse(const uint8_t *buf, size_t len, int startup_phase, size_t max_len,
	      struct pgw_fe_msg *out, size_t *used, char *err, size_t errlen);
/*
 * SASLInitialResponse body ('p' during SASL): mechanism name and the
 * client-first-message (empty slice when the length is -1). 0 or -EPROTO.
 */
int pgw_parse_sasl_initial(struct pgw_slice body, struct pgw_slice *mech,
			   struct pgw_slice *data);

/* Backend encoders append one message to b; 0 or -ENOMEM. */

/* 'R': code 0 ok, 3 cleartext, 10 SASL (extra = NUL-separated mechanism
 * list incl. the final empty name), 11 SASLContinue, 12 SASLFinal. */
int pgw_put_auth(struct pgw_buf *b, uint32_t code, const void *extra, size_t n);
int pgw_put_param_status(struct pgw_buf *b, const char *name,
			 const char *value);
int pgw_put_backend_key(struct pgw_buf *b, int32_t pid, int32_t key);
int pgw_put_ready(struct pgw_buf *b, char status); /* 'I','T','E' */

struct pgw_coldesc {
	const char *name;
	uint32_t table_oid;
	int16_t attnum;
	uint32_t type_oid;
	int16_t typlen;
	int32_t typmod;
	int16_t format;
};
int pgw_put_row_desc(struct pgw_buf *b, const struct pgw_coldesc *c,
		     uint16_t n);
int pgw_put_param_desc(struct pgw_buf *b, const uint32_t *oids, uint16_t n);
int pgw_put_no_data(struct pgw_buf *b);

/* DataRow in three steps so column values can be encoded in place. */
size_t pgw_row_begin(
	struct pgw_buf *b,
	uint16_t ncols); /* returns offset; or SIZE_MAX on ENOMEM */
int pgw_row_col(struct pgw_buf *b, const void *v,
		int32_t n);			 /* n = -1 for NULL */
void pgw_row_end(struct pgw_buf *b, size_t off); /* patches the length */

int pgw_put_complete(struct pgw_buf *b, const char *tag);
/* Body-less messages: '1','2','3','n','s','I'(empty query),'c' */
int pgw_put_simple(struct pgw_buf *b, char type);

/*
 * ErrorResponse/NoticeResponse fields; NULL pointers are omitted. severity
 * goes out as both 'S' and 'V'; context is the 'W' field, and where is
 * used for 'W' only when context is NULL.
 */
struct pgw_err_fields {
	char severity[8];
	const char *sqlstate, *message, *detail, *hint, *position, *context,
		*where;
};
int pgw_put_error(struct pgw_buf *b, char type /* 'E' or 'N' */,
		  const struct pgw_err_fields *f);
int pgw_put_copy_response(struct pgw_buf *b, char type /* 'G','H' */,
			  int binary, uint16_t ncols);
int pgw_put_copy_data(struct pgw_buf *b, const void *p, size_t n);

/* ---- appended after the first contract ---- */

/*
 * Error codes of pgw_parse(), for the session's SQLSTATE table:
 *   -EPROTO   protocol violation (08P01; PG closes the connection),
 *   -EMSGSIZE declared length above the bound (PG: 08P01 too, and closes),
 *   -EINVAL   "unsupported format code: N" in Bind (22023; PG reports it
 *             as an ordinary error and the connection survives).
 * Encoders may also return -EMSGSIZE when a body exceeds int32 and
 * pgw_row_col -EINVAL for n < -1. After a failed pgw_row_col, drop the
 * partial row with b->len = off.
 */

/*
 * Sequential walk over Bind parameters: pgw_bind_param(i) rescans from the
 * first parameter, so use this to visit all of them in O(n).
 */
struct pgw_bind_iter {
	const uint8_t *cur;
	uint16_t i, n;
};
void pgw_bind_iter_init(struct pgw_bind_iter *it,
			const struct pgw_fe_msg *bind);
/* 1 and the next parameter, or 0 after the last one. */
int pgw_bind_iter_next(struct pgw_bind_iter *it, int *is_null,
		       struct pgw_slice *val);

/*
 * 'v' NegotiateProtocolVersion: for a startup packet with a 3.x minor
 * version above ours or "_pq_." options we do not know (PG 15 answers
 * these instead of failing).
 */
int pgw_put_negotiate_version(struct pgw_buf *b, uint32_t newest_minor,
			      const struct pgw_slice *opts, size_t nopts);

#endif
