#include "db_tests.h"

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {&db_suite_api,
						 &db_suite_bad_input, NULL};
	return alx_test_main(argc, argv, suites);
}
