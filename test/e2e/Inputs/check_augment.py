"""Checks the loader's augmentation (random crop with zero padding 3 and
horizontal flip, Inputs/augment_probe.nn) against NumPy and a Python Philox.

usage: check_augment.py PROG WORKDIR

Runs 2 steps of batch 16 in file order with seed 7; w is then minus the sum
of the 32 augmented images. Each example i of step s draws Philox4x32-10
block i of stream (seed, fnv1a64("nnrt.augment") + s), as augment.h
documents: word 0 mod 7 and word 1 mod 7 are the crop's offsets into the
padded image, bit 0 of word 2 the flip (after the crop, as torchvision's
RandomCrop then RandomHorizontalFlip). Exits 1 on a mismatch, or when the
images were not augmented at all.
"""
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "ops",
                                "Inputs"))
from philox_ref import philox4x32_10  # noqa: E402
from check_train import read_idx  # noqa: E402
from safetensors_io import read_safetensors  # noqa: E402

SEED, BATCH, STEPS, PAD = 7, 16, 2, 3
MASK = 0xFFFFFFFF


def fnv1a64(text):
    h = 0xCBF29CE484222325
    for byte in text.encode():
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def augmented(image, step, i):
    stream = (fnv1a64("nnrt.augment") + step) & 0xFFFFFFFFFFFFFFFF
    w = philox4x32_10((i & MASK, i >> 32, stream & MASK, stream >> 32),
                      (SEED & MASK, SEED >> 32))
    top, left = w[0] % (2 * PAD + 1), w[1] % (2 * PAD + 1)
    padded = np.pad(image, PAD)
    out = padded[top:top + 28, left:left + 28]
    return out[:, ::-1] if w[2] & 1 else out


def main(prog, work):
    ckpt = os.path.join(work, "probe.safetensors")
    subprocess.run([prog, "train", "--steps", str(STEPS), "--no-shuffle",
                    "--seed", str(SEED), "--save", ckpt], check=True,
                   stdout=subprocess.DEVNULL)
    w = read_safetensors(ckpt)["w"].reshape(28, 28)
    images = read_idx("train-images-idx3-ubyte")[:BATCH * STEPS]
    images = images.reshape(-1, 28, 28).astype(np.float32) / 255
    expected = -sum(augmented(images[s * BATCH + i], s, i)
                    for s in range(STEPS) for i in range(BATCH))
    plain = -images.sum(0)
    err = np.abs(w - expected).max()
    moved = np.abs(w - plain).max()
    print(f"max error {err:.2e}; difference from unaugmented {moved:.2f}")
    if err > 1e-4 or moved < 1:
        sys.exit(1)
    print("augmentation matches")


if __name__ == "__main__":
    main(*sys.argv[1:])
