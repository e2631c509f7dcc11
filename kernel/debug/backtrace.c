#include "base/backtrace.h"

#include "base/kernel.h"
#include "base/ksyms.h"
#include "base/layout.h"
#include "freestanding/string.h"
#include "mm/vmm.h"

#define BACKTRACE_MAX_FRAMES 32

void print_symbolized(uint64_t addr)
{
	uint64_t off;
	const char *name = ksym_lookup(addr, &off);
	if (name)
		kprintf("0x%016lx %s+0x%lx", addr, name, off);
	else
		kprintf("0x%016lx ?", addr);
}

/*
 * A frame, as every function built with frame pointers lays it out:
 *
 *   rbp + 8  ->  return address into the caller
 *   rbp      ->  caller's saved rbp  (0 in the outermost frame)
 */
struct stack_frame {
	struct stack_frame *next;
	uint64_t return_address;
};

static bool frame_readable(const struct stack_frame *f)
{
	uint64_t va = (uint64_t)f;
	return va % 8 == 0 && va >= KERNEL_HALF_START &&
	       vmm_kernel_mapped(va, sizeof(*f));
}

static void print_frame(int depth, uint64_t addr)
{
	kprintf("  #%-2d ", depth);
	print_symbolized(addr);
	kprintf("\n");
}

/* Walks the saved-rbp chain; frames are numbered from `depth`. */
static void walk_frames(uint64_t rbp, int depth)
{
	const struct stack_frame *f = (const struct stack_frame *)rbp;
	for (; depth < BACKTRACE_MAX_FRAMES && f; depth++) {
		if (!frame_readable(f)) {
			kprintf("  (frame pointer %p is not on a mapped stack: "
				"backtrace ends)\n",
				(const void *)f);
			return;
		}
		if (f->return_address == 0)
			return;
		print_frame(depth, f->return_address);
		if (f->next && f->next <= f) {
			kprintf("  (frame pointer goes backwards: backtrace "
				"ends)\n");
			return;
		}
		f = f->next;
	}
}

void backtrace_print(uint64_t rip, uint64_t rbp)
{
	kprintf("Backtrace:\n");
	print_frame(0, rip);
	walk_frames(rbp, 1);
}

/* Is ret the return address of a direct call (E8 rel32) to target? */
static bool returns_from_call_to(uint64_t ret, uint64_t target)
{
	uint64_t off;
	if (!ksym_lookup(ret - 5, &off))
		return false;
	const uint8_t *call = (const uint8_t *)(ret - 5);
	int32_t rel;
	memcpy(&rel, call + 1, sizeof(rel));
	return call[0] == 0xe8 && ret + rel == target;
}

void backtrace_print_trap(uint64_t rip, uint64_t rbp, uint64_t rsp)
{
	kprintf("Backtrace:\n");
	print_frame(0, rip);
	uint64_t off;
	int depth = 1;
	if (ksym_lookup(rip, &off) && rsp % 8 == 0 &&
	    vmm_kernel_mapped(rsp, 8) &&
	    returns_from_call_to(*(const uint64_t *)rsp, rip - off))
		print_frame(depth++, *(const uint64_t *)rsp);
	walk_frames(rbp, depth);
}
