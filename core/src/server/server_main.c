/*
 * alopex-server: opens the data directory and serves it over every
 * protocol plugin built in (pgwire today); also validates and describes
 * configuration.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alopex.h"
#include "config/alx_config.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_registry.h"
#include "runtime/alx_runtime.h"
#include "server/srv.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: alopex-server [--config FILE] [--data DIR] [--port N]\n"
		"                     [--log-level error|warn|info|debug]\n"
		"                     [--workers N] [--max-executors N] "
		"[--stop-grace MS]\n"
		"       alopex-server --check-config FILE\n"
		"       alopex-server [--config FILE] --describe-config "
		"[PLUGIN]\n"
		"       alopex-server --version | --help\n"
		"\n"
		"  --config FILE          YAML configuration (default: the "
		"embedded default)\n"
		"  --data DIR             data directory (default ./data)\n"
		"  --port N               pgwire port (default: the "
		"configuration's, 5432)\n"
		"  --workers N            I/O threads (default: one per "
		"core)\n"
		"  --max-executors N      bound on statement threads "
		"(default 256)\n"
		"  --stop-grace MS        how long running statements may "
		"finish at SIGTERM\n"
		"                         (default 10000)\n"
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

static int parse_int(const char *flag, const char *v, long lo, long hi,
		     long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || end == v || n < lo || n > hi) {
		fprintf(stderr,
			"alopex-server: %s must be %ld..%ld, not '%s'\n", flag,
			lo, hi, v);
		return -1;
	}
	*out = n;
	return 0;
}

int main(int argc, char **argv)
{
	enum {
		OPT_CHECK = 256,
		OPT_DESCRIBE,
		OPT_LOG,
		OPT_VERSION,
		OPT_WORKERS,
		OPT_EXECUTORS,
		OPT_GRACE
	};
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"data", required_argument, NULL, 'D'},
		{"port", required_argument, NULL, 'p'},
		{"log-level", required_argument, NULL, OPT_LOG},
		{"check-config", required_argument, NULL, OPT_CHECK},
		{"describe-config", no_argument, NULL, OPT_DESCRIBE},
		{"workers", required_argument, NULL, OPT_WORKERS},
		{"max-executors", required_argument, NULL, OPT_EXECUTORS},
		{"stop-grace", required_argument, NULL, OPT_GRACE},
		{"version", no_argument, NULL, OPT_VERSION},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL, *data = "./data";
	int describe = 0, log_level = ALOPEX_LOG_INFO, c;
	struct alx_server_opts so = {.port = -1};
	long v;
	while ((c = getopt_long(argc, argv, "c:D:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'D':
			data = optarg;
			break;
		case 'p':
			/* 0: any free port (the "listening" line names it) */
			if (parse_int("--port", optarg, 0, 65535, &v) != 0)
				return 2;
			so.port = (int)v;
			break;
		case OPT_WORKERS:
			if (parse_int("--workers", optarg, 1, 1024, &v) != 0)
				return 2;
			so.workers = (int)v;
			break;
		case OPT_EXECUTORS:
			if (parse_int("--max-executors", optarg, 1, 65536,
				      &v) != 0)
				return 2;
			so.max_executors = (int)v;
			if (so.min_executors > so.max_executors ||
			    so.min_executors == 0)
				so.min_executors = (int)(v < 4 ? v : 4);
			break;
		case OPT_GRACE:
			if (parse_int("--stop-grace", optarg, 1, 3600000, &v) !=
			    0)
				return 2;
			so.stop_grace = (uint64_t)v;
			break;
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

	/* a client that goes away mid-write must not kill the server */
	signal(SIGPIPE, SIG_IGN);
	struct alx_srv_log lg = {.level = log_level};
	so.log = &lg;
	alopex_open_options o = {.size = sizeof(o),
				 .log_fn = alx_srv_log_sink,
				 .log_arg = &lg,
				 .log_level = log_level,
				 .create_if_missing = 1};
	alopex_diag d;
	alopex_db *db = NULL;
	alx_srv_log(&lg, ALOPEX_LOG_INFO, "starting",
		    "version=%s data=%s config=%s", ALOPEX_VERSION, data,
		    config ? config : "(embedded default)");
	int rc = alopex_open_ex(data, config, &o, &db, &d);
	if (rc != 0) {
		char buf[1024];
		alx_diag_format(&d, buf, sizeof(buf));
		if (rc == ALOPEX_EBUSY)
			alx_srv_log(&lg, ALOPEX_LOG_ERROR, buf,
				    "code=%s hint=\"is another alopex-server "
				    "running on %s? Stop it or use another "
				    "--data directory\"",
				    alopex_code_name(rc), data);
		else
			alx_srv_log(&lg, ALOPEX_LOG_ERROR, buf, "code=%s",
				    alopex_code_name(rc));
		return 1;
	}
	struct alx_server *srv = NULL;
	rc = alx_server_create(db, &so, &srv, &d);
	if (rc != 0) {
		char buf[1024];
		alx_diag_format(&d, buf, sizeof(buf));
		alx_srv_log(&lg, ALOPEX_LOG_ERROR, buf, "code=%s",
			    alopex_code_name(rc));
		alopex_close(db);
		return 1;
	}
	rc = alx_server_run(srv);
	alx_server_destroy(srv);
	int crc = rc == 0 ? alopex_close(db) : ALOPEX_EBUSY;
	if (crc != 0) {
		alx_srv_log(&lg, ALOPEX_LOG_ERROR,
			    "the database was not closed cleanly; it recovers "
			    "at the next start",
			    "code=%s", alopex_code_name(crc));
		return 1;
	}
	alx_srv_log(&lg, ALOPEX_LOG_INFO, "stopped", "data=%s", data);
	return 0;
}
