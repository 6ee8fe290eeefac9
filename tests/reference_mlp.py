"""A straightforward reference MLP for the tests: plain NumPy, one formula per line, nothing clever.

It is the yardstick for :class:`dlbasics.mlp.MLP`, whose training loop is tuned for speed (in-place
updates, tanh' from the cached output, per-batch gathers, no input gradient). Here every step
makes new arrays, derivatives are taken of ``z`` as the textbook writes them, and the optimizer
returns new parameters instead of changing them. Shapes as everywhere in the project: rows are
samples, ``X`` is ``(n_samples, n_features)``, ``W`` is ``(n_in, n_out)``, ``Z = A @ W + b``.

Scope: dense layers with tanh, sigmoid or ReLU hidden units and a softmax output trained with
cross-entropy; RMSprop with the Keras formula. The initial weights are drawn exactly as
:class:`dlbasics.mlp.MLP` draws them (Glorot uniform, layer by layer from one generator), so the
two can start from the same point without copying each other's arrays.
"""

from __future__ import annotations

import numpy as np

EPSILON = 1e-7  # probabilities are clipped to [EPSILON, 1] before the log, as Keras does

HIDDEN = {
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "sigmoid": (
        lambda z: 1.0 / (1.0 + np.exp(-z)),
        lambda z: 1.0 / (1.0 + np.exp(-z)) * (1.0 - 1.0 / (1.0 + np.exp(-z))),
    ),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(z.dtype)),
}


def init_params(layer_sizes, seed, dtype=np.float64):
    """``[W1, b1, W2, b2, ...]``: Glorot-uniform weights, zero biases."""
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True):
        limit = np.sqrt(6.0 / (n_in + n_out))
        params.append(rng.uniform(-limit, limit, size=(n_in, n_out)).astype(dtype))
        params.append(np.zeros(n_out, dtype=dtype))
    return params


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def forward(params, hidden, X):
    """Every layer's input and pre-activation, and the softmax output: ``(As, Zs, p)``."""
    As, Zs = [], []
    A = X
    n_layers = len(params) // 2
    for layer in range(n_layers):
        W, b = params[2 * layer], params[2 * layer + 1]
        Z = A @ W + b  # (n, n_in) @ (n_in, n_out) -> (n, n_out)
        As.append(A)
        Zs.append(Z)
        A = softmax(Z) if layer == n_layers - 1 else HIDDEN[hidden][0](Z)
    return As, Zs, A


def cross_entropy(p, y):
    return -np.sum(y * np.log(np.clip(p, EPSILON, 1.0))) / p.shape[0]


def backward(params, hidden, As, Zs, p, y):
    """``[dW1, db1, ...]`` of the mean cross-entropy, by the chain rule from the output back."""
    n_layers = len(params) // 2
    grads = [None] * len(params)
    dZ = (p - y) / p.shape[0]  # softmax + cross-entropy
    for layer in range(n_layers - 1, -1, -1):
        grads[2 * layer] = As[layer].T @ dZ  # (n_in, n) @ (n, n_out) -> (n_in, n_out)
        grads[2 * layer + 1] = np.sum(dZ, axis=0)
        if layer > 0:
            dA = dZ @ params[2 * layer].T  # (n, n_out) @ (n_out, n_in) -> (n, n_in)
            dZ = dA * HIDDEN[hidden][1](Zs[layer - 1])
    return grads


def loss_and_gradients(params, hidden, X, y):
    """Mean cross-entropy on ``(X, y)`` and its gradient ``[dW1, db1, ...]``."""
    As, Zs, p = forward(params, hidden, X)
    return cross_entropy(p, y), backward(params, hidden, As, Zs, p, y)


def rmsprop(params, grads, velocities, learning_rate=0.001, rho=0.9, epsilon=1e-7):
    """One RMSprop step (the Keras formula); returns new parameters and new velocities."""
    new_params, new_velocities = [], []
    for param, grad, velocity in zip(params, grads, velocities, strict=True):
        velocity = rho * velocity + (1.0 - rho) * grad**2
        new_params.append(param - learning_rate * grad / np.sqrt(velocity + epsilon))
        new_velocities.append(velocity)
    return new_params, new_velocities


def train_epoch(params, hidden, X, y, *, batch_size, order, velocities=None):
    """One epoch of minibatch RMSprop over the rows of ``X`` in the given ``order``.

    Returns ``(params, velocities, loss, accuracy)``; loss and accuracy are averaged over the
    epoch's samples as they were trained, as Keras reports them.
    """
    if velocities is None:
        velocities = [np.zeros_like(p) for p in params]
    loss_sum, n_correct = 0.0, 0
    for start in range(0, X.shape[0], batch_size):
        rows = order[start : start + batch_size]
        X_batch, y_batch = X[rows], y[rows]
        As, Zs, p = forward(params, hidden, X_batch)
        loss_sum += cross_entropy(p, y_batch) * X_batch.shape[0]
        n_correct += int(np.sum(p.argmax(axis=1) == y_batch.argmax(axis=1)))
        grads = backward(params, hidden, As, Zs, p, y_batch)
        params, velocities = rmsprop(params, grads, velocities)
    return params, velocities, loss_sum / X.shape[0], n_correct / X.shape[0]


def evaluate(params, hidden, X, y):
    """Loss and accuracy on ``(X, y)``."""
    _, _, p = forward(params, hidden, X)
    return cross_entropy(p, y), float(np.mean(p.argmax(axis=1) == y.argmax(axis=1)))
