/* Range checks and SMAP around the copies in uaccess.S. */
#include "arch/uaccess.h"
#include "arch/cpu_features.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "freestanding/errno.h"

long uaccess_copy(void *dst, const void *src, size_t n);
long uaccess_strncpy(char *dst, const char *src, size_t max);
long uaccess_zero(void *dst, size_t n);

/* With SMAP on, the kernel may touch user pages only while RFLAGS.AC is
 * set: stac/clac bracket each copy, so any other access faults. */
static inline void user_access_begin(void)
{
	if (smap_enabled)
		__asm__ volatile("stac" ::: "memory");
}

static inline void user_access_end(void)
{
	if (smap_enabled)
		__asm__ volatile("clac" ::: "memory");
}

bool user_range_ok(uint64_t addr, size_t n)
{
	return addr <= USER_TOP && n <= USER_TOP - addr;
}

int copy_from_user(void *dst, uint64_t user_src, size_t n)
{
	if (!user_range_ok(user_src, n))
		return -EFAULT;
	user_access_begin();
	long r = uaccess_copy(dst, (const void *)user_src, n);
	user_access_end();
	return (int)r;
}

int copy_to_user(uint64_t user_dst, const void *src, size_t n)
{
	if (!user_range_ok(user_dst, n))
		return -EFAULT;
	user_access_begin();
	long r = uaccess_copy((void *)user_dst, src, n);
	user_access_end();
	return (int)r;
}

size_t copy_to_user_partial(uint64_t user_dst, const void *src, size_t n)
{
	size_t done = 0;
	while (done < n) {
		uint64_t at = user_dst + done;
		size_t chunk =
			MIN(n - done, PAGE_SIZE - (at & (PAGE_SIZE - 1)));
		if (copy_to_user(at, (const char *)src + done, chunk) < 0)
			break;
		done += chunk;
	}
	return done;
}

int clear_user(uint64_t user_dst, size_t n)
{
	if (!user_range_ok(user_dst, n))
		return -EFAULT;
	user_access_begin();
	long r = uaccess_zero((void *)user_dst, n);
	user_access_end();
	return (int)r;
}

long strncpy_from_user(char *dst, uint64_t user_src, size_t max)
{
	if (max == 0 || user_src >= USER_TOP)
		return -EFAULT;
	size_t limit = MIN(max, USER_TOP - user_src);
	user_access_begin();
	long r = uaccess_strncpy(dst, (const char *)user_src, limit);
	user_access_end();
	if (r < 0)
		return r;
	if ((size_t)r == limit) {
		dst[max - 1] = '\0';
		/* Stopped at the end of user space: the next byte would be a
		 * fault, not a NUL. */
		return limit < max ? -EFAULT : -ENAMETOOLONG;
	}
	return r;
}
