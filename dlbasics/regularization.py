"""Regularization from scratch: L2 weight decay, dropout and early stopping.

Three remedies for overfitting, each a few lines. :class:`dlbasics.mlp.MLP` uses them when asked
(``MLP(..., l2=..., dropout=...)``, ``fit(..., early_stopping=EarlyStopping(...))``); the
regularization page shows them at work. Shapes follow the MLP: ``A`` is a layer's output
``(n_samples, n_units)``, ``W`` a weight matrix ``(n_in, n_out)``.

- **L2 weight decay** adds ``l2 * sum(W**2)`` over the weight matrices (not the biases) to the
  loss, as Keras' ``regularizers.L2(l2)`` does. Its gradient is one term, ``2 * l2 * W``, added
  to each ``dW``: every step pulls each weight a little towards 0, in proportion to its size.
- **Dropout** (inverted, as Keras' ``Dropout(rate)``): in training, each output of a hidden layer
  is set to 0 with probability ``rate`` and the others are divided by ``1 - rate``; at inference
  the layer is the identity. The division keeps every output's expected value the same in
  training and at inference, so nothing has to be rescaled afterwards. The backward pass
  multiplies by the same mask: a dropped unit passes no gradient back.
- **Early stopping** watches the validation loss after each epoch, stops when it has not improved
  for ``patience`` epochs and puts back the weights of the best epoch (Keras' ``EarlyStopping``
  with ``restore_best_weights=True``).

Left out on purpose: L1, max-norm, data augmentation, dropout on the inputs.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_fraction, check_int, check_nonnegative_float


# ------------------------------------------------------------------------- L2 weight decay
def l2_penalty(weights, l2: float) -> float:
    """``l2 * sum(W**2)`` over every matrix in ``weights``: what L2 adds to the loss."""
    return float(l2 * sum(np.sum(np.square(W, dtype=np.float64)) for W in weights))


def l2_gradient(W, l2: float) -> np.ndarray:
    """d(l2 * sum(W**2)) / dW = ``2 * l2 * W``: the one term L2 adds to ``dW``."""
    return (2.0 * l2) * W


# --------------------------------------------------------------------------------- dropout
def dropout_mask(shape, rate: float, rng: np.random.Generator, dtype=np.float32) -> np.ndarray:
    """A mask for inverted dropout: 0 with probability ``rate``, else ``1 / (1 - rate)``."""
    rate = check_fraction("rate", rate)
    kept = rng.random(shape) >= rate  # True with probability 1 - rate
    return kept.astype(dtype) / (1.0 - rate)  # a Python float keeps the mask's dtype


def dropout_forward(A, mask) -> np.ndarray:
    """Training: ``A * mask`` (the dropped units are 0, the kept ones scaled up)."""
    return A * mask


def dropout_backward(dA, mask) -> np.ndarray:
    """d(A * mask) / dA is the mask: the gradient flows only through the kept units."""
    return dA * mask


# -------------------------------------------------------------------------- early stopping
class EarlyStopping:
    """Stop when the validation loss has not improved for ``patience`` epochs; keep the best.

    ``update(val_loss, params)`` after each epoch returns True when training should stop; it keeps
    a copy of ``params`` whenever ``val_loss`` is lower than the best so far by more than
    ``min_delta``. ``restore(params)`` writes the best copy back in place. ``best_epoch`` is
    0-based; ``stopped_epoch`` is the epoch after which training stopped (None if it never did).
    """

    def __init__(self, patience: int = 5, min_delta: float = 0.0):
        self.patience = check_int("patience", patience)
        self.min_delta = check_nonnegative_float("min_delta", min_delta)
        self.best_loss = np.inf
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self._epoch = -1
        self._waited = 0
        self._best_params: list[np.ndarray] | None = None

    def update(self, val_loss: float, params) -> bool:
        self._epoch += 1
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_epoch, self._waited = float(val_loss), self._epoch, 0
            self._best_params = [p.copy() for p in params]
            return False
        self._waited += 1
        if self._waited >= self.patience:
            self.stopped_epoch = self._epoch
            return True
        return False

    def restore(self, params) -> None:
        if self._best_params is None:
            raise ValueError("nothing to restore: update() has not been called yet")
        for param, best in zip(params, self._best_params, strict=True):
            param[...] = best
