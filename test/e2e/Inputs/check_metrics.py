"""Checks the last record of a training run's metrics.jsonl.

usage: check_metrics.py METRICS [KEY>=MIN ...] [--finite KEY ...]

Prints each checked value; exits 1 when a KEY is missing, below its MIN, or
(with --finite) not a finite number.
"""
import json
import math
import sys


def main(args):
    with open(args[0]) as f:
        record = [json.loads(line) for line in f if line.strip()][-1]
    finite = False
    failed = False
    for arg in args[1:]:
        if arg == "--finite":
            finite = True
            continue
        key, _, minimum = arg.partition(">=")
        if key not in record:
            print("%s: missing" % key)
            failed = True
            continue
        value = record[key]
        ok = math.isfinite(value) and (finite or value >= float(minimum))
        print("%s %.4f %s" % (key, value, "ok" if ok else "FAILED"))
        failed |= not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
