/* Shared by trap_entry.S and idt.c: every stub is this many bytes apart. */
#ifndef ENTRY_TRAP_STUB_H
#define ENTRY_TRAP_STUB_H

#define TRAP_STUB_SIZE 16

#endif
