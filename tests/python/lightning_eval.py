# C# → Python: load the .pth that lightning.csx's ModelCheckpoint writes beside each .ckpt into the notebook's
# MultiLayerPerceptron layers (its self.model, an nn.Sequential: keys 1.weight … 5.bias) and test it on the first
# COUNT test images, scaled to [0, 1] as ToTensor() does.
# Usage: python3 tests/python/lightning_eval.py FILE.pth [COUNT]
import sys

import torch

from mnist_common import make_model, mnist_subset, test_accuracy

count = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
x_test, y_test = mnist_subset("test", count)
x_test = x_test / 255.0

model = make_model()
model.load_state_dict(torch.load(sys.argv[1]))
logits, correct = test_accuracy(model, x_test, y_test)
print(f"test_acc: {correct / len(y_test):.4f} ({correct}/{len(y_test)})")
