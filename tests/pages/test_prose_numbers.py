"""Every number typed into the pages' prose, listed, and each one checked against the code.

A page prints what it computes, so a number in its prose repeats something: a literal of its own
code cells, a constant of the package, a fact of the data, or a date. ``ALLOWED`` lists, page by
page, every numeral the prose holds (math included, lecture quotes and code spans not; single
digits are counts and left out, see tests/pages/prose.py) with the reason it may stand there and,
wherever code could say it, the check that holds it to the code:

- ``code``: it is a literal of that page's code cells (change the cell and the prose must follow);
- ``const``: it is the value of a package constant or of a computation on one, as written
  (rounded to the digits the prose shows);
- ``fact``: a date or a fact about the world; the reason says which.

A numeral that is not listed fails the test, and so does a listed one the page no longer holds.
"""

from __future__ import annotations

import ast
import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pytest

from dlbasics import (
    activations,
    batchnorm,
    cnn,
    cnn_data,
    lecture,
    losses,
    mnist,
    mnist_runs,
    numpy_cnn,
    overfitting,
    schedules,
)
from dlbasics.optimizers import SGD, Adam, RMSprop

from .._support import REPO
from ..test_site import PAGES
from . import prose
from .page_code import code_cells


@dataclass(frozen=True)
class Check:
    reason: str
    value: Callable[[], float] | None = None
    in_code: bool = False


def code(reason: str) -> Check:
    return Check(reason, in_code=True)


def const(value: Callable[[], float], reason: str) -> Check:
    return Check(reason, value=value)


def fact(reason: str) -> Check:
    return Check(reason)


# -- the values the checks read ----------------------------------------------------------------
N_TRAIN, HEIGHT, WIDTH = mnist.FILES["train-images-idx3-ubyte"][0]
N_TEST = mnist.FILES["t10k-images-idx3-ubyte"][0][0]
N_CLASSES = lecture.LAYER_SIZES[-1]


def nav_position(page: str) -> int:
    return PAGES.index(page)  # the home page is 0, so the first lesson is 1


def requires_python() -> float:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return float(project["requires-python"].removeprefix(">="))


@cache
def cnn_layers() -> dict:
    """Our CNN's layers by name (built, not trained): their filters, shapes and parameters."""
    return {layer.name: layer for layer in cnn.conv_stack().layers}


def cnn_output(name: str, axis: int) -> int:
    return cnn_layers()[name].output.shape[axis]


@cache
def keras_adam_default() -> float:
    import inspect

    keras = cnn.import_keras()
    return inspect.signature(keras.optimizers.Adam).parameters["learning_rate"].default


CLASSES = const(lambda: N_CLASSES, "ten classes (digits 0-9), the output layer's size")
TRAIN = const(lambda: N_TRAIN, "MNIST's training images (mnist.FILES, checked by SHA-256)")
TEST = const(lambda: N_TEST, "MNIST's test images (mnist.FILES)")
SIDE = const(lambda: HEIGHT, "an MNIST image is 28 x 28 (mnist.FILES)")
PIXELS = const(lambda: HEIGHT * WIDTH, "784 = 28 x 28 inputs (mnist.FILES)")
HIDDEN = const(lambda: lecture.LAYER_SIZES[1], "the lecture's hidden layer (lecture.LAYER_SIZES)")
PARAMS_1 = const(lambda: lecture.LAYER_PARAMS[0], "784 * 392 + 392 (lecture.LAYER_PARAMS)")
PARAMS_2 = const(lambda: lecture.LAYER_PARAMS[1], "392 * 10 + 10 (lecture.LAYER_PARAMS)")
PARAMS = const(lambda: lecture.TOTAL_PARAMS, "the lecture model's parameters (lecture)")
BATCH = const(lambda: lecture.BATCH_SIZE, "the lecture's batch size (lecture.BATCH_SIZE)")
SIGMOID_MAX_SLOPE = const(lambda: activations.sigmoid_derivative(0.0), "max of sigmoid'")
SIGMOID_MIDDLE = const(lambda: activations.sigmoid(0.0), "sigmoid(0): where s(1 - s) peaks")
EPSILON = const(lambda: losses.EPSILON, "the clip before log (losses.EPSILON)")

ALLOWED: dict[str, dict[str, list[Check]]] = {
    "index": {
        "3.11": [const(requires_python, "the oldest Python (pyproject requires-python)")],
        "10": [const(lambda: nav_position("keras-mlp"), "the learning path's row = nav place")],
        "11": [const(lambda: nav_position("numpy-mlp"), "the learning path's row = nav place")],
        "12": [const(lambda: nav_position("optimizers"), "the learning path's row = nav place")],
        "13": [
            const(lambda: nav_position("regularization"), "the learning path's row = nav place")
        ],
        "14": [const(lambda: nav_position("cnn"), "the learning path's row = nav place")],
        "15": [const(lambda: nav_position("numpy-cnn"), "the learning path's row = nav place")],
        "50": [code("the first check's n_samples=50")],
    },
    "linear-regression": {"50": [code("make_data(n_samples=50)")]},
    "gradient-descent": {
        "1e-6": [code("h = 1e-6, the numerical derivative's step")],
        "0.001": [code("the learning rate that is too small")],
        "0.05": [code("the learning rate that is about right")],
        "0.25": [code("the learning rate that diverges")],
        "300": [code("n_steps=300")],
    },
    "perceptron": {
        "1.5": [code("b = -1.5, the hand-made AND")],
        "1958": [fact("Rosenblatt's perceptron")],
        "1969": [fact("Minsky and Papert's Perceptrons")],
        "1970": [fact("the 1970s")],
        "1986": [fact("Rumelhart, Hinton and Williams' backpropagation paper")],
    },
    "mlp-xor": {"0.5": [code("SGD(0.5), and the output's threshold 0.5")]},
    "backpropagation": {
        "0.5": [code("SGD(0.5)")],
        "16": [const(lambda: 53 * math.log10(2), "float64's 53-bit significand: ~16 digits")],
    },
    "activations": {"0.25": [SIGMOID_MAX_SLOPE], "0.5": [SIGMOID_MIDDLE]},
    "vanishing-gradients": {
        "0.25": [SIGMOID_MAX_SLOPE],
        "4e-6": [const(lambda: 0.25**9, "0.25 to the 9th: nine layers back")],
        "10": [code("depth=10")],
        "64": [code("width=64")],
    },
    "mnist-data": {
        "6.5": [const(lambda: (4 + 9) / 2, "the midpoint of 4 and 9, the sentence's example")],
        "10": [CLASSES],
        "28": [SIDE],
        "255": [const(lambda: np.iinfo(np.uint8).max, "the largest uint8 pixel")],
        "255.0": [code("the division by 255.0")],
        "392": [HIDDEN],
        "784": [PIXELS],
        "1,000": [code("the 1,000 images of the saturation experiment")],
        "1998": [fact("MNIST's publication (LeCun et al.)")],
        "3,930": [PARAMS_2],
        "10,000": [TEST],
        "60,000": [TRAIN],
        "307,720": [PARAMS_1],
    },
    "softmax-cross-entropy": {
        "1e-7": [EPSILON],
        "0.5": [SIGMOID_MIDDLE],
        "10": [CLASSES],
        "1000": [code("the logits of +-1000")],
        "1.8e308": [const(lambda: np.finfo(np.float64).max, "the largest float64")],
    },
    "keras-mlp": {
        "2.303": [const(lambda: math.log(N_CLASSES), "log 10, the loss of a uniform guess")],
        "10": [CLASSES],
        "128": [BATCH],
        "391": [
            const(
                lambda: math.ceil((N_TRAIN - mnist_runs.N_HOLDOUT) / lecture.BATCH_SIZE),
                "steps per epoch on 50,000 images, batch 128",
            )
        ],
        "392": [HIDDEN],
        "469": [
            const(lambda: math.ceil(N_TRAIN / lecture.BATCH_SIZE), "steps per epoch, batch 128")
        ],
        "784": [PIXELS],
        "3,930": [PARAMS_2],
        "10,000": [const(lambda: mnist_runs.N_HOLDOUT, "the holdout (mnist_runs.N_HOLDOUT)")],
        "50,000": [
            const(lambda: N_TRAIN - mnist_runs.N_HOLDOUT, "training images left by the holdout")
        ],
        "60,000": [TRAIN],
        "307,720": [PARAMS_1],
        "311,650": [PARAMS],
    },
    "numpy-mlp": {
        "1e-7": [const(lambda: RMSprop().epsilon, "RMSprop's epsilon (Keras' default)")],
        "0.001": [const(lambda: RMSprop().learning_rate, "RMSprop's learning rate")],
        "0.9": [const(lambda: RMSprop().rho, "RMSprop's rho")],
        "10": [CLASSES],
        "128": [BATCH],
        "392": [HIDDEN],
        "784": [PIXELS],
        "311,650": [PARAMS],
    },
    "cnn": {
        "0.01": [const(lambda: schedules.PEAK_LEARNING_RATE, "the schedule's peak rate")],
        "10": [
            CLASSES,
            const(lambda: schedules.PEAK_LEARNING_RATE / keras_adam_default(), "10x Adam's"),
            const(lambda: 100 * schedules.WARMUP_FRACTION, "warm-up over the first 10 %"),
        ],
        "11": [const(lambda: cnn_output("conv2", 1), "conv2's output: 13 - 3 + 1")],
        "13": [const(lambda: cnn_output("pool1", 1), "pool1's output: 26 / 2")],
        "26": [const(lambda: cnn_output("conv1", 1), "conv1's output: 28 - 3 + 1")],
        "28": [SIDE],
        "32": [const(lambda: cnn_layers()["conv1"].filters, "conv1's filters")],
        "64": [const(lambda: cnn_layers()["conv2"].filters, "conv2's filters")],
        "99": [const(lambda: 100 * cnn.TARGET_ACCURACY, "cnn.TARGET_ACCURACY, in %")],
        "288": [const(lambda: cnn_layers()["conv1"].count_params(), "conv1's weights")],
        "784": [PIXELS],
        "1600": [const(lambda: cnn_output("flatten", 1), "the flattened 5 x 5 x 64")],
        "1959": [fact("Hubel and Wiesel's recordings")],
        "1980": [fact("Fukushima's Neocognitron")],
        "1981": [fact("Hubel and Wiesel's Nobel Prize")],
        "1989": [fact("LeCun's LeNet")],
        "1998": [fact("LeNet-5 and MNIST (LeCun et al.)")],
        "6,000": [
            const(lambda: N_TRAIN - math.ceil(N_TRAIN * (1 - cnn.VALIDATION_FRACTION)), "val")
        ],
        "10,000": [TEST],
        "18,432": [const(lambda: cnn_layers()["conv2"].count_params(), "conv2's weights")],
        "54,000": [
            const(lambda: math.ceil(N_TRAIN * (1 - cnn.VALIDATION_FRACTION)), "images trained on")
        ],
        "311,650": [PARAMS],
        "1e-3": [
            const(lambda: batchnorm.EPSILON, "BatchNormalization's epsilon (batchnorm.EPSILON)")
        ],
    },
    # issue 15: the three chapters past the lecture
    "optimizers": {
        "50": [code("make_data(n_samples=50)")],
        "100": [code("n_steps = 100")],
        "0.9": [
            code("momentum=0.9"),
            const(lambda: RMSprop().rho, "RMSprop's rho"),
            const(lambda: Adam().beta_1, "Adam's beta_1"),
        ],
        "90": [const(lambda: 100 * 0.9, "momentum 0.9: 90 % of the previous step")],
        "10": [
            code("batches of 10"),
            const(lambda: 1 / (1 - 0.9), "1 / (1 - beta), beta = 0.9"),
            const(lambda: SGD().learning_rate / RMSprop().learning_rate, "0.01 vs 0.001"),
        ],
        "3.16": [
            const(lambda: 1 / math.sqrt(1 - RMSprop().rho), "1 / sqrt(1 - rho)"),
            const(lambda: 0.1 / math.sqrt(0.001), "0.1 / sqrt(0.001), Adam's step 1"),
        ],
        "0.1": [
            const(lambda: 1 - Adam().beta_1, "1 - beta_1"),
            const(lambda: 1 - RMSprop().rho, "1 - rho"),
        ],
        "0.001": [
            const(lambda: RMSprop().learning_rate, "RMSprop's and Adam's learning rate"),
            const(lambda: 1 - Adam().beta_2, "1 - beta_2"),
        ],
        "1e-7": [const(lambda: RMSprop().epsilon, "RMSprop's and Adam's epsilon")],
        "0.999": [const(lambda: Adam().beta_2, "Adam's beta_2")],
        "0.25": [fact("the gradient-descent page's learning rate that diverges (its code)")],
        "0.05": [code("learning_rate=0.05")],
        "0.5": [code("learning_rate=0.5, one step on the round bowl")],
        "255": [const(lambda: np.iinfo(np.uint8).max, "the MNIST pages divide the pixels by 255")],
        "60,000": [TRAIN],
        "128": [BATCH],
        "469": [
            const(lambda: math.ceil(N_TRAIN / lecture.BATCH_SIZE), "steps per epoch, batch 128")
        ],
        "784": [PIXELS],
        "0.01": [const(lambda: SGD().learning_rate, "SGD's default learning rate (Keras')")],
        "392": [HIDDEN],
    },
    "regularization": {
        "784": [PIXELS],
        "256": [const(lambda: overfitting.LAYER_SIZES[1], "overfitting.LAYER_SIZES")],
        "10": [CLASSES],
        "1,000": [const(lambda: overfitting.N_TRAIN, "overfitting.N_TRAIN")],
        "0.02": [const(lambda: overfitting.LEARNING_RATE, "overfitting.LEARNING_RATE")],
        "0.9": [
            const(lambda: overfitting.MOMENTUM, "overfitting.MOMENTUM"),
            fact("an accuracy near 0.9: the table's test accuracies (page test)"),
        ],
        "32": [const(lambda: overfitting.BATCH_SIZE, "overfitting.BATCH_SIZE")],
        "40": [const(lambda: overfitting.EPOCHS, "overfitting.EPOCHS")],
        "10,000": [const(lambda: mnist_runs.N_HOLDOUT, "the holdout"), TEST],
        "100": [fact("a training accuracy of 100 %: tests/pages/test_chapter_pages.py holds it")],
        "1e-3": [const(lambda: overfitting.L2, "overfitting.L2")],
        "0.3": [const(lambda: overfitting.DROPOUT, "overfitting.DROPOUT")],
        "0.5": [code("dropout_mask(..., 0.5, ...)")],
        "0.1": [const(lambda: 1 - 0.9, "1 - 0.9 in the standard error")],
        "0.003": [const(lambda: math.sqrt(0.9 * 0.1 / N_TEST), "sqrt(0.9 * 0.1 / 10,000)")],
        "6,000": [
            const(lambda: N_TRAIN - math.ceil(N_TRAIN * (1 - cnn_data.VALIDATION_FRACTION)), "val")
        ],
    },
    "numpy-cnn": {
        "98": [fact("more than 98 % right: tests/pages/test_chapter_pages.py, test_numpy_cnn.py")],
        "28": [SIDE],
        "26": [const(lambda: HEIGHT - 3 + 1, "28 - 3 + 1")],
        "676": [const(lambda: (HEIGHT - 3 + 1) ** 2, "26 x 26 windows")],
        "128": [const(lambda: numpy_cnn.BATCH_SIZE, "numpy_cnn.BATCH_SIZE")],
        "16": [code("16 filters in the first layer (Conv2D(1, 16, 3) in numpy_cnn)")],
        "160": [const(lambda: 3 * 3 * 1 * 16 + 16, "conv1's parameters")],
        "32": [const(lambda: numpy_cnn.build_numpy_cnn().layers[3].W.shape[3], "conv2's filters")],
        "4,640": [const(lambda: numpy_cnn.build_numpy_cnn().layers[3].W.size + 32, "conv2's")],
        "800": [const(lambda: numpy_cnn.build_numpy_cnn().layers[-1].W.shape[0], "flattened")],
        "10": [CLASSES, const(lambda: 100 * schedules.WARMUP_FRACTION, "warm-up over 10 %")],
        "0.005": [const(lambda: numpy_cnn.PEAK_LEARNING_RATE, "numpy_cnn.PEAK_LEARNING_RATE")],
        "54,000": [const(lambda: math.ceil(N_TRAIN * (1 - cnn_data.VALIDATION_FRACTION)), "train")],
        "6,000": [
            const(lambda: N_TRAIN - math.ceil(N_TRAIN * (1 - cnn_data.VALIDATION_FRACTION)), "val")
        ],
        "24": [const(lambda: lecture.TOTAL_PARAMS / numpy_cnn.build_numpy_cnn().n_params, "ratio")],
        "121": [const(lambda: 11 * 11, "conv2's 11 x 11 windows")],
        "144": [const(lambda: 3 * 3 * 16, "a 3 x 3 x 16 window")],
        "12,810": [
            const(lambda: numpy_cnn.build_numpy_cnn().n_params, "the NumPy CNN's parameters")
        ],
        "99": [const(lambda: 100 * cnn.TARGET_ACCURACY, "cnn.TARGET_ACCURACY, in %")],
    },
}


def prose_numbers(page: str) -> dict[str, list[str]]:
    """numeral -> where it stands (language and section), over both languages."""
    found: dict[str, list[str]] = {}
    for language in prose.LANGUAGES:
        for section in prose.teaching_sections(page, language):
            for numeral in prose.numbers(section.text):
                found.setdefault(numeral, []).append(f"{language}: {section.title}")
    return found


def code_literals(page: str) -> set[float]:
    values = set()
    for source in code_cells(page):
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and type(node.value) in (int, float):
                values.add(float(node.value))
    return values


@pytest.mark.parametrize("page", PAGES)
def test_every_number_in_the_prose_is_listed_with_its_reason(page):
    found, allowed = prose_numbers(page), ALLOWED.get(page, {})
    new = {numeral: where for numeral, where in found.items() if numeral not in allowed}
    assert not new, f"{page}: numbers typed into the prose, not in ALLOWED: {new}"
    gone = sorted(set(allowed) - set(found))
    assert not gone, f"{page}: ALLOWED lists numbers the page no longer holds: {gone}"


@pytest.mark.parametrize("page", sorted(ALLOWED))
def test_every_listed_number_agrees_with_the_code(page):
    literals = code_literals(page)
    for numeral, checks in ALLOWED[page].items():
        assert checks, f"{page}: {numeral} needs a reason"
        for check in checks:
            if check.in_code:
                assert prose.value_of(numeral) in literals, f"{page}: {numeral} not in its code"
            elif check.value is not None:
                value = float(check.value())
                assert prose.written_as(value, numeral), f"{page}: {numeral} != {value} ({check})"
            else:
                assert check.reason, f"{page}: {numeral}"


def test_numbers_are_read_as_written():
    text = r"About $1.8 \times 10^{308}$, $10^{-7}$, $307{,}720$ and 60,000장; x_1, SHA-256, 2 and 0.25."
    assert prose.numbers(text) == ["1.8e308", "1e-7", "307,720", "60,000", "0.25"]
    assert prose.written_as(0.25**9, "4e-6") and not prose.written_as(0.25**9, "3e-6")
    assert prose.written_as(math.log(10), "2.303") and not prose.written_as(2.3, "2.303")
    assert prose.written_as(60000, "60,000") and not prose.written_as(59999.4, "60,000")
    assert prose.numbers("`0.9312` in code and\n> 0.9312 in a lecture quote") == []
