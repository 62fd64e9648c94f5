/* Declares a descriptor smaller than the 1.0 struct (stops before init). */
#include "tp_common.h"

#include <stddef.h>

static const struct alopex_plugin desc = TP_DESCRIPTOR(
	"short_desc", .size = offsetof(struct alopex_plugin, init));
TP_DEFINE(short_desc, desc)
