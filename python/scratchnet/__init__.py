"""scratchnet: deep learning written from scratch in C++, from Python.

The same library as the ``scratchnet`` command-line tool, from numpy:

- :mod:`scratchnet.layers`, :mod:`scratchnet.losses`, :mod:`scratchnet.optim`:
  layer by layer, forward and backward on numpy arrays (the reports' way);
- :class:`Model`: a network plus its preprocessing -- ``fit``, ``predict``,
  ``evaluate``, ``save`` and :func:`load` on the CLI's ``.snm`` files, pickle;
- :func:`gradcheck`: finite-difference checks of any layer, yours included;
- :func:`train`, :func:`compare`, :func:`search`: the CLI's runs and experiments;
- :mod:`scratchnet.datasets`: the built-in data sets and the CLI's split;
- ``scratchnet.sklearn``: scikit-learn estimators (imported on first use);
- ``scratchnet.torch``: models to and from PyTorch, safetensors files (imported
  on first use; needs PyTorch).

``import scratchnet`` needs numpy only. Errors: bad values, shapes and types
are ``ValueError``; bad files and unusable data :class:`DataError` (a
``ValueError`` and an ``OSError``); a diverging fit :class:`DivergenceError`;
Ctrl-C ``KeyboardInterrupt``.
"""

from . import _core
from ._core import DataError, DivergenceError, Model, get_num_threads, set_num_threads
from ._core.layers import Parameter
from . import datasets, layers, losses, optim
from .gradcheck import GradCheckResult, gradcheck
from .history import History
from .layers import manual_seed
from .runs import compare, read_metrics, search, train

__version__ = _core.__version__


def load(path):
    """A :class:`Model` from a ``.snm`` file (written by ``Model.save`` or ``scratchnet train``)."""
    return Model.load(str(path))


def __getattr__(name):
    # scratchnet.sklearn and scratchnet.torch are imported on first
    # use, so that `import scratchnet` needs numpy only.
    if name in ("sklearn", "torch"):
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'scratchnet' has no attribute {name!r}")


__all__ = ["Model", "load", "Parameter", "DataError", "DivergenceError", "History", "GradCheckResult", "gradcheck",
           "train", "compare", "search", "read_metrics", "datasets", "layers", "losses", "optim", "manual_seed",
           "set_num_threads", "get_num_threads"]
