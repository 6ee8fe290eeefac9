"""The plots, the convolution helpers and the facts behind the pages mnist-data, keras-mlp,
numpy-mlp and cnn.

Every plot function those pages call draws in both languages without a missing glyph and returns
None; :mod:`dlbasics.convolution` matches an independent reference (plain loops in float64, and
Keras' ``Conv2D``/``MaxPooling2D``); and the claims the pages make in words hold for the exact
calls they make.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from dlbasics import activations, convolution, plots
from dlbasics.mlp import MLP, glorot_uniform
from dlbasics.preprocessing import flatten_and_scale, one_hot

from ._support import require

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PLOT_KEYS = [
    "digit_title", "digit_shape", "conv_image", "conv_kernel", "conv_feature_map", "conv_pooled",
    "epoch_seconds", "epoch_times_title", "impl_numpy", "impl_keras", "impl_floor",
    "optimizer_step", "learning_rate_axis", "schedule_title", "epoch_boundary", "epoch",
]  # fmt: skip


def _digit() -> np.ndarray:
    """A small uint8 'image': a 3x2 block of ink inside a 7x6 background."""
    image = np.zeros((7, 6), dtype=np.uint8)
    image[2:5, 2:4] = [[10, 200], [255, 30], [90, 0]]
    return image


# -- the plots -----------------------------------------------------------------------------------


def test_plot_strings_exist_in_both_languages():
    for key in PLOT_KEYS:
        assert plots._STRINGS["ko"].get(key) and plots._STRINGS["en"].get(key), key
    assert plots._STRINGS["ko"].keys() == plots._STRINGS["en"].keys()


def test_show_digit(language):
    assert plots.show_digit(_digit(), label=9) is None
    ax = plt.gca()
    assert ax.get_title() == plots.text("digit_title", label=9) + ", " + plots.text(
        "digit_shape", height=7, width=6
    )
    assert len(ax.texts) == 0  # no values unless asked


def test_show_digit_values_zooms_on_the_strokes_and_writes_every_pixel(language):
    image = _digit()
    plots.show_digit(image, values=True)
    ax = plt.gca()
    # the ink is rows 2-4 (row 4 still holds a 90), columns 2-3; one pixel around it: rows 1-5,
    # columns 1-4, each written, zeros included
    assert ax.get_xlim() == (0.5, 4.5)
    assert ax.get_ylim() == (5.5, 0.5)
    written = {(t.get_position()[1], t.get_position()[0]): t.get_text() for t in ax.texts}
    assert len(written) == 5 * 4
    assert written[(2, 3)] == "200" and written[(3, 2)] == "255" and written[(1, 1)] == "0"
    assert ax.get_title() == plots.text("digit_shape", height=7, width=6)


def test_show_digit_values_of_scaled_pixels_and_of_an_empty_image(language):
    plots.show_digit(_digit() / 255.0, values=True)
    assert "1.00" in {t.get_text() for t in plt.gca().texts}
    plots.show_digit(np.zeros((3, 3)), values=True)  # nothing to zoom on: the whole image
    assert len(plt.gca().texts) == 9


def test_show_digits(language):
    images = np.stack([_digit()] * 12)
    assert plots.show_digits(images, np.arange(12), n_columns=5) is None
    axes = plt.gcf().axes
    assert len(axes) == 15  # 3 rows of 5; the last 3 stay empty
    assert [ax.get_title() for ax in axes[:12]] == [str(i) for i in range(12)]
    with pytest.raises(ValueError, match="labels must hold one label per image"):
        plots.show_digits(images, [1, 2])
    with pytest.raises(ValueError, match="images must be 3-D"):
        plots.show_digits(_digit())


def test_plot_convolution(language):
    image = _digit() / 255.0
    kernel = convolution.kernel("vertical_edge")
    feature_map = convolution.conv2d(image, kernel)
    pooled = convolution.max_pool2d(activations.relu(feature_map))
    assert plots.plot_convolution(image, kernel, feature_map, pooled) is None
    axes = plt.gcf().axes
    assert [ax.get_title() for ax in axes] == [
        plots.text("conv_image", height=7, width=6),
        plots.text("conv_kernel", height=3, width=3),
        plots.text("conv_feature_map", height=5, width=4),
        plots.text("conv_pooled", height=2, width=2),
    ]
    assert [t.get_text() for t in axes[1].texts] == ["1", "0", "-1"] * 3  # the filter's values


def test_plot_epoch_times_names_the_bench_sides(language):
    assert plots.plot_epoch_times({"numpy": 6.5, "keras": 3.8, "floor": 0.61, "other": 1}) is None
    ax = plt.gca()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [*(plots.text(f"impl_{k}") for k in ("numpy", "keras", "floor")), "other"]
    assert list(ax.get_yticks()) == [3, 2, 1, 0]  # the first entry on top
    bar_labels = [t.get_text() for t in ax.texts]
    assert bar_labels == ["6.50 s", "3.80 s", "0.61 s", "1.00 s"]
    with pytest.raises(ValueError, match="seconds must map at least one label"):
        plots.plot_epoch_times({})


def test_plot_learning_rate_schedule(language):
    rates = np.concatenate([np.linspace(0.001, 0.01, 10), np.linspace(0.01, 0.0, 30)])
    assert plots.plot_learning_rate_schedule(rates, steps_per_epoch=20) is None
    ax = plt.gca()
    boundaries = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(boundaries) == 1 and boundaries[0].get_xdata()[0] == 20
    assert ax.get_legend().get_texts()[0].get_text() == plots.text("epoch_boundary")
    plots.plot_learning_rate_schedule(rates)  # without epoch marks: no legend
    assert plt.gca().get_legend() is None


# -- convolution and pooling ------------------------------------------------------------------------


def _conv_by_loops(image, kernel, bias=0.0):
    """The definition, one output at a time, in float64."""
    k_h, k_w = kernel.shape
    out = np.zeros((image.shape[0] - k_h + 1, image.shape[1] - k_w + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            total = bias
            for u in range(k_h):
                for v in range(k_w):
                    total += float(image[i + u, j + v]) * float(kernel[u, v])
            out[i, j] = total
    return out


def _pool_by_loops(image, size):
    out = np.zeros((image.shape[0] // size, image.shape[1] // size))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = max(
                image[i * size + u, j * size + v] for u in range(size) for v in range(size)
            )
    return out


@pytest.mark.parametrize(
    "shape, kernel_shape", [((28, 28), (3, 3)), ((7, 9), (2, 4)), ((3, 3), (3, 3))]
)
def test_conv2d_matches_the_definition(shape, kernel_shape):
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=shape), rng.normal(size=kernel_shape)
    before = image.copy()
    np.testing.assert_allclose(
        convolution.conv2d(image, kernel, bias=0.5), _conv_by_loops(image, kernel, 0.5), rtol=1e-12
    )
    np.testing.assert_array_equal(image, before)  # the caller's array is not changed


def test_conv2d_does_not_flip_the_kernel():
    image = np.zeros((5, 5))
    image[2, 1] = 1.0  # one bright pixel left of the centre
    result = convolution.conv2d(image, convolution.kernel("vertical_edge"))
    # the window centred at (2, 2) sees the pixel in its left column, where the kernel holds +1
    assert result[1, 1] == 1.0


@pytest.mark.parametrize("shape, size", [((26, 26), 2), ((11, 11), 2), ((9, 7), 3), ((4, 4), 4)])
def test_max_pool2d_matches_the_definition(shape, size):
    image = np.random.default_rng(1).normal(size=shape)
    np.testing.assert_array_equal(convolution.max_pool2d(image, size), _pool_by_loops(image, size))


def test_convolution_bad_input():
    with pytest.raises(ValueError, match="kernel must not be larger than the image"):
        convolution.conv2d(np.zeros((2, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="image must be 2-D"):
        convolution.conv2d(np.zeros((1, 28, 28)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="size must be >= 1"):
        convolution.max_pool2d(np.zeros((4, 4)), 0)
    with pytest.raises(ValueError, match="size must not exceed"):
        convolution.max_pool2d(np.zeros((4, 4)), 5)
    with pytest.raises(ValueError, match="unknown name 'sobel'"):
        convolution.kernel("sobel")


def test_kernel_returns_a_copy():
    kernel = convolution.kernel("blur")
    kernel[...] = 0
    assert convolution.kernel("blur").sum() == pytest.approx(1.0)


def test_conv2d_and_max_pool2d_match_keras():
    """The CNN page's claim: conv2d computes what a Keras Conv2D with that kernel computes."""
    require("keras")
    from dlbasics.keras_models import import_keras

    keras = import_keras()
    image = np.random.default_rng(2).random((28, 28)).astype(np.float32)
    kernel = convolution.kernel("horizontal_edge")
    conv = keras.layers.Conv2D(1, 3, use_bias=False)
    conv.build((None, 28, 28, 1))
    conv.set_weights([kernel.reshape(3, 3, 1, 1)])
    keras_map = np.asarray(conv(image.reshape(1, 28, 28, 1)))[0, :, :, 0]
    feature_map = convolution.conv2d(image, kernel)
    np.testing.assert_allclose(keras_map, feature_map, atol=1e-5)
    pooled = np.asarray(keras.layers.MaxPooling2D(2)(keras_map.reshape(1, 26, 26, 1)))[0, :, :, 0]
    np.testing.assert_allclose(pooled, convolution.max_pool2d(feature_map), atol=1e-5)


# -- what the pages say ------------------------------------------------------------------------------


def test_mnist_data_page_facts(mnist_data):
    (x_train, y_train), (x_test, y_test) = mnist_data
    assert y_train[4] == 9  # "It is a 9"
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    counts = np.bincount(y_train)
    assert counts.min() > 0.9 * 6000 and counts.max() < 1.15 * 6000  # "almost evenly"
    x_flat = x_train.reshape(60000, 28 * 28)
    assert x_train[4, 20, 14] == x_flat[4, 28 * 20 + 14] > 0  # a pixel on the stroke
    # "Fed 0-255, a large share of the hidden units saturates"; scaled, almost none does
    W = glorot_uniform(784, 392, np.random.default_rng(0))
    raw = np.mean(np.abs(np.tanh(x_flat[:1000].astype(np.float32) @ W)) > 0.99)
    scaled = np.mean(np.abs(np.tanh(flatten_and_scale(x_train[:1000]) @ W)) > 0.99)
    assert raw > 0.5 and scaled < 0.01
    Y = one_hot(y_train[:10])
    np.testing.assert_array_equal(Y.argmax(axis=1), y_train[:10])


def test_numpy_mlp_page_backprop_by_hand_matches_the_mlp(mnist_data):
    """The formulas the numpy-mlp page writes out give MLP's loss and gradients."""
    (x_train, y_train), _ = mnist_data
    X, Y = flatten_and_scale(x_train[:128]), one_hot(y_train[:128])
    model = MLP([784, 392, 10], ["tanh", "softmax"], seed=0)
    W1, b1, W2, b2 = model.params
    A1 = np.tanh(X @ W1 + b1)
    P = activations.softmax(A1 @ W2 + b2)
    dZ2 = (P - Y) / 128
    dZ1 = (dZ2 @ W2.T) * (1 - A1**2)
    by_hand = [X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0)]
    loss, grads = model.loss_and_gradients(X, Y)
    assert loss == pytest.approx(-np.sum(Y * np.log(P)) / 128, rel=1e-5)
    for mine, theirs in zip(by_hand, grads, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-7)


def test_cnn_page_one_output_by_hand(mnist_data):
    (x_train, _), _ = mnist_data
    image = x_train[4] / 255.0
    kernel = convolution.kernel("vertical_edge")
    feature_map = convolution.conv2d(image, kernel)
    assert feature_map.shape == (26, 26)
    assert feature_map[14, 6] == pytest.approx(np.sum(image[14:17, 6:9] * kernel))
    assert convolution.max_pool2d(activations.relu(feature_map)).shape == (13, 13)
