"""Optimizers that update parameter arrays in place: SGD (with optional momentum), RMSprop, Adam.

``step(params, grads)`` takes two equally long lists of arrays, ``params[i]`` and its gradient
``grads[i]`` of the same shape, and changes ``params`` in place. In-place updates with ``out=`` keep
training from allocating a new 784x392 matrix several times per batch. Each class has Keras'
defaults and computes Keras' formula, so one step here equals one step of ``keras.optimizers.*``
on the same gradients (tests/test_optimizers.py). :func:`trajectory` runs an optimizer on a small
function of a few numbers, for drawing its path.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    as_float_array,
    check_choice,
    check_fraction,
    check_int,
    check_positive_float,
)


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


class Adam(Optimizer):
    """Adam with the Keras defaults and the Keras formula: momentum and RMSprop together.

    m = beta_1 * m + (1 - beta_1) * g (a running mean of the gradient, as momentum keeps) and
    v = beta_2 * v + (1 - beta_2) * g^2 (a running mean of its square, as RMSprop keeps); then
    W -= lr_t * m / (sqrt(v) + epsilon) with lr_t = learning_rate * sqrt(1 - beta_2^t) / (1 - beta_1^t)
    at step t = 1, 2, ... Both means start at 0, so early on they are too small by the factors
    (1 - beta_1^t) and (1 - beta_2^t): lr_t divides them out (the bias correction). Keras folds the
    two corrections into the learning rate, as here; the paper divides m and v themselves, which
    differs only in where epsilon sits.
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
    ):
        super().__init__(learning_rate)
        self.beta_1 = check_fraction("beta_1", beta_1)
        self.beta_2 = check_fraction("beta_2", beta_2)
        self.epsilon = check_positive_float("epsilon", epsilon)
        self.iterations = 0  # steps taken: t - 1 during step t (Keras' optimizer.iterations)

    def _new_state(self, param):
        return {
            "m": np.zeros_like(param),
            "v": np.zeros_like(param),
            "scratch": np.empty_like(param),
        }

    def step(self, params, grads) -> None:
        self.iterations += 1  # one t for all parameters of this step
        super().step(params, grads)

    def corrected_learning_rate(self) -> float:
        """lr_t of the step just taken: the learning rate with both bias corrections folded in."""
        t = self.iterations
        return self.learning_rate * np.sqrt(1.0 - self.beta_2**t) / (1.0 - self.beta_1**t)

    def _update(self, param, grad, state) -> None:
        m, v, scratch = state["m"], state["v"], state["scratch"]
        np.subtract(grad, m, out=scratch)
        scratch *= 1.0 - self.beta_1
        m += scratch  # m = beta_1 m + (1 - beta_1) g
        np.multiply(grad, grad, out=scratch)
        scratch -= v
        scratch *= 1.0 - self.beta_2
        v += scratch  # v = beta_2 v + (1 - beta_2) g^2
        np.sqrt(v, out=scratch)
        scratch += self.epsilon
        np.divide(m, scratch, out=scratch)
        scratch *= self.corrected_learning_rate()
        param -= scratch  # W -= lr_t m / (sqrt(v) + eps)


OPTIMIZERS = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam}


def get_optimizer(optimizer="rmsprop", **kwargs) -> Optimizer:
    """An optimizer by name (``'sgd'``, ``'rmsprop'``, ``'adam'``) with keyword settings, or an
    instance."""
    if isinstance(optimizer, Optimizer):
        if kwargs:
            raise TypeError(
                "pass settings either to the optimizer instance or as keywords, not both"
            )
        return optimizer
    name = check_choice("optimizer", optimizer, OPTIMIZERS)
    return OPTIMIZERS[name](**kwargs)


def trajectory(optimizer, gradient, start, n_steps: int) -> np.ndarray:
    """The points ``optimizer`` visits from ``start`` in ``n_steps`` steps: ``(n_steps + 1, n)``.

    ``gradient(point)`` returns the gradient at ``point``, an array of ``n`` numbers (the
    parameters of a small problem, e.g. ``[W, b]``); row 0 is ``start``. ``optimizer`` is an
    :class:`Optimizer` or a name with Keras' defaults. A path that leaves the finite numbers stops
    there, so a diverging run ends at its last finite point instead of filling up with NaN.
    """
    optimizer = get_optimizer(optimizer)
    point = as_float_array("start", start, ndim=1, shape_hint="(n_parameters,)").copy()
    n_steps = check_int("n_steps", n_steps)
    path = [point.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_steps):
            grad = np.asarray(gradient(point), dtype=np.float64)
            optimizer.step([point], [grad])
            if not np.all(np.isfinite(point)):
                break
            path.append(point.copy())
    return np.array(path)  # (n_steps + 1, n_parameters)
