#include "arch/extable.h"
#include "freestanding/errno.h"

	.text
	.global probe_read_u8
probe_read_u8:			/* (addr, uint8_t *value) */
	xor %eax, %eax
1:	movb (%rdi), %cl
	movb %cl, (%rsi)
	ret
	EXTABLE_ENTRY(1b, probe_failed, EXTABLE_LOAD_STORE)

	.global probe_write_u8
probe_write_u8:			/* (addr, value) */
	xor %eax, %eax
2:	movb %sil, (%rdi)
	ret
	EXTABLE_ENTRY(2b, probe_failed, EXTABLE_LOAD_STORE)

	.global probe_exec
probe_exec:			/* (addr) */
	push %rbp
	mov %rsp, %rbp
	call *%rdi
3:	xor %eax, %eax
	pop %rbp
	ret
	EXTABLE_ENTRY(3b, probe_exec_failed, EXTABLE_CALL)

probe_exec_failed:
	mov $-EFAULT, %eax
	pop %rbp
	ret

probe_failed:
	mov $-EFAULT, %eax
	ret
