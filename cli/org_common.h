/* Helpers shared by the org commands (import org, import mandates, layers, signoff). */
#ifndef MAAT_CLI_ORG_COMMON_H
#define MAAT_CLI_ORG_COMMON_H

#include <stdbool.h>

#include <jansson.h>

#include "cli/cli.h"
#include "maatlat/org.h"

/* True when s is a valid calendar date yyyy-mm-dd. */
bool cli_valid_date(const char *s);

/* Loads the snapshot `--as-of as_of` picks (the latest on or before it; NULL = the latest) into
 * *out, and the list of all snapshots into *snaps (caller finis it, also on failure). Returns 0,
 * or an exit status after printing why: no org chart at all, or a date before the first
 * snapshot (naming the first one). */
int cli_org_load(const maat_cli *cli, maat_db *db, const char *as_of, unsigned flags,
		 maat_org **out, maat_org_snapshots *snaps);

/* Prints "snapshot D; N other snapshots, --as-of to choose" (or that D is the only one). */
void cli_org_print_snapshot(const maat_org_snapshots *snaps, const char *used);

/* Sets as_of (the snapshot used), snapshots (every date, oldest first) and other_snapshots in
 * a JSON object. */
void cli_org_json_snapshots(json_t *o, const maat_org_snapshots *snaps, const char *used);

#endif
