"""Benchmark: the NumPy trainer against Keras on TensorFlow and against the BLAS floor.

One epoch of the lecture's MNIST model (784 -> Dense 392 tanh -> Dense 10 softmax, RMSprop with
Keras' defaults, batch 128, the 10,000 test images as validation data) is timed three ways, in
one process, on the same float32 arrays:

- **NumPy**: the wall time of :meth:`dlbasics.mlp.MLP.fit` for one epoch: the code the pages use
  (input checks, shuffling, 469 training steps, the validation pass).
- **Keras**: the wall time of ``model.fit`` for one epoch with the same model, data, batch,
  optimizer and validation data. Import, tracing and compilation are left out: the model is
  built and compiled once and warmed up by a ``fit`` on a few batches of every shape the epoch
  uses; every timed epoch then starts from the same fresh weights and optimizer state.
- **The BLAS floor**: the matrix products such an epoch cannot avoid, and nothing else, through
  NumPy's BLAS at the training shapes. Per training step: ``X @ W1`` and ``A1 @ W2`` (forward),
  ``A1.T @ dZ2``, ``dZ2 @ W2.T`` and ``X.T @ dZ1`` (backward; neither trainer computes a
  gradient for the input images); then the forward products over the validation images. Their
  FLOPs are counted analytically (``2 m k n`` for an ``(m, k) @ (k, n)`` product); the rate is
  that count over the measured time. Elementwise work (tanh, softmax, the optimizer) is left out,
  so no trainer can beat the floor on this machine; trainer / floor says how close one comes.

The validation pass is in all three (``fit(validation_data=...)`` runs it in both trainers), so
every ratio compares the same work. Each side is measured ``repeats`` times, interleaved (NumPy,
Keras, floor, NumPy, ...) so that load from other programs hits all three alike, and medians are
compared. The functions return plain dicts, so a page can call them and show the numbers.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import numpy as np

from .. import lecture, run_cache
from .._keras import import_keras, set_global_seed
from .._tables import format_table, markdown_paragraphs
from .._validation import check_int, check_seed
from ..keras_models import build_lecture_model
from ..mlp import MLP
from ..optimizers import get_optimizer
from ._machine import blas_text, environment, machine_busy_seconds

LAYER_SIZES = lecture.LAYER_SIZES
LECTURE_MODEL = f"{lecture.MODEL_TEXT}, RMSprop (Keras defaults), categorical cross-entropy"
VALIDATION_BATCH_SIZE = 10_000  # MLP.predict's batch; FLOPs do not depend on it


# ---------------------------------------------------------------------------- FLOPs, floor
def epoch_flops(n_train: int, n_val: int, layer_sizes=LAYER_SIZES) -> dict[str, int]:
    """Matmul FLOPs of one epoch: ``2 m k n`` for every ``(m, k) @ (k, n)`` product it needs.

    Per training sample, every layer does ``A_prev @ W`` (forward) and ``A_prev.T @ dZ`` (its
    weight gradient), and every layer but the first ``dZ @ W.T`` (the gradient passed down).
    Validation is the forward products only. The batch size does not change the count.
    """
    pairs = list(zip(layer_sizes[:-1], layer_sizes[1:], strict=True))
    forward = sum(2 * n_in * n_out for n_in, n_out in pairs)  # per sample
    weight_gradients = forward
    passed_down = sum(2 * n_in * n_out for n_in, n_out in pairs[1:])
    training = n_train * (forward + weight_gradients + passed_down)
    validation = n_val * forward
    return {"training": training, "validation": validation, "total": training + validation}


def _floor_buffers(layer_sizes, n_rows, rng, dtype):
    """Every array one step's products read or write, preallocated for ``n_rows`` samples."""
    pairs = list(zip(layer_sizes[:-1], layer_sizes[1:], strict=True))
    weights = [rng.uniform(-0.1, 0.1, size=pair).astype(dtype) for pair in pairs]  # (n_in, n_out)
    outputs = [np.empty((n_rows, n_out), dtype) for _, n_out in pairs]  # Z of each layer
    deltas = [rng.normal(size=(n_rows, n_out)).astype(dtype) for _, n_out in pairs]  # dZ
    passed = [np.empty((n_rows, n_in), dtype) for n_in, _ in pairs]  # dA_prev
    weight_grads = [np.empty_like(W) for W in weights]  # dW
    return weights, outputs, deltas, passed, weight_grads


def _floor_epoch(X_train, X_val, batch_size, buffers, val_outputs) -> float:
    """The epoch's products alone, on the real input rows; returns the seconds they took."""
    weights, outputs, deltas, passed, weight_grads = buffers
    start = time.perf_counter()
    for first in range(0, X_train.shape[0], batch_size):
        X = X_train[first : first + batch_size]  # (m, n_in), a view
        m = X.shape[0]
        inputs = [X] + [Z[:m] for Z in outputs[:-1]]  # each layer's A_prev (no activation)
        for A_prev, W, Z in zip(inputs, weights, outputs, strict=True):
            np.matmul(A_prev, W, out=Z[:m])  # (m, n_in) @ (n_in, n_out) -> (m, n_out)
        for layer in reversed(range(len(weights))):
            dZ = deltas[layer][:m]
            # (n_in, m) @ (m, n_out) -> (n_in, n_out)
            np.matmul(inputs[layer].T, dZ, out=weight_grads[layer])
            if layer > 0:  # (m, n_out) @ (n_out, n_in) -> (m, n_in)
                np.matmul(dZ, weights[layer].T, out=passed[layer][:m])
    for first in range(0, X_val.shape[0], VALIDATION_BATCH_SIZE):
        A = X_val[first : first + VALIDATION_BATCH_SIZE]
        m = A.shape[0]
        for W, Z in zip(weights, val_outputs, strict=True):
            A = np.matmul(A, W, out=Z[:m])
    return time.perf_counter() - start


def blas_floor(
    X_train, X_val, *, batch_size: int = lecture.BATCH_SIZE, layer_sizes=LAYER_SIZES, seed=0
) -> dict:
    """Time the matrix products of one epoch (training and validation) and nothing else.

    Returns ``seconds``, ``flops`` (:func:`epoch_flops`) and ``gflop_per_s``, the rate NumPy's
    BLAS reaches at the training shapes. Inputs are the real rows, read batch by batch as a
    trainer reads them; the other operands are random and the outputs preallocated.
    """
    X_train = np.ascontiguousarray(X_train, dtype=np.float32)
    X_val = np.ascontiguousarray(X_val, dtype=np.float32)
    batch_size = check_int("batch_size", batch_size)
    rng = np.random.default_rng(seed)
    buffers = _floor_buffers(layer_sizes, batch_size, rng, np.float32)
    n_val_rows = min(VALIDATION_BATCH_SIZE, X_val.shape[0])
    val_outputs = [np.empty((n_val_rows, n_out), np.float32) for n_out in layer_sizes[1:]]
    seconds = _floor_epoch(X_train, X_val, batch_size, buffers, val_outputs)
    flops = epoch_flops(X_train.shape[0], X_val.shape[0], layer_sizes)
    return {"seconds": seconds, "flops": flops, "gflop_per_s": flops["total"] / seconds / 1e9}


def matmul_rates(
    *, batch_size: int = lecture.BATCH_SIZE, layer_sizes=LAYER_SIZES, calls: int = 50, seed=0
):
    """GFLOP/s of each product one training step does, alone, by shape (median of ``calls``)."""
    rng = np.random.default_rng(seed)
    rows = []
    for layer, (n_in, n_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:], strict=True)):
        A = rng.random((batch_size, n_in), dtype=np.float32)
        W = rng.random((n_in, n_out), dtype=np.float32)
        dZ = rng.random((batch_size, n_out), dtype=np.float32)
        products = [
            (f"A{layer} @ W{layer + 1}", A, W),
            (f"A{layer}.T @ dZ{layer + 1}", A.T, dZ),
        ]
        if layer > 0:
            products.append((f"dZ{layer + 1} @ W{layer + 1}.T", dZ, W.T))
        for name, left, right in products:
            out = np.empty((left.shape[0], right.shape[1]), np.float32)
            times = []
            for _ in range(calls + 5):  # the first five are a warm-up
                start = time.perf_counter()
                np.matmul(left, right, out=out)
                times.append(time.perf_counter() - start)
            seconds = statistics.median(times[5:])
            flops = 2 * left.shape[0] * left.shape[1] * right.shape[1]
            rows.append(
                {
                    "product": name,
                    "shape": f"{left.shape} @ {right.shape}",
                    "microseconds": seconds * 1e6,
                    "gflop_per_s": flops / seconds / 1e9,
                }
            )
    return rows


# ------------------------------------------------------------------------------- trainers
def _history_numbers(history: dict) -> dict[str, float]:
    return {key: float(values[-1]) for key, values in history.items()}


def time_numpy_epoch(train, validation, *, batch_size: int = lecture.BATCH_SIZE, seed=0) -> dict:
    """Train the lecture's model from scratch for one epoch with :class:`~dlbasics.mlp.MLP`.

    ``train`` and ``validation`` are ``(X, Y)`` pairs: float32 ``(n, 784)`` inputs and one-hot
    ``(n, 10)`` targets (:func:`dlbasics.mnist_runs.prepare_data`). Returns ``seconds`` (the whole
    ``fit`` call), ``train_seconds`` (without the validation pass) and the epoch's metrics.
    """
    model = MLP(LAYER_SIZES, lecture.ACTIVATIONS, seed=seed)
    start = time.perf_counter()
    history = model.fit(
        *train,
        optimizer=get_optimizer(lecture.OPTIMIZER),
        batch_size=batch_size,
        n_epochs=1,
        validation_data=validation,
        seed=seed,
        verbose=False,
    )
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "train_seconds": history.epoch_seconds[0],
        **_history_numbers(history.history),
    }


BREAKDOWN_PARTS = (
    "gather rows",
    "forward",
    "loss and accuracy",
    "backward",
    "optimizer",
    "validation",
)


def epoch_breakdown(train, validation, *, batch_size: int = lecture.BATCH_SIZE, seed=0) -> dict:
    """Where one NumPy epoch's time goes: :meth:`MLP.fit`'s steps, each timed on its own.

    The loop is ``fit``'s: for each batch, gather its shuffled rows, run the forward pass (the
    matmuls and the activations), the loss and accuracy bookkeeping, backpropagation (the matmuls
    and the activations' derivatives) and the optimizer's in-place update; then the validation
    pass. Returns ``seconds`` per part and their ``total``. Compare ``forward + backward +
    validation`` with the BLAS floor: the rest is elementwise work on one core.
    """
    X, Y = train
    model = MLP(LAYER_SIZES, lecture.ACTIVATIONS, seed=seed)
    optimizer, params = get_optimizer(lecture.OPTIMIZER), model.params
    order = np.random.default_rng(seed).permutation(X.shape[0])
    seconds = dict.fromkeys(BREAKDOWN_PARTS, 0.0)
    clock = time.perf_counter
    for first in range(0, X.shape[0], batch_size):
        t0 = clock()
        rows = order[first : first + batch_size]
        X_batch, Y_batch = X[rows], Y[rows]
        t1 = clock()
        output, cache = model._forward(X_batch)
        t2 = clock()
        _ = model.loss.value(output, Y_batch), model._n_correct(output, Y_batch)
        t3 = clock()
        grads = model._backward(cache, Y_batch)
        t4 = clock()
        optimizer.step(params, grads)
        t5 = clock()
        for part, (begin, end) in zip(
            BREAKDOWN_PARTS, ((t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5)), strict=False
        ):
            seconds[part] += end - begin
    start = clock()
    model._evaluate(*validation)
    seconds["validation"] = clock() - start
    return {"seconds": seconds, "total": sum(seconds.values())}


class KerasEpoch:
    """The lecture's Keras model, built, compiled and warmed up once; :meth:`time` times an epoch.

    The warm-up ``fit`` runs batches of every shape the real epoch has (full batches and the
    last, shorter ones of the training and the validation data), so no tracing is left for the
    timed epochs. Each timed epoch restores the initial weights and optimizer state and reseeds
    the shuffle, so every repeat does the same work.
    """

    def __init__(self, train, validation, *, batch_size: int = lecture.BATCH_SIZE, seed=0):
        import_keras()
        self.train, self.validation = train, validation
        self.batch_size = check_int("batch_size", batch_size)
        self.seed = seed
        start = time.perf_counter()
        self.model = build_lecture_model(seed)
        self.model.optimizer.build(self.model.trainable_variables)
        self._weights = self.model.get_weights()
        self._optimizer_state = [v.numpy() for v in self.model.optimizer.variables]
        self.model.fit(
            *(self._warm_up_slice(array) for array in train),
            batch_size=batch_size,
            epochs=1,
            validation_data=tuple(self._warm_up_slice(array) for array in validation),
            verbose=0,
        )
        self.warm_up_seconds = time.perf_counter() - start

    def _warm_up_slice(self, array):
        """One full batch plus a batch as short as the epoch's last: every shape, few samples."""
        remainder = array.shape[0] % self.batch_size or self.batch_size
        return array[: self.batch_size + remainder]

    def time(self) -> dict:
        """One timed epoch from the initial weights: ``seconds`` of ``fit`` and its metrics."""
        self.model.set_weights(self._weights)
        for variable, value in zip(
            self.model.optimizer.variables, self._optimizer_state, strict=True
        ):
            variable.assign(value)
        set_global_seed(self.seed)
        start = time.perf_counter()
        history = self.model.fit(
            *self.train,
            batch_size=self.batch_size,
            epochs=1,
            validation_data=self.validation,
            verbose=0,
        )
        seconds = time.perf_counter() - start
        return {"seconds": seconds, **_history_numbers(history.history)}


# ------------------------------------------------------------------------------ the run
def _median_summary(runs: list[dict]) -> dict:
    seconds = [run["seconds"] for run in runs]
    summary = {
        "median_seconds": statistics.median(seconds),
        "best_seconds": min(seconds),
        "seconds": seconds,
    }
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        if key in runs[0]:
            summary[key] = statistics.median(run[key] for run in runs)
    return summary


def run(
    train,
    validation,
    *,
    repeats: int = 3,
    batch_size: int = lecture.BATCH_SIZE,
    seed=0,
    blas_threads: int | None = None,
    log=None,
    cache_dir=False,
) -> dict:
    """The whole benchmark: ``repeats`` interleaved rounds of NumPy, Keras and the floor.

    ``blas_threads`` limits NumPy's BLAS threads (the trainer and the floor alike) through
    threadpoolctl; None keeps BLAS' default, one thread per core. Returns a JSON-able dict:
    settings, FLOPs, per-side medians and runs, the ratios, the per-product matmul rates, where the
    NumPy epoch's time goes (:func:`epoch_breakdown`) and the environment (BLAS threads, load
    averages before and after).

    ``cache_dir`` keeps the result in :mod:`dlbasics.run_cache` (None: the ``DLBASICS_RUN_CACHE``
    folder), so the Korean and English pages show one measurement. The default, False, measures
    every time, as ``make bench`` must.
    """
    settings = {
        "repeats": check_int("repeats", repeats),
        "batch_size": check_int("batch_size", batch_size),
        "seed": check_seed("seed", seed),
        "blas_threads": None if blas_threads is None else check_int("blas_threads", blas_threads),
    }

    def measure() -> dict:
        return _run_with_threads(train, validation, log=log, **settings)

    if cache_dir is False:
        return measure()
    arguments = {"train": list(train), "validation": list(validation), **settings}
    result, _ = run_cache.memoize("bench", arguments, measure, cache_dir=cache_dir)
    return result


def _run_with_threads(train, validation, *, blas_threads, **settings) -> dict:
    if blas_threads is None:
        return _run(train, validation, **settings)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=blas_threads, user_api="blas"):
        return _run(train, validation, **settings)


def _run(train, validation, *, repeats, batch_size, seed, log) -> dict:
    log = log or (lambda message: print(message, file=sys.stderr, flush=True))
    load_before = list(os.getloadavg())
    # To tell how much of the machine other programs took while we measured: all CPU time used
    # on the machine minus this process's own (its BLAS and TensorFlow threads included).
    start, busy_before, own_before = (
        time.perf_counter(),
        machine_busy_seconds(),
        time.process_time(),
    )
    log("warming up: a short NumPy fit, then Keras (import, build, compile, a short fit) ...")
    short = tuple(array[: 8 * batch_size] for array in train)
    time_numpy_epoch(short, short, batch_size=batch_size, seed=seed)
    keras_epoch = KerasEpoch(train, validation, batch_size=batch_size, seed=seed)
    log(f"  Keras warm-up took {keras_epoch.warm_up_seconds:.1f} s (not counted)")

    runs = {"numpy": [], "keras": [], "floor": []}
    for round_ in range(1, repeats + 1):
        runs["numpy"].append(time_numpy_epoch(train, validation, batch_size=batch_size, seed=seed))
        runs["keras"].append(keras_epoch.time())
        runs["floor"].append(blas_floor(train[0], validation[0], batch_size=batch_size, seed=seed))
        log(
            f"round {round_}/{repeats}: NumPy {runs['numpy'][-1]['seconds']:.3f} s, "
            f"Keras {runs['keras'][-1]['seconds']:.3f} s, "
            f"floor {runs['floor'][-1]['seconds']:.3f} s"
        )

    results = {
        "model": LECTURE_MODEL,
        "settings": {
            "batch_size": batch_size,
            "seed": seed,
            "repeats": repeats,
            "n_train": int(train[0].shape[0]),
            "n_validation": int(validation[0].shape[0]),
            "timed": "one epoch of fit, validation pass included; Keras without import, "
            "tracing and compilation",
        },
        "flops": epoch_flops(train[0].shape[0], validation[0].shape[0]),
        "numpy": _median_summary(runs["numpy"]),
        "keras": {**_median_summary(runs["keras"]), "warm_up_seconds": keras_epoch.warm_up_seconds},
        "floor": _median_summary(runs["floor"]),
        "matmul_rates": matmul_rates(batch_size=batch_size, seed=seed),
        "numpy_breakdown": epoch_breakdown(train, validation, batch_size=batch_size, seed=seed),
    }
    train_seconds = [r["train_seconds"] for r in runs["numpy"]]  # fit without the validation
    results["numpy"].update(
        train_seconds=train_seconds, median_train_seconds=statistics.median(train_seconds)
    )
    results["floor"]["gflop_per_s"] = (
        results["flops"]["total"] / results["floor"]["median_seconds"] / 1e9
    )
    results["ratios"] = _ratios(results, runs)
    busy_after, own_after = machine_busy_seconds(), time.process_time()
    capacity = (time.perf_counter() - start) * (os.cpu_count() or 1)
    results["environment"] = {
        **environment(),
        "load_average_before": load_before,
        "load_average_after": list(os.getloadavg()),
        # The share of all CPUs' time that other programs used during the run (None: unknown).
        "other_programs_cpu_share": None
        if busy_before is None
        else max(0.0, (busy_after - busy_before) - (own_after - own_before)) / capacity,
    }
    del results["environment"]["load_average"]
    return results


def _ratios(results: dict, runs: dict) -> dict:
    """NumPy / Keras, NumPy / floor and Keras / floor, from medians, best rounds and per round."""
    numpy_, keras, floor = (results[side] for side in ("numpy", "keras", "floor"))
    return {
        "numpy_over_keras": numpy_["median_seconds"] / keras["median_seconds"],
        "numpy_over_floor": numpy_["median_seconds"] / floor["median_seconds"],
        "keras_over_floor": keras["median_seconds"] / floor["median_seconds"],
        # Each side's fastest round: closest to a quiet machine when others share the cores.
        "numpy_over_keras_best": numpy_["best_seconds"] / keras["best_seconds"],
        "numpy_over_floor_best": numpy_["best_seconds"] / floor["best_seconds"],
        # The same ratios round by round (each from runs seconds apart), for the spread.
        "numpy_over_keras_by_round": [
            n["seconds"] / k["seconds"] for n, k in zip(runs["numpy"], runs["keras"], strict=True)
        ],
        "numpy_over_floor_by_round": [
            n["seconds"] / f["seconds"] for n, f in zip(runs["numpy"], runs["floor"], strict=True)
        ],
    }


def table_rows(results: dict) -> list[list[str]]:
    """The summary table (header first): seconds per epoch, val_accuracy, x floor, x Keras."""
    floor = results["floor"]["median_seconds"]
    keras_seconds = results["keras"]["median_seconds"]
    env = results["environment"]
    rows = [["", "s / epoch (median)", "best", "val_accuracy", "x floor", "x Keras"]]
    for label, key in (
        (f"NumPy {env['numpy']} (dlbasics.mlp)", "numpy"),
        (f"Keras {env.get('keras', '?')} / TensorFlow {env.get('tensorflow', '?')}", "keras"),
    ):
        side = results[key]
        rows.append(
            [
                label,
                f"{side['median_seconds']:.3f}",
                f"{side['best_seconds']:.3f}",
                f"{side['val_accuracy']:.4f}",
                f"{side['median_seconds'] / floor:.2f}",
                f"{side['median_seconds'] / keras_seconds:.2f}",
            ]
        )
    rows.append(
        [
            f"BLAS floor ({results['flops']['total'] / floor / 1e9:.0f} GFLOP/s)",
            f"{floor:.3f}",
            f"{results['floor']['best_seconds']:.3f}",
            "-",
            "1.00",
            f"{floor / keras_seconds:.2f}",
        ]
    )
    return rows


def _others_text(env) -> str:
    share = env.get("other_programs_cpu_share")
    if share is None:
        return f"load average {env['load_average_before'][0]:.2f} before the run"
    return f"other programs used {share:.0%} of the CPUs during the run"


def _was_busy(env) -> bool:
    """Other programs took more than 10% of the CPUs (or, where that is unknown, the load
    average before the run exceeded half the CPUs)."""
    share = env.get("other_programs_cpu_share")
    if share is not None:
        return share > 0.10
    return env["load_average_before"][0] > 0.5 * (env["cpu_count"] or 1)


def breakdown_text(breakdown: dict) -> str:
    """One line: the seconds of each part of a NumPy epoch, largest first (:func:`epoch_breakdown`)."""
    parts = sorted(breakdown["seconds"].items(), key=lambda item: -item[1])
    listed = ", ".join(f"{part} {seconds:.3f} s" for part, seconds in parts)
    return (
        f"Where a NumPy epoch goes (each step timed, {breakdown['total']:.3f} s in all): {listed}"
    )


def report(results: dict, *, markdown: bool = False) -> str:
    """The table with a line of context above and the two headline ratios below."""
    settings, flops, env = results["settings"], results["flops"], results["environment"]
    ratios = results["ratios"]
    head = (
        f"One MNIST epoch of {results['model']}, batch {settings['batch_size']}, "
        f"{settings['n_train']:,} training + {settings['n_validation']:,} validation images "
        f"(validation pass included); median of {settings['repeats']} interleaved rounds.\n"
        f"Matmul work per epoch: {flops['total'] / 1e9:.1f} GFLOP "
        f"({flops['training'] / 1e9:.1f} training + {flops['validation'] / 1e9:.1f} validation). "
        f"Machine: {env['cpu']}, {env['cpu_count']} CPUs, {blas_text(env['blas'])}; "
        f"{_others_text(env)}."
    )
    tail = (
        f"NumPy / TensorFlow = {ratios['numpy_over_keras']:.2f}, "
        f"NumPy / floor = {ratios['numpy_over_floor']:.2f} (medians; from each side's best "
        f"round: {ratios['numpy_over_keras_best']:.2f} and {ratios['numpy_over_floor_best']:.2f})"
    )
    if "numpy_breakdown" in results:
        tail += "\n" + breakdown_text(results["numpy_breakdown"])
    if _was_busy(env):
        tail += (
            f"\nThe machine was busy ({_others_text(env)}): other programs shared the cores, "
            "so these times are not this code's own."
        )
        threads = [p["num_threads"] for p in env["blas"] if isinstance(p, dict)]
        if any(n > 1 for n in threads):
            tail += (
                " Rerun on a quiet machine, or with --blas-threads 1 so that OpenBLAS' threads "
                "do not wait on each other (the floor is then one core's, too)."
            )
    text = f"{head}\n\n{format_table(table_rows(results), markdown=markdown)}\n\n{tail}"
    return markdown_paragraphs(text) if markdown else text
