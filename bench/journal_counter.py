#!/usr/bin/env python3
"""Count the copies Postern has stored in one recipient's mailbox while a run goes on, from its delivery
journal (one "D <queue id> <recipient>" line is appended once a copy is in the mailbox), and write the count as
smtp-sink -c style lines, one per change:

    t=<seconds since start> mesg=<count>

so that the shared harness's drive_smtp.py --sink-counter waits for "all delivered" exactly as it waits for the
Maildir counter of the Postfix -> Dovecot run. Reading the journal costs the server nothing (a POP3 STAT would
list the mailbox), and it is the same signal "stored" that a Maildir file is for Dovecot.

Bounded: exits when the count reaches --until, after --max-seconds, or when --parent PID is gone.
"""
import argparse
import os
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("journal", help="the data directory's var/store/delivery-journal.log")
    ap.add_argument("outfile")
    ap.add_argument("--recipient", required=True)
    ap.add_argument("--until", type=int, required=True)
    ap.add_argument("--max-seconds", type=float, default=3600.0)
    ap.add_argument("--interval", type=float, default=0.1)
    ap.add_argument("--parent", type=int, default=None)
    a = ap.parse_args()

    suffix = (" " + a.recipient + "\n").encode()
    t0 = time.monotonic()
    offset, count, last, rest = 0, 0, None, b""
    with open(a.outfile, "a", buffering=1) as out:
        while True:
            now = time.monotonic()
            try:
                size = os.path.getsize(a.journal)
                if size < offset:  # rewritten to its tail (start-up or roll-over): count again from the start
                    offset, count, rest = 0, 0, b""
                with open(a.journal, "rb") as f:
                    f.seek(offset)
                    chunk = f.read()
                offset += len(chunk)
                lines = (rest + chunk).split(b"\n")
                rest = lines.pop()
                count += sum(1 for ln in lines if ln.startswith(b"D ") and (ln + b"\n").endswith(suffix))
            except FileNotFoundError:
                pass
            if count != last:
                out.write(f"t={now - t0:.3f} mesg={count}\n")
                last = count
            if count >= a.until or now - t0 > a.max_seconds:
                break
            if a.parent is not None:
                try:
                    os.kill(a.parent, 0)
                except ProcessLookupError:
                    break
            time.sleep(a.interval)
    return 0


if __name__ == "__main__":
    sys.exit(main())
