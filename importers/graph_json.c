/* Microsoft Graph calendar JSON -> iCalendar text.
 *
 * Graph's event resource (learn.microsoft.com/graph/api/resources/event) maps onto a VEVENT
 * field by field, so rather than a second meeting model this module writes the events as
 * iCalendar and the one iCalendar reader does the rest (window, RRULE expansion with libical,
 * overrides, the dedupe of the same meeting across mailboxes by UID and start, versions):
 *
 *   iCalUId                      UID (every instance of a series shares it; with the instance's
 *                                start it identifies one meeting across mailboxes)
 *   type seriesMaster+recurrence RRULE (patternedRecurrence: pattern + range)
 *   type occurrence/exception    RECURRENCE-ID = originalStart (an override of the series)
 *   start/end {dateTime,timeZone} DTSTART/DTEND;TZID (Windows or IANA names; "UTC" -> Z)
 *   isAllDay                     VALUE=DATE
 *   isCancelled                  STATUS:CANCELLED
 *   showAs free                  TRANSP:TRANSPARENT
 *   organizer                    ORGANIZER
 *   attendees[type,status]       ATTENDEE;CUTYPE (resource -> RESOURCE);PARTSTAT
 *   responseStatus               the mailbox owner's own PARTSTAT
 *
 * jansson parses each JSON value (one page of at most a few thousand events); pages are read
 * one at a time, so memory stays bounded by the largest page, and the iCalendar text goes to a
 * stream (a temporary file), never to memory. Keys are matched without regard to case because
 * PowerShell's ConvertTo-Json writes the SDK's PascalCase names (Start.DateTime, ICalUId). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "maatlat/graph_json.h"
#include "maatlat/i18n.h"
#include "maatlat/ics.h"
#include "maatlat/util.h"
#include "maatlat/zone.h"

typedef struct conv {
	const char *path;
	const char *owner; /* lower-case e-mail or NULL */
	FILE *out;
	maat_graph_stats *st;
	maat_graph_note_fn note;
	void *note_ctx;
	maat_buf line;
} conv;

static json_t *
jget(json_t *obj, const char *key)
{
	const char *k;
	json_t *v;
	if (!json_is_object(obj)) {
		return NULL;
	}
	if ((v = json_object_get(obj, key)) != NULL) {
		return v;
	}
	json_object_foreach(obj, k, v)
	{
		if (strcasecmp(k, key) == 0) {
			return v;
		}
	}
	return NULL;
}

static const char *
jstr(json_t *obj, const char *key)
{
	json_t *v = jget(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool
jbool(json_t *obj, const char *key)
{
	json_t *v = jget(obj, key);
	return json_is_true(v);
}

static int note(conv *c, const char *sev, maat_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
note(conv *c, const char *sev, maat_err *err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return c->note != NULL ? c->note(c->note_ctx, c->st->events, sev, msg, err) : 0;
}

/* A broken-down time from Graph's "2026-01-05T09:00:00.0000000" (dateTimeTimeZone) or an
 * ISO 8601 DateTimeOffset with Z or +hh:mm (originalStart). */
typedef struct gtime {
	int y, mo, d, h, mi, s;
	/* offset_set: the text carried Z or an offset; offset in seconds east of UTC */
	bool offset_set;
	int offset;
} gtime;

static bool
digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i])) {
			return false;
		}
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static bool
parse_gtime(const char *s, gtime *t)
{
	memset(t, 0, sizeof(*t));
	if (s == NULL || strlen(s) < 10 || !digits(s, 4, &t->y) || s[4] != '-' ||
	    !digits(s + 5, 2, &t->mo) || s[7] != '-' || !digits(s + 8, 2, &t->d)) {
		return false;
	}
	s += 10;
	if (*s == 'T' || *s == ' ') {
		if (strlen(s) < 6 || !digits(s + 1, 2, &t->h) || s[3] != ':' ||
		    !digits(s + 4, 2, &t->mi)) {
			return false;
		}
		s += 6;
		if (*s == ':') {
			if (!digits(s + 1, 2, &t->s)) {
				return false;
			}
			s += 3;
		}
		if (*s == '.') {
			for (s++; isdigit((unsigned char)*s); s++) {
			}
		}
	}
	if (*s == 'Z' || *s == 'z') {
		t->offset_set = true;
		s++;
	} else if (*s == '+' || *s == '-') {
		int oh, om = 0;
		int sign = *s == '-' ? -1 : 1;
		if (!digits(s + 1, 2, &oh)) {
			return false;
		}
		s += 3;
		if (*s == ':') {
			s++;
		}
		if (isdigit((unsigned char)*s)) {
			if (!digits(s, 2, &om)) {
				return false;
			}
			s += 2;
		}
		t->offset_set = true;
		t->offset = sign * (oh * 3600 + om * 60);
	}
	if (*s != '\0') {
		return false;
	}
	if (t->mo < 1 || t->mo > 12 || t->d < 1 || t->h > 23 || t->mi > 59 || t->s > 60) {
		return false;
	}
	{
		static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
		bool leap = (t->y % 4 == 0 && t->y % 100 != 0) || t->y % 400 == 0;
		return t->d <= mdays[t->mo - 1] + (t->mo == 2 && leap);
	}
}

/* Appends an iCalendar TEXT value: backslash, semicolon, comma and line ends escaped, other
 * control characters dropped. */
static void
put_text(maat_buf *b, const char *s)
{
	for (; s != NULL && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '\\' || ch == ';' || ch == ',') {
			maat_buf_append(b, "\\", 1);
			maat_buf_append(b, s, 1);
		} else if (ch == '\n') {
			maat_buf_append(b, "\\n", 2);
		} else if (ch >= 0x20 && ch != 0x7f) {
			maat_buf_append(b, s, 1);
		}
	}
}

/* Appends a parameter value, quoted when it holds a separator; quotes and controls dropped. */
static void
put_param(maat_buf *b, const char *s)
{
	bool quote = strpbrk(s, ":;,") != NULL;
	if (quote) {
		maat_buf_append(b, "\"", 1);
	}
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch >= 0x20 && ch != '"' && ch != 0x7f) {
			maat_buf_append(b, s, 1);
		}
	}
	if (quote) {
		maat_buf_append(b, "\"", 1);
	}
}

static void
emit(conv *c)
{
	maat_buf_append(&c->line, "\r\n", 2);
	fwrite(c->line.data, 1, c->line.len, c->out);
	maat_buf_reset(&c->line);
}

static bool
is_utc_zone(const char *tz)
{
	return tz == NULL || *tz == '\0' || strcasecmp(tz, "UTC") == 0 ||
	       strcasecmp(tz, "Etc/UTC") == 0 || strcasecmp(tz, "Coordinated Universal Time") == 0;
}

/* DTSTART/DTEND from a dateTimeTimeZone object. Returns false when it cannot be read. */
static bool
put_time(conv *c, const char *prop, json_t *dt, bool all_day)
{
	const char *tz = jstr(dt, "timeZone");
	gtime t;
	if (!parse_gtime(jstr(dt, "dateTime"), &t)) {
		return false;
	}
	maat_buf_printf(&c->line, "%s", prop);
	if (all_day) {
		maat_buf_printf(&c->line, ";VALUE=DATE:%04d%02d%02d", t.y, t.mo, t.d);
	} else if (t.offset_set) {
		struct tm tm = {.tm_year = t.y - 1900,
				.tm_mon = t.mo - 1,
				.tm_mday = t.d,
				.tm_hour = t.h,
				.tm_min = t.mi,
				.tm_sec = t.s};
		time_t u = timegm(&tm) - t.offset;
		struct tm g;
		gmtime_r(&u, &g);
		maat_buf_printf(&c->line, ":%04d%02d%02dT%02d%02d%02dZ", g.tm_year + 1900,
				g.tm_mon + 1, g.tm_mday, g.tm_hour, g.tm_min, g.tm_sec);
	} else if (is_utc_zone(tz)) {
		maat_buf_printf(&c->line, ":%04d%02d%02dT%02d%02d%02dZ", t.y, t.mo, t.d, t.h, t.mi,
				t.s);
	} else {
		maat_buf_append(&c->line, ";TZID=", 6);
		put_param(&c->line, tz);
		maat_buf_printf(&c->line, ":%04d%02d%02dT%02d%02d%02d", t.y, t.mo, t.d, t.h, t.mi,
				t.s);
	}
	emit(c);
	return true;
}

/* RECURRENCE-ID from originalStart (a DateTimeOffset, UTC when it carries no offset). */
static bool
put_recurrence_id(conv *c, const char *orig)
{
	gtime t;
	struct tm tm, g;
	time_t u;
	if (!parse_gtime(orig, &t)) {
		return false;
	}
	tm = (struct tm){.tm_year = t.y - 1900,
			 .tm_mon = t.mo - 1,
			 .tm_mday = t.d,
			 .tm_hour = t.h,
			 .tm_min = t.mi,
			 .tm_sec = t.s};
	u = timegm(&tm) - t.offset;
	gmtime_r(&u, &g);
	maat_buf_printf(&c->line, "RECURRENCE-ID:%04d%02d%02dT%02d%02d%02dZ", g.tm_year + 1900,
			g.tm_mon + 1, g.tm_mday, g.tm_hour, g.tm_min, g.tm_sec);
	emit(c);
	return true;
}

static const char *
weekday_code(const char *day)
{
	static const char *const names[][2] = {
	    {"sunday", "SU"},   {"monday", "MO"}, {"tuesday", "TU"},  {"wednesday", "WE"},
	    {"thursday", "TH"}, {"friday", "FR"}, {"saturday", "SA"},
	};
	for (size_t i = 0; day != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(day, names[i][0]) == 0) {
			return names[i][1];
		}
	}
	return NULL;
}

static int
week_index(const char *idx)
{
	static const char *const names[] = {"first", "second", "third", "fourth"};
	for (int i = 0; idx != NULL && i < 4; i++) {
		if (strcasecmp(idx, names[i]) == 0) {
			return i + 1;
		}
	}
	return idx != NULL && strcasecmp(idx, "last") == 0 ? -1 : 1;
}

/* BYDAY from daysOfWeek; returns the number of days written. */
static int
put_days(maat_buf *b, json_t *days)
{
	size_t i;
	json_t *d;
	int n = 0;
	json_array_foreach(days, i, d)
	{
		const char *code = json_is_string(d) ? weekday_code(json_string_value(d)) : NULL;
		if (code != NULL) {
			maat_buf_printf(b, "%s%s", n++ ? "," : ";BYDAY=", code);
		}
	}
	return n;
}

/* RRULE from a patternedRecurrence. start_tz is the series' zone, for the end date's last
 * second (UNTIL is UTC when DTSTART has a zone, RFC 5545 3.3.10). */
static int
put_rrule(conv *c, json_t *rec, const char *start_tz, maat_err *err)
{
	json_t *pat = jget(rec, "pattern"), *range = jget(rec, "range");
	const char *type = jstr(pat, "type"), *rtype = jstr(range, "type");
	json_t *iv = jget(pat, "interval"), *dom = jget(pat, "dayOfMonth"),
	       *mon = jget(pat, "month");
	long long interval = json_is_integer(iv) ? json_integer_value(iv) : 1;
	const char *wkst = weekday_code(jstr(pat, "firstDayOfWeek"));

	if (type == NULL) {
		return note(c, "warning", err, "%s",
			    _("a recurrence without a pattern type: only its first instance is "
			      "counted"));
	}
	if (interval < 1 || interval > 1000) {
		interval = 1;
	}
	maat_buf_append(&c->line, "RRULE:FREQ=", 11);
	if (strcasecmp(type, "daily") == 0) {
		maat_buf_printf(&c->line, "DAILY;INTERVAL=%lld", interval);
	} else if (strcasecmp(type, "weekly") == 0) {
		maat_buf_printf(&c->line, "WEEKLY;INTERVAL=%lld", interval);
		put_days(&c->line, jget(pat, "daysOfWeek"));
		if (wkst != NULL) {
			maat_buf_printf(&c->line, ";WKST=%s", wkst);
		}
	} else if (strcasecmp(type, "absoluteMonthly") == 0 && json_is_integer(dom)) {
		maat_buf_printf(&c->line, "MONTHLY;INTERVAL=%lld;BYMONTHDAY=%lld", interval,
				json_integer_value(dom));
	} else if (strcasecmp(type, "relativeMonthly") == 0) {
		maat_buf_printf(&c->line, "MONTHLY;INTERVAL=%lld", interval);
		if (put_days(&c->line, jget(pat, "daysOfWeek")) > 0) {
			maat_buf_printf(&c->line, ";BYSETPOS=%d", week_index(jstr(pat, "index")));
		}
	} else if (strcasecmp(type, "absoluteYearly") == 0 && json_is_integer(dom) &&
		   json_is_integer(mon)) {
		maat_buf_printf(&c->line, "YEARLY;INTERVAL=%lld;BYMONTH=%lld;BYMONTHDAY=%lld",
				interval, json_integer_value(mon), json_integer_value(dom));
	} else if (strcasecmp(type, "relativeYearly") == 0 && json_is_integer(mon)) {
		maat_buf_printf(&c->line, "YEARLY;INTERVAL=%lld;BYMONTH=%lld", interval,
				json_integer_value(mon));
		if (put_days(&c->line, jget(pat, "daysOfWeek")) > 0) {
			maat_buf_printf(&c->line, ";BYSETPOS=%d", week_index(jstr(pat, "index")));
		}
	} else {
		maat_buf_reset(&c->line);
		return note(c, "warning", err,
			    _("recurrence pattern '%s' is not understood: only the series' first "
			      "instance is counted"),
			    type);
	}
	if (rtype != NULL && strcasecmp(rtype, "numbered") == 0) {
		json_t *n = jget(range, "numberOfOccurrences");
		if (json_is_integer(n) && json_integer_value(n) > 0) {
			maat_buf_printf(&c->line, ";COUNT=%lld", json_integer_value(n));
		}
	} else if (rtype != NULL && strcasecmp(rtype, "endDate") == 0) {
		const char *end = jstr(range, "endDate");
		const char *rtz = jstr(range, "recurrenceTimeZone");
		const char *tz = rtz != NULL && *rtz ? rtz : start_tz;
		const char *iana = tz != NULL ? maat_zone_windows(tz) : NULL;
		maat_err e2 = {0};
		int64_t until;
		gtime t;
		if (iana == NULL && tz != NULL && maat_zone_valid(tz)) {
			iana = tz;
		}
		if (parse_gtime(end, &t)) {
			char day[11];
			snprintf(day, sizeof(day), "%04d-%02d-%02d", t.y, t.mo, t.d);
			/* the whole end date counts: UNTIL is its last second in the series' zone
			 */
			if (maat_zone_date_to_utc(day, iana != NULL ? iana : "UTC", 1, &until,
						  &e2) == 0) {
				time_t u = (time_t)until - 1;
				struct tm g;
				gmtime_r(&u, &g);
				maat_buf_printf(&c->line, ";UNTIL=%04d%02d%02dT%02d%02d%02dZ",
						g.tm_year + 1900, g.tm_mon + 1, g.tm_mday,
						g.tm_hour, g.tm_min, g.tm_sec);
			}
		}
	}
	emit(c);
	return 0;
}

static const char *
partstat_of(const char *response)
{
	if (response == NULL) {
		return "NEEDS-ACTION";
	}
	if (strcasecmp(response, "accepted") == 0 || strcasecmp(response, "organizer") == 0) {
		return "ACCEPTED";
	}
	if (strcasecmp(response, "tentativelyAccepted") == 0) {
		return "TENTATIVE";
	}
	if (strcasecmp(response, "declined") == 0) {
		return "DECLINED";
	}
	return "NEEDS-ACTION"; /* none, notResponded */
}

/* A lower-cased copy of an address; NULL when empty. Caller frees. */
static char *
address_of(json_t *recipient)
{
	const char *a = jstr(jget(recipient, "emailAddress"), "address");
	char *s;
	if (a == NULL) {
		return NULL;
	}
	while (isspace((unsigned char)*a)) {
		a++;
	}
	if (*a == '\0') {
		return NULL;
	}
	s = maat_xstrdup(a);
	for (char *p = s; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
	}
	maat_trim(s);
	return s;
}

static void
put_person(conv *c, const char *prop, json_t *recipient, const char *addr, const char *cutype,
	   const char *partstat)
{
	const char *name = jstr(jget(recipient, "emailAddress"), "name");
	maat_buf_append(&c->line, prop, strlen(prop));
	if (cutype != NULL) {
		maat_buf_printf(&c->line, ";CUTYPE=%s", cutype);
	}
	if (partstat != NULL) {
		maat_buf_printf(&c->line, ";PARTSTAT=%s", partstat);
	}
	if (name != NULL && *name) {
		maat_buf_append(&c->line, ";CN=", 4);
		put_param(&c->line, name);
	}
	maat_buf_append(&c->line, ":mailto:", 8);
	for (const char *p = addr; *p; p++) {
		if ((unsigned char)*p >= 0x21 && *p != 0x7f) {
			maat_buf_append(&c->line, p, 1);
		}
	}
	emit(c);
}

static int
put_event(conv *c, json_t *ev, maat_err *err)
{
	const char *type = jstr(ev, "type"), *uid = jstr(ev, "iCalUId");
	const char *own = partstat_of(jstr(jget(ev, "responseStatus"), "response"));
	const char *own_raw = jstr(jget(ev, "responseStatus"), "response");
	json_t *start = jget(ev, "start"), *end = jget(ev, "end"), *rec = jget(ev, "recurrence");
	json_t *atts = jget(ev, "attendees"), *org = jget(ev, "organizer"), *a;
	bool all_day = jbool(ev, "isAllDay"), owner_seen = false;
	char *org_addr = address_of(org);
	const char *show = jstr(ev, "showAs");
	size_t i;
	int rc = 0;

	c->st->events++;
	if (uid == NULL || *uid == '\0') {
		uid = jstr(ev, "id");
	}
	if (!json_is_object(ev) || uid == NULL || *uid == '\0' || !json_is_object(start)) {
		c->st->skipped++;
		rc = note(c, "warning", err, "%s",
			  _("an event without iCalUId, id or start is skipped"));
		goto out;
	}
	fputs("BEGIN:VEVENT\r\n", c->out);
	maat_buf_append(&c->line, "UID:", 4);
	put_text(&c->line, uid);
	emit(c);
	if (jstr(ev, "subject") != NULL) {
		maat_buf_append(&c->line, "SUMMARY:", 8);
		put_text(&c->line, jstr(ev, "subject"));
		emit(c);
	}
	if (!put_time(c, "DTSTART", start, all_day)) {
		maat_buf_reset(&c->line);
		c->st->skipped++;
		/* keep the component valid: libical skips a VEVENT without DTSTART, with a message
		 */
		fputs("END:VEVENT\r\n", c->out);
		rc = note(c, "warning", err,
			  _("event '%s': start time '%s' is not readable; skipped"), uid,
			  jstr(start, "dateTime") ? jstr(start, "dateTime") : "");
		goto out;
	}
	if (json_is_object(end) && !put_time(c, "DTEND", end, all_day)) {
		maat_buf_reset(&c->line);
	}
	if (type != NULL &&
	    (strcasecmp(type, "occurrence") == 0 || strcasecmp(type, "exception") == 0)) {
		const char *orig = jstr(ev, "originalStart");
		if (orig == NULL || !put_recurrence_id(c, orig)) {
			maat_buf_reset(&c->line);
			/* without originalStart the instance is where it starts */
			json_t *s = jget(start, "dateTime");
			if (json_is_string(s)) {
				put_time(c, "RECURRENCE-ID", start, all_day);
			}
		}
	} else if (json_is_object(rec) &&
		   (rc = put_rrule(c, rec, jstr(start, "timeZone"), err)) < 0) {
		goto out;
	}
	if (jbool(ev, "isCancelled")) {
		fputs("STATUS:CANCELLED\r\n", c->out);
	}
	if (show != NULL && strcasecmp(show, "free") == 0) {
		fputs("TRANSP:TRANSPARENT\r\n", c->out);
	}
	if (org_addr != NULL) {
		bool is_owner = c->owner != NULL && strcmp(org_addr, c->owner) == 0;
		owner_seen |= is_owner;
		put_person(c, "ORGANIZER", org, org_addr, NULL, NULL);
	}
	json_array_foreach(atts, i, a)
	{
		const char *atype = jstr(a, "type");
		const char *resp = jstr(jget(a, "status"), "response");
		char *addr = address_of(a);
		const char *ps = partstat_of(resp);
		if (addr == NULL) {
			continue;
		}
		if (c->owner != NULL && strcmp(addr, c->owner) == 0) {
			owner_seen = true;
			/* the mailbox holds its owner's own answer; the attendee list there shows
			 * "none" for them */
			if (own_raw != NULL && strcasecmp(own_raw, "none") != 0) {
				ps = own;
			}
		}
		put_person(c, "ATTENDEE", a, addr,
			   atype != NULL && strcasecmp(atype, "resource") == 0 ? "RESOURCE"
									       : "INDIVIDUAL",
			   ps);
		free(addr);
	}
	/* The event is in the owner's calendar (invited through a group, say) but the owner is
	 * not listed: add them with their own answer, as their own export would. */
	if (c->owner != NULL && !owner_seen && json_array_size(atts) > 0 && own_raw != NULL &&
	    strcasecmp(own_raw, "none") != 0 && strcasecmp(own_raw, "organizer") != 0) {
		maat_buf_printf(&c->line, "ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=%s:mailto:", own);
		for (const char *p = c->owner; *p; p++) {
			if ((unsigned char)*p >= 0x21 && *p != 0x7f) {
				maat_buf_append(&c->line, p, 1);
			}
		}
		emit(c);
	}
	fputs("END:VEVENT\r\n", c->out);
out:
	free(org_addr);
	return rc;
}

/* users('jan%40voorbeeld.nl') or users('jan@voorbeeld.nl') in @odata.context -> the address. */
static char *
owner_from_context(const char *ctx)
{
	const char *p = ctx != NULL ? strstr(ctx, "users('") : NULL;
	const char *q;
	maat_buf b = {0};
	if (p == NULL) {
		return NULL;
	}
	p += 7;
	if ((q = strchr(p, '\'')) == NULL) {
		return NULL;
	}
	for (; p < q; p++) {
		if (p + 2 < q && p[0] == '%' && p[1] == '4' && p[2] == '0') {
			maat_buf_append(&b, "@", 1);
			p += 2;
		} else {
			char ch = (char)tolower((unsigned char)*p);
			maat_buf_append(&b, &ch, 1);
		}
	}
	if (b.data == NULL || strchr(b.data, '@') == NULL) {
		maat_buf_fini(&b);
		return NULL;
	}
	return b.data;
}

/* Skips blank space and a UTF-8 BOM; returns the next byte (not consumed) or EOF. */
static int
skip_blank(FILE *f, int64_t *line)
{
	int ch;
	while ((ch = getc(f)) != EOF) {
		if (ch == 0xEF) {
			int b2 = getc(f), b3 = getc(f);
			if (b2 == 0xBB && b3 == 0xBF) {
				continue;
			}
			ungetc(b3 == EOF ? b2 : b3, f); /* not a BOM: let jansson report it */
			return ch;
		}
		if (ch == '\n') {
			(*line)++;
		}
		if (!isspace(ch)) {
			ungetc(ch, f);
			return ch;
		}
	}
	return EOF;
}

int
maat_graph_to_ics(FILE *in, const char *path, const char *owner, FILE *out, maat_graph_stats *stats,
		  maat_graph_note_fn notefn, void *note_ctx, maat_err *err)
{
	conv c = {.path = path, .out = out, .st = stats, .note = notefn, .note_ctx = note_ctx};
	char *own = owner != NULL ? maat_xstrdup(owner) : NULL;
	int64_t line = 1, values = 0;

	int rc = 0;

	for (char *p = own; p != NULL && *p; p++) {
		*p = (char)tolower((unsigned char)*p);
	}
	c.owner = own;
	fputs("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//maatlat//Microsoft Graph JSON//EN\r\n",
	      out);
	while (skip_blank(in, &line) != EOF) {
		json_error_t je;
		json_t *root = json_loadf(in, JSON_DISABLE_EOF_CHECK, &je), *list, *ev;
		size_t i;
		if (root == NULL && values == 0) {
			rc = maat_err_set(err, MAAT_E_DATA, _("%s:%lld: not valid JSON: %s"), path,
					  (long long)(line + (je.line > 0 ? je.line - 1 : 0)),
					  je.text);
			goto out;
		}
		if (root == NULL) {
			/* jansson counts lines per value; where this value began is not known */
			rc = maat_err_set(err, MAAT_E_DATA,
					  _("%s: JSON value %lld, its line %d: not valid JSON: %s"),
					  path, (long long)values + 1, je.line, je.text);
			goto out;
		}
		values++;
		if (own == NULL && stats->owner == NULL) {
			stats->owner = owner_from_context(jstr(root, "@odata.context"));
			c.owner = stats->owner;
		}
		list = json_is_array(root) ? root : jget(root, "value");
		if (json_is_array(list)) {
			json_array_foreach(list, i, ev)
			{
				if ((rc = put_event(&c, ev, err)) < 0) {
					break;
				}
			}
		} else if (json_is_object(root) && jget(root, "start") != NULL) {
			rc = put_event(&c, root, err);
		} else {
			rc = maat_err_set(
			    err, MAAT_E_DATA,
			    _("%s: JSON value %lld holds no calendar events (expected "
			      "Microsoft Graph's `value` array, an array of events or one "
			      "event)"),
			    path, (long long)values);
		}
		json_decref(root);
		if (rc < 0) {
			goto out;
		}
	}
	if (values == 0) {
		rc = maat_err_set(err, MAAT_E_DATA, _("%s: empty file"), path);
		goto out;
	}
	fputs("END:VCALENDAR\r\n", out);
	if (fflush(out) != 0 || ferror(out)) {
		rc = maat_err_set(err, MAAT_E_IO, _("%s: writing the converted calendar: %s"), path,
				  strerror(errno));
	}
out:
	maat_buf_fini(&c.line);
	free(own);
	return rc;
}

typedef struct read_note {
	const maat_cal_sink *sink;
} read_note;

static int
forward_note(void *vctx, int64_t event_no, const char *severity, const char *msg, maat_err *err)
{
	const read_note *r = vctx;
	char buf[600];
	if (r->sink->message == NULL) {
		return 0;
	}
	snprintf(buf, sizeof(buf), _("event %lld: %s"), (long long)event_no, msg);
	return r->sink->message(r->sink->ctx, 0, severity, buf, err);
}

int
maat_graph_read(FILE *f, const char *path, const maat_cal_opts *opts, const maat_cal_sink *sink,
		maat_cal_stats *stats, maat_err *err)
{
	maat_graph_stats gs = {0};
	maat_cal_opts o = *opts;
	read_note rn = {.sink = sink};
	FILE *tmp = tmpfile();
	int rc;

	if (tmp == NULL) {
		return maat_err_set(err, MAAT_E_IO,
				    _("%s: no temporary file for the conversion: %s"), path,
				    strerror(errno));
	}
	if ((rc = maat_graph_to_ics(f, path, opts->owner, tmp, &gs, forward_note, &rn, err)) < 0) {
		goto out;
	}
	if (o.owner == NULL) {
		o.owner = gs.owner;
	}
	rewind(tmp);
	rc = maat_ics_read(tmp, path, &o, sink, stats, err);
	if (stats != NULL) {
		/* events skipped before the iCalendar reader saw them */
		stats->read += gs.skipped;
		stats->rejected += gs.skipped;
	}
out:
	fclose(tmp);
	free(gs.owner);
	return rc;
}
