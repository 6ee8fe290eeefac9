"""A multi-layer perceptron from scratch: dense layers, forward pass, backpropagation, fit.

Shapes: rows are samples. ``X`` is ``(n_samples, n_features)``; layer ``l`` has ``W`` of shape
``(n_in, n_out)`` and ``b`` of shape ``(n_out,)``, and computes ``Z = A_prev @ W + b``,
``A = activation(Z)``. Targets ``y`` are ``(n_samples, n_outputs)``: one-hot rows for
cross-entropy (see :func:`dlbasics.preprocessing.one_hot`).

Backpropagation walks the layers from the output back to the input with the chain rule:
``dZ = dA * f'(Z)``, ``dW = A_prev.T @ dZ``, ``db = sum(dZ)``, ``dA_prev = dZ @ W.T``.
With a softmax output and cross-entropy, the output's ``dZ`` is simply ``(p - y) / n``.

Training is float32, as in Keras; float64 is for gradient checks.

Regularization is off unless asked for: ``l2`` adds weight decay's one term to each ``dW``,
``dropout`` drops hidden units in training, ``fit(early_stopping=...)`` stops on the validation
loss (all three in :mod:`dlbasics.regularization`). Left out on purpose: any layer other than
dense (the NumPy CNN page builds convolutional layers).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ._validation import (
    as_float_array,
    as_generator,
    check_choice,
    check_fraction,
    check_int,
    check_nonnegative_float,
    check_same_rows,
)
from .activations import Activation, get_activation
from .losses import LOSSES
from .optimizers import get_optimizer
from .progress import ProgressBar
from .regularization import (
    dropout_backward,
    dropout_forward,
    dropout_mask,
    l2_gradient,
    l2_penalty,
)


def glorot_uniform(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """Uniform in +-sqrt(6 / (n_in + n_out)): keeps the variance steady (Keras' default)."""
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out))


def he_normal(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """Normal with std sqrt(2 / n_in): makes up for ReLU zeroing half of its inputs."""
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))


INITIALIZERS = {"glorot_uniform": glorot_uniform, "he_normal": he_normal}


@dataclass
class History:
    """What ``fit`` returns, shaped like Keras' ``History``: ``history["loss"][epoch]`` etc.

    ``batch_loss`` holds the loss of every training batch, in order, as it was computed before
    that batch's step; ``stopped_epoch`` the epoch early stopping ended on (0-based), else None.
    """

    history: dict[str, list[float]] = field(default_factory=dict)
    epoch_seconds: list[float] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    stopped_epoch: int | None = None

    @property
    def epoch(self) -> list[int]:
        return list(range(len(self.history.get("loss", []))))


class MLP:
    """A stack of dense layers trained by backpropagation.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_inputs, n_hidden_1, ..., n_outputs]``, at least two entries.
    activations : str or sequence of str
        One activation name per layer (``len(layer_sizes) - 1`` of them), or one name for all.
    loss : {'cross_entropy', 'mse'}
        Cross-entropy needs a softmax output layer.
    init : {'glorot_uniform', 'he_normal'}
        How weights start; biases start at 0.
    seed : int, numpy.random.Generator or None
        Source of the initial weights.
    dtype : numpy float dtype
        float32 (as Keras) for training, float64 for gradient checks.
    l2 : float
        L2 weight decay: ``l2 * sum(W**2)`` joins the loss that is minimised (0: off).
    dropout : float
        The share of every hidden layer's outputs dropped in training (0: off).
    """

    def __init__(
        self,
        layer_sizes,
        activations="sigmoid",
        *,
        loss="cross_entropy",
        init="glorot_uniform",
        seed=None,
        dtype=np.float32,
        l2: float = 0.0,
        dropout: float = 0.0,
    ):
        if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__"):
            raise TypeError(f"layer_sizes must be a sequence of ints, got {layer_sizes!r}")
        if len(layer_sizes) < 2:
            raise ValueError(
                "layer_sizes must have at least 2 entries (inputs, outputs), "
                f"got {list(layer_sizes)}"
            )
        self.layer_sizes = [check_int(f"layer_sizes[{i}]", n) for i, n in enumerate(layer_sizes)]
        n_layers = len(self.layer_sizes) - 1
        if isinstance(activations, (str, Activation)):
            activations = [activations] * n_layers
        if len(activations) != n_layers:
            raise ValueError(
                f"activations must name one activation per layer ({n_layers}), "
                f"got {len(activations)}"
            )
        self.activations = [get_activation(a) for a in activations]
        self.loss = LOSSES[check_choice("loss", loss, LOSSES)]
        if self.loss.name == "cross_entropy" and self.activations[-1].name != "softmax":
            raise ValueError(
                "loss 'cross_entropy' needs a softmax output layer, got output activation "
                f"{self.activations[-1].name!r}; use activations=[..., 'softmax'] or loss='mse'"
            )
        check_choice("init", init, INITIALIZERS)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64, got {self.dtype}")
        self.l2 = check_nonnegative_float("l2", l2)
        self.dropout = check_fraction("dropout", dropout)
        rng = as_generator(seed)
        self.W: list[np.ndarray] = []
        self.b: list[np.ndarray] = []
        for n_in, n_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:], strict=True):
            self.W.append(INITIALIZERS[init](n_in, n_out, rng).astype(self.dtype))  # (n_in, n_out)
            self.b.append(np.zeros(n_out, dtype=self.dtype))  # (n_out,)

    # ----------------------------------------------------------------- parameters
    @property
    def params(self) -> list[np.ndarray]:
        """``[W1, b1, W2, b2, ...]``: the arrays an optimizer updates in place."""
        return [p for pair in zip(self.W, self.b, strict=True) for p in pair]

    @property
    def n_params(self) -> int:
        return int(sum(p.size for p in self.params))

    def summary(self) -> str:
        """A Keras-like table of layers, output shapes and parameter counts."""
        rows = [f"{'Layer':<22}{'Output shape':<16}{'Params':>10}"]
        for i, (W, activation) in enumerate(zip(self.W, self.activations, strict=True)):
            n = W.size + W.shape[1]
            rows.append(
                f"{f'dense_{i} ({activation.name})':<22}{f'(None, {W.shape[1]})':<16}{n:>10,}"
            )
        rows.append(f"{'Total params':<38}{self.n_params:>10,}")
        return "\n".join(rows)

    # ------------------------------------------------------------- input checks
    def _check_X(self, X, name="X") -> np.ndarray:
        X = as_float_array(name, X, ndim=2, shape_hint="(n_samples, n_features)", dtype=self.dtype)
        if X.shape[1] != self.layer_sizes[0]:
            raise ValueError(
                f"{name} must have {self.layer_sizes[0]} features (columns) for this model, "
                f"got shape {X.shape}"
            )
        return X

    def _check_y(self, y, X, name="y") -> np.ndarray:
        n_out = self.layer_sizes[-1]
        y = as_float_array(name, y, dtype=self.dtype)
        if y.ndim != 2 or y.shape[1] != n_out:
            hint = (
                " (one-hot rows: see dlbasics.preprocessing.one_hot)"
                if self.loss.name == "cross_entropy"
                else ""
            )
            raise ValueError(
                f"{name} must have shape (n_samples, {n_out}){hint}, got shape {y.shape}"
            )
        check_same_rows("X", X, name, y)
        return y

    # --------------------------------------------------------- forward/backward
    def _forward(self, X, dropout_rng=None):
        """Run every layer; return the output and what backprop needs: (A_prev, Z, A, mask) per
        layer. With ``dropout_rng`` (training) hidden outputs are dropped; the mask is None
        otherwise, and at inference (dropout is then the identity)."""
        cache = []
        A = X
        last = len(self.W) - 1
        for layer, (W, b, activation) in enumerate(
            zip(self.W, self.b, self.activations, strict=True)
        ):
            Z = A @ W + b  # (n_samples, n_in) @ (n_in, n_out) -> (n_samples, n_out)
            A_next = activation(Z)
            mask = None
            if dropout_rng is not None and self.dropout and layer != last:
                mask = dropout_mask(A_next.shape, self.dropout, dropout_rng, self.dtype)
            cache.append((A, Z, A_next, mask))
            A = A_next if mask is None else dropout_forward(A_next, mask)
        return A, cache

    def _output_delta(self, output, Z_out, y):
        """dLoss/dZ of the output layer."""
        if self.loss.softmax_gradient is not None:  # softmax + cross-entropy, fused: (p - y) / n
            return self.loss.softmax_gradient(output, y)
        return self.activations[-1].backward(Z_out, output, self.loss.gradient(output, y))

    def _backward(self, cache, y):
        """Backpropagate from the output to the first layer; return grads as ``[dW1, db1, ...]``.

        The first layer passes no gradient further down: nothing learns from the input images.
        """
        output = cache[-1][2]
        dZ = self._output_delta(output, cache[-1][1], y)  # (n_samples, n_outputs)
        grads = [None] * (2 * len(self.W))  # to become [dW1, db1, ..., dW_L, db_L]
        dA = None  # the output layer starts from dZ, not from a dA
        for layer in reversed(range(len(self.W))):
            A_prev, Z, A, mask = cache[layer]
            if layer != len(self.W) - 1:
                if mask is not None:  # dropout (regularization page): only kept units pass dA
                    dA = dropout_backward(dA, mask)
                dZ = self.activations[layer].backward(Z, A, dA)  # chain rule through f
            # dW: (n_in, n_samples) @ (n_samples, n_out) -> (n_in, n_out); db: (n_out,)
            grads[2 * layer] = A_prev.T @ dZ
            if self.l2:  # L2 weight decay (regularization page): one more term in dW
                grads[2 * layer] += l2_gradient(self.W[layer], self.l2)
            grads[2 * layer + 1] = dZ.sum(axis=0)
            if layer > 0:
                dA = dZ @ self.W[layer].T  # (n_samples, n_out) @ (n_out, n_in) -> (n_samples, n_in)
        return grads

    def _n_correct(self, output, y) -> int:
        if output.shape[1] == 1:
            return int(np.sum((output[:, 0] > 0.5) == (y[:, 0] > 0.5)))
        return int(np.sum(output.argmax(axis=1) == y.argmax(axis=1)))

    # --------------------------------------------------------------- public API
    def predict(self, X, *, batch_size: int = 10_000) -> np.ndarray:
        """The network's output for every row of ``X``: ``(n_samples, n_outputs)``."""
        X = self._check_X(X)
        return self._predict(X, check_int("batch_size", batch_size))

    def evaluate(self, X, y) -> dict[str, float]:
        """Loss and accuracy on ``(X, y)``."""
        X = self._check_X(X)
        return self._evaluate(X, self._check_y(y, X))

    # The two above without the input checks, for arrays already checked (fit checks its
    # validation data once, not once per epoch).
    def _predict(self, X, batch_size: int = 10_000) -> np.ndarray:
        outputs = [
            self._forward(X[i : i + batch_size])[0] for i in range(0, X.shape[0], batch_size)
        ]
        return (
            np.concatenate(outputs) if outputs else np.empty((0, self.layer_sizes[-1]), self.dtype)
        )

    def _evaluate(self, X, y) -> dict[str, float]:
        output = self._predict(X)
        return {
            "loss": self.loss.value(output, y),
            "accuracy": self._n_correct(output, y) / X.shape[0],
        }

    def loss_and_gradients(self, X, y, *, dropout_seed=None):
        """The loss on ``(X, y)`` and its gradient for every parameter, ``[dW1, db1, ...]``.

        The loss is what training minimises: with ``l2``, the penalty is included. With
        ``dropout`` and a ``dropout_seed`` (an int: the same mask at every call, as a gradient
        check needs), units are dropped as in training; without one, as at inference.
        """
        X = self._check_X(X)
        y = self._check_y(y, X)
        rng = None if dropout_seed is None else as_generator(dropout_seed)
        output, cache = self._forward(X, rng)
        loss = self.loss.value(output, y)
        if self.l2:
            loss += l2_penalty(self.W, self.l2)
        return loss, self._backward(cache, y)

    def fit(
        self,
        X,
        y,
        *,
        optimizer="rmsprop",
        batch_size: int = 32,
        n_epochs: int = 1,
        validation_data=None,
        shuffle: bool = True,
        seed=None,
        verbose: bool = True,
        early_stopping=None,
    ) -> History:
        """Minibatch training; returns a Keras-like :class:`History`.

        ``loss`` and ``accuracy`` are averaged over the epoch's batches as they were trained (as
        Keras reports them; with dropout, the dropped network's); ``val_loss`` and
        ``val_accuracy`` are measured after each epoch. Losses are the data loss alone: unlike
        Keras, the L2 penalty is left out of them, so runs with and without it compare.
        ``seed`` orders the batches and draws the dropout masks. ``early_stopping``, a
        :class:`dlbasics.regularization.EarlyStopping`, watches ``val_loss`` (it needs
        ``validation_data``) and leaves the model with the best epoch's weights.
        """
        X = self._check_X(X)
        y = self._check_y(y, X)
        batch_size = check_int("batch_size", batch_size)
        n_epochs = check_int("n_epochs", n_epochs)
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise TypeError("validation_data must be a pair (X_val, y_val)")
            X_val = self._check_X(validation_data[0], "X_val")
            y_val = self._check_y(validation_data[1], X_val, "y_val")
        elif early_stopping is not None:
            raise ValueError("early_stopping watches val_loss: pass validation_data too")
        optimizer = get_optimizer(optimizer)
        rng = as_generator(seed)
        params = self.params
        n = X.shape[0]
        n_batches = -(-n // batch_size)
        history = History()

        for epoch in range(n_epochs):
            start = time.perf_counter()
            # A new order each epoch. Each batch gathers its own rows below: a small copy that is
            # still in the cache when the matmul reads it (copying all of X into the new order
            # first would write 188 MB per MNIST epoch, for nothing).
            order = rng.permutation(n) if shuffle else np.arange(n)
            bar = ProgressBar(
                n_batches, description=f"Epoch {epoch + 1}/{n_epochs}", enabled=verbose
            )
            loss_sum, n_correct = 0.0, 0
            for batch in range(n_batches):
                rows = order[batch * batch_size : (batch + 1) * batch_size]
                X_batch, y_batch = X[rows], y[rows]  # (batch_size, n_in), (batch_size, n_out)
                output, cache = self._forward(X_batch, rng)
                history.batch_loss.append(self.loss.value(output, y_batch))
                loss_sum += history.batch_loss[-1] * X_batch.shape[0]
                n_correct += self._n_correct(output, y_batch)
                optimizer.step(params, self._backward(cache, y_batch))
                seen = min((batch + 1) * batch_size, n)
                bar.update(batch + 1, loss=loss_sum / seen, accuracy=n_correct / seen)
            metrics = {"loss": loss_sum / n, "accuracy": n_correct / n}
            history.epoch_seconds.append(time.perf_counter() - start)
            if validation_data is not None:
                val = self._evaluate(X_val, y_val)
                metrics.update(val_loss=val["loss"], val_accuracy=val["accuracy"])
            for key, value in metrics.items():
                history.history.setdefault(key, []).append(value)
            bar.close(**metrics)
            if early_stopping is not None and early_stopping.update(metrics["val_loss"], params):
                history.stopped_epoch = epoch
                break
        if early_stopping is not None:
            early_stopping.restore(params)  # the best epoch's weights, as restore_best_weights
        return history
