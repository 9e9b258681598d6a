#!/usr/bin/env python3
"""Expected numbers of the cpu-*.mlir tests, from NumPy in float64.

Each test is written out here from its definition (PyTorch's formulas for the
losses, pooling and convolution, Python's // and % for integers), not from
the compiler, and printed as mlir-cpu-runner's printMemref prints: %g (six
significant digits), one innermost row per line. Run it to regenerate the
CHECK lines after changing a test's inputs:

    python3 reference.py cpu-mlp
"""

import math
import sys

import numpy as np


def fmt_value(v):
    if isinstance(v, (np.integer, int)):
        return str(int(v))
    if np.isinf(v):
        return "-inf" if v < 0 else "inf"
    return "%g" % v


def fmt(a):
    """The data lines of printMemref for array `a`."""
    a = np.asarray(a)
    if a.ndim == 0:
        return ["[%s]" % fmt_value(a[()])]
    rows = a.reshape(-1, a.shape[-1])
    outer = a.shape[:-1]
    lines = []
    for n, row in enumerate(rows):
        index = np.unravel_index(n, outer) if outer else ()
        opened = 1 + next((k for k, i in enumerate(reversed(index)) if i != 0),
                          len(index))
        closed = 1 + next((k for k, (i, s) in enumerate(
            zip(reversed(index), reversed(outer))) if i != s - 1), len(index))
        text = " " * (a.ndim - opened) + "[" * opened
        text += ", ".join(fmt_value(v) for v in row) + "]" * closed
        if n + 1 < len(rows):
            text += ","
        lines.append(text)
    return lines


def escape(line):
    """`line` as a FileCheck pattern: a run of `[` would start `[[var]]`."""
    stripped = line.lstrip("[")
    opened = len(line) - len(stripped)
    if opened < 2:
        return line
    return "{{" + "\\[" * opened + "}}" + stripped


def checks(**arrays):
    """CHECK lines for each named array, in order, under a comment line."""
    out = []
    for name, a in arrays.items():
        lines = fmt(a)
        out.append("// " + name.replace("_", " ") + ":")
        out.append("// CHECK: data =")
        out.extend("// CHECK-NEXT: " + escape(line.lstrip()) for line in lines)
    return out


def relu(x):
    return np.maximum(x, 0)


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(x, axis):
    # x - logsumexp(x): log(softmax(x)) would underflow to -inf at -999.
    return x - logsumexp(x, axis, keepdims=True)


def logsumexp(x, axis, keepdims=False):
    m = x.max(axis=axis, keepdims=True)
    m = np.where(np.isinf(m), 0, m)
    with np.errstate(divide="ignore"):
        r = np.log(np.exp(x - m).sum(axis=axis, keepdims=True)) + m
    return r if keepdims else r.squeeze(axis)


def cross_entropy(logits, labels, eps=0.0):
    """PyTorch's F.cross_entropy(..., label_smoothing=eps), mean reduction."""
    logp = log_softmax(logits, 1)
    c = logits.shape[1]
    target = np.full(logp.shape, eps / c)
    target[np.arange(len(labels)), labels] += 1 - eps
    return -(target * logp).sum(axis=1).mean()


def conv2d(x, w, stride=1, padding=0, dilation=1, groups=1):
    """PyTorch's F.conv2d without bias, as a direct loop."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    ow = (wd + 2 * padding - dilation * (kw - 1) - 1) // stride + 1
    y = np.zeros((n, o, oh, ow))
    per_group = o // groups
    for b in range(n):
        for f in range(o):
            g = f // per_group
            for i in range(oh):
                for j in range(ow):
                    for ch in range(cg):
                        for u in range(kh):
                            for v in range(kw):
                                y[b, f, i, j] += (
                                    xp[b, g * cg + ch, i * stride + u * dilation,
                                       j * stride + v * dilation] * w[f, ch, u, v])
    return y


def pool2d(x, k, stride, padding, op, pad_value):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)),
                constant_values=pad_value)
    oh = (h + 2 * padding - k) // stride + 1
    ow = (w + 2 * padding - k) // stride + 1
    y = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            y[:, :, i, j] = op(xp[:, :, i * stride:i * stride + k,
                                  j * stride:j * stride + k], axis=(2, 3))
    return y


def cpu_mlp():
    x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])
    w1 = np.array([[0.1, 0.2, -0.3, 0.4], [0.5, -0.6, 0.7, -0.8],
                   [0.9, 1.0, -1.1, 1.2]])
    b1 = np.array([0.1, -0.1, 0.2, -0.2])
    w2 = np.array([[0.3, -0.2, 0.1], [0.0, 0.5, -0.4], [0.6, -0.1, 0.2],
                   [-0.3, 0.2, 0.4]])
    b2 = np.array([0.05, -0.05, 0.0])
    y = np.array([2, 0])
    h = relu(x @ w1 + b1)
    logits = h @ w2 + b2
    return checks(
        h=h,
        logits=logits,
        probs=softmax(logits, -1),
        loss=cross_entropy(logits, y))


def cpu_softmax_loss():
    x = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 1000.0]])
    m = np.array([[-np.inf, -np.inf], [0.0, -np.inf]])
    logits = np.array([[1.0, 2.0, 3.0], [1.0, 0.0, -1.0], [0.5, 0.5, -2.0]])
    y = np.array([2, 0, 1])
    return checks(
        softmax_axis_minus_1=softmax(x, -1),
        log_softmax_axis_0=log_softmax(x, 0),
        logsumexp_keepdim=logsumexp(x, 1, keepdims=True),
        logsumexp_of_minus_inf=logsumexp(m, -1),
        cross_entropy=cross_entropy(logits, y),
        cross_entropy_smoothing_0_1=cross_entropy(logits, y, 0.1),
        argmax=logits.argmax(axis=-1))


def cpu_reductions():
    x = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])
    t = np.arange(12.0).reshape(2, 3, 2)
    i = np.array([[3, -1, 7], [3, 4, -7]])
    f = np.arange(1.0, 9.0).reshape(2, 2, 1, 2)
    mu = np.array([3.0, 5.0]).reshape(1, 2, 1, 1)
    var = np.array([4.0, 0.25]).reshape(1, 2, 1, 1)
    eps = 1e-5
    mean = x.mean(axis=-1, keepdims=True)
    layer = (x - mean) / np.sqrt(x.var(axis=-1, keepdims=True) + eps)
    batch = (f - mu) / np.sqrt(var + eps)
    return checks(
        sum_axis_1_keepdim=x.sum(axis=1, keepdims=True),
        mean_all=x.mean(),
        max_axis_0=x.max(axis=0),
        min_axis_minus_1_keepdim=x.min(axis=-1, keepdims=True),
        sum_axes_0_2_keepdim=t.sum(axis=(0, 2), keepdims=True),
        integer_sum_axis_0=i.sum(axis=0),
        integer_argmax_axis_0=i.argmax(axis=0),
        layer_norm=layer,
        batch_norm=batch)


def cpu_conv_pool():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    w = (np.arange(18.0) / 10 - 0.8).reshape(2, 1, 3, 3)
    gx = (np.arange(50.0) / 10).reshape(1, 2, 5, 5)
    gw = ((np.arange(36) % 5 - 2) / 2).reshape(4, 1, 3, 3)
    dx = np.arange(25.0).reshape(1, 1, 5, 5)
    dw = np.array([[1.0, -1.0], [2.0, 0.5]]).reshape(1, 1, 2, 2)
    neg = -1 - np.arange(16.0).reshape(1, 1, 4, 4)
    # count_include_pad=True: every window divides by k*k.
    avg = pool2d(x, 3, 1, 1, np.sum, 0.0) / 9
    return checks(
        conv2d_padding_1=conv2d(x, w, padding=1),
        conv2d_stride_2_padding_1_groups_2=conv2d(gx, gw, stride=2, padding=1, groups=2),
        conv2d_dilation_2=conv2d(dx, dw, dilation=2),
        max_pool2d_k2_s2=pool2d(x, 2, 2, 0, np.max, -np.inf),
        max_pool2d_k3_s2_p1=pool2d(neg, 3, 2, 1, np.max, -np.inf),
        avg_pool2d_k3_s1_p1=avg)


def floor_div(a, b):
    return np.array([p // q for p, q in zip(a, b)])


def floor_mod(a, b):
    return np.array([p % q for p, q in zip(a, b)])


def cpu_elementwise():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    erf = np.array([math.erf(v) for v in x])
    sigmoid = 1 / (1 + np.exp(-x))
    leaky = np.where(x > 0, x, 0.1 * x)
    e = np.exp(x)
    last = np.log(e) + np.sqrt(np.abs(x))
    a = np.array([[5.5], [-5.5]])
    b = np.array([2.0, -2.0, 3.0])
    ex = np.array([[2.0], [0.5]])
    p = np.array([2.0, 4.0, 9.0])
    i = [7, -7, 7, -7]
    j = [3, 3, -3, -3]
    ie = [2, 3, 0, 1]
    lx = np.array([[-1.0, 0.0, 2.0], [3.0, 0.5, -0.25]])
    gt = lx > 0.5
    le = lx <= 0
    either = (gt & ~le) | le
    return checks(
        sigmoid=sigmoid,
        tanh=np.tanh(x),
        erf=erf,
        sign=np.sign(x),
        leaky_relu_0_1=leaky,
        clamp_minus_1_1=np.clip(x, -1, 1),
        rsqrt_exp=1 / np.sqrt(e),
        log_exp_plus_sqrt_abs=last,
        add=a + b,
        sub=a - b,
        mul=a * b,
        div=a / b,
        mod=np.mod(a, b),
        pow=p ** ex,
        maximum=np.maximum(a, b),
        integer_div=floor_div(i, j),
        integer_mod=floor_mod(i, j),
        integer_pow=np.array([q ** r for q, r in zip(i, ie)]),
        integer_minimum=np.minimum(i, j),
        integer_clamp=np.clip(i, -5, 5),
        where_gt=np.where(gt, lx, 0.5),
        ne_0=(lx != 0).astype(float),
        bool_lt=(le < either).astype(float))


def cpu_shape():
    x = np.arange(12.0).reshape(2, 6)
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    b = np.array([[5.0, 6.0, 7.0], [8.0, 9.0, 10.0]])
    bias = np.array([0.5, -0.5, 1.5])
    t = np.array([[0.0, 0.5], [1.0, 1.5], [2.0, 2.5], [3.0, 3.5]])
    ids = np.clip(np.array([[3, 0, 1], [7, -1, 2]]), 0, 3)
    q = (np.arange(12.0) / 2).reshape(2, 2, 3)
    k = (1 - np.arange(12.0) / 4).reshape(2, 3, 2)
    w = np.array([[1.0, -1.0], [2.0, 0.0], [-0.5, 3.0]])
    r = np.array([1.0, 2.0, -1.0, 0.5]).reshape(2, 1, 1, 2)
    s = np.array([1.0, 1.0, 2.0, -1.0, 0.0, 4.0]).reshape(3, 2, 1)
    v = np.array([1.0, 2.0, 3.0])
    return checks(
        reshape_transpose=x.reshape(3, 4).T,
        reshape_two_dynamic_dims=x.reshape(1, 12),
        concat_axis_1=np.concatenate([a, b], axis=1),
        concat_axis_0=np.concatenate([a, a], axis=0),
        split_middle_part=np.split(b, 3, axis=-1)[1],
        stack_axis_0=np.stack([a, a], axis=0),
        broadcast_to_plus_b=np.broadcast_to(bias, (2, 3)) + b,
        embedding_clamped=t[ids],
        batch_matmul=q @ k,
        batched_times_matrix=q @ w,
        broadcast_batch_matmul=r @ s,
        vector_times_matrix=v @ w)


TESTS = {
    "cpu-mlp": cpu_mlp,
    "cpu-softmax-loss": cpu_softmax_loss,
    "cpu-reductions": cpu_reductions,
    "cpu-conv-pool": cpu_conv_pool,
    "cpu-elementwise": cpu_elementwise,
    "cpu-shape": cpu_shape,
}

if __name__ == "__main__":
    for name in sys.argv[1:] or TESTS:
        print("\n".join(TESTS[name]()))
