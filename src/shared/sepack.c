// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SoftEther PACK decoding and encoding (see sepack.h for the format and the
 * bounds).  The decoder walks the buffer once with a bounded cursor; every
 * length is checked against what is left before it is used.
 */
#include "sepack.h"

#include <openssl/rand.h>

#include <string.h>
#include <strings.h>

#include "bytes.h"

struct cursor {
	const uint8_t *p;
	size_t left;
};

static int take_u32(struct cursor *c, uint32_t *v)
{
	if (c->left < 4)
		return -1;
	*v = get_be32(c->p);
	c->p += 4;
	c->left -= 4;
	return 0;
}

static int take_bytes(struct cursor *c, uint32_t n, const uint8_t **at)
{
	if (c->left < n)
		return -1;
	*at = c->p;
	c->p += n;
	c->left -= n;
	return 0;
}

static int read_value(struct cursor *c, enum sepack_type type, struct sepack_value *v)
{
	uint32_t hi, lo;

	memset(v, 0, sizeof(*v));
	switch (type) {
	case SEPACK_INT:
		if (take_u32(c, &lo))
			return -1;
		v->num = lo;
		return 0;
	case SEPACK_INT64:
		if (take_u32(c, &hi) || take_u32(c, &lo))
			return -1;
		v->num = (uint64_t)hi << 32 | lo;
		return 0;
	case SEPACK_DATA:
	case SEPACK_STR:
	case SEPACK_UNISTR:
		if (take_u32(c, &v->len) || take_bytes(c, v->len, &v->data))
			return -1;
		/* UNISTR carries its NUL on the wire; the value is what precedes it */
		if (type == SEPACK_UNISTR && v->len > 0 && v->data[v->len - 1] == '\0')
			v->len--;
		return 0;
	}
	return -1;
}

static bool name_valid(const uint8_t *name, uint32_t len)
{
	if (len == 0 || len > SEPACK_NAME_MAX)
		return false;
	return memchr(name, '\0', len) == NULL;
}

static bool name_taken(const struct sepack *p, const struct sepack_elem *e)
{
	for (uint32_t i = 0; i < p->count; i++)
		if (p->elem[i].name_len == e->name_len &&
		    strncasecmp(p->elem[i].name, e->name, e->name_len) == 0)
			return true;
	return false;
}

static int read_elem(struct cursor *c, struct sepack_elem *e, const char **why)
{
	uint32_t name_len1, type;
	const uint8_t *name;
	struct sepack_value v;

	if (take_u32(c, &name_len1) || name_len1 == 0 || take_bytes(c, name_len1 - 1, &name))
		return *why = "element name truncated", -1;
	if (!name_valid(name, name_len1 - 1))
		return *why = "element name empty, over 63 bytes or with a NUL", -1;
	e->name = (const char *)name;
	e->name_len = name_len1 - 1;
	if (take_u32(c, &type) || type > SEPACK_INT64)
		return *why = "element type unknown", -1;
	e->type = (enum sepack_type)type;
	if (take_u32(c, &e->num_values) || e->num_values == 0 || e->num_values > SEPACK_MAX_VALUES)
		return *why = "element value count out of range", -1;
	e->values = c->p;
	for (uint32_t i = 0; i < e->num_values; i++) {
		if (read_value(c, e->type, i == 0 ? &e->first : &v))
			return *why = "element value truncated", -1;
	}
	return 0;
}

int sepack_decode(const uint8_t *buf, size_t len, struct sepack *p, const char **why)
{
	struct cursor c = {buf, len};
	uint32_t count;

	p->count = 0;
	if (take_u32(&c, &count))
		return *why = "PACK shorter than its element count", -1;
	if (count > SEPACK_MAX_ELEMS)
		return *why = "PACK has too many elements", -1;
	for (uint32_t i = 0; i < count; i++) {
		struct sepack_elem *e = &p->elem[p->count];

		if (read_elem(&c, e, why))
			return -1;
		if (name_taken(p, e))
			return *why = "PACK has a duplicate element name", -1;
		p->count++;
	}
	if (c.left != 0)
		return *why = "PACK followed by trailing bytes", -1;
	return 0;
}

const struct sepack_elem *sepack_find(const struct sepack *p, const char *name,
				      enum sepack_type type)
{
	size_t n = strlen(name);

	for (uint32_t i = 0; i < p->count; i++) {
		const struct sepack_elem *e = &p->elem[i];

		if (e->name_len == n && strncasecmp(e->name, name, n) == 0)
			return e->type == type ? e : NULL;
	}
	return NULL;
}

void sepack_value_at(const struct sepack_elem *e, uint32_t idx, struct sepack_value *v)
{
	struct cursor c = {e->values, SIZE_MAX};

	/* already validated by sepack_decode: the walk stays inside the PACK */
	for (uint32_t i = 0; i <= idx; i++)
		(void)read_value(&c, e->type, v);
}

uint32_t sepack_get_int(const struct sepack *p, const char *name)
{
	const struct sepack_elem *e = sepack_find(p, name, SEPACK_INT);

	return e ? (uint32_t)e->first.num : 0;
}

uint64_t sepack_get_int64(const struct sepack *p, const char *name)
{
	const struct sepack_elem *e = sepack_find(p, name, SEPACK_INT64);

	if (e)
		return e->first.num;
	return sepack_get_int(p, name);
}

bool sepack_get_bool(const struct sepack *p, const char *name)
{
	return sepack_get_int(p, name) != 0;
}

int sepack_get_str(const struct sepack *p, const char *name, char *out, size_t cap)
{
	const struct sepack_elem *e = sepack_find(p, name, SEPACK_STR);

	if (!e)
		e = sepack_find(p, name, SEPACK_UNISTR);
	if (!e || e->first.len >= cap || memchr(e->first.data, '\0', e->first.len))
		return -1;
	memcpy(out, e->first.data, e->first.len);
	out[e->first.len] = '\0';
	return 0;
}

int sepack_get_data(const struct sepack *p, const char *name, void *out, size_t len)
{
	const struct sepack_elem *e = sepack_find(p, name, SEPACK_DATA);

	if (!e || e->first.len != len)
		return -1;
	memcpy(out, e->first.data, len);
	return 0;
}

/* --- encoder --- */

void sepack_out_init(struct sepack_out *o, uint8_t *buf, size_t cap)
{
	o->buf = buf;
	o->cap = cap;
	o->len = 0;
	o->count = 0;
	o->failed = cap < 4;
	if (!o->failed)
		o->len = 4;
}

static void put_bytes(struct sepack_out *o, const void *data, size_t n)
{
	if (o->failed || o->cap - o->len < n) {
		o->failed = true;
		return;
	}
	if (n)
		memcpy(o->buf + o->len, data, n);
	o->len += n;
}

static void put_u32(struct sepack_out *o, uint32_t v)
{
	uint8_t b[4];

	put_be32(b, v);
	put_bytes(o, b, 4);
}

static void put_head(struct sepack_out *o, const char *name, enum sepack_type type)
{
	size_t n = strlen(name);

	if (n == 0 || n > SEPACK_NAME_MAX || o->count >= SEPACK_MAX_ELEMS) {
		o->failed = true;
		return;
	}
	put_u32(o, (uint32_t)n + 1);
	put_bytes(o, name, n);
	put_u32(o, type);
	put_u32(o, 1);
	o->count++;
}

void sepack_add_int(struct sepack_out *o, const char *name, uint32_t v)
{
	put_head(o, name, SEPACK_INT);
	put_u32(o, v);
}

void sepack_add_bool(struct sepack_out *o, const char *name, bool v)
{
	sepack_add_int(o, name, v ? 1 : 0);
}

void sepack_add_int64(struct sepack_out *o, const char *name, uint64_t v)
{
	put_head(o, name, SEPACK_INT64);
	put_u32(o, (uint32_t)(v >> 32));
	put_u32(o, (uint32_t)v);
}

void sepack_add_data(struct sepack_out *o, const char *name, const void *data, size_t len)
{
	if (len > UINT32_MAX) {
		o->failed = true;
		return;
	}
	put_head(o, name, SEPACK_DATA);
	put_u32(o, (uint32_t)len);
	put_bytes(o, data, len);
}

void sepack_add_str(struct sepack_out *o, const char *name, const char *s)
{
	size_t n = strlen(s);

	put_head(o, name, SEPACK_STR);
	put_u32(o, (uint32_t)n);
	put_bytes(o, s, n);
}

void sepack_add_unistr(struct sepack_out *o, const char *name, const char *utf8)
{
	size_t n = strlen(utf8) + 1;

	put_head(o, name, SEPACK_UNISTR);
	put_u32(o, (uint32_t)n);
	put_bytes(o, utf8, n);
}

void sepack_add_pencore(struct sepack_out *o)
{
	uint8_t pad[1000];
	uint16_t r = 0;

	if (RAND_bytes((uint8_t *)&r, sizeof(r)) != 1 || RAND_bytes(pad, sizeof(pad)) != 1) {
		o->failed = true;
		return;
	}
	sepack_add_data(o, "pencore", pad, r % sizeof(pad));
}

long sepack_out_finish(struct sepack_out *o)
{
	if (o->failed)
		return -1;
	put_be32(o->buf, o->count);
	return (long)o->len;
}
