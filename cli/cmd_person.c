#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include <stdlib.h>

#include "maatlat/i18n.h"
#include "maatlat/pseudonym.h"
#include "maatlat/util.h"
#include "maatlat/json.h"
#include "maatlat/person.h"

static int
print_json(const maat_person *p, const char *id)
{
	json_t *root = json_object(), *keys = json_array(), *tables = json_object();
	int rc;
	for (size_t k = 0; k < p->nkeys; k++) {
		json_array_append_new(keys, json_string(p->keys[k]));
	}
	for (size_t i = 0; i < p->nmatches; i++) {
		json_object_set_new(tables, p->matches[i].table,
				    maat_table_to_json(p->matches[i].rows));
	}
	json_object_set_new(root, "person", json_string(id));
	json_object_set_new(root, "keys", keys);
	json_object_set_new(root, "rows", json_integer((json_int_t)p->nrows));
	json_object_set_new(root, "tables", tables);
	rc = maat_json_print(root, stdout);
	json_decref(root);
	return rc;
}

int
cmd_person(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},         {"pseudonymise", no_argument, NULL, 'P'},
	    {"pseudonymize", no_argument, NULL, 'P'}, {"key-file", required_argument, NULL, 'K'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	const char *key_file = NULL;
	bool want_pseudo = false;
	char *id = NULL;
	maat_err err = {0};
	maat_person *p = NULL;
	maat_db *db = NULL;
	bool json = false;
	int status = 0, c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'P':
			want_pseudo = true;
			break;
		case 'K':
			key_file = optarg;
			want_pseudo = true;
			break;
		case 'h':
			return cli_help(
			    "person",
			    _("Prints every stored row that mentions the person: the ID given,\n"
			      "and the id, e-mail and name of the org-chart row it matches, in\n"
			      "any table (case-insensitive), and stored messages that mention\n"
			      "them. With --pseudonymise at import, give the pseudonym.\n"));
		default:
			return cli_usage_error(cli, "person", _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind + 1 != argc) {
		return cli_usage_error(cli, "person", _("give exactly one ID"));
	}
	if ((id = cli_person_key(cli, want_pseudo, key_file, argv[optind], &status)) == NULL) {
		return status;
	}
	if ((db = cli_open_db(cli, 0, &status)) == NULL) {
		free(id);
		return status;
	}
	if ((p = maat_person_find(db, id, &err)) == NULL) {
		status = cli_fail(cli, &err);
		goto out;
	}
	if (json) {
		status = print_json(p, id) < 0 ? MAAT_E_IO : 0;
		goto out;
	}
	if (p->nrows == 0) {
		printf(_("Nothing stored about '%s'.\n"), id);
		goto out;
	}
	printf(_("Stored about '%s' (matched on: "), id);
	for (size_t k = 0; k < p->nkeys; k++) {
		printf("%s%s", k ? ", " : "", p->keys[k]);
	}
	printf(_("): %zu rows\n\n"), p->nrows);
	for (size_t i = 0; i < p->nmatches; i++) {
		if (maat_table_print(p->matches[i].rows, stdout) < 0) {
			status = MAAT_E_IO;
			goto out;
		}
		fputc('\n', stdout);
	}
out:
	maat_person_free(p);
	maat_db_close(db);
	free(id);
	return status;
}
