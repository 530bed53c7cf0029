#include "store/migrations.h"

/* The org pipeline's tables (filled in by the org importer's work). */
const char maat_schema_org[] = "";
