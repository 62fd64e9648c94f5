/*
 * Shared bits of the test plugins: each file is one shared object that the
 * loader must accept or reject for one reason. Built only for tests.
 */
#ifndef TP_COMMON_H
#define TP_COMMON_H

#include "alopex_plugin.h"

/* TP_DESCRIPTOR overrides its defaults on purpose. */
#pragma GCC diagnostic ignored "-Woverride-init"

/* ALOPEX_PLUGIN_DEFINE defines these; declare them for the warnings. */
ALOPEX_PLUGIN_EXPORT const struct alopex_plugin *alopex_plugin_entry(void);
#define TP_DEFINE(name, desc)                                         \
	const struct alopex_plugin *alopex_plugin_entry_##name(void); \
	ALOPEX_PLUGIN_DEFINE(name, desc)

/* Ops of a kind without its own ops struct: just the common header. */
struct tp_ops {
	uint32_t size;
	uint64_t caps;
};

__attribute__((unused)) static const struct tp_ops tp_ops = {
	sizeof(struct tp_ops), 0};

__attribute__((unused)) static int tp_init(const struct alopex_host *host,
					   const void *config, void **instance,
					   alopex_diag *diag)
{
	*instance = NULL;
	return 0;
}

__attribute__((unused)) static void tp_fini(void *instance)
{
}

/* A descriptor that passes every check unless a field is overridden. */
#define TP_DESCRIPTOR(plugin_name, ...)                                       \
	{                                                                     \
		.size = sizeof(struct alopex_plugin),                         \
		.abi_major = ALOPEX_PLUGIN_ABI_MAJOR,                         \
		.abi_minor = ALOPEX_PLUGIN_ABI_MINOR,                         \
		.kind = ALOPEX_PLUGIN_SCRIPT, .name = plugin_name,            \
		.version = "0.0.1", .description = "test plugin",             \
		.init = tp_init, .fini = tp_fini, .ops = &tp_ops, __VA_ARGS__ \
	}

#endif
