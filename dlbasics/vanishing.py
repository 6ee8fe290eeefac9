"""The vanishing-gradient experiment: how big is each layer's gradient in a deep network?

Backprop multiplies by f'(z) once per layer. Sigmoid's derivative is at most 0.25, so in a deep
sigmoid network the gradient shrinks layer after layer on its way back to the input, and the first
layers barely learn. ReLU's derivative is 1 wherever the unit is active, so (with He initialization)
the gradient keeps its size.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_generator, check_int
from .mlp import MLP
from .preprocessing import one_hot


def layer_gradient_norms(
    depth: int = 10,
    activation: str = "sigmoid",
    *,
    width: int = 64,
    n_inputs: int = 32,
    n_classes: int = 10,
    n_samples: int = 256,
    init: str | None = None,
    seed=0,
) -> np.ndarray:
    """The norm ||dW|| of every layer of a fresh ``depth``-layer network, input side first.

    The network has ``depth - 1`` hidden layers of ``width`` units with ``activation`` and a softmax
    output, and is fed random inputs and labels (no training: this is the gradient at the start).
    ``init`` defaults to He for ReLU and Glorot otherwise. Returns shape ``(depth,)``.
    """
    depth = check_int("depth", depth, minimum=2)
    width = check_int("width", width)
    n_samples = check_int("n_samples", n_samples)
    rng = as_generator(seed)
    if init is None:
        init = "he_normal" if activation == "relu" else "glorot_uniform"
    sizes = [n_inputs] + [width] * (depth - 1) + [n_classes]
    model = MLP(
        sizes, [activation] * (depth - 1) + ["softmax"], init=init, seed=rng, dtype=np.float64
    )
    X = rng.normal(size=(n_samples, n_inputs))
    y = one_hot(rng.integers(0, n_classes, size=n_samples), n_classes, dtype=np.float64)
    _, grads = model.loss_and_gradients(X, y)
    return np.array([np.linalg.norm(dW) for dW in grads[0::2]])
