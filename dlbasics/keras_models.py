"""The lecture's MNIST model in Keras 3: Dense(392, tanh) on 784 inputs, then Dense(10, softmax).

It is trained as in the lecture's note (:mod:`dlbasics.lecture`): RMSprop (Keras defaults),
categorical cross-entropy, accuracy, batch 128, one epoch, the test set as validation data.
``validation="holdout"`` is the honest variant (validate on the last 10,000 training images, test
once at the end). TensorFlow is imported inside the functions only (see :mod:`dlbasics._keras`).
"""

from __future__ import annotations

import functools
import time

from . import lecture
from ._keras import history_floats, import_keras, keras_verbosity, set_global_seed
from ._keras import model_summary as model_summary  # re-exported: the pages print summaries
from ._tables import format_table
from ._validation import check_choice, check_seed
from .mnist_runs import (
    VALIDATIONS,
    RunResult,
    cached_run,
    check_run_settings,
    comparison_rows,
    prepare_data,
)

__all__ = [
    "build_lecture_model", "fit_result", "import_keras", "lecture_comparison_rows", "lecture_table",
    "model_summary", "train_lecture_model",
]  # fmt: skip


def build_lecture_model(seed: int | None = None):
    """The lecture's model, compiled: RMSprop, categorical cross-entropy, accuracy.

    With ``seed``, Keras' generators are seeded first, so the initial weights are the same on
    every run; without it they are as random as Keras makes them.
    """
    keras = import_keras()
    if seed is not None:
        set_global_seed(check_seed("seed", seed))
    n_inputs, n_hidden, n_outputs = lecture.LAYER_SIZES  # 784, 392, 10
    hidden, output = lecture.ACTIVATIONS  # tanh, softmax
    model = keras.Sequential(
        [
            keras.Input(shape=(n_inputs,)),
            keras.layers.Dense(n_hidden, activation=hidden),  # (n, 784) -> (n, 392)
            keras.layers.Dense(n_outputs, activation=output),  # (n, 392) -> (n, 10)
        ]
    )
    model.compile(optimizer=lecture.OPTIMIZER, loss=lecture.LOSS, metrics=["accuracy"])
    return model


def _train(data, *, epochs, batch_size, seed, validation, verbose) -> RunResult:
    (X_train, Y_train), (X_val, Y_val), (X_test, Y_test) = prepare_data(data, validation)
    model = build_lecture_model(seed)
    start = time.perf_counter()
    fitted = model.fit(
        X_train,
        Y_train,
        batch_size=batch_size,
        epochs=epochs,
        validation_data=(X_val, Y_val),
        verbose=verbose,
    )
    fit_seconds = time.perf_counter() - start
    score = model.evaluate(X_test, Y_test, batch_size=batch_size, verbose=0)
    return fit_result(model, fitted, score, fit_seconds, validation=validation, seed=seed)


def fit_result(model, history, score, fit_seconds: float, *, validation="test", seed=0):
    """A :class:`RunResult` from what ``model.fit`` and ``model.evaluate`` returned.

    ``history`` is ``fit``'s ``History``, ``score`` is ``evaluate``'s ``[loss, accuracy]`` and
    ``fit_seconds`` the wall time of the ``fit`` call: the Keras page trains on the page and puts
    its own run into :func:`lecture_table` with this.
    """
    try:
        loss, accuracy = (float(value) for value in score)
    except (TypeError, ValueError):
        raise ValueError(f"score must be evaluate()'s [loss, accuracy], got {score!r}") from None
    if not isinstance(getattr(history, "history", None), dict):
        raise TypeError(f"history must be the History fit() returns, got {type(history).__name__}")
    history = history_floats(history.history)
    return RunResult(
        impl="keras",
        model="mlp",
        history=history,
        test_loss=loss,
        test_accuracy=accuracy,
        fit_seconds=float(fit_seconds),
        epochs=len(history.get("loss", [])),
        validation=check_choice("validation", validation, VALIDATIONS),
        seed=seed,
        layer_params=[int(layer.count_params()) for layer in model.layers],
    )


def train_lecture_model(
    data=None,
    *,
    epochs: int = lecture.EPOCHS,
    batch_size: int = lecture.BATCH_SIZE,
    seed: int = 0,
    validation: str = lecture.VALIDATION,
    verbose=True,
    cache_dir=None,
) -> RunResult:
    """Train the lecture's model as the note does; return history, test evaluation and fit time.

    Parameters
    ----------
    data : ``load_mnist()``'s tuple, optional
        Loaded with :func:`dlbasics.mnist.load_mnist` (checksums verified) when omitted.
    epochs, batch_size, seed : int
        The note: 1 epoch, batch 128. ``seed`` goes to ``keras.utils.set_random_seed``.
    validation : {'test', 'holdout'}
        ``'test'`` as in the note, ``'holdout'`` the honest split (see :mod:`dlbasics.mnist_runs`).
    verbose : bool or {0, 1, 2}
        Keras' progress output; True is a bar on a terminal or in a notebook, else a line per epoch.
    cache_dir : path, False or None
        Reuse a stored result (see :mod:`dlbasics.run_cache`); None reads ``DLBASICS_RUN_CACHE``.
    """
    settings = check_run_settings(
        epochs=epochs, batch_size=batch_size, seed=seed, validation=validation
    )
    train = functools.partial(_train, verbose=keras_verbosity(verbose))
    return cached_run("train_lecture_model", train, data, settings, RunResult, cache_dir=cache_dir)


def lecture_comparison_rows(runs: dict) -> list[list[str]]:
    """Rows comparing runs (label -> result) with the lecture's reported numbers."""
    return comparison_rows(runs, lecture.REPORTED, reference_label="lecture (reported)")


def lecture_table(runs: dict, *, markdown: bool = False) -> str:
    """:func:`lecture_comparison_rows` rendered as plain text or Markdown."""
    return format_table(lecture_comparison_rows(runs), markdown=markdown)
