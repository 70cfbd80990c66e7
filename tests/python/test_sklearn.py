"""scratchnet.sklearn: scikit-learn's own check_estimator (every check, none
marked to skip), Pipeline + GridSearchCV + cross_val_score + clone, the
parameter mappings (alpha, solver, activation), and the CLI's weights from
the estimator given the CLI's rows and seed."""

import pickle
import subprocess

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import scratchnet
from scratchnet.sklearn import MLPClassifier, MLPRegressor
from conftest import BINARY, SOURCE_DIR

# Short trainings stop at max_iter, as scikit-learn's do: it warns, and so do these.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@parametrize_with_checks([MLPClassifier(), MLPRegressor()])
def test_check_estimator(estimator, check):
    check(estimator)


def test_no_check_is_marked_to_be_skipped():
    for estimator in (MLPClassifier(), MLPRegressor()):
        assert not estimator._get_tags().get("_xfail_checks")


def test_pipeline_grid_search_cross_validation_and_clone(digits):
    pipeline = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(32,), max_iter=15,
                                                             scaling="none", random_state=0))
    search = GridSearchCV(pipeline, {"mlpclassifier__learning_rate_init": [1e-3, 1e-2]}, cv=3)
    search.fit(digits.X_train, digits.y_train)
    assert search.best_score_ > 0.9
    assert search.score(digits.X_test, digits.y_test) > 0.9
    scores = cross_val_score(MLPClassifier(hidden_layer_sizes=(32,), max_iter=40, random_state=0),
                             digits.X_train, digits.y_train, cv=3)
    assert len(scores) == 3 and scores.min() > 0.85
    fitted = MLPClassifier(max_iter=2, random_state=0).fit(digits.X_train, digits.y_train)
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params() and not hasattr(copy, "model_")
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.predict_proba(digits.X_test), fitted.predict_proba(digits.X_test))


def test_the_estimator_gives_the_clis_weights(digits, tmp_path):
    """The acceptance check: the CLI's rows in its order, its settings and seed -> its weights."""
    recipe = str(SOURCE_DIR / "recipes" / "digits-mlp.toml")
    subprocess.run([BINARY, "train", recipe, "--epochs", "3", "--out", str(tmp_path / "run")], check=True,
                   capture_output=True)
    clf = MLPClassifier(hidden_layer_sizes=(80, 70), activation="relu", solver="adam", batch_size=32, max_iter=3,
                        weight_decay=1e-3, random_state=1, n_iter_no_change=1000)
    clf.fit(digits.X_train, digits.y_train)
    cli = scratchnet.load(tmp_path / "run" / "model.snm")
    for mine, theirs in zip(clf.model_.get_weights(), cli.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
    accuracy = clf.score(digits.X_test, digits.y_test)
    assert accuracy == pytest.approx(cli.evaluate(digits.X_test, digits.y_test)["accuracy"])


def test_parameter_mappings(digits):
    assert MLPClassifier(solver="sgd")._optimizer() == ("nesterov", {"momentum": 0.9})
    assert MLPClassifier(solver="sgd", nesterovs_momentum=False)._optimizer()[0] == "momentum"
    assert MLPClassifier(solver="sgd", momentum=0)._optimizer() == ("sgd", {})
    assert MLPClassifier(solver="rmsprop")._optimizer() == ("rmsprop", {})
    with pytest.raises(ValueError, match="lbfgs"):
        MLPClassifier(solver="lbfgs").fit(digits.X_train[:20], digits.y_train[:20])
    clf = MLPClassifier(hidden_layer_sizes=(16,), activation="logistic", max_iter=3, random_state=0)
    clf.fit(digits.X_train, digits.y_train)
    assert [layer.type for layer in clf.model_.network] == ["dense", "sigmoid", "dense"]
    assert [c.shape for c in clf.coefs_] == [(64, 16), (16, 10)]
    assert clf.n_iter_ == 3 and len(clf.loss_curve_) == 3 and clf.t_ == 3 * len(digits.y_train)


def test_alpha_is_scikit_learns_l2_term():
    """One SGD step from the same weights: the decay part of the update is alpha * W / n_b, as scikit-learn's."""
    X = np.random.default_rng(0).normal(size=(10, 3)).astype(np.float32)
    y = np.array([0, 1] * 5)
    common = dict(hidden_layer_sizes=(), solver="sgd", momentum=0, learning_rate_init=0.1, batch_size=10,
                  max_iter=1, random_state=0, scaling="none")
    with_alpha = MLPClassifier(alpha=0.5, **common).fit(X, y)
    without = MLPClassifier(alpha=0.0, **common).fit(X, y)
    initial = MLPClassifier(alpha=0.0, **dict(common, learning_rate_init=1e-30)).fit(X, y).coefs_[0]
    # w1 = w0 - lr (g + alpha w0 / n_b): the difference is lr * alpha * w0 / 10
    np.testing.assert_allclose(without.coefs_[0] - with_alpha.coefs_[0], 0.1 * 0.5 * initial / 10, atol=1e-6)


def test_early_stopping_keeps_the_best_validation_epoch(digits):
    clf = MLPClassifier(hidden_layer_sizes=(32,), early_stopping=True, n_iter_no_change=2, tol=0.5, max_iter=50,
                        random_state=0)
    clf.fit(digits.X_train, digits.y_train)
    # No epoch improves by 0.5: the count passes n_iter_no_change at epoch n_iter_no_change + 2.
    assert clf.n_iter_ == 4
    assert len(clf.validation_scores_) == 4 and clf.best_validation_score_ == max(clf.validation_scores_)


def test_regressor_on_sine():
    sine = scratchnet.datasets.load("sine")
    reg = MLPRegressor(hidden_layer_sizes=(32,), activation="tanh", learning_rate_init=0.01, max_iter=60,
                       random_state=0).fit(sine.X, sine.y)
    assert reg.score(sine.X, sine.y) > 0.9
    assert reg.predict(sine.X).shape == sine.y.shape
    assert reg.loss_curve_[-1] < reg.loss_curve_[0]


def test_any_network_from_layers(digits):
    clf = MLPClassifier(layers=[{"type": "conv2d", "filters": 4, "kernel": 3, "activation": "relu"},
                                {"type": "flatten"}], input_shape=(1, 8, 8), batch_size=32, max_iter=5, random_state=0)
    clf.fit(digits.X_train, digits.y_train)
    assert [layer.type for layer in clf.model_.network][:3] == ["conv2d", "relu", "flatten"]
    assert clf.score(digits.X_test, digits.y_test) > 0.5
