/* An engine whose ops table is only the common header. */
#include "tp_common.h"

static const struct alopex_plugin desc =
	TP_DESCRIPTOR("short_ops", .kind = ALOPEX_PLUGIN_ENGINE);
TP_DEFINE(short_ops, desc)
