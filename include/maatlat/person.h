/* Subject access and erasure (METRICS.md §4): everything the store holds about one person, and
 * forgetting it. A person is named by an org-chart id or e-mail, or by a name held by no one
 * else; only that person's values are read or touched: their org rows in every snapshot, the
 * case events with them as the resource (id, e-mail or name), the meeting instances they take
 * part in, and the titles, source names and stored messages that name them. */
#ifndef MAAT_PERSON_H
#define MAAT_PERSON_H

#include <stddef.h>

#include "maatlat/db.h"
#include "maatlat/err.h"
#include "maatlat/table.h"

/* One kind of stored data about the person. */
typedef struct maat_person_section {
	/* a stable key for JSON: org_rows, mandates, case_events, meetings, titles, sources,
	 * messages */
	const char *key;
	/* all matching rows, however many are in rows */
	size_t count;
	/* the rows, at most the limit given; owned, never NULL */
	maat_table *rows;
} maat_person_section;

typedef struct maat_person {
	/* the org-chart id the argument resolved to; owned, NULL when the argument is not in
	 * any org chart (then it is itself the only key) */
	char *id;
	/* the person's name and e-mail from the org chart (the latest row); owned, may be NULL */
	char *name;
	char *email;
	/* the values that stand for the person as a whole value (ids, e-mails, names held by no
	 * one else, the argument): lower-cased; owned, nkeys of them */
	char **keys;
	size_t nkeys;
	/* the values searched for inside free text (titles, source names, messages): e-mails,
	 * names held by no one else, ids of at least 4 characters or with a letter; owned */
	char **text_keys;
	size_t ntext_keys;
	/* names this person shares with someone else: found in a meeting title only when the
	 * person takes part in that meeting; owned */
	char **shared_names;
	size_t nshared_names;
	/* the sections, always in the order above; owned */
	maat_person_section *sections;
	size_t nsections;
	/* rows over all sections (counts, not limited) */
	size_t nrows;
} maat_person;

/* Finds the person named by who (an id or e-mail of an org-chart row, a name held by exactly
 * one person, or a resource/attendee value that is in no org chart) and everything stored about
 * them; limit caps the rows kept per section (0 = all; counts are always complete). A name held
 * by several people, or a job-share post id held by two people, is MAAT_E_USAGE with the
 * candidates (id and e-mail) listed in err. Returns a new result (free with maat_person_free)
 * or NULL with err set. */
maat_person *maat_person_find(maat_db *db, const char *who, size_t limit, maat_err *err);

/* NULL-safe. */
void maat_person_free(maat_person *p);

/* Erases the person found as maat_person_find() would: each of their whole values (id in
 * their org rows, in their reports' manager column and in id mandates; e-mail; name; case
 * resources; meeting participants) becomes one token "forgotten-XXXXXXXX" (so the chart and
 * the handovers keep their shape), and every mention inside a meeting title or UID, a source's
 * name or options and a stored message is replaced by it. Nothing else changes. One
 * transaction; then the store is vacuumed and its WAL truncated so the old bytes are gone from
 * the files. *values_changed (optional) receives the number of values replaced. */
int maat_person_forget(maat_db *db, const char *who, size_t *values_changed, maat_err *err);

#endif
