/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hub's message after WELCOME (docs/protocol.md, MESSAGE). */
#ifndef VPN_CLIENT_HUBMSG_H
#define VPN_CLIENT_HUBMSG_H

#include <openssl/ssl.h>
#include <stddef.h>

/* Reads the MESSAGE and logs it line by line; 0, or -1 with err. */
int hubmsg_receive(SSL *ssl, char *err, size_t errlen);

#endif
