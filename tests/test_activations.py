"""Activations: every derivative against central differences, stability, and the kink conventions."""

import numpy as np
import pytest

from dlbasics.activations import ACTIVATIONS, get_activation, softmax, softmax_backward
from dlbasics.gradient_check import numerical_gradient, relative_error

ELEMENTWISE = [name for name, act in ACTIVATIONS.items() if act.derivative is not None]


def _away_from_kinks(rng, size=200):
    z = rng.uniform(-6, 6, size=size)
    return z[np.abs(z) > 1e-3]  # step and ReLU have a kink at 0


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_differences(name):
    act = get_activation(name)
    z = _away_from_kinks(np.random.default_rng(0))
    numeric = numerical_gradient(lambda v: np.sum(act(v)), z)
    np.testing.assert_allclose(act.derivative(z), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_derivative_from_output_equals_derivative_of_z(name):
    act = get_activation(name)
    z = _away_from_kinks(np.random.default_rng(1))
    np.testing.assert_allclose(act.derivative_from_output(act(z)), act.derivative(z), rtol=1e-12)


def test_relu_and_step_derivative_at_zero_is_zero_by_convention():
    assert get_activation("relu").derivative(np.array([0.0]))[0] == 0.0
    assert get_activation("step").derivative(np.array([0.0]))[0] == 0.0
    assert get_activation("relu")(np.array([0.0]))[0] == 0.0
    assert get_activation("step")(np.array([0.0]))[0] == 0.0  # step(0) = 0: "fires" only for z > 0


def test_known_values():
    z = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_allclose(get_activation("sigmoid")(z), 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(get_activation("relu")(z), [0, 0, 2])
    np.testing.assert_allclose(get_activation("step")(z), [0, 0, 1])
    assert get_activation("sigmoid").derivative(np.array([0.0]))[0] == pytest.approx(0.25)


def test_sigmoid_is_stable_for_huge_inputs():
    with np.errstate(
        over="raise", invalid="raise", divide="raise"
    ):  # no overflow (underflow to 0 is harmless)
        out = get_activation("sigmoid")(np.array([-1000.0, 1000.0]))
    np.testing.assert_array_equal(out, [0.0, 1.0])


def test_softmax_rows_sum_to_one_and_survive_huge_logits():
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0], [1.0, 2.0, 3.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p = softmax(z)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(p[1], [1 / 3] * 3)
    np.testing.assert_allclose(p[2], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())


def test_softmax_backward_matches_numerical_jacobian_product():
    rng = np.random.default_rng(2)
    z = rng.normal(size=(4, 5))
    upstream = rng.normal(size=(4, 5))
    numeric = numerical_gradient(lambda v: np.sum(softmax(v) * upstream), z)
    assert relative_error(softmax_backward(softmax(z), upstream), numeric) < 1e-8


def test_activation_functions_do_not_mutate_input():
    z = np.array([-2.0, 0.0, 3.0])
    before = z.copy()
    for act in ACTIVATIONS.values():
        act(z[None, :] if act.derivative is None else z)
        if act.derivative is not None:
            act.derivative(z)
    np.testing.assert_array_equal(z, before)


def test_unknown_activation_name_lists_the_choices():
    with pytest.raises(ValueError, match=r"unknown activation 'sigmoidd'; choose one of .*'relu'"):
        get_activation("sigmoidd")
    with pytest.raises(TypeError, match="activation must be a string"):
        get_activation(3)
