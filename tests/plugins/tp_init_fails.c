/* Loads fine; init fails with a message of its own. */
#include "tp_common.h"

static int failing_init(const struct alopex_host *host, const void *config,
			void **instance, alopex_diag *diag)
{
	/* Allocate first so a leak on the failure path would show. */
	void *scratch = host->alloc(host->ctx, 64);
	if (scratch != NULL)
		host->free(host->ctx, scratch);
	return host->diag_set(diag, ALOPEX_ECONFIG, NULL,
			      "the frobnicator is not configured (%d)", 42);
}

static const struct alopex_plugin desc =
	TP_DESCRIPTOR("init_fails", .init = failing_init);
TP_DEFINE(init_fails, desc)
