"""The lecture's MNIST model from scratch: :class:`dlbasics.mlp.MLP` in place of Keras.

Same model (784 -> Dense 392 tanh -> Dense 10 softmax, Glorot-uniform weights, zero biases), same
optimizer (RMSprop with Keras' defaults), same batch size and data as
:func:`dlbasics.keras_models.train_lecture_model`, and the same kind of result, so the two runs
print in one table. Randomness comes from ``seed`` only (initial weights, batch order).
"""

from __future__ import annotations

import time

from ._validation import check_choice, check_positive_int
from .mlp import MLP
from .mnist import load_mnist
from .mnist_runs import VALIDATIONS, RunResult, prepare_data
from .optimizers import RMSprop
from .run_cache import memoize

LAYER_SIZES = [784, 392, 10]
ACTIVATIONS = ["tanh", "softmax"]


def _train(data, *, epochs, batch_size, seed, validation, verbose) -> RunResult:
    if data is None:
        data = load_mnist()
    (X_train, Y_train), (X_val, Y_val), (X_test, Y_test) = prepare_data(data, validation)
    model = MLP(LAYER_SIZES, ACTIVATIONS, seed=seed)
    start = time.perf_counter()
    fitted = model.fit(
        X_train,
        Y_train,
        optimizer=RMSprop(),
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
    epochs: int = 1,
    batch_size: int = 128,
    seed: int = 0,
    validation: str = "test",
    verbose: bool = True,
    cache_dir=None,
) -> RunResult:
    """Train the lecture's model with the NumPy MLP; return history, test evaluation and fit time.

    Takes the arguments of :func:`dlbasics.keras_models.train_lecture_model` (``seed`` seeds the
    initial weights and the batch order here) and returns the same :class:`RunResult`.
    """
    settings = {
        "epochs": check_positive_int("epochs", epochs),
        "batch_size": check_positive_int("batch_size", batch_size),
        "seed": check_positive_int("seed", seed, minimum=0),
        "validation": check_choice("validation", validation, VALIDATIONS),
    }
    key = {"data": "load_mnist()" if data is None else data, **settings}
    result, from_cache = memoize(
        "train_numpy_mlp",
        key,
        lambda: _train(data, verbose=verbose, **settings).to_dict(),
        cache_dir=cache_dir,
    )
    return RunResult.from_dict(result, from_cache=from_cache)
