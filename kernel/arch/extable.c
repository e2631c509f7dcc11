#include "arch/extable.h"

#include "arch/trap.h"

extern const struct extable_entry __extable_start[], __extable_end[];

struct fixup_record last_fixup;

static const struct extable_entry *extable_find(uint64_t addr, uint64_t kind)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end;
	     e++)
		if (e->insn == addr && e->kind == kind)
			return e;
	return 0;
}

bool extable_fixup(struct trap_frame *frame, uint64_t fault_address)
{
	const struct extable_entry *e =
		extable_find(frame->rip, EXTABLE_LOAD_STORE);
	if (!e && frame->vector == VEC_PAGE_FAULT &&
	    (frame->error_code & PF_FETCH)) {
		uint64_t return_address = *(const uint64_t *)frame->rsp;
		e = extable_find(return_address, EXTABLE_CALL);
		if (e)
			frame->rsp += 8; /* pop it: the call never happened */
	}
	if (!e)
		return false;
	last_fixup = (struct fixup_record){frame->vector, frame->error_code,
					   fault_address};
	frame->rip = e->fixup;
	return true;
}
