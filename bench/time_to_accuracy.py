#!/usr/bin/python3
"""Time to accuracy: seconds until Fashion-MNIST test accuracy first reaches 0.90 and 0.92.

    /usr/bin/python3 bench/time_to_accuracy.py [--rounds 3] [--recipes fast,best]

For each recipe (recipes/fashion-fast.toml, recipes/fashion-best.toml) it runs,
in alternating rounds, each in its own process:

  scratchnet    `build/scratchnet train RECIPE` (2 threads), the whole command
                timed; seconds to a target = the run's metrics.csv `seconds`
                summed up to the first epoch whose test accuracy reaches it
                (each epoch's training steps, batch gathering and test pass)
  pytorch-best  PyTorch 1.13 (2 threads, OMP_WAIT_POLICY=PASSIVE and one
                no-grad pass before timing: bench/README.md's best setting)
                running the same network read from the recipe's [[layer]]
                tables, the same initialisation (He normal before ReLU, Xavier
                normal for the output, zero biases, batch norm gamma 1 beta 0,
                momentum 0.1 = scratchnet's 0.9), Adam with the same rate,
                schedule (per epoch or per step), batch size and epochs, pixels
                / 255; seconds to a target = its training loop plus the test
                pass after every epoch it needs to know the target was
                reached, up to that epoch

It prints, per recipe and target, the median over the rounds of both peers'
seconds and their ratio (PyTorch / scratchnet), the median wall time of the
scratchnet command and the final test accuracies, and writes
bench/results/time_to_accuracy.json. A peer that never reaches a target in a
round counts as infinitely slow in that round. Load average is printed at the
start and the end: other programs on the 2 cores make every figure slower.
"""

import argparse
import csv
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib

sys.dont_write_bytecode = True  # no bench/__pycache__ from importing peers.py
from peers import init_layer, read_idx  # bench/peers.py: the same IDX reader and initialisation

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FASHION_DIR = os.environ.get("SCRATCHNET_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
THREADS = 2
RECIPES = {"fast": "recipes/fashion-fast.toml", "best": "recipes/fashion-best.toml"}
TARGETS = [0.90, 0.92]


def seconds_to(targets, epochs):
    """{target: cumulative seconds at the first epoch reaching it (None if never)} of [(seconds, acc)]."""
    found, total = {}, 0.0
    for seconds, accuracy in epochs:
        total += seconds
        for t in targets:
            if t not in found and accuracy is not None and accuracy >= t:
                found[t] = total
    return {t: found.get(t) for t in targets}


# ----------------------------------------------------------------------------- scratchnet

def run_scratchnet(binary, recipe):
    out = tempfile.mkdtemp(prefix="scratchnet-tta-")
    cmd = [binary, "train", os.path.join(ROOT, recipe), "--set", f"output.dir={out}",
           "--set", f"train.threads={THREADS}"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    epochs = []
    with open(os.path.join(out, "metrics.csv")) as f:
        for row in csv.DictReader(f):
            acc = row.get("test_accuracy") or None
            epochs.append((float(row["seconds"]), float(acc) if acc else None))
    summary = json.load(open(os.path.join(out, "summary.json")))
    return {"peer": "scratchnet", "wall_seconds": wall, "epochs": len(epochs),
            "epoch_seconds": sum(sec for sec, _ in epochs) / len(epochs),
            "seconds_to": seconds_to(TARGETS, epochs), "test_accuracy": summary["test_accuracy"],
            "per_epoch_test_accuracy": [a for _, a in epochs]}


# ----------------------------------------------------------------------------- PyTorch

def torch_network(layers, classes):
    """The recipe's [[layer]] tables as nn.Sequential, as scratchnet builds them
    (each layer, then batch norm, the activation and dropout; dense(classes) last)."""
    from torch import nn
    modules, shape = [], (1, 28, 28)
    he = init_layer
    for spec in layers:
        kind, relu = spec["type"], spec.get("activation") == "relu"
        if spec.get("activation") not in (None, "relu"):
            raise SystemExit(f"activation {spec['activation']}: only relu is mirrored here")
        if kind == "conv2d":
            k, pad, stride = int(spec["kernel"]), int(spec.get("padding", 0)), int(spec.get("stride", 1))
            modules.append(he(nn.Conv2d(shape[0], int(spec["filters"]), k, stride=stride, padding=pad), relu))
            side = (shape[1] + 2 * pad - k) // stride + 1
            shape = (int(spec["filters"]), side, side)
            norm = nn.BatchNorm2d
        elif kind == "max_pool2d":
            size = int(spec["size"])
            modules.append(nn.MaxPool2d(size, int(spec.get("stride", size))))
            shape = (shape[0], shape[1] // size, shape[2] // size)
        elif kind == "flatten":
            modules.append(nn.Flatten())
            shape = (shape[0] * shape[1] * shape[2],)
        elif kind == "dense":
            modules.append(he(nn.Linear(shape[0], int(spec["units"])), relu))
            shape = (int(spec["units"]),)
            norm = nn.BatchNorm1d
        else:
            raise SystemExit(f"layer type {kind} is not mirrored here")
        if spec.get("batch_norm"):
            modules.append(norm(shape[0], eps=1e-5, momentum=0.1))
        if relu:
            modules.append(nn.ReLU())
        if spec.get("dropout"):
            modules.append(nn.Dropout(spec["dropout"]))
    modules.append(he(nn.Linear(shape[0], classes), False))
    return nn.Sequential(*modules)


def lr_factor(schedule, epoch, step, steps_per_epoch, epochs):
    """scratchnet's rate factor (optim/schedule.h, optim/warmup_schedule.h) for 0-based epoch and step."""
    if schedule in ("constant", "none"):
        return 1.0
    if schedule == "cosine":
        return 0.5 * (1 + math.cos(math.pi * min(epoch, epochs) / epochs))
    if schedule.startswith("warmup_cosine:"):
        total = epochs * steps_per_epoch
        warmup = min(round(float(schedule.split(":")[1]) * steps_per_epoch), total)
        if step < warmup:
            return (step + 1) / warmup
        t = min(1.0, (step - warmup) / max(total - warmup, 1))
        return 0.5 * (1 + math.cos(math.pi * t))
    raise SystemExit(f"lr schedule {schedule} is not mirrored here")


def run_torch(recipe):
    import numpy as np
    import torch
    torch.set_num_threads(THREADS)
    torch.manual_seed(42)
    config = tomllib.load(open(os.path.join(ROOT, recipe), "rb"))
    train = config.get("train", {})
    if config.get("data", {}).get("augment"):
        raise SystemExit("data.augment is not mirrored here")
    if train.get("optimizer", "adam") != "adam" or train.get("weight_decay", 0):
        raise SystemExit("only Adam without weight decay is mirrored here")
    lr, batch, epochs = train.get("lr", 1e-3), train.get("batch_size", 32), train.get("epochs", 20)
    schedule = train.get("lr_schedule", "constant")

    def part(prefix):
        x = read_idx(f"{FASHION_DIR}/{prefix}-images-idx3-ubyte.gz").astype(np.float32) / 255.0
        y = read_idx(f"{FASHION_DIR}/{prefix}-labels-idx1-ubyte.gz").astype(np.int64)
        return torch.from_numpy(x.reshape(-1, 1, 28, 28)), torch.from_numpy(y)
    xtr, ytr = part("train")
    xte, yte = part("t10k")
    model = torch_network(config.get("layer", []), 10)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    with torch.no_grad():
        model.eval()
        model(xtr[:60000])  # the best setting's large warm-up pass
    generator = torch.Generator().manual_seed(42)
    n = len(xtr)
    steps_per_epoch = (n + batch - 1) // batch
    history, step = [], 0
    for epoch in range(epochs):
        start = time.perf_counter()
        model.train()
        order = torch.randperm(n, generator=generator)
        for first in range(0, n, batch):
            for group in optimizer.param_groups:
                group["lr"] = lr * lr_factor(schedule, epoch, step, steps_per_epoch, epochs)
            idx = order[first:first + batch]
            optimizer.zero_grad()
            loss_fn(model(xtr[idx]), ytr[idx]).backward()
            optimizer.step()
            step += 1
        model.eval()
        with torch.no_grad():
            correct = sum(int((model(xte[i:i + 1024]).argmax(1) == yte[i:i + 1024]).sum())
                          for i in range(0, len(xte), 1024))
        history.append((time.perf_counter() - start, correct / len(xte)))
        reached = seconds_to(TARGETS, history)
        if all(v is not None for v in reached.values()):
            break  # both targets known: the rest would not change the figures
    print(json.dumps({"peer": "pytorch-best", "epochs": len(history), "seconds_to": reached,
                      "epoch_seconds": sum(sec for sec, _ in history) / len(history),
                      "test_accuracy": history[-1][1], "per_epoch_test_accuracy": [a for _, a in history]}),
          flush=True)


def torch_child(python, recipe):
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
    start = time.perf_counter()
    proc = subprocess.run([python, os.path.abspath(__file__), "--torch-child", recipe], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit("the PyTorch child failed")
    record = json.loads([l for l in proc.stdout.splitlines() if l.startswith("{")][-1])
    record["seconds_to"] = {float(k): v for k, v in record["seconds_to"].items()}
    record["wall_seconds"] = time.perf_counter() - start
    return record


# ----------------------------------------------------------------------------- driver

def median(values):
    return statistics.median([math.inf if v is None else v for v in values])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scratchnet", default=os.path.join(ROOT, "build/scratchnet"))
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--recipes", default="fast,best")
    parser.add_argument("--json", default=os.path.join(HERE, "results/time_to_accuracy.json"))
    parser.add_argument("--torch-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.torch_child:
        return run_torch(args.torch_child)

    load_start = os.getloadavg()[0]
    print(f"load average at start: {load_start:.2f} ({os.cpu_count()} cores)", flush=True)
    results = {}
    for name in filter(None, args.recipes.split(",")):
        recipe = RECIPES[name]
        rounds = {"scratchnet": [], "pytorch-best": []}
        for r in range(args.rounds):
            # Alternate which peer goes first, so that a drift in load hits both alike.
            order = ["scratchnet", "pytorch-best"] if r % 2 == 0 else ["pytorch-best", "scratchnet"]
            for peer in order:
                record = run_scratchnet(args.scratchnet, recipe) if peer == "scratchnet" \
                    else torch_child(args.python, recipe)
                rounds[peer].append(record)
                shown = ", ".join(f"{t:.2f}: {'-' if v is None else f'{v:.1f} s'}"
                                  for t, v in record["seconds_to"].items())
                print(f"  {name} round {r + 1} {peer:<12} {shown}  (test acc {record['test_accuracy']:.4f}, "
                      f"{record['epochs']} epochs, wall {record['wall_seconds']:.1f} s)", flush=True)
        entry = {"recipe": recipe, "rounds": rounds, "targets": {}}
        entry["scratchnet_command_wall_seconds"] = median([x["wall_seconds"] for x in rounds["scratchnet"]])
        # Seconds per epoch (training and test pass): comparable even when a peer misses a target.
        entry["epoch_seconds"] = {p: median([x["epoch_seconds"] for x in rounds[p]]) for p in rounds}
        for t in TARGETS:
            ours = median([x["seconds_to"][t] for x in rounds["scratchnet"]])
            theirs = median([x["seconds_to"][t] for x in rounds["pytorch-best"]])
            entry["targets"][str(t)] = {"scratchnet_seconds": ours, "pytorch_seconds": theirs,
                                        "ratio": theirs / ours if math.isfinite(ours) else math.nan}
        results[name] = entry

    def shown(x, unit=""):
        return f"{x:.1f}{unit}" if math.isfinite(x) else "not reached"
    print("\n| recipe | target | scratchnet s | pytorch-best s | pytorch / scratchnet | scratchnet command s |"
          " epoch s (scratchnet, pytorch) |")
    print("|---|---|---|---|---|---|---|")
    for name, entry in results.items():
        e = entry["epoch_seconds"]
        for t, v in entry["targets"].items():
            ratio = f"{v['ratio']:.2f}x" if math.isfinite(v["ratio"]) else "-"
            print(f"| {name} | {t} | {shown(v['scratchnet_seconds'])} | {shown(v['pytorch_seconds'])} | {ratio} | "
                  f"{entry['scratchnet_command_wall_seconds']:.1f} | {e['scratchnet']:.2f}, {e['pytorch-best']:.2f} |")
    load_end = os.getloadavg()[0]
    print(f"load average at end: {load_end:.2f}; medians of {args.rounds} alternating rounds")
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"date": time.strftime("%Y-%m-%d %H:%M:%S"), "load_average_start": load_start,
                   "load_average_end": load_end, "rounds": args.rounds, "results": results}, f, indent=2,
                  default=lambda x: None)
    print(f"wrote {os.path.relpath(args.json, ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
