"""Layers, layer by layer: one class per layer type of scratchnet's registry.

Each layer computes ``forward(x, train=True)`` and ``backward(dy)`` on numpy
arrays, exactly as the library's networks do, and shows its parameters as
numpy arrays that share memory with the library's tensors::

    >>> from scratchnet import layers as L
    >>> dense = L.Dense(4, 3)
    >>> y = dense.forward(x)            # x: (N, 4) -> y: (N, 3)
    >>> dx = dense.backward(dy)         # adds dL/dW, dL/db into the gradients
    >>> W = dense.params["W"].value     # (4, 3), a view: writing changes the layer
    >>> dW = dense.params["W"].grad

Arguments are named as PyTorch names them (``Conv2D(in_channels,
out_channels, kernel_size, stride=1, padding=0)``); the TOML config keeps
the registry's own names, and :data:`TORCH_NAMES` is the one table that maps
the two. Classes are generated from the registry: a layer type added to the
library appears here with its own settings as arguments.

Layouts: a batch is (N, features) or (N, C, H, W). Dense's W is
(in_features, out_features) (``y = x W + b``, the transpose of PyTorch's
weight); Conv2D's W is shown as (out_channels, in_channels, k, k).

Shapes: convolution, pooling and batch-norm layers learn the image size at
their first forward. A layer is built at construction for the smallest input
its settings allow, so that its parameters exist with their final shapes,
and rebuilt when a forward brings another sample shape; the parameter memory
moves to the rebuilt layer, so ``params`` views taken before stay valid.
"""

import inspect
import itertools

import numpy as np

from . import _core

_TYPES = {t["name"]: t for t in _core.layers.layer_types()}

#: PyTorch's argument names, per registry layer type: (class name, arguments
#: in order, {argument: registry attribute}, the argument that gives the
#: input -- ("features", name) for (n,) samples, ("channels", name) for
#: (n, H, W) images -- and the initial weights drawn by default).
TORCH_NAMES = {
    "dense": ("Dense", ["in_features", "out_features"], {"out_features": "units"}, ("features", "in_features"),
              "xavier"),
    "conv2d": ("Conv2D", ["in_channels", "out_channels", "kernel_size", "stride", "padding"],
               {"out_channels": "filters", "kernel_size": "kernel", "stride": "stride", "padding": "padding"},
               ("channels", "in_channels"), "he"),
    "max_pool2d": ("MaxPool2D", ["kernel_size", "stride"], {"kernel_size": "size", "stride": "stride"}, None, None),
    "avg_pool2d": ("AvgPool2D", ["kernel_size", "stride"], {"kernel_size": "size", "stride": "stride"}, None, None),
    "batch_norm": ("BatchNorm", ["num_features", "momentum", "eps"], {"momentum": "momentum", "eps": "eps"},
                   ("features", "num_features"), None),
    "dropout": ("Dropout", ["p"], {"p": "rate"}, None, None),
    "flatten": ("Flatten", [], {}, None, None),
    "residual": ("Residual", ["in_channels", "out_channels", "stride"], {"out_channels": "filters", "stride": "stride"},
                 ("channels", "in_channels"), "auto"),
    "leaky_relu": ("LeakyReLU", ["negative_slope"], {"negative_slope": "alpha"}, None, None),
    "relu": ("ReLU", [], {}, None, None),
    "sigmoid": ("Sigmoid", [], {}, None, None),
    "tanh": ("Tanh", [], {}, None, None),
    "identity": ("Identity", [], {}, None, None),
    "softmax": ("Softmax", [], {}, None, None),
}

# What the arguments that are not registry attributes mean.
_INPUT_HELP = {
    "in_features": "features per input sample",
    "in_channels": "channels of the input images",
    "num_features": "features (or channels, for (N, C, H, W) inputs) normalised",
}
# Notes where PyTorch's meaning differs.
_NOTES = {
    "batch_norm": "momentum is Keras's: running = momentum * running + (1 - momentum) * batch "
                  "(PyTorch's momentum=0.1 is momentum=0.9 here). BatchNorm1d and BatchNorm2d are the same class.",
    "dense": "W is (in_features, out_features): y = x W + b. Linear is the same class.",
    "conv2d": "W is shown as (out_channels, in_channels, kernel_size, kernel_size), b as (out_channels,).",
    "residual": "The He et al. basic block: conv3x3-BN-ReLU-conv3x3-BN plus the input (a 1x1 "
                "convolution and BN when the shape changes), then ReLU.",
}

_seeds = itertools.count()


def manual_seed(seed):
    """Restart the seeds the layer constructors draw their initial weights from.

    Each new layer without a ``seed`` argument takes the next seed of a
    counter; ``manual_seed(s)`` restarts it at ``s``.
    """
    global _seeds
    _seeds = itertools.count(int(seed))


class Params(list):
    """A list of :class:`scratchnet.Parameter`, also indexed by name (``params["W"]``)."""

    def __getitem__(self, key):
        if isinstance(key, str):
            for p in self:
                if p.name == key:
                    return p
            raise KeyError(f"no parameter {key!r} (names: {', '.join(p.name for p in self)})")
        return super().__getitem__(key)

    def names(self):
        """The parameter names, in order."""
        return [p.name for p in self]


class Layer:
    """A scratchnet layer (base class of every class in this module).

    Every layer has ``forward(x, train=True)`` -> y and ``backward(dy)`` ->
    dL/dx on numpy arrays. ``backward`` differentiates the last forward, in its
    mode, and *adds* dL/dparam into each parameter's gradient (call
    :meth:`zero_grad` between steps). The returned arrays are copies.
    """

    _type = None

    def forward(self, x, train=True):
        """The layer's output for a batch x.

        Parameters
        ----------
        x : array_like, shape (N, ...)
            float32 arrays are used as they are; others are converted.
        train : bool, default True
            Training mode (dropout drops, batch norm uses the batch's
            statistics and updates its running ones) or evaluation mode.

        Returns
        -------
        numpy.ndarray (float32)
        """
        return self._impl.forward(x, train)

    __call__ = forward

    def backward(self, dy):
        """dL/dx of the last forward, given dL/dy; adds into the parameter gradients.

        Returns None for the first layers of a model's network, which do not
        compute dL/dx.
        """
        return self._impl.backward(dy)

    def zero_grad(self):
        """Set every parameter gradient to zero."""
        self._impl.zero_grad()

    @property
    def params(self):
        """The parameters (:class:`Params`): each ``value`` and ``grad`` a numpy view."""
        return Params(self._impl.params())

    @property
    def buffers(self):
        """Saved, untrained state (batch norm's running_mean, running_var) as numpy views."""
        return self._impl.buffers()

    @property
    def type(self):
        """The registry's name of the layer type (as TOML names it)."""
        return self._impl.type

    @property
    def settings(self):
        """The layer's settings under the registry's (TOML) names."""
        return self._impl.attrs

    @property
    def input_shape(self):
        """The sample shape the layer is built for (None before its first forward)."""
        return self._impl.input_shape

    @property
    def output_shape(self):
        """The sample shape of its output (None before it is built)."""
        return self._impl.output_shape

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._args.items())
        return f"{type(self).__name__}({args})"


def _class_name(type_name):
    if type_name in TORCH_NAMES:
        return TORCH_NAMES[type_name][0]
    return "".join(part.capitalize() for part in type_name.split("_"))


def _python_value(attr, value):
    return int(value) if attr["kind"] == "int" else float(value)


def _square(name, value):
    # PyTorch also takes (k, k): scratchnet's windows are square.
    if isinstance(value, (tuple, list)):
        if len(value) != 2 or value[0] != value[1]:
            raise ValueError(f"{name}: scratchnet's windows are square, got {value!r}")
        return value[0]
    return value


def _describe(info, entry):
    """The numpydoc docstring of a generated class."""
    cls_name, args, mapping, input_arg, init = entry
    attrs = {a["name"]: a for a in info["attrs"]}
    lines = [info["summary"][0].upper() + info["summary"][1:] + ".", ""]
    if info["name"] in _NOTES:
        lines += [_NOTES[info["name"]], ""]
    lines += [f"Registry type ``{info['name']}``; in a TOML ``[[layer]]`` table: ``type = \"{info['name']}\"``.", ""]
    lines += ["Parameters", "----------"]
    for arg in args:
        if arg in mapping:
            a = attrs[mapping[arg]]
            kind = "int" if a["kind"] == "int" else "float"
            if a["default"] is not None:
                default = f", default {_python_value(a, a['default'])!r}"
            elif a["default_from"]:
                default = f", default None (= {next(k for k, v in mapping.items() if v == a['default_from'])})"
            else:
                default = ""
            valid = f"an integer >= {int(a['min'])}" if a["kind"] == "int" else a["range"].replace("a number", "")
            lines += [f"{arg} : {kind}{default}",
                      f"    {a['help'][0].upper() + a['help'][1:]}; {valid.strip()}. TOML: ``{a['name']}``."]
        else:
            lines += [f"{arg} : int", f"    {_INPUT_HELP[arg][0].upper() + _INPUT_HELP[arg][1:]}."]
    if init:
        lines += [f"init : str, default {init!r}",
                  "    Initial weights: 'he', 'he_uniform', 'xavier', 'xavier_uniform', 'normal:STD', "
                  "'uniform:LIMIT'" + (" or 'auto' (He for the block's convolutions)" if init == "auto" else "") + ".",
                  "seed : int, optional",
                  "    Seed of the initial weights (default: the next of manual_seed's counter)."]
    if not args and not init:
        lines += ["(none)"]
    lines += ["", "Examples", "--------"]
    example = {"Dense": "Dense(64, 10)", "Conv2D": "Conv2D(1, 6, kernel_size=5, padding=2)",
               "MaxPool2D": "MaxPool2D(2)", "AvgPool2D": "AvgPool2D(2)", "BatchNorm": "BatchNorm(16)",
               "Dropout": "Dropout(0.2)", "Residual": "Residual(16, 32, stride=2)",
               "LeakyReLU": "LeakyReLU(0.01)"}.get(cls_name, f"{cls_name}()")
    lines += [f">>> layer = scratchnet.layers.{example}", ">>> y = layer.forward(x)", ">>> dx = layer.backward(dy)"]
    return "\n".join(lines)


def _make_class(info):
    type_name = info["name"]
    attrs = {a["name"]: a for a in info["attrs"]}
    if type_name in TORCH_NAMES:
        entry = TORCH_NAMES[type_name]
    else:
        # A type this table does not know yet: its registry attributes, as named there.
        names = [a["name"] for a in info["attrs"]]
        entry = (_class_name(type_name), names, {n: n for n in names}, None, None)
    cls_name, args, mapping, input_arg, init = entry

    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    for arg in args:
        default = inspect.Parameter.empty
        if arg in mapping:
            a = attrs[mapping[arg]]
            if a["default"] is not None:
                default = _python_value(a, a["default"])
            elif a["default_from"]:
                default = None
        parameters.append(inspect.Parameter(arg, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default))
    if init:
        parameters.append(inspect.Parameter("init", inspect.Parameter.KEYWORD_ONLY, default=init))
        parameters.append(inspect.Parameter("seed", inspect.Parameter.KEYWORD_ONLY, default=None))
    signature = inspect.Signature(parameters)

    def __init__(self, *args_, **kwargs):
        bound = signature.bind(self, *args_, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        values.pop("self")
        settings, build_shape = {}, None
        for arg in args:
            value = values[arg]
            if arg in mapping:
                if value is not None:
                    settings[mapping[arg]] = float(_square(arg, value))
            elif value is not None:
                build_shape = int(value)
        seed = values.pop("seed", None)
        seed = next(_seeds) if seed is None else int(seed)
        try:
            if input_arg is not None:
                if input_arg[0] == "features":
                    build_shape = (build_shape,)
                else:
                    side = _core.layers.minimal_image_side(type_name, settings, build_shape)
                    build_shape = (build_shape, side, side)
            self._impl = _core.layers.LayerHandle(type_name, settings, build_shape, values.get("init", "auto"), seed)
        except ValueError as error:
            renamed = ", ".join(f"{arg} is '{name}'" for arg, name in mapping.items() if arg != name)
            raise ValueError(f"{cls_name}: {error}" + (f" (here {renamed})" if renamed else "")) from None
        self._args = {k: v for k, v in values.items() if k in args}
        if init:
            self._args["init"] = values["init"]

    __init__.__signature__ = signature
    __init__.__doc__ = f"Build a {cls_name} layer (see the class docstring)."
    cls = type(cls_name, (Layer,), {"__init__": __init__, "_type": type_name, "__doc__": _describe(info, entry),
                                    "__module__": __name__})
    cls.__init__.__qualname__ = f"{cls_name}.__init__"
    return cls


_CLASSES = {}
for _info in _TYPES.values():
    _cls = _make_class(_info)
    _CLASSES[_info["name"]] = _cls
    globals()[_cls.__name__] = _cls
del _info, _cls

Linear = Dense  # noqa: F821 (generated above)
BatchNorm1d = BatchNorm2d = BatchNorm  # noqa: F821

#: Every layer class, by registry type name.
CLASSES = dict(_CLASSES)
#: The classes of the activation layer types.
ACTIVATIONS = {name: cls for name, cls in _CLASSES.items() if _TYPES[name]["activation"]}


def _wrap(handle):
    """The layer object of a library layer handle (a model's network layers)."""
    cls = _CLASSES[handle.type]
    layer = cls.__new__(cls)
    layer._impl = handle
    _, args, mapping, input_arg, _ = TORCH_NAMES.get(handle.type, (None, [], {}, None, None))
    attrs = handle.attrs
    layer._args = {}
    for arg in args:
        if arg in mapping and mapping[arg] in attrs:
            a = next(a for a in _TYPES[handle.type]["attrs"] if a["name"] == mapping[arg])
            layer._args[arg] = _python_value(a, attrs[mapping[arg]])
        elif arg not in mapping and handle.input_shape:
            # Dense reads any sample as its flattened size; the others count channels or features.
            shape = handle.input_shape
            layer._args[arg] = int(np.prod(shape)) if handle.type == "dense" else shape[0]
    return layer


__all__ = ["Layer", "Params", "manual_seed", "Linear", "BatchNorm1d", "BatchNorm2d", "TORCH_NAMES", "CLASSES",
           "ACTIVATIONS"] + [cls.__name__ for cls in _CLASSES.values()]
