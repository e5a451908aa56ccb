#!/usr/bin/env python3
"""RCPT acceptance rate: SESSIONS concurrent SMTP sessions each send RCPT TO:<TARGET> repeatedly (RSET and a new
MAIL FROM every 90 recipients, under the 100-recipient limit) until TOTAL answers have arrived or SECONDS pass.
Prints recipients accepted per second. Every answer must be 250, else it stops with an error.
Usage: rcpt_rate.py HOST PORT TARGET [TOTAL=100000] [SESSIONS=20] [SECONDS=120]"""
import socket
import sys
import threading
import time

host, port, target = sys.argv[1], int(sys.argv[2]), sys.argv[3]
total = int(sys.argv[4]) if len(sys.argv) > 4 else 100000
sessions = int(sys.argv[5]) if len(sys.argv) > 5 else 20
limit = float(sys.argv[6]) if len(sys.argv) > 6 else 120.0
lock = threading.Lock()
done = [0]
errors = []


def reply(stream):
    while True:
        line = stream.readline()
        if not line:
            raise IOError("connection closed")
        if line[3:4] != b"-":
            return line


def session(share, deadline):
    sock = socket.create_connection((host, port), timeout=30)
    stream = sock.makefile("rb")
    try:
        reply(stream)
        sock.sendall(b"EHLO bench.test\r\n"); reply(stream)
        sent = 0
        while sent < share and time.time() < deadline:
            if sent % 90 == 0:
                sock.sendall(b"RSET\r\nMAIL FROM:<bench@sender.test>\r\n"); reply(stream); reply(stream)
            sock.sendall(b"RCPT TO:<" + target.encode() + b">\r\n")
            answer = reply(stream)
            if not answer.startswith(b"250"):
                raise IOError("RCPT answered " + answer.decode(errors="replace").strip())
            sent += 1
        sock.sendall(b"QUIT\r\n")
    except Exception as e:  # reported by the main thread
        errors.append(str(e))
    finally:
        with lock:
            done[0] += sent if "sent" in locals() else 0
        sock.close()


start = time.time()
threads = [threading.Thread(target=session, args=(total // sessions, start + limit)) for _ in range(sessions)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.time() - start
if errors:
    sys.exit("errors: " + "; ".join(errors[:3]))
print(f"{done[0]} RCPT in {elapsed:.1f} s: {done[0] / elapsed:.0f} recipients accepted/s")
