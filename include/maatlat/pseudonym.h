/* Pseudonymisation at import: names, e-mails and ids replaced by keyed hashes (HMAC-SHA-256,
 * libsodium), the same way in org charts, calendars and case logs so that joins still work.
 * The key comes from a file or $MAATLAT_KEY and is never written to the store. */
#ifndef MAAT_PSEUDONYM_H
#define MAAT_PSEUDONYM_H

#include "maatlat/db.h"
#include "maatlat/err.h"

typedef struct maat_pseudo maat_pseudo;

/* Reads the key: the file at key_file when non-NULL (its bytes, a trailing newline dropped),
 * else $MAATLAT_KEY. A key shorter than 16 bytes, or none, is MAAT_E_USAGE; an unreadable file
 * MAAT_E_NOINPUT. Returns a new handle (free with maat_pseudo_free) or NULL with err set. */
maat_pseudo *maat_pseudo_new(const char *key_file, maat_err *err);

/* Wipes the key from memory. NULL-safe. */
void maat_pseudo_free(maat_pseudo *p);

/* The pseudonym of value: "p" followed by 20 hex digits of HMAC-SHA-256(key, normalised value),
 * where normalising trims white space, drops a "mailto:" prefix and lower-cases ASCII, so
 * "Jan@Gemeente.nl" in a calendar and "jan@gemeente.nl" in an org chart stay one person.
 * NULL and "" are returned as a new copy of themselves (NULL stays NULL). Caller frees. */
char *maat_pseudo_apply(const maat_pseudo *p, const char *value);

/* The name under which a source file is recorded under --pseudonymise: the pseudonym of its
 * path, plus the file's extension (".ics", ".csv", ".xes", ".gz") so its kind stays visible:
 * "p0f3c...e1.ics". File names often name a person (k.14@gemeente.nl.ics); the same path gives
 * the same name, so --replace still finds the earlier import. Caller frees. */
char *maat_pseudo_source_name(const maat_pseudo *p, const char *path);

/* Free text (a meeting title) with the names and e-mails inside it pseudonymised: every token
 * containing '@' becomes its pseudonym, and every run of one to four words that is the name or
 * e-mail of a person in the store's org charts (stored plainly, or as the pseudonym of the
 * run) becomes the run's pseudonym, so "Teamoverleg Kees Vos" keeps "Teamoverleg" and names
 * nobody. The names are read from db once per handle. Returns a new string; caller frees. */
char *maat_pseudo_text(const maat_pseudo *p, maat_db *db, const char *text);

#endif
