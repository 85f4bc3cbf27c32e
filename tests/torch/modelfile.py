"""PyTorch side of tests/torch/model-file.test.ts: our model files in a real nn.Sequential.

Reads one JSON object on stdin:
  {"modules": ["nn.Conv2d(1, 4, kernel_size=3, padding=1)", "nn.ReLU()", ...],
   "folded": true | false,        # the last module is a sigmoid/softmax the loss works before
   "loss": "mse" | "bce" | "cce",
   "model": "<our model file text>" | null,   # null: make the weights here (the reverse test)
   "seed": 0,                     # torch.manual_seed when the weights are made here
   "x": [...], "shape": [n, ...], "y": [...],  # rows as the network sees them; y as our targets
   "order": [row, ...] | null,    # train: one SGD step on these rows, in this order
   "lr": 0.1,
   "tokens": false}               # x holds token ids (an embedding or one-hot reads them)
and writes to stdout:
  {"loss": eval-mode loss of all rows, "probs": eval-mode outputs (probabilities for bce/cce),
   "state": {name: [values]} the state dict (after the step when "order" is given),
   "trainLoss": the training-mode loss of the step's batch (or null)}

The state dict is loaded with strict=True, so a missing, extra or misshapen tensor fails here.
"""

import base64
import json
import struct
import sys

import torch
from torch import nn

torch.set_num_threads(1)


def recurrent(base):
    """Our recurrent layers as docs/model-format.md defines them: batch first, returning every
    step's hidden state [B, T, H] (sequences=True) or the last step's [B, H]."""

    class Layer(base):
        def __init__(self, inputs, hidden, sequences=False):
            super().__init__(inputs, hidden, batch_first=True)
            self.sequences = sequences

        def forward(self, x):
            out = super().forward(x)[0]
            return out if self.sequences else out[:, -1]

    return Layer


class OneHot(nn.Module):
    """Token ids [B, T] as one-hot rows [B, T, V]."""

    def __init__(self, vocab):
        super().__init__()
        self.vocab = vocab

    def forward(self, ids):
        return nn.functional.one_hot(ids.long(), self.vocab).float()


MODULES = {"nn": nn, "RNN": recurrent(nn.RNN), "LSTM": recurrent(nn.LSTM),
           "GRU": recurrent(nn.GRU), "OneHot": OneHot}


def tensor(entry, dtype):
    shape = entry["shape"]
    if "base64" in entry:
        raw = base64.b64decode(entry["base64"])
        fmt = "<%d%s" % (len(raw) // 4, "i" if dtype == "int32" else "f")
        values = list(struct.unpack(fmt, raw))
    else:
        values = entry["values"]
    if dtype == "int32":
        return torch.tensor(values, dtype=torch.int64).reshape(shape)
    return torch.tensor(values, dtype=torch.float32).reshape(shape)


def load_state(model_text):
    f = json.loads(model_text)
    state = {}
    for name, entry in f["params"].items():
        state[name] = tensor(entry, "float32")
    for name, entry in f.get("buffers", {}).items():
        kind = "int32" if name.endswith("num_batches_tracked") else "float32"
        state[name] = tensor(entry, kind)
    return state


def loss_of(logits, y, kind):
    if kind == "cce":
        # A sequence scored at every step: every position is one more row, as torch averages.
        return nn.CrossEntropyLoss()(logits.reshape(-1, logits.shape[-1]), y.long().reshape(-1))
    if kind == "bce":
        return nn.BCEWithLogitsLoss()(logits, y.reshape(logits.shape))
    return nn.MSELoss()(logits, y.reshape(logits.shape))


def head(logits, kind):
    if kind == "cce":
        return torch.softmax(logits, dim=-1)
    if kind == "bce":
        return torch.sigmoid(logits)
    return logits


def main():
    job = json.load(sys.stdin)
    if job["model"] is None:
        torch.manual_seed(job["seed"])
    model = nn.Sequential(*[eval(m, MODULES) for m in job["modules"]])
    if job["model"] is None:
        for module in model:
            if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
                # Running statistics a trained network would have, not the fresh 0 and 1.
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
                module.weight.data.uniform_(0.5, 1.5)
                module.bias.data.uniform_(-0.2, 0.2)
    else:
        model.load_state_dict(load_state(job["model"]), strict=True)
    logits_net = model[:-1] if job["folded"] else model
    x = torch.tensor(job["x"], dtype=torch.float32).reshape(job["shape"])
    if job.get("tokens"):
        x = x.long()
    y = torch.tensor(job["y"], dtype=torch.float32)
    out = {"trainLoss": None}
    if job["order"] is not None:
        model.train()
        rows = torch.tensor(job["order"], dtype=torch.long)
        opt = torch.optim.SGD(model.parameters(), lr=job["lr"])
        opt.zero_grad()
        ytarget = y.reshape(x.shape[0], -1)[rows]
        loss = loss_of(logits_net(x[rows]), ytarget, job["loss"])
        loss.backward()
        opt.step()
        out["trainLoss"] = loss.item()
    model.eval()
    with torch.no_grad():
        logits = logits_net(x)
        out["loss"] = loss_of(logits, y.reshape(x.shape[0], -1), job["loss"]).item()
        out["probs"] = head(logits, job["loss"]).reshape(-1).tolist()
    out["state"] = {k: v.reshape(-1).tolist() for k, v in model.state_dict().items()}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
