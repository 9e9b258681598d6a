"""Runs compiled single-model programs and compares their outputs with NumPy.

usage: check_ops.py WORKDIR NAME:PROG...

For each NAME (a model of the .nn files next to this directory) the script
writes random inputs with a fixed seed, runs `PROG init` and
`PROG predict`, reads the checkpoint's parameters, and recomputes every
output in float64 with the reference below, written from the ops'
definitions (PyTorch semantics) and independent of the compiler. Floating
outputs must match to a relative error max|y - ref| / max(max|ref|, 1e-6)
of at most 1e-5; integer and bool outputs exactly. One summary line per
model; exit status 1 when any output is off.
"""
import math
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "Inputs"))
from safetensors_io import read_safetensors  # noqa: E402

TOLERANCE = 1e-5
MODELS = {}


def model(fn):
    """Registers `fn(rng) -> (inputs, reference)` under the function's name;
    reference(inputs, params) returns the expected outputs."""
    MODELS[fn.__name__] = fn
    return fn


def f32(a):
    return np.asarray(a, np.float32)


def i32(a):
    return np.asarray(a, np.int32)


# ----- Reference ops ---------------------------------------------------------

def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


erf = np.vectorize(math.erf, otypes=[np.float64])


def logsumexp(x, axis, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    y = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return y if keepdims else np.squeeze(y, axis=axis)


def softmax(x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis):
    return x - logsumexp(x, axis, keepdims=True)


def out_size(n, k, stride, padding, dilation=1):
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def pad_hw(x, padding, value):
    p = padding
    return np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=value)


def conv2d(x, w, stride=1, padding=0, dilation=1, groups=1):
    """NCHW input, OIHW weight; each output channel of group g sees input
    channels g*cin/groups .. (g+1)*cin/groups - 1."""
    n, cin, h, wd = x.shape
    cout, cpg, kh, kw = w.shape
    oh = out_size(h, kh, stride, padding, dilation)
    ow = out_size(wd, kw, stride, padding, dilation)
    xp = pad_hw(x, padding, 0.0)
    opg = cout // groups
    y = np.zeros((n, cout, oh, ow))
    for g in range(groups):
        xs = xp[:, g * cpg:(g + 1) * cpg]
        ws = w[g * opg:(g + 1) * opg]
        for i in range(kh):
            for j in range(kw):
                r, c = i * dilation, j * dilation
                patch = xs[:, :, r:r + stride * (oh - 1) + 1:stride,
                           c:c + stride * (ow - 1) + 1:stride]
                y[:, g * opg:(g + 1) * opg] += np.einsum(
                    "nchw,oc->nohw", patch, ws[:, :, i, j])
    return y


def pool2d(x, k, stride, padding, reduce, pad_value):
    """The window values stacked on a new last axis, then reduced."""
    n, c, h, w = x.shape
    oh, ow = out_size(h, k, stride, padding), out_size(w, k, stride, padding)
    xp = pad_hw(x, padding, pad_value)
    windows = [xp[:, :, i:i + stride * (oh - 1) + 1:stride,
                  j:j + stride * (ow - 1) + 1:stride]
               for i in range(k) for j in range(k)]
    return reduce(np.stack(windows, axis=-1), axis=-1)


def max_pool2d(x, k, stride=None, padding=0):
    return pool2d(x, k, stride or k, padding, np.max, -np.inf)


def avg_pool2d(x, k, stride=None, padding=0):
    # count_include_pad=True: padded zeros count, the divisor is always k*k.
    return pool2d(x, k, stride or k, padding, np.mean, 0.0)


def batch_norm(x, mean, var, eps=1e-5):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)


def layer_norm(x, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)  # biased
    return (x - mu) / np.sqrt(var + eps)


def cross_entropy(logits, labels, label_smoothing=0.0):
    """Mean over the batch of (1 - e) * nll(label) + e * mean_c nll(c)."""
    nll = -log_softmax(logits, axis=1)
    picked = nll[np.arange(len(labels)), labels]
    smooth = nll.mean(axis=1)
    e = label_smoothing
    return np.mean((1 - e) * picked + e * smooth)


# ----- Elementwise (elementwise.nn) ------------------------------------------

@model
def Unary(rng):
    x = rng.standard_normal((5, 8)) * 2
    x[0, :3] = [0.0, 1.0, -1.0]
    return [f32(x)], lambda ins, p: (
        lambda x: [np.maximum(x, 0), sigmoid(x), np.tanh(x), np.exp(x),
                   np.abs(x), -x, np.sign(x), erf(x),
                   np.where(x > 0, x, 0.1 * x), -x])(*ins)


@model
def Positive(rng):
    p = rng.uniform(0.5, 3.0, (4, 6))
    return [f32(p)], lambda ins, _: (
        lambda p: [np.log(p), np.sqrt(p), 1 / np.sqrt(p), p ** 0.5,
                   p ** p])(*ins)


@model
def Binary(rng):
    a = rng.standard_normal((3, 3, 4))
    b = rng.standard_normal(4)
    c = rng.uniform(0.5, 2.0, (3, 1, 4)) * rng.choice([-1, 1], (3, 1, 4))
    return [f32(a), f32(b), f32(c)], lambda ins, _: (
        lambda a, b, c: [a + b, a - c, b * a, a / c, 2 + a, 3 - a, a * 0.5,
                         1 / c + a, np.maximum(a, c), np.minimum(b, a),
                         a ** 2, a ** 3, -a * b + c])(*ins)


@model
def Select(rng):
    a, b = rng.standard_normal((2, 3, 5))
    m = rng.standard_normal(5)
    return [f32(a), f32(b), f32(m)], lambda ins, _: (
        lambda a, b, m: [np.where(a > b, a, b), np.where(a < m, 0.0, a),
                         np.where(b >= 0, b, -1.0), np.clip(a, -0.5, 0.5),
                         np.clip(b, 0.0, 1.0)])(*ins)


@model
def Compare(rng):
    a = rng.integers(-2, 3, (4, 5))
    b = rng.integers(-2, 3, 5)
    return [f32(a), f32(b)], lambda ins, _: (
        lambda a, b: [a > b, a >= b, a < b, a <= b, a == b, a != b])(*ins)


@model
def IntOps(rng):
    i = rng.integers(-5, 6, (2, 5))
    j = rng.integers(-5, 6, 5)
    return [i32(i), i32(j)], lambda ins, _: (
        lambda i, j: [i32(np.abs(i)), i32(-i), i32(np.sign(i)), i32(i + j),
                      i32(i * j - 3)])(*ins)


@model
def Logic(rng):
    a = rng.standard_normal((4, 5)) * 3
    b = rng.uniform(0.5, 2.0, 5) * rng.choice([-1, 1], 5)
    return [f32(a), f32(b)], lambda ins, _: (
        lambda a, b: [(a > b) & (a > 0), (a < b) | (b > 1), ~(a > b),
                      a - b * np.floor(a / b)])(*ins)


# ----- Reductions (reductions.nn) --------------------------------------------

@model
def Reduce(rng):
    # Logits of size ~100 overflow exp in f32: logsumexp must subtract the max.
    x = rng.standard_normal((4, 3, 5)) * 30
    return [f32(x)], lambda ins, _: (
        lambda x: [x.sum(), x.sum(axis=0), x.mean(axis=1), x.mean(axis=(1, 2)),
                   x.max(axis=-1), x.min(axis=(0, 1)), x.mean(),
                   logsumexp(x, 2), logsumexp(x, 1), x.min(axis=2)])(*ins)


@model
def ReduceKeep(rng):
    x = rng.standard_normal((2, 3, 4))
    return [f32(x)], lambda ins, _: (
        lambda x: [x.sum(axis=1, keepdims=True),
                   x.mean(axis=(0, 2), keepdims=True),
                   x.max(axis=-1, keepdims=True),
                   x.min(axis=(0, 1), keepdims=True),
                   logsumexp(x, 2, keepdims=True)])(*ins)


@model
def ArgMax(rng):
    x = rng.integers(0, 3, (4, 6))
    return [f32(x)], lambda ins, _: (
        lambda x: [i32(np.argmax(x, axis=-1)), i32(np.argmax(x, axis=0)),
                   i32(np.argmax(x, axis=1)[:, None])])(*ins)


# ----- Linear algebra (linalg.nn) --------------------------------------------

@model
def MatMul(rng):
    shapes = [(4, 5), (5, 3), (3, 4, 5), (3, 5, 3), (2, 1, 4, 5)]
    ins = [f32(rng.standard_normal(s)) for s in shapes]
    return ins, lambda ins, _: (
        lambda a, b, c, d, e: [a @ b, c @ d, c @ b, a @ d, e @ d])(*ins)


@model
def Transpose(rng):
    x, m = rng.standard_normal((2, 3, 4)), rng.standard_normal((3, 5))
    return [f32(x), f32(m)], lambda ins, _: (
        lambda x, m: [x.transpose(2, 0, 1), np.swapaxes(x, -1, -2), m.T,
                      x.transpose(1, 0, 2)])(*ins)


# ----- Neural (neural.nn) ----------------------------------------------------

@model
def Conv(rng):
    x = rng.standard_normal((2, 4, 9, 7))
    return [f32(x)], lambda ins, p: (
        lambda x: [conv2d(x, p["w"]),
                   conv2d(x, p["w"], stride=2, padding=1),
                   conv2d(x, p["w"], padding=2, dilation=2),
                   conv2d(x, p["wg"], stride=2, padding=2, dilation=2,
                          groups=2),
                   conv2d(x, p["w1"], stride=2, groups=4)])(*ins)


@model
def Pool(rng):
    x = rng.standard_normal((3, 3, 8, 7))
    x[0] = -np.abs(x[0]) - 1.0
    return [f32(x)], lambda ins, _: (
        lambda x: [max_pool2d(x, 2), max_pool2d(x, 3, stride=2, padding=1),
                   avg_pool2d(x, 2), avg_pool2d(x, 3, stride=2, padding=1),
                   avg_pool2d(x, 3, stride=1), max_pool2d(x, 3, stride=2)])(*ins)


@model
def Softmax(rng):
    # Large logits: exp overflows in f32 unless the max is subtracted first.
    x = rng.standard_normal((2, 3, 5)) * 40
    return [f32(x)], lambda ins, _: (
        lambda x: [softmax(x, -1), softmax(x, 1), log_softmax(x, 0),
                   log_softmax(x, -1)])(*ins)


@model
def Embed(rng):
    ids, one = rng.integers(0, 10, (4, 3)), rng.integers(0, 10, 5)
    return [i32(ids), i32(one)], lambda ins, p: [p["table"][ins[0]],
                                                 p["table"][ins[1]]]


@model
def Norm(rng):
    x = rng.standard_normal((3, 3, 4, 5)) * 2 + 1
    y = rng.standard_normal((3, 3))
    mu, var = rng.standard_normal(3), rng.uniform(0.5, 2.0, 3)
    return [f32(x), f32(y), f32(mu), f32(var)], lambda ins, _: (
        lambda x, y, mu, var: [batch_norm(x, mu, var),
                               batch_norm(y, mu, var, eps=0.1),
                               layer_norm(x), layer_norm(x, eps=0.5)])(*ins)


@model
def CrossEntropy(rng):
    logits = rng.standard_normal((6, 7))
    labels = rng.integers(0, 7, 6)
    return [f32(logits), i32(labels)], lambda ins, _: (
        lambda z, y: [cross_entropy(z, y), cross_entropy(z, y, 0.1),
                      cross_entropy(z * 20, y, 0.3)])(*ins)


@model
def Dropout(rng):
    x = rng.standard_normal((4, 6))
    return [f32(x)], lambda ins, _: [ins[0]]


# ----- Shape ops and constructors (shape.nn) ---------------------------------

@model
def Reshape(rng):
    x = rng.standard_normal((3, 3, 4))
    return [f32(x)], lambda ins, _: (
        lambda x: [x.reshape(3, -1), x.reshape(3, 6, 2), x.reshape(3, 12),
                   x.reshape(3, 2, -1, 2)])(*ins)


@model
def Join(rng):
    a, b, c = (rng.standard_normal(s) for s in [(2, 2, 3), (2, 4, 3), (2, 2, 3)])
    return [f32(a), f32(b), f32(c)], lambda ins, _: (
        lambda a, b, c: [np.concatenate([a, b], axis=1),
                         np.concatenate([a, c], axis=-1),
                         np.stack([a, c], axis=0), np.stack([a, c], axis=1),
                         np.stack([a, c], axis=-1)])(*ins)


@model
def Split(rng):
    x = rng.standard_normal((2, 6, 4))
    return [f32(x)], lambda ins, _: (
        lambda x: np.split(x, 3, axis=1) + np.split(x, 2, axis=-1))(*ins)


@model
def Axes(rng):
    x, v = rng.standard_normal((3, 1, 4)), rng.standard_normal(4)
    return [f32(x), f32(v)], lambda ins, _: (
        lambda x, v: [np.squeeze(x, 1), np.expand_dims(x, 0),
                      np.expand_dims(x, -1), np.broadcast_to(v, (3, 3, 4)),
                      np.broadcast_to(x, (3, 3, 4))])(*ins)


@model
def Index(rng):
    x = rng.standard_normal((5, 6, 4))
    return [f32(x)], lambda ins, _: (
        lambda x: [x[:, 0, :], x[:, :, -1], x[None, :, 1:3], x[..., -2:],
                   x[-1, :, None], x[1:4, ::2], x[2, -3],
                   x[:, :, :, None]])(*ins)


@model
def Construct(rng):
    x = rng.standard_normal((4, 3))
    return [f32(x)], lambda ins, _: (
        lambda x: [np.zeros((4, 3)) + x, np.ones((2, 3)), np.full((2, 3), 2.5),
                   np.zeros_like(x), np.ones_like(x) * x,
                   i32(np.arange(5)), np.full((4, 3), -1.5) * x,
                   np.float64(4.0)])(*ins)


# ----- Driver ----------------------------------------------------------------

def compare(y, ref):
    """The relative error of a float output, 0 for a matching exact one, or
    a message saying what differs."""
    ref = np.asarray(ref)
    if y.shape != ref.shape:
        return f"shape {y.shape}, expected {ref.shape}"
    if ref.dtype.kind in "biu":
        if y.dtype != ref.dtype:
            return f"dtype {y.dtype}, expected {ref.dtype}"
        bad = np.argwhere(y != ref)
        return 0.0 if len(bad) == 0 else f"{len(bad)} elements differ, first at {tuple(bad[0])}"
    if y.dtype != np.float32:
        return f"dtype {y.dtype}, expected float32"
    err = np.max(np.abs(y - ref), initial=0.0) / max(np.max(np.abs(ref), initial=0.0), 1e-6)
    return float(err)


def check(name, prog, work):
    rng = np.random.default_rng(20240611)
    inputs, reference = MODELS[name](rng)
    ckpt = os.path.join(work, f"{name}.safetensors")
    subprocess.run([prog, "init", "--seed", "3", "-o", ckpt], check=True)
    paths = []
    for k, x in enumerate(inputs):
        paths.append(os.path.join(work, f"{name}.in{k}.npy"))
        np.save(paths[-1], x)
    out = os.path.join(work, f"{name}.out.npy")
    subprocess.run([prog, "predict", "--load", ckpt, *paths, "-o", out],
                   check=True)
    params = read_safetensors(ckpt)
    wide = [x.astype(np.float64) if x.dtype.kind == "f" else x for x in inputs]
    refs = reference(wide, params)
    ok, worst, exact = True, 0.0, True
    for k, ref in enumerate(refs):
        path = out if k == 0 else out[:-len(".npy")] + f".{k}.npy"
        result = compare(np.load(path), ref)
        if not isinstance(result, str):
            worst = max(worst, result)
        if isinstance(result, str) or result > TOLERANCE:
            print(f"{name}: output {k}: " + (result if isinstance(result, str)
                  else f"relative error {result:.3g}"))
            ok = False
        exact = exact and np.asarray(ref).dtype.kind in "biu"
    extra = sorted(p for p in os.listdir(work)
                   if p.startswith(f"{name}.out.") and p.endswith(".npy"))
    if len(extra) != len(refs):
        print(f"{name}: {len(extra)} output files, expected {len(refs)}")
        ok = False
    summary = "exact" if exact else f"max relative error {worst:.3g}"
    print(f"{name}: {len(refs)} outputs, {summary}" + ("" if ok else " FAILED"))
    return ok


def main():
    work, specs = sys.argv[1], sys.argv[2:]
    ok = True
    for spec in specs:
        name, prog = spec.split(":", 1)
        ok = check(name, prog, work) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
