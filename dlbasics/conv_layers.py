"""Convolution and max pooling for batches of images, forward and backward, in NumPy.

Shapes are channels-last, as in Keras: images ``X`` are ``(n_samples, height, width, channels)``,
a convolution's kernels ``W`` are ``(k_h, k_w, c_in, c_out)`` and its biases ``b`` ``(c_out,)``.
Rows are samples, as everywhere in the package. :mod:`dlbasics.convolution` shows one filter on
one image; this module is what a CNN trains with: many images, many channels, strides, padding.

**Output size.** A window of ``k`` pixels moved in steps of ``s`` over ``n`` pixels padded with
``p_before + p_after`` zeros fits ``out = floor((n + p_before + p_after - k) / s) + 1`` times;
with ``p`` on both sides, ``floor((n + 2p - k) / s) + 1``. Padding is given as Keras names it:
``"valid"`` (none) or ``"same"`` (``out = ceil(n / s)``, the zeros split as Keras splits them,
the odd one after), or as an int ``p`` for each side.

**How it is vectorised (im2col).** :func:`windows` lists every ``k_h x k_w x c_in`` window of the
padded batch as one row of a matrix, ``(n * out_h * out_w, k_h * k_w * c_in)``; the convolution
is then one matrix product with the kernels laid out as ``(k_h * k_w * c_in, c_out)``: the same
product a dense layer does, so its backward pass is the dense layer's. ``dW = cols.T @ dZ``,
``dcols = dZ @ W.T``; each entry of ``dcols`` is then added back to the pixel it was copied from
(col2im), one kernel position at a time. Max pooling keeps, for each window and channel, the
position of its largest value; the backward pass sends each gradient to that one input (the
first one when several are equal, as TensorFlow does) and 0 to the others.

Like Keras' ``Conv2D`` it does not flip the kernel (cross-correlation). Left out on purpose:
dilation, groups, average pooling, channels-first layouts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._validation import as_float_array, check_choice, check_int

PADDINGS = ("valid", "same")


# ---------------------------------------------------------------------------- sizes
def padding_amounts(size: int, kernel: int, stride: int, padding) -> tuple[int, int]:
    """The zeros added ``(before, after)`` one side of ``size`` pixels, Keras' way for names."""
    if isinstance(padding, str):
        check_choice("padding", padding, PADDINGS)
        if padding == "valid":
            return 0, 0
        total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
        return total // 2, total - total // 2  # Keras ("same"): the odd zero goes after
    padding = check_int("padding", padding, minimum=0)
    return padding, padding


def output_size(size: int, kernel: int, stride: int = 1, padding="valid") -> int:
    """``floor((size + p_before + p_after - kernel) / stride) + 1``: windows along one side."""
    size, kernel, stride = (
        check_int("size", size),
        check_int("kernel", kernel),
        check_int("stride", stride),
    )
    before, after = padding_amounts(size, kernel, stride, padding)
    if size + before + after < kernel:
        raise ValueError(
            f"kernel {kernel} must fit into the padded input ({size} + {before + after} pixels)"
        )
    return (size + before + after - kernel) // stride + 1


def _pad(X, kernel, stride, padding):
    (top, bottom), (left, right) = (
        padding_amounts(X.shape[axis], kernel[axis - 1], stride, padding) for axis in (1, 2)
    )
    if top == bottom == left == right == 0:
        return X, (0, 0, 0, 0)
    return np.pad(X, ((0, 0), (top, bottom), (left, right), (0, 0))), (top, bottom, left, right)


def windows(X, k_h: int, k_w: int, stride: int = 1) -> np.ndarray:
    """Every ``k_h x k_w`` window of ``X`` at ``stride``, as a view: ``(n, out_h, out_w, c, k_h, k_w)``."""
    return sliding_window_view(X, (k_h, k_w), axis=(1, 2))[:, ::stride, ::stride]


def _add_back(d_windows, shape, stride):
    """The inverse of :func:`windows` for gradients: each window's entries added to their pixels.

    ``d_windows`` is ``(n, out_h, out_w, k_h, k_w, c)``; pixels that several windows share get
    the sum. One vectorised addition per kernel position, ``k_h * k_w`` in all.
    """
    dX = np.zeros(shape, dtype=d_windows.dtype)
    _, out_h, out_w, k_h, k_w, _ = d_windows.shape
    for i in range(k_h):
        for j in range(k_w):
            rows = slice(i, i + stride * (out_h - 1) + 1, stride)
            columns = slice(j, j + stride * (out_w - 1) + 1, stride)
            dX[:, rows, columns, :] += d_windows[:, :, :, i, j, :]
    return dX


def _float_dtype(array) -> np.dtype:
    """float32 stays float32 (training); anything else is computed in float64."""
    return np.dtype(np.float32) if np.asarray(array).dtype == np.float32 else np.dtype(np.float64)


def _check_images(name, X, dtype=None):
    dtype = _float_dtype(X) if dtype is None else dtype
    return as_float_array(
        name, X, ndim=4, shape_hint="(n_samples, height, width, channels)", dtype=dtype
    )


# ----------------------------------------------------------------------- convolution
@dataclass
class ConvCache:
    """What the backward pass of a convolution needs from its forward pass."""

    cols: np.ndarray  # (n * out_h * out_w, k_h * k_w * c_in): the windows, one per row
    padded_shape: tuple
    padding: tuple  # (top, bottom, left, right)
    stride: int
    W: np.ndarray


def conv2d_forward(X, W, b=None, *, stride: int = 1, padding="valid"):
    """``Z[n, i, j, o] = sum over (u, v, c) of X_padded[n, s i + u, s j + v, c] W[u, v, c, o] + b[o]``.

    ``X`` ``(n, h, w, c_in)``, ``W`` ``(k_h, k_w, c_in, c_out)``, ``b`` ``(c_out,)`` or None.
    Returns ``(Z, cache)``: ``Z`` is ``(n, out_h, out_w, c_out)`` (sizes by :func:`output_size`)
    in the dtype of ``W``; ``cache`` is for :func:`conv2d_backward`.
    """
    W = as_float_array("W", W, ndim=4, shape_hint="(k_h, k_w, c_in, c_out)", dtype=_float_dtype(W))
    X = _check_images("X", X, W.dtype)
    if X.shape[3] != W.shape[2]:
        raise ValueError(f"X must have {W.shape[2]} channels (W's third axis), got shape {X.shape}")
    if b is not None:
        b = as_float_array("b", b, ndim=1, shape_hint="(c_out,)", dtype=W.dtype)
        if b.shape[0] != W.shape[3]:
            raise ValueError(f"b must have shape ({W.shape[3]},) (W's last axis), got {b.shape}")
    stride = check_int("stride", stride)
    for axis in (1, 2):  # checks that the kernel fits, with a clear message
        output_size(X.shape[axis], W.shape[axis - 1], stride, padding)
    return _conv_forward(X, W, b, stride, padding)


def _conv_forward(X, W, b, stride, padding):
    """:func:`conv2d_forward` on arrays already checked (the layers call it once per batch)."""
    k_h, k_w, c_in, c_out = W.shape
    X_padded, pads = _pad(X, (k_h, k_w), stride, padding)
    out_h = (X_padded.shape[1] - k_h) // stride + 1
    out_w = (X_padded.shape[2] - k_w) // stride + 1
    view = windows(X_padded, k_h, k_w, stride)[:, :out_h, :out_w]  # (n, out_h, out_w, c, k_h, k_w)
    # One row per window, ordered (u, v, c) like W's first three axes: the im2col copy.
    cols = view.transpose(0, 1, 2, 4, 5, 3).reshape(-1, k_h * k_w * c_in)
    Z = cols @ W.reshape(-1, c_out)  # (n out_h out_w, k_h k_w c_in) @ (k_h k_w c_in, c_out)
    if b is not None:
        Z += b
    Z = Z.reshape(X.shape[0], out_h, out_w, c_out)  # (n, out_h, out_w, c_out)
    return Z, ConvCache(cols, X_padded.shape, pads, stride, W)


def conv2d_backward(dZ, cache: ConvCache, *, input_gradient: bool = True):
    """Gradients of a convolution from ``dZ`` ``(n, out_h, out_w, c_out)``: ``(dX, dW, db)``.

    ``dW = cols.T @ dZ`` and ``db = sum(dZ)``, as for a dense layer; ``dX`` sends each window's
    share back to its pixels (None with ``input_gradient=False``: a first layer needs none).
    """
    k_h, k_w, c_in, c_out = cache.W.shape
    dZ_rows = dZ.reshape(-1, c_out)  # (n out_h out_w, c_out)
    dW = (cache.cols.T @ dZ_rows).reshape(cache.W.shape)  # (k_h k_w c_in, c_out) -> W's shape
    db = dZ_rows.sum(axis=0)  # (c_out,)
    if not input_gradient:
        return None, dW, db
    n, out_h, out_w, _ = dZ.shape
    d_cols = dZ_rows @ cache.W.reshape(-1, c_out).T  # (n out_h out_w, k_h k_w c_in)
    d_windows = d_cols.reshape(n, out_h, out_w, k_h, k_w, c_in)
    dX_padded = _add_back(d_windows, cache.padded_shape, cache.stride)  # col2im
    top, bottom, left, right = cache.padding
    height, width = cache.padded_shape[1:3]
    return dX_padded[:, top : height - bottom, left : width - right, :], dW, db


# ----------------------------------------------------------------------- max pooling
@dataclass
class PoolCache:
    """What the backward pass of max pooling needs: where each maximum was."""

    argmax: np.ndarray  # (n, out_h, out_w, c): the position k = u * size + v of each maximum
    input_shape: tuple
    size: int
    stride: int


def _shifted(X, u, v, stride, out_h, out_w):
    """``X[:, s i + u, s j + v, :]`` for every output position (i, j): a strided view."""
    return X[
        :, u : u + stride * (out_h - 1) + 1 : stride, v : v + stride * (out_w - 1) + 1 : stride
    ]


def max_pool_forward(X, *, size: int = 2, stride: int | None = None):
    """The largest value of each ``size x size`` window, per channel: ``(n, out_h, out_w, c)``.

    ``stride`` defaults to ``size`` (windows side by side, Keras' default); no padding, so rows
    and columns that fill no window are dropped (``out = floor((n - size) / stride) + 1``).
    Returns ``(out, cache)``; ``cache`` is for :func:`max_pool_backward`.
    """
    X = _check_images("X", X)
    size = check_int("size", size)
    stride = size if stride is None else check_int("stride", stride)
    for axis in (1, 2):
        output_size(X.shape[axis], size, stride)
    return _pool_forward(X, size, stride)


def _pool_forward(X, size, stride):
    out_h, out_w = ((X.shape[axis] - size) // stride + 1 for axis in (1, 2))
    # Walk the size * size positions of a window, all windows at once: keep the largest value
    # seen so far and where it was. A strict ">" keeps the first of equal values, as TensorFlow.
    out = _shifted(X, 0, 0, stride, out_h, out_w).copy()  # (n, out_h, out_w, c)
    argmax = np.zeros(out.shape, dtype=np.int8 if size * size < 128 else np.int32)
    for k in range(1, size * size):
        candidate = _shifted(X, k // size, k % size, stride, out_h, out_w)
        larger = candidate > out
        np.maximum(out, candidate, out=out)
        argmax = np.where(larger, argmax.dtype.type(k), argmax)
    return out, PoolCache(argmax, X.shape, size, stride)


def max_pool_backward(d_out, cache: PoolCache) -> np.ndarray:
    """Each window's gradient goes to the input that was its maximum; the rest get 0."""
    _, out_h, out_w, _ = d_out.shape
    dX = np.zeros(cache.input_shape, dtype=d_out.dtype)
    for k in range(cache.size * cache.size):  # one vectorised pass per position in the window
        # "+=": where windows overlap (stride < size), one input may be the maximum of several
        _shifted(dX, k // cache.size, k % cache.size, cache.stride, out_h, out_w)[...] += np.where(
            cache.argmax == k, d_out, 0
        )
    return dX


# --------------------------------------------------------------------------- layers
class Conv2D:
    """A convolutional layer: ``filters`` kernels of ``kernel_size``, Keras' Glorot-uniform start.

    ``forward(X)`` returns ``(n, out_h, out_w, filters)``; ``backward(dZ)`` stores ``grads``
    (``[dW, db]``, matching ``params``) and returns ``dX`` (None for a first layer, which is given
    ``input_gradient=False``).
    """

    def __init__(
        self,
        c_in: int,
        filters: int,
        kernel_size: int = 3,
        *,
        stride: int = 1,
        padding="valid",
        rng: np.random.Generator,
        dtype=np.float32,
        input_gradient: bool = True,
    ):
        c_in, filters = check_int("c_in", c_in), check_int("filters", filters)
        k = check_int("kernel_size", kernel_size)
        self.stride = check_int("stride", stride)
        padding_amounts(k, k, self.stride, padding)  # an unknown padding fails here, not later
        fan_in, fan_out = k * k * c_in, k * k * filters  # as Keras counts them for Glorot
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        self.W = rng.uniform(-limit, limit, size=(k, k, c_in, filters)).astype(dtype)
        self.b = np.zeros(filters, dtype=dtype)
        self.padding, self.input_gradient = padding, input_gradient
        self.grads: list[np.ndarray] = []
        self._cache: ConvCache | None = None

    @property
    def params(self) -> list[np.ndarray]:
        return [self.W, self.b]

    def forward(self, X, training: bool = False):
        Z, self._cache = _conv_forward(X, self.W, self.b, self.stride, self.padding)
        return Z

    def backward(self, dZ):
        dX, dW, db = conv2d_backward(dZ, self._cache, input_gradient=self.input_gradient)
        self.grads = [dW, db]
        return dX


class MaxPool2D:
    """A max-pooling layer: no parameters; ``backward`` routes each gradient to its maximum."""

    params: list[np.ndarray] = []
    grads: list[np.ndarray] = []

    def __init__(self, size: int = 2, stride: int | None = None):
        self.size = check_int("size", size)
        self.stride = self.size if stride is None else check_int("stride", stride)
        self._cache: PoolCache | None = None

    def forward(self, X, training: bool = False):
        out, self._cache = _pool_forward(X, self.size, self.stride)
        return out

    def backward(self, d_out):
        return max_pool_backward(d_out, self._cache)
