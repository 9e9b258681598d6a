"""Writes the NPY datasets of npy_data.nn into DIR (seeded).

usage: make_npy_data.py DIR

blobs: 600 examples of 4 features (float32) in 3 Gaussian clusters,
labels int64 [600]. lin: 400 examples (float64), targets float32 [400, 2]
= x @ w + b with small noise.
"""
import os
import sys

import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(7)
centers = rng.normal(0.0, 3.0, size=(3, 4))
y = rng.integers(0, 3, size=600)
x = centers[y] + rng.normal(0.0, 1.0, size=(600, 4))
np.save(os.path.join(out, "blobs_x.npy"), x.astype(np.float32))
np.save(os.path.join(out, "blobs_y.npy"), y.astype(np.int64))

w = rng.normal(size=(4, 2))
x = rng.uniform(-1.0, 1.0, size=(400, 4))
t = x @ w + np.array([0.5, -1.0]) + rng.normal(0.0, 0.01, size=(400, 2))
np.save(os.path.join(out, "lin_x.npy"), x)
np.save(os.path.join(out, "lin_y.npy"), t.astype(np.float32))
