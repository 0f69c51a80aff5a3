#!/usr/bin/env python3
"""Live objects per socket from `dotnet-gcdump report` output (bench/run-idle-ab.sh with GCDUMP_AT).

Usage: bench/gcdump-per-socket.py SOCKETS REPORT.txt [REPORT.txt ...]
Counts every type with at least 0.8 objects per socket (the per-connection ones), as object size x count / SOCKETS,
largest first, and their sum: the live bytes an idle socket holds. Types with fewer objects (the node's own state)
are left out.
"""
import re
import sys


def per_socket(path, sockets):
    rows = {}
    for line in open(path, encoding="utf-8"):
        match = re.match(r"\s*([\d,]+)\s+([\d,]+)\s+(.*)", line)
        if not match:
            continue
        size, count = (int(match.group(i).replace(",", "")) for i in (1, 2))
        name = re.sub(r"\s+\(Bytes > .*?\)", "", match.group(3)).strip()
        if count >= 0.8 * sockets:
            rows[name] = rows.get(name, 0) + size * count
    return rows


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sockets = int(sys.argv[1])
    for path in sys.argv[2:]:
        rows = per_socket(path, sockets)
        print(f"{path}: {sum(rows.values()) / sockets:,.0f} B of live objects per socket")
        for name, total in sorted(rows.items(), key=lambda row: -row[1]):
            print(f"  {total / sockets:8.1f}  {name[:110]}")


if __name__ == "__main__":
    main()
