#include "store/migrations.h"

/* The cases pipeline's tables. Only what METRICS.md §3 needs is kept (§4: nothing about the
 * citizen): the case id and type, and per event the activity, time, resource, lifecycle,
 * role and group. Repeated texts live once in case_names; events carry integer keys, so the
 * rows every analysis scans stay small (PERFORMANCE.md). */
const char maat_schema_cases[] =
    /* Dictionary of the texts of one source: resources, activities, lifecycle transitions,
     * roles, groups and case types. Ids are global, so an event needs no composite key. */
    "CREATE TABLE case_names ("
    "  id INTEGER PRIMARY KEY,"
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('resource', 'activity', 'lifecycle', 'role',"
    "    'group', 'case_type')),"
    "  name TEXT NOT NULL"
    ") STRICT;"
    /* not UNIQUE: `maatlat forget` may turn two spellings of one person into the same token
     * (the importer keeps names distinct; the analysis merges equal names) */
    "CREATE INDEX case_names_lookup ON case_names(source_id, kind, name);"
    /* One row per case (trace) of a source; case_no numbers the cases of a source in order of
     * first appearance, so events of a file grouped by case arrive in key order. */
    "CREATE TABLE cases ("
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  case_no INTEGER NOT NULL,"
    "  case_key TEXT NOT NULL," /* the case id as in the file (zaaknummer) */
    "  case_type INTEGER,"      /* case_names.id of kind case_type, or NULL */
    "  PRIMARY KEY (source_id, case_no),"
    "  UNIQUE (source_id, case_key)"
    ") STRICT, WITHOUT ROWID;"
    /* The events, clustered in the order the analysis reads them: per case by time (UTC unix
     * seconds, then milliseconds), ties by file order (seq), so no index is built afterwards.
     * Name ids point into case_names of the same source (kept consistent by the importer;
     * no foreign key, so an insert costs one lookup, not five). */
    "CREATE TABLE case_events ("
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  case_no INTEGER NOT NULL,"
    "  ts INTEGER NOT NULL,"
    "  ms INTEGER NOT NULL,"  /* 0-999 */
    "  seq INTEGER NOT NULL," /* the event's position in its file */
    "  activity INTEGER NOT NULL,"
    "  resource INTEGER," /* NULL: the event names no resource */
    "  lifecycle INTEGER,"
    "  role INTEGER,"
    "  grp INTEGER,"
    "  PRIMARY KEY (source_id, case_no, ts, ms, seq)"
    ") STRICT, WITHOUT ROWID;";
