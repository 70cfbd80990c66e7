"""scratchnet.gradcheck: correct layers and networks pass, a deliberately wrong
gradient is flagged (a numpy layer with a wrong backward, a parameter gradient
corrupted through the shared numpy view), the layer is left as it was."""

import numpy as np
import pytest

import scratchnet
from scratchnet import layers as L


class Affine:
    """The book's Affine layer (common/layers.py), in float64."""

    def __init__(self, W, b, wrong=False):
        self.W, self.b, self.wrong = W, b, wrong
        self.dW = self.db = None

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        dx = dout @ self.W.T
        return 2 * dx if self.wrong else dx


def test_a_numpy_layer_passes_and_a_wrong_backward_is_flagged(rng):
    W, b = rng.normal(size=(4, 3)), rng.normal(size=3)
    x = rng.normal(size=(5, 4))
    good = scratchnet.gradcheck(Affine(W.copy(), b.copy()), x)
    assert good.passed, good
    assert [e["name"] for e in good] == ["input", "W", "b"]
    bad = scratchnet.gradcheck(Affine(W.copy(), b.copy(), wrong=True), x)
    assert not bad.passed
    assert [e["name"] for e in bad.failures()] == ["input"]
    assert bad[0]["worst_error"] == pytest.approx(0.5, abs=1e-3)  # |2n - n| / 2n
    assert "<-- wrong?" in repr(bad)


def test_the_layer_keeps_its_values(rng):
    W = rng.normal(size=(4, 3))
    layer = Affine(W.copy(), rng.normal(size=3))
    scratchnet.gradcheck(layer, rng.normal(size=(2, 4)))
    np.testing.assert_array_equal(layer.W, W)


class CorruptingDense(L.Layer):
    """A scratchnet Dense whose W gradient is corrupted, through the shared view, after each backward."""

    def __init__(self):
        self.inner = L.Dense(4, 3, seed=5)
        self.W, self.b = (p.value.astype(np.float64) for p in self.inner.params)
        self.dW = self.db = None

    def forward(self, x, train=True):
        self.inner.params["W"].value[...] = self.W
        self.inner.params["b"].value[...] = self.b
        return self.inner.forward(x, train).astype(np.float64)

    def backward(self, dy):
        self.inner.zero_grad()
        dx = self.inner.backward(dy)
        self.inner.params["W"].grad[1, 2] += 0.5  # corrupted through the numpy view
        self.dW = self.inner.params["W"].grad.astype(np.float64)
        self.db = self.inner.params["b"].grad.astype(np.float64)
        return dx.astype(np.float64)


def test_a_parameter_gradient_corrupted_through_the_view_is_flagged(rng):
    # The layer computes in float32 inside: a larger step (exact for a linear map) keeps float
    # rounding out of the differences.
    result = scratchnet.gradcheck(CorruptingDense(), rng.normal(size=(6, 4)), step=1e-2, tolerance=1e-3)
    failing = result.failures()
    assert [e["name"] for e in failing] == ["W"]
    assert failing[0]["worst_index"] == 1 * 3 + 2
    assert failing[0]["analytic"] - failing[0]["numeric"] == pytest.approx(0.5, abs=1e-3)


@pytest.mark.parametrize("make,shape", [
    (lambda: L.Dense(6, 4), (3, 6)),
    (lambda: L.Conv2D(2, 3, 3, stride=2, padding=1), (2, 2, 7, 6)),
    (lambda: L.BatchNorm(3), (4, 3, 3, 3)),
    (lambda: L.Residual(2, 3, stride=2), (2, 2, 5, 5)),
    (lambda: L.Dropout(0.3), (4, 8)),
    (lambda: L.MaxPool2D(2), (2, 2, 4, 4)),
])
def test_scratchnet_layers_pass(rng, make, shape):
    layer = make()
    for p in layer.params:
        p.value[...] = rng.uniform(0.5, 1.5, p.shape)
    result = scratchnet.gradcheck(layer, rng.normal(size=shape))
    assert result.passed, result
    result = scratchnet.gradcheck(layer, rng.normal(size=shape), train=False)
    assert result.passed, result


def test_layer_lists_and_models(rng):
    layers = [L.Conv2D(1, 2, 3), L.ReLU(), L.Flatten(), L.Dense(2 * 4 * 4, 3)]
    x = rng.normal(size=(3, 1, 6, 6))
    result = scratchnet.gradcheck(layers, x)
    assert result.passed, result
    assert [e["name"] for e in result] == ["0.W", "0.b", "3.W", "3.b"]
    model = scratchnet.Model([L.Dense(5, 4), L.Sigmoid(), L.Dense(4, 2)])
    assert scratchnet.gradcheck(model, rng.normal(size=(4, 5))).passed


def test_float32_arrays_of_a_python_layer_are_refused(rng):
    with pytest.raises(ValueError, match="float64"):
        scratchnet.gradcheck(Affine(np.ones((2, 2), np.float32), np.ones(2)), np.ones((1, 2)))
