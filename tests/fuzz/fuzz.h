/*
 * Fuzz targets: each fuzz_<name>.c defines LLVMFuzzerTestOneInput. Built
 * with libFuzzer (clang, ALOPEX_BUILD_FUZZ=ON) or with replay_main.c, which
 * runs it over a seed corpus in every ctest run.
 */
#ifndef ALX_FUZZ_H
#define ALX_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
