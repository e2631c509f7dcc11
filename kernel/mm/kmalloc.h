/*
 * kmalloc/kfree: the kernel's general-purpose allocator.
 *
 * Requests up to KMALLOC_MAX_SMALL bytes come from size-class slabs (16, 32,
 * ..., 1024 bytes); larger ones get whole pages. Memory is not zeroed
 * (kzalloc zeroes). kfree(NULL) does nothing; freeing anything kmalloc did
 * not return, or freeing twice, panics with the pointer and the caller.
 */
#ifndef MM_KMALLOC_H
#define MM_KMALLOC_H

#include <stddef.h>

#define KMALLOC_MAX_SMALL 1024

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *ptr);

/* Bytes currently handed out (rounded to size class / pages): the figure
 * leak tests compare before and after. */
size_t kmalloc_bytes_in_use(void);

#endif
