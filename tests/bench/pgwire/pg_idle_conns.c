/*
 * pg-idle-conns: the per-connection memory cost of a PostgreSQL-protocol
 * server. Opens N connections with libpq, keeps them idle, and reports the
 * growth of the server's proportional set size (PSS, from
 * /proc/PID/smaps_rollup, summed over the PID and its children so that a
 * process-per-connection server is charged for every backend, but shared
 * memory only once).
 *
 *   pg-idle-conns --conninfo "host=127.0.0.1 port=5432 dbname=x" --pid PID
 *                 [--count 1000] [--label name]
 */
#include <dirent.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long pss_kib(int pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/smaps_rollup", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;
	long kib = 0;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "Pss:", 4) == 0)
			kib = atol(line + 4);
	fclose(f);
	return kib;
}

static int parent_of(int pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	/* the command name may hold spaces; fields resume after the last ')' */
	char *p = strrchr(buf, ')');
	int ppid = -1;
	if (p == NULL || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

/* PSS of pid plus its direct children (PostgreSQL's backends). */
static long tree_pss_kib(int pid)
{
	long total = pss_kib(pid);
	DIR *d = opendir("/proc");
	if (d == NULL)
		return total;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		int child = atoi(e->d_name);
		if (child > 0 && parent_of(child) == pid)
			total += pss_kib(child);
	}
	closedir(d);
	return total;
}

int main(int argc, char **argv)
{
	const char *conninfo = NULL, *label = "server";
	int pid = 0, count = 1000;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--conninfo"))
			conninfo = argv[i + 1];
		else if (!strcmp(argv[i], "--pid"))
			pid = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--count"))
			count = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--label"))
			label = argv[i + 1];
	}
	if (conninfo == NULL || pid <= 0 || count <= 0 || count > 100000) {
		fprintf(stderr, "usage: pg-idle-conns --conninfo STR --pid PID "
				"[--count N] [--label NAME]\n");
		return 2;
	}
	PGconn **conns = calloc((size_t)count, sizeof *conns);
	if (conns == NULL)
		return 1;
	sleep(1);
	long before = tree_pss_kib(pid);
	int open = 0, rc = 0;
	for (; open < count; open++) {
		conns[open] = PQconnectdb(conninfo);
		if (PQstatus(conns[open]) != CONNECTION_OK) {
			fprintf(stderr, "pg-idle-conns: connection %d: %s",
				open + 1, PQerrorMessage(conns[open]));
			PQfinish(conns[open]);
			rc = 1;
			break;
		}
	}
	sleep(2); /* let the server settle its per-connection state */
	long after = tree_pss_kib(pid);
	printf("engine=%s op=idle connections=%d pss_before_kib=%ld "
	       "pss_after_kib=%ld kib_per_connection=%.1f\n",
	       label, open, before, after,
	       open ? (double)(after - before) / open : 0.0);
	for (int i = 0; i < open; i++)
		PQfinish(conns[i]);
	free(conns);
	return rc;
}
