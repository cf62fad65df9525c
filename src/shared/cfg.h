/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SoftEther's configuration file format (vpn_server.config; our SoftHUB.cfg):
 * a tree of folders holding typed items, read from SoftEther's text form or
 * its binary "SEVPN_DB" form and written back in canonical text form.
 *
 * The tree: every folder keeps its items and its sub-folders in two arrays,
 * each sorted the way SoftEther sorts them (cfg_name_cmp), so iterating
 * f->items[0..nitems) or f->folders[0..nfolders) visits nodes in the order
 * the writer emits them.  Names are 1..CFG_NAME_MAX bytes without NUL and are
 * unique per folder and kind, compared ASCII case-insensitively.  Comment
 * lines of a text file travel with the node that follows them.
 *
 * Fields are read-only outside cfg*.c: change a tree through the setters.
 * A tree is not locked; one thread at a time.  Library rules: 0/-1 with a
 * message in err, never logs or exits.
 */
#ifndef VPN_CFG_H
#define VPN_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CFG_FILE_MAX (64u << 20) /* bytes of a text or binary file */
#define CFG_DEPTH_MAX 64	 /* nested folders, root included */
#define CFG_NODES_MAX 2000000u	 /* items and folders of one file */
#define CFG_NAME_MAX 255	 /* bytes of a name after unescaping */
#define CFG_VALUE_MAX (1u << 20) /* bytes of a string or byte value */

/* Item types; the values are SoftEther's binary type codes. */
enum cfg_type {
	CFG_UINT = 1,
	CFG_UINT64 = 2,
	CFG_BYTE = 3,
	CFG_STRING = 4,
	CFG_BOOL = 5,
};

/* Where a node was read: line and byte column (1-based, BOM not counted) of its name. */
struct cfg_pos {
	uint32_t line; /* 0: not read from text (binary file or a setter) */
	uint32_t col;
};

/* Comment lines kept verbatim, each stored with a CRLF ending. */
struct cfg_text {
	size_t len;
	char text[];
};

struct cfg_item {
	struct cfg_folder *parent;
	struct cfg_text *comment; /* lines just above the item, or NULL */
	struct cfg_pos pos;
	uint32_t value_col; /* column of the value token */
	enum cfg_type type;
	uint32_t len; /* CFG_STRING, CFG_BYTE: bytes at v.data */
	union {
		bool b;
		uint32_t u;
		uint64_t u64;
		uint8_t *data; /* len bytes then a NUL; strings may hold NULs */
	} v;
	char name[];
};

struct cfg_folder {
	struct cfg_folder *parent;    /* NULL for the root */
	struct cfg_text *comment;     /* lines just above "declare" */
	struct cfg_text *end_comment; /* lines just above the closing "}" */
	struct cfg_text *trailer;     /* root only: lines after the closing "}" */
	char *source;		      /* root only: file name given to the reader, or NULL */
	struct cfg_pos pos;
	size_t nitems, nfolders;
	size_t items_cap, folders_cap;
	struct cfg_item **items;     /* sorted by cfg_name_cmp */
	struct cfg_folder **folders; /* sorted by cfg_name_cmp */
	char name[];
};

/*
 * Readers.  On success *root is a new tree (free with cfg_free) whose name is
 * "root" in some case; on failure *root is NULL and err reads
 * "name:LINE:COLUMN: what was expected" (binary: "name: offset N: ...").
 * cfg_read picks binary when buf starts with "SEVPN_DB", else text.
 * cfg_read_file reads at most CFG_FILE_MAX bytes; backups are the caller's.
 */
int cfg_read_text(const char *buf, size_t len, const char *name, struct cfg_folder **root,
		  char *err, size_t errlen);
int cfg_read_bin(const void *buf, size_t len, const char *name, struct cfg_folder **root, char *err,
		 size_t errlen);
int cfg_read(const void *buf, size_t len, const char *name, struct cfg_folder **root, char *err,
	     size_t errlen);
int cfg_read_file(const char *path, struct cfg_folder **root, char *err, size_t errlen);

/*
 * Canonical text: BOM, SoftEther's banner, CRLF, TAB indents, items then
 * sub-folders in cfg_name_cmp order, comments in place.  *buf is malloc'd
 * (not NUL-terminated); 0, or -1 with errno ENOMEM.
 */
int cfg_write_text(const struct cfg_folder *root, char **buf, size_t *len);

/* A new empty tree named "root", or NULL (ENOMEM). */
struct cfg_folder *cfg_new(void);
/* Frees a whole tree; root must have no parent (NULL is fine). */
void cfg_free(struct cfg_folder *root);
/* Same names, types, values, order and comments (positions ignored). O(nodes). */
bool cfg_equal(const struct cfg_folder *a, const struct cfg_folder *b);

/* SoftEther's StrCmpi: ASCII upper-case, bytes compared as signed char (UTF-8 first). */
int cfg_name_cmp(const char *a, const char *b);
/* "bool", "uint", "uint64", "string" or "byte". */
const char *cfg_type_name(enum cfg_type type);

/* Lookups by name, O(log n); NULL when absent or when f is NULL. */
struct cfg_folder *cfg_find_folder(const struct cfg_folder *f, const char *name);
struct cfg_item *cfg_find_item(const struct cfg_folder *f, const char *name);

/*
 * Typed getters: a missing item (or a NULL folder) gives the default and 0;
 * an item of another type gives -1 with "file:LINE:COL: item \"X\" is a
 * string, expected uint" in err.  String and byte results point into the
 * tree; len may be NULL.
 */
int cfg_get_bool(const struct cfg_folder *f, const char *name, bool def, bool *out, char *err,
		 size_t errlen);
int cfg_get_uint(const struct cfg_folder *f, const char *name, uint32_t def, uint32_t *out,
		 char *err, size_t errlen);
int cfg_get_uint64(const struct cfg_folder *f, const char *name, uint64_t def, uint64_t *out,
		   char *err, size_t errlen);
int cfg_get_string(const struct cfg_folder *f, const char *name, const char *def, const char **out,
		   size_t *len, char *err, size_t errlen);

/*
 * SoftEther's time items (ExpireTime, CreatedTime, UpdatedTime,
 * LastLoginTime...) are uint64 Unix milliseconds minus 9 hours: its
 * SystemToUINT64 applies a fixed JST offset on write, UINT64ToSystem adds it
 * back on read.  0 means "none" (never expires) both ways.  The conversions
 * saturate instead of wrapping; a non-zero time before 09:00 on 1970-01-01
 * is written as 1, the earliest SoftEther can hold.
 */
#define CFG_TIME_OFFSET_MS 32400000ULL
uint64_t cfg_time_from_file(uint64_t stored);
uint64_t cfg_time_to_file(uint64_t unix_ms);
/* A time item as Unix ms (0 when absent or 0); errors as cfg_get_uint64. */
int cfg_get_time(const struct cfg_folder *f, const char *name, uint64_t *unix_ms, char *err,
		 size_t errlen);
int cfg_get_byte(const struct cfg_folder *f, const char *name, const uint8_t **out, size_t *len,
		 char *err, size_t errlen);

/* "file:LINE:COL" of a node, "file" without a position, "(new)" without a file. */
void cfg_item_where(const struct cfg_item *it, char *buf, size_t cap);
void cfg_folder_where(const struct cfg_folder *f, char *buf, size_t cap);

/*
 * Setters add an item or replace the value (and type) of the item of that
 * name, keeping its comment.  Names must be 1..CFG_NAME_MAX bytes, values at
 * most CFG_VALUE_MAX bytes.  0, or -1 with a message.  O(items) worst case.
 */
int cfg_set_bool(struct cfg_folder *f, const char *name, bool v, char *err, size_t errlen);
int cfg_set_uint(struct cfg_folder *f, const char *name, uint32_t v, char *err, size_t errlen);
int cfg_set_uint64(struct cfg_folder *f, const char *name, uint64_t v, char *err, size_t errlen);
/* A time item from Unix ms, written as SoftEther writes it (see cfg_time_to_file). */
int cfg_set_time(struct cfg_folder *f, const char *name, uint64_t unix_ms, char *err,
		 size_t errlen);
int cfg_set_string(struct cfg_folder *f, const char *name, const char *s, size_t len, char *err,
		   size_t errlen);
int cfg_set_byte(struct cfg_folder *f, const char *name, const void *data, size_t len, char *err,
		 size_t errlen);

/* The sub-folder called name, created empty if absent; NULL with a message (name, depth). */
struct cfg_folder *cfg_add_folder(struct cfg_folder *parent, const char *name, char *err,
				  size_t errlen);

/* Remove and free the item / the sub-folder tree called name (comments too): 0, -1 if absent. */
int cfg_delete_item(struct cfg_folder *f, const char *name);
int cfg_delete_folder(struct cfg_folder *f, const char *name);
/* Both of the above; 0 if anything was removed, -1 if neither exists. */
int cfg_delete(struct cfg_folder *f, const char *name);

/*
 * Visits every folder (it == NULL) and then its items and sub-folders, in
 * writer order, with a path such as "root/VirtualHUB/DEFAULT/Option/Foo"
 * (names escaped as in the file, so control bytes never reach a log).
 * Stops at the first non-zero return of fn (use a positive value) and
 * returns it; 0 when done, -1 (ENOMEM) if the path buffer cannot be
 * allocated.  O(nodes).
 */
typedef int (*cfg_walk_fn)(void *ctx, const char *path, const struct cfg_folder *f,
			   const struct cfg_item *it);
int cfg_walk(const struct cfg_folder *root, cfg_walk_fn fn, void *ctx);

#endif
