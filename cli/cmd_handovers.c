#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "maatlat/handovers.h"
#include "maatlat/i18n.h"
#include "maatlat/json.h"

/* Rows of the per-case and pair tables shown on the terminal; --json and the workbook give
 * all of them. */
#define SHOW_ROWS 20

int
cmd_handovers(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"max-handovers", required_argument, NULL, 'm'},
	    {"idle-days", required_argument, NULL, 'i'},
	    {"approval-pattern", required_argument, NULL, 'a'},
	    {"as-of", required_argument, NULL, 's'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	maat_handovers_opts o;
	maat_handovers *h = NULL;
	maat_err err = {0};
	maat_db *db = NULL;
	bool json = false;
	int status = 0, c;

	maat_handovers_opts_init(&o);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (!cli_parse_int(cli, "handovers", "--max-handovers", optarg,
					   &o.max_handovers)) {
				return MAAT_E_USAGE;
			}
			break;
		case 'i':
			if (!cli_parse_double(cli, "handovers", "--idle-days", optarg,
					      &o.idle_days)) {
				return MAAT_E_USAGE;
			}
			break;
		case 'a':
			o.approval_pattern = optarg;
			break;
		case 's':
			o.as_of = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return cli_help(
			    "handovers",
			    _("Reads the imported case logs (and the org chart, when imported) "
			      "and\n"
			      "reports, as defined in METRICS.md section 3:\n"
			      "  successions and handovers between resources (PM4Py's handover of\n"
			      "  work, self-successions included), handovers per case, cases "
			      "finished\n"
			      "  by whoever picked them up, ping-pong (A->B->A) and returns on "
			      "work\n"
			      "  segments, sign-off round trips (A->B for the paraaf->A) apart, "
			      "idle\n"
			      "  dossiers, throughput (median, p90, max in days), escalations up,\n"
			      "  down or sideways the management line, and observed sign-offs.\n"
			      "All imported case logs are one log: a case id is one case across "
			      "files,\n"
			      "an event found in several files counts once, rows repeated inside "
			      "one\n"
			      "file all count (as PM4Py); both are reported. Resources are "
			      "trimmed\n"
			      "and compared case-insensitively; merged spellings are listed.\n\n"
			      "  --max-handovers N        a case is over the cap above N (default "
			      "2)\n"
			      "  --idle-days D            a gap over D days is idle (default 14)\n"
			      "  --as-of DATE             join the org snapshot of DATE (the "
			      "latest\n"
			      "                           on or before it); default: each event\n"
			      "                           joins the snapshot in force on its date\n"
			      "  --approval-pattern RE    sign-off activities, POSIX extended,\n"
			      "                           case-insensitive; '' = no sign-offs\n"
			      "                           (default: at the start of a word, "
			      "paraaf,\n"
			      "                           paraf, akkoord, goedkeur, fiat, approv,\n"
			      "                           sign-off/signoff/sign off, onderteken)\n"
			      "  --json                   one JSON object on stdout\n"));
		default:
			return cli_usage_error(cli, "handovers", _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind < argc) {
		return cli_usage_error(cli, "handovers", _("unexpected argument '%s'"),
				       argv[optind]);
	}
	if ((db = cli_open_db(cli, 0, &status)) == NULL) {
		return status;
	}
	o.keep_cases = !json;
	o.top_cases = SHOW_ROWS;
	if (maat_handovers_compute(db, &o, &h, &err) < 0) {
		status = cli_fail(cli, &err);
		goto out;
	}
	/* what joined the org chart: warned on stderr, so --json users see it too */
	for (size_t i = 0; i < h->nambiguous_resources; i++) {
		cli_warn(cli,
			 _("resource '%s' matches several people in the org chart; it joins "
			   "nobody (direction unknown)"),
			 h->ambiguous_resources[i]);
	}
	if (h->have_org && h->resources_used > 0 && h->resources_matched * 2 < h->resources_used) {
		cli_warn(cli,
			 _("only %lld of %lld resources found in the org chart; likely causes: "
			   "one side pseudonymised and the other not, or another id scheme "
			   "(personnel numbers in one, names or e-mails in the other)"),
			 (long long)h->resources_matched, (long long)h->resources_used);
	}
	if (json) {
		if (maat_handovers_json_write(h, stdout) < 0) {
			status = MAAT_E_IO;
		}
		goto out;
	}
	if (h->cases == 0) {
		printf("%s\n", _("No case log imported yet (maatlat import cases FILE)."));
		goto out;
	}
	if (cli_print_table(maat_handovers_summary_table(h)) < 0 ||
	    cli_print_table(maat_handovers_pair_table(h, SHOW_ROWS)) < 0 ||
	    cli_print_table(maat_handovers_case_table(h, SHOW_ROWS)) < 0 ||
	    cli_print_table(maat_handovers_activity_table(h)) < 0 ||
	    cli_print_table(maat_handovers_unit_table(h)) < 0) {
		status = MAAT_E_IO;
		goto out;
	}
	if (h->npairs > SHOW_ROWS || h->cases > SHOW_ROWS) {
		printf(_("Pairs and cases: the first %d shown (cases with most handovers first); "
			 "--json or the workbook give all.\n"),
		       SHOW_ROWS);
	}
	if (h->nmerged_spellings > 0) {
		printf("%s\n", _("Resources written in more than one way, counted as one person:"));
		for (size_t i = 0; i < h->nmerged_spellings; i++) {
			printf("  %s\n", h->merged_spellings[i]);
		}
	}
	if (h->duplicates_within > 0 || h->duplicates_across > 0) {
		printf(_("Repeated events: %lld repeated within one file (all counted, as PM4Py "
			 "does); %lld copies also in another file (counted once).\n"),
		       (long long)h->duplicates_within, (long long)h->duplicates_across);
	}
	if (h->have_org) {
		printf(_("%lld of %lld resources found in the org chart"),
		       (long long)h->resources_matched, (long long)h->resources_used);
		printf(h->norg_snapshots == 1 ? _("; org snapshot %s") : _("; org snapshots %s"),
		       h->org_snapshots[0][0] ? h->org_snapshots[0] : _("(undated)"));
		for (size_t i = 1; i < h->norg_snapshots; i++) {
			printf(", %s",
			       h->org_snapshots[i][0] ? h->org_snapshots[i] : _("(undated)"));
		}
		printf("%s\n", h->norg_snapshots > 1
				   ? _(" (each event joins the one in force on its date; --as-of "
				       "to pin one)")
				   : ".");
	}
	if (!h->have_org) {
		printf("%s\n", _("No org chart imported: handover directions are unknown."));
	}
out:
	maat_handovers_free(h);
	maat_db_close(db);
	return status;
}
