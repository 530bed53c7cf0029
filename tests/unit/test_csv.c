/* maat_csv: dialects, line numbers, errors with their lines, encodings, numbers. Every input is
 * written out here byte for byte, so each expected line number can be counted by eye. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/csv.h"
#include "maatlat/util.h"

/* one reader over an in-memory file; the FILE stays open until closed */
typedef struct {
	FILE *f;
	maat_csv *r;
	maat_err err;
} src;

static void
src_open_n(src *s, const char *text, size_t n, const char *encoding)
{
	maat_csv_opts o = {.sep = 0, .encoding = encoding, .path = "t.csv"};
	memset(s, 0, sizeof(*s));
	s->f = fmemopen((void *)text, n, "r");
	assert_non_null(s->f);
	s->r = maat_csv_open(s->f, &o, &s->err);
}

static void
src_open(src *s, const char *text)
{
	src_open_n(s, text, strlen(text), NULL);
}

static void
src_close(src *s)
{
	maat_csv_free(s->r);
	fclose(s->f);
}

/* Reads the next record and checks its start line and its fields, given as one string joined by
 * '|'. */
static void
expect(src *s, int64_t line, const char *joined)
{
	maat_buf b = {0};
	int rc = maat_csv_next(s->r, &s->err);
	if (rc != 1) {
		fail_msg("expected a record at line %lld, got %d (%s)", (long long)line, rc,
			 s->err.msg);
	}
	for (size_t i = 0; i < maat_csv_nfields(s->r); i++) {
		if (i > 0) {
			maat_buf_append(&b, "|", 1);
		}
		maat_buf_append(&b, maat_csv_field(s->r, i), maat_csv_field_len(s->r, i));
		assert_int_equal(strlen(maat_csv_field(s->r, i)), maat_csv_field_len(s->r, i));
	}
	assert_string_equal(b.data ? b.data : "", joined);
	assert_int_equal(maat_csv_line(s->r), line);
	maat_buf_fini(&b);
}

static void
expect_end(src *s)
{
	assert_int_equal(maat_csv_next(s->r, &s->err), 0);
	/* and it stays at the end */
	assert_int_equal(maat_csv_next(s->r, &s->err), 0);
}

static void
expect_error(src *s, const char *msg)
{
	int rc = maat_csv_next(s->r, &s->err);
	assert_int_equal(rc, -MAAT_E_DATA);
	assert_int_equal(s->err.code, MAAT_E_DATA);
	assert_string_equal(s->err.msg, msg);
	/* errors are sticky: the reader does not resynchronise in the middle of a broken file */
	memset(&s->err, 0, sizeof(s->err));
	assert_int_equal(maat_csv_next(s->r, &s->err), -MAAT_E_DATA);
	assert_string_equal(s->err.msg, msg);
}

static void
test_csv_basic_comma(void **state)
{
	src s;
	src_open(&s, "a,b,c\n1,2,3\n4,,6\n");
	assert_non_null(s.r);
	assert_int_equal(maat_csv_separator(s.r), ',');
	/* no current record before the first maat_csv_next() */
	assert_int_equal(maat_csv_nfields(s.r), 0);
	assert_null(maat_csv_field(s.r, 0));
	assert_int_equal(maat_csv_line(s.r), 0);
	expect(&s, 1, "a|b|c");
	expect(&s, 2, "1|2|3");
	expect(&s, 3, "4||6");
	assert_int_equal(maat_csv_nfields(s.r), 3);
	assert_null(maat_csv_field(s.r, 3));
	expect_end(&s);
	src_close(&s);
}

static void
test_csv_last_line_without_newline(void **state)
{
	src s;
	src_open(&s, "a,b\n1,2");
	expect(&s, 1, "a|b");
	expect(&s, 2, "1|2");
	expect_end(&s);
	src_close(&s);
	/* a closed quote at the very end */
	src_open(&s, "a\n\"x,y\"");
	expect(&s, 1, "a");
	expect(&s, 2, "x,y");
	expect_end(&s);
	src_close(&s);
}

static void
test_csv_sniff_semicolon(void **state)
{
	src s;
	/* Dutch Excel: ';' separates, ',' is the decimal comma */
	src_open(&s, "naam;bedrag\nJan;1,5\n");
	assert_int_equal(maat_csv_separator(s.r), ';');
	expect(&s, 1, "naam|bedrag");
	expect(&s, 2, "Jan|1,5");
	expect_end(&s);
	src_close(&s);
}

static void
test_csv_sniff_tab(void **state)
{
	src s;
	src_open(&s, "id\tnaam, voornaam\tfunctie\n1\tJansen, Piet\tdirecteur\n");
	assert_int_equal(maat_csv_separator(s.r), '\t');
	expect(&s, 1, "id|naam, voornaam|functie");
	expect(&s, 2, "1|Jansen, Piet|directeur");
	src_close(&s);
}

static void
test_csv_sniff_both(void **state)
{
	src s;
	/* the commas are inside quotes: 2 ';' against 0 ',' outside quotes */
	src_open(&s, "naam;\"functie, titel\";bedrag\nJan;\"a, b\";1,5\n");
	assert_int_equal(maat_csv_separator(s.r), ';');
	expect(&s, 1, "naam|functie, titel|bedrag");
	expect(&s, 2, "Jan|a, b|1,5");
	src_close(&s);
	/* 3 ',' against 1 ';': comma wins */
	src_open(&s, "a,b;c,d,e\n");
	assert_int_equal(maat_csv_separator(s.r), ',');
	expect(&s, 1, "a|b;c|d|e");
	src_close(&s);
	/* 1 against 1: the tie goes to ';' (Dutch Excel) */
	src_open(&s, "a;b,c\n");
	assert_int_equal(maat_csv_separator(s.r), ';');
	expect(&s, 1, "a|b,c");
	src_close(&s);
	/* sniffed on the first non-blank line, not on a later one */
	src_open(&s, "\n\nx;y\na,b,c,d\n");
	assert_int_equal(maat_csv_separator(s.r), ';');
	expect(&s, 3, "x|y");
	expect(&s, 4, "a,b,c,d");
	src_close(&s);
	/* no separator at all: one column, read as ',' */
	src_open(&s, "naam\nJan\n");
	assert_int_equal(maat_csv_separator(s.r), ',');
	src_close(&s);
}

static void
test_csv_explicit_separator(void **state)
{
	maat_csv_opts o = {.sep = ';', .path = "t.csv"};
	const char *text = "a,b,c;d\n";
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	maat_err err = {0};
	maat_csv *r = maat_csv_open(f, &o, &err);
	assert_non_null(r);
	assert_int_equal(maat_csv_separator(r), ';');
	assert_int_equal(maat_csv_next(r, &err), 1);
	assert_int_equal(maat_csv_nfields(r), 2);
	assert_string_equal(maat_csv_field(r, 0), "a,b,c");
	maat_csv_free(r);
	fclose(f);
	/* a quote cannot separate */
	o.sep = '"';
	f = fmemopen((void *)text, strlen(text), "r");
	assert_null(maat_csv_open(f, &o, &err));
	assert_int_equal(err.code, MAAT_E_USAGE);
	fclose(f);
}

static void
test_csv_bom(void **state)
{
	src s;
	src_open(&s, "\xEF\xBB\xBFid;naam\n1;x\n");
	assert_int_equal(maat_csv_separator(s.r), ';');
	expect(&s, 1, "id|naam");
	expect(&s, 2, "1|x");
	src_close(&s);
}

static void
test_csv_line_ends(void **state)
{
	src s;
	src_open(&s, "a,b\r\n1,2\r\n3,4\r\n");
	expect(&s, 1, "a|b");
	expect(&s, 2, "1|2");
	expect(&s, 3, "3|4");
	expect_end(&s);
	src_close(&s);
	/* lone CR (old Mac Excel): each CR ends a line */
	src_open(&s, "a,b\r1,2\r\r3,4");
	expect(&s, 1, "a|b");
	expect(&s, 2, "1|2");
	expect(&s, 4, "3|4");
	expect_end(&s);
	src_close(&s);
}

static void
test_csv_quoted_multiline(void **state)
{
	src s;
	/* line 1: 1,"a   line 2: b""c   line 3: d"   line 4: 2,e */
	src_open(&s, "1,\"a\nb\"\"c\nd\"\n2,e\n");
	expect(&s, 1, "1|a\nb\"c\nd");
	expect(&s, 4, "2|e");
	expect_end(&s);
	src_close(&s);
	/* a CRLF inside quotes stays in the field; the record after it starts on line 3 */
	src_open(&s, "x\r\n\"p\r\nq\"\r\ny\r\n");
	expect(&s, 1, "x");
	expect(&s, 2, "p\r\nq");
	expect(&s, 4, "y");
	src_close(&s);
}

static void
test_csv_blank_lines(void **state)
{
	src s;
	/* line 2 empty, line 3 spaces, line 5 a lone CRLF, line 6 tab-only */
	src_open(&s, "a,b\n\n   \n1,2\n\r\n\t\n3,4\n\n");
	expect(&s, 1, "a|b");
	expect(&s, 4, "1|2");
	expect(&s, 7, "3|4");
	expect_end(&s);
	src_close(&s);
}

static void
test_csv_empty_rows(void **state)
{
	src s;
	/* Excel saves empty sheet rows as bare separators (lines 2, 3 and 5): skipped like blank
	 * lines; a row with one value among empty fields (line 4) is kept */
	src_open(&s, "a;b;c\n;;\n ; ;\n;x;\n\"\";;\n1;2;3\n");
	expect(&s, 1, "a|b|c");
	expect(&s, 4, "|x|");
	expect(&s, 6, "1|2|3");
	expect_end(&s);
	src_close(&s);
}

static void
test_csv_spaces(void **state)
{
	src s;
	/* libcsv trims blanks around unquoted fields, never inside quotes */
	src_open(&s, "\" a \", b ,\"  \"\n");
	expect(&s, 1, " a |b|  ");
	src_close(&s);
}

static void
test_csv_unterminated_quote(void **state)
{
	src s;
	src_open(&s, "a,b\n1,\"x\ny\n");
	expect(&s, 1, "a|b");
	expect_error(&s, "t.csv:2: a quoted field that opens here is never closed");
	src_close(&s);
	/* the record starts on line 2, a first quoted field closes on line 3, and the broken one
	 * opens on line 3 */
	src_open(&s, "a,b\n1,\"x\ny\",\"z\nw\n\n");
	expect(&s, 1, "a|b");
	expect_error(&s, "t.csv:3: a quoted field that opens here is never closed");
	src_close(&s);
	/* in the header itself: maat_csv_open fails */
	src_open(&s, "\"a,b\n");
	assert_null(s.r);
	assert_int_equal(s.err.code, MAAT_E_DATA);
	assert_string_equal(s.err.msg, "t.csv:1: a quoted field that opens here is never closed");
	fclose(s.f);
}

static void
test_csv_invalid_utf8(void **state)
{
	src s;
	/* 0xE9 is é in windows-1252, a broken lead byte in UTF-8 */
	src_open(&s, "naam\nJan\nJos\xE9\nPiet\n");
	expect(&s, 1, "naam");
	expect(&s, 2, "Jan");
	expect_error(&s, "t.csv:3: not valid UTF-8 (for a file saved by Excel, use --encoding "
			 "windows-1252)");
	src_close(&s);
	/* an overlong encoding of '/' and a surrogate are refused too */
	src_open(&s, "a\n\xC0\xAF\n");
	expect(&s, 1, "a");
	expect_error(&s, "t.csv:2: not valid UTF-8 (for a file saved by Excel, use --encoding "
			 "windows-1252)");
	src_close(&s);
	src_open(&s, "a\nb\n\xED\xA0\x80\n");
	expect(&s, 1, "a");
	expect(&s, 2, "b");
	assert_int_equal(maat_csv_next(s.r, &s.err), -MAAT_E_DATA);
	assert_string_equal(s.err.msg, "t.csv:3: not valid UTF-8 (for a file saved by Excel, use "
				       "--encoding windows-1252)");
	src_close(&s);
	/* a sequence cut by the end of the file */
	src_open(&s, "a\n\xC3");
	expect(&s, 1, "a");
	expect_error(&s, "t.csv:2: not valid UTF-8 (for a file saved by Excel, use --encoding "
			 "windows-1252)");
	src_close(&s);
	/* valid two-, three- and four-byte characters pass */
	src_open(&s, "\xC3\xA9,\xE2\x82\xAC,\xF0\x9F\x98\x80\n");
	expect(&s, 1, "é|€|😀");
	src_close(&s);
}

static void
test_csv_utf16(void **state)
{
	static const char u16[] = "\xFF\xFE"
				  "a\0,\0b\0\n\0"
				  "1\0,\0\xE9\0\n\0";
	src s;
	src_open_n(&s, u16, sizeof(u16) - 1, NULL);
	assert_null(s.r);
	assert_string_equal(s.err.msg, "t.csv:1: UTF-16 text: use --encoding utf-16");
	fclose(s.f);
	src_open_n(&s, u16, sizeof(u16) - 1, "utf-16");
	assert_non_null(s.r);
	expect(&s, 1, "a|b");
	expect(&s, 2, "1|é");
	expect_end(&s);
	src_close(&s);
}

static void
test_csv_binary(void **state)
{
	/* random bytes (control bytes, invalid UTF-8 on line 1), an xlsx (zip) and an xls */
	static const char junk[] = "\xA5M\xCA\x18%0\xBB\x1Dm\x13,\xDE";
	static const char xlsx[] = "PK\x03\x04\x14\x00\x06\x00";
	static const char xls[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
	src s;
	src_open_n(&s, junk, sizeof(junk) - 1, NULL);
	assert_null(s.r);
	assert_string_equal(s.err.msg, "t.csv:1: binary data, not CSV text");
	fclose(s.f);
	src_open_n(&s, xlsx, sizeof(xlsx) - 1, NULL);
	assert_null(s.r);
	assert_string_equal(s.err.msg,
			    "t.csv: an Excel workbook or other zip file, not CSV text: save the "
			    "sheet as CSV");
	fclose(s.f);
	src_open_n(&s, xls, sizeof(xls) - 1, "windows-1252");
	assert_null(s.r);
	assert_string_equal(
	    s.err.msg, "t.csv: an old Excel workbook (.xls), not CSV text: save the sheet as CSV");
	fclose(s.f);
}

static void
test_csv_nul_byte(void **state)
{
	static const char text[] = "a,b\n1,2\n3,\0\n";
	src s;
	src_open_n(&s, text, sizeof(text) - 1, NULL);
	expect(&s, 1, "a|b");
	expect(&s, 2, "1|2");
	expect_error(&s, "t.csv:3: a NUL byte: this is a binary file, not CSV text");
	src_close(&s);
}

static void
test_csv_field_limit(void **state)
{
	/* "a\n" then a quoted field of exactly 1 MiB (accepted), then one of 1 MiB + 1 */
	size_t mib = 1024 * 1024;
	maat_buf b = {0};
	char *big = malloc(mib + 1);
	src s;
	memset(big, 'x', mib + 1);
	maat_buf_append(&b, "a\n\"", 3);
	maat_buf_append(&b, big, mib);
	maat_buf_append(&b, "\"\n", 2);
	maat_buf_append(&b, big, mib + 1);
	maat_buf_append(&b, "\n", 1);
	src_open_n(&s, b.data, b.len, NULL);
	assert_non_null(s.r);
	expect(&s, 1, "a");
	assert_int_equal(maat_csv_next(s.r, &s.err), 1);
	assert_int_equal(maat_csv_field_len(s.r, 0), mib);
	assert_int_equal(maat_csv_line(s.r), 2);
	expect_error(&s, "t.csv:3: a field longer than 1 MiB");
	src_close(&s);
	maat_buf_fini(&b);
	/* a quoted field that never closes stops at the limit, not at the end of the file */
	maat_buf_append(&b, "a\n\"", 3);
	maat_buf_append(&b, big, mib + 1);
	src_open_n(&s, b.data, b.len, NULL);
	expect(&s, 1, "a");
	expect_error(&s, "t.csv:2: a field longer than 1 MiB");
	src_close(&s);
	maat_buf_fini(&b);
	free(big);
}

static void
test_csv_fields_limit(void **state)
{
	/* line 2 holds 100,000 fields ("x" and 99,999 commas), line 3 holds 100,001 */
	maat_buf b = {0};
	src s;
	maat_buf_append(&b, "a\nx", 3);
	for (int i = 0; i < 99999; i++) {
		maat_buf_append(&b, ",", 1);
	}
	maat_buf_append(&b, "\nx", 2);
	for (int i = 0; i < 100000; i++) {
		maat_buf_append(&b, ",", 1);
	}
	maat_buf_append(&b, "\n", 1);
	src_open_n(&s, b.data, b.len, NULL);
	expect(&s, 1, "a");
	assert_int_equal(maat_csv_next(s.r, &s.err), 1);
	assert_int_equal(maat_csv_nfields(s.r), 100000);
	expect_error(&s, "t.csv:3: more than 100000 fields in a record");
	src_close(&s);
	maat_buf_fini(&b);
}

static void
test_csv_empty_file(void **state)
{
	static const char *const empties[] = {"", "\n\n", "  \r\n\t\n", "\xEF\xBB\xBF", NULL};
	for (size_t i = 0; empties[i] != NULL; i++) {
		src s;
		src_open(&s, empties[i]);
		assert_null(s.r);
		assert_int_equal(s.err.code, MAAT_E_DATA);
		assert_string_equal(s.err.msg, "t.csv: empty file");
		fclose(s.f);
	}
}

static void
test_csv_windows1252(void **state)
{
	src s;
	/* 0xE9 = é (U+00E9 = C3 A9), 0x80 = € (U+20AC = E2 82 AC), 0xEB = ë (C3 AB) */
	static const char text[] = "naam;bedrag\nJos\xE9;\x80 1,5\nCo\xEB;2\n";
	src_open_n(&s, text, sizeof(text) - 1, "windows-1252");
	assert_non_null(s.r);
	assert_int_equal(maat_csv_separator(s.r), ';');
	expect(&s, 1, "naam|bedrag");
	expect(&s, 2, "Jos\xC3\xA9|\xE2\x82\xAC 1,5");
	expect(&s, 3, "Co\xC3\xAB|2");
	expect_end(&s);
	src_close(&s);
	/* latin1 and iso-8859-15 (0xA4 is ¤ in latin1, € in latin9) */
	src_open_n(&s, "x\n\xA4\n", 4, "latin1");
	expect(&s, 1, "x");
	expect(&s, 2, "\xC2\xA4");
	src_close(&s);
	src_open_n(&s, "x\n\xA4\n", 4, "iso-8859-15");
	expect(&s, 1, "x");
	expect(&s, 2, "\xE2\x82\xAC");
	src_close(&s);
	/* files shorter than the 4 bytes looked at before converting */
	src_open_n(&s, "\xE9", 1, "windows-1252");
	expect(&s, 1, "\xC3\xA9");
	expect_end(&s);
	src_close(&s);
	/* "utf-8" means no conversion */
	src_open(&s, "x\n\xC3\xA9\n");
	expect(&s, 1, "x");
	expect(&s, 2, "é");
	src_close(&s);
}

static void
test_csv_encoding_errors(void **state)
{
	src s;
	src_open_n(&s, "a\n", 2, "klingon-8");
	assert_null(s.r);
	assert_int_equal(s.err.code, MAAT_E_USAGE);
	assert_string_equal(s.err.msg,
			    "unknown encoding 'klingon-8' (try windows-1252, latin1 or utf-8)");
	fclose(s.f);
	/* 0x81 has no character in windows-1252 (glibc refuses it): line 3 */
	src_open_n(&s, "a\nb\nc\x81\n", 7, "windows-1252");
	expect(&s, 1, "a");
	expect(&s, 2, "b");
	expect_error(&s, "t.csv:3: a byte that is not valid windows-1252");
	src_close(&s);
	/* a UTF-8 file read as windows-1252 would turn é into Ã©: its BOM gives it away */
	src_open_n(&s, "\xEF\xBB\xBFnaam\n", 8, "windows-1252");
	assert_null(s.r);
	assert_string_equal(s.err.msg, "t.csv:1: the file starts with a UTF-8 byte order mark, so "
				       "it is not windows-1252: leave out --encoding");
	fclose(s.f);
	/* UTF-16 with an odd number of bytes ends inside a character */
	src_open_n(&s,
		   "\xFF\xFE"
		   "a\0\n\0b",
		   7, "utf-16");
	expect(&s, 1, "a");
	expect_error(&s, "t.csv:2: the file ends inside a character (not valid utf-16)");
	src_close(&s);
}

/* A file larger than one 64 KiB read: a CRLF, a quoted CRLF and a two-byte character cut by
 * the read boundary. */
static void
test_csv_chunk_boundaries(void **state)
{
	const size_t chunk = 64 * 1024;
	static const char *const encodings[] = {NULL, "windows-1252"};
	for (size_t e = 0; e < 2; e++) {
		maat_buf b = {0};
		src s;
		char *pad = malloc(chunk);
		memset(pad, 'a', chunk);
		/* line 1: 65,535 'a' so that its CR is byte 65,535 (the last of the first read)
		 * and its LF the first of the second */
		maat_buf_append(&b, pad, chunk - 1);
		maat_buf_append(&b, "\r\nb\r\n", 5);
		src_open_n(&s, b.data, b.len, encodings[e]);
		assert_int_equal(maat_csv_next(s.r, &s.err), 1);
		assert_int_equal(maat_csv_field_len(s.r, 0), chunk - 1);
		expect(&s, 2, "b");
		expect_end(&s);
		src_close(&s);
		maat_buf_reset(&b);
		/* the same CR inside a quoted field: the field holds CR LF, "c" is on line 3 */
		maat_buf_append(&b, "\"", 1);
		maat_buf_append(&b, pad, chunk - 2);
		maat_buf_append(&b, "\r\nb\"\r\nc\r\n", 9);
		src_open_n(&s, b.data, b.len, encodings[e]);
		assert_int_equal(maat_csv_next(s.r, &s.err), 1);
		assert_int_equal(maat_csv_field_len(s.r, 0), chunk - 2 + 3);
		assert_memory_equal(maat_csv_field(s.r, 0) + chunk - 2, "\r\nb", 3);
		expect(&s, 3, "c");
		expect_end(&s);
		src_close(&s);
		maat_buf_fini(&b);
		free(pad);
	}
	{
		/* é (C3 A9) with C3 as the last byte of the first read */
		maat_buf b = {0};
		src s;
		char *pad = malloc(chunk);
		memset(pad, 'a', chunk);
		maat_buf_append(&b, pad, chunk - 1);
		maat_buf_append(&b, "\xC3\xA9\nz\n", 5);
		src_open_n(&s, b.data, b.len, NULL);
		assert_non_null(s.r);
		assert_int_equal(maat_csv_next(s.r, &s.err), 1);
		assert_int_equal(maat_csv_field_len(s.r, 0), chunk + 1);
		expect(&s, 2, "z");
		src_close(&s);
		maat_buf_fini(&b);
		free(pad);
	}
}

/* Many records: the line of record k is k + 1 plus two per earlier two-line field. */
static void
test_csv_many_lines(void **state)
{
	maat_buf b = {0};
	src s;
	maat_buf_append(&b, "id,text\n", 8);
	for (int i = 0; i < 20000; i++) {
		if (i % 3 == 0) {
			maat_buf_printf(&b, "%d,\"x\ny\"\n", i);
		} else {
			maat_buf_printf(&b, "%d,plain\n", i);
		}
	}
	src_open_n(&s, b.data, b.len, NULL);
	expect(&s, 1, "id|text");
	int64_t line = 2;
	for (int i = 0; i < 20000; i++) {
		assert_int_equal(maat_csv_next(s.r, &s.err), 1);
		assert_int_equal(maat_csv_line(s.r), line);
		assert_int_equal(atoi(maat_csv_field(s.r, 0)), i);
		line += i % 3 == 0 ? 2 : 1;
	}
	expect_end(&s);
	src_close(&s);
	maat_buf_fini(&b);
}

static void
test_csv_column_aliases(void **state)
{
	static const char *const case_id[] = {"case_id", "case id", "zaaknummer", NULL};
	static const char *const when[] = {"timestamp", "tijdstip", NULL};
	static const char *const who[] = {"resource", "medewerker", NULL};
	static const char *const none[] = {"bedrag", NULL};
	src s;
	/* the quotes around Tijdstip are doubled inside a quoted field, so the field value is
	 * "Tijdstip" with its quotes; the header of a third column is blank-padded */
	src_open(&s, "  Case ID ;Activiteit;\"\"\"TIJDSTIP\"\"\";\" Medewerker \"\n");
	assert_int_equal(maat_csv_next(s.r, &s.err), 1);
	assert_int_equal(maat_csv_column(s.r, case_id), 0);
	assert_int_equal(maat_csv_column(s.r, when), 2);
	assert_int_equal(maat_csv_column(s.r, who), 3);
	assert_int_equal(maat_csv_column(s.r, none), -1);
	src_close(&s);
}

static void
assert_number(const char *s, double want)
{
	double v = -12345;
	if (!maat_csv_parse_number(s, &v)) {
		fail_msg("'%s' was refused", s);
	}
	if (v != want) {
		fail_msg("'%s' gave %.17g, want %.17g", s, v, want);
	}
}

static void
assert_not_number(const char *s)
{
	double v = -12345;
	if (maat_csv_parse_number(s, &v)) {
		fail_msg("'%s' was read as %g", s != NULL ? s : "(null)", v);
	}
	assert_true(v == -12345);
}

static void
test_csv_parse_number(void **state)
{
	/* exact comparisons: each value is what strtod gives for the plain decimal text */
	assert_number("1,5", 1.5);
	assert_number("1.5", 1.5);
	assert_number("  2 ", 2);
	assert_number("1.234,5", 1234.5);
	assert_number("1,234.5", 1234.5);
	assert_number("-0,25", -0.25);
	assert_number("+3", 3);
	assert_number("0", 0);
	assert_number(",5", 0.5);
	assert_number("-.5", -0.5);
	/* a lone separator is decimal, whichever it is */
	assert_number("1,234", 1.234);
	assert_number("1.234", 1.234);
	/* several of one kind are thousands separators when grouped by three */
	assert_number("1.234.567", 1234567);
	assert_number("12,345,678", 12345678);
	assert_number("1.234.567,89", 1234567.89);
	assert_number("1,234,567.89", 1234567.89);
	assert_number("1,5E+03", 1500);
	assert_number("2e-3", 0.002);
	assert_number("\t7\t", 7);
	/* "1,2,3" has no reading as a number (groups of one digit): refused */
	assert_not_number("1,2,3");
	assert_not_number("1.2.3");
	assert_not_number("1.234,5,6");
	assert_not_number("1,23.4");
	assert_not_number("1.2,3");
	assert_not_number("");
	assert_not_number("   ");
	assert_not_number("abc");
	assert_not_number("1.5abc");
	assert_not_number("12 %");
	assert_not_number("1 234");
	assert_not_number("5,");
	assert_not_number(",");
	assert_not_number("-");
	assert_not_number("--1");
	assert_not_number("1e");
	assert_not_number("1e400");
	assert_not_number("inf");
	assert_not_number("nan");
	assert_not_number("0x10");
	assert_not_number(NULL);
}

/* The real files of the shared corpus, read whole. Expected: records, the start line of the
 * last record and a SHA-256 of all fields (joined by 0x1F, each record ended by 0x1E), all
 * computed independently with Python's csv module (records of empty fields left out, the line
 * of the last record as the reader's line_num after the record before it, plus one). */
static void
test_csv_corpus_files(void **state)
{
	static const struct {
		const char *file;
		int records;
		int64_t last_line;
		const char *sha256;
	} files[] = {
	    {"org/ifg_processed_dcms.csv", 135, 135,
	     "3d9270f2a55eeb67c32b14321c2cf6fb8eacfaff36bd79312751ffa04ca493b0"},
	    {"org/ministry_of_justice-2011-09-30-junior.csv", 625, 625,
	     "0a6ced8739d34d3f93e6a43dc338902c1965afd8ced14e4d9921e100429710d9"},
	    {"org/ministry_of_justice-2011-09-30-senior.csv", 133, 133,
	     "d44effb74d1988bfe86ce6ac270051d464d40037ee2c3c1d0658efb8e208d897"},
	    {"cases/roadtraffic100traces.csv", 391, 391,
	     "8a78445c5b66911e378aef546155ea24d6d383008bb2343ef1b107fe712e296a"},
	};
	const char *corpus = getenv("MAAT_CORPUS");
	if (corpus == NULL) {
		skip();
	}
	for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
		char *path = maat_xasprintf("%s/%s", corpus, files[k].file);
		maat_csv_opts o = {.path = path};
		maat_err err = {0};
		maat_buf all = {0};
		char hex[65];
		int records = 0, rc;
		FILE *f = fopen(path, "rb");
		maat_csv *r;
		assert_non_null(f);
		r = maat_csv_open(f, &o, &err);
		assert_non_null(r);
		assert_int_equal(maat_csv_separator(r), ',');
		while ((rc = maat_csv_next(r, &err)) > 0) {
			for (size_t i = 0; i < maat_csv_nfields(r); i++) {
				if (i > 0) {
					maat_buf_append(&all, "\x1f", 1);
				}
				maat_buf_append(&all, maat_csv_field(r, i),
						maat_csv_field_len(r, i));
			}
			maat_buf_append(&all, "\x1e", 1);
			records++;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(records, files[k].records);
		assert_int_equal(maat_csv_line(r), files[k].last_line);
		maat_sha256_hex(all.data, all.len, hex);
		assert_string_equal(hex, files[k].sha256);
		maat_csv_free(r);
		fclose(f);
		maat_buf_fini(&all);
		free(path);
	}
}

/* The read-ahead thread (maat_csv_opts.read_ahead) hands over the same records, fields and
 * lines as reading in place, across its slots (1,024 records each: 5,000 records cross four
 * boundaries), and a malformed record after them fails with the same message and line. Record
 * k (1-based) is "k,<k copies of x, capped at 2,000>" and every 7th has a quoted field over two
 * lines, so the start line of record k is 1 + k + (k - 1) / 7 (the header is line 1). */
static char *
ahead_text(int n, bool broken)
{
	maat_buf b = {0};
	maat_buf_printf(&b, "id,text\n");
	for (int k = 1; k <= n; k++) {
		int len = k < 2000 ? k : 2000;
		maat_buf_printf(&b, "%d,", k);
		if (k % 7 == 0) {
			maat_buf_printf(&b, "\"two\nlines\"\n");
			continue;
		}
		for (int i = 0; i < len; i++) {
			maat_buf_append(&b, "x", 1);
		}
		maat_buf_append(&b, "\n", 1);
	}
	if (broken) {
		maat_buf_printf(&b, "%d,\"never closed\n", n + 1);
	}
	return b.data;
}

static void
read_all(const char *text, bool ahead, maat_buf *out, maat_err *err, int *rc_out)
{
	maat_csv_opts o = {.path = "t.csv", .read_ahead = ahead};
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	maat_csv *r;
	int rc;
	assert_non_null(f);
	r = maat_csv_open(f, &o, err);
	assert_non_null(r);
	while ((rc = maat_csv_next(r, err)) > 0) {
		maat_buf_printf(out, "%lld:", (long long)maat_csv_line(r));
		for (size_t i = 0; i < maat_csv_nfields(r); i++) {
			maat_buf_printf(out, "%s%s", i ? "|" : "", maat_csv_field(r, i));
			assert_int_equal(strlen(maat_csv_field(r, i)), maat_csv_field_len(r, i));
		}
		maat_buf_append(out, "\n", 1);
	}
	*rc_out = rc;
	/* the failure repeats */
	if (rc < 0) {
		maat_err again = {0};
		assert_int_equal(maat_csv_next(r, &again), rc);
		assert_string_equal(again.msg, err->msg);
	}
	maat_csv_free(r);
	fclose(f);
}

static void
test_csv_read_ahead(void **state)
{
	(void)state;
	for (int broken = 0; broken <= 1; broken++) {
		char *text = ahead_text(5000, broken);
		maat_buf plain = {0}, ahead = {0};
		maat_err e1 = {0}, e2 = {0};
		int rc1, rc2;
		char want[64];
		read_all(text, false, &plain, &e1, &rc1);
		read_all(text, true, &ahead, &e2, &rc2);
		assert_int_equal(rc1, broken ? -MAAT_E_DATA : 0);
		assert_int_equal(rc2, rc1);
		assert_string_equal(e2.msg, e1.msg);
		assert_string_equal(ahead.data, plain.data);
		/* record 4999 starts on line 1 + 4999 + 4998 / 7 = 5714, record 5000 on
		 * 1 + 5000 + 4999 / 7 = 5715 (4999 and 5000 are not multiples of 7: one line each)
		 */
		assert_non_null(strstr(plain.data, "\n5714:4999|"));
		assert_non_null(strstr(plain.data, "\n5715:5000|"));
		if (broken) {
			/* the unclosed quote opens on the line after record 5000 */
			snprintf(want, sizeof(want), "t.csv:5716:");
			assert_non_null(strstr(e1.msg, want));
		}
		maat_buf_fini(&plain);
		maat_buf_fini(&ahead);
		free(text);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_basic_comma),
	    cmocka_unit_test(test_csv_last_line_without_newline),
	    cmocka_unit_test(test_csv_sniff_semicolon),
	    cmocka_unit_test(test_csv_sniff_tab),
	    cmocka_unit_test(test_csv_sniff_both),
	    cmocka_unit_test(test_csv_explicit_separator),
	    cmocka_unit_test(test_csv_bom),
	    cmocka_unit_test(test_csv_line_ends),
	    cmocka_unit_test(test_csv_quoted_multiline),
	    cmocka_unit_test(test_csv_blank_lines),
	    cmocka_unit_test(test_csv_empty_rows),
	    cmocka_unit_test(test_csv_spaces),
	    cmocka_unit_test(test_csv_unterminated_quote),
	    cmocka_unit_test(test_csv_invalid_utf8),
	    cmocka_unit_test(test_csv_utf16),
	    cmocka_unit_test(test_csv_binary),
	    cmocka_unit_test(test_csv_nul_byte),
	    cmocka_unit_test(test_csv_field_limit),
	    cmocka_unit_test(test_csv_fields_limit),
	    cmocka_unit_test(test_csv_empty_file),
	    cmocka_unit_test(test_csv_windows1252),
	    cmocka_unit_test(test_csv_encoding_errors),
	    cmocka_unit_test(test_csv_chunk_boundaries),
	    cmocka_unit_test(test_csv_many_lines),
	    cmocka_unit_test(test_csv_column_aliases),
	    cmocka_unit_test(test_csv_parse_number),
	    cmocka_unit_test(test_csv_corpus_files),
	    cmocka_unit_test(test_csv_read_ahead),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
