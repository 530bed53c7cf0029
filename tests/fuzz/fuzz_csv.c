/* Fuzz target for the CSV reader: the input as a file, read to the end three ways (sniffed
 * UTF-8, windows-1252 through iconv, and UTF-16 with a given ';'), checking what every record
 * promises: fields NUL-terminated at their length, lines that never go back. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
read_all(const uint8_t *data, size_t size, const maat_csv_opts *opts)
{
	static const char *const aliases[] = {"case_id", "zaak", "timestamp", NULL};
	FILE *f = fmemopen((void *)data, size, "r");
	maat_err err = {0};
	maat_csv *r;
	int64_t last = 0;
	int rc;

	if (f == NULL) {
		return;
	}
	r = maat_csv_open(f, opts, &err);
	if (r == NULL) {
		if (err.code == 0 || err.msg[0] == '\0') {
			abort();
		}
		fclose(f);
		return;
	}
	while ((rc = maat_csv_next(r, &err)) > 0) {
		int64_t line = maat_csv_line(r);
		if (line < 1 || line <= last) {
			abort();
		}
		if (last == 0) {
			(void)maat_csv_column(r, aliases);
		}
		last = line;
		for (size_t i = 0; i < maat_csv_nfields(r); i++) {
			const char *s = maat_csv_field(r, i);
			double v;
			if (s == NULL || s[maat_csv_field_len(r, i)] != '\0') {
				abort();
			}
			(void)maat_csv_parse_number(s, &v);
		}
		if (maat_csv_field(r, maat_csv_nfields(r)) != NULL) {
			abort();
		}
	}
	if (rc < 0 && (err.code == 0 || strncmp(err.msg, "fuzz:", 5) != 0)) {
		abort();
	}
	maat_csv_free(r);
	fclose(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	maat_csv_opts plain = {.sep = 0, .encoding = NULL, .path = "fuzz"};
	maat_csv_opts cp1252 = {.sep = 0, .encoding = "windows-1252", .path = "fuzz"};
	maat_csv_opts utf16 = {.sep = ';', .encoding = "utf-16", .path = "fuzz"};

	read_all(data, size, &plain);
	read_all(data, size, &cp1252);
	read_all(data, size, &utf16);
	return 0;
}
