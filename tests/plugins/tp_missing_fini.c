/* No fini: the core could never release an instance. */
#include "tp_common.h"

static const struct alopex_plugin desc =
	TP_DESCRIPTOR("missing_fini", .fini = NULL);
TP_DEFINE(missing_fini, desc)
