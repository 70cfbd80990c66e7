"""Finite-difference gradient checks, on scratchnet layers and on your own."""

import inspect

import numpy as np

from . import _core


class GradCheckResult(list):
    """The worst relative error per checked tensor: the input, then each parameter.

    A list of dicts with ``name``, ``checked`` (values compared),
    ``worst_error``, ``worst_index`` (flat) and the ``analytic`` and
    ``numeric`` gradients there.

    Attributes
    ----------
    tolerance : float
        The error below which a tensor passes.
    """

    def __init__(self, entries, tolerance):
        super().__init__(entries)
        self.tolerance = tolerance

    @property
    def worst_error(self):
        """The largest error over every tensor."""
        return max((e["worst_error"] for e in self), default=0.0)

    @property
    def passed(self):
        """Whether every tensor's worst error is below the tolerance."""
        return all(e["worst_error"] < self.tolerance for e in self)

    def failures(self):
        """The entries at or above the tolerance."""
        return [e for e in self if not e["worst_error"] < self.tolerance]

    def __bool__(self):
        return self.passed

    def __repr__(self):
        width = max([len(e["name"]) for e in self] + [6])
        lines = [f"{'tensor':<{width}}  {'checked':>7}  {'worst rel. error':>16}  {'analytic':>12}  {'numeric':>12}"]
        for e in self:
            flag = "" if e["worst_error"] < self.tolerance else "  <-- wrong?"
            lines.append(f"{e['name']:<{width}}  {e['checked']:>7}  {e['worst_error']:>16.3g}  "
                         f"{e['analytic']:>12.5g}  {e['numeric']:>12.5g}{flag}")
        lines.append(f"{'passed' if self.passed else 'FAILED'} (tolerance {self.tolerance:g})")
        return "\n".join(lines)


def _pairs(layer):
    """(name, value array, function returning the current gradient) of a Python layer's parameters."""
    params = getattr(layer, "params", None)
    if isinstance(params, dict):
        # The book's MultiLayerNet: params and grads dicts with the same keys.
        return [(k, v, (lambda k=k: layer.grads[k])) for k, v in params.items()]
    if params is not None and not callable(params):
        pairs = []
        for i, p in enumerate(params):
            if isinstance(p, (tuple, list)):
                name, value, _ = p
                pairs.append((name, value, (lambda i=i: list(layer.params)[i][2])))
            else:
                pairs.append((p.name, p.value, (lambda i=i: list(layer.params)[i].grad)))
        return pairs
    # The book's layers: attributes W, b with gradients dW, db.
    return [(k, v, (lambda k=k: getattr(layer, "d" + k))) for k, v in vars(layer).items()
            if isinstance(v, np.ndarray) and hasattr(layer, "d" + k)]


class _Adapter:
    """What the library's checker calls on a layer written in Python."""

    def __init__(self, layer):
        self.layer = layer
        self.pairs = _pairs(layer)
        for name, value, _ in self.pairs:
            if not isinstance(value, np.ndarray) or value.dtype != np.float64:
                raise ValueError(f"parameter {name}: the check perturbs values by about 1e-6, so give the layer "
                                 f"float64 arrays (got {getattr(value, 'dtype', type(value).__name__)})")
        try:
            self.takes_mode = len(inspect.signature(layer.forward).parameters) >= 2
        except (TypeError, ValueError):
            self.takes_mode = False

    def names(self):
        return [name for name, _, _ in self.pairs]

    def get_values(self):
        return [value.copy() for _, value, _ in self.pairs]

    def set_values(self, values):
        for (_, value, _), new in zip(self.pairs, values):
            value[...] = new

    def forward(self, x, train):
        return self.layer.forward(x, train) if self.takes_mode else self.layer.forward(x)

    def backward(self, dy):
        return self.layer.backward(dy)

    def get_grads(self):
        return [grad() for _, _, grad in self.pairs]


def gradcheck(layer_or_network, x, *, train=True, seed=1, step=1e-6, max_values=1000, tolerance=None):
    """Check a layer's or a network's gradients against finite differences.

    The checked function is ``L = sum(f(x) * R)`` with a fixed random ``R``,
    so ``backward(R)`` gives dL/dx and dL/dparam; each is compared with the
    central difference ``(L(v + h) - L(v - h)) / 2h`` computed in double
    precision (a scratchnet layer through its double-precision twin, with
    its parameters copied). The error of one value is
    ``|analytic - numeric| / max(|analytic|, |numeric|, floor)``, the floor
    being 1e-3 of the largest numeric gradient. The layer is left as it was.

    Parameters
    ----------
    layer_or_network : scratchnet layer, list of layers, Model, or your own layer
        Your own layer: an object with ``forward(x)`` (or ``forward(x,
        train)``) and ``backward(dy)`` on float64 numpy arrays, whose
        parameters are ``params`` (a list of objects with name/value/grad,
        or of (name, value, grad) tuples), ``params``/``grads`` dicts (the
        book's MultiLayerNet), or attribute pairs ``W``/``dW`` (the book's
        Affine).
    x : array_like, shape (N, ...)
        The input to check at.
    train : bool, default True
        The mode of every forward (dropout uses one frozen mask).
    seed : int, default 1
        Seed of R.
    step : float, default 1e-6
        h.
    max_values : int or None, default 1000
        At most this many values per tensor, evenly spread; None: all.
    tolerance : float, optional
        Default 1e-3 for scratchnet's float layers, 1e-5 for float64 Python
        layers.

    Returns
    -------
    GradCheckResult
        One entry per tensor ("input" first; a network's parameters are
        named "<layer index>.<name>"); ``passed`` and a readable ``repr``.
    """
    args = (train, int(seed), float(step), int(max_values or 0))
    from .layers import Layer

    if isinstance(layer_or_network, Layer) and hasattr(layer_or_network, "_impl"):
        entries = _core.gradcheck.check_layer(layer_or_network._impl, x, *args)
        default = 1e-3
    elif isinstance(layer_or_network, _core.Model):
        entries = _core.gradcheck.check_model(layer_or_network, x, *args)
        default = 1e-3
    elif isinstance(layer_or_network, (list, tuple)) and all(hasattr(l, "_impl") for l in layer_or_network):
        entries = _core.gradcheck.check_layers(list(layer_or_network), x, *args)
        default = 1e-3
    else:
        entries = _core.gradcheck.check_python(_Adapter(layer_or_network), np.asarray(x, dtype=np.float64), *args)
        default = 1e-5
    return GradCheckResult(entries, default if tolerance is None else tolerance)


__all__ = ["gradcheck", "GradCheckResult"]
