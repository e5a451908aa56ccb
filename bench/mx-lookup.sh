#!/usr/bin/env bash
# Benchmark: MX resolution per second on one thread (org.postern.dns.MxLookupBench), from a warm cache and cold
# (every lookup answered by a DNS server on loopback). Run by hand; prints the command it runs.
# Usage: bench/mx-lookup.sh [SECONDS per phase, default 10] [COLD_DOMAINS, default 20000]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
(cd "$ROOT" && mvn -B -q -DskipTests install) >&2
CP=$(cd "$ROOT/mailets" && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
set -x
taskset -c 0 java -cp "$ROOT/mailets/target/test-classes:$ROOT/mailets/target/classes:$CP" org.postern.dns.MxLookupBench "${1:-10}" "${2:-20000}"
