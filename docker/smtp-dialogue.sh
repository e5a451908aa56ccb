# Sourced by docker/test.sh and docker/extension/test.sh: a raw SMTP dialogue on file descriptor 3, the replies
# checked one by one. The caller opens fd 3 (exec 3<>/dev/tcp/HOST/PORT) and defines fail().

reply() { # EXPECTED_CODE: reads one (multi-line) reply, prints its last line
    local line
    while IFS= read -r -t 30 line <&3; do
        line=${line%$'\r'}
        if [ "${line:3:1}" != "-" ]; then
            [ "${line:0:3}" = "$1" ] || fail "SMTP: expected $1, got '$line'"
            echo "$line"
            return 0
        fi
    done
    fail "SMTP: no reply (expected $1)"
}

say() { printf '%s\r\n' "$1" >&3; }
