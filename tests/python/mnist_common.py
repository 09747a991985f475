# The notebook's MNIST pieces, shared by mnist_train.py and mnist_eval.py: the first 1000 training and 200 test
# images (raw 0..255 pixels, as the notebook feeds them) and make_model() exactly as the notebook defines it.
# The images come from the IDX files the C# scripts read ($CH13_DATA/mnist/, else data/mnist/ in the repo).
import os
import pathlib

import numpy as np
import torch
import torch.nn as nn


def data_folder():
    root = os.environ.get("CH13_DATA") or pathlib.Path(__file__).resolve().parents[2] / "data"
    return pathlib.Path(root) / "mnist"


def read_idx(name):
    raw = (data_folder() / name).read_bytes()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def mnist_subset(split, count):
    prefix = "train" if split == "train" else "t10k"
    x = torch.tensor(read_idx(f"{prefix}-images-idx3-ubyte")[:count], dtype=torch.float32)
    y = torch.tensor(read_idx(f"{prefix}-labels-idx1-ubyte")[:count], dtype=torch.int64)
    return x, y


def make_model():
    hidden_units = [32, 16]
    input_size = 28 * 28
    all_layers = [nn.Flatten()]

    for hidden_unit in hidden_units:
        layer = nn.Linear(input_size, hidden_unit)
        all_layers.append(layer)
        all_layers.append(nn.ReLU())
        input_size = hidden_unit

    all_layers.append(nn.Linear(hidden_units[-1], 10))
    return nn.Sequential(*all_layers)


def test_accuracy(model, x_test, y_test):
    model.eval()
    with torch.no_grad():
        logits = model(x_test)
    correct = int((torch.argmax(logits, dim=1) == y_test).sum())
    return logits, correct
