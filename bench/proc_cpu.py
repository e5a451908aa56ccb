#!/usr/bin/env python3
"""CPU seconds used so far by a process tree: the root's own and its waited-for children's time
(utime+stime+cutime+cstime from /proc/PID/stat), plus the same for every live descendant. Exited, reaped
children are in their parent's cutime/cstime, so nothing is counted twice. Usage: proc_cpu.py PID"""
import os
import sys

TICK = os.sysconf("SC_CLK_TCK")


def stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # after the command: state ppid ... utime(14) stime(15) cutime(16) cstime(17), counted from field 3
    return int(fields[1]), sum(int(fields[i]) for i in (11, 12, 13, 14))


def tree_cpu(root):
    parents, ticks = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid, t = stat(int(entry))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            parents[int(entry)] = ppid
            ticks[int(entry)] = t
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += ticks.get(pid, 0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total / TICK


if __name__ == "__main__":
    print(f"{tree_cpu(int(sys.argv[1])):.2f}")
