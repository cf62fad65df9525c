/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The start-up report: what an administrator should know about a
 * configuration, ranked.  First what changes security or access and is not
 * applied (each with what to do), then what changes behaviour and is not
 * applied, then the inert items (stored, no effect here), counted in one
 * line unless the full list is asked for (vpnhub --check-config -v).  No
 * line is reported twice.
 */
#ifndef VPN_HUB_REPORT_H
#define VPN_HUB_REPORT_H

#include <stdbool.h>
#include <stddef.h>

struct cfg_item;

enum report_rank {
	REPORT_SECURITY,  /* security or access: not applied, or weaker than it looks */
	REPORT_BEHAVIOUR, /* changes what the hub does; not applied here */
	REPORT_INERT,	  /* stored only: no effect on a hub here */
	REPORT_RANKS
};

#define REPORT_LINES_MAX 1024 /* kept; more are counted */

struct report {
	struct report_line {
		enum report_rank rank;
		char *text;
	} * lines;
	size_t n, cap, dropped;
};

/* Adds a line unless the same one is there; lines longer than 600 bytes are cut. */
__attribute__((format(printf, 3, 4))) void report_add(struct report *r, enum report_rank rank,
						      const char *fmt, ...);
size_t report_count(const struct report *r, enum report_rank rank);
void report_free(struct report *r);

/* Emits the report line by line, ranked; inert items one by one only when all is set. */
void report_print(const struct report *r, const char *path, bool all,
		  void (*emit)(void *ctx, const char *line), void *ctx);

/*
 * How much an item this release does not implement matters, from its
 * generalised path (known.h) and its value: a value equal to SoftEther's
 * default is inert; an item no rule knows changes behaviour.  For a folder
 * (it NULL): the rank when the folder is reported as a whole, or -1 when its
 * contents are to be looked at one by one.  *advice: what to do (never NULL).
 */
int report_classify(const char *pattern, const struct cfg_item *it, const char **advice);

/* The item's value as text ("true", "1300", "(20 bytes)"), for report lines. */
void report_value(const struct cfg_item *it, char *buf, size_t cap);

#endif
