"""What the pages mnist-data, numpy-mlp and cnn say about the real MNIST, checked on their own code.

Each test runs the page's code cells that do not train (tests/pages/page_code.py); the trainings'
claims are checked where they run: tests/test_cli.py, tests/test_keras_models.py, tests/test_cnn.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlbasics import activations
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
