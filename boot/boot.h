/* Constants shared by the boot assembly and the C code that reads its results.
 */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

#define MB2_HEADER_MAGIC 0xe85250d6 /* in the kernel's multiboot2 header */
#define MB2_BOOT_MAGIC 0x36d76289   /* in EAX when GRUB enters _start */
#define BOOT_MAGIC_PVH 0x336ec578   /* hvm_start_info magic; set by pvh_start */

#define BOOT_STACK_SIZE (16 * 1024)

#endif
