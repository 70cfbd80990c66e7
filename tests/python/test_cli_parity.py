"""Python and the CLI are one library: the same config, rows (in the same
order) and seed give the same weights and test accuracy as `scratchnet
train`, and a model trained by the CLI predicts the same in Python as
`scratchnet predict`."""

import csv
import json
import subprocess

import numpy as np
import pytest

import scratchnet
from conftest import BINARY, SOURCE_DIR

RECIPE = str(SOURCE_DIR / "recipes" / "digits-mlp.toml")
EPOCHS = 4


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "run"
    subprocess.run([BINARY, "train", RECIPE, "--epochs", str(EPOCHS), "--out", str(out)], check=True,
                   capture_output=True)
    return out


def test_same_rows_settings_and_seed_give_the_clis_weights(cli_run):
    split = scratchnet.datasets.load_split(RECIPE)  # the CLI's rows, in its order
    model = scratchnet.Model.from_toml(RECIPE, epochs=EPOCHS)
    model.fit(split.X_train, split.y_train)
    cli = scratchnet.load(cli_run / "model.snm")
    for mine, theirs in zip(model.get_weights(), cli.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
    summary = json.loads((cli_run / "summary.json").read_text())
    accuracy = model.evaluate(split.X_test, split.y_test)["accuracy"]
    assert accuracy == pytest.approx(summary["test_accuracy"], abs=1e-6)
    assert cli.scaler == model.scaler


def test_a_cli_model_predicts_in_python_as_the_cli_does(cli_run, tmp_path):
    split = scratchnet.datasets.load_split(RECIPE)
    cli = scratchnet.load(cli_run / "model.snm")
    rows = split.X_test[:60]
    with open(tmp_path / "rows.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(cli.feature_names)
        writer.writerows(rows.tolist())
    subprocess.run([BINARY, "predict", "--model", str(cli_run / "model.snm"), "--input", str(tmp_path / "rows.csv"),
                    "--output", str(tmp_path / "out.csv")], check=True, capture_output=True)
    with open(tmp_path / "out.csv") as f:
        table = list(csv.DictReader(f))
    assert [int(r["predicted"]) for r in table] == cli.predict(rows).tolist()
    probabilities = np.array([[float(r[f"p_{c}"]) for c in cli.class_names] for r in table])
    np.testing.assert_allclose(cli.predict_proba(rows), probabilities, atol=1e-6)
