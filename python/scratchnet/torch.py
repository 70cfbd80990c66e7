"""scratchnet models in PyTorch, and PyTorch weights in scratchnet.

Needs PyTorch (Debian ``python3-torch``); ``import scratchnet`` does not
import this module (``scratchnet.torch`` is loaded on first use).

- :func:`to_torch`: a scratchnet :class:`~scratchnet.Model` as a
  ``torch.nn.Sequential(preprocess, network)`` giving the same outputs;
- :func:`from_torch`: a PyTorch module's weights copied into a scratchnet
  model built like a given one (or a training config);
- :func:`save_safetensors` and :func:`load_safetensors`: safetensors files
  for the PyTorch side (Debian 12 has no ``safetensors`` package); the files
  are those of ``scratchnet export --format safetensors`` and ``scratchnet
  import``.

The PyTorch form of a network -- which ``torch.nn`` module each layer
becomes, the names, shapes and layouts of its ``state_dict`` (``0.weight`` of
a Linear is [out, in], conv weights [out, in, kh, kw], batch norm's
``running_mean``, ``running_var`` and ``num_batches_tracked``) -- is defined
once, in the C++ library (``include/scratchnet/io/torch_layout.h``); this
module builds the modules from the JSON description the library gives and
moves the tensors, nothing more.
"""

import json
import os
import warnings
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

from ._core import interchange as _interchange

__all__ = ["to_torch", "from_torch", "save_safetensors", "load_safetensors", "build_sequential", "Preprocess",
           "Residual"]

# safetensors dtype -> numpy dtype (little-endian, as the format stores values).
_NUMPY_DTYPES = {"BOOL": "?", "U8": "<u1", "I8": "<i1", "I16": "<i2", "U16": "<u2", "F16": "<f2", "I32": "<i4",
                 "U32": "<u4", "F32": "<f4", "F64": "<f8", "I64": "<i8", "U64": "<u8"}
_SAFETENSORS_DTYPES = {np.dtype(v).str.replace("|", "<"): k for k, v in _NUMPY_DTYPES.items()}


class Residual(nn.Module):
    """scratchnet's residual block: ``relu(main(x) + shortcut(x))``.

    ``main`` and ``shortcut`` are ``nn.Sequential``; an empty shortcut is the
    identity.
    """

    def __init__(self, main, shortcut):
        super().__init__()
        self.main = main
        self.shortcut = shortcut

    def forward(self, x):
        return torch.relu(self.main(x) + self.shortcut(x))


class Preprocess(nn.Module):
    """What a scratchnet model does to its input before the network.

    In order: per-channel image normalisation ``(x - channel_mean[c]) /
    channel_std[c]`` (image models normalised per channel), then the scaler
    ``(x - offset) * factor`` per input value (standard or min-max scaling;
    nothing with ``scaling = "none"``). The statistics are buffers that are
    not part of the ``state_dict`` (they come from the scratchnet model, not
    from training in PyTorch).

    Attributes
    ----------
    encoding : dict or None
        For a table model that imputes missing values or one-hot encodes
        categories: the encoding of the raw columns into the feature vector
        (the ``encoding`` JSON of ``scratchnet export``). It is *not* applied
        here: this module takes the encoded feature vector.
    """

    def __init__(self, preprocessing, input_shape, encoding=None):
        super().__init__()
        self.encoding = encoding
        mean, std = preprocessing.get("channel_mean"), preprocessing.get("channel_std")
        spatial = (1,) * (len(input_shape) - 1)
        self.register_buffer("channel_mean", None if mean is None else _float_tensor(mean, (1, -1) + spatial),
                             persistent=False)
        self.register_buffer("channel_std", None if std is None else _float_tensor(std, (1, -1) + spatial),
                             persistent=False)
        scaled = preprocessing.get("scaler", "none") != "none"
        shape = (1,) + tuple(input_shape)
        self.register_buffer("offset", _float_tensor(preprocessing["offset"], shape) if scaled else None,
                             persistent=False)
        self.register_buffer("factor", _float_tensor(preprocessing["factor"], shape) if scaled else None,
                             persistent=False)

    def forward(self, x):
        if self.channel_mean is not None:
            x = (x - self.channel_mean) / self.channel_std
        if self.offset is not None:
            x = (x - self.offset) * self.factor
        return x

    def extra_repr(self):
        parts = []
        if self.channel_mean is not None:
            parts.append(f"channels={self.channel_mean.numel()}")
        if self.offset is not None:
            parts.append(f"scaler=(x - offset) * factor over {tuple(self.offset.shape[1:])}")
        if self.encoding is not None:
            parts.append("takes the encoded feature vector (see .encoding)")
        return ", ".join(parts) or "identity"


def _float_tensor(values, shape):
    return torch.from_numpy(np.asarray(values, dtype=np.float32).reshape(shape).copy())


def build_sequential(torch_modules):
    """The ``torch.nn.Sequential`` a ``torch_modules`` description gives.

    Parameters
    ----------
    torch_modules : str or list
        The JSON (or its parsed list) of the ``torch_modules`` metadata of a
        scratchnet safetensors file: one ``{"type", "args"}`` object per child,
        a ``Residual`` with ``main`` and ``shortcut`` lists of the same form.

    Returns
    -------
    torch.nn.Sequential
        Freshly initialised by PyTorch; its ``state_dict`` has the names and
        shapes of the file's tensors.
    """
    modules = json.loads(torch_modules) if isinstance(torch_modules, str) else torch_modules
    children = []
    for m in modules:
        if m["type"] == "Residual":
            children.append(Residual(build_sequential(m["main"]), build_sequential(m["shortcut"])))
        else:
            children.append(getattr(nn, m["type"])(**m["args"]))
    return nn.Sequential(*children)


def to_torch(model):
    """A scratchnet model as ``torch.nn.Sequential(preprocess, network)``, in eval mode.

    ``to_torch(model)(x)`` gives the network's outputs for raw inputs ``x``
    (float32, shape (N, features) or (N, C, H, W)), as scratchnet computes
    them: logits for a classifier (``torch.softmax(out, 1)`` is
    ``model.predict_proba(x)``), the predictions of a regression model.

    Parameters
    ----------
    model : scratchnet.Model
        A built model (trained, loaded, or ``Model(layers)`` with its input
        shape known).

    Returns
    -------
    torch.nn.Sequential
        Two children: ``preprocess`` (a :class:`Preprocess`: the model's
        per-channel normalisation and scaler) and ``network``, the
        ``nn.Sequential`` whose ``state_dict`` names and layouts are those of
        ``scratchnet export --format safetensors`` (``network.state_dict()``
        saved with :func:`save_safetensors` imports with ``scratchnet import``).
        The result also carries ``task`` ("classification" or "regression")
        and ``class_names``. Weights are copies: training the PyTorch module
        leaves ``model`` as it was (bring them back with :func:`from_torch`).

    Warns
    -----
    UserWarning
        When the model encodes a table's raw columns (imputed missing values,
        one-hot categories): the PyTorch module covers the network from the
        encoded feature vector on (the scaler included), as the ONNX export
        does; ``result.preprocess.encoding`` describes the encoding.

    Raises
    ------
    ValueError
        When the model has no network yet, or a layer has no PyTorch form
        (the message names it).
    """
    tensors, metadata = _parse(_interchange.safetensors_weights(model), "the model's weights")
    network = build_sequential(metadata["torch_modules"])
    network.load_state_dict({name: torch.from_numpy(array.copy()) for name, array in tensors.items()}, strict=True)
    encoding = json.loads(metadata["encoding"]) if "encoding" in metadata else None
    if encoding is not None:
        warnings.warn("this model encodes a table's raw columns (" + ", ".join(
            c["name"] for c in encoding["columns"]) + "): the PyTorch module takes the encoded feature vector "
            f"({len(encoding['features'])} features); .preprocess.encoding describes the encoding", UserWarning,
            stacklevel=2)
    input_shape = json.loads(metadata["architecture"])["input_shape"]
    preprocess = Preprocess(json.loads(metadata["preprocessing"]), input_shape, encoding)
    result = nn.Sequential(OrderedDict(preprocess=preprocess, network=network))
    result.task = metadata["task"]
    result.class_names = json.loads(metadata.get("class_names", "[]"))
    return result.eval()


def from_torch(module, like):
    """A scratchnet model built like ``like``, with the weights of a PyTorch module.

    The parameterised modules of ``module`` (those with weights or buffers in
    its ``state_dict``, in ``state_dict`` order, which is the order the
    modules were assigned in ``__init__``) are matched one by one, in order,
    with those of the scratchnet network's PyTorch form (:func:`to_torch`'s
    ``network``); their names do not matter, so a model written as a class
    (``self.conv1 = ...``) works as well as an ``nn.Sequential``. Within each
    module the tensors are matched by name (``weight``, ``bias``,
    ``running_mean``, ``running_var``; ``num_batches_tracked`` is optional
    and ignored), and every shape is checked before anything is copied.

    Parameters
    ----------
    module : torch.nn.Module or dict
        The PyTorch model (or its ``state_dict``). A module from
        :func:`to_torch` works too: its ``preprocess`` holds no tensors of the
        ``state_dict``.
    like : scratchnet.Model, or str or path
        The architecture (and the preprocessing, task and class names) of the
        result: a scratchnet model (copied, left as it was), a ``.snm`` model
        file, or a training config (``.toml``: its network over the data set
        it names, without preprocessing, as ``scratchnet import --like``).

    Returns
    -------
    scratchnet.Model
        A new model holding ``module``'s weights.

    Raises
    ------
    ValueError
        Naming the first module and tensor that does not match: another
        shape, a tensor missing or left over, more or fewer parameterised
        modules than the network has; or a non-finite weight (DataError).
    """
    model = _interchange.model_like(like)
    layout = _interchange.torch_layout(model)
    ours = _by_module((t["name"], t) for t in layout["tensors"])
    if isinstance(module, nn.Module):
        state, owner = module.state_dict(), module
    else:
        state, owner = module, None
    theirs = _by_module(state.items())
    described = lambda prefix: _describe(owner, prefix)  # noqa: E731
    mapped = OrderedDict()
    for index, (prefix, tensors) in enumerate(ours.items()):
        first = next(iter(tensors.values()))["origin"]
        if index >= len(theirs):
            raise ValueError(f"the PyTorch module has {len(theirs)} parameterised modules, the scratchnet network "
                             f"{len(ours)}: nothing matches module {index} ('{prefix}', {first})")
        their_prefix, their_tensors = list(theirs.items())[index]
        for name, t in tensors.items():
            if name not in their_tensors:
                if t["batch_count"]:
                    continue
                raise ValueError(f"parameterised module {index}, {described(their_prefix)}, has no tensor '{name}': "
                                 f"scratchnet's {t['origin']} needs one of shape {list(t['shape'])} (its tensors: "
                                 f"{', '.join(their_tensors) or 'none'})")
            value = their_tensors[name]
            if tuple(value.shape) != tuple(t["shape"]):
                raise ValueError(f"parameterised module {index}, {described(their_prefix)}: tensor '{name}' has shape "
                                 f"{list(value.shape)}, scratchnet's {t['origin']} ('{prefix}.{name}') needs "
                                 f"{list(t['shape'])}")
            if not t["batch_count"]:
                mapped[f"{prefix}.{name}"] = value
        extra = [n for n in their_tensors if n not in tensors]
        if extra:
            raise ValueError(f"parameterised module {index}, {described(their_prefix)}: tensor '{extra[0]}' has no "
                             f"place in scratchnet's {first} (it takes {', '.join(tensors)})")
    if len(theirs) > len(ours):
        prefix = list(theirs)[len(ours)]
        raise ValueError(f"the PyTorch module has {len(theirs)} parameterised modules, the scratchnet network "
                         f"{len(ours)}: {described(prefix)} has no counterpart")
    _interchange.import_weights(model, _encode(mapped, {}), "the PyTorch module")
    return model


def save_safetensors(module_or_state_dict, path, metadata=None):
    """Writes a PyTorch module's ``state_dict`` (or any dict of tensors or arrays) as a safetensors file.

    The file ``scratchnet import weights.safetensors --like ...`` reads when
    the names are those of :func:`to_torch`'s ``network``.

    Parameters
    ----------
    module_or_state_dict : torch.nn.Module or dict
        A module (its ``state_dict()`` is written) or a mapping from names to
        ``torch.Tensor`` or numpy arrays; written in that order, little-endian.
    path : str or path
    metadata : dict, optional
        ``__metadata__`` strings (keys and values are converted with ``str``).
    """
    state = module_or_state_dict.state_dict() if isinstance(module_or_state_dict, nn.Module) else module_or_state_dict
    data = _encode(state, {str(k): str(v) for k, v in (metadata or {}).items()})
    with open(os.fspath(path), "wb") as f:
        f.write(data)


def load_safetensors(path, with_metadata=False):
    """The tensors of a safetensors file as a ``state_dict`` of ``torch.Tensor``.

    The header is checked as the format requires (scratchnet's reader:
    offsets inside the file, no overlaps or holes, known dtypes, a header no
    longer than the file).

    Parameters
    ----------
    path : str or path
    with_metadata : bool
        Also return the ``__metadata__`` dict (empty when the file has none).

    Returns
    -------
    OrderedDict of torch.Tensor, or (OrderedDict, dict)
        The tensors in the order of their data (copies, writable).

    Raises
    ------
    scratchnet.DataError
        A malformed file, naming it and what is wrong; ValueError for a dtype
        numpy cannot hold (BF16, F8).
    """
    path = os.fspath(path)
    with open(path, "rb") as f:
        data = f.read()
    arrays, metadata = _parse(data, path)
    tensors = OrderedDict((name, torch.from_numpy(array.copy())) for name, array in arrays.items())
    return (tensors, metadata) if with_metadata else tensors


# --- helpers ---

def _parse(data, source):
    """(numpy arrays by name, metadata) of safetensors bytes, checked by the library."""
    entries, metadata = _interchange.parse_safetensors(data, source)
    arrays = OrderedDict()
    for name, dtype, shape, begin, end in entries:
        if dtype not in _NUMPY_DTYPES:
            raise ValueError(f"{source}: tensor '{name}' is {dtype}, which numpy cannot hold")
        item = np.dtype(_NUMPY_DTYPES[dtype])
        arrays[name] = np.frombuffer(data, dtype=item, count=(end - begin) // item.itemsize,
                                     offset=begin).reshape(shape)
    return arrays, metadata


def _encode(state, metadata):
    """The bytes of a safetensors file holding `state` (name -> tensor or array), in order."""
    entries = []
    for name, value in state.items():
        if isinstance(value, torch.Tensor):
            value = value.detach().cpu().numpy()
        array = np.asarray(value)  # (np.ascontiguousarray would make a scalar 1-D)
        little = array.dtype.newbyteorder("<")
        dtype = _SAFETENSORS_DTYPES.get(little.str.replace("|", "<"))
        if dtype is None:
            raise ValueError(f"tensor '{name}': dtype {array.dtype} has no safetensors form "
                             f"(one of {', '.join(_NUMPY_DTYPES)})")
        entries.append((str(name), dtype, list(array.shape), array.astype(little, copy=False).tobytes()))
    return _interchange.encode_safetensors(entries, metadata)


def _by_module(items):
    """name -> value pairs grouped by module ('3.main.1.weight' -> '3.main.1': {'weight': ...}), in order."""
    modules = OrderedDict()
    for name, value in items:
        prefix, _, tensor = name.rpartition(".")
        modules.setdefault(prefix, OrderedDict())[tensor] = value
    return modules


def _describe(owner, prefix):
    """'module 'fc1' (Linear)' for messages; the class when `owner` is a module."""
    if owner is None:
        return f"'{prefix}'"
    try:
        kind = type(owner.get_submodule(prefix)).__name__ if prefix else type(owner).__name__
    except AttributeError:
        return f"'{prefix}'"
    return f"'{prefix}' ({kind})"

