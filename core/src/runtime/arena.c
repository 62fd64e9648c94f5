#include "runtime/alx_arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "runtime/alx_runtime.h"

#define ARENA_ALIGN 16

struct alx_arena_chunk {
	struct alx_arena_chunk *next;
	size_t size, pos;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

void alx_arena_init(struct alx_arena *a, struct alx_runtime *rt,
		    size_t chunk_size)
{
	memset(a, 0, sizeof(*a));
	a->rt = rt;
	a->chunk_size = chunk_size ? chunk_size : 8192;
}

void alx_arena_fini(struct alx_arena *a)
{
	if (a == NULL)
		return;
	while (a->head != NULL) {
		struct alx_arena_chunk *c = a->head;
		a->head = c->next;
		alx_free(a->rt, c);
	}
	a->used = 0;
}

void alx_arena_reset(struct alx_arena *a)
{
	if (a->head == NULL)
		return;
	/* Keep the oldest chunk: it is the one a small statement fits in. */
	struct alx_arena_chunk *keep = a->head;
	while (keep->next != NULL) {
		struct alx_arena_chunk *c = keep;
		keep = keep->next;
		alx_free(a->rt, c);
	}
	keep->pos = 0;
	a->head = keep;
	a->used = 0;
}

void *alx_arena_alloc(struct alx_arena *a, size_t size)
{
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need < size)
		return NULL;
	if (a->limit != 0 && (need > a->limit || a->used > a->limit - need))
		return NULL;
	struct alx_arena_chunk *c = a->head;
	if (c == NULL || c->size - c->pos < need) {
		size_t csize = need > a->chunk_size ? need : a->chunk_size;
		if (csize > SIZE_MAX - sizeof(*c))
			return NULL;
		c = alx_malloc(a->rt, sizeof(*c) + csize);
		if (c == NULL)
			return NULL;
		c->size = csize;
		c->pos = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->pos;
	c->pos += need;
	a->used += need;
	return p;
}

void *alx_arena_calloc(struct alx_arena *a, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	void *p = alx_arena_alloc(a, n * size);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

char *alx_arena_strndup(struct alx_arena *a, const char *s, size_t n)
{
	char *p = alx_arena_alloc(a, n + 1);
	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *alx_arena_strdup(struct alx_arena *a, const char *s)
{
	return alx_arena_strndup(a, s, strlen(s));
}

void *alx_arena_memdup(struct alx_arena *a, const void *p, size_t n)
{
	void *q = alx_arena_alloc(a, n ? n : 1);
	if (q != NULL && n > 0)
		memcpy(q, p, n);
	return q;
}

char *alx_arena_printf(struct alx_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = alx_arena_alloc(a, (size_t)n + 1);
	if (p == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
