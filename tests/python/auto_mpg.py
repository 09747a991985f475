# Auto MPG both ways, written like the notebook's cells (numpy stands in for pandas and scikit-learn, which Debian's
# python3-torch does not bring): the same rows, split, scaling, buckets and one-hot features as scripts/auto_mpg.csx.
#   python3 tests/python/auto_mpg.py train OUT.pth [EPOCHS]   trains the notebook's model, saves its state_dict
#   python3 tests/python/auto_mpg.py eval FILE.pth            loads a state_dict (the script's model.pth) and tests it
import os
import pathlib
import sys

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

# read_csv(url, names=column_names, na_values="?", comment="\t", sep=" ", skipinitialspace=True); dropna()
root = pathlib.Path(os.environ.get("CH13_DATA") or pathlib.Path(__file__).resolve().parents[2] / "data")
column_names = ["MPG", "Cylinders", "Displacement", "Horsepower", "Weight", "Acceleration", "Model Year", "Origin"]
rows = []
for line in (root / "auto-mpg" / "auto-mpg.data").read_text().splitlines():
    fields = line.split("\t")[0].split()
    if len(fields) == len(column_names) and "?" not in fields:
        rows.append([float(f) for f in fields])
df = np.array(rows)
col = {name: i for i, name in enumerate(column_names)}

# train_test_split(df, train_size=0.8, random_state=1): scikit-learn's ShuffleSplit permutation
n_train = int(np.floor(0.8 * len(df)))
permutation = np.random.RandomState(1).permutation(len(df))
df_test, df_train = df[permutation[: len(df) - n_train]], df[permutation[len(df) - n_train :]]

# StandardScaler on the numeric columns, fitted on the training rows
numeric_column_names = ["Cylinders", "Displacement", "Horsepower", "Weight", "Acceleration"]
idx = [col[c] for c in numeric_column_names]
mean, std = df_train[:, idx].mean(axis=0), df_train[:, idx].std(axis=0)


def features(part):
    numeric = (part[:, idx] - mean) / std
    boundaries = torch.tensor([73, 76, 79])
    bucket = torch.bucketize(torch.tensor(part[:, col["Model Year"]]), boundaries, right=True)
    total_origin = 3
    origin = nn.functional.one_hot(torch.tensor(part[:, col["Origin"]]).long() % total_origin, total_origin)
    x = torch.cat([torch.tensor(numeric), bucket[:, None].double(), origin.double()], 1).float()
    return x, torch.tensor(part[:, col["MPG"]]).float()


x_train, y_train = features(df_train)
x_test, y_test = features(df_test)

torch.manual_seed(1)
hidden_units = [10, 6, 4]
input_features = x_train.shape[1]
all_layers = []
for hidden_unit in hidden_units:
    all_layers.append(nn.Linear(input_features, hidden_unit))
    all_layers.append(nn.ReLU())
    input_features = hidden_unit
all_layers.append(nn.Linear(hidden_units[-1], 1))
model = nn.Sequential(*all_layers)
loss_fn = nn.MSELoss()

if sys.argv[1] == "train":
    train_dl = DataLoader(TensorDataset(x_train, y_train), 8, shuffle=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.001)
    for epoch in range(int(sys.argv[3]) if len(sys.argv) > 3 else 20):
        for x_batch, y_batch in train_dl:
            optimizer.zero_grad()
            loss = loss_fn(model(x_batch).squeeze(1), y_batch)
            loss.backward()
            optimizer.step()
    torch.save(model.state_dict(), sys.argv[2])
else:
    model.load_state_dict(torch.load(sys.argv[2]))

with torch.no_grad():
    pred = model(x_test.float())[:, 0]
    loss = loss_fn(pred, y_test)
    print(f"keys: {', '.join(model.state_dict().keys())}")
    print(f"Test MSE: {loss.item():.4f} ({loss.item()!r})")
    print(f"Test MAE: {nn.L1Loss()(pred, y_test).item():.4f}")
