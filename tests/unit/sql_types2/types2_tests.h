/* Suites of the DATE/TIMESTAMP, JSON/JSONB and VECTOR module tests. */
#ifndef TYPES2_TESTS_H
#define TYPES2_TESTS_H

#include <stddef.h>

#include "alopex.h"
#include "alx_test.h"

extern const struct alx_test_suite types2_datetime_suite;
extern const struct alx_test_suite types2_json_suite;
extern const struct alx_test_suite types2_vector_suite;

/* "ERR <sqlstate> <message>" with the detail line as " | detail", the
 * form the expected outputs use. */
void types2_err_text(const alopex_diag *d, char *buf, size_t size);

#endif
