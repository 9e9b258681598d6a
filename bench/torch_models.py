"""PyTorch twins of the examples/*.nn classifiers, with PyTorch's default initializers (which
nnc's stdlib layers copy: Linear/Conv2d kaiming_uniform(a=sqrt(5)) and a uniform bias,
LSTM/GRU uniform(+-1/sqrt(hidden)), MultiheadAttention Xavier-uniform in-projection with zero
biases). Shared by peers_torch.py (speed bench) and accuracy_torch.py (accuracy twins).

Options (`dropout`, ...) let a twin follow a recipe that adds dropout to an example; with the
defaults every model is exactly the example as it stands."""

import torch
from torch import nn

MODELS = ("mlp", "lenet", "lstm", "gru", "cnn", "transformer", "vit")


class RowRNN(nn.Module):
    """examples/lstm.nn and gru.nn: each image as 28 rows of 28 pixels; the last hidden
    state (128) through a Dense layer. `dropout` (0: none) goes on the last hidden state."""

    def __init__(self, cell, hidden=128, dropout=0.0):
        super().__init__()
        self.rnn = cell(28, hidden, batch_first=True)
        self.drop = nn.Dropout(dropout) if dropout else nn.Identity()
        self.fc = nn.Linear(hidden, 10)

    def forward(self, x):
        _, h = self.rnn(x.reshape(-1, 28, 28))
        if isinstance(h, tuple):  # LSTM: (h, c)
            h = h[0]
        return self.fc(self.drop(h[-1]))


def conv_block(cin, cout, p=0.25):
    """examples/cnn.nn's ConvBlock."""
    return [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
            nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
            nn.MaxPool2d(2), nn.Dropout(p)]


class Block(nn.Module):
    """stdlib TransformerBlock: pre-norm, h = x + drop(attn(ln1(x))),
    y = h + drop(fc2(gelu(fc1(ln2(h)))))  (exact erf GELU)."""

    def __init__(self, dim, heads, mlp, p=0.0):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.ln2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, mlp)
        self.fc2 = nn.Linear(mlp, dim)
        self.drop = nn.Dropout(p)

    def forward(self, x):
        a = self.ln1(x)
        h = x + self.drop(self.attn(a, a, a, need_weights=False)[0])
        return h + self.drop(self.fc2(nn.functional.gelu(self.fc1(self.ln2(h)))))


class TokenTransformer(nn.Module):
    """examples/transformer.nn (patch = 0: 28 row tokens of 28 pixels) or a ViT (patch = P:
    (28/P)^2 tokens of P*P pixels, row-major patches, each patch's pixels row-major):
    Dense(tokens' size, dim) + a learned position table N(0, 0.02), `depth` pre-norm blocks,
    LayerNorm, the mean over the tokens, Dense(dim, 10)."""

    def __init__(self, dim=64, heads=4, depth=2, mlp_ratio=4, patch=0, p=0.0):
        super().__init__()
        self.patch = patch
        tokens, size = (28, 28) if not patch else ((28 // patch) ** 2, patch * patch)
        self.embed = nn.Linear(size, dim)
        self.pos = nn.Parameter(torch.empty(tokens, dim))
        nn.init.normal_(self.pos, std=0.02)
        self.blocks = nn.ModuleList(Block(dim, heads, mlp_ratio * dim, p) for _ in range(depth))
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, 10)

    def tokens(self, x):
        b = x.shape[0]
        if not self.patch:
            return x.reshape(b, 28, 28)
        p, n = self.patch, 28 // self.patch
        # [B,1,28,28] -> [B, n, p, n, p] -> [B, n, n, p, p] -> [B, n*n, p*p]
        return x.reshape(b, n, p, n, p).permute(0, 1, 3, 2, 4).reshape(b, n * n, p * p)

    def forward(self, x):
        h = self.embed(self.tokens(x)) + self.pos
        for blk in self.blocks:
            h = blk(h)
        return self.head(self.norm(h).mean(1))


def build(name, dropout=0.0, **opts):
    """The twin of examples/NAME.nn. `dropout` (mlp, lenet, lstm, gru): a Dropout(p) after
    each hidden activation of the Dense head (mlp: after both hidden layers; lenet: after
    fc1 and fc2's ReLU; lstm/gru: on the last hidden state)."""
    d = (lambda: nn.Dropout(dropout)) if dropout else (lambda: nn.Identity())
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), d(),
                             nn.Linear(256, 128), nn.ReLU(), d(), nn.Linear(128, 10))
    if name == "lenet":
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(400, 120), nn.ReLU(), d(), nn.Linear(120, 84), nn.ReLU(),
                             d(), nn.Linear(84, 10))
    if name == "lstm":
        return RowRNN(nn.LSTM, dropout=dropout)
    if name == "gru":
        return RowRNN(nn.GRU, dropout=dropout)
    if name == "cnn":
        return nn.Sequential(*conv_block(1, 32), *conv_block(32, 64), nn.Flatten(),
                             nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.5),
                             nn.Linear(128, 10))
    if name == "transformer":
        return TokenTransformer(p=dropout, **opts)
    if name == "vit":
        opts.setdefault("patch", 7)
        return TokenTransformer(p=dropout, **opts)
    raise ValueError(name)
