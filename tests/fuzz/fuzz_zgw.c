/* ZGW Zaken API JSON -> case events, from a buffer: never crashes, never leaks, every string
 * handed out is valid for the callback. */
#include <stdint.h>
#include <stdio.h>

#include "maatlat/cases.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
sink(const maat_case_event *ev, void *ctx, maat_err *err)
{
	/* touch every field, so a dangling pointer shows up under ASan */
	size_t *n = ctx;
	const char *f[] = {ev->case_id, ev->activity, ev->resource, ev->case_type};
	(void)err;
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		for (const char *p = f[i]; p != NULL && *p; p++) {
			*n += (unsigned char)*p;
		}
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	maat_cases_opts o = {.path = "fuzz.json"};
	maat_err err = {0};
	size_t n = 0;
	FILE *f;

	if (size == 0 || (f = fmemopen((void *)data, size, "rb")) == NULL) {
		return 0;
	}
	maat_zgw_read(f, &o, sink, &n, &err);
	fclose(f);
	return 0;
}
