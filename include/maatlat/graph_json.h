/* Microsoft Graph calendar JSON (what `calendarView` and `events` return, or PowerShell's
 * `Get-MgUserCalendarView | ConvertTo-Json`) -> iCalendar text, so that one reader
 * (maat_ics_read: windows, overrides, dedupe across mailboxes, versions) serves both formats and
 * the same meetings give the same figures however they were exported. */
#ifndef MAAT_GRAPH_JSON_H
#define MAAT_GRAPH_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "maatlat/err.h"
#include "maatlat/ics.h"

/* What the conversion saw. */
typedef struct maat_graph_stats {
	/* event objects read */
	int64_t events;
	/* of those, skipped (no start, unreadable times); each is reported through note() */
	int64_t skipped;
	/* the mailbox owner found in the file (@odata.context users('...')); owned by the
	 * caller once set (free it), NULL when the file names none */
	char *owner;
} maat_graph_stats;

/* A message about one event: severity "info" or "warning"; event_no counts from 1. */
typedef int (*maat_graph_note_fn)(void *ctx, int64_t event_no, const char *severity,
				  const char *msg, maat_err *err);

/* Reads one or more Graph JSON values from in (a page object with a `value` array, an array of
 * events, a single event, or several of these concatenated) and writes one VCALENDAR to out.
 * owner (may be NULL; else the file's @odata.context user) is the mailbox owner: their own
 * answer (responseStatus) becomes their PARTSTAT. Keys are matched without regard to case
 * (PowerShell writes PascalCase). Returns 0, or negative with err set ("PATH:LINE: ...",
 * MAAT_E_DATA) when the input is not JSON or holds no event array. */
int maat_graph_to_ics(FILE *in, const char *path, const char *owner, FILE *out,
		      maat_graph_stats *stats, maat_graph_note_fn note, void *note_ctx,
		      maat_err *err);

/* Reads a Graph JSON export and delivers its instances like maat_ics_read() (same contract):
 * converts it into a temporary file and reads that. The mailbox owner is opts->owner, else the
 * one the file names. Messages about single events carry line 0 and the event's number. */
int maat_graph_read(FILE *f, const char *path, const maat_cal_opts *opts, const maat_cal_sink *sink,
		    maat_cal_stats *stats, maat_err *err);

#endif
