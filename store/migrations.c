#include "maatlat/db.h"
#include "store/migrations.h"

const char *const maat_migrations[] = {
    maat_schema_core,
    maat_schema_org,
    maat_schema_calendar,
    maat_schema_cases,
    maat_schema_terms,
    maat_schema_org_dates,
    maat_schema_cases_merged,
    maat_schema_sources_real_path,
    maat_schema_calendar_versions,
};

int
maat_db_schema_latest(void)
{
	return (int)(sizeof(maat_migrations) / sizeof(maat_migrations[0]));
}
