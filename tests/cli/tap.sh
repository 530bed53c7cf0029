# A tiny TAP library for black-box tests of the binary. Source it, call the checks, then done.
# $MAATLAT is the binary under test; each test runs in its own temporary directory.
set -u
n=0
failed=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done
}

# run CMD...: runs maatlat with the args, capturing stdout, stderr and the exit status
# $MAATLAT_WRAPPER (e.g. "valgrind --error-exitcode=99 -q") runs maatlat under a checker.
run() {
	${MAATLAT_WRAPPER:-} "$MAATLAT" "$@" >"$T/.out" 2>"$T/.err" </dev/null
	status=$?
}

# expect_status N DESC
expect_status() {
	if [ "$status" -eq "$1" ]; then ok "$2"; else not_ok "$2" "exit $status, wanted $1" "stderr: $(head -c 600 "$T/.err")"; fi
}
# expect_out_has TEXT DESC (fixed string on stdout)
expect_out_has() {
	if grep -qF -- "$1" "$T/.out"; then ok "$2"; else not_ok "$2" "stdout lacks '$1'" "stdout: $(head -c 600 "$T/.out")"; fi
}
# expect_out_lacks TEXT DESC (fixed string nowhere on stdout)
expect_out_lacks() {
	if grep -qF -- "$1" "$T/.out"; then not_ok "$2" "stdout has '$1'" "$(grep -F -- "$1" "$T/.out" | head -3)"; else ok "$2"; fi
}
expect_err_has() {
	if grep -qF -- "$1" "$T/.err"; then ok "$2"; else not_ok "$2" "stderr lacks '$1'" "stderr: $(head -c 600 "$T/.err")"; fi
}
expect_out_empty() {
	if [ ! -s "$T/.out" ]; then ok "$1"; else not_ok "$1" "stdout not empty: $(head -c 300 "$T/.out")"; fi
}
expect_err_empty() {
	if [ ! -s "$T/.err" ]; then ok "$1"; else not_ok "$1" "stderr not empty: $(head -c 300 "$T/.err")"; fi
}
# expect_err_only_maatlat DESC: every stderr line is maatlat's own ("maatlat: ..."), so no
# library (libical, libxlsxwriter) printed its own complaints
expect_err_only_maatlat() {
	if grep -qv '^maatlat: ' "$T/.err"; then not_ok "$1" "foreign stderr: $(grep -v '^maatlat: ' "$T/.err" | head -3)"; else ok "$1"; fi
}
# expect_eq GOT WANT DESC
expect_eq() {
	if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3" "got '$1', wanted '$2'"; fi
}
done_testing() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
}
