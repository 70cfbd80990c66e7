"""The comparison peers of bench/run.sh: PyTorch and scikit-learn.

Run with Debian's interpreter (/usr/bin/python3), which sees python3-torch,
python3-sklearn and python3-numpy. Each call trains one workload in this
process and prints one JSON line with the same fields as bench_train:

    /usr/bin/python3 bench/peers.py torch mlp --batch 128 --epochs 3 [--best]
    /usr/bin/python3 bench/peers.py sklearn arem --batch 100 --epochs 20 --arem DIR
    /usr/bin/python3 bench/peers.py torch infer [--best]

Everything matches scratchnet's side (bench/bench_train.cpp): the same data
(Fashion-MNIST from Debian's dataset-fashion-mnist, pixels / 255; AReM as
bench_train export-arem wrote it), architecture, initialisation (He normal
before ReLU, Xavier normal otherwise, zero biases), Adam with the same
learning rate, batch size and 2 threads. Samples/s counts the training steps
only (zero_grad, forward, loss, backward, step), as scratchnet's summary does;
scikit-learn's fit() cannot be split, so its figure is the whole fit.

--best is PyTorch's best setting found on this machine: OMP_WAIT_POLICY=PASSIVE
(set by the caller before the interpreter starts, as OpenMP reads it once)
plus one large no-grad pass before timing.
"""

import argparse
import gzip
import json
import os
import resource
import sys
import time
import warnings

import numpy as np

FASHION_DIR = os.environ.get("SCRATCHNET_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
THREADS = 2


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_fashion():
    def part(prefix):
        x = read_idx(f"{FASHION_DIR}/{prefix}-images-idx3-ubyte.gz").astype(np.float32) / 255.0
        y = read_idx(f"{FASHION_DIR}/{prefix}-labels-idx1-ubyte.gz").astype(np.int64)
        return x.reshape(len(x), -1), y
    return part("train") + part("t10k")


def load_arem(folder):
    meta = json.load(open(f"{folder}/meta.json"))
    d = meta["features"]
    xtr = np.fromfile(f"{folder}/train_x.f32", dtype=np.float32).reshape(-1, d)
    ytr = np.fromfile(f"{folder}/train_y.i32", dtype=np.int32).astype(np.int64)
    xte = np.fromfile(f"{folder}/test_x.f32", dtype=np.float32).reshape(-1, d)
    yte = np.fromfile(f"{folder}/test_y.i32", dtype=np.int32).astype(np.int64)
    return xtr, ytr, xte, yte


def workload_data(args):
    if args.workload == "arem":
        return load_arem(args.arem)
    return load_fashion()


# Hidden sizes, activation and learning rate of each MLP workload.
MLPS = {
    "mlp": ([256, 128], "relu", 1e-3),
    "infer": ([256, 128], "relu", 1e-3),
    "arem": ([50, 50, 50], "sigmoid", 0.0017019024512130883),
}


def emit(record):
    print(json.dumps(record), flush=True)


# ----------------------------------------------------------------------------- PyTorch

def init_layer(layer, he):
    """scratchnet's initialisation: He normal before ReLU, Xavier normal otherwise, zero biases."""
    from torch import nn
    if he:
        nn.init.kaiming_normal_(layer.weight, mode="fan_in", nonlinearity="relu")
    else:
        nn.init.xavier_normal_(layer.weight)
    nn.init.zeros_(layer.bias)
    return layer


def torch_model(workload, features, classes):
    from torch import nn
    init = init_layer

    if workload == "lenet":
        return nn.Sequential(
            init(nn.Conv2d(1, 6, 5, padding=2), True), nn.ReLU(), nn.MaxPool2d(2),
            init(nn.Conv2d(6, 16, 5), True), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            init(nn.Linear(400, 120), True), nn.ReLU(),
            init(nn.Linear(120, 84), True), nn.ReLU(),
            init(nn.Linear(84, classes), False))
    hidden, activation, _ = MLPS[workload]
    layers, width = [], features
    for h in hidden:
        layers.append(init(nn.Linear(width, h), activation == "relu"))
        layers.append(nn.ReLU() if activation == "relu" else nn.Sigmoid())
        width = h
    layers.append(init(nn.Linear(width, classes), False))
    return nn.Sequential(*layers)


def run_torch(args):
    import torch
    torch.set_num_threads(THREADS)
    torch.manual_seed(42)
    xtr, ytr, xte, yte = workload_data(args)
    classes = int(ytr.max()) + 1
    shape = (-1, 1, 28, 28) if args.workload == "lenet" else (-1, xtr.shape[1])
    xtr = torch.from_numpy(np.ascontiguousarray(xtr)).reshape(shape)
    xte = torch.from_numpy(np.ascontiguousarray(xte)).reshape(shape)
    ytr, yte = torch.from_numpy(ytr), torch.from_numpy(yte)
    model = torch_model(args.workload, xtr.shape[1], classes)
    variant = "pytorch-best" if args.best else "pytorch"

    if args.workload == "infer":
        model.eval()
        inputs = [xte[i:i + 1].clone() for i in range(1000)]
        context = torch.inference_mode if args.best else torch.no_grad
        with context():
            if args.best:
                model(xtr)  # the large warm-up pass
            for i in range(200):
                model(inputs[i % len(inputs)])
            start = time.perf_counter()
            for i in range(args.samples):
                model(inputs[i % len(inputs)])
            seconds = time.perf_counter() - start
        emit({"peer": variant, "workload": "infer", "batch": 1, "threads": THREADS,
              "samples": args.samples, "us_per_sample": seconds * 1e6 / args.samples,
              "samples_per_second": args.samples / seconds, "peak_rss_mb": peak_rss_mb()})
        return

    lr = 1e-3 if args.workload == "lenet" else MLPS[args.workload][2]
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    if args.best:
        with torch.no_grad():
            model(xtr[:60000])  # the large warm-up pass
    generator = torch.Generator().manual_seed(42)
    n = len(xtr)
    step_seconds, epoch_rates = 0.0, []
    model.train()
    for _ in range(args.epochs):
        order = torch.randperm(n, generator=generator)
        epoch_seconds = 0.0
        for start in range(0, n, args.batch):
            idx = order[start:start + args.batch]
            xb, yb = xtr[idx], ytr[idx]
            t0 = time.perf_counter()
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            epoch_seconds += time.perf_counter() - t0
        step_seconds += epoch_seconds
        epoch_rates.append(round(n / epoch_seconds))
    model.eval()
    with torch.no_grad():
        correct = sum(int((model(xte[i:i + 1024]).argmax(1) == yte[i:i + 1024]).sum())
                      for i in range(0, len(xte), 1024))
    emit({"peer": variant, "workload": args.workload, "batch": args.batch, "epochs": args.epochs,
          "threads": THREADS, "train_samples": n, "step_seconds": step_seconds,
          "samples_per_second": n * args.epochs / step_seconds, "epoch_samples_per_second": epoch_rates,
          "test_accuracy": correct / len(xte), "peak_rss_mb": peak_rss_mb()})


# ----------------------------------------------------------------------------- scikit-learn

def run_sklearn(args):
    from threadpoolctl import threadpool_limits
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    class Classifier(MLPClassifier):
        """MLPClassifier with scratchnet's initialisation: He normal before ReLU,
        Xavier normal otherwise (sklearn draws Glorot uniform), zero biases."""

        def _init_coef(self, fan_in, fan_out, dtype):
            output = fan_out == self.n_outputs_
            var = 2.0 / fan_in if self.activation == "relu" and not output else 2.0 / (fan_in + fan_out)
            coef = self._random_state.normal(0.0, np.sqrt(var), (fan_in, fan_out)).astype(dtype)
            return coef, np.zeros(fan_out, dtype=dtype)

    hidden, activation, lr = MLPS[args.workload]
    xtr, ytr, xte, yte = workload_data(args)
    clf = Classifier(hidden_layer_sizes=tuple(hidden),
                     activation="relu" if activation == "relu" else "logistic",
                     solver="adam", alpha=0.0, batch_size=args.batch, learning_rate_init=lr,
                     max_iter=args.epochs, shuffle=True, tol=0.0, n_iter_no_change=args.epochs + 1,
                     random_state=42)
    with threadpool_limits(limits=THREADS), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if args.workload == "infer":
            clf.set_params(max_iter=1)
            clf.fit(xtr[:1000], ytr[:1000])
            inputs = [xte[i:i + 1] for i in range(1000)]
            for i in range(100):
                clf.predict_proba(inputs[i % len(inputs)])
            samples = min(args.samples, 5000)
            start = time.perf_counter()
            for i in range(samples):
                clf.predict_proba(inputs[i % len(inputs)])
            seconds = time.perf_counter() - start
            emit({"peer": "sklearn", "workload": "infer", "batch": 1, "threads": THREADS,
                  "samples": samples, "us_per_sample": seconds * 1e6 / samples,
                  "samples_per_second": samples / seconds, "peak_rss_mb": peak_rss_mb()})
            return
        start = time.perf_counter()
        clf.fit(xtr, ytr)
        seconds = time.perf_counter() - start
    n = len(xtr)
    emit({"peer": "sklearn", "workload": args.workload, "batch": args.batch, "epochs": args.epochs,
          "threads": THREADS, "train_samples": n, "step_seconds": seconds,
          "samples_per_second": n * args.epochs / seconds,
          "dtype": str(clf.coefs_[0].dtype),
          "test_accuracy": float((clf.predict(xte) == yte).mean()), "peak_rss_mb": peak_rss_mb()})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("peer", choices=["torch", "sklearn"])
    parser.add_argument("workload", choices=["mlp", "lenet", "arem", "infer"])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--samples", type=int, default=20000)
    parser.add_argument("--best", action="store_true")
    parser.add_argument("--arem", default="bench/results/arem")
    args = parser.parse_args()
    (run_torch if args.peer == "torch" else run_sklearn)(args)


if __name__ == "__main__":
    sys.exit(main())
