"""What the pages mnist-data, numpy-mlp and cnn say about the real MNIST, checked on their own code.

Each test runs the page's code cells that do not train (tests/pages/page_code.py); the trainings'
claims are checked where they run: tests/test_cli.py, tests/test_keras_models.py, tests/test_cnn.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlbasics import activations, lecture
from dlbasics.preprocessing import flatten_and_scale

from .page_code import run_page


@pytest.fixture(autouse=True)
def _real_mnist(mnist_dir):
    """These pages call load_mnist(): the real data (DLBASICS_MNIST_DIR) must be there."""


def test_mnist_data_page_claims():
    page = run_page("mnist-data")
    x_train, y_train, x_test = page["x_train"], page["y_train"], page["x_test"]
    assert y_train[4] == 9  # "It is a 9"
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    counts = np.bincount(y_train)
    assert counts.min() > 0.9 * 6000 and counts.max() < 1.15 * 6000  # "almost evenly"
    assert x_train[4, 20, 14] == page["x_flat"][4, 28 * 20 + 14] > 0  # a pixel on the stroke
    # "Fed 0-255, a large share of the hidden units saturates"; scaled, almost none does
    W, x_flat = page["W"], page["x_flat"]
    raw = np.mean(np.abs(np.tanh(x_flat[:1000].astype(np.float32) @ W)) > 0.99)
    scaled = np.mean(np.abs(np.tanh(flatten_and_scale(x_train[:1000]) @ W)) > 0.99)
    assert raw > 0.5 and scaled < 0.01
    np.testing.assert_array_equal(page["Y"].argmax(axis=1), y_train[:10])
    # the note's shape unpacking: (images, rows = height, columns = width)
    assert (page["n_train"], page["height"], page["width"], page["n_test"]) == (
        60000,
        28,
        28,
        10000,
    )
    # the note's np.dot example: (7,) . (7, 1) -> array([2]) of shape (1,); two 1-D arrays: 2;
    # and the broadcasting trap (7, 1) - (7,) -> (7, 7)
    a, b = page["a"], page["b"]
    assert a.shape == (7,) and b.shape == (7, 1)
    assert np.dot(a, b).tolist() == [2] and np.dot(a, b[:, 0]) == 2 and (b - a).shape == (7, 7)
    # the note's astype(...) whose result is thrown away: the pixels stay uint8, /255.0 is float64
    assert page["pixels"].dtype == np.uint8 and (page["pixels"] / 255.0).dtype == np.float64
    assert page["X_train"].dtype == np.float32  # flatten_and_scale keeps what it converts


def test_numpy_mlp_page_backprop_by_hand_matches_the_mlp():
    """The formulas the numpy-mlp page writes out give MLP's loss and gradients."""
    page = run_page("numpy-mlp", cells=3)  # the model, its parameters, one batch by hand
    by_hand = [page[name] for name in ("dW1", "db1", "dW2", "db2")]
    assert page["loss"] == pytest.approx(page["L"], rel=1e-5)
    for mine, theirs in zip(by_hand, page["grads"], strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-7)


def test_cnn_page_one_output_by_hand():
    page = run_page("cnn", cells=2)  # the image, the filter, one feature map
    image, kernel, feature_map = page["image"], page["kernel"], page["feature_map"]
    assert feature_map.shape == (26, 26)
    assert feature_map[14, 6] == pytest.approx(np.sum(image[14:17, 6:9] * kernel))
    assert page["convolution"].max_pool2d(activations.relu(feature_map)).shape == (13, 13)


def test_cnn_page_edge_filters_light_up_the_strokes_it_names():
    page = run_page("cnn", cells=4)  # ... the vertical and the horizontal filter
    image, vertical, horizontal = page["image"], page["feature_map"], page["feature_map_h"]
    # "positive on a stroke's right edge, negative on its left edge": along the 9's stem (rows
    # 17-22 of the image), the most negative response stands left of the most positive one
    for row in range(17, 23):
        assert vertical[row].argmin() < vertical[row].argmax(), row
        assert vertical[row].min() < -1 and vertical[row].max() > 1, row
    # "close to 0 in the middle of a stroke and on the background"
    assert abs(vertical[0:3]).max() < 1e-9  # the empty rows at the top
    # "the horizontal filter responds to the horizontal strokes of the 9's loop": far more in the
    # loop (the top rows) than along the stem
    assert abs(horizontal[4:15]).max() > 2 * abs(horizontal[17:23]).max()
    assert image[4:15].sum() > 0  # the loop is there


def test_cnn_page_relu_and_max_pooling_commute():
    """ "ReLU and max pooling can swap places without changing the result"."""
    page = run_page("cnn", cells=2)
    pool, feature_map = page["convolution"].max_pool2d, page["feature_map"]
    np.testing.assert_array_equal(
        pool(activations.relu(feature_map)), activations.relu(pool(feature_map))
    )


@pytest.mark.slow
def test_keras_mlp_page_claims(capsys):
    """The Keras page, run up to its comparison table: it trains the lecture's model (seconds)."""
    page = run_page("keras-mlp", cells=6)
    log = capsys.readouterr().out
    # before training: "spread over all ten classes", loss "near" log 10, accuracy "of guessing"
    p, before = page["p"], page["before"]
    assert p.max() < 0.5 and p.min() > 0.01
    assert abs(before["loss"] - np.log(10)) < 0.5 and abs(before["accuracy"] - 0.1) < 0.1
    # fit on the page: Keras 3 names, a progress line per epoch that counts batches
    history, score = page["history"].history, page["score"]
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}  # no "acc" any more
    steps = math.ceil(60000 / lecture.BATCH_SIZE)
    assert f"{steps}/{steps}" in log
    # validation data = test data, so evaluate's score is the validation result
    assert score == pytest.approx([history["val_loss"][-1], history["val_accuracy"][-1]], rel=1e-4)
    # "most test images right", and close to the lecture's reported numbers
    assert score[1] > 0.9 and abs(score[1] - lecture.REPORTED["test_accuracy"]) < 0.02
    assert page["run"].test_accuracy == score[1] and page["run"].epochs == 1
