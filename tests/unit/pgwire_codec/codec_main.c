/* pgwire codec unit test: parser, encoders, binary formats, SCRAM. */
#include "codec_tests.h"

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {
		&suite_pgw_msg, &suite_pgw_encode, &suite_pgw_binary,
		&suite_pgw_scram, NULL};

	return alx_test_main(argc, argv, suites);
}
