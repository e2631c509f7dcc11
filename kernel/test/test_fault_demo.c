/*
 * ktest=fault_demo: a deliberate kernel page fault, to show (and test) the
 * report a student sees: vector, error code, CR2, registers, and a
 * backtrace naming fault_demo_inner <- fault_demo_middle <- fault_demo_outer.
 */
#include "base/kernel.h"
#include "test/ktest.h"

#define FAULT_DEMO_ADDRESS 0xdead0000ul

noinline void fault_demo_inner(volatile uint64_t *p)
{
	*p = 42; /* nothing is mapped there */
}

noinline void fault_demo_middle(uint64_t address)
{
	fault_demo_inner((volatile uint64_t *)address);
	__asm__ volatile(""); /* keep this frame: no tail call */
}

noinline void fault_demo_outer(void)
{
	fault_demo_middle(FAULT_DEMO_ADDRESS);
	__asm__ volatile("");
}

KTEST_DEATH(fault_demo, page_fault_report,
	    "page fault (#PF)|CR2 0x00000000dead0000|write of a not-present "
	    "page, kernel mode|RIP 0x|fault_demo_inner+|Backtrace:|"
	    "fault_demo_middle+|fault_demo_outer+|ktest_main+")
{
	fault_demo_outer();
}
