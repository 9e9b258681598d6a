"""Runs a compiled model's `predict` and compares it with a NumPy forward.

usage: check_forward.py MODEL PROG CHECKPOINT WORKDIR

MODEL names the architecture (mlp, lenet) whose forward is recomputed here
in float64 from the checkpoint's tensors, independently of the compiler.
Exits 1 when the maximum relative error exceeds 1e-5.
"""
import subprocess
import sys

import numpy as np
from safetensors_io import read_safetensors


def dense(x, p, name):
    return x @ p[name + ".w"].T + p[name + ".b"]


def relu(x):
    return np.maximum(x, 0)


def conv2d(x, w, b, padding):
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, c, h, wd = x.shape
    o, _, k, _ = w.shape
    oh, ow = h - k + 1, wd - k + 1
    cols = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3))
    # cols: [n, c, oh, ow, k, k]
    y = np.einsum("nchwij,ocij->nohw", cols[:, :, :oh, :ow], w)
    return y + b[None, :, None, None]


def max_pool2d(x, k):
    n, c, h, w = x.shape
    x = x[:, :, : h // k * k, : w // k * k]
    return x.reshape(n, c, h // k, k, w // k, k).max(axis=(3, 5))


def mlp(x, p):
    h = x.reshape(x.shape[0], -1)
    h = relu(dense(h, p, "fc1"))
    h = relu(dense(h, p, "fc2"))
    return dense(h, p, "fc3")


def lenet(x, p):
    h = max_pool2d(relu(conv2d(x, p["conv1.w"], p["conv1.b"], 2)), 2)
    h = max_pool2d(relu(conv2d(h, p["conv2.w"], p["conv2.b"], 0)), 2)
    h = h.reshape(h.shape[0], -1)
    h = relu(dense(h, p, "fc1"))
    h = relu(dense(h, p, "fc2"))
    return dense(h, p, "fc3")


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def lstm(x, p):
    # PyTorch's nn.LSTM gate equations, gates stacked i, f, g, o.
    xs = x.reshape(x.shape[0], 28, 28)
    hidden = p["lstm.w_hh"].shape[1]
    h = np.zeros((x.shape[0], hidden))
    c = np.zeros_like(h)
    for t in range(xs.shape[1]):
        gates = xs[:, t] @ p["lstm.w_ih"].T + p["lstm.b_ih"] + h @ p["lstm.w_hh"].T + p["lstm.b_hh"]
        i, f, g, o = np.split(gates, 4, axis=1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
    return dense(h, p, "fc")


def gru(x, p):
    # PyTorch's nn.GRU gate equations, gates stacked r, z, n.
    xs = x.reshape(x.shape[0], 28, 28)
    h = np.zeros((x.shape[0], p["gru.w_hh"].shape[1]))
    for t in range(xs.shape[1]):
        xr, xz, xn = np.split(xs[:, t] @ p["gru.w_ih"].T + p["gru.b_ih"], 3, axis=1)
        hr, hz, hn = np.split(h @ p["gru.w_hh"].T + p["gru.b_hh"], 3, axis=1)
        r, z = sigmoid(xr + hr), sigmoid(xz + hz)
        n = np.tanh(xn + r * hn)
        h = (1 - z) * n + z * h
    return dense(h, p, "fc")


def main():
    model, prog, ckpt, work = sys.argv[1:5]
    params = read_safetensors(ckpt)
    x = np.random.RandomState(1234).rand(5, 1, 28, 28).astype(np.float32)
    np.save(f"{work}/x.npy", x)
    subprocess.run([prog, "predict", "--load", ckpt, f"{work}/x.npy", "-o", f"{work}/y.npy"], check=True)
    y = np.load(f"{work}/y.npy")
    ref = {"mlp": mlp, "lenet": lenet, "lstm": lstm, "gru": gru}[model](x.astype(np.float64), params)
    assert y.shape == ref.shape, (y.shape, ref.shape)
    err = np.max(np.abs(y - ref)) / np.max(np.abs(ref))
    print(f"{model}: max relative error {err:.3g}")
    sys.exit(0 if err <= 1e-5 else 1)


if __name__ == "__main__":
    main()
