# C# → Python: load a state_dict the C# script saved (out/mnist/best_model.pth) into the notebook's own model and
# test it on the same 200 images.
# Usage: python3 tests/python/mnist_eval.py FILE.pth [LOGITS.csv]
import sys

import numpy as np
import torch

from mnist_common import make_model, mnist_subset, test_accuracy

x_test, y_test = mnist_subset("test", 200)

model = make_model()
model.load_state_dict(torch.load(sys.argv[1]))
logits, correct = test_accuracy(model, x_test, y_test)
print(f"test accuracy: {correct / len(y_test):.4f} ({correct}/{len(y_test)})")
if len(sys.argv) > 2:
    np.savetxt(sys.argv[2], logits.numpy(), delimiter=",", fmt="%.9g")
