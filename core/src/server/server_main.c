/*
 * alopex-server: validates and describes configuration today; serving
 * arrives with the protocol plugins (pgwire, RESP, HTTP, gRPC).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alopex.h"
#include "config/alx_config.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_registry.h"
#include "runtime/alx_runtime.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: alopex-server [--config FILE] [--data DIR] [--port N]\n"
		"                     [--log-level error|warn|info|debug]\n"
		"       alopex-server --check-config FILE\n"
		"       alopex-server [--config FILE] --describe-config "
		"[PLUGIN]\n"
		"       alopex-server --version | --help\n"
		"\n"
		"  --config FILE          YAML configuration (default: the "
		"embedded default)\n"
		"  --data DIR             data directory (default ./data)\n"
		"  --check-config FILE    validate FILE and exit 0 (valid) or "
		"1\n"
		"  --describe-config [P]  print the configuration schema of "
		"every plugin, or of P\n");
}

static void print_diag(const char *prog, const alopex_diag *d)
{
	char buf[1024];
	alx_diag_format(d, buf, sizeof(buf));
	fprintf(stderr, "%s: %s\n", prog, buf);
}

static int check_config(const char *path)
{
	alopex_diag d;
	alx_diag_clear(&d);
	struct alx_runtime *rt = NULL;
	struct alx_config *cfg = NULL;
	int rc = alx_runtime_create(NULL, &rt, &d);
	if (rc == 0)
		rc = alx_config_load(rt, path, &cfg, &d);
	if (rc != 0)
		print_diag("alopex-server", &d);
	else
		printf("%s: configuration is valid\n", path);
	alx_config_destroy(cfg);
	alx_runtime_destroy(rt);
	return rc == 0 ? 0 : 1;
}

static int describe_config(const char *config_path, const char *plugin)
{
	alopex_diag d;
	alx_diag_clear(&d);
	struct alx_runtime *rt = NULL;
	struct alx_config *cfg = NULL;
	int rc = alx_runtime_create(NULL, &rt, &d);
	/* Loading the config also loads the shared plugins it names. */
	if (rc == 0)
		rc = alx_config_load(rt, config_path, &cfg, &d);
	if (rc != 0) {
		print_diag("alopex-server", &d);
		goto out;
	}
	struct alx_registry *reg = alx_runtime_registry(rt);
	int found = 0;
	if (plugin == NULL || strcmp(plugin, "core") == 0) {
		printf("# top level of alopex.yaml\n");
		alx_cfg_describe(&alx_core_config_schema, "", stdout);
		found = 1;
	}
	for (size_t i = 0; i < alx_registry_count(reg); i++) {
		const struct alopex_plugin *p = alx_registry_at(reg, i);
		if (plugin != NULL && strcmp(plugin, p->name) != 0)
			continue;
		found = 1;
		char section[160];
		snprintf(section, sizeof(section), "%s.%s",
			 alx_plugin_kind_section((int)p->kind), p->name);
		printf("\n# %s %s %s (%s): %s\n",
		       alx_plugin_kind_name((int)p->kind), p->name, p->version,
		       alx_registry_origin(reg, p),
		       p->description ? p->description : "");
		if (p->config != NULL)
			alx_cfg_describe(p->config, section, stdout);
		else
			printf("%s: no settings\n", section);
	}
	if (!found) {
		fprintf(stderr,
			"alopex-server: no plugin named '%s'; known:", plugin);
		for (size_t i = 0; i < alx_registry_count(reg); i++)
			fprintf(stderr, " %s", alx_registry_at(reg, i)->name);
		fprintf(stderr, "\n");
		rc = ALOPEX_ENOTFOUND;
	}
out:
	alx_config_destroy(cfg);
	alx_runtime_destroy(rt);
	return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	enum { OPT_CHECK = 256, OPT_DESCRIBE, OPT_LOG, OPT_VERSION };
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"data", required_argument, NULL, 'D'},
		{"port", required_argument, NULL, 'p'},
		{"log-level", required_argument, NULL, OPT_LOG},
		{"check-config", required_argument, NULL, OPT_CHECK},
		{"describe-config", no_argument, NULL, OPT_DESCRIBE},
		{"version", no_argument, NULL, OPT_VERSION},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL, *data = "./data";
	int describe = 0, log_level = ALOPEX_LOG_INFO, c;
	while ((c = getopt_long(argc, argv, "c:D:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'D':
			data = optarg;
			break;
		case 'p': {
			char *end;
			errno = 0;
			long port = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || port < 1 ||
			    port > 65535) {
				fprintf(stderr,
					"alopex-server: --port must be "
					"1..65535, "
					"not '%s'\n",
					optarg);
				return 2;
			}
			break;
		}
		case OPT_LOG:
			log_level = alx_log_level_parse(optarg);
			if (log_level < 0) {
				fprintf(stderr,
					"alopex-server: --log-level must be "
					"error, warn, info or debug, not "
					"'%s'\n",
					optarg);
				return 2;
			}
			break;
		case OPT_CHECK:
			return check_config(optarg);
		case OPT_DESCRIBE:
			describe = 1;
			break;
		case OPT_VERSION:
			printf("alopex-server %s\n", ALOPEX_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (describe)
		return describe_config(config,
				       optind < argc ? argv[optind] : NULL);
	if (optind < argc) {
		fprintf(stderr, "alopex-server: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}

	/*
	 * Open the data directory so configuration, locking and recovery
	 * problems surface now, then report that no protocol is built.
	 */
	alopex_open_options o = {.size = sizeof(o),
				 .log_level = log_level,
				 .create_if_missing = 1};
	alopex_diag d;
	alopex_db *db = NULL;
	int rc = alopex_open_ex(data, config, &o, &db, &d);
	if (rc != 0) {
		print_diag("alopex-server", &d);
		return 1;
	}
	fprintf(stderr,
		"alopex-server: data directory %s is healthy, but this build "
		"has no protocol plugins (pgwire, RESP, HTTP, gRPC), so there "
		"is nothing to serve yet; use alopex-cli or the embedded "
		"library\n",
		data);
	alopex_close(db);
	return 3;
}
