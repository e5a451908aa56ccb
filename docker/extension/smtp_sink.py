#!/usr/bin/env python3
"""A minimal SMTP server for docker/extension/test.sh: accepts every message on ADDRESS:PORT and writes each one
(envelope and data, dot-stuffing removed) to DIR/NNN.eml. Stops when killed. Loopback addresses only."""
import ipaddress
import os
import socketserver
import sys

ADDRESS, PORT, DIR = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if not ipaddress.ip_address(ADDRESS).is_loopback:
    sys.exit("loopback addresses only: " + ADDRESS)
count = 0


class Session(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode("ascii"))
        self.wfile.flush()

    def handle(self):
        global count
        self.reply("220 sink.test ESMTP")
        envelope = []
        while True:
            line = self.rfile.readline(4096)
            if not line:
                return
            command = line.decode("latin-1").rstrip("\r\n")
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-sink.test\r\n250-PIPELINING\r\n250 8BITMIME")
            elif verb in ("HELO", "RSET", "NOOP"):
                envelope = [] if verb == "RSET" else envelope
                self.reply("250 2.0.0 OK")
            elif verb in ("MAIL", "RCPT"):
                envelope.append(command)
                self.reply("250 2.1.0 OK")
            elif verb == "DATA":
                self.reply("354 go ahead")
                data = []
                while True:
                    body = self.rfile.readline(65536)
                    if not body or body in (b".\r\n", b".\n"):
                        break
                    data.append(body[1:] if body.startswith(b"..") else body)
                count += 1
                with open(os.path.join(DIR, "%03d.eml" % count), "wb") as out:
                    out.write(("\n".join(envelope) + "\n\n").encode("latin-1") + b"".join(data))
                envelope = []
                self.reply("250 2.0.0 Ok: queued as SINK%d" % count)
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 not implemented")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


Server((ADDRESS, PORT), Session).serve_forever()
