/* The XES reader: namespaces, typed and trace attributes, <global> defaults, gzip, and the
 * refusals (DTDs, entities, truncation, unknown encodings). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "maatlat/cases.h"
#include "maatlat/util.h"

/* What the callback saw, one line per event: "case|type|activity|ts.ms|resource|life|role|grp" */
static maat_buf seen;

static int
collect(const maat_case_event *e, void *ctx, maat_err *err)
{
	maat_buf_printf(&seen, "%s|%s|%s|%lld.%03d|%s|%s|%s|%s\n", e->case_id,
			e->case_type ? e->case_type : "", e->activity, (long long)e->ts, e->ms,
			e->resource ? e->resource : "", e->lifecycle ? e->lifecycle : "",
			e->role ? e->role : "", e->group ? e->group : "");
	return 0;
}

static int64_t
read_mem(const void *data, size_t n, maat_err *err)
{
	maat_cases_opts o = {.path = "t.xes"};
	FILE *f = fmemopen((void *)data, n, "rb");
	int64_t rc;
	assert_non_null(f);
	maat_buf_reset(&seen);
	maat_buf_append(&seen, "", 0);
	rc = maat_xes_read(f, &o, collect, NULL, err);
	fclose(f);
	return rc;
}

static int64_t
read_str(const char *s, maat_err *err)
{
	return read_mem(s, strlen(s), err);
}

static void
test_xes_plain_trace_attributes_and_globals(void **state)
{
	/* <global> defaults (resource "GLOBAL") are schema: the second event, which names no
	 * resource, gets none. 2024-01-01T10:00:00.250+01:00 = 09:00:00Z = 1704099600 s, 250
	 * ms. The nested meta-attribute org:resource under concept:name is not the event's. */
	const char *x =
	    "<?xml version='1.0' encoding='UTF-8'?>\n"
	    "<log xes.version='1.0'>\n"
	    "<global scope='event'><string key='org:resource' value='GLOBAL'/></global>\n"
	    "<trace><string key='concept:name' value='Z-1'/><string key='zaaktype' "
	    "value='omgevingsvergunning'/>\n"
	    "<event><string key='concept:name' value='intake'>"
	    "<string key='org:resource' value='META'/></string>"
	    "<id key='org:resource' value='42'/><string key='lifecycle:transition' "
	    "value='complete'/>"
	    "<string key='org:group' value='Vergunningen'/><string key='org:role' "
	    "value='behandelaar'/>"
	    "<date key='time:timestamp' value='2024-01-01T10:00:00.250+01:00'/>"
	    "<string key='burger' value='Jan Jansen'/></event>\n"
	    "<event><string key='concept:name' value='besluit'/><date key='time:timestamp' "
	    "value='2024-01-02T00:00:00Z'/></event>\n"
	    "</trace></log>\n";
	maat_err err = {0};
	assert_int_equal(read_str(x, &err), 2);
	assert_string_equal(seen.data, "Z-1|omgevingsvergunning|intake|1704099600.250|42|complete|"
				       "behandelaar|Vergunningen\n"
				       "Z-1|omgevingsvergunning|besluit|1704153600.000||||\n");
}

static void
test_xes_namespace_and_late_case_id(void **state)
{
	/* prefixed XES namespace; the trace names its case id after its first event, which is
	 * held back and delivered with it */
	const char *x = "<?xml version='1.0'?>\n"
			"<xes:log xmlns:xes='http://www.xes-standard.org/'>"
			"<xes:trace><xes:event><xes:string key='concept:name' value='a'/>"
			"<xes:date key='time:timestamp' value='2024-01-01T00:00:00Z'/>"
			"<xes:string key='org:resource' value='r1'/></xes:event>"
			"<xes:string key='concept:name' value='c9'/>"
			"<xes:event><xes:string key='concept:name' value='b'/>"
			"<xes:date key='time:timestamp' value='2024-01-01T00:00:01Z'/></xes:event>"
			"</xes:trace></xes:log>";
	maat_err err = {0};
	assert_int_equal(read_str(x, &err), 2);
	assert_string_equal(seen.data, "c9||a|1704067200.000|r1|||\n"
				       "c9||b|1704067201.000||||\n");
}

static void
test_xes_default_namespace(void **state)
{
	const char *x = "<log xmlns='http://www.xes-standard.org/'><trace>"
			"<string key='concept:name' value='1'/><event>"
			"<string key='concept:name' value='a'/>"
			"<date key='time:timestamp' value='2024-01-01T00:00:00Z'/></event>"
			"</trace></log>";
	maat_err err = {0};
	assert_int_equal(read_str(x, &err), 1);
}

static void
test_xes_running_example(void **state)
{
	/* METRICS.md §3: 6 cases, 42 events */
	char *path = maat_xasprintf("%s/cases/running-example.xes", getenv("MAAT_CORPUS"));
	FILE *f = fopen(path, "rb");
	maat_cases_opts o = {.path = path};
	maat_err err = {0};
	assert_non_null(f);
	maat_buf_reset(&seen);
	assert_int_equal(maat_xes_read(f, &o, collect, NULL, &err), 42);
	/* first event of the file: case 3, register request by Pete, 2010-12-30T14:32+01:00 =
	 * 13:32Z = 1293715920 */
	assert_true(strncmp(seen.data, "3||register request|1293715920.000|Pete|", 40) == 0);
	fclose(f);
	free(path);
}

static size_t
gzip(const char *s, unsigned char *out, size_t cap)
{
	z_stream z = {0};
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
			 Z_OK);
	z.next_in = (unsigned char *)s;
	z.avail_in = (uInt)strlen(s);
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	return cap - z.avail_out;
}

static void
test_xes_gzip(void **state)
{
	const char *x = "<log><trace><string key='concept:name' value='1'/><event>"
			"<string key='concept:name' value='a'/>"
			"<date key='time:timestamp' value='2024-01-01T00:00:00Z'/></event>"
			"</trace></log>";
	unsigned char gz[1024];
	size_t n = gzip(x, gz, sizeof(gz));
	maat_err err = {0};
	assert_int_equal(read_mem(gz, n, &err), 1);
	/* cut in the middle: the compressed stream does not end */
	assert_int_equal(read_mem(gz, n / 2, &err), -MAAT_E_DATA);
	assert_non_null(strstr(err.msg, "t.xes: "));
	/* a corrupt body */
	gz[12] ^= 0xff;
	gz[13] ^= 0xff;
	assert_true(read_mem(gz, n, &err) < 0);
}

static void
test_xes_refusals(void **state)
{
	maat_err err = {0};
	/* a DOCTYPE with entities (billion laughs) is refused before any expansion */
	assert_int_equal(read_str("<?xml version='1.0'?>\n<!DOCTYPE log [\n<!ENTITY a 'aaaa'>\n"
				  "<!ENTITY b '&a;&a;&a;'>]>\n<log>&b;</log>",
				  &err),
			 -MAAT_E_DATA);
	assert_string_equal(err.msg, "t.xes:2: a DOCTYPE is not accepted in an XES log");
	/* truncated: the line where the input ends */
	assert_int_equal(read_str("<log>\n<trace>\n<event>", &err), -MAAT_E_DATA);
	assert_string_equal(err.msg, "t.xes:3: XML error: no element found");
	/* an encoding expat does not know */
	assert_int_equal(read_str("<?xml version='1.0' encoding='X-NONE'?><log/>", &err),
			 -MAAT_E_DATA);
	assert_non_null(strstr(err.msg, "t.xes:1: XML error: "));
	/* not an XES log */
	assert_int_equal(read_str("<html/>", &err), -MAAT_E_DATA);
	assert_string_equal(err.msg, "t.xes:1: not an XES log: the root element is <html>");
	/* an event without time, and one outside a trace */
	assert_int_equal(read_str("<log><trace><string key='concept:name' value='1'/>\n<event>"
				  "<string key='concept:name' value='a'/></event></trace></log>",
				  &err),
			 -MAAT_E_DATA);
	assert_string_equal(err.msg, "t.xes:2: event without a timestamp (time:timestamp)");
	assert_int_equal(read_str("<log><event/></log>", &err), -MAAT_E_DATA);
	assert_string_equal(err.msg, "t.xes:1: an <event> outside a <trace>");
	/* a bad date, with its line */
	assert_int_equal(read_str("<log><trace><string key='concept:name' value='1'/>\n\n<event>"
				  "<string key='concept:name' value='a'/><date "
				  "key='time:timestamp' value='gisteren'/></event></trace></log>",
				  &err),
			 -MAAT_E_DATA);
	assert_non_null(strstr(err.msg, "t.xes:3: "));
	assert_non_null(strstr(err.msg, "gisteren"));
	/* a trace whose events never learn their case */
	assert_int_equal(read_str("<log><trace><event><string key='concept:name' value='a'/>"
				  "<date key='time:timestamp' value='2024-01-01T00:00:00Z'/>"
				  "</event></trace></log>",
				  &err),
			 -MAAT_E_DATA);
	assert_non_null(strstr(err.msg, "without a case id"));
	/* empty input */
	assert_int_equal(read_mem("", 0, &err), -MAAT_E_DATA);
}

static void
test_xes_bad_catalogue(void **state)
{
	/* every XES file of tests/data/bad fails with MAAT_E_DATA and a "path:" message */
	static const char *const files[] = {
	    "xes_billion_laughs.xes", "xes_empty.xes",
	    "xes_gzip_bomb.xes.gz",   "xes_not_xml.xes",
	    "xes_truncated.xes",      "xes_truncated.xes.gz",
	    "xes_unclosed_tag.xes",   "xes_unknown_encoding.xes",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *path = maat_xasprintf("%s/bad/%s", getenv("MAAT_TESTDATA"), files[i]);
		FILE *f = fopen(path, "rb");
		maat_cases_opts o = {.path = path};
		maat_err err = {0};
		assert_non_null(f);
		assert_int_equal(maat_xes_read(f, &o, NULL, NULL, &err), -MAAT_E_DATA);
		assert_true(strncmp(err.msg, path, strlen(path)) == 0);
		if (strcmp(files[i], "xes_truncated.xes.gz") == 0) {
			/* the compressed stream ends early (the file was cut at 600 bytes) */
			assert_non_null(strstr(err.msg, ": truncated gzip data"));
		}
		fclose(f);
		free(path);
	}
}

static int
teardown(void **state)
{
	maat_buf_fini(&seen);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_xes_plain_trace_attributes_and_globals),
	    cmocka_unit_test(test_xes_namespace_and_late_case_id),
	    cmocka_unit_test(test_xes_default_namespace),
	    cmocka_unit_test(test_xes_running_example),
	    cmocka_unit_test(test_xes_gzip),
	    cmocka_unit_test(test_xes_refusals),
	    cmocka_unit_test(test_xes_bad_catalogue),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
