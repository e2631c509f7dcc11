#include "debug/backtrace.h"

#include "debug/ksyms.h"
#include "kernel.h"
#include "mm/layout.h"
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

void backtrace_print(uint64_t rip, uint64_t rbp)
{
	kprintf("Backtrace:\n  #0  ");
	print_symbolized(rip);
	kprintf("\n");
	const struct stack_frame *f = (const struct stack_frame *)rbp;
	for (int depth = 1; depth < BACKTRACE_MAX_FRAMES && f; depth++) {
		if (!frame_readable(f)) {
			kprintf("  (frame pointer %p is not on a mapped stack: "
				"backtrace ends)\n",
				(const void *)f);
			return;
		}
		if (f->return_address == 0)
			return;
		kprintf("  #%-2d ", depth);
		print_symbolized(f->return_address);
		kprintf("\n");
		if (f->next && f->next <= f) {
			kprintf("  (frame pointer goes backwards: backtrace "
				"ends)\n");
			return;
		}
		f = f->next;
	}
}
