"""One epoch of the NumPy CNN against the same network in Keras, timed in one run.

:func:`keras_twin` builds :func:`dlbasics.numpy_cnn.build_numpy_cnn`'s network in Keras, layer for
layer, with the NumPy model's initial weights copied in, the same optimizer (Adam) and the same
learning-rate schedule. :func:`time_epochs` then trains each for one epoch on the same 54,000
images with batches of 128, one after the other in one process, and records the seconds each
``fit`` took. Keras is warmed up first on two batches of both shapes the epoch has (128 and the
last, shorter one), so TensorFlow's tracing is left out of its time, and the NumPy trainer has
nothing to warm up. Validation is left out of both. The result is cached like a training run
(:mod:`dlbasics.run_cache`), so the page's two languages show one measurement.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .._keras import import_keras, set_global_seed
from .._validation import check_seed
from ..cnn import check_data, epoch_steps, split_data, warmup_linear_decay
from ..mnist_runs import StoredResult, cached_run
from ..numpy_cnn import BATCH_SIZE, PEAK_LEARNING_RATE, NumpyCNN, build_numpy_cnn
from ._machine import environment


def keras_twin(model: NumpyCNN, *, total_steps: int):
    """The NumPy CNN's network in Keras, with ``model``'s current weights, compiled.

    The layers line up one to one (Conv2D, MaxPooling2D, ReLU, ..., Flatten, Dense + softmax)
    and the weights have the same layout, so ``set_weights(model.params)`` is a plain copy.
    Adam follows :func:`dlbasics.cnn.warmup_linear_decay` over ``total_steps``.
    """
    keras = import_keras()
    layers = keras.layers
    twin = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(16, 3, name="conv1"),
            layers.MaxPooling2D(2, name="pool1"),
            layers.ReLU(name="relu1"),
            layers.Conv2D(32, 3, name="conv2"),
            layers.MaxPooling2D(2, name="pool2"),
            layers.ReLU(name="relu2"),
            layers.Flatten(name="flatten"),
            layers.Dense(10, activation="softmax", name="softmax"),
        ],
        name="numpy_cnn_twin",
    )
    twin.set_weights([param.copy() for param in model.params])
    twin.compile(
        optimizer=keras.optimizers.Adam(
            warmup_linear_decay(max(2, total_steps), peak=PEAK_LEARNING_RATE)
        ),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return twin


@dataclass
class EpochTimes(StoredResult):
    """Seconds of one training epoch, NumPy and Keras, measured one after the other.

    ``numpy_accuracy`` and ``keras_accuracy`` are each epoch's training accuracy (the batches as
    they were trained): the two learn alike. ``machine``: CPU, load, library versions, BLAS
    threads at the time (:func:`dlbasics.bench._machine.environment`).
    """

    numpy_seconds: float
    keras_seconds: float
    numpy_accuracy: float
    keras_accuracy: float
    n_train: int
    seed: int
    machine: dict
    batch_size: int = BATCH_SIZE
    from_cache: bool = field(default=False, compare=False)

    @property
    def ratio(self) -> float:
        """NumPy's seconds over Keras': above 1, NumPy takes longer."""
        return self.numpy_seconds / self.keras_seconds


def _measure(data, *, seed: int) -> EpochTimes:
    (x_train, y_train), _, _ = split_data(data)
    steps = epoch_steps(len(x_train))
    model = build_numpy_cnn(seed)
    set_global_seed(seed)  # Keras shuffles with the global generators
    twin = keras_twin(model, total_steps=steps)
    last = len(x_train) % BATCH_SIZE or BATCH_SIZE  # the epoch's last batch: its own trace
    twin.fit(
        x_train[: BATCH_SIZE + last], y_train[: BATCH_SIZE + last], batch_size=BATCH_SIZE, verbose=0
    )

    start = time.perf_counter()
    ours = model.fit(x_train, y_train, epochs=1, seed=seed, verbose=False)
    numpy_seconds = time.perf_counter() - start
    start = time.perf_counter()
    theirs = twin.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=1, verbose=0)
    keras_seconds = time.perf_counter() - start
    return EpochTimes(
        numpy_seconds=numpy_seconds,
        keras_seconds=keras_seconds,
        numpy_accuracy=float(ours.history["accuracy"][0]),
        keras_accuracy=float(theirs.history["accuracy"][0]),
        n_train=len(x_train),
        seed=seed,
        machine=environment(),
    )


def time_epochs(data=None, *, seed: int = 0, cache_dir=None) -> EpochTimes:
    """One epoch of the NumPy CNN and one of its Keras twin, timed in one run (module docstring).

    ``data`` is ``load_mnist()``'s tuple (loaded when omitted); ``cache_dir`` as in
    :func:`dlbasics.run_cache.memoize` (None reads ``DLBASICS_RUN_CACHE``, False measures anew).
    """
    settings = {"seed": check_seed("seed", seed)}
    if data is not None:
        check_data(data)
    return cached_run(
        "numpy_cnn_epoch_times", _measure, data, settings, EpochTimes, cache_dir=cache_dir
    )
