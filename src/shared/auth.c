// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Password verifiers and the challenge-response proof (see auth.h for the
 * key schedule).  All hashing comes from OpenSSL.
 */
#include "auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "sha0.h"

static void hmac256(const uint8_t *key, size_t klen, const void *msg, size_t mlen,
		    uint8_t out[AUTH_KEY_LEN])
{
	unsigned int n = AUTH_KEY_LEN;

	HMAC(EVP_sha256(), key, (int)klen, msg, mlen, out, &n);
}

int auth_derive(const char *password, const uint8_t *salt, size_t salt_len, uint32_t iterations,
		uint8_t client_key[AUTH_KEY_LEN], uint8_t server_key[AUTH_KEY_LEN])
{
	uint8_t salted[AUTH_KEY_LEN];

	if (iterations < 1 || iterations > AUTH_ITER_MAX || salt_len > AUTH_SALT_MAX)
		return -1;
	if (!PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, (int)salt_len,
			       (int)iterations, EVP_sha256(), AUTH_KEY_LEN, salted))
		return -1;
	hmac256(salted, sizeof(salted), "Client Key", 10, client_key);
	hmac256(salted, sizeof(salted), "Server Key", 10, server_key);
	OPENSSL_cleanse(salted, sizeof(salted));
	return 0;
}

int auth_verifier_make(const char *password, uint32_t iterations, struct auth_verifier *v)
{
	uint8_t client_key[AUTH_KEY_LEN];

	memset(v, 0, sizeof(*v));
	v->iterations = iterations;
	v->salt_len = AUTH_SALT_LEN;
	if (RAND_bytes(v->salt, AUTH_SALT_LEN) != 1)
		return -1;
	if (auth_derive(password, v->salt, v->salt_len, iterations, client_key, v->server_key))
		return -1;
	SHA256(client_key, sizeof(client_key), v->stored_key);
	OPENSSL_cleanse(client_key, sizeof(client_key));
	return 0;
}

int auth_b64_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
	if (cap < 4 * ((len + 2) / 3) + 1)
		return -1;
	return EVP_EncodeBlock((unsigned char *)out, in, (int)len);
}

int auth_b64_decode(const char *in, uint8_t *out, size_t cap)
{
	size_t n = strlen(in);
	uint8_t tmp[3 * (AUTH_VERIFIER_MAX / 4) + 3];
	int len, pad = 0;

	if (n == 0 || n % 4 != 0 || n > AUTH_VERIFIER_MAX)
		return -1;
	if (in[n - 1] == '=')
		pad++;
	if (in[n - 2] == '=')
		pad++;
	if (memchr(in, '=', n - (size_t)pad))
		return -1; /* padding only at the end */
	len = EVP_DecodeBlock(tmp, (const unsigned char *)in, (int)n);
	if (len < 0 || (size_t)(len - pad) > cap)
		return -1;
	memcpy(out, tmp, (size_t)(len - pad));
	return len - pad;
}

/* Splits "a$b$c" in place; returns the number of fields (at most max). */
static int split_dollar(char *s, char **field, int max)
{
	int n = 0;

	while (n < max) {
		field[n++] = s;
		s = strchr(s, '$');
		if (!s)
			return n;
		*s++ = '\0';
	}
	return max + 1;
}

int auth_verifier_parse(const char *text, struct auth_verifier *v)
{
	char buf[AUTH_VERIFIER_MAX + 1], *field[4], *end;
	size_t plen = strlen(AUTH_VERIFIER_PREFIX);
	unsigned long iter;
	int n;

	memset(v, 0, sizeof(*v));
	if (strncmp(text, AUTH_VERIFIER_PREFIX, plen) != 0 || strlen(text) > AUTH_VERIFIER_MAX)
		return -1;
	strcpy(buf, text + plen);
	if (split_dollar(buf, field, 4) != 4)
		return -1;
	errno = 0;
	iter = strtoul(field[0], &end, 10);
	if (errno || *end || field[0][0] < '1' || field[0][0] > '9' || iter < AUTH_ITER_MIN ||
	    iter > AUTH_ITER_MAX)
		return -1;
	v->iterations = (uint32_t)iter;
	n = auth_b64_decode(field[1], v->salt, sizeof(v->salt));
	if (n < 8)
		return -1;
	v->salt_len = (size_t)n;
	if (auth_b64_decode(field[2], v->stored_key, AUTH_KEY_LEN) != AUTH_KEY_LEN ||
	    auth_b64_decode(field[3], v->server_key, AUTH_KEY_LEN) != AUTH_KEY_LEN)
		return -1;
	return 0;
}

int auth_verifier_format(const struct auth_verifier *v, char *out, size_t cap)
{
	char salt[AUTH_SALT_MAX * 2], stored[64], server[64];
	int n;

	if (auth_b64_encode(v->salt, v->salt_len, salt, sizeof(salt)) < 0 ||
	    auth_b64_encode(v->stored_key, AUTH_KEY_LEN, stored, sizeof(stored)) < 0 ||
	    auth_b64_encode(v->server_key, AUTH_KEY_LEN, server, sizeof(server)) < 0)
		return -1;
	n = snprintf(out, cap, "%s%u$%s$%s$%s", AUTH_VERIFIER_PREFIX, v->iterations, salt, stored,
		     server);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static void digest_field(EVP_MD_CTX *ctx, const void *p, size_t n)
{
	uint8_t len[4];

	put_be32(len, (uint32_t)n);
	EVP_DigestUpdate(ctx, len, 4);
	EVP_DigestUpdate(ctx, p, n);
}

void auth_transcript(const char *hub, const char *user, const uint8_t *nonce, size_t nonce_len,
		     const uint8_t *binding, size_t binding_len, uint8_t out[AUTH_KEY_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = AUTH_KEY_LEN;

	if (!ctx) {
		memset(out, 0, AUTH_KEY_LEN); /* proof then fails to verify */
		return;
	}
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	digest_field(ctx, "vpnhub-auth-v1", 14);
	digest_field(ctx, hub, strlen(hub));
	digest_field(ctx, user, strlen(user));
	digest_field(ctx, nonce, nonce_len);
	digest_field(ctx, binding, binding_len);
	EVP_DigestFinal_ex(ctx, out, &n);
	EVP_MD_CTX_free(ctx);
}

void auth_client_proof(const uint8_t client_key[AUTH_KEY_LEN],
		       const uint8_t transcript[AUTH_KEY_LEN], uint8_t proof[AUTH_KEY_LEN])
{
	uint8_t stored[AUTH_KEY_LEN], sig[AUTH_KEY_LEN];

	SHA256(client_key, AUTH_KEY_LEN, stored);
	hmac256(stored, AUTH_KEY_LEN, transcript, AUTH_KEY_LEN, sig);
	for (int i = 0; i < AUTH_KEY_LEN; i++)
		proof[i] = client_key[i] ^ sig[i];
}

bool auth_proof_ok(const struct auth_verifier *v, const uint8_t transcript[AUTH_KEY_LEN],
		   const uint8_t proof[AUTH_KEY_LEN])
{
	uint8_t sig[AUTH_KEY_LEN], client_key[AUTH_KEY_LEN], stored[AUTH_KEY_LEN];

	hmac256(v->stored_key, AUTH_KEY_LEN, transcript, AUTH_KEY_LEN, sig);
	for (int i = 0; i < AUTH_KEY_LEN; i++)
		client_key[i] = proof[i] ^ sig[i];
	SHA256(client_key, AUTH_KEY_LEN, stored);
	return CRYPTO_memcmp(stored, v->stored_key, AUTH_KEY_LEN) == 0;
}

void auth_softether_hash(const char *password, const char *user, uint8_t out[AUTH_SE_HASH_LEN])
{
	struct sha0_ctx c;

	sha0_init(&c);
	sha0_update(&c, password, strlen(password));
	for (const char *p = user; *p; p++) {
		uint8_t u = (uint8_t)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);

		sha0_update(&c, &u, 1);
	}
	sha0_final(&c, out);
}

/* HMAC-SHA256(hash, label || transcript) */
static void se_mac(const uint8_t hash[AUTH_SE_HASH_LEN], const char *label,
		   const uint8_t transcript[AUTH_KEY_LEN], uint8_t out[AUTH_KEY_LEN])
{
	uint8_t msg[6 + AUTH_KEY_LEN];

	memcpy(msg, label, 6);
	memcpy(msg + 6, transcript, AUTH_KEY_LEN);
	hmac256(hash, AUTH_SE_HASH_LEN, msg, sizeof(msg), out);
}

void auth_softether_proof(const uint8_t hash[AUTH_SE_HASH_LEN],
			  const uint8_t transcript[AUTH_KEY_LEN], uint8_t proof[AUTH_KEY_LEN])
{
	se_mac(hash, "client", transcript, proof);
}

bool auth_softether_proof_ok(const uint8_t hash[AUTH_SE_HASH_LEN],
			     const uint8_t transcript[AUTH_KEY_LEN],
			     const uint8_t proof[AUTH_KEY_LEN])
{
	uint8_t want[AUTH_KEY_LEN];

	se_mac(hash, "client", transcript, want);
	return CRYPTO_memcmp(want, proof, AUTH_KEY_LEN) == 0;
}

void auth_softether_signature(const uint8_t hash[AUTH_SE_HASH_LEN],
			      const uint8_t transcript[AUTH_KEY_LEN], uint8_t sig[AUTH_KEY_LEN])
{
	se_mac(hash, "server", transcript, sig);
}

bool auth_password_ok(const struct auth_verifier *v, const char *password)
{
	uint8_t client_key[AUTH_KEY_LEN], server_key[AUTH_KEY_LEN], stored[AUTH_KEY_LEN];
	bool ok;

	if (auth_derive(password, v->salt, v->salt_len, v->iterations, client_key, server_key))
		return false;
	SHA256(client_key, sizeof(client_key), stored);
	ok = CRYPTO_memcmp(stored, v->stored_key, AUTH_KEY_LEN) == 0;
	OPENSSL_cleanse(client_key, sizeof(client_key));
	OPENSSL_cleanse(server_key, sizeof(server_key));
	return ok;
}

void auth_softether_secure_password(const uint8_t hash[AUTH_SE_HASH_LEN],
				    const uint8_t random[AUTH_SE_RANDOM_LEN],
				    uint8_t out[AUTH_SE_HASH_LEN])
{
	struct sha0_ctx c;

	sha0_init(&c);
	sha0_update(&c, hash, AUTH_SE_HASH_LEN);
	sha0_update(&c, random, AUTH_SE_RANDOM_LEN);
	sha0_final(&c, out);
}

bool auth_softether_secure_password_ok(const uint8_t hash[AUTH_SE_HASH_LEN],
				       const uint8_t random[AUTH_SE_RANDOM_LEN],
				       const uint8_t proof[AUTH_SE_HASH_LEN])
{
	uint8_t want[AUTH_SE_HASH_LEN];
	bool ok;

	auth_softether_secure_password(hash, random, want);
	ok = CRYPTO_memcmp(want, proof, AUTH_SE_HASH_LEN) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}

void auth_server_signature(const uint8_t server_key[AUTH_KEY_LEN],
			   const uint8_t transcript[AUTH_KEY_LEN], uint8_t sig[AUTH_KEY_LEN])
{
	hmac256(server_key, AUTH_KEY_LEN, transcript, AUTH_KEY_LEN, sig);
}
