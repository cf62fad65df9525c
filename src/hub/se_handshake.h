/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hub side of SoftEther's login (docs/softether-protocol.md): after the
 * TLS accept, a stream that starts "POST" is a stock SoftEther client.  Its
 * signature POST, our Hello PACK, its login PACK (anonymous, secure_password
 * or plain_password), then a Welcome PACK with the clamped session
 * parameters and the user's 38 policy values, or an error code it
 * understands.  Runs in the session thread on the blocking socket.
 */
#ifndef VPN_SE_HANDSHAKE_H
#define VPN_SE_HANDSHAKE_H

#include <stdbool.h>

struct session;
struct hub_config;

/* Does the decrypted stream start like a SoftEther client's?  Peeks, consumes nothing. */
bool se_detect(struct session *s);

/* The whole SoftEther login; 0 when the session is established in its hub. */
int se_login(struct session *s, struct hub_config *cfg);

#endif
