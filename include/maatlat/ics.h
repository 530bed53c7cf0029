/* Calendars: iCalendar (.ics) and Outlook CSV exports -> meeting instances -> the store.
 * The readers stream a FILE * and hand every expanded instance to a sink (the store, or a
 * test/fuzz collector); RRULEs are expanded by libical's icalrecur_iterator inside a bounded
 * window, with RDATE (incl. PERIOD), EXDATE, RECURRENCE-ID overrides (incl. THISANDFUTURE) and
 * duplicate removal done here (METRICS.md §2). libical never writes to stderr while a reader
 * runs: its complaints come back through the sink's message callback. */
#ifndef MAAT_ICS_H
#define MAAT_ICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "maatlat/calendar.h"
#include "maatlat/db.h"
#include "maatlat/err.h"

/* The default per-series instance limit (a setting: maat_cal_opts.instance_limit). */
#define MAAT_CAL_INSTANCE_LIMIT 100000
/* A meeting's title is stored only when at least this many people attend it (METRICS.md §4:
 * the titles of bilaterals name the two people); a setting: maat_cal_opts.min_group. */
#define MAAT_CAL_MIN_GROUP_DEFAULT 5

/* How Outlook CSV dates are read (maat_cal_opts.date_order). */
enum maat_date_order {
	/* detected per file: a day above 12 decides; AM/PM times point to M/D/Y, Dutch headers
	 * to D/M/Y; a file that stays ambiguous is refused */
	MAAT_DATE_AUTO = 0,
	MAAT_DATE_DMY,
	MAAT_DATE_MDY,
	MAAT_DATE_YMD,
};

/* What the imports of one process share: the store's series keys, participant lists and
 * instances already looked up, and RRULE expansions, so the same meeting in every attendee's
 * export is looked up and expanded once. Tied to one store; emptied when another connection
 * changed it, after --replace and after a failed import. */
typedef struct maat_cal_cache maat_cal_cache;

/* A new, empty cache; free with maat_cal_cache_free. */
maat_cal_cache *maat_cal_cache_new(void);

/* NULL-safe. */
void maat_cal_cache_free(maat_cal_cache *cache);

/* Options of one import. */
typedef struct maat_cal_opts {
	/* the calendar owner's e-mail for events without participants (--owner); NULL = an e-mail
	 * in X-WR-CALNAME, else nobody */
	const char *owner;
	/* the window [from, to) in unix seconds UTC; has_from/has_to false = the span of the data,
	 * at most MAAT_CAL_MAX_SPAN */
	int64_t from;
	int64_t to;
	bool has_from;
	bool has_to;
	/* the organisation's IANA zone for floating times, unknown TZIDs and Outlook CSV;
	 * NULL = "Europe/Amsterdam" */
	const char *tz;
	/* the per-series instance limit; 0 = MAAT_CAL_INSTANCE_LIMIT */
	int64_t instance_limit;
	/* replace an earlier import of the same path or content (maat_cal_import_file) */
	bool replace;
	/* shared lookups (maat_cal_cache_new), borrowed; NULL = none */
	maat_cal_cache *cache;
	/* read every VEVENT with libical's parser, never the fast path (tests compare both) */
	bool libical_only;
	/* --pseudonymise: participants stored as keyed hashes, names and e-mails inside titles
	 * too; borrowed, NULL = as read */
	const struct maat_pseudo *pseudo;
	/* the import time (unix UTC): the export time of files without DTSTAMP and of Outlook
	 * CSV; 0 = now */
	int64_t now;
	/* Outlook CSV: enum maat_date_order (--date-order) */
	int date_order;
	/* Outlook CSV: the input encoding for iconv (--encoding); NULL = UTF-8 */
	const char *encoding;
	/* titles of meetings with fewer attending participants are not stored; 0 =
	 * MAAT_CAL_MIN_GROUP_DEFAULT */
	int min_group;
} maat_cal_opts;

/* One participant of an instance. */
typedef struct maat_cal_part {
	/* e-mail lower-cased without "mailto:", or a name (Outlook CSV); borrowed */
	const char *key;
	/* enum maat_partstat */
	int partstat;
} maat_cal_part;

/* One expanded instance, as handed to the sink. Everything is borrowed for the call only. */
typedef struct maat_cal_instance {
	/* the series key: the UID ("csv:<hash>" for Outlook CSV rows) */
	const char *uid;
	/* the title, used only to name recurring series; may be NULL */
	const char *summary;
	/* unix seconds UTC, end >= start */
	int64_t start;
	int64_t end;
	/* SEQUENCE of the component the instance comes from */
	int sequence;
	/* enum maat_cal_flags */
	int flags;
	/* participants (ROOM/RESOURCE and NON-PARTICIPANT removed; owner when there were none) */
	const maat_cal_part *parts;
	size_t nparts;
	/* the same non-NULL value for consecutive instances of one read that share the same
	 * participant list (a sink may then reuse what it made of it); NULL = not known */
	const void *parts_id;
	/* the line of the component (or CSV row) it comes from */
	int64_t line;
	/* the original start (RECURRENCE-ID value; = start when not recurring), unix UTC: the
	 * key the instance is matched on across exports */
	int64_t orig;
	/* DTSTAMP of the component it comes from (0 = none): with sequence its version */
	int64_t dtstamp;
} maat_cal_instance;

/* Where the readers deliver. Callbacks return 0, or negative with err set to stop the read. */
typedef struct maat_cal_sink {
	/* one expanded instance */
	int (*instance)(void *ctx, const maat_cal_instance *in, maat_err *err);
	/* an anomaly or a skipped component: severity "info", "warning" or "error"; line 0 = the
	 * whole file */
	int (*message)(void *ctx, int64_t line, const char *severity, const char *msg,
		       maat_err *err);
	/* a series' master (a component without RECURRENCE-ID) and its version, before the
	 * series' instances; may be NULL */
	int (*series)(void *ctx, const char *uid, const char *summary, int sequence,
		      int64_t dtstamp, maat_err *err);
	/* passed to all */
	void *ctx;
} maat_cal_sink;

/* What a reader saw (sources.rows_read / rows_rejected). */
typedef struct maat_cal_stats {
	/* components (VEVENTs) or CSV rows read */
	int64_t read;
	/* of those, skipped with a message */
	int64_t rejected;
	/* of those, read by our own parser (plain VEVENTs) rather than libical's */
	int64_t fast;
	/* the export time (unix UTC): the newest DTSTAMP, else the import time */
	int64_t exported;
	bool exported_by_dtstamp;
	/* the window series were expanded in: [win_from, win_to); has_* false = not cut on
	 * that side (all of the data lies inside) */
	int64_t win_from, win_to;
	bool has_win_from, has_win_to;
} maat_cal_stats;

/* Reads an iCalendar stream (several VCALENDARs, or bare VEVENTs, in one file) and delivers
 * its expanded instances inside the window. path is used in messages only; stats (may be
 * NULL) receives the counts. Returns 0, or
 * negative with err set ("PATH:LINE: ...", MAAT_E_DATA) when the input is not iCalendar or is
 * structurally broken beyond repair; broken single components are skipped with a message. */
int maat_ics_read(FILE *f, const char *path, const maat_cal_opts *opts, const maat_cal_sink *sink,
		  maat_cal_stats *stats, maat_err *err);

/* Reads an Outlook CSV export (English or Dutch headers; one row per occurrence; times in the
 * organisation's zone) and delivers its instances. Same contract as maat_ics_read(). */
int maat_outlook_read(FILE *f, const char *path, const maat_cal_opts *opts,
		      const maat_cal_sink *sink, maat_cal_stats *stats, maat_err *err);

/* Imports one calendar file (iCalendar or Outlook CSV, sniffed) into the store as one
 * transaction (maat_db_import_file, kind "calendar"). Returns 0, 1 when the same file was
 * imported before (err holds a note), negative with err set. */
int maat_cal_import_file(maat_db *db, const char *path, const maat_cal_opts *opts, maat_err *err);

/* Imports several calendar files in order, each as maat_cal_import_file() does (one
 * transaction per file, the same figures and messages), while a second thread opens, hashes and
 * parses the next ones. maat_cal_prefetch_new() copies paths and opts (opts->cache is used
 * when given, else one of its own); NULL with err set when the store cannot be set up. Each
 * maat_cal_import_next() imports the next file: same returns as maat_cal_import_file(); after a
 * failure, call no more. While a prefetch exists, write to stderr only under
 * maat_stderr_lock() (the reading thread points fd 2 at libical's capture file at times).
 * maat_cal_prefetch_free() (NULL-safe) stops the reading thread and drops what it read. */
typedef struct maat_cal_prefetch maat_cal_prefetch;
maat_cal_prefetch *maat_cal_prefetch_new(maat_db *db, char *const paths[], int npaths,
					 const maat_cal_opts *opts, maat_err *err);
int maat_cal_import_next(maat_cal_prefetch *p, maat_err *err);
void maat_cal_prefetch_free(maat_cal_prefetch *p);

#endif
