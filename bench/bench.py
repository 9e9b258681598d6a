"""bench/run: nnc vs PyTorch (eager, torch.compile) vs TensorFlow (tf.function, XLA), side
by side on the same models, data and settings. See bench/README.md for what each number
means. Writes OUT/results.md, OUT/results.json, OUT/*.png and OUT/logs/."""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from importlib import metadata

import nnc_runner
from common import MODELS, idx_path
from proc import run_process

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SYSTEMS = ("nnc", "torch", "torch.compile", "tf", "tf-xla")
PEERS = {  # system -> (script, flags)
    "torch": ("peers_torch.py", []),
    "torch.compile": ("peers_torch.py", ["--compile"]),
    "tf": ("peers_tf.py", []),
    "tf-xla": ("peers_tf.py", ["--xla"]),
}
# The measured numbers: key, heading, unit format, whether higher is better.
METRICS = [
    ("samples_per_s", "training samples/s", "{:,.0f}", True),
    ("first_step_s", "time to the first finished step, s", "{:.2f}", False),
    ("peak_rss_mb", "peak RSS of the training process, MB", "{:,.0f}", False),
    ("install_mb", "installed size needed to run, MB", "{:,.1f}", False),
    ("compile_s", "compile time, s (nnc build; peers: warm-up step overhead)", "{:.2f}",
     False),
    ("test_accuracy", "test accuracy after the run", "{:.4f}", True),
]


def parse_args():
    p = argparse.ArgumentParser(prog="bench/run", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="300 steps of MLP and LeNet, 1 repeat (a few minutes)")
    p.add_argument("--models", help="comma-separated, from " + ",".join(MODELS))
    p.add_argument("--systems", default=",".join(SYSTEMS),
                   help="comma-separated, from " + ",".join(SYSTEMS))
    p.add_argument("--out", default=os.path.join(HERE, "results"))
    p.add_argument("--epochs", type=int, default=1, help="epochs per run (default 1)")
    p.add_argument("--steps", type=int, help="stop each run after N steps (quick: 300)")
    p.add_argument("--repeats", type=int, help="runs per model and system (3; quick: 1)")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--nnc", default=os.path.join(
        os.environ.get("NNC_BUILD_DIR", os.path.join(ROOT, "build")), "bin", "nnc"))
    p.add_argument("--timeout", type=int, help="seconds per run (default 3600; quick: 240)")
    a = p.parse_args()
    a.models = (a.models or ("mlp,lenet" if a.quick else ",".join(MODELS))).split(",")
    a.systems = a.systems.split(",")
    for m in a.models:
        if m not in MODELS:
            p.error(f"unknown model '{m}'")
    for s in a.systems:
        if s not in SYSTEMS:
            p.error(f"unknown system '{s}'")
    a.steps = a.steps if a.steps is not None else (300 if a.quick else 0)
    a.repeats = a.repeats or (1 if a.quick else 3)
    a.timeout = a.timeout or (240 if a.quick else 3600)
    a.nnc = os.path.abspath(a.nnc)
    a.out = os.path.abspath(a.out)
    return a


def thread_env(threads):
    env = os.environ.copy()
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NNRT_THREADS",
                "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        env[var] = str(threads)
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    env["PYTHONUNBUFFERED"] = "1"
    return env


# ----- Installed sizes ---------------------------------------------------------------------

def installed_closure(names):
    """The installed distributions that names need (their requirements, with extras and
    environment markers evaluated), name -> size in bytes."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    sizes, seen, stack = {}, set(), [(n, "") for n in names]
    while stack:
        name, extra = stack.pop()
        key = (canonicalize_name(name), extra)
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # not installed (torch's triton, left out by bench/setup)
        if key[0] not in sizes:
            total = 0
            for f in dist.files or []:
                path = f.locate()
                if os.path.isfile(path):
                    total += os.path.getsize(path)
            sizes[key[0]] = total
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker and not req.marker.evaluate({"extra": extra}):
                continue
            stack.append((req.name, ""))
            stack.extend((req.name, e) for e in req.extras)
    return sizes


def install_sizes(args):
    """MB needed to run each system, and notes on what the number covers."""
    sizes, notes = {}, {}
    for system, dists in (("torch", ["torch", "numpy"]), ("tf", ["tensorflow-cpu", "numpy"])):
        try:
            closure = installed_closure(dists)
        except Exception as e:  # noqa: BLE001
            notes[system] = f"unavailable: {e}"
            continue
        total = sum(closure.values()) / 2**20
        cuda = sum(v for k, v in closure.items() if k.startswith(("nvidia-", "cuda-"))) / 2**20
        sizes[system] = total
        notes[system] = (f"{len(closure)} distributions incl. numpy"
                         + (f"; {cuda:,.0f} MB of it CUDA libraries that PyPI's torch links "
                            "but CPU training never uses" if cuda else ""))
    sizes["torch.compile"], notes["torch.compile"] = sizes.get("torch"), \
        "as torch, plus a system C++ compiler (g++) for the generated code"
    sizes["tf-xla"], notes["tf-xla"] = sizes.get("tf"), "as tf"
    return sizes, notes


# ----- One run -----------------------------------------------------------------------------

def run_peer(system, model, rep, args, env):
    script, flags = PEERS[system]
    tag = f"{model}-{system}-r{rep}"
    result_path = os.path.join(args.out, "logs", tag + ".json")
    if os.path.exists(result_path):
        os.remove(result_path)
    cmd = [sys.executable, os.path.join(HERE, script), "--model", model, *flags,
           "--epochs", str(args.epochs), "--steps", str(args.steps), "--batch", str(args.batch),
           "--lr", str(args.lr), "--seed", str(args.seed), "--threads", str(args.threads),
           "--data", args.data, "--result", result_path]
    r = run_process(cmd, env, os.path.join(args.out, "logs", tag + ".log"), args.timeout)
    try:
        with open(result_path) as f:
            res = json.load(f)
    except (OSError, ValueError):
        res = {"failed": r["last_line"] or f"exit code {r['rc']}"}
    if "failed" not in res:
        res["first_step_s"] = res.pop("first_step_wall") - r["spawn_wall"]
        res["peak_rss_mb"] = r["peak_rss_kb"] / 1024
    res["wall_s"] = r["wall_s"]
    return res


def run_nnc(model, rep, args, env, state):
    """state caches the build per model: (program, compile seconds, failure)."""
    logs = os.path.join(args.out, "logs")
    if model not in state:
        program = os.path.join(args.out, "bin", model)
        os.makedirs(os.path.dirname(program), exist_ok=True)
        seconds, failed = nnc_runner.build(args.nnc, os.path.join(ROOT, "examples", model + ".nn"),
                                           program, os.path.join(logs, f"{model}-nnc-build.log"))
        state[model] = (program, seconds, failed)
    program, compile_s, failed = state[model]
    if failed:
        return {"failed": failed}
    first, failed = nnc_runner.first_step(program, state["tiny"], args, env,
                                          os.path.join(logs, f"{model}-nnc-r{rep}-first.log"))
    if failed:
        return {"failed": failed}
    res = nnc_runner.train(program, args, env, os.path.join(logs, f"{model}-nnc-r{rep}"),
                           os.path.join(logs, f"{model}-nnc-r{rep}.log"))
    if "failed" not in res:
        res.update(first_step_s=first, compile_s=compile_s,
                   install_mb=os.path.getsize(program) / 2**20)
    return res


# ----- Report ------------------------------------------------------------------------------

def summarize(runs, args, sizes):
    """model -> system -> {metric: median over the repeats} or {"failed": reason}."""
    summary = {}
    for model in args.models:
        for system in args.systems:
            rs = [r for r in runs if r["model"] == model and r["system"] == system]
            ok = [r for r in rs if "failed" not in r]
            if not ok:
                cell = {"failed": rs[0]["failed"] if rs else "not run"}
            else:
                cell = {k: statistics.median(r[k] for r in ok)
                        for k, *_ in METRICS if all(r.get(k) is not None for r in ok)}
                if system != "nnc" and sizes.get(system) is not None:
                    cell["install_mb"] = sizes[system]
                cell["runs"] = len(ok)
            summary.setdefault(model, {})[system] = cell
    return summary


def fmt_cell(cell, ref, key, fmt):
    if "failed" in cell:
        return "failed: " + cell["failed"].replace("|", "/")[:120]
    value = cell.get(key)
    if value is None:
        return "n/a"
    text = fmt.format(value)
    if ref is None or ref is cell or "failed" in ref or not ref.get(key):
        return text
    if key == "test_accuracy":
        return text + f" ({(value - ref[key]) * 100:+.1f} pt)"
    ratio = value / ref[key]
    return text + " (" + ("{:,.0f}" if ratio >= 100 else "{:.1f}" if ratio >= 10
                          else "{:.2f}").format(ratio) + "×)"


def markdown(summary, args, info, notes):
    systems = args.systems
    what = (f"{args.steps} steps" if args.steps else f"{args.epochs} epoch(s)") + \
        f" per run, batch {args.batch}, Adam lr {args.lr}, {args.threads} threads, " \
        f"median of {args.repeats} repeat(s)"
    lines = ["# nnc vs PyTorch vs TensorFlow", "",
             ("`bench/run --quick`: " if args.quick else "") + f"{what}. {info['cpu']}, {info['cores']} cores; load average "
             f"{info['load_before']} before, {info['load_after']} after.", "",
             "Cells: the value, then (in parentheses) its ratio to nnc's (for accuracy: the "
             "difference in percentage points).", ""]
    for key, heading, fmt, higher in METRICS:
        lines += [f"## {heading} ({'higher' if higher else 'lower'} is better)", "",
                  "| model | " + " | ".join(systems) + " |",
                  "|---|" + "---|" * len(systems)]
        for model, cells in summary.items():
            ref = cells.get("nnc")
            lines.append(f"| {model} | " + " | ".join(
                fmt_cell(cells[s], ref, key, fmt) for s in systems) + " |")
        lines.append("")
    lines += ["Installed size: nnc is the program's size (it needs only libc, libm, "
              "libstdc++ and libgcc_s); " + "; ".join(f"{s}: {n}" for s, n in notes.items()
                                                      if s in systems) + ".", ""]
    return "\n".join(lines)


def short(v):
    return "" if not v else f"{v:,.0f}" if v >= 100 else f"{v:.3g}"


def charts(summary, args):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is missing: no charts", file=sys.stderr)
        return []
    written = []
    models = list(summary)
    width = 0.8 / len(args.systems)
    for key, heading, _, higher in METRICS:
        fig, ax = plt.subplots(figsize=(1.9 * len(models) + 3, 4.2))
        for i, system in enumerate(args.systems):
            xs = [m + (i - (len(args.systems) - 1) / 2) * width for m in range(len(models))]
            vals = [summary[m][system].get(key) or 0 for m in models]
            bars = ax.bar(xs, vals, width, label=system)
            ax.bar_label(bars, [short(v) for v in vals], fontsize=6)
            for bar, m in zip(bars, models):
                if "failed" in summary[m][system]:
                    ax.annotate("failed", (bar.get_x() + width / 2, 0), rotation=90,
                                ha="center", va="bottom", fontsize=7, xycoords=("data", "axes fraction"))
        ax.set_xticks(range(len(models)), models)
        ax.set_title(f"{heading} ({'higher' if higher else 'lower'} is better)", fontsize=10)
        values = [c[key] for cells in summary.values() for c in cells.values() if c.get(key)]
        if values and max(values) / min(values) > 30:  # log scale only when it is needed
            ax.set_yscale("log")
        ax.legend(fontsize=8)
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        path = os.path.join(args.out, key + ".png")
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written


def describe(res):
    if "failed" in res:
        return "failed: " + res["failed"]
    return (f"{res['samples_per_s']:>8,.0f} samples/s  first step {res['first_step_s']:6.2f} s  "
            f"RSS {res['peak_rss_mb']:6,.0f} MB  compile {res['compile_s']:6.2f} s  "
            f"acc {res['test_accuracy']:.4f}")


def main():
    args = parse_args()
    if not os.path.exists(idx_path(args.data, "train-images-idx3-ubyte")):
        sys.exit(f"bench/run: no Fashion-MNIST IDX files in {args.data} (--data DIR)")
    os.makedirs(os.path.join(args.out, "logs"), exist_ok=True)
    env = thread_env(args.threads)
    start = time.time()
    info = {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
            "load_before": "%.2f" % os.getloadavg()[0], "python": platform.python_version()}
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next(line.split(":", 1)[1].strip() for line in f
                               if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    for dist in ("torch", "tensorflow-cpu", "keras"):
        try:
            info[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            info[dist] = None
    nnc_state = {}
    if "nnc" in args.systems:
        info["nnc"] = nnc_runner.version(args.nnc)
        nnc_state["tiny"] = nnc_runner.tiny_data_dir(args.data, os.path.join(args.out, "tiny-data"),
                                                     args.batch)
    sizes, notes = install_sizes(args)
    runs = []
    for model in args.models:
        for rep in range(1, args.repeats + 1):
            for system in args.systems:
                t0, load = time.time(), round(os.getloadavg()[0], 2)
                res = (run_nnc(model, rep, args, env, nnc_state) if system == "nnc"
                       else run_peer(system, model, rep, args, env))
                res.update(model=model, system=system, repeat=rep, load_before=load)
                runs.append(res)
                print(f"[{model} {rep}/{args.repeats}] {system:<13} {describe(res)}  "
                      f"({time.time() - t0:.0f} s, load {load})", flush=True)
    info["load_after"] = "%.2f" % os.getloadavg()[0]
    info["total_s"] = round(time.time() - start, 1)
    summary = summarize(runs, args, sizes)
    config = {k: getattr(args, k) for k in ("quick", "models", "systems", "epochs", "steps",
                                            "repeats", "batch", "lr", "seed", "threads", "data",
                                            "nnc")}
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"config": config, "machine": info, "install_notes": notes,
                   "summary": summary, "runs": runs}, f, indent=1)
    md = markdown(summary, args, info, notes)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(md)
    pngs = charts(summary, args)
    print("\n" + md)
    print(f"wrote {args.out}/results.md, results.json and {len(pngs)} charts "
          f"in {info['total_s']:.0f} s")


if __name__ == "__main__":
    main()
