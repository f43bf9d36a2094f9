#!/usr/bin/env python3
"""Generates the benchmark datasets (reproducible from a seed).

small: N files (default 1,000,000) of mixed sizes, log-uniform 64 B .. 32 KiB
       (mean ~5 KiB), half text-like (compressible), half random, in a tree of
       ~50 files per directory, 3-5 levels deep, with names like a file server's.
large: a few GB of large files with partial duplication: independent random
       files, a copy with a 16 MiB region rewritten, and a file made of halves of
       two others plus new data.
"""
import argparse
import math
import os
import random

WORDS = ("report budget invoice scan photo draft final notes meeting contract "
         "backup project design spec plan data export summary minutes review").split()
EXTS = [".txt", ".docx", ".xlsx", ".pdf", ".jpg", ".csv", ".log", ".json", ".md", ".png"]


def text_bytes(rng, n):
    out = bytearray()
    while len(out) < n:
        out += (" ".join(rng.choice(WORDS) for _ in range(12)) + "\n").encode()
    return bytes(out[:n])


def make_small(root, count, seed):
    rng = random.Random(seed)
    files_per_dir = 50
    dirs = math.ceil(count / files_per_dir)
    made = 0
    for d in range(dirs):
        # depth 3..5 with a realistic fan-out: dept/team/year[/project]
        parts = [f"dept{d % 17:02d}", f"team{(d // 17) % 23:02d}", f"{2015 + (d // 391) % 10}"]
        if d % 3 == 0:
            parts.append(f"project-{rng.choice(WORDS)}-{d}")
        else:
            parts.append(f"batch{d}")
        path = os.path.join(root, *parts)
        os.makedirs(path, exist_ok=True)
        for f in range(min(files_per_dir, count - made)):
            size = int(math.exp(rng.uniform(math.log(64), math.log(32768))))
            data = text_bytes(rng, size) if rng.random() < 0.5 else rng.randbytes(size)
            name = f"{rng.choice(WORDS)}_{made:07d}{rng.choice(EXTS)}"
            with open(os.path.join(path, name), "wb") as fh:
                fh.write(data)
            made += 1


def write_random(path, size, rng):
    with open(path, "wb") as fh:
        left = size
        while left > 0:
            k = min(left, 8 << 20)
            fh.write(rng.randbytes(k))
            left -= k


def make_large(root, gib, seed):
    rng = random.Random(seed)
    os.makedirs(root, exist_ok=True)
    unit = 512 << 20
    n_random = max(2, int(gib * (1 << 30) / unit) - 2)
    for i in range(n_random):
        write_random(os.path.join(root, f"disk{i}.img"), unit, rng)
    # a copy of disk0 with 16 MiB rewritten in the middle
    with open(os.path.join(root, "disk0.img"), "rb") as src, open(os.path.join(root, "disk0-v2.img"), "wb") as dst:
        data = bytearray(src.read())
        mid = len(data) // 2
        data[mid:mid + (16 << 20)] = rng.randbytes(16 << 20)
        dst.write(data)
    # second half of disk1 + first half of disk0 + 64 MiB new
    with open(os.path.join(root, "mixed.img"), "wb") as dst:
        for name, lo, hi in (("disk1.img", unit // 2, unit), ("disk0.img", 0, unit // 2)):
            with open(os.path.join(root, name), "rb") as src:
                src.seek(lo)
                dst.write(src.read(hi - lo))
        dst.write(rng.randbytes(64 << 20))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["small", "large"])
    ap.add_argument("root")
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--gib", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.kind == "small":
        make_small(a.root, a.count, a.seed)
    else:
        make_large(a.root, a.gib, a.seed)


if __name__ == "__main__":
    main()
