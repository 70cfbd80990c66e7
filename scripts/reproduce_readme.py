#!/usr/bin/python3
"""Re-runs every recipe and experiment the README quotes and rewrites the
README's figures (and docs/figures/) from their outputs (issue 16), so the
README is regenerated, not hand-edited. Called by scripts/reproduce-readme.sh;
see there for the options.

Each piece below runs its commands into WORK/<piece> and returns the README
edits it makes: a table cell rewritten whole (the wording lives here, with the
numbers filled in) or a figure inside a sentence (a regular expression whose
groups are the numbers). A sentence of the wording that the new numbers no
longer support (a `claim`) is reported at the end: edit the wording here.
Figures this script does not make: the Speed table and the diagnostics' cost
(bench/run.sh, bench_train), the fuzzers' counts (scripts/fuzz.sh).
"""

import argparse
import csv
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


class Context:
    """Where a piece runs and how large: --quick shrinks every run to a smoke test."""

    def __init__(self, binary, work, quick, jobs):
        self.binary, self.work, self.quick, self.jobs = binary, work, quick, jobs
        self.claims_failed = []
        self.figures = []  # (docs/figures name, source file)

    def run(self, *args, env=None):
        started = time.monotonic()
        full_env = dict(os.environ, **(env or {}))
        done = subprocess.run([str(a) for a in args], cwd=ROOT, env=full_env, capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
            raise SystemExit(f"reproduce-readme: failed ({done.returncode}): {' '.join(map(str, args))}")
        return done.stdout, time.monotonic() - started

    def quick_args(self, fashion=False):
        """Smoke-test sizes: two epochs; Fashion-MNIST cut to 2,000 training images."""
        if not self.quick:
            return []
        return ["--epochs", "2"] + (["--train-limit", "2000"] if fashion else [])

    def train(self, recipe, name, *extra, fashion=False):
        out = os.path.join(self.work, name)
        shutil.rmtree(out, ignore_errors=True)
        self.run(self.binary, "train", recipe, "--out", out, *extra, *self.quick_args(fashion))
        return summary(out)

    def compare(self, name, *extra, fashion=False):
        out = os.path.join(self.work, name)
        shutil.rmtree(out, ignore_errors=True)
        quick = ["--repeats", "1"] + self.quick_args(fashion) if self.quick else []
        _, seconds = self.run(self.binary, "compare", f"experiments/{name}.toml", "--out", out, *extra, *quick)
        return out, read_csv(os.path.join(out, "results.csv")), seconds

    def search(self, name, fashion=False):
        out = os.path.join(self.work, name)
        shutil.rmtree(out, ignore_errors=True)
        quick = ["--trials", "4", "--refine-trials", "2"] + self.quick_args(fashion) if self.quick else []
        _, seconds = self.run(self.binary, "search", f"experiments/{name}.toml", "--out", out, *quick)
        return out, read_csv(os.path.join(out, "results.csv")), seconds

    def epochs(self, configured):
        return 2 if self.quick else configured

    def claim(self, holds, piece, sentence):
        """A smoke test's two epochs prove nothing about the wording: checked on full runs only."""
        if not holds and not self.quick:
            self.claims_failed.append(f"{piece}: the README says '{sentence}', the new figures do not")

    def figure(self, docs_name, source):
        self.figures.append((docs_name, source))
        return f"docs/figures/{docs_name}"


def summary(run_dir):
    with open(os.path.join(run_dir, "summary.json")) as f:
        return json.load(f)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def experiment_setting(name, section, key):
    with open(os.path.join(ROOT, "experiments", f"{name}.toml"), "rb") as f:
        return tomllib.load(f)[section][key]


def row(rows, **match):
    """The one results row whose varied keys have these values (keys with _ for .)."""
    wanted = {k.replace("__", "."): str(v) for k, v in match.items()}
    found = [r for r in rows if all(r.get(k, "").strip('"') == v for k, v in wanted.items())]
    if len(found) != 1:
        raise SystemExit(f"reproduce-readme: {len(found)} results rows match {wanted}")
    return found[0]


def acc(r, key="test_accuracy"):
    return float(r[key])


def f3(x):
    return f"{x:.3f}"


def short_e(x):
    """8.7e-3 rather than 8.7e-03."""
    mantissa, exponent = f"{x:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


# --- README edits ---

def cell(first, column, text):
    """Rewrite column `column` (0-based) of the table row whose first cell is `first`."""
    return ("cell", first, column, text)


def sentence(pattern, *values):
    """Replace the groups of `pattern` (which must match once) with `values`."""
    return ("sentence", pattern, values)


def apply_edit(readme, edit):
    if edit[0] == "cell":
        _, first, column, text = edit
        lines = readme.split("\n")
        hits = [i for i, line in enumerate(lines) if line.startswith(f"| {first} |")]
        if len(hits) != 1:
            raise SystemExit(f"reproduce-readme: {len(hits)} README table rows start with '{first}'")
        cells = lines[hits[0]].strip("|").split(" | ")
        cells[column] = text
        lines[hits[0]] = "| " + " | ".join(c.strip() for c in cells) + " |"
        return "\n".join(lines)
    _, pattern, values = edit
    matches = list(re.finditer(pattern, readme, flags=re.M))
    if len(matches) != 1:
        raise SystemExit(f"reproduce-readme: the README has {len(matches)} matches of {pattern!r}")
    m = matches[0]
    out, at = [], m.start()
    for group, value in enumerate(values, start=1):
        out += [readme[at:m.start(group)], str(value)]
        at = m.end(group)
    return readme[: m.start()] + "".join(out) + readme[at:]


# --- the recipes ---

def recipe_cell(name, text):
    return cell(f"`recipes/{name}.toml`", 2, text)


def piece_arem_mlp(c):
    s = c.train("recipes/arem-mlp.toml", "arem-mlp")
    return [recipe_cell("arem-mlp", f"test accuracy {f3(s['test_accuracy'])} after {s['epochs']} epochs "
                                    f"({s['train_seconds']:.0f} s); the seed reports 0.765-0.772")]


def piece_digits_mlp(c):
    first = c.train("recipes/digits-mlp.toml", "digits-mlp")
    seeds = [first["test_accuracy"]] + [
        c.train("recipes/digits-mlp.toml", f"digits-mlp-seed{s}", "--seed", s)["test_accuracy"]
        for s in (2, 3, 4, 5, 42)]
    return [recipe_cell("digits-mlp", f"test accuracy {f3(first['test_accuracy'])} "
                                      f"(seeds 1-5, 42: {f3(min(seeds))}-{f3(max(seeds))})")]


def piece_arem_early_stopping(c):
    s = c.train("recipes/arem-early-stopping.toml", "arem-early-stopping")
    planned = c.epochs(500)
    if s["stopped_early"]:
        text = f"stops at epoch {s['epochs']} of {planned}, restores epoch {s['best_epoch']}, test {f3(s['test_accuracy'])}"
    else:
        text = f"runs all {planned} epochs (no early stop), keeps epoch {s['best_epoch']}, test {f3(s['test_accuracy'])}"
        c.claim(False, "arem-early-stopping", "early stopping stops the run")
    return [recipe_cell("arem-early-stopping", text)]


def piece_overfit_digits(c):
    edits, gaps = [], []
    for name in ("overfit-digits", "overfit-digits-weight-decay", "overfit-digits-dropout"):
        s = c.train(f"recipes/{name}.toml", name)
        train, test = s["train_accuracy"], s["test_accuracy"]
        gaps.append(train - test)
        edits.append(recipe_cell(name, f"train {f3(train)}, test {f3(test)} (gap {f3(train - test)})"))
    c.claim(gaps[0] > max(gaps[1:]), "overfit-digits", "weight decay and dropout narrow the gap")
    return edits


def piece_mlp_fashion(c):
    s = c.train("recipes/mlp-fashion.toml", "mlp-fashion", fashion=True)
    return [recipe_cell("mlp-fashion", f"test accuracy {f3(s['test_accuracy'])}")]


def piece_lenet_resnet_recipes(c):
    lenet = c.train("recipes/lenet5-fashion.toml", "lenet5-fashion", fashion=True)
    resnet = c.train("recipes/resnet-small-fashion.toml", "resnet-small-fashion", fashion=True)
    epochs = lenet["epochs"]
    c.claim(resnet["test_accuracy"] > lenet["test_accuracy"], "resnet-small-fashion",
            "the ResNet is more accurate than LeNet-5")
    return [
        recipe_cell("lenet5-fashion", f"test accuracy {f3(lenet['test_accuracy'])}, {lenet['train_seconds']:.1f} s "
                                      f"for the {epochs} epochs with evaluation (training steps: "
                                      f"{lenet['samples_per_second'] / 1000:.1f}k samples/s)"),
        recipe_cell("resnet-small-fashion",
                    f"test accuracy {f3(resnet['test_accuracy'])} after {resnet['epochs']} epochs (LeNet-5: "
                    f"{f3(lenet['test_accuracy'])}), but {resnet['train_seconds']:.0f} s for them "
                    f"({resnet['samples_per_second'] / 1000:.1f}k samples/s) against LeNet-5's "
                    f"{lenet['train_seconds']:.1f} s"),
    ]


# --- the experiments ---

def experiment_cells(c, name, text, figures, first=None):
    """The 'what it shows' and 'figure' cells of an experiment's row; figures:
    (link text, docs/figures name, file of the experiment's folder)."""
    links = ", ".join(f"[{label}]({c.figure(docs, os.path.join(c.work, name, source))})"
                      for label, docs, source in figures)
    key = f"`{first or name}.toml`"
    return [cell(key, 2, text), cell(key, 3, links)]


def test_accuracy_figure(name):
    return [("test accuracy per epoch", f"{name}-test-accuracy.png", "test_accuracy.png")]


def loss_figure(name):
    return [("loss per iteration", f"{name}-loss.png", "loss_per_iteration.png")]


def piece_arem_scaling(c):
    _, rows, _ = c.compare("arem-scaling")
    none, standard, minmax = (acc(row(rows, data__scale=v)) for v in ("none", "standard", "minmax"))
    c.claim(standard > max(none, minmax), "arem-scaling", "standard scaling beats min-max and none")
    epochs = c.epochs(experiment_setting("arem-scaling", "train", "epochs"))
    return experiment_cells(c, "arem-scaling", f"seed 000: standard scaling beats min-max and none (test "
                            f"{f3(standard)} vs {f3(minmax)} and {f3(none)} at {epochs} epochs)",
                            test_accuracy_figure("arem-scaling"))


def piece_arem_layers_optimizers(c):
    name = "arem-layers-optimizers"
    _, rows, _ = c.compare(name)
    best = max(rows, key=acc)
    adam = acc(row(rows, model__layers="50,50,50", train__optimizer="adam"))
    rmsprop = max(acc(r) for r in rows if r["train.optimizer"] == "rmsprop")
    momentum = [acc(r) for r in rows if r["train.optimizer"] == "momentum"]
    c.claim(acc(best) == adam, name, "[50,50,50] with Adam best")
    c.claim(adam - rmsprop < 0.02, name, "RMSProp close")
    c.claim(max(momentum) < rmsprop, name, "Momentum behind")
    epochs = c.epochs(experiment_setting(name, "train", "epochs"))
    return experiment_cells(c, name, f"seed 000: [30,30], [50,50], [50,50,50] x Momentum/RMSProp/Adam; [50,50,50] "
                            f"with Adam best (test {f3(adam)} at {epochs} epochs), RMSProp close, Momentum "
                            f"~{sum(momentum) / len(momentum):.2f}", test_accuracy_figure(name))


def piece_arem_activations(c):
    name = "arem-activations"
    _, rows, _ = c.compare(name)
    sig, relu, leaky = (row(rows, model__activation=v) for v in ("sigmoid", "relu", "leaky_relu"))
    gap = lambda r: acc(r, "train_accuracy") - acc(r)  # noqa: E731
    c.claim(gap(relu) > gap(sig), name, "ReLU over-fits more")
    return experiment_cells(c, name, f"seed 000: sigmoid {f3(acc(sig))}, ReLU {f3(acc(relu))}, leaky ReLU "
                            f"{f3(acc(leaky))} test; ReLU over-fits more (train {f3(acc(relu, 'train_accuracy'))} vs "
                            f"{f3(acc(sig, 'train_accuracy'))})",
                            [("train and test accuracy per epoch", f"{name}-learning-curves.png",
                              "learning_curves.png")])


def piece_arem_dropout(c):
    name = "arem-dropout"
    _, rows, _ = c.compare(name)
    a = [acc(row(rows, model__dropout=v)) for v in ("0", "0.1", "0.2")]
    c.claim(a[0] > a[1] > a[2], name, "dropout lowers test accuracy")
    return experiment_cells(c, name, f"seed 000: dropout 0 / 0.1 / 0.2 lowers test accuracy ({f3(a[0])} / "
                            f"{f3(a[1])} / {f3(a[2])}), as the report found", test_accuracy_figure(name))


def piece_arem_lr_search(c):
    name = "arem-lr-search"
    out, _, _ = c.search(name)
    with open(os.path.join(out, "report.html")) as f:
        m = re.search(r"Second pass ranges: train\.lr=log:([0-9.e+-]+?):([0-9.e+-]+?)\.?(?:;|\s|$)", f.read())
    if not m:
        raise SystemExit(f"reproduce-readme: {name}: no second-pass range in report.html")
    best = summary(os.path.join(out, "best"))["test_accuracy"]
    return experiment_cells(c, name, f"seed 000: learning rate on a log scale 1e-9..1e-1, then a second pass "
                            f"narrowed to {short_e(float(m.group(1)))}..{short_e(float(m.group(2)))}; best config "
                            f"tested once: {f3(best)}",
                            [("validation score vs lr", f"{name}-score-vs-lr.png", "score_vs_lr.png")])


def piece_digits_optimizers(c):
    name = "digits-optimizers"
    _, rows, _ = c.compare(name)
    a = [f3(acc(row(rows, train__optimizer=v))) for v in ("sgd", "momentum", "adagrad", "rmsprop", "adam")]
    seeds = 1 if c.quick else experiment_setting(name, "experiment", "repeats")
    return experiment_cells(c, name, f"seed 001: SGD {a[0]}, Momentum {a[1]}, AdaGrad {a[2]}, RMSProp {a[3]}, "
                            f"Adam {a[4]} test accuracy ({f'mean of {seeds} seeds' if seeds > 1 else 'one seed'})", loss_figure(name))


def piece_sine_activations(c):
    name = "sine-activations"
    _, rows, _ = c.compare(name)
    loss = lambda r: float(r["test_loss"])  # noqa: E731
    family = [min(loss(r) for r in rows if r["model.activation"] == a) for a in ("relu", "leaky_relu")]
    c.claim(min(family) <= min(loss(r) for r in rows), name, "best with ReLU-family")
    return experiment_cells(c, name, f"seed 002: sigmoid/tanh/ReLU/leaky ReLU x SGD/Adam x batch 1/8, test MSE "
                            f"(best {min(family):.4f}-{max(family):.4f} with ReLU-family; noise variance 0.01)",
                            [("test MSE per epoch", f"{name}-test-loss.png", "test_loss.png")])


def piece_or_xor(c):
    name = "or-xor-perceptron"
    _, rows, _ = c.compare(name)
    a = {(d, l): acc(row(rows, data__source=d, model__layers=l)) for d in ("or", "xor") for l in ("none", "8")}
    learns = a["or", "none"] > 0.9 and a["xor", "none"] < 0.75 and min(a["or", "8"], a["xor", "8"]) > 0.9
    c.claim(learns, name, "a perceptron learns OR but not XOR; one hidden layer learns both")
    return experiment_cells(c, name, f"seed 002: a perceptron learns OR ({a['or', 'none']:.2f}) but not XOR "
                            f"({a['xor', 'none']:.2f}); one hidden layer learns both ({a['or', '8']:.2f}, "
                            f"{a['xor', '8']:.2f})",
                            [("test accuracy per epoch", "or-xor-test-accuracy.png", "test_accuracy.png")], name)


def piece_lr_step_decay(c):
    name = "lr-step-decay"
    _, rows, _ = c.compare(name)
    const, step = row(rows, train__lr_schedule="constant"), row(rows, train__lr_schedule="step:40:0.1")
    seeds = 1 if c.quick else experiment_setting(name, "experiment", "repeats")
    accuracy = (f"same test accuracy {f3(acc(step))}" if f3(acc(step)) == f3(acc(const))
                else f"test accuracy {f3(acc(step))} vs {f3(acc(const))}")
    lower = float(step["test_loss"]) < float(const["test_loss"])
    return experiment_cells(c, name, f"seed 003: step decay x0.1 at epoch 40 vs constant (digits, {seeds} seed{'s' if seeds > 1 else ''}: "
                            f"{accuracy}, {'slightly lower' if lower else 'higher'} test loss)",
                            test_accuracy_figure(name))


def test_curve(run_dir):
    return [float(r["test_accuracy"]) for r in read_csv(os.path.join(run_dir, "metrics.csv"))]


def piece_lenet_vs_resnet(c):
    name = "lenet-vs-resnet"
    out, rows, _ = c.compare(name, fashion=True)
    lenet = next(r for r in rows if "lenet5" in r["config"])
    resnet = next(r for r in rows if "resnet" in r["config"])
    runs = sorted(glob.glob(os.path.join(out, "runs", "*")))
    # By the run folder's own name: the experiment's folder name holds both words.
    lenet_curve = test_curve(next(d for d in runs if "lenet5" in os.path.basename(d)))
    resnet_curve = test_curve(next(d for d in runs if "resnet" in os.path.basename(d)))
    c.claim(all(r > l for r, l in zip(resnet_curve, lenet_curve)), name, "the ResNet ahead at every epoch")
    ls, rs = float(lenet["seconds"]), float(resnet["seconds"])
    return experiment_cells(c, name, f"seed 003: LeNet-5 vs the small ResNet on Fashion-MNIST, {len(lenet_curve)} "
                            f"epochs: the ResNet ahead at every epoch (test {f3(acc(resnet))} vs {f3(acc(lenet))}, "
                            f"figure below), at {rs / ls:.0f}x the time ({rs:.0f} s vs {ls:.1f} s, `--threads 2`)",
                            test_accuracy_figure(name))


def piece_fashion_optimizers(c):
    name = "fashion-optimizers"
    _, rows, _ = c.compare(name, fashion=True)
    a = {v: acc(row(rows, train__optimizer=v)) for v in ("sgd", "momentum", "adagrad", "adam")}
    c.claim(a["sgd"] < min(a["momentum"], a["adagrad"], a["adam"]), name, "SGD falls slowest")
    epochs = c.epochs(experiment_setting(name, "train", "epochs"))
    return experiment_cells(c, name, f"seed 004: loss per iteration of SGD/Momentum/AdaGrad/Adam (figure below): "
                            f"SGD falls slowest; test {f3(a['sgd'])} vs {f3(a['momentum'])}/{f3(a['adagrad'])}/"
                            f"{f3(a['adam'])} after {epochs} epochs", loss_figure(name))


def piece_fashion_init(c):
    name = "fashion-init"
    _, rows, _ = c.compare(name, fashion=True)
    small, xavier, he = (acc(row(rows, model__init=v)) for v in ("normal:0.01", "xavier", "he"))
    c.claim(small < 0.2, name, "std 0.01 does not learn")
    order = (f"He ({f3(he)}) ahead of Xavier ({f3(xavier)})" if he >= xavier
             else f"Xavier ({f3(xavier)}) ahead of He ({f3(he)})")
    epochs = c.epochs(experiment_setting(name, "train", "epochs"))
    return experiment_cells(c, name, f"seed 004: std 0.01 does not learn (test {f3(small)}), {order} after "
                            f"{epochs} epochs of SGD", loss_figure(name))


def piece_fashion_batchnorm(c):
    name = "fashion-batchnorm"
    _, rows, _ = c.compare(name)
    scales = ["1", "0.3", "0.1", "0.03", "0.01", "0.003"]
    pair = {s: (row(rows, model__init=f"normal:{s}", model__batch_norm="true"),
                row(rows, model__init=f"normal:{s}", model__batch_norm="false")) for s in scales}
    # results.csv leaves a diverged run's accuracies empty.
    diverged = lambda r: not r["test_accuracy"]  # noqa: E731
    score = lambda r: -1.0 if diverged(r) else acc(r)  # noqa: E731
    ahead = sum(score(on) > score(off) for on, off in pair.values())
    on, off = pair["0.01"]
    std1 = "diverges" if diverged(pair["1"][1]) else f"reaches {f3(score(pair['1'][1]))}"
    count = "all six" if ahead == 6 else f"{ahead} of six"
    return experiment_cells(c, name, f"seed 004: batch norm on/off across six initial weight scales; with batch norm "
                            f"ahead at {count} (e.g. std 0.01: {f3(acc(on))} vs {f3(acc(off))}; std 1 without it "
                            f"{std1})", test_accuracy_figure(name))


def piece_fashion_overfitting(c):
    name = "fashion-overfitting"
    _, rows, _ = c.compare(name)
    cells = {}
    for label, decay, dropout in (("plain", "0", "0"), ("decay", "0.1", "0"), ("dropout", "0", "0.2")):
        r = row(rows, train__weight_decay=decay, model__dropout=dropout)
        cells[label] = (f3(acc(r, 'train_accuracy')), f3(acc(r)))
    plain = f"train {cells['plain'][0]} / test {cells['plain'][1]}"
    cells = {k: " / ".join(v) for k, v in cells.items()}
    images = experiment_setting(name, "data", "train_limit")
    return experiment_cells(c, name, f"seed 004: {images} images: {plain} (seed 004: 0.997 / 0.754); "
                            f"weight decay 0.1: {cells['decay']}; dropout 0.2: {cells['dropout']}",
                            test_accuracy_figure(name))


def piece_fashion_init_activations(c):
    name = "fashion-init-activations"
    out, rows, seconds = c.compare(name, fashion=True)
    epochs = c.epochs(experiment_setting(name, "train", "epochs"))
    figures = []
    for activation, label in (("sigmoid", "sigmoid"), ("relu", "ReLU")):
        found = sorted(glob.glob(os.path.join(out, f"activation_histograms-*{activation}*.png")))
        found = [f for f in found if activation != "relu" or "leaky" not in f]
        if len(found) != 1:
            raise SystemExit(f"reproduce-readme: {name}: {len(found)} histogram figures for {activation}")
        figures.append((label, f"{name}-{activation}.png", os.path.basename(found[0])))
    return experiment_cells(c, name, f"the book's chapter 6: histograms of each of 5 hidden layers' outputs at "
                            f"initialisation, sigmoid or ReLU x std 1 / std 0.01 / Xavier / He ({len(rows)} runs of "
                            f"{epochs} epochs, {seconds:.0f} s)", figures)


def piece_fashion_search(c):
    name = "fashion-search"
    out, rows, seconds = c.search(name)
    best = min(rows, key=lambda r: -float(r["val_accuracy"]))
    trials = 4 if c.quick else experiment_setting(name, "experiment", "trials")
    top = experiment_setting(name, "experiment", "top")
    return experiment_cells(c, name, f"seed 004: lr x weight decay random search, {trials} trials on both cores in "
                            f"{seconds:.0f} s, top {top} (best lr {float(best['train.lr']):.2g}, as seed 004's 0.0087)",
                            [("validation score vs lr", f"{name}-score-vs-lr.png", "score_vs_lr.png")])


# --- figures inside sentences ---

def piece_iris_cv(c):
    out = os.path.join(c.work, "iris-cv")
    shutil.rmtree(out, ignore_errors=True)
    epochs = ["--epochs", "60"] if not c.quick else ["--epochs", "2"]
    printed, _ = c.run(c.binary, "train", "--data", "data/iris/iris.csv", "--label", "species", "--cv", "5",
                       *epochs, "--out", out)
    cv = next(line for line in printed.splitlines() if line.startswith("cross-validation ("))
    final = next(line.strip() for line in printed.splitlines() if line.strip().startswith("final:"))
    # The README shows the first two of the folds' metrics.
    cv = ", ".join(cv.split(", ")[:2]) + ", ..."
    return [sentence(r"^    \$ \./build/scratchnet train --data data/iris/iris\.csv .*\n    (.*)\n    (.*)$", cv, final)]


def piece_image_folder(c):
    folder = os.path.join(c.work, "fashion-png")
    if not os.path.isdir(os.path.join(folder, "test")):
        c.run(os.path.join(ROOT, "scripts", "export-image-folder"), "fashion-mnist", folder,
              env={"BUILD_DIR": os.path.dirname(c.binary)})
    png = c.train("recipes/lenet5-fashion.toml", "lenet5-png-folder", "--data", folder, fashion=True)
    idx = c.train("recipes/lenet5-fashion.toml", "lenet5-idx", fashion=True)
    return [sentence(r"Fashion-MNIST PNG folder\nreached (\d\.\d+) test accuracy, from the IDX files (\d\.\d+)\.",
                     f"{png['test_accuracy']:.4f}", f"{idx['test_accuracy']:.4f}")]


def pytest_output(c, test, *select, env=None):
    printed, _ = c.run("/usr/bin/python3", "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "-W", "ignore",
                       os.path.join(ROOT, "tests", "python", test), *select,
                       env=dict(env or {}, SCRATCHNET_BINARY=c.binary, SCRATCHNET_SOURCE_DIR=ROOT))
    return printed


def piece_tabular_vs_sklearn(c):
    printed = pytest_output(c, "test_tabular_vs_sklearn.py")
    ours = re.search(r"^scratchnet (\d\.\d+)", printed, flags=re.M).group(1)
    theirs = re.search(r"^scikit-learn (\d\.\d+)", printed, flags=re.M).group(1)
    return [sentence(r"`--data F --label L` alone reached (\d\.\d+) mean test accuracy over 5 split seeds against\n"
                     r"scikit-learn's (\d\.\d+)", f"{float(ours):.3f}", f"{float(theirs):.3f}")]


def piece_pytorch_lenet(c):
    pattern = r"test accuracy (\d\.\d+) in PyTorch, (\d\.\d+) in scratchnet eval"
    select = ["-k", "lenet5_trained_in_pytorch"]
    full = re.search(pattern, pytest_output(c, "test_torch_training.py", *select,
                                            env={"SCRATCHNET_TORCH_TRAIN_SAMPLES": "2000" if c.quick else "all"}))
    ci = re.search(pattern, pytest_output(c, "test_torch_training.py", *select))
    both = ci.group(1) if ci.group(1) == ci.group(2) else None
    return [sentence(r"scores (\d\.\d+) test accuracy in PyTorch and (\d\.\d+) in\n`scratchnet eval`",
                     full.group(1), full.group(2)),
            sentence(r"\(the CI test trains on 6,000 images: (.*?)\)\.",
                     f"{both} in both" if both else f"{ci.group(1)} in PyTorch, {ci.group(2)} in scratchnet")]


PIECES = {
    "arem-mlp": piece_arem_mlp,
    "digits-mlp": piece_digits_mlp,
    "arem-early-stopping": piece_arem_early_stopping,
    "overfit-digits": piece_overfit_digits,
    "mlp-fashion": piece_mlp_fashion,
    "lenet5-resnet": piece_lenet_resnet_recipes,
    "arem-scaling": piece_arem_scaling,
    "arem-layers-optimizers": piece_arem_layers_optimizers,
    "arem-activations": piece_arem_activations,
    "arem-dropout": piece_arem_dropout,
    "arem-lr-search": piece_arem_lr_search,
    "digits-optimizers": piece_digits_optimizers,
    "sine-activations": piece_sine_activations,
    "or-xor-perceptron": piece_or_xor,
    "lr-step-decay": piece_lr_step_decay,
    "lenet-vs-resnet": piece_lenet_vs_resnet,
    "fashion-optimizers": piece_fashion_optimizers,
    "fashion-init": piece_fashion_init,
    "fashion-batchnorm": piece_fashion_batchnorm,
    "fashion-overfitting": piece_fashion_overfitting,
    "fashion-init-activations": piece_fashion_init_activations,
    "fashion-search": piece_fashion_search,
    "iris-cv": piece_iris_cv,
    "image-folder": piece_image_folder,
    "tabular-vs-sklearn": piece_tabular_vs_sklearn,
    "pytorch-lenet": piece_pytorch_lenet,
}
# Too large for a smoke test (70,000 PNG files; PyTorch training): --quick skips them.
FULL_ONLY = {"image-folder", "pytorch-lenet", "tabular-vs-sklearn"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--binary", default=os.path.join(ROOT, "build", "scratchnet"))
    parser.add_argument("--work", default="")
    parser.add_argument("--readme", default="")
    args = parser.parse_args()
    if args.list:
        for name in PIECES:
            print(name + ("  (full runs only)" if name in FULL_ONLY else ""))
        return 0
    only = [n for n in args.only.split(",") if n]
    for name in only:
        if name not in PIECES:
            raise SystemExit(f"reproduce-readme: no piece '{name}' (--list shows them)")
    selected = [n for n in PIECES if (not only or n in only) and not (args.quick and n in FULL_ONLY and not only)]
    work = args.work or os.path.join(ROOT, "build", "reproduce-readme-quick" if args.quick else "reproduce-readme")
    os.makedirs(work, exist_ok=True)
    # A quick run proves the pipeline and leaves the tree alone: it writes a
    # copy of the README and its figures under WORK.
    readme_out = args.readme or (os.path.join(work, "README.md") if args.quick else os.path.join(ROOT, "README.md"))
    figures_dir = os.path.join(os.path.dirname(readme_out), "docs", "figures")
    c = Context(os.path.abspath(args.binary), work, args.quick, 2)
    with open(os.path.join(ROOT, "README.md")) as f:
        original = readme = f.read()
    for name in selected:
        started = time.monotonic()
        print(f"== {name}", flush=True)
        for edit in PIECES[name](c):
            readme = apply_edit(readme, edit)
        print(f"   {time.monotonic() - started:.0f} s", flush=True)
    os.makedirs(figures_dir, exist_ok=True)
    for docs_name, source in c.figures:
        shutil.copyfile(source, os.path.join(figures_dir, docs_name))
    if not only and not args.quick:
        # Figures no README line links any more (a renamed figure) go.
        for path in glob.glob(os.path.join(figures_dir, "*")):
            if f"docs/figures/{os.path.basename(path)}" not in readme:
                os.remove(path)
    with open(readme_out, "w") as f:
        f.write(readme)
    diff = subprocess.run(["diff", "-u", "--label", "README.md (before)", "--label", "README.md (after)", "-",
                           readme_out], input=original, text=True, capture_output=True).stdout
    print(diff or "README unchanged")
    print(f"README written to {readme_out}, {len(c.figures)} figures to {figures_dir}")
    if c.claims_failed:
        print("\nThe wording no longer holds (edit it in scripts/reproduce_readme.py and the README):")
        for line in c.claims_failed:
            print("  " + line)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
