"""Benchmark: our CNN against keras-io's "Simple MNIST convnet", time to 99 % test accuracy.

Both are trained in one process, one after the other, on the same arrays, with TensorFlow's
default threading (all cores for both):

- **ours** (:func:`dlbasics.cnn.build_cnn`): its planned schedule (2 epochs), 54,000 training
  images, validated on the last 6,000;
- **the reference** (:func:`dlbasics.cnn.build_reference_convnet`), trained as keras-io does:
  ``fit(x_train, one_hot(y_train), batch_size=128, validation_split=0.1)``, so on the same
  54,000 images and validated on the same 6,000, until its test accuracy reaches 0.990 or
  ``max_reference_epochs`` have passed.

After every epoch each model is evaluated on the 10,000 test images. **Time to 99 %** is the
cumulative ``fit`` time (its validation pass included, the test evaluations not) at the end of the
first epoch whose test accuracy is >= 0.990. The claim checked is ``ours / reference <= 0.75``.
Before either is timed, both are built and fitted on a few batches once, so that TensorFlow's
one-time start-up costs fall on neither. Other programs running at the same time slow both; the
load average before and after is recorded beside the times.

:func:`validation_study` is the evidence behind the design (:data:`VALIDATION_EVIDENCE`):
variants trained on the 54,000 images and compared on the 6,000 validation images only.

How the design was chosen, measured on the validation split only (:data:`VALIDATION_EVIDENCE`,
seeds 0, 1, 2, accuracy after the last epoch, mean): with 2 epochs, keras-io's recipe reaches
0.9849; the schedule alone lifts it to 0.9904, batch normalization alone (constant 0.001) to
0.9892, both together (ours) to 0.9925 with every seed >= 0.9923. A peak of 0.003 instead of 0.01
gives 0.9910; 1 epoch gives 0.9899 (too close to 0.990 to rely on); 3 epochs give 0.9922, no
better than 2 for half as much time again. BN momentum 0.99 ends the same (0.9924) but is worse
after epoch 1 (0.9827 against 0.9885). Batch normalization sits after the pooling, where it
normalizes 4x fewer values than before it, so on a CPU it costs little: max-pooling commutes with
a per-channel *increasing* affine map, so pool -> BN equals BN -> pool while BN's scale stays
positive; training does not guarantee that, so the order is a choice of speed, checked on the
validation split like every other choice.
"""

from __future__ import annotations

import json
import os
import time

import numpy as np

from .._keras import fit_and_track, import_keras, set_global_seed
from .._tables import format_table, markdown_paragraphs
from .._validation import check_int, check_positive_float, check_seed
from ..cnn import (
    BATCH_SIZE,
    BN_MOMENTUM,
    DEFAULT_EPOCHS,
    TARGET_ACCURACY,
    build_cnn,
    conv_stack,
    epoch_steps,
    first_reaching,
    split_data,
    warmup_linear_decay,
)
from ..preprocessing import one_hot
from ..schedules import PEAK_LEARNING_RATE
from ._machine import environment

MAX_REFERENCE_EPOCHS = 12
MAX_RATIO = 0.75  # the claim: ours reaches 99 % in at most 3/4 of the reference's time


def build_reference_convnet():
    """keras-io's "Simple MNIST convnet", compiled as there: Adam (0.001), categorical CE.

    Conv2D(32, 3x3, relu) -> MaxPool(2) -> Conv2D(64, 3x3, relu) -> MaxPool(2) -> Flatten ->
    Dropout(0.5) -> Dense(10, softmax): 34,826 parameters. Labels are one-hot rows.
    """
    model = conv_stack(batch_norm=False, dropout=0.5, name="keras_io_convnet")
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def _warm_up(train) -> float:
    """Fit throw-away copies of both models on a few batches (TensorFlow's one-time start-up)."""
    start = time.perf_counter()
    x, y = train[0][: 2 * BATCH_SIZE], train[1][: 2 * BATCH_SIZE]
    for model, labels in ((build_cnn(), y), (build_reference_convnet(), one_hot(y))):
        model.fit(x, labels, batch_size=BATCH_SIZE, epochs=1, verbose=0)
        model.evaluate(x, labels, verbose=0)
    return time.perf_counter() - start


def _summary(name: str, run: dict, target: float) -> dict:
    reached = first_reaching(run["test_accuracy"], target)
    return {
        "model": name,
        "n_params": run.pop("n_params"),
        "epochs_run": len(run["test_accuracy"]),
        "epochs_to_target": None if reached is None else reached + 1,
        "seconds_to_target": None if reached is None else run["fit_seconds_per_epoch"][reached],
        **run,
    }


def run_benchmark(
    data,
    *,
    seed: int = 0,
    epochs: int = DEFAULT_EPOCHS,
    max_reference_epochs: int = MAX_REFERENCE_EPOCHS,
    target: float = TARGET_ACCURACY,
    verbose: bool = True,
) -> dict:
    """Train ours, then the reference, each evaluated on the test set after every epoch.

    Returns a JSON-able dict: ``settings``, ``environment`` (load average before and after),
    ``ours`` and ``reference`` (per-epoch test accuracy and cumulative fit seconds, time to
    ``target``), ``ratio`` (ours / reference time to target; when the reference never reached it,
    ours / the reference's whole time, which then overstates the ratio) and ``passed``.
    """
    epochs = check_int("epochs", epochs)
    seed = check_seed("seed", seed)
    max_reference_epochs = check_int("max_reference_epochs", max_reference_epochs)
    target = check_positive_float("target", target)
    train, validation, test = split_data(data)
    machine = environment()
    log = print if verbose else (lambda *args, **kwargs: None)
    warm_up_seconds = _warm_up(train)

    log(f"ours: {epochs} epoch(s), seed {seed}", flush=True)
    set_global_seed(seed)
    model = build_cnn(epochs=epochs, steps_per_epoch=epoch_steps(len(train[0])))
    run = fit_and_track(
        model, *train, epochs=epochs, batch_size=BATCH_SIZE, test=test,
        validation_data=validation, verbose=verbose,
    )  # fmt: skip
    ours = _summary("ours", {**run, "n_params": int(model.count_params())}, target)

    log(f"reference (keras-io): up to {max_reference_epochs} epochs, seed {seed}", flush=True)
    set_global_seed(seed)
    model = build_reference_convnet()
    # keras-io's own call: all 60,000 images, fit() holds out the last 10 % (our validation split)
    x_all = np.concatenate([train[0], validation[0]])  # (60000, 28, 28, 1), the original order
    y_all = one_hot(np.concatenate([train[1], validation[1]]))  # (60000, 10)
    run = fit_and_track(
        model,
        x_all,
        y_all,
        epochs=max_reference_epochs,
        batch_size=BATCH_SIZE,
        test=(test[0], one_hot(test[1])),
        validation_split=0.1,
        stop_at=target,
        verbose=verbose,
    )
    reference = _summary("reference", {**run, "n_params": int(model.count_params())}, target)

    machine["load_average_after"] = list(os.getloadavg())
    ratio, ratio_kind = _ratio(ours, reference)
    return {
        "settings": {
            "seed": seed,
            "epochs": epochs,
            "max_reference_epochs": max_reference_epochs,
            "target": target,
            "max_ratio": MAX_RATIO,
            "batch_size": BATCH_SIZE,
            "n_train": len(train[0]),
            "n_validation": len(validation[0]),
            "n_test": len(test[0]),
        },
        "environment": {**machine, "warm_up_seconds": warm_up_seconds},
        "ours": ours,
        "reference": reference,
        "ratio": ratio,
        "ratio_kind": ratio_kind,
        "passed": ratio is not None and ratio <= MAX_RATIO,
    }


def _ratio(ours: dict, reference: dict) -> tuple[float | None, str]:
    if ours["seconds_to_target"] is None:
        return None, "ours did not reach the target"
    if reference["seconds_to_target"] is None:
        return (
            ours["seconds_to_target"] / reference["fit_seconds_per_epoch"][-1],
            "upper bound: the reference did not reach the target in its epochs",
        )
    return ours["seconds_to_target"] / reference["seconds_to_target"], "time to target"


# ------------------------------------------------------------------------------- the report
def table_rows(results: dict) -> list[list[str]]:
    """Per epoch: each model's test accuracy and cumulative fit seconds (header first)."""
    ours, reference = results["ours"], results["reference"]
    rows = [["epoch", "ours: test acc", "ours: fit s", "reference: test acc", "reference: fit s"]]
    for epoch in range(max(ours["epochs_run"], reference["epochs_run"])):
        row = [str(epoch + 1)]
        for model in (ours, reference):
            if epoch < model["epochs_run"]:
                row += [
                    f"{model['test_accuracy'][epoch]:.4f}",
                    f"{model['fit_seconds_per_epoch'][epoch]:.1f}",
                ]
            else:
                row += ["", ""]
        rows.append(row)
    return rows


def report(results: dict, *, markdown: bool = False) -> str:
    """The benchmark as text: a per-epoch table, each model's time to target, the ratio."""
    settings, env = results["settings"], results["environment"]
    target = settings["target"]
    lines = [
        f"Time to {target:.3f} test accuracy on MNIST: our CNN vs keras-io's convnet, seed "
        f"{settings['seed']}, one process, batch {settings['batch_size']}, "
        f"{settings['n_train']:,} training / {settings['n_validation']:,} validation / "
        f"{settings['n_test']:,} test images. Fit time includes the validation pass, not the "
        "test evaluations.",
        "",
        format_table(table_rows(results), markdown=markdown),
        "",
    ]
    for name in ("ours", "reference"):
        model = results[name]
        per_epoch = model["fit_seconds_per_epoch"][-1] / model["epochs_run"]
        if model["seconds_to_target"] is None:
            reached = f"did not reach {target:.3f} in {model['epochs_run']} epoch(s)"
        else:
            reached = (
                f"reached {target:.3f} after {model['epochs_to_target']} epoch(s), "
                f"{model['seconds_to_target']:.1f} s of fit"
            )
        lines.append(
            f"{name:9s}  {model['n_params']:,} parameters, {reached}; "
            f"{per_epoch:.1f} s per epoch; final test accuracy {model['test_accuracy'][-1]:.4f}"
        )
    if results["ratio"] is None:
        verdict = f"FAILED: {results['ratio_kind']}"
    else:
        verdict = (
            f"ours / reference = {results['ratio']:.2f} ({results['ratio_kind']}); "
            f"claim <= {settings['max_ratio']:.2f}: {'PASSED' if results['passed'] else 'FAILED'}"
        )
    lines += ["", verdict]
    busy = env["load_average"][0]
    lines.append(
        f"Machine: {env['cpu']}, {env['cpu_count']} CPUs, TensorFlow {env.get('tensorflow', '?')}, "
        f"Keras {env.get('keras', '?')}; load average {busy:.2f} before, "
        f"{env['load_average_after'][0]:.2f} after."
    )
    if env["cpu_count"] and busy > 0.5 * env["cpu_count"]:
        lines.append(
            f"The machine was busy (load average {busy:.1f} on {env['cpu_count']} CPUs before the "
            "run): other programs shared the cores, so the times are noisy; the ratio, from one "
            "run, is what counts."
        )
    return markdown_paragraphs("\n".join(lines)) if markdown else "\n".join(lines)


# ------------------------------------------------------------------------------- the study
# Each variant: layers (batch_norm, dropout), Adam's learning rate (peak of the warm-up + linear
# decay schedule, or None for Keras' constant 0.001), epochs. "ours" is build_cnn().
_OURS = {
    "batch_norm": True,
    "dropout": 0.0,
    "peak": PEAK_LEARNING_RATE,
    "epochs": DEFAULT_EPOCHS,
    "bn_momentum": BN_MOMENTUM,
}
VARIANTS = {
    "keras-io": {**_OURS, "batch_norm": False, "dropout": 0.5, "peak": None},
    "keras-io + schedule": {**_OURS, "batch_norm": False, "dropout": 0.5},
    "BN, constant 0.001": {**_OURS, "peak": None},
    "ours": _OURS,
    "ours, BN momentum 0.99": {**_OURS, "bn_momentum": 0.99},
    "ours, peak 0.003": {**_OURS, "peak": 0.003},
    "ours, 1 epoch": {**_OURS, "epochs": 1},
    "ours, 3 epochs": {**_OURS, "epochs": 3},
}


# The evidence behind every choice: validation accuracy (the last 6,000 training images; the
# test set was not looked at) after each epoch, for seeds 0, 1, 2, of each variant, as
# validation_study() printed it on an AMD EPYC (2 cores, TensorFlow 2.21, Keras 3.15). It documents
# how the choices were made; another CPU (an Intel Xeon gives 0.9853 instead of 0.9893 for "ours",
# seed 0, epoch 1) changes them in the third decimal, so no test compares a run with them.
EVIDENCE_SEEDS = (0, 1, 2)
VALIDATION_EVIDENCE = {
    "keras-io": ((0.9778, 0.9847), (0.9792, 0.9863), (0.9773, 0.9838)),
    "keras-io + schedule": ((0.9862, 0.9895), (0.9890, 0.9910), (0.9865, 0.9908)),
    "BN, constant 0.001": ((0.9860, 0.9885), (0.9877, 0.9917), (0.9870, 0.9873)),
    "ours": ((0.9893, 0.9927), (0.9900, 0.9925), (0.9862, 0.9923)),
    "ours, BN momentum 0.99": ((0.9825, 0.9927), (0.9840, 0.9922), (0.9817, 0.9922)),
    "ours, peak 0.003": ((0.9863, 0.9907), (0.9893, 0.9917), (0.9870, 0.9907)),
    "ours, 1 epoch": ((0.9895,), (0.9903,), (0.9900,)),
    "ours, 3 epochs": (
        (0.9855, 0.9898, 0.9923),
        (0.9875, 0.9913, 0.9923),
        (0.9852, 0.9885, 0.9920),
    ),
}


def variant_model(spec: dict, steps_per_epoch: int):
    """One of :data:`VARIANTS`, built and compiled (Adam, sparse categorical cross-entropy)."""
    keras = import_keras()
    model = conv_stack(
        batch_norm=spec["batch_norm"],
        dropout=spec["dropout"],
        bn_momentum=spec["bn_momentum"],
        name="variant",
    )
    if spec["peak"] is None:
        learning_rate = 0.001
    else:
        total = max(2, spec["epochs"] * steps_per_epoch)
        learning_rate = warmup_linear_decay(total, peak=spec["peak"])
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def validation_study(data, *, variants=None, seeds=(0, 1, 2), verbose: bool = False) -> list[dict]:
    """Train each variant (names of :data:`VARIANTS`) with each seed; validation numbers only.

    The test set is never evaluated: ``data``'s test pair is checked, not used. Returns one row
    per run: ``variant``, ``seed``, ``val_accuracy`` and ``val_loss`` per epoch, ``fit_seconds``.
    """
    names = list(VARIANTS) if variants is None else list(variants)
    unknown = [name for name in names if name not in VARIANTS]
    if unknown:
        raise ValueError(f"unknown variants {unknown}; choose from {list(VARIANTS)}")
    (x_train, y_train), validation, _ = split_data(data)
    rows = []
    for name in names:
        spec = VARIANTS[name]
        for seed in seeds:
            seed = check_seed("seed", seed)
            set_global_seed(seed)
            model = variant_model(spec, epoch_steps(len(x_train)))
            run = fit_and_track(
                model, x_train, y_train, epochs=spec["epochs"], batch_size=BATCH_SIZE,
                validation_data=validation,
            )  # fmt: skip
            row = {
                "variant": name,
                "seed": seed,
                "val_accuracy": run["history"]["val_accuracy"],
                "val_loss": run["history"]["val_loss"],
                "fit_seconds": run["fit_seconds"],
            }
            if verbose:
                print(json.dumps(row), flush=True)
            rows.append(row)
    return rows
