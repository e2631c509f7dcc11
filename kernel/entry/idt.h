/* The interrupt descriptor table: every vector's gate points at its stub
 * in trap_entry.S. */
#ifndef ENTRY_IDT_H
#define ENTRY_IDT_H

/* Builds the table (once, on the boot CPU) and loads it. */
void idt_init(void);
/* Loads the table on this CPU (every other CPU, at its start-up). */
void idt_load(void);
/* Runs #DF, NMI and #MC on their own stacks (IST), once the TSS has them. */
void idt_use_ist(void);

#endif
