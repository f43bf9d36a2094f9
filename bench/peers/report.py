#!/usr/bin/env python3
"""Turns bench/peers/run.sh's results.tsv into a markdown table with ratios."""
import os
import sys
from collections import defaultdict

results, data_dir, files_arg = sys.argv[1], sys.argv[2], int(sys.argv[3])
cache = sys.argv[4] if len(sys.argv) > 4 else "warm"
rows = defaultdict(dict)  # (tool, dataset) -> step -> (a, b)
for line in open(results):
    tool, ds, step, a, b = line.rstrip("\n").split("\t")
    rows[(tool, ds)][step] = (float(a), float(b))


def dataset_size(ds):
    total, count = 0, 0
    for dirpath, _, names in os.walk(os.path.join(data_dir, ds)):
        for n in names:
            total += os.lstat(os.path.join(dirpath, n)).st_size
            count += 1
    return total, count


floor = {ds: r for (t, ds), r in rows.items() if t == "floor"}
rows = {k: v for k, v in rows.items() if k[0] != "floor"}
tools = sorted({t for t, _ in rows}, key=lambda t: ["arbor", "restic", "borg"].index(t) if t in ["arbor", "restic", "borg"] else 9)
print(f"Page cache: {cache} before every step.")
print()
print("| dataset | tool | first backup | files/s | MB/s | peak RSS | unchanged | one changed | restore | repo size | objects |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for ds in ("small", "large"):
    size, count = dataset_size(ds)
    for t in tools:
        r = rows.get((t, ds))
        if not r:
            continue
        first = r["first"][0]
        print(f"| {ds} ({count:,} files, {size / 1e9:.2f} GB) | {t} | {first:.1f} s | {count / first:,.0f} | "
              f"{size / 1e6 / first:,.0f} | {r['first'][1] / 1024:,.0f} MiB | {r['unchanged'][0]:.2f} s | "
              f"{r['one_changed'][0]:.2f} s | {r['restore'][0]:.1f} s | {r['repo'][0] / 1e9:.2f} GB | {int(r['repo'][1]):,} |")
for ds, r in floor.items():
    size, count = dataset_size(ds)
    seconds = r["read"][0]
    # The copy (tar | tar into a fresh directory, one writer) stands in the restore column:
    # a restore that writes with several threads can beat it (docs/benchmarks.md).
    copy = f"{r['copy'][0]:.1f} s (tar \\| tar, one writer)" if "copy" in r else ""
    print(f"| {ds} | floor: read every file (tar \\| cat) | {seconds:.1f} s | {count / seconds:,.0f} | "
          f"{size / 1e6 / seconds:,.0f} | | | | {copy} | | |")
print()
print("Ratios (arbor is better when > 1: peer time / arbor time; RSS: arbor / peer):")
print()
print("| dataset | vs | first backup | unchanged | one changed | restore | peak RSS (arbor/peer) |")
print("|---|---|---|---|---|---|---|")
for ds in ("small", "large"):
    a = rows.get(("arbor", ds))
    if not a:
        continue
    for t in tools:
        if t == "arbor" or (t, ds) not in rows:
            continue
        p = rows[(t, ds)]
        ratio = lambda s: p[s][0] / a[s][0] if a[s][0] > 0 else float("inf")
        print(f"| {ds} | {t} | {ratio('first'):.2f}x | {ratio('unchanged'):.2f}x | {ratio('one_changed'):.2f}x | "
              f"{ratio('restore'):.2f}x | {a['first'][1] / p['first'][1]:.2f} |")
