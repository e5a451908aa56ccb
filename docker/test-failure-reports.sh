#!/usr/bin/env bash
# docker/test-failure-reports.sh: docker/test.sh and docker/extension/test.sh say why they stop. Each runs here on a
# scratch copy of the tree, with stand-ins for the tools that fail the way a bare machine does (podman without
# netavark, dnsmasq that cannot bind port 53), and must end with one "FAIL: <step>: <why>" line naming the cause.
# Needs nothing but bash; takes a few seconds; run by .ci/run before the real thing.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRATCH=$(mktemp -d /tmp/postern-failure-reports.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
STUBS="$SCRATCH/bin"
mkdir -p "$STUBS" "$SCRATCH/tree"
cp -R "$ROOT/docker" "$ROOT/james-conf" "$SCRATCH/tree/"

stub() { # NAME BODY
    printf '#!/usr/bin/env bash\n%s\n' "$2" > "$STUBS/$1"
    chmod +x "$STUBS/$1"
}

expect_failure() { # WHAT EXPECTED-TEXT SCRIPT: runs SCRIPT in the scratch tree, checks its FAIL line
    local what=$1 expected=$2 script=$3 status=0
    (cd "$SCRATCH/tree" && PATH="$STUBS:$PATH" bash "$script") > "$SCRATCH/out" 2>&1 || status=$?
    local fail_lines
    fail_lines=$(grep -c '^FAIL: ' "$SCRATCH/out" || true)
    if [ $status = 0 ] || [ "$fail_lines" != 1 ] || ! grep '^FAIL: ' "$SCRATCH/out" | grep -qF -- "$expected"; then
        cat "$SCRATCH/out" >&2
        echo "FAIL: $what: expected a non-zero exit and one FAIL line with '$expected' (exit $status, $fail_lines FAIL lines)" >&2
        exit 1
    fi
    echo "ok: $what: $(grep '^FAIL: ' "$SCRATCH/out")"
}

# --- docker/test.sh: the image is there, but no container starts (podman without netavark)
mkdir -p "$SCRATCH/tree/server/target/lib" && touch "$SCRATCH/tree/server/target/postern-server.jar"
stub podman 'case "$*" in
  *"image exists"*) exit 0;;
  *"container exists"*) exit 1;;
  *"Config.User"*) echo 10025:10025;;
  *ExposedPorts*) echo "{\"995/tcp\":{}}";;
  *"image inspect"*) echo sha256:1;;
  *" run "*) echo "Error: netavark: No such file or directory (os error 2)" >&2; exit 126;;
esac'
stub buildah 'case "$*" in *inspect*) echo "{[CMD-SHELL true] 1s 1s 0s 1}";; esac'
stub runc 'exit 0'
stub debootstrap 'exit 0'
# (where netavark, aardvark-dns, iptables or curl are missing, docker/test.sh stops before, naming the missing one)
expected="netavark: No such file or directory"
for needed in /usr/lib/podman/netavark /usr/lib/podman/aardvark-dns "$(command -v iptables || echo iptables)" "$(command -v curl || echo curl)"; do
    [ -x "$needed" ] || expected="prerequisites: "
done
expect_failure "docker/test.sh, podman cannot run a container" "$expected" docker/test.sh

# --- docker/extension/test.sh: James's classpath resolves, dnsmasq cannot bind port 53
mkdir -p "$SCRATCH/tree/docker/extension/target/postern-extension/extensions-jars" "$SCRATCH/tree/docker/extension/target/postern-extension/conf"
touch "$SCRATCH/tree/docker/extension/target/postern-extension/extensions-jars/postern-mailets-0.jar" \
    "$SCRATCH/tree/docker/extension/target/postern-extension/conf/smtpserver.xml"
stub mvn 'for arg; do case "$arg" in -Dmdep.outputFile=*) echo /repo/james-server-memory-app-3.8.1.jar > "${arg#-Dmdep.outputFile=}";; esac; done'
stub dnsmasq 'echo "dnsmasq: failed to create listening socket for port 53: Permission denied" >&2; exit 2'
stub python3 'exec sleep 30'
for tool in java keytool curl; do command -v "$tool" > /dev/null || stub "$tool" 'exit 0'; done
expect_failure "docker/extension/test.sh, dnsmasq cannot bind port 53" "dnsmasq on 127.0.0.77:53 did not start" docker/extension/test.sh
