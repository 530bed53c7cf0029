/* TEMPORARY stand-in for the shared timestamp module (branch csv), so the cases pipeline builds
 * and tests before it lands; replaced by main's importers/timestamp.c at the merge. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "maatlat/i18n.h"
#include "maatlat/timestamp.h"
#include "maatlat/util.h"

struct maat_tz {
	char *name;
};

maat_tz *
maat_tz_new(const char *name, maat_err *err)
{
	maat_tz *tz;
	char path[512];
	FILE *f;
	if (strcmp(name, "UTC") != 0) {
		snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
		if (strstr(name, "..") != NULL || (f = fopen(path, "rb")) == NULL) {
			maat_err_set(err, MAAT_E_USAGE, _("unknown time zone '%s'"), name);
			return NULL;
		}
		fclose(f);
	}
	tz = maat_xcalloc(1, sizeof(*tz));
	tz->name = maat_xstrdup(name);
	return tz;
}

void
maat_tz_free(maat_tz *tz)
{
	if (tz != NULL) {
		free(tz->name);
		free(tz);
	}
}

const char *
maat_tz_name(const maat_tz *tz)
{
	return tz->name;
}

int64_t
maat_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
maat_civil_from_days(int64_t z, int *year, int *month, int *day)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	*year = (int)(y + (m <= 2));
	*month = (int)m;
	*day = (int)d;
}

int64_t
maat_tz_to_utc(const maat_tz *tz, int year, int month, int day, int hour, int min, int sec)
{
	int64_t naive =
	    maat_days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
	char *old;
	struct tm tm;
	time_t t;
	if (tz == NULL || strcmp(tz->name, "UTC") == 0) {
		return naive;
	}
	old = getenv("TZ") ? maat_xstrdup(getenv("TZ")) : NULL;
	setenv("TZ", tz->name, 1);
	tzset();
	/* first guess with the offset of the naive instant */
	t = (time_t)naive;
	localtime_r(&t, &tm);
	t = (time_t)(naive - tm.tm_gmtoff);
	localtime_r(&t, &tm);
	t = (time_t)(naive - tm.tm_gmtoff);
	if (old) {
		setenv("TZ", old, 1);
		free(old);
	} else {
		unsetenv("TZ");
	}
	tzset();
	return (int64_t)t;
}

void
maat_tz_from_utc(const maat_tz *tz, int64_t t, struct tm *out)
{
	time_t tt = (time_t)t;
	gmtime_r(&tt, out);
}

static int
num(const char **p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i])) {
			return -1;
		}
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return v;
}

int
maat_ts_parse(const char *s, const maat_tz *tz, int64_t *secs, int *millis, maat_err *err)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, se = 0, ms = 0;
	int64_t off = 0;
	bool has_off = false;
	while (isspace((unsigned char)*p)) {
		p++;
	}
	if (strlen(p) >= 10 && p[4] == '-') {
		if ((y = num(&p, 4)) < 0 || *p++ != '-' || (mo = num(&p, 2)) < 0 || *p++ != '-' ||
		    (d = num(&p, 2)) < 0) {
			goto bad;
		}
	} else if (strlen(p) >= 10 && (p[2] == '-' || p[2] == '/')) {
		char sep = p[2];
		if ((d = num(&p, 2)) < 0 || *p++ != sep || (mo = num(&p, 2)) < 0 || *p++ != sep ||
		    (y = num(&p, 4)) < 0) {
			goto bad;
		}
	} else {
		goto bad;
	}
	if (*p == 'T' || *p == ' ') {
		p++;
		if ((h = num(&p, 2)) < 0 || *p++ != ':' || (mi = num(&p, 2)) < 0) {
			goto bad;
		}
		if (*p == ':') {
			p++;
			if ((se = num(&p, 2)) < 0) {
				goto bad;
			}
			if (*p == '.' || *p == ',') {
				int k = 0;
				p++;
				if (!isdigit((unsigned char)*p)) {
					goto bad;
				}
				while (isdigit((unsigned char)*p)) {
					if (k < 3) {
						ms = ms * 10 + (*p - '0');
					}
					k++;
					p++;
				}
				for (; k < 3; k++) {
					ms *= 10;
				}
			}
		}
		if (*p == 'Z') {
			has_off = true;
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
			if ((oh = num(&p, 2)) < 0) {
				goto bad;
			}
			if (*p == ':') {
				p++;
			}
			if (isdigit((unsigned char)*p) && (om = num(&p, 2)) < 0) {
				goto bad;
			}
			off = sign * (oh * 3600 + om * 60);
			has_off = true;
		}
	}
	while (isspace((unsigned char)*p)) {
		p++;
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) {
		goto bad;
	}
	if (has_off) {
		*secs = maat_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
	} else {
		*secs = maat_tz_to_utc(tz, y, mo, d, h, mi, se);
	}
	if (millis) {
		*millis = ms;
	}
	return 0;
bad:
	return maat_err_set(err, MAAT_E_DATA, _("not a timestamp: '%s'"), s);
}

int
maat_date_parse(const char *s, int *year, int *month, int *day, maat_err *err)
{
	return maat_err_set(err, MAAT_E_USAGE, "stub");
}

void
maat_iso_week(int year, int month, int day, int *iso_year, int *iso_week)
{
	*iso_year = year;
	*iso_week = 1;
}
