/* Time zones and dates (common/zone.c): what the calendar importers and the analyses share.
 * Zones come from libical's builtin set, which reads the system's tzdata. */
#ifndef MAAT_ZONE_H
#define MAAT_ZONE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libical/ical.h>

#include "maatlat/err.h"

/* Maps a Windows zone name ("W. Europe Standard Time") to its IANA name; NULL when unknown. */
const char *maat_zone_windows(const char *name);

/* An IANA (or UTC) zone from libical's builtin set (system tzdata), or NULL. libical may write
 * to stderr for an unknown name: callers that must stay quiet capture it (maat_zone_valid does). */
icaltimezone *maat_zone_builtin(const char *name);

/* Resolves a TZID without a file's VTIMEZONEs: IANA, libical-prefixed IANA
 * ("/freeassociation.sourceforge.net/Europe/Amsterdam"), Windows names, Exchange display
 * names ("(UTC+01:00) Amsterdam, Berlin, ..."). NULL when none applies. Same stderr caveat. */
icaltimezone *maat_zone_resolve(const char *raw);

/* True when tz names a zone libical can resolve (IANA name or "UTC"). Quiet. */
bool maat_zone_valid(const char *tz);

/* Converts 00:00 of the day add_days after date "yyyy-mm-dd" in zone tz (IANA, NULL =
 * Europe/Amsterdam) to unix seconds UTC (add_days 1 gives the end of an inclusive --to).
 * Returns 0, or -MAAT_E_USAGE with err set for a bad date or an unknown zone. Quiet. */
int maat_zone_date_to_utc(const char *date, const char *tz, int add_days, int64_t *out,
			  maat_err *err);

/* libical 3.0.16 writes some complaints (an unknown zone file, parse warnings) with
 * fprintf(stderr) and has no handler to redirect them. Between maat_quiet_begin() and
 * maat_quiet_end(), fd 2 points at a temporary file ($MAATLAT_LIBICAL_STDERR set: not
 * redirected, a debugging aid that lets sanitizer reports through). */
typedef struct maat_quiet {
	/* the saved stderr descriptor, -1 when not redirected */
	int saved;
	/* the capture file */
	FILE *tmp;
	/* the capture this one nests in (this thread's), NULL for the outermost */
	struct maat_quiet *outer;
} maat_quiet;

/* Points fd 2 at a capture file (also makes libical's errors non-fatal). */
void maat_quiet_begin(maat_quiet *q);

/* Restores fd 2. Returns the capture file rewound to its start (caller reads and fcloses it),
 * or NULL when nothing was redirected. */
FILE *maat_quiet_end(maat_quiet *q);

/* Held between maat_quiet_begin() and maat_quiet_end() (recursive): a thread that writes to
 * stderr while a reader may run on another thread takes it first, so its words are not
 * captured (importers/ics.c reads calendar exports ahead on a second thread). */
void maat_stderr_lock(void);
void maat_stderr_unlock(void);

/* For a thread that must wait for another in the middle of a capture (the calendar read-ahead
 * waiting for a free slot while the store's thread may want to write a message): points fd 2
 * back at the real stderr and lets go of the lock; returns what maat_quiet_resume() needs (0:
 * this thread had no capture, nothing done). maat_quiet_resume() takes the lock again and
 * points fd 2 at the capture file again, which goes on where it was. */
int maat_quiet_suspend(void);
void maat_quiet_resume(int depth);

/* Frees libical's cached zones (call once at exit; harmless otherwise). */
void maat_zone_cleanup(void);

#endif
