/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test peer's pieces shared between its one-session modes and hold. */
#ifndef BADPEER_H
#define BADPEER_H

#include <openssl/ssl.h>
#include <stdint.h>

#include "proto.h"

/* The client key of the last challenge, reused while the salt stays the same. */
struct badpeer_keys {
	int valid;
	uint32_t iterations;
	uint8_t salt_len;
	uint8_t salt[PROTO_SALT_MAX];
	uint8_t ck[32];
};

/* A connected TCP socket to HOST:PORT (10 s receive timeout), or -1. */
int badpeer_dial(const char *host, const char *port);

/* HELLO, CHALLENGE, AUTH, WELCOME over ssl; 0 on WELCOME. keys may be NULL. */
int badpeer_login(SSL *ssl, const char *hub, const char *user, const char *pw,
		  struct badpeer_keys *keys);

/* Opens n sessions, window at a time, and keeps them idle until the hub closes them. */
int badpeer_hold(const char *host, const char *port, const char *hub, const char *user,
		 const char *pw, unsigned long n, unsigned long window);

#endif
