"""One MNIST training run: its data split, what it returns, and the table that compares runs.

Both the Keras model (:mod:`dlbasics.keras_models`) and the NumPy one (:mod:`dlbasics.mnist_numpy`)
train on the same prepared data and return a :class:`RunResult`, so they print side by side.

Two ways to validate (``validation=``):

- ``"test"``: the lecture's shortcut, ``validation_data=(x_test, y_test)``. Quick, but the test set
  then guides every choice made while watching training, so it is no longer an unseen test.
- ``"holdout"``: train on the first 50,000 training images, validate on the last 10,000, and
  touch the test set once, at the end.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from ._validation import check_choice
from .preprocessing import flatten_and_scale, one_hot

VALIDATIONS = {
    "test": "test set (the lecture's shortcut)",
    "holdout": "last 10,000 training images",
}
N_HOLDOUT = 10_000
METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


@dataclass
class RunResult:
    """What a run returns: Keras-like ``history`` (one value per epoch), the test evaluation, time.

    ``fit_seconds`` is the wall time of the whole ``fit`` call (validation included);
    ``from_cache`` says the numbers were read from :mod:`dlbasics.run_cache`, not trained now.
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
    from_cache: bool = False

    def final(self, metric: str) -> float:
        """The last epoch's value of ``metric`` (``'loss'``, ``'val_accuracy'``, ...)."""
        return self.history[metric][-1]

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["from_cache"]
        return data

    @classmethod
    def from_dict(cls, data: dict, *, from_cache: bool = False) -> RunResult:
        return cls(**data, from_cache=from_cache)


def prepare_data(data, validation: str = "test"):
    """Flatten, scale and one-hot the ``load_mnist()`` arrays; split by ``validation``.

    Returns ``(X_train, Y_train), (X_val, Y_val), (X_test, Y_test)``: float32 ``(n, 784)`` inputs
    and ``(n, 10)`` one-hot targets. With ``"test"``, the validation pair is the test pair.
    """
    check_choice("validation", validation, VALIDATIONS)
    try:
        (x_train, y_train), (x_test, y_test) = data
    except (TypeError, ValueError):
        raise TypeError(
            "data must be ((x_train, y_train), (x_test, y_test)) as load_mnist() returns it"
        ) from None
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
    maps metric names (``loss``, ``accuracy``, ``val_loss``, ...) to numbers to show beside them.
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
    row("fit seconds", "-", [f"{run.fit_seconds:.1f}" for run in runs.values()])
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


def markdown_paragraphs(text: str) -> str:
    """Put a blank line between consecutive lines of a report, except between table rows.

    A plain-text report is one line per fact; rendered as Markdown, consecutive lines would run
    together into one paragraph, and a table needs blank lines around it.
    """
    out: list[str] = []
    for line in text.split("\n"):
        previous = out[-1] if out else ""
        if line and previous and not (line.startswith("|") and previous.startswith("|")):
            out.append("")
        out.append(line)
    return "\n".join(out)


def format_table(rows, *, markdown: bool = False) -> str:
    """Render rows (header first) as aligned plain text, or as a Markdown table."""
    rows = [[str(cell) for cell in row] for row in rows]
    if markdown:
        lines = [
            "| " + " | ".join(rows[0]) + " |",
            "|" + "|".join("---" if i == 0 else "---:" for i in range(len(rows[0]))) + "|",
        ]
        lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def as_floats(history: dict) -> dict[str, list[float]]:
    """A history with plain Python floats (JSON-able), whatever number types it held."""
    return {key: [float(np.asarray(v)) for v in values] for key, values in history.items()}
