"""Model.fit on a model trained on an image folder: the rows it trains and
validates on are normalised per channel as predict normalises them
(Model::prepare), not only scaled.

The model is one dense layer (softmax regression), so one full-batch SGD step
can be computed by hand from the normalised pixels."""

import os

import numpy as np
import pytest

import scratchnet

pytest.importorskip("PIL")

CLASSES = {"a": (200, 40, 90), "b": (30, 160, 220)}  # mean colours far from grey: the normalisation matters


def write_images(folder, per_class=6, size=4, seed=0):
    """RGB PNGs, one folder per class; returns the pixels (N, 3, size, size) / 255 and the class names."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    pixels, labels = [], []
    for name, colour in CLASSES.items():
        os.makedirs(os.path.join(folder, name))
        for i in range(per_class):
            image = np.clip(np.array(colour) + rng.normal(0, 40, (size, size, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(image, "RGB").save(os.path.join(folder, name, f"{i}.png"))
            pixels.append(image.transpose(2, 0, 1))
            labels.append(name)
    return np.stack(pixels).astype(np.float32) / np.float32(255), np.array(labels)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.fixture
def image_model(tmp_path):
    x, y = write_images(str(tmp_path / "images"))
    # Every image trains (test_fraction 0), so the channel statistics are those of x.
    scratchnet.train({"data": {"source": str(tmp_path / "images"), "scale": "standard", "test_fraction": 0},
                      "model": {"layers": "none"}, "train": {"optimizer": "sgd", "epochs": 1, "seed": 3}},
                     out=str(tmp_path / "run"))
    return scratchnet.load(str(tmp_path / "run" / "model.snm")), x, y


def normalised(x):
    """x standardised per channel with its own mean and (population) standard deviation."""
    mean = x.mean(axis=(0, 2, 3), dtype=np.float64)[None, :, None, None]
    std = x.std(axis=(0, 2, 3), dtype=np.float64)[None, :, None, None]
    return ((x - mean) / std).reshape(len(x), -1)


def test_fit_trains_and_validates_on_the_inputs_predict_sees(image_model):
    model, x, y = image_model
    onehot = (y[:, None] == np.array(sorted(CLASSES))[None, :]).astype(np.float64)
    w0, b0 = (np.asarray(p, dtype=np.float64) for p in model.get_weights())
    xn = normalised(x)
    # predict normalises the rows: the hand-normalised rows give its probabilities.
    p0 = softmax(xn @ w0 + b0)
    np.testing.assert_allclose(model.predict_proba(x), p0, atol=1e-5)

    # One full-batch SGD step on the raw rows: the gradient of the mean
    # cross-entropy is that of the normalised rows, xn^T (p - onehot) / N.
    lr, n = 0.5, len(x)
    history = model.fit(x, y, epochs=1, batch_size=n, optimizer="sgd", lr=lr, weight_decay=0,
                        validation_data=(x, y))
    w1, b1 = (np.asarray(p, dtype=np.float64) for p in model.get_weights())
    np.testing.assert_allclose(w1, w0 - lr * xn.T @ (p0 - onehot) / n, atol=1e-5)
    np.testing.assert_allclose(b1, b0 - lr * (p0 - onehot).mean(axis=0), atol=1e-5)

    # The validation loss is that of predict's probabilities on the same rows.
    p1 = model.predict_proba(x)
    assert history["val_loss"][0] == pytest.approx(-np.mean(np.log(np.sum(p1 * onehot, axis=1))), rel=1e-4)
