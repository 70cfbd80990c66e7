"""The data sets scratchnet knows, and the CLI's seeded train/test split, as numpy arrays."""

from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np

from . import _core


@dataclass
class Dataset:
    """Samples as numpy arrays.

    Attributes
    ----------
    X : numpy.ndarray, float32
        (N, features), or (N, C, H, W) for images (pixels scaled to [0, 1]).
    y : numpy.ndarray
        Class ids (int64, 0..K-1; ``class_names[i]`` names id i) or float32
        regression targets.
    """

    X: np.ndarray
    y: np.ndarray
    class_names: List[str] = field(default_factory=list)
    feature_names: List[str] = field(default_factory=list)
    name: str = ""
    task: str = "classification"


@dataclass
class Split:
    """A data set split as ``scratchnet train`` splits it (seeded, stratified)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    X_val: Optional[np.ndarray] = None
    y_val: Optional[np.ndarray] = None
    class_names: List[str] = field(default_factory=list)
    feature_names: List[str] = field(default_factory=list)
    name: str = ""
    task: str = "classification"


def load(source, **settings):
    """Load a data set by name or path, as ``scratchnet train --data`` does.

    Parameters
    ----------
    source : str
        ``arem``, ``digits``, ``xor``, ``or``, ``sine``, ``fashion-mnist``,
        ``mnist``, a CSV file, an IDX folder or ``idx:...``, an image folder.
    **settings
        Data settings by name: ``label`` (CSV label column), ``header``,
        ``delimiter``, ``task``, ``samples`` and ``seed`` (synthetic sets),
        ``arem_classes``.

    Returns
    -------
    Dataset
        Predefined splits (Fashion-MNIST, MNIST) come concatenated, training
        part first; :func:`load_split` keeps them apart.
    """
    d = _core.data.load(str(source), **settings)
    return Dataset(d["X"], d["y"], d["class_names"], d["feature_names"], d["name"], d["task"])


def load_split(config=None, **settings):
    """The training, test (and validation) parts a training run would use.

    The same rows, in the same order, as ``scratchnet train`` with these
    settings trains and tests on (split seeded by ``seed``, stratified;
    the validation part carved from the training part); nothing is scaled.

    Parameters
    ----------
    config : str, path or dict, optional
        A training config (TOML text or file, e.g. a recipe, or a dict).
    **settings
        Settings by name on top: ``source="digits"``, ``seed=1``,
        ``test_fraction=0.25``, ``validation_fraction``, ``train_limit``, ...

    Returns
    -------
    Split
    """
    d = _core.data.load_split(config, **settings)
    (X_train, y_train), (X_test, y_test) = d["train"], d["test"]
    X_val, y_val = d["validation"] if d["validation"] is not None else (None, None)
    return Split(X_train, y_train, X_test, y_test, X_val, y_val, d["class_names"], d["feature_names"], d["name"],
                 d["task"])


__all__ = ["Dataset", "Split", "load", "load_split"]
