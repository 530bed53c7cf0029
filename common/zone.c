/* Time zones and dates shared by the importers (TZIDs of calendar files, Outlook CSV times) and
 * the analyses (weeks in the organisation's zone): names resolved against libical's builtin
 * zones (the system's tzdata), Windows and Exchange display names mapped to IANA, and a
 * date's midnight in a zone as unix seconds UTC. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libical/ical.h>

#include "maatlat/i18n.h"
#include "maatlat/util.h"
#include "maatlat/zone.h"

static const struct {
	/* Windows zone name (Outlook/Exchange TZID) */
	const char *win;
	/* IANA zone (CLDR windowsZones, territory 001; names as in zone.tab) */
	const char *iana;
} winzones[] = {
    {"AUS Central Standard Time", "Australia/Darwin"},
    {"AUS Eastern Standard Time", "Australia/Sydney"},
    {"Afghanistan Standard Time", "Asia/Kabul"},
    {"Alaskan Standard Time", "America/Anchorage"},
    {"Arab Standard Time", "Asia/Riyadh"},
    {"Arabian Standard Time", "Asia/Dubai"},
    {"Arabic Standard Time", "Asia/Baghdad"},
    {"Argentina Standard Time", "America/Argentina/Buenos_Aires"},
    {"Atlantic Standard Time", "America/Halifax"},
    {"Azerbaijan Standard Time", "Asia/Baku"},
    {"Azores Standard Time", "Atlantic/Azores"},
    {"Bangladesh Standard Time", "Asia/Dhaka"},
    {"Belarus Standard Time", "Europe/Minsk"},
    {"Canada Central Standard Time", "America/Regina"},
    {"Cape Verde Standard Time", "Atlantic/Cape_Verde"},
    {"Cen. Australia Standard Time", "Australia/Adelaide"},
    {"Central America Standard Time", "America/Guatemala"},
    {"Central Asia Standard Time", "Asia/Almaty"},
    {"Central Brazilian Standard Time", "America/Cuiaba"},
    {"Central Europe Standard Time", "Europe/Budapest"},
    {"Central European Standard Time", "Europe/Warsaw"},
    {"Central Pacific Standard Time", "Pacific/Guadalcanal"},
    {"Central Standard Time", "America/Chicago"},
    {"Central Standard Time (Mexico)", "America/Mexico_City"},
    {"China Standard Time", "Asia/Shanghai"},
    {"E. Africa Standard Time", "Africa/Nairobi"},
    {"E. Australia Standard Time", "Australia/Brisbane"},
    {"E. Europe Standard Time", "Europe/Chisinau"},
    {"E. South America Standard Time", "America/Sao_Paulo"},
    {"Eastern Standard Time", "America/New_York"},
    {"Egypt Standard Time", "Africa/Cairo"},
    {"Ekaterinburg Standard Time", "Asia/Yekaterinburg"},
    {"FLE Standard Time", "Europe/Helsinki"},
    {"Fiji Standard Time", "Pacific/Fiji"},
    {"GMT Standard Time", "Europe/London"},
    {"GTB Standard Time", "Europe/Bucharest"},
    {"Georgian Standard Time", "Asia/Tbilisi"},
    {"Greenland Standard Time", "America/Nuuk"},
    {"Greenwich Standard Time", "Atlantic/Reykjavik"},
    {"Hawaiian Standard Time", "Pacific/Honolulu"},
    {"India Standard Time", "Asia/Kolkata"},
    {"Iran Standard Time", "Asia/Tehran"},
    {"Israel Standard Time", "Asia/Jerusalem"},
    {"Jordan Standard Time", "Asia/Amman"},
    {"Kaliningrad Standard Time", "Europe/Kaliningrad"},
    {"Korea Standard Time", "Asia/Seoul"},
    {"Magadan Standard Time", "Asia/Magadan"},
    {"Mauritius Standard Time", "Indian/Mauritius"},
    {"Mexico Standard Time", "America/Mexico_City"},
    {"Middle East Standard Time", "Asia/Beirut"},
    {"Montevideo Standard Time", "America/Montevideo"},
    {"Morocco Standard Time", "Africa/Casablanca"},
    {"Mountain Standard Time", "America/Denver"},
    {"Myanmar Standard Time", "Asia/Yangon"},
    {"N. Central Asia Standard Time", "Asia/Novosibirsk"},
    {"Namibia Standard Time", "Africa/Windhoek"},
    {"Nepal Standard Time", "Asia/Kathmandu"},
    {"New Zealand Standard Time", "Pacific/Auckland"},
    {"Newfoundland Standard Time", "America/St_Johns"},
    {"North Asia East Standard Time", "Asia/Irkutsk"},
    {"North Asia Standard Time", "Asia/Krasnoyarsk"},
    {"Pacific SA Standard Time", "America/Santiago"},
    {"Pacific Standard Time", "America/Los_Angeles"},
    {"Pacific Standard Time (Mexico)", "America/Tijuana"},
    {"Pakistan Standard Time", "Asia/Karachi"},
    {"Paraguay Standard Time", "America/Asuncion"},
    {"Romance Standard Time", "Europe/Paris"},
    {"Russian Standard Time", "Europe/Moscow"},
    {"SA Eastern Standard Time", "America/Cayenne"},
    {"SA Pacific Standard Time", "America/Bogota"},
    {"SA Western Standard Time", "America/La_Paz"},
    {"SE Asia Standard Time", "Asia/Bangkok"},
    {"Singapore Standard Time", "Asia/Singapore"},
    {"South Africa Standard Time", "Africa/Johannesburg"},
    {"Sri Lanka Standard Time", "Asia/Colombo"},
    {"Syria Standard Time", "Asia/Damascus"},
    {"Taipei Standard Time", "Asia/Taipei"},
    {"Tasmania Standard Time", "Australia/Hobart"},
    {"Tokyo Standard Time", "Asia/Tokyo"},
    {"Tonga Standard Time", "Pacific/Tongatapu"},
    {"Turkey Standard Time", "Europe/Istanbul"},
    {"US Eastern Standard Time", "America/Indiana/Indianapolis"},
    {"US Mountain Standard Time", "America/Phoenix"},
    {"UTC", "UTC"},
    {"Venezuela Standard Time", "America/Caracas"},
    {"Vladivostok Standard Time", "Asia/Vladivostok"},
    {"W. Australia Standard Time", "Australia/Perth"},
    {"W. Central Africa Standard Time", "Africa/Lagos"},
    {"W. Europe Standard Time", "Europe/Berlin"},
    {"West Asia Standard Time", "Asia/Tashkent"},
    {"West Pacific Standard Time", "Pacific/Port_Moresby"},
    {"Yakutsk Standard Time", "Asia/Yakutsk"},
    {"Dateline Standard Time", "Etc/GMT+12"},
    {"UTC-11", "Etc/GMT+11"},
};

/* Windows zone display names as Outlook and Exchange write them in TZID ("(UTC+01:00)
 * Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"), without the offset prefix, and their
 * Windows zone ids (the names of Windows' time zone registry; ids to IANA by CLDR above).
 * Older Windows wrote "(GMT+01:00) ..." and some names changed over the years (Kiev -> Kyiv):
 * both spellings are listed. Compared after normalising '&' to "and", case and spaces. */
static const struct {
	const char *display;
	const char *win;
} windisplay[] = {
    {"International Date Line West", "Dateline Standard Time"},
    {"Coordinated Universal Time-11", "UTC-11"},
    {"Hawaii", "Hawaiian Standard Time"},
    {"Alaska", "Alaskan Standard Time"},
    {"Pacific Time (US & Canada)", "Pacific Standard Time"},
    {"Baja California", "Pacific Standard Time (Mexico)"},
    {"Tijuana, Baja California", "Pacific Standard Time (Mexico)"},
    {"Arizona", "US Mountain Standard Time"},
    {"Mountain Time (US & Canada)", "Mountain Standard Time"},
    {"Central America", "Central America Standard Time"},
    {"Central Time (US & Canada)", "Central Standard Time"},
    {"Guadalajara, Mexico City, Monterrey", "Central Standard Time (Mexico)"},
    {"Saskatchewan", "Canada Central Standard Time"},
    {"Bogota, Lima, Quito, Rio Branco", "SA Pacific Standard Time"},
    {"Bogota, Lima, Quito", "SA Pacific Standard Time"},
    {"Eastern Time (US & Canada)", "Eastern Standard Time"},
    {"Indiana (East)", "US Eastern Standard Time"},
    {"Atlantic Time (Canada)", "Atlantic Standard Time"},
    {"Caracas", "Venezuela Standard Time"},
    {"Cuiaba", "Central Brazilian Standard Time"},
    {"Georgetown, La Paz, Manaus, San Juan", "SA Western Standard Time"},
    {"Santiago", "Pacific SA Standard Time"},
    {"Newfoundland", "Newfoundland Standard Time"},
    {"Brasilia", "E. South America Standard Time"},
    {"City of Buenos Aires", "Argentina Standard Time"},
    {"Buenos Aires", "Argentina Standard Time"},
    {"Cayenne, Fortaleza", "SA Eastern Standard Time"},
    {"Greenland", "Greenland Standard Time"},
    {"Montevideo", "Montevideo Standard Time"},
    {"Azores", "Azores Standard Time"},
    {"Cabo Verde Is.", "Cape Verde Standard Time"},
    {"Cape Verde Is.", "Cape Verde Standard Time"},
    {"Coordinated Universal Time", "UTC"},
    {"Dublin, Edinburgh, Lisbon, London", "GMT Standard Time"},
    {"Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London", "GMT Standard Time"},
    {"Greenwich Mean Time: Dublin, Edinburgh, Lisbon, London", "GMT Standard Time"},
    {"Monrovia, Reykjavik", "Greenwich Standard Time"},
    {"Casablanca", "Morocco Standard Time"},
    {"Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "W. Europe Standard Time"},
    {"Belgrade, Bratislava, Budapest, Ljubljana, Prague", "Central Europe Standard Time"},
    {"Brussels, Copenhagen, Madrid, Paris", "Romance Standard Time"},
    {"Sarajevo, Skopje, Warsaw, Zagreb", "Central European Standard Time"},
    {"West Central Africa", "W. Central Africa Standard Time"},
    {"Athens, Bucharest", "GTB Standard Time"},
    {"Athens, Bucharest, Istanbul", "GTB Standard Time"},
    {"Beirut", "Middle East Standard Time"},
    {"Cairo", "Egypt Standard Time"},
    {"Chisinau", "E. Europe Standard Time"},
    {"Harare, Pretoria", "South Africa Standard Time"},
    {"Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius", "FLE Standard Time"},
    {"Helsinki, Kiev, Riga, Sofia, Tallinn, Vilnius", "FLE Standard Time"},
    {"Jerusalem", "Israel Standard Time"},
    {"Kaliningrad", "Kaliningrad Standard Time"},
    {"Windhoek", "Namibia Standard Time"},
    {"Amman", "Jordan Standard Time"},
    {"Damascus", "Syria Standard Time"},
    {"Baghdad", "Arabic Standard Time"},
    {"Istanbul", "Turkey Standard Time"},
    {"Kuwait, Riyadh", "Arab Standard Time"},
    {"Minsk", "Belarus Standard Time"},
    {"Moscow, St. Petersburg", "Russian Standard Time"},
    {"Moscow, St. Petersburg, Volgograd", "Russian Standard Time"},
    {"Nairobi", "E. Africa Standard Time"},
    {"Tehran", "Iran Standard Time"},
    {"Abu Dhabi, Muscat", "Arabian Standard Time"},
    {"Baku", "Azerbaijan Standard Time"},
    {"Port Louis", "Mauritius Standard Time"},
    {"Tbilisi", "Georgian Standard Time"},
    {"Kabul", "Afghanistan Standard Time"},
    {"Ekaterinburg", "Ekaterinburg Standard Time"},
    {"Islamabad, Karachi", "Pakistan Standard Time"},
    {"Ashgabat, Tashkent", "West Asia Standard Time"},
    {"Chennai, Kolkata, Mumbai, New Delhi", "India Standard Time"},
    {"Sri Jayawardenepura", "Sri Lanka Standard Time"},
    {"Kathmandu", "Nepal Standard Time"},
    {"Astana", "Central Asia Standard Time"},
    {"Dhaka", "Bangladesh Standard Time"},
    {"Yangon (Rangoon)", "Myanmar Standard Time"},
    {"Bangkok, Hanoi, Jakarta", "SE Asia Standard Time"},
    {"Krasnoyarsk", "North Asia Standard Time"},
    {"Novosibirsk", "N. Central Asia Standard Time"},
    {"Beijing, Chongqing, Hong Kong, Urumqi", "China Standard Time"},
    {"Irkutsk", "North Asia East Standard Time"},
    {"Kuala Lumpur, Singapore", "Singapore Standard Time"},
    {"Perth", "W. Australia Standard Time"},
    {"Taipei", "Taipei Standard Time"},
    {"Osaka, Sapporo, Tokyo", "Tokyo Standard Time"},
    {"Seoul", "Korea Standard Time"},
    {"Yakutsk", "Yakutsk Standard Time"},
    {"Adelaide", "Cen. Australia Standard Time"},
    {"Darwin", "AUS Central Standard Time"},
    {"Brisbane", "E. Australia Standard Time"},
    {"Canberra, Melbourne, Sydney", "AUS Eastern Standard Time"},
    {"Guam, Port Moresby", "West Pacific Standard Time"},
    {"Hobart", "Tasmania Standard Time"},
    {"Vladivostok", "Vladivostok Standard Time"},
    {"Solomon Is., New Caledonia", "Central Pacific Standard Time"},
    {"Magadan", "Magadan Standard Time"},
    {"Auckland, Wellington", "New Zealand Standard Time"},
    {"Fiji", "Fiji Standard Time"},
    {"Nuku'alofa", "Tonga Standard Time"},
};

/* s lower-cased, "&" as "and", runs of spaces as one, no space before a comma or colon. */
static void
display_norm(const char *s, char *out, size_t n)
{
	size_t k = 0;
	bool space = false;
	for (; *s && k + 4 < n; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == ' ' || ch == '\t') {
			space = k > 0;
			continue;
		}
		if (space && ch != ',' && ch != ':') {
			out[k++] = ' ';
		}
		space = false;
		if (ch == '&') {
			memcpy(out + k, "and", 3);
			k += 3;
		} else {
			out[k++] = (char)tolower(ch);
		}
	}
	out[k] = '\0';
}

/* The Windows zone id of a display name with or without its "(UTC+01:00) " prefix; NULL when
 * unknown. */
static const char *
windows_display_zone(const char *name)
{
	char want[256], have[256];
	const char *p = name;
	if ((strncasecmp(p, "(UTC", 4) == 0 || strncasecmp(p, "(GMT", 4) == 0) &&
	    strchr(p, ')') != NULL) {
		p = strchr(p, ')') + 1;
	}
	display_norm(p, want, sizeof(want));
	for (size_t i = 0; i < sizeof(windisplay) / sizeof(windisplay[0]); i++) {
		display_norm(windisplay[i].display, have, sizeof(have));
		if (strcmp(want, have) == 0) {
			return windisplay[i].win;
		}
	}
	return NULL;
}

const char *
maat_zone_windows(const char *name)
{
	if (name == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < sizeof(winzones) / sizeof(winzones[0]); i++) {
		if (strcasecmp(winzones[i].win, name) == 0) {
			return winzones[i].iana;
		}
	}
	return NULL;
}

static bool
is_utc_name(const char *s)
{
	return strcasecmp(s, "UTC") == 0 || strcasecmp(s, "GMT") == 0 || strcasecmp(s, "Z") == 0 ||
	       strcasecmp(s, "Etc/UTC") == 0 || strcasecmp(s, "Etc/GMT") == 0 ||
	       strcasecmp(s, "Coordinated Universal Time") == 0;
}

icaltimezone *
maat_zone_builtin(const char *name)
{
	if (name == NULL || *name == '\0') {
		return NULL;
	}
	if (is_utc_name(name)) {
		return icaltimezone_get_utc_timezone();
	}
	/* libical only knows names with a '/'; it loads a file from tzdata otherwise */
	if (strchr(name, '/') == NULL || strstr(name, "..") != NULL) {
		return NULL;
	}
	return icaltimezone_get_builtin_timezone(name);
}

icaltimezone *
maat_zone_resolve(const char *raw)
{
	char name[256];
	icaltimezone *z;
	size_t n;

	snprintf(name, sizeof(name), "%s", raw);
	maat_trim(name);
	n = strlen(name);
	if (n >= 2 && name[0] == '"' && name[n - 1] == '"') {
		name[n - 1] = '\0';
		memmove(name, name + 1, n - 1);
	}
	if ((z = maat_zone_builtin(name)) != NULL) {
		return z;
	}
	for (char *p = strchr(name, '/'); p != NULL; p = strchr(p + 1, '/')) {
		if ((z = maat_zone_builtin(p + 1)) != NULL) {
			return z;
		}
	}
	if ((z = maat_zone_builtin(maat_zone_windows(name))) != NULL) {
		return z;
	}
	if ((z = maat_zone_builtin(maat_zone_windows(windows_display_zone(name)))) != NULL) {
		return z;
	}
	if ((strncmp(name, "(UTC", 4) == 0 || strncmp(name, "(GMT", 4) == 0) &&
	    strchr(name, ')') != NULL) {
		static const char *const areas[] = {"Europe",    "America", "Asia",     "Africa",
						    "Australia", "Pacific", "Atlantic", "Indian"};
		char city[128];
		const char *s = strchr(name, ')') + 1;
		size_t k = 0;
		while (*s == ' ') {
			s++;
		}
		for (; *s && *s != ',' && k + 1 < sizeof(city); s++) {
			city[k++] = *s == ' ' ? '_' : *s;
		}
		city[k] = '\0';
		if (strcmp(name + 1, "UTC)") == 0 || strncmp(name, "(UTC) Coordinated", 17) == 0) {
			return icaltimezone_get_utc_timezone();
		}
		for (size_t i = 0; k > 0 && i < sizeof(areas) / sizeof(areas[0]); i++) {
			char full[200];
			snprintf(full, sizeof(full), "%s/%s", areas[i], city);
			if ((z = maat_zone_builtin(full)) != NULL) {
				return z;
			}
		}
	}
	return NULL;
}

/* fd 2 is the process': while one thread has it pointed at a capture file, another thread's
 * messages would land there. maat_quiet_begin/end hold this lock (recursive: a zone look-up
 * inside a reader nests), and so does a thread that writes to stderr while a reader may run on
 * another (maat_stderr_lock). */
static pthread_mutex_t stderr_mu;
static pthread_once_t stderr_once = PTHREAD_ONCE_INIT;

static void
stderr_mu_init(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&stderr_mu, &a);
	pthread_mutexattr_destroy(&a);
}

void
maat_stderr_lock(void)
{
	pthread_once(&stderr_once, stderr_mu_init);
	pthread_mutex_lock(&stderr_mu);
}

void
maat_stderr_unlock(void)
{
	pthread_mutex_unlock(&stderr_mu);
}

/* This thread's captures: how deep they nest, the innermost one (the capture fd 2 points at)
 * and the outermost one that redirected (its saved descriptor is the real stderr). */
static _Thread_local int quiet_depth;
static _Thread_local maat_quiet *quiet_inner, *quiet_outer;

void
maat_quiet_begin(maat_quiet *q)
{
	maat_stderr_lock();
	q->saved = -1;
	q->tmp = NULL;
	q->outer = quiet_inner;
	quiet_depth++;
	quiet_inner = q;
	icalerror_set_errors_are_fatal(0);
	fflush(stderr);
	if (getenv("MAATLAT_LIBICAL_STDERR") != NULL) {
		return;
	}
	if ((q->tmp = tmpfile()) == NULL) {
		return;
	}
	if ((q->saved = dup(STDERR_FILENO)) < 0 || dup2(fileno(q->tmp), STDERR_FILENO) < 0) {
		if (q->saved >= 0) {
			close(q->saved);
		}
		q->saved = -1;
		fclose(q->tmp);
		q->tmp = NULL;
		return;
	}
	if (quiet_outer == NULL) {
		quiet_outer = q;
	}
}

FILE *
maat_quiet_end(maat_quiet *q)
{
	FILE *f = q->tmp;
	quiet_depth--;
	quiet_inner = q->outer;
	if (quiet_outer == q) {
		quiet_outer = NULL;
	}
	if (q->saved < 0) {
		maat_stderr_unlock();
		return NULL;
	}
	fflush(stderr);
	dup2(q->saved, STDERR_FILENO);
	close(q->saved);
	q->saved = -1;
	q->tmp = NULL;
	maat_stderr_unlock();
	rewind(f);
	return f;
}

/* The innermost capture of this thread that redirected fd 2 (NULL: none). */
static maat_quiet *
redirecting(void)
{
	for (maat_quiet *q = quiet_inner; q != NULL; q = q->outer) {
		if (q->tmp != NULL) {
			return q;
		}
	}
	return NULL;
}

int
maat_quiet_suspend(void)
{
	int depth = quiet_depth;
	if (depth == 0) {
		return 0;
	}
	fflush(stderr);
	if (quiet_outer != NULL && redirecting() != NULL) {
		/* the real stderr, which the outermost capture saved */
		dup2(quiet_outer->saved, STDERR_FILENO);
	}
	for (int i = 0; i < depth; i++) {
		maat_stderr_unlock();
	}
	return depth;
}

void
maat_quiet_resume(int depth)
{
	maat_quiet *q;
	for (int i = 0; i < depth; i++) {
		maat_stderr_lock();
	}
	if (depth > 0 && (q = redirecting()) != NULL) {
		fflush(stderr);
		dup2(fileno(q->tmp), STDERR_FILENO);
	}
}

/* A zone look-up drops what libical wrote (the importers keep their own capture, which reports
 * what it caught). */
static void
quiet_end(maat_quiet *q)
{
	FILE *f = maat_quiet_end(q);
	if (f != NULL) {
		fclose(f);
	}
}

bool
maat_zone_valid(const char *tz)
{
	maat_quiet q;
	bool ok;
	maat_quiet_begin(&q);
	ok = maat_zone_builtin(tz) != NULL;
	quiet_end(&q);
	return ok;
}

int
maat_zone_date_to_utc(const char *date, const char *tz, int add_days, int64_t *out, maat_err *err)
{
	struct icaltimetype t = icaltime_null_time();
	int y, m, d, n = 0;
	icaltimezone *z;
	maat_quiet q;

	if (date == NULL || sscanf(date, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || date[n] != '\0' ||
	    n != 10 || m < 1 || m > 12 || d < 1 || d > icaltime_days_in_month(m, y) || y < 1900 ||
	    y > 2999) {
		return maat_err_set(err, MAAT_E_USAGE, _("not a date (yyyy-mm-dd): '%s'"),
				    date ? date : "");
	}
	maat_quiet_begin(&q);
	z = maat_zone_builtin(tz ? tz : "Europe/Amsterdam");
	quiet_end(&q);
	if (z == NULL) {
		return maat_err_set(err, MAAT_E_USAGE, _("unknown time zone '%s'"), tz);
	}
	t.year = y;
	t.month = m;
	t.day = d;
	icaltime_adjust(&t, add_days, 0, 0, 0);
	*out = (int64_t)icaltime_as_timet_with_zone(t, z);
	return 0;
}

void
maat_zone_cleanup(void)
{
	icaltimezone_free_builtin_timezones();
	icalmemory_free_ring();
}
