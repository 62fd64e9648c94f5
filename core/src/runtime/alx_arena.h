/*
 * Arenas: request- and statement-scoped memory freed all at once (as nginx
 * pools), on top of the runtime's allocator. Not thread-safe; one owner.
 */
#ifndef ALX_ARENA_H
#define ALX_ARENA_H

#include <stddef.h>

struct alx_runtime;
struct alx_arena_chunk;

struct alx_arena {
	struct alx_runtime *rt;
	struct alx_arena_chunk *head;
	size_t chunk_size; /* default size of new chunks */
	size_t used;	   /* bytes handed out since init/reset */
	size_t limit;	   /* 0: unlimited; else allocations past it fail */
};

/* chunk_size 0: 8 KiB. */
void alx_arena_init(struct alx_arena *a, struct alx_runtime *rt,
		    size_t chunk_size);
/* Free every chunk. NULL-safe. */
void alx_arena_fini(struct alx_arena *a);
/* Free all but the first chunk and rewind it. */
void alx_arena_reset(struct alx_arena *a);
/* 16-byte aligned; NULL when out of memory or past the limit. */
void *alx_arena_alloc(struct alx_arena *a, size_t size);
void *alx_arena_calloc(struct alx_arena *a, size_t n, size_t size);
char *alx_arena_strndup(struct alx_arena *a, const char *s, size_t n);
char *alx_arena_strdup(struct alx_arena *a, const char *s);
void *alx_arena_memdup(struct alx_arena *a, const void *p, size_t n);
/* printf into the arena. */
char *alx_arena_printf(struct alx_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
