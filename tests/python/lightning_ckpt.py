# C# → Python: read a .ckpt that lightning.csx's ModelCheckpoint writes, as Lightning's own checkpoints are read:
# torch.load gives a dict with epoch, global_step, state_dict (the LightningModule's: self.model's layers under
# "model."), optimizer_states, lr_schedulers, callbacks and hyper_parameters. The weights go into the notebook's
# MultiLayerPerceptron layers, the optimiser state into torch.optim.Adam (which then takes a step), and the model is
# tested on the first COUNT test images, scaled to [0, 1] as ToTensor() does.
# Usage: python3 tests/python/lightning_ckpt.py FILE.ckpt [COUNT]
import sys

import torch

from mnist_common import make_model, mnist_subset, test_accuracy

checkpoint = torch.load(sys.argv[1])
count = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
print("keys:", ", ".join(sorted(checkpoint)))
print(f"epoch={checkpoint['epoch']} global_step={checkpoint['global_step']}")
print("callbacks:", "; ".join(sorted(checkpoint["callbacks"])))
print("hyper_parameters:", dict(sorted(checkpoint["hyper_parameters"].items())))

model = make_model()
model.load_state_dict({name.removeprefix("model."): value for name, value in checkpoint["state_dict"].items()})
optimizer = torch.optim.Adam(model.parameters(), lr=0.5)
optimizer.load_state_dict(checkpoint["optimizer_states"][0])
steps = {int(state["step"]) for state in optimizer.state_dict()["state"].values()}
print(f"optimizer: lr={optimizer.param_groups[0]['lr']} steps={sorted(steps)}")

x_test, y_test = mnist_subset("test", count)
x_test = x_test / 255.0
logits, correct = test_accuracy(model, x_test, y_test)
print(f"test_acc: {correct / len(y_test):.4f} ({correct}/{len(y_test)})")

# The restored optimiser goes on: one more Adam step on the test batch changes the weights.
model.train()
before = [p.detach().clone() for p in model.parameters()]
optimizer.zero_grad()
torch.nn.functional.cross_entropy(model(x_test[:64]), y_test[:64]).backward()
optimizer.step()
print("step changed weights:", any(not torch.equal(a, b) for a, b in zip(before, model.parameters())))
