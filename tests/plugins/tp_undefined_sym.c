/*
 * Calls a symbol nothing defines: RTLD_NOW must refuse the file at load
 * rather than at the first call.
 */
#include "tp_common.h"

void alx_test_no_such_function(void);

static int undefined_init(const struct alopex_host *host, const void *config,
			  void **instance, alopex_diag *diag)
{
	alx_test_no_such_function();
	*instance = NULL;
	return 0;
}

static const struct alopex_plugin desc =
	TP_DESCRIPTOR("undefined_sym", .init = undefined_init);
TP_DEFINE(undefined_sym, desc)
