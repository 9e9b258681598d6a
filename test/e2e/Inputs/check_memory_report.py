"""Compares `nnc build --memory-report`'s planned total with the peak the
runtime measured (NNRT_ALLOC_REPORT: the most bytes its allocator had
handed out at once over a few steps).

usage: check_memory_report.py REPORT ALLOC_LOG

The plan assumes every intermediate tensor gets its own buffer from its
definition to its last use; bufferization copies (padding, slices) and the
evaluation at the end of the run add to the measurement. Exits 1 unless
the measured peak is within [0.5, 2] times the planned total.
"""
import re
import sys


def main(report, alloc):
    with open(report) as f:
        total = float(re.search(r"total\s+([0-9.]+) MB", f.read()).group(1))
    with open(alloc) as f:
        peak = int(re.search(r"peak bytes in use: (\d+)", f.read()).group(1))
    ratio = peak / 1e6 / total
    print(f"planned {total:.2f} MB, measured {peak / 1e6:.2f} MB, "
          f"ratio {ratio:.2f}")
    if not 0.5 <= ratio <= 2:
        sys.exit(1)
    print("plan and measurement agree")


if __name__ == "__main__":
    main(*sys.argv[1:])
