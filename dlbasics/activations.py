"""Activation functions and their derivatives, side by side, in one registry looked up by name.

Shapes: every function is elementwise on ``z`` of any shape, except softmax, which works row by
row on ``z`` of shape ``(n_samples, n_classes)``.

Each derivative takes ``z`` (the pre-activation), not the output ``a``. Conventions at the kinks:
step'(z) = 0 everywhere (the step is flat wherever it is differentiable; at 0 we also say 0), and
ReLU'(0) = 0, as TensorFlow and PyTorch do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._validation import check_choice


def step(z):
    """Heaviside step: 1 where z > 0, else 0 (the perceptron's activation)."""
    return (np.asarray(z) > 0).astype(np.result_type(z, np.float32))


def step_derivative(z):
    """0 everywhere: the step is flat, so no gradient flows through it (why backprop needs smooth units)."""
    return np.zeros_like(np.asarray(z, dtype=np.result_type(z, np.float32)))


def sigmoid(z):
    """1 / (1 + e^-z), computed from e^-|z| so it never overflows for large |z|."""
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(np.result_type(z, np.float32))


def sigmoid_derivative(z):
    """sigmoid(z) * (1 - sigmoid(z)); at most 0.25, which is why deep sigmoid nets vanish."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    return np.tanh(z)


def tanh_derivative(z):
    """1 - tanh(z)^2."""
    t = np.tanh(z)
    return 1.0 - t * t


def relu(z):
    """max(0, z): 0 to infinity."""
    return np.maximum(z, 0)


def relu_derivative(z):
    """1 where z > 0, else 0; ReLU'(0) = 0 by convention."""
    return (np.asarray(z) > 0).astype(np.result_type(z, np.float32))


def linear(z):
    """The identity, for a regression output layer."""
    return np.asarray(z)


def linear_derivative(z):
    return np.ones_like(np.asarray(z, dtype=np.result_type(z, np.float32)))


def softmax(z):
    """Row-wise softmax of ``z`` (n_samples, n_classes).

    Subtracting each row's max first changes nothing mathematically and keeps exp() from overflowing.
    """
    z = np.asarray(z)
    if z.ndim != 2:
        raise ValueError(f"z must be 2-D (n_samples, n_classes) for softmax, got shape {z.shape}")
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def softmax_backward(a, grad_a):
    """Vector-Jacobian product of softmax: dL/dz = a * (dL/da - sum(dL/da * a)), row by row."""
    return a * (grad_a - np.sum(grad_a * a, axis=1, keepdims=True))


@dataclass(frozen=True)
class Activation:
    """One activation: its function, its derivative (of ``z``) and the backward rule the MLP uses."""

    name: str
    function: Callable
    derivative: Callable | None  # elementwise f'(z); None for softmax (not elementwise)
    # f'(z) written with the output a = f(z), when that is cheaper: backprop then reuses the
    # forward pass's output instead of computing exp() or tanh() again.
    derivative_from_output: Callable | None = None

    def __call__(self, z):
        return self.function(z)

    def backward(self, z, a, grad_a):
        """dL/dz from dL/da; ``z`` is the pre-activation and ``a`` its output."""
        if self.derivative is None:
            return softmax_backward(a, grad_a)
        if self.derivative_from_output is not None:
            return grad_a * self.derivative_from_output(a)
        return grad_a * self.derivative(z)


ACTIVATIONS: dict[str, Activation] = {
    "step": Activation("step", step, step_derivative),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative, lambda a: a * (1 - a)),
    "tanh": Activation("tanh", tanh, tanh_derivative, lambda a: 1 - a * a),
    "relu": Activation("relu", relu, relu_derivative, relu_derivative),  # a > 0 exactly when z > 0
    "linear": Activation("linear", linear, linear_derivative),
    "softmax": Activation("softmax", softmax, None),
}


def get_activation(name) -> Activation:
    """Look an activation up by name (``'sigmoid'``, ``'tanh'``, ``'relu'``, ...)."""
    if isinstance(name, Activation):
        return name
    return ACTIVATIONS[check_choice("activation", name, ACTIVATIONS)]
