/* Shared by the files of aspace/ only: not part of its interface. */
#ifndef ASPACE_INTERNAL_H
#define ASPACE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* The page-table flags of a region with protection prot (VMA_*). */
uint64_t pte_flags(unsigned prot);

/* The regions of an mm, on its list and in its tree (regions.c); every
 * function under mm->lock. */
struct mm;
struct vma;
/* Puts v (start and end set, overlapping nothing) in its place. */
void vma_link(struct mm *mm, struct vma *v);
/* Takes v out (it is not freed). */
void vma_unlink(struct mm *mm, struct vma *v);
/* After v->end moved (v's start never does while it is linked). */
void vma_end_changed(struct mm *mm, struct vma *v);
/* The region after v, or NULL. */
struct vma *vma_next(struct mm *mm, struct vma *v);
/* The lowest region that ends above addr (the one holding addr, or the
 * first above it), or NULL. */
struct vma *vma_first_ending_after(struct mm *mm, uint64_t addr);
/* The highest address a with [a, a + len) free and inside [floor, top),
 * or 0 if there is none. */
uint64_t vma_find_gap(struct mm *mm, uint64_t len, uint64_t floor,
		      uint64_t top);

#endif
