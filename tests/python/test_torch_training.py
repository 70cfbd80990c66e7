"""PyTorch-trained weights in scratchnet, and scratchnet's update rules
against PyTorch's (issue 15). Needs Debian's python3-torch; does not need
scratchnet's Python package (everything goes through the `scratchnet` tool).

1. LeNet-5 as the nn.Sequential of scratchnet's documented mapping
   (include/scratchnet/io/layer_interchange.h), trained in PyTorch for one
   epoch on Fashion-MNIST ($SCRATCHNET_TORCH_TRAIN_SAMPLES training images,
   default 6000, all 60,000 with "all"), saved with the safetensors writer of
   interchange_support.py, imported with `scratchnet import --like
   recipes/lenet5-fashion.toml`: `scratchnet eval` gives PyTorch's test
   accuracy, and `scratchnet predict` PyTorch's probabilities.
2. Three full-batch training steps from identical weights on identical data,
   for every optimizer, without and with weight decay: scratchnet (`train
   --init-from`, 3 epochs of one batch) and PyTorch end with the same weights
   and batch-norm statistics. Conventions mapped:
   - weight decay: scratchnet decays weights only (not biases, not batch
     norm's gamma and beta): PyTorch gets two parameter groups;
   - momentum: scratchnet keeps v = mu v - lr g and adds it (the book's form),
     PyTorch keeps buf = mu buf + g and subtracts lr buf: v = -lr buf, the
     same steps at a constant rate; nesterov is PyTorch's nesterov form;
   - eps: AdaGrad, RMSProp and Adam add eps outside the square root in both
     (scratchnet's AdaGrad/RMSProp default 1e-7, given to PyTorch explicitly);
   - RMSProp's rho is PyTorch's alpha; AdamW decays by lr * lambda * w in both;
   - batch norm: scratchnet's momentum 0.9 (keep 0.9 of the running value) is
     PyTorch's momentum 0.1; both update the running variance with the unbiased
     batch variance.

Run by ctest (python.torch_training, label python) with pytest; $SCRATCHNET_BINARY and
$SCRATCHNET_SOURCE_DIR say where the tool and the sources are.
"""

import json
import os
import sys

import pytest

torch = pytest.importorskip("torch")
import numpy as np  # noqa: E402
from torch import nn  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from interchange_support import (ROOT, Scratchnet, fashion_images, read_safetensors, softmax,  # noqa: E402
                                 write_safetensors)

STEP_TOLERANCE = 1e-5


def lenet5():
    """LeNet-5 of recipes/lenet5-fashion.toml, module by module as scratchnet maps it."""
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, stride=1, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, kernel_size=5, stride=1, padding=0), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def state_numpy(module):
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


def test_lenet5_trained_in_pytorch_scores_the_same_in_scratchnet(tool):
    work = tool.work_dir
    samples = os.environ.get("SCRATCHNET_TORCH_TRAIN_SAMPLES", "6000")
    count = 60000 if samples == "all" else int(samples)
    torch.manual_seed(0)
    x_train, y_train = fashion_images(count, "train")
    x_test, y_test = fashion_images(10000, "t10k")
    model = lenet5()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    order = torch.randperm(len(x_train))
    xs, ys = torch.from_numpy(x_train), torch.from_numpy(y_train)
    model.train()
    for start in range(0, len(order), 64):
        batch = order[start:start + 64]
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(xs[batch]), ys[batch]).backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(x_test)).numpy()
    torch_accuracy = float((logits.argmax(axis=1) == y_test).mean())

    weights = os.path.join(work, "lenet-pytorch.safetensors")
    write_safetensors(weights, state_numpy(model), {"format": "pt"})
    imported = os.path.join(work, "lenet-from-pytorch.snm")
    recipe = os.path.join(ROOT, "recipes", "lenet5-fashion.toml")
    print(tool.run("import", weights, "--like", recipe, "-o", imported).strip())
    report = json.loads(tool.run("eval", "--model", imported, "--json"))
    assert report["samples"] == 10000, report["data"]
    scratchnet_accuracy = report["accuracy"]
    _, probabilities = tool.predict(imported, x_test[:64])
    difference = np.abs(probabilities - softmax(logits[:64].astype(np.float64))).max()
    print(f"LeNet-5 trained in PyTorch on {count} images for one epoch: test accuracy {torch_accuracy:.4f} in "
          f"PyTorch, {scratchnet_accuracy:.4f} in scratchnet eval; probabilities differ by {difference:.1e}")
    # The accuracies agree to the sample unless a test image sits on a tie between two classes.
    assert abs(torch_accuracy - scratchnet_accuracy) <= 1.5 / 10000, (torch_accuracy, scratchnet_accuracy)
    assert difference < 1e-5, difference


# --- one training step, scratchnet against PyTorch ---

OPTIMIZERS = {
    # name: (learning rate, scratchnet flags, PyTorch optimizer over param groups). The adaptive
    # rules normalise each step (RMSProp's first is lr / sqrt(1 - rho) times the gradient's sign):
    # their rates keep steps near 0.05, where float32 rounding of small gradients stays below the
    # tolerance.
    "sgd": (0.05, [], lambda groups, lr: torch.optim.SGD(groups, lr=lr)),
    "momentum": (0.05, ["--momentum", "0.9"], lambda groups, lr: torch.optim.SGD(groups, lr=lr, momentum=0.9)),
    "nesterov": (0.05, ["--momentum", "0.9"],
                 lambda groups, lr: torch.optim.SGD(groups, lr=lr, momentum=0.9, nesterov=True)),
    "adagrad": (0.05, ["--eps", "1e-7"], lambda groups, lr: torch.optim.Adagrad(groups, lr=lr, eps=1e-7)),
    "rmsprop": (0.005, ["--rho", "0.99", "--eps", "1e-7"],
                lambda groups, lr: torch.optim.RMSprop(groups, lr=lr, alpha=0.99, eps=1e-7)),
    "adam": (0.02, ["--beta1", "0.9", "--beta2", "0.999", "--eps", "1e-8"],
             lambda groups, lr: torch.optim.Adam(groups, lr=lr, betas=(0.9, 0.999), eps=1e-8)),
    "adamw": (0.02, ["--beta1", "0.9", "--beta2", "0.999", "--eps", "1e-8"],
              lambda groups, lr: torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.999), eps=1e-8)),
}
STEPS = 3


def step_network():
    """The network of step_config(), as scratchnet maps it: dense + tanh, batch norm, dense."""
    return nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.BatchNorm1d(5, eps=1e-5, momentum=0.1), nn.Linear(5, 3))


def step_data(work):
    rng = np.random.default_rng(15)
    x = rng.standard_normal((32, 4)).astype(np.float32)
    y = rng.integers(0, 3, 32)
    path = os.path.join(work, "steps.csv")
    with open(path, "w") as f:
        f.write("f0,f1,f2,f3,label\n")
        for row, label in zip(x, y):
            f.write(",".join(f"{v:.9g}" for v in row) + f",c{label}\n")
    return path, x, y


def step_config(work, data):
    path = os.path.join(work, "steps.toml")
    with open(path, "w") as f:
        f.write(f'[data]\nsource = "{data}"\ntest_fraction = 0\nscale = "none"\n\n'
                '[train]\nbatch_size = 32\nseed = 3\n\n'
                '[[layer]]\ntype = "dense"\nunits = 5\nactivation = "tanh"\n\n'
                '[[layer]]\ntype = "batch_norm"\n')
    return path


def pytorch_steps(initial, optimizer_name, weight_decay, x, y):
    network = step_network()
    network.load_state_dict({k: torch.from_numpy(v) for k, v in initial.items()})
    network.train()
    # scratchnet decays the weights of dense and conv layers only.
    decayed = [p for n, p in network.named_parameters() if n in ("0.weight", "3.weight")]
    others = [p for n, p in network.named_parameters() if n not in ("0.weight", "3.weight")]
    groups = [{"params": decayed, "weight_decay": weight_decay}, {"params": others, "weight_decay": 0.0}]
    lr, _, make = OPTIMIZERS[optimizer_name]
    optimizer = make(groups, lr)
    xs, ys = torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(STEPS):
        optimizer.zero_grad()
        nn.functional.cross_entropy(network(xs), ys).backward()
        optimizer.step()
    return state_numpy(network)


@pytest.fixture(scope="module")
def tool(tmp_path_factory):
    torch.set_num_threads(1)
    return Scratchnet(tmp_path_factory.mktemp("torch_training"))


@pytest.fixture(scope="module")
def step_start(tool):
    """The data, the config and a model of random weights imported from PyTorch."""
    work = tool.work_dir
    data, x, y = step_data(work)
    config = step_config(work, data)
    torch.manual_seed(15)
    start = step_network()
    with torch.no_grad():
        for name, value in start.state_dict().items():
            if value.dtype == torch.float32:
                value.copy_(torch.randn_like(value) * 0.5 + (1.0 if name == "2.weight" else 0.0))
        start[2].running_var.uniform_(0.5, 2.0)
    initial = state_numpy(start)
    weights = os.path.join(work, "steps-initial.safetensors")
    write_safetensors(weights, initial)
    initial_model = os.path.join(work, "steps-initial.snm")
    tool.run("import", weights, "--like", config, "-o", initial_model)
    return config, initial_model, initial, x, y


@pytest.mark.parametrize("weight_decay", [0.0, 0.01])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_training_steps_agree_with_pytorch(tool, step_start, name, weight_decay):
    config, initial_model, initial, x, y = step_start
    lr, flags, _ = OPTIMIZERS[name]
    run = os.path.join(tool.work_dir, f"steps-{name}-{weight_decay}")
    tool.run("train", config, "--init-from", initial_model, "--optimizer", name, "--lr", lr,
             "--weight-decay", weight_decay, "--epochs", STEPS, *flags, "--threads", 1, "--out", run)
    exported = run + ".safetensors"
    tool.run("export", os.path.join(run, "model.snm"), "--format", "safetensors", "-o", exported)
    ours, _ = read_safetensors(exported)
    theirs = pytorch_steps(initial, name, weight_decay, x, y)
    differences = {k: float(np.abs(ours[k] - theirs[k]).max()) for k in theirs
                   if not k.endswith("num_batches_tracked")}
    moved = max(float(np.abs(theirs[k] - initial[k]).max()) for k in differences if "running" not in k)
    largest = max(differences, key=differences.get)
    print(f"{name} weight decay {weight_decay}: {STEPS} steps moved the weights by up to {moved:.3f}; "
          f"largest difference {differences[largest]:.1e} ({largest})")
    assert moved > 10 * STEP_TOLERANCE, f"{name}: the steps did not move the weights"
    assert differences[largest] < STEP_TOLERANCE, f"{name}, decay {weight_decay}: {largest} differs"
