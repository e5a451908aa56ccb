#!/usr/bin/env bash
# Benchmark: Postern as a mailbox server, side by side with Postfix -> LMTP -> Dovecot in the same run.
# For each of the two (Postern first, then the yardstick, never both running at once):
#   1. local delivery: a warm-up of WARMUP_MSGS, then smtp-source, SESSIONS sessions, MSGS messages of SIZE bytes,
#      one recipient (the shared harness's drive_smtp.py): accepted/s, delivered/s (until the last copy is stored:
#      Postern's delivery journal, Dovecot's Maildir), and delivered/s per quarter of the run
#   2. POP3: a second mailbox filled with POP3_N messages the same way, then, after one unmeasured pass, RETR of all
#      of them, sequential (poplib) and pipelined (window 32), POP3_PASSES sessions of each (the table gives the
#      median: one pass of 5,000 pipelined RETRs lasts 60-200 ms, and single passes varied up to 2x on either side),
#      and login + STAT (median of 5 sessions)
#   3. a POP3 login + STAT + RETR 1 to the MSGS-message mailbox of step 1, repeated while SESSIONS SMTP sessions
#      deliver LOAD_MSGS messages into a third mailbox
#   4. resident memory after the run (Postern: the JVM's RSS; yardstick: the PSS of every Postfix and Dovecot process)
# then prints the table (bench/local_summary.py): each figure, the yardstick's, and the ratio.
# Postern runs with bin/postern's default heap settings unless POSTERN_JAVA_OPTS is set.
# Run by hand (never in CI), as root, on an otherwise idle machine, under the shared lock:
#   flock /tmp/postern-heavy.lock bench/postern-local.sh
# Only 127.0.0.0/8 is used; every server started here is stopped by its PID.
# Needs: postfix (smtp-source, and the yardstick), dovecot-pop3d and dovecot-lmtpd, and the shared harness
# (../shared/bench-anchors, its local-delivery/ folder).
# Knobs: MSGS (20000) SESSIONS (20) SIZE (2048) POP3_N (5000) POP3_PASSES (5) LOAD_MSGS (5000) WARMUP_MSGS (2000)
#        RUN_TIMEOUT (1800)
#        ADDR (127.0.0.40) BENCH_ANCHORS WITH_YARDSTICK (1) POSTERN_JAVA_OPTS
#        JFR (0; 1 = record a JFR profile of the delivery and of the POP3 steps, stack depth 256, into the run folder)
#        EXTRA_DB_PROPS (extra james-database.properties lines, for OpenJPA experiments)
#        PROFILE_POP3 (0; 1 = after the POP3 step, 16 pipelined passes on the warm server, the last 10 recorded by
#        JFR at 1 ms sampling into the run folder's pop3-warm.jfr, RETR/s of each pass printed)
#        NMT (0; 1 = the JVM's native memory tracking: its summary, the heap's, the collections so far and the heap's
#        top classes, after the run, into the run folder's memory.txt, printed)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
ANCHORS=${BENCH_ANCHORS:-$ROOT/../shared/bench-anchors}
LOCAL=$ANCHORS/local-delivery
export MSGS=${MSGS:-20000} SESSIONS=${SESSIONS:-20} SIZE=${SIZE:-2048}
POP3_N=${POP3_N:-5000}
POP3_PASSES=${POP3_PASSES:-5}
LOAD_MSGS=${LOAD_MSGS:-5000}
WARMUP_MSGS=${WARMUP_MSGS:-2000}
export RUN_TIMEOUT=${RUN_TIMEOUT:-1800}
ADDR=${ADDR:-127.0.0.40}
SMTP_PORT=25 POP3_PORT=110 WEBADMIN_PORT=8000
RUN=$(mktemp -d /tmp/postern-bench.XXXXXX)
chmod 755 "$RUN"   # the private Postfix and Dovecot reach their folders below as their own users
RESULTS=$RUN/results.jsonl
DOMAIN=bench.test PASSWORD=bench

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
run() { say "+ $*"; "$@"; }
command -v smtp-source >/dev/null || { say "needs smtp-source: apt-get install postfix"; exit 1; }
[ -x "$LOCAL/bench-local.sh" ] || { say "needs $LOCAL (set BENCH_ANCHORS)"; exit 1; }
if [ "${WITH_YARDSTICK:-1}" = 1 ]; then
  [ -x /usr/lib/dovecot/lmtp ] && command -v dovecot >/dev/null \
    || { say "needs dovecot-lmtpd and dovecot-pop3d (or WITH_YARDSTICK=0)"; exit 1; }
fi

PID= JPID=
cleanup() {
  [ -n "$PID" ] && { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; }
  if [ "${WITH_YARDSTICK:-1}" = 1 ]; then
    LD_RUN="$RUN/yardstick" "$LOCAL/postfix-local.sh" stop >/dev/null 2>&1 || true
    LD_RUN="$RUN/yardstick" "$LOCAL/dovecot-local.sh" stop >/dev/null 2>&1 || true
  fi
  say "logs, data and results: $RUN"
}
trap cleanup EXIT

# deliver LABEL HOST COUNTER_CMD... : drive_smtp.py into $RCPT, waiting on the counter; appends to $RESULTS
deliver_postern() {
  local label=$1 rcpt=$2 n=$3 counter="$RUN/counters/${1//\//-}.log" cpid res
  mkdir -p "$RUN/counters"
  : > "$counter"
  python3 "$BENCH/journal_counter.py" "$JOURNAL" "$counter" --recipient "$rcpt" --until "$n" \
    --max-seconds $((RUN_TIMEOUT + 60)) --parent $$ &
  cpid=$!
  for _ in $(seq 50); do [ -s "$counter" ] && break; sleep 0.1; done
  say "$label: $n msgs into $rcpt"
  res=$(python3 "$ANCHORS/drive_smtp.py" "$ADDR" "$SMTP_PORT" -s "$SESSIONS" -m "$n" -l "$SIZE" -t "$rcpt" \
    -f sender@elsewhere.test --sink-counter "$counter" --timeout "$RUN_TIMEOUT" --stall 120 --label "$label") \
    || say "$label: the driver reported a failure"
  kill "$cpid" 2>/dev/null || true; wait "$cpid" 2>/dev/null || true
  python3 "$BENCH/delivery_rates.py" "$res" "$counter" "$label" "$RESULTS" >&2
}

jfr() { [ "${JFR:-0}" = 1 ] && run jcmd "$JPID" JFR."$1" name="$2" ${3:+settings=profile} ${3:+filename="$RUN/$2.jfr"} >&2 || true; }

# ---------------------------------------------------------------- Postern
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
JOURNAL=$RUN/data/store/delivery-journal.log   # LocalDeliveryOnce's default journal

(cd "$ROOT" && mvn -B -q -o -DskipTests package) >&2 && touch "$ROOT/server/target/postern-server.jar"
JFR_OPTS=()
{ [ "${JFR:-0}" = 1 ] || [ "${PROFILE_POP3:-0}" = 1 ]; } && JFR_OPTS=(-XX:FlightRecorderOptions=stackdepth=256)
[ "${NMT:-0}" = 1 ] && JFR_OPTS+=(-XX:NativeMemoryTracking=summary)
start_ns=$(date +%s%N)
POSTERN_JAVA_OPTS="${POSTERN_JAVA_OPTS:-} ${JFR_OPTS[*]}" "$ROOT/bin/postern" start --conf "$RUN/conf" --data "$RUN/data" \
  > "$RUN/postern.log" 2>&1 &
PID=$!
up() { (exec 3<>"/dev/tcp/$ADDR/$1") 2>/dev/null; }
for _ in $(seq 1200); do
  up $SMTP_PORT && up $POP3_PORT && up $WEBADMIN_PORT && break
  kill -0 $PID 2>/dev/null || { cat "$RUN/postern.log" >&2; exit 1; }
  sleep 0.1
done
startup_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
JPID=$(pgrep -f "PosternServerMain start --conf $RUN/conf" | head -n 1)
echo "{\"label\": \"postern/startup\", \"ms\": $startup_ms}" >> "$RESULTS"
say "start-up: ${startup_ms} ms (pid $JPID)"

curl -sf -X PUT "http://$ADDR:$WEBADMIN_PORT/domains/$DOMAIN" || true
for u in warm inbox pop load; do
  run curl -sS -f -X PUT -H 'Content-Type: application/json' "http://$ADDR:$WEBADMIN_PORT/users/$u@$DOMAIN" \
    -d "{\"password\":\"$PASSWORD\"}"
done

[ "$WARMUP_MSGS" -gt 0 ] && deliver_postern postern/warm-up "warm@$DOMAIN" "$WARMUP_MSGS"
jfr start deliver profile
deliver_postern postern/deliver "inbox@$DOMAIN" "$MSGS"
jfr stop deliver
deliver_postern postern/pop3-fill "pop@$DOMAIN" "$POP3_N"

# one unmeasured pass first, on each side, as the delivery runs after a warm-up (a JVM compiles the POP3 path then)
python3 "$ANCHORS/pop3_retr.py" "$ADDR" "$POP3_PORT" --user "pop@$DOMAIN" --password "$PASSWORD" --mode raw --window 32 \
  > /dev/null || true
jfr start pop3 profile
for _ in $(seq "$POP3_PASSES"); do
  run python3 "$ANCHORS/pop3_retr.py" "$ADDR" "$POP3_PORT" --user "pop@$DOMAIN" --password "$PASSWORD" \
    --mode poplib --label postern/poplib --out "$RESULTS" || true
done
cpu_ticks() { awk '{print $14 + $15}' "/proc/$JPID/stat"; }   # the server's user + system time, in clock ticks
cpu_before=$(cpu_ticks)
for _ in $(seq "$POP3_PASSES"); do
  run python3 "$ANCHORS/pop3_retr.py" "$ADDR" "$POP3_PORT" --user "pop@$DOMAIN" --password "$PASSWORD" \
    --mode raw --window 32 --label postern/pipelined --out "$RESULTS" || true
done
echo "{\"label\": \"postern/pipelined-cpu\", \"us_per_retr\": $(( ($(cpu_ticks) - cpu_before) * 1000000 / $(getconf CLK_TCK) \
  / (POP3_PASSES * POP3_N) ))}" >> "$RESULTS"
run python3 "$BENCH/pop3_probe.py" "$ADDR" "$POP3_PORT" --user "pop@$DOMAIN" --password "$PASSWORD" \
  --probes 5 --label postern/login-stat --out "$RESULTS" || true
jfr stop pop3

# PROFILE_POP3=1: a JFR recording (1 ms sampling) of 10 pipelined passes on a warm server, after 6 unmeasured ones
if [ "${PROFILE_POP3:-0}" = 1 ]; then
  sed 's/<setting name="period" control="method-sampling-java-interval">[^<]*</<setting name="period" control="method-sampling-java-interval">1 ms</' \
    "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc" > "$RUN/sampling.jfc"
  for pass in $(seq 16); do
    [ "$pass" = 7 ] && run jcmd "$JPID" JFR.start name=pop3-warm settings="$RUN/sampling.jfc" filename="$RUN/pop3-warm.jfr" >&2
    python3 "$ANCHORS/pop3_retr.py" "$ADDR" "$POP3_PORT" --user "pop@$DOMAIN" --password "$PASSWORD" --mode raw --window 32 \
      --label "postern/warm-pass-$pass" --out "$RUN/warm-passes.jsonl" > /dev/null || true
  done
  run jcmd "$JPID" JFR.stop name=pop3-warm >&2
  grep -o '"label": "[^"]*"\|"retr_msgs_per_s": [0-9.]*' "$RUN/warm-passes.jsonl" | paste - - >&2
fi

jfr start under-load profile
smtp-source -4 -s "$SESSIONS" -m "$LOAD_MSGS" -l "$SIZE" -t "load@$DOMAIN" -f sender@elsewhere.test \
  "inet:$ADDR:$SMTP_PORT" > /dev/null &
LOAD_PID=$!
run python3 "$BENCH/pop3_probe.py" "$ADDR" "$POP3_PORT" --user "inbox@$DOMAIN" --password "$PASSWORD" --retr \
  --while-pid $LOAD_PID --probes 3 --label postern/under-load --out "$RESULTS" || true
wait $LOAD_PID || say "smtp-source (load) failed"
jfr stop under-load

echo "{\"label\": \"postern/memory\", \"rss_mb\": $(awk '/VmRSS/ {print int($2/1024)}' /proc/$JPID/status)}" >> "$RESULTS"
if [ "${NMT:-0}" = 1 ]; then
  { jstat -gc "$JPID"; jcmd "$JPID" GC.heap_info; jcmd "$JPID" VM.native_memory summary
    jcmd "$JPID" GC.class_histogram | head -n 30; } \
    > "$RUN/memory.txt" 2>&1 || true
  cat "$RUN/memory.txt" >&2
fi
kill $PID; wait $PID 2>/dev/null || true; PID=

# ---------------------------------------------------------------- the yardstick: Postfix -> LMTP -> Dovecot
if [ "${WITH_YARDSTICK:-1}" = 1 ]; then
  export LD_RUN="$RUN/yardstick" OUT="$RUN/yardstick.jsonl"
  # shellcheck source=/dev/null
  source "$LOCAL/env-local.sh"
  "$LOCAL/dovecot-local.sh" start >&2
  "$LOCAL/postfix-local.sh" start >&2
  ld_deliver() {  # ld_deliver LABEL USER N [keep]  (the harness names files after the label: no slash in it)
    LD_USER=$2 MSGS=$3 "$LOCAL/bench-local.sh" deliver "${1//\//-}" ${4:-} > "$RUN/ld.json"
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r["label"]=sys.argv[2]; print(json.dumps(r))' \
      "$RUN/ld.json" "$1" >> "$RESULTS"
  }
  [ "$WARMUP_MSGS" -gt 0 ] && ld_deliver yardstick/warm-up warm "$WARMUP_MSGS"
  ld_deliver yardstick/deliver inbox "$MSGS"
  ld_deliver yardstick/pop3-fill pop "$POP3_N"
  # the first session after delivery moves new/ to cur/: let it happen before timing (Postern has no such step)
  python3 "$BENCH/pop3_probe.py" "$LD_DV_ADDR" "$LD_POP3_PORT" --user "pop@$LD_DOMAIN" --password "$LD_PASS" \
    --probes 1 --timeout 120 > /dev/null || true
  python3 "$BENCH/pop3_probe.py" "$LD_DV_ADDR" "$LD_POP3_PORT" --user "inbox@$LD_DOMAIN" --password "$LD_PASS" \
    --probes 1 --timeout 120 > /dev/null || true
  python3 "$ANCHORS/pop3_retr.py" "$LD_DV_ADDR" "$LD_POP3_PORT" --user "pop@$LD_DOMAIN" --password "$LD_PASS" \
    --mode raw --window 32 > /dev/null || true
  for _ in $(seq "$POP3_PASSES"); do
    run python3 "$ANCHORS/pop3_retr.py" "$LD_DV_ADDR" "$LD_POP3_PORT" --user "pop@$LD_DOMAIN" --password "$LD_PASS" \
      --mode poplib --label dovecot/poplib --out "$RESULTS" || true
  done
  for _ in $(seq "$POP3_PASSES"); do
    run python3 "$ANCHORS/pop3_retr.py" "$LD_DV_ADDR" "$LD_POP3_PORT" --user "pop@$LD_DOMAIN" --password "$LD_PASS" \
      --mode raw --window 32 --label dovecot/pipelined --out "$RESULTS" || true
  done
  run python3 "$BENCH/pop3_probe.py" "$LD_DV_ADDR" "$LD_POP3_PORT" --user "pop@$LD_DOMAIN" --password "$LD_PASS" \
    --probes 5 --label dovecot/login-stat --out "$RESULTS" || true
  "$LOCAL/dovecot-local.sh" empty load
  smtp-source -4 -s "$SESSIONS" -m "$LOAD_MSGS" -l "$SIZE" -t "load@$LD_DOMAIN" -f sender@elsewhere.test \
    "inet:$LD_PF_ADDR:$LD_PF_PORT" > /dev/null &
  LOAD_PID=$!
  run python3 "$BENCH/pop3_probe.py" "$LD_DV_ADDR" "$LD_POP3_PORT" --user "inbox@$LD_DOMAIN" --password "$LD_PASS" \
    --retr --while-pid $LOAD_PID --probes 3 --label dovecot/under-load --out "$RESULTS" || true
  wait $LOAD_PID || say "smtp-source (load) failed"
  "$LOCAL/postfix-local.sh" flush-wait 120 >&2 || true
  # every process of both servers (the masters and their children), proportional set sizes: shared pages
  # counted once, not once per process
  pf_master=$(tr -d ' ' < "$LD_RUN/postfix/queue/pid/master.pid")
  dv_master=$(cat "$LD_RUN/pids/ld-dovecot.pid")
  rss_kb=0
  for p in $(ps -e -o pid=,ppid= | awk -v a="$pf_master" -v b="$dv_master" '$1==a || $1==b || $2==a || $2==b {print $1}'); do
    rss_kb=$((rss_kb + $(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)))
  done
  echo "{\"label\": \"yardstick/memory\", \"rss_mb\": $((rss_kb / 1024))}" >> "$RESULTS"
fi

python3 "$BENCH/local_summary.py" "$RESULTS"
