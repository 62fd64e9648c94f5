#ifndef DB_TESTS_H
#define DB_TESTS_H

#include "alx_test.h"

extern const struct alx_test_suite db_suite_api;
extern const struct alx_test_suite db_suite_bad_input;

/* A config file in dir selecting the shared in-memory engine. */
char *db_test_memory_config(const char *dir);

#endif
