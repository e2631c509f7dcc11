/* VGA text mode (80x25 at physical 0xb8000): a mirror of the console. */
#ifndef BASE_VGA_H
#define BASE_VGA_H

void vga_init(void);
void vga_putc(char c);

#endif
