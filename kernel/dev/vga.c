/*
 * The VGA text buffer is an array of 16-bit cells: character in the low
 * byte, colour attribute in the high byte. We keep a cursor, wrap at 80
 * columns, and scroll by moving every row up one.
 */
#include "base/vga.h"

#include "base/kernel.h"
#include "base/layout.h"
#include "freestanding/string.h"

#define VGA_TEXT_PHYS 0xb8000
#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR_GREY_ON_BLACK 0x07

static volatile uint16_t *cells;
static int row, col;

void vga_init(void)
{
	cells = phys_to_virt(VGA_TEXT_PHYS);
	for (int i = 0; i < VGA_COLS * VGA_ROWS; i++)
		cells[i] = VGA_ATTR_GREY_ON_BLACK << 8 | ' ';
	row = col = 0;
}

static void scroll(void)
{
	for (int i = 0; i < VGA_COLS * (VGA_ROWS - 1); i++)
		cells[i] = cells[i + VGA_COLS];
	for (int i = 0; i < VGA_COLS; i++)
		cells[VGA_COLS * (VGA_ROWS - 1) + i] =
			VGA_ATTR_GREY_ON_BLACK << 8 | ' ';
	row = VGA_ROWS - 1;
}

void vga_putc(char c)
{
	if (!cells)
		return;
	if (c == '\n') {
		col = 0;
		row++;
	} else if (c == '\b') {
		if (col > 0)
			col--;
	} else {
		cells[row * VGA_COLS + col] =
			VGA_ATTR_GREY_ON_BLACK << 8 | (uint8_t)c;
		if (++col == VGA_COLS) {
			col = 0;
			row++;
		}
	}
	if (row == VGA_ROWS)
		scroll();
}
