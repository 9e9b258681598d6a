"""bench/accuracy: test accuracy of each examples/*.nn classifier trained by nnc, next to a
PyTorch twin trained with the same architecture, initializer distributions, optimizer,
learning-rate schedule, gradient clipping, label smoothing, batch size, epochs and seed.

The recipe is read from the example's `train` block (optimizer, batch, epochs, seed,
schedule, clip_norm, cross_entropy's label_smoothing, augment(data, crop, flip)
settings), so the twin follows the example as it changes; the architecture is the twin in
torch_models.py (a Dropout found in an mlp/lenet/lstm/gru example becomes the twin's
`dropout` option). nnc passes when its accuracy is at least PyTorch's minus 0.5 percentage
points; each example also has the accuracy it is expected to reach (TARGETS).

    bench/accuracy                       # every example with a twin, each at its own epochs
    bench/accuracy --only mlp,lenet      # some of them
    bench/accuracy --quick               # mlp and lenet, 1 epoch each
    bench/accuracy --epochs 2 --no-torch # nnc only

Writes OUT/accuracy.json and OUT/accuracy.md (OUT: bench/results unless --out)."""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

# example -> (file, test accuracy it must reach at its own epochs on this machine's data)
EXAMPLES = {
    "mlp": ("examples/mlp.nn", 0.885),
    "lenet": ("examples/lenet.nn", 0.895),
    "cnn": ("examples/cnn.nn", 0.915),
    "lstm": ("examples/lstm.nn", 0.87),
    "gru": ("examples/gru.nn", 0.87),
    "transformer": ("examples/transformer.nn", None),
    "vit": ("examples/vit.nn", 0.85),
}
TOLERANCE_PP = 0.5

# Positional parameter order of the optimizers (stdlib/optim.nn) and schedules.
OPT_PARAMS = {
    "Adam": ("lr", "beta1", "beta2", "eps", "weight_decay"),
    "AdamW": ("lr", "beta1", "beta2", "eps", "weight_decay"),
    "SGD": ("lr", "momentum", "dampening", "nesterov", "weight_decay"),
}
SCHEDULE_PARAMS = {
    "cosine": ("warmup", "final"),
    "step_decay": ("every", "gamma", "warmup"),
    "warmup": ("epochs",),
}


# ----- reading an example's train block ---------------------------------------------------

def strip_comments(text):
    return re.sub(r"//[^\n]*", "", text)


def split_top(s, sep=","):
    """s split at `sep` outside brackets."""
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return [p.strip() for p in parts]


def literal(v):
    v = v.strip()
    if v in ("true", "false"):
        return v == "true"
    try:
        return int(v)
    except ValueError:
        pass
    try:
        return float(v)
    except ValueError:
        return v


def parse_call(expr):
    """'Name(a, k = v)' -> (Name, [positional], {keyword}); None when expr is no call."""
    m = re.fullmatch(r"\s*([A-Za-z_]\w*)\s*\((.*)\)\s*", expr, re.S)
    if not m:
        return None
    pos, kw = [], {}
    for arg in split_top(m.group(2)):
        k = re.fullmatch(r"([A-Za-z_]\w*)\s*=\s*(.+)", arg, re.S)
        if k and not arg.startswith("="):
            kw[k.group(1)] = literal(k.group(2))
        else:
            pos.append(literal(arg))
    return m.group(1), pos, kw


def named(name, pos, kw, order):
    out = dict(zip(order, pos))
    out.update(kw)
    return out


def train_block(text):
    """The fields of the first `train NAME { ... }` block: {key: source text}."""
    text = strip_comments(text)
    m = re.search(r"\btrain\s+\w+\s*\{", text)
    if not m:
        raise ValueError("no train block")
    depth, i = 1, m.end()
    while depth:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    body = text[m.end():i - 1]
    fields, cur, depth = {}, "", 0
    for line in body.splitlines():
        cur += " " + line.strip()
        depth = sum(cur.count(c) for c in "([{") - sum(cur.count(c) for c in ")]}")
        if depth == 0 and cur.strip():
            k = re.match(r"\s*([A-Za-z_]\w*)\s*(\([^)]*\))?\s*=\s*(.*)", cur, re.S)
            if k:
                fields[k.group(1)] = k.group(3).strip()
            cur = ""
    return fields


def recipe_of(path):
    """The example's training recipe in accuracy_torch's terms, and warnings about what the
    twin cannot follow."""
    with open(path) as f:
        source = f.read()
    fields = train_block(source)
    warn = []
    r = {}
    for k in ("batch", "epochs", "seed"):
        if k in fields:
            r[k] = int(literal(fields[k]))
    opt = parse_call(fields.get("optimizer", ""))
    if opt and opt[0] in OPT_PARAMS:
        o = named(*opt, OPT_PARAMS[opt[0]])
        r["opt"] = opt[0].lower()
        for k, rk in (("lr", "lr"), ("beta1", "beta1"), ("beta2", "beta2"), ("eps", "eps"),
                      ("weight_decay", "wd"), ("momentum", "momentum"),
                      ("nesterov", "nesterov")):
            if k in o:
                r[rk] = o[k]
        if o.get("dampening", 0):
            warn.append("SGD dampening is not followed by the twin")
    elif opt:
        warn.append(f"optimizer {opt[0]} has no twin; the twin uses Adam")
    if "schedule" in fields:
        s = parse_call(fields["schedule"])
        if not s or s[0] not in SCHEDULE_PARAMS:
            warn.append(f"unknown schedule {fields['schedule']}")
        else:
            o = named(*s, SCHEDULE_PARAMS[s[0]])
            r["schedule"] = s[0]
            if s[0] == "warmup":
                r["warmup"] = float(o.get("epochs", 0))
            else:
                for k in ("warmup", "final", "every", "gamma"):
                    if k in o:
                        r[k] = float(o[k])
    if "clip_norm" in fields:
        r["clip"] = float(literal(fields["clip_norm"]))
    ls = re.search(r"label_smoothing\s*=\s*([0-9.eE+-]+)", fields.get("loss", ""))
    if ls:
        r["label_smoothing"] = float(ls.group(1))
    data = parse_call(fields.get("data", ""))
    if data:
        for k, v in data[2].items():
            if k in ("pad", "crop", "crop_pad", "random_crop"):
                r["aug_pad"] = int(v)
            elif k in ("flip", "hflip", "horizontal_flip"):
                r["aug_flip"] = str(v).strip().lower() == "true"
            else:
                warn.append(f"data setting {k} = {v} is not followed by the twin")
    # Dropout in the model (outside the examples that have it built into the twin).
    ps = [float(p) for p in re.findall(r"Dropout\(\s*(?:p\s*=\s*)?([0-9.]+)\s*\)",
                                       strip_comments(source))]
    ps += [float(p) for p in re.findall(r"\bdropout\(\s*[^,()]+,\s*(?:p\s*=\s*)?([0-9.]+)\s*\)",
                                        strip_comments(source))]
    return r, ps, warn, source


def model_opts(name, source):
    """dim/heads/depth/patch defaults and the MLP ratio of the example's transformer model."""
    opts = {}
    if name in ("transformer", "vit"):
        for k in ("dim", "heads", "depth", "patch"):
            m = re.search(rf"\b{k}\s*:\s*int\s*=\s*(\d+)", strip_comments(source))
            if m:
                opts[k] = int(m.group(1))
        m = re.search(r"TransformerBlock\(\s*dim\s*,\s*heads\s*,\s*(\d+)\s*\*\s*dim",
                      strip_comments(source))
        if m:
            opts["mlp_ratio"] = int(m.group(1))
    return opts


# ----- nnc ----------------------------------------------------------------------------------

def thread_env(threads):
    env = os.environ.copy()
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NNRT_THREADS"):
        env[var] = str(threads)
    return env


LINE = re.compile(r"epoch (\d+)/(\d+).*?test_loss ([0-9.]+)\s+test_accuracy ([0-9.]+)")


def run_nnc(nnc, name, path, args, work, log):
    prog = os.path.join(work, name)
    t0 = time.time()
    b = subprocess.run([nnc, "build", os.path.join(ROOT, path), "-o", prog],
                       capture_output=True, text=True)
    build_s = time.time() - t0
    if b.returncode:
        return {"failed": "nnc build: " + (b.stderr or b.stdout).strip()[-300:]}
    cmd = [prog, "train", "--data", args.data]
    if args.epochs:
        cmd += ["--epochs", str(args.epochs)]
    if args.seed is not None:
        cmd += ["--seed", str(args.seed)]
    log_path = os.path.join(work, name + ".log")
    epochs = []
    t0 = time.time()
    with open(log_path, "w") as f:
        p = subprocess.Popen(cmd, env=thread_env(args.threads), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, cwd=work)
        for line in p.stdout:
            f.write(line)
            m = LINE.search(line)
            if m:
                epochs.append({"epoch": int(m.group(1)), "test_loss": float(m.group(3)),
                               "test_accuracy": float(m.group(4))})
                log(f"  nnc   {line.strip()}")
        rc = p.wait()
    if rc or not epochs:
        with open(log_path) as f:
            tail = f.read().strip().splitlines()[-1:] or ["no output"]
        return {"failed": f"train (rc {rc}): {tail[0][:300]}"}
    return {"epochs": epochs, "test_accuracy": epochs[-1]["test_accuracy"],
            "build_s": round(build_s, 1), "train_s": round(time.time() - t0, 1)}


# ----- the table ----------------------------------------------------------------------------

def pct(x):
    return "-" if x is None else f"{100 * x:.2f}%"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", help="comma-separated examples (default: all that exist): "
                   + ",".join(EXAMPLES))
    p.add_argument("--epochs", type=int, help="override the examples' epochs (both sides)")
    p.add_argument("--seed", type=int, help="override the examples' seed (both sides)")
    p.add_argument("--quick", action="store_true", help="mlp and lenet, 1 epoch each")
    p.add_argument("--no-torch", action="store_true", help="nnc only")
    p.add_argument("--no-nnc", action="store_true", help="PyTorch only")
    p.add_argument("--nnc", help="the nnc binary (default: $NNC_BUILD_DIR/bin/nnc or "
                   "build/bin/nnc)")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", default=os.path.join(HERE, "results"))
    args = p.parse_args()
    if args.quick:
        args.only = args.only or "mlp,lenet"
        args.epochs = args.epochs or 1
    names = args.only.split(",") if args.only else \
        [n for n, (f, _) in EXAMPLES.items() if os.path.exists(os.path.join(ROOT, f))]
    for n in names:
        if n not in EXAMPLES:
            p.error(f"unknown example {n} (known: {', '.join(EXAMPLES)})")

    def log(s):
        print(s, flush=True)

    torch_train = None
    torch_note = None
    if not args.no_torch:
        try:
            import accuracy_torch
            torch_train = accuracy_torch.train
        except ImportError as e:
            torch_note = (f"PyTorch is not available ({e}); the torch column is skipped. "
                          "bench/setup installs it into bench/.venv.")
            log(torch_note)
    nnc = None
    if not args.no_nnc:
        nnc = args.nnc or os.path.join(os.environ.get("NNC_BUILD_DIR", os.path.join(ROOT, "build")),
                                       "bin", "nnc")
        if not os.access(nnc, os.X_OK):
            log(f"no nnc at {nnc} (build it, or --nnc PATH); the nnc column is skipped")
            nnc = None
    work = os.path.join("/tmp", f"nnc-accuracy-{os.getpid()}")
    os.makedirs(work, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)

    rows = []
    for name in names:
        path, target = EXAMPLES[name]
        if not os.path.exists(os.path.join(ROOT, path)):
            log(f"{name}: {path} does not exist; skipped")
            continue
        recipe, dropouts, warn, source = recipe_of(os.path.join(ROOT, path))
        if args.epochs:
            recipe["epochs"] = args.epochs
        if args.seed is not None:
            recipe["seed"] = args.seed
        if name in ("mlp", "lenet", "lstm", "gru") and dropouts:
            if len(set(dropouts)) > 1:
                warn.append(f"several dropout rates {dropouts}; the twin uses {dropouts[0]}")
            recipe["dropout"] = dropouts[0]
            warn.append(f"the twin puts Dropout({dropouts[0]}) after each hidden activation "
                        "of the head (torch_models.build); check that the example does too")
        opts = model_opts(name, source)
        if opts:
            recipe["model_opts"] = opts
        log(f"== {name}: {json.dumps(recipe)}")
        for w in warn:
            log(f"  warning: {w}")
        row = {"example": name, "file": path, "recipe": recipe, "warnings": warn,
               "target": target, "epochs": recipe.get("epochs")}
        if nnc:
            row["nnc"] = run_nnc(nnc, name, path, args, work, log)
            if "failed" in row["nnc"]:
                log(f"  nnc failed: {row['nnc']['failed']}")
        if torch_train:
            t0 = time.time()
            try:
                res = torch_train(name, recipe, args.data, args.threads,
                                  log=lambda s: log("  torch" + s[1:]))
                res["train_s"] = round(time.time() - t0, 1)
                row["torch"] = res
            except Exception as e:  # noqa: BLE001 - reported in the table
                row["torch"] = {"failed": f"{type(e).__name__}: {e}"[:300]}
                log(f"  torch failed: {row['torch']['failed']}")
        a = row.get("nnc", {}).get("test_accuracy")
        b = row.get("torch", {}).get("test_accuracy")
        row["diff_pp"] = None if a is None or b is None else round(100 * (a - b), 2)
        row["within_tolerance"] = None if row["diff_pp"] is None else \
            row["diff_pp"] >= -TOLERANCE_PP
        row["meets_target"] = None if a is None or target is None or args.epochs else \
            a >= target
        rows.append(row)

    head = ("| example | epochs | nnc | PyTorch | nnc - PyTorch | within 0.5 pp or better "
            "| target | nnc meets target |")
    lines = [head, "| " + " | ".join(["---"] * 8) + " |"]
    for r in rows:
        def yn(v):
            return "-" if v is None else ("pass" if v else "FAIL")
        fail = r.get("nnc", {}).get("failed") or r.get("torch", {}).get("failed")
        lines.append("| " + " | ".join([
            r["example"], str(r["epochs"]), pct(r.get("nnc", {}).get("test_accuracy")),
            pct(r.get("torch", {}).get("test_accuracy")),
            "-" if r["diff_pp"] is None else f"{r['diff_pp']:+.2f} pp", yn(r["within_tolerance"]),
            pct(r["target"]), yn(r["meets_target"])]) + " |" + (f" {fail}" if fail else ""))
    table = "\n".join(lines)
    print("\n" + table)
    meta = {"when": time.strftime("%Y-%m-%d %H:%M:%S"), "threads": args.threads,
            "load_avg": os.getloadavg(), "nnc": nnc, "torch_note": torch_note,
            "tolerance_pp": TOLERANCE_PP}
    with open(os.path.join(args.out, "accuracy.json"), "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=1)
    with open(os.path.join(args.out, "accuracy.md"), "w") as f:
        f.write(f"# nnc vs PyTorch test accuracy ({meta['when']}, {args.threads} threads)\n\n"
                + table + "\n")
    print(f"\nwrote {args.out}/accuracy.json and accuracy.md")
    shutil.rmtree(work, ignore_errors=True)
    bad = [r for r in rows if r["within_tolerance"] is False or "failed" in r.get("nnc", {})]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
