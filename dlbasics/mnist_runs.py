"""One MNIST training run: its data split, what it returns, its cache, the table that compares runs.

Both the Keras model (:mod:`dlbasics.keras_models`) and the NumPy one (:mod:`dlbasics.mnist_numpy`)
train on the same prepared data and return a :class:`RunResult`, so they print side by side;
:func:`cached_run` keeps any trainer's result on disk for the pages (the CNN's too).

Two ways to validate (``validation=``):

- ``"test"``: the lecture's shortcut, ``validation_data=(x_test, y_test)``. Quick, but the test set
  then guides every choice made while watching training, so it is no longer an unseen test.
- ``"holdout"``: train on the first 50,000 training images, validate on the last 10,000, and
  touch the test set once, at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from ._tables import format_table, markdown_paragraphs
from ._validation import check_choice, check_int, check_seed
from .mnist import load_mnist
from .preprocessing import flatten_and_scale, one_hot
from .run_cache import memoize

__all__ = [  # format_table and markdown_paragraphs: the pages print their tables with them
    "METRICS", "N_HOLDOUT", "VALIDATIONS", "RunResult", "StoredResult", "cached_run",
    "check_run_settings", "comparison_rows", "format_table", "markdown_paragraphs", "prepare_data", "unpack_data",
]  # fmt: skip

VALIDATIONS = {
    "test": "test set (the lecture's shortcut)",
    "holdout": "last 10,000 training images",
}
N_HOLDOUT = 10_000
METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


class StoredResult:
    """A dataclass result that goes to and comes from the run cache as a plain dict.

    ``from_cache`` says the numbers were read from :mod:`dlbasics.run_cache`, not computed now; it
    is not stored.
    """

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["from_cache"]
        return data

    @classmethod
    def from_dict(cls, data: dict, *, from_cache: bool = False):
        return cls(**data, from_cache=from_cache)


@dataclass
class RunResult(StoredResult):
    """What a run returns: Keras-like ``history`` (one value per epoch), the test evaluation, time.

    ``fit_seconds`` is the wall time of the whole ``fit`` call (validation included);
    ``batch_loss`` the loss of every training batch in order, where the trainer records it (the
    NumPy one does); ``from_cache`` says the numbers were read from :mod:`dlbasics.run_cache`, not
    trained now.
    """

    impl: str
    model: str
    history: dict[str, list[float]]
    test_loss: float
    test_accuracy: float
    fit_seconds: float
    epochs: int
    validation: str
    seed: int
    layer_params: list[int] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    from_cache: bool = field(default=False, compare=False)

    def final(self, metric: str) -> float:
        """The last epoch's value of ``metric`` (``'loss'``, ``'val_accuracy'``, ...)."""
        return self.history[metric][-1]


def cached_run(
    name: str, train: Callable, data, settings: dict, result_type, *, cache_dir=None
) -> StoredResult:
    """``train(data, **settings)``, computed once and kept in :mod:`dlbasics.run_cache`.

    ``data=None`` means :func:`dlbasics.mnist.load_mnist`, loaded only when the run is computed;
    its checksums are verified, so it is always the same arrays and the cache key just names it.
    ``train`` returns a :class:`StoredResult` of ``result_type``; ``cache_dir`` is as in
    :func:`dlbasics.run_cache.memoize` (None reads ``DLBASICS_RUN_CACHE``, False turns it off).
    """
    key = {"data": "load_mnist()" if data is None else data, **settings}

    def compute() -> dict:
        return train(load_mnist() if data is None else data, **settings).to_dict()

    result, from_cache = memoize(name, key, compute, cache_dir=cache_dir)
    return result_type.from_dict(result, from_cache=from_cache)


def check_run_settings(*, epochs, batch_size, seed, validation) -> dict:
    """The settings of a lecture-model run, checked once: the public trainers' boundary."""
    return {
        "epochs": check_int("epochs", epochs),
        "batch_size": check_int("batch_size", batch_size),
        "seed": check_seed("seed", seed),
        "validation": check_choice("validation", validation, VALIDATIONS),
    }


def unpack_data(data):
    """``load_mnist()``'s tuple as ``(x_train, y_train), (x_test, y_test)``, or a TypeError."""
    try:
        (x_train, y_train), (x_test, y_test) = data
    except (TypeError, ValueError):
        raise TypeError(
            "data must be ((x_train, y_train), (x_test, y_test)) as load_mnist() returns it"
        ) from None
    return (x_train, y_train), (x_test, y_test)


def prepare_data(data, validation: str = "test"):
    """Flatten, scale and one-hot the ``load_mnist()`` arrays; split by ``validation``.

    Returns ``(X_train, Y_train), (X_val, Y_val), (X_test, Y_test)``: float32 ``(n, 784)`` inputs
    and ``(n, 10)`` one-hot targets. With ``"test"``, the validation pair is the test pair.
    """
    check_choice("validation", validation, VALIDATIONS)
    (x_train, y_train), (x_test, y_test) = unpack_data(data)
    X_train, Y_train = flatten_and_scale(x_train), one_hot(y_train)  # (n, 784), (n, 10)
    X_test, Y_test = flatten_and_scale(x_test), one_hot(y_test)
    if validation == "test":
        return (X_train, Y_train), (X_test, Y_test), (X_test, Y_test)
    if X_train.shape[0] <= N_HOLDOUT:
        raise ValueError(
            f"validation='holdout' needs more than {N_HOLDOUT} training images, "
            f"got {X_train.shape[0]}"
        )
    split = X_train.shape[0] - N_HOLDOUT
    return (
        (X_train[:split], Y_train[:split]),
        (X_train[split:], Y_train[split:]),
        (X_test, Y_test),
    )


def _number(value) -> str:
    return "-" if value is None else f"{value:.4f}"


def comparison_rows(
    runs: dict, reference: dict | None = None, reference_label: str = "reference"
) -> list[list[str]]:
    """Rows (header first) of a table: one column per run, plus an optional reference column.

    ``runs`` maps a column label to a result with ``history``, ``test_loss``, ``test_accuracy``,
    ``fit_seconds`` (a :class:`RunResult` or any object with those attributes). ``reference``
    maps metric names (``loss``, ``accuracy``, ``val_loss``, ..., ``test_accuracy``,
    ``fit_seconds``) to numbers to show beside them.
    """
    reference = reference or {}
    labels = ([reference_label] if reference else []) + list(runs)
    rows = [["metric", *labels]]

    def row(name, ref, values):
        rows.append([name, *([ref] if reference else []), *values])

    for metric in METRICS:
        values = [
            _number(run.history[metric][-1]) if run.history.get(metric) else "-"
            for run in runs.values()
        ]
        row(metric, _number(reference.get(metric)), values)
    for metric in ("test_loss", "test_accuracy"):
        row(
            metric,
            _number(reference.get(metric)),
            [_number(getattr(run, metric)) for run in runs.values()],
        )
    reported_seconds = reference.get("fit_seconds")  # as precise as it was reported ("4s": 4)
    row(
        "fit seconds",
        "-" if reported_seconds is None else f"{reported_seconds:g}",
        [f"{run.fit_seconds:.1f}" for run in runs.values()],
    )
    row(
        "validated on",
        str(reference.get("validation", "-")),
        [str(getattr(run, "validation", "-")) for run in runs.values()],
    )
    row(
        "epochs",
        str(reference.get("epochs", "-")),
        [str(len(run.history.get("loss", []))) for run in runs.values()],
    )
    return rows
