"""The plots and facts behind the pages perceptron, mlp-xor, backpropagation, activations,
vanishing-gradients and softmax-cross-entropy.

Two kinds of tests: every plot function those pages call draws in both languages without a
missing glyph and returns None; and every claim their prose makes in words ("the perceptron never
converges on XOR", "sigmoid' <= 0.25", "the sign of dL/dw is the sign of the influence") holds
for the exact calls the pages make, checked against an independent reference where one exists.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from dlbasics import activations, gradient_check, losses, perceptron, plots, vanishing
from dlbasics.mlp import MLP
from dlbasics.optimizers import SGD
from dlbasics.preprocessing import one_hot

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PLOT_KEYS = [
    "x1", "x2", "decision_boundary", "boundary_title", "target_is", "misclassified", "epoch",
    "errors", "errors_title", "h1", "h2", "hidden_title", "act_step", "act_sigmoid", "act_tanh",
    "act_relu", "act_linear", "max_value", "activation_row", "derivative_row", "layer",
    "gradient_norm", "vanishing_title", "p_true", "loss_axis", "loss_vs_p_title",
    "cross_entropy_curve", "mse_curve", "confidently_wrong", "cross_entropy_grad", "mse_grad",
    "logit_gradient", "gradients_title",
]  # fmt: skip


def _xor_mlp():
    """The mlp-xor page's network and training run."""
    X, y = perceptron.logic_gate("XOR")
    model = MLP([2, 2, 1], ["tanh", "sigmoid"], loss="mse", seed=0, dtype=np.float64)
    history = model.fit(
        X, y[:, None], optimizer=SGD(0.5), batch_size=4, n_epochs=3000, verbose=False, seed=0
    )
    return X, y, model, history


def _tiny_network():
    """The backpropagation page's 2-2-1 sigmoid network, sample and target."""
    model = MLP([2, 2, 1], "sigmoid", loss="mse", dtype=np.float64)
    W1, b1, W2, b2 = model.params
    W1[...] = [[0.5, -0.4], [0.3, 0.8]]
    b1[...] = [0.1, -0.1]
    W2[...] = [[0.7], [-0.6]]
    b2[...] = [0.2]
    return model, np.array([[1.0, 0.5]]), np.array([[0.0]])


# -- the plots ------------------------------------------------------------------------------------


def _own_axes():
    """A figure made by the caller, as a page would for ``ax=``: made in the plot language's style
    (an axes made outside it keeps the default font for its title and labels)."""
    with plots._style():
        return plt.subplots()[1]


def test_page_plot_strings_exist_in_both_languages():
    for key in PLOT_KEYS:
        assert key in plots._STRINGS["ko"] and key in plots._STRINGS["en"], key
        assert plots._STRINGS["ko"][key] != "" and plots._STRINGS["en"][key] != ""


def test_perceptron_page_plots(language):
    results = {
        gate: perceptron.train(*perceptron.logic_gate(gate), max_epochs=20, seed=0)
        for gate in ["AND", "OR", "NAND", "XOR"]
    }
    assert plots.plot_errors_per_epoch(results) is None
    assert plots.plot_logic_gates({gate: r.predict for gate, r in results.items()}) is None
    X, y = perceptron.logic_gate("XOR")
    assert plots.plot_decision_boundary(results["XOR"].predict, X, y, name="XOR") is None
    assert len(plt.get_fignums()) == 3


def test_decision_boundary_circles_exactly_the_misclassified_points(language):
    X, y = perceptron.logic_gate("XOR")
    result = perceptron.train(X, y, max_epochs=20, seed=0)
    ax = _own_axes()
    plots.plot_decision_boundary(result.predict, X, y, name="XOR", ax=ax)
    _, labels = ax.get_legend_handles_labels()
    assert labels[0] == plots.text("decision_boundary")
    circles = [c for c in ax.collections if c.get_label() == plots.text("misclassified")]
    wrong = X[result.predict(X) != y]
    assert len(circles) == 1 and len(wrong) > 0
    np.testing.assert_array_equal(np.asarray(circles[0].get_offsets()), wrong)


def test_mlp_xor_page_plots(language):
    X, y, model, history = _xor_mlp()
    H = model.activations[0](X @ model.W[0] + model.b[0])
    plots.plot_cost_history(history.history["loss"])
    plots.plot_decision_boundary(model.predict, X, y, name="XOR")

    def output_layer(H):
        return model.activations[1](H @ model.W[1] + model.b[1])

    ax = _own_axes()
    assert plots.plot_hidden_space(H, y, output_layer, inputs=X, ax=ax) is None
    labels = sorted(text.get_text() for text in ax.texts)
    # (0, 0) and (1, 1) land on one spot: one shared label, three labels in all
    assert labels == ["x = (0, 0), (1, 1)", "x = (0, 1)", "x = (1, 0)"]
    plots.plot_hidden_space(H, y)  # without the output layer and the input labels


def test_activation_and_vanishing_page_plots(language):
    assert plots.plot_activations(["step", "sigmoid", "tanh", "relu"]) is None
    fig = plt.gcf()
    assert len(fig.axes) == 8
    titles = [ax.get_title() for ax in fig.axes[:4]]
    assert titles == [plots.text(f"act_{name}") for name in ["step", "sigmoid", "tanh", "relu"]]
    norms = {name: vanishing.layer_gradient_norms(depth=4, activation=name) for name in ["sigmoid"]}
    assert plots.plot_layer_gradient_norms(norms) is None
    assert plt.gca().get_yscale() == "log"


def test_softmax_page_plots(language):
    p_true = np.linspace(0.001, 1.0, 50)
    y_true = np.array([[1.0, 0.0]])
    cross_entropy = [losses.cross_entropy([[q, 1 - q]], y_true) for q in p_true]
    mse = [losses.mean_squared_error([[q, 1 - q]], y_true) for q in p_true]
    assert plots.plot_loss_vs_probability(p_true, cross_entropy=cross_entropy, mse=mse) is None
    assert plots.plot_output_gradients(p_true, cross_entropy=p_true - 1, mse=mse) is None


def test_page_plots_reject_bad_input():
    X, y = perceptron.logic_gate("AND")
    with pytest.raises(ValueError, match="X must have 2 columns"):
        plots.plot_decision_boundary(lambda X: X[:, 0], np.ones((4, 3)), y)
    with pytest.raises(ValueError, match="one label per row"):
        plots.plot_decision_boundary(lambda X: X[:, 0], X, y[:3])
    with pytest.raises(TypeError, match="predict must be a function"):
        plots.plot_decision_boundary(np.ones(4), X, y)
    with pytest.raises(ValueError, match="at least one gate"):
        plots.plot_logic_gates({})
    with pytest.raises(ValueError, match="elementwise activations"):
        plots.plot_activations(["softmax"])
    with pytest.raises(ValueError, match="mse must have the shape of p"):
        plots.plot_loss_vs_probability(np.ones(3), cross_entropy=np.ones(3), mse=np.ones(2))
    plt.close("all")


# -- the perceptron page ---------------------------------------------------------------------------


def test_perceptron_page_facts():
    W, b = np.array([1.0, 1.0]), -1.5  # the hand-picked AND neuron
    X, y = perceptron.logic_gate("AND")
    np.testing.assert_array_equal(activations.step(X @ W + b), y)
    for gate in ["AND", "OR", "NAND"]:  # "all three converged" and reproduce their tables
        X, y = perceptron.logic_gate(gate)
        result = perceptron.train(X, y, learning_rate=0.1, seed=0)
        assert result.converged and result.errors_per_epoch[-1] == 0
        np.testing.assert_array_equal(result.predict(X), y)
    X, y = perceptron.logic_gate("XOR")  # never converges, however long; its last line is wrong
    for max_epochs in (20, 1000):
        result = perceptron.train(X, y, learning_rate=0.1, max_epochs=max_epochs, seed=0)
        assert not result.converged and min(result.errors_per_epoch) > 0
        assert np.any(result.predict(X) != y)


def test_no_straight_line_separates_xor():
    """The page's proof, checked by brute force over a grid of lines w1 x1 + w2 x2 + b."""
    X, y = perceptron.logic_gate("XOR")
    values = np.linspace(-2, 2, 41)
    W = np.stack(np.meshgrid(values, values, values), axis=-1).reshape(-1, 3)  # (w1, w2, b)
    predictions = (X @ W[:, :2].T + W[:, 2] > 0).astype(float)  # (4, n_lines)
    assert not np.any(np.all(predictions == y[:, None], axis=0))


# -- the mlp-xor page ------------------------------------------------------------------------------


def test_mlp_xor_page_facts():
    X, y = perceptron.logic_gate("XOR")
    gates = {g: perceptron.train(*perceptron.logic_gate(g), learning_rate=0.1, seed=0)
             for g in ["OR", "NAND", "AND"]}  # fmt: skip
    hidden = np.column_stack([gates["OR"].predict(X), gates["NAND"].predict(X)])
    np.testing.assert_array_equal(gates["AND"].predict(hidden), y)  # wired by hand: XOR

    X, y, model, _ = _xor_mlp()
    assert model.evaluate(X, y[:, None])["accuracy"] == 1.0  # "all four are right"
    H = model.activations[0](X @ model.W[0] + model.b[0])
    assert np.linalg.norm(H[0] - H[3]) < 0.1  # (0, 0) and (1, 1): (almost) the same point
    assert min(np.linalg.norm(H[i] - H[j]) for i in (0, 3) for j in (1, 2)) > 1.0
    # the output layer draws one straight line in the hidden space that separates the classes
    output = model.activations[1](H @ model.W[1] + model.b[1])[:, 0]
    np.testing.assert_array_equal(output > 0.5, y == 1)


# -- the backpropagation page -------------------------------------------------------------------


def test_backprop_page_by_hand_matches_backprop_and_numerical_gradients():
    model, x, y = _tiny_network()
    W1, b1, W2, b2 = model.params
    z1 = x @ W1 + b1
    h = activations.sigmoid(z1)
    z2 = h @ W2 + b2
    a = activations.sigmoid(z2)
    delta2 = 2 * (a - y) * activations.sigmoid_derivative(z2)
    delta1 = (delta2 @ W2.T) * activations.sigmoid_derivative(z1)
    by_hand = [x.T @ delta1, delta1.sum(axis=0), h.T @ delta2, delta2.sum(axis=0)]
    loss, grads = model.loss_and_gradients(x, y)
    assert loss == pytest.approx(((a - y) ** 2).item())
    for ours, theirs, param in zip(by_hand, grads, model.params, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
        saved = param.copy()

        def loss_at(value, param=param, saved=saved):
            param[...] = value
            result = model.loss_and_gradients(x, y)[0]
            param[...] = saved
            return result

        np.testing.assert_allclose(gradient_check.numerical_gradient(loss_at, saved), ours,
                                   rtol=1e-6, atol=1e-10)  # fmt: skip


def test_backprop_page_intuition_sign_of_gradient_is_sign_of_influence():
    model, x, y = _tiny_network()
    output = model.predict(x).item()
    assert output > y.item()  # "the output is too big"
    _, grads = model.loss_and_gradients(x, y)
    signs = set()
    for param, grad in zip(model.params, grads, strict=True):
        for index in np.ndindex(param.shape):
            saved = param[index]
            param[index] = saved + 1e-6
            influence = (model.predict(x).item() - output) / 1e-6
            param[index] = saved
            assert np.sign(influence) == np.sign(grad[index]) != 0
            signs.add(np.sign(influence))
    assert signs == {-1.0, 1.0}  # the page's table has both kinds of weights
    SGD(0.5).step(model.params, grads)
    assert model.predict(x).item() < output  # one step lowers the output


def test_backprop_page_gradient_check_is_tiny():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 3))
    Y = one_hot(rng.integers(0, 4, size=5), 4, dtype=np.float64)
    net = MLP([3, 5, 4], ["tanh", "softmax"], seed=0, dtype=np.float64)
    assert max(gradient_check.check_model_gradients(net, X, Y)) < 1e-7


# -- the activations page --------------------------------------------------------------------------


def test_activations_page_facts():
    z = np.linspace(-10, 10, 2001)
    slope = activations.sigmoid_derivative(z)
    assert slope.max() <= 0.25 and slope.max() == pytest.approx(0.25) and z[slope.argmax()] == 0
    assert activations.tanh_derivative(z).max() == pytest.approx(1.0)
    assert activations.relu_derivative(np.array([-1e-9, 0.0, 1e-9])).tolist() == [0, 0, 1]
    np.testing.assert_array_equal(activations.step_derivative(z), 0)
    logits = np.array([[2.0, -1.0, 0.5]])
    assert activations.relu(logits).sum() != 1.0
    assert activations.softmax(logits).sum() == pytest.approx(1.0)


# -- the vanishing-gradients page -----------------------------------------------------------------


def test_vanishing_page_facts():
    norms = {
        name: vanishing.layer_gradient_norms(depth=10, activation=name, seed=0)
        for name in ["sigmoid", "tanh", "relu"]
    }
    sigmoid = norms["sigmoid"]
    assert sigmoid[0] / sigmoid[-1] < 1e-4
    ratios = sigmoid[:-1] / sigmoid[1:]
    assert np.all(ratios < 0.35) and np.median(ratios) <= 0.25  # "around 0.25 or below"
    for name in ["tanh", "relu"]:  # "within a small factor of each other"
        assert norms[name].max() / norms[name].min() < 10, name

    depths = [5, 10, 20, 30]
    first = {
        init: [vanishing.layer_gradient_norms(depth=d, activation="relu", init=init, seed=0)[0]
               for d in depths]
        for init in ["glorot_uniform", "he_normal"]
    }  # fmt: skip
    assert np.all(np.diff(first["glorot_uniform"]) < 0)  # Glorot: shrinks with depth
    assert max(first["he_normal"]) / min(first["he_normal"]) < 3  # He: about the same size
    sigmoid_first = [vanishing.layer_gradient_norms(depth=d, seed=0)[0] for d in depths]
    assert np.all(np.diff(np.log10(sigmoid_first)) < -2)  # orders of magnitude per step


# -- the softmax and cross-entropy page ------------------------------------------------------------


def test_softmax_page_facts():
    big = np.array([[1000.0, 999.0, 998.0], [-1000.0, -999.0, -998.0]])
    with np.errstate(over="raise", invalid="raise"):
        p = activations.softmax(big)
    np.testing.assert_allclose(p[0], activations.softmax(np.array([[2.0, 1.0, 0.0]]))[0])
    targets = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    assert np.isfinite(losses.cross_entropy_from_logits(big, targets))

    y_true = np.array([[1.0, 0.0]])
    p_true = np.linspace(0.0, 1.0, 101)
    mse = [losses.mean_squared_error([[q, 1 - q]], y_true) for q in p_true]
    assert max(mse) <= 1.0  # "MSE can never exceed 1 here"
    assert np.isfinite(losses.cross_entropy(np.array([[0.0, 1.0]]), y_true))  # clipped log

    logit = np.linspace(-7, 7, 281)
    Z = np.column_stack([logit, np.zeros_like(logit)])
    P = activations.softmax(Z)
    np.testing.assert_allclose(P[:, 0], activations.sigmoid(logit))  # two classes: the sigmoid
    Y = np.tile([1.0, 0.0], (len(logit), 1))
    two_steps = activations.softmax_backward(P, losses.cross_entropy_gradient(P, Y))
    np.testing.assert_allclose(two_steps, losses.softmax_cross_entropy_gradient(P, Y), atol=1e-15)
    # MSE's gradient through softmax, checked against central differences of the MSE itself
    grad_mse = activations.softmax_backward(P, P - Y)
    for i in (0, 140, 280):
        numeric = gradient_check.numerical_gradient(
            lambda z, i=i: losses.mean_squared_error(activations.softmax(z[None]), Y[i : i + 1]),
            Z[i],
        )
        np.testing.assert_allclose(grad_mse[i], numeric, rtol=1e-6, atol=1e-10)
    # confidently wrong: cross-entropy pushes hardest, MSE hardly at all
    assert abs(P[0, 0] - Y[0, 0]) == np.abs(P - Y)[:, 0].max()
    assert abs(grad_mse[0, 0]) < 0.01 * abs(P[0, 0] - Y[0, 0])
