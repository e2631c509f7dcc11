#include "boot/cmdline.h"

#include "base/kernel.h"
#include "boot/bootinfo.h"
#include "freestanding/string.h"

#define CMDLINE_WORDS_MAX 32

static char buffer[BOOT_CMDLINE_MAX];
static const char *keys[CMDLINE_WORDS_MAX], *values[CMDLINE_WORDS_MAX];
static int nr_words;

/* Splits a copy of cmdline in place: "a=1 b" -> keys {a, b}, values {1, ""}. */
void cmdline_init(const char *cmdline)
{
	strlcpy(buffer, cmdline, sizeof(buffer));
	nr_words = 0;
	char *p = buffer;
	while (*p) {
		while (*p == ' ')
			*p++ = '\0';
		/* "--" ends the kernel's words: the rest is init's. */
		if (!*p || (p[0] == '-' && p[1] == '-' &&
			    (p[2] == ' ' || p[2] == '\0')))
			break;
		if (nr_words == CMDLINE_WORDS_MAX) {
			pr_warn("cmdline: more than %d words; ignoring '%s'\n",
				CMDLINE_WORDS_MAX, p);
			break;
		}
		keys[nr_words] = p;
		while (*p && *p != ' ' && *p != '=')
			p++;
		if (*p == '=') {
			*p++ = '\0';
			values[nr_words] = p;
			while (*p && *p != ' ')
				p++;
		} else {
			values[nr_words] = "";
		}
		nr_words++;
	}
}

const char *cmdline_get(const char *key)
{
	for (int i = nr_words - 1; i >= 0; i--)
		if (strcmp(keys[i], key) == 0)
			return values[i];
	return NULL;
}

long cmdline_get_int(const char *key, long fallback)
{
	const char *v = cmdline_get(key);
	if (!v || !*v)
		return fallback;
	long n = 0;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9') {
			pr_warn("cmdline: %s=%s is not a number; using %ld\n",
				key, v, fallback);
			return fallback;
		}
		n = n * 10 + (*p - '0');
	}
	return n;
}
