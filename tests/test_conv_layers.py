"""Convolution and max pooling for batches (dlbasics.conv_layers), forward and backward.

Two independent references: central differences in float64 (every input, weight and bias entry),
and Keras' ``Conv2D``/``MaxPooling2D`` with the same weights, forward outputs and
``tf.GradientTape`` gradients, to 1e-5 in float32. Strides, padding ("valid", "same", an int)
and several input and output channels are covered.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlbasics import conv_layers
from dlbasics.conv_layers import (
    conv2d_backward,
    conv2d_forward,
    max_pool_backward,
    max_pool_forward,
    output_size,
)
from dlbasics.convolution import conv2d as conv2d_one_image
from dlbasics.gradient_check import numerical_gradient, relative_error

from ._support import require

CONV_SETTINGS = [  # (stride, padding) on a 7x6 image with 3 channels and a 3x2 kernel
    (1, "valid"),
    (2, "valid"),
    (1, "same"),
    (2, "same"),
    (3, "same"),
    (1, 1),
    (2, 2),
]
POOL_SETTINGS = [(2, None), (3, 2), (2, 1), (3, 3)]  # (size, stride); stride None = size


@pytest.fixture(scope="module")
def tf():
    require("keras")
    return require("tensorflow")


def _conv_case(dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(2, 7, 6, 3)).astype(dtype)  # (n, h, w, c_in)
    W = rng.normal(size=(3, 2, 3, 4)).astype(dtype)  # (k_h, k_w, c_in, c_out)
    b = rng.normal(size=4).astype(dtype)
    return X, W, b


# ---------------------------------------------------------------------------------- sizes
@pytest.mark.parametrize(("size", "kernel", "stride", "padding", "expected"), [
    (28, 3, 1, "valid", 26), (26, 2, 2, "valid", 13), (11, 2, 2, "valid", 5),
    (28, 3, 1, "same", 28), (28, 3, 2, "same", 14), (7, 3, 3, "same", 3),
    (28, 5, 1, 2, 28), (28, 3, 2, 1, 14), (5, 5, 1, "valid", 1),
])  # fmt: skip
def test_output_size_formula(size, kernel, stride, padding, expected):
    assert output_size(size, kernel, stride, padding) == expected
    if isinstance(padding, int):  # floor((n + 2p - k) / s) + 1
        assert expected == (size + 2 * padding - kernel) // stride + 1


def test_same_padding_puts_the_odd_zero_after_as_keras_does():
    assert conv_layers.padding_amounts(6, 2, 1, "same") == (0, 1)
    assert conv_layers.padding_amounts(7, 3, 2, "same") == (1, 1)
    assert conv_layers.padding_amounts(6, 3, 2, "same") == (0, 1)


# ------------------------------------------------------------------------ finite differences
@pytest.mark.parametrize(("stride", "padding"), CONV_SETTINGS)
def test_conv_gradients_match_central_differences(stride, padding):
    X, W, b = _conv_case()
    Z, cache = conv2d_forward(X, W, b, stride=stride, padding=padding)
    R = np.random.default_rng(1).normal(size=Z.shape)  # dLoss/dZ for the loss sum(Z * R)

    def loss(X=X, W=W, b=b):
        return np.sum(conv2d_forward(X, W, b, stride=stride, padding=padding)[0] * R)

    dX, dW, db = conv2d_backward(R, cache)
    assert relative_error(dX, numerical_gradient(lambda v: loss(X=v), X)) < 1e-8
    assert relative_error(dW, numerical_gradient(lambda v: loss(W=v), W)) < 1e-8
    assert relative_error(db, numerical_gradient(lambda v: loss(b=v), b)) < 1e-8
    assert conv2d_backward(R, cache, input_gradient=False)[0] is None


@pytest.mark.parametrize(("size", "stride"), POOL_SETTINGS)
def test_pool_gradient_matches_central_differences(size, stride):
    X = np.random.default_rng(2).normal(size=(2, 7, 6, 3))
    out, cache = max_pool_forward(X, size=size, stride=stride)
    R = np.random.default_rng(3).normal(size=out.shape)
    numeric = numerical_gradient(
        lambda v: np.sum(max_pool_forward(v, size=size, stride=stride)[0] * R), X
    )
    assert relative_error(max_pool_backward(R, cache), numeric) < 1e-8


def test_a_gradient_check_would_catch_a_wrong_backward_pass():
    """The check above can fail: the col2im step left out gives a large error."""
    X, W, b = _conv_case()
    Z, cache = conv2d_forward(X, W, b, stride=2, padding="same")
    R = np.ones_like(Z)
    numeric = numerical_gradient(
        lambda v: np.sum(conv2d_forward(v, W, b, stride=2, padding="same")[0]), X
    )
    dX = conv2d_backward(R, cache)[0]
    assert relative_error(dX, numeric) < 1e-8
    assert relative_error(np.ones_like(dX), numeric) > 0.1


# ---------------------------------------------------------------------------- by hand
def test_one_output_is_the_sum_over_its_window_and_channels():
    X, W, b = _conv_case()
    Z, _ = conv2d_forward(X, W, b, stride=2, padding="valid")
    # output (1, 2) of image 1, channel 3: the window at rows 2-4, columns 4-5, all 3 channels
    assert Z[1, 1, 2, 3] == pytest.approx(np.sum(X[1, 2:5, 4:6, :] * W[:, :, :, 3]) + b[3])


def test_one_channel_one_filter_is_the_cnn_pages_conv2d():
    image = np.random.default_rng(4).random((9, 8))
    kernel = np.random.default_rng(5).normal(size=(3, 3))
    Z, _ = conv2d_forward(image[None, :, :, None], kernel[:, :, None, None])
    np.testing.assert_allclose(Z[0, :, :, 0], conv2d_one_image(image, kernel), rtol=1e-12)


def test_pool_takes_the_first_of_equal_maxima():
    X = np.zeros((1, 2, 2, 1))  # four equal values: the first (top left) gets the gradient
    out, cache = max_pool_forward(X)
    dX = max_pool_backward(np.ones_like(out), cache)
    np.testing.assert_array_equal(dX[0, :, :, 0], [[1.0, 0.0], [0.0, 0.0]])


def test_inputs_are_not_changed_and_float32_stays_float32():
    X, W, b = (a.astype(np.float32) for a in _conv_case())
    copies = [a.copy() for a in (X, W, b)]
    Z, cache = conv2d_forward(X, W, b, padding="same")
    conv2d_backward(np.ones_like(Z), cache)
    out, pool_cache = max_pool_forward(X)
    max_pool_backward(np.ones_like(out), pool_cache)
    for array, copy in zip((X, W, b), copies, strict=True):
        np.testing.assert_array_equal(array, copy)
    assert Z.dtype == np.float32 and out.dtype == np.float32


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: conv2d_forward(np.zeros((2, 5, 5)), np.zeros((3, 3, 1, 1))), ValueError,
         r"X must be 4-D \(n_samples, height, width, channels\), got shape \(2, 5, 5\)"),
        (lambda: conv2d_forward(np.zeros((1, 5, 5, 2)), np.zeros((3, 3, 1, 4))), ValueError,
         "X must have 1 channels"),
        (lambda: conv2d_forward(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 4)), np.zeros(3)),
         ValueError, r"b must have shape \(4,\)"),
        (lambda: conv2d_forward(np.zeros((1, 2, 5, 1)), np.zeros((3, 3, 1, 4))), ValueError,
         "kernel 3 must fit into the padded input"),
        (lambda: conv2d_forward(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), padding="full"),
         ValueError, "unknown padding 'full'; choose one of 'same', 'valid'"),
        (lambda: conv2d_forward(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), stride=0),
         ValueError, "stride must be >= 1, got 0"),
        (lambda: max_pool_forward(np.zeros((1, 5, 5, 1)), size=6), ValueError,
         "kernel 6 must fit"),
    ],
)  # fmt: skip
def test_bad_input_gets_a_message_naming_the_rule(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --------------------------------------------------------------------- against Keras
@pytest.mark.parametrize(("stride", "padding"), [s for s in CONV_SETTINGS if isinstance(s[1], str)])
def test_conv_matches_keras_conv2d_forward_and_gradient_tape(tf, stride, padding):
    import keras

    X, W, b = _conv_case(np.float32, seed=6)
    layer = keras.layers.Conv2D(4, (3, 2), strides=stride, padding=padding)
    layer.build(X.shape)
    layer.set_weights([W, b])
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = layer(x)
        R = tf.constant(np.random.default_rng(7).normal(size=z.shape).astype(np.float32))
        loss = tf.reduce_sum(z * R)
    dx, dW, db = tape.gradient(loss, [x, layer.kernel, layer.bias])
    Z, cache = conv2d_forward(X, W, b, stride=stride, padding=padding)
    np.testing.assert_allclose(Z, z.numpy(), rtol=1e-5, atol=1e-5)
    ours = conv2d_backward(R.numpy(), cache)
    for mine, theirs in zip(ours, (dx, dW, db), strict=True):
        np.testing.assert_allclose(mine, theirs.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(("size", "stride"), POOL_SETTINGS)
def test_pool_matches_keras_maxpooling2d_forward_and_gradient_tape(tf, size, stride):
    import keras

    X = np.random.default_rng(8).normal(size=(2, 7, 6, 3)).astype(np.float32)
    layer = keras.layers.MaxPooling2D(size, strides=stride)
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = layer(x)
        R = tf.constant(np.random.default_rng(9).normal(size=out.shape).astype(np.float32))
        loss = tf.reduce_sum(out * R)
    ours, cache = max_pool_forward(X, size=size, stride=stride)
    np.testing.assert_allclose(ours, out.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(
        max_pool_backward(R.numpy(), cache), tape.gradient(loss, x).numpy(), rtol=1e-5, atol=1e-5
    )


def test_pool_sends_tied_gradients_where_tensorflow_does(tf):
    """Many equal values (0, 1 or 2 everywhere, as flat background is after a convolution):
    each window's gradient goes to the first maximum in reading order, in both."""
    X = np.random.default_rng(10).integers(0, 3, size=(2, 8, 8, 3)).astype(np.float32)
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = tf.nn.max_pool2d(x, 2, 2, "VALID")
        loss = tf.reduce_sum(out * np.arange(out.shape[-1], dtype=np.float32))
    ours, cache = max_pool_forward(X)
    d_out = np.broadcast_to(np.arange(3, dtype=np.float32), ours.shape)
    np.testing.assert_array_equal(max_pool_backward(d_out, cache), tape.gradient(loss, x).numpy())
