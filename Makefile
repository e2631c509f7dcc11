# Spindle: every entry point. `make help` lists them; README.md explains.

# --- What to run (the contracts in README.md) ---
SMP       ?= 4
MEM       ?= 512M
BOOT      ?= iso
CMDLINE   ?=
QEMUFLAGS ?=
GDBPORT   ?= 1234
DEBUG     ?= 0
# make gdb PROG=NAME: boot with init=/bin/NAME (unless CMDLINE says
# otherwise) and load build/user/NAME's symbols into GDB as well.
PROG      ?=
ifneq ($(PROG),)
ifeq ($(strip $(CMDLINE)),)
CMDLINE   := init=/bin/$(PROG)
endif
endif

# --- Toolchain: host gcc by default, CC=clang, or TOOLPREFIX=x86_64-elf- ---
TOOLPREFIX ?=
ifeq ($(origin CC),default)
CC := $(TOOLPREFIX)gcc
endif
LD      := $(TOOLPREFIX)ld
NM      := $(TOOLPREFIX)nm
PYTHON  ?= python3

ifeq ($(DEBUG),1)
B     := build/debug
OPT   := -Og -DDEBUG
else
B     := build
OPT   := -O2
endif

# The kernel: freestanding, no red zone (interrupts push onto the stack),
# no SSE (its registers are user state), frame pointers for backtraces.
CFLAGS := -std=gnu11 $(OPT) -g -Wall -Wextra -Werror \
	-ffreestanding -fno-builtin -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-mno-red-zone -mcmodel=kernel -fno-pic -fno-pie \
	-mno-sse -mno-sse2 -mno-mmx -mno-80387 \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-common \
	-I. -Ikernel -Ilib -MMD -MP
ASFLAGS := $(filter-out -std=gnu11 -Werror,$(CFLAGS)) -D__ASSEMBLER__
LDFLAGS := -nostdlib -static -T linker.ld -z max-page-size=4096 -z noexecstack \
	$(shell $(LD) --help 2>/dev/null | grep -q no-warn-rwx-segments && echo --no-warn-rwx-segments)

KERNEL_SRCS := $(sort $(shell find boot kernel lib/freestanding -name '*.c' -o -name '*.S'))
KERNEL_OBJS := $(patsubst %,$(B)/%.o,$(KERNEL_SRCS))

.PHONY: all help run test bench gdb qemu-gdb trace iso deps format clean compile_commands.json FORCE \
	grade skeleton
.DELETE_ON_ERROR:

all: $(B)/kernel.elf $(B)/initrd.cpio $(B)/spindle.iso compile_commands.json

help:
	@echo "make run      boot Spindle in QEMU (SMP=$(SMP) MEM=$(MEM) BOOT=iso|kernel CMDLINE=...)"
	@echo "make test     build and run the whole test suite"
	@echo "make bench    measure Spindle against Linux in the same QEMU (about 5 min)"
	@echo "make gdb      boot halted and attach GDB (GDBPORT=$(GDBPORT)); make qemu-gdb: QEMU only"
	@echo "make gdb PROG=NAME   the same, running /bin/NAME as init, its symbols loaded"
	@echo "make trace PROG=NAME  the scheduler timeline of a program: build/trace/NAME.json, .svg"
	@echo "make DEBUG=1  build with -Og, nothing optimized out (into build/debug)"
	@echo "make CC=clang / TOOLPREFIX=x86_64-elf-   other toolchains"
	@echo "make grade LAB=name      grade a lab (LAB=list: the labs; docs/labs/)"
	@echo "make skeleton LAB=name   the student tree for a lab (OUT=dir; LAB=all)"

# Rebuild everything when the compiler or flags change (CC=clang after gcc).
$(B)/config.stamp: FORCE
	@mkdir -p $(B)
	@echo '$(CC) $(CFLAGS) $(LDFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS) $(LDFLAGS)' > $@

$(B)/%.c.o: %.c $(B)/config.stamp
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c $< -o $@

$(B)/%.S.o: %.S $(B)/config.stamp
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(ASFLAGS) -c $< -o $@

# Two links: the symbol table of the first is embedded in the second
# (tools/gen-ksyms.py checks that embedding it moved no function).
$(B)/ksyms-empty.S:
	@mkdir -p $(B)
	@$(PYTHON) tools/gen-ksyms.py --empty $@

$(B)/kernel.stage1.elf: $(KERNEL_OBJS) $(B)/ksyms-empty.S.o linker.ld
	@$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(B)/ksyms-empty.S.o

$(B)/ksyms.S: $(B)/kernel.stage1.elf tools/gen-ksyms.py
	@$(NM) -n $< > $(B)/kernel.stage1.nm
	@$(PYTHON) tools/gen-ksyms.py $(B)/kernel.stage1.nm $@

$(B)/kernel.elf: $(KERNEL_OBJS) $(B)/ksyms.S.o linker.ld
	@echo "  LD      $@"
	@$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(B)/ksyms.S.o
	@$(NM) -n $@ > $(B)/kernel.nm
	@$(PYTHON) tools/gen-ksyms.py --check $(B)/kernel.stage1.nm $(B)/kernel.nm

$(B)/%.S.o: $(B)/%.S $(B)/config.stamp
	@$(CC) $(ASFLAGS) -c $< -o $@

# The GRUB rescue ISO; the command line is baked into its grub.cfg.
$(B)/cmdline.stamp: FORCE
	@mkdir -p $(B)
	@echo '$(CMDLINE)' | cmp -s - $@ || echo '$(CMDLINE)' > $@

$(B)/spindle.iso: $(B)/kernel.elf $(B)/initrd.cpio boot/grub.cfg $(B)/cmdline.stamp tools/mkiso.py
	@$(PYTHON) tools/deps.py grub
	@echo "  ISO     $@"
	@$(PYTHON) tools/mkiso.py $(B)/kernel.elf $(B)/initrd.cpio '$(CMDLINE)' $@

iso: $(B)/spindle.iso

compile_commands.json: $(B)/config.stamp
	@$(PYTHON) tools/compdb.py '$(CC)' '$(CFLAGS)' '$(ASFLAGS)' $(KERNEL_SRCS) > $@

deps:
	@$(PYTHON) tools/deps.py all

RUN_ENV = SMP='$(SMP)' MEM='$(MEM)' BOOT='$(BOOT)' CMDLINE='$(CMDLINE)' \
	QEMUFLAGS='$(QEMUFLAGS)' GDBPORT='$(GDBPORT)' BUILD='$(B)' PROG='$(PROG)'
RUN_DEPS = $(B)/kernel.elf $(B)/initrd.cpio $(if $(filter iso,$(BOOT)),$(B)/spindle.iso)

run: $(RUN_DEPS)
	@$(PYTHON) tools/deps.py qemu
	@$(RUN_ENV) $(PYTHON) tools/qemu.py run

qemu-gdb: $(RUN_DEPS)
	@$(PYTHON) tools/deps.py qemu
	@$(RUN_ENV) $(PYTHON) tools/qemu.py gdbserver

gdb: $(RUN_DEPS)
	@$(PYTHON) tools/deps.py qemu
	@$(RUN_ENV) $(PYTHON) tools/qemu.py gdb

# The scheduler timeline of one program (tools/trace.py): build/trace/PROG.json
# (Chrome trace events: Perfetto opens it) and build/trace/PROG.svg.
# SYSCALLS=1 records its system calls too.
trace: $(B)/kernel.elf $(B)/initrd.cpio
	@test -n '$(PROG)' || { echo "usage: make trace PROG=NAME [SMP=4] [SYSCALLS=1]"; exit 2; }
	@$(PYTHON) tools/deps.py qemu
	@$(PYTHON) tools/deps.py trace
	@SMP='$(SMP)' MEM='$(MEM)' QEMUFLAGS='$(QEMUFLAGS)' BUILD='$(B)' $(PYTHON) tools/trace.py $(if $(SYSCALLS),--syscalls) '$(PROG)'

test: $(B)/kernel.elf $(B)/initrd.cpio $(B)/spindle.iso
	@$(PYTHON) tools/deps.py all
	@$(MAKE) --no-print-directory DEBUG=1 build/debug/kernel.elf build/debug/initrd.cpio
	@BUILD='$(B)' $(PYTHON) tools/test.py --no-build

# Spindle, then Debian's Linux in the same QEMU (tools/linux_kernel.py
# fetches it into ~/.cache/spindle), then the host: docs/bench.md.
bench: $(B)/kernel.elf $(B)/initrd.cpio $(B)/spindle.iso
	@$(PYTHON) tools/deps.py all
	@BUILD='$(B)' $(PYTHON) tools/bench.py

# The course labs (docs/labs/README.md).
grade:
	@$(PYTHON) tools/deps.py qemu
	@BUILD='$(B)' $(PYTHON) tools/grade.py '$(LAB)' $(GRADEFLAGS)

skeleton:
	@$(PYTHON) tools/skeleton.py '$(LAB)' $(if $(OUT),--out '$(OUT)')

format:
	clang-format -i $(shell git ls-files '*.c' '*.h')

clean:
	rm -rf build compile_commands.json

include user/user.mk

-include $(shell find $(B) -name '*.d' 2>/dev/null)
