"""The command line: ``python -m dlbasics <command>`` (or the ``dlbasics`` console script).

Commands: ``mnist`` (the lecture's model in Keras or NumPy, or the CNN), ``xor`` (an MLP learns
XOR), ``gates`` (one perceptron on AND/OR/NAND/XOR), ``bench`` (the NumPy trainer against Keras
and the BLAS floor) and ``bench-cnn`` (our CNN against keras-io's convnet). Results print as
tables on stdout; progress goes to stderr (the NumPy trainer) or stdout (Keras).

The command line only parses; the library checks every value, once, and its error says what is
wrong. Every error ends the program with one line and a non-zero status: 2 for a bad command line,
a bad value or missing/bad data, 1 for anything else, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from . import __version__, lecture
from ._tables import format_table
from .bench.cnn_vs_keras_io import MAX_REFERENCE_EPOCHS
from .mnist import MNISTDataError, MNISTNotFoundError, find_mnist, load_mnist
from .mnist_runs import VALIDATIONS, comparison_rows, prepare_data

PROG = "dlbasics"
DATA_DIR_HELP = (
    "directory with the MNIST IDX files or mnist.npz "
    "(default: $DLBASICS_MNIST_DIR, the user cache, Keras' download)"
)


class CommandError(Exception):
    """A one-line error for the user, with the exit status to end with."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line (no usage block)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# ------------------------------------------------------------------------------------ mnist
def _needs_keras(train, *args, **kwargs):
    """Run a Keras trainer; a missing TensorFlow becomes a one-line hint."""
    try:
        return train(*args, **kwargs)
    except ModuleNotFoundError as error:
        if error.name not in ("keras", "tensorflow"):
            raise
        raise CommandError(
            f"--impl keras needs TensorFlow and Keras ({error}); install them with "
            "pip install 'dlbasics[keras]', or use --impl numpy"
        ) from None


def cmd_mnist(args) -> int:
    if args.model == "cnn" and args.impl == "numpy":
        raise CommandError(
            "--impl numpy supports only --model mlp; the CNN is trained with Keras "
            "(use --impl keras --model cnn)",
            status=2,
        )
    if args.model == "cnn" and args.validation is not None:
        raise CommandError("--validation applies to --model mlp only", status=2)
    source = find_mnist(args.data_dir)  # resolved once: the data's origin is printed below
    data = load_mnist(source)
    (x_train, _), (x_test, _) = data
    where = source if source is not None else "Keras' download"
    print(
        f"MNIST: {len(x_train):,} training and {len(x_test):,} test images from {where} "
        "(SHA-256 verified)",
        flush=True,
    )

    if args.model == "cnn":
        from .cnn import DEFAULT_EPOCHS, train_cnn

        epochs = DEFAULT_EPOCHS if args.epochs is None else args.epochs
        print(f"Training the CNN with Keras, seed {args.seed} ...", flush=True)
        result = _needs_keras(
            train_cnn, data, epochs=epochs, seed=args.seed, verbose=not args.quiet
        )
        print()
        print(format_table(comparison_rows({"cnn (keras)": result}), markdown=args.markdown))
        return 0

    epochs = lecture.EPOCHS if args.epochs is None else args.epochs
    validation = args.validation or lecture.VALIDATION
    settings = dict(
        epochs=epochs,
        seed=args.seed,
        validation=validation,
        verbose=not args.quiet,
        cache_dir=False,
    )
    print(
        f"Training {lecture.MODEL_TEXT} with {args.impl}: RMSprop, batch {lecture.BATCH_SIZE}, "
        f"{epochs} epoch(s), seed {args.seed}, validating on the "
        f"{VALIDATIONS.get(validation, validation)}",
        flush=True,
    )
    from .keras_models import lecture_table, train_lecture_model
    from .mnist_numpy import train_numpy_mlp

    if args.impl == "keras":
        result = _needs_keras(train_lecture_model, data, **settings)
    else:
        result = train_numpy_mlp(data, **settings)
    counts = " + ".join(f"{n:,}" for n in result.layer_params)
    print(
        f"\nParameters: {counts} = {sum(result.layer_params):,} "
        f"(the lecture: {lecture.TOTAL_PARAMS:,})"
    )
    print(lecture_table({f"{args.impl}, this run": result}, markdown=args.markdown))
    return 0


# ----------------------------------------------------------------------------- xor, gates
def cmd_xor(args) -> int:
    from .mlp import MLP
    from .optimizers import SGD
    from .perceptron import logic_gate

    X, y = logic_gate("XOR")  # (4, 2), (4,)
    model = MLP([2, 4, 1], ["tanh", "sigmoid"], loss="mse", seed=args.seed, dtype=np.float64)
    history = model.fit(
        X,
        y[:, None],
        optimizer=SGD(args.learning_rate),
        batch_size=4,
        n_epochs=args.epochs,
        verbose=False,
        seed=args.seed,
    )
    output = model.predict(X)[:, 0]  # (4, 1) -> (4,)
    predicted = (output > 0.5).astype(int)
    rows = [["x1", "x2", "target", "output", "predicted"]]
    for x, target, out, pred in zip(X.astype(int), y.astype(int), output, predicted, strict=True):
        rows.append([str(x[0]), str(x[1]), str(target), f"{out:.4f}", str(pred)])
    n_right = int(np.sum(predicted == y))
    print(
        f"XOR with an MLP 2-4-1 (tanh, sigmoid), MSE loss, SGD learning rate "
        f"{args.learning_rate:g}, batch 4, {args.epochs} epochs, seed {args.seed}"
    )
    print(format_table(rows, markdown=args.markdown))
    print(
        f"accuracy: {n_right}/4 = {n_right / 4:.0%}, final loss {history.history['loss'][-1]:.4f}"
    )
    return 0


def cmd_gates(args) -> int:
    from .perceptron import GATE_OUTPUTS, logic_gate, train

    rows = [["gate", "targets", "predictions", "converged", "epochs", "errors in last epoch"]]
    for gate in GATE_OUTPUTS:
        X, y = logic_gate(gate)
        result = train(
            X, y, learning_rate=args.learning_rate, max_epochs=args.max_epochs, seed=args.seed
        )
        rows.append(
            [
                gate,
                " ".join(str(int(v)) for v in y),
                " ".join(str(int(v)) for v in result.predict(X)),
                "yes" if result.converged else "no",
                str(result.n_epochs),
                str(result.errors_per_epoch[-1]),
            ]
        )
    print(
        f"One perceptron, learning rate {args.learning_rate:g}, at most {args.max_epochs} "
        f"epochs, seed {args.seed}; inputs (x1, x2) = 00 01 10 11"
    )
    print(format_table(rows, markdown=args.markdown))
    print("XOR is not linearly separable: no single perceptron learns it (see: dlbasics xor).")
    return 0


# ------------------------------------------------------------------------------------ bench
def _writable(path: Path) -> Path:
    """``--json PATH``, checked before a benchmark of minutes: after it, the results would be lost."""
    if path.is_dir():
        raise CommandError(f"--json {path} is a folder; name a file in it", status=2)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(f"--json {path}: cannot create its folder ({error})", status=2) from None
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CommandError(f"--json {path}: not writable", status=2)
    return path


def _write_results(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    results["measured_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {path}")


def cmd_bench(args) -> int:
    from .bench import numpy_vs_keras

    _writable(args.json)
    train, validation, _ = prepare_data(load_mnist(args.data_dir), lecture.VALIDATION)
    results = numpy_vs_keras.run(
        train,
        validation,
        repeats=args.repeats,
        batch_size=args.batch_size,
        seed=args.seed,
        blas_threads=args.blas_threads,
    )
    print(numpy_vs_keras.report(results, markdown=args.markdown))
    _write_results(results, args.json)
    return 0


def cmd_bench_cnn(args) -> int:
    """0 when ours reached the target within the claimed ratio, else 1."""
    from .bench import cnn_vs_keras_io

    _writable(args.json)
    epochs = {} if args.epochs is None else {"epochs": args.epochs}  # else the CNN's own
    results = cnn_vs_keras_io.run_benchmark(
        load_mnist(args.data_dir),
        seed=args.seed,
        max_reference_epochs=args.max_reference_epochs,
        verbose=not args.quiet,
        **epochs,
    )
    print()
    print(cnn_vs_keras_io.report(results, markdown=args.markdown))
    _write_results(results, args.json)
    return 0 if results["passed"] else 1


# ----------------------------------------------------------------------------------- parser
def _add_seed(parser, what: str = "random seed") -> None:
    parser.add_argument("--seed", type=int, default=0, help=f"{what} (default: 0)")


def _add_report_options(parser, default_json: Path | None = None) -> None:
    """--data-dir and --markdown, and --json for the benchmarks: spelled once for every command."""
    parser.add_argument("--data-dir", metavar="DIR", default=None, help=DATA_DIR_HELP)
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    if default_json is not None:
        parser.add_argument(
            "--json",
            metavar="PATH",
            type=Path,
            default=default_json,
            help=f"where to write the results as JSON (default: {default_json})",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Deep-learning basics: the lecture's examples.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    mnist = commands.add_parser(
        "mnist",
        help="train the lecture's MNIST model (or the CNN)",
        description="Train on MNIST and compare with the lecture.",
    )
    mnist.add_argument(
        "--impl",
        choices=["keras", "numpy"],
        default="keras",
        help="Keras/TensorFlow or the from-scratch NumPy MLP (default: keras)",
    )
    mnist.add_argument(
        "--model",
        choices=["mlp", "cnn"],
        default="mlp",
        help="the lecture's MLP or the CNN (Keras only) (default: mlp)",
    )
    mnist.add_argument(
        "--epochs",
        type=int,
        default=None,
        help="epochs (default: 1 for the MLP, as in the lecture; the CNN's own)",
    )
    _add_seed(mnist)
    mnist.add_argument(
        "--validation",
        choices=sorted(VALIDATIONS),
        default=None,
        help="validate on the test set (the lecture, default) or on a hold-out "
        "of the training set (MLP only)",
    )
    mnist.add_argument("--quiet", action="store_true", help="no progress bars")
    _add_report_options(mnist)
    mnist.set_defaults(handler=cmd_mnist)

    xor = commands.add_parser("xor", help="an MLP learns XOR; prints the truth table")
    _add_seed(xor)
    xor.add_argument("--epochs", type=int, default=3000, help="epochs (default: 3000)")
    xor.add_argument(
        "--learning-rate", type=float, default=0.5, help="SGD learning rate (default: 0.5)"
    )
    xor.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    xor.set_defaults(handler=cmd_xor)

    gates = commands.add_parser("gates", help="one perceptron on AND, OR, NAND and XOR")
    _add_seed(gates)
    gates.add_argument(
        "--max-epochs",
        type=int,
        default=100,
        help="give up after this many epochs (default: 100)",
    )
    gates.add_argument(
        "--learning-rate", type=float, default=0.1, help="perceptron learning rate (default: 0.1)"
    )
    gates.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    gates.set_defaults(handler=cmd_gates)

    bench = commands.add_parser(
        "bench",
        help="one MNIST epoch: the NumPy trainer vs Keras vs the BLAS floor",
        description="Time one MNIST epoch of the lecture's model: the NumPy trainer, Keras on "
        "TensorFlow, and the BLAS floor (the epoch's matrix products alone).",
    )
    bench.add_argument("--repeats", type=int, default=3, help="interleaved rounds (default: 3)")
    _add_seed(bench, "weights and shuffling")
    bench.add_argument(
        "--batch-size",
        type=int,
        default=lecture.BATCH_SIZE,
        help=f"training batch size (default: {lecture.BATCH_SIZE})",
    )
    bench.add_argument(
        "--blas-threads",
        type=int,
        default=None,
        metavar="N",
        help="limit NumPy's BLAS to N threads (default: its own, one per core); on a machine "
        "busy with other work, 1 avoids OpenBLAS' threads waiting for each other",
    )
    _add_report_options(bench, Path("artifacts/bench.json"))
    bench.set_defaults(handler=cmd_bench)

    bench_cnn = commands.add_parser(
        "bench-cnn",
        help="our CNN vs keras-io's convnet: time to 99%% test accuracy",
        description="Train our CNN and keras-io's convnet in one process, each evaluated on the "
        "test set after every epoch; print each one's time to 99%% test accuracy and the ratio.",
    )
    _add_seed(bench_cnn, "weights and shuffling")
    bench_cnn.add_argument(
        "--epochs", type=int, default=None, help="our schedule's length (default: the chosen one)"
    )
    bench_cnn.add_argument(
        "--max-reference-epochs",
        type=int,
        default=MAX_REFERENCE_EPOCHS,
        metavar="N",
        help=f"stop the reference after N epochs at most (default: {MAX_REFERENCE_EPOCHS})",
    )
    bench_cnn.add_argument("--quiet", action="store_true", help="no per-epoch progress lines")
    _add_report_options(bench_cnn, Path("artifacts/bench-cnn.json"))
    bench_cnn.set_defaults(handler=cmd_bench_cnn)
    return parser


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def main(argv=None) -> int:
    """Run the command line; return the exit status (0 on success)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else None
    try:
        args = build_parser().parse_args(argv)
        return args.handler(args)
    except CommandError as error:
        status, message = error.status, _one_line(error)
    except (MNISTNotFoundError, MNISTDataError) as error:
        status, message = 2, _one_line(error)
    except (ValueError, TypeError) as error:  # a value the library refused, with its rule
        status, message = 2, _one_line(error)
    except KeyboardInterrupt:
        status, message = 130, "interrupted"
    except Exception as error:  # a bug or an environment problem: still one line, no traceback
        status, message = 1, f"{type(error).__name__}: {_one_line(error)}"
    prefix = f"{PROG} {command}" if command and not command.startswith("-") else PROG
    sys.stdout.flush()
    print(f"{prefix}: error: {message}", file=sys.stderr)
    return status
