/* Fuzz target for timestamps and dates: the input (up to its first NUL) parsed in UTC, in
 * Europe/Amsterdam and without a zone; a result must lie in years 1..9999 and convert back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/timestamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 0001-01-01 and 10000-01-01, widened by the largest offsets */
#define MIN_SECS (-62135596800LL - 2 * 86400)
#define MAX_SECS (253402300800LL + 2 * 86400)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static maat_tz *zones[3];
	char *s = malloc(size + 1);
	maat_err err = {0};
	int y, m, d;

	if (zones[0] == NULL) {
		zones[0] = maat_tz_new("UTC", &err);
		zones[1] = maat_tz_new("Europe/Amsterdam", &err);
		if (zones[0] == NULL || zones[1] == NULL) {
			abort();
		}
	}
	memcpy(s, data, size);
	s[size] = '\0';
	for (int i = 0; i < 3; i++) {
		int64_t secs = 0;
		int ms = -1;
		if (maat_ts_parse(s, zones[i], &secs, &ms, &err) == 0) {
			struct tm tm;
			if (secs < MIN_SECS || secs > MAX_SECS || ms < 0 || ms > 999) {
				abort();
			}
			maat_tz_from_utc(zones[i], secs, &tm);
			if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31) {
				abort();
			}
		} else if (err.code != MAAT_E_DATA ||
			   strncmp(err.msg, "not a timestamp: '", 18) != 0) {
			abort();
		}
	}
	if (maat_date_parse(s, &y, &m, &d, &err) == 0) {
		int iy, iw;
		if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) {
			abort();
		}
		maat_iso_week(y, m, d, &iy, &iw);
		if (iw < 1 || iw > 53 || iy < y - 1 || iy > y + 1) {
			abort();
		}
	}
	free(s);
	return 0;
}
