"""The NumPy-vs-Keras benchmark's bookkeeping (not its timings): FLOPs, the floor, the report.

Timing is never asserted here; `make bench` measures. What is checked is that the floor does
exactly the products :func:`dlbasics.bench.numpy_vs_keras.epoch_flops` counts, that the count
matches the lecture model's arithmetic done by hand, and that the functions a page calls return
what they say. The command line is tested in tests/test_cli.py.
"""

import json

import numpy as np
import pytest

import dlbasics.bench
from dlbasics.bench import numpy_vs_keras as bench

from ._support import require

SIZES = (12, 9, 7, 4)


def test_epoch_flops_of_the_lecture_model_by_hand():
    flops = bench.epoch_flops(60_000, 10_000)
    # Per sample: forward 784*392 + 392*10 multiply-adds, the same again for dW1 and dW2, and
    # 10*392 for dZ2 @ W2.T (no input gradient); two FLOPs per multiply-add.
    per_sample = 2 * (784 * 392 + 392 * 10) * 2 + 2 * 10 * 392
    assert per_sample == 1_252_832
    assert flops["training"] == 60_000 * per_sample  # 75.2 GFLOP
    assert flops["validation"] == 10_000 * 2 * (784 * 392 + 392 * 10)  # 6.2 GFLOP
    assert flops["total"] == flops["training"] + flops["validation"]


class _CountingNumpy:
    """Stands in for numpy inside the benchmark: counts 2 m k n for every np.matmul."""

    def __init__(self):
        self.flops = 0

    def matmul(self, a, b, out=None):
        self.flops += 2 * a.shape[0] * a.shape[1] * b.shape[1]
        return np.matmul(a, b, out=out)

    def __getattr__(self, name):
        return getattr(np, name)


@pytest.mark.parametrize(("n_train", "batch_size"), [(300, 32), (256, 64), (5, 128)])
def test_the_floor_does_exactly_the_counted_products(monkeypatch, n_train, batch_size):
    rng = np.random.default_rng(0)
    X_train = rng.random((n_train, SIZES[0]), dtype=np.float32)
    X_val = rng.random((37, SIZES[0]), dtype=np.float32)
    counting = _CountingNumpy()
    monkeypatch.setattr(bench, "np", counting)
    result = bench.blas_floor(X_train, X_val, batch_size=batch_size, layer_sizes=SIZES)
    assert counting.flops == bench.epoch_flops(n_train, 37, SIZES)["total"]
    assert result["flops"]["total"] == counting.flops
    assert result["seconds"] > 0
    assert result["gflop_per_s"] == pytest.approx(counting.flops / result["seconds"] / 1e9)


def test_the_floor_leaves_its_inputs_alone():
    rng = np.random.default_rng(1)
    X_train, X_val = rng.random((100, 784), dtype=np.float32), rng.random((20, 784), np.float32)
    before = X_train.copy(), X_val.copy()
    bench.blas_floor(X_train, X_val, batch_size=32)
    np.testing.assert_array_equal(X_train, before[0])
    np.testing.assert_array_equal(X_val, before[1])


def test_matmul_rates_name_every_product_of_a_step():
    rows = bench.matmul_rates(batch_size=16, layer_sizes=SIZES, calls=3)
    assert [row["product"] for row in rows] == [
        "A0 @ W1",
        "A0.T @ dZ1",
        "A1 @ W2",
        "A1.T @ dZ2",
        "dZ2 @ W2.T",
        "A2 @ W3",
        "A2.T @ dZ3",
        "dZ3 @ W3.T",
    ]
    assert rows[0]["shape"] == "(16, 12) @ (12, 9)"
    assert all(row["gflop_per_s"] > 0 for row in rows)


def _digits(n, seed):
    """Random 'images' and one-hot labels with the lecture model's shapes."""
    rng = np.random.default_rng(seed)
    X = rng.random((n, 784), dtype=np.float32)
    Y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, size=n)]
    return X, Y


def test_time_numpy_epoch_trains_one_epoch_of_the_lecture_model():
    result = bench.time_numpy_epoch(_digits(300, 0), _digits(50, 1), batch_size=64, seed=0)
    assert result["seconds"] >= result["train_seconds"] > 0
    assert set(result) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    again = bench.time_numpy_epoch(_digits(300, 0), _digits(50, 1), batch_size=64, seed=0)
    assert again["val_loss"] == result["val_loss"]  # same seed, same work


def test_keras_epochs_restart_from_the_same_weights():
    require("keras")
    epoch = bench.KerasEpoch(_digits(200, 0), _digits(40, 1), batch_size=64, seed=0)
    first, second = epoch.time(), epoch.time()
    assert first["val_loss"] == pytest.approx(second["val_loss"], rel=1e-5)
    assert first["loss"] == pytest.approx(second["loss"], rel=1e-5)
    assert epoch.warm_up_seconds > 0


def fake_results():
    """A results dict of the shape run() returns, with made-up numbers, for the report."""
    side = {"median_seconds": 1.0, "best_seconds": 0.9, "seconds": [1.0], "val_accuracy": 0.94}
    return {
        "model": "m",
        "settings": {"batch_size": 128, "repeats": 3, "n_train": 60_000, "n_validation": 10_000},
        "flops": bench.epoch_flops(60_000, 10_000),
        "numpy": {**side, "median_seconds": 0.8},
        "keras": {**side, "median_seconds": 3.2},
        "floor": {"median_seconds": 0.5, "best_seconds": 0.45, "seconds": [0.5]},
        "ratios": {
            "numpy_over_keras": 0.25,
            "numpy_over_floor": 1.6,
            "numpy_over_keras_best": 0.3,
            "numpy_over_floor_best": 1.5,
        },
        "environment": {
            "cpu": "cpu",
            "cpu_count": 2,
            "numpy": "2",
            "keras": "3",
            "tensorflow": "2",
            "blas": [{"internal_api": "openblas", "version": "0.3", "num_threads": 2, "arch": "x"}],
            "load_average_before": [1.5, 0, 0],
            "load_average_after": [2.0, 0, 0],
            "other_programs_cpu_share": 0.3,
        },
    }


def test_report_shows_seconds_accuracy_and_both_ratios():
    text = bench.report(fake_results())
    assert "NumPy / TensorFlow = 0.25, NumPy / floor = 1.60 (medians" in text
    assert "best round: 0.30 and 1.50)" in text
    numpy_row = next(line for line in text.splitlines() if line.startswith("NumPy 2"))
    assert numpy_row.split()[-5:] == ["0.800", "0.900", "0.9400", "1.60", "0.25"]
    floor_row = next(
        line for line in text.splitlines() if line.startswith("BLAS floor (163 GFLOP/s)")
    )
    assert floor_row.split()[-5:] == ["0.500", "0.450", "-", "1.00", "0.16"]
    assert "openblas 0.3 with 2 thread(s)" in text
    assert "machine was busy (other programs used 30% of the CPUs during the run)" in text
    assert "--blas-threads 1" in text
    one_thread = fake_results()
    one_thread["environment"]["blas"][0]["num_threads"] = 1
    assert "--blas-threads 1" not in bench.report(one_thread)


@pytest.mark.parametrize(
    ("share", "load", "busy"),
    [(0.3, 0.2, True), (0.05, 1.5, False), (None, 1.5, True), (None, 0.2, False)],
)
def test_report_says_when_other_programs_shared_the_machine(share, load, busy):
    results = fake_results()
    results["environment"].update(other_programs_cpu_share=share, load_average_before=[load, 0, 0])
    assert ("machine was busy" in bench.report(results)) == busy


def test_run_end_to_end_on_random_digits():
    """run() on a few random 'digits': every side measured each round, ratios from the medians."""
    require("keras")
    results = bench.run(_digits(256, 0), _digits(64, 1), repeats=2, batch_size=64, log=print)
    for side in ("numpy", "keras", "floor"):
        assert len(results[side]["seconds"]) == 2
        assert results[side]["best_seconds"] == min(results[side]["seconds"])
    ratios = results["ratios"]
    assert ratios["numpy_over_keras"] == pytest.approx(
        results["numpy"]["median_seconds"] / results["keras"]["median_seconds"]
    )
    assert ratios["numpy_over_floor"] == pytest.approx(
        results["numpy"]["median_seconds"] / results["floor"]["median_seconds"]
    )
    assert results["flops"] == bench.epoch_flops(256, 64)
    assert (
        results["numpy"]["val_accuracy"]
        == bench.time_numpy_epoch(_digits(256, 0), _digits(64, 1), batch_size=64)["val_accuracy"]
    )
    env = results["environment"]
    assert env["other_programs_cpu_share"] is None or env["other_programs_cpu_share"] >= 0
    assert env["keras"] and env["tensorflow"]
    json.dumps(results)  # JSON-able as it is


@pytest.mark.parametrize("setting", ["repeats", "batch_size", "blas_threads"])
def test_bad_counts_are_refused_before_anything_is_measured(setting):
    with pytest.raises(ValueError, match=f"{setting} must be >= 1, got 0"):
        bench.run(_digits(8, 0), _digits(4, 1), **{setting: 0})
    with pytest.raises(ValueError, match="seed must be >= 0, got -1"):
        bench.run(_digits(8, 0), _digits(4, 1), seed=-1)


def test_epoch_breakdown_times_every_step_of_an_epoch():
    train, validation = _digits(300, 0), _digits(50, 1)
    breakdown = bench.epoch_breakdown(train, validation, batch_size=64, seed=0)
    assert list(breakdown["seconds"]) == list(bench.BREAKDOWN_PARTS)
    assert all(seconds > 0 for seconds in breakdown["seconds"].values())
    assert breakdown["total"] == pytest.approx(sum(breakdown["seconds"].values()))
    line = bench.breakdown_text(breakdown)
    assert line.startswith("Where a NumPy epoch goes") and all(
        part in line for part in bench.BREAKDOWN_PARTS
    )


def test_the_package_keeps_the_page_import_path():
    """The numpy-mlp page calls ``from dlbasics import bench; bench.run(...)``."""
    assert dlbasics.bench.run is bench.run and dlbasics.bench.report is bench.report


def test_run_with_a_cache_dir_measures_once(tmp_path):
    """The pages pass cache_dir: the second language reads the first one's measurement."""
    require("keras")
    calls = []
    first = bench.run(
        _digits(128, 0), _digits(32, 1), repeats=1, batch_size=64, log=calls.append,
        cache_dir=tmp_path,
    )  # fmt: skip
    assert calls, "the first call measures (and logs its rounds)"
    calls.clear()
    second = bench.run(
        _digits(128, 0), _digits(32, 1), repeats=1, batch_size=64, log=calls.append,
        cache_dir=tmp_path,
    )  # fmt: skip
    assert calls == [] and second == first
