/* The YAML tree: shapes, positions and every rejection of cfg_tree.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_tests.h"
#include "runtime/alx_runtime.h"

static struct alx_runtime *rt;

static int setup(void)
{
	alopex_diag d;
	return alx_runtime_create(NULL, &rt, &d) == 0 ? 0 : -1;
}

static int teardown(void)
{
	alx_runtime_destroy(rt);
	rt = NULL;
	return 0;
}

/* The node at line:col of the given kind (scalar text when not NULL). */
static bool node_at(const struct alx_cfg_node *n, int kind, unsigned line,
		    unsigned col, const char *text)
{
	bool ok = n != NULL && n->kind == kind && n->line == line &&
		  n->col == col &&
		  (text == NULL ||
		   (n->scalar != NULL && strcmp(n->scalar, text) == 0));
	if (!ok && n != NULL)
		fprintf(stderr,
			"\n  expected kind %d at %u:%u '%s', got kind "
			"%d at %u:%u '%s'\n",
			kind, line, col, text ? text : "", n->kind, n->line,
			n->col, n->scalar ? n->scalar : "");
	return ok;
}

static void test_positions(void)
{
	const char *text = "a: 1\n"
			   "b:\n"
			   "  c: x\n"
			   "  d:\n"
			   "    - p\n"
			   "    - {q: 1, r: [2, 3]}\n"
			   "e: [f, g]\n"
			   "\"h\": 'i'\n"
			   "k:\n"
			   "- z\n";
	alopex_diag d;
	struct alx_cfg_doc *doc = cfgt_parse(rt, text, &d);
	CU_ASSERT_FATAL(doc != NULL);
	const struct alx_cfg_node *root = alx_cfg_doc_root(doc);

	CU_ASSERT(node_at(root, ALX_CFG_MAP, 1, 1, NULL));
	CU_ASSERT_EQUAL(root->count, 5);
	CU_ASSERT_STRING_EQUAL(root->file, CFGT_NAME);
	CU_ASSERT(node_at(root->keys[0], ALX_CFG_SCALAR, 1, 1, "a"));
	CU_ASSERT(node_at(root->items[0], ALX_CFG_SCALAR, 1, 4, "1"));
	CU_ASSERT_FALSE(root->items[0]->quoted);

	const struct alx_cfg_node *b = alx_cfg_map_get(root, "b");
	CU_ASSERT(node_at(b, ALX_CFG_MAP, 3, 3, NULL));
	CU_ASSERT(node_at(b->keys[0], ALX_CFG_SCALAR, 3, 3, "c"));
	CU_ASSERT(node_at(alx_cfg_map_get(b, "c"), ALX_CFG_SCALAR, 3, 6, "x"));
	CU_ASSERT(node_at(b->keys[1], ALX_CFG_SCALAR, 4, 3, "d"));

	const struct alx_cfg_node *seq = alx_cfg_map_get(b, "d");
	CU_ASSERT_FATAL(node_at(seq, ALX_CFG_SEQ, 5, 5, NULL));
	CU_ASSERT_EQUAL_FATAL(seq->count, 2);
	CU_ASSERT(seq->keys == NULL);
	CU_ASSERT(node_at(seq->items[0], ALX_CFG_SCALAR, 5, 7, "p"));

	/* Flow style: positions of the brackets and of each item. */
	const struct alx_cfg_node *flow = seq->items[1];
	CU_ASSERT_FATAL(node_at(flow, ALX_CFG_MAP, 6, 7, NULL));
	CU_ASSERT(node_at(flow->keys[0], ALX_CFG_SCALAR, 6, 8, "q"));
	CU_ASSERT(node_at(flow->items[0], ALX_CFG_SCALAR, 6, 11, "1"));
	CU_ASSERT(node_at(flow->keys[1], ALX_CFG_SCALAR, 6, 14, "r"));
	const struct alx_cfg_node *r = flow->items[1];
	CU_ASSERT_FATAL(node_at(r, ALX_CFG_SEQ, 6, 17, NULL));
	CU_ASSERT(node_at(r->items[0], ALX_CFG_SCALAR, 6, 18, "2"));
	CU_ASSERT(node_at(r->items[1], ALX_CFG_SCALAR, 6, 21, "3"));

	const struct alx_cfg_node *e = alx_cfg_map_get(root, "e");
	CU_ASSERT_FATAL(node_at(e, ALX_CFG_SEQ, 7, 4, NULL));
	CU_ASSERT(node_at(e->items[0], ALX_CFG_SCALAR, 7, 5, "f"));
	CU_ASSERT(node_at(e->items[1], ALX_CFG_SCALAR, 7, 8, "g"));

	/* Quoted scalars are marked; keys may be quoted too. */
	CU_ASSERT(node_at(root->keys[3], ALX_CFG_SCALAR, 8, 1, "h"));
	CU_ASSERT_TRUE(root->keys[3]->quoted);
	CU_ASSERT(node_at(root->items[3], ALX_CFG_SCALAR, 8, 6, "i"));
	CU_ASSERT_TRUE(root->items[3]->quoted);

	/* A sequence not indented under its key. */
	const struct alx_cfg_node *k = alx_cfg_map_get(root, "k");
	CU_ASSERT_FATAL(node_at(k, ALX_CFG_SEQ, 10, 1, NULL));
	CU_ASSERT(node_at(k->items[0], ALX_CFG_SCALAR, 10, 3, "z"));
	alx_cfg_doc_destroy(doc);
}

static void test_map_get(void)
{
	alopex_diag d;
	struct alx_cfg_doc *doc = cfgt_parse(rt, "x: 1\ny: [a]\n", &d);
	CU_ASSERT_FATAL(doc != NULL);
	const struct alx_cfg_node *root = alx_cfg_doc_root(doc);
	CU_ASSERT_STRING_EQUAL(alx_cfg_map_get(root, "x")->scalar, "1");
	CU_ASSERT_PTR_NULL(alx_cfg_map_get(root, "z"));
	CU_ASSERT_PTR_NULL(alx_cfg_map_get(alx_cfg_map_get(root, "y"), "a"));
	CU_ASSERT_PTR_NULL(alx_cfg_map_get(NULL, "x"));
	alx_cfg_doc_destroy(doc);
	alx_cfg_doc_destroy(NULL);
}

/* Empty text, comments only, or an empty document: an empty map. */
static void test_empty(void)
{
	const char *texts[] = {"", "# nothing here\n\n", "---\n", "---\n...\n"};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		alopex_diag d;
		struct alx_cfg_doc *doc = cfgt_parse(rt, texts[i], &d);
		CU_ASSERT_FATAL(doc != NULL);
		const struct alx_cfg_node *root = alx_cfg_doc_root(doc);
		CU_ASSERT_EQUAL(root->kind, ALX_CFG_MAP);
		CU_ASSERT_EQUAL(root->count, 0);
		CU_ASSERT(root->line >= 1 && root->col >= 1);
		alx_cfg_doc_destroy(doc);
	}
	/* A NULL pointer with no bytes is an empty text too. */
	alopex_diag d;
	struct alx_cfg_doc *doc = NULL;
	CU_ASSERT_EQUAL(alx_cfg_parse_string(rt, "x", NULL, 0, &doc, &d), 0);
	CU_ASSERT_EQUAL(alx_cfg_doc_root(doc)->kind, ALX_CFG_MAP);
	alx_cfg_doc_destroy(doc);
}

/* The error for text, which must fail to parse. */
static alopex_diag parse_error(const char *text)
{
	alopex_diag d;
	struct alx_cfg_doc *doc = (struct alx_cfg_doc *)&d; /* canary */
	memset(&d, 0, sizeof(d));
	CU_ASSERT_NOT_EQUAL(alx_cfg_parse_string(rt, CFGT_NAME, text,
						 strlen(text), &doc, &d),
			    0);
	CU_ASSERT(doc == (struct alx_cfg_doc *)&d); /* out untouched */
	return d;
}

static void test_syntax_error(void)
{
	alopex_diag d = parse_error("a: [1, 2\nb: 3\n");
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 2, 2,
			       "YAML syntax error: did not find expected ',' "
			       "or ']' (while parsing a flow sequence at "
			       "line 1, column 4)",
			       true));
	d = parse_error("a: b: c\n");
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 1, 5,
			       "YAML syntax error: mapping values are not "
			       "allowed in this context",
			       true));
	d = parse_error("a:\n  - x\n y: 1\n");
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 3, 2, "YAML syntax error",
			       false));
	/* Bad encoding: the reader's byte offset becomes line:col. */
	d = parse_error("a: 1\nb: \xff\n");
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 2, 4,
			       "YAML syntax error: invalid leading UTF-8 "
			       "octet (#xFF)",
			       true));
}

static void test_duplicate_key(void)
{
	alopex_diag d = parse_error("a: 1\nb:\n  x: 1\n  y: 2\n  x: 3\n");
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 5, 3,
			       "duplicate key 'x' (first given at line 3, "
			       "column 3)",
			       true));
	/* Of several repeats, the first repeat in the file is reported. */
	d = parse_error("{b: 1, a: 2, c: 3, a: 4, b: 5, a: 6}");
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 1, 20,
			       "duplicate key 'a' (first given at line 1, "
			       "column 8)",
			       true));
	/* Equal text in different maps is fine. */
	alopex_diag ok;
	struct alx_cfg_doc *doc = cfgt_parse(rt, "a: {x: 1}\nb: {x: 2}\n", &ok);
	CU_ASSERT(doc != NULL);
	alx_cfg_doc_destroy(doc);
}

static void test_alias_rejected(void)
{
	alopex_diag d = parse_error("a: 1\nb: *base\n");
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 2, 4,
			       "YAML aliases are not supported (*base); "
			       "write the value out in full",
			       true));
	d = parse_error("base: &b {x: 1}\nother: *b\n");
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 1, 7,
			       "YAML anchors are not supported (&b); write "
			       "the values out in full",
			       true));
}

static void test_non_scalar_key(void)
{
	alopex_diag d = parse_error("a: 1\n? [x, y]\n: 2\n");
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 2, 3,
			       "map keys must be scalars, not a list", true));
	d = parse_error("{{x: 1}: 2}");
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 1, 2,
			       "map keys must be scalars, not a map", true));
}

/* n nested flow lists around a scalar. */
static char *nested(size_t n)
{
	char *s = malloc(2 * n + 2);
	CU_ASSERT_FATAL(s != NULL);
	memset(s, '[', n);
	s[n] = 'x';
	memset(s + n + 1, ']', n);
	s[2 * n + 1] = '\0';
	return s;
}

static void test_too_deep(void)
{
	char *ok = nested(64), *deep = nested(65);
	alopex_diag d;
	struct alx_cfg_doc *doc = cfgt_parse(rt, ok, &d);
	CU_ASSERT(doc != NULL);
	alx_cfg_doc_destroy(doc);
	d = parse_error(deep);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 1, 65,
			       "maps and lists nested deeper than 64 levels",
			       true));
	free(ok);
	free(deep);
	/* Block maps count the same way. */
	char text[4096] = "";
	size_t len = 0;
	for (int i = 0; i < 65; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"%*sk:\n", i, "");
	snprintf(text + len, sizeof(text) - len, "%*sk: 1\n", 65, "");
	/* The map on line n is nested n deep: line 65 is one too many. */
	d = parse_error(text);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 65, 65,
			       "maps and lists nested deeper than 64 levels",
			       true));
}

static void test_several_documents(void)
{
	alopex_diag d = parse_error("a: 1\n---\nb: 2\n");
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 2, 1,
			       "more than one YAML document; a config file "
			       "holds one",
			       true));
}

static void test_nul_rejected(void)
{
	alopex_diag d = parse_error("a: \"x\\0y\"\n");
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 1, 4,
			       "NUL character in a value", true));
}

static void test_unreadable_file(void)
{
	alopex_diag d;
	struct alx_cfg_doc *doc = NULL;
	char *dir = alx_test_tmpdir("cfg-tree");
	CU_ASSERT_FATAL(dir != NULL);
	char path[512];
	snprintf(path, sizeof(path), "%s/missing.yaml", dir);

	CU_ASSERT_EQUAL(alx_cfg_parse_file(rt, path, &doc, &d),
			ALOPEX_ENOTFOUND);
	char want[600];
	snprintf(want, sizeof(want), "cannot read config file '%s': %s", path,
		 strerror(ENOENT));
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ENOTFOUND, 0, 0, want, true));
	CU_ASSERT_PTR_NULL(doc);

	/* A directory opens but cannot be read. */
	CU_ASSERT_EQUAL(alx_cfg_parse_file(rt, dir, &doc, &d), ALOPEX_EIO);
	snprintf(want, sizeof(want), "cannot read config file '%s': %s", dir,
		 strerror(EISDIR));
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_EIO, 0, 0, want, true));
	alx_test_rmdir(dir);
	free(dir);
}

static void test_file_positions_and_empty(void)
{
	char *dir = alx_test_tmpdir("cfg-tree");
	CU_ASSERT_FATAL(dir != NULL);
	char path[512];
	snprintf(path, sizeof(path), "%s/c.yaml", dir);
	alopex_diag d;
	struct alx_cfg_doc *doc = NULL;

	CU_ASSERT_FATAL(alx_test_write_file(path, "") == 0);
	CU_ASSERT_EQUAL_FATAL(alx_cfg_parse_file(rt, path, &doc, &d), 0);
	CU_ASSERT_EQUAL(alx_cfg_doc_root(doc)->kind, ALX_CFG_MAP);
	CU_ASSERT_EQUAL(alx_cfg_doc_root(doc)->count, 0);
	alx_cfg_doc_destroy(doc);

	/* Errors in a file carry its path. */
	CU_ASSERT_FATAL(alx_test_write_file(path, "a: 1\na: 2\n") == 0);
	CU_ASSERT_EQUAL(alx_cfg_parse_file(rt, path, &doc, &d), ALOPEX_ECONFIG);
	CU_ASSERT(cfgt_diag_in(&d, path, ALOPEX_ECONFIG, 2, 1,
			       "duplicate key 'a'", false));
	alx_test_rmdir(dir);
	free(dir);
}

/* Write `size` bytes of a comment to path. */
static void write_comment_file(const char *path, size_t size)
{
	FILE *f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputc('#', f);
	for (size_t i = 1; i + 1 < size; i++)
		fputc('x', f);
	fputc('\n', f);
	CU_ASSERT_FATAL(fclose(f) == 0);
}

static void test_too_large(void)
{
	char *dir = alx_test_tmpdir("cfg-tree");
	CU_ASSERT_FATAL(dir != NULL);
	char path[512], want[600];
	snprintf(path, sizeof(path), "%s/big.yaml", dir);
	alopex_diag d;
	struct alx_cfg_doc *doc = NULL;

	write_comment_file(path, (size_t)1 << 20);
	CU_ASSERT_EQUAL(alx_cfg_parse_file(rt, path, &doc, &d), 0);
	alx_cfg_doc_destroy(doc);
	doc = NULL;

	write_comment_file(path, ((size_t)1 << 20) + 1);
	CU_ASSERT_EQUAL(alx_cfg_parse_file(rt, path, &doc, &d), ALOPEX_ECONFIG);
	snprintf(want, sizeof(want), "config file '%s' is larger than 1 MiB",
		 path);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 0, 0, want, true));
	CU_ASSERT_PTR_NULL(doc);

	/* The same limit for text in memory. */
	size_t n = ((size_t)1 << 20) + 1;
	char *big = malloc(n);
	CU_ASSERT_FATAL(big != NULL);
	memset(big, '#', n);
	CU_ASSERT_EQUAL(alx_cfg_parse_string(rt, "mem", big, n, &doc, &d),
			ALOPEX_ECONFIG);
	CU_ASSERT(cfgt_diag_is(&d, ALOPEX_ECONFIG, 0, 0,
			       "mem: config is larger than 1 MiB (1048577 "
			       "bytes)",
			       true));
	free(big);
	alx_test_rmdir(dir);
	free(dir);
}

static const struct alx_test_case cases[] = {
	{"positions", test_positions},
	{"map_get", test_map_get},
	{"empty", test_empty},
	{"syntax_error", test_syntax_error},
	{"duplicate_key", test_duplicate_key},
	{"alias_rejected", test_alias_rejected},
	{"non_scalar_key", test_non_scalar_key},
	{"too_deep", test_too_deep},
	{"several_documents", test_several_documents},
	{"nul_rejected", test_nul_rejected},
	{"unreadable_file", test_unreadable_file},
	{"file_positions_and_empty", test_file_positions_and_empty},
	{"too_large", test_too_large},
	{NULL, NULL},
};

const struct alx_test_suite tree_suite = {"config/tree", setup, teardown,
					  cases};
