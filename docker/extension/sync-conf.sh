#!/usr/bin/env bash
# docker/extension/sync-conf.sh [DIR]: writes the extension's mailetcontainer.xml and smtpserver.xml (default into
# docker/extension/conf/) from james-conf/, so that a stock James runs Postern's own pipeline and hooks. Only the
# header comments, the mail repository protocol (memory://, as in apache/james:memory) and the keystore (James's conf
# directory and sample secret) differ. Run it after changing either file in james-conf/; docker/extension/test.sh
# fails while the two are out of step.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${1:-$ROOT/docker/extension/conf}
mkdir -p "$OUT"

# james-conf/FILE from its root element on, through sed with the remaining arguments.
body() {
    local file=$1 root=$2
    shift 2
    sed -n "/^<$root/,\$p" "$ROOT/james-conf/$file" | sed "$@"
}

{
    cat <<'EOF'
<?xml version="1.0"?>
<!--
  Postern's mail pipeline for a stock James 3.8.1 (the official apache/james images), extension mode.
  Replaces James's conf/mailetcontainer.xml; the classes named org.postern.* come from extensions-jars/.
  Written by docker/extension/sync-conf.sh from james-conf/mailetcontainer.xml: change that file, then run it.

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
  James's conf/smtpserver.xml. Postern's hooks (org.postern.*) come from extensions-jars/; README "SMTP hooks" says
  what each decides. Written by docker/extension/sync-conf.sh from james-conf/smtpserver.xml: change that file,
  then run it. TLS uses conf/keystore, made with
    keytool -genkeypair -alias james -keyalg RSA -storetype PKCS12 -keystore conf/keystore
  and the secret below is James's sample one: set your own.
-->
EOF
    body smtpserver.xml smtpservers -e 's|file://var/keystore|file://conf/keystore|' \
        -e 's|<secret>postern-keystore</secret>|<secret>james72laBalle</secret>|' \
        -e '/<!-- Generated (self-signed) into the data directory at first start when missing./d' \
        -e 's|^[[:space:]]*Replace with your own keystore, or with PEM files: <privateKey> and <certificates>. -->|            <!-- Replace with your own keystore, or with PEM files: <privateKey> and <certificates>. -->|'
} > "$OUT/smtpserver.xml"
