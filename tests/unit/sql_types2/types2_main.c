#include <stdio.h>
#include <string.h>

#include "types2_tests.h"

void types2_err_text(const alopex_diag *d, char *buf, size_t size)
{
	char msg[sizeof(d->message) + 8];
	const char *nl = strchr(d->message, '\n');
	if (nl != NULL)
		snprintf(msg, sizeof(msg), "%.*s | %s", (int)(nl - d->message),
			 d->message, nl + 1);
	else
		snprintf(msg, sizeof(msg), "%s", d->message);
	snprintf(buf, size, "ERR %s %s", d->sqlstate, msg);
}

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {&types2_datetime_suite,
						 &types2_json_suite,
						 &types2_vector_suite, NULL};
	return alx_test_main(argc, argv, suites);
}
