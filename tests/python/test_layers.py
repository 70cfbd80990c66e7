"""Layer by layer: every layer's forward and backward against a plain-numpy
implementation written here, parameters as numpy views that share memory with
the layer, rebuilds that keep the views, and generated classes that cover
the whole registry."""

import math
import pickle

import numpy as np
import pytest

import scratchnet
from scratchnet import _core
from scratchnet import layers as L


# ---- plain-numpy references ----

def conv_forward(x, W, b, stride, pad):
    n, c, h, w = x.shape
    f, _, k, _ = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1
    y = np.zeros((n, f, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i * stride:i * stride + k, j * stride:j * stride + k]
            y[:, :, i, j] = np.tensordot(patch, W, axes=([1, 2, 3], [1, 2, 3])) + b
    return y


def conv_backward(x, W, dy, stride, pad):
    n, c, h, w = x.shape
    f, _, k, _ = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp, dW = np.zeros_like(xp), np.zeros_like(W)
    for i in range(dy.shape[2]):
        for j in range(dy.shape[3]):
            sl = (slice(None), slice(None), slice(i * stride, i * stride + k), slice(j * stride, j * stride + k))
            dW += np.tensordot(dy[:, :, i, j], xp[sl], axes=([0], [0]))
            dxp[sl] += np.tensordot(dy[:, :, i, j], W, axes=([1], [0]))
    return dxp[:, :, pad:pad + h, pad:pad + w], dW, dy.sum(axis=(0, 2, 3))


def pool_windows(x, k, s):
    n, c, h, w = x.shape
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    return oh, ow, [(i, j, x[:, :, i * s:i * s + k, j * s:j * s + k]) for i in range(oh) for j in range(ow)]


def max_pool(x, dy, k, s):
    oh, ow, windows = pool_windows(x, k, s)
    y, dx = np.zeros(x.shape[:2] + (oh, ow)), np.zeros_like(x)
    for i, j, win in windows:
        flat = win.reshape(win.shape[0], win.shape[1], -1)
        y[:, :, i, j] = flat.max(axis=2)
        arg = flat.argmax(axis=2)
        for n in range(x.shape[0]):
            for c in range(x.shape[1]):
                di, dj = divmod(arg[n, c], k)
                dx[n, c, i * s + di, j * s + dj] += dy[n, c, i, j]
    return y, dx


def avg_pool(x, dy, k, s):
    oh, ow, windows = pool_windows(x, k, s)
    y, dx = np.zeros(x.shape[:2] + (oh, ow)), np.zeros_like(x)
    for i, j, win in windows:
        y[:, :, i, j] = win.mean(axis=(2, 3))
        dx[:, :, i * s:i * s + k, j * s:j * s + k] += dy[:, :, i, j][:, :, None, None] / (k * k)
    return y, dx


def batch_norm_train(x, gamma, beta, eps, dy):
    axes = (0,) if x.ndim == 2 else (0, 2, 3)
    shape = (1, -1) if x.ndim == 2 else (1, -1, 1, 1)
    m = x.size // gamma.size
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    inv = 1 / np.sqrt(var + eps)
    xh = (x - mean.reshape(shape)) * inv.reshape(shape)
    y = gamma.reshape(shape) * xh + beta.reshape(shape)
    dxh = dy * gamma.reshape(shape)
    dx = inv.reshape(shape) / m * (m * dxh - dxh.sum(axis=axes).reshape(shape)
                                   - xh * (dxh * xh).sum(axis=axes).reshape(shape))
    return y, dx, (dy * xh).sum(axis=axes), dy.sum(axis=axes), mean, var * m / (m - 1)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


PHI = np.vectorize(lambda v: 0.5 * (1 + math.erf(v / math.sqrt(2))))  # the normal CDF


ACTIVATIONS = {
    "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), lambda x, y: y * (1 - y)),
    "tanh": (np.tanh, lambda x, y: 1 - y * y),
    "relu": (lambda x: np.maximum(x, 0), lambda x, y: (x > 0).astype(float)),
    "leaky_relu": (lambda x: np.where(x > 0, x, 0.1 * x), lambda x, y: np.where(x > 0, 1.0, 0.1)),
    "identity": (lambda x: x, lambda x, y: np.ones_like(x)),
    # ELU, alpha = 1; GELU exact (x Phi(x)); SiLU x sigma(x); softplus, beta = 1
    "elu": (lambda x: np.where(x > 0, x, np.expm1(x)), lambda x, y: np.where(x > 0, 1.0, np.exp(x))),
    "gelu": (lambda x: x * PHI(x), lambda x, y: PHI(x) + x * np.exp(-x * x / 2) / math.sqrt(2 * math.pi)),
    "silu": (lambda x: x / (1 + np.exp(-x)), lambda x, y: (1 + np.exp(-x) * (1 + x)) / (1 + np.exp(-x)) ** 2),
    "softplus": (lambda x: np.log1p(np.exp(x)), lambda x, y: 1 / (1 + np.exp(-x))),
}


def run(layer, x, dy, train=True):
    layer.zero_grad()
    y = layer.forward(x.astype(np.float32), train=train)
    dx = layer.backward(dy.astype(np.float32))
    return y.astype(np.float64), dx.astype(np.float64)


def close(a, b, tol=1e-4):
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol * max(1.0, np.abs(b).max()))


# ---- the layers ----

def test_dense(rng):
    layer = L.Dense(5, 3)
    x, dy = rng.normal(size=(4, 5)), rng.normal(size=(4, 3))
    W, b = layer.params["W"].value.astype(np.float64), layer.params["b"].value.astype(np.float64)
    b += 0  # biases start at zero: give them values so that they count
    layer.params["b"].value[...] = rng.normal(size=3)
    b = layer.params["b"].value.astype(np.float64)
    y, dx = run(layer, x, dy)
    close(y, x @ W + b)
    close(dx, dy @ W.T)
    close(layer.params["W"].grad, x.T @ dy)
    close(layer.params["b"].grad, dy.sum(axis=0))


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations(rng, name):
    f, df = ACTIVATIONS[name]
    layer = L.LeakyReLU(0.1) if name == "leaky_relu" else L.ACTIVATIONS[name]()
    x, dy = rng.normal(size=(3, 7)), rng.normal(size=(3, 7))
    y, dx = run(layer, x, dy)
    close(y, f(x))
    close(dx, dy * df(x, f(x)))


def test_softmax_layer(rng):
    x, dy = rng.normal(size=(3, 6)), rng.normal(size=(3, 6))
    y, dx = run(L.Softmax(), x, dy)
    s = softmax(x)
    close(y, s)
    close(dx, s * (dy - (dy * s).sum(axis=1, keepdims=True)))


@pytest.mark.parametrize("stride,pad", [(1, 0), (1, 2), (2, 1)])
def test_conv2d(rng, stride, pad):
    layer = L.Conv2D(2, 3, kernel_size=3, stride=stride, padding=pad)
    layer.params["b"].value[...] = rng.normal(size=3)
    W, b = layer.params["W"].value.astype(np.float64), layer.params["b"].value.astype(np.float64)
    assert W.shape == (3, 2, 3, 3)
    x = rng.normal(size=(2, 2, 7, 6))
    y_ref = conv_forward(x, W, b, stride, pad)
    dy = rng.normal(size=y_ref.shape)
    y, dx = run(layer, x, dy)
    dx_ref, dW_ref, db_ref = conv_backward(x, W, dy, stride, pad)
    close(y, y_ref)
    close(dx, dx_ref)
    close(layer.params["W"].grad, dW_ref)
    close(layer.params["b"].grad, db_ref)


@pytest.mark.parametrize("cls,ref", [(L.MaxPool2D, max_pool), (L.AvgPool2D, avg_pool)])
@pytest.mark.parametrize("k,s", [(2, None), (3, 1), (3, 2)])
def test_pooling(rng, cls, ref, k, s):
    x = rng.normal(size=(2, 3, 7, 6))
    layer = cls(k, s)
    y_shape = layer.forward(x.astype(np.float32)).shape
    dy = rng.normal(size=y_shape)
    y, dx = run(layer, x, dy)
    y_ref, dx_ref = ref(x, dy, k, s or k)
    close(y, y_ref)
    close(dx, dx_ref)


@pytest.mark.parametrize("shape", [(6, 4), (5, 3, 4, 4)])
def test_batch_norm_train_and_eval(rng, shape):
    features = shape[1]
    layer = L.BatchNorm(features, momentum=0.8)
    layer.params["gamma"].value[...] = rng.uniform(0.5, 1.5, features)
    layer.params["beta"].value[...] = rng.normal(size=features)
    gamma, beta = layer.params["gamma"].value.astype(np.float64), layer.params["beta"].value.astype(np.float64)
    x, dy = rng.normal(2, 3, size=shape), rng.normal(size=shape)
    y, dx = run(layer, x, dy)
    y_ref, dx_ref, dgamma, dbeta, mean, var = batch_norm_train(x, gamma, beta, 1e-5, dy)
    close(y, y_ref)
    close(dx, dx_ref, 1e-3)
    close(layer.params["gamma"].grad, dgamma)
    close(layer.params["beta"].grad, dbeta)
    # running = momentum * running + (1 - momentum) * batch (unbiased variance)
    close(layer.buffers["running_mean"], 0.2 * mean)
    close(layer.buffers["running_var"], 0.8 + 0.2 * var)
    # eval mode: the running statistics, unchanged by it
    s = (1, -1) if len(shape) == 2 else (1, -1, 1, 1)
    rm, rv = layer.buffers["running_mean"].astype(np.float64), layer.buffers["running_var"].astype(np.float64)
    y_eval = layer.forward(x.astype(np.float32), train=False)
    close(y_eval, gamma.reshape(s) * (x - rm.reshape(s)) / np.sqrt(rv.reshape(s) + 1e-5) + beta.reshape(s))
    close(layer.buffers["running_mean"], rm)


def test_dropout(rng):
    x, dy = rng.uniform(0.5, 1.5, size=(50, 40)), rng.normal(size=(50, 40))
    layer = L.Dropout(0.3)
    y, dx = run(layer, x, dy)
    kept = y != 0
    assert 0.6 < kept.mean() < 0.8
    close(y[kept], x[kept] / 0.7)
    close(dx, dy * kept / 0.7)
    y_eval = layer.forward(x.astype(np.float32), train=False)
    close(y_eval, x)


def test_global_avg_pool(rng):
    x, dy = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(2, 3))
    y, dx = run(L.GlobalAvgPool2d(), x, dy)
    close(y.reshape(2, 3), x.mean(axis=(2, 3)))
    close(dx.reshape(x.shape), np.broadcast_to(dy[:, :, None, None] / 20, x.shape))


def test_flatten(rng):
    x, dy = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(2, 60))
    y, dx = run(L.Flatten(), x, dy)
    close(y, x.reshape(2, -1))
    close(dx, dy.reshape(x.shape))


def test_residual_forward_and_backward(rng):
    """The block against a numpy composition of its parts, and dx against finite differences of it."""
    block = L.Residual(2, 3, stride=2)
    for q in block.params:  # every parameter random, so that none can be forgotten
        q.value[...] = rng.uniform(0.5, 1.5, q.value.shape) * rng.choice([-1, 1], q.value.shape)
    p = {q.name: q.value.astype(np.float64) for q in block.params}
    # The inner convolutions' W are (filters, C*k*k): 3x3, 3x3, then the 1x1 projection.
    p["W"], p["W_2"], p["W_3"] = p["W"].reshape(3, 2, 3, 3), p["W_2"].reshape(3, 3, 3, 3), p["W_3"].reshape(3, 2, 1, 1)

    def bn(x, g, b):
        mean, var = x.mean(axis=(0, 2, 3), keepdims=True), x.var(axis=(0, 2, 3), keepdims=True)
        return g.reshape(1, -1, 1, 1) * (x - mean) / np.sqrt(var + 1e-5) + b.reshape(1, -1, 1, 1)

    def forward(x):
        h = np.maximum(bn(conv_forward(x, p["W"], p["b"], 2, 1), p["gamma"], p["beta"]), 0)
        main = bn(conv_forward(h, p["W_2"], p["b_2"], 1, 1), p["gamma_2"], p["beta_2"])
        skip = bn(conv_forward(x, p["W_3"], p["b_3"], 2, 0), p["gamma_3"], p["beta_3"])
        return np.maximum(main + skip, 0)

    x = rng.normal(size=(3, 2, 5, 5))
    y_ref = forward(x)
    dy = rng.normal(size=y_ref.shape)
    y, dx = run(block, x, dy)
    close(y, y_ref, 1e-3)
    h = 1e-6
    for index in [(0, 0, 0, 0), (1, 1, 2, 3), (2, 0, 4, 4)]:
        up, down = x.copy(), x.copy()
        up[index] += h
        down[index] -= h
        numeric = ((forward(up) - forward(down)) * dy).sum() / (2 * h)
        assert abs(dx[index] - numeric) <= 1e-3 * max(1, abs(numeric))


def test_every_registered_type_has_a_class_and_a_test():
    tested = {"dense", "conv2d", "max_pool2d", "avg_pool2d", "batch_norm", "dropout", "flatten", "residual",
              "softmax", "global_avg_pool2d"} | set(ACTIVATIONS)
    registered = {t["name"] for t in _core.layers.layer_types()}
    assert registered <= set(L.CLASSES), "a registry type without a generated class"
    assert registered <= tested, f"layer types without a numpy test here: {registered - tested}"


# ---- parameters share memory ----

def test_params_are_views_that_change_the_layer(rng):
    layer = L.Dense(3, 2)
    W = layer.params["W"].value
    W[...] = 0
    W[0, 1] = 2.0
    y = layer.forward(np.array([[1.0, 0, 0]], np.float32))
    assert y[0, 1] == 2.0 and y[0, 0] == 0.0
    layer.backward(np.ones((1, 2), np.float32))
    assert np.shares_memory(layer.params["W"].grad, layer.params["W"].grad)
    assert layer.params["W"].grad[0, 0] == 1.0
    layer.params["W"].value = np.ones((3, 2))  # assignment copies into the layer
    assert W[0, 0] == 1.0


def test_rebuild_for_another_image_size_keeps_the_views(rng):
    conv = L.Conv2D(1, 4, kernel_size=3)
    W = conv.params["W"].value
    grad = conv.params["W"].grad
    assert conv.input_shape == (1, 3, 3)  # built for the smallest image
    conv.forward(rng.normal(size=(2, 1, 10, 9)))
    assert conv.input_shape == (1, 10, 9)
    assert np.shares_memory(W, conv.params["W"].value)
    W[...] = 0
    conv.params["b"].value[...] = 1
    assert np.all(conv.forward(rng.normal(size=(1, 1, 6, 6))) == 1)
    conv.backward(np.ones((1, 4, 4, 4), np.float32))
    assert grad.sum() != 0  # the old grad view is the rebuilt layer's


def test_a_shape_that_would_change_a_parameter_is_a_value_error(rng):
    dense = L.Dense(4, 2)
    with pytest.raises(ValueError, match="W is shaped"):
        dense.forward(np.zeros((1, 5), np.float32))
    conv = L.Conv2D(3, 2, kernel_size=3)
    with pytest.raises(ValueError):
        conv.forward(np.zeros((1, 1, 5, 5), np.float32))


def test_backward_needs_a_forward_and_matching_dy():
    layer = L.Dense(2, 2)
    with pytest.raises(ValueError, match="forward"):
        layer.backward(np.ones((1, 2)))
    layer.forward(np.ones((3, 2)))
    with pytest.raises(ValueError, match="shape"):
        layer.backward(np.ones((2, 2)))


def test_bad_settings_name_the_argument():
    with pytest.raises(ValueError, match="Conv2D.*kernel"):
        L.Conv2D(1, 2, kernel_size=0)
    with pytest.raises(ValueError, match="rate"):
        L.Dropout(1.5)
    with pytest.raises(ValueError, match="square"):
        L.MaxPool2D((2, 3))


def test_same_seed_same_weights_and_pickle_round_trip(rng):
    a, b = L.Dense(6, 4, seed=3), L.Dense(6, 4, seed=3)
    assert np.array_equal(a.params["W"].value, b.params["W"].value)
    conv = L.Conv2D(1, 2, kernel_size=3, padding=1)
    x = rng.normal(size=(2, 1, 5, 5)).astype(np.float32)
    y = conv.forward(x)
    copy = pickle.loads(pickle.dumps(conv))
    assert repr(copy) == repr(conv)
    assert np.array_equal(copy.forward(x), y)


def test_help_reads_well():
    doc = L.Conv2D.__doc__
    for fragment in ["in_channels : int", "out_channels : int", "kernel_size : int", "stride : int, default 1",
                     "TOML: ``filters``", "Examples"]:
        assert fragment in doc
    import inspect
    assert str(inspect.signature(L.Conv2D)) == \
        "(in_channels, out_channels, kernel_size, stride=1, padding=0, *, init='he', seed=None)"
    assert str(inspect.signature(L.MaxPool2D)) == "(kernel_size, stride=None)"
    assert str(inspect.signature(L.Dropout)) == "(p)"
    assert repr(L.Conv2D(1, 6, 5, padding=2, seed=1)) == \
        "Conv2D(in_channels=1, out_channels=6, kernel_size=5, stride=1, padding=2, init='he')"
