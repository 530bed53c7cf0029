#include "store/migrations.h"

/* The calendar pipeline's tables (filled in by the calendar importer's work). */
const char maat_schema_calendar[] = "";
