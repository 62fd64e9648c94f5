/* Built for a future ABI major: must be refused, showing both versions. */
#include "tp_common.h"

static const struct alopex_plugin desc = TP_DESCRIPTOR(
	"wrong_abi", .abi_major = ALOPEX_PLUGIN_ABI_MAJOR + 1, .abi_minor = 3);
TP_DEFINE(wrong_abi, desc)
