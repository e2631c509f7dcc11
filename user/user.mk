# User programs, included by the top Makefile. Every user/NAME.c becomes
# the static executable $(B)/user/NAME and goes into the initrd as
# bin/NAME. The same binaries run on the Linux host (build/user/hello).
#
#   lib/c/*.[cS], lib/freestanding/{string,format}.c
#       -> $(B)/user/lib/.../*.o      compiled again, with user-space flags
#       -> $(B)/user/lib/libc.a       (crt0 apart: it must be linked first)
#   user/NAME.c -> $(B)/user/user/NAME.c.o -> $(B)/user/NAME
#   $(B)/user/NAME... -> $(B)/initrd.cpio      (tools/mkinitrd.py)
#
# Dependency files (-MMD) land next to the objects, under $(B)/user, where
# the top Makefile's -include finds them.

# The normal x86-64 user ABI (red zone, SSE), none of the kernel's limits.
# Standard headers come from lib/c/include, then the compiler's own
# (stddef.h, stdint.h, stdarg.h...), never the host's libc. lib/c/include
# is -I, not -isystem: -MMD leaves system headers out of the dependency
# files, and lib/c's headers should get the warnings too.
USER_CFLAGS := -std=gnu11 $(OPT) -g -Wall -Wextra -Werror -ffreestanding \
	-nostdinc -Ilib/c/include -isystem $(shell $(CC) -print-file-name=include) \
	-fno-pie -fstack-protector-strong -fno-asynchronous-unwind-tables -fno-common \
	-Ilib -MMD -MP
# Static, non-PIE (ET_EXEC at ld's default 0x400000); linked by GNU ld
# whichever compiler built the objects.
USER_LDFLAGS := -static -nostdlib -no-pie -z noexecstack -z max-page-size=4096
USER_AR := $(TOOLPREFIX)ar

USER_PROGS := $(patsubst user/%.c,%,$(sort $(wildcard user/*.c)))
USER_BINS := $(patsubst %,$(B)/user/%,$(USER_PROGS))
USER_PROG_OBJS := $(patsubst %,$(B)/user/user/%.c.o,$(USER_PROGS))

USER_CRT0 := $(B)/user/lib/c/crt0.S.o
USER_LIB_SRCS := $(filter-out lib/c/crt0.S,$(sort $(wildcard $(addprefix lib/,$(addsuffix /*.[cS],c evloop pthread tpool uthread))))) \
	lib/freestanding/string.c lib/freestanding/format.c
USER_LIB_OBJS := $(patsubst %,$(B)/user/%.o,$(USER_LIB_SRCS))
USER_LIBC := $(B)/user/lib/libc.a

USER_C_OBJS := $(filter %.c.o,$(USER_LIB_OBJS) $(USER_PROG_OBJS))
USER_S_OBJS := $(filter %.S.o,$(USER_LIB_OBJS) $(USER_CRT0))

$(USER_C_OBJS): $(B)/user/%.c.o: %.c $(B)/config.stamp user/user.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $< (user)"
	@$(CC) $(USER_CFLAGS) -c $< -o $@

$(USER_S_OBJS): $(B)/user/%.S.o: %.S $(B)/config.stamp user/user.mk
	@mkdir -p $(dir $@)
	@echo "  AS      $< (user)"
	@$(CC) $(USER_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

# An archive, so each program links only the parts of libc it uses.
$(USER_LIBC): $(USER_LIB_OBJS)
	@echo "  AR      $@"
	@rm -f $@
	@$(USER_AR) rcs $@ $^

$(USER_BINS): $(B)/user/%: $(B)/user/user/%.c.o $(USER_CRT0) $(USER_LIBC)
	@echo "  LD      $@"
	@$(LD) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(USER_LIBC)

$(B)/initrd.cpio: $(USER_BINS) tools/mkinitrd.py
	@echo "  INITRD  $@"
	@$(PYTHON) tools/mkinitrd.py $@ $(USER_BINS)
