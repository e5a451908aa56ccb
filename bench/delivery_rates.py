#!/usr/bin/env python3
"""Adds the delivery rate per quarter of a run to drive_smtp.py's JSON result, from the counter file the run
waited on (t=<s> mesg=<n> lines, the count before the run first), the way the shared harness's bench-local.sh
does for its Maildir counter, so both sides of the comparison are computed alike.

  delivery_rates.py RESULT_JSON COUNTER_FILE LABEL OUT
"""
import json
import re
import sys


def main():
    result, counter, label, out = sys.argv[1:5]
    r = json.loads(result)
    r["label"] = label
    pts = [(float(t), int(n)) for t, n in re.findall(r"t=([\d.]+) mesg=(\d+)", open(counter).read())]
    base, msgs = pts[0][1], r["msgs"]
    end = next((t for t, n in pts if n >= base + msgs), None)
    quarters = [None] * 4
    if end is not None and r.get("deliver_s"):
        start = end - r["deliver_s"]

        def reached(m):
            return next((t for t, n in pts if n >= m), None)

        marks = [base + msgs * k // 4 for k in range(5)]
        times = [start] + [reached(m) for m in marks[1:]]
        for k in range(4):
            if times[k] is not None and times[k + 1] is not None and times[k + 1] > times[k]:
                quarters[k] = round((marks[k + 1] - marks[k]) / (times[k + 1] - times[k]), 1)
    r["delivered_per_s_quarters"] = quarters
    r["mailbox_before"] = base
    line = json.dumps(r)
    print(line)
    with open(out, "a") as f:
        f.write(line + "\n")


if __name__ == "__main__":
    main()
