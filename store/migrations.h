/* The store's schema, one migration per step of PRAGMA user_version (internal to store/). */
#ifndef MAAT_MIGRATIONS_H
#define MAAT_MIGRATIONS_H

/* migrations[v] takes the schema from version v to v + 1; maat_db_schema_latest() entries. */
extern const char *const maat_migrations[];

/* Each pipeline's tables, in a file of its own (schema_<module>.c) so modules do not collide.
 * Rules for every data table: STRICT; a source_id INTEGER NOT NULL REFERENCES sources(id)
 * ON DELETE CASCADE (so replacing or forgetting a source removes its rows); timestamps are
 * INTEGER unix seconds UTC. Once a migration has shipped it never changes: add a new one. */
extern const char maat_schema_core[];
extern const char maat_schema_org[];
extern const char maat_schema_calendar[];
extern const char maat_schema_cases[];
extern const char maat_schema_terms[];
extern const char maat_schema_org_dates[];
extern const char maat_schema_calendar_versions[];
extern const char maat_schema_cases_merged[];
extern const char maat_schema_sources_real_path[];

#endif
