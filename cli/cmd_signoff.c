#include <getopt.h>
#include <math.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/org_common.h"
#include "maatlat/i18n.h"
#include "maatlat/json.h"
#include "maatlat/signoff.h"
#include "maatlat/workbook.h"

/* Privacy (METRICS.md §4): the per-unit figures of a unit under min_group are not shown; the
 * row stays, its numbers null and "suppressed": true. */
static void
suppress_json_units(json_t *units, int min_group)
{
	size_t i;
	json_t *u;
	json_array_foreach(units, i, u)
	{
		json_t *people = json_object_get(u, "people");
		const char *key;
		json_t *v;
		if (!json_is_integer(people) || json_integer_value(people) >= min_group) {
			continue;
		}
		json_object_foreach(u, key, v)
		{
			if (json_is_number(v)) {
				json_object_set_new(u, key, json_null());
			}
		}
		json_object_set_new(u, "suppressed", json_true());
	}
}

static int
print_units(const maat_signoff *s, int min_group)
{
	maat_table *t = maat_signoff_units_table(s);
	size_t col = maat_report_col(t, "people"), n = 0;
	maat_table *shown = maat_report_suppress(t, col, (size_t)-1, min_group, &n);
	int rc;
	maat_table_free(t);
	rc = cli_print_table(shown);
	if (rc == 0 && n > 0) {
		printf(_("Units with fewer than %d people: figures not shown (%zu rows).\n\n"),
		       min_group, n);
	}
	return rc;
}

int
cmd_signoff(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"decision", required_argument, NULL, 'd'},
	    {"cap", required_argument, NULL, 'c'},
	    {"as-of", required_argument, NULL, 'a'},
	    {"json", no_argument, NULL, 'j'},
	    {"min-group", required_argument, NULL, 'g'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int min_group = MAAT_REPORT_MIN_GROUP_DEFAULT;
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
		case 'g':
			if (!cli_parse_int(cli, "signoff", "--min-group", optarg, &min_group)) {
				return MAAT_E_USAGE;
			}
			if (min_group < 1) {
				return cli_usage_error(cli, "signoff", _("%s: must be at least 1"),
						       "--min-group");
			}
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return cli_help(
			    "signoff",
			    _("Formal sign-off chains (METRICS.md section 1). Headline: the "
			      "initials\n"
			      "(parafen) a decision by a person collects before the mandate "
			      "holder\n"
			      "signs: the managers strictly between the person and the holder. "
			      "The\n"
			      "chain incl. the holder (layer(person) - layer(holder)) is shown "
			      "beside\n"
			      "it. Holders come from `maatlat import mandates` (layer:N, "
			      "title:TEXT,\n"
			      "id:ID: the first match walking up from the person); without them "
			      "the\n"
			      "holder is the top. People with no holder on their path (above the\n"
			      "holder's layer, or a rule that matches nobody) are counted as 'no\n"
			      "holder' and left out of the means; a rule that matches nobody "
			      "gives\n"
			      "null figures and a warning; people in or below a manager cycle are\n"
			      "left out, and said. --cap N (default 3) lists the people who "
			      "collect\n"
			      "more initials; --decision TYPE shows one decision type; --as-of "
			      "DATE\n"
			      "uses the latest org snapshot on or before DATE. Figures per unit "
			      "are\n"
			      "suppressed for units of fewer than --min-group people (default "
			      "5).\n"));
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
	for (size_t k = 0; k < maat_signoff_ntypes(s); k++) {
		const maat_signoff_type *f = maat_signoff_type_get(s, k);
		if (!f->holder_found) {
			cli_warn(cli,
				 _("warning: decision type '%s': the holder rule %s matches nobody "
				   "in the chart of %s: its figures are null"),
				 f->decision_type, f->holder, org->as_of);
		}
	}
	if (maat_signoff_left_out(s) > 0) {
		cli_warn(
		    cli,
		    dngettext("maatlat",
			      "warning: %zu person in or below a manager cycle has no layer and "
			      "is left out (maatlat layers lists the cycle)",
			      "warning: %zu people in or below a manager cycle have no layer and "
			      "are left out (maatlat layers lists the cycles)",
			      maat_signoff_left_out(s)),
		    maat_signoff_left_out(s));
	}
	if (json) {
		json_t *o = maat_signoff_json(s);
		suppress_json_units(json_object_get(o, "units"), min_group);
		cli_org_json_snapshots(o, &snaps, org->as_of);
		if (maat_json_print(o, stdout) < 0) {
			status = MAAT_E_IO;
		}
		json_decref(o);
	} else {
		double mean = maat_signoff_top_mean(s);
		printf(_("Org chart as of %s; cap %d initials (people who collect more are "
			 "listed); %s\n"),
		       *org->as_of ? org->as_of : _("(undated)"), cap,
		       nm ? _("holders from the mandates file")
			  : _("no mandates imported: the holder is the top"));
		cli_org_print_snapshot(&snaps, org->as_of);
		fputc('\n', stdout);
		if (isnan(mean)) {
			printf(_("  chain to the top: no people\n\n"));
		} else {
			char num[64];
			printf(_("  chain to the top: mean %s, max %d\n\n"),
			       maat_i18n_real(num, sizeof(num), mean, 2), maat_signoff_top_max(s));
		}
		printf(_("  initials: the managers strictly between a person and the mandate "
			 "holder,\n  who initial before the holder signs; the chain incl. holder "
			 "counts the\n  holder too. People with no holder on their path are "
			 "counted apart.\n\n"));
		rc = cli_print_table(maat_signoff_types_table(s));
		rc |= print_units(s, min_group);
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
