"""What the lecture claims each model learns: gates, XOR, linear regression, vanishing gradients."""

import numpy as np
import pytest

from dlbasics import linear_regression, perceptron
from dlbasics.mlp import MLP
from dlbasics.optimizers import SGD
from dlbasics.vanishing import layer_gradient_norms


@pytest.mark.parametrize("gate", ["AND", "OR", "NAND"])
def test_perceptron_learns_linearly_separable_gates(gate):
    X, y = perceptron.logic_gate(gate)
    result = perceptron.train(X, y, seed=0)
    assert result.converged
    assert result.errors_per_epoch[-1] == 0
    np.testing.assert_array_equal(result.predict(X), y)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_perceptron_reports_that_it_cannot_learn_xor(seed):
    X, y = perceptron.logic_gate("XOR")
    result = perceptron.train(X, y, max_epochs=50, seed=seed)
    assert not result.converged
    assert result.n_epochs == 50
    assert all(errors > 0 for errors in result.errors_per_epoch)
    assert "did NOT converge" in str(result)
    assert np.any(result.predict(X) != y)


def test_mlp_solves_xor_from_a_fixed_seed():
    X, y = perceptron.logic_gate("XOR")
    model = MLP([2, 4, 1], ["tanh", "sigmoid"], loss="mse", seed=0, dtype=np.float64)
    history = model.fit(
        X, y[:, None], optimizer=SGD(0.5), batch_size=4, n_epochs=3000, verbose=False, seed=0
    )
    predictions = (model.predict(X)[:, 0] > 0.5).astype(float)
    np.testing.assert_array_equal(predictions, y)
    assert history.history["accuracy"][-1] == 1.0
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_mlp_with_two_hidden_units_solves_xor():
    X, y = perceptron.logic_gate("XOR")
    model = MLP([2, 2, 2], ["sigmoid", "softmax"], seed=1, dtype=np.float64)
    model.fit(
        X,
        np.eye(2)[y.astype(int)],
        optimizer=SGD(1.0),
        batch_size=4,
        n_epochs=5000,
        verbose=False,
        seed=0,
    )
    assert model.evaluate(X, np.eye(2)[y.astype(int)])["accuracy"] == 1.0


def test_gradient_descent_ends_at_least_squares_solution():
    x, y = linear_regression.make_data(100, W=2.0, b=1.0, noise=0.5, seed=0)
    history = linear_regression.fit(x, y, learning_rate=0.05, n_steps=3000)
    W_ls, b_ls = np.linalg.lstsq(np.c_[x, np.ones_like(x)], y, rcond=None)[0]
    assert not history.diverged
    assert abs(history.final_W[0] - W_ls) < 1e-3
    assert abs(history.final_b - b_ls) < 1e-3
    assert np.all(np.diff(history.cost) <= 1e-12)  # a small enough step never raises the cost
    assert history.W.shape == (3001, 1) and history.cost.shape == (3001,)


def test_gradient_descent_with_too_large_a_step_is_reported_as_diverged():
    x, y = linear_regression.make_data(50, seed=0)
    history = linear_regression.fit(x, y, learning_rate=1.0, n_steps=5000)
    assert history.diverged
    assert np.all(np.isfinite(history.cost))
    assert history.cost[-1] > history.cost[0]


def test_cost_curve_is_a_bowl_with_its_minimum_at_the_best_W():
    x, y = linear_regression.make_data(50, W=2.0, b=0.0, noise=0.1, seed=1)
    W_values = np.linspace(-1, 5, 601)
    costs = linear_regression.cost_curve(x, y, W_values, b=0.0)
    best = W_values[np.argmin(costs)]
    assert best == pytest.approx(np.sum(x * y) / np.sum(x * x), abs=0.01)
    assert costs[0] > costs.min() < costs[-1]
    assert linear_regression.cost(x, y, [best], 0.0) == pytest.approx(costs.min())


def test_multifeature_linear_regression_matches_lstsq():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = X @ np.array([1.5, -2.0, 0.5]) + 0.3 + rng.normal(0, 0.1, size=80)
    history = linear_regression.fit(X, y, learning_rate=0.1, n_steps=2000)
    solution = np.linalg.lstsq(np.c_[X, np.ones(80)], y, rcond=None)[0]
    np.testing.assert_allclose(history.final_W, solution[:3], atol=1e-3)
    assert history.final_b == pytest.approx(solution[3], abs=1e-3)


@pytest.mark.parametrize("depth", [8, 12])
def test_sigmoid_gradients_vanish_and_relu_gradients_do_not(depth):
    sigmoid = layer_gradient_norms(depth, "sigmoid", seed=0)
    relu = layer_gradient_norms(depth, "relu", seed=0)
    assert sigmoid.shape == relu.shape == (depth,)
    assert sigmoid[0] / sigmoid[-1] < 1e-2
    assert relu[0] / relu[-1] > 1e-1
    # and the sigmoid norms shrink layer by layer toward the input (hidden layers)
    assert np.all(np.diff(sigmoid[:-1]) > 0)
