"""The command line: ``python -m dlbasics <command>`` (or the ``dlbasics`` console script).

Commands: ``mnist`` (the lecture's model in Keras or NumPy, or the CNN), ``xor`` (an MLP learns
XOR), ``gates`` (one perceptron on AND/OR/NAND/XOR), ``bench`` (delegates to
:mod:`dlbasics.bench`). Results print as tables on stdout; progress goes to stderr (the NumPy
trainer) or stdout (Keras). Every error ends the program with one line and a non-zero status:
2 for a bad command line or missing/bad data, 1 for anything else, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

import numpy as np

from . import __version__
from .mnist import MNISTDataError, MNISTNotFoundError, find_mnist, load_mnist
from .mnist_runs import VALIDATIONS, comparison_rows, format_table

PROG = "dlbasics"


class CommandError(Exception):
    """A one-line error for the user, with the exit status to end with."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line (no usage block)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}") from None
    if not (np.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return value


# ------------------------------------------------------------------------------------ mnist
def _run_cnn(data, args):
    try:
        from .cnn import train_cnn
    except ModuleNotFoundError as error:
        if error.name != "dlbasics.cnn":
            raise
        raise CommandError(
            "--model cnn needs dlbasics.cnn, which this installation lacks"
        ) from None
    return train_cnn(data, epochs=args.epochs, seed=args.seed, verbose=not args.quiet)


def cmd_mnist(args) -> int:
    if args.model == "cnn" and args.impl == "numpy":
        raise CommandError(
            "--impl numpy supports only --model mlp; the CNN is trained with Keras "
            "(use --impl keras --model cnn)",
            status=2,
        )
    if args.model == "cnn" and args.validation is not None:
        raise CommandError("--validation applies to --model mlp only", status=2)
    source = find_mnist(args.data_dir)
    data = load_mnist(args.data_dir)
    (x_train, _), (x_test, _) = data
    where = source if source is not None else "Keras' download"
    print(
        f"MNIST: {len(x_train):,} training and {len(x_test):,} test images from {where} "
        "(SHA-256 verified)",
        flush=True,
    )

    if args.model == "cnn":
        print(f"Training the CNN with Keras, seed {args.seed} ...", flush=True)
        result = _run_cnn(data, args)
        print()
        print(format_table(comparison_rows({"cnn (keras)": result}), markdown=args.markdown))
        return 0

    epochs = args.epochs if args.epochs is not None else 1
    validation = args.validation or "test"
    print(
        f"Training 784 -> Dense(392, tanh) -> Dense(10, softmax) with {args.impl}: RMSprop, "
        f"batch 128, {epochs} epoch(s), seed {args.seed}, validating on the "
        f"{VALIDATIONS[validation]}",
        flush=True,
    )
    settings = dict(
        epochs=epochs,
        seed=args.seed,
        validation=validation,
        verbose=not args.quiet,
        cache_dir=False,
    )
    from .keras_models import LECTURE_TOTAL_PARAMS, lecture_table

    if args.impl == "keras":
        from .keras_models import train_lecture_model

        try:
            result = train_lecture_model(data, **settings)
        except ModuleNotFoundError as error:
            if error.name not in ("keras", "tensorflow"):
                raise
            raise CommandError(
                f"--impl keras needs TensorFlow and Keras ({error}); install them with "
                "pip install 'dlbasics[keras]', or use --impl numpy"
            ) from None
    else:
        from .mnist_numpy import train_numpy_mlp

        result = train_numpy_mlp(data, **settings)
    counts = " + ".join(f"{n:,}" for n in result.layer_params)
    print(
        f"\nParameters: {counts} = {sum(result.layer_params):,} "
        f"(the lecture: {LECTURE_TOTAL_PARAMS:,})"
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
def cmd_bench(argv) -> int:
    try:
        bench = importlib.import_module("dlbasics.bench")
    except ModuleNotFoundError as error:
        if error.name != "dlbasics.bench":
            raise
        raise CommandError("dlbasics.bench is missing from this installation") from None
    status = bench.main(list(argv))
    return 0 if status is None else int(status)


# ----------------------------------------------------------------------------------- parser
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
        type=_positive_int,
        default=None,
        help="epochs (default: 1 for the MLP, as in the lecture; the CNN's own)",
    )
    mnist.add_argument("--seed", type=_seed, default=0, help="random seed (default: 0)")
    mnist.add_argument(
        "--validation",
        choices=sorted(VALIDATIONS),
        default=None,
        help="validate on the test set (the lecture, default) or on a hold-out "
        "of the training set (MLP only)",
    )
    mnist.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None,
        help="directory with the MNIST IDX files or mnist.npz "
        "(default: $DLBASICS_MNIST_DIR, the user cache, Keras' download)",
    )
    mnist.add_argument("--quiet", action="store_true", help="no progress bars")
    mnist.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    mnist.set_defaults(handler=cmd_mnist)

    xor = commands.add_parser("xor", help="an MLP learns XOR; prints the truth table")
    xor.add_argument("--seed", type=_seed, default=0, help="random seed (default: 0)")
    xor.add_argument("--epochs", type=_positive_int, default=3000, help="epochs (default: 3000)")
    xor.add_argument(
        "--learning-rate",
        type=_positive_float,
        default=0.5,
        help="SGD learning rate (default: 0.5)",
    )
    xor.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    xor.set_defaults(handler=cmd_xor)

    gates = commands.add_parser("gates", help="one perceptron on AND, OR, NAND and XOR")
    gates.add_argument("--seed", type=_seed, default=0, help="random seed (default: 0)")
    gates.add_argument(
        "--max-epochs",
        type=_positive_int,
        default=100,
        help="give up after this many epochs (default: 100)",
    )
    gates.add_argument(
        "--learning-rate",
        type=_positive_float,
        default=0.1,
        help="perceptron learning rate (default: 0.1)",
    )
    gates.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    gates.set_defaults(handler=cmd_gates)

    commands.add_parser(
        "bench",
        add_help=False,
        help="NumPy vs Keras vs the BLAS floor (options: dlbasics bench --help)",
    )
    return parser


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def main(argv=None) -> int:
    """Run the command line; return the exit status (0 on success)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else None
    try:
        if command == "bench":
            return cmd_bench(argv[1:])
        args = build_parser().parse_args(argv)
        return args.handler(args)
    except CommandError as error:
        status, message = error.status, _one_line(error)
    except (MNISTNotFoundError, MNISTDataError) as error:
        status, message = 2, _one_line(error)
    except KeyboardInterrupt:
        status, message = 130, "interrupted"
    except Exception as error:  # a bug or an environment problem: still one line, no traceback
        status, message = 1, f"{type(error).__name__}: {_one_line(error)}"
    prefix = f"{PROG} {command}" if command and not command.startswith("-") else PROG
    sys.stdout.flush()
    print(f"{prefix}: error: {message}", file=sys.stderr)
    return status
