#ifndef ARCH_PIC_H
#define ARCH_PIC_H

#define PIC_VECTOR_BASE 0x20 /* 0x20-0x2f, all masked */

/* Remaps the legacy PICs away from the exception vectors and masks them. */
void pic_disable(void);

#endif
