"""Optimizers that update parameter arrays in place: plain SGD (with optional momentum) and RMSprop.

``step(params, grads)`` takes two equally long lists of arrays, ``params[i]`` and its gradient
``grads[i]`` of the same shape, and changes ``params`` in place. In-place updates with ``out=`` keep
training from allocating a new 784x392 matrix several times per batch.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_choice, check_fraction, check_positive_float


class Optimizer:
    """Base class: checks the lists, keeps one state slot per parameter."""

    def __init__(self, learning_rate: float):
        self.learning_rate = check_positive_float("learning_rate", learning_rate)
        self._state: list[dict[str, np.ndarray]] | None = None

    def _check(self, params, grads) -> None:
        if len(params) != len(grads):
            raise ValueError(
                f"params and grads must have the same length, got {len(params)} and {len(grads)}"
            )
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            if p.shape != g.shape:
                raise ValueError(
                    f"grads[{i}] must have the shape of params[{i}] {p.shape}, got {g.shape}"
                )
        if self._state is None or len(self._state) != len(params):
            self._state = [self._new_state(p) for p in params]

    def _new_state(self, param) -> dict[str, np.ndarray]:
        return {}

    def step(self, params, grads) -> None:
        self._check(params, grads)
        for param, grad, state in zip(params, grads, self._state, strict=True):
            self._update(param, grad, state)

    def _update(self, param, grad, state) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """W -= learning_rate * dW; with momentum: v = momentum * v - learning_rate * dW, W += v."""

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0):
        super().__init__(learning_rate)
        self.momentum = check_fraction("momentum", momentum)

    def _new_state(self, param):
        return {"velocity": np.zeros_like(param)} if self.momentum else {}

    def _update(self, param, grad, state) -> None:
        if not self.momentum:
            param -= self.learning_rate * grad
            return
        velocity = state["velocity"]
        velocity *= self.momentum
        velocity -= self.learning_rate * grad
        param += velocity


class RMSprop(Optimizer):
    """RMSprop with the Keras defaults and the Keras formula.

    v = rho * v + (1 - rho) * g^2, then W -= learning_rate * g / sqrt(v + epsilon).
    Dividing by the running root-mean-square of each weight's gradient gives every weight its own
    step size.
    """

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.9, epsilon: float = 1e-7):
        super().__init__(learning_rate)
        self.rho = check_fraction("rho", rho)
        self.epsilon = check_positive_float("epsilon", epsilon)

    def _new_state(self, param):
        # "scratch" is reused for every temporary, so an update allocates nothing. The update is
        # still nine passes over the array; for MNIST's 784x392 matrix they are the largest cost
        # of a training step after the two big matrix products (see dlbasics.bench).
        return {"velocity": np.zeros_like(param), "scratch": np.empty_like(param)}

    def _update(self, param, grad, state) -> None:
        velocity, scratch = state["velocity"], state["scratch"]
        np.multiply(grad, grad, out=scratch)  # g^2
        velocity *= self.rho
        scratch *= 1.0 - self.rho
        velocity += scratch  # v = rho v + (1 - rho) g^2
        np.add(velocity, self.epsilon, out=scratch)
        np.sqrt(scratch, out=scratch)  # sqrt(v + eps)
        np.divide(grad, scratch, out=scratch)
        scratch *= self.learning_rate
        param -= scratch  # W -= lr g / sqrt(v + eps)


OPTIMIZERS = {"sgd": SGD, "rmsprop": RMSprop}


def get_optimizer(optimizer="rmsprop", **kwargs) -> Optimizer:
    """An optimizer by name (``'sgd'``, ``'rmsprop'``) with keyword settings, or an instance."""
    if isinstance(optimizer, Optimizer):
        if kwargs:
            raise TypeError(
                "pass settings either to the optimizer instance or as keywords, not both"
            )
        return optimizer
    name = check_choice("optimizer", optimizer, OPTIMIZERS)
    return OPTIMIZERS[name](**kwargs)
