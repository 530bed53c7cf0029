/* Subject access and erasure: everything the store holds about one person, and forgetting it.
 * Works over every table of the schema (whatever the pipelines store), so a table added later
 * is covered without changes here. */
#ifndef MAAT_PERSON_H
#define MAAT_PERSON_H

#include <stddef.h>

#include "maatlat/db.h"
#include "maatlat/err.h"
#include "maatlat/table.h"

typedef struct maat_person_match {
	/* the table the rows come from; owned */
	char *table;
	/* its matching rows, every column as text; owned */
	maat_table *rows;
} maat_person_match;

typedef struct maat_person {
	/* the values that identify the person: the ID asked for, plus the id, e-mail and name of
	 * an org-chart row it matches; owned, nkeys of them */
	char **keys;
	size_t nkeys;
	/* tables with matching rows; owned, nmatches of them */
	maat_person_match *matches;
	size_t nmatches;
	/* rows matched over all tables */
	size_t nrows;
} maat_person;

/* Finds every row in which a text column equals one of the person's keys (case-insensitive),
 * and every stored message that mentions one. Returns a new result (free with
 * maat_person_free) or NULL with err set. */
maat_person *maat_person_find(maat_db *db, const char *id, maat_err *err);

/* NULL-safe. */
void maat_person_free(maat_person *p);

/* Erases the person: every exact occurrence of a key in any text column becomes the token
 * "forgotten-N" (one token per person, so figures such as handovers keep their shape), every
 * mention in a stored message is replaced by it, then the store is vacuumed and its WAL
 * truncated so the old bytes are gone from the files. One transaction. *rows_changed (optional)
 * receives the number of values replaced. */
int maat_person_forget(maat_db *db, const char *id, size_t *rows_changed, maat_err *err);

#endif
