"""Checks learning-rate schedules and gradient clipping (Inputs/schedule.nn)
against formulas computed here, independently of the runtime.

usage: check_schedule.py PROG_COSINE PROG_STEPS WORKDIR

Fashion-MNIST's 60000 training images in batches of 6000 give 10 steps per
epoch, 3 epochs. Each step's gradient of the bias is 0.1 in every entry
(clipped to a global norm of 0.1 in the second program), so after training
b = -g * sum(lr_t). Also checks the "lr" logged per epoch (the lr of the
epoch's last step) and that a run stopped after 13 steps and resumed ends
with the same bias. Exits 1 on a mismatch.
"""
import json
import math
import os
import subprocess
import sys

import numpy as np
from safetensors_io import read_safetensors

S, E, LR = 10, 3, 0.5


def cosine(t, warmup, final):
    """PyTorch's CosineAnnealingLR (T_max = the steps after warm-up, eta_min
    = final * lr) after a linear warm-up of warmup * S steps."""
    w = warmup * S
    if t <= w:
        return t / w
    i, span = t - 1 - w, S * E - w
    return final + (1 - final) * (1 + math.cos(math.pi * i / span)) / 2


def step_decay(t, every, gamma):
    """PyTorch's StepLR(step_size = every) stepped once per epoch."""
    epoch = (t - 1) // S
    return gamma ** (epoch // every)


def train(prog, work, tag, extra=()):
    ckpt = os.path.join(work, tag + ".safetensors")
    log = os.path.join(work, "log-" + tag)
    subprocess.run([prog, "train", "--save", ckpt, "--log", log, *extra],
                   check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(log, "metrics.jsonl")) as f:
        lrs = [json.loads(line)["lr"] for line in f]
    return read_safetensors(ckpt)["b"], lrs


def check(name, prog, work, factor, grad):
    lrs = [LR * factor(t) for t in range(1, S * E + 1)]
    b, logged = train(prog, work, name)
    expected = np.full(10, -grad * sum(lrs))
    # f32: the gradient is a mean over 60000 entries.
    ok = np.allclose(b, expected, rtol=1e-4, atol=0)
    ok &= np.allclose(logged, [lrs[S * e - 1] for e in range(1, E + 1)],
                      rtol=1e-6)
    # Resumed after 13 steps: the schedule follows the step counter.
    half = os.path.join(work, name + "-half.safetensors")
    subprocess.run([prog, "train", "--steps", "13", "--save", half],
                   check=True, stdout=subprocess.DEVNULL)
    resumed, _ = train(prog, work, name + "-resumed", ["--load", half])
    ok &= np.array_equal(resumed, b)
    print(f"{name}: b {b[0]:.6f}, expected {expected[0]:.6f}, logged lr "
          f"{logged}, resumed {resumed[0]:.6f}: {'ok' if ok else 'MISMATCH'}")
    return ok


def main(cosine_prog, steps_prog, work):
    ok = check("cosine", cosine_prog, work,
               lambda t: cosine(t, warmup=0.5, final=0.1), 0.1)
    # Ten entries of 0.1: global norm sqrt(0.1); clip_norm 0.1 scales them
    # by 0.1 / (norm + 1e-6), as torch.nn.utils.clip_grad_norm_.
    clipped = 0.1 * 0.1 / (math.sqrt(10 * 0.1 ** 2) + 1e-6)
    ok &= check("step_decay", steps_prog, work,
                lambda t: step_decay(t, every=1, gamma=0.5), clipped)
    if not ok:
        sys.exit(1)
    print("schedules and clipping match")


if __name__ == "__main__":
    main(*sys.argv[1:])
