#!/usr/bin/env python3
"""Reference gradients of mlp-grad.mlir by central finite differences.

The loss is written out here from its definition, in float64:
    loss = mean(cross_entropy(relu(x @ w1.T + b1) @ w2.T + b2, labels))
with cross_entropy the batch mean of -log softmax(logits)[label]. Each
gradient entry is (loss(p + h) - loss(p - h)) / 2h with h = 1e-6, independent
of the compiler's VJP rules. Prints each gradient as %g (what printMemref
prints), one row per line. Run: python3 mlp_grad_reference.py
"""

import numpy as np

X = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])
W1 = np.array([[0.1, 0.5, 0.9], [0.2, -0.6, 1.0], [-0.3, 0.7, -1.1],
               [0.4, -0.8, 1.2]])
B1 = np.array([0.1, -0.1, 0.2, -0.2])
W2 = np.array([[0.3, 0.0, 0.6, -0.3], [-0.2, 0.5, -0.1, 0.2],
               [0.1, -0.4, 0.2, 0.4]])
B2 = np.array([0.05, -0.05, 0.0])
LABELS = np.array([2, 0])


def loss(x, w1, b1, w2, b2):
    h = np.maximum(x @ w1.T + b1, 0.0)
    logits = h @ w2.T + b2
    m = logits.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    ce = np.mean(lse - logits[np.arange(len(LABELS)), LABELS])
    return np.mean(ce)


def finite_difference(params, i, h=1e-6):
    grad = np.zeros_like(params[i])
    for idx in np.ndindex(params[i].shape):
        plus = [p.copy() for p in params]
        minus = [p.copy() for p in params]
        plus[i][idx] += h
        minus[i][idx] -= h
        grad[idx] = (loss(*plus) - loss(*minus)) / (2 * h)
    return grad


def main():
    params = [X, W1, B1, W2, B2]
    print("loss: %g" % loss(*params))
    for name, i in [("x", 0), ("w1", 1), ("b1", 2), ("w2", 3), ("b2", 4)]:
        g = finite_difference(params, i)
        print("d%s:" % name)
        for row in np.atleast_2d(g):
            print("  " + ", ".join("%g" % v for v in row))


if __name__ == "__main__":
    main()
