/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reader for the small "key = value" files (client profiles).  One item per line; '#' or ';' starts
 * a comment line; values may be double-quoted to keep surrounding spaces.  There are no inline
 * comments, so a password may contain '#'.  Lines are bounded (KV_LINE_MAX) and so is the file
 * (KV_FILE_MAX).  Errors read "file:line: ...".
 */
#ifndef VPN_KVCONF_H
#define VPN_KVCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KV_LINE_MAX 4096
#define KV_FILE_MAX (1024 * 1024)

/* Called per item; returns 0, or -1 after writing a message (without position) to err. */
typedef int (*kv_item_fn)(void *ctx, const char *key, const char *value, char *err, size_t errlen);

int kv_parse_buf(const char *buf, size_t len, const char *name, kv_item_fn fn, void *ctx, char *err,
		 size_t errlen);
int kv_parse_file(const char *path, kv_item_fn fn, void *ctx, char *err, size_t errlen);
/* Reads a whole file (at most KV_FILE_MAX + 1 bytes) into a malloc'd *buf; 0 or -1. */
int kv_read_file(const char *path, char **buf, size_t *len, char *err, size_t errlen);

/* Value helpers: 0, or -1 with a message in err. */
int kv_uint(const char *key, const char *value, uint32_t min, uint32_t max, uint32_t *out,
	    char *err, size_t errlen);
int kv_bool(const char *key, const char *value, bool *out, char *err, size_t errlen);
/* "host:port", "[v6]:port" or "host" (then default_port); host must fit hostcap. */
int kv_hostport(const char *key, const char *value, uint16_t default_port, char *host,
		size_t hostcap, uint16_t *port, char *err, size_t errlen);
/* Copies value into a fixed buffer, refusing overlong values. */
int kv_string(const char *key, const char *value, char *dst, size_t cap, char *err, size_t errlen);

#endif
