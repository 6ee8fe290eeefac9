"""The CNN from scratch (dlbasics.numpy_cnn), its Keras twin and timing (dlbasics.bench.
numpy_cnn_vs_keras), and the shifted-digits experiment (dlbasics.shifted_digits).

Fast tests: shapes and parameters, the whole network's gradients against central differences in
float64, the same outputs and gradients as the Keras twin with the same weights, the training
code on a small synthetic digit set. ``slow``: the page's claim, >= 98.0 % test accuracy on the
real MNIST, trained here from scratch.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlbasics import numpy_cnn
from dlbasics.cnn import split_data
from dlbasics.gradient_check import relative_error
from dlbasics.numpy_cnn import NumpyCNNResult, build_numpy_cnn, train_numpy_cnn
from dlbasics.shifted_digits import shift_experiment, shift_images

from ._support import require, synthetic_digits

TARGET = 0.980  # the page's claim


def _images(n=3, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return rng.random((n, 28, 28, 1)).astype(dtype), rng.integers(0, 10, n)


def test_shapes_and_parameter_count():
    model = build_numpy_cnn(0)
    x, _ = _images()
    shapes = []
    out = x
    for layer in model.layers:
        out = layer.forward(out)
        shapes.append(out.shape[1:])
    assert shapes == [
        (26, 26, 16), (13, 13, 16), (13, 13, 16), (11, 11, 32), (5, 5, 32), (5, 5, 32), (800,),
        (10,),
    ]  # fmt: skip
    # 3*3*1*16 + 16, 3*3*16*32 + 32, 800*10 + 10
    assert model.n_params == 160 + 4_640 + 8_010 == 12_810
    np.testing.assert_allclose(model.predict(x).sum(axis=1), 1.0, rtol=1e-6)


def test_whole_network_gradients_match_central_differences():
    """Every parameter array, 25 entries each (all 12,810 would take a minute), float64."""
    model = build_numpy_cnn(0, dtype=np.float64)
    x, labels = _images(4, dtype=np.float64)
    _, grads = model.loss_and_gradients(x, labels)
    rng = np.random.default_rng(1)
    for param, grad in zip(model.params, grads, strict=True):
        entries = rng.choice(param.size, size=min(25, param.size), replace=False)
        numeric = []
        flat = param.reshape(-1)
        for i in entries:
            saved = flat[i]
            flat[i] = saved + 1e-6
            plus = model.loss_and_gradients(x, labels)[0]
            flat[i] = saved - 1e-6
            minus = model.loss_and_gradients(x, labels)[0]
            flat[i] = saved
            numeric.append((plus - minus) / 2e-6)
        assert relative_error(grad.reshape(-1)[entries], np.array(numeric)) < 1e-6


def test_the_keras_twin_computes_the_same_outputs_and_gradients():
    require("keras")
    tf = require("tensorflow")
    from dlbasics.bench.numpy_cnn_vs_keras import keras_twin

    model = build_numpy_cnn(3)
    twin = keras_twin(model, total_steps=10)
    x, labels = _images(5, seed=4)
    np.testing.assert_allclose(model.predict(x), twin.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    loss, grads = model.loss_and_gradients(x, labels)
    with tf.GradientTape() as tape:
        p = twin(x, training=True)
        keras_loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(labels, p))
    keras_grads = tape.gradient(keras_loss, twin.trainable_weights)
    assert loss == pytest.approx(float(keras_loss), rel=1e-5)
    for mine, theirs in zip(grads, keras_grads, strict=True):
        np.testing.assert_allclose(mine, theirs.numpy(), rtol=1e-4, atol=1e-6)


def test_set_weights_checks_shapes():
    model = build_numpy_cnn(0)
    with pytest.raises(ValueError, match="weights must hold 6 arrays, got 1"):
        model.set_weights([np.zeros(3)])
    weights = [p.copy() for p in model.params]
    weights[2] = np.zeros((3, 3, 16, 31))
    with pytest.raises(ValueError, match=r"weights\[2\] must have shape \(3, 3, 16, 32\)"):
        model.set_weights(weights)
    with pytest.raises(ValueError, match=r"x must be images \(n_samples, 28, 28, 1\)"):
        model.predict(np.zeros((2, 784)))


# ---------------------------------------------------------------------------- training
def test_training_learns_and_the_result_round_trips(tmp_path):
    data = synthetic_digits(n_train=600, n_test=200)
    before = [array.copy() for pair in data for array in pair]
    result = train_numpy_cnn(data, epochs=2, seed=0, verbose=False, cache_dir=tmp_path)
    assert isinstance(result, NumpyCNNResult) and not result.from_cache
    assert set(result.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(result.epoch_seconds) == 2 and len(result.batch_loss) == 2 * 5  # ceil(540/128)
    assert result.history["loss"][1] < result.history["loss"][0]
    assert result.test_accuracy > 0.5  # a bright row per class: easy to learn
    # the stored weights rebuild the trained model: the same test accuracy again
    (_, _), _, (x_test, y_test) = split_data(data)
    assert result.model().evaluate(x_test, y_test)["accuracy"] == result.test_accuracy
    json.dumps(result.to_dict())
    again = train_numpy_cnn(data, epochs=2, seed=0, verbose=False, cache_dir=tmp_path)
    assert again.from_cache and again.to_dict() == result.to_dict()
    for array, copy in zip((a for pair in data for a in pair), before, strict=True):
        np.testing.assert_array_equal(array, copy)


def test_training_is_repeatable_from_the_seed():
    data = synthetic_digits(n_train=300, n_test=50)
    first = train_numpy_cnn(data, epochs=1, seed=5, verbose=False, cache_dir=False)
    again = train_numpy_cnn(data, epochs=1, seed=5, verbose=False, cache_dir=False)
    assert first.batch_loss == again.batch_loss and first.weights == again.weights


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"epochs": 0}, ValueError, "epochs must be >= 1, got 0"),
        ({"seed": -1}, ValueError, "seed must be >= 0, got -1"),
        ({"data": "mnist"}, TypeError, r"data must be \(\(x_train, y_train\), \(x_test, y_test\)\)"),
    ],
)  # fmt: skip
def test_bad_arguments_are_refused_before_any_training(kwargs, error, message):
    kwargs = {"data": synthetic_digits(20, 5), **kwargs}
    with pytest.raises(error, match=message):
        train_numpy_cnn(cache_dir=False, verbose=False, **kwargs)


def test_epoch_times_structure_on_a_small_stand_in(tmp_path):
    require("keras")
    from dlbasics.bench.numpy_cnn_vs_keras import time_epochs

    times = time_epochs(synthetic_digits(n_train=300, n_test=20), cache_dir=tmp_path)
    assert times.numpy_seconds > 0 and times.keras_seconds > 0 and times.n_train == 270
    assert times.ratio == times.numpy_seconds / times.keras_seconds
    assert 0 <= times.numpy_accuracy <= 1 and 0 <= times.keras_accuracy <= 1
    assert "cpu" in times.machine and "load_average" in times.machine
    assert time_epochs(synthetic_digits(n_train=300, n_test=20), cache_dir=tmp_path).from_cache


# ---------------------------------------------------------------------- shifted digits
def test_shift_images_moves_right_and_fills_with_background():
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    before = images.copy()
    right = shift_images(images, 1)
    np.testing.assert_array_equal(right[:, :, 1:], images[:, :, :3])
    assert np.all(right[:, :, 0] == 0)
    left = shift_images(images, -2)
    np.testing.assert_array_equal(left[:, :, :2], images[:, :, 2:])
    assert np.all(left[:, :, 2:] == 0)
    np.testing.assert_array_equal(shift_images(images, 0), images)
    np.testing.assert_array_equal(images, before)
    with pytest.raises(ValueError, match="pixels must be at most the width 4, got 5"):
        shift_images(images, 5)


def test_shift_experiment_structure_on_a_small_stand_in(tmp_path):
    data = synthetic_digits(n_train=300, n_test=40)
    result = shift_experiment(data, shifts=(0, 2), cache_dir=tmp_path)
    assert result.shifts == [0, 2]
    for values in (result.mlp_accuracy, result.cnn_accuracy, result.mlp_p_nine, result.cnn_p_nine):
        assert len(values) == 2 and all(0 <= v <= 1 for v in values)
    # the CNN inside is the cached run of train_numpy_cnn with the same data: not trained twice
    assert train_numpy_cnn(data, verbose=False, cache_dir=tmp_path).from_cache


# ------------------------------------------------------------------------- real MNIST
@pytest.mark.slow
def test_numpy_cnn_reaches_98_percent_on_the_real_test_set(mnist_data):
    """The NumPy CNN page's claim: >= 0.980 test accuracy after its two epochs, seed 0.

    What it rests on (AMD EPYC, OpenBLAS; test accuracy after epoch 2, validation accuracy after
    epoch 2): seeds 0-3 give 0.9863, 0.9873, 0.9870, 0.9865 and 0.9872, 0.9887, 0.9872, 0.9877
    with OpenBLAS' Haswell kernels; seed 0 gave 0.9861 with its SkylakeX kernels, so another CPU's
    kernels move it by a few test images. The lowest measured run is 0.006 (60 test images) above
    0.980, ten times the seeds' spread; the claim is the threshold, not a recorded number.
    """
    result = train_numpy_cnn(mnist_data, seed=0, verbose=False, cache_dir=False)
    assert result.epochs == numpy_cnn.DEFAULT_EPOCHS == 2
    assert result.test_accuracy >= TARGET
    assert result.history["val_accuracy"][-1] >= TARGET
