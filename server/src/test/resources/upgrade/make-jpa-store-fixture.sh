#!/usr/bin/env bash
# Makes jpa-store-derby.zip: the Derby database of a data directory written by Postern before its JDBC mailbox
# store (James's OpenJPA mailbox store, commit c491102), holding three messages for upgrade@old.test, and
# jpa-store-expected.txt: what POP3 showed of them then (UIDL, and the SHA-256 of each RETR).
#   make-jpa-store-fixture.sh OLD_POSTERN_CHECKOUT   (built: mvn -DskipTests package)
# Only 127.0.0.1 is used; the old server is stopped by its PID.
set -euo pipefail
OLD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
RUN=$(mktemp -d)
cp -R "$OLD/james-conf" "$RUN/conf"
sed -i 's/0\.0\.0\.0:25</127.0.0.1:12525</; s/0\.0\.0\.0:587</127.0.0.1:12587</; s/0\.0\.0\.0:465</127.0.0.1:12465</' "$RUN/conf/smtpserver.xml"
sed -i 's/0\.0\.0\.0:110</127.0.0.1:12110</; s/0\.0\.0\.0:995</127.0.0.1:12995</' "$RUN/conf/pop3server.xml"
sed -i 's/^port=.*/port=12800/' "$RUN/conf/webadmin.properties"
java -cp "$OLD/server/target/postern-server.jar:$OLD/server/target/lib/*" org.postern.server.PosternServerMain \
  start --conf "$RUN/conf" --data "$RUN/data" > "$RUN/postern.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 600); do (exec 3<>/dev/tcp/127.0.0.1/12800) 2>/dev/null && break; sleep 0.2; done
curl -sf -X PUT http://127.0.0.1:12800/domains/old.test
curl -sf -X PUT -H 'Content-Type: application/json' -d '{"password":"old"}' http://127.0.0.1:12800/users/upgrade@old.test
python3 - "$HERE/jpa-store-expected.txt" <<'PY'
import hashlib, poplib, smtplib, sys, time
messages = [
    b"Subject: plain\r\n\r\n.a line with a leading dot\r\n..two dots\r\nend\r\n",
    b"Subject: with parameters\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8; format=flowed\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n\r\nbody\r\n",
    b"Subject: multipart\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\n"
    b"Content-Type: text/plain\r\n\r\npart\r\n--b1--\r\n",
]
for m in messages:
    with smtplib.SMTP("127.0.0.1", 12525) as s:
        s.sendmail("someone@elsewhere.test", ["upgrade@old.test"], m)
for _ in range(300):
    p = poplib.POP3("127.0.0.1", 12110); p.user("upgrade@old.test"); p.pass_("old")
    n = p.stat()[0]
    if n == 3:
        break
    p.quit(); time.sleep(0.2)
with open(sys.argv[1], "w") as out:
    for line in p.uidl()[1]:
        number, uid = line.decode().split()
        body = b"\r\n".join(p.retr(int(number))[1]) + b"\r\n"
        out.write(f"{uid} {hashlib.sha256(body).hexdigest()}\n")
p.quit()
PY
kill $PID; wait $PID || true
(cd "$RUN/data/store" && rm -f derby.log && zip -qr "$HERE/jpa-store-derby.zip" derby)
rm -rf "$RUN"
