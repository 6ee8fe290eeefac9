"""A small convolutional network for MNIST (Keras 3) that reaches 99 % test accuracy in 2 epochs.

The model (:func:`build_cnn`) is keras-io's "Simple MNIST convnet" with three changes:

1. **Batch normalization after each pooling** keeps each layer's inputs centred and scaled, so a
   large learning rate trains stably. The convolutions drop their bias (the normalization's shift
   replaces it), and the moving statistics used at inference follow the fast-changing weights
   (momentum 0.9 instead of Keras' 0.99).
2. **A learning-rate schedule planned for a fixed budget** (:func:`learning_rate_at`): Adam's rate
   rises from 0 to 0.01 (10x Keras' default) over the first 10 % of the steps, then falls in a
   straight line to 0 at the last step, so training ends with the weights settled.
3. **Two epochs, no dropout**: the budget the schedule is planned for.

Every choice was made on the validation split (the last 6,000 training images), never on the
test set; :mod:`dlbasics.bench.cnn_vs_keras_io` holds the measurements behind them and the timed
comparison with the keras-io model. Inputs are images scaled to [0, 1] with a channel axis,
``(n_samples, 28, 28, 1)`` (Keras' channels-last layout; rows are samples, as everywhere here).
TensorFlow is imported inside the functions only (see :mod:`dlbasics._keras`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from ._keras import fit_and_track, import_keras, model_summary, set_global_seed
from ._validation import check_int, check_positive_float, check_seed
from .cnn_data import (  # the data helpers, NumPy only (the NumPy CNN uses them too)
    BATCH_SIZE,
    VALIDATION_FRACTION,
    check_data,
    epoch_steps,
    prepare_images,
    split_data,
)
from .mnist_runs import StoredResult, cached_run
from .schedules import PEAK_LEARNING_RATE, WARMUP_FRACTION, learning_rate_at, warmup_steps

__all__ = [  # learning_rate_at: the CNN page plots the schedule from here
    "BATCH_SIZE", "BN_MOMENTUM", "DEFAULT_EPOCHS", "STEPS_PER_EPOCH", "TARGET_ACCURACY",
    "VALIDATION_FRACTION", "CNNResult", "build_cnn", "check_data", "conv_stack", "epoch_steps",
    "first_reaching", "learning_rate_at", "prepare_images", "split_data", "train_cnn",
    "warmup_linear_decay",
]  # fmt: skip

DEFAULT_EPOCHS = 2
BN_MOMENTUM = 0.9  # moving statistics for inference follow the fast-changing weights (Keras: 0.99)
TARGET_ACCURACY = 0.990
STEPS_PER_EPOCH = 422  # ceil(54,000 / 128)


# ------------------------------------------------------------------------------ schedule
@functools.cache
def _schedule_class():
    """The Keras version of :func:`learning_rate_at` (defined on first use: Keras loads lazily)."""
    keras = import_keras()
    ops = keras.ops

    class WarmupLinearDecay(keras.optimizers.schedules.LearningRateSchedule):
        """Linear warm-up to ``peak``, then linear decay to 0 at ``total_steps``."""

        def __init__(self, total_steps, peak=PEAK_LEARNING_RATE, warmup_fraction=WARMUP_FRACTION):
            self.total_steps = check_int("total_steps", total_steps, minimum=2)
            self.peak = check_positive_float("peak", peak)
            self.warmup_fraction = warmup_fraction
            self.warmup_steps = warmup_steps(self.total_steps, warmup_fraction)

        def __call__(self, step):
            s = ops.cast(step, "float32")
            warm = self.peak * (s + 1.0) / self.warmup_steps
            decay = self.peak * (self.total_steps - s) / (self.total_steps - self.warmup_steps)
            return ops.clip(ops.where(s < self.warmup_steps, warm, decay), 0.0, self.peak)

        def get_config(self):
            return {key: getattr(self, key) for key in ("total_steps", "peak", "warmup_fraction")}

    return WarmupLinearDecay


def warmup_linear_decay(
    total_steps: int, *, peak=PEAK_LEARNING_RATE, warmup_fraction=WARMUP_FRACTION
):
    """A ``keras.optimizers.schedules.LearningRateSchedule`` computing
    :func:`dlbasics.schedules.learning_rate_at`."""
    return _schedule_class()(total_steps, peak, warmup_fraction)


# ---------------------------------------------------------------------------------- models
def conv_stack(*, batch_norm=True, dropout=0.0, bn_momentum=BN_MOMENTUM, name="cnn"):
    """The two-convolution network, uncompiled: ours by default; keras-io's without BN, with dropout."""
    keras = import_keras()
    layers = keras.layers
    stack = []
    for block, filters in ((1, 32), (2, 64)):
        if batch_norm:  # conv -> pool -> BN -> ReLU; BN's shift replaces the conv's bias
            stack += [
                layers.Conv2D(filters, 3, use_bias=False, name=f"conv{block}"),
                layers.MaxPooling2D(2, name=f"pool{block}"),
                layers.BatchNormalization(momentum=bn_momentum, name=f"bn{block}"),
                layers.ReLU(name=f"relu{block}"),
            ]
        else:  # keras-io: conv with bias and ReLU -> pool
            stack += [
                layers.Conv2D(filters, 3, activation="relu", name=f"conv{block}"),
                layers.MaxPooling2D(2, name=f"pool{block}"),
            ]
    # shapes: (n, 28, 28, 1) -> conv1 (n, 26, 26, 32) -> pool1 (n, 13, 13, 32)
    #         -> conv2 (n, 11, 11, 64) -> pool2 (n, 5, 5, 64)
    stack.append(layers.Flatten(name="flatten"))  # -> (n, 1600)
    if dropout:
        stack.append(layers.Dropout(dropout, name="dropout"))
    stack.append(layers.Dense(10, activation="softmax", name="softmax"))  # -> (n, 10)
    return keras.Sequential([keras.Input(shape=(28, 28, 1)), *stack], name=name)


def build_cnn(*, epochs: int = DEFAULT_EPOCHS, steps_per_epoch: int = STEPS_PER_EPOCH):
    """Our CNN, compiled: Adam with :func:`warmup_linear_decay` planned for ``epochs`` epochs.

    Layers (shapes per image): Conv2D(32, 3x3, no bias) 26x26x32 -> MaxPool 13x13x32 -> BN ->
    ReLU -> Conv2D(64, 3x3, no bias) 11x11x64 -> MaxPool 5x5x64 -> BN -> ReLU -> Flatten 1600 ->
    Dense(10, softmax). 35,114 parameters (34,922 trainable). Labels are class numbers
    (sparse categorical cross-entropy). ``steps_per_epoch``: 422 = ceil(54,000 / 128).
    """
    keras = import_keras()
    total_steps = check_int("epochs", epochs) * check_int("steps_per_epoch", steps_per_epoch)
    model = conv_stack()
    model.compile(
        optimizer=keras.optimizers.Adam(warmup_linear_decay(max(2, total_steps))),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


# -------------------------------------------------------------------------------- training
def first_reaching(values, target: float = TARGET_ACCURACY) -> int | None:
    """The 0-based index of the first value >= ``target``, or None."""
    return next((i for i, value in enumerate(values) if value >= target), None)


@dataclass
class CNNResult(StoredResult):
    """What :func:`train_cnn` returns.

    ``history``: Keras' per-epoch ``loss``, ``accuracy``, ``val_loss``, ``val_accuracy`` ("val" is
    the last 6,000 training images). ``test_accuracy``/``test_loss``: after the last epoch.
    ``fit_seconds``: ``fit`` wall time without the per-epoch test evaluations;
    ``fit_seconds_per_epoch``: the same, cumulative, at each epoch's end. ``seconds_to_target``:
    that time at the first epoch whose test accuracy reached :data:`TARGET_ACCURACY` (None if
    none did). ``from_cache``: read from :mod:`dlbasics.run_cache`, not trained now.
    """

    history: dict[str, list[float]]
    test_accuracy: float
    test_loss: float
    fit_seconds: float
    epochs: int
    seed: int
    test_accuracy_per_epoch: list[float]
    test_loss_per_epoch: list[float]
    fit_seconds_per_epoch: list[float]
    seconds_to_target: float | None
    epochs_to_target: int | None
    n_params: int
    summary: str
    batch_size: int = BATCH_SIZE
    peak_learning_rate: float = PEAK_LEARNING_RATE
    target_accuracy: float = TARGET_ACCURACY
    from_cache: bool = field(default=False, compare=False)

    @property
    def seconds_per_epoch(self) -> float:
        """Mean ``fit`` seconds per epoch (from the epoch ends; test evaluations excluded)."""
        return self.fit_seconds_per_epoch[-1] / len(self.fit_seconds_per_epoch)


def _train_cnn(data, *, epochs: int, seed: int, verbose: bool) -> CNNResult:
    (x_train, y_train), validation, test = split_data(data)
    set_global_seed(seed)
    model = build_cnn(epochs=epochs, steps_per_epoch=epoch_steps(len(x_train)))
    summary = model_summary(model)  # before fit: after it, the optimizer's slots are counted too
    run = fit_and_track(
        model, x_train, y_train, epochs=epochs, batch_size=BATCH_SIZE, test=test,
        validation_data=validation, verbose=verbose,
    )  # fmt: skip
    reached = first_reaching(run["test_accuracy"])
    return CNNResult(
        history=run["history"],
        test_accuracy=run["test_accuracy"][-1],
        test_loss=run["test_loss"][-1],
        fit_seconds=run["fit_seconds"],
        epochs=epochs,
        seed=seed,
        test_accuracy_per_epoch=run["test_accuracy"],
        test_loss_per_epoch=run["test_loss"],
        fit_seconds_per_epoch=run["fit_seconds_per_epoch"],
        seconds_to_target=None if reached is None else run["fit_seconds_per_epoch"][reached],
        epochs_to_target=None if reached is None else reached + 1,
        n_params=int(model.count_params()),
        summary=summary,
    )


def train_cnn(
    data=None, *, epochs: int = DEFAULT_EPOCHS, seed: int = 0, verbose: bool = True, cache_dir=None
) -> CNNResult:
    """Train our CNN (:func:`build_cnn`) on the first 54,000 training images; test after each epoch.

    ``data`` is ``load_mnist()``'s tuple (loaded, checksums verified, when omitted); the last 6,000
    training images are the validation split. ``epochs`` is the schedule's length (the learning
    rate reaches 0 at its end); ``seed`` goes to ``keras.utils.set_random_seed``; ``verbose``
    prints Keras' progress and one line per epoch; ``cache_dir`` reuses a stored result (see
    :mod:`dlbasics.run_cache`; None reads ``DLBASICS_RUN_CACHE``).
    """
    settings = {"epochs": check_int("epochs", epochs), "seed": check_seed("seed", seed)}
    if data is not None:
        check_data(data)  # bad input fails here, before the cache is asked
    train = functools.partial(_train_cnn, verbose=verbose)
    return cached_run("train_cnn", train, data, settings, CNNResult, cache_dir=cache_dir)
