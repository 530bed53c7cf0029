/* What the store's calendar tables hold (store/schema_calendar.c: cal_instances.flags,
 * cal_attendees.partstat) and the longest default window: shared by the calendar importers,
 * which write them, and the meeting analysis, which reads them. */
#ifndef MAAT_CALENDAR_H
#define MAAT_CALENDAR_H

#include <stdint.h>

/* The longest default window: 2 years (731 days) in seconds. */
#define MAAT_CAL_MAX_SPAN ((int64_t)731 * 86400)

/* Instance flags (cal_instances.flags). */
enum maat_cal_flags {
	/* STATUS:CANCELLED (or an iTIP CANCEL) */
	MAAT_CAL_CANCELLED = 1 << 0,
	/* TRANSP:TRANSPARENT, Outlook "Show time as: Free" */
	MAAT_CAL_TRANSPARENT = 1 << 1,
	/* DTSTART;VALUE=DATE, X-MICROSOFT-CDO-ALLDAYEVENT:TRUE, Outlook "All day event" */
	MAAT_CAL_ALLDAY = 1 << 2,
	/* the instance comes from an override (a component with RECURRENCE-ID) */
	MAAT_CAL_OVERRIDE = 1 << 3,
	/* a tombstone: the export's master removes this instance (EXDATE); start = end = orig.
	 * Never a meeting; it beats an older export's copy of the instance. */
	MAAT_CAL_EXCLUDED = 1 << 4,
};

/* A participant's answer (cal_attendees.partstat). */
enum maat_partstat {
	/* ACCEPTED, DELEGATED, the organizer, Outlook CSV attendees */
	MAAT_PART_ACCEPTED = 0,
	/* TENTATIVE */
	MAAT_PART_TENTATIVE = 1,
	/* NEEDS-ACTION, or an ATTENDEE without PARTSTAT (its RFC 5545 default) */
	MAAT_PART_NO_REPLY = 2,
	/* DECLINED */
	MAAT_PART_DECLINED = 3,
};

#endif
