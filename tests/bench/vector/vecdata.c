/*
 * alopex-vecdata: data sets for the vector benchmark (BENCHMARKS.md §3).
 *
 *   gen  --n N --nq Q --dim D --clusters C --rank R --sigma S --seed X
 *        [--norm] --base B.fvecs --query Q.fvecs
 *        the calibrated clustered mixture: xoshiro256** seeded by four
 *        splitmix64 steps, Box-Muller normals in double, centres first, then
 *        one D x R loading matrix per cluster, then the points.
 *   idx  --in train-images-idx3-ubyte --out base.fvecs [--n LIMIT]
 *        MNIST/Fashion-MNIST idx3 (uint8 images) to float32 rows (the
 *        first LIMIT images when given).
 *   gt   --base B --query Q --k K --metric l2|ip --threads T --out GT.ivecs
 *        exact neighbours by brute force in double, ties to the lower id.
 *   bw   --mib M --threads T
 *        sequential read bandwidth over a buffer far larger than the cache
 *        (the bound an exact scan cannot beat), best of 5 passes, in GB/s.
 *   report < results
 *        reads the key=value lines the engines print, several rounds of
 *        them, and prints medians, recall/QPS curves and ratios.
 *
 * Files are .fvecs/.ivecs (int32 dimension, then the row) as the TEXMEX
 * and ann-benchmarks tools expect.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vecreport.h"

struct rng {
	uint64_t s[4];
	int have_spare;
	double spare;
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
	r->have_spare = 0;
}

/* Uniform in (0, 1]: never 0, so log() below is finite. */
static double rng_unit(struct rng *r)
{
	return ((double)(rng_next(r) >> 11) + 1.0) * 0x1.0p-53;
}

static double rng_normal(struct rng *r)
{
	if (r->have_spare) {
		r->have_spare = 0;
		return r->spare;
	}
	double u1 = rng_unit(r), u2 = rng_unit(r);
	double rad = sqrt(-2.0 * log(u1));
	r->spare = rad * sin(2.0 * M_PI * u2);
	r->have_spare = 1;
	return rad * cos(2.0 * M_PI * u2);
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "alopex-vecdata: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(2);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		die("out of memory (%s)", "malloc");
	return p;
}

static void write_rows(FILE *f, const void *rows, uint32_t dim, size_t n,
		       const char *path)
{
	int32_t d = (int32_t)dim;
	for (size_t i = 0; i < n; i++) {
		if (fwrite(&d, 4, 1, f) != 1 ||
		    fwrite((const char *)rows + i * dim * 4, 4, dim, f) != dim)
			die("cannot write %s", path);
	}
}

static void save_vecs(const char *path, const void *rows, uint32_t dim,
		      size_t n)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		die("cannot create %s", path);
	write_rows(f, rows, dim, n, path);
	if (fclose(f) != 0)
		die("cannot write %s", path);
}

/* Reads a whole .fvecs/.ivecs file; every row must have the same dim. */
static void *load_vecs(const char *path, uint32_t *dim, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		die("cannot open %s", path);
	int32_t d;
	if (fread(&d, 4, 1, f) != 1 || d <= 0 || d > 65536)
		die("%s: not a .fvecs/.ivecs file", path);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	size_t row = 4 + (size_t)d * 4;
	if (size <= 0 || (size_t)size % row != 0)
		die("%s: size is not a whole number of rows", path);
	size_t rows = (size_t)size / row;
	float *out = xmalloc(rows * (size_t)d * 4);
	for (size_t i = 0; i < rows; i++) {
		int32_t rd;
		if (fread(&rd, 4, 1, f) != 1 || rd != d ||
		    fread(out + i * (size_t)d, 4, (size_t)d, f) != (size_t)d)
			die("%s: short or inconsistent row", path);
	}
	fclose(f);
	*dim = (uint32_t)d;
	*n = rows;
	return out;
}

struct args {
	size_t n, nq, k;
	uint32_t dim, clusters, rank, threads;
	double sigma;
	uint64_t seed;
	int norm;
	const char *base, *query, *in, *out, *metric;
};

static size_t num(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || end == s)
		die("not a number: %s", s);
	return (size_t)v;
}

static void parse(int argc, char **argv, struct args *a)
{
	for (int i = 2; i < argc; i++) {
		const char *k = argv[i];
		if (strcmp(k, "--norm") == 0) {
			a->norm = 1;
			continue;
		}
		if (i + 1 >= argc)
			die("%s needs a value", k);
		const char *v = argv[++i];
		if (!strcmp(k, "--n") || !strcmp(k, "--mib"))
			a->n = num(v);
		else if (!strcmp(k, "--nq"))
			a->nq = num(v);
		else if (!strcmp(k, "--k"))
			a->k = num(v);
		else if (!strcmp(k, "--dim"))
			a->dim = (uint32_t)num(v);
		else if (!strcmp(k, "--clusters"))
			a->clusters = (uint32_t)num(v);
		else if (!strcmp(k, "--rank"))
			a->rank = (uint32_t)num(v);
		else if (!strcmp(k, "--threads"))
			a->threads = (uint32_t)num(v);
		else if (!strcmp(k, "--seed"))
			a->seed = num(v);
		else if (!strcmp(k, "--sigma"))
			a->sigma = atof(v);
		else if (!strcmp(k, "--base"))
			a->base = v;
		else if (!strcmp(k, "--query"))
			a->query = v;
		else if (!strcmp(k, "--in"))
			a->in = v;
		else if (!strcmp(k, "--out"))
			a->out = v;
		else if (!strcmp(k, "--metric"))
			a->metric = v;
		else
			die("unknown option %s", k);
	}
}

static void cmd_gen(const struct args *a)
{
	if (!a->n || !a->dim || !a->clusters || !a->base || !a->query)
		die("gen needs --n --dim --clusters --base --query%s", "");
	struct rng r;
	rng_seed(&r, a->seed);
	size_t d = a->dim, rk = a->rank, c = a->clusters;
	double *centres = xmalloc(c * d * sizeof(double));
	for (size_t i = 0; i < c * d; i++)
		centres[i] = rng_normal(&r);
	double *load = xmalloc(c * d * (rk ? rk : 1) * sizeof(double));
	double scale = rk ? 1.0 / sqrt((double)rk) : 0;
	for (size_t i = 0; i < c * d * rk; i++)
		load[i] = rng_normal(&r) * scale;
	size_t total = a->n + a->nq;
	float *rows = xmalloc(total * d * sizeof(float));
	double *z = xmalloc((rk ? rk : 1) * sizeof(double));
	double *x = xmalloc(d * sizeof(double));
	for (size_t p = 0; p < total; p++) {
		size_t k = rng_next(&r) % c;
		for (size_t j = 0; j < rk; j++)
			z[j] = rng_normal(&r);
		const double *w = load + k * d * rk;
		double norm2 = 0;
		for (size_t i = 0; i < d; i++) {
			double v = centres[k * d + i];
			for (size_t j = 0; j < rk; j++)
				v += w[i * rk + j] * z[j];
			v += a->sigma * rng_normal(&r);
			x[i] = v;
			norm2 += v * v;
		}
		double inv = a->norm && norm2 > 0 ? 1.0 / sqrt(norm2) : 1.0;
		for (size_t i = 0; i < d; i++)
			rows[p * d + i] = (float)(x[i] * inv);
	}
	save_vecs(a->base, rows, a->dim, a->n);
	save_vecs(a->query, rows + a->n * d, a->dim, a->nq);
	free(centres);
	free(load);
	free(rows);
	free(z);
	free(x);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void cmd_idx(const struct args *a)
{
	if (!a->in || !a->out)
		die("idx needs --in and --out%s", "");
	FILE *f = fopen(a->in, "rb");
	if (f == NULL)
		die("cannot open %s", a->in);
	unsigned char hdr[16];
	if (fread(hdr, 1, 16, f) != 16 || be32(hdr) != 0x00000803)
		die("%s: not an idx3-ubyte file (magic 0x00000803)", a->in);
	size_t n = be32(hdr + 4), dim = (size_t)be32(hdr + 8) * be32(hdr + 12);
	if (n == 0 || dim == 0 || dim > 65536)
		die("%s: implausible idx3 header", a->in);
	if (a->n && a->n < n)
		n = a->n;
	unsigned char *img = xmalloc(dim);
	float *row = xmalloc(dim * sizeof(float));
	FILE *o = fopen(a->out, "wb");
	if (o == NULL)
		die("cannot create %s", a->out);
	for (size_t i = 0; i < n; i++) {
		if (fread(img, 1, dim, f) != dim)
			die("%s: truncated", a->in);
		for (size_t j = 0; j < dim; j++)
			row[j] = img[j];
		write_rows(o, row, (uint32_t)dim, 1, a->out);
	}
	fclose(f);
	if (fclose(o) != 0)
		die("cannot write %s", a->out);
	free(img);
	free(row);
}

struct gt_job {
	const float *base, *query;
	size_t n, nq, k, first, step;
	uint32_t dim;
	int ip;
	int32_t *out;
};

struct cand {
	double d;
	int32_t id;
};

/* Max-heap on (distance, id): the root is the worst kept neighbour. */
static int cand_worse(const struct cand *x, const struct cand *y)
{
	return x->d > y->d || (x->d == y->d && x->id > y->id);
}

static void heap_sift(struct cand *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, w = i;
		if (l < n && cand_worse(&h[l], &h[w]))
			w = l;
		if (l + 1 < n && cand_worse(&h[l + 1], &h[w]))
			w = l + 1;
		if (w == i)
			return;
		struct cand t = h[i];
		h[i] = h[w];
		h[w] = t;
		i = w;
	}
}

static int cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	if (a->d != b->d)
		return a->d < b->d ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static void *gt_worker(void *arg)
{
	struct gt_job *j = arg;
	struct cand *heap = xmalloc(j->k * sizeof(*heap));
	for (size_t q = j->first; q < j->nq; q += j->step) {
		const float *qv = j->query + q * j->dim;
		size_t used = 0;
		for (size_t i = 0; i < j->n; i++) {
			const float *bv = j->base + i * j->dim;
			double s = 0;
			for (uint32_t t = 0; t < j->dim; t++) {
				if (j->ip) {
					s -= (double)qv[t] * bv[t];
				} else {
					double df = (double)qv[t] - bv[t];
					s += df * df;
				}
			}
			struct cand c = {s, (int32_t)i};
			if (used < j->k) {
				heap[used++] = c;
				if (used == j->k)
					for (size_t h = j->k / 2 + 1; h-- > 0;)
						heap_sift(heap, used, h);
			} else if (cand_worse(&heap[0], &c)) {
				heap[0] = c;
				heap_sift(heap, used, 0);
			}
		}
		qsort(heap, used, sizeof(*heap), cand_cmp);
		for (size_t i = 0; i < j->k; i++)
			j->out[q * j->k + i] = i < used ? heap[i].id : -1;
	}
	free(heap);
	return NULL;
}

static void cmd_gt(const struct args *a)
{
	if (!a->base || !a->query || !a->out || !a->k)
		die("gt needs --base --query --k --out%s", "");
	uint32_t d1, d2;
	size_t n, nq;
	float *base = load_vecs(a->base, &d1, &n);
	float *query = load_vecs(a->query, &d2, &nq);
	if (d1 != d2)
		die("base and query dimensions differ (%s)", a->query);
	int ip = a->metric && strcmp(a->metric, "ip") == 0;
	if (a->metric && !ip && strcmp(a->metric, "l2") != 0)
		die("--metric must be l2 or ip, not %s", a->metric);
	size_t threads = a->threads ? a->threads : 1;
	if (threads > 64)
		threads = 64;
	int32_t *out = xmalloc(nq * a->k * sizeof(int32_t));
	pthread_t tid[64];
	struct gt_job jobs[64];
	for (size_t t = 0; t < threads; t++) {
		jobs[t] = (struct gt_job){base, query,	 n,  nq, a->k,
					  t,	threads, d1, ip, out};
		if (pthread_create(&tid[t], NULL, gt_worker, &jobs[t]) != 0)
			die("cannot start a thread%s", "");
	}
	for (size_t t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	save_vecs(a->out, out, (uint32_t)a->k, nq);
	free(base);
	free(query);
	free(out);
}

struct bw_job {
	const uint64_t *p;
	size_t n;
	uint64_t sum;
};

static void *bw_worker(void *arg)
{
	struct bw_job *j = arg;
	/* Four independent accumulators so the loop is load-bound, not
	 * add-latency-bound; the compiler vectorises it at -O3. */
	uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	for (size_t i = 0; i + 4 <= j->n; i += 4) {
		s0 += j->p[i];
		s1 += j->p[i + 1];
		s2 += j->p[i + 2];
		s3 += j->p[i + 3];
	}
	j->sum = s0 + s1 + s2 + s3;
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void cmd_bw(const struct args *a)
{
	size_t mib = a->n ? a->n : 1024, threads = a->threads ? a->threads : 1;
	if (threads > 64)
		threads = 64;
	size_t words = mib * 1024 * 1024 / 8;
	uint64_t *buf = xmalloc(words * 8);
	for (size_t i = 0; i < words; i++)
		buf[i] = i;
	double best = 0;
	uint64_t check = 0;
	for (int pass = 0; pass < 5; pass++) {
		pthread_t tid[64];
		struct bw_job jobs[64];
		size_t per = words / threads;
		double t0 = now_s();
		for (size_t t = 0; t < threads; t++) {
			jobs[t] = (struct bw_job){buf + t * per, per, 0};
			if (pthread_create(&tid[t], NULL, bw_worker, &jobs[t]))
				die("cannot start a thread%s", "");
		}
		for (size_t t = 0; t < threads; t++) {
			pthread_join(tid[t], NULL);
			check += jobs[t].sum;
		}
		double gbs = (double)(per * threads * 8) / (now_s() - t0) / 1e9;
		if (gbs > best)
			best = gbs;
	}
	printf("engine=memory op=bandwidth threads=%zu mib=%zu gbps=%.2f "
	       "check=%llu\n",
	       threads, mib, best, (unsigned long long)(check & 0xff));
	free(buf);
}

int main(int argc, char **argv)
{
	struct args a = {.threads = 1, .seed = 1, .k = 100};
	if (argc < 2)
		die("usage: alopex-vecdata gen|idx|gt [options]%s", "");
	parse(argc, argv, &a);
	if (strcmp(argv[1], "gen") == 0)
		cmd_gen(&a);
	else if (strcmp(argv[1], "idx") == 0)
		cmd_idx(&a);
	else if (strcmp(argv[1], "gt") == 0)
		cmd_gt(&a);
	else if (strcmp(argv[1], "bw") == 0)
		cmd_bw(&a);
	else if (strcmp(argv[1], "report") == 0)
		return vec_report(stdin, stdout);
	else
		die("unknown command %s (gen, idx, gt)", argv[1]);
	return 0;
}
