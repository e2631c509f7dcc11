/*
 * vformat: the one printf engine. A conversion is parsed into a struct spec,
 * then an integer is turned into digits (right to left, in a small buffer)
 * and padded; a string is padded. Nothing here allocates or can fail.
 */
#include "freestanding/format.h"

#include <stdbool.h>
#include <stdint.h>

#include "freestanding/string.h"

struct spec {
	bool left;     /* '-': pad on the right */
	bool zero;     /* '0': pad numbers with zeros */
	int width;     /* minimum field width, 0 if none */
	int precision; /* -1 if none */
};

struct out {
	format_put_fn put;
	void *ctx;
	int count;
};

static void emit(struct out *o, char c)
{
	o->put(c, o->ctx);
	o->count++;
}

static void emit_padding(struct out *o, char c, int n)
{
	while (n-- > 0)
		emit(o, c);
}

static void emit_string(struct out *o, const struct spec *s, const char *str)
{
	if (!str)
		str = "(null)";
	int len = 0;
	while (str[len] && (s->precision < 0 || len < s->precision))
		len++;
	if (!s->left)
		emit_padding(o, ' ', s->width - len);
	for (int i = 0; i < len; i++)
		emit(o, str[i]);
	if (s->left)
		emit_padding(o, ' ', s->width - len);
}

/* Prints sign (or a prefix), then the n characters of body, padded to the
 * spec's width: with zeros after the sign if zero_pad, else spaces. */
static void emit_padded(struct out *o, const struct spec *s, const char *sign,
			const char *body, int n, bool zero_pad)
{
	int len = n + (int)strlen(sign);
	if (!s->left && !zero_pad)
		emit_padding(o, ' ', s->width - len);
	for (const char *p = sign; *p; p++)
		emit(o, *p);
	if (zero_pad)
		emit_padding(o, '0', s->width - len);
	for (int i = 0; i < n; i++)
		emit(o, body[i]);
	if (s->left)
		emit_padding(o, ' ', s->width - len);
}

/* Prints |value| in base with an optional sign or prefix, padded per spec. */
static void emit_number(struct out *o, const struct spec *s, uint64_t value,
			bool negative, unsigned base, bool upper,
			const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24], body[24];
	int n = 0;
	do {
		buf[n++] = digits[value % base];
		value /= base;
	} while (value);
	while (n < s->precision && n < (int)sizeof(buf))
		buf[n++] = '0';
	for (int i = 0; i < n; i++)
		body[i] = buf[n - 1 - i]; /* the digits came out backwards */
	emit_padded(o, s, negative ? "-" : prefix, body, n,
		    s->zero && !s->left && s->precision < 0);
}

#ifdef __SSE2__
/*
 * %f: [-]digits.digits, with `precision` digits after the point (6 if not
 * given), rounded half up. Only where the compiler may use floating point:
 * user programs, not the kernel (built without SSE).
 */
static void emit_float(struct out *o, const struct spec *s, double v)
{
	bool negative = v < 0;
	if (v != v) {
		emit_padded(o, s, "", "nan", 3, false);
		return;
	}
	if (negative)
		v = -v;
	if (v > 1.7976931348623157e308) {
		emit_padded(o, s, negative ? "-" : "", "inf", 3, false);
		return;
	}
	int precision = s->precision < 0    ? 6
			: s->precision > 17 ? 17
					    : s->precision;
	double unit = 1;
	for (int i = 0; i < precision; i++)
		unit /= 10;
	v += unit / 2;
	int zeros = 0; /* beyond 64 bits: the top digits, then zeros */
	for (; v >= 1e19; zeros++)
		v /= 10;
	uint64_t whole = (uint64_t)v;
	double fraction = v - (double)whole;

	char body[20 + 309 + 1 + 17];
	int n = 0;
	char digits[20];
	int k = 0;
	do {
		digits[k++] = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole);
	while (k > 0)
		body[n++] = digits[--k];
	while (zeros-- > 0)
		body[n++] = '0';
	if (precision > 0)
		body[n++] = '.';
	for (int i = 0; i < precision; i++) {
		fraction *= 10;
		int d = (int)fraction;
		body[n++] = (char)('0' + d);
		fraction -= d;
	}
	emit_padded(o, s, negative ? "-" : "", body, n, s->zero && !s->left);
}
#endif

enum size { SIZE_INT, SIZE_CHAR, SIZE_SHORT, SIZE_LONG, SIZE_LLONG, SIZE_SIZE };

static enum size parse_size(const char **fmt)
{
	const char *f = *fmt;
	enum size size = SIZE_INT;
	if (f[0] == 'h' && f[1] == 'h') {
		size = SIZE_CHAR;
		f += 2;
	} else if (f[0] == 'h') {
		size = SIZE_SHORT;
		f++;
	} else if (f[0] == 'l' && f[1] == 'l') {
		size = SIZE_LLONG;
		f += 2;
	} else if (f[0] == 'l' || f[0] == 'j') {
		size = SIZE_LONG;
		f++;
	} else if (f[0] == 'z' || f[0] == 't') {
		size = SIZE_SIZE;
		f++;
	}
	*fmt = f;
	return size;
}

static int64_t fetch_signed(enum size size, va_list *ap)
{
	switch (size) {
	case SIZE_CHAR:
		return (signed char)va_arg(*ap, int);
	case SIZE_SHORT:
		return (short)va_arg(*ap, int);
	case SIZE_LONG:
		return va_arg(*ap, long);
	case SIZE_LLONG:
		return va_arg(*ap, long long);
	case SIZE_SIZE:
		return va_arg(*ap, long); /* ssize_t / ptrdiff_t */
	default:
		return va_arg(*ap, int);
	}
}

static uint64_t fetch_unsigned(enum size size, va_list *ap)
{
	switch (size) {
	case SIZE_CHAR:
		return (unsigned char)va_arg(*ap, unsigned);
	case SIZE_SHORT:
		return (unsigned short)va_arg(*ap, unsigned);
	case SIZE_LONG:
		return va_arg(*ap, unsigned long);
	case SIZE_LLONG:
		return va_arg(*ap, unsigned long long);
	case SIZE_SIZE:
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned);
	}
}

static int parse_int(const char **fmt, va_list *ap)
{
	if (**fmt == '*') {
		(*fmt)++;
		return va_arg(*ap, int);
	}
	int n = 0;
	while (**fmt >= '0' && **fmt <= '9')
		n = n * 10 + (*(*fmt)++ - '0');
	return n;
}

int vformat(format_put_fn put, void *ctx, const char *fmt, va_list ap_in)
{
	struct out o = {put, ctx, 0};
	va_list ap;
	va_copy(ap, ap_in);

	while (*fmt) {
		if (*fmt != '%') {
			emit(&o, *fmt++);
			continue;
		}
		fmt++;
		struct spec s = {false, false, 0, -1};
		for (;; fmt++) {
			if (*fmt == '-')
				s.left = true;
			else if (*fmt == '0')
				s.zero = true;
			else
				break;
		}
		s.width = parse_int(&fmt, &ap);
		if (s.width < 0) { /* a negative '*' width means '-' */
			s.left = true;
			s.width = -s.width;
		}
		if (*fmt == '.') {
			fmt++;
			s.precision = parse_int(&fmt, &ap);
		}
		enum size size = parse_size(&fmt);

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = fetch_signed(size, &ap);
			uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
			emit_number(&o, &s, mag, v < 0, 10, false, "");
			break;
		}
		case 'u':
			emit_number(&o, &s, fetch_unsigned(size, &ap), false,
				    10, false, "");
			break;
		case 'x':
		case 'X':
			emit_number(&o, &s, fetch_unsigned(size, &ap), false,
				    16, *fmt == 'X', "");
			break;
		case 'o':
			emit_number(&o, &s, fetch_unsigned(size, &ap), false, 8,
				    false, "");
			break;
		case 'p':
			emit_number(&o, &s, (uintptr_t)va_arg(ap, void *),
				    false, 16, false, "0x");
			break;
#ifdef __SSE2__
		case 'f':
			emit_float(&o, &s, va_arg(ap, double));
			break;
#endif
		case 's':
			emit_string(&o, &s, va_arg(ap, const char *));
			break;
		case 'c': {
			char c[2] = {(char)va_arg(ap, int), 0};
			s.precision = 1;
			emit_string(&o, &s, c);
			break;
		}
		case '%':
			emit(&o, '%');
			break;
		case '\0': /* a lone '%' at the end */
			va_end(ap);
			return o.count;
		default: /* unknown: print it as written */
			emit(&o, '%');
			emit(&o, *fmt);
			break;
		}
		fmt++;
	}
	va_end(ap);
	return o.count;
}

struct buffer {
	char *buf;
	size_t size;
	size_t len;
};

static void buffer_put(char c, void *ctx)
{
	struct buffer *b = ctx;
	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buffer b = {buf, size, 0};
	int n = vformat(buffer_put, &b, fmt, ap);
	if (size > 0)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
