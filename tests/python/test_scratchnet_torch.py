"""scratchnet.torch, the PyTorch side of the Python package (issue 15):

- to_torch(model)(x) gives scratchnet's outputs within 1e-5 for every recipe's
  model (trained briefly by the `scratchnet` tool), an MLP with batch norm and
  dropout and a regression, in eval mode; its network has the modules and the
  exact tensors of `scratchnet export --format safetensors` as the test's own
  reader and Sequential builder (interchange_support.py) see them;
- from_torch of small models trained in PyTorch (a class with named
  attributes, not a Sequential) gives PyTorch's outputs, with `like` a
  scratchnet Model, a training config (.toml) or a model file;
- save_safetensors -> `scratchnet import`, and load_safetensors, round-trip;
- bad input raises clear Python exceptions (a shape mismatch names the
  module and the tensor; malformed safetensors files are DataErrors).

Run by ctest (python.scratchnet_torch, label python) with pytest, PYTHONPATH=
build/python; $SCRATCHNET_BINARY and $SCRATCHNET_SOURCE_DIR say where the tool
and the sources are.
"""

import glob
import json
import os
import struct
import subprocess
import sys
import warnings

import pytest

torch = pytest.importorskip("torch")
scratchnet = pytest.importorskip("scratchnet")
import numpy as np  # noqa: E402
from torch import nn  # noqa: E402

import scratchnet.torch as st  # noqa: E402
from scratchnet import layers  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from interchange_support import (ROOT, Scratchnet, build_sequential, digits_rows, fashion_images,  # noqa: E402
                                 read_safetensors, rows_like, softmax, write_image_folder, write_safetensors)

TOLERANCE = 1e-5
SYNTHETIC_IMAGES = "synthetic-images"  # in the work folder: 3 classes of 128x128 RGB photos (scene-cnn)


@pytest.fixture(scope="module")
def tool(tmp_path_factory):
    tool = Scratchnet(tmp_path_factory.mktemp("scratchnet_torch"))
    write_image_folder(os.path.join(tool.work_dir, SYNTHETIC_IMAGES), ["coast", "forest", "street"], 12, 128, 3)
    return tool


def model_cases():
    """(name, train arguments): every recipe (scene-cnn on synthetic photos), an MLP with
    batch norm and dropout, a regression."""
    cases = []
    for path in sorted(glob.glob(os.path.join(ROOT, "recipes", "*.toml"))):
        name = os.path.basename(path)[:-5]
        cases.append((name, [path] + (["--data", SYNTHETIC_IMAGES] if name == "scene-cnn" else [])))
    cases.append(("digits-mlp-batchnorm-dropout",
                  [os.path.join(ROOT, "recipes", "digits-mlp.toml"), "--batch-norm", "--dropout", "0.2"]))
    cases.append(("sine-regression", ["--data", "sine", "--layers", "8", "--activation", "tanh"]))
    return cases


def inputs_for(name, model):
    shape = model.input_shape
    if len(shape) == 3 or np.prod(shape) == 784:
        return fashion_images(32)[0].reshape((-1,) + shape)
    if "digits" in name:
        return digits_rows(ROOT, 64)
    if model.scaler["kind"] != "none":
        return rows_like(model.scaler, 64, seed=len(name))
    return np.random.default_rng(len(name)).uniform(-1, 1, (64,) + shape).astype(np.float32)


def torch_outputs(module, x):
    with torch.no_grad():
        return module(torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))).numpy().astype(np.float64)


@pytest.mark.parametrize("name,args", model_cases(), ids=[c[0] for c in model_cases()])
def test_to_torch_gives_scratchnets_outputs(tool, name, args):
    model_path = tool.train(name, *args)
    model = scratchnet.load(model_path)
    module = st.to_torch(model)
    assert not module.training and list(dict(module.named_children())) == ["preprocess", "network"]
    assert module.task == model.task and module.class_names == model.class_names

    # The network is the exported file's, as the test's own reader and builder see it.
    exported = os.path.join(tool.work_dir, name + ".safetensors")
    tool.run("export", model_path, "--format", "safetensors", "-o", exported)
    tensors, metadata = read_safetensors(exported)
    assert str(module.network) == str(build_sequential(metadata["torch_modules"]))
    state = module.network.state_dict()
    assert list(state) == list(tensors)
    for key, value in tensors.items():
        assert np.array_equal(state[key].numpy(), value), key

    if module.preprocess.channel_mean is not None:
        # Per-channel normalisation applies to images: scratchnet predict on PNG files of
        # the input size against their pixels / 255.
        folder = os.path.join(tool.work_dir, name + "-photos")
        x = write_image_folder(folder, ["x"], 6, model.input_shape[1], 5).astype(np.float32) / np.float32(255)
        _, expected = tool.predict_folder(model_path, folder)
    else:
        x = inputs_for(name, model)
        expected = model.predict_proba(x) if model.task == "classification" else model.predict(x)
    got = torch_outputs(module, x)
    if model.task == "classification":
        got = softmax(got)
    difference = np.abs(got - np.asarray(expected, dtype=np.float64).reshape(got.shape)).max()
    print(f"{name}: to_torch max |difference| {difference:.2e} over {len(x)} inputs")
    assert difference < TOLERANCE, f"{name}: to_torch differs by {difference}"


class SmallCNN(nn.Module):
    """A PyTorch model written as a class: conv (3x3) + batch norm + relu, 2x2 max pool, linear."""

    def __init__(self, classes=10, conv_bias=True):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, bias=conv_bias)
        self.bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4 * 13 * 13, classes)

    def forward(self, x):
        x = nn.functional.max_pool2d(torch.relu(self.bn(self.conv(x))), 2)
        return self.fc(x.flatten(1))


SMALL_CNN_TOML = """[data]
source = "fashion-mnist"

[[layer]]
type = "conv2d"
filters = 4
kernel = 3
batch_norm = true
activation = "relu"

[[layer]]
type = "max_pool2d"
size = 2

[[layer]]
type = "flatten"
"""  # then the output layer: dense, one unit per class


def train_in_torch(module, x, y, steps, regression=False, seed=0):
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(module.parameters(), lr=1e-2)
    xs, ys = torch.from_numpy(x), torch.from_numpy(y)
    module.train()
    for step in range(steps):
        batch = torch.randint(0, len(x), (32,))
        optimizer.zero_grad()
        out = module(xs[batch])
        loss = nn.functional.mse_loss(out, ys[batch]) if regression else nn.functional.cross_entropy(out, ys[batch])
        loss.backward()
        optimizer.step()
    return module.eval()


@pytest.fixture(scope="module")
def small_cnn_config(tool):
    path = os.path.join(tool.work_dir, "small-cnn.toml")
    with open(path, "w") as f:
        f.write(SMALL_CNN_TOML)
    return path


@pytest.fixture(scope="module")
def trained_cnn():
    x, y = fashion_images(256, "train")
    torch.manual_seed(1)
    return train_in_torch(SmallCNN(), x, y, steps=30)


def test_from_torch_of_a_pytorch_trained_cnn_gives_pytorchs_outputs(trained_cnn, small_cnn_config):
    x, _ = fashion_images(64)
    model = st.from_torch(trained_cnn, like=small_cnn_config)
    expected = softmax(torch_outputs(trained_cnn, x))
    difference = np.abs(model.predict_proba(x) - expected).max()
    print(f"SmallCNN trained in PyTorch -> from_torch(like=TOML): max |difference| {difference:.2e}")
    assert difference < TOLERANCE
    # Its running statistics came along (they are not PyTorch's initial ones).
    assert not np.allclose(trained_cnn.bn.running_mean.numpy(), 0)
    # And to_torch of it is PyTorch's model again.
    back = st.to_torch(model)
    assert np.abs(softmax(torch_outputs(back, x)) - expected).max() < TOLERANCE


def test_from_torch_like_a_scratchnet_model_keeps_its_preprocessing(tool):
    # A regression MLP with a scaler: to_torch, trained further in PyTorch (preprocess fixed),
    # back with from_torch(like=the model and like=its file): PyTorch's outputs, raw inputs.
    model_path = tool.train("sine", "--data", "sine", "--layers", "8", "--activation", "tanh")
    model = scratchnet.load(model_path)
    assert model.scaler["kind"] != "none"
    module = st.to_torch(model)
    x = rows_like(model.scaler, 128, seed=3)
    y = np.sin(x).astype(np.float32).reshape(len(x), -1)
    train_in_torch(module, x, y, steps=20, regression=True)
    expected = torch_outputs(module, x)
    before = model.predict(x)
    for like in (model, model_path):
        imported = st.from_torch(module, like=like)
        difference = np.abs(np.asarray(imported.predict(x)).reshape(expected.shape) - expected).max()
        print(f"sine MLP trained further in PyTorch -> from_torch(like={type(like).__name__}): "
              f"max |difference| {difference:.2e}")
        assert difference < TOLERANCE
    assert np.array_equal(model.predict(x), before), "from_torch changed the `like` model"

    # A Model built from layers, with batch norm, takes a state_dict too.
    layer_model = scratchnet.Model([layers.Dense(4, 6), layers.BatchNorm1d(6), layers.ReLU(), layers.Dense(6, 3)],
                                   input_shape=(4,))
    net = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 3))
    rows = np.random.default_rng(4).standard_normal((64, 4)).astype(np.float32)
    train_in_torch(net, rows, (rows[:, 0] > 0).astype(np.int64), steps=10)
    imported = st.from_torch(net.state_dict(), like=layer_model)
    assert np.abs(imported.predict_proba(rows) - softmax(torch_outputs(net, rows))).max() < TOLERANCE


def test_save_safetensors_imports_with_the_tool_and_loads_back(tool, trained_cnn, small_cnn_config):
    path = os.path.join(tool.work_dir, "small-cnn.safetensors")
    module = st.to_torch(st.from_torch(trained_cnn, like=small_cnn_config))
    st.save_safetensors(module.network, path, metadata={"note": "trained in PyTorch"})

    # load_safetensors gives the state_dict back exactly, and the independent reader agrees.
    loaded, metadata = st.load_safetensors(path, with_metadata=True)
    assert metadata == {"note": "trained in PyTorch"}
    independent, _ = read_safetensors(path)
    state = module.network.state_dict()
    assert list(loaded) == list(state) == list(independent)
    for key in state:
        assert loaded[key].dtype == state[key].dtype and loaded[key].shape == state[key].shape, key
        assert torch.equal(loaded[key], state[key]) and np.array_equal(independent[key], state[key].numpy()), key

    # scratchnet import --like the config, then the tool predicts PyTorch's probabilities.
    out = os.path.join(tool.work_dir, "small-cnn.snm")
    tool.run("import", path, "--like", small_cnn_config, "-o", out)
    x, _ = fashion_images(16)
    imported = scratchnet.load(out)
    expected = softmax(torch_outputs(trained_cnn, x))
    assert np.abs(imported.predict_proba(x) - expected).max() < TOLERANCE

    # A file written by the test's own writer loads with load_safetensors.
    other = os.path.join(tool.work_dir, "other.safetensors")
    arrays = {"a": np.arange(6, dtype=np.float64).reshape(2, 3), "b": np.array(7, dtype=np.int64),
              "c": np.ones((0, 4), dtype=np.float32)}
    write_safetensors(other, arrays, {"k": "v"})
    back, meta = st.load_safetensors(other, with_metadata=True)
    assert meta == {"k": "v"}
    for key, value in arrays.items():
        assert back[key].numpy().dtype == value.dtype and np.array_equal(back[key].numpy(), value), key


def test_shape_mismatches_name_the_module_and_tensor(trained_cnn, small_cnn_config):
    wrong = SmallCNN(classes=9)
    with pytest.raises(ValueError, match=r"'fc' \(Linear\): tensor 'weight' has shape \[9, 676\].*needs \[10, 676\]"):
        st.from_torch(wrong, like=small_cnn_config)
    without_bias = SmallCNN(conv_bias=False)
    with pytest.raises(ValueError, match=r"'conv' \(Conv2d\), has no tensor 'bias'"):
        st.from_torch(without_bias, like=small_cnn_config)
    longer = nn.Sequential(trained_cnn.conv, trained_cnn.bn, trained_cnn.fc, nn.Linear(10, 2))
    with pytest.raises(ValueError, match=r"4 parameterised modules.*'3' \(Linear\) has no counterpart"):
        st.from_torch(longer, like=small_cnn_config)
    shorter = nn.Sequential(trained_cnn.conv, trained_cnn.bn)
    with pytest.raises(ValueError, match=r"2 parameterised modules, the scratchnet network 3"):
        st.from_torch(shorter, like=small_cnn_config)
    state = {k: v.clone() for k, v in trained_cnn.state_dict().items()}
    state["fc.weight"][0, 0] = float("nan")
    with pytest.raises(scratchnet.DataError, match=r"non-finite"):
        st.from_torch(state, like=small_cnn_config)
    with pytest.raises(ValueError, match=r"like must be a scratchnet.Model"):
        st.from_torch(trained_cnn, like=42)
    with pytest.raises(ValueError, match=r"no network yet"):
        st.to_torch(scratchnet.Model.from_toml(SMALL_CNN_TOML))


def safetensors_bytes(header, data):
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


@pytest.mark.parametrize("case,content,message", [
    ("header longer than the file", struct.pack("<Q", 1000) + b'{"a": 1}', r"header"),
    ("overlapping offsets", safetensors_bytes({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                               "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}},
                                              bytes(12)), r"overlap"),
    ("an offset past the end", safetensors_bytes({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}},
                                                 bytes(8)), r"'a'"),
    ("an unknown dtype", safetensors_bytes({"a": {"dtype": "F17", "shape": [2], "data_offsets": [0, 8]}},
                                           bytes(8)), r"F17"),
])
def test_malformed_safetensors_files_are_data_errors(tmp_path, case, content, message):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    with pytest.raises(scratchnet.DataError, match=message):
        st.load_safetensors(path)


def test_tabular_encoding_is_announced(tool):
    rng = np.random.default_rng(13)
    with open(os.path.join(tool.work_dir, "people.csv"), "w") as f:
        f.write("age,color,label\n")
        for _ in range(120):
            color = ["red", "green", "blue"][rng.integers(0, 3)]
            age = "" if rng.random() < 0.1 else f"{rng.normal(40, 10):.2f}"
            f.write(f"{age},{color},{'yes' if color == 'red' else 'no'}\n")
    out = tool.run("train", "--data", "people.csv", "--label", "label", "--layers", "4", "--epochs", 1,
                   "--out", "people", expect=None)
    model_path = os.path.join(tool.work_dir, "people", "model.snm")
    if not os.path.exists(model_path):
        pytest.skip(f"this build does not train on tables with categories: {out[-200:]}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = st.to_torch(scratchnet.load(model_path))
    encoding = module.preprocess.encoding
    if encoding is None:
        pytest.skip("this build's models keep no table encoding")
    assert [c["name"] for c in encoding["columns"]] == ["age", "color"]
    assert any("encoded feature vector" in str(w.message) for w in caught), [str(w.message) for w in caught]
    assert module.network[0].in_features == len(encoding["features"])


def test_import_scratchnet_does_not_import_torch():
    code = "import sys, scratchnet; assert 'torch' not in sys.modules; scratchnet.torch.to_torch"
    subprocess.run([sys.executable, "-c", code], check=True, env=dict(os.environ))
