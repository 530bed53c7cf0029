#!/bin/sh
# Never lose the user's data (issue 19): no command overwrites a store, every input is read once,
# --replace knows a file by its real path, failures leave nothing half-done, and the small things
# (multi-file imports, folders, sources --remove, sources --messages, demo --db). The slow parts
# (two writers, readers during forget) are in test_safety_slow.sh.
. "$TAP_LIB"
PY=/usr/bin/python3

count() { sqlite3 "$1" "$2"; }

# a.csv: 2 people (A heads B); c.csv: 1 person; bad.csv: a quote that never closes
printf 'id,manager,name\nA,,Anna\nB,A,Bram\n' >a.csv
printf 'id,manager,name\nC,,Cor\n' >c.csv
printf 'id,manager,name\n"X,,never closed\n' >bad.csv

# --- item 1: no command overwrites a store -------------------------------------------------
run --db st.db import org a.csv
expect_status 0 "a small org chart imports"
before=$(sha256sum st.db)
run --db st.db report --xlsx st.db
expect_status 64 "report --xlsx onto the store itself is refused (64)"
expect_err_has "that is the store itself" "and says why"
expect_eq "$(sha256sum st.db)" "$before" "the store is unchanged"
run --db st.db report --xlsx "../$(basename "$T")/st.db-wal"
expect_status 64 "the store's -wal (spelled another way) is refused too"
cp st.db other.db
before_other=$(sha256sum other.db)
run --db st.db report --graph other.db.svg --xlsx other.db
expect_status 64 "another maatlat store as output is refused"
expect_err_has "is a maatlat store" "and says so"
expect_eq "$(sha256sum other.db)" "$before_other" "that store is unchanged"
if [ -e other.db.svg ]; then not_ok "nothing was written"; else ok "nothing was written"; fi

run --db "" import org a.csv
expect_status 64 "--db '' is a usage error (64), not an import into nowhere"
expect_err_has "empty store path" "and says so"

mkdir own
(cd own && "$MAATLAT" import org ../a.csv >/dev/null 2>&1)
before=$(sha256sum own/maatlat.db)
run demo --out own
expect_status 73 "demo --out over the user's own store is refused (73)"
expect_err_has "did not write" "and says the store is not the demo's"
expect_eq "$(sha256sum own/maatlat.db)" "$before" "the user's store is unchanged"
expect_eq "$(ls -A own)" "maatlat.db" "and nothing else was left in that folder"

# --- issue 18 item 8: demo --db is refused, not ignored ------------------------------------
run --db elsewhere.db demo --out d
expect_status 64 "demo with --db is a usage error (64)"
expect_err_has "demo writes its own store" "and says where the demo's store goes"
if [ -e elsewhere.db ] || [ -e d ]; then not_ok "nothing was created"; else ok "nothing was created"; fi

# --- item 7: a failed demo leaves the previous one whole ----------------------------------
run demo --out d
expect_status 0 "a demo builds"
sums=$(cd d && sha256sum maatlat.db report.xlsx org.svg)
# a run of the demo replaces the demo
run demo --out d
expect_status 0 "the demo may replace its own earlier demo"
expect_eq "$(ls -A d | sort | tr "\n" " ")" "handovers.svg maatlat.db org.svg report.html report.xlsx " \
	"the folder holds the demo's four files, no temporary folder"
sums=$(cd d && sha256sum maatlat.db report.xlsx org.svg)
mkdir ex
cp -r "$(dirname "$TAP_LIB")/../../examples/." ex/
printf 'id,manager\n"broken\n' >ex/org.csv
MAATLAT_EXAMPLES="$T/ex" "$MAATLAT" demo --out d >"$T/.out" 2>"$T/.err"
status=$?
expect_status 65 "a demo on a broken example fails (65)"
expect_eq "$(cd d && sha256sum maatlat.db report.xlsx org.svg)" "$sums" \
	"the previous demo is whole: store, workbook and graph unchanged"
expect_eq "$(ls -A d | grep -c maatlat-demo)" "0" "and no temporary folder is left"

# --- item 2: every input is read once --------------------------------------------------------
mkfifo pipe
(cat a.csv >pipe &)
run --db fifo.db import org pipe
expect_status 0 "a FIFO imports (read once: no second pass that would hang)"
expect_eq "$(count fifo.db "SELECT sha256 FROM sources")" "$(sha256sum a.csv | cut -d' ' -f1)" \
	"its sha256 is the hash of the bytes parsed"
expect_eq "$(count fifo.db "SELECT count(*) FROM org_rows")" "2" "and its 2 rows are stored"

"$MAATLAT" --db in.db import org - --name hr-2026.csv <c.csv >"$T/.out" 2>"$T/.err"
status=$?
expect_status 0 "'-' imports standard input"
expect_out_has "hr-2026.csv: 1 rows read" "named by --name"
expect_eq "$(count in.db "SELECT path || ' ' || sha256 FROM sources")" \
	"hr-2026.csv $(sha256sum c.csv | cut -d' ' -f1)" "the source is recorded as --name with the sha256 of stdin"
"$MAATLAT" --db in.db import org - --name hr-2026.csv <c.csv >"$T/.out" 2>"$T/.err"
status=$?
expect_err_has "already imported" "the same bytes on stdin again are recognised by their sha256"
cat a.csv | "$MAATLAT" --db in2.db import org /dev/stdin >"$T/.out" 2>"$T/.err"
status=$?
expect_status 0 "/dev/stdin from a pipe is not 'empty'"
expect_out_has "/dev/stdin: 2 rows read" "and its 2 rows are read"
run --db in.db import org c.csv --name x.csv
expect_status 64 "--name without '-' is a usage error"

# a bound below the first buffered read, so the bound (not a NUL byte) stops it
export MAATLAT_MAX_STREAM_BYTES=1000
run --db dev.db import cases /dev/zero
unset MAATLAT_MAX_STREAM_BYTES
expect_status 65 "/dev/zero is refused (65), not hashed for ever"
expect_err_has "/dev/zero: not a file but a device" "the device bound is named"
if [ -e dev.db ] && [ "$(count dev.db "SELECT count(*) FROM sources")" != 0 ]; then
	not_ok "nothing of it is stored"
else ok "nothing of it is stored"; fi

mkdir folder
run --db f.db import org folder
expect_status 66 "a folder as input: input missing (66)"
expect_err_has "folder: is a folder" "and it says 'is a folder'"

# --- item 3: --replace knows a file by its real path ---------------------------------------
# a case log of 3 events (C1: a by R1, b by R2; C2: a by R1)
printf 'case:concept:name,concept:name,time:timestamp,org:resource\nC1,a,2026-01-05 09:00,R1\nC1,b,2026-01-05 10:00,R2\nC2,a,2026-01-06 09:00,R1\n' >log.csv
run --db r.db import cases log.csv
# the file changes (a fourth event), then is imported again by its absolute path
printf 'C2,b,2026-01-06 11:00,R2\n' >>log.csv
run --db r.db import cases --replace "$T/log.csv"
expect_status 0 "--replace by the absolute path"
expect_err_has "replaced log.csv (source 1" "says which source it replaced"
# one version of log.csv: 4 events, not 3 + 4
expect_eq "$(count r.db "SELECT count(*) FROM case_events")" "4" "the store holds one version: 4 events, not 7"
expect_eq "$(count r.db "SELECT count(*) FROM sources")" "1" "and one source"
ln -s log.csv link.csv
printf 'C3,a,2026-01-07 09:00,R1\n' >>log.csv
run --db r.db import cases --replace link.csv
expect_status 0 "--replace through a symbolic link"
expect_eq "$(count r.db "SELECT count(*) FROM case_events")" "5" "still one version (5 events)"

# --- item 7: a truncated store is damaged, not another program's -----------------------------
"$MAATLAT" --db big.db import org "$(dirname "$TAP_LIB")/../../examples/org.csv" >/dev/null 2>&1
cp big.db cut.db
truncate -s 40000 cut.db
run --db cut.db layers
expect_status 65 "a truncated store is bad data (65)"
expect_err_has "store is damaged" "and called damaged"
run --db cut.db import org a.csv
expect_err_has "store is damaged" "an import into it says the same"
sqlite3 foreign.db "CREATE TABLE t(x)"
run --db foreign.db layers
expect_err_has "another program" "another program's database is still called that"

# --- item 7: report disk full, Ctrl-C ------------------------------------------------------
# 100,000 people (five reports per manager): outputs larger than a 200 KiB file-size limit,
# and a workbook that takes a while, to be interrupted while it writes
awk 'BEGIN { print "id,manager,name,unit";
	for (i = 1; i <= 100000; i++) print "E" i "," (i > 1 ? "E" int(i / 5) : "") ",P " i ",U" (i % 50) }' >huge.csv
"$MAATLAT" --db huge.db import org huge.csv >/dev/null 2>&1
for out in "--graph g.svg" "--xlsx r.xlsx" "--graph g.png"; do
	(
		trap '' XFSZ
		ulimit -f 200
		# under ASan, LSan's table of suppressed (Graphviz) leaks is not maatlat's output
		LSAN_OPTIONS="${LSAN_OPTIONS:-}:print_suppressions=0"
		export LSAN_OPTIONS
		# shellcheck disable=SC2086
		"$MAATLAT" --db huge.db report $out >"$T/.out" 2>"$T/.err"
		echo $? >"$T/.status"
	)
	status=$(cat "$T/.status")
	expect_status 74 "report $out on a full disk: I/O error (74)"
	expect_err_has "disk is full" "says 'the disk is full'"
	expect_err_only_maatlat "no raw library lines ([ERROR], ZIP_ERRNO) on stderr"
	expect_eq "$(ls | grep -c '\.tmp$')" "0" "no .tmp file is left"
done

for sig in INT:130 TERM:143; do
	want=${sig#*:}
	sig=${sig%:*}
	"$MAATLAT" --db huge.db report --xlsx huge.xlsx >/dev/null 2>&1 &
	pid=$!
	i=0
	while [ "$i" -lt 400 ] && [ ! -e huge.xlsx.tmp ]; do sleep 0.01; i=$((i + 1)); done
	if [ -e huge.xlsx.tmp ] && kill -"$sig" "$pid" 2>/dev/null; then
		wait "$pid"
		st=$?
		expect_eq "$st" "$want" "SIG$sig ends the report as a signal does"
		expect_eq "$(ls | grep -c 'huge.xlsx')" "0" "SIG$sig leaves neither huge.xlsx nor its .tmp"
	else
		wait "$pid"
		echo "ok $((n + 1)) # SKIP the report finished before SIG$sig"
		echo "ok $((n + 2)) # SKIP"
		n=$((n + 2))
		rm -f huge.xlsx
	fi
done

# --- item 7: a store in a read-only folder, a read-only -shm -------------------------------
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	as_other() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
else
	as_other() { "$@"; }
fi
chmod 755 "$T"
mkdir ro
"$MAATLAT" --db ro/st.db import org a.csv >/dev/null 2>&1
chmod 555 ro
if as_other sh -c 'touch ro/probe' 2>/dev/null; then
	echo "ok $((n + 1)) # SKIP cannot make a read-only folder here"
	n=$((n + 1))
else
	as_other "$MAATLAT" --db ro/st.db layers --json >"$T/.out" 2>"$T/.err"
	status=$?
	expect_status 0 "a store in a read-only folder can still be read"
	expect_out_has '"people": 2' "with its figures"
	as_other "$MAATLAT" --db ro/st.db import org c.csv >"$T/.out" 2>"$T/.err"
	status=$?
	expect_status 73 "an import into it cannot create output (73)"
	expect_err_has "cannot be written here" "and says the store cannot be written there"
	chmod 777 ro
	chmod 666 ro/st.db
	touch ro/st.db-shm
	chmod 444 ro/st.db-shm
	as_other "$MAATLAT" --db ro/st.db import org c.csv >"$T/.out" 2>"$T/.err"
	status=$?
	expect_status 74 "a read-only -shm beside the store: I/O error (74)"
	expect_err_has "st.db-shm beside the store is read-only" "and the message says so"
fi
chmod -R u+w ro 2>/dev/null

# --- item 8: several files, sources --remove ------------------------------------------------
run --db m.db import org a.csv bad.csv c.csv
expect_status 65 "a bad file among several: bad data (65)"
expect_err_has "stopped at bad.csv: not imported: c.csv" "names the file that was not imported"
expect_err_has "the 1 file before bad.csv is imported" "and the one that was"
expect_eq "$(count m.db "SELECT group_concat(path) FROM sources")" "a.csv" "only a.csv is in the store"

run --db m.db import org c.csv --as-of 2026-02-01
run --db m.db sources --remove c.csv
expect_status 0 "sources --remove by path"
expect_out_has "Removed source 2 (org c.csv)" "says what it removed"
expect_eq "$(count m.db "SELECT count(*) FROM org_rows WHERE id = 'C'")" "0" "c.csv's row is gone"
expect_eq "$(count m.db "SELECT count(*) FROM org_rows")" "2" "a.csv's 2 rows stay"
run --db m.db sources --remove 1
expect_status 0 "sources --remove by number"
expect_eq "$(count m.db "SELECT count(*) FROM org_rows") $(count m.db "SELECT count(*) FROM sources")" \
	"0 0" "the store is empty again"
run --db m.db sources --remove 7
expect_status 66 "an unknown source: 66"

# --- issue 11 item 4: sources --messages ----------------------------------------------------
# a job share: id B twice under A (2 warnings: lines 3 and 4)
printf 'id,manager,name\nA,,Anna\nB,A,Bram\nB,A,Bea\n' >share.csv
run --db msg.db import org share.csv
run --db msg.db import org c.csv --as-of 2026-02-01
run --db msg.db sources --messages
expect_status 0 "sources --messages"
expect_out_has "share.csv" "lists the messages with their file"
expect_out_has "job share" "what the import logged"
run --db msg.db sources --messages share.csv --json
expect_status 0 "sources --messages SOURCE --json"
expect_eq "$($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sorted({m["file"] for m in d["messages"]}), len(d["messages"]) > 0)' "$T/.out")" \
	"['share.csv'] True" "only that source's messages"
run --db msg.db sources --messages 2
expect_out_has "snapshot 2026-02-01" "--messages 2 shows source 2's lines"
if grep -qF "job share" "$T/.out"; then not_ok "and not source 1's"; else ok "and not source 1's"; fi

done_testing
