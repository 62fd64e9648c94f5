/*
 * JSON and JSONB: validated on input with PostgreSQL 15's messages; JSONB
 * normalised to the text PostgreSQL prints for it.
 *
 * Errors are ALOPEX_ESQL. The message's first line is PostgreSQL's errmsg;
 * a second line, after '\n', is its DETAIL (PostgreSQL's CONTEXT line, "JSON
 * data, line 1: ...", is not reproduced):
 *   22P02 "invalid input syntax for type json\nToken \"x\" is invalid."
 *   22P05 "unsupported Unicode escape sequence\n\u0000 cannot be converted
 *         to text."                                     (jsonb, ->> only)
 *   22003 "value overflows numeric format"              (jsonb numbers)
 *   54001 "stack depth limit exceeded"  (nesting deeper than
 *         ALX_JSON_MAX_DEPTH; PostgreSQL's limit depends on its stack and
 *         lies between 10,000 and 20,000 levels)
 */
#ifndef ALX_SQL_JSON_H
#define ALX_SQL_JSON_H

#include <stddef.h>

#include "alopex.h"

struct alx_arena;

#define ALX_JSON_MAX_DEPTH 10000

/* JSON: strict RFC 8259 as PostgreSQL's lexer; the text is kept as is. */
int alx_json_validate(const char *text, size_t len, alopex_diag *d);
/*
 * JSONB: the text PostgreSQL prints for the same input (", " and ": "
 * separators, duplicate keys removed keeping the last, keys ordered by
 * length then bytes, numbers as NUMERIC prints them: 1e2 -> 100, 1.0 ->
 * 1.0, -0 -> 0; strings de-escaped and re-escaped as PostgreSQL does).
 * The output is NUL-terminated.
 */
int alx_jsonb_normalize(struct alx_arena *a, const char *text, size_t len,
			const char **out, size_t *out_len, alopex_diag *d);
/*
 * `doc -> key`, `doc -> index`, `->>` (as_text) on a valid json or jsonb
 * text (jsonb: its normalised text). key NULL: use index (negative counts
 * from the end). json keeps the last of duplicate keys, as PostgreSQL's
 * json operators do. `->` gives the value's text (json: the input's own
 * bytes); `->>` of a string gives its de-escaped text, of null *found 0.
 * *found 0 gives SQL NULL. out is NUL-terminated and, like all
 * working memory, comes from the arena (required). A jsonb scalar answers
 * index 0 and -1 with itself, as PostgreSQL's does.
 */
int alx_json_get(struct alx_arena *a, const char *doc, size_t len,
		 const char *key, size_t key_len, long index, int as_text,
		 int jsonb, const char **out, size_t *out_len, int *found,
		 alopex_diag *d);

/* One element of a `#>` path: text, read as an integer for arrays. */
struct alx_json_path_elem {
	const char *ptr;
	size_t len;
};
/* `doc #> path` and `#>>` (as_text); an empty path gives the document. */
int alx_json_get_path(struct alx_arena *a, const char *doc, size_t len,
		      const struct alx_json_path_elem *path, size_t npath,
		      int as_text, int jsonb, const char **out, size_t *out_len,
		      int *found, alopex_diag *d);

#endif
