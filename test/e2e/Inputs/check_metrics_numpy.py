"""Recomputes the metrics of Inputs/pixel_metrics.nn with NumPy from the raw
Fashion-MNIST test split, independently of nnc.

usage: check_metrics_numpy.py EVAL_OUTPUT

EVAL_OUTPUT is what `PROG eval` printed ("test_loss L  test_accuracy A
test_top_k_accuracy T"). The logits are the pixels of row 14, columns 9 to
18, in [0, 1]; accuracy takes the first largest logit (argmax), top-5
accuracy counts a row when fewer than 5 logits exceed the label's. Exits 1
when a printed value differs from NumPy's by more than 1e-4.
"""
import sys

import numpy as np
from check_train import read_idx


def main(path):
    with open(path) as f:
        words = f.read().split()
    printed = dict(zip(words[0::2], map(float, words[1::2])))
    x = read_idx("t10k-images-idx3-ubyte").astype(np.float32) / 255
    y = read_idx("t10k-labels-idx1-ubyte").astype(np.int64)
    logits = x[:, 0, 14, 9:19]
    target = logits[np.arange(len(y)), y]
    expected = {
        "test_accuracy": float((logits.argmax(axis=1) == y).mean()),
        "test_top_k_accuracy": float(
            ((logits > target[:, None]).sum(axis=1) < 5).mean()),
    }
    for key, ref in expected.items():
        print("%s %.4f (nnc) %.4f (NumPy)" % (key, printed[key], ref))
        if abs(printed[key] - ref) > 1e-4:
            print("differs")
            return 1
    print("metrics match NumPy")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
