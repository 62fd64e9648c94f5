/*
 * YAML to one generic tree: libyaml's event parser feeds a recursive builder
 * (depth bounded by ALX_CFG_MAX_DEPTH) that keeps every node's file:line:col.
 * Anything a config file has no use for is rejected rather than interpreted:
 * aliases and anchors, non-scalar keys, duplicate keys, several documents,
 * NUL characters.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "config/alx_config.h"
#include "config/cfg_internal.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"

struct alx_cfg_doc {
	struct alx_runtime *rt;
	char *file; /* the name every node's file points to */
	struct alx_cfg_node *root;
};

struct cfg_parser {
	struct alx_runtime *rt;
	yaml_parser_t yp;
	const char *file;
	const unsigned char *text; /* for the position of reader errors */
	size_t len;
	alopex_diag *diag;
};

/* ---- allocation and small helpers -------------------------------------- */

void *alx_cfg_calloc(struct alx_runtime *rt, size_t size)
{
	if (rt == NULL)
		return calloc(1, size);
	return alx_calloc(rt, 1, size);
}

void *alx_cfg_realloc(struct alx_runtime *rt, void *ptr, size_t size)
{
	if (rt == NULL)
		return realloc(ptr, size);
	return alx_realloc(rt, ptr, size);
}

void alx_cfg_mfree(struct alx_runtime *rt, void *ptr)
{
	if (rt == NULL)
		free(ptr);
	else
		alx_free(rt, ptr);
}

char *alx_cfg_strdup(struct alx_runtime *rt, const char *s)
{
	size_t n = strlen(s) + 1;
	char *copy = alx_cfg_calloc(rt, n);
	if (copy != NULL)
		memcpy(copy, s, n);
	return copy;
}

int alx_cfg_error(alopex_diag *diag, int code, const struct alx_cfg_node *node,
		  const char *fmt, ...)
{
	char msg[sizeof(diag->message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (node == NULL)
		return alx_diag_set(diag, code, NULL, "%s", msg);
	return alx_diag_set_at(diag, code, node->file, node->line, node->col,
			       "%s", msg);
}

int alx_cfg_is_null(const struct alx_cfg_node *node)
{
	if (node == NULL || node->kind != ALX_CFG_SCALAR || node->quoted)
		return 0;
	const char *s = node->scalar;
	return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

const char *alx_cfg_kind_name(const struct alx_cfg_node *node)
{
	switch (node->kind) {
	case ALX_CFG_MAP:
		return "a map";
	case ALX_CFG_SEQ:
		return "a list";
	default:
		return "a scalar";
	}
}

const struct alx_cfg_node *alx_cfg_map_get(const struct alx_cfg_node *map,
					   const char *key)
{
	if (map == NULL || map->kind != ALX_CFG_MAP || key == NULL)
		return NULL;
	for (size_t i = 0; i < map->count; i++) {
		if (strcmp(map->keys[i]->scalar, key) == 0)
			return map->items[i];
	}
	return NULL;
}

const struct alx_cfg_node *alx_cfg_doc_root(const struct alx_cfg_doc *doc)
{
	return doc != NULL ? doc->root : NULL;
}

/* ---- nodes -------------------------------------------------------------- */

static void node_free(struct alx_runtime *rt, struct alx_cfg_node *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->count; i++) {
		if (n->keys != NULL)
			node_free(rt, n->keys[i]);
		node_free(rt, n->items[i]);
	}
	alx_cfg_mfree(rt, n->keys);
	alx_cfg_mfree(rt, n->items);
	alx_cfg_mfree(rt, n->scalar);
	alx_cfg_mfree(rt, n);
}

static struct alx_cfg_node *node_new(struct cfg_parser *p, int kind,
				     yaml_mark_t mark)
{
	struct alx_cfg_node *n = alx_cfg_calloc(p->rt, sizeof(*n));
	if (n == NULL)
		return NULL;
	n->kind = kind;
	n->file = p->file;
	n->line = (unsigned)mark.line + 1;
	n->col = (unsigned)mark.column + 1;
	return n;
}

/* Append an item (and for maps its key); *cap is the arrays' capacity. */
static int node_append(struct cfg_parser *p, struct alx_cfg_node *n,
		       size_t *cap, struct alx_cfg_node *key,
		       struct alx_cfg_node *item)
{
	if (n->count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		struct alx_cfg_node **items =
			alx_cfg_realloc(p->rt, n->items, ncap * sizeof(*items));
		if (items == NULL)
			return ALOPEX_ENOMEM;
		n->items = items;
		if (n->kind == ALX_CFG_MAP) {
			struct alx_cfg_node **keys = alx_cfg_realloc(
				p->rt, n->keys, ncap * sizeof(*keys));
			if (keys == NULL)
				return ALOPEX_ENOMEM;
			n->keys = keys;
		}
		*cap = ncap;
	}
	if (n->kind == ALX_CFG_MAP)
		n->keys[n->count] = key;
	n->items[n->count] = item;
	n->count++;
	return 0;
}

static int nomem(struct cfg_parser *p)
{
	return alx_diag_set(p->diag, ALOPEX_ENOMEM, NULL,
			    "%s: out of memory while reading the config",
			    p->file);
}

/* ---- events ------------------------------------------------------------- */

static int syntax_error(struct cfg_parser *p)
{
	yaml_parser_t *yp = &p->yp;
	const char *problem = yp->problem ? yp->problem : "unknown problem";
	struct alx_cfg_node at = {.file = p->file};

	if (yp->error == YAML_MEMORY_ERROR)
		return nomem(p);
	if (yp->error == YAML_READER_ERROR) {
		/* Reader errors (bad encoding) carry only a byte offset. */
		size_t end = yp->problem_offset < p->len ? yp->problem_offset
							 : p->len;
		at.line = 1;
		at.col = 1;
		for (size_t i = 0; i < end; i++) {
			if (p->text[i] == '\n') {
				at.line++;
				at.col = 1;
			} else {
				at.col++;
			}
		}
		if (yp->problem_value != -1)
			return alx_cfg_error(p->diag, ALOPEX_ECONFIG, &at,
					     "YAML syntax error: %s (#x%X)",
					     problem,
					     (unsigned)yp->problem_value);
		return alx_cfg_error(p->diag, ALOPEX_ECONFIG, &at,
				     "YAML syntax error: %s", problem);
	}
	at.line = (unsigned)yp->problem_mark.line + 1;
	at.col = (unsigned)yp->problem_mark.column + 1;
	if (yp->context != NULL)
		return alx_cfg_error(p->diag, ALOPEX_ECONFIG, &at,
				     "YAML syntax error: %s (%s at line %u, "
				     "column %u)",
				     problem, yp->context,
				     (unsigned)yp->context_mark.line + 1,
				     (unsigned)yp->context_mark.column + 1);
	return alx_cfg_error(p->diag, ALOPEX_ECONFIG, &at,
			     "YAML syntax error: %s", problem);
}

static int next_event(struct cfg_parser *p, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&p->yp, ev))
		return syntax_error(p);
	return 0;
}

/* An error at the start of event ev. */
static int event_error(struct cfg_parser *p, const yaml_event_t *ev,
		       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int event_error(struct cfg_parser *p, const yaml_event_t *ev,
		       const char *fmt, ...)
{
	char msg[sizeof(p->diag->message)];
	struct alx_cfg_node at = {
		.file = p->file,
		.line = (unsigned)ev->start_mark.line + 1,
		.col = (unsigned)ev->start_mark.column + 1,
	};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return alx_cfg_error(p->diag, ALOPEX_ECONFIG, &at, "%s", msg);
}

/* The anchor of a node-starting event, or NULL. */
static const char *event_anchor(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return (const char *)ev->data.scalar.anchor;
	case YAML_SEQUENCE_START_EVENT:
		return (const char *)ev->data.sequence_start.anchor;
	case YAML_MAPPING_START_EVENT:
		return (const char *)ev->data.mapping_start.anchor;
	default:
		return NULL;
	}
}

/* ---- building ----------------------------------------------------------- */

static int build_node(struct cfg_parser *p, yaml_event_t *ev, unsigned depth,
		      struct alx_cfg_node **out);

static int key_cmp(const void *a, const void *b)
{
	const struct alx_cfg_node *x = *(const struct alx_cfg_node *const *)a;
	const struct alx_cfg_node *y = *(const struct alx_cfg_node *const *)b;
	int c = strcmp(x->scalar, y->scalar);
	if (c != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

static int pos_before(const struct alx_cfg_node *x,
		      const struct alx_cfg_node *y)
{
	return x->line < y->line || (x->line == y->line && x->col < y->col);
}

/*
 * Report the duplicate key that comes first in the file. Sorting keeps this
 * O(n log n) for the huge maps a fuzzer writes.
 */
static int check_duplicates(struct cfg_parser *p, struct alx_cfg_node *map)
{
	const struct alx_cfg_node *dup = NULL, *first = NULL;
	struct alx_cfg_node **sorted;

	if (map->count < 2)
		return 0;
	sorted = alx_cfg_calloc(p->rt, map->count * sizeof(*sorted));
	if (sorted == NULL)
		return nomem(p);
	memcpy(sorted, map->keys, map->count * sizeof(*sorted));
	qsort(sorted, map->count, sizeof(*sorted), key_cmp);
	for (size_t i = 1; i < map->count; i++) {
		if (strcmp(sorted[i]->scalar, sorted[i - 1]->scalar) != 0)
			continue;
		if (dup == NULL || pos_before(sorted[i], dup)) {
			dup = sorted[i];
			first = sorted[i - 1];
		}
		/* Only the second of a run matters: the earliest repeat. */
		while (i + 1 < map->count &&
		       strcmp(sorted[i + 1]->scalar, sorted[i]->scalar) == 0)
			i++;
	}
	alx_cfg_mfree(p->rt, sorted);
	if (dup == NULL)
		return 0;
	return alx_cfg_error(p->diag, ALOPEX_ECONFIG, dup,
			     "duplicate key '%s' (first given at line %u, "
			     "column %u)",
			     dup->scalar, first->line, first->col);
}

static int build_scalar(struct cfg_parser *p, yaml_event_t *ev,
			struct alx_cfg_node **out)
{
	size_t len = ev->data.scalar.length;
	const char *value = (const char *)ev->data.scalar.value;
	struct alx_cfg_node *n;

	/* A NUL would silently cut the text short everywhere it is used. */
	if (memchr(value, '\0', len) != NULL)
		return event_error(p, ev, "NUL character in a value");
	n = node_new(p, ALX_CFG_SCALAR, ev->start_mark);
	if (n == NULL)
		return nomem(p);
	n->scalar = alx_cfg_calloc(p->rt, len + 1);
	if (n->scalar == NULL) {
		node_free(p->rt, n);
		return nomem(p);
	}
	memcpy(n->scalar, value, len);
	n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
	*out = n;
	return 0;
}

/* Children of a sequence or map, up to its end event. */
static int build_children(struct cfg_parser *p, struct alx_cfg_node *n,
			  unsigned depth)
{
	yaml_event_type_t end = n->kind == ALX_CFG_MAP
					? YAML_MAPPING_END_EVENT
					: YAML_SEQUENCE_END_EVENT;
	size_t cap = 0;
	yaml_event_t ev;
	int rc;

	for (;;) {
		struct alx_cfg_node *key = NULL, *item = NULL;

		if ((rc = next_event(p, &ev)) != 0)
			return rc;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			break;
		}
		if (n->kind == ALX_CFG_MAP) {
			if (ev.type == YAML_MAPPING_START_EVENT ||
			    ev.type == YAML_SEQUENCE_START_EVENT) {
				rc = event_error(
					p, &ev,
					"map keys must be scalars, not %s",
					ev.type == YAML_MAPPING_START_EVENT
						? "a map"
						: "a list");
				yaml_event_delete(&ev);
				return rc;
			}
			if ((rc = build_node(p, &ev, depth, &key)) != 0)
				return rc;
			if ((rc = next_event(p, &ev)) != 0) {
				node_free(p->rt, key);
				return rc;
			}
		}
		if ((rc = build_node(p, &ev, depth, &item)) != 0) {
			node_free(p->rt, key);
			return rc;
		}
		if (node_append(p, n, &cap, key, item) != 0) {
			node_free(p->rt, key);
			node_free(p->rt, item);
			return nomem(p);
		}
	}
	if (n->kind == ALX_CFG_MAP)
		return check_duplicates(p, n);
	return 0;
}

/*
 * Build the node that `ev` starts, consuming events up to its end. Takes
 * ownership of ev. depth is the nesting level of a collection ev starts.
 */
static int build_node(struct cfg_parser *p, yaml_event_t *ev, unsigned depth,
		      struct alx_cfg_node **out)
{
	struct alx_cfg_node *n = NULL;
	const char *anchor = event_anchor(ev);
	int rc;

	if (ev->type == YAML_ALIAS_EVENT) {
		rc = event_error(p, ev,
				 "YAML aliases are not supported (*%s); "
				 "write the value out in full",
				 (const char *)ev->data.alias.anchor);
		goto fail;
	}
	if (anchor != NULL) {
		rc = event_error(p, ev,
				 "YAML anchors are not supported (&%s); "
				 "write the values out in full",
				 anchor);
		goto fail;
	}
	if (ev->type == YAML_SCALAR_EVENT) {
		rc = build_scalar(p, ev, out);
		yaml_event_delete(ev);
		return rc;
	}
	if (ev->type != YAML_MAPPING_START_EVENT &&
	    ev->type != YAML_SEQUENCE_START_EVENT) {
		/* libyaml only emits node events here; be safe anyway. */
		rc = event_error(p, ev, "unexpected YAML event");
		goto fail;
	}
	if (depth > ALX_CFG_MAX_DEPTH) {
		rc = event_error(p, ev,
				 "maps and lists nested deeper than %d levels",
				 ALX_CFG_MAX_DEPTH);
		goto fail;
	}
	n = node_new(p,
		     ev->type == YAML_MAPPING_START_EVENT ? ALX_CFG_MAP
							  : ALX_CFG_SEQ,
		     ev->start_mark);
	yaml_event_delete(ev);
	if (n == NULL)
		return nomem(p);
	if ((rc = build_children(p, n, depth + 1)) != 0) {
		node_free(p->rt, n);
		return rc;
	}
	*out = n;
	return 0;
fail:
	yaml_event_delete(ev);
	return rc;
}

/* Expect an event of `type` (stream/document framing). */
static int expect_event(struct cfg_parser *p, yaml_event_type_t type)
{
	yaml_event_t ev;
	int rc = next_event(p, &ev);
	if (rc != 0)
		return rc;
	if (ev.type != type) {
		rc = event_error(p, &ev, "unexpected YAML structure");
		yaml_event_delete(&ev);
		return rc;
	}
	yaml_event_delete(&ev);
	return 0;
}

/* The stream's one document; NULL root for an empty stream. */
static int build_stream(struct cfg_parser *p, struct alx_cfg_node **root)
{
	yaml_event_t ev;
	int rc;

	if ((rc = expect_event(p, YAML_STREAM_START_EVENT)) != 0)
		return rc;
	if ((rc = next_event(p, &ev)) != 0)
		return rc;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		*root = NULL;
		return 0;
	}
	yaml_event_delete(&ev); /* DOCUMENT_START */
	if ((rc = next_event(p, &ev)) != 0)
		return rc;
	if ((rc = build_node(p, &ev, 1, root)) != 0)
		return rc;
	if ((rc = expect_event(p, YAML_DOCUMENT_END_EVENT)) != 0)
		goto fail;
	if ((rc = next_event(p, &ev)) != 0)
		goto fail;
	if (ev.type == YAML_DOCUMENT_START_EVENT) {
		rc = event_error(p, &ev,
				 "more than one YAML document; a config file "
				 "holds one");
		yaml_event_delete(&ev);
		goto fail;
	}
	yaml_event_delete(&ev); /* STREAM_END */
	return 0;
fail:
	node_free(p->rt, *root);
	*root = NULL;
	return rc;
}

void alx_cfg_doc_destroy(struct alx_cfg_doc *doc)
{
	if (doc == NULL)
		return;
	node_free(doc->rt, doc->root);
	alx_cfg_mfree(doc->rt, doc->file);
	alx_cfg_mfree(doc->rt, doc);
}

/*
 * Parse text into a doc. An empty stream (or a document that is only a null)
 * becomes an empty map when empty_map is set, else a null scalar.
 */
static int parse_text(struct alx_runtime *rt, const char *name,
		      const char *text, size_t len, int empty_map,
		      struct alx_cfg_doc **out, alopex_diag *diag)
{
	static const unsigned char empty[1];
	struct cfg_parser p = {.rt = rt, .diag = diag};
	struct alx_cfg_doc *doc = NULL;
	struct alx_cfg_node *root = NULL;
	int rc;

	if (name == NULL)
		name = "<string>";
	if (len > ALX_CFG_MAX_BYTES)
		return alx_diag_set(diag, ALOPEX_ECONFIG, NULL,
				    "%s: config is larger than 1 MiB (%zu "
				    "bytes)",
				    name, len);
	doc = alx_cfg_calloc(rt, sizeof(*doc));
	if (doc == NULL ||
	    (doc->rt = rt, doc->file = alx_cfg_strdup(rt, name)) == NULL) {
		alx_cfg_mfree(rt, doc);
		return alx_diag_set(diag, ALOPEX_ENOMEM, NULL,
				    "%s: out of memory while reading the "
				    "config",
				    name);
	}
	p.file = doc->file;
	p.text = len > 0 ? (const unsigned char *)text : empty;
	p.len = len;
	if (!yaml_parser_initialize(&p.yp)) {
		alx_cfg_doc_destroy(doc);
		return alx_diag_set(diag, ALOPEX_ENOMEM, NULL,
				    "%s: cannot initialise the YAML parser",
				    name);
	}
	yaml_parser_set_input_string(&p.yp, p.text, len);
	rc = build_stream(&p, &root);
	yaml_parser_delete(&p.yp);
	if (rc != 0)
		goto fail;
	if (root != NULL && empty_map && alx_cfg_is_null(root)) {
		unsigned line = root->line, col = root->col;
		node_free(rt, root);
		root = alx_cfg_calloc(rt, sizeof(*root));
		if (root == NULL)
			goto nomem;
		root->kind = ALX_CFG_MAP;
		root->file = doc->file;
		root->line = line;
		root->col = col;
	} else if (root == NULL) {
		root = alx_cfg_calloc(rt, sizeof(*root));
		if (root == NULL)
			goto nomem;
		root->kind = empty_map ? ALX_CFG_MAP : ALX_CFG_SCALAR;
		root->file = doc->file;
		root->line = 1;
		root->col = 1;
		if (!empty_map &&
		    (root->scalar = alx_cfg_calloc(rt, 1)) == NULL) {
			alx_cfg_mfree(rt, root);
			goto nomem;
		}
	}
	doc->root = root;
	*out = doc;
	return 0;
nomem:
	rc = alx_diag_set(diag, ALOPEX_ENOMEM, NULL,
			  "%s: out of memory while reading the config", name);
fail:
	alx_cfg_doc_destroy(doc);
	return rc;
}

int alx_cfg_parse_string(struct alx_runtime *rt, const char *name,
			 const char *text, size_t len, struct alx_cfg_doc **out,
			 alopex_diag *diag)
{
	return parse_text(rt, name, text, len, 1, out, diag);
}

int alx_cfg_parse_value(struct alx_runtime *rt, const char *name,
			const char *text, size_t len, struct alx_cfg_doc **out,
			alopex_diag *diag)
{
	return parse_text(rt, name, text, len, 0, out, diag);
}

static int read_error(alopex_diag *diag, const char *path, int err)
{
	char buf[128];
	const char *msg = strerror_r(err, buf, sizeof(buf));
	return alx_diag_set(diag, err == ENOENT ? ALOPEX_ENOTFOUND : ALOPEX_EIO,
			    NULL, "cannot read config file '%s': %s", path,
			    msg);
}

int alx_cfg_parse_file(struct alx_runtime *rt, const char *path,
		       struct alx_cfg_doc **out, alopex_diag *diag)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	FILE *f;
	int rc;

	if (path == NULL)
		return alx_diag_set(diag, ALOPEX_EINVAL, NULL,
				    "no config file path given");
	f = fopen(path, "rb");
	if (f == NULL)
		return read_error(diag, path, errno);
	/* Read one byte past the limit to tell "at the limit" from "over". */
	while (len <= ALX_CFG_MAX_BYTES) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			char *nbuf;
			if (ncap > ALX_CFG_MAX_BYTES + 1)
				ncap = ALX_CFG_MAX_BYTES + 1;
			nbuf = alx_cfg_realloc(rt, buf, ncap);
			if (nbuf == NULL) {
				rc = alx_diag_set(diag, ALOPEX_ENOMEM, NULL,
						  "%s: out of memory while "
						  "reading the config",
						  path);
				goto done;
			}
			buf = nbuf;
			cap = ncap;
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f)) {
				rc = read_error(diag, path, errno);
				goto done;
			}
			break;
		}
	}
	if (len > ALX_CFG_MAX_BYTES) {
		rc = alx_diag_set(diag, ALOPEX_ECONFIG, NULL,
				  "config file '%s' is larger than 1 MiB",
				  path);
		goto done;
	}
	rc = parse_text(rt, path, buf, len, 1, out, diag);
done:
	fclose(f);
	alx_cfg_mfree(rt, buf);
	return rc;
}
