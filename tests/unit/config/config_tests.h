/* Suites of the config unit tests, and their shared helpers. */
#ifndef CONFIG_TESTS_H
#define CONFIG_TESTS_H

#include <stdbool.h>

#include "alx_test.h"
#include "alopex.h"
#include "config/alx_config.h"

extern const struct alx_test_suite tree_suite;
extern const struct alx_test_suite schema_suite;
extern const struct alx_test_suite load_suite;

/* A runtime with the static plugins registered; the test fails without. */
struct alx_runtime *cfgt_runtime(void);

/* Parse text as file `name` (strlen(text) bytes); NULL on error. */
struct alx_cfg_doc *cfgt_parse(struct alx_runtime *rt, const char *text,
			       alopex_diag *diag);

/*
 * Does diag hold `code` at line:col (0:0 = no position) with a message
 * containing `text` (exactly `text` when exact)? Prints what it got when
 * not, so a failing assertion explains itself.
 */
bool cfgt_diag_is(const alopex_diag *diag, int code, unsigned line,
		  unsigned col, const char *text, bool exact);

/* As cfgt_diag_is, for a diag from a file other than CFGT_NAME. */
bool cfgt_diag_in(const alopex_diag *diag, const char *file, int code,
		  unsigned line, unsigned col, const char *text, bool exact);

#define CFGT_NAME "test.yaml"

#endif
