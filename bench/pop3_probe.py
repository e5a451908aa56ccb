#!/usr/bin/env python3
"""How long a POP3 user waits: connect, USER/PASS, STAT, optionally RETR 1, QUIT, timed per step, on a raw
socket. Repeated --probes times (one second apart), or for as long as --while-pid runs (at least --probes
times), each probe bounded by --timeout. Prints one JSON object:

  login_stat_s  connect until the STAT reply (what a client waits before it can fetch), per probe
  retr1_s       the RETR 1 reply, per probe (with --retr)
  and their median and max; errors (timeouts) are counted, never hidden.
"""
import argparse
import json
import os
import socket
import statistics
import sys
import time


class Pop3:
    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = bytearray()

    def line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                ln = bytes(self.buf[:i])
                del self.buf[:i + 2]
                return ln
            chunk = self.sock.recv(65536)
            if not chunk:
                raise OSError("connection closed")
            self.buf.extend(chunk)

    def cmd(self, text):
        self.sock.sendall(text.encode() + b"\r\n")
        ln = self.line()
        if not ln.startswith(b"+OK"):
            raise OSError(f"{text.split()[0]}: {ln[:80]!r}")
        return ln

    def multiline(self, text):
        self.cmd(text)
        size = 0
        while True:
            ln = self.line()
            if ln == b".":
                return size
            size += len(ln) + 2


def probe(a):
    t0 = time.monotonic()
    p = Pop3(a.host, a.port, a.timeout)
    try:
        if not p.line().startswith(b"+OK"):
            raise OSError("no greeting")
        p.cmd(f"USER {a.user}")
        p.cmd(f"PASS {a.password}")
        t_login = time.monotonic() - t0
        count = int(p.cmd("STAT").split()[1])
        r = {"login_s": t_login, "login_stat_s": time.monotonic() - t0, "count": count}
        if a.retr and count > 0:
            t1 = time.monotonic()
            p.multiline("RETR 1")
            r["retr1_s"] = time.monotonic() - t1
        p.sock.sendall(b"QUIT\r\n")
        return r
    finally:
        p.sock.close()


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def summary(values):
    return {"median": round(statistics.median(values), 4), "max": round(max(values), 4)} if values else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--probes", type=int, default=5)
    ap.add_argument("--max-probes", type=int, default=120)
    ap.add_argument("--while-pid", type=int, default=None)
    ap.add_argument("--retr", action="store_true")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--pause", type=float, default=1.0)
    ap.add_argument("--label", default="")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()

    results, errors = [], []
    while len(results) + len(errors) < a.max_probes:
        busy = a.while_pid is not None and alive(a.while_pid)
        if len(results) + len(errors) >= a.probes and not busy:
            break
        try:
            results.append(probe(a))
        except (OSError, socket.timeout, ValueError, IndexError) as e:
            errors.append(str(e) or type(e).__name__)
        time.sleep(a.pause)
    res = {
        "label": a.label, "target": f"{a.host}:{a.port}", "probes": len(results) + len(errors),
        "errors": errors, "count": results[-1]["count"] if results else None,
        "login_stat_s": summary([r["login_stat_s"] for r in results]),
        "retr1_s": summary([r["retr1_s"] for r in results if "retr1_s" in r]),
        "login_retr1_s": summary([r["login_stat_s"] + r["retr1_s"] for r in results if "retr1_s" in r]),
    }
    line = json.dumps(res)
    print(line, flush=True)
    if a.out:
        with open(a.out, "a") as f:
            f.write(line + "\n")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
