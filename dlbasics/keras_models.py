"""The lecture's MNIST model in Keras 3: Dense(392, tanh) on 784 inputs, then Dense(10, softmax).

It is trained as in the lecture's note: RMSprop (Keras defaults), categorical cross-entropy,
accuracy, batch 128, one epoch, the test set as validation data. ``validation="holdout"`` is the
honest variant (validate on the last 10,000 training images, test once at the end).

This is the only module that imports TensorFlow, and only inside functions, so ``import dlbasics``
stays NumPy-only and fast. :func:`import_keras` also keeps TensorFlow's start-up log lines quiet.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time

from ._validation import check_choice, check_positive_int
from .mnist import load_mnist
from .mnist_runs import (
    VALIDATIONS,
    RunResult,
    as_floats,
    comparison_rows,
    format_table,
    prepare_data,
)
from .run_cache import memoize

# The lecture's reported values (its note, one epoch): shown beside our runs, not asserted equal.
LECTURE_LOSS = 0.3328
LECTURE_ACCURACY = 0.9016
LECTURE_VAL_LOSS = 0.2330
LECTURE_VAL_ACCURACY = 0.9312
LECTURE_REPORTED = {
    "loss": LECTURE_LOSS,
    "accuracy": LECTURE_ACCURACY,
    "val_loss": LECTURE_VAL_LOSS,
    "val_accuracy": LECTURE_VAL_ACCURACY,
    "epochs": 1,
    "validation": "test",
}
# Parameters: 784 * 392 + 392 and 392 * 10 + 10, as the note's model.summary() shows them.
LECTURE_LAYER_PARAMS = (307_720, 3_930)
LECTURE_TOTAL_PARAMS = 311_650

_TF_NOISE = re.compile(r"^(I\d{4} |WARNING: All log messages before absl::InitializeLog)")


def import_keras():
    """``import keras`` (TensorFlow backend) without TensorFlow's C++ start-up chatter.

    ``TF_CPP_MIN_LOG_LEVEL=2`` hides most of it; the oneDNN notice is written before TensorFlow's
    logging is set up and ignores that setting, so stderr is captured during the import and
    every line except those INFO lines is passed on.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "keras" in sys.modules:
        import keras

        return keras
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import keras
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            lines = captured.read().decode(errors="replace").splitlines()
            kept = [line for line in lines if not _TF_NOISE.match(line)]
            if kept:
                print("\n".join(kept), file=sys.stderr)
    return keras


def build_lecture_model():
    """The lecture's model, compiled: RMSprop, categorical cross-entropy, accuracy."""
    keras = import_keras()
    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            keras.layers.Dense(392, activation="tanh"),  # (n, 784) -> (n, 392)
            keras.layers.Dense(10, activation="softmax"),  # (n, 392) -> (n, 10)
        ]
    )
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def model_summary(model) -> str:
    """``model.summary()`` as a string."""
    lines: list[str] = []
    model.summary(print_fn=lambda line, *args, **kwargs: lines.append(line))
    return "\n".join(lines)


def _keras_verbosity(verbose) -> int:
    """Keras' fit verbosity: False -> 0, True -> a progress bar (1) on a terminal or in a notebook,
    one line per epoch (2) in a log; 0, 1 and 2 pass through."""
    if verbose is True:
        interactive = sys.stdout.isatty() or "ipykernel" in sys.modules
        return 1 if interactive else 2
    if verbose is False:
        return 0
    if isinstance(verbose, int) and verbose in (0, 1, 2):
        return verbose
    raise ValueError(f"verbose must be True, False, 0, 1 or 2, got {verbose!r}")


def _train(data, *, epochs, batch_size, seed, validation, verbose) -> RunResult:
    keras = import_keras()
    if data is None:
        data = load_mnist()
    (X_train, Y_train), (X_val, Y_val), (X_test, Y_test) = prepare_data(data, validation)
    keras.utils.set_random_seed(seed)  # Python, NumPy and TensorFlow seeds: Keras' way
    model = build_lecture_model()
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
    test = model.evaluate(X_test, Y_test, batch_size=batch_size, verbose=0, return_dict=True)
    return RunResult(
        impl="keras",
        model="mlp",
        history=as_floats(fitted.history),
        test_loss=float(test["loss"]),
        test_accuracy=float(test["accuracy"]),
        fit_seconds=fit_seconds,
        epochs=epochs,
        validation=validation,
        seed=seed,
        layer_params=[int(layer.count_params()) for layer in model.layers],
    )


def train_lecture_model(
    data=None,
    *,
    epochs: int = 1,
    batch_size: int = 128,
    seed: int = 0,
    validation: str = "test",
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
    settings = {
        "epochs": check_positive_int("epochs", epochs),
        "batch_size": check_positive_int("batch_size", batch_size),
        "seed": check_positive_int("seed", seed, minimum=0),
        "validation": check_choice("validation", validation, VALIDATIONS),
    }
    verbose = _keras_verbosity(verbose)
    # data=None means load_mnist(), which verifies checksums: always the same arrays.
    key = {"data": "load_mnist()" if data is None else data, **settings}
    result, from_cache = memoize(
        "train_lecture_model",
        key,
        lambda: _train(data, verbose=verbose, **settings).to_dict(),
        cache_dir=cache_dir,
    )
    return RunResult.from_dict(result, from_cache=from_cache)


def lecture_comparison_rows(runs: dict) -> list[list[str]]:
    """Rows comparing runs (label -> result) with the lecture's reported numbers."""
    return comparison_rows(runs, LECTURE_REPORTED, reference_label="lecture (reported)")


def lecture_table(runs: dict, *, markdown: bool = False) -> str:
    """:func:`lecture_comparison_rows` rendered as plain text or Markdown."""
    return format_table(lecture_comparison_rows(runs), markdown=markdown)
