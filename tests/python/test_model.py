"""scratchnet.Model: fit/predict/evaluate on layers or a config, the model
sharing memory with the caller's layers, save/load and pickle round trips,
zero-copy input, epoch callbacks, Ctrl-C and divergence leaving a usable
model, the GIL released while training."""

import os
import pickle
import signal
import threading
import time

import numpy as np
import pytest

import scratchnet
from scratchnet import _core
from scratchnet import layers as L
from conftest import SOURCE_DIR

RECIPE = str(SOURCE_DIR / "recipes" / "digits-mlp.toml")


def mlp(**settings):
    return scratchnet.Model([L.Dense(64, 32, seed=1), L.ReLU(), L.Dense(32, 10, seed=2)], **settings)


def test_fit_predict_evaluate_with_layers(digits):
    model = mlp(epochs=8)
    history = model.fit(digits.X_train, digits.y_train, validation_data=(digits.X_test, digits.y_test))
    assert history is model.history
    assert history["epoch"] == list(range(1, 9))
    assert set(history) >= {"train_loss", "running_train_accuracy", "val_loss", "val_accuracy", "lr", "seconds"}
    assert history["train_loss"][-1] < history["train_loss"][0]
    assert len(history.step_losses) == 8 * int(np.ceil(len(digits.y_train) / 32))
    report = model.evaluate(digits.X_test, digits.y_test)
    assert report["accuracy"] > 0.9
    assert report["accuracy"] == pytest.approx(history["val_accuracy"][-1])
    assert report["confusion"].sum() == len(digits.y_test)
    predicted = model.predict(digits.X_test)
    assert predicted.dtype == np.int64
    assert (predicted == digits.y_test).mean() == pytest.approx(report["accuracy"])
    proba = model.predict_proba(digits.X_test)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(proba.argmax(axis=1), predicted)
    assert model.scaler["kind"] == "standard"  # tables are scaled as the CLI scales them


def test_the_model_trains_the_callers_layers(digits):
    first = L.Dense(64, 16, seed=3)
    view = first.params["W"].value
    before = view.copy()
    model = scratchnet.Model([first, L.Tanh(), L.Dense(16, 10)], epochs=2)
    assert model.network[0] is first
    model.fit(digits.X_train, digits.y_train)
    assert not np.array_equal(view, before)  # the view shows the trained weights
    np.testing.assert_array_equal(model.params["0.W"].value, view)
    view[...] = 0  # and writing into it changes the model
    assert np.array_equal(model.get_weights()[0], np.zeros((64, 16)))
    with pytest.raises(ValueError, match="already belongs to a model"):
        scratchnet.Model([first])


def test_config_model_and_string_labels(digits):
    model = scratchnet.Model.from_toml({"model": {"layers": [20], "activation": "tanh"}, "train": {"epochs": 3}})
    names = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])
    model.fit(digits.X_train, names[digits.y_train])
    assert model.class_names == sorted(names)
    assert model.predict(digits.X_test[:3]).dtype.kind == "U"
    assert set(model.predict(digits.X_test)) <= set(names)
    assert model.evaluate(digits.X_test, names[digits.y_test])["accuracy"] > 0.5
    with pytest.raises(ValueError, match="'ten'"):
        model.evaluate(digits.X_test[:2], ["ten", "one"])


def test_regression_with_mse():
    sine = scratchnet.datasets.load("sine")
    assert sine.task == "regression" and sine.y.dtype == np.float32
    model = scratchnet.Model([L.Dense(1, 16), L.Tanh(), L.Dense(16, 1)], epochs=30, lr=0.01)
    model.fit(sine.X, sine.y)
    assert model.task == "regression" and model.loss == "mse"
    assert model.predict(sine.X).shape == (len(sine.y), 1)
    assert model.evaluate(sine.X, sine.y)["mse"] < 0.1
    with pytest.raises(ValueError, match="predict_proba"):
        model.predict_proba(sine.X)


def test_save_load_and_pickle_predict_identically(digits, tmp_path):
    model = mlp(epochs=2)
    model.fit(digits.X_train, digits.y_train)
    expected = model.predict_proba(digits.X_test)
    model.save(tmp_path / "m.snm")
    for copy in (scratchnet.load(tmp_path / "m.snm"), pickle.loads(pickle.dumps(model)),
                 scratchnet.Model.from_bytes(model.to_bytes())):
        np.testing.assert_array_equal(copy.predict_proba(digits.X_test), expected)
        assert copy.class_names == model.class_names
        assert copy.scaler["kind"] == "standard"
    again = pickle.loads(pickle.dumps(model))
    again.fit(digits.X_train, digits.y_train, epochs=1)  # a restored model trains on
    unbuilt = pickle.loads(pickle.dumps(scratchnet.Model.from_toml(RECIPE, epochs=1)))
    unbuilt.fit(digits.X_train, digits.y_train)


def test_float32_c_contiguous_input_is_not_copied(digits):
    X = np.ascontiguousarray(digits.X_train, dtype=np.float32)
    assert _core.data._feature_pointer(X) == X.ctypes.data
    X.setflags(write=False)  # read-only arrays too (scikit-learn's checks pass them)
    assert _core.data._feature_pointer(X) == X.ctypes.data
    # Anything else is converted once.
    for other in (X.astype(np.float64), np.asfortranarray(X), X[:, ::2], X.astype(np.int64)):
        assert _core.data._feature_pointer(other) != other.ctypes.data
    model = mlp(epochs=1, scale="none")
    model.fit(X, digits.y_train)
    np.testing.assert_array_equal(model.predict(X), model.predict(X.astype(np.float64)))
    np.testing.assert_array_equal(model.predict(X[:, :]), model.predict(np.asfortranarray(X)))
    assert model.predict(digits.X_train.astype(np.int64)).shape == (len(X),)


def test_callbacks_get_each_epochs_metrics_and_can_stop(digits):
    seen = []

    class Recorder:
        def on_epoch_end(self, metrics):
            seen.append(metrics)

    history = mlp(epochs=10).fit(digits.X_train, digits.y_train, validation_fraction=0.2,
                                 callbacks=[Recorder(), lambda m: m["epoch"] == 4])
    assert [m["epoch"] for m in seen] == [1, 2, 3, 4]
    assert all(np.isfinite(m["val_loss"]) for m in seen)
    assert history.stopped_early and history["epoch"] == [1, 2, 3, 4]
    assert history.to_pandas().index.name == "epoch" if _has_pandas() else True


def _has_pandas():
    try:
        import pandas  # noqa: F401
    except ImportError:
        return False
    return True


def test_early_stopping_and_schedule_are_the_libraries(digits):
    history = mlp(epochs=200).fit(digits.X_train, digits.y_train, validation_data=(digits.X_test, digits.y_test),
                                  early_stopping=3, lr_schedule="step:2:0.5")
    assert history.stopped_early and "early stopping" in history.stop_reason
    assert history.epochs < 200
    assert history["lr"][:4] == pytest.approx([0.001, 0.001, 0.0005, 0.0005])


def test_keyboard_interrupt_from_a_callback_leaves_a_usable_model(digits):
    model = mlp(epochs=50)

    def stop(metrics):
        if metrics["epoch"] == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        model.fit(digits.X_train, digits.y_train, callbacks=stop)
    assert model.history["epoch"] == [1, 2, 3]
    assert model.evaluate(digits.X_test, digits.y_test)["accuracy"] > 0.5
    model.fit(digits.X_train, digits.y_train, epochs=1)


def test_ctrl_c_stops_fit_at_the_next_step(digits):
    model = mlp(epochs=100000)
    timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT))
    sent = []

    def send_once_training(metrics):  # the signal comes while fit runs
        if not sent:
            sent.append(time.monotonic())
            timer.start()

    with pytest.raises(KeyboardInterrupt):
        model.fit(digits.X_train, digits.y_train, evaluate_train=False, callbacks=send_once_training)
    assert time.monotonic() - sent[0] < 5
    assert 0 < model.history.epochs < 100000
    assert np.isfinite(model.get_weights()[0]).all()
    assert model.evaluate(digits.X_test, digits.y_test)["accuracy"] > 0.8


def test_divergence_keeps_the_last_good_epoch(digits):
    model = mlp(epochs=20, optimizer="sgd", lr=1e4)
    with pytest.raises(scratchnet.DivergenceError, match="diverged at epoch"):
        model.fit(digits.X_train, digits.y_train)
    assert all(np.isfinite(w).all() for w in model.get_weights())


def test_the_gil_is_released_while_training(digits):
    counts = []
    done = threading.Event()

    def count():
        n = 0
        while not done.is_set():
            n += 1
        counts.append(n)

    thread = threading.Thread(target=count)
    model = mlp(epochs=300)
    thread.start()
    start = time.monotonic()
    model.fit(digits.X_train, digits.y_train, evaluate_train=False)
    seconds = time.monotonic() - start
    done.set()
    thread.join()
    # Python code ran alongside: far more loop turns than a thread woken
    # only at the interpreter's 5 ms switch interval would make.
    assert counts[0] > 1000 * seconds


def test_model_network_forward_backward_and_params(digits):
    model = mlp()
    model.build((64,))
    out = model.network.forward(digits.X_test[:4])
    assert out.shape == (4, 10)
    model.network.zero_grad()
    model.network.backward(np.ones_like(out))
    grads = {p.name: p.grad for p in model.network.params}
    np.testing.assert_allclose(grads["2.b"], 4 * np.ones(10))
    assert "dense(units=32)" in model.summary()
