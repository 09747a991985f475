# XOR's MyModule both ways, written like the notebook's cells:
#   python3 tests/python/xor.py train OUT.pth [EPOCHS]   trains the notebook's MyModule, saves its state_dict
#   python3 tests/python/xor.py eval FILE.pth            loads a state_dict (the script's my_module.pth) and validates it
import sys

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

# np.random.seed(1); x uniform in [-1, 1]², y = x0·x1 ≥ 0; train_test_split(test_size=0.3, random_state=1)
np.random.seed(1)
x = np.random.uniform(low=-1, high=1, size=(1000, 2))
y = (x[:, 0] * x[:, 1] >= 0).astype(np.int64)
permutation = np.random.RandomState(1).permutation(len(x))
test, train = permutation[:300], permutation[300:]
x_train, y_train = torch.tensor(x[train], dtype=torch.float32), torch.tensor(y[train])
x_valid, y_valid = torch.tensor(x[test], dtype=torch.float32), torch.tensor(y[test])


class MyModule(nn.Module):
    def __init__(self):
        super().__init__()
        l1 = nn.Linear(2, 10)
        a1 = nn.Sigmoid()
        l2 = nn.Linear(10, 6)
        a2 = nn.Sigmoid()
        l3 = nn.Linear(6, 2)
        l = [l1, a1, l2, a2, l3]
        self.module_list = nn.ModuleList(l)

    def forward(self, x):
        for f in self.module_list:
            x = f(x)
        return x

    def predict(self, x):
        x = torch.tensor(x, dtype=torch.float32)
        pred = self.forward(x)[:, 0]
        return (pred >= 0.5).float()


torch.manual_seed(1)
model = MyModule()
if sys.argv[1] == "train":
    train_dl = DataLoader(TensorDataset(x_train, y_train), batch_size=20, shuffle=True)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.015)
    for epoch in range(int(sys.argv[3]) if len(sys.argv) > 3 else 20):
        for x_batch, y_batch in train_dl:
            optimizer.zero_grad()
            loss = loss_fn(model(x_batch), y_batch)
            loss.backward()
            optimizer.step()
    torch.save(model.state_dict(), sys.argv[2])
else:
    model.load_state_dict(torch.load(sys.argv[2]))

with torch.no_grad():
    correct = int((torch.argmax(model(x_valid), dim=1) == y_valid).sum())
print(f"keys: {', '.join(model.state_dict().keys())}")
print(f"valid accuracy: {correct / len(y_valid):.4f} ({correct}/{len(y_valid)})")
