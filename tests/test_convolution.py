"""dlbasics.convolution against independent references: plain loops in float64, and Keras'
``Conv2D``/``MaxPooling2D`` (the CNN page's claim that conv2d computes what Conv2D computes)."""

from __future__ import annotations

import numpy as np
import pytest

from dlbasics import convolution

from ._support import require


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
