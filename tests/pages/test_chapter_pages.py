"""What the pages optimizers, regularization and numpy-cnn say, and the CNN page's batch-normalization
section, checked on the pages' own code (tests/pages/page_code.py).

The three pages train on the real MNIST (``slow``): the lecture's model with four optimizers, an
MLP on 1,000 images four ways, the NumPy CNN. Their trainings share one run cache for this module,
as the site build shares them between the languages, so each is computed once here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlbasics import linear_regression

from .._support import require
from .page_code import code_cells, run_page


@pytest.fixture(scope="module", autouse=True)
def _one_run_cache(tmp_path_factory):
    """One DLBASICS_RUN_CACHE for the module: a training two pages show is computed once."""
    patch = pytest.MonkeyPatch()
    patch.setenv("DLBASICS_RUN_CACHE", str(tmp_path_factory.mktemp("runs")))
    yield
    patch.undo()


# ------------------------------------------------------------------------------- optimizers
def _valley_page():
    """The optimizers page up to its MNIST section: the valley, the paths, the limit, scaling."""
    return run_page("optimizers", cells=11)


def test_optimizers_page_on_the_valley():
    page = _valley_page()
    sgd, momentum = page["sgd_gaps"], page["momentum_gaps"]
    assert sgd[100] > 1e-3  # "after 100 steps the cost is still above the minimum"
    assert sgd[100] / momentum[100] > 10  # "it still ends far closer"
    assert momentum[25] > momentum[10]  # "momentum's cost goes up again in between"

    g0, best = page["g0"], page["best"]
    assert 1 < g0[0] / g0[1] < 10  # "gradients that differ by a small factor"
    sgd_step = page["sgd_path"][1] - page["sgd_path"][0]
    assert sgd_step[0] / sgd_step[1] == pytest.approx(
        g0[0] / g0[1]
    )  # W moves as many times further
    rms_step = page["rmsprop_path"][1] - page["rmsprop_path"][0]
    np.testing.assert_allclose(np.abs(rms_step), 0.05 / math.sqrt(1 - 0.9), rtol=1e-6)  # 3.16 alpha

    np.testing.assert_allclose(page["m"] / np.sqrt(page["s"]), -0.1 / math.sqrt(0.001))  # 3.16
    np.testing.assert_allclose(np.abs(page["w"]), 0.05, rtol=1e-4)  # Adam's first step: alpha

    gaps = {name.split(",")[0]: page["cost_gaps"](path) for name, path in page["paths"].items()}
    assert set(gaps) == {"SGD", "momentum", "RMSprop", "Adam"}
    assert all(g[-1] < 1e-2 for g in gaps.values())  # "each ends near the minimum"
    assert gaps["SGD"][-1] < min(gaps["RMSprop"][-1], gaps["Adam"][-1])  # "hard to beat"
    assert gaps["SGD"][1] < gaps["SGD"][0] / 20  # "its first step lands on the valley floor"
    paths = {name.split(",")[0]: path for name, path in page["paths"].items()}
    assert paths["momentum"][:, 0].max() > best[0] + 0.5  # overshoots the minimum
    assert paths["RMSprop"][:, 1].max() > best[1] + 0.3  # first as far in b: past the floor
    assert paths["Adam"][:, 0].max() > best[0] + 0.3  # momentum carries it past the minimum


def test_optimizers_page_limit_scaling_and_mini_batches():
    page = _valley_page()
    limit = page["limit"]
    assert 0.05 < limit < 0.25  # the gradient-descent page: 0.05 converged, 0.25 diverged
    x, y = page["x"], page["y"]
    below = linear_regression.fit(x, y, learning_rate=0.95 * limit, n_steps=300)
    above = linear_regression.fit(x, y, learning_rate=1.05 * limit, n_steps=300)
    assert below.cost[-1] == pytest.approx(page["lowest"], rel=1e-6)
    assert above.cost[-1] > above.cost[0]  # grows without end
    np.testing.assert_allclose(page["eigenvalues_scaled"], [2.0, 2.0], rtol=1e-12)
    assert page["one_step"].cost[1] == pytest.approx(page["exact"], rel=1e-9)  # one step lands
    full, batch = page["full_gaps"], page["batch_gaps"]
    assert np.all(np.diff(full) <= 0)  # "the full-batch cost falls steadily"
    assert batch[50:].max() > 10 * full[50:].max()  # "the mini-batch one jumps up and down"
    assert math.ceil(60_000 / 128) == 469


@pytest.mark.slow
def test_optimizers_page_on_mnist(mnist_dir):
    page = run_page("optimizers")
    runs = page["mnist_runs"]
    accuracy = {name: run.final("val_accuracy") for name, run in runs.items()}
    loss = {name: run.final("loss") for name, run in runs.items()}
    # "SGD learns slowest; momentum faster; RMSprop and Adam do better still"
    assert accuracy["SGD"] < accuracy["momentum"] < min(accuracy["RMSprop"], accuracy["Adam"])
    assert loss["SGD"] > loss["momentum"] > max(loss["RMSprop"], loss["Adam"])
    assert all(len(run.batch_loss) == 469 for run in runs.values())
    # "The RMSprop run is the one of the MLP in NumPy page": the page's own call, the same entry
    from dlbasics.mnist_numpy import train_numpy_mlp

    numpy_mlp_page = train_numpy_mlp(page["data"], epochs=1, batch_size=128, verbose=False)
    assert numpy_mlp_page.from_cache and numpy_mlp_page.to_dict() == runs["RMSprop"].to_dict()
    # a pixel black in all 128 images gives its 392 weights exactly 0; the output layer's are larger
    dW1 = page["dW1"]
    black = np.all(page["X_train"][:128] == 0, axis=0)  # (784,)
    np.testing.assert_array_equal(np.all(dW1 == 0, axis=1), black)
    assert np.mean(dW1 == 0) == pytest.approx(black.mean()) and black.mean() > 0.2
    assert np.median(dW1) * 5 < np.median(np.abs(page["grads"][2]))


# --------------------------------------------------------------------------- regularization
@pytest.mark.slow
def test_regularization_page_claims(mnist_dir):
    page = run_page("regularization")
    runs = page["runs"]
    base = runs.histories["baseline"]
    best = int(np.argmin(base["val_loss"]))
    assert runs.n_params > 100 * runs.n_train  # "far more weights than examples"
    assert base["accuracy"][-1] == 1.0 and base["loss"][-1] < 0.01  # memorised
    assert best < 10  # "lowest after a few epochs"
    assert base["val_loss"][-1] > base["val_loss"][best + 5] > base["val_loss"][best]  # then rises
    assert base["val_loss"][-1] > 1.15 * base["val_loss"][best]
    assert base["val_accuracy"][-1] > max(base["val_accuracy"]) - 0.01  # does not fall
    # the gradient checks on the page: weight decay, then dropout with one fixed mask
    from dlbasics.gradient_check import check_model_gradients

    assert max(check_model_gradients(page["decayed"], page["X_small"], page["Y_small"])) < 1e-7
    assert max(page["errors"]) < 1e-7
    # dropout: half the outputs zero, the kept ones doubled, the mean kept
    large = page["large"]
    assert abs(np.mean(large == 0) - 0.5) < 0.002 and abs(large.mean() - 1.0) < 0.005
    assert np.array_equal(
        page["dropped"].predict(page["X_small"]), page["plain"].predict(page["X_small"])
    )
    # early stopping: patience 5 after the best epoch, a fraction of the epochs
    assert runs.best_epoch == best and runs.stopped_epoch == best + 5
    assert runs.stopped_epoch + 1 <= runs.epochs / 2
    # the comparison
    val, test_loss, test_acc = (
        {name: h["val_loss"] for name, h in runs.histories.items()}, runs.test_loss, runs.test_accuracy,
    )  # fmt: skip
    assert (
        runs.weight_norm["l2"] < 0.8 * runs.weight_norm["baseline"]
    )  # "keeps the weights smaller"
    assert max(val["l2"][10:]) - min(val["l2"][10:]) < 0.05  # flat instead of rising
    assert test_loss["l2"] < 0.85 * test_loss["baseline"]  # "much lower"
    assert runs.histories["dropout"]["loss"][-1] > 2 * base["loss"][-1]  # slower memorising
    assert int(np.argmin(val["dropout"])) > best  # lowest point later
    assert test_acc["dropout"] == max(test_acc.values())  # the best test accuracy
    assert test_acc["dropout"] - test_acc["baseline"] > 2 * 0.003  # "several times" the error
    assert val["dropout"][-1] > min(val["dropout"])  # still creeps up
    assert test_loss["early_stopping"] < 0.85 * test_loss["baseline"]
    assert test_acc["early_stopping"] < test_acc["baseline"]
    assert math.sqrt(0.9 * 0.1 / 10_000) == pytest.approx(0.003)


# -------------------------------------------------------------------------------- numpy-cnn
def test_numpy_cnn_page_layers():
    page = run_page("numpy-cnn", cells=7)  # up to the network; no training
    table = page["rows"]  # the layer table, the page's last `rows`
    assert [row[1] for row in table[1:-1]] == [
        "(26, 26, 16)", "(13, 13, 16)", "(13, 13, 16)", "(11, 11, 32)", "(5, 5, 32)", "(5, 5, 32)",
        "(800,)", "(10,)",
    ]  # fmt: skip
    assert [row[2] for row in table[1:]] == [
        "160",
        "0",
        "0",
        "4,640",
        "0",
        "0",
        "0",
        "8,010",
        "12,810",
    ]
    assert page["model"].n_params == 12_810 and round(311_650 / 12_810) == 24
    by_im2col = page["cols"] @ page["kernel"].reshape(9)
    np.testing.assert_allclose(
        by_im2col, page["convolution"].conv2d(page["image"], page["kernel"]).reshape(-1)
    )
    for name in ("dX", "dW", "db"):
        assert page[name].shape == {"dX": (2, 7, 7, 3), "dW": (3, 3, 3, 4), "db": (4,)}[name]
    np.testing.assert_array_equal(page["pooled"][0, :, :, 0], [[5.0, 8.0], [7.0, 9.0]])
    np.testing.assert_array_equal(
        page["d_block"][0, :, :, 0], [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0], [1, 0, 0, 1]]
    )
    # the prose's count: the second layer's im2col matrix for a batch of 128 is (128 * 121, 144)
    from dlbasics.conv_layers import conv2d_forward

    _, cache = conv2d_forward(
        np.zeros((128, 13, 13, 16), np.float32), np.zeros((3, 3, 16, 32), np.float32)
    )
    assert cache.cols.shape == (128 * 121, 144)


def test_numpy_cnn_page_output_sizes_and_gradient_checks():
    page = run_page("numpy-cnn", cells=5)
    for _, stride, padding, formula, shape in page["rows"][1:]:
        assert shape.endswith(f"{formula}, {formula}, 4)"), (stride, padding)
    R, cache = page["R"], page["pool_cache"]
    from dlbasics.conv_layers import max_pool_backward
    from dlbasics.gradient_check import relative_error

    assert relative_error(max_pool_backward(R, cache), page["numeric"]) < 1e-8


@pytest.mark.slow
def test_numpy_cnn_page_training_timing_and_shifts(mnist_dir):
    require("keras")
    page = run_page("numpy-cnn")
    result, shifted, times = page["result"], page["shifted"], page["times"]
    assert result.test_accuracy >= 0.980  # "more than 98% of the test images right"
    assert result.history["val_accuracy"][-1] >= 0.980
    # the regularization page: after each epoch, validation as high as training accuracy
    history = result.history
    assert all(
        v >= t - 0.002 for v, t in zip(history["val_accuracy"], history["accuracy"], strict=True)
    )
    assert shifted.cnn_accuracy[0] == result.test_accuracy  # the same trained network
    # the lecture's MLP, trained as on the numpy-mlp page, gets fewer right
    from dlbasics.mnist_numpy import train_numpy_mlp

    mlp = train_numpy_mlp(page["data"], epochs=1, batch_size=128, verbose=False)
    assert shifted.mlp_accuracy[0] == pytest.approx(mlp.test_accuracy, abs=1e-9)
    assert shifted.mlp_accuracy[0] < result.test_accuracy
    # timing: one run, NumPy takes longer; the two learn alike
    assert times.ratio > 1.0
    assert abs(times.numpy_accuracy - times.keras_accuracy) < 0.02
    # filters of both kinds
    assert 1 <= page["both_signs"].sum() <= 15
    # moving the digits
    mlp_acc, cnn_acc = shifted.mlp_accuracy, shifted.cnn_accuracy
    assert shifted.shifts == [0, 1, 2, 3, 4]
    assert mlp_acc[2] < mlp_acc[0] - 0.15  # "far fewer right"
    assert cnn_acc[2] > cnn_acc[0] - 0.06  # "only a few points"
    assert shifted.mlp_p_nine[2] > 0.5 and shifted.cnn_p_nine[2] > 0.5  # both still say 9
    assert cnn_acc[4] < cnn_acc[0] - 0.2  # larger shifts hurt it too
    assert all(c > m for c, m in zip(cnn_acc, mlp_acc, strict=True))


# ------------------------------------------------------------- cnn: batch normalization
def test_cnn_page_batch_normalization_section():
    """The section's cells only (the page's other cells train with Keras)."""
    cells = code_cells("cnn")
    first = next(i for i, source in enumerate(cells) if "from dlbasics import batchnorm" in source)
    namespace = {"np": np}
    for source in cells[first : first + 2]:
        exec(compile(source, "docs/en/cnn.md, batch normalization", "exec"), namespace)
    from dlbasics.gradient_check import numerical_gradient, relative_error

    y = namespace["y"]
    x, gamma, beta, R = (namespace[k] for k in ("x", "gamma", "beta", "R"))
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-12)  # "mean 0"
    np.testing.assert_allclose(y.std(axis=0), 1.0, atol=1e-3)  # "variance close to 1"
    numeric = namespace["numeric_dx"]
    assert relative_error(namespace["dx"], numeric) < 1e-7  # the full formula agrees
    assert (
        relative_error(R * gamma * namespace["cache"].inv_std, numeric) > 0.1
    )  # the naive one not
    loss = namespace["loss"]
    assert (
        relative_error(namespace["dgamma"], numerical_gradient(lambda v: loss(gamma=v), gamma))
        < 1e-7
    )
    assert (
        relative_error(namespace["dbeta"], numerical_gradient(lambda v: loss(beta=v), beta)) < 1e-7
    )
    assert x.mean() > 2  # the batch went in far from mean 0
