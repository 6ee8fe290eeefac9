"""Optimizers: the update formulas, Keras' defaults, and agreement with Keras' own RMSprop."""

import numpy as np
import pytest

from dlbasics.mlp import MLP
from dlbasics.optimizers import SGD, RMSprop, get_optimizer

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


def test_rmsprop_matches_keras_over_several_steps():
    keras = require("keras")
    rng = np.random.default_rng(0)
    start = rng.normal(size=(3, 2)).astype(np.float32)
    grads = [rng.normal(size=(3, 2)).astype(np.float32) for _ in range(5)]
    ours = start.copy()
    optimizer = RMSprop()
    variable = keras.Variable(start.copy())
    theirs = keras.optimizers.RMSprop()
    for g in grads:
        optimizer.step([ours], [g])
        theirs.apply_gradients([(keras.ops.convert_to_tensor(g), variable)])
    np.testing.assert_allclose(ours, keras.ops.convert_to_numpy(variable), rtol=1e-5, atol=1e-6)


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
