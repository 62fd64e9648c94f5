/* Helpers shared by the benchmarks (timing, files, seeds, statistics). */
#ifndef ALX_BENCH_UTIL_H
#define ALX_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Monotonic seconds. */
double bench_now_s(void);
/* rm -rf, and bytes of regular files below path (du). */
void bench_rm_tree(const char *path);
uint64_t bench_du_bytes(const char *path);
/* splitmix64 step: seeds generators, scrambles ids. */
uint64_t bench_splitmix64(uint64_t *x);
/* Median of n values (n >= 1); v is not modified. */
double bench_median(const double *v, unsigned n);
/* A decimal size_t; -1 when s is not one. */
int bench_parse_size(const char *s, size_t *out);
/* alopex_log_fn that keeps warnings and errors only. */
void bench_quiet_log(void *arg, int level, const char *component,
		     const char *message);

#endif
