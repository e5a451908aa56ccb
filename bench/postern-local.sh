#!/usr/bin/env bash
# Benchmark: Postern as a mailbox server, side by side with nothing else running on the machine.
#   1. start-up time (process start -> SMTP, POP3 and webadmin listening)
#   2. SMTP into local mailboxes: smtp-source, 20 sessions, 20,000 messages of 2 KB, one recipient;
#      accepted/s (all 250s received) and delivered/s (until POP3 STAT shows them all), plus the delivery
#      rate per quarter of the run, to see whether it slows as the inbox grows
#   3. POP3 RETR of 5,000 messages: sequential (poplib) and pipelined (window 32)
#   4. resident memory of the server after the run
# Run by hand (never in CI), as root, on an otherwise idle machine. Only 127.0.0.0/8 is used.
#   5. Dovecot's POP3 on a Maildir of the same size, in the same run (WITH_DOVECOT=0 to skip; needs dovecot-pop3d)
# Knobs: MSGS (20000) SESSIONS (20) SIZE (2048) POP3_N (5000) ADDR (127.0.0.40) BENCH_ANCHORS (../shared/bench-anchors)
#        EXTRA_DB_PROPS (extra james-database.properties lines, for OpenJPA experiments)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ANCHORS=${BENCH_ANCHORS:-$ROOT/../shared/bench-anchors}
MSGS=${MSGS:-20000}
SESSIONS=${SESSIONS:-20}
SIZE=${SIZE:-2048}
POP3_N=${POP3_N:-5000}
ADDR=${ADDR:-127.0.0.40}
SMTP_PORT=25 POP3_PORT=110 WEBADMIN_PORT=8000
RUN=$(mktemp -d /tmp/postern-bench.XXXXXX)
chmod 755 "$RUN"   # the Dovecot anchor runs as nobody and must reach its folder below
USER_A=inbox@bench.test USER_B=pop@bench.test PASSWORD=bench

command -v smtp-source >/dev/null || { echo "needs smtp-source: apt-get install postfix" >&2; exit 1; }
[ -f "$ANCHORS/pop3_retr.py" ] || { echo "needs $ANCHORS/pop3_retr.py (set BENCH_ANCHORS)" >&2; exit 1; }

say() { printf '%s\n' "$*" >&2; }
run() { say "+ $*"; "$@"; }

# A conf copy listening on $ADDR; the shipped conf is not touched.
mkdir -p "$RUN/conf"
cp -R "$ROOT"/james-conf/* "$RUN/conf/"
sed -i "s/0\.0\.0\.0:25</$ADDR:$SMTP_PORT</; s/0\.0\.0\.0:587</$ADDR:10587</; s/0\.0\.0\.0:465</$ADDR:10465</" "$RUN/conf/smtpserver.xml"
sed -i "s/<authorizedAddresses>[^<]*</<authorizedAddresses>127.0.0.0\/8</" "$RUN/conf/smtpserver.xml"
sed -i "s/0\.0\.0\.0:110</$ADDR:$POP3_PORT</; s/0\.0\.0\.0:995</$ADDR:10995</" "$RUN/conf/pop3server.xml"
# the POP3 clients below log in without STLS: allow credentials in clear on this loopback address
sed -i "s|<requireSSL>true</requireSSL>|<requireSSL>false</requireSSL>|" "$RUN/conf/pop3server.xml"
sed -i "s/^host=.*/host=$ADDR/" "$RUN/conf/webadmin.properties"
sed -i 's/level="INFO"/level="WARN"/' "$RUN/conf/logback.xml"
[ -n "${EXTRA_DB_PROPS:-}" ] && printf "%s\n" $EXTRA_DB_PROPS >> "$RUN/conf/james-database.properties"

(cd "$ROOT" && mvn -B -q -DskipTests package) >&2 && touch "$ROOT/server/target/postern-server.jar"
start_ns=$(date +%s%N)
POSTERN_JAVA_OPTS="${POSTERN_JAVA_OPTS:--Xmx2g}" "$ROOT/bin/postern" start --conf "$RUN/conf" --data "$RUN/data" > "$RUN/postern.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; say "logs and data: $RUN"; true' EXIT
up() { (exec 3<>"/dev/tcp/$ADDR/$1") 2>/dev/null; }
for _ in $(seq 1200); do
  up $SMTP_PORT && up $POP3_PORT && up $WEBADMIN_PORT && break
  kill -0 $PID 2>/dev/null || { cat "$RUN/postern.log" >&2; exit 1; }
  sleep 0.1
done
startup_s=$(( ($(date +%s%N) - start_ns) / 1000000 ))
JPID=$(pgrep -f "PosternServerMain start --conf $RUN/conf" | head -n 1)
say "start-up: ${startup_s} ms (pid $JPID)"

for u in $USER_A $USER_B; do
  curl -sf -X PUT "http://$ADDR:$WEBADMIN_PORT/domains/bench.test" || true
  run curl -sS -f -X PUT -H 'Content-Type: application/json' "http://$ADDR:$WEBADMIN_PORT/users/$u" -d "{\"password\":\"$PASSWORD\"}"
done

stat_count() { python3 - "$ADDR" "$POP3_PORT" "$1" <<'PY'
import poplib, sys
p = poplib.POP3(sys.argv[1], int(sys.argv[2]), timeout=60)
p.user(sys.argv[3]); p.pass_("bench"); print(p.stat()[0]); p.quit()
PY
}

# 2. SMTP into one inbox
t0=$(date +%s.%N)
run smtp-source -c -s "$SESSIONS" -m "$MSGS" -l "$SIZE" -f sender@elsewhere.test -t "$USER_A" "$ADDR:$SMTP_PORT" > /dev/null
t_acc=$(date +%s.%N)
# Poll the spool's size through webadmin (a POP3 STAT would list the whole mailbox each time and slow the
# server down); "delivered" = all accepted and the spool empty, checked once over POP3 at the end.
samples=()
deadline=$(( $(date +%s) + 1800 ))
while :; do
  left=$(curl -sf "http://$ADDR:$WEBADMIN_PORT/mailQueues/spool" | python3 -c 'import json,sys; print(json.load(sys.stdin)["size"])')
  samples+=("$(date +%s.%N) $((MSGS - left))")
  [ "$left" -eq 0 ] && break
  [ "$(date +%s)" -ge $deadline ] && { say "gave up: $left still in the spool after 30 min"; break; }
  sleep 1
done
t_del=$(date +%s.%N)
say "mailbox holds $(stat_count $USER_A) messages"
python3 - "$t0" "$t_acc" "$t_del" "$MSGS" "${samples[@]}" <<'PY'
import sys
t0, tacc, tdel, msgs = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
pts = [(float(a), int(b)) for a, b in (s.split() for s in sys.argv[5:])]
print(f"SMTP into mailboxes: {msgs} msgs, accepted/s {msgs/(tacc-t0):.0f}, delivered/s {msgs/(tdel-t0):.0f} "
      f"(accept {tacc-t0:.1f}s, all in mailbox after {tdel-t0:.1f}s)")
quarters = []
for q in range(4):
    lo, hi = msgs * q // 4, msgs * (q + 1) // 4
    a = next((p for p in pts if p[1] >= lo), None); b = next((p for p in pts if p[1] >= hi), None)
    if a and b and b[0] > a[0]:
        quarters.append(f"{(b[1]-a[1])/(b[0]-a[0]):.0f}")
print("  delivery rate per quarter of the run (msgs/s, from the spool size):", " ".join(quarters) or "n/a (too fast to sample)")
PY

# 3. POP3: a second mailbox of POP3_N messages
run smtp-source -c -s "$SESSIONS" -m "$POP3_N" -l "$SIZE" -f sender@elsewhere.test -t "$USER_B" "$ADDR:$SMTP_PORT" > /dev/null
run python3 "$ANCHORS/pop3_retr.py" "$ADDR" "$POP3_PORT" --user "$USER_B" --password "$PASSWORD" --wait-count "$POP3_N" --mode poplib --label postern/poplib
run python3 "$ANCHORS/pop3_retr.py" "$ADDR" "$POP3_PORT" --user "$USER_B" --password "$PASSWORD" --wait-count "$POP3_N" --mode raw --window 32 --label postern/pipelined

# 4. memory
say "resident memory after the run: $(awk '/VmRSS/ {print $2/1024 " MB"}' /proc/$JPID/status)"

# 5. the yardstick in the same run: Dovecot serving a Maildir of the same size (needs dovecot-pop3d)
if [ "${WITH_DOVECOT:-1}" = 1 ] && command -v dovecot >/dev/null; then
  kill $PID 2>/dev/null; wait $PID 2>/dev/null || true
  export BENCH_RUN="$RUN/anchors"
  ( cd "$ANCHORS" && ./dovecot-pop3.sh start >&2 && ./dovecot-pop3.sh fill "$POP3_N" "$SIZE" >&2 )
  # shellcheck source=/dev/null
  source "$ANCHORS/env.sh"
  run python3 "$ANCHORS/pop3_retr.py" "$DOVECOT_ADDR" "$DOVECOT_PORT" --user "$POP3_USER" --password "$POP3_PASS" --mode poplib --label dovecot/poplib || true
  run python3 "$ANCHORS/pop3_retr.py" "$DOVECOT_ADDR" "$DOVECOT_PORT" --user "$POP3_USER" --password "$POP3_PASS" --mode raw --window 32 --label dovecot/pipelined || true
  ( cd "$ANCHORS" && ./dovecot-pop3.sh stop >&2 )
fi
