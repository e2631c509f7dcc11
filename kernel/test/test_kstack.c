/* Kernel stacks and their guard pages (kernel/mm/kstack.c). */
#include "arch/probe.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "freestanding/errno.h"
#include "mm/kstack.h"
#include "test/ktest.h"

KTEST(kstack, stack_is_mapped_and_guard_is_not)
{
	uint8_t *top = kstack_alloc();
	KASSERT_TRUE(top != NULL);
	KEXPECT_EQ((uint64_t)top % 16, 0);
	KEXPECT_EQ(probe_write_u8(top - 1, 1), 0);
	KEXPECT_EQ(probe_write_u8(top - KSTACK_SIZE, 1), 0);
	KEXPECT_EQ(probe_write_u8(top - KSTACK_SIZE - 1, 1), -EFAULT);
	KEXPECT_TRUE(kstack_is_guard((uint64_t)top - KSTACK_SIZE - 1));
	KEXPECT_TRUE(!kstack_is_guard((uint64_t)top - 1));
	kstack_free(top);
	kstack_cache_drain();
	/* Freed means unmapped: a stale pointer faults instead of
	 * scribbling on a page someone else now owns. */
	KEXPECT_EQ(probe_write_u8(top - 1, 1), -EFAULT);
}

KTEST(kstack, stacks_are_distinct_and_reused)
{
	void *a = kstack_alloc(), *b = kstack_alloc();
	KASSERT_TRUE(a && b);
	KEXPECT_TRUE(a != b);
	kstack_free(a);
	kstack_free(b);
	for (int i = 0; i < 1000; i++) { /* slots come back */
		void *s = kstack_alloc();
		KASSERT_TRUE(s != NULL);
		kstack_free(s);
	}
}

/* Recurses (practically) forever, 256+ bytes of stack per level. */
static noinline void recurse_forever(unsigned depth)
{
	char frame[256];
	__asm__ volatile("" : : "r"(frame) : "memory"); /* keep the frame */
	if (depth < 0xffffffffu)
		recurse_forever(depth + 1);
	__asm__ volatile("" : : "r"(frame) : "memory"); /* no tail call */
}

/* Runs recurse_forever on a fresh guarded stack: it must hit the guard
 * page, which the CPU reports as a double fault on the IST stack. */
KTEST_DEATH(kstack, overflow_hits_guard_page,
	    "double fault (#DF)|kernel stack overflow")
{
	void *top = kstack_alloc();
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "xor %%edi, %%edi\n\t"
			 "call *%1"
			 :
			 : "r"(top), "r"(recurse_forever)
			 : "memory");
}
