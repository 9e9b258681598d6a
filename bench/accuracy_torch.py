"""Trains a PyTorch twin of an examples/*.nn classifier with a full training recipe and
reports the test accuracy after every epoch. Used by accuracy.py (the nnc-vs-PyTorch
accuracy table) and, on its own, for recipe experiments:

    bench/.venv/bin/python bench/accuracy_torch.py mlp --epochs 5 --opt adamw --lr 2e-3 \
        --wd 0.05 --schedule cosine --warmup 0.5 --label-smoothing 0.1 --seed 42

Every element of a recipe has the semantics nnc implements (see recipe_help()):
  * data: Fashion-MNIST IDX files, pixels / 255, the training split reshuffled each epoch
    (common.epoch_order), the last short batch kept (ceil(60000 / batch) steps per epoch);
  * schedule: a LambdaLR stepped after every optimizer step, factor(t) for the 1-based step t;
  * clip: torch.nn.utils.clip_grad_norm_(params, clip) (global L2 norm) before the step;
  * label smoothing: F.cross_entropy(logits, y, label_smoothing=ls);
  * augmentation (optional): per training sample, a random crop of the image zero-padded by
    `pad` pixels on each side (offsets uniform in 0..2*pad), then a horizontal flip with
    probability 1/2."""

import argparse
import json
import math
import os
import sys
import time

import numpy as np

from common import epoch_order, load_split

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from torch_models import MODELS, build  # noqa: E402

DEFAULTS = dict(epochs=5, batch=64, seed=42, opt="adam", lr=1e-3, wd=None, momentum=0.0,
                nesterov=False, beta1=0.9, beta2=0.999, eps=1e-8, schedule="none", warmup=0.0,
                final=0.0, every=0.0, gamma=0.1, clip=0.0, label_smoothing=0.0, dropout=0.0,
                aug_pad=0, aug_flip=False, model_opts=None)


def lr_factor(recipe, steps_per_epoch):
    """factor(t) for the 1-based step t, as nnc's schedules define it."""
    s = recipe["schedule"]
    S, E = steps_per_epoch, recipe["epochs"]
    T = S * E
    W = recipe["warmup"] * S
    final = recipe["final"]

    def f(t):
        if s == "none":
            return 1.0
        if W > 0 and t <= W:
            return t / W
        if s == "warmup":
            return 1.0
        if s == "cosine":
            return final + (1 - final) * 0.5 * (1 + math.cos(math.pi * (t - 1 - W) / (T - W)))
        if s == "step_decay":
            return recipe["gamma"] ** math.floor((t - 1) / (recipe["every"] * S))
        raise ValueError(f"unknown schedule {s}")
    return f


def make_optimizer(recipe, params):
    o = recipe["opt"]
    wd = recipe["wd"]
    betas = (recipe["beta1"], recipe["beta2"])
    if o == "adam":
        return torch.optim.Adam(params, lr=recipe["lr"], betas=betas, eps=recipe["eps"],
                                weight_decay=wd or 0.0)
    if o == "adamw":  # torch's and nnc's AdamW default weight decay: 1e-2
        return torch.optim.AdamW(params, lr=recipe["lr"], betas=betas, eps=recipe["eps"],
                                 weight_decay=1e-2 if wd is None else wd)
    if o == "sgd":
        return torch.optim.SGD(params, lr=recipe["lr"], momentum=recipe["momentum"],
                               nesterov=recipe["nesterov"], weight_decay=wd or 0.0)
    raise ValueError(f"unknown optimizer {o}")


def augment(x, pad, flip, gen):
    """x: f32[B, 1, 28, 28]. Per sample: a random 28x28 crop of the image zero-padded by
    `pad` (offsets dy, dx uniform in 0..2*pad), then a horizontal flip with p = 1/2."""
    b, _, h, w = x.shape
    if pad:
        xp = F.pad(x, (pad, pad, pad, pad))
        dy = torch.randint(0, 2 * pad + 1, (b,), generator=gen)
        dx = torch.randint(0, 2 * pad + 1, (b,), generator=gen)
        rows = (dy[:, None] + torch.arange(h))[:, :, None]  # [B, h, 1]
        cols = (dx[:, None] + torch.arange(w))[:, None, :]  # [B, 1, w]
        x = xp[torch.arange(b)[:, None, None], 0, rows, cols][:, None]
    if flip:
        m = torch.rand(b, generator=gen) < 0.5
        x = torch.where(m[:, None, None, None], x.flip(-1), x)
    return x


def evaluate(model, x, y, batch=1000):
    model.eval()
    correct = loss = 0.0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            logits = model(x[i:i + batch])
            loss += F.cross_entropy(logits, y[i:i + batch], reduction="sum").item()
            correct += (logits.argmax(1) == y[i:i + batch]).sum().item()
    model.train()
    return correct / len(x), loss / len(x)


_DATA = {}


def data(path):
    if path not in _DATA:
        xs, ys = load_split(path, True)
        xt, yt = load_split(path, False)
        f = lambda a: torch.from_numpy(a.astype(np.float32) / np.float32(255.0))  # noqa: E731
        _DATA[path] = (f(xs), torch.from_numpy(ys), f(xt), torch.from_numpy(yt))
    return _DATA[path]


def train(model_name, recipe, data_dir="/usr/share/datasets/fashion-mnist", threads=2,
          log=print, max_steps=0):
    """Trains; returns {"epochs": [{"epoch", "test_accuracy", "test_loss", "train_loss",
    "seconds"}...], "test_accuracy": last}."""
    r = dict(DEFAULTS, **{k: v for k, v in recipe.items() if v is not None})
    torch.set_num_threads(threads)
    xs, ys, xt, yt = data(data_dir)
    torch.manual_seed(r["seed"])
    model = build(model_name, dropout=r["dropout"], **(r["model_opts"] or {}))
    opt = make_optimizer(r, model.parameters())
    n, bs = len(xs), r["batch"]
    S = math.ceil(n / bs)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: lr_factor(r, S)(k + 1))
    gen = torch.Generator().manual_seed(r["seed"] + 1)
    params = [p for p in model.parameters()]
    out = []
    step = 0
    model.train()
    for epoch in range(r["epochs"]):
        t0 = time.time()
        order = torch.from_numpy(epoch_order(n, r["seed"], epoch))
        loss_sum = 0.0
        for b in range(S):
            idx = order[b * bs:(b + 1) * bs]
            x, y = xs[idx], ys[idx]
            if r["aug_pad"] or r["aug_flip"]:
                x = augment(x, r["aug_pad"], r["aug_flip"], gen)
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y, label_smoothing=r["label_smoothing"])
            loss.backward()
            if r["clip"]:
                torch.nn.utils.clip_grad_norm_(params, r["clip"])
            opt.step()
            sched.step()
            loss_sum += loss.item() * len(idx)
            step += 1
            if max_steps and step >= max_steps:
                break
        acc, tl = evaluate(model, xt, yt)
        rec = {"epoch": epoch + 1, "test_accuracy": acc, "test_loss": tl,
               "train_loss": loss_sum / n, "seconds": round(time.time() - t0, 1)}
        out.append(rec)
        log(f"  epoch {epoch + 1}: test_accuracy {acc:.4f} test_loss {tl:.4f} "
            f"train_loss {rec['train_loss']:.4f} ({rec['seconds']} s)")
        if max_steps and step >= max_steps:
            break
    return {"epochs": out, "test_accuracy": out[-1]["test_accuracy"], "recipe": r,
            "torch": torch.__version__}


def recipe_args(p):
    p.add_argument("--epochs", type=int)
    p.add_argument("--batch", type=int)
    p.add_argument("--seed", type=int)
    p.add_argument("--opt", choices=("adam", "adamw", "sgd"))
    p.add_argument("--lr", type=float)
    p.add_argument("--wd", type=float, help="weight decay (AdamW default 1e-2, else 0)")
    p.add_argument("--momentum", type=float)
    p.add_argument("--nesterov", action="store_true", default=None)
    p.add_argument("--schedule", choices=("none", "cosine", "step_decay", "warmup"))
    p.add_argument("--warmup", type=float, help="warmup epochs (may be fractional)")
    p.add_argument("--final", type=float, help="cosine: final factor (default 0)")
    p.add_argument("--every", type=float, help="step_decay: epochs between decays")
    p.add_argument("--gamma", type=float, help="step_decay: factor per decay")
    p.add_argument("--clip", type=float, help="clip_grad_norm_ max norm (0: none)")
    p.add_argument("--label-smoothing", type=float)
    p.add_argument("--dropout", type=float)
    p.add_argument("--aug-pad", type=int, help="random crop with this zero padding")
    p.add_argument("--aug-flip", action="store_true", default=None)
    p.add_argument("--model-opts", type=json.loads, help='JSON, e.g. {"dim": 96}')


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model", choices=MODELS)
    recipe_args(p)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--max-steps", type=int, default=0)
    p.add_argument("--json", help="append the result as one JSON line to this file")
    p.add_argument("--tag", default="")
    a = p.parse_args()
    keys = set(DEFAULTS)
    recipe = {k: v for k, v in vars(a).items() if k in keys and v is not None}
    print(a.model, json.dumps(recipe), flush=True)
    t0 = time.time()
    res = train(a.model, recipe, a.data, a.threads, log=lambda s: print(s, flush=True),
                max_steps=a.max_steps)
    res.update(model=a.model, tag=a.tag, wall_s=round(time.time() - t0, 1),
               load=os.getloadavg()[0])
    print(f"{a.model} final test_accuracy {res['test_accuracy']:.4f} "
          f"in {res['wall_s']} s", flush=True)
    if a.json:
        with open(a.json, "a") as f:
            f.write(json.dumps(res) + "\n")


if __name__ == "__main__":
    sys.exit(main())
