"""Convolution and pooling on one image, in NumPy: what a CNN's first layers compute.

Shapes: an image is ``(height, width)``, a kernel (filter) ``(k_h, k_w)``. :func:`conv2d` slides
the kernel over the image without padding and with stride 1 ("valid", Keras' default), so the
output is ``(height - k_h + 1, width - k_w + 1)``. Like Keras' ``Conv2D`` (and every deep-learning
library) it does not flip the kernel: strictly this is cross-correlation, and the name
"convolution" is the field's habit. :func:`max_pool2d` keeps the largest value of each
``size x size`` window (stride ``size``, Keras' ``MaxPooling2D`` default); rows and columns that do
not fill a window are dropped, as Keras does.

Left out on purpose: channels, batches, padding, strides other than 1 and the backward pass;
this module only shows what one filter does. :mod:`dlbasics.conv_layers` has all of them, for
the CNN that the NumPy CNN page trains.
The activation between them is :func:`dlbasics.activations.relu`.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_choice, check_int

# 3x3 filters to look at. Each responds to a kind of stroke: the edge filters are positive on one
# side and negative on the other, so they answer where brightness changes across that direction.
KERNELS = {
    "vertical_edge": np.array([[1.0, 0.0, -1.0], [1.0, 0.0, -1.0], [1.0, 0.0, -1.0]]),
    "horizontal_edge": np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -1.0, -1.0]]),
    "blur": np.full((3, 3), 1.0 / 9.0),
}


def kernel(name: str) -> np.ndarray:
    """A copy of one of the named 3x3 filters in :data:`KERNELS`."""
    return KERNELS[check_choice("name", name, KERNELS)].copy()


def conv2d(image, kernel, bias: float = 0.0) -> np.ndarray:
    """Slide ``kernel`` over ``image`` (valid, stride 1): ``out[i, j] = sum(window * kernel) + bias``.

    ``image`` is ``(height, width)``, ``kernel`` ``(k_h, k_w)``, no larger than the image; the
    result is float64 ``(height - k_h + 1, width - k_w + 1)``.
    """
    image = as_float_array("image", image, ndim=2, shape_hint="(height, width)")
    kernel = as_float_array("kernel", kernel, ndim=2, shape_hint="(k_h, k_w)")
    k_h, k_w = kernel.shape
    if k_h > image.shape[0] or k_w > image.shape[1]:
        raise ValueError(
            f"kernel must not be larger than the image {image.shape}, got shape {kernel.shape}"
        )
    # Every k_h x k_w window at once: (out_h, out_w, k_h, k_w), a view (no copy).
    windows = np.lib.stride_tricks.sliding_window_view(image, (k_h, k_w))
    return np.einsum("ijkl,kl->ij", windows, kernel) + float(bias)  # (out_h, out_w)


def max_pool2d(image, size: int = 2) -> np.ndarray:
    """The largest value in each ``size x size`` window (stride ``size``): ``(h // size, w // size)``."""
    image = as_float_array("image", image, ndim=2, shape_hint="(height, width)")
    size = check_int("size", size)
    out_h, out_w = image.shape[0] // size, image.shape[1] // size
    if out_h == 0 or out_w == 0:
        raise ValueError(f"size must not exceed the image's sides {image.shape}, got {size}")
    cropped = image[: out_h * size, : out_w * size]  # drop what does not fill a window
    return cropped.reshape(out_h, size, out_w, size).max(axis=(1, 3))  # (out_h, out_w)
