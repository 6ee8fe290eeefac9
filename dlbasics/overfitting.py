"""Overfitting on purpose, then each remedy: the regularization page's experiment.

An over-sized MLP (784 -> 256 ReLU -> 256 ReLU -> 10 softmax, 269,322 parameters) trains on only
the first 1,000 training images for 40 epochs, with SGD (learning rate 0.02, momentum 0.9) and
batches of 32. It can memorise them, and does. It is validated after every epoch on the last 10,000 training
images (the ``"holdout"`` split of :func:`dlbasics.mnist_runs.prepare_data`), and the test set is
evaluated once per variant, at the end, after every choice was made:

- ``"baseline"``: no remedy;
- ``"l2"``: L2 weight decay, ``l2 = 1e-3`` (Keras' convention: ``1e-3 * sum(W**2)`` in the loss);
- ``"dropout"``: 30 % of each hidden layer's outputs dropped in training;
- ``"early_stopping"``: the baseline, stopped once the validation loss has not improved for 5
  epochs, with the best epoch's weights put back.

All four start from the same weights (seed) and see the batches in the same order, so the curves
differ only by the remedy. The remedies come from :mod:`dlbasics.regularization`. SGD rather than
Adam: Adam divides every gradient, the L2 term included, by that weight's running RMS, so its L2
is no longer a plain decay of the weights. The settings were chosen by looking at the validation
curves, never at a test result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import check_int, check_seed
from .mlp import MLP
from .mnist_runs import StoredResult, cached_run, prepare_data
from .optimizers import SGD
from .regularization import EarlyStopping, l2_penalty

LAYER_SIZES = (784, 256, 256, 10)
ACTIVATIONS = ("relu", "relu", "softmax")
N_TRAIN = 1_000
EPOCHS = 40
BATCH_SIZE = 32
L2 = 1e-3
DROPOUT = 0.3
LEARNING_RATE = 0.02
MOMENTUM = 0.9
PATIENCE = 5
VARIANTS = {
    "baseline": {},
    "l2": {"l2": L2},
    "dropout": {"dropout": DROPOUT},
    "early_stopping": {},
}


@dataclass
class OverfittingResult(StoredResult):
    """Per variant (keys of :data:`VARIANTS`): the per-epoch ``history`` (``loss``, ``accuracy``
    on the 1,000 training images as trained, ``val_loss``, ``val_accuracy``), the test loss and
    accuracy of the final weights, and the size of the weights, ``sqrt(sum(W**2))``.
    ``best_epoch``/``stopped_epoch``: early stopping's (0-based)."""

    histories: dict[str, dict[str, list[float]]]
    test_loss: dict[str, float]
    test_accuracy: dict[str, float]
    weight_norm: dict[str, float]
    best_epoch: int | None
    stopped_epoch: int | None
    n_train: int
    epochs: int
    seed: int
    n_params: int
    from_cache: bool = field(default=False, compare=False)


def _train(data, *, n_train, epochs, seed) -> OverfittingResult:
    (X_train, Y_train), validation, (X_test, Y_test) = prepare_data(data, "holdout")
    if n_train > X_train.shape[0]:
        raise ValueError(f"n_train must be at most {X_train.shape[0]}, got {n_train}")
    X, Y = X_train[:n_train], Y_train[:n_train]  # (n_train, 784), (n_train, 10)
    results = {"histories": {}, "test_loss": {}, "test_accuracy": {}, "weight_norm": {}}
    stopper = EarlyStopping(patience=PATIENCE)
    for name, remedy in VARIANTS.items():
        model = MLP(LAYER_SIZES, ACTIVATIONS, init="he_normal", seed=seed, **remedy)
        fitted = model.fit(
            X, Y, optimizer=SGD(LEARNING_RATE, momentum=MOMENTUM), batch_size=BATCH_SIZE, n_epochs=epochs,
            validation_data=validation, seed=seed, verbose=False,
            early_stopping=stopper if name == "early_stopping" else None,
        )  # fmt: skip
        test = model.evaluate(X_test, Y_test)  # once, at the end
        results["histories"][name] = fitted.history
        results["test_loss"][name], results["test_accuracy"][name] = test["loss"], test["accuracy"]
        results["weight_norm"][name] = float(np.sqrt(l2_penalty(model.W, 1.0)))  # sqrt(sum W^2)
    return OverfittingResult(
        **results,
        best_epoch=stopper.best_epoch,
        stopped_epoch=stopper.stopped_epoch,
        n_train=n_train,
        epochs=epochs,
        seed=seed,
        n_params=model.n_params,
    )


def overfitting_runs(
    data=None, *, n_train: int = N_TRAIN, epochs: int = EPOCHS, seed: int = 0, cache_dir=None
) -> OverfittingResult:
    """Train the four variants (module docstring); computed once, then cached.

    ``data`` is ``load_mnist()``'s tuple (loaded when omitted); ``n_train`` the number of
    training images (the first ones); ``cache_dir`` as in :func:`dlbasics.run_cache.memoize`.
    """
    settings = {
        "n_train": check_int("n_train", n_train),
        "epochs": check_int("epochs", epochs),
        "seed": check_seed("seed", seed),
    }
    return cached_run(
        "overfitting_runs", _train, data, settings, OverfittingResult, cache_dir=cache_dir
    )
