"""Regularization (dlbasics.regularization) and the MLP's use of it: L2 weight decay, dropout,
early stopping; and the overfitting experiment's code (dlbasics.overfitting) on small data.

Gradients are checked against central differences in float64: weight decay on the MLP's
penalised loss, dropout with a fixed mask (the same seed draws the same mask at every call).
The experiment's claims on the real MNIST are tested with its page (tests/pages/).
"""

from __future__ import annotations

import numpy as np
import pytest

from dlbasics import regularization
from dlbasics.gradient_check import check_model_gradients, numerical_gradient, relative_error
from dlbasics.mlp import MLP
from dlbasics.overfitting import VARIANTS, overfitting_runs
from dlbasics.regularization import (
    EarlyStopping,
    dropout_backward,
    dropout_forward,
    dropout_mask,
    l2_gradient,
    l2_penalty,
)

from ._support import require, synthetic_digits


def _data(n=12, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    y = np.eye(3)[rng.integers(0, 3, size=n)]
    return X, y


def _model(**remedies):
    return MLP([5, 6, 4, 3], ["tanh", "relu", "softmax"], seed=0, dtype=np.float64, **remedies)


# -------------------------------------------------------------------------------- L2
def test_weight_decay_gradient_matches_central_differences():
    X, y = _data()
    errors = check_model_gradients(_model(l2=0.05), X, y)
    assert max(errors) < 1e-7, errors


def test_weight_decay_adds_one_term_to_dW_and_none_to_db():
    X, y = _data()
    plain, decayed = _model(), _model(l2=0.05)
    loss, grads = plain.loss_and_gradients(X, y)
    loss_l2, grads_l2 = decayed.loss_and_gradients(X, y)
    assert loss_l2 == pytest.approx(loss + 0.05 * sum(np.sum(W**2) for W in plain.W))
    for i, (g, g_l2) in enumerate(zip(grads, grads_l2, strict=True)):
        extra = 2 * 0.05 * plain.params[i] if i % 2 == 0 else 0.0  # dW gets 2 l2 W; db nothing
        np.testing.assert_allclose(g_l2, g + extra, rtol=1e-12, atol=1e-15)


def test_l2_penalty_is_keras_l2_regularizer():
    keras = require("keras")
    W = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    theirs = float(keras.regularizers.L2(0.01)(keras.ops.convert_to_tensor(W)))
    assert l2_penalty([W], 0.01) == pytest.approx(theirs, rel=1e-6)
    np.testing.assert_allclose(l2_gradient(W, 0.01), 0.02 * W)


# --------------------------------------------------------------------------- dropout
def test_dropout_mask_keeps_the_expected_value():
    rng = np.random.default_rng(0)
    mask = dropout_mask((400, 500), 0.3, rng)
    assert mask.dtype == np.float32
    assert set(np.unique(mask)) == {0.0, np.float32(1 / 0.7)}
    assert abs(np.mean(mask == 0) - 0.3) < 0.005  # 200,000 draws: 0.3 +- 0.001 (std)
    assert abs(mask.mean() - 1.0) < 0.01  # inverted scaling: E[mask] = 1


def test_dropout_gradient_with_a_fixed_mask_matches_central_differences():
    rng = np.random.default_rng(1)
    A, R = rng.normal(size=(6, 7)), rng.normal(size=(6, 7))
    mask = dropout_mask(A.shape, 0.5, rng, dtype=np.float64)
    numeric = numerical_gradient(lambda v: np.sum(dropout_forward(v, mask) * R), A)
    assert relative_error(dropout_backward(R, mask), numeric) < 1e-9


def test_mlp_with_dropout_gradients_match_central_differences_for_one_mask():
    X, y = _data()
    model = _model(dropout=0.4)
    _, analytic = model.loss_and_gradients(X, y, dropout_seed=3)
    for param, grad in zip(model.params, analytic, strict=True):
        saved = param.copy()

        def loss_at(value, param=param):
            param[...] = value
            return model.loss_and_gradients(X, y, dropout_seed=3)[0]  # the same mask each time

        numeric = numerical_gradient(loss_at, saved)
        param[...] = saved
        assert relative_error(grad, numeric) < 1e-7
    # a different mask gives a different loss: dropout did drop units
    assert (
        model.loss_and_gradients(X, y, dropout_seed=4)[0]
        != model.loss_and_gradients(X, y, dropout_seed=3)[0]
    )


def test_dropout_at_inference_is_the_identity():
    X, y = _data()
    with_dropout, without = _model(dropout=0.5), _model()
    np.testing.assert_array_equal(with_dropout.predict(X), without.predict(X))
    assert with_dropout.evaluate(X, y) == without.evaluate(X, y)
    assert with_dropout.loss_and_gradients(X, y)[0] == without.loss_and_gradients(X, y)[0]


def test_dropout_changes_training_but_not_the_batch_order():
    X, y = _data(32)
    kwargs = {"optimizer": "sgd", "batch_size": 8, "n_epochs": 2, "seed": 0, "verbose": False}
    plain = _model().fit(X, y, **kwargs)
    dropped = _model(dropout=0.5).fit(X, y, **kwargs)
    assert plain.batch_loss != dropped.batch_loss and len(plain.batch_loss) == 8


# ------------------------------------------------------------------------ early stopping
def test_early_stopping_waits_patience_epochs_then_restores_the_best():
    stopper = EarlyStopping(patience=2)
    params = [np.zeros(2)]
    for epoch, val_loss in enumerate([1.0, 0.5, 0.7, 0.6]):
        params[0][:] = epoch
        stopped = stopper.update(val_loss, params)
        assert stopped == (epoch == 3)
    assert (stopper.best_epoch, stopper.stopped_epoch, stopper.best_loss) == (1, 3, 0.5)
    stopper.restore(params)
    np.testing.assert_array_equal(params[0], [1.0, 1.0])


def test_fit_with_early_stopping_ends_on_the_best_epochs_weights():
    (x, labels), _ = synthetic_digits(n_train=200)
    X = x.reshape(200, -1).astype(np.float32) / 255
    Y = np.eye(10, dtype=np.float32)[labels]
    noise = np.eye(10, dtype=np.float32)[np.random.default_rng(99).integers(0, 10, 40)]
    train, val = (X[:40], noise), (X[100:], Y[100:])  # learning noise: val_loss soon rises
    stopper = EarlyStopping(patience=3)
    model = MLP([784, 64, 10], ["relu", "softmax"], seed=0)
    history = model.fit(
        *train, optimizer="adam", batch_size=8, n_epochs=200, validation_data=val,
        seed=0, verbose=False, early_stopping=stopper,
    )  # fmt: skip
    losses = history.history["val_loss"]
    assert history.stopped_epoch == stopper.stopped_epoch == len(losses) - 1 < 199
    assert stopper.best_epoch == int(np.argmin(losses)) == len(losses) - 1 - 3
    assert model.evaluate(*val)["loss"] == pytest.approx(min(losses), rel=1e-5)


def test_early_stopping_needs_validation_data():
    X, y = _data()
    with pytest.raises(ValueError, match="early_stopping watches val_loss: pass validation_data"):
        _model().fit(X, y, early_stopping=EarlyStopping(), verbose=False)
    with pytest.raises(ValueError, match="nothing to restore"):
        EarlyStopping().restore([np.zeros(1)])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: _model(l2=-1), ValueError, "l2 must be a finite number >= 0, got -1"),
        (lambda: _model(dropout=1.0), ValueError, r"dropout must be in \[0, 1\), got 1.0"),
        (lambda: EarlyStopping(patience=0), ValueError, "patience must be >= 1, got 0"),
        (lambda: regularization.dropout_mask((2,), 1.5, np.random.default_rng()), ValueError,
         r"rate must be in \[0, 1\)"),
    ],
)  # fmt: skip
def test_bad_settings_are_refused(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ----------------------------------------------------------------- the experiment, small
def test_overfitting_runs_structure_on_a_small_stand_in(tmp_path):
    data = synthetic_digits(n_train=10_100, n_test=50)  # holdout keeps the last 10,000
    result = overfitting_runs(data, n_train=60, epochs=6, cache_dir=tmp_path)
    assert set(result.histories) == set(VARIANTS) == set(result.test_accuracy)
    assert all(
        len(h["val_loss"]) == 6 for name, h in result.histories.items() if name != "early_stopping"
    )
    assert result.weight_norm["l2"] < result.weight_norm["baseline"]  # decay keeps weights small
    assert result.n_params == 784 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10 == 269_322
    again = overfitting_runs(data, n_train=60, epochs=6, cache_dir=tmp_path)
    assert again.from_cache and again.to_dict() == result.to_dict()
    with pytest.raises(ValueError, match="n_train must be at most 100, got 101"):
        overfitting_runs(data, n_train=101, epochs=1, cache_dir=False)
