/*
 * The only instructions in the kernel that touch user memory. Each access
 * is in the exception table: if it faults (and mm_fault could not bring
 * the page in), the trap handler continues at the fixup, which returns
 * -EFAULT. uaccess.c checks the range and brackets these with stac/clac.
 */
#include "arch/extable.h"
#include "freestanding/errno.h"

	.text
/* long uaccess_copy(void *dst, const void *src, size_t n): 0 or -EFAULT */
	.global uaccess_copy
uaccess_copy:
	mov %rdx, %rcx
1:	rep movsb
	xor %eax, %eax
	ret
	EXTABLE_ENTRY(1b, uaccess_failed, EXTABLE_LOAD_STORE)

/* long uaccess_strncpy(char *dst, const char *src, size_t max): the length
 * copied without its NUL, max if there was no NUL in max bytes, -EFAULT */
	.global uaccess_strncpy
uaccess_strncpy:
	xor %eax, %eax
2:	cmp %rdx, %rax
	je 4f
3:	movb (%rsi,%rax), %cl
	movb %cl, (%rdi,%rax)
	test %cl, %cl
	jz 4f
	inc %rax
	jmp 2b
4:	ret
	EXTABLE_ENTRY(3b, uaccess_failed, EXTABLE_LOAD_STORE)

/* long uaccess_zero(void *dst, size_t n): 0 or -EFAULT */
	.global uaccess_zero
uaccess_zero:
	mov %rsi, %rcx
	xor %eax, %eax
5:	rep stosb
	ret
	EXTABLE_ENTRY(5b, uaccess_failed, EXTABLE_LOAD_STORE)

uaccess_failed:
	mov $-EFAULT, %rax
	ret
