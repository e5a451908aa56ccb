#!/usr/bin/env bash
# docker/test.sh: the Docker image tested for real, with buildah and podman (no Docker engine needed; run as root).
#
#   1. a JRE 17 base image made locally from Debian packages (debootstrap + podman import), kept as postern-base
#   2. the Postern image built from docker/Dockerfile with that base as BASE_IMAGE, from the jars Maven built
#   3. the entrypoint: POSTERN_* variables become conf, bad values stop it with status 2
#   4. the container: health check, SMTP to the published port (foreign recipient refused; with relay-domain
#      support in james-conf/, a POSTERN_RELAY_DOMAINS domain accepted), POP3 back, restart, POP3 again from the
#      volume; a mounted conf file is used and left untouched
#   4b. with POSTERN_TEST_POSTGRES_URL/_USER/_PASSWORD set (.ci/run does): the container on that PostgreSQL through
#      POSTERN_DB_* (its own database, dropped at the end), tables and the POSTERN_LOCAL_DOMAINS domain written there;
#      then a second container on the same database (two nodes, POSTERN_NODE_NAME): a message sent to the first is
#      read over POP3 from the second, and the shared ledger names the node it arrived on
#   5. docker/compose.yaml and docker/extension/compose.yaml parse and name only existing paths
#
# Needs: server/target (mvn -DskipTests package), buildah, podman, runc, debootstrap, curl, python3-yaml (psql for 4b).
# Every wait is bounded; only the container, volume and files made here are removed at the end. Whatever fails says
# so on one line, "FAIL: <step>: <why>" (a command that fails unexpectedly is named with its status and line).
set -Eeuo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BASE_IMAGE=${POSTERN_TEST_BASE_IMAGE:-localhost/postern-base}
IMAGE=localhost/postern:test
NAME=postern-test-$$
VOLUME=postern-test-data-$$
PORT_BASE=${POSTERN_TEST_PORT_BASE:-12000}
SMTP_PORT=$((PORT_BASE + 25))
POP3_PORT=$((PORT_BASE + 110))
ADMIN_PORT=$((PORT_BASE + 800))
PODMAN=(podman --runtime runc)
# crun fails on cgroups and rlimits on these machines: runc with explicit limits (DESIGN.md, Containers).
RUN_LIMITS=(--ulimit nofile=1024:4096 --ulimit nproc=4096:4096)
WORK=$(mktemp -d /tmp/postern-docker-test.XXXXXX)
PG_CONTAINER=""
PG_CONTAINER_2=""
PG_DB_CREATED=""
START=$SECONDS

STEP="start"
step() { STEP=$*; echo "== [$((SECONDS - START))s] $*"; }
# One FAIL line per run, from wherever it failed first (command substitutions included: the marker is a file).
fail() {
    [ -e "$WORK/failed" ] || echo "FAIL: $STEP: $*" >&2
    : > "$WORK/failed"
    exit 1
}
on_error() { # STATUS LINE COMMAND: a command failed under set -e without a fail of its own
    [ -e "$WORK/failed" ] || echo "FAIL: $STEP: '$3' exited with status $1 (docker/test.sh line $2)" >&2
    : > "$WORK/failed"
}
trap 'on_error $? $LINENO "$BASH_COMMAND"' ERR

cleanup() {
    status=$?
    if [ $status -ne 0 ] && "${PODMAN[@]}" container exists "$NAME" 2>/dev/null; then
        echo "--- container log (last 40 lines)" >&2
        "${PODMAN[@]}" logs "$NAME" 2>&1 | tail -n 40 >&2 || true
    fi
    "${PODMAN[@]}" rm -f -v -t 5 "$NAME" >/dev/null 2>&1 || true
    [ -z "$PG_CONTAINER" ] || "${PODMAN[@]}" rm -f -v -t 5 "$PG_CONTAINER" >/dev/null 2>&1 || true
    [ -z "$PG_CONTAINER_2" ] || "${PODMAN[@]}" rm -f -v -t 5 "$PG_CONTAINER_2" >/dev/null 2>&1 || true
    [ -z "$PG_DB_CREATED" ] || psql_as -d postgres -c "DROP DATABASE IF EXISTS $PG_DB_CREATED" >/dev/null 2>&1 || true
    "${PODMAN[@]}" volume rm -f "$VOLUME" >/dev/null 2>&1 || true
    rm -rf "$WORK"
    exit $status
}
trap cleanup EXIT

step "prerequisites"
[ -f server/target/postern-server.jar ] && [ -d server/target/lib ] \
    || fail "server/target/postern-server.jar missing: run 'mvn -DskipTests package' first"
for tool in buildah podman runc debootstrap curl; do
    command -v "$tool" > /dev/null || fail "$tool not installed (.ci/run installs it)"
done
for helper in /usr/lib/podman/netavark /usr/lib/podman/aardvark-dns; do
    [ -x "$helper" ] || fail "$helper not installed: podman cannot start a container without it (.ci/run installs it)"
done
command -v iptables > /dev/null || fail "iptables not installed: podman's netavark needs it to publish ports (.ci/run installs it)"

# --- 1. base image -------------------------------------------------------------------------------------------
debian_mirror() {
    local uri=""
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
    elif [ -f /etc/apt/sources.list ]; then
        uri=$(awk '/^deb / { print $2; exit }' /etc/apt/sources.list)
    fi
    echo "${uri:-http://deb.debian.org/debian}"
}

if [ "$BASE_IMAGE" = localhost/postern-base ] && ! "${PODMAN[@]}" image exists postern-base; then
    step "base image: debootstrap bookworm with openjdk-17-jre-headless from $(debian_mirror)"
    rootfs="$WORK/rootfs"
    timeout 420 debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$rootfs" "$(debian_mirror)" \
        > "$WORK/debootstrap.log" 2>&1 || { tail -n 20 "$WORK/debootstrap.log" >&2; fail "debootstrap"; }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | timeout 120 "${PODMAN[@]}" import - postern-base >/dev/null
    rm -rf "$rootfs"
else
    step "base image: $BASE_IMAGE (kept from an earlier run)"
fi

# --- 2. Postern image ----------------------------------------------------------------------------------------
step "build $IMAGE from docker/Dockerfile with BASE_IMAGE=$BASE_IMAGE"
previous=$("${PODMAN[@]}" image inspect "$IMAGE" --format '{{.Id}}' 2>/dev/null || true)
timeout 300 buildah bud --isolation chroot --format docker --build-arg BASE_IMAGE="$BASE_IMAGE" \
    -f docker/Dockerfile -t "$IMAGE" . > "$WORK/build.log" 2>&1 || { tail -n 30 "$WORK/build.log" >&2; fail "buildah bud"; }
if [ -n "$previous" ] && [ "$previous" != "$("${PODMAN[@]}" image inspect "$IMAGE" --format '{{.Id}}')" ]; then
    "${PODMAN[@]}" rmi "$previous" > /dev/null 2>&1 || true   # this script's image of an earlier run
fi
[ "$("${PODMAN[@]}" image inspect "$IMAGE" --format '{{.Config.User}}')" = "10025:10025" ] || fail "image user is not 10025"
"${PODMAN[@]}" image inspect "$IMAGE" --format '{{json .Config.ExposedPorts}}' | grep -q '"995/tcp"' || fail "ports not exposed"
"${PODMAN[@]}" image inspect "$IMAGE" --format '{{json .Config.ExposedPorts}}' | grep -q '8000' && fail "webadmin exposed"
[ -n "$(buildah inspect --format '{{.Docker.Config.Healthcheck}}' "$IMAGE")" ] || fail "no HEALTHCHECK"

# --- 3. entrypoint: variables into conf ----------------------------------------------------------------------
show_conf() { # FILE, then podman run options
    local file=$1 status=0; shift
    timeout 60 "${PODMAN[@]}" run --rm "${RUN_LIMITS[@]}" "$@" "$IMAGE" show-conf "$file" 2> "$WORK/show-conf.err" || status=$?
    [ $status = 0 ] || fail "podman run ... show-conf $file exited with status $status: $(tail -n 3 "$WORK/show-conf.err" | tr '\n' ' ')"
}
expect_in() { # TEXT WHAT: TEXT contains WHAT
    grep -qF -- "$2" <<<"$1" || { echo "$1" >&2; fail "expected '$2'"; }
}
step "entrypoint: POSTERN_* variables become conf; mounted files win"
conf=$(show_conf smtpserver.xml -e POSTERN_HOSTNAME=mx.example.test -e POSTERN_TRUSTED_NETWORKS="10.0.0.0/8, 192.0.2.7")
[ "$(grep -c '<authorizedAddresses>10.0.0.0/8, 192.0.2.7</authorizedAddresses>' <<<"$conf")" = 3 ] \
    || fail "trusted networks not in all three SMTP listeners"
conf=$(show_conf postern.xml -e POSTERN_HOSTNAME=mx.example.test)
expect_in "$conf" "<hostname>mx.example.test</hostname>"
conf=$(show_conf domainlist.xml -e POSTERN_LOCAL_DOMAINS=example.test,second.test)
expect_in "$conf" "<domainname>example.test</domainname>"
expect_in "$conf" "<domainname>second.test</domainname>"
expect_in "$conf" "<defaultDomain>example.test</defaultDomain>"
conf=$(show_conf relaydomains.xml -e POSTERN_RELAY_DOMAINS="partner.example, branch.example:accept-all")
expect_in "$conf" '<domain name="partner.example" verify="callout"/>'
expect_in "$conf" '<domain name="branch.example" verify="accept-all"/>'
conf=$(show_conf james-database.properties -e POSTERN_DB_URL=jdbc:postgresql://db:5432/postern \
    -e POSTERN_DB_USER=postern -e 'POSTERN_DB_PASSWORD=s3\cret')
expect_in "$conf" "database.driverClassName=org.postgresql.Driver"
expect_in "$conf" "database.url=jdbc:postgresql://db:5432/postern"
expect_in "$conf" "database.username=postern"
expect_in "$conf" 'database.password=s3\\cret'
conf=$(show_conf dnsservice.xml -e POSTERN_DNS_SERVERS=192.0.2.53)
expect_in "$conf" "<server>192.0.2.53</server>"
conf=$(show_conf domainlist.xml --user 12345:12345 -e POSTERN_LOCAL_DOMAINS=other.test)
expect_in "$conf" "<domainname>other.test</domainname>"   # another uid than the image's still gets its conf
mkdir -p "$WORK/conf"
printf '<smtpservers>\n</smtpservers>\n' > "$WORK/conf/smtpserver.xml"
conf=$(show_conf smtpserver.xml -v "$WORK/conf:/etc/postern:ro" -e POSTERN_TRUSTED_NETWORKS=10.0.0.0/8)
[ "$conf" = "$(cat "$WORK/conf/smtpserver.xml")" ] || fail "a mounted smtpserver.xml was not used as is"
rm "$WORK/conf/smtpserver.xml"
# a command that is meant to fail: on the left of || so that the ERR trap (on_error) does not take it for a failure
status=0
timeout 60 "${PODMAN[@]}" run --rm "${RUN_LIMITS[@]}" -e POSTERN_RELAY_DOMAINS=partner.example:sometimes "$IMAGE" show-conf \
    > /dev/null 2> "$WORK/bad.err" || status=$?
[ $status = 2 ] && grep -q "verify must be list, callout or accept-all" "$WORK/bad.err" \
    || fail "a bad POSTERN_RELAY_DOMAINS should stop the entrypoint with status 2 (got $status: $(cat "$WORK/bad.err"))"

# --- 4. the container ----------------------------------------------------------------------------------------
# The admin's conf dir: webadmin on all the container's interfaces so that the test reaches it through a port
# published on 127.0.0.1 only.
cat > "$WORK/conf/webadmin.properties" <<'EOF'
enabled=true
port=8000
host=0.0.0.0
https.enabled=false
jwt.enabled=false
EOF
mounted_sum=$(sha256sum "$WORK/conf/webadmin.properties")

wait_healthy() {
    local deadline=$((SECONDS + 120))
    until curl -fs -o /dev/null --max-time 5 "http://127.0.0.1:$ADMIN_PORT/healthcheck"; do
        [ $SECONDS -lt $deadline ] || fail "not healthy within 120s"
        "${PODMAN[@]}" container inspect "$NAME" --format '{{.State.Running}}' | grep -q true || fail "container exited"
        sleep 1
    done
}

step "run: ports 25 and 110 published on 127.0.0.1:$SMTP_PORT and :$POP3_PORT, data on volume $VOLUME"
"${PODMAN[@]}" run -d --name "$NAME" "${RUN_LIMITS[@]}" \
    --sysctl net.ipv4.ip_unprivileged_port_start=0 \
    -p "127.0.0.1:$SMTP_PORT:25" -p "127.0.0.1:$POP3_PORT:110" -p "127.0.0.1:$ADMIN_PORT:8000" \
    -v "$VOLUME:/var/lib/postern" -v "$WORK/conf:/etc/postern:ro" \
    -e POSTERN_HOSTNAME=mail.example.test -e POSTERN_LOCAL_DOMAINS=example.test \
    -e POSTERN_TRUSTED_NETWORKS=127.0.0.1/32 -e POSTERN_RELAY_DOMAINS=partner.example:accept-all \
    "$IMAGE" > /dev/null 2> "$WORK/run.err" || { cat "$WORK/run.err" >&2; fail "podman run"; }
wait_healthy
step "healthy; HEALTHCHECK command"
timeout 60 "${PODMAN[@]}" healthcheck run "$NAME" > /dev/null 2>&1 || fail "podman healthcheck run: unhealthy"

curl -fsS --max-time 10 -XPUT "http://127.0.0.1:$ADMIN_PORT/users/demo@example.test" \
    -H 'Content-Type: application/json' --data-binary '{"password":"demo"}' || fail "creating the user"

# A raw SMTP dialogue: the replies are checked one by one.
exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT" || fail "cannot connect to 127.0.0.1:$SMTP_PORT"
# shellcheck source=docker/smtp-dialogue.sh
source "$ROOT/docker/smtp-dialogue.sh"
step "SMTP to 127.0.0.1:$SMTP_PORT"
greeting=$(reply 220)
expect_in "$greeting" "mail.example.test"
say "EHLO client.example.org"; reply 250 > /dev/null
say "MAIL FROM:<someone@example.org>"; reply 250 > /dev/null
say "RCPT TO:<friend@elsewhere.example>"; reply 554 > /dev/null   # not trusted, not authenticated: no relaying
say "RCPT TO:<demo@example.test>"; reply 250 > /dev/null
say "DATA"; reply 354 > /dev/null
token="docker-test-$$-$RANDOM"
say "Subject: $token"; say ""; say "Sent by docker/test.sh ($token)"; say "."
accepted=$(reply 250)
expect_in "$accepted" "Message received"
if [ -f james-conf/relaydomains.xml ]; then
    # The server reads relay domains: POSTERN_RELAY_DOMAINS opens one to any client, for verified recipients.
    say "MAIL FROM:<someone@example.org>"; reply 250 > /dev/null
    say "RCPT TO:<anyone@partner.example>"; reply 250 > /dev/null
    say "RSET"; reply 250 > /dev/null
fi
say "QUIT"; reply 221 > /dev/null
exec 3>&-

pop3_has_token() {
    local deadline=$((SECONDS + 60))
    until curl -fsS --ssl-reqd -k --max-time 10 "pop3://127.0.0.1:$POP3_PORT/1" -u demo@example.test:demo 2>/dev/null | grep -q "$token"; do
        [ $SECONDS -lt $deadline ] || fail "message $token not in the POP3 mailbox within 60s"
        sleep 1
    done
}
step "POP3 from 127.0.0.1:$POP3_PORT"
pop3_has_token

step "restart the container"
timeout 90 "${PODMAN[@]}" stop -t 60 "$NAME" > /dev/null || fail "podman stop"
timeout 60 "${PODMAN[@]}" start "$NAME" > /dev/null || fail "podman start"
wait_healthy
step "POP3 again after the restart: the message is read from the volume"
pop3_has_token
[ "$(sha256sum "$WORK/conf/webadmin.properties")" = "$mounted_sum" ] || fail "the mounted conf file was modified"
"${PODMAN[@]}" exec "$NAME" readlink /run/postern/conf/webadmin.properties | grep -qx /etc/postern/webadmin.properties \
    || fail "the mounted webadmin.properties is not the one in use"
timeout 90 "${PODMAN[@]}" stop -t 60 "$NAME" > /dev/null || fail "podman stop"

# --- 4b. PostgreSQL from the variables (when a PostgreSQL is given, as .ci/run does) ---------------------------
if [ -n "${POSTERN_TEST_POSTGRES_URL:-}" ]; then
    # jdbc:postgresql://HOST:PORT/DB: the container shares the host's network to reach it, so every listener is
    # moved to a loopback port by mounted conf files.
    pg_hostport=${POSTERN_TEST_POSTGRES_URL#jdbc:postgresql://}
    pg_hostport=${pg_hostport%%/*}
    pg_host=${pg_hostport%%:*}
    pg_port=${pg_hostport##*:}
    [ "$pg_port" != "$pg_hostport" ] || pg_port=5432
    pg_db=postern_docker_$$
    psql_as() { PGPASSWORD="$POSTERN_TEST_POSTGRES_PASSWORD" timeout 30 psql -X -q -t -A -h "$pg_host" -p "$pg_port" \
        -U "$POSTERN_TEST_POSTGRES_USER" "$@"; }
    step "PostgreSQL: POSTERN_DB_* point the container at $pg_host:$pg_port/$pg_db"
    psql_as -d postgres -c "CREATE DATABASE $pg_db" || fail "cannot create database $pg_db"
    PG_DB_CREATED=$pg_db
    # Two nodes on the host's network, each with every listener on loopback ports of its own (mounted conf files).
    node_conf() { # DIR OFFSET
        mkdir -p "$1"
        sed -e "s|<bind>0.0.0.0:25</bind>|<bind>127.0.0.1:$((PORT_BASE + $2 + 25))</bind>|" \
            -e "s|<bind>0.0.0.0:587</bind>|<bind>127.0.0.1:$((PORT_BASE + $2 + 587))</bind>|" \
            -e "s|<bind>0.0.0.0:465</bind>|<bind>127.0.0.1:$((PORT_BASE + $2 + 465))</bind>|" james-conf/smtpserver.xml > "$1/smtpserver.xml"
        sed -e "s|<bind>0.0.0.0:110</bind>|<bind>127.0.0.1:$((PORT_BASE + $2 + 110))</bind>|" \
            -e "s|<bind>0.0.0.0:995</bind>|<bind>127.0.0.1:$((PORT_BASE + $2 + 995))</bind>|" james-conf/pop3server.xml > "$1/pop3server.xml"
        sed -e "s|^port=.*|port=$((PORT_BASE + $2 + 800))|" james-conf/webadmin.properties > "$1/webadmin.properties"
        [ "$(grep -c '<bind>127.0.0.1:' "$1/smtpserver.xml" "$1/pop3server.xml" | awk -F: '{ n += $2 } END { print n }')" = 5 ] \
            || fail "could not move every listener of $1 to loopback"
    }
    run_node() { # NAME CONF NODE-NAME
        "${PODMAN[@]}" run -d --name "$1" "${RUN_LIMITS[@]}" --network host \
            -v "$2:/etc/postern:ro" -e POSTERN_LOCAL_DOMAINS=pg.example.test -e POSTERN_NODE_NAME="$3" \
            -e POSTERN_DB_URL="jdbc:postgresql://$pg_host:$pg_port/$pg_db" \
            -e POSTERN_DB_USER="$POSTERN_TEST_POSTGRES_USER" -e POSTERN_DB_PASSWORD="$POSTERN_TEST_POSTGRES_PASSWORD" \
            "$IMAGE" > /dev/null 2> "$WORK/run.err" || fail "podman run $1: $(tail -n 3 "$WORK/run.err" | tr '\n' ' ')"
    }
    wait_node() { # NAME ADMIN-PORT
        local deadline=$((SECONDS + 120))
        until curl -fs -o /dev/null --max-time 5 "http://127.0.0.1:$2/healthcheck"; do
            [ $SECONDS -lt $deadline ] || { "${PODMAN[@]}" logs "$1" 2>&1 | tail -n 30 >&2; fail "$1 not healthy on PostgreSQL within 120s"; }
            "${PODMAN[@]}" container inspect "$1" --format '{{.State.Running}}' | grep -q true \
                || { "${PODMAN[@]}" logs "$1" 2>&1 | tail -n 30 >&2; fail "$1 on PostgreSQL exited"; }
            sleep 1
        done
    }
    node_conf "$WORK/pgconf" 1000
    run_node "$NAME-pg" "$WORK/pgconf" docker-node-1
    PG_CONTAINER=$NAME-pg
    wait_node "$PG_CONTAINER" $((PORT_BASE + 1800))
    curl -fsS --max-time 10 -XPUT "http://127.0.0.1:$((PORT_BASE + 1800))/users/pg@pg.example.test" \
        -H 'Content-Type: application/json' --data-binary '{"password":"pg"}' || fail "creating a user on PostgreSQL"
    tables=$(psql_as -d "$pg_db" -c "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
    [ "${tables:-0}" -gt 5 ] || fail "no Postern tables in $pg_db ($tables)"
    psql_as -d "$pg_db" -c "SELECT domain_name FROM james_domain" | grep -qx pg.example.test \
        || fail "the domain from POSTERN_LOCAL_DOMAINS is not in PostgreSQL"

    step "PostgreSQL: a second node on $pg_db; mail sent to the first is read from the second"
    node_conf "$WORK/pgconf2" 2000
    run_node "$NAME-pg2" "$WORK/pgconf2" docker-node-2
    PG_CONTAINER_2=$NAME-pg2
    wait_node "$PG_CONTAINER_2" $((PORT_BASE + 2800))
    pg_token="docker-cluster-$$-$RANDOM"
    printf 'Subject: %s\r\n\r\nSent to node 1 by docker/test.sh\r\n' "$pg_token" > "$WORK/pg.eml"
    curl -fsS --max-time 30 "smtp://127.0.0.1:$((PORT_BASE + 1025))" --mail-from someone@example.org \
        --mail-rcpt pg@pg.example.test --upload-file "$WORK/pg.eml" || fail "SMTP to node 1"
    deadline=$((SECONDS + 60))
    until curl -fsS --ssl-reqd -k --max-time 10 "pop3://127.0.0.1:$((PORT_BASE + 2110))/1" -u pg@pg.example.test:pg 2>/dev/null \
            | grep -q "$pg_token"; do
        [ $SECONDS -lt $deadline ] || fail "the message sent to node 1 is not in node 2's POP3 within 60s"
        sleep 1
    done
    curl -fsS --max-time 10 "http://127.0.0.1:$((PORT_BASE + 2800))/postern/ledger?recipient=pg@pg.example.test" \
        | grep -q '"node":"docker-node-1"' || fail "node 2's ledger does not name docker-node-1 for the message it took"
    timeout 90 "${PODMAN[@]}" stop -t 60 "$PG_CONTAINER_2" > /dev/null || fail "podman stop (second node)"
    timeout 90 "${PODMAN[@]}" stop -t 60 "$PG_CONTAINER" > /dev/null || fail "podman stop (PostgreSQL)"
fi

# --- 5. compose files ----------------------------------------------------------------------------------------
step "compose files parse and name existing paths"
/usr/bin/python3 docker/check-compose.py docker/compose.yaml docker/extension/compose.yaml || fail "docker/check-compose.py"


step "PASS in $((SECONDS - START))s"
