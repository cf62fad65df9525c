// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Password authentication tests: the key schedule against RFC 7677's
 * SCRAM-SHA-256 example and an independent OpenSSL computation, verifier
 * text round trips and every kind of malformed verifier, proofs that must
 * only verify for the right password and the exact transcript, and the
 * Base64 helpers (RFC 4648 vectors, padding, bounds).
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "sha0.h"
#include "suites.h"

#define FAST_ITER AUTH_ITER_MIN /* keeps PBKDF2 cheap under sanitizers */

static const uint8_t nonce_a[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
static const uint8_t nonce_b[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11};
static const uint8_t binding_a[32] = {0xb1, 0xb2, 0xb3};
static const uint8_t binding_b[32] = {0xb1, 0xb2, 0xb4};

/* What a client computes: the proof for password over the given transcript. */
static void client_proof(const char *password, const struct auth_verifier *v,
			 const uint8_t transcript[AUTH_KEY_LEN], uint8_t proof[AUTH_KEY_LEN])
{
	uint8_t client_key[AUTH_KEY_LEN], server_key[AUTH_KEY_LEN];

	ck_assert_int_eq(
	    auth_derive(password, v->salt, v->salt_len, v->iterations, client_key, server_key), 0);
	auth_client_proof(client_key, transcript, proof);
}

static void b64(const void *in, size_t len, char *out, size_t cap)
{
	ck_assert_int_ge(auth_b64_encode(in, len, out, cap), 0);
}

START_TEST(test_rfc7677_known_answer)
{
	/* RFC 7677 section 3: user "user", password "pencil" */
	static const char auth_message[] =
	    "n=user,r=rOprNGfwEbeRWgbNEkqO,"
	    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
	    "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
	    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
	uint8_t salt[16], client_key[32], server_key[32], stored[32], sig[32], proof[32];
	uint8_t want_proof[32], want_server_sig[32];
	unsigned int n = 32;
	char text[64];

	ck_assert_int_eq(auth_b64_decode("W22ZaJ0SNY7soEsUEjb6gQ==", salt, sizeof(salt)), 16);
	ck_assert_int_eq(auth_b64_decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", want_proof,
					 sizeof(want_proof)),
			 32);
	ck_assert_int_eq(auth_b64_decode("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
					 want_server_sig, sizeof(want_server_sig)),
			 32);
	ck_assert_int_eq(auth_derive("pencil", salt, sizeof(salt), 4096, client_key, server_key),
			 0);

	/* ClientProof = ClientKey XOR HMAC(SHA256(ClientKey), AuthMessage) */
	SHA256(client_key, sizeof(client_key), stored);
	HMAC(EVP_sha256(), stored, 32, (const uint8_t *)auth_message, strlen(auth_message), sig,
	     &n);
	for (int i = 0; i < 32; i++)
		proof[i] = client_key[i] ^ sig[i];
	ck_assert_mem_eq(proof, want_proof, 32);
	b64(proof, 32, text, sizeof(text));
	ck_assert_str_eq(text, "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");

	/* ServerSignature = HMAC(ServerKey, AuthMessage) */
	HMAC(EVP_sha256(), server_key, 32, (const uint8_t *)auth_message, strlen(auth_message), sig,
	     &n);
	ck_assert_mem_eq(sig, want_server_sig, 32);
}
END_TEST

START_TEST(test_derive_matches_openssl)
{
	static const char *const passwords[] = {"pencil", "", "p\xc3\xa4ssw\xc3\xb6rd #1"};
	uint8_t salt[AUTH_SALT_MAX], salted[32], ck[32], sk[32], client_key[32], server_key[32];
	unsigned int n = 32;

	for (int i = 0; i < AUTH_SALT_MAX; i++)
		salt[i] = (uint8_t)(i * 37);
	for (size_t i = 0; i < sizeof(passwords) / sizeof(passwords[0]); i++) {
		const char *pw = passwords[i];
		size_t salt_len = i == 2 ? AUTH_SALT_MAX : 16;
		uint32_t iter = i == 0 ? 1 : 2048;

		ck_assert_int_eq(PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw), salt, (int)salt_len,
						   (int)iter, EVP_sha256(), 32, salted),
				 1);
		HMAC(EVP_sha256(), salted, 32, (const uint8_t *)"Client Key", 10, ck, &n);
		HMAC(EVP_sha256(), salted, 32, (const uint8_t *)"Server Key", 10, sk, &n);
		ck_assert_int_eq(auth_derive(pw, salt, salt_len, iter, client_key, server_key), 0);
		ck_assert_mem_eq(client_key, ck, 32);
		ck_assert_mem_eq(server_key, sk, 32);
		ck_assert(memcmp(client_key, server_key, 32) != 0);
	}
}
END_TEST

START_TEST(test_derive_bounds)
{
	uint8_t salt[AUTH_SALT_MAX + 1] = {0}, ck[32], sk[32];

	ck_assert_int_eq(auth_derive("pw", salt, 16, 0, ck, sk), -1);
	ck_assert_int_eq(auth_derive("pw", salt, 16, AUTH_ITER_MAX + 1, ck, sk), -1);
	ck_assert_int_eq(auth_derive("pw", salt, AUTH_SALT_MAX + 1, 1000, ck, sk), -1);
	ck_assert_int_eq(auth_derive("pw", salt, AUTH_SALT_MAX, 1000, ck, sk), 0);
	ck_assert_int_eq(auth_derive("pw", salt, 0, 1, ck, sk), 0);
}
END_TEST

START_TEST(test_verifier_roundtrip)
{
	struct auth_verifier v, w, p;
	uint8_t ck[32], sk[32], stored[32];
	char text[AUTH_VERIFIER_MAX + 1], want[32];

	ck_assert_int_eq(auth_verifier_make("correct horse", FAST_ITER, &v), 0);
	ck_assert_uint_eq(v.iterations, FAST_ITER);
	ck_assert_uint_eq(v.salt_len, AUTH_SALT_LEN);
	/* the verifier holds SHA256(ClientKey) and ServerKey, nothing else */
	ck_assert_int_eq(auth_derive("correct horse", v.salt, v.salt_len, v.iterations, ck, sk), 0);
	SHA256(ck, 32, stored);
	ck_assert_mem_eq(v.stored_key, stored, 32);
	ck_assert_mem_eq(v.server_key, sk, 32);

	ck_assert_int_eq(auth_verifier_format(&v, text, sizeof(text)), 0);
	snprintf(want, sizeof(want), "%s%d$", AUTH_VERIFIER_PREFIX, FAST_ITER);
	ck_assert_int_eq(strncmp(text, want, strlen(want)), 0);
	/* prefix + "1000$" + 24 + "$" + 44 + "$" + 44 */
	ck_assert_uint_eq(strlen(text), strlen(want) + 24 + 1 + 44 + 1 + 44);
	ck_assert_int_eq(auth_verifier_parse(text, &p), 0);
	ck_assert_uint_eq(p.iterations, v.iterations);
	ck_assert_uint_eq(p.salt_len, v.salt_len);
	ck_assert_mem_eq(p.salt, v.salt, v.salt_len);
	ck_assert_mem_eq(p.stored_key, v.stored_key, 32);
	ck_assert_mem_eq(p.server_key, v.server_key, 32);

	/* a fresh salt every time */
	ck_assert_int_eq(auth_verifier_make("correct horse", FAST_ITER, &w), 0);
	ck_assert(memcmp(w.salt, v.salt, AUTH_SALT_LEN) != 0);
	ck_assert(memcmp(w.stored_key, v.stored_key, 32) != 0);

	/* formatting refuses a buffer one byte short */
	ck_assert_int_eq(auth_verifier_format(&v, text, strlen(text)), -1);
	ck_assert_int_eq(auth_verifier_format(&v, text, strlen(want) + 1 + 24 + 1 + 44 + 1 + 44),
			 0);
}
END_TEST

START_TEST(test_verifier_bounds_accepted)
{
	struct auth_verifier v, p;
	char text[AUTH_VERIFIER_MAX + 1];

	memset(&v, 0, sizeof(v));
	for (int i = 0; i < 32; i++) {
		v.stored_key[i] = (uint8_t)i;
		v.server_key[i] = (uint8_t)(255 - i);
	}
	for (int i = 0; i < AUTH_SALT_MAX; i++)
		v.salt[i] = (uint8_t)(i ^ 0x55);
	v.iterations = AUTH_ITER_MIN;
	v.salt_len = 8;
	ck_assert_int_eq(auth_verifier_format(&v, text, sizeof(text)), 0);
	ck_assert_int_eq(auth_verifier_parse(text, &p), 0);
	ck_assert_uint_eq(p.salt_len, 8);
	v.iterations = AUTH_ITER_MAX;
	v.salt_len = AUTH_SALT_MAX;
	ck_assert_int_eq(auth_verifier_format(&v, text, sizeof(text)), 0);
	ck_assert_int_eq(auth_verifier_parse(text, &p), 0);
	ck_assert_uint_eq(p.iterations, AUTH_ITER_MAX);
	ck_assert_uint_eq(p.salt_len, AUTH_SALT_MAX);
	ck_assert_mem_eq(p.salt, v.salt, AUTH_SALT_MAX);
}
END_TEST

/*
 * Fields to splice verifiers from: bytes 0, 1, 2 ... in Base64, as 16 bytes of
 * salt and keys of 31, 32 and 33 bytes.
 */
static const char SALT16[] = "AAECAwQFBgcICQoLDA0ODw==";
static const char KEY31[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==";
static const char KEY32[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
static const char KEY33[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g";

static int parse_fields(const char *iter, const char *salt, const char *stored, const char *server)
{
	struct auth_verifier v;
	char text[1024];

	snprintf(text, sizeof(text), "scram-sha-256$%s$%s$%s$%s", iter, salt, stored, server);
	return auth_verifier_parse(text, &v);
}

START_TEST(test_verifier_parse_rejects)
{
	static const char *const bad_text[] = {
	    "",
	    "scram-sha-256$",
	    "scram-sha-1$4096$AAECAwQFBgcICQoLDA0ODw==$"
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=$"
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
	    "SCRAM-SHA-256$4096$AAECAwQFBgcICQoLDA0ODw==$"
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=$"
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
	    " scram-sha-256$4096$AAECAwQFBgcICQoLDA0ODw==$"
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=$"
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
	    /* too few and too many fields */
	    "scram-sha-256$4096$AAECAwQFBgcICQoLDA0ODw==$"
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
	    "scram-sha-256$4096$AAECAwQFBgcICQoLDA0ODw==$"
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=$"
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=$",
	    "scram-sha-256$4096$AAECAwQFBgcICQoLDA0ODw==$"
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=$"
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=$AAAA",
	    "scram-sha-256$$$$",
	    "scram-sha-256$$$$$",
	};
	struct auth_verifier v;
	char big[AUTH_VERIFIER_MAX + 64];

	for (size_t i = 0; i < sizeof(bad_text) / sizeof(bad_text[0]); i++)
		ck_assert_msg(auth_verifier_parse(bad_text[i], &v) == -1, "accepted %s",
			      bad_text[i]);
	/* the splice helper itself makes a valid verifier */
	ck_assert_int_eq(parse_fields("4096", SALT16, KEY32, KEY32), 0);

	/* iterations: bounds, leading zero, signs, spaces, junk, overflow */
	ck_assert_int_eq(parse_fields("1000", SALT16, KEY32, KEY32), 0);
	ck_assert_int_eq(parse_fields("1000000", SALT16, KEY32, KEY32), 0);
	ck_assert_int_eq(parse_fields("999", SALT16, KEY32, KEY32), -1);
	ck_assert_int_eq(parse_fields("1000001", SALT16, KEY32, KEY32), -1);
	ck_assert_int_eq(parse_fields("0", SALT16, KEY32, KEY32), -1);
	ck_assert_int_eq(parse_fields("04096", SALT16, KEY32, KEY32), -1);
	ck_assert_int_eq(parse_fields("+4096", SALT16, KEY32, KEY32), -1);
	ck_assert_int_eq(parse_fields("-4096", SALT16, KEY32, KEY32), -1);
	ck_assert_int_eq(parse_fields(" 4096", SALT16, KEY32, KEY32), -1);
	ck_assert_int_eq(parse_fields("4096 ", SALT16, KEY32, KEY32), -1);
	ck_assert_int_eq(parse_fields("4096x", SALT16, KEY32, KEY32), -1);
	ck_assert_int_eq(parse_fields("0x1000", SALT16, KEY32, KEY32), -1);
	ck_assert_int_eq(parse_fields("", SALT16, KEY32, KEY32), -1);
	ck_assert_int_eq(parse_fields("18446744073709552616", SALT16, KEY32, KEY32), -1);
	ck_assert_int_eq(parse_fields("4294971392", SALT16, KEY32, KEY32), -1); /* 2^32+4096 */

	/* Base64 that is not */
	ck_assert_int_eq(parse_fields("4096", "AAECAwQFBgcICQoLDA0ODw", KEY32, KEY32), -1);
	ck_assert_int_eq(parse_fields("4096", "AAECAwQF!gcICQoLDA0ODw==", KEY32, KEY32), -1);
	ck_assert_int_eq(parse_fields("4096", "", KEY32, KEY32), -1);
	ck_assert_int_eq(
	    parse_fields("4096", SALT16, KEY32, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaG@wdHh8="),
	    -1);
	ck_assert_int_eq(
	    parse_fields("4096", SALT16, "AAEC AwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", KEY32),
	    -1);

	/* salt and key lengths */
	ck_assert_int_eq(parse_fields("4096", "AAECAwQFBg==", KEY32, KEY32), -1); /* 7 bytes */
	ck_assert_int_eq(parse_fields("4096", "AAECAwQFBgc=", KEY32, KEY32), 0);  /* 8 */
	ck_assert_int_eq(parse_fields("4096", "AAECAwQFBgcI", KEY32, KEY32), 0);  /* 9 */
	ck_assert_int_eq(parse_fields("4096", SALT16, SALT16, KEY32), -1);
	ck_assert_int_eq(parse_fields("4096", SALT16, KEY32, SALT16), -1);
	ck_assert_int_eq(parse_fields("4096", SALT16, KEY31, KEY32), -1);
	ck_assert_int_eq(parse_fields("4096", SALT16, KEY32, KEY31), -1);
	ck_assert_int_eq(parse_fields("4096", SALT16, KEY33, KEY32), -1);
	ck_assert_int_eq(parse_fields("4096", SALT16, KEY32, KEY33), -1);
	/* 65 bytes of salt is one too many */
	memset(big, 'A', 87);
	strcpy(big + 87, "=");
	ck_assert_int_eq(parse_fields("4096", big, KEY32, KEY32), -1);
	memset(big, 'B', 86);
	strcpy(big + 86, "==");
	ck_assert_int_eq(parse_fields("4096", big, KEY32, KEY32), 0);

	/* overlong text is refused before it is copied */
	strcpy(big, AUTH_VERIFIER_PREFIX);
	memset(big + strlen(big), 'A', AUTH_VERIFIER_MAX + 1 - strlen(big));
	big[AUTH_VERIFIER_MAX + 1] = '\0';
	ck_assert_int_eq(auth_verifier_parse(big, &v), -1);
}
END_TEST

START_TEST(test_proof_accepts_only_right_password)
{
	struct auth_verifier v;
	uint8_t t[32], proof[32];

	ck_assert_int_eq(auth_verifier_make("s3cret", FAST_ITER, &v), 0);
	auth_transcript("DEFAULT", "alice", nonce_a, 32, binding_a, 32, t);
	client_proof("s3cret", &v, t, proof);
	ck_assert(auth_proof_ok(&v, t, proof));

	client_proof("s3cret ", &v, t, proof);
	ck_assert(!auth_proof_ok(&v, t, proof));
	client_proof("S3cret", &v, t, proof);
	ck_assert(!auth_proof_ok(&v, t, proof));
	client_proof("", &v, t, proof);
	ck_assert(!auth_proof_ok(&v, t, proof));

	/* every single-bit change of a good proof fails */
	client_proof("s3cret", &v, t, proof);
	for (int bit = 0; bit < 256; bit++) {
		proof[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		ck_assert_msg(!auth_proof_ok(&v, t, proof), "bit %d", bit);
		proof[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	ck_assert(auth_proof_ok(&v, t, proof));
}
END_TEST

START_TEST(test_proof_bound_to_transcript)
{
	struct auth_verifier v;
	uint8_t t[32], other[6][32], proof[32];

	ck_assert_int_eq(auth_verifier_make("s3cret", FAST_ITER, &v), 0);
	auth_transcript("DEFAULT", "alice", nonce_a, 32, binding_a, 32, t);
	auth_transcript("DEFAULT", "alice", nonce_b, 32, binding_a, 32, other[0]);
	auth_transcript("OTHER", "alice", nonce_a, 32, binding_a, 32, other[1]);
	auth_transcript("DEFAULT", "bob", nonce_a, 32, binding_a, 32, other[2]);
	auth_transcript("DEFAULT", "alice", nonce_a, 32, binding_b, 32, other[3]);
	auth_transcript("DEFAULT", "alice", nonce_a, 31, binding_a, 32, other[4]);
	/* fields are length-prefixed: moving a byte between them changes the hash */
	auth_transcript("DEFAULTa", "lice", nonce_a, 32, binding_a, 32, other[5]);

	client_proof("s3cret", &v, t, proof);
	ck_assert(auth_proof_ok(&v, t, proof));
	for (int i = 0; i < 6; i++) {
		uint8_t p2[32];

		ck_assert_msg(memcmp(other[i], t, 32) != 0, "transcript %d", i);
		ck_assert_msg(!auth_proof_ok(&v, other[i], proof), "replay into transcript %d", i);
		client_proof("s3cret", &v, other[i], p2);
		ck_assert(auth_proof_ok(&v, other[i], p2));
		ck_assert(!auth_proof_ok(&v, t, p2));
	}
	/* deterministic */
	auth_transcript("DEFAULT", "alice", nonce_a, 32, binding_a, 32, other[0]);
	ck_assert_mem_eq(other[0], t, 32);
}
END_TEST

START_TEST(test_server_signature)
{
	struct auth_verifier v;
	uint8_t t[32], t2[32], ck[32], sk[32], hub_sig[32], client_sig[32], sig2[32];

	ck_assert_int_eq(auth_verifier_make("hunter2", FAST_ITER, &v), 0);
	auth_transcript("DEFAULT", "alice", nonce_a, 32, binding_a, 32, t);
	auth_transcript("DEFAULT", "alice", nonce_b, 32, binding_a, 32, t2);

	ck_assert_int_eq(auth_derive("hunter2", v.salt, v.salt_len, v.iterations, ck, sk), 0);
	ck_assert_mem_eq(sk, v.server_key, 32);
	auth_server_signature(v.server_key, t, hub_sig);
	auth_server_signature(sk, t, client_sig);
	ck_assert_mem_eq(hub_sig, client_sig, 32);
	auth_server_signature(sk, t2, sig2);
	ck_assert(memcmp(sig2, hub_sig, 32) != 0);

	/* a hub with another password's verifier cannot produce it */
	ck_assert_int_eq(auth_derive("hunter3", v.salt, v.salt_len, v.iterations, ck, sk), 0);
	auth_server_signature(sk, t, sig2);
	ck_assert(memcmp(sig2, hub_sig, 32) != 0);
}
END_TEST

START_TEST(test_b64_vectors)
{
	/* RFC 4648 section 10 */
	static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const coded[] = {"",		"Zg==",	    "Zm8=",    "Zm9v",
					    "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	char out[16];
	uint8_t dec[16];

	for (int i = 0; i < 7; i++) {
		size_t n = strlen(plain[i]);

		memset(out, '#', sizeof(out));
		ck_assert_int_eq(auth_b64_encode((const uint8_t *)plain[i], n, out, sizeof(out)),
				 (int)strlen(coded[i]));
		ck_assert_str_eq(out, coded[i]);
		/* exactly enough room, and one byte less */
		ck_assert_int_ge(
		    auth_b64_encode((const uint8_t *)plain[i], n, out, strlen(coded[i]) + 1), 0);
		ck_assert_int_eq(
		    auth_b64_encode((const uint8_t *)plain[i], n, out, strlen(coded[i])), -1);
		if (n == 0)
			continue;
		ck_assert_int_eq(auth_b64_decode(coded[i], dec, sizeof(dec)), (int)n);
		ck_assert_mem_eq(dec, plain[i], n);
		/* exactly enough room, and one byte less */
		ck_assert_int_eq(auth_b64_decode(coded[i], dec, n), (int)n);
		ck_assert_int_eq(auth_b64_decode(coded[i], dec, n - 1), -1);
	}
}
END_TEST

START_TEST(test_b64_binary_roundtrip)
{
	uint8_t in[AUTH_SALT_MAX], dec[AUTH_SALT_MAX];
	char text[2 * AUTH_SALT_MAX];

	for (size_t len = 1; len <= AUTH_SALT_MAX; len++) {
		for (size_t i = 0; i < len; i++)
			in[i] = (uint8_t)(len * 31 + i * 97 + 0x80);
		b64(in, len, text, sizeof(text));
		ck_assert_uint_eq(strlen(text), 4 * ((len + 2) / 3));
		ck_assert_int_eq(auth_b64_decode(text, dec, sizeof(dec)), (int)len);
		ck_assert_mem_eq(dec, in, len);
	}
}
END_TEST

START_TEST(test_b64_decode_rejects)
{
	static const char *const bad[] = {
	    "",
	    "Z",
	    "Zg",
	    "Zg=",
	    "Zg===",
	    "Zm9vY",
	    "Zm9!",
	    "Zm 9",
	    " Zm9",
	    "Zm9v\n",
	    "Zm9\n",
	    "Zm-_",
	    "\xc3\xa9\xc3\xa9",
	};
	uint8_t dec[300];
	char big[AUTH_VERIFIER_MAX + 5];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(auth_b64_decode(bad[i], dec, sizeof(dec)) == -1, "accepted \"%s\"",
			      bad[i]);
	/* the longest accepted input is AUTH_VERIFIER_MAX characters */
	memset(big, 'A', AUTH_VERIFIER_MAX);
	big[AUTH_VERIFIER_MAX] = '\0';
	ck_assert_int_eq(auth_b64_decode(big, dec, sizeof(dec)), AUTH_VERIFIER_MAX / 4 * 3);
	memset(big, 'A', AUTH_VERIFIER_MAX + 4);
	big[AUTH_VERIFIER_MAX + 4] = '\0';
	ck_assert_int_eq(auth_b64_decode(big, dec, sizeof(dec)), -1);
}
END_TEST

/*
 * '=' is only padding at the very end (RFC 4648 section 3.3), and a lone
 * 6-bit group cannot encode a byte; EVP_DecodeBlock alone decodes '=' anywhere
 * as zero bits, so auth_b64_decode has to refuse these itself.
 */
START_TEST(test_b64_decode_rejects_misplaced_padding)
{
	static const char *const bad[] = {"====", "A===", "QQ=A", "AB=C", "Zg==Zm8=", "QUJD===="};
	uint8_t dec[16];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int n = auth_b64_decode(bad[i], dec, sizeof(dec));

		ck_assert_msg(n == -1, "auth_b64_decode(\"%s\") = %d, want -1", bad[i], n);
	}
}
END_TEST

/* SHA-0 against its published vectors (FIPS 180 test messages). */
START_TEST(test_sha0_vectors)
{
	static const char *const want[3] = {
	    "0164b8a914cd2a5e74c4f7ff082c4d97f1edf880",
	    "d2516ee1acfa5baf33dfc1c471e438449ef134c8",
	    "3232affa48628a26653b5aaa44541fd90d690603",
	};
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	uint8_t out[SHA0_LEN];
	char hex[2 * SHA0_LEN + 1];
	static char million[1000000];
	struct sha0_ctx c;

	memset(million, 'a', sizeof(million));
	for (int v = 0; v < 3; v++) {
		if (v == 0)
			sha0("abc", 3, out);
		else if (v == 1)
			sha0(two, strlen(two), out);
		else {
			/* in uneven pieces: the block buffering must not matter */
			sha0_init(&c);
			for (size_t off = 0, step = 1; off < sizeof(million); step = step * 3 + 1) {
				size_t n =
				    step < sizeof(million) - off ? step : sizeof(million) - off;

				sha0_update(&c, million + off, n);
				off += n;
			}
			sha0_final(&c, out);
		}
		for (int i = 0; i < SHA0_LEN; i++)
			snprintf(hex + 2 * i, 3, "%02x", out[i]);
		ck_assert_str_eq(hex, want[v]);
	}
}
END_TEST

/* SoftEther's AuthPassword: SHA-0(password || UPPER(user)), ASCII upper-casing only. */
START_TEST(test_softether_hash)
{
	uint8_t got[AUTH_SE_HASH_LEN], want[SHA0_LEN];

	auth_softether_hash("Secret-1", "alice", got);
	sha0("Secret-1ALICE", 13, want);
	ck_assert_mem_eq(got, want, SHA0_LEN);
	auth_softether_hash("pw", "\xc3\xa9mile", got); /* "émile": é stays as it is */
	sha0("pw\xc3\xa9MILE", 8, want);
	ck_assert_mem_eq(got, want, SHA0_LEN);
}
END_TEST

START_TEST(test_softether_proof)
{
	uint8_t hash[AUTH_SE_HASH_LEN], other[AUTH_SE_HASH_LEN], tr[AUTH_KEY_LEN];
	uint8_t tr2[AUTH_KEY_LEN], proof[AUTH_KEY_LEN], sig[AUTH_KEY_LEN];

	auth_softether_hash("right", "bob", hash);
	auth_softether_hash("wrong", "bob", other);
	memset(tr, 0x5a, sizeof(tr));
	memset(tr2, 0xa5, sizeof(tr2));
	auth_softether_proof(hash, tr, proof);
	ck_assert(auth_softether_proof_ok(hash, tr, proof));
	ck_assert(!auth_softether_proof_ok(other, tr, proof));
	ck_assert(!auth_softether_proof_ok(hash, tr2, proof));
	/* the hub's signature can never be replayed as a client proof */
	auth_softether_signature(hash, tr, sig);
	ck_assert(memcmp(sig, proof, AUTH_KEY_LEN) != 0);
	ck_assert(!auth_softether_proof_ok(hash, tr, sig));
}
END_TEST

Suite *auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *keys = tcase_create("keys");
	TCase *ver = tcase_create("verifier");
	TCase *proof = tcase_create("proof");
	TCase *b = tcase_create("base64");

	tcase_set_timeout(keys, 30);
	tcase_add_test(keys, test_rfc7677_known_answer);
	tcase_add_test(keys, test_derive_matches_openssl);
	tcase_add_test(keys, test_derive_bounds);
	suite_add_tcase(s, keys);

	tcase_add_test(ver, test_verifier_roundtrip);
	tcase_add_test(ver, test_verifier_bounds_accepted);
	tcase_add_test(ver, test_verifier_parse_rejects);
	suite_add_tcase(s, ver);

	tcase_set_timeout(proof, 30);
	tcase_add_test(proof, test_proof_accepts_only_right_password);
	tcase_add_test(proof, test_proof_bound_to_transcript);
	tcase_add_test(proof, test_server_signature);
	tcase_add_test(proof, test_sha0_vectors);
	tcase_add_test(proof, test_softether_hash);
	tcase_add_test(proof, test_softether_proof);
	suite_add_tcase(s, proof);

	tcase_add_test(b, test_b64_vectors);
	tcase_add_test(b, test_b64_binary_roundtrip);
	tcase_add_test(b, test_b64_decode_rejects);
	tcase_add_test(b, test_b64_decode_rejects_misplaced_padding);
	suite_add_tcase(s, b);
	return s;
}
