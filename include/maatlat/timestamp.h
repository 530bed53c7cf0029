/* Time zones and timestamps as importers meet them (case logs, Outlook CSV, --from/--to). */
#ifndef MAAT_TIMESTAMP_H
#define MAAT_TIMESTAMP_H

#include <stdint.h>
#include <time.h>

#include "maatlat/err.h"

typedef struct maat_tz maat_tz;

/* Resolves an IANA zone name ("Europe/Amsterdam", "UTC") from the system tzdata. Returns a new
 * zone (caller frees with maat_tz_free) or NULL with err set (MAAT_E_USAGE: unknown zone). */
maat_tz *maat_tz_new(const char *name, maat_err *err);

/* NULL-safe. */
void maat_tz_free(maat_tz *tz);

/* The zone's name. Borrowed. */
const char *maat_tz_name(const maat_tz *tz);

/* Local wall-clock time in tz to unix seconds UTC. A local time in the spring-forward gap is
 * moved forward by the gap (02:30 -> 03:30 CEST); an ambiguous one (autumn) takes the first,
 * summer-time occurrence. Fields are calendar values: month 1-12, day 1-31. */
int64_t maat_tz_to_utc(const maat_tz *tz, int year, int month, int day, int hour, int min, int sec);

/* Unix seconds UTC to local time in tz: tm as localtime_r fills it (tm_year + 1900, tm_mon 0-11,
 * tm_gmtoff the offset in seconds). */
void maat_tz_from_utc(const maat_tz *tz, int64_t t, struct tm *out);

/* Parses a timestamp: ISO 8601 ("2024-03-31T02:30:00", 'T' or space, optional fraction, "Z" or
 * "+hh:mm"/"+hhmm"/"+hh"), a date alone ("2024-03-31" = 00:00 local), Dutch "dd-mm-yyyy" and
 * "dd/mm/yyyy" with optional "hh:mm[:ss]". Values without an offset are read in tz. Surrounding
 * white space is ignored. Returns 0 with *secs (unix seconds UTC) and *millis (0-999; may be
 * NULL), or -MAAT_E_DATA with err "not a timestamp: '...'" (the caller adds FILE:LINE). */
int maat_ts_parse(const char *s, const maat_tz *tz, int64_t *secs, int *millis, maat_err *err);

/* Parses a date "yyyy-mm-dd" (also Dutch "dd-mm-yyyy"). Returns 0 or -MAAT_E_USAGE. */
int maat_date_parse(const char *s, int *year, int *month, int *day, maat_err *err);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
int64_t maat_days_from_civil(int year, int month, int day);

/* The inverse: the date of a day number. */
void maat_civil_from_days(int64_t days, int *year, int *month, int *day);

/* ISO 8601 week of a date: *iso_year and *iso_week (1-53), e.g. 2026-01-01 -> 2026-W01,
 * 2027-01-01 -> 2026-W53. */
void maat_iso_week(int year, int month, int day, int *iso_year, int *iso_week);

#endif
