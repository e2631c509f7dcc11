/*
 * Protection features a CPU may have, turned on where it has them.
 *
 * SMEP stops the kernel from executing user pages, SMAP from touching them
 * except between stac and clac (the user copies in uaccess.S). Both turn a
 * kernel bug that follows a user pointer into an immediate fault report.
 */
#ifndef ARCH_CPU_FEATURES_H
#define ARCH_CPU_FEATURES_H

/* Turns on SMEP and SMAP on this CPU where it has them. Every CPU runs it
 * once during its start-up, before it can enter user mode. */
void cpu_features_init_cpu(void);

/* Whether the kernel uses SMAP (user copies then need stac/clac). */
extern int smap_enabled;

#endif
