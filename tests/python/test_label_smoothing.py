"""Label smoothing (train.label_smoothing) against PyTorch's
CrossEntropyLoss(label_smoothing=eps): the loss of scratchnet.losses and its
gradient, and a training step of Model.fit with the setting (the same weights
after one full-batch SGD step as torch.optim.SGD gives); bad values are
ValueErrors naming the key."""

import numpy as np
import pytest

import scratchnet
from scratchnet import layers as L
from scratchnet import losses

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.45])
def test_loss_and_gradient_match_pytorch(rng, eps):
    logits = rng.normal(0, 2, (7, 5)).astype(np.float32)
    labels = rng.integers(0, 5, 7)
    loss = losses.SoftmaxCrossEntropy(label_smoothing=eps)
    value = loss.forward(logits, labels)
    grad = loss.backward()

    z = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    reference = torch.nn.CrossEntropyLoss(label_smoothing=eps)(z, torch.tensor(labels))
    reference.backward()
    assert value == pytest.approx(reference.item(), rel=1e-5)
    np.testing.assert_allclose(grad, z.grad.numpy(), atol=1e-6)
    assert loss.label_smoothing == pytest.approx(eps)


def test_a_fit_step_matches_pytorchs_sgd_step(rng):
    eps, lr = 0.2, 0.5
    x = rng.normal(0, 1, (12, 6)).astype(np.float32)
    y = np.arange(12) % 3
    model = scratchnet.Model([L.Dense(6, 3)], optimizer="sgd", lr=lr, scale="none", label_smoothing=eps)
    model.build((6,))
    w0, b0 = (np.asarray(p) for p in model.get_weights())

    linear = torch.nn.Linear(6, 3).double()
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(w0.T))
        linear.bias.copy_(torch.tensor(b0))
    step = torch.optim.SGD(linear.parameters(), lr=lr)
    reference = torch.nn.CrossEntropyLoss(label_smoothing=eps)(linear(torch.tensor(x, dtype=torch.float64)),
                                                                 torch.tensor(y))
    reference.backward()
    step.step()

    history = model.fit(x, y, epochs=1, batch_size=len(x))
    w1, b1 = model.get_weights()
    assert history["train_loss"][0] == pytest.approx(reference.item(), rel=1e-5)
    np.testing.assert_allclose(w1, linear.weight.detach().numpy().T, atol=1e-6)
    np.testing.assert_allclose(b1, linear.bias.detach().numpy(), atol=1e-6)
    # Without smoothing the same step lands elsewhere: the setting is what moved it.
    plain = scratchnet.Model([L.Dense(6, 3)], optimizer="sgd", lr=lr, scale="none")
    plain.build((6,))
    plain.set_weights([w0, b0])
    plain.fit(x, y, epochs=1, batch_size=len(x))
    assert np.abs(plain.get_weights()[0] - w1).max() > 1e-3


def test_bad_values_are_value_errors_naming_the_key(rng):
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        losses.SoftmaxCrossEntropy(label_smoothing=1.0)
    with pytest.raises(ValueError, match=r"train.label_smoothing: 1.5 is out of range \[0, 1\)"):
        scratchnet.Model([L.Dense(2, 2)], label_smoothing=1.5)
    regression = scratchnet.Model([L.Dense(2, 1)], loss="mse", label_smoothing=0.1)
    x = rng.normal(0, 1, (8, 2)).astype(np.float32)
    with pytest.raises(ValueError, match="train.label_smoothing: label smoothing needs a classification task"):
        regression.fit(x, x[:, :1].copy(), epochs=1)
    assert repr(losses.SoftmaxCrossEntropy(label_smoothing=0.1)) == "SoftmaxCrossEntropy(label_smoothing=0.1)"
