#!/usr/bin/env bash
# docker/extension/sync-conf.sh DIR: writes the extension's mailetcontainer.xml, smtpserver.xml and pop3server.xml into DIR from
# james-conf/, so that a stock James runs Postern's own pipeline and hooks. The docker/extension module runs it at
# package time (target/postern-extension/conf/). What differs from james-conf/:
#   - the header comments;
#   - mail repositories use memory://, as in apache/james:memory;
#   - TLS uses James's conf/keystore and sample secret;
#   - elements whose class needs Postern's own server (SERVER_ONLY) are left out, with the one-line comment just
#     above them.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${1:?usage: sync-conf.sh DIR}
mkdir -p "$OUT"

# Classes that need bindings only Postern's server makes: ETRN flushes through Postern's queue control. (The
# delivery ledger's RecordArrival stays: without Postern's database it records nothing, NoDeliveryLedger.)
SERVER_ONLY="org.postern.smtp.EtrnCmdHandler"

# james-conf/FILE from its root element on, without SERVER_ONLY elements, through sed with the remaining arguments.
body() {
    local file=$1 root=$2
    shift 2
    sed -n "/^<$root/,\$p" "$ROOT/james-conf/$file" \
        | awk -v drop="$SERVER_ONLY" '
            BEGIN { n = split(drop, classes, " ") }
            function server_only(line,   i) {
                for (i = 1; i <= n; i++) if (index(line, "class=\"" classes[i] "\"") > 0) return 1
                return 0
            }
            server_only($0) && $0 ~ /\/>[[:space:]]*$/ { held = ""; next }
            { if (held != "") print held; held = "" }
            /^[[:space:]]*<!--.*-->[[:space:]]*$/ { held = $0; next }
            { print }
            END { if (held != "") print held }' \
        | sed "$@"
}

{
    cat <<'EOF'
<?xml version="1.0"?>
<!--
  Postern's mail pipeline for a stock James 3.8.1 (the official apache/james images), extension mode.
  Replaces James's conf/mailetcontainer.xml; the classes named org.postern.* come from extensions-jars/.
  Written at build time by docker/extension/sync-conf.sh from james-conf/mailetcontainer.xml.

  Mail repositories use memory:// as in the apache/james:memory image: on the jpa image write jpa://, on the
  distributed image cassandra://.
-->
EOF
    body mailetcontainer.xml mailetcontainer -e 's|jpa://|memory://|g'
} > "$OUT/mailetcontainer.xml"

{
    cat <<'EOF'
<?xml version="1.0"?>
<!--
  Postern's SMTP listeners for a stock James 3.8.1 (the official apache/james images), extension mode: replaces
  James's conf/smtpserver.xml. Postern's hooks (org.postern.*) come from extensions-jars/; docs/configuration.md "SMTP hooks" says
  what each decides. Written at build time by docker/extension/sync-conf.sh from james-conf/smtpserver.xml.
  TLS uses conf/keystore, made with
    keytool -genkeypair -alias james -keyalg RSA -storetype PKCS12 -keystore conf/keystore
  and the secret below is James's sample one: set your own.
-->
EOF
    body smtpserver.xml smtpservers -e 's|file://var/keystore|file://conf/keystore|' \
        -e 's|<secret>postern-keystore</secret>|<secret>james72laBalle</secret>|' \
        -e '/<!-- Generated (self-signed) into the data directory at first start when missing./d' \
        -e 's|^[[:space:]]*Replace with your own keystore, or with PEM files: <privateKey> and <certificates>. -->|            <!-- Replace with your own keystore, or with PEM files: <privateKey> and <certificates>. -->|'
} > "$OUT/smtpserver.xml"

{
    cat <<'EOF'
<?xml version="1.0"?>
<!--
  Postern's POP3 listeners for a stock James 3.8.1 (the official apache/james images), extension mode: replaces
  James's conf/pop3server.xml, so that credentials are taken only over TLS (STLS or 995) and CAPA and AUTH PLAIN are
  Postern's (docs/configuration.md, "POP3"). Written at build time by docker/extension/sync-conf.sh from james-conf/pop3server.xml.
  TLS uses conf/keystore and James's sample secret, as smtpserver.xml does: set your own.
-->
EOF
    body pop3server.xml pop3servers -e 's|file://var/keystore|file://conf/keystore|' \
        -e 's|<secret>postern-keystore</secret>|<secret>james72laBalle</secret>|' \
        -e '/<!-- Generated (self-signed) into the data directory at first start when missing./d' \
        -e 's|^[[:space:]]*Replace with your own keystore, or with PEM files: <privateKey> and <certificates>. -->|            <!-- Replace with your own keystore, or with PEM files: <privateKey> and <certificates>. -->|'
} > "$OUT/pop3server.xml"
