/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What an admin console command answers, built in memory before a byte is
 * written to the console (no hub lock is ever held during a write).  The
 * same calls produce text or JSON:
 *
 *   out_list_begin / out_obj_begin, out_str / out_u64 / out_bool ..., out_obj_end, out_list_end
 *
 * Text: a record of a list is one line of key=value pairs; a record on its
 * own is one "key: value" line per field.  JSON: arrays of objects.  Strings
 * from the configuration or the network are escaped in both forms, so no
 * control byte reaches a terminal.  Bounded at OUT_MAX bytes ("truncated").
 */
#ifndef VPN_ADMIN_OUT_H
#define VPN_ADMIN_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OUT_MAX (8u << 20)
#define OUT_DEPTH_MAX 8

struct admin_out {
	char *buf;
	size_t len, cap;
	bool json;
	bool truncated;
	int depth;
	bool in_list[OUT_DEPTH_MAX]; /* per nesting level: a list, not an object */
	bool first[OUT_DEPTH_MAX];   /* nothing written at this level yet */
};

void out_init(struct admin_out *o, bool json);
void out_free(struct admin_out *o);
void out_reset(struct admin_out *o, bool json);

/* Free text (text mode only; ignored in JSON mode). */
void out_printf(struct admin_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* key is NULL inside a list, a field name inside an object. */
void out_list_begin(struct admin_out *o, const char *key);
void out_list_end(struct admin_out *o);
void out_obj_begin(struct admin_out *o, const char *key);
void out_obj_end(struct admin_out *o);
void out_str(struct admin_out *o, const char *key, const char *value);
void out_u64(struct admin_out *o, const char *key, uint64_t value);
void out_bool(struct admin_out *o, const char *key, bool value);

#endif
