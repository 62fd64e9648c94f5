/*
 * The vector benchmark's report: every engine prints lines such as
 *   engine=hnswlib data=s128 op=build ... seconds=8.6 bytes_per_vector=900
 *   engine=hnswlib data=s128 op=search ef=40 threads=1 recall=0.90 qps=6800
 *   engine=memory op=bandwidth threads=1 gbps=14.2
 *   engine=alopex-flat data=s128 op=flat threads=1 qps=250 gbps=12.8
 * once per round; this groups them, takes medians and compares engines at
 * matched recall (QPS interpolated on log scale between ef settings).
 */
#include "vecreport.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAXROWS 4096
#define MAXV 16

struct row {
	char engine[32], data[32], op[16];
	int ef, threads;
	double v[MAXV][4]; /* per round: recall, qps, seconds/gbps, bytes */
	int nv;
};

static struct row rows[MAXROWS];
static int nrows;

static const char *field(const char *line, const char *key, char *buf,
			 size_t cap)
{
	size_t kl = strlen(key);
	for (const char *p = line; (p = strstr(p, key)) != NULL; p++) {
		if ((p == line || p[-1] == ' ') && p[kl] == '=') {
			size_t n = strcspn(p + kl + 1, " \n");
			if (n >= cap)
				n = cap - 1;
			memcpy(buf, p + kl + 1, n);
			buf[n] = 0;
			return buf;
		}
	}
	return NULL;
}

static double num(const char *line, const char *key)
{
	char b[64];
	return field(line, key, b, sizeof b) ? atof(b) : NAN;
}

static struct row *find(const char *engine, const char *data, const char *op,
			int ef, int threads, int create)
{
	for (int i = 0; i < nrows; i++) {
		struct row *r = &rows[i];
		if (!strcmp(r->engine, engine) && !strcmp(r->data, data) &&
		    !strcmp(r->op, op) && r->ef == ef && r->threads == threads)
			return r;
	}
	if (!create || nrows == MAXROWS)
		return NULL;
	struct row *r = &rows[nrows++];
	memset(r, 0, sizeof *r);
	snprintf(r->engine, sizeof r->engine, "%s", engine);
	snprintf(r->data, sizeof r->data, "%s", data);
	snprintf(r->op, sizeof r->op, "%s", op);
	r->ef = ef;
	r->threads = threads;
	return r;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(const struct row *r, int col)
{
	double v[MAXV];
	int n = 0;
	for (int i = 0; i < r->nv; i++)
		if (!isnan(r->v[i][col]))
			v[n++] = r->v[i][col];
	if (n == 0)
		return NAN;
	qsort(v, (size_t)n, sizeof v[0], dcmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void add(const char *line)
{
	char engine[32], data[32] = "-", op[16];
	if (!field(line, "engine", engine, sizeof engine) ||
	    !field(line, "op", op, sizeof op))
		return;
	field(line, "data", data, sizeof data);
	double ef = num(line, "ef"), th = num(line, "threads");
	struct row *r = find(engine, data, op, isnan(ef) ? 0 : (int)ef,
			     isnan(th) ? 0 : (int)th, 1);
	if (r == NULL || r->nv == MAXV)
		return;
	double *v = r->v[r->nv++];
	v[0] = num(line, "recall");
	v[1] = num(line, "qps");
	v[2] = !strcmp(op, "bandwidth") || !strcmp(op, "flat")
		       ? num(line, "gbps")
		       : num(line, "seconds");
	v[3] = num(line, "bytes_per_vector");
}

/* QPS at the target recall from one engine's ef sweep; NAN if never
 * reached. *floor is set when even the smallest ef is above target. */
static double qps_at(const char *engine, const char *data, int threads,
		     double target, int *floor)
{
	double rec[64], qps[64];
	int n = 0;
	for (int i = 0; i < nrows && n < 64; i++) {
		const struct row *r = &rows[i];
		if (strcmp(r->engine, engine) || strcmp(r->data, data) ||
		    strcmp(r->op, "search") || r->threads != threads)
			continue;
		rec[n] = median(r, 0);
		qps[n++] = median(r, 1);
	}
	*floor = 0;
	if (n == 0)
		return NAN;
	/* by recall: the curve is monotone in ef up to noise */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && rec[j] < rec[j - 1]; j--) {
			double t = rec[j];
			rec[j] = rec[j - 1];
			rec[j - 1] = t;
			t = qps[j];
			qps[j] = qps[j - 1];
			qps[j - 1] = t;
		}
	if (rec[0] >= target) {
		*floor = 1;
		/* the fastest point already meets the target */
		double best = qps[0];
		for (int i = 1; i < n; i++)
			if (qps[i] > best)
				best = qps[i];
		return best;
	}
	for (int i = 1; i < n; i++) {
		if (rec[i] >= target) {
			double f =
				(target - rec[i - 1]) / (rec[i] - rec[i - 1]);
			return exp(log(qps[i - 1]) +
				   f * (log(qps[i]) - log(qps[i - 1])));
		}
	}
	return NAN;
}

static int is_ours(const char *engine)
{
	return strncmp(engine, "alopex", 6) == 0;
}

static void report_data(FILE *out, const char *data)
{
	const char *engines[16];
	int ne = 0, threads[8], nt = 0, efs[32], nef = 0;
	for (int i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		if (strcmp(r->data, data) || strcmp(r->op, "search"))
			continue;
		int k;
		for (k = 0; k < ne && strcmp(engines[k], r->engine); k++)
			;
		if (k == ne && ne < 16)
			engines[ne++] = r->engine;
		for (k = 0; k < nt && threads[k] != r->threads; k++)
			;
		if (k == nt && nt < 8)
			threads[nt++] = r->threads;
		for (k = 0; k < nef && efs[k] != r->ef; k++)
			;
		if (k == nef && nef < 32)
			efs[nef++] = r->ef;
	}
	for (int i = 1; i < nef; i++)
		for (int j = i; j > 0 && efs[j] < efs[j - 1]; j--) {
			int t = efs[j];
			efs[j] = efs[j - 1];
			efs[j - 1] = t;
		}
	fprintf(out, "\n== %s\n", data);
	for (int i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		if (strcmp(r->data, data))
			continue;
		if (!strcmp(r->op, "build"))
			fprintf(out,
				"build   %-12s %8.2f s  %7.0f bytes/vector  "
				"(median of %d)\n",
				r->engine, median(r, 2), median(r, 3), r->nv);
		if (!strcmp(r->op, "flat"))
			fprintf(out,
				"exact   %-12s %8.1f q/s  %6.2f GB/s  %d "
				"thread(s) (median of %d)\n",
				r->engine, median(r, 1), median(r, 2),
				r->threads, r->nv);
	}
	for (int t = 0; t < nt; t++) {
		fprintf(out, "recall@10 / QPS, %d thread(s), medians:\n",
			threads[t]);
		fprintf(out, "  %5s", "ef");
		for (int e = 0; e < ne; e++)
			fprintf(out, "  %-18s", engines[e]);
		fputc('\n', out);
		for (int f = 0; f < nef; f++) {
			fprintf(out, "  %5d", efs[f]);
			for (int e = 0; e < ne; e++) {
				const struct row *r =
					find(engines[e], data, "search", efs[f],
					     threads[t], 0);
				if (r == NULL)
					fprintf(out, "  %-18s", "-");
				else
					fprintf(out, "  %5.3f / %-10.0f",
						median(r, 0), median(r, 1));
			}
			fputc('\n', out);
		}
		static const double targets[] = {0.90, 0.95, 0.99};
		for (int g = 0; g < 3; g++) {
			double q[16];
			int fl[16];
			fprintf(out, "  QPS at recall %.2f:", targets[g]);
			for (int e = 0; e < ne; e++) {
				q[e] = qps_at(engines[e], data, threads[t],
					      targets[g], &fl[e]);
				if (isnan(q[e]))
					fprintf(out, " %s n/a;", engines[e]);
				else
					fprintf(out, " %s %s%.0f;", engines[e],
						fl[e] ? ">=" : "", q[e]);
			}
			fputc('\n', out);
			for (int e = 0; e < ne; e++) {
				if (!is_ours(engines[e]) || isnan(q[e]))
					continue;
				for (int p = 0; p < ne; p++) {
					if (is_ours(engines[p]) || isnan(q[p]))
						continue;
					fprintf(out,
						"    ratio %s/%s = %.2fx\n",
						engines[e], engines[p],
						q[e] / q[p]);
				}
			}
		}
	}
	/* build-time ratios */
	for (int i = 0; i < nrows; i++) {
		const struct row *a = &rows[i];
		if (strcmp(a->data, data) || strcmp(a->op, "build") ||
		    !is_ours(a->engine))
			continue;
		for (int j = 0; j < nrows; j++) {
			const struct row *b = &rows[j];
			if (strcmp(b->data, data) || strcmp(b->op, "build") ||
			    is_ours(b->engine))
				continue;
			fprintf(out, "  build time ratio %s/%s = %.2fx\n",
				a->engine, b->engine,
				median(a, 2) / median(b, 2));
		}
	}
}

int vec_report(FILE *in, FILE *out)
{
	char line[1024];
	while (fgets(line, sizeof line, in) != NULL)
		add(line);
	const char *seen[64];
	int ns = 0;
	for (int i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		if (!strcmp(r->op, "bandwidth"))
			fprintf(out,
				"memory read bandwidth, %d thread(s): %.2f "
				"GB/s (median of %d)\n",
				r->threads, median(r, 2), r->nv);
	}
	for (int i = 0; i < nrows; i++) {
		int k;
		if (!strcmp(rows[i].data, "-"))
			continue;
		for (k = 0; k < ns && strcmp(seen[k], rows[i].data); k++)
			;
		if (k == ns && ns < 64) {
			seen[ns++] = rows[i].data;
			report_data(out, rows[i].data);
		}
	}
	/* exact scans as a fraction of the bandwidth bound */
	for (int i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		if (strcmp(r->op, "flat"))
			continue;
		const struct row *bw =
			find("memory", "-", "bandwidth", 0, r->threads, 0);
		if (bw != NULL)
			fprintf(out,
				"exact %s on %s: %.2f GB/s = %.0f%% of the "
				"%d-thread read bandwidth\n",
				r->engine, r->data, median(r, 2),
				100.0 * median(r, 2) / median(bw, 2),
				r->threads);
	}
	return 0;
}
