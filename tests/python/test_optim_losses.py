"""Optimizers against numpy transcriptions of their update rules (and seed
001's optimizer test vector), their state as writable views, and the losses
against numpy."""

import numpy as np
import pytest

import scratchnet
from scratchnet import layers as L
from scratchnet import losses, optim


def rules(name, h):
    """One step of each rule in numpy: (w, g, state, t) -> (w, state); decay already in g."""
    lr = h["lr"]
    if name == "sgd":
        return lambda w, g, s, t: (w - lr * g, s)
    if name == "momentum":
        return lambda w, g, s, t: (w + (h["momentum"] * s[0] - lr * g), [h["momentum"] * s[0] - lr * g])
    if name == "nesterov":
        def step(w, g, s, t):
            v = h["momentum"] * s[0] + g
            return w - lr * (g + h["momentum"] * v), [v]
        return step
    if name == "adagrad":
        def step(w, g, s, t):
            acc = s[0] + g * g
            return w - lr * g / (np.sqrt(acc) + h["eps"]), [acc]
        return step
    if name == "rmsprop":
        def step(w, g, s, t):
            acc = h["rho"] * s[0] + (1 - h["rho"]) * g * g
            return w - lr * g / (np.sqrt(acc) + h["eps"]), [acc]
        return step
    if name in ("adam", "adamw"):
        def step(w, g, s, t):
            if name == "adamw":
                w = w - lr * h["decay"] * w
            m = h["beta1"] * s[0] + (1 - h["beta1"]) * g
            v = h["beta2"] * s[1] + (1 - h["beta2"]) * g * g
            mh, vh = m / (1 - h["beta1"] ** t), v / (1 - h["beta2"] ** t)
            return w - lr * mh / (np.sqrt(vh) + h["eps"]), [m, v]
        return step
    raise AssertionError(f"no numpy rule for {name}: add one")


@pytest.mark.parametrize("name", sorted(optim.CLASSES))
def test_three_steps_match_numpy(rng, name):
    cls = optim.CLASSES[name]
    opt = cls(lr=0.05, weight_decay=0.1)
    h = dict(opt.hyper_parameters, lr=0.05, decay=0.1)
    w = scratchnet.Parameter(rng.normal(size=(3, 4)), name="W", decay=True)
    b = scratchnet.Parameter(rng.normal(size=4), name="b", decay=False)
    ref = {"W": w.value.astype(np.float64), "b": b.value.astype(np.float64)}
    state = {k: [np.zeros_like(v), np.zeros_like(v)] for k, v in ref.items()}
    step = rules(name, h)
    for t in range(1, 4):
        for p in (w, b):
            p.grad[...] = rng.normal(size=p.shape)
            g = p.grad.astype(np.float64)
            if p.decay and name != "adamw":
                g = g + 0.1 * ref[p.name]
            hp = dict(h, decay=0.1 if p.decay else 0.0)
            ref[p.name], state[p.name] = rules(name, hp)(ref[p.name], g, state[p.name], t)
        opt.step([w, b])
    np.testing.assert_allclose(w.value, ref["W"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(b.value, ref["b"], rtol=1e-5, atol=1e-6)
    assert opt.steps == 3


def test_seed_001_optimizer_test_vector():
    """Seed 001's unit test: lr 10, iteration 3, SGD -> Momentum -> AdaGrad -> RMSProp -> Adam
    on one weight and bias, carrying the velocity and the squared-gradient buffer across optimizers."""
    np.random.seed(101)
    W = scratchnet.Parameter(np.random.randn(2, 3), name="W")
    b = scratchnet.Parameter(np.random.randn(2), name="b", decay=False)
    W_dt, B_dt = np.random.randn(2, 3), np.random.randn(2)
    W_mt, B_mt = np.random.randn(2, 3), np.random.randn(2)
    W_vt, B_vt = np.abs(np.random.randn(2, 3)), np.abs(np.random.randn(2))
    W.grad[...], b.grad[...] = np.random.randn(2, 3), np.random.randn(2)
    expected = [[7.67789007, 8.16882972, 10.34203348, -3.22934657],
                [14.46528172, 15.04341688, 19.30016537, -4.77070266],
                [22.50872929, 22.74302212, 28.47667875, -7.62607443],
                [30.69802889, 30.60433129, 37.72651766, -10.62235939],
                [29.41774022, 19.27573813, 23.68071186, 1.52919472]]
    params = [W, b]
    optimizers = [optim.SGD(lr=10), optim.Momentum(lr=10, momentum=0.9), optim.AdaGrad(lr=10),
                  optim.RMSProp(lr=10, rho=0.9), optim.Adam(lr=10, beta1=0.9, beta2=0.99)]
    for opt, want in zip(optimizers, expected):
        state = opt.state(params)
        if isinstance(opt, optim.Momentum):
            # The seed keeps delta = gamma * delta + lr * g and w -= delta; scratchnet v = -delta.
            state[0][0][...], state[1][0][...] = -W_dt, -B_dt
        elif isinstance(opt, (optim.AdaGrad, optim.RMSProp)):
            state[0][0][...], state[1][0][...] = W_vt, B_vt
        elif isinstance(opt, optim.Adam):
            state[0][0][...], state[1][0][...] = W_mt, B_mt
            state[0][1][...], state[1][1][...] = W_vt, B_vt
            opt.steps = 2  # this step is iteration 3
        opt.step(params)
        if isinstance(opt, (optim.AdaGrad, optim.RMSProp)):
            W_vt, B_vt = state[0][0].copy(), state[1][0].copy()  # carried to the next optimizer
        np.testing.assert_allclose(np.r_[W.value[0], b.value[:1]], want, rtol=1e-5)


def test_step_needs_the_same_parameters_every_time(rng):
    a, b = L.Dense(3, 2), L.Dense(2, 2)
    opt = optim.Adam()
    opt.step(a.params + b.params)
    with pytest.raises(ValueError, match="same parameter list"):
        opt.step(a.params)
    with pytest.raises(ValueError, match="same parameter list"):
        opt.step(b.params + a.params)


def test_layers_and_models_are_accepted_as_parameter_lists(rng):
    dense = L.Dense(3, 2)
    before = dense.params["W"].value.copy()
    dense.params["W"].grad[...] = 1.0
    optim.SGD(lr=0.5).step(dense)
    np.testing.assert_allclose(dense.params["W"].value, before - 0.5)
    optim.SGD.zero_grad(dense)
    assert not dense.params["W"].grad.any()


def test_bad_hyper_parameters_are_value_errors():
    with pytest.raises(ValueError, match="beta1"):
        optim.Adam(beta1=1.5)
    with pytest.raises(ValueError, match="learning rate"):
        optim.SGD(lr=-1)
    with pytest.raises(TypeError):
        optim.SGD(momentum=0.9)  # SGD has no momentum: the signature says so


def test_softmax_cross_entropy_matches_numpy(rng):
    z, labels = rng.normal(size=(5, 4)) * 3, rng.integers(0, 4, 5)
    loss = losses.SoftmaxCrossEntropy()
    value = loss.forward(z, labels)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    assert value == pytest.approx(-np.log(p[np.arange(5), labels]).mean(), rel=1e-5)
    onehot = np.eye(4)[labels]
    np.testing.assert_allclose(loss.backward(), (p - onehot) / 5, atol=1e-6)
    np.testing.assert_allclose(loss.probabilities, p, atol=1e-6)
    assert loss.forward(z, onehot) == pytest.approx(value)
    assert np.isfinite(loss.forward(np.array([[1e4, -1e4]]), [1]))  # the max is subtracted
    with pytest.raises(ValueError, match="out of range"):
        loss.forward(z, labels + 4)


def test_mse_matches_numpy(rng):
    y, t = rng.normal(size=(6, 2)), rng.normal(size=(6, 2))
    loss = losses.MSE()
    assert loss.forward(y, t) == pytest.approx(((y - t) ** 2).mean(), rel=1e-5)
    np.testing.assert_allclose(loss.backward(), 2 * (y - t) / y.size, atol=1e-6)


def test_a_hand_written_training_loop_learns_xor():
    """The reports' loop, layer by layer: forward, loss, backward, step."""
    xor = scratchnet.datasets.load("xor", seed=3)
    net = [L.Dense(2, 16, seed=1), L.Tanh(), L.Dense(16, 2, seed=2)]
    params = [p for layer in net for p in layer.params]
    loss, opt = losses.SoftmaxCrossEntropy(), optim.Adam(lr=0.05)
    for _ in range(200):
        out = xor.X
        for layer in net:
            out = layer.forward(out)
        loss.forward(out, xor.y)
        opt.zero_grad(params)
        dy = loss.backward()
        for layer in reversed(net):
            dy = layer.backward(dy)
        opt.step(params)
    out = xor.X
    for layer in net:
        out = layer.forward(out, train=False)
    assert (out.argmax(axis=1) == xor.y).mean() > 0.95
