#!/usr/bin/env python3
"""Markdown table of bench/stores/run.sh's results.

usage: report.py RESULTS.tsv DATA_DIR FILES CAN_DROP REQUESTS.txt

RESULTS.tsv rows: server, dataset, tool, step (cold|warm|restore), seconds. The floor
(tool "floor") has cold and warm rows. Speed ratios are times divided: above 1 means
arbor is faster than restic, and arbor's share of the floor's speed (1 = as fast as
uploading the same bytes as one stream).
"""
import collections
import os
import sys


def dataset_size(root):
    total = files = 0
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            if os.path.isfile(p) and not os.path.islink(p):
                total += os.path.getsize(p)
                files += 1
    return total, files


def main(argv):
    results, data, can_drop = argv[1], argv[2], argv[4] == "1"
    requests = argv[5]
    t = collections.defaultdict(dict)
    with open(results) as f:
        for line in f:
            server, ds, tool, step, secs = line.rstrip("\n").split("\t")
            t[(server, ds)][(tool, step)] = float(secs)
    out = []
    out.append("| server | dataset | step | arbor s | arbor MB/s | restic s | floor s | arbor vs restic | floor s / arbor s |")
    out.append("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for (server, ds), row in sorted(t.items()):
        size, files = dataset_size(os.path.join(data, ds))
        label = "%s (%d files, %.0f MB)" % (ds, files, size / 1e6)
        for step in ("cold", "warm", "restore"):
            a = row.get(("arbor", step))
            r = row.get(("restic", step))
            fl = row.get(("floor", step)) if step != "restore" else None
            if a is None:
                continue
            cells = [server, label, step + ("" if can_drop or step != "cold" else " (caches not dropped)"),
                     "%.1f" % a, "%.1f" % (size / 1e6 / a) if a else "-",
                     "%.1f" % r if r else "-", "%.1f" % fl if fl else "-",
                     "%.2fx" % (r / a) if r else "-", "%.2f" % (fl / a) if fl else "-"]
            out.append("| " + " | ".join(cells) + " |")
    if os.path.exists(requests):
        out.append("")
        out.append("arbor's store requests (warm first backup):")
        out.append("")
        with open(requests) as f:
            for line in f:
                server, ds, text = line.rstrip("\n").split("\t", 2)
                out.append("- %s, %s: %s" % (server, ds, text))
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv)
