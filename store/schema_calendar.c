#include "store/migrations.h"

/* The calendar pipeline's tables: expanded meeting instances (the import window bounds the
 * expansion), their participants, and the series they belong to. The same meeting appears in
 * every attendee's export; all copies are kept (each belongs to its source) and the analysis
 * counts one per (UID, start). No descriptions, no locations (METRICS.md §4). */
const char maat_schema_calendar[] =
    /* One row per UID per source: the series key and its title (to name recurring series). */
    "CREATE TABLE cal_series ("
    "  id INTEGER PRIMARY KEY,"
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  uid TEXT NOT NULL,"
    "  summary TEXT"
    ") STRICT;"
    "CREATE INDEX cal_series_source ON cal_series(source_id);"
    /* One row per expanded instance (unix seconds UTC). */
    "CREATE TABLE cal_instances ("
    "  id INTEGER PRIMARY KEY,"
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  series_id INTEGER NOT NULL REFERENCES cal_series(id) ON DELETE CASCADE,"
    "  start INTEGER NOT NULL,"
    "  end INTEGER NOT NULL,"
    "  sequence INTEGER NOT NULL DEFAULT 0," /* the newest copy wins across exports */
    "  flags INTEGER NOT NULL DEFAULT 0"     /* 1 cancelled, 2 transparent, 4 all-day */
    ") STRICT;"
    "CREATE INDEX cal_instances_series ON cal_instances(series_id);"
    /* Participants of an instance: ROOM/RESOURCE and NON-PARTICIPANT already removed. */
    "CREATE TABLE cal_attendees ("
    "  instance_id INTEGER NOT NULL REFERENCES cal_instances(id) ON DELETE CASCADE,"
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  person TEXT NOT NULL,"               /* e-mail lower-cased, or a name (Outlook CSV) */
    "  partstat INTEGER NOT NULL DEFAULT 0" /* 0 accepted, 1 tentative, 2 no reply, 3 declined */
    ") STRICT;"
    /* cascades from cal_instances need this index; deleting a source scans once */
    "CREATE INDEX cal_attendees_instance ON cal_attendees(instance_id);";
