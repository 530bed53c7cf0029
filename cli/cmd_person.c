#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "maatlat/i18n.h"
#include "maatlat/json.h"
#include "maatlat/person.h"
#include "maatlat/pseudonym.h"
#include "maatlat/util.h"

/* Rows per section in the text output unless --limit says otherwise. */
#define DEFAULT_LIMIT 20

static const char *const help =
    N_("Subject access: everything the store holds about one person. ID is an org-chart id\n"
       "or e-mail, or a name that only one person has (a shared name is refused, with the\n"
       "candidates listed); a value in no org chart (a resource or attendee) is looked up\n"
       "as it is. Shown: their org rows in every snapshot, mandates held by their id, the\n"
       "case events with them as the resource (by id, e-mail or name), the meeting instances\n"
       "they take part in, and the meeting titles, source names and stored messages that\n"
       "name them. Counts first, then the rows.\n"
       "\n"
       "  --limit N        rows per section (default 20 in text, all in --json; 0 = all)\n"
       "  --json           one JSON object on stdout\n"
       "  --pseudonymise   the store was imported with --pseudonymise: give the real ID and\n"
       "                   the same key (--key-file FILE or $MAATLAT_KEY)\n");

static int
print_json(const maat_person *p, const char *who)
{
	json_t *root = json_object(), *keys = json_array(), *counts = json_object();
	json_t *tables = json_object();
	int rc;
	for (size_t k = 0; k < p->nkeys; k++) {
		json_array_append_new(keys, json_string(p->keys[k]));
	}
	for (size_t i = 0; i < p->nsections; i++) {
		json_object_set_new(counts, p->sections[i].key,
				    json_integer((json_int_t)p->sections[i].count));
		json_object_set_new(tables, p->sections[i].key,
				    maat_table_to_json(p->sections[i].rows));
	}
	json_object_set_new(root, "person", json_string(who));
	json_object_set_new(root, "id", p->id ? json_string(p->id) : json_null());
	json_object_set_new(root, "name", p->name ? json_string(p->name) : json_null());
	json_object_set_new(root, "email", p->email ? json_string(p->email) : json_null());
	json_object_set_new(root, "keys", keys);
	json_object_set_new(root, "rows", json_integer((json_int_t)p->nrows));
	json_object_set_new(root, "counts", counts);
	json_object_set_new(root, "tables", tables);
	rc = maat_json_print(root, stdout);
	json_decref(root);
	return rc;
}

static int
print_text(const maat_person *p, const char *who, size_t limit)
{
	if (p->nrows == 0) {
		printf(_("Nothing stored about '%s'.\n"), who);
		return 0;
	}
	if (p->id != NULL) {
		printf(_("Stored about '%s' (org-chart id %s%s%s%s%s):\n"), who, p->id,
		       p->name ? ", " : "", p->name ? p->name : "", p->email ? ", " : "",
		       p->email ? p->email : "");
	} else {
		printf(_("Stored about '%s' (in no org chart):\n"), who);
	}
	for (size_t i = 0; i < p->nsections; i++) {
		printf("  %-44s %8zu\n", maat_table_title(p->sections[i].rows),
		       p->sections[i].count);
	}
	putchar('\n');
	for (size_t i = 0; i < p->nsections; i++) {
		const maat_person_section *s = &p->sections[i];
		if (s->count == 0) {
			continue;
		}
		if (maat_table_print(s->rows, stdout) < 0) {
			return -1;
		}
		if (limit > 0 && s->count > limit) {
			printf(_("... %zu more (--limit 0 shows all)\n"), s->count - limit);
		}
		putchar('\n');
	}
	return 0;
}

int
cmd_person(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"limit", required_argument, NULL, 'l'},
	    {"pseudonymise", no_argument, NULL, 'P'},
	    {"pseudonymize", no_argument, NULL, 'P'},
	    {"key-file", required_argument, NULL, 'K'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *key_file = NULL;
	bool want_pseudo = false, json = false;
	char *id = NULL;
	maat_err err = {0};
	maat_person *p = NULL;
	maat_db *db = NULL;
	int status = 0, c, limit = -1;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'l':
			if (!cli_parse_int(cli, "person", "--limit", optarg, &limit)) {
				return MAAT_E_USAGE;
			}
			break;
		case 'P':
			want_pseudo = true;
			break;
		case 'K':
			key_file = optarg;
			want_pseudo = true;
			break;
		case 'h':
			return cli_help("person", _(help));
		default:
			return cli_usage_error(cli, "person", _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind + 1 != argc) {
		return cli_usage_error(cli, "person", _("give exactly one ID"));
	}
	if (limit < 0) {
		limit = json ? 0 : DEFAULT_LIMIT;
	}
	if ((id = cli_person_key(cli, want_pseudo, key_file, argv[optind], &status)) == NULL) {
		return status;
	}
	if ((db = cli_open_db(cli, 0, &status)) == NULL) {
		free(id);
		return status;
	}
	if ((p = maat_person_find(db, id, (size_t)limit, &err)) == NULL) {
		status = cli_fail(cli, &err);
		goto out;
	}
	if ((json ? print_json(p, argv[optind]) : print_text(p, argv[optind], (size_t)limit)) < 0 ||
	    fflush(stdout) != 0) {
		status = MAAT_E_IO;
	}
out:
	maat_person_free(p);
	maat_db_close(db);
	free(id);
	return status;
}
