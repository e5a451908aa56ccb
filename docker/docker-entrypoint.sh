#!/bin/sh
# Postern container entrypoint.
#
# Builds the conf directory the server reads (POSTERN_GENERATED_CONF, default /run/postern/conf) in three layers:
#   1. the image's defaults (/opt/postern/conf.default, a copy of james-conf/);
#   2. the POSTERN_* environment variables below, applied to those defaults;
#   3. every file or folder the admin put in /etc/postern, linked in as is: a mounted file always wins, is never
#      modified, and an environment variable aimed at it is ignored with a notice.
# Then starts the server on it with the data directory /var/lib/postern.
#
#   POSTERN_HOSTNAME           the server's name: <hostname> of postern.xml (SMTP greeting 220 <name> ..., helloName
#                              of every listener, EHLO to next hops and in callouts, Reporting-MTA of notices)
#   POSTERN_LOCAL_DOMAINS      comma list: domains created at start (domainlist.xml); the first is the default
#                              domain, so the postmaster is postmaster@<first>
#   POSTERN_RELAY_DOMAINS      comma list of domain[:verify], verify = list | callout | accept-all (default callout)
#                              -> relaydomains.xml
#   POSTERN_TRUSTED_NETWORKS   comma list of networks that may relay without AUTH (<authorizedAddresses> of every
#                              SMTP listener)
#   POSTERN_DNS_SERVERS        comma list of resolver IPs (dnsservice.xml); default: the container's resolv.conf
#   POSTERN_DB_URL             JDBC URL (jdbc:postgresql://db:5432/postern) -> james-database.properties
#   POSTERN_DB_USER, POSTERN_DB_PASSWORD (or POSTERN_DB_PASSWORD_FILE, e.g. a Docker secret)
#   POSTERN_DB_DRIVER          JDBC driver class; default derived from the URL (PostgreSQL, Derby)
#   POSTERN_NODE_NAME          with POSTERN_DB_URL: this node's name in the shared database (node.name: ledger
#                              events, POP3 locks); default the container's host name
#   POSTERN_HEAP_OPTS          heap and JVM memory settings; default as bin/postern's (docs/configuration.md)
#   POSTERN_JAVA_OPTS          extra JVM options
#
# Commands: start (default) | show-conf [FILE] (generate, then print FILE or list the directory) | check (generate
# into a scratch directory, then bin/postern check it) | queue, ledger, explain, users, domains, help (the admin's
# commands, e.g. docker exec postern /opt/postern/bin/docker-entrypoint.sh queue list) | anything else is run as is
# (e.g. sh).
set -eu

DEFAULTS=${POSTERN_DEFAULT_CONF:-/opt/postern/conf.default}
MOUNTED=${POSTERN_CONF_DIR:-/etc/postern}
GEN=${POSTERN_GENERATED_CONF:-/run/postern/conf}
DATA=${POSTERN_DATA_DIR:-/var/lib/postern}
HOME_DIR=${POSTERN_HOME:-/opt/postern}

fail() {
    echo "postern-entrypoint: $*" >&2
    exit 2
}

note() {
    echo "postern-entrypoint: $*" >&2
}

# Prints the items of a comma list, one a line, trimmed, empty items dropped.
items() {
    printf '%s\n' "$1" | tr ',' '\n' | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | grep -v '^$' || true
}

is_domain() {
    printf '%s\n' "$1" | grep -Eq '^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$'
}

# True when the admin provides this file: then it is theirs and no variable touches it.
admin_owns() {
    [ -e "$MOUNTED/$1" ]
}

# Whether variable $1 (name) may change file $2; says why not when it may not.
may_apply() {
    if admin_owns "$2"; then
        note "$1 ignored for $2: $MOUNTED/$2 is provided and wins"
        return 1
    fi
    return 0
}

apply_hostname() {
    host=$POSTERN_HOSTNAME
    is_domain "$host" || fail "POSTERN_HOSTNAME='$host': not a host name"
    # the one host name (postern.xml): the server gives it to every listener, to delivery and to notices
    may_apply POSTERN_HOSTNAME postern.xml || return 0
    sed -i -e '/<hostname>/d' -e "s|^<postern>[[:space:]]*\$|<postern>\n    <hostname>$host</hostname>|" "$GEN/postern.xml"
    grep -q "<hostname>$host</hostname>" "$GEN/postern.xml" \
        || fail "POSTERN_HOSTNAME: $DEFAULTS/postern.xml has no <postern> line to add <hostname> to"
}

apply_local_domains() {
    may_apply POSTERN_LOCAL_DOMAINS domainlist.xml || return 0
    names=""
    first=""
    for domain in $(items "$POSTERN_LOCAL_DOMAINS"); do
        is_domain "$domain" || fail "POSTERN_LOCAL_DOMAINS: '$domain' is not a domain name"
        [ -n "$first" ] || first=$domain
        names="$names        <domainname>$domain</domainname>\n"
    done
    [ -n "$first" ] || fail "POSTERN_LOCAL_DOMAINS='$POSTERN_LOCAL_DOMAINS': no domain given"
    sed -i -e "s|^\([[:space:]]*\)<defaultDomain>[^<]*</defaultDomain>[[:space:]]*$|\1<domainnames>\n$names\1</domainnames>\n\1<defaultDomain>$first</defaultDomain>|" \
        "$GEN/domainlist.xml"
    grep -q "<defaultDomain>$first</defaultDomain>" "$GEN/domainlist.xml" \
        || fail "POSTERN_LOCAL_DOMAINS: $DEFAULTS/domainlist.xml has no <defaultDomain> line to replace"
}

apply_relay_domains() {
    may_apply POSTERN_RELAY_DOMAINS relaydomains.xml || return 0
    {
        echo '<?xml version="1.0"?>'
        echo '<!-- Generated from POSTERN_RELAY_DOMAINS by the container entrypoint. -->'
        echo '<relaydomains>'
        for entry in $(items "$POSTERN_RELAY_DOMAINS"); do
            domain=${entry%%:*}
            verify=callout
            case "$entry" in *:*) verify=${entry#*:} ;; esac
            is_domain "$domain" || fail "POSTERN_RELAY_DOMAINS: '$domain' is not a domain name"
            case "$verify" in
                list|callout|accept-all) ;;
                *) fail "POSTERN_RELAY_DOMAINS: '$entry': verify must be list, callout or accept-all" ;;
            esac
            echo "  <domain name=\"$domain\" verify=\"$verify\"/>"
        done
        echo '</relaydomains>'
    } > "$GEN/relaydomains.xml"
}

apply_trusted_networks() {
    may_apply POSTERN_TRUSTED_NETWORKS smtpserver.xml || return 0
    networks=""
    for network in $(items "$POSTERN_TRUSTED_NETWORKS"); do
        printf '%s\n' "$network" | grep -Eq '^[A-Za-z0-9.:/*-]+$' \
            || fail "POSTERN_TRUSTED_NETWORKS: '$network' is not an address, network or host name"
        networks="${networks:+$networks, }$network"
    done
    [ -n "$networks" ] || fail "POSTERN_TRUSTED_NETWORKS='$POSTERN_TRUSTED_NETWORKS': no network given"
    sed -i -e "s|<authorizedAddresses>[^<]*</authorizedAddresses>|<authorizedAddresses>$networks</authorizedAddresses>|" \
        "$GEN/smtpserver.xml"
}

apply_dns_servers() {
    may_apply POSTERN_DNS_SERVERS dnsservice.xml || return 0
    servers=""
    for server in $(items "$POSTERN_DNS_SERVERS"); do
        printf '%s\n' "$server" | grep -Eq '^[0-9A-Fa-f.:]+$' \
            || fail "POSTERN_DNS_SERVERS: '$server' is not an IP address"
        servers="$servers        <server>$server</server>\n"
    done
    [ -n "$servers" ] || fail "POSTERN_DNS_SERVERS='$POSTERN_DNS_SERVERS': no server given"
    sed -i -e "s|^\([[:space:]]*\)<autodiscover>[^<]*</autodiscover>[[:space:]]*$|\1<autodiscover>false</autodiscover>\n\1<servers>\n$servers\1</servers>|" \
        "$GEN/dnsservice.xml"
    grep -q '^[[:space:]]*<servers>' "$GEN/dnsservice.xml" \
        || fail "POSTERN_DNS_SERVERS: $DEFAULTS/dnsservice.xml has no <autodiscover> line to replace"
}

# Java properties: a backslash escapes, so double it.
property_value() {
    printf '%s' "$1" | sed -e 's/\\/\\\\/g'
}

apply_database() {
    may_apply POSTERN_DB_URL james-database.properties || return 0
    url=$POSTERN_DB_URL
    case "$url" in
        jdbc:postgresql:*) driver=org.postgresql.Driver ;;
        jdbc:derby:*) driver=org.apache.derby.jdbc.EmbeddedDriver ;;
        jdbc:*) driver="" ;;
        *) fail "POSTERN_DB_URL='$url': must be a JDBC URL (jdbc:postgresql://host:5432/postern)" ;;
    esac
    driver=${POSTERN_DB_DRIVER:-$driver}
    [ -n "$driver" ] || fail "POSTERN_DB_URL='$url': set POSTERN_DB_DRIVER for this database"
    password=${POSTERN_DB_PASSWORD:-}
    if [ -n "${POSTERN_DB_PASSWORD_FILE:-}" ]; then
        [ -r "$POSTERN_DB_PASSWORD_FILE" ] || fail "POSTERN_DB_PASSWORD_FILE='$POSTERN_DB_PASSWORD_FILE': cannot be read"
        password=$(cat "$POSTERN_DB_PASSWORD_FILE")
    fi
    {
        echo "# Generated from POSTERN_DB_* by the container entrypoint."
        printf 'database.driverClassName=%s\n' "$driver"
        printf 'database.url=%s\n' "$(property_value "$url")"
        [ -z "${POSTERN_DB_USER:-}" ] || printf 'database.username=%s\n' "$(property_value "$POSTERN_DB_USER")"
        [ -z "$password" ] || printf 'database.password=%s\n' "$(property_value "$password")"
        [ -z "${POSTERN_NODE_NAME:-}" ] || printf 'node.name=%s\n' "$(property_value "$POSTERN_NODE_NAME")"
        grep -E '^[[:space:]]*(datasource\.|openjpa\.)' "$DEFAULTS/james-database.properties" || true
    } > "$GEN/james-database.properties"
}

generate_conf() {
    [ -d "$DEFAULTS" ] || fail "$DEFAULTS: default configuration missing from the image"
    if ! mkdir -p "$GEN" 2>/dev/null || [ ! -w "$GEN" ]; then
        GEN=$(mktemp -d "${TMPDIR:-/tmp}/postern-conf.XXXXXX")   # run as another user than the image's
    fi
    rm -rf "$GEN"
    mkdir -p "$GEN"
    cp -R "$DEFAULTS/." "$GEN/"
    set -f  # comma lists are split unquoted: no file name expansion of '*'
    [ -z "${POSTERN_HOSTNAME:-}" ] || apply_hostname
    [ -z "${POSTERN_LOCAL_DOMAINS:-}" ] || apply_local_domains
    [ -z "${POSTERN_RELAY_DOMAINS:-}" ] || apply_relay_domains
    [ -z "${POSTERN_TRUSTED_NETWORKS:-}" ] || apply_trusted_networks
    [ -z "${POSTERN_DNS_SERVERS:-}" ] || apply_dns_servers
    [ -z "${POSTERN_DB_URL:-}" ] || apply_database
    set +f
    if [ -d "$MOUNTED" ]; then
        for provided in "$MOUNTED"/* "$MOUNTED"/.[!.]*; do
            [ -e "$provided" ] || continue
            name=$(basename "$provided")
            rm -rf "${GEN:?}/$name"
            ln -s "$provided" "$GEN/$name"
            note "using $provided"
        done
    fi
}

command=${1:-start}
case "$command" in
    start)
        generate_conf
        mkdir -p "$DATA"
        export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}   # as bin/postern
        trim=""
        if [ -z "${POSTERN_HEAP_OPTS:-}" ] && java -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 -version >/dev/null 2>&1; then
            trim="-XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000"   # as bin/postern
        fi
        # shellcheck disable=SC2086 # POSTERN_HEAP_OPTS and POSTERN_JAVA_OPTS are lists of options
        exec java ${POSTERN_HEAP_OPTS:--Xms64m -Xmx1g -XX:+UseSerialGC -XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=40 -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=64m -Xss512k} \
            $trim ${POSTERN_JAVA_OPTS:-} -Dlogback.configurationFile="$GEN/logback.xml" \
            -cp "$HOME_DIR/postern-server.jar:$HOME_DIR/lib/*" org.postern.server.PosternServerMain \
            start --conf "$GEN" --data "$DATA"
        ;;
    check)
        # a conf of its own: a running server's stays as it is
        GEN=$(mktemp -d "${TMPDIR:-/tmp}/postern-check.XXXXXX")
        generate_conf
        status=0
        # shellcheck disable=SC2086 # POSTERN_JAVA_OPTS is a list of options
        java -XX:+UseSerialGC ${POSTERN_JAVA_OPTS:-} -cp "$HOME_DIR/postern-server.jar:$HOME_DIR/lib/*" \
            org.postern.server.PosternServerMain check --conf "$GEN" || status=$?
        rm -rf "$GEN"
        exit $status
        ;;
    queue|ledger|explain|users|domains|help)
        # against the running server's webadmin, found through the conf it was started with (docs/operations.md "The admin's
        # command line"); a small JVM on the server jar and jackson-core, as bin/postern runs them
        if [ -z "${POSTERN_WEBADMIN:-}" ] && [ -f "$GEN/webadmin.properties" ]; then
            set -- --conf "$GEN" "$@"
        fi
        exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx64m -Xss512k \
            -cp "$HOME_DIR/postern-server.jar:$(echo "$HOME_DIR"/lib/jackson-core-*.jar)" org.postern.cli.PosternCli "$@"
        ;;
    show-conf)
        generate_conf
        if [ $# -ge 2 ]; then
            cat "$GEN/$2"
        else
            ls -l "$GEN"
        fi
        ;;
    *)
        exec "$@"
        ;;
esac
