"""The nnc side of the bench: building examples/MODEL.nn, the training run and the
time-to-first-step run, and reading the numbers the program logs to metrics.jsonl."""

import json
import os
import shutil
import subprocess

from common import idx_path, read_idx
from proc import run_process


def constant_rate_copy(source, program):
    """SOURCE without its `schedule = ...` line, beside PROGRAM: the examples decay their
    learning rate for accuracy, while the bench trains every system at a constant --lr."""
    with open(source) as f:
        lines = [line for line in f if not line.lstrip().startswith("schedule")]
    copy = program + ".nn"
    with open(copy, "w") as f:
        f.writelines(lines)
    return copy


def build(nnc, source, program, log_path):
    """Runs `nnc build SOURCE -o PROGRAM` (SOURCE at a constant learning rate); returns
    (wall seconds, failure reason or None)."""
    source = constant_rate_copy(source, program)
    r = run_process([nnc, "build", source, "-o", program], os.environ.copy(), log_path,
                    timeout=1800)
    if r["rc"] != 0:
        return r["wall_s"], "nnc build: " + r["last_line"]
    return r["wall_s"], None


def tiny_data_dir(data_dir, out_dir, batch):
    """A copy of the dataset whose test split is one batch (the training split is linked):
    `train --steps 1` then spends no time evaluating after its one step."""
    os.makedirs(out_dir, exist_ok=True)
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"):
        src = idx_path(data_dir, name)
        dst = os.path.join(out_dir, os.path.basename(src))
        if not os.path.lexists(dst):
            os.symlink(os.path.abspath(src), dst)
    for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        array = read_idx(idx_path(data_dir, name))[:batch]
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(bytes([0, 0, 8, array.ndim]))
            for d in array.shape:
                f.write(int(d).to_bytes(4, "big"))
            f.write(array.tobytes())
    return out_dir


def first_step(program, tiny_data, args, env, log_path):
    """Wall seconds of a fresh `PROGRAM train --steps 1` (it loads the data, then steps)."""
    r = run_process([program, "train", "--steps", "1", "--batch", str(args.batch),
                     "--lr", str(args.lr), "--seed", str(args.seed), "--data", tiny_data],
                    env, log_path, timeout=args.timeout)
    return (None, "train --steps 1: " + r["last_line"]) if r["rc"] else (r["wall_s"], None)


def train(program, args, env, log_dir, log_path):
    """The training run: samples/s over every step (from the per-epoch samples/s and step
    counts in metrics.jsonl), test accuracy after the last epoch, peak RSS."""
    shutil.rmtree(log_dir, ignore_errors=True)
    cmd = [program, "train", "--epochs", str(args.epochs), "--batch", str(args.batch),
           "--lr", str(args.lr), "--seed", str(args.seed), "--data", args.data,
           "--log", log_dir]
    if args.steps:
        cmd += ["--steps", str(args.steps)]
    r = run_process(cmd, env, log_path, timeout=args.timeout)
    if r["rc"] != 0:
        return {"failed": "train: " + r["last_line"]}
    with open(os.path.join(log_dir, "metrics.jsonl")) as f:
        records = [json.loads(line) for line in f if line.strip()]
    count = len(read_idx(idx_path(args.data, "train-labels-idx1-ubyte")))
    steps_per_epoch = -(-count // args.batch)
    samples = seconds = 0.0
    previous = 0
    for rec in records:
        n = (rec["step"] - previous) * args.batch
        if rec["step"] % steps_per_epoch == 0:  # a full epoch ends with a short batch
            n -= steps_per_epoch * args.batch - count
        samples += n
        seconds += n / rec["samples_per_s"]
        previous = rec["step"]
    last = records[-1]
    return {"samples_per_s": samples / seconds, "steps": last["step"],
            "test_accuracy": last.get("test_accuracy"), "test_loss": last.get("test_loss"),
            "train_loss": last.get("loss"), "peak_rss_mb": r["peak_rss_kb"] / 1024,
            "wall_s": r["wall_s"]}


def version(nnc):
    try:
        return subprocess.run([nnc, "--version"], capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except OSError as e:
        return f"unavailable: {e}"
