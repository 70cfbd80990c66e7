"""scikit-learn estimators on scratchnet: MLPClassifier and MLPRegressor.

They take scikit-learn's parameter names and meanings where they exist, so
that they drop into ``Pipeline``, ``GridSearchCV``, ``cross_val_score`` and
``clone``, and pass scikit-learn's ``check_estimator``; training is
scratchnet's (``scratchnet.Model.fit``: the library's trainer, the CLI's
random streams). Imported on first use of ``scratchnet.sklearn``, so that
``import scratchnet`` does not need scikit-learn.

Given the same training rows in the same order, settings and
``random_state`` as ``scratchnet train`` (the seed), ``fit`` gives the CLI's
weights: ``MLPClassifier(hidden_layer_sizes=(80, 70), batch_size=32,
max_iter=100, weight_decay=1e-3, random_state=1, n_iter_no_change=100)``
trains ``recipes/digits-mlp.toml``'s network on the same rows.
"""

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted

from . import _config
from ._core import Model

#: scikit-learn's activation names -> scratchnet's (any scratchnet activation is also accepted).
ACTIVATIONS = {"identity": "identity", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}

_PARAMETERS_DOC = """
    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default (100,)
        Units of each hidden dense layer (ignored when ``layers`` is given).
    activation : str, default "relu"
        "identity", "logistic", "tanh", "relu" (scikit-learn's names), or any
        scratchnet activation ("leaky_relu", ...).
    solver : str, default "adam"
        "adam"; "sgd" (plain SGD when ``momentum`` is 0, else Nesterov or
        classical momentum as ``nesterovs_momentum`` says, the same updates as
        scikit-learn's); or any scratchnet optimizer ("rmsprop", "adagrad",
        "adamw", "momentum", "nesterov"). "lbfgs" is a ValueError: scratchnet
        trains with mini-batch gradient methods only.
    alpha : float, default 1e-4
        scikit-learn's L2 term, mapped exactly: scikit-learn adds
        ``alpha / (2 n_b) * ||W||^2`` to the loss of a batch of ``n_b``
        samples (``sklearn/neural_network/_multilayer_perceptron.py``,
        ``_backprop``), i.e. ``alpha * W / n_b`` to the gradient; scratchnet's
        weight decay ``lambda`` adds ``lambda * W`` to the gradient of its
        mean loss, so each step uses ``lambda = alpha / n_b`` for that step's
        batch (the smaller remainder batch of an epoch gets a larger one, as
        in scikit-learn).{alpha_extra} Biases are not decayed, as in
        scikit-learn. Ignored when ``weight_decay`` is given.
    batch_size : int or "auto", default "auto"
        Mini-batch size; "auto" is ``min(200, n_samples)``. The remainder
        batch is kept.
    learning_rate_init : float, default 0.001
        The learning rate.
    max_iter : int, default 200
        Epochs.
    random_state : int, RandomState or None, default None
        The seed of initialisation, shuffling, dropout (and the early-stopping
        split): an int is scratchnet's seed as is (``scratchnet train --seed``).
    tol : float, default 1e-4
        With ``n_iter_no_change``: stop when the training loss (or, with
        early stopping, the validation score) has not improved by at least
        ``tol`` for ``n_iter_no_change`` consecutive epochs (scikit-learn's rule).
    verbose : bool, default False
        Print one line per epoch.
    momentum : float, default 0.9
        Momentum of solver "sgd" (and "momentum", "nesterov").
    nesterovs_momentum : bool, default True
        Nesterov's momentum for solver "sgd" with momentum > 0.
    early_stopping : bool, default False
        Hold out ``validation_fraction`` of the training rows (stratified for
        classifiers), stop when the validation score (accuracy; R^2 for
        regressors) stops improving, and keep the best epoch's weights.
    validation_fraction : float, default 0.1
        The held-out share for early stopping.
    beta_1, beta_2, epsilon : float, default 0.9, 0.999, 1e-8
        Adam's hyper-parameters (scratchnet adds epsilon to the bias-corrected
        sqrt(v), as the paper; scikit-learn to the uncorrected one).
    n_iter_no_change : int, default 10
        See ``tol``.
    weight_decay : float, optional
        scratchnet's own L2 coefficient, the same for every step (the CLI's
        ``train.weight_decay``); replaces ``alpha`` when given.
    dropout : float, default 0
        Dropout rate after every hidden activation.
    batch_norm : bool, default False
        Batch normalisation after every hidden dense layer.
    scaling : {{"standard", "minmax", "none"}}, default "standard"
        Feature scaling fitted on the training rows and kept in the model,
        as the CLI does for tables.
    layers : str, list of dict or None, default None
        Any network: ``[[layer]]`` tables as TOML text (or a list of dicts,
        e.g. ``[{{"type": "conv2d", "filters": 6, "kernel": 5, "activation":
        "relu"}}, ...]``); the output layer is added after them.
    input_shape : tuple of int, optional
        The sample shape the rows of X are read as, e.g. ``(1, 28, 28)`` for
        convolutions over flattened images.
"""


class _ScratchnetMLP(BaseEstimator):
    _loss = None

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 batch_size="auto", learning_rate_init=0.001, max_iter=200, random_state=None, tol=1e-4,
                 verbose=False, momentum=0.9, nesterovs_momentum=True, early_stopping=False,
                 validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10,
                 weight_decay=None, dropout=0.0, batch_norm=False, scaling="standard", layers=None,
                 input_shape=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.weight_decay = weight_decay
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.scaling = scaling
        self.layers = layers
        self.input_shape = input_shape

    # ---- the scratchnet config of these parameters ----

    def _optimizer(self):
        solver = self.solver
        if solver == "lbfgs":
            raise ValueError("solver='lbfgs' is not available: scratchnet trains with mini-batch gradient methods "
                             "(solver='adam', 'sgd', or a scratchnet optimizer: rmsprop, adagrad, adamw, ...)")
        hyper = {}
        if solver == "sgd" and self.momentum > 0:
            solver = "nesterov" if self.nesterovs_momentum else "momentum"
        if solver in ("momentum", "nesterov"):
            hyper["momentum"] = self.momentum
        if solver in ("adam", "adamw"):
            hyper.update(beta1=self.beta_1, beta2=self.beta_2, eps=self.epsilon)
        return solver, hyper

    def _config(self, n_samples):
        if not (isinstance(self.max_iter, numbers.Integral) and self.max_iter >= 1):
            raise ValueError(f"max_iter must be an integer >= 1, got {self.max_iter!r}")
        if isinstance(self.batch_size, str):
            if self.batch_size != "auto":
                raise ValueError(f"batch_size must be an integer or 'auto', got {self.batch_size!r}")
            batch_size = min(200, n_samples)
        else:
            batch_size = int(np.clip(self.batch_size, 1, n_samples))
        solver, hyper = self._optimizer()
        activation = ACTIVATIONS.get(self.activation, self.activation)
        model = {"activation": activation, "batch_norm": bool(self.batch_norm), "dropout": float(self.dropout)}
        layers = self.layers
        if layers is None:
            model["layers"] = [int(h) for h in np.atleast_1d(self.hidden_layer_sizes)] or "none"
            text = ""
        elif isinstance(layers, str):
            text = layers
        else:
            text = _config.to_toml({"layer": list(layers)})
        train = {"optimizer": solver, "lr": float(self.learning_rate_init), "epochs": int(self.max_iter),
                 "batch_size": batch_size, "seed": self._seed, "weight_decay": float(self.weight_decay or 0.0)}
        train.update({k: float(v) for k, v in hyper.items()})
        settings = {"model": model, "train": train, "data": {"scale": self.scaling}}
        return _config.to_toml(settings) + "\n" + text

    # ---- fitting ----

    def _fit(self, X, y, n_outputs):
        self._seed = int(self.random_state) if isinstance(self.random_state, numbers.Integral) \
            else int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        validation = None
        if self.early_stopping:
            stratify = y if isinstance(self, ClassifierMixin) else None
            X, X_val, y, y_val = train_test_split(X, y, test_size=self.validation_fraction,
                                                  random_state=self._seed, stratify=stratify)
            X, X_val = np.ascontiguousarray(X), np.ascontiguousarray(X_val)
            validation = (self._rows(X_val), y_val)
        model = Model.from_toml(self._config(X.shape[0]))
        stopper = _Stopping(self, model, validation)
        options = {}
        if self.weight_decay is None:
            options["l2_sum"] = self._l2_scale * float(self.alpha)
        history = model.fit(self._rows(X), y, validation_data=validation, callbacks=[stopper], verbose=self.verbose,
                            evaluate_train=False, class_names=getattr(self, "_class_names", None), **options)
        stopper.finish()
        self.model_ = model
        self.history_ = history
        self.n_iter_ = history.epochs
        self.t_ = self.n_iter_ * X.shape[0]
        self.loss_curve_ = stopper.losses
        self.loss_ = self.loss_curve_[-1]
        if self.early_stopping:
            self.validation_scores_ = stopper.scores
            self.best_validation_score_ = max(stopper.scores)
            self.best_loss_ = None
        else:
            self.best_loss_ = stopper.best
        self.n_outputs_ = n_outputs
        if self.n_iter_ == self.max_iter and not history.stopped_early:
            warnings.warn(f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached and the optimization "
                          "hasn't converged yet.", ConvergenceWarning)
        return self

    def _rows(self, X):
        """X as the network reads it: the rows, or images of input_shape."""
        if self.input_shape is None:
            return X
        shape = tuple(int(d) for d in self.input_shape)
        if int(np.prod(shape)) != X.shape[1]:
            raise ValueError(f"input_shape {shape} holds {int(np.prod(shape))} values, X has {X.shape[1]} features")
        return X.reshape((X.shape[0],) + shape)

    @property
    def n_layers_(self):
        """Layers of the network including input and output, as scikit-learn counts dense ones."""
        check_is_fitted(self)
        return sum(1 for layer in self.model_.network if layer.type == "dense") + 1

    @property
    def coefs_(self):
        """The dense layers' weight matrices (n_in, n_out), copies, as scikit-learn lays them out."""
        check_is_fitted(self)
        return [layer.params["W"].value.copy() for layer in self.model_.network if layer.type == "dense"]

    @property
    def intercepts_(self):
        """The dense layers' biases, copies."""
        check_is_fitted(self)
        return [layer.params["b"].value.copy() for layer in self.model_.network if layer.type == "dense"]

    def _check_X(self, X):
        check_is_fitted(self)
        X = self._validate_data(X, reset=False, dtype=np.float32, order="C")
        return self._rows(X)


class _Stopping:
    """scikit-learn's stopping rule (``_update_no_improvement_count``), run after every epoch,
    and the loss curve on scikit-learn's scale."""

    def __init__(self, estimator, model, validation):
        self.estimator, self.model, self.validation = estimator, model, validation
        self.losses, self.scores = [], []
        self.best = np.inf
        self.best_score = -np.inf
        self.best_weights = None
        self.count = 0

    def on_epoch_end(self, metrics):
        est = self.estimator
        # sklearn's loss_ includes the L2 term; its squared loss is half the MSE.
        loss = (metrics["train_loss"] + metrics["l2_penalty"]) * est._loss_scale
        self.losses.append(loss)
        if self.validation is not None:
            score = est._validation_score(self.model, metrics, *self.validation)
            self.scores.append(score)
            self.count = self.count + 1 if score < self.best_score + est.tol else 0
            if score > self.best_score:
                self.best_score = score
                self.best_weights = self.model.get_weights()
        else:
            self.count = self.count + 1 if loss > self.best - est.tol else 0
            self.best = min(self.best, loss)
        return self.count > est.n_iter_no_change

    def finish(self):
        if self.best_weights is not None:
            self.model.set_weights(self.best_weights)


class MLPClassifier(ClassifierMixin, _ScratchnetMLP):
    __doc__ = """A multi-layer perceptron classifier trained by scratchnet.

    scikit-learn's ``MLPClassifier`` interface, on scratchnet's library: a
    softmax output over the classes, cross-entropy loss, mini-batch training
    with the chosen optimizer. Fitted attributes end in ``_``.
""" + _PARAMETERS_DOC.format(alpha_extra="") + """
    Attributes
    ----------
    classes_ : ndarray
        The class labels.
    n_features_in_ : int
    model_ : scratchnet.Model
        The trained model (``model_.save("m.snm")`` writes the CLI's file).
    history_ : scratchnet.History
        Per-epoch metrics.
    loss_curve_ : list of float
        The training loss (L2 term included) per epoch.
    loss_, best_loss_, validation_scores_, best_validation_score_, n_iter_, t_, n_outputs_, out_activation_
        As in scikit-learn.
    coefs_, intercepts_ : list of ndarray
        The dense layers' weights and biases (copies).

    Examples
    --------
    >>> from scratchnet.sklearn import MLPClassifier
    >>> clf = MLPClassifier(hidden_layer_sizes=(80, 70), max_iter=50, random_state=1).fit(X, y)
    >>> clf.score(X_test, y_test)
    """

    _loss_scale = 1.0
    _l2_scale = 1.0
    out_activation_ = "softmax"

    def fit(self, X, y):
        """Train on X (n_samples, n_features) and class labels y; returns self."""
        X, y = self._validate_data(X, y, dtype=np.float32, order="C", multi_output=False)
        check_classification_targets(y)
        if type_of_target(y) == "multilabel-indicator":
            raise ValueError("multilabel targets are not supported")
        self.classes_, y_index = np.unique(y, return_inverse=True)
        self._class_names = [str(c) for c in self.classes_]
        return self._fit(X, y_index.astype(np.int64), len(self.classes_))

    def predict_proba(self, X):
        """Class probabilities (n_samples, n_classes), in the order of ``classes_``."""
        rows = self._check_X(X)
        return self.model_.predict_proba(rows).astype(np.float64)

    def predict_log_proba(self, X):
        """The logarithm of predict_proba."""
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """The most probable class of each row."""
        rows = self._check_X(X)
        return self.classes_[self.model_.predict_proba(rows).argmax(axis=1)]

    @staticmethod
    def _validation_score(model, metrics, X_val, y_val):
        return metrics["val_accuracy"]


class MLPRegressor(RegressorMixin, _ScratchnetMLP):
    __doc__ = """A multi-layer perceptron regressor trained by scratchnet.

    scikit-learn's ``MLPRegressor`` interface, on scratchnet's library: an
    identity output, mean squared error loss. scikit-learn minimises half the
    squared error; scratchnet's MSE is the full mean, so its gradients are
    twice scikit-learn's (the same minimum; with plain SGD, the same steps
    as scikit-learn at twice the learning rate; Adam is unaffected).
""" + _PARAMETERS_DOC.format(alpha_extra=" For the regressor ``lambda = 2 alpha / n_b``: "
                              "scratchnet's loss being twice scikit-learn's, this keeps the penalty in the "
                              "same proportion to it.") + """
    Attributes
    ----------
    n_features_in_ : int
    model_ : scratchnet.Model
    history_ : scratchnet.History
    loss_curve_ : list of float
        scikit-learn's loss per epoch: half the MSE plus the L2 term.
    loss_, best_loss_, validation_scores_ (R^2), best_validation_score_, n_iter_, t_, n_outputs_, out_activation_
        As in scikit-learn.
    coefs_, intercepts_ : list of ndarray

    Examples
    --------
    >>> from scratchnet.sklearn import MLPRegressor
    >>> reg = MLPRegressor(hidden_layer_sizes=(32,), activation="tanh", random_state=0).fit(X, y)
    >>> reg.score(X, y)
    """

    _loss_scale = 0.5
    _l2_scale = 2.0
    out_activation_ = "identity"

    def _more_tags(self):
        return {"multioutput": True}

    def fit(self, X, y):
        """Train on X (n_samples, n_features) and targets y (n_samples,) or (n_samples, n_outputs); returns self."""
        X, y = self._validate_data(X, y, dtype=np.float32, order="C", multi_output=True, y_numeric=True)
        y = np.asarray(y, dtype=np.float32)
        self._y_1d = y.ndim == 1
        return self._fit(X, y, 1 if y.ndim == 1 else y.shape[1])

    def predict(self, X):
        """The predicted targets: (n_samples,) for a 1-D y, else (n_samples, n_outputs)."""
        rows = self._check_X(X)
        out = self.model_.predict(rows).astype(np.float64)
        return out.ravel() if self._y_1d else out

    @staticmethod
    def _validation_score(model, metrics, X_val, y_val):
        return r2_score(y_val, model.predict(X_val))


__all__ = ["MLPClassifier", "MLPRegressor"]
