#!/bin/sh
# Faults (issue 8): an import killed half-way, a full disk, the same file twice, --replace,
# and reading while an import runs. After each, the store opens, passes integrity_check and
# holds exactly what it held before (compared as a full SQL dump).
. "$TAP_LIB"

dump() { sqlite3 "$1" .dump | sha256sum; }
integrity() { sqlite3 "$1" "PRAGMA integrity_check"; }

printf 'id,manager,name,unit\nA1,,Anna,Bestuur\nA2,A1,Bram,Beleid\nA3,A1,Cor,Beleid\nA4,A2,Dirk,Beleid\n' >small.csv
run --db s.db import org small.csv
expect_status 0 "a small org chart imports"
before=$(dump s.db)

# a large chart: 600,000 people, five reports per manager (ids E1..E600000)
awk 'BEGIN { print "id,manager,name,unit";
	for (i = 1; i <= 600000; i++) print "E" i "," (i > 1 ? "E" int(i / 5) : "") ",Persoon " i ",Afd " (i % 40) }' >big.csv

# 1. SIGKILL in the middle of the import
"$MAATLAT" --db s.db import org --as-of 2030-01-31 big.csv >/dev/null 2>&1 &
pid=$!
# wait until the import has written into the WAL, then kill it
i=0
while [ "$i" -lt 200 ]; do
	size=$(stat -c %s s.db-wal 2>/dev/null || echo 0)
	[ "$size" -gt 1000000 ] && break
	sleep 0.02
	i=$((i + 1))
done
if kill -9 "$pid" 2>/dev/null; then
	wait "$pid" 2>/dev/null
	ok "the import was killed while it ran (WAL at $size bytes)"
	expect_eq "$(integrity s.db)" "ok" "after SIGKILL the store passes integrity_check"
	expect_eq "$(dump s.db)" "$before" "after SIGKILL the store holds exactly what it held before"
else
	wait "$pid"
	echo "ok $((n + 1)) # SKIP the import finished before it could be killed"
	n=$((n + 1))
fi
run --db s.db layers --json
expect_status 0 "layers works on the store after the kill"

# 2. a full disk: the file-size limit makes every write past 2 MB fail with EFBIG (SIGXFSZ is
# ignored so the write fails instead of killing the process), as a full disk would
(
	trap '' XFSZ
	ulimit -f 4096
	"$MAATLAT" --db s.db import org --as-of 2030-01-31 big.csv >"$T/.out" 2>"$T/.err"
	echo $? >"$T/.status"
)
status=$(cat "$T/.status")
expect_status 74 "a full disk is an I/O error (74)"
expect_err_has "maatlat: big.csv: " "with a maatlat: FILE: message on stderr"
expect_err_has "is the disk full?" "that suggests the cause"
expect_eq "$(integrity s.db)" "ok" "after the full disk the store passes integrity_check"
expect_eq "$(dump s.db)" "$before" "after the full disk the store holds exactly what it held before"

# 3. the same file again is a no-op with a message
run --db s.db import org small.csv
expect_status 0 "importing the same file again exits 0"
expect_err_has "already imported" "and says it was already imported"
expect_eq "$(dump s.db)" "$before" "and changes nothing"

# 4. --replace swaps an earlier import of the same source atomically
printf 'id,manager,name,unit\nA1,,Anna,Bestuur\nA2,A1,Bram,Beleid\nA3,A1,Cor,Beleid\nA4,A2,Dirk,Beleid\nA5,A2,Eva,Beleid\n' >small.csv
run --db s.db import org --replace small.csv
expect_status 0 "--replace imports the changed file"
run --db s.db sources --json
got=$(/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin)["sources"]; print(len(d), d[0]["rows_read"])' <"$T/.out")
expect_eq "$got" "1 5" "one org source remains, with the new file's 5 rows"
run --db s.db layers --json
got=$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["people"])' <"$T/.out")
expect_eq "$got" "5" "layers sees the 5 people of the replacement"

# 5. reading while an import runs (WAL: readers see the last commit, they do not wait)
before=$(dump s.db)
"$MAATLAT" --db s.db import org --as-of 2030-01-31 big.csv >/dev/null 2>&1 &
pid=$!
i=0
while [ "$i" -lt 200 ]; do
	size=$(stat -c %s s.db-wal 2>/dev/null || echo 0)
	[ "$size" -gt 1000000 ] && break
	sleep 0.02
	i=$((i + 1))
done
run --db s.db layers --json
expect_status 0 "layers runs while an import is under way"
got=$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["people"])' <"$T/.out")
expect_eq "$got" "5" "and sees the last committed chart (5 people), not a half import"
wait "$pid"
expect_eq "$?" "0" "the concurrent import itself succeeds"

done_testing
