// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Splitting an admin console line into words and options (cmdline.h).
 */
#include "cmdline.h"

#include <stdio.h>
#include <string.h>

struct splitter {
	const char *p, *end;
	char *w;	  /* write position in buf */
	const char *wend; /* end of buf */
	char *err;
	size_t errlen;
};

static int fail(struct splitter *sp, const char *what)
{
	snprintf(sp->err, sp->errlen, "%s", what);
	return -1;
}

static int put(struct splitter *sp, char c)
{
	if (sp->w >= sp->wend)
		return fail(sp, "line too long");
	*sp->w++ = c;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Inside "...": the escapes \" \\ \n \t; any other backslash stays as it is. */
static int double_quoted(struct splitter *sp)
{
	for (; sp->p < sp->end; sp->p++) {
		char c = *sp->p;

		if (c == '"') {
			sp->p++;
			return 0;
		}
		if (c == '\\' && sp->p + 1 < sp->end) {
			char n = sp->p[1];

			if (n == '"' || n == '\\' || n == 'n' || n == 't') {
				sp->p++;
				c = n == 'n' ? '\n' : n == 't' ? '\t' : n;
			}
		}
		if (put(sp, c) != 0)
			return -1;
	}
	return fail(sp, "unterminated \"quoted\" word");
}

static int single_quoted(struct splitter *sp)
{
	for (; sp->p < sp->end; sp->p++) {
		if (*sp->p == '\'') {
			sp->p++;
			return 0;
		}
		if (put(sp, *sp->p) != 0)
			return -1;
	}
	return fail(sp, "unterminated 'quoted' word");
}

/* One word at sp->p (not blank); NUL-terminated into buf. */
static int word(struct splitter *sp)
{
	while (sp->p < sp->end && !is_blank(*sp->p)) {
		char c = *sp->p++;
		int rc = 0;

		if (c == '"')
			rc = double_quoted(sp);
		else if (c == '\'')
			rc = single_quoted(sp);
		else if (c == '\\') {
			if (sp->p == sp->end)
				return fail(sp, "a backslash ends the line");
			rc = put(sp, *sp->p++);
		} else
			rc = put(sp, c);
		if (rc != 0)
			return -1;
	}
	return put(sp, '\0');
}

static int check_bytes(const char *line, size_t len, char *err, size_t errlen)
{
	if (len > ADMIN_LINE_MAX) {
		snprintf(err, errlen, "line too long (at most %d bytes)", ADMIN_LINE_MAX);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			snprintf(err, errlen, "control byte 0x%02x at column %zu", c, i + 1);
			return -1;
		}
	}
	return 0;
}

/* Sorts the words into positional words and --options. */
static int classify(struct admin_cmdline *out, const char **words, const bool *quoted, int n,
		    char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		const char *w = words[i];

		if (quoted[i] || strncmp(w, "--", 2) != 0 || w[2] == '\0') {
			out->pos[out->npos++] = w;
			continue;
		}
		if (strcmp(w, "--json") == 0) {
			out->json = true;
			continue;
		}
		if (i + 1 == n) {
			snprintf(err, errlen, "option %s needs a value", w);
			return -1;
		}
		out->opt[out->nopt].name = w + 2;
		out->opt[out->nopt++].value = words[++i];
	}
	return 0;
}

int admin_parse(const char *line, size_t len, struct admin_cmdline *out, char *err, size_t errlen)
{
	struct splitter sp = {.p = line, .end = line + len, .err = err, .errlen = errlen};
	const char *words[ADMIN_WORDS_MAX];
	bool quoted[ADMIN_WORDS_MAX]; /* began with a quote: a word, never an option */
	int n = 0;

	memset(out, 0, offsetof(struct admin_cmdline, buf));
	if (check_bytes(line, len, err, errlen) != 0)
		return -1;
	sp.w = out->buf;
	sp.wend = out->buf + sizeof(out->buf);
	for (;;) {
		while (sp.p < sp.end && is_blank(*sp.p))
			sp.p++;
		if (sp.p == sp.end)
			break;
		if (n == ADMIN_WORDS_MAX) {
			snprintf(err, errlen, "too many words (at most %d)", ADMIN_WORDS_MAX);
			return -1;
		}
		quoted[n] = *sp.p == '"' || *sp.p == '\'';
		words[n++] = sp.w;
		if (word(&sp) != 0)
			return -1;
	}
	return classify(out, words, quoted, n, err, errlen);
}

const char *admin_opt_get(const struct admin_cmdline *c, const char *name)
{
	for (int i = c->nopt - 1; i >= 0; i--) /* the last one given wins */
		if (strcmp(c->opt[i].name, name) == 0)
			return c->opt[i].value;
	return NULL;
}

const char *admin_opt_unknown(const struct admin_cmdline *c, const char *const *allowed)
{
	for (int i = 0; i < c->nopt; i++) {
		const char *const *a = allowed;

		while (*a && strcmp(*a, c->opt[i].name) != 0)
			a++;
		if (!*a)
			return c->opt[i].name;
	}
	return NULL;
}

int admin_quote(const char *word, char *out, size_t cap, size_t *len)
{
	size_t n = *len;

	if (n > 0 && n + 1 < cap)
		out[n++] = ' ';
	if (n + 1 >= cap)
		return -1;
	out[n++] = '"';
	for (const char *p = word; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return -1;
		if (n + 3 >= cap)
			return -1;
		if (c == '"' || c == '\\')
			out[n++] = '\\';
		out[n++] = (char)c;
	}
	if (n + 2 > cap)
		return -1;
	out[n++] = '"';
	out[n] = '\0';
	*len = n;
	return 0;
}
