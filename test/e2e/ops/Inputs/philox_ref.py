"""Checks a compiled program's random ops against Philox4x32-10 in Python.

usage: philox_ref.py WORKDIR PROG

PROG is the `Random` model of ../random.nn. The reference below is written
from the Random123 paper (Salmon et al., SC'11) and the mapping that
runtime/include/nnrt/abi.h and nnrt.h document, not from the runtime's
code; it is first checked against Random123's known answer for counter 0
and key 0. Then, for two seeds, `PROG predict --seed S` must give the
uniform and bernoulli outputs exactly and the normal one to 1e-5; a second
run with the same seed must give the same bits, another seed different
ones. Prints one line per check; exit status 1 when any fails.
"""
import math
import os
import subprocess
import sys

import numpy as np

MASK = 0xFFFFFFFF
MUL = (0xD2511F53, 0xCD9E8D57)
WEYL = (0x9E3779B9, 0xBB67AE85)

# The call sites (seed_offset) of the model's random ops, in source order,
# and the number of its forward call (predict makes one).
SITE_UNIFORM, SITE_NORMAL, SITE_BERNOULLI, SITE_BERNOULLI_BOOL = 0, 1, 2, 3
CALL = 0
BATCH = 2


def philox4x32_10(ctr, key):
    """The four output words for 4-word counter `ctr` and 2-word `key`."""
    x = list(ctr)
    k = list(key)
    for rnd in range(10):
        if rnd:
            k = [(k[0] + WEYL[0]) & MASK, (k[1] + WEYL[1]) & MASK]
        p0 = MUL[0] * x[0]
        p1 = MUL[1] * x[2]
        x = [(p1 >> 32) ^ x[1] ^ k[0], p1 & MASK,
             (p0 >> 32) ^ x[3] ^ k[1], p0 & MASK]
    return x


def words(seed, stream, n):
    """Words 0 .. n-1 of stream (seed, stream): block b is counter
    {b low, b high, stream low, stream high} under key {seed low, high}."""
    key = (seed & MASK, seed >> 32)
    out = []
    for block in range((n + 3) // 4):
        ctr = (block & MASK, block >> 32, stream & MASK, stream >> 32)
        out.extend(philox4x32_10(ctr, key))
    return out[:n]


def stream_of(site):
    return (CALL << 32) | site


def unit(seed, site, n):
    """Uniforms in [0, 1): the top 24 bits of each word times 2^-24."""
    w = np.array(words(seed, stream_of(site), n), np.uint64)
    return (w >> np.uint64(8)).astype(np.float32) * np.float32(2.0 ** -24)


def normal(seed, site, n):
    """Box-Muller in double on word pairs (w0, w1), (w2, w3)."""
    w = words(seed, stream_of(site), n + (n % 2))
    z = []
    for a, b in zip(w[0::2], w[1::2]):
        u1 = ((a >> 8) + 1) * 2.0 ** -24
        u2 = (b >> 8) * 2.0 ** -24
        r = math.sqrt(-2.0 * math.log(u1))
        theta = 2.0 * math.pi * u2
        z += [r * math.cos(theta), r * math.sin(theta)]
    return np.array(z[:n], np.float32)


def expected(seed):
    lo, hi = np.float32(-1.0), np.float32(2.0)
    x = lo + (hi - lo) * unit(seed, SITE_UNIFORM, BATCH * 4)
    x = np.where(x < hi, x, np.nextafter(hi, lo)).astype(np.float32)
    n = np.float32(0.5) * normal(seed, SITE_NORMAL, BATCH * 1000)
    p = np.float32(0.3)
    m = (unit(seed, SITE_BERNOULLI, BATCH * 1000) < p).astype(np.float32)
    mb = unit(seed, SITE_BERNOULLI_BOOL, BATCH * 1000) < p
    return (x.reshape(BATCH, 4), n.reshape(BATCH, 1000),
            m.reshape(BATCH, 1000), mb.reshape(BATCH, 1000))


def run(workdir, prog, seed, tag):
    x = os.path.join(workdir, "x.npy")
    np.save(x, np.zeros((BATCH, 4), np.float32))
    out = os.path.join(workdir, "out_%s.npy" % tag)
    subprocess.run([prog, "predict", "--seed", str(seed), x, "-o", out],
                   check=True)
    base = out[:-4]
    return [np.load(out)] + [np.load("%s.%d.npy" % (base, k))
                             for k in range(1, 4)]


def main():
    workdir, prog = sys.argv[1], sys.argv[2]
    ok = True
    kat = philox4x32_10((0, 0, 0, 0), (0, 0))
    if kat != [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]:
        print("philox: known answer WRONG: %s" % [hex(v) for v in kat])
        return 1
    print("philox: known answer ok")
    runs = {}
    for seed in (0, 5):
        got = run(workdir, prog, seed, "s%d" % seed)
        runs[seed] = got
        want = expected(seed)
        parts = []
        for name, g, w in (("uniform", got[0], want[0]),
                           ("bernoulli", got[2], want[2]),
                           ("bernoulli bool", got[3], want[3])):
            exact = g.dtype == w.dtype and g.shape == w.shape and \
                np.array_equal(g, w)
            ok = ok and exact
            parts.append("%s %s" % (name, "exact" if exact else "WRONG"))
        err = float(np.max(np.abs(got[1].astype(np.float64) - want[1])))
        good = got[1].shape == want[1].shape and err <= 1e-5
        ok = ok and good
        parts.append("normal max error %.2e%s"
                     % (err, "" if good else " WRONG"))
        print("seed %d: %s" % (seed, ", ".join(parts)))
    again = run(workdir, prog, 0, "again")
    same = all(np.array_equal(a, b) for a, b in zip(again, runs[0]))
    print("same seed: %s" % ("identical" if same else "DIFFERENT"))
    differ = all(not np.array_equal(a, b) for a, b in zip(runs[5], runs[0]))
    print("other seed: %s" % ("different" if differ else "SAME"))
    ok = ok and same and differ
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
