#include "store/migrations.h"

/* The calendar pipeline's tables. The same meeting appears in every attendee's export, so the
 * expanded instances are stored once per distinct content (UID, start, end, SEQUENCE, flags,
 * participants) and each export that holds a copy gets a row in cal_refs. Only cal_refs carries
 * the source (ON DELETE CASCADE); the shared rows (series keys, participant lists, instances)
 * belong to no single source, so they have no source_id: a trigger removes those no export
 * references any more when a calendar source is deleted (--replace), so deleting a source
 * still leaves exactly what the remaining sources hold. The analysis counts one copy per
 * (UID, start): the highest SEQUENCE, then the earliest import (min source in cal_refs).
 * No descriptions, no locations (METRICS.md §4). */
const char maat_schema_calendar[] =
    /* Series keys (UID) and their title (the first one imported), shared by all exports.
     * No index on uid (nor on digest below): an import keeps all of them in memory, and index
     * pages at random places would be rewritten to the WAL by every file's commit. */
    "CREATE TABLE cal_uids ("
    "  id INTEGER PRIMARY KEY,"
    "  uid TEXT NOT NULL,"
    "  summary TEXT"
    ") STRICT;"
    /* Participant lists, stored once per distinct list (digest: BLAKE2b-128 of the sorted
     * list), with ROOM/RESOURCE, NON-PARTICIPANT and decliners already removed. */
    "CREATE TABLE cal_partsets ("
    "  id INTEGER PRIMARY KEY,"
    "  digest BLOB NOT NULL"
    ") STRICT;"
    "CREATE TABLE cal_partset_members ("
    "  set_id INTEGER NOT NULL REFERENCES cal_partsets(id) ON DELETE CASCADE,"
    "  pos INTEGER NOT NULL,"
    "  person TEXT NOT NULL,"                /* e-mail lower-cased, or a name (Outlook CSV) */
    "  partstat INTEGER NOT NULL DEFAULT 0," /* 0 accepted, 1 tentative, 2 no reply */
    "  PRIMARY KEY (set_id, pos)"
    ") STRICT, WITHOUT ROWID;"
    /* One row per distinct expanded instance (unix seconds UTC). uid_id and partset_id point
     * into the shared tables (no foreign key: a delete would scan this table per parent row;
     * the trigger below keeps them consistent). */
    "CREATE TABLE cal_instances ("
    "  id INTEGER PRIMARY KEY,"
    "  uid_id INTEGER NOT NULL,"
    "  start INTEGER NOT NULL,"
    "  end INTEGER NOT NULL,"
    "  sequence INTEGER NOT NULL DEFAULT 0," /* the newest copy wins across exports */
    "  flags INTEGER NOT NULL DEFAULT 0,"    /* 1 cancelled, 2 transparent, 4 all-day */
    "  partset_id INTEGER NOT NULL"
    ") STRICT;"
    "CREATE UNIQUE INDEX cal_instances_content"
    "  ON cal_instances(uid_id, start, end, sequence, flags, partset_id);"
    /* Which export holds a copy of which instance, clustered by source: an import appends,
     * a deleted source's rows are one range. (instance_id has no foreign key: the cascade
     * check would scan this table for every instance the trigger removes.) */
    "CREATE TABLE cal_refs ("
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  instance_id INTEGER NOT NULL,"
    "  PRIMARY KEY (source_id, instance_id)"
    ") STRICT, WITHOUT ROWID;"
    /* Deleting a calendar source: its references go (first, whatever order SQLite runs the
     * cascade in), then whatever nobody references any more. */
    "CREATE TRIGGER cal_source_deleted AFTER DELETE ON sources WHEN OLD.kind = 'calendar' "
    "BEGIN"
    "  DELETE FROM cal_refs WHERE source_id = OLD.id;"
    "  DELETE FROM cal_instances WHERE id NOT IN (SELECT instance_id FROM cal_refs);"
    "  DELETE FROM cal_partsets WHERE id NOT IN (SELECT partset_id FROM cal_instances);"
    "  DELETE FROM cal_uids WHERE id NOT IN (SELECT uid_id FROM cal_instances);"
    "END;";

/* Versions across exports (METRICS.md §2): the same meeting in several mailboxes' exports
 * resolves per series and per instance by the highest SEQUENCE, then the newest DTSTAMP.
 * - cal_instances.orig: the instance's RECURRENCE-ID (its original start), the key it is
 *   matched on across exports (NULL in stores from before: the start);
 * - flags 8 (from an override) and 16 (a tombstone: an instance the export's master removes
 *   with EXDATE, kept so a newer export's EXDATE beats an older export's copy);
 * - cal_refs.dtstamp: the DTSTAMP of the component the export's copy came from;
 * - cal_masters: per export and series the version (SEQUENCE, DTSTAMP) of its master, so an
 *   older export's expansion of a series that changed since is not counted;
 * - cal_exports: per export its export time (newest DTSTAMP, else the import time: the
 *   default window ends before it) and the window the import expanded series in (NULL = not
 *   cut on that side). */
const char maat_schema_calendar_versions[] =
    "ALTER TABLE cal_instances ADD COLUMN orig INTEGER;"
    "DROP INDEX cal_instances_content;"
    "CREATE UNIQUE INDEX cal_instances_content"
    "  ON cal_instances(uid_id, start, end, sequence, flags, partset_id, orig);"
    "ALTER TABLE cal_refs ADD COLUMN dtstamp INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE cal_masters ("
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  uid_id INTEGER NOT NULL,"
    "  sequence INTEGER NOT NULL,"
    "  dtstamp INTEGER NOT NULL,"
    "  PRIMARY KEY (source_id, uid_id)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE cal_exports ("
    "  source_id INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,"
    "  exported INTEGER NOT NULL,"
    "  exported_by TEXT NOT NULL CHECK (exported_by IN ('dtstamp', 'import')),"
    "  win_from INTEGER,"
    "  win_to INTEGER"
    ") STRICT;"
    "DROP TRIGGER cal_source_deleted;"
    "CREATE TRIGGER cal_source_deleted AFTER DELETE ON sources WHEN OLD.kind = 'calendar' "
    "BEGIN"
    "  DELETE FROM cal_refs WHERE source_id = OLD.id;"
    "  DELETE FROM cal_masters WHERE source_id = OLD.id;"
    "  DELETE FROM cal_instances WHERE id NOT IN (SELECT instance_id FROM cal_refs);"
    "  DELETE FROM cal_partsets WHERE id NOT IN (SELECT partset_id FROM cal_instances);"
    "  DELETE FROM cal_uids WHERE id NOT IN (SELECT uid_id FROM cal_instances)"
    "    AND id NOT IN (SELECT uid_id FROM cal_masters);"
    "END;";
