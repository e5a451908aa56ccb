#!/usr/bin/env bash
# Benchmark: Postern as a relay, side by side with Postfix doing the same job in the same run.
#   smtp-source (SESSIONS sessions, MSGS messages of SIZE bytes, one recipient each) -> gateway
#   -> MX lookup in a local dnsmasq (sink.test MX 10 mx1.sink.test = 127.0.0.20) -> smtp-sink on loopback.
# Reports, per gateway: accepted/s (all 250s received), delivered/s (until smtp-sink counted them all), and the
# p50/p99 acceptance-to-delivery delay of the measured run, read from each gateway's own log (Postfix's
# maillog delay=, Postern's org.postern.delivery.maillog delay=, both counted from acceptance).
# Uses the shared harness (../shared/bench-anchors: dns.sh, sink.sh, postfix-gw.sh, bench-relay.sh, drive_smtp.py).
# Run by hand (never in CI), as root. Only 127.0.0.0/8 is used. Every server started here is stopped by PID.
# Knobs: MSGS (20000) SESSIONS (20) SIZE (2048) WARMUP_MSGS (2000) ADDR (127.0.0.32) BENCH_ANCHORS
#        WITH_POSTFIX (1) POSTERN_JAVA_OPTS (-Xmx2g)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ANCHORS=${BENCH_ANCHORS:-$ROOT/../shared/bench-anchors}
export MSGS=${MSGS:-20000} SESSIONS=${SESSIONS:-20} SIZE=${SIZE:-2048}
WARMUP_MSGS=${WARMUP_MSGS:-2000}
ADDR=${ADDR:-127.0.0.32}
RUN=$(mktemp -d /tmp/postern-relay.XXXXXX)
chmod 755 "$RUN"   # the private Postfix reaches its folders below as the postfix user
export BENCH_RUN="$RUN/anchors" OUT="$RUN/relay.jsonl" RUNS=1 PAUSE=2
say() { printf '%s\n' "$*" >&2; }
command -v smtp-source >/dev/null || { say "needs smtp-source: apt-get install postfix"; exit 1; }
[ -x "$ANCHORS/bench-relay.sh" ] || { say "needs $ANCHORS (set BENCH_ANCHORS)"; exit 1; }
# shellcheck source=/dev/null
source "$ANCHORS/env.sh"

PID=
cleanup() {
  [ -n "$PID" ] && { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; }
  (cd "$ANCHORS" && ./sink.sh stop >&2 || true; ./dns.sh stop >&2 || true)
  say "logs and data: $RUN"
}
trap cleanup EXIT
(cd "$ANCHORS" && ./dns.sh start >&2 && ./sink.sh start >&2)

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
POSTERN_JAVA_OPTS="${POSTERN_JAVA_OPTS:--Xmx2g}" "$ROOT/bin/postern" start --conf "$RUN/conf" --data "$RUN/data" > "$RUN/postern.log" 2>&1 &
PID=$!
for _ in $(seq 1200); do
  (exec 3<>"/dev/tcp/$ADDR/25") 2>/dev/null && break
  kill -0 $PID 2>/dev/null || { cat "$RUN/postern.log" >&2; exit 1; }
  sleep 0.1
done

# p50/p99 of the delay= of the last $MSGS delivered messages in a log (the measured run follows the warm-up)
delays() { python3 - "$1" "$MSGS" <<'PY'
import re, sys
d = [float(m.group(1)) for line in open(sys.argv[1], errors="replace") if "status=sent" in line
     for m in [re.search(r"delay=([0-9.]+)", line)] if m][-int(sys.argv[2]):]
d.sort()
q = lambda p: d[min(len(d) - 1, int(p * len(d)))] if d else float("nan")
print(f"{len(d)} delivered: p50 {q(0.50):.2f}s p99 {q(0.99):.2f}s max {d[-1] if d else float('nan'):.2f}s")
PY
}

WARMUP_MSGS=$WARMUP_MSGS "$ANCHORS/bench-relay.sh" gateway postern "$ADDR" 25
say "postern acceptance-to-delivery: $(delays "$RUN/postern.log")"
kill $PID; wait $PID 2>/dev/null || true; PID=

if [ "${WITH_POSTFIX:-1}" = 1 ]; then
  WARMUP_MSGS=$WARMUP_MSGS "$ANCHORS/bench-relay.sh" postfix
  say "postfix acceptance-to-delivery: $(delays "$BENCH_RUN/postfix/maillog")"
fi
python3 - "$OUT" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(f"{r.get('label')}: accepted/s {r.get('accepted_per_s')}, delivered/s {r.get('delivered_per_s')}, "
          f"drain after accept {r.get('drain_after_accept_s')}s, cpu busy {r.get('cpu_busy_pct_total')}% (before: {r.get('cpu_busy_pct_before')}%)")
PY
