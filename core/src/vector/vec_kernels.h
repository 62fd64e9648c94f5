/*
 * Vector distance kernels with runtime CPU dispatch.
 *
 * Each instruction set has one static const table (struct
 * alopex_vector_kernels); alx_vec_kernels_detect picks the best one the CPU
 * and OS support. The runtime calls it once and keeps the pointer in its
 * host table (host->vector_kernels), so plugins and the SQL executor share
 * one choice. There is no mutable state: the tables are constants and the
 * detection only reads the CPU model libgcc fills in before main.
 */
#ifndef ALX_VEC_KERNELS_H
#define ALX_VEC_KERNELS_H

#include <stddef.h>

#include "alopex_plugin.h"

/* The best table for this CPU. Never NULL. */
const struct alopex_vector_kernels *alx_vec_kernels_detect(void);
/*
 * The table called `name` ("avx512f", "avx2+fma", "sse2", "neon",
 * "scalar") when this build has it and the CPU runs it, else NULL.
 */
const struct alopex_vector_kernels *alx_vec_kernels_by_name(const char *name);
/* Every table this build holds, supported or not; NULL-terminated. */
const struct alopex_vector_kernels *const *alx_vec_kernels_all(void);

/* Per-ISA tables (vec_kernels_*.c); use them through the functions above. */
extern const struct alopex_vector_kernels alx_vec_kernels_scalar;
#if defined(__x86_64__) || defined(__i386__)
#define ALX_VEC_HAVE_X86 1
extern const struct alopex_vector_kernels alx_vec_kernels_sse2;
extern const struct alopex_vector_kernels alx_vec_kernels_avx2;
extern const struct alopex_vector_kernels alx_vec_kernels_avx512;
#endif
#if defined(__aarch64__) && defined(__ARM_NEON)
#define ALX_VEC_HAVE_NEON 1
extern const struct alopex_vector_kernels alx_vec_kernels_neon;
#endif

/* 1 - a.b / sqrt(|a|^2 |b|^2) clamped to [0, 2]; NaN for a zero norm. */
double alx_vec_cosine_from(double dot, double na, double nb);

#endif
