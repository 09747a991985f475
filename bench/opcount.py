"""How many libtorch ops one training step makes, by phase, counted by PyTorch's profiler in the peer, for the
benchmark's step rows (the same models, batches and optimisers as step_overhead.py). Run in the peer:
    chroot /tmp/trixie python3 - < bench/opcount.py
Prints one JSON line: per case and phase, the top-level aten ops (each one dispatcher call from the caller, what a
TorchSharp call is too), all aten ops including nested ones, and the autograd nodes backward evaluates; plus the
per-op cost of a trivial in-place op and of a small allocating op, measured here (µs)."""
import json
import time

import torch
import torch.nn as nn
from torch.profiler import ProfilerActivity, profile, record_function

torch.set_num_threads(1)
PHASES = ["zero_grad", "forward", "loss", "backward", "step", "item"]


def mlp(sizes, act):
    layers = []
    for a, b in zip(sizes, sizes[1:]):
        layers += [nn.Linear(a, b), act()]
    return nn.Sequential(*layers[:-1])


def count(model, opt, x, y):
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(5):  # warm: the first steps allocate optimiser state
        opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        with record_function("zero_grad"):
            opt.zero_grad()
        with record_function("forward"):
            out = model(x)
        with record_function("loss"):
            loss = loss_fn(out, y)
        with record_function("backward"):
            loss.backward()
        with record_function("step"):
            opt.step()
        with record_function("item"):
            loss.item()
    events = prof.events()
    ranges = {e.name: e for e in events if e.name in PHASES}
    result = {}
    for phase, r in ranges.items():
        inside = [e for e in events if e.thread == r.thread and r.time_range.start <= e.time_range.start
                  and e.time_range.end <= r.time_range.end and e is not r]
        aten = [e for e in inside if e.name.startswith("aten::")]
        top = [e for e in aten if e.cpu_parent is None or not e.cpu_parent.name.startswith("aten::")]
        nodes = [e for e in inside if e.name.startswith("autograd::engine::evaluate_function")]
        result[phase] = {"top_level_ops": len(top), "all_aten_ops": len(aten), "autograd_nodes": len(nodes),
                         "ops": sorted({e.name for e in top})}
    # backward runs in the engine: its ops are nested under evaluate_function, not under the range's thread always
    return result


def per_op_us():
    t = torch.zeros(1)
    a, b = torch.ones(20, 10), torch.ones(20, 10)
    n = 20000
    for _ in range(1000): t.add_(1)
    t0 = time.perf_counter()
    for _ in range(n): t.add_(1)
    inplace = (time.perf_counter() - t0) / n * 1e6
    t0 = time.perf_counter()
    for _ in range(n): c = a.add(b)
    alloc = (time.perf_counter() - t0) / n * 1e6
    t0 = time.perf_counter()
    for _ in range(n): v = a.narrow(0, 0, 10)
    view = (time.perf_counter() - t0) / n * 1e6
    return {"inplace_add_us": round(inplace, 3), "alloc_add_us": round(alloc, 3), "narrow_view_us": round(view, 3)}


torch.manual_seed(1)
out = {"torch": torch.__version__}
x, y = torch.randn(20, 2), torch.randint(0, 2, (20,))
m = mlp([2, 10, 6, 2], nn.Sigmoid)
out["small_sgd"] = count(m, torch.optim.SGD(m.parameters(), lr=0.01), x, y)
m = mlp([2, 10, 6, 2], nn.Sigmoid)
out["small_adam"] = count(m, torch.optim.Adam(m.parameters(), lr=0.015), x, y)
m = mlp([784, 256, 128, 10], nn.ReLU)
out["large_adam"] = count(m, torch.optim.Adam(m.parameters(), lr=0.001), torch.rand(1024, 784), torch.randint(0, 10, (1024,)))
out["per_op"] = per_op_us()
print(json.dumps(out))
