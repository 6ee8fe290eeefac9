"""Optimizers: the update formulas, Keras' defaults, and agreement with Keras' own optimizers
(SGD with and without momentum, RMSprop, Adam) step by step on the same gradients."""

import numpy as np
import pytest

from dlbasics.mlp import MLP
from dlbasics.optimizers import SGD, Adam, RMSprop, get_optimizer, trajectory

from ._support import require


def test_rmsprop_defaults_match_keras():
    optimizer = RMSprop()
    assert (optimizer.learning_rate, optimizer.rho, optimizer.epsilon) == (0.001, 0.9, 1e-7)
    assert isinstance(get_optimizer("rmsprop"), RMSprop)


def test_rmsprop_first_step_by_hand():
    W = np.array([1.0, -2.0])
    g = np.array([0.5, -0.1])
    RMSprop(learning_rate=0.01).step([W], [g])
    v = 0.1 * g**2
    np.testing.assert_allclose(W, np.array([1.0, -2.0]) - 0.01 * g / np.sqrt(v + 1e-7))


def test_sgd_with_and_without_momentum():
    W = np.array([1.0])
    SGD(learning_rate=0.1).step([W], [np.array([2.0])])
    assert W[0] == pytest.approx(0.8)
    W = np.array([1.0])
    optimizer = SGD(learning_rate=0.1, momentum=0.9)
    optimizer.step([W], [np.array([1.0])])  # v = -0.1
    optimizer.step([W], [np.array([1.0])])  # v = -0.09 - 0.1
    assert W[0] == pytest.approx(1.0 - 0.1 - 0.19)


def test_optimizer_does_not_touch_gradients():
    g = np.array([0.5, -0.1])
    before = g.copy()
    RMSprop().step([np.zeros(2)], [g])
    np.testing.assert_array_equal(g, before)


OURS_AND_KERAS = {  # our optimizer and Keras' with the same settings (Keras' defaults otherwise)
    "sgd": (lambda: SGD(), lambda k: k.optimizers.SGD()),
    "momentum": (lambda: SGD(momentum=0.9), lambda k: k.optimizers.SGD(momentum=0.9)),
    "rmsprop": (lambda: RMSprop(), lambda k: k.optimizers.RMSprop()),
    "adam": (lambda: Adam(), lambda k: k.optimizers.Adam()),
    "adam, other settings": (
        lambda: Adam(learning_rate=0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-5),
        lambda k: k.optimizers.Adam(learning_rate=0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-5),
    ),
}


@pytest.mark.parametrize("name", sorted(OURS_AND_KERAS))
def test_each_step_matches_keras_on_the_same_gradients(name):
    """Ten steps on two float32 arrays; after every step our weights equal Keras' to 1e-6."""
    keras = require("keras")
    make_ours, make_theirs = OURS_AND_KERAS[name]
    rng = np.random.default_rng(0)
    starts = [rng.normal(size=(3, 2)).astype(np.float32), rng.normal(size=4).astype(np.float32)]
    ours = [start.copy() for start in starts]
    variables = [keras.Variable(start.copy()) for start in starts]
    optimizer, theirs = make_ours(), make_theirs(keras)
    for step in range(10):
        # gradients of changing size and sign, some tiny: the bias correction and epsilon matter
        grads = [rng.normal(size=p.shape).astype(np.float32) * 10.0 ** -(step % 4) for p in ours]
        optimizer.step(ours, grads)
        theirs.apply_gradients(
            [(keras.ops.convert_to_tensor(g), v) for g, v in zip(grads, variables, strict=True)]
        )
        for mine, variable in zip(ours, variables, strict=True):
            np.testing.assert_allclose(
                mine, keras.ops.convert_to_numpy(variable), rtol=1e-5, atol=1e-6,
                err_msg=f"{name}, step {step + 1}",
            )  # fmt: skip


def test_defaults_are_keras_defaults():
    keras = require("keras")
    adam, theirs = Adam(), keras.optimizers.Adam()
    assert (adam.learning_rate, adam.beta_1, adam.beta_2, adam.epsilon) == pytest.approx(
        (float(theirs.learning_rate), theirs.beta_1, theirs.beta_2, theirs.epsilon)
    )
    assert SGD().learning_rate == pytest.approx(float(keras.optimizers.SGD().learning_rate))
    assert isinstance(get_optimizer("adam"), Adam)


def test_adam_first_step_by_hand_and_its_bias_correction():
    """Step 1: m = 0.1 g, v = 0.001 g^2; uncorrected, m / sqrt(v) = 3.16 sign(g); corrected,
    the step is the learning rate itself (up to epsilon) for every weight, whatever |g| is."""
    g = np.array([0.5, -0.02, 40.0])
    W = np.zeros(3)
    adam = Adam(learning_rate=0.01)
    adam.step([W], [g])
    m, v = 0.1 * g, 0.001 * g**2
    lr_1 = 0.01 * np.sqrt(1 - 0.999) / (1 - 0.9)
    np.testing.assert_allclose(W, -lr_1 * m / (np.sqrt(v) + 1e-7), rtol=1e-12)
    np.testing.assert_allclose(np.abs(W), 0.01, rtol=1e-3)  # |step| = learning rate (eps aside)
    assert adam.corrected_learning_rate() == pytest.approx(lr_1)
    np.testing.assert_allclose(m / np.sqrt(v), 0.1 / np.sqrt(0.001) * np.sign(g))  # 3.16


def test_adam_counts_one_step_for_all_parameters():
    adam = Adam()
    adam.step([np.zeros(2), np.zeros(3)], [np.ones(2), np.ones(3)])
    adam.step([np.zeros(2), np.zeros(3)], [np.ones(2), np.ones(3)])
    assert adam.iterations == 2


def test_trajectory_is_gradient_descent_on_a_bowl():
    # f(p) = (p0^2 + 10 p1^2) / 2: gradient (p0, 10 p1); plain SGD multiplies p by (1 - lr lambda)
    path = trajectory(SGD(learning_rate=0.05), lambda p: np.array([1.0, 10.0]) * p, [1.0, 1.0], 3)
    assert path.shape == (4, 2)
    np.testing.assert_allclose(path[:, 0], 0.95 ** np.arange(4))
    np.testing.assert_allclose(path[:, 1], 0.5 ** np.arange(4))
    start = np.array([1.0, 1.0])
    trajectory("adam", lambda p: p, start, 2)
    np.testing.assert_array_equal(start, [1.0, 1.0])  # the start is copied, never moved


def test_trajectory_stops_where_it_leaves_the_finite_numbers():
    # lr 3 on f = p^2 / 2 multiplies p by -2 per step: it overflows after about a thousand steps
    path = trajectory(SGD(learning_rate=3.0), lambda p: p, [1.0], 5000)
    assert 1000 < len(path) < 1100 and np.all(np.isfinite(path))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"beta_1": 1.0}, ValueError, r"beta_1 must be in \[0, 1\), got 1.0"),
        ({"beta_2": -0.1}, ValueError, r"beta_2 must be in \[0, 1\)"),
        ({"epsilon": 0}, ValueError, "epsilon must be a finite number > 0"),
        ({"learning_rate": "0.1"}, TypeError, "learning_rate must be a number"),
    ],
)
def test_adam_rejects_bad_settings(kwargs, error, message):
    with pytest.raises(error, match=message):
        Adam(**kwargs)


def test_fit_progress_bar_can_be_turned_off(capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 3))
    y = np.eye(2)[rng.integers(0, 2, size=16)]
    model = MLP([3, 2], ["softmax"], seed=0)
    model.fit(X, y, batch_size=4, n_epochs=2, verbose=False)
    assert capsys.readouterr().err == ""
    history = model.fit(X, y, batch_size=4, n_epochs=2, verbose=True, validation_data=(X, y))
    err = capsys.readouterr().err
    assert "Epoch 1/2" in err and "Epoch 2/2" in err and "4/4" in err
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.history["loss"]) == 2 and history.epoch == [0, 1]
