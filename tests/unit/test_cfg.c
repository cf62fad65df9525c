// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SoftEther configuration format tests: the text reader (every escape, the
 * empty "$", dangling and bad escapes, LF/CRLF, BOM, keywords, numbers,
 * Base64, structure errors with their file:line:column, duplicates, bounds),
 * the canonical writer (SoftEther's sort order, the blank-line rule, the
 * banner, byte-identical rewrites, comments kept in place across a sort), the
 * tree API (getters, setters, deletion, walking), the binary SEVPN_DB reader
 * (built here with SHA-0, checksum and bound failures), garbage and
 * truncation, and the sample tests/data/vpn_server.config.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "sha0.h"
#include "suites.h"

#define BOM "\xef\xbb\xbf"
#define BANNER                                                                                     \
	BOM "# Software Configuration File\r\n"                                                    \
	    "# ---------------------------\r\n"                                                    \
	    "# \r\n"                                                                               \
	    "# You may edit this file when the VPN Server / Client / Bridge program is not "       \
	    "running.\r\n"                                                                         \
	    "# \r\n"                                                                               \
	    "# In prior to edit this file manually by your text editor,\r\n"                       \
	    "# shutdown the VPN Server / Client / Bridge background service.\r\n"                  \
	    "# Otherwise, all changes will be lost.\r\n"                                           \
	    "# \r\n"

static char err[1024];

/* Reads a C string named "t.cfg"; NULL (with err set) on failure. */
static struct cfg_folder *rd(const char *text)
{
	struct cfg_folder *root = (struct cfg_folder *)1;

	err[0] = '\0';
	if (cfg_read_text(text, strlen(text), "t.cfg", &root, err, sizeof(err)) != 0) {
		ck_assert_ptr_null(root);
		ck_assert_str_ne(err, "");
		return NULL;
	}
	ck_assert_ptr_nonnull(root);
	return root;
}

/* Expects text to be refused with a message starting with "t.cfg:" want_pos and holding want. */
static void refused(const char *text, const char *want_pos, const char *want)
{
	char prefix[64];

	ck_assert_msg(rd(text) == NULL, "accepted: %s", text);
	snprintf(prefix, sizeof(prefix), "t.cfg%s", want_pos);
	ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, "\"%s\" does not start with %s",
		      err, prefix);
	ck_assert_msg(strstr(err, want) != NULL, "\"%s\" does not say \"%s\"", err, want);
}

/* Writes root; the text (NUL-terminated) and its length. */
static char *wr(const struct cfg_folder *root, size_t *len)
{
	char *buf, *s;
	size_t n;

	ck_assert_int_eq(cfg_write_text(root, &buf, &n), 0);
	s = malloc(n + 1);
	ck_assert_ptr_nonnull(s);
	memcpy(s, buf, n);
	s[n] = '\0';
	free(buf);
	if (len)
		*len = n;
	return s;
}

/* Reads text, writes it and checks the output is want (after the banner). */
static void rewrites_to(const char *text, const char *want)
{
	struct cfg_folder *root = rd(text), *again;
	size_t n;
	char *out;

	ck_assert_msg(root != NULL, "%s", err);
	out = wr(root, &n);
	ck_assert_uint_eq(n, strlen(out));
	ck_assert_msg(strncmp(out, BANNER, strlen(BANNER)) == 0, "no banner: %s", out);
	ck_assert_str_eq(out + strlen(BANNER), want);
	again = rd(out);
	ck_assert_msg(again && cfg_equal(root, again), "re-read differs: %s", err);
	cfg_free(again);
	cfg_free(root);
	free(out);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const struct cfg_item *item(const struct cfg_folder *f, const char *name, enum cfg_type type)
{
	const struct cfg_item *it = cfg_find_item(f, name);

	ck_assert_msg(it != NULL, "no item %s", name);
	ck_assert_int_eq(it->type, type);
	return it;
}

/* ---- escapes ---- */

START_TEST(test_every_escape_read)
{
	static const char hex[] = "0123456789ABCDEF", lhex[] = "0123456789abcdef";

	for (int c = 0; c < 256; c++) {
		char text[128];
		struct cfg_folder *root;
		const struct cfg_item *it;

		snprintf(text, sizeof(text), "declare root\n{\nstring S x$%c%cy\n}\n",
			 (c & 1 ? lhex : hex)[c >> 4], (c & 2 ? lhex : hex)[c & 15]);
		root = rd(text);
		ck_assert_msg(root != NULL, "%s", err);
		it = item(root, "S", CFG_STRING);
		ck_assert_uint_eq(it->len, 3);
		ck_assert_int_eq(it->v.data[0], 'x');
		ck_assert_int_eq(it->v.data[1], c);
		ck_assert_int_eq(it->v.data[2], 'y');
		cfg_free(root);
	}
}
END_TEST

START_TEST(test_every_escape_write)
{
	struct cfg_folder *root = cfg_new(), *again;
	uint8_t all[256];
	char want[1024], *out, *line;
	size_t o = 0;

	for (int c = 0; c < 256; c++) {
		all[c] = (uint8_t)c;
		if (c <= 0x20 || c == '$')
			o += (size_t)snprintf(want + o, sizeof(want) - o, "$%02X", c);
		else
			want[o++] = (char)c;
	}
	want[o] = '\0';
	ck_assert_int_eq(cfg_set_string(root, "All", (const char *)all, 256, err, sizeof(err)), 0);
	out = wr(root, NULL);
	line = strstr(out, "\tstring All ");
	ck_assert_ptr_nonnull(line);
	line += strlen("\tstring All ");
	ck_assert_int_eq(strncmp(line, want, o), 0);
	ck_assert_int_eq(strncmp(line + o, "\r\n}\r\n", 5), 0);
	again = rd(out);
	ck_assert_msg(again != NULL, "%s", err);
	ck_assert(cfg_equal(root, again));
	ck_assert_mem_eq(item(again, "all", CFG_STRING)->v.data, all, 256);
	cfg_free(again);
	cfg_free(root);
	free(out);
}
END_TEST

START_TEST(test_escaped_names_and_values)
{
	rewrites_to("declare root\n{\nstring Note Deny$20SMB$20from$20staff\n"
		    "string My$20Name$09x a$24b\n}\n",
		    "declare root\r\n{\r\n\tstring My$20Name$09x a$24b\r\n"
		    "\tstring Note Deny$20SMB$20from$20staff\r\n}\r\n");
	/* any hex case in, upper case out; '#', '{', '}' and '=' are plain bytes */
	rewrites_to("declare root\n{\nstring a $2a$2A#{}=\n}\n",
		    "declare root\r\n{\r\n\tstring a **#{}=\r\n}\r\n");
	rewrites_to("declare root\n{\nstring a x$0d$0A$00y\n}\n",
		    "declare root\r\n{\r\n\tstring a x$0D$0A$00y\r\n}\r\n");
}
END_TEST

START_TEST(test_empty_dollar)
{
	struct cfg_folder *root = rd("declare root\n{\nstring S $\nbyte B $\n}\n");
	const uint8_t *b;
	const char *s;
	size_t n = 99;

	ck_assert_msg(root != NULL, "%s", err);
	ck_assert_int_eq(cfg_get_string(root, "S", "def", &s, &n, err, sizeof(err)), 0);
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(cfg_get_byte(root, "B", &b, &n, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(n, 0);
	cfg_free(root);
	rewrites_to("declare root\n{\nstring S $\nbyte B $\n}\n",
		    "declare root\r\n{\r\n\tbyte B $\r\n\tstring S $\r\n}\r\n");
	/* "$" is the empty string only as a whole token */
	refused("declare root\n{\nstring S $$\n}\n", ":3:10:", "two hex digits");
	refused("declare $\n{\n}\n", ":1:9:", "expected a name");
	refused("declare root\n{\nuint $ 1\n}\n", ":3:6:", "expected a name");
}
END_TEST

START_TEST(test_dangling_and_bad_escapes)
{
	refused("declare root\n{\nstring S abc$\n}\n", ":3:13:", "two hex digits after '$'");
	refused("declare root\n{\nstring S abc$4\n}\n", ":3:13:", "two hex digits");
	refused("declare root\n{\nstring S $G1\n}\n", ":3:10:", "two hex digits");
	refused("declare root\n{\nstring S $1G\n}\n", ":3:10:", "two hex digits");
	refused("declare root\n{\nstring S$ x\n}\n", ":3:9:", "two hex digits");
	refused("declare ro$t\n{\n}\n", ":1:11:", "two hex digits");
	refused("declare root\n{\nbyte B QQ$3\n}\n", ":3:10:", "two hex digits");
	/* at the very end of the buffer, without a line end: nothing read past it */
	refused("declare root\n{\nstring S x$", ":3:11:", "two hex digits");
	refused("declare root\n{\nstring S a$2", ":3:11:", "two hex digits");
}
END_TEST

/* ---- line syntax ---- */

START_TEST(test_crlf_lf_bom)
{
	const char *lf = "declare root\n{\n\tuint A 1\n\tstring B x\n\n\tdeclare F\n\t{\n\t}\n}\n";
	const char *crlf = "declare root\r\n{\r\n\tuint A 1\r\n\tstring B x\r\n\r\n\tdeclare "
			   "F\r\n\t{\r\n\t}\r\n}\r\n";
	const char *mixed = BOM "declare root\r\n{\n  uint A 1\r\n string   B\tx \n declare F\r\n}"
				"\n}";
	struct cfg_folder *a = rd(lf), *b = rd(crlf), *c = rd(mixed);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert(cfg_equal(a, b));
	ck_assert(cfg_equal(a, c));
	cfg_free(a);
	cfg_free(b);
	cfg_free(c);
	/* a lone CR is not a line end (SoftEther would eat the next byte) */
	refused("declare root\r{\n}\n", ":1:13:", "carriage return");
	refused("declare root\n{\nstring S a\rb\n}\n", ":3:11:", "carriage return");
	/* a CR at the very end of the file is a line end */
	a = rd("declare root\n{\n}\r");
	ck_assert_msg(a != NULL, "%s", err);
	cfg_free(a);
	refused("declare root\n{\nstring S a\0b\n}\n", "", "");
	ck_assert_int_eq(
	    cfg_read_text("declare root\n{\nstring S a\0b\n}\n", 26, "t.cfg", &a, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "t.cfg:3:11: NUL byte in a line");
	/* columns do not count the BOM */
	refused(BOM "declare root\n{\n}\n}\n", ":4:1:", "without a matching");
	refused(BOM "  }\n", ":1:3:", "without a matching");
}
END_TEST

START_TEST(test_keywords_and_ignored_lines)
{
	struct cfg_folder *root;

	/* keywords in any case; "{" optional; extra tokens ignored; unknown types are comments */
	root = rd("DECLARE ROOT\n{\n  UINT A 5 extra tokens\n  Bool B TRUE\n  StRiNg C x y\n"
		  "  ipaddr D 1.2.3.4\n  end\n  declare Sub extra\n  }\n}\n");
	ck_assert_msg(root != NULL, "%s", err);
	ck_assert_str_eq(root->name, "ROOT");
	ck_assert_uint_eq(item(root, "a", CFG_UINT)->v.u, 5);
	ck_assert(item(root, "b", CFG_BOOL)->v.b);
	ck_assert_str_eq((const char *)item(root, "c", CFG_STRING)->v.data, "x");
	ck_assert_ptr_null(cfg_find_item(root, "D"));
	ck_assert_ptr_nonnull(cfg_find_folder(root, "SUB"));
	ck_assert_uint_eq(root->nitems, 3);
	ck_assert_ptr_nonnull(root->folders[0]->comment); /* "ipaddr" and "end" lines */
	cfg_free(root);
	root = rd("declare root\ndeclare a\n}\n}\n");
	ck_assert_msg(root != NULL, "%s", err);
	cfg_free(root);
}
END_TEST

START_TEST(test_structure_errors)
{
	refused("declare root\n{\n\tdeclare Option\n\t{\n\t\tuint A 1\n",
		":6:1:", "expected \"}\" closing folder \"Option\" (declared at line 3)");
	refused("declare root\n{\n\tuint A 1", ":3:10:", "closing folder \"root\"");
	refused("declare root\n{\n}\n}\n", ":4:1:", "\"}\" without a matching \"declare\"");
	refused("}\n", ":1:1:", "without a matching");
	refused("", ":", "no \"root\" folder");
	refused(BOM, ":", "no \"root\" folder");
	refused("# only a comment\n\n", ":", "no \"root\" folder");
	refused("declare other\n{\n}\n", ":1:9:", "only the root folder may be at the top level");
	refused("declare root\n{\n}\ndeclare other\n{\n}\n", ":4:9:", "only the root folder");
	refused("uint A 1\ndeclare root\n{\n}\n", ":1:1:", "item outside the root folder");
	refused("declare root\n{\n}\nuint A 1\n", ":4:1:", "item outside the root folder");
	refused("declare\n", ":1:1:", "expected a folder name after \"declare\"");
	refused("declare root\n{\n\tuint Port\n}\n", ":3:2:", "expected \"uint NAME VALUE\"");
	refused("declare root\n{\n\tstring\n}\n", ":3:2:", "expected \"string NAME VALUE\"");
	refused("declare root\n{\n}\ndeclare ROOT\n{\n}\n",
		":4:9:", "duplicate folder \"ROOT\" (first at line 1)");
}
END_TEST

START_TEST(test_duplicates)
{
	refused("declare root\n{\n\tuint Port 1\n\tbool x true\n\tuint PORT 2\n}\n",
		":5:7:", "duplicate item \"PORT\" (first at line 3)");
	refused("declare root\n{\n\tdeclare Hub\n\t{\n\t}\n\tdeclare hub\n\t{\n\t}\n}\n",
		":6:10:", "duplicate folder \"hub\" (first at line 3)");
	/* a different type does not make it a different item */
	refused("declare root\n{\n\tuint A 1\n\tstring a x\n}\n", ":4:9:", "duplicate item");
	/* the earliest second occurrence is reported */
	refused("declare root\n{\nuint B 1\nuint Z 1\nuint B 2\nuint A 1\nuint A 2\nuint Z 3\n}\n",
		":5:6:", "duplicate item \"B\" (first at line 3)");
	/* an item and a folder may share a name (SoftEther keeps two lists) */
	rewrites_to("declare root\n{\ndeclare X\n{\n}\nuint X 1\n}\n",
		    "declare root\r\n{\r\n\tuint X 1\r\n\r\n\tdeclare X\r\n\t{\r\n\t}\r\n}\r\n");
}
END_TEST

START_TEST(test_non_ascii_names)
{
	struct cfg_folder *root = rd("declare root\n{\n\tuint \xc3\xa9mile 1\n\tuint \xc3\x89MILE "
				     "2\n\tuint Zo\xc3\xa9 3\n}\n");

	ck_assert_msg(root != NULL, "%s", err);
	/* only ASCII letters fold: "émile" and "ÉMILE" are two names, "éMILE" finds the first */
	ck_assert_uint_eq(item(root, "\xc3\xa9MILE", CFG_UINT)->v.u, 1);
	ck_assert_uint_eq(item(root, "\xc3\x89mile", CFG_UINT)->v.u, 2);
	ck_assert_uint_eq(item(root, "ZO\xc3\xa9", CFG_UINT)->v.u, 3);
	ck_assert_ptr_null(cfg_find_item(root, "ZO\xc3\x89"));
	cfg_free(root);
	refused("declare root\n{\n\tuint \xc3\xa9mile 1\n\tuint \xc3\xa9MILE 2\n}\n",
		":4:7:", "duplicate item");
}
END_TEST

START_TEST(test_name_bounds)
{
	char text[2048], name[300];
	struct cfg_folder *root;

	memset(name, 'n', 255);
	name[255] = '\0';
	snprintf(text, sizeof(text), "declare root\n{\nuint %s 1\n}\n", name);
	root = rd(text);
	ck_assert_msg(root != NULL, "%s", err);
	ck_assert_ptr_nonnull(cfg_find_item(root, name));
	cfg_free(root);
	snprintf(text, sizeof(text), "declare root\n{\nuint %sn 1\n}\n", name);
	refused(text, ":3:6:", "name longer than 255 bytes");
	/* the bound is on the unescaped name: 255 * "$41" is fine */
	strcpy(text, "declare root\n{\nuint ");
	for (int i = 0; i < 255; i++)
		strcat(text, "$41");
	strcat(text, " 1\n}\n");
	root = rd(text);
	ck_assert_msg(root != NULL, "%s", err);
	ck_assert_uint_eq(strlen(root->items[0]->name), 255);
	cfg_free(root);
	refused("declare root\n{\nuint a$00b 1\n}\n", ":3:6:", "NUL byte ($00) in a name");
}
END_TEST

START_TEST(test_value_bounds)
{
	size_t n = CFG_VALUE_MAX + 64;
	char *text = malloc(n);
	struct cfg_folder *root;
	size_t o;

	ck_assert_ptr_nonnull(text);
	o = (size_t)sprintf(text, "declare root\n{\nstring S ");
	memset(text + o, 'v', CFG_VALUE_MAX);
	strcpy(text + o + CFG_VALUE_MAX, "\n}\n");
	root = rd(text);
	ck_assert_msg(root != NULL, "%s", err);
	ck_assert_uint_eq(item(root, "S", CFG_STRING)->len, CFG_VALUE_MAX);
	cfg_free(root);
	strcpy(text + o + CFG_VALUE_MAX, "v\n}\n");
	refused(text, ":3:10:", "value longer than 1048576 bytes");
	free(text);
}
END_TEST

/* ---- values ---- */

static void uint_is(const char *value, uint32_t want)
{
	char text[256];
	struct cfg_folder *root;

	snprintf(text, sizeof(text), "declare root\n{\nuint U %s\n}\n", value);
	root = rd(text);
	ck_assert_msg(root != NULL, "%s: %s", value, err);
	ck_assert_uint_eq(item(root, "U", CFG_UINT)->v.u, want);
	cfg_free(root);
}

static void uint_refused(const char *value)
{
	char text[256];

	snprintf(text, sizeof(text), "declare root\n{\nuint U %s\n}\n", value);
	refused(text, ":3:8:", "expected a number from 0 to 4294967295");
}

START_TEST(test_uint)
{
	uint_is("0", 0);
	uint_is("4294967295", 4294967295u);
	uint_is("007", 7); /* leading zeros: decimal, not octal (SoftEther's ToInt) */
	uint_is("0000000000000000004294967295", 4294967295u);
	uint_is("0x10", 16);
	uint_is("0XfF", 255);
	uint_is("000x1f", 31);
	uint_is("0xFFFFFFFF", 4294967295u);
	uint_refused("4294967296");
	uint_refused("99999999999999999999999");
	uint_refused("0x100000000");
	uint_refused("0x");
	uint_refused("-1");
	uint_refused("+1");
	uint_refused("12abc");
	uint_refused("1e3");
	uint_refused("0xg");
	uint_refused("$31");
	refused("declare root\n{\nuint U 4294967296\n}\n", ":3:8:",
		"expected a number from 0 to 4294967295 (decimal or 0x hex), found \"4294967296\"");
}
END_TEST

START_TEST(test_uint64)
{
	struct cfg_folder *root = rd("declare root\n{\nuint64 A 18446744073709551615\nuint64 B "
				     "1,000,000\nuint64 C 0\nuint64 D 007\n}\n");

	ck_assert_msg(root != NULL, "%s", err);
	ck_assert(item(root, "A", CFG_UINT64)->v.u64 == UINT64_MAX);
	ck_assert(item(root, "B", CFG_UINT64)->v.u64 == 1000000);
	ck_assert(item(root, "C", CFG_UINT64)->v.u64 == 0);
	ck_assert(item(root, "D", CFG_UINT64)->v.u64 == 7);
	cfg_free(root);
	refused("declare root\n{\nuint64 A 18446744073709551616\n}\n",
		":3:10:", "expected a decimal number from 0 to 18446744073709551615");
	refused("declare root\n{\nuint64 A ,\n}\n", ":3:10:", "expected a decimal number");
	refused("declare root\n{\nuint64 A 0x10\n}\n", ":3:10:", "expected a decimal number");
	refused("declare root\n{\nuint64 A -5\n}\n", ":3:10:", "expected a decimal number");
}
END_TEST

START_TEST(test_bool)
{
	static const struct {
		const char *text;
		bool want;
	} ok[] = {{"true", true},	{"TRUE", true}, {"False", false}, {"false", false},
		  {"1", true},		{"0", false},	{"2", true},	  {"0x0", false},
		  {"4294967295", true}, {"00", false}};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char text[128];
		struct cfg_folder *root;

		snprintf(text, sizeof(text), "declare root\n{\nbool B %s\n}\n", ok[i].text);
		root = rd(text);
		ck_assert_msg(root != NULL, "%s: %s", ok[i].text, err);
		ck_assert_int_eq(item(root, "B", CFG_BOOL)->v.b, ok[i].want);
		cfg_free(root);
	}
	refused("declare root\n{\nbool B yes\n}\n", ":3:8:", "expected true, false or a number");
	refused("declare root\n{\nbool B truee\n}\n", ":3:8:", "expected true, false");
	refused("declare root\n{\nbool B 4294967296\n}\n", ":3:8:", "expected true, false");
	rewrites_to("declare root\n{\nbool B 7\nbool A FALSE\n}\n",
		    "declare root\r\n{\r\n\tbool A false\r\n\tbool B true\r\n}\r\n");
}
END_TEST

static void byte_is(const char *value, const char *want)
{
	char text[256];
	struct cfg_folder *root;
	const struct cfg_item *it;

	snprintf(text, sizeof(text), "declare root\n{\nbyte B %s\n}\n", value);
	root = rd(text);
	ck_assert_msg(root != NULL, "%s: %s", value, err);
	it = item(root, "B", CFG_BYTE);
	ck_assert_uint_eq(it->len, strlen(want));
	ck_assert_mem_eq(it->v.data, want, it->len);
	cfg_free(root);
}

START_TEST(test_base64)
{
	static const char *const bad[] = {"QQ",	  "QQ=",  "Q===", "====",  "QQ=A", "Q=Q=",
					  "QR==", "QUJ=", "QU!=", "QUJD=", "QUJ-", "QQ==QQ=="};

	byte_is("QQ==", "A");
	byte_is("QUI=", "AB");
	byte_is("QUJD", "ABC");
	byte_is("QUJDRA==", "ABCD");
	byte_is("QQ$3D$3d", "A"); /* SoftEther unescapes before decoding */
	byte_is("+/+/", "\xfb\xff\xbf");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[128];

		snprintf(text, sizeof(text), "declare root\n{\nbyte B %s\n}\n", bad[i]);
		refused(text, ":3:8:", "expected Base64");
	}
}
END_TEST

/* ---- writer ---- */

START_TEST(test_sort_order)
{
	/* upper-casing: 'L' (0x4C) < '_' (0x5F), so PacketLogSwitchType comes first */
	ck_assert_int_lt(cfg_name_cmp("PacketLogSwitchType", "PACKET_LOG_ARP"), 0);
	ck_assert_int_eq(cfg_name_cmp("packet_log_arp", "PACKET_LOG_ARP"), 0);
	/* bytes >= 0x80 are negative signed chars: UTF-8 sorts before ASCII and before the end */
	ck_assert_int_lt(cfg_name_cmp("\xc3\xa9mile", "Alice"), 0);
	ck_assert_int_lt(cfg_name_cmp("\xc3\xa9mile", "0"), 0);
	ck_assert_int_lt(cfg_name_cmp("A\xc3\xa9", "A"), 0);
	ck_assert_int_lt(cfg_name_cmp("A", "AB"), 0);
	ck_assert_int_gt(cfg_name_cmp("b", "A"), 0);
	rewrites_to("declare root\n{\n"
		    "uint PACKET_LOG_ARP 0\nuint PacketLogSwitchType 4\nuint packet_log_udp 0\n"
		    "declare zeta\n{\n}\ndeclare Alice\n{\n}\ndeclare \xc3\xa9mile\n{\n}\n"
		    "declare _x\n{\n}\ndeclare 10\n{\n}\ndeclare 9\n{\n}\n}\n",
		    "declare root\r\n{\r\n"
		    "\tuint PacketLogSwitchType 4\r\n\tuint PACKET_LOG_ARP 0\r\n"
		    "\tuint packet_log_udp 0\r\n\r\n"
		    "\tdeclare \xc3\xa9mile\r\n\t{\r\n\t}\r\n"
		    "\tdeclare 10\r\n\t{\r\n\t}\r\n"
		    "\tdeclare 9\r\n\t{\r\n\t}\r\n"
		    "\tdeclare Alice\r\n\t{\r\n\t}\r\n"
		    "\tdeclare zeta\r\n\t{\r\n\t}\r\n"
		    "\tdeclare _x\r\n\t{\r\n\t}\r\n}\r\n");
}
END_TEST

START_TEST(test_blank_line_rule)
{
	rewrites_to("declare root\n{\n}\n", "declare root\r\n{\r\n}\r\n");
	rewrites_to("declare root\n{\n\n\nuint A 1\n\n}\n",
		    "declare root\r\n{\r\n\tuint A 1\r\n}\r\n");
	rewrites_to(
	    "declare root\n{\ndeclare F\n{\n\n}\n\ndeclare G\n{\n}\n}\n",
	    "declare root\r\n{\r\n\tdeclare F\r\n\t{\r\n\t}\r\n\tdeclare G\r\n\t{\r\n\t}\r\n}"
	    "\r\n");
	rewrites_to("declare root\n{\ndeclare F\n{\nuint B 2\ndeclare G\n{\nbool C false\n}\n}\n"
		    "uint A 1\n}\n",
		    "declare root\r\n{\r\n\tuint A 1\r\n\r\n\tdeclare F\r\n\t{\r\n\t\tuint B 2\r\n"
		    "\r\n\t\tdeclare G\r\n\t\t{\r\n\t\t\tbool C false\r\n\t\t}\r\n\t}\r\n}\r\n");
}
END_TEST

START_TEST(test_canonical_from_setters)
{
	struct cfg_folder *root = cfg_new(), *hub;
	static const uint8_t hash[] = {0xf9, 0x6c, 0xea, 0x19};
	char *out;

	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(cfg_set_uint(root, "ConfigRevision", 3, err, sizeof(err)), 0);
	hub = cfg_add_folder(cfg_add_folder(root, "VirtualHUB", err, sizeof(err)), "DEFAULT", err,
			     sizeof(err));
	ck_assert_ptr_nonnull(hub);
	ck_assert_int_eq(cfg_set_bool(hub, "Online", true, err, sizeof(err)), 0);
	ck_assert_int_eq(cfg_set_uint64(hub, "CreatedTime", 1735689600000ull, err, sizeof(err)), 0);
	ck_assert_int_eq(cfg_set_byte(hub, "HashedPassword", hash, 4, err, sizeof(err)), 0);
	ck_assert_int_eq(cfg_set_string(hub, "Note", "a b", 3, err, sizeof(err)), 0);
	out = wr(root, NULL);
	ck_assert_str_eq(out,
			 BANNER "declare root\r\n{\r\n\tuint ConfigRevision 3\r\n\r\n"
				"\tdeclare VirtualHUB\r\n\t{\r\n\t\tdeclare DEFAULT\r\n\t\t{\r\n"
				"\t\t\tuint64 CreatedTime 1735689600000\r\n"
				"\t\t\tbyte HashedPassword +WzqGQ==\r\n"
				"\t\t\tstring Note a$20b\r\n\t\t\tbool Online true\r\n"
				"\t\t}\r\n\t}\r\n}\r\n");
	free(out);
	cfg_free(root);
}
END_TEST

START_TEST(test_comments_kept_in_place)
{
	const char *text = "# my own note above the root\n"
			   "declare root\n{\n"
			   "\t# why Z is 5\n\tuint Z 5\n"
			   "\t# folder comment\n\tdeclare Sub\n\t{\n"
			   "\t\t# end of Sub\n\t}\n"
			   "\t## two lines\n\t## about A\n\tuint A 1\n"
			   "\tipaddr Unknown 10.0.0.1\n"
			   "# trailing in root\n}\n"
			   "# after everything\n";
	const char *want = "# my own note above the root\r\n"
			   "declare root\r\n{\r\n"
			   "\t## two lines\r\n\t## about A\r\n\tuint A 1\r\n"
			   "\t# why Z is 5\r\n\tuint Z 5\r\n\r\n"
			   "\t# folder comment\r\n\tdeclare Sub\r\n\t{\r\n"
			   "\t\t# end of Sub\r\n\t}\r\n"
			   "\tipaddr Unknown 10.0.0.1\r\n"
			   "# trailing in root\r\n}\r\n"
			   "# after everything\r\n";
	struct cfg_folder *root = rd(text), *again;
	char *out, *out2;

	ck_assert_msg(root != NULL, "%s", err);
	ck_assert_ptr_nonnull(item(root, "Z", CFG_UINT)->comment);
	ck_assert_int_eq(strncmp(item(root, "Z", CFG_UINT)->comment->text, "\t# why Z is 5\r\n",
				 item(root, "Z", CFG_UINT)->comment->len),
			 0);
	rewrites_to(text, want);
	/* a setter keeps an item's comment; deleting the item drops it */
	ck_assert_int_eq(cfg_set_uint(root, "z", 6, err, sizeof(err)), 0);
	out = wr(root, NULL);
	ck_assert_ptr_nonnull(strstr(out, "\t# why Z is 5\r\n\tuint Z 6\r\n"));
	ck_assert_int_eq(cfg_delete(root, "Z"), 0);
	out2 = wr(root, NULL);
	ck_assert_ptr_null(strstr(out2, "why Z"));
	again = rd(out2);
	ck_assert(cfg_equal(root, again));
	cfg_free(again);
	cfg_free(root);
	free(out);
	free(out2);
}
END_TEST

START_TEST(test_banner_variants)
{
	static const char *const banners[] = {
	    BANNER,
	    "# Software Configuration File\n# \n# You can edit this file when the program is not "
	    "working.\n# \n",
	    "# SoftEther UT-VPN Software Configuration File\r\n# \r\n# You can edit this file when "
	    "the program is not working.\r\n# \r\n",
	};
	char text[1024], want[1024];

	for (size_t i = 0; i < sizeof(banners) / sizeof(banners[0]); i++) {
		snprintf(text, sizeof(text), "%sdeclare root\n{\nuint A 1\n}\n", banners[i]);
		rewrites_to(text, "declare root\r\n{\r\n\tuint A 1\r\n}\r\n");
	}
	/* a banner that is not one of SoftEther's is an ordinary comment */
	rewrites_to(
	    "# Software Configuration File\n# edited by hand\ndeclare root\n{\n}\n",
	    "# Software Configuration File\r\n# edited by hand\r\ndeclare root\r\n{\r\n}\r\n");
	/* only one banner is skipped; the second is kept, so re-reads stay stable */
	/* the second copy without its BOM */
	snprintf(text, sizeof(text), "%s%sdeclare root\n{\n}\n", BANNER, &BANNER[3]);
	snprintf(want, sizeof(want), "%sdeclare root\r\n{\r\n}\r\n", &BANNER[3]);
	rewrites_to(text, want);
}
END_TEST

/* tests/data, from this file's path (CMake compiles it by absolute path) */
static void data_path(const char *name, char *out, size_t cap)
{
	const char *slash = strrchr(__FILE__, '/');
	int dir = slash ? (int)(slash - __FILE__) : 0;

	snprintf(out, cap, "%.*s/../data/%s", dir, __FILE__, name);
	if (!slash || access(out, R_OK) != 0)
		snprintf(out, cap, "tests/data/%s", name);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_ptr_nonnull(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

/*
 * SoftEther's times: ExpireTime as SoftEther 5.01 wrote it for an expiry set
 * with vpncmd "UserExpiresSet alice /EXPIRES:\"2031/12/31 23:59:59\"" under
 * TZ=UTC (tests/data/migrate/make-softether-config.sh), shown by SoftEther
 * as 2031-12-31 23:59:59.
 */
START_TEST(test_softether_times)
{
	char path[4096];
	struct cfg_folder *root, *alice, *bob, *t;
	struct tm tm = {
	    .tm_year = 131, .tm_mon = 11, .tm_mday = 31, .tm_hour = 23, .tm_min = 59, .tm_sec = 59};
	uint64_t ms, want = (uint64_t)timegm(&tm) * 1000, stored;

	data_path("migrate/vpn_server.config", path, sizeof(path));
	ck_assert_int_eq(cfg_read_file(path, &root, err, sizeof(err)), 0);
	alice = cfg_find_folder(
	    cfg_find_folder(
		cfg_find_folder(cfg_find_folder(cfg_find_folder(root, "VirtualHUB"), "MIGRATE"),
				"SecurityAccountDatabase"),
		"UserList"),
	    "alice");
	ck_assert_ptr_nonnull(alice);
	ck_assert_int_eq(cfg_get_uint64(alice, "ExpireTime", 0, &stored, err, sizeof(err)), 0);
	ck_assert(stored == 1956495599000ULL);
	ck_assert_int_eq(cfg_get_time(alice, "ExpireTime", &ms, err, sizeof(err)), 0);
	ck_assert(ms == want && ms == 1956527999000ULL);
	/* "never" stays 0 both ways */
	bob = cfg_find_folder(alice->parent, "bob");
	ck_assert_int_eq(cfg_get_time(bob, "ExpireTime", &ms, err, sizeof(err)), 0);
	ck_assert(ms == 0);
	ck_assert_int_eq(cfg_get_time(bob, "NoSuchTime", &ms, err, sizeof(err)), 0);
	ck_assert(ms == 0);
	/* written back as SoftEther writes it */
	t = cfg_new();
	ck_assert_int_eq(cfg_set_time(t, "ExpireTime", want, err, sizeof(err)), 0);
	ck_assert_int_eq(cfg_set_time(t, "Never", 0, err, sizeof(err)), 0);
	ck_assert(item(t, "ExpireTime", CFG_UINT64)->v.u64 == 1956495599000ULL);
	ck_assert(item(t, "Never", CFG_UINT64)->v.u64 == 0);
	/* saturation instead of wrapping at both ends */
	ck_assert(cfg_time_to_file(1) == 1);
	ck_assert(cfg_time_to_file(CFG_TIME_OFFSET_MS) == 1);
	ck_assert(cfg_time_to_file(CFG_TIME_OFFSET_MS + 1) == 1);
	ck_assert(cfg_time_from_file(UINT64_MAX - 5) == UINT64_MAX);
	ck_assert(cfg_time_from_file(1) == CFG_TIME_OFFSET_MS + 1);
	/* and a type error is still an error */
	ck_assert_int_eq(cfg_set_string(t, "S", "x", 1, err, sizeof(err)), 0);
	ck_assert_int_eq(cfg_get_time(t, "S", &ms, err, sizeof(err)), -1);
	cfg_free(t);
	cfg_free(root);
}
END_TEST

START_TEST(test_sample_file)
{
	char path[4096], *text, *out;
	struct cfg_folder *root, *hub, *users, *alice, *again;
	const uint8_t *hash;
	uint8_t want[SHA0_LEN];
	const char *s;
	uint32_t u;
	size_t len, n, olen;

	data_path("vpn_server.config", path, sizeof(path));
	text = slurp(path, &len);
	ck_assert_int_eq(memcmp(text, BANNER, strlen(BANNER)), 0);
	ck_assert_int_eq(cfg_read_file(path, &root, err, sizeof(err)), 0);
	ck_assert_str_eq(root->source, path);
	hub = cfg_find_folder(cfg_find_folder(root, "VirtualHUB"), "default");
	ck_assert_ptr_nonnull(hub);
	ck_assert_int_eq(
	    cfg_get_uint(cfg_find_folder(hub, "Option"), "MaxSession", 0, &u, err, sizeof(err)), 0);
	ck_assert_uint_eq(u, 32);
	ck_assert_int_eq(cfg_get_string(cfg_find_folder(hub, "Option"), "VlanTypeId", "", &s, NULL,
					err, sizeof(err)),
			 0);
	ck_assert_str_eq(s, "0x8100");
	ck_assert_str_eq(cfg_find_folder(hub, "LogSetting")->items[0]->name, "PacketLogSwitchType");
	ck_assert_int_eq(cfg_get_string(cfg_find_folder(cfg_find_folder(hub, "AccessList"), "1"),
					"Note", "", &s, NULL, err, sizeof(err)),
			 0);
	ck_assert_str_eq(s, "Deny SMB from staff");
	users = cfg_find_folder(cfg_find_folder(hub, "SecurityAccountDatabase"), "UserList");
	ck_assert_str_eq(users->folders[0]->name, "\xc3\xa9mile"); /* UTF-8 sorts first */
	alice = cfg_find_folder(users, "ALICE");
	ck_assert_int_eq(cfg_get_uint(alice, "AuthType", 0, &u, err, sizeof(err)), 0);
	ck_assert_uint_eq(u, 1);
	ck_assert_int_eq(cfg_get_byte(alice, "AuthPassword", &hash, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, SHA0_LEN);
	sha0("secretALICE", 11, want); /* SHA-0(password || UPPER(username)) */
	ck_assert_mem_eq(hash, want, SHA0_LEN);
	ck_assert_int_eq(cfg_get_byte(cfg_find_folder(users, "\xc3\xa9MILE"), "AuthPassword", &hash,
				      &n, err, sizeof(err)),
			 0);
	sha0("motdepasse\xc3\xa9MILE", 16, want);
	ck_assert_mem_eq(hash, want, SHA0_LEN);
	ck_assert_ptr_nonnull(cfg_find_folder(
	    cfg_find_folder(
		cfg_find_folder(cfg_find_folder(hub, "SecurityAccountDatabase"), "GroupList"),
		"staff"),
	    "Policy"));
	/* the unmodified text round-trips byte for byte */
	out = wr(root, &olen);
	ck_assert_uint_eq(olen, len);
	ck_assert_int_eq(memcmp(out, text, len), 0);
	again = rd(out);
	ck_assert(cfg_equal(root, again));
	cfg_free(again);
	cfg_free(root);
	free(out);
	free(text);
}
END_TEST

/* ---- tree API ---- */

START_TEST(test_getters)
{
	struct cfg_folder *root =
	    rd("declare root\n{\n\tuint Port 443\n\tstring Name a$00b\n\tbool On true\n"
	       "\tuint64 Big 5\n\tbyte Key QUI=\n}\n");
	const uint8_t *b;
	const char *s;
	uint32_t u;
	uint64_t u64;
	bool on;
	size_t n;
	char where[256];

	ck_assert_msg(root != NULL, "%s", err);
	ck_assert_int_eq(cfg_get_uint(root, "port", 1, &u, err, sizeof(err)), 0);
	ck_assert_uint_eq(u, 443);
	ck_assert_int_eq(cfg_get_uint(root, "Missing", 7, &u, err, sizeof(err)), 0);
	ck_assert_uint_eq(u, 7);
	ck_assert_int_eq(cfg_get_uint(NULL, "Port", 9, &u, err, sizeof(err)), 0);
	ck_assert_uint_eq(u, 9);
	ck_assert_int_eq(cfg_get_uint(root, "Name", 1, &u, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.cfg:4:9: item \"Name\" is a string, expected uint");
	ck_assert_int_eq(cfg_get_string(root, "Name", NULL, &s, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_mem_eq(s, "a\0b", 3);
	ck_assert_int_eq(cfg_get_string(root, "None", "dflt", &s, &n, err, sizeof(err)), 0);
	ck_assert_str_eq(s, "dflt");
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(cfg_get_bool(root, "On", false, &on, err, sizeof(err)), 0);
	ck_assert(on);
	ck_assert_int_eq(cfg_get_bool(root, "Port", false, &on, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "is a uint, expected bool"));
	ck_assert_int_eq(cfg_get_uint64(root, "Big", 0, &u64, err, sizeof(err)), 0);
	ck_assert(u64 == 5);
	ck_assert_int_eq(cfg_get_uint64(root, "Port", 0, &u64, err, sizeof(err)), -1);
	ck_assert_int_eq(cfg_get_byte(root, "Key", &b, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_mem_eq(b, "AB", 2);
	ck_assert_int_eq(cfg_get_byte(root, "Nope", &b, &n, err, sizeof(err)), 0);
	ck_assert_ptr_null(b);
	ck_assert_int_eq(cfg_get_byte(root, "Port", &b, &n, err, sizeof(err)), -1);
	cfg_item_where(cfg_find_item(root, "On"), where, sizeof(where));
	ck_assert_str_eq(where, "t.cfg:5:7");
	cfg_folder_where(root, where, sizeof(where));
	ck_assert_str_eq(where, "t.cfg:1:9");
	ck_assert_uint_eq(cfg_find_item(root, "On")->value_col, 10);
	ck_assert_ptr_null(cfg_find_folder(NULL, "x"));
	ck_assert_str_eq(cfg_type_name(CFG_UINT64), "uint64");
	cfg_free(root);
}
END_TEST

START_TEST(test_setters_and_delete)
{
	struct cfg_folder *root = cfg_new(), *f, *g;
	char name[300], where[64];
	uint32_t u;

	ck_assert_int_eq(cfg_set_uint(root, "B", 1, err, sizeof(err)), 0);
	ck_assert_int_eq(cfg_set_uint(root, "a", 2, err, sizeof(err)), 0);
	ck_assert_int_eq(cfg_set_uint(root, "C", 3, err, sizeof(err)), 0);
	ck_assert_str_eq(root->items[0]->name, "a");
	ck_assert_str_eq(root->items[2]->name, "C");
	/* replacing keeps the name's spelling and may change the type */
	ck_assert_int_eq(cfg_set_string(root, "b", "x", 1, err, sizeof(err)), 0);
	ck_assert_uint_eq(root->nitems, 3);
	ck_assert_str_eq(root->items[1]->name, "B");
	ck_assert_int_eq(root->items[1]->type, CFG_STRING);
	ck_assert_int_eq(cfg_set_uint(root, "b", 4, err, sizeof(err)), 0);
	ck_assert_int_eq(cfg_get_uint(root, "B", 0, &u, err, sizeof(err)), 0);
	ck_assert_uint_eq(u, 4);
	cfg_item_where(root->items[1], where, sizeof(where));
	ck_assert_str_eq(where, "(new)");
	/* names: 1..255 bytes */
	ck_assert_int_eq(cfg_set_uint(root, "", 1, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "1 to 255 bytes"));
	memset(name, 'x', 256);
	name[256] = '\0';
	ck_assert_int_eq(cfg_set_uint(root, name, 1, err, sizeof(err)), -1);
	ck_assert_ptr_null(cfg_add_folder(root, name, err, sizeof(err)));
	ck_assert_int_eq(cfg_set_string(root, "S", name, CFG_VALUE_MAX + 1, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "at most 1048576 bytes"));
	/* folders: get-or-create, depth bound */
	f = cfg_add_folder(root, "Hub", err, sizeof(err));
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_eq(cfg_add_folder(root, "HUB", err, sizeof(err)), f);
	g = f;
	for (int d = 3; d <= CFG_DEPTH_MAX; d++) {
		g = cfg_add_folder(g, "d", err, sizeof(err));
		ck_assert_ptr_nonnull(g);
	}
	ck_assert_ptr_null(cfg_add_folder(g, "d", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "deeper than 64"));
	/* delete */
	ck_assert_int_eq(cfg_delete_item(root, "A"), 0);
	ck_assert_int_eq(cfg_delete_item(root, "A"), -1);
	ck_assert_int_eq(cfg_delete_folder(root, "hub"), 0);
	ck_assert_ptr_null(cfg_find_folder(root, "Hub"));
	ck_assert_int_eq(cfg_delete(root, "nothing"), -1);
	ck_assert_int_eq(cfg_delete(NULL, "x"), -1);
	ck_assert_uint_eq(root->nitems, 2);
	ck_assert_uint_eq(root->nfolders, 0);
	cfg_free(root);
	cfg_free(NULL);
}
END_TEST

struct walk_log {
	char buf[2048];
	int calls, stop_at;
};

static int log_path(void *ctx, const char *path, const struct cfg_folder *f,
		    const struct cfg_item *it)
{
	struct walk_log *w = ctx;

	ck_assert_ptr_nonnull(f);
	strcat(w->buf, it ? "I " : "F ");
	strcat(w->buf, path);
	strcat(w->buf, "\n");
	return ++w->calls == w->stop_at ? 42 : 0;
}

START_TEST(test_walk)
{
	struct cfg_folder *root =
	    rd("declare root\n{\nuint Z 1\ndeclare VirtualHUB\n{\ndeclare DEFAULT\n{\n"
	       "declare Option\n{\nuint Foo 1\nuint Bar$20baz 2\n}\n}\n}\nuint A 1\n}\n");
	struct walk_log w = {.stop_at = -1};

	ck_assert_msg(root != NULL, "%s", err);
	ck_assert_int_eq(cfg_walk(root, log_path, &w), 0);
	ck_assert_str_eq(w.buf, "F root\nI root/A\nI root/Z\nF root/VirtualHUB\n"
				"F root/VirtualHUB/DEFAULT\nF root/VirtualHUB/DEFAULT/Option\n"
				"I root/VirtualHUB/DEFAULT/Option/Bar$20baz\n"
				"I root/VirtualHUB/DEFAULT/Option/Foo\n");
	memset(&w, 0, sizeof(w));
	w.stop_at = 3;
	ck_assert_int_eq(cfg_walk(root, log_path, &w), 42);
	ck_assert_int_eq(w.calls, 3);
	cfg_free(root);
}
END_TEST

/* ---- bounds, garbage, truncation ---- */

START_TEST(test_depth_bound)
{
	size_t cap = 10000 * 16 + 64, o = 0;
	char *text = malloc(cap);
	struct cfg_folder *root;
	double t0;

	ck_assert_ptr_nonnull(text);
	o += (size_t)sprintf(text, "declare root\n{\n");
	for (int i = 1; i < 10000; i++)
		o += (size_t)sprintf(text + o, "declare d\n{\n");
	t0 = now();
	refused(text, ":129:1:", "folders nested deeper than 64");
	ck_assert(now() - t0 < 1.0);
	/* exactly 64 levels are fine */
	o = (size_t)sprintf(text, "declare root\n{\n");
	for (int i = 1; i < CFG_DEPTH_MAX; i++)
		o += (size_t)sprintf(text + o, "declare d\n{\n");
	for (int i = 0; i < CFG_DEPTH_MAX; i++)
		o += (size_t)sprintf(text + o, "}\n");
	root = rd(text);
	ck_assert_msg(root != NULL, "%s", err);
	ck_assert_uint_eq(root->folders[0]->folders[0]->pos.line, 5);
	cfg_free(root);
	free(text);
}
END_TEST

static long max_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* "declare root { uint ItemNNNNNNN N ... }" with n items. */
static char *many_items(size_t n, size_t *len)
{
	char *text = malloc(n * 32 + 64);
	size_t o;

	ck_assert_ptr_nonnull(text);
	o = (size_t)sprintf(text, "declare root\r\n{\r\n");
	for (size_t i = 0; i < n; i++)
		o += (size_t)sprintf(text + o, "\tuint Item%07zu %zu\r\n", i, i);
	o += (size_t)sprintf(text + o, "}\r\n");
	*len = o;
	return text;
}

START_TEST(test_million_items)
{
	size_t len, olen;
	char *text = many_items(1000000, &len), *out;
	struct cfg_folder *root;
	long rss0 = max_rss_kib();
	double t0 = now(), t1;

	ck_assert_int_eq(cfg_read_text(text, len, "big.cfg", &root, err, sizeof(err)), 0);
	t1 = now() - t0;
	ck_assert_uint_eq(root->nitems, 1000000);
	ck_assert_uint_eq(item(root, "ITEM0999999", CFG_UINT)->v.u, 999999);
	ck_assert_int_eq(cfg_write_text(root, &out, &olen), 0);
	ck_assert_uint_eq(olen, len + strlen(BANNER));
	ck_assert_int_eq(memcmp(out + strlen(BANNER), text, len), 0);
	free(out);
	cfg_free(root);
	fprintf(stderr, "cfg: 1,000,000 items (%zu bytes) read in %.2f s, peak RSS +%ld MiB\n", len,
		t1, (max_rss_kib() - rss0) / 1024);
	ck_assert_int_lt(max_rss_kib() - rss0, 1024 * 1024);
	free(text);
}
END_TEST

START_TEST(test_node_bound)
{
	size_t len;
	char *text = many_items(CFG_NODES_MAX, &len); /* + root = one too many */
	struct cfg_folder *root;

	ck_assert_int_eq(cfg_read_text(text, len, "big.cfg", &root, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "big.cfg:2000002:2: more than 2000000 items and folders");
	free(text);
}
END_TEST

START_TEST(test_file_size_bound)
{
	char *text = calloc(1, (size_t)CFG_FILE_MAX + 1);
	struct cfg_folder *root;

	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(cfg_read_text(text, CFG_FILE_MAX + 1, "t.cfg", &root, err, sizeof(err)),
			 -1);
	ck_assert_str_eq(err, "t.cfg: file is larger than 67108864 bytes");
	ck_assert_int_eq(cfg_read(text, CFG_FILE_MAX + 1, "t.cfg", &root, err, sizeof(err)), -1);
	free(text);
}
END_TEST

START_TEST(test_truncated_text)
{
	char path[4096], *text;
	size_t len, ok = 0;
	struct cfg_folder *root;

	data_path("vpn_server.config", path, sizeof(path));
	text = slurp(path, &len);
	for (size_t n = 0; n < len; n++) {
		char *copy = malloc(n ? n : 1); /* exact size, so ASan sees any over-read */

		memcpy(copy, text, n);
		if (cfg_read_text(copy, n, "cut.cfg", &root, err, sizeof(err)) == 0) {
			ok++;
			cfg_free(root);
		} else {
			ck_assert_int_eq(strncmp(err, "cut.cfg", 7), 0);
		}
		free(copy);
	}
	ck_assert_uint_eq(ok, 2); /* cut after "}\r" or after the final "}" */
	free(text);
}
END_TEST

START_TEST(test_text_garbage)
{
	uint32_t seed = 12345;

	for (int round = 0; round < 2000; round++) {
		static const char alphabet[] =
		    "declare root{}\n\r\t $0aFuint64 bool string byte x=#";
		char buf[512];
		size_t n = (size_t)(seed % sizeof(buf));
		struct cfg_folder *root;

		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			buf[i] = (seed >> 24) % 4 ? alphabet[(seed >> 16) % (sizeof(alphabet) - 1)]
						  : (char)(seed >> 8);
		}
		if (cfg_read_text(buf, n, "g.cfg", &root, err, sizeof(err)) == 0) {
			char *out = wr(root, &n);
			struct cfg_folder *again = rd(out);

			ck_assert(cfg_equal(root, again));
			cfg_free(again);
			cfg_free(root);
			free(out);
		}
		seed = seed * 1103515245 + 12345;
	}
}
END_TEST

/* ---- binary ---- */

struct bbuf {
	uint8_t p[4096];
	size_t len;
};

static void b_raw(struct bbuf *b, const void *s, size_t n)
{
	ck_assert_uint_le(b->len + n, sizeof(b->p));
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void b_u32(struct bbuf *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};

	b_raw(b, x, 4);
}

static void b_u64(struct bbuf *b, uint64_t v)
{
	b_u32(b, (uint32_t)(v >> 32));
	b_u32(b, (uint32_t)v);
}

static void b_str(struct bbuf *b, const char *s) /* WriteBufStr: len + 1, then len bytes */
{
	b_u32(b, (uint32_t)strlen(s) + 1);
	b_raw(b, s, strlen(s));
}

static void b_start(struct bbuf *b)
{
	b->len = 0;
	b_raw(b, "SEVPN_DB", 8);
	b_raw(b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20);
}

static void b_seal(struct bbuf *b)
{
	sha0(b->p + 28, b->len - 28, b->p + 8);
}

/* root { uint ConfigRevision 7; VirtualHUB { DEFAULT { Online, Note, Key, Created } } } */
static void b_sample(struct bbuf *b)
{
	b_start(b);
	b_str(b, "root");
	b_u32(b, 1); /* sub-folders first */
	b_str(b, "VirtualHUB");
	b_u32(b, 1);
	b_str(b, "DEFAULT");
	b_u32(b, 0);
	b_u32(b, 4);
	b_str(b, "CreatedTime");
	b_u32(b, 2);
	b_u64(b, 1735689600000ull);
	b_str(b, "HashedPassword");
	b_u32(b, 3);
	b_u32(b, 3);
	b_raw(b, "\x01\x02\x03", 3);
	b_str(b, "Note");
	b_u32(b, 4);
	b_u32(b, 6);
	b_raw(b, "a b\xc3\xa9$", 6);
	b_str(b, "Online");
	b_u32(b, 5);
	b_u32(b, 1);
	b_u32(b, 0); /* VirtualHUB items */
	b_u32(b, 1); /* root items */
	b_str(b, "ConfigRevision");
	b_u32(b, 1);
	b_u32(b, 7);
	b_seal(b);
}

START_TEST(test_binary_read)
{
	struct bbuf b;
	struct cfg_folder *root, *text;
	char *out;

	b_sample(&b);
	ck_assert_int_eq(cfg_read(b.p, b.len, "bin.cfg", &root, err, sizeof(err)), 0);
	ck_assert_str_eq(root->source, "bin.cfg");
	ck_assert_uint_eq(root->items[0]->pos.line, 0);
	out = wr(root, NULL);
	ck_assert_str_eq(out + strlen(BANNER),
			 "declare root\r\n{\r\n\tuint ConfigRevision 7\r\n\r\n"
			 "\tdeclare VirtualHUB\r\n\t{\r\n\t\tdeclare DEFAULT\r\n\t\t{\r\n"
			 "\t\t\tuint64 CreatedTime 1735689600000\r\n"
			 "\t\t\tbyte HashedPassword AQID\r\n"
			 "\t\t\tstring Note a$20b\xc3\xa9$24\r\n\t\t\tbool Online true\r\n"
			 "\t\t}\r\n\t}\r\n}\r\n");
	text = rd(out);
	ck_assert(cfg_equal(root, text));
	cfg_free(text);
	cfg_free(root);
	free(out);
}
END_TEST

START_TEST(test_binary_checksum)
{
	struct bbuf b;
	struct cfg_folder *root;

	b_sample(&b);
	b.p[40] ^= 1;
	ck_assert_int_eq(cfg_read(b.p, b.len, "bin.cfg", &root, err, sizeof(err)), -1);
	ck_assert_ptr_null(root);
	ck_assert_str_eq(err, "bin.cfg: checksum mismatch (the file is damaged)");
	b_sample(&b);
	b.p[8] ^= 0x80;
	ck_assert_int_eq(cfg_read_bin(b.p, b.len, "bin.cfg", &root, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "checksum mismatch"));
	ck_assert_int_eq(cfg_read_bin("SEVPN_DB\0\0", 10, "bin.cfg", &root, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "truncated"));
	ck_assert_int_eq(cfg_read_bin("declare", 7, "bin.cfg", &root, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a binary configuration"));
}
END_TEST

/* Seals b and expects the binary reader to refuse it saying want. */
static void bin_refused(struct bbuf *b, const char *want)
{
	struct cfg_folder *root;

	b_seal(b);
	ck_assert_int_eq(cfg_read_bin(b->p, b->len, "bin.cfg", &root, err, sizeof(err)), -1);
	ck_assert_ptr_null(root);
	ck_assert_msg(strstr(err, want) != NULL, "\"%s\" does not say \"%s\"", err, want);
}

START_TEST(test_binary_bounds)
{
	struct cfg_folder *root;
	struct bbuf b;

	b_start(&b);
	b_str(&b, "root");
	b_u32(&b, 0xffffffff);
	bin_refused(&b, "4294967295 folders cannot fit in the 0 bytes left");
	b_start(&b);
	b_str(&b, "root");
	b_u32(&b, 0);
	b_u32(&b, 1);
	b_str(&b, "X");
	b_u32(&b, 9);
	b_u32(&b, 0);
	b_raw(&b, "\0\0\0\0\0", 5);
	bin_refused(&b, "unknown item type 9");
	b_start(&b);
	b_u32(&b, 0);
	bin_refused(&b, "offset 28: name length field 0");
	b_start(&b);
	b_str(&b, "");
	bin_refused(&b, "name length field 1");
	b_start(&b);
	b_u32(&b, 300);
	bin_refused(&b, "name of 299 bytes, longer than 255");
	b_start(&b);
	b_u32(&b, 5000);
	b_raw(&b, "root", 4);
	bin_refused(&b, "name of 4999 bytes");
	b_start(&b);
	b_u32(&b, 3);
	b_raw(&b, "r\0", 2);
	b_u32(&b, 0);
	b_u32(&b, 0);
	bin_refused(&b, "NUL byte in a name");
	b_start(&b);
	b_str(&b, "notroot");
	b_u32(&b, 0);
	b_u32(&b, 0);
	bin_refused(&b, "top folder \"notroot\", expected \"root\"");
	b_start(&b);
	b_str(&b, "root");
	b_u32(&b, 0);
	b_u32(&b, 0);
	b_u32(&b, 0);
	bin_refused(&b, "offset 44: 4 bytes after the root folder");
	b_start(&b);
	b_str(&b, "root");
	b_u32(&b, 0);
	b_u32(&b, 1);
	b_str(&b, "S");
	b_u32(&b, 4);
	b_u32(&b, 100);
	b_raw(&b, "abc", 3);
	b_raw(&b, "0123456789", 10);
	bin_refused(&b, "truncated: a value needs 100 bytes, 13 left");
	b_start(&b);
	b_str(&b, "root");
	b_u32(&b, 0);
	b_u32(&b, 2);
	for (int i = 0; i < 2; i++) {
		b_str(&b, i ? "PORT" : "Port");
		b_u32(&b, 1);
		b_u32(&b, 443);
	}
	bin_refused(&b, "bin.cfg: duplicate item \"PORT\" in folder \"root\"");
	/* depth: 65 nested folders */
	b_start(&b);
	for (int i = 0; i < 65; i++) {
		b_str(&b, i ? "d" : "root");
		b_u32(&b, i < 64 ? 1 : 0);
	}
	for (int i = 0; i < 65; i++)
		b_u32(&b, 0);
	bin_refused(&b, "folders nested deeper than 64");
	/* 64 are fine */
	b_start(&b);
	for (int i = 0; i < 64; i++) {
		b_str(&b, i ? "d" : "root");
		b_u32(&b, i < 63 ? 1 : 0);
	}
	for (int i = 0; i < 64; i++)
		b_u32(&b, 0);
	b_seal(&b);
	ck_assert_int_eq(cfg_read_bin(b.p, b.len, "bin.cfg", &root, err, sizeof(err)), 0);
	cfg_free(root);
}
END_TEST

START_TEST(test_binary_garbage_and_truncation)
{
	struct bbuf b, full;
	struct cfg_folder *root;
	uint32_t seed = 99;

	b_sample(&full);
	for (size_t n = 28; n < full.len; n++) { /* every truncation, checksum made right */
		memcpy(b.p, full.p, n);
		b.len = n;
		b_seal(&b);
		ck_assert_int_eq(cfg_read_bin(b.p, b.len, "bin.cfg", &root, err, sizeof(err)), -1);
	}
	for (int round = 0; round < 5000; round++) { /* random bodies behind a valid checksum */
		size_t n;

		b_start(&b);
		seed = seed * 1103515245 + 12345;
		n = seed % 200;
		memcpy(b.p + 28, full.p + 28, full.len - 28);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			b.p[28 + (seed >> 8) % (full.len - 28)] = (uint8_t)(seed >> 20);
		}
		b.len = full.len - (seed % 3 == 0 ? seed % 16 : 0);
		b_seal(&b);
		if (cfg_read_bin(b.p, b.len, "bin.cfg", &root, err, sizeof(err)) == 0) {
			char *out = wr(root, &n);
			struct cfg_folder *again = rd(out);

			ck_assert_msg(again && cfg_equal(root, again), "%s", err);
			cfg_free(again);
			cfg_free(root);
			free(out);
		}
	}
}
END_TEST

START_TEST(test_read_file)
{
	char dir[] = "/tmp/cfgtestXXXXXX", path[64];
	struct cfg_folder *root;
	struct bbuf b;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bin.config", dir);
	b_sample(&b);
	f = fopen(path, "wb");
	fwrite(b.p, 1, b.len, f);
	fclose(f);
	ck_assert_int_eq(cfg_read_file(path, &root, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(cfg_find_folder(root, "VirtualHUB"));
	cfg_free(root);
	f = fopen(path, "wb");
	fputs("declare root\n{\nuint A x\n}\n", f);
	fclose(f);
	ck_assert_int_eq(cfg_read_file(path, &root, err, sizeof(err)), -1);
	ck_assert_int_eq(strncmp(err, path, strlen(path)), 0);
	ck_assert_ptr_nonnull(strstr(err, ":3:8: expected a number"));
	unlink(path);
	ck_assert_int_eq(cfg_read_file(path, &root, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
	ck_assert_int_eq(cfg_read_file(dir, &root, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	rmdir(dir);
}
END_TEST

Suite *cfg_suite(void)
{
	Suite *s = suite_create("cfg");
	TCase *text = tcase_create("text");
	TCase *writer = tcase_create("writer");
	TCase *api = tcase_create("api");
	TCase *bounds = tcase_create("bounds");
	TCase *bin = tcase_create("binary");

	tcase_add_test(text, test_every_escape_read);
	tcase_add_test(text, test_every_escape_write);
	tcase_add_test(text, test_escaped_names_and_values);
	tcase_add_test(text, test_empty_dollar);
	tcase_add_test(text, test_dangling_and_bad_escapes);
	tcase_add_test(text, test_crlf_lf_bom);
	tcase_add_test(text, test_keywords_and_ignored_lines);
	tcase_add_test(text, test_structure_errors);
	tcase_add_test(text, test_duplicates);
	tcase_add_test(text, test_non_ascii_names);
	tcase_add_test(text, test_name_bounds);
	tcase_add_test(text, test_value_bounds);
	tcase_add_test(text, test_uint);
	tcase_add_test(text, test_uint64);
	tcase_add_test(text, test_bool);
	tcase_add_test(text, test_base64);
	suite_add_tcase(s, text);

	tcase_add_test(writer, test_sort_order);
	tcase_add_test(writer, test_blank_line_rule);
	tcase_add_test(writer, test_canonical_from_setters);
	tcase_add_test(writer, test_comments_kept_in_place);
	tcase_add_test(writer, test_banner_variants);
	tcase_add_test(writer, test_sample_file);
	suite_add_tcase(s, writer);

	tcase_add_test(api, test_getters);
	tcase_add_test(api, test_softether_times);
	tcase_add_test(api, test_setters_and_delete);
	tcase_add_test(api, test_walk);
	tcase_add_test(api, test_read_file);
	suite_add_tcase(s, api);

	tcase_add_test(bounds, test_depth_bound);
	tcase_add_test(bounds, test_million_items);
	tcase_add_test(bounds, test_node_bound);
	tcase_add_test(bounds, test_file_size_bound);
	tcase_add_test(bounds, test_truncated_text);
	tcase_add_test(bounds, test_text_garbage);
	tcase_set_timeout(bounds, 60);
	suite_add_tcase(s, bounds);

	tcase_add_test(bin, test_binary_read);
	tcase_add_test(bin, test_binary_checksum);
	tcase_add_test(bin, test_binary_bounds);
	tcase_add_test(bin, test_binary_garbage_and_truncation);
	suite_add_tcase(s, bin);
	return s;
}
