#include "sql_exec_tests.h"

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {
		&sql_suite_stage1, &sql_suite_stage2, &sql_suite_stage34,
		&sql_suite_session, NULL};
	return alx_test_main(argc, argv, suites);
}
