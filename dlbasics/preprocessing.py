"""The lecture's MNIST preprocessing: flatten 28x28 to 784, divide by 255, one-hot labels."""

from __future__ import annotations

import numpy as np

from ._validation import check_int


def check_images(name: str, images) -> np.ndarray:
    """``images`` as an array, or an error naming ``name``: uint8 pixels ``(n_samples, h, w)``."""
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"{name} must be 3-D (n_samples, height, width), got shape {images.shape}")
    if images.dtype != np.uint8:
        raise TypeError(f"{name} must be uint8 pixels 0-255 (as loaded), got dtype {images.dtype}")
    return images


def check_labels(name: str, labels, n_classes: int = 10) -> np.ndarray:
    """``labels`` as an array, or an error naming ``name``: integers in [0, n_classes), 1-D."""
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"{name} must be 1-D (n_samples,), got shape {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"{name} must be integers, got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"{name} must be in [0, {n_classes - 1}], got values from {labels.min()} to {labels.max()}"
        )
    return labels


def flatten_and_scale(images) -> np.ndarray:
    """uint8 images ``(n_samples, 28, 28)`` -> float32 ``(n_samples, 784)`` in [0, 1].

    ``reshape`` gives each image one row (the layout ``np.dot`` and ``Dense`` expect); ``/ 255.0``
    keeps inputs small so tanh units do not start saturated. The caller's array is not changed.
    """
    images = check_images("images", images)
    n_samples = images.shape[0]
    return images.reshape(n_samples, -1).astype(np.float32) / np.float32(255.0)  # (n, 784)


def one_hot(labels, n_classes: int = 10, *, dtype=np.float32) -> np.ndarray:
    """Integer labels ``(n_samples,)`` -> one-hot rows ``(n_samples, n_classes)``; 3 -> [0,0,0,1,0,...]."""
    n_classes = check_int("n_classes", n_classes)
    labels = check_labels("labels", labels, n_classes)
    encoded = np.zeros((labels.shape[0], n_classes), dtype=dtype)
    encoded[np.arange(labels.shape[0]), labels] = 1
    return encoded
