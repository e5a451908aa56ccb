#!/usr/bin/env bash
# Benchmark: Postern as a relay, side by side with Postfix doing the same job in the same run.
#   smtp-source (SESSIONS sessions, MSGS messages of SIZE bytes, one recipient each) -> gateway
#   -> MX lookup in a local dnsmasq (sink.test MX 10 mx1.sink.test = 127.0.0.20) -> smtp-sink on loopback.
# Per gateway, for the measured run (after a warm-up of WARMUP_MSGS): accepted/s (all 250s received), delivered/s
# (until smtp-sink counted them all), delivered/s per quarter of the run (is it flat?), p50/p99 acceptance-to-delivery
# from the gateway's own log (Postfix's maillog delay=, Postern's org.postern.delivery.maillog delay=), and the
# gateway's CPU seconds per delivered message (its whole process tree: the JVM; Postfix's master and children);
# then the ratios Postern/Postfix.
# Uses the shared harness (../shared/bench-anchors: dns.sh, sink.sh, postfix-gw.sh, bench-relay.sh, drive_smtp.py).
# Run by hand (never in CI), as root. Only 127.0.0.0/8 is used. Every server started here is stopped by PID.
# Knobs: MSGS (20000) SESSIONS (20) SIZE (2048) WARMUP_MSGS (2000) ADDR (127.0.0.32) BENCH_ANCHORS
#        WITH_POSTFIX (1) POSTERN_JAVA_OPTS (as bin/postern)
#        PROFILE=file.jfr: a JFR recording of Postern's measured run (1 ms method sampling, stack depth 256); read it
#        with java bench/JfrTop.java FILE (--cat name=regex ...)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HERE="$ROOT/bench"
ANCHORS=${BENCH_ANCHORS:-$ROOT/../shared/bench-anchors}
export MSGS=${MSGS:-20000} SESSIONS=${SESSIONS:-20} SIZE=${SIZE:-2048}
WARMUP_MSGS=${WARMUP_MSGS:-2000}
ADDR=${ADDR:-127.0.0.32}
RUN=$(mktemp -d /tmp/postern-relay.XXXXXX)
chmod 755 "$RUN"   # the private Postfix reaches its folders below as the postfix user
export BENCH_RUN="$RUN/anchors" RUNS=1 PAUSE=2
RESULTS="$RUN/results.jsonl"
say() { printf '%s\n' "$*" >&2; }
command -v smtp-source >/dev/null || { say "needs smtp-source: apt-get install postfix"; exit 1; }
[ -x "$ANCHORS/bench-relay.sh" ] || { say "needs $ANCHORS (set BENCH_ANCHORS)"; exit 1; }
# shellcheck source=/dev/null
source "$ANCHORS/env.sh"

PID= SAMPLER=
cleanup() {
  [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null
  [ -n "$PID" ] && { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; }
  (cd "$ANCHORS" && ./postfix-gw.sh stop >&2 2>/dev/null || true; ./sink.sh stop >&2 || true; ./dns.sh stop >&2 || true)
  say "logs and data: $RUN"
}
trap cleanup EXIT
(cd "$ANCHORS" && ./dns.sh start >&2 && ./sink.sh start >&2)

# p50/p99 of the delay= of the last $MSGS delivered messages in a log (the measured run follows the warm-up)
delays() { python3 - "$1" "$MSGS" <<'PY'
import json, re, sys
d = [float(m.group(1)) for line in open(sys.argv[1], errors="replace") if "status=sent" in line
     for m in [re.search(r"delay=([0-9.]+)", line)] if m][-int(sys.argv[2]):]
d.sort()
q = lambda p: d[min(len(d) - 1, int(p * len(d)))] if d else None
print(json.dumps({"p50_s": q(0.50), "p99_s": q(0.99)}))
PY
}

sink_count() { tail -c 200 "$BENCH_RUN/sink/counter" 2>/dev/null | tr '\r' '\n' | grep -o 'mesg=[0-9]*' | tail -1 | cut -d= -f2; }

# measure LABEL HOST PORT ROOT_PID LOG [JFR_PID]: warm-up, then the measured run with CPU and sink samples around it
measure() {
  local label=$1 host=$2 port=$3 root=$4 log=$5 jfr=${6:-} cpu0 cpu1 base t0 warmup=$WARMUP_MSGS
  RUNS=1 WARMUP_MSGS=0 MSGS=$warmup OUT="$RUN/warmup.jsonl" BENCH_LABEL="$label-warmup" \
    "$ANCHORS/bench-relay.sh" gateway "$label-warmup" "$host" "$port"
  [ -n "$jfr" ] && jcmd "$jfr" JFR.start name=bench settings="$RUN/sampling.jfc" filename="$PROFILE" >&2
  python3 "$HERE/sink_sampler.py" "$BENCH_RUN/sink/counter" "$RUN/$label.samples" & SAMPLER=$!
  base=$(sink_count); t0=$(date +%s.%N)
  cpu0=$(python3 "$HERE/proc_cpu.py" "$root")
  RUNS=1 WARMUP_MSGS=0 OUT="$RUN/$label.jsonl" "$ANCHORS/bench-relay.sh" gateway "$label" "$host" "$port"
  cpu1=$(python3 "$HERE/proc_cpu.py" "$root")
  [ -n "$jfr" ] && jcmd "$jfr" JFR.stop name=bench >&2
  kill "$SAMPLER"; wait "$SAMPLER" 2>/dev/null || true; SAMPLER=
  python3 - "$RUN/$label.jsonl" "$RUN/$label.samples" "$cpu0" "$cpu1" "$(delays "$log")" "${base:-0}" "$t0" >> "$RESULTS" <<'PY'
import json, sys
run = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
samples = [tuple(map(float, line.split())) for line in open(sys.argv[2]) if line.strip()]
msgs = run["msgs"]
base = int(sys.argv[6])
quarters = []
if samples:
    t0 = float(sys.argv[7])
    marks = [t0]
    for q in (1, 2, 3, 4):
        target = base + q * msgs / 4
        hit = next((t for t, n in samples if n >= target), None)
        marks.append(hit)
    for a, b in zip(marks, marks[1:]):
        quarters.append(round(msgs / 4 / (b - a), 1) if a is not None and b is not None and b > a else None)
run["delivered_per_s_by_quarter"] = quarters
run["cpu_s_per_delivered"] = round((float(sys.argv[4]) - float(sys.argv[3])) / max(1, run.get("delivered") or msgs), 5)
run.update(json.loads(sys.argv[5]))
print(json.dumps(run))
PY
}

# Postern: a conf copy on $ADDR:25, relaying for 127.0.0.0/8, DNS = the bench dnsmasq, maillog kept.
mkdir -p "$RUN/conf"
cp -R "$ROOT"/james-conf/* "$RUN/conf/"
sed -i "s/0\.0\.0\.0:25</$ADDR:25</; s/0\.0\.0\.0:587</$ADDR:10587</; s/0\.0\.0\.0:465</$ADDR:10465</" "$RUN/conf/smtpserver.xml"
sed -i "s/<authorizedAddresses>[^<]*</<authorizedAddresses>127.0.0.0\/8</" "$RUN/conf/smtpserver.xml"
sed -i "s/0\.0\.0\.0:110</$ADDR:10110</; s/0\.0\.0\.0:995</$ADDR:10995</" "$RUN/conf/pop3server.xml"
sed -i "s/^host=.*/host=$ADDR/" "$RUN/conf/webadmin.properties"
sed -i 's/level="INFO"/level="WARN"/; s#</configuration>#    <logger name="org.postern.delivery.maillog" level="INFO"/>\n</configuration>#' "$RUN/conf/logback.xml"
printf '<dnsservice><servers><server>%s</server></servers><autodiscover>false</autodiscover><timeout>2s</timeout></dnsservice>\n' "$DNS_ADDR" > "$RUN/conf/dnsservice.xml"

(cd "$ROOT" && mvn -B -q -o -DskipTests package) >&2 && touch "$ROOT/server/target/postern-server.jar"
if [ -n "${PROFILE:-}" ]; then
  sed 's/<setting name="period" control="method-sampling-java-interval">[^<]*</<setting name="period" control="method-sampling-java-interval">1 ms</' \
    "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc" > "$RUN/sampling.jfc"
  POSTERN_JAVA_OPTS="${POSTERN_JAVA_OPTS:-} -XX:FlightRecorderOptions=stackdepth=256"
fi
POSTERN_JAVA_OPTS="${POSTERN_JAVA_OPTS:-}" "$ROOT/bin/postern" start --conf "$RUN/conf" --data "$RUN/data" > "$RUN/postern.log" 2>&1 &
PID=$!
for _ in $(seq 1200); do
  (exec 3<>"/dev/tcp/$ADDR/25") 2>/dev/null && break
  kill -0 $PID 2>/dev/null || { cat "$RUN/postern.log" >&2; exit 1; }
  sleep 0.1
done
measure postern "$ADDR" 25 "$PID" "$RUN/postern.log" "${PROFILE:+$PID}"
kill $PID; wait $PID 2>/dev/null || true; PID=

if [ "${WITH_POSTFIX:-1}" = 1 ]; then
  (cd "$ANCHORS" && ./postfix-gw.sh start >&2)
  measure postfix "$PF_ADDR" "$PF_PORT" "$(tr -d ' ' < "$BENCH_RUN/postfix/queue/pid/master.pid")" "$BENCH_RUN/postfix/maillog"
  (cd "$ANCHORS" && ./postfix-gw.sh stop >&2)
fi

python3 - "$RESULTS" <<'PY'
import json, sys
rows = {r["label"]: r for r in map(json.loads, open(sys.argv[1]))}
keys = [("accepted_per_s", "accepted/s"), ("delivered_per_s", "delivered/s"), ("p50_s", "p50 accept->delivery s"),
        ("p99_s", "p99 accept->delivery s"), ("cpu_s_per_delivered", "gateway CPU s/delivered"),
        ("cpu_busy_pct_before", "machine busy before %")]
print("| | " + " | ".join(name for _, name in keys) + " | delivered/s by quarter |")
print("| --- " * (len(keys) + 2) + "|")
for label, r in rows.items():
    print(f"| {label} | " + " | ".join(str(r.get(k)) for k, _ in keys) + f" | {r.get('delivered_per_s_by_quarter')} |")
if "postern" in rows and "postfix" in rows:
    a, b = rows["postern"], rows["postfix"]
    ratio = lambda k: f"{a[k] / b[k]:.2f}" if a.get(k) and b.get(k) else "n/a"
    print(f"| Postern/Postfix | " + " | ".join(ratio(k) for k, _ in keys[:5]) + " | | |")
PY
