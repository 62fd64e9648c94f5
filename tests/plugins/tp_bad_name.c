/* A name outside [a-z0-9_]. */
#include "tp_common.h"

static const struct alopex_plugin desc = TP_DESCRIPTOR("Bad-Name");
TP_DEFINE(bad_name, desc)
