"""Every library error crosses into Python as documented, with the library's
message; bad inputs (NaN, infinities, wrong shapes and dtypes, empty arrays,
labels out of range, unknown settings) are clear exceptions, never a crash;
`import scratchnet` needs numpy only."""

import subprocess
import sys

import numpy as np
import pytest

import scratchnet
from scratchnet import _core
from scratchnet import layers as L

KINDS = {0: ValueError, 1: scratchnet.DataError, 2: scratchnet.DivergenceError, 3: KeyboardInterrupt,
         4: RuntimeError}


@pytest.mark.parametrize("kind,cls", sorted(KINDS.items()))
def test_each_error_kind_becomes_its_exception_with_the_message(kind, cls):
    with pytest.raises(cls) as caught:
        _core._raise_library_error(kind, f"file.csv:3: message {kind}")
    assert str(caught.value) == f"file.csv:3: message {kind}"


def test_data_errors_are_value_errors_and_os_errors(tmp_path):
    assert issubclass(scratchnet.DataError, ValueError) and issubclass(scratchnet.DataError, OSError)
    assert issubclass(scratchnet.DivergenceError, RuntimeError)
    with pytest.raises(OSError, match="missing.snm"):
        scratchnet.load(tmp_path / "missing.snm")
    (tmp_path / "bad.snm").write_bytes(b"SCRNTMDL not really a model")
    with pytest.raises(scratchnet.DataError, match="bad.snm"):
        scratchnet.load(tmp_path / "bad.snm")


def test_import_needs_numpy_only():
    code = ("import sys, scratchnet; heavy = {'sklearn', 'pandas', 'matplotlib', 'scipy', 'torch'} & set(sys.modules);"
            "print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def model():
    return scratchnet.Model([L.Dense(3, 4), L.ReLU(), L.Dense(4, 2)], epochs=2)


X = np.arange(30, dtype=np.float32).reshape(10, 3) / 30
Y = np.array([0, 1] * 5)


@pytest.mark.parametrize("bad,message", [
    (np.where(X > 0.5, np.nan, X), "NaN at row 5, column 1"),
    (np.where(X > 0.5, np.inf, X), "infinity"),
    (X[:, 0], "batch with one row per sample"),
    (X[:0], "0 samples"),
    (np.array([["a", "b", "c"]] * 10), "strings"),
    (X.astype(np.complex64), "complex"),
    (np.array([[{}, 1, 2]] * 10, dtype=object), "cannot be read as numbers"),
    (np.zeros((10, 3, 1, 1, 1), np.float32), "at most 4"),
])
def test_bad_features_are_value_errors(bad, message):
    m = model()
    with pytest.raises(ValueError, match=message):
        m.fit(bad, Y)
    m.fit(X, Y)
    with pytest.raises(ValueError, match=message):
        m.predict(bad)


def test_bad_labels_are_value_errors():
    with pytest.raises(ValueError, match="label 2 .*out of range"):
        model().fit(X, np.array([0, 1] * 4 + [2, 0]))
    with pytest.raises(ValueError, match="label -1"):
        model().fit(X, np.array([-1] + [0] * 9))
    with pytest.raises(ValueError, match="one label per sample"):
        model().fit(X, Y[:5])
    with pytest.raises(ValueError, match="non-integer"):
        scratchnet.Model([L.Dense(3, 2)], loss="softmax_cross_entropy").fit(X, np.linspace(0, 1, 10))


def test_wrong_feature_counts_and_unknown_settings():
    m = model()
    m.fit(X, Y)
    with pytest.raises(scratchnet.DataError, match="4 features per sample, the model takes 3"):
        m.predict(np.zeros((2, 4), np.float32))
    with pytest.raises(ValueError, match="unknown setting 'epoch'"):
        m.fit(X, Y, epoch=3)
    with pytest.raises(ValueError, match="adamax.*choices"):
        m.fit(X, Y, optimizer="adamax")
    with pytest.raises(ValueError, match="scratchnet layer"):
        scratchnet.Model([np.zeros(3)])


def test_errors_leave_no_broken_state():
    m = model()
    m.fit(X, Y)
    before = m.predict_proba(X)
    for bad in (np.full((2, 3), np.nan), np.zeros((2, 5))):
        with pytest.raises(ValueError):
            m.predict(bad)
    np.testing.assert_array_equal(m.predict_proba(X), before)
