"""Checks the sample grid a training run writes (Inputs/samples_gen.nn):
decodes the PNG with zlib and compares it with the generator recomputed in
NumPy on the same noise.

usage: check_samples.py PROG WORKDIR

One SGD step with --log, seed 3; the run writes LOG/samples/epoch_001.png:
the forward on 5 inputs z drawn from Philox stream (3, fnv1a64
("nnrt.samples")) by Box-Muller (the mapping of nnrt_fill_normal, here from
philox_ref.py), tiled in 3 columns with 2 black pixels between and around,
each value v as floor(v * 255 + 0.5). Exits 1 on a mismatch.
"""
import os
import struct
import subprocess
import sys
import zlib

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "ops",
                                "Inputs"))
import philox_ref  # noqa: E402
from check_augment import fnv1a64  # noqa: E402
from safetensors_io import read_safetensors  # noqa: E402

SEED, COUNT = 3, 5


def read_png(path):
    """A gray 8-bit PNG with filter type 0 rows: (height, width) uint8."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind}"
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert (depth, color) == (8, 0), (depth, color)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = np.frombuffer(zlib.decompress(idat), np.uint8)
    rows = raw.reshape(height, width + 1)
    assert (rows[:, 0] == 0).all(), "unexpected row filter"
    return rows[:, 1:]


def main(prog, work):
    ckpt, log = os.path.join(work, "gen.safetensors"), os.path.join(work, "log")
    subprocess.run([prog, "train", "--steps", "1", "--seed", str(SEED),
                    "--log", log, "--save", ckpt], check=True,
                   stdout=subprocess.DEVNULL)
    p = read_safetensors(ckpt)
    philox_ref.stream_of = lambda stream: stream
    z = philox_ref.normal(SEED, fnv1a64("nnrt.samples"), COUNT * 3)
    z = z.astype(np.float64).reshape(COUNT, 3)
    images = 1 / (1 + np.exp(-(z @ p["fc.w"].T + p["fc.b"])))
    images = images.reshape(COUNT, 3, 4)
    expected = np.zeros((2 * 5 + 2, 3 * 6 + 2), np.uint8)
    for n in range(COUNT):
        top, left = 2 + (n // 3) * 5, 2 + (n % 3) * 6
        expected[top:top + 3, left:left + 4] = np.floor(images[n] * 255 + 0.5)
    got = read_png(os.path.join(log, "samples", "epoch_001.png"))
    diff = np.abs(got.astype(int) - expected).max() if got.shape == \
        expected.shape else None
    print(f"grid {got.shape}, max pixel difference {diff}")
    if diff is None or diff > 1:
        sys.exit(1)
    print("samples match")


if __name__ == "__main__":
    main(*sys.argv[1:])
