/* Tabulates the key=value result lines of the vector benchmark. */
#ifndef ALX_VECREPORT_H
#define ALX_VECREPORT_H

#include <stdio.h>

/* Reads result lines from in (any number of rounds), prints medians,
 * recall/QPS tables and ours/peer ratios to out. 0 on success. */
int vec_report(FILE *in, FILE *out);

#endif
