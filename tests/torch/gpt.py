"""PyTorch side of tests/torch/transformer.test.ts: our transformer model files in nanoGPT's GPT.

The modules below are the ones docs/model-format.md gives: nanoGPT's GPT (Block, MLP,
CausalSelfAttention with the same module names), with GELU's tanh approximation as GPT-2, a
learned (`wpe`), sinusoidal or no positional encoding, optional dropout and final layer norm, and
a linear head with a bias, its weight tied to `wte` as nanoGPT's when "tied" (our file then has
no `lm_head.weight`: it is the embedding's table); `last` reads only the last position (a final block with "every step"
off), for one answer per example.

Reads one JSON object on stdin:
  {"config": {"vocab", "block", "width", "heads", "layers", "mlp", "pos", "ln_f", "drop", "tied"},
   "model": "<our model file text>",
   "x": [...], "shape": [n, T], "y": [...],     # token ids and the next-token targets
   "order": [row, ...] | null,                  # one AdamW step on these rows, in this order
   "lr", "betas", "eps", "weightDecay"}
and writes {"loss", "probs", "state", "trainLoss"} as modelfile.py does, and the step's
"grads". The state dict is loaded
with strict=True, so a missing, extra or misshapen tensor fails here.
"""

import json
import math
import sys

import torch
from torch import nn

from modelfile import load_state

torch.set_num_threads(1)


class CausalSelfAttention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.c_attn = nn.Linear(width, 3 * width)
        self.c_proj = nn.Linear(width, width)
        self.heads = heads

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.heads, C // self.heads).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
        att = torch.softmax(att.masked_fill(~mask, float("-inf")), dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, width, ratio):
        super().__init__()
        self.c_fc = nn.Linear(width, ratio * width)
        self.gelu = nn.GELU(approximate="tanh")
        self.c_proj = nn.Linear(ratio * width, width)

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, width, heads, ratio):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.attn = CausalSelfAttention(width, heads)
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = MLP(width, ratio)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class SinusoidalPositions(nn.Module):
    """The fixed encoding of "Attention is all you need": sin and cos of t / 10000^(2i/D)."""

    def __init__(self, block, width):
        super().__init__()
        t = torch.arange(block, dtype=torch.float64)[:, None]
        i = torch.arange(0, width, 2, dtype=torch.float64)
        angle = t * torch.exp(-(i / width) * math.log(10000.0))
        table = torch.zeros(block, width, dtype=torch.float64)
        table[:, 0::2] = torch.sin(angle)
        table[:, 1::2] = torch.cos(angle[:, : width // 2])
        self.register_buffer("table", table.float(), persistent=False)

    def forward(self, positions):
        return self.table[positions]


class GPT(nn.Module):
    def __init__(self, vocab, block, width, heads, layers, mlp=4, pos="learned", ln_f=True,
                 drop=0.0, last=False, tied=False):
        super().__init__()
        self.last = last
        parts = {"wte": nn.Embedding(vocab, width)}
        if pos == "learned":
            parts["wpe"] = nn.Embedding(block, width)
        elif pos == "sinusoidal":
            parts["wpe"] = SinusoidalPositions(block, width)
        if drop:
            parts["drop"] = nn.Dropout(drop)
        parts["h"] = nn.ModuleList([Block(width, heads, mlp) for _ in range(layers)])
        if ln_f:
            parts["ln_f"] = nn.LayerNorm(width)
        self.transformer = nn.ModuleDict(parts)
        self.lm_head = nn.Linear(width, vocab)
        if tied:
            self.lm_head.weight = self.transformer.wte.weight

    def forward(self, ids):
        t = self.transformer
        x = t.wte(ids)
        if "wpe" in t:
            x = x + t.wpe(torch.arange(ids.shape[1]))
        if "drop" in t:
            x = t.drop(x)
        for block in t.h:
            x = block(x)
        if self.last:
            x = x[:, -1]
        if "ln_f" in t:
            x = t.ln_f(x)
        return self.lm_head(x)


def main():
    job = json.load(sys.stdin)
    c = job["config"]
    model = GPT(c["vocab"], c["block"], c["width"], c["heads"], c["layers"], c["mlp"], c["pos"],
                c["ln_f"], c["drop"], c.get("last", False), c.get("tied", False))
    state = load_state(job["model"])
    if c.get("tied", False):
        # One tensor under two names in torch; our file holds it once, as the embedding's.
        state["lm_head.weight"] = state["transformer.wte.weight"]
    model.load_state_dict(state, strict=True)
    x = torch.tensor(job["x"], dtype=torch.int64).reshape(job["shape"])
    y = torch.tensor(job["y"], dtype=torch.int64).reshape(job["shape"])
    loss_fn = nn.CrossEntropyLoss()
    out = {"trainLoss": None}
    if job["order"] is not None:
        model.train()
        rows = torch.tensor(job["order"], dtype=torch.long)
        opt = torch.optim.AdamW(model.parameters(), lr=job["lr"], betas=tuple(job["betas"]),
                                eps=job["eps"], weight_decay=job["weightDecay"])
        opt.zero_grad()
        logits = model(x[rows])
        loss = loss_fn(logits.reshape(-1, logits.shape[-1]), y[rows].reshape(-1))
        loss.backward()
        out["grads"] = {k: v.grad.reshape(-1).tolist() for k, v in model.named_parameters()}
        opt.step()
        out["trainLoss"] = loss.item()
    model.eval()
    with torch.no_grad():
        logits = model(x)
        out["loss"] = loss_fn(logits.reshape(-1, logits.shape[-1]), y.reshape(-1)).item()
        out["probs"] = torch.softmax(logits, dim=-1).reshape(-1).tolist()
    out["state"] = {k: v.reshape(-1).tolist() for k, v in model.state_dict().items()}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
