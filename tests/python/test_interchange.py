"""Every recipe's model, trained briefly (and a small network per activation, a
regression), taken elsewhere (issue 15):

- ONNX: `scratchnet export --format onnx` passes onnx.checker (full_check)
  and strict shape inference; the python onnx package re-serialises it to the
  same bytes; a numpy evaluator of the operators used (written here: Debian
  has no ONNX runtime) gives scratchnet predict's probabilities within 1e-5;
  deliberately broken graphs are rejected by the checker.
- safetensors: `--format safetensors` read by the reader written here equals
  the ONNX file's weights (Gemm's W is the transpose of Linear's weight), and
  `import` of it into the same model gives the same model file, byte for byte.
- PyTorch: the nn.Sequential built from the file's metadata (torch_modules)
  with its tensors loaded gives scratchnet's probabilities within 1e-5 in eval
  mode.

Run by ctest (python.interchange, label python) with pytest; $SCRATCHNET_BINARY and
$SCRATCHNET_SOURCE_DIR say where the tool and the sources are.
"""

import copy
import glob
import json
import math
import os
import re
import subprocess
import sys

import pytest

onnx = pytest.importorskip("onnx")
import numpy as np  # noqa: E402
from onnx import numpy_helper  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from interchange_support import (BINARY, ROOT, Scratchnet, build_sequential, digits_rows,  # noqa: E402
                                 fashion_images, read_safetensors, rows_like, softmax, write_image_folder)

TOLERANCE = 1e-5


# --- a numpy evaluator of the ONNX operators scratchnet exports (float64) ---

def attributes(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def windows(x, k, stride):
    """(N, C, OH, OW, k, k) views of x's k x k windows at `stride`."""
    w = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3))
    return w[:, :, ::stride, ::stride]


def conv(x, w, b, a):
    k = w.shape[2]
    p = a.get("pads", [0, 0, 0, 0])
    s = a.get("strides", [1, 1])[0]
    x = np.pad(x, ((0, 0), (0, 0), (p[0], p[2]), (p[1], p[3])))
    return np.einsum("nchwij,fcij->nfhw", windows(x, k, s), w) + b.reshape(1, -1, 1, 1)


def batch_norm(x, scale, bias, mean, var, a):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    eps = a.get("epsilon", 1e-5)
    return (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) * scale.reshape(shape) + bias.reshape(shape)


def erf(x):
    return np.vectorize(math.erf)(x)


OPERATORS = {
    "Add": lambda i, a: i[0] + i[1],
    "Sub": lambda i, a: i[0] - i[1],
    "Mul": lambda i, a: i[0] * i[1],
    "Div": lambda i, a: i[0] / i[1],
    "MatMul": lambda i, a: i[0] @ i[1],
    "Gemm": lambda i, a: (i[0].T if a.get("transA") else i[0]) @ (i[1].T if a.get("transB") else i[1])
    + (i[2] if len(i) > 2 else 0),
    "Conv": lambda i, a: conv(i[0], i[1], i[2], a),
    "MaxPool": lambda i, a: windows(i[0], a["kernel_shape"][0], a.get("strides", [1])[0]).max(axis=(4, 5)),
    "AveragePool": lambda i, a: windows(i[0], a["kernel_shape"][0], a.get("strides", [1])[0]).mean(axis=(4, 5)),
    "GlobalAveragePool": lambda i, a: i[0].mean(axis=(2, 3), keepdims=True),
    "BatchNormalization": lambda i, a: batch_norm(*i, a),
    "Flatten": lambda i, a: i[0].reshape(i[0].shape[0], -1),
    "Relu": lambda i, a: np.maximum(i[0], 0),
    "LeakyRelu": lambda i, a: np.where(i[0] > 0, i[0], a.get("alpha", 0.01) * i[0]),
    "Sigmoid": lambda i, a: 1 / (1 + np.exp(-i[0])),
    "Tanh": lambda i, a: np.tanh(i[0]),
    "Elu": lambda i, a: np.where(i[0] > 0, i[0], a.get("alpha", 1.0) * np.expm1(i[0])),
    "Softplus": lambda i, a: np.logaddexp(0, i[0]),
    "Erf": lambda i, a: erf(i[0]),
    "Identity": lambda i, a: i[0],
    "Softmax": lambda i, a: softmax(i[0]),
}


def evaluate(model, x):
    """The graph's output for input x, in float64."""
    values = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
    values[model.graph.input[0].name] = x.astype(np.float64)
    for node in model.graph.node:
        assert node.op_type in OPERATORS, f"the evaluator lacks {node.op_type}"
        if node.op_type == "Softmax":
            assert attributes(node).get("axis", -1) in (-1, 1)
        values[node.output[0]] = OPERATORS[node.op_type]([values[i] for i in node.input], attributes(node))
    return values[model.graph.output[0].name]


# --- checks ---

def check_onnx(path):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    assert inferred.graph.output[0].type.tensor_type.shape.dim[1].dim_value > 0
    assert model.ir_version == 8 and 13 <= model.opset_import[0].version <= 17
    with open(path, "rb") as f:
        assert model.SerializeToString() == f.read(), "python onnx re-serialises the file to other bytes"
    return model


def broken_graphs_are_rejected(model):
    """A node reading a value nothing defines, an unknown operator, a missing initializer."""
    cases = []
    dangling = copy.deepcopy(model)
    dangling.graph.node[-1].input[0] = "nothing_defines_this"
    cases.append(("a dangling input", dangling))
    unknown = copy.deepcopy(model)
    unknown.graph.node[0].op_type = "NotAnOperator"
    cases.append(("an unknown operator", unknown))
    missing = copy.deepcopy(model)
    del missing.graph.initializer[0]
    cases.append(("a missing initializer", missing))
    for what, broken in cases:
        try:
            onnx.checker.check_model(broken, full_check=True)
        except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError):
            continue
        raise AssertionError(f"the checker accepted a graph with {what}")


def onnx_weight_names(metadata):
    """Safetensors name -> (ONNX initializer name, transposed) for every trained tensor."""
    layers = json.loads(metadata["architecture"])["layers"]
    inner_types = {"Conv2d": "conv2d", "BatchNorm2d": "batch_norm", "ReLU": "relu"}
    onnx_tensor = {"weight": "W", "bias": "b"}
    onnx_bn = {"weight": "gamma", "bias": "beta", "running_mean": "running_mean", "running_var": "running_var"}
    pairs = {}

    def add(prefix, scope, module):
        names = onnx_bn if module["type"].startswith("BatchNorm") else onnx_tensor
        for torch_name, onnx_name in names.items():
            if module["type"] in ("Linear", "Conv2d") or module["type"].startswith("BatchNorm"):
                pairs[f"{prefix}.{torch_name}"] = (f"{scope}.{onnx_name}",
                                                   module["type"] == "Linear" and torch_name == "weight")

    for i, module in enumerate(json.loads(metadata["torch_modules"])):
        scope = f"layer{module['layer'] + 1}.{layers[module['layer']]['type']}"
        if module["type"] == "Residual":
            for branch in ("main", "shortcut"):
                for j, inner in enumerate(module[branch]):
                    add(f"{i}.{branch}.{j}", f"{scope}.{branch}{j}.{inner_types[inner['type']]}", inner)
        else:
            add(str(i), scope, module)
    return pairs


def check_safetensors(path, onnx_model, tool, model_path):
    tensors, metadata = read_safetensors(path)
    assert metadata["format"] == "pt"
    initializers = {t.name: numpy_helper.to_array(t) for t in onnx_model.graph.initializer}
    pairs = onnx_weight_names(metadata)
    assert pairs, "no weights found"
    for name, (onnx_name, transposed) in pairs.items():
        expected = initializers[onnx_name]
        got = tensors[name].T if transposed else tensors[name]
        assert got.dtype == np.float32 and got.shape == expected.shape, (name, got.shape, expected.shape)
        assert np.array_equal(got, expected), f"{name} differs from the ONNX file's {onnx_name}"
    trained = {n for n in tensors if not n.endswith("num_batches_tracked")}
    assert trained == set(pairs), f"tensors without a counterpart: {trained ^ set(pairs)}"
    # Export then import: the same model file.
    back = os.path.join(tool.work_dir, "imported.snm")
    tool.run("import", path, "--like", model_path, "-o", back)
    with open(back, "rb") as a, open(model_path, "rb") as b:
        assert a.read() == b.read(), "export then import changed the model file"
    return tensors, metadata


def check_torch(tensors, metadata, x, expected):
    try:
        import torch
    except ImportError:
        print("  torch: python3-torch is not installed, skipped")
        return None
    network = build_sequential(metadata["torch_modules"]).eval()
    state = {k: torch.from_numpy(np.array(v)) for k, v in tensors.items()}
    network.load_state_dict(state, strict=True)
    # The file holds the network alone: its preprocessing is in the metadata.
    preprocessing = json.loads(metadata["preprocessing"])
    if "channel_mean" in preprocessing:
        shape = (1, -1) + (1,) * (x.ndim - 2)
        x = (x - np.array(preprocessing["channel_mean"], dtype=np.float32).reshape(shape)) / np.array(
            preprocessing["channel_std"], dtype=np.float32).reshape(shape)
    if preprocessing["scaler"] != "none":
        offset = np.array(preprocessing["offset"], dtype=np.float32).reshape(x.shape[1:])
        factor = np.array(preprocessing["factor"], dtype=np.float32).reshape(x.shape[1:])
        x = (x - offset) * factor
    with torch.no_grad():
        logits = network(torch.from_numpy(x)).numpy().astype(np.float64)
    probabilities = softmax(logits) if metadata["task"] == "classification" else logits
    return np.abs(probabilities - expected).max()


def activation_names():
    """The activations `scratchnet train --help` offers (every registered one)."""
    help_text = subprocess.run([BINARY, "train", "--help"], capture_output=True, text=True).stdout
    match = re.search(r"--activation \S+\s+(.+?) \(hidden layers\)", help_text)
    return [name.strip() for name in match.group(1).split("|")] if match else []


def user_image_folder(recipe):
    """The image folder a recipe names when it ships without one (recipes/scene-cnn.toml:
    the user's photos), or None."""
    import tomllib

    with open(recipe, "rb") as f:
        source = tomllib.load(f).get("data", {}).get("source", "")
    return source if source.startswith("data/") and not os.path.exists(os.path.join(ROOT, source)) else None


def model_cases():
    """(name, train arguments): every recipe, an MLP with batch norm and dropout, a small
    network per activation, and a regression."""
    recipes = sorted(glob.glob(os.path.join(ROOT, "recipes", "*.toml")))
    # A recipe naming a folder of the user's photos trains on synthetic ones (SYNTHETIC_IMAGES).
    cases = [(os.path.basename(p)[:-5], [p] + (["--data", SYNTHETIC_IMAGES] if user_image_folder(p) else []))
             for p in recipes]
    cases.append(("digits-mlp-batchnorm-dropout",
                  [os.path.join(ROOT, "recipes", "digits-mlp.toml"), "--batch-norm", "--dropout", "0.2"]))
    for activation in activation_names():
        cases.append((f"xor-{activation}", ["--data", "xor", "--layers", "4,4", "--activation", activation]))
    cases.append(("sine-regression", ["--data", "sine", "--layers", "8", "--activation", "leaky_relu", "--alpha", "0.1"]))
    return cases


def inputs_for(name, metadata, source_dir):
    preprocessing = json.loads(metadata["preprocessing"])
    shape = json.loads(metadata["architecture"])["input_shape"]
    if len(shape) == 3:
        return fashion_images(32)[0]
    if "digits" in name:
        return digits_rows(source_dir, 64)
    return rows_like(preprocessing, 64, seed=len(name))


SYNTHETIC_IMAGES = "synthetic-images"  # in the work folder: 3 classes of 128x128 RGB photos


@pytest.fixture(scope="module")
def tool(tmp_path_factory):
    tool = Scratchnet(tmp_path_factory.mktemp("interchange"))
    write_image_folder(os.path.join(tool.work_dir, SYNTHETIC_IMAGES), ["coast", "forest", "street"], 12, 128, 3)
    return tool


@pytest.mark.parametrize("name,args", model_cases(), ids=[c[0] for c in model_cases()])
def test_model_exports_to_onnx_and_pytorch(tool, name, args):
    goes_elsewhere(tool, name, tool.train(name, *args))


def test_global_average_pooling_exports(tool):
    config = os.path.join(tool.work_dir, "gap.toml")
    with open(config, "w") as f:
        f.write('[data]\nsource = "fashion-mnist"\n\n[[layer]]\ntype = "conv2d"\nfilters = 4\nkernel = 3\n'
                'batch_norm = true\nactivation = "relu"\n\n[[layer]]\ntype = "global_avg_pool2d"\n')
    out = tool.run("train", config, "--epochs", 1, "--train-limit", 128, "--threads", 1, "--out",
                   os.path.join(tool.work_dir, "gap"), expect=None)
    if "unknown layer type 'global_avg_pool2d'" in out:
        pytest.skip("global_avg_pool2d is not a registered layer type in this build")
    goes_elsewhere(tool, "gap", os.path.join(tool.work_dir, "gap", "model.snm"))


def goes_elsewhere(tool, name, model_path):
    """ONNX and safetensors exports of the model checked, evaluated and compared with predict."""
    work = tool.work_dir
    onnx_path = os.path.join(work, name + ".onnx")
    print(tool.run("export", model_path, "--format", "onnx", "-o", onnx_path).strip())
    model = check_onnx(onnx_path)
    st_path = os.path.join(work, name + ".safetensors")
    tool.run("export", model_path, "--format", "safetensors", "-o", st_path)
    tensors, metadata = check_safetensors(st_path, model, tool, model_path)

    preprocessing = json.loads(metadata["preprocessing"])
    if "channel_mean" in preprocessing:
        # Image models normalised per channel take images (predict applies the normalisation to
        # images, not to feature rows): PNG photos of the input size, and their pixels / 255.
        size = json.loads(metadata["architecture"])["input_shape"][1]
        folder = os.path.join(work, name + "-photos")
        x = write_image_folder(folder, ["x"], 8, size, 5).astype(np.float32) / np.float32(255)
        classes, expected = tool.predict_folder(model_path, folder)
    else:
        x = inputs_for(name, metadata, ROOT)
        classes, expected = tool.predict(model_path, x)
    if metadata["task"] == "classification":
        assert classes == json.loads(metadata["class_names"]) == json.loads(
            {p.key: p.value for p in model.metadata_props}["class_names"])
    onnx_difference = np.abs(evaluate(model, x) - expected).max()
    torch_difference = check_torch(tensors, metadata, x, expected)
    ops = sorted({n.op_type for n in model.graph.node})
    print(f"{name}: {len(x)} inputs, ONNX max |difference| {onnx_difference:.2e}, PyTorch "
          f"{'-' if torch_difference is None else f'{torch_difference:.2e}'}; operators {', '.join(ops)}")
    assert onnx_difference < TOLERANCE, f"{name}: ONNX evaluation differs by {onnx_difference}"
    assert torch_difference is None or torch_difference < TOLERANCE, f"{name}: PyTorch differs by {torch_difference}"


def test_broken_graphs_are_rejected_and_opsets_checked(tool):
    model_path = tool.train("xor", "--data", "xor", "--layers", "4", "--batch-norm")
    path = os.path.join(tool.work_dir, "xor.onnx")
    tool.run("export", model_path, "-o", path)
    broken_graphs_are_rejected(check_onnx(path))
    # Opset 13 (the oldest accepted) also checks clean; 12 is refused.
    tool.run("export", model_path, "--opset", "13", "-o", os.path.join(tool.work_dir, "opset13.onnx"))
    assert check_onnx(os.path.join(tool.work_dir, "opset13.onnx")).opset_import[0].version == 13
    refused = tool.run("export", model_path, "--opset", "12", "-o", os.path.join(tool.work_dir, "x.onnx"), expect=2)
    assert "opset 12 is not supported" in refused


def encode(rows, header, encoding):
    """Raw table rows through the encoding a file's metadata describes (independent of
    scratchnet's pipeline): numbers or their fill, one 0/1 column per category (an unseen
    one all zeros, a missing one its fill category), then the missing indicators."""
    missing = {"", "NA", "N/A", "NaN", "nan", "null", "None", "?", "-"}
    out = []
    for row in rows:
        features, indicators = [], []
        for column in encoding["columns"]:
            cell = row[header.index(column["name"])].strip()
            absent = cell in missing
            if column["kind"] == "numeric":
                features.append(column["fill"] if absent else float(cell))
            else:
                value = column["fill"] if absent else cell
                features.extend(1.0 if value == c else 0.0 for c in column["categories"])
            if column["missing_indicator"]:
                indicators.append(1.0 if absent else 0.0)
        out.append(features + indicators)
    return np.array(out, dtype=np.float32)


def test_tabular_encoding_is_described_and_stays_outside_the_graph(tool):
    rng = np.random.default_rng(13)
    header = ["age", "color", "size", "label"]
    colors = ["red", "green", "blue"]

    def rows(count, holes):
        table = []
        for _ in range(count):
            color = colors[rng.integers(0, 3)]
            age = f"{rng.normal(40, 10):.3f}" if rng.random() > holes else ["", "NA"][rng.integers(0, 2)]
            size = f"{rng.normal(3, 1):.3f}"
            label = "yes" if (color == "red") ^ (rng.random() < 0.2) else "no"
            table.append([age, color if rng.random() > holes else "", size, label])
        return table

    def write(path, table):
        with open(path, "w") as f:
            f.write(",".join(header) + "\n" + "".join(",".join(r) + "\n" for r in table))

    write(os.path.join(tool.work_dir, "people.csv"), rows(200, 0.1))
    trained = tool.run("train", "--data", "people.csv", "--label", "label", "--layers", "6", "--epochs", 1,
                       "--set", "data.missing_indicator=true", "--out", "people", expect=None)
    if "unknown setting 'data.missing_indicator'" in trained:
        pytest.skip("this build has no table encoding (missing values, categories)")
    model_path = os.path.join(tool.work_dir, "people", "model.snm")
    onnx_path = os.path.join(tool.work_dir, "people.onnx")
    printed = tool.run("export", model_path, "-o", onnx_path)
    model = check_onnx(onnx_path)
    meta = {p.key: p.value for p in model.metadata_props}
    if "encoding" not in meta:
        pytest.skip("this build's models keep no table encoding")
    assert "note: the graph takes the encoded feature vector" in printed, printed
    encoding = json.loads(meta["encoding"])
    assert [c["name"] for c in encoding["columns"]] == ["age", "color", "size"]
    # New rows, with holes and an unseen colour, through predict (the raw table) and through
    # the described encoding + the ONNX graph.
    new = rows(40, 0.2)
    new[0][1] = "purple"
    write(os.path.join(tool.work_dir, "new.csv"), new)
    out = os.path.join(tool.work_dir, "new-predictions.csv")
    tool.run("predict", "--model", model_path, "--input", "new.csv", "--output", out)
    with open(out) as f:
        expected = np.array([[float(v) for v in line.strip().split(",")[1:]] for line in f.readlines()[1:]])
    x = encode(new, header, encoding)
    assert x.shape[1] == len(encoding["features"])
    difference = np.abs(evaluate(model, x) - expected).max()
    print(f"table with holes and categories: ONNX on the described encoding differs by {difference:.2e}")
    assert difference < TOLERANCE
