#!/usr/bin/env bash
# docker/extension/test.sh: extension mode tested in a stock James 3.8.1.
#
# Starts org.apache.james.MemoryJamesServerMain from james-server-memory-app 3.8.1 (classpath as James resolves it,
# its own dnsjava included) on a conf directory written here, to which only Postern's extension folder is added:
# extensions-jars/ and the conf snippets (mailetcontainer.xml, smtpserver.xml, pop3server.xml, extensions.properties,
# transport.xml, the webadmin route line). Then, over real sockets:
#   - SMTP from a trusted client: our hooks answer (553 5.1.3 from RecipientSyntaxRcptHook, 250 ... Message
#     received: <queue id> from QueueIdReplyHook);
#   - the local recipient's copy goes through LocalDeliveryOnce (journal written, X-Postern-Queue-Id) and is read
#     back over POP3 (after STLS);
#   - the remote recipient goes through ResolveNextHop (MX from a loopback dnsmasq, i.e. our dnsjava code running
#     on James's dnsjava), HandOffToOutbound into James's "outbound" mail queue, and the Camel delivery route
#     (DeliveryStartable from extensions.properties) delivers it over SMTP to a sink on the MX host's address;
#   - webadmin's /postern/nexthop route (NextHopRoutes) answers, and /metrics (PrometheusRoutes) counted the mail.
#
# Needs: docker/extension/target/postern-extension (mvn -DskipTests package), java, mvn (James's jars in ~/.m2 or
# Maven Central), dnsmasq, curl, python3; root for dnsmasq on 127.0.0.77:53 and the sink on 127.0.0.78:25. Every
# wait is bounded. Whatever fails says so on one line, "FAIL: <step>: <why>".
set -Eeuo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

EXTENSION=docker/extension/target/postern-extension
PORT_BASE=${POSTERN_TEST_PORT_BASE:-13000}
SMTP_PORT=$((PORT_BASE + 25))
SUBMISSION_PORT=$((PORT_BASE + 587))
SMTPS_PORT=$((PORT_BASE + 465))
POP3_PORT=$((PORT_BASE + 110))
ADMIN_PORT=$((PORT_BASE + 800))
DNS_IP=${POSTERN_TEST_DNS_IP:-127.0.0.77}
WORK=$(mktemp -d /tmp/postern-extension-test.XXXXXX)
JAMES_PID=""
DNS_PID=""
SINK_PID=""
SINK_IP=${POSTERN_TEST_SINK_IP:-127.0.0.78}
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
    [ -e "$WORK/failed" ] || echo "FAIL: $STEP: '$3' exited with status $1 (docker/extension/test.sh line $2)" >&2
    : > "$WORK/failed"
}
trap 'on_error $? $LINENO "$BASH_COMMAND"' ERR

cleanup() {
    status=$?
    [ -z "$JAMES_PID" ] || kill "$JAMES_PID" 2>/dev/null || true
    [ -z "$DNS_PID" ] || kill "$DNS_PID" 2>/dev/null || true
    [ -z "$SINK_PID" ] || kill "$SINK_PID" 2>/dev/null || true
    if [ -n "$JAMES_PID" ]; then
        for _ in $(seq 30); do kill -0 "$JAMES_PID" 2>/dev/null || break; sleep 1; done
        kill -9 "$JAMES_PID" 2>/dev/null || true
    fi
    if [ $status -ne 0 ] && [ -f "$WORK/james.log" ]; then
        cp "$WORK/james.log" "$ROOT/docker/extension/target/extension-test-james.log" 2>/dev/null || true
        echo "--- James log (last 60 lines; all of it in docker/extension/target/extension-test-james.log)" >&2
        tail -n 60 "$WORK/james.log" >&2
    fi
    rm -rf "$WORK"
    exit $status
}
trap cleanup EXIT

step "prerequisites"
[ -d "$EXTENSION/extensions-jars" ] && [ -f "$EXTENSION/conf/smtpserver.xml" ] \
    || fail "$EXTENSION missing: run 'mvn -DskipTests package' first"
for tool in java keytool mvn dnsmasq curl python3; do
    command -v "$tool" > /dev/null || fail "$tool not installed (.ci/run installs it)"
done

step "James 3.8.1 memory server classpath (docker/extension/james-classpath/pom.xml)"
CLASSPATH_POM=docker/extension/james-classpath/pom.xml
if ! mvn -o -q -B -f "$CLASSPATH_POM" dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" > "$WORK/mvn.log" 2>&1; then
    echo "   (not all in ~/.m2: resolving from Maven Central)"
    timeout 300 mvn -q -B -f "$CLASSPATH_POM" dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" \
        > "$WORK/mvn.log" 2>&1 || { tail -n 20 "$WORK/mvn.log" >&2; fail "James classpath"; }
fi
tr ':' '\n' < "$WORK/cp.txt" | grep -q '/james-server-memory-app-3.8.1.jar$' || fail "no james-server-memory-app in the classpath"

step "extensions-jars holds nothing James already has"
tr ':' '\n' < "$WORK/cp.txt" | sed -E -e 's|.*/||' -e 's/-[0-9][^-]*(-[A-Za-z0-9.]+)?\.jar$//' | sort -u > "$WORK/james-artifacts"
for jar in "$EXTENSION"/extensions-jars/*.jar; do
    artifact=$(basename "$jar" | sed -E 's/-[0-9][^-]*(-[A-Za-z0-9.]+)?\.jar$//')
    if grep -qx -- "$artifact" "$WORK/james-artifacts"; then
        fail "$(basename "$jar") duplicates a jar of James's own classpath (it would be shadowed)"
    fi
done
ls "$EXTENSION"/extensions-jars | grep -q '^postern-mailets-' || fail "postern-mailets jar missing"

step "DNS: dnsmasq on $DNS_IP:53 (routed.test MX 10 mx.routed.test = $SINK_IP); SMTP sink on $SINK_IP:25"
dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --bind-interfaces \
    --listen-address="$DNS_IP" --port=53 --pid-file="$WORK/dnsmasq.pid" \
    --mx-host=routed.test,mx.routed.test,10 --host-record=mx.routed.test,$SINK_IP > "$WORK/dnsmasq.log" 2>&1 &
DNS_PID=$!
mkdir -p "$WORK/sink"
python3 "$ROOT/docker/extension/smtp_sink.py" "$SINK_IP" 25 "$WORK/sink" > "$WORK/sink.log" 2>&1 &
SINK_PID=$!
sleep 1
kill -0 "$DNS_PID" 2>/dev/null || fail "dnsmasq on $DNS_IP:53 did not start (port 53 needs root): $(tail -n 3 "$WORK/dnsmasq.log" | tr '\n' ' ')"
kill -0 "$SINK_PID" 2>/dev/null || fail "the SMTP sink on $SINK_IP:25 did not start (port 25 needs root): $(tail -n 3 "$WORK/sink.log" | tr '\n' ' ')"

step "James home: our conf snippets and extensions-jars over a minimal conf written here"
HOME_DIR="$WORK/james"
CONF="$HOME_DIR/conf"
mkdir -p "$CONF"
cp -R "$EXTENSION/extensions-jars" "$HOME_DIR/extensions-jars"
cp "$EXTENSION"/conf/mailetcontainer.xml "$EXTENSION"/conf/extensions.properties "$EXTENSION"/conf/transport.xml "$CONF/"
# The snippet's listeners, moved to loopback test ports.
sed -e "s|<bind>0.0.0.0:25</bind>|<bind>127.0.0.1:$SMTP_PORT</bind>|" \
    -e "s|<bind>0.0.0.0:587</bind>|<bind>127.0.0.1:$SUBMISSION_PORT</bind>|" \
    -e "s|<bind>0.0.0.0:465</bind>|<bind>127.0.0.1:$SMTPS_PORT</bind>|" \
    "$EXTENSION/conf/smtpserver.xml" > "$CONF/smtpserver.xml"
[ "$(grep -c "<bind>127.0.0.1:" "$CONF/smtpserver.xml")" = 3 ] || fail "smtpserver.xml snippet: expected 3 listeners"
{
    printf 'enabled=true\nport=%s\nhost=127.0.0.1\nhttps.enabled=false\njwt.enabled=false\n' "$ADMIN_PORT"
    grep -v '^#' "$EXTENSION/conf/webadmin.properties.snippet"
} > "$CONF/webadmin.properties"
cat > "$CONF/domainlist.xml" <<'EOF'
<domainlist>
    <autodetect>false</autodetect>
    <autodetectIP>false</autodetectIP>
    <domainnames><domainname>example.test</domainname></domainnames>
    <defaultDomain>example.test</defaultDomain>
</domainlist>
EOF
cat > "$CONF/dnsservice.xml" <<EOF
<dnsservice>
    <servers><server>$DNS_IP</server></servers>
    <autodiscover>false</autodiscover>
    <authoritative>false</authoritative>
    <maxcachesize>50000</maxcachesize>
    <timeout>2s</timeout>
</dnsservice>
EOF
# The extension's POP3 listeners (credentials only over TLS), moved to loopback test ports.
sed -e "s|<bind>0.0.0.0:110</bind>|<bind>127.0.0.1:$POP3_PORT</bind>|" \
    -e "s|<bind>0.0.0.0:995</bind>|<bind>127.0.0.1:$((POP3_PORT + 885))</bind>|" \
    "$EXTENSION/conf/pop3server.xml" > "$CONF/pop3server.xml"
[ "$(grep -c "<bind>127.0.0.1:" "$CONF/pop3server.xml")" = 2 ] || fail "pop3server.xml: expected 2 listeners"
for server in imapserver lmtpserver managesieveserver; do
    printf '<%ss>\n    <%s enabled="false"/>\n</%ss>\n' "$server" "$server" "$server" > "$CONF/$server.xml"
done
cat > "$CONF/mailrepositorystore.xml" <<'EOF'
<mailrepositorystore>
    <defaultProtocol>memory</defaultProtocol>
    <mailrepositories>
        <mailrepository class="org.apache.james.mailrepository.memory.MemoryMailRepository">
            <protocols><protocol>memory</protocol></protocols>
        </mailrepository>
    </mailrepositories>
</mailrepositorystore>
EOF
cat > "$CONF/usersrepository.xml" <<'EOF'
<usersrepository name="LocalUsers">
    <algorithm>PBKDF2-SHA512</algorithm>
    <enableVirtualHosting>true</enableVirtualHosting>
</usersrepository>
EOF
printf 'jmx.enabled=false\n' > "$CONF/jmx.properties"
printf 'enabled=false\n' > "$CONF/jmap.properties"
cat > "$CONF/logback.xml" <<'EOF'
<configuration>
    <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n%rEx</pattern></encoder>
    </appender>
    <root level="WARN"><appender-ref ref="CONSOLE"/></root>
    <logger name="org.apache.james" level="INFO"/>
    <logger name="org.postern" level="INFO"/>
</configuration>
EOF
keytool -genkeypair -alias james -keyalg RSA -keysize 2048 -storetype PKCS12 -keystore "$CONF/keystore" \
    -storepass james72laBalle -keypass james72laBalle -dname CN=localhost -validity 2 > "$WORK/keytool.log" 2>&1 \
    || fail "keytool: $(tail -n 3 "$WORK/keytool.log" | tr '\n' ' ')"

step "start MemoryJamesServerMain (webadmin 127.0.0.1:$ADMIN_PORT, SMTP :$SMTP_PORT, POP3 :$POP3_PORT)"
(cd "$HOME_DIR" && exec java -Xmx512m -Dworking.directory="$HOME_DIR" -Dlogback.configurationFile="$CONF/logback.xml" \
    -cp "$(cat "$WORK/cp.txt")" org.apache.james.MemoryJamesServerMain > "$WORK/james.log" 2>&1) &
JAMES_PID=$!
deadline=$((SECONDS + 150))
until curl -fs -o /dev/null --max-time 5 "http://127.0.0.1:$ADMIN_PORT/healthcheck"; do
    kill -0 "$JAMES_PID" 2>/dev/null || fail "James exited"
    [ $SECONDS -lt $deadline ] || fail "James not up within 150s"
    sleep 1
done
grep -q "Loading custom classpath resource .*postern-mailets" "$WORK/james.log" \
    || fail "James did not load postern-mailets from extensions-jars"
step "James is up with Postern's jars"

curl -fsS --max-time 10 -XPUT "http://127.0.0.1:$ADMIN_PORT/users/demo@example.test" \
    -H 'Content-Type: application/json' --data-binary '{"password":"demo"}' || fail "creating the user"

exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT" || fail "cannot connect to 127.0.0.1:$SMTP_PORT"
# shellcheck source=docker/smtp-dialogue.sh
source "$ROOT/docker/smtp-dialogue.sh"
step "SMTP through Postern's hooks"
reply 220 > /dev/null
say "EHLO client.example.org"; reply 250 > /dev/null
say "MAIL FROM:<someone@example.org>"; reply 250 > /dev/null
refused=$(say "RCPT TO:<a%b@example.test>"; reply 553)
grep -q "5.1.3" <<<"$refused" || fail "RecipientSyntaxRcptHook: expected 5.1.3, got '$refused'"
say "RCPT TO:<demo@example.test>"; reply 250 > /dev/null
say "RCPT TO:<someone@routed.test>"; reply 250 > /dev/null   # 127.0.0.1 is a trusted network in the snippet
say "DATA"; reply 354 > /dev/null
token="extension-test-$$-$RANDOM"
say "Subject: $token"; say ""; say "Sent by docker/extension/test.sh ($token)"; say "."
accepted=$(reply 250)
grep -q "Message received: " <<<"$accepted" || fail "QueueIdReplyHook: expected 'Message received: <id>', got '$accepted'"
queue_id=${accepted##*Message received: }
say "QUIT"; reply 221 > /dev/null
exec 3>&-
echo "   accepted as $queue_id"

step "local copy: LocalDeliveryOnce, then POP3"
deadline=$((SECONDS + 60))
until curl -fsS --ssl-reqd -k --max-time 10 "pop3://127.0.0.1:$POP3_PORT/1" -u demo@example.test:demo > "$WORK/pop3.eml" 2>/dev/null \
        && grep -q "$token" "$WORK/pop3.eml"; do
    [ $SECONDS -lt $deadline ] || fail "message $token not in demo's POP3 mailbox within 60s"
    sleep 1
done
grep -q "^X-Postern-Queue-Id: " "$WORK/pop3.eml" || fail "no X-Postern-Queue-Id header: LocalDeliveryOnce did not store it"
[ -s "$HOME_DIR/var/store/delivery-journal.log" ] || fail "LocalDeliveryOnce wrote no journal"

step "remote copy: ResolveNextHop, HandOffToOutbound, then the Camel delivery route to the sink at the MX host"
deadline=$((SECONDS + 90))
until grep -qs "$token" "$WORK"/sink/*.eml; do
    kill -0 "$SINK_PID" 2>/dev/null || fail "the SMTP sink exited: $(cat "$WORK/sink.log")"
    [ $SECONDS -lt $deadline ] || fail "message $token not delivered to the sink within 90s"
    sleep 1
done
delivered=$(grep -ls "$token" "$WORK"/sink/*.eml | head -n 1)
grep -qi "^RCPT TO:<someone@routed.test>" "$delivered" || fail "the sink got no RCPT for someone@routed.test: $(head -n 5 "$delivered")"
grep -qi "^RCPT TO:<demo@example.test>" "$delivered" && fail "the local recipient was relayed too"
grep -q "^Received: " "$delivered" || fail "no Received header on the delivered copy"
grep -q "postern.camel\|outbound-deliver\|Camel delivery routes" "$WORK/james.log" \
    || echo "   (no Camel start line in the log at INFO; delivery itself proves the route ran)"

step "webadmin: Postern's /postern/nexthop route"
answer=$(curl -fsS --max-time 30 "http://127.0.0.1:$ADMIN_PORT/postern/nexthop/someone@routed.test")
grep -q '"name":"mx.routed.test"' <<<"$answer" || fail "nexthop endpoint: $answer"

step "webadmin: Postern's /metrics (PrometheusRoutes) counts the relayed mail"
metrics=$(curl -fsS --max-time 30 "http://127.0.0.1:$ADMIN_PORT/metrics")
grep -q '^postern_delivery_recipients_total{nexthop="mx:routed.test",status="sent",} [1-9]' <<<"$metrics" \
    || fail "metrics: no sent recipient for mx:routed.test: $(grep '^postern_' <<<"$metrics" | head -n 20)"
grep -q '^postern_smtp_messages_total [1-9]' <<<"$metrics" || fail "metrics: no spooled message counted"

step "PASS in $((SECONDS - START))s"
