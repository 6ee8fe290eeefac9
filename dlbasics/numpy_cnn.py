"""A small convolutional network trained from scratch in NumPy: the NumPy CNN page's model.

The network (:func:`build_numpy_cnn`), shapes per batch of ``n`` images (channels last):

    (n, 28, 28, 1) -> Conv 3x3, 16 -> (n, 26, 26, 16) -> MaxPool 2 -> (n, 13, 13, 16) -> ReLU
                   -> Conv 3x3, 32 -> (n, 11, 11, 32) -> MaxPool 2 -> (n, 5, 5, 32)   -> ReLU
                   -> Flatten -> (n, 800) -> Dense 10 -> softmax

12,810 parameters. Pooling comes before ReLU: the two commute (``max(relu(z)) = relu(max(z))``,
since ReLU never changes which value is largest), so the network computes the same function,
and ReLU touches a quarter as many values. Layers are small classes with ``forward`` and
``backward`` (:mod:`dlbasics.conv_layers` for the convolutions and the pooling; ``Dense``, ``ReLU``
and ``Flatten`` here); the output layer's gradient is softmax and cross-entropy fused,
``(p - y) / n``, as in :mod:`dlbasics.mlp`.

Training (:func:`train_numpy_cnn`): the package's own :class:`dlbasics.optimizers.Adam`, with the
learning rate of :func:`dlbasics.schedules.learning_rate_at` (warm-up to ``PEAK_LEARNING_RATE``
over the first 10 % of the steps, then a straight line down to 0 at the last one), batches of
128, two epochs, on the first 54,000 training images; the last 6,000 validate after each epoch
and the test set is evaluated once, at the end (the split of :func:`dlbasics.cnn_data.split_data`).
The result is cached (:mod:`dlbasics.run_cache`) with the trained weights, 12,810 numbers, so a
page can rebuild the model (:meth:`NumpyCNNResult.model`) and look inside it.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

import numpy as np

from ._validation import (
    as_generator,
    check_int,
    check_positive_float,
    check_same_rows,
    check_seed,
)
from .activations import softmax
from .cnn_data import check_data, epoch_steps, split_data
from .conv_layers import Conv2D, MaxPool2D
from .losses import log_softmax
from .mlp import History, glorot_uniform
from .mnist_runs import StoredResult, cached_run
from .optimizers import Adam
from .preprocessing import check_labels
from .progress import ProgressBar
from .schedules import learning_rate_at

__all__ = [
    "BATCH_SIZE", "DEFAULT_EPOCHS", "PEAK_LEARNING_RATE", "Dense", "Flatten", "NumpyCNN",
    "NumpyCNNResult", "ReLU", "build_numpy_cnn", "train_numpy_cnn",
]  # fmt: skip

BATCH_SIZE = 128
DEFAULT_EPOCHS = 2
# Half the Keras CNN's peak: this network has no batch normalization to keep a larger rate stable.
PEAK_LEARNING_RATE = 0.005
EVALUATION_BATCH = 1_000  # images per forward pass in predict: bounds the memory, not the result


# ---------------------------------------------------------------------- the small layers
class ReLU:
    """max(0, z); its gradient passes where z > 0 (ReLU'(0) = 0, as everywhere here)."""

    params: list[np.ndarray] = []
    grads: list[np.ndarray] = []

    def forward(self, Z, training: bool = False):
        self._positive = Z > 0
        return np.maximum(Z, 0)

    def backward(self, dA):
        return dA * self._positive  # a bool mask keeps dA's dtype


class Flatten:
    """(n, h, w, c) -> (n, h * w * c), in the order Keras' ``Flatten`` uses (channels last)."""

    params: list[np.ndarray] = []
    grads: list[np.ndarray] = []

    def forward(self, X, training: bool = False):
        self._shape = X.shape
        return X.reshape(X.shape[0], -1)  # (n, h * w * c)

    def backward(self, dA):
        return dA.reshape(self._shape)


class Dense:
    """``Z = A @ W + b`` with Glorot-uniform ``W`` (n_in, n_out) and zero ``b``; as in the MLP."""

    def __init__(self, n_in: int, n_out: int, *, rng: np.random.Generator, dtype=np.float32):
        self.W = glorot_uniform(n_in, n_out, rng).astype(dtype)  # (n_in, n_out)
        self.b = np.zeros(n_out, dtype=dtype)
        self.grads: list[np.ndarray] = []

    @property
    def params(self) -> list[np.ndarray]:
        return [self.W, self.b]

    def forward(self, A, training: bool = False):
        self._A = A
        return A @ self.W + self.b  # (n, n_in) @ (n_in, n_out) -> (n, n_out)

    def backward(self, dZ):
        self.grads = [self._A.T @ dZ, dZ.sum(axis=0)]  # dW (n_in, n_out), db (n_out,)
        return dZ @ self.W.T  # (n, n_out) @ (n_out, n_in) -> (n, n_in)


# ----------------------------------------------------------------------------- the model
class NumpyCNN:
    """Layers applied in order; the last one's output are logits, softmax makes probabilities.

    ``params`` lists every layer's parameters in order (``[W1, b1, W2, b2, W3, b3]`` for
    :func:`build_numpy_cnn`), ``grads`` the matching gradients after :meth:`loss_and_gradients`.
    """

    def __init__(self, layers):
        self.layers = list(layers)

    @property
    def params(self) -> list[np.ndarray]:
        return [p for layer in self.layers for p in layer.params]

    @property
    def grads(self) -> list[np.ndarray]:
        return [g for layer in self.layers for g in layer.grads]

    @property
    def n_params(self) -> int:
        return int(sum(p.size for p in self.params))

    @property
    def dtype(self):
        return self.params[0].dtype

    def set_weights(self, weights) -> None:
        """Copy ``weights`` (arrays or nested lists, in :attr:`params` order) into the model."""
        params = self.params
        if len(weights) != len(params):
            raise ValueError(f"weights must hold {len(params)} arrays, got {len(weights)}")
        for i, (param, value) in enumerate(zip(params, weights, strict=True)):
            value = np.asarray(value, dtype=param.dtype)
            if value.shape != param.shape:
                raise ValueError(f"weights[{i}] must have shape {param.shape}, got {value.shape}")
            param[...] = value

    def _check_images(self, x) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim != 4 or x.shape[1:] != (28, 28, 1):
            raise ValueError(
                "x must be images (n_samples, 28, 28, 1) as dlbasics.cnn_data.prepare_images makes "
                f"them, got shape {x.shape}"
            )
        return x.astype(self.dtype, copy=False)

    def logits(self, x, training: bool = False) -> np.ndarray:
        """The last layer's output ``(n, 10)``, before softmax."""
        out = x
        for layer in self.layers:
            out = layer.forward(out, training)
        return out

    def loss_and_gradients(self, x, labels):
        """Cross-entropy on ``(x, labels)`` and its gradients, in :attr:`params` order.

        ``labels`` are class numbers ``(n,)``. The output layer's gradient is
        ``(softmax(z) - one_hot(labels)) / n``; every layer then passes its gradient down.
        """
        x, labels = self._check_images(x), check_labels("labels", labels)
        check_same_rows("x", x, "labels", labels)
        loss, _, grads = self._forward_backward(x, labels)
        return loss, grads

    def _forward_backward(self, x, labels):
        """One training pass on checked arrays: (loss, number right, gradients)."""
        z = self.logits(x, training=True)  # (n, 10)
        rows = np.arange(len(labels))
        loss = -float(np.mean(log_softmax(z)[rows, labels]))
        n_correct = int(np.sum(z.argmax(axis=1) == labels))
        dz = softmax(z)
        dz[rows, labels] -= 1
        dz /= len(labels)  # (p - y) / n
        for layer in reversed(self.layers):
            dz = layer.backward(dz)
        return loss, n_correct, self.grads

    def predict(self, x) -> np.ndarray:
        """Class probabilities ``(n, 10)``, a thousand images at a time."""
        x = self._check_images(x)
        parts = [
            softmax(self.logits(x[i : i + EVALUATION_BATCH]))
            for i in range(0, len(x), EVALUATION_BATCH)
        ]
        return np.concatenate(parts) if parts else np.empty((0, 10), self.dtype)

    def evaluate(self, x, labels) -> dict[str, float]:
        """Cross-entropy and accuracy on ``(x, labels)``."""
        labels = check_labels("labels", labels)
        p = self.predict(x)
        check_same_rows("x", p, "labels", labels)
        p_true = np.clip(p[np.arange(len(labels)), labels], 1e-7, 1.0)  # clipped as Keras clips
        return {
            "loss": -float(np.mean(np.log(p_true))),
            "accuracy": float(np.mean(p.argmax(axis=1) == labels)),
        }

    def fit(
        self,
        x,
        labels,
        *,
        epochs: int = DEFAULT_EPOCHS,
        batch_size: int = BATCH_SIZE,
        peak_learning_rate: float = PEAK_LEARNING_RATE,
        validation_data=None,
        seed=0,
        verbose: bool = True,
    ) -> History:
        """Adam with warm-up and linear decay planned for ``epochs``; a Keras-like History.

        ``loss``/``accuracy`` are the epoch's batches as they were trained, ``val_*`` measured on
        ``validation_data`` (images, labels) after each epoch; ``epoch_seconds`` leaves the
        validation out. ``seed`` orders the batches.
        """
        x, labels = self._check_images(x), check_labels("labels", labels)
        check_same_rows("x", x, "labels", labels)
        epochs, batch_size = check_int("epochs", epochs), check_int("batch_size", batch_size)
        peak = check_positive_float("peak_learning_rate", peak_learning_rate)
        rng = as_generator(seed)
        steps = epoch_steps(len(x), batch_size)
        total = max(2, epochs * steps)
        optimizer, params, history = Adam(peak), self.params, History()
        for epoch in range(epochs):
            start, seen, loss_sum, n_correct = time.perf_counter(), 0, 0.0, 0
            bar = ProgressBar(steps, description=f"Epoch {epoch + 1}/{epochs}", enabled=verbose)
            order = rng.permutation(len(x))
            for step in range(steps):
                rows = order[step * batch_size : (step + 1) * batch_size]
                loss, right, grads = self._forward_backward(x[rows], labels[rows])
                rate = learning_rate_at(epoch * steps + step, total_steps=total, peak=peak)
                optimizer.learning_rate = float(rate)
                optimizer.step(params, grads)
                history.batch_loss.append(loss)
                seen, loss_sum, n_correct = (
                    seen + len(rows),
                    loss_sum + loss * len(rows),
                    n_correct + right,
                )
                bar.update(step + 1, loss=loss_sum / seen, accuracy=n_correct / seen)
            history.epoch_seconds.append(time.perf_counter() - start)
            metrics = {"loss": loss_sum / seen, "accuracy": n_correct / seen}
            if validation_data is not None:
                scores = self.evaluate(*validation_data)
                metrics.update(val_loss=scores["loss"], val_accuracy=scores["accuracy"])
            for key, value in metrics.items():
                history.history.setdefault(key, []).append(value)
            bar.close(**metrics)
        return history


def build_numpy_cnn(seed=0, *, dtype=np.float32) -> NumpyCNN:
    """The page's network (module docstring), with Glorot-uniform weights drawn from ``seed``."""
    rng = as_generator(seed)
    return NumpyCNN(
        [
            Conv2D(1, 16, 3, rng=rng, dtype=dtype, input_gradient=False),  # -> (n, 26, 26, 16)
            MaxPool2D(2),  # -> (n, 13, 13, 16)
            ReLU(),
            Conv2D(16, 32, 3, rng=rng, dtype=dtype),  # -> (n, 11, 11, 32)
            MaxPool2D(2),  # -> (n, 5, 5, 32): the last row and column fill no window
            ReLU(),
            Flatten(),  # -> (n, 800)
            Dense(5 * 5 * 32, 10, rng=rng, dtype=dtype),  # -> (n, 10)
        ]
    )


# ------------------------------------------------------------------------- the cached run
@dataclass
class NumpyCNNResult(StoredResult):
    """What :func:`train_numpy_cnn` returns: the history, the one test evaluation, the weights.

    ``history``: per-epoch ``loss``, ``accuracy`` (the training batches) and ``val_loss``,
    ``val_accuracy`` (the last 6,000 training images); ``batch_loss``: every batch's loss;
    ``epoch_seconds``: each epoch's training time (validation left out); ``weights``: the trained
    parameters as nested lists, in ``NumpyCNN.params`` order.
    """

    history: dict[str, list[float]]
    batch_loss: list[float]
    test_loss: float
    test_accuracy: float
    epoch_seconds: list[float]
    n_params: int
    weights: list
    epochs: int
    seed: int
    batch_size: int = BATCH_SIZE
    peak_learning_rate: float = PEAK_LEARNING_RATE
    from_cache: bool = field(default=False, compare=False)

    @property
    def seconds_per_epoch(self) -> float:
        return float(np.mean(self.epoch_seconds))

    def model(self) -> NumpyCNN:
        """The trained network, rebuilt from the stored weights."""
        model = build_numpy_cnn(self.seed)
        model.set_weights(self.weights)
        return model


def _train(data, *, epochs: int, seed: int, verbose: bool) -> NumpyCNNResult:
    (x_train, y_train), validation, (x_test, y_test) = split_data(data)
    model = build_numpy_cnn(seed)
    history = model.fit(
        x_train, y_train, epochs=epochs, validation_data=validation, seed=seed, verbose=verbose
    )
    test = model.evaluate(x_test, y_test)  # the test set, once, after all choices were made
    return NumpyCNNResult(
        history=history.history,
        batch_loss=history.batch_loss,
        test_loss=test["loss"],
        test_accuracy=test["accuracy"],
        epoch_seconds=history.epoch_seconds,
        n_params=model.n_params,
        weights=[param.tolist() for param in model.params],
        epochs=epochs,
        seed=seed,
    )


def train_numpy_cnn(
    data=None, *, epochs: int = DEFAULT_EPOCHS, seed: int = 0, verbose: bool = True, cache_dir=None
) -> NumpyCNNResult:
    """Train :func:`build_numpy_cnn` on MNIST (module docstring); computed once, then cached.

    ``data`` is ``load_mnist()``'s tuple (loaded, checksums verified, when omitted); ``seed``
    draws the initial weights and orders the batches; ``cache_dir`` as in
    :func:`dlbasics.run_cache.memoize` (None reads ``DLBASICS_RUN_CACHE``, False turns it off).
    """
    settings = {"epochs": check_int("epochs", epochs), "seed": check_seed("seed", seed)}
    if data is not None:
        check_data(data)  # bad input fails here, before the cache is asked
    train = functools.partial(_train, verbose=verbose)
    return cached_run("train_numpy_cnn", train, data, settings, NumpyCNNResult, cache_dir=cache_dir)
