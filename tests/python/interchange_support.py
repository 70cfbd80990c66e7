"""What the interchange tests share, written without scratchnet's Python
package: running the `scratchnet` tool, training a recipe briefly, reading
and writing safetensors files (JSON header + numpy), building the
torch.nn.Sequential that a safetensors file's metadata describes, and the
test images and tables the models are compared on.

The safetensors reader and the Sequential builder follow the published
format and scratchnet's documented mapping (include/scratchnet/io/
torch_layout.h), not scratchnet's code: they are the independent side of
the comparison.
"""

import csv
import gzip
import json
import os
import struct
import subprocess

import numpy as np

# As ctest runs the Python tests (tests/CMakeLists.txt), or from a source tree built in build/.
ROOT = os.environ.get("SCRATCHNET_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("SCRATCHNET_BINARY", os.path.join(ROOT, "build", "scratchnet"))
FASHION_DIR = os.environ.get("SCRATCHNET_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")


class Scratchnet:
    """The built command-line tool, run as a user would."""

    def __init__(self, work_dir, binary=BINARY, source_dir=ROOT):
        self.binary = binary
        self.source_dir = source_dir
        self.work_dir = str(work_dir)

    def run(self, *args, expect=0):
        result = subprocess.run([self.binary, *map(str, args)], cwd=self.work_dir,
                                capture_output=True, text=True)
        output = result.stdout + result.stderr
        if expect is not None and result.returncode != expect:
            raise AssertionError(f"scratchnet {' '.join(map(str, args))} exited {result.returncode}, "
                                 f"expected {expect}:\n{output}")
        return output

    def train(self, name, *args, train_limit=256, epochs=1):
        """Trains briefly; returns the model file. `args` may start with a recipe path."""
        out = os.path.join(self.work_dir, name)
        self.run("train", *args, "--epochs", epochs, "--train-limit", train_limit, "--threads", 1, "--out", out)
        return os.path.join(out, "model.snm")

    def predict_folder(self, model, folder):
        """scratchnet predict's probabilities for the image files of `folder`, sorted by path."""
        out = os.path.join(self.work_dir, "predictions.csv")
        self.run("predict", "--model", model, "--input", folder, "--output", out)
        with open(out, newline="") as f:
            table = list(csv.reader(f))
        rows = sorted(table[1:], key=lambda r: r[0])  # file,predicted,p_<class>...
        return [h[2:] for h in table[0][2:]], np.array([[float(v) for v in r[2:]] for r in rows])

    def predict(self, model, rows):
        """scratchnet predict's class probabilities (or outputs) for float32 rows (N, D)."""
        path = os.path.join(self.work_dir, "rows.csv")
        np.savetxt(path, rows.reshape(len(rows), -1), fmt="%.9g", delimiter=",")
        out = os.path.join(self.work_dir, "predictions.csv")
        self.run("predict", "--model", model, "--input", path, "--output", out)
        with open(out, newline="") as f:
            table = list(csv.reader(f))
        header, rows = table[0], table[1:]
        if header[0] == "predicted":  # the predicted class name, then p_<class> per class
            return [h[2:] for h in header[1:]], np.array([[float(v) for v in r[1:]] for r in rows])
        return header, np.array([[float(v) for v in r] for r in rows])


# safetensors: https://github.com/huggingface/safetensors (the format's README).
DTYPES = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32,
          "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_}


def read_safetensors(path):
    """(tensors by name, metadata): checks the offsets cover the buffer exactly."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    buffer = data[8 + n:]
    metadata = header.pop("__metadata__", {})
    tensors, end = {}, 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        begin, stop = info["data_offsets"]
        assert begin == end, f"{name}: data starts at {begin}, the previous tensor ended at {end}"
        dtype = np.dtype(DTYPES[info["dtype"]]).newbyteorder("<")
        tensors[name] = np.frombuffer(buffer[begin:stop], dtype=dtype).reshape(info["shape"])
        end = stop
    assert end == len(buffer), "bytes after the last tensor"
    return tensors, metadata


def write_safetensors(path, tensors, metadata=None):
    """Writes named numpy arrays (little-endian, row-major)."""
    names = {np.dtype(v).name: k for k, v in DTYPES.items()}
    header, offset, chunks = {}, 0, []
    if metadata:
        header["__metadata__"] = metadata
    for name, array in tensors.items():
        raw = np.ascontiguousarray(array).astype(np.asarray(array).dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": names[np.asarray(array).dtype.name], "shape": list(np.shape(array)),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def build_sequential(modules_json):
    """The torch.nn.Sequential of a torch_modules description (torch_layout.h)."""
    import torch
    from torch import nn

    class Residual(nn.Module):
        """scratchnet's basic block: relu(main(x) + shortcut(x))."""

        def __init__(self, main, shortcut):
            super().__init__()
            self.main = main
            self.shortcut = shortcut

        def forward(self, x):
            return torch.relu(self.main(x) + self.shortcut(x))

    def build(modules):
        children = []
        for m in modules:
            if m["type"] == "Residual":
                children.append(Residual(build(m["main"]), build(m["shortcut"])))
            else:
                children.append(getattr(nn, m["type"])(**m["args"]))
        return nn.Sequential(*children)

    return build(modules_json if isinstance(modules_json, list) else json.loads(modules_json))


def write_image_folder(folder, classes, per_class, size, seed):
    """Synthetic RGB photos (PNG, lossless): one subfolder per class, a colour per class
    plus noise. Returns the images' pixels (N, 3, size, size) as uint8, in file order."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    pixels = []
    for c, name in enumerate(classes):
        os.makedirs(os.path.join(folder, name), exist_ok=True)
        base = rng.integers(0, 256, 3)
        for i in range(per_class):
            image = np.clip(base + rng.normal(0, 60, (size, size, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(image, "RGB").save(os.path.join(folder, name, f"{i:03d}.png"))
            pixels.append(image.transpose(2, 0, 1))
    return np.stack(pixels)


def fashion_images(count, split="t10k"):
    """The first `count` images (N, 1, 28, 28) as float32 pixel / 255, and their labels."""
    with gzip.open(os.path.join(FASHION_DIR, f"{split}-images-idx3-ubyte.gz")) as f:
        _, n, rows, cols = struct.unpack(">IIII", f.read(16))
        count = min(count, n)
        pixels = np.frombuffer(f.read(count * rows * cols), dtype=np.uint8)
    with gzip.open(os.path.join(FASHION_DIR, f"{split}-labels-idx1-ubyte.gz")) as f:
        f.read(8)
        labels = np.frombuffer(f.read(count), dtype=np.uint8)
    images = pixels.reshape(count, 1, rows, cols).astype(np.float32) / np.float32(255)
    return images, labels.astype(np.int64)


def digits_rows(source_dir, count):
    """The first `count` rows of the bundled digits (64 features; the label is the last column)."""
    with gzip.open(os.path.join(source_dir, "data", "digits", "digits.csv.gz"), "rt") as f:
        rows = [r for r in csv.reader(f)][:count]
    return np.array([[float(v) for v in r[:-1]] for r in rows], dtype=np.float32)


def rows_like(preprocessing, count, seed):
    """Rows around a scaler's statistics: offset + z / factor, z ~ N(0, 1)."""
    offset = np.array(preprocessing["offset"], dtype=np.float64)
    factor = np.array(preprocessing["factor"], dtype=np.float64)
    z = np.random.default_rng(seed).standard_normal((count, len(offset)))
    return (offset + z / factor).astype(np.float32)


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
