#include <getopt.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "maatlat/i18n.h"
#include "maatlat/json.h"
#include "maatlat/trend.h"

int
cmd_trend(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	maat_trend *t = NULL;
	maat_err err = {0};
	maat_db *db = NULL;
	bool json = false;
	int status = 0, c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			return cli_help(
			    "trend",
			    _("The same figures over time (METRICS.md section 6), each with the\n"
			      "change since the previous period:\n"
			      "  per org snapshot: people, FTE, layers, managers, manager share,\n"
			      "  mean span, thin managers, external FTE share, FTE per role; a\n"
			      "  snapshot is flagged when execution FTE fell while management or\n"
			      "  policy FTE grew (\"never cut on public service\"), with the "
			      "units\n"
			      "  and rows behind it;\n"
			      "  the role mix (FTE share per role, external share) per unit and "
			      "layer;\n"
			      "  per month of case start: cases, handovers per case, ping-pong "
			      "share,\n"
			      "  median throughput, share over the decision term;\n"
			      "  per month of meetings (a week counts in the month of its "
			      "Thursday):\n"
			      "  person-weeks, share over the cap, mean hours.\n\n"
			      "  --json   one JSON object on stdout\n"));
		default:
			return cli_usage_error(cli, "trend", _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind < argc) {
		return cli_usage_error(cli, "trend", _("unexpected argument '%s'"), argv[optind]);
	}
	if ((db = cli_open_db(cli, 0, &status)) == NULL) {
		return status;
	}
	if (maat_trend_compute(db, &t, &err) < 0) {
		status = cli_fail(cli, &err);
		goto out;
	}
	if (json) {
		json_t *j = maat_trend_json(t);
		if (maat_json_print(j, stdout) < 0) {
			status = MAAT_E_IO;
		}
		json_decref(j);
		goto out;
	}
	if (t->nsnapshots == 0 && t->ncase_months == 0 && t->nmeeting_months == 0) {
		printf("%s\n", _("Nothing imported yet: no org chart, case log or calendar."));
		goto out;
	}
	if ((t->nsnapshots > 0 && cli_print_table(maat_trend_snapshot_table(t)) < 0) ||
	    (t->nflag_rows > 0 && cli_print_table(maat_trend_flag_table(t)) < 0) ||
	    (t->nmix > 0 && cli_print_table(maat_trend_mix_table(t, MAAT_TREND_MIN_GROUP)) < 0) ||
	    (t->ncase_months > 0 && cli_print_table(maat_trend_case_month_table(t)) < 0) ||
	    (t->nmeeting_months > 0 && cli_print_table(maat_trend_meeting_month_table(t)) < 0)) {
		status = MAAT_E_IO;
	}
out:
	maat_trend_free(t);
	maat_db_close(db);
	return status;
}
