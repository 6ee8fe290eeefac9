"""Our CNN against keras-io's convnet (dlbasics.bench.cnn_vs_keras_io): the bookkeeping.

No timing or accuracy is asserted here: `make bench-cnn` measures. What is checked is the ratio
and the report on made-up results, one end-to-end run on a small synthetic digit set, the study's
variants (each builds what its name says) and that the study never evaluates the test set.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlbasics import cnn
from dlbasics.bench import cnn_vs_keras_io as cnn_bench

from ._support import require, synthetic_digits

# Keras models built and trained (seconds each): make test runs them, make test-fast does not.
pytestmark = pytest.mark.tensorflow


@pytest.fixture(scope="module")
def keras():
    require("tensorflow")
    return require("keras")


def fake_results(ours_seconds=(13.0, 26.0), reference_seconds=None, reference_reached=True):
    reference_seconds = reference_seconds or [9.8 * (i + 1) for i in range(8)]
    reference_accuracy = [0.9732, 0.9813, 0.9864, 0.9882, 0.9891, 0.9894, 0.9898, 0.9900]
    if not reference_reached:
        reference_accuracy[-1] = 0.9899
    ours = {
        "test_accuracy": [0.9885, 0.9921],
        "fit_seconds_per_epoch": list(ours_seconds),
        "fit_seconds": ours_seconds[-1],
    }
    reference = {
        "test_accuracy": reference_accuracy,
        "fit_seconds_per_epoch": reference_seconds,
        "fit_seconds": reference_seconds[-1],
    }
    summaries = {
        name: cnn_bench._summary(name, {**run, "n_params": 1}, cnn.TARGET_ACCURACY)
        for name, run in (("ours", ours), ("reference", reference))
    }
    ratio, kind = cnn_bench._ratio(summaries["ours"], summaries["reference"])
    return {
        "settings": {
            "seed": 0, "target": 0.99, "max_ratio": 0.75, "batch_size": 128,
            "n_train": 54_000, "n_validation": 6_000, "n_test": 10_000,
        },
        "environment": {
            "cpu": "test cpu", "cpu_count": 2, "load_average": [0.1, 0, 0],
            "load_average_after": [1.0, 0, 0],
        },
        **summaries,
        "ratio": ratio,
        "ratio_kind": kind,
        "passed": ratio is not None and ratio <= 0.75,
    }  # fmt: skip


def test_ratio_is_time_to_target_of_ours_over_the_reference():
    results = fake_results()
    assert results["ours"]["epochs_to_target"] == 2
    assert results["reference"]["epochs_to_target"] == 8
    assert results["ratio"] == pytest.approx(26.0 / 78.4) and results["passed"]
    slow = fake_results(ours_seconds=(40.0, 60.0))
    assert slow["ratio"] == pytest.approx(60.0 / 78.4) and not slow["passed"]
    never = fake_results(reference_reached=False)
    assert never["reference"]["seconds_to_target"] is None
    assert never["ratio"] == pytest.approx(26.0 / 78.4) and "upper bound" in never["ratio_kind"]


def test_report_shows_every_epoch_and_the_verdict():
    text = cnn_bench.report(fake_results())
    assert "0.9732" in text and "78.4" in text and "0.9921" in text
    assert "ours / reference = 0.33" in text and "PASSED" in text
    rows = cnn_bench.table_rows(fake_results())
    assert len(rows) == 1 + 8 and rows[3][1:3] == ["", ""]  # ours stopped after 2 epochs
    assert "FAILED" in cnn_bench.report(fake_results(ours_seconds=(40.0, 60.0)))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"seed": -1}, "seed must be >= 0, got -1"),
        ({"epochs": 0}, "epochs must be >= 1, got 0"),
        ({"max_reference_epochs": 0}, "max_reference_epochs must be >= 1, got 0"),
    ],
)
def test_benchmark_rejects_bad_settings_before_training(settings, message):
    with pytest.raises(ValueError, match=message):
        cnn_bench.run_benchmark(synthetic_digits(), **settings)


def test_benchmark_end_to_end_on_synthetic_data(keras):
    data = synthetic_digits(n_train=256, n_test=64)
    results = cnn_bench.run_benchmark(data, epochs=1, max_reference_epochs=2, verbose=False)
    assert results["passed"] == (results["ratio"] is not None and results["ratio"] <= 0.75)
    assert results["settings"]["n_train"] == 231 and results["settings"]["n_validation"] == 25
    assert results["ours"]["epochs_run"] == 1 and 1 <= results["reference"]["epochs_run"] <= 2
    for name in ("ours", "reference"):
        model = results[name]
        assert len(model["test_accuracy"]) == model["epochs_run"]
        assert set(model["history"]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert results["ours"]["n_params"] == 35_114 and results["reference"]["n_params"] == 34_826
    assert "reference" in cnn_bench.report(results)
    json.dumps(results)  # JSON-able as it is, for `make bench-cnn`'s file


def test_study_variants_build_what_they_say(keras):
    ours = cnn_bench.variant_model(cnn_bench.VARIANTS["ours"], cnn.STEPS_PER_EPOCH)
    built = cnn.build_cnn()
    assert [layer.get_config() | {"name": ""} for layer in ours.layers] == [
        layer.get_config() | {"name": ""} for layer in built.layers
    ]
    assert ours.optimizer._learning_rate.get_config() == built.optimizer._learning_rate.get_config()
    slow_bn = cnn_bench.variant_model(cnn_bench.VARIANTS["ours, BN momentum 0.99"], 10)
    assert slow_bn.get_layer("bn1").momentum == 0.99 and built.get_layer("bn1").momentum == 0.9
    keras_io = cnn_bench.variant_model(cnn_bench.VARIANTS["keras-io"], 10)
    assert keras_io.count_params() == cnn_bench.build_reference_convnet().count_params()
    assert float(keras_io.optimizer.learning_rate) == pytest.approx(0.001)
    three = cnn_bench.variant_model(cnn_bench.VARIANTS["ours, 3 epochs"], 10)
    assert three.optimizer._learning_rate.total_steps == 30


def test_recorded_evidence_covers_every_variant_and_backs_the_docstring():
    evidence = cnn_bench.VALIDATION_EVIDENCE
    assert list(evidence) == list(cnn_bench.VARIANTS)
    for name, runs in evidence.items():
        assert len(runs) == len(cnn_bench.EVIDENCE_SEEDS)
        assert all(len(run) == cnn_bench.VARIANTS[name]["epochs"] for run in runs)

    def mean(name, epoch=-1):
        return round(float(np.mean([run[epoch] for run in evidence[name]])), 4)

    stated = {  # the module docstring's numbers
        "keras-io": 0.9849,
        "keras-io + schedule": 0.9904,
        "BN, constant 0.001": 0.9892,
        "ours": 0.9925,
        "ours, peak 0.003": 0.9910,
        "ours, 1 epoch": 0.9899,
        "ours, 3 epochs": 0.9922,
        "ours, BN momentum 0.99": 0.9924,
    }
    assert {name: mean(name) for name in stated} == stated
    assert (mean("ours", 0), mean("ours, BN momentum 0.99", 0)) == (0.9885, 0.9827)
    assert min(run[-1] for run in evidence["ours"]) == 0.9923
    for name in stated:  # ours (2 epochs) is the best variant on validation
        assert mean("ours") >= mean(name)
    for number in ("0.9849", "0.9904", "0.9892", "0.9925", "0.9923", "0.9910", "0.9899"):
        assert number in cnn_bench.__doc__


def test_validation_study_never_evaluates_the_test_set(keras, monkeypatch):
    data = synthetic_digits(n_train=256, n_test=64)
    calls = []
    original = cnn_bench.fit_and_track

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(cnn_bench, "fit_and_track", spy)
    monkeypatch.setitem(cnn_bench.VARIANTS, "tiny", {**cnn_bench.VARIANTS["ours"], "epochs": 1})
    rows = cnn_bench.validation_study(data, variants=["tiny"], seeds=[0])
    assert [row["variant"] for row in rows] == ["tiny"] and len(rows[0]["val_accuracy"]) == 1
    assert calls and all(call.get("test") is None for call in calls)
    with pytest.raises(ValueError, match="unknown variants"):
        cnn_bench.validation_study(data, variants=["nope"])
