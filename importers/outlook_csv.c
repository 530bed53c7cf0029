/* Outlook CSV calendar exports (English or Dutch headers): one row per occurrence, local times
 * in the organisation's zone, attendees as names separated by ';'. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The shared CSV reader and timestamp module are written on another branch; until they land
 * here (importers/csv.c, importers/timestamp.c) Outlook CSV is refused with a clear error. */
#if defined(__has_include)
#if __has_include("csv.c") && __has_include("timestamp.c")
#define HAVE_CSV 1
#endif
#endif

#include "maatlat/csv.h"
#include "maatlat/i18n.h"
#include "maatlat/ics.h"
#include "maatlat/timestamp.h"
#include "maatlat/util.h"

#ifdef HAVE_CSV
/* One row, kept until the end of the file so rows come out grouped by series. */
typedef struct row {
	/* "csv:" + hash of subject and organizer; owned */
	char *uid;
	/* the subject; owned */
	char *summary;
	int64_t start, end;
	int flags;
	int64_t line;
	/* participants; keys owned */
	maat_cal_part *parts;
	size_t nparts;
} row;

enum { C_SUBJ, C_SDATE, C_STIME, C_EDATE, C_ETIME, C_ALLDAY, C_ORG, C_REQ, C_OPT, C_SHOW, C_N };

/* The headers of Outlook's "Export to a file > Comma Separated Values" (English and Dutch
 * Outlook; the Dutch ones as Outlook 2010-2019 write them, e.g. "Gebeurtenis, duurt hele dag",
 * "Vereiste genodigden", "Tijd weergeven als"), and variants seen in hand-made exports. The
 * first name of each is the English one. */
static const char *const aliases[C_N][6] = {
    [C_SUBJ] = {"Subject", "Onderwerp", NULL},
    [C_SDATE] = {"Start Date", "Begindatum", NULL},
    [C_STIME] = {"Start Time", "Begintijd", NULL},
    [C_EDATE] = {"End Date", "Einddatum", NULL},
    [C_ETIME] = {"End Time", "Eindtijd", NULL},
    [C_ALLDAY] = {"All day event", "Gebeurtenis, duurt hele dag", "Gebeurtenis duurt hele dag",
		  "Hele dag", NULL},
    [C_ORG] = {"Meeting Organizer", "Organisator van vergadering", NULL},
    [C_REQ] = {"Required Attendees", "Vereiste genodigden", "Vereiste deelnemers", NULL},
    [C_OPT] = {"Optional Attendees", "Optionele genodigden", "Optionele deelnemers", NULL},
    [C_SHOW] = {"Show time as", "Tijd weergeven als", "Weergeven als", NULL},
};

/* One row as read, kept until the date order of the file is known. */
typedef struct raw {
	char *f[C_N];
	int64_t line;
} raw;

/* A date's shape: ISO (yyyy-mm-dd, yyyy/mm/dd) or a/b/yyyy with the two leading numbers. */
typedef struct dshape {
	bool iso;
	bool abY;
	int y, a, b;
} dshape;

static dshape
date_shape(const char *s)
{
	dshape d = {0};
	int n = 0;
	char s1, s2;
	while (*s == ' ') {
		s++;
	}
	if (sscanf(s, "%4d%c%2d%c%2d%n", &d.y, &s1, &d.a, &s2, &d.b, &n) == 5 && n >= 8 &&
	    d.y >= 1000 && s1 == s2 && (s1 == '-' || s1 == '/' || s1 == '.')) {
		d.iso = true;
		return d;
	}
	n = 0;
	if (sscanf(s, "%2d%c%2d%c%4d%n", &d.a, &s1, &d.b, &s2, &d.y, &n) == 5 && d.y >= 1000 &&
	    s1 == s2 && (s1 == '-' || s1 == '/' || s1 == '.')) {
		d.abY = true;
	}
	return d;
}

/* The date in ISO form under the given order; false when it does not fit. */
static bool
iso_date(const char *s, int order, char *out, size_t n)
{
	dshape d = date_shape(s);
	int m, day;
	if (d.iso) {
		m = d.a;
		day = d.b;
	} else if (d.abY && order == MAAT_DATE_DMY) {
		day = d.a;
		m = d.b;
	} else if (d.abY && order == MAAT_DATE_MDY) {
		m = d.a;
		day = d.b;
	} else {
		return false;
	}
	snprintf(out, n, "%04d-%02d-%02d", d.y % 10000, m % 100, day % 100);
	return true;
}

static const char *
field(const maat_csv *r, const ssize_t *col, int c)
{
	if (col[c] < 0 || (size_t)col[c] >= maat_csv_nfields(r)) {
		return "";
	}
	return maat_csv_field(r, (size_t)col[c]);
}

static bool
truthy(const char *s)
{
	return strcasecmp(s, "True") == 0 || strcasecmp(s, "Waar") == 0 ||
	       strcasecmp(s, "Ja") == 0 || strcasecmp(s, "Yes") == 0 || strcmp(s, "1") == 0;
}

/* "9:00:00 AM" -> "09:00:00"; 24-hour times pass unchanged. */
static void
time_24h(const char *in, char *out, size_t n)
{
	int h = 0, m = 0, s = 0, k = 0;
	char ampm[3] = {0};
	if (sscanf(in, " %d:%d:%d %2s%n", &h, &m, &s, ampm, &k) == 4 ||
	    sscanf(in, " %d:%d %2s%n", &h, &m, ampm, &k) == 3) {
		if (strcasecmp(ampm, "PM") == 0 && h < 12) {
			h += 12;
		} else if (strcasecmp(ampm, "AM") == 0 && h == 12) {
			h = 0;
		}
		if (strcasecmp(ampm, "AM") == 0 || strcasecmp(ampm, "PM") == 0) {
			snprintf(out, n, "%02d:%02d:%02d", h % 100, m % 100, s % 100);
			return;
		}
	}
	snprintf(out, n, "%s", in);
}

static int
when(const char *date, const char *time, int order, const maat_tz *tz, int64_t *out, maat_err *err)
{
	char t[32], d[32], buf[96];
	if (!iso_date(date, order, d, sizeof(d))) {
		return maat_err_set(err, MAAT_E_DATA, _("not a date: '%.40s'"), date);
	}
	time_24h(time, t, sizeof(t));
	snprintf(buf, sizeof(buf), "%s %s", d, *t ? t : "00:00");
	if (maat_ts_parse(buf, tz, out, NULL, err) < 0) {
		/* name the value as the file writes it */
		return maat_err_set(err, MAAT_E_DATA, _("not a timestamp: '%.40s %.20s'"), date,
				    *t ? t : "00:00");
	}
	return 0;
}

static bool
has_ampm(const char *t)
{
	const char *p = t + strlen(t);
	while (p > t && p[-1] == ' ') {
		p--;
	}
	return p - t >= 2 && (strncasecmp(p - 2, "AM", 2) == 0 || strncasecmp(p - 2, "PM", 2) == 0);
}

/* The file's date order (METRICS.md §2 via issue 17): a first number above 12 means D/M/Y, a
 * second one above 12 M/D/Y (both in one file: refused); otherwise AM/PM times point to M/D/Y
 * (US Outlook) and Dutch headers to D/M/Y (Dutch Outlook writes d-m-yyyy); a file that stays
 * ambiguous is refused with the advice to state --date-order. ISO dates need nothing. */
static int
detect_order(const raw *rows, size_t n, bool dutch, const char *path, int *order, maat_err *err)
{
	int64_t dmy_line = 0, mdy_line = 0;
	bool ampm = false, any_abY = false;
	for (size_t i = 0; i < n; i++) {
		const char *ds[2] = {rows[i].f[C_SDATE], rows[i].f[C_EDATE]};
		for (int k = 0; k < 2; k++) {
			dshape d = date_shape(ds[k]);
			if (!d.abY) {
				continue;
			}
			any_abY = true;
			if (d.a > 12 && d.b <= 12 && dmy_line == 0) {
				dmy_line = rows[i].line;
			}
			if (d.b > 12 && d.a <= 12 && mdy_line == 0) {
				mdy_line = rows[i].line;
			}
		}
		ampm = ampm || has_ampm(rows[i].f[C_STIME]) || has_ampm(rows[i].f[C_ETIME]);
	}
	if (*order != MAAT_DATE_AUTO || !any_abY) {
		return 0;
	}
	if (dmy_line > 0 && mdy_line > 0) {
		return maat_err_set(
		    err, MAAT_E_DATA,
		    _("%s:%lld: dates in two orders: day first here, month first on "
		      "line %lld; fix the file or state --date-order dmy|mdy|ymd"),
		    path, (long long)dmy_line, (long long)mdy_line);
	}
	if (dmy_line > 0) {
		*order = MAAT_DATE_DMY;
	} else if (mdy_line > 0 || ampm) {
		*order = MAAT_DATE_MDY;
	} else if (dutch) {
		*order = MAAT_DATE_DMY;
	} else {
		return maat_err_set(
		    err, MAAT_E_DATA,
		    _("%s:2: the date order is ambiguous (no day above 12, no AM/PM, "
		      "English headers): state it with --date-order dmy or --date-order "
		      "mdy"),
		    path);
	}
	return 0;
}

static void
add_part(row *w, const char *name, int partstat)
{
	char *k = maat_xstrdup(name);
	maat_trim(k);
	if (*k == '\0') {
		free(k);
		return;
	}
	if (strchr(k, '@') != NULL) {
		for (char *s = k; *s; s++) {
			*s = (char)tolower((unsigned char)*s);
		}
	}
	for (size_t i = 0; i < w->nparts; i++) {
		if (maat_strcasecmp0(w->parts[i].key, k) == 0) {
			free(k);
			return;
		}
	}
	w->parts = maat_xreallocarray(w->parts, w->nparts + 1, sizeof(*w->parts));
	w->parts[w->nparts].key = k;
	w->parts[w->nparts].partstat = partstat;
	w->nparts++;
}

static void
add_list(row *w, const char *list)
{
	char *copy = maat_xstrdup(list), *save = NULL;
	for (char *t = strtok_r(copy, ";", &save); t != NULL; t = strtok_r(NULL, ";", &save)) {
		add_part(w, t, MAAT_PART_ACCEPTED);
	}
	free(copy);
}

static void
row_fini(row *w)
{
	free(w->uid);
	free(w->summary);
	for (size_t i = 0; i < w->nparts; i++) {
		free((char *)w->parts[i].key);
	}
	free(w->parts);
}

static int
cmp_row(const void *a, const void *b)
{
	const row *x = a, *y = b;
	int r = strcmp(x->uid, y->uid);
	if (r != 0) {
		return r;
	}
	if (x->start != y->start) {
		return x->start < y->start ? -1 : 1;
	}
	return x->line < y->line ? -1 : x->line > y->line;
}

static int
message(const maat_cal_sink *sink, int64_t line, const char *sev, const char *msg, maat_err *err)
{
	return sink->message ? sink->message(sink->ctx, line, sev, msg, err) : 0;
}

int
maat_outlook_read(FILE *f, const char *path, const maat_cal_opts *opts, const maat_cal_sink *sink,
		  maat_cal_stats *stats, maat_err *err)
{
	maat_csv_opts co = {.path = path, .encoding = opts->encoding};
	maat_csv *r = NULL;
	maat_tz *tz = NULL;
	row *rows = NULL;
	size_t nrows = 0, cap = 0;
	ssize_t col[C_N];
	int64_t nread = 0, nrej = 0;
	char *owner = NULL;
	raw *raws = NULL;
	size_t nraw = 0, capraw = 0;
	int order = opts->date_order;
	bool dutch;
	int rc;

	if ((tz = maat_tz_new(opts->tz ? opts->tz : "Europe/Amsterdam", err)) == NULL) {
		rc = -err->code;
		goto out;
	}
	if ((r = maat_csv_open(f, &co, err)) == NULL) {
		rc = -err->code;
		goto out;
	}
	if ((rc = maat_csv_next(r, err)) <= 0) {
		if (rc == 0) {
			rc = maat_err_set(err, MAAT_E_DATA, _("%s:1: empty file"), path);
		}
		goto out;
	}
	for (int c = 0; c < C_N; c++) {
		col[c] = maat_csv_column(r, aliases[c]);
		if (col[c] < 0 && c <= C_ETIME && c != C_STIME && c != C_ETIME) {
			rc = maat_err_set(
			    err, MAAT_E_DATA,
			    _("%s:1: neither iCalendar nor an Outlook calendar export: no "
			      "column '%s'"),
			    path, aliases[c][0]);
			goto out;
		}
	}
	/* Dutch Outlook names the start date "Begindatum" */
	{
		static const char *const nl[] = {"Begindatum", NULL};
		dutch = maat_csv_column(r, nl) >= 0;
	}
	if (opts->owner != NULL) {
		owner = maat_xstrdup(opts->owner);
		for (char *s = owner; *s; s++) {
			*s = (char)tolower((unsigned char)*s);
		}
	}
	while ((rc = maat_csv_next(r, err)) > 0) {
		raw w = {.line = maat_csv_line(r)};
		if (nraw == capraw) {
			capraw = capraw ? capraw * 2 : 256;
			raws = maat_xreallocarray(raws, capraw, sizeof(*raws));
		}
		for (int c = 0; c < C_N; c++) {
			w.f[c] = maat_xstrdup(field(r, col, c));
		}
		raws[nraw++] = w;
	}
	if (rc < 0) {
		goto out;
	}
	if (col[C_ORG] < 0 && col[C_REQ] < 0 && col[C_OPT] < 0 && owner == NULL) {
		char msg[400];
		snprintf(msg, sizeof(msg),
			 _("%s:1: no organizer or attendee columns: no meeting can be counted "
			   "(a meeting needs %d participants; --owner names the calendar's owner)"),
			 path, 2);
		if ((rc = message(sink, 1, "warning", msg, err)) < 0) {
			goto out;
		}
	}
	if ((rc = detect_order(raws, nraw, dutch, path, &order, err)) < 0) {
		goto out;
	}
	for (size_t i = 0; i < nraw; i++) {
		row w = {0};
		maat_err e2 = {0};
		char *const *v = raws[i].f;
		const char *subj = v[C_SUBJ], *org = v[C_ORG], *show = v[C_SHOW];
		char hash[65], msg[600];
		char *key;

		nread++;
		w.line = raws[i].line;
		if (when(v[C_SDATE], v[C_STIME], order, tz, &w.start, &e2) < 0 ||
		    when(*v[C_EDATE] ? v[C_EDATE] : v[C_SDATE], v[C_ETIME], order, tz, &w.end,
			 &e2) < 0) {
			nrej++;
			snprintf(msg, sizeof(msg), _("%s:%lld: %s; row skipped"), path,
				 (long long)w.line, e2.msg);
			if ((rc = message(sink, w.line, "warning", msg, err)) < 0) {
				goto out;
			}
			continue;
		}
		if (w.end < w.start) {
			nrej++;
			snprintf(msg, sizeof(msg), _("%s:%lld: ends before it starts; row skipped"),
				 path, (long long)w.line);
			if ((rc = message(sink, w.line, "warning", msg, err)) < 0) {
				goto out;
			}
			continue;
		}
		if ((opts->has_to && w.start >= opts->to) ||
		    (opts->has_from && w.end <= opts->from)) {
			continue;
		}
		if (truthy(v[C_ALLDAY])) {
			w.flags |= MAAT_CAL_ALLDAY;
		}
		if (strcmp(show, "0") == 0 || strcasecmp(show, "Free") == 0 ||
		    strcasecmp(show, "Vrij") == 0 || strcasecmp(show, "Beschikbaar") == 0) {
			w.flags |= MAAT_CAL_TRANSPARENT;
		}
		add_part(&w, org, MAAT_PART_ACCEPTED);
		add_list(&w, v[C_REQ]);
		add_list(&w, v[C_OPT]);
		if (w.nparts == 0 && owner != NULL) {
			add_part(&w, owner, MAAT_PART_ACCEPTED);
		}
		/* the same meeting in several exports: same subject, organizer and start */
		key = maat_xasprintf("%s\x1f%s", subj, org);
		for (char *p = key; *p; p++) {
			*p = (char)tolower((unsigned char)*p);
		}
		maat_sha256_hex(key, strlen(key), hash);
		free(key);
		hash[24] = '\0';
		w.uid = maat_xasprintf("csv:%s", hash);
		w.summary = maat_utf8_valid(subj, strlen(subj)) ? maat_xstrdup(subj) : NULL;
		if (nrows == cap) {
			cap = cap ? cap * 2 : 256;
			rows = maat_xreallocarray(rows, cap, sizeof(*rows));
		}
		rows[nrows++] = w;
	}
	if (rc < 0) {
		goto out;
	}
	if (nrows > 1) {
		qsort(rows, nrows, sizeof(*rows), cmp_row);
	}
	for (size_t i = 0; i < nrows; i++) {
		maat_cal_instance in = {
		    .uid = rows[i].uid,
		    .summary = rows[i].summary,
		    .start = rows[i].start,
		    .end = rows[i].end,
		    .flags = rows[i].flags,
		    .parts = rows[i].parts,
		    .nparts = rows[i].nparts,
		    .line = rows[i].line,
		    .orig = rows[i].start,
		};
		/* one row per occurrence: a repeated row is the same instance */
		if (i > 0 && strcmp(rows[i].uid, rows[i - 1].uid) == 0 &&
		    rows[i].start == rows[i - 1].start) {
			continue;
		}
		if ((rc = sink->instance(sink->ctx, &in, err)) < 0) {
			goto out;
		}
	}
	rc = 0;
out:
	if (stats != NULL) {
		/* no DTSTAMP in Outlook CSV: the import time is the export time; rows are read
		 * as they are, never expanded (no window cuts them but --from/--to) */
		stats->read = nread;
		stats->rejected = nrej;
		stats->exported = opts->now > 0 ? opts->now : (int64_t)time(NULL);
		stats->exported_by_dtstamp = false;
		stats->win_from = opts->from;
		stats->win_to = opts->to;
		stats->has_win_from = opts->has_from;
		stats->has_win_to = opts->has_to;
	}
	for (size_t i = 0; i < nrows; i++) {
		row_fini(&rows[i]);
	}
	free(rows);
	for (size_t i = 0; i < nraw; i++) {
		for (int c = 0; c < C_N; c++) {
			free(raws[i].f[c]);
		}
	}
	free(raws);
	free(owner);
	maat_csv_free(r);
	maat_tz_free(tz);
	return rc;
}
#else
int
maat_outlook_read(FILE *f, const char *path, const maat_cal_opts *opts, const maat_cal_sink *sink,
		  maat_cal_stats *stats, maat_err *err)
{
	(void)f;
	(void)opts;
	(void)sink;
	(void)stats;
	return maat_err_set(
	    err, MAAT_E_DATA,
	    _("%s:1: not an iCalendar file, and Outlook CSV needs the CSV reader of "
	      "a later build"),
	    path);
}
#endif
