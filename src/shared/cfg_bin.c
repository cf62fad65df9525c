// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SoftEther's binary form (written when "$save_binary" exists), read so such
 * a configuration can be imported; we never write it.  Layout, big-endian:
 *
 *   "SEVPN_DB"  SHA-0[20] of everything after it  folder
 *   folder = str name, u32 nsub, nsub * folder, u32 nitems, nitems * item
 *   item   = str name, u32 type, value
 *   str    = u32 (len + 1), len bytes        (names)
 *   value  = u32 (uint, bool) | u64 (uint64) | u32 len, len bytes (byte, string)
 *
 * Every count and length is checked against what is left of the buffer
 * before anything is allocated; depth, node, name and value bounds are the
 * text reader's.  Messages read "name: offset N: ...".
 */
#include "cfg.h"
#include "bytes.h"
#include "cfg_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha0.h"

#define MAGIC "SEVPN_DB"
#define MAGIC_LEN 8
#define HEADER_LEN (MAGIC_LEN + SHA0_LEN)
#define MIN_NODE 13 /* smallest folder or item: 4 + 1-byte name + 4 + 4 */

struct bin {
	const uint8_t *p;
	size_t len, pos;
	const char *src;
	size_t nodes;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4))) static int fail(struct bin *b, size_t at, const char *fmt,
						      ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(b->err, b->errlen, "%s: offset %zu: %s", b->src, at, msg);
	return -1;
}

static int need(struct bin *b, size_t n, const char *what)
{
	if (b->len - b->pos >= n)
		return 0;
	return fail(b, b->pos, "truncated: %s needs %zu bytes, %zu left", what, n, b->len - b->pos);
}

static int get_u32(struct bin *b, uint32_t *v, const char *what)
{
	const uint8_t *p = b->p + b->pos;

	if (need(b, 4, what) != 0)
		return -1;
	*v = get_be32(p);
	b->pos += 4;
	return 0;
}

static int get_u64(struct bin *b, uint64_t *v, const char *what)
{
	uint32_t hi, lo;

	if (need(b, 8, what) != 0 || get_u32(b, &hi, what) != 0 || get_u32(b, &lo, what) != 0)
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

static int get_name(struct bin *b, char name[CFG_NAME_MAX + 1], size_t *nlen)
{
	size_t at = b->pos;
	uint32_t n;

	if (get_u32(b, &n, "a name length") != 0)
		return -1;
	if (n <= 1)
		return fail(b, at, "name length field %u: names are 1 to %d bytes", n,
			    CFG_NAME_MAX);
	if (--n > CFG_NAME_MAX)
		return fail(b, at, "name of %u bytes, longer than %d", n, CFG_NAME_MAX);
	if (need(b, n, "a name") != 0)
		return -1;
	memcpy(name, b->p + b->pos, n);
	name[n] = '\0';
	b->pos += n;
	if (memchr(name, '\0', n))
		return fail(b, at, "NUL byte in a name");
	*nlen = n;
	return 0;
}

/* Counts the next n nodes, refusing counts the rest of the buffer cannot hold. */
static int count_nodes(struct bin *b, size_t at, uint32_t n, const char *what)
{
	if (n > (b->len - b->pos) / MIN_NODE)
		return fail(b, at, "%u %s cannot fit in the %zu bytes left", n, what,
			    b->len - b->pos);
	if (n > CFG_NODES_MAX - b->nodes)
		return fail(b, at, "more than %u items and folders", CFG_NODES_MAX);
	b->nodes += n;
	return 0;
}

static int get_data(struct bin *b, struct cfg_item *it)
{
	size_t at = b->pos;
	uint32_t n;

	if (get_u32(b, &n, "a value length") != 0)
		return -1;
	if (n > CFG_VALUE_MAX)
		return fail(b, at, "value of %u bytes, longer than %u", n, CFG_VALUE_MAX);
	if (need(b, n, "a value") != 0)
		return -1;
	it->v.data = malloc((size_t)n + 1);
	if (!it->v.data)
		return fail(b, at, "out of memory");
	memcpy(it->v.data, b->p + b->pos, n);
	it->v.data[n] = '\0';
	it->len = n;
	b->pos += n;
	return 0;
}

static int get_value(struct bin *b, struct cfg_item *it)
{
	uint32_t v;

	switch (it->type) {
	case CFG_UINT:
		return get_u32(b, &it->v.u, "a uint value");
	case CFG_UINT64:
		return get_u64(b, &it->v.u64, "a uint64 value");
	case CFG_BOOL:
		if (get_u32(b, &v, "a bool value") != 0)
			return -1;
		it->v.b = v != 0;
		return 0;
	case CFG_STRING:
	case CFG_BYTE:
		return get_data(b, it);
	}
	return -1;
}

static int read_item(struct bin *b, struct cfg_folder *f)
{
	char name[CFG_NAME_MAX + 1];
	struct cfg_item *it;
	size_t nlen, at;
	uint32_t type;

	if (get_name(b, name, &nlen) != 0)
		return -1;
	at = b->pos;
	if (get_u32(b, &type, "an item type") != 0)
		return -1;
	if (type < CFG_UINT || type > CFG_BOOL)
		return fail(b, at, "unknown item type %u", type);
	it = cfg_item_alloc(name, nlen);
	if (!it || cfg_push_item(f, it) != 0) {
		free(it);
		return fail(b, at, "out of memory");
	}
	it->type = (enum cfg_type)type;
	return get_value(b, it);
}

/* Recursion is bounded by CFG_DEPTH_MAX. */
static int read_folder(struct bin *b, struct cfg_folder *parent, unsigned depth)
{
	char name[CFG_NAME_MAX + 1];
	struct cfg_folder *f;
	size_t nlen, at = b->pos;
	uint32_t n;

	if (depth > CFG_DEPTH_MAX)
		return fail(b, at, "folders nested deeper than %d", CFG_DEPTH_MAX);
	if (get_name(b, name, &nlen) != 0)
		return -1;
	f = cfg_folder_alloc(name, nlen);
	if (!f || cfg_push_folder(parent, f) != 0) {
		free(f);
		return fail(b, at, "out of memory");
	}
	at = b->pos;
	if (get_u32(b, &n, "a folder count") != 0 || count_nodes(b, at, n, "folders") != 0)
		return -1;
	for (uint32_t i = 0; i < n; i++)
		if (read_folder(b, f, depth + 1) != 0)
			return -1;
	at = b->pos;
	if (get_u32(b, &n, "an item count") != 0 || count_nodes(b, at, n, "items") != 0)
		return -1;
	for (uint32_t i = 0; i < n; i++)
		if (read_item(b, f) != 0)
			return -1;
	return cfg_seal(f, b->src, b->err, b->errlen);
}

static int check_header(struct bin *b)
{
	uint8_t sum[SHA0_LEN];

	if (b->len > CFG_FILE_MAX) {
		snprintf(b->err, b->errlen, "%s: file is larger than %u bytes", b->src,
			 CFG_FILE_MAX);
		return -1;
	}
	if (b->len < MAGIC_LEN || memcmp(b->p, MAGIC, MAGIC_LEN) != 0) {
		snprintf(b->err, b->errlen, "%s: not a binary configuration (no \"%s\")", b->src,
			 MAGIC);
		return -1;
	}
	if (b->len < HEADER_LEN)
		return fail(b, MAGIC_LEN, "truncated: the checksum needs %d bytes, %zu left",
			    SHA0_LEN, b->len - MAGIC_LEN);
	sha0(b->p + HEADER_LEN, b->len - HEADER_LEN, sum);
	if (memcmp(sum, b->p + MAGIC_LEN, SHA0_LEN) != 0) {
		snprintf(b->err, b->errlen, "%s: checksum mismatch (the file is damaged)", b->src);
		return -1;
	}
	b->pos = HEADER_LEN;
	return 0;
}

/* The one folder the file holds must be "root" and end the file. */
static int check_root(struct bin *b, const struct cfg_folder *top)
{
	char q[80];

	if (b->pos != b->len)
		return fail(b, b->pos, "%zu bytes after the root folder", b->len - b->pos);
	if (cfg_name_cmp(top->folders[0]->name, "root") != 0) {
		cfg_quote(top->folders[0]->name, strlen(top->folders[0]->name), q, sizeof(q));
		return fail(b, HEADER_LEN, "top folder \"%s\", expected \"root\"", q);
	}
	return 0;
}

int cfg_read_bin(const void *buf, size_t len, const char *name, struct cfg_folder **root, char *err,
		 size_t errlen)
{
	struct bin b = {
	    .p = buf, .len = len, .src = name, .nodes = 1, .err = err, .errlen = errlen};
	struct cfg_folder *top;
	int rc;

	*root = NULL;
	if (check_header(&b) != 0)
		return -1;
	top = cfg_folder_alloc("", 0);
	if (!top) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	rc = read_folder(&b, top, 1);
	if (rc == 0)
		rc = check_root(&b, top);
	if (rc == 0) {
		top->folders[0]->source = strdup(name);
		rc = top->folders[0]->source ? 0 : fail(&b, b.pos, "out of memory");
	}
	if (rc == 0) {
		*root = top->folders[0];
		(*root)->parent = NULL;
		top->nfolders = 0;
	}
	cfg_free(top);
	return rc;
}
