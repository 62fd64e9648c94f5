/*
 * A well-formed script plugin with its own config schema. It uses the host
 * services the way a real plugin does: allocates its state, logs, finds
 * itself through lookup and ticks on a timer until fini. Every visible
 * effect is a log line, which the test captures.
 */
#include "tp_common.h"

#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

struct good_config {
	char *greeting;
	uint64_t interval_ms;
	int64_t max_ticks;
};

static const struct alopex_cfg_field good_fields[] = {
	{.key = "greeting",
	 .type = ALOPEX_CFG_STRING,
	 .offset = offsetof(struct good_config, greeting),
	 .default_value = "hello",
	 .min = 1,
	 .max = 0,
	 .doc = "word logged at init"},
	{.key = "interval",
	 .type = ALOPEX_CFG_DURATION,
	 .offset = offsetof(struct good_config, interval_ms),
	 .default_value = "5ms",
	 .min = 1,
	 .max = 60000,
	 .doc = "time between ticks"},
	{.key = "max_ticks",
	 .type = ALOPEX_CFG_INT,
	 .offset = offsetof(struct good_config, max_ticks),
	 .default_value = "1000",
	 .min = 1,
	 .max = 100000,
	 .doc = "stop logging ticks after this many"},
};

static const struct alopex_cfg_schema good_schema = {
	.size = sizeof(struct alopex_cfg_schema),
	.config_size = sizeof(struct good_config),
	.field_count = sizeof(good_fields) / sizeof(good_fields[0]),
	.fields = good_fields,
	.doc = "test plugin that ticks",
};

struct good_state {
	const struct alopex_host *host;
	alopex_timer *timer;
	atomic_int ticks;
	int64_t max_ticks;
	char *greeting; /* a host-allocated copy */
};

static const struct alopex_plugin desc;

static void good_tick(void *arg)
{
	struct good_state *s = arg;
	int n = atomic_fetch_add(&s->ticks, 1) + 1;
	if (n <= s->max_ticks)
		s->host->log(s->host->ctx, ALOPEX_LOG_INFO, "good",
			     "%s tick %d", s->greeting, n);
}

static int good_init(const struct alopex_host *host, const void *config,
		     void **instance, alopex_diag *diag)
{
	const struct good_config *cfg = config;
	if (cfg == NULL || cfg->greeting == NULL)
		return host->diag_set(diag, ALOPEX_EINVAL, NULL,
				      "good: no config");
	if (host->size < sizeof(struct alopex_host) ||
	    host->abi_major != ALOPEX_PLUGIN_ABI_MAJOR)
		return host->diag_set(diag, ALOPEX_EABI, NULL,
				      "good: unexpected host table");
	if (host->lookup(host->ctx, ALOPEX_PLUGIN_SCRIPT, "good") != &desc)
		return host->diag_set(diag, ALOPEX_EINTERNAL, NULL,
				      "good: lookup does not find itself");

	struct good_state *s = host->alloc(host->ctx, sizeof(*s));
	if (s == NULL)
		return host->diag_set(diag, ALOPEX_ENOMEM, NULL,
				      "good: out of memory");
	memset(s, 0, sizeof(*s));
	s->host = host;
	s->max_ticks = cfg->max_ticks;
	atomic_init(&s->ticks, 0);
	size_t len = strlen(cfg->greeting);
	s->greeting = host->alloc(host->ctx, len + 1);
	if (s->greeting == NULL) {
		host->free(host->ctx, s);
		return host->diag_set(diag, ALOPEX_ENOMEM, NULL,
				      "good: out of memory");
	}
	memcpy(s->greeting, cfg->greeting, len + 1);
	host->log(host->ctx, ALOPEX_LOG_INFO, "good",
		  "init greeting=%s interval=%llums", s->greeting,
		  (unsigned long long)cfg->interval_ms);
	int rc = host->timer_add(host->ctx, cfg->interval_ms, good_tick, s,
				 &s->timer);
	if (rc != 0) {
		host->free(host->ctx, s->greeting);
		host->free(host->ctx, s);
		return host->diag_set(diag, rc, NULL, "good: no timer");
	}
	*instance = s;
	return 0;
}

static void good_fini(void *instance)
{
	struct good_state *s = instance;
	if (s == NULL)
		return;
	const struct alopex_host *host = s->host;
	host->timer_cancel(host->ctx, s->timer);
	host->log(host->ctx, ALOPEX_LOG_INFO, "good", "fini after %d ticks",
		  atomic_load(&s->ticks));
	host->free(host->ctx, s->greeting);
	host->free(host->ctx, s);
}

static const struct alopex_plugin desc =
	TP_DESCRIPTOR("good", .version = "1.2.3", .config = &good_schema,
		      .init = good_init, .fini = good_fini);
TP_DEFINE(good, desc)
