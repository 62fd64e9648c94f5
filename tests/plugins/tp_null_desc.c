/* The entry point returns NULL instead of a descriptor. */
#include "tp_common.h"

const struct alopex_plugin *alopex_plugin_entry(void)
{
	return NULL;
}
