/* Stopping the machine: reboot(RB_POWER_OFF) (Linux's, as glibc and musl
 * spell it). Only init, or a process with CAP_SYS_BOOT, may. Spindle has
 * no such call (-ENOSYS): it powers off when init ends. */
#ifndef _SYS_REBOOT_H
#define _SYS_REBOOT_H

#define RB_AUTOBOOT 0x01234567
#define RB_HALT_SYSTEM 0xcdef0123
#define RB_POWER_OFF 0x4321fedc

int reboot(int cmd);

#endif
