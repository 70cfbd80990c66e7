"""scratchnet.sklearn.MLPClassifier.fit against scikit-learn's MLPClassifier.fit,
and the Python package's per-call overhead when predicting one sample.

    PYTHONPATH=build/python /usr/bin/python3 bench/python_sklearn.py [--rounds 3] [--only digits-b32,...]

Both estimators train the same network (ReLU hidden layers, softmax output)
with Adam at the same rate, batch size and number of epochs, no L2 term
(alpha=0), no early stopping or tolerance stop (every epoch runs), on the same
rows (already scaled: scaling="none" for scratchnet), with 2 threads each
(scratchnet's kernels: set_num_threads(2); scikit-learn's BLAS through
threadpoolctl). The two fits alternate, `--rounds` times; the table gives the
median wall time of each `fit` and the ratio scikit-learn / scratchnet.

Overhead: `model.predict_proba(x)` on one sample (784 features, the
784-256-128-10 MLP), per call from Python, against the same library work timed
in C++ (Model._library_predict_seconds: the row as a data set and
predict_dataset, no Python in the loop); the difference is what the package
adds per call.
"""

import argparse
import statistics
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SklearnMLP
from threadpoolctl import threadpool_limits

import scratchnet
from scratchnet.sklearn import MLPClassifier

WORKLOADS = {
    # name: (data set, hidden layers, batch, epochs)
    "digits-b32": ("digits", (80, 70), 32, 50),
    "digits-b128": ("digits", (80, 70), 128, 100),
    "fashion-b128": ("fashion-mnist", (256, 128), 128, 2),
    "fashion-b32": ("fashion-mnist", (256, 128), 32, 1),
}


def data(source):
    split = scratchnet.datasets.load_split(source=source, seed=1)
    X = split.X_train.reshape(len(split.X_train), -1)
    if source == "digits":
        X = (X - X.mean(axis=0)) / np.maximum(X.std(axis=0), 1e-6)
    return np.ascontiguousarray(X, dtype=np.float32), split.y_train


def estimators(hidden, batch, epochs):
    common = dict(hidden_layer_sizes=hidden, activation="relu", solver="adam", alpha=0.0, batch_size=batch,
                  learning_rate_init=1e-3, max_iter=epochs, tol=0.0, n_iter_no_change=10**9, random_state=0)
    return {"scratchnet": lambda: MLPClassifier(scaling="none", **common), "sklearn": lambda: SklearnMLP(**common)}


def timed_fit(make, X, y):
    start = time.perf_counter()
    make().fit(X, y)
    return time.perf_counter() - start


def overhead(repeats=20000):
    fashion = scratchnet.datasets.load_split(source="fashion-mnist")
    X = np.ascontiguousarray(fashion.X_train[:2000].reshape(2000, -1))
    model = scratchnet.Model.from_toml({"model": {"layers": [256, 128]}, "data": {"scale": "none"},
                                        "train": {"epochs": 1}})
    model.fit(X, fashion.y_train[:2000], evaluate_train=False)
    x = X[:1].copy()
    for _ in range(2000):
        model.predict_proba(x)
    python = []
    library = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeats):
            model.predict_proba(x)
        python.append((time.perf_counter() - start) / repeats)
        library.append(model._library_predict_seconds(x, repeats))
    return statistics.median(python) * 1e6, statistics.median(library) * 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    scratchnet.set_num_threads(2)
    warnings.simplefilter("ignore", ConvergenceWarning)
    names = [n for n in WORKLOADS if not args.only or n in args.only.split(",")]
    print(f"{'workload':14s} {'rows':>6s} {'scratchnet s':>13s} {'sklearn s':>10s} {'ratio':>6s}")
    with threadpool_limits(2):
        for name in names:
            source, hidden, batch, epochs = WORKLOADS[name]
            X, y = data(source)
            times = {"scratchnet": [], "sklearn": []}
            makers = estimators(hidden, batch, epochs)
            for _ in range(args.rounds):
                for peer, make in makers.items():  # alternating
                    times[peer].append(timed_fit(make, X, y))
            ours, theirs = statistics.median(times["scratchnet"]), statistics.median(times["sklearn"])
            print(f"{name:14s} {len(y):6d} {ours:13.2f} {theirs:10.2f} {theirs / ours:6.2f}x", flush=True)
    python_us, library_us = overhead()
    print(f"\npredict one sample (784-256-128-10): {python_us:.2f} us per call from Python, "
          f"{library_us:.2f} us of it in the library: {python_us - library_us:.2f} us added by the package")


if __name__ == "__main__":
    main()
