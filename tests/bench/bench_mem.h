/*
 * Memory-bound kernels for the benchmarks: a STREAM-like sequential read
 * (this machine's bandwidth bound, measured in the same run) and an exact
 * k-NN scan over a flat float array (the raw kernel the SQL path is held
 * against). AVX2+FMA when the CPU has them (chosen at run time, so the
 * generic build measures the real bound), plain C otherwise.
 */
#ifndef ALX_BENCH_MEM_H
#define ALX_BENCH_MEM_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_KNN_MAX_K 64

/* "avx2+fma" or "generic": which kernels run. */
const char *bench_mem_isa(void);

/*
 * Sequential read of n floats (one thread); the sum keeps the compiler
 * from dropping the loads.
 */
double bench_mem_read_sum(const float *p, size_t n);

/* Squared L2 distance, float accumulators. */
float bench_mem_l2sq(const float *a, const float *b, size_t dim);

/*
 * Exact k nearest rows of base (n rows of dim floats) to q by squared L2:
 * ids (row numbers) nearest first into out_ids (k entries, k <=
 * BENCH_KNN_MAX_K and k <= n); ties go to the lower row.
 */
void bench_mem_knn(const float *base, size_t n, size_t dim, const float *q,
		   size_t k, uint32_t *out_ids);

/* Squared L2 in double, for checking results. */
double bench_mem_l2sq_exact(const float *a, const float *b, size_t dim);

#endif
