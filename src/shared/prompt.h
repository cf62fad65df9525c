/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a password from standard input: without echo, after a prompt on
 * stderr, when stdin is a terminal; else one line as it comes.  Used by
 * vpnhub --hash-password and vpnhubctl.
 */
#ifndef VPN_PROMPT_H
#define VPN_PROMPT_H

#include <stddef.h>

/* The line without its end in buf; 0, or -1 when it is empty or stdin ended. */
int prompt_secret(const char *prompt, char *buf, size_t len);

#endif
