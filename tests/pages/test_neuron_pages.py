"""What the pages perceptron, mlp-xor, backpropagation, activations, vanishing-gradients and
softmax-cross-entropy say, checked on their own code.

Each test runs the page's code cells (tests/pages/page_code.py) and holds every claim its prose
makes in words ("the perceptron never converges on XOR", "sigmoid' <= 0.25", "the sign of dL/dw is
the sign of the influence") to an independent reference where one exists.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlbasics import activations, gradient_check, losses, perceptron

from .page_code import run_page


# -- perceptron --------------------------------------------------------------------------------
def test_perceptron_page_claims():
    page = run_page("perceptron")
    X, y = perceptron.logic_gate("AND")  # the hand-picked neuron computes AND
    np.testing.assert_array_equal(activations.step(X @ page["W"] + page["b"]), y)
    for gate, result in page["results"].items():  # "all three converged"
        X, y = perceptron.logic_gate(gate)
        assert result.converged and result.errors_per_epoch[-1] == 0, gate
        np.testing.assert_array_equal(result.predict(X), y)
    X, y = perceptron.logic_gate("XOR")  # never converges, however long; its last line is wrong
    for run in (page["xor"], page["long_run"]):
        assert not run.converged and min(run.errors_per_epoch) > 0
        assert np.any(run.predict(X) != y)


def test_no_straight_line_separates_xor():
    """The page's proof, checked by brute force over a grid of lines w1 x1 + w2 x2 + b."""
    X, y = perceptron.logic_gate("XOR")
    values = np.linspace(-2, 2, 41)
    W = np.stack(np.meshgrid(values, values, values), axis=-1).reshape(-1, 3)  # (w1, w2, b)
    predictions = (X @ W[:, :2].T + W[:, 2] > 0).astype(float)  # (4, n_lines)
    assert not np.any(np.all(predictions == y[:, None], axis=0))


# -- mlp-xor -----------------------------------------------------------------------------------
def test_mlp_xor_page_claims():
    page = run_page("mlp-xor")
    X, y, model = page["X"], page["y"], page["model"]
    np.testing.assert_array_equal(page["gates"]["AND"].predict(page["hidden"]), y)  # by hand
    assert model.evaluate(X, page["Y"])["accuracy"] == 1.0  # "all four are right"
    H = page["H"]
    assert np.linalg.norm(H[0] - H[3]) < 0.1  # (0, 0) and (1, 1): (almost) the same point
    assert min(np.linalg.norm(H[i] - H[j]) for i in (0, 3) for j in (1, 2)) > 1.0
    # the output layer draws one straight line in the hidden space that separates the classes
    np.testing.assert_array_equal(page["output_layer"](H)[:, 0] > 0.5, y == 1)


def test_mlp_xor_page_decision_region_is_a_band_between_the_hidden_units_lines():
    """ "A band between two lines": the hidden units' lines z1 = 0 and z2 = 0 cut the square into
    three strips (they do not cross there); the middle strip is one class, the outer two the other."""
    model = run_page("mlp-xor", cells=4)["model"]
    grid = np.linspace(-0.5, 1.5, 81)
    G = np.array([(a, b) for a in grid for b in grid])
    predicted = model.predict(G)[:, 0] > 0.5
    side = G @ model.W[0] + model.b[0] > 0  # which side of each hidden unit's line
    strips = {pattern: predicted[np.all(side == pattern, axis=1)].mean()
              for pattern in {tuple(row) for row in side}}  # fmt: skip
    assert len(strips) == 3  # two lines that do not cross inside the square
    shares = sorted(strips.values())
    assert shares[0] < 0.05 and shares[1] > 0.9  # one strip one class, the other two the other


@pytest.mark.parametrize("seed", [1, 9])
def test_mlp_xor_page_another_seed_learns_another_representation_or_none(seed):
    """ "From another seed": seed 1 solves XOR by merging (0, 1) and (1, 0); seed 9 gets stuck."""
    page = run_page("mlp-xor", cells=7, replace={"seed=0": f"seed={seed}"})
    H, accuracy = page["H"], page["model"].evaluate(page["X"], page["Y"])["accuracy"]
    if seed == 1:
        assert accuracy == 1.0 and np.linalg.norm(H[1] - H[2]) < 0.1 < np.linalg.norm(H[0] - H[3])
    else:
        assert accuracy < 1.0  # a local minimum or a flat region: not all four right


# -- backpropagation ---------------------------------------------------------------------------


def test_backprop_page_by_hand_matches_backprop_and_numerical_gradients():
    page = run_page("backpropagation", cells=5)  # the forward pass, by hand, and MLP's gradients
    model, x, y = page["model"], page["x"], page["y"]
    assert page["loss"] == pytest.approx(page["L"])
    by_hand = [page[name] for name in ("dW1", "db1", "dW2", "db2")]
    for ours, theirs in zip(by_hand, page["grads"], strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    # and MLP's backprop (so the hand calculation too) agrees with central differences
    assert max(gradient_check.check_model_gradients(model, x, y)) < 1e-8


def test_backprop_page_intuition_sign_of_gradient_is_sign_of_influence():
    page = run_page("backpropagation", cells=7)  # ... the influence table, one SGD step
    assert page["output"] > page["y"].item()  # "the output is too big"
    signs = set()
    for _, influence, gradient in page["rows"]:
        assert np.sign(influence) == np.sign(gradient) != 0
        signs.add(np.sign(influence))
    assert signs == {-1.0, 1.0}  # the page's table has both kinds of weights
    assert page["model"].predict(page["x"]).item() < page["output"]  # one step lowers the output


def test_backprop_page_gradient_check_is_tiny():
    page = run_page("backpropagation")
    errors = gradient_check.check_model_gradients(page["net"], page["X"], page["Y"])
    assert max(errors) < 1e-7


# -- activations -------------------------------------------------------------------------------
def test_activations_page_claims():
    page = run_page("activations", cells=3)  # the 2,001 points from -10 to 10
    z, slope = page["z"], page["slope"]
    assert slope.max() <= 0.25 and slope.max() == pytest.approx(0.25) and z[slope.argmax()] == 0
    assert activations.tanh_derivative(z).max() == pytest.approx(1.0)
    np.testing.assert_array_equal(activations.step_derivative(z), 0)
    assert activations.relu_derivative(np.array([-1e-9, 0.0, 1e-9])).tolist() == [0, 0, 1]
    logits = run_page("activations")["logits"]
    assert activations.relu(logits).sum() != 1.0  # ReLU is no probability
    assert activations.softmax(logits).sum() == pytest.approx(1.0)


# -- vanishing gradients -----------------------------------------------------------------------
def test_vanishing_page_claims():
    page = run_page("vanishing-gradients", cells=4)
    norms, vanishing = page["norms"], page["vanishing"]
    sigmoid = norms["sigmoid"]
    assert sigmoid[0] / sigmoid[-1] < 1e-4
    ratios = sigmoid[:-1] / sigmoid[1:]
    assert np.all(ratios < 0.35) and np.median(ratios) <= 0.25  # "around 0.25 or below"
    for name in ["tanh", "relu"]:  # "within a small factor of each other"
        assert norms[name].max() / norms[name].min() < 10, name

    depths = [5, 10, 20, 30]  # the page's table
    first = {
        init: [vanishing.layer_gradient_norms(depth=d, activation="relu", init=init, seed=0)[0]
               for d in depths]
        for init in ["glorot_uniform", "he_normal"]
    }  # fmt: skip
    assert np.all(np.diff(first["glorot_uniform"]) < 0)  # Glorot: shrinks with depth
    assert max(first["he_normal"]) / min(first["he_normal"]) < 3  # He: about the same size
    sigmoid_first = [vanishing.layer_gradient_norms(depth=d, seed=0)[0] for d in depths]
    assert np.all(np.diff(np.log10(sigmoid_first)) < -2)  # orders of magnitude per step


# -- softmax and cross-entropy -----------------------------------------------------------------
def test_softmax_page_claims():
    page = run_page("softmax-cross-entropy")
    big = page["big"]
    with np.errstate(over="raise", invalid="raise"):
        p = activations.softmax(big)
    np.testing.assert_allclose(p[0], activations.softmax(np.array([[2.0, 1.0, 0.0]]))[0])
    assert np.isfinite(losses.cross_entropy_from_logits(big, page["targets"]))
    assert max(page["mse"]) <= 1.0  # "MSE can never exceed 1 here"
    assert np.isfinite(losses.cross_entropy(np.array([[0.0, 1.0]]), page["y_true"]))  # clipped

    P, Y = page["P"], page["Y"]
    np.testing.assert_allclose(P[:, 0], activations.sigmoid(page["logit"]))  # 2 classes: sigmoid
    assert page["binary"] == pytest.approx(page["two_classes"], rel=1e-12)  # BCE = 2-class CE
    np.testing.assert_allclose(page["two_steps"], page["fused"], atol=1e-15)
    # MSE's gradient through softmax, checked against central differences of the MSE itself
    grad_mse, Z = page["grad_mse"], page["Z"]
    for i in (0, 140, 280):
        numeric = gradient_check.numerical_gradient(
            lambda z, i=i: losses.mean_squared_error(activations.softmax(z[None]), Y[i : i + 1]),
            Z[i],
        )
        np.testing.assert_allclose(grad_mse[i], numeric, rtol=1e-6, atol=1e-10)
    # confidently wrong: cross-entropy pushes hardest, MSE hardly at all
    grad_ce = page["grad_cross_entropy"]
    assert abs(grad_ce[0, 0]) == np.abs(grad_ce[:, 0]).max()
    assert abs(grad_mse[0, 0]) < 0.01 * abs(grad_ce[0, 0])
