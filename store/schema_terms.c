#include "store/migrations.h"

/* Decision terms (METRICS.md §5): one row per case type of a terms file, and the holidays that
 * working days skip. Settings, not people: nothing here names a person. */
const char maat_schema_terms[] =
    /* A terms row: the term of a case type and the activity patterns that start, end, suspend
     * and resume its clock (NULL = the default of METRICS.md §5). */
    "CREATE TABLE case_terms ("
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  line INTEGER NOT NULL,"
    "  case_type TEXT NOT NULL," /* '*' = every type without a row of its own */
    "  term_days INTEGER NOT NULL CHECK (term_days > 0),"
    "  day_kind TEXT NOT NULL CHECK (day_kind IN ('calendar', 'working')),"
    "  start_pattern TEXT,"
    "  end_pattern TEXT,"
    "  suspend_pattern TEXT,"
    "  resume_pattern TEXT,"
    "  PRIMARY KEY (source_id, line)"
    ") STRICT, WITHOUT ROWID;"
    /* The dates working days skip besides Saturdays and Sundays (import terms --holidays). */
    "CREATE TABLE term_holidays ("
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  day TEXT NOT NULL," /* yyyy-mm-dd */
    "  PRIMARY KEY (source_id, day)"
    ") STRICT, WITHOUT ROWID;";
