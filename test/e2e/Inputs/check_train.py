"""Checks the MLP example's training against NumPy, independently of nnc.

usage:
  check_train.py step PROG WORKDIR
      One Adam step: initializes a checkpoint, runs `PROG train --steps 1
      --no-shuffle --batch 16`, and recomputes the step here in float64
      (forward, hand-derived backward of the MLP and its cross-entropy, and
      torch.optim.Adam's update rule); exits 1 when an Adam moment or a
      parameter's change differs by more than 1e-4 of its largest element.
  check_train.py accuracy CHECKPOINT METRICS MIN
      Recomputes the test accuracy of the checkpoint's parameters with a
      NumPy forward over the Fashion-MNIST test split, checks that it is at
      least MIN and that it agrees with the last test_accuracy in the
      metrics.jsonl file METRICS.
"""
import gzip
import json
import os
import subprocess
import sys

import numpy as np
from safetensors_io import read_safetensors

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(name):
    with gzip.open(os.path.join(DATA, name + ".gz")) as f:
        data = f.read()
    if name.endswith("idx3-ubyte"):
        n, rows, cols = np.frombuffer(data[4:16], dtype=">u4")
        return np.frombuffer(data[16:], dtype=np.uint8).reshape(n, 1, rows, cols)
    return np.frombuffer(data[8:], dtype=np.uint8)


def forward(p, x):
    """The MLP example's layers; returns the logits and what backward needs."""
    h0 = x.reshape(x.shape[0], -1)
    z1 = h0 @ p["fc1.w"].T + p["fc1.b"]
    h1 = np.maximum(z1, 0)
    z2 = h1 @ p["fc2.w"].T + p["fc2.b"]
    h2 = np.maximum(z2, 0)
    return h2 @ p["fc3.w"].T + p["fc3.b"], (h0, z1, h1, z2, h2)


def gradients(p, x, y):
    """d mean cross-entropy / d each parameter, derived by hand."""
    logits, (h0, z1, h1, z2, h2) = forward(p, x)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    d3 = probs.copy()
    d3[np.arange(len(y)), y] -= 1
    d3 /= len(y)
    g = {"fc3.w": d3.T @ h2, "fc3.b": d3.sum(0)}
    d2 = (d3 @ p["fc3.w"]) * (z2 > 0)
    g.update({"fc2.w": d2.T @ h1, "fc2.b": d2.sum(0)})
    d1 = (d2 @ p["fc2.w"]) * (z1 > 0)
    g.update({"fc1.w": d1.T @ h0, "fc1.b": d1.sum(0)})
    return g


def check_step(prog, work):
    init = os.path.join(work, "init.safetensors")
    after = os.path.join(work, "step.safetensors")
    subprocess.run([prog, "init", "--seed", "5", "-o", init], check=True)
    # --lr: the example's rate may change; a schedule's factor at step 1 is 1.
    subprocess.run([prog, "train", "--load", init, "--steps", "1",
                    "--no-shuffle", "--batch", "16", "--lr", "0.001",
                    "--save", after],
                   check=True, stdout=subprocess.DEVNULL)
    p = {k: v.astype(np.float64) for k, v in read_safetensors(init).items()}
    new = read_safetensors(after)
    x = read_idx("train-images-idx3-ubyte")[:16].astype(np.float64) / 255
    y = read_idx("train-labels-idx1-ubyte")[:16].astype(np.int64)
    lr, b1, b2, eps, t = 1e-3, 0.9, 0.999, 1e-8, 1
    worst = 0.0
    for name, grad in gradients(p, x, y).items():
        m = (1 - b1) * grad
        v = (1 - b2) * grad * grad
        step = -lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        # Where the gradient is within f32 noise of eps, Adam's first step
        # amplifies rounding; compare the step where it is well conditioned.
        sure = np.abs(grad) > 1e-5
        checks = [
            ("optimizer/%s/m" % name, m, np.ones_like(sure)),
            ("optimizer/%s/v" % name, v, np.ones_like(sure)),
            (name, step, sure),
        ]
        for key, ref, mask in checks:
            got = new[key].astype(np.float64) - (p[name] if key == name else 0)
            err = np.abs(got - ref)[mask].max(initial=0) / np.abs(ref).max()
            worst = max(worst, err)
            if err > 1e-4:
                print("%s: error %.3g relative to its largest element" %
                      (key, err))
                return 1
    if int(new["train.step"]) != 1:
        print("train.step is %s, expected 1" % new["train.step"])
        return 1
    print("one Adam step matches NumPy: max error %.2g" % worst)
    return 0


def check_accuracy(checkpoint, metrics, minimum):
    p = {k: v.astype(np.float64) for k, v in read_safetensors(checkpoint).items()}
    x = read_idx("t10k-images-idx3-ubyte").astype(np.float64) / 255
    y = read_idx("t10k-labels-idx1-ubyte")
    logits, _ = forward(p, x)
    accuracy = float((logits.argmax(axis=1) == y).mean())
    with open(metrics) as f:
        lines = [json.loads(line) for line in f if line.strip()]
    reported = lines[-1]["test_accuracy"]
    print("test accuracy %.4f (NumPy), %.4f (reported)" % (accuracy, reported))
    if abs(accuracy - reported) > 1e-3:
        print("the reported accuracy differs from NumPy's")
        return 1
    if accuracy < minimum:
        print("below the required %.2f" % minimum)
        return 1
    print("accuracy ok")
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "step":
        sys.exit(check_step(sys.argv[2], sys.argv[3]))
    sys.exit(check_accuracy(sys.argv[2], sys.argv[3], float(sys.argv[4])))
