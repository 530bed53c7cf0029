#!/bin/sh
# The command-line contract of ../shared/CLI.md: help, version, usage errors, exit codes.
. "$TAP_LIB"

run --help
expect_status 0 "--help exits 0"
expect_out_has "Commands:" "--help goes to stdout"
expect_err_empty "--help writes nothing to stderr"

run --version
expect_status 0 "--version exits 0"
for lib in sqlite libxlsxwriter graphviz libical; do
	expect_out_has "$lib " "--version names $lib"
done
expect_out_has "maatlat 0.1.0" "--version names the program version"

run bogus
expect_status 64 "an unknown command is a usage error (64)"
expect_err_has "maatlat: unknown command 'bogus'" "the unknown command is named on stderr"
expect_err_has "usage: maatlat" "a usage line follows"
expect_out_empty "nothing on stdout for a usage error"

run
expect_status 64 "no command is a usage error"

run --bogus-option sources
expect_status 64 "an unknown global option is a usage error"

run --color=sometimes sources
expect_status 64 "--color rejects values other than auto, always, never"

# every command of the table answers --help on stdout with exit 0
for cmd in demo forget handovers import layers meetings person report signoff sources; do
	run "$cmd" --help
	expect_status 0 "$cmd --help exits 0"
	expect_out_has "usage: maatlat $cmd" "$cmd --help prints its usage on stdout"
done

run import
expect_status 64 "import without a kind is a usage error"
run import nonsense x.csv
expect_status 64 "import of an unknown kind is a usage error"
expect_err_has "nonsense" "the unknown kind is named"

run sources --bogus
expect_status 64 "an unknown command option is a usage error"
expect_err_has "usage: maatlat sources" "with the command's usage line"

# Dutch messages with LANGUAGE=nl (no nl_NL locale needed, STYLE.md §11.10)
LANGUAGE=nl LANG=C.UTF-8 "$MAATLAT" bogus >"$T/.out" 2>"$T/.err"
status=$?
expect_status 64 "Dutch: still exit 64"
expect_err_has "onbekende opdracht 'bogus'" "Dutch: the message is translated under LANGUAGE=nl"

# colour only on request: NO_COLOR is set by the test environment and stderr is a file
run bogus
if grep -q "$(printf '\033')" "$T/.err"; then not_ok "no escape codes when stderr is not a tty"; else ok "no escape codes when stderr is not a tty"; fi
run --color=always bogus
if grep -q "$(printf '\033')" "$T/.err"; then ok "--color=always forces colour"; else not_ok "--color=always forces colour"; fi

done_testing
