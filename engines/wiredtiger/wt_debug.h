/*
 * Testing hooks of the WiredTiger engine, for tests that link the engine
 * statically (tests/unit/locks): they hold the group commit's flush so a
 * test can observe who waits for durability, without timing.
 */
#ifndef ALX_WT_DEBUG_H
#define ALX_WT_DEBUG_H

#include <stdint.h>

/* While hold is non-zero no group-commit flush starts; 0 lets them go. */
void alx_wt_debug_hold_sync(void *instance, int hold);
/* Positions on disk; *waiters: callers waiting in the group commit. */
uint64_t alx_wt_debug_sync_state(void *instance, unsigned *waiters);

#endif
