"""Checks that a training step updates BatchNorm1D's running statistics as
PyTorch does, independently of nnc (Inputs/batchnorm_train.nn).

usage: check_batchnorm.py PROG WORKDIR

One step from an initial checkpoint on the first 8 training images in file
order; NumPy recomputes the Dense layer's outputs from the initial weights
and the statistics: running_mean = 0.9 * 0 + 0.1 * batch mean, running_var
= 0.9 * 1 + 0.1 * unbiased batch variance. Exits 1 when they differ by
more than 1e-5 (relative to the largest value).
"""
import os
import subprocess
import sys

import numpy as np
from check_train import read_idx
from safetensors_io import read_safetensors


def main(prog, work):
    init = os.path.join(work, "init.safetensors")
    after = os.path.join(work, "step.safetensors")
    subprocess.run([prog, "init", "--seed", "3", "-o", init], check=True)
    subprocess.run([prog, "train", "--load", init, "--steps", "1",
                    "--no-shuffle", "--save", after],
                   check=True, stdout=subprocess.DEVNULL)
    p = {k: v.astype(np.float64) for k, v in read_safetensors(init).items()}
    new = read_safetensors(after)
    x = read_idx("train-images-idx3-ubyte")[:8].astype(np.float64) / 255
    z = x.reshape(8, -1) @ p["fc.w"].T + p["fc.b"]
    expected = {
        "bn.running_mean": 0.1 * z.mean(0),
        "bn.running_var": 0.9 + 0.1 * z.var(0, ddof=1),
    }
    for name, ref in expected.items():
        err = np.abs(new[name] - ref).max() / np.abs(ref).max()
        if err > 1e-5:
            print("%s: error %.3g" % (name, err))
            return 1
    print("running statistics match NumPy")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
