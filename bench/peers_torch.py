"""Trains one of the bench models in PyTorch (eager, or with --compile: torch.compile of
the model; the loss and Adam stay eager) on Fashion-MNIST and writes the result JSON.
The models are those of examples/*.nn with PyTorch's default initializers, which nnc's
stdlib layers copy."""

import atexit
import os
import shutil
import sys
import tempfile

from common import TrainLoop, load_split, main_guard, parse_args, to_float, write_result

args = parse_args("PyTorch peer", ("--compile", "wrap the model in torch.compile"))
# A fresh compiler cache, so that compile_s is a cold compile every run.
if "TORCHINDUCTOR_CACHE_DIR" not in os.environ:
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="bench-inductor-")
    atexit.register(shutil.rmtree, os.environ["TORCHINDUCTOR_CACHE_DIR"], ignore_errors=True)

import torch  # noqa: E402
from torch_models import build  # noqa: E402  (examples/*.nn as PyTorch models)
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(args.threads)
torch.set_num_interop_threads(args.threads)


def evaluate(model, x, y, batch=1000):
    model.eval()
    loss = correct = 0.0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            logits = model(torch.from_numpy(to_float(x[i:i + batch])))
            target = torch.from_numpy(y[i:i + batch])
            loss += F.cross_entropy(logits, target, reduction="sum").item()
            correct += (logits.argmax(1) == target).sum().item()
    return loss / len(x), correct / len(x)


def main():
    x_train, y_train = load_split(args.data, True)
    x_test, y_test = load_split(args.data, False)
    torch.manual_seed(args.seed)
    model = build(args.model)
    forward = torch.compile(model) if args.compile else model
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    model.train()

    def step(x, y):
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(forward(x), y)
        loss.backward()
        opt.step()
        return loss.detach()

    loop = TrainLoop(args, x_train, y_train)
    loop.run(step, lambda x, y: (torch.from_numpy(to_float(x)), torch.from_numpy(y)))
    # Evaluated eagerly: a compiled model would compile again for eval mode.
    test_loss, test_acc = evaluate(model, x_test, y_test)
    write_result(args.result, loop.result(test_loss, test_acc, version=torch.__version__,
                                          threads=torch.get_num_threads()))


main_guard(args, main)
sys.stdout.flush()
