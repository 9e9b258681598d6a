"""Checks one step of a train block with two `minimize` statements against
NumPy, independently of nnc (Inputs/two_objectives.nn).

usage: check_minimize.py PROG WORKDIR

Initializes a checkpoint, runs `PROG train --steps 1 --no-shuffle` on a
batch of 8 and recomputes the step in float64 with hand-derived gradients:
SGD on the head with lr 0.1, then SGD on the encoder with lr 0.05 for a
loss that uses the updated head. Exits 1 when a parameter, or a loss in
the metrics log, differs by more than 1e-4 (relative).
"""
import json
import os
import subprocess
import sys

import numpy as np
from check_train import read_idx
from safetensors_io import read_safetensors


def softmax_ce(logits, y):
    """Mean cross-entropy and its gradient with respect to the logits."""
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(len(y)), y]).mean()
    d = probs.copy()
    d[np.arange(len(y)), y] -= 1
    return loss, d / len(y)


def main(prog, work):
    init = os.path.join(work, "init.safetensors")
    after = os.path.join(work, "step.safetensors")
    log = os.path.join(work, "log")
    subprocess.run([prog, "init", "--seed", "5", "-o", init], check=True)
    subprocess.run([prog, "train", "--load", init, "--steps", "1",
                    "--no-shuffle", "--save", after, "--log", log],
                   check=True, stdout=subprocess.DEVNULL)
    p = {k: v.astype(np.float64) for k, v in read_safetensors(init).items()}
    new = read_safetensors(after)
    x = read_idx("train-images-idx3-ubyte")[:8].astype(np.float64) / 255
    y = read_idx("train-labels-idx1-ubyte")[:8].astype(np.int64)
    x = x.reshape(8, -1)
    w1, b1 = p["enc.fc.w"], p["enc.fc.b"]
    h = np.tanh(x @ w1.T + b1)

    # minimize opt_h: the head's gradient at the initial parameters.
    loss_h, d = softmax_ce(h @ p["head.fc.w"].T + p["head.fc.b"], y)
    w2 = p["head.fc.w"] - 0.1 * (d.T @ h)
    b2 = p["head.fc.b"] - 0.1 * d.sum(0)

    # minimize opt_e: through the updated head, plus 0.1 * mean(h * h).
    loss_e, d = softmax_ce(h @ w2.T + b2, y)
    loss_e += 0.1 * (h * h).mean()
    dh = d @ w2 + 0.1 * 2 * h / h.size
    dz = dh * (1 - h * h)
    expected = {
        "head.fc.w": w2, "head.fc.b": b2,
        "enc.fc.w": w1 - 0.05 * (dz.T @ x), "enc.fc.b": b1 - 0.05 * dz.sum(0),
    }
    worst = 0.0
    for name, ref in expected.items():
        change = ref - p[name]
        err = np.abs(new[name] - ref).max() / np.abs(change).max()
        worst = max(worst, err)
        if err > 1e-4:
            print("%s: error %.3g relative to its largest change" % (name, err))
            return 1
    with open(os.path.join(log, "metrics.jsonl")) as f:
        record = json.loads(f.readline())
    for key, ref in (("loss", loss_h), ("loss_opt_e", loss_e)):
        if abs(record[key] - ref) > 1e-4 * abs(ref):
            print("%s: logged %.6f, NumPy %.6f" % (key, record[key], ref))
            return 1
    print("two objectives match NumPy: max error %.2g" % worst)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
