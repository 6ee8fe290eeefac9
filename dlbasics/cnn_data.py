"""MNIST for the CNNs: images with a channel axis, and the split into training and validation images.

Both CNNs, the Keras one (:mod:`dlbasics.cnn`) and the NumPy one (:mod:`dlbasics.numpy_cnn`),
train on the first 54,000 training images and validate on the last 6,000, as keras-io's
``validation_split=0.1`` does; the test set is evaluated on its own. NumPy only: this module
imports no Keras, so the NumPy CNN needs none.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import check_int
from .mnist_runs import unpack_data
from .preprocessing import check_images, check_labels, flatten_and_scale

VALIDATION_FRACTION = 0.1  # the last 10 % of the training images (6,000): keras-io's split
BATCH_SIZE = 128  # both CNNs' batch


def prepare_images(images) -> np.ndarray:
    """uint8 images ``(n_samples, 28, 28)`` -> float32 ``(n_samples, 28, 28, 1)`` in [0, 1].

    The channel axis is what ``Conv2D`` expects (one grey channel). The caller's array is not
    changed.
    """
    pixels = flatten_and_scale(images)  # checks: 3-D, uint8; (n, h*w) float32 in [0, 1]
    n_samples, height, width = np.shape(images)
    return pixels.reshape(n_samples, height, width, 1)  # (n, 28, 28, 1)


def check_data(data):
    """Check ``load_mnist()``'s tuple without converting it; return its four arrays.

    Raises ``TypeError``/``ValueError`` naming the array and the rule: images must be uint8
    ``(n, 28, 28)``, labels integers 0-9, one per image, at least 10 training images.
    """
    (x_train, y_train), (x_test, y_test) = unpack_data(data)
    pairs = []
    for name, images, labels in (("train", x_train, y_train), ("test", x_test, y_test)):
        images, labels = check_images(f"x_{name}", images), check_labels(f"y_{name}", labels)
        if labels.shape[0] != images.shape[0]:
            raise ValueError(
                f"y_{name} must have one label per image, got {labels.shape[0]} labels for "
                f"{images.shape[0]} images"
            )
        pairs.append((images, labels))
    if _n_kept(len(pairs[0][0])) >= len(pairs[0][0]):
        raise ValueError(
            "x_train must hold at least 10 images (the last 10 % are the validation split), "
            f"got {len(pairs[0][0])}"
        )
    return tuple(pairs)


def _n_kept(n_images: int) -> int:
    """Training images kept by a 10 % validation split: ``ceil(0.9 n)``, as Keras computes it."""
    return math.ceil(n_images * (1 - VALIDATION_FRACTION))


def split_data(data):
    """Split ``load_mnist()``'s tuple into prepared train, validation and test pairs.

    Returns ``(x_train, y_train), (x_val, y_val), (x_test, y_test)``: images as
    :func:`prepare_images` makes them, labels as int64 class numbers ``(n_samples,)``. The
    validation pair is the last 10 % of the training images (the first ``ceil(0.9 n)`` are kept,
    as Keras' ``validation_split=0.1`` does): for MNIST, 54,000 to train on and 6,000 to validate.
    """
    (x_train, y_train), (x_test, y_test) = check_data(data)
    images, labels = prepare_images(x_train), y_train.astype(np.int64)  # (n, 28, 28, 1), (n,)
    test = (prepare_images(x_test), y_test.astype(np.int64))
    split = _n_kept(len(images))
    return (images[:split], labels[:split]), (images[split:], labels[split:]), test


def epoch_steps(n_train: int, batch_size: int = BATCH_SIZE) -> int:
    """Optimizer steps in one epoch: ``ceil(n_train / batch_size)`` (422 for 54,000 / 128)."""
    return math.ceil(check_int("n_train", n_train) / check_int("batch_size", batch_size))
