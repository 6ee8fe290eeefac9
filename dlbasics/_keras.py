"""Keras and TensorFlow, imported on first use and quietly: the package's one door to them.

Only the functions here import TensorFlow, and only when called, so ``import dlbasics`` and every
NumPy lesson stay NumPy-only and fast. The modules that train with Keras (``keras_models``,
``cnn``, ``bench``, and ``mnist`` for its download fall-back) all come through :func:`import_keras`.

Repeatability: with :func:`set_global_seed`, a run on the CPU gives the same numbers every time
on one machine (measured: the CNN and the lecture's model, twice in one process and again in
fresh ones). TensorFlow's op determinism (``tf.config.experimental.enable_op_determinism``) is left
off on purpose: on the CPU it made no run more repeatable than that, it changed the CNN's numbers,
and with it every ``fit`` logs a spurious C++ error from tf.data (``NodeDef mentions attribute
use_unbounded_threadpool``). Across CPUs the last digits differ: oneDNN picks different kernels on
AMD and Intel processors, which round differently, and training amplifies that a little (the CNN's
test accuracy by up to 0.002 after one epoch), so the tests assert thresholds, not recorded digits.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time

import numpy as np

_TF_NOISE = re.compile(r"^(I\d{4} |WARNING: All log messages before absl::InitializeLog)")
EVALUATION_BATCH_SIZE = 1_000  # only for evaluate(); changes no number, only memory and speed


def import_keras():
    """``import keras`` (TensorFlow backend) without TensorFlow's C++ start-up chatter.

    ``TF_CPP_MIN_LOG_LEVEL=2`` hides most of it; the oneDNN notice is written before TensorFlow's
    logging is set up and ignores that setting, so stderr is captured during the import and every
    line except those INFO lines is passed on.
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


def set_global_seed(seed: int) -> None:
    """Seed Python's, NumPy's and TensorFlow's global generators, Keras' way.

    The one place the package seeds global state: Keras draws initial weights and shuffles batches
    from these, with no generator to pass in. Every NumPy lesson takes its own seed instead.
    """
    import_keras().utils.set_random_seed(seed)


def keras_verbosity(verbose) -> int:
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


def model_summary(model) -> str:
    """``model.summary()`` as a string."""
    lines: list[str] = []
    model.summary(print_fn=lambda line, *args, **kwargs: lines.append(line))
    return "\n".join(lines)


def history_floats(history: dict) -> dict[str, list[float]]:
    """A Keras history with plain Python floats (JSON-able), whatever number types it held."""
    return {key: [float(np.asarray(v)) for v in values] for key, values in history.items()}


def fit_and_track(
    model,
    x,
    y,
    *,
    epochs: int,
    batch_size: int,
    test=None,
    validation_data=None,
    validation_split: float = 0.0,
    stop_at: float | None = None,
    verbose=False,
) -> dict:
    """``model.fit``, evaluating on ``test`` after every epoch, with the evaluations left out of
    the time.

    Returns ``history`` (Keras'), ``test_accuracy`` and ``test_loss`` per epoch (empty without
    ``test``), ``fit_seconds_per_epoch`` (cumulative ``fit`` time at each epoch's end, test
    evaluations excluded, validation pass included) and ``fit_seconds`` (the whole ``fit`` call,
    test evaluations excluded). With ``stop_at``, training stops after the first epoch whose test
    accuracy is >= ``stop_at`` (a time-to-accuracy benchmark's rule, never a training choice).
    """
    keras = import_keras()
    tracked = {"test_accuracy": [], "test_loss": [], "fit_seconds_per_epoch": []}
    clock = {"start": 0.0, "evaluating": 0.0}

    def on_epoch_end(epoch, logs=None):
        now = time.perf_counter()
        tracked["fit_seconds_per_epoch"].append(now - clock["start"] - clock["evaluating"])
        line = f"epoch {epoch + 1}/{epochs}:"
        if test is not None:
            scores = model.evaluate(
                *test, batch_size=EVALUATION_BATCH_SIZE, verbose=0, return_dict=True
            )
            tracked["test_accuracy"].append(float(scores["accuracy"]))
            tracked["test_loss"].append(float(scores["loss"]))
            line += f" test accuracy {scores['accuracy']:.4f},"
            if stop_at is not None and scores["accuracy"] >= stop_at:
                model.stop_training = True
        if verbose:
            print(f"{line} {tracked['fit_seconds_per_epoch'][-1]:.1f} s of fit so far", flush=True)
        clock["evaluating"] += time.perf_counter() - now

    clock["start"] = time.perf_counter()
    fitted = model.fit(
        x,
        y,
        batch_size=batch_size,
        epochs=epochs,
        validation_data=validation_data,
        validation_split=validation_split,
        verbose=keras_verbosity(bool(verbose)),
        callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=on_epoch_end)],
    )
    fit_seconds = time.perf_counter() - clock["start"] - clock["evaluating"]
    return {"history": history_floats(fitted.history), "fit_seconds": fit_seconds, **tracked}
