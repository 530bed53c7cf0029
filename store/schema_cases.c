#include "store/migrations.h"

/* The cases pipeline's tables (filled in by the cases importer's work). */
const char maat_schema_cases[] = "";
