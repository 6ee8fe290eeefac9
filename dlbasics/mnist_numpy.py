"""The lecture's MNIST model from scratch: :class:`dlbasics.mlp.MLP` in place of Keras.

Same model (784 -> Dense 392 tanh -> Dense 10 softmax, Glorot-uniform weights, zero biases), same
optimizer (RMSprop with Keras' defaults), same batch size and data as
:func:`dlbasics.keras_models.train_lecture_model` (all from :mod:`dlbasics.lecture`), and the same
kind of result, so the two runs print in one table. Randomness comes from ``seed`` only (initial
weights, batch order).
"""

from __future__ import annotations

import functools
import time

from . import lecture
from .mlp import MLP
from .mnist_runs import RunResult, cached_run, check_run_settings, prepare_data
from .optimizers import get_optimizer


def _train(data, *, epochs, batch_size, seed, validation, verbose) -> RunResult:
    (X_train, Y_train), (X_val, Y_val), (X_test, Y_test) = prepare_data(data, validation)
    model = MLP(lecture.LAYER_SIZES, lecture.ACTIVATIONS, seed=seed)
    start = time.perf_counter()
    fitted = model.fit(
        X_train,
        Y_train,
        optimizer=get_optimizer(lecture.OPTIMIZER),
        batch_size=batch_size,
        n_epochs=epochs,
        validation_data=(X_val, Y_val),
        seed=seed,
        verbose=verbose,
    )
    fit_seconds = time.perf_counter() - start
    test = model.evaluate(X_test, Y_test)
    return RunResult(
        impl="numpy",
        model="mlp",
        history=fitted.history,
        test_loss=test["loss"],
        test_accuracy=test["accuracy"],
        fit_seconds=fit_seconds,
        epochs=epochs,
        validation=validation,
        seed=seed,
        layer_params=[W.size + b.size for W, b in zip(model.W, model.b, strict=True)],
    )


def train_numpy_mlp(
    data=None,
    *,
    epochs: int = lecture.EPOCHS,
    batch_size: int = lecture.BATCH_SIZE,
    seed: int = 0,
    validation: str = lecture.VALIDATION,
    verbose: bool = True,
    cache_dir=None,
) -> RunResult:
    """Train the lecture's model with the NumPy MLP; return history, test evaluation and fit time.

    Takes the arguments of :func:`dlbasics.keras_models.train_lecture_model` (``seed`` seeds the
    initial weights and the batch order here) and returns the same :class:`RunResult`.
    """
    settings = check_run_settings(
        epochs=epochs, batch_size=batch_size, seed=seed, validation=validation
    )
    train = functools.partial(_train, verbose=verbose)
    return cached_run("train_numpy_mlp", train, data, settings, RunResult, cache_dir=cache_dir)
