/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Password authentication without sending the password and without storing
 * anything password-equivalent (SCRAM-SHA-256 style, RFC 5802 key schedule):
 *
 *   SaltedPassword = PBKDF2-HMAC-SHA256(password, salt, iterations)
 *   ClientKey = HMAC(SaltedPassword, "Client Key")   StoredKey = SHA256(ClientKey)
 *   ServerKey = HMAC(SaltedPassword, "Server Key")
 *   proof     = ClientKey XOR HMAC(StoredKey, transcript)
 *   server    = HMAC(ServerKey, transcript)           (proves the hub knew the verifier)
 *
 * The hub stores salt, iterations, StoredKey and ServerKey (the "verifier").
 * The transcript binds the hub name, user name, the hub's nonce and a TLS
 * exporter value, so a proof cannot be replayed or relayed to another TLS session.
 */
#ifndef VPN_AUTH_H
#define VPN_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_KEY_LEN 32
#define AUTH_SALT_LEN 16
#define AUTH_SALT_MAX 64
#define AUTH_ITER_DEFAULT 10000
#define AUTH_ITER_MIN 1000
#define AUTH_ITER_MAX 1000000 /* a client refuses more: a hostile hub must not burn its CPU */
#define AUTH_VERIFIER_PREFIX "scram-sha-256$"
#define AUTH_VERIFIER_MAX 256

struct auth_verifier {
	uint32_t iterations;
	size_t salt_len;
	uint8_t salt[AUTH_SALT_MAX];
	uint8_t stored_key[AUTH_KEY_LEN];
	uint8_t server_key[AUTH_KEY_LEN];
};

/* Derives ClientKey and ServerKey from a password; 0 or -1. */
int auth_derive(const char *password, const uint8_t *salt, size_t salt_len, uint32_t iterations,
		uint8_t client_key[AUTH_KEY_LEN], uint8_t server_key[AUTH_KEY_LEN]);

/* Makes a verifier with a fresh random salt; 0 or -1. */
int auth_verifier_make(const char *password, uint32_t iterations, struct auth_verifier *v);

/* "scram-sha-256$ITER$SALT$STOREDKEY$SERVERKEY" (Base64 fields) <-> struct; 0 or -1. */
int auth_verifier_parse(const char *text, struct auth_verifier *v);
int auth_verifier_format(const struct auth_verifier *v, char *out, size_t cap);

/* SHA-256 over the length-prefixed transcript fields. */
void auth_transcript(const char *hub, const char *user, const uint8_t *nonce, size_t nonce_len,
		     const uint8_t *binding, size_t binding_len, uint8_t out[AUTH_KEY_LEN]);

void auth_client_proof(const uint8_t client_key[AUTH_KEY_LEN],
		       const uint8_t transcript[AUTH_KEY_LEN], uint8_t proof[AUTH_KEY_LEN]);

/* Constant-time check of a client proof against a verifier. */
bool auth_proof_ok(const struct auth_verifier *v, const uint8_t transcript[AUTH_KEY_LEN],
		   const uint8_t proof[AUTH_KEY_LEN]);

/* Checks a password sent in clear (inside TLS) against a verifier, in constant time. */
bool auth_password_ok(const struct auth_verifier *v, const char *password);

void auth_server_signature(const uint8_t server_key[AUTH_KEY_LEN],
			   const uint8_t transcript[AUTH_KEY_LEN], uint8_t sig[AUTH_KEY_LEN]);

/*
 * SoftEther's stored hash, SHA-0(password || UPPER(user)) with ASCII
 * upper-casing, as a stock SoftEther server writes it (AuthPassword).  It is
 * password-equivalent, so users imported with it are warned about; the proof
 * still never sends it: proof = HMAC-SHA256(hash, "client" || transcript),
 * server signature = HMAC-SHA256(hash, "server" || transcript).
 */
#define AUTH_SE_HASH_LEN 20
void auth_softether_hash(const char *password, const char *user, uint8_t out[AUTH_SE_HASH_LEN]);
void auth_softether_proof(const uint8_t hash[AUTH_SE_HASH_LEN],
			  const uint8_t transcript[AUTH_KEY_LEN], uint8_t proof[AUTH_KEY_LEN]);
bool auth_softether_proof_ok(const uint8_t hash[AUTH_SE_HASH_LEN],
			     const uint8_t transcript[AUTH_KEY_LEN],
			     const uint8_t proof[AUTH_KEY_LEN]);
void auth_softether_signature(const uint8_t hash[AUTH_SE_HASH_LEN],
			      const uint8_t transcript[AUTH_KEY_LEN], uint8_t sig[AUTH_KEY_LEN]);

/*
 * SoftEther's own login proof (Sam.c SecurePassword), for its wire protocol
 * only: secure_password = SHA-0(hash || random), random being the 20 bytes
 * of the server's Hello.  _ok compares in constant time.
 */
#define AUTH_SE_RANDOM_LEN 20
void auth_softether_secure_password(const uint8_t hash[AUTH_SE_HASH_LEN],
				    const uint8_t random[AUTH_SE_RANDOM_LEN],
				    uint8_t out[AUTH_SE_HASH_LEN]);
bool auth_softether_secure_password_ok(const uint8_t hash[AUTH_SE_HASH_LEN],
				       const uint8_t random[AUTH_SE_RANDOM_LEN],
				       const uint8_t proof[AUTH_SE_HASH_LEN]);

/* Base64 helpers (standard alphabet, padded).  decode returns length or -1. */
int auth_b64_encode(const uint8_t *in, size_t len, char *out, size_t cap);
int auth_b64_decode(const char *in, uint8_t *out, size_t cap);

#endif
