"""Backprop against numerical gradients (float64) and against TensorFlow's autodiff."""

import numpy as np
import pytest

from dlbasics.gradient_check import check_model_gradients
from dlbasics.mlp import MLP

from ._support import require

HIDDEN = ["step", "sigmoid", "tanh", "relu", "linear", "softmax"]
OUTPUTS_FOR_MSE = ["sigmoid", "tanh", "relu", "linear", "softmax"]
SHAPES = [(3, [4], 2), (5, [6, 3], 4), (2, [3, 3, 3], 3)]


def _data(rng, n_in, n_out, n_samples=7):
    X = rng.normal(size=(n_samples, n_in))
    y = np.eye(n_out)[rng.integers(0, n_out, size=n_samples)]
    return X, y


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("shape", SHAPES)
def test_cross_entropy_backprop_matches_numerical_gradient(hidden, shape):
    n_in, widths, n_out = shape
    rng = np.random.default_rng(len(widths))
    model = MLP(
        [n_in, *widths, n_out], [hidden] * len(widths) + ["softmax"], seed=rng, dtype=np.float64
    )
    errors = check_model_gradients(model, *_data(rng, n_in, n_out))
    assert max(errors) < 1e-6, errors


@pytest.mark.parametrize("output", OUTPUTS_FOR_MSE)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_mse_backprop_matches_numerical_gradient(hidden, output):
    rng = np.random.default_rng(7)
    model = MLP([4, 5, 3], [hidden, output], loss="mse", seed=rng, dtype=np.float64)
    X, y = _data(rng, 4, 3)
    errors = check_model_gradients(model, X, y)
    assert max(errors) < 1e-6, errors


class _SignFlipped(MLP):
    """A wrong backward pass: the output layer's error with the wrong sign, (y - p) / n."""

    def _output_delta(self, output, Z_out, y):
        return -super()._output_delta(output, Z_out, y)


class _NoHiddenDerivative(MLP):
    """A wrong backward pass: the error crosses the hidden layers without f'(z) (a learner's slip)."""

    def _backward(self, cache, y):
        linear = [
            type(a)(a.name, a.function, a.derivative, lambda out: 1.0) for a in self.activations
        ]
        saved, self.activations = self.activations, linear[:-1] + [self.activations[-1]]
        try:
            return super()._backward(cache, y)
        finally:
            self.activations = saved


class _NoMean(MLP):
    """A wrong backward pass: the loss is a mean over samples, its gradient a sum (missing 1/n)."""

    def _output_delta(self, output, Z_out, y):
        return super()._output_delta(output, Z_out, y) * output.shape[0]


@pytest.mark.parametrize(
    ("buggy", "wrong"),
    [(_SignFlipped, {0, 1, 2, 3}), (_NoHiddenDerivative, {0, 1}), (_NoMean, {0, 1, 2, 3})],
)
def test_gradient_check_reports_a_large_error_for_a_wrong_backward_pass(buggy, wrong):
    """The checker can fail: a checker that always said 0 would not pass this test.

    The backpropagation page claims a bug "shows up as an error many orders of magnitude larger";
    each bug here is one learners make, and only the parameters it touches are reported.
    """
    rng = np.random.default_rng(3)
    model = buggy([3, 5, 4], ["tanh", "softmax"], seed=rng, dtype=np.float64)
    errors = check_model_gradients(model, *_data(rng, 3, 4, n_samples=6))
    for index, error in enumerate(errors):
        if index in wrong:
            assert error > 0.1, (index, errors)
        else:
            assert error < 1e-7, (index, errors)


def test_gradient_check_restores_weights():
    model = MLP([3, 4, 2], ["tanh", "softmax"], seed=0, dtype=np.float64)
    before = [p.copy() for p in model.params]
    check_model_gradients(model, *_data(np.random.default_rng(0), 3, 2))
    for old, new in zip(before, model.params, strict=True):
        np.testing.assert_array_equal(old, new)


def test_gradient_check_refuses_float32():
    model = MLP([3, 2], ["softmax"], seed=0)  # float32 by default
    with pytest.raises(TypeError, match="model.dtype must be float64"):
        check_model_gradients(model, np.zeros((1, 3)), np.array([[1.0, 0.0]]))


TF_ACTIVATIONS = {
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "linear": None,
    "softmax": "softmax",
}


@pytest.mark.parametrize(
    ("activations", "loss"),
    [
        (["tanh", "softmax"], "cross_entropy"),
        (["relu", "sigmoid", "softmax"], "cross_entropy"),
        (["sigmoid", "linear"], "mse"),
        (["relu", "tanh"], "mse"),
    ],
)
def test_forward_and_gradients_match_tensorflow(activations, loss):
    tf = require("tensorflow")
    rng = np.random.default_rng(3)
    sizes = [6] + [5] * (len(activations) - 1) + [4]
    model = MLP(sizes, activations, loss=loss, seed=rng, dtype=np.float64)
    X, y = _data(rng, sizes[0], sizes[-1], n_samples=9)

    variables = [tf.Variable(p) for p in model.params]
    with tf.GradientTape() as tape:
        a = tf.constant(X)
        for i, name in enumerate(activations):
            z = a @ variables[2 * i] + variables[2 * i + 1]
            a = z if name == "linear" else getattr(tf.nn, TF_ACTIVATIONS[name])(z)
        if loss == "cross_entropy":
            tf_loss = tf.reduce_mean(-tf.reduce_sum(y * tf.math.log(a), axis=1))
        else:
            tf_loss = tf.reduce_mean((a - y) ** 2)
    tf_grads = tape.gradient(tf_loss, variables)

    np.testing.assert_allclose(model.predict(X), a.numpy(), atol=1e-5)
    ours_loss, ours_grads = model.loss_and_gradients(X, y)
    assert ours_loss == pytest.approx(float(tf_loss), abs=1e-5)
    for ours, theirs in zip(ours_grads, tf_grads, strict=True):
        np.testing.assert_allclose(ours, theirs.numpy(), atol=1e-5)
