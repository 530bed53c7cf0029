/* Time zones and timestamps.
 *
 * Zones come from the system tzdata through glibc: the zone's TZif file is checked to exist,
 * and conversions set TZ to it, call tzset() and localtime_r(), then restore TZ (maatlat is
 * single-threaded). glibc converts UTC to local time exactly; the other way round (local ->
 * UTC) this file does itself from the offsets a day before and after, so that a time in the
 * spring-forward gap and an ambiguous autumn time follow the rules of timestamp.h rather than
 * whatever mktime() picks.
 *
 * Switching TZ costs a tzset() (glibc re-reads the zone file), so results are cached: the UTC
 * offset of each local day (and each UTC day for the reverse) that has no transition near it,
 * and per local hour on transition days. A case log of 10 million rows spans a few thousand
 * days, so almost every row is two integer operations and one table look-up. Timestamps with
 * "Z" or an explicit offset never touch the zone at all. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "maatlat/i18n.h"
#include "maatlat/timestamp.h"
#include "maatlat/util.h"

enum {
	/* entries in the per-day caches (direct-mapped by day number) */
	DAY_SLOTS = 4096,
	/* entries in the per-hour cache used on days with a transition */
	HOUR_SLOTS = 256,
	/* the longest value quoted in an error message, in bytes */
	QUOTE_MAX = 60,
};

enum slot_state {
	/* nothing cached */
	SLOT_EMPTY = 0,
	/* one offset holds for the whole day (or hour) */
	SLOT_UNIFORM,
	/* a transition falls inside: look closer */
	SLOT_MIXED,
};

typedef struct slot {
	/* the day or hour number cached here */
	int64_t key;
	/* the zone abbreviation (glibc's, valid for the process's life) for UTC -> local */
	const char *zone;
	/* the UTC offset in seconds */
	int32_t off;
	/* tm_isdst for UTC -> local */
	int8_t isdst;
	/* enum slot_state */
	uint8_t state;
} slot;

typedef struct tz_cache {
	/* local day -> offset, for maat_tz_to_utc */
	slot local_day[DAY_SLOTS];
	/* local hour -> offset, on days with a transition */
	slot local_hour[HOUR_SLOTS];
	/* UTC day -> offset, isdst and abbreviation, for maat_tz_from_utc */
	slot utc_day[DAY_SLOTS];
} tz_cache;

struct maat_tz {
	/* the IANA name as given; owned */
	char *name;
	/* the TZ value that selects it: ":" and the absolute path of its TZif file; owned */
	char *spec;
	/* true for UTC itself: no tzdata needed */
	bool utc;
	/* results already computed (mutable behind the const maat_tz * of the API); owned */
	tz_cache *cache;
};

/* The TZ variable saved while a zone is selected. */
typedef struct tz_saved {
	/* the previous value; owned; NULL when TZ was unset */
	char *value;
} tz_saved;

static void
tz_enter(const maat_tz *tz, tz_saved *saved)
{
	const char *old = getenv("TZ");
	saved->value = old != NULL ? maat_xstrdup(old) : NULL;
	setenv("TZ", tz->spec, 1);
	tzset();
}

static void
tz_leave(tz_saved *saved)
{
	if (saved->value != NULL) {
		setenv("TZ", saved->value, 1);
	} else {
		unsetenv("TZ");
	}
	tzset();
	free(saved->value);
	saved->value = NULL;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t
maat_days_from_civil(int year, int month, int day)
{
	/* years start in March so that the leap day is the last day of the year; 400-year eras
	 * of 146,097 days */
	int64_t y = (int64_t)year - (month <= 2 ? 1 : 0);
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t mp = month > 2 ? month - 3 : month + 9;
	int64_t doy = (153 * mp + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	/* 719,468 days from 0000-03-01 to 1970-01-01 */
	return era * 146097 + doe - 719468;
}

void
maat_civil_from_days(int64_t days, int *year, int *month, int *day)
{
	int64_t z = days + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	*year = (int)(yoe + era * 400 + (m <= 2 ? 1 : 0));
	*month = (int)m;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
}

void
maat_iso_week(int year, int month, int day, int *iso_year, int *iso_week)
{
	int64_t d = maat_days_from_civil(year, month, day);
	/* 1970-01-01 was a Thursday: Monday = 1 ... Sunday = 7 */
	int64_t wday = d - floor_div(d + 3, 7) * 7 + 3 + 1;
	/* the week belongs to the year of its Thursday */
	int64_t thursday = d - wday + 4;
	int y, m, dd;
	maat_civil_from_days(thursday, &y, &m, &dd);
	*iso_year = y;
	*iso_week = (int)((thursday - maat_days_from_civil(y, 1, 1)) / 7 + 1);
}

static bool
valid_zone_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 200 || name[0] == '/' || name[0] == '.') {
		return false;
	}
	if (strstr(name, "..") != NULL || strstr(name, "/.") != NULL) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '/' || c == '_' || c == '+' || c == '-' || c == '.')) {
			return false;
		}
	}
	return true;
}

maat_tz *
maat_tz_new(const char *name, maat_err *err)
{
	const char *dir = getenv("TZDIR");
	char *path = NULL;
	char magic[4];
	FILE *f = NULL;
	maat_tz *tz = NULL;

	if (name == NULL || !valid_zone_name(name)) {
		goto unknown;
	}
	if (dir == NULL || dir[0] != '/') {
		dir = "/usr/share/zoneinfo";
	}
	path = maat_xasprintf("%s/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL || fread(magic, 1, 4, f) != 4 ||
	    memcmp(magic, "TZif", 4) != 0) {
		goto unknown;
	}
	fclose(f);
	tz = maat_xcalloc(1, sizeof(*tz));
	tz->name = maat_xstrdup(name);
	tz->spec = maat_xasprintf(":%s", path);
	tz->utc = strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0;
	tz->cache = maat_xcalloc(1, sizeof(*tz->cache));
	free(path);
	return tz;
unknown:
	if (f != NULL) {
		fclose(f);
	}
	free(path);
	maat_err_set(err, MAAT_E_USAGE,
		     _("unknown time zone '%s' (use a tz database name such as Europe/Amsterdam)"),
		     name != NULL ? name : "");
	return NULL;
}

void
maat_tz_free(maat_tz *tz)
{
	if (tz == NULL) {
		return;
	}
	free(tz->name);
	free(tz->spec);
	free(tz->cache);
	free(tz);
}

const char *
maat_tz_name(const maat_tz *tz)
{
	return tz->name;
}

/* The UTC offset at t in the zone selected by tz_enter(). */
static int32_t
offset_at(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (localtime_r(&tt, &tm) == NULL) {
		return 0;
	}
	return (int32_t)tm.tm_gmtoff;
}

/* Local seconds (wall clock as if it were UTC) to UTC, in the zone selected by tz_enter(). It
 * assumes at most one transition within a day of L, which holds for all of tzdata. */
static int64_t
resolve(int64_t local)
{
	int32_t before = offset_at(local - 86400), after = offset_at(local + 86400);
	int64_t t1 = local - before, t2 = local - after;
	bool v1, v2;

	if (before == after) {
		return t1;
	}
	v1 = offset_at(t1) == before;
	v2 = offset_at(t2) == after;
	if (v1 && v2) {
		/* ambiguous (clocks went back): the first occurrence is the earlier instant */
		return t1 < t2 ? t1 : t2;
	}
	if (v1) {
		return t1;
	}
	if (v2) {
		return t2;
	}
	/* in the gap (clocks went forward): read with the offset before the change, which
	 * lands the length of the gap later on the new clock (02:30 -> 03:30) */
	return t1;
}

static int64_t
local_to_utc(const maat_tz *tz, int64_t local)
{
	tz_cache *c = tz->cache;
	int64_t day = floor_div(local, 86400), hour;
	slot *s = &c->local_day[day & (DAY_SLOTS - 1)];
	tz_saved saved;
	int64_t t;

	if (s->state == SLOT_EMPTY || s->key != day) {
		/* the local day lies within [start - 14 h, end + 14 h] in UTC; one offset a day
		 * either side means no transition in between */
		int64_t start = day * 86400;
		int32_t o1, o2;
		tz_enter(tz, &saved);
		o1 = offset_at(start - 86400);
		o2 = offset_at(start + 2 * 86400);
		tz_leave(&saved);
		s->key = day;
		s->off = o1;
		s->state = o1 == o2 ? SLOT_UNIFORM : SLOT_MIXED;
	}
	if (s->state == SLOT_UNIFORM) {
		return local - s->off;
	}
	hour = floor_div(local, 3600);
	s = &c->local_hour[hour & (HOUR_SLOTS - 1)];
	if (s->state == SLOT_EMPTY || s->key != hour) {
		int64_t start = hour * 3600;
		int64_t off0, off1;
		tz_enter(tz, &saved);
		off0 = start - resolve(start);
		off1 = start + 3599 - resolve(start + 3599);
		tz_leave(&saved);
		s->key = hour;
		s->off = (int32_t)off0;
		/* a 30-minute transition (Lord Howe) makes the two ends differ */
		s->state = off0 == off1 ? SLOT_UNIFORM : SLOT_MIXED;
	}
	if (s->state == SLOT_UNIFORM) {
		return local - s->off;
	}
	tz_enter(tz, &saved);
	t = resolve(local);
	tz_leave(&saved);
	return t;
}

int64_t
maat_tz_to_utc(const maat_tz *tz, int year, int month, int day, int hour, int min, int sec)
{
	int64_t local = maat_days_from_civil(year, month, day) * 86400 + (int64_t)hour * 3600 +
			(int64_t)min * 60 + sec;
	if (tz == NULL || tz->utc) {
		return local;
	}
	return local_to_utc(tz, local);
}

static void
fill_tm(int64_t t, int32_t off, int isdst, const char *zone, struct tm *out)
{
	int64_t local = t + off;
	int64_t days = floor_div(local, 86400);
	int64_t secs = local - days * 86400;
	int y, m, d;

	maat_civil_from_days(days, &y, &m, &d);
	memset(out, 0, sizeof(*out));
	out->tm_year = y - 1900;
	out->tm_mon = m - 1;
	out->tm_mday = d;
	out->tm_hour = (int)(secs / 3600);
	out->tm_min = (int)(secs / 60 % 60);
	out->tm_sec = (int)(secs % 60);
	out->tm_wday = (int)(days - floor_div(days + 4, 7) * 7 + 4);
	out->tm_yday = (int)(days - maat_days_from_civil(y, 1, 1));
	out->tm_isdst = isdst;
	out->tm_gmtoff = off;
	out->tm_zone = zone;
}

void
maat_tz_from_utc(const maat_tz *tz, int64_t t, struct tm *out)
{
	int64_t day = floor_div(t, 86400);
	tz_saved saved;
	slot *s;

	if (tz == NULL || tz->utc) {
		fill_tm(t, 0, 0, "UTC", out);
		return;
	}
	s = &tz->cache->utc_day[day & (DAY_SLOTS - 1)];
	if (s->state == SLOT_EMPTY || s->key != day) {
		time_t a = (time_t)(day * 86400), b = (time_t)(day * 86400 + 86399);
		struct tm ta, tb;
		tz_enter(tz, &saved);
		localtime_r(&a, &ta);
		localtime_r(&b, &tb);
		tz_leave(&saved);
		s->key = day;
		s->off = (int32_t)ta.tm_gmtoff;
		s->isdst = (int8_t)ta.tm_isdst;
		s->zone = ta.tm_zone;
		s->state = ta.tm_gmtoff == tb.tm_gmtoff && ta.tm_isdst == tb.tm_isdst ? SLOT_UNIFORM
										      : SLOT_MIXED;
	}
	if (s->state == SLOT_UNIFORM) {
		fill_tm(t, s->off, s->isdst, s->zone, out);
		return;
	}
	{
		time_t tt = (time_t)t;
		tz_enter(tz, &saved);
		localtime_r(&tt, out);
		tz_leave(&saved);
	}
}

/* A cursor over the trimmed text. */
typedef struct cur {
	/* the next character */
	const char *p;
	/* the end of the text */
	const char *end;
} cur;

/* Reads min..max digits into *v. */
static bool
digits(cur *c, int min, int max, int *v)
{
	int n = 0, x = 0;
	while (n < max && c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		x = x * 10 + (*c->p - '0');
		c->p++;
		n++;
	}
	*v = x;
	return n >= min;
}

static bool
take(cur *c, char ch)
{
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

static bool
more_digits(const cur *c)
{
	return c->p < c->end && *c->p >= '0' && *c->p <= '9';
}

static int
days_in_month(int year, int month)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : mdays[month - 1];
}

/* Reads "yyyy-mm-dd", "dd-mm-yyyy" or "dd/mm/yyyy" and checks the calendar. */
static bool
parse_date(cur *c, int *year, int *month, int *day)
{
	cur save = *c;
	int a, b, y;

	if (digits(c, 4, 4, &y) && !more_digits(c) && take(c, '-') && digits(c, 2, 2, &a) &&
	    take(c, '-') && digits(c, 2, 2, &b) && !more_digits(c)) {
		*year = y;
		*month = a;
		*day = b;
	} else {
		char sep;
		*c = save;
		if (!digits(c, 1, 2, &a) || more_digits(c) || c->p >= c->end ||
		    (*c->p != '-' && *c->p != '/')) {
			return false;
		}
		sep = *c->p++;
		if (!digits(c, 1, 2, &b) || more_digits(c) || !take(c, sep) ||
		    !digits(c, 4, 4, &y) || more_digits(c)) {
			return false;
		}
		*year = y;
		*month = b;
		*day = a;
	}
	return *year >= 1 && *year <= 9999 && *month >= 1 && *month <= 12 && *day >= 1 &&
	       *day <= days_in_month(*year, *month);
}

static void
trim(const char *s, cur *c)
{
	const char *e = s + strlen(s);
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
		s++;
	}
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) {
		e--;
	}
	c->p = s;
	c->end = e;
}

/* The trimmed value for a message: at most QUOTE_MAX bytes, not cutting a UTF-8 character. */
static int
quote_len(const cur *c)
{
	size_t n = (size_t)(c->end - c->p);
	if (n > QUOTE_MAX) {
		n = QUOTE_MAX;
		while (n > 0 && ((unsigned char)c->p[n] & 0xC0) == 0x80) {
			n--;
		}
	}
	return (int)n;
}

int
maat_ts_parse(const char *s, const maat_tz *tz, int64_t *secs, int *millis, maat_err *err)
{
	cur c, all;
	int year, month, day, hour = 0, min = 0, sec = 0, ms = 0;
	bool has_offset = false;
	int32_t offset = 0;
	int64_t local;

	trim(s != NULL ? s : "", &c);
	all = c;
	if (!parse_date(&c, &year, &month, &day)) {
		goto bad;
	}
	if (c.p < c.end) {
		/* 'T' or blanks, then hh:mm[:ss[.fff]] */
		if (!take(&c, 'T') && !take(&c, 't')) {
			if (!take(&c, ' ')) {
				goto bad;
			}
			while (take(&c, ' ')) {
			}
		}
		if (!digits(&c, 1, 2, &hour) || more_digits(&c) || !take(&c, ':') ||
		    !digits(&c, 2, 2, &min) || more_digits(&c)) {
			goto bad;
		}
		if (take(&c, ':')) {
			if (!digits(&c, 2, 2, &sec) || more_digits(&c)) {
				goto bad;
			}
			if (take(&c, '.') || take(&c, ',')) {
				int n = 0;
				if (!more_digits(&c)) {
					goto bad;
				}
				/* milliseconds, truncated: .1 = 100, .123456 = 123 */
				while (more_digits(&c)) {
					if (n < 3) {
						ms = ms * 10 + (*c.p - '0');
					}
					n++;
					c.p++;
				}
				for (; n < 3; n++) {
					ms *= 10;
				}
			}
		}
		if (hour > 23 || min > 59 || sec > 59) {
			goto bad;
		}
		while (take(&c, ' ')) {
		}
		if (take(&c, 'Z') || take(&c, 'z')) {
			has_offset = true;
		} else if (c.p < c.end && (*c.p == '+' || *c.p == '-')) {
			int sign = *c.p++ == '-' ? -1 : 1, oh, om = 0;
			if (!digits(&c, 2, 2, &oh)) {
				goto bad;
			}
			if (take(&c, ':')) {
				if (!digits(&c, 2, 2, &om)) {
					goto bad;
				}
			} else if (more_digits(&c) && !digits(&c, 2, 2, &om)) {
				goto bad;
			}
			if (more_digits(&c) || oh > 23 || om > 59) {
				goto bad;
			}
			has_offset = true;
			offset = sign * (oh * 3600 + om * 60);
		}
		if (c.p != c.end) {
			goto bad;
		}
	}
	local = maat_days_from_civil(year, month, day) * 86400 + (int64_t)hour * 3600 +
		(int64_t)min * 60 + sec;
	*secs = has_offset ? local - offset : maat_tz_to_utc(tz, year, month, day, hour, min, sec);
	if (millis != NULL) {
		*millis = ms;
	}
	return 0;
bad:
	return maat_err_set(err, MAAT_E_DATA, _("not a timestamp: '%.*s'"), quote_len(&all), all.p);
}

int
maat_date_parse(const char *s, int *year, int *month, int *day, maat_err *err)
{
	cur c, all;

	trim(s != NULL ? s : "", &c);
	all = c;
	if (!parse_date(&c, year, month, day) || c.p != c.end) {
		return maat_err_set(err, MAAT_E_USAGE, _("not a date: '%.*s' (use yyyy-mm-dd)"),
				    quote_len(&all), all.p);
	}
	return 0;
}
