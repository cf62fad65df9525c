// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "key = value" reader tests: line syntax (comments, blank lines, CRLF, BOM,
 * quotes, keys), every refusal with its "name:LINE:" position, the line and
 * file bounds, the callback's error prefix, the value helpers (numbers,
 * booleans, host:port, strings) and reading from a file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvconf.h"
#include "suites.h"

#define MAX_ITEMS 16

struct items {
	int n;
	char key[MAX_ITEMS][64];
	char value[MAX_ITEMS][KV_LINE_MAX + 1];
	const char *fail_key; /* the callback refuses this key */
};

static int collect(void *ctx, const char *key, const char *value, char *err, size_t errlen)
{
	struct items *it = ctx;

	if (it->fail_key && strcmp(key, it->fail_key) == 0) {
		snprintf(err, errlen, "%s: refused by the callback", key);
		return -1;
	}
	ck_assert_int_lt(it->n, MAX_ITEMS);
	ck_assert_uint_lt(strlen(key), sizeof(it->key[0]));
	strcpy(it->key[it->n], key);
	strcpy(it->value[it->n], value);
	it->n++;
	return 0;
}

static struct items *items_new(void)
{
	struct items *it = calloc(1, sizeof(*it));

	ck_assert_ptr_nonnull(it);
	return it;
}

/* Parses a C string (len = strlen) named "t.conf". */
static int parse(const char *text, struct items *it, char *err, size_t errlen)
{
	err[0] = '\0';
	return kv_parse_buf(text, strlen(text), "t.conf", collect, it, err, errlen);
}

START_TEST(test_basic_comments_blanks)
{
	struct items *it = items_new();
	char err[256];

	ck_assert_int_eq(parse("# comment\n"
			       "; another comment\n"
			       "\n"
			       "   \t \n"
			       "alpha = 1\n"
			       "\tbeta=two words\t \n"
			       "   # indented comment = not an item\n"
			       "gamma_2   =    x = y\n"
			       "pw = pass#word;x\n"
			       "empty =\n"
			       "last = no newline",
			       it, err, sizeof(err)),
			 0);
	ck_assert_int_eq(it->n, 6);
	ck_assert_str_eq(it->key[0], "alpha");
	ck_assert_str_eq(it->value[0], "1");
	ck_assert_str_eq(it->key[1], "beta");
	ck_assert_str_eq(it->value[1], "two words");
	ck_assert_str_eq(it->key[2], "gamma_2");
	ck_assert_str_eq(it->value[2], "x = y");
	ck_assert_str_eq(it->value[3], "pass#word;x"); /* no inline comments */
	ck_assert_str_eq(it->key[4], "empty");
	ck_assert_str_eq(it->value[4], "");
	ck_assert_str_eq(it->key[5], "last");
	ck_assert_str_eq(it->value[5], "no newline");
	free(it);
}
END_TEST

START_TEST(test_empty_input)
{
	struct items *it = items_new();
	char err[256];

	ck_assert_int_eq(parse("", it, err, sizeof(err)), 0);
	ck_assert_int_eq(parse("\n\n\n", it, err, sizeof(err)), 0);
	ck_assert_int_eq(parse("\xef\xbb\xbf", it, err, sizeof(err)), 0);
	ck_assert_int_eq(it->n, 0);
	free(it);
}
END_TEST

START_TEST(test_crlf_bom)
{
	struct items *it = items_new();
	char err[256];

	ck_assert_int_eq(parse("\xef\xbb\xbf"
			       "a = 1\r\n"
			       "# c\r\n"
			       "\r\n"
			       "b = \"x y\"\r\n"
			       "c = z\r\n",
			       it, err, sizeof(err)),
			 0);
	ck_assert_int_eq(it->n, 3);
	ck_assert_str_eq(it->key[0], "a");
	ck_assert_str_eq(it->value[0], "1");
	ck_assert_str_eq(it->value[1], "x y");
	ck_assert_str_eq(it->value[2], "z");
	/* a BOM anywhere but the start is part of a key, and refused */
	ck_assert_int_eq(parse("a = 1\n\xef\xbb\xbf"
			       "b = 2\n",
			       it, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "t.conf:2:"));
	free(it);
}
END_TEST

START_TEST(test_quotes)
{
	struct items *it = items_new();
	char err[256];

	ck_assert_int_eq(parse("a = \"  spaced  \"\n"
			       "b = \"\"\n"
			       "c = \"x#y\"\n"
			       "d = x\"y\n"
			       "e = \"in \"the\" middle\"\n"
			       "f = x\"\n",
			       it, err, sizeof(err)),
			 0);
	ck_assert_int_eq(it->n, 6);
	ck_assert_str_eq(it->value[0], "  spaced  ");
	ck_assert_str_eq(it->value[1], "");
	ck_assert_str_eq(it->value[2], "x#y");
	ck_assert_str_eq(it->value[3], "x\"y");
	ck_assert_str_eq(it->value[4], "in \"the\" middle");
	ck_assert_str_eq(it->value[5], "x\"");

	ck_assert_int_eq(parse("a = 1\n\nb = \"abc\n", it, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "t.conf:3:"));
	ck_assert_ptr_nonnull(strstr(err, "unterminated quote"));
	ck_assert_int_eq(parse("b = \"\n", it, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "t.conf:1:"));
	ck_assert_int_eq(parse("b = \"abc   \r\n", it, err, sizeof(err)), -1);
	free(it);
}
END_TEST

START_TEST(test_bad_lines)
{
	struct items *it = items_new();
	char err[256];

	ck_assert_int_eq(parse("a = 1\njustakey\n", it, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.conf:2: expected \"key = value\"");
	ck_assert_int_eq(parse("my-key = 1\n", it, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "t.conf:1: bad key"));
	ck_assert_ptr_nonnull(strstr(err, "my-key"));
	ck_assert_int_eq(parse("a b = 1\n", it, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "bad key"));
	ck_assert_int_eq(parse("= 1\n", it, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "bad key"));
	ck_assert_int_eq(parse("k\xc3\xa9y = 1\n", it, err, sizeof(err)), -1);
	ck_assert_int_eq(parse("key.sub = 1\n", it, err, sizeof(err)), -1);
	ck_assert_int_eq(parse("\"key\" = 1\n", it, err, sizeof(err)), -1);
	/* items before the bad line were delivered, none after it */
	it->n = 0;
	ck_assert_int_eq(parse("a = 1\nb = 2\nbad line\nc = 3\n", it, err, sizeof(err)), -1);
	ck_assert_int_eq(it->n, 2);
	ck_assert_ptr_nonnull(strstr(err, "t.conf:3:"));
	free(it);
}
END_TEST

START_TEST(test_key_normalised)
{
	struct items *it = items_new();
	char err[256];

	ck_assert_int_eq(parse("MyKey_1 = MixedCase Value\nMTU=1500\n", it, err, sizeof(err)), 0);
	ck_assert_int_eq(it->n, 2);
	ck_assert_str_eq(it->key[0], "mykey_1");
	ck_assert_str_eq(it->value[0], "MixedCase Value");
	ck_assert_str_eq(it->key[1], "mtu");
	free(it);
}
END_TEST

START_TEST(test_nul_byte)
{
	static const char text[] = "a = 1\nb = x\0y\nc = 3\n";
	struct items *it = items_new();
	char err[256];

	ck_assert_int_eq(
	    kv_parse_buf(text, sizeof(text) - 1, "t.conf", collect, it, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.conf:2: NUL byte in line");
	ck_assert_int_eq(it->n, 1);
	/* on a comment line too */
	ck_assert_int_eq(kv_parse_buf("#\0\n", 3, "t.conf", collect, it, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.conf:1: NUL byte in line");
	free(it);
}
END_TEST

START_TEST(test_line_length)
{
	struct items *it = items_new();
	size_t cap = 3 * (KV_LINE_MAX + 2) + 16;
	char *text = malloc(cap), err[256];
	size_t n;

	ck_assert_ptr_nonnull(text);
	/* a line of exactly KV_LINE_MAX bytes is fine */
	n = (size_t)snprintf(text, cap, "a = 1\nk = ");
	memset(text + n, 'v', KV_LINE_MAX - 4);
	n += KV_LINE_MAX - 4;
	text[n++] = '\n';
	text[n] = '\0';
	ck_assert_int_eq(parse(text, it, err, sizeof(err)), 0);
	ck_assert_int_eq(it->n, 2);
	ck_assert_uint_eq(strlen(it->value[1]), KV_LINE_MAX - 4);
	/* one more byte on line 3 */
	n = (size_t)snprintf(text, cap, "a = 1\n# two\nk = ");
	memset(text + n, 'v', KV_LINE_MAX - 3);
	n += KV_LINE_MAX - 3;
	text[n++] = '\n';
	text[n] = '\0';
	ck_assert_int_eq(parse(text, it, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "t.conf:3:"));
	ck_assert_ptr_nonnull(strstr(err, "longer than 4096"));
	/* also without a final newline, and for a comment */
	text[n - 1] = '\0';
	ck_assert_int_eq(parse(text, it, err, sizeof(err)), -1);
	memset(text, '#', KV_LINE_MAX + 1);
	text[KV_LINE_MAX + 1] = '\0';
	ck_assert_int_eq(parse(text, it, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "t.conf:1:"));
	free(text);
	free(it);
}
END_TEST

START_TEST(test_file_size_bound)
{
	struct items *it = items_new();
	char *text = malloc(KV_FILE_MAX + 1), err[256];

	ck_assert_ptr_nonnull(text);
	memset(text, '\n', KV_FILE_MAX + 1);
	ck_assert_int_eq(kv_parse_buf(text, KV_FILE_MAX, "big.conf", collect, it, err, sizeof(err)),
			 0);
	ck_assert_int_eq(
	    kv_parse_buf(text, KV_FILE_MAX + 1, "big.conf", collect, it, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "big.conf"));
	ck_assert_ptr_nonnull(strstr(err, "larger"));
	free(text);
	free(it);
}
END_TEST

START_TEST(test_callback_error_prefix)
{
	struct items *it = items_new();
	char err[256], tiny[8];

	it->fail_key = "bad";
	ck_assert_int_eq(parse("a = 1\n# x\n\nbad = value\nafter = 2\n", it, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.conf:4: bad: refused by the callback");
	ck_assert_int_eq(it->n, 1);
	/* the message is cut to the buffer, never overflowing it */
	memset(tiny, 'X', sizeof(tiny));
	ck_assert_int_eq(kv_parse_buf("bad = 1\n", 8, "t.conf", collect, it, tiny, sizeof(tiny)),
			 -1);
	ck_assert_str_eq(tiny, "t.conf:");
	free(it);
}
END_TEST

START_TEST(test_kv_uint)
{
	char err[256];
	uint32_t v;

	ck_assert_int_eq(kv_uint("n", "0", 0, 10, &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(kv_uint("n", "10", 0, 10, &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, 10);
	ck_assert_int_eq(kv_uint("n", "007", 0, 10, &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, 7);
	ck_assert_int_eq(kv_uint("n", "4294967295", 0, UINT32_MAX, &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, UINT32_MAX);

	v = 12345;
	ck_assert_int_eq(kv_uint("mtu", "11", 0, 10, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "mtu: \"11\" is not a number from 0 to 10");
	ck_assert_uint_eq(v, 12345);
	ck_assert_int_eq(kv_uint("n", "4", 5, 10, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(kv_uint("n", "4294967296", 0, UINT32_MAX, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(kv_uint("n", "99999999999999999999", 0, UINT32_MAX, &v, err, sizeof(err)),
			 -1);
	ck_assert_int_eq(kv_uint("n", "18446744073709551616", 0, UINT32_MAX, &v, err, sizeof(err)),
			 -1);
	ck_assert_int_eq(kv_uint("n", "", 0, 10, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(kv_uint("n", "5x", 0, 10, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(kv_uint("n", "x5", 0, 10, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(kv_uint("n", " 5", 0, 10, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(kv_uint("n", "5 ", 0, 10, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(kv_uint("n", "+5", 0, 10, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(kv_uint("n", "-1", 0, UINT32_MAX, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(kv_uint("n", "0x5", 0, 10, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(kv_uint("n", "5.0", 0, 10, &v, err, sizeof(err)), -1);
	ck_assert_uint_eq(v, 12345);
}
END_TEST

START_TEST(test_kv_bool)
{
	static const char *const yes[] = {"yes", "YES", "true", "True", "on", "ON", "1"};
	static const char *const no[] = {"no", "No", "false", "FALSE", "off", "Off", "0"};
	static const char *const bad[] = {"", "y", "n", "2", "yes ", " no", "maybe", "enable"};
	char err[256];
	bool b;

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		b = false;
		ck_assert_int_eq(kv_bool("k", yes[i], &b, err, sizeof(err)), 0);
		ck_assert(b);
		ck_assert_int_eq(kv_bool("k", no[i], &b, err, sizeof(err)), 0);
		ck_assert(!b);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		b = true;
		err[0] = '\0';
		ck_assert_msg(kv_bool("reconnect", bad[i], &b, err, sizeof(err)) == -1,
			      "accepted \"%s\"", bad[i]);
		ck_assert(b);
		ck_assert_ptr_nonnull(strstr(err, "reconnect"));
	}
}
END_TEST

/* kv_hostport into a 16-byte host buffer with default port 5555. */
static int hostport(const char *value, char *host, uint16_t *port, char *err)
{
	host[0] = '\0';
	*port = 0;
	err[0] = '\0';
	return kv_hostport("server", value, 5555, host, 16, port, err, 256);
}

START_TEST(test_kv_hostport)
{
	char host[16], err[256];
	uint16_t port;

	ck_assert_int_eq(hostport("host", host, &port, err), 0);
	ck_assert_str_eq(host, "host");
	ck_assert_uint_eq(port, 5555);
	ck_assert_int_eq(hostport("host:1", host, &port, err), 0);
	ck_assert_str_eq(host, "host");
	ck_assert_uint_eq(port, 1);
	ck_assert_int_eq(hostport("10.0.0.1:65535", host, &port, err), 0);
	ck_assert_str_eq(host, "10.0.0.1");
	ck_assert_uint_eq(port, 65535);
	ck_assert_int_eq(hostport("[::1]:5555", host, &port, err), 0);
	ck_assert_str_eq(host, "::1");
	ck_assert_uint_eq(port, 5555);
	ck_assert_int_eq(hostport("[fe80::1]:443", host, &port, err), 0);
	ck_assert_str_eq(host, "fe80::1");
	ck_assert_uint_eq(port, 443);
	ck_assert_int_eq(hostport("[::1]", host, &port, err), 0);
	ck_assert_str_eq(host, "::1");
	ck_assert_uint_eq(port, 5555);
	/* a bare IPv6 address takes the default port */
	ck_assert_int_eq(hostport("::1", host, &port, err), 0);
	ck_assert_str_eq(host, "::1");
	ck_assert_uint_eq(port, 5555);
	ck_assert_int_eq(hostport("fd00::1:80", host, &port, err), 0);
	ck_assert_str_eq(host, "fd00::1:80");
	ck_assert_uint_eq(port, 5555);

	ck_assert_int_eq(hostport("host:0", host, &port, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "server"));
	ck_assert_int_eq(hostport("host:65536", host, &port, err), -1);
	ck_assert_int_eq(hostport("host:", host, &port, err), -1);
	ck_assert_int_eq(hostport("host:http", host, &port, err), -1);
	ck_assert_int_eq(hostport("host:-1", host, &port, err), -1);
	ck_assert_int_eq(hostport("host: 80", host, &port, err), -1);
	ck_assert_int_eq(hostport("[::1", host, &port, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "IPv6"));
	ck_assert_int_eq(hostport("[::1]x", host, &port, err), -1);
	ck_assert_int_eq(hostport("[::1]:", host, &port, err), -1);
	ck_assert_int_eq(hostport("[]:80", host, &port, err), -1);
	ck_assert_int_eq(hostport(":80", host, &port, err), -1);
	ck_assert_int_eq(hostport("", host, &port, err), -1);
	/* host must fit: 15 bytes do, 16 do not */
	ck_assert_int_eq(hostport("abcdefghijklmno:80", host, &port, err), 0);
	ck_assert_str_eq(host, "abcdefghijklmno");
	ck_assert_int_eq(hostport("abcdefghijklmnop:80", host, &port, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "overlong"));
	ck_assert_int_eq(hostport("abcdefghijklmnop", host, &port, err), -1);
	ck_assert_int_eq(hostport("[abcdefghijklmnop]:80", host, &port, err), -1);
	ck_assert_str_eq(host, "");

	/* no default port: one must be given */
	ck_assert_int_eq(
	    kv_hostport("listen", "host", 0, host, sizeof(host), &port, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no port"));
	ck_assert_int_eq(
	    kv_hostport("listen", "host:7", 0, host, sizeof(host), &port, err, sizeof(err)), 0);
	ck_assert_uint_eq(port, 7);
}
END_TEST

START_TEST(test_kv_string)
{
	char dst[4], err[256];

	strcpy(dst, "old");
	ck_assert_int_eq(kv_string("name", "", dst, sizeof(dst), err, sizeof(err)), -1);
	ck_assert_str_eq(err, "name: value must be 1 to 3 characters");
	ck_assert_int_eq(kv_string("name", "abcd", dst, sizeof(dst), err, sizeof(err)), -1);
	ck_assert_str_eq(dst, "old");
	ck_assert_int_eq(kv_string("name", "abc", dst, sizeof(dst), err, sizeof(err)), 0);
	ck_assert_str_eq(dst, "abc");
	ck_assert_int_eq(kv_string("name", "z", dst, sizeof(dst), err, sizeof(err)), 0);
	ck_assert_str_eq(dst, "z");
}
END_TEST

START_TEST(test_parse_file)
{
	char dir[] = "/tmp/kvtest.XXXXXX", path[64], missing[80], err[512];
	struct items *it = items_new();
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.conf", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("\xef\xbb\xbfone = 1\r\ntwo = \"2 2\"\n", f);
	fclose(f);
	ck_assert_int_eq(kv_parse_file(path, collect, it, err, sizeof(err)), 0);
	ck_assert_int_eq(it->n, 2);
	ck_assert_str_eq(it->key[0], "one");
	ck_assert_str_eq(it->value[1], "2 2");

	/* errors carry the path and line */
	f = fopen(path, "a");
	ck_assert_ptr_nonnull(f);
	fputs("broken\n", f);
	fclose(f);
	ck_assert_int_eq(kv_parse_file(path, collect, it, err, sizeof(err)), -1);
	snprintf(missing, sizeof(missing), "%s:3: ", path);
	ck_assert_ptr_eq(strstr(err, missing), err);

	snprintf(missing, sizeof(missing), "%s/nope.conf", dir);
	ck_assert_int_eq(kv_parse_file(missing, collect, it, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot open"));
	ck_assert_ptr_nonnull(strstr(err, missing));
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
	unlink(path);
	rmdir(dir);
	free(it);
}
END_TEST

Suite *kvconf_suite(void)
{
	Suite *s = suite_create("kvconf");
	TCase *syn = tcase_create("syntax");
	TCase *val = tcase_create("values");

	tcase_add_test(syn, test_basic_comments_blanks);
	tcase_add_test(syn, test_empty_input);
	tcase_add_test(syn, test_crlf_bom);
	tcase_add_test(syn, test_quotes);
	tcase_add_test(syn, test_bad_lines);
	tcase_add_test(syn, test_key_normalised);
	tcase_add_test(syn, test_nul_byte);
	tcase_add_test(syn, test_line_length);
	tcase_add_test(syn, test_file_size_bound);
	tcase_add_test(syn, test_callback_error_prefix);
	tcase_add_test(syn, test_parse_file);
	suite_add_tcase(s, syn);

	tcase_add_test(val, test_kv_uint);
	tcase_add_test(val, test_kv_bool);
	tcase_add_test(val, test_kv_hostport);
	tcase_add_test(val, test_kv_string);
	suite_add_tcase(s, val);
	return s;
}
