"""What the peers (peers_torch.py, peers_tf.py) share: the command line, the Fashion-MNIST
IDX reader, the shuffled batches, the timed training loop and the result file.

A peer is run as a fresh process by bench.py:
    python peers_torch.py --model mlp [--compile] --steps 300 --result r.json ...
and writes one JSON object to --result (see TrainLoop.result)."""

import argparse
import gzip
import json
import math
import os
import statistics
import sys
import time
import traceback

import numpy as np

MODELS = ("mlp", "lenet", "lstm", "cnn")


def parse_args(description, extra_flag=None):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--model", choices=MODELS, required=True)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--steps", type=int, default=0, help="stop after N steps (0: all epochs)")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--result", required=True, help="where to write the JSON result")
    if extra_flag:
        p.add_argument(extra_flag[0], action="store_true", help=extra_flag[1])
    return p.parse_args()


def read_idx(path):
    """An IDX file (gzipped or not) as a NumPy array of its dtype (uint8 here)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * rank).reshape(dims)


def idx_path(data_dir, name):
    plain = os.path.join(data_dir, name)
    return plain if os.path.exists(plain) else plain + ".gz"


def load_split(data_dir, train):
    """Images as u8[N, 1, 28, 28] and labels as i64[N]. Like nnc, the peers keep the bytes
    and scale each batch to [0, 1] as they copy it (to_float)."""
    prefix = "train" if train else "t10k"
    images = read_idx(idx_path(data_dir, prefix + "-images-idx3-ubyte"))
    labels = read_idx(idx_path(data_dir, prefix + "-labels-idx1-ubyte"))
    return images.reshape(-1, 1, *images.shape[1:]), labels.astype(np.int64)


def to_float(images):
    """u8 images -> f32 in [0, 1], as nnc computes them (p / 255)."""
    return images.astype(np.float32) / np.float32(255.0)


def epoch_order(count, seed, epoch):
    return np.random.default_rng([seed, epoch]).permutation(count)


def write_result(path, result):
    with open(path, "w") as f:
        json.dump(result, f, indent=1)


class TrainLoop:
    """Runs `step(x, y) -> loss` over shuffled batches for the given epochs or steps, timing
    each step (the batch gather and conversion included, as nnc's samples/s includes its
    batch copy; the evaluation excluded).

    The first step at each batch size compiles in torch.compile and XLA (and traces in
    tf.function), so those are the warm-up steps: samples/s counts the other steps, and
    compile_s is the warm-up steps' time beyond what a median step takes."""

    def __init__(self, args, x_train, y_train):
        self.args, self.x, self.y = args, x_train, y_train

    def run(self, step, to_batch):
        a, n = self.args, len(self.x)
        steps_per_epoch = math.ceil(n / a.batch)
        budget = a.steps or a.epochs * steps_per_epoch
        times, warm, samples = [], [], []
        seen_sizes = set()
        loss_sum = 0.0
        self.first_step_wall = None
        done = 0
        for epoch in range(a.epochs):
            order = epoch_order(n, a.seed, epoch)
            for b in range(steps_per_epoch):
                if done == budget:
                    break
                idx = order[b * a.batch:(b + 1) * a.batch]
                t0 = time.perf_counter()
                loss = float(step(*to_batch(self.x[idx], self.y[idx])))
                dt = time.perf_counter() - t0
                if self.first_step_wall is None:
                    self.first_step_wall = time.time()
                if not math.isfinite(loss):
                    raise RuntimeError(f"the loss is {loss} at step {done + 1}")
                times.append(dt)
                samples.append(len(idx))
                warm.append(len(idx) not in seen_sizes)
                seen_sizes.add(len(idx))
                loss_sum += loss * len(idx)
                done += 1
        steady = [t for t, w in zip(times, warm) if not w] or times
        steady_samples = sum(s for s, w in zip(samples, warm) if not w) or sum(samples)
        median = statistics.median(steady)
        self.stats = {
            "steps": done,
            "samples_per_s": steady_samples / sum(steady),
            "compile_s": max(0.0, sum(t - median for t, w in zip(times, warm) if w)),
            "first_step_s_in_process": times[0],
            "median_step_s": median,
            "train_loss": loss_sum / sum(samples),
        }

    def result(self, test_loss, test_accuracy, **extra):
        return dict(self.stats, first_step_wall=self.first_step_wall, test_loss=test_loss,
                    test_accuracy=test_accuracy, **extra)


def main_guard(args, body):
    """Runs body(); on an exception writes {"failed": reason} and exits 1."""
    try:
        body()
    except BaseException as e:  # noqa: BLE001 - the reason goes into the table
        traceback.print_exc()
        reason = f"{type(e).__name__}: {e}".strip().splitlines()[0][:300]
        write_result(args.result, {"failed": reason})
        sys.exit(1)
