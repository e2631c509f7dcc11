/* Page tables (kernel/mm/vmm.c) and the protections the kernel relies on. */
#include "arch/extable.h"
#include "arch/probe.h"
#include "arch/trap.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "freestanding/errno.h"
#include "mm/pmm.h"
#include "mm/vmm.h"
#include "test/ktest.h"

static const char rodata_word[8] = "rodata";
static uint8_t data_ret_instruction[16] = {0xc3}; /* "ret", in .data */
extern const char boot_stack_guard[];

static noinline void empty_function(void)
{
	__asm__ volatile("");
}

KTEST(vmm, map_translate_unmap_in_a_new_address_space)
{
	uint64_t as = vmm_create_address_space();
	KASSERT_NE(as, 0);
	uint64_t page = pmm_alloc(), va = 0x0000123456789000ul, pa, flags;
	KEXPECT_TRUE(!vmm_translate(as, va, &pa, &flags));
	KEXPECT_EQ(vmm_map(as, va, page, PTE_WRITE | PTE_USER), 0);
	KEXPECT_EQ(vmm_map(as, va, page, PTE_WRITE), -EEXIST);
	KASSERT_TRUE(vmm_translate(as, va + 0x123, &pa, &flags));
	KEXPECT_EQ(pa, page + 0x123);
	KEXPECT_TRUE(flags & PTE_WRITE);
	KEXPECT_TRUE(flags & PTE_USER);
	KEXPECT_EQ(vmm_unmap(as, va), page);
	KEXPECT_TRUE(!vmm_translate(as, va, &pa, &flags));
	KEXPECT_EQ(vmm_unmap(as, va), 0);
	/* The kernel half is shared: the kernel's text is there too. */
	KEXPECT_TRUE(vmm_translate(as, (uint64_t)__text_start, &pa, NULL));
	vmm_destroy_address_space(as); /* frees the tables it grew */
	pmm_free(page);
}

KTEST(vmm, kernel_sections_have_wx_permissions)
{
	uint64_t pa, flags;
	KASSERT_TRUE(vmm_translate(kernel_pml4, (uint64_t)__text_start, &pa,
				   &flags));
	KEXPECT_EQ(pa, (uint64_t)__text_start - KERNEL_VMA);
	KEXPECT_TRUE(!(flags & PTE_WRITE) && !(flags & PTE_NX));
	KASSERT_TRUE(
		vmm_translate(kernel_pml4, (uint64_t)rodata_word, &pa, &flags));
	KEXPECT_TRUE(!(flags & PTE_WRITE) && (flags & PTE_NX));
	KASSERT_TRUE(vmm_translate(kernel_pml4, (uint64_t)data_ret_instruction,
				   &pa, &flags));
	KEXPECT_TRUE((flags & PTE_WRITE) && (flags & PTE_NX));
}

KTEST(vmm, direct_map_covers_ram_with_huge_pages)
{
	uint64_t page = pmm_alloc(), pa, flags;
	KASSERT_TRUE(vmm_translate(kernel_pml4, (uint64_t)phys_to_virt(page),
				   &pa, &flags));
	KEXPECT_EQ(pa, page);
	KEXPECT_TRUE((flags & PTE_WRITE) && (flags & PTE_NX));
	uint64_t last = pmm_phys_end() - 1;
	KEXPECT_TRUE(vmm_translate(kernel_pml4, (uint64_t)phys_to_virt(last),
				   &pa, NULL));
	KEXPECT_EQ(pa, last);
	pmm_free(page);
}

KTEST(vmm, write_to_rodata_faults)
{
	KEXPECT_EQ(probe_write_u8((void *)rodata_word, 'x'), -EFAULT);
	KEXPECT_EQ(last_fixup.vector, VEC_PAGE_FAULT);
	KEXPECT_EQ(last_fixup.error_code & (PF_PRESENT | PF_WRITE),
		   PF_PRESENT | PF_WRITE);
	KEXPECT_EQ(last_fixup.address, (uint64_t)rodata_word);
	KEXPECT_EQ(rodata_word[0], 'r');
}

KTEST(vmm, write_to_text_faults)
{
	KEXPECT_EQ(probe_write_u8((void *)empty_function, 0xcc), -EFAULT);
	KEXPECT_EQ(last_fixup.error_code & (PF_PRESENT | PF_WRITE),
		   PF_PRESENT | PF_WRITE);
}

KTEST(vmm, write_to_kernel_image_through_direct_map_faults)
{
	void *alias = phys_to_virt(virt_to_phys(__text_start));
	KEXPECT_EQ(probe_write_u8(alias, 0xcc), -EFAULT);
}

KTEST(vmm, executing_data_faults_nx)
{
	if (!pte_nx())
		return; /* a CPU without NX cannot enforce it */
	KEXPECT_EQ(probe_exec(empty_function), 0); /* the probe itself works */
	KEXPECT_EQ(probe_exec(data_ret_instruction), -EFAULT);
	KEXPECT_EQ(last_fixup.error_code & PF_FETCH, PF_FETCH);
	KEXPECT_EQ(last_fixup.address, (uint64_t)data_ret_instruction);
}

KTEST(vmm, null_and_low_addresses_are_unmapped)
{
	uint8_t v;
	KEXPECT_EQ(probe_read_u8(NULL, &v), -EFAULT);
	KEXPECT_EQ(last_fixup.error_code & PF_PRESENT, 0);
	KEXPECT_EQ(probe_read_u8((void *)0x100000, &v), -EFAULT);
}

KTEST(vmm, boot_stack_guard_page_is_unmapped)
{
	uint8_t v;
	KEXPECT_TRUE(!vmm_kernel_mapped((uint64_t)boot_stack_guard, 1));
	KEXPECT_EQ(probe_read_u8(boot_stack_guard + PAGE_SIZE - 1, &v),
		   -EFAULT);
	KEXPECT_TRUE(
		vmm_kernel_mapped((uint64_t)boot_stack_guard + PAGE_SIZE, 1));
}
