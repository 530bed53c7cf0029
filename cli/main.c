#include <getopt.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <expat.h>
#include <graphviz/gvc.h>
#include <libical/ical.h>
#include <openssl/crypto.h>
#include <sodium.h>
#include <sqlite3.h>
#include <xlsxwriter.h>
#include <zlib.h>

#include "cli/cli.h"
#include "config.h"
#include "maatlat/i18n.h"

static void
print_version(void)
{
	GVC_t *gvc = gvContext();
	printf("maatlat %s (sqlite %s, libxlsxwriter %s, graphviz %s, libical %s, expat %d.%d.%d, "
	       "zlib %s, libsodium %s, %s)\n",
	       MAAT_VERSION, sqlite3_libversion(), lxw_version(),
	       gvcVersion(gvc) ? gvcVersion(gvc) : "?", ICAL_VERSION, XML_MAJOR_VERSION,
	       XML_MINOR_VERSION, XML_MICRO_VERSION, zlibVersion(), sodium_version_string(),
	       OpenSSL_version(OPENSSL_VERSION));
	gvFreeContext(gvc);
}

static void
print_help(void)
{
	printf("%s",
	       _("usage: maatlat [--db PATH] [-q|-v] [--color=WHEN] COMMAND [OPTIONS] [ARGS]\n\n"
		 "maatlat measures how a public organisation treats the people it serves and\n"
		 "the people who work in it: management layers and sign-off chains from org\n"
		 "charts, meeting hours from calendars, handovers from case logs.\n\n"
		 "Commands:\n"));
	for (size_t i = 0; i < maat_ncommands; i++) {
		printf("  %-10s %s\n", maat_commands[i].name, _(maat_commands[i].summary));
	}
	printf("%s",
	       _("\nGlobal options:\n"
		 "  --db PATH       the store (default ./maatlat.db or $MAATLAT_DB; ':memory:')\n"
		 "  -q, --quiet     only errors on stderr\n"
		 "  -v, --verbose   more detail on stderr\n"
		 "  --wait SECONDS  how long to wait for another maatlat using the store\n"
		 "                  (default 60)\n"
		 "  --color=WHEN    auto, always or never (auto honours NO_COLOR and TERM)\n"
		 "  --version       program and library versions\n"
		 "  -h, --help      this text; 'maatlat COMMAND --help' for a command\n\n"
		 "Exit status: 0 ok, 1 failure, 64 usage, 65 bad input data, 66 input missing,\n"
		 "70 internal error, 73 cannot create output, 74 I/O error.\n"));
}

static bool
want_color(const char *when)
{
	const char *no = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	if (when != NULL && strcmp(when, "always") == 0) {
		return true;
	}
	if (when != NULL && strcmp(when, "never") == 0) {
		return false;
	}
	return isatty(STDERR_FILENO) && (no == NULL || *no == '\0') &&
	       (term == NULL || strcmp(term, "dumb") != 0);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"color", required_argument, NULL, 'c'},
	    {"colour", required_argument, NULL, 'c'},
	    {"version", no_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {"wait", required_argument, NULL, 'w'},
	    {NULL, 0, NULL, 0},
	};
	maat_cli cli = {0};
	const char *color = "auto";
	const struct maat_command *cmd;
	int c;

	setlocale(LC_ALL, "");
	/* libxlsxwriter prints doubles with %G: under nl_NL they would become "1,5" (STYLE §11.1).
	 */
	setlocale(LC_NUMERIC, "C");
	maat_i18n_init();
	/* SQLite's allocation statistics take a global mutex on every malloc and free (1.5% of
	 * an import, bench/README.md); maatlat never reads them. Before any other SQLite call. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (sodium_init() < 0) {
		fputs("maatlat: libsodium failed to initialise\n", stderr);
		return MAAT_E_INTERNAL;
	}
	cli.prog = argc > 0 ? argv[0] : NULL;
	cli.db_path = getenv("MAATLAT_DB");
	if (cli.db_path == NULL || *cli.db_path == '\0') {
		cli.db_path = "maatlat.db";
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+qvh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (*optarg == '\0') {
				return cli_usage_error(&cli, NULL, "%s",
						       _("--db: an empty store path (give a file "
							 "name, or ':memory:')"));
			}
			cli.db_path = optarg;
			cli.db_given = true;
			break;
		case 'w':
			if (!cli_parse_int(&cli, NULL, "--wait", optarg, &cli.wait_s)) {
				return MAAT_E_USAGE;
			}
			if (cli.wait_s < 1) {
				return cli_usage_error(&cli, NULL, _("%s: must be at least 1"),
						       "--wait");
			}
			break;
		case 'q':
			cli.verbosity = -1;
			break;
		case 'v':
			cli.verbosity++;
			break;
		case 'c':
			if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "always") != 0 &&
			    strcmp(optarg, "never") != 0) {
				return cli_usage_error(&cli, NULL,
						       _("--color takes auto, always or never"));
			}
			color = optarg;
			break;
		case 'V':
			print_version();
			return 0;
		case 'h':
			print_help();
			return 0;
		default:
			return cli_usage_error(&cli, NULL, _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	cli.color = want_color(color);
	cli.progress = isatty(STDERR_FILENO) && cli.verbosity >= 0;
	argc -= optind;
	argv += optind;
	optind = 0;
	if (argc == 0) {
		return cli_usage_error(&cli, NULL, _("no command given (try 'maatlat --help')"));
	}
	if ((cmd = cli_find_command(argv[0])) == NULL) {
		return cli_usage_error(&cli, NULL, _("unknown command '%s'"), argv[0]);
	}
	return cmd->fn(&cli, argc, argv);
}
