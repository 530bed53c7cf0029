#include "store/migrations.h"

/* The org pipeline's tables. Only the columns a figure needs are kept (METRICS.md §4): name,
 * title, unit and e-mail to show and match people, grade and role for reports, FTE and
 * employment for spans and the external share. */
const char maat_schema_org[] =
    /* One row per imported org-chart file: the snapshot it belongs to and how it was read. */
    "CREATE TABLE org_imports ("
    "  source_id INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,"
    "  as_of TEXT NOT NULL DEFAULT ''," /* yyyy-mm-dd, or '' when the import gave none */
    "  format TEXT NOT NULL,"           /* csv, organogram-senior, organogram-junior */
    /* the rowids of the file's rows in org_rows: one import is one transaction, so they
     * are contiguous, and a snapshot loads by rowid range without a secondary index */
    "  first_row INTEGER NOT NULL DEFAULT 0,"
    "  last_row INTEGER NOT NULL DEFAULT -1"
    ") STRICT;"
    "CREATE INDEX org_imports_as_of ON org_imports(as_of);"
    /* One row per person, post or aggregate row, in file order (rowid order: appending is the
     * cheapest insert SQLite has). */
    "CREATE TABLE org_rows ("
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  line INTEGER NOT NULL," /* the physical line in the file */
    "  id TEXT NOT NULL,"      /* trimmed; normalised under --normalise-ids */
    "  manager TEXT,"          /* NULL for a top post (empty, XX, 0, -1) */
    "  name TEXT,"
    "  title TEXT,"
    "  unit TEXT,"
    "  email TEXT," /* lower-cased */
    "  grade TEXT,"
    "  role TEXT,"                           /* management, policy, execution, support */
    "  fte REAL NOT NULL,"                   /* 1.0 when the file gives none */
    "  employment INTEGER,"                  /* NULL unknown, 0 internal, 1 external */
    "  aggregate INTEGER NOT NULL DEFAULT 0" /* 1: F FTE of staff under one post */
    ") STRICT;"
    /* Who signs which decision: holder_kind layer (holder = N), title or id. */
    "CREATE TABLE org_mandates ("
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  line INTEGER NOT NULL,"
    "  decision_type TEXT NOT NULL,"
    "  holder_kind TEXT NOT NULL CHECK (holder_kind IN ('layer', 'title', 'id')),"
    "  holder TEXT NOT NULL,"
    "  PRIMARY KEY (source_id, line)"
    ") STRICT, WITHOUT ROWID;";
