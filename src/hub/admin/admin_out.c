// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Text and JSON answers of the admin console (admin_out.h).
 */
#include "admin_out.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void out_init(struct admin_out *o, bool json)
{
	memset(o, 0, sizeof(*o));
	o->json = json;
	o->first[0] = true;
}

void out_free(struct admin_out *o)
{
	free(o->buf);
	memset(o, 0, sizeof(*o));
}

void out_reset(struct admin_out *o, bool json)
{
	char *buf = o->buf;
	size_t cap = o->cap;

	out_init(o, json);
	o->buf = buf;
	o->cap = cap;
}

static void put(struct admin_out *o, const char *s, size_t n)
{
	if (o->truncated)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		char *b;

		while (cap < o->len + n + 1)
			cap *= 2;
		if (cap > OUT_MAX || !(b = realloc(o->buf, cap))) {
			o->truncated = true;
			return;
		}
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void puts_(struct admin_out *o, const char *s)
{
	put(o, s, strlen(s));
}

void out_printf(struct admin_out *o, const char *fmt, ...)
{
	char small[512], *big = NULL;
	va_list ap;
	int n;

	if (o->json)
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		put(o, small, (size_t)n);
		return;
	}
	big = malloc((size_t)n + 1);
	if (!big) {
		o->truncated = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	put(o, big, (size_t)n);
	free(big);
}

/* Length of the valid UTF-8 sequence at p (not a C1 control), or 0. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n = *p >= 0xf0 && *p <= 0xf4 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc2 && *p < 0xe0 ? 2 : 0;
	uint32_t cp;

	if (n == 0)
		return 0;
	cp = *p & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF, and C1 controls (U+0080..U+009F) */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp < 0xa0)
		return 0;
	return n;
}

/*
 * Escapes a string so that it is valid JSON and safe on a terminal: quotes
 * and backslashes, control bytes, C1 controls and bytes that are not UTF-8
 * become \uXXXX (a stray byte as the character of the same number).
 */
static void put_escaped(struct admin_out *o, const char *s, bool quote)
{
	const unsigned char *p = (const unsigned char *)s;
	char tmp[8];

	if (quote)
		put(o, "\"", 1);
	while (*p) {
		size_t n = *p < 0x80 ? 1 : utf8_len(p);

		if (*p == '"' || *p == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)*p;
			put(o, tmp, 2);
		} else if (*p < 0x20 || *p == 0x7f || n == 0) {
			snprintf(tmp, sizeof(tmp), "\\u%04x", *p);
			put(o, tmp, strlen(tmp));
			n = 1;
		} else {
			put(o, (const char *)p, n);
		}
		p += n;
	}
	if (quote)
		put(o, "\"", 1);
}

static bool text_needs_quotes(const char *s)
{
	if (!*s)
		return true;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == '"' || *p == '\\' || *p == '=' || *p == 0x7f)
			return true;
	return false;
}

static bool in_text_list(const struct admin_out *o)
{
	/* a record inside a list: the enclosing level is a list */
	return o->depth >= 2 && o->in_list[o->depth - 2];
}

/* Separator and key before a value at the current level. */
static void key_prefix(struct admin_out *o, const char *key)
{
	bool first = o->first[o->depth];

	o->first[o->depth] = false;
	if (o->json) {
		if (!first)
			put(o, ",", 1);
		if (key && !(o->depth > 0 && o->in_list[o->depth - 1])) {
			put_escaped(o, key, true);
			put(o, ":", 1);
		}
		return;
	}
	if (!key)
		return;
	if (in_text_list(o)) {
		if (!first)
			put(o, " ", 1);
		put_escaped(o, key, false);
		put(o, "=", 1);
	} else {
		for (int i = 1; i < o->depth; i++)
			put(o, "  ", 2);
		put_escaped(o, key, false);
		put(o, ": ", 2);
	}
}

static void value_end(struct admin_out *o)
{
	if (!o->json && !in_text_list(o))
		put(o, "\n", 1);
}

static void push(struct admin_out *o, bool list)
{
	if (o->depth + 1 >= OUT_DEPTH_MAX)
		return;
	o->depth++;
	o->in_list[o->depth - 1] = list;
	o->first[o->depth] = true;
}

void out_list_begin(struct admin_out *o, const char *key)
{
	key_prefix(o, key);
	if (o->json)
		put(o, "[", 1);
	else if (key)
		put(o, "\n", 1);
	push(o, true);
}

void out_list_end(struct admin_out *o)
{
	if (o->depth > 0)
		o->depth--;
	if (o->json)
		put(o, "]", 1);
}

void out_obj_begin(struct admin_out *o, const char *key)
{
	key_prefix(o, key);
	if (o->json)
		put(o, "{", 1);
	else if (key && !in_text_list(o))
		put(o, "\n", 1);
	push(o, false);
}

void out_obj_end(struct admin_out *o)
{
	if (o->depth > 0)
		o->depth--;
	if (o->json)
		put(o, "}", 1);
	else if (o->depth >= 1 && o->in_list[o->depth - 1])
		put(o, "\n", 1);
}

void out_str(struct admin_out *o, const char *key, const char *value)
{
	key_prefix(o, key);
	put_escaped(o, value, o->json || (in_text_list(o) && text_needs_quotes(value)));
	value_end(o);
}

void out_u64(struct admin_out *o, const char *key, uint64_t value)
{
	char tmp[24];

	key_prefix(o, key);
	snprintf(tmp, sizeof(tmp), "%" PRIu64, value);
	puts_(o, tmp);
	value_end(o);
}

void out_bool(struct admin_out *o, const char *key, bool value)
{
	key_prefix(o, key);
	puts_(o, value ? "true" : "false");
	value_end(o);
}
