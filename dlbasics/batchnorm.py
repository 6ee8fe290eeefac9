"""Batch normalization from scratch: forward (training and inference) and backward, in NumPy.

Each feature (the last axis: a dense layer's unit, a convolution's channel) is normalized over
everything else in the batch (for images ``(n, h, w, c)``: over ``n``, ``h`` and ``w``), as Keras'
``BatchNormalization(axis=-1)`` does:

    mu = mean(x),  var = mean((x - mu)^2),  x_hat = (x - mu) / sqrt(var + epsilon),
    y = gamma * x_hat + beta

``gamma`` and ``beta`` are learned, so the layer can undo the normalization where that helps.
Training uses the batch's own ``mu`` and ``var`` and updates moving averages of them; inference
uses those averages (``moving = momentum * moving + (1 - momentum) * batch``), so a prediction
does not depend on the other images in its batch. Keras' defaults: ``momentum=0.99``,
``epsilon=1e-3``; the variance divides by the count, not count - 1.

The backward pass: every ``x`` enters ``y`` directly and through ``mu`` and ``var``, which gives,
with ``m`` values per feature and ``dx_hat = dy * gamma``,

    dx = (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat)) / sqrt(var + epsilon)
    dgamma = sum(dy * x_hat),  dbeta = sum(dy)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array, check_fraction, check_positive_float

MOMENTUM = 0.99  # Keras' default
EPSILON = 1e-3  # Keras' default


@dataclass
class BatchNormCache:
    """What the backward pass needs from a training forward pass."""

    x_hat: np.ndarray  # x normalized, the shape of x
    inv_std: np.ndarray  # 1 / sqrt(var + epsilon), (n_features,)
    gamma: np.ndarray


def _axes(x) -> tuple[int, ...]:
    return tuple(range(x.ndim - 1))  # all but the features (last) axis


def batchnorm_forward(x, gamma, beta, *, epsilon: float = EPSILON):
    """Training: normalize ``x`` with its own batch statistics; returns ``(y, mean, var, cache)``.

    ``x`` is ``(..., n_features)`` (at least 2-D), ``gamma`` and ``beta`` ``(n_features,)``.
    ``mean`` and ``var`` (``(n_features,)``) are what :func:`update_moving` averages.
    """
    x = as_float_array(
        "x", x, dtype=np.float64 if np.asarray(x).dtype != np.float32 else np.float32
    )
    if x.ndim < 2:
        raise ValueError(
            f"x must be at least 2-D (n_samples, ..., n_features), got shape {x.shape}"
        )
    gamma = as_float_array("gamma", gamma, ndim=1, dtype=x.dtype)
    beta = as_float_array("beta", beta, ndim=1, dtype=x.dtype)
    for name, array in (("gamma", gamma), ("beta", beta)):
        if array.shape != (x.shape[-1],):
            raise ValueError(
                f"{name} must have shape ({x.shape[-1]},) (x's last axis), got {array.shape}"
            )
    epsilon = check_positive_float("epsilon", epsilon)
    axes = _axes(x)
    mean = x.mean(axis=axes)  # (n_features,)
    var = np.square(x - mean).mean(axis=axes)  # (n_features,): divided by the count, as Keras
    inv_std = 1.0 / np.sqrt(var + epsilon)
    x_hat = (x - mean) * inv_std  # (..., n_features)
    y = gamma * x_hat + beta
    return y, mean, var, BatchNormCache(x_hat, inv_std, gamma)


def batchnorm_inference(x, gamma, beta, moving_mean, moving_var, *, epsilon: float = EPSILON):
    """Inference: the same formula with the moving averages in place of the batch's statistics."""
    x = np.asarray(x)
    return gamma * (x - moving_mean) / np.sqrt(moving_var + epsilon) + beta


def batchnorm_backward(dy, cache: BatchNormCache):
    """``(dx, dgamma, dbeta)`` from ``dy`` (the shape of ``x``), through the batch statistics."""
    axes = _axes(dy)
    dgamma = np.sum(dy * cache.x_hat, axis=axes)  # (n_features,)
    dbeta = np.sum(dy, axis=axes)  # (n_features,)
    dx_hat = dy * cache.gamma
    dx = (
        dx_hat - dx_hat.mean(axis=axes) - cache.x_hat * np.mean(dx_hat * cache.x_hat, axis=axes)
    ) * cache.inv_std
    return dx, dgamma, dbeta


def update_moving(moving, batch, momentum: float = MOMENTUM):
    """``momentum * moving + (1 - momentum) * batch``, Keras' moving average (a new array)."""
    momentum = check_fraction("momentum", momentum)
    return momentum * np.asarray(moving) + (1.0 - momentum) * np.asarray(batch)
