#!/usr/bin/env python3
"""Numeric checks of the nn VJP rules against central finite differences.

Each case is an nn op (or a short chain of them) applied to float arguments,
reduced to the loss sum(out * r) with a fixed random r, so that every output
element weighs in. The same case is written twice, independently:

  * as MLIR (`emit`): a function marked nn.differentiate, whose gradient
    nn-autodiff builds from the VJP rules, and a @main that calls the
    gradient on fixed random inputs and prints the loss and each gradient
    with printMemref (run through -nnc-cpu-pipeline and mlir-cpu-runner);
  * in NumPy float64 (`check`): the op written out from its definition
    (PyTorch's, for conv2d, pooling, the norms and the losses), and each
    gradient entry as (loss(p + h) - loss(p - h)) / 2h.

`check` compares what the runner printed with the finite differences: every
entry within 1e-3 relative, measured against max(|fd|, 1% of the largest
|fd| of that gradient) so that entries near zero are compared at the
gradient's scale. It prints one line per case and exits 1 when any fails.

    python3 gradcheck.py emit FAMILY > t.mlir
    nnc-opt t.mlir -nn-autodiff -nnc-cpu-pipeline | mlir-cpu-runner ... > t.out
    python3 gradcheck.py check FAMILY t.out

Random inputs are float32 values (printed exactly), seeded per case name,
and kept away from kinks (relu at 0, clamp bounds, ties of max) by
construction, so the finite differences see a smooth function.
"""

import math
import re
import sys
import zlib

import numpy as np

RTOL = 1e-3
H = 1e-6

# ----- NumPy reference ops (float64) -----------------------------------------


def conv2d(x, w, stride=1, padding=0, dilation=1, groups=1):
    n, c, hh, ww = x.shape
    o, cg, kh, kw = w.shape
    s, p, d = stride, padding, dilation
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    ho = (hh + 2 * p - d * (kh - 1) - 1) // s + 1
    wo = (ww + 2 * p - d * (kw - 1) - 1) // s + 1
    out = np.zeros((n, o, ho, wo))
    og = o // groups
    for oc in range(o):
        g = oc // og
        for i in range(kh):
            for j in range(kw):
                patch = xp[:, g * cg:(g + 1) * cg,
                           i * d:i * d + s * (ho - 1) + 1:s,
                           j * d:j * d + s * (wo - 1) + 1:s]
                out[:, oc] += np.einsum("nchw,c->nhw", patch, w[oc, :, i, j])
    return out


def pool2d(x, k, stride, padding, kind):
    n, c, hh, ww = x.shape
    p = padding
    fill = -np.inf if kind == "max" else 0.0
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=fill)
    ho = (hh + 2 * p - k) // stride + 1
    wo = (ww + 2 * p - k) // stride + 1
    windows = [xp[:, :, i:i + stride * (ho - 1) + 1:stride,
                  j:j + stride * (wo - 1) + 1:stride]
               for i in range(k) for j in range(k)]
    if kind == "max":
        return np.max(windows, axis=0)
    return np.sum(windows, axis=0) / (k * k)


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def logsumexp(x, axis=None, keepdims=False):
    m = x.max(axis=axis, keepdims=True)
    r = m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True))
    return r if keepdims else np.squeeze(r, axis=axis)


def cross_entropy(logits, labels, eps):
    lse = logsumexp(logits, axis=1)
    picked = logits[np.arange(len(labels)), labels]
    c = logits.shape[1]
    loss = lse - (1 - eps) * picked - eps / c * logits.sum(axis=1)
    return np.mean(loss)


def batch_norm(x, mean, var, eps):
    shape = [1, -1] + [1] * (x.ndim - 2)
    return (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)


def layer_norm(x, eps):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps)


erf = np.vectorize(math.erf)


def fake_uniform(site, index):
    """The test modules' stand-in for nnrt_rand_uniform (see DROPOUT_RNG)."""
    return ((index * 37 + site * 11) % 64) / 64.0


def dropout(x, p, site):
    u = fake_uniform(site, np.arange(x.size)).reshape(x.shape)
    return np.where(u >= p, x / (1 - p), 0.0)


# A pure function of (site, index), as the runtime's generator is within one
# call, so that the forward and the gradient's dropout draw the same mask.
DROPOUT_RNG = """
func.func @nnrt_rand_uniform(%site: i64, %index: i64) -> f32 {
  %c37 = arith.constant 37 : i64
  %c11 = arith.constant 11 : i64
  %c64 = arith.constant 64 : i64
  %a = arith.muli %index, %c37 : i64
  %b = arith.muli %site, %c11 : i64
  %s = arith.addi %a, %b : i64
  %m = arith.remui %s, %c64 : i64
  %f = arith.uitofp %m : i64 to f32
  %d = arith.constant 64.0 : f32
  %u = arith.divf %f, %d : f32
  return %u : f32
}
"""

# ----- Cases ---------------------------------------------------------------


class Arg:
    """A differentiated argument: `shape` (None for a dynamic dim, given
    `size` at run time), drawn by `draw(rng, shape)`."""

    def __init__(self, shape, draw=None, dynamic=()):
        self.shape = tuple(shape)
        self.draw = draw or uniform(-1, 1)
        self.dynamic = set(dynamic)


def uniform(lo, hi):
    return lambda rng, shape: rng.uniform(lo, hi, shape)


def away_from(points, lo=-1.0, hi=1.0, margin=0.05):
    """Uniform in [lo, hi] but at least `margin` from each of `points`."""
    def draw(rng, shape):
        x = rng.uniform(lo, hi, shape)
        for _ in range(100):
            bad = np.zeros(shape, bool)
            for pt in points:
                bad |= np.abs(x - pt) < margin
            if not bad.any():
                return x
            x[bad] = rng.uniform(lo, hi, bad.sum())
        raise RuntimeError("cannot draw away from %s" % points)
    return draw


def distinct(lo=-1.0, hi=1.0, gap=0.02):
    """Uniform values no two of which are within `gap` (no ties)."""
    def draw(rng, shape):
        n = int(np.prod(shape))
        step = min(gap, (hi - lo) / (2 * n))
        grid = np.arange(lo, hi, step)
        return rng.permutation(grid)[:n].reshape(shape) + rng.uniform(
            0, step / 4, shape)
    return draw


class Case:
    """`body`: MLIR text using %a0, %a1, ... and defining %out of
    `out_shape` (with `out_dynamic` dims dynamic); `ref`: the NumPy forward.
    `prelude`: module-level MLIR the case needs."""

    def __init__(self, name, args, body, out_shape, ref, out_dynamic=(),
                 dtype="f32", prelude=""):
        self.name, self.args, self.body, self.ref = name, args, body, ref
        self.out_shape = tuple(out_shape)
        self.out_dynamic = set(out_dynamic)
        self.dtype, self.prelude = dtype, prelude

    def data(self):
        rng = np.random.default_rng(zlib.crc32(self.name.encode()))
        # float32 values, so that the compiled program sees the same inputs.
        args = [a.draw(rng, a.shape).astype(np.float32).astype(np.float64)
                for a in self.args]
        r = rng.uniform(-1, 1, self.out_shape).astype(np.float32)
        return args, r.astype(np.float64)


def ttype(shape, dtype, dynamic=()):
    dims = ["?" if i in dynamic else str(d) for i, d in enumerate(shape)]
    return "tensor<%s>" % "x".join(dims + [dtype])


def elementwise_cases():
    x34 = [3, 4]
    unary = [
        ("relu", "nn.relu %a0 : T0", lambda x: np.maximum(x, 0),
         away_from([0.0])),
        ("leaky_relu",
         "nn.leaky_relu %a0 {alpha = 2.000000e-01 : f64} : T0",
         lambda x: np.where(x > 0, x, 0.2 * x), away_from([0.0])),
        ("sigmoid", "nn.sigmoid %a0 : T0", lambda x: 1 / (1 + np.exp(-x)),
         uniform(-3, 3)),
        ("tanh", "nn.tanh %a0 : T0", np.tanh, uniform(-2, 2)),
        ("exp", "nn.exp %a0 : T0", np.exp, uniform(-2, 2)),
        ("log", "nn.log %a0 : T0", np.log, uniform(0.2, 3)),
        ("sqrt", "nn.sqrt %a0 : T0", np.sqrt, uniform(0.2, 3)),
        ("rsqrt", "nn.rsqrt %a0 : T0", lambda x: 1 / np.sqrt(x),
         uniform(0.2, 3)),
        ("erf", "nn.erf %a0 : T0", erf, uniform(-2, 2)),
        ("abs", "nn.abs %a0 : T0", np.abs, away_from([0.0])),
        ("neg", "nn.neg %a0 : T0", np.negative, uniform(-1, 1)),
        ("clamp",
         "nn.clamp %a0 {hi = 5.000000e-01 : f64, lo = -5.000000e-01 : f64}"
         " : T0", lambda x: np.clip(x, -0.5, 0.5), away_from([-0.5, 0.5])),
    ]
    cases = []
    for name, op, ref, draw in unary:
        t = ttype(x34, "f32")
        body = "%out = " + op.replace("T0", t)
        cases.append(Case(name, [Arg(x34, draw)], body, x34, ref))
    t = ttype(x34, "f32")
    # sign has a zero gradient: only the product's other factor carries one.
    cases.append(Case(
        "sign", [Arg(x34, away_from([0.0]))],
        "%%sg = nn.sign %%a0 : %s\n"
        "%%out = nn.mul %%sg, %%a0 : %s, %s -> %s" % (t, t, t, t),
        x34, lambda x: np.sign(x) * x))

    # Binary ops, with the rhs broadcast along the rows.
    def binary(name, op, ref, lhs=uniform(-1, 1), rhs=uniform(-1, 1),
               rhs_shape=(4,)):
        lt, rt = ttype(x34, "f32"), ttype(rhs_shape, "f32")
        body = "%%out = nn.%s %%a0, %%a1 : %s, %s -> %s" % (op, lt, rt, lt)
        return Case(name, [Arg(x34, lhs), Arg(rhs_shape, rhs)], body, x34,
                    ref)

    cases += [
        binary("add", "add", np.add),
        binary("sub", "sub", np.subtract),
        binary("mul", "mul", np.multiply),
        binary("div", "div", np.divide, rhs=uniform(0.5, 2)),
        binary("mod", "mod", np.mod, lhs=uniform(-3, 3),
               rhs=uniform(0.7, 1.3)),
        binary("pow", "pow", np.power, lhs=uniform(0.3, 2),
               rhs=uniform(-1.5, 2.5)),
        binary("pow_scalar_exponent", "pow", np.power, lhs=uniform(0.3, 2),
               rhs=uniform(0.5, 3), rhs_shape=()),
        binary("maximum", "maximum", np.maximum, lhs=distinct(),
               rhs=distinct(-1.01, 0.99)),
        binary("minimum", "minimum", np.minimum, lhs=distinct(),
               rhs=distinct(-1.01, 0.99)),
    ]
    # pow with a negative base: a constant integer exponent.
    t = ttype(x34, "f32")
    cases.append(Case(
        "pow_negative_base", [Arg(x34, uniform(-2, 2))],
        "%%e = arith.constant dense<3.0> : tensor<f32>\n"
        "%%out = nn.pow %%a0, %%e : %s, tensor<f32> -> %s" % (t, t),
        x34, lambda x: x ** 3))
    # where: both branches, broadcast; the mask is a constant.
    mask = np.array([[1, 0, 0, 1], [0, 1, 1, 0], [1, 1, 0, 0]], bool)
    cases.append(Case(
        "where", [Arg(x34), Arg([4])],
        "%%m = arith.constant dense<%s> : tensor<3x4xi1>\n"
        "%%out = nn.where %%m, %%a0, %%a1 : tensor<3x4xi1>, %s, "
        "tensor<4xf32> -> %s" % (mlir_dense(mask, "i1"), t, t),
        x34, lambda x, y: np.where(mask, x, y)))
    return cases


def reduction_cases():
    cases = []
    t = ttype([3, 4, 5], "f32")

    def reduce(name, op, axes, keepdim, ref, draw=distinct()):
        out = ref(np.zeros((3, 4, 5))).shape
        body = "%%out = nn.%s %%a0 axes = [%s]%s : %s -> %s" % (
            op, ", ".join(map(str, axes)), " keepdim" if keepdim else "", t,
            ttype(out, "f32"))
        return Case(name, [Arg([3, 4, 5], draw)], body, out, ref)

    cases += [
        reduce("sum", "sum", [1], False, lambda x: x.sum(axis=1)),
        reduce("mean", "mean", [0, 2], True,
               lambda x: x.mean(axis=(0, 2), keepdims=True)),
        reduce("max_axis", "max", [1], False, lambda x: x.max(axis=1)),
        reduce("max_all", "max", [], False, lambda x: x.max()),
        reduce("min_keepdim", "min", [0, 2], True,
               lambda x: x.min(axis=(0, 2), keepdims=True)),
        reduce("min_negative_axis", "min", [-1], False,
               lambda x: x.min(axis=-1)),
        reduce("logsumexp", "logsumexp", [1], False,
               lambda x: logsumexp(x, axis=1), uniform(-2, 2)),
        reduce("logsumexp_all_keepdim", "logsumexp", [], True,
               lambda x: logsumexp(x, axis=None, keepdims=True),
               uniform(-2, 2)),
    ]
    for name, op, axis, ref in [
            ("softmax", "softmax", -1, lambda x: softmax(x, -1)),
            ("softmax_axis0", "softmax", 0, lambda x: softmax(x, 0)),
            ("log_softmax", "log_softmax", 1,
             lambda x: np.log(softmax(x, 1)))]:
        body = "%%out = nn.%s %%a0 axis = %d : %s" % (op, axis, t)
        cases.append(Case(name, [Arg([3, 4, 5], uniform(-2, 2))], body,
                          [3, 4, 5], ref))
    # cross_entropy over a dynamic batch, with label smoothing.
    labels = np.array([2, 0, 3])
    lt = ttype([3, 4], "f32", {0})
    cases.append(Case(
        "cross_entropy", [Arg([3, 4], uniform(-2, 2), dynamic={0})],
        "%%y = arith.constant dense<[2, 0, 3]> : tensor<3xi32>\n"
        "%%yd = tensor.cast %%y : tensor<3xi32> to tensor<?xi32>\n"
        "%%out = nn.cross_entropy %%a0, %%yd {label_smoothing = 1.000000e-01 "
        ": f64} : %s, tensor<?xi32> -> tensor<f32>" % lt,
        [], lambda x: cross_entropy(x, labels, 0.1)))
    return cases


def linalg_cases():
    def matmul(name, ls, rs, os_, ld=(), od=()):
        lt, rt = ttype(ls, "f32", ld), ttype(rs, "f32")
        body = "%%out = nn.matmul %%a0, %%a1 : %s, %s -> %s" % (
            lt, rt, ttype(os_, "f32", od))
        return Case(name, [Arg(ls, dynamic=ld), Arg(rs)], body, os_,
                    np.matmul, out_dynamic=od)

    return [
        matmul("matmul", [3, 4], [4, 5], [3, 5], ld={0}, od={0}),
        matmul("matmul_batched", [2, 3, 4], [4, 5], [2, 3, 5]),
        matmul("matmul_broadcast_batch", [3, 4], [2, 4, 5], [2, 3, 5]),
        matmul("matmul_vector_lhs", [4], [2, 4, 5], [2, 5]),
        matmul("matmul_vector_rhs", [2, 3, 4], [4], [2, 3]),
        matmul("matmul_vectors", [4], [4], []),
        Case("transpose", [Arg([2, 3, 4])],
             "%out = nn.transpose %a0, [2, 0, 1] : tensor<2x3x4xf32> -> "
             "tensor<4x2x3xf32>", [4, 2, 3],
             lambda x: np.transpose(x, (2, 0, 1))),
    ]


def conv_cases():
    def conv(name, xs, ws, stride=1, padding=0, dilation=1, groups=1,
             dynamic_batch=False, dtype="f32"):
        out = conv2d(np.zeros(xs), np.zeros(ws), stride, padding, dilation,
                     groups).shape
        dyn = {0} if dynamic_batch else set()
        attrs = "stride = %d : i64, padding = %d : i64, dilation = %d : i64, " \
                "groups = %d : i64" % (stride, padding, dilation, groups)
        body = "%%out = nn.conv2d %%a0, %%a1 {%s} : %s, %s -> %s" % (
            attrs, ttype(xs, dtype, dyn), ttype(ws, dtype),
            ttype(out, dtype, dyn))
        return Case(name, [Arg(xs, dynamic=dyn), Arg(ws)], body, out,
                    lambda x, w: conv2d(x, w, stride, padding, dilation,
                                        groups),
                    out_dynamic=dyn, dtype=dtype)

    return [
        conv("conv2d", [2, 3, 6, 6], [4, 3, 3, 3]),
        conv("conv2d_stride2", [2, 2, 7, 7], [3, 2, 3, 3], stride=2),
        # (8 - 3) % 2 = 1: the last input row is read by no window.
        conv("conv2d_stride2_uneven", [1, 2, 8, 8], [3, 2, 3, 3], stride=2),
        conv("conv2d_padding1", [2, 2, 5, 5], [3, 2, 3, 3], padding=1),
        # padding > dilation * (kernel - 1): the transposed conv crops.
        conv("conv2d_padding_beyond_kernel", [1, 2, 4, 5], [2, 2, 2, 2],
             padding=2),
        conv("conv2d_dilation2", [2, 2, 7, 7], [3, 2, 3, 3], dilation=2),
        conv("conv2d_groups2", [2, 4, 5, 5], [6, 2, 3, 3], groups=2),
        conv("conv2d_depthwise", [2, 3, 5, 5], [6, 1, 3, 3], groups=3),
        conv("conv2d_all", [2, 4, 9, 8], [6, 2, 3, 2], stride=2, padding=1,
             dilation=2, groups=2, dynamic_batch=True),
        conv("conv2d_stride3_rect", [1, 2, 10, 7], [2, 2, 2, 3], stride=3,
             padding=1),
        conv("conv2d_all_f64", [2, 4, 9, 8], [6, 2, 3, 2], stride=2,
             padding=1, dilation=2, groups=2, dynamic_batch=True,
             dtype="f64"),
    ]


def pool_cases():
    def pool(name, kind, xs, k, stride, padding, dynamic_batch=False,
             draw=None):
        out = pool2d(np.zeros(xs), k, stride, padding, kind).shape
        dyn = {0} if dynamic_batch else set()
        body = "%%out = nn.%s_pool2d %%a0 {kernel = %d : i64, stride = %d : " \
               "i64, padding = %d : i64} : %s -> %s" % (
                   kind, k, stride, padding, ttype(xs, "f32", dyn),
                   ttype(out, "f32", dyn))
        return Case(name, [Arg(xs, draw or distinct(), dynamic=dyn)], body,
                    out, lambda x: pool2d(x, k, stride, padding, kind),
                    out_dynamic=dyn)

    cases = []
    for kind in ["max", "avg"]:
        cases += [
            pool(kind + "_pool2d", kind, [2, 2, 4, 4], 2, 2, 0),
            pool(kind + "_pool2d_overlap", kind, [1, 2, 5, 5], 3, 1, 0),
            pool(kind + "_pool2d_stride2_padding1", kind, [2, 2, 5, 6], 3, 2,
                 1, dynamic_batch=True),
            pool(kind + "_pool2d_uneven", kind, [1, 1, 7, 6], 2, 3, 1),
        ]
    # Negative inputs: the -inf padding must not win.
    cases.append(pool("max_pool2d_negative", "max", [1, 2, 4, 4], 3, 2, 1,
                      draw=distinct(-2, -0.5)))
    return cases


def neural_cases():
    cases = []
    # embedding: repeated ids, and ids out of range, clamped.
    ids = np.array([[1, 3, 1], [0, 7, -2]])
    cases.append(Case(
        "embedding", [Arg([5, 3])],
        "%%ids = arith.constant dense<%s> : tensor<2x3xi32>\n"
        "%%idsd = tensor.cast %%ids : tensor<2x3xi32> to tensor<?x3xi32>\n"
        "%%out = nn.embedding %%a0, %%idsd : tensor<5x3xf32>, "
        "tensor<?x3xi32> -> tensor<?x3x3xf32>" % mlir_dense(ids, "i32"),
        [2, 3, 3], lambda t: t[np.clip(ids, 0, 4)], out_dynamic={0}))
    cases.append(Case(
        "dropout", [Arg([4, 6], dynamic={0})],
        "%%out = nn.dropout %%a0 {p = 3.000000e-01 : f64, seed_offset = 5 : "
        "i64} : %s" % ttype([4, 6], "f32", {0}),
        [4, 6], lambda x: dropout(x, 0.3, 5), out_dynamic={0},
        prelude=DROPOUT_RNG))
    t = ttype([4, 3, 2, 2], "f32")
    cases.append(Case(
        "batch_norm", [Arg([4, 3, 2, 2]), Arg([3]), Arg([3], uniform(0.5, 2))],
        "%%out = nn.batch_norm %%a0, %%a1, %%a2 {eps = 1.000000e-01 : f64} : "
        "%s, tensor<3xf32>, tensor<3xf32>" % t,
        [4, 3, 2, 2], lambda x, m, v: batch_norm(x, m, v, 0.1)))
    t2 = ttype([5, 3], "f32", {0})
    cases.append(Case(
        "batch_norm_rank2", [Arg([5, 3], dynamic={0}), Arg([3]),
                             Arg([3], uniform(0.5, 2))],
        "%%out = nn.batch_norm %%a0, %%a1, %%a2 {eps = 1.000000e-05 : f64} : "
        "%s, tensor<3xf32>, tensor<3xf32>" % t2,
        [5, 3], lambda x, m, v: batch_norm(x, m, v, 1e-5), out_dynamic={0}))
    # Training-mode batch norm: statistics computed from x (BatchNorm2D).
    cases.append(Case(
        "batch_norm_batch_stats", [Arg([4, 3, 2, 2])],
        "%%mu = nn.mean %%a0 axes = [0, 2, 3] : %s -> tensor<3xf32>\n"
        "%%mur = nn.reshape %%mu : tensor<3xf32> -> tensor<3x1x1xf32>\n"
        "%%c = nn.sub %%a0, %%mur : %s, tensor<3x1x1xf32> -> %s\n"
        "%%sq = nn.mul %%c, %%c : %s, %s -> %s\n"
        "%%var = nn.mean %%sq axes = [0, 2, 3] : %s -> tensor<3xf32>\n"
        "%%out = nn.batch_norm %%a0, %%mu, %%var {eps = 1.000000e-05 : f64} :"
        " %s, tensor<3xf32>, tensor<3xf32>" % ((t,) * 8),
        [4, 3, 2, 2],
        lambda x: batch_norm(x, x.mean(axis=(0, 2, 3)),
                             x.var(axis=(0, 2, 3)), 1e-5)))
    cases.append(Case(
        "layer_norm", [Arg([2, 3, 5], uniform(-2, 2), dynamic={0})],
        "%%out = nn.layer_norm %%a0 {eps = 1.000000e-05 : f64} : %s"
        % ttype([2, 3, 5], "f32", {0}),
        [2, 3, 5], lambda x: layer_norm(x, 1e-5), out_dynamic={0}))
    return cases


def shape_cases():
    cases = []
    cases.append(Case(
        "concat", [Arg([2, 3], dynamic={0}), Arg([2, 1], dynamic={0}),
                   Arg([2, 4], dynamic={0})],
        "%%out = nn.concat %%a0, %%a1, %%a2 axis = 1 : %s, %s, %s -> %s" % (
            ttype([2, 3], "f32", {0}), ttype([2, 1], "f32", {0}),
            ttype([2, 4], "f32", {0}), ttype([2, 8], "f32", {0})),
        [2, 8], lambda a, b, c: np.concatenate([a, b, c], axis=1),
        out_dynamic={0}))
    cases.append(Case(
        "concat_dynamic_axis", [Arg([2, 3], dynamic={0}),
                                Arg([3, 3], dynamic={0})],
        "%%out = nn.concat %%a0, %%a1 axis = 0 : %s, %s -> %s" % (
            ttype([2, 3], "f32", {0}), ttype([3, 3], "f32", {0}),
            ttype([5, 3], "f32", {0})),
        [5, 3], lambda a, b: np.concatenate([a, b], axis=0),
        out_dynamic={0}))
    # split: the middle part unused (its gradient is zeros).
    pt = ttype([2, 2], "f32")
    cases.append(Case(
        "split", [Arg([2, 6])],
        "%%p:3 = nn.split %%a0 axis = -1 : tensor<2x6xf32> -> %s, %s, %s\n"
        "%%q = nn.mul %%p#0, %%p#0 : %s, %s -> %s\n"
        "%%out = nn.add %%q, %%p#2 : %s, %s -> %s" % ((pt,) * 9),
        [2, 2], lambda x: x[:, 0:2] ** 2 + x[:, 4:6]))
    st = ttype([2, 3], "f32")
    cases.append(Case(
        "stack", [Arg([2, 3]), Arg([2, 3])],
        "%%out = nn.stack %%a0, %%a1 axis = 1 : %s, %s -> tensor<2x2x3xf32>"
        % (st, st), [2, 2, 3], lambda a, b: np.stack([a, b], axis=1)))
    cases.append(Case(
        "reshape_flatten_squeeze", [Arg([2, 1, 6])],
        "%r = nn.reshape %a0 : tensor<2x1x6xf32> -> tensor<2x3x2x1xf32>\n"
        "%f = nn.flatten %r : tensor<2x3x2x1xf32> -> tensor<2x6xf32>\n"
        "%u = nn.unsqueeze %f axis = 0 : tensor<2x6xf32> -> tensor<1x2x6xf32>\n"
        "%out = nn.squeeze %u axis = 0 : tensor<1x2x6xf32> -> tensor<2x6xf32>",
        [2, 6], lambda x: x.reshape(2, 6)))
    cases.append(Case(
        "broadcast_to", [Arg([3, 1])],
        "%out = nn.broadcast_to %a0 : tensor<3x1xf32> -> tensor<2x3x4xf32>",
        [2, 3, 4], lambda x: np.broadcast_to(x, (2, 3, 4))))
    return cases


def indexing_cases():
    """The tensor ops MLIRGen emits for indexing and type refinement."""
    xt = ttype([2, 3, 4], "f32", {0})
    return [
        Case("slice_index", [Arg([2, 3, 4], dynamic={0})],
             "%c0 = arith.constant 0 : index\n"
             "%n = tensor.dim %a0, %c0 : " + xt + "\n"
             "%out = tensor.extract_slice %a0[0, 1, 0] [%n, 1, 4] [1, 1, 1] : "
             + xt + " to tensor<?x4xf32>",
             [2, 4], lambda x: x[:, 1, :], out_dynamic={0}),
        Case("slice_strided", [Arg([6, 5])],
             "%s = tensor.extract_slice %a0[1, 0] [3, 5] [2, 1] : "
             "tensor<6x5xf32> to tensor<3x5xf32>\n"
             "%out = nn.mul %s, %s : tensor<3x5xf32>, tensor<3x5xf32> -> "
             "tensor<3x5xf32>",
             [3, 5], lambda x: x[1::2] ** 2),
        Case("slice_runtime_offset", [Arg([4, 3])],
             "%i = arith.constant 2 : index\n"
             "%out = tensor.extract_slice %a0[%i, 0] [1, 3] [1, 1] : "
             "tensor<4x3xf32> to tensor<3xf32>",
             [3], lambda x: x[2]),
        Case("slice_overlapping", [Arg([2, 3])],
             "%s1 = tensor.extract_slice %a0[0, 0] [2, 2] [1, 1] : "
             "tensor<2x3xf32> to tensor<2x2xf32>\n"
             "%s2 = tensor.extract_slice %a0[0, 1] [2, 2] [1, 1] : "
             "tensor<2x3xf32> to tensor<2x2xf32>\n"
             "%out = nn.mul %s1, %s2 : tensor<2x2xf32>, tensor<2x2xf32> -> "
             "tensor<2x2xf32>",
             [2, 2], lambda x: x[:, 0:2] * x[:, 1:3]),
        Case("cast", [Arg([2, 3], away_from([0.0]))],
             "%c = tensor.cast %a0 : tensor<2x3xf32> to tensor<?x3xf32>\n"
             "%out = nn.relu %c : tensor<?x3xf32>",
             [2, 3], lambda x: np.maximum(x, 0), out_dynamic={0}),
    ]


def loop_cases():
    """scf.for over a run-time trip count (a `for` over a run-time size)."""
    def rnn(h0, w, x):
        h = h0
        for t in range(x.shape[0]):
            h = np.tanh(h @ w + x[t])
        return h

    def gated(h0, x):
        h = c = h0
        for i in range(1, x.shape[0], 2):
            c = c * (1 / (1 + np.exp(-x[i]))) + np.tanh(h)
            h = np.tanh(c)
        return h * c

    t23 = "tensor<2x3xf32>"
    xt = "tensor<?x2x3xf32>"
    v3 = "tensor<3xf32>"
    return [
        # A recurrence using a parameter and a slice of the input per step.
        Case("loop_rnn", [Arg([2, 3]), Arg([3, 3]), Arg([4, 2, 3], dynamic={0})],
             "%c0 = arith.constant 0 : index\n"
             "%c1 = arith.constant 1 : index\n"
             "%n = tensor.dim %a2, %c0 : " + xt + "\n"
             "%out = scf.for %i = %c0 to %n step %c1 iter_args(%h = %a0) -> (" + t23 + ") {\n"
             "  %m = nn.matmul %h, %a1 : " + t23 + ", tensor<3x3xf32> -> " + t23 + "\n"
             "  %x = tensor.extract_slice %a2[%i, 0, 0] [1, 2, 3] [1, 1, 1] : " + xt + " to " + t23 + "\n"
             "  %s = nn.add %m, %x : " + t23 + ", " + t23 + " -> " + t23 + "\n"
             "  %t = nn.tanh %s : " + t23 + "\n"
             "  scf.yield %t : " + t23 + "\n"
             "}",
             [2, 3], rnn),
        # Two carried values, a lower bound of 1 and a step of 2 (3 of the
        # 6 rows), the same initial value for both.
        Case("loop_gated", [Arg([3]), Arg([6, 3], dynamic={0})],
             "%c0 = arith.constant 0 : index\n"
             "%c1 = arith.constant 1 : index\n"
             "%c2 = arith.constant 2 : index\n"
             "%n = tensor.dim %a1, %c0 : tensor<?x3xf32>\n"
             "%r:2 = scf.for %i = %c1 to %n step %c2 iter_args(%h = %a0, %c = %a0) -> (" + v3 + ", " + v3 + ") {\n"
             "  %x = tensor.extract_slice %a1[%i, 0] [1, 3] [1, 1] : tensor<?x3xf32> to " + v3 + "\n"
             "  %g = nn.sigmoid %x : " + v3 + "\n"
             "  %cg = nn.mul %c, %g : " + v3 + ", " + v3 + " -> " + v3 + "\n"
             "  %th = nn.tanh %h : " + v3 + "\n"
             "  %cn = nn.add %cg, %th : " + v3 + ", " + v3 + " -> " + v3 + "\n"
             "  %hn = nn.tanh %cn : " + v3 + "\n"
             "  scf.yield %hn, %cn : " + v3 + ", " + v3 + "\n"
             "}\n"
             "%out = nn.mul %r#0, %r#1 : " + v3 + ", " + v3 + " -> " + v3,
             [3], gated),
    ]


FAMILIES = {
    "elementwise": elementwise_cases,
    "reduction": reduction_cases,
    "linalg": linalg_cases,
    "conv": conv_cases,
    "pool": pool_cases,
    "neural": neural_cases,
    "shape": shape_cases,
    "indexing": indexing_cases,
    "loop": loop_cases,
}

# ----- MLIR ----------------------------------------------------------------


def mlir_value(v, elem):
    if elem == "i1":
        return "true" if v else "false"
    if elem.startswith("i"):
        return str(int(v))
    return "%.9g" % v if elem == "f32" else "%.17g" % v


def mlir_dense(a, elem):
    a = np.asarray(a)
    if a.ndim == 0:
        return mlir_value(a[()], elem)
    return "[" + ", ".join(mlir_dense(x, elem) for x in a) + "]"


def emit(family):
    cases = FAMILIES[family]()
    out = []
    preludes = []
    for case in cases:
        if case.prelude and case.prelude not in preludes:
            preludes.append(case.prelude)
    out += preludes
    for case in cases:
        dt = case.dtype
        arg_types = [ttype(a.shape, dt, a.dynamic) for a in case.args]
        ot = ttype(case.out_shape, dt, case.out_dynamic)
        ost = ttype(case.out_shape, dt)
        lt = "tensor<%s>" % dt
        _, r = case.data()
        out.append("func.func @%s(%s) -> %s attributes {nn.differentiate} {"
                   % (case.name, ", ".join("%%a%d: %s" % (i, t) for i, t in
                                           enumerate(arg_types)), lt))
        body = case.body.replace("f32", dt) if dt != "f32" else case.body
        out += ["  " + line for line in body.split("\n")]
        # r has the static shape; the product keeps the output's type.
        out.append("  %%gc_r = arith.constant dense<%s> : %s" %
                   (mlir_dense(r, dt), ost))
        out.append("  %%gc_w = nn.mul %%out, %%gc_r : %s, %s -> %s" %
                   (ot, ost, ot))
        out.append("  %%gc_l = nn.sum %%gc_w axes = [] : %s -> %s" % (ot, lt))
        out.append("  return %%gc_l : %s" % lt)
        out.append("}")
        out.append("func.func private @%s_grad(%s) -> (%s)" % (
            case.name, ", ".join(arg_types), ", ".join([lt] + arg_types)))
    out.append("func.func private @printMemrefF32(tensor<*xf32>)")
    out.append("func.func private @printMemrefF64(tensor<*xf64>)")
    out.append("func.func @main() {")
    for case in cases:
        dt = case.dtype
        args, _ = case.data()
        names = []
        for i, (a, v) in enumerate(zip(case.args, args)):
            st, t = ttype(a.shape, dt), ttype(a.shape, dt, a.dynamic)
            out.append("  %%%s_%d = arith.constant dense<%s> : %s" % (
                case.name, i, mlir_dense(v, dt), st))
            name = "%%%s_%d" % (case.name, i)
            if st != t:
                out.append("  %s_d = tensor.cast %s : %s to %s" % (
                    name, name, st, t))
                name += "_d"
            names.append(name)
        arg_types = [ttype(a.shape, dt, a.dynamic) for a in case.args]
        lt = "tensor<%s>" % dt
        results = ["%%%s_g%d" % (case.name, i) for i in range(len(args) + 1)]
        out.append("  %s = call @%s_grad(%s) : (%s) -> (%s)" % (
            ", ".join(results), case.name, ", ".join(names),
            ", ".join(arg_types), ", ".join([lt] + arg_types)))
        printer = "printMemrefF32" if dt == "f32" else "printMemrefF64"
        for res, t in zip(results, [lt] + arg_types):
            out.append("  %s_u = tensor.cast %s : %s to tensor<*x%s>" % (
                res, res, t, dt))
            out.append("  call @%s(%s_u) : (tensor<*x%s>) -> ()" % (
                printer, res, dt))
    out.append("  return")
    out.append("}")
    print("// Generated by gradcheck.py emit %s." % family)
    print("\n".join(out))


# ----- Checking ------------------------------------------------------------


def parse_printed(text):
    """The arrays printMemref printed, in order, shaped by `sizes`."""
    arrays = []
    pattern = re.compile(r"sizes = \[([0-9, ]*)\].*?data =\s*\n(.*?)"
                         r"(?=Unranked Memref|\Z)", re.S)
    for m in pattern.finditer(text):
        sizes = [int(s) for s in m.group(1).replace(" ", "").split(",") if s]
        numbers = re.findall(r"-?(?:nan|inf|[0-9.]+(?:e[-+]?[0-9]+)?)",
                             m.group(2))
        values = np.array([float(n) for n in numbers])
        arrays.append(values.reshape(sizes))
    return arrays


def finite_difference(loss, args, i):
    grad = np.zeros_like(args[i])
    for idx in np.ndindex(args[i].shape):
        plus = [a.copy() for a in args]
        minus = [a.copy() for a in args]
        plus[i][idx] += H
        minus[i][idx] -= H
        grad[idx] = (loss(plus) - loss(minus)) / (2 * H)
    return grad


def relative_error(got, want):
    scale = max(np.abs(want).max(initial=0.0), 1e-6)
    floor = np.maximum(np.abs(want), 1e-2 * scale)
    return (np.abs(got - want) / floor).max(initial=0.0)


def check(family, path):
    cases = FAMILIES[family]()
    with open(path) as f:
        printed = parse_printed(f.read())
    expected_count = sum(len(c.args) + 1 for c in cases)
    if len(printed) != expected_count:
        print("error: expected %d printed arrays, found %d" %
              (expected_count, len(printed)))
        return 1
    failed = 0
    at = 0
    for case in cases:
        args, r = case.data()

        def loss(params):
            return float(np.sum(case.ref(*params) * r))

        got_loss = printed[at]
        at += 1
        errors = [relative_error(np.array([got_loss.item()]),
                                 np.array([loss(args)]))]
        for i in range(len(args)):
            got = printed[at]
            at += 1
            want = finite_difference(loss, args, i)
            if got.shape != want.shape:
                errors.append(np.inf)
                continue
            errors.append(relative_error(got, want))
        worst = max(errors)
        ok = worst <= RTOL and np.isfinite(worst)
        failed += not ok
        print("%s %s: loss and %d gradient%s, max relative error %.1e" % (
            "ok" if ok else "FAIL", case.name, len(args),
            "" if len(args) == 1 else "s", worst))
    print("%d of %d cases passed" % (len(cases) - failed, len(cases)))
    return 1 if failed else 0


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "emit":
        emit(sys.argv[2])
        return 0
    if len(sys.argv) >= 4 and sys.argv[1] == "check":
        return check(sys.argv[2], sys.argv[3])
    if len(sys.argv) >= 2 and sys.argv[1] == "list":
        for case in FAMILIES[sys.argv[2]]():
            print(case.name)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
