// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The configuration tree: nodes, SoftEther's name order, lookups, typed
 * getters and setters, deletion, comparison, walking with paths.  Reading a
 * file is cfg_file.c's; the two file forms live in cfg_text.c and cfg_bin.c.
 */
#include "cfg.h"
#include "cfg_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define QUOTE_MAX 80 /* a quoted name in a message */

/* ---- names and escaping ---------------------------------------------------- */

/* One byte as SoftEther's StrCmpi sees it: ASCII upper-cased, then a signed char. */
static int sort_key(char c)
{
	unsigned char u = (unsigned char)c;

	if (u >= 'a' && u <= 'z')
		u = (unsigned char)(u - 'a' + 'A');
	return u >= 0x80 ? (int)u - 256 : (int)u;
}

int cfg_name_cmp(const char *a, const char *b)
{
	for (size_t i = 0;; i++) {
		int ka = sort_key(a[i]), kb = sort_key(b[i]);

		if (ka != kb)
			return ka < kb ? -1 : 1;
		if (ka == 0)
			return 0;
	}
}

const char *cfg_type_name(enum cfg_type type)
{
	switch (type) {
	case CFG_BOOL:
		return "bool";
	case CFG_UINT:
		return "uint";
	case CFG_UINT64:
		return "uint64";
	case CFG_STRING:
		return "string";
	case CFG_BYTE:
		return "byte";
	}
	return "?";
}

size_t cfg_escape(const uint8_t *s, size_t n, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	if (n == 0)
		out[o++] = '$';
	for (size_t i = 0; i < n; i++) {
		if (s[i] <= 0x20 || s[i] == '$') {
			out[o++] = '$';
			out[o++] = hex[s[i] >> 4];
			out[o++] = hex[s[i] & 15];
		} else {
			out[o++] = (char)s[i];
		}
	}
	out[o] = '\0';
	return o;
}

void cfg_quote(const void *s, size_t n, char *out, size_t cap)
{
	const uint8_t *p = s;
	size_t o = 0;

	if (cap < 8) {
		if (cap)
			out[0] = '\0';
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (o + 3 > cap - 4) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (p[i] == 0x7f)
			o += (size_t)snprintf(out + o, cap - o, "$7F");
		else
			o += cfg_escape(p + i, 1, out + o);
	}
	out[o] = '\0';
}

static void quote_name(const char *name, char out[QUOTE_MAX])
{
	cfg_quote(name, strlen(name), out, QUOTE_MAX);
}

/* ---- nodes ------------------------------------------------------------------- */

struct cfg_folder *cfg_folder_alloc(const char *name, size_t nlen)
{
	struct cfg_folder *f = calloc(1, sizeof(*f) + nlen + 1);

	if (f)
		memcpy(f->name, name, nlen);
	return f;
}

struct cfg_item *cfg_item_alloc(const char *name, size_t nlen)
{
	struct cfg_item *it = calloc(1, sizeof(*it) + nlen + 1);

	if (it)
		memcpy(it->name, name, nlen);
	return it;
}

static void clear_value(struct cfg_item *it)
{
	if (it->type == CFG_STRING || it->type == CFG_BYTE)
		free(it->v.data);
	memset(&it->v, 0, sizeof(it->v));
	it->len = 0;
}

void cfg_item_free(struct cfg_item *it)
{
	if (!it)
		return;
	clear_value(it);
	free(it->comment);
	free(it);
}

/* Recursion is bounded: readers and cfg_add_folder keep trees CFG_DEPTH_MAX deep. */
static void folder_free(struct cfg_folder *f)
{
	for (size_t i = 0; i < f->nitems; i++)
		cfg_item_free(f->items[i]);
	for (size_t i = 0; i < f->nfolders; i++)
		folder_free(f->folders[i]);
	free(f->items);
	free(f->folders);
	free(f->comment);
	free(f->end_comment);
	free(f->trailer);
	free(f->source);
	free(f);
}

void cfg_free(struct cfg_folder *root)
{
	if (root)
		folder_free(root);
}

struct cfg_folder *cfg_new(void)
{
	return cfg_folder_alloc("root", 4);
}

/* arr with room for n pointers (capacity *cap doubles), or NULL with arr untouched. */
static void *grow(void *arr, size_t *cap, size_t n)
{
	size_t ncap = *cap ? *cap : 4;
	void *p;

	if (n <= *cap)
		return arr;
	while (ncap < n)
		ncap *= 2;
	p = reallocarray(arr, ncap, sizeof(void *));
	if (p)
		*cap = ncap;
	return p;
}

int cfg_push_item(struct cfg_folder *f, struct cfg_item *it)
{
	struct cfg_item **a = grow(f->items, &f->items_cap, f->nitems + 1);

	if (!a)
		return -1;
	f->items = a;
	a[f->nitems++] = it;
	it->parent = f;
	return 0;
}

int cfg_push_folder(struct cfg_folder *f, struct cfg_folder *sub)
{
	struct cfg_folder **a = grow(f->folders, &f->folders_cap, f->nfolders + 1);

	if (!a)
		return -1;
	f->folders = a;
	a[f->nfolders++] = sub;
	sub->parent = f;
	return 0;
}

/* ---- sorting and duplicates ------------------------------------------------- */

static int line_cmp(struct cfg_pos a, struct cfg_pos b)
{
	return (a.line > b.line) - (a.line < b.line);
}

static int item_order(const void *a, const void *b)
{
	const struct cfg_item *x = *(struct cfg_item *const *)a;
	const struct cfg_item *y = *(struct cfg_item *const *)b;
	int c = cfg_name_cmp(x->name, y->name);

	return c ? c : line_cmp(x->pos, y->pos);
}

static int folder_order(const void *a, const void *b)
{
	const struct cfg_folder *x = *(struct cfg_folder *const *)a;
	const struct cfg_folder *y = *(struct cfg_folder *const *)b;
	int c = cfg_name_cmp(x->name, y->name);

	return c ? c : line_cmp(x->pos, y->pos);
}

struct dup {
	const char *kind, *name;
	struct cfg_pos first, again;
};

/* Keeps the duplicate whose second occurrence comes first in the file. */
static void note_dup(struct dup *d, const char *kind, const char *name, struct cfg_pos first,
		     struct cfg_pos again)
{
	if (d->name && d->again.line <= again.line)
		return;
	*d = (struct dup){kind, name, first, again};
}

int cfg_seal(struct cfg_folder *f, const char *src, char *err, size_t errlen)
{
	struct dup d = {0};
	char q[QUOTE_MAX], fq[QUOTE_MAX];

	if (f->nitems > 1)
		qsort(f->items, f->nitems, sizeof(f->items[0]), item_order);
	if (f->nfolders > 1)
		qsort(f->folders, f->nfolders, sizeof(f->folders[0]), folder_order);
	for (size_t i = 1; i < f->nitems; i++)
		if (cfg_name_cmp(f->items[i - 1]->name, f->items[i]->name) == 0)
			note_dup(&d, "item", f->items[i]->name, f->items[i - 1]->pos,
				 f->items[i]->pos);
	for (size_t i = 1; i < f->nfolders; i++)
		if (cfg_name_cmp(f->folders[i - 1]->name, f->folders[i]->name) == 0)
			note_dup(&d, "folder", f->folders[i]->name, f->folders[i - 1]->pos,
				 f->folders[i]->pos);
	if (!d.name)
		return 0;
	quote_name(d.name, q);
	quote_name(f->name, fq);
	if (d.again.line)
		snprintf(err, errlen,
			 "%s:%" PRIu32 ":%" PRIu32 ": duplicate %s \"%s\" (first at line %" PRIu32
			 ")",
			 src, d.again.line, d.again.col, d.kind, q, d.first.line);
	else
		snprintf(err, errlen, "%s: duplicate %s \"%s\" in folder \"%s\"", src, d.kind, q,
			 fq);
	return -1;
}

/* ---- lookups ------------------------------------------------------------------ */

/* Index of the first item not before name; *found when it has that name.  O(log n). */
static size_t item_index(const struct cfg_folder *f, const char *name, bool *found)
{
	size_t lo = 0, hi = f->nitems;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cfg_name_cmp(f->items[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < f->nitems && cfg_name_cmp(f->items[lo]->name, name) == 0;
	return lo;
}

static size_t folder_index(const struct cfg_folder *f, const char *name, bool *found)
{
	size_t lo = 0, hi = f->nfolders;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cfg_name_cmp(f->folders[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < f->nfolders && cfg_name_cmp(f->folders[lo]->name, name) == 0;
	return lo;
}

struct cfg_item *cfg_find_item(const struct cfg_folder *f, const char *name)
{
	bool found;
	size_t i;

	if (!f)
		return NULL;
	i = item_index(f, name, &found);
	return found ? f->items[i] : NULL;
}

struct cfg_folder *cfg_find_folder(const struct cfg_folder *f, const char *name)
{
	bool found;
	size_t i;

	if (!f)
		return NULL;
	i = folder_index(f, name, &found);
	return found ? f->folders[i] : NULL;
}

/* ---- positions and getters ------------------------------------------------- */

static void where(const struct cfg_folder *f, struct cfg_pos pos, char *buf, size_t cap)
{
	const char *src;

	while (f->parent)
		f = f->parent;
	src = f->source ? f->source : "(new)";
	if (pos.line)
		snprintf(buf, cap, "%s:%" PRIu32 ":%" PRIu32, src, pos.line, pos.col);
	else
		snprintf(buf, cap, "%s", src);
}

void cfg_item_where(const struct cfg_item *it, char *buf, size_t cap)
{
	where(it->parent, it->pos, buf, cap);
}

void cfg_folder_where(const struct cfg_folder *f, char *buf, size_t cap)
{
	where(f, f->pos, buf, cap);
}

/*
 * The item called name if it has type t; NULL with *rc 0 when missing, NULL
 * with *rc -1 and a message when it has another type.
 */
static const struct cfg_item *typed(const struct cfg_folder *f, const char *name, enum cfg_type t,
				    int *rc, char *err, size_t errlen)
{
	const struct cfg_item *it = cfg_find_item(f, name);
	char at[512], q[QUOTE_MAX];

	*rc = 0;
	if (!it || it->type == t)
		return it;
	cfg_item_where(it, at, sizeof(at));
	quote_name(it->name, q);
	snprintf(err, errlen, "%s: item \"%s\" is a %s, expected %s", at, q,
		 cfg_type_name(it->type), cfg_type_name(t));
	*rc = -1;
	return NULL;
}

int cfg_get_bool(const struct cfg_folder *f, const char *name, bool def, bool *out, char *err,
		 size_t errlen)
{
	int rc;
	const struct cfg_item *it = typed(f, name, CFG_BOOL, &rc, err, errlen);

	*out = it ? it->v.b : def;
	return rc;
}

int cfg_get_uint(const struct cfg_folder *f, const char *name, uint32_t def, uint32_t *out,
		 char *err, size_t errlen)
{
	int rc;
	const struct cfg_item *it = typed(f, name, CFG_UINT, &rc, err, errlen);

	*out = it ? it->v.u : def;
	return rc;
}

int cfg_get_uint64(const struct cfg_folder *f, const char *name, uint64_t def, uint64_t *out,
		   char *err, size_t errlen)
{
	int rc;
	const struct cfg_item *it = typed(f, name, CFG_UINT64, &rc, err, errlen);

	*out = it ? it->v.u64 : def;
	return rc;
}

uint64_t cfg_time_from_file(uint64_t stored)
{
	if (stored == 0)
		return 0;
	return stored > UINT64_MAX - CFG_TIME_OFFSET_MS ? UINT64_MAX : stored + CFG_TIME_OFFSET_MS;
}

uint64_t cfg_time_to_file(uint64_t unix_ms)
{
	if (unix_ms == 0)
		return 0;
	return unix_ms > CFG_TIME_OFFSET_MS ? unix_ms - CFG_TIME_OFFSET_MS : 1;
}

int cfg_get_time(const struct cfg_folder *f, const char *name, uint64_t *unix_ms, char *err,
		 size_t errlen)
{
	uint64_t stored;
	int rc = cfg_get_uint64(f, name, 0, &stored, err, errlen);

	*unix_ms = cfg_time_from_file(stored);
	return rc;
}

int cfg_get_string(const struct cfg_folder *f, const char *name, const char *def, const char **out,
		   size_t *len, char *err, size_t errlen)
{
	int rc;
	const struct cfg_item *it = typed(f, name, CFG_STRING, &rc, err, errlen);

	*out = it ? (const char *)it->v.data : def;
	if (len)
		*len = it ? it->len : def ? strlen(def) : 0;
	return rc;
}

int cfg_get_byte(const struct cfg_folder *f, const char *name, const uint8_t **out, size_t *len,
		 char *err, size_t errlen)
{
	int rc;
	const struct cfg_item *it = typed(f, name, CFG_BYTE, &rc, err, errlen);

	*out = it ? it->v.data : NULL;
	if (len)
		*len = it ? it->len : 0;
	return rc;
}

/* ---- setters ------------------------------------------------------------------ */

static int check_name(const char *name, size_t *nlen, char *err, size_t errlen)
{
	*nlen = strnlen(name, CFG_NAME_MAX + 1);
	if (*nlen == 0 || *nlen > CFG_NAME_MAX) {
		snprintf(err, errlen, "a name must be 1 to %d bytes", CFG_NAME_MAX);
		return -1;
	}
	return 0;
}

/*
 * The item called name with its old value freed and type t (added if absent,
 * keeping the sort), or NULL with a message and the folder unchanged.
 */
static struct cfg_item *set_item(struct cfg_folder *f, const char *name, enum cfg_type t, char *err,
				 size_t errlen)
{
	struct cfg_item *it, **a;
	size_t nlen, i;
	bool found;

	if (check_name(name, &nlen, err, errlen) != 0)
		return NULL;
	i = item_index(f, name, &found);
	if (found) {
		it = f->items[i];
		clear_value(it);
		it->type = t;
		return it;
	}
	a = grow(f->items, &f->items_cap, f->nitems + 1);
	if (a)
		f->items = a;
	it = a ? cfg_item_alloc(name, nlen) : NULL;
	if (!it) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memmove(&a[i + 1], &a[i], (f->nitems - i) * sizeof(a[0]));
	a[i] = it;
	f->nitems++;
	it->parent = f;
	it->type = t;
	return it;
}

int cfg_set_bool(struct cfg_folder *f, const char *name, bool v, char *err, size_t errlen)
{
	struct cfg_item *it = set_item(f, name, CFG_BOOL, err, errlen);

	if (!it)
		return -1;
	it->v.b = v;
	return 0;
}

int cfg_set_uint(struct cfg_folder *f, const char *name, uint32_t v, char *err, size_t errlen)
{
	struct cfg_item *it = set_item(f, name, CFG_UINT, err, errlen);

	if (!it)
		return -1;
	it->v.u = v;
	return 0;
}

int cfg_set_uint64(struct cfg_folder *f, const char *name, uint64_t v, char *err, size_t errlen)
{
	struct cfg_item *it = set_item(f, name, CFG_UINT64, err, errlen);

	if (!it)
		return -1;
	it->v.u64 = v;
	return 0;
}

int cfg_set_time(struct cfg_folder *f, const char *name, uint64_t unix_ms, char *err, size_t errlen)
{
	return cfg_set_uint64(f, name, cfg_time_to_file(unix_ms), err, errlen);
}

/* String and byte items: copies the value first so a failure changes nothing. */
static int set_data(struct cfg_folder *f, const char *name, enum cfg_type t, const void *data,
		    size_t len, char *err, size_t errlen)
{
	struct cfg_item *it;
	uint8_t *copy;

	if (len > CFG_VALUE_MAX) {
		snprintf(err, errlen, "a value must be at most %u bytes", CFG_VALUE_MAX);
		return -1;
	}
	copy = malloc(len + 1);
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (len)
		memcpy(copy, data, len);
	copy[len] = '\0';
	it = set_item(f, name, t, err, errlen);
	if (!it) {
		free(copy);
		return -1;
	}
	it->v.data = copy;
	it->len = (uint32_t)len;
	return 0;
}

int cfg_set_string(struct cfg_folder *f, const char *name, const char *s, size_t len, char *err,
		   size_t errlen)
{
	return set_data(f, name, CFG_STRING, s, len, err, errlen);
}

int cfg_set_byte(struct cfg_folder *f, const char *name, const void *data, size_t len, char *err,
		 size_t errlen)
{
	return set_data(f, name, CFG_BYTE, data, len, err, errlen);
}

static unsigned depth_of(const struct cfg_folder *f)
{
	unsigned d = 0;

	for (; f; f = f->parent)
		d++;
	return d;
}

struct cfg_folder *cfg_add_folder(struct cfg_folder *parent, const char *name, char *err,
				  size_t errlen)
{
	struct cfg_folder *sub, **a;
	size_t nlen, i;
	bool found;

	if (check_name(name, &nlen, err, errlen) != 0)
		return NULL;
	i = folder_index(parent, name, &found);
	if (found)
		return parent->folders[i];
	if (depth_of(parent) >= CFG_DEPTH_MAX) {
		snprintf(err, errlen, "folders may not nest deeper than %d", CFG_DEPTH_MAX);
		return NULL;
	}
	a = grow(parent->folders, &parent->folders_cap, parent->nfolders + 1);
	if (a)
		parent->folders = a;
	sub = a ? cfg_folder_alloc(name, nlen) : NULL;
	if (!sub) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memmove(&a[i + 1], &a[i], (parent->nfolders - i) * sizeof(a[0]));
	a[i] = sub;
	parent->nfolders++;
	sub->parent = parent;
	return sub;
}

int cfg_delete_item(struct cfg_folder *f, const char *name)
{
	bool found;
	size_t i;

	if (!f)
		return -1;
	i = item_index(f, name, &found);
	if (!found)
		return -1;
	cfg_item_free(f->items[i]);
	memmove(&f->items[i], &f->items[i + 1], (f->nitems - i - 1) * sizeof(f->items[0]));
	f->nitems--;
	return 0;
}

int cfg_delete_folder(struct cfg_folder *f, const char *name)
{
	bool found;
	size_t i;

	if (!f)
		return -1;
	i = folder_index(f, name, &found);
	if (!found)
		return -1;
	folder_free(f->folders[i]);
	memmove(&f->folders[i], &f->folders[i + 1], (f->nfolders - i - 1) * sizeof(f->folders[0]));
	f->nfolders--;
	return 0;
}

int cfg_delete(struct cfg_folder *f, const char *name)
{
	int item = cfg_delete_item(f, name), folder = cfg_delete_folder(f, name);

	return item == 0 || folder == 0 ? 0 : -1;
}

/* ---- comparison --------------------------------------------------------------- */

static bool text_equal(const struct cfg_text *a, const struct cfg_text *b)
{
	size_t la = a ? a->len : 0, lb = b ? b->len : 0;

	return la == lb && (la == 0 || memcmp(a->text, b->text, la) == 0);
}

static bool item_equal(const struct cfg_item *a, const struct cfg_item *b)
{
	if (strcmp(a->name, b->name) != 0 || a->type != b->type ||
	    !text_equal(a->comment, b->comment))
		return false;
	switch (a->type) {
	case CFG_BOOL:
		return a->v.b == b->v.b;
	case CFG_UINT:
		return a->v.u == b->v.u;
	case CFG_UINT64:
		return a->v.u64 == b->v.u64;
	case CFG_STRING:
	case CFG_BYTE:
		return a->len == b->len &&
		       (a->len == 0 || memcmp(a->v.data, b->v.data, a->len) == 0);
	}
	return false;
}

static bool folder_equal(const struct cfg_folder *a, const struct cfg_folder *b)
{
	if (strcmp(a->name, b->name) != 0 || a->nitems != b->nitems || a->nfolders != b->nfolders ||
	    !text_equal(a->comment, b->comment) || !text_equal(a->end_comment, b->end_comment) ||
	    !text_equal(a->trailer, b->trailer))
		return false;
	for (size_t i = 0; i < a->nitems; i++)
		if (!item_equal(a->items[i], b->items[i]))
			return false;
	for (size_t i = 0; i < a->nfolders; i++)
		if (!folder_equal(a->folders[i], b->folders[i]))
			return false;
	return true;
}

bool cfg_equal(const struct cfg_folder *a, const struct cfg_folder *b)
{
	if (!a || !b)
		return a == b;
	return folder_equal(a, b);
}

/* ---- walking ------------------------------------------------------------------ */

#define PATH_MAX_LEN ((CFG_DEPTH_MAX + 1) * CFG_ESC_LEN(CFG_NAME_MAX))

struct walk {
	cfg_walk_fn fn;
	void *ctx;
	char *path;
};

/* Appends "/name" (or "name" at the start) to the path of length plen; the new length. */
static size_t path_add(char *path, size_t plen, const char *name)
{
	if (plen)
		path[plen++] = '/';
	return plen + cfg_escape((const uint8_t *)name, strlen(name), path + plen);
}

static int walk_folder(struct walk *w, const struct cfg_folder *f, size_t plen, unsigned depth)
{
	int rc;

	if (depth > CFG_DEPTH_MAX)
		return 0; /* unreachable for trees this library builds */
	plen = path_add(w->path, plen, f->name);
	rc = w->fn(w->ctx, w->path, f, NULL);
	for (size_t i = 0; !rc && i < f->nitems; i++) {
		path_add(w->path, plen, f->items[i]->name);
		rc = w->fn(w->ctx, w->path, f, f->items[i]);
		w->path[plen] = '\0';
	}
	for (size_t i = 0; !rc && i < f->nfolders; i++) {
		rc = walk_folder(w, f->folders[i], plen, depth + 1);
		w->path[plen] = '\0';
	}
	return rc;
}

int cfg_walk(const struct cfg_folder *root, cfg_walk_fn fn, void *ctx)
{
	struct walk w = {fn, ctx, malloc(PATH_MAX_LEN)};
	int rc;

	if (!w.path) {
		errno = ENOMEM;
		return -1;
	}
	rc = walk_folder(&w, root, 0, 1);
	free(w.path);
	return rc;
}
