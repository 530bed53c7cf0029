#include "store/migrations.h"

/* Every org snapshot has a date (METRICS.md §1: --as-of, else a date column, else the import
 * date). Imports made before that rule held '' for "undated": they get the date they were
 * imported on, as a new import would. */
const char maat_schema_org_dates[] =
    "UPDATE org_imports SET as_of = (SELECT date(s.imported_at, 'unixepoch', 'localtime')"
    "  FROM sources s WHERE s.id = org_imports.source_id)"
    " WHERE as_of = '';";
