/* Second of two files registering the same plugin name. */
#include "tp_common.h"

static const struct alopex_plugin desc =
	TP_DESCRIPTOR("dup_twin", .kind = ALOPEX_PLUGIN_INDEX);
TP_DEFINE(dup_twin, desc)
