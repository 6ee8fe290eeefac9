"""Losses: values, gradients against central differences, and stability at the extremes."""

import numpy as np
import pytest

from dlbasics.activations import softmax
from dlbasics.gradient_check import numerical_gradient, relative_error
from dlbasics.losses import (
    cross_entropy,
    cross_entropy_from_logits,
    cross_entropy_gradient,
    mean_squared_error,
    mean_squared_error_gradient,
    softmax_cross_entropy_gradient,
)


def test_mse_is_the_lecture_cost():
    # sum((H(x) - y)^2) / m for H = [1, 2, 3], y = [1, 1, 1]: (0 + 1 + 4) / 3
    assert mean_squared_error([[1.0], [2.0], [3.0]], [[1.0], [1.0], [1.0]]) == pytest.approx(5 / 3)


def test_mse_gradient_matches_central_differences():
    rng = np.random.default_rng(0)
    y_pred, y_true = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    numeric = numerical_gradient(lambda v: mean_squared_error(v, y_true), y_pred)
    assert relative_error(mean_squared_error_gradient(y_pred, y_true), numeric) < 1e-8


def test_cross_entropy_known_value_and_gradient():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    y = np.array([[1.0, 0, 0], [0, 0, 1.0]])
    assert cross_entropy(p, y) == pytest.approx(-(np.log(0.7) + np.log(0.8)) / 2)
    numeric = numerical_gradient(lambda v: cross_entropy(v, y), p)
    assert relative_error(cross_entropy_gradient(p, y), numeric) < 1e-8


def test_fused_softmax_cross_entropy_gradient_is_p_minus_y():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(6, 4))
    y = np.eye(4)[rng.integers(0, 4, size=6)]
    numeric = numerical_gradient(lambda v: cross_entropy(softmax(v), y), z)
    assert relative_error(softmax_cross_entropy_gradient(softmax(z), y), numeric) < 1e-8
    np.testing.assert_allclose(softmax_cross_entropy_gradient(softmax(z), y), (softmax(z) - y) / 6)


def test_cross_entropy_is_finite_and_correct_at_probabilities_0_and_1():
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert cross_entropy(np.array([[1.0, 0.0], [0.0, 1.0]]), y) == pytest.approx(0.0, abs=1e-12)
    wrong = cross_entropy(np.array([[0.0, 1.0], [1.0, 0.0]]), y)  # certain and wrong
    assert np.isfinite(wrong)
    assert wrong == pytest.approx(-np.log(1e-7))  # clipped at 1e-7, as Keras does
    assert np.all(
        np.isfinite(cross_entropy_gradient(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])))
    )


def test_cross_entropy_from_logits_is_exact_at_plus_minus_1000():
    z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0], [0.0, 0.0]])
    y = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss = cross_entropy_from_logits(z, y)
    # rows: log-prob 0, log-prob -2000, log-prob -log 2
    assert loss == pytest.approx((0 + 2000 + np.log(2)) / 3)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        grad = softmax_cross_entropy_gradient(softmax(z), y)
    np.testing.assert_allclose(grad, (np.array([[1, 0], [0, 1], [0.5, 0.5]]) - y) / 3)


def test_loss_inputs_are_checked():
    with pytest.raises(
        ValueError, match=r"y_pred and y_true must have the same shape, got \(2, 3\) and \(2, 2\)"
    ):
        mean_squared_error(np.zeros((2, 3)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="p must hold probabilities"):
        cross_entropy(np.array([[2.0, -1.0]]), np.array([[1.0, 0.0]]))
    with pytest.raises(ValueError, match="y_pred must contain only finite values"):
        mean_squared_error(np.array([[np.nan]]), np.array([[1.0]]))
