"""The CNN (dlbasics.cnn) and its learning-rate schedule (dlbasics.schedules).

Fast tests build the model, check the schedule against an independent formula and run the
training code on a small synthetic digit set (no accuracy claim). The ``slow`` test trains our
CNN with its default schedule on the real MNIST and checks the 99 % claim. The benchmark against
keras-io's convnet is tested in tests/test_bench_cnn_vs_keras_io.py.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from dlbasics import _keras, cnn
from dlbasics.cnn import CNNResult, learning_rate_at, prepare_images, split_data, train_cnn

from ._support import require, synthetic_digits

# Keras models built and trained (seconds each): make test runs them, make test-fast does not.
pytestmark = pytest.mark.tensorflow


@pytest.fixture(scope="module")
def keras():
    require("tensorflow")
    return require("keras")


# ------------------------------------------------------------------------------- data
def test_prepare_images_adds_a_channel_and_scales_without_touching_the_input():
    images = np.arange(2 * 28 * 28, dtype=np.int64).reshape(2, 28, 28) % 256
    images = images.astype(np.uint8)
    before = images.copy()
    x = prepare_images(images)
    assert x.shape == (2, 28, 28, 1) and x.dtype == np.float32
    np.testing.assert_allclose(x[..., 0], before / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(images, before)


@pytest.mark.parametrize(
    ("images", "error", "message"),
    [
        (np.zeros((2, 784), np.uint8), ValueError, "images must be 3-D"),
        (np.zeros((2, 28, 28), np.float32), TypeError, "images must be uint8"),
    ],
)
def test_prepare_images_rejects_bad_input(images, error, message):
    with pytest.raises(error, match=message):
        prepare_images(images)


def test_split_holds_out_the_last_tenth_as_keras_validation_split_does():
    (x, y), test = synthetic_digits(n_train=105, n_test=7)
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = split_data(((x, y), test))
    n_train = math.ceil(105 * 0.9)  # keras: split_at = ceil(n * (1 - validation_split)) = 95
    assert (len(x_train), len(x_val), len(x_test)) == (n_train, 105 - n_train, 7)
    np.testing.assert_array_equal(x_val[..., 0], x[n_train:] / np.float32(255))
    np.testing.assert_array_equal(y_val, y[n_train:])
    assert y_train.dtype == np.int64 and x_train.shape[1:] == (28, 28, 1)
    # MNIST's sizes: 54,000 to train on, 6,000 to validate on (the arrays need not be real)
    zeros = np.zeros((60_000, 28, 28), np.uint8), np.zeros(60_000, np.uint8)
    train, validation, _ = split_data((zeros, test))
    assert (len(train[0]), len(validation[0])) == (54_000, 6_000)
    assert cnn.epoch_steps(54_000) == cnn.STEPS_PER_EPOCH == 422


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        ("mnist", TypeError, r"data must be \(\(x_train, y_train\), \(x_test, y_test\)\)"),
        (((np.zeros((5, 28, 28), np.uint8), np.zeros(4, np.uint8)),) * 2, ValueError,
         "y_train must have one label per image, got 4 labels for 5 images"),
        (((np.zeros((5, 28, 28), np.uint8), np.full(5, 10)),) * 2, ValueError,
         r"y_train must be in \[0, 9\], got values from 10 to 10"),
        (((np.zeros((5, 28, 28), np.uint8), np.zeros(5, np.float32)),) * 2, TypeError,
         "y_train must be integers"),
        (((np.zeros((9, 28, 28), np.uint8), np.zeros(9, np.uint8)),) * 2, ValueError,
         "x_train must hold at least 10 images"),
        (((np.zeros((5, 784), np.uint8), np.zeros(5, np.uint8)),) * 2, ValueError,
         r"x_train must be 3-D \(n_samples, height, width\), got shape \(5, 784\)"),
        (((np.zeros((5, 28, 28), np.uint8), np.zeros(5, np.uint8)),
          (np.zeros((5, 28, 28), np.float64), np.zeros(5, np.uint8))), TypeError,
         "x_test must be uint8 pixels 0-255"),
    ],
)  # fmt: skip
def test_bad_data_is_refused_with_a_message_naming_the_rule(data, error, message):
    with pytest.raises(error, match=message):
        split_data(data)
    with pytest.raises(error, match=message):
        train_cnn(data, cache_dir=False)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"epochs": 0}, ValueError, "epochs must be >= 1, got 0"),
        ({"epochs": 1.5}, TypeError, "epochs must be an integer"),
        ({"seed": -1}, ValueError, "seed must be >= 0, got -1"),
        ({"seed": "0"}, TypeError, "seed must be an integer"),
    ],
)
def test_bad_settings_are_refused_before_any_training(kwargs, error, message):
    with pytest.raises(error, match=message):
        train_cnn(synthetic_digits(), cache_dir=False, **kwargs)


# ---------------------------------------------------------------------------- schedule
def test_schedule_warms_up_then_decays_linearly_to_zero_at_the_planned_end():
    total = 2 * cnn.STEPS_PER_EPOCH  # 844 steps, 84 of warm-up
    steps = np.arange(total + 10)
    rates = learning_rate_at(steps, total_steps=total)
    peak, warmup = cnn.PEAK_LEARNING_RATE, round(0.1 * total)
    assert warmup == 84
    assert rates[warmup - 1] == pytest.approx(peak) and rates.max() == pytest.approx(peak)
    assert np.all(np.diff(rates[:warmup]) > 0) and np.all(np.diff(rates[warmup - 1 : total]) <= 0)
    assert rates[0] == pytest.approx(peak / warmup)  # the first step already learns
    assert rates[total - 1] == pytest.approx(peak / (total - warmup))
    assert np.all(rates[total:] == 0)
    # halfway down the decay the rate is half the peak
    assert learning_rate_at((total + warmup) / 2, total_steps=total) == pytest.approx(peak / 2)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"total_steps": 1}, ValueError, "total_steps must be >= 2, got 1"),
        ({"total_steps": 10, "peak": 0}, ValueError, "peak must be a finite number > 0"),
        ({"total_steps": 10, "warmup_fraction": 1.0}, ValueError, r"warmup_fraction must be in"),
    ],
)
def test_schedule_rejects_bad_settings(kwargs, error, message):
    with pytest.raises(error, match=message):
        learning_rate_at(0, **kwargs)


def test_keras_schedule_in_the_compiled_model_matches_the_numpy_formula(keras):
    model = cnn.build_cnn()  # planned for 2 epochs of 422 steps
    schedule = model.optimizer._learning_rate
    steps = [0, 1, 50, 83, 84, 85, 400, 843, 844, 1000]
    keras_rates = [float(schedule(step)) for step in steps]
    np.testing.assert_allclose(
        keras_rates, learning_rate_at(steps, total_steps=844), rtol=1e-5, atol=1e-9
    )
    assert schedule.get_config() == {"total_steps": 844, "peak": 0.01, "warmup_fraction": 0.1}


# ------------------------------------------------------------------------------ models
def test_build_cnn_shapes_and_parameters(keras):
    model = cnn.build_cnn()
    assert model.input_shape == (None, 28, 28, 1) and model.output_shape == (None, 10)
    shapes = [layer.output.shape[1:] for layer in model.layers]
    assert shapes == [
        (26, 26, 32), (13, 13, 32), (13, 13, 32), (13, 13, 32),
        (11, 11, 64), (5, 5, 64), (5, 5, 64), (5, 5, 64), (1600,), (10,),
    ]  # fmt: skip
    # 3*3*32 + 4*32 (BN) + 3*3*32*64 + 4*64 (BN) + 1600*10 + 10; the BN means/variances are
    # not trained (2 * (32 + 64) = 192)
    assert model.count_params() == 288 + 128 + 18_432 + 256 + 16_010 == 35_114
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert trainable == 35_114 - 192
    assert model.loss == "sparse_categorical_crossentropy"
    probabilities = model.predict(np.zeros((3, 28, 28, 1), np.float32), verbose=0)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_reference_is_keras_io_simple_mnist_convnet(keras):
    from dlbasics.bench.cnn_vs_keras_io import build_reference_convnet

    model = build_reference_convnet()
    assert model.count_params() == 34_826  # keras-io's summary: "Total params: 34,826"
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == [
        "Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dropout", "Dense",
    ]  # fmt: skip
    assert model.layers[5].rate == 0.5
    assert model.loss == "categorical_crossentropy"
    assert float(model.optimizer.learning_rate) == pytest.approx(0.001)


# ---------------------------------------------------------------------------- training
def test_train_cnn_result_structure_and_cache(keras, tmp_path):
    data = synthetic_digits()
    before = [array.copy() for pair in data for array in pair]
    result = train_cnn(data, epochs=1, seed=0, verbose=False, cache_dir=tmp_path)
    assert isinstance(result, CNNResult) and not result.from_cache
    assert set(result.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 1 for values in result.history.values())
    assert result.epochs == 1 and result.seed == 0 and result.n_params == 35_114
    assert 0 <= result.test_accuracy <= 1 and result.test_loss > 0
    assert result.test_accuracy_per_epoch == [result.test_accuracy]
    assert result.test_loss_per_epoch == [result.test_loss]
    assert 0 < result.fit_seconds_per_epoch[0] <= result.fit_seconds
    assert result.seconds_per_epoch == result.fit_seconds_per_epoch[0]
    if result.test_accuracy >= cnn.TARGET_ACCURACY:
        assert (result.epochs_to_target, result.seconds_to_target) == (
            1,
            result.fit_seconds_per_epoch[0],
        )
    else:
        assert result.epochs_to_target is None and result.seconds_to_target is None
    assert "conv1 (Conv2D)" in result.summary and "Total params: 35,114" in result.summary
    json.dumps(result.to_dict())  # JSON-able, for the run cache and the pages
    for array, copy in zip((a for pair in data for a in pair), before, strict=True):
        np.testing.assert_array_equal(array, copy)  # the caller's arrays are untouched
    again = train_cnn(data, epochs=1, seed=0, verbose=False, cache_dir=tmp_path)
    assert again.from_cache and again.to_dict() == result.to_dict()


def test_fit_and_track_stops_at_the_target_and_keeps_evaluation_out_of_the_time(keras):
    (x_train, y_train), _, test = split_data(synthetic_digits(n_train=256, n_test=64))
    model = cnn.build_cnn(epochs=3, steps_per_epoch=2)
    run = _keras.fit_and_track(
        model, x_train, y_train, epochs=3, batch_size=128, test=test, stop_at=0.0
    )
    assert len(run["history"]["loss"]) == 1  # any accuracy is >= 0: stopped after epoch 1
    assert len(run["test_accuracy"]) == len(run["fit_seconds_per_epoch"]) == 1
    assert 0 < run["fit_seconds_per_epoch"][0] <= run["fit_seconds"]


def test_first_reaching():
    assert cnn.first_reaching([0.97, 0.989, 0.990, 0.995]) == 2
    assert cnn.first_reaching([0.97, 0.989]) is None
    assert cnn.first_reaching([0.5], target=0.4) == 0


# ------------------------------------------------------------------------- real MNIST
@pytest.mark.slow
def test_cnn_reaches_99_percent_on_the_real_test_set(keras, mnist_data):
    """The claim the pages and the benchmark make: >= 0.990 test accuracy after the default
    schedule (2 epochs), seed 0.

    What it rests on (test accuracy after epochs 1 and 2, seed 0): AMD EPYC 0.9887, 0.9914 and
    Intel Xeon 0.9874, 0.9916 (issue 9); AMD with TensorFlow's op determinism on (kernels picked
    differently, as another CPU would) 0.9877, 0.9922. Seeds 1 and 2 end at 0.9914-0.9916 and
    0.9908-0.9910. The runs differ by up to 0.002 after the first epoch, so no number is compared
    with one recorded on one machine: the claim is the threshold, which every measured run
    cleared, with the last epoch's validation accuracy (0.9910 to 0.9928 in every run above) held
    to the same threshold.
    """
    result = train_cnn(mnist_data, seed=0, verbose=False, cache_dir=False)
    assert result.epochs == cnn.DEFAULT_EPOCHS
    assert result.test_accuracy >= cnn.TARGET_ACCURACY
    assert result.epochs_to_target is not None and result.seconds_to_target is not None
    assert result.history["val_accuracy"][-1] >= cnn.TARGET_ACCURACY
