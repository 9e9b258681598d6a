"""Writes regression.csv, the synthetic dataset of examples/csv_regression.nn.

usage: python3 examples/data/make_regression.py   (NumPy; rewrites the file
bit for bit: the generator is seeded)

600 rows of 8 features x0..x7, each uniform in [-1, 1], and a target

    y = sin(2 x0) + x1 x2 + 0.5 x3^2 - x4 + 0.3 x5 + noise,   noise ~ N(0, 0.1^2)

(x6 and x7 are distractors). Half of y's variance is nonlinear in x, so a
least-squares line leaves it unexplained and a small MLP can learn it. The
rows are in random order: the last 20% are the program's test split.
"""
import os

import numpy as np

rng = np.random.default_rng(2024)
n, features = 600, 8
x = rng.uniform(-1.0, 1.0, size=(n, features))
y = (np.sin(2 * x[:, 0]) + x[:, 1] * x[:, 2] + 0.5 * x[:, 3] ** 2 - x[:, 4]
     + 0.3 * x[:, 5] + rng.normal(0.0, 0.1, size=n))

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "regression.csv")
with open(path, "w") as f:
    f.write(",".join(["x%d" % i for i in range(features)] + ["y"]) + "\n")
    for row, target in zip(x, y):
        f.write(",".join("%.5f" % v for v in row) + ",%.5f\n" % target)
