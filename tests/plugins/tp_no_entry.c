/* Exports a descriptor under the wrong symbol name: no entry point. */
#include "tp_common.h"

ALOPEX_PLUGIN_EXPORT const struct alopex_plugin *alopex_plugin_entri(void);

static const struct alopex_plugin desc = TP_DESCRIPTOR("no_entry");

const struct alopex_plugin *alopex_plugin_entri(void)
{
	return &desc;
}
