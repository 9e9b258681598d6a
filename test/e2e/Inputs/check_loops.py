"""Runs models with loops over the run-time sequence length T for two
different T and compares them with NumPy.

usage: check_loops.py WORKDIR DYNAMIC_PROG LSTM_PROG
"""
import subprocess
import sys

import numpy as np
from safetensors_io import read_safetensors


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def scan(x, p):
    h = np.zeros((x.shape[0], 4))
    for t in range(x.shape[1]):
        h = np.tanh(h + x[:, t])
    return h


def lstm(x, p):
    # PyTorch's nn.LSTM gate equations, gates stacked i, f, g, o.
    h = np.zeros((x.shape[0], p["lstm.w_hh"].shape[1]))
    c = np.zeros_like(h)
    for t in range(x.shape[1]):
        gates = x[:, t] @ p["lstm.w_ih"].T + p["lstm.b_ih"] + h @ p["lstm.w_hh"].T + p["lstm.b_hh"]
        i, f, g, o = np.split(gates, 4, axis=1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
    return h @ p["fc.w"].T + p["fc.b"]


def run(work, name, prog, reference, features):
    ckpt = f"{work}/{name}.safetensors"
    subprocess.run([prog, "init", "--seed", "2", "-o", ckpt], check=True)
    params = read_safetensors(ckpt)
    worst = 0.0
    for steps in (3, 9):
        x = np.random.RandomState(steps).randn(4, steps, features).astype(np.float32)
        np.save(f"{work}/x.npy", x)
        subprocess.run([prog, "predict", "--load", ckpt, f"{work}/x.npy", "-o", f"{work}/y.npy"], check=True)
        y = np.load(f"{work}/y.npy")
        ref = reference(x.astype(np.float64), params)
        assert y.shape == ref.shape, (y.shape, ref.shape)
        worst = max(worst, np.max(np.abs(y - ref)) / np.max(np.abs(ref)))
    print(f"{name}: T = 3 and 9, max relative error {worst:.3g}")
    return worst <= 1e-5


def main():
    work, scan_prog, lstm_prog = sys.argv[1:4]
    ok = run(work, "scan", scan_prog, scan, 4)
    ok = run(work, "lstm", lstm_prog, lstm, 28) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
