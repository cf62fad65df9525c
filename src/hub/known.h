/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which SoftHUB.cfg items and folders this release reads, so that the rest
 * can be reported once at start-up ("not implemented here; kept as it is").
 * Paths are generalised first: the names of hubs, users, groups, access list
 * entries and listeners become "*".
 */
#ifndef VPN_KNOWN_H
#define VPN_KNOWN_H

#include <stdbool.h>
#include <stddef.h>

/* Administrator-chosen names become a star: VirtualHUB/LAB/Option -> VirtualHUB/(*)/Option */
void known_generalise(const char *path, char *out, size_t cap);
/* True if a generalised path names something this release reads. */
bool known_path(const char *pattern, bool is_folder);

#endif
