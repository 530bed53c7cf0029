#include "store/migrations.h"

const char maat_schema_core[] =
    /* One row per imported file: what every report lists as its sources. */
    "CREATE TABLE sources ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL," /* org, mandates, calendar, cases */
    "  path TEXT NOT NULL," /* as given on the command line */
    "  sha256 TEXT NOT NULL,"
    "  rows_read INTEGER NOT NULL DEFAULT 0,"
    "  rows_rejected INTEGER NOT NULL DEFAULT 0,"
    "  imported_at INTEGER NOT NULL," /* unix seconds UTC */
    "  options TEXT NOT NULL DEFAULT ''"
    ") STRICT;"
    "CREATE INDEX sources_kind_sha ON sources(kind, sha256);"
    /* Anomalies and skipped rows, tied to a source and a line: the evidence behind findings. */
    "CREATE TABLE source_messages ("
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  line INTEGER,"
    "  severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'error')),"
    "  message TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX source_messages_source ON source_messages(source_id);";

/* Issue 19: --replace knows a file by its real path (symbolic links and relative paths
 * resolved), not by the string typed; NULL for standard input and for sources imported before
 * this migration (those are matched by path as before). */
const char maat_schema_sources_real_path[] = "ALTER TABLE sources ADD COLUMN real_path TEXT;"
					     "CREATE INDEX sources_kind_real_path ON sources(kind, "
					     "real_path);";
