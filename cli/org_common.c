/* What the org commands share: loading the snapshot --as-of asks for, and saying which one was
 * used and how many others the store holds (METRICS.md §1, issue 11). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/org_common.h"
#include "maatlat/i18n.h"
#include "maatlat/util.h"

int
cli_org_load(const maat_cli *cli, maat_db *db, const char *as_of, unsigned flags, maat_org **out,
	     maat_org_snapshots *snaps)
{
	maat_err err = {0};
	ssize_t k;
	int rc;

	*out = NULL;
	if ((rc = maat_org_snapshots_list(db, snaps, &err)) < 0) {
		return cli_fail(cli, &err);
	}
	if (snaps->n == 0) {
		cli_error(cli, _("no org chart imported: use maatlat import org FILE"));
		return MAAT_E_NOINPUT;
	}
	k = maat_org_snapshots_as_of(snaps, as_of);
	if (k < 0) {
		/* TRANSLATORS: --as-of DATE before the first org snapshot */
		cli_error(cli,
			  _("no org snapshot on or before %s: the first snapshot in the store is "
			    "of %s (--as-of %s or later; maatlat sources lists them)"),
			  as_of, snaps->dates[0], snaps->dates[0]);
		return MAAT_E_NOINPUT;
	}
	rc = maat_org_load_snapshot(db, snaps->dates[k], flags, out, &err);
	if (rc < 0) {
		return cli_fail(cli, &err);
	}
	if (rc == 1) {
		/* the snapshot went away between the two reads (a concurrent --replace) */
		cli_error(cli, _("org snapshot %s is no longer in the store; run again"),
			  snaps->dates[k]);
		return MAAT_E_NOINPUT;
	}
	return 0;
}

void
cli_org_print_snapshot(const maat_org_snapshots *snaps, const char *used)
{
	size_t others = snaps->n > 0 ? snaps->n - 1 : 0;
	if (others == 0) {
		printf(_("snapshot %s (the only one in the store)\n"), used);
	} else {
		printf(dngettext("maatlat", "snapshot %s; %zu other snapshot, --as-of to choose\n",
				 "snapshot %s; %zu other snapshots, --as-of to choose\n", others),
		       used, others);
	}
}

void
cli_org_json_snapshots(json_t *o, const maat_org_snapshots *snaps, const char *used)
{
	json_t *all = json_array();
	for (size_t i = 0; i < snaps->n; i++) {
		json_array_append_new(all, json_string(snaps->dates[i]));
	}
	json_object_set_new(o, "as_of", json_string(used));
	json_object_set_new(o, "snapshots", all);
	json_object_set_new(o, "other_snapshots",
			    json_integer(snaps->n > 0 ? (json_int_t)snaps->n - 1 : 0));
}
