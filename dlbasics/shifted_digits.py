"""Move the digits a few pixels to the right: the MLP against the CNN (the NumPy CNN page).

MNIST's digits sit in the middle of their 28x28 square (centred by their centre of mass), so every
model trained on them has only ever seen them there. :func:`shift_images` moves them ``pixels``
to the right, filling the columns that open up with background (0). :func:`shift_experiment`
then asks the lecture's MLP and the NumPy CNN, each trained as its page trains it, to classify
the shifted test images, and what probability each gives the 9 of the MNIST data page (training
image 4) being a 9. The MLP sees every pixel as a separate input, so a shifted digit is a new
pattern of inputs to it; the CNN's filters find the same strokes wherever they are, and its
pooling forgives a pixel or so of where.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from ._validation import check_int, check_seed
from .cnn_data import check_data, prepare_images
from .mnist_numpy import fit_lecture_mlp
from .mnist_runs import StoredResult, cached_run
from .numpy_cnn import train_numpy_cnn
from .preprocessing import check_images, flatten_and_scale

NINE = 4  # the training image the MNIST data page shows: a 9
SHIFTS = (0, 1, 2, 3, 4)


def shift_images(images, pixels: int) -> np.ndarray:
    """``images`` ``(n, h, w)`` moved ``pixels`` to the right (left if negative), zeros filling in.

    Pixels pushed over the edge are lost. A new array; the caller's is not changed.
    """
    images = check_images("images", images)
    pixels = check_int("pixels", pixels, minimum=-images.shape[2])
    if abs(pixels) > images.shape[2]:
        raise ValueError(f"pixels must be at most the width {images.shape[2]}, got {pixels}")
    shifted = np.zeros_like(images)
    if pixels >= 0:
        shifted[:, :, pixels:] = images[:, :, : images.shape[2] - pixels]
    else:
        shifted[:, :, :pixels] = images[:, :, -pixels:]
    return shifted


@dataclass
class ShiftResult(StoredResult):
    """Per shift (``shifts``, in pixels to the right): both models' test accuracy, and the
    probability each gives training image 4, the 9, of being a 9."""

    shifts: list[int]
    mlp_accuracy: list[float]
    cnn_accuracy: list[float]
    mlp_p_nine: list[float]
    cnn_p_nine: list[float]
    seed: int
    from_cache: bool = field(default=False, compare=False)


def _experiment(data, *, shifts, seed, cnn_data, cache_dir) -> ShiftResult:
    (x_train, _), (x_test, y_test) = check_data(data)
    mlp = fit_lecture_mlp(data, seed=seed)  # as the numpy-mlp page trains it
    # The NumPy CNN page's own run: asked for with the caller's `data` (None or the arrays) and
    # cache, so it is the same cache entry as the page's, not a second training.
    cnn = train_numpy_cnn(cnn_data, seed=seed, verbose=False, cache_dir=cache_dir).model()
    nine = x_train[NINE : NINE + 1]
    result = {"mlp_accuracy": [], "cnn_accuracy": [], "mlp_p_nine": [], "cnn_p_nine": []}
    for pixels in shifts:
        for name, model, prepare in (("mlp", mlp, flatten_and_scale), ("cnn", cnn, prepare_images)):
            p = model.predict(prepare(shift_images(x_test, pixels)))  # (10000, 10)
            result[f"{name}_accuracy"].append(float(np.mean(p.argmax(axis=1) == y_test)))
            result[f"{name}_p_nine"].append(
                float(model.predict(prepare(shift_images(nine, pixels)))[0, 9])
            )
    return ShiftResult(shifts=list(shifts), seed=seed, **result)


def shift_experiment(data=None, *, shifts=SHIFTS, seed: int = 0, cache_dir=None) -> ShiftResult:
    """Both models on the test set shifted by each of ``shifts`` pixels (module docstring).

    Trains the lecture's MLP (one epoch, a few seconds) and takes the NumPy CNN from its cached
    run (:func:`dlbasics.numpy_cnn.train_numpy_cnn`, same ``seed``); computed once, then cached.
    """
    shifts = [check_int("shifts[]", pixels, minimum=-28) for pixels in shifts]
    settings = {"shifts": shifts, "seed": check_seed("seed", seed)}
    if data is not None:
        check_data(data)
    train = functools.partial(_experiment, cnn_data=data, cache_dir=cache_dir)
    return cached_run("shift_experiment", train, data, settings, ShiftResult, cache_dir=cache_dir)
