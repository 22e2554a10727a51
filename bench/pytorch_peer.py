"""PyTorch (CPU build) as a benchmark peer of nnkit: the same workloads as bench/workloads.ts.

Reads one JSON request on stdin:
  {"threads": 1, "budget": 0.8, "matmul": [128, 512], "convs": [{"C":1,"H":28,"W":28,"F":20,"K":5,"pad":2}],
   "batch": 64, "train": [64, 16], "trainSeconds": 3,
   "epoch": {"dir": "/tmp/...", "images": 12800, "batches": [64, 16]}}
and prints one JSON object on stdout: {"torch": version, "capability": "AVX2"|..., "threads": n,
"matmul": [{"wall": s, "cpu": s}], "convForward": [...], "convBackward": [...], "train": [...],
"epoch": [...]}, each timing the median seconds of one call (train: of one training step over one
fixed batch), except epoch: the seconds of one whole epoch over the images in epoch.dir
(images.f32: images x 784 float32, labels.i32: int32, both in this machine's byte order) through a
DataLoader, as a user writes it. The flop and image counts are computed by the caller, as for
every other contender.
"""
import json
import sys
import time

import torch


def median_timing(fn, budget, max_reps=200, min_reps=3):
    fn()  # warm-up
    runs = []
    start = time.perf_counter()
    while len(runs) < max_reps and (len(runs) < min_reps or time.perf_counter() - start < budget):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        runs.append((time.perf_counter() - w0, time.process_time() - c0))
    walls = sorted(r[0] for r in runs)
    cpus = sorted(r[1] for r in runs)
    return {"wall": walls[len(walls) // 2], "cpu": cpus[len(cpus) // 2]}


def lenet5():
    """The lecture's LeNet-5 (src/models/specs.ts lenet5()): 1,256,080 parameters."""
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 20, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(20, 50, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(2450, 500), nn.ReLU(), nn.Linear(500, 10),
    )


def epoch_timing(req, b):
    """One epoch of LeNet-5 with Adam at batch b over the images in req["dir"], after a short warm-up."""
    import numpy as np
    from torch.utils.data import DataLoader, TensorDataset

    n = req["images"]
    x = torch.from_numpy(np.fromfile(f'{req["dir"]}/images.f32', dtype=np.float32, count=n * 784).reshape(n, 1, 28, 28))
    y = torch.from_numpy(np.fromfile(f'{req["dir"]}/labels.i32', dtype=np.int32, count=n).astype(np.int64))
    model = lenet5()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    def run(images, labels):
        for xb, yb in DataLoader(TensorDataset(images, labels), batch_size=b, shuffle=True):
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()

    run(x[: 2 * b], y[: 2 * b])  # warm-up, as nnkit's
    w0, c0 = time.perf_counter(), time.process_time()
    run(x, y)
    return {"wall": time.perf_counter() - w0, "cpu": time.process_time() - c0}


def main():
    req = json.load(sys.stdin)
    torch.set_num_threads(req["threads"])
    torch.manual_seed(0)
    budget = req["budget"]
    out = {
        "torch": torch.__version__,
        "capability": torch.backends.cpu.get_cpu_capability(),
        "threads": torch.get_num_threads(),
        "matmul": [], "convForward": [], "convBackward": [], "train": [], "epoch": [],
    }
    with torch.no_grad():
        for n in req.get("matmul", []):
            a, b, c = torch.rand(n, n), torch.rand(n, n), torch.empty(n, n)
            out["matmul"].append(median_timing(lambda: torch.mm(a, b, out=c), budget))
    batch = req.get("batch", 64)
    for c in req.get("convs", []):
        conv = torch.nn.Conv2d(c["C"], c["F"], c["K"], padding=c["pad"])
        x = torch.rand(batch, c["C"], c["H"], c["W"])
        with torch.no_grad():
            out["convForward"].append(median_timing(lambda: conv(x), budget))
        xg = x.clone().requires_grad_(True)
        y = conv(xg)
        dout = torch.rand_like(y)
        # dx and dw, as nnkit's backward row measures (bias gradient included, as there).
        out["convBackward"].append(median_timing(lambda: torch.autograd.grad(y, [xg, conv.weight, conv.bias], dout, retain_graph=True), budget))
    for b in req.get("train", []):
        model = lenet5()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = torch.nn.CrossEntropyLoss()
        x = torch.rand(b, 1, 28, 28)
        y = torch.randint(0, 10, (b,))

        def step():
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()

        out["train"].append(median_timing(step, req.get("trainSeconds", budget), max_reps=10_000, min_reps=5))
    epoch = req.get("epoch")
    for b in epoch["batches"] if epoch else []:
        out["epoch"].append(epoch_timing(epoch, b))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
