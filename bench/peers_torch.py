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
from torch import nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(args.threads)
torch.set_num_interop_threads(args.threads)


class RowLSTM(nn.Module):
    """examples/lstm.nn: each image as 28 rows of 28 pixels; the last hidden state."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 128, batch_first=True)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        _, (h, _) = self.lstm(x.reshape(-1, 28, 28))
        return self.fc(h[-1])


def conv_block(cin, cout):
    """examples/cnn.nn's ConvBlock."""
    return [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
            nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
            nn.MaxPool2d(2), nn.Dropout(0.25)]


def build(name):
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128),
                             nn.ReLU(), nn.Linear(128, 10))
    if name == "lenet":
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                             nn.Linear(84, 10))
    if name == "lstm":
        return RowLSTM()
    if name == "cnn":
        return nn.Sequential(*conv_block(1, 32), *conv_block(32, 64), nn.Flatten(),
                             nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.5),
                             nn.Linear(128, 10))
    raise ValueError(name)


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
