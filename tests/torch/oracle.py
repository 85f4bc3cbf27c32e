"""PyTorch oracle for tests/torch/*.test.ts: trains the network a test describes, the PyTorch way.

Reads one JSON object on stdin:
  {"cases": [{"spec": {...}, "params": {name: {"shape": [...], "values": [...]}},
              "x": [[x1, x2], ...], "y": [[t], ...], "orders": [[row, ...], ...],
              "optimizer": {"optimizer": "sgd" | "adam", "lr": ..., "beta1": ..., ...},
              "l1": λ1, "l2": λ2}, ...]}
and writes {"cases": [{"params": [{name: [values...]} after each step]}]} to stdout.

The network is the model file's `nn.Sequential` (docs/model-format.md), after the spec's input
features; the loss is BCEWithLogitsLoss plus, written out explicitly over the weights only (no
biases), λ1·Σ|W| + λ2/2·Σ W². Step k trains on the rows `orders[k]` in that order: the batch the
engine's learner drew.
"""

import json
import sys

import torch
from torch import nn

torch.set_num_threads(1)

ACTIVATIONS = {
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "leaky_relu": lambda: nn.LeakyReLU(0.01),
    "identity": nn.Identity,
}


def features(x, names):
    """The spec's input features, columns in the order listed (x is [rows, 2])."""
    x1, x2 = x[:, 0], x[:, 1]
    table = {
        "x1": lambda: x1,
        "x2": lambda: x2,
        "x1x1": lambda: x1 * x1,
        "x2x2": lambda: x2 * x2,
        "x1x2": lambda: x1 * x2,
        "sinx1": lambda: torch.sin(x1),
        "sinx2": lambda: torch.sin(x2),
    }
    return torch.stack([table[n]() for n in names], dim=1)


def build(spec):
    width = len(spec["features"]) if spec.get("features") else spec["inputs"]
    modules = []
    for layer in spec["layers"]:
        if layer["type"] != "dense":
            raise ValueError("the oracle builds dense layers only")
        modules.append(nn.Linear(width, layer["units"]))
        width = layer["units"]
        if "activation" in layer:
            modules.append(ACTIVATIONS[layer["activation"]]())
    return nn.Sequential(*modules)


def run(case):
    spec = case["spec"]
    net = build(spec)
    state = {
        name: torch.tensor(p["values"], dtype=torch.float32).reshape(p["shape"])
        for name, p in case["params"].items()
    }
    net.load_state_dict(state, strict=True)
    o = case["optimizer"]
    if o["optimizer"] == "sgd":
        opt = torch.optim.SGD(net.parameters(), lr=o["lr"])
    elif o["optimizer"] == "adam":
        opt = torch.optim.Adam(
            net.parameters(), lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["eps"]
        )
    else:
        raise ValueError(f"the oracle knows sgd and adam, not {o['optimizer']}")
    x = torch.tensor(case["x"], dtype=torch.float32)
    y = torch.tensor(case["y"], dtype=torch.float32)
    weights = [m.weight for m in net if isinstance(m, nn.Linear)]
    loss_fn = nn.BCEWithLogitsLoss()
    history = []
    for order in case["orders"]:
        rows = torch.tensor(order, dtype=torch.long)
        xb = x[rows]
        if spec.get("features"):
            xb = features(xb, spec["features"])
        loss = loss_fn(net(xb), y[rows])
        for w in weights:
            if case["l1"] > 0:
                loss = loss + case["l1"] * w.abs().sum()
            if case["l2"] > 0:
                loss = loss + case["l2"] / 2 * (w * w).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(
            {name: t.detach().reshape(-1).tolist() for name, t in net.state_dict().items()}
        )
    return {"params": history}


def main():
    request = json.load(sys.stdin)
    json.dump({"cases": [run(c) for c in request["cases"]]}, sys.stdout)


if __name__ == "__main__":
    main()
