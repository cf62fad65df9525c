// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "key = value" reader: splits and validates lines, hands items to a callback,
 * and prefixes the callback's error with file:line.
 */
#include "kvconf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int key_ok(const char *k)
{
	if (!*k)
		return 0;
	for (; *k; k++)
		if (!islower((unsigned char)*k) && !isdigit((unsigned char)*k) && *k != '_')
			return 0;
	return 1;
}

/* Splits one line; returns 0 (item or blank), -1 with a message. */
static int parse_line(char *line, char **key, char **value, char *err, size_t errlen)
{
	char *s = trim(line), *eq;
	size_t n;

	*key = NULL;
	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	eq = strchr(s, '=');
	if (!eq) {
		snprintf(err, errlen, "expected \"key = value\"");
		return -1;
	}
	*eq = '\0';
	*key = trim(s);
	*value = trim(eq + 1);
	for (char *p = *key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (!key_ok(*key)) {
		snprintf(err, errlen, "bad key \"%.64s\" (letters, digits and _ only)", *key);
		return -1;
	}
	n = strlen(*value);
	if (n >= 2 && (*value)[0] == '"' && (*value)[n - 1] == '"') {
		(*value)[n - 1] = '\0';
		(*value)++;
	} else if (n >= 1 && (*value)[0] == '"') {
		snprintf(err, errlen, "%s: unterminated quote", *key);
		return -1;
	}
	return 0;
}

int kv_parse_buf(const char *buf, size_t len, const char *name, kv_item_fn fn, void *ctx, char *err,
		 size_t errlen)
{
	char line[KV_LINE_MAX + 2], msg[512]; /* + CR + NUL */
	size_t pos = 0;
	int lineno = 0;

	if (len > KV_FILE_MAX) {
		snprintf(err, errlen, "%s: file larger than %d bytes", name, KV_FILE_MAX);
		return -1;
	}
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		/* cppcheck-suppress knownConditionTrueFalse ; false: memchr may return buf + pos */
		size_t text = n > 0 && buf[pos + n - 1] == '\r' ? n - 1 : n; /* CRLF */
		char *key, *value;

		lineno++;
		msg[0] = '\0';
		if (text > KV_LINE_MAX) {
			snprintf(err, errlen, "%s:%d: line longer than %d bytes", name, lineno,
				 KV_LINE_MAX);
			return -1;
		}
		memcpy(line, buf + pos, n);
		line[n] = '\0';
		pos += n + 1;
		if (strlen(line) != n) {
			snprintf(err, errlen, "%s:%d: NUL byte in line", name, lineno);
			return -1;
		}
		if (parse_line(line, &key, &value, msg, sizeof(msg)) != 0 ||
		    (key && fn(ctx, key, value, msg, sizeof(msg)) != 0)) {
			snprintf(err, errlen, "%s:%d: %s", name, lineno, msg);
			return -1;
		}
	}
	return 0;
}

int kv_read_file(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");

	*buf = NULL;
	if (!f) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	*buf = malloc(KV_FILE_MAX + 1);
	if (!*buf) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	/* one byte more than allowed, so kv_parse_buf can refuse an oversized file */
	*len = fread(*buf, 1, KV_FILE_MAX + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		fclose(f);
		free(*buf);
		*buf = NULL;
		return -1;
	}
	fclose(f);
	return 0;
}

int kv_parse_file(const char *path, kv_item_fn fn, void *ctx, char *err, size_t errlen)
{
	char *buf;
	size_t n;
	int rc;

	if (kv_read_file(path, &buf, &n, err, errlen) != 0)
		return -1;
	rc = kv_parse_buf(buf, n, path, fn, ctx, err, errlen);
	free(buf);
	return rc;
}

int kv_uint(const char *key, const char *value, uint32_t min, uint32_t max, uint32_t *out,
	    char *err, size_t errlen)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(value, &end, 10);
	if (!isdigit((unsigned char)value[0]) || *end || errno || v < min || v > max) {
		snprintf(err, errlen, "%s: \"%.64s\" is not a number from %u to %u", key, value,
			 min, max);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int kv_bool(const char *key, const char *value, bool *out, char *err, size_t errlen)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(value, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(value, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	snprintf(err, errlen, "%s: \"%.64s\" is not yes or no", key, value);
	return -1;
}

int kv_string(const char *key, const char *value, char *dst, size_t cap, char *err, size_t errlen)
{
	size_t n = strlen(value);

	if (n == 0 || n >= cap) {
		snprintf(err, errlen, "%s: value must be 1 to %zu characters", key, cap - 1);
		return -1;
	}
	memcpy(dst, value, n + 1);
	return 0;
}

int kv_hostport(const char *key, const char *value, uint16_t default_port, char *host,
		size_t hostcap, uint16_t *port, char *err, size_t errlen)
{
	const char *h = value, *colon;
	size_t hlen;
	uint32_t p = default_port;

	if (value[0] == '[') {
		const char *close = strchr(value, ']');

		if (!close || (close[1] != '\0' && close[1] != ':')) {
			snprintf(err, errlen, "%s: bad IPv6 address \"%.64s\"", key, value);
			return -1;
		}
		h = value + 1;
		hlen = (size_t)(close - h);
		colon = close[1] == ':' ? close + 1 : NULL;
	} else {
		colon = strrchr(value, ':');
		if (colon && strchr(value, ':') != colon)
			colon = NULL; /* bare IPv6 address without a port */
		hlen = colon ? (size_t)(colon - value) : strlen(value);
	}
	if (colon && kv_uint(key, colon + 1, 1, 65535, &p, err, errlen) != 0)
		return -1;
	if (hlen == 0 || hlen >= hostcap) {
		snprintf(err, errlen, "%s: missing or overlong host in \"%.64s\"", key, value);
		return -1;
	}
	if (p == 0) {
		snprintf(err, errlen, "%s: no port in \"%.64s\"", key, value);
		return -1;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	*port = (uint16_t)p;
	return 0;
}
