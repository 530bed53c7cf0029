/* Outlook CSV calendar exports. Expected values are counted by hand from the rows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "maatlat/ics.h"

#if defined(__has_include)
#if __has_include("../../importers/csv.c") && __has_include("../../importers/timestamp.c")
#define HAVE_CSV 1
#endif
#endif

typedef struct got {
	int64_t start[16], len[16];
	size_t nparts[16];
	int flags[16];
	char uid[16][64];
	size_t n;
} got;

static int
collect(void *ctx, const maat_cal_instance *in, maat_err *err)
{
	got *g = ctx;
	(void)err;
	if (g->n < 16) {
		g->start[g->n] = in->start;
		g->len[g->n] = in->end - in->start;
		g->nparts[g->n] = in->nparts;
		g->flags[g->n] = in->flags;
		snprintf(g->uid[g->n], sizeof(g->uid[0]), "%s", in->uid);
	}
	g->n++;
	return 0;
}

static int
read_str(const char *text, got *g, maat_cal_stats *st, maat_err *err)
{
	maat_cal_opts o = {.tz = "Europe/Amsterdam"};
	maat_cal_sink sink = {.instance = collect, .ctx = g};
	FILE *f = fmemopen((void *)text, strlen(text), "rb");
	int rc;
	memset(g, 0, sizeof(*g));
	rc = maat_outlook_read(f, "o.csv", &o, &sink, st, err);
	fclose(f);
	return rc;
}

static void
test_outlook_rows(void **state)
{
	maat_cal_stats st = {0};
	maat_err err = {0};
	got g;
	(void)state;
#ifdef HAVE_CSV
	/* English headers, US times. Row 1: 4 March 2024 09:00-10:30 CET (08:00Z =
	 * 1709539200), organizer + 2 required + 1 optional = 4 people. Row 2: the same row again
	 * (one occurrence, counted once). Row 3: all day. Row 4: Show time as 0 (free). */
	assert_int_equal(
	    read_str("Subject,Start Date,Start Time,End Date,End Time,All day event,"
		     "Meeting Organizer,Required Attendees,Optional Attendees,"
		     "Show time as\r\n"
		     "Sync,2024-03-04,9:00:00 AM,2024-03-04,10:30:00 AM,False,Ann,"
		     "Bob;Cees,Dirk,2\r\n"
		     "Sync,2024-03-04,9:00:00 AM,2024-03-04,10:30:00 AM,False,Ann,"
		     "Bob;Cees,Dirk,2\r\n"
		     "Offsite,2024-03-05,12:00:00 AM,2024-03-06,12:00:00 AM,True,Ann,"
		     "Bob,,2\r\n"
		     "Focus,2024-03-05,1:00:00 PM,2024-03-05,2:00:00 PM,False,Ann,,,0\r\n",
		     &g, &st, &err),
	    0);
	assert_int_equal(st.read, 4);
	assert_int_equal(g.n, 3);
	/* sorted by uid then start; find the Sync instance by its length */
	for (size_t i = 0; i < g.n; i++) {
		if (g.len[i] == 5400) {
			assert_int_equal(g.start[i], 1709539200);
			assert_int_equal(g.nparts[i], 4);
			assert_int_equal(g.flags[i], 0);
		} else if (g.len[i] == 86400) {
			assert_int_equal(g.flags[i], MAAT_CAL_ALLDAY);
		} else {
			assert_int_equal(g.len[i], 3600);
			assert_int_equal(g.flags[i], MAAT_CAL_TRANSPARENT);
		}
	}
	/* a header without the needed columns is a clear error */
	assert_int_equal(read_str("Subject,Location\r\nx,y\r\n", &g, &st, &err), -MAAT_E_DATA);
	assert_non_null(strstr(err.msg, "o.csv:1:"));
#else
	/* without the shared CSV reader this build refuses Outlook CSV clearly */
	assert_int_equal(read_str("Subject,Start Date\r\n", &g, &st, &err), -MAAT_E_DATA);
	assert_non_null(strstr(err.msg, "o.csv:1:"));
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_outlook_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
