/*
 * Plugin instances: init with the runtime's host table and the config
 * struct the config layer built, fini and free on destroy. A plugin's own
 * error text is kept, behind a prefix that says which plugin and file.
 */
#include "alx_diag.h"
#include "alx_registry.h"
#include "alx_runtime.h"
#include "config/alx_config.h"

/* Frees a config struct however it was made (see alx_plugin_instance). */
static void free_config(struct alx_runtime *rt, const struct alopex_plugin *p,
			void *config)
{
	if (config == NULL)
		return;
	if (p != NULL && p->config != NULL)
		alx_cfg_free(rt, p->config, config);
	else
		alx_free(rt, config);
}

int alx_plugin_instance_create(struct alx_runtime *rt,
			       const struct alopex_plugin *p,
			       void *config_adopt,
			       struct alx_plugin_instance **out,
			       alopex_diag *diag)
{
	struct alx_plugin_instance *inst = NULL;
	int rc;

	if (rt == NULL || p == NULL || out == NULL) {
		rc = alx_diag_set(diag, ALOPEX_EINVAL, NULL,
				  "plugin instance: missing runtime, plugin or "
				  "result pointer");
		goto fail;
	}
	const char *origin = alx_registry_origin(alx_runtime_registry(rt), p);
	if (origin == NULL) {
		/* Only validated descriptors may be called into. */
		rc = alx_diag_set(diag, ALOPEX_EMISUSE, NULL,
				  "plugin instance: plugin '%s' is not "
				  "registered",
				  p->name ? p->name : "(unnamed)");
		goto fail;
	}
	inst = alx_calloc(rt, 1, sizeof(*inst));
	if (inst == NULL) {
		rc = alx_diag_set(diag, ALOPEX_ENOMEM, NULL,
				  "plugin '%s': out of memory", p->name);
		goto fail;
	}

	alopex_diag why;
	alx_diag_clear(&why);
	void *instance = NULL;
	rc = p->init(alx_runtime_host(rt), config_adopt, &instance, &why);
	if (rc != 0) {
		/* Keep the plugin's code when it is one of ours. */
		int code = rc < 0 && rc >= ALOPEX_ESQL ? rc : ALOPEX_EINTERNAL;
		rc = alx_diag_set(diag, code, NULL,
				  "plugin '%s' (from %s) failed to initialise: "
				  "%s",
				  p->name, origin,
				  why.message[0] ? why.message
						 : alopex_code_str(code));
		goto fail;
	}
	inst->plugin = p;
	inst->config = config_adopt;
	inst->instance = instance;
	inst->rt = rt;
	*out = inst;
	return 0;

fail:
	if (rt != NULL) {
		free_config(rt, p, config_adopt);
		alx_free(rt, inst);
	}
	return rc;
}

void alx_plugin_instance_destroy(struct alx_plugin_instance *inst)
{
	if (inst == NULL)
		return;
	if (inst->plugin != NULL)
		inst->plugin->fini(inst->instance);
	free_config(inst->rt, inst->plugin, inst->config);
	alx_free(inst->rt, inst);
}
