"""The CLI's runs and experiments from Python: train, compare, search."""

import csv
import os
import tempfile

from . import _core, _config


def _table(path, as_frame):
    """A results.csv as a DataFrame (pandas present, unless as_frame=False) or a list of dicts."""
    rows = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            rows.append({k: _number(v) for k, v in row.items()})
    if as_frame is not False:
        try:
            import pandas
        except ImportError:
            if as_frame:
                raise
        else:
            return pandas.DataFrame(rows)
    return rows


def _number(text):
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


def _config_arg(config):
    """A config for the library: dicts become TOML text; paths and text pass."""
    if config is None or isinstance(config, dict):
        return None if config is None else _config.to_toml(config)
    return os.fspath(config) if hasattr(config, "__fspath__") else config


def _variations(vary):
    """vary as the CLI's KEY=V1,V2 strings ({key: [values]} dicts too)."""
    if vary is None or isinstance(vary, (list, tuple)) and all(isinstance(v, str) for v in vary):
        return vary
    if isinstance(vary, str):
        return [vary]
    out = []
    for key, values in dict(vary).items():
        texts = [_setting_text(v) for v in values]
        out.append(f"{key}=" + (";" if any("," in t for t in texts) else ",").join(texts))
    return out


def _setting_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(_setting_text(v) for v in value)
    return str(value)


def train(config=None, *, verbose=False, **settings):
    """Train as ``scratchnet train`` does, writing the same run folder.

    Parameters
    ----------
    config : str, path or dict, optional
        A training config: TOML text, a TOML file (``recipes/digits-mlp.toml``)
        or a dict (``{"data": {"source": "digits"}, "train": {"epochs": 5}}``).
    verbose : bool, default False
        Print one line per epoch.
    **settings
        Any setting by name, on top of the config (``epochs=5``,
        ``out="runs/mine"``, ``seed=1``); ``out`` is the run folder.

    Returns
    -------
    dict
        The run's summary.json (test_accuracy, train_loss, epochs, ...) and
        ``out_dir``. ``scratchnet.load(out_dir + "/model.snm")`` is the model,
        ``read_metrics(out_dir)`` the per-epoch metrics.

    Raises
    ------
    KeyboardInterrupt
        Ctrl-C: the run stops at its next step and saves a checkpoint
        (``scratchnet train --resume DIR`` continues it).
    """
    if "out" in settings:
        settings["output.dir"] = settings.pop("out")
    return _core.app.train(_config_arg(config), verbose=verbose, **settings)


def compare(config=None, *, vary=None, as_frame=None, verbose=False, **settings):
    """Train every combination of the varied settings and compare them, as ``scratchnet compare``.

    Parameters
    ----------
    config : str, path or dict, optional
        An experiment file (``experiments/digits-optimizers.toml``: training
        sections plus ``[experiment]``) or a training config.
    vary : list of str or dict, optional
        ``["train.optimizer=sgd,adam"]`` or ``{"train.optimizer": ["sgd", "adam"]}``;
        replaces the file's.
    as_frame : bool, optional
        Return a pandas DataFrame (default when pandas is installed) or a
        list of dicts (False).
    verbose : bool, default False
        Print one line per finished run.
    **settings
        ``repeats``, ``jobs``, ``out`` (required unless the file names it),
        ``title``, ``facet``, and any training setting by name.

    Returns
    -------
    pandas.DataFrame or list of dict
        The experiment's results.csv: one row per variant (mean and std over
        repeats). The folder also holds results.md, report.html and the plots.
    """
    out = _core.app.compare(_config_arg(config), vary=_variations(vary), verbose=verbose, **settings)
    return _table(os.path.join(out, "results.csv"), as_frame)


def search(config=None, *, params=None, as_frame=None, verbose=False, **settings):
    """Random hyper-parameter search on a validation split, as ``scratchnet search``.

    Parameters
    ----------
    config : str, path or dict, optional
        An experiment file or a training config.
    params : list of str, optional
        ``["train.lr=log:1e-5:1e-1", "train.batch_size=choice:32,64"]``;
        replaces the file's.
    as_frame : bool, optional
        As for :func:`compare`.
    **settings
        ``trials``, ``top``, ``refine_top``, ``refine_trials``,
        ``search_seed``, ``jobs``, ``out``, and training settings by name.

    Returns
    -------
    pandas.DataFrame or list of dict
        The trials (results.csv), with ``attrs``/attributes ``best_config``
        (TOML text of the best trial's settings) and ``best_test`` (its
        single test-set run's summary).
    """
    if isinstance(params, str):
        params = [params]
    result = _core.app.search(_config_arg(config), params=params, verbose=verbose, **settings)
    table = _table(os.path.join(result["out_dir"], "results.csv"), as_frame)
    if isinstance(table, list):
        table = _Results(table)
        table.best_config, table.best_test = result["best_config"], result["best_test"]
    else:
        table.attrs["best_config"], table.attrs["best_test"] = result["best_config"], result["best_test"]
    return table


class _Results(list):
    """A results table as a list of dicts, with the search's best config and test."""


def read_metrics(run_dir):
    """A run's metrics.csv (``run_dir`` or the file itself) as a :class:`History`."""
    from .history import History

    path = os.path.join(run_dir, "metrics.csv") if os.path.isdir(run_dir) else run_dir
    return History(_core.app.read_metrics(os.fspath(path)))


__all__ = ["train", "compare", "search", "read_metrics"]
