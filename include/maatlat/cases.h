/* Case logs (CSV and XES event logs) into the store: METRICS.md §3 "Events". Readers stream
 * the file and hand each event to a callback; the store sink keeps only the fields the
 * metrics need (case id and type, activity, time, resource, lifecycle, role, group). */
#ifndef MAAT_CASES_H
#define MAAT_CASES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "maatlat/db.h"
#include "maatlat/err.h"
#include "maatlat/timestamp.h"

/* A gzip stream may inflate to at most this many times the compressed bytes read (real
 * event logs compress 10-40 times; a deflate bomb about 1000 times), checked once more than
 * MAAT_INFLATE_MIN_BYTES came out. */
#define MAAT_INFLATE_RATIO_DEFAULT 250.0
#define MAAT_INFLATE_MIN_BYTES ((uint64_t)1 << 20)

/* What one import stored. */
typedef struct maat_cases_counts {
	/* cases first seen in the file, events, and events without a resource */
	int64_t cases;
	int64_t events;
	int64_t without_resource;
	/* events that another, earlier imported case log already held (they count once) */
	int64_t known;
} maat_cases_counts;

/* How to read a case log. Zero-initialised = defaults. */
typedef struct maat_cases_opts {
	/* "auto" (or NULL), "csv" or "xes" */
	const char *format;
	/* the column (CSV) or attribute key (XES) of each field; NULL = the defaults below */
	const char *case_col;
	const char *activity_col;
	const char *time_col;
	const char *resource_col;
	const char *lifecycle_col;
	const char *role_col;
	const char *group_col;
	const char *case_type_col;
	/* the zone of timestamps without an offset; NULL = UTC. Borrowed. */
	const maat_tz *tz;
	/* the CSV encoding for iconv (NULL = UTF-8); XES declares its own */
	const char *encoding;
	/* the file name used in messages; borrowed */
	const char *path;
	/* optional: maat_cases_import() fills it in after a successful import */
	maat_cases_counts *counts;
	/* --pseudonymise: resources stored as keyed hashes; borrowed, NULL = as read */
	const struct maat_pseudo *pseudo;
	/* the bound on a gzip stream's inflated / compressed bytes: 0 = the default
	 * (MAAT_INFLATE_RATIO_DEFAULT), negative = no bound */
	double max_inflate_ratio;
} maat_cases_opts;

/* One event as a reader delivers it. Strings are borrowed for the callback only; NULL or ""
 * means absent (resource, lifecycle, role, group, case_type). */
typedef struct maat_case_event {
	/* the case id (never empty) */
	const char *case_id;
	/* the activity (never empty) */
	const char *activity;
	/* unix seconds UTC and milliseconds 0-999 */
	int64_t ts;
	int ms;
	const char *resource;
	const char *lifecycle;
	const char *role;
	const char *group;
	const char *case_type;
	/* the line in the file where the event starts or ends (for messages) */
	int64_t line;
} maat_case_event;

/* Receives one event; returns 0 or negative with err set (stops the reader). */
typedef int (*maat_case_event_fn)(const maat_case_event *ev, void *ctx, maat_err *err);

/* Streams an XES (IEEE 1849) log, plain or gzip-compressed (sniffed from the bytes), with or
 * without the XES namespace. <global> defaults are schema, not data. DTDs and entity
 * declarations are refused (no expansion). Calls fn for each event in file order. Returns the
 * number of events (>= 0) or negative with err "PATH:LINE: ..." (MAAT_E_DATA). */
int64_t maat_xes_read(FILE *f, const maat_cases_opts *o, maat_case_event_fn fn, void *ctx,
		      maat_err *err);

/* Streams a CSV case log through the shared CSV reader, mapping columns by name (defaults:
 * case "case:concept:name"/"case id"/"zaaknummer", activity "concept:name"/"activiteit",
 * time "time:timestamp"/"timestamp"/"tijdstip", resource "org:resource"/"medewerker"/
 * "behandelaar", "lifecycle:transition", "org:role", "org:group", case type "zaaktype"/
 * "case:type"). A column named by an option must exist; case, activity and time must be found.
 * Returns the number of events or negative with err set (MAAT_E_DATA, "PATH:LINE: ..."). */
int64_t maat_cases_csv_read(FILE *f, const maat_cases_opts *o, maat_case_event_fn fn, void *ctx,
			    maat_err *err);

/* Reads exported JSON of the ZGW Zaken API (VNG; e.g. Open Zaak): the paginated list responses
 * of zaken, statussen, rollen (and optionally resultaten and the Catalogi API's zaaktypen,
 * statustypen, roltypen to name things), concatenated in one stream in any order. Each status
 * is an event (activity: the statustype, time: datumStatusGezet) whose resource is the case's
 * handling employee at that moment (the latest rol of betrokkeneType medewerker with
 * omschrijvingGeneriek behandelaar registered at or before it); a later change of handling
 * employee is an event of its own ("behandelaar gewijzigd", resource: the new one), so it is a
 * handover even when no status follows. Case id: the zaak's identificatie; case type: the
 * zaaktype. Roles of citizens and organisations are never read (METRICS.md §4). The records
 * are held in memory (the fields above only) until the stream ends, since a status and its
 * roles arrive in separate lists. Returns the number of events or negative with err set. */
int64_t maat_zgw_read(FILE *f, const maat_cases_opts *o, maat_case_event_fn fn, void *ctx,
		      maat_err *err);

/* The store side: one sink per import, inside maat_db_import_file()'s transaction. */
typedef struct maat_cases_sink maat_cases_sink;

/* Returns a new sink writing into imp's source (caller frees with maat_cases_sink_free). */
maat_cases_sink *maat_cases_sink_new(maat_import *imp, maat_err *err);
/* A maat_case_event_fn: stores one event (ctx is the sink). */
int maat_cases_sink_add(const maat_case_event *ev, void *ctx, maat_err *err);
/* Writes the events still batched; call it once after the last maat_cases_sink_add(). Events
 * of a sink freed without it are lost. */
int maat_cases_sink_finish(maat_cases_sink *s, maat_err *err);
/* Events stored so far, and how many named no resource. */
int64_t maat_cases_sink_events(const maat_cases_sink *s);
int64_t maat_cases_sink_without_resource(const maat_cases_sink *s);
/* Events of this sink that other sources already held when it stored them. */
int64_t maat_cases_sink_known(const maat_cases_sink *s);
/* NULL-safe. */
void maat_cases_sink_free(maat_cases_sink *s);

/* A maat_import_fn for maat_db_import_file(): ctx is a const maat_cases_opts *. Detects the
 * format (extension, then the first bytes: '<' or gzip magic = XES), reads and stores every
 * event, logs the number of events without a resource. */
int maat_cases_import(maat_import *imp, FILE *f, void *ctx, maat_err *err);

#endif
