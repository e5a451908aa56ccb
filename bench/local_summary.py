#!/usr/bin/env python3
"""The table of bench/postern-local.sh: every figure of Postern beside the same figure of the yardstick
(Postfix -> LMTP -> Dovecot, Dovecot POP3) from the same run, and their ratio. The ratio is Postern / yardstick
for rates and yardstick / Postern for times, so >= 1.00 always means "as good as the yardstick or better".

  local_summary.py RESULTS_JSONL
"""
import json
import sys


def load(path):
    """The last record of each label, and every record of each label (POP3 RETR runs several passes)."""
    rows, passes = {}, {}
    for line in open(path):
        line = line.strip()
        if line:
            r = json.loads(line)
            rows[r["label"]] = r
            passes.setdefault(r["label"], []).append(r)
    return rows, passes


def median_rate(passes, label):
    """The median RETR/s of a label's passes, and how it reads in the table: 'median (min-max of N)'."""
    rates = sorted(r["retr_msgs_per_s"] for r in passes.get(label, []) if r.get("retr_msgs_per_s"))
    if not rates:
        return None, "n/a"
    n = len(rates)
    median = rates[n // 2] if n % 2 else (rates[n // 2 - 1] + rates[n // 2]) / 2
    spread = f" ({fmt(rates[0])}–{fmt(rates[-1])} over {n})" if n > 1 else ""
    return median, fmt(median) + spread


def get(rows, label, *keys):
    v = rows.get(label)
    for k in keys:
        if v is None:
            return None
        v = v.get(k) if isinstance(v, dict) else None
    return v


def fmt(v, unit=""):
    if v is None:
        return "n/a"
    if isinstance(v, float) and v < 10:
        return f"{v:.3f}{unit}"
    return f"{v:,.0f}{unit}"


def ratio(ours, theirs, higher_is_better=True):
    if not ours or not theirs:
        return "n/a"
    return f"{(ours / theirs if higher_is_better else theirs / ours):.2f}"


def latency(rows, label, key):
    """median / max of a probe figure, with timeouts shown as such."""
    r = rows.get(label)
    if r is None:
        return None, "n/a"
    s = r.get(key)
    text = f"{s['median']:.3f} / {s['max']:.3f} s" if s else "none answered"
    if r.get("errors"):
        text += f" ({len(r['errors'])} of {r['probes']} probes failed: {r['errors'][0]})"
    worst = None if r.get("errors") or not s else s["max"]
    return worst, text


def main():
    rows, passes = load(sys.argv[1])
    out = []

    def row(figure, ours, theirs, r):
        out.append(f"| {figure} | {ours} | {theirs} | {r} |")

    out.append("| figure (same run) | Postern | Postfix → LMTP → Dovecot / Dovecot POP3 | ratio |")
    out.append("| --- | --- | --- | --- |")
    p, y = rows.get("postern/deliver", {}), rows.get("yardstick/deliver", {})
    n = p.get("msgs") or y.get("msgs")
    row(f"local delivery, {n} msgs, {p.get('sessions')} sessions: accepted/s", fmt(p.get("accepted_per_s")),
        fmt(y.get("accepted_per_s")), ratio(p.get("accepted_per_s"), y.get("accepted_per_s")))
    row("local delivery: delivered/s", fmt(p.get("delivered_per_s")), fmt(y.get("delivered_per_s")),
        ratio(p.get("delivered_per_s"), y.get("delivered_per_s")))
    pq, yq = p.get("delivered_per_s_quarters") or [], y.get("delivered_per_s_quarters") or []
    q = lambda qs: " → ".join(fmt(x) for x in qs) if qs else "n/a"
    flat = lambda qs: f"last/first {qs[-1] / qs[0]:.2f}" if len(qs) == 4 and qs[0] and qs[-1] else ""
    row("local delivery: delivered/s per quarter of the run", f"{q(pq)} ({flat(pq)})", f"{q(yq)} ({flat(yq)})",
        ratio(pq[-1] if pq else None, yq[-1] if yq else None) + " (last quarter)")
    for mode, name in (("poplib", "sequential (poplib)"), ("pipelined", "pipelined (window 32)")):
        a, b = rows.get(f"postern/{mode}", {}), rows.get(f"dovecot/{mode}", {})
        (am, at), (bm, bt) = median_rate(passes, f"postern/{mode}"), median_rate(passes, f"dovecot/{mode}")
        row(f"POP3 RETR of {a.get('msgs') or b.get('msgs')} msgs, {name}: RETR/s, median of the passes",
            at + (f" ({a['error']})" if a.get("error") else ""),
            bt + (f" ({b['error']})" if b.get("error") else ""),
            ratio(am, bm))
    cpu = get(rows, "postern/pipelined-cpu", "us_per_retr")
    if cpu is not None:
        row("Postern's CPU per pipelined RETR (user + system, over the passes, logins included)", f"{cpu} µs", "", "")
    a, b = rows.get("postern/login-stat", {}), rows.get("dovecot/login-stat", {})
    am, bm = get(rows, "postern/login-stat", "login_stat_s", "median"), get(rows, "dovecot/login-stat", "login_stat_s", "median")
    row(f"POP3 login + STAT of {a.get('count') or b.get('count')} msgs, median of {a.get('probes')}",
        fmt(am, " s"), fmt(bm, " s"), ratio(am, bm, higher_is_better=False))
    a, b = rows.get("postern/under-load", {}), rows.get("dovecot/under-load", {})
    aw, at = latency(rows, "postern/under-load", "login_retr1_s")
    bw, bt = latency(rows, "dovecot/under-load", "login_retr1_s")
    row(f"POP3 login + STAT + RETR 1 of a {a.get('count') or b.get('count')}-msg mailbox while 20 SMTP sessions "
        "deliver to another, median / max", at, bt, ratio(aw, bw, higher_is_better=False) + " (max)")
    rss = get(rows, "postern/memory", "rss_mb")
    row("server RSS after the run (target ≤ 512 MB)", fmt(rss, " MB"),
        fmt(get(rows, "yardstick/memory", "rss_mb"), " MB (PSS of all Postfix + Dovecot processes)"),
        ratio(rss, get(rows, "yardstick/memory", "rss_mb"), higher_is_better=False))
    startup = get(rows, "postern/startup", "ms")
    if startup:
        out.append(f"\nPostern start-up: {startup:,} ms.")
    print("\n".join(out))


if __name__ == "__main__":
    main()
