#include <stdio.h>
#include <string.h>

#include "config_tests.h"
#include "runtime/alx_runtime.h"

struct alx_runtime *cfgt_runtime(void)
{
	struct alx_runtime *rt = NULL;
	alopex_diag d;
	int rc = alx_runtime_create(NULL, &rt, &d);
	if (rc != 0)
		fprintf(stderr, "alx_runtime_create: %s\n", d.message);
	CU_ASSERT_FATAL(rc == 0);
	return rt;
}

struct alx_cfg_doc *cfgt_parse(struct alx_runtime *rt, const char *text,
			       alopex_diag *diag)
{
	struct alx_cfg_doc *doc = NULL;
	if (alx_cfg_parse_string(rt, CFGT_NAME, text, strlen(text), &doc,
				 diag) != 0)
		return NULL;
	return doc;
}

bool cfgt_diag_is(const alopex_diag *diag, int code, unsigned line,
		  unsigned col, const char *text, bool exact)
{
	return cfgt_diag_in(diag, CFGT_NAME, code, line, col, text, exact);
}

bool cfgt_diag_in(const alopex_diag *diag, const char *file, int code,
		  unsigned line, unsigned col, const char *text, bool exact)
{
	bool ok = diag->code == code && diag->line == line &&
		  diag->col == col &&
		  (exact ? strcmp(diag->message, text) == 0
			 : strstr(diag->message, text) != NULL);
	if (line != 0)
		ok = ok && strcmp(diag->file, file) == 0;
	if (!ok)
		fprintf(stderr,
			"\n  expected: code %d at %u:%u, message %s \"%s\""
			"\n  got:      code %d at %s:%u:%u, message \"%s\"\n",
			code, line, col, exact ? "equal to" : "containing",
			text, diag->code, diag->file, diag->line, diag->col,
			diag->message);
	return ok;
}
