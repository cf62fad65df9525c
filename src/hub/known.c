// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SoftHUB.cfg paths this release reads (config_keys.h), matched ASCII
 * case-insensitively.  O(table) per lookup: fine for a start-up report.
 */
#include "known.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config_keys.h"
#include "policy.h"

#define CONFIG_KEY_DEFINE(folder, name) const char config_key_##folder##_##name[] = #name;
CONFIG_ITEMS(CONFIG_KEY_DEFINE)

#define CONFIG_KEY_PATH(folder, name) CONFIG_PATH_##folder #name,
static const char *const known_items[] = {
    CONFIG_ITEMS(CONFIG_KEY_PATH)
    /* LocalBridgeList/DoNotDisableOffloading, the one item beside the entries (so it
       generalises like one): offloads are never disabled here, virtio headers carry them */
    "root/LocalBridgeList/*",
};

/* Folders whose children are named by the administrator. */
static const char *const name_lists[] = {
    "VirtualHUB",	   "UserList", "GroupList", "AccessList",      "ListenerList",
    "IPAccessControlList", "CertList", "CrlList",   "LocalBridgeList", "CascadeList",
};

static bool is_name_list(const char *seg, size_t len)
{
	for (size_t i = 0; i < sizeof(name_lists) / sizeof(name_lists[0]); i++)
		if (strlen(name_lists[i]) == len && strncasecmp(name_lists[i], seg, len) == 0)
			return true;
	return false;
}

void known_generalise(const char *path, char *out, size_t cap)
{
	const char *seg = path, *prev = NULL;
	size_t prev_len = 0, n = 0;

	out[0] = '\0';
	while (seg && n < cap) {
		const char *slash = strchr(seg, '/');
		size_t len = slash ? (size_t)(slash - seg) : strlen(seg);
		bool star = prev && is_name_list(prev, prev_len);
		int w = snprintf(out + n, cap - n, "%s%.*s", n ? "/" : "", star ? 1 : (int)len,
				 star ? "*" : seg);

		if (w < 0)
			break;
		n += (size_t)w;
		prev = seg;
		prev_len = len;
		seg = slash ? slash + 1 : NULL;
	}
}

/* A policy item of a user's, group's or cascade's Policy folder. */
static bool is_policy_item(const char *pattern)
{
	static const char *const owners[] = {
	    CONFIG_PATH_USER "Policy/", CONFIG_PATH_GROUP "Policy/", CONFIG_PATH_CASCADE "Policy/"};

	for (size_t i = 0; i < sizeof(owners) / sizeof(owners[0]); i++) {
		size_t n = strlen(owners[i]);

		if (strncasecmp(pattern, owners[i], n) == 0)
			return policy_find(pattern + n) >= 0;
	}
	return false;
}

bool known_path(const char *pattern, bool is_folder)
{
	size_t n = strlen(pattern);

	for (size_t i = 0; i < sizeof(known_items) / sizeof(known_items[0]); i++) {
		const char *k = known_items[i];

		if (!is_folder && strcasecmp(k, pattern) == 0)
			return true;
		/* a folder is known if something known lives inside it */
		if (is_folder && strncasecmp(k, pattern, n) == 0 && k[n] == '/')
			return true;
	}
	if (is_folder)
		return strcasecmp(pattern, "root") == 0 ||
		       strcasecmp(pattern, CONFIG_PATH_USER "Policy") == 0 ||
		       strcasecmp(pattern, CONFIG_PATH_GROUP "Policy") == 0 ||
		       strcasecmp(pattern, CONFIG_PATH_CASCADE "Policy") == 0;
	return is_policy_item(pattern);
}
