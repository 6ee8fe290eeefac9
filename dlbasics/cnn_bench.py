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

:func:`validation_study` is the evidence behind the design (:data:`dlbasics.cnn.VALIDATION_EVIDENCE`):
variants trained on the 54,000 images and compared on the 6,000 validation images only.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ._validation import check_positive_float, check_positive_int
from .cnn import (
    BATCH_SIZE,
    DEFAULT_EPOCHS,
    TARGET_ACCURACY,
    build_cnn,
    build_reference_convnet,
    epoch_steps,
    first_reaching,
    fit_and_track,
    split_data,
)
from .mnist_runs import markdown_paragraphs
from .preprocessing import one_hot

DEFAULT_JSON = Path("artifacts/bench-cnn.json")
MAX_REFERENCE_EPOCHS = 12
MAX_RATIO = 0.75  # the claim: ours reaches 99 % in at most 3/4 of the reference's time


def _environment() -> dict:
    from .bench import environment

    return environment()


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
    epochs: int | None = None,
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
    from .keras_models import import_keras

    keras = import_keras()
    epochs = DEFAULT_EPOCHS if epochs is None else check_positive_int("epochs", epochs)
    seed = check_positive_int("seed", seed, minimum=0)
    max_reference_epochs = check_positive_int("max_reference_epochs", max_reference_epochs)
    target = check_positive_float("target", target)
    train, validation, test = split_data(data)
    environment = _environment()
    log = print if verbose else (lambda *args, **kwargs: None)
    warm_up_seconds = _warm_up(train)

    log(f"ours: {epochs} epoch(s), seed {seed}", flush=True)
    keras.utils.set_random_seed(seed)
    model = build_cnn(epochs=epochs, steps_per_epoch=epoch_steps(len(train[0])))
    run = fit_and_track(
        model, *train, epochs=epochs, test=test, validation_data=validation, verbose=verbose
    )
    ours = _summary("ours", {**run, "n_params": int(model.count_params())}, target)

    log(f"reference (keras-io): up to {max_reference_epochs} epochs, seed {seed}", flush=True)
    keras.utils.set_random_seed(seed)
    model = build_reference_convnet()
    # keras-io's own call: all 60,000 images, fit() holds out the last 10 % (our validation split)
    x_all = np.concatenate([train[0], validation[0]])  # (60000, 28, 28, 1), the original order
    y_all = one_hot(np.concatenate([train[1], validation[1]]))  # (60000, 10)
    run = fit_and_track(
        model,
        x_all,
        y_all,
        epochs=max_reference_epochs,
        test=(test[0], one_hot(test[1])),
        validation_split=0.1,
        stop_at=target,
        verbose=verbose,
    )
    reference = _summary("reference", {**run, "n_params": int(model.count_params())}, target)

    environment["load_average_after"] = list(os.getloadavg())
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
        "environment": {**environment, "warm_up_seconds": warm_up_seconds},
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
def _seconds(value) -> str:
    return "-" if value is None else f"{value:.1f}"


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
    from .mnist_runs import format_table

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
_OURS = {"batch_norm": True, "dropout": 0.0, "peak": 0.01, "epochs": 2, "bn_momentum": 0.9}
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


def _variant_model(spec: dict, steps_per_epoch: int):
    from .cnn import _layers, warmup_linear_decay
    from .keras_models import import_keras

    keras = import_keras()
    model = _layers(
        keras,
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
    from .keras_models import import_keras

    keras = import_keras()
    names = list(VARIANTS) if variants is None else list(variants)
    unknown = [name for name in names if name not in VARIANTS]
    if unknown:
        raise ValueError(f"unknown variants {unknown}; choose from {list(VARIANTS)}")
    (x_train, y_train), validation, _ = split_data(data)
    rows = []
    for name in names:
        spec = VARIANTS[name]
        for seed in seeds:
            seed = check_positive_int("seed", seed, minimum=0)
            keras.utils.set_random_seed(seed)
            model = _variant_model(spec, epoch_steps(len(x_train)))
            run = fit_and_track(
                model, x_train, y_train, epochs=spec["epochs"], validation_data=validation
            )
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


# ------------------------------------------------------------------------------ command line
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dlbasics bench --cnn",
        description="Train our CNN and keras-io's convnet in one process, each evaluated on the "
        "test set after every epoch; print each one's time to 99% test accuracy and the ratio.",
    )
    parser.add_argument("--seed", type=int, default=0, help="weights and shuffling (default: 0)")
    parser.add_argument(
        "--epochs",
        type=int,
        default=None,
        help=f"our schedule's length (default: {DEFAULT_EPOCHS}, the chosen one)",
    )
    parser.add_argument(
        "--max-reference-epochs",
        type=int,
        default=MAX_REFERENCE_EPOCHS,
        metavar="N",
        help=f"stop the reference after N epochs at most (default: {MAX_REFERENCE_EPOCHS})",
    )
    parser.add_argument(
        "--json",
        metavar="PATH",
        type=Path,
        default=DEFAULT_JSON,
        help=f"where to write the results as JSON (default: {DEFAULT_JSON})",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None,
        help="the MNIST files (default: $DLBASICS_MNIST_DIR, the user cache, Keras' download)",
    )
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--quiet", action="store_true", help="no per-epoch progress lines")
    return parser


def main(argv: list[str]) -> int:
    """``dlbasics bench --cnn ...``: 0 when ours reached the target within the ratio, else 1."""
    parser = _parser()
    args = parser.parse_args(argv)
    for name in ("epochs", "max_reference_epochs"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1, got {value}")
    if args.seed < 0:
        parser.error(f"--seed must be >= 0, got {args.seed}")
    from .mnist import load_mnist

    results = run_benchmark(
        load_mnist(args.data_dir),
        seed=args.seed,
        epochs=args.epochs,
        max_reference_epochs=args.max_reference_epochs,
        verbose=not args.quiet,
    )
    print()
    print(report(results, markdown=args.markdown))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    results["measured_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.json}")
    return 0 if results["passed"] else 1
