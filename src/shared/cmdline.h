/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The admin console's command line: one line of words, split the way a
 * shell would for simple cases.  Blanks separate words; "double quotes"
 * group words and understand \" \\ \n \t; 'single quotes' take everything
 * literally; a backslash outside quotes escapes the next byte.  Lines are
 * bounded (ADMIN_LINE_MAX bytes, ADMIN_WORDS_MAX words) and may not hold
 * control bytes other than TAB.  Words starting with "--" are options:
 * "--json" alone, every other option takes the next word as its value; a
 * word that begins with a quote ("--x" in quotes) is never an option.
 * Shared by the hub (admin/admin_cmd.c) and vpnhubctl (quoting argv).
 */
#ifndef VPN_CMDLINE_H
#define VPN_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#define ADMIN_LINE_MAX 4096
#define ADMIN_WORDS_MAX 64

struct admin_opt {
	const char *name; /* without the dashes */
	const char *value;
};

struct admin_cmdline {
	int npos;
	const char *pos[ADMIN_WORDS_MAX]; /* the words that are not options */
	int nopt;
	struct admin_opt opt[ADMIN_WORDS_MAX];
	bool json;
	char buf[ADMIN_LINE_MAX + ADMIN_WORDS_MAX]; /* the words, NUL-terminated */
};

/* Splits line[0..len) into out; 0, or -1 with a message for the administrator. */
int admin_parse(const char *line, size_t len, struct admin_cmdline *out, char *err, size_t errlen);

/* The value of option name, or NULL. */
const char *admin_opt_get(const struct admin_cmdline *c, const char *name);

/* The first option not in the NULL-terminated list allowed, or NULL. */
const char *admin_opt_unknown(const struct admin_cmdline *c, const char *const *allowed);

/*
 * Appends word to out (of capacity cap, NUL-terminated, used bytes *len)
 * quoted so that admin_parse gives it back unchanged, as a word (never an
 * option); a space first unless *len is 0.  0, or -1 if it does not fit or
 * holds control bytes.
 */
int admin_quote(const char *word, char *out, size_t cap, size_t *len);

#endif
