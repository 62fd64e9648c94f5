/* The runtime unit tests: diagnostics, codes, runtime, timers, registry. */
#include "runtime_tests.h"

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {
		&diag_suite, &codes_suite, &alloc_suite,    &log_suite,
		&host_suite, &timer_suite, &registry_suite, NULL,
	};
	return alx_test_main(argc, argv, suites);
}
