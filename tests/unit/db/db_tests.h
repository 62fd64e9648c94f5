#ifndef DB_TESTS_H
#define DB_TESTS_H

#include "alx_test.h"

extern const struct alx_test_suite db_suite_api;
extern const struct alx_test_suite db_suite_bad_input;

#endif
