"""The lecture's MNIST model from scratch: :class:`dlbasics.mlp.MLP` in place of Keras.

Same model (784 -> Dense 392 tanh -> Dense 10 softmax, Glorot-uniform weights, zero biases), same
optimizer (RMSprop with Keras' defaults), same batch size and data as
:func:`dlbasics.keras_models.train_lecture_model` (all from :mod:`dlbasics.lecture`), and the same
kind of result, so the two runs print in one table. Randomness comes from ``seed`` only (initial
weights, batch order). The optimizers page trains the same model with each optimizer of
:mod:`dlbasics.optimizers` (``optimizer=``).
"""

from __future__ import annotations

import functools
import time

from . import lecture
from .mlp import MLP
from .mnist_runs import RunResult, cached_run, check_run_settings, prepare_data
from .optimizers import get_optimizer


def _fit(data, *, epochs, batch_size, seed, validation, optimizer, optimizer_settings, verbose):
    """Train the lecture's model; return the model, its ``History``, the ``fit`` seconds, the data."""
    (X_train, Y_train), (X_val, Y_val), test = prepare_data(data, validation)
    model = MLP(lecture.LAYER_SIZES, lecture.ACTIVATIONS, seed=seed)
    start = time.perf_counter()
    fitted = model.fit(
        X_train,
        Y_train,
        optimizer=get_optimizer(optimizer, **(optimizer_settings or {})),
        batch_size=batch_size,
        n_epochs=epochs,
        validation_data=(X_val, Y_val),
        seed=seed,
        verbose=verbose,
    )
    return model, fitted, time.perf_counter() - start, test


def _train(data, *, epochs, seed, validation, verbose, **fit_settings) -> RunResult:
    model, fitted, fit_seconds, (X_test, Y_test) = _fit(
        data, epochs=epochs, seed=seed, validation=validation, verbose=verbose, **fit_settings
    )
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
        batch_loss=fitted.batch_loss,
    )


def _check_optimizer(optimizer, optimizer_settings) -> dict:
    """The optimizer's name and settings, checked by building it once (a bad one fails here)."""
    if optimizer_settings is not None and not isinstance(optimizer_settings, dict):
        raise TypeError(
            f"optimizer_settings must be a dict of keyword settings or None, got "
            f"{type(optimizer_settings).__name__}"
        )
    settings = dict(optimizer_settings or {})
    if not isinstance(optimizer, str):
        raise TypeError(f"optimizer must be a name such as 'adam', got {type(optimizer).__name__}")
    get_optimizer(optimizer, **settings)
    return {"optimizer": optimizer, "optimizer_settings": settings}


def train_numpy_mlp(
    data=None,
    *,
    epochs: int = lecture.EPOCHS,
    batch_size: int = lecture.BATCH_SIZE,
    seed: int = 0,
    validation: str = lecture.VALIDATION,
    optimizer: str = lecture.OPTIMIZER,
    optimizer_settings: dict | None = None,
    verbose: bool = True,
    cache_dir=None,
) -> RunResult:
    """Train the lecture's model with the NumPy MLP; return history, test evaluation and fit time.

    Takes the arguments of :func:`dlbasics.keras_models.train_lecture_model` (``seed`` seeds the
    initial weights and the batch order here) and returns the same :class:`RunResult`, with the
    loss of every batch in ``batch_loss``. ``optimizer`` names one of
    :data:`dlbasics.optimizers.OPTIMIZERS` (the lecture's RMSprop by default) and
    ``optimizer_settings`` its keyword settings (Keras' defaults where left out), e.g.
    ``optimizer="sgd", optimizer_settings={"momentum": 0.9}``.
    """
    settings = check_run_settings(
        epochs=epochs, batch_size=batch_size, seed=seed, validation=validation
    )
    settings.update(_check_optimizer(optimizer, optimizer_settings))
    train = functools.partial(_train, verbose=verbose)
    return cached_run("train_numpy_mlp", train, data, settings, RunResult, cache_dir=cache_dir)


def fit_lecture_mlp(data, *, seed: int = 0, verbose: bool = False) -> MLP:
    """The lecture's model trained exactly as :func:`train_numpy_mlp` trains it by default; the
    model itself, not cached (for experiments that need its weights, e.g. shifted digits)."""
    settings = check_run_settings(
        epochs=lecture.EPOCHS,
        batch_size=lecture.BATCH_SIZE,
        seed=seed,
        validation=lecture.VALIDATION,
    )
    settings.update(_check_optimizer(lecture.OPTIMIZER, None))
    return _fit(data, verbose=verbose, **settings)[0]
