"""Batch normalization from scratch (dlbasics.batchnorm): forward, backward, moving statistics.

References: central differences in float64, and Keras' ``BatchNormalization`` (training and
inference outputs, its moving averages, ``tf.GradientTape`` gradients) to 1e-5 in float32.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlbasics.batchnorm import (
    EPSILON,
    MOMENTUM,
    batchnorm_backward,
    batchnorm_forward,
    batchnorm_inference,
    update_moving,
)
from dlbasics.gradient_check import numerical_gradient, relative_error

from ._support import require

SHAPES = [(8, 5), (4, 3, 3, 2)]  # dense features; images (n, h, w, channels)


def _case(shape, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    x = (3.0 + 2.0 * rng.normal(size=shape)).astype(dtype)  # far from mean 0, variance 1
    gamma = rng.uniform(0.5, 1.5, size=shape[-1]).astype(dtype)
    beta = rng.normal(size=shape[-1]).astype(dtype)
    return x, gamma, beta


@pytest.mark.parametrize("shape", SHAPES)
def test_training_output_has_mean_beta_and_spread_gamma_per_feature(shape):
    x, gamma, beta = _case(shape)
    y, mean, var, _ = batchnorm_forward(x, np.ones_like(gamma), np.zeros_like(beta))
    axes = tuple(range(len(shape) - 1))
    np.testing.assert_allclose(y.mean(axis=axes), 0.0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=axes), var / (var + EPSILON), rtol=1e-12)  # ~1
    np.testing.assert_allclose(mean, x.mean(axis=axes))
    y, *_ = batchnorm_forward(x, gamma, beta)
    np.testing.assert_allclose(y.mean(axis=axes), beta, atol=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
def test_backward_matches_central_differences(shape):
    x, gamma, beta = _case(shape)
    R = np.random.default_rng(1).normal(size=shape)  # dLoss/dy for the loss sum(y * R)

    def loss(x=x, gamma=gamma, beta=beta):
        return np.sum(batchnorm_forward(x, gamma, beta)[0] * R)

    _, _, _, cache = batchnorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = batchnorm_backward(R, cache)
    assert relative_error(dx, numerical_gradient(lambda v: loss(x=v), x)) < 1e-7
    assert relative_error(dgamma, numerical_gradient(lambda v: loss(gamma=v), gamma)) < 1e-8
    assert relative_error(dbeta, numerical_gradient(lambda v: loss(beta=v), beta)) < 1e-8


def test_the_gradient_through_the_statistics_is_not_optional():
    """Treating mean and variance as constants (dx = dy * gamma / std) fails the check."""
    x, gamma, beta = _case((8, 5))
    R = np.random.default_rng(1).normal(size=x.shape)
    _, _, _, cache = batchnorm_forward(x, gamma, beta)
    numeric = numerical_gradient(lambda v: np.sum(batchnorm_forward(v, gamma, beta)[0] * R), x)
    assert relative_error(R * gamma * cache.inv_std, numeric) > 0.1


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match=r"gamma must have shape \(3,\)"):
        batchnorm_forward(np.zeros((4, 3)), np.ones(2), np.zeros(3))
    with pytest.raises(ValueError, match="x must be at least 2-D"):
        batchnorm_forward(np.zeros(4), np.ones(4), np.zeros(4))


@pytest.mark.parametrize("shape", SHAPES)
def test_matches_keras_batch_normalization(shape):
    require("keras")
    tf = require("tensorflow")
    import keras

    x, gamma, beta = _case(shape, np.float32, seed=2)
    layer = keras.layers.BatchNormalization()  # Keras' defaults: momentum 0.99, epsilon 1e-3
    layer.build(shape)
    moving_mean = np.random.default_rng(3).normal(size=shape[-1]).astype(np.float32)
    moving_var = np.random.default_rng(4).uniform(0.5, 2, size=shape[-1]).astype(np.float32)
    layer.set_weights([gamma, beta, moving_mean, moving_var])
    R = tf.constant(np.random.default_rng(5).normal(size=shape).astype(np.float32))
    x_tensor = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_tensor)
        y = layer(x_tensor, training=True)
        loss = tf.reduce_sum(y * R)
    dx, dgamma, dbeta = tape.gradient(loss, [x_tensor, layer.gamma, layer.beta])

    ours, mean, var, cache = batchnorm_forward(x, gamma, beta)
    np.testing.assert_allclose(ours, y.numpy(), rtol=1e-5, atol=1e-5)
    for mine, theirs in zip(batchnorm_backward(R.numpy(), cache), (dx, dgamma, dbeta), strict=True):
        np.testing.assert_allclose(mine, theirs.numpy(), rtol=1e-5, atol=1e-5)
    # one training call moved Keras' averages exactly as update_moving does
    new_mean, new_var = update_moving(moving_mean, mean, MOMENTUM), update_moving(moving_var, var)
    np.testing.assert_allclose(layer.moving_mean.numpy(), new_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), new_var, rtol=1e-5, atol=1e-6)
    # inference uses those averages
    inference = batchnorm_inference(x, gamma, beta, new_mean, new_var)
    np.testing.assert_allclose(inference, layer(x, training=False).numpy(), rtol=1e-5, atol=1e-5)
