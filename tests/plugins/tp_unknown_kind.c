/* A kind this build does not know. */
#include "tp_common.h"

static const struct alopex_plugin desc =
	TP_DESCRIPTOR("unknown_kind", .kind = ALOPEX_PLUGIN_KIND_MAX + 41);
TP_DEFINE(unknown_kind, desc)
