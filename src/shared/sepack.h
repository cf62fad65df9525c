/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SoftEther's PACK: the typed key/value message of its wire protocol (Hello,
 * login, Welcome and error answers; Mayaqua Pack.c), shared by the hub side
 * (stock SoftEther clients logging in to vpnhub) and the client side
 * (vpnclient logging in to a stock SoftEther server).  Transport-free: the
 * decoder reads one PACK from a byte buffer and points into it (no copies, no
 * allocation); the encoder writes into a caller's buffer.  Everything is
 * big-endian:
 *
 *   PACK    = u32 count, ELEMENT{count}
 *   ELEMENT = u32 name_len+1, name, u32 type, u32 num_values, VALUE{num_values}
 *   VALUE   = INT u32 | INT64 u64 | DATA u32 size, bytes | STR u32 len, bytes
 *           | UNISTR u32 size, UTF-8 bytes including a trailing NUL
 *
 * Bounds: SoftEther's own (names of 1..63 bytes, values and PACKs far below
 * its 384/512 MiB), tightened to what a login-phase PACK needs:
 * SEPACK_MAX_ELEMS elements, no duplicate names (SoftEther's reader refuses
 * them too, case-insensitively), at least one value per element.
 */
#ifndef VPN_SEPACK_H
#define VPN_SEPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEPACK_NAME_MAX 63
#define SEPACK_MAX_ELEMS 512
#define SEPACK_MAX_VALUES 262144 /* SoftEther's MAX_VALUE_NUM (64-bit) */

enum sepack_type {
	SEPACK_INT = 0,
	SEPACK_DATA = 1,
	SEPACK_STR = 2,
	SEPACK_UNISTR = 3,
	SEPACK_INT64 = 4,
};

/* One value; data/len point into the decoded buffer (STR and UNISTR without NUL). */
struct sepack_value {
	uint64_t num; /* INT, INT64 */
	const uint8_t *data;
	uint32_t len;
};

struct sepack_elem {
	const char *name; /* not NUL-terminated: name_len bytes */
	uint32_t name_len;
	enum sepack_type type;
	uint32_t num_values;
	struct sepack_value first;
	const uint8_t *values; /* the encoded values, for sepack_value_at */
};

struct sepack {
	uint32_t count;
	struct sepack_elem elem[SEPACK_MAX_ELEMS];
};

/*
 * Decodes exactly one PACK filling buf[0..len).  Returns 0, or -1 with a
 * static reason in *why.  The result points into buf.  O(len + count^2/2)
 * name comparisons for the duplicate check; fine at 512 elements.
 */
int sepack_decode(const uint8_t *buf, size_t len, struct sepack *p, const char **why);

/* The element of that name (case-insensitive, as SoftEther) and type, or NULL. */
const struct sepack_elem *sepack_find(const struct sepack *p, const char *name,
				      enum sepack_type type);
/* Value idx (< e->num_values) of a decoded element. */
void sepack_value_at(const struct sepack_elem *e, uint32_t idx, struct sepack_value *v);

/* Getters: an absent element reads as 0 / false (SoftEther's PackGetInt). */
uint32_t sepack_get_int(const struct sepack *p, const char *name);
uint64_t sepack_get_int64(const struct sepack *p, const char *name);
bool sepack_get_bool(const struct sepack *p, const char *name);
/* Copies a STR (or UNISTR) into out as a C string; -1 if absent, too long or with a NUL. */
int sepack_get_str(const struct sepack *p, const char *name, char *out, size_t cap);
/* Copies a DATA value of exactly len bytes; -1 if absent or of another size. */
int sepack_get_data(const struct sepack *p, const char *name, void *out, size_t len);

/* The encoder: appends elements to out[0..cap); any overflow sticks in failed. */
struct sepack_out {
	uint8_t *buf;
	size_t len, cap;
	uint32_t count;
	bool failed;
};

void sepack_out_init(struct sepack_out *o, uint8_t *buf, size_t cap);
void sepack_add_int(struct sepack_out *o, const char *name, uint32_t v);
void sepack_add_bool(struct sepack_out *o, const char *name, bool v);
void sepack_add_int64(struct sepack_out *o, const char *name, uint64_t v);
void sepack_add_data(struct sepack_out *o, const char *name, const void *data, size_t len);
void sepack_add_str(struct sepack_out *o, const char *name, const char *s);
void sepack_add_unistr(struct sepack_out *o, const char *name, const char *utf8);
/* Random padding "pencore" (0..999 random bytes) as SoftEther adds to every PACK. */
void sepack_add_pencore(struct sepack_out *o);
/* Patches the element count; returns the PACK's length or -1 on overflow. */
long sepack_out_finish(struct sepack_out *o);

#endif
