/* Microsoft Graph calendar JSON -> iCalendar -> instances, from a buffer: the converter must
 * write iCalendar that the reader takes whatever the JSON holds (quotes, line ends and
 * separators in names, broken times, odd recurrence patterns). A small instance limit keeps
 * each run short. */
#include <stdint.h>
#include <stdio.h>

#include "maatlat/graph_json.h"

static int
count(void *ctx, const maat_cal_instance *in, maat_err *err)
{
	(void)err;
	*(size_t *)ctx += in->nparts + 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	maat_cal_opts o = {.instance_limit = 500, .tz = "Europe/Amsterdam"};
	size_t n = 0;
	maat_cal_sink sink = {.instance = count, .ctx = &n};
	maat_err err = {0};
	FILE *f;
	if (size == 0 || (f = fmemopen((void *)data, size, "rb")) == NULL) {
		return 0;
	}
	(void)maat_graph_read(f, "fuzz.json", &o, &sink, NULL, &err);
	fclose(f);
	return 0;
}
