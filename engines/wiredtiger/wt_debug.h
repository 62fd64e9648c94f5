/*
 * Testing hooks of the WiredTiger engine, for tests that link the engine
 * statically (tests/unit/locks, tests/integration/durability): they hold the
 * group commit's flush or a checkpoint so a test can observe who waits for
 * durability, or crash at that point, without timing.
 */
#ifndef ALX_WT_DEBUG_H
#define ALX_WT_DEBUG_H

#include <stdint.h>

/* While hold is non-zero no group-commit flush starts; 0 lets them go. */
void alx_wt_debug_hold_sync(void *instance, int hold);
/* Positions on disk; *waiters: callers waiting in the group commit. */
uint64_t alx_wt_debug_sync_state(void *instance, unsigned *waiters);

/*
 * Checkpoints (wt_ckpt.c). Run one now (0 or an ALOPEX_E* code); while
 * hold is set, a checkpoint stops after recording its P0 and before
 * WiredTiger's checkpoint starts; *held tells one is waiting there.
 */
int alx_wt_debug_checkpoint(void *instance);
void alx_wt_debug_hold_checkpoint(void *instance, int hold);
/* P0 of the last completed checkpoint, and whether one waits on hold. */
uint64_t alx_wt_debug_ckpt_state(void *instance, int *held);
/* Whether WiredTiger logs the data table (a directory made before). */
int alx_wt_debug_data_logged(void *instance);

#endif
