#!/usr/bin/env python3
"""Samples smtp-sink's message counter every half second until killed, one "epoch_seconds messages" line
each, so that a run's delivery rate can be cut into quarters. Usage: sink_sampler.py COUNTER_FILE OUT_FILE"""
import re
import sys
import time

counter, out = sys.argv[1], sys.argv[2]
with open(out, "w") as samples:
    while True:
        try:
            with open(counter, "rb") as f:
                f.seek(0, 2)
                f.seek(max(0, f.tell() - 200))
                found = re.findall(rb"mesg=(\d+)", f.read())
            if found:
                samples.write(f"{time.time():.2f} {int(found[-1])}\n")
                samples.flush()
        except FileNotFoundError:
            pass
        time.sleep(0.5)
