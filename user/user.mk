# User programs: every user/NAME.c becomes the static executable
# $(B)/user/NAME, linked with lib/c (and lib/freestanding, compiled again
# with user-space flags), and goes into the initrd as /bin/NAME.
# The same binaries run on the Linux host.

USER_CFLAGS := -std=gnu11 $(OPT) -g -Wall -Wextra -Werror \
	-ffreestanding -fno-builtin -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables -fno-common \
	-Ilib -MMD -MP
USER_LDFLAGS := -static -nostdlib -z noexecstack -z max-page-size=4096

USER_PROGS := $(patsubst user/%.c,%,$(sort $(wildcard user/*.c)))
USER_LIB_SRCS := $(sort $(wildcard lib/c/*.c lib/c/*.S)) lib/freestanding/string.c lib/freestanding/format.c
USER_LIB_OBJS := $(patsubst %,$(B)/user/%.o,$(USER_LIB_SRCS))
USER_BINS := $(patsubst %,$(B)/user/%,$(USER_PROGS))

$(B)/user/%.c.o: %.c $(B)/config.stamp
	@mkdir -p $(dir $@)
	@echo "  CC      $< (user)"
	@$(CC) $(USER_CFLAGS) -c $< -o $@

$(B)/user/%.S.o: %.S $(B)/config.stamp
	@mkdir -p $(dir $@)
	@$(CC) $(USER_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

$(B)/user/%: $(B)/user/user/%.c.o $(USER_LIB_OBJS)
	@echo "  LD      $@"
	@$(LD) $(USER_LDFLAGS) -o $@ $(filter %crt0.S.o,$(USER_LIB_OBJS)) $< $(filter-out %crt0.S.o,$(USER_LIB_OBJS))

$(B)/initrd.cpio: $(USER_BINS) tools/mkinitrd.py
	@echo "  INITRD  $@"
	@$(PYTHON) tools/mkinitrd.py $@ $(USER_BINS)

# Keep the objects (make would delete them as intermediates).
.SECONDARY: $(USER_LIB_OBJS) $(patsubst %,$(B)/user/user/%.c.o,$(USER_PROGS))
