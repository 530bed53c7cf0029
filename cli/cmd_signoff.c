#include <getopt.h>
#include <math.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/org_common.h"
#include "maatlat/i18n.h"
#include "maatlat/json.h"
#include "maatlat/signoff.h"

int
cmd_signoff(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"decision", required_argument, NULL, 'd'}, {"cap", required_argument, NULL, 'c'},
	    {"as-of", required_argument, NULL, 'a'},    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
	};
	int cap = MAAT_SIGNOFF_CAP_DEFAULT;
	const char *as_of = NULL, *decision = NULL;
	bool json = false;
	maat_err err = {0};
	maat_org_snapshots snaps = {0};
	maat_org *org = NULL;
	maat_mandate *m = NULL;
	size_t nm = 0;
	maat_signoff *s = NULL;
	maat_db *db = NULL;
	int status = 0, c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			decision = optarg;
			break;
		case 'c':
			if (!cli_parse_int(cli, "signoff", "--cap", optarg, &cap)) {
				return MAAT_E_USAGE;
			}
			break;
		case 'a':
			if (!cli_valid_date(optarg)) {
				return cli_usage_error(cli, "signoff",
						       _("--as-of: not a date (yyyy-mm-dd): '%s'"),
						       optarg);
			}
			as_of = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return cli_help("signoff",
					_("Formal sign-off chains: for every person, the number of "
					  "managers who\n"
					  "initial a decision before the mandate holder signs it "
					  "(layer(person) -\n"
					  "layer(holder)). Holders come from `maatlat import "
					  "mandates`; without\n"
					  "them the holder is the top. --cap N (default 3) lists "
					  "the people whose\n"
					  "chain is longer; --decision TYPE shows one decision "
					  "type; --as-of DATE\n"
					  "uses the latest org snapshot on or before DATE.\n"));
		default:
			return cli_usage_error(cli, "signoff", _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind < argc) {
		return cli_usage_error(cli, "signoff", _("unexpected argument '%s'"), argv[optind]);
	}
	if ((db = cli_open_db(cli, 0, &status)) == NULL) {
		return status;
	}
	if ((status = cli_org_load(cli, db, as_of, 0, &org, &snaps)) != 0) {
		goto out;
	}
	if (maat_mandates_load(db, &m, &nm, &err) < 0) {
		status = cli_fail(cli, &err);
		goto out;
	}
	s = maat_signoff_compute(org, m, nm, decision, cap);
	if (decision != NULL && maat_signoff_ntypes(s) == 0) {
		status = cli_usage_error(cli, "signoff",
					 nm ? _("--decision: no mandate for decision type '%s'")
					    : _("--decision: no mandates imported (decision type "
						"'%s'); use maatlat import mandates FILE"),
					 decision);
		goto out;
	}
	if (json) {
		json_t *o = maat_signoff_json(s);
		cli_org_json_snapshots(o, &snaps, org->as_of);
		if (maat_json_print(o, stdout) < 0) {
			status = MAAT_E_IO;
		}
		json_decref(o);
	} else {
		double mean = maat_signoff_top_mean(s);
		printf(_("Org chart as of %s; cap %d (chains longer than %d are listed); %s\n"),
		       *org->as_of ? org->as_of : _("(undated)"), cap, cap,
		       nm ? _("holders from the mandates file")
			  : _("no mandates imported: the holder is the top"));
		cli_org_print_snapshot(&snaps, org->as_of);
		fputc('\n', stdout);
		if (isnan(mean)) {
			printf(_("  chain to the top: no people\n\n"));
		} else {
			printf(_("  chain to the top: mean %.2f, max %d\n\n"), mean,
			       maat_signoff_top_max(s));
		}
		rc = cli_print_table(maat_signoff_types_table(s));
		rc |= cli_print_table(maat_signoff_units_table(s));
		rc |= cli_print_table(maat_signoff_over_cap_table(s));
		if (rc != 0) {
			status = MAAT_E_IO;
		}
	}
	if (fflush(stdout) != 0) {
		status = MAAT_E_IO;
	}
out:
	maat_signoff_free(s);
	maat_mandates_free(m, nm);
	maat_org_free(org);
	maat_org_snapshots_fini(&snaps);
	maat_db_close(db);
	return status;
}
