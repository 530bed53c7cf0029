/* iCalendar -> meeting instances. Our own streaming tokenizer finds the components (so libical
 * never sees END before BEGIN, several VCALENDARs or bare VEVENTs); plain VEVENTs are read by
 * our own small reader, every other VEVENT and each VTIMEZONE by libical's parser, and
 * libical's icalrecur_iterator expands RRULEs inside the window. Around libical we close the
 * gaps of 3.0.16: RECURRENCE-ID overrides (incl. THISANDFUTURE), RDATE;VALUE=PERIOD, duplicate
 * instances, DTEND plus DURATION, bounded windows. The store keeps one row per distinct
 * instance, shared by the exports that hold it (store/schema_calendar.c). */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libical/ical.h>
#include <sodium.h>

#include "maatlat/i18n.h"
#include "maatlat/pseudonym.h"
#include "maatlat/graph_json.h"
#include "maatlat/ics.h"
#include "maatlat/zone.h"
#include "maatlat/util.h"

/* Longest logical line and largest component we accept (bounded memory). */
#define MAX_LINE (1 << 20)
#define MAX_COMPONENT (4 << 20)
#define MAX_DEPTH 32
/* zone indexes of a parsed time besides the file's TZID names */
#define TZ_UTC (-1)
#define TZ_FLOATING (-2)

/* A time as written: the local fields and where its zone comes from. */
typedef struct ptime {
	/* libical's value (zone ignored: see tz) */
	struct icaltimetype t;
	/* index into ctx->tznames, TZ_UTC or TZ_FLOATING */
	int tz;
} ptime;

/* One RDATE value. */
typedef struct rdate {
	/* the start */
	ptime start;
	/* the end of a PERIOD, when has_end */
	ptime end;
	bool has_end;
	/* the duration of a PERIOD start/duration, in seconds; -1 = none */
	int64_t dur;
} rdate;

/* One VEVENT, reduced to what the metrics need. */
typedef struct event {
	/* UID (synthesised when missing); owned */
	char *uid;
	/* SUMMARY; owned, may be NULL */
	char *summary;
	/* line of BEGIN:VEVENT */
	int64_t line;
	/* position in the file, the last tie-breaker */
	size_t order;
	/* SEQUENCE and DTSTAMP (unix UTC, 0 when absent) */
	int seq;
	int64_t dtstamp;
	/* enum maat_cal_flags */
	int flags;
	ptime dtstart;
	/* DTEND (wins over DURATION) */
	bool has_dtend;
	ptime dtend;
	/* DURATION in seconds, -1 when absent */
	int64_t duration;
	/* RRULE texts; owned */
	char **rrules;
	size_t nrrules;
	rdate *rdates;
	size_t nrdates;
	ptime *exdates;
	size_t nexdates;
	/* RECURRENCE-ID and RANGE=THISANDFUTURE */
	bool has_rid;
	bool future;
	ptime rid;
	/* participants; keys owned */
	maat_cal_part *parts;
	size_t nparts;
	/* the owner of the VCALENDAR it came in (borrowed from ctx->owners), may be NULL */
	const char *owner;
	/* the zone for floating times: a tznames index (X-WR-TIMEZONE) or TZ_FLOATING */
	int float_tz;
} event;

/* A file-defined VTIMEZONE. */
typedef struct vtz {
	/* TZID; owned */
	char *tzid;
	/* libical's zone built from the component; owned */
	icaltimezone *zone;
} vtz;

/* One instance during expansion. */
typedef struct inst {
	/* the original start (RECURRENCE-ID value), unix UTC */
	int64_t orig;
	int64_t start;
	int64_t end;
	/* the component it takes its properties from */
	const event *src;
	/* removed by the master's EXDATE (a tombstone) */
	bool gone;
} inst;

typedef struct ctx {
	const maat_cal_opts *opts;
	const maat_cal_sink *sink;
	const char *path;
	maat_err *err;
	/* the organisation's zone */
	icaltimezone *org;
	event *ev;
	size_t nev, capev;
	/* TZID names met in the file, and their resolved zones (after reading) */
	char **tznames;
	icaltimezone **tzones;
	size_t ntz;
	vtz *vtzs;
	size_t nvtz;
	/* owners (X-WR-CALNAME e-mails, --owner); owned */
	char **owners;
	size_t nowners;
	/* the current VCALENDAR's state */
	const char *cur_owner;
	int cur_float_tz;
	/* METHOD: 0 publish/request, 1 cancel, 2 a reply-like message (not calendar entries) */
	int cur_method;
	int64_t replies_skipped;
	/* components read and skipped (sources.rows_read / rows_rejected) */
	int64_t read;
	int64_t rejected;
	/* VEVENTs read by the fast path */
	int64_t fast;
	int64_t limit;
	/* the window */
	int64_t from, to;
	/* the export time and the expansion window (maat_cal_stats) */
	int64_t exported;
	bool exported_by_dtstamp;
	bool cut_from, cut_to;
	/* events whose times are floating (no zone), read in X-WR-TIMEZONE or the org's zone */
	int64_t floating;
	/* lines with invalid UTF-8 (replaced), and the first of them */
	int64_t bad_utf8, bad_utf8_line;
} ctx;

static int say(ctx *c, int64_t line, const char *sev, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
say(ctx *c, int64_t line, const char *sev, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->sink->message == NULL) {
		return 0;
	}
	return c->sink->message(c->sink->ctx, line, sev, msg, c->err);
}

/* ---- libical's stderr ----
 * While a reader runs, fd 2 points at a temporary file (maat_quiet_begin, common/zone.c); what
 * libical wrote becomes our messages. Restores stderr and hands every captured line to the
 * sink (when c is non-NULL). */
static int
quiet_end(maat_quiet *q, ctx *c)
{
	char line[512];
	int rc = 0, n = 0;
	FILE *f = maat_quiet_end(q);
	if (f == NULL) {
		return 0;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (c != NULL && rc == 0 && n++ < 100 && line[0] != '\0') {
			rc = say(c, 0, "warning", _("%s: libical: %s"), c->path, line);
		}
	}
	fclose(f);
	return rc;
}

static icaltimezone *
org_zone(const char *tz)
{
	icaltimezone *z = maat_zone_builtin(tz ? tz : "Europe/Amsterdam");
	return z ? z : icaltimezone_get_utc_timezone();
}

/* ---- the cache shared by the imports of one process ---- */

/* A hash map from byte strings to int64 (open addressing, keys back to back in one buffer). */
typedef struct bslot {
	/* the key's hash */
	uint64_t h;
	/* the key: offset into bmap.keys and length; len 0 = an empty slot */
	uint32_t off;
	uint32_t len;
	int64_t val;
} bslot;

typedef struct bmap {
	bslot *slot;
	/* slots (a power of two) and keys stored */
	size_t nslot, n;
	maat_buf keys;
} bmap;

static uint64_t
hash_bytes(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h = (h ^ p[i]) * 1099511628211ULL;
	}
	/* spread the bits (murmur3's finaliser): slots are picked by the low ones */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

static bslot *
bmap_find(const bmap *m, const void *key, size_t n, uint64_t h)
{
	size_t i;
	if (m->nslot == 0) {
		return NULL;
	}
	for (i = h & (m->nslot - 1); m->slot[i].len != 0; i = (i + 1) & (m->nslot - 1)) {
		if (m->slot[i].h == h && m->slot[i].len == n &&
		    memcmp(m->keys.data + m->slot[i].off, key, n) == 0) {
			return &m->slot[i];
		}
	}
	return &m->slot[i];
}

static bool
bmap_get(const bmap *m, const void *key, size_t n, int64_t *val)
{
	bslot *s = bmap_find(m, key, n, hash_bytes(key, n));
	if (s == NULL || s->len == 0) {
		return false;
	}
	*val = s->val;
	return true;
}

static void
bmap_put(bmap *m, const void *key, size_t n, int64_t val)
{
	uint64_t h = hash_bytes(key, n);
	bslot *s;
	if ((m->n + 1) * 2 > m->nslot) {
		size_t ns = m->nslot ? m->nslot * 2 : 4096;
		bslot *old = m->slot;
		size_t on = m->nslot;
		m->slot = maat_xcalloc(ns, sizeof(*m->slot));
		m->nslot = ns;
		for (size_t i = 0; i < on; i++) {
			if (old[i].len != 0) {
				*bmap_find(m, m->keys.data + old[i].off, old[i].len, old[i].h) =
				    old[i];
			}
		}
		free(old);
	}
	s = bmap_find(m, key, n, h);
	if (s->len == 0) {
		s->h = h;
		s->off = (uint32_t)m->keys.len;
		s->len = (uint32_t)n;
		maat_buf_append(&m->keys, key, n);
		m->n++;
	}
	s->val = val;
}

static void
bmap_clear(bmap *m)
{
	free(m->slot);
	m->slot = NULL;
	m->nslot = m->n = 0;
	maat_buf_fini(&m->keys);
	memset(&m->keys, 0, sizeof(m->keys));
}

/* Entries at most (a bound on memory, about 150 MB: the cache then starts again; keys stay
 * far below the 4 GB that bslot.off can address). */
#define CACHE_MAX_ROWS 2000000
#define CACHE_MAX_STARTS 16000000

struct maat_cal_cache {
	/* the store the row entries belong to, and its PRAGMA data_version when last seen */
	maat_db *db;
	int64_t version;
	/* store rows: 'U' uid -> id * 2 + has a title; 'P' digest -> cal_partsets id (all of
	 * them once loaded: the store has no index to look them up by); 'I' content ->
	 * cal_instances id (those met so far) */
	bmap rows;
	bool loaded;
	/* the highest cal_uids id when the rows were loaded: a series with a higher id was
	 * stored since, through this cache, so every instance of it is among the 'I' entries */
	int64_t uid_floor;
	/* RRULE expansions: key -> offset into exp, where exp[off] = starts, exp[off + 1] =
	 * instances counted against the limit, exp[off + 2] = limit hit, then the starts */
	bmap rules;
	int64_t *exp;
	size_t nexp, capexp;
};

maat_cal_cache *
maat_cal_cache_new(void)
{
	return maat_xcalloc(1, sizeof(maat_cal_cache));
}

void
maat_cal_cache_free(maat_cal_cache *k)
{
	if (k == NULL) {
		return;
	}
	bmap_clear(&k->rows);
	bmap_clear(&k->rules);
	free(k->exp);
	free(k);
}

static void
rows_reset(maat_cal_cache *k)
{
	bmap_clear(&k->rows);
	k->loaded = false;
}

/* Every series key and participant list of the store into the cache. */
static int
cache_load(maat_cal_cache *k, maat_db *db, maat_err *err)
{
	sqlite3_stmt *st;
	int step;
	char key[1 + 16];

	st = maat_db_stmt(db, "SELECT id, summary IS NOT NULL, uid FROM cal_uids", err);
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *uid = (const char *)sqlite3_column_text(st, 2);
		size_t n = (size_t)sqlite3_column_bytes(st, 2);
		char *kb = maat_xmalloc(n + 1);
		kb[0] = 'U';
		memcpy(kb + 1, uid, n);
		bmap_put(&k->rows, kb, n + 1,
			 sqlite3_column_int64(st, 0) * 2 + (sqlite3_column_int(st, 1) != 0));
		free(kb);
	}
	if (step != SQLITE_DONE) {
		return maat_db_fail(db, err, _("reading calendar series"));
	}
	st = maat_db_stmt(db, "SELECT id, digest FROM cal_partsets", err);
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 1) != 16) {
			continue;
		}
		key[0] = 'P';
		memcpy(key + 1, sqlite3_column_blob(st, 1), 16);
		bmap_put(&k->rows, key, sizeof(key), sqlite3_column_int64(st, 0));
	}
	if (step != SQLITE_DONE) {
		return maat_db_fail(db, err, _("reading participants"));
	}
	st = maat_db_stmt(db, "SELECT coalesce(max(id), 0) FROM cal_uids", err);
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	if (sqlite3_step(st) != SQLITE_ROW) {
		return maat_db_fail(db, err, _("reading calendar series"));
	}
	k->uid_floor = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	k->loaded = true;
	return 0;
}

/* Inside the import's transaction: drops the row entries unless they still describe db as
 * this connection left it (another connection may have committed in between; --replace has
 * just deleted a source), then loads what is missing. The store's side of the cache only: the
 * RRULE expansions belong to the reader, which may run on another thread (rules_check). */
static int
cache_check(maat_cal_cache *k, maat_db *db, bool replace, maat_err *err)
{
	sqlite3_stmt *st = maat_db_stmt(db, "PRAGMA data_version", err);
	int64_t v;
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	if (sqlite3_step(st) != SQLITE_ROW) {
		return maat_db_fail(db, err, _("reading the store's version"));
	}
	v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (k->db != db || k->version != v || replace || k->rows.n > CACHE_MAX_ROWS) {
		rows_reset(k);
	}
	k->db = db;
	k->version = v;
	return k->loaded ? 0 : cache_load(k, db, err);
}

/* Before a read, on the reader's thread: the RRULE expansions start again once they hold
 * CACHE_MAX_STARTS starts (the bound on their memory). */
static void
rules_check(maat_cal_cache *k)
{
	if (k != NULL && k->nexp > CACHE_MAX_STARTS) {
		bmap_clear(&k->rules);
		k->nexp = 0;
	}
}

/* ---- small helpers ---- */

/* A copy of s with invalid UTF-8 bytes replaced by '?' (JSON and SQLite want valid text). */
static char *
clean_dup(const char *s)
{
	char *d;
	size_t n;
	if (s == NULL) {
		return NULL;
	}
	d = maat_xstrdup(s);
	n = strlen(d);
	if (!maat_utf8_valid(d, n)) {
		for (size_t i = 0; i < n; i++) {
			if ((unsigned char)d[i] >= 0x80) {
				d[i] = '?';
			}
		}
	}
	return d;
}

static int
intern_tz(ctx *c, const char *name)
{
	for (size_t i = 0; i < c->ntz; i++) {
		if (strcmp(c->tznames[i], name) == 0) {
			return (int)i;
		}
	}
	if (c->ntz >= 10000) {
		return TZ_FLOATING;
	}
	c->tznames = maat_xreallocarray(c->tznames, c->ntz + 1, sizeof(*c->tznames));
	c->tznames[c->ntz] = maat_xstrdup(name);
	return (int)c->ntz++;
}

static icaltimezone *
zone_of(const ctx *c, const event *e, int tz)
{
	if (tz == TZ_UTC) {
		return icaltimezone_get_utc_timezone();
	}
	if (tz == TZ_FLOATING) {
		tz = e->float_tz;
		if (tz < 0) {
			return c->org;
		}
	}
	return c->tzones[tz] ? c->tzones[tz] : c->org;
}

static int64_t
to_utc(const ctx *c, const event *e, const ptime *p)
{
	struct icaltimetype t = p->t;
	t.zone = NULL;
	if (p->tz == TZ_UTC) {
		return (int64_t)icaltime_as_timet_with_zone(t, icaltimezone_get_utc_timezone());
	}
	return (int64_t)icaltime_as_timet_with_zone(t, zone_of(c, e, p->tz));
}

static void
get_ptime(ctx *c, icalproperty *p, struct icaltimetype t, ptime *out)
{
	icalparameter *tzp = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	out->t = t;
	if (icaltime_is_utc(t)) {
		out->tz = TZ_UTC;
	} else if (tzp != NULL && icalparameter_get_tzid(tzp) != NULL && !t.is_date) {
		out->tz = intern_tz(c, icalparameter_get_tzid(tzp));
	} else {
		out->tz = TZ_FLOATING;
	}
	out->t.zone = NULL;
}

static bool
valid_time(struct icaltimetype t)
{
	return !icaltime_is_null_time(t) && icaltime_is_valid_time(t) && t.year >= 1583 &&
	       t.year <= 2999 && t.month >= 1 && t.month <= 12 && t.day >= 1 &&
	       t.day <= icaltime_days_in_month(t.month, t.year) && t.hour >= 0 && t.hour < 24 &&
	       t.minute >= 0 && t.minute < 60 && t.second >= 0 && t.second <= 60;
}

/* Lower-cased e-mail without "mailto:", else the CN, else the value; NULL when empty. */
static char *
participant_key(const char *cn, const char *value)
{
	char *k;
	if (value != NULL && strncasecmp(value, "mailto:", 7) == 0) {
		value += 7;
	}
	if (value == NULL || strchr(value, '@') == NULL) {
		if (cn != NULL && *cn) {
			value = cn;
		}
	}
	if (value == NULL) {
		return NULL;
	}
	k = clean_dup(value);
	maat_trim(k);
	if (*k == '\0') {
		free(k);
		return NULL;
	}
	if (strchr(k, '@') != NULL) {
		for (char *s = k; *s; s++) {
			*s = (char)tolower((unsigned char)*s);
		}
	}
	return k;
}

static void
add_part(event *e, char *key, int partstat, bool organizer)
{
	for (size_t i = 0; i < e->nparts; i++) {
		if (strcmp(e->parts[i].key, key) == 0) {
			/* ATTENDEE's own answer wins over the organizer's implicit one */
			if (!organizer) {
				e->parts[i].partstat = partstat;
			}
			free(key);
			return;
		}
	}
	/* the room doubles at each power of two (one realloc per participant was a tenth of
	 * parsing an event) */
	if (e->nparts == 0 || (e->nparts >= 4 && (e->nparts & (e->nparts - 1)) == 0)) {
		e->parts =
		    maat_xreallocarray(e->parts, e->nparts ? e->nparts * 2 : 4, sizeof(*e->parts));
	}
	e->parts[e->nparts].key = key;
	e->parts[e->nparts].partstat = partstat;
	e->nparts++;
}

static void
event_fini(event *e)
{
	free(e->uid);
	free(e->summary);
	for (size_t i = 0; i < e->nrrules; i++) {
		free(e->rrules[i]);
	}
	free(e->rrules);
	free(e->rdates);
	free(e->exdates);
	for (size_t i = 0; i < e->nparts; i++) {
		free((char *)e->parts[i].key);
	}
	free(e->parts);
}

/* ---- one VEVENT ---- */

static void
take_participant(event *e, icalproperty *p, bool organizer)
{
	icalparameter *cu = icalproperty_get_first_parameter(p, ICAL_CUTYPE_PARAMETER);
	icalparameter *ro = icalproperty_get_first_parameter(p, ICAL_ROLE_PARAMETER);
	icalparameter *ps = icalproperty_get_first_parameter(p, ICAL_PARTSTAT_PARAMETER);
	/* RFC 5545: an ATTENDEE without PARTSTAT has not replied (NEEDS-ACTION) */
	int partstat = organizer ? MAAT_PART_ACCEPTED : MAAT_PART_NO_REPLY;
	char *key;

	if (cu != NULL && (icalparameter_get_cutype(cu) == ICAL_CUTYPE_ROOM ||
			   icalparameter_get_cutype(cu) == ICAL_CUTYPE_RESOURCE)) {
		return;
	}
	if (ro != NULL && icalparameter_get_role(ro) == ICAL_ROLE_NONPARTICIPANT) {
		return;
	}
	if (ps != NULL && !organizer) {
		switch (icalparameter_get_partstat(ps)) {
		case ICAL_PARTSTAT_DECLINED:
			partstat = MAAT_PART_DECLINED;
			break;
		case ICAL_PARTSTAT_TENTATIVE:
			partstat = MAAT_PART_TENTATIVE;
			break;
		case ICAL_PARTSTAT_NEEDSACTION:
			partstat = MAAT_PART_NO_REPLY;
			break;
		default:
			partstat = MAAT_PART_ACCEPTED;
			break;
		}
	}
	icalparameter *cn = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
	key = participant_key(cn != NULL ? icalparameter_get_cn(cn) : NULL,
			      organizer ? icalproperty_get_organizer(p)
					: icalproperty_get_attendee(p));
	if (key != NULL) {
		add_part(e, key, partstat, organizer);
	}
}

/* What every VEVENT gets after its properties. False (with a message) when unusable. */
static bool
end_event(ctx *c, event *e, bool has_start, int64_t line, int *rc)
{
	if (!has_start) {
		if (*rc == 0) {
			*rc = say(c, line, "warning",
				  _("%s:%lld: event without a valid DTSTART skipped"), c->path,
				  (long long)line);
		}
		return false;
	}
	if (e->dtstart.t.is_date) {
		e->flags |= MAAT_CAL_ALLDAY;
	}
	if (e->uid == NULL) {
		e->uid = maat_xasprintf("nouid:%s:%lld", c->path, (long long)line);
	}
	return true;
}

/* Fills e from a parsed VEVENT. Returns false (with a message) when it cannot be used. */
static bool
take_event(ctx *c, icalcomponent *comp, event *e, int64_t line, int *rc)
{
	bool has_start = false;
	icalproperty *p;

	for (p = icalcomponent_get_first_property(comp, ICAL_ANY_PROPERTY); p != NULL;
	     p = icalcomponent_get_next_property(comp, ICAL_ANY_PROPERTY)) {
		icalproperty_kind k = icalproperty_isa(p);
		struct icaltimetype t;
		switch (k) {
		case ICAL_UID_PROPERTY:
			if (e->uid == NULL && icalproperty_get_uid(p) != NULL &&
			    *icalproperty_get_uid(p)) {
				e->uid = clean_dup(icalproperty_get_uid(p));
			}
			break;
		case ICAL_SUMMARY_PROPERTY:
			if (e->summary == NULL && icalproperty_get_summary(p) != NULL) {
				e->summary = clean_dup(icalproperty_get_summary(p));
			}
			break;
		case ICAL_SEQUENCE_PROPERTY:
			e->seq = icalproperty_get_sequence(p);
			break;
		case ICAL_DTSTAMP_PROPERTY:
			t = icalproperty_get_dtstamp(p);
			if (valid_time(t)) {
				e->dtstamp = (int64_t)icaltime_as_timet_with_zone(
				    t, icaltimezone_get_utc_timezone());
			}
			break;
		case ICAL_STATUS_PROPERTY:
			if (icalproperty_get_status(p) == ICAL_STATUS_CANCELLED) {
				e->flags |= MAAT_CAL_CANCELLED;
			}
			break;
		case ICAL_TRANSP_PROPERTY:
			if (icalproperty_get_transp(p) == ICAL_TRANSP_TRANSPARENT ||
			    icalproperty_get_transp(p) == ICAL_TRANSP_TRANSPARENTNOCONFLICT) {
				e->flags |= MAAT_CAL_TRANSPARENT;
			}
			break;
		case ICAL_DTSTART_PROPERTY:
			t = icalproperty_get_dtstart(p);
			if (valid_time(t)) {
				get_ptime(c, p, t, &e->dtstart);
				has_start = true;
			}
			break;
		case ICAL_DTEND_PROPERTY:
			t = icalproperty_get_dtend(p);
			if (valid_time(t)) {
				get_ptime(c, p, t, &e->dtend);
				e->has_dtend = true;
			}
			break;
		case ICAL_DURATION_PROPERTY: {
			struct icaldurationtype d = icalproperty_get_duration(p);
			if (!icaldurationtype_is_bad_duration(d)) {
				e->duration = icaldurationtype_as_int(d);
			}
			break;
		}
		case ICAL_RRULE_PROPERTY: {
			const char *s = icalproperty_get_value_as_string(p);
			if (s != NULL && e->nrrules < 16) {
				e->rrules = maat_xreallocarray(e->rrules, e->nrrules + 1,
							       sizeof(*e->rrules));
				e->rrules[e->nrrules++] = maat_xstrdup(s);
			}
			break;
		}
		case ICAL_RDATE_PROPERTY: {
			struct icaldatetimeperiodtype v = icalproperty_get_rdate(p);
			rdate r = {.dur = -1};
			if (valid_time(v.time)) {
				get_ptime(c, p, v.time, &r.start);
			} else if (valid_time(v.period.start)) {
				get_ptime(c, p, v.period.start, &r.start);
				if (valid_time(v.period.end)) {
					get_ptime(c, p, v.period.end, &r.end);
					r.has_end = true;
				} else if (!icaldurationtype_is_bad_duration(v.period.duration)) {
					r.dur = icaldurationtype_as_int(v.period.duration);
				}
			} else {
				break;
			}
			if (e->nrdates < 100000) {
				e->rdates = maat_xreallocarray(e->rdates, e->nrdates + 1,
							       sizeof(*e->rdates));
				e->rdates[e->nrdates++] = r;
			}
			break;
		}
		case ICAL_EXDATE_PROPERTY:
			t = icalproperty_get_exdate(p);
			if (valid_time(t) && e->nexdates < 100000) {
				e->exdates = maat_xreallocarray(e->exdates, e->nexdates + 1,
								sizeof(*e->exdates));
				get_ptime(c, p, t, &e->exdates[e->nexdates++]);
			}
			break;
		case ICAL_RECURRENCEID_PROPERTY: {
			icalparameter *r =
			    icalproperty_get_first_parameter(p, ICAL_RANGE_PARAMETER);
			t = icalproperty_get_recurrenceid(p);
			if (valid_time(t)) {
				get_ptime(c, p, t, &e->rid);
				e->has_rid = true;
				e->future = r != NULL &&
					    icalparameter_get_range(r) == ICAL_RANGE_THISANDFUTURE;
			}
			break;
		}
		case ICAL_ORGANIZER_PROPERTY:
			take_participant(e, p, true);
			break;
		case ICAL_ATTENDEE_PROPERTY:
			take_participant(e, p, false);
			break;
		case ICAL_X_PROPERTY: {
			const char *name = icalproperty_get_x_name(p);
			const char *v = icalproperty_get_x(p);
			if (name != NULL && v != NULL &&
			    strcasecmp(name, "X-MICROSOFT-CDO-ALLDAYEVENT") == 0 &&
			    strcasecmp(v, "TRUE") == 0) {
				e->flags |= MAAT_CAL_ALLDAY;
			}
			break;
		}
		case ICAL_XLICERROR_PROPERTY:
			if (*rc == 0) {
				const char *x = icalproperty_get_xlicerror(p);
				/* an empty optional property (LOCATION:) is harmless: info */
				bool empty = x != NULL && strncmp(x, "No value for", 12) == 0;
				*rc = say(c, line, empty ? "info" : "warning",
					  _("%s:%lld: libical: %s"), c->path, (long long)line,
					  x != NULL ? x : "?");
			}
			break;
		default:
			break;
		}
	}
	return end_event(c, e, has_start, line, rc);
}

/* ---- the fast path: plain VEVENTs without libical's parser ----
 * Most exports consist of plain VEVENTs: a few well-known properties with well-formed values.
 * Parsing those with libical costs most of an import, so they are read here; whatever is not
 * plainly well-formed (escapes, lists, nested components, an unknown property or parameter
 * value, anything libical would have complained about) makes the whole component go through
 * libical as before, so the result (instances and messages) is the same either way. */

/* One parsed content line: name, parameters and value point into the line, which is cut up. */
#define FAST_MAX_PARAMS 16
typedef struct fline {
	/* the property name, upper-cased (in buf) */
	char name[64];
	/* parameters: names upper-cased in place, values unquoted; NULL-terminated strings */
	char *pname[FAST_MAX_PARAMS];
	char *pval[FAST_MAX_PARAMS];
	int nparams;
	/* the value */
	char *value;
} fline;

/* Cuts a content line into its parts. False when its syntax is not plain: then libical reads
 * the component. */
static bool
fast_split(char *s, fline *l)
{
	size_t k = 0;
	char delim;

	l->nparams = 0;
	while (*s && *s != ';' && *s != ':') {
		if (k + 1 >= sizeof(l->name) || !(isalnum((unsigned char)*s) || *s == '-')) {
			return false;
		}
		l->name[k++] = (char)toupper((unsigned char)*s++);
	}
	l->name[k] = '\0';
	if (k == 0 || *s == '\0') {
		return false;
	}
	delim = *s;
	while (delim == ';') {
		char *n = ++s, *v;
		if (l->nparams == FAST_MAX_PARAMS) {
			return false;
		}
		while (isalnum((unsigned char)*s) || *s == '-') {
			*s = (char)toupper((unsigned char)*s);
			s++;
		}
		if (s == n || *s != '=') {
			return false;
		}
		*s++ = '\0';
		if (*s == '"') {
			v = ++s;
			while (*s && *s != '"') {
				s++;
			}
			if (*s != '"') {
				return false;
			}
			*s++ = '\0';
		} else {
			v = s;
			while (*s && *s != ';' && *s != ':' && *s != ',' && *s != '"') {
				s++;
			}
		}
		if (*s != ';' && *s != ':') {
			return false;
		}
		delim = *s;
		*s = '\0';
		l->pname[l->nparams] = n;
		l->pval[l->nparams] = v;
		l->nparams++;
	}
	l->value = s + 1;
	/* libical strips blanks around values */
	k = strlen(l->value);
	return k == 0 ||
	       (!isspace((unsigned char)l->value[0]) && !isspace((unsigned char)l->value[k - 1]));
}

static const char *
fast_param(const fline *l, const char *name)
{
	for (int i = 0; i < l->nparams; i++) {
		if (strcmp(l->pname[i], name) == 0) {
			return l->pval[i];
		}
	}
	return NULL;
}

static bool
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

static int
num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* A DATE (yyyymmdd, with VALUE=DATE) or DATE-TIME (yyyymmddThhmmss[Z]) value into a ptime, as
 * get_ptime() gives it. False when the value is anything else or not a valid time. */
static bool
fast_time(ctx *c, const fline *l, const char *v, ptime *out)
{
	const char *vt = fast_param(l, "VALUE"), *tzid = fast_param(l, "TZID");
	struct icaltimetype t = icaltime_null_time();
	size_t n = strlen(v);
	bool is_date = n == 8;

	if (is_date ? (vt == NULL || strcmp(vt, "DATE") != 0)
		    : (vt != NULL && strcmp(vt, "DATE-TIME") != 0)) {
		return false;
	}
	if (!all_digits(v, 8) || (!is_date && !((n == 15 || (n == 16 && v[15] == 'Z')) &&
						v[8] == 'T' && all_digits(v + 9, 6)))) {
		return false;
	}
	t.year = num(v, 4);
	t.month = num(v + 4, 2);
	t.day = num(v + 6, 2);
	if (is_date) {
		t.is_date = 1;
	} else {
		t.hour = num(v + 9, 2);
		t.minute = num(v + 11, 2);
		t.second = num(v + 13, 2);
	}
	if (!valid_time(t) || (tzid != NULL && (*tzid == '\0' || strchr(tzid, '"') != NULL))) {
		return false;
	}
	out->t = t;
	out->t.zone = NULL;
	if (n == 16) {
		out->tz = TZ_UTC;
	} else if (tzid != NULL && !is_date) {
		out->tz = intern_tz(c, tzid);
	} else {
		out->tz = TZ_FLOATING;
	}
	return true;
}

/* ORGANIZER / ATTENDEE as take_participant() reads them. */
static bool
fast_participant(event *e, const fline *l, bool organizer)
{
	const char *cu = fast_param(l, "CUTYPE"), *ro = fast_param(l, "ROLE");
	const char *ps = fast_param(l, "PARTSTAT"), *cn = fast_param(l, "CN");
	int partstat = organizer ? MAAT_PART_ACCEPTED : MAAT_PART_NO_REPLY;
	const char *value = l->value;
	char *k;

	if (cu != NULL && strcmp(cu, "INDIVIDUAL") != 0 && strcmp(cu, "GROUP") != 0 &&
	    strcmp(cu, "UNKNOWN") != 0 && strcmp(cu, "ROOM") != 0 && strcmp(cu, "RESOURCE") != 0) {
		return false;
	}
	if (ro != NULL && strcmp(ro, "CHAIR") != 0 && strcmp(ro, "REQ-PARTICIPANT") != 0 &&
	    strcmp(ro, "OPT-PARTICIPANT") != 0 && strcmp(ro, "NON-PARTICIPANT") != 0) {
		return false;
	}
	if (ps != NULL && strcmp(ps, "ACCEPTED") != 0 && strcmp(ps, "DECLINED") != 0 &&
	    strcmp(ps, "TENTATIVE") != 0 && strcmp(ps, "NEEDS-ACTION") != 0 &&
	    strcmp(ps, "DELEGATED") != 0) {
		return false;
	}
	if (*value == '\0' || strchr(value, '\\') != NULL || (cn != NULL && strchr(cn, '^'))) {
		return false;
	}
	if (cu != NULL && (strcmp(cu, "ROOM") == 0 || strcmp(cu, "RESOURCE") == 0)) {
		return true;
	}
	if (ro != NULL && strcmp(ro, "NON-PARTICIPANT") == 0) {
		return true;
	}
	if (ps != NULL && !organizer) {
		if (strcmp(ps, "DECLINED") == 0) {
			partstat = MAAT_PART_DECLINED;
		} else if (strcmp(ps, "TENTATIVE") == 0) {
			partstat = MAAT_PART_TENTATIVE;
		} else if (strcmp(ps, "NEEDS-ACTION") == 0) {
			partstat = MAAT_PART_NO_REPLY;
		} else {
			partstat = MAAT_PART_ACCEPTED;
		}
	}
	if ((k = participant_key(cn, value)) != NULL) {
		add_part(e, k, partstat, organizer);
	}
	return true;
}

/* A property libical would read without a complaint and we do not need. */
static bool
fast_ignorable(const fline *l)
{
	static const char *const text[] = {"DESCRIPTION", "LOCATION", "COMMENT", "CONTACT"};
	const char *n = l->name;
	if (*l->value == '\0') {
		/* libical: "No value for ... property" */
		return false;
	}
	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
		if (strcmp(n, text[i]) == 0) {
			return true;
		}
	}
	if (strcmp(n, "CLASS") == 0) {
		return strcmp(l->value, "PUBLIC") == 0 || strcmp(l->value, "PRIVATE") == 0 ||
		       strcmp(l->value, "CONFIDENTIAL") == 0;
	}
	if (strcmp(n, "PRIORITY") == 0) {
		return strlen(l->value) == 1 && isdigit((unsigned char)l->value[0]);
	}
	/* X- properties are text to libical */
	return strncmp(n, "X-", 2) == 0 && l->nparams == 0;
}

/* Reads a VEVENT's captured text. Returns 1 with e filled (*has_start set), 0 when it must go
 * through libical (e is then cleared for that). */
static int
fast_event(ctx *c, const maat_buf *text, event *e, bool *has_start)
{
	char *buf = maat_xmalloc(text->len + 1), *line, *next;
	fline l;
	int ok = 1, lineno = 0;

	memcpy(buf, text->data, text->len + 1);
	*has_start = false;
	for (line = buf; ok && line != NULL && *line; line = next) {
		ptime t;
		next = strchr(line, '\n');
		if (next != NULL) {
			*next++ = '\0';
		}
		lineno++;
		if (!fast_split(line, &l)) {
			ok = 0;
			break;
		}
		/* participants first: most of an event's lines */
		if (strcmp(l.name, "ATTENDEE") == 0 || strcmp(l.name, "ORGANIZER") == 0) {
			if (!fast_participant(e, &l, l.name[0] == 'O')) {
				ok = 0;
			}
		} else if (strcmp(l.name, "BEGIN") == 0 || strcmp(l.name, "END") == 0) {
			/* only the VEVENT's own BEGIN and END: nothing nested */
			ok = strcmp(l.value, "VEVENT") == 0 && l.nparams == 0 &&
			     (strcmp(l.name, "BEGIN") == 0) == (lineno == 1) &&
			     (strcmp(l.name, "END") != 0 || next == NULL || *next == '\0');
		} else if (strcmp(l.name, "UID") == 0) {
			if (*l.value == '\0' || strchr(l.value, '\\') != NULL) {
				ok = 0;
			} else if (e->uid == NULL) {
				e->uid = clean_dup(l.value);
			}
		} else if (strcmp(l.name, "SUMMARY") == 0) {
			if (*l.value == '\0' || strchr(l.value, '\\') != NULL) {
				ok = 0;
			} else if (e->summary == NULL) {
				e->summary = clean_dup(l.value);
			}
		} else if (strcmp(l.name, "SEQUENCE") == 0) {
			size_t n = strlen(l.value);
			if (n == 0 || n > 9 || !all_digits(l.value, n)) {
				ok = 0;
			} else {
				e->seq = num(l.value, n);
			}
		} else if (strcmp(l.name, "DTSTAMP") == 0) {
			if (l.nparams != 0 || !fast_time(c, &l, l.value, &t) || t.tz != TZ_UTC) {
				ok = 0;
			} else {
				e->dtstamp = (int64_t)icaltime_as_timet_with_zone(
				    t.t, icaltimezone_get_utc_timezone());
			}
		} else if (strcmp(l.name, "STATUS") == 0) {
			if (strcmp(l.value, "CANCELLED") == 0) {
				e->flags |= MAAT_CAL_CANCELLED;
			} else if (strcmp(l.value, "CONFIRMED") != 0 &&
				   strcmp(l.value, "TENTATIVE") != 0) {
				ok = 0;
			}
		} else if (strcmp(l.name, "TRANSP") == 0) {
			if (strcmp(l.value, "TRANSPARENT") == 0) {
				e->flags |= MAAT_CAL_TRANSPARENT;
			} else if (strcmp(l.value, "OPAQUE") != 0) {
				ok = 0;
			}
		} else if (strcmp(l.name, "DTSTART") == 0) {
			if (!fast_time(c, &l, l.value, &e->dtstart)) {
				ok = 0;
			}
			*has_start = true;
		} else if (strcmp(l.name, "DTEND") == 0) {
			if (!fast_time(c, &l, l.value, &e->dtend)) {
				ok = 0;
			}
			e->has_dtend = true;
		} else if (strcmp(l.name, "DURATION") == 0) {
			struct icaldurationtype d;
			if (*l.value != 'P' && *l.value != '+') {
				ok = 0;
				continue;
			}
			d = icaldurationtype_from_string(l.value);
			icalerror_clear_errno();
			if (icaldurationtype_is_bad_duration(d) ||
			    icaldurationtype_is_null_duration(d)) {
				ok = 0;
			} else {
				e->duration = icaldurationtype_as_int(d);
			}
		} else if (strcmp(l.name, "RRULE") == 0) {
			struct icalrecurrencetype r;
			char *x;
			if (e->nrrules >= 16) {
				ok = 0;
				continue;
			}
			icalerror_clear_errno();
			r = icalrecurrencetype_from_string(l.value);
			if (r.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR ||
			    l.nparams != 0) {
				icalerror_clear_errno();
				ok = 0;
				continue;
			}
			/* as libical gives it back: its own spelling of the rule */
			x = icalrecurrencetype_as_string_r(&r);
			if (x == NULL) {
				ok = 0;
				continue;
			}
			e->rrules =
			    maat_xreallocarray(e->rrules, e->nrrules + 1, sizeof(*e->rrules));
			e->rrules[e->nrrules++] = maat_xstrdup(x);
			icalmemory_free_buffer(x);
		} else if (strcmp(l.name, "EXDATE") == 0) {
			if (e->nexdates >= 100000 || !fast_time(c, &l, l.value, &t)) {
				ok = 0;
			} else {
				e->exdates = maat_xreallocarray(e->exdates, e->nexdates + 1,
								sizeof(*e->exdates));
				e->exdates[e->nexdates++] = t;
			}
		} else if (strcmp(l.name, "RECURRENCE-ID") == 0) {
			const char *range = fast_param(&l, "RANGE");
			if (!fast_time(c, &l, l.value, &e->rid) ||
			    (range != NULL && strcmp(range, "THISANDFUTURE") != 0)) {
				ok = 0;
			} else {
				e->has_rid = true;
				e->future = range != NULL;
			}
		} else if (strcmp(l.name, "X-MICROSOFT-CDO-ALLDAYEVENT") == 0) {
			if (strcmp(l.value, "TRUE") == 0) {
				e->flags |= MAAT_CAL_ALLDAY;
			} else if (strcmp(l.value, "FALSE") != 0) {
				ok = 0;
			}
		} else if (!fast_ignorable(&l)) {
			ok = 0;
		}
	}
	free(buf);
	return ok;
}

/* The next event slot, initialised from the calendar's state (not yet counted in c->nev). */
static event *
new_event(ctx *c, int64_t line)
{
	event *e;
	if (c->nev == c->capev) {
		c->capev = c->capev ? c->capev * 2 : 64;
		c->ev = maat_xreallocarray(c->ev, c->capev, sizeof(*c->ev));
	}
	e = &c->ev[c->nev];
	memset(e, 0, sizeof(*e));
	e->line = line;
	e->order = c->nev;
	e->duration = -1;
	e->owner = c->cur_owner;
	e->float_tz = c->cur_float_tz;
	if (c->cur_method == 1) {
		e->flags |= MAAT_CAL_CANCELLED;
	}
	return e;
}

/* libical expands a VTIMEZONE's STANDARD/DAYLIGHT rules from their DTSTART up to the year it
 * needs, one occurrence at a time: a rule finer than monthly (FREQ=SECONDLY from 1601) would
 * run for hours. Real zones change at most a few times a year: such a VTIMEZONE is not used
 * (its TZID is then resolved by name, or read in the organisation's zone). Returns 0 when the
 * zone may be used, 1 (after a message) when not, negative on a sink error. */
static int
vtimezone_bounded(ctx *c, icalcomponent *zc, const char *tzid, int64_t line)
{
	for (icalcomponent *sub = icalcomponent_get_first_component(zc, ICAL_ANY_COMPONENT);
	     sub != NULL; sub = icalcomponent_get_next_component(zc, ICAL_ANY_COMPONENT)) {
		for (icalproperty *p = icalcomponent_get_first_property(sub, ICAL_RRULE_PROPERTY);
		     p != NULL; p = icalcomponent_get_next_property(sub, ICAL_RRULE_PROPERTY)) {
			struct icalrecurrencetype r = icalproperty_get_rrule(p);
			if (r.freq != ICAL_NO_RECURRENCE && r.freq != ICAL_YEARLY_RECURRENCE &&
			    r.freq != ICAL_MONTHLY_RECURRENCE) {
				int rc =
				    say(c, line, "warning",
					_("%s:%lld: VTIMEZONE '%.80s' changes its offset more "
					  "often than monthly (%s): not a time zone, not used"),
					c->path, (long long)line, tzid,
					icalrecur_freq_to_string(r.freq));
				return rc < 0 ? rc : 1;
			}
		}
	}
	return 0;
}

/* A captured component's text is complete: parse it (ourselves when it is plain, else with
 * libical) and keep what we need. */
static int
finish_component(ctx *c, const char *name, maat_buf *text, int64_t line)
{
	icalcomponent *comp;
	int rc = 0;

	if (strcmp(name, "VEVENT") == 0) {
		c->read++;
		if (c->cur_method == 2) {
			c->replies_skipped++;
			return 0;
		}
	}
	if (strcmp(name, "VEVENT") == 0 && !c->opts->libical_only) {
		event *e = new_event(c, line), init = *e;
		bool has_start;
		if (fast_event(c, text, e, &has_start)) {
			c->fast++;
			if (end_event(c, e, has_start, line, &rc)) {
				c->nev++;
			} else {
				c->rejected++;
				event_fini(e);
			}
			return rc;
		}
		event_fini(e);
		*e = init;
	}
	icalerror_clear_errno();
	comp = icalparser_parse_string(text->data);
	if (comp == NULL ||
	    (strcmp(name, "VEVENT") == 0 && icalcomponent_isa(comp) != ICAL_VEVENT_COMPONENT)) {
		if (strcmp(name, "VEVENT") == 0) {
			c->rejected++;
		}
		rc = say(c, line, "warning", _("%s:%lld: %s that libical cannot read, skipped"),
			 c->path, (long long)line, name);
		icalcomponent_free(comp);
		return rc;
	}
	if (strcmp(name, "VTIMEZONE") == 0) {
		icalproperty *tp = icalcomponent_get_first_property(comp, ICAL_TZID_PROPERTY);
		const char *tzid = tp ? icalproperty_get_tzid(tp) : NULL;
		icaltimezone *z;
		if (tzid == NULL || *tzid == '\0' || c->nvtz >= 1000 ||
		    icalcomponent_isa(comp) != ICAL_VTIMEZONE_COMPONENT) {
			icalcomponent_free(comp);
			return say(c, line, "warning", _("%s:%lld: VTIMEZONE without TZID skipped"),
				   c->path, (long long)line);
		}
		if ((rc = vtimezone_bounded(c, comp, tzid, line)) != 0) {
			icalcomponent_free(comp);
			return rc < 0 ? rc : 0;
		}
		z = icaltimezone_new();
		c->vtzs = maat_xreallocarray(c->vtzs, c->nvtz + 1, sizeof(*c->vtzs));
		c->vtzs[c->nvtz].tzid = maat_xstrdup(tzid);
		if (!icaltimezone_set_component(z, comp)) {
			icaltimezone_free(z, 1);
			icalcomponent_free(comp);
			free(c->vtzs[c->nvtz].tzid);
			return say(c, line, "warning", _("%s:%lld: unusable VTIMEZONE skipped"),
				   c->path, (long long)line);
		}
		c->vtzs[c->nvtz++].zone = z;
		return 0;
	}
	{
		event *e = new_event(c, line);
		if (take_event(c, comp, e, line, &rc)) {
			c->nev++;
		} else {
			c->rejected++;
			event_fini(e);
		}
	}
	icalcomponent_free(comp);
	return rc;
}

/* ---- the tokenizer ---- */

/* Reads one physical line into b (without CR/LF). Returns 1, 0 at EOF, -1 when too long. */
static int
read_physical(FILE *f, maat_buf *b)
{
	int ch = EOF;
	size_t n = 0;
	if (b->cap < 256) {
		b->data = maat_xrealloc(b->data, 256);
		b->cap = 256;
	}
	while ((ch = getc_unlocked(f)) != EOF) {
		if (ch == '\n') {
			break;
		}
		if (ch == '\r') {
			/* CRLF, or a lone CR (old Mac line ends) */
			int nx = getc_unlocked(f);
			if (nx != '\n' && nx != EOF) {
				ungetc(nx, f);
			}
			break;
		}
		if (n >= MAX_LINE) {
			b->len = 0;
			b->data[0] = '\0';
			return -1;
		}
		if (n + 2 > b->cap) {
			b->cap *= 2;
			b->data = maat_xrealloc(b->data, b->cap);
		}
		b->data[n++] = (char)ch;
	}
	b->data[n] = '\0';
	b->len = n;
	if (ch == EOF && n == 0) {
		return 0;
	}
	return 1;
}

typedef struct lines {
	FILE *f;
	/* the logical line, unfolded */
	maat_buf cur;
	/* the physical line read ahead */
	maat_buf next;
	bool have_next;
	bool eof;
	/* physical line number of the logical line's start, and of the look-ahead */
	int64_t line;
	int64_t next_line;
} lines;

/* Next logical line. Returns 1, 0 at EOF, -1 (line too long). */
static int
next_logical(lines *L)
{
	int r;
	if (!L->have_next) {
		if (L->eof) {
			return 0;
		}
		r = read_physical(L->f, &L->next);
		if (r <= 0) {
			L->eof = true;
			return r;
		}
		L->next_line++;
	}
	maat_buf_reset(&L->cur);
	maat_buf_append(&L->cur, L->next.data, L->next.len);
	L->line = L->next_line;
	L->have_next = false;
	for (;;) {
		r = read_physical(L->f, &L->next);
		if (r < 0) {
			return -1;
		}
		if (r == 0) {
			L->eof = true;
			break;
		}
		L->next_line++;
		if (L->next.len > 0 && (L->next.data[0] == ' ' || L->next.data[0] == '\t')) {
			if (L->cur.len + L->next.len > MAX_LINE) {
				return -1;
			}
			maat_buf_append(&L->cur, L->next.data + 1, L->next.len - 1);
			continue;
		}
		L->have_next = true;
		break;
	}
	return 1;
}

/* The property name of a content line, upper-cased into out. */
static void
prop_name(const char *s, char *out, size_t n)
{
	size_t k = 0;
	for (; *s && *s != ':' && *s != ';' && k + 1 < n; s++) {
		out[k++] = (char)toupper((unsigned char)*s);
	}
	out[k] = '\0';
}

static const char *
prop_value(const char *s)
{
	/* the value follows the first ':' outside a quoted parameter value */
	bool q = false;
	for (; *s; s++) {
		if (*s == '"') {
			q = !q;
		} else if (*s == ':' && !q) {
			return s + 1;
		}
	}
	return NULL;
}

static void
upper_trim(const char *s, char *out, size_t n)
{
	size_t k = 0;
	while (*s == ' ' || *s == '\t') {
		s++;
	}
	for (; *s && k + 1 < n; s++) {
		out[k++] = (char)toupper((unsigned char)*s);
	}
	while (k > 0 && (out[k - 1] == ' ' || out[k - 1] == '\t')) {
		k--;
	}
	out[k] = '\0';
}

static void
calendar_property(ctx *c, const char *name, const char *value)
{
	if (value == NULL) {
		return;
	}
	if (strcmp(name, "X-WR-CALNAME") == 0 && c->opts->owner == NULL &&
	    strchr(value, '@') != NULL && strchr(value, ' ') == NULL) {
		char *o = clean_dup(value);
		if (strncasecmp(o, "mailto:", 7) == 0) {
			memmove(o, o + 7, strlen(o + 7) + 1);
		}
		for (char *s = o; *s; s++) {
			*s = (char)tolower((unsigned char)*s);
		}
		c->owners = maat_xreallocarray(c->owners, c->nowners + 1, sizeof(*c->owners));
		c->owners[c->nowners++] = o;
		c->cur_owner = o;
	} else if (strcmp(name, "X-WR-TIMEZONE") == 0 && *value) {
		c->cur_float_tz = intern_tz(c, value);
	} else if (strcmp(name, "METHOD") == 0) {
		char m[32];
		upper_trim(value, m, sizeof(m));
		if (strcmp(m, "CANCEL") == 0) {
			c->cur_method = 1;
		} else if (strcmp(m, "REPLY") == 0 || strcmp(m, "COUNTER") == 0 ||
			   strcmp(m, "DECLINECOUNTER") == 0 || strcmp(m, "REFRESH") == 0) {
			c->cur_method = 2;
		}
	}
}

/* libical's RRULE parser without its errors: freq ICAL_NO_RECURRENCE when the rule does not
 * parse; RSCALE (unsupported here) never leaks. */
static struct icalrecurrencetype
recur_parse(const char *rule)
{
	struct icalrecurrencetype r;
	icalerror_clear_errno();
	r = icalrecurrencetype_from_string(rule);
	if (icalerrno != ICAL_NO_ERROR) {
		r.freq = ICAL_NO_RECURRENCE;
	}
	icalerror_clear_errno();
	if (r.rscale != NULL) {
		free(r.rscale);
		r.rscale = NULL;
	}
	return r;
}

/* An RRULE with junk in it, recovered as the common libraries do (python-dateutil, ical.net):
 * a repeated "RRULE:" prefix is dropped, the parts that libical cannot read (unknown names,
 * bad values, repeats) are skipped. The logical line in *b is rewritten when anything was
 * dropped; without a valid FREQ it stays (the series keeps its DTSTART). */
static int
repair_rrule(ctx *c, maat_buf *b, int64_t line)
{
	const char *v = prop_value(b->data);
	char *copy, *save = NULL, *freq = NULL, *parts[64];
	size_t nparts = 0;
	maat_buf kept = {0}, dropped = {0}, test = {0};
	bool prefix = false;
	int rc = 0;

	if (v == NULL) {
		return 0;
	}
	while (*v == ' ') {
		v++;
	}
	while (strncasecmp(v, "RRULE:", 6) == 0) {
		v += 6;
		prefix = true;
	}
	if (!prefix && recur_parse(v).freq != ICAL_NO_RECURRENCE) {
		return 0;
	}
	copy = maat_xstrdup(v);
	for (char *t = strtok_r(copy, ";", &save); t != NULL && nparts < 64;
	     t = strtok_r(NULL, ";", &save)) {
		maat_trim(t);
		if (*t != '\0') {
			parts[nparts++] = t;
		}
	}
	/* the FREQ first, whichever position it has */
	for (size_t i = 0; i < nparts && freq == NULL; i++) {
		if (strncasecmp(parts[i], "FREQ=", 5) == 0 &&
		    recur_parse(parts[i]).freq != ICAL_NO_RECURRENCE) {
			freq = parts[i];
		}
	}
	if (freq == NULL) {
		rc = say(c, line, "warning",
			 _("%s:%lld: RRULE '%.80s' has no valid FREQ: only DTSTART kept"), c->path,
			 (long long)line, v);
		maat_buf_reset(b);
		maat_buf_printf(b, "X-MAATLAT-DROPPED-RRULE:junk");
		free(copy);
		return rc;
	}
	maat_buf_printf(&kept, "%s", freq);
	for (size_t i = 0; i < nparts; i++) {
		if (parts[i] == freq) {
			continue;
		}
		maat_buf_reset(&test);
		maat_buf_printf(&test, "%s;%s", kept.data, parts[i]);
		if (strncasecmp(parts[i], "RSCALE=", 7) != 0 &&
		    recur_parse(test.data).freq != ICAL_NO_RECURRENCE) {
			maat_buf_printf(&kept, ";%s", parts[i]);
		} else {
			maat_buf_printf(&dropped, "%s%s", dropped.len ? ";" : "", parts[i]);
		}
	}
	rc = say(c, line, "warning", _("%s:%lld: RRULE '%.80s' recovered as '%.80s'%s%.80s"),
		 c->path, (long long)line, v, kept.data, dropped.len ? _(", skipped: ") : "",
		 dropped.len ? dropped.data : "");
	maat_buf_reset(b);
	maat_buf_printf(b, "RRULE:%s", kept.data);
	free(copy);
	maat_buf_fini(&kept);
	maat_buf_fini(&dropped);
	maat_buf_fini(&test);
	return rc;
}

/* A TZID parameter holding a Windows display name unquoted ("DTSTART;TZID=(UTC+01:00)
 * Amsterdam, Berlin, ...:20240304T090000"): its colon would end the parameters early, so the
 * value is quoted, up to the first ';' or ':' after the offset's ')'. */
static void
quote_tzid(maat_buf *b)
{
	char *p = strstr(b->data, ";TZID=(");
	char *close, *end;
	maat_buf out = {0};
	if (p == NULL) {
		return;
	}
	p += 6;
	if ((close = strchr(p, ')')) == NULL) {
		return;
	}
	end = close + strcspn(close, ";:");
	if (*end == '\0') {
		return;
	}
	maat_buf_append(&out, b->data, (size_t)(p - b->data));
	maat_buf_append(&out, "\"", 1);
	maat_buf_append(&out, p, (size_t)(end - p));
	maat_buf_append(&out, "\"", 1);
	maat_buf_append(&out, end, strlen(end));
	maat_buf_reset(b);
	maat_buf_append(b, out.data, out.len);
	maat_buf_fini(&out);
}

/* Replaces the invalid UTF-8 sequences of a logical line by U+FFFD (METRICS.md: reported, not
 * passed over). Returns true when something was replaced. */
static bool
repair_utf8(maat_buf *b)
{
	const unsigned char *p = (const unsigned char *)b->data;
	size_t n = b->len, i = 0;
	maat_buf out = {0};
	if (maat_utf8_valid(b->data, n)) {
		return false;
	}
	while (i < n) {
		size_t k = 1;
		unsigned char ch = p[i];
		if (ch >= 0xC2 && ch <= 0xDF) {
			k = 2;
		} else if (ch >= 0xE0 && ch <= 0xEF) {
			k = 3;
		} else if (ch >= 0xF0 && ch <= 0xF4) {
			k = 4;
		} else if (ch >= 0x80) {
			k = 0;
		}
		if (k > 1 && (i + k > n || !maat_utf8_valid((const char *)p + i, k))) {
			k = 0;
		}
		if (k == 0) {
			maat_buf_append(&out, "\xEF\xBF\xBD", 3);
			i++;
		} else {
			maat_buf_append(&out, (const char *)p + i, k);
			i += k;
		}
	}
	maat_buf_reset(b);
	maat_buf_append(b, out.data ? out.data : "", out.len);
	maat_buf_fini(&out);
	return true;
}

static void
reset_calendar(ctx *c)
{
	c->cur_owner = c->opts->owner != NULL ? c->owners[0] : NULL;
	c->cur_float_tz = TZ_FLOATING;
	c->cur_method = 0;
}

/* Walks the file: component structure, calendar properties, captured VEVENT/VTIMEZONE text. */
static int
tokenize(ctx *c, FILE *f)
{
	char stack[MAX_DEPTH][32];
	int depth = 0, capture_at = -1, r, rc = 0;
	int64_t capture_line = 0;
	bool seen_begin = false, too_big = false;
	lines L = {.f = f};
	maat_buf text = {0};
	char name[64], what[32];

	while ((r = next_logical(&L)) > 0) {
		const char *v;
		if (L.cur.len == 0) {
			continue;
		}
		prop_name(L.cur.data, name, sizeof(name));
		v = prop_value(L.cur.data);
		if (!seen_begin) {
			/* a UTF-8 BOM may precede the first line */
			if (strncmp(name, "\xEF\xBB\xBF", 3) == 0) {
				memmove(name, name + 3, strlen(name + 3) + 1);
			}
			if (strcmp(name, "BEGIN") != 0) {
				rc = maat_err_set(
				    c->err, MAAT_E_DATA,
				    _("%s:%lld: not an iCalendar file (no BEGIN:VCALENDAR)"),
				    c->path, (long long)L.line);
				goto out;
			}
			seen_begin = true;
		}
		if (strcmp(name, "BEGIN") == 0 && v != NULL) {
			upper_trim(v, what, sizeof(what));
			if (depth >= MAX_DEPTH) {
				rc = maat_err_set(c->err, MAAT_E_DATA,
						  _("%s:%lld: components nested too deeply"),
						  c->path, (long long)L.line);
				goto out;
			}
			if (capture_at < 0 &&
			    (strcmp(what, "VEVENT") == 0 || strcmp(what, "VTIMEZONE") == 0)) {
				capture_at = depth;
				capture_line = L.line;
				too_big = false;
				maat_buf_reset(&text);
			}
			if (strcmp(what, "VCALENDAR") == 0 && capture_at < 0) {
				reset_calendar(c);
			}
			snprintf(stack[depth++], sizeof(stack[0]), "%s", what);
		} else if (strcmp(name, "END") == 0 && v != NULL) {
			int match = -1;
			upper_trim(v, what, sizeof(what));
			for (int i = depth - 1; i >= 0; i--) {
				if (strcmp(stack[i], what) == 0) {
					match = i;
					break;
				}
			}
			if (match < 0) {
				if ((rc = say(c, L.line, "warning",
					      _("%s:%lld: END:%s without BEGIN, ignored"), c->path,
					      (long long)L.line, what)) < 0) {
					goto out;
				}
				continue;
			}
			if (match != depth - 1 &&
			    (rc = say(c, L.line, "warning", _("%s:%lld: missing END:%s"), c->path,
				      (long long)L.line, stack[depth - 1])) < 0) {
				goto out;
			}
			if (capture_at >= 0 && match > capture_at) {
				/* the END of a nested component (VALARM, STANDARD, DAYLIGHT) */
				for (int i = depth - 1; i > match; i--) {
					maat_buf_printf(&text, "END:%s\n", stack[i]);
				}
				if (text.len + L.cur.len + 1 > MAX_COMPONENT) {
					too_big = true;
				} else {
					maat_buf_append(&text, L.cur.data, L.cur.len);
					maat_buf_append(&text, "\n", 1);
				}
			} else if (capture_at >= 0 && match == capture_at) {
				if (depth - 1 == capture_at) {
					maat_buf_append(&text, L.cur.data, L.cur.len);
					maat_buf_append(&text, "\n", 1);
				}
				if (too_big || match != depth - 1) {
					if (strcmp(what, "VEVENT") == 0) {
						c->read++;
						c->rejected++;
					}
					rc =
					    say(c, capture_line, "warning",
						too_big ? _("%s:%lld: component too large, skipped")
							: _("%s:%lld: broken component skipped"),
						c->path, (long long)capture_line);
				} else {
					rc = finish_component(c, what, &text, capture_line);
				}
				if (rc < 0) {
					goto out;
				}
				capture_at = -1;
			} else if (capture_at >= 0 && match < capture_at) {
				/* the captured component was never closed */
				if ((rc = say(c, capture_line, "warning",
					      _("%s:%lld: component without END skipped"), c->path,
					      (long long)capture_line)) < 0) {
					goto out;
				}
				capture_at = -1;
			}
			depth = match;
			continue;
		} else if (capture_at < 0 && depth >= 1 &&
			   strcmp(stack[depth - 1], "VCALENDAR") == 0) {
			calendar_property(c, name, v);
			continue;
		}
		if (capture_at >= 0) {
			if (repair_utf8(&L.cur)) {
				if (c->bad_utf8++ == 0) {
					c->bad_utf8_line = L.line;
				}
			}
			quote_tzid(&L.cur);
			if (strcmp(name, "RRULE") == 0 && depth - 1 == capture_at &&
			    (rc = repair_rrule(c, &L.cur, L.line)) < 0) {
				goto out;
			}
			if (text.len + L.cur.len + 1 > MAX_COMPONENT) {
				too_big = true;
			} else {
				maat_buf_append(&text, L.cur.data, L.cur.len);
				maat_buf_append(&text, "\n", 1);
			}
		}
	}
	if (r < 0) {
		rc = maat_err_set(c->err, MAAT_E_DATA, _("%s:%lld: line longer than %d bytes"),
				  c->path, (long long)L.next_line + 1, MAX_LINE);
		goto out;
	}
	if (ferror(f)) {
		rc = maat_err_set(c->err, MAAT_E_IO, _("%s: read error"), c->path);
		goto out;
	}
	if (!seen_begin) {
		rc = maat_err_set(c->err, MAAT_E_DATA, _("%s:1: not an iCalendar file (empty)"),
				  c->path);
		goto out;
	}
	if (capture_at >= 0) {
		if ((rc = say(c, capture_line, "warning",
			      _("%s:%lld: component without END at the end of the file, skipped"),
			      c->path, (long long)capture_line)) < 0) {
			goto out;
		}
	} else if (depth > 0) {
		rc = say(c, L.line, "warning", _("%s:%lld: missing END:%s at the end of the file"),
			 c->path, (long long)L.line, stack[0]);
	}
out:
	maat_buf_fini(&L.cur);
	maat_buf_fini(&L.next);
	maat_buf_fini(&text);
	return rc;
}

/* ---- expansion ---- */

static int
cmp_event(const void *a, const void *b)
{
	const event *x = a, *y = b;
	int r = strcmp(x->uid, y->uid);
	if (r != 0) {
		return r;
	}
	return x->order < y->order ? -1 : x->order > y->order;
}

/* True when a is a better (newer) version than b: SEQUENCE, then DTSTAMP, then file order. */
static bool
newer(const event *a, const event *b)
{
	if (a->seq != b->seq) {
		return a->seq > b->seq;
	}
	if (a->dtstamp != b->dtstamp) {
		return a->dtstamp > b->dtstamp;
	}
	return a->order > b->order;
}

static int64_t
event_duration(const ctx *c, const event *e)
{
	int64_t d;
	if (e->has_dtend) {
		d = to_utc(c, e, &e->dtend) - to_utc(c, e, &e->dtstart);
	} else if (e->duration >= 0) {
		d = e->duration;
	} else {
		d = e->dtstart.t.is_date ? 86400 : 0;
	}
	return d < 0 ? 0 : d;
}

typedef struct ilist {
	inst *v;
	size_t n, cap;
} ilist;

static void
push(ilist *l, int64_t orig, int64_t start, int64_t end, const event *src)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = maat_xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n].orig = orig;
	l->v[l->n].start = start;
	l->v[l->n].end = end;
	l->v[l->n].src = src;
	l->v[l->n].gone = false;
	l->n++;
}

static bool
in_window(const ctx *c, int64_t s, int64_t e)
{
	if (e > s) {
		return s < c->to && e > c->from;
	}
	return s >= c->from && s < c->to;
}

static int
cmp_orig(const void *a, const void *b)
{
	const inst *x = a, *y = b;
	return x->orig < y->orig ? -1 : x->orig > y->orig;
}

static int
cmp_start(const void *a, const void *b)
{
	const inst *x = a, *y = b;
	if (x->start != y->start) {
		return x->start < y->start ? -1 : 1;
	}
	/* among duplicates keep the override's version */
	return (x->src->has_rid ? 0 : 1) - (y->src->has_rid ? 0 : 1);
}

/* True when z is no file's own VTIMEZONE (builtin zones live as long as the process). */
static bool
shared_zone(const ctx *c, const icaltimezone *z)
{
	for (size_t i = 0; i < c->nvtz; i++) {
		if (c->vtzs[i].zone == z) {
			return false;
		}
	}
	return true;
}

/* Expands one RRULE of master m into l. */
static int
expand_rule(ctx *c, const event *m, const char *rule, int64_t dur, ilist *l, int64_t *count)
{
	struct icalrecurrencetype r;
	struct icaltimetype dt = m->dtstart.t, t;
	icaltimezone *z = zone_of(c, m, m->dtstart.tz);
	icalrecur_iterator *it;
	maat_cal_cache *k = c->opts->cache;
	maat_buf key = {0};
	size_t first = l->n;
	bool hit_limit = false;
	int64_t off;
	int rc = 0;

	/* The same series in every attendee's export: its expansion depends only on the rule,
	 * DTSTART, the zone (a shared builtin one, not a file's VTIMEZONE, whose address may be
	 * reused), the length and the window. */
	if (k != NULL && *count == 0 && shared_zone(c, z)) {
		int64_t f[11] = {dt.year,   dt.month,  dt.day,     dt.hour,
				 dt.minute, dt.second, dt.is_date, (int64_t)(uintptr_t)z,
				 dur,       c->from,   c->to};
		maat_buf_append(&key, "R", 1);
		maat_buf_append(&key, (const char *)f, sizeof(f));
		maat_buf_append(&key, (const char *)&c->limit, sizeof(c->limit));
		maat_buf_append(&key, rule, strlen(rule));
		if (bmap_get(&k->rules, key.data, key.len, &off)) {
			maat_buf_fini(&key);
			for (int64_t i = 0; i < k->exp[off]; i++) {
				int64_t s = k->exp[off + 3 + i];
				push(l, s, s, s + dur, m);
			}
			*count = k->exp[off + 1];
			if (k->exp[off + 2]) {
				rc = say(
				    c, m->line, "warning",
				    _("%s:%lld: series '%.80s' stopped after %lld instances (the "
				      "per-series limit)"),
				    c->path, (long long)m->line, m->uid, (long long)c->limit);
			}
			return rc;
		}
	}
	icalerror_clear_errno();
	r = recur_parse(rule);
	if (r.freq == ICAL_NO_RECURRENCE) {
		maat_buf_fini(&key);
		return say(c, m->line, "warning",
			   _("%s:%lld: invalid RRULE '%.80s' in series '%.80s': only DTSTART kept"),
			   c->path, (long long)m->line, rule, m->uid);
	}
	dt.zone = z;
	if ((it = icalrecur_iterator_new(r, dt)) == NULL) {
		maat_buf_fini(&key);
		icalerror_clear_errno();
		return say(c, m->line, "warning",
			   _("%s:%lld: RRULE '%.80s' in series '%.80s' cannot be expanded: only "
			     "DTSTART kept"),
			   c->path, (long long)m->line, rule, m->uid);
	}
	if (r.count == 0) {
		/* jump close to the window (a day and the length before it: instances that
		 * started earlier may still overlap it) */
		int64_t skip = c->from - dur - 86400;
		if (skip > to_utc(c, m, &m->dtstart)) {
			struct icaltimetype s = icaltime_from_timet_with_zone((time_t)skip, 0, z);
			s.zone = z;
			if (dt.is_date) {
				s.is_date = 1;
				s.hour = s.minute = s.second = 0;
			}
			(void)icalrecur_iterator_set_start(it, s);
		}
	}
	for (t = icalrecur_iterator_next(it); !icaltime_is_null_time(t);
	     t = icalrecur_iterator_next(it)) {
		ptime p = {.t = t, .tz = m->dtstart.tz};
		int64_t s;
		if (++*count > c->limit) {
			hit_limit = true;
			rc = say(c, m->line, "warning",
				 _("%s:%lld: series '%.80s' stopped after %lld instances (the "
				   "per-series limit)"),
				 c->path, (long long)m->line, m->uid, (long long)c->limit);
			break;
		}
		p.t.zone = NULL;
		p.t.is_date = dt.is_date;
		s = to_utc(c, m, &p);
		if (s >= c->to) {
			break;
		}
		if (in_window(c, s, s + dur)) {
			push(l, s, s, s + dur, m);
		}
	}
	icalrecur_iterator_free(it);
	icalerror_clear_errno();
	if (key.len > 0 && rc == 0) {
		size_t n = l->n - first;
		if (k->nexp + n + 3 > k->capexp) {
			k->capexp = (k->nexp + n + 3) * 2;
			k->exp = maat_xreallocarray(k->exp, k->capexp, sizeof(*k->exp));
		}
		k->exp[k->nexp] = (int64_t)n;
		k->exp[k->nexp + 1] = *count;
		k->exp[k->nexp + 2] = hit_limit;
		for (size_t i = 0; i < n; i++) {
			k->exp[k->nexp + 3 + i] = l->v[first + i].start;
		}
		bmap_put(&k->rules, key.data, key.len, (int64_t)k->nexp);
		k->nexp += n + 3;
	}
	maat_buf_fini(&key);
	return rc;
}

static bool
excluded(const ctx *c, const event *m, int64_t orig)
{
	for (size_t i = 0; i < m->nexdates; i++) {
		const ptime *x = &m->exdates[i];
		if (x->t.is_date) {
			/* a DATE exdate removes the instances of that local day */
			icaltimezone *z = zone_of(c, m, m->dtstart.tz);
			struct icaltimetype lt = icaltime_from_timet_with_zone((time_t)orig, 0, z);
			if (lt.year == x->t.year && lt.month == x->t.month && lt.day == x->t.day) {
				return true;
			}
		} else if (to_utc(c, m, x) == orig) {
			return true;
		}
	}
	return false;
}

/* The instances of the master (possibly NULL) and its overrides, inside the window. */
static int
expand_group(ctx *c, const event *m, const event **ov, size_t nov, ilist *out)
{
	ilist l = {0};
	int64_t count = 0;
	int rc = 0;

	if (m != NULL) {
		int64_t dur = event_duration(c, m), s0 = to_utc(c, m, &m->dtstart);
		if (in_window(c, s0, s0 + dur)) {
			push(&l, s0, s0, s0 + dur, m);
		}
		for (size_t i = 0; i < m->nrrules && rc == 0; i++) {
			rc = expand_rule(c, m, m->rrules[i], dur, &l, &count);
		}
		for (size_t i = 0; i < m->nrdates; i++) {
			const rdate *r = &m->rdates[i];
			int64_t s = to_utc(c, m, &r->start), e = s + dur;
			if (r->has_end) {
				e = to_utc(c, m, &r->end);
			} else if (r->dur >= 0) {
				e = s + r->dur;
			}
			if (e < s) {
				e = s;
			}
			if (in_window(c, s, e)) {
				push(&l, s, s, e, m);
			}
		}
		/* an excluded instance stays as a tombstone: across exports a newer EXDATE beats
		 * an older export's copy (METRICS.md §2) */
		if (m->nexdates > 0) {
			for (size_t i = 0; i < l.n; i++) {
				if (excluded(c, m, l.v[i].orig)) {
					l.v[i].gone = true;
					l.v[i].start = l.v[i].end = l.v[i].orig;
				}
			}
		}
		/* the same start from DTSTART, RRULE and RDATE counts once */
		if (l.n > 1) {
			qsort(l.v, l.n, sizeof(*l.v), cmp_orig);
		}
		if (l.n > 1) {
			size_t k = 1;
			for (size_t i = 1; i < l.n; i++) {
				if (l.v[i].orig != l.v[k - 1].orig) {
					l.v[k++] = l.v[i];
				} else if (!l.v[i].gone && l.v[k - 1].gone) {
					/* never: excluded() depends on orig only */
					l.v[k - 1] = l.v[i];
				}
			}
			l.n = k;
		}
	}
	/* THISANDFUTURE overrides first (in RECURRENCE-ID order), then single ones */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t j = 0; j < nov; j++) {
			const event *o = ov[j];
			int64_t rid = to_utc(c, o, &o->rid), os = to_utc(c, o, &o->dtstart);
			int64_t od = event_duration(c, o);
			bool found = false;
			if ((pass == 0) != o->future) {
				continue;
			}
			for (size_t i = 0; i < l.n; i++) {
				if (l.v[i].gone && l.v[i].orig != rid) {
					continue;
				}
				if (l.v[i].orig == rid || (o->future && l.v[i].orig > rid)) {
					l.v[i].start = l.v[i].orig + (os - rid);
					l.v[i].end = l.v[i].start + od;
					l.v[i].src = o;
					l.v[i].gone = false;
					found = found || l.v[i].orig == rid;
				}
			}
			if (!found && in_window(c, os, os + od)) {
				push(&l, rid, os, os + od, o);
			}
		}
	}
	if (l.n > 1) {
		qsort(l.v, l.n, sizeof(*l.v), cmp_start);
	}
	{
		bool have_last = false;
		int64_t last = 0;
		for (size_t i = 0; i < l.n; i++) {
			if (!in_window(c, l.v[i].start, l.v[i].end)) {
				continue;
			}
			if (!l.v[i].gone) {
				if (have_last && last == l.v[i].start) {
					continue;
				}
				have_last = true;
				last = l.v[i].start;
			}
			push(out, l.v[i].orig, l.v[i].start, l.v[i].end, l.v[i].src);
			out->v[out->n - 1].gone = l.v[i].gone;
		}
	}
	free(l.v);
	return rc;
}

static int
emit(ctx *c, const char *uid, const event *m, const ilist *l)
{
	const char *summary = m ? m->summary : NULL;
	if (m != NULL && c->sink->series != NULL) {
		int rc = c->sink->series(c->sink->ctx, uid, m->summary, m->seq, m->dtstamp, c->err);
		if (rc < 0) {
			return rc;
		}
	}
	for (size_t i = 0; i < l->n; i++) {
		const inst *x = &l->v[i];
		const event *src = x->src;
		maat_cal_part owner = {.key = src->owner, .partstat = MAAT_PART_ACCEPTED};
		maat_cal_instance in = {
		    .uid = uid,
		    .summary = src->summary ? src->summary : summary,
		    .start = x->start,
		    .end = x->end,
		    .sequence = src->seq,
		    .flags = src->flags,
		    .parts = src->parts,
		    .nparts = src->nparts,
		    /* the event's list, fixed while the read emits */
		    .parts_id = src,
		    .line = src->line,
		    .orig = x->orig,
		    .dtstamp = src->dtstamp,
		};
		int rc;
		if (src->has_rid) {
			in.flags |= MAAT_CAL_OVERRIDE;
		}
		if (x->gone) {
			in.flags |= MAAT_CAL_EXCLUDED;
		}
		if (in.nparts == 0 && owner.key != NULL) {
			in.parts = &owner;
			in.nparts = 1;
			in.parts_id = owner.key;
		}
		if ((rc = c->sink->instance(c->sink->ctx, &in, c->err)) < 0) {
			return rc;
		}
	}
	return 0;
}

/* Monday 00:00 (zone z) of the ISO week holding t. */
static int64_t
week_monday(icaltimezone *z, int64_t t)
{
	struct icaltimetype lt = icaltime_from_timet_with_zone((time_t)t, 0, z);
	int wd;
	lt.hour = lt.minute = lt.second = 0;
	lt.is_date = 0;
	lt.zone = NULL;
	wd = (icaltime_day_of_week(lt) + 5) % 7;
	icaltime_adjust(&lt, -wd, 0, 0, 0);
	return (int64_t)icaltime_as_timet_with_zone(lt, z);
}

static void
utc_text(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M", &tm);
}

/* The default window (METRICS.md §2): weeks that have happened. Series are expanded up to the
 * end of the last full ISO week (in the organisation's zone) before the export time (the
 * newest DTSTAMP, else the import time); bounded data is kept whole; at most 2 years (and a
 * week) before that end. */
static int
default_window(ctx *c)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN, stamp = 0, end;
	bool open = false, counted = false;
	char day[32], when[32];
	int rc = 0;

	for (size_t i = 0; i < c->nev; i++) {
		const event *e = &c->ev[i];
		int64_t s = to_utc(c, e, &e->dtstart), d = event_duration(c, e);
		if (e->dtstamp > stamp) {
			stamp = e->dtstamp;
		}
		if (s < lo) {
			lo = s;
		}
		if (s + d > hi) {
			hi = s + d;
		}
		for (size_t k = 0; k < e->nrdates; k++) {
			int64_t r = to_utc(c, e, &e->rdates[k].start) + d;
			hi = r > hi ? r : hi;
		}
		for (size_t k = 0; k < e->nrrules; k++) {
			struct icalrecurrencetype r = recur_parse(e->rrules[k]);
			if (r.freq == ICAL_NO_RECURRENCE) {
				continue;
			}
			if (!icaltime_is_null_time(r.until) && valid_time(r.until)) {
				ptime u = {.t = r.until,
					   .tz = icaltime_is_utc(r.until) ? TZ_UTC : e->dtstart.tz};
				int64_t x;
				u.t.zone = NULL;
				x = to_utc(c, e, &u) + d;
				hi = x > hi ? x : hi;
			} else if (r.count > 0) {
				/* COUNT: expanded whole (bounded by the instance limit) */
				counted = true;
			} else {
				open = true;
			}
		}
	}
	c->exported_by_dtstamp = stamp > 0;
	c->exported = stamp > 0 ? stamp : (c->opts->now > 0 ? c->opts->now : (int64_t)time(NULL));
	if (c->nev == 0) {
		c->from = c->opts->has_from ? c->opts->from : 0;
		c->to = c->opts->has_to ? c->opts->to : 0;
		c->cut_from = c->opts->has_from;
		c->cut_to = c->opts->has_to;
		return 0;
	}
	end = week_monday(c->org, c->exported);
	c->cut_from = c->opts->has_from;
	c->cut_to = c->opts->has_to;
	if (!c->opts->has_to) {
		if (open) {
			c->to = end;
			c->cut_to = true;
			utc_text(end, day, sizeof(day));
			utc_text(c->exported, when, sizeof(when));
			rc = say(
			    c, 0, "info",
			    c->exported_by_dtstamp
				? _("%s: no --to given: open series expanded until %s UTC, the end "
				    "of the last full week before the export (%s UTC, the newest "
				    "DTSTAMP); later weeks only with --to")
				: _("%s: no --to given: open series expanded until %s UTC, the end "
				    "of the last full week before the import (%s UTC; the file has "
				    "no DTSTAMP); later weeks only with --to"),
			    c->path, day, when);
			if (rc < 0) {
				return rc;
			}
		} else if (counted) {
			/* COUNT series end somewhere: 2 years after the export at most */
			c->to = hi + 1 > end + MAAT_CAL_MAX_SPAN ? hi + 1 : end + MAAT_CAL_MAX_SPAN;
			c->cut_to = true;
		} else {
			c->to = hi + 1;
		}
	}
	if (!c->opts->has_from) {
		int64_t ref = c->to < end ? c->to : end;
		c->from = lo;
		/* unsigned: ref - lo may overflow for data from before 1970 */
		if (ref > lo &&
		    (uint64_t)ref - (uint64_t)lo > (uint64_t)MAAT_CAL_MAX_SPAN + 7 * 86400) {
			c->from = ref - MAAT_CAL_MAX_SPAN - 7 * 86400;
			c->cut_from = true;
			utc_text(c->from, day, sizeof(day));
			rc = say(
			    c, 0, "info",
			    _("%s: no --from given: series expanded from %s UTC, 2 years before "
			      "the end of the window"),
			    c->path, day);
			if (rc < 0) {
				return rc;
			}
		}
	}
	if (!c->opts->has_to && c->from < c->to &&
	    (uint64_t)c->to - (uint64_t)c->from > (uint64_t)MAAT_CAL_MAX_SPAN * 2) {
		/* bounded far into the future (COUNT, a distant UNTIL) */
		int64_t base = c->from > end ? c->from : end;
		c->to = base + MAAT_CAL_MAX_SPAN;
		c->cut_to = true;
		utc_text(c->to, day, sizeof(day));
		rc = say(c, 0, "info", _("%s: no --to given: series expanded until %s UTC at most"),
			 c->path, day);
	}
	return rc;
}

static int
resolve_zones(ctx *c)
{
	int rc = 0;
	c->tzones = maat_xcalloc(c->ntz + 1, sizeof(*c->tzones));
	for (size_t i = 0; i < c->ntz && rc == 0; i++) {
		icaltimezone *z = maat_zone_resolve(c->tznames[i]);
		for (size_t k = 0; z == NULL && k < c->nvtz; k++) {
			if (strcmp(c->vtzs[k].tzid, c->tznames[i]) == 0) {
				z = c->vtzs[k].zone;
			}
		}
		if (z == NULL) {
			rc = say(
			    c, 0, "warning",
			    _("%s: unknown time zone '%.100s': read in the organisation's zone"),
			    c->path, c->tznames[i]);
		}
		c->tzones[i] = z;
	}
	return rc;
}

/* What METRICS.md §2 wants logged about single events: floating times (read in the
 * organisation's zone or X-WR-TIMEZONE) and a DTEND before DTSTART (length 0: never a
 * meeting; Outlook CSV skips such rows). */
static int
check_events(ctx *c)
{
	int64_t floating = 0, wr = 0, backwards = 0;
	int rc = 0;
	for (size_t i = 0; i < c->nev && rc == 0; i++) {
		const event *e = &c->ev[i];
		if (e->dtstart.tz == TZ_FLOATING && !e->dtstart.t.is_date) {
			if (e->float_tz >= 0) {
				wr++;
			} else {
				floating++;
			}
		}
		if (e->has_dtend && to_utc(c, e, &e->dtend) < to_utc(c, e, &e->dtstart)) {
			if (backwards++ < 20) {
				rc =
				    say(c, e->line, "warning",
					_("%s:%lld: DTEND before DTSTART in '%.80s': length 0, not "
					  "a meeting"),
					c->path, (long long)e->line, e->uid);
			}
		}
	}
	if (rc == 0 && backwards > 20) {
		rc = say(c, 0, "warning", _("%s: %lld events end before they start"), c->path,
			 (long long)backwards);
	}
	if (rc == 0 && floating > 0) {
		rc = say(c, 0, "info",
			 dngettext("maatlat",
				   "%s: %lld event with a floating time (no zone) read in the "
				   "organisation's zone %s",
				   "%s: %lld events with floating times (no zone) read in the "
				   "organisation's zone %s",
				   (unsigned long)floating),
			 c->path, (long long)floating,
			 c->opts->tz ? c->opts->tz : "Europe/Amsterdam");
	}
	if (rc == 0 && wr > 0) {
		rc = say(c, 0, "info",
			 dngettext("maatlat",
				   "%s: %lld event with a floating time read in the calendar's "
				   "X-WR-TIMEZONE",
				   "%s: %lld events with floating times read in the calendar's "
				   "X-WR-TIMEZONE",
				   (unsigned long)wr),
			 c->path, (long long)wr);
	}
	return rc;
}

static int
expand_all(ctx *c)
{
	const event **ov = NULL;
	ilist out = {0};
	int rc = 0;
	size_t i = 0;

	if (c->nev > 1) {
		qsort(c->ev, c->nev, sizeof(*c->ev), cmp_event);
	}
	if ((rc = default_window(c)) < 0) {
		return rc;
	}
	if ((rc = check_events(c)) < 0) {
		return rc;
	}
	ov = maat_xcalloc(c->nev + 1, sizeof(*ov));
	while (i < c->nev && rc == 0) {
		size_t j = i, nov = 0;
		const event *m = NULL;
		while (j < c->nev && strcmp(c->ev[j].uid, c->ev[i].uid) == 0) {
			const event *e = &c->ev[j++];
			if (!e->has_rid) {
				if (m == NULL || newer(e, m)) {
					m = e;
				}
				continue;
			}
			/* per RECURRENCE-ID the newest version wins */
			bool replaced = false;
			for (size_t k = 0; k < nov; k++) {
				if (to_utc(c, ov[k], &ov[k]->rid) == to_utc(c, e, &e->rid) &&
				    ov[k]->future == e->future) {
					if (newer(e, ov[k])) {
						ov[k] = e;
					}
					replaced = true;
					break;
				}
			}
			if (!replaced) {
				ov[nov++] = e;
			}
		}
		/* overrides in RECURRENCE-ID order, so later THISANDFUTURE ranges win */
		for (size_t a = 1; a < nov; a++) {
			for (size_t b = a; b > 0 && to_utc(c, ov[b], &ov[b]->rid) <
							to_utc(c, ov[b - 1], &ov[b - 1]->rid);
			     b--) {
				const event *t = ov[b];
				ov[b] = ov[b - 1];
				ov[b - 1] = t;
			}
		}
		out.n = 0;
		rc = expand_group(c, m, ov, nov, &out);
		if (rc == 0) {
			rc = emit(c, c->ev[i].uid, m, &out);
		}
		i = j;
	}
	free(ov);
	free(out.v);
	return rc;
}

int
maat_ics_read(FILE *f, const char *path, const maat_cal_opts *opts, const maat_cal_sink *sink,
	      maat_cal_stats *stats, maat_err *err)
{
	ctx c = {0};
	maat_quiet q;
	int rc;

	c.opts = opts;
	c.sink = sink;
	c.path = path ? path : "-";
	c.err = err;
	c.limit = opts->instance_limit > 0 ? opts->instance_limit : MAAT_CAL_INSTANCE_LIMIT;
	c.from = opts->has_from ? opts->from : INT64_MIN;
	c.to = opts->has_to ? opts->to : INT64_MAX;
	if (opts->owner != NULL) {
		char *o = maat_xstrdup(opts->owner);
		for (char *s = o; *s; s++) {
			*s = (char)tolower((unsigned char)*s);
		}
		c.owners = maat_xcalloc(1, sizeof(*c.owners));
		c.owners[c.nowners++] = o;
	}
	reset_calendar(&c);
	rules_check(opts->cache);
	maat_quiet_begin(&q);
	c.org = org_zone(opts->tz);
	if ((rc = tokenize(&c, f)) < 0) {
		goto out;
	}
	if ((rc = resolve_zones(&c)) < 0) {
		goto out;
	}
	rc = expand_all(&c);
	if (rc == 0 && c.bad_utf8 > 0) {
		rc = say(
		    &c, c.bad_utf8_line, "warning",
		    dngettext("maatlat",
			      "%s:%lld: %lld line with invalid UTF-8: the bad bytes replaced by "
			      "U+FFFD",
			      "%s:%lld: %lld lines with invalid UTF-8 (this one first): the bad "
			      "bytes replaced by U+FFFD",
			      (unsigned long)c.bad_utf8),
		    c.path, (long long)c.bad_utf8_line, (long long)c.bad_utf8);
	}
	if (rc == 0 && c.replies_skipped > 0) {
		rc = say(&c, 0, "info",
			 _("%s: %lld events in iTIP replies (METHOD:REPLY/COUNTER) skipped"),
			 c.path, (long long)c.replies_skipped);
	}
out:
	if (quiet_end(&q, &c) < 0 && rc == 0) {
		rc = -err->code;
	}
	if (stats != NULL) {
		stats->read = c.read;
		stats->rejected = c.rejected;
		stats->fast = c.fast;
		stats->exported = c.exported;
		stats->exported_by_dtstamp = c.exported_by_dtstamp;
		stats->win_from = c.from;
		stats->win_to = c.to;
		stats->has_win_from = c.cut_from;
		stats->has_win_to = c.cut_to;
	}
	for (size_t i = 0; i < c.nev; i++) {
		event_fini(&c.ev[i]);
	}
	free(c.ev);
	for (size_t i = 0; i < c.ntz; i++) {
		free(c.tznames[i]);
	}
	free(c.tznames);
	free(c.tzones);
	for (size_t i = 0; i < c.nvtz; i++) {
		free(c.vtzs[i].tzid);
		icaltimezone_free(c.vtzs[i].zone, 1);
	}
	free(c.vtzs);
	for (size_t i = 0; i < c.nowners; i++) {
		free(c.owners[i]);
	}
	free(c.owners);
	return rc;
}

/* ---- the store ---- */

/* Rows waiting for one multi-row INSERT: one VDBE run for up to BATCH rows instead of one per
 * row (71% of the instances of 2,000 mailboxes are copies, cal_refs; a series' version in
 * every export that has it, cal_masters). A row that meets an earlier one of the same
 * statement is resolved by the ON CONFLICT clause as it would be row by row. */
#define BATCH 64
#define BATCH_COLS 4

typedef struct batch {
	/* "INSERT INTO t(columns) VALUES " and what follows the rows (static strings) */
	const char *head, *tail;
	/* columns per row (<= BATCH_COLS); what a failure was doing */
	int ncols;
	const char *what;
	int64_t v[BATCH][BATCH_COLS];
	int n;
	/* the SQL for BATCH rows, built once (owned) */
	char *sql;
} batch;

static int
batch_flush(batch *b, maat_db *db, maat_err *err)
{
	maat_buf q = {0};
	sqlite3_stmt *st;
	int n = b->n;

	if (n == 0) {
		return 0;
	}
	if (n < BATCH || b->sql == NULL) {
		maat_buf_append(&q, b->head, strlen(b->head));
		for (int i = 0; i < n; i++) {
			maat_buf_append(&q, i ? ",(?" : "(?", i ? 3 : 2);
			for (int c = 1; c < b->ncols; c++) {
				maat_buf_append(&q, ",?", 2);
			}
			maat_buf_append(&q, ")", 1);
		}
		maat_buf_append(&q, b->tail, strlen(b->tail));
		if (n == BATCH) {
			b->sql = q.data;
			q.data = NULL;
		}
	}
	st = maat_db_stmt(db, n == BATCH ? b->sql : q.data, err);
	maat_buf_fini(&q);
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	for (int i = 0; i < n; i++) {
		for (int c = 0; c < b->ncols; c++) {
			sqlite3_bind_int64(st, b->ncols * i + c + 1, b->v[i][c]);
		}
	}
	b->n = 0;
	if (sqlite3_step(st) != SQLITE_DONE) {
		return maat_db_fail(db, err, b->what);
	}
	sqlite3_reset(st);
	return 0;
}

/* Room for one more row (flushing a full batch); the caller fills b->v[b->n++]. */
static int
batch_room(batch *b, maat_db *db, maat_err *err)
{
	return b->n == BATCH ? batch_flush(b, db, err) : 0;
}

typedef struct store_sink {
	maat_import *imp;
	/* the last series key (instances arrive grouped by UID), its cal_uids id, and whether
	 * that row has a title */
	char *uid;
	int64_t uid_id;
	bool uid_titled;
	/* the last participant list: its digest and cal_partsets id (consecutive instances of a
	 * series share one) */
	unsigned char digest[16];
	int64_t set_id;
	bool have_set;
	/* the reader's parts_id of that list (NULL = none) */
	const void *parts_id;
	/* scratch: participant order, canonical bytes */
	size_t *order;
	size_t caporder;
	maat_buf canon;
	/* copies stored (this export's instances) */
	int64_t instances;
	/* shared lookups, may be NULL */
	maat_cal_cache *cache;
	/* scratch key */
	maat_buf key;
	/* --pseudonymise (borrowed; NULL = participants as read) */
	const maat_pseudo *pseudo;
	/* the pseudonyms of the current list, in canonical order (owned) */
	char **pseud;
	size_t cappseud;
	/* titles of meetings with fewer attending participants are not stored */
	int min_group;
	/* this export's copies (cal_refs) and series versions (cal_masters) */
	batch refs, masters;
} store_sink;

/* The cache key kind + bytes in s->key. */
static void
make_key(store_sink *s, char kind, const void *p, size_t n)
{
	maat_buf_reset(&s->key);
	maat_buf_append(&s->key, &kind, 1);
	maat_buf_append(&s->key, p, n);
}

static bool
cached(store_sink *s, int64_t *val)
{
	return s->cache != NULL && bmap_get(&s->cache->rows, s->key.data, s->key.len, val);
}

static void
remember(store_sink *s, int64_t val)
{
	if (s->cache != NULL) {
		bmap_put(&s->cache->rows, s->key.data, s->key.len, val);
	}
}

/* The title to store for an instance (METRICS.md §4): none for a meeting with fewer than
 * min_group attending participants (titles of bilaterals name people), else the title, with
 * names and e-mails inside it pseudonymised under --pseudonymise. New string or NULL. */
static char *
stored_title(store_sink *s, const maat_cal_instance *in)
{
	size_t attending = 0;
	if (in->summary == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < in->nparts; i++) {
		attending += in->parts[i].partstat != MAAT_PART_DECLINED;
	}
	if (attending < (size_t)s->min_group) {
		return NULL;
	}
	if (s->pseudo != NULL) {
		return maat_pseudo_text(s->pseudo, s->imp->db, in->summary);
	}
	return maat_xstrdup(in->summary);
}

static int
store_uid(store_sink *s, const maat_cal_instance *in, maat_err *err)
{
	char *title = NULL;
	int rc;
	maat_db *db = s->imp->db;
	sqlite3_stmt *st;
	int64_t v;

	if (s->uid == NULL || strcmp(s->uid, in->uid) != 0) {
		/* UIDs often carry the organiser's address: pseudonymised with the rest */
		char *hashed = s->pseudo != NULL ? maat_pseudo_apply(s->pseudo, in->uid) : NULL;
		const char *uid = hashed != NULL ? hashed : in->uid;
		rc = 1;
		free(s->uid);
		s->uid = maat_xstrdup(in->uid);
		make_key(s, 'U', uid, strlen(uid));
		if (cached(s, &v)) {
			s->uid_id = v >> 1;
			s->uid_titled = (v & 1) != 0;
		} else {
			/* the cache holds every key of the store: this one is new */
			st = maat_db_stmt(db, "INSERT INTO cal_uids(uid, summary) VALUES (?1, ?2)",
					  err);
			if (st == NULL) {
				rc = -MAAT_E_INTERNAL;
			} else {
				sqlite3_bind_text(st, 1, uid, -1, SQLITE_STATIC);
				title = stored_title(s, in);
				if (title != NULL) {
					sqlite3_bind_text(st, 2, title, -1, SQLITE_TRANSIENT);
				}
				if (sqlite3_step(st) != SQLITE_DONE) {
					rc = maat_db_fail(db, err, _("storing a calendar series"));
				} else {
					s->uid_id = sqlite3_last_insert_rowid(maat_db_sqlite(db));
					s->uid_titled = title != NULL;
					remember(s, s->uid_id * 2 + s->uid_titled);
					rc = 0;
				}
			}
		}
		free(hashed);
		free(title);
		if (rc <= 0) {
			return rc;
		}
	}
	if (s->uid_titled || (title = stored_title(s, in)) == NULL) {
		return 0;
	}
	/* the first title that may be stored names the series */
	st = maat_db_stmt(db, "UPDATE cal_uids SET summary = ?2 WHERE id = ?1", err);
	if (st == NULL) {
		free(title);
		return -MAAT_E_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, s->uid_id);
	sqlite3_bind_text(st, 2, title, -1, SQLITE_TRANSIENT);
	free(title);
	if (sqlite3_step(st) != SQLITE_DONE) {
		return maat_db_fail(db, err, _("storing a calendar series"));
	}
	s->uid_titled = true;
	make_key(s, 'U', in->uid, strlen(in->uid));
	remember(s, s->uid_id * 2 + 1);
	return 0;
}

static const maat_cal_part *sort_parts;

static int
cmp_part(const void *a, const void *b)
{
	const maat_cal_part *x = &sort_parts[*(const size_t *)a];
	const maat_cal_part *y = &sort_parts[*(const size_t *)b];
	int r = strcmp(x->key, y->key);
	return r != 0 ? r : x->partstat - y->partstat;
}

/* The cal_partsets id of the instance's participants (decliners left out: a decliner never
 * attends, so no metric needs the row, METRICS.md §4), stored when new. */
static int
store_parts(store_sink *s, const maat_cal_instance *in, maat_err *err)
{
	maat_db *db = s->imp->db;
	unsigned char digest[16];
	sqlite3_stmt *st;
	size_t n = 0;

	if (s->have_set && in->parts_id != NULL && in->parts_id == s->parts_id) {
		return 0;
	}
	s->parts_id = in->parts_id;
	if (in->nparts > s->caporder) {
		s->caporder = in->nparts;
		s->order = maat_xreallocarray(s->order, s->caporder, sizeof(*s->order));
	}
	for (size_t i = 0; i < in->nparts; i++) {
		if (in->parts[i].partstat != MAAT_PART_DECLINED) {
			s->order[n++] = i;
		}
	}
	if (n > 1) {
		sort_parts = in->parts;
		qsort(s->order, n, sizeof(*s->order), cmp_part);
		sort_parts = NULL;
	}
	maat_buf_reset(&s->canon);
	if (s->pseudo != NULL && n > s->cappseud) {
		s->pseud = maat_xreallocarray(s->pseud, n, sizeof(*s->pseud));
		memset(s->pseud + s->cappseud, 0, (n - s->cappseud) * sizeof(*s->pseud));
		s->cappseud = n;
	}
	for (size_t i = 0; i < n; i++) {
		const maat_cal_part *p = &in->parts[s->order[i]];
		char ps = (char)('0' + p->partstat);
		const char *key = p->key;
		if (s->pseudo != NULL) {
			/* the digest too is over pseudonyms: a hash of plain addresses could be
			 * confirmed by anyone who guesses the list */
			free(s->pseud[i]);
			s->pseud[i] = maat_pseudo_apply(s->pseudo, p->key);
			key = s->pseud[i];
		}
		maat_buf_append(&s->canon, key, strlen(key) + 1);
		maat_buf_append(&s->canon, &ps, 1);
	}
	crypto_generichash(digest, sizeof(digest), (const unsigned char *)s->canon.data,
			   s->canon.len, NULL, 0);
	if (s->have_set && memcmp(digest, s->digest, sizeof(digest)) == 0) {
		return 0;
	}
	make_key(s, 'P', digest, sizeof(digest));
	if (cached(s, &s->set_id)) {
		goto done;
	}
	/* the cache holds every list of the store: this one is new */
	st = maat_db_stmt(db, "INSERT INTO cal_partsets(digest) VALUES (?1)", err);
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	sqlite3_bind_blob(st, 1, digest, sizeof(digest), SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		return maat_db_fail(db, err, _("storing participants"));
	}
	s->set_id = sqlite3_last_insert_rowid(maat_db_sqlite(db));
	for (size_t i = 0; i < n; i++) {
		const maat_cal_part *p = &in->parts[s->order[i]];
		st = maat_db_stmt(db,
				  "INSERT INTO cal_partset_members(set_id, pos, person, "
				  "partstat) VALUES (?1, ?2, ?3, ?4)",
				  err);
		if (st == NULL) {
			return -MAAT_E_INTERNAL;
		}
		sqlite3_bind_int64(st, 1, s->set_id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_text(st, 3, s->pseudo != NULL ? s->pseud[i] : p->key, -1,
				  SQLITE_STATIC);
		sqlite3_bind_int(st, 4, p->partstat);
		if (sqlite3_step(st) != SQLITE_DONE) {
			return maat_db_fail(db, err, _("storing a participant"));
		}
	}
	remember(s, s->set_id);
done:
	memcpy(s->digest, digest, sizeof(digest));
	s->have_set = true;
	return 0;
}

/* The cal_instances id of content (uid_id, start, end, sequence, flags, partset_id, orig):
 * looked up unless known to be new, inserted when not there. */
static int
instance_id(store_sink *s, const int64_t content[7], bool known_new, int64_t *id, maat_err *err)
{
	static const char *const sql[2] = {
	    "SELECT id FROM cal_instances WHERE uid_id = ?1 AND start = ?2 AND end = ?3"
	    " AND sequence = ?4 AND flags = ?5 AND partset_id = ?6 AND orig = ?7",
	    "INSERT INTO cal_instances(uid_id, start, end, sequence, flags, partset_id, orig)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"};
	maat_db *db = s->imp->db;

	for (int k = known_new; k < 2; k++) {
		sqlite3_stmt *st = maat_db_stmt(db, sql[k], err);
		int step;
		if (st == NULL) {
			return -MAAT_E_INTERNAL;
		}
		for (int c = 0; c < 7; c++) {
			sqlite3_bind_int64(st, c + 1, content[c]);
		}
		if ((step = sqlite3_step(st)) == SQLITE_ROW && k == 0) {
			*id = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
			return 0;
		}
		if (step != SQLITE_DONE) {
			return maat_db_fail(db, err, _("storing a calendar instance"));
		}
	}
	*id = sqlite3_last_insert_rowid(maat_db_sqlite(db));
	return 0;
}

static int
store_instance(void *vctx, const maat_cal_instance *in, maat_err *err)
{
	store_sink *s = vctx;
	maat_db *db = s->imp->db;
	int64_t id = 0, content[7];
	int rc;

	if ((rc = store_uid(s, in, err)) < 0 || (rc = store_parts(s, in, err)) < 0) {
		return rc;
	}
	/* one row per distinct content; this export's copy is a reference to it */
	content[0] = s->uid_id;
	content[1] = in->start;
	content[2] = in->end;
	content[3] = in->sequence;
	content[4] = in->flags;
	content[5] = s->set_id;
	content[6] = in->orig;
	make_key(s, 'I', content, sizeof(content));
	if (!cached(s, &id)) {
		/* a series stored since the cache was loaded has all its instances in it */
		bool is_new = s->cache != NULL && s->uid_id > s->cache->uid_floor;
		if ((rc = instance_id(s, content, is_new, &id, err)) < 0) {
			return rc;
		}
		remember(s, id);
	}
	if ((rc = batch_room(&s->refs, db, err)) < 0) {
		return rc;
	}
	s->refs.v[s->refs.n][0] = s->imp->source_id;
	s->refs.v[s->refs.n][1] = id;
	s->refs.v[s->refs.n][2] = in->dtstamp;
	s->refs.n++;
	s->instances++;
	return 0;
}

/* A series' master in this export: its version (cal_masters). */
static int
store_series(void *vctx, const char *uid, const char *summary, int sequence, int64_t dtstamp,
	     maat_err *err)
{
	store_sink *s = vctx;
	maat_cal_instance in = {.uid = uid, .summary = summary};
	int rc;

	if ((rc = store_uid(s, &in, err)) < 0 ||
	    (rc = batch_room(&s->masters, s->imp->db, err)) < 0) {
		return rc;
	}
	s->masters.v[s->masters.n][0] = s->imp->source_id;
	s->masters.v[s->masters.n][1] = s->uid_id;
	s->masters.v[s->masters.n][2] = sequence;
	s->masters.v[s->masters.n][3] = dtstamp;
	s->masters.n++;
	return 0;
}

/* The export time and the expansion window of this export (cal_exports). */
static int
store_export(maat_import *imp, const maat_cal_stats *st, maat_err *err)
{
	sqlite3_stmt *q = maat_db_stmt(imp->db,
				       "INSERT INTO cal_exports(source_id, exported, exported_by,"
				       " win_from, win_to) VALUES (?1, ?2, ?3, ?4, ?5)",
				       err);
	if (q == NULL) {
		return -MAAT_E_INTERNAL;
	}
	sqlite3_bind_int64(q, 1, imp->source_id);
	sqlite3_bind_int64(q, 2, st->exported);
	sqlite3_bind_text(q, 3, st->exported_by_dtstamp ? "dtstamp" : "import", -1, SQLITE_STATIC);
	if (st->has_win_from) {
		sqlite3_bind_int64(q, 4, st->win_from);
	} else {
		sqlite3_bind_null(q, 4);
	}
	if (st->has_win_to) {
		sqlite3_bind_int64(q, 5, st->win_to);
	} else {
		sqlite3_bind_null(q, 5);
	}
	if (sqlite3_step(q) != SQLITE_DONE) {
		return maat_db_fail(imp->db, err, _("storing a calendar export"));
	}
	return 0;
}

static int
store_message(void *vctx, int64_t line, const char *severity, const char *msg, maat_err *err)
{
	store_sink *s = vctx;
	return maat_db_log(s->imp->db, s->imp->source_id, line, severity, err, "%s", msg);
}

/* Outlook CSV or iCalendar: the first non-blank bytes decide. */
static bool
looks_like_ics(FILE *f)
{
	unsigned char buf[16];
	size_t n = fread(buf, 1, sizeof(buf), f), i = 0;
	rewind(f);
	if (n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) {
		i = 3;
	}
	while (i < n && isspace(buf[i])) {
		i++;
	}
	return n - i >= 6 && strncasecmp((const char *)buf + i, "BEGIN:", 6) == 0;
}

typedef struct import_args {
	const maat_cal_opts *opts;
	/* opts->cache, or one for this import only */
	maat_cal_cache *cache;
} import_args;

/* The file converted from enc to UTF-8 in a temporary file (--encoding), or NULL with err
 * set. */
static FILE *
recode(FILE *f, const char *enc, const char *path, maat_err *err)
{
	static char in[65536], out[4 * 65536 + 16];
	iconv_t cd = iconv_open("UTF-8", enc);
	size_t carry = 0, n;
	int64_t offset = 0;
	FILE *tmp;
	if (cd == (iconv_t)-1) {
		maat_err_set(err, MAAT_E_USAGE, _("--encoding: unknown encoding '%s'"), enc);
		return NULL;
	}
	if ((tmp = tmpfile()) == NULL) {
		iconv_close(cd);
		maat_err_set(err, MAAT_E_CANTCREAT, "%s", _("cannot create a temporary file"));
		return NULL;
	}
	while ((n = fread(in + carry, 1, sizeof(in) - carry, f)) > 0 || carry > 0) {
		char *ip = in, *op = out;
		size_t il = carry + n, ol = sizeof(out);
		size_t r = iconv(cd, &ip, &il, &op, &ol);
		fwrite(out, 1, (size_t)(op - out), tmp);
		if (r == (size_t)-1 && errno == EILSEQ) {
			maat_err_set(err, MAAT_E_DATA, _("%s: byte %lld is not %s"), path,
				     (long long)(offset + (ip - in)), enc);
			fclose(tmp);
			iconv_close(cd);
			return NULL;
		}
		if (n == 0 && il > 0) {
			/* an incomplete sequence at the end of the file */
			maat_err_set(err, MAAT_E_DATA, _("%s: the file ends inside a %s character"),
				     path, enc);
			fclose(tmp);
			iconv_close(cd);
			return NULL;
		}
		offset += ip - in;
		memmove(in, ip, il);
		carry = il;
	}
	iconv_close(cd);
	if (ferror(f)) {
		fclose(tmp);
		maat_err_set(err, MAAT_E_IO, _("%s: read error"), path);
		return NULL;
	}
	rewind(tmp);
	return tmp;
}

/* Reads one export (iCalendar, Graph JSON or Outlook CSV, sniffed; recoded first under
 * --encoding) into sink. */
static int
read_export(FILE *f, const char *path, const maat_cal_opts *opts, const maat_cal_sink *sink,
	    maat_cal_stats *stats, maat_err *err)
{
	maat_cal_opts o2 = *opts;
	FILE *conv = NULL;
	int rc;

	if (o2.encoding != NULL && strcasecmp(o2.encoding, "utf-8") != 0 &&
	    strcasecmp(o2.encoding, "utf8") != 0) {
		if ((conv = recode(f, o2.encoding, path, err)) == NULL) {
			return -err->code;
		}
		f = conv;
	}
	o2.encoding = NULL;
	if (maat_looks_like_json(f)) {
		rc = maat_graph_read(f, path, &o2, sink, stats, err);
	} else if (looks_like_ics(f)) {
		rc = maat_ics_read(f, path, &o2, sink, stats, err);
	} else {
		rc = maat_outlook_read(f, path, &o2, sink, stats, err);
	}
	if (conv != NULL) {
		fclose(conv);
	}
	return rc;
}

/* A store sink for one import. */
static void
store_sink_init(store_sink *s, maat_import *imp, const import_args *a)
{
	*s = (store_sink){.imp = imp,
			  .cache = a->cache,
			  .pseudo = a->opts->pseudo,
			  .min_group = a->opts->min_group > 0 ? a->opts->min_group
							      : MAAT_CAL_MIN_GROUP_DEFAULT};
	/* a copy met twice keeps the newer DTSTAMP */
	s->refs = (batch){.head = "INSERT INTO cal_refs(source_id, instance_id, dtstamp) VALUES ",
			  .tail = " ON CONFLICT (source_id, instance_id) DO UPDATE"
				  " SET dtstamp = max(dtstamp, excluded.dtstamp)",
			  .ncols = 3,
			  .what = _("storing a calendar instance")};
	/* a series met twice keeps its newest version */
	s->masters =
	    (batch){.head = "INSERT INTO cal_masters(source_id, uid_id, sequence, dtstamp) VALUES ",
		    .tail = " ON CONFLICT (source_id, uid_id) DO UPDATE"
			    " SET sequence = excluded.sequence, dtstamp = excluded.dtstamp"
			    " WHERE excluded.sequence > sequence OR (excluded.sequence = sequence"
			    " AND excluded.dtstamp > dtstamp)",
		    .ncols = 4,
		    .what = _("storing a calendar series")};
}

static void
store_sink_fini(store_sink *s)
{
	free(s->uid);
	free(s->order);
	for (size_t i = 0; i < s->cappseud; i++) {
		free(s->pseud[i]);
	}
	free(s->pseud);
	free(s->refs.sql);
	free(s->masters.sql);
	maat_buf_fini(&s->canon);
	maat_buf_fini(&s->key);
}

/* What follows a read: the export's window and time, the count. */
static int
store_done(maat_import *imp, store_sink *s, const maat_cal_stats *stats, int rc, maat_err *err)
{
	if (rc == 0 && (rc = batch_flush(&s->refs, imp->db, err)) == 0) {
		rc = batch_flush(&s->masters, imp->db, err);
	}
	if (rc == 0) {
		rc = store_export(imp, stats, err);
	}
	if (rc == 0) {
		rc = maat_db_log(imp->db, imp->source_id, 0, "info", err,
				 _("%s: %lld meeting instances stored"), imp->path,
				 (long long)s->instances);
	}
	imp->rows_read = stats->read;
	imp->rows_rejected = stats->rejected;
	return rc;
}

static int
import_cb(maat_import *imp, FILE *f, void *vargs, maat_err *err)
{
	const import_args *a = vargs;
	store_sink s;
	maat_cal_sink sink = {.instance = store_instance,
			      .message = store_message,
			      .series = store_series,
			      .ctx = &s};
	maat_cal_stats stats = {0};
	int rc;

	if (sodium_init() < 0) {
		return maat_err_set(err, MAAT_E_INTERNAL, "%s", _("libsodium cannot start"));
	}
	if ((rc = cache_check(a->cache, imp->db, a->opts->replace, err)) < 0) {
		return rc;
	}
	store_sink_init(&s, imp, a);
	rc = read_export(f, imp->path, a->opts, &sink, &stats, err);
	rc = store_done(imp, &s, &stats, rc, err);
	store_sink_fini(&s);
	return rc;
}

/* The options as sources records them, and the settings every calendar import makes. */
static int
import_setup(maat_db *db, const maat_cal_opts *opts, char options[256], maat_err *err)
{
	static const char *const orders[] = {"", " date-order=dmy", " date-order=mdy",
					     " date-order=ymd"};
	snprintf(options, 256, "tz=%s%s%s%s%s%s%s", opts->tz ? opts->tz : "Europe/Amsterdam",
		 opts->owner ? " owner=" : "", opts->owner && !opts->pseudo ? opts->owner : "",
		 opts->pseudo ? " pseudonymised" : "", orders[opts->date_order & 3],
		 opts->encoding ? " encoding=" : "", opts->encoding ? opts->encoding : "");
	/* Every copy looks its content up in the shared tables, at random places: with SQLite's
	 * default 2 MB page cache the lookups go to the file once the store outgrows it. 64 MB
	 * (allocated only as pages are used) holds a year of a 2,000-person organisation. */
	/* An import of many exports commits once per file; each WAL checkpoint (every 1,000
	 * pages by default) syncs the disk twice, which cost more than all the parsing. Every
	 * 16,384 pages (64 MB of WAL at most) keeps that to a few syncs per thousand files. */
	if (maat_db_exec(db, "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 16384", err) <
	    0) {
		return -err->code;
	}
	return 0;
}

int
maat_cal_import_file(maat_db *db, const char *path, const maat_cal_opts *opts, maat_err *err)
{
	import_args a = {.opts = opts, .cache = opts->cache};
	char options[256], *stored;
	int rc;

	if ((rc = import_setup(db, opts, options, err)) < 0) {
		return rc;
	}
	if (a.cache == NULL) {
		a.cache = maat_cal_cache_new();
	}
	/* under --pseudonymise the file name is not stored: exports are named after their owner */
	stored = opts->pseudo != NULL && strcmp(path, "-") != 0
		     ? maat_pseudo_source_name(opts->pseudo, path)
		     : NULL;
	/* a calendar import only adds rows (maat_db_fk_pause); --replace deletes */
	rc = opts->replace ? 0 : maat_db_fk_pause(db, err);
	if (rc == 0) {
		rc = maat_db_import_file_as(db, "calendar", path, stored, options,
					    opts->replace ? MAAT_IMPORT_REPLACE : 0, import_cb, &a,
					    NULL, err);
		if (!opts->replace) {
			maat_db_fk_resume(db);
		}
	}
	free(stored);
	if (rc != 0) {
		/* rolled back (a failure, or the same content found once it was all read): the
		 * rows remembered during the import are gone */
		rows_reset(a.cache);
	}
	if (a.cache != opts->cache) {
		maat_cal_cache_free(a.cache);
	}
	return rc;
}

/* ---- reading ahead ----
 * Many exports in one command (one per mailbox): a second thread opens, hashes and parses the
 * next files while this one stores the current file (bench/README.md: parsing and hashing were
 * about half of `import calendar`, SQLite the other half). The reader's calls to the sink are
 * recorded in slots and replayed on the store's thread, in the same order, inside the file's
 * own transaction; so every figure and message is what maat_cal_import_file() gives. Only
 * the reading thread touches libical, the RRULE part of the cache and the files; only the
 * store's thread touches the store and the cache's store rows. */
enum pf_type { PF_BEGIN, PF_INSTANCE, PF_SERIES, PF_MESSAGE, PF_END };
#define PF_RECS 1024
#define PF_TEXT (256 * 1024)
#define PF_SLOTS 4

struct pf_rec {
	enum pf_type type;
	/* PF_INSTANCE: the instance; strings as offsets into the slot's text (MAAT_BUF_NONE =
	 * NULL), participants as a range of the slot's parts; parts_run: 0 = no parts_id, else
	 * equal for consecutive instances the reader said share their list */
	int64_t start, end, line, orig, dtstamp;
	int sequence, flags;
	size_t uid, summary, parts, nparts;
	uint64_t parts_run;
	/* PF_MESSAGE: line, severity and text (offsets); PF_SERIES: uid, summary, sequence,
	 * dtstamp */
	size_t severity, msg;
	/* PF_BEGIN: the opened input (NULL: err says why); PF_END: the read's result */
	maat_db_input *in;
	int rc;
	maat_err *err;
	maat_cal_stats stats;
};

struct pf_part {
	size_t key;
	int partstat;
};

struct pf_slot {
	struct pf_rec rec[PF_RECS];
	size_t nrec;
	maat_buf text;
	struct pf_part *parts;
	size_t nparts, capparts;
};

struct maat_cal_prefetch {
	maat_db *db;
	char **paths;
	int npaths;
	maat_cal_opts opts;
	char options[256];
	bool own_cache;
	/* maat_db_fk_pause() was called (resumed at free) */
	bool fk_paused;
	pthread_t thread;
	bool threaded;
	pthread_mutex_t mu;
	pthread_cond_t filled, freed;
	struct pf_slot slot[PF_SLOTS];
	/* the slot being filled, the next to take, slots handed over; the store stopped */
	int wr, rd, nfilled;
	bool abort;
	/* the reading thread: the last parts_id seen and its run number */
	const void *last_parts_id;
	uint64_t run;
	/* the store's side: the slot being read (-1 none) and the next record in it; files
	 * imported so far */
	int cur;
	size_t next;
	int done;
	/* the reading thread has returned */
	bool reader_done;
};

/* Hands the slot being filled over (when it has records) and waits for a free one; false
 * when the store stopped. */
static bool
pf_hand_over(maat_cal_prefetch *p)
{
	bool go;
	pthread_mutex_lock(&p->mu);
	if (p->slot[p->wr].nrec > 0) {
		p->wr = (p->wr + 1) % PF_SLOTS;
		p->nfilled++;
		pthread_cond_signal(&p->filled);
	}
	if (p->nfilled == PF_SLOTS && !p->abort) {
		/* the store's thread may need to write to stderr before it frees a slot: no
		 * waiting with fd 2 captured and its lock held (that would be a deadlock) */
		int depth;
		pthread_mutex_unlock(&p->mu);
		depth = maat_quiet_suspend();
		pthread_mutex_lock(&p->mu);
		while (p->nfilled == PF_SLOTS && !p->abort) {
			pthread_cond_wait(&p->freed, &p->mu);
		}
		pthread_mutex_unlock(&p->mu);
		maat_quiet_resume(depth);
		pthread_mutex_lock(&p->mu);
	}
	go = !p->abort;
	pthread_mutex_unlock(&p->mu);
	if (go) {
		struct pf_slot *s = &p->slot[p->wr];
		if (s->nrec == 0) {
			maat_buf_reset(&s->text);
			s->nparts = 0;
		}
	}
	return go;
}

/* A new record in the slot being filled; NULL when the store stopped. */
static struct pf_rec *
pf_add(maat_cal_prefetch *p, enum pf_type type)
{
	struct pf_slot *s = &p->slot[p->wr];
	struct pf_rec *r;
	if ((s->nrec == PF_RECS || s->text.len >= PF_TEXT) && !pf_hand_over(p)) {
		return NULL;
	}
	s = &p->slot[p->wr];
	r = &s->rec[s->nrec++];
	memset(r, 0, sizeof(*r));
	r->type = type;
	return r;
}

static int
pf_stopped(maat_err *err)
{
	/* the store failed: its error is the one the user sees */
	return maat_err_set(err, MAAT_E_INTERNAL, "stopped");
}

static int
pf_instance(void *vp, const maat_cal_instance *in, maat_err *err)
{
	maat_cal_prefetch *p = vp;
	struct pf_rec *r = pf_add(p, PF_INSTANCE);
	struct pf_slot *s = &p->slot[p->wr];
	if (r == NULL) {
		return pf_stopped(err);
	}
	r->start = in->start;
	r->end = in->end;
	r->line = in->line;
	r->orig = in->orig;
	r->dtstamp = in->dtstamp;
	r->sequence = in->sequence;
	r->flags = in->flags;
	r->uid = maat_buf_push_str(&s->text, in->uid);
	r->summary = maat_buf_push_str(&s->text, in->summary);
	if (in->parts_id == NULL) {
		r->parts_run = 0;
	} else {
		if (in->parts_id != p->last_parts_id || p->run == 0) {
			p->run++;
		}
		r->parts_run = p->run;
	}
	p->last_parts_id = in->parts_id;
	if (s->nparts + in->nparts > s->capparts) {
		while (s->nparts + in->nparts > s->capparts) {
			s->capparts = s->capparts ? s->capparts * 2 : 4096;
		}
		s->parts = maat_xreallocarray(s->parts, s->capparts, sizeof(*s->parts));
	}
	r->parts = s->nparts;
	r->nparts = in->nparts;
	for (size_t i = 0; i < in->nparts; i++) {
		s->parts[s->nparts].key = maat_buf_push_str(&s->text, in->parts[i].key);
		s->parts[s->nparts].partstat = in->parts[i].partstat;
		s->nparts++;
	}
	return 0;
}

static int
pf_message(void *vp, int64_t line, const char *severity, const char *msg, maat_err *err)
{
	maat_cal_prefetch *p = vp;
	struct pf_rec *r = pf_add(p, PF_MESSAGE);
	if (r == NULL) {
		return pf_stopped(err);
	}
	r->line = line;
	r->severity = maat_buf_push_str(&p->slot[p->wr].text, severity);
	r->msg = maat_buf_push_str(&p->slot[p->wr].text, msg);
	return 0;
}

static int
pf_series(void *vp, const char *uid, const char *summary, int sequence, int64_t dtstamp,
	  maat_err *err)
{
	maat_cal_prefetch *p = vp;
	struct pf_rec *r = pf_add(p, PF_SERIES);
	if (r == NULL) {
		return pf_stopped(err);
	}
	r->uid = maat_buf_push_str(&p->slot[p->wr].text, uid);
	r->summary = maat_buf_push_str(&p->slot[p->wr].text, summary);
	r->sequence = sequence;
	r->dtstamp = dtstamp;
	return 0;
}

/* The reading thread: every file in order, until one cannot be opened or read, or the store
 * stops. A file's records end with PF_END, and the slot is handed over there. */
static void *
pf_reader(void *arg)
{
	maat_cal_prefetch *p = arg;
	maat_cal_sink sink = {
	    .instance = pf_instance, .message = pf_message, .series = pf_series, .ctx = p};

	for (int i = 0; i < p->npaths; i++) {
		maat_err *e = maat_xcalloc(1, sizeof(*e));
		maat_db_input *in = maat_db_input_open(p->db, p->paths[i], e);
		struct pf_rec *r = pf_add(p, PF_BEGIN);
		maat_cal_stats stats = {0};
		char *stored;
		int rc;
		if (r == NULL) {
			maat_db_input_close(in);
			free(e);
			break;
		}
		r->in = in;
		if (in == NULL) {
			/* the store's side reports it and stops */
			r->err = e;
			break;
		}
		/* messages name the file as the import records it (a pseudonym under
		 * --pseudonymise, the stdin name for "-") */
		stored = p->opts.pseudo != NULL && strcmp(p->paths[i], "-") != 0
			     ? maat_pseudo_source_name(p->opts.pseudo, p->paths[i])
			     : NULL;
		p->last_parts_id = NULL;
		rc = read_export(maat_db_input_stream(in),
				 stored != NULL ? stored : maat_db_input_name(in), &p->opts, &sink,
				 &stats, e);
		free(stored);
		if ((r = pf_add(p, PF_END)) == NULL) {
			free(e);
			break;
		}
		r->rc = rc;
		r->err = e;
		r->stats = stats;
		if (!pf_hand_over(p) || rc < 0) {
			break;
		}
	}
	/* what is left in the slot being filled */
	pf_hand_over(p);
	pthread_mutex_lock(&p->mu);
	p->reader_done = true;
	pthread_cond_broadcast(&p->filled);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

maat_cal_prefetch *
maat_cal_prefetch_new(maat_db *db, char *const paths[], int npaths, const maat_cal_opts *opts,
		      maat_err *err)
{
	maat_cal_prefetch *p;

	p = maat_xcalloc(1, sizeof(*p));
	p->db = db;
	p->opts = *opts;
	p->cur = -1;
	p->npaths = npaths;
	p->paths = maat_xcalloc((size_t)npaths + 1, sizeof(*p->paths));
	for (int i = 0; i < npaths; i++) {
		p->paths[i] = maat_xstrdup(paths[i]);
	}
	if (p->opts.cache == NULL) {
		p->opts.cache = maat_cal_cache_new();
		p->own_cache = true;
	}
	if (import_setup(db, opts, p->options, err) < 0 || sodium_init() < 0) {
		maat_cal_prefetch_free(p);
		return NULL;
	}
	/* a calendar import only adds rows (maat_db_fk_pause); --replace deletes */
	if (!opts->replace) {
		if (maat_db_fk_pause(db, err) < 0) {
			maat_cal_prefetch_free(p);
			return NULL;
		}
		p->fk_paused = true;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->filled, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->threaded = maat_thread_start(&p->thread, pf_reader, p) == 0;
	if (!p->threaded) {
		pthread_cond_destroy(&p->freed);
		pthread_cond_destroy(&p->filled);
		pthread_mutex_destroy(&p->mu);
	}
	return p;
}

/* The next record from the reading thread (blocks until there is one); NULL when the thread
 * has ended without one. */
static struct pf_rec *
pf_take(maat_cal_prefetch *p, struct pf_slot **slot)
{
	struct pf_slot *s;
	for (;;) {
		if (p->cur < 0) {
			pthread_mutex_lock(&p->mu);
			while (p->nfilled == 0 && !p->reader_done) {
				pthread_cond_wait(&p->filled, &p->mu);
			}
			if (p->nfilled == 0) {
				pthread_mutex_unlock(&p->mu);
				return NULL;
			}
			p->cur = p->rd;
			p->next = 0;
			pthread_mutex_unlock(&p->mu);
		}
		s = &p->slot[p->cur];
		if (p->next < s->nrec) {
			*slot = s;
			return &s->rec[p->next++];
		}
		pthread_mutex_lock(&p->mu);
		s->nrec = 0;
		maat_buf_reset(&s->text);
		s->nparts = 0;
		p->rd = (p->rd + 1) % PF_SLOTS;
		p->nfilled--;
		p->cur = -1;
		pthread_cond_signal(&p->freed);
		pthread_mutex_unlock(&p->mu);
	}
}

static const char *
pf_str(const struct pf_slot *s, size_t off)
{
	return off == MAAT_BUF_NONE ? NULL : s->text.data + off;
}

typedef struct replay_args {
	maat_cal_prefetch *p;
	import_args a;
	/* the file's PF_END has been taken */
	bool ended;
} replay_args;

/* The import callback under read-ahead: replays the file's records into the store. */
static int
replay_cb(maat_import *imp, FILE *f, void *vargs, maat_err *err)
{
	replay_args *ra = vargs;
	maat_cal_prefetch *p = ra->p;
	store_sink s;
	maat_cal_stats stats = {0};
	maat_cal_part *parts = NULL;
	size_t capparts = 0;
	int rc, rc_read = 0;

	(void)f;
	if ((rc = cache_check(ra->a.cache, imp->db, ra->a.opts->replace, err)) < 0) {
		return rc;
	}
	store_sink_init(&s, imp, &ra->a);
	while (!ra->ended) {
		struct pf_slot *sl;
		struct pf_rec *r = pf_take(p, &sl);
		if (r == NULL) {
			ra->ended = true;
			rc_read = maat_err_set(err, MAAT_E_INTERNAL, "%s",
					       _("calendar read-ahead out of step"));
			break;
		}
		if (r->type == PF_END) {
			ra->ended = true;
			rc_read = r->rc;
			stats = r->stats;
			if (rc_read < 0 && rc == 0 && err != NULL) {
				*err = *r->err;
			}
			free(r->err);
			r->err = NULL;
			break;
		}
		if (rc < 0) {
			/* the store failed: take the rest of the file's records unread */
			continue;
		}
		if (r->type == PF_INSTANCE) {
			maat_cal_instance in = {
			    .uid = pf_str(sl, r->uid),
			    .summary = pf_str(sl, r->summary),
			    .start = r->start,
			    .end = r->end,
			    .sequence = r->sequence,
			    .flags = r->flags,
			    .nparts = r->nparts,
			    .parts_id = r->parts_run ? (const void *)(uintptr_t)r->parts_run : NULL,
			    .line = r->line,
			    .orig = r->orig,
			    .dtstamp = r->dtstamp,
			};
			if (r->nparts > capparts) {
				capparts = r->nparts;
				parts = maat_xreallocarray(parts, capparts, sizeof(*parts));
			}
			for (size_t i = 0; i < r->nparts; i++) {
				parts[i].key = pf_str(sl, sl->parts[r->parts + i].key);
				parts[i].partstat = sl->parts[r->parts + i].partstat;
			}
			in.parts = parts;
			rc = store_instance(&s, &in, err);
		} else if (r->type == PF_SERIES) {
			rc = store_series(&s, pf_str(sl, r->uid), pf_str(sl, r->summary),
					  r->sequence, r->dtstamp, err);
		} else if (r->type == PF_MESSAGE) {
			rc = store_message(&s, r->line, pf_str(sl, r->severity), pf_str(sl, r->msg),
					   err);
		}
	}
	free(parts);
	if (rc == 0) {
		rc = rc_read;
	}
	rc = store_done(imp, &s, &stats, rc, err);
	store_sink_fini(&s);
	return rc;
}

/* Without a reading thread: the next file, as maat_cal_import_file() reads it. */
static int
next_in_place(maat_cal_prefetch *p, maat_err *err)
{
	return maat_cal_import_file(p->db, p->paths[p->done++], &p->opts, err);
}

int
maat_cal_import_next(maat_cal_prefetch *p, maat_err *err)
{
	replay_args ra = {.p = p, .a = {.opts = &p->opts, .cache = p->opts.cache}};
	struct pf_slot *sl;
	struct pf_rec *r;
	maat_db_input *in;
	char *stored;
	const char *path;
	int rc;

	if (!p->threaded) {
		return next_in_place(p, err);
	}
	path = p->paths[p->done++];
	r = pf_take(p, &sl);
	if (r == NULL || r->type != PF_BEGIN) {
		return maat_err_set(err, MAAT_E_INTERNAL, "%s",
				    _("calendar read-ahead out of step"));
	}
	in = r->in;
	r->in = NULL;
	if (in == NULL) {
		if (err != NULL) {
			*err = *r->err;
		}
		rc = r->err->code ? -r->err->code : -MAAT_E_NOINPUT;
		free(r->err);
		r->err = NULL;
		return rc;
	}
	stored = p->opts.pseudo != NULL && strcmp(path, "-") != 0
		     ? maat_pseudo_source_name(p->opts.pseudo, path)
		     : NULL;
	rc = maat_db_import_opened(p->db, "calendar", in, stored, p->options,
				   p->opts.replace ? MAAT_IMPORT_REPLACE : 0, replay_cb, &ra, NULL,
				   err);
	free(stored);
	/* an import that failed before replaying (the store busy) leaves the file's records */
	while (!ra.ended) {
		r = pf_take(p, &sl);
		if (r == NULL) {
			break;
		}
		if (r->type == PF_END) {
			free(r->err);
			r->err = NULL;
			ra.ended = true;
		}
	}
	maat_db_input_close(in);
	if (rc != 0) {
		rows_reset(p->opts.cache);
	}
	return rc;
}

void
maat_cal_prefetch_free(maat_cal_prefetch *p)
{
	if (p == NULL) {
		return;
	}
	if (p->threaded) {
		pthread_mutex_lock(&p->mu);
		p->abort = true;
		pthread_cond_broadcast(&p->freed);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->thread, NULL);
		pthread_cond_destroy(&p->freed);
		pthread_cond_destroy(&p->filled);
		pthread_mutex_destroy(&p->mu);
		/* what was read and never imported */
		for (int k = 0; k < PF_SLOTS; k++) {
			struct pf_slot *s = &p->slot[k];
			for (size_t i = 0; i < s->nrec; i++) {
				if (s->rec[i].type == PF_BEGIN) {
					maat_db_input_close(s->rec[i].in);
				}
				free(s->rec[i].err);
			}
		}
	}
	for (int k = 0; k < PF_SLOTS; k++) {
		maat_buf_fini(&p->slot[k].text);
		free(p->slot[k].parts);
	}
	for (int i = 0; i < p->npaths; i++) {
		free(p->paths[i]);
	}
	free(p->paths);
	if (p->fk_paused) {
		maat_db_fk_resume(p->db);
	}
	if (p->own_cache) {
		maat_cal_cache_free(p->opts.cache);
	}
	free(p);
}
