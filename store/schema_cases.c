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

/* Version 2 of the cases tables: one case log across all case sources (METRICS.md §3). A case
 * id is one case whatever file it came from, names are one dictionary, and every source keeps
 * its own copy of its events (so `--replace` or `forget` of one source leaves what the others
 * hold); the analysis counts an event held by several sources once. Events are clustered by
 * (case, time, source, file order): the order the analysis reads them, so no index is built
 * after a load, and a file grouped by case appends at the end of the tree. */
const char maat_schema_cases_merged[] =
    "ALTER TABLE case_events RENAME TO case_events_v1;"
    "ALTER TABLE cases RENAME TO cases_v1;"
    "ALTER TABLE case_names RENAME TO case_names_v1;"
    "DROP INDEX case_names_lookup;"
    /* One dictionary of resources, activities, lifecycle transitions, roles, groups and case
     * types for every source. Not UNIQUE (`forget` may turn two spellings into one token; the
     * importer keeps names distinct, the analysis merges equal ones). A name no event uses
     * any more (its source replaced) stays and is ignored. */
    "CREATE TABLE case_names ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('resource', 'activity', 'lifecycle', 'role',"
    "    'group', 'case_type')),"
    "  name TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX case_names_lookup ON case_names(kind, name);"
    /* One row per case id over all sources, numbered in order of first import. */
    "CREATE TABLE cases ("
    "  case_no INTEGER PRIMARY KEY,"
    "  case_key TEXT NOT NULL UNIQUE" /* the case id as in the files (zaaknummer) */
    ") STRICT;"
    /* The case type each source gives a case (the analysis takes the first in name order, so
     * import order does not matter). */
    "CREATE TABLE case_types ("
    "  case_no INTEGER NOT NULL,"
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  case_type INTEGER NOT NULL," /* case_names.id of kind case_type */
    "  PRIMARY KEY (case_no, source_id)"
    ") STRICT, WITHOUT ROWID;"
    /* The events of every source. Name ids point into case_names (no foreign key: an insert
     * costs no lookups). Deleting a source scans this table once (no index on source_id:
     * it would cost every import an index build). */
    "CREATE TABLE case_events ("
    "  case_no INTEGER NOT NULL,"
    "  ts INTEGER NOT NULL," /* unix seconds UTC */
    "  ms INTEGER NOT NULL," /* 0-999 */
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL," /* the event's position in its file */
    "  activity INTEGER NOT NULL,"
    "  resource INTEGER," /* NULL: the event names no resource */
    "  lifecycle INTEGER,"
    "  role INTEGER,"
    "  grp INTEGER,"
    "  PRIMARY KEY (case_no, ts, ms, source_id, seq)"
    ") STRICT, WITHOUT ROWID;"
    /* Per case source: events read and how many of them earlier sources already held. */
    "CREATE TABLE case_imports ("
    "  source_id INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,"
    "  events INTEGER NOT NULL,"
    "  already_known INTEGER NOT NULL"
    ") STRICT;"
    "INSERT INTO case_names(id, kind, name) SELECT id, kind, name FROM case_names_v1;"
    "INSERT OR IGNORE INTO cases(case_key) SELECT case_key FROM cases_v1"
    "  ORDER BY source_id, case_no;"
    "INSERT OR IGNORE INTO case_types(case_no, source_id, case_type)"
    "  SELECT c.case_no, v.source_id, v.case_type FROM cases_v1 v JOIN cases c USING (case_key)"
    "  WHERE v.case_type IS NOT NULL;"
    "INSERT INTO case_events(case_no, ts, ms, source_id, seq, activity, resource, lifecycle,"
    "    role, grp)"
    "  SELECT c.case_no, e.ts, e.ms, e.source_id, e.seq, e.activity, e.resource, e.lifecycle,"
    "    e.role, e.grp FROM case_events_v1 e JOIN cases_v1 v USING (source_id, case_no)"
    "    JOIN cases c ON c.case_key = v.case_key;"
    "INSERT INTO case_imports(source_id, events, already_known)"
    "  SELECT source_id, count(*), 0 FROM case_events_v1 GROUP BY source_id;"
    "DROP TABLE case_events_v1;"
    "DROP TABLE cases_v1;"
    "DROP TABLE case_names_v1;"
    /* For people with sqlite3: the merged log's rows, one per event per source, with names
     * and an ISO time (UTC). SELECT DISTINCT case_id, activity, time, resource, lifecycle
     * gives events held by several sources once. */
    "CREATE VIEW case_log AS SELECT"
    "  c.case_key AS case_id,"
    "  a.name AS activity,"
    "  strftime('%Y-%m-%dT%H:%M:%S', e.ts, 'unixepoch') || printf('.%03dZ', e.ms) AS time,"
    "  r.name AS resource,"
    "  l.name AS lifecycle,"
    "  o.name AS role,"
    "  g.name AS grp,"
    "  (SELECT min(n.name) FROM case_types t JOIN case_names n ON n.id = t.case_type"
    "    WHERE t.case_no = e.case_no) AS case_type,"
    "  e.source_id AS source_id,"
    "  e.seq AS seq"
    "  FROM case_events e JOIN cases c USING (case_no)"
    "  JOIN case_names a ON a.id = e.activity"
    "  LEFT JOIN case_names r ON r.id = e.resource"
    "  LEFT JOIN case_names l ON l.id = e.lifecycle"
    "  LEFT JOIN case_names o ON o.id = e.role"
    "  LEFT JOIN case_names g ON g.id = e.grp;";
