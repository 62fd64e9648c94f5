/* Suites of the pgwire codec test (protocols/pgwire/pgw_*.c). */
#ifndef PGWIRE_CODEC_TESTS_H
#define PGWIRE_CODEC_TESTS_H

#include "alx_test.h"

extern const struct alx_test_suite suite_pgw_msg;
extern const struct alx_test_suite suite_pgw_encode;
extern const struct alx_test_suite suite_pgw_binary;
extern const struct alx_test_suite suite_pgw_scram;

#endif
