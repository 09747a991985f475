# Python → C#: train the notebook's MNIST subset model for a few epochs and save its state_dict, as the notebook
# does: torch.save(model.state_dict(), "best_model.pth"). Then: ./csx scripts/mnist.csx -- --weights FILE --eval-only
# Usage: python3 tests/python/mnist_train.py OUT.pth [EPOCHS] [LOGITS.csv]
import sys

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

from mnist_common import make_model, mnist_subset, test_accuracy

out_path = sys.argv[1]
num_epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 3

x_train, y_train = mnist_subset("train", 1000)
x_test, y_test = mnist_subset("test", 200)

torch.manual_seed(1)
train_dl = DataLoader(TensorDataset(x_train, y_train), batch_size=20, shuffle=True)
model = make_model()
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(num_epochs):
    model.train()
    for x_batch, y_batch in train_dl:
        optimizer.zero_grad()
        loss = loss_fn(model(x_batch), y_batch)
        loss.backward()
        optimizer.step()

torch.save(model.state_dict(), out_path)
logits, correct = test_accuracy(model, x_test, y_test)
print(f"keys: {', '.join(model.state_dict().keys())}")
print(f"test accuracy: {correct / len(y_test):.4f} ({correct}/{len(y_test)})")
if len(sys.argv) > 3:
    np.savetxt(sys.argv[3], logits.numpy(), delimiter=",", fmt="%.9g")
