#!/bin/sh
# Never lose the user's data, the parts that wait (issue 19 items 4 and 5): two first imports into
# one new store, a second writer that waits for the first, and forget while another process
# reads the store. Suite 'slow' (about 30 s).
. "$TAP_LIB"
PY=/usr/bin/python3
EX="$(dirname "$TAP_LIB")/../../examples"

# hold LOCK ('read' or 'write') on STORE for SECONDS in the background; the lock is held once
# the file "held" exists
hold() {
	rm -f held
	$PY - "$1" "$2" "$3" <<'PYEOF' &
import sqlite3, sys, time
store, lock, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
c = sqlite3.connect(store, isolation_level=None)
if lock == "write":
    c.execute("BEGIN IMMEDIATE")
else:
    c.execute("BEGIN")
    c.execute("SELECT count(*) FROM org_rows").fetchone()
open("held", "w").close()
time.sleep(secs)
c.execute("COMMIT")
PYEOF
	holder=$!
	i=0
	while [ ! -e held ] && [ "$i" -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
}

printf 'id,manager,name\nA,,Anna\nB,A,Bram\n' >a.csv

# --- item 4: two first imports into a new store, 12 times --------------------------------------
bad=0
i=0
while [ "$i" -lt 12 ]; do
	rm -f new.db new.db-wal new.db-shm
	"$MAATLAT" --db new.db import org a.csv --as-of 2026-01-01 >/dev/null 2>e1 &
	p1=$!
	"$MAATLAT" --db new.db import org "$EX/org.csv" --as-of 2026-02-01 >/dev/null 2>e2 &
	p2=$!
	wait "$p1"
	s1=$?
	wait "$p2"
	s2=$?
	n_src=$(sqlite3 new.db "SELECT count(*) FROM sources")
	if [ "$s1" -ne 0 ] || [ "$s2" -ne 0 ] || [ "$n_src" != 2 ]; then
		bad=$((bad + 1))
		cat e1 e2 | sed 's/^/# /'
	fi
	i=$((i + 1))
done
expect_eq "$bad" "0" "12 times two first imports into one new store: both succeed, 2 sources"

# --- item 4: a second writer waits, saying so -------------------------------------------------
"$MAATLAT" --db w.db import org a.csv --as-of 2026-01-01 >/dev/null 2>&1
hold w.db write 3
run --db w.db import org "$EX/org.csv" --as-of 2026-02-01
wait "$holder"
expect_status 0 "an import while another process writes waits and then succeeds"
expect_err_has "waiting for another maatlat" "saying it waits for another maatlat on that store"
expect_eq "$(sqlite3 w.db "SELECT count(*) FROM sources")" "2" "both imports are in the store"

hold w.db write 5
printf 'id,manager,name\nC,,Cor\n' >c.csv
run --wait 1 --db w.db import org c.csv --as-of 2026-03-01
wait "$holder"
expect_status 74 "with --wait 1 it gives up after a second: I/O error (74)"
expect_err_has "is still using the store" "says another program still uses the store"
expect_err_has "--wait" "and how to wait longer"
expect_eq "$(sqlite3 w.db "SELECT count(*) FROM sources")" "2" "nothing was imported"

# --- item 5: forget while another process reads -----------------------------------------------
# a hand-made org chart: the person to forget is P2, "Zebulon Quartermain", zq@example.org;
# no free text anywhere, so after forget no byte of the name may remain in the store's files
printf 'id,manager,name,email,unit\nP1,,Anna Boss,anna@example.org,Top\nP2,P1,Zebulon Quartermain,zq@example.org,Top\nP3,P1,Cor Derde,cor@example.org,Top\n' >people.csv
"$MAATLAT" --db f.db import org people.csv >/dev/null 2>&1
expect_eq "$(grep -c 'Zebulon Quartermain' f.db)" "1" "before forget the name is in the store file"
hold f.db read 3
run --db f.db forget P2
wait "$holder"
expect_status 0 "forget while a reader holds a transaction succeeds once the reader is done"
expect_err_has "waiting for other processes that read this store" "saying it waits for readers"
expect_out_has "store vacuumed" "and only then reports success"
hits=$(cat f.db f.db-wal 2>/dev/null | grep -c -a -e 'Zebulon' -e 'Quartermain' -e 'zq@example.org')
expect_eq "$hits" "0" "no byte of the name or e-mail is left in the store or its WAL"

printf 'id,manager,name,email,unit\nP1,,Anna Boss,anna@example.org,Top\nP4,P1,Yolanda Xylofoon,yx@example.org,Top\n' >more.csv
"$MAATLAT" --db f2.db import org more.csv >/dev/null 2>&1
hold f2.db read 6
run --wait 1 --db f2.db forget P4
expect_status 74 "forget with a reader that stays past --wait fails (74)"
expect_err_has "still read the store" "says readers keep the old bytes"
expect_err_has "again" "and how to finish"
if grep -qF "Forgot" "$T/.out"; then not_ok "it does not claim success"; else ok "it does not claim success"; fi
wait "$holder"
run --db f2.db forget P4
expect_status 0 "run again once the reader is gone, forget finishes"
hits=$(cat f2.db f2.db-wal 2>/dev/null | grep -c -a -e 'Yolanda' -e 'Xylofoon' -e 'yx@example.org')
expect_eq "$hits" "0" "and then no byte of that person is left"

done_testing
