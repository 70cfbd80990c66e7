"""Losses: ``forward(outputs, targets)`` gives the mean loss over the batch,
``backward()`` gives dL/d(outputs) of that mean, as the library's trainer uses them."""

from . import _core


class _Loss:
    _type = None

    def __init__(self):
        self._impl = _core.losses.Loss(self._type)

    def forward(self, outputs, targets):
        """The mean loss of a batch (a float)."""
        return self._impl.forward(outputs, targets)

    __call__ = forward

    def backward(self):
        """dL/d(outputs) of the last forward (float32, shaped like the outputs)."""
        return self._impl.backward()

    def __repr__(self):
        return f"{type(self).__name__}()"


class SoftmaxCrossEntropy(_Loss):
    """Softmax followed by cross-entropy, fused (the book's SoftmaxWithLoss).

    ``loss = mean_i (logsumexp(z_i) - z_i[label_i])``, computed with the row
    maximum subtracted so that huge logits stay finite;
    ``dL/dz = (softmax(z) - onehot(label)) / N``.

    ``forward(logits, labels)`` takes logits (N, K) and class ids (N,) in
    0..K-1, or one-hot rows (N, K). ``probabilities`` holds the softmax of the
    last forward.

    Parameters
    ----------
    label_smoothing : float, default 0
        eps in [0, 1): the targets become ``(1 - eps) * onehot + eps / K``
        (PyTorch's ``CrossEntropyLoss(label_smoothing=eps)``), so
        ``dL/dz = (softmax(z) - that) / N``. The training setting of the same
        name (``Model(..., label_smoothing=0.1)``, ``train.label_smoothing``)
        trains with it.
    """

    _type = "softmax_cross_entropy"

    def __init__(self, label_smoothing=0.0):
        self._impl = _core.losses.Loss(self._type, float(label_smoothing))

    @property
    def label_smoothing(self):
        """The smoothing eps of the targets (0: one-hot)."""
        return self._impl.label_smoothing

    def __repr__(self):
        return f"SoftmaxCrossEntropy(label_smoothing={self.label_smoothing:g})" if self.label_smoothing \
            else "SoftmaxCrossEntropy()"

    @property
    def probabilities(self):
        """softmax(logits) of the last forward, (N, K)."""
        return self._impl.probabilities


class MSE(_Loss):
    """Mean squared error: ``loss = mean over N*K of (y - t)^2``, ``dL/dy = 2 (y - t) / (N K)``.

    ``forward(outputs, targets)`` takes outputs (N, K) and targets of the same
    shape (or (N,) when K is 1).
    """

    _type = "mse"


__all__ = ["SoftmaxCrossEntropy", "MSE"]
