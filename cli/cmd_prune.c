#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "maatlat/i18n.h"
#include "maatlat/zone.h"
#include "maatlat/prune.h"

static const char *const help =
    N_("Retention: removes what is older than DATE (yyyy-mm-dd, 00:00 in the zone of --tz):\n"
       "case events before it (and cases left without events), meeting instances starting\n"
       "before it, and the org-chart snapshots superseded before it (the snapshot in force on\n"
       "DATE, the latest one on or before it, stays; undated ones stay), with the names, series\n"
       "and participant lists only they used. One transaction; the store is then vacuumed and\n"
       "its WAL truncated, so the removed rows are gone from the files. `maatlat sources`\n"
       "lists the prune and what each source lost.\n"
       "\n"
       "  --before DATE   the first day to keep (required)\n"
       "  --tz ZONE       the zone of DATE (default Europe/Amsterdam)\n");

int
cmd_prune(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"before", required_argument, NULL, 'b'},
	    {"tz", required_argument, NULL, 'z'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *before = NULL, *tz = NULL;
	maat_prune_counts n = {0};
	maat_err err = {0};
	maat_db *db = NULL;
	int64_t cutoff = 0;
	int status = 0, c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			before = optarg;
			break;
		case 'z':
			tz = optarg;
			break;
		case 'h':
			return cli_help("prune", _(help));
		default:
			return cli_usage_error(cli, "prune", _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind < argc) {
		return cli_usage_error(cli, "prune", _("unexpected argument '%s'"), argv[optind]);
	}
	if (before == NULL) {
		return cli_usage_error(cli, "prune", "%s", _("--before DATE is required"));
	}
	if (tz != NULL && !maat_zone_valid(tz)) {
		return cli_usage_error(cli, "prune", _("--tz: unknown time zone '%s'"), tz);
	}
	if (strlen(before) != 10 || maat_zone_date_to_utc(before, tz, 0, &cutoff, &err) < 0) {
		return cli_usage_error(cli, "prune", _("--before: not a date (yyyy-mm-dd): '%s'"),
				       before);
	}
	if ((db = cli_open_db(cli, 0, &status)) == NULL) {
		maat_zone_cleanup();
		return status;
	}
	if (maat_prune(db, before, cutoff, &n, &err) < 0) {
		status = cli_fail(cli, &err);
	} else {
		printf(_("Pruned before %s: %lld case events (%lld cases left without events), "
			 "%lld meeting instances, %lld superseded org snapshot files (%lld rows); "
			 "store vacuumed.\n"),
		       before, (long long)n.case_events, (long long)n.cases,
		       (long long)n.meeting_instances, (long long)n.org_sources,
		       (long long)n.org_rows);
	}
	maat_db_close(db);
	maat_zone_cleanup();
	return status;
}
