"""Checks a CSV regression run against NumPy.

usage: check_csv_regression.py split CSV LABEL TEST_X.npy
       check_csv_regression.py check CSV LABEL METRICS PRED.npy

The test split is the last round(0.2 N) rows (csv(..., test = 0.2)).
`split` writes their features for `prog predict`; `check` prints the mse of
predicting the training mean and of a least-squares fit on the training
rows, checks that the run's final test_loss is below both, and that it is
the mse of the predictions on the test rows (so the program read the file
and split it as NumPy does).
"""
import json
import sys

import numpy as np


def load(path, label):
    with open(path) as f:
        names = [n.strip() for n in f.readline().split(",")]
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    col = names.index(label)
    x = np.delete(data, col, axis=1)
    y = data[:, col]
    held = int(round(0.2 * len(y)))
    n = len(y) - held
    return x[:n], y[:n], x[n:], y[n:]


def main(args):
    xs, ys, xt, yt = load(args[1], args[2])
    if args[0] == "split":
        np.save(args[3], xt.astype(np.float32))
        return 0
    with open(args[3]) as f:
        record = [json.loads(line) for line in f if line.strip()][-1]
    pred = np.load(args[4])[:, 0].astype(np.float64)
    mean = np.mean((yt - ys.mean()) ** 2)
    a = np.c_[xs, np.ones(len(xs))]
    w = np.linalg.lstsq(a, ys, rcond=None)[0]
    lstsq = np.mean((np.c_[xt, np.ones(len(xt))] @ w - yt) ** 2)
    loss = record["test_loss"]
    direct = np.mean((pred - yt) ** 2)
    print("test rows %d, mean baseline %.4f, least squares %.4f, test_loss "
          "%.4f" % (len(yt), mean, lstsq, loss))
    ok = loss < lstsq < mean
    print("below both baselines" if ok else "FAILED: not below the baselines")
    same = abs(direct - loss) <= 1e-4 * max(1.0, loss)
    print("predictions give the test_loss" if same else
          "FAILED: predictions give mse %.6f" % direct)
    return 0 if ok and same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
