/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What cfg.c (tree), cfg_text.c (text reader and writer) and cfg_bin.c
 * (binary reader) share and nothing else may use: node construction for the
 * readers, the sort-and-check step that ends every folder they read, and the
 * escaping the writer, paths and messages use.
 */
#ifndef VPN_CFG_IMPL_H
#define VPN_CFG_IMPL_H

#include <stddef.h>
#include <stdint.h>

struct cfg_folder;
struct cfg_item;

/* Room cfg_escape needs for n input bytes (each "$HH" at worst, or a lone "$"), plus NUL. */
#define CFG_ESC_LEN(n) (3 * (size_t)(n) + 2)

/* New detached nodes holding a copy of name (nlen bytes); NULL on ENOMEM. */
struct cfg_folder *cfg_folder_alloc(const char *name, size_t nlen);
struct cfg_item *cfg_item_alloc(const char *name, size_t nlen);
void cfg_item_free(struct cfg_item *it);

/* Readers append in file order, then cfg_seal sorts; 0 or -1 (ENOMEM). */
int cfg_push_item(struct cfg_folder *f, struct cfg_item *it);
int cfg_push_folder(struct cfg_folder *f, struct cfg_folder *sub);

/*
 * Sorts a folder's items and sub-folders into cfg_name_cmp order and refuses
 * duplicates: "src:LINE:COL: duplicate item \"X\" (first at line N)", or
 * without lines "src: duplicate item \"X\" in folder \"F\"".  O(n log n).
 */
int cfg_seal(struct cfg_folder *f, const char *src, char *err, size_t errlen);

/* SoftEther's escaped form of s (n bytes) into out; returns its length. */
size_t cfg_escape(const uint8_t *s, size_t n, char *out);
/* Escaped (DEL too), cut to fit cap with "...", always NUL-terminated: for messages. */
void cfg_quote(const void *s, size_t n, char *out, size_t cap);

#endif
