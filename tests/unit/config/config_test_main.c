#include "config_tests.h"

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {&tree_suite, &schema_suite,
						 &load_suite, NULL};
	return alx_test_main(argc, argv, suites);
}
