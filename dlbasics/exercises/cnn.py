"""Exercises for the page "Convolutional neural networks", in NumPy only (the in-browser Python has
no TensorFlow): convolution by hand, a convolutional layer's parameters, and the shapes it makes.
"""

from __future__ import annotations

import numpy as np

from .. import convolution
from ._attempt import Case
from ._kinds import FunctionExercise, ValueExercise
from ._mistakes import Mistake, answer_is, behaves_like, has_shape, when
from ._text import Text as T

PAGE = "cnn"
CONTEXT = {"convolution": convolution}


def _flipped(image, kernel):
    return convolution.conv2d(image, kernel[::-1, ::-1])  # convolution as mathematics defines it


def _case(shape, kernel, seed):
    image = np.random.default_rng(seed).uniform(0, 1, size=shape)
    return Case((image, kernel), f"image {shape}, kernel {kernel.shape}")


q1 = FunctionExercise(
    PAGE,
    1,
    name="conv2d",
    title=T(ko="합성곱 직접 만들기", en="Convolution by hand"),
    task=T(
        ko="`conv2d(image, kernel)`을 완성하세요. (h, w) 이미지 위로 (k_h, k_w) 필터를 한 칸씩 "
        "밀면서, 필터가 이미지 안에 다 들어가는 위치마다 S[i, j] = Σ image[i + u, j + v]·"
        "kernel[u, v]를 계산합니다(패딩 없음, 필터를 뒤집지 않음, Keras의 `Conv2D`와 같습니다).",
        en="Complete `conv2d(image, kernel)`: slide a (k_h, k_w) kernel over an (h, w) image one "
        "pixel at a time and, at every position where the kernel fits inside the image, compute "
        "S[i, j] = Σ image[i + u, j + v]·kernel[u, v] (no padding, no flipping, as Keras' "
        "`Conv2D`).",
    ),
    reference=convolution.conv2d,
    cases=[
        _case((5, 7), np.array([[1.0, 0.0, -1.0], [2.0, 0.5, -2.0]]), 0),
        _case((4, 4), convolution.kernel("vertical_edge"), 1),
    ],
    mistakes=[
        Mistake(
            "flipped",
            behaves_like(_flipped),
            T(
                ko="필터를 뒤집었습니다(수학에서 정의하는 합성곱). 딥러닝의 합성곱, 그리고 Keras는 "
                "필터를 그대로 밉니다.",
                en="you flipped the kernel (convolution as mathematics defines it); deep "
                "learning's convolution, and Keras', slides the kernel as it is.",
            ),
        ),
        Mistake(
            "padded",
            has_shape(lambda shape, case: case.args[0].shape),
            T(
                ko="특징 맵이 이미지와 크기가 같습니다. 패딩 없는('valid') 합성곱은 필터가 다 들어가는 "
                "위치만 쓰므로 (h − k_h + 1, w − k_w + 1)입니다.",
                en="your feature map is as large as the image: a 'valid' convolution, without "
                "padding, uses only the positions where the whole kernel fits, "
                "(h − k_h + 1, w − k_w + 1).",
            ),
        ),
        Mistake(
            "one_short",
            has_shape(lambda shape, case: (shape[0] - 1, shape[1] - 1)),
            T(
                ko="한 행과 한 열이 모자랍니다. 필터는 h − k_h + 1개의 위치에 들어갑니다. 마지막 위치도 "
                "세세요.",
                en="one row and one column short: the kernel fits at h − k_h + 1 positions; count "
                "the last one too.",
            ),
        ),
        Mistake(
            "kernel_transposed",
            behaves_like(lambda image, kernel: convolution.conv2d(image, kernel.T), cases=[0]),
            T(
                ko="필터의 행과 열이 바뀌었습니다. kernel[u, v]는 image[i + u, j + v]에 곱해집니다.",
                en="the kernel's rows and columns are swapped: kernel[u, v] multiplies "
                "image[i + u, j + v].",
            ),
        ),
    ],
    hints=[
        T(
            ko="결과의 모양은 (h − k_h + 1, w − k_w + 1)입니다. 위치 (i, j)마다 이미지의 창 하나를 "
            "잘라 필터와 원소끼리 곱해 더합니다.",
            en="The result has shape (h − k_h + 1, w − k_w + 1). At each position (i, j), cut out "
            "one window of the image, multiply it by the kernel entry by entry, and add up.",
        ),
        T(
            ko="두 겹의 for 문에서 `image[i:i + k_h, j:j + k_w]`가 창입니다.",
            en="In two nested for loops, the window is `image[i:i + k_h, j:j + k_w]`.",
        ),
    ],
    solution="""
        def conv2d(image, kernel):
            kh, kw = kernel.shape
            out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
            for i in range(out.shape[0]):
                for j in range(out.shape[1]):
                    out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
            return out
    """,
    explanation=T(
        ko="`dlbasics.convolution.conv2d`는 같은 계산을 for 문 없이 합니다. "
        "`sliding_window_view`가 모든 창을 한꺼번에 보여 주고 `einsum`이 창마다 곱해 더합니다.",
        en="`dlbasics.convolution.conv2d` does the same without loops: `sliding_window_view` "
        "shows every window at once, and `einsum` multiplies and adds each one.",
    ),
    context=CONTEXT,
)

KERNEL_SHAPE = (3, 3, 3, 16)  # (height, width, input channels, filters), Keras' layout


def _conv_params() -> int:
    kernel, bias = np.zeros(KERNEL_SHAPE), np.zeros(KERNEL_SHAPE[-1])
    return kernel.size + bias.size


q2 = ValueExercise(
    PAGE,
    2,
    name="prediction",
    title=T(ko="합성곱 층의 파라미터 수", en="The parameters of a convolutional layer"),
    task=T(
        ko="컬러(RGB, 채널 3개) 이미지에 3×3 필터 16개를 쓰는 합성곱 층이 있습니다. 필터마다 편향이 "
        "하나씩 있다면 파라미터는 모두 몇 개일까요?",
        en="A convolutional layer applies 16 filters of 3×3 to colour (RGB, 3-channel) images, "
        "with one bias per filter. How many parameters does it have?",
    ),
    expected=_conv_params,
    answer_type="number",
    mistakes=[
        Mistake(
            "no_bias",
            answer_is(3 * 3 * 3 * 16),
            T(
                ko="가중치만 세었습니다. 필터마다 편향도 하나씩 있습니다.",
                en="you counted the weights; each filter also has a bias.",
            ),
        ),
        Mistake(
            "one_channel",
            when(lambda attempt: attempt.answer in (3 * 3 * 16, 3 * 3 * 16 + 16)),
            T(
                ko="필터 하나가 채널 하나만 보는 것으로 셌습니다. 필터는 입력 채널 3개를 모두 덮는 "
                "3×3×3 덩어리입니다.",
                en="you counted a filter as seeing one channel: each filter is a 3×3×3 block "
                "that covers all 3 input channels.",
            ),
        ),
        Mistake(
            "one_filter",
            when(lambda attempt: attempt.answer in (3 * 3 * 3, 3 * 3 * 3 + 1)),
            T(
                ko="필터 하나만 세었습니다. 필터가 16개입니다.",
                en="that is one filter; there are 16.",
            ),
        ),
    ],
    hints=[
        T(
            ko="Keras는 이 층의 가중치를 (높이, 너비, 입력 채널, 필터 수) 모양의 배열 하나에 담습니다.",
            en="Keras keeps this layer's weights in one array of shape (height, width, input "
            "channels, filters).",
        ),
    ],
    solution="""
        prediction = 3 * 3 * 3 * 16 + 16
    """,
    explanation=T(
        ko="가중치 3 × 3 × 3 × 16 = 432개와 편향 16개, 모두 448개입니다. 이미지의 크기와는 상관이 "
        "없습니다. 같은 필터를 모든 위치에서 다시 쓰기 때문입니다.",
        en="3 × 3 × 3 × 16 = 432 weights and 16 biases: 448. The image's size does not enter: "
        "the same filters are reused at every position.",
    ),
)


def _side_after_conv_and_pool() -> int:
    feature_map = convolution.conv2d(np.zeros((28, 28)), np.zeros((5, 5)))  # valid: 24 x 24
    return convolution.max_pool2d(feature_map, 2).shape[0]


q3 = ValueExercise(
    PAGE,
    3,
    name="side",
    title=T(ko="합성곱과 풀링 뒤의 크기", en="The size after convolution and pooling"),
    task=T(
        ko="28×28 이미지에 5×5 필터로 합성곱(패딩 없음)을 하고, 이어서 2×2 최대 풀링을 합니다. 결과의 "
        "한 변은 몇 픽셀일까요?",
        en="A 28×28 image goes through a convolution with a 5×5 kernel (no padding), then 2×2 "
        "max pooling. How many pixels is a side of the result?",
    ),
    expected=_side_after_conv_and_pool,
    answer_type="number",
    mistakes=[
        Mistake(
            "no_shrinking",
            answer_is(28 // 2),
            T(
                ko="합성곱이 먼저 이미지를 줄입니다. 5×5 창은 한 방향으로 28 − 5 + 1곳에 들어갑니다.",
                en="the convolution shrinks the image first: a 5×5 window fits at 28 − 5 + 1 "
                "positions along each side.",
            ),
        ),
        Mistake(
            "no_pooling",
            answer_is(28 - 5 + 1),
            T(
                ko="풀링을 빠뜨렸습니다. 2×2 최대 풀링은 높이와 너비를 절반으로 줄입니다.",
                en="you left out the pooling: 2×2 max pooling halves the height and the width.",
            ),
        ),
        Mistake(
            "one_short",
            answer_is((28 - 5) // 2),
            T(
                ko="합성곱 뒤의 크기가 하나 모자랍니다. 마지막 창 위치도 세세요(+ 1).",
                en="the size after the convolution is one short: count the last window position "
                "too (+ 1).",
            ),
        ),
    ],
    hints=[
        T(
            ko="패딩 없는 합성곱 뒤의 한 변은 h − k + 1이고, 2×2 풀링은 그것을 2로 나눕니다.",
            en="After a convolution without padding a side is h − k + 1; 2×2 pooling divides it "
            "by 2.",
        ),
    ],
    solution="""
        side = (28 - 5 + 1) // 2
    """,
    explanation=T(
        ko="28 − 5 + 1 = 24, 풀링 뒤 24 / 2 = 12입니다. 이 페이지의 모델에서 28 → 26 → 13이 된 것과 "
        "같은 셈입니다.",
        en="28 − 5 + 1 = 24, and 24 / 2 = 12 after pooling: the same arithmetic that took this "
        "page's model from 28 to 26 to 13.",
    ),
)

EXERCISES = (q1, q2, q3)
