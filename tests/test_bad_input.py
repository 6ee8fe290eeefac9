"""Each kind of bad input raises ValueError/TypeError whose message names the parameter."""

import numpy as np
import pytest

from dlbasics import linear_regression, perceptron
from dlbasics.mlp import MLP
from dlbasics.optimizers import RMSprop, get_optimizer
from dlbasics.preprocessing import flatten_and_scale, one_hot
from dlbasics.vanishing import layer_gradient_norms


@pytest.fixture
def model():
    return MLP([4, 3, 2], ["relu", "softmax"], seed=0)


def test_wrong_rank_names_the_parameter_and_the_shape(model):
    with pytest.raises(
        ValueError, match=r"X must be 2-D \(n_samples, n_features\), got shape \(4,\)"
    ):
        model.predict(np.zeros(4))


def test_wrong_feature_count(model):
    with pytest.raises(ValueError, match=r"X must have 4 features .* got shape \(5, 3\)"):
        model.predict(np.zeros((5, 3)))


def test_labels_instead_of_one_hot(model):
    with pytest.raises(ValueError, match=r"y must have shape \(n_samples, 2\) \(one-hot rows"):
        model.fit(np.zeros((3, 4)), np.array([0, 1, 1]), verbose=False)


def test_mismatched_sample_counts(model):
    with pytest.raises(ValueError, match="X and y must have the same number of samples"):
        model.fit(np.zeros((3, 4)), np.zeros((2, 2)), verbose=False)


def test_non_numeric_dtype(model):
    with pytest.raises(TypeError, match="X must be an array of numbers, got dtype <U1"):
        model.predict(np.array([["a"] * 4]))
    with pytest.raises(TypeError, match="X must be an array of numbers, got str"):
        model.predict("data")


def test_non_finite_values(model):
    X = np.zeros((2, 4))
    X[1, 2] = np.nan
    with pytest.raises(ValueError, match="X must contain only finite values"):
        model.predict(X)
    with pytest.raises(ValueError, match="y must contain only finite values"):
        linear_regression.fit([1.0, 2.0], [1.0, np.inf])


def test_unknown_names():
    with pytest.raises(
        ValueError, match="unknown optimizer 'adagrad'; choose one of 'adam', 'rmsprop', 'sgd'"
    ):
        get_optimizer("adagrad")
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        MLP([2, 2], ["gelu"])
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        MLP([2, 2], ["softmax"], loss="hinge")
    with pytest.raises(ValueError, match="unknown init 'zeros'"):
        MLP([2, 2], ["softmax"], init="zeros")
    with pytest.raises(ValueError, match="unknown gate 'XNOR'"):
        perceptron.logic_gate("XNOR")


def test_bad_numbers():
    with pytest.raises(ValueError, match="learning_rate must be a finite number > 0, got -0.1"):
        RMSprop(learning_rate=-0.1)
    with pytest.raises(ValueError, match=r"rho must be in \[0, 1\), got 1.0"):
        RMSprop(rho=1.0)
    with pytest.raises(TypeError, match="n_epochs must be an integer, got float 1.5"):
        MLP([2, 2], ["softmax"]).fit(
            np.zeros((1, 2)), np.zeros((1, 2)), n_epochs=1.5, verbose=False
        )
    with pytest.raises(ValueError, match="batch_size must be >= 1, got 0"):
        MLP([2, 2], ["softmax"]).fit(
            np.zeros((1, 2)), np.zeros((1, 2)), batch_size=0, verbose=False
        )
    with pytest.raises(ValueError, match="depth must be >= 2, got 1"):
        layer_gradient_norms(1)


def test_structural_mistakes():
    with pytest.raises(
        ValueError, match=r"activations must name one activation per layer \(2\), got 1"
    ):
        MLP([2, 3, 2], ["relu"])
    with pytest.raises(ValueError, match="loss 'cross_entropy' needs a softmax output layer"):
        MLP([2, 2], ["sigmoid"])
    with pytest.raises(TypeError, match="dtype must be float32 or float64"):
        MLP([2, 2], ["softmax"], dtype=np.int32)
    with pytest.raises(ValueError, match="grads\\[0\\] must have the shape of params\\[0\\]"):
        RMSprop().step([np.zeros((2, 2))], [np.zeros(2)])
    with pytest.raises(TypeError, match="seed must be None, an int or a numpy.random.Generator"):
        MLP([2, 2], ["softmax"], seed="0")


def test_perceptron_labels_must_be_binary():
    with pytest.raises(ValueError, match=r"y must hold 0/1 labels, got values \[0.0, 2.0\]"):
        perceptron.train(np.zeros((2, 2)), np.array([0, 2]))


def test_preprocessing_checks():
    with pytest.raises(
        ValueError, match=r"images must be 3-D \(n_samples, height, width\), got shape \(784,\)"
    ):
        flatten_and_scale(np.zeros(784, dtype=np.uint8))
    with pytest.raises(TypeError, match="images must be uint8"):
        flatten_and_scale(np.zeros((1, 28, 28)))
    with pytest.raises(ValueError, match=r"labels must be in \[0, 9\], got values from 0 to 10"):
        one_hot(np.array([0, 10]))
    with pytest.raises(TypeError, match="labels must be integers"):
        one_hot(np.array([0.5]))


def test_no_function_mutates_the_callers_arrays():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 4)).astype(np.float32)
    y = np.eye(2, dtype=np.float32)[rng.integers(0, 2, size=20)]
    X_before, y_before = X.copy(), y.copy()
    model = MLP([4, 3, 2], ["tanh", "softmax"], seed=0)
    model.fit(X, y, batch_size=8, n_epochs=2, validation_data=(X, y), verbose=False, seed=0)
    model.loss_and_gradients(X, y)
    model.evaluate(X, y)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)

    x, t = linear_regression.make_data(10, seed=0)
    x_before, t_before = x.copy(), t.copy()
    linear_regression.fit(x, t, n_steps=5)
    linear_regression.cost_curve(x, t, np.linspace(0, 1, 3))
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(t, t_before)

    images = rng.integers(0, 256, size=(2, 28, 28)).astype(np.uint8)
    images_before = images.copy()
    flatten_and_scale(images)
    np.testing.assert_array_equal(images, images_before)


def test_huge_but_finite_values_are_accepted():
    # the fast finiteness check sums the array; an overflowing sum must not be mistaken for NaN
    model = MLP([2, 2], ["softmax"], seed=0, dtype=np.float64)
    assert model.predict(np.array([[1e308, 1e308]])).shape == (1, 2)
