"""scratchnet.train/compare/search: the CLI's run folder and experiment
tables from Python; Ctrl-C saves the run's checkpoint."""

import os
import signal
import threading

import numpy as np
import pytest

import scratchnet
from conftest import SOURCE_DIR

RECIPE = str(SOURCE_DIR / "recipes" / "digits-mlp.toml")


def test_train_writes_the_run_folder(tmp_path):
    summary = scratchnet.train(RECIPE, epochs=2, out=str(tmp_path / "run"))
    assert summary["epochs"] == 2 and summary["out_dir"] == str(tmp_path / "run")
    assert {p.name for p in (tmp_path / "run").iterdir()} >= {"model.snm", "metrics.csv", "summary.json",
                                                              "config.toml"}
    model = scratchnet.load(tmp_path / "run" / "model.snm")
    split = scratchnet.datasets.load_split(RECIPE)
    assert model.evaluate(split.X_test, split.y_test)["accuracy"] == pytest.approx(summary["test_accuracy"], abs=1e-6)
    history = scratchnet.read_metrics(tmp_path / "run")
    assert history["epoch"] == [1, 2]
    assert history["test_accuracy"][-1] == pytest.approx(summary["test_accuracy"], abs=1e-6)
    # The run's config.toml repeats it.
    again = scratchnet.train(tmp_path / "run" / "config.toml", out=str(tmp_path / "again"))
    assert again["test_accuracy"] == summary["test_accuracy"]


def test_train_from_a_dict(tmp_path):
    summary = scratchnet.train({"data": {"source": "xor"}, "model": {"layers": [8]}, "train": {"epochs": 3}},
                               out=str(tmp_path / "xor"))
    assert summary["task"] == "classification" and summary["epochs"] == 3


def test_compare_returns_the_results_table(tmp_path):
    table = scratchnet.compare(vary={"train.optimizer": ["sgd", "adam"]}, source="digits", epochs=2,
                               out=str(tmp_path / "cmp"), as_frame=False)
    assert [row["train.optimizer"] for row in table] == ["sgd", "adam"]
    assert all(0 < row["test_accuracy"] <= 1 for row in table)
    assert (tmp_path / "cmp" / "report.html").exists()


def test_varied_lists_come_back_whole(tmp_path):
    # results.csv quotes a varied "30,30" (it used to break the row)
    table = scratchnet.compare(vary=["model.layers=8,8;16"], source="xor", epochs=1, out=str(tmp_path / "lists"),
                               as_frame=False)
    assert [row["model.layers"] for row in table] == ["8,8", 16]


def test_search_returns_the_trials_and_the_best_config(tmp_path):
    table = scratchnet.search(params=["train.lr=log:1e-4:1e-1"], trials=3, source="digits", epochs=2,
                              out=str(tmp_path / "search"), as_frame=False)
    assert len(table) == 3 and all(1e-4 <= row["train.lr"] <= 1e-1 for row in table)
    assert "[train]" in table.best_config and np.isfinite(table.best_test["test_accuracy"])


def test_an_experiment_file_with_overrides(tmp_path):
    table = scratchnet.compare(SOURCE_DIR / "experiments" / "digits-optimizers.toml", vary=["train.optimizer=sgd"],
                               repeats=1, epochs=1, out=str(tmp_path / "file"), as_frame=False)
    assert len(table) == 1


def test_ctrl_c_saves_a_checkpoint_and_raises_keyboard_interrupt(tmp_path):
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))  # setting up takes milliseconds
    timer.start()
    with pytest.raises(KeyboardInterrupt, match="checkpoint"):
        scratchnet.train(RECIPE, epochs=100000, out=str(tmp_path / "long"))
    assert (tmp_path / "long" / "checkpoint.snc").exists()


def test_bad_settings_name_the_key():
    with pytest.raises(ValueError, match="train.epochs"):
        scratchnet.train(RECIPE, epochs=0)
    with pytest.raises(scratchnet.DataError):
        scratchnet.train({"data": {"source": "/nonexistent.csv"}})
