#!/usr/bin/env bash
# Benchmark: does a 100,000-entry relay recipient list slow down SMTP acceptance?
# Two configurations, started in turn, ROUNDS times each (A B A B ...) so that both see the same machine:
#   A  relay domain bench-relay.test verify="accept-all"            (no list)
#   B  relay domain bench-relay.test verify="list", 100,000 entries  (the recipient is entry number 99,999)
# In each, smtp-source (SESSIONS sessions, MSGS messages of SIZE bytes) sends to the relay-domain recipient from
# 127.0.0.1 (the list applies to every client), then to a local user; accepted/s is MSGS over the time until every 250 was received.
# transport.xml discards the relay domain's mail after acceptance, so the rate is that of acceptance and queueing.
# Run by hand (never in CI), as root. Only 127.0.0.0/8 is used.
# Then the RCPT decision alone: bench/rcpt_rate.py sends RCPTS recipients (no DATA) over SESSIONS sessions.
# Knobs: MSGS (10000) SESSIONS (20) SIZE (2048) ROUNDS (2) ENTRIES (100000) WARMUP (2000) RCPTS (100000) ADDR (127.0.0.40)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MSGS=${MSGS:-10000} SESSIONS=${SESSIONS:-20} SIZE=${SIZE:-2048} ROUNDS=${ROUNDS:-2} ENTRIES=${ENTRIES:-100000} WARMUP=${WARMUP:-2000} RCPTS=${RCPTS:-100000}
ADDR=${ADDR:-127.0.0.40}
RUN=$(mktemp -d /tmp/postern-acceptance.XXXXXX)
command -v smtp-source >/dev/null || { echo "needs smtp-source: apt-get install postfix" >&2; exit 1; }
say() { printf '%s\n' "$*" >&2; }

(cd "$ROOT" && mvn -B -q -o -DskipTests package) >&2 && touch "$ROOT/server/target/postern-server.jar"
python3 - "$RUN/list.txt" "$ENTRIES" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(f"r{i}@bench-relay.test\n")
PY

make_conf() { # $1 = dir, $2 = verify
  mkdir -p "$1"; cp -R "$ROOT"/james-conf/* "$1/"
  sed -i "s/0\.0\.0\.0:25</$ADDR:25</; s/0\.0\.0\.0:587</$ADDR:10587</; s/0\.0\.0\.0:465</$ADDR:10465</" "$1/smtpserver.xml"
  sed -i "s/0\.0\.0\.0:110</$ADDR:110</; s/0\.0\.0\.0:995</$ADDR:10995</" "$1/pop3server.xml"
  sed -i "s/^host=.*/host=$ADDR/" "$1/webadmin.properties"
  sed -i 's/level="INFO"/level="WARN"/' "$1/logback.xml"
  echo "<relaydomains><domain name='bench-relay.test' verify='$2'/></relaydomains>" > "$1/relaydomains.xml"
  echo "<transport><route domain='bench-relay.test' action='discard'/></transport>" > "$1/transport.xml"
  cp "$RUN/list.txt" "$1/relay-recipients.txt"
}

measure() { # $1 = label, $2 = verify
  local conf="$RUN/$1/conf" data="$RUN/$1/data"
  make_conf "$conf" "$2"
  POSTERN_JAVA_OPTS="-Xmx2g" "$ROOT/bin/postern" start --conf "$conf" --data "$data" > "$RUN/$1.log" 2>&1 &
  local pid=$!
  trap "kill $pid 2>/dev/null; wait $pid 2>/dev/null; say 'logs: $RUN'" EXIT
  for _ in $(seq 1200); do (exec 3<>"/dev/tcp/$ADDR/8000") 2>/dev/null && break; kill -0 $pid || { cat "$RUN/$1.log" >&2; exit 1; }; sleep 0.1; done
  curl -sS -f -X PUT "http://$ADDR:8000/domains/bench.test" >/dev/null || true
  curl -sS -f -X PUT -H "Content-Type: application/json" "http://$ADDR:8000/users/inbox@bench.test" -d '{"password":"bench"}' >/dev/null
  # warm-up (JIT, database caches), not measured
  smtp-source -c -s "$SESSIONS" -m "$WARMUP" -l "$SIZE" -f sender@elsewhere.test -t r99999@bench-relay.test "$ADDR:25" > /dev/null 2>&1 || true
  sleep 5
  for target in r99999@bench-relay.test inbox@bench.test; do
    local t0 t1
    t0=$(date +%s.%N)
    smtp-source -c -s "$SESSIONS" -m "$MSGS" -l "$SIZE" -f sender@elsewhere.test -t "$target" "$ADDR:25" > "$RUN/$1.$target.out" 2>&1 || true
    t1=$(date +%s.%N)
    python3 -c "import sys; print(f'$1 verify=$2 to $target: accepted/s {$MSGS/($t1-$t0):.0f} ({$t1-$t0:.1f} s)')"
    sleep 5 # let the spool drain a little before the next target
  done
  # the RCPT decision alone (no DATA): the list lookup is on this path only
  sleep 5
  echo "$1 verify=$2 RCPT only: $(python3 "$ROOT/bench/rcpt_rate.py" "$ADDR" 25 r99999@bench-relay.test "$RCPTS" "$SESSIONS" 120)"
  kill $pid; wait $pid 2>/dev/null || true
  trap - EXIT
}

for round in $(seq "$ROUNDS"); do
  measure "A$round" accept-all
  measure "B$round" list
done
say "logs: $RUN"
