// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SoftEther's text form: the line reader (CfgReadNextTextBUF's grammar, made
 * strict where SoftEther is sloppy: bad escapes, out-of-range numbers, bad
 * Base64, unbalanced braces, duplicates and oversized input are errors with
 * "name:LINE:COLUMN") and the canonical writer (CfgOutputFolderText's layout,
 * plus the comment lines the reader kept).
 *
 * A line whose first token is not a keyword is a comment: SoftEther ignores
 * it, we keep it verbatim with the node below it (or the closing "}" of its
 * folder, or after the root) so hand edits survive a rewrite.  Blank lines
 * and "{" lines carry nothing and are not kept; neither is a known SoftEther
 * banner at the top, which the writer puts back.  Reading is O(file) plus a
 * sort per folder; the parser is iterative, so nesting costs no stack.
 */
#include "cfg.h"
#include "cfg_impl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#define BOM "\xef\xbb\xbf"
#define BOM_LEN 3
#define QUOTE_MAX 80
#define B64_LEN(n) (((size_t)(n) + 2) / 3 * 4)

/* Cfg.h TAG_CPYRIGHT of 5.x: what the writer emits and what the reader skips first. */
static const char *const banner_5x[] = {
    "# Software Configuration File",
    "# ---------------------------",
    "# ",
    "# You may edit this file when the VPN Server / Client / Bridge program is not running.",
    "# ",
    "# In prior to edit this file manually by your text editor,",
    "# shutdown the VPN Server / Client / Bridge background service.",
    "# Otherwise, all changes will be lost.",
    "# ",
    NULL,
};

/* Older builds' banners, also skipped so a rewrite does not carry two banners. */
static const char *const banner_4x[] = {
    "# Software Configuration File",
    "# ---------------------------",
    "# ",
    "# You may edit this file when the program is not running.",
    "# ",
    "# In prior to edit this file manually by your text editor,",
    "# shutdown the background service.",
    "# Otherwise, all changes will be lost.",
    "# ",
    NULL,
};

static const char *const banner_old[] = {
    "# Software Configuration File",
    "# ",
    "# You can edit this file when the program is not working.",
    "# ",
    NULL,
};

static const char *const banner_utvpn[] = {
    "# SoftEther UT-VPN Software Configuration File",
    "# ",
    "# You can edit this file when the program is not working.",
    "# ",
    NULL,
};

static const char *const *const banners[] = {banner_5x, banner_4x, banner_old, banner_utvpn};

/* ---- Base64 (RFC 4648, padded; the decoder refuses anything non-canonical) ---- */

static const char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_encode(const uint8_t *in, size_t n, char *out)
{
	size_t i, o = 0;
	uint32_t v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64_chars[v >> 18];
		out[o++] = b64_chars[v >> 12 & 63];
		out[o++] = b64_chars[v >> 6 & 63];
		out[o++] = b64_chars[v & 63];
	}
	if (i == n)
		return o;
	v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0);
	out[o++] = b64_chars[v >> 18];
	out[o++] = b64_chars[v >> 12 & 63];
	out[o++] = i + 1 < n ? b64_chars[v >> 6 & 63] : '=';
	out[o++] = '=';
	return o;
}

static int b64_value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decodes n bytes (n % 4 == 0) into out (room for n / 4 * 3); the length, or -1. */
static ssize_t b64_decode(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t o = 0;

	if (n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int pad = 0, v;
		uint32_t w = 0;

		if (i + 4 == n)
			pad = in[n - 1] != '=' ? 0 : in[n - 2] == '=' ? 2 : 1;
		for (int k = 0; k < 4; k++) {
			v = k < 4 - pad ? b64_value(in[i + k]) : 0;
			if (v < 0)
				return -1;
			w = w << 6 | (uint32_t)v;
		}
		if (w & (pad == 2 ? 0xffff : pad == 1 ? 0xff : 0))
			return -1; /* bits the padding drops must be zero */
		out[o++] = (uint8_t)(w >> 16);
		if (pad < 2)
			out[o++] = (uint8_t)(w >> 8);
		if (pad < 1)
			out[o++] = (uint8_t)w;
	}
	return (ssize_t)o;
}

/* ---- reader --------------------------------------------------------------------- */

struct tok {
	const char *p;
	size_t len;
	uint32_t col;
};

struct reader {
	const char *src; /* name for messages */
	const char *buf;
	size_t len, pos;
	const char *line; /* current line without its LF or CRLF */
	size_t llen;
	uint32_t lineno;
	struct cfg_folder *top; /* holds root while reading */
	struct cfg_folder *cur;
	unsigned depth; /* open folders */
	size_t nodes;
	char *pend; /* comment lines waiting for the node they belong to */
	size_t pend_len, pend_cap;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4))) static int fail(struct reader *r, uint32_t col,
						      const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errlen, "%s:%" PRIu32 ":%" PRIu32 ": %s", r->src, r->lineno, col, msg);
	return -1;
}

static int oom(struct reader *r)
{
	snprintf(r->err, r->errlen, "%s:%" PRIu32 ": out of memory", r->src, r->lineno);
	return -1;
}

static uint32_t col_of(const struct reader *r, const char *p)
{
	return (uint32_t)(p - r->line) + 1;
}

/* Skips a known banner at the start of the text (after the BOM). */
static void skip_banner(struct reader *r)
{
	for (size_t b = 0; b < sizeof(banners) / sizeof(banners[0]); b++) {
		size_t pos = r->pos, i;

		for (i = 0; banners[b][i]; i++) {
			size_t n = strlen(banners[b][i]);

			if (r->len - pos <= n || memcmp(r->buf + pos, banners[b][i], n) != 0)
				break;
			pos += n;
			if (r->buf[pos] == '\r' && pos + 1 < r->len && r->buf[pos + 1] == '\n')
				pos++;
			else if (r->buf[pos] != '\n')
				break;
			pos++;
		}
		if (!banners[b][i]) {
			r->pos = pos;
			r->lineno = (uint32_t)i;
			return;
		}
	}
}

/* Moves to the next line: 1, 0 at the end, -1 on a NUL or a lone CR. */
static int next_line(struct reader *r)
{
	const char *p, *nl, *bad;
	size_t n;

	if (r->pos >= r->len)
		return 0;
	p = r->buf + r->pos;
	nl = memchr(p, '\n', r->len - r->pos);
	n = nl ? (size_t)(nl - p) : r->len - r->pos;
	r->pos += nl ? n + 1 : n;
	r->lineno++;
	/* cppcheck-suppress knownConditionTrueFalse ; false: memchr may return p, n = 0 */
	if (n > 0 && p[n - 1] == '\r')
		n--;
	r->line = p;
	r->llen = n;
	bad = memchr(p, '\0', n);
	if (bad)
		return fail(r, col_of(r, bad), "NUL byte in a line");
	bad = memchr(p, '\r', n);
	if (bad)
		return fail(r, col_of(r, bad), "carriage return not followed by a line feed");
	return 1;
}

/* Splits the line on runs of SP/TAB; the first three tokens, their number. */
static int tokenize(const struct reader *r, struct tok t[3])
{
	size_t i = 0;
	int n = 0;

	while (n < 3) {
		while (i < r->llen && (r->line[i] == ' ' || r->line[i] == '\t'))
			i++;
		if (i == r->llen)
			break;
		t[n].p = r->line + i;
		t[n].col = (uint32_t)i + 1;
		while (i < r->llen && r->line[i] != ' ' && r->line[i] != '\t')
			i++;
		t[n].len = (size_t)(r->line + i - t[n].p);
		n++;
	}
	return n;
}

static bool is_word(const struct tok *t, const char *w)
{
	return t->len == strlen(w) && strncasecmp(t->p, w, t->len) == 0;
}

static bool type_of(const struct tok *t, enum cfg_type *type)
{
	static const enum cfg_type all[] = {CFG_BOOL, CFG_UINT, CFG_UINT64, CFG_STRING, CFG_BYTE};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (is_word(t, cfg_type_name(all[i]))) {
			*type = all[i];
			return true;
		}
	}
	return false;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static uint8_t hex_value(char c)
{
	return (uint8_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
}

/* Bytes t unescapes to, or -1 after reporting a '$' without two hex digits. */
static ssize_t unescaped_len(struct reader *r, const struct tok *t)
{
	size_t n = 0;

	if (t->len == 1 && t->p[0] == '$')
		return 0;
	for (size_t i = 0; i < t->len; i++, n++) {
		if (t->p[i] != '$')
			continue;
		if (t->len - i < 3 || !is_hex(t->p[i + 1]) || !is_hex(t->p[i + 2]))
			return fail(r, t->col + (uint32_t)i,
				    "expected two hex digits after '$' (a '$' itself is $24)");
		i += 2;
	}
	return (ssize_t)n;
}

/* Unescapes a token that unescaped_len accepted. */
static void unescape(const struct tok *t, uint8_t *out)
{
	if (t->len == 1 && t->p[0] == '$')
		return;
	for (size_t i = 0; i < t->len; i++) {
		if (t->p[i] == '$') {
			*out++ = (uint8_t)(hex_value(t->p[i + 1]) << 4 | hex_value(t->p[i + 2]));
			i += 2;
		} else {
			*out++ = (uint8_t)t->p[i];
		}
	}
}

static int take_name(struct reader *r, const struct tok *t, char name[CFG_NAME_MAX + 1],
		     size_t *nlen)
{
	ssize_t n = unescaped_len(r, t);

	if (n < 0)
		return -1;
	if (n == 0)
		return fail(r, t->col, "expected a name, found the empty string \"$\"");
	if (n > CFG_NAME_MAX)
		return fail(r, t->col, "name longer than %d bytes", CFG_NAME_MAX);
	unescape(t, (uint8_t *)name);
	name[n] = '\0';
	if (memchr(name, '\0', (size_t)n))
		return fail(r, t->col, "NUL byte ($00) in a name");
	*nlen = (size_t)n;
	return 0;
}

static int count_node(struct reader *r, uint32_t col)
{
	if (++r->nodes > CFG_NODES_MAX)
		return fail(r, col, "more than %u items and folders", CFG_NODES_MAX);
	return 0;
}

/* SoftEther's ToInt: leading zeros skipped, decimal or 0x hex; strict and range-checked here. */
static int parse_u32(const struct tok *t, uint32_t *out)
{
	const char *p = t->p, *end = t->p + t->len;
	uint64_t v = 0;
	unsigned base = 10;

	while (end - p > 1 && p[0] == '0' && (p[1] | 0x20) != 'x')
		p++;
	if (end - p > 2 && p[0] == '0' && (p[1] | 0x20) == 'x') {
		base = 16;
		p += 2;
	}
	for (; p < end; p++) {
		if (base == 10 ? !(*p >= '0' && *p <= '9') : !is_hex(*p))
			return -1;
		v = v * base + hex_value(*p);
		if (v > UINT32_MAX)
			return -1;
	}
	*out = (uint32_t)v;
	return t->len ? 0 : -1;
}

static int parse_uint(struct reader *r, struct cfg_item *it, const struct tok *t)
{
	char q[QUOTE_MAX];

	if (parse_u32(t, &it->v.u) == 0)
		return 0;
	cfg_quote(t->p, t->len, q, sizeof(q));
	return fail(r, t->col,
		    "expected a number from 0 to 4294967295 (decimal or 0x hex), found \"%s\"", q);
}

/* SoftEther's ToInt64 skips ','; we accept them and nothing else but digits. */
static int parse_uint64(struct reader *r, struct cfg_item *it, const struct tok *t)
{
	uint64_t v = 0;
	bool digits = false;
	char q[QUOTE_MAX];

	for (size_t i = 0; i < t->len; i++) {
		unsigned d = (unsigned)(t->p[i] - '0');

		if (t->p[i] == ',')
			continue;
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			goto bad;
		v = v * 10 + d;
		digits = true;
	}
	if (!digits)
		goto bad;
	it->v.u64 = v;
	return 0;
bad:
	cfg_quote(t->p, t->len, q, sizeof(q));
	return fail(r, t->col,
		    "expected a decimal number from 0 to 18446744073709551615, found \"%s\"", q);
}

static int parse_bool(struct reader *r, struct cfg_item *it, const struct tok *t)
{
	uint32_t v;
	char q[QUOTE_MAX];

	if (is_word(t, "true") || is_word(t, "false")) {
		it->v.b = is_word(t, "true");
		return 0;
	}
	if (parse_u32(t, &v) == 0) {
		it->v.b = v != 0;
		return 0;
	}
	cfg_quote(t->p, t->len, q, sizeof(q));
	return fail(r, t->col, "expected true, false or a number, found \"%s\"", q);
}

static int parse_string(struct reader *r, struct cfg_item *it, const struct tok *t)
{
	ssize_t n = unescaped_len(r, t);

	if (n < 0)
		return -1;
	if ((size_t)n > CFG_VALUE_MAX)
		return fail(r, t->col, "value longer than %u bytes", CFG_VALUE_MAX);
	it->v.data = malloc((size_t)n + 1);
	if (!it->v.data)
		return oom(r);
	unescape(t, it->v.data);
	it->v.data[n] = '\0';
	it->len = (uint32_t)n;
	return 0;
}

static int parse_byte(struct reader *r, struct cfg_item *it, const struct tok *t)
{
	ssize_t n = unescaped_len(r, t), d;
	uint8_t *text;
	char q[QUOTE_MAX];

	if (n < 0)
		return -1;
	if ((size_t)n > B64_LEN(CFG_VALUE_MAX))
		return fail(r, t->col, "value longer than %u bytes", CFG_VALUE_MAX);
	text = malloc((size_t)n + 1);
	it->v.data = malloc((size_t)n / 4 * 3 + 1);
	if (!text || !it->v.data) {
		free(text);
		return oom(r);
	}
	unescape(t, text);
	d = b64_decode(text, (size_t)n, it->v.data);
	free(text);
	if (d < 0) {
		cfg_quote(t->p, t->len, q, sizeof(q));
		return fail(r, t->col,
			    "expected Base64 (A-Z a-z 0-9 + /, '=' padding), found \"%s\"", q);
	}
	if ((size_t)d > CFG_VALUE_MAX)
		return fail(r, t->col, "value longer than %u bytes", CFG_VALUE_MAX);
	it->v.data[d] = '\0';
	it->len = (uint32_t)d;
	return 0;
}

static int parse_value(struct reader *r, struct cfg_item *it, const struct tok *t)
{
	switch (it->type) {
	case CFG_BOOL:
		return parse_bool(r, it, t);
	case CFG_UINT:
		return parse_uint(r, it, t);
	case CFG_UINT64:
		return parse_uint64(r, it, t);
	case CFG_STRING:
		return parse_string(r, it, t);
	case CFG_BYTE:
		return parse_byte(r, it, t);
	}
	return -1;
}

/* Keeps the current line verbatim until the node it belongs to is read. */
static int keep_comment(struct reader *r)
{
	size_t need = r->pend_len + r->llen + 2;

	if (need > r->pend_cap) {
		size_t cap = r->pend_cap ? r->pend_cap : 256;
		char *p;

		while (cap < need)
			cap *= 2;
		p = realloc(r->pend, cap);
		if (!p)
			return oom(r);
		r->pend = p;
		r->pend_cap = cap;
	}
	memcpy(r->pend + r->pend_len, r->line, r->llen);
	memcpy(r->pend + r->pend_len + r->llen, "\r\n", 2);
	r->pend_len = need;
	return 0;
}

/* Hands the waiting comment lines (if any) to *dst, which must be empty. */
static int attach_comment(struct reader *r, struct cfg_text **dst)
{
	struct cfg_text *t;

	if (r->pend_len == 0)
		return 0;
	t = malloc(sizeof(*t) + r->pend_len);
	if (!t)
		return oom(r);
	t->len = r->pend_len;
	memcpy(t->text, r->pend, r->pend_len);
	*dst = t;
	r->pend_len = 0;
	return 0;
}

static int open_folder(struct reader *r, const struct tok *t, int n)
{
	char name[CFG_NAME_MAX + 1];
	struct cfg_folder *f;
	size_t nlen;

	if (n < 2)
		return fail(r, t[0].col, "expected a folder name after \"declare\"");
	if (r->depth == CFG_DEPTH_MAX)
		return fail(r, t[0].col, "folders nested deeper than %d", CFG_DEPTH_MAX);
	if (take_name(r, &t[1], name, &nlen) != 0 || count_node(r, t[0].col) != 0)
		return -1;
	if (r->depth == 0 && cfg_name_cmp(name, "root") != 0)
		return fail(r, t[1].col, "only the root folder may be at the top level");
	f = cfg_folder_alloc(name, nlen);
	if (!f || cfg_push_folder(r->cur, f) != 0) {
		free(f);
		return oom(r);
	}
	f->pos = (struct cfg_pos){r->lineno, t[1].col};
	r->cur = f;
	r->depth++;
	return attach_comment(r, &f->comment);
}

static int close_folder(struct reader *r, const struct tok *t)
{
	if (r->depth == 0)
		return fail(r, t->col, "\"}\" without a matching \"declare\"");
	if (attach_comment(r, &r->cur->end_comment) != 0 ||
	    cfg_seal(r->cur, r->src, r->err, r->errlen) != 0)
		return -1;
	r->cur = r->cur->parent;
	r->depth--;
	return 0;
}

static int add_item(struct reader *r, enum cfg_type type, const struct tok *t, int n)
{
	char name[CFG_NAME_MAX + 1];
	struct cfg_item *it;
	size_t nlen;

	if (n < 3)
		return fail(r, t[0].col, "expected \"%s NAME VALUE\"", cfg_type_name(type));
	if (r->depth == 0)
		return fail(r, t[0].col, "item outside the root folder");
	if (take_name(r, &t[1], name, &nlen) != 0 || count_node(r, t[0].col) != 0)
		return -1;
	it = cfg_item_alloc(name, nlen);
	if (!it)
		return oom(r);
	it->type = type;
	it->pos = (struct cfg_pos){r->lineno, t[1].col};
	it->value_col = t[2].col;
	if (parse_value(r, it, &t[2]) != 0) {
		cfg_item_free(it);
		return -1;
	}
	if (cfg_push_item(r->cur, it) != 0) {
		cfg_item_free(it);
		return oom(r);
	}
	return attach_comment(r, &it->comment);
}

static int read_line(struct reader *r)
{
	struct tok t[3];
	enum cfg_type type;
	int n = tokenize(r, t);

	if (n == 0 || is_word(&t[0], "{"))
		return 0;
	if (is_word(&t[0], "}"))
		return close_folder(r, &t[0]);
	if (is_word(&t[0], "declare"))
		return open_folder(r, t, n);
	if (type_of(&t[0], &type))
		return add_item(r, type, t, n);
	return keep_comment(r);
}

/* After the last line: every folder closed, exactly one root; detaches it. */
static int finish(struct reader *r, struct cfg_folder **root)
{
	struct cfg_folder *f;
	char q[QUOTE_MAX];

	if (r->depth > 0) {
		bool lf = r->len > 0 && r->buf[r->len - 1] == '\n';

		cfg_quote(r->cur->name, strlen(r->cur->name), q, sizeof(q));
		snprintf(r->err, r->errlen,
			 "%s:%" PRIu32 ":%zu: end of file: expected \"}\" closing folder \"%s\" "
			 "(declared at line %" PRIu32 ")",
			 r->src, lf ? r->lineno + 1 : r->lineno, lf ? 1 : r->llen + 1, q,
			 r->cur->pos.line);
		return -1;
	}
	if (cfg_seal(r->top, r->src, r->err, r->errlen) != 0)
		return -1;
	if (r->top->nfolders == 0) {
		snprintf(r->err, r->errlen, "%s: no \"root\" folder", r->src);
		return -1;
	}
	f = r->top->folders[0];
	if (attach_comment(r, &f->trailer) != 0)
		return -1;
	f->source = strdup(r->src);
	if (!f->source)
		return oom(r);
	r->top->nfolders = 0;
	f->parent = NULL;
	*root = f;
	return 0;
}

int cfg_read_text(const char *buf, size_t len, const char *name, struct cfg_folder **root,
		  char *err, size_t errlen)
{
	struct reader r = {.src = name, .buf = buf, .len = len, .err = err, .errlen = errlen};
	int rc;

	*root = NULL;
	if (len > CFG_FILE_MAX) {
		snprintf(err, errlen, "%s: file is larger than %u bytes", name, CFG_FILE_MAX);
		return -1;
	}
	r.top = r.cur = cfg_folder_alloc("", 0);
	if (!r.top) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	if (len >= BOM_LEN && memcmp(buf, BOM, BOM_LEN) == 0)
		r.pos = BOM_LEN;
	skip_banner(&r);
	while ((rc = next_line(&r)) > 0 && read_line(&r) == 0)
		;
	if (rc == 0)
		rc = finish(&r, root);
	else
		rc = -1;
	cfg_free(r.top);
	free(r.pend);
	return rc;
}

/* ---- writer --------------------------------------------------------------------- */

struct out {
	char *p;
	size_t len, cap;
	bool oom;
};

/* n writable bytes at the end of the output, or NULL once memory ran out. */
static char *room(struct out *o, size_t n)
{
	size_t cap = o->cap ? o->cap : 1 << 16;
	char *p;

	if (o->oom)
		return NULL;
	if (o->cap - o->len >= n)
		return o->p + o->len;
	while (cap - o->len < n)
		cap *= 2;
	p = realloc(o->p, cap);
	if (!p) {
		o->oom = true;
		return NULL;
	}
	o->p = p;
	o->cap = cap;
	return p + o->len;
}

static void put(struct out *o, const void *s, size_t n)
{
	char *d = room(o, n);

	if (d) {
		memcpy(d, s, n);
		o->len += n;
	}
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_indent(struct out *o, unsigned depth)
{
	char *d = room(o, depth);

	if (d) {
		memset(d, '\t', depth);
		o->len += depth;
	}
}

static void put_escaped(struct out *o, const uint8_t *s, size_t n)
{
	char *d = room(o, CFG_ESC_LEN(n));

	if (d)
		o->len += cfg_escape(s, n, d);
}

/* Base64 never needs escaping; empty is the lone "$". */
static void put_b64(struct out *o, const uint8_t *s, size_t n)
{
	char *d = n ? room(o, B64_LEN(n)) : NULL;

	if (n == 0)
		put(o, "$", 1);
	else if (d)
		o->len += b64_encode(s, n, d);
}

static void put_comment(struct out *o, const struct cfg_text *t)
{
	if (t)
		put(o, t->text, t->len);
}

static void put_item(struct out *o, const struct cfg_item *it, unsigned depth)
{
	char num[24];

	put_comment(o, it->comment);
	put_indent(o, depth);
	put_str(o, cfg_type_name(it->type));
	put(o, " ", 1);
	put_escaped(o, (const uint8_t *)it->name, strlen(it->name));
	put(o, " ", 1);
	switch (it->type) {
	case CFG_BOOL:
		put_str(o, it->v.b ? "true" : "false");
		break;
	case CFG_UINT:
		snprintf(num, sizeof(num), "%" PRIu32, it->v.u);
		put_str(o, num);
		break;
	case CFG_UINT64:
		snprintf(num, sizeof(num), "%" PRIu64, it->v.u64);
		put_str(o, num);
		break;
	case CFG_STRING:
		put_escaped(o, it->v.data, it->len);
		break;
	case CFG_BYTE:
		put_b64(o, it->v.data, it->len);
		break;
	}
	put(o, "\r\n", 2);
}

/* Recursion is bounded by CFG_DEPTH_MAX, which readers and cfg_add_folder enforce. */
static void put_folder(struct out *o, const struct cfg_folder *f, unsigned depth)
{
	put_comment(o, f->comment);
	put_indent(o, depth);
	put_str(o, "declare ");
	put_escaped(o, (const uint8_t *)f->name, strlen(f->name));
	put(o, "\r\n", 2);
	put_indent(o, depth);
	put(o, "{\r\n", 3);
	for (size_t i = 0; i < f->nitems; i++)
		put_item(o, f->items[i], depth + 1);
	if (f->nitems && f->nfolders)
		put(o, "\r\n", 2);
	for (size_t i = 0; i < f->nfolders; i++)
		put_folder(o, f->folders[i], depth + 1);
	put_comment(o, f->end_comment);
	put_indent(o, depth);
	put(o, "}\r\n", 3);
}

int cfg_write_text(const struct cfg_folder *root, char **buf, size_t *len)
{
	struct out o = {0};

	put(&o, BOM, BOM_LEN);
	for (size_t i = 0; banner_5x[i]; i++) {
		put_str(&o, banner_5x[i]);
		put(&o, "\r\n", 2);
	}
	put_folder(&o, root, 0);
	put_comment(&o, root->trailer);
	if (o.oom) {
		free(o.p);
		errno = ENOMEM;
		return -1;
	}
	*buf = o.p;
	*len = o.len;
	return 0;
}
